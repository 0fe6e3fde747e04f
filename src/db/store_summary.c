/*
 * store_summary — what the web pages need beyond the store's object
 * operations: the dashboard's counts for every visible assessment in a
 * fixed number of grouped queries (a bank with a thousand partners costs
 * three queries, not three thousand), and uploads kept in the database
 * between an import's preview and its confirmation.  See store.h, section
 * "summaries and uploads".
 *
 * Tenant isolation: the summary queries filter assessments by the actor's
 * organization in SQL (as store_assessment_list does), and the rows are
 * then attached only to the assessments store_assessment_list returned for
 * the same actor, so nothing outside the actor's tenant is ever counted.
 */
#include "db/store_impl.h"

#include "util/i18n.h"
#include "util/xmem.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- dashboard ---------------------------------------------------------- */

/* The shape of a checklist: its items (by number) with 対象者 and 区分,
 * and per 区分 the answer slots of each side.  Assessments of one catalog
 * without a selection share one shape, as do those of one selection
 * version, so a thousand assessments need only a handful. */
typedef struct shape_item {
    int no;
    target_t target;
    int cat; /* index into cats */
} shape_item_t;

typedef struct shape {
    char *catalog_id;
    int64_t selection_id;
    shape_item_t *items;
    size_t nitems;
    summary_cat_t *cats; /* category names are the shape's; counts are slots */
    size_t ncats;
} shape_t;

static void shape_free(shape_t *sh)
{
    free(sh->catalog_id);
    free(sh->items);
    for (size_t i = 0; i < sh->ncats; i++)
        free(sh->cats[i].category);
    free(sh->cats);
}

static int cmp_item(const void *x, const void *y)
{
    const shape_item_t *a = x, *b = y;
    return a->no - b->no;
}

static int shape_load(store_t *st, shape_t *sh)
{
    int src = 0;
    db_stmt_t *s;
    if (sh->selection_id)
        s = st_query(st, &src,
                     "SELECT ci.item_no, ci.target, ci.category"
                     " FROM selection_catalog_items s JOIN catalog_items ci"
                     " ON ci.catalog_id = s.catalog_id AND ci.item_no = s.item_no"
                     " WHERE s.selection_id = $1"
                     " UNION ALL SELECT item_no, target, category FROM selection_items"
                     " WHERE selection_id = $1 ORDER BY 1 LIMIT 100000",
                     "i", sh->selection_id);
    else
        s = st_query(st, &src,
                     "SELECT item_no, target, category FROM catalog_items"
                     " WHERE catalog_id = $1 ORDER BY item_no LIMIT 100000",
                     "s", sh->catalog_id);
    if (!s)
        return st->last_rc < 0 ? st->last_rc : ST_DB;
    size_t icap = 0, ccap = 0;
    for (; src == DB_ROW; src = db_step(s)) {
        target_t t = target_parse(db_col_text(s, 1));
        const char *cat = db_col_text(s, 2);
        if (!t || !cat)
            continue;
        size_t c = 0;
        while (c < sh->ncats && strcmp(sh->cats[c].category, cat) != 0)
            c++;
        if (c == sh->ncats) {
            sh->cats = xgrow(sh->cats, &ccap, sh->ncats + 1, sizeof *sh->cats);
            memset(&sh->cats[c], 0, sizeof sh->cats[c]);
            sh->cats[c].category = xstrdup(cat);
            sh->ncats++;
        }
        int no = (int)db_col_int64(s, 0);
        if (!sh->cats[c].first_no || no < sh->cats[c].first_no)
            sh->cats[c].first_no = no;
        for (int sd = SIDE_PARTNER; sd <= SIDE_BANK; sd++)
            if (side_answers((side_t)sd, t))
                sh->cats[c].slots[sd]++;
        sh->items = xgrow(sh->items, &icap, sh->nitems + 1, sizeof *sh->items);
        sh->items[sh->nitems++] = (shape_item_t){ no, t, (int)c };
    }
    db_finalize(s);
    if (src != DB_DONE)
        return st_db_fail(st, src);
    qsort(sh->items, sh->nitems, sizeof *sh->items, cmp_item);
    return ST_OK;
}

static const shape_item_t *shape_find(const shape_t *sh, int no)
{
    shape_item_t key = { no, 0, 0 };
    return bsearch(&key, sh->items, sh->nitems, sizeof *sh->items, cmp_item);
}

/* Tenant filter shared by the queries below: $1 operator flag, $2 the
 * actor's organization. */
#define VISIBLE                                                                           \
    " JOIN assessments a ON a.id = x.assessment_id"                                       \
    " JOIN connections c ON c.id = a.connection_id"                                       \
    " WHERE (CAST($1 AS BIGINT) = 1 OR c.bank_id = $2 OR c.partner_id = $2)"

