/* The store's assessment half (store_assessment.c) on SQLite (a fresh file
 * under build/tmp per test) and, when APICHECK_TEST_PG is set, on
 * PostgreSQL (a fresh schema per test): the whole round between a bank and
 * a partner, every illegal transition and forbidden edit, the permission
 * matrix with tenant isolation, optimistic concurrency, profiles, the
 * previous round carried over by item, a bank's selection, import all or
 * nothing, remediation plans — and exactly one audit event per write.
 *
 * APICHECK_STORE_BENCH=N additionally times N answer saves on each engine
 * (test_bench_saves). */
#include "testutil.h"

#include "db/store.h"
#include "formats/builtin.h"
#include "util/i18n.h"
#include "util/xmem.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PG_SCHEMA "apicheck_asm_unit"

typedef struct fx {
    bool pg;
    char url[1024];
    store_t *st;
    actor_t sys;
    int64_t bank, bank2, partner, partner2;
    int64_t conn, conn2; /* bank × partner (read), bank2 × partner2 (write) */
} fx_t;

/* ---- fixture ---------------------------------------------------------- */

static const char *const role_names[] = { "", "viewer", "editor", "reviewer", "admin" };

static void mk_user(fx_t *f, const char *prefix, int64_t org, role_t role)
{
    char login[64];
    snprintf(login, sizeof login, "%s-%s", prefix, role_names[role]);
    user_t u = { 0 };
    u.login = login;
    u.role = role;
    u.org_id = org;
    /* No password: argon2id would only slow the tests down. */
    assert_int_equal(store_user_create(f->st, &f->sys, &u, NULL, NULL), ST_OK);
}

/* Two banks, two partners, a user of every role in each, an operator, and
 * one connection per bank. */
static void mk_world(fx_t *f)
{
    store_t *st = f->st;
    assert_int_equal(store_org_create(st, &f->sys, ORG_BANK, "みらい銀行", "0999", &f->bank), ST_OK);
    assert_int_equal(store_org_create(st, &f->sys, ORG_BANK, "あおば銀行", NULL, &f->bank2), ST_OK);
    assert_int_equal(store_org_create(st, &f->sys, ORG_PARTNER, "かけいぼ株式会社",
                                      "関東財務局長(電代)第1号", &f->partner),
                     ST_OK);
    assert_int_equal(store_org_create(st, &f->sys, ORG_PARTNER, "会計クラウド", NULL, &f->partner2),
                     ST_OK);
    for (role_t r = ROLE_VIEWER; r <= ROLE_ADMIN; r++) {
        mk_user(f, "b", f->bank, r);
        mk_user(f, "p", f->partner, r);
        mk_user(f, "b2", f->bank2, r);
        mk_user(f, "p2", f->partner2, r);
    }
    user_t op = { 0 };
    op.login = "op";
    op.role = ROLE_ADMIN;
    op.is_operator = true;
    assert_int_equal(store_user_create(st, &f->sys, &op, NULL, NULL), ST_OK);
    assert_int_equal(store_connection_create(st, &f->sys, f->bank, f->partner, "read", &f->conn),
                     ST_OK);
    assert_int_equal(store_connection_create(st, &f->sys, f->bank2, f->partner2, "write",
                                             &f->conn2),
                     ST_OK);
}

