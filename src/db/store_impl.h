/*
 * store_impl — what the store's own modules share (store.c, store_audit.c,
 * store_assessment.c): the store struct, error reporting and the small
 * helpers every query uses.  Not for use outside src/db/.
 */
#ifndef APICHECK_STORE_IMPL_H
#define APICHECK_STORE_IMPL_H

#include "db/store.h"
#include "util/buf.h"

/* Checklists as assessments use them (an edition, narrowed by a bank's
 * selection): both never change once written (store_catalog_put refuses a
 * different edition under an existing id; a selection change is a new
 * version), so a connection keeps the last few it built. */
#define ST_CATALOG_CACHE 4
typedef struct st_catalog_slot {
    char *catalog_id;
    int64_t selection_id;
    catalog_t *cat;
} st_catalog_slot_t;

/* What st_touch moves. */
typedef enum st_touch { ST_TOUCH_NONE, ST_TOUCH_SESSION, ST_TOUCH_TOKEN } st_touch_t;

struct store {
    db_t *db;
    char *errmsg;       /* last message, current language */
    int last_rc;        /* the ST_* code of the last st_fail */
    int from_version, to_version;
    st_catalog_slot_t catalogs[ST_CATALOG_CACHE];
    unsigned catalogs_next; /* the slot the next miss replaces */
    int read_depth;         /* store_read_begin calls not yet ended */
    /* A last-use touch found due inside a read snapshot, written when the
     * snapshot ends (st_touch). */
    st_touch_t touch_what;
    char touch_hash[65];
    char touch_at[DB_NOW_LEN];
    /* The audit chain's head as read inside the current read snapshot or
     * write transaction, where nobody else can move it (a snapshot; the
     * writers' lock), for store_audit_head and store_audit_append; in a
     * write also the login of user head_uid.  Cleared when either begins. */
    bool head_valid;
    int64_t head_seq;
    char head_hash[65];
    int64_t head_uid;   /* 0: no login kept */
    char head_login[72];
};

/* Record an error (message pair, printf-style with the same arguments) and
 * return code. */
int st_fail(store_t *st, int code, const char *ja_fmt, const char *en_fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Map a DB_ERR_* code to ST_* (BUSY → ST_BUSY, UNIQUE → ST_EXISTS, …),
 * recording db_errmsg; returns the ST_* code. */
int st_db_fail(store_t *st, int db_rc);
/* Map a workflow refusal to ST_* with its message; WF_OK → ST_OK. */
int st_wf_fail(store_t *st, wf_result_t r);
/* Roll back (if a transaction is open) and return rc: for error paths. */
int st_abort(store_t *st, int rc);
/* Commit; maps a failed commit. */
int st_commit(store_t *st);
/* The end of a write that created a row: with rc set, roll back and return
 * it; else commit and, when that worked, store new_id in *id (if given). */
int st_end_create(store_t *st, int rc, int64_t *id, int64_t new_id);
/* Begin a write transaction; ST_OK or the mapped error. */
int st_begin_write(store_t *st);
/* The audit chain's head (seq, hash): the query, and the same as a join
 * (alias e, NULLs for an empty chain) for statements that read it along. */
#define ST_AUDIT_HEAD "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"
#define ST_AUDIT_HEAD_JOIN " LEFT JOIN (" ST_AUDIT_HEAD ") e ON 1 = 1"

/* Keep the audit chain's head (seq 0 and hash NULL for an empty chain)
 * and the login of user uid (NULL: none kept), read in the current read
 * snapshot or write transaction (see struct store). */
void st_head_keep(store_t *st, int64_t uid, int64_t seq, const char *hash, const char *login);
/* Move the last use of a session or API token (by its hash) to now, best
 * effort: a busy database waits briefly and the touch is dropped.  Inside
 * a read snapshot, where a write would fail (and on PostgreSQL spoil the
 * snapshot), it is kept and done when the snapshot ends. */
void st_touch(store_t *st, st_touch_t what, const char *hash, const char *now);

/* Prepare, bind text/int parameters from a list and step once (on failure
 * st->last_rc holds the ST_* code).  Format
 * letters: 's' text (NULL allowed), 'i' int64, 'n' int (as int64).
 * Returns the prepared statement after its first step (DB_ROW / DB_DONE in
 * *step_rc), or NULL on error (recorded).  The caller finalizes. */
db_stmt_t *st_query(store_t *st, int *step_rc, const char *sql, const char *types, ...);
/* Run a statement that returns no rows; ST_OK or mapped error. *changes
 * (may be NULL) gets the rows changed. */
int st_exec(store_t *st, int64_t *changes, const char *sql, const char *types, ...);

/* A fresh copy of column col of the current row (NULL for SQL NULL). */
char *st_col_dup(db_stmt_t *s, int col);

/* A JSON text for an answer (for audit before/after); fresh string. */
char *st_answer_json(const answer_t *a, int64_t version);
/* JSON string escaping into b. */
void st_json_str(buf_t *b, const char *s);

/* The columns of an actor, from users u LEFT JOIN organizations o, and
 * the actor from the first five columns of a row selecting them. */
#define USER_COLS "u.id, u.org_id, o.kind, u.role, u.is_operator"
void st_actor_from_row(db_stmt_t *s, actor_t *a);

/* An assessment from a row of the fifteen columns of ASM_COLS
 * (store_assessment.c): id, connection, bank, partner, their names, scope,
 * catalog, selection, round, due date, state, version, previous, updated. */
void st_assessment_from_row(db_stmt_t *s, assessment_t *x);

/* The enabled user with this id as an actor (ST_NOT_FOUND otherwise). */
int store_actor_by_id(store_t *st, int64_t user_id, actor_t *out);

/* Load the participants of an assessment for workflow checks: ST_NOT_FOUND
 * when missing. */
int st_assessment_target(store_t *st, int64_t assessment_id, wf_target_t *t,
                         char **catalog_id);

#endif
