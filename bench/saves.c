/*
 * bench/saves — answer saves through the store (each its own transaction
 * with its audit event, as the API and the CLI do them) against bare
 * single-row commits on the same engine at the same durability:
 *
 *   SQLite:      PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
 *                one INSERT per commit into a one-table database
 *   PostgreSQL:  one INSERT per commit through libpq (autocommit)
 *
 * Blocks of N operations alternate (store, bare, store, bare, …); every
 * pair gives a ratio store/bare.  Output, one line per pair then a summary:
 *
 *   pair K store_per_s BARE_per_s ratio
 *   median store_per_s bare_per_s ratio_of_pairs
 *
 * usage: saves DIR [N [PAIRS [POSTGRES_URL]]]
 *   DIR           a directory for the two SQLite files (created fresh)
 *   POSTGRES_URL  measure PostgreSQL instead (postgresql:///db?host=…);
 *                 tables bench_bare and the store's schema are created there
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/store.h"
#include "formats/builtin.h"

#define BENCH_NAME "saves"
#include "bench.h"

/* The text each save writes: about the size of a real 現在の対応状況. */
static void fill_text(char *buf, size_t len, long k)
{
    snprintf(buf, len,
             "多要素認証を導入済み。利用者のログイン時にワンタイムパスワードを要求し、"
             "アクセスログを90日間保存している。第%ld版。",
             k);
}

/* ---- the store side ---------------------------------------------------- */

typedef struct store_bench {
    store_t *st;
    actor_t editor;
    int64_t assessment;
    int items[64];        /* partner-answered item numbers */
    int nitems;
    int64_t version[64];  /* by index in items */
    long k;
} store_bench_t;

static void store_setup(store_bench_t *b, const char *url)
{
    char *err = NULL;
    store_open_opt_t o = { .create = true };
    b->st = store_open(url, &o, &err);
    if (!b->st)
        die(url, err);
    store_t *st = b->st;
    actor_t sys = store_system_actor();
    int64_t bank, partner, uid, conn;
    if (store_org_create(st, &sys, ORG_BANK, "ベンチ銀行", "0999", &bank) ||
        store_org_create(st, &sys, ORG_PARTNER, "ベンチペイ株式会社", NULL, &partner))
        die("org create", store_errmsg(st));
    user_t ba = { .login = "bench_bank", .display_name = "銀行 管理者", .role = ROLE_ADMIN,
                  .org_id = bank };
    user_t pe = { .login = "bench_partner", .display_name = "接続先 担当者",
                  .role = ROLE_EDITOR, .org_id = partner };
    if (store_user_create(st, &sys, &ba, NULL, &uid) ||
        store_user_create(st, &sys, &pe, NULL, &uid))
        die("user create", store_errmsg(st));
    if (store_connection_create(st, &sys, bank, partner, "write", &conn))
        die("connection create", store_errmsg(st));
    actor_t bank_admin;
    if (store_actor(st, "bench_bank", &bank_admin) || store_actor(st, "bench_partner", &b->editor))
        die("actor", store_errmsg(st));
    assessment_open_opt_t ao = { .round = "2026年度", .no_profile = true };
    if (store_assessment_open(st, &bank_admin, conn, BUILTIN_CATALOG_ID, &ao, &b->assessment))
        die("assessment open", store_errmsg(st));
    int rc = 0;
    catalog_t *cat = store_assessment_catalog(st, &b->editor, b->assessment, &rc);
    if (!cat)
        die("catalog", store_errmsg(st));
    for (size_t i = 0; i < cat->nitems && b->nitems < 64; i++)
        if (cat->items[i].target != TARGET_BANK)
            b->items[b->nitems++] = cat->items[i].no;
    catalog_free(cat);
    if (!b->nitems)
        die("catalog", "no item for the partner");
}

static void store_block(store_bench_t *b, int n)
{
    char text[512];
    for (int i = 0; i < n; i++, b->k++) {
        int idx = (int)(b->k % b->nitems);
        fill_text(text, sizeof text, b->k);
        answer_t a = { .no = b->items[idx], .side = SIDE_PARTNER,
                       .status = (status_t)(1 + b->k % 4), .current = text };
        int64_t nv;
        int rc = store_answer_save(b->st, &b->editor, b->assessment, &a, b->version[idx], &nv);
        if (rc)
            die("store_answer_save", store_errmsg(b->st));
        b->version[idx] = nv;
    }
}

