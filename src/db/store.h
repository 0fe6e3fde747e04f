/*
 * store — every query of the product, and the one place where the rules of
 * core/ are applied to stored data.  Each operation takes the acting user
 * (actor_t), asks core/workflow.h whether that actor may do it (tenant
 * isolation first: another tenant's object is ST_NOT_FOUND, exactly like a
 * missing one), runs in one transaction, and writes its audit event in that
 * same transaction (core/audit.h chains them).  The command line and the web
 * layer call only this API; neither holds a rule of its own.
 *
 * Memory: functions that fill a struct allocate its strings; the matching
 * *_clear() frees them.  Lists come back as arrays the caller frees with
 * the matching *_list_free().
 *
 * Errors: every function returns ST_OK (0) or a negative ST_* code, and
 * store_errmsg() then holds a message in the current language (i18n.h).
 * ST_DB means the engine failed (db_errmsg has details); ST_BUSY means a lock
 * was not obtained in time: nothing was written, the caller may retry.
 *
 * Modules: store.c (opening, actors, organizations, users, connections,
 * catalogs), store_audit.c (the audit trail: append, verify, log, backup),
 * store_assessment.c (assessments, answers, reviews, comments, plans,
 * profiles, import).
 */
#ifndef APICHECK_STORE_H
#define APICHECK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/answer.h"
#include "core/catalog.h"
#include "core/workflow.h"
#include "db/db.h"

typedef struct store store_t;

enum {
    ST_OK = 0,
    ST_NOT_FOUND = -1,  /* missing, or another tenant's */
    ST_FORBIDDEN = -2,  /* visible, but this actor may not */
    ST_BAD_STATE = -3,  /* not in the assessment's current state */
    ST_WRONG_SIDE = -4, /* not this actor's side, or the side does not answer the item */
    ST_CONFLICT = -5,   /* a save based on a stale version */
    ST_INVALID = -6,    /* bad input (message says which) */
    ST_EXISTS = -7,     /* unique name/login/key already taken */
    ST_BUSY = -8,       /* database locked: retry */
    ST_DB = -9          /* engine error */
};

/* Open the store at url (SQLite path or postgres://…) and check that its
 * schema is the one this binary writes.  With create, an empty or older
 * database is migrated (apicheck init / migrate) and the built-in catalog
 * is loaded.  Returns NULL with *err set (fresh, in the current language). */
typedef struct store_open_opt {
    bool create;          /* migrate and seed the built-in catalog */
    bool sync_normal;     /* SQLite synchronous=NORMAL instead of FULL */
    int busy_timeout_ms;  /* 0 = default */
    const char *pg_schema;/* PostgreSQL search_path (tests use a fresh schema) */
} store_open_opt_t;

store_t *store_open(const char *url, const store_open_opt_t *opt, char **err);
void store_close(store_t *st);
db_t *store_db(store_t *st);
const char *store_errmsg(const store_t *st);
/* Schema versions before and after the last store_open with create. */
void store_migrated(const store_t *st, int *from, int *to);

/* ---- actors ----------------------------------------------------------- */

/* The installation itself (init, migrations): an operator with no user. */
actor_t store_system_actor(void);
/* The enabled user with this login.  ST_NOT_FOUND when there is none. */
int store_actor(store_t *st, const char *login, actor_t *out);
/* Check a password (argon2id) and give the actor.  Wrong login and wrong
 * password are the same ST_NOT_FOUND. */
int store_login(store_t *st, const char *login, const char *password, actor_t *out);

/* ---- organizations ---------------------------------------------------- */

typedef struct org {
    int64_t id;
    org_kind_t kind;
    char *name;
    char *reg_no;   /* 登録番号 / 金融機関コード, or NULL */
    bool disabled;
} org_t;

/* Operators only. */
int store_org_create(store_t *st, const actor_t *a, org_kind_t kind, const char *name,
                     const char *reg_no, int64_t *id);
/* By id ("12") or exact name; visible to operators, its members, and the
 * other party of a connection. */
