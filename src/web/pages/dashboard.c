/*
 * The dashboard page family (see pages.h): the start page per role and the
 * remediation plans.  A bank sees every partner's assessments with state,
 * due date, progress per 区分 and counts of 未対応 answers and overdue plans;
 * a partner sees each bank's requests and what is due next; an operator a
 * summary of the installation.  The counts come from store_dashboard:
 * totals in a fixed number of grouped queries whatever the number of
 * partners, and rows (with their counts) only for the page shown (?page=N,
 * ?state=…), so a bank with a thousand partners costs about what a page
 * costs.  The charts are server-side SVG (chart.h).
 */
#include "web/pages/pages.h"

#include "util/xmem.h"
#include "web/ctx.h"
#include "web/pages/asm_pages.h"
#include "web/pages/chart.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DASH_PAGE_ROWS 100

static void today_iso(char out[16])
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
}

static const char *const status_cls[5] = { "s-unset", "s-done", "s-partial", "s-todo", "s-na" };

/* The side whose progress a row shows: the partner's answers for a bank and
 * an operator (that is what the bank waits for), the actor's own for a
 * partner. */
static void status_segments(const web_ctx_t *c, const int counts[5], chart_seg_t segs[5])
{
    static const status_t order[5] = { STATUS_DONE, STATUS_PARTIAL, STATUS_TODO, STATUS_NA,
                                       STATUS_UNSET };
    for (int i = 0; i < 5; i++) {
        segs[i].value = counts[order[i]];
        segs[i].cls = status_cls[order[i]];
        segs[i].label = asm_status_label(c, order[i]);
    }
}

static void legend(const web_ctx_t *c, html_t *h)
{
    static const status_t order[5] = { STATUS_DONE, STATUS_PARTIAL, STATUS_TODO, STATUS_NA,
                                       STATUS_UNSET };
    html_open(h, "ul", "class", "legend", NULL);
    for (int i = 0; i < 5; i++) {
        html_open(h, "li", NULL);
        html_open(h, "svg", "xmlns", "http://www.w3.org/2000/svg", "viewbox", "0 0 10 10",
                  "width", "10", "height", "10", "aria-hidden", "true", NULL);
        html_open(h, "rect", "x", "0", "y", "0", "width", "10", "height", "10", "class",
                  status_cls[order[i]], NULL);
        html_close(h, "rect");
        html_close(h, "svg");
        html_txt(h, " ");
        html_txt(h, asm_status_label(c, order[i]));
        html_close(h, "li");
    }
    html_close(h, "ul");
}

static void stat(html_t *h, const char *label, int value, const char *cls)
{
    char b[24];
    snprintf(b, sizeof b, "%d", value);
    html_open(h, "div", "class", cls ? cls : "stat", NULL);
    html_open(h, "span", "class", "stat-value", NULL);
    html_txt(h, b);
    html_close(h, "span");
    html_open(h, "span", "class", "stat-label", NULL);
    html_txt(h, label);
    html_close(h, "span");
    html_close(h, "div");
}

