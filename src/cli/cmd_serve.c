/*
 * apicheck serve — the web application (src/web) on a database.
 *
 * The database is the serve option --db, else the global --db or
 * $APICHECK_DB; without any of them only /healthz and /static/ answer.  A
 * SQLite file that does not exist yet is created with the built-in catalog
 * and an operator "admin" whose one-time password is printed once (it must
 * be changed at the first sign-in).  --demo adds, idempotently, a demo bank,
 * a demo partner, users of each role, a connection and an assessment in
 * progress, and prints the demo users' password (a fresh one at every
 * start).  Each serving thread opens its own store (web_app_set_db).
 */
#include "cli/cli.h"

#include "formats/builtin.h"
#include "util/file.h"
#include "util/i18n.h"
#include "util/xmem.h"
#include "web/server.h"
#include "web/web.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char help_ja[] =
    "使い方: apicheck serve [--db URL] [--demo] [--listen ADDR:PORT] [--threads N]\n"
    "                       [--tls-cert FILE --tls-key FILE] [--trusted-proxy]\n"
    "                       [--max-conn N] [--max-conn-per-ip N] [--page-cache MiB] [--quiet]\n"
    "       apicheck serve [--db URL] --request FILE\n"
    "\n"
    "Web アプリケーションを起動します (既定 127.0.0.1:8080)。\n"
    "  --db URL             データベース (SQLite のファイル、または postgres://…)。省略時は\n"
    "                       共通オプション --db または $APICHECK_DB。どれもなければ /healthz と\n"
    "                       /static/ だけに答えます。SQLite のファイルがなければ作成し、組込みの\n"
    "                       チェックリスト様式と運用者 admin を登録して、その初期パスワードを\n"
    "                       一度だけ表示します ($APICHECK_PASSWORD があればそれを使います)。\n"
    "                       PostgreSQL は先に apicheck --db URL init --operator admin で準備します\n"
    "  --demo               デモ用の銀行 (みらい銀行)、API接続先 (かけいぼ株式会社)、各役割の\n"
    "                       利用者、接続、回答途中のチェックを追加します (何度でも同じ結果)。\n"
    "                       デモ利用者のパスワードは起動のたびに作り直して表示します\n"
    "  --trusted-proxy      前段のプロキシ (nginx、HAProxy) が付ける X-Forwarded-Proto と\n"
    "                       X-Forwarded-For を信用します (TLS をプロキシで終端する構成用)\n"
    "  --listen ADDR:PORT   待ち受けるアドレス (127.0.0.1:8080、[::1]:8080、0.0.0.0:8080)。\n"
    "                       ポート 0 なら空いているポートを選びます\n"
    "  --threads N          処理スレッド数 (1〜16、既定 2)\n"
    "  --tls-cert FILE      TLS のサーバー証明書 (PEM)。--tls-key と一緒に指定します\n"
    "  --tls-key FILE       TLS の秘密鍵 (PEM)\n"
    "  --max-conn N         同時接続数の上限 (既定 512)\n"
    "  --max-conn-per-ip N  一つのクライアントアドレスからの同時接続数の上限 (既定 128)\n"
    "  --page-cache MiB     描画したチェックリスト画面を覚えておくメモリ (0〜1024、既定 4)。\n"
    "                       データが変わる (監査ログに記録が増える) と使われなくなります。0 で無効\n"
    "  --quiet              要求ごとのログを出さない\n"
    "  --request FILE       FILE (- は標準入力) の HTTP 要求を一つだけ処理し、応答を標準出力に\n"
    "                       書いて終わります (試験用。ソケットを使いません)\n"
    "\n"
    "要求ごとに一行のログを標準エラーに書きます (時刻、メソッド、パス、状態、バイト数、\n"
    "所要時間)。クエリ文字列、Cookie、パスワードは書きません。\n"
    "SIGTERM または SIGINT (Ctrl-C) で処理中の要求を終えてから停止し、終了コード 0 を返します。\n";