int store_org_get(store_t *st, const actor_t *a, const char *key, org_t *out);
int store_org_list(store_t *st, const actor_t *a, org_t **out, size_t *n);
void org_clear(org_t *o);
void org_list_free(org_t *v, size_t n);

/* ---- users ------------------------------------------------------------ */

typedef struct user {
    int64_t id;
    char *login;
    char *display_name;
    role_t role;
    int64_t org_id;     /* 0 for operators */
    bool is_operator;
    bool disabled;
} user_t;

/* Operators create anyone; an organization's admin creates users of its own
 * organization (never operators).  The password is hashed with argon2id;
 * NULL leaves the account without one (cannot log in). */
int store_user_create(store_t *st, const actor_t *a, const user_t *u, const char *password,
                      int64_t *id);
/* Operators, the org's admins, or the user themself. */
int store_user_set_password(store_t *st, const actor_t *a, const char *login,
                            const char *password);
int store_user_list(store_t *st, const actor_t *a, user_t **out, size_t *n);
void user_clear(user_t *u);
void user_list_free(user_t *v, size_t n);

/* ---- connections ------------------------------------------------------ */

typedef struct connection {
    int64_t id;
    int64_t bank_id, partner_id;
    char *bank_name, *partner_name;
    char *scope;   /* "read" (参照系) / "write" (更新系) */
    char *state;   /* planned / active / suspended / ended */
} connection_t;

/* Operators, or an admin of the bank. */
int store_connection_create(store_t *st, const actor_t *a, int64_t bank_id,
                            int64_t partner_id, const char *scope, int64_t *id);
int store_connection_set_state(store_t *st, const actor_t *a, int64_t id, const char *state);
/* The connections the actor's organization is party to (all for operators). */
int store_connection_list(store_t *st, const actor_t *a, connection_t **out, size_t *n);
void connection_clear(connection_t *c);
void connection_list_free(connection_t *v, size_t n);

/* ---- catalogs --------------------------------------------------------- */

/* Store an edition (operators).  Idempotent for identical content;
 * ST_EXISTS when the id holds a different edition (editions never change). */
int store_catalog_put(store_t *st, const actor_t *a, const catalog_t *c, bool builtin);
/* Any logged-in actor may read catalogs.  NULL with ST_NOT_FOUND. */
catalog_t *store_catalog_get(store_t *st, const char *id);
int store_catalog_ids(store_t *st, char ***ids, size_t *n); /* free each, then the array */

/* ---- a bank's own selection ------------------------------------------ */

/* FISC expects each bank to use the items that fit its risk.  A selection
 * names, per catalog and API scope, which catalog items apply and adds the
 * bank's own items (numbered after the catalog's, same columns).  Each call
 * writes a new version; assessments keep the version they were opened
 * with.  Bank admins (and operators) only.  items/nitems: the catalog item
 * numbers that apply (NULL = all); own: extra items (may be NULL), each
 * numbered after the catalog's last item, or 0 for the next free number. */
int store_selection_create(store_t *st, const actor_t *a, int64_t bank_id,
                           const char *catalog_id, const char *scope, const int *items,
                           size_t nitems, const catalog_t *own, int64_t *id, int *version);

/* ---- assessments ------------------------------------------------------ */

typedef struct assessment {
    int64_t id;
    int64_t connection_id;
    int64_t bank_id, partner_id;
    char *bank_name, *partner_name;
    char *scope;
    char *catalog_id;
    int64_t selection_id;   /* 0 when the whole catalog applies */
    char *round;            /* "2026年度" */
    char *due;              /* ISO date or NULL */
    wf_state_t state;
    int64_t version;
    int64_t previous_id;    /* 0 when none */
    char *updated_at;
} assessment_t;

typedef struct assessment_open_opt {
    const char *round;        /* required */
    const char *due;          /* ISO or NULL */
    int64_t previous_id;      /* start from that assessment's answers (same
                                 connection); carried over by item, never by row */
    bool no_profile;          /* do not pre-fill from the partner's profile */
} assessment_open_opt_t;

/* A bank user opens an assessment on one of its connections, using the
 * bank's latest selection for the catalog and the connection's scope when
 * there is one.  Answers start
 * from previous_id when given, else from the partner's profile for the
 * catalog (partner side), and are carried over only for items that exist
 * in the catalog (matched by item key / number and objective text). */
