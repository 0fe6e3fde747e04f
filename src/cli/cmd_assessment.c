/*
 * apicheck assessment … — the yearly check of one connection: open it,
 * answer from both sides, submit, review, return, accept, comment, and
 * push answers to the partner's profile.  Comparing, exporting and
 * importing live in cmd_assessment_files.c.  Every step goes through the
 * store, which applies the rules; this file only parses and prints.
 */
#include "cli/cli.h"

#include "formats/builtin.h"
#include "util/i18n.h"
#include "util/xmem.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help_ja[] =
    "使い方: apicheck --as LOGIN assessment サブコマンド …\n"
    "  open --connection ID --round 2026年度 [--catalog ID] [--due 日付] [--from ID]\n"
    "       [--no-profile] [-q]            チェックを開始 (銀行)。--from は前回のチェックの\n"
    "                                      回答を引き継ぎ、省くと API接続先 のプロファイル\n"
    "                                      から下書きします (--no-profile で空のまま)\n"
    "  list                                見られるチェックの一覧\n"
    "  show ID [--item 通番]               項目ごとの両側の回答、版、評価、コメント\n"
    "  answer ID 通番 --side partner|bank --base-version 版 [--status 状況]\n"
    "       [--current 文] [--gap 文] [--plan 文] [--due 日付] [--note 文]\n"
    "                                      回答を保存。指定しない欄は今の値のまま。\n"
    "                                      版が古ければ競合として今の値を表示し 1 で終了\n"
    "  submit ID [--comment 文]            提出 (API接続先)\n"
    "  start-review ID                     審査を開始 (銀行)\n"
    "  review ID 通番 --evaluation ok|improve|ng|unrated [--comment 文]\n"
    "                                      項目の評価 (適/要改善/不適/未評価)\n"
    "  return ID [--comment 文]            差戻し (銀行)\n"
    "  accept ID [--comment 文]            承認 (銀行)\n"
    "  comment ID [通番] 本文              コメントを追加 (通番を省くとチェック全体に)\n"
    "  push-profile ID [通番]              API接続先 の回答をプロファイルに反映\n"
    "  diff A B                            2 つのチェックの違いを項目ごとに表示\n"
    "  export ID -o FILE.xlsx|csv|json [--side 側] [--encoding utf8-bom|utf8|cp932]\n"
    "  import ID FILE [--dry-run] [--side 側] [--format xlsx|csv|json]\n"
    "                                      記入済みファイルを取込み (すべてか無しか)\n"
    "\n"
    "状況は 対応済/一部対応/未対応/該当なし (done/partial/todo/na)、空文字で未選択。\n"
    "日付は 2026-03-31 のほか 令和8年3月31日 のような和暦でも書けます。\n"
    "見つからないチェックと他社のチェックは同じ「見つかりません」になります。\n";
static const char help_en[] =
    "usage: apicheck --as LOGIN assessment SUBCOMMAND …\n"
    "  open --connection ID --round 2026年度 [--catalog ID] [--due DATE] [--from ID]\n"
    "       [--no-profile] [-q]            open an assessment (bank). --from carries the\n"
    "                                      answers of an earlier one over; otherwise the\n"
    "                                      partner's profile pre-fills it (--no-profile:\n"
    "                                      start empty)\n"
    "  list                                the assessments you may see\n"
    "  show ID [--item NO]                 per item: both sides' answers, versions,\n"
    "                                      evaluation, comments\n"
    "  answer ID NO --side partner|bank --base-version V [--status S]\n"
    "       [--current T] [--gap T] [--plan T] [--due DATE] [--note T]\n"
    "                                      save an answer; fields not given keep their\n"
    "                                      value. A stale version is a conflict: the\n"
    "                                      current value is shown and the exit status is 1\n"
    "  submit ID [--comment T]             submit (partner)\n"
    "  start-review ID                     start the review (bank)\n"
    "  review ID NO --evaluation ok|improve|ng|unrated [--comment T]\n"
    "                                      evaluate an item (適/要改善/不適/未評価)\n"
    "  return ID [--comment T]             return for changes (bank)\n"
    "  accept ID [--comment T]             accept (bank)\n"
    "  comment ID [NO] TEXT                add a comment (without NO: on the whole)\n"
    "  push-profile ID [NO]                copy the partner's answers to its profile\n"
    "  diff A B                            what changed between two assessments\n"
    "  export ID -o FILE.xlsx|csv|json [--side SIDE] [--encoding utf8-bom|utf8|cp932]\n"
    "  import ID FILE [--dry-run] [--side SIDE] [--format xlsx|csv|json]\n"
    "                                      take a filled file in, all or nothing\n"
    "\n"
    "Statuses: done/partial/todo/na (対応済/一部対応/未対応/該当なし), \"\" for none.\n"
    "Dates: 2026-03-31 or 和暦 such as 令和8年3月31日.\n"
    "A missing assessment and another organization's look the same: not found.\n";

