/*
 * The assessment page family (see pages.h and asm_pages.h): the list of
 * assessments, the checklist page with its filters, in-place answer forms
 * for the side the actor may edit, the review form, comment threads and
 * the workflow buttons, and the family's route table.  Every permission
 * question is asked of core/workflow.h (workflow_check) or answered by the
 * store; this file only decides what to show.
 */
#include "web/pages/asm_pages.h"
#include "web/pages/pages.h"

#include "core/reference.h"
#include "util/xmem.h"
#include "web/pages/chart.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- labels and small shared helpers ------------------------------------ */

const char *asm_status_label(const web_ctx_t *c, status_t s)
{
    switch (s) {
    case STATUS_DONE: return web_tr(c, "対応済", "Implemented");
    case STATUS_PARTIAL: return web_tr(c, "一部対応", "Partly");
    case STATUS_TODO: return web_tr(c, "未対応", "Not yet");
    case STATUS_NA: return web_tr(c, "該当なし", "Not applicable");
    default: return web_tr(c, "未回答", "Unanswered");
    }
}

const char *asm_eval_label(const web_ctx_t *c, evaluation_t e)
{
    switch (e) {
    case EVAL_OK: return web_tr(c, "適", "Adequate");
    case EVAL_IMPROVE: return web_tr(c, "要改善", "Needs improvement");
    case EVAL_NG: return web_tr(c, "不適", "Inadequate");
    default: return web_tr(c, "未評価", "Unrated");
    }
}

const char *asm_state_label(const web_ctx_t *c, wf_state_t s)
{
    switch (s) {
    case WF_DRAFT: return web_tr(c, "下書き", "Draft");
    case WF_SUBMITTED: return web_tr(c, "提出済", "Submitted");
    case WF_IN_REVIEW: return web_tr(c, "審査中", "In review");
    case WF_RETURNED: return web_tr(c, "差戻し", "Returned");
    case WF_ACCEPTED: return web_tr(c, "承認済", "Accepted");
    }
    return "";
}

const char *asm_target_label(const web_ctx_t *c, target_t t)
{
    switch (t) {
    case TARGET_PARTNER: return web_tr(c, "API接続先", "Partner");
    case TARGET_BANK: return web_tr(c, "銀行", "Bank");
    case TARGET_BOTH: return web_tr(c, "共通", "Both");
    }
    return "";
}

const char *asm_side_label(const web_ctx_t *c, side_t s)
{
    return s == SIDE_BANK ? web_tr(c, "銀行", "Bank") : web_tr(c, "API接続先", "Partner");
}

const char *asm_scope_label(const web_ctx_t *c, const char *scope)
{
    if (scope && strcmp(scope, "read") == 0)
        return web_tr(c, "参照系", "read-only APIs");
    if (scope && strcmp(scope, "write") == 0)
        return web_tr(c, "更新系", "update APIs");
    return scope ? scope : "";
}

const char *asm_i64(char buf[24], int64_t v)
{
    snprintf(buf, 24, "%" PRId64, v);
    return buf;
}

char *asm_url(int64_t id, const char *suffix)
{
    return xasprintf("/assessments/%" PRId64 "%s", id, suffix ? suffix : "");
}

int asm_redirect_item(http_resp_t *resp, int64_t id, int no)
{
    char url[96];
    if (no > 0)
        snprintf(url, sizeof url, "/assessments/%" PRId64 "#item-%d", id, no);
    else
        snprintf(url, sizeof url, "/assessments/%" PRId64, id);
    return http_resp_redirect(resp, url) == 0 ? 0 : 500;
}

int asm_message_page(web_ctx_t *c, int status, int64_t id, const char *title,
                     const char *message)
{
    http_resp_reset(c->resp);
    c->resp->status = status;
    html_t h;
    html_init(&h, &c->resp->body);
    web_page_begin(c, &h, title);
    web_notice(&h, status >= 400, message);
    if (id > 0) {
        char *back = asm_url(id, NULL);
        html_open(&h, "p", NULL);
        html_link(&h, back, web_tr(c, "チェックリストに戻る", "Back to the checklist"));
        html_close(&h, "p");
        free(back);
    }
    web_page_end(c, &h);
    return html_failed(&h) ? 500 : 0;
}

/* <dt>label</dt><dd>value</dd> */
static void dl_row(html_t *h, const char *label, const char *value)
{
    html_el(h, "dt", label);
    html_el(h, "dd", value ? value : "");
}

void asm_header(web_ctx_t *c, html_t *h, const assessment_t *x)
{
    html_open(h, "dl", "class", "meta", NULL);
    dl_row(h, web_tr(c, "銀行", "Bank"), x->bank_name);
    dl_row(h, web_tr(c, "API接続先", "Partner"), x->partner_name);
    dl_row(h, web_tr(c, "API の種類", "API scope"), asm_scope_label(c, x->scope));
    dl_row(h, web_tr(c, "回", "Round"), x->round);
    dl_row(h, web_tr(c, "期限", "Due"), x->due ? x->due : "—");
    html_el(h, "dt", web_tr(c, "状態", "State"));
    html_open(h, "dd", NULL);
    html_open(h, "span", "class", "state", "data-state", wf_state_code(x->state), NULL);
    html_txt(h, asm_state_label(c, x->state));
    html_close(h, "span");
    html_close(h, "dd");
    dl_row(h, web_tr(c, "チェックリスト", "Checklist"), x->catalog_id);
    html_close(h, "dl");
}

