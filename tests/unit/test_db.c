/* Unit tests for the store's engine layer (src/db: db.h, migrate.h).  The
 * same test functions run against SQLite (a fresh file under build/tmp per
 * test) and, when APICHECK_TEST_PG holds a conninfo or URL, against
 * PostgreSQL (a fresh schema "apicheck_unit" per test; tests/run-all starts
 * a private server with tests/pg/pg-start).
 *
 * APICHECK_DB_BENCH=N additionally times N single-row write transactions on
 * each engine (see test_bench_commits). */
#include "testutil.h"

#include "db/db.h"
#include "db/migrate.h"
#include "util/xmem.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PG_SCHEMA "apicheck_unit"

typedef struct engine_cfg {
    db_engine_t engine;
    const char *name;
} engine_cfg_t;

static const engine_cfg_t sqlite_cfg = { DB_ENGINE_SQLITE, "sqlite" };
static const engine_cfg_t pg_cfg = { DB_ENGINE_PG, "pg" };

/* One test's database and its first connection. */
typedef struct fx {
    const engine_cfg_t *cfg;
    char url[1024];
    db_t *db;
} fx_t;

static bool is_pg(const fx_t *f) { return f->cfg->engine == DB_ENGINE_PG; }

/* Another connection to the test's database. */
static db_t *fx_open(fx_t *f, int busy_timeout_ms)
{
    db_open_opt_t o = { .busy_timeout_ms = busy_timeout_ms, .pg_schema = PG_SCHEMA };
    char *err = NULL;
    db_t *db = db_open(f->url, &o, &err);
    if (!db) {
        fprintf(stderr, "db_open %s: %s\n", f->url, err);
        free(err);
        fail();
    }
    return db;
}

static int fx_setup(void **state)
{
    const engine_cfg_t *cfg = *state;
    fx_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->cfg = cfg;
    if (tu_engine_url(cfg->engine == DB_ENGINE_PG, "db", PG_SCHEMA, f->url, sizeof f->url) != 0) {
        free(f);
        return -1;
    }
    f->db = fx_open(f, 0);
    *state = f;
    return 0;
}

static int fx_teardown(void **state)
{
    fx_t *f = *state;
    db_close(f->db);
    if (f->cfg->engine == DB_ENGINE_SQLITE)
        tu_sqlite_unlink(f->url);
    free(f);
    return 0;
}

/* ---- helpers ---------------------------------------------------------- */

static void exec_ok(db_t *db, const char *sql)
{
    int rc = db_exec(db, sql);
    if (rc != DB_OK)
        fprintf(stderr, "%s: %s\n", sql, db_errmsg(db));
    assert_int_equal(rc, DB_OK);
}

/* The first column of the first row of a query with up to two text
 * parameters (NULL = not bound). */
static int64_t q_int(db_t *db, const char *sql, const char *p1, const char *p2)
{
    db_stmt_t *st = db_prepare(db, sql);
    if (!st)
        fprintf(stderr, "%s: %s\n", sql, db_errmsg(db));
    assert_non_null(st);
    if (p1)
        assert_int_equal(db_bind_text(st, 1, p1), DB_OK);
    if (p2)
        assert_int_equal(db_bind_text(st, 2, p2), DB_OK);
    assert_int_equal(db_step(st), DB_ROW);
    int64_t v = db_col_int64(st, 0);
    db_finalize(st);
    return v;
}

static void migrate_ok(fx_t *f)
{
    char *err = NULL;
    int rc = db_migrate(f->db, NULL, NULL, &err);
    if (rc != DB_OK)
        fprintf(stderr, "migrate: %s\n", err);
    assert_int_equal(rc, DB_OK);
    assert_null(err);
}

/* A plain table for the binding tests. */
static void make_t(fx_t *f)
{
    exec_ok(f->db, is_pg(f) ? "CREATE TABLE t (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                              " s TEXT, i BIGINT, b BYTEA)"
                            : "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, i INTEGER, b BLOB) STRICT");
}

/* Insert an organization; returns the step's result, and its id in *id. */
static int add_org(db_t *db, const char *kind, const char *name, const char *reg_no, int64_t *id)
{
    char now[DB_NOW_LEN];
    db_now(now);
    db_stmt_t *st = db_prepare(db, "INSERT INTO organizations (kind, name, reg_no, created_at, updated_at)"
                                   " VALUES ($1, $2, $3, $4, $4) RETURNING id");
    if (!st)
        return db_errcode(db);
    db_bind_text(st, 1, kind);
    db_bind_text(st, 2, name);
    db_bind_text(st, 3, reg_no);
    db_bind_text(st, 4, now);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        if (id)
            *id = db_col_int64(st, 0);
        rc = db_step(st);
    }
    db_finalize(st);
    return rc == DB_DONE ? DB_OK : rc;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- tests ------------------------------------------------------------ */

static void test_url_engine(void **state)
{
    fx_t *f = *state;
    assert_int_equal(db_engine(f->db), f->cfg->engine);
    assert_int_equal(db_url_engine(NULL), DB_ENGINE_SQLITE);
    assert_int_equal(db_url_engine(""), DB_ENGINE_SQLITE);
    assert_int_equal(db_url_engine("./apicheck.db"), DB_ENGINE_SQLITE);
    assert_int_equal(db_url_engine("data/x=1.db"), DB_ENGINE_SQLITE);
    assert_int_equal(db_url_engine("/tmp/a b.db"), DB_ENGINE_SQLITE);
    assert_int_equal(db_url_engine("postgres://u@h/db"), DB_ENGINE_PG);
    assert_int_equal(db_url_engine("postgresql:///apicheck"), DB_ENGINE_PG);
    assert_int_equal(db_url_engine("host=/tmp dbname=apicheck"), DB_ENGINE_PG);
    assert_int_equal(db_url_engine("dbname=apicheck"), DB_ENGINE_PG);
    assert_int_equal(db_url_engine("nonsense=1"), DB_ENGINE_SQLITE);
}

static void test_open_errors(void **state)
{
    fx_t *f = *state;
    char *err = NULL;
    db_open_opt_t o = { .must_exist = true };
    char *path = xasprintf("%s/missing.db", tu_tmpdir());
    assert_null(db_open(is_pg(f) ? "host=/nonexistent/socket/dir dbname=nope connect_timeout=2" : path, &o, &err));
    assert_non_null(err);
    /* Japanese first, English after. */
    const char *ja = is_pg(f) ? "PostgreSQL に接続できません" : "apicheck init で作成";
    const char *en = is_pg(f) ? "cannot connect to PostgreSQL" : "does not exist";
    assert_non_null(strstr(err, ja));
    assert_non_null(strstr(err, en));
    assert_true(strstr(err, ja) < strstr(err, en));
    free(err);
    if (!is_pg(f))
        assert_int_equal(access(path, F_OK), -1); /* must_exist created nothing */
    free(path);
}

