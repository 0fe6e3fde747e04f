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
    { "catalog", cmd_catalog },
    { "template", cmd_template },
    { "convert", cmd_convert },
    { "validate", cmd_validate },
    { "serve", cmd_serve },
};

static const char help_ja[] =
    "使い方: apicheck [--lang ja|en] [--catalog-dir DIR] コマンド [引数]\n"
    "\n"
    "API接続チェックリストを扱います。\n"
    "\n"
    "コマンド:\n"
    "  catalog list|show|export|import|refs   チェックリスト様式を表示・出力・取込み\n"
    "  template --side partner|bank -o FILE   空のチェックリスト (A3 横 XLSX) を作成\n"
    "  convert IN OUT                         回答を xlsx / csv / json の間で変換\n"
    "  validate FILE                          記入済みチェックリストを検査\n"
    "\n"
    "各コマンドの詳細は 'apicheck コマンド --help'。\n"
    "終了コード: 0 成功、1 失敗、2 使い方の誤り。\n"
    "言語は --lang または LANG (ja_JP.UTF-8 / en_US.UTF-8) で選べます。\n";
static const char help_en[] =
    "usage: apicheck [--lang ja|en] [--catalog-dir DIR] COMMAND [ARGS]\n"
    "\n"
    "Works with the API connection checklist (API接続チェックリスト).\n"
    "\n"
    "Commands:\n"
    "  catalog list|show|export|import|refs   show, export and import checklist editions\n"
    "  template --side partner|bank -o FILE   an empty checklist (A3 landscape XLSX)\n"
    "  convert IN OUT                         answer sets between xlsx, csv and json\n"
    "  validate FILE                          check a filled checklist\n"
    "\n"
    "'apicheck COMMAND --help' describes each command.\n"
    "Exit status: 0 success, 1 failure, 2 usage error.\n"
    "The language follows --lang or LANG (ja_JP.UTF-8 / en_US.UTF-8).\n";

int main(int argc, char **argv)
{
    i18n_init_from_env();
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return cli_help(help_ja, help_en);
        if (strcmp(a, "--lang") == 0 && i + 1 < argc) {
            const char *l = argv[++i];
            if (strcmp(l, "ja") == 0)
                i18n_set(LANG_JA);
            else if (strcmp(l, "en") == 0)
                i18n_set(LANG_EN);
            else
                return cli_usage("", "--lang は ja か en です", "--lang takes ja or en");
        } else if (strcmp(a, "--catalog-dir") == 0 && i + 1 < argc) {
            cli_set_catalog_dir(argv[++i]);
        } else {
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
