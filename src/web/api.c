/*
 * api.c — the JSON API under /api/v1 (docs/openapi.yaml describes it).
 *
 * Every handler is a thin translation between JSON and the store: it reads
 * the path and the body, calls the store as the signed-in actor (the store
 * and core/workflow.h decide who may do what, and another tenant's object
 * is ST_NOT_FOUND exactly like a missing one) and writes the result as
 * JSON.  Sign-in, the CSRF token of cookie sessions and the Origin check
 * happen centrally in app.c before a handler runs.
 *
 * Request bodies are strict: Content-Type application/json, valid UTF-8,
 * nesting at most LIMIT_JSON_DEPTH, one object, no duplicate keys, no
 * unknown keys, every member of its documented type.  Errors are
 * {"error": {"code", "message"}} with the codes bad_request (400),
 * unauthenticated (401, app.c), forbidden (403: the role may not, or the
 * side is not the actor's to answer), not_found (404), conflict (409: a
 * stale version, with the stored answer as "current") and invalid_state
 * (409: not in this workflow state), too_large (413, the server),
 * unsupported_media_type (415) and unavailable (503).  A 404 says the same
 * whatever the reason.  Messages follow the request's language where this
 * file writes them; a refusal the store explains comes in the server's.
 */
#include "web/pages/pages.h"

#include "core/answer.h"
#include "core/catalog.h"
#include "core/workflow.h"
#include "db/store.h"
#include "formats/csv.h"
#include "formats/json_io.h"
#include "formats/xlsx.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/limits.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "web/assets.h"
#include "web/ctx.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The longest item number accepted in a path (larger ones cannot exist). */
#define API_MAX_ITEM_NO 100000

/* ---- responses ------------------------------------------------------------ */

/* Send v (consumed) as the JSON body with status.  Returns 0 (the handler's
 * "response filled"). */
static int reply(web_ctx_t *c, int status, json_t *v)
{
    char *text = json_dumps(v, JSON_COMPACT);
    json_decref(v);
    if (!text) {
        web_json_error(c, 500, "error", web_tr(c, "応答を作れませんでした", "cannot build the response"));
        return 0;
    }
    buf_t b = BUF_INIT(0);
    buf_adds(&b, text);
    buf_addc(&b, '\n');
    free(text);
    http_resp_json(c->resp, status, buf_str(&b));
    buf_free(&b);
    return 0;
}

static int fail(web_ctx_t *c, int status, const char *code, const char *message)
{
    web_json_error(c, status, code, message);
    return 0;
}

static int not_found(web_ctx_t *c)
{
    return fail(c, 404, "not_found", web_tr(c, "見つかりません", "not found"));
}

static int bad_request(web_ctx_t *c, const char *ja, const char *en)
{
    return fail(c, 400, "bad_request", web_tr(c, ja, en));
}

/* The error for a store result.  NOT_FOUND (missing or another tenant's)
 * always reads the same; the other messages come from the store. */
static int store_fail(web_ctx_t *c, int rc)
{
    int status = web_status(rc);
    const char *m = store_errmsg(c->st);
    switch (rc) {
    case ST_NOT_FOUND: return not_found(c);
    case ST_FORBIDDEN:
        return fail(c, status, "forbidden",
                    web_tr(c, "この操作は許可されていません", "this operation is not permitted"));
    case ST_WRONG_SIDE:
        /* Another party's side, or a side that does not answer the item:
         * not this actor's to write, whatever the state. */
        return fail(c, 403, "forbidden",
                    *m ? m : web_tr(c, "この側には回答できません", "this side is not yours to answer"));
    case ST_BAD_STATE:
        return fail(c, status, "invalid_state",
                    *m ? m : web_tr(c, "今の状態ではできません", "not possible in the current state"));
    case ST_CONFLICT:
    case ST_EXISTS:
        return fail(c, status, "conflict",
                    *m ? m : web_tr(c, "他の変更と競合しました", "conflicts with another change"));
    case ST_INVALID:
        return fail(c, status, "bad_request",
                    *m ? m : web_tr(c, "値が正しくありません", "invalid value"));
    default:
        return fail(c, 503, "unavailable",
                    web_tr(c, "データベースが使えません。しばらくしてからやり直してください",
                           "the database is unavailable; try again shortly"));
    }
}

