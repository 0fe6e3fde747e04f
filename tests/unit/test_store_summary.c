/* The web pages' helpers in the store (store_summary.c) on SQLite and, when
 * APICHECK_TEST_PG is set, on PostgreSQL: the dashboard's counts per
 * assessment, side, status, 区分, evaluation and plan, tenant-filtered; the
 * same with a bank's selection; every answer's version in one query;
 * uploads kept by SHA-256.  Also the pure arithmetic and markup of the SVG
 * charts (web/pages/chart.h). */
#include "testutil.h"

#include "db/store.h"
#include "formats/builtin.h"
#include "util/buf.h"
#include "util/i18n.h"
#include "util/xmem.h"
#include "web/pages/chart.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PG_SCHEMA "apicheck_summary_unit"

typedef struct fx {
    bool pg;
    char url[1024];
    store_t *st;
    actor_t sys;
    int64_t bank, bank2, partner, partner2, conn, conn2;
} fx_t;

static void mk_user(fx_t *f, const char *login, int64_t org, role_t role, bool op)
{
    user_t u = { 0 };
    u.login = (char *)login;
    u.role = role;
    u.org_id = org;
    u.is_operator = op;
    assert_int_equal(store_user_create(f->st, &f->sys, &u, NULL, NULL), ST_OK);
}

static int setup(void **state, bool pg)
{
    fx_t *f = xcalloc(1, sizeof *f);
    f->pg = pg;
    if (tu_engine_url(pg, "summary", PG_SCHEMA, f->url, sizeof f->url) != 0) {
        free(f);
        return -1;
    }
    i18n_set(LANG_EN);
    f->st = tu_store_open(f->url, pg, PG_SCHEMA, true);
    f->sys = store_system_actor();
    store_t *st = f->st;
    assert_int_equal(store_org_create(st, &f->sys, ORG_BANK, "みらい銀行", NULL, &f->bank), ST_OK);
    assert_int_equal(store_org_create(st, &f->sys, ORG_BANK, "あおば銀行", NULL, &f->bank2), ST_OK);
    assert_int_equal(store_org_create(st, &f->sys, ORG_PARTNER, "かけいぼ", NULL, &f->partner),
                     ST_OK);
    assert_int_equal(store_org_create(st, &f->sys, ORG_PARTNER, "よそぺい", NULL, &f->partner2),
                     ST_OK);
    mk_user(f, "b-admin", f->bank, ROLE_ADMIN, false);
    mk_user(f, "b-rev", f->bank, ROLE_REVIEWER, false);
    mk_user(f, "b-ed", f->bank, ROLE_EDITOR, false);
    mk_user(f, "p-ed", f->partner, ROLE_EDITOR, false);
    mk_user(f, "b2-admin", f->bank2, ROLE_ADMIN, false);
    mk_user(f, "p2-ed", f->partner2, ROLE_EDITOR, false);
    mk_user(f, "op", 0, ROLE_ADMIN, true);
    assert_int_equal(store_connection_create(st, &f->sys, f->bank, f->partner, "read", &f->conn),
                     ST_OK);
    assert_int_equal(store_connection_create(st, &f->sys, f->bank2, f->partner2, "write",
                                             &f->conn2),
                     ST_OK);
    *state = f;
    return 0;
}

static int setup_sqlite(void **state) { return setup(state, false); }
static int setup_pg(void **state) { return setup(state, true); }

static int teardown(void **state)
{
    fx_t *f = *state;
    store_close(f->st);
    if (!f->pg)
        tu_sqlite_unlink(f->url);
    free(f);
    return 0;
}

static actor_t who(fx_t *f, const char *login)
{
    actor_t a;
    assert_int_equal(store_actor(f->st, login, &a), ST_OK);
    return a;
}

static int64_t open_round(fx_t *f, const char *login, int64_t conn, const char *round)
{
    actor_t a = who(f, login);
    assessment_open_opt_t o = { .round = round, .due = "2026-06-30" };
    int64_t id = 0;
    assert_int_equal(store_assessment_open(f->st, &a, conn, BUILTIN_CATALOG_ID, &o, &id), ST_OK);
    return id;
}