static void row(web_ctx_t *c, html_t *h, const assessment_summary_t *s, int side,
                const char *today)
{
    const assessment_t *x = &s->a;
    char url[48];
    snprintf(url, sizeof url, "/assessments/%" PRId64, x->id);
    bool overdue = x->due && strcmp(x->due, today) < 0 && x->state != WF_ACCEPTED;
    html_open(h, "tr", "class", overdue ? "overdue" : "", "data-state", wf_state_code(x->state),
              NULL);
    if (c->actor.org_kind != ORG_PARTNER || c->actor.operator_)
        html_el(h, "td", x->partner_name);
    if (c->actor.org_kind != ORG_BANK || c->actor.operator_)
        html_el(h, "td", x->bank_name);
    html_open(h, "td", NULL);
    html_link(h, url, x->round);
    html_txt(h, " ");
    html_open(h, "span", "class", "muted", NULL);
    html_txt(h, asm_scope_label(c, x->scope));
    html_close(h, "span");
    html_close(h, "td");
    html_open(h, "td", NULL);
    html_open(h, "span", "class", "state", "data-state", wf_state_code(x->state), NULL);
    html_txt(h, asm_state_label(c, x->state));
    html_close(h, "span");
    html_close(h, "td");
    html_open(h, "td", NULL);
    html_txt(h, x->due ? x->due : "—");
    if (overdue) {
        html_txt(h, " ");
        html_open(h, "span", "class", "badge bad", NULL);
        html_txt(h, web_tr(c, "期限超過", "overdue"));
        html_close(h, "span");
    }
    html_close(h, "td");
    /* Progress of the side shown, as a stacked bar, then per 区分. */
    html_open(h, "td", "class", "progress", NULL);
    chart_seg_t segs[5];
    status_segments(c, s->status[side], segs);
    chart_stacked_bar(h, segs, 5, 160, 12, asm_side_label(c, (side_t)side));
    int answered = s->slots[side] - s->status[side][STATUS_UNSET];
    html_open(h, "span", "class", "count", NULL);
    html_txtf(h, " %d/%d", answered, s->slots[side]);
    html_close(h, "span");
    html_close(h, "td");
    html_open(h, "td", "class", "cats", NULL);
    if (s->ncats) {
        chart_bar_t bars[64];
        size_t nb = s->ncats < 64 ? s->ncats : 64;
        for (size_t i = 0; i < nb; i++) {
            bars[i].label = s->cats[i].category;
            bars[i].part = s->cats[i].answered[side];
            bars[i].whole = s->cats[i].slots[side];
        }
        chart_strip(h, bars, nb, web_tr(c, "区分ごとの進捗", "Progress per category"));
    }
    html_close(h, "td");
    char b[24];
    snprintf(b, sizeof b, "%d", s->status[side][STATUS_TODO]);
    html_el(h, "td", b);
    html_open(h, "td", NULL);
    snprintf(b, sizeof b, "%d", s->plans_open);
    html_txt(h, b);
    if (s->plans_overdue) {
        html_txt(h, " ");
        html_open(h, "span", "class", "badge bad", NULL);
        html_txtf(h, web_tr(c, "超過 %d", "%d overdue"), s->plans_overdue);
        html_close(h, "span");
    }
    html_close(h, "td");
    html_close(h, "tr");
}

/* Operators: one line per bank (assessments, accepted, overdue). */
static void bank_summary(web_ctx_t *c, html_t *h, const dashboard_t *d)
{
    html_el(h, "h2", web_tr(c, "銀行ごと", "Per bank"));
    html_open(h, "table", "class", "banks", NULL);
    html_open(h, "thead", NULL);
    html_open(h, "tr", NULL);
    html_el(h, "th", web_tr(c, "銀行", "Bank"));
    html_el(h, "th", web_tr(c, "チェックリスト", "Checklists"));
    html_el(h, "th", web_tr(c, "承認済", "Accepted"));
    html_el(h, "th", web_tr(c, "期限超過", "Overdue"));
    html_el(h, "th", web_tr(c, "未対応の回答", "Answers not yet implemented"));
    html_close(h, "tr");
    html_close(h, "thead");
    html_open(h, "tbody", NULL);
    for (size_t k = 0; k < d->nbanks; k++) {
        const dashboard_bank_t *b = &d->banks[k];
        char t[24], a[24], o[24], td[24];
        snprintf(t, sizeof t, "%d", b->total);
        snprintf(a, sizeof a, "%d", b->accepted);
        snprintf(o, sizeof o, "%d", b->overdue);
        snprintf(td, sizeof td, "%d", b->partners_todo);
        html_open(h, "tr", NULL);
        html_el(h, "td", b->name);
        html_el(h, "td", t);
        html_el(h, "td", a);
        html_el(h, "td", o);
        html_el(h, "td", td);
        html_close(h, "tr");
    }
    html_close(h, "tbody");
    html_close(h, "table");
}

static void stats(web_ctx_t *c, html_t *h, const dashboard_t *d, int side)
{
    html_open(h, "section", "class", "stats", NULL);
    stat(h, web_tr(c, "チェックリスト", "Checklists"), d->total, NULL);
    for (int s = WF_DRAFT; s <= WF_ACCEPTED; s++)
        stat(h, asm_state_label(c, (wf_state_t)s), d->by_state[s], NULL);
    stat(h, web_tr(c, "期限超過", "Overdue"), d->overdue, d->overdue ? "stat bad" : NULL);
    stat(h, web_tr(c, "未対応の回答", "Answers not yet implemented"),
         d->status[side][STATUS_TODO], NULL);
    stat(h, web_tr(c, "未完了の対応計画", "Open plans"), d->plans_open, NULL);
    stat(h, web_tr(c, "期限超過の対応計画", "Overdue plans"), d->plans_overdue,
         d->plans_overdue ? "stat bad" : NULL);
    html_close(h, "section");
}

