#include "testutil.h"

#include "core/catalog.h"
#include "db/db.h"
#include "db/store.h"
#include "util/diag.h"
#include "util/file.h"
#include "util/xmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *tu_read(const char *path, size_t *len)
{
    size_t n = 0;
    char *p = file_read(path, 256u * 1024u * 1024u, &n);
    if (!p) {
        fprintf(stderr, "cannot read %s\n", path);
        fail();
    }
    if (len)
        *len = n;
    return p;
}

const char *tu_seed_path(void)
{
    static const char *const candidates[] = {
        "../shared/seed/000_f11c7a6eb96fd414.txt",
        "../../shared/seed/000_f11c7a6eb96fd414.txt",
    };
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
        if (access(candidates[i], R_OK) == 0)
            return candidates[i];
    return NULL;
}

const char *tu_tmpdir(void)
{
    static char dir[256];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "build/tmp/unit.XXXXXX");
        if (system("mkdir -p build/tmp") != 0 || !mkdtemp(dir)) {
            fprintf(stderr, "cannot make a temporary directory\n");
            abort();
        }
    }
    return dir;
}

bool tu_diag_has(const diag_t *d, const char *needle)
{
    for (size_t i = 0; i < d->n; i++)
        if (strstr(d->v[i].en, needle) || strstr(d->v[i].ja, needle))
            return true;
    return false;
}

catalog_t *tu_small_catalog(void)
{
    catalog_t *c = catalog_new();
    c->id = xstrdup("test-cat");
    c->title = xstrdup("テスト用チェックリスト");
    c->date = xstrdup("2018-08-02");
    c->publisher = xstrdup("テストWG");
    item_t *it = catalog_add_item(c);
    it->no = 1;
    it->category = xstrdup("情報・セキュリティ管理態勢");
    it->objective = xstrdup("セキュリティ管理責任の所在と対象範囲を明確にする。");
    it->target = TARGET_PARTNER;
    item_add_ref(it, REF_SOURCE_FISC, "統4", NULL, NULL);
    it = catalog_add_item(c);
    it->no = 2;
    it->category = xstrdup("情報・セキュリティ管理態勢");
    it->objective = xstrdup("銀行の目標。");
    it->target = TARGET_BANK;
    it->note = xstrdup("銀行の備考");
    it = catalog_add_item(c);
    it->no = 3;
    it->category = xstrdup("外部委託管理");
    it->objective = xstrdup("共通の目標、両者で回答する。");
    it->target = TARGET_BOTH;
    item_add_ref(it, REF_SOURCE_SECURITY, "3.3.2", "外部からの不正アクセス対策", "t");
    item_add_ref(it, REF_SOURCE_FISC, "統20", NULL, NULL);
    return c;
}

void tu_sqlite_unlink(const char *path)
{
    static const char *const suffixes[] = { "", "-wal", "-shm" };
    for (size_t i = 0; i < 3; i++) {
        char *p = xasprintf("%s%s", path, suffixes[i]);
        unlink(p);
        free(p);
    }
}

int tu_pg_fresh_schema(const char *url, const char *schema)
{
    char *err = NULL;
    db_t *admin = db_open(url, NULL, &err);
    if (!admin) {
        fprintf(stderr, "cannot reach APICHECK_TEST_PG: %s\n", err);
        free(err);
        return -1;
    }
    char *sql = xasprintf("DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", schema, schema);
    int rc = db_exec(admin, sql);
    free(sql);
    if (rc != DB_OK)
        fprintf(stderr, "resetting schema %s: %s\n", schema, db_errmsg(admin));
    db_close(admin);
    return rc == DB_OK ? 0 : -1;
}

int tu_engine_url(bool pg, const char *tag, const char *schema, char *url, size_t n)
{
    if (!pg) {
        static int k;
        snprintf(url, n, "%s/%s-%d-%d.db", tu_tmpdir(), tag, (int)getpid(), ++k);
        tu_sqlite_unlink(url);
        return 0;
    }
    const char *env = getenv("APICHECK_TEST_PG");
    snprintf(url, n, "%s", env ? env : "");
    return tu_pg_fresh_schema(url, schema);
}

store_t *tu_store_open(const char *url, bool pg, const char *schema, bool create)
{
    store_open_opt_t o = { .create = create, .pg_schema = pg ? schema : NULL };
    char *err = NULL;
    store_t *st = store_open(url, &o, &err);
    if (!st) {
        fprintf(stderr, "store_open %s: %s\n", url, err);
        free(err);
        fail();
    }
    return st;
}

int tu_run_engines(const char *name, const struct CMUnitTest *sqlite_tests, size_t n_sqlite,
                   const struct CMUnitTest *pg_tests, size_t n_pg)
{
    char group[128];
    snprintf(group, sizeof group, "%s-sqlite", name);
    int failed = _cmocka_run_group_tests(group, sqlite_tests, n_sqlite, NULL, NULL);
    const char *pg = getenv("APICHECK_TEST_PG");
    snprintf(group, sizeof group, "%s-pg", name);
    if (pg && *pg)
        failed += _cmocka_run_group_tests(group, pg_tests, n_pg, NULL, NULL);
    else
        printf("# SKIP %s: APICHECK_TEST_PG is not set (tests/run-all starts a server)\n", group);
    return failed;
}