/* Every answer with a status (one row each: grouping by 区分 in SQL costs
 * more than reading the rows), evaluations and open plans per assessment. */
static const char SQL_ANSWERS[] =
    "SELECT x.assessment_id, x.item_no, x.side, x.status FROM answers x" VISIBLE
    " AND x.status IS NOT NULL LIMIT 10000000";
static const char SQL_REVIEWS[] =
    "SELECT x.assessment_id, x.evaluation, count(*) FROM reviews x" VISIBLE
    " GROUP BY x.assessment_id, x.evaluation LIMIT 10000000";
static const char SQL_PLANS[] =
    "SELECT x.assessment_id, count(*),"
    " sum(CASE WHEN x.due IS NOT NULL AND x.due < $3 THEN 1 ELSE 0 END)"
    " FROM plans x" VISIBLE " AND x.state = 'open' GROUP BY x.assessment_id LIMIT 10000000";

typedef struct dash {
    assessment_summary_t *v;
    size_t n;
    assessment_summary_t **idx; /* by id */
    shape_t *shapes;
    size_t nshapes;
    size_t *shape_of;           /* per v[i] */
} dash_t;

static int cmp_ptr_id(const void *x, const void *y)
{
    const assessment_summary_t *a = *(const assessment_summary_t *const *)x;
    const assessment_summary_t *b = *(const assessment_summary_t *const *)y;
    return a->a.id < b->a.id ? -1 : a->a.id > b->a.id;
}