/* ---- JSON values ------------------------------------------------------------ */

/* A string, or null for NULL (and for text jansson would refuse, which the
 * store never holds). */
static json_t *jtext(const char *s)
{
    json_t *v = s ? json_string(s) : NULL;
    return v ? v : json_null();
}

/* "" as null: unset codes (status). */
static json_t *jcode(const char *s)
{
    return s && *s ? jtext(s) : json_null();
}

static void jset(json_t *o, const char *key, json_t *v)
{
    json_object_set_new(o, key, v);
}

/* ---- request bodies ---------------------------------------------------------- */

/* Nesting depth of JSON text, strings skipped: refused before jansson
 * recurses into it. */
static bool depth_ok(const char *s, size_t n)
{
    int depth = 0;
    bool in_str = false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (in_str) {
            if (ch == '\\')
                i++;
            else if (ch == '"')
                in_str = false;
        } else if (ch == '"') {
            in_str = true;
        } else if (ch == '[' || ch == '{') {
            if (++depth > LIMIT_JSON_DEPTH)
                return false;
        } else if (ch == ']' || ch == '}') {
            depth--;
        }
    }
    return true;
}

/* The request body as a JSON object whose keys are all in keys (NULL
 * terminated).  With optional, an empty body gives an empty object.
 * Returns the object, or NULL after rendering the error. */
static json_t *body_object(web_ctx_t *c, const char *const *keys, bool optional)
{
    const http_req_t *req = c->req;
    const char *text = req->body.p ? req->body.p : "";
    size_t len = req->body.len;
    if (len == 0 && optional)
        return json_object();
    char ct[128];
    http_content_type(req, ct);
    if (strcmp(ct, "application/json") != 0) {
        fail(c, 415, "unsupported_media_type",
             web_tr(c, "本文は application/json で送ってください",
                    "send the body as application/json"));
        return NULL;
    }
    if (len == 0) {
        bad_request(c, "本文がありません", "the body is empty");
        return NULL;
    }
    if (!utf8_valid(text, len, NULL) || memchr(text, '\0', len)) {
        bad_request(c, "本文が UTF-8 ではありません", "the body is not valid UTF-8");
        return NULL;
    }
    if (!depth_ok(text, len)) {
        bad_request(c, "JSON の入れ子が深すぎます", "the JSON nests too deep");
        return NULL;
    }
    json_error_t err;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    if (!root) {
        bad_request(c, "JSON として読めません (重複したキーを含む)",
                    "malformed JSON (duplicate keys included)");
        return NULL;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        bad_request(c, "本文は JSON オブジェクトです", "the body must be a JSON object");
        return NULL;
    }
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
        bool known = false;
        for (size_t i = 0; keys[i] && !known; i++)
            known = strcmp(key, keys[i]) == 0;
        if (!known) {
            json_decref(root);
            bad_request(c, "知らないキーがあります", "unknown key in the body");
            return NULL;
        }
    }
    return root;
}

/* An optional string member: *out is its value, or NULL when absent or
 * null.  false (after rendering 400) when it has another type. */
static bool member_text(web_ctx_t *c, const json_t *o, const char *key, const char **out)
{
    const json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return true;
    if (!json_is_string(v)) {
        buf_t b = BUF_INIT(0);
        buf_printf(&b, web_tr(c, "%s は文字列です", "%s must be a string"), key);
        fail(c, 400, "bad_request", buf_str(&b));
        buf_free(&b);
        return false;
    }
    *out = json_string_value(v);
    return true;
}

/* ---- shared pieces of output ----------------------------------------------- */

