/*
 * store_session.c — sign-in state kept in the database so that several
 * servers can share it: sessions (hashed tokens, idle and absolute expiry,
 * rotation), CSRF tokens derived from them, throttling of failed sign-ins,
 * API tokens and the TOTP second factor.  See store.h.
 */
#include "db/store_impl.h"

#include "core/totp.h"
#include "util/xmem.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- time as the store writes it ---------------------------------------- */

static void iso_at(time_t t, char out[DB_NOW_LEN])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, DB_NOW_LEN, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

static time_t iso_parse(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                     &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm);
}

/* ---- tokens -------------------------------------------------------------- */

static void new_token(char token[STORE_TOKEN_LEN])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(token, STORE_TOKEN_LEN, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

static bool token_shape_ok(const char *t)
{
    if (!t || strlen(t) != STORE_TOKEN_LEN - 1)
        return false;
    for (const char *p = t; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return false;
    return true;
}

/* The stored form of a token: SHA-256, hex. */
static void token_hash(const char *token, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(out, 65, h, sizeof h);
}

void store_csrf_token(const char *session_token, char out[STORE_TOKEN_LEN])
{
    static const unsigned char key[] = "apicheck csrf token v1 ---------"; /* 32 bytes */
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)session_token,
                       strlen(session_token), key, 32);
    sodium_bin2base64(out, STORE_TOKEN_LEN, h, sizeof h,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool store_csrf_check(const char *session_token, const char *presented)
{
    if (!session_token || !presented || strlen(presented) != STORE_TOKEN_LEN - 1)
        return false;
    char want[STORE_TOKEN_LEN];
    store_csrf_token(session_token, want);
    return sodium_memcmp(want, presented, STORE_TOKEN_LEN - 1) == 0;
}

/* ---- sessions ------------------------------------------------------------ */

int store_session_create(store_t *st, int64_t user_id, bool totp_pending,
                         char token[STORE_TOKEN_LEN])
{
    char hash[65], now[DB_NOW_LEN], expires[DB_NOW_LEN];
    new_token(token);
    token_hash(token, hash);
    time_t t = time(NULL);
    iso_at(t, now);
    iso_at(t + STORE_SESSION_MAX_S, expires);
    actor_t a = { 0 };
    int rc = store_actor_by_id(st, user_id, &a);
    if (rc)
        return rc;
    if ((rc = st_begin_write(st)))
        return rc;
    /* Expired sessions go as new ones come. */
    if ((rc = st_exec(st, NULL, "DELETE FROM sessions WHERE expires_at < $1", "s", now)) ||
        (rc = st_exec(st, NULL,
                      "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, "
                      "expires_at, stage) VALUES ($1, $2, $3, $3, $4, $5)",
                      "sisss", hash, user_id, now, expires, totp_pending ? "totp" : "full")) ||
        (rc = store_audit_append(st, &a, totp_pending ? "session.password" : "session.login",
                                 "user", "self", NULL, NULL)))
        return st_abort(st, rc);
    return st_commit(st);
}

void st_touch(store_t *st, st_touch_t what, const char *hash, const char *now)
{
    if (what == ST_TOUCH_NONE)
        return;
    if (st->read_depth > 0) {
        st->touch_what = what;
        snprintf(st->touch_hash, sizeof st->touch_hash, "%s", hash);
        snprintf(st->touch_at, sizeof st->touch_at, "%s", now);
        return;
    }
    /* Best effort: a session idles out after STORE_SESSION_IDLE_S, not
     * after a minute, so a touch lost to a busy database costs nothing. */
    db_lock_wait_brief(st->db, true);
    st_exec(st, NULL,
            what == ST_TOUCH_SESSION
                ? "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2"
                : "UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2",
            "ss", now, hash);
    db_lock_wait_brief(st->db, false);
}

int store_session_find(store_t *st, const char *token, actor_t *out, bool *totp_pending,
                       char *login, size_t loginsz)
{
    if (login && loginsz)
        login[0] = '\0';
    if (!token_shape_ok(token))
        return st_fail(st, ST_NOT_FOUND, "ログインしてください", "please sign in");
    char hash[65], now[DB_NOW_LEN], idle[DB_NOW_LEN], fresh[DB_NOW_LEN];
    token_hash(token, hash);
    time_t t = time(NULL);
    iso_at(t, now);
    iso_at(t - STORE_SESSION_IDLE_S, idle);
    iso_at(t - 60, fresh);
    /* Every request asks this: the session, its user (enabled) and the
     * user's organization (enabled) in one statement; inside a read
     * snapshot also the audit chain's head, which the page cache asks for
     * next (store_audit_head answers from the memo). */
#define SESSION_FIND(head_cols, head_join)                                                   \
    "SELECT " USER_COLS ", s.stage, s.last_seen_at, u.login" head_cols                       \
    " FROM sessions s JOIN users u ON u.id = s.user_id"                                      \
    " LEFT JOIN organizations o ON o.id = u.org_id" head_join                                \
    " WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3"                 \
    " AND u.disabled = 0 AND (o.id IS NULL OR o.disabled = 0)"
    bool with_head = st->read_depth > 0;
    int step;
    db_stmt_t *s = st_query(st, &step,
                            with_head ? SESSION_FIND(", e.seq, e.hash", ST_AUDIT_HEAD_JOIN)
                                      : SESSION_FIND("", ""),
                            "sss", hash, now, idle);
#undef SESSION_FIND
    if (!s)
        return st->last_rc;
    if (step != DB_ROW) {
        db_finalize(s);
        return st_fail(st, ST_NOT_FOUND, "ログインしてください", "please sign in");
    }
    st_actor_from_row(s, out);
    bool pending = strcmp(db_col_text(s, 5), "totp") == 0;
    bool stale = strcmp(db_col_text(s, 6), fresh) < 0;
    if (login && loginsz)
        snprintf(login, loginsz, "%s", db_col_text(s, 7));
    if (with_head)
        st_head_keep(st, 0, db_col_is_null(s, 8) ? 0 : db_col_int64(s, 8), db_col_text(s, 9),
                     NULL);
    db_finalize(s);
    if (stale)
        st_touch(st, ST_TOUCH_SESSION, hash, now);
    if (totp_pending)
        *totp_pending = pending;
    return ST_OK;
}

int store_session_actor(store_t *st, const char *token, actor_t *out, bool *totp_pending)
{
    return store_session_find(st, token, out, totp_pending, NULL, 0);
}

int store_session_promote(store_t *st, const char *old_token, char token[STORE_TOKEN_LEN])
{
    actor_t a;
    bool pending;
    int rc = store_session_actor(st, old_token, &a, &pending);
    if (rc)
        return rc;
    char old_hash[65], hash[65], now[DB_NOW_LEN], expires[DB_NOW_LEN];
    token_hash(old_token, old_hash);
    new_token(token);
    token_hash(token, hash);
    time_t t = time(NULL);
    iso_at(t, now);
    iso_at(t + STORE_SESSION_MAX_S, expires);
    if ((rc = st_begin_write(st)))
        return rc;
    if ((rc = st_exec(st, NULL, "DELETE FROM sessions WHERE token_hash = $1", "s", old_hash)) ||
        (rc = st_exec(st, NULL,
                      "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, "
                      "expires_at, stage) VALUES ($1, $2, $3, $3, $4, 'full')",
                      "siss", hash, a.user_id, now, expires)) ||
        (rc = store_audit_append(st, &a, "session.login", "user", "self", NULL, "{\"totp\":true}")))
        return st_abort(st, rc);
    return st_commit(st);
}

int store_session_end(store_t *st, const char *token)
{
    if (!token_shape_ok(token))
        return ST_OK;
    char hash[65];
    token_hash(token, hash);
    return st_exec(st, NULL, "DELETE FROM sessions WHERE token_hash = $1", "s", hash);
}

int store_session_end_user(store_t *st, int64_t user_id, const char *keep)
{
    char hash[65] = "";
    if (keep && token_shape_ok(keep))
        token_hash(keep, hash);
    return st_exec(st, NULL, "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2", "is",
                   user_id, hash);
}

/* ---- throttling ---------------------------------------------------------- */

#define THROTTLE_WINDOW_S (15 * 60)
#define THROTTLE_FREE 5          /* failures before any wait */
#define THROTTLE_MAX_WAIT_S (15 * 60)

int store_login_wait(store_t *st, const char *key, int *wait_s)
{
    *wait_s = 0;
    char since[DB_NOW_LEN];
    time_t t = time(NULL);
    iso_at(t - THROTTLE_WINDOW_S, since);
    int step;
    db_stmt_t *s = st_query(
        st, &step,
        "SELECT count(*), max(occurred_at) FROM login_attempts WHERE attempt_key = $1 "
        "AND success = 0 AND occurred_at > $2 AND occurred_at > COALESCE((SELECT "
        "max(occurred_at) FROM login_attempts WHERE attempt_key = $1 AND success = 1), '')",
        "ss", key, since);
    if (!s)
        return st->last_rc;
    int64_t failures = step == DB_ROW ? db_col_int64(s, 0) : 0;
    time_t last = step == DB_ROW ? iso_parse(db_col_text(s, 1)) : 0;
    db_finalize(s);
    if (failures >= THROTTLE_FREE) {
        int64_t extra = failures - THROTTLE_FREE;
        int64_t backoff = extra >= 10 ? THROTTLE_MAX_WAIT_S : (int64_t)1 << extra;
        if (backoff > THROTTLE_MAX_WAIT_S)
            backoff = THROTTLE_MAX_WAIT_S;
        int64_t left = (int64_t)last + backoff - (int64_t)t;
        *wait_s = left > 0 ? (int)left : 0;
    }
    return ST_OK;
}

int store_login_record(store_t *st, const char *key, bool success)
{
    char now[DB_NOW_LEN], old[DB_NOW_LEN];
    time_t t = time(NULL);
    iso_at(t, now);
    iso_at(t - 24 * 60 * 60, old);
    int rc = st_exec(st, NULL, "DELETE FROM login_attempts WHERE occurred_at < $1", "s", old);
    if (rc)
        return rc;
    return st_exec(st, NULL,
                   "INSERT INTO login_attempts (attempt_key, occurred_at, success) "
                   "VALUES ($1, $2, $3)",
                   "ssi", key, now, (int64_t)(success ? 1 : 0));
}

/* ---- API tokens -------------------------------------------------------------- */

int store_token_create(store_t *st, const actor_t *a, const char *name,
                       char token[STORE_TOKEN_LEN], int64_t *id)
{
    if (!a->user_id)
        return st_wf_fail(st, WF_FORBIDDEN);
    if (!name || !*name || strlen(name) > 100)
        return st_fail(st, ST_INVALID, "トークンの名前は 1〜100 バイトです",
                       "a token name has 1 to 100 bytes");
    char hash[65], now[DB_NOW_LEN];
    new_token(token);
    token_hash(token, hash);
    db_now(now);
    int rc = st_begin_write(st);
    if (rc)
        return rc;
    int step;
    db_stmt_t *s = st_query(st, &step,
                            "INSERT INTO api_tokens (token_hash, user_id, name, created_at) "
                            "VALUES ($1, $2, $3, $4) RETURNING id",
                            "siss", hash, a->user_id, name, now);
    if (!s)
        return st_abort(st, st->last_rc);
    int64_t tid = db_col_int64(s, 0);
    db_finalize(s);
    char tid_s[24];
    snprintf(tid_s, sizeof tid_s, "%lld", (long long)tid);
    buf_t after = BUF_INIT(0);
    buf_adds(&after, "{\"name\":");
    st_json_str(&after, name);
    buf_addc(&after, '}');
    rc = store_audit_append(st, a, "token.create", "token", tid_s, NULL, buf_str(&after));
    buf_free(&after);
    return st_end_create(st, rc, id, tid);
}

int store_token_actor(store_t *st, const char *token, actor_t *out)
{
    if (!token_shape_ok(token))
        return st_fail(st, ST_NOT_FOUND, "API トークンが無効です", "invalid API token");
    char hash[65], now[DB_NOW_LEN];
    token_hash(token, hash);
    db_now(now);
    int step;
    db_stmt_t *s = st_query(st, &step,
                            "SELECT user_id, last_used_at FROM api_tokens WHERE token_hash = $1 "
                            "AND revoked = 0 AND (expires_at IS NULL OR expires_at > $2)",
                            "ss", hash, now);
    if (!s)
        return st->last_rc;
    if (step != DB_ROW) {
        db_finalize(s);
        return st_fail(st, ST_NOT_FOUND, "API トークンが無効です", "invalid API token");
    }
    int64_t uid = db_col_int64(s, 0);
    char *last = st_col_dup(s, 1);
    db_finalize(s);
    int rc = store_actor_by_id(st, uid, out);
    /* Record use at most once a minute: reads stay reads. */
    char fresh[DB_NOW_LEN];
    iso_at(time(NULL) - 60, fresh);
    if (rc == ST_OK && (!last || strcmp(last, fresh) < 0))
        st_touch(st, ST_TOUCH_TOKEN, hash, now);
    free(last);
    return rc;
}

int store_token_revoke(store_t *st, const actor_t *a, int64_t id)
{
    int rc = st_begin_write(st);
    if (rc)
        return rc;
    int64_t changed = 0;
    char id_s[24];
    snprintf(id_s, sizeof id_s, "%lld", (long long)id);
    if ((rc = st_exec(st, &changed,
                      "UPDATE api_tokens SET revoked = 1 WHERE id = $1 AND revoked = 0 AND "
                      "(user_id = $2 OR $3 = 1)",
                      "iii", id, a->user_id, (int64_t)(a->operator_ ? 1 : 0))))
        return st_abort(st, rc);
    if (changed == 0)
        return st_abort(st, st_fail(st, ST_NOT_FOUND, "トークン %lld はありません",
                                    "no token %lld", (long long)id));
    if ((rc = store_audit_append(st, a, "token.revoke", "token", id_s, NULL, NULL)))
        return st_abort(st, rc);
    return st_commit(st);
}

int store_token_list(store_t *st, const actor_t *a, api_token_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int step;
    db_stmt_t *s = st_query(st, &step,
                            "SELECT id, name, created_at, last_used_at, revoked FROM api_tokens "
                            "WHERE user_id = $1 ORDER BY id",
                            "i", a->user_id);
    if (!s)
        return st->last_rc;
    size_t cap = 0;
    for (; step == DB_ROW; step = db_step(s)) {
        *out = xgrow(*out, &cap, *n + 1, sizeof **out);
        api_token_t *t = &(*out)[(*n)++];
        t->id = db_col_int64(s, 0);
        t->name = st_col_dup(s, 1);
        t->created_at = st_col_dup(s, 2);
        t->last_used_at = st_col_dup(s, 3);
        t->revoked = db_col_int64(s, 4) != 0;
    }
    db_finalize(s);
    return step < 0 ? st_db_fail(st, step) : ST_OK;
}

void api_token_list_free(api_token_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].created_at);
        free(v[i].last_used_at);
    }
    free(v);
}

