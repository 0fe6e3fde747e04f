/*
 * store_review — the bank's evaluation of each item, the comment threads,
 * and remediation plans (課題への対応計画) tracked to closure.  Same rules as
 * store_assessment.c: workflow_check first, tenant-filtered reads, one
 * audit event per write in the same transaction.  See store.h.
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

/* ---- reviews ---------------------------------------------------------- */

static const char *const eval_codes[] = { "unrated", "ok", "improve", "ng" };
static const char *const eval_labels[] = { "未評価", "適", "要改善", "不適" };

const char *evaluation_code(evaluation_t e)
{
    return e >= EVAL_UNRATED && e <= EVAL_NG ? eval_codes[e] : "";
}

const char *evaluation_label(evaluation_t e)
{
    return e >= EVAL_UNRATED && e <= EVAL_NG ? eval_labels[e] : "";
}

int evaluation_parse(const char *s, evaluation_t *out)
{
    for (int i = EVAL_UNRATED; s && i <= EVAL_NG; i++)
        if (strcmp(s, eval_codes[i]) == 0 || strcmp(s, eval_labels[i]) == 0) {
            *out = (evaluation_t)i;
            return 0;
        }
    return -1;
}

static evaluation_t eval_of(const char *code)
{
    evaluation_t e = EVAL_UNRATED;
    if (!code || evaluation_parse(code, &e) != 0)
        e = EVAL_UNRATED;
    return e;
}

int store_review_set(store_t *st, const actor_t *a, int64_t assessment_id, int no,
                     evaluation_t e, const char *comment)
{
    if (e < EVAL_UNRATED || e > EVAL_NG)
        return st_fail(st, ST_INVALID, "評価の値が正しくありません", "bad evaluation");
    int rc = sa_plain_check(st, comment, false, LIMIT_CELL_BYTES, "コメント", "comment");
    if (rc)
        return rc;
    bool has_comment = comment && *comment;
    if ((rc = st_begin_write(st)))
        return rc;
    asm_ctx_t c;
    if ((rc = sa_ctx_check(st, a, assessment_id, ACT_REVIEW, SIDE_BANK, 0, &c)))
        return st_abort(st, rc);
    target_t tg = 0;
    rc = sa_item_target(st, &c, no, &tg);
    sa_ctx_clear(&c);
    if (!rc && !tg)
        rc = sa_item_not_in(st, no);
    if (!rc && has_comment)
        rc = sa_comment_author_check(st, a);
    if (rc)
        return st_abort(st, rc);

    int src = 0;
    db_stmt_t *s = st_query(st, &src,
                            "SELECT evaluation, version FROM reviews"
                            " WHERE assessment_id = $1 AND item_no = $2",
                            "in", assessment_id, no);
    if (!s)
        return st_abort(st, sa_q_err(st));
    bool exists = src == DB_ROW;
    evaluation_t before = exists ? eval_of(db_col_text(s, 0)) : EVAL_UNRATED;
    int64_t rver = exists ? db_col_int64(s, 1) : 0;
    db_finalize(s);

    char now[DB_NOW_LEN];
    db_now(now);
    if (exists)
        rc = st_exec(st, NULL,
                     "UPDATE reviews SET evaluation = $3, version = version + 1,"
                     " updated_by = NULLIF(CAST($4 AS BIGINT), 0), updated_at = $5"
                     " WHERE assessment_id = $1 AND item_no = $2",
                     "insis", assessment_id, no, evaluation_code(e), a->user_id, now);
    else
        rc = st_exec(st, NULL,
                     "INSERT INTO reviews (assessment_id, item_no, evaluation, version, updated_by,"
                     " updated_at) VALUES ($1, $2, $3, 1, NULLIF(CAST($4 AS BIGINT), 0), $5)",
                     "insis", assessment_id, no, evaluation_code(e), a->user_id, now);
    /* Evaluating a submitted assessment starts its review. */
    wf_state_t next = workflow_next(ACT_REVIEW, c.t.state);
    if (!rc && next != c.t.state)
        rc = st_exec(st, NULL,
                     "UPDATE assessments SET state = $2, version = version + 1, updated_at = $3"
                     " WHERE id = $1",
                     "iss", assessment_id, wf_state_code(next), now);
    int64_t cid = 0;
    if (!rc && has_comment)
        rc = sa_comment_insert(st, a, assessment_id, no, comment, now, &cid);
    if (rc)
        return st_abort(st, rc);

    buf_t b = BUF_INIT(0), j = BUF_INIT(0);
    buf_printf(&b, "{\"evaluation\":\"%s\",\"version\":%" PRId64 ",\"state\":\"%s\"}",
               evaluation_code(before), rver, wf_state_code(c.t.state));
    buf_printf(&j, "{\"evaluation\":\"%s\",\"version\":%" PRId64 ",\"state\":\"%s\"",
               evaluation_code(e), rver + 1, wf_state_code(next));
    if (has_comment) {
        buf_printf(&j, ",\"comment_id\":%" PRId64 ",\"comment\":", cid);
        st_json_str(&j, comment);
    }
    buf_addc(&j, '}');
    char *oid = xasprintf("%" PRId64 "/%d", assessment_id, no);
    rc = store_audit_append(st, a, "review.set", "review", oid, buf_str(&b), buf_str(&j));
    free(oid);
    buf_free(&b);
    buf_free(&j);
    if (rc)
        return st_abort(st, rc);
    return st_commit(st);
}

