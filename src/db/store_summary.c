/*
 * store_summary — what the web pages need beyond the store's object
 * operations: the dashboard (totals over every visible assessment in a
 * fixed number of grouped queries, counts per row only for the page shown,
 * so a bank with a thousand partners costs what one page costs plus a few
 * aggregates), and uploads kept in the database between an import's
 * preview and its confirmation.  See store.h, section "summaries and
 * uploads".
 *
 * Tenant isolation: every dashboard query starts from the connections of
 * the actor's organization in SQL (operators: all), and the rows are
 * checked once more with the workflow rules, as store_assessment_list does.
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
    shape_item_t *items;   /* by number */
    size_t nitems;
    summary_cat_t *cats;   /* by first_no; names are the dashboard's (merged) */
    size_t ncats;
    size_t *merged;        /* per cat: its index in the dashboard's cats */
    int assessments;       /* visible assessments of this shape */
    int slots[2];
} shape_t;

/* One request's work: the actor, the tenant parameter of every query, the
 * shapes met so far and the result being built. */
typedef struct dctx {
    store_t *st;
    const actor_t *a;
    int vis;               /* VIS_*: which text of each query */
    int64_t tenant;        /* $1: the actor's organization, or 1 for an operator */
    const char *today;
    shape_t *shapes;
    size_t nshapes, shcap, catcap;
    dashboard_t *out;
} dctx_t;

static void shape_free(shape_t *sh)
{
    free(sh->catalog_id);
    free(sh->items);
    free(sh->cats);
    free(sh->merged);
}

static int cmp_item(const void *x, const void *y)
{
    const shape_item_t *a = x, *b = y;
    return a->no - b->no;
}

/* The dashboard's 区分 of this name (added when new); its index. */
static size_t cat_merge(dctx_t *d, const char *name, int first_no)
{
    dashboard_t *o = d->out;
    size_t m = 0;
    while (m < o->ncats && strcmp(o->cats[m].category, name) != 0)
        m++;
    if (m == o->ncats) {
        o->cats = xgrow(o->cats, &d->catcap, o->ncats + 1, sizeof *o->cats);
        memset(&o->cats[m], 0, sizeof o->cats[m]);
        o->cats[m].category = xstrdup(name);
        o->cats[m].first_no = first_no;
        o->ncats++;
    } else if (first_no < o->cats[m].first_no) {
        o->cats[m].first_no = first_no;
    }
    return m;
}

/* Items come in number order, so each 区分 starts at its lowest number and
 * the 区分 come out ordered by first_no. */