static json_t *assessment_json(const assessment_t *x)
{
    json_t *o = json_object();
    jset(o, "id", json_integer(x->id));
    jset(o, "connection_id", json_integer(x->connection_id));
    json_t *bank = json_object();
    jset(bank, "id", json_integer(x->bank_id));
    jset(bank, "name", jtext(x->bank_name));
    jset(o, "bank", bank);
    json_t *partner = json_object();
    jset(partner, "id", json_integer(x->partner_id));
    jset(partner, "name", jtext(x->partner_name));
    jset(o, "partner", partner);
    jset(o, "scope", jtext(x->scope));
    jset(o, "catalog", jtext(x->catalog_id));
    jset(o, "selection_id", x->selection_id ? json_integer(x->selection_id) : json_null());
    jset(o, "round", jtext(x->round));
    jset(o, "due", jtext(x->due));
    jset(o, "state", jtext(wf_state_code(x->state)));
    jset(o, "version", json_integer(x->version));
    jset(o, "previous_id", x->previous_id ? json_integer(x->previous_id) : json_null());
    jset(o, "updated_at", jtext(x->updated_at));
    return o;
}

static json_t *answer_json(const answer_t *a, int64_t version)
{
    json_t *o = json_object();
    jset(o, "no", json_integer(a->no));
    jset(o, "side", jtext(side_code(a->side)));
    jset(o, "status", jcode(status_code(a->status)));
    jset(o, "current", jtext(a->current));
    jset(o, "gap", jtext(a->gap));
    jset(o, "plan", jtext(a->plan));
    jset(o, "due", jtext(a->due));
    jset(o, "note", jtext(a->note));
    jset(o, "version", json_integer(version));
    return o;
}

static json_t *comment_json(const comment_t *m)
{
    json_t *o = json_object();
    jset(o, "id", json_integer(m->id));
    jset(o, "author", jtext(m->author_login));
    jset(o, "body", jtext(m->body));
    jset(o, "created_at", jtext(m->created_at));
    return o;
}

static json_t *refs_json(const item_t *it)
{
    json_t *refs = json_array();
    for (size_t k = 0; k < it->nrefs; k++) {
        const ref_t *r = &it->refs[k];
        json_t *ro = json_object();
        jset(ro, "source", jtext(r->source));
        jset(ro, "clause", jtext(r->clause));
        jset(ro, "title", jtext(r->title));
        jset(ro, "point", jtext(r->point));
        json_array_append_new(refs, ro);
    }
    return refs;
}

/* ---- catalogs ----------------------------------------------------------------- */

/* GET /api/v1/catalogs — every edition: id, title, date, publisher, items. */
static int api_catalogs(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                        void *ctxp)
{
    (void)req;
    (void)resp;
    (void)p;
    web_ctx_t *c = ctxp;
    char **ids = NULL;
    size_t n = 0;
    int rc = store_catalog_ids(c->st, &ids, &n);
    if (rc != ST_OK)
        return store_fail(c, rc);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        catalog_t *cat = store_catalog_get(c->st, ids[i]);
        if (cat) {
            json_t *o = json_object();
            jset(o, "id", jtext(cat->id));
            jset(o, "title", jtext(cat->title));
            jset(o, "date", jtext(cat->date));
            jset(o, "publisher", jtext(cat->publisher));
            jset(o, "items", json_integer((json_int_t)cat->nitems));
            json_array_append_new(list, o);
            catalog_free(cat);
        }
        free(ids[i]);
    }
    free(ids);
    json_t *root = json_object();
    jset(root, "catalogs", list);
    return reply(c, 200, root);
}

/* GET /api/v1/catalogs/{id} — the edition as json_io writes it. */
static int api_catalog(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                       void *ctxp)
{
    (void)req;
    web_ctx_t *c = ctxp;
    catalog_t *cat = store_catalog_get(c->st, route_str(p, "id"));
    if (!cat)
        return not_found(c);
    char *text = catalog_to_json(cat);
    catalog_free(cat);
    if (!text)
        return fail(c, 500, "error", web_tr(c, "応答を作れませんでした", "cannot build the response"));
    http_resp_json(resp, 200, text);
    free(text);
    return 0;
}

/* ---- assessments ---------------------------------------------------------------- */

/* GET /api/v1/assessments[?state=S] — those the actor may see, newest
 * first; with state, only those in that workflow state. */