static void save(fx_t *f, const char *login, int64_t aid, int no, side_t side, status_t s,
                 const char *text)
{
    actor_t a = who(f, login);
    answer_t cur;
    int64_t ver = 0;
    assert_int_equal(store_answer_get(f->st, &a, aid, no, side, &cur, &ver), ST_OK);
    store_answer_clear(&cur);
    answer_t x = { .no = no, .side = side, .status = s, .current = (char *)text };
    int rc = store_answer_save(f->st, &a, aid, &x, ver, NULL);
    if (rc)
        fprintf(stderr, "save %d: %s\n", no, store_errmsg(f->st));
    assert_int_equal(rc, ST_OK);
}

static const assessment_summary_t *find(const assessment_summary_t *v, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].a.id == id)
            return &v[i];
    return NULL;
}

/* The dashboard of an actor on `today`: every row (no paging). */
static int dash(fx_t *f, const actor_t *a, const char *today, dashboard_t *d)
{
    dashboard_opt_t o = { .today = today, .limit = STORE_DASHBOARD_ROWS_MAX,
                          .pending = true, .per_bank = true };
    return store_dashboard(f->st, a, &o, d);
}

/* ---- dashboard -------------------------------------------------------- */

static void test_dashboard(void **state)
{
    fx_t *f = *state;
    int64_t a1 = open_round(f, "b-ed", f->conn, "2025年度");
    int64_t x1 = open_round(f, "b2-admin", f->conn2, "2025年度");
    save(f, "p-ed", a1, 1, SIDE_PARTNER, STATUS_DONE, "規程あり");
    save(f, "p-ed", a1, 2, SIDE_PARTNER, STATUS_PARTIAL, NULL);
    save(f, "p-ed", a1, 9, SIDE_PARTNER, STATUS_TODO, NULL);
    save(f, "p-ed", a1, 3, SIDE_PARTNER, STATUS_UNSET, "状況だけ");
    save(f, "b-ed", a1, 39, SIDE_BANK, STATUS_DONE, NULL);
    save(f, "b-ed", a1, 9, SIDE_BANK, STATUS_NA, NULL);
    save(f, "p2-ed", x1, 1, SIDE_PARTNER, STATUS_DONE, NULL);
    actor_t pe = who(f, "p-ed"), be = who(f, "b-ed"), br = who(f, "b-rev");
    assert_int_equal(store_plan_add(f->st, &pe, a1, 9, SIDE_PARTNER, "WAF", NULL, "2020-01-31", NULL),
                     ST_OK);
    assert_int_equal(store_plan_add(f->st, &be, a1, 39, SIDE_BANK, "監視", NULL, "2099-12-31", NULL),
                     ST_OK);
    assert_int_equal(store_assessment_step(f->st, &pe, a1, ACT_SUBMIT, NULL), ST_OK);
    assert_int_equal(store_review_set(f->st, &br, a1, 1, EVAL_OK, NULL), ST_OK);
    assert_int_equal(store_review_set(f->st, &br, a1, 2, EVAL_NG, NULL), ST_OK);

    dashboard_t d;
    actor_t ba = who(f, "b-admin");
    assert_int_equal(dash(f, &ba, "2026-01-01", &d), ST_OK);
    assert_int_equal(d.nrows, 1);
    assert_int_equal(d.total, 1);
    assert_int_equal(d.matching, 1);
    const assessment_summary_t *s = find(d.rows, d.nrows, a1);
    assert_non_null(s);
    assert_string_equal(s->a.partner_name, "かけいぼ");
    assert_int_equal(s->a.state, WF_IN_REVIEW);
    assert_int_equal(s->items, 45);
    /* The built-in catalog: 30 partner items, 6 bank, 9 common. */
    assert_int_equal(s->slots[SIDE_PARTNER], 39);
    assert_int_equal(s->slots[SIDE_BANK], 15);
    assert_int_equal(s->status[SIDE_PARTNER][STATUS_DONE], 1);
    assert_int_equal(s->status[SIDE_PARTNER][STATUS_PARTIAL], 1);
    assert_int_equal(s->status[SIDE_PARTNER][STATUS_TODO], 1);
    assert_int_equal(s->status[SIDE_PARTNER][STATUS_NA], 0);
    assert_int_equal(s->status[SIDE_PARTNER][STATUS_UNSET], 36); /* item 3 has text only */
    assert_int_equal(s->status[SIDE_BANK][STATUS_DONE], 1);
    assert_int_equal(s->status[SIDE_BANK][STATUS_NA], 1);
    assert_int_equal(s->status[SIDE_BANK][STATUS_UNSET], 13);
    assert_int_equal(s->eval[EVAL_OK], 1);
    assert_int_equal(s->eval[EVAL_NG], 1);
    assert_int_equal(s->eval[EVAL_UNRATED], 43);
    assert_int_equal(s->plans_open, 2);
    assert_int_equal(s->plans_overdue, 1);
    /* Categories: in item order, slots adding up, item 1's first. */
    assert_true(s->ncats >= 2);
    assert_int_equal(s->cats[0].first_no, 1);
    int slots = 0, answered = 0;
    for (size_t i = 0; i < s->ncats; i++) {
        slots += s->cats[i].slots[SIDE_PARTNER];
        answered += s->cats[i].answered[SIDE_PARTNER];
        if (i)
            assert_true(s->cats[i].first_no > s->cats[i - 1].first_no);
    }
    assert_int_equal(slots, 39);
    assert_int_equal(answered, 3);
    /* The totals of one assessment are its counts. */
    assert_int_equal(d.by_state[WF_IN_REVIEW], 1);
    assert_int_equal(d.overdue, 0);
    assert_int_equal(d.plans_open, 2);
    assert_int_equal(d.plans_overdue, 1);
    assert_memory_equal(d.status, s->status, sizeof d.status);
    assert_int_equal(d.ncats, s->ncats);
    for (size_t i = 0; i < d.ncats; i++) {
        assert_string_equal(d.cats[i].category, s->cats[i].category);
        assert_memory_equal(d.cats[i].slots, s->cats[i].slots, sizeof d.cats[i].slots);
        assert_memory_equal(d.cats[i].answered, s->cats[i].answered, sizeof d.cats[i].answered);
    }
    assert_int_equal(d.npending, 0); /* in review: not the partner's turn */
    assert_int_equal(d.nbanks, 1);
    assert_int_equal(d.banks[0].partners_todo, 1);
    dashboard_free(&d);

    /* The partner sees the same assessment; the other bank only its own;
     * an operator both. */
    assert_int_equal(dash(f, &pe, "2026-01-01", &d), ST_OK);
    assert_int_equal(d.nrows, 1);
    assert_int_equal(d.rows[0].a.id, a1);
    assert_int_equal(d.rows[0].status[SIDE_PARTNER][STATUS_DONE], 1);
    dashboard_free(&d);
    actor_t b2 = who(f, "b2-admin");
    assert_int_equal(dash(f, &b2, "2026-01-01", &d), ST_OK);
    assert_int_equal(d.nrows, 1);
    assert_int_equal(d.total, 1);
    assert_int_equal(d.rows[0].a.id, x1);
    assert_int_equal(d.rows[0].status[SIDE_PARTNER][STATUS_DONE], 1);
    assert_int_equal(d.rows[0].plans_open, 0);
    assert_int_equal(d.status[SIDE_PARTNER][STATUS_DONE], 1);
    assert_int_equal(d.status[SIDE_PARTNER][STATUS_TODO], 0);
    assert_int_equal(d.plans_open, 0);
    /* Its partner has not answered: the assessment is pending for it. */
    dashboard_free(&d);
    actor_t p2 = who(f, "p2-ed");
    assert_int_equal(dash(f, &p2, "2026-01-01", &d), ST_OK);
    assert_int_equal(d.npending, 1);
    assert_int_equal(d.pending[0].a.id, x1);
    assert_int_equal(d.pending[0].status[SIDE_PARTNER][STATUS_UNSET], 38);
    dashboard_free(&d);
    actor_t op = who(f, "op");
    assert_int_equal(dash(f, &op, "2026-01-01", &d), ST_OK);
    assert_int_equal(d.nrows, 2);
    assert_int_equal(d.total, 2);
    assert_non_null(find(d.rows, d.nrows, a1));
    assert_non_null(find(d.rows, d.nrows, x1));
    assert_int_equal(d.status[SIDE_PARTNER][STATUS_DONE], 2);
    assert_int_equal(d.status[SIDE_PARTNER][STATUS_UNSET], 2 * 39 - 4);
    assert_int_equal(d.nbanks, 2);
    dashboard_free(&d);
    /* Before the plan's due date nothing is overdue; after the
     * assessments' due date both are. */
    assert_int_equal(dash(f, &ba, "2020-01-01", &d), ST_OK);
    assert_int_equal(d.rows[0].plans_overdue, 0);
    assert_int_equal(d.plans_overdue, 0);
    dashboard_free(&d);
    assert_int_equal(dash(f, &op, "2026-07-01", &d), ST_OK);
    assert_int_equal(d.overdue, 2);
    assert_int_equal(d.nbanks, 2);
    assert_int_equal(d.banks[0].overdue + d.banks[1].overdue, 2);
    dashboard_free(&d);
    assert_int_equal(dash(f, &ba, "2026-07-01", &d), ST_OK);
    assert_int_equal(d.overdue, 1);
    assert_int_equal(d.banks[0].total, 1);
    assert_int_equal(d.banks[0].overdue, 1);
    dashboard_free(&d);
    assert_int_equal(dash(f, &ba, "tomorrow", &d), ST_INVALID);
    assert_null(d.rows);
    dashboard_opt_t bad = { .today = "2026-01-01", .limit = STORE_DASHBOARD_ROWS_MAX + 1 };
    assert_int_equal(store_dashboard(f->st, &ba, &bad, &d), ST_INVALID);
}

