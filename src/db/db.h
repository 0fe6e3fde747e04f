/*
 * db — the store's engine layer: one thin interface over SQLite (a file, the
 * default) and PostgreSQL (libpq), so that every query of the product is
 * written once, in SQL both engines accept.  This module owns connections,
 * the per-connection cache of prepared statements, transactions and the
 * mapping of each engine's errors onto a handful of DB_ERR_* codes.  It knows
 * nothing of the model: queries live in store.c, the schema in schema/ and
 * migrate.c (db_migrate, see db/migrate.h).
 *
 * Rules for the SQL handed to db_prepare (checked where the engine lets us):
 *   - parameters are written $1 … $n, each number used at least once, no
 *     gaps; "?", ":name" and "@name" are refused.  A parameter may appear
 *     several times and in any order ("VALUES ($2, $1)" is fine).
 *   - PostgreSQL infers each parameter's type from its use; where it cannot
 *     ("SELECT $1 IS NULL"), write CAST($1 AS TEXT) / CAST($1 AS BIGINT).
 *   - one statement per db_prepare; no string literals in double quotes;
 *     booleans are INTEGER 0/1; timestamps are ISO-8601 UTC TEXT made by
 *     db_now(); new ids come back through RETURNING id; ON CONFLICT DO
 *     NOTHING / DO UPDATE instead of INSERT OR IGNORE / REPLACE; no ILIKE,
 *     engine JSON functions or date arithmetic.
 *   - values are always bound, never formatted into SQL text.
 *
 * Transactions: every write goes through db_begin_write() … db_commit().
 * Writers are serialized on both engines (SQLite: BEGIN IMMEDIATE; PG: a
 * transaction-scoped advisory lock), so a writer sees the latest data and the
 * audit chain has one order.  Waiting longer than the busy timeout gives
 * DB_ERR_BUSY: roll back and retry the whole transaction.  After any error
 * inside a transaction the transaction is spoiled on both engines (as
 * PostgreSQL does it natively): every further statement fails with
 * DB_ERR_MISUSE until db_rollback().
 *
 * Threads: one db_t per thread; a db_t is never shared.
 */
#ifndef APICHECK_DB_H
#define APICHECK_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct db db_t;
typedef struct db_stmt db_stmt_t;

typedef enum db_engine {
    DB_ENGINE_SQLITE = 1,
    DB_ENGINE_PG = 2
} db_engine_t;

/* Result codes.  Errors are negative, so "rc < 0" tests for any error. */
enum {
    DB_OK = 0,
    DB_ROW = 1,          /* db_step: a row is ready */
    DB_DONE = 2,         /* db_step: the statement has finished */
    DB_ERR_UNIQUE = -1,  /* unique / primary key violation (SQLite 2067, 1555; PG 23505) */
    DB_ERR_FK = -2,      /* foreign key violation (SQLite 787; PG 23503) */
    DB_ERR_CHECK = -3,   /* CHECK or NOT NULL violation (SQLite 275, 1299; PG 23514, 23502) */
    DB_ERR_BUSY = -4,    /* lock not obtained within the busy timeout, or a serialization
                          * failure (SQLite BUSY*, LOCKED*; PG 40001, 40P01, 55P03):
                          * roll back and retry the transaction */
    DB_ERR_GONE = -5,    /* PostgreSQL connection lost: close and reopen */
    DB_ERR_SCHEMA = -6,  /* schema missing, too old, too new, or not an apicheck database */
    DB_ERR_MISUSE = -7,  /* a bug in the caller: bad SQL placeholder, unknown parameter,
                          * invalid UTF-8 text, statement in a spoiled transaction … */
    DB_ERR_OTHER = -8    /* anything else (I/O, syntax, type mismatch, …) */
};

#define DB_DEFAULT_URL "./apicheck.db"
#define DB_BUSY_TIMEOUT_DEFAULT_MS 5000

/* Optional settings of db_open; a NULL opt or a zeroed struct gives the
 * defaults. */
typedef struct db_open_opt {
    int busy_timeout_ms;   /* wait for locks this long; 0 = DB_BUSY_TIMEOUT_DEFAULT_MS */
    bool sync_normal;      /* SQLite: synchronous=NORMAL instead of FULL (a crash of the
                            * machine may lose the last commits, never corrupts) */
    bool must_exist;       /* SQLite: refuse to create a missing database file */
    const char *pg_schema; /* PostgreSQL: search_path to use (bound, not formatted);
                            * NULL = the server's default */
} db_open_opt_t;

/* Which engine would url open?  "postgres://…", "postgresql://…" and libpq
 * conninfo strings ("host=… dbname=…") are PostgreSQL; anything else is a
 * SQLite file path.  NULL or "" means DB_DEFAULT_URL. */
db_engine_t db_url_engine(const char *url);

/* Open a connection and configure it (SQLite: WAL, synchronous, foreign
 * keys, busy timeout, extended result codes, defensive mode; PG: UTF8 client
 * encoding, lock_timeout, search_path).  Returns the connection, or NULL with
 * *err (when err is not NULL) set to a fresh bilingual message the caller
 * frees.  The schema is not checked here: see db_schema_check(). */
