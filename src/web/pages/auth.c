/*
 * auth.c — the sign-in page family (see pages.h): sign-in with throttling,
 * the TOTP second step, sign-out, the language switch, and the account
 * page (password change, TOTP, API tokens).
 *
 * Rules kept here:
 *   - a wrong login and a wrong password give the same page;
 *   - failed attempts are counted in the database per login name and per
 *     client address (store_login_wait / store_login_record), so every
 *     server behind a load balancer sees them; a wait is a 429 with
 *     Retry-After;
 *   - every sign-in makes a fresh session token (the old one, if any, ends),
 *     and so does passing the second factor;
 *   - passwords and tokens go only in POST bodies, never in a URL or a log;
 *     an API token is shown once, on the page that created it;
 *   - pages of this family refuse API bearer tokens (403): a token acts on
 *     the JSON API only and can neither mint tokens nor change a password.
 */
#include "web/pages/pages.h"

#include "util/buf.h"
#include "util/xmem.h"
#include "web/ctx.h"
#include "web/html.h"
#include "web/web.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOGIN_FIELD_MAX 64
#define PASSWORD_MIN 10
#define PASSWORD_MAX 1024

/* ---- small helpers ------------------------------------------------------ */

/* 303 to a local path, then the session cookie (token, "" to clear, or
 * NULL to leave it alone): http_resp_redirect starts the response afresh,
 * so headers come after it. */
static int redirect_with(web_ctx_t *c, const char *location, const char *token)
{
    if (http_resp_redirect(c->resp, location) != 0)
        return 500;
    if (token)
        web_set_session_cookie(c, *token ? token : NULL);
    return 0;
}

/* next: a local path to go to after sign-in, else "/". */
static const char *next_or_root(const char *next)
{
    if (next && *next && http_local_path_ok(next) && strncmp(next, "/login", 6) != 0 &&
        strncmp(next, "/logout", 7) != 0)
        return next;
    return "/";
}

/* Throttle keys: "u:" + the login folded to lower case (bounded), and
 * "ip:" + the client address. */
static void key_login(const char *login, char out[96])
{
    size_t w = 0;
    out[w++] = 'u';
    out[w++] = ':';
    for (const char *p = login ? login : ""; *p && w < 95; p++)
        out[w++] = (char)tolower((unsigned char)*p);
    out[w] = '\0';
}

static void key_addr(const http_req_t *req, char out[96])
{
    snprintf(out, 96, "ip:%s", req->remote[0] ? req->remote : "-");
}

/* The longest wait any of the keys asks for; -1 when the store failed. */
static int throttle_wait(web_ctx_t *c, const char *k1, const char *k2)
{
    int w1 = 0, w2 = 0;
    if (store_login_wait(c->st, k1, &w1) != ST_OK)
        return -1;
    if (k2 && store_login_wait(c->st, k2, &w2) != ST_OK)
        return -1;
    return w1 > w2 ? w1 : w2;
}

static void set_retry_after(web_ctx_t *c, int wait_s)
{
    char v[24];
    snprintf(v, sizeof v, "%d", wait_s > 0 ? wait_s : 1);
    http_resp_header(c->resp, "Retry-After", v);
}

static void throttle_message(web_ctx_t *c, html_t *h, int wait_s)
{
    char msg[256];
    snprintf(msg, sizeof msg,
             web_tr(c, "失敗が続いたため、しばらくログインできません。%d 秒後にやり直してください。",
                    "Too many failed attempts. Try again in %d seconds."),
             wait_s);
    web_notice(h, true, msg);
}

static void button(html_t *h, const char *text, const char *name, const char *value,
                   const char *cls)
{
    if (name)
        html_open(h, "button", "type", "submit", "name", name, "value", value, "class", cls,
                  NULL);
    else
        html_open(h, "button", "type", "submit", "class", cls, NULL);
    html_txt(h, text);
    html_close(h, "button");
}

static void field(html_t *h, const char *label, const char *type, const char *name,
                  const char *value, const char *autocomplete)
{
    char id[48];
    snprintf(id, sizeof id, "f-%s", name);
    html_open(h, "label", "for", id, NULL);
    html_txt(h, label);
    html_close(h, "label");
    html_open(h, "input", "type", type, "id", id, "name", name, "value", value ? value : "",
              "autocomplete", autocomplete, NULL);
}