/* Rows come a page at a time, newest first, narrowed by state; the totals
 * always cover everything. */
static void test_dashboard_pages(void **state)
{
    fx_t *f = *state;
    int64_t ids[5];
    for (int i = 0; i < 5; i++) {
        char round[32];
        snprintf(round, sizeof round, "%d年度", 2020 + i);
        ids[i] = open_round(f, "b-ed", f->conn, round);
        save(f, "p-ed", ids[i], 1, SIDE_PARTNER, STATUS_DONE, NULL);
    }
    actor_t pe = who(f, "p-ed"), ba = who(f, "b-admin");
    assert_int_equal(store_assessment_step(f->st, &pe, ids[1], ACT_SUBMIT, NULL), ST_OK);
    assert_int_equal(store_assessment_step(f->st, &pe, ids[3], ACT_SUBMIT, NULL), ST_OK);
    dashboard_t d;
    dashboard_opt_t o = { .today = "2026-01-01", .offset = 1, .limit = 2 };
    assert_int_equal(store_dashboard(f->st, &ba, &o, &d), ST_OK);
    assert_int_equal(d.total, 5);
    assert_int_equal(d.matching, 5);
    assert_int_equal(d.nrows, 2);
    assert_int_equal(d.rows[0].a.id, ids[3]);
    assert_int_equal(d.rows[1].a.id, ids[2]);
    assert_int_equal(d.rows[0].status[SIDE_PARTNER][STATUS_DONE], 1);
    assert_int_equal(d.rows[1].status[SIDE_PARTNER][STATUS_DONE], 1);
    assert_int_equal(d.status[SIDE_PARTNER][STATUS_DONE], 5);
    assert_int_equal(d.by_state[WF_SUBMITTED], 2);
    assert_int_equal(d.by_state[WF_DRAFT], 3);
    assert_null(d.pending);
    assert_null(d.banks);
    dashboard_free(&d);
    o = (dashboard_opt_t){ .today = "2026-01-01", .only = WF_SUBMITTED, .limit = 1, .offset = 1 };
    assert_int_equal(store_dashboard(f->st, &ba, &o, &d), ST_OK);
    assert_int_equal(d.matching, 2);
    assert_int_equal(d.nrows, 1);
    assert_int_equal(d.rows[0].a.id, ids[1]);
    assert_int_equal(d.rows[0].status[SIDE_PARTNER][STATUS_DONE], 1);
    dashboard_free(&d);
    /* Past the end: no rows, totals still there. */
    o = (dashboard_opt_t){ .today = "2026-01-01", .limit = 10, .offset = 10 };
    assert_int_equal(store_dashboard(f->st, &ba, &o, &d), ST_OK);
    assert_int_equal(d.nrows, 0);
    assert_int_equal(d.total, 5);
    dashboard_free(&d);
    /* The partner's pending ones: the drafts, by due date. */
    o = (dashboard_opt_t){ .today = "2026-01-01", .limit = 10, .pending = true };
    assert_int_equal(store_dashboard(f->st, &pe, &o, &d), ST_OK);
    assert_int_equal(d.npending, 3);
    for (size_t i = 0; i < d.npending; i++)
        assert_int_equal(d.pending[i].a.state, WF_DRAFT);
    assert_int_equal(d.pending[0].status[SIDE_PARTNER][STATUS_UNSET], 38);
    dashboard_free(&d);
    /* The totals follow every change of a status (answer_counts, kept by
     * triggers): done → todo → none, for the bank, the partner and an
     * operator alike. */
    save(f, "p-ed", ids[0], 1, SIDE_PARTNER, STATUS_TODO, NULL);
    save(f, "p-ed", ids[2], 1, SIDE_PARTNER, STATUS_UNSET, "まだ");
    const char *who_sees[] = { "b-admin", "p-ed", "op" };
    for (size_t w = 0; w < 3; w++) {
        actor_t x = who(f, who_sees[w]);
        o = (dashboard_opt_t){ .today = "2026-01-01", .per_bank = true };
        assert_int_equal(store_dashboard(f->st, &x, &o, &d), ST_OK);
        assert_int_equal(d.status[SIDE_PARTNER][STATUS_DONE], 3);
        assert_int_equal(d.status[SIDE_PARTNER][STATUS_TODO], 1);
        assert_int_equal(d.status[SIDE_PARTNER][STATUS_UNSET], 5 * 39 - 4);
        assert_int_equal(d.cats[0].answered[SIDE_PARTNER], 4);
        assert_int_equal(d.nbanks, 1);
        assert_int_equal(d.banks[0].partners_todo, 1);
        assert_int_equal(d.banks[0].total, 5);
        assert_int_equal(d.by_state[WF_SUBMITTED], 2);
        assert_int_equal(d.by_state[WF_DRAFT], 3);
        dashboard_free(&d);
    }
    /* Another tenant sees none of it. */
    actor_t b2 = who(f, "b2-admin");
    o = (dashboard_opt_t){ .today = "2026-01-01", .limit = 10, .pending = true, .per_bank = true };
    assert_int_equal(store_dashboard(f->st, &b2, &o, &d), ST_OK);
    assert_int_equal(d.total, 0);
    assert_int_equal(d.nrows, 0);
    assert_int_equal(d.status[SIDE_PARTNER][STATUS_DONE], 0);
    assert_int_equal(d.nbanks, 0);
    dashboard_free(&d);
}