static assessment_summary_t *dash_find(const dash_t *d, int64_t id)
{
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->idx[mid]->a.id == id)
            return d->idx[mid];
        if (d->idx[mid]->a.id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int count_of(db_stmt_t *s, int col)
{
    int64_t v = db_col_int64(s, col);
    return v < 0 ? 0 : v > 1000000000 ? 1000000000 : (int)v;
}

static int cmp_cat(const void *x, const void *y)
{
    const summary_cat_t *a = x, *b = y;
    return a->first_no - b->first_no;
}

/* Run one of the queries above and hand each row to fn. */
static int dash_rows(store_t *st, const actor_t *a, const char *sql, const char *today,
                     dash_t *d, void (*fn)(dash_t *, assessment_summary_t *, db_stmt_t *))
{
    int src = 0;
    db_stmt_t *s = today ? st_query(st, &src, sql, "nis", a->operator_ ? 1 : 0, a->org_id, today)
                         : st_query(st, &src, sql, "ni", a->operator_ ? 1 : 0, a->org_id);
    if (!s)
        return st->last_rc < 0 ? st->last_rc : ST_DB;
    assessment_summary_t *x = NULL;
    for (; src == DB_ROW; src = db_step(s)) {
        /* Rows mostly come grouped by assessment: keep the last one. */
        int64_t id = db_col_int64(s, 0);
        if (!x || x->a.id != id)
            x = dash_find(d, id);
        if (x)
            fn(d, x, s);
    }
    db_finalize(s);
    return src == DB_DONE ? ST_OK : st_db_fail(st, src);
}

/* The schema's codes (CHECK constraints: partner/bank, done/partial/todo/na)
 * told apart by their first letter: this runs once per answer. */
static int side_of_code(const char *c)
{
    return !c ? -1 : c[0] == 'p' ? SIDE_PARTNER : c[0] == 'b' ? SIDE_BANK : -1;
}

static status_t status_of_code(const char *c)
{
    if (!c)
        return STATUS_UNSET;
    switch (c[0]) {
    case 'd': return STATUS_DONE;
    case 'p': return STATUS_PARTIAL;
    case 't': return STATUS_TODO;
    case 'n': return STATUS_NA;
    default: return STATUS_UNSET;
    }
}

static void on_answer(dash_t *d, assessment_summary_t *x, db_stmt_t *s)
{
    const shape_t *sh = &d->shapes[d->shape_of[x - d->v]];
    const shape_item_t *it = shape_find(sh, (int)db_col_int64(s, 1));
    int side = side_of_code(db_col_text(s, 2));
    status_t stt = status_of_code(db_col_text(s, 3));
    if (!it || side < 0 || stt == STATUS_UNSET || !side_answers((side_t)side, it->target))
        return;
    side_t sd = (side_t)side;
    x->cats[it->cat].answered[sd]++;
    x->status[sd][stt]++;
}

static void on_review(dash_t *d, assessment_summary_t *x, db_stmt_t *s)
{
    (void)d;
    evaluation_t e;
    if (evaluation_parse(db_col_text(s, 1), &e) == 0 && e != EVAL_UNRATED)
        x->eval[e] += count_of(s, 2);
}

static void on_plan(dash_t *d, assessment_summary_t *x, db_stmt_t *s)
{
    (void)d;
    x->plans_open += count_of(s, 1);
    x->plans_overdue += count_of(s, 2);
}

int store_dashboard(store_t *st, const actor_t *a, const char *today,
                    assessment_summary_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!today || !date_valid_iso(today))
        return st_fail(st, ST_INVALID, "日付 (YYYY-MM-DD) ではありません", "not a date (YYYY-MM-DD)");
    assessment_t *list = NULL;
    size_t nl = 0;
    int rc = store_assessment_list(st, a, &list, &nl);
    if (rc)
        return rc;
    dash_t d = { 0 };
    d.n = nl;
    d.v = xcalloc(nl ? nl : 1, sizeof *d.v);
    d.idx = xcalloc(nl ? nl : 1, sizeof *d.idx);
    d.shape_of = xcalloc(nl ? nl : 1, sizeof *d.shape_of);
    size_t shcap = 0;
    for (size_t i = 0; i < nl; i++) {
        d.v[i].a = list[i]; /* the strings move */
        d.idx[i] = &d.v[i];
        size_t k = 0;
        while (k < d.nshapes && !(d.shapes[k].selection_id == list[i].selection_id &&
                                  strcmp(d.shapes[k].catalog_id, list[i].catalog_id) == 0))
            k++;
        if (k == d.nshapes) {
            d.shapes = xgrow(d.shapes, &shcap, d.nshapes + 1, sizeof *d.shapes);
            memset(&d.shapes[k], 0, sizeof d.shapes[k]);
            d.shapes[k].catalog_id = xstrdup(list[i].catalog_id);
            d.shapes[k].selection_id = list[i].selection_id;
            d.nshapes++;
            if (!rc)
                rc = shape_load(st, &d.shapes[k]);
        }
        d.shape_of[i] = k;
    }
    free(list);
    /* Every assessment starts from its shape: slots per 区分 and side. */
    for (size_t i = 0; !rc && i < nl; i++) {
        const shape_t *sh = &d.shapes[d.shape_of[i]];
        assessment_summary_t *x = &d.v[i];
        x->items = (int)sh->nitems;
        x->ncats = sh->ncats;
        x->cats = xcalloc(sh->ncats ? sh->ncats : 1, sizeof *x->cats);
        for (size_t c = 0; c < sh->ncats; c++) {
            x->cats[c] = sh->cats[c];
            x->cats[c].category = xstrdup(sh->cats[c].category);
            for (int sd = SIDE_PARTNER; sd <= SIDE_BANK; sd++)
                x->slots[sd] += sh->cats[c].slots[sd];
        }
    }
    qsort(d.idx, nl, sizeof *d.idx, cmp_ptr_id);
    if (!rc && nl)
        rc = dash_rows(st, a, SQL_ANSWERS, NULL, &d, on_answer);
    if (!rc && nl)
        rc = dash_rows(st, a, SQL_REVIEWS, NULL, &d, on_review);
    if (!rc && nl)
        rc = dash_rows(st, a, SQL_PLANS, today, &d, on_plan);
    for (size_t i = 0; !rc && i < nl; i++) {
        assessment_summary_t *x = &d.v[i];
        for (int sd = SIDE_PARTNER; sd <= SIDE_BANK; sd++) {
            int answered = 0;
            for (int k = STATUS_DONE; k <= STATUS_NA; k++)
                answered += x->status[sd][k];
            x->status[sd][STATUS_UNSET] = x->slots[sd] > answered ? x->slots[sd] - answered : 0;
        }
        int rated = x->eval[EVAL_OK] + x->eval[EVAL_IMPROVE] + x->eval[EVAL_NG];
        x->eval[EVAL_UNRATED] = x->items > rated ? x->items - rated : 0;
        if (x->ncats > 1)
            qsort(x->cats, x->ncats, sizeof *x->cats, cmp_cat);
    }
    for (size_t k = 0; k < d.nshapes; k++)
        shape_free(&d.shapes[k]);
    free(d.shapes);
    free(d.shape_of);
    free(d.idx);
    if (rc) {
        assessment_summary_list_free(d.v, nl);
        return rc;
    }
    *out = d.v;
    *n = nl;
    return ST_OK;
}

void assessment_summary_list_free(assessment_summary_t *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        assessment_clear(&v[i].a);
        for (size_t k = 0; k < v[i].ncats; k++)
            free(v[i].cats[k].category);
        free(v[i].cats);
    }
    free(v);
}