/* The settings db_open promises are in force. */
static void test_open_settings(void **state)
{
    fx_t *f = *state;
    if (is_pg(f)) {
        db_stmt_t *st = db_prepare(f->db, "SELECT current_setting('lock_timeout'),"
                                          " current_setting('search_path'), current_setting('client_encoding')");
        assert_int_equal(db_step(st), DB_ROW);
        assert_string_equal(db_col_text(st, 0), "5s");
        assert_string_equal(db_col_text(st, 1), PG_SCHEMA);
        assert_string_equal(db_col_text(st, 2), "UTF8");
        db_finalize(st);
    } else {
        assert_int_equal(q_int(f->db, "PRAGMA foreign_keys", NULL, NULL), 1);
        assert_int_equal(q_int(f->db, "PRAGMA synchronous", NULL, NULL), 2); /* FULL */
        assert_int_equal(q_int(f->db, "PRAGMA temp_store", NULL, NULL), 2); /* MEMORY */
        db_stmt_t *st = db_prepare(f->db, "PRAGMA journal_mode");
        assert_int_equal(db_step(st), DB_ROW);
        assert_string_equal(db_col_text(st, 0), "wal");
        db_finalize(st);
        struct stat sb;
        assert_int_equal(stat(f->url, &sb), 0);
        assert_int_equal(sb.st_mode & 0777, 0600);
        db_open_opt_t o = { .sync_normal = true, .must_exist = true };
        db_t *relaxed = db_open(f->url, &o, NULL);
        assert_non_null(relaxed);
        assert_int_equal(q_int(relaxed, "PRAGMA synchronous", NULL, NULL), 1); /* NORMAL */
        db_close(relaxed);
    }
    /* Comparisons read the same on both engines. */
    db_stmt_t *st = db_prepare(f->db, "SELECT 2 > 1, 1 > 2, CAST(NULL AS INTEGER) IS NULL");
    assert_int_equal(db_step(st), DB_ROW);
    assert_int_equal(db_col_int64(st, 0), 1);
    assert_string_equal(db_col_text(st, 0), "1");
    assert_int_equal(db_col_int64(st, 1), 0);
    assert_string_equal(db_col_text(st, 1), "0");
    assert_int_equal(db_col_int64(st, 2), 1);
    db_finalize(st);
}

static void test_migrate_fresh(void **state)
{
    fx_t *f = *state;
    int v = -1, from = -1, to = -1;
    char *err = NULL;
    assert_true(db_schema_latest() >= 1);
    assert_int_equal(db_schema_version(f->db, &v), DB_OK);
    assert_int_equal(v, 0);
    assert_int_equal(db_schema_check(f->db, &err), DB_ERR_SCHEMA);
    assert_non_null(strstr(err, "apicheck init"));
    free(err);

    assert_int_equal(db_migrate(f->db, &from, &to, &err), DB_OK);
    assert_null(err);
    assert_int_equal(from, 0);
    assert_int_equal(to, db_schema_latest());
    assert_int_equal(db_schema_version(f->db, &v), DB_OK);
    assert_int_equal(v, db_schema_latest());
    assert_int_equal(db_schema_check(f->db, &err), DB_OK);
    assert_null(err);
    assert_false(db_in_transaction(f->db));

    /* Again: nothing to do. */
    assert_int_equal(db_migrate(f->db, &from, &to, &err), DB_OK);
    assert_int_equal(from, db_schema_latest());
    assert_int_equal(to, db_schema_latest());
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM schema_version", NULL, NULL), db_schema_latest());

    /* Another connection sees the same schema. */
    db_t *other = fx_open(f, 0);
    assert_int_equal(db_schema_check(other, NULL), DB_OK);
    db_close(other);
}

static void test_migrate_refuses_newer(void **state)
{
    fx_t *f = *state;
    migrate_ok(f);
    char ver[16];
    snprintf(ver, sizeof ver, "%d", db_schema_latest() + 1);
    db_stmt_t *st = db_prepare(f->db, "INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)");
    assert_non_null(st);
    db_bind_text(st, 1, ver);
    db_bind_text(st, 2, "from-the-future");
    db_bind_text(st, 3, "2099-01-01T00:00:00.000Z");
    assert_int_equal(db_step(st), DB_DONE);
    db_finalize(st);

    char *err = NULL;
    int from = -1;
    assert_int_equal(db_migrate(f->db, &from, NULL, &err), DB_ERR_SCHEMA);
    assert_int_equal(from, -1);
    assert_non_null(err);
    assert_ptr_equal(strstr(err, "データベースのスキーマ版"), err); /* Japanese first */
    assert_non_null(strstr(err, "newer than this apicheck"));
    assert_non_null(strstr(err, ver));
    free(err);
    assert_false(db_in_transaction(f->db));
    assert_int_equal(db_schema_check(f->db, &err), DB_ERR_SCHEMA);
    assert_non_null(strstr(err, "newer"));
    free(err);
    /* Untouched: still one row per known version plus the future one. */
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM schema_version", NULL, NULL), db_schema_latest() + 1);
}

static void test_migrate_refuses_foreign_db(void **state)
{
    fx_t *f = *state;
    exec_ok(f->db, "CREATE TABLE somebody_elses (x TEXT)");
    char *err = NULL;
    int v = -1;
    assert_int_equal(db_schema_version(f->db, &v), DB_ERR_SCHEMA);
    assert_int_equal(db_migrate(f->db, NULL, NULL, &err), DB_ERR_SCHEMA);
    assert_non_null(strstr(err, "apicheck"));
    free(err);
    assert_false(db_in_transaction(f->db));
    assert_int_equal(db_exec(f->db, "SELECT * FROM organizations"), DB_ERR_OTHER);
}

