/*
 * store_summary — what the web pages need beyond the store's object
 * operations: the dashboard's counts for every visible assessment in a
 * fixed number of grouped queries (a bank with a thousand partners costs
 * three queries, not three thousand), and uploads kept in the database
 * between an import's preview and its confirmation.  See store.h, section
 * "summaries and uploads".
 *
 * Tenant isolation: the summary query filters assessments by the actor's
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

/* One statement, four kinds of grouped rows:
 *   'i' (aid, category, target, -, items, lowest item number)
 *   'a' (aid, category, side, status, answers, -)
 *   'r' (aid, -, evaluation, -, items, -)
 *   'p' (aid, -, -, -, open plans, overdue plans)
 * The items of an assessment are its catalog's, or its bank selection's
 * (chosen catalog items plus the bank's own). */
static const char SQL_SUMMARY[] =
    "WITH vis AS ("
    " SELECT a.id AS aid, a.catalog_id AS cat, a.selection_id AS sel"
    " FROM assessments a JOIN connections c ON c.id = a.connection_id"
    " WHERE CAST($1 AS BIGINT) = 1 OR c.bank_id = $2 OR c.partner_id = $2),"
    " items AS ("
    " SELECT v.aid AS aid, ci.item_no AS item_no, ci.category AS category, ci.target AS target"
    " FROM vis v JOIN catalog_items ci ON ci.catalog_id = v.cat"
    " WHERE v.sel IS NULL OR v.sel = 0"
    " UNION ALL SELECT v.aid, ci.item_no, ci.category, ci.target"
    " FROM vis v JOIN selection_catalog_items s ON s.selection_id = v.sel"
    " JOIN catalog_items ci ON ci.catalog_id = s.catalog_id AND ci.item_no = s.item_no"
    " UNION ALL SELECT v.aid, si.item_no, si.category, si.target"
    " FROM vis v JOIN selection_items si ON si.selection_id = v.sel)"
    " SELECT 'i', aid, category, target, CAST(NULL AS TEXT), count(*), min(item_no)"
    " FROM items GROUP BY aid, category, target"
    " UNION ALL SELECT 'a', i.aid, i.category, ans.side, ans.status, count(*), 0"
    " FROM items i JOIN answers ans ON ans.assessment_id = i.aid AND ans.item_no = i.item_no"
    " WHERE ans.status IS NOT NULL AND (i.target = 'both' OR i.target = ans.side)"
    " GROUP BY i.aid, i.category, ans.side, ans.status"
    " UNION ALL SELECT 'r', i.aid, CAST(NULL AS TEXT), r.evaluation, CAST(NULL AS TEXT),"
    " count(*), 0"
    " FROM items i JOIN reviews r ON r.assessment_id = i.aid AND r.item_no = i.item_no"
    " GROUP BY i.aid, r.evaluation"
    " UNION ALL SELECT 'p', p.assessment_id, CAST(NULL AS TEXT), CAST(NULL AS TEXT),"
    " CAST(NULL AS TEXT), count(*),"
    " sum(CASE WHEN p.due IS NOT NULL AND p.due < $3 THEN 1 ELSE 0 END)"
    " FROM plans p JOIN vis v ON v.aid = p.assessment_id WHERE p.state = 'open'"
    " GROUP BY p.assessment_id"
    " LIMIT 2000000";

static int cmp_id(const void *x, const void *y)
{
    const assessment_summary_t *a = x, *b = y;
    return a->a.id < b->a.id ? -1 : a->a.id > b->a.id;
}