int store_assessment_open(store_t *st, const actor_t *a, int64_t connection_id,
                          const char *catalog_id, const assessment_open_opt_t *opt,
                          int64_t *id);
int store_assessment_get(store_t *st, const actor_t *a, int64_t id, assessment_t *out);
/* Those the actor may see, newest first. */
int store_assessment_list(store_t *st, const actor_t *a, assessment_t **out, size_t *n);
void assessment_clear(assessment_t *x);
void assessment_list_free(assessment_t *v, size_t n);

/* The checklist an assessment uses: its catalog narrowed and extended by
 * the bank's selection version, if any (ACT_READ).  NULL with *rc set. */
catalog_t *store_assessment_catalog(store_t *st, const actor_t *a, int64_t assessment_id,
                                    int *rc);
/* Every answer of an assessment as an answer set (ACT_READ). */
int store_answers(store_t *st, const actor_t *a, int64_t assessment_id, answerset_t **out);
/* One answer and its version (0 when never saved: base a first save on 0). */
int store_answer_get(store_t *st, const actor_t *a, int64_t assessment_id, int no,
                     side_t side, answer_t *out, int64_t *version);
/* Free the strings of an answer filled by store_answer_get. */
void store_answer_clear(answer_t *a);
/* Save one answer (ACT_ANSWER).  base_version is the version the editor
 * started from; when the stored one differs, ST_CONFLICT and nothing is
 * written (store_answer_get shows the current value).  *new_version gets
 * the saved version.  Validates the item, the side, text sizes, UTF-8 and
 * the due date. */
int store_answer_save(store_t *st, const actor_t *a, int64_t assessment_id, const answer_t *ans,
                      int64_t base_version, int64_t *new_version);
/* A workflow step: ACT_SUBMIT, ACT_START_REVIEW, ACT_RETURN, ACT_ACCEPT.
 * comment (may be NULL) is added to the assessment's thread. */
int store_assessment_step(store_t *st, const actor_t *a, int64_t assessment_id,
                          wf_action_t action, const char *comment);

/* ---- reviews, comments ------------------------------------------------ */

typedef enum evaluation {
    EVAL_UNRATED = 0, /* 未評価 */
    EVAL_OK = 1,      /* 適 */
    EVAL_IMPROVE = 2, /* 要改善 */
    EVAL_NG = 3       /* 不適 */
} evaluation_t;

const char *evaluation_code(evaluation_t e);  /* unrated / ok / improve / ng */
const char *evaluation_label(evaluation_t e); /* 未評価 / 適 / 要改善 / 不適 */
int evaluation_parse(const char *s, evaluation_t *out);

/* The bank's evaluation of an item (ACT_REVIEW), with an optional comment. */
int store_review_set(store_t *st, const actor_t *a, int64_t assessment_id, int no,
                     evaluation_t e, const char *comment);

typedef struct review {
    int no;
    evaluation_t evaluation;
} review_t;
/* The items evaluated so far (any other item is 未評価), by number. */
int store_reviews(store_t *st, const actor_t *a, int64_t assessment_id, review_t **out,
                  size_t *n);

typedef struct comment {
    int64_t id;
    int no;             /* 0: on the whole assessment */
    char *author_login;
    char *body;
    char *created_at;
} comment_t;
/* Add to an item's thread (no > 0) or the assessment's (no == 0). */
int store_comment_add(store_t *st, const actor_t *a, int64_t assessment_id, int no,
                      const char *body);
/* One thread in id order: an item's (no > 0), the assessment's (no == 0),
 * or every comment of the assessment (no < 0).  Free with
 * comment_list_free (store_reviews' array with free()). */
int store_comments(store_t *st, const actor_t *a, int64_t assessment_id, int no,
                   comment_t **out, size_t *n);
void comment_list_free(comment_t *v, size_t n);

/* ---- remediation plans ------------------------------------------------ */

typedef struct plan {
    int64_t id;
    int64_t assessment_id;
    int no;
    side_t side;
    char *body, *owner, *due;
    bool done;
    char *partner_name, *bank_name, *round;
} plan_t;