static int setup(void **state, bool pg)
{
    fx_t *f = xcalloc(1, sizeof *f);
    f->pg = pg;
    if (tu_engine_url(pg, "asm", PG_SCHEMA, f->url, sizeof f->url) != 0) {
        free(f);
        return -1;
    }
    i18n_set(LANG_EN);
    f->st = tu_store_open(f->url, pg, PG_SCHEMA, true);
    f->sys = store_system_actor();
    mk_world(f);
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

/* ---- helpers ------------------------------------------------------------ */

static actor_t who(fx_t *f, const char *login)
{
    actor_t a;
    int rc = store_actor(f->st, login, &a);
    if (rc != ST_OK)
        fprintf(stderr, "no actor %s: %s\n", login, store_errmsg(f->st));
    assert_int_equal(rc, ST_OK);
    return a;
}

/* The first column of the first row of a query with one optional integer
 * parameter. */
static int64_t q_int(fx_t *f, const char *sql, int64_t p1)
{
    db_t *db = store_db(f->st);
    db_stmt_t *s = db_prepare(db, sql);
    if (!s)
        fprintf(stderr, "%s: %s\n", sql, db_errmsg(db));
    assert_non_null(s);
    if (strstr(sql, "$1"))
        assert_int_equal(db_bind_int64(s, 1, p1), DB_OK);
    assert_int_equal(db_step(s), DB_ROW);
    int64_t v = db_col_int64(s, 0);
    db_finalize(s);
    return v;
}

static int64_t audit_n(fx_t *f)
{
    return q_int(f, "SELECT COUNT(*) FROM audit_events", 0);
}

/* Run a store call expecting rc; a success leaves exactly one audit event,
 * a refusal none. */
#define W(f, expect, call)                                                                  \
    do {                                                                                    \
        int64_t n0_ = audit_n(f);                                                           \
        int rc_ = (call);                                                                   \
        if (rc_ != (expect))                                                                \
            fprintf(stderr, "%s:%d: %s -> %d, expected %d (%s)\n", __FILE__, __LINE__,      \
                    #call, rc_, (int)(expect), store_errmsg((f)->st));                      \
        assert_int_equal(rc_, (expect));                                                    \
        assert_int_equal(audit_n(f), n0_ + (rc_ == ST_OK ? 1 : 0));                         \
    } while (0)

static int64_t open_as(fx_t *f, const char *login, int64_t conn, const char *catalog,
                       const char *round, int64_t previous, bool no_profile)
{
    actor_t a = who(f, login);
    assessment_open_opt_t o = { .round = round, .due = "2026-06-30", .previous_id = previous,
                                .no_profile = no_profile };
    int64_t id = 0;
    W(f, ST_OK, store_assessment_open(f->st, &a, conn, catalog ? catalog : BUILTIN_CATALOG_ID,
                                      &o, &id));
    assert_true(id > 0);
    return id;
}

static int64_t open_round(fx_t *f, const char *round)
{
    return open_as(f, "b-editor", f->conn, NULL, round, 0, false);
}

static int save_full(fx_t *f, const char *login, int64_t aid, int no, side_t side,
                     status_t status, const char *current, const char *due, int64_t base,
                     int64_t *nv)
{
    actor_t a = who(f, login);
    answer_t x = { .no = no, .side = side, .status = status, .current = (char *)current,
                   .plan = due ? "計画" : NULL, .due = (char *)due };
    return store_answer_save(f->st, &a, aid, &x, base, nv);
}

static int save(fx_t *f, const char *login, int64_t aid, int no, side_t side, const char *current,
                int64_t base)
{
    return save_full(f, login, aid, no, side, STATUS_DONE, current, NULL, base, NULL);
}

static int step(fx_t *f, const char *login, int64_t aid, wf_action_t act, const char *comment)
{
    actor_t a = who(f, login);
    return store_assessment_step(f->st, &a, aid, act, comment);
}

static int review(fx_t *f, const char *login, int64_t aid, int no, evaluation_t e)
{
    actor_t a = who(f, login);
    return store_review_set(f->st, &a, aid, no, e, NULL);
}

static int comment(fx_t *f, const char *login, int64_t aid, int no, const char *body)
{
    actor_t a = who(f, login);
    return store_comment_add(f->st, &a, aid, no, body);
}

static int read_as(fx_t *f, const char *login, int64_t aid)
{
    actor_t a = who(f, login);
    assessment_t x;
    int rc = store_assessment_get(f->st, &a, aid, &x);
    if (rc == ST_OK) {
        answerset_t *s = NULL;
        assert_int_equal(store_answers(f->st, &a, aid, &s), ST_OK);
        answerset_free(s);
    }
    assessment_clear(&x);
    return rc;
}

static assessment_t get_sys(fx_t *f, int64_t aid)
{
    assessment_t x;
    assert_int_equal(store_assessment_get(f->st, &f->sys, aid, &x), ST_OK);
    return x;
}

static wf_state_t state_of(fx_t *f, int64_t aid)
{
    assessment_t x = get_sys(f, aid);
    wf_state_t s = x.state;
    assessment_clear(&x);
    return s;
}

/* The stored current text (NULL when none) and version of an answer. */
static char *current_of(fx_t *f, int64_t aid, int no, side_t side, int64_t *version)
{
    answer_t x;
    int64_t v = 0;
    assert_int_equal(store_answer_get(f->st, &f->sys, aid, no, side, &x, &v), ST_OK);
    char *cur = x.current ? xstrdup(x.current) : NULL;
    store_answer_clear(&x);
    if (version)
        *version = v;
    return cur;
}

static void assert_current(fx_t *f, int64_t aid, int no, side_t side, const char *expect)
{
    char *cur = current_of(f, aid, no, side, NULL);
    if (!expect)
        assert_null(cur);
    else
        assert_string_equal(cur, expect);
    free(cur);
}

/* Bring a fresh assessment to state s with the usual actors. */
static int64_t asm_in_state(fx_t *f, const char *round, wf_state_t s)
{
    int64_t id = open_round(f, round);
    if (s == WF_DRAFT)
        return id;
    W(f, ST_OK, step(f, "p-editor", id, ACT_SUBMIT, NULL));
    if (s == WF_IN_REVIEW)
        W(f, ST_OK, step(f, "b-reviewer", id, ACT_START_REVIEW, NULL));
    else if (s == WF_RETURNED)
        W(f, ST_OK, step(f, "b-reviewer", id, ACT_RETURN, "直してください"));
    else if (s == WF_ACCEPTED)
        W(f, ST_OK, step(f, "b-reviewer", id, ACT_ACCEPT, NULL));
    assert_int_equal(state_of(f, id), s);
    return id;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the whole round ---------------------------------------------------- */

static void test_round_trip(void **state)
{
    fx_t *f = *state;
    int64_t id = open_round(f, "2026年度");
    assessment_t x = get_sys(f, id);
    assert_int_equal(x.state, WF_DRAFT);
    assert_int_equal(x.version, 1);
    assert_int_equal(x.connection_id, f->conn);
    assert_string_equal(x.round, "2026年度");
    assert_string_equal(x.due, "2026-06-30");
    assert_string_equal(x.scope, "read");
    assert_string_equal(x.bank_name, "みらい銀行");
    assert_string_equal(x.partner_name, "かけいぼ株式会社");
    assert_int_equal(x.selection_id, 0);
    assessment_clear(&x);

    /* The partner answers partner and 共通 items, the bank its side. */
    int64_t v1 = 0, v9 = 0, vb = 0;
    W(f, ST_OK, save_full(f, "p-editor", id, 1, SIDE_PARTNER, STATUS_PARTIAL, "責任者を任命済み",
                          "2026-09-30", 0, &v1));
    assert_int_equal(v1, 1);
    W(f, ST_OK, save_full(f, "p-admin", id, 9, SIDE_PARTNER, STATUS_DONE, "手順書あり\r\n訓練年1回",
                          NULL, 0, &v9));
    W(f, ST_OK, save_full(f, "b-editor", id, 9, SIDE_BANK, STATUS_DONE, "銀行側の手順", NULL, 0, &vb));
    W(f, ST_OK, save(f, "b-reviewer", id, 39, SIDE_BANK, "同意画面で確認", 0));
    assert_current(f, id, 9, SIDE_PARTNER, "手順書あり\n訓練年1回"); /* CRLF stored as LF */

    /* 提出 */
    W(f, ST_OK, step(f, "p-editor", id, ACT_SUBMIT, NULL));
    x = get_sys(f, id);
    assert_int_equal(x.state, WF_SUBMITTED);
    assert_int_equal(x.version, 2);
    assessment_clear(&x);
    assert_true(q_int(f, "SELECT COUNT(*) FROM assessments WHERE id = $1 AND submitted_at IS NOT NULL", id) == 1);

    /* The bank evaluates: the review starts. */
    actor_t br = who(f, "b-reviewer");
    W(f, ST_OK, store_review_set(f->st, &br, id, 1, EVAL_IMPROVE, "期限を明記してください"));
    W(f, ST_OK, store_review_set(f->st, &br, id, 9, EVAL_OK, NULL));
    x = get_sys(f, id);
    assert_int_equal(x.state, WF_IN_REVIEW);
    assert_int_equal(x.version, 3);
    assessment_clear(&x);

    /* 差戻し with a reason on the assessment's thread. */
    W(f, ST_OK, step(f, "b-reviewer", id, ACT_RETURN, "項目1を直してください"));
    x = get_sys(f, id);
    assert_int_equal(x.state, WF_RETURNED);
    assert_int_equal(x.version, 4);
    assessment_clear(&x);

    /* The partner fixes item 1 from the version it read. */
    int64_t cur = 0;
    char *c1 = current_of(f, id, 1, SIDE_PARTNER, &cur);
    assert_string_equal(c1, "責任者を任命済み");
    free(c1);
    assert_int_equal(cur, v1);
    W(f, ST_OK, save_full(f, "p-editor", id, 1, SIDE_PARTNER, STATUS_DONE, "責任者と範囲を文書化",
                          "2026-07-31", cur, &v1));
    assert_int_equal(v1, 2);
    W(f, ST_OK, step(f, "p-editor", id, ACT_SUBMIT, "直しました"));
    assert_int_equal(state_of(f, id), WF_SUBMITTED);
    W(f, ST_OK, step(f, "b-reviewer", id, ACT_START_REVIEW, NULL));
    assert_int_equal(state_of(f, id), WF_IN_REVIEW);
    W(f, ST_OK, store_review_set(f->st, &br, id, 1, EVAL_OK, NULL));
    W(f, ST_OK, step(f, "b-admin", id, ACT_ACCEPT, "承認します"));
    x = get_sys(f, id);
    assert_int_equal(x.state, WF_ACCEPTED);
    assert_int_equal(x.version, 7); /* evaluating in review is no workflow change */
    assessment_clear(&x);
    assert_true(q_int(f, "SELECT COUNT(*) FROM assessments WHERE id = $1 AND accepted_at IS NOT NULL", id) == 1);

    /* What the parties see afterwards. */
    actor_t pv = who(f, "p-viewer");
    review_t *rv;
    size_t n;
    assert_int_equal(store_reviews(f->st, &pv, id, &rv, &n), ST_OK);
    assert_int_equal(n, 2);
    assert_int_equal(rv[0].no, 1);
    assert_int_equal(rv[0].evaluation, EVAL_OK);
    assert_int_equal(rv[1].no, 9);
    free(rv);
    comment_t *cm;
    assert_int_equal(store_comments(f->st, &pv, id, 0, &cm, &n), ST_OK);
    assert_int_equal(n, 3);
    assert_string_equal(cm[0].body, "項目1を直してください");
    assert_string_equal(cm[0].author_login, "b-reviewer");
    assert_int_equal(cm[0].no, 0);
    assert_string_equal(cm[1].body, "直しました");
    assert_string_equal(cm[2].body, "承認します");
    comment_list_free(cm, n);
    assert_int_equal(store_comments(f->st, &pv, id, 1, &cm, &n), ST_OK);
    assert_int_equal(n, 1);
    assert_string_equal(cm[0].body, "期限を明記してください");
    assert_int_equal(cm[0].no, 1);
    comment_list_free(cm, n);
    assert_int_equal(store_comments(f->st, &pv, id, -1, &cm, &n), ST_OK);
    assert_int_equal(n, 4);
    comment_list_free(cm, n);

    answerset_t *s;
    assert_int_equal(store_answers(f->st, &pv, id, &s), ST_OK);
    assert_string_equal(s->catalog_id, BUILTIN_CATALOG_ID);
    assert_int_equal(s->n, 4);
    const answer_t *a1 = answerset_find(s, 1, SIDE_PARTNER);
    assert_non_null(a1);
    assert_int_equal(a1->status, STATUS_DONE);
    assert_string_equal(a1->due, "2026-07-31");
    assert_non_null(answerset_find(s, 9, SIDE_BANK));
    answerset_free(s);

    /* The chain still verifies, and the events name the actions. */
    int64_t count, bad;
    assert_int_equal(store_audit_verify(f->st, &count, &bad), ST_OK);
    audit_filter_t flt = { .object_type = "assessment" };
    audit_row_t *rows;
    assert_int_equal(store_audit_log(f->st, &f->sys, &flt, &rows, &n), ST_OK);
    assert_int_equal(n, 6); /* open, submit, return, submit, start_review, accept */
    bool seen_accept = false;
    for (size_t i = 0; i < n; i++)
        seen_accept |= strcmp(rows[i].action, "assessment.accept") == 0;
    assert_true(seen_accept);
    audit_row_list_free(rows, n);
    flt.object_type = "answer";
    assert_int_equal(store_audit_log(f->st, &f->sys, &flt, &rows, &n), ST_OK);
    assert_int_equal(n, 5);
    audit_row_list_free(rows, n);
}

/* ---- every illegal transition ------------------------------------------ */

static void test_transitions(void **state)
{
    fx_t *f = *state;
    /* expected[action][state]: ST_OK or ST_BAD_STATE, with the right actor. */
    static const wf_action_t acts[] = { ACT_SUBMIT, ACT_START_REVIEW, ACT_RETURN, ACT_ACCEPT,
                                        ACT_REVIEW };
    static const int ok[5][6] = {
        /*                draft submitted in_review returned accepted */
        [0] = { 0, 1, 0, 0, 1, 0 },
        [1] = { 0, 0, 1, 0, 0, 0 },
        [2] = { 0, 0, 1, 1, 0, 0 },
        [3] = { 0, 0, 1, 1, 0, 0 },
        [4] = { 0, 0, 1, 1, 0, 0 },
    };
    static const wf_state_t after[5] = { WF_SUBMITTED, WF_IN_REVIEW, WF_RETURNED, WF_ACCEPTED,
                                         WF_IN_REVIEW };
    int k = 0;
    for (size_t i = 0; i < 5; i++)
        for (wf_state_t s = WF_DRAFT; s <= WF_ACCEPTED; s++) {
            char round[32];
            snprintf(round, sizeof round, "t%d", k++);
            int64_t id = asm_in_state(f, round, s);
            assessment_t before = get_sys(f, id);
            const char *login = acts[i] == ACT_SUBMIT ? "p-editor" : "b-reviewer";
            int expect = ok[i][s] ? ST_OK : ST_BAD_STATE;
            if (acts[i] == ACT_REVIEW)
                W(f, expect, review(f, login, id, 9, EVAL_OK));
            else
                W(f, expect, step(f, login, id, acts[i], "理由"));
            assessment_t x = get_sys(f, id);
            if (expect == ST_OK) {
                assert_int_equal(x.state, after[i]);
                /* the version counts workflow changes */
                assert_int_equal(x.version, before.version + (s != after[i] ? 1 : 0));
            } else {
                assert_int_equal(x.state, s);
                assert_int_equal(x.version, before.version);
            }
            assessment_clear(&x);
            assessment_clear(&before);
        }
    /* Not a step at all. */
    int64_t id = open_round(f, "not-a-step");
    W(f, ST_INVALID, step(f, "b-admin", id, ACT_READ, NULL));
    W(f, ST_INVALID, step(f, "b-admin", id, ACT_OPEN, NULL));
    W(f, ST_INVALID, step(f, "p-admin", id, ACT_ANSWER, NULL));
    /* A refused step leaves no comment behind either. */
    W(f, ST_FORBIDDEN, step(f, "b-reviewer", id, ACT_SUBMIT, "勝手に提出"));
    assert_int_equal(q_int(f, "SELECT COUNT(*) FROM review_comments WHERE assessment_id = $1", id), 0);
}

/* ---- frozen answers and forbidden edits ------------------------------- */

static void test_frozen_answers(void **state)
{
    fx_t *f = *state;
    /* editable[side][state] */
    static const int editable[2][6] = {
        [SIDE_PARTNER] = { 0, 1, 0, 0, 1, 0 },
        [SIDE_BANK] = { 0, 1, 0, 1, 1, 0 },
    };
    int k = 0;
    for (wf_state_t s = WF_DRAFT; s <= WF_ACCEPTED; s++) {
        char round[32];
        snprintf(round, sizeof round, "f%d", k++);
        int64_t id = asm_in_state(f, round, s);
        for (int side = SIDE_PARTNER; side <= SIDE_BANK; side++) {
            const char *login = side == SIDE_PARTNER ? "p-editor" : "b-editor";
            int expect = editable[side][s] ? ST_OK : ST_BAD_STATE;
            W(f, expect, save(f, login, id, 9, (side_t)side, "凍結の確認", 0));
            assert_current(f, id, 9, (side_t)side, expect == ST_OK ? "凍結の確認" : NULL);
        }
        /* Plans and comments are not answers: plans may still be added. */
        actor_t pe = who(f, "p-editor");
        W(f, ST_OK, store_plan_add(f->st, &pe, id, 1, SIDE_PARTNER, "計画", NULL, NULL, NULL));
        W(f, s == WF_ACCEPTED ? ST_BAD_STATE : ST_OK, comment(f, "p-editor", id, 1, "質問"));
    }
}

static void test_forbidden_edits(void **state)
{
    fx_t *f = *state;
    int64_t id = open_round(f, "2026年度");
    int64_t id2 = open_as(f, "b2-admin", f->conn2, NULL, "2026年度", 0, false);

    /* Wrong side: a partner writing the bank side, either side on the
     * other's item. */
    W(f, ST_WRONG_SIDE, save(f, "p-editor", id, 9, SIDE_BANK, "x", 0));
    W(f, ST_WRONG_SIDE, save(f, "p-editor", id, 39, SIDE_PARTNER, "x", 0)); /* 銀行 item */
    W(f, ST_WRONG_SIDE, save(f, "b-editor", id, 1, SIDE_BANK, "x", 0));     /* API接続先 item */
    W(f, ST_WRONG_SIDE, save(f, "b-admin", id, 9, SIDE_PARTNER, "x", 0));
    /* Viewers read only; operators answer for nobody. */
    W(f, ST_FORBIDDEN, save(f, "p-viewer", id, 1, SIDE_PARTNER, "x", 0));
    W(f, ST_FORBIDDEN, save(f, "b-viewer", id, 39, SIDE_BANK, "x", 0));
    W(f, ST_FORBIDDEN, save(f, "op", id, 1, SIDE_PARTNER, "x", 0));
    W(f, ST_FORBIDDEN, store_answer_save(f->st, &f->sys, id, &(answer_t){ .no = 1 }, 0, NULL));
    /* Another tenant: exactly like a missing assessment. */
    W(f, ST_NOT_FOUND, save(f, "p2-admin", id, 1, SIDE_PARTNER, "x", 0));
    char *other = xstrdup(store_errmsg(f->st));
    char expect[64];
    snprintf(expect, sizeof expect, "assessment %" PRId64 " not found", id);
    assert_string_equal(other, expect);
    free(other);
    W(f, ST_NOT_FOUND, save(f, "p-admin", id2, 1, SIDE_PARTNER, "x", 0));
    W(f, ST_NOT_FOUND, save(f, "p-admin", 999999, 1, SIDE_PARTNER, "x", 0));
    assert_string_equal(store_errmsg(f->st), "assessment 999999 not found");
    assert_int_equal(read_as(f, "b-admin", id2), ST_NOT_FOUND);
    snprintf(expect, sizeof expect, "assessment %" PRId64 " not found", id2);
    assert_string_equal(store_errmsg(f->st), expect);
    assert_int_equal(read_as(f, "b-admin", 999999), ST_NOT_FOUND);
    assert_string_equal(store_errmsg(f->st), "assessment 999999 not found");

    /* Bad input: nothing written. */
    W(f, ST_INVALID, save(f, "p-editor", id, 999, SIDE_PARTNER, "x", 0));
    W(f, ST_INVALID, save(f, "p-editor", id, 0, SIDE_PARTNER, "x", 0));
    W(f, ST_INVALID, save(f, "p-editor", id, 1, SIDE_PARTNER, "bad \xff\xfe utf-8", 0));
    W(f, ST_INVALID, save(f, "p-editor", id, 1, SIDE_PARTNER, "overlong \xc0\xaf", 0));
    W(f, ST_INVALID, save_full(f, "p-editor", id, 1, SIDE_PARTNER, STATUS_DONE, "x", "2026-02-30", 0, NULL));
    W(f, ST_INVALID, save_full(f, "p-editor", id, 1, SIDE_PARTNER, STATUS_DONE, "x", "令和8年", 0, NULL));
    W(f, ST_INVALID, save_full(f, "p-editor", id, 1, SIDE_PARTNER, (status_t)9, "x", NULL, 0, NULL));
    W(f, ST_INVALID, save_full(f, "p-editor", id, 1, (side_t)7, STATUS_DONE, "x", NULL, 0, NULL));
    W(f, ST_INVALID, save(f, "p-editor", id, 1, SIDE_PARTNER, "x", -1));
    size_t big = 100u * 1024u + 1;
    char *huge = xmalloc(big + 1);
    memset(huge, 'a', big);
    huge[big] = '\0';
    W(f, ST_INVALID, save(f, "p-editor", id, 1, SIDE_PARTNER, huge, 0));
    huge[big - 1] = '\0'; /* exactly the limit */
    W(f, ST_OK, save(f, "p-editor", id, 1, SIDE_PARTNER, huge, 0));
    free(huge);
    /* SQL in a value is just text. */
    W(f, ST_OK, save(f, "p-editor", id, 2, SIDE_PARTNER, "'); DROP TABLE answers; --", 0));
    assert_current(f, id, 2, SIDE_PARTNER, "'); DROP TABLE answers; --");
    /* Reading an answer of an item that is not there. */
    answer_t x;
    int64_t v;
    actor_t pe = who(f, "p-editor");
    assert_int_equal(store_answer_get(f->st, &pe, id, 999, SIDE_PARTNER, &x, &v), ST_INVALID);
    assert_int_equal(store_answer_get(f->st, &pe, id, 3, SIDE_PARTNER, &x, &v), ST_OK);
    assert_int_equal(v, 0);
    store_answer_clear(&x);
}

/* ---- the permission matrix ------------------------------------------- */

enum { M_ANSWER, M_SUBMIT, M_REVIEW, M_RETURN, M_ACCEPT, M_COMMENT, M_READ, M_N };
static const char *const m_names[] = { "answer", "submit", "review", "return", "accept",
                                       "comment", "read" };

/* What the rules say, written out by hand (not derived from workflow.c). */
static int m_expect(const char *org, role_t role, int act)
{
    if (strcmp(org, "b2") == 0 || strcmp(org, "p2") == 0)
        return ST_NOT_FOUND;
    if (strcmp(org, "op") == 0)
        return act == M_READ ? ST_OK : ST_FORBIDDEN;
    bool bank = strcmp(org, "b") == 0;
    bool viewer = role == ROLE_VIEWER;
    switch (act) {
    case M_ANSWER: return viewer ? ST_FORBIDDEN : ST_OK;
    case M_SUBMIT: return !bank && !viewer ? ST_OK : ST_FORBIDDEN;
    case M_REVIEW:
    case M_RETURN:
    case M_ACCEPT: return bank && (role == ROLE_REVIEWER || role == ROLE_ADMIN) ? ST_OK : ST_FORBIDDEN;
    case M_COMMENT: return viewer ? ST_FORBIDDEN : ST_OK;
    case M_READ: return ST_OK;
    }
    return ST_FORBIDDEN;
}

static void test_permission_matrix(void **state)
{
    fx_t *f = *state;
    static const char *const orgs[] = { "b", "p", "b2", "p2", "op" };
    int k = 0, cases = 0;
    for (size_t o = 0; o < 5; o++)
        for (role_t r = ROLE_VIEWER; r <= ROLE_ADMIN; r++) {
            if (strcmp(orgs[o], "op") == 0 && r != ROLE_ADMIN)
                continue;
            char login[32];
            if (strcmp(orgs[o], "op") == 0)
                snprintf(login, sizeof login, "op");
            else
                snprintf(login, sizeof login, "%s-%s", orgs[o], role_names[r]);
            bool bank_side = orgs[o][0] == 'b';
            for (int act = 0; act < M_N; act++) {
                char round[32];
                snprintf(round, sizeof round, "m%d", k++);
                bool needs_submitted = act == M_REVIEW || act == M_RETURN || act == M_ACCEPT;
                int64_t id = asm_in_state(f, round, needs_submitted ? WF_SUBMITTED : WF_DRAFT);
                int expect = m_expect(orgs[o], r, act);
                int rc;
                int64_t n0 = audit_n(f);
                switch (act) {
                case M_ANSWER:
                    rc = save(f, login, id, 9, bank_side ? SIDE_BANK : SIDE_PARTNER, "回答", 0);
                    break;
                case M_SUBMIT: rc = step(f, login, id, ACT_SUBMIT, NULL); break;
                case M_REVIEW: rc = review(f, login, id, 9, EVAL_IMPROVE); break;
                case M_RETURN: rc = step(f, login, id, ACT_RETURN, NULL); break;
                case M_ACCEPT: rc = step(f, login, id, ACT_ACCEPT, NULL); break;
                case M_COMMENT: rc = comment(f, login, id, 9, "コメント"); break;
                default: rc = read_as(f, login, id); break;
                }
                if (rc != expect)
                    fprintf(stderr, "matrix: %s %s -> %d, expected %d (%s)\n", login,
                            m_names[act], rc, expect, store_errmsg(f->st));
                assert_int_equal(rc, expect);
                /* Writes that succeed leave one event; reads and refusals none. */
                assert_int_equal(audit_n(f), n0 + (rc == ST_OK && act != M_READ ? 1 : 0));
                cases++;
            }
        }
    assert_int_equal(cases, 17 * M_N);
}

/* ---- no lost updates ---------------------------------------------------- */

static void test_conflict(void **state)
{
    fx_t *f = *state;
    int64_t id = open_round(f, "2026年度");
    /* Two editors both start from "never saved". */
    int64_t v = 0;
    W(f, ST_OK, save_full(f, "p-editor", id, 1, SIDE_PARTNER, STATUS_DONE, "Aさんの回答", NULL, 0, &v));
    assert_int_equal(v, 1);
    W(f, ST_CONFLICT, save(f, "p-admin", id, 1, SIDE_PARTNER, "Bさんの回答", 0));
    assert_non_null(strstr(store_errmsg(f->st), "version 1"));
    int64_t cur;
    char *c = current_of(f, id, 1, SIDE_PARTNER, &cur);
    assert_string_equal(c, "Aさんの回答");
    free(c);
    assert_int_equal(cur, 1);
    /* Based on the current version it goes through. */
    W(f, ST_OK, save_full(f, "p-admin", id, 1, SIDE_PARTNER, STATUS_DONE, "Bさんの回答", NULL, 1, &v));
    assert_int_equal(v, 2);
    /* A stale version, and a version for an answer never saved. */
    W(f, ST_CONFLICT, save(f, "p-editor", id, 1, SIDE_PARTNER, "古い版から", 1));
    W(f, ST_CONFLICT, save(f, "p-editor", id, 1, SIDE_PARTNER, "未来の版から", 3));
    W(f, ST_CONFLICT, save(f, "p-editor", id, 2, SIDE_PARTNER, "x", 5));
    assert_current(f, id, 1, SIDE_PARTNER, "Bさんの回答");
    assert_current(f, id, 2, SIDE_PARTNER, NULL);
    assert_int_equal(q_int(f, "SELECT version FROM answers WHERE assessment_id = $1 AND item_no = 1", id), 2);
    /* A second connection to the same database sees and respects it. */
    store_open_opt_t o = { .pg_schema = f->pg ? PG_SCHEMA : NULL };
    char *err = NULL;
    store_t *other = store_open(f->url, &o, &err);
    assert_non_null(other);
    actor_t pe = who(f, "p-editor");
    answer_t x = { .no = 1, .side = SIDE_PARTNER, .current = "別の接続" };
    assert_int_equal(store_answer_save(other, &pe, id, &x, 1, NULL), ST_CONFLICT);
    assert_int_equal(store_answer_save(other, &pe, id, &x, 2, &v), ST_OK);
    assert_int_equal(v, 3);
    store_close(other);
    assert_current(f, id, 1, SIDE_PARTNER, "別の接続");
}

/* ---- fill once, share with many ------------------------------------- */

static void test_profile(void **state)
{
    fx_t *f = *state;
    int64_t conn3;
    assert_int_equal(store_connection_create(f->st, &f->sys, f->bank2, f->partner, "write", &conn3),
                     ST_OK);
    int64_t id = open_round(f, "2026年度");
    W(f, ST_OK, save(f, "p-editor", id, 1, SIDE_PARTNER, "プロファイル1", 0));
    W(f, ST_OK, save(f, "p-editor", id, 2, SIDE_PARTNER, "プロファイル2", 0));
    W(f, ST_OK, save(f, "p-editor", id, 9, SIDE_PARTNER, "共通の回答", 0));
    W(f, ST_OK, save(f, "b-editor", id, 9, SIDE_BANK, "銀行の回答", 0));

    actor_t pe = who(f, "p-editor"), pv = who(f, "p-viewer"), be = who(f, "b-editor"),
            p2 = who(f, "p2-admin");
    /* Only the partner's editors push, and only their answers. */
    W(f, ST_FORBIDDEN, store_profile_push(f->st, &pv, id, 0));
    W(f, ST_WRONG_SIDE, store_profile_push(f->st, &be, id, 0));
    W(f, ST_NOT_FOUND, store_profile_push(f->st, &p2, id, 0));
    W(f, ST_FORBIDDEN, store_profile_push(f->st, &f->sys, id, 0));
    W(f, ST_INVALID, store_profile_push(f->st, &pe, id, 39)); /* a bank item */
    W(f, ST_INVALID, store_profile_push(f->st, &pe, id, 3));  /* not answered */
    W(f, ST_OK, store_profile_push(f->st, &pe, id, 1));
    assert_int_equal(q_int(f, "SELECT COUNT(*) FROM profile_answers WHERE org_id = $1", f->partner), 1);
    W(f, ST_OK, store_profile_push(f->st, &pe, id, 0));
    assert_int_equal(q_int(f, "SELECT COUNT(*) FROM profile_answers WHERE org_id = $1", f->partner), 3);
    assert_int_equal(q_int(f, "SELECT version FROM profile_answers WHERE org_id = $1 AND item_no = 1",
                           f->partner), 2);

    /* Another bank's assessment of the same partner starts pre-filled. */
    int64_t other = open_as(f, "b2-editor", conn3, NULL, "2026年度", 0, false);
    assert_current(f, other, 1, SIDE_PARTNER, "プロファイル1");
    assert_current(f, other, 9, SIDE_PARTNER, "共通の回答");
    assert_current(f, other, 9, SIDE_BANK, NULL); /* the bank side is the bank's */
    int64_t ver;
    free(current_of(f, other, 2, SIDE_PARTNER, &ver));
    assert_int_equal(ver, 1);
    /* … unless asked not to. */
    int64_t bare = open_as(f, "b2-editor", conn3, NULL, "2027年度", 0, true);
    assert_current(f, bare, 1, SIDE_PARTNER, NULL);
    /* A partner without a profile starts empty. */
    int64_t p2a = open_as(f, "b2-editor", f->conn2, NULL, "2026年度", 0, false);
    answerset_t *s;
    actor_t p2v = who(f, "p2-viewer");
    assert_int_equal(store_answers(f->st, &p2v, p2a, &s), ST_OK);
    assert_int_equal(s->n, 0);
    answerset_free(s);
    /* Pushing works in any state: the profile is not the assessment. */
    W(f, ST_OK, step(f, "p-editor", id, ACT_SUBMIT, NULL));
    W(f, ST_OK, store_profile_push(f->st, &pe, id, 2));
}

/* ---- the previous round, carried over by item ------------------------- */

static void test_carry_over(void **state)
{
    fx_t *f = *state;
    int64_t r1 = open_round(f, "2025年度");
    W(f, ST_OK, save(f, "p-editor", r1, 1, SIDE_PARTNER, "前年1", 0));
    W(f, ST_OK, save(f, "p-editor", r1, 2, SIDE_PARTNER, "前年2", 0));
    W(f, ST_OK, save(f, "p-editor", r1, 5, SIDE_PARTNER, "前年5", 0));
    W(f, ST_OK, save(f, "p-editor", r1, 9, SIDE_PARTNER, "前年9", 0));
    W(f, ST_OK, save(f, "b-editor", r1, 9, SIDE_BANK, "前年9銀行", 0));
    W(f, ST_OK, save(f, "b-editor", r1, 39, SIDE_BANK, "前年39", 0));
    /* A profile exists too: the previous round wins over it. */
    actor_t pe = who(f, "p-editor");
    W(f, ST_OK, store_profile_push(f->st, &pe, r1, 0));
    W(f, ST_OK, save(f, "p-editor", r1, 1, SIDE_PARTNER, "前年1改", 1)); /* not in the profile */
    /* Reviews and comments stay with their round. */
    W(f, ST_OK, step(f, "p-editor", r1, ACT_SUBMIT, NULL));
    W(f, ST_OK, review(f, "b-reviewer", r1, 1, EVAL_OK));
    W(f, ST_OK, comment(f, "b-reviewer", r1, 1, "良い"));

    /* Same edition: everything comes back, nothing else. */
    int64_t r2 = open_as(f, "b-editor", f->conn, NULL, "2026年度", r1, false);
    assert_current(f, r2, 1, SIDE_PARTNER, "前年1改");
    assert_current(f, r2, 9, SIDE_BANK, "前年9銀行");
    assert_current(f, r2, 39, SIDE_BANK, "前年39");
    assessment_t x = get_sys(f, r2);
    assert_int_equal(x.previous_id, r1);
    assessment_clear(&x);
    assert_int_equal(q_int(f, "SELECT COUNT(*) FROM answers WHERE assessment_id = $1", r2), 6);
    assert_int_equal(q_int(f, "SELECT COUNT(*) FROM reviews WHERE assessment_id = $1", r2), 0);

    /* A later edition: item 2's objective changed (not carried), item 5 only
     * gained a line-wrap space (carried), items 38 and 39 swapped their
     * objectives (neither carried: matched by number and text, never by
     * position). */
    catalog_t *c = builtin_catalog();
    free(c->id);
    c->id = xstrdup("api-checklist-2019-09-27");
    free(c->items[1].objective);
    c->items[1].objective = xstrdup("セキュリティ管理ルールを整備し、定期的に見直す。");
    char *o5 = xasprintf("%.9s %s", c->items[4].objective, c->items[4].objective + 9);
    free(c->items[4].objective);
    c->items[4].objective = o5;
    char *t = c->items[37].objective;
    c->items[37].objective = c->items[38].objective;
    c->items[38].objective = t;
    assert_int_equal(store_catalog_put(f->st, &f->sys, c, false), ST_OK);
    catalog_free(c);
    int64_t r3 = open_as(f, "b-editor", f->conn, "api-checklist-2019-09-27", "2027年度", r2, false);
    assert_current(f, r3, 1, SIDE_PARTNER, "前年1改");
    assert_current(f, r3, 2, SIDE_PARTNER, NULL);
    assert_current(f, r3, 5, SIDE_PARTNER, "前年5");
    assert_current(f, r3, 9, SIDE_PARTNER, "前年9");
    assert_current(f, r3, 9, SIDE_BANK, "前年9銀行");
    assert_current(f, r3, 39, SIDE_BANK, NULL);
    assert_int_equal(q_int(f, "SELECT COUNT(*) FROM answers WHERE assessment_id = $1", r3), 4);
    x = get_sys(f, r3);
    assert_string_equal(x.catalog_id, "api-checklist-2019-09-27");
    assessment_clear(&x);

    /* The previous round must be this connection's. */
    actor_t b2 = who(f, "b2-admin"), be = who(f, "b-editor");
    int64_t o1 = open_as(f, "b2-admin", f->conn2, NULL, "2025年度", 0, false);
    assessment_open_opt_t o = { .round = "2028年度", .previous_id = o1 };
    W(f, ST_NOT_FOUND, store_assessment_open(f->st, &be, f->conn, BUILTIN_CATALOG_ID, &o, NULL));
    o.previous_id = 999999;
    W(f, ST_NOT_FOUND, store_assessment_open(f->st, &be, f->conn, BUILTIN_CATALOG_ID, &o, NULL));
    /* Opening: the bank's people only, on its own connections, once per round. */
    o.previous_id = 0;
    W(f, ST_NOT_FOUND, store_assessment_open(f->st, &b2, f->conn, BUILTIN_CATALOG_ID, &o, NULL));
    actor_t pa = who(f, "p-admin"), bv = who(f, "b-viewer");
    W(f, ST_FORBIDDEN, store_assessment_open(f->st, &pa, f->conn, BUILTIN_CATALOG_ID, &o, NULL));
    W(f, ST_FORBIDDEN, store_assessment_open(f->st, &bv, f->conn, BUILTIN_CATALOG_ID, &o, NULL));
    W(f, ST_FORBIDDEN, store_assessment_open(f->st, &f->sys, f->conn, BUILTIN_CATALOG_ID, &o, NULL));
    o.round = "2026年度";
    W(f, ST_EXISTS, store_assessment_open(f->st, &be, f->conn, BUILTIN_CATALOG_ID, &o, NULL));
    o.round = "";
    W(f, ST_INVALID, store_assessment_open(f->st, &be, f->conn, BUILTIN_CATALOG_ID, &o, NULL));
    o.round = "2030年度";
    o.due = "2030-13-01";
    W(f, ST_INVALID, store_assessment_open(f->st, &be, f->conn, BUILTIN_CATALOG_ID, &o, NULL));
    o.due = NULL;
    W(f, ST_NOT_FOUND, store_assessment_open(f->st, &be, f->conn, "no-such-catalog", &o, NULL));
    assert_int_equal(store_connection_set_state(f->st, &f->sys, f->conn, "ended"), ST_OK);
    W(f, ST_BAD_STATE, store_assessment_open(f->st, &be, f->conn, BUILTIN_CATALOG_ID, &o, NULL));
}

/* ---- a bank's own selection --------------------------------------------- */

static void test_selection(void **state)
{
    fx_t *f = *state;
    actor_t ba = who(f, "b-admin"), be = who(f, "b-editor"), b2 = who(f, "b2-admin"),
            pa = who(f, "p-admin");
    int64_t before = open_round(f, "2025年度"); /* the whole catalog */

    static const int pick[] = { 1, 2, 9, 39 };
    catalog_t *own = catalog_new();
    item_t *it = catalog_add_item(own);
    it->category = xstrdup("銀行独自");
    it->objective = xstrdup("不正送金の検知結果を銀行に共有する。");
    it->target = TARGET_PARTNER;
    item_add_ref(it, REF_SOURCE_FISC, "実14", NULL, NULL);
    int64_t sel = 0;
    int ver = 0;
    W(f, ST_FORBIDDEN, store_selection_create(f->st, &be, f->bank, BUILTIN_CATALOG_ID, "read",
                                              pick, 4, own, NULL, NULL));
    W(f, ST_NOT_FOUND, store_selection_create(f->st, &b2, f->bank, BUILTIN_CATALOG_ID, "read",
                                              pick, 4, own, NULL, NULL));
    W(f, ST_NOT_FOUND, store_selection_create(f->st, &pa, f->bank, BUILTIN_CATALOG_ID, "read",
                                              pick, 4, own, NULL, NULL));
    W(f, ST_NOT_FOUND, store_selection_create(f->st, &f->sys, f->partner, BUILTIN_CATALOG_ID,
                                              "read", pick, 4, own, NULL, NULL));
    W(f, ST_INVALID, store_selection_create(f->st, &ba, f->bank, BUILTIN_CATALOG_ID, "both",
                                            pick, 4, own, NULL, NULL));
    static const int bad[] = { 1, 46 };
    W(f, ST_INVALID, store_selection_create(f->st, &ba, f->bank, BUILTIN_CATALOG_ID, "read", bad,
                                            2, NULL, NULL, NULL));
    static const int dup[] = { 1, 1 };
    W(f, ST_INVALID, store_selection_create(f->st, &ba, f->bank, BUILTIN_CATALOG_ID, "read", dup,
                                            2, NULL, NULL, NULL));
    it->no = 45; /* must come after the catalog's */
    W(f, ST_INVALID, store_selection_create(f->st, &ba, f->bank, BUILTIN_CATALOG_ID, "read",
                                            pick, 4, own, NULL, NULL));
    it->no = 0; /* 0: the next free number, 46 */
    W(f, ST_OK, store_selection_create(f->st, &ba, f->bank, BUILTIN_CATALOG_ID, "参照系", pick, 4,
                                       own, &sel, &ver));
    assert_int_equal(ver, 1);
    catalog_free(own);

    int64_t id = open_round(f, "2026年度");
    assessment_t x = get_sys(f, id);
    assert_int_equal(x.selection_id, sel);
    assessment_clear(&x);
    int rc;
    actor_t pv = who(f, "p-viewer");
    catalog_t *c = store_assessment_catalog(f->st, &pv, id, &rc);
    assert_int_equal(rc, ST_OK);
    assert_non_null(c);
    assert_int_equal(c->nitems, 5);
    assert_int_equal(c->items[0].no, 1);
    assert_int_equal(c->items[3].no, 39);
    assert_int_equal(c->items[4].no, 46);
    assert_string_equal(c->items[4].category, "銀行独自");
    assert_int_equal(c->items[4].target, TARGET_PARTNER);
    assert_int_equal(c->items[4].nrefs, 1);
    assert_string_equal(c->items[4].refs[0].clause, "実14");
    assert_true(c->items[0].nrefs > 0); /* catalog items keep their references */
    /* Read again (from the connection's cache): the same, and a copy of
     * its own that the caller may change. */
    catalog_t *c2 = store_assessment_catalog(f->st, &pv, id, &rc);
    assert_int_equal(rc, ST_OK);
    assert_true(catalog_equal(c, c2, NULL));
    free(c2->items[4].category);
    c2->items[4].category = xstrdup("書き換え");
    catalog_free(c2);
    c2 = store_assessment_catalog(f->st, &pv, id, &rc);
    assert_string_equal(c2->items[4].category, "銀行独自");
    catalog_free(c2);
    catalog_free(c);
    /* Answers follow the selection. */
    W(f, ST_INVALID, save(f, "p-editor", id, 3, SIDE_PARTNER, "選ばれていない", 0));
    W(f, ST_OK, save(f, "p-editor", id, 46, SIDE_PARTNER, "独自項目の回答", 0));
    W(f, ST_WRONG_SIDE, save(f, "b-editor", id, 46, SIDE_BANK, "x", 0));
    W(f, ST_OK, save(f, "p-editor", before, 3, SIDE_PARTNER, "全項目の評価", 0));
    W(f, ST_INVALID, save(f, "p-editor", before, 46, SIDE_PARTNER, "x", 0));
    /* The own item never reaches the profile (it is not the catalog's). */
    actor_t pe = who(f, "p-editor");
    W(f, ST_INVALID, store_profile_push(f->st, &pe, id, 46));
    /* Another tenant cannot see the checklist. */
    actor_t p2 = who(f, "p2-viewer");
    assert_null(store_assessment_catalog(f->st, &p2, id, &rc));
    assert_int_equal(rc, ST_NOT_FOUND);

    /* A new version (all items, no own ones); the old assessment keeps v1. */
    W(f, ST_OK, store_selection_create(f->st, &f->sys, f->bank, BUILTIN_CATALOG_ID, "read", NULL,
                                       0, NULL, &sel, &ver));
    assert_int_equal(ver, 2);
    c = store_assessment_catalog(f->st, &pv, id, &rc);
    assert_int_equal(c->nitems, 5);
    catalog_free(c);
    int64_t id2 = open_round(f, "2027年度");
    c = store_assessment_catalog(f->st, &pv, id2, &rc);
    assert_int_equal(c->nitems, 45);
    catalog_free(c);
    /* A selection of the other scope does not apply to this connection. */
    static const int one[] = { 1 };
    W(f, ST_OK, store_selection_create(f->st, &ba, f->bank, BUILTIN_CATALOG_ID, "write", one, 1,
                                       NULL, NULL, &ver));
    assert_int_equal(ver, 1);
    int64_t id3 = open_round(f, "2028年度");
    c = store_assessment_catalog(f->st, &pv, id3, &rc);
    assert_int_equal(c->nitems, 45);
    catalog_free(c);
    c = store_assessment_catalog(f->st, &pv, before, &rc);
    assert_int_equal(c->nitems, 45);
    catalog_free(c);
}

/* ---- import: all or nothing ------------------------------------------ */

static answer_t *put(answerset_t *s, int no, side_t side, status_t st, const char *current)
{
    answer_t *a = answerset_get(s, no, side);
    a->status = st;
    answer_set_text(&a->current, current);
    return a;
}

static void test_import(void **state)
{
    fx_t *f = *state;
    int64_t id = open_round(f, "2026年度");
    W(f, ST_OK, save(f, "p-editor", id, 1, SIDE_PARTNER, "元の1", 0));
    W(f, ST_OK, save(f, "p-editor", id, 3, SIDE_PARTNER, "変えない3", 0));
    W(f, ST_OK, save(f, "b-editor", id, 9, SIDE_BANK, "銀行の9", 0));
    actor_t pe = who(f, "p-editor");

    answerset_t *in = answerset_new(BUILTIN_CATALOG_ID);
    put(in, 1, SIDE_PARTNER, STATUS_DONE, "新しい1");
    put(in, 2, SIDE_PARTNER, STATUS_TODO, "新規2");
    put(in, 3, SIDE_PARTNER, STATUS_DONE, "変えない3");
    put(in, 9, SIDE_BANK, STATUS_DONE, "銀行の9"); /* the other side, unchanged: fine */
    answerset_get(in, 39, SIDE_BANK);              /* empty: ignored */

    /* Dry run: the change list, nothing written. */
    change_t *ch;
    size_t n;
    int64_t n0 = audit_n(f);
    assert_int_equal(store_import(f->st, &pe, id, in, true, &ch, &n), ST_OK);
    assert_int_equal(audit_n(f), n0);
    assert_int_equal(n, 2);
    assert_int_equal(ch[0].no, 1);
    assert_string_equal(ch[0].before.current, "元の1");
    assert_string_equal(ch[0].after.current, "新しい1");
    assert_int_equal(ch[1].no, 2);
    assert_null(ch[1].before.current);
    assert_int_equal(ch[1].after.status, STATUS_TODO);
    change_list_free(ch, n);
    assert_current(f, id, 1, SIDE_PARTNER, "元の1");
    assert_current(f, id, 2, SIDE_PARTNER, NULL);

    /* One bad answer among good ones: nothing at all. */
    answer_t *b = put(in, 4, SIDE_PARTNER, STATUS_DONE, "期限が変");
    answer_set_text(&b->due, "2026-04-31");
    assert_int_equal(store_import(f->st, &pe, id, in, false, &ch, &n), ST_INVALID);
    assert_null(ch);
    assert_int_equal(n, 0);
    assert_non_null(strstr(store_errmsg(f->st), "item 4"));
    assert_int_equal(audit_n(f), n0);
    assert_current(f, id, 1, SIDE_PARTNER, "元の1");
    assert_current(f, id, 2, SIDE_PARTNER, NULL);
    answer_set_text(&b->due, "2026-04-30");

    /* The other side's answers may not change; each is named. */
    put(in, 9, SIDE_BANK, STATUS_DONE, "書き換えた銀行の9");
    put(in, 39, SIDE_BANK, STATUS_DONE, "銀行の39を勝手に");
    put(in, 999, SIDE_PARTNER, STATUS_DONE, "ない項目");
    put(in, 40, SIDE_PARTNER, STATUS_DONE, "銀行の項目にAPI接続先が");
    assert_int_equal(store_import(f->st, &pe, id, in, true, &ch, &n), ST_INVALID);
    const char *m = store_errmsg(f->st);
    assert_non_null(strstr(m, "item 9"));
    assert_non_null(strstr(m, "item 39"));
    assert_non_null(strstr(m, "item 999"));
    assert_non_null(strstr(m, "item 40"));
    assert_non_null(strstr(m, "4 problems"));
    assert_int_equal(audit_n(f), n0);
    put(in, 9, SIDE_BANK, STATUS_DONE, "銀行の9");
    answer_t *e39 = answerset_get(in, 39, SIDE_BANK);
    e39->status = STATUS_UNSET;
    answer_set_text(&e39->current, NULL);
    answer_t *e999 = answerset_get(in, 999, SIDE_PARTNER);
    e999->status = STATUS_UNSET;
    answer_set_text(&e999->current, NULL);
    answer_t *e40 = answerset_get(in, 40, SIDE_PARTNER);
    e40->status = STATUS_UNSET;
    answer_set_text(&e40->current, NULL);

    /* Another catalog's answers, other tenants, viewers, frozen states. */
    free(in->catalog_id);
    in->catalog_id = xstrdup("another-catalog");
    assert_int_equal(store_import(f->st, &pe, id, in, true, &ch, &n), ST_INVALID);
    free(in->catalog_id);
    in->catalog_id = xstrdup(BUILTIN_CATALOG_ID);
    actor_t pv = who(f, "p-viewer"), p2 = who(f, "p2-editor");
    assert_int_equal(store_import(f->st, &pv, id, in, true, &ch, &n), ST_FORBIDDEN);
    assert_int_equal(store_import(f->st, &p2, id, in, true, &ch, &n), ST_NOT_FOUND);
    assert_int_equal(store_import(f->st, &f->sys, id, in, true, &ch, &n), ST_FORBIDDEN);

    /* For real: one event, every change, versions moved on. */
    W(f, ST_OK, store_import(f->st, &pe, id, in, false, &ch, &n));
    assert_int_equal(n, 3); /* 1, 2, 4 */
    change_list_free(ch, n);
    assert_current(f, id, 1, SIDE_PARTNER, "新しい1");
    assert_current(f, id, 2, SIDE_PARTNER, "新規2");
    assert_current(f, id, 4, SIDE_PARTNER, "期限が変");
    int64_t v;
    free(current_of(f, id, 1, SIDE_PARTNER, &v));
    assert_int_equal(v, 2);
    free(current_of(f, id, 3, SIDE_PARTNER, &v));
    assert_int_equal(v, 1);
    /* Again: nothing differs, nothing written. */
    n0 = audit_n(f);
    assert_int_equal(store_import(f->st, &pe, id, in, false, &ch, &n), ST_OK);
    assert_int_equal(n, 0);
    change_list_free(ch, n);
    assert_int_equal(audit_n(f), n0);
    /* Once submitted, the partner's answers are frozen for imports too. */
    W(f, ST_OK, step(f, "p-editor", id, ACT_SUBMIT, NULL));
    put(in, 1, SIDE_PARTNER, STATUS_DONE, "提出後");
    assert_int_equal(store_import(f->st, &pe, id, in, false, &ch, &n), ST_BAD_STATE);
    assert_current(f, id, 1, SIDE_PARTNER, "新しい1");
    answerset_free(in);
    /* The bank imports its side during the review. */
    W(f, ST_OK, step(f, "b-reviewer", id, ACT_START_REVIEW, NULL));
    answerset_t *bank = answerset_new(NULL);
    put(bank, 9, SIDE_BANK, STATUS_PARTIAL, "審査中に更新");
    put(bank, 1, SIDE_PARTNER, STATUS_DONE, "新しい1"); /* unchanged partner answer */
    actor_t be = who(f, "b-editor");
    W(f, ST_OK, store_import(f->st, &be, id, bank, false, &ch, &n));
    assert_int_equal(n, 1);
    assert_int_equal(ch[0].side, SIDE_BANK);
    change_list_free(ch, n);
    answerset_free(bank);
    assert_current(f, id, 9, SIDE_BANK, "審査中に更新");
}

/* ---- remediation plans -------------------------------------------------- */

static void test_plans(void **state)
{
    fx_t *f = *state;
    int64_t id = open_round(f, "2026年度");
    int64_t id2 = open_as(f, "b2-admin", f->conn2, NULL, "2026年度", 0, false);
    actor_t pe = who(f, "p-editor"), be = who(f, "b-editor"), pv = who(f, "p-viewer"),
            p2 = who(f, "p2-editor"), bv = who(f, "b-viewer");
    int64_t pl1, pl2, pl3, pl4;
    W(f, ST_OK, store_plan_add(f->st, &pe, id, 1, SIDE_PARTNER, "責任者を任命", "情報システム部",
                               "2026-03-31", &pl1));
    W(f, ST_OK, store_plan_add(f->st, &pe, id, 9, SIDE_PARTNER, "訓練を実施", NULL, "2026-12-31",
                               &pl2));
    W(f, ST_OK, store_plan_add(f->st, &be, id, 39, SIDE_BANK, "同意画面を改修", "IT部", "2026-01-15",
                               &pl3));
    W(f, ST_OK, store_plan_add(f->st, &be, id, 9, SIDE_BANK, "期限なし", NULL, NULL, &pl4));
    W(f, ST_OK, store_plan_add(f->st, &p2, id2, 1, SIDE_PARTNER, "他社の計画", NULL, "2025-01-01",
                               NULL));
    /* Refusals. */
    W(f, ST_FORBIDDEN, store_plan_add(f->st, &pv, id, 1, SIDE_PARTNER, "x", NULL, NULL, NULL));
    W(f, ST_WRONG_SIDE, store_plan_add(f->st, &pe, id, 9, SIDE_BANK, "x", NULL, NULL, NULL));
    W(f, ST_WRONG_SIDE, store_plan_add(f->st, &pe, id, 39, SIDE_PARTNER, "x", NULL, NULL, NULL));
    W(f, ST_NOT_FOUND, store_plan_add(f->st, &p2, id, 1, SIDE_PARTNER, "x", NULL, NULL, NULL));
    W(f, ST_INVALID, store_plan_add(f->st, &pe, id, 1, SIDE_PARTNER, "", NULL, NULL, NULL));
    W(f, ST_INVALID, store_plan_add(f->st, &pe, id, 1, SIDE_PARTNER, "x", NULL, "31/03/2026", NULL));
    W(f, ST_INVALID, store_plan_add(f->st, &pe, id, 999, SIDE_PARTNER, "x", NULL, NULL, NULL));

    /* Lists: own tenant only, overdue ones by date, earliest first. */
    plan_t *v;
    size_t n;
    assert_int_equal(store_plans(f->st, &pv, NULL, &v, &n), ST_OK);
    assert_int_equal(n, 4);
    assert_int_equal(v[0].id, pl3);
    assert_int_equal(v[3].id, pl4); /* no due date: last */
    assert_string_equal(v[0].partner_name, "かけいぼ株式会社");
    assert_string_equal(v[0].bank_name, "みらい銀行");
    assert_string_equal(v[0].round, "2026年度");
    assert_int_equal(v[0].side, SIDE_BANK);
    assert_string_equal(v[0].owner, "IT部");
    plan_list_free(v, n);
    assert_int_equal(store_plans(f->st, &bv, "2026-04-01", &v, &n), ST_OK);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].id, pl3);
    assert_int_equal(v[1].id, pl1);
    assert_string_equal(v[1].due, "2026-03-31");
    plan_list_free(v, n);
    assert_int_equal(store_plans(f->st, &bv, "2026-03-31", &v, &n), ST_OK);
    assert_int_equal(n, 1); /* due that day is not overdue yet */
    plan_list_free(v, n);
    assert_int_equal(store_plans(f->st, &p2, "2030-01-01", &v, &n), ST_OK);
    assert_int_equal(n, 1);
    plan_list_free(v, n);
    assert_int_equal(store_plans(f->st, &f->sys, "2030-01-01", &v, &n), ST_OK);
    assert_int_equal(n, 4); /* pl4 has no date */
    plan_list_free(v, n);
    assert_int_equal(store_plans(f->st, &pv, "not a date", &v, &n), ST_INVALID);

    /* Closing. */
    W(f, ST_NOT_FOUND, store_plan_close(f->st, &p2, pl1));
    char *m1 = xstrdup(store_errmsg(f->st));
    W(f, ST_NOT_FOUND, store_plan_close(f->st, &pe, 999999));
    char expect[64];
    snprintf(expect, sizeof expect, "plan %" PRId64 " not found", pl1);
    assert_string_equal(m1, expect);
    free(m1);
    W(f, ST_FORBIDDEN, store_plan_close(f->st, &pv, pl1));
    W(f, ST_WRONG_SIDE, store_plan_close(f->st, &be, pl1));
    W(f, ST_OK, store_plan_close(f->st, &pe, pl1));
    W(f, ST_BAD_STATE, store_plan_close(f->st, &pe, pl1));
    assert_int_equal(store_plans(f->st, &bv, "2026-04-01", &v, &n), ST_OK);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].id, pl3);
    plan_list_free(v, n);
    (void)pl2;
}

