/* The engine-neutral half of db.h: dispatch to an engine, the statement
 * cache, argument checks, transaction state and the last error. */
#include "db/db_impl.h"

#include "util/utf8.h"
#include "util/xmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Distinct SQL texts one connection may prepare.  Queries are constants in
 * store.c, so reaching this means SQL is being built at run time: a bug. */
#define DB_STMT_CACHE_MAX 1000

db_engine_t db_url_engine(const char *url)
{
    if (!url || !*url)
        return DB_ENGINE_SQLITE;
    if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0)
        return DB_ENGINE_PG;
    if (strchr(url, '=') && db_pg_is_conninfo(url))
        return DB_ENGINE_PG;
    return DB_ENGINE_SQLITE;
}

db_t *db_open(const char *url, const db_open_opt_t *opt, char **err)
{
    static const db_open_opt_t defaults;
    db_open_opt_t o = opt ? *opt : defaults;
    if (o.busy_timeout_ms <= 0)
        o.busy_timeout_ms = DB_BUSY_TIMEOUT_DEFAULT_MS;
    if (err)
        *err = NULL;
    if (!url || !*url)
        url = DB_DEFAULT_URL;
    char *why = NULL;
    db_t *db = db_url_engine(url) == DB_ENGINE_PG ? db_pg_open(url, &o, &why)
                                                  : db_sqlite_open(url, &o, &why);
    if (!db) {
        if (err)
            *err = why;
        else
            free(why);
        return NULL;
    }
    db->busy_timeout_ms = o.busy_timeout_ms;
    if (!db->errmsg)
        db->errmsg = xstrdup("");
    return db;
}

void db_close(db_t *db)
{
    if (!db)
        return;
    if (db->tx)
        db_rollback(db);
    for (size_t i = 0; i < db->ncache; i++) {
        db_stmt_t *st = db->cache[i];
        char *sql = st->sql, *bm = st->bind_errmsg;
        db->ops->stmt_free(st);
        free(sql);
        free(bm);
    }
    free(db->cache);
    free(db->errmsg);
    db->ops->close(db); /* frees db itself */
}

db_engine_t db_engine(const db_t *db) { return db->engine; }
const char *db_errmsg(const db_t *db) { return db->errmsg ? db->errmsg : ""; }
int db_errcode(const db_t *db) { return db->errcode; }
bool db_in_transaction(const db_t *db) { return db->tx != 0; }
bool db_in_write_transaction(const db_t *db) { return db->tx == 2; }

void db_lock_wait_brief(db_t *db, bool brief)
{
    db->ops->lock_wait(db, brief ? DB_BRIEF_WAIT_MS : db->busy_timeout_ms);
}
uint64_t db_prepare_count(const db_t *db) { return db->prepares; }
size_t db_cached_statements(const db_t *db) { return db->ncache; }