/* The summary of assessment id in the id-sorted index, or NULL. */
static assessment_summary_t *find(assessment_summary_t **idx, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (idx[mid]->a.id == id)
            return idx[mid];
        if (idx[mid]->a.id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int cmp_ptr_id(const void *x, const void *y)
{
    return cmp_id(*(const assessment_summary_t *const *)x,
                  *(const assessment_summary_t *const *)y);
}

/* The category's entry, added when new. */
static summary_cat_t *cat_of(assessment_summary_t *s, const char *name, size_t *cap)
{
    for (size_t i = 0; i < s->ncats; i++)
        if (strcmp(s->cats[i].category, name) == 0)
            return &s->cats[i];
    s->cats = xgrow(s->cats, cap, s->ncats + 1, sizeof *s->cats);
    summary_cat_t *c = &s->cats[s->ncats++];
    memset(c, 0, sizeof *c);
    c->category = xstrdup(name);
    c->first_no = 0;
    return c;
}

static int cmp_cat(const void *x, const void *y)
{
    const summary_cat_t *a = x, *b = y;
    return a->first_no - b->first_no;
}

static int count_of(db_stmt_t *s, int col)
{
    int64_t v = db_col_int64(s, col);
    return v < 0 ? 0 : v > 1000000000 ? 1000000000 : (int)v;
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
    assessment_summary_t *v = xcalloc(nl ? nl : 1, sizeof *v);
    assessment_summary_t **idx = xcalloc(nl ? nl : 1, sizeof *idx);
    size_t *caps = xcalloc(nl ? nl : 1, sizeof *caps);
    for (size_t i = 0; i < nl; i++) {
        v[i].a = list[i]; /* the strings move */
        idx[i] = &v[i];
    }
    free(list);
    qsort(idx, nl, sizeof *idx, cmp_ptr_id);

    int src = 0;
    db_stmt_t *s = nl ? st_query(st, &src, SQL_SUMMARY, "nis", a->operator_ ? 1 : 0,
                                 a->org_id, today)
                      : NULL;
    if (nl && !s) {
        rc = st->last_rc < 0 ? st->last_rc : ST_DB;
        goto fail;
    }
    for (; s && src == DB_ROW; src = db_step(s)) {
        const char *kind = db_col_text(s, 0);
        assessment_summary_t *x = find(idx, nl, db_col_int64(s, 1));
        if (!kind || !x)
            continue;
        const char *cat = db_col_text(s, 2);
        const char *k1 = db_col_text(s, 3);
        const char *k2 = db_col_text(s, 4);
        int cnt = count_of(s, 5);
        switch (kind[0]) {
        case 'i': {
            target_t t = target_parse(k1);
            if (!t || !cat)
                break;
            size_t ci = (size_t)(x - v);
            summary_cat_t *c = cat_of(x, cat, &caps[ci]);
            int first = count_of(s, 6);
            if (!c->first_no || first < c->first_no)
                c->first_no = first;
            x->items += cnt;
            for (int sd = SIDE_PARTNER; sd <= SIDE_BANK; sd++)
                if (side_answers((side_t)sd, t)) {
                    c->slots[sd] += cnt;
                    x->slots[sd] += cnt;
                }
            break;
        }
        case 'a': {
            side_t sd;
            status_t stt;
            if (!cat || side_parse(k1, &sd) != 0 || status_parse(k2, &stt) != 0 ||
                stt == STATUS_UNSET)
                break;
            size_t ci = (size_t)(x - v);
            summary_cat_t *c = cat_of(x, cat, &caps[ci]);
            c->answered[sd] += cnt;
            x->status[sd][stt] += cnt;
            break;
        }
        case 'r': {
            evaluation_t e;
            if (evaluation_parse(k1, &e) == 0 && e != EVAL_UNRATED)
                x->eval[e] += cnt;
            break;
        }
        case 'p':
            x->plans_open += cnt;
            x->plans_overdue += count_of(s, 6);
            break;
        default:
            break;
        }
    }
    if (s) {
        db_finalize(s);
        if (src != DB_DONE) {
            rc = st_db_fail(st, src);
            goto fail;
        }
    }
    for (size_t i = 0; i < nl; i++) {
        assessment_summary_t *x = &v[i];
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
    free(idx);
    free(caps);
    *out = v;
    *n = nl;
    return ST_OK;
fail:
    free(idx);
    free(caps);
    assessment_summary_list_free(v, nl);
    return rc;
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