/* ---- comments, listing and tenants ------------------------------------ */

static void test_comments_and_lists(void **state)
{
    fx_t *f = *state;
    int64_t id = open_round(f, "2026年度");
    int64_t id2 = open_as(f, "b2-admin", f->conn2, NULL, "2026年度", 0, false);
    W(f, ST_OK, comment(f, "p-editor", id, 1, "質問です"));
    W(f, ST_OK, comment(f, "b-reviewer", id, 1, "回答します"));
    W(f, ST_OK, comment(f, "b-editor", id, 0, "全体へのコメント"));
    W(f, ST_FORBIDDEN, comment(f, "p-viewer", id, 1, "見るだけ"));
    W(f, ST_NOT_FOUND, comment(f, "p2-admin", id, 1, "他社"));
    W(f, ST_FORBIDDEN, comment(f, "op", id, 1, "運用者"));
    W(f, ST_INVALID, comment(f, "p-editor", id, 1, ""));
    W(f, ST_INVALID, comment(f, "p-editor", id, 999, "ない項目"));
    W(f, ST_INVALID, comment(f, "p-editor", id, 1, "\xe3\x81"));
    comment_t *c;
    size_t n;
    actor_t bv = who(f, "b-viewer"), p2 = who(f, "p2-viewer");
    assert_int_equal(store_comments(f->st, &bv, id, 1, &c, &n), ST_OK);
    assert_int_equal(n, 2);
    assert_string_equal(c[0].author_login, "p-editor");
    assert_string_equal(c[1].body, "回答します");
    assert_non_null(c[0].created_at);
    comment_list_free(c, n);
    assert_int_equal(store_comments(f->st, &p2, id, 1, &c, &n), ST_NOT_FOUND);

    /* Lists: each party its own, operators everything, newest first. */
    int64_t id3 = open_round(f, "2027年度");
    assessment_t *v;
    actor_t pv = who(f, "p-viewer"), op = who(f, "op");
    assert_int_equal(store_assessment_list(f->st, &pv, &v, &n), ST_OK);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].id, id3);
    assert_int_equal(v[1].id, id);
    assessment_list_free(v, n);
    assert_int_equal(store_assessment_list(f->st, &p2, &v, &n), ST_OK);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].id, id2);
    assert_string_equal(v[0].scope, "write");
    assessment_list_free(v, n);
    assert_int_equal(store_assessment_list(f->st, &op, &v, &n), ST_OK);
    assert_int_equal(n, 3);
    assessment_list_free(v, n);
    /* get: another tenant's and a missing one give the same answer. */
    assessment_t x;
    assert_int_equal(store_assessment_get(f->st, &p2, id, &x), ST_NOT_FOUND);
    char expect[64];
    snprintf(expect, sizeof expect, "assessment %" PRId64 " not found", id);
    assert_string_equal(store_errmsg(f->st), expect);
    assert_int_equal(store_assessment_get(f->st, &pv, 424242, &x), ST_NOT_FOUND);
    assert_string_equal(store_errmsg(f->st), "assessment 424242 not found");
    int rc;
    assert_null(store_assessment_catalog(f->st, &p2, id, &rc));
    assert_int_equal(rc, ST_NOT_FOUND);
    review_t *r;
    assert_int_equal(store_reviews(f->st, &p2, id, &r, &n), ST_NOT_FOUND);
    answerset_t *s;
    assert_int_equal(store_answers(f->st, &p2, id, &s), ST_NOT_FOUND);
    assert_null(s);
    /* A disabled-looking actor of no organization sees nothing either. */
    actor_t ghost = { 4242, 0, ORG_PARTNER, ROLE_ADMIN, false };
    assert_int_equal(store_assessment_list(f->st, &ghost, &v, &n), ST_OK);
    assert_int_equal(n, 0);
    assessment_list_free(v, n);
    assert_int_equal(store_assessment_get(f->st, &ghost, id, &x), ST_NOT_FOUND);

    /* Labels and codes of evaluations. */
    evaluation_t e;
    assert_int_equal(evaluation_parse("要改善", &e), 0);
    assert_int_equal(e, EVAL_IMPROVE);
    assert_int_equal(evaluation_parse("ng", &e), 0);
    assert_int_equal(e, EVAL_NG);
    assert_int_equal(evaluation_parse("bad", &e), -1);
    assert_int_equal(evaluation_parse(NULL, &e), -1);
    assert_string_equal(evaluation_label(EVAL_OK), "適");
    assert_string_equal(evaluation_code(EVAL_UNRATED), "unrated");
    assert_string_equal(evaluation_code((evaluation_t)9), "");
    actor_t br = who(f, "b-reviewer");
    W(f, ST_OK, step(f, "p-editor", id, ACT_SUBMIT, NULL));
    W(f, ST_INVALID, store_review_set(f->st, &br, id, 1, (evaluation_t)7, NULL));
    W(f, ST_INVALID, store_review_set(f->st, &br, id, 999, EVAL_OK, NULL));
    W(f, ST_OK, store_review_set(f->st, &br, id, 1, EVAL_NG, "不適です"));
    W(f, ST_OK, store_review_set(f->st, &br, id, 1, EVAL_OK, NULL));
    assert_int_equal(q_int(f, "SELECT version FROM reviews WHERE assessment_id = $1", id), 2);
}