static const char *state_name(wf_state_t s)
{
    return tr(wf_state_label(s), wf_state_code(s));
}

static const char *scope_name(const char *scope)
{
    if (scope && strcmp(scope, "read") == 0)
        return tr("参照系", "read");
    if (scope && strcmp(scope, "write") == 0)
        return tr("更新系", "write");
    return scope ? scope : "-";
}

/* ---- open, list ----------------------------------------------------------- */

static int a_open(store_t *st, const actor_t *a, const assessment_opts_t *o)
{
    assessment_open_opt_t opt = { 0 };
    opt.round = o->round;
    opt.due = o->due[0] ? o->due : NULL;
    opt.previous_id = o->from;
    opt.no_profile = o->no_profile;
    int64_t id = 0;
    int rc = store_assessment_open(st, a, o->connection,
                                   o->catalog ? o->catalog : BUILTIN_CATALOG_ID, &opt, &id);
    if (rc != ST_OK)
        return cli_store_fail(st, rc);
    if (o->quiet) {
        printf("%lld\n", (long long)id);
        return EXIT_OK;
    }
    assessment_t x = { 0 };
    if (store_assessment_get(st, a, id, &x) == ST_OK) {
        printf(tr("チェック %lld を開始しました: %s × %s (%s)、%s、様式 %s\n",
                  "opened assessment %lld: %s × %s (%s), %s, catalog %s\n"),
               (long long)id, x.bank_name, x.partner_name, scope_name(x.scope), x.round,
               x.catalog_id);
        assessment_clear(&x);
    } else {
        printf(tr("チェック %lld を開始しました\n", "opened assessment %lld\n"), (long long)id);
    }
    return EXIT_OK;
}

static int a_list(store_t *st, const actor_t *a)
{
    assessment_t *v = NULL;
    size_t n = 0;
    int rc = store_assessment_list(st, a, &v, &n);
    if (rc != ST_OK)
        return cli_store_fail(st, rc);
    cli_cell("ID", 4);
    cli_cell(tr("年度", "ROUND"), 10);
    cli_cell(tr("状態", "STATE"), 9);
    cli_cell(tr("銀行", "BANK"), 20);
    cli_cell(tr("API接続先", "PARTNER"), 20);
    cli_cell(tr("範囲", "SCOPE"), 6);
    cli_cell(tr("期限", "DUE"), 10);
    printf("%s\n", tr("様式", "CATALOG"));
    for (size_t i = 0; i < n; i++) {
        cli_cell_id(v[i].id, 4);
        cli_cell(v[i].round, 10);
        cli_cell(state_name(v[i].state), 9);
        cli_cell(v[i].bank_name, 20);
        cli_cell(v[i].partner_name, 20);
        cli_cell(scope_name(v[i].scope), 6);
        cli_cell(v[i].due, 10);
        printf("%s\n", v[i].catalog_id ? v[i].catalog_id : "-");
    }
    assessment_list_free(v, n);
    return EXIT_OK;
}