/* What is due: the checklists the partner holds the pen on, by due date. */
static void due_list(web_ctx_t *c, html_t *h, const dashboard_t *d, const char *today)
{
    html_el(h, "h2", web_tr(c, "回答が必要なもの", "Waiting for your answers"));
    html_open(h, "ul", "class", "due-list", NULL);
    for (size_t i = 0; i < d->npending; i++) {
        const assessment_t *x = &d->pending[i].a;
        char url[48];
        snprintf(url, sizeof url, "/assessments/%" PRId64, x->id);
        bool late = x->due && strcmp(x->due, today) < 0;
        html_open(h, "li", "class", late ? "overdue" : "", NULL);
        html_link(h, url, x->bank_name);
        html_txt(h, " ");
        html_txt(h, x->round);
        html_txt(h, " — ");
        html_txt(h, asm_state_label(c, x->state));
        html_txt(h, web_tr(c, "、期限 ", ", due "));
        html_txt(h, x->due ? x->due : "—");
        html_txtf(h, web_tr(c, "、未回答 %d", ", %d unanswered"),
                  d->pending[i].status[SIDE_PARTNER][STATUS_UNSET]);
        html_close(h, "li");
    }
    if (d->npending == 0)
        html_el(h, "li", web_tr(c, "今はありません", "Nothing right now"));
    html_close(h, "ul");
}

/* The answers over every checklist: one bar by status, one per 区分. */
static void answers_overview(web_ctx_t *c, html_t *h, const dashboard_t *d, int side)
{
    html_el(h, "h2", web_tr(c, "回答の状況", "Answers"));
    chart_seg_t segs[5];
    status_segments(c, d->status[side], segs);
    chart_stacked_bar(h, segs, 5, 600, 20,
                      web_tr(c, "API接続先の回答 (全体)", "Partner answers (all checklists)"));
    legend(c, h);
    if (!d->ncats)
        return;
    html_el(h, "h2", web_tr(c, "区分ごとの進捗", "Progress per category"));
    chart_bar_t *bars = xcalloc(d->ncats, sizeof *bars);
    for (size_t i = 0; i < d->ncats; i++) {
        bars[i].label = d->cats[i].category;
        bars[i].part = d->cats[i].answered[side];
        bars[i].whole = d->cats[i].slots[side];
    }
    chart_progress_bars(h, bars, d->ncats,
                        web_tr(c, "区分ごとの回答済み / 回答対象", "Answered / applicable per category"));
    free(bars);
}

/* ?state= narrows the table (a form that works without JavaScript). */
static void state_filter(web_ctx_t *c, html_t *h, wf_state_t only)
{
    html_open(h, "form", "method", "get", "action", "/", "class", "filters", NULL);
    html_open(h, "label", "for", "d-state", NULL);
    html_txt(h, web_tr(c, "状態", "State"));
    html_close(h, "label");
    html_open(h, "select", "name", "state", "id", "d-state", "data-autosubmit", NULL, NULL);
    if (only)
        html_open(h, "option", "value", "", NULL);
    else
        html_open(h, "option", "value", "", "selected", NULL, NULL);
    html_txt(h, web_tr(c, "すべて", "All"));
    html_close(h, "option");
    for (int st = WF_DRAFT; st <= WF_ACCEPTED; st++) {
        if (only == (wf_state_t)st)
            html_open(h, "option", "value", wf_state_code((wf_state_t)st), "selected", NULL, NULL);
        else
            html_open(h, "option", "value", wf_state_code((wf_state_t)st), NULL);
        html_txt(h, asm_state_label(c, (wf_state_t)st));
        html_close(h, "option");
    }
    html_close(h, "select");
    html_open(h, "button", "type", "submit", "class", "secondary", NULL);
    html_txt(h, web_tr(c, "絞り込む", "Filter"));
    html_close(h, "button");
    html_close(h, "form");
}

