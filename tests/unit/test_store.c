/* The store's base (store.c, store_audit.c) on SQLite and, when
 * APICHECK_TEST_PG is set, on PostgreSQL (a fresh schema per test):
 * opening and migrating, organizations, users and passwords, connections
 * and their tenant isolation, catalogs, and the audit chain including
 * tampering behind the application's back. */
#include "testutil.h"

#include "db/store.h"
#include "formats/builtin.h"
#include "util/xmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PG_SCHEMA "apicheck_store_unit"

typedef struct fx {
    bool pg;
    char url[1024];
    store_t *st;
    actor_t sys;
} fx_t;

static int setup(void **state, bool pg)
{
    fx_t *f = xcalloc(1, sizeof *f);
    f->pg = pg;
    assert_int_equal(tu_engine_url(pg, "store", PG_SCHEMA, f->url, sizeof f->url), 0);
    f->st = tu_store_open(f->url, pg, PG_SCHEMA, true);
    f->sys = store_system_actor();
    *state = f;
    return 0;
}

static int setup_sqlite(void **state) { return setup(state, false); }
static int setup_pg(void **state) { return setup(state, true); }

static int teardown(void **state)
{
    fx_t *f = *state;
    store_close(f->st);
    free(f);
    return 0;
}

/* Two banks, two partners, a user of every role in each, two connections. */
typedef struct world {
    int64_t bank, bank2, partner, partner2;
    int64_t conn, conn2;
} world_t;

static void mk_user(fx_t *f, const char *login, int64_t org, role_t role)
{
    user_t u = { 0 };
    u.login = (char *)login;
    u.role = role;
    u.org_id = org;
    assert_int_equal(store_user_create(f->st, &f->sys, &u, "correct horse battery", NULL),
                     ST_OK);
}

static world_t mk_world(fx_t *f)
{
    world_t w;
    assert_int_equal(store_org_create(f->st, &f->sys, ORG_BANK, "みらい銀行", "0999", &w.bank), ST_OK);
    assert_int_equal(store_org_create(f->st, &f->sys, ORG_BANK, "あおば銀行", NULL, &w.bank2), ST_OK);
    assert_int_equal(store_org_create(f->st, &f->sys, ORG_PARTNER, "かけいぼ株式会社",
                                      "関東財務局長(電代)第1号", &w.partner),
                     ST_OK);
    assert_int_equal(store_org_create(f->st, &f->sys, ORG_PARTNER, "会計クラウド", NULL, &w.partner2),
                     ST_OK);
    mk_user(f, "bank-admin", w.bank, ROLE_ADMIN);
    mk_user(f, "partner-admin", w.partner, ROLE_ADMIN);
    mk_user(f, "partner2-admin", w.partner2, ROLE_ADMIN);
    assert_int_equal(store_connection_create(f->st, &f->sys, w.bank, w.partner, "参照系", &w.conn),
                     ST_OK);
    assert_int_equal(store_connection_create(f->st, &f->sys, w.bank2, w.partner2, "write", &w.conn2),
                     ST_OK);
    return w;
}

static void test_open_and_catalog(void **state)
{
    fx_t *f = *state;
    catalog_t *c = store_catalog_get(f->st, BUILTIN_CATALOG_ID);
    assert_non_null(c);
    catalog_t *b = builtin_catalog();
    char *why = NULL;
    assert_true(catalog_equal(b, c, &why));
    /* Idempotent for the same edition, refused for a changed one. */
    assert_int_equal(store_catalog_put(f->st, &f->sys, b, true), ST_OK);
    free(b->items[1].objective);
    b->items[1].objective = xstrdup("変えた目標");
    assert_int_equal(store_catalog_put(f->st, &f->sys, b, false), ST_EXISTS);
    free(b->id);
    b->id = xstrdup("edition-2");
    assert_int_equal(store_catalog_put(f->st, &f->sys, b, false), ST_OK);
    char **ids;
    size_t n;
    assert_int_equal(store_catalog_ids(f->st, &ids, &n), ST_OK);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
    catalog_free(b);
    catalog_free(c);
    /* Re-opening without create checks the schema and works. */
    store_t *again = tu_store_open(f->url, f->pg, PG_SCHEMA, false);
    store_close(again);
    /* A non-operator cannot import catalogs. */
    actor_t viewer = { 5, 1, ORG_BANK, ROLE_ADMIN, false };
    catalog_t *x = builtin_catalog();
    assert_int_equal(store_catalog_put(f->st, &viewer, x, false), ST_FORBIDDEN);
    catalog_free(x);
}

