/* The SQLite engine of db.h (libsqlite3 3.40): one connection per db_t, in
 * WAL mode with foreign keys, extended result codes and defensive settings;
 * $N parameters mapped to SQLite's own numbering by name. */
#include "db/db_impl.h"

#include "util/xmem.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct sq_db {
    db_t base;
    sqlite3 *h;
} sq_db_t;

typedef struct sq_stmt {
    db_stmt_t base;
    sqlite3_stmt *st;
    int *index; /* index[n] = SQLite's parameter index of $n, n in 1..nparams */
} sq_stmt_t;

static const db_ops_t sq_ops;

/* Map an extended result code to DB_ERR_*, in one place. */
static int sq_classify(int rc)
{
    switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_ROWID:
        return DB_ERR_UNIQUE;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return DB_ERR_FK;
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
        return DB_ERR_CHECK;
    default:
        break;
    }
    switch (rc & 0xff) {
    case SQLITE_BUSY:   /* also BUSY_SNAPSHOT, BUSY_RECOVERY, BUSY_TIMEOUT */
    case SQLITE_LOCKED:
        return DB_ERR_BUSY;
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
        return DB_ERR_MISUSE;
    default:
        return DB_ERR_OTHER;
    }
}

static int sq_fail(sq_db_t *d, int rc)
{
    return db_set_error(&d->base, sq_classify(rc), "%s", sqlite3_errmsg(d->h));
}

/* Run a statement returning at most one text value (PRAGMAs), copying it
 * to out.  Returns an SQLite result code. */
static int sq_pragma(sqlite3 *h, const char *sql, char *out, size_t outlen)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    if (out)
        out[0] = '\0';
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(st, 0);
        if (out && v)
            snprintf(out, outlen, "%s", (const char *)v);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Create a missing database file readable by its owner only: it holds
 * password hashes.  SQLite gives the -wal and -shm files the same mode. */
static void precreate(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0)
        close(fd);
}

