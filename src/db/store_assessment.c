/*
 * store_assessment — the store's assessment half: a bank's own selection of
 * items, assessments (open with pre-fill, get, list, the checklist they
 * use), answers with optimistic concurrency, workflow steps, partners'
 * profiles and the import of a filled answer set (reviews, comments and
 * plans are in store_review.c).  See store.h for the contracts.
 *
 * Every operation asks core/workflow.h first.  Reads of an assessment are
 * tenant-filtered in SQL (the actor's organization must be the bank or the
 * partner of its connection, unless the actor is an operator) and checked
 * again with workflow_check(ACT_READ); a missing assessment and another
 * tenant's give the same ST_NOT_FOUND and the same message.  Every write
 * runs between st_begin_write() and st_commit(), checks the rules on the
 * data it reads under the write lock, and appends exactly one audit event
 * in the same transaction.  Object ids of those events start with the
 * assessment's id, so that store_audit_log finds them for its parties:
 * assessment "12", answer "12/3/partner", review "12/3", comment "12/3/7"
 * (item 0: the assessment's own thread), plan "12/5"; outside assessments,
 * selection "4" and profile "<partner id>/<catalog id>".
 */
#include "db/store_asm.h"

#include "util/buf.h"
#include "util/i18n.h"
#include "util/limits.h"
#include "util/utf8.h"
#include "util/xmem.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Answers listed by name in an import's error message. */
#define IMPORT_ERRORS_SHOWN 20

/* ---- small helpers ---------------------------------------------------- */

/* The code of a failed st_query (which recorded the message). */
int sa_q_err(store_t *st)
{
    return st->last_rc < 0 ? st->last_rc : ST_DB;
}

/* A message built in the current language, recorded with code.  For
 * messages whose parts are themselves translated. */
static int fail_msg(store_t *st, int code, char *msg)
{
    int rc = st_fail(st, code, "%s", "%s", msg);
    free(msg);
    return rc;
}

static int asm_not_found(store_t *st, int64_t id)
{
    return st_fail(st, ST_NOT_FOUND, "評価 %" PRId64 " が見つかりません",
                   "assessment %" PRId64 " not found", id);
}

/* A workflow refusal; WF_NOT_FOUND gives the very message of a missing
 * assessment. */
int sa_wf_refuse(store_t *st, wf_result_t r, int64_t assessment_id)
{
    return r == WF_NOT_FOUND ? asm_not_found(st, assessment_id) : st_wf_fail(st, r);
}

int sa_item_not_in(store_t *st, int no)
{
    return st_fail(st, ST_INVALID, "項目 %d はこの評価のチェックリストにありません",
                   "item %d is not in this assessment's checklist", no);
}

bool sa_str_same(const char *a, const char *b)
{
    if (!a || !*a)
        return !b || !*b;
    return b && strcmp(a, b) == 0;
}

/* Check one text field: valid UTF-8 and at most LIMIT_CELL_BYTES. */
static int text_check(store_t *st, const char *s, int no, const char *ja, const char *en)
{
    if (!s)
        return ST_OK;
    size_t n = strlen(s), bad = 0;
    if (n > LIMIT_CELL_BYTES)
        return fail_msg(st, ST_INVALID,
                        xasprintf(tr("項目 %d の%sが長すぎます (%zu バイト、上限 %u バイト)",
                                     "item %d: %s is too long (%zu bytes, at most %u)"),
                                  no, tr(ja, en), n, LIMIT_CELL_BYTES));
    if (!utf8_valid(s, n, &bad))
        return fail_msg(st, ST_INVALID,
                        xasprintf(tr("項目 %d の%sが UTF-8 ではありません (%zu バイト目)",
                                     "item %d: %s is not valid UTF-8 (at byte %zu)"),
                                  no, tr(ja, en), bad));
    return ST_OK;
}

/* A free-standing text (comment, plan body, round …): required when
 * required, UTF-8, size-capped. */
int sa_plain_check(store_t *st, const char *s, bool required, size_t max, const char *ja,
                   const char *en)
{
    if (!s || !*s) {
        if (!required)
            return ST_OK;
        return fail_msg(st, ST_INVALID, xasprintf(tr("%sが空です", "%s is empty"), tr(ja, en)));
    }
    size_t n = strlen(s), bad = 0;
    if (n > max)
        return fail_msg(st, ST_INVALID,
                        xasprintf(tr("%sが長すぎます (%zu バイト、上限 %zu バイト)",
                                     "%s is too long (%zu bytes, at most %zu)"),
                                  tr(ja, en), n, max));
    if (!utf8_valid(s, n, &bad))
        return fail_msg(st, ST_INVALID,
                        xasprintf(tr("%sが UTF-8 ではありません (%zu バイト目)",
                                     "%s is not valid UTF-8 (at byte %zu)"),
                                  tr(ja, en), bad));
    return ST_OK;
}

int sa_date_check(store_t *st, const char *d, const char *ja, const char *en)
{
    if (!d || !*d || date_valid_iso(d))
        return ST_OK;
    return fail_msg(st, ST_INVALID,
                    xasprintf(tr("%sが日付 (YYYY-MM-DD) ではありません: %.40s",
                                 "%s is not a date (YYYY-MM-DD): %.40s"),
                              tr(ja, en), d));
}

/* ---- answers in memory ------------------------------------------------ */

static void ans_free(answer_t *a)
{
    free(a->current);
    free(a->gap);
    free(a->plan);
    free(a->due);
    free(a->note);
    a->current = a->gap = a->plan = a->due = a->note = NULL;
}

static bool ans_same(const answer_t *a, const answer_t *b)
{
    return a->status == b->status && sa_str_same(a->current, b->current) &&
           sa_str_same(a->gap, b->gap) && sa_str_same(a->plan, b->plan) && sa_str_same(a->due, b->due) &&
           sa_str_same(a->note, b->note);
}

/* Validate an answer as typed and give its normalized copy in *out (""
 * stored as NULL, line ends as "\n"); the caller frees *out with ans_free
 * on success. */
static int ans_check(store_t *st, const answer_t *in, answer_t *out)
{
    memset(out, 0, sizeof *out);
    if (in->no <= 0)
        return st_fail(st, ST_INVALID, "項目番号が正しくありません: %d", "bad item number: %d",
                       in->no);
    if (in->side != SIDE_PARTNER && in->side != SIDE_BANK)
        return st_fail(st, ST_INVALID, "項目 %d の回答者の区分が正しくありません",
                       "item %d: bad side", in->no);
    if (in->status < STATUS_UNSET || in->status > STATUS_NA)
        return st_fail(st, ST_INVALID, "項目 %d の対応状況が正しくありません",
                       "item %d: bad status", in->no);
    int rc;
    if ((rc = text_check(st, in->current, in->no, "現在の対応状況", "current state")) ||
        (rc = text_check(st, in->gap, in->no, "課題認識", "gap")) ||
        (rc = text_check(st, in->plan, in->no, "課題への対応計画", "plan")) ||
        (rc = text_check(st, in->due, in->no, "対応期限", "due date")) ||
        (rc = text_check(st, in->note, in->no, "備考", "note")))
        return rc;
    if (in->due && *in->due && !date_valid_iso(in->due))
        return st_fail(st, ST_INVALID, "項目 %d の対応期限が日付 (YYYY-MM-DD) ではありません: %.40s",
                       "item %d: the plan's due date is not a date (YYYY-MM-DD): %.40s", in->no,
                       in->due);
    out->no = in->no;
    out->side = in->side;
    out->status = in->status;
    answer_set_text(&out->current, in->current);
    answer_set_text(&out->gap, in->gap);
    answer_set_text(&out->plan, in->plan);
    answer_set_text(&out->due, in->due);
    answer_set_text(&out->note, in->note);
    return ST_OK;
}

static status_t status_of(const char *code)
{
    status_t s = STATUS_UNSET;
    if (code && status_parse(code, &s) != 0)
        s = STATUS_UNSET;
    return s;
}

static const char *status_db(status_t s)
{
    return s == STATUS_UNSET ? NULL : status_code(s);
}

/* Read answer fields from columns col … col+5 (status, current, gap,
 * plan, due, note). */
static void ans_from_row(db_stmt_t *s, int col, answer_t *a)
{
    a->status = status_of(db_col_text(s, col));
    a->current = st_col_dup(s, col + 1);
    a->gap = st_col_dup(s, col + 2);
    a->plan = st_col_dup(s, col + 3);
    a->due = st_col_dup(s, col + 4);
    a->note = st_col_dup(s, col + 5);
}

/* ---- an assessment as the rules see it -------------------------------- */

void sa_ctx_clear(asm_ctx_t *c)
{
    free(c->catalog_id);
    c->catalog_id = NULL;
}

/* An assessment's columns as sa_ctx_row reads them, its tables (aliases a,
 * c) and the tenant filter: $1 the assessment, $2 1 for an operator, $3
 * the actor's organization. */
#define SA_CTX_COLS                                                                          \
    "a.state, c.bank_id, c.partner_id, a.catalog_id, a.selection_id, a.version,"             \
    " a.connection_id"
