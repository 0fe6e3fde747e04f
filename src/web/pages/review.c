/*
 * review.c — the assessment page family's form handlers (asm_pages.h):
 * saving an answer (with the 409 conflict page that shows the stored and
 * the submitted value side by side and offers to re-apply on top of the
 * current version), the bank's evaluation, comments, and the workflow
 * steps.  Each handler calls the store as the actor and maps its result;
 * success is a 303 back to the item.
 */
#include "web/pages/asm_pages.h"

#include "util/xmem.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A refusal the user should read (bad input, wrong state): the store's
 * message on a page; a missing or foreign object stays a bare 404. */
static int refuse(web_ctx_t *c, int rc, int64_t id)
{
    int status = web_status(rc);
    if (status == 404 || status >= 500)
        return status;
    return asm_message_page(c, status, id, web_tr(c, "保存できません", "Not saved"),
                            store_errmsg(c->st));
}

/* A form field as an optional text ("" and absent are NULL). */
static char *field(const http_req_t *req, const char *name)
{
    const char *v = http_form(req, name);
    return v && *v ? (char *)v : NULL;
}

static bool parse_i64(const char *s, int64_t *out)
{
    if (!s || !*s)
        return false;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < 0)
        return false;
    *out = v;
    return true;
}

/* One row of the conflict table. */
static void conflict_row(html_t *h, const char *label, const char *stored, const char *mine,
                         bool differs)
{
    if (differs)
        html_open(h, "tr", "class", "differs", NULL);
    else
        html_open(h, "tr", NULL);
    html_el(h, "th", label);
    html_el(h, "td", stored ? stored : "");
    html_el(h, "td", mine ? mine : "");
    html_close(h, "tr");
}

static int conflict_page(web_ctx_t *c, int64_t id, const answer_t *mine)
{
    answer_t cur;
    int64_t ver = 0;
    int rc = store_answer_get(c->st, &c->actor, id, mine->no, mine->side, &cur, &ver);
    if (rc)
        return web_status(rc);
    http_resp_reset(c->resp);
    c->resp->status = 409;
    html_t h;
    html_init(&h, &c->resp->body);
    web_page_begin(c, &h, web_tr(c, "保存の競合", "Save conflict"));
    web_notice(&h, true,
               web_tr(c, "この回答はあなたが編集している間に他の人が保存しました。あなたの入力はまだ保存されていません。下の表で確かめてから、必要なら現在の版の上に保存し直してください。",
                      "Someone else saved this answer while you were editing it. Your input has "
                      "not been saved. Compare below, then save again on top of the current "
                      "version if you still want your values."));
    html_open(&h, "p", NULL);
    html_txtf(&h, web_tr(c, "通番 %d (%s)、現在の版 %" PRId64, "Item %d (%s), current version %" PRId64),
              mine->no, asm_side_label(c, mine->side), ver);
    html_close(&h, "p");
    unsigned diff = 0;
    {
        /* answer_diff_fields lives in core/diff.h; compare by hand here. */
        struct {
            const char *a, *b;
        } f[] = { { cur.current, mine->current }, { cur.gap, mine->gap }, { cur.plan, mine->plan },
                  { cur.due, mine->due }, { cur.note, mine->note } };
        for (unsigned i = 0; i < 5; i++)
            if (strcmp(f[i].a ? f[i].a : "", f[i].b ? f[i].b : "") != 0)
                diff |= 1u << (i + 1);
        if (cur.status != mine->status)
            diff |= 1u;
    }
    html_open(&h, "table", "class", "conflict", NULL);
    html_open(&h, "thead", NULL);
    html_open(&h, "tr", NULL);
    html_el(&h, "th", web_tr(c, "項目", "Field"));
    html_el(&h, "th", web_tr(c, "保存されている値", "Stored value"));
    html_el(&h, "th", web_tr(c, "あなたの入力", "Your input"));
    html_close(&h, "tr");
    html_close(&h, "thead");
    html_open(&h, "tbody", NULL);
    conflict_row(&h, web_tr(c, "対応状況", "Status"), asm_status_label(c, cur.status),
                 asm_status_label(c, mine->status), diff & 1u);
    conflict_row(&h, web_tr(c, "現在の対応状況", "Current state"), cur.current, mine->current,
                 diff & 2u);
    conflict_row(&h, web_tr(c, "課題認識", "Gaps"), cur.gap, mine->gap, diff & 4u);
    conflict_row(&h, web_tr(c, "課題への対応計画", "Plan"), cur.plan, mine->plan, diff & 8u);
    conflict_row(&h, web_tr(c, "対応期限", "Plan due"), cur.due, mine->due, diff & 16u);
    conflict_row(&h, web_tr(c, "備考", "Notes"), cur.note, mine->note, diff & 32u);
    html_close(&h, "tbody");
    html_close(&h, "table");

    html_el(&h, "h2", web_tr(c, "現在の版の上に保存し直す", "Save again on top of the current version"));
    char *action = xasprintf("/assessments/%" PRId64 "/items/%d/answers/%s", id, mine->no,
                             side_code(mine->side));
    char vb[24];
    html_open(&h, "form", "class", "answer-form conflict-form", "data-side",
              side_code(mine->side), "method", "post", "action", action, NULL);
    free(action);
    html_csrf_field(&h, c->csrf);
    html_open(&h, "input", "type", "hidden", "name", "version", "value", asm_i64(vb, ver), NULL);
    asm_answer_fields(c, &h, mine);
    html_open(&h, "button", "type", "submit", "name", "save", NULL);
    html_txt(&h, web_tr(c, "この内容で保存", "Save these values"));
    html_close(&h, "button");
    html_close(&h, "form");
    char *back = xasprintf("/assessments/%" PRId64 "#item-%d", id, mine->no);
    html_open(&h, "p", NULL);
    html_link(&h, back, web_tr(c, "入力を捨てて戻る", "Discard my input and go back"));
    html_close(&h, "p");
    free(back);
    web_page_end(c, &h);
    store_answer_clear(&cur);
    return html_failed(&h) ? 500 : 0;
}