static int shape_load(dctx_t *d, shape_t *sh)
{
    store_t *st = d->st;
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
    size_t icap = 0, ccap = 0, mcap = 0;
    for (; src == DB_ROW; src = db_step(s)) {
        target_t t = target_parse(db_col_text(s, 1));
        const char *cat = db_col_text(s, 2);
        if (!t || !cat)
            continue;
        int no = (int)db_col_int64(s, 0);
        size_t c = 0;
        while (c < sh->ncats && strcmp(sh->cats[c].category, cat) != 0)
            c++;
        if (c == sh->ncats) {
            size_t m = cat_merge(d, cat, no);
            sh->cats = xgrow(sh->cats, &ccap, sh->ncats + 1, sizeof *sh->cats);
            sh->merged = xgrow(sh->merged, &mcap, sh->ncats + 1, sizeof *sh->merged);
            memset(&sh->cats[c], 0, sizeof sh->cats[c]);
            sh->cats[c].category = d->out->cats[m].category;
            sh->cats[c].first_no = no;
            sh->merged[c] = m;
            sh->ncats++;
        }
        for (int sd = SIDE_PARTNER; sd <= SIDE_BANK; sd++)
            if (side_answers((side_t)sd, t)) {
                sh->cats[c].slots[sd]++;
                sh->slots[sd]++;
            }
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

/* The shape of (catalog, selection), loaded the first time; *k its index. */
static int shape_of(dctx_t *d, const char *catalog_id, int64_t selection_id, size_t *k)
{
    if (!catalog_id)
        catalog_id = "";
    for (size_t i = 0; i < d->nshapes; i++)
        if (d->shapes[i].selection_id == selection_id &&
            strcmp(d->shapes[i].catalog_id, catalog_id) == 0) {
            *k = i;
            return ST_OK;
        }
    d->shapes = xgrow(d->shapes, &d->shcap, d->nshapes + 1, sizeof *d->shapes);
    shape_t *sh = &d->shapes[d->nshapes];
    memset(sh, 0, sizeof *sh);
    sh->catalog_id = xstrdup(catalog_id);
    sh->selection_id = selection_id;
    *k = d->nshapes++;
    return shape_load(d, sh);
}

/* Every query starts from the connections the actor may see: $1 is the
 * actor's organization (the bank or the partner of the connection), or 1
 * for an operator, who sees every one.  Four texts per query: a bank's
 * connections by bank_id alone and a partner's by partner_id alone (the
 * same set, as connections require a bank and a partner by their kind;
 * and the only way for SQLite to read them from the index), the OR of both
 * for an organization of neither kind, and all for operators. */
enum { VIS_ANY, VIS_ALL, VIS_BANK, VIS_PARTNER, VIS_N };
#define VIS_ORG " WHERE (c.bank_id = $1 OR c.partner_id = $1)"
#define VIS_OP " WHERE CAST($1 AS BIGINT) = 1"
#define VIS_B " WHERE c.bank_id = $1"
#define VIS_P " WHERE c.partner_id = $1"
#define VIS4(head, rest) { head VIS_ORG rest, head VIS_OP rest, head VIS_B rest, head VIS_P rest }
#define VIS_FROM " FROM connections c JOIN assessments a ON a.connection_id = c.id"
#define VIS_SQL(cols, joins, rest) VIS4("SELECT " cols VIS_FROM joins, rest)

/* Totals: assessments by shape and state with those overdue ($2 today):
 * an organization's from assessment_counts (kept by triggers, migration
 * 003: a row per shape, state and due date), an operator's from the banks'
 * rows there, an organization of neither kind by counting its
 * assessments. */
#define ACOUNTS_COLS                                                                       \
    "SELECT x.catalog_id, x.selection_id, x.state, sum(x.n),"                              \
    " sum(CASE WHEN x.due_date <> '' AND x.due_date < $2 THEN x.n ELSE 0 END)"             \
    " FROM assessment_counts x"
#define ACOUNTS_GROUP " AND x.n > 0 GROUP BY x.catalog_id, x.selection_id, x.state LIMIT 100000"
static const char *const SQL_T_STATES[VIS_N] = {
    [VIS_ANY] = "SELECT a.catalog_id, a.selection_id, a.state, count(*),"
                " sum(CASE WHEN a.due_date < $2 THEN 1 ELSE 0 END)" VIS_FROM VIS_ORG
                " GROUP BY a.catalog_id, a.selection_id, a.state LIMIT 100000",
    [VIS_ALL] = ACOUNTS_COLS " JOIN organizations o ON o.id = x.org_id"
                " WHERE CAST($1 AS BIGINT) = 1 AND o.kind = 'bank'" ACOUNTS_GROUP,
    [VIS_BANK] = ACOUNTS_COLS " WHERE x.org_id = $1" ACOUNTS_GROUP,
    [VIS_PARTNER] = ACOUNTS_COLS " WHERE x.org_id = $1" ACOUNTS_GROUP,
};
/* Answers with a status by shape, item, side and status: an
 * organization's from answer_counts (kept by triggers, migration 003: a
 * few hundred rows however many partners), an operator's from the banks'
 * rows there (each answer counts once for its bank, once for its partner);
 * an organization of neither kind counts its answers. */
#define COUNTS_COLS "x.catalog_id, x.selection_id, x.item_no, x.side, x.status"
static const char *const SQL_T_ANSWERS[VIS_N] = {
    [VIS_ANY] = "SELECT a.catalog_id, a.selection_id, x.item_no, x.side, x.status, count(*)"
                VIS_FROM " JOIN answers x ON x.assessment_id = a.id" VIS_ORG
                " AND x.status IS NOT NULL GROUP BY a.catalog_id, a.selection_id, x.item_no,"
                " x.side, x.status LIMIT 1000000",
    [VIS_ALL] = "SELECT " COUNTS_COLS ", sum(x.n) FROM answer_counts x"
                " JOIN organizations o ON o.id = x.org_id"
                " WHERE CAST($1 AS BIGINT) = 1 AND o.kind = 'bank' AND x.n > 0"
                " GROUP BY " COUNTS_COLS " LIMIT 1000000",
    [VIS_BANK] = "SELECT " COUNTS_COLS ", x.n FROM answer_counts x"
                 " WHERE x.org_id = $1 AND x.n > 0 LIMIT 1000000",
    [VIS_PARTNER] = "SELECT " COUNTS_COLS ", x.n FROM answer_counts x"
                    " WHERE x.org_id = $1 AND x.n > 0 LIMIT 1000000",
};
static const char *const SQL_T_PLANS[VIS_N] = VIS_SQL(
    "count(*), sum(CASE WHEN x.due IS NOT NULL AND x.due < $2 THEN 1 ELSE 0 END)",
    " JOIN plans x ON x.assessment_id = a.id", " AND x.state = 'open'");

/* The ids of the rows: the page ($2 limit, $3 offset; $4 the state when
 * narrowed), newest first, and the pending ones ($2 limit), due first.
 * Only the id: the sort then handles integers, not whole rows.  "a.id + 0":
 * sort the organization's ids rather than walk the whole primary key
 * backwards until enough of them turned up, which PostgreSQL's generic
 * plan picks and which reads every newer assessment of every other bank
 * first.  The state is a text of its own rather than "$4 = '' OR …", which
 * a generic plan cannot see through. */
#define PAGE_ORDER " ORDER BY a.id + 0 DESC LIMIT $2 OFFSET $3"
static const char *const SQL_PAGE_IDS[VIS_N] = VIS_SQL("a.id", "", PAGE_ORDER);
static const char *const SQL_PAGE_IDS_STATE[VIS_N] =
    VIS_SQL("a.id", "", " AND a.state = $4" PAGE_ORDER);
static const char *const SQL_PENDING_IDS[VIS_N] =
    VIS_SQL("a.id", "",
            " AND a.state IN ('draft', 'returned')"
            " ORDER BY CASE WHEN a.due_date IS NULL THEN 1 ELSE 0 END, a.due_date, a.id DESC"
            " LIMIT $2");

/* Rows and their counts by id, IDS_CHUNK ids at a time in $2 … $101 (a
 * shorter list repeats its last id), still tenant-filtered; from the
 * assessments first (CROSS JOIN fixes that order on SQLite; PostgreSQL
 * plans it as an inner join). */
#define IDS_CHUNK 100
#define D10(t)                                                                             \
    "$" #t "0, $" #t "1, $" #t "2, $" #t "3, $" #t "4, $" #t "5, $" #t "6, $" #t "7, $" #t \
    "8, $" #t "9, "
#define IDS_IN                                                                             \
    " AND a.id IN ($2, $3, $4, $5, $6, $7, $8, $9, " D10(1) D10(2) D10(3) D10(4) D10(5)    \
    D10(6) D10(7) D10(8) D10(9) "$100, $101)"
#define IDS_FROM " FROM assessments a CROSS JOIN connections c"
#define IDS_SQL(cols, joins, rest)                                                         \
    VIS4("SELECT " cols IDS_FROM joins, " AND c.id = a.connection_id" IDS_IN rest)
#define ROW_COLS                                                                           \
    "a.id, a.connection_id, c.bank_id, c.partner_id, b.name, p.name, c.scope,"             \
    " a.catalog_id, a.selection_id, a.round, a.due_date, a.state, a.version,"              \
    " a.previous_id, a.updated_at"
#define ROW_JOINS                                                                          \
    " JOIN organizations b ON b.id = c.bank_id JOIN organizations p ON p.id = c.partner_id"
static const char *const SQL_ROWS_IN[VIS_N] = IDS_SQL(ROW_COLS, ROW_JOINS, " LIMIT 1000");
static const char *const SQL_R_ANSWERS[VIS_N] =
    IDS_SQL("a.id, x.item_no, x.side, x.status", " JOIN answers x ON x.assessment_id = a.id",
            " AND x.status IS NOT NULL LIMIT 1000000");
static const char *const SQL_R_REVIEWS[VIS_N] =
    IDS_SQL("a.id, x.evaluation, count(*)", " JOIN reviews x ON x.assessment_id = a.id",
            " GROUP BY a.id, x.evaluation LIMIT 1000000");
/* … $102 today. */
static const char *const SQL_R_PLANS[VIS_N] =
    IDS_SQL("a.id, count(*), sum(CASE WHEN x.due IS NOT NULL AND x.due < $102 THEN 1 ELSE 0 END)",
            " JOIN plans x ON x.assessment_id = a.id",
            " AND x.state = 'open' GROUP BY a.id LIMIT 1000000");

/* Per bank (operators): assessments, accepted, overdue ($2 today); the
 * partners' answers 未対応. */
#define BANKS_COLS                                                                         \
    "SELECT x.org_id, o.name, sum(x.n),"                                                   \
    " sum(CASE WHEN x.state = 'accepted' THEN x.n ELSE 0 END),"                            \
    " sum(CASE WHEN x.state <> 'accepted' AND x.due_date <> '' AND x.due_date < $2"        \
    " THEN x.n ELSE 0 END) FROM assessment_counts x JOIN organizations o ON o.id = x.org_id"
#define BANKS_GROUP " AND x.n > 0 GROUP BY x.org_id, o.name ORDER BY o.name LIMIT 100000"
static const char *const SQL_BANKS[VIS_N] = {
    [VIS_ANY] = "SELECT c.bank_id, b.name, count(*),"
                " sum(CASE WHEN a.state = 'accepted' THEN 1 ELSE 0 END),"
                " sum(CASE WHEN a.state <> 'accepted' AND a.due_date < $2 THEN 1 ELSE 0 END)"
                VIS_FROM " JOIN organizations b ON b.id = c.bank_id" VIS_ORG
                " GROUP BY c.bank_id, b.name ORDER BY b.name LIMIT 100000",
    [VIS_ALL] = BANKS_COLS " WHERE CAST($1 AS BIGINT) = 1 AND o.kind = 'bank'" BANKS_GROUP,
    [VIS_BANK] = BANKS_COLS " WHERE x.org_id = $1" BANKS_GROUP,
    [VIS_PARTNER] = "SELECT c.bank_id, b.name, count(*),"
                    " sum(CASE WHEN a.state = 'accepted' THEN 1 ELSE 0 END),"
                    " sum(CASE WHEN a.state <> 'accepted' AND a.due_date < $2 THEN 1 ELSE 0 END)"
                    VIS_FROM " JOIN organizations b ON b.id = c.bank_id" VIS_P
                    " GROUP BY c.bank_id, b.name ORDER BY b.name LIMIT 100000",
};
static const char *const SQL_BANK_TODO[VIS_N] = {
    [VIS_ANY] = "SELECT c.bank_id, count(*)" VIS_FROM " JOIN answers x ON x.assessment_id = a.id"
                VIS_ORG " AND x.side = 'partner' AND x.status = 'todo' GROUP BY c.bank_id"
                " LIMIT 100000",
    [VIS_ALL] = "SELECT x.org_id, sum(x.n) FROM answer_counts x"
                " JOIN organizations o ON o.id = x.org_id"
                " WHERE CAST($1 AS BIGINT) = 1 AND o.kind = 'bank' AND x.side = 'partner'"
                " AND x.status = 'todo' GROUP BY x.org_id LIMIT 100000",
    [VIS_BANK] = "SELECT x.org_id, sum(x.n) FROM answer_counts x WHERE x.org_id = $1"
                 " AND x.side = 'partner' AND x.status = 'todo' GROUP BY x.org_id LIMIT 100000",
    [VIS_PARTNER] = "SELECT c.bank_id, count(*)" VIS_FROM
                    " JOIN answers x ON x.assessment_id = a.id" VIS_P
                    " AND x.side = 'partner' AND x.status = 'todo' GROUP BY c.bank_id"
                    " LIMIT 100000",
};

static int q_err(store_t *st)
{
    return st->last_rc < 0 ? st->last_rc : ST_DB;
}

static int count_of(db_stmt_t *s, int col)
{
    int64_t v = db_col_int64(s, col);
    return v < 0 ? 0 : v > 1000000000 ? 1000000000 : (int)v;
}

/* The schema's codes (CHECK constraints: partner/bank, done/partial/todo/na)
 * told apart by their first letter: this runs once per row of answers. */
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

/* The answer of item no, side, status counts for this shape? */
static const shape_item_t *answer_item(const shape_t *sh, int no, int side, status_t stt)
{
    const shape_item_t *it = shape_find(sh, no);
    if (!it || side < 0 || stt == STATUS_UNSET || !side_answers((side_t)side, it->target))
        return NULL;
    return it;
}

/* ---- totals ---- */

static int totals_states(dctx_t *d)
{
    dashboard_t *o = d->out;
    int src = 0;
    db_stmt_t *s = st_query(d->st, &src, SQL_T_STATES[d->vis], "is", d->tenant, d->today);
    if (!s)
        return q_err(d->st);
    int rc = ST_OK;
    for (; !rc && src == DB_ROW; src = db_step(s)) {
        size_t k;
        wf_state_t stt;
        if ((rc = shape_of(d, db_col_text(s, 0), db_col_int64(s, 1), &k)))
            break;
        if (wf_state_parse(db_col_text(s, 2), &stt) != 0)
            stt = WF_DRAFT;
        int n = count_of(s, 3);
        d->shapes[k].assessments += n;
        o->total += n;
        o->by_state[stt] += n;
        if (stt != WF_ACCEPTED)
            o->overdue += count_of(s, 4);
    }
    db_finalize(s);
    if (!rc && src != DB_DONE)
        rc = st_db_fail(d->st, src);
    return rc;
}

static int totals_answers(dctx_t *d)
{
    dashboard_t *o = d->out;
    int src = 0;
    db_stmt_t *s = st_query(d->st, &src, SQL_T_ANSWERS[d->vis], "i", d->tenant);
    if (!s)
        return q_err(d->st);
    size_t k = 0;
    int rc = ST_OK;
    for (; !rc && src == DB_ROW; src = db_step(s)) {
        const char *cat = db_col_text(s, 0);
        int64_t sel = db_col_int64(s, 1);
        /* Rows come grouped by shape: look it up when it changes. */
        if (k >= d->nshapes || d->shapes[k].selection_id != sel ||
            strcmp(d->shapes[k].catalog_id, cat ? cat : "") != 0)
            if ((rc = shape_of(d, cat, sel, &k)))
                break;
        const shape_t *sh = &d->shapes[k];
        int side = side_of_code(db_col_text(s, 3));
        status_t stt = status_of_code(db_col_text(s, 4));
        const shape_item_t *it = answer_item(sh, (int)db_col_int64(s, 2), side, stt);
        if (!it)
            continue;
        int n = count_of(s, 5);
        o->status[side][stt] += n;
        o->cats[sh->merged[it->cat]].answered[side] += n;
    }
    db_finalize(s);
    if (!rc && src != DB_DONE)
        rc = st_db_fail(d->st, src);
    return rc;
}

static int totals_plans(dctx_t *d)
{
    int src = 0;
    db_stmt_t *s = st_query(d->st, &src, SQL_T_PLANS[d->vis], "is", d->tenant, d->today);
    if (!s)
        return q_err(d->st);
    if (src == DB_ROW) {
        d->out->plans_open = count_of(s, 0);
        d->out->plans_overdue = count_of(s, 1);
    }
    db_finalize(s);
    return src == DB_ROW || src == DB_DONE ? ST_OK : st_db_fail(d->st, src);
}

/* Slots over every assessment: what is not answered, per side and 区分. */
static void totals_finish(dctx_t *d)
{
    dashboard_t *o = d->out;
    for (size_t k = 0; k < d->nshapes; k++) {
        const shape_t *sh = &d->shapes[k];
        for (size_t c = 0; c < sh->ncats; c++)
            for (int sd = SIDE_PARTNER; sd <= SIDE_BANK; sd++)
                o->cats[sh->merged[c]].slots[sd] += sh->assessments * sh->cats[c].slots[sd];
    }
    for (int sd = SIDE_PARTNER; sd <= SIDE_BANK; sd++) {
        long long slots = 0, answered = 0;
        for (size_t k = 0; k < d->nshapes; k++)
            slots += (long long)d->shapes[k].assessments * d->shapes[k].slots[sd];
        for (int x = STATUS_DONE; x <= STATUS_NA; x++)
            answered += o->status[sd][x];
        long long left = slots > answered ? slots - answered : 0;
        o->status[sd][STATUS_UNSET] = left > 1000000000 ? 1000000000 : (int)left;
    }
    o->matching = (size_t)o->total;
}

/* ---- rows ---- */

typedef struct rowset {
    assessment_summary_t *v;
    size_t n;
    assessment_summary_t **idx; /* by id */
    size_t *shape;              /* per v[i] */
} rowset_t;

static void summaries_free(assessment_summary_t *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        assessment_clear(&v[i].a);
        free(v[i].cats); /* the names are the dashboard's */
    }
    free(v);
}

/* The ids of a query already stepped once. */
static int ids_read(dctx_t *d, db_stmt_t *s, int src, int64_t **ids, size_t *n)
{
    size_t cap = 0;
    for (; src == DB_ROW; src = db_step(s)) {
        *ids = xgrow(*ids, &cap, *n + 1, sizeof **ids);
        (*ids)[(*n)++] = db_col_int64(s, 0);
    }
    db_finalize(s);
    return src == DB_DONE ? ST_OK : st_db_fail(d->st, src);
}

/* Run one of the by-id queries for ids[0 … n) (n ≤ IDS_CHUNK), $102 today
 * when given; *out after its first step. */
static int ids_query(dctx_t *d, const char *sql, const int64_t *ids, size_t n, const char *today,
                     db_stmt_t **out, int *src)
{
    db_stmt_t *s = db_prepare(d->st->db, sql);
    if (!s)
        return st_db_fail(d->st, db_errcode(d->st->db));
    db_bind_int64(s, 1, d->tenant);
    for (size_t i = 0; i < IDS_CHUNK; i++)
        db_bind_int64(s, (int)i + 2, ids[i < n ? i : n - 1]);
    if (today)
        db_bind_text(s, IDS_CHUNK + 2, today);
    *src = db_step(s);
    if (*src != DB_ROW && *src != DB_DONE) {
        int rc = *src;
        db_finalize(s);
        return st_db_fail(d->st, rc);
    }
    *out = s;
    return ST_OK;
}

typedef struct id_pos {
    int64_t id;
    size_t pos;
} id_pos_t;

static int cmp_id_pos(const void *x, const void *y)
{
    const id_pos_t *a = x, *b = y;
    return a->id < b->id ? -1 : a->id > b->id;
}

/* Load the rows of these ids in this order into rs (rows gone meanwhile or
 * refused by the workflow rules, as in store_assessment_list, are left
 * out). */
static int rows_load(dctx_t *d, const int64_t *ids, size_t n, rowset_t *rs)
{
    if (!n)
        return ST_OK;
    assessment_summary_t *v = xcalloc(n, sizeof *v);
    bool *got = xcalloc(n, sizeof *got);
    id_pos_t *order = xcalloc(n, sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = (id_pos_t){ ids[i], i };
    qsort(order, n, sizeof *order, cmp_id_pos);
    int rc = ST_OK;
    for (size_t k = 0; !rc && k < n; k += IDS_CHUNK) {
        size_t m = n - k < IDS_CHUNK ? n - k : IDS_CHUNK;
        db_stmt_t *s = NULL;
        int src = 0;
        if ((rc = ids_query(d, SQL_ROWS_IN[d->vis], ids + k, m, NULL, &s, &src)))
            break;
        for (; src == DB_ROW; src = db_step(s)) {
            id_pos_t key = { db_col_int64(s, 0), 0 };
            const id_pos_t *hit = bsearch(&key, order, n, sizeof *order, cmp_id_pos);
            if (!hit || got[hit->pos])
                continue;
            assessment_t *x = &v[hit->pos].a;
            st_assessment_from_row(s, x);
            wf_target_t t = { x->bank_id, x->partner_id, x->state };
            if (workflow_check(d->a, ACT_READ, &t, SIDE_PARTNER, 0) == WF_OK)
                got[hit->pos] = true;
            else
                assessment_clear(x);
        }
        db_finalize(s);
        if (src != DB_DONE)
            rc = st_db_fail(d->st, src);
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (got[i])
            v[k++] = v[i];
    free(got);
    free(order);
    rs->v = v;
    rs->n = k;
    return rc;
}

static assessment_summary_t *row_find(const rowset_t *rs, int64_t id)
{
    size_t lo = 0, hi = rs->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (rs->idx[mid]->a.id == id)
            return rs->idx[mid];
        if (rs->idx[mid]->a.id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int cmp_ptr_id(const void *x, const void *y)
{
    const assessment_summary_t *a = *(const assessment_summary_t *const *)x;
    const assessment_summary_t *b = *(const assessment_summary_t *const *)y;
    return a->a.id < b->a.id ? -1 : a->a.id > b->a.id;
}

static void on_answer(const dctx_t *d, const rowset_t *rs, assessment_summary_t *x,
                      db_stmt_t *s)
{
    const shape_t *sh = &d->shapes[rs->shape[x - rs->v]];
    int side = side_of_code(db_col_text(s, 2));
    status_t stt = status_of_code(db_col_text(s, 3));
    const shape_item_t *it = answer_item(sh, (int)db_col_int64(s, 1), side, stt);
    if (!it)
        return;
    x->cats[it->cat].answered[side]++;
    x->status[side][stt]++;
}

static void on_review(const dctx_t *d, const rowset_t *rs, assessment_summary_t *x,
                      db_stmt_t *s)
{
    (void)d;
    (void)rs;
    evaluation_t e;
    if (evaluation_parse(db_col_text(s, 1), &e) == 0 && e != EVAL_UNRATED)
        x->eval[e] += count_of(s, 2);
}

static void on_plan(const dctx_t *d, const rowset_t *rs, assessment_summary_t *x, db_stmt_t *s)
{
    (void)d;
    (void)rs;
    x->plans_open += count_of(s, 1);
    x->plans_overdue += count_of(s, 2);
}

typedef void (*row_fn)(const dctx_t *, const rowset_t *, assessment_summary_t *, db_stmt_t *);

/* Run one of the SQL_R_* queries for the rows, a chunk of ids at a time;
 * each result row goes to fn with its assessment. */
static int rows_query(dctx_t *d, const char *sql, bool today, rowset_t *rs, row_fn fn)
{
    int rc = ST_OK;
    for (size_t k = 0; !rc && k < rs->n; k += IDS_CHUNK) {
        int64_t ids[IDS_CHUNK];
        size_t m = rs->n - k < IDS_CHUNK ? rs->n - k : IDS_CHUNK;
        for (size_t i = 0; i < m; i++)
            ids[i] = rs->v[k + i].a.id;
        db_stmt_t *s = NULL;
        int src = 0;
        if ((rc = ids_query(d, sql, ids, m, today ? d->today : NULL, &s, &src)))
            break;
        assessment_summary_t *x = NULL;
        for (; src == DB_ROW; src = db_step(s)) {
            /* Rows mostly come grouped by assessment: keep the last one. */
            int64_t id = db_col_int64(s, 0);
            if (!x || x->a.id != id)
                x = row_find(rs, id);
            if (x)
                fn(d, rs, x, s);
        }
        db_finalize(s);
        if (src != DB_DONE)
            rc = st_db_fail(d->st, src);
    }
    return rc;
}

/* Give each row its shape's slots and 区分, then its counts. */
static int rows_fill(dctx_t *d, rowset_t *rs)
{
    if (!rs->n)
        return ST_OK;
    rs->idx = xcalloc(rs->n, sizeof *rs->idx);
    rs->shape = xcalloc(rs->n, sizeof *rs->shape);
    int rc = ST_OK;
    for (size_t i = 0; !rc && i < rs->n; i++) {
        assessment_summary_t *x = &rs->v[i];
        rs->idx[i] = x;
        if ((rc = shape_of(d, x->a.catalog_id, x->a.selection_id, &rs->shape[i])))
            break;
        const shape_t *sh = &d->shapes[rs->shape[i]];
        x->items = (int)sh->nitems;
        x->ncats = sh->ncats;
        x->cats = xcalloc(sh->ncats ? sh->ncats : 1, sizeof *x->cats);
        memcpy(x->cats, sh->cats, sh->ncats * sizeof *x->cats);
        for (int sd = SIDE_PARTNER; sd <= SIDE_BANK; sd++)
            x->slots[sd] = sh->slots[sd];
    }
    qsort(rs->idx, rs->n, sizeof *rs->idx, cmp_ptr_id);
    if (!rc)
        rc = rows_query(d, SQL_R_ANSWERS[d->vis], false, rs, on_answer);
    if (!rc)
        rc = rows_query(d, SQL_R_REVIEWS[d->vis], false, rs, on_review);
    if (!rc)
        rc = rows_query(d, SQL_R_PLANS[d->vis], true, rs, on_plan);
    for (size_t i = 0; !rc && i < rs->n; i++) {
        assessment_summary_t *x = &rs->v[i];
        for (int sd = SIDE_PARTNER; sd <= SIDE_BANK; sd++) {
            int answered = 0;
            for (int k = STATUS_DONE; k <= STATUS_NA; k++)
                answered += x->status[sd][k];
            x->status[sd][STATUS_UNSET] = x->slots[sd] > answered ? x->slots[sd] - answered : 0;
        }
        int rated = x->eval[EVAL_OK] + x->eval[EVAL_IMPROVE] + x->eval[EVAL_NG];
        x->eval[EVAL_UNRATED] = x->items > rated ? x->items - rated : 0;
    }
    return rc;
}

/* Rows for the ids a query gives (stepped once), with their counts. */
static int rows_of(dctx_t *d, db_stmt_t *s, int src, assessment_summary_t **v, size_t *n)
{
    int64_t *ids = NULL;
    size_t nids = 0;
    rowset_t rs = { 0 };
    int rc = ids_read(d, s, src, &ids, &nids);
    if (!rc)
        rc = rows_load(d, ids, nids, &rs);
    if (!rc)
        rc = rows_fill(d, &rs);
    free(ids);
    free(rs.idx);
    free(rs.shape);
    *v = rs.v;
    *n = rs.n;
    return rc;
}

static int page_rows(dctx_t *d, const dashboard_opt_t *opt)
{
    int src = 0;
    db_stmt_t *s =
        opt->only ? st_query(d->st, &src, SQL_PAGE_IDS_STATE[d->vis], "iiis", d->tenant,
                             (int64_t)opt->limit, (int64_t)opt->offset, wf_state_code(opt->only))
                  : st_query(d->st, &src, SQL_PAGE_IDS[d->vis], "iii", d->tenant,
                             (int64_t)opt->limit, (int64_t)opt->offset);
    if (!s)
        return q_err(d->st);
    return rows_of(d, s, src, &d->out->rows, &d->out->nrows);
}

static int pending_rows(dctx_t *d, const dashboard_opt_t *opt)
{
    int src = 0;
    db_stmt_t *s = st_query(d->st, &src, SQL_PENDING_IDS[d->vis], "ii", d->tenant,
                            (int64_t)opt->limit);
    if (!s)
        return q_err(d->st);
    return rows_of(d, s, src, &d->out->pending, &d->out->npending);
}

/* ---- per bank ---- */

static int banks_load(dctx_t *d)
{
    dashboard_t *o = d->out;
    int src = 0;
    db_stmt_t *s = st_query(d->st, &src, SQL_BANKS[d->vis], "is", d->tenant, d->today);
    if (!s)
        return q_err(d->st);
    size_t cap = 0;
    for (; src == DB_ROW; src = db_step(s)) {
        o->banks = xgrow(o->banks, &cap, o->nbanks + 1, sizeof *o->banks);
        dashboard_bank_t *b = &o->banks[o->nbanks++];
        memset(b, 0, sizeof *b);
        b->id = db_col_int64(s, 0);
        b->name = st_col_dup(s, 1);
        b->total = count_of(s, 2);
        b->accepted = count_of(s, 3);
        b->overdue = count_of(s, 4);
    }
    db_finalize(s);
    if (src != DB_DONE)
        return st_db_fail(d->st, src);
    s = st_query(d->st, &src, SQL_BANK_TODO[d->vis], "i", d->tenant);
    if (!s)
        return q_err(d->st);
    for (; src == DB_ROW; src = db_step(s)) {
        int64_t id = db_col_int64(s, 0);
        for (size_t i = 0; i < o->nbanks; i++)
            if (o->banks[i].id == id)
                o->banks[i].partners_todo += count_of(s, 1);
    }
    db_finalize(s);
    return src == DB_DONE ? ST_OK : st_db_fail(d->st, src);
}

static int cmp_cat(const void *x, const void *y)
{
    const summary_cat_t *a = x, *b = y;
    return a->first_no - b->first_no;
}

static int dashboard_read(dctx_t *d, const dashboard_opt_t *opt)
{
    int rc = totals_states(d);
    if (!rc)
        rc = totals_answers(d);
    if (!rc)
        rc = totals_plans(d);
    if (rc)
        return rc;
    totals_finish(d);
    if (opt->only)
        d->out->matching = (size_t)d->out->by_state[opt->only];
    if (opt->limit && d->out->total > 0)
        rc = page_rows(d, opt);
    if (!rc && opt->pending && opt->limit && d->out->total > 0)
        rc = pending_rows(d, opt);
    if (!rc && opt->per_bank)
        rc = banks_load(d);
    return rc;
}

int store_dashboard(store_t *st, const actor_t *a, const dashboard_opt_t *opt, dashboard_t *out)
{
    memset(out, 0, sizeof *out);
    if (!opt || !opt->today || !date_valid_iso(opt->today))
        return st_fail(st, ST_INVALID, "日付 (YYYY-MM-DD) ではありません", "not a date (YYYY-MM-DD)");
    if (opt->limit > STORE_DASHBOARD_ROWS_MAX || opt->offset > 100000000 ||
        (opt->only && (opt->only < WF_DRAFT || opt->only > WF_ACCEPTED)))
        return st_fail(st, ST_INVALID, "表示する範囲が正しくありません", "bad page of rows");
    dctx_t d = { .st = st, .a = a, .vis = VIS_ANY, .tenant = a->org_id, .today = opt->today,
                 .out = out };
    if (a->operator_) {
        d.vis = VIS_ALL;
        d.tenant = 1;
    } else if (a->org_kind == ORG_BANK) {
        d.vis = VIS_BANK;
    } else if (a->org_kind == ORG_PARTNER) {
        d.vis = VIS_PARTNER;
    }
    /* One snapshot for every query, so that the totals and the rows agree. */
    bool own_txn = !db_in_transaction(st->db);
    int rc = ST_OK;
    if (own_txn) {
        int drc = db_begin_read(st->db);
        if (drc != DB_OK)
            return st_db_fail(st, drc);
    }
    rc = dashboard_read(&d, opt);
    if (own_txn)
        db_rollback(st->db);
    for (size_t k = 0; k < d.nshapes; k++)
        shape_free(&d.shapes[k]);
    free(d.shapes);
    if (out->ncats > 1)
        qsort(out->cats, out->ncats, sizeof *out->cats, cmp_cat);
    if (rc)
        dashboard_free(out);
    return rc;
}

void dashboard_free(dashboard_t *d)
{
    if (!d)
        return;
    summaries_free(d->rows, d->nrows);
    summaries_free(d->pending, d->npending);
    for (size_t i = 0; i < d->ncats; i++)
        free(d->cats[i].category);
    free(d->cats);
    for (size_t i = 0; i < d->nbanks; i++)
        free(d->banks[i].name);
    free(d->banks);
    memset(d, 0, sizeof *d);
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