static void test_model(void **state)
{
    fx_t *f = *state;
    db_t *db = f->db;
    migrate_ok(f);
    char now[DB_NOW_LEN];
    db_now(now);
    int64_t bank = 0, partner = 0;
    assert_int_equal(add_org(db, "bank", "あおぞら銀行", "0001", &bank), DB_OK);
    assert_int_equal(add_org(db, "partner", "家計簿フィンテック株式会社", "関東財務局長（電代）第1号", &partner),
                     DB_OK);
    assert_true(bank > 0 && partner > 0 && bank != partner);
    assert_int_equal(add_org(db, "bank", "あおぞら銀行", NULL, NULL), DB_ERR_UNIQUE);
    assert_int_equal(add_org(db, "shop", "店", NULL, NULL), DB_ERR_CHECK);

    /* A connection must join a bank and a partner, the right way round. */
    const char *conn_sql = "INSERT INTO connections (bank_id, partner_id, scope, created_at, updated_at)"
                           " VALUES ($1, $2, $3, $4, $4) RETURNING id";
    db_stmt_t *st = db_prepare(db, conn_sql);
    assert_non_null(st);
    db_bind_int64(st, 1, partner);
    db_bind_int64(st, 2, bank);
    db_bind_text(st, 3, "read");
    db_bind_text(st, 4, now);
    assert_int_equal(db_step(st), DB_ERR_FK);
    db_finalize(st);
    st = db_prepare(db, conn_sql);
    db_bind_int64(st, 1, bank);
    db_bind_int64(st, 2, partner);
    db_bind_text(st, 3, "write");
    db_bind_text(st, 4, now);
    assert_int_equal(db_step(st), DB_ROW);
    int64_t conn = db_col_int64(st, 0);
    assert_int_equal(db_step(st), DB_DONE);
    db_finalize(st);

    /* Users: an operator needs no organization, anyone else does. */
    const char *user_sql = "INSERT INTO users (login, display_name, role, org_id, is_operator, created_at,"
                           " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id";
    st = db_prepare(db, user_sql);
    db_bind_text(st, 1, "root");
    db_bind_text(st, 2, "運用者");
    db_bind_text(st, 3, "admin");
    db_bind_null(st, 4);
    db_bind_int64(st, 5, 1);
    db_bind_text(st, 6, now);
    assert_int_equal(db_step(st), DB_ROW);
    int64_t op = db_col_int64(st, 0);
    db_finalize(st);
    st = db_prepare(db, user_sql);
    db_bind_text(st, 1, "nobody");
    db_bind_text(st, 2, "所属なし");
    db_bind_text(st, 3, "viewer");
    db_bind_null(st, 4);
    db_bind_int64(st, 5, 0);
    db_bind_text(st, 6, now);
    assert_int_equal(db_step(st), DB_ERR_CHECK);
    db_finalize(st);

    /* A catalog with one item, an assessment and answers. */
    exec_ok(db, "INSERT INTO catalogs (id, title, edition_date, publisher, builtin, created_at)"
                " VALUES ('test-1', 'テスト様式', '2018-08-02', 'WG', 1, '2026-01-01T00:00:00.000Z')");
    exec_ok(db, "INSERT INTO catalog_items (catalog_id, item_no, category, objective, target)"
                " VALUES ('test-1', 1, '区分', '目標', 'both')");
    exec_ok(db, "INSERT INTO catalog_item_refs (catalog_id, item_no, seq, source, clause)"
                " VALUES ('test-1', 1, 1, 'FISC・安対基準', '統20')");
    assert_int_equal(db_exec(db, "INSERT INTO catalog_item_refs (catalog_id, item_no, seq, source, clause)"
                                 " VALUES ('test-1', 2, 1, 'FISC・安対基準', '統20')"),
                     DB_ERR_FK);
    assert_int_equal(q_int(db, "SELECT count(*) FROM catalog_item_refs WHERE clause = $1", "統20", NULL), 1);

    st = db_prepare(db, "INSERT INTO assessments (connection_id, catalog_id, round, due_date, created_by,"
                        " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id");
    db_bind_int64(st, 1, conn);
    db_bind_text(st, 2, "test-1");
    db_bind_text(st, 3, "2026年度");
    db_bind_text(st, 4, "2026-06-30");
    db_bind_int64(st, 5, op);
    db_bind_text(st, 6, now);
    assert_int_equal(db_step(st), DB_ROW);
    int64_t asmt = db_col_int64(st, 0);
    db_finalize(st);
    char asmt_s[32];
    snprintf(asmt_s, sizeof asmt_s, "%" PRId64, asmt);
    assert_int_equal(q_int(db, "SELECT count(*) FROM assessments WHERE state = 'draft' AND version = 1", NULL, NULL), 1);

    const char *ans_sql = "INSERT INTO answers (assessment_id, item_no, side, status, current_text, updated_by,"
                          " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    for (int i = 0; i < 2; i++) {
        st = db_prepare(db, ans_sql);
        db_bind_int64(st, 1, asmt);
        db_bind_int64(st, 2, 1);
        db_bind_text(st, 3, "partner");
        db_bind_text(st, 4, "partial");
        db_bind_text(st, 5, "多要素認証を導入済み");
        db_bind_int64(st, 6, op);
        db_bind_text(st, 7, now);
        assert_int_equal(db_step(st), i == 0 ? DB_DONE : DB_ERR_UNIQUE);
        if (i == 0)
            assert_int_equal(db_changes(st), 1);
        db_finalize(st);
    }

    /* Optimistic concurrency: a save based on version 1 succeeds once. */
    const char *save_sql = "UPDATE answers SET status = $1, version = version + 1, updated_at = $2"
                           " WHERE assessment_id = $3 AND item_no = $4 AND side = $5 AND version = $6";
    for (int i = 0; i < 2; i++) {
        st = db_prepare(db, save_sql);
        db_bind_text(st, 1, "done");
        db_bind_text(st, 2, now);
        db_bind_int64(st, 3, asmt);
        db_bind_int64(st, 4, 1);
        db_bind_text(st, 5, "partner");
        db_bind_int64(st, 6, 1);
        assert_int_equal(db_step(st), DB_DONE);
        assert_int_equal(db_changes(st), i == 0 ? 1 : 0);
        db_finalize(st);
    }
    assert_int_equal(q_int(db, "SELECT version FROM answers WHERE assessment_id = CAST($1 AS BIGINT)", asmt_s, NULL),
                     2);
    assert_int_equal(db_exec(db, "UPDATE answers SET status = 'maybe'"), DB_ERR_CHECK);

    /* A bank's selection version; the assessment must use one of the same
     * catalog. */
    st = db_prepare(db, "INSERT INTO selections (bank_id, catalog_id, scope, version, created_at)"
                        " VALUES ($1, $2, $3, $4, $5) RETURNING id");
    db_bind_int64(st, 1, bank);
    db_bind_text(st, 2, "test-1");
    db_bind_text(st, 3, "write");
    db_bind_int64(st, 4, 1);
    db_bind_text(st, 5, now);
    assert_int_equal(db_step(st), DB_ROW);
    int64_t sel = db_col_int64(st, 0);
    db_finalize(st);
    st = db_prepare(db, "INSERT INTO selection_catalog_items (selection_id, catalog_id, item_no) VALUES ($1, $2, $3)");
    db_bind_int64(st, 1, sel);
    db_bind_text(st, 2, "test-1");
    db_bind_int64(st, 3, 1);
    assert_int_equal(db_step(st), DB_DONE);
    db_finalize(st);
    st = db_prepare(db, "INSERT INTO selection_items (selection_id, item_no, category, objective, target)"
                        " VALUES ($1, $2, $3, $4, $5)");
    db_bind_int64(st, 1, sel);
    db_bind_int64(st, 2, 2);
    db_bind_text(st, 3, "銀行独自");
    db_bind_text(st, 4, "独自の目標");
    db_bind_text(st, 5, "partner");
    assert_int_equal(db_step(st), DB_DONE);
    db_finalize(st);
    st = db_prepare(db, "UPDATE assessments SET selection_id = $1 WHERE id = $2");
    db_bind_int64(st, 1, sel);
    db_bind_int64(st, 2, asmt);
    assert_int_equal(db_step(st), DB_DONE);
    assert_int_equal(db_changes(st), 1);
    db_finalize(st);

    /* Plans: closed_at goes with state done. */
    assert_int_equal(db_exec(db, "INSERT INTO plans (assessment_id, item_no, side, body, state, created_at,"
                                 " updated_at) SELECT id, 1, 'partner', '計画', 'done', created_at, created_at"
                                 " FROM assessments"),
                     DB_ERR_CHECK);

    /* Evidence by SHA-256. */
    static const unsigned char pdf[] = { '%', 'P', 'D', 'F', 0, 0xff, 0x80, '\n' };
    st = db_prepare(db, "INSERT INTO evidence_blobs (sha256, size, data, created_at) VALUES ($1, $2, $3, $4)"
                        " ON CONFLICT (sha256) DO NOTHING");
    for (int i = 0; i < 2; i++) {
        db_bind_text(st, 1, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        db_bind_int64(st, 2, (int64_t)sizeof pdf);
        db_bind_blob(st, 3, pdf, sizeof pdf);
        db_bind_text(st, 4, now);
        assert_int_equal(db_step(st), DB_DONE);
        assert_int_equal(db_changes(st), i == 0 ? 1 : 0);
        db_reset(st);
    }
    db_finalize(st);
    exec_ok(db, "INSERT INTO evidence (answer_id, sha256, filename, media_type, uploaded_at)"
                " SELECT id, '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',"
                " '規程.pdf', 'application/pdf', updated_at FROM answers");
    st = db_prepare(db, "SELECT b.data, e.filename FROM evidence e JOIN evidence_blobs b ON b.sha256 = e.sha256");
    assert_int_equal(db_step(st), DB_ROW);
    size_t len = 0;
    const void *p = db_col_blob(st, 0, &len);
    assert_int_equal(len, sizeof pdf);
    assert_memory_equal(p, pdf, sizeof pdf);
    assert_string_equal(db_col_text(st, 1), "規程.pdf");
    assert_int_equal(db_step(st), DB_DONE);
    db_finalize(st);

    /* The audit trail, sessions and tokens take rows too. */
    exec_ok(db, "INSERT INTO audit_events (seq, occurred_at, action, object_type, object_id, prev_hash, hash)"
                " VALUES (1, '2026-01-01T00:00:00.000Z', 'create', 'organization', '1', '', 'h1')");
    assert_int_equal(db_exec(db, "INSERT INTO audit_events (seq, occurred_at, action, object_type, object_id,"
                                 " prev_hash, hash) VALUES (1, 'x', 'x', 'x', 'x', 'h1', 'h2')"),
                     DB_ERR_UNIQUE);
    exec_ok(db, "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)"
                " SELECT 'abc', id, created_at, created_at, created_at FROM users");
    exec_ok(db, "INSERT INTO login_attempts (attempt_key, occurred_at, success) VALUES ('root', 'now', 0)");
    exec_ok(db, "INSERT INTO api_tokens (token_hash, user_id, name, created_at)"
                " SELECT 'tok', id, 'ci', created_at FROM users");
    exec_ok(db, "INSERT INTO profile_answers (org_id, catalog_id, item_no, side, status, updated_at)"
                " SELECT id, 'test-1', 1, 'partner', 'done', created_at FROM organizations WHERE kind = 'partner'");
    exec_ok(db, "INSERT INTO reviews (assessment_id, item_no, evaluation, updated_at)"
                " SELECT id, 1, 'improve', created_at FROM assessments");
    exec_ok(db, "INSERT INTO review_comments (assessment_id, item_no, body, author_id, created_at)"
                " SELECT a.id, 1, '根拠資料を添付してください', u.id, a.created_at FROM assessments a, users u");
}