static void test_dashboard_selection(void **state)
{
    fx_t *f = *state;
    actor_t ba = who(f, "b-admin");
    static const int pick[] = { 1, 2, 9, 39 };
    catalog_t *own = catalog_new();
    item_t *it = catalog_add_item(own);
    it->category = xstrdup("銀行独自");
    it->objective = xstrdup("不正送金の検知結果を銀行に共有する。");
    it->target = TARGET_PARTNER;
    int64_t sel = 0;
    int ver = 0;
    assert_int_equal(store_selection_create(f->st, &ba, f->bank, BUILTIN_CATALOG_ID, "read", pick,
                                            4, own, &sel, &ver),
                     ST_OK);
    catalog_free(own);
    int64_t a1 = open_round(f, "b-ed", f->conn, "2026年度");
    save(f, "p-ed", a1, 46, SIDE_PARTNER, STATUS_DONE, NULL);
    save(f, "p-ed", a1, 9, SIDE_PARTNER, STATUS_TODO, NULL);
    dashboard_t d;
    assert_int_equal(dash(f, &ba, "2026-01-01", &d), ST_OK);
    assert_int_equal(d.nrows, 1);
    const assessment_summary_t *v = d.rows;
    assert_int_equal(v[0].items, 5);
    assert_int_equal(v[0].slots[SIDE_PARTNER], 4); /* 1, 2, 9, 46 */
    assert_int_equal(v[0].slots[SIDE_BANK], 2);    /* 9, 39 */
    assert_int_equal(v[0].status[SIDE_PARTNER][STATUS_DONE], 1);
    assert_int_equal(v[0].status[SIDE_PARTNER][STATUS_TODO], 1);
    assert_int_equal(v[0].status[SIDE_PARTNER][STATUS_UNSET], 2);
    const summary_cat_t *last = &v[0].cats[v[0].ncats - 1];
    assert_string_equal(last->category, "銀行独自");
    assert_int_equal(last->first_no, 46);
    assert_int_equal(last->answered[SIDE_PARTNER], 1);
    assert_int_equal(d.status[SIDE_PARTNER][STATUS_UNSET], 2);
    assert_string_equal(d.cats[d.ncats - 1].category, "銀行独自");
    assert_int_equal(d.cats[d.ncats - 1].slots[SIDE_PARTNER], 1);
    dashboard_free(&d);
}