void asm_answer_view(web_ctx_t *c, html_t *h, const answer_t *a)
{
    html_open(h, "dl", "class", "answer", NULL);
    html_el(h, "dt", web_tr(c, "対応状況", "Status"));
    html_open(h, "dd", NULL);
    html_open(h, "span", "class", "status", "data-status",
              a && a->status ? status_code(a->status) : "unset", NULL);
    html_txt(h, asm_status_label(c, a ? a->status : STATUS_UNSET));
    html_close(h, "span");
    html_close(h, "dd");
    if (a && a->current)
        dl_row(h, web_tr(c, "現在の対応状況", "Current state"), a->current);
    if (a && a->gap)
        dl_row(h, web_tr(c, "課題認識", "Gaps"), a->gap);
    if (a && a->plan)
        dl_row(h, web_tr(c, "課題への対応計画", "Plan"), a->plan);
    if (a && a->due)
        dl_row(h, web_tr(c, "対応期限", "Plan due"), a->due);
    if (a && a->note)
        dl_row(h, web_tr(c, "備考", "Notes"), a->note);
    html_close(h, "dl");
}

static void option(html_t *h, const char *value, const char *label, bool selected)
{
    if (selected)
        html_open(h, "option", "value", value, "selected", NULL, NULL);
    else
        html_open(h, "option", "value", value, NULL);
    html_txt(h, label);
    html_close(h, "option");
}

static void textarea(html_t *h, const char *name, const char *label, const char *value,
                     const char *id)
{
    html_open(h, "label", "for", id, NULL);
    html_txt(h, label);
    html_close(h, "label");
    html_open(h, "textarea", "name", name, "id", id, "rows", "3", NULL);
    html_txt(h, value ? value : "");
    html_close(h, "textarea");
}

void asm_answer_fields(web_ctx_t *c, html_t *h, const answer_t *a)
{
    /* Ids unique on the page: field-no-side. */
    char id[64];
    int no = a ? a->no : 0;
    const char *sd = a ? side_code(a->side) : "x";
    snprintf(id, sizeof id, "status-%d-%s", no, sd);
    html_open(h, "label", "for", id, NULL);
    html_txt(h, web_tr(c, "対応状況", "Status"));
    html_close(h, "label");
    html_open(h, "select", "name", "status", "id", id, NULL);
    status_t cur = a ? a->status : STATUS_UNSET;
    option(h, "", web_tr(c, "(未回答)", "(unanswered)"), cur == STATUS_UNSET);
    for (int s = STATUS_DONE; s <= STATUS_NA; s++)
        option(h, status_code((status_t)s), asm_status_label(c, (status_t)s), cur == (status_t)s);
    html_close(h, "select");
    snprintf(id, sizeof id, "current-%d-%s", no, sd);
    textarea(h, "current", web_tr(c, "現在の対応状況", "Current state"), a ? a->current : NULL, id);
    snprintf(id, sizeof id, "gap-%d-%s", no, sd);
    textarea(h, "gap", web_tr(c, "課題認識", "Gaps"), a ? a->gap : NULL, id);
    snprintf(id, sizeof id, "plan-%d-%s", no, sd);
    textarea(h, "plan", web_tr(c, "課題への対応計画", "Plan"), a ? a->plan : NULL, id);
    snprintf(id, sizeof id, "due-%d-%s", no, sd);
    html_open(h, "label", "for", id, NULL);
    html_txt(h, web_tr(c, "対応期限", "Plan due"));
    html_close(h, "label");
    html_open(h, "input", "type", "date", "name", "due", "id", id, "value",
              a && a->due ? a->due : "", NULL);
    snprintf(id, sizeof id, "note-%d-%s", no, sd);
    textarea(h, "note", web_tr(c, "備考", "Notes"), a ? a->note : NULL, id);
}

/* ---- GET /assessments --------------------------------------------------- */