static void test_bind_types(void **state)
{
    fx_t *f = *state;
    make_t(f);
    static const char ja[] = "統20、要改善 — 「API接続先の適格性」😀";
    static const unsigned char bin[] = { 0, 1, 2, 0xff, 0xfe, 0, '\\', 'x' };
    const char *ins = "INSERT INTO t (s, i, b) VALUES ($1, $2, $3) RETURNING id";
    struct {
        const char *s;
        bool int_null;
        int64_t i;
        const void *b;
        size_t blen;
    } rows[] = {
        { ja, false, INT64_MAX, bin, sizeof bin },
        { "", false, INT64_MIN, "", 0 },
        { NULL, true, 0, NULL, 0 },
        { "plain", false, -1, NULL, 0 },
    };
    int64_t ids[4];
    for (int k = 0; k < 4; k++) {
        db_stmt_t *st = db_prepare(f->db, ins);
        assert_non_null(st);
        assert_int_equal(db_bind_text(st, 1, rows[k].s), DB_OK);
        if (rows[k].int_null)
            assert_int_equal(db_bind_null(st, 2), DB_OK);
        else
            assert_int_equal(db_bind_int64(st, 2, rows[k].i), DB_OK);
        if (rows[k].b)
            assert_int_equal(db_bind_blob(st, 3, rows[k].b, rows[k].blen), DB_OK);
        /* else $3 stays unbound: NULL */
        assert_int_equal(db_step(st), DB_ROW);
        ids[k] = db_col_int64(st, 0);
        assert_int_equal(db_step(st), DB_DONE);
        assert_int_equal(db_changes(st), 1);
        db_finalize(st);
    }
    db_stmt_t *st = db_prepare(f->db, "SELECT id, s, i, b FROM t ORDER BY id");
    for (int k = 0; k < 4; k++) {
        assert_int_equal(db_step(st), DB_ROW);
        assert_int_equal(db_col_count(st), 4);
        assert_string_equal(db_col_name(st, 1), "s");
        assert_int_equal(db_col_int64(st, 0), ids[k]);
        if (rows[k].s) {
            assert_false(db_col_is_null(st, 1));
            assert_string_equal(db_col_text(st, 1), rows[k].s);
        } else {
            assert_true(db_col_is_null(st, 1));
            assert_null(db_col_text(st, 1));
        }
        assert_int_equal(db_col_is_null(st, 2), rows[k].int_null);
        assert_int_equal(db_col_int64(st, 2), rows[k].i);
        size_t len = 99;
        const void *b = db_col_blob(st, 3, &len);
        if (rows[k].b) {
            assert_non_null(b);
            assert_int_equal(len, rows[k].blen);
            assert_memory_equal(b, rows[k].b, rows[k].blen);
        } else {
            assert_null(b);
            assert_int_equal(len, 0);
            assert_true(db_col_is_null(st, 3));
        }
        /* Out of range is harmless. */
        assert_null(db_col_text(st, 4));
        assert_null(db_col_text(st, -1));
        assert_true(db_col_is_null(st, 9));
    }
    assert_int_equal(db_step(st), DB_DONE);
    assert_null(db_col_text(st, 0)); /* no current row */
    assert_int_equal(db_col_count(st), 0);
    assert_int_equal(db_step(st), DB_DONE); /* stays done until reset */
    db_reset(st);
    assert_int_equal(db_step(st), DB_ROW);
    db_finalize(st);

    /* Integers read as text, and the empty string is not NULL. */
    char max[32];
    snprintf(max, sizeof max, "%" PRId64, INT64_MAX);
    st = db_prepare(f->db, "SELECT i, s FROM t WHERE i = $1");
    db_bind_int64(st, 1, INT64_MAX);
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), max);
    db_finalize(st);
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM t WHERE s = $1", "", NULL), 1);
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM t WHERE s IS NULL", NULL, NULL), 1);
}