/* ---- sign-in ------------------------------------------------------------ */

/* The sign-in page; error (may be NULL) shown above the form, or the
 * throttle message when wait_s > 0. */
static int login_page(web_ctx_t *c, const char *login, const char *next, const char *error,
                      int wait_s)
{
    html_t h;
    html_init(&h, &c->resp->body);
    web_page_begin(c, &h, web_tr(c, "ログイン", "Sign in"));
    if (wait_s > 0)
        throttle_message(c, &h, wait_s);
    else if (error)
        web_notice(&h, true, error);
    html_open(&h, "form", "method", "post", "action", "/login", "class", "auth", NULL);
    if (c->csrf[0])
        html_csrf_field(&h, c->csrf);
    html_open(&h, "input", "type", "hidden", "name", "next", "value", next_or_root(next), NULL);
    field(&h, web_tr(c, "ログイン名", "Login"), "text", "login", login, "username");
    field(&h, web_tr(c, "パスワード", "Password"), "password", "password", NULL,
          "current-password");
    html_open(&h, "p", NULL);
    button(&h, web_tr(c, "ログイン", "Sign in"), NULL, NULL, "primary");
    html_close(&h, "p");
    html_close(&h, "form");
    web_page_end(c, &h);
    return html_failed(&h) ? 500 : 0;
}

/* GET /login */
static int page_login(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                      void *ctxp)
{
    (void)resp;
    (void)p;
    web_ctx_t *c = ctxp;
    const char *next = http_param(req, "next");
    if (c->authed && !c->bearer)
        return http_resp_redirect(c->resp, next_or_root(next)) == 0 ? 0 : 500;
    if (c->totp_pending)
        return http_resp_redirect(c->resp, "/login/totp") == 0 ? 0 : 500;
    if (!c->st)
        return 503;
    return login_page(c, NULL, next, NULL, 0);
}

/* Has this user ever set their own password (rather than using one an
 * operator, an admin or `serve` gave them)? */
static bool password_changed_by_self(web_ctx_t *c, const actor_t *a, const char *login)
{
    audit_filter_t f = { 0 };
    f.object_type = "user";
    f.object_id = login;
    f.user_login = login;
    f.limit = 1000;
    audit_row_t *rows = NULL;
    size_t n = 0;
    bool changed = true; /* when the trail cannot be read, do not nag */
    if (store_audit_log(c->st, a, &f, &rows, &n) == ST_OK) {
        changed = false;
        for (size_t i = 0; i < n; i++)
            if (rows[i].action && strcmp(rows[i].action, "user.password") == 0 &&
                rows[i].user_id == a->user_id)
                changed = true;
    }
    audit_row_list_free(rows, n);
    return changed;
}

/* POST /login */
static int post_login(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                      void *ctxp)
{
    (void)resp;
    (void)p;
    web_ctx_t *c = ctxp;
    if (!c->st)
        return 503;
    const char *login = http_form(req, "login");
    const char *password = http_form(req, "password");
    const char *next = http_form(req, "next");
    const char *bad = web_tr(c, "ログイン名またはパスワードが違います",
                             "Wrong login or password");
    if (!login || !*login || !password || !*password) {
        c->resp->status = 400;
        return login_page(c, login, next, web_tr(c, "ログイン名とパスワードを入力してください",
                                                 "Enter your login and password"),
                          0);
    }
    char kl[96], ka[96];
    key_login(login, kl);
    key_addr(req, ka);
    int wait_s = throttle_wait(c, kl, ka);
    if (wait_s < 0)
        return 503;
    if (wait_s > 0) {
        c->resp->status = 429;
        set_retry_after(c, wait_s);
        return login_page(c, login, next, NULL, wait_s);
    }
    actor_t a;
    int rc;
    if (strlen(login) > LOGIN_FIELD_MAX || strlen(password) > PASSWORD_MAX) {
        rc = ST_NOT_FOUND; /* no such account can exist: the same answer */
    } else {
        web_app_login_enter(c->app);
        rc = store_login(c->st, login, password, &a);
        web_app_login_leave(c->app);
    }
    if (rc == ST_NOT_FOUND) {
        store_login_record(c->st, kl, false);
        store_login_record(c->st, ka, false);
        c->resp->status = 401;
        return login_page(c, login, next, bad, 0);
    }
    if (rc != ST_OK)
        return web_status(rc);
    /* Only the login's counter is cleared by a success: an address that
     * guesses cannot reset its own count by signing in to its own account. */
    store_login_record(c->st, kl, true);
    bool second = store_totp_enabled(c->st, a.user_id);
    char token[STORE_TOKEN_LEN];
    if ((rc = store_session_create(c->st, a.user_id, second, token)) != ST_OK)
        return web_status(rc);
    if (c->session[0])
        store_session_end(c->st, c->session);
    if (second) {
        buf_t loc = BUF_INIT(HTTP_MAX_TARGET + 64);
        buf_adds(&loc, "/login/totp?next=");
        html_url_encode(&loc, next_or_root(next));
        int r = redirect_with(c, buf_str(&loc), token);
        buf_free(&loc);
        return r;
    }
    /* An operator still on the password they were given goes to change it. */
    if (a.operator_ && !password_changed_by_self(c, &a, login))
        return redirect_with(c, "/account?first=1", token);
    return redirect_with(c, next_or_root(next), token);
}