int store_reviews(store_t *st, const actor_t *a, int64_t assessment_id, review_t **out,
                  size_t *n)
{
    *out = NULL;
    *n = 0;
    asm_ctx_t c;
    int rc = sa_ctx_check(st, a, assessment_id, ACT_READ, SIDE_PARTNER, 0, &c);
    if (rc)
        return rc;
    sa_ctx_clear(&c);
    int src = 0;
    db_stmt_t *s = st_query(st, &src,
                            "SELECT item_no, evaluation FROM reviews WHERE assessment_id = $1"
                            " ORDER BY item_no LIMIT " ROWS_MAX,
                            "i", assessment_id);
    if (!s)
        return sa_q_err(st);
    review_t *v = NULL;
    size_t k = 0, cap = 0;
    for (; src == DB_ROW; src = db_step(s)) {
        v = xgrow(v, &cap, k + 1, sizeof *v);
        v[k].no = (int)db_col_int64(s, 0);
        v[k].evaluation = eval_of(db_col_text(s, 1));
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

/* ---- comments --------------------------------------------------------- */

int store_comment_add(store_t *st, const actor_t *a, int64_t assessment_id, int no,
                      const char *body)
{
    if (no < 0)
        return st_fail(st, ST_INVALID, "項目番号が正しくありません: %d", "bad item number: %d",
                       no);
    int rc = sa_plain_check(st, body, true, LIMIT_CELL_BYTES, "コメント", "comment");
    if (rc)
        return rc;
    if ((rc = st_begin_write(st)))
        return rc;
    asm_ctx_t c;
    if ((rc = sa_ctx_check(st, a, assessment_id, ACT_COMMENT, SIDE_PARTNER, 0, &c)))
        return st_abort(st, rc);
    target_t tg = TARGET_BOTH;
    if (no > 0)
        rc = sa_item_target(st, &c, no, &tg);
    sa_ctx_clear(&c);
    if (!rc && !tg)
        rc = sa_item_not_in(st, no);
    if (!rc)
        rc = sa_comment_author_check(st, a);
    char now[DB_NOW_LEN];
    db_now(now);
    int64_t cid = 0;
    if (!rc)
        rc = sa_comment_insert(st, a, assessment_id, no, body, now, &cid);
    if (rc)
        return st_abort(st, rc);
    buf_t j = BUF_INIT(0);
    buf_printf(&j, "{\"assessment_id\":%" PRId64 ",\"no\":%d,\"body\":", assessment_id, no);
    st_json_str(&j, body);
    buf_addc(&j, '}');
    /* Under the assessment, as store_audit_log expects: "12/3/7". */
    char *oid = xasprintf("%" PRId64 "/%d/%" PRId64, assessment_id, no, cid);
    rc = store_audit_append(st, a, "comment.add", "comment", oid, NULL, buf_str(&j));
    free(oid);
    buf_free(&j);
    if (rc)
        return st_abort(st, rc);
    return st_commit(st);
}

int store_comments(store_t *st, const actor_t *a, int64_t assessment_id, int no,
                   comment_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    asm_ctx_t c;
    int rc = sa_ctx_check(st, a, assessment_id, ACT_READ, SIDE_PARTNER, 0, &c);
    if (rc)
        return rc;
    sa_ctx_clear(&c);
    int src = 0;
    db_stmt_t *s;
    if (no < 0)
        s = st_query(st, &src,
                     "SELECT rc.id, rc.item_no, u.login, rc.body, rc.created_at"
                     " FROM review_comments rc JOIN users u ON u.id = rc.author_id"
                     " WHERE rc.assessment_id = $1 ORDER BY rc.id LIMIT " ROWS_MAX,
                     "i", assessment_id);
    else if (no == 0)
        s = st_query(st, &src,
                     "SELECT rc.id, rc.item_no, u.login, rc.body, rc.created_at"
                     " FROM review_comments rc JOIN users u ON u.id = rc.author_id"
                     " WHERE rc.assessment_id = $1 AND rc.item_no IS NULL"
                     " ORDER BY rc.id LIMIT " ROWS_MAX,
                     "i", assessment_id);
    else
        s = st_query(st, &src,
                     "SELECT rc.id, rc.item_no, u.login, rc.body, rc.created_at"
                     " FROM review_comments rc JOIN users u ON u.id = rc.author_id"
                     " WHERE rc.assessment_id = $1 AND rc.item_no = $2"
                     " ORDER BY rc.id LIMIT " ROWS_MAX,
                     "in", assessment_id, no);
    if (!s)
        return sa_q_err(st);
    comment_t *v = NULL;
    size_t k = 0, cap = 0;
    for (; src == DB_ROW; src = db_step(s)) {
        v = xgrow(v, &cap, k + 1, sizeof *v);
        comment_t *x = &v[k++];
        x->id = db_col_int64(s, 0);
        x->no = (int)db_col_int64(s, 1);
        x->author_login = st_col_dup(s, 2);
        x->body = st_col_dup(s, 3);
        x->created_at = st_col_dup(s, 4);
    }
    db_finalize(s);
    if (src != DB_DONE) {
        comment_list_free(v, k);
        return st_db_fail(st, src);
    }
    *out = v;
    *n = k;
    return ST_OK;
}

void comment_list_free(comment_t *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].author_login);
        free(v[i].body);
        free(v[i].created_at);
    }
    free(v);
}

