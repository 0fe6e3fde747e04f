/*
 * apicheck org add|list — the organizations: banks and partners
 * (電子決済等代行業者, with their registration number).
 */
#include "cli/cli.h"

#include "util/i18n.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char help_ja[] =
    "使い方:\n"
    "  apicheck --as LOGIN org add --kind bank|partner 名称 [--reg-no 番号] [-q]\n"
    "  apicheck --as LOGIN org list\n"
    "\n"
    "銀行と API接続先 (電子決済等代行業者) を登録・一覧します。登録は運用者だけができます。\n"
    "--kind は bank (銀行) か partner (API接続先)。--reg-no は登録番号 (例: 関東財務局長\n"
    "(電代) 第1号) または金融機関コード。-q は登録した組織の ID だけを表示します。\n"
    "ほかのコマンドでは組織を ID か名称で指定できます。\n";
static const char help_en[] =
    "usage:\n"
    "  apicheck --as LOGIN org add --kind bank|partner NAME [--reg-no NUMBER] [-q]\n"
    "  apicheck --as LOGIN org list\n"
    "\n"
    "Registers and lists banks and partners (電子決済等代行業者). Only operators register.\n"
    "--kind is bank (銀行) or partner (API接続先); --reg-no is the registration number\n"
    "(such as 関東財務局長(電代)第1号) or the bank code. -q prints only the new id.\n"
    "Other commands take an organization by id or by name.\n";

static const char *kind_name(org_kind_t k)
{
    return k == ORG_BANK ? tr("銀行", "bank") : tr("API接続先", "partner");
}

static int org_add(store_t *st, const actor_t *a, org_kind_t k, const char *name,
                   const char *reg_no, bool quiet)
{
    int64_t id = 0;
    int rc = store_org_create(st, a, k, name, reg_no, &id);
    if (rc != ST_OK)
        return cli_store_fail(st, rc);
    if (quiet)
        printf("%lld\n", (long long)id);
    else
        printf(tr("組織 %lld を登録しました: %s (%s)\n",
                  "registered organization %lld: %s (%s)\n"),
               (long long)id, name, kind_name(k));
    return EXIT_OK;
}

static int org_list(store_t *st, const actor_t *a)
{
    org_t *v = NULL;
    size_t n = 0;
    int rc = store_org_list(st, a, &v, &n);
    if (rc != ST_OK)
        return cli_store_fail(st, rc);
    cli_cell("ID", 4);
    cli_cell(tr("種別", "KIND"), 10);
    cli_cell(tr("名称", "NAME"), 30);
    printf("%s\n", tr("登録番号", "REG NO"));
    for (size_t i = 0; i < n; i++) {
        cli_cell_id(v[i].id, 4);
        cli_cell(kind_name(v[i].kind), 10);
        cli_cell(v[i].name, 30);
        printf("%s%s\n", v[i].reg_no ? v[i].reg_no : "-",
               v[i].disabled ? tr(" (無効)", " (disabled)") : "");
    }
    org_list_free(v, n);
    return EXIT_OK;
}

int cmd_org(int argc, char **argv)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "kind", required_argument, NULL, 'k' },
        { "reg-no", required_argument, NULL, 'r' },
        { "quiet", no_argument, NULL, 'q' },
        { NULL, 0, NULL, 0 },
    };
    const char *kind = NULL, *reg_no = NULL;
    bool quiet = false;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":hq", opts, NULL)) != -1) {
        switch (c) {
        case 'h': return cli_help(help_ja, help_en);
        case 'k': kind = optarg; break;
        case 'r': reg_no = optarg; break;
        case 'q': quiet = true; break;
        default: return cli_bad_option("org", argv);
        }
    }
    int nargs = argc - optind;
    char **args = argv + optind;
    if (nargs < 1)
        return cli_usage("org", "サブコマンドを指定してください (add, list)",
                         "name a subcommand (add, list)");
    const char *sub = args[0];
    bool add = strcmp(sub, "add") == 0;
    if (!add && strcmp(sub, "list") != 0)
        return cli_usage("org", "不明なサブコマンドです: %s", "unknown subcommand: %s", sub);
    if (add && (nargs != 2 || !kind))
        return cli_usage("org", "--kind と名称を 1 つ指定してください",
                         "give --kind and one name");
    if (!add && nargs != 1)
        return cli_usage("org", "引数が多すぎます", "too many arguments");
    org_kind_t k = ORG_BANK;
    if (add && org_kind_parse(kind, &k) < 0)
        return cli_usage("org", "--kind は bank (銀行) か partner (API接続先) です",
                         "--kind takes bank (銀行) or partner (API接続先)");
    store_t *st;
    actor_t a;
    int rc = cli_store_session("org", &st, &a);
    if (rc >= 0)
        return rc;
    rc = add ? org_add(st, &a, k, args[1], reg_no, quiet) : org_list(st, &a);
    store_close(st);
    return rc;
}