/* ---- uploads ------------------------------------------------------------ */

static bool sha_ok(const char *sha)
{
    if (!sha || strlen(sha) != 64)
        return false;
    for (const char *p = sha; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

int store_upload_put(store_t *st, const actor_t *a, const void *data, size_t len,
                     char sha_out[65])
{
    sha_out[0] = '\0';
    if (!a->operator_ && !a->org_id)
        return st_wf_fail(st, WF_FORBIDDEN);
    if (len > STORE_UPLOAD_MAX)
        return st_fail(st, ST_INVALID, "ファイルが大きすぎます (%zu バイト、上限 %u バイト)",
                       "the file is too large (%zu bytes, at most %u)", len, STORE_UPLOAD_MAX);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    char sha[65];
    sodium_bin2hex(sha, sizeof sha, h, sizeof h);
    int rc = st_begin_write(st);
    if (rc)
        return rc;
    char now[DB_NOW_LEN];
    db_now(now);
    db_stmt_t *s = db_prepare(store_db(st),
                              "INSERT INTO evidence_blobs (sha256, size, data, created_at)"
                              " VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING");
    if (!s)
        return st_abort(st, st_db_fail(st, db_errcode(store_db(st))));
    db_bind_text(s, 1, sha);
    db_bind_int64(s, 2, (int64_t)len);
    db_bind_blob(s, 3, len ? data : "", len);
    db_bind_text(s, 4, now);
    int step = db_step(s);
    db_finalize(s);
    if (step < 0)
        return st_abort(st, st_db_fail(st, step));
    char after[96];
    snprintf(after, sizeof after, "{\"size\":%zu}", len);
    if ((rc = store_audit_append(st, a, "upload.put", "upload", sha, NULL, after)))
        return st_abort(st, rc);
    if ((rc = st_commit(st)))
        return rc;
    memcpy(sha_out, sha, 65);
    return ST_OK;
}

int store_upload_get(store_t *st, const actor_t *a, const char *sha, char **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    if (!a->operator_ && !a->org_id)
        return st_wf_fail(st, WF_FORBIDDEN);
    if (!sha_ok(sha))
        return st_fail(st, ST_NOT_FOUND, "アップロードされたファイルが見つかりません",
                       "the uploaded file was not found");
    int src = 0;
    db_stmt_t *s = st_query(st, &src, "SELECT data FROM evidence_blobs WHERE sha256 = $1", "s",
                            sha);
    if (!s)
        return st->last_rc < 0 ? st->last_rc : ST_DB;
    if (src != DB_ROW) {
        db_finalize(s);
        return st_fail(st, ST_NOT_FOUND, "アップロードされたファイルが見つかりません",
                       "the uploaded file was not found");
    }
    size_t n = 0;
    const void *p = db_col_blob(s, 0, &n);
    char *buf = xmalloc(n + 1);
    if (n)
        memcpy(buf, p, n);
    buf[n] = '\0';
    db_finalize(s);
    *data = buf;
    *len = n;
    return ST_OK;
}

/* ---- answer versions ---------------------------------------------------- */

int store_answer_versions(store_t *st, const actor_t *a, int64_t assessment_id,
                          answer_version_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    wf_target_t t;
    int rc = st_assessment_target(st, assessment_id, &t, NULL);
    if (rc == ST_OK && workflow_check(a, ACT_READ, &t, SIDE_PARTNER, 0) != WF_OK)
        rc = st_wf_fail(st, WF_NOT_FOUND);
    if (rc)
        return rc == ST_NOT_FOUND || rc == ST_FORBIDDEN ? st_wf_fail(st, WF_NOT_FOUND) : rc;
    int src = 0;
    db_stmt_t *s = st_query(st, &src,
                            "SELECT item_no, side, version FROM answers WHERE assessment_id = $1"
                            " ORDER BY item_no, side LIMIT 200000",
                            "i", assessment_id);
    if (!s)
        return st->last_rc < 0 ? st->last_rc : ST_DB;
    answer_version_t *v = NULL;
    size_t k = 0, cap = 0;
    for (; src == DB_ROW; src = db_step(s)) {
        side_t sd;
        if (side_parse(db_col_text(s, 1), &sd) != 0)
            continue;
        v = xgrow(v, &cap, k + 1, sizeof *v);
        v[k].no = (int)db_col_int64(s, 0);
        v[k].side = sd;
        v[k].version = db_col_int64(s, 2);
        k++;
    }
    db_finalize(s);
    if (src != DB_DONE) {
        free(v);
        return st_db_fail(st, src);
    }
    *out = v;
    *n = k;
    return ST_OK;
}