/* ---- the second factor -------------------------------------------------- */

static int totp_page(web_ctx_t *c, const char *next, const char *error, int wait_s)
{
    html_t h;
    html_init(&h, &c->resp->body);
    web_page_begin(c, &h, web_tr(c, "確認コード", "Verification code"));
    if (wait_s > 0)
        throttle_message(c, &h, wait_s);
    else if (error)
        web_notice(&h, true, error);
    html_el(&h, "p", web_tr(c, "認証アプリに表示されている 6 桁のコードを入力してください。",
                            "Enter the 6-digit code your authenticator app shows."));
    html_open(&h, "form", "method", "post", "action", "/login/totp", "class", "auth", NULL);
    html_csrf_field(&h, c->csrf);
    html_open(&h, "input", "type", "hidden", "name", "next", "value", next_or_root(next), NULL);
    field(&h, web_tr(c, "確認コード", "Code"), "text", "code", NULL, "one-time-code");
    html_open(&h, "p", NULL);
    button(&h, web_tr(c, "確認", "Verify"), NULL, NULL, "primary");
    html_close(&h, "p");
    html_close(&h, "form");
    web_page_end(c, &h);
    return html_failed(&h) ? 500 : 0;
}

/* GET /login/totp */
static int page_totp(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                     void *ctxp)
{
    (void)resp;
    (void)p;
    web_ctx_t *c = ctxp;
    if (!c->totp_pending)
        return http_resp_redirect(c->resp, next_or_root(http_param(req, "next"))) == 0 ? 0
                                                                                       : 500;
    return totp_page(c, http_param(req, "next"), NULL, 0);
}

/* POST /login/totp */
static int post_totp(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                     void *ctxp)
{
    (void)resp;
    (void)p;
    web_ctx_t *c = ctxp;
    const char *next = http_form(req, "next");
    if (!c->totp_pending)
        return http_resp_redirect(c->resp, next_or_root(next)) == 0 ? 0 : 500;
    char kt[96], ka[96];
    snprintf(kt, sizeof kt, "totp:%lld", (long long)c->actor.user_id);
    key_addr(req, ka);
    int wait_s = throttle_wait(c, kt, ka);
    if (wait_s < 0)
        return 503;
    if (wait_s > 0) {
        c->resp->status = 429;
        set_retry_after(c, wait_s);
        return totp_page(c, next, NULL, wait_s);
    }
    const char *code = http_form(req, "code");
    int rc = code && *code ? store_totp_check(c->st, c->actor.user_id, code) : ST_NOT_FOUND;
    if (rc == ST_NOT_FOUND) {
        store_login_record(c->st, kt, false);
        store_login_record(c->st, ka, false);
        c->resp->status = 401;
        return totp_page(c, next, web_tr(c, "確認コードが違います", "The code does not match"),
                         0);
    }
    if (rc != ST_OK)
        return web_status(rc);
    store_login_record(c->st, kt, true);
    char token[STORE_TOKEN_LEN];
    if ((rc = store_session_promote(c->st, c->session, token)) != ST_OK)
        return web_status(rc);
    return redirect_with(c, next_or_root(next), token);
}

