/*
 * apicheck — command-line entry point: global options, then one subcommand.
 * Every command is a thin client of the library (core, formats, db).
 */
#include "cli/cli.h"

#include "util/i18n.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    cli_cmd_fn fn;
} commands[] = {
    { "catalog", cmd_catalog },       { "template", cmd_template },
    { "convert", cmd_convert },       { "validate", cmd_validate },
    { "init", cmd_init },             { "migrate", cmd_migrate },
    { "org", cmd_org },               { "user", cmd_user },
    { "connection", cmd_connection }, { "selection", cmd_selection },
    { "assessment", cmd_assessment }, { "plans", cmd_plans },
    { "plan", cmd_plan },             { "audit", cmd_audit },
    { "backup", cmd_backup },
    { "serve", cmd_serve },           { "token", cmd_token },
};

static const char help_ja[] =
    "使い方: apicheck [--lang ja|en] [--db URL] [--as LOGIN] [--sync normal]\n"
    "                 [--catalog-dir DIR] コマンド [引数]\n"
    "\n"
    "API接続チェックリストを扱います。\n"
    "\n"
    "ファイルを扱うコマンド:\n"
    "  catalog list|show|export|import|refs   チェックリスト様式を表示・出力・取込み\n"
    "  template --side partner|bank -o FILE   空のチェックリスト (A3 横 XLSX) を作成\n"
    "  convert IN OUT                         回答を xlsx / csv / json の間で変換\n"
    "  validate FILE                          記入済みチェックリストを検査\n"
    "\n"
    "データベースを扱うコマンド:\n"
    "  init [--operator LOGIN]                データベースを作成・更新し、最初の運用者を登録\n"
    "  migrate                                スキーマを最新版に更新\n"
    "  org add|list                           銀行と API接続先 (電子決済等代行業者)\n"
    "  user add|list|passwd                   利用者\n"
    "  connection add|list|state              銀行 × API接続先 の接続 (参照系 / 更新系)\n"
    "  selection add                          銀行が使う項目の選択と独自項目\n"
    "  assessment open|list|show|answer|submit|start-review|review|return|accept|\n"
    "             comment|diff|export|import|push-profile\n"
    "                                         年度ごとのチェック (回答、審査、承認)\n"
    "  plans [--overdue [DATE]]               未完了の対応計画 (期限切れ)\n"
    "  plan add|close                         対応計画の登録と完了\n"
    "  audit log|verify                       監査証跡の表示と改ざん検査\n"
    "  backup FILE                            SQLite データベースのオンラインバックアップ\n"
    "  token add|list|revoke LOGIN …          API (/api/v1) を使うプログラムのトークン\n"
    "  serve [--db URL] [--demo]              Web アプリケーション (既定 127.0.0.1:8080)\n"
    "\n"
    "共通オプション (コマンドの前に書きます):\n"
    "  --db URL      SQLite のファイル、または postgres://… / PostgreSQL の接続文字列\n"
    "                (既定: $APICHECK_DB、なければ ./apicheck.db)\n"
    "  --as LOGIN    操作する利用者 (init と migrate 以外のデータベース操作で必須)\n"
    "  --sync normal SQLite の同期を緩めて速くする (停電時に直前の変更を失うことがあります)\n"
    "\n"
    "各コマンドの詳細は 'apicheck コマンド --help'。\n"
    "終了コード: 0 成功、1 失敗 (見つからない、権限がない、状態が違う、競合を含む)、\n"
    "2 使い方の誤り。言語は --lang または LANG (ja_JP.UTF-8 / en_US.UTF-8) で選べます。\n";