static void test_orgs_users(void **state)
{
    fx_t *f = *state;
    world_t w = mk_world(f);
    assert_int_equal(store_org_create(f->st, &f->sys, ORG_BANK, "みらい銀行", NULL, NULL), ST_EXISTS);
    actor_t ba;
    assert_int_equal(store_actor(f->st, "bank-admin", &ba), ST_OK);
    assert_int_equal(ba.org_id, w.bank);
    assert_int_equal(ba.org_kind, ORG_BANK);
    assert_int_equal(ba.role, ROLE_ADMIN);
    /* Only operators create organizations. */
    assert_int_equal(store_org_create(f->st, &ba, ORG_BANK, "x銀行", NULL, NULL), ST_FORBIDDEN);
    /* An admin creates users of its own organization only. */
    user_t u = { 0 };
    u.login = "bank-editor";
    u.role = ROLE_EDITOR;
    u.org_id = w.bank;
    assert_int_equal(store_user_create(f->st, &ba, &u, "another good password", NULL), ST_OK);
    u.login = "sneaky";
    u.org_id = w.partner;
    assert_int_equal(store_user_create(f->st, &ba, &u, "another good password", NULL), ST_NOT_FOUND);
    u.org_id = w.bank;
    u.is_operator = true;
    assert_int_equal(store_user_create(f->st, &ba, &u, "another good password", NULL), ST_FORBIDDEN);
    u.is_operator = false;
    u.login = "Bad Login";
    assert_int_equal(store_user_create(f->st, &f->sys, &u, NULL, NULL), ST_INVALID);
    u.login = "short-pw";
    assert_int_equal(store_user_create(f->st, &f->sys, &u, "short", NULL), ST_INVALID);
    /* Passwords: argon2id, checked; wrong login and wrong password look alike. */
    actor_t who;
    assert_int_equal(store_login(f->st, "bank-editor", "another good password", &who), ST_OK);
    assert_int_equal(who.role, ROLE_EDITOR);
    assert_int_equal(store_login(f->st, "bank-editor", "wrong password!!", &who), ST_NOT_FOUND);
    char *m1 = xstrdup(store_errmsg(f->st));
    assert_int_equal(store_login(f->st, "nobody-here", "wrong password!!", &who), ST_NOT_FOUND);
    assert_string_equal(m1, store_errmsg(f->st));
    free(m1);
    int step;
    db_stmt_t *s = db_prepare(store_db(f->st), "SELECT pw_hash FROM users WHERE login = $1");
    db_bind_text(s, 1, "bank-editor");
    assert_int_equal(db_step(s), DB_ROW);
    assert_non_null(strstr(db_col_text(s, 0), "$argon2id$"));
    db_finalize(s);
    (void)step;
    assert_int_equal(store_user_set_password(f->st, &ba, "bank-editor", "the new password 1"), ST_OK);
    assert_int_equal(store_login(f->st, "bank-editor", "the new password 1", &who), ST_OK);
    actor_t pa;
    assert_int_equal(store_actor(f->st, "partner-admin", &pa), ST_OK);
    assert_int_equal(store_user_set_password(f->st, &pa, "bank-editor", "hijacked password"),
                     ST_NOT_FOUND);
    /* Users list: own organization only. */
    user_t *us;
    size_t n;
    assert_int_equal(store_user_list(f->st, &pa, &us, &n), ST_OK);
    assert_int_equal(n, 1);
    assert_string_equal(us[0].login, "partner-admin");
    user_list_free(us, n);
    assert_int_equal(store_user_list(f->st, &f->sys, &us, &n), ST_OK);
    assert_int_equal(n, 4);
    user_list_free(us, n);
    /* A read snapshot: reads work, a write inside fails and changes
     * nothing, a nested pair joins it; after it, writes work again. */
    assert_int_equal(store_read_begin(f->st), ST_OK);
    assert_int_equal(store_user_list(f->st, &f->sys, &us, &n), ST_OK);
    user_list_free(us, n);
    assert_int_equal(store_read_begin(f->st), ST_OK);
    store_read_end(f->st);
    assert_true(db_in_transaction(store_db(f->st)));
    u.login = "inside-snapshot";
    u.org_id = w.bank;
    assert_int_not_equal(store_user_create(f->st, &f->sys, &u, "another good password", NULL),
                         ST_OK);
    store_read_end(f->st);
    assert_int_equal(store_actor(f->st, "inside-snapshot", &who), ST_NOT_FOUND);
    assert_int_equal(store_user_create(f->st, &f->sys, &u, "another good password", NULL), ST_OK);
}