static const char help_en[] =
    "usage: apicheck serve [--db URL] [--demo] [--listen ADDR:PORT] [--threads N]\n"
    "                      [--tls-cert FILE --tls-key FILE] [--trusted-proxy]\n"
    "                      [--max-conn N] [--max-conn-per-ip N] [--page-cache MiB] [--quiet]\n"
    "       apicheck serve [--db URL] --request FILE\n"
    "\n"
    "Runs the web application (default 127.0.0.1:8080).\n"
    "  --db URL             the database (a SQLite file or postgres://…); default: the global\n"
    "                       --db or $APICHECK_DB. Without any, only /healthz and /static/\n"
    "                       answer. A missing SQLite file is created with the built-in\n"
    "                       checklist and an operator \"admin\" whose first password is printed\n"
    "                       once ($APICHECK_PASSWORD is used when set). Prepare PostgreSQL\n"
    "                       first with apicheck --db URL init --operator admin\n"
    "  --demo               add a demo bank (みらい銀行), a demo partner (かけいぼ株式会社),\n"
    "                       users of every role, a connection and an assessment in progress\n"
    "                       (idempotent); the demo users get a fresh password, printed, at\n"
    "                       every start\n"
    "  --trusted-proxy      trust X-Forwarded-Proto and X-Forwarded-For from the reverse proxy\n"
    "                       in front (nginx, HAProxy) that terminates TLS\n"
    "  --listen ADDR:PORT   address to listen on (127.0.0.1:8080, [::1]:8080, 0.0.0.0:8080);\n"
    "                       port 0 picks a free port\n"
    "  --threads N          worker threads (1 to 16, default 2)\n"
    "  --tls-cert FILE      TLS server certificate (PEM), together with --tls-key\n"
    "  --tls-key FILE       TLS private key (PEM)\n"
    "  --max-conn N         limit on simultaneous connections (default 512)\n"
    "  --max-conn-per-ip N  limit per client address (default 128)\n"
    "  --page-cache MiB     memory for rendered checklist pages (0 to 1024, default 4); an\n"
    "                       entry is used only while no data changed (no new audit event);\n"
    "                       0 turns it off\n"
    "  --quiet              no log line per request\n"
    "  --request FILE       answer the one raw HTTP request in FILE (- for standard input)\n"
    "                       on standard output and exit (for tests; no socket)\n"
    "\n"
    "Writes one log line per request to standard error (time, method, path, status, bytes,\n"
    "duration); never the query string, cookies or passwords.\n"
    "SIGTERM or SIGINT (Ctrl-C) finish the requests in flight, stop, and exit with 0.\n";

static int parse_count(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || s[0] == '-' || v < lo || v > hi)
        return -1;
    *out = (unsigned)v;
    return 0;
}

/* --request: one raw request from a file, the response on stdout (Fossil's
 * `http` mode).  Exit 0 whatever the HTTP status: the status is in the
 * output. */
static int answer_one(web_app_t *app, const char *path)
{
    size_t len = 0;
    char *raw = file_read(path, HTTP_MAX_UPLOAD + 64u * 1024u, &len);
    if (!raw) {
        cli_error("%s を読めません: %s", "cannot read %s: %s", path, strerror(errno));
        return EXIT_FAIL;
    }
    buf_t out = BUF_INIT(0);
    web_handle_buffer(app, raw, len, &out);
    free(raw);
    bool ok = fwrite(out.p, 1, out.len, stdout) == out.len && fflush(stdout) == 0;
    buf_free(&out);
    return ok ? EXIT_OK : EXIT_FAIL;
}


/* ---- the database: first start and the demo ---------------------------- */

/* Create a missing SQLite database with the built-in catalog and the
 * operator "admin", printing its one-time password.  0, or -1 after a
 * message.  An existing database is left to the serving threads (whose
 * store_open checks its schema). */
