/*
 * apicheck connection add|list|state — bank × partner connections with
 * their API scope (参照系 read / 更新系 write) and contract state.
 */
#include "cli/cli.h"

#include "util/i18n.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char help_ja[] =
    "使い方:\n"
    "  apicheck --as LOGIN connection add --bank 組織 --partner 組織 --scope read|write [-q]\n"
    "  apicheck --as LOGIN connection list\n"
    "  apicheck --as LOGIN connection state ID planned|active|suspended|ended\n"
    "\n"
    "銀行と API接続先 の接続を登録・一覧し、契約の状態を変えます。--scope は read (参照系)\n"
    "か write (更新系)。登録と状態の変更は運用者か銀行の admin ができます。一覧には自分の\n"
    "組織が当事者の接続だけが表示されます。-q は登録した接続の ID だけを表示します。\n";
static const char help_en[] =
    "usage:\n"
    "  apicheck --as LOGIN connection add --bank ORG --partner ORG --scope read|write [-q]\n"
    "  apicheck --as LOGIN connection list\n"
    "  apicheck --as LOGIN connection state ID planned|active|suspended|ended\n"
    "\n"
    "Registers and lists bank × partner connections and changes their contract state.\n"
    "--scope is read (参照系) or write (更新系). Operators and the bank's admins register\n"
    "and change them; the list shows the connections of your own organization. -q prints\n"
    "only the new id.\n";

static const char *scope_name(const char *scope)
{
    if (scope && strcmp(scope, "read") == 0)
        return tr("参照系", "read");
    if (scope && strcmp(scope, "write") == 0)
        return tr("更新系", "write");
    return scope;
}

static int org_id(store_t *st, const actor_t *a, const char *key, int64_t *id)
{
    org_t o = { 0 };
    int rc = store_org_get(st, a, key, &o);
    if (rc != ST_OK)
        return cli_store_fail(st, rc);
    *id = o.id;
    org_clear(&o);
    return -1;
}

static int conn_add(store_t *st, const actor_t *a, const char *bank, const char *partner,
                    const char *scope, bool quiet)
{
    int64_t bank_id = 0, partner_id = 0, id = 0;
    int rc;
    if ((rc = org_id(st, a, bank, &bank_id)) >= 0 ||
        (rc = org_id(st, a, partner, &partner_id)) >= 0)
        return rc;
    rc = store_connection_create(st, a, bank_id, partner_id, scope, &id);
    if (rc != ST_OK)
        return cli_store_fail(st, rc);
    if (quiet)
        printf("%lld\n", (long long)id);
    else
        printf(tr("接続 %lld を登録しました: %s × %s (%s)\n",
                  "registered connection %lld: %s × %s (%s)\n"),
               (long long)id, bank, partner, scope_name(scope));
    return EXIT_OK;
}

static int conn_list(store_t *st, const actor_t *a)
{
    connection_t *v = NULL;
    size_t n = 0;
    int rc = store_connection_list(st, a, &v, &n);
    if (rc != ST_OK)
        return cli_store_fail(st, rc);
    cli_cell("ID", 4);
    cli_cell(tr("銀行", "BANK"), 24);
    cli_cell(tr("API接続先", "PARTNER"), 24);
    cli_cell(tr("範囲", "SCOPE"), 6);
    printf("%s\n", tr("状態", "STATE"));
    for (size_t i = 0; i < n; i++) {
        cli_cell_id(v[i].id, 4);
        cli_cell(v[i].bank_name, 24);
        cli_cell(v[i].partner_name, 24);
        cli_cell(scope_name(v[i].scope), 6);
        printf("%s\n", v[i].state ? v[i].state : "-");
    }
    connection_list_free(v, n);
    return EXIT_OK;
}

int cmd_connection(int argc, char **argv)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "bank", required_argument, NULL, 'b' },
        { "partner", required_argument, NULL, 'p' },
        { "scope", required_argument, NULL, 's' },
        { "quiet", no_argument, NULL, 'q' },
        { NULL, 0, NULL, 0 },
    };
    const char *bank = NULL, *partner = NULL, *scope = NULL;
    bool quiet = false;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":hq", opts, NULL)) != -1) {
        switch (c) {
        case 'h': return cli_help(help_ja, help_en);
        case 'b': bank = optarg; break;
        case 'p': partner = optarg; break;
        case 's': scope = optarg; break;
        case 'q': quiet = true; break;
        default: return cli_bad_option("connection", argv);
        }
    }
    int nargs = argc - optind;
    char **args = argv + optind;
    if (nargs < 1)
        return cli_usage("connection", "サブコマンドを指定してください (add, list, state)",
                         "name a subcommand (add, list, state)");
    const char *sub = args[0];
    int64_t id = 0;
    if (strcmp(sub, "add") == 0) {
        if (nargs != 1 || !bank || !partner || !scope)
            return cli_usage("connection", "--bank、--partner、--scope を指定してください",
                             "give --bank, --partner and --scope");
    } else if (strcmp(sub, "list") == 0) {
        if (nargs != 1)
            return cli_usage("connection", "引数が多すぎます", "too many arguments");
    } else if (strcmp(sub, "state") == 0) {
        if (nargs != 3 || cli_parse_id(args[1], &id) < 0)
            return cli_usage("connection", "接続の ID と新しい状態を指定してください",
                             "give the connection's id and its new state");
    } else {
        return cli_usage("connection", "不明なサブコマンドです: %s", "unknown subcommand: %s",
                         sub);
    }
    store_t *st;
    actor_t a;
    int rc = cli_store_session("connection", &st, &a);
    if (rc >= 0)
        return rc;
    if (strcmp(sub, "add") == 0) {
        rc = conn_add(st, &a, bank, partner, scope, quiet);
    } else if (strcmp(sub, "list") == 0) {
        rc = conn_list(st, &a);
    } else {
        int r = store_connection_set_state(st, &a, id, args[2]);
        if (r == ST_OK) {
            printf(tr("接続 %lld の状態を %s にしました\n", "connection %lld is now %s\n"),
                   (long long)id, args[2]);
            rc = EXIT_OK;
        } else {
            rc = cli_store_fail(st, r);
        }
    }
    store_close(st);
    return rc;
}