/* ---- answer_counts stays exact ------------------------------------------ */

/* Every row of a query of seven columns, one line each. */
static char *rows_text(fx_t *f, const char *sql)
{
    db_t *db = store_db(f->st);
    db_stmt_t *s = db_prepare(db, sql);
    assert_non_null(s);
    buf_t b = { 0 };
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        for (int c = 0; c < 7; c++)
            buf_printf(&b, "%s%s", c ? "|" : "", db_col_text(s, c));
        buf_addc(&b, '\n');
    }
    assert_int_equal(rc, DB_DONE);
    db_finalize(s);
    return buf_take(&b);
}

/* Hundreds of saves that move statuses every way (set, change, clear,
 * both sides, three assessments, one of them on a bank's selection) keep
 * answer_counts equal to a count of the answers themselves. */
static void test_counts_exact(void **state)
{
    fx_t *f = *state;
    actor_t ba = who(f, "b-admin");
    static const int pick[] = { 1, 2, 3, 9, 39 };
    int64_t sel = 0;
    int ver = 0;
    assert_int_equal(store_selection_create(f->st, &ba, f->bank, BUILTIN_CATALOG_ID, "read", pick,
                                            5, NULL, &sel, &ver),
                     ST_OK);
    int64_t aid[3] = { open_round(f, "b-ed", f->conn, "2025年度"),
                       open_round(f, "b2-admin", f->conn2, "2025年度"),
                       open_round(f, "b-ed", f->conn, "2026年度") };
    const char *partner_of[3] = { "p-ed", "p2-ed", "p-ed" };
    const char *bank_of[3] = { "b-ed", "b2-admin", "b-ed" };
    unsigned seed = 20261126;
    int saved = 0;
    for (int i = 0; i < 1000; i++) {
        seed = seed * 1103515245u + 12345u;
        int w = (int)(seed >> 8) % 3;
        int no = 1 + (int)(seed >> 12) % 45;
        side_t side = (seed >> 20) & 1 ? SIDE_BANK : SIDE_PARTNER;
        status_t st = (status_t)((seed >> 22) % 5); /* STATUS_UNSET … STATUS_NA */
        actor_t a = who(f, side == SIDE_BANK ? bank_of[w] : partner_of[w]);
        answer_t cur;
        int64_t v = 0;
        if (store_answer_get(f->st, &a, aid[w], no, side, &cur, &v) != ST_OK)
            continue; /* not an item of this assessment or not this side's */
        store_answer_clear(&cur);
        answer_t x = { .no = no, .side = side, .status = st, .current = "回答" };
        int rc = store_answer_save(f->st, &a, aid[w], &x, v, NULL);
        if (rc != ST_OK && rc != ST_WRONG_SIDE)
            fprintf(stderr, "save %d/%d: %d %s\n", w, no, rc, store_errmsg(f->st));
        assert_true(rc == ST_OK || rc == ST_WRONG_SIDE); /* the item's target decides */
        saved += rc == ST_OK;
    }
    assert_true(saved > 200);
    char *kept = rows_text(f, "SELECT org_id, catalog_id, selection_id, item_no, side, status, n"
                              " FROM answer_counts WHERE n > 0 ORDER BY 1, 2, 3, 4, 5, 6");
    char *counted = rows_text(
        f, "SELECT o.id, a.catalog_id, COALESCE(a.selection_id, 0), x.item_no, x.side,"
           " x.status, count(*) FROM answers x JOIN assessments a ON a.id = x.assessment_id"
           " JOIN connections c ON c.id = a.connection_id"
           " JOIN organizations o ON o.id IN (c.bank_id, c.partner_id)"
           " WHERE x.status IS NOT NULL"
           " GROUP BY o.id, a.catalog_id, COALESCE(a.selection_id, 0), x.item_no, x.side, x.status"
           " ORDER BY 1, 2, 3, 4, 5, 6");
    assert_true(strlen(counted) > 100);
    assert_string_equal(kept, counted);
    free(kept);
    free(counted);
    /* Each save's audit event followed the one before it (a save reads the
     * chain's head with its answer) and names its own author. */
    int64_t n = 0, bad = -1;
    assert_int_equal(store_audit_verify(f->st, &n, &bad), ST_OK);
    assert_int_equal(bad, 0);
    assert_true(n > saved);
    db_stmt_t *s = db_prepare(store_db(f->st),
                              "SELECT count(*) FROM audit_events e JOIN users u"
                              " ON u.id = e.user_id WHERE e.user_login <> u.login"
                              " OR e.user_login IS NULL");
    assert_int_equal(db_step(s), DB_ROW);
    assert_int_equal(db_col_int64(s, 0), 0);
    db_finalize(s);
}

