/*
 * apicheck init|migrate — create or upgrade the database (SQLite file or
 * PostgreSQL), load the built-in catalog, and register the installation's
 * first operator.  Both act as the installation itself (store_system_actor):
 * there is nobody to be --as yet.
 */
#include "cli/cli.h"

#include "util/i18n.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char init_help_ja[] =
    "使い方: apicheck [--db URL] init [--operator LOGIN [--name 氏名] [--password-file FILE]]\n"
    "\n"
    "データベースを作成し (既にあれば最新のスキーマに更新し)、組込みのチェックリスト様式を\n"
    "登録します。何度実行しても同じ結果になります。\n"
    "--operator を付けると最初の運用者 (インストールを管理する利用者) を登録します。\n"
    "パスワードは --password-file の 1 行目 (- なら標準入力)、または環境変数\n"
    "APICHECK_PASSWORD から取ります。どちらもなければ生成して一度だけ表示します。\n";
static const char init_help_en[] =
    "usage: apicheck [--db URL] init [--operator LOGIN [--name NAME] [--password-file FILE]]\n"
    "\n"
    "Creates the database (or brings an existing one up to the current schema) and\n"
    "registers the built-in checklist edition. Running it again changes nothing.\n"
    "--operator registers the first operator (a user who manages the installation). The\n"
    "password is the first line of --password-file (- for standard input) or\n"
    "$APICHECK_PASSWORD; without either, one is generated and printed once.\n";

static const char migrate_help_ja[] =
    "使い方: apicheck [--db URL] migrate\n"
    "\n"
    "データベースのスキーマを、この apicheck の版に更新します (元の版 → 新しい版 を表示)。\n"
    "更新はすべてか無しかで行われます。この apicheck より新しいデータベースは変更せずに\n"
    "拒否します。データベースがまだなければ apicheck init を使ってください。\n";
static const char migrate_help_en[] =
    "usage: apicheck [--db URL] migrate\n"
    "\n"
    "Upgrades the database schema to this apicheck's version and prints from → to. The\n"
    "upgrade is all or nothing. A database newer than this apicheck is refused and left\n"
    "alone. Where there is no database yet, use apicheck init.\n";

/* Say what store_open(create) did. */
static void report_schema(store_t *st)
{
    int from, to;
    store_migrated(st, &from, &to);
    const char *url = cli_db_url();
    /* A PostgreSQL conninfo may hold a password: name only SQLite files. */
    bool file = db_url_engine(url) == DB_ENGINE_SQLITE;
    if (from == 0)
        printf(tr("データベースを作成しました (スキーマ版 %d)%s%s\n",
                  "created the database (schema version %d)%s%s\n"),
               to, file ? ": " : "", file ? url : "");
    else if (from < to)
        printf(tr("スキーマを %d 版から %d 版に更新しました\n",
                  "upgraded the schema from version %d to %d\n"),
               from, to);
    else
        printf(tr("データベースは最新です (スキーマ版 %d)\n",
                  "the database is up to date (schema version %d)\n"),
               to);
}

static int add_operator(store_t *st, const char *login, const char *name, const char *pwfile)
{
    bool generated, failed;
    char *pw = cli_password(pwfile, true, &generated, &failed);
    if (failed)
        return EXIT_FAIL;
    user_t u = { 0 };
    u.login = (char *)login;
    u.display_name = (char *)(name ? name : login);
    u.role = ROLE_ADMIN;
    u.is_operator = true;
    actor_t sys = store_system_actor();
    int64_t id = 0;
    int rc = store_user_create(st, &sys, &u, pw, &id);
    if (rc == ST_EXISTS) {
        /* init is idempotent: the operator of an earlier run stays as it is. */
        printf(tr("利用者 %s は既に登録されています (変更しません)\n",
                  "user %s is already registered (left unchanged)\n"),
               login);
        free(pw);
        return EXIT_OK;
    }
    if (rc != ST_OK) {
        free(pw);
        return cli_store_fail(st, rc);
    }
    printf(tr("運用者 %s を登録しました\n", "registered operator %s\n"), login);
    if (generated)
        printf(tr("パスワード (一度だけ表示します): %s\n",
                  "password (shown only this once): %s\n"),
               pw);
    if (pw) {
        memset(pw, 0, strlen(pw));
        free(pw);
    }
    return EXIT_OK;
}

int cmd_init(int argc, char **argv)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "operator", required_argument, NULL, 'o' },
        { "name", required_argument, NULL, 'n' },
        { "password-file", required_argument, NULL, 'p' },
        { NULL, 0, NULL, 0 },
    };
    const char *op = NULL, *name = NULL, *pwfile = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': return cli_help(init_help_ja, init_help_en);
        case 'o': op = optarg; break;
        case 'n': name = optarg; break;
        case 'p': pwfile = optarg; break;
        default: return cli_bad_option("init", argv);
        }
    }
    if (optind != argc)
        return cli_usage("init", "余分な引数があります: %s", "unexpected argument: %s",
                         argv[optind]);
    if ((name || pwfile) && !op)
        return cli_usage("init", "--name と --password-file は --operator と使います",
                         "--name and --password-file go with --operator");
    store_t *st = cli_store_open(true);
    if (!st)
        return EXIT_FAIL;
    report_schema(st);
    int rc = op ? add_operator(st, op, name, pwfile) : EXIT_OK;
    store_close(st);
    return rc;
}

int cmd_migrate(int argc, char **argv)
{
    int rc = cli_help_only("migrate", argc, argv, migrate_help_ja, migrate_help_en);
    if (rc >= 0)
        return rc;
    if (optind != argc)
        return cli_usage("migrate", "余分な引数があります: %s", "unexpected argument: %s",
                         argv[optind]);
    const char *url = cli_db_url();
    struct stat sb;
    if (db_url_engine(url) == DB_ENGINE_SQLITE && stat(url, &sb) < 0 && errno == ENOENT) {
        cli_error("%s: データベースがありません。apicheck init で作成してください",
                  "%s: no database there: create one with apicheck init", url);
        return EXIT_FAIL;
    }
    store_t *st = cli_store_open(true);
    if (!st)
        return EXIT_FAIL;
    int from, to;
    store_migrated(st, &from, &to);
    if (from == to)
        printf(tr("更新は不要です (スキーマ版 %d)\n", "nothing to do (schema version %d)\n"),
               to);
    else
        printf(tr("スキーマを更新しました: %d → %d\n", "migrated the schema: %d → %d\n"), from,
               to);
    store_close(st);
    return EXIT_OK;
}