static void test_connections_tenants(void **state)
{
    fx_t *f = *state;
    world_t w = mk_world(f);
    actor_t ba, pa, p2;
    assert_int_equal(store_actor(f->st, "bank-admin", &ba), ST_OK);
    assert_int_equal(store_actor(f->st, "partner-admin", &pa), ST_OK);
    assert_int_equal(store_actor(f->st, "partner2-admin", &p2), ST_OK);
    connection_t *cs;
    size_t n;
    assert_int_equal(store_connection_list(f->st, &pa, &cs, &n), ST_OK);
    assert_int_equal(n, 1);
    assert_int_equal(cs[0].id, w.conn);
    assert_string_equal(cs[0].scope, "read");
    assert_string_equal(cs[0].bank_name, "みらい銀行");
    connection_list_free(cs, n);
    assert_int_equal(store_connection_list(f->st, &f->sys, &cs, &n), ST_OK);
    assert_int_equal(n, 2);
    connection_list_free(cs, n);
    /* Bank and partner swapped: refused by the schema. */
    assert_int_equal(store_connection_create(f->st, &f->sys, w.partner, w.bank, "read", NULL),
                     ST_INVALID);
    /* A partner cannot create connections; a bank admin can for its bank. */
    assert_int_equal(store_connection_create(f->st, &pa, w.bank, w.partner, "write", NULL),
                     ST_FORBIDDEN);
    assert_int_equal(store_connection_create(f->st, &ba, w.bank, w.partner, "write", NULL), ST_OK);
    assert_int_equal(store_connection_create(f->st, &ba, w.bank, w.partner, "write", NULL),
                     ST_EXISTS);
    /* Another tenant's connection looks missing. */
    assert_int_equal(store_connection_set_state(f->st, &pa, w.conn2, "ended"), ST_NOT_FOUND);
    assert_int_equal(store_connection_set_state(f->st, &pa, w.conn, "ended"), ST_FORBIDDEN);
    assert_int_equal(store_connection_set_state(f->st, &ba, w.conn, "suspended"), ST_OK);
    /* Organizations: own and connected ones only. */
    org_t o;
    assert_int_equal(store_org_get(f->st, &pa, "みらい銀行", &o), ST_OK);
    org_clear(&o);
    assert_int_equal(store_org_get(f->st, &pa, "会計クラウド", &o), ST_NOT_FOUND);
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)w.partner2);
    assert_int_equal(store_org_get(f->st, &pa, id, &o), ST_NOT_FOUND);
    org_t *os;
    assert_int_equal(store_org_list(f->st, &p2, &os, &n), ST_OK);
    assert_int_equal(n, 2); /* itself and あおば銀行 */
    org_list_free(os, n);
    /* A bank's users see every partner (to connect them), not other banks. */
    assert_int_equal(store_org_get(f->st, &ba, "会計クラウド", &o), ST_OK);
    org_clear(&o);
    assert_int_equal(store_org_get(f->st, &ba, "あおば銀行", &o), ST_NOT_FOUND);
    assert_int_equal(store_org_list(f->st, &ba, &os, &n), ST_OK);
    assert_int_equal(n, 3); /* itself and both partners */
    org_list_free(os, n);
}