static const char help_en[] =
    "usage: apicheck [--lang ja|en] [--db URL] [--as LOGIN] [--sync normal]\n"
    "                [--catalog-dir DIR] COMMAND [ARGS]\n"
    "\n"
    "Works with the API connection checklist (API接続チェックリスト).\n"
    "\n"
    "Commands on files:\n"
    "  catalog list|show|export|import|refs   show, export and import checklist editions\n"
    "  template --side partner|bank -o FILE   an empty checklist (A3 landscape XLSX)\n"
    "  convert IN OUT                         answer sets between xlsx, csv and json\n"
    "  validate FILE                          check a filled checklist\n"
    "\n"
    "Commands on the database:\n"
    "  init [--operator LOGIN]                create or upgrade it, register the first operator\n"
    "  migrate                                upgrade the schema\n"
    "  org add|list                           banks and partners (電子決済等代行業者)\n"
    "  user add|list|passwd                   users\n"
    "  connection add|list|state              bank × partner connections (参照系 / 更新系)\n"
    "  selection add                          a bank's choice of items and its own items\n"
    "  assessment open|list|show|answer|submit|start-review|review|return|accept|\n"
    "             comment|diff|export|import|push-profile\n"
    "                                         the yearly check: answers, review, acceptance\n"
    "  plans [--overdue [DATE]]               open remediation plans (overdue ones)\n"
    "  plan add|close                         add and close remediation plans\n"
    "  audit log|verify                       the audit trail and its tamper check\n"
    "  backup FILE                            online backup of a SQLite database\n"
    "  token add|list|revoke LOGIN …          API tokens for programs using /api/v1\n"
    "  serve [--db URL] [--demo]              the web application (default 127.0.0.1:8080)\n"
    "\n"
    "Global options (before the command):\n"
    "  --db URL      a SQLite file, or postgres://… / a PostgreSQL conninfo\n"
    "                (default: $APICHECK_DB, else ./apicheck.db)\n"
    "  --as LOGIN    the user to act as (required on the database, except init and migrate)\n"
    "  --sync normal relax SQLite's syncing (a power cut may lose the last changes)\n"
    "\n"
    "'apicheck COMMAND --help' describes each command.\n"
    "Exit status: 0 success, 1 failure (not found, forbidden, wrong state, conflict\n"
    "included), 2 usage error. The language follows --lang or LANG (ja_JP.UTF-8 / en_US.UTF-8).\n";

/* "--name VALUE" or "--name=VALUE": the value, advancing *i; NULL when a is
 * not this option.  *missing is set when the value is absent. */
static const char *opt_value(const char *name, int argc, char **argv, int *i, bool *missing)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

int main(int argc, char **argv)
{
    i18n_init_from_env();
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i], *v;
        bool missing = false;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return cli_help(help_ja, help_en);
        if ((v = opt_value("--lang", argc, argv, &i, &missing))) {
            if (strcmp(v, "ja") == 0)
                i18n_set(LANG_JA);
            else if (strcmp(v, "en") == 0)
                i18n_set(LANG_EN);
            else
                return cli_usage("", "--lang は ja か en です", "--lang takes ja or en");
        } else if ((v = opt_value("--catalog-dir", argc, argv, &i, &missing))) {
            cli_set_catalog_dir(v);
        } else if ((v = opt_value("--db", argc, argv, &i, &missing))) {
            if (!*v)
                return cli_usage("", "--db にデータベースを指定してください",
                                 "--db needs a database");
            cli_set_db_url(v);
        } else if ((v = opt_value("--as", argc, argv, &i, &missing))) {
            if (!*v)
                return cli_usage("", "--as に利用者のログイン名を指定してください",
                                 "--as needs a login");
            cli_set_as(v);
        } else if ((v = opt_value("--sync", argc, argv, &i, &missing))) {
            if (strcmp(v, "normal") == 0)
                cli_set_sync_normal(true);
            else if (strcmp(v, "full") == 0)
                cli_set_sync_normal(false);
            else
                return cli_usage("", "--sync は normal か full です",
                                 "--sync takes normal or full");
        } else if (missing) {
            return cli_usage("", "オプション %s に値がありません", "option %s lacks its value",
                             a);
        } else {
            cli_error("不明なオプションです: %s", "unknown option: %s", a);
            fputs(tr(help_ja, help_en), stderr);
            return EXIT_USAGE;
        }
    }
    if (i >= argc) {
        fputs(tr(help_ja, help_en), stderr);
        return EXIT_USAGE;
    }
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (strcmp(argv[i], commands[k].name) == 0)
            return commands[k].fn(argc - i, argv + i);
    cli_error("不明なコマンドです: %s", "unknown command: %s", argv[i]);
    fputs(tr(help_ja, help_en), stderr);
    return EXIT_USAGE;
}