/* ---- TOTP ---------------------------------------------------------------- */

void store_totp_new_secret(char secret[STORE_TOTP_SECRET_LEN])
{
    unsigned char raw[TOTP_SECRET_BYTES];
    randombytes_buf(raw, sizeof raw);
    totp_base32_encode(raw, sizeof raw, secret);
    sodium_memzero(raw, sizeof raw);
}

/* Does code match the secret at a step after `after`?  Returns the step
 * matched, or 0. */
static uint64_t totp_match(const char *secret, const char *code, uint64_t after)
{
    unsigned char key[64];
    int n = totp_base32_decode(secret, key, sizeof key);
    int64_t want = totp_parse_code(code);
    if (n <= 0 || want < 0)
        return 0;
    uint64_t now = (uint64_t)time(NULL) / TOTP_STEP_S;
    uint64_t hit = 0;
    for (int d = -1; d <= 1 && !hit; d++) {
        uint64_t step = now + (uint64_t)(int64_t)d;
        if (step > after && totp_code(key, (size_t)n, step) == (uint32_t)want)
            hit = step;
    }
    sodium_memzero(key, sizeof key);
    return hit;
}

int store_totp_enable(store_t *st, const actor_t *a, const char *secret, const char *code)
{
    if (!a->user_id)
        return st_wf_fail(st, WF_FORBIDDEN);
    uint64_t step = totp_match(secret, code, 0);
    if (!step)
        return st_fail(st, ST_INVALID, "確認コードが違います", "the code does not match");
    int rc = st_begin_write(st);
    if (rc)
        return rc;
    if ((rc = st_exec(st, NULL,
                      "UPDATE users SET totp_secret = $1, totp_last_step = $2 WHERE id = $3",
                      "sii", secret, (int64_t)step, a->user_id)) ||
        (rc = store_audit_append(st, a, "user.totp", "user", "self", NULL, "{\"enabled\":true}")))
        return st_abort(st, rc);
    return st_commit(st);
}

