/* Shared helpers for the cmocka unit tests. */
#ifndef APICHECK_TESTUTIL_H
#define APICHECK_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

struct store;

/* Read a file relative to the repository root (tests run from there);
 * fails the test when it cannot. Caller frees. */
char *tu_read(const char *path, size_t *len);
/* Path of the seed file shipped in ../shared (NULL when not present). */
const char *tu_seed_path(void);
/* A fresh temporary directory under build/ for this test program. */
const char *tu_tmpdir(void);

/* Does any problem recorded in d mention needle (in either language)? */
struct diag;
bool tu_diag_has(const struct diag *d, const char *needle);
/* A small hand-built catalog "test-cat" (2018-08-02, テストWG): item 1 for the
 * partner citing 統4, item 2 for the bank with a note, item 3 for both citing
 * 3.3.2 (point t) and 統20. Caller frees with catalog_free. */
struct catalog;
struct catalog *tu_small_catalog(void);

/* ---- one test's fresh database, on SQLite or PostgreSQL ---------------- */

/* Remove a SQLite file and its -wal and -shm companions (missing ones are
 * fine). */
void tu_sqlite_unlink(const char *path);
/* Drop and re-create `schema` in the PostgreSQL database at `url`. Returns 0,
 * or -1 with a message on stderr when the server cannot be reached or the
 * schema cannot be reset. */
int tu_pg_fresh_schema(const char *url, const char *schema);
/* The URL of a fresh, empty database for one test, written to url[n]:
 * on SQLite a new file "<tu_tmpdir()>/<tag>-<pid>-<k>.db" (k counts up per
 * call; any leftover of that name is removed); on PostgreSQL
 * $APICHECK_TEST_PG, with `schema` dropped and re-created. Returns 0, or -1
 * (message on stderr) as tu_pg_fresh_schema. */
int tu_engine_url(bool pg, const char *tag, const char *schema, char *url, size_t n);
/* store_open(url), migrating a new database when `create`, on `schema` when
 * pg (the default schema otherwise); fails the test with the store's message
 * when it cannot. */
struct store *tu_store_open(const char *url, bool pg, const char *schema, bool create);
/* Run the group `name`-sqlite, then `name`-pg when APICHECK_TEST_PG is set,
 * or print "# SKIP <name>-pg: ...". Returns the number of failed tests. */
int tu_run_engines(const char *name, const struct CMUnitTest *sqlite_tests, size_t n_sqlite,
                   const struct CMUnitTest *pg_tests, size_t n_pg);
#define TU_RUN_ENGINES(name, sqlite_tests, pg_tests)                                        \
    tu_run_engines(name, sqlite_tests, sizeof(sqlite_tests) / sizeof((sqlite_tests)[0]), \
                   pg_tests, sizeof(pg_tests) / sizeof((pg_tests)[0]))

#endif
