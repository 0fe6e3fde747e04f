/*
 * files.c — the assessment as files and as history (asm_pages.h): export
 * as XLSX (the A3 workbook), CSV (UTF-8 with BOM, or CP932) and JSON;
 * import of a filled file with a preview of every change, the upload kept
 * in the database (store_upload_put) so that the confirmation may land on
 * any server; the history of one item from the audit trail; the diff
 * against the previous round (or any other visible assessment).
 */
#include "web/pages/asm_pages.h"

#include "core/diff.h"
#include "formats/csv.h"
#include "formats/json_io.h"
#include "formats/xlsx.h"
#include "util/diag.h"
#include "util/file.h"
#include "util/limits.h"
#include "util/xmem.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- export ------------------------------------------------------------- */

/* Content-Disposition: an ASCII fallback and the real name in UTF-8. */
static void disposition(http_resp_t *resp, const char *ascii, const char *utf8)
{
    buf_t b = BUF_INIT(4096);
    buf_printf(&b, "attachment; filename=\"%s\"; filename*=UTF-8''", ascii);
    html_url_encode(&b, utf8);
    http_resp_header(resp, "Content-Disposition", buf_str(&b));
    buf_free(&b);
}

int asm_page_export(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                    void *ctxp)
{
    web_ctx_t *c = ctxp;
    int64_t id = route_int(p, "id");
    const char *fmt = route_str(p, "format");
    if (strcmp(fmt, "xlsx") != 0 && strcmp(fmt, "csv") != 0 && strcmp(fmt, "json") != 0)
        return 404;
    int side = -1;
    const char *sp = http_param(req, "side");
    if (sp && *sp) {
        side_t s;
        if (side_parse(sp, &s) != 0)
            return 400;
        side = (int)s;
    }
    csv_encoding_t enc = CSV_UTF8_BOM;
    const char *ep = http_param(req, "encoding");
    if (ep && *ep) {
        if (strcmp(ep, "cp932") == 0 || strcmp(ep, "sjis") == 0 || strcmp(ep, "shift_jis") == 0)
            enc = CSV_CP932;
        else if (strcmp(ep, "utf8") == 0 || strcmp(ep, "utf-8") == 0)
            enc = CSV_UTF8;
        else if (strcmp(ep, "utf8-bom") != 0)
            return 400;
    }
    assessment_t x;
    int rc = store_assessment_get(c->st, &c->actor, id, &x);
    if (rc)
        return web_status(rc);
    catalog_t *cat = store_assessment_catalog(c->st, &c->actor, id, &rc);
    answerset_t *set = NULL;
    int status = 0;
    if (!cat || (rc = store_answers(c->st, &c->actor, id, &set))) {
        status = web_status(rc);
        goto out;
    }
    char *why = NULL;
    size_t len = 0;
    const char *type;
    char *data = web_export(cat, set, fmt, side, enc, &len, &type, &why);
    if (!data) {
        status = asm_message_page(c, 422, id,
                                  web_tr(c, "書き出せません", "Cannot export"),
                                  why ? why : "?");
        free(why);
        goto out;
    }
    free(why);
    if (buf_add(&resp->body, data, len) != 0) {
        free(data);
        status = 500;
        goto out;
    }
    free(data);
    http_resp_set_type(resp, type);
    char ascii[128], *utf8;
    const char *sfx = side < 0 ? "" : side == SIDE_PARTNER ? "-partner" : "-bank";
    snprintf(ascii, sizeof ascii, "apicheck-assessment-%" PRId64 "%s.%s", id, sfx, fmt);
    utf8 = xasprintf("API接続チェックリスト_%s_%s_%s%s.%s", x.bank_name, x.partner_name, x.round,
                     side < 0 ? "" : side == SIDE_PARTNER ? "_API接続先" : "_銀行", fmt);
    disposition(resp, ascii, utf8);
    free(utf8);
out:
    answerset_free(set);
    catalog_free(cat);
    assessment_clear(&x);
    return status;
}

/* ---- import ------------------------------------------------------------- */

enum { UP_XLSX, UP_CSV, UP_JSON };

