/*
 * db_impl — what db.c shares with the two engines (db_sqlite.c, db_pg.c) and
 * nobody else.  db.c owns the engine-neutral parts: the statement cache, the
 * transaction state, the last error and the argument checks; an engine
 * supplies a table of operations and extends db_t / db_stmt_t by embedding
 * them as its first member.
 */
#ifndef APICHECK_DB_IMPL_H
#define APICHECK_DB_IMPL_H

#include "db/db.h"

#include <stdarg.h>

typedef struct db_ops {
    /* Free engine resources of db (statements already freed). */
    void (*close)(db_t *db);
    /* Prepare one statement; NULL with the error set.  The engine fills
     * nparams. */
    db_stmt_t *(*prepare)(db_t *db, const char *sql);
    void (*stmt_free)(db_stmt_t *st);
    /* Bindings: n is already checked to be in 1..nparams. */
    int (*bind_text)(db_stmt_t *st, int n, const char *v, size_t len);
    int (*bind_int64)(db_stmt_t *st, int n, int64_t v);
    int (*bind_null)(db_stmt_t *st, int n);
    int (*bind_blob)(db_stmt_t *st, int n, const void *p, size_t len);
    /* DB_ROW, DB_DONE (setting st->changes) or an error set through
     * db_set_error. */
    int (*step)(db_stmt_t *st);
    /* Reset and clear bindings. */
    void (*reset)(db_stmt_t *st);
    int (*col_count)(db_stmt_t *st);
    const char *(*col_name)(db_stmt_t *st, int col);
    bool (*col_is_null)(db_stmt_t *st, int col);
    const char *(*col_text)(db_stmt_t *st, int col);
    int64_t (*col_int64)(db_stmt_t *st, int col);
    const void *(*col_blob)(db_stmt_t *st, int col, size_t *len);
    int (*exec)(db_t *db, const char *sql);
    /* Start a transaction (write or read-only snapshot). */
    int (*begin)(db_t *db, bool write);
    int (*backup)(db_t *db, const char *path, char **err);
    /* Wait at most ms for a lock from now on. */
    int (*lock_wait)(db_t *db, int ms);
} db_ops_t;

struct db {
    const db_ops_t *ops;
    db_engine_t engine;
    int busy_timeout_ms;
    int errcode;         /* last DB_ERR_* (DB_OK after success of db_open) */
    char *errmsg;        /* last error message, never NULL after db_open */
    int tx;              /* 0 none, 1 read, 2 write */
    bool tx_spoiled;     /* an error happened inside the transaction */
    db_stmt_t **cache;   /* every statement prepared on this connection */
    size_t ncache, capcache;
    uint64_t prepares;   /* engine prepares (cache misses) */
    uint64_t clock;      /* for least-recently-used eviction */
};

struct db_stmt {
    db_t *db;
    char *sql;           /* the text it was prepared from (the cache key) */
    int nparams;         /* highest $n */
    bool in_use;         /* handed out by db_prepare, not yet finalized */
    bool running;        /* stepped since the last reset */
    bool has_row;        /* the last step gave DB_ROW */
    int finished;        /* DB_DONE or the error that ended it, else 0 */
    int bind_error;      /* first failed bind since the last reset */
    char *bind_errmsg;   /* and its message */
    int64_t changes;     /* rows changed, once DB_DONE */
    uint64_t last_used;
};

/* Record an error on db: code and a printf-style message.  Returns code. */
int db_set_error(db_t *db, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Clear the last error. */
void db_clear_error(db_t *db);

/* Engine constructors, called by db_open with the engine already chosen.
 * They return a configured connection or NULL with *err set (fresh). */
db_t *db_sqlite_open(const char *path, const db_open_opt_t *opt, char **err);
db_t *db_pg_open(const char *conninfo, const db_open_opt_t *opt, char **err);
/* Does s parse as a libpq conninfo string ("host=/tmp dbname=x")?  Called
 * only for strings containing '=', which no ordinary file name parses as. */
bool db_pg_is_conninfo(const char *s);

#endif