/* ---- remediation plans ------------------------------------------------ */

int store_plan_add(store_t *st, const actor_t *a, int64_t assessment_id, int no, side_t side,
                   const char *body, const char *owner, const char *due, int64_t *id)
{
    if (side != SIDE_PARTNER && side != SIDE_BANK)
        return st_fail(st, ST_INVALID, "回答者の区分が正しくありません", "bad side");
    int rc;
    if ((rc = sa_plain_check(st, body, true, LIMIT_CELL_BYTES, "対応計画", "plan")) ||
        (rc = sa_plain_check(st, owner, false, ROUND_MAX_BYTES, "担当者", "owner")) ||
        (rc = sa_date_check(st, due, "対応期限", "due date")))
        return rc;
    if ((rc = st_begin_write(st)))
        return rc;
    asm_ctx_t c;
    if ((rc = sa_ctx_load(st, a, assessment_id, &c)))
        return st_abort(st, rc);
    target_t tg = 0;
    rc = sa_item_target(st, &c, no, &tg);
    if (!rc) {
        wf_result_t wr = workflow_check(a, ACT_PLAN, &c.t, side, tg);
        if (wr != WF_OK)
            rc = sa_wf_refuse(st, wr, assessment_id);
        else if (!tg)
            rc = sa_item_not_in(st, no);
    }
    sa_ctx_clear(&c);
    if (rc)
        return st_abort(st, rc);
    char now[DB_NOW_LEN];
    db_now(now);
    int src = 0;
    db_stmt_t *s = st_query(st, &src,
                            "INSERT INTO plans (assessment_id, item_no, side, body, owner, due,"
                            " state, version, created_by, created_at, updated_at)"
                            " VALUES ($1, $2, $3, $4, $5, $6, 'open', 1,"
                            " NULLIF(CAST($7 AS BIGINT), 0), $8, $8) RETURNING id",
                            "inssssis", assessment_id, no, side_code(side), body,
                            owner && *owner ? owner : NULL, due && *due ? due : NULL,
                            a->user_id, now);
    if (!s)
        return st_abort(st, sa_q_err(st));
    int64_t pid = db_col_int64(s, 0);
    db_finalize(s);
    buf_t j = BUF_INIT(0);
    buf_printf(&j, "{\"assessment_id\":%" PRId64 ",\"no\":%d,\"side\":\"%s\",\"body\":",
               assessment_id, no, side_code(side));
    st_json_str(&j, body);
    buf_adds(&j, ",\"owner\":");
    if (owner && *owner)
        st_json_str(&j, owner);
    else
        buf_adds(&j, "null");
    buf_adds(&j, ",\"due\":");
    if (due && *due)
        st_json_str(&j, due);
    else
        buf_adds(&j, "null");
    buf_adds(&j, ",\"state\":\"open\"}");
    char *oid = xasprintf("%" PRId64 "/%" PRId64, assessment_id, pid); /* "12/5" */
    rc = store_audit_append(st, a, "plan.add", "plan", oid, NULL, buf_str(&j));
    free(oid);
    buf_free(&j);
    return st_end_create(st, rc, id, pid);
}