static int first_start(const char *url)
{
    struct stat sb;
    if (db_url_engine(url) != DB_ENGINE_SQLITE || stat(url, &sb) == 0)
        return 0;
    store_open_opt_t o = { 0 };
    o.create = true;
    char *err = NULL;
    store_t *st = store_open(url, &o, &err);
    if (!st) {
        cli_error("%s", "%s", err ? err : "?");
        free(err);
        return -1;
    }
    printf(tr("データベースを作成しました: %s\n", "created the database: %s\n"), url);
    bool generated, failed;
    char *pw = cli_password(NULL, true, &generated, &failed);
    int rc = failed ? ST_INVALID : ST_OK;
    if (!failed) {
        user_t u = { 0 };
        u.login = (char *)"admin";
        u.display_name = (char *)tr("運用者", "Operator");
        u.role = ROLE_ADMIN;
        u.is_operator = true;
        actor_t sys = store_system_actor();
        rc = store_user_create(st, &sys, &u, pw, NULL);
        if (rc == ST_OK) {
            fputs(tr("運用者 admin を登録しました。", "registered the operator admin. "), stdout);
            if (generated)
                printf(tr("初期パスワード (一度だけ表示します。最初のログインで変更してください): %s\n",
                          "Its first password (shown only this once; change it at the first "
                          "sign-in): %s\n"),
                       pw);
            else
                fputs(tr("パスワードは $APICHECK_PASSWORD です\n",
                          "its password is $APICHECK_PASSWORD\n"), stdout);
        } else {
            cli_store_fail(st, rc);
        }
    }
    if (pw) {
        memset(pw, 0, strlen(pw));
        free(pw);
    }
    fflush(stdout);
    store_close(st);
    return rc == ST_OK ? 0 : -1;
}

/* A failure already reported by the demo code itself. */
#define DEMO_REPORTED (-100)

static const char demo_bank[] = "みらい銀行";
static const char demo_partner[] = "かけいぼ株式会社";
static const char demo_round[] = "2026年度";

static const struct demo_user {
    const char *login;
    bool bank;
    role_t role;
    const char *name;
} demo_users[] = {
    { "demo-bank-admin", true, ROLE_ADMIN, "みらい銀行 管理者" },
    { "demo-bank-reviewer", true, ROLE_REVIEWER, "みらい銀行 審査担当" },
    { "demo-bank-editor", true, ROLE_EDITOR, "みらい銀行 回答担当" },
    { "demo-bank-viewer", true, ROLE_VIEWER, "みらい銀行 閲覧者" },
    { "demo-partner-admin", false, ROLE_ADMIN, "かけいぼ 管理者" },
    { "demo-partner-editor", false, ROLE_EDITOR, "かけいぼ 回答担当" },
    { "demo-partner-viewer", false, ROLE_VIEWER, "かけいぼ 閲覧者" },
};

/* The id of the organization called name, created when missing. */
static int demo_org(store_t *st, org_kind_t kind, const char *name, const char *reg_no,
                    int64_t *id)
{
    actor_t sys = store_system_actor();
    org_t o = { 0 };
    if (store_org_get(st, &sys, name, &o) == ST_OK) {
        *id = o.id;
        bool same = o.kind == kind;
        org_clear(&o);
        if (!same) {
            cli_error("%s は別の種類の組織として登録されています", "%s exists as another kind of organization",
                      name);
            return DEMO_REPORTED;
        }
        return ST_OK;
    }
    return store_org_create(st, &sys, kind, name, reg_no, id);
}

