/* The PostgreSQL engine of db.h (libpq 15): server-side prepared statements
 * named per connection, text-format parameters (binary for BYTEA), whole
 * results fetched on the first step, SQLSTATEs mapped to DB_ERR_*. */
#include "db/db_impl.h"

#include "util/hex.h"
#include "util/xmem.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The advisory lock every writer takes (any constant: it only has to be the
 * same for every apicheck connection to the database). */
#define PG_WRITE_LOCK "4702111234474983745"
#define PG_BOOL_OID 16
#define PG_BYTEA_OID 17

typedef struct pg_db {
    db_t base;
    PGconn *c;
    uint64_t next_name;
    /* A read snapshot begun but not yet sent (pg_begin): its BEGIN goes to
     * the server with the first statement, in one round trip. */
    bool begin_pending;
} pg_db_t;

/* What pg_begin sends (see there). */
#define PG_BEGIN_READ "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"
#define PG_BEGIN_WRITE "BEGIN ISOLATION LEVEL READ COMMITTED"
#define PG_TAKE_LOCK "SELECT pg_advisory_xact_lock(" PG_WRITE_LOCK ")"

typedef struct pg_stmt {
    db_stmt_t base;
    char name[24];   /* server-side statement name */
    char **vals;     /* parameter values (NULL = SQL NULL), owned */
    int *lens;       /* lengths, for binary (BYTEA) parameters */
    int *fmts;       /* 0 text, 1 binary */
    PGresult *res;   /* the result, after the first step */
    int row, nrows;  /* current row (-1 before the first) and count */
    unsigned char **blobs; /* decoded BYTEA of the current row, per column */
    size_t *bloblens;
} pg_stmt_t;

static const db_ops_t pg_ops;

bool db_pg_is_conninfo(const char *s)
{
    char *errmsg = NULL;
    PQconninfoOption *o = PQconninfoParse(s, &errmsg);
    PQfreemem(errmsg);
    if (!o)
        return false;
    PQconninfoFree(o);
    return true;
}

/* Map a SQLSTATE to DB_ERR_*, in one place. */
static int pg_classify(const char *state)
{
    if (!state)
        return DB_ERR_OTHER;
    static const struct {
        const char *state;
        int code;
    } map[] = {
        { "23505", DB_ERR_UNIQUE },  /* unique_violation */
        { "23503", DB_ERR_FK },      /* foreign_key_violation */
        { "23514", DB_ERR_CHECK },   /* check_violation */
        { "23502", DB_ERR_CHECK },   /* not_null_violation */
        { "40001", DB_ERR_BUSY },    /* serialization_failure */
        { "40P01", DB_ERR_BUSY },    /* deadlock_detected */
        { "55P03", DB_ERR_BUSY },    /* lock_not_available (lock_timeout) */
        { "57P01", DB_ERR_GONE },    /* admin_shutdown */
        { "57P02", DB_ERR_GONE },    /* crash_shutdown */
        { "57P03", DB_ERR_GONE },    /* cannot_connect_now */
        { "42P18", DB_ERR_MISUSE },  /* indeterminate_datatype: add a CAST */
        { "42P02", DB_ERR_MISUSE },  /* undefined_parameter */
        { "25P02", DB_ERR_MISUSE },  /* in_failed_sql_transaction */
        { "25006", DB_ERR_MISUSE },  /* read_only_sql_transaction: write in db_begin_read */
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(state, map[i].state) == 0)
            return map[i].code;
    if (strncmp(state, "08", 2) == 0) /* connection_exception */
        return DB_ERR_GONE;
    return DB_ERR_OTHER;
}

/* Record the error of a failed call (r may be NULL) and return its code. */
static int pg_fail(pg_db_t *d, const PGresult *r)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    int code = pg_classify(state);
    if (PQstatus(d->c) == CONNECTION_BAD)
        code = DB_ERR_GONE;
    const char *msg = r && *PQresultErrorMessage(r) ? PQresultErrorMessage(r) : PQerrorMessage(d->c);
    if (code == DB_ERR_GONE)
        return db_set_error(&d->base, code, "PostgreSQL との接続が切れました / connection to PostgreSQL lost: %s",
                            msg);
    return db_set_error(&d->base, code, "%s", msg);
}