static int plan_not_found(store_t *st, int64_t id)
{
    return st_fail(st, ST_NOT_FOUND, "対応計画 %" PRId64 " が見つかりません",
                   "plan %" PRId64 " not found", id);
}

int store_plan_close(store_t *st, const actor_t *a, int64_t plan_id)
{
    int rc = st_begin_write(st);
    if (rc)
        return rc;
    int src = 0;
    db_stmt_t *s = st_query(st, &src,
                            "SELECT assessment_id, item_no, side, state FROM plans WHERE id = $1",
                            "i", plan_id);
    if (!s)
        return st_abort(st, sa_q_err(st));
    if (src != DB_ROW) {
        db_finalize(s);
        return st_abort(st, plan_not_found(st, plan_id));
    }
    int64_t aid = db_col_int64(s, 0);
    int no = (int)db_col_int64(s, 1);
    side_t side = SIDE_PARTNER;
    side_parse(db_col_text(s, 2), &side);
    bool open = sa_str_same(db_col_text(s, 3), "open");
    db_finalize(s);
    asm_ctx_t c;
    if ((rc = sa_ctx_load(st, a, aid, &c)))
        return st_abort(st, rc == ST_NOT_FOUND ? plan_not_found(st, plan_id) : rc);
    wf_result_t wr = workflow_check(a, ACT_PLAN, &c.t, side, 0);
    sa_ctx_clear(&c);
    if (wr != WF_OK)
        return st_abort(st, wr == WF_NOT_FOUND ? plan_not_found(st, plan_id) : st_wf_fail(st, wr));
    if (!open)
        return st_abort(st, st_fail(st, ST_BAD_STATE, "対応計画 %" PRId64 " は完了済みです",
                                    "plan %" PRId64 " is already done", plan_id));
    char now[DB_NOW_LEN];
    db_now(now);
    int64_t changes = 0;
    rc = st_exec(st, &changes,
                 "UPDATE plans SET state = 'done', closed_at = $2, updated_at = $2,"
                 " version = version + 1 WHERE id = $1 AND state = 'open'",
                 "is", plan_id, now);
    if (!rc && changes != 1)
        rc = st_fail(st, ST_CONFLICT, "対応計画 %" PRId64 " は他の人が先に更新しました",
                     "plan %" PRId64 " was changed by someone else first", plan_id);
    if (!rc) {
        char *oid = xasprintf("%" PRId64 "/%" PRId64, aid, plan_id);
        char *before = xasprintf("{\"assessment_id\":%" PRId64 ",\"no\":%d,\"state\":\"open\"}",
                                 aid, no);
        char *after = xasprintf("{\"assessment_id\":%" PRId64 ",\"no\":%d,\"state\":\"done\"}",
                                aid, no);
        rc = store_audit_append(st, a, "plan.close", "plan", oid, before, after);
        free(oid);
        free(before);
        free(after);
    }
    if (rc)
        return st_abort(st, rc);
    return st_commit(st);
}