/* Add a plan to an item's side (ACT_PLAN). */
int store_plan_add(store_t *st, const actor_t *a, int64_t assessment_id, int no, side_t side,
                   const char *body, const char *owner, const char *due, int64_t *id);
int store_plan_close(store_t *st, const actor_t *a, int64_t plan_id);
/* Open plans visible to the actor; with overdue_on (ISO date), only those
 * due before it. */
int store_plans(store_t *st, const actor_t *a, const char *overdue_on, plan_t **out,
                size_t *n);
void plan_list_free(plan_t *v, size_t n);

/* ---- profiles: fill once, share with many ---------------------------- */

/* Copy the partner's answer of one item (no == 0: every item) from an
 * assessment into the partner's profile for that catalog. */
int store_profile_push(store_t *st, const actor_t *a, int64_t assessment_id, int no);

/* ---- import ----------------------------------------------------------- */

/* One change an import would make. */
typedef struct change {
    int no;
    side_t side;
    answer_t before, after; /* owned strings */
} change_t;

/* Apply a filled answer set to an assessment as the actor: only the
 * actor's side is taken (answers of the other side that differ are an
 * error); every answer goes through the same checks as store_answer_save;
 * all or nothing, in one transaction.  With dry_run nothing is written.
 * *changes lists what differs (or would). */
int store_import(store_t *st, const actor_t *a, int64_t assessment_id, const answerset_t *in,
                 bool dry_run, change_t **changes, size_t *n);
void change_list_free(change_t *v, size_t n);

/* ---- audit trail ------------------------------------------------------ */

/* Append an event inside the caller's open write transaction (store.c and
 * store_assessment.c call this; nobody else writes audit_events). */
int store_audit_append(store_t *st, const actor_t *a, const char *action,
                       const char *object_type, const char *object_id, const char *before,
                       const char *after);

typedef struct audit_row {
    int64_t seq;
    char *at, *user_login, *action, *object_type, *object_id, *before, *after;
    int64_t user_id, org_id;
} audit_row_t;

typedef struct audit_filter {
    const char *object_type; /* NULL = any */
    const char *object_id;
    const char *user_login;
    const char *since, *until; /* ISO times, inclusive / exclusive */
    int limit;                  /* 0 = 1000 */
} audit_filter_t;

/* Events the actor may see (operators: all; others: those of their own
 * organization's users and of objects of their assessments). */
int store_audit_log(store_t *st, const actor_t *a, const audit_filter_t *f, audit_row_t **out,
                    size_t *n);
void audit_row_list_free(audit_row_t *v, size_t n);
/* Walk the whole chain.  ST_OK when intact (*count events); otherwise
 * ST_INVALID with *bad_seq the first event that was altered, removed,
 * inserted or reordered and store_errmsg saying what. */
int store_audit_verify(store_t *st, int64_t *count, int64_t *bad_seq);
/* The last event's seq and hash (0 and "" for an empty trail).  A chain
 * proves every event up to the last one, not that later events were not
 * cut off the end: operators record the head off the machine and later
 * check it with store_audit_hash_at.  Inside a read snapshot whose session
 * lookup (store_session_find) read it already, answered from that. */
int store_audit_head(store_t *st, int64_t *seq, char hash[65]);
/* The stored hash of event seq; ST_NOT_FOUND when it is gone. */
int store_audit_hash_at(store_t *st, int64_t seq, char hash[65]);

/* ---- sign-in: sessions, throttling, API tokens, TOTP (store_session.c) -- */

/* Sessions: the browser holds a random 32-byte token (base64url, 43
 * characters); the store keeps only its SHA-256, so a leaked database leaks
 * no session.  Sessions expire after STORE_SESSION_IDLE_S without use and
 * STORE_SESSION_MAX_S after sign-in, whatever happens. */
#define STORE_TOKEN_LEN 44          /* 43 characters + NUL */
#define STORE_SESSION_IDLE_S (30 * 60)
#define STORE_SESSION_MAX_S (12 * 60 * 60)