/* ---- show ----------------------------------------------------------------- */

/* The comments of one thread (no; 0 = the whole assessment) out of every
 * comment of the assessment. */
static void print_comments(const comment_t *v, size_t n, int no, const char *indent)
{
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (v[i].no != no)
            continue;
        if (!any)
            printf("%s%s:\n", indent, tr("コメント", "comments"));
        any = true;
        printf("%s  %s %s: ", indent, v[i].created_at ? v[i].created_at : "",
               v[i].author_login ? v[i].author_login : "?");
        for (const char *p = v[i].body ? v[i].body : ""; *p; p++) {
            fputc(*p, stdout);
            if (*p == '\n' && p[1])
                printf("%s    ", indent);
        }
        fputc('\n', stdout);
    }
}

static void print_header(const assessment_t *x)
{
    printf(tr("チェック %lld: %s × %s (%s)、%s\n", "assessment %lld: %s × %s (%s), %s\n"),
           (long long)x->id, x->bank_name, x->partner_name, scope_name(x->scope), x->round);
    printf(tr("  状態: %s  版: %lld  期限: %s\n", "  state: %s  version: %lld  due: %s\n"),
           state_name(x->state), (long long)x->version, x->due ? x->due : "-");
    printf(tr("  様式: %s", "  catalog: %s"), x->catalog_id);
    if (x->selection_id)
        printf(tr("  (銀行の項目選択 %lld)", "  (bank's selection %lld)"),
               (long long)x->selection_id);
    if (x->previous_id)
        printf(tr("  前回: チェック %lld", "  previous: assessment %lld"),
               (long long)x->previous_id);
    printf(tr("\n  更新: %s\n", "\n  updated: %s\n"), x->updated_at ? x->updated_at : "-");
}

static int a_show(store_t *st, const actor_t *a, int64_t id, int only)
{
    assessment_t x = { 0 };
    int rc = store_assessment_get(st, a, id, &x);
    if (rc != ST_OK)
        return cli_store_fail(st, rc);
    catalog_t *cat = store_assessment_catalog(st, a, id, &rc);
    if (!cat) {
        assessment_clear(&x);
        return cli_store_fail(st, rc);
    }
    review_t *rv = NULL;
    size_t nrv = 0, ncm = 0;
    comment_t *cm = NULL;
    if ((rc = store_reviews(st, a, id, &rv, &nrv)) != ST_OK ||
        (rc = store_comments(st, a, id, -1, &cm, &ncm)) != ST_OK) {
        free(rv);
        assessment_clear(&x);
        catalog_free(cat);
        return cli_store_fail(st, rc);
    }
    int ret = EXIT_OK;
    if (!only) {
        print_header(&x);
        print_comments(cm, ncm, 0, "  ");
        printf("\n");
    }
    bool found = false;
    for (size_t i = 0; i < cat->nitems && ret == EXIT_OK; i++) {
        const item_t *it = &cat->items[i];
        if (only && it->no != only)
            continue;
        found = true;
        printf("%d. [%s] [%s] %s\n", it->no, it->category,
               tr(target_label(it->target), target_code(it->target)), it->objective);
        for (int s = SIDE_PARTNER; s <= SIDE_BANK; s++) {
            if (!side_answers((side_t)s, it->target))
                continue;
            answer_t ans = { 0 };
            int64_t ver = 0;
            rc = store_answer_get(st, a, id, it->no, (side_t)s, &ans, &ver);
            if (rc != ST_OK) {
                ret = cli_store_fail(st, rc);
                break;
            }
            if (ver == 0) {
                printf(tr("   %s (版 0): 未回答\n", "   %s (version 0): not answered\n"),
                       cli_side_name((side_t)s));
            } else {
                printf(tr("   %s (版 %lld):\n", "   %s (version %lld):\n"),
                       cli_side_name((side_t)s), (long long)ver);
                cli_print_answer(&ans, "     ");
            }
            store_answer_clear(&ans);
        }
        evaluation_t e = EVAL_UNRATED;
        for (size_t k = 0; k < nrv; k++)
            if (rv[k].no == it->no)
                e = rv[k].evaluation;
        printf(tr("   評価: %s\n", "   evaluation: %s\n"),
               tr(evaluation_label(e), evaluation_code(e)));
        print_comments(cm, ncm, it->no, "   ");
    }
    if (only && !found && ret == EXIT_OK) {
        cli_error("このチェックに通番 %d の項目はありません", "this assessment has no item %d",
                  only);
        ret = EXIT_FAIL;
    }
    comment_list_free(cm, ncm);
    free(rv);
    catalog_free(cat);
    assessment_clear(&x);
    return ret;
}

