/*
 * store_audit.c — the audit trail: appending an event inside the writer's
 * transaction, reading it back filtered, proving the chain intact, and the
 * online backup.  See core/audit.h for the chain and store.h for the rules.
 */
#include "db/store_impl.h"

#include "core/audit.h"
#include "util/i18n.h"
#include "util/xmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void st_head_keep(store_t *st, int64_t uid, int64_t seq, const char *hash, const char *login)
{
    st->head_valid = true;
    st->head_seq = seq;
    snprintf(st->head_hash, sizeof st->head_hash, "%s", seq && hash ? hash : "");
    st->head_uid = 0;
    if (uid && login && strlen(login) < sizeof st->head_login) {
        st->head_uid = uid;
        snprintf(st->head_login, sizeof st->head_login, "%s", login);
    }
}

int store_audit_append(store_t *st, const actor_t *a, const char *action,
                       const char *object_type, const char *object_id, const char *before,
                       const char *after)
{
    if (!db_in_transaction(st->db))
        return st_fail(st, ST_DB, "監査記録は書込みトランザクションの中で書きます",
                       "audit events are written inside a write transaction");
    /* The chain's head and the actor's login: kept by an earlier read of
     * this transaction (or its previous event), else read in one round
     * trip (an empty chain and a system actor give NULLs). */
    if (!st->head_valid || !db_in_write_transaction(st->db) ||
        (a->user_id && st->head_uid != a->user_id)) {
        int step;
        db_stmt_t *s = st_query(st, &step,
                                "SELECT e.seq, e.hash, (SELECT login FROM users WHERE id = $1)"
                                " FROM (SELECT 1 AS one) o" ST_AUDIT_HEAD_JOIN,
                                "i", a->user_id);
        if (!s)
            return st->last_rc;
        if (step == DB_ROW)
            st_head_keep(st, a->user_id, db_col_is_null(s, 0) ? 0 : db_col_int64(s, 0),
                         db_col_text(s, 1), db_col_text(s, 2));
        else
            st_head_keep(st, 0, 0, NULL, NULL);
        db_finalize(s);
    }
    int64_t last = st->head_seq;
    char prev[AUDIT_HASH_HEX];
    snprintf(prev, sizeof prev, "%s", last ? st->head_hash : AUDIT_GENESIS);
    char *login = a->user_id && st->head_uid == a->user_id ? xstrdup(st->head_login) : NULL;
    char now[DB_NOW_LEN];
    db_now(now);
    audit_event_t e = { last + 1, now, a->user_id, login, a->org_id, action, object_type,
                        object_id, before, after, prev };
    char hash[AUDIT_HASH_HEX];
    audit_hash(&e, hash);
    int rc = st_exec(st, NULL,
                     "INSERT INTO audit_events (seq, occurred_at, user_id, user_login, org_id, "
                     "action, object_type, object_id, before_json, after_json, prev_hash, hash) "
                     "VALUES ($1, $2, NULLIF($3, 0), $4, NULLIF($5, 0), $6, $7, $8, $9, $10, "
                     "$11, $12)",
                     "isisisssssss", e.seq, now, a->user_id, login, a->org_id, action,
                     object_type, object_id, before, after, prev, hash);
    /* The next event of this transaction follows this one. */
    if (rc == ST_OK)
        st_head_keep(st, a->user_id, e.seq, hash, login);
    else
        st->head_valid = false;
    free(login);
    return rc;
}

#define EVENT_COLS                                                                         \
    "seq, occurred_at, user_id, user_login, org_id, action, object_type, object_id, "      \
    "before_json, after_json, prev_hash, hash"

