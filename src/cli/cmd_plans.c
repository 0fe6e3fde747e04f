/*
 * apicheck plans | plan add|close — remediation plans (課題への対応計画)
 * with owner and due date: the open ones, the overdue ones, adding one to an
 * item's side and closing it.
 */
#include "cli/cli.h"

#include "util/i18n.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char plans_help_ja[] =
    "使い方: apicheck --as LOGIN plans [--overdue [日付]]\n"
    "\n"
    "見られるチェックの未完了の対応計画を期限順に表示します。--overdue を付けると期限が\n"
    "日付 (省略時は今日) より前のものだけを表示します。日付は ISO か和暦。\n";
static const char plans_help_en[] =
    "usage: apicheck --as LOGIN plans [--overdue [DATE]]\n"
    "\n"
    "Lists the open remediation plans of the assessments you may see, by due date.\n"
    "--overdue keeps those due before DATE (default: today). Dates: ISO or 和暦.\n";

static const char plan_help_ja[] =
    "使い方:\n"
    "  apicheck --as LOGIN plan add チェックID 通番 --side partner|bank --body 計画\n"
    "                               [--owner 担当] [--due 日付] [-q]\n"
    "  apicheck --as LOGIN plan close 計画ID\n"
    "\n"
    "項目の自分の側に対応計画を登録し、完了にします。\n";
static const char plan_help_en[] =
    "usage:\n"
    "  apicheck --as LOGIN plan add ASSESSMENT NO --side partner|bank --body PLAN\n"
    "                               [--owner OWNER] [--due DATE] [-q]\n"
    "  apicheck --as LOGIN plan close PLAN\n"
    "\n"
    "Adds a remediation plan to your side of an item, and closes one.\n";

int cmd_plans(int argc, char **argv)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "overdue", optional_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 },
    };
    bool overdue = false;
    const char *date = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': return cli_help(plans_help_ja, plans_help_en);
        case 'o':
            overdue = true;
            date = optarg;
            break;
        default: return cli_bad_option("plans", argv);
        }
    }
    /* "--overdue DATE" as well as "--overdue=DATE". */
    if (overdue && !date && optind < argc)
        date = argv[optind++];
    if (optind != argc)
        return cli_usage("plans", "余分な引数があります: %s", "unexpected argument: %s",
                         argv[optind]);
    char on[11] = "";
    if (overdue) {
        if (date && cli_parse_date(date, on) < 0)
            return cli_usage("plans", "日付が読めません: %s", "not a date: %s", date);
        if (!date)
            cli_today(on);
    }
    store_t *st;
    actor_t a;
    int rc = cli_store_session("plans", &st, &a);
    if (rc >= 0)
        return rc;
    plan_t *v = NULL;
    size_t n = 0;
    int r = store_plans(st, &a, overdue ? on : NULL, &v, &n);
    if (r != ST_OK) {
        rc = cli_store_fail(st, r);
        store_close(st);
        return rc;
    }
    if (n == 0) {
        if (overdue)
            printf(tr("%s より前が期限の未完了の対応計画はありません\n",
                      "no open plan is due before %s\n"),
                   on);
        else
            fputs(tr("未完了の対応計画はありません\n", "no open plans\n"), stdout);
    } else {
        cli_cell("ID", 4);
        cli_cell(tr("期限", "DUE"), 10);
        cli_cell(tr("チェック", "ASSESSMENT"), 10);
        cli_cell(tr("通番", "NO"), 4);
        cli_cell(tr("側", "SIDE"), 9);
        cli_cell(tr("担当", "OWNER"), 12);
        cli_cell(tr("銀行 × API接続先 (年度)", "BANK × PARTNER (ROUND)"), 0);
        printf("\n");
        for (size_t i = 0; i < n; i++) {
            char id[24], aid[24], no[16];
            snprintf(id, sizeof id, "%lld", (long long)v[i].id);
            snprintf(aid, sizeof aid, "%lld", (long long)v[i].assessment_id);
            snprintf(no, sizeof no, "%d", v[i].no);
            cli_cell(id, 4);
            cli_cell(v[i].due, 10);
            cli_cell(aid, 10);
            cli_cell(no, 4);
            cli_cell(cli_side_name(v[i].side), 9);
            cli_cell(v[i].owner, 12);
            printf("%s × %s (%s)\n", v[i].bank_name ? v[i].bank_name : "-",
                   v[i].partner_name ? v[i].partner_name : "-", v[i].round ? v[i].round : "-");
            printf("     %s\n", v[i].body ? v[i].body : "");
        }
    }
    plan_list_free(v, n);
    store_close(st);
    return EXIT_OK;
}