#define SA_CTX_FROM " FROM assessments a JOIN connections c ON c.id = a.connection_id"
#define SA_CTX_WHERE                                                                         \
    " WHERE a.id = $1 AND (CAST($2 AS BIGINT) = 1 OR c.bank_id = $3 OR c.partner_id = $3)"

/* The 対象者 of item NO (an SQL expression) in assessment a, NULL when it
 * has no such item: from the catalog, or from the bank's selection (the
 * catalog items it picked and its own). */
#define SA_ITEM_TARGET(no)                                                                   \
    "CASE WHEN a.selection_id IS NULL THEN (SELECT target FROM catalog_items"               \
    " WHERE catalog_id = a.catalog_id AND item_no = " no ")"                                \
    " ELSE COALESCE((SELECT ci.target FROM selection_catalog_items s JOIN catalog_items ci"  \
    " ON ci.catalog_id = s.catalog_id AND ci.item_no = s.item_no"                            \
    " WHERE s.selection_id = a.selection_id AND s.item_no = " no "),"                        \
    " (SELECT target FROM selection_items WHERE selection_id = a.selection_id"               \
    " AND item_no = " no ")) END"

/* A stored answer's columns as answer_from_row reads them (alias x). */
#define SA_ANSWER_COLS                                                                       \
    "x.status, x.current_text, x.gap_text, x.plan_text, x.plan_due, x.note, x.version"

/* Fill c from the SA_CTX_COLS at column 0 of s, assessment id; ST_NOT_FOUND
 * (same message as a missing one) when the rules hide it from the actor. */
static int sa_ctx_row(store_t *st, const actor_t *a, db_stmt_t *s, int64_t id, asm_ctx_t *c)
{
    c->id = id;
    if (wf_state_parse(db_col_text(s, 0), &c->t.state) != 0)
        c->t.state = WF_DRAFT;
    c->t.bank_org_id = db_col_int64(s, 1);
    c->t.partner_org_id = db_col_int64(s, 2);
    c->catalog_id = st_col_dup(s, 3);
    c->selection_id = db_col_int64(s, 4);
    c->version = db_col_int64(s, 5);
    c->connection_id = db_col_int64(s, 6);
    if (!workflow_visible(a, &c->t)) {
        sa_ctx_clear(c);
        return asm_not_found(st, id);
    }
    return ST_OK;
}

/* Load an assessment the actor may see (tenant-filtered in SQL, then
 * workflow_visible).  ST_NOT_FOUND, same message, when missing or
 * another tenant's. */
int sa_ctx_load(store_t *st, const actor_t *a, int64_t id, asm_ctx_t *c)
{
    memset(c, 0, sizeof *c);
    int src = 0;
    db_stmt_t *s = st_query(st, &src, "SELECT " SA_CTX_COLS SA_CTX_FROM SA_CTX_WHERE, "ini", id,
                            a->operator_ ? 1 : 0, a->org_id);
    if (!s)
        return sa_q_err(st);
    int rc = src == DB_ROW ? sa_ctx_row(st, a, s, id, c) : asm_not_found(st, id);
    db_finalize(s);
    return rc;
}

/* Load and check action (side/it_target as workflow_check). */
int sa_ctx_check(store_t *st, const actor_t *a, int64_t id, wf_action_t action, side_t side,
                 target_t it_target, asm_ctx_t *c)
{
    int rc = sa_ctx_load(st, a, id, c);
    if (rc)
        return rc;
    wf_result_t r = workflow_check(a, action, &c->t, side, it_target);
    if (r != WF_OK) {
        sa_ctx_clear(c);
        return sa_wf_refuse(st, r, id);
    }
    return ST_OK;
}

/* ---- the items of an assessment --------------------------------------- */

typedef struct iteminfo {
    int no;
    target_t target;
    char *objective;
    bool own; /* a bank's own item (selection_items) */
} iteminfo_t;

static void items_free(iteminfo_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].objective);
    free(v);
}

/* The items an assessment of (catalog, selection) answers, by number. */
static int items_load(store_t *st, const char *catalog_id, int64_t selection_id,
                      iteminfo_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int src = 0;
    db_stmt_t *s;
    if (selection_id)
        s = st_query(st, &src,
                     "SELECT ci.item_no, ci.target, ci.objective, 0"
                     " FROM selection_catalog_items s JOIN catalog_items ci"
                     " ON ci.catalog_id = s.catalog_id AND ci.item_no = s.item_no"
                     " WHERE s.selection_id = $1"
                     " UNION ALL SELECT item_no, target, objective, 1 FROM selection_items"
                     " WHERE selection_id = $1 ORDER BY 1 LIMIT " ROWS_MAX,
                     "i", selection_id);
    else
        s = st_query(st, &src,
                     "SELECT item_no, target, objective, 0 FROM catalog_items"
                     " WHERE catalog_id = $1 ORDER BY item_no LIMIT " ROWS_MAX,
                     "s", catalog_id);
    if (!s)
        return sa_q_err(st);
    size_t cap = 0;
    iteminfo_t *v = NULL;
    for (; src == DB_ROW; src = db_step(s)) {
        v = xgrow(v, &cap, *n + 1, sizeof *v);
        iteminfo_t *it = &v[(*n)++];
        it->no = (int)db_col_int64(s, 0);
        it->target = target_parse(db_col_text(s, 1));
        it->objective = st_col_dup(s, 2);
        it->own = db_col_int64(s, 3) != 0;
    }
    db_finalize(s);
    if (src != DB_DONE) {
        items_free(v, *n);
        *n = 0;
        return st_db_fail(st, src);
    }
    *out = v;
    return ST_OK;
}

static const iteminfo_t *items_find(const iteminfo_t *v, size_t n, int no)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].no == no)
            return &v[mid];
        if (v[mid].no < no)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The 対象者 of item no in the assessment, or 0 when it has no such item. */
int sa_item_target(store_t *st, const asm_ctx_t *c, int no, target_t *out)
{
    *out = 0;
    int src = 0;
    db_stmt_t *s = st_query(st, &src, "SELECT " SA_ITEM_TARGET("$2") " FROM assessments a"
                            " WHERE a.id = $1", "in", c->id, no);
    if (!s)
        return sa_q_err(st);
    if (src == DB_ROW && !db_col_is_null(s, 0))
        *out = target_parse(db_col_text(s, 0));
    db_finalize(s);
    return ST_OK;
}

/* ---- stored answers --------------------------------------------------- */

/* The stored answer (no, side) from the SA_ANSWER_COLS at column col of s
 * (no s, or all NULL: none, version 0). */
static void answer_from_row(db_stmt_t *s, int col, int no, side_t side, answer_t *out,
                            int64_t *version)
{
    memset(out, 0, sizeof *out);
    out->no = no;
    out->side = side;
    *version = 0;
    if (!s || db_col_is_null(s, col + 6))
        return;
    ans_from_row(s, col, out);
    *version = db_col_int64(s, col + 6);
}

/* The stored answer (no, side) and its version (0 when none). */
static int answer_load(store_t *st, int64_t assessment_id, int no, side_t side, answer_t *out,
                       int64_t *version)
{
    int src = 0;
    db_stmt_t *s = st_query(st, &src,
                            "SELECT " SA_ANSWER_COLS " FROM answers x"
                            " WHERE x.assessment_id = $1 AND x.item_no = $2 AND x.side = $3",
                            "ins", assessment_id, no, side_code(side));
    answer_from_row(s && src == DB_ROW ? s : NULL, 0, no, side, out, version);
    if (!s)
        return sa_q_err(st);
    db_finalize(s);
    return ST_OK;
}

/* sa_ctx_load, sa_item_target and answer_load for one answer (no, side) in
 * one query (a save's reads in one round trip).  The tenant filter and
 * workflow_visible apply as in sa_ctx_load; *tg 0 when the assessment has
 * no item no. */
static int answer_ctx_load(store_t *st, const actor_t *a, int64_t id, int no, side_t side,
                           asm_ctx_t *c, target_t *tg, answer_t *out, int64_t *version)
{
    memset(c, 0, sizeof *c);
    *tg = 0;
    answer_from_row(NULL, 0, no, side, out, version);
    /* In a write (a save) also the audit chain's head and the actor's
     * login, which the save's audit event needs next: no other writer can
     * move them before it (store_audit_append). */
#define ANSWER_CTX(head_cols, head_join)                                                     \
    "SELECT " SA_CTX_COLS ", " SA_ITEM_TARGET("$4") ", " SA_ANSWER_COLS head_cols SA_CTX_FROM \
    " LEFT JOIN answers x ON x.assessment_id = a.id AND x.item_no = $4 AND x.side = $5"      \
    head_join SA_CTX_WHERE
    bool write = db_in_write_transaction(st->db);
    int src = 0;
    db_stmt_t *s = st_query(st, &src,
                            write ? ANSWER_CTX(", e.seq, e.hash, (SELECT login FROM users"
                                               " WHERE id = $6)",
                                               ST_AUDIT_HEAD_JOIN)
                                  : ANSWER_CTX("", ""),
                            write ? "ininsi" : "inins", id, a->operator_ ? 1 : 0, a->org_id, no,
                            side_code(side), a->user_id);
#undef ANSWER_CTX
    if (!s)
        return sa_q_err(st);
    int rc = src == DB_ROW ? sa_ctx_row(st, a, s, id, c) : asm_not_found(st, id);
    if (!rc) {
        if (!db_col_is_null(s, 7))
            *tg = target_parse(db_col_text(s, 7));
        answer_from_row(s, 8, no, side, out, version);
        if (write)
            st_head_keep(st, a->user_id, db_col_is_null(s, 15) ? 0 : db_col_int64(s, 15),
                         db_col_text(s, 16), db_col_text(s, 17));
    }
    db_finalize(s);
    return rc;
}