int store_audit_verify(store_t *st, int64_t *count, int64_t *bad_seq)
{
    *count = 0;
    *bad_seq = 0;
    int rc = db_begin_read(st->db);
    if (rc != DB_OK)
        return st_db_fail(st, rc);
    char prev[AUDIT_HASH_HEX] = AUDIT_GENESIS;
    int64_t expect = 1, n = 0;
    for (;;) {
        int step;
        /* Page through the chain so that PostgreSQL never holds it whole. */
        db_stmt_t *s = st_query(st, &step,
                                "SELECT " EVENT_COLS " FROM audit_events WHERE seq >= $1 "
                                "ORDER BY seq LIMIT 1000",
                                "i", expect);
        if (!s)
            return st_abort(st, st->last_rc);
        int rows = 0;
        for (; step == DB_ROW; step = db_step(s)) {
            rows++;
            int64_t seq = db_col_int64(s, 0);
            audit_event_t e = { seq,
                                db_col_text(s, 1),
                                db_col_int64(s, 2),
                                db_col_text(s, 3),
                                db_col_int64(s, 4),
                                db_col_text(s, 5),
                                db_col_text(s, 6),
                                db_col_text(s, 7),
                                db_col_text(s, 8),
                                db_col_text(s, 9),
                                db_col_text(s, 10) };
            const char *stored = db_col_text(s, 11);
            const char *why_ja = NULL, *why_en = NULL;
            if (seq != expect) {
                why_ja = "この前の記録 (番号 %lld から) が削除されています";
                why_en = "the event(s) before it (from seq %lld) were removed";
            } else if (!e.prev_hash || strcmp(e.prev_hash, prev) != 0) {
                why_ja = "前の記録とつながっていません (並べ替え・挿入・前の記録の改ざん; 期待番号 %lld)";
                why_en = "it does not follow the event before it (reordered, inserted, or the "
                         "previous one altered; expected seq %lld)";
            } else {
                char h[AUDIT_HASH_HEX];
                audit_hash(&e, h);
                if (!stored || strcmp(h, stored) != 0) {
                    why_ja = "内容が書き換えられています (期待番号 %lld)";
                    why_en = "its content was altered (expected seq %lld)";
                }
            }
            if (why_ja) {
                *bad_seq = seq;
                *count = n;
                db_finalize(s);
                db_rollback(st->db);
                char *detail = xasprintf(tr(why_ja, why_en), (long long)expect);
                rc = st_fail(st, ST_INVALID, "監査記録 %lld: %s", "audit event %lld: %s",
                             (long long)seq, detail);
                free(detail);
                return rc;
            }
            snprintf(prev, sizeof prev, "%s", stored);
            expect = seq + 1;
            n++;
        }
        db_finalize(s);
        if (step < 0)
            return st_abort(st, st_db_fail(st, step));
        if (rows < 1000)
            break;
    }
    db_rollback(st->db); /* end the read snapshot */
    *count = n;
    return ST_OK;
}

int store_audit_head(store_t *st, int64_t *seq, char hash[65])
{
    if (st->head_valid && st->read_depth > 0) {
        *seq = st->head_seq;
        snprintf(hash, 65, "%s", st->head_hash);
        return ST_OK;
    }
    *seq = 0;
    hash[0] = '\0';
    int step;
    db_stmt_t *s = st_query(st, &step,
                            ST_AUDIT_HEAD, "");
    if (!s)
        return st->last_rc;
    if (step == DB_ROW) {
        *seq = db_col_int64(s, 0);
        snprintf(hash, 65, "%s", db_col_text(s, 1));
    }
    db_finalize(s);
    return ST_OK;
}

int store_audit_hash_at(store_t *st, int64_t seq, char hash[65])
{
    hash[0] = '\0';
    int step;
    db_stmt_t *s = st_query(st, &step, "SELECT hash FROM audit_events WHERE seq = $1", "i", seq);
    if (!s)
        return st->last_rc;
    int rc = ST_OK;
    if (step == DB_ROW)
        snprintf(hash, 65, "%s", db_col_text(s, 0));
    else
        rc = st_fail(st, ST_NOT_FOUND, "監査記録 %lld がありません (末尾が削除されています)",
                     "audit event %lld is missing (the end of the trail was cut off)",
                     (long long)seq);
    db_finalize(s);
    return rc;
}

/* Types of objects that belong to an assessment; their object_id starts
 * with the assessment's id ("12", "12/3/partner"). */
static bool assessment_scoped(const char *type)
{
    static const char *const types[] = { "assessment", "answer", "review", "comment", "plan" };
    for (size_t i = 0; type && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(type, types[i]) == 0)
            return true;
    return false;
}