static void pg_quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message; /* NOTICEs such as "relation already exists, skipping" */
}

static int pg_send_begin(pg_db_t *d);

/* Run one parameterized statement whose result is not needed (after a
 * deferred BEGIN).  Returns DB_OK or an error. */
static int pg_run(pg_db_t *d, const char *sql, int n, const char *const *vals)
{
    int rc0 = pg_send_begin(d);
    if (rc0 < 0)
        return rc0;
    PGresult *r = PQexecParams(d->c, sql, n, NULL, vals, NULL, NULL, 0);
    ExecStatusType s = PQresultStatus(r);
    int rc = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? DB_OK : pg_fail(d, r);
    PQclear(r);
    return rc;
}

db_t *db_pg_open(const char *conninfo, const db_open_opt_t *opt, char **err)
{
    /* Later keywords override what the expanded dbname says. */
    const char *keys[] = { "dbname", "client_encoding", "fallback_application_name", NULL };
    const char *vals[] = { conninfo, "UTF8", "apicheck", NULL };
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        char *m = xstrdup(c ? PQerrorMessage(c) : "out of memory");
        size_t len = strlen(m);
        while (len && (m[len - 1] == '\n' || m[len - 1] == ' '))
            m[--len] = '\0';
        *err = xasprintf("PostgreSQL に接続できません: %s / cannot connect to PostgreSQL: %s", m, m);
        free(m);
        PQfinish(c);
        return NULL;
    }
    PQsetNoticeProcessor(c, pg_quiet, NULL);

    pg_db_t *d = xcalloc(1, sizeof *d);
    d->base.ops = &pg_ops;
    d->base.engine = DB_ENGINE_PG;
    d->c = c;

    const char *enc = PQparameterStatus(c, "server_encoding");
    int rc = DB_OK;
    if (PQserverVersion(c) < 100000) {
        rc = db_set_error(&d->base, DB_ERR_OTHER, "PostgreSQL 10 以降が必要です / PostgreSQL 10 or later is required");
    } else if (!enc || strcmp(enc, "UTF8") != 0) {
        rc = db_set_error(&d->base, DB_ERR_OTHER,
                          "データベースの文字コードが UTF8 ではありません (%s) / the database encoding is %s, not UTF8",
                          enc ? enc : "?", enc ? enc : "?");
    } else {
        /* Waiting for a lock longer than the busy timeout fails with 55P03,
         * as SQLite's busy timeout does with SQLITE_BUSY. */
        char ms[32];
        snprintf(ms, sizeof ms, "%dms", opt->busy_timeout_ms);
        const char *p1[] = { ms };
        rc = pg_run(d, "SELECT set_config('lock_timeout', $1, false)", 1, p1);
        if (rc == DB_OK && opt->pg_schema) {
            const char *p2[] = { opt->pg_schema };
            rc = pg_run(d, "SELECT set_config('search_path', $1, false)", 1, p2);
        }
    }
    if (rc < 0) {
        *err = xasprintf("PostgreSQL を使えません: %s / cannot use PostgreSQL: %s", d->base.errmsg,
                         d->base.errmsg);
        free(d->base.errmsg);
        PQfinish(c);
        free(d);
        return NULL;
    }
    return &d->base;
}

static void pg_close(db_t *db)
{
    pg_db_t *d = (pg_db_t *)db;
    PQfinish(d->c);
    free(d);
}

static db_stmt_t *pg_prepare(db_t *db, const char *sql)
{
    pg_db_t *d = (pg_db_t *)db;
    pg_stmt_t *s = xcalloc(1, sizeof *s);
    snprintf(s->name, sizeof s->name, "apicheck_%" PRIu64, ++d->next_name);
    PGresult *r = PQprepare(d->c, s->name, sql, 0, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        pg_fail(d, r);
        PQclear(r);
        free(s);
        return NULL;
    }
    PQclear(r);
    r = PQdescribePrepared(d->c, s->name);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        pg_fail(d, r);
        PQclear(r);
        free(s);
        return NULL;
    }
    int n = PQnparams(r);
    PQclear(r);
    s->base.nparams = n;
    s->vals = xcalloc((size_t)n + 1, sizeof *s->vals);
    s->lens = xcalloc((size_t)n + 1, sizeof *s->lens);
    s->fmts = xcalloc((size_t)n + 1, sizeof *s->fmts);
    s->row = -1;
    return &s->base;
}