static int api_assessments(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                           void *ctxp)
{
    (void)resp;
    (void)p;
    web_ctx_t *c = ctxp;
    const char *state_s = http_param(req, "state");
    wf_state_t state = 0;
    if (state_s && wf_state_parse(state_s, &state) != 0)
        return bad_request(c, "state は draft, submitted, in_review, returned, accepted のいずれかです",
                           "state is one of draft, submitted, in_review, returned, accepted");
    assessment_t *v = NULL;
    size_t n = 0;
    int rc = store_assessment_list(c->st, &c->actor, &v, &n);
    if (rc != ST_OK)
        return store_fail(c, rc);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        if (!state_s || v[i].state == state)
            json_array_append_new(list, assessment_json(&v[i]));
    assessment_list_free(v, n);
    json_t *root = json_object();
    jset(root, "assessments", list);
    return reply(c, 200, root);
}

/* The comments of one item (no > 0) or of the assessment (no == 0) from
 * the whole list. */
static json_t *thread_json(const comment_t *v, size_t n, int no)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        if (v[i].no == no)
            json_array_append_new(a, comment_json(&v[i]));
    return a;
}

/* The stored version of (no, side): 0 when never saved. */
static int64_t version_of(const answer_version_t *v, size_t n, int no, side_t side)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].no == no && v[i].side == side)
            return v[i].version;
    return 0;
}

/* The assessment with everything a client needs to show and edit it: a
 * fixed number of store calls, whatever the number of items. */
static int assessment_full(web_ctx_t *c, int64_t id, json_t **out)
{
    assessment_t x = { 0 };
    catalog_t *cat = NULL;
    answerset_t *set = NULL;
    answer_version_t *vers = NULL;
    review_t *rv = NULL;
    comment_t *cm = NULL;
    size_t nvers = 0, nrv = 0, ncm = 0;
    int rc = store_assessment_get(c->st, &c->actor, id, &x);
    if (rc == ST_OK && !(cat = store_assessment_catalog(c->st, &c->actor, id, &rc)))
        rc = rc ? rc : ST_NOT_FOUND;
    if (rc == ST_OK)
        rc = store_answers(c->st, &c->actor, id, &set);
    if (rc == ST_OK)
        rc = store_answer_versions(c->st, &c->actor, id, &vers, &nvers);
    if (rc == ST_OK)
        rc = store_reviews(c->st, &c->actor, id, &rv, &nrv);
    if (rc == ST_OK)
        rc = store_comments(c->st, &c->actor, id, -1, &cm, &ncm);
    json_t *root = NULL;
    if (rc == ST_OK) {
        root = assessment_json(&x);
        jset(root, "catalog_title", jtext(cat->title));
        jset(root, "comments", thread_json(cm, ncm, 0));
        json_t *items = json_array();
        size_t r = 0;
        for (size_t i = 0; i < cat->nitems; i++) {
            const item_t *it = &cat->items[i];
            json_t *o = json_object();
            jset(o, "no", json_integer(it->no));
            jset(o, "category", jtext(it->category));
            jset(o, "objective", jtext(it->objective));
            jset(o, "target", jtext(target_code(it->target)));
            jset(o, "references", refs_json(it));
            jset(o, "note", jtext(it->note));
            json_t *answers = json_object();
            for (int s = SIDE_PARTNER; s <= SIDE_BANK; s++) {
                if (!side_answers((side_t)s, it->target))
                    continue;
                const answer_t *found = answerset_find(set, it->no, (side_t)s);
                answer_t empty = { 0 };
                empty.no = it->no;
                empty.side = (side_t)s;
                jset(answers, side_code((side_t)s),
                     answer_json(found ? found : &empty,
                                 version_of(vers, nvers, it->no, (side_t)s)));
            }
            jset(o, "answers", answers);
            while (r < nrv && rv[r].no < it->no)
                r++;
            evaluation_t e = r < nrv && rv[r].no == it->no ? rv[r].evaluation : EVAL_UNRATED;
            json_t *review = json_object();
            jset(review, "evaluation", jtext(evaluation_code(e)));
            jset(review, "comments", thread_json(cm, ncm, it->no));
            jset(o, "review", review);
            json_array_append_new(items, o);
        }
        jset(root, "items", items);
    }
    comment_list_free(cm, ncm);
    free(rv);
    free(vers);
    answerset_free(set);
    catalog_free(cat);
    assessment_clear(&x);
    *out = root;
    return rc;
}