db_t *db_sqlite_open(const char *path, const db_open_opt_t *opt, char **err)
{
    if (opt->must_exist && access(path, F_OK) != 0) {
        *err = xasprintf("データベース %s がありません。apicheck init で作成してください"
                         " / database %s does not exist: create it with apicheck init",
                         path, path);
        return NULL;
    }
    if (!opt->must_exist)
        precreate(path);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    if (!opt->must_exist)
        flags |= SQLITE_OPEN_CREATE;
    sqlite3 *h = NULL;
    int rc = sqlite3_open_v2(path, &h, flags, NULL);
    if (rc != SQLITE_OK) {
        *err = xasprintf("データベース %s を開けません: %s / cannot open database %s: %s", path,
                         h ? sqlite3_errmsg(h) : sqlite3_errstr(rc), path,
                         h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
        sqlite3_close(h);
        return NULL;
    }
    sqlite3_extended_result_codes(h, 1);
    sqlite3_busy_timeout(h, opt->busy_timeout_ms);
    /* No writable_schema tricks, no double-quoted strings (PostgreSQL reads
     * "x" as a name), no functions run from the schema. */
    sqlite3_db_config(h, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    sqlite3_db_config(h, SQLITE_DBCONFIG_DQS_DML, 0, (int *)NULL);
    sqlite3_db_config(h, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)NULL);
    sqlite3_db_config(h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);

    char mode[32];
    rc = sq_pragma(h, "PRAGMA journal_mode=WAL", mode, sizeof mode);
    if (rc == SQLITE_OK && strcmp(mode, "wal") != 0)
        rc = SQLITE_ERROR;
    if (rc == SQLITE_OK)
        rc = sq_pragma(h, opt->sync_normal ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL",
                       NULL, 0);
    if (rc == SQLITE_OK)
        rc = sq_pragma(h, "PRAGMA foreign_keys=ON", NULL, 0);
    /* Statement journals (a trigger's statements, ON CONFLICT … DO UPDATE)
     * and sorts in memory, not in temporary files: with the answer_counts
     * triggers a save wrote a temporary file and ran at 1,550 commits/s
     * instead of 2,300 (1,000 single-statement saves, synchronous=FULL).
     * Every query that sorts many rows has a LIMIT. */
    if (rc == SQLITE_OK)
        rc = sq_pragma(h, "PRAGMA temp_store=MEMORY", NULL, 0);
    if (rc != SQLITE_OK) {
        const char *why = sqlite3_errcode(h) != SQLITE_OK ? sqlite3_errmsg(h) : "journal_mode WAL refused";
        *err = xasprintf("データベース %s を使えません: %s / cannot use database %s: %s", path, why,
                         path, why);
        sqlite3_close(h);
        return NULL;
    }

    sq_db_t *d = xcalloc(1, sizeof *d);
    d->base.ops = &sq_ops;
    d->base.engine = DB_ENGINE_SQLITE;
    d->h = h;
    return &d->base;
}

static void sq_close(db_t *db)
{
    sq_db_t *d = (sq_db_t *)db;
    sqlite3_close_v2(d->h);
    free(d);
}

/* Parse "$N" (N without leading zeros); returns N or 0. */
static int dollar_number(const char *name)
{
    if (!name || name[0] != '$' || name[1] < '1' || name[1] > '9')
        return 0;
    long v = 0;
    for (const char *p = name + 1; *p; p++) {
        if (*p < '0' || *p > '9' || v > INT_MAX / 10)
            return 0;
        v = v * 10 + (*p - '0');
    }
    return v <= INT_MAX ? (int)v : 0;
}

static db_stmt_t *sq_prepare(db_t *db, const char *sql)
{
    sq_db_t *d = (sq_db_t *)db;
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    int rc = sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, &tail);
    if (rc != SQLITE_OK) {
        sq_fail(d, rc);
        return NULL;
    }
    if (!st) {
        db_set_error(db, DB_ERR_MISUSE, "空の SQL 文です / empty SQL statement");
        return NULL;
    }
    if (tail && *tail) {
        sqlite3_stmt *more = NULL;
        rc = sqlite3_prepare_v2(d->h, tail, -1, &more, NULL);
        if (rc != SQLITE_OK || more) {
            sqlite3_finalize(more);
            sqlite3_finalize(st);
            db_set_error(db, DB_ERR_MISUSE, "db_prepare には SQL 文を一つだけ渡してください"
                                            " / db_prepare takes exactly one SQL statement: %s", sql);
            return NULL;
        }
    }
    /* SQLite numbers "$N" names by first appearance; the house rule is
     * $1…$n with no gaps, which holds exactly when every name is $N with
     * N between 1 and the number of distinct names. */
    int count = sqlite3_bind_parameter_count(st);
    int *index = xcalloc((size_t)count + 1, sizeof *index);
    for (int i = 1; i <= count; i++) {
        const char *name = sqlite3_bind_parameter_name(st, i);
        int n = dollar_number(name);
        if (n < 1 || n > count) {
            db_set_error(db, DB_ERR_MISUSE,
                         "SQL のパラメータは $1…$n を欠番なしで使ってください (%s)"
                         " / SQL parameters must be $1…$n without gaps (found %s): %s",
                         name ? name : "?", name ? name : "?", sql);
            free(index);
            sqlite3_finalize(st); /* owns name */
            return NULL;
        }
        index[n] = i;
    }
    sq_stmt_t *s = xcalloc(1, sizeof *s);
    s->st = st;
    s->index = index;
    s->base.nparams = count;
    return &s->base;
}

static void sq_stmt_free(db_stmt_t *st)
{
    sq_stmt_t *s = (sq_stmt_t *)st;
    sqlite3_finalize(s->st);
    free(s->index);
    free(s);
}

static int sq_bind_rc(db_stmt_t *st, int rc)
{
    return rc == SQLITE_OK ? DB_OK : sq_fail((sq_db_t *)st->db, rc);
}

static int sq_bind_text(db_stmt_t *st, int n, const char *v, size_t len)
{
    sq_stmt_t *s = (sq_stmt_t *)st;
    return sq_bind_rc(st, sqlite3_bind_text64(s->st, s->index[n], v, len, SQLITE_TRANSIENT, SQLITE_UTF8));
}

static int sq_bind_int64(db_stmt_t *st, int n, int64_t v)
{
    sq_stmt_t *s = (sq_stmt_t *)st;
    return sq_bind_rc(st, sqlite3_bind_int64(s->st, s->index[n], v));
}

static int sq_bind_null(db_stmt_t *st, int n)
{
    sq_stmt_t *s = (sq_stmt_t *)st;
    return sq_bind_rc(st, sqlite3_bind_null(s->st, s->index[n]));
}

static int sq_bind_blob(db_stmt_t *st, int n, const void *p, size_t len)
{
    sq_stmt_t *s = (sq_stmt_t *)st;
    return sq_bind_rc(st, sqlite3_bind_blob64(s->st, s->index[n], p, len, SQLITE_TRANSIENT));
}