int store_audit_log(store_t *st, const actor_t *a, const audit_filter_t *f, audit_row_t **out,
                    size_t *n)
{
    *out = NULL;
    *n = 0;
    audit_filter_t none = { 0 };
    if (!f)
        f = &none;
    /* Who sees what: operators everything; others the events of their own
     * organization, and every event of an assessment they are party to when
     * they ask for that assessment's objects. */
    bool all = a->operator_;
    if (!all && f->object_type && f->object_id && assessment_scoped(f->object_type)) {
        int64_t aid = strtoll(f->object_id, NULL, 10);
        wf_target_t t;
        if (aid <= 0 || st_assessment_target(st, aid, &t, NULL) != ST_OK ||
            workflow_check(a, ACT_READ, &t, SIDE_PARTNER, 0) != WF_OK)
            return st_wf_fail(st, WF_NOT_FOUND);
        all = true;
    }
    /* A trailing "/" asks for the object and everything under it. */
    char *id_like = NULL;
    size_t idlen = f->object_id ? strlen(f->object_id) : 0;
    if (idlen && f->object_id[idlen - 1] == '/')
        id_like = xasprintf("%s%%", f->object_id);
    int step;
    db_stmt_t *s = st_query(
        st, &step,
        "SELECT " EVENT_COLS " FROM audit_events WHERE "
        "($1 = 1 OR org_id = $2) "
        "AND (CAST($3 AS TEXT) IS NULL OR object_type = $3) "
        "AND (CAST($4 AS TEXT) IS NULL OR object_id = $4) "
        "AND (CAST($5 AS TEXT) IS NULL OR object_id LIKE $5) "
        "AND (CAST($6 AS TEXT) IS NULL OR user_login = $6) "
        "AND (CAST($7 AS TEXT) IS NULL OR occurred_at >= $7) "
        "AND (CAST($8 AS TEXT) IS NULL OR occurred_at < $8) "
        "ORDER BY seq DESC LIMIT $9",
        "iissssssi", (int64_t)(all ? 1 : 0), a->org_id, f->object_type,
        id_like ? NULL : f->object_id, id_like, f->user_login, f->since, f->until,
        (int64_t)(f->limit > 0 && f->limit <= 100000 ? f->limit : 1000));
    free(id_like);
    if (!s)
        return st->last_rc;
    audit_row_t *v = NULL;
    size_t cnt = 0, cap = 0;
    for (; step == DB_ROW; step = db_step(s)) {
        v = xgrow(v, &cap, cnt + 1, sizeof *v);
        audit_row_t *r = &v[cnt++];
        r->seq = db_col_int64(s, 0);
        r->at = st_col_dup(s, 1);
        r->user_id = db_col_int64(s, 2);
        r->user_login = st_col_dup(s, 3);
        r->org_id = db_col_int64(s, 4);
        r->action = st_col_dup(s, 5);
        r->object_type = st_col_dup(s, 6);
        r->object_id = st_col_dup(s, 7);
        r->before = st_col_dup(s, 8);
        r->after = st_col_dup(s, 9);
    }
    db_finalize(s);
    if (step < 0) {
        audit_row_list_free(v, cnt);
        return st_db_fail(st, step);
    }
    *out = v;
    *n = cnt;
    return ST_OK;
}

void audit_row_list_free(audit_row_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].at);
        free(v[i].user_login);
        free(v[i].action);
        free(v[i].object_type);
        free(v[i].object_id);
        free(v[i].before);
        free(v[i].after);
    }
    free(v);
}

int store_backup(store_t *st, const actor_t *a, const char *path)
{
    if (!a->operator_)
        return st_wf_fail(st, WF_FORBIDDEN);
    char *err = NULL;
    int rc = db_backup(st->db, path, &err);
    if (rc == DB_OK)
        return ST_OK;
    rc = st_fail(st, rc == DB_ERR_MISUSE ? ST_INVALID : ST_DB, "%s", "%s", err ? err : "?");
    free(err);
    return rc;
}