/* ---- answer versions -------------------------------------------------- */

static void test_answer_versions(void **state)
{
    fx_t *f = *state;
    int64_t a1 = open_round(f, "b-ed", f->conn, "2025年度");
    save(f, "p-ed", a1, 1, SIDE_PARTNER, STATUS_DONE, "一");
    save(f, "p-ed", a1, 1, SIDE_PARTNER, STATUS_DONE, "二");
    save(f, "b-ed", a1, 39, SIDE_BANK, STATUS_DONE, NULL);
    actor_t pe = who(f, "p-ed"), p2 = who(f, "p2-ed"), b2 = who(f, "b2-admin");
    answer_version_t *v = NULL;
    size_t n = 0;
    assert_int_equal(store_answer_versions(f->st, &pe, a1, &v, &n), ST_OK);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].no, 1);
    assert_int_equal(v[0].side, SIDE_PARTNER);
    assert_int_equal(v[0].version, 2);
    assert_int_equal(v[1].no, 39);
    assert_int_equal(v[1].side, SIDE_BANK);
    assert_int_equal(v[1].version, 1);
    free(v);
    assert_int_equal(store_answer_versions(f->st, &p2, a1, &v, &n), ST_NOT_FOUND);
    assert_null(v);
    assert_int_equal(store_answer_versions(f->st, &b2, a1, &v, &n), ST_NOT_FOUND);
    assert_int_equal(store_answer_versions(f->st, &pe, 999999, &v, &n), ST_NOT_FOUND);
}