static const char SQL_ANSWER_INSERT[] =
    "INSERT INTO answers (assessment_id, item_no, side, status, current_text, gap_text,"
    " plan_text, plan_due, note, version, updated_by, updated_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, NULLIF(CAST($10 AS BIGINT), 0), $11)";

static const char SQL_ANSWER_UPDATE[] =
    "UPDATE answers SET status = $4, current_text = $5, gap_text = $6, plan_text = $7,"
    " plan_due = $8, note = $9, version = version + 1,"
    " updated_by = NULLIF(CAST($10 AS BIGINT), 0), updated_at = $11"
    " WHERE assessment_id = $1 AND item_no = $2 AND side = $3 AND version = $12";

/* Write an answer inside the caller's transaction: INSERT when base is 0,
 * else UPDATE … WHERE version = base.  ST_CONFLICT when no row matched. */
static int answer_write(store_t *st, const actor_t *a, int64_t assessment_id, const answer_t *v,
                        int64_t base, const char *now)
{
    int64_t changes = 0;
    int rc;
    if (base == 0)
        rc = st_exec(st, &changes, SQL_ANSWER_INSERT, "insssssssis", assessment_id, v->no,
                     side_code(v->side), status_db(v->status), v->current, v->gap, v->plan,
                     v->due, v->note, a->user_id, now);
    else
        rc = st_exec(st, &changes, SQL_ANSWER_UPDATE, "insssssssisi", assessment_id, v->no,
                     side_code(v->side), status_db(v->status), v->current, v->gap, v->plan,
                     v->due, v->note, a->user_id, now, base);
    if (rc)
        return rc;
    if (changes != 1)
        return st_fail(st, ST_CONFLICT, "項目 %d の回答は他の人が先に更新しました",
                       "item %d: someone else saved this answer first", v->no);
    return ST_OK;
}

static char *answer_oid(int64_t assessment_id, int no, side_t side)
{
    return xasprintf("%" PRId64 "/%d/%s", assessment_id, no, side_code(side));
}

/* ---- a bank's own selection ------------------------------------------- */

/* "read" / "write", also given as 参照系 / 更新系. */
static int scope_check(store_t *st, const char *scope, const char **code)
{
    if (scope && (strcmp(scope, "read") == 0 || strcmp(scope, "参照系") == 0)) {
        *code = "read";
        return ST_OK;
    }
    if (scope && (strcmp(scope, "write") == 0 || strcmp(scope, "更新系") == 0)) {
        *code = "write";
        return ST_OK;
    }
    return st_fail(st, ST_INVALID, "API の範囲は read (参照系) か write (更新系) です",
                   "the API scope is read (参照系) or write (更新系)");
}

/* Validate the bank's own items: numbered after the catalog's (0 = next
 * free number), unique, with category, objective, a target and sane
 * references. */
static int own_items_check(store_t *st, const catalog_t *own, int catalog_max, int **nos)
{
    *nos = xcalloc(own->nitems ? own->nitems : 1, sizeof **nos);
    int next = catalog_max;
    for (size_t i = 0; i < own->nitems; i++) {
        const item_t *it = &own->items[i];
        int no = it->no ? it->no : next + 1;
        if (no <= catalog_max)
            return st_fail(st, ST_INVALID,
                           "独自項目の番号 %d はチェックリストの項目 (1–%d) の後に付けてください",
                           "own item %d must be numbered after the catalog's items (1-%d)", no,
                           catalog_max);
        for (size_t j = 0; j < i; j++)
            if ((*nos)[j] == no)
                return st_fail(st, ST_INVALID, "独自項目の番号 %d が重複しています",
                               "own item number %d is used twice", no);
        (*nos)[i] = no;
        if (no > next)
            next = no;
        int rc;
        if ((rc = text_check(st, it->category, no, "区分", "category")) ||
            (rc = text_check(st, it->objective, no, "セキュリティ対応目標", "objective")) ||
            (rc = text_check(st, it->note, no, "備考", "note")))
            return rc;
        if (!it->category || !*it->category || !it->objective || !*it->objective)
            return st_fail(st, ST_INVALID, "独自項目 %d に区分とセキュリティ対応目標が必要です",
                           "own item %d needs a category and an objective", no);
        if (it->target < TARGET_PARTNER || it->target > TARGET_BOTH)
            return st_fail(st, ST_INVALID, "独自項目 %d の対象者が正しくありません",
                           "own item %d: bad target", no);
        if (it->nrefs > LIMIT_REFS_PER_ITEM)
            return st_fail(st, ST_INVALID, "独自項目 %d の関連規定が多すぎます",
                           "own item %d has too many references", no);
        for (size_t r = 0; r < it->nrefs; r++) {
            const ref_t *f = &it->refs[r];
            if (!f->source || !*f->source || !f->clause || !*f->clause)
                return st_fail(st, ST_INVALID, "独自項目 %d の関連規定に出典と条項が必要です",
                               "own item %d: a reference needs a source and a clause", no);
            if ((rc = text_check(st, f->source, no, "関連規定", "reference")) ||
                (rc = text_check(st, f->clause, no, "関連規定箇所", "clause")) ||
                (rc = text_check(st, f->title, no, "関連規定", "reference title")) ||
                (rc = text_check(st, f->point, no, "関連規定箇所", "reference point")))
                return rc;
        }
    }
    if (own->nitems > LIMIT_CATALOG_ITEMS)
        return st_fail(st, ST_INVALID, "独自項目が多すぎます", "too many own items");
    return ST_OK;
}