static void pg_clear_row(pg_stmt_t *s)
{
    if (!s->blobs)
        return;
    int nf = s->res ? PQnfields(s->res) : 0;
    for (int i = 0; i < nf; i++) {
        free(s->blobs[i]);
        s->blobs[i] = NULL;
    }
}

static void pg_reset(db_stmt_t *st)
{
    pg_stmt_t *s = (pg_stmt_t *)st;
    pg_clear_row(s);
    free(s->blobs);
    free(s->bloblens);
    s->blobs = NULL;
    s->bloblens = NULL;
    PQclear(s->res);
    s->res = NULL;
    s->row = -1;
    s->nrows = 0;
    for (int i = 0; i < st->nparams; i++) {
        free(s->vals[i]);
        s->vals[i] = NULL;
        s->lens[i] = 0;
        s->fmts[i] = 0;
    }
}

static void pg_stmt_free(db_stmt_t *st)
{
    pg_stmt_t *s = (pg_stmt_t *)st;
    pg_reset(st);
    free(s->vals);
    free(s->lens);
    free(s->fmts);
    free(s);
}

static void pg_set(pg_stmt_t *s, int n, char *v, int len, int fmt)
{
    free(s->vals[n - 1]);
    s->vals[n - 1] = v;
    s->lens[n - 1] = len;
    s->fmts[n - 1] = fmt;
}

static int pg_bind_text(db_stmt_t *st, int n, const char *v, size_t len)
{
    pg_set((pg_stmt_t *)st, n, xstrndup(v, len), 0, 0);
    return DB_OK;
}

static int pg_bind_int64(db_stmt_t *st, int n, int64_t v)
{
    pg_set((pg_stmt_t *)st, n, xasprintf("%" PRId64, v), 0, 0);
    return DB_OK;
}

static int pg_bind_null(db_stmt_t *st, int n)
{
    pg_set((pg_stmt_t *)st, n, NULL, 0, 0);
    return DB_OK;
}

static int pg_bind_blob(db_stmt_t *st, int n, const void *p, size_t len)
{
    if (len > 0x7fffffff)
        return db_set_error(st->db, DB_ERR_MISUSE, "BLOB が大きすぎます / blob too large");
    char *copy = xmalloc(len ? len : 1);
    memcpy(copy, p, len);
    pg_set((pg_stmt_t *)st, n, copy, (int)len, 1);
    return DB_OK;
}

/* Rows changed, for INSERT / UPDATE / DELETE / MERGE only. */
static int64_t pg_changes(PGresult *r)
{
    const char *status = PQcmdStatus(r);
    if (strncmp(status, "INSERT", 6) && strncmp(status, "UPDATE", 6) && strncmp(status, "DELETE", 6) &&
        strncmp(status, "MERGE", 5))
        return 0;
    return strtoll(PQcmdTuples(r), NULL, 10);
}

/* Run prepared statement s with its bound parameters. */
static PGresult *pg_exec_prepared(pg_db_t *d, pg_stmt_t *s)
{
    return PQexecPrepared(d->c, s->name, s->base.nparams, (const char *const *)s->vals, s->lens,
                          s->fmts, 0);
}

/* Run statement s together with the BEGIN that pg_begin deferred: one
 * pipeline, one round trip.  Returns s's result, or a failed BEGIN's error
 * in its place. */