static void test_bind_order(void **state)
{
    fx_t *f = *state;
    make_t(f);
    db_stmt_t *st = db_prepare(f->db, "INSERT INTO t (s, i) VALUES ($2, $1)");
    assert_non_null(st);
    db_bind_int64(st, 1, 7);
    db_bind_text(st, 2, "seven");
    assert_int_equal(db_step(st), DB_DONE);
    db_finalize(st);
    /* Binding in another order changes nothing. */
    st = db_prepare(f->db, "INSERT INTO t (s, i) VALUES ($2, $1)");
    db_bind_text(st, 2, "eight");
    db_bind_int64(st, 1, 8);
    assert_int_equal(db_step(st), DB_DONE);
    db_finalize(st);
    assert_int_equal(q_int(f->db, "SELECT i FROM t WHERE s = $1", "seven", NULL), 7);
    assert_int_equal(q_int(f->db, "SELECT i FROM t WHERE s = $1", "eight", NULL), 8);
    /* A parameter used twice, the higher one first. */
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM t WHERE s = $2 OR (s = $1 AND s <> $2)", "seven", "eight"),
                     2);
    assert_int_equal(q_int(f->db, "SELECT i FROM t WHERE s = $1 OR s = $1", "eight", NULL), 8);
}

static void test_bind_misuse(void **state)
{
    fx_t *f = *state;
    make_t(f);
    db_t *db = f->db;
    db_stmt_t *st = db_prepare(db, "INSERT INTO t (s, i) VALUES ($1, $2)");
    assert_non_null(st);
    assert_int_equal(db_bind_text(st, 3, "x"), DB_ERR_MISUSE);
    assert_int_equal(db_bind_text(st, 0, "x"), DB_ERR_MISUSE);
    db_bind_text(st, 1, "a");
    db_bind_int64(st, 2, 1);
    assert_int_equal(db_step(st), DB_ERR_MISUSE); /* the bad bind is reported here too */
    assert_non_null(strstr(db_errmsg(db), "$3"));
    db_reset(st);
    assert_int_equal(db_bind_text(st, 1, "ab\xff"), DB_ERR_MISUSE); /* not UTF-8 */
    assert_int_equal(db_step(st), DB_ERR_MISUSE);
    db_reset(st);
    db_bind_text(st, 1, "ok");
    db_bind_int64(st, 2, 2);
    assert_int_equal(db_step(st), DB_DONE);
    assert_int_equal(db_bind_text(st, 1, "late"), DB_ERR_MISUSE); /* after running: reset first */
    db_finalize(st);
    assert_int_equal(q_int(db, "SELECT count(*) FROM t", NULL, NULL), 1);

    /* Only $1…$n, without gaps, one statement. */
    assert_null(db_prepare(db, "SELECT s FROM t WHERE s = ?"));
    assert_null(db_prepare(db, "SELECT s FROM t WHERE s = :name"));
    assert_null(db_prepare(db, "SELECT s FROM t WHERE s = $2"));
    assert_null(db_prepare(db, "SELECT s FROM t WHERE s = $1 AND i = $3"));
    assert_null(db_prepare(db, "SELECT 1; SELECT 2"));
    assert_null(db_prepare(db, "SELEKT 1"));
    assert_true(db_errcode(db) < 0);
    assert_true(strlen(db_errmsg(db)) > 0);
    assert_null(db_prepare(db, "SELECT nothing FROM nowhere"));
    /* The connection still works. */
    assert_int_equal(q_int(db, "SELECT count(*) FROM t", NULL, NULL), 1);
    assert_int_equal(db_exec(db, "SELEKT 1"), DB_ERR_OTHER);
}