/* ---- sign-out and language ---------------------------------------------- */

/* POST /logout — public, so that a stale cookie can always be cleared. */
static int post_logout(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                       void *ctxp)
{
    (void)req;
    (void)resp;
    (void)p;
    web_ctx_t *c = ctxp;
    if (c->bearer)
        return 403;
    if (c->st && c->session[0])
        store_session_end(c->st, c->session);
    return redirect_with(c, "/login", "");
}

/* POST /lang — lang=ja|en, remembered in the "lang" cookie (a year). */
static int post_lang(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                     void *ctxp)
{
    (void)resp;
    (void)p;
    web_ctx_t *c = ctxp;
    const char *lang = http_form(req, "lang");
    if (!lang || (strcmp(lang, "ja") != 0 && strcmp(lang, "en") != 0))
        return 400;
    const char *next = http_form(req, "next");
    if (http_resp_redirect(c->resp, next && http_local_path_ok(next) ? next : "/") != 0)
        return 500;
    char v[96];
    snprintf(v, sizeof v, "lang=%s; Path=/; Max-Age=31536000; SameSite=Lax%s", lang,
             req->tls ? "; Secure" : "");
    http_resp_header(c->resp, "Set-Cookie", v);
    return 0;
}

/* ---- the account page --------------------------------------------------- */

typedef struct account_view {
    const char *notice;      /* success message */
    const char *error;       /* failure message */
    const char *new_token;   /* an API token just created: shown once */
    const char *token_name;
} account_view_t;

static void section_password(web_ctx_t *c, html_t *h)
{
    html_open(h, "section", "id", "password", "class", "panel", NULL);
    html_el(h, "h2", web_tr(c, "パスワードの変更", "Change password"));
    html_open(h, "form", "method", "post", "action", "/account/password", NULL);
    html_csrf_field(h, c->csrf);
    field(h, web_tr(c, "現在のパスワード", "Current password"), "password", "current", NULL,
          "current-password");
    field(h, web_tr(c, "新しいパスワード (10 文字以上)", "New password (10 characters or more)"),
          "password", "password", NULL, "new-password");
    field(h, web_tr(c, "新しいパスワード (確認)", "New password (again)"), "password",
          "password2", NULL, "new-password");
    html_open(h, "p", NULL);
    button(h, web_tr(c, "変更する", "Change"), NULL, NULL, "primary");
    html_close(h, "p");
    html_close(h, "form");
    html_el(h, "p",
            web_tr(c, "変更すると、このブラウザー以外のログインはすべて終了します。",
                   "Changing it signs you out everywhere except in this browser."));
    html_close(h, "section");
}

static void section_totp(web_ctx_t *c, html_t *h)
{
    bool on = store_totp_enabled(c->st, c->actor.user_id);
    html_open(h, "section", "id", "totp", "class", "panel", NULL);
    html_el(h, "h2", web_tr(c, "二要素認証 (TOTP)", "Two-factor sign-in (TOTP)"));
    if (on) {
        html_el(h, "p", web_tr(c, "有効です。ログインのたびに認証アプリのコードを求めます。",
                               "On: every sign-in asks for a code from your authenticator app."));
        html_open(h, "form", "method", "post", "action", "/account/totp", NULL);
        html_csrf_field(h, c->csrf);
        html_open(h, "input", "type", "hidden", "name", "action", "value", "disable", NULL);
        field(h, web_tr(c, "確認コード", "Code"), "text", "code", NULL, "one-time-code");
        html_open(h, "p", NULL);
        button(h, web_tr(c, "無効にする", "Turn off"), NULL, NULL, "secondary");
        html_close(h, "p");
        html_close(h, "form");
    } else {
        html_el(h, "p", web_tr(c, "無効です。", "Off."));
        html_open(h, "p", NULL);
        html_link(h, "/account/totp", web_tr(c, "有効にする", "Turn on"));
        html_close(h, "p");
    }
    html_close(h, "section");
}