int store_selection_create(store_t *st, const actor_t *a, int64_t bank_id,
                           const char *catalog_id, const char *scope_in, const int *items,
                           size_t nitems, const catalog_t *own, int64_t *id, int *version)
{
    const char *scope = NULL;
    int rc = scope_check(st, scope_in, &scope);
    if (rc)
        return rc;
    if (!catalog_id || !*catalog_id)
        return st_fail(st, ST_INVALID, "チェックリストが指定されていません", "no catalog given");
    if (!(a->operator_ || a->org_id == bank_id))
        return st_fail(st, ST_NOT_FOUND, "銀行 %" PRId64 " が見つかりません",
                       "bank %" PRId64 " not found", bank_id);
    if (!a->operator_ && (a->org_kind != ORG_BANK || a->role != ROLE_ADMIN))
        return st_fail(st, ST_FORBIDDEN, "項目の選択を定められるのは銀行の管理者だけです",
                       "only a bank's admins define item selections");
    if (items && nitems > LIMIT_CATALOG_ITEMS)
        return st_fail(st, ST_INVALID, "項目が多すぎます", "too many items");
    if (items && nitems == 0 && (!own || own->nitems == 0))
        return st_fail(st, ST_INVALID, "選択に項目がありません", "the selection has no items");

    if ((rc = st_begin_write(st)))
        return rc;
    int src = 0;
    db_stmt_t *s = st_query(st, &src, "SELECT kind FROM organizations WHERE id = $1", "i", bank_id);
    if (!s)
        return st_abort(st, sa_q_err(st));
    bool is_bank = src == DB_ROW && sa_str_same(db_col_text(s, 0), "bank");
    db_finalize(s);
    if (!is_bank)
        return st_abort(st, st_fail(st, ST_NOT_FOUND, "銀行 %" PRId64 " が見つかりません",
                                    "bank %" PRId64 " not found", bank_id));
    s = st_query(st, &src,
                 "SELECT COUNT(*), COALESCE(MAX(item_no), 0) FROM catalog_items"
                 " WHERE catalog_id = $1", "s", catalog_id);
    if (!s)
        return st_abort(st, sa_q_err(st));
    int64_t count = db_col_int64(s, 0);
    int catalog_max = (int)db_col_int64(s, 1);
    db_finalize(s);
    if (count == 0)
        return st_abort(st, st_fail(st, ST_NOT_FOUND, "チェックリスト %s が見つかりません",
                                    "catalog %s not found", catalog_id));
    /* Every listed item must be the catalog's, once. */
    for (size_t i = 0; items && i < nitems; i++) {
        if (items[i] <= 0 || items[i] > catalog_max)
            return st_abort(st, st_fail(st, ST_INVALID, "項目 %d はチェックリストにありません",
                                        "item %d is not in the catalog", items[i]));
        for (size_t j = 0; j < i; j++)
            if (items[j] == items[i])
                return st_abort(st, st_fail(st, ST_INVALID, "項目 %d が重複しています",
                                            "item %d is listed twice", items[i]));
    }
    int *nos = NULL;
    if (own && (rc = own_items_check(st, own, catalog_max, &nos))) {
        free(nos);
        return st_abort(st, rc);
    }

    s = st_query(st, &src,
                 "SELECT COALESCE(MAX(version), 0) + 1 FROM selections"
                 " WHERE bank_id = $1 AND catalog_id = $2 AND scope = $3",
                 "iss", bank_id, catalog_id, scope);
    if (!s) {
        free(nos);
        return st_abort(st, sa_q_err(st));
    }
    int ver = (int)db_col_int64(s, 0);
    db_finalize(s);
    char now[DB_NOW_LEN];
    db_now(now);
    s = st_query(st, &src,
                 "INSERT INTO selections (bank_id, catalog_id, scope, version, created_by,"
                 " created_at) VALUES ($1, $2, $3, $4, NULLIF(CAST($5 AS BIGINT), 0), $6)"
                 " RETURNING id",
                 "issnis", bank_id, catalog_id, scope, ver, a->user_id, now);
    if (!s) {
        free(nos);
        return st_abort(st, sa_q_err(st));
    }
    int64_t sel = db_col_int64(s, 0);
    db_finalize(s);

    buf_t j = BUF_INIT(0);
    buf_printf(&j, "{\"bank_id\":%" PRId64 ",\"catalog_id\":", bank_id);
    st_json_str(&j, catalog_id);
    buf_adds(&j, ",\"scope\":");
    st_json_str(&j, scope);
    buf_printf(&j, ",\"version\":%d,\"items\":", ver);
    if (!items) {
        buf_adds(&j, "\"all\"");
        rc = st_exec(st, NULL,
                     "INSERT INTO selection_catalog_items (selection_id, catalog_id, item_no)"
                     " SELECT $1, catalog_id, item_no FROM catalog_items WHERE catalog_id = $2",
                     "is", sel, catalog_id);
    } else {
        buf_addc(&j, '[');
        for (size_t i = 0; !rc && i < nitems; i++) {
            buf_printf(&j, "%s%d", i ? "," : "", items[i]);
            rc = st_exec(st, NULL,
                         "INSERT INTO selection_catalog_items (selection_id, catalog_id, item_no)"
                         " VALUES ($1, $2, $3)",
                         "isn", sel, catalog_id, items[i]);
        }
        buf_addc(&j, ']');
    }
    buf_adds(&j, ",\"own\":[");
    for (size_t i = 0; !rc && own && i < own->nitems; i++) {
        const item_t *it = &own->items[i];
        buf_printf(&j, "%s{\"no\":%d,\"objective\":", i ? "," : "", nos[i]);
        st_json_str(&j, it->objective);
        buf_addc(&j, '}');
        rc = st_exec(st, NULL,
                     "INSERT INTO selection_items (selection_id, item_no, category, objective,"
                     " target, note) VALUES ($1, $2, $3, $4, $5, $6)",
                     "inssss", sel, nos[i], it->category, it->objective, target_code(it->target),
                     it->note && *it->note ? it->note : NULL);
        for (size_t r = 0; !rc && r < it->nrefs; r++)
            rc = st_exec(st, NULL,
                         "INSERT INTO selection_item_refs (selection_id, item_no, seq, source,"
                         " clause, title, point) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                         "innssss", sel, nos[i], (int)r + 1, it->refs[r].source,
                         it->refs[r].clause, it->refs[r].title, it->refs[r].point);
    }
    buf_adds(&j, "]}");
    free(nos);
    if (!rc) {
        char *oid = xasprintf("%" PRId64, sel);
        rc = store_audit_append(st, a, "selection.create", "selection", oid, NULL, buf_str(&j));
        free(oid);
    }
    buf_free(&j);
    if (rc)
        return st_abort(st, rc);
    if ((rc = st_commit(st)))
        return rc;
    if (id)
        *id = sel;
    if (version)
        *version = ver;
    return ST_OK;
}

/* ---- assessments ------------------------------------------------------ */

#define ASM_COLS                                                                          \
    "SELECT a.id, a.connection_id, c.bank_id, c.partner_id, b.name, p.name, c.scope,"     \
    " a.catalog_id, a.selection_id, a.round, a.due_date, a.state, a.version,"             \
    " a.previous_id, a.updated_at"                                                         \
    " FROM assessments a JOIN connections c ON c.id = a.connection_id"                    \
    " JOIN organizations b ON b.id = c.bank_id JOIN organizations p ON p.id = c.partner_id"

void st_assessment_from_row(db_stmt_t *s, assessment_t *x)
{
    memset(x, 0, sizeof *x);
    x->id = db_col_int64(s, 0);
    x->connection_id = db_col_int64(s, 1);
    x->bank_id = db_col_int64(s, 2);
    x->partner_id = db_col_int64(s, 3);
    x->bank_name = st_col_dup(s, 4);
    x->partner_name = st_col_dup(s, 5);
    x->scope = st_col_dup(s, 6);
    x->catalog_id = st_col_dup(s, 7);
    x->selection_id = db_col_int64(s, 8);
    x->round = st_col_dup(s, 9);
    x->due = st_col_dup(s, 10);
    if (wf_state_parse(db_col_text(s, 11), &x->state) != 0)
        x->state = WF_DRAFT;
    x->version = db_col_int64(s, 12);
    x->previous_id = db_col_int64(s, 13);
    x->updated_at = st_col_dup(s, 14);
}

static bool asm_visible(const actor_t *a, const assessment_t *x)
{
    wf_target_t t = { x->bank_id, x->partner_id, x->state };
    return workflow_check(a, ACT_READ, &t, SIDE_PARTNER, 0) == WF_OK;
}

void assessment_clear(assessment_t *x)
{
    if (!x)
        return;
    free(x->bank_name);
    free(x->partner_name);
    free(x->scope);
    free(x->catalog_id);
    free(x->round);
    free(x->due);
    free(x->updated_at);
    memset(x, 0, sizeof *x);
}

void assessment_list_free(assessment_t *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        assessment_clear(&v[i]);
    free(v);
}

int store_assessment_get(store_t *st, const actor_t *a, int64_t id, assessment_t *out)
{
    memset(out, 0, sizeof *out);
    int src = 0;
    db_stmt_t *s = st_query(st, &src,
                            ASM_COLS " WHERE a.id = $1 AND (CAST($2 AS BIGINT) = 1"
                                     " OR c.bank_id = $3 OR c.partner_id = $3)",
                            "ini", id, a->operator_ ? 1 : 0, a->org_id);
    if (!s)
        return sa_q_err(st);
    if (src != DB_ROW) {
        db_finalize(s);
        return asm_not_found(st, id);
    }
    st_assessment_from_row(s, out);
    db_finalize(s);
    if (!asm_visible(a, out)) {
        assessment_clear(out);
        return asm_not_found(st, id);
    }
    return ST_OK;
}

int store_assessment_list(store_t *st, const actor_t *a, assessment_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int src = 0;
    db_stmt_t *s = st_query(st, &src,
                            ASM_COLS " WHERE CAST($1 AS BIGINT) = 1 OR c.bank_id = $2"
                                     " OR c.partner_id = $2 ORDER BY a.id DESC LIMIT " ROWS_MAX,
                            "ni", a->operator_ ? 1 : 0, a->org_id);
    if (!s)
        return sa_q_err(st);
    size_t cap = 0, k = 0;
    assessment_t *v = NULL;
    for (; src == DB_ROW; src = db_step(s)) {
        v = xgrow(v, &cap, k + 1, sizeof *v);
        st_assessment_from_row(s, &v[k]);
        if (asm_visible(a, &v[k]))
            k++;
        else
            assessment_clear(&v[k]);
    }
    db_finalize(s);
    if (src != DB_DONE) {
        assessment_list_free(v, k);
        return st_db_fail(st, src);
    }
    *out = v;
    *n = k;
    return ST_OK;
}

/* Objectives compared without white space (the spreadsheet's line-wrap
 * spaces are not a change of meaning). */
static bool objective_same(const char *x, const char *y)
{
    if (!x || !y)
        return !x && !y;
    char *a = utf8_squeeze(x), *b = utf8_squeeze(y);
    bool same = strcmp(a, b) == 0;
    free(a);
    free(b);
    return same;
}

/* Carry the previous assessment's answers over into the new one, by item
 * number and objective text; *count gets the answers copied. */