/* ---- the bare references ---------------------------------------------- */

typedef struct bare {
    sqlite3 *db;
    sqlite3_stmt *ins;
    PGconn *pg;
    long k;
} bare_t;

static void bare_sqlite_setup(bare_t *b, const char *path)
{
    if (sqlite3_open(path, &b->db) != SQLITE_OK)
        die(path, sqlite3_errmsg(b->db));
    char *e = NULL;
    if (sqlite3_exec(b->db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                     "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)",
                     NULL, NULL, &e) != SQLITE_OK)
        die("bare setup", e);
    if (sqlite3_prepare_v2(b->db, "INSERT INTO t (v) VALUES (?)", -1, &b->ins, NULL) != SQLITE_OK)
        die("bare prepare", sqlite3_errmsg(b->db));
}

static void bare_pg_setup(bare_t *b, const char *url)
{
    b->pg = PQconnectdb(url);
    if (PQstatus(b->pg) != CONNECTION_OK)
        die(url, PQerrorMessage(b->pg));
    PGresult *r = PQexec(b->pg, "SET client_min_messages TO warning; DROP TABLE IF EXISTS bench_bare;"
                                "CREATE TABLE bench_bare (id BIGSERIAL PRIMARY KEY, v TEXT NOT NULL)");
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        die("bare pg setup", PQerrorMessage(b->pg));
    PQclear(r);
    r = PQprepare(b->pg, "ins", "INSERT INTO bench_bare (v) VALUES ($1)", 1, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        die("bare pg prepare", PQerrorMessage(b->pg));
    PQclear(r);
}

static void bare_block(bare_t *b, int n)
{
    char text[512];
    for (int i = 0; i < n; i++, b->k++) {
        fill_text(text, sizeof text, b->k);
        if (b->pg) {
            const char *p[] = { text };
            PGresult *r = PQexecPrepared(b->pg, "ins", 1, p, NULL, NULL, 0);
            if (PQresultStatus(r) != PGRES_COMMAND_OK)
                die("bare pg insert", PQerrorMessage(b->pg));
            PQclear(r);
        } else {
            sqlite3_bind_text(b->ins, 1, text, -1, SQLITE_STATIC);
            if (sqlite3_step(b->ins) != SQLITE_DONE)
                die("bare insert", sqlite3_errmsg(b->db));
            sqlite3_reset(b->ins);
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: saves DIR [N [PAIRS [POSTGRES_URL]]]\n");
        return 2;
    }
    const char *dir = argv[1];
    int n = arg_count(argc, argv, 2, 200);
    int pairs = arg_count(argc, argv, 3, 5);
    const char *pg = argc > 4 ? argv[4] : NULL;
    if (n < 1 || pairs < 1 || pairs > 100)
        die("arguments", "N >= 1, 1 <= PAIRS <= 100");

    char store_path[4096], bare_path[4096];
    snprintf(store_path, sizeof store_path, "%s/store.db", dir);
    snprintf(bare_path, sizeof bare_path, "%s/bare.db", dir);
    store_bench_t sb = { 0 };
    bare_t bb = { 0 };
    if (pg) {
        store_setup(&sb, pg);
        bare_pg_setup(&bb, pg);
    } else {
        unlink(store_path);
        unlink(bare_path);
        store_setup(&sb, store_path);
        bare_sqlite_setup(&bb, bare_path);
    }
    /* Warm-up: one short block each, not counted. */
    store_block(&sb, n / 10 + 1);
    bare_block(&bb, n / 10 + 1);

    double rs[100], rb[100], ratio[100];
    for (int p = 0; p < pairs; p++) {
        double t0 = now_s();
        store_block(&sb, n);
        double t1 = now_s();
        bare_block(&bb, n);
        double t2 = now_s();
        rs[p] = n / (t1 - t0);
        rb[p] = n / (t2 - t1);
        ratio[p] = rs[p] / rb[p];
        printf("pair %d %.1f %.1f %.3f\n", p + 1, rs[p], rb[p], ratio[p]);
        fflush(stdout);
    }
    printf("median %.1f %.1f %.3f\n", median(rs, pairs), median(rb, pairs), median(ratio, pairs));
    store_close(sb.st);
    if (bb.db) {
        sqlite3_finalize(bb.ins);
        sqlite3_close(bb.db);
    }
    if (bb.pg)
        PQfinish(bb.pg);
    return 0;
}