/* ---- answer --------------------------------------------------------------- */

static int a_answer(store_t *st, const actor_t *a, int64_t id, int no,
                    const assessment_opts_t *o)
{
    answer_t cur = { 0 };
    int64_t ver = 0;
    int rc = store_answer_get(st, a, id, no, o->side, &cur, &ver);
    if (rc != ST_OK)
        return cli_store_fail(st, rc);
    /* The fields given replace the stored ones; the others stay. */
    answer_t next = { 0 };
    next.no = no;
    next.side = o->side;
    next.status = o->has_status ? o->status : cur.status;
    answer_set_text(&next.current, o->current ? o->current : cur.current);
    answer_set_text(&next.gap, o->gap ? o->gap : cur.gap);
    answer_set_text(&next.plan, o->plan ? o->plan : cur.plan);
    answer_set_text(&next.due, o->has_due ? o->due : cur.due);
    answer_set_text(&next.note, o->note ? o->note : cur.note);
    store_answer_clear(&cur);

    int64_t nv = 0;
    rc = store_answer_save(st, a, id, &next, o->base_version, &nv);
    store_answer_clear(&next);
    if (rc == ST_CONFLICT) {
        cli_store_fail(st, rc);
        if (store_answer_get(st, a, id, no, o->side, &cur, &ver) == ST_OK) {
            printf(tr("通番 %d %s の今の値 (版 %lld):\n",
                      "current value of item %d, %s (version %lld):\n"),
                   no, cli_side_name(o->side), (long long)ver);
            cli_print_answer(&cur, "  ");
            store_answer_clear(&cur);
        }
        return EXIT_FAIL;
    }
    if (rc != ST_OK)
        return cli_store_fail(st, rc);
    printf(tr("保存しました: 通番 %d %s (版 %lld)\n", "saved item %d, %s (version %lld)\n"),
           no, cli_side_name(o->side), (long long)nv);
    return EXIT_OK;
}

/* ---- workflow steps, reviews, comments, profile --------------------------- */

static int a_step(store_t *st, const actor_t *a, int64_t id, wf_action_t act,
                  const char *comment)
{
    int rc = store_assessment_step(st, a, id, act, comment);
    if (rc != ST_OK)
        return cli_store_fail(st, rc);
    assessment_t x = { 0 };
    if (store_assessment_get(st, a, id, &x) == ST_OK) {
        printf(tr("チェック %lld: %s になりました\n", "assessment %lld is now %s\n"),
               (long long)id, state_name(x.state));
        assessment_clear(&x);
    }
    return EXIT_OK;
}

static int a_review(store_t *st, const actor_t *a, int64_t id, int no, evaluation_t e,
                    const char *comment)
{
    int rc = store_review_set(st, a, id, no, e, comment);
    if (rc != ST_OK)
        return cli_store_fail(st, rc);
    printf(tr("通番 %d を %s と評価しました\n", "item %d evaluated %s\n"), no,
           tr(evaluation_label(e), evaluation_code(e)));
    return EXIT_OK;
}

static int a_comment(store_t *st, const actor_t *a, int64_t id, int no, const char *text)
{
    int rc = store_comment_add(st, a, id, no, text);
    if (rc != ST_OK)
        return cli_store_fail(st, rc);
    if (no)
        printf(tr("通番 %d にコメントしました\n", "commented on item %d\n"), no);
    else
        fputs(tr("チェックにコメントしました\n", "commented on the assessment\n"), stdout);
    return EXIT_OK;
}