/* GET /api/v1/assessments/{id} */
static int api_assessment(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                          void *ctxp)
{
    (void)req;
    (void)resp;
    web_ctx_t *c = ctxp;
    json_t *root = NULL;
    int rc = assessment_full(c, route_int(p, "id"), &root);
    if (rc != ST_OK)
        return store_fail(c, rc);
    return reply(c, 200, root);
}

/* The item number of the path, 0 when it cannot be one. */
static int path_item(const route_params_t *p)
{
    int64_t no = route_int(p, "no");
    return no >= 1 && no <= API_MAX_ITEM_NO ? (int)no : 0;
}

/* PUT /api/v1/assessments/{id}/items/{no}/answers/{side}
 * {"status","current","gap","plan","due","note","version"}: the whole
 * answer, based on version.  200 with the saved answer and its new version;
 * 409 conflict with the stored answer as "current" when version is stale. */
static int api_answer_put(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                          void *ctxp)
{
    (void)req;
    (void)resp;
    web_ctx_t *c = ctxp;
    static const char *const keys[] = { "status", "current", "gap", "plan",
                                        "due",    "note",    "version", NULL };
    int64_t id = route_int(p, "id");
    int no = path_item(p);
    side_t side = route_side(p, "side");
    if (!no)
        return not_found(c);
    json_t *o = body_object(c, keys, false);
    if (!o)
        return 0;
    answer_t ans = { 0 };
    ans.no = no;
    ans.side = side;
    const char *status = NULL, *text[5];
    const char *const tkeys[5] = { "current", "gap", "plan", "due", "note" };
    int ret = 0;
    const json_t *ver = json_object_get(o, "version");
    if (!ver || !json_is_integer(ver) || json_integer_value(ver) < 0) {
        ret = bad_request(c, "version (元にした版、0 以上の整数) が必要です",
                          "version (the version this is based on, an integer >= 0) is required");
        goto out;
    }
    if (!member_text(c, o, "status", &status))
        goto out;
    for (size_t i = 0; i < 5; i++)
        if (!member_text(c, o, tkeys[i], &text[i]))
            goto out;
    if (status_parse(status ? status : "", &ans.status) != 0) {
        ret = bad_request(c, "status は done, partial, todo, na のいずれかです",
                          "status is one of done, partial, todo, na");
        goto out;
    }
    answer_set_text(&ans.current, text[0]);
    answer_set_text(&ans.gap, text[1]);
    answer_set_text(&ans.plan, text[2]);
    answer_set_text(&ans.due, text[3]);
    answer_set_text(&ans.note, text[4]);
    int64_t nv = 0;
    int rc = store_answer_save(c->st, &c->actor, id, &ans, (int64_t)json_integer_value(ver), &nv);
    answer_t cur;
    int64_t cv = 0;
    if (rc == ST_CONFLICT) {
        char *msg = xstrdup(store_errmsg(c->st));
        if (store_answer_get(c->st, &c->actor, id, no, side, &cur, &cv) == ST_OK) {
            cur.no = no;
            cur.side = side;
            json_t *err = json_object();
            jset(err, "code", json_string("conflict"));
            jset(err, "message", jtext(msg));
            jset(err, "current", answer_json(&cur, cv));
            json_t *root = json_object();
            jset(root, "error", err);
            ret = reply(c, 409, root);
        } else {
            ret = store_fail(c, ST_CONFLICT);
        }
        store_answer_clear(&cur);
        free(msg);
        goto out;
    }
    if (rc != ST_OK) {
        ret = store_fail(c, rc);
        goto out;
    }
    rc = store_answer_get(c->st, &c->actor, id, no, side, &cur, &cv);
    if (rc == ST_OK) {
        cur.no = no;
        cur.side = side;
        ret = reply(c, 200, answer_json(&cur, cv));
    } else {
        ret = store_fail(c, rc);
    }
    store_answer_clear(&cur);
out:
    store_answer_clear(&ans);
    json_decref(o);
    return ret;
}