static int page_list(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                     void *ctxp)
{
    (void)req;
    (void)p;
    web_ctx_t *c = ctxp;
    assessment_t *v = NULL;
    size_t n = 0;
    int rc = store_assessment_list(c->st, &c->actor, &v, &n);
    if (rc)
        return web_status(rc);
    html_t h;
    html_init(&h, &resp->body);
    web_page_begin(c, &h, web_tr(c, "チェックリスト一覧", "Checklists"));
    if (n == 0) {
        html_el(&h, "p", web_tr(c, "表示できるチェックリストはありません。",
                                "There are no checklists to show."));
    } else {
        html_open(&h, "table", "class", "list", NULL);
        html_open(&h, "thead", NULL);
        html_open(&h, "tr", NULL);
        html_el(&h, "th", "ID");
        html_el(&h, "th", web_tr(c, "銀行", "Bank"));
        html_el(&h, "th", web_tr(c, "API接続先", "Partner"));
        html_el(&h, "th", web_tr(c, "API の種類", "Scope"));
        html_el(&h, "th", web_tr(c, "回", "Round"));
        html_el(&h, "th", web_tr(c, "期限", "Due"));
        html_el(&h, "th", web_tr(c, "状態", "State"));
        html_close(&h, "tr");
        html_close(&h, "thead");
        html_open(&h, "tbody", NULL);
        for (size_t i = 0; i < n; i++) {
            char idb[24], *url = asm_url(v[i].id, NULL);
            html_open(&h, "tr", NULL);
            html_open(&h, "td", NULL);
            html_link(&h, url, asm_i64(idb, v[i].id));
            html_close(&h, "td");
            html_el(&h, "td", v[i].bank_name);
            html_el(&h, "td", v[i].partner_name);
            html_el(&h, "td", asm_scope_label(c, v[i].scope));
            html_open(&h, "td", NULL);
            html_link(&h, url, v[i].round);
            html_close(&h, "td");
            html_el(&h, "td", v[i].due ? v[i].due : "—");
            html_open(&h, "td", NULL);
            html_open(&h, "span", "class", "state", "data-state", wf_state_code(v[i].state),
                      NULL);
            html_txt(&h, asm_state_label(c, v[i].state));
            html_close(&h, "span");
            html_close(&h, "td");
            html_close(&h, "tr");
            free(url);
        }
        html_close(&h, "tbody");
        html_close(&h, "table");
    }
    web_page_end(c, &h);
    assessment_list_free(v, n);
    return html_failed(&h) ? 500 : 0;
}

/* ---- GET /assessments/{id} ---------------------------------------------- */

typedef struct filter {
    const char *category; /* NULL: any */
    target_t target;      /* 0: any */
    int status;           /* -1: any, else status_t */
    int evaluation;       /* -1: any, else evaluation_t */
} filter_t;

static void filter_parse(const http_req_t *req, filter_t *f)
{
    memset(f, 0, sizeof *f);
    f->status = -1;
    f->evaluation = -1;
    const char *v = http_param(req, "category");
    f->category = v && *v ? v : NULL;
    v = http_param(req, "target");
    if (v && *v)
        f->target = target_parse(v);
    v = http_param(req, "status");
    status_t s;
    if (v && *v && (strcmp(v, "unset") == 0 ? (s = STATUS_UNSET, 0) : status_parse(v, &s)) == 0)
        f->status = (int)s;
    v = http_param(req, "evaluation");
    evaluation_t e;
    if (v && *v && evaluation_parse(v, &e) == 0)
        f->evaluation = (int)e;
}

static evaluation_t eval_of(const review_t *rv, size_t nrv, int no)
{
    for (size_t i = 0; i < nrv; i++)
        if (rv[i].no == no)
            return rv[i].evaluation;
    return EVAL_UNRATED;
}

static int64_t version_of(const answer_version_t *v, size_t n, int no, side_t side)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].no == no && v[i].side == side)
            return v[i].version;
    return 0;
}

static bool item_matches(const filter_t *f, const item_t *it, const answerset_t *set,
                         evaluation_t ev)
{
    if (f->category && strcmp(f->category, it->category) != 0)
        return false;
    if (f->target && f->target != it->target)
        return false;
    if (f->evaluation >= 0 && (int)ev != f->evaluation)
        return false;
    if (f->status >= 0) {
        bool any = false;
        for (int sd = SIDE_PARTNER; sd <= SIDE_BANK; sd++) {
            if (!side_answers((side_t)sd, it->target))
                continue;
            const answer_t *a = answerset_find(set, it->no, (side_t)sd);
            if ((int)(a ? a->status : STATUS_UNSET) == f->status)
                any = true;
        }
        if (!any)
            return false;
    }
    return true;
}