static void exec_raw(fx_t *f, const char *sql)
{
    assert_int_equal(db_exec(store_db(f->st), sql), DB_OK);
}

static void test_audit_chain(void **state)
{
    fx_t *f = *state;
    mk_world(f);
    int64_t count, bad;
    assert_int_equal(store_audit_verify(f->st, &count, &bad), ST_OK);
    /* catalog + 4 orgs + 3 users + 2 connections */
    assert_int_equal(count, 10);
    audit_row_t *rows;
    size_t n;
    audit_filter_t flt = { .object_type = "org" };
    assert_int_equal(store_audit_log(f->st, &f->sys, &flt, &rows, &n), ST_OK);
    assert_int_equal(n, 4);
    assert_string_equal(rows[0].action, "org.create");
    audit_row_list_free(rows, n);
    /* Non-operators see their own organization's events only: none here
     * (the operator did everything). */
    actor_t pa;
    assert_int_equal(store_actor(f->st, "partner-admin", &pa), ST_OK);
    assert_int_equal(store_audit_log(f->st, &pa, NULL, &rows, &n), ST_OK);
    assert_int_equal(n, 0);
    audit_row_list_free(rows, n);
    /* No password or hash in the trail. */
    assert_int_equal(store_audit_log(f->st, &f->sys, NULL, &rows, &n), ST_OK);
    for (size_t i = 0; i < n; i++) {
        assert_null(strstr(rows[i].after ? rows[i].after : "", "argon2"));
        assert_null(strstr(rows[i].after ? rows[i].after : "", "correct horse"));
    }
    audit_row_list_free(rows, n);

    /* Edit behind the application's back. */
    exec_raw(f, "UPDATE audit_events SET after_json = '{\"kind\":\"bank\",\"name\":\"x\"}' "
                "WHERE seq = 3");
    assert_int_equal(store_audit_verify(f->st, &count, &bad), ST_INVALID);
    assert_int_equal(bad, 3);
    assert_int_equal(count, 2);
    assert_non_null(strstr(store_errmsg(f->st), "3"));
}

static void test_audit_delete_reorder(void **state)
{
    fx_t *f = *state;
    mk_world(f);
    int64_t count, bad;
    exec_raw(f, "DELETE FROM audit_events WHERE seq = 5");
    assert_int_equal(store_audit_verify(f->st, &count, &bad), ST_INVALID);
    assert_int_equal(bad, 6);
    /* Put it back? No: reorder two others in a fresh world instead. */
    store_close(f->st);
    if (!f->pg)
        tu_sqlite_unlink(f->url);
    else
        (void)tu_pg_fresh_schema(f->url, PG_SCHEMA);
    f->st = tu_store_open(f->url, f->pg, PG_SCHEMA, true);
    mk_world(f);
    exec_raw(f, "UPDATE audit_events SET seq = 1000 WHERE seq = 7");
    exec_raw(f, "UPDATE audit_events SET seq = 7 WHERE seq = 8");
    exec_raw(f, "UPDATE audit_events SET seq = 8 WHERE seq = 1000");
    assert_int_equal(store_audit_verify(f->st, &count, &bad), ST_INVALID);
    assert_int_equal(bad, 7);
}

int main(void)
{
    const struct CMUnitTest sqlite_tests[] = {
        cmocka_unit_test_setup_teardown(test_open_and_catalog, setup_sqlite, teardown),
        cmocka_unit_test_setup_teardown(test_orgs_users, setup_sqlite, teardown),
        cmocka_unit_test_setup_teardown(test_connections_tenants, setup_sqlite, teardown),
        cmocka_unit_test_setup_teardown(test_audit_chain, setup_sqlite, teardown),
        cmocka_unit_test_setup_teardown(test_audit_delete_reorder, setup_sqlite, teardown),
    };
    const struct CMUnitTest pg_tests[] = {
        cmocka_unit_test_setup_teardown(test_open_and_catalog, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_orgs_users, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_connections_tenants, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_audit_chain, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_audit_delete_reorder, setup_pg, teardown),
    };
    return TU_RUN_ENGINES("store", sqlite_tests, pg_tests);
}