/* The upload's format: by its name's extension, else by its first bytes. */
static int upload_format(const char *name, const char *data, size_t len)
{
    char ext[16] = "";
    if (name)
        file_ext(name, ext);
    if (strcmp(ext, "xlsx") == 0)
        return UP_XLSX;
    if (strcmp(ext, "csv") == 0)
        return UP_CSV;
    if (strcmp(ext, "json") == 0)
        return UP_JSON;
    if (len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0)
        return UP_XLSX;
    for (size_t i = 0; i < len; i++) {
        if (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')
            continue;
        return data[i] == '{' ? UP_JSON : UP_CSV;
    }
    return UP_CSV;
}

/* The file read as answers for cat; NULL with problems in d. */
static answerset_t *upload_parse(const web_ctx_t *c, const char *name, const char *data,
                                 size_t len, const catalog_t *cat, int own, diag_t *d)
{
    switch (upload_format(name, data, len)) {
    case UP_XLSX: return xlsx_read_answers(data, len, cat, own, d);
    case UP_JSON: return answerset_from_json(data, len, cat, d);
    default:
        (void)c;
        return answerset_from_csv(data, len, CSV_UTF8_BOM, cat, own, d);
    }
}

/* Page: what is wrong with the file (every problem, located). */
static int problems_page(web_ctx_t *c, int64_t id, const diag_t *d)
{
    http_resp_reset(c->resp);
    c->resp->status = 400;
    html_t h;
    html_init(&h, &c->resp->body);
    web_page_begin(c, &h, web_tr(c, "ファイルを読めません", "The file cannot be read"));
    web_notice(&h, true,
               web_tr(c, "ファイルに問題があるため取り込めません。何も変更していません。",
                      "The file has problems and was not imported. Nothing was changed."));
    html_open(&h, "ul", "class", "problems", NULL);
    for (size_t i = 0; i < d->n; i++) {
        char *m = diag_format(d, i, c->req->lang);
        html_el(&h, "li", m);
        free(m);
    }
    if (d->n == 0)
        html_el(&h, "li", web_tr(c, "チェックリストの回答が見つかりません", "no checklist answers found"));
    if (d->dropped) {
        html_open(&h, "li", NULL);
        html_txtf(&h, web_tr(c, "ほか %zu 件", "and %zu more"), d->dropped);
        html_close(&h, "li");
    }
    html_close(&h, "ul");
    char *back = asm_url(id, "/import");
    html_open(&h, "p", NULL);
    html_link(&h, back, web_tr(c, "別のファイルを選ぶ", "Choose another file"));
    html_close(&h, "p");
    free(back);
    web_page_end(c, &h);
    return html_failed(&h) ? 500 : 0;
}

/* Is the actor allowed to import into this assessment now?  0 (x filled),
 * -1 when a page explaining the refusal was rendered (x filled), or an
 * HTTP status to return (x cleared). */
static int import_allowed(web_ctx_t *c, int64_t id, assessment_t *x, int *own)
{
    int rc = store_assessment_get(c->st, &c->actor, id, x);
    if (rc)
        return web_status(rc);
    wf_target_t t = { x->bank_id, x->partner_id, x->state };
    *own = workflow_actor_side(&c->actor, &t);
    wf_result_t r = workflow_check(&c->actor, ACT_ANSWER, &t, *own < 0 ? SIDE_PARTNER : (side_t)*own, 0);
    if (r == WF_OK)
        return 0;
    int status = r == WF_BAD_STATE ? 409 : 403;
    if (asm_message_page(c, status, id, web_tr(c, "取り込めません", "Cannot import"),
                         r == WF_BAD_STATE
                             ? web_tr(c, "今の状態では回答を変更できません",
                                      "answers cannot change in this state")
                             : web_tr(c, "この評価に回答を取り込む権限がありません",
                                      "you may not import answers into this assessment")))
        return 500;
    return -1;
}

int asm_page_import_form(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                         void *ctxp)
{
    (void)req;
    web_ctx_t *c = ctxp;
    int64_t id = route_int(p, "id");
    assessment_t x;
    int own;
    int st = import_allowed(c, id, &x, &own);
    if (st) {
        assessment_clear(&x);
        return st < 0 ? 0 : st;
    }
    html_t h;
    html_init(&h, &resp->body);
    web_page_begin(c, &h, web_tr(c, "ファイルから取り込む", "Import a file"));
    asm_header(c, &h, &x);
    html_el(&h, "p", web_tr(c, "記入済みのチェックリスト (XLSX、CSV、JSON) を選んでください。取り込む前に変更点をすべて確認できます。",
                            "Choose a filled checklist (XLSX, CSV or JSON). You will see every change before it is applied."));
    char *action = asm_url(id, "/import");
    html_open(&h, "form", "method", "post", "action", action, "enctype", "multipart/form-data",
              "class", "import-form", NULL);
    free(action);
    html_csrf_field(&h, c->csrf);
    html_open(&h, "label", "for", "import-file", NULL);
    html_txt(&h, web_tr(c, "ファイル", "File"));
    html_close(&h, "label");
    html_open(&h, "input", "type", "file", "name", "file", "id", "import-file", "required", NULL,
              "accept", ".xlsx,.csv,.json", NULL);
    html_open(&h, "button", "type", "submit", NULL);
    html_txt(&h, web_tr(c, "変更点を確認", "Preview the changes"));
    html_close(&h, "button");
    html_close(&h, "form");
    web_page_end(c, &h);
    assessment_clear(&x);
    return html_failed(&h) ? 500 : 0;
}

static void text_cell(html_t *h, const char *s)
{
    html_el(h, "td", s ? s : "");
}

/* The table of changes an import makes (or would). */
static void changes_table(web_ctx_t *c, html_t *h, const catalog_t *cat, const change_t *ch,
                          size_t n)
{
    html_open(h, "table", "class", "changes", NULL);
    html_open(h, "thead", NULL);
    html_open(h, "tr", NULL);
    html_el(h, "th", web_tr(c, "通番", "No."));
    html_el(h, "th", web_tr(c, "回答者", "Side"));
    html_el(h, "th", web_tr(c, "項目", "Field"));
    html_el(h, "th", web_tr(c, "変更前", "Before"));
    html_el(h, "th", web_tr(c, "変更後", "After"));
    html_close(h, "tr");
    html_close(h, "thead");
    html_open(h, "tbody", NULL);
    for (size_t i = 0; i < n; i++) {
        const answer_t *b = &ch[i].before, *a = &ch[i].after;
        unsigned f = answer_diff_fields(b, a);
        const item_t *it = catalog_find(cat, ch[i].no);
        for (unsigned bit = 1; bit & DIFF_F_ALL; bit <<= 1) {
            if (!(f & bit))
                continue;
            html_open(h, "tr", NULL);
            char nb[24];
            html_open(h, "td", NULL);
            html_txt(h, asm_i64(nb, ch[i].no));
            if (it) {
                html_open(h, "span", "class", "objective-short", "title", it->objective, NULL);
                html_close(h, "span");
            }
            html_close(h, "td");
            text_cell(h, asm_side_label(c, ch[i].side));
            text_cell(h, c->req->lang == LANG_EN ? diff_field_code(bit) : diff_field_label(bit));
            switch (bit) {
            case DIFF_F_STATUS:
                text_cell(h, b->status ? asm_status_label(c, b->status) : "");
                text_cell(h, a->status ? asm_status_label(c, a->status) : "");
                break;
            case DIFF_F_CURRENT: text_cell(h, b->current), text_cell(h, a->current); break;
            case DIFF_F_GAP: text_cell(h, b->gap), text_cell(h, a->gap); break;
            case DIFF_F_PLAN: text_cell(h, b->plan), text_cell(h, a->plan); break;
            case DIFF_F_DUE: text_cell(h, b->due), text_cell(h, a->due); break;
            default: text_cell(h, b->note), text_cell(h, a->note); break;
            }
            html_close(h, "tr");
        }
    }
    html_close(h, "tbody");
    html_close(h, "table");
}

/* Read, check and dry-run an upload; either a page about its problems, or
 * the preview.  data/len/name: the file; sha: where it is kept (NULL: keep
 * it now, when there is something to apply). */
int asm_page_import_preview(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                            void *ctxp)
{
    web_ctx_t *c = ctxp;
    int64_t id = route_int(p, "id");
    const http_file_t *f = http_file(req, "file");
    assessment_t x;
    int own;
    int st = import_allowed(c, id, &x, &own);
    if (st) {
        assessment_clear(&x);
        return st < 0 ? 0 : st;
    }
    catalog_t *cat = NULL;
    answerset_t *set = NULL;
    change_t *ch = NULL;
    size_t nch = 0;
    int rc, status = 0;
    diag_t d;
    diag_init(&d, f && f->filename ? f->filename : NULL);
    if (!f || f->len == 0) {
        status = asm_message_page(c, 400, id, web_tr(c, "取り込めません", "Cannot import"),
                                  web_tr(c, "ファイルが選ばれていないか、空です",
                                         "no file was chosen, or it is empty"));
        goto out;
    }
    if (f->len > STORE_UPLOAD_MAX) {
        status = asm_message_page(c, 413, id, web_tr(c, "取り込めません", "Cannot import"),
                                  web_tr(c, "ファイルが大きすぎます", "the file is too large"));
        goto out;
    }
    if (!(cat = store_assessment_catalog(c->st, &c->actor, id, &rc))) {
        status = web_status(rc);
        goto out;
    }
    set = upload_parse(c, f->filename, f->data, f->len, cat, own, &d);
    if (!set) {
        status = problems_page(c, id, &d);
        goto out;
    }
    rc = store_import(c->st, &c->actor, id, set, true, &ch, &nch);
    if (rc) {
        int s = web_status(rc);
        status = s == 404 ? 404
                          : asm_message_page(c, s == 409 ? 409 : 400, id,
                                             web_tr(c, "取り込めません", "Cannot import"),
                                             store_errmsg(c->st));
        goto out;
    }
    char sha[65] = "";
    if (nch > 0 && (rc = store_upload_put(c->st, &c->actor, f->data, f->len, sha))) {
        status = web_status(rc);
        goto out;
    }
    html_t h;
    html_init(&h, &resp->body);
    web_page_begin(c, &h, web_tr(c, "取り込む変更の確認", "Changes to import"));
    asm_header(c, &h, &x);
    if (nch == 0) {
        web_notice(&h, false, web_tr(c, "変更はありません。", "There are no changes."));
    } else {
        html_open(&h, "p", "class", "notice", NULL);
        html_txtf(&h, web_tr(c, "%zu 件の回答が変わります。まだ何も保存していません。",
                             "%zu answers would change. Nothing has been saved yet."),
                  nch);
        html_close(&h, "p");
        changes_table(c, &h, cat, ch, nch);
        char *action = asm_url(id, "/import/apply");
        html_open(&h, "form", "method", "post", "action", action, "class", "import-apply", NULL);
        free(action);
        html_csrf_field(&h, c->csrf);
        html_open(&h, "input", "type", "hidden", "name", "sha256", "value", sha, NULL);
        html_open(&h, "input", "type", "hidden", "name", "name",
                  "value", f->filename ? f->filename : "", NULL);
        html_open(&h, "button", "type", "submit", "name", "apply", NULL);
        html_txt(&h, web_tr(c, "この変更を取り込む", "Apply these changes"));
        html_close(&h, "button");
        html_close(&h, "form");
    }
    char *back = asm_url(id, NULL);
    html_open(&h, "p", NULL);
    html_link(&h, back, web_tr(c, "取り込まずに戻る", "Back without importing"));
    html_close(&h, "p");
    free(back);
    web_page_end(c, &h);
    status = html_failed(&h) ? 500 : 0;
out:
    diag_free(&d);
    change_list_free(ch, nch);
    answerset_free(set);
    catalog_free(cat);
    assessment_clear(&x);
    return status;
}

int asm_page_import_apply(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                          void *ctxp)
{
    web_ctx_t *c = ctxp;
    int64_t id = route_int(p, "id");
    assessment_t x;
    int own;
    int st = import_allowed(c, id, &x, &own);
    assessment_clear(&x);
    if (st)
        return st < 0 ? 0 : st;
    const char *sha = http_form(req, "sha256");
    const char *name = http_form(req, "name");
    char *data = NULL;
    size_t len = 0;
    catalog_t *cat = NULL;
    answerset_t *set = NULL;
    change_t *ch = NULL;
    size_t nch = 0;
    int rc, status = 0;
    diag_t d;
    diag_init(&d, name);
    if ((rc = store_upload_get(c->st, &c->actor, sha, &data, &len))) {
        status = asm_message_page(c, 400, id, web_tr(c, "取り込めません", "Cannot import"),
                                  web_tr(c, "アップロードされたファイルが見つかりません。もう一度選んでください。",
                                         "the uploaded file was not found; choose it again"));
        goto out;
    }
    if (!(cat = store_assessment_catalog(c->st, &c->actor, id, &rc))) {
        status = web_status(rc);
        goto out;
    }
    set = upload_parse(c, name, data, len, cat, own, &d);
    if (!set) {
        status = problems_page(c, id, &d);
        goto out;
    }
    rc = store_import(c->st, &c->actor, id, set, false, &ch, &nch);
    if (rc) {
        int s = web_status(rc);
        status = s == 404 ? 404
                          : asm_message_page(c, s == 409 ? 409 : 400, id,
                                             web_tr(c, "取り込めません", "Cannot import"),
                                             store_errmsg(c->st));
        goto out;
    }
    char url[96];
    snprintf(url, sizeof url, "/assessments/%" PRId64 "?imported=%zu", id, nch);
    status = http_resp_redirect(resp, url) == 0 ? 0 : 500;
out:
    diag_free(&d);
    change_list_free(ch, nch);
    answerset_free(set);
    catalog_free(cat);
    free(data);
    return status;
}

/* ---- history -------------------------------------------------------------- */

static const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* An answer from the JSON the store writes into the audit trail. */
static void answer_from_json(const json_t *o, answer_t *a)
{
    memset(a, 0, sizeof *a);
    if (!json_is_object(o))
        return;
    status_t s;
    const char *st = jstr(o, "status");
    if (st && status_parse(st, &s) == 0)
        a->status = s;
    a->current = (char *)jstr(o, "current");
    a->gap = (char *)jstr(o, "gap");
    a->plan = (char *)jstr(o, "plan");
    a->due = (char *)jstr(o, "due");
    a->note = (char *)jstr(o, "note");
}

/* Field-by-field changes of one answer as a list. */
static void answer_change_list(web_ctx_t *c, html_t *h, const json_t *before, const json_t *after)
{
    answer_t b, a;
    answer_from_json(before, &b);
    answer_from_json(after, &a);
    unsigned f = answer_diff_fields(&b, &a);
    html_open(h, "ul", "class", "field-changes", NULL);
    for (unsigned bit = 1; bit & DIFF_F_ALL; bit <<= 1) {
        if (!(f & bit))
            continue;
        const char *bv, *av;
        switch (bit) {
        case DIFF_F_STATUS:
            bv = b.status ? asm_status_label(c, b.status) : "";
            av = a.status ? asm_status_label(c, a.status) : "";
            break;
        case DIFF_F_CURRENT: bv = b.current, av = a.current; break;
        case DIFF_F_GAP: bv = b.gap, av = a.gap; break;
        case DIFF_F_PLAN: bv = b.plan, av = a.plan; break;
        case DIFF_F_DUE: bv = b.due, av = a.due; break;
        default: bv = b.note, av = a.note; break;
        }
        html_open(h, "li", NULL);
        html_open(h, "span", "class", "field", NULL);
        html_txt(h, c->req->lang == LANG_EN ? diff_field_code(bit) : diff_field_label(bit));
        html_close(h, "span");
        html_txt(h, ": ");
        html_open(h, "del", NULL);
        html_txt(h, bv ? bv : "");
        html_close(h, "del");
        html_txt(h, " → ");
        html_open(h, "ins", NULL);
        html_txt(h, av ? av : "");
        html_close(h, "ins");
        html_close(h, "li");
    }
    html_close(h, "ul");
}

typedef struct hist {
    audit_row_t *v;
    size_t n;
} hist_t;

static int hist_add(web_ctx_t *c, hist_t *hs, const char *type, const char *oid)
{
    audit_filter_t f = { 0 };
    f.object_type = type;
    f.object_id = oid;
    f.limit = 1000;
    audit_row_t *v = NULL;
    size_t n = 0;
    int rc = store_audit_log(c->st, &c->actor, &f, &v, &n);
    if (rc)
        return rc;
    hs->v = xrealloc(hs->v, (hs->n + n + 1) * sizeof *hs->v);
    if (n)
        memcpy(hs->v + hs->n, v, n * sizeof *v);
    hs->n += n;
    free(v);
    return ST_OK;
}

static int cmp_seq_desc(const void *x, const void *y)
{
    const audit_row_t *a = x, *b = y;
    return a->seq < b->seq ? 1 : a->seq > b->seq ? -1 : 0;
}

static const char *action_label(web_ctx_t *c, const char *action)
{
    static const struct {
        const char *code, *ja, *en;
    } t[] = {
        { "answer.save", "回答を保存", "answer saved" },
        { "review.set", "評価", "evaluation" },
        { "comment.add", "コメント", "comment" },
        { "assessment.import", "ファイルから取り込み", "imported from a file" },
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (action && strcmp(action, t[i].code) == 0)
            return web_tr(c, t[i].ja, t[i].en);
    return action ? action : "";
}

int asm_page_history(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                     void *ctxp)
{
    (void)req;
    web_ctx_t *c = ctxp;
    int64_t id = route_int(p, "id");
    int64_t no = route_int(p, "no");
    assessment_t x;
    int rc = store_assessment_get(c->st, &c->actor, id, &x);
    if (rc)
        return web_status(rc);
    catalog_t *cat = store_assessment_catalog(c->st, &c->actor, id, &rc);
    const item_t *it = cat && no <= 1000000 ? catalog_find(cat, (int)no) : NULL;
    hist_t hs = { NULL, 0 };
    int status = 0;
    if (!cat || !it) {
        status = 404;
        goto out;
    }
    char oid[64], pre[64], aid[24];
    snprintf(pre, sizeof pre, "%" PRId64 "/%d/", id, (int)no);
    snprintf(oid, sizeof oid, "%" PRId64 "/%d", id, (int)no);
    asm_i64(aid, id);
    if ((rc = hist_add(c, &hs, "answer", pre)) || (rc = hist_add(c, &hs, "review", oid)) ||
        (rc = hist_add(c, &hs, "comment", pre)) || (rc = hist_add(c, &hs, "assessment", aid))) {
        status = web_status(rc);
        goto out;
    }
    qsort(hs.v, hs.n, sizeof *hs.v, cmp_seq_desc);
    html_t h;
    html_init(&h, &resp->body);
    char *title = xasprintf(web_tr(c, "通番 %d の変更履歴", "History of item %d"), (int)no);
    web_page_begin(c, &h, title);
    free(title);
    asm_header(c, &h, &x);
    html_open(&h, "p", "class", "objective", NULL);
    html_txt(&h, it->objective);
    html_close(&h, "p");
    size_t shown = 0;
    html_open(&h, "table", "class", "history", NULL);
    html_open(&h, "thead", NULL);
    html_open(&h, "tr", NULL);
    html_el(&h, "th", web_tr(c, "日時 (UTC)", "When (UTC)"));
    html_el(&h, "th", web_tr(c, "利用者", "User"));
    html_el(&h, "th", web_tr(c, "操作", "Action"));
    html_el(&h, "th", web_tr(c, "内容", "Details"));
    html_close(&h, "tr");
    html_close(&h, "thead");
    html_open(&h, "tbody", NULL);
    for (size_t i = 0; i < hs.n; i++) {
        const audit_row_t *r = &hs.v[i];
        json_t *before = r->before ? json_loads(r->before, 0, NULL) : NULL;
        json_t *after = r->after ? json_loads(r->after, 0, NULL) : NULL;
        json_t *imp = NULL; /* this item's changes in an import */
        if (strcmp(r->object_type, "assessment") == 0) {
            if (strcmp(r->action, "assessment.import") != 0) {
                json_decref(before);
                json_decref(after);
                continue;
            }
            json_t *chs = json_object_get(after, "changes");
            size_t k;
            json_t *e;
            json_array_foreach(chs, k, e)
            {
                if (json_integer_value(json_object_get(e, "no")) == no) {
                    if (!imp)
                        imp = json_array();
                    json_array_append(imp, e);
                }
            }
            if (!imp) {
                json_decref(before);
                json_decref(after);
                continue;
            }
        }
        shown++;
        html_open(&h, "tr", "data-action", r->action, NULL);
        text_cell(&h, r->at);
        text_cell(&h, r->user_login);
        html_open(&h, "td", NULL);
        html_txt(&h, action_label(c, r->action));
        if (strcmp(r->object_type, "answer") == 0) {
            const char *sd = strrchr(r->object_id, '/');
            side_t s;
            if (sd && side_parse(sd + 1, &s) == 0) {
                html_txt(&h, " (");
                html_txt(&h, asm_side_label(c, s));
                html_txt(&h, ")");
            }
        }
        html_close(&h, "td");
        html_open(&h, "td", NULL);
        if (strcmp(r->object_type, "answer") == 0) {
            answer_change_list(c, &h, before, after);
        } else if (strcmp(r->object_type, "review") == 0) {
            evaluation_t e = EVAL_UNRATED;
            const char *ev = jstr(after, "evaluation");
            if (ev)
                evaluation_parse(ev, &e);
            html_txt(&h, asm_eval_label(c, e));
            const char *cm = jstr(after, "comment");
            if (cm) {
                html_open(&h, "p", NULL);
                html_txt(&h, cm);
                html_close(&h, "p");
            }
        } else if (strcmp(r->object_type, "comment") == 0) {
            html_txt(&h, jstr(after, "body"));
        } else if (imp) {
            size_t k;
            json_t *e;
            json_array_foreach(imp, k, e)
            {
                side_t s;
                const char *sd = jstr(e, "side");
                if (sd && side_parse(sd, &s) == 0)
                    html_el(&h, "span", asm_side_label(c, s));
                answer_change_list(c, &h, json_object_get(e, "before"), json_object_get(e, "after"));
            }
        }
        html_close(&h, "td");
        html_close(&h, "tr");
        json_decref(imp);
        json_decref(before);
        json_decref(after);
    }
    html_close(&h, "tbody");
    html_close(&h, "table");
    if (shown == 0)
        html_el(&h, "p", web_tr(c, "まだ変更はありません。", "No changes yet."));
    char *back = xasprintf("/assessments/%" PRId64 "#item-%d", id, (int)no);
    html_open(&h, "p", NULL);
    html_link(&h, back, web_tr(c, "チェックリストに戻る", "Back to the checklist"));
    html_close(&h, "p");
    free(back);
    web_page_end(c, &h);
    status = html_failed(&h) ? 500 : 0;
out:
    audit_row_list_free(hs.v, hs.n);
    catalog_free(cat);
    assessment_clear(&x);
    return status;
}

/* ---- diff --------------------------------------------------------------- */

static void item_numbers(web_ctx_t *c, html_t *h, const diff_entry_t *e)
{
    if (e->item_a && e->item_b && e->item_a->no != e->item_b->no)
        html_txtf(h, web_tr(c, "通番 %d → %d", "item %d → %d"), e->item_a->no, e->item_b->no);
    else
        html_txtf(h, web_tr(c, "通番 %d", "item %d"), e->item_b ? e->item_b->no : e->item_a->no);
}

int asm_page_diff(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                  void *ctxp)
{
    web_ctx_t *c = ctxp;
    int64_t id = route_int(p, "id");
    assessment_t xb = { 0 }, xa = { 0 };
    catalog_t *ca = NULL, *cb = NULL;
    answerset_t *sa = NULL, *sb = NULL;
    answer_diff_t *d = NULL;
    int rc = store_assessment_get(c->st, &c->actor, id, &xb);
    if (rc)
        return web_status(rc);
    int status = 0;
    int64_t against = xb.previous_id;
    const char *ag = http_param(req, "against");
    if (ag && *ag) {
        char *end;
        errno = 0;
        long long v = strtoll(ag, &end, 10);
        if (errno || *end || v <= 0) {
            status = 400;
            goto out;
        }
        against = v;
    }
    html_t h;
    html_init(&h, &resp->body);
    if (!against) {
        web_page_begin(c, &h, web_tr(c, "前回との差分", "Changes since the previous round"));
        asm_header(c, &h, &xb);
        web_notice(&h, false, web_tr(c, "この評価には前回の回がありません。",
                                     "This assessment has no previous round."));
        web_page_end(c, &h);
        status = html_failed(&h) ? 500 : 0;
        goto out;
    }
    if ((rc = store_assessment_get(c->st, &c->actor, against, &xa)) ||
        !(ca = store_assessment_catalog(c->st, &c->actor, against, &rc)) ||
        !(cb = store_assessment_catalog(c->st, &c->actor, id, &rc)) ||
        (rc = store_answers(c->st, &c->actor, against, &sa)) ||
        (rc = store_answers(c->st, &c->actor, id, &sb))) {
        status = web_status(rc);
        goto out;
    }
    d = answerset_diff(ca, sa, cb, sb);
    char *title = xasprintf(web_tr(c, "%s と %s の差分", "%s compared with %s"), xb.round, xa.round);
    web_page_begin(c, &h, title);
    free(title);
    asm_header(c, &h, &xb);
    html_open(&h, "p", NULL);
    html_txtf(&h, web_tr(c, "比較対象: 評価 %" PRId64 " (%s)", "Compared with assessment %" PRId64 " (%s)"),
              xa.id, xa.round);
    html_close(&h, "p");
    if (d->n == 0) {
        html_open(&h, "p", "class", "notice", NULL);
        html_txtf(&h, web_tr(c, "違いはありません (照合した項目 %zu)", "No differences (%zu items compared)"),
                  d->matched);
        html_close(&h, "p");
    }
    html_open(&h, "ol", "class", "diff", NULL);
    for (size_t i = 0; i < d->n; i++) {
        const diff_entry_t *e = &d->v[i];
        const char *kind = e->kind == DIFF_ITEM_ADDED ? "added"
                           : e->kind == DIFF_ITEM_REMOVED ? "removed"
                                                         : "answer";
        html_open(&h, "li", "class", kind, NULL);
        html_open(&h, "strong", NULL);
        item_numbers(c, &h, e);
        html_close(&h, "strong");
        html_txt(&h, " ");
        if (e->kind == DIFF_ITEM_ADDED) {
            html_txt(&h, web_tr(c, "(今回のみの項目) ", "(only in this round) "));
            html_txt(&h, e->item_b->objective);
        } else if (e->kind == DIFF_ITEM_REMOVED) {
            html_txt(&h, web_tr(c, "(前回のみの項目) ", "(only in the other round) "));
            html_txt(&h, e->item_a->objective);
        } else {
            html_txt(&h, "[");
            html_txt(&h, asm_side_label(c, e->side));
            html_txt(&h, "] ");
            html_txt(&h, e->item_b->objective);
            answer_t empty = { 0 };
            const answer_t *b = e->before ? e->before : &empty, *a = e->after ? e->after : &empty;
            html_open(&h, "ul", "class", "field-changes", NULL);
            for (unsigned bit = 1; bit & DIFF_F_ALL; bit <<= 1) {
                if (!(e->fields & bit))
                    continue;
                const char *bv, *av;
                switch (bit) {
                case DIFF_F_STATUS:
                    bv = b->status ? asm_status_label(c, b->status) : "";
                    av = a->status ? asm_status_label(c, a->status) : "";
                    break;
                case DIFF_F_CURRENT: bv = b->current, av = a->current; break;
                case DIFF_F_GAP: bv = b->gap, av = a->gap; break;
                case DIFF_F_PLAN: bv = b->plan, av = a->plan; break;
                case DIFF_F_DUE: bv = b->due, av = a->due; break;
                default: bv = b->note, av = a->note; break;
                }
                html_open(&h, "li", NULL);
                html_txt(&h, c->req->lang == LANG_EN ? diff_field_code(bit) : diff_field_label(bit));
                html_txt(&h, ": ");
                html_open(&h, "del", NULL);
                html_txt(&h, bv ? bv : "");
                html_close(&h, "del");
                html_txt(&h, " → ");
                html_open(&h, "ins", NULL);
                html_txt(&h, av ? av : "");
                html_close(&h, "ins");
                html_close(&h, "li");
            }
            html_close(&h, "ul");
        }
        html_close(&h, "li");
    }
    html_close(&h, "ol");
    char *back = asm_url(id, NULL);
    html_open(&h, "p", NULL);
    html_link(&h, back, web_tr(c, "チェックリストに戻る", "Back to the checklist"));
    html_close(&h, "p");
    free(back);
    web_page_end(c, &h);
    status = html_failed(&h) ? 500 : 0;
out:
    answer_diff_free(d);
    answerset_free(sa);
    answerset_free(sb);
    catalog_free(ca);
    catalog_free(cb);
    assessment_clear(&xa);
    assessment_clear(&xb);
    return status;
}