static void filter_form(web_ctx_t *c, html_t *h, const assessment_t *x, const catalog_t *cat,
                        const filter_t *f)
{
    char *action = asm_url(x->id, NULL);
    html_open(h, "form", "method", "get", "action", action, "class", "filters", NULL);
    free(action);
    html_open(h, "label", "for", "f-category", NULL);
    html_txt(h, web_tr(c, "区分", "Category"));
    html_close(h, "label");
    html_open(h, "select", "name", "category", "id", "f-category", "data-autosubmit", NULL, NULL);
    option(h, "", web_tr(c, "すべて", "All"), !f->category);
    for (size_t i = 0; i < cat->nitems; i++) {
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = strcmp(cat->items[k].category, cat->items[i].category) == 0;
        if (!seen)
            option(h, cat->items[i].category, cat->items[i].category,
                   f->category && strcmp(f->category, cat->items[i].category) == 0);
    }
    html_close(h, "select");

    html_open(h, "label", "for", "f-target", NULL);
    html_txt(h, web_tr(c, "対象者", "Answered by"));
    html_close(h, "label");
    html_open(h, "select", "name", "target", "id", "f-target", "data-autosubmit", NULL, NULL);
    option(h, "", web_tr(c, "すべて", "All"), !f->target);
    for (int t = TARGET_PARTNER; t <= TARGET_BOTH; t++)
        option(h, target_code((target_t)t), asm_target_label(c, (target_t)t),
               f->target == (target_t)t);
    html_close(h, "select");

    html_open(h, "label", "for", "f-status", NULL);
    html_txt(h, web_tr(c, "対応状況", "Status"));
    html_close(h, "label");
    html_open(h, "select", "name", "status", "id", "f-status", "data-autosubmit", NULL, NULL);
    option(h, "", web_tr(c, "すべて", "All"), f->status < 0);
    option(h, "unset", asm_status_label(c, STATUS_UNSET), f->status == STATUS_UNSET);
    for (int s = STATUS_DONE; s <= STATUS_NA; s++)
        option(h, status_code((status_t)s), asm_status_label(c, (status_t)s), f->status == s);
    html_close(h, "select");

    html_open(h, "label", "for", "f-evaluation", NULL);
    html_txt(h, web_tr(c, "評価", "Evaluation"));
    html_close(h, "label");
    html_open(h, "select", "name", "evaluation", "id", "f-evaluation", "data-autosubmit", NULL,
              NULL);
    option(h, "", web_tr(c, "すべて", "All"), f->evaluation < 0);
    for (int e = EVAL_UNRATED; e <= EVAL_NG; e++)
        option(h, evaluation_code((evaluation_t)e), asm_eval_label(c, (evaluation_t)e),
               f->evaluation == e);
    html_close(h, "select");
    html_open(h, "button", "type", "submit", "class", "secondary", NULL);
    html_txt(h, web_tr(c, "絞り込む", "Filter"));
    html_close(h, "button");
    html_close(h, "form");
}

/* The references of an item as the seed's 関連規定 / 関連規定箇所 read:
 * one line per source and report section, FISC clauses joined by "、", a
 * section with its title and its lettered points joined by "、". */
static void refs_view(web_ctx_t *c, html_t *h, const item_t *it)
{
    if (!it->nrefs)
        return;
    html_open(h, "div", "class", "refs", NULL);
    html_el(h, "h4", web_tr(c, "関連規定 / 関連規定箇所", "References"));
    html_open(h, "ul", NULL);
    for (size_t i = 0; i < it->nrefs;) {
        const ref_t *r = &it->refs[i];
        bool section = ref_is_section(r->clause);
        html_open(h, "li", NULL);
        html_open(h, "span", "class", "ref-source", NULL);
        html_txt(h, r->source);
        html_close(h, "span");
        html_txt(h, " ");
        if (!section) {
            /* FISC clauses of this run. */
            size_t k = i;
            for (; k < it->nrefs && strcmp(it->refs[k].source, r->source) == 0 &&
                   !ref_is_section(it->refs[k].clause);
                 k++) {
                if (k > i)
                    html_txt(h, "、");
                html_open(h, "span", "class", "ref-clause", NULL);
                html_txt(h, it->refs[k].clause);
                html_close(h, "span");
            }
            i = k;
        } else {
            const char *title = r->title ? r->title : reference_section_title(r->clause);
            html_open(h, "span", "class", "ref-clause", NULL);
            html_txt(h, r->clause);
            html_close(h, "span");
            if (title) {
                html_txt(h, " ");
                html_open(h, "span", "class", "ref-title", NULL);
                html_txt(h, title);
                html_close(h, "span");
            }
            /* The lettered points of this section. */
            size_t k = i;
            bool first = true;
            for (; k < it->nrefs && strcmp(it->refs[k].source, r->source) == 0 &&
                   strcmp(it->refs[k].clause, r->clause) == 0;
                 k++) {
                if (!it->refs[k].point)
                    continue;
                html_txt(h, first ? " " : "、");
                first = false;
                html_open(h, "span", "class", "ref-point", NULL);
                html_txt(h, it->refs[k].point);
                html_close(h, "span");
            }
            i = k;
        }
        html_close(h, "li");
    }
    html_close(h, "ul");
    html_close(h, "div");
}

static void comments_view(web_ctx_t *c, html_t *h, const comment_t *cm, size_t ncm, int no)
{
    bool any = false;
    for (size_t i = 0; i < ncm; i++) {
        if (cm[i].no != no)
            continue;
        if (!any)
            html_open(h, "ol", "class", "comments", NULL);
        any = true;
        html_open(h, "li", NULL);
        html_open(h, "span", "class", "who", NULL);
        html_txt(h, cm[i].author_login ? cm[i].author_login : "?");
        html_close(h, "span");
        html_txt(h, " ");
        html_open(h, "time", "datetime", cm[i].created_at ? cm[i].created_at : "", NULL);
        html_txt(h, cm[i].created_at ? cm[i].created_at : "");
        html_close(h, "time");
        html_open(h, "p", NULL);
        html_txt(h, cm[i].body);
        html_close(h, "p");
        html_close(h, "li");
    }
    if (any) {
        html_close(h, "ol");
    } else {
        html_open(h, "p", "class", "muted", NULL);
        html_txt(h, web_tr(c, "コメントはありません", "No comments"));
        html_close(h, "p");
    }
}