/* ---- the whole trail ---------------------------------------------------- */

static void test_audit_events(void **state)
{
    fx_t *f = *state;
    int64_t id = open_round(f, "2026年度");
    W(f, ST_OK, save(f, "p-editor", id, 1, SIDE_PARTNER, "監査", 0));
    audit_row_t *rows;
    size_t n;
    audit_filter_t flt = { .object_type = "answer" };
    assert_int_equal(store_audit_log(f->st, &f->sys, &flt, &rows, &n), ST_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].action, "answer.save");
    char oid[64];
    snprintf(oid, sizeof oid, "%" PRId64 "/1/partner", id);
    assert_string_equal(rows[0].object_id, oid);
    assert_string_equal(rows[0].user_login, "p-editor");
    assert_null(rows[0].before);
    assert_non_null(strstr(rows[0].after, "監査"));
    audit_row_list_free(rows, n);
    W(f, ST_OK, save(f, "p-editor", id, 1, SIDE_PARTNER, "監査2", 1));
    assert_int_equal(store_audit_log(f->st, &f->sys, &flt, &rows, &n), ST_OK);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++)
        if (rows[i].before) {
            assert_non_null(strstr(rows[i].before, "監査"));
            assert_non_null(strstr(rows[i].after, "監査2"));
        }
    audit_row_list_free(rows, n);
    /* The parties find every event under their assessment; others nothing. */
    actor_t pe = who(f, "p-editor"), pv = who(f, "p-viewer"), p2 = who(f, "p2-admin");
    int64_t pl;
    W(f, ST_OK, store_plan_add(f->st, &pe, id, 1, SIDE_PARTNER, "計画", NULL, NULL, &pl));
    W(f, ST_OK, comment(f, "b-editor", id, 0, "全体"));
    char prefix[32];
    snprintf(prefix, sizeof prefix, "%" PRId64 "/", id);
    audit_filter_t fp = { .object_type = "plan", .object_id = prefix };
    assert_int_equal(store_audit_log(f->st, &pv, &fp, &rows, &n), ST_OK);
    assert_int_equal(n, 1);
    snprintf(oid, sizeof oid, "%" PRId64 "/%" PRId64, id, pl);
    assert_string_equal(rows[0].object_id, oid);
    assert_string_equal(rows[0].action, "plan.add");
    audit_row_list_free(rows, n);
    fp.object_type = "comment";
    assert_int_equal(store_audit_log(f->st, &pv, &fp, &rows, &n), ST_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].user_login, "b-editor");
    audit_row_list_free(rows, n);
    assert_int_equal(store_audit_log(f->st, &p2, &fp, &rows, &n), ST_NOT_FOUND);
    int64_t count, bad;
    assert_int_equal(store_audit_verify(f->st, &count, &bad), ST_OK);
    /* Tampering with an answer's event is detected. */
    assert_int_equal(db_exec(store_db(f->st), "UPDATE audit_events SET after_json = '{}'"
                                              " WHERE action = 'answer.save'"),
                     DB_OK);
    assert_int_equal(store_audit_verify(f->st, &count, &bad), ST_INVALID);
}

