/* Sign-in state in the store (store_session.c) on SQLite and, when
 * APICHECK_TEST_PG is set, PostgreSQL: sessions and their expiry and
 * rotation, CSRF tokens, throttling, API tokens and TOTP (with the RFC 6238
 * test vectors). */
#include "testutil.h"

#include "core/totp.h"
#include "db/store.h"
#include "util/xmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PG_SCHEMA "apicheck_session_unit"

typedef struct fx {
    bool pg;
    char url[1024];
    store_t *st;
    int64_t uid;
    actor_t user;
} fx_t;

static int setup(void **state, bool pg)
{
    fx_t *f = xcalloc(1, sizeof *f);
    f->pg = pg;
    assert_int_equal(tu_engine_url(pg, "session", PG_SCHEMA, f->url, sizeof f->url), 0);
    f->st = tu_store_open(f->url, pg, PG_SCHEMA, true);
    actor_t sys = store_system_actor();
    int64_t org;
    assert_int_equal(store_org_create(f->st, &sys, ORG_PARTNER, "かけいぼ", NULL, &org), ST_OK);
    user_t u = { 0 };
    u.login = "hanako";
    u.role = ROLE_EDITOR;
    u.org_id = org;
    assert_int_equal(store_user_create(f->st, &sys, &u, "a long enough password", &f->uid), ST_OK);
    assert_int_equal(store_actor(f->st, "hanako", &f->user), ST_OK);
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

static void test_totp_vectors(void **state)
{
    (void)state;
    const unsigned char *key = (const unsigned char *)"12345678901234567890";
    /* RFC 6238 appendix B (SHA-1), last six digits. */
    assert_int_equal(totp_code(key, 20, 59 / 30), 287082);
    assert_int_equal(totp_code(key, 20, 1111111109 / 30), 81804);
    assert_int_equal(totp_code(key, 20, 1234567890 / 30), 5924);
    assert_int_equal(totp_code(key, 20, 20000000000ULL / 30), 353130);
    char b32[64];
    totp_base32_encode(key, 20, b32);
    assert_string_equal(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    unsigned char back[32];
    assert_int_equal(totp_base32_decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq", back, sizeof back), 20);
    assert_memory_equal(back, key, 20);
    assert_int_equal(totp_base32_decode("GEZ1", back, sizeof back), -1);
    assert_int_equal(totp_parse_code("123 456"), 123456);
    assert_int_equal(totp_parse_code("12345"), -1);
    assert_int_equal(totp_parse_code("1234567"), -1);
    assert_int_equal(totp_parse_code("12a456"), -1);
}

static void test_sessions(void **state)
{
    fx_t *f = *state;
    char tok[STORE_TOKEN_LEN], tok2[STORE_TOKEN_LEN];
    assert_int_equal(store_session_create(f->st, f->uid, false, tok), ST_OK);
    assert_int_equal(strlen(tok), 43);
    actor_t a;
    bool pending = true;
    assert_int_equal(store_session_actor(f->st, tok, &a, &pending), ST_OK);
    assert_false(pending);
    assert_int_equal(a.user_id, f->uid);
    /* The one-query form gives the same actor and the login name. */
    actor_t b;
    char login[72] = "x", tiny[4];
    pending = true;
    assert_int_equal(store_session_find(f->st, tok, &b, &pending, login, sizeof login), ST_OK);
    assert_false(pending);
    assert_memory_equal(&a, &b, sizeof a);
    assert_string_equal(login, "hanako");
    assert_int_equal(store_session_find(f->st, tok, &b, NULL, tiny, sizeof tiny), ST_OK);
    assert_string_equal(tiny, "han");
    assert_int_equal(store_session_find(f->st, "short", &b, NULL, login, sizeof login),
                     ST_NOT_FOUND);
    assert_string_equal(login, "");
    /* Only the hash is stored. */
    db_stmt_t *s = db_prepare(store_db(f->st), "SELECT token_hash FROM sessions");
    assert_int_equal(db_step(s), DB_ROW);
    assert_string_not_equal(db_col_text(s, 0), tok);
    assert_int_equal(strlen(db_col_text(s, 0)), 64);
    db_finalize(s);
    /* CSRF: derived, stable, specific to the session. */
    char c1[STORE_TOKEN_LEN], c2[STORE_TOKEN_LEN];
    store_csrf_token(tok, c1);
    store_csrf_token(tok, c2);
    assert_string_equal(c1, c2);
    assert_true(store_csrf_check(tok, c1));
    assert_false(store_csrf_check(tok, "x"));
    assert_int_equal(store_session_create(f->st, f->uid, false, tok2), ST_OK);
    store_csrf_token(tok2, c2);
    assert_string_not_equal(c1, c2);
    assert_false(store_csrf_check(tok2, c1));
    /* Garbage and unknown tokens. */
    assert_int_equal(store_session_actor(f->st, "short", &a, NULL), ST_NOT_FOUND);
    char bogus[STORE_TOKEN_LEN];
    memset(bogus, 'A', 43);
    bogus[43] = '\0';
    assert_int_equal(store_session_actor(f->st, bogus, &a, NULL), ST_NOT_FOUND);
    /* Idle expiry. */
    assert_int_equal(db_exec(store_db(f->st),
                             "UPDATE sessions SET last_seen_at = '2000-01-01T00:00:00.000Z'"),
                     DB_OK);
    assert_int_equal(store_session_actor(f->st, tok, &a, NULL), ST_NOT_FOUND);
    /* Absolute expiry. */
    assert_int_equal(store_session_create(f->st, f->uid, false, tok), ST_OK);
    assert_int_equal(db_exec(store_db(f->st),
                             "UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z'"),
                     DB_OK);
    assert_int_equal(store_session_actor(f->st, tok, &a, NULL), ST_NOT_FOUND);
    /* Logout; ending a user's other sessions. */
    assert_int_equal(store_session_create(f->st, f->uid, false, tok), ST_OK);
    assert_int_equal(store_session_create(f->st, f->uid, false, tok2), ST_OK);
    assert_int_equal(store_session_end_user(f->st, f->uid, tok2), ST_OK);
    assert_int_equal(store_session_actor(f->st, tok, &a, NULL), ST_NOT_FOUND);
    assert_int_equal(store_session_actor(f->st, tok2, &a, NULL), ST_OK);
    assert_int_equal(store_session_end(f->st, tok2), ST_OK);
    assert_int_equal(store_session_actor(f->st, tok2, &a, NULL), ST_NOT_FOUND);
    /* A disabled user's session is dead. */
    assert_int_equal(store_session_create(f->st, f->uid, false, tok), ST_OK);
    assert_int_equal(db_exec(store_db(f->st), "UPDATE users SET disabled = 1"), DB_OK);
    assert_int_equal(store_session_actor(f->st, tok, &a, NULL), ST_NOT_FOUND);
}

/* The session's last use, as stored. */
static char *last_seen(fx_t *f)
{
    db_stmt_t *s = db_prepare(store_db(f->st), "SELECT last_seen_at FROM sessions");
    assert_int_equal(db_step(s), DB_ROW);
    char *v = xstrdup(db_col_text(s, 0));
    db_finalize(s);
    return v;
}

/* A page reads who asks and what it shows in one snapshot: the snapshot
 * nests (only the outermost pair begins and ends it), and a last-use touch
 * that falls due inside is written when it ends, not lost and not an error
 * (a write inside a read snapshot fails on both engines). */
static void test_session_in_snapshot(void **state)
{
    fx_t *f = *state;
    char tok[STORE_TOKEN_LEN];
    assert_int_equal(store_session_create(f->st, f->uid, false, tok), ST_OK);
    /* A minute and a half ago: due for a touch, well within the idle limit. */
    time_t t = time(NULL) - 90;
    struct tm tm;
    gmtime_r(&t, &tm);
    char ago[32];
    strftime(ago, sizeof ago, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
    db_stmt_t *up = db_prepare(store_db(f->st), "UPDATE sessions SET last_seen_at = $1");
    assert_non_null(up);
    assert_int_equal(db_bind_text(up, 1, ago), DB_OK);
    assert_int_equal(db_step(up), DB_DONE);
    db_finalize(up);
    actor_t a;
    assert_int_equal(store_read_begin(f->st), ST_OK);
    assert_int_equal(store_session_find(f->st, tok, &a, NULL, NULL, 0), ST_OK);
    assert_int_equal(store_read_begin(f->st), ST_OK); /* the page's own pair */
    assert_int_equal(store_session_find(f->st, tok, &a, NULL, NULL, 0), ST_OK);
    store_read_end(f->st);
    assert_true(db_in_transaction(store_db(f->st))); /* still the outer snapshot */
    char *v = last_seen(f);
    assert_string_equal(v, ago); /* not yet */
    free(v);
    store_read_end(f->st);
    assert_false(db_in_transaction(store_db(f->st)));
    v = last_seen(f);
    assert_true(strcmp(v, ago) > 0); /* touched at the end */
    free(v);
    /* A surplus end does nothing; a write works again afterwards. */
    store_read_end(f->st);
    int64_t seq0, seq1, seq2;
    char h0[65], h1[65], h2[65];
    assert_int_equal(store_audit_head(f->st, &seq0, h0), ST_OK);
    char tok2[STORE_TOKEN_LEN];
    assert_int_equal(store_session_create(f->st, f->uid, false, tok2), ST_OK); /* audited */
    /* The head read with the session inside a snapshot is the one stored. */
    assert_int_equal(store_read_begin(f->st), ST_OK);
    assert_int_equal(store_session_find(f->st, tok, &a, NULL, NULL, 0), ST_OK);
    assert_int_equal(store_audit_head(f->st, &seq1, h1), ST_OK);
    store_read_end(f->st);
    assert_int_equal(store_audit_head(f->st, &seq2, h2), ST_OK);
    assert_true(seq1 > seq0);
    assert_int_equal(seq1, seq2);
    assert_string_equal(h1, h2);
    assert_int_equal(strlen(h1), 64);
    /* The next snapshot reads it again: a later write shows. */
    assert_int_equal(store_session_create(f->st, f->uid, false, tok2), ST_OK); /* audited */
    assert_int_equal(store_read_begin(f->st), ST_OK);
    assert_int_equal(store_session_find(f->st, tok, &a, NULL, NULL, 0), ST_OK);
    assert_int_equal(store_audit_head(f->st, &seq2, h2), ST_OK);
    store_read_end(f->st);
    assert_int_equal(seq2, seq1 + 1);
    assert_string_not_equal(h1, h2);
    assert_int_equal(store_session_end(f->st, tok), ST_OK);
    assert_int_equal(store_session_actor(f->st, tok, &a, NULL), ST_NOT_FOUND);
}

static void test_throttle(void **state)
{
    fx_t *f = *state;
    int wait;
    for (int i = 0; i < 4; i++)
        assert_int_equal(store_login_record(f->st, "login:hanako", false), ST_OK);
    assert_int_equal(store_login_wait(f->st, "login:hanako", &wait), ST_OK);
    assert_int_equal(wait, 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(store_login_record(f->st, "login:hanako", false), ST_OK);
    assert_int_equal(store_login_wait(f->st, "login:hanako", &wait), ST_OK);
    assert_true(wait >= 15 && wait <= 16); /* 9 failures: 2^4 s after the last */
    /* Keys are independent. */
    assert_int_equal(store_login_wait(f->st, "ip:127.0.0.1", &wait), ST_OK);
    assert_int_equal(wait, 0);
    /* A success starts over. */
    sleep(1);
    assert_int_equal(store_login_record(f->st, "login:hanako", true), ST_OK);
    assert_int_equal(store_login_wait(f->st, "login:hanako", &wait), ST_OK);
    assert_int_equal(wait, 0);
}

static void test_api_tokens(void **state)
{
    fx_t *f = *state;
    char tok[STORE_TOKEN_LEN];
    int64_t id;
    assert_int_equal(store_token_create(f->st, &f->user, "会計システム連携", tok, &id), ST_OK);
    actor_t a;
    assert_int_equal(store_token_actor(f->st, tok, &a), ST_OK);
    assert_int_equal(a.user_id, f->uid);
    api_token_t *v;
    size_t n;
    assert_int_equal(store_token_list(f->st, &f->user, &v, &n), ST_OK);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].name, "会計システム連携");
    api_token_list_free(v, n);
    actor_t other = f->user;
    other.user_id = 999;
    assert_int_equal(store_token_revoke(f->st, &other, id), ST_NOT_FOUND);
    assert_int_equal(store_token_revoke(f->st, &f->user, id), ST_OK);
    assert_int_equal(store_token_actor(f->st, tok, &a), ST_NOT_FOUND);
    assert_int_equal(store_token_create(f->st, &f->user, "", tok, &id), ST_INVALID);
    /* A token's first use inside a read snapshot (a page asked with a
     * bearer token): the snapshot goes on working, the use is recorded
     * when it ends. */
    assert_int_equal(store_token_create(f->st, &f->user, "ページ閲覧", tok, &id), ST_OK);
    assert_int_equal(db_exec(store_db(f->st), "UPDATE api_tokens SET last_used_at = NULL"),
                     DB_OK);
    assert_int_equal(store_read_begin(f->st), ST_OK);
    assert_int_equal(store_token_actor(f->st, tok, &a), ST_OK);
    int64_t seq;
    char head[65];
    assert_int_equal(store_audit_head(f->st, &seq, head), ST_OK); /* a query after it */
    assert_true(seq > 0);
    store_read_end(f->st);
    db_stmt_t *s = db_prepare(store_db(f->st),
                              "SELECT count(*) FROM api_tokens WHERE last_used_at IS NOT NULL");
    assert_int_equal(db_step(s), DB_ROW);
    assert_int_equal(db_col_int64(s, 0), 1);
    db_finalize(s);
}

static void code_now(const char *secret, int64_t delta_steps, char out[8])
{
    unsigned char key[64];
    int n = totp_base32_decode(secret, key, sizeof key);
    assert_true(n > 0);
    uint64_t step = (uint64_t)time(NULL) / TOTP_STEP_S + (uint64_t)delta_steps;
    snprintf(out, 8, "%06u", totp_code(key, (size_t)n, step));
}

static void test_totp_store(void **state)
{
    fx_t *f = *state;
    char secret[STORE_TOTP_SECRET_LEN], code[8];
    store_totp_new_secret(secret);
    assert_int_equal(strlen(secret), 32);
    assert_false(store_totp_enabled(f->st, f->uid));
    assert_int_equal(store_totp_enable(f->st, &f->user, secret, "000000x"), ST_INVALID);
    code_now(secret, 5, code); /* far from now */
    assert_int_equal(store_totp_enable(f->st, &f->user, secret, code), ST_INVALID);
    code_now(secret, 0, code);
    assert_int_equal(store_totp_enable(f->st, &f->user, secret, code), ST_OK);
    assert_true(store_totp_enabled(f->st, f->uid));
    /* The code used to enable cannot be used again; the next step can. */
    assert_int_equal(store_totp_check(f->st, f->uid, code), ST_NOT_FOUND);
    code_now(secret, 1, code);
    assert_int_equal(store_totp_check(f->st, f->uid, code), ST_OK);
    assert_int_equal(store_totp_check(f->st, f->uid, code), ST_NOT_FOUND);
    /* Sessions awaiting the second factor, then promoted and rotated. */
    char tok[STORE_TOKEN_LEN], tok2[STORE_TOKEN_LEN];
    assert_int_equal(store_session_create(f->st, f->uid, true, tok), ST_OK);
    actor_t a;
    bool pending = false;
    assert_int_equal(store_session_actor(f->st, tok, &a, &pending), ST_OK);
    assert_true(pending);
    assert_int_equal(store_session_promote(f->st, tok, tok2), ST_OK);
    assert_int_equal(store_session_actor(f->st, tok, &a, &pending), ST_NOT_FOUND);
    assert_int_equal(store_session_actor(f->st, tok2, &a, &pending), ST_OK);
    assert_false(pending);
    assert_int_equal(store_totp_disable(f->st, &f->user), ST_OK);
    assert_false(store_totp_enabled(f->st, f->uid));
}

int main(void)
{
    const struct CMUnitTest sq[] = {
        cmocka_unit_test(test_totp_vectors),
        cmocka_unit_test_setup_teardown(test_sessions, setup_sqlite, teardown),
        cmocka_unit_test_setup_teardown(test_session_in_snapshot, setup_sqlite, teardown),
        cmocka_unit_test_setup_teardown(test_throttle, setup_sqlite, teardown),
        cmocka_unit_test_setup_teardown(test_api_tokens, setup_sqlite, teardown),
        cmocka_unit_test_setup_teardown(test_totp_store, setup_sqlite, teardown),
    };
    const struct CMUnitTest pg_tests[] = {
        cmocka_unit_test_setup_teardown(test_sessions, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_session_in_snapshot, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_throttle, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_api_tokens, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_totp_store, setup_pg, teardown),
    };
    return TU_RUN_ENGINES("session", sq, pg_tests);
}