static void section_tokens(web_ctx_t *c, html_t *h, const account_view_t *v)
{
    html_open(h, "section", "id", "tokens", "class", "panel", NULL);
    html_el(h, "h2", web_tr(c, "API トークン", "API tokens"));
    html_el(h, "p",
            web_tr(c, "プログラムから JSON API (/api/v1) を使うためのトークンです。"
                      "Authorization: Bearer ヘッダーで送ります。画面 (HTML) には使えません。",
                   "Tokens let programs use the JSON API (/api/v1) with an "
                   "Authorization: Bearer header. They do not open the pages."));
    if (v && v->new_token) {
        html_open(h, "div", "class", "notice token-once", "role", "status", NULL);
        html_el(h, "p",
                web_tr(c, "新しいトークンです。この画面でしか表示しません。今すぐ控えてください:",
                       "Your new token. It is shown only on this page; copy it now:"));
        html_open(h, "p", NULL);
        html_el(h, "code", v->new_token);
        html_close(h, "p");
        html_close(h, "div");
    }
    api_token_t *ts = NULL;
    size_t n = 0;
    if (store_token_list(c->st, &c->actor, &ts, &n) == ST_OK && n > 0) {
        html_open(h, "table", NULL);
        html_open(h, "thead", NULL);
        html_open(h, "tr", NULL);
        html_el(h, "th", web_tr(c, "名前", "Name"));
        html_el(h, "th", web_tr(c, "作成", "Created"));
        html_el(h, "th", web_tr(c, "最終利用", "Last used"));
        html_el(h, "th", web_tr(c, "状態", "State"));
        html_close(h, "tr");
        html_close(h, "thead");
        html_open(h, "tbody", NULL);
        for (size_t i = 0; i < n; i++) {
            char rid[32];
            snprintf(rid, sizeof rid, "token-%lld", (long long)ts[i].id);
            html_open(h, "tr", "id", rid, NULL);
            html_el(h, "td", ts[i].name);
            html_el(h, "td", ts[i].created_at);
            html_el(h, "td", ts[i].last_used_at ? ts[i].last_used_at : "-");
            html_open(h, "td", NULL);
            if (ts[i].revoked) {
                html_txt(h, web_tr(c, "失効済", "revoked"));
            } else {
                char action[64];
                snprintf(action, sizeof action, "/account/tokens/%lld/revoke",
                         (long long)ts[i].id);
                html_open(h, "form", "method", "post", "action", action, "class", "inline",
                          "data-confirm",
                          web_tr(c, "このトークンを失効させますか?", "Revoke this token?"), NULL);
                html_csrf_field(h, c->csrf);
                button(h, web_tr(c, "失効させる", "Revoke"), NULL, NULL, "secondary");
                html_close(h, "form");
            }
            html_close(h, "td");
            html_close(h, "tr");
        }
        html_close(h, "tbody");
        html_close(h, "table");
    }
    api_token_list_free(ts, n);
    html_open(h, "form", "method", "post", "action", "/account/tokens", NULL);
    html_csrf_field(h, c->csrf);
    field(h, web_tr(c, "新しいトークンの名前 (用途)", "Name of a new token (what it is for)"),
          "text", "name", NULL, "off");
    html_open(h, "p", NULL);
    button(h, web_tr(c, "トークンを作成", "Create token"), NULL, NULL, "primary");
    html_close(h, "p");
    html_close(h, "form");
    html_close(h, "section");
}

static int account_page(web_ctx_t *c, const account_view_t *v)
{
    html_t h;
    html_init(&h, &c->resp->body);
    web_page_begin(c, &h, web_tr(c, "アカウント", "Account"));
    if (v && v->error)
        web_notice(&h, true, v->error);
    if (v && v->notice)
        web_notice(&h, false, v->notice);
    if (!password_changed_by_self(c, &c->actor, c->login))
        web_notice(&h, true,
                   web_tr(c, "渡された初期パスワードのままです。自分だけが知るパスワードに変更してください。",
                          "You are still using the password you were given. Change it to one "
                          "only you know."));
    html_open(&h, "p", NULL);
    html_txt(&h, web_tr(c, "ログイン名: ", "Login: "));
    html_el(&h, "strong", c->login);
    html_close(&h, "p");
    section_password(c, &h);
    section_totp(c, &h);
    section_tokens(c, &h, v);
    web_page_end(c, &h);
    return html_failed(&h) ? 500 : 0;
}