/* Some answers, so the assessment is visibly in progress. */
static int demo_answers(store_t *st, int64_t aid, const actor_t *partner, const actor_t *bank)
{
    int rc = ST_OK;
    catalog_t *cat = store_assessment_catalog(st, partner, aid, &rc);
    if (!cat)
        return rc;
    static const struct {
        status_t status;
        const char *current, *gap, *plan, *due;
    } fills[] = {
        { STATUS_DONE, "情報セキュリティ基本方針を取締役会で承認し、全社員に周知している。", NULL,
          NULL, NULL },
        { STATUS_DONE, "CISO を任命し、四半期ごとに経営会議へ報告している。", NULL, NULL, NULL },
        { STATUS_PARTIAL, "規程は整備済みだが、委託先への展開が一部残っている。",
          "委託先 2 社で規程の遵守状況を確認できていない。", "2027年3月までに委託先監査を実施する。",
          "2027-03-31" },
        { STATUS_DONE, "年 1 回の全社員向けセキュリティ研修を実施している。", NULL, NULL, NULL },
        { STATUS_TODO, NULL, "インシデント対応訓練を実施していない。",
          "2026年12月に銀行との合同訓練を計画中。", "2026-12-15" },
    };
    size_t k = 0;
    for (size_t i = 0; i < cat->nitems && k < sizeof fills / sizeof fills[0] && rc == ST_OK; i++) {
        const item_t *it = &cat->items[i];
        if (!side_answers(SIDE_PARTNER, it->target))
            continue;
        answer_t a = { 0 };
        int64_t ver = 0;
        if (store_answer_get(st, partner, aid, it->no, SIDE_PARTNER, &a, &ver) == ST_OK &&
            !answer_is_empty(&a)) {
            store_answer_clear(&a);
            k++;
            continue; /* filled earlier (or by the user): leave it */
        }
        store_answer_clear(&a);
        answer_t n = { 0 };
        n.no = it->no;
        n.side = SIDE_PARTNER;
        n.status = fills[k].status;
        n.current = (char *)fills[k].current;
        n.gap = (char *)fills[k].gap;
        n.plan = (char *)fills[k].plan;
        n.due = (char *)fills[k].due;
        rc = store_answer_save(st, partner, aid, &n, ver, NULL);
        k++;
    }
    /* One bank-side answer. */
    for (size_t i = 0; i < cat->nitems && rc == ST_OK; i++) {
        const item_t *it = &cat->items[i];
        if (it->target != TARGET_BANK)
            continue;
        answer_t a = { 0 };
        int64_t ver = 0;
        bool empty = store_answer_get(st, bank, aid, it->no, SIDE_BANK, &a, &ver) == ST_OK &&
                     answer_is_empty(&a);
        store_answer_clear(&a);
        if (empty) {
            answer_t n = { 0 };
            n.no = it->no;
            n.side = SIDE_BANK;
            n.status = STATUS_DONE;
            n.current = (char *)"API 接続先ごとにアクセス権限を設定し、年 1 回見直している。";
            rc = store_answer_save(st, bank, aid, &n, ver, NULL);
        }
        break;
    }
    catalog_free(cat);
    return rc;
}

/* The demo data, added idempotently; the demo users' fresh password is
 * printed.  0, or -1 after a message. */