int db_set_error(db_t *db, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *m = xmalloc((size_t)(n < 0 ? 0 : n) + 1);
    va_start(ap, fmt);
    vsnprintf(m, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
    va_end(ap);
    /* Engines' messages end in a newline (libpq) or not (SQLite). */
    size_t len = strlen(m);
    while (len && (m[len - 1] == '\n' || m[len - 1] == ' '))
        m[--len] = '\0';
    free(db->errmsg);
    db->errmsg = m;
    db->errcode = code;
    return code;
}

void db_clear_error(db_t *db)
{
    db->errcode = DB_OK;
    if (db->errmsg && db->errmsg[0]) {
        free(db->errmsg);
        db->errmsg = xstrdup("");
    }
}

/* An error inside a transaction spoils it (PostgreSQL does so natively). */
static int note_failure(db_t *db, int rc)
{
    if (rc < 0 && db->tx)
        db->tx_spoiled = true;
    return rc;
}

static int spoiled(db_t *db)
{
    return db_set_error(db, DB_ERR_MISUSE,
                        "トランザクション内で先にエラーが起きています。ロールバックしてください"
                        " / an earlier statement of this transaction failed: roll it back");
}

int db_exec(db_t *db, const char *sql)
{
    if (db->tx_spoiled)
        return spoiled(db);
    return note_failure(db, db->ops->exec(db, sql));
}

db_stmt_t *db_prepare(db_t *db, const char *sql)
{
    if (db->tx_spoiled) {
        spoiled(db);
        return NULL;
    }
    for (size_t i = 0; i < db->ncache; i++) {
        db_stmt_t *st = db->cache[i];
        if (!st->in_use && (st->sql == sql || strcmp(st->sql, sql) == 0)) {
            st->in_use = true;
            st->last_used = ++db->clock;
            return st;
        }
    }
    if (db->ncache >= DB_STMT_CACHE_MAX) {
        db_set_error(db, DB_ERR_MISUSE,
                     "SQL 文の種類が多すぎます (%d) / too many distinct SQL statements (%d):"
                     " SQL text must not be built at run time",
                     DB_STMT_CACHE_MAX, DB_STMT_CACHE_MAX);
        return NULL;
    }
    db_stmt_t *st = db->ops->prepare(db, sql);
    if (!st) {
        note_failure(db, db->errcode < 0 ? db->errcode : DB_ERR_OTHER);
        return NULL;
    }
    db->prepares++;
    st->db = db;
    st->sql = xstrdup(sql);
    st->in_use = true;
    st->last_used = ++db->clock;
    db->cache = xgrow(db->cache, &db->capcache, db->ncache + 1, sizeof *db->cache);
    db->cache[db->ncache++] = st;
    return st;
}

static void stmt_clear(db_stmt_t *st)
{
    st->db->ops->reset(st);
    st->running = false;
    st->has_row = false;
    st->finished = 0;
    st->bind_error = DB_OK;
    free(st->bind_errmsg);
    st->bind_errmsg = NULL;
    st->changes = 0;
}

void db_reset(db_stmt_t *st)
{
    if (st)
        stmt_clear(st);
}

void db_finalize(db_stmt_t *st)
{
    if (!st)
        return;
    stmt_clear(st);
    st->in_use = false;
}

static int bind_result(db_stmt_t *st, int rc);

/* Common checks of a bind: the statement is not running and $n exists. */
static int bind_check(db_stmt_t *st, int n)
{
    db_t *db = st->db;
    int rc = DB_OK;
    if (st->running)
        rc = db_set_error(db, DB_ERR_MISUSE, "実行中の文には値を結び付けられません (db_reset が必要)"
                                             " / cannot bind a statement that has run: reset it first");
    else if (n < 1 || n > st->nparams)
        rc = db_set_error(db, DB_ERR_MISUSE, "パラメータ $%d はこの文にありません / no parameter $%d in: %s",
                          n, n, st->sql);
    return bind_result(st, rc);
}

/* Remember the first failed bind, to be reported by the next step. */
static int bind_result(db_stmt_t *st, int rc)
{
    if (rc < 0 && st->bind_error == DB_OK) {
        st->bind_error = rc;
        st->bind_errmsg = xstrdup(db_errmsg(st->db));
    }
    return rc;
}

int db_bind_text(db_stmt_t *st, int n, const char *v)
{
    int rc = bind_check(st, n);
    if (rc < 0)
        return rc;
    if (!v)
        return bind_result(st, st->db->ops->bind_null(st, n));
    size_t len = strlen(v);
    if (!utf8_valid(v, len, NULL))
        return bind_result(st, db_set_error(st->db, DB_ERR_MISUSE,
                                            "パラメータ $%d が UTF-8 として不正です / parameter $%d is not valid UTF-8",
                                            n, n));
    return bind_result(st, st->db->ops->bind_text(st, n, v, len));
}

int db_bind_int64(db_stmt_t *st, int n, int64_t v)
{
    int rc = bind_check(st, n);
    return rc < 0 ? rc : bind_result(st, st->db->ops->bind_int64(st, n, v));
}

int db_bind_null(db_stmt_t *st, int n)
{
    int rc = bind_check(st, n);
    return rc < 0 ? rc : bind_result(st, st->db->ops->bind_null(st, n));
}

int db_bind_blob(db_stmt_t *st, int n, const void *p, size_t len)
{
    int rc = bind_check(st, n);
    if (rc < 0)
        return rc;
    if (!p && len)
        return bind_result(st, db_set_error(st->db, DB_ERR_MISUSE, "db_bind_blob: NULL with length"));
    return bind_result(st, st->db->ops->bind_blob(st, n, p ? p : "", len));
}

int db_step(db_stmt_t *st)
{
    db_t *db = st->db;
    if (st->bind_error < 0)
        return note_failure(db, db_set_error(db, st->bind_error, "%s", st->bind_errmsg));
    if (st->finished)
        return st->finished;
    if (db->tx_spoiled)
        return spoiled(db);
    st->running = true;
    int rc = db->ops->step(st);
    st->has_row = rc == DB_ROW;
    if (rc == DB_DONE)
        st->finished = DB_DONE;
    else if (rc < 0)
        st->finished = rc;
    return note_failure(db, rc);
}

int64_t db_changes(const db_stmt_t *st) { return st->changes; }

/* Column accessors are safe on any input: without a current row or with a
 * column out of range they give NULL / 0. */
static bool col_ok(db_stmt_t *st, int col)
{
    return st->has_row && col >= 0 && col < st->db->ops->col_count(st);
}

int db_col_count(db_stmt_t *st)
{
    return st->has_row ? st->db->ops->col_count(st) : 0;
}

const char *db_col_name(db_stmt_t *st, int col)
{
    return col_ok(st, col) ? st->db->ops->col_name(st, col) : NULL;
}

bool db_col_is_null(db_stmt_t *st, int col)
{
    return col_ok(st, col) ? st->db->ops->col_is_null(st, col) : true;
}

const char *db_col_text(db_stmt_t *st, int col)
{
    return col_ok(st, col) ? st->db->ops->col_text(st, col) : NULL;
}

int64_t db_col_int64(db_stmt_t *st, int col)
{
    return col_ok(st, col) ? st->db->ops->col_int64(st, col) : 0;
}

const void *db_col_blob(db_stmt_t *st, int col, size_t *len)
{
    *len = 0;
    return col_ok(st, col) ? st->db->ops->col_blob(st, col, len) : NULL;
}

/* Statements still running when a transaction ends are reset: their rows
 * belonged to the transaction. */
static void reset_running(db_t *db)
{
    for (size_t i = 0; i < db->ncache; i++)
        if (db->cache[i]->running)
            stmt_clear(db->cache[i]);
}

static int begin(db_t *db, bool write)
{
    if (db->tx)
        return db_set_error(db, DB_ERR_MISUSE, "トランザクションは既に始まっています / a transaction is already open");
    int rc = db->ops->begin(db, write);
    if (rc == DB_OK) {
        db->tx = write ? 2 : 1;
        db->tx_spoiled = false;
    }
    return rc;
}

int db_begin_write(db_t *db) { return begin(db, true); }
int db_begin_read(db_t *db) { return begin(db, false); }

int db_commit(db_t *db)
{
    if (!db->tx)
        return db_set_error(db, DB_ERR_MISUSE, "トランザクションがありません / no transaction is open");
    reset_running(db);
    if (db->tx_spoiled) {
        db->ops->exec(db, "ROLLBACK");
        db->tx = 0;
        db->tx_spoiled = false;
        return spoiled(db);
    }
    int rc = db->ops->exec(db, "COMMIT");
    if (rc < 0) {
        char *keep = xstrdup(db->errmsg);
        db->ops->exec(db, "ROLLBACK");
        db_set_error(db, rc, "%s", keep);
        free(keep);
    }
    db->tx = 0;
    db->tx_spoiled = false;
    return rc;
}

int db_rollback(db_t *db)
{
    if (!db->tx)
        return DB_OK;
    reset_running(db);
    int rc = db->ops->exec(db, "ROLLBACK");
    db->tx = 0;
    db->tx_spoiled = false;
    /* SQLite may have rolled back by itself (after I/O errors); only a lost
     * connection is worth reporting. */
    return rc == DB_ERR_GONE ? rc : DB_OK;
}

int db_backup(db_t *db, const char *path, char **err)
{
    if (err)
        *err = NULL;
    return db->ops->backup(db, path, err);
}

void db_now(char out[DB_NOW_LEN])
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, DB_NOW_LEN, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, DB_NOW_LEN - n, ".%03uZ", (unsigned)(ts.tv_nsec / 1000000) % 1000u);
}