static void comment_form(web_ctx_t *c, html_t *h, int64_t id, int no)
{
    char *action = no > 0 ? xasprintf("/assessments/%" PRId64 "/items/%d/comments", id, no)
                          : asm_url(id, "/comments");
    char fid[48];
    snprintf(fid, sizeof fid, "comment-%d", no);
    html_open(h, "form", "method", "post", "action", action, "class", "comment-form", NULL);
    free(action);
    html_csrf_field(h, c->csrf);
    html_open(h, "label", "for", fid, NULL);
    html_txt(h, web_tr(c, "コメント", "Comment"));
    html_close(h, "label");
    html_open(h, "textarea", "name", "body", "id", fid, "rows", "2", "required", NULL, NULL);
    html_close(h, "textarea");
    html_open(h, "button", "type", "submit", "class", "secondary", NULL);
    html_txt(h, web_tr(c, "コメントする", "Add comment"));
    html_close(h, "button");
    html_close(h, "form");
}

static void answer_form(web_ctx_t *c, html_t *h, int64_t id, const answer_t *a, int no,
                        side_t side, int64_t version)
{
    char *action = xasprintf("/assessments/%" PRId64 "/items/%d/answers/%s", id, no,
                             side_code(side));
    char ver[24];
    html_open(h, "form", "class", "answer-form", "data-side", side_code(side), "method", "post",
              "action", action, NULL);
    free(action);
    html_csrf_field(h, c->csrf);
    html_open(h, "input", "type", "hidden", "name", "version", "value", asm_i64(ver, version),
              NULL);
    answer_t empty = { 0 };
    empty.no = no;
    empty.side = side;
    asm_answer_fields(c, h, a ? a : &empty);
    html_open(h, "button", "type", "submit", "name", "save", NULL);
    html_txt(h, web_tr(c, "保存", "Save"));
    html_close(h, "button");
    html_close(h, "form");
}

static void review_form(web_ctx_t *c, html_t *h, int64_t id, int no, evaluation_t cur)
{
    char *action = xasprintf("/assessments/%" PRId64 "/items/%d/review", id, no);
    char fid[48], cid[48];
    snprintf(fid, sizeof fid, "evaluation-%d", no);
    snprintf(cid, sizeof cid, "review-comment-%d", no);
    html_open(h, "form", "method", "post", "action", action, "class", "review-form", NULL);
    free(action);
    html_csrf_field(h, c->csrf);
    html_open(h, "label", "for", fid, NULL);
    html_txt(h, web_tr(c, "評価", "Evaluation"));
    html_close(h, "label");
    html_open(h, "select", "name", "evaluation", "id", fid, NULL);
    for (int e = EVAL_UNRATED; e <= EVAL_NG; e++)
        option(h, evaluation_code((evaluation_t)e), asm_eval_label(c, (evaluation_t)e),
               cur == (evaluation_t)e);
    html_close(h, "select");
    html_open(h, "label", "for", cid, NULL);
    html_txt(h, web_tr(c, "評価コメント", "Review comment"));
    html_close(h, "label");
    html_open(h, "textarea", "name", "comment", "id", cid, "rows", "2", NULL);
    html_close(h, "textarea");
    html_open(h, "button", "type", "submit", NULL);
    html_txt(h, web_tr(c, "評価を保存", "Save evaluation"));
    html_close(h, "button");
    html_close(h, "form");
}

/* One workflow button, as its own form, when the workflow allows it. */
static void step_button(web_ctx_t *c, html_t *h, const assessment_t *x, const wf_target_t *t,
                        wf_action_t act, const char *code, const char *label, bool comment,
                        const char *confirm)
{
    if (workflow_check(&c->actor, act, t, SIDE_PARTNER, 0) != WF_OK)
        return;
    char suffix[32];
    snprintf(suffix, sizeof suffix, "/%s", code);
    char *action = asm_url(x->id, suffix);
    if (confirm)
        html_open(h, "form", "method", "post", "action", action, "class", "step-form",
                  "data-confirm", confirm, NULL);
    else
        html_open(h, "form", "method", "post", "action", action, "class", "step-form", NULL);
    free(action);
    html_csrf_field(h, c->csrf);
    if (comment) {
        char fid[48];
        snprintf(fid, sizeof fid, "step-comment-%s", code);
        html_open(h, "label", "for", fid, NULL);
        html_txt(h, web_tr(c, "コメント (任意)", "Comment (optional)"));
        html_close(h, "label");
        html_open(h, "textarea", "name", "comment", "id", fid, "rows", "2", NULL);
        html_close(h, "textarea");
    }
    html_open(h, "button", "type", "submit", "name", "action", "value", code, NULL);
    html_txt(h, label);
    html_close(h, "button");
    html_close(h, "form");
}