int store_plans(store_t *st, const actor_t *a, const char *overdue_on, plan_t **out,
                size_t *n)
{
    *out = NULL;
    *n = 0;
    if (overdue_on && *overdue_on && !date_valid_iso(overdue_on))
        return st_fail(st, ST_INVALID, "日付 (YYYY-MM-DD) ではありません: %.40s",
                       "not a date (YYYY-MM-DD): %.40s", overdue_on);
    int src = 0;
    db_stmt_t *s = st_query(st, &src,
                            "SELECT p.id, p.assessment_id, p.item_no, p.side, p.body, p.owner,"
                            " p.due, po.name, bo.name, a.round, a.state, c.bank_id, c.partner_id"
                            " FROM plans p JOIN assessments a ON a.id = p.assessment_id"
                            " JOIN connections c ON c.id = a.connection_id"
                            " JOIN organizations bo ON bo.id = c.bank_id"
                            " JOIN organizations po ON po.id = c.partner_id"
                            " WHERE p.state = 'open'"
                            " AND (CAST($1 AS BIGINT) = 1 OR c.bank_id = $2 OR c.partner_id = $2)"
                            " AND (CAST($3 AS TEXT) IS NULL OR (p.due IS NOT NULL AND p.due < $3))"
                            " ORDER BY (p.due IS NULL), p.due, p.id LIMIT " ROWS_MAX,
                            "nis", a->operator_ ? 1 : 0, a->org_id,
                            overdue_on && *overdue_on ? overdue_on : NULL);
    if (!s)
        return sa_q_err(st);
    plan_t *v = NULL;
    size_t k = 0, cap = 0;
    for (; src == DB_ROW; src = db_step(s)) {
        wf_target_t t = { db_col_int64(s, 11), db_col_int64(s, 12), WF_DRAFT };
        if (wf_state_parse(db_col_text(s, 10), &t.state) != 0)
            t.state = WF_DRAFT;
        if (workflow_check(a, ACT_READ, &t, SIDE_PARTNER, 0) != WF_OK)
            continue;
        v = xgrow(v, &cap, k + 1, sizeof *v);
        plan_t *x = &v[k++];
        memset(x, 0, sizeof *x);
        x->id = db_col_int64(s, 0);
        x->assessment_id = db_col_int64(s, 1);
        x->no = (int)db_col_int64(s, 2);
        side_parse(db_col_text(s, 3), &x->side);
        x->body = st_col_dup(s, 4);
        x->owner = st_col_dup(s, 5);
        x->due = st_col_dup(s, 6);
        x->done = false;
        x->partner_name = st_col_dup(s, 7);
        x->bank_name = st_col_dup(s, 8);
        x->round = st_col_dup(s, 9);
    }
    db_finalize(s);
    if (src != DB_DONE) {
        plan_list_free(v, k);
        return st_db_fail(st, src);
    }
    *out = v;
    *n = k;
    return ST_OK;
}

void plan_list_free(plan_t *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].body);
        free(v[i].owner);
        free(v[i].due);
        free(v[i].partner_name);
        free(v[i].bank_name);
        free(v[i].round);
    }
    free(v);
}