int asm_page_answer_save(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                         void *ctxp)
{
    web_ctx_t *c = ctxp;
    int64_t id = route_int(p, "id");
    int64_t no64 = route_int(p, "no");
    if (no64 > 1000000)
        return 404;
    answer_t a = { 0 };
    a.no = (int)no64;
    a.side = route_side(p, "side");
    const char *st = http_form(req, "status");
    if (status_parse(st ? st : "", &a.status) != 0)
        return asm_message_page(c, 400, id, web_tr(c, "保存できません", "Not saved"),
                                web_tr(c, "対応状況の値が正しくありません", "unknown status"));
    int64_t base;
    if (!parse_i64(http_form(req, "version"), &base))
        return asm_message_page(c, 400, id, web_tr(c, "保存できません", "Not saved"),
                                web_tr(c, "版がありません。ページを開き直してください",
                                       "the form lacks its version; reload the page"));
    a.current = field(req, "current");
    a.gap = field(req, "gap");
    a.plan = field(req, "plan");
    a.due = field(req, "due");
    a.note = field(req, "note");
    int64_t nv = 0;
    int rc = store_answer_save(c->st, &c->actor, id, &a, base, &nv);
    if (rc == ST_CONFLICT)
        return conflict_page(c, id, &a);
    if (rc)
        return refuse(c, rc, id);
    return asm_redirect_item(resp, id, a.no);
}

int asm_page_review(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                    void *ctxp)
{
    web_ctx_t *c = ctxp;
    int64_t id = route_int(p, "id");
    int64_t no = route_int(p, "no");
    if (no > 1000000)
        return 404;
    evaluation_t e;
    const char *ev = http_form(req, "evaluation");
    if (evaluation_parse(ev ? ev : "", &e) != 0)
        return asm_message_page(c, 400, id, web_tr(c, "保存できません", "Not saved"),
                                web_tr(c, "評価の値が正しくありません", "unknown evaluation"));
    int rc = store_review_set(c->st, &c->actor, id, (int)no, e, field(req, "comment"));
    if (rc)
        return refuse(c, rc, id);
    return asm_redirect_item(resp, id, (int)no);
}

static int comment(web_ctx_t *c, const http_req_t *req, http_resp_t *resp, int64_t id, int no)
{
    const char *body = field(req, "body");
    if (!body)
        return asm_message_page(c, 400, id, web_tr(c, "保存できません", "Not saved"),
                                web_tr(c, "コメントが空です", "the comment is empty"));
    int rc = store_comment_add(c->st, &c->actor, id, no, body);
    if (rc)
        return refuse(c, rc, id);
    if (no == 0) {
        char url[96];
        snprintf(url, sizeof url, "/assessments/%" PRId64 "#assessment-comments", id);
        return http_resp_redirect(resp, url) == 0 ? 0 : 500;
    }
    return asm_redirect_item(resp, id, no);
}

int asm_page_comment(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                     void *ctxp)
{
    int64_t no = route_int(p, "no");
    if (no > 1000000)
        return 404;
    return comment(ctxp, req, resp, route_int(p, "id"), (int)no);
}

int asm_page_asm_comment(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                         void *ctxp)
{
    return comment(ctxp, req, resp, route_int(p, "id"), 0);
}

int asm_page_step(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                  void *ctxp)
{
    web_ctx_t *c = ctxp;
    int64_t id = route_int(p, "id");
    wf_action_t act;
    if (!web_step_action(req->path, &act))
        return 404;
    int rc = store_assessment_step(c->st, &c->actor, id, act, field(req, "comment"));
    if (rc)
        return refuse(c, rc, id);
    return asm_redirect_item(resp, id, 0);
}