db_t *db_open(const char *url, const db_open_opt_t *opt, char **err);
/* Roll back any open transaction, free every cached statement and close.
 * NULL is ignored. */
void db_close(db_t *db);
db_engine_t db_engine(const db_t *db);
/* The last error's message ("" when none); valid until the next call on db. */
const char *db_errmsg(const db_t *db);
/* The last error's DB_ERR_* code (DB_OK when none). */
int db_errcode(const db_t *db);

/* Run one or more statements without parameters (DDL, scripts, constant
 * DML); nothing is returned.  Returns DB_OK or a DB_ERR_* code. */
int db_exec(db_t *db, const char *sql);

/* A prepared statement for sql, from the connection's cache when the same
 * text was prepared before and is not in use.  The statement belongs to the
 * connection: give it back with db_finalize() when done (it stays cached);
 * db_close() frees everything.  Returns NULL on error (db_errmsg says why). */
db_stmt_t *db_prepare(db_t *db, const char *sql);
/* Give a statement back to the cache (reset, bindings cleared).  NULL is
 * ignored. */
void db_finalize(db_stmt_t *st);
/* Make a statement ready to run again; bindings are cleared. */
void db_reset(db_stmt_t *st);

/* Bind parameter $n (1-based).  Text is copied and must be valid UTF-8;
 * db_bind_text(st, n, NULL) binds NULL.  Return DB_OK or DB_ERR_MISUSE; an
 * error is also remembered and returned by the next db_step, so a sequence
 * of binds may be checked once, at the step. */
int db_bind_text(db_stmt_t *st, int n, const char *v);
int db_bind_int64(db_stmt_t *st, int n, int64_t v);
int db_bind_null(db_stmt_t *st, int n);
/* Bytes for a BLOB (SQLite) / BYTEA (PG) column; copied. */
int db_bind_blob(db_stmt_t *st, int n, const void *p, size_t len);

/* Run or advance: DB_ROW (a row is ready), DB_DONE, or a DB_ERR_* code.
 * Once done or failed, a statement keeps answering the same until
 * db_reset.  On PostgreSQL the whole result is fetched by the first step,
 * so results must be bounded (LIMIT) and statements may be nested freely
 * (one query per row of another) on both engines. */
int db_step(db_stmt_t *st);
/* Rows inserted, updated or deleted by the statement once it is DB_DONE. */
int64_t db_changes(const db_stmt_t *st);

/* Columns of the current row (0-based).  Text is NULL for SQL NULL and stays
 * valid until the next step, reset or finalize.  Integers of a NULL are 0.
 * Integers read as text give their decimal digits on both engines, and
 * PostgreSQL booleans (a comparison or EXISTS in a select list) read as 1 /
 * 0, as on SQLite. */
int db_col_count(db_stmt_t *st);
const char *db_col_name(db_stmt_t *st, int col);
bool db_col_is_null(db_stmt_t *st, int col);
const char *db_col_text(db_stmt_t *st, int col);
int64_t db_col_int64(db_stmt_t *st, int col);
/* Bytes of a BLOB / BYTEA column (NULL and *len = 0 for SQL NULL). */
const void *db_col_blob(db_stmt_t *st, int col, size_t *len);

/* Transactions.  begin_write serializes writers (see the top of this file);
 * begin_read gives a consistent read-only snapshot (a write in it fails
 * with DB_ERR_MISUSE).  Nesting is refused (DB_ERR_MISUSE).  commit returns
 * DB_OK or an error, and on error the transaction has been rolled back.
 * rollback without a transaction is a no-op returning DB_OK, so cleanup
 * paths may always call it.  Statements still running when a transaction
 * ends are reset. */
int db_begin_write(db_t *db);
int db_begin_read(db_t *db);
int db_commit(db_t *db);
int db_rollback(db_t *db);
bool db_in_transaction(const db_t *db);
/* Bookkeeping that may be skipped (a session's or token's last use) must
 * not make a reader wait the whole busy timeout behind a long write:
 * db_lock_wait_brief(db, true) lowers the wait to DB_BRIEF_WAIT_MS until
 * db_lock_wait_brief(db, false) restores the configured one. */
#define DB_BRIEF_WAIT_MS 50
void db_lock_wait_brief(db_t *db, bool brief);
/* Only a write transaction (what a rollback may still undo). */
bool db_in_write_transaction(const db_t *db);

/* SQLite only: copy the whole database to path with the online backup API
 * (consistent even while others write), atomically through a temporary file
 * next to path.  PostgreSQL: DB_ERR_MISUSE (use pg_dump).  Returns DB_OK or
 * an error with *err set to a fresh bilingual message. */
int db_backup(db_t *db, const char *path, char **err);

/* The current time in the store's timestamp format, ISO-8601 UTC with
 * milliseconds ("2026-04-01T09:30:00.123Z"); sorts as text. */
#define DB_NOW_LEN 32
void db_now(char out[DB_NOW_LEN]);

/* Counters, for tests and benchmarks: statements prepared by the engine
 * (cache misses) and statements held in the cache. */
uint64_t db_prepare_count(const db_t *db);
size_t db_cached_statements(const db_t *db);

#endif