/* Start a session for a user whose password was just checked (a fresh
 * token every time: sign-in rotates the session).  With totp_pending the
 * session only allows the second-factor step. */
int store_session_create(store_t *st, int64_t user_id, bool totp_pending,
                         char token[STORE_TOKEN_LEN]);
/* The actor of a live session (ST_NOT_FOUND when unknown or expired);
 * *totp_pending tells whether the second factor is still owed.  Refreshes
 * the idle timer (at most once a minute). */
int store_session_actor(store_t *st, const char *token, actor_t *out, bool *totp_pending);
/* The same, in one query, with the user's login name too (for the page
 * header; at most loginsz-1 bytes). */
int store_session_find(store_t *st, const char *token, actor_t *out, bool *totp_pending,
                       char *login, size_t loginsz);
/* A consistent snapshot for a page that reads several things: every read
 * between store_read_begin and store_read_end sees the same committed
 * state (on SQLite it also takes the read lock once instead of once per
 * query).  A write inside fails.  Calls nest: only the outermost pair
 * begins and ends the snapshot (the web layer opens one around a whole
 * request, the page's own pair then joins it).  A session touch due inside
 * (store_session_find) is written when the outermost snapshot ends. */
int store_read_begin(store_t *st);
void store_read_end(store_t *st);

/* The second factor was given: the session becomes full (and rotates: a new
 * token replaces the old one). */
int store_session_promote(store_t *st, const char *old_token, char token[STORE_TOKEN_LEN]);
int store_session_end(store_t *st, const char *token);
/* End every session of a user (after a password change), except keep. */
int store_session_end_user(store_t *st, int64_t user_id, const char *keep);
/* A per-session CSRF token derived from the session token (keyed BLAKE2b),
 * 43 characters: nothing to store, the same on every server. */
void store_csrf_token(const char *session_token, char out[STORE_TOKEN_LEN]);
bool store_csrf_check(const char *session_token, const char *presented);

/* Sign-in throttling, shared by every server through the database: failed
 * attempts per key (login name, client address) in the last window.  Returns
 * the seconds to wait before the next attempt (0 = go ahead). */
int store_login_wait(store_t *st, const char *key, int *wait_s);
int store_login_record(store_t *st, const char *key, bool success);

/* API tokens for programs (Authorization: Bearer), stored hashed.  The
 * token is shown once, at creation. */
int store_token_create(store_t *st, const actor_t *a, const char *name,
                       char token[STORE_TOKEN_LEN], int64_t *id);
int store_token_actor(store_t *st, const char *token, actor_t *out);
int store_token_revoke(store_t *st, const actor_t *a, int64_t id);
typedef struct api_token {
    int64_t id;
    char *name, *created_at, *last_used_at;
    bool revoked;
} api_token_t;
int store_token_list(store_t *st, const actor_t *a, api_token_t **out, size_t *n);
void api_token_list_free(api_token_t *v, size_t n);

/* TOTP (RFC 6238, SHA-1, 6 digits, 30 s).  store_totp_new_secret makes a
 * fresh base32 secret to show the user; store_totp_enable stores it once
 * the user proved their app has it with a current code; store_totp_check
 * accepts a code of the current step ±1, each step once. */
#define STORE_TOTP_SECRET_LEN 33 /* 32 base32 characters + NUL */
void store_totp_new_secret(char secret[STORE_TOTP_SECRET_LEN]);
int store_totp_enable(store_t *st, const actor_t *a, const char *secret, const char *code);
int store_totp_disable(store_t *st, const actor_t *a);
bool store_totp_enabled(store_t *st, int64_t user_id);
int store_totp_check(store_t *st, int64_t user_id, const char *code);

/* SQLite online backup to path (operators). */
int store_backup(store_t *st, const actor_t *a, const char *path);

/* ==== summaries and uploads for the web pages (store_summary.c) ========= */

/* Progress of one 区分 of an assessment: answer slots (an item answered by
 * one side is one slot, a 共通 item two) and those with a status, per side
 * (index SIDE_PARTNER / SIDE_BANK). */
typedef struct summary_cat {
    char *category;
    int first_no;      /* the lowest item number in it (for ordering) */
    int slots[2];
    int answered[2];
} summary_cat_t;