int cmd_plan(int argc, char **argv)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "side", required_argument, NULL, 's' },
        { "body", required_argument, NULL, 'b' },
        { "owner", required_argument, NULL, 'o' },
        { "due", required_argument, NULL, 'd' },
        { "quiet", no_argument, NULL, 'q' },
        { NULL, 0, NULL, 0 },
    };
    const char *side = NULL, *body = NULL, *owner = NULL, *due = NULL;
    bool quiet = false;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":hq", opts, NULL)) != -1) {
        switch (c) {
        case 'h': return cli_help(plan_help_ja, plan_help_en);
        case 's': side = optarg; break;
        case 'b': body = optarg; break;
        case 'o': owner = optarg; break;
        case 'd': due = optarg; break;
        case 'q': quiet = true; break;
        default: return cli_bad_option("plan", argv);
        }
    }
    int nargs = argc - optind;
    char **args = argv + optind;
    if (nargs < 1)
        return cli_usage("plan", "サブコマンドを指定してください (add, close)",
                         "name a subcommand (add, close)");
    bool add = strcmp(args[0], "add") == 0;
    int64_t id = 0;
    int no = 0;
    side_t sd = SIDE_PARTNER;
    char iso[11] = "";
    if (add) {
        if (nargs != 3 || cli_parse_id(args[1], &id) < 0 || cli_parse_item_no(args[2], &no) < 0)
            return cli_usage("plan", "チェックの ID と通番を指定してください",
                             "give the assessment's id and the item number");
        if (!side || cli_side_parse(side, &sd) < 0)
            return cli_usage("plan", "--side は partner (API接続先) か bank (銀行) です",
                             "--side takes partner (API接続先) or bank (銀行)");
        if (!body)
            return cli_usage("plan", "--body で計画を指定してください", "give the plan with --body");
        if (due && cli_parse_date(due, iso) < 0)
            return cli_usage("plan", "日付が読めません: %s", "not a date: %s", due);
    } else if (strcmp(args[0], "close") == 0) {
        if (nargs != 2 || cli_parse_id(args[1], &id) < 0)
            return cli_usage("plan", "計画の ID を指定してください", "give the plan's id");
    } else {
        return cli_usage("plan", "不明なサブコマンドです: %s", "unknown subcommand: %s", args[0]);
    }
    store_t *st;
    actor_t a;
    int rc = cli_store_session("plan", &st, &a);
    if (rc >= 0)
        return rc;
    int r;
    if (add) {
        int64_t pid = 0;
        r = store_plan_add(st, &a, id, no, sd, body, owner, due ? iso : NULL, &pid);
        if (r == ST_OK) {
            if (quiet)
                printf("%lld\n", (long long)pid);
            else
                printf(tr("対応計画 %lld を登録しました\n", "added plan %lld\n"),
                       (long long)pid);
        }
    } else {
        r = store_plan_close(st, &a, id);
        if (r == ST_OK)
            printf(tr("対応計画 %lld を完了にしました\n", "closed plan %lld\n"), (long long)id);
    }
    rc = r == ST_OK ? EXIT_OK : cli_store_fail(st, r);
    store_close(st);
    return rc;
}