/* GET /account */
static int page_account(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                        void *ctxp)
{
    (void)req;
    (void)resp;
    (void)p;
    web_ctx_t *c = ctxp;
    if (c->bearer)
        return 403;
    account_view_t v = { 0 };
    const char *done = http_param(req, "done");
    if (done && strcmp(done, "revoked") == 0)
        v.notice = web_tr(c, "トークンを失効させました", "The token was revoked");
    else if (done && strcmp(done, "totp-off") == 0)
        v.notice = web_tr(c, "二要素認証を無効にしました", "Two-factor sign-in is off");
    else if (done && strcmp(done, "totp-on") == 0)
        v.notice = web_tr(c, "二要素認証を有効にしました", "Two-factor sign-in is on");
    return account_page(c, &v);
}

/* POST /account/password — current, password, password2. */
static int post_password(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                         void *ctxp)
{
    (void)resp;
    (void)p;
    web_ctx_t *c = ctxp;
    if (c->bearer)
        return 403;
    const char *cur = http_form(req, "current");
    const char *pw = http_form(req, "password");
    const char *pw2 = http_form(req, "password2");
    account_view_t v = { 0 };
    if (!cur || !*cur || !pw || !pw2) {
        v.error = web_tr(c, "すべての欄を入力してください", "Fill in every field");
    } else if (strcmp(pw, pw2) != 0) {
        v.error = web_tr(c, "新しいパスワードが確認欄と一致しません",
                         "The new password and its repetition differ");
    } else if (strlen(pw) < PASSWORD_MIN || strlen(pw) > PASSWORD_MAX) {
        v.error = web_tr(c, "パスワードは 10 文字以上 1024 バイト以下にしてください",
                         "A password has 10 to 1024 characters");
    }
    if (v.error) {
        c->resp->status = 400;
        return account_page(c, &v);
    }
    char kl[96];
    key_login(c->login, kl);
    int wait_s = throttle_wait(c, kl, NULL);
    if (wait_s < 0)
        return 503;
    if (wait_s > 0) {
        c->resp->status = 429;
        set_retry_after(c, wait_s);
        v.error = web_tr(c, "失敗が続いたため、しばらく変更できません。後でやり直してください。",
                         "Too many failed attempts; try again later.");
        return account_page(c, &v);
    }
    actor_t me;
    web_app_login_enter(c->app);
    int rc = strlen(cur) > PASSWORD_MAX ? ST_NOT_FOUND : store_login(c->st, c->login, cur, &me);
    web_app_login_leave(c->app);
    if (rc == ST_NOT_FOUND || (rc == ST_OK && me.user_id != c->actor.user_id)) {
        store_login_record(c->st, kl, false);
        c->resp->status = 403;
        v.error = web_tr(c, "現在のパスワードが違います", "The current password is wrong");
        return account_page(c, &v);
    }
    if (rc != ST_OK)
        return web_status(rc);
    web_app_login_enter(c->app);
    rc = store_user_set_password(c->st, &c->actor, c->login, pw);
    web_app_login_leave(c->app);
    if (rc == ST_INVALID) {
        c->resp->status = 400;
        v.error = store_errmsg(c->st);
        return account_page(c, &v);
    }
    if (rc != ST_OK)
        return web_status(rc);
    store_session_end_user(c->st, c->actor.user_id, c->session);
    v.notice = web_tr(c, "パスワードを変更しました。ほかのログインは終了しました。",
                      "Your password was changed; your other sessions have ended.");
    return account_page(c, &v);
}