/* ---- APICHECK_STORE_BENCH=N: answer saves per second -------------------- */

static void test_bench_saves(void **state)
{
    fx_t *f = *state;
    const char *e = getenv("APICHECK_STORE_BENCH");
    int n = e ? (int)strtol(e, NULL, 10) : 0; /* n <= 0: no benchmark */
    if (n <= 0)
        return;
    int64_t id = open_round(f, "bench");
    actor_t pe = who(f, "p-editor");
    int64_t ver[46] = { 0 };
    char text[64];
    double t0 = now_s();
    for (int i = 0; i < n; i++) {
        int no = 1 + i % 8; /* partner items 1–8 */
        snprintf(text, sizeof text, "保存 %d", i);
        answer_t x = { .no = no, .side = SIDE_PARTNER, .status = STATUS_DONE, .current = text };
        assert_int_equal(store_answer_save(f->st, &pe, id, &x, ver[no], &ver[no]), ST_OK);
    }
    double dt = now_s() - t0;
    printf("# bench %s: %d answer saves (store_answer_save, one transaction and one audit event"
           " each) in %.3f s = %.0f saves/s\n",
           f->pg ? "pg" : "sqlite", n, dt, n / dt);
}

#define ALL(setup_fn)                                                                         \
    {                                                                                         \
        cmocka_unit_test_setup_teardown(test_round_trip, setup_fn, teardown),                 \
        cmocka_unit_test_setup_teardown(test_transitions, setup_fn, teardown),                \
        cmocka_unit_test_setup_teardown(test_frozen_answers, setup_fn, teardown),             \
        cmocka_unit_test_setup_teardown(test_forbidden_edits, setup_fn, teardown),            \
        cmocka_unit_test_setup_teardown(test_permission_matrix, setup_fn, teardown),          \
        cmocka_unit_test_setup_teardown(test_conflict, setup_fn, teardown),                   \
        cmocka_unit_test_setup_teardown(test_profile, setup_fn, teardown),                    \
        cmocka_unit_test_setup_teardown(test_carry_over, setup_fn, teardown),                 \
        cmocka_unit_test_setup_teardown(test_selection, setup_fn, teardown),                  \
        cmocka_unit_test_setup_teardown(test_import, setup_fn, teardown),                     \
        cmocka_unit_test_setup_teardown(test_plans, setup_fn, teardown),                      \
        cmocka_unit_test_setup_teardown(test_comments_and_lists, setup_fn, teardown),         \
        cmocka_unit_test_setup_teardown(test_audit_events, setup_fn, teardown),               \
        cmocka_unit_test_setup_teardown(test_bench_saves, setup_fn, teardown),                \
    }

int main(void)
{
    const struct CMUnitTest sqlite_tests[] = ALL(setup_sqlite);
    const struct CMUnitTest pg_tests[] = ALL(setup_pg);
    return TU_RUN_ENGINES("store-assessment", sqlite_tests, pg_tests);
}