static int carry_previous(store_t *st, const actor_t *a, int64_t new_id, const iteminfo_t *items,
                          size_t nitems, int64_t prev_id, const char *prev_catalog,
                          int64_t prev_selection, const char *now, int *count)
{
    iteminfo_t *pitems = NULL;
    size_t npitems = 0;
    int rc = items_load(st, prev_catalog, prev_selection, &pitems, &npitems);
    if (rc)
        return rc;
    int src = 0;
    db_stmt_t *s = st_query(st, &src,
                            "SELECT item_no, side, status, current_text, gap_text, plan_text,"
                            " plan_due, note FROM answers WHERE assessment_id = $1"
                            " ORDER BY item_no, side LIMIT " ROWS_MAX,
                            "i", prev_id);
    if (!s) {
        items_free(pitems, npitems);
        return sa_q_err(st);
    }
    /* Collect first: the statement must be done before we insert. */
    answer_t *v = NULL;
    size_t n = 0, cap = 0;
    for (; src == DB_ROW; src = db_step(s)) {
        int no = (int)db_col_int64(s, 0);
        side_t side;
        if (side_parse(db_col_text(s, 1), &side) != 0)
            continue;
        const iteminfo_t *old = items_find(pitems, npitems, no);
        const iteminfo_t *cur = items_find(items, nitems, no);
        if (!old || !cur || !side_answers(side, cur->target) ||
            !objective_same(old->objective, cur->objective))
            continue;
        v = xgrow(v, &cap, n + 1, sizeof *v);
        answer_t *x = &v[n++];
        memset(x, 0, sizeof *x);
        x->no = no;
        x->side = side;
        ans_from_row(s, 2, x);
    }
    db_finalize(s);
    items_free(pitems, npitems);
    if (src != DB_DONE)
        rc = st_db_fail(st, src);
    for (size_t i = 0; !rc && i < n; i++)
        rc = answer_write(st, a, new_id, &v[i], 0, now);
    for (size_t i = 0; i < n; i++)
        ans_free(&v[i]);
    free(v);
    *count = (int)n;
    return rc;
}

/* Pre-fill the partner side from the partner's profile for the catalog. */
static int fill_from_profile(store_t *st, const actor_t *a, int64_t new_id,
                             const iteminfo_t *items, size_t nitems, int64_t partner_id,
                             const char *catalog_id, const char *now, int *count)
{
    int src = 0;
    db_stmt_t *s = st_query(st, &src,
                            "SELECT item_no, status, current_text, gap_text, plan_text, plan_due,"
                            " note FROM profile_answers WHERE org_id = $1 AND catalog_id = $2"
                            " AND side = 'partner' ORDER BY item_no LIMIT " ROWS_MAX,
                            "is", partner_id, catalog_id);
    if (!s)
        return sa_q_err(st);
    answer_t *v = NULL;
    size_t n = 0, cap = 0;
    for (; src == DB_ROW; src = db_step(s)) {
        int no = (int)db_col_int64(s, 0);
        const iteminfo_t *cur = items_find(items, nitems, no);
        if (!cur || cur->own || !side_answers(SIDE_PARTNER, cur->target))
            continue;
        v = xgrow(v, &cap, n + 1, sizeof *v);
        answer_t *x = &v[n++];
        memset(x, 0, sizeof *x);
        x->no = no;
        x->side = SIDE_PARTNER;
        ans_from_row(s, 1, x);
    }
    db_finalize(s);
    int rc = src == DB_DONE ? ST_OK : st_db_fail(st, src);
    for (size_t i = 0; !rc && i < n; i++)
        rc = answer_write(st, a, new_id, &v[i], 0, now);
    for (size_t i = 0; i < n; i++)
        ans_free(&v[i]);
    free(v);
    *count = (int)n;
    return rc;
}

static int conn_not_found(store_t *st, int64_t id)
{
    return st_fail(st, ST_NOT_FOUND, "接続 %" PRId64 " が見つかりません",
                   "connection %" PRId64 " not found", id);
}

int store_assessment_open(store_t *st, const actor_t *a, int64_t connection_id,
                          const char *catalog_id, const assessment_open_opt_t *opt,
                          int64_t *id)
{
    static const assessment_open_opt_t none = { 0 };
    if (!opt)
        opt = &none;
    int rc;
    if ((rc = sa_plain_check(st, opt->round, true, ROUND_MAX_BYTES, "評価の回 (年度)", "round")) ||
        (rc = sa_date_check(st, opt->due, "提出期限", "due date")))
        return rc;
    if (!catalog_id || !*catalog_id)
        return st_fail(st, ST_INVALID, "チェックリストが指定されていません", "no catalog given");
    if ((rc = st_begin_write(st)))
        return rc;

    /* The connection, as the rules see it. */
    int src = 0;
    db_stmt_t *s = st_query(st, &src,
                            "SELECT bank_id, partner_id, scope, state FROM connections"
                            " WHERE id = $1 AND (CAST($2 AS BIGINT) = 1 OR bank_id = $3"
                            " OR partner_id = $3)",
                            "ini", connection_id, a->operator_ ? 1 : 0, a->org_id);
    if (!s)
        return st_abort(st, sa_q_err(st));
    if (src != DB_ROW) {
        db_finalize(s);
        return st_abort(st, conn_not_found(st, connection_id));
    }
    wf_target_t t = { db_col_int64(s, 0), db_col_int64(s, 1), WF_DRAFT };
    char *scope = st_col_dup(s, 2);
    bool ended = sa_str_same(db_col_text(s, 3), "ended");
    db_finalize(s);
    wf_result_t wr = workflow_check(a, ACT_OPEN, &t, SIDE_BANK, 0);
    if (wr != WF_OK) {
        free(scope);
        return st_abort(st, wr == WF_NOT_FOUND ? conn_not_found(st, connection_id)
                                               : st_wf_fail(st, wr));
    }
    if (ended) {
        free(scope);
        return st_abort(st, st_fail(st, ST_BAD_STATE,
                                    "接続 %" PRId64 " は終了しています",
                                    "connection %" PRId64 " has ended", connection_id));
    }

    /* The catalog, and the bank's latest selection for it and this scope. */
    s = st_query(st, &src, "SELECT 1 FROM catalogs WHERE id = $1", "s", catalog_id);
    if (!s) {
        free(scope);
        return st_abort(st, sa_q_err(st));
    }
    db_finalize(s);
    if (src != DB_ROW) {
        free(scope);
        return st_abort(st, st_fail(st, ST_NOT_FOUND, "チェックリスト %s が見つかりません",
                                    "catalog %s not found", catalog_id));
    }
    s = st_query(st, &src,
                 "SELECT id FROM selections WHERE bank_id = $1 AND catalog_id = $2 AND scope = $3"
                 " ORDER BY version DESC LIMIT 1",
                 "iss", t.bank_org_id, catalog_id, scope);
    free(scope);
    if (!s)
        return st_abort(st, sa_q_err(st));
    int64_t selection_id = src == DB_ROW ? db_col_int64(s, 0) : 0;
    db_finalize(s);

    s = st_query(st, &src, "SELECT id FROM assessments WHERE connection_id = $1 AND round = $2",
                 "is", connection_id, opt->round);
    if (!s)
        return st_abort(st, sa_q_err(st));
    db_finalize(s);
    if (src == DB_ROW)
        return st_abort(st, st_fail(st, ST_EXISTS, "この接続には %s の評価が既にあります",
                                    "this connection already has an assessment for %s",
                                    opt->round));

    /* The round to start from: the same connection's. */
    char *prev_catalog = NULL;
    int64_t prev_selection = 0;
    if (opt->previous_id) {
        s = st_query(st, &src,
                     "SELECT connection_id, catalog_id, selection_id FROM assessments"
                     " WHERE id = $1", "i", opt->previous_id);
        if (!s)
            return st_abort(st, sa_q_err(st));
        bool same = src == DB_ROW && db_col_int64(s, 0) == connection_id;
        if (same) {
            prev_catalog = st_col_dup(s, 1);
            prev_selection = db_col_int64(s, 2);
        }
        db_finalize(s);
        if (!same)
            return st_abort(st, st_fail(st, ST_NOT_FOUND,
                                        "前回の評価 %" PRId64 " がこの接続にありません",
                                        "previous assessment %" PRId64
                                        " not found on this connection",
                                        opt->previous_id));
    }

    char now[DB_NOW_LEN];
    db_now(now);
    s = st_query(st, &src,
                 "INSERT INTO assessments (connection_id, catalog_id, selection_id, round,"
                 " due_date, state, previous_id, version, created_by, created_at, updated_at)"
                 " VALUES ($1, $2, NULLIF(CAST($3 AS BIGINT), 0), $4, $5, 'draft',"
                 " NULLIF(CAST($6 AS BIGINT), 0), 1, NULLIF(CAST($7 AS BIGINT), 0), $8, $8)"
                 " RETURNING id",
                 "isissiis", connection_id, catalog_id, selection_id, opt->round,
                 opt->due && *opt->due ? opt->due : NULL, opt->previous_id, a->user_id, now);
    if (!s) {
        free(prev_catalog);
        return st_abort(st, sa_q_err(st));
    }
    int64_t new_id = db_col_int64(s, 0);
    db_finalize(s);

    iteminfo_t *items = NULL;
    size_t nitems = 0;
    int count = 0;
    const char *source = "none";
    rc = items_load(st, catalog_id, selection_id, &items, &nitems);
    if (!rc && opt->previous_id) {
        source = "previous";
        rc = carry_previous(st, a, new_id, items, nitems, opt->previous_id, prev_catalog,
                            prev_selection, now, &count);
    } else if (!rc && !opt->no_profile) {
        source = "profile";
        rc = fill_from_profile(st, a, new_id, items, nitems, t.partner_org_id, catalog_id, now,
                               &count);
    }
    items_free(items, nitems);
    free(prev_catalog);
    if (rc)
        return st_abort(st, rc);

    buf_t j = BUF_INIT(0);
    buf_printf(&j, "{\"connection_id\":%" PRId64 ",\"catalog_id\":", connection_id);
    st_json_str(&j, catalog_id);
    buf_printf(&j, ",\"selection_id\":%" PRId64 ",\"round\":", selection_id);
    st_json_str(&j, opt->round);
    buf_adds(&j, ",\"due\":");
    if (opt->due && *opt->due)
        st_json_str(&j, opt->due);
    else
        buf_adds(&j, "null");
    buf_printf(&j, ",\"state\":\"draft\",\"previous_id\":%" PRId64 ",\"prefill\":\"%s\","
                   "\"prefilled\":%d}",
               opt->previous_id, source, count);
    char *oid = xasprintf("%" PRId64, new_id);
    rc = store_audit_append(st, a, "assessment.open", "assessment", oid, NULL, buf_str(&j));
    free(oid);
    buf_free(&j);
    return st_end_create(st, rc, id, new_id);
}