static int demo_setup(const char *url)
{
    store_open_opt_t o = { 0 };
    char *err = NULL;
    store_t *st = store_open(url, &o, &err);
    if (!st) {
        cli_error("%s", "%s", err ? err : "?");
        free(err);
        return -1;
    }
    actor_t sys = store_system_actor();
    int64_t bank_id = 0, partner_id = 0, conn_id = 0, aid = 0;
    int rc = demo_org(st, ORG_BANK, demo_bank, "9990", &bank_id);
    if (rc == ST_OK)
        rc = demo_org(st, ORG_PARTNER, demo_partner, "関東財務局長(電代)第9999号", &partner_id);
    bool generated = false, failed = false;
    char *pw = rc == ST_OK ? cli_password(NULL, true, &generated, &failed) : NULL;
    if (failed)
        rc = ST_INVALID;
    actor_t bank_admin = { 0 }, partner_editor = { 0 };
    for (size_t i = 0; rc == ST_OK && i < sizeof demo_users / sizeof demo_users[0]; i++) {
        const struct demo_user *d = &demo_users[i];
        actor_t me;
        if (store_actor(st, d->login, &me) != ST_OK) {
            user_t u = { 0 };
            u.login = (char *)d->login;
            u.display_name = (char *)d->name;
            u.role = d->role;
            u.org_id = d->bank ? bank_id : partner_id;
            if ((rc = store_user_create(st, &sys, &u, NULL, NULL)) != ST_OK ||
                (rc = store_actor(st, d->login, &me)) != ST_OK)
                break;
        }
        /* Set by the user themself: a demo account is not nagged to change it. */
        if ((rc = store_user_set_password(st, &me, d->login, pw)) != ST_OK)
            break;
        if (d->bank && d->role == ROLE_ADMIN)
            bank_admin = me;
        if (!d->bank && d->role == ROLE_EDITOR)
            partner_editor = me;
    }
    connection_t *cs = NULL;
    size_t nc = 0;
    if (rc == ST_OK && (rc = store_connection_list(st, &sys, &cs, &nc)) == ST_OK) {
        for (size_t i = 0; i < nc; i++)
            if (cs[i].bank_id == bank_id && cs[i].partner_id == partner_id)
                conn_id = cs[i].id;
        connection_list_free(cs, nc);
        if (!conn_id)
            rc = store_connection_create(st, &sys, bank_id, partner_id, "write", &conn_id);
    }
    assessment_t *as = NULL;
    size_t na = 0;
    if (rc == ST_OK && (rc = store_assessment_list(st, &bank_admin, &as, &na)) == ST_OK) {
        for (size_t i = 0; i < na; i++)
            if (as[i].connection_id == conn_id && as[i].round && strcmp(as[i].round, demo_round) == 0)
                aid = as[i].id;
        assessment_list_free(as, na);
        if (!aid) {
            assessment_open_opt_t ao = { 0 };
            ao.round = demo_round;
            ao.due = "2027-03-31";
            rc = store_assessment_open(st, &bank_admin, conn_id, BUILTIN_CATALOG_ID, &ao, &aid);
            if (rc == ST_OK)
                rc = demo_answers(st, aid, &partner_editor, &bank_admin);
        }
    }
    if (rc != ST_OK) {
        if (rc != DEMO_REPORTED)
            cli_store_fail(st, rc);
    } else {
        printf(tr("デモ: %s と %s、接続 %lld (更新系)、チェック %lld (%s)\n",
                  "demo: %s and %s, connection %lld (更新系), assessment %lld (%s)\n"),
               demo_bank, demo_partner, (long long)conn_id, (long long)aid, demo_round);
        if (generated)
            printf(tr("デモ利用者のパスワード (全員共通、次の起動まで有効): %s\n",
                      "demo users' password (the same for all, until the next start): %s\n"),
                   pw);
        else
            fputs(tr("デモ利用者のパスワードは $APICHECK_PASSWORD です\n",
                      "the demo users' password is $APICHECK_PASSWORD\n"), stdout);
        for (size_t i = 0; i < sizeof demo_users / sizeof demo_users[0]; i++)
            printf("  %-20s %s\n", demo_users[i].login, demo_users[i].name);
        fflush(stdout);
    }
    if (pw) {
        memset(pw, 0, strlen(pw));
        free(pw);
    }
    store_close(st);
    return rc == ST_OK ? 0 : -1;
}