static void links_bar(web_ctx_t *c, html_t *h, const assessment_t *x, int own_side,
                      bool can_import)
{
    html_open(h, "nav", "class", "actions", NULL);
    html_open(h, "ul", NULL);
    static const struct {
        const char *suffix, *ja, *en;
    } dl[] = {
        { "/export/xlsx", "Excel (XLSX) でダウンロード", "Download as Excel (XLSX)" },
        { "/export/csv", "CSV (UTF-8)", "CSV (UTF-8)" },
        { "/export/csv?encoding=cp932", "CSV (Shift_JIS)", "CSV (Shift_JIS)" },
        { "/export/json", "JSON", "JSON" },
    };
    for (size_t i = 0; i < sizeof dl / sizeof dl[0]; i++) {
        char *u = asm_url(x->id, dl[i].suffix);
        html_open(h, "li", NULL);
        html_link(h, u, web_tr(c, dl[i].ja, dl[i].en));
        html_close(h, "li");
        free(u);
    }
    if (own_side >= 0) {
        char *u = xasprintf("/assessments/%" PRId64 "/export/xlsx?side=%s", x->id,
                            side_code((side_t)own_side));
        html_open(h, "li", NULL);
        html_link(h, u, web_tr(c, "自社の回答だけ (XLSX)", "Own side only (XLSX)"));
        html_close(h, "li");
        free(u);
    }
    if (can_import) {
        char *u = asm_url(x->id, "/import");
        html_open(h, "li", NULL);
        html_link(h, u, web_tr(c, "ファイルから取り込む", "Import a file"));
        html_close(h, "li");
        free(u);
    }
    if (x->previous_id) {
        char *u = asm_url(x->id, "/diff");
        html_open(h, "li", NULL);
        html_link(h, u, web_tr(c, "前回との差分", "Changes since the previous round"));
        html_close(h, "li");
        free(u);
    }
    html_close(h, "ul");
    html_close(h, "nav");
}

/* Where the checklist stands: a stacked bar of statuses per answering
 * side, drawn from the answers already loaded. */
static void progress_view(web_ctx_t *c, html_t *h, const catalog_t *cat, const answerset_t *set)
{
    int counts[2][5] = { { 0 } };
    for (size_t i = 0; i < cat->nitems; i++)
        for (int sd = SIDE_PARTNER; sd <= SIDE_BANK; sd++) {
            if (!side_answers((side_t)sd, cat->items[i].target))
                continue;
            const answer_t *a = answerset_find(set, cat->items[i].no, (side_t)sd);
            counts[sd][a ? a->status : STATUS_UNSET]++;
        }
    static const status_t order[5] = { STATUS_DONE, STATUS_PARTIAL, STATUS_TODO, STATUS_NA,
                                       STATUS_UNSET };
    static const char *const cls[5] = { "s-unset", "s-done", "s-partial", "s-todo", "s-na" };
    html_open(h, "div", "class", "progress-summary", NULL);
    for (int sd = SIDE_PARTNER; sd <= SIDE_BANK; sd++) {
        chart_seg_t segs[5];
        int total = 0;
        for (int k = 0; k < 5; k++) {
            segs[k].value = counts[sd][order[k]];
            segs[k].cls = cls[order[k]];
            segs[k].label = asm_status_label(c, order[k]);
            total += segs[k].value;
        }
        if (!total)
            continue;
        html_open(h, "p", NULL);
        html_open(h, "span", "class", "side-label", NULL);
        html_txt(h, asm_side_label(c, (side_t)sd));
        html_close(h, "span");
        html_txt(h, " ");
        chart_stacked_bar(h, segs, 5, 300, 14, asm_side_label(c, (side_t)sd));
        html_txtf(h, web_tr(c, " 回答済み %d / %d", " %d of %d answered"),
                  total - counts[sd][STATUS_UNSET], total);
        html_close(h, "p");
    }
    html_close(h, "div");
}