/* ---- the checklist an assessment uses --------------------------------- */

static void item_copy_into(catalog_t *c, const item_t *src)
{
    item_t *it = catalog_add_item(c);
    it->no = src->no;
    it->category = xstrdup(src->category);
    it->objective = xstrdup(src->objective);
    it->target = src->target;
    it->note = xstrdup(src->note);
    for (size_t r = 0; r < src->nrefs; r++)
        item_add_ref(it, src->refs[r].source, src->refs[r].clause, src->refs[r].title,
                     src->refs[r].point);
}

/* The catalog narrowed to the selection's items plus the bank's own. */
static int selection_apply(store_t *st, const catalog_t *full, int64_t selection_id,
                           catalog_t **out)
{
    *out = NULL;
    catalog_t *c = catalog_new();
    c->id = xstrdup(full->id);
    c->title = xstrdup(full->title);
    c->date = xstrdup(full->date);
    c->publisher = xstrdup(full->publisher);
    int src = 0;
    db_stmt_t *s = st_query(st, &src,
                            "SELECT item_no FROM selection_catalog_items WHERE selection_id = $1"
                            " ORDER BY item_no LIMIT " ROWS_MAX,
                            "i", selection_id);
    if (!s) {
        catalog_free(c);
        return sa_q_err(st);
    }
    for (; src == DB_ROW; src = db_step(s)) {
        const item_t *it = catalog_find(full, (int)db_col_int64(s, 0));
        if (it)
            item_copy_into(c, it);
    }
    db_finalize(s);
    if (src != DB_DONE) {
        catalog_free(c);
        return st_db_fail(st, src);
    }
    size_t first_own = c->nitems;
    s = st_query(st, &src,
                 "SELECT item_no, category, objective, target, note FROM selection_items"
                 " WHERE selection_id = $1 ORDER BY item_no LIMIT " ROWS_MAX,
                 "i", selection_id);
    if (!s) {
        catalog_free(c);
        return sa_q_err(st);
    }
    for (; src == DB_ROW; src = db_step(s)) {
        item_t *it = catalog_add_item(c);
        it->no = (int)db_col_int64(s, 0);
        it->category = st_col_dup(s, 1);
        it->objective = st_col_dup(s, 2);
        it->target = target_parse(db_col_text(s, 3));
        it->note = st_col_dup(s, 4);
    }
    db_finalize(s);
    if (src != DB_DONE) {
        catalog_free(c);
        return st_db_fail(st, src);
    }
    s = st_query(st, &src,
                 "SELECT item_no, source, clause, title, point FROM selection_item_refs"
                 " WHERE selection_id = $1 ORDER BY item_no, seq LIMIT " ROWS_MAX,
                 "i", selection_id);
    if (!s) {
        catalog_free(c);
        return sa_q_err(st);
    }
    for (; src == DB_ROW; src = db_step(s)) {
        int no = (int)db_col_int64(s, 0);
        for (size_t i = first_own; i < c->nitems; i++)
            if (c->items[i].no == no) {
                item_add_ref(&c->items[i], db_col_text(s, 1), db_col_text(s, 2),
                             db_col_text(s, 3), db_col_text(s, 4));
                break;
            }
    }
    db_finalize(s);
    if (src != DB_DONE) {
        catalog_free(c);
        return st_db_fail(st, src);
    }
    *out = c;
    return ST_OK;
}

catalog_t *store_assessment_catalog(store_t *st, const actor_t *a, int64_t assessment_id,
                                    int *rc)
{
    asm_ctx_t c;
    int r = sa_ctx_check(st, a, assessment_id, ACT_READ, SIDE_PARTNER, 0, &c);
    if (r) {
        *rc = r;
        return NULL;
    }
    for (size_t i = 0; i < ST_CATALOG_CACHE; i++) {
        const st_catalog_slot_t *k = &st->catalogs[i];
        if (k->cat && k->selection_id == c.selection_id && strcmp(k->catalog_id, c.catalog_id) == 0) {
            sa_ctx_clear(&c);
            *rc = ST_OK;
            return catalog_dup(k->cat);
        }
    }
    catalog_t *full = store_catalog_get(st, c.catalog_id);
    if (!full) {
        *rc = st_fail(st, ST_NOT_FOUND, "チェックリスト %s が見つかりません",
                      "catalog %s not found", c.catalog_id);
        sa_ctx_clear(&c);
        return NULL;
    }
    catalog_t *out = full;
    if (c.selection_id) {
        r = selection_apply(st, full, c.selection_id, &out);
        catalog_free(full);
    }
    /* Not inside a write: a selection made there may still be rolled back
     * and its id (a SQLite rowid) given to another. */
    if (!r && !db_in_write_transaction(st->db)) {
        st_catalog_slot_t *k = &st->catalogs[st->catalogs_next++ % ST_CATALOG_CACHE];
        free(k->catalog_id);
        catalog_free(k->cat);
        k->catalog_id = xstrdup(c.catalog_id);
        k->selection_id = c.selection_id;
        k->cat = catalog_dup(out);
    }
    sa_ctx_clear(&c);
    *rc = r;
    return r ? NULL : out;
}

/* ---- answers ------------------------------------------------------------ */

int store_answers(store_t *st, const actor_t *a, int64_t assessment_id, answerset_t **out)
{
    *out = NULL;
    asm_ctx_t c;
    int rc = sa_ctx_check(st, a, assessment_id, ACT_READ, SIDE_PARTNER, 0, &c);
    if (rc)
        return rc;
    int src = 0;
    db_stmt_t *s = st_query(st, &src,
                            "SELECT item_no, side, status, current_text, gap_text, plan_text,"
                            " plan_due, note FROM answers WHERE assessment_id = $1"
                            " ORDER BY item_no, side LIMIT " ROWS_MAX,
                            "i", assessment_id);
    if (!s) {
        sa_ctx_clear(&c);
        return sa_q_err(st);
    }
    answerset_t *set = answerset_new(c.catalog_id);
    sa_ctx_clear(&c);
    for (; src == DB_ROW; src = db_step(s)) {
        side_t side;
        if (side_parse(db_col_text(s, 1), &side) != 0)
            continue;
        answer_t *x = answerset_get(set, (int)db_col_int64(s, 0), side);
        ans_free(x);
        ans_from_row(s, 2, x);
    }
    db_finalize(s);
    if (src != DB_DONE) {
        answerset_free(set);
        return st_db_fail(st, src);
    }
    *out = set;
    return ST_OK;
}

int store_answer_get(store_t *st, const actor_t *a, int64_t assessment_id, int no,
                     side_t side, answer_t *out, int64_t *version)
{
    memset(out, 0, sizeof *out);
    *version = 0;
    if (side != SIDE_PARTNER && side != SIDE_BANK)
        return st_fail(st, ST_INVALID, "回答者の区分が正しくありません", "bad side");
    asm_ctx_t c;
    target_t tg = 0;
    int rc = answer_ctx_load(st, a, assessment_id, no, side, &c, &tg, out, version);
    if (rc)
        return rc;
    wf_result_t wr = workflow_check(a, ACT_READ, &c.t, side, 0);
    sa_ctx_clear(&c);
    if (wr != WF_OK)
        rc = sa_wf_refuse(st, wr, assessment_id);
    else if (!tg)
        rc = sa_item_not_in(st, no);
    if (rc) {
        ans_free(out);
        *version = 0;
    }
    return rc;
}

void store_answer_clear(answer_t *a)
{
    if (a)
        ans_free(a);
}