static void test_constraint_errors(void **state)
{
    fx_t *f = *state;
    db_t *db = f->db;
    migrate_ok(f);
    int64_t id = 0;
    assert_int_equal(add_org(db, "partner", "A社", "R-1", &id), DB_OK);
    assert_int_equal(add_org(db, "partner", "A社", "R-2", NULL), DB_ERR_UNIQUE);
    assert_int_equal(db_errcode(db), DB_ERR_UNIQUE);
    assert_true(strlen(db_errmsg(db)) > 0);
    assert_int_equal(add_org(db, "partner", "B社", "R-1", NULL), DB_ERR_UNIQUE);
    assert_int_equal(add_org(db, "government", "C庁", NULL, NULL), DB_ERR_CHECK);
    assert_int_equal(add_org(db, "partner", NULL, NULL, NULL), DB_ERR_CHECK); /* NOT NULL */
    db_stmt_t *st = db_prepare(db, "INSERT INTO users (login, display_name, role, org_id, created_at, updated_at)"
                                   " VALUES ($1, $1, 'editor', $2, $3, $3)");
    db_bind_text(st, 1, "ghost");
    db_bind_int64(st, 2, id + 1000);
    db_bind_text(st, 3, "2026-01-01T00:00:00.000Z");
    assert_int_equal(db_step(st), DB_ERR_FK);
    assert_int_equal(db_errcode(db), DB_ERR_FK);
    assert_int_equal(db_step(st), DB_ERR_FK); /* stays failed until reset */
    db_reset(st);
    db_bind_text(st, 1, "alice");
    db_bind_int64(st, 2, id);
    db_bind_text(st, 3, "2026-01-01T00:00:00.000Z");
    assert_int_equal(db_step(st), DB_DONE);
    db_finalize(st);
    assert_int_equal(q_int(db, "SELECT count(*) FROM users", NULL, NULL), 1);
}

static void test_transactions(void **state)
{
    fx_t *f = *state;
    db_t *db = f->db;
    migrate_ok(f);

    /* Rolled back: nothing left. */
    assert_int_equal(db_begin_write(db), DB_OK);
    assert_true(db_in_transaction(db));
    assert_int_equal(db_begin_write(db), DB_ERR_MISUSE);
    assert_int_equal(add_org(db, "bank", "X銀行", NULL, NULL), DB_OK);
    assert_int_equal(add_org(db, "bank", "Y銀行", NULL, NULL), DB_OK);
    assert_int_equal(q_int(db, "SELECT count(*) FROM organizations", NULL, NULL), 2);
    assert_int_equal(db_rollback(db), DB_OK);
    assert_false(db_in_transaction(db));
    assert_int_equal(q_int(db, "SELECT count(*) FROM organizations", NULL, NULL), 0);
    assert_int_equal(db_rollback(db), DB_OK); /* no transaction: a no-op */
    assert_int_equal(db_commit(db), DB_ERR_MISUSE);

    /* An error spoils the transaction on both engines. */
    assert_int_equal(db_begin_write(db), DB_OK);
    assert_int_equal(add_org(db, "bank", "X銀行", NULL, NULL), DB_OK);
    assert_int_equal(add_org(db, "bank", "X銀行", NULL, NULL), DB_ERR_UNIQUE);
    assert_int_equal(add_org(db, "bank", "Z銀行", NULL, NULL), DB_ERR_MISUSE);
    assert_int_equal(db_exec(db, "SELECT 1"), DB_ERR_MISUSE);
    assert_int_equal(db_commit(db), DB_ERR_MISUSE);
    assert_false(db_in_transaction(db));
    assert_int_equal(q_int(db, "SELECT count(*) FROM organizations", NULL, NULL), 0);

    /* Committed: seen by another connection only after the commit. */
    db_t *other = fx_open(f, 0);
    assert_int_equal(db_begin_write(db), DB_OK);
    assert_int_equal(add_org(db, "bank", "W銀行", NULL, NULL), DB_OK);
    assert_int_equal(q_int(other, "SELECT count(*) FROM organizations", NULL, NULL), 0);
    assert_int_equal(db_commit(db), DB_OK);
    assert_int_equal(q_int(other, "SELECT count(*) FROM organizations", NULL, NULL), 1);

    /* A read transaction keeps its snapshot. */
    assert_int_equal(db_begin_read(other), DB_OK);
    assert_int_equal(q_int(other, "SELECT count(*) FROM organizations", NULL, NULL), 1);
    assert_int_equal(add_org(db, "bank", "V銀行", NULL, NULL), DB_OK);
    assert_int_equal(q_int(other, "SELECT count(*) FROM organizations", NULL, NULL), 1);
    assert_int_equal(db_commit(other), DB_OK);
    assert_int_equal(q_int(other, "SELECT count(*) FROM organizations", NULL, NULL), 2);

    /* A read transaction refuses writes, on both engines. */
    assert_int_equal(db_begin_read(other), DB_OK);
    assert_int_equal(add_org(other, "bank", "U銀行", NULL, NULL), DB_ERR_MISUSE);
    assert_int_equal(db_rollback(other), DB_OK);
    assert_int_equal(q_int(db, "SELECT count(*) FROM organizations", NULL, NULL), 2);

    /* On PostgreSQL a read snapshot's BEGIN travels with its first
     * statement: that statement runs inside it (repeatable read, read
     * only); a failing first statement spoils it like any error; one that
     * runs nothing ends cleanly. */
    if (is_pg(f)) {
        assert_int_equal(db_begin_read(other), DB_OK);
        assert_int_equal(q_int(other,
                               "SELECT CASE WHEN current_setting('transaction_isolation')"
                               " = 'repeatable read' AND current_setting('transaction_read_only')"
                               " = 'on' THEN 1 ELSE 0 END",
                               NULL, NULL),
                         1);
        assert_int_equal(db_commit(other), DB_OK);
        assert_int_equal(q_int(other, "SELECT CASE WHEN current_setting('transaction_read_only')"
                                      " = 'off' THEN 1 ELSE 0 END",
                               NULL, NULL),
                         1);
        assert_int_equal(db_begin_read(other), DB_OK);
        db_stmt_t *bad = db_prepare(other, "SELECT 1 / (count(*) - count(*)) FROM organizations");
        assert_non_null(bad);
        assert_true(db_step(bad) < 0);
        db_finalize(bad);
        assert_int_equal(db_exec(other, "SELECT 1"), DB_ERR_MISUSE); /* spoiled */
        assert_int_equal(db_rollback(other), DB_OK);
        assert_int_equal(db_begin_read(other), DB_OK);
        assert_int_equal(db_rollback(other), DB_OK); /* ran nothing */
        assert_int_equal(db_begin_write(other), DB_OK);
        assert_int_equal(add_org(other, "bank", "T銀行", NULL, NULL), DB_OK);
        assert_int_equal(db_rollback(other), DB_OK);
        assert_int_equal(q_int(other, "SELECT count(*) FROM organizations", NULL, NULL), 2);
    }

    /* A statement still running when the transaction ends is reset. */
    assert_int_equal(db_begin_write(db), DB_OK);
    db_stmt_t *st = db_prepare(db, "SELECT name FROM organizations ORDER BY name");
    assert_int_equal(db_step(st), DB_ROW);
    assert_int_equal(db_commit(db), DB_OK);
    assert_int_equal(db_step(st), DB_ROW); /* runs afresh */
    db_finalize(st);
    db_close(other);
}