static void table(web_ctx_t *c, html_t *h, const dashboard_t *d, int side, const char *today)
{
    html_open(h, "table", "class", "dashboard", NULL);
    html_open(h, "thead", NULL);
    html_open(h, "tr", NULL);
    if (c->actor.org_kind != ORG_PARTNER || c->actor.operator_)
        html_el(h, "th", web_tr(c, "API接続先", "Partner"));
    if (c->actor.org_kind != ORG_BANK || c->actor.operator_)
        html_el(h, "th", web_tr(c, "銀行", "Bank"));
    html_el(h, "th", web_tr(c, "回", "Round"));
    html_el(h, "th", web_tr(c, "状態", "State"));
    html_el(h, "th", web_tr(c, "期限", "Due"));
    html_el(h, "th", web_tr(c, "進捗 (API接続先)", "Progress (partner)"));
    html_el(h, "th", web_tr(c, "区分ごと", "Per category"));
    html_el(h, "th", web_tr(c, "未対応", "Not yet"));
    html_el(h, "th", web_tr(c, "対応計画", "Plans"));
    html_close(h, "tr");
    html_close(h, "thead");
    html_open(h, "tbody", NULL);
    for (size_t i = 0; i < d->nrows; i++)
        row(c, h, &d->rows[i], side, today);
    html_close(h, "tbody");
    html_close(h, "table");
}

static void pager(web_ctx_t *c, html_t *h, const dashboard_t *d, wf_state_t only, long page,
                  size_t first)
{
    if (d->matching <= DASH_PAGE_ROWS)
        return;
    size_t last = first + d->nrows;
    html_open(h, "nav", "class", "pager", NULL);
    html_txtf(h, web_tr(c, "%zu–%zu 件目 / %zu 件 ", "%zu–%zu of %zu "), first + 1, last,
              d->matching);
    char u[96];
    const char *sq = only ? wf_state_code(only) : "";
    if (page > 1) {
        snprintf(u, sizeof u, "/?state=%s&page=%ld", sq, page - 1);
        html_link(h, u, web_tr(c, "前へ", "Previous"));
        html_txt(h, " ");
    }
    if (last < d->matching) {
        snprintf(u, sizeof u, "/?state=%s&page=%ld", sq, page + 1);
        html_link(h, u, web_tr(c, "次へ", "Next"));
    }
    html_close(h, "nav");
}

static int page_dashboard(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                          void *ctxp)
{
    (void)p;
    web_ctx_t *c = ctxp;
    char today[16];
    today_iso(today);
    bool partner = !c->actor.operator_ && c->actor.org_kind == ORG_PARTNER;
    /* Both views follow the partner's answers: what the bank waits for,
     * what the partner has to do. */
    const int side = SIDE_PARTNER;
    long page = 1;
    const char *pg = http_param(req, "page");
    if (pg && *pg) {
        page = strtol(pg, NULL, 10);
        if (page < 1 || page > 1000000)
            page = 1;
    }
    wf_state_t only = 0;
    const char *sp = http_param(req, "state");
    if (sp && *sp && wf_state_parse(sp, &only) != 0)
        only = 0;
    dashboard_opt_t o = { .today = today, .only = only,
                          .offset = (size_t)(page - 1) * DASH_PAGE_ROWS,
                          .limit = DASH_PAGE_ROWS, .pending = partner,
                          .per_bank = c->actor.operator_ };
    /* One snapshot for the cache key and the page; the same dashboard for
     * the same data, viewer and day may come from the page cache (the
     * store filters by tenant, and the key holds the user). */
    int rc = store_read_begin(c->st);
    if (rc)
        return web_status(rc);
    char *cache_key = NULL;
    if (web_cache_get(c, &cache_key)) {
        store_read_end(c->st);
        return 0;
    }
    dashboard_t d;
    rc = store_dashboard(c->st, &c->actor, &o, &d);
    if (!rc && d.nrows == 0 && page > 1 && d.matching > 0) {
        /* A page past the end shows the first one. */
        dashboard_free(&d);
        page = 1;
        o.offset = 0;
        rc = store_dashboard(c->st, &c->actor, &o, &d);
    }
    store_read_end(c->st);
    if (rc) {
        web_cache_put(c, cache_key, -1);
        return web_status(rc);
    }

    html_t h;
    html_init(&h, &resp->body);
    web_page_begin(c, &h, web_tr(c, "ダッシュボード", "Dashboard"));
    stats(c, &h, &d, side);
    if (d.total == 0) {
        html_el(&h, "p", web_tr(c, "表示できるチェックリストはまだありません。",
                                "There are no checklists to show yet."));
    } else {
        if (partner)
            due_list(c, &h, &d, today);
        answers_overview(c, &h, &d, side);
        if (c->actor.operator_)
            bank_summary(c, &h, &d);
        html_el(&h, "h2", partner ? web_tr(c, "銀行からの依頼", "Requests from banks")
                                  : web_tr(c, "API接続先のチェックリスト", "Partners' checklists"));
        state_filter(c, &h, only);
        table(c, &h, &d, side, today);
        pager(c, &h, &d, only, page, o.offset);
        legend(c, &h);
    }
    web_page_end(c, &h);
    dashboard_free(&d);
    int status = html_failed(&h) ? 500 : 0;
    web_cache_put(c, cache_key, status);
    return status;
}