/* ---- uploads ---------------------------------------------------------- */

static void test_upload(void **state)
{
    fx_t *f = *state;
    actor_t pe = who(f, "p-ed");
    const char data[] = "PK\x03\x04\0binary\xff\xfe data";
    char sha[65], sha2[65];
    assert_int_equal(store_upload_put(f->st, &pe, data, sizeof data, sha), ST_OK);
    assert_int_equal(strlen(sha), 64);
    assert_int_equal(store_upload_put(f->st, &pe, data, sizeof data, sha2), ST_OK);
    assert_string_equal(sha, sha2);
    char *got = NULL;
    size_t len = 0;
    actor_t b2 = who(f, "b2-admin");
    assert_int_equal(store_upload_get(f->st, &b2, sha, &got, &len), ST_OK);
    assert_int_equal(len, sizeof data);
    assert_memory_equal(got, data, len);
    free(got);
    assert_int_equal(store_upload_get(f->st, &pe, "0000000000000000000000000000000000000000000000000000000000000000", &got, &len),
                     ST_NOT_FOUND);
    assert_int_equal(store_upload_get(f->st, &pe, "../../etc/passwd", &got, &len), ST_NOT_FOUND);
    assert_int_equal(store_upload_get(f->st, &pe, NULL, &got, &len), ST_NOT_FOUND);
    assert_null(got);
    char *big = xcalloc(STORE_UPLOAD_MAX + 1u, 1);
    assert_int_equal(store_upload_put(f->st, &pe, big, STORE_UPLOAD_MAX + 1u, sha), ST_INVALID);
    free(big);
    assert_int_equal(store_upload_put(f->st, &pe, "", 0, sha), ST_OK);
    assert_int_equal(store_upload_get(f->st, &pe, sha, &got, &len), ST_OK);
    assert_int_equal(len, 0);
    free(got);
    actor_t nobody = { 0 };
    assert_int_equal(store_upload_put(f->st, &nobody, data, sizeof data, sha), ST_FORBIDDEN);
}