static PGresult *pg_exec_with_begin(pg_db_t *d, pg_stmt_t *s)
{
    if (PQenterPipelineMode(d->c) != 1) /* not idle: the long way */
        return pg_send_begin(d) < 0 ? NULL : pg_exec_prepared(d, s);
    d->begin_pending = false;
    bool sent = PQsendQueryParams(d->c, PG_BEGIN_READ, 0, NULL, NULL, NULL, NULL, 0) == 1 &&
                PQsendQueryPrepared(d->c, s->name, s->base.nparams, (const char *const *)s->vals,
                                    s->lens, s->fmts, 0) == 1 &&
                PQpipelineSync(d->c) == 1;
    if (!sent) {
        PQexitPipelineMode(d->c);
        return NULL; /* pg_fail reports the connection's error */
    }
    /* Each query's results end with a NULL; the sync point ends them all.
     * Query 0 is the BEGIN, query 1 the statement. */
    PGresult *mine = NULL, *err = NULL;
    for (int q = 0;;) {
        PGresult *r = PQgetResult(d->c);
        if (!r) {
            if (++q > 2 && PQstatus(d->c) == CONNECTION_BAD)
                break;
            continue;
        }
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_PIPELINE_SYNC) {
            PQclear(r);
            break;
        }
        if (q == 1 && !mine)
            mine = r;
        else if (!err && st != PGRES_COMMAND_OK)
            err = r;
        else
            PQclear(r);
    }
    PQexitPipelineMode(d->c);
    if (err) {
        PQclear(mine);
        return err;
    }
    return mine;
}

static int pg_step(db_stmt_t *st)
{
    pg_stmt_t *s = (pg_stmt_t *)st;
    pg_db_t *d = (pg_db_t *)st->db;
    if (!s->res) {
        PGresult *r = d->begin_pending ? pg_exec_with_begin(d, s) : pg_exec_prepared(d, s);
        ExecStatusType status = PQresultStatus(r);
        if (status == PGRES_COMMAND_OK) {
            st->changes = pg_changes(r);
            PQclear(r);
            return DB_DONE;
        }
        if (status != PGRES_TUPLES_OK) {
            int code = pg_fail(d, r);
            PQclear(r);
            return code;
        }
        s->res = r;
        s->nrows = PQntuples(r);
        s->row = -1;
        int nf = PQnfields(r);
        s->blobs = xcalloc((size_t)nf + 1, sizeof *s->blobs);
        s->bloblens = xcalloc((size_t)nf + 1, sizeof *s->bloblens);
    }
    pg_clear_row(s);
    if (s->row + 1 < s->nrows) {
        s->row++;
        return DB_ROW;
    }
    st->changes = pg_changes(s->res);
    return DB_DONE;
}

static int pg_col_count(db_stmt_t *st)
{
    pg_stmt_t *s = (pg_stmt_t *)st;
    return s->res ? PQnfields(s->res) : 0;
}

static const char *pg_col_name(db_stmt_t *st, int col)
{
    return PQfname(((pg_stmt_t *)st)->res, col);
}

static bool pg_col_is_null(db_stmt_t *st, int col)
{
    pg_stmt_t *s = (pg_stmt_t *)st;
    return PQgetisnull(s->res, s->row, col);
}

/* Booleans (from comparisons and EXISTS in a select list) read as SQLite
 * gives them: "1" / "0". */
static const char *pg_col_text(db_stmt_t *st, int col)
{
    pg_stmt_t *s = (pg_stmt_t *)st;
    if (PQgetisnull(s->res, s->row, col))
        return NULL;
    const char *v = PQgetvalue(s->res, s->row, col);
    if (PQftype(s->res, col) == PG_BOOL_OID)
        return v[0] == 't' ? "1" : "0";
    return v;
}

static int64_t pg_col_int64(db_stmt_t *st, int col)
{
    const char *v = pg_col_text(st, col);
    return v ? strtoll(v, NULL, 10) : 0;
}

/* BYTEA arrives in text results as "\x" and hex digits (bytea_output=hex,
 * the default since 9.0); other types are returned as their text. */
