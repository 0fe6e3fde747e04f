/*
 * apicheck user add|list|passwd — the people: members of a bank or a
 * partner with a role, and the installation's operators.
 */
#include "cli/cli.h"

#include "util/i18n.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help_ja[] =
    "使い方:\n"
    "  apicheck --as LOGIN user add 新LOGIN --org 組織 --role admin|editor|reviewer|viewer\n"
    "                                [--name 氏名] [--password-file FILE] [-q]\n"
    "  apicheck --as LOGIN user add 新LOGIN --operator [--name 氏名] [--password-file FILE]\n"
    "  apicheck --as LOGIN user list\n"
    "  apicheck --as LOGIN user passwd 対象LOGIN [--password-file FILE]\n"
    "\n"
    "利用者を登録・一覧し、パスワードを設定します。利用者は 1 つの組織 (ID か名称) に属し、\n"
    "役割は admin (組織の管理者)、editor (自分の側の回答)、reviewer (銀行: 評価・差戻し・\n"
    "承認)、viewer (閲覧のみ)。--operator はインストールを管理する運用者です。\n"
    "運用者は誰でも、組織の admin は自分の組織の利用者を登録できます。\n"
    "パスワードは --password-file の 1 行目 (- なら標準入力) か APICHECK_PASSWORD から。\n"
    "add でどちらもなければパスワードなし (ログインできません)、passwd では生成して\n"
    "一度だけ表示します。\n";
static const char help_en[] =
    "usage:\n"
    "  apicheck --as LOGIN user add NEWLOGIN --org ORG --role admin|editor|reviewer|viewer\n"
    "                               [--name NAME] [--password-file FILE] [-q]\n"
    "  apicheck --as LOGIN user add NEWLOGIN --operator [--name NAME] [--password-file FILE]\n"
    "  apicheck --as LOGIN user list\n"
    "  apicheck --as LOGIN user passwd LOGIN [--password-file FILE]\n"
    "\n"
    "Registers and lists users and sets passwords. A user belongs to one organization\n"
    "(by id or name) with a role: admin (manages the organization), editor (answers its\n"
    "side), reviewer (bank: evaluates, returns, accepts) or viewer (reads). --operator makes\n"
    "an operator of the installation. Operators register anyone; an organization's admin\n"
    "registers users of that organization. The password is the first line of\n"
    "--password-file (- for standard input) or $APICHECK_PASSWORD; without either, add\n"
    "leaves the account without one (it cannot log in) and passwd generates one and\n"
    "prints it once.\n";

typedef struct user_opts {
    const char *org, *role, *name, *pwfile;
    bool is_operator, quiet;
} user_opts_t;

static int user_add(store_t *st, const actor_t *a, const char *login, const user_opts_t *o,
                    role_t role)
{
    user_t u = { 0 };
    u.login = (char *)login;
    u.display_name = (char *)(o->name ? o->name : login);
    u.role = role;
    u.is_operator = o->is_operator;
    if (o->org) {
        org_t org = { 0 };
        int rc = store_org_get(st, a, o->org, &org);
        if (rc != ST_OK)
            return cli_store_fail(st, rc);
        u.org_id = org.id;
        org_clear(&org);
    }
    bool generated, failed;
    char *pw = cli_password(o->pwfile, false, &generated, &failed);
    if (failed)
        return EXIT_FAIL;
    int64_t id = 0;
    int rc = store_user_create(st, a, &u, pw, &id);
    bool has_pw = pw != NULL;
    free(pw);
    if (rc != ST_OK)
        return cli_store_fail(st, rc);
    if (o->quiet)
        printf("%lld\n", (long long)id);
    else
        printf(tr("利用者 %s を登録しました (ID %lld、役割 %s%s)%s\n",
                  "registered user %s (id %lld, role %s%s)%s\n"),
               login, (long long)id, role_code(role),
               o->is_operator ? tr("、運用者", ", operator") : "",
               has_pw ? "" : tr("。パスワード未設定のためログインできません",
                            "; no password yet, so no login"));
    return EXIT_OK;
}

