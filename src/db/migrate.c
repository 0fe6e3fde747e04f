/* Schema versions: the table of embedded migrations and the code that
 * applies them (see migrate.h). */
#include "db/migrate.h"
#include "db/db_impl.h"

#include "util/xmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Scripts embedded by schema.S, each a NUL-terminated string. */
extern const char db_schema_sqlite_001_initial[];
extern const char db_schema_pg_001_initial[];
extern const char db_schema_sqlite_002_web_auth[];
extern const char db_schema_pg_002_web_auth[];
extern const char db_schema_sqlite_003_scale[];
extern const char db_schema_pg_003_scale[];
extern const char db_schema_sqlite_004_count_functions[];
extern const char db_schema_pg_004_count_functions[];

typedef struct migration {
    int version;
    const char *name;
    const char *sqlite;
    const char *pg;
} migration_t;

/* In version order, numbered 1, 2, 3 … without gaps. */
static const migration_t migrations[] = {
    { 1, "initial", db_schema_sqlite_001_initial, db_schema_pg_001_initial },
    { 2, "web_auth", db_schema_sqlite_002_web_auth, db_schema_pg_002_web_auth },
    { 3, "scale", db_schema_sqlite_003_scale, db_schema_pg_003_scale },
    { 4, "count_functions", db_schema_sqlite_004_count_functions,
      db_schema_pg_004_count_functions },
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int db_schema_latest(void)
{
    return migrations[NMIGRATIONS - 1].version;
}

/* The first value of a one-row, one-integer query without parameters. */
static int query_int(db_t *db, const char *sql, int64_t *out)
{
    db_stmt_t *st = db_prepare(db, sql);
    if (!st)
        return db_errcode(db);
    int rc = db_step(st);
    *out = rc == DB_ROW ? db_col_int64(st, 0) : 0;
    db_finalize(st);
    return rc < 0 ? rc : DB_OK;
}

static void set_err(char **err, const char *msg)
{
    if (err)
        *err = xstrdup(msg);
}

int db_schema_version(db_t *db, int *version)
{
    bool pg = db_engine(db) == DB_ENGINE_PG;
    int64_t has = 0, tables = 0, v = 0;
    *version = 0;
    int rc = query_int(db,
                       pg ? "SELECT count(*) FROM information_schema.tables"
                            " WHERE table_schema = current_schema() AND table_name = 'schema_version'"
                          : "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'",
                       &has);
    if (rc < 0)
        return rc;
    if (!has) {
        rc = query_int(db,
                       pg ? "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
                          : "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%'",
                       &tables);
        if (rc < 0)
            return rc;
        if (tables)
            return db_set_error(db, DB_ERR_SCHEMA,
                                "このデータベースには apicheck 以外の表があります。空のデータベースを指定してください"
                                " / this database holds tables that are not apicheck's: give an empty database");
        return DB_OK;
    }
    rc = query_int(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version", &v);
    if (rc < 0)
        return rc;
    *version = (int)v;
    return DB_OK;
}

static int newer(db_t *db, int v)
{
    int latest = db_schema_latest();
    return db_set_error(db, DB_ERR_SCHEMA,
                        "データベースのスキーマ版 %d は、この apicheck が扱える版 %d より新しいため使えません。"
                        "新しい apicheck を使ってください"
                        " / the database schema version %d is newer than this apicheck supports (%d):"
                        " use a newer apicheck",
                        v, latest, v, latest);
}

int db_migrate(db_t *db, int *from, int *to, char **err)
{
    int v = 0;
    if (err)
        *err = NULL;
    int rc = db_begin_write(db);
    if (rc == DB_OK)
        rc = db_schema_version(db, &v);
    if (rc == DB_OK && v > db_schema_latest())
        rc = newer(db, v);
    if (rc == DB_OK && v == 0)
        rc = db_exec(db, db_engine(db) == DB_ENGINE_PG
                             ? "CREATE TABLE schema_version (version INTEGER PRIMARY KEY,"
                               " name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                             : "CREATE TABLE schema_version (version INTEGER PRIMARY KEY,"
                               " name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT");
    for (int i = 0; rc == DB_OK && i < NMIGRATIONS; i++) {
        const migration_t *m = &migrations[i];
        if (m->version <= v)
            continue;
        rc = db_exec(db, db_engine(db) == DB_ENGINE_PG ? m->pg : m->sqlite);
        if (rc < 0) {
            char *why = xstrdup(db_errmsg(db));
            db_set_error(db, rc, "スキーマ更新 %03d_%s に失敗しました: %s / migration %03d_%s failed: %s",
                         m->version, m->name, why, m->version, m->name, why);
            free(why);
            break;
        }
        char now[DB_NOW_LEN];
        db_now(now);
        db_stmt_t *st = db_prepare(db, "INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)");
        if (!st) {
            rc = db_errcode(db);
            break;
        }
        db_bind_int64(st, 1, m->version);
        db_bind_text(st, 2, m->name);
        db_bind_text(st, 3, now);
        rc = db_step(st);
        db_finalize(st);
        rc = rc == DB_DONE ? DB_OK : rc;
    }
    if (rc == DB_OK)
        rc = db_commit(db);
    if (rc < 0) {
        set_err(err, db_errmsg(db));
        db_rollback(db);
        return rc;
    }
    if (from)
        *from = v;
    if (to)
        *to = db_schema_latest();
    return DB_OK;
}

int db_schema_check(db_t *db, char **err)
{
    int v = 0, latest = db_schema_latest();
    if (err)
        *err = NULL;
    int rc = db_schema_version(db, &v);
    if (rc == DB_OK && v > latest)
        rc = newer(db, v);
    else if (rc == DB_OK && v == 0)
        rc = db_set_error(db, DB_ERR_SCHEMA, "データベースが初期化されていません。apicheck init を実行してください"
                                             " / the database is not initialised: run apicheck init");
    else if (rc == DB_OK && v < latest)
        rc = db_set_error(db, DB_ERR_SCHEMA,
                          "データベースのスキーマ版 %d は古いため、apicheck migrate で版 %d に更新してください"
                          " / the database schema version %d is older than this apicheck's (%d):"
                          " run apicheck migrate",
                          v, latest, v, latest);
    if (rc < 0)
        set_err(err, db_errmsg(db));
    return rc;
}