int store_totp_disable(store_t *st, const actor_t *a)
{
    int rc = st_begin_write(st);
    if (rc)
        return rc;
    if ((rc = st_exec(st, NULL, "UPDATE users SET totp_secret = NULL WHERE id = $1", "i",
                      a->user_id)) ||
        (rc = store_audit_append(st, a, "user.totp", "user", "self", NULL, "{\"enabled\":false}")))
        return st_abort(st, rc);
    return st_commit(st);
}

bool store_totp_enabled(store_t *st, int64_t user_id)
{
    int step;
    db_stmt_t *s = st_query(st, &step, "SELECT totp_secret FROM users WHERE id = $1", "i",
                            user_id);
    if (!s)
        return false;
    bool on = step == DB_ROW && !db_col_is_null(s, 0);
    db_finalize(s);
    return on;
}

int store_totp_check(store_t *st, int64_t user_id, const char *code)
{
    int rc = st_begin_write(st);
    if (rc)
        return rc;
    int step;
    db_stmt_t *s = st_query(st, &step,
                            "SELECT totp_secret, totp_last_step FROM users WHERE id = $1", "i",
                            user_id);
    if (!s)
        return st_abort(st, st->last_rc);
    char *secret = step == DB_ROW ? st_col_dup(s, 0) : NULL;
    uint64_t last = step == DB_ROW ? (uint64_t)db_col_int64(s, 1) : 0;
    db_finalize(s);
    uint64_t hit = secret ? totp_match(secret, code, last) : 0;
    if (secret) {
        sodium_memzero(secret, strlen(secret));
        free(secret);
    }
    if (!hit)
        return st_abort(st, st_fail(st, ST_NOT_FOUND, "確認コードが違います",
                                    "the code does not match"));
    if ((rc = st_exec(st, NULL, "UPDATE users SET totp_last_step = $1 WHERE id = $2", "ii",
                      (int64_t)hit, user_id)))
        return st_abort(st, rc);
    return st_commit(st);
}