int cmd_serve(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "listen", required_argument, NULL, 'l' },
        { "threads", required_argument, NULL, 't' },
        { "tls-cert", required_argument, NULL, 'c' },
        { "tls-key", required_argument, NULL, 'k' },
        { "max-conn", required_argument, NULL, 'm' },
        { "max-conn-per-ip", required_argument, NULL, 'p' },
        { "quiet", no_argument, NULL, 'q' },
        { "request", required_argument, NULL, 'r' },
        { "db", required_argument, NULL, 'd' },
        { "demo", no_argument, NULL, 'D' },
        { "trusted-proxy", no_argument, NULL, 'P' },
        { "page-cache", required_argument, NULL, 'C' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    web_server_opt_t opt = { .listen = "127.0.0.1:8080", .threads = 2 };
    const char *request = NULL, *db = NULL;
    bool demo = false, trusted_proxy = false;
    unsigned cache_mib = WEB_PAGE_CACHE_DEFAULT / (1024u * 1024u);
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'l':
            opt.listen = optarg;
            break;
        case 't':
            if (parse_count(optarg, 1, 16, &opt.threads) != 0)
                return cli_usage("serve", "--threads は 1 から 16 です", "--threads takes 1 to 16");
            break;
        case 'c':
            opt.tls_cert = optarg;
            break;
        case 'k':
            opt.tls_key = optarg;
            break;
        case 'm':
            if (parse_count(optarg, 1, 100000, &opt.max_conn) != 0)
                return cli_usage("serve", "--max-conn は 1 から 100000 です",
                                 "--max-conn takes 1 to 100000");
            break;
        case 'p':
            if (parse_count(optarg, 1, 100000, &opt.max_conn_per_ip) != 0)
                return cli_usage("serve", "--max-conn-per-ip は 1 から 100000 です",
                                 "--max-conn-per-ip takes 1 to 100000");
            break;
        case 'q':
            opt.quiet = true;
            break;
        case 'r':
            request = optarg;
            break;
        case 'd':
            if (!*optarg)
                return cli_usage("serve", "--db にデータベースを指定してください",
                                 "--db needs a database");
            db = optarg;
            break;
        case 'D':
            demo = true;
            break;
        case 'P':
            trusted_proxy = true;
            break;
        case 'C':
            if (parse_count(optarg, 0, 1024, &cache_mib) != 0)
                return cli_usage("serve", "--page-cache は 0 から 1024 (MiB) です",
                                 "--page-cache takes 0 to 1024 (MiB)");
            break;
        case 'h':
            return cli_help(help_ja, help_en);
        default:
            return cli_bad_option("serve", argv);
        }
    }
    if (optind < argc)
        return cli_usage("serve", "余分な引数があります: %s", "unexpected argument: %s",
                         argv[optind]);
    if (!opt.tls_cert != !opt.tls_key)
        return cli_usage("serve", "--tls-cert と --tls-key は両方指定してください",
                         "--tls-cert and --tls-key go together");
    struct sockaddr_storage ss;
    unsigned salen;
    if (web_parse_listen(opt.listen, &ss, &salen) != 0)
        return cli_usage("serve", "待受けアドレスが正しくありません: %s",
                         "bad listen address: %s", opt.listen);
    /* The serve option, else the global --db or $APICHECK_DB (cli_db_url
     * falls back to ./apicheck.db only when neither was given: then no
     * database, so that a bare `serve` never creates a file by surprise). */
    if (!db && strcmp(cli_db_url(), DB_DEFAULT_URL) != 0)
        db = cli_db_url();
    if (demo && !db)
        return cli_usage("serve", "--demo には --db が必要です", "--demo needs --db");
    if (db && (first_start(db) != 0 || (demo && demo_setup(db) != 0)))
        return EXIT_FAIL;
    web_app_t app;
    char *err = NULL;
    if (web_app_init(&app, &err) != 0) {
        cli_error("Web アプリケーションを準備できません: %s", "cannot set up the web application: %s",
                  err);
        free(err);
        return EXIT_FAIL;
    }
    app.trusted_proxy = trusted_proxy;
    web_app_set_page_cache(&app, (size_t)cache_mib * 1024u * 1024u);
    if (db) {
        store_open_opt_t so = { 0 };
        so.busy_timeout_ms = 10000;
        web_app_set_db(&app, db, &so);
        /* Refuse to start on a database this binary cannot use (a newer or
         * older schema, a server that is down), rather than failing every
         * request. */
        if (!request) {
            store_t *probe = store_open(db, &so, &err);
            if (!probe) {
                cli_error("%s", "%s", err ? err : "?");
                free(err);
                web_app_free(&app);
                return EXIT_FAIL;
            }
            store_close(probe);
        }
    }
    int rc = request ? answer_one(&app, request) : web_serve(&opt, &app) == 0 ? EXIT_OK : EXIT_FAIL;
    web_app_free(&app);
    return rc;
}