/* One workflow step with the optional {"comment"} of the body; 200 with
 * the assessment after it. */
static int step(web_ctx_t *c, const route_params_t *p, wf_action_t action)
{
    static const char *const keys[] = { "comment", NULL };
    int64_t id = route_int(p, "id");
    json_t *o = body_object(c, keys, true);
    if (!o)
        return 0;
    const char *comment = NULL;
    int ret = 0;
    if (member_text(c, o, "comment", &comment)) {
        int rc = store_assessment_step(c->st, &c->actor, id, action, comment);
        assessment_t x = { 0 };
        if (rc == ST_OK)
            rc = store_assessment_get(c->st, &c->actor, id, &x);
        ret = rc == ST_OK ? reply(c, 200, assessment_json(&x)) : store_fail(c, rc);
        assessment_clear(&x);
    }
    json_decref(o);
    return ret;
}

/* POST /api/v1/assessments/{id}/submit | start-review | return | accept:
 * the workflow steps (draft/returned → submitted → in review → returned or
 * accepted), named by the path's last segment. */
static int api_step(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                    void *ctxp)
{
    (void)resp;
    wf_action_t act;
    if (!web_step_action(req->path, &act))
        return not_found(ctxp);
    return step(ctxp, p, act);
}

/* PUT /api/v1/assessments/{id}/items/{no}/review {"evaluation","comment"} */
static int api_review_put(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                          void *ctxp)
{
    (void)req;
    (void)resp;
    web_ctx_t *c = ctxp;
    static const char *const keys[] = { "evaluation", "comment", NULL };
    int64_t id = route_int(p, "id");
    int no = path_item(p);
    if (!no)
        return not_found(c);
    json_t *o = body_object(c, keys, false);
    if (!o)
        return 0;
    const char *ev = NULL, *comment = NULL;
    evaluation_t e;
    int ret = 0;
    if (!member_text(c, o, "evaluation", &ev) || !member_text(c, o, "comment", &comment))
        goto out;
    if (!ev || evaluation_parse(ev, &e) != 0) {
        ret = bad_request(c, "evaluation は unrated, ok, improve, ng のいずれかです",
                          "evaluation is one of unrated, ok, improve, ng");
        goto out;
    }
    int rc = store_review_set(c->st, &c->actor, id, no, e, comment);
    if (rc != ST_OK) {
        ret = store_fail(c, rc);
        goto out;
    }
    json_t *root = json_object();
    jset(root, "no", json_integer(no));
    jset(root, "evaluation", jtext(evaluation_code(e)));
    ret = reply(c, 200, root);
out:
    json_decref(o);
    return ret;
}

/* POST /api/v1/assessments/{id}/items/{no}/comments {"body"}: add to an
 * item's thread (either party, not viewers, until accepted); 201 with the
 * thread. */
static int api_comment_post(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                            void *ctxp)
{
    (void)req;
    (void)resp;
    web_ctx_t *c = ctxp;
    static const char *const keys[] = { "body", NULL };
    int64_t id = route_int(p, "id");
    int no = path_item(p);
    if (!no)
        return not_found(c);
    json_t *o = body_object(c, keys, false);
    if (!o)
        return 0;
    const char *body = NULL;
    int ret = 0;
    if (member_text(c, o, "body", &body)) {
        int rc = body ? store_comment_add(c->st, &c->actor, id, no, body) : ST_INVALID;
        comment_t *cm = NULL;
        size_t n = 0;
        if (rc == ST_OK)
            rc = store_comments(c->st, &c->actor, id, no, &cm, &n);
        if (rc == ST_OK) {
            json_t *root = json_object();
            jset(root, "no", json_integer(no));
            jset(root, "comments", thread_json(cm, n, no));
            ret = reply(c, 201, root);
        } else if (!body) {
            ret = bad_request(c, "body (コメント) が必要です", "body (the comment) is required");
        } else {
            ret = store_fail(c, rc);
        }
        comment_list_free(cm, n);
    }
    json_decref(o);
    return ret;
}