static int sq_step(db_stmt_t *st)
{
    sq_stmt_t *s = (sq_stmt_t *)st;
    sq_db_t *d = (sq_db_t *)st->db;
    /* PostgreSQL refuses writes in a READ ONLY transaction; so do we. */
    if (st->db->tx == 1 && !sqlite3_stmt_readonly(s->st))
        return db_set_error(st->db, DB_ERR_MISUSE, "読み取り専用のトランザクションでは書き込めません"
                                                   " / cannot write in a read-only transaction");
    int rc = sqlite3_step(s->st);
    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE) {
        st->changes = sqlite3_stmt_readonly(s->st) ? 0 : sqlite3_changes64(d->h);
        return DB_DONE;
    }
    int code = sq_fail(d, rc);
    sqlite3_reset(s->st);
    return code;
}

static void sq_reset(db_stmt_t *st)
{
    sq_stmt_t *s = (sq_stmt_t *)st;
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
}

static int sq_col_count(db_stmt_t *st)
{
    return sqlite3_data_count(((sq_stmt_t *)st)->st);
}

static const char *sq_col_name(db_stmt_t *st, int col)
{
    return sqlite3_column_name(((sq_stmt_t *)st)->st, col);
}

static bool sq_col_is_null(db_stmt_t *st, int col)
{
    return sqlite3_column_type(((sq_stmt_t *)st)->st, col) == SQLITE_NULL;
}

static const char *sq_col_text(db_stmt_t *st, int col)
{
    return (const char *)sqlite3_column_text(((sq_stmt_t *)st)->st, col);
}

static int64_t sq_col_int64(db_stmt_t *st, int col)
{
    return sqlite3_column_int64(((sq_stmt_t *)st)->st, col);
}

static const void *sq_col_blob(db_stmt_t *st, int col, size_t *len)
{
    sqlite3_stmt *s = ((sq_stmt_t *)st)->st;
    if (sqlite3_column_type(s, col) == SQLITE_NULL)
        return NULL;
    const void *p = sqlite3_column_blob(s, col);
    *len = (size_t)sqlite3_column_bytes(s, col);
    return p ? p : "";
}

static int sq_lock_wait(db_t *db, int ms)
{
    sqlite3_busy_timeout(((sq_db_t *)db)->h, ms);
    return DB_OK;
}

static int sq_exec(db_t *db, const char *sql)
{
    sq_db_t *d = (sq_db_t *)db;
    int rc = sqlite3_exec(d->h, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? DB_OK : sq_fail(d, rc);
}

/* Writers take the write lock up front: a deferred BEGIN that reads and
 * then writes fails with BUSY_SNAPSHOT at once, ignoring the timeout. */
static int sq_begin(db_t *db, bool write)
{
    return sq_exec(db, write ? "BEGIN IMMEDIATE" : "BEGIN");
}

static int sq_backup(db_t *db, const char *path, char **err)
{
    sq_db_t *d = (sq_db_t *)db;
    char *tmp = xasprintf("%s.tmp-%ld", path, (long)getpid());
    unlink(tmp);
    precreate(tmp);
    sqlite3 *dst = NULL;
    int rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_backup *b = sqlite3_backup_init(dst, "main", d->h, "main");
        if (b) {
            do {
                rc = sqlite3_backup_step(b, -1);
                if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
                    sqlite3_sleep(50);
            } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
            sqlite3_backup_finish(b);
        }
        rc = sqlite3_errcode(dst);
    }
    char *why = rc == SQLITE_OK ? NULL : xstrdup(dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
    if (sqlite3_close(dst) != SQLITE_OK && !why)
        why = xstrdup("close failed");
    if (!why && rename(tmp, path) != 0)
        why = xstrdup(strerror(errno));
    if (why) {
        unlink(tmp);
        int code = db_set_error(db, DB_ERR_OTHER, "バックアップに失敗しました: %s / backup to %s failed: %s",
                                why, path, why);
        if (err)
            *err = xstrdup(db_errmsg(db));
        free(why);
        free(tmp);
        return code;
    }
    free(tmp);
    return DB_OK;
}

static const db_ops_t sq_ops = {
    .close = sq_close,
    .prepare = sq_prepare,
    .stmt_free = sq_stmt_free,
    .bind_text = sq_bind_text,
    .bind_int64 = sq_bind_int64,
    .bind_null = sq_bind_null,
    .bind_blob = sq_bind_blob,
    .step = sq_step,
    .reset = sq_reset,
    .col_count = sq_col_count,
    .col_name = sq_col_name,
    .col_is_null = sq_col_is_null,
    .col_text = sq_col_text,
    .col_int64 = sq_col_int64,
    .col_blob = sq_col_blob,
    .exec = sq_exec,
    .begin = sq_begin,
    .backup = sq_backup,
    .lock_wait = sq_lock_wait,
};