/* The TOTP set-up page for a fresh (or the given) secret. */
static int totp_setup_page(web_ctx_t *c, const char *secret, const char *error)
{
    html_t h;
    html_init(&h, &c->resp->body);
    web_page_begin(c, &h, web_tr(c, "二要素認証の設定", "Set up two-factor sign-in"));
    if (error)
        web_notice(&h, true, error);
    html_el(&h, "p",
            web_tr(c, "認証アプリ (Google Authenticator、Microsoft Authenticator、1Password など) "
                      "に次の秘密鍵を登録し、表示された 6 桁のコードを入力してください。",
                   "Add this secret to your authenticator app (Google Authenticator, Microsoft "
                   "Authenticator, 1Password, …) and enter the 6-digit code it shows."));
    html_open(&h, "dl", "class", "totp-secret", NULL);
    html_el(&h, "dt", web_tr(c, "秘密鍵 (base32)", "Secret (base32)"));
    html_open(&h, "dd", NULL);
    /* Groups of four, as people type it. */
    char grouped[STORE_TOTP_SECRET_LEN + STORE_TOTP_SECRET_LEN / 4 + 1];
    size_t w = 0;
    for (size_t i = 0; secret[i] && w + 2 < sizeof grouped; i++) {
        if (i && i % 4 == 0)
            grouped[w++] = ' ';
        grouped[w++] = secret[i];
    }
    grouped[w] = '\0';
    html_el(&h, "code", grouped);
    html_close(&h, "dd");
    html_el(&h, "dt", web_tr(c, "otpauth URI (コピーして使えます)", "otpauth URI (to copy)"));
    html_open(&h, "dd", NULL);
    html_open(&h, "code", "class", "uri", NULL);
    html_txt(&h, "otpauth://totp/apicheck:");
    html_url_arg(&h, c->login);
    html_txtf(&h, "?secret=%s&issuer=apicheck&algorithm=SHA1&digits=6&period=30", secret);
    html_close(&h, "code");
    html_close(&h, "dd");
    html_close(&h, "dl");
    html_open(&h, "form", "method", "post", "action", "/account/totp", NULL);
    html_csrf_field(&h, c->csrf);
    html_open(&h, "input", "type", "hidden", "name", "action", "value", "enable", NULL);
    html_open(&h, "input", "type", "hidden", "name", "secret", "value", secret, NULL);
    field(&h, web_tr(c, "確認コード", "Code"), "text", "code", NULL, "one-time-code");
    html_open(&h, "p", NULL);
    button(&h, web_tr(c, "有効にする", "Turn on"), NULL, NULL, "primary");
    html_close(&h, "p");
    html_close(&h, "form");
    html_open(&h, "p", NULL);
    html_link(&h, "/account", web_tr(c, "アカウントに戻る", "Back to the account"));
    html_close(&h, "p");
    web_page_end(c, &h);
    return html_failed(&h) ? 500 : 0;
}

/* GET /account/totp */
static int page_account_totp(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                             void *ctxp)
{
    (void)req;
    (void)resp;
    (void)p;
    web_ctx_t *c = ctxp;
    if (c->bearer)
        return 403;
    if (store_totp_enabled(c->st, c->actor.user_id))
        return http_resp_redirect(c->resp, "/account#totp") == 0 ? 0 : 500;
    char secret[STORE_TOTP_SECRET_LEN];
    store_totp_new_secret(secret);
    return totp_setup_page(c, secret, NULL);
}

static bool secret_shape_ok(const char *s)
{
    if (!s || strlen(s) != STORE_TOTP_SECRET_LEN - 1)
        return false;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= '2' && *s <= '7')))
            return false;
    return true;
}