static int a_push_profile(store_t *st, const actor_t *a, int64_t id, int no)
{
    int rc = store_profile_push(st, a, id, no);
    if (rc != ST_OK)
        return cli_store_fail(st, rc);
    if (no)
        printf(tr("通番 %d の回答をプロファイルに反映しました\n",
                  "copied the answer of item %d to the profile\n"),
               no);
    else
        fputs(tr("回答をプロファイルに反映しました\n", "copied the answers to the profile\n"), stdout);
    return EXIT_OK;
}

/* ---- dispatch --------------------------------------------------------------- */

static const struct {
    const char *name;
    wf_action_t act;
} steps[] = {
    { "submit", ACT_SUBMIT },
    { "start-review", ACT_START_REVIEW },
    { "return", ACT_RETURN },
    { "accept", ACT_ACCEPT },
};

static int need(int nargs, int lo, int hi)
{
    if (nargs < lo)
        return cli_usage("assessment", "引数が足りません", "missing arguments");
    if (nargs > hi)
        return cli_usage("assessment", "引数が多すぎます", "too many arguments");
    return -1;
}

static int parse_id_arg(const char *s, int64_t *id)
{
    if (cli_parse_id(s, id) < 0)
        return cli_usage("assessment", "ID は正の整数です: %s", "an id is a positive integer: %s",
                         s);
    return -1;
}

static int parse_no_arg(const char *s, int *no)
{
    if (cli_parse_item_no(s, no) < 0)
        return cli_usage("assessment", "通番は正の整数です: %s",
                         "an item number is a positive integer: %s", s);
    return -1;
}