int store_answer_save(store_t *st, const actor_t *a, int64_t assessment_id, const answer_t *ans,
                      int64_t base_version, int64_t *new_version)
{
    if (base_version < 0)
        return st_fail(st, ST_INVALID, "版が正しくありません", "bad version");
    answer_t v;
    int rc = ans_check(st, ans, &v);
    if (rc)
        return rc;
    if ((rc = st_begin_write(st))) {
        ans_free(&v);
        return rc;
    }
    asm_ctx_t c = { 0 };
    answer_t old = { 0 };
    int64_t cur = 0;
    target_t tg = 0;
    char *oid = NULL, *before = NULL, *after = NULL;
    if ((rc = answer_ctx_load(st, a, assessment_id, v.no, v.side, &c, &tg, &old, &cur)))
        goto out;
    wf_result_t wr = workflow_check(a, ACT_ANSWER, &c.t, v.side, tg);
    if (wr != WF_OK) {
        rc = sa_wf_refuse(st, wr, assessment_id);
        goto out;
    }
    if (!tg) {
        rc = sa_item_not_in(st, v.no);
        goto out;
    }
    if (cur != base_version) {
        rc = st_fail(st, ST_CONFLICT,
                     "項目 %d の回答は他の人が更新しました (保存されている版 %" PRId64
                     "、編集を始めた版 %" PRId64 ")。最新の内容を確認してください",
                     "item %d: the answer was changed by someone else (stored version %" PRId64
                     ", you started from %" PRId64 "); check the current value",
                     v.no, cur, base_version);
        goto out;
    }
    char now[DB_NOW_LEN];
    db_now(now);
    if ((rc = answer_write(st, a, assessment_id, &v, base_version, now)))
        goto out;
    oid = answer_oid(assessment_id, v.no, v.side);
    before = cur ? st_answer_json(&old, cur) : NULL;
    after = st_answer_json(&v, cur + 1);
    rc = store_audit_append(st, a, "answer.save", "answer", oid, before, after);
out:
    sa_ctx_clear(&c);
    ans_free(&v);
    ans_free(&old);
    free(oid);
    free(before);
    free(after);
    if (rc)
        return st_abort(st, rc);
    if ((rc = st_commit(st)))
        return rc;
    if (new_version)
        *new_version = cur + 1;
    return ST_OK;
}

/* ---- workflow steps ----------------------------------------------------- */

/* Add a comment row inside the caller's transaction; *id its id. */
int sa_comment_insert(store_t *st, const actor_t *a, int64_t assessment_id, int no,
                      const char *body, const char *now, int64_t *id)
{
    int src = 0;
    db_stmt_t *s = st_query(st, &src,
                            "INSERT INTO review_comments (assessment_id, item_no, body, author_id,"
                            " org_id, created_at) VALUES ($1, NULLIF(CAST($2 AS BIGINT), 0), $3,"
                            " $4, NULLIF(CAST($5 AS BIGINT), 0), $6) RETURNING id",
                            "insiis", assessment_id, no, body, a->user_id, a->org_id, now);
    if (!s)
        return sa_q_err(st);
    if (id)
        *id = db_col_int64(s, 0);
    db_finalize(s);
    return ST_OK;
}

int sa_comment_author_check(store_t *st, const actor_t *a)
{
    if (a->user_id > 0)
        return ST_OK;
    return st_fail(st, ST_FORBIDDEN, "コメントを書けるのは利用者だけです",
                   "only users write comments");
}

int store_assessment_step(store_t *st, const actor_t *a, int64_t assessment_id,
                          wf_action_t action, const char *comment)
{
    if (action != ACT_SUBMIT && action != ACT_START_REVIEW && action != ACT_RETURN &&
        action != ACT_ACCEPT)
        return st_fail(st, ST_INVALID, "この操作は評価の段階を進めません",
                       "not a workflow step");
    int rc = sa_plain_check(st, comment, false, LIMIT_CELL_BYTES, "コメント", "comment");
    if (rc)
        return rc;
    bool has_comment = comment && *comment;
    if ((rc = st_begin_write(st)))
        return rc;
    asm_ctx_t c;
    if ((rc = sa_ctx_check(st, a, assessment_id, action, SIDE_PARTNER, 0, &c)))
        return st_abort(st, rc);
    sa_ctx_clear(&c);
    if (has_comment && (rc = sa_comment_author_check(st, a)))
        return st_abort(st, rc);
    wf_state_t next = workflow_next(action, c.t.state);
    char now[DB_NOW_LEN];
    db_now(now);
    int64_t changes = 0;
    rc = st_exec(st, &changes,
                 "UPDATE assessments SET state = $2, version = version + 1, updated_at = $3,"
                 " submitted_at = CASE WHEN CAST($4 AS BIGINT) = 1 THEN $3 ELSE submitted_at END,"
                 " accepted_at = CASE WHEN CAST($5 AS BIGINT) = 1 THEN $3 ELSE accepted_at END"
                 " WHERE id = $1 AND state = $6",
                 "issnns", assessment_id, wf_state_code(next), now, action == ACT_SUBMIT ? 1 : 0,
                 action == ACT_ACCEPT ? 1 : 0, wf_state_code(c.t.state));
    if (!rc && changes != 1)
        rc = st_fail(st, ST_CONFLICT, "評価 %" PRId64 " は他の人が先に更新しました",
                     "assessment %" PRId64 " was changed by someone else first", assessment_id);
    int64_t cid = 0;
    if (!rc && has_comment)
        rc = sa_comment_insert(st, a, assessment_id, 0, comment, now, &cid);
    if (rc)
        return st_abort(st, rc);

    buf_t b = BUF_INIT(0), j = BUF_INIT(0);
    buf_printf(&b, "{\"state\":\"%s\",\"version\":%" PRId64 "}", wf_state_code(c.t.state),
               c.version);
    buf_printf(&j, "{\"state\":\"%s\",\"version\":%" PRId64, wf_state_code(next), c.version + 1);
    if (has_comment) {
        buf_printf(&j, ",\"comment_id\":%" PRId64 ",\"comment\":", cid);
        st_json_str(&j, comment);
    }
    buf_addc(&j, '}');
    char *action_name = xasprintf("assessment.%s", wf_action_code(action));
    char *oid = xasprintf("%" PRId64, assessment_id);
    rc = store_audit_append(st, a, action_name, "assessment", oid, buf_str(&b), buf_str(&j));
    free(action_name);
    free(oid);
    buf_free(&b);
    buf_free(&j);
    if (rc)
        return st_abort(st, rc);
    return st_commit(st);
}

/* ---- profiles --------------------------------------------------------- */

int store_profile_push(store_t *st, const actor_t *a, int64_t assessment_id, int no)
{
    if (no < 0)
        return st_fail(st, ST_INVALID, "項目番号が正しくありません: %d", "bad item number: %d",
                       no);
    int rc = st_begin_write(st);
    if (rc)
        return rc;
    asm_ctx_t c;
    if ((rc = sa_ctx_check(st, a, assessment_id, ACT_READ, SIDE_PARTNER, 0, &c)))
        return st_abort(st, rc);
    int own = workflow_actor_side(a, &c.t);
    if (own != SIDE_PARTNER) {
        sa_ctx_clear(&c);
        return st_abort(st, st_fail(st, own < 0 ? ST_FORBIDDEN : ST_WRONG_SIDE,
                                    "プロファイルに登録できるのは API接続先の回答だけです",
                                    "only the partner's answers go to its profile"));
    }
    if (a->role == ROLE_VIEWER) {
        sa_ctx_clear(&c);
        return st_abort(st, st_wf_fail(st, WF_FORBIDDEN));
    }
    iteminfo_t *items = NULL;
    size_t nitems = 0;
    if ((rc = items_load(st, c.catalog_id, c.selection_id, &items, &nitems))) {
        sa_ctx_clear(&c);
        return st_abort(st, rc);
    }
    if (no > 0) {
        const iteminfo_t *it = items_find(items, nitems, no);
        if (!it)
            rc = sa_item_not_in(st, no);
        else if (it->own || !side_answers(SIDE_PARTNER, it->target))
            rc = st_fail(st, ST_INVALID,
                         "項目 %d はチェックリストの API接続先の項目ではないためプロファイルに登録できません",
                         "item %d is not a partner item of the catalog: it has no place in the profile",
                         no);
    }
    /* The partner answers to push, read before writing. */
    answer_t *v = NULL;
    size_t n = 0, cap = 0;
    int src = 0;
    db_stmt_t *s = NULL;
    if (!rc) {
        s = st_query(st, &src,
                     "SELECT item_no, status, current_text, gap_text, plan_text, plan_due, note"
                     " FROM answers WHERE assessment_id = $1 AND side = 'partner'"
                     " AND (CAST($2 AS BIGINT) = 0 OR item_no = $2)"
                     " ORDER BY item_no LIMIT " ROWS_MAX,
                     "in", assessment_id, no);
        if (!s)
            rc = sa_q_err(st);
    }
    for (; !rc && src == DB_ROW; src = db_step(s)) {
        const iteminfo_t *it = items_find(items, nitems, (int)db_col_int64(s, 0));
        if (!it || it->own || !side_answers(SIDE_PARTNER, it->target))
            continue;
        v = xgrow(v, &cap, n + 1, sizeof *v);
        answer_t *x = &v[n++];
        memset(x, 0, sizeof *x);
        x->no = it->no;
        x->side = SIDE_PARTNER;
        ans_from_row(s, 1, x);
    }
    if (s) {
        db_finalize(s);
        if (!rc && src != DB_DONE)
            rc = st_db_fail(st, src);
    }
    items_free(items, nitems);
    if (!rc && n == 0)
        rc = no > 0 ? st_fail(st, ST_INVALID, "項目 %d の API接続先の回答がありません",
                              "item %d has no partner answer", no)
                    : st_fail(st, ST_INVALID, "この評価には API接続先の回答がありません",
                              "this assessment has no partner answers");
    char now[DB_NOW_LEN];
    db_now(now);
    buf_t j = BUF_INIT(0);
    buf_printf(&j, "{\"assessment_id\":%" PRId64 ",\"catalog_id\":", assessment_id);
    st_json_str(&j, c.catalog_id);
    buf_adds(&j, ",\"items\":[");
    for (size_t i = 0; !rc && i < n; i++) {
        buf_printf(&j, "%s%d", i ? "," : "", v[i].no);
        rc = st_exec(st, NULL,
                     "INSERT INTO profile_answers (org_id, catalog_id, item_no, side, status,"
                     " current_text, gap_text, plan_text, plan_due, note, version, updated_by,"
                     " updated_at) VALUES ($1, $2, $3, 'partner', $4, $5, $6, $7, $8, $9, 1,"
                     " NULLIF(CAST($10 AS BIGINT), 0), $11)"
                     " ON CONFLICT (org_id, catalog_id, item_no, side) DO UPDATE SET"
                     " status = excluded.status, current_text = excluded.current_text,"
                     " gap_text = excluded.gap_text, plan_text = excluded.plan_text,"
                     " plan_due = excluded.plan_due, note = excluded.note,"
                     " version = profile_answers.version + 1,"
                     " updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                     "isnssssssis", c.t.partner_org_id, c.catalog_id, v[i].no,
                     status_db(v[i].status), v[i].current, v[i].gap, v[i].plan, v[i].due,
                     v[i].note, a->user_id, now);
    }
    buf_adds(&j, "]}");
    for (size_t i = 0; i < n; i++)
        ans_free(&v[i]);
    free(v);
    if (!rc) {
        char *oid = xasprintf("%" PRId64 "/%s", c.t.partner_org_id, c.catalog_id);
        rc = store_audit_append(st, a, "profile.push", "profile", oid, NULL, buf_str(&j));
        free(oid);
    }
    buf_free(&j);
    sa_ctx_clear(&c);
    if (rc)
        return st_abort(st, rc);
    return st_commit(st);
}