/* One assessment as the dashboard shows it. */
typedef struct assessment_summary {
    assessment_t a;
    int items;            /* items in its checklist */
    int slots[2];         /* answer slots per side */
    int status[2][5];     /* per side, by status_t; [STATUS_UNSET] = unanswered */
    int eval[4];          /* items by evaluation_t (unrated = items not rated) */
    int plans_open;       /* open remediation plans */
    int plans_overdue;    /* of those, due before today */
    summary_cat_t *cats;  /* ordered by first_no; the names belong to the dashboard_t
                             (its cats), freed by dashboard_free */
    size_t ncats;
} assessment_summary_t;

#define STORE_DASHBOARD_ROWS_MAX 1000

/* What store_dashboard reads.  The totals always cover every assessment
 * the actor may see; only the rows are narrowed and paged. */
typedef struct dashboard_opt {
    const char *today;   /* ISO date: "overdue" means due before it */
    wf_state_t only;     /* 0 = rows of every state, else of this one */
    size_t offset;       /* the page of rows: skip this many, newest first */
    size_t limit;        /* … and give at most this many (≤ STORE_DASHBOARD_ROWS_MAX) */
    bool pending;        /* also the assessments in draft or returned, by due date
                            (at most `limit`): what a partner has to answer */
    bool per_bank;       /* also one line per bank (operators) */
} dashboard_opt_t;

typedef struct dashboard_bank {
    int64_t id;
    char *name;
    int total, accepted, overdue; /* overdue: due before today, not accepted */
    int partners_todo;            /* the partners' answers 未対応 */
} dashboard_bank_t;

typedef struct dashboard {
    int total;              /* visible assessments */
    int by_state[6];        /* by wf_state_t */
    int overdue;            /* due before today and not accepted */
    int plans_open, plans_overdue;
    int status[2][5];       /* answers over all, per side, by status; [UNSET] = slots left */
    summary_cat_t *cats;    /* per 区分 over all (same name = same 区分), by first_no */
    size_t ncats;
    size_t matching;        /* assessments of the state asked (all when only is 0) */
    assessment_summary_t *rows;    /* the page, newest first */
    size_t nrows;
    assessment_summary_t *pending; /* opt.pending: draft / returned, due first */
    size_t npending;
    dashboard_bank_t *banks;       /* opt.per_bank, by name */
    size_t nbanks;
} dashboard_t;

/* The dashboard: totals over every assessment the actor may see in a
 * fixed number of grouped queries, and counts per row only for the rows
 * asked for, so the work per request follows the page, not the number of
 * partners.  Every query is tenant-filtered in SQL.  Free with
 * dashboard_free (also after an error). */
int store_dashboard(store_t *st, const actor_t *a, const dashboard_opt_t *opt, dashboard_t *out);
void dashboard_free(dashboard_t *d);

/* The version of every saved answer of an assessment (ACT_READ), in one
 * query: what the checklist page's forms carry as their base version.
 * Free *out with free(). */
typedef struct answer_version {
    int no;
    side_t side;
    int64_t version;
} answer_version_t;
int store_answer_versions(store_t *st, const actor_t *a, int64_t assessment_id,
                          answer_version_t **out, size_t *n);

/* An uploaded file kept server-side between a preview and its
 * confirmation (in evidence_blobs, keyed by SHA-256, so any server sharing
 * the database finds it).  At most STORE_UPLOAD_MAX bytes (ST_INVALID
 * beyond).  Any signed-in actor may put; get needs the hash (64 lower-case
 * hex characters), which only the uploader has seen. */
#define STORE_UPLOAD_MAX (32u * 1024u * 1024u)
int store_upload_put(store_t *st, const actor_t *a, const void *data, size_t len,
                     char sha_out[65]);
/* *data is a fresh buffer (NUL-terminated for convenience) the caller
 * frees.  ST_NOT_FOUND when no such upload exists. */
int store_upload_get(store_t *st, const actor_t *a, const char *sha, char **data, size_t *len);

/* ==== end of summaries and uploads ====================================== */

#endif