int cmd_assessment(int argc, char **argv)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "connection", required_argument, NULL, 'C' },
        { "round", required_argument, NULL, 'R' },
        { "catalog", required_argument, NULL, 'c' },
        { "due", required_argument, NULL, 'd' },
        { "from", required_argument, NULL, 'F' },
        { "no-profile", no_argument, NULL, 'P' },
        { "quiet", no_argument, NULL, 'q' },
        { "item", required_argument, NULL, 'n' },
        { "side", required_argument, NULL, 's' },
        { "status", required_argument, NULL, 'S' },
        { "current", required_argument, NULL, 'u' },
        { "gap", required_argument, NULL, 'g' },
        { "plan", required_argument, NULL, 'p' },
        { "note", required_argument, NULL, 'N' },
        { "base-version", required_argument, NULL, 'B' },
        { "comment", required_argument, NULL, 'm' },
        { "evaluation", required_argument, NULL, 'E' },
        { "output", required_argument, NULL, 'o' },
        { "format", required_argument, NULL, 'f' },
        { "encoding", required_argument, NULL, 'e' },
        { "input-encoding", required_argument, NULL, 'I' },
        { "dry-run", no_argument, NULL, 'D' },
        { NULL, 0, NULL, 0 },
    };
    assessment_opts_t o = { 0 };
    o.side_given = -1;
    const char *connection = NULL, *from = NULL, *item = NULL, *side = NULL, *status = NULL,
               *due = NULL, *base = NULL, *evaluation = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":hqo:", opts, NULL)) != -1) {
        switch (c) {
        case 'h': return cli_help(help_ja, help_en);
        case 'C': connection = optarg; break;
        case 'R': o.round = optarg; break;
        case 'c': o.catalog = optarg; break;
        case 'd': due = optarg; break;
        case 'F': from = optarg; break;
        case 'P': o.no_profile = true; break;
        case 'q': o.quiet = true; break;
        case 'n': item = optarg; break;
        case 's': side = optarg; break;
        case 'S': status = optarg; break;
        case 'u': o.current = optarg; break;
        case 'g': o.gap = optarg; break;
        case 'p': o.plan = optarg; break;
        case 'N': o.note = optarg; break;
        case 'B': base = optarg; break;
        case 'm': o.comment = optarg; break;
        case 'E': evaluation = optarg; break;
        case 'o': o.output = optarg; break;
        case 'f': o.format = optarg; break;
        case 'e': o.encoding = optarg; break;
        case 'I': o.input_encoding = optarg; break;
        case 'D': o.dry_run = true; break;
        default: return cli_bad_option("assessment", argv);
        }
    }
    int nargs = argc - optind;
    char **args = argv + optind;
    if (nargs < 1)
        return cli_usage("assessment", "サブコマンドを指定してください",
                         "name a subcommand");
    const char *sub = args[0];
    nargs--;
    args++;

    /* Values shared by several subcommands, checked before the database is
     * touched. */
    if (side) {
        side_t sd;
        if (cli_side_parse(side, &sd) < 0)
            return cli_usage("assessment", "--side は partner (API接続先) か bank (銀行) です",
                             "--side takes partner (API接続先) or bank (銀行)");
        o.side = sd;
        o.side_given = (int)sd;
    }
    if (status) {
        if (status_parse(status, &o.status) < 0)
            return cli_usage("assessment",
                             "--status は 対応済、一部対応、未対応、該当なし のいずれかです (空文字で未選択)",
                             "--status takes done, partial, todo or na (対応済 …), or \"\" for none");
        o.has_status = true;
    }
    if (due) {
        o.has_due = true;
        if (*due && cli_parse_date(due, o.due) < 0)
            return cli_usage("assessment", "日付が読めません: %s", "not a date: %s", due);
    }
    if (connection && cli_parse_id(connection, &o.connection) < 0)
        return cli_usage("assessment", "--connection は接続の ID です",
                         "--connection takes a connection id");
    if (from && cli_parse_id(from, &o.from) < 0)
        return cli_usage("assessment", "--from は前回のチェックの ID です",
                         "--from takes the id of an earlier assessment");
    int only = 0;
    if (item && cli_parse_item_no(item, &only) < 0)
        return cli_usage("assessment", "--item は通番です", "--item takes an item number");

    int rc;
    int64_t id = 0, id2 = 0;
    int no = 0;
    wf_action_t step = 0;
    evaluation_t eval = EVAL_UNRATED;
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++)
        if (strcmp(sub, steps[k].name) == 0)
            step = steps[k].act;

    if (strcmp(sub, "open") == 0) {
        if ((rc = need(nargs, 0, 0)) >= 0)
            return rc;
        if (!connection || !o.round)
            return cli_usage("assessment", "--connection と --round を指定してください",
                             "give --connection and --round");
    } else if (strcmp(sub, "list") == 0) {
        if ((rc = need(nargs, 0, 0)) >= 0)
            return rc;
    } else if (strcmp(sub, "show") == 0) {
        if ((rc = need(nargs, 1, 1)) >= 0 || (rc = parse_id_arg(args[0], &id)) >= 0)
            return rc;
    } else if (strcmp(sub, "answer") == 0) {
        if ((rc = need(nargs, 2, 2)) >= 0 || (rc = parse_id_arg(args[0], &id)) >= 0 ||
            (rc = parse_no_arg(args[1], &no)) >= 0)
            return rc;
        if (!side)
            return cli_usage("assessment", "--side で回答する側を指定してください",
                             "name the side answered with --side");
        if (!base)
            return cli_usage("assessment",
                             "--base-version で元にした版を指定してください (未回答なら 0)",
                             "give the version the answer is based on with --base-version "
                             "(0 for a first answer)");
        char *end;
        long long v = strtoll(base, &end, 10);
        if (*end || end == base || v < 0)
            return cli_usage("assessment", "--base-version は 0 以上の整数です",
                             "--base-version takes a whole number (0 or more)");
        o.base_version = v;
        if (!o.has_status && !o.current && !o.gap && !o.plan && !o.has_due && !o.note)
            return cli_usage("assessment", "保存する欄を指定してください (--status、--current など)",
                             "give a field to save (--status, --current, …)");
    } else if (step) {
        if ((rc = need(nargs, 1, 1)) >= 0 || (rc = parse_id_arg(args[0], &id)) >= 0)
            return rc;
    } else if (strcmp(sub, "review") == 0) {
        if ((rc = need(nargs, 2, 2)) >= 0 || (rc = parse_id_arg(args[0], &id)) >= 0 ||
            (rc = parse_no_arg(args[1], &no)) >= 0)
            return rc;
        if (!evaluation || evaluation_parse(evaluation, &eval) < 0)
            return cli_usage("assessment",
                             "--evaluation は ok (適)、improve (要改善)、ng (不適)、unrated (未評価) のいずれかです",
                             "--evaluation takes ok (適), improve (要改善), ng (不適) or unrated (未評価)");
    } else if (strcmp(sub, "comment") == 0) {
        if ((rc = need(nargs, 2, 3)) >= 0 || (rc = parse_id_arg(args[0], &id)) >= 0)
            return rc;
        if (nargs == 3 && (rc = parse_no_arg(args[1], &no)) >= 0)
            return rc;
    } else if (strcmp(sub, "push-profile") == 0) {
        if ((rc = need(nargs, 1, 2)) >= 0 || (rc = parse_id_arg(args[0], &id)) >= 0)
            return rc;
        if (nargs == 2 && (rc = parse_no_arg(args[1], &no)) >= 0)
            return rc;
    } else if (strcmp(sub, "diff") == 0) {
        if ((rc = need(nargs, 2, 2)) >= 0 || (rc = parse_id_arg(args[0], &id)) >= 0 ||
            (rc = parse_id_arg(args[1], &id2)) >= 0)
            return rc;
    } else if (strcmp(sub, "export") == 0) {
        if ((rc = need(nargs, 1, 2)) >= 0 || (rc = parse_id_arg(args[0], &id)) >= 0)
            return rc;
        if (nargs == 2 && !o.output)
            o.output = args[1];
        else if (nargs == 2)
            return cli_usage("assessment", "引数が多すぎます", "too many arguments");
        if ((rc = cli_assessment_export_check(&o)) >= 0)
            return rc;
    } else if (strcmp(sub, "import") == 0) {
        if ((rc = need(nargs, 2, 2)) >= 0 || (rc = parse_id_arg(args[0], &id)) >= 0)
            return rc;
        o.input = args[1];
        if ((rc = cli_assessment_import_check(&o)) >= 0)
            return rc;
    } else {
        return cli_usage("assessment", "不明なサブコマンドです: %s", "unknown subcommand: %s",
                         sub);
    }

    store_t *st;
    actor_t a;
    if ((rc = cli_store_session("assessment", &st, &a)) >= 0)
        return rc;
    if (strcmp(sub, "open") == 0)
        rc = a_open(st, &a, &o);
    else if (strcmp(sub, "list") == 0)
        rc = a_list(st, &a);
    else if (strcmp(sub, "show") == 0)
        rc = a_show(st, &a, id, only);
    else if (strcmp(sub, "answer") == 0)
        rc = a_answer(st, &a, id, no, &o);
    else if (step)
        rc = a_step(st, &a, id, step, o.comment);
    else if (strcmp(sub, "review") == 0)
        rc = a_review(st, &a, id, no, eval, o.comment);
    else if (strcmp(sub, "comment") == 0)
        rc = a_comment(st, &a, id, no, args[nargs - 1]);
    else if (strcmp(sub, "push-profile") == 0)
        rc = a_push_profile(st, &a, id, no);
    else if (strcmp(sub, "diff") == 0)
        rc = cli_assessment_diff(st, &a, id, id2);
    else if (strcmp(sub, "export") == 0)
        rc = cli_assessment_export(st, &a, id, &o);
    else
        rc = cli_assessment_import(st, &a, id, &o);
    store_close(st);
    return rc;
}