/* ---- import ----------------------------------------------------------- */

void change_list_free(change_t *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        ans_free(&v[i].before);
        ans_free(&v[i].after);
    }
    free(v);
}

/* Note one refusal of an import in errs (counted in *nerr). */
static void import_err(buf_t *errs, int *nerr, const char *msg)
{
    if (*nerr < IMPORT_ERRORS_SHOWN) {
        if (errs->len)
            buf_adds(errs, "; ");
        buf_adds(errs, msg);
    }
    (*nerr)++;
}

int store_import(store_t *st, const actor_t *a, int64_t assessment_id, const answerset_t *in,
                 bool dry_run, change_t **changes, size_t *n)
{
    *changes = NULL;
    *n = 0;
    if (!in)
        return st_fail(st, ST_INVALID, "取り込む回答がありません", "nothing to import");
    if (in->n > (size_t)LIMIT_ROWS * 2)
        return st_fail(st, ST_INVALID, "回答が多すぎます (%zu 件)", "too many answers (%zu)",
                       in->n);
    int rc = st_begin_write(st);
    if (rc)
        return rc;
    asm_ctx_t c;
    if ((rc = sa_ctx_load(st, a, assessment_id, &c)))
        return st_abort(st, rc);
    int own = workflow_actor_side(a, &c.t);
    wf_result_t wr = workflow_check(a, ACT_ANSWER, &c.t, own < 0 ? SIDE_PARTNER : (side_t)own, 0);
    if (wr != WF_OK) {
        sa_ctx_clear(&c);
        return st_abort(st, sa_wf_refuse(st, wr, assessment_id));
    }
    if (in->catalog_id && *in->catalog_id && strcmp(in->catalog_id, c.catalog_id) != 0) {
        rc = st_fail(st, ST_INVALID,
                     "取り込む回答のチェックリスト %s は評価のもの (%s) と違います",
                     "the answers are for catalog %s, the assessment uses %s", in->catalog_id,
                     c.catalog_id);
        sa_ctx_clear(&c);
        return st_abort(st, rc);
    }
    iteminfo_t *items = NULL;
    size_t nitems = 0;
    rc = items_load(st, c.catalog_id, c.selection_id, &items, &nitems);
    sa_ctx_clear(&c);
    if (rc)
        return st_abort(st, rc);

    buf_t errs = BUF_INIT(0);
    int nerr = 0;
    change_t *v = NULL;
    int64_t *base = NULL;
    size_t k = 0, cap = 0, bcap = 0;
    for (size_t i = 0; !rc && i < in->n; i++) {
        const answer_t *x = &in->v[i];
        answer_t norm, stored;
        int64_t ver = 0;
        const iteminfo_t *it = items_find(items, nitems, x->no);
        bool empty = answer_is_empty(x);
        if (!it) {
            if (!empty) {
                char *m = xasprintf(tr("項目 %d はこの評価にありません",
                                       "item %d is not in this assessment"), x->no);
                import_err(&errs, &nerr, m);
                free(m);
            }
            continue;
        }
        if (x->side != (side_t)own) {
            /* The other side's answers may come back unchanged, never changed. */
            if (empty || (x->side != SIDE_PARTNER && x->side != SIDE_BANK))
                continue;
            if ((rc = ans_check(st, x, &norm)))
                break;
            if ((rc = answer_load(st, assessment_id, x->no, x->side, &stored, &ver))) {
                ans_free(&norm);
                break;
            }
            if (!ans_same(&norm, &stored)) {
                char *m = xasprintf(tr("項目 %d の%sの回答は変更できません (相手側の回答です)",
                                       "item %d: the %s answer is the other side's and may not change"),
                                    x->no, side_label(x->side));
                import_err(&errs, &nerr, m);
                free(m);
            }
            ans_free(&norm);
            ans_free(&stored);
            continue;
        }
        if (!side_answers(x->side, it->target)) {
            if (!empty) {
                char *m = xasprintf(tr("項目 %d は%sが回答する項目ではありません",
                                       "item %d is not answered by the %s side"),
                                    x->no, side_label(x->side));
                import_err(&errs, &nerr, m);
            free(m);
            }
            continue;
        }
        if ((rc = ans_check(st, x, &norm))) {
            /* A bad answer is one of the listed refusals, not the end. */
            import_err(&errs, &nerr, store_errmsg(st));
            rc = ST_OK;
            continue;
        }
        if ((rc = answer_load(st, assessment_id, x->no, x->side, &stored, &ver))) {
            ans_free(&norm);
            break;
        }
        if ((ver == 0 && empty) || (ver > 0 && ans_same(&norm, &stored))) {
            ans_free(&norm);
            ans_free(&stored);
            continue;
        }
        v = xgrow(v, &cap, k + 1, sizeof *v);
        base = xgrow(base, &bcap, k + 1, sizeof *base);
        v[k].no = x->no;
        v[k].side = x->side;
        v[k].before = stored;
        v[k].after = norm;
        base[k] = ver;
        k++;
    }
    items_free(items, nitems);
    if (!rc && nerr > 0) {
        char *m = nerr > IMPORT_ERRORS_SHOWN
                      ? xasprintf(tr("取り込めません (%d 件): %s …", "cannot import (%d problems): %s …"),
                                  nerr, buf_str(&errs))
                      : xasprintf(tr("取り込めません (%d 件): %s", "cannot import (%d problems): %s"),
                                  nerr, buf_str(&errs));
        rc = fail_msg(st, ST_INVALID, m);
    }
    buf_free(&errs);
    if (!rc && !dry_run && k > 0) {
        char now[DB_NOW_LEN];
        db_now(now);
        buf_t j = BUF_INIT(0);
        buf_adds(&j, "{\"changes\":[");
        for (size_t i = 0; !rc && i < k; i++) {
            rc = answer_write(st, a, assessment_id, &v[i].after, base[i], now);
            char *bj = base[i] ? st_answer_json(&v[i].before, base[i]) : NULL;
            char *aj = st_answer_json(&v[i].after, base[i] + 1);
            buf_printf(&j, "%s{\"no\":%d,\"side\":\"%s\",\"before\":%s,\"after\":%s}",
                       i ? "," : "", v[i].no, side_code(v[i].side), bj ? bj : "null", aj);
            free(bj);
            free(aj);
        }
        buf_adds(&j, "]}");
        if (!rc) {
            char *oid = xasprintf("%" PRId64, assessment_id);
            rc = store_audit_append(st, a, "assessment.import", "assessment", oid, NULL,
                                    buf_str(&j));
            free(oid);
        }
        buf_free(&j);
    }
    free(base);
    if (rc) {
        change_list_free(v, k);
        return st_abort(st, rc);
    }
    if (dry_run || k == 0)
        rc = st_abort(st, ST_OK);
    else
        rc = st_commit(st);
    if (rc) {
        change_list_free(v, k);
        return rc;
    }
    *changes = v;
    *n = k;
    return ST_OK;
}