static void test_busy(void **state)
{
    fx_t *f = *state;
    migrate_ok(f);
    db_t *other = fx_open(f, 300);
    assert_int_equal(db_begin_write(f->db), DB_OK);
    assert_int_equal(add_org(f->db, "bank", "先行銀行", NULL, NULL), DB_OK);
    double t0 = now_s();
    assert_int_equal(db_begin_write(other), DB_ERR_BUSY);
    double waited = now_s() - t0;
    assert_int_equal(db_errcode(other), DB_ERR_BUSY);
    assert_false(db_in_transaction(other));
    assert_true(waited >= 0.25);
    assert_true(waited < 4.0);
    /* Readers are not blocked by the writer. */
    assert_int_equal(q_int(other, "SELECT count(*) FROM organizations", NULL, NULL), 0);
    assert_int_equal(db_commit(f->db), DB_OK);
    /* Retry succeeds once the writer is done. */
    assert_int_equal(db_begin_write(other), DB_OK);
    assert_int_equal(add_org(other, "bank", "後続銀行", NULL, NULL), DB_OK);
    assert_int_equal(db_commit(other), DB_OK);
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM organizations", NULL, NULL), 2);
    db_close(other);
}

/* Bookkeeping writes wait briefly, not the whole busy timeout, while
 * db_lock_wait_brief is on; the configured wait comes back after. */
static int rename_org(db_t *db, const char *from, const char *to)
{
    db_stmt_t *s = db_prepare(db, "UPDATE organizations SET name = $1 WHERE name = $2");
    db_bind_text(s, 1, to);
    db_bind_text(s, 2, from);
    int rc = db_step(s);
    db_finalize(s);
    return rc == DB_DONE ? DB_OK : rc;
}

static void test_lock_wait_brief(void **state)
{
    fx_t *f = *state;
    migrate_ok(f);
    assert_int_equal(add_org(f->db, "bank", "甲銀行", NULL, NULL), DB_OK);
    db_t *other = fx_open(f, 30000);
    assert_int_equal(db_begin_write(f->db), DB_OK);
    assert_int_equal(rename_org(f->db, "甲銀行", "乙銀行"), DB_OK);
    db_lock_wait_brief(other, true);
    double t0 = now_s();
    assert_int_equal(rename_org(other, "甲銀行", "丙銀行"), DB_ERR_BUSY);
    assert_true(now_s() - t0 < 4.0); /* not the 30 s of the connection */
    db_lock_wait_brief(other, false);
    assert_int_equal(db_commit(f->db), DB_OK);
    assert_int_equal(rename_org(other, "乙銀行", "丙銀行"), DB_OK);
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM organizations WHERE name = '丙銀行'", NULL,
                           NULL), 1);
    db_close(other);
}

static void test_stmt_cache(void **state)
{
    fx_t *f = *state;
    db_t *db = f->db;
    make_t(f);
    const char *sql = "SELECT s FROM t WHERE i = $1";
    uint64_t n0 = db_prepare_count(db);
    db_stmt_t *a = db_prepare(db, sql);
    assert_non_null(a);
    assert_int_equal(db_prepare_count(db), n0 + 1);
    db_finalize(a);
    char copy[64];
    snprintf(copy, sizeof copy, "%s", sql); /* same text, another pointer */
    db_stmt_t *b = db_prepare(db, copy);
    assert_ptr_equal(a, b);
    assert_int_equal(db_prepare_count(db), n0 + 1);
    /* In use: the same text gets a second statement. */
    db_stmt_t *c = db_prepare(db, sql);
    assert_ptr_not_equal(b, c);
    assert_int_equal(db_prepare_count(db), n0 + 2);
    db_finalize(b);
    db_finalize(c);
    size_t cached = db_cached_statements(db);
    for (int i = 0; i < 50; i++)
        db_finalize(db_prepare(db, sql));
    assert_int_equal(db_cached_statements(db), cached);
    assert_int_equal(db_prepare_count(db), n0 + 2);

    /* A statement given back comes out clean: no old bindings or rows. */
    exec_ok(db, "INSERT INTO t (s, i) VALUES ('one', 1), ('two', 2), ('three', 3)");
    a = db_prepare(db, sql);
    db_bind_int64(a, 1, 1);
    assert_int_equal(db_step(a), DB_ROW);
    db_finalize(a);
    a = db_prepare(db, sql);
    assert_int_equal(db_step(a), DB_DONE); /* $1 unbound: NULL matches nothing */
    db_finalize(a);

    /* Nested use: one query per row of another. */
    db_stmt_t *outer = db_prepare(db, "SELECT i FROM t ORDER BY i");
    int rows = 0;
    while (db_step(outer) == DB_ROW) {
        db_stmt_t *inner = db_prepare(db, sql);
        db_bind_int64(inner, 1, db_col_int64(outer, 0));
        assert_int_equal(db_step(inner), DB_ROW);
        assert_non_null(db_col_text(inner, 0));
        db_finalize(inner);
        rows++;
    }
    db_finalize(outer);
    assert_int_equal(rows, 3);
}