/* ---- GET /plans -------------------------------------------------------- */

static int page_plans(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                      void *ctxp)
{
    (void)p;
    web_ctx_t *c = ctxp;
    char today[16];
    today_iso(today);
    const char *ov = http_param(req, "overdue");
    bool only_overdue = ov && strcmp(ov, "1") == 0;
    plan_t *v = NULL;
    size_t n = 0;
    int rc = store_plans(c->st, &c->actor, only_overdue ? today : NULL, &v, &n);
    if (rc)
        return web_status(rc);
    html_t h;
    html_init(&h, &resp->body);
    web_page_begin(c, &h, web_tr(c, "対応計画", "Remediation plans"));
    size_t late = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].due && strcmp(v[i].due, today) < 0)
            late++;
    html_open(&h, "p", NULL);
    html_txtf(&h, web_tr(c, "未完了 %zu 件、うち期限超過 %zu 件。", "%zu open, %zu of them overdue. "), n,
              late);
    html_txt(&h, " ");
    if (only_overdue)
        html_link(&h, "/plans", web_tr(c, "すべて表示", "Show all"));
    else
        html_link(&h, "/plans?overdue=1", web_tr(c, "期限超過だけ表示", "Show overdue only"));
    html_close(&h, "p");
    if (n) {
        html_open(&h, "table", "class", "plans", NULL);
        html_open(&h, "thead", NULL);
        html_open(&h, "tr", NULL);
        html_el(&h, "th", web_tr(c, "期限", "Due"));
        html_el(&h, "th", web_tr(c, "銀行", "Bank"));
        html_el(&h, "th", web_tr(c, "API接続先", "Partner"));
        html_el(&h, "th", web_tr(c, "回", "Round"));
        html_el(&h, "th", web_tr(c, "通番", "Item"));
        html_el(&h, "th", web_tr(c, "回答者", "Side"));
        html_el(&h, "th", web_tr(c, "計画", "Plan"));
        html_el(&h, "th", web_tr(c, "担当", "Owner"));
        html_close(&h, "tr");
        html_close(&h, "thead");
        html_open(&h, "tbody", NULL);
        for (size_t i = 0; i < n; i++) {
            bool is_late = v[i].due && strcmp(v[i].due, today) < 0;
            html_open(&h, "tr", "class", is_late ? "overdue" : "", NULL);
            html_open(&h, "td", NULL);
            html_txt(&h, v[i].due ? v[i].due : "—");
            if (is_late) {
                html_txt(&h, " ");
                html_open(&h, "span", "class", "badge bad", NULL);
                html_txt(&h, web_tr(c, "期限超過", "overdue"));
                html_close(&h, "span");
            }
            html_close(&h, "td");
            html_el(&h, "td", v[i].bank_name);
            html_el(&h, "td", v[i].partner_name);
            html_el(&h, "td", v[i].round);
            char *u = xasprintf("/assessments/%" PRId64 "#item-%d", v[i].assessment_id, v[i].no);
            char nb[24];
            snprintf(nb, sizeof nb, "%d", v[i].no);
            html_open(&h, "td", NULL);
            html_link(&h, u, nb);
            html_close(&h, "td");
            free(u);
            html_el(&h, "td", asm_side_label(c, v[i].side));
            html_el(&h, "td", v[i].body);
            html_el(&h, "td", v[i].owner ? v[i].owner : "");
            html_close(&h, "tr");
        }
        html_close(&h, "tbody");
        html_close(&h, "table");
    }
    web_page_end(c, &h);
    plan_list_free(v, n);
    return html_failed(&h) ? 500 : 0;
}

const route_t web_dashboard_routes[] = {
    { HTTP_GET, "/", page_dashboard, ROUTE_SNAPSHOT, 0 },
    { HTTP_GET, "/plans", page_plans, 0, 0 },
};
const size_t web_dashboard_nroutes = sizeof web_dashboard_routes / sizeof web_dashboard_routes[0];