/* POST /account/totp — action=enable (secret, code) or disable (code). */
static int post_account_totp(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                             void *ctxp)
{
    (void)resp;
    (void)p;
    web_ctx_t *c = ctxp;
    if (c->bearer)
        return 403;
    const char *action = http_form(req, "action");
    const char *code = http_form(req, "code");
    char kt[96];
    snprintf(kt, sizeof kt, "totp:%lld", (long long)c->actor.user_id);
    int wait_s = throttle_wait(c, kt, NULL);
    if (wait_s < 0)
        return 503;
    if (action && strcmp(action, "enable") == 0) {
        const char *secret = http_form(req, "secret");
        if (!secret_shape_ok(secret))
            return 400;
        int rc = code && *code ? store_totp_enable(c->st, &c->actor, secret, code) : ST_INVALID;
        if (rc == ST_INVALID) {
            c->resp->status = 400;
            return totp_setup_page(c, secret,
                                   web_tr(c, "確認コードが違います。アプリの時刻と秘密鍵を確かめてください。",
                                          "The code does not match; check the secret and your "
                                          "device's clock."));
        }
        if (rc != ST_OK)
            return web_status(rc);
        return http_resp_redirect(c->resp, "/account?done=totp-on#totp") == 0 ? 0 : 500;
    }
    if (action && strcmp(action, "disable") == 0) {
        account_view_t v = { 0 };
        if (wait_s > 0) {
            c->resp->status = 429;
            set_retry_after(c, wait_s);
            v.error = web_tr(c, "失敗が続いたため、しばらく変更できません。",
                             "Too many failed attempts; try again later.");
            return account_page(c, &v);
        }
        /* Turning it off needs a current code: proof of the second factor. */
        int rc = code && *code ? store_totp_check(c->st, c->actor.user_id, code) : ST_NOT_FOUND;
        if (rc == ST_NOT_FOUND) {
            store_login_record(c->st, kt, false);
            c->resp->status = 403;
            v.error = web_tr(c, "確認コードが違います", "The code does not match");
            return account_page(c, &v);
        }
        if (rc != ST_OK)
            return web_status(rc);
        if ((rc = store_totp_disable(c->st, &c->actor)) != ST_OK)
            return web_status(rc);
        return http_resp_redirect(c->resp, "/account?done=totp-off#totp") == 0 ? 0 : 500;
    }
    return 400;
}

/* POST /account/tokens — name. */
static int post_token(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                      void *ctxp)
{
    (void)resp;
    (void)p;
    web_ctx_t *c = ctxp;
    if (c->bearer)
        return 403;
    const char *name = http_form(req, "name");
    account_view_t v = { 0 };
    char token[STORE_TOKEN_LEN];
    int64_t id;
    int rc = store_token_create(c->st, &c->actor, name ? name : "", token, &id);
    if (rc == ST_INVALID) {
        c->resp->status = 400;
        v.error = web_tr(c, "トークンの名前は 1〜100 バイトです", "A token's name has 1 to 100 bytes");
        return account_page(c, &v);
    }
    if (rc != ST_OK)
        return web_status(rc);
    v.new_token = token;
    v.token_name = name;
    v.notice = web_tr(c, "トークンを作成しました", "The token was created");
    rc = account_page(c, &v);
    memset(token, 0, sizeof token);
    return rc;
}

/* POST /account/tokens/{id}/revoke */
static int post_token_revoke(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                             void *ctxp)
{
    (void)req;
    (void)resp;
    web_ctx_t *c = ctxp;
    if (c->bearer)
        return 403;
    int rc = store_token_revoke(c->st, &c->actor, route_int(p, "id"));
    if (rc != ST_OK)
        return web_status(rc);
    return http_resp_redirect(c->resp, "/account?done=revoked#tokens") == 0 ? 0 : 500;
}

const route_t web_auth_routes[] = {
    { HTTP_GET, "/login", page_login, ROUTE_PUBLIC, 0 },
    { HTTP_POST, "/login", post_login, ROUTE_PUBLIC | ROUTE_CHANGES_STATE, 0 },
    { HTTP_GET, "/login/totp", page_totp, ROUTE_TOTP_STEP, 0 },
    { HTTP_POST, "/login/totp", post_totp, ROUTE_TOTP_STEP | ROUTE_CHANGES_STATE, 0 },
    { HTTP_POST, "/logout", post_logout, ROUTE_PUBLIC | ROUTE_CHANGES_STATE, 0 },
    { HTTP_POST, "/lang", post_lang, ROUTE_PUBLIC | ROUTE_CHANGES_STATE, 0 },
    { HTTP_GET, "/account", page_account, 0, 0 },
    { HTTP_POST, "/account/password", post_password, ROUTE_CHANGES_STATE, 0 },
    { HTTP_GET, "/account/totp", page_account_totp, 0, 0 },
    { HTTP_POST, "/account/totp", post_account_totp, ROUTE_CHANGES_STATE, 0 },
    { HTTP_POST, "/account/tokens", post_token, ROUTE_CHANGES_STATE, 0 },
    { HTTP_POST, "/account/tokens/{id:int}/revoke", post_token_revoke, ROUTE_CHANGES_STATE, 0 },
};
const size_t web_auth_nroutes = sizeof web_auth_routes / sizeof web_auth_routes[0];