static void test_injection_verbatim(void **state)
{
    fx_t *f = *state;
    db_t *db = f->db;
    migrate_ok(f);
    static const char *const evil[] = {
        "'; DROP TABLE organizations; --",
        "Robert'); DROP TABLE users;--",
        "' OR '1'='1",
        "\" OR \"\"=\"",
        "$1",
        "$2 $1 ? :name @x",
        "\\x00\\'",
        "%s%n%d",
        "銀行'; DELETE FROM organizations WHERE '1'='1",
        "x'||(SELECT version())||'",
    };
    size_t n = sizeof evil / sizeof evil[0];
    for (size_t i = 0; i < n; i++)
        assert_int_equal(add_org(db, "partner", evil[i], evil[i], NULL), DB_OK);
    assert_int_equal(q_int(db, "SELECT count(*) FROM organizations", NULL, NULL), (int64_t)n);
    for (size_t i = 0; i < n; i++) {
        db_stmt_t *st = db_prepare(db, "SELECT name, reg_no FROM organizations WHERE name = $1");
        db_bind_text(st, 1, evil[i]);
        assert_int_equal(db_step(st), DB_ROW);
        assert_string_equal(db_col_text(st, 0), evil[i]);
        assert_string_equal(db_col_text(st, 1), evil[i]);
        assert_int_equal(db_step(st), DB_DONE);
        db_finalize(st);
    }
    assert_int_equal(q_int(db, "SELECT count(*) FROM organizations WHERE name = $1", "' OR '1'='1", NULL), 1);
    assert_int_equal(q_int(db, "SELECT count(*) FROM users", NULL, NULL), 0); /* still there */
}

static void test_lost_connection(void **state)
{
    fx_t *f = *state;
    if (!is_pg(f)) {
        /* SQLite has no server to lose; the code has no meaning there. */
        return;
    }
    db_t *victim = fx_open(f, 0);
    int64_t pid = q_int(victim, "SELECT pg_backend_pid()", NULL, NULL);
    char pid_s[32];
    snprintf(pid_s, sizeof pid_s, "%" PRId64, pid);
    assert_int_equal(q_int(f->db, "SELECT CAST(pg_terminate_backend(CAST($1 AS INTEGER)) AS INTEGER)", pid_s, NULL),
                     1);
    /* Wait until the backend is gone. */
    for (int i = 0; i < 100; i++) {
        if (q_int(f->db, "SELECT count(*) FROM pg_stat_activity WHERE pid = CAST($1 AS INTEGER)", pid_s, NULL) == 0)
            break;
        usleep(20000);
    }
    assert_int_equal(db_exec(victim, "SELECT 1"), DB_ERR_GONE);
    assert_non_null(strstr(db_errmsg(victim), "connection to PostgreSQL lost"));
    assert_null(db_prepare(victim, "SELECT 2"));
    assert_int_equal(db_errcode(victim), DB_ERR_GONE);
    db_close(victim);
}

static void test_backup(void **state)
{
    fx_t *f = *state;
    migrate_ok(f);
    assert_int_equal(add_org(f->db, "bank", "控え銀行", NULL, NULL), DB_OK);
    char *err = NULL;
    char *path = xasprintf("%s.backup", f->url);
    if (is_pg(f)) {
        assert_int_equal(db_backup(f->db, path, &err), DB_ERR_MISUSE);
        assert_non_null(strstr(err, "pg_dump"));
        free(err);
        free(path);
        return;
    }
    tu_sqlite_unlink(path);
    assert_int_equal(db_backup(f->db, path, &err), DB_OK);
    assert_null(err);
    db_open_opt_t o = { .must_exist = true };
    db_t *copy = db_open(path, &o, &err);
    assert_non_null(copy);
    assert_int_equal(db_schema_check(copy, NULL), DB_OK);
    assert_int_equal(q_int(copy, "SELECT count(*) FROM organizations WHERE name = $1", "控え銀行", NULL), 1);
    db_close(copy);
    tu_sqlite_unlink(path);
    assert_int_equal(db_backup(f->db, "/nonexistent-dir/x.db", &err), DB_ERR_OTHER);
    assert_non_null(err);
    free(err);
    free(path);
}

static void test_now(void **state)
{
    (void)state;
    char a[DB_NOW_LEN], b[DB_NOW_LEN];
    db_now(a);
    usleep(2000);
    db_now(b);
    assert_int_equal(strlen(a), 24);
    assert_int_equal(a[4], '-');
    assert_int_equal(a[10], 'T');
    assert_int_equal(a[19], '.');
    assert_int_equal(a[23], 'Z');
    assert_true(strcmp(a, b) < 0);
}

/* APICHECK_DB_BENCH=N: N durable single-row write transactions (SQLite with
 * synchronous=FULL; PostgreSQL as configured: use pg-start --durable). */
static void test_bench_commits(void **state)
{
    fx_t *f = *state;
    const char *e = getenv("APICHECK_DB_BENCH");
    int n = e ? (int)strtol(e, NULL, 10) : 0; /* n <= 0: no benchmark */
    if (n <= 0)
        return;
    make_t(f);
    double t0 = now_s();
    for (int i = 0; i < n; i++) {
        assert_int_equal(db_begin_write(f->db), DB_OK);
        db_stmt_t *st = db_prepare(f->db, "INSERT INTO t (s, i) VALUES ($1, $2)");
        db_bind_text(st, 1, "保存");
        db_bind_int64(st, 2, i);
        assert_int_equal(db_step(st), DB_DONE);
        db_finalize(st);
        assert_int_equal(db_commit(f->db), DB_OK);
    }
    double dt = now_s() - t0;
    printf("# bench %s: %d single-row write transactions in %.3f s = %.0f commits/s\n", f->cfg->name, n, dt,
           n / dt);
}

#define T(fn, cfg) { cfg##_label ": " #fn, fn, fx_setup, fx_teardown, (void *)&cfg }
#define sqlite_cfg_label "sqlite"
#define pg_cfg_label "pg"
#define ALL_TESTS(cfg)                                                                 \
    {                                                                                  \
        T(test_url_engine, cfg), T(test_open_errors, cfg), T(test_open_settings, cfg), \
        T(test_migrate_fresh, cfg), T(test_migrate_refuses_newer, cfg),                \
        T(test_migrate_refuses_foreign_db, cfg), T(test_model, cfg),                   \
        T(test_bind_types, cfg), T(test_bind_order, cfg), T(test_bind_misuse, cfg),    \
        T(test_constraint_errors, cfg), T(test_transactions, cfg), T(test_busy, cfg), T(test_lock_wait_brief, cfg),  \
        T(test_stmt_cache, cfg), T(test_injection_verbatim, cfg),                      \
        T(test_lost_connection, cfg), T(test_backup, cfg), T(test_now, cfg),           \
        T(test_bench_commits, cfg),                                                    \
    }

int main(void)
{
    const struct CMUnitTest sqlite_tests[] = ALL_TESTS(sqlite_cfg);
    const struct CMUnitTest pg_tests[] = ALL_TESTS(pg_cfg);
    return TU_RUN_ENGINES("db", sqlite_tests, pg_tests);
}