static void item_view(web_ctx_t *c, html_t *h, const assessment_t *x, const wf_target_t *t,
                      const item_t *it, const answerset_t *set, const answer_version_t *vers,
                      size_t nvers, evaluation_t ev, const comment_t *cm, size_t ncm)
{
    char sid[32], nob[24];
    snprintf(sid, sizeof sid, "item-%d", it->no);
    html_open(h, "section", "id", sid, "class", "item", "data-target", target_code(it->target),
              NULL);
    html_open(h, "header", NULL);
    html_open(h, "h3", NULL);
    html_open(h, "span", "class", "no", NULL);
    html_txt(h, asm_i64(nob, it->no));
    html_close(h, "span");
    html_txt(h, " ");
    html_open(h, "span", "class", "category", NULL);
    html_txt(h, it->category);
    html_close(h, "span");
    html_close(h, "h3");
    html_open(h, "span", "class", "target", NULL);
    html_txt(h, web_tr(c, "対象者: ", "Answered by: "));
    html_txt(h, asm_target_label(c, it->target));
    html_close(h, "span");
    html_txt(h, " ");
    html_open(h, "span", "class", "evaluation", "data-evaluation", evaluation_code(ev), NULL);
    html_txt(h, web_tr(c, "評価: ", "Evaluation: "));
    html_txt(h, asm_eval_label(c, ev));
    html_close(h, "span");
    html_close(h, "header");
    html_open(h, "p", "class", "objective", NULL);
    html_txt(h, it->objective);
    html_close(h, "p");
    refs_view(c, h, it);
    if (it->note) {
        html_open(h, "p", "class", "item-note", NULL);
        html_txt(h, web_tr(c, "備考: ", "Notes: "));
        html_txt(h, it->note);
        html_close(h, "p");
    }
    html_open(h, "div", "class", "sides", NULL);
    for (int sd = SIDE_PARTNER; sd <= SIDE_BANK; sd++) {
        side_t side = (side_t)sd;
        if (!side_answers(side, it->target))
            continue;
        const answer_t *a = answerset_find(set, it->no, side);
        html_open(h, "div", "class", "side", "data-side", side_code(side), NULL);
        html_el(h, "h4", asm_side_label(c, side));
        if (workflow_check(&c->actor, ACT_ANSWER, t, side, it->target) == WF_OK)
            answer_form(c, h, x->id, a, it->no, side, version_of(vers, nvers, it->no, side));
        else
            asm_answer_view(c, h, a);
        html_close(h, "div");
    }
    html_close(h, "div");
    html_open(h, "div", "class", "thread", NULL);
    html_el(h, "h4", web_tr(c, "コメント", "Comments"));
    comments_view(c, h, cm, ncm, it->no);
    if (workflow_check(&c->actor, ACT_REVIEW, t, SIDE_BANK, 0) == WF_OK)
        review_form(c, h, x->id, it->no, ev);
    if (workflow_check(&c->actor, ACT_COMMENT, t, SIDE_PARTNER, 0) == WF_OK)
        comment_form(c, h, x->id, it->no);
    char *hist = xasprintf("/assessments/%" PRId64 "/items/%d/history", x->id, it->no);
    html_open(h, "p", "class", "history-link", NULL);
    html_link(h, hist, web_tr(c, "変更履歴", "History"));
    html_close(h, "p");
    free(hist);
    html_close(h, "div");
    html_close(h, "section");
}