static const void *pg_col_blob(db_stmt_t *st, int col, size_t *len)
{
    pg_stmt_t *s = (pg_stmt_t *)st;
    if (PQgetisnull(s->res, s->row, col))
        return NULL;
    const char *v = PQgetvalue(s->res, s->row, col);
    size_t n = (size_t)PQgetlength(s->res, s->row, col);
    if (PQftype(s->res, col) != PG_BYTEA_OID || n < 2 || v[0] != '\\' || v[1] != 'x') {
        *len = n;
        return v;
    }
    if (!s->blobs[col]) {
        size_t m = (n - 2) / 2;
        unsigned char *out = xmalloc(m ? m : 1);
        for (size_t i = 0; i < m; i++) {
            int hi = hex_digit((unsigned char)v[2 + 2 * i]);
            int lo = hex_digit((unsigned char)v[3 + 2 * i]);
            out[i] = (unsigned char)((hi < 0 ? 0 : hi) << 4 | (lo < 0 ? 0 : lo));
        }
        s->blobs[col] = out;
        s->bloblens[col] = m;
    }
    *len = s->bloblens[col];
    return s->blobs[col];
}

static int pg_lock_wait(db_t *db, int ms)
{
    char v[32];
    snprintf(v, sizeof v, "%dms", ms);
    const char *p[] = { v };
    return pg_run((pg_db_t *)db, "SELECT set_config('lock_timeout', $1, false)", 1, p);
}

static int pg_exec(db_t *db, const char *sql)
{
    pg_db_t *d = (pg_db_t *)db;
    if (d->begin_pending && (strcmp(sql, "COMMIT") == 0 || strcmp(sql, "ROLLBACK") == 0)) {
        d->begin_pending = false; /* nothing was sent: nothing to end */
        return DB_OK;
    }
    int rc0 = pg_send_begin(d);
    if (rc0 < 0)
        return rc0;
    PGresult *r = PQexec(d->c, sql);
    ExecStatusType s = PQresultStatus(r);
    int rc = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY ? DB_OK : pg_fail(d, r);
    PQclear(r);
    return rc;
}

/* Send a deferred BEGIN on its own (before anything but a prepared
 * statement's first step). */
static int pg_send_begin(pg_db_t *d)
{
    if (!d->begin_pending)
        return DB_OK;
    d->begin_pending = false;
    return pg_exec(&d->base, PG_BEGIN_READ);
}

/* Writers: READ COMMITTED and one advisory lock, so writers run one at a
 * time and each statement sees everything committed before it (a snapshot
 * isolation level would take its snapshot before the lock wait and then
 * fail with serialization errors); a lock wait that fails is reported
 * here.  Readers: a read-only snapshot whose BEGIN is not sent yet: it
 * travels with the first statement (pg_exec_with_begin), and a snapshot
 * that runs none costs no round trip at all. */
static int pg_begin(db_t *db, bool write)
{
    pg_db_t *d = (pg_db_t *)db;
    if (!write) {
        d->begin_pending = true;
        return DB_OK;
    }
    int rc = pg_exec(db, PG_BEGIN_WRITE "; " PG_TAKE_LOCK);
    if (rc < 0) {
        char *keep = xstrdup(db_errmsg(db));
        pg_exec(db, "ROLLBACK");
        db_set_error(db, rc, "%s", keep);
        free(keep);
    }
    return rc;
}

static int pg_backup(db_t *db, const char *path, char **err)
{
    (void)path;
    int rc = db_set_error(db, DB_ERR_MISUSE,
                          "PostgreSQL のバックアップには pg_dump を使ってください / use pg_dump to back up PostgreSQL");
    if (err)
        *err = xstrdup(db_errmsg(db));
    return rc;
}

static const db_ops_t pg_ops = {
    .close = pg_close,
    .prepare = pg_prepare,
    .stmt_free = pg_stmt_free,
    .bind_text = pg_bind_text,
    .bind_int64 = pg_bind_int64,
    .bind_null = pg_bind_null,
    .bind_blob = pg_bind_blob,
    .step = pg_step,
    .reset = pg_reset,
    .col_count = pg_col_count,
    .col_name = pg_col_name,
    .col_is_null = pg_col_is_null,
    .col_text = pg_col_text,
    .col_int64 = pg_col_int64,
    .col_blob = pg_col_blob,
    .exec = pg_exec,
    .begin = pg_begin,
    .backup = pg_backup,
    .lock_wait = pg_lock_wait,
};