/* ---- export ---------------------------------------------------------------------- */

/* GET /api/v1/assessments/{id}/export?format=xlsx|csv|json&side=&encoding= */
static int api_export(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                      void *ctxp)
{
    web_ctx_t *c = ctxp;
    int64_t id = route_int(p, "id");
    const char *format = http_param(req, "format");
    const char *side_s = http_param(req, "side");
    const char *enc_s = http_param(req, "encoding");
    if (!format)
        format = "xlsx";
    if (strcmp(format, "xlsx") != 0 && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
        return bad_request(c, "format は xlsx, csv, json のいずれかです",
                           "format is one of xlsx, csv, json");
    int side = -1;
    if (side_s) {
        side_t sd;
        if (strcmp(side_s, "partner") != 0 && strcmp(side_s, "bank") != 0)
            return bad_request(c, "side は partner か bank です", "side is partner or bank");
        side_parse(side_s, &sd);
        side = (int)sd;
    }
    csv_encoding_t enc = CSV_UTF8_BOM;
    if (enc_s) {
        if (strcmp(enc_s, "utf8-bom") == 0)
            enc = CSV_UTF8_BOM;
        else if (strcmp(enc_s, "utf8") == 0)
            enc = CSV_UTF8;
        else if (strcmp(enc_s, "cp932") == 0)
            enc = CSV_CP932;
        else
            return bad_request(c, "encoding は utf8-bom, utf8, cp932 のいずれかです",
                               "encoding is one of utf8-bom, utf8, cp932");
    }
    int rc;
    catalog_t *cat = store_assessment_catalog(c->st, &c->actor, id, &rc);
    if (!cat)
        return store_fail(c, rc ? rc : ST_NOT_FOUND);
    answerset_t *set = NULL;
    if ((rc = store_answers(c->st, &c->actor, id, &set)) != ST_OK) {
        catalog_free(cat);
        return store_fail(c, rc);
    }
    char *why = NULL;
    size_t len = 0;
    const char *type;
    char *data = web_export(cat, set, format, side, enc, &len, &type, &why);
    answerset_free(set);
    catalog_free(cat);
    int ret = 0;
    if (!data) {
        /* CP932 cannot hold a character, or the file is too large. */
        ret = fail(c, 400, "bad_request",
                   why ? why : web_tr(c, "書き出せませんでした", "cannot export"));
    } else {
        http_resp_reset(resp);
        http_resp_set_type(resp, type);
        char disp[128];
        snprintf(disp, sizeof disp, "attachment; filename=\"assessment-%lld%s%s.%s\"",
                 (long long)id, side >= 0 ? "-" : "", side >= 0 ? side_code((side_t)side) : "",
                 format);
        http_resp_header(resp, "Content-Disposition", disp);
        if (buf_add(&resp->body, data, len) != 0)
            ret = fail(c, 503, "unavailable", web_tr(c, "書き出しが大きすぎます", "the export is too large"));
    }
    free(data);
    free(why);
    return ret;
}

/* ---- audit -------------------------------------------------------------------------- */

/* A stored before/after value: its JSON when it parses, else the text. */
static json_t *audit_value(const char *s)
{
    if (!s)
        return json_null();
    json_t *v = json_loads(s, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
    return v ? v : jtext(s);
}

/* GET /api/v1/audit?object=TYPE/ID&user=LOGIN&limit=N — the events the
 * actor may see, newest first.  An assessment's objects another tenant
 * asks for are 404. */
static int api_audit(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                     void *ctxp)
{
    (void)resp;
    (void)p;
    web_ctx_t *c = ctxp;
    audit_filter_t f = { 0 };
    const char *object = http_param(req, "object");
    const char *limit = http_param(req, "limit");
    char *type = NULL;
    if (object) {
        const char *slash = strchr(object, '/');
        if (!*object || slash == object)
            return bad_request(c, "object は 種類/ID (例: assessment/3) です",
                               "object is TYPE/ID (such as assessment/3)");
        type = slash ? xstrndup(object, (size_t)(slash - object)) : xstrdup(object);
        f.object_type = type;
        f.object_id = slash && slash[1] ? slash + 1 : NULL;
    }
    f.user_login = http_param(req, "user");
    if (limit) {
        char *end;
        long v = strtol(limit, &end, 10);
        if (!*limit || *end || v < 1 || v > 1000) {
            free(type);
            return bad_request(c, "limit は 1 から 1000 です", "limit is 1 to 1000");
        }
        f.limit = (int)v;
    }
    audit_row_t *v = NULL;
    size_t n = 0;
    int rc = store_audit_log(c->st, &c->actor, &f, &v, &n);
    free(type);
    if (rc != ST_OK)
        return store_fail(c, rc);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        jset(o, "seq", json_integer(v[i].seq));
        jset(o, "at", jtext(v[i].at));
        jset(o, "user", jtext(v[i].user_login));
        jset(o, "action", jtext(v[i].action));
        jset(o, "object_type", jtext(v[i].object_type));
        jset(o, "object_id", jtext(v[i].object_id));
        jset(o, "before", audit_value(v[i].before));
        jset(o, "after", audit_value(v[i].after));
        json_array_append_new(list, o);
    }
    audit_row_list_free(v, n);
    json_t *root = json_object();
    jset(root, "events", list);
    return reply(c, 200, root);
}

/* ---- the description ----------------------------------------------------------------- */

/* GET /api/v1/openapi.yaml — docs/openapi.yaml, embedded at build time. */
static int api_openapi(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                       void *ctxp)
{
    (void)req;
    (void)p;
    web_ctx_t *c = ctxp;
    const web_asset_t *a = web_asset_find("openapi.yaml");
    if (!a)
        return not_found(c);
    http_resp_set_type(resp, a->content_type);
    http_resp_header(resp, "ETag", a->etag);
    if (buf_add(&resp->body, a->data, a->len) != 0)
        return 500;
    return 0;
}

const route_t web_api_routes[] = {
    { HTTP_GET, "/api/v1/openapi.yaml", api_openapi, ROUTE_PUBLIC, 0 },
    { HTTP_GET, "/api/v1/catalogs", api_catalogs, 0, 0 },
    { HTTP_GET, "/api/v1/catalogs/{id:name}", api_catalog, 0, 0 },
    { HTTP_GET, "/api/v1/assessments", api_assessments, 0, 0 },
    { HTTP_GET, "/api/v1/assessments/{id:int}", api_assessment, 0, 0 },
    { HTTP_PUT, "/api/v1/assessments/{id:int}/items/{no:int}/answers/{side:side}",
      api_answer_put, ROUTE_CHANGES_STATE, 0 },
    { HTTP_PUT, "/api/v1/assessments/{id:int}/items/{no:int}/review", api_review_put,
      ROUTE_CHANGES_STATE, 0 },
    { HTTP_POST, "/api/v1/assessments/{id:int}/items/{no:int}/comments", api_comment_post,
      ROUTE_CHANGES_STATE, 0 },
    { HTTP_POST, "/api/v1/assessments/{id:int}/submit", api_step, ROUTE_CHANGES_STATE, 0 },
    { HTTP_POST, "/api/v1/assessments/{id:int}/start-review", api_step,
      ROUTE_CHANGES_STATE, 0 },
    { HTTP_POST, "/api/v1/assessments/{id:int}/return", api_step, ROUTE_CHANGES_STATE, 0 },
    { HTTP_POST, "/api/v1/assessments/{id:int}/accept", api_step, ROUTE_CHANGES_STATE, 0 },
    { HTTP_GET, "/api/v1/assessments/{id:int}/export", api_export, 0, 0 },
    { HTTP_GET, "/api/v1/audit", api_audit, 0, 0 },
};
const size_t web_api_nroutes = sizeof web_api_routes / sizeof web_api_routes[0];