/* ---- charts ----------------------------------------------------------- */

static int sum(const int *v, size_t n)
{
    int s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    return s;
}

static void test_chart_widths(void **state)
{
    (void)state;
    int out[8];
    const int thirds[] = { 1, 1, 1 };
    chart_widths(thirds, 3, 100, out);
    assert_int_equal(sum(out, 3), 100);
    assert_int_equal(out[0], 34);
    assert_int_equal(out[1], 33);
    const int zeros[] = { 0, 0 };
    chart_widths(zeros, 2, 100, out);
    assert_int_equal(out[0] + out[1], 0);
    const int gap[] = { 5, 0, 5 };
    chart_widths(gap, 3, 3, out);
    assert_int_equal(sum(out, 3), 3);
    assert_int_equal(out[1], 0);
    const int neg[] = { -5, 10 };
    chart_widths(neg, 2, 50, out);
    assert_int_equal(out[0], 0);
    assert_int_equal(out[1], 50);
    const int skew[] = { 1, 1000000, 1 };
    chart_widths(skew, 3, 160, out);
    assert_int_equal(sum(out, 3), 160);
    const int big[] = { 2000000000, 2000000000 };
    chart_widths(big, 2, 600, out);
    assert_int_equal(out[0], 300);
    assert_int_equal(chart_percent(1, 3), 33);
    assert_int_equal(chart_percent(5, 0), 0);
    assert_int_equal(chart_percent(7, 5), 100);
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static void test_chart_markup(void **state)
{
    (void)state;
    buf_t b = BUF_INIT(1 << 20);
    html_t h;
    html_init(&h, &b);
    chart_seg_t segs[] = { { 3, "s-done", "<b>done</b>" }, { 1, "s-todo", "todo" } };
    chart_stacked_bar(&h, segs, 2, 160, 12, "a \"label\" <script>");
    chart_bar_t bars[] = { { "区分<1>", 2, 4 }, { "empty", 0, 0 }, { "over", 9, 3 } };
    chart_progress_bars(&h, bars, 3, "bars");
    chart_strip(&h, bars, 3, "strip");
    assert_false(html_failed(&h));
    const char *s = buf_str(&b);
    assert_int_equal(count(s, "<svg "), 3);
    assert_int_equal(count(s, "</svg>"), 3);
    assert_int_equal(count(s, "<rect "), count(s, "</rect>"));
    assert_int_equal(count(s, "<text "), count(s, "</text>"));
    assert_int_equal(count(s, "<title>"), count(s, "</title>"));
    assert_non_null(strstr(s, "viewbox=\"0 0 160 12\""));
    assert_null(strstr(s, "<script"));
    assert_null(strstr(s, "<b>"));
    assert_non_null(strstr(s, "&lt;script&gt;"));
    assert_non_null(strstr(s, "区分&lt;1&gt;"));
    assert_non_null(strstr(s, "width=\"120\" height=\"12\" class=\"s-done\""));
    assert_non_null(strstr(s, "100% (9/3)"));
    buf_free(&b);
}

#define ALL(setup_fn)                                                                    \
    {                                                                                    \
        cmocka_unit_test_setup_teardown(test_dashboard, setup_fn, teardown),             \
        cmocka_unit_test_setup_teardown(test_dashboard_pages, setup_fn, teardown),       \
        cmocka_unit_test_setup_teardown(test_dashboard_selection, setup_fn, teardown),   \
        cmocka_unit_test_setup_teardown(test_counts_exact, setup_fn, teardown),          \
        cmocka_unit_test_setup_teardown(test_answer_versions, setup_fn, teardown),       \
        cmocka_unit_test_setup_teardown(test_upload, setup_fn, teardown),                \
    }

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_chart_widths),
        cmocka_unit_test(test_chart_markup),
    };
    int failed = cmocka_run_group_tests_name("chart", pure, NULL, NULL);
    const struct CMUnitTest sqlite_tests[] = ALL(setup_sqlite);
    const struct CMUnitTest pg_tests[] = ALL(setup_pg);
    return failed + TU_RUN_ENGINES("store-summary", sqlite_tests, pg_tests);
}
