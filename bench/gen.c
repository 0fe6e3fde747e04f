/*
 * bench/gen — a database for the web benchmarks, through the store API:
 * one bank (ベンチ銀行) with an admin "bench_bank", PARTNERS partners each
 * with a connection and an assessment, and the first assessment answered
 * on every item by both sides (45 items: the partner's as "bench_partner",
 * the bank's as "bench_bank").  Both users get PASSWORD.
 *
 * usage: gen DB_URL PASSWORD [PARTNERS]
 * prints the first assessment's id.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "db/store.h"
#include "formats/builtin.h"

#define BENCH_NAME "gen"
#include "bench.h"

static void answer_all(store_t *st, const actor_t *a, int64_t id, const catalog_t *cat,
                       side_t side)
{
    for (size_t i = 0; i < cat->nitems; i++) {
        const item_t *it = &cat->items[i];
        if (!side_answers(side, it->target))
            continue;
        answer_t ans = { .no = it->no, .side = side, .status = (status_t)(1 + it->no % 4),
                         .current = "多要素認証を導入済み。利用者のログイン時にワンタイム"
                                    "パスワードを要求し、アクセスログを90日間保存している。" };
        if (ans.status != STATUS_DONE) {
            ans.gap = "不正ログインの検知が目視に頼っている。";
            ans.plan = "検知ルールを導入し、自動で通知する。";
            ans.due = "2027-03-31";
        }
        if (store_answer_save(st, a, id, &ans, 0, NULL))
            die("store_answer_save", store_errmsg(st));
    }
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: gen DB_URL PASSWORD [PARTNERS]\n");
        return 2;
    }
    int partners = arg_count(argc, argv, 3, 1);
    if (partners < 1)
        die("arguments", "PARTNERS >= 1");
    char *err = NULL;
    store_open_opt_t o = { .create = true, .sync_normal = true };
    store_t *st = store_open(argv[1], &o, &err);
    if (!st)
        die(argv[1], err);
    actor_t sys = store_system_actor();
    int64_t bank, uid, first = 0;
    if (store_org_create(st, &sys, ORG_BANK, "ベンチ銀行", "0999", &bank))
        die("org create", store_errmsg(st));
    user_t ba = { .login = "bench_bank", .display_name = "銀行 管理者", .role = ROLE_ADMIN,
                  .org_id = bank };
    if (store_user_create(st, &sys, &ba, argv[2], &uid))
        die("user create", store_errmsg(st));
    actor_t bank_admin, partner_editor;
    if (store_actor(st, "bench_bank", &bank_admin))
        die("actor", store_errmsg(st));
    assessment_open_opt_t ao = { .round = "2026年度", .due = "2026-12-25", .no_profile = true };
    for (int p = 0; p < partners; p++) {
        char name[128];
        int64_t partner, conn, id;
        snprintf(name, sizeof name, "ベンチペイ%04d株式会社", p + 1);
        if (store_org_create(st, &sys, ORG_PARTNER, name, NULL, &partner))
            die("org create", store_errmsg(st));
        if (store_connection_create(st, &sys, bank, partner, p % 2 ? "read" : "write", &conn))
            die("connection create", store_errmsg(st));
        if (store_assessment_open(st, &bank_admin, conn, BUILTIN_CATALOG_ID, &ao, &id))
            die("assessment open", store_errmsg(st));
        if (p == 0) {
            first = id;
            user_t pe = { .login = "bench_partner", .display_name = "接続先 担当者",
                          .role = ROLE_EDITOR, .org_id = partner };
            if (store_user_create(st, &sys, &pe, argv[2], &uid) ||
                store_actor(st, "bench_partner", &partner_editor))
                die("user create", store_errmsg(st));
            int rc = 0;
            catalog_t *cat = store_assessment_catalog(st, &bank_admin, id, &rc);
            if (!cat)
                die("catalog", store_errmsg(st));
            answer_all(st, &partner_editor, id, cat, SIDE_PARTNER);
            answer_all(st, &bank_admin, id, cat, SIDE_BANK);
            catalog_free(cat);
        }
    }
    printf("%" PRId64 "\n", first);
    store_close(st);
    return 0;
}