static int page_checklist(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                          void *ctxp)
{
    web_ctx_t *c = ctxp;
    int64_t id = route_int(p, "id");
    assessment_t x;
    /* One snapshot for the whole page: the versions the forms carry belong
     * to the answers they show. */
    int rc = store_read_begin(c->st);
    if (!rc && (rc = store_assessment_get(c->st, &c->actor, id, &x)))
        store_read_end(c->st);
    if (rc)
        return web_status(rc);
    /* Allowed to see it: the same page for the same data and viewer may
     * come from the cache. */
    char *cache_key = NULL;
    if (web_cache_get(c, &cache_key)) {
        store_read_end(c->st);
        assessment_clear(&x);
        return 0;
    }
    catalog_t *cat = NULL;
    answerset_t *set = NULL;
    review_t *rv = NULL;
    size_t nrv = 0, ncm = 0, nvers = 0;
    comment_t *cm = NULL;
    answer_version_t *vers = NULL;
    int status = 0;
    if (!(cat = store_assessment_catalog(c->st, &c->actor, id, &rc)) ||
        (rc = store_answers(c->st, &c->actor, id, &set)) ||
        (rc = store_reviews(c->st, &c->actor, id, &rv, &nrv)) ||
        (rc = store_comments(c->st, &c->actor, id, -1, &cm, &ncm)) ||
        (rc = store_answer_versions(c->st, &c->actor, id, &vers, &nvers))) {
        status = web_status(rc);
        goto out;
    }
    wf_target_t t = { x.bank_id, x.partner_id, x.state };
    int own = workflow_actor_side(&c->actor, &t);
    bool can_import = own >= 0 &&
                      workflow_check(&c->actor, ACT_ANSWER, &t, (side_t)own, 0) == WF_OK;
    filter_t f;
    filter_parse(req, &f);

    html_t h;
    html_init(&h, &resp->body);
    char *title = xasprintf("%s × %s %s", x.partner_name, x.bank_name, x.round);
    web_page_begin(c, &h, title);
    free(title);
    const char *imported = http_param(req, "imported");
    if (imported && *imported) {
        char *msg = xasprintf(web_tr(c, "%ld 件の回答を取り込みました", "%ld answers imported"),
                              strtol(imported, NULL, 10));
        web_notice(&h, false, msg);
        free(msg);
    }
    asm_header(c, &h, &x);
    progress_view(c, &h, cat, set);
    links_bar(c, &h, &x, own, can_import);

    html_open(&h, "div", "class", "workflow", NULL);
    step_button(c, &h, &x, &t, ACT_SUBMIT, "submit", web_tr(c, "提出する", "Submit"), true,
                web_tr(c, "提出しますか?提出後は銀行の審査が終わるまで編集できません。",
                       "Submit? You cannot edit until the bank has reviewed it."));
    step_button(c, &h, &x, &t, ACT_START_REVIEW, "start-review",
                web_tr(c, "審査を開始", "Start the review"), false, NULL);
    step_button(c, &h, &x, &t, ACT_RETURN, "return", web_tr(c, "差し戻す", "Return for changes"),
                true, web_tr(c, "差し戻しますか?", "Return it for changes?"));
    step_button(c, &h, &x, &t, ACT_ACCEPT, "accept", web_tr(c, "承認する", "Accept"), true,
                web_tr(c, "承認しますか?承認後は回答を変更できません。",
                       "Accept? Answers cannot change afterwards."));
    html_close(&h, "div");

    filter_form(c, &h, &x, cat, &f);
    size_t shown = 0;
    html_open(&h, "div", "class", "items", NULL);
    for (size_t i = 0; i < cat->nitems; i++) {
        const item_t *it = &cat->items[i];
        evaluation_t ev = eval_of(rv, nrv, it->no);
        if (!item_matches(&f, it, set, ev))
            continue;
        shown++;
        item_view(c, &h, &x, &t, it, set, vers, nvers, ev, cm, ncm);
    }
    html_close(&h, "div");
    if (shown == 0)
        html_el(&h, "p", web_tr(c, "条件に合う項目はありません。", "No item matches the filter."));
    else {
        html_open(&h, "p", "class", "muted", NULL);
        html_txtf(&h, web_tr(c, "%zu / %zu 項目を表示", "%zu of %zu items shown"), shown,
                  cat->nitems);
        html_close(&h, "p");
    }

    html_open(&h, "section", "class", "thread", "id", "assessment-comments", NULL);
    html_el(&h, "h2", web_tr(c, "全体へのコメント", "Comments on the whole checklist"));
    comments_view(c, &h, cm, ncm, 0);
    if (workflow_check(&c->actor, ACT_COMMENT, &t, SIDE_PARTNER, 0) == WF_OK)
        comment_form(c, &h, x.id, 0);
    html_close(&h, "section");
    web_page_end(c, &h);
    status = html_failed(&h) ? 500 : 0;
out:
    store_read_end(c->st);
    web_cache_put(c, cache_key, status);
    free(vers);
    comment_list_free(cm, ncm);
    free(rv);
    answerset_free(set);
    catalog_free(cat);
    assessment_clear(&x);
    return status;
}

/* ---- the route table ------------------------------------------------------- */

const route_t web_assessment_routes[] = {
    { HTTP_GET, "/assessments", page_list, 0, 0 },
    { HTTP_GET, "/assessments/{id:int}", page_checklist, ROUTE_SNAPSHOT, 0 },
    { HTTP_POST, "/assessments/{id:int}/items/{no:int}/answers/{side:side}", asm_page_answer_save,
      ROUTE_CHANGES_STATE, 0 },
    { HTTP_POST, "/assessments/{id:int}/items/{no:int}/review", asm_page_review,
      ROUTE_CHANGES_STATE, 0 },
    { HTTP_POST, "/assessments/{id:int}/items/{no:int}/comments", asm_page_comment,
      ROUTE_CHANGES_STATE, 0 },
    { HTTP_POST, "/assessments/{id:int}/comments", asm_page_asm_comment, ROUTE_CHANGES_STATE, 0 },
    { HTTP_POST, "/assessments/{id:int}/submit", asm_page_step, ROUTE_CHANGES_STATE, 0 },
    { HTTP_POST, "/assessments/{id:int}/start-review", asm_page_step, ROUTE_CHANGES_STATE, 0 },
    { HTTP_POST, "/assessments/{id:int}/return", asm_page_step, ROUTE_CHANGES_STATE, 0 },
    { HTTP_POST, "/assessments/{id:int}/accept", asm_page_step, ROUTE_CHANGES_STATE, 0 },
    { HTTP_GET, "/assessments/{id:int}/items/{no:int}/history", asm_page_history, 0, 0 },
    { HTTP_GET, "/assessments/{id:int}/diff", asm_page_diff, 0, 0 },
    { HTTP_GET, "/assessments/{id:int}/export/{format:name}", asm_page_export, 0, 0 },
    { HTTP_GET, "/assessments/{id:int}/import", asm_page_import_form, 0, 0 },
    { HTTP_POST, "/assessments/{id:int}/import", asm_page_import_preview,
      ROUTE_CHANGES_STATE | ROUTE_UPLOAD, 0 },
    { HTTP_POST, "/assessments/{id:int}/import/apply", asm_page_import_apply, ROUTE_CHANGES_STATE,
      0 },
};
const size_t web_assessment_nroutes = sizeof web_assessment_routes / sizeof web_assessment_routes[0];