static int user_list(store_t *st, const actor_t *a)
{
    user_t *v = NULL;
    size_t n = 0;
    int rc = store_user_list(st, a, &v, &n);
    if (rc != ST_OK)
        return cli_store_fail(st, rc);
    org_t *orgs = NULL;
    size_t norgs = 0;
    if (store_org_list(st, a, &orgs, &norgs) != ST_OK)
        norgs = 0;
    cli_cell("ID", 4);
    cli_cell(tr("ログイン名", "LOGIN"), 16);
    cli_cell(tr("役割", "ROLE"), 9);
    cli_cell(tr("組織", "ORGANIZATION"), 24);
    printf("%s\n", tr("氏名", "NAME"));
    for (size_t i = 0; i < n; i++) {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)v[i].id);
        const char *org = v[i].is_operator && !v[i].org_id ? tr("(運用者)", "(operator)") : NULL;
        char orgid[24];
        for (size_t k = 0; !org && k < norgs; k++)
            if (orgs[k].id == v[i].org_id)
                org = orgs[k].name;
        if (!org) {
            snprintf(orgid, sizeof orgid, "%lld", (long long)v[i].org_id);
            org = orgid;
        }
        cli_cell(id, 4);
        cli_cell(v[i].login, 16);
        cli_cell(role_code(v[i].role), 9);
        cli_cell(org, 24);
        printf("%s%s%s\n", v[i].display_name ? v[i].display_name : "-",
               v[i].is_operator && v[i].org_id ? tr(" (運用者)", " (operator)") : "",
               v[i].disabled ? tr(" (無効)", " (disabled)") : "");
    }
    org_list_free(orgs, norgs);
    user_list_free(v, n);
    return EXIT_OK;
}

static int user_passwd(store_t *st, const actor_t *a, const char *login, const char *pwfile)
{
    bool generated, failed;
    char *pw = cli_password(pwfile, true, &generated, &failed);
    if (failed)
        return EXIT_FAIL;
    int rc = store_user_set_password(st, a, login, pw);
    if (rc != ST_OK) {
        free(pw);
        return cli_store_fail(st, rc);
    }
    printf(tr("%s のパスワードを設定しました\n", "set the password of %s\n"), login);
    if (generated)
        printf(tr("パスワード (一度だけ表示します): %s\n",
                  "password (shown only this once): %s\n"),
               pw);
    memset(pw, 0, strlen(pw));
    free(pw);
    return EXIT_OK;
}

int cmd_user(int argc, char **argv)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "org", required_argument, NULL, 'o' },
        { "role", required_argument, NULL, 'r' },
        { "name", required_argument, NULL, 'n' },
        { "operator", no_argument, NULL, 'O' },
        { "password-file", required_argument, NULL, 'p' },
        { "quiet", no_argument, NULL, 'q' },
        { NULL, 0, NULL, 0 },
    };
    user_opts_t o = { 0 };
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":hq", opts, NULL)) != -1) {
        switch (c) {
        case 'h': return cli_help(help_ja, help_en);
        case 'o': o.org = optarg; break;
        case 'r': o.role = optarg; break;
        case 'n': o.name = optarg; break;
        case 'O': o.is_operator = true; break;
        case 'p': o.pwfile = optarg; break;
        case 'q': o.quiet = true; break;
        default: return cli_bad_option("user", argv);
        }
    }
    int nargs = argc - optind;
    char **args = argv + optind;
    if (nargs < 1)
        return cli_usage("user", "サブコマンドを指定してください (add, list, passwd)",
                         "name a subcommand (add, list, passwd)");
    const char *sub = args[0];
    role_t role = ROLE_ADMIN;
    if (strcmp(sub, "add") == 0) {
        if (nargs != 2)
            return cli_usage("user", "登録するログイン名を 1 つ指定してください",
                             "name one login to register");
        if (!o.is_operator && (!o.org || !o.role))
            return cli_usage("user", "--org と --role を指定してください (運用者なら --operator)",
                             "give --org and --role (or --operator for an operator)");
        if (o.role && role_parse(o.role, &role) < 0)
            return cli_usage("user", "--role は admin, editor, reviewer, viewer のいずれかです",
                             "--role takes admin, editor, reviewer or viewer");
    } else if (strcmp(sub, "list") == 0) {
        if (nargs != 1)
            return cli_usage("user", "引数が多すぎます", "too many arguments");
    } else if (strcmp(sub, "passwd") == 0) {
        if (nargs != 2)
            return cli_usage("user", "ログイン名を 1 つ指定してください", "name one login");
    } else {
        return cli_usage("user", "不明なサブコマンドです: %s", "unknown subcommand: %s", sub);
    }
    store_t *st;
    actor_t a;
    int rc = cli_store_session("user", &st, &a);
    if (rc >= 0)
        return rc;
    if (strcmp(sub, "add") == 0)
        rc = user_add(st, &a, args[1], &o, role);
    else if (strcmp(sub, "list") == 0)
        rc = user_list(st, &a);
    else
        rc = user_passwd(st, &a, args[1], o.pwfile);
    store_close(st);
    return rc;
}
