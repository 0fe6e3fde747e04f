/*
 * The application: its route table (the core routes below, then each page
 * family's from pages.h) and web_handle(), where every request is
 * authenticated and checked before its handler runs (see web/ctx.h).
 */
#include "web/web.h"

#include "db/db.h"
#include "util/i18n.h"
#include "util/xmem.h"
#include "web/assets.h"
#include "web/ctx.h"
#include "web/html.h"
#include "web/pages/pages.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* GET /healthz — for load balancers and scripts: no login, no database. */
static int page_healthz(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                        void *app)
{
    (void)req;
    (void)p;
    (void)app;
    http_resp_json(resp, 200, "{\"status\":\"ok\"}\n");
    return 0;
}

/* GET /static/{name} — the embedded stylesheet and script. */
static int page_static(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                       void *app)
{
    (void)app;
    const web_asset_t *a = web_asset_find(route_str(p, "name"));
    if (!a)
        return 404;
    resp->cacheable = true;
    http_resp_header(resp, "Cache-Control", "no-cache");
    http_resp_header(resp, "ETag", a->etag);
    const char *inm = http_header(req, "If-None-Match");
    if (inm && strstr(inm, a->etag)) {
        resp->status = 304;
        return 0;
    }
    http_resp_set_type(resp, a->content_type);
    if (buf_add(&resp->body, a->data, a->len) != 0)
        return 500;
    return 0;
}

/* The core routes; the page families follow them. */
static const route_t core_routes[] = {
    { HTTP_GET, "/healthz", page_healthz, ROUTE_PUBLIC | ROUTE_ANONYMOUS, 0 },
    { HTTP_GET, "/static/{name:name}", page_static, ROUTE_PUBLIC | ROUTE_ANONYMOUS, 0 },
};

static void store_destroy(void *p)
{
    store_close(p);
}

int web_app_init(web_app_t *app, char **err)
{
    memset(app, 0, sizeof *app);
    const struct {
        const route_t *v;
        size_t n;
    } parts[] = {
        { core_routes, sizeof core_routes / sizeof core_routes[0] },
        { web_auth_routes, web_auth_nroutes },
        { web_admin_routes, web_admin_nroutes },
        { web_dashboard_routes, web_dashboard_nroutes },
        { web_assessment_routes, web_assessment_nroutes },
        { web_api_routes, web_api_nroutes },
    };
    size_t total = 0;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        total += parts[i].n;
    app->owned = xcalloc(total, sizeof *app->owned);
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        for (size_t k = 0; k < parts[i].n; k++)
            app->owned[app->nroutes++] = parts[i].v[k];
    app->routes = app->owned;
    const char *why;
    size_t bad;
    int rc = router_check(app->routes, app->nroutes, &why, &bad);
    for (size_t i = 0; rc == 0 && i < app->nroutes; i++) {
        const route_t *r = &app->routes[i];
        bool reads = r->method == HTTP_GET && !(r->flags & ROUTE_CHANGES_STATE);
        if (((r->flags & ROUTE_SNAPSHOT) && !reads) ||
            ((r->flags & ROUTE_ANONYMOUS) && !(r->flags & ROUTE_PUBLIC))) {
            why = "ROUTE_SNAPSHOT is for GET pages, ROUTE_ANONYMOUS for public ones";
            bad = i;
            rc = -1;
        }
    }
    if (rc != 0) {
        *err = xasprintf("route %s: %s", app->routes[bad].pattern, why);
        free(app->owned);
        memset(app, 0, sizeof *app);
        return -1;
    }
    if (pthread_key_create(&app->store_key, store_destroy) != 0) {
        *err = xstrdup("pthread_key_create failed");
        free(app->owned);
        return -1;
    }
    app->store_key_made = true;
    app->pages = pagecache_new(WEB_PAGE_CACHE_DEFAULT);
    app->login_slots = 2;
    pthread_mutex_init(&app->login_lock, NULL);
    pthread_cond_init(&app->login_cond, NULL);
    return 0;
}

void web_app_set_db(web_app_t *app, const char *url, const store_open_opt_t *opt)
{
    free(app->db_url);
    app->db_url = xstrdup(url);
    if (opt)
        app->store_opt = *opt;
    app->store_opt.create = false;
}

store_t *web_app_store(web_app_t *app, char **err)
{
    if (!app->db_url)
        return NULL;
    store_t *st = pthread_getspecific(app->store_key);
    if (st)
        return st;
    st = store_open(app->db_url, &app->store_opt, err);
    if (st)
        pthread_setspecific(app->store_key, st);
    return st;
}

void web_app_login_enter(web_app_t *app)
{
    pthread_mutex_lock(&app->login_lock);
    while (app->login_slots <= 0)
        pthread_cond_wait(&app->login_cond, &app->login_lock);
    app->login_slots--;
    pthread_mutex_unlock(&app->login_lock);
}

void web_app_login_leave(web_app_t *app)
{
    pthread_mutex_lock(&app->login_lock);
    app->login_slots++;
    pthread_cond_signal(&app->login_cond);
    pthread_mutex_unlock(&app->login_lock);
}

void web_app_set_page_cache(web_app_t *app, size_t max_bytes)
{
    pagecache_free(app->pages);
    app->pages = max_bytes ? pagecache_new(max_bytes) : NULL;
}

static void release_page(void *b)
{
    pagecache_body_release(b);
}

bool web_cache_get(web_ctx_t *c, char **key)
{
    *key = NULL;
    const http_req_t *req = c->req;
    if (!c->app || !c->app->pages || !c->st || !c->authed || c->bearer || !c->session[0] ||
        req->method != HTTP_GET)
        return false;
    int64_t gen;
    char head[65];
    if (store_audit_head(c->st, &gen, head) != ST_OK)
        return false;
    char today[16];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
    *key = xasprintf("%" PRId64 "|%s|%s|%d|%" PRId64 "|%s|%s?%s", gen, head, today,
                     (int)req->lang, c->actor.user_id, c->csrf, req->path,
                     req->query ? req->query : "");
    pagecache_body_t *b = pagecache_get_shared(c->app->pages, *key);
    if (!b)
        return false;
    size_t len;
    const char *data = pagecache_body_data(b, &len);
    http_resp_share(c->resp, data, len, release_page, b);
    free(*key);
    *key = NULL;
    return true;
}

bool web_step_action(const char *path, wf_action_t *act)
{
    static const struct {
        const char *suffix;
        wf_action_t act;
    } steps[] = {
        { "/submit", ACT_SUBMIT },
        { "/start-review", ACT_START_REVIEW },
        { "/return", ACT_RETURN },
        { "/accept", ACT_ACCEPT },
    };
    const char *last = path ? strrchr(path, '/') : NULL;
    for (size_t i = 0; last && i < sizeof steps / sizeof steps[0]; i++)
        if (strcmp(last, steps[i].suffix) == 0) {
            *act = steps[i].act;
            return true;
        }
    return false;
}

void web_cache_put(web_ctx_t *c, char *key, int status)
{
    if (key && status == 0 && c->resp->status == 200 && !c->resp->content_type &&
        !c->resp->headers.n && c->resp->body.len)
        pagecache_put(c->app->pages, key, c->resp->body.p, c->resp->body.len);
    free(key);
}

void web_app_free(web_app_t *app)
{
    pagecache_free(app->pages);
    app->pages = NULL;
    if (app->store_key_made) {
        /* The calling thread's store (serve --request, tests); the serving
         * threads closed theirs as they ended. */
        store_t *st = pthread_getspecific(app->store_key);
        if (st) {
            pthread_setspecific(app->store_key, NULL);
            store_close(st);
        }
        pthread_key_delete(app->store_key);
        pthread_mutex_destroy(&app->login_lock);
        pthread_cond_destroy(&app->login_cond);
    }
    free(app->owned);
    free(app->db_url);
    memset(app, 0, sizeof *app);
}

size_t web_body_limit(const web_app_t *app, const http_req_t *req)
{
    const route_t *r;
    route_params_t p;
    char allow[64];
    if (router_match(app->routes, app->nroutes, req->method, req->path, &r, &p, allow,
                     sizeof allow) == 0)
        return route_body_max(r);
    return HTTP_MAX_BODY;
}

static bool is_api(const http_req_t *req)
{
    return strncmp(req->path, "/api/", 5) == 0;
}

static void fail(web_ctx_t *c, int status, const char *code, const char *ja, const char *en)
{
    if (is_api(c->req))
        web_json_error(c, status, code, web_tr(c, ja, en));
    else
        http_resp_error(c->resp, c->req->lang, status, NULL);
}

/* A lookup that failed for another reason than an unknown token is the
 * database's failure, not the user's: logged, and answered with 503
 * rather than a sign-in page (web_handle). */
static void auth_error(web_ctx_t *c, int rc)
{
    if (rc == ST_OK || rc == ST_NOT_FOUND)
        return;
    c->auth_failed = true;
    fprintf(stderr, "apicheck: cannot check the session or token: %s\n", store_errmsg(c->st));
}

/* Who is asking: an API bearer token, else the session cookie. */
static void authenticate(web_ctx_t *c)
{
    if (!c->st)
        return;
    const char *auth = http_header(c->req, "Authorization");
    int rc;
    if (auth && strncmp(auth, "Bearer ", 7) == 0) {
        if ((rc = store_token_actor(c->st, auth + 7, &c->actor)) == ST_OK) {
            c->authed = true;
            c->bearer = true;
        }
        auth_error(c, rc);
        return;
    }
    const char *sid = http_cookie(c->req, web_session_cookie(c));
    if (!sid || strlen(sid) != STORE_TOKEN_LEN - 1)
        return;
    bool pending = false;
    rc = store_session_find(c->st, sid, &c->actor, &pending, c->login, sizeof c->login);
    if (rc != ST_OK) {
        auth_error(c, rc);
        return;
    }
    snprintf(c->session, sizeof c->session, "%s", sid);
    store_csrf_token(sid, c->csrf);
    c->totp_pending = pending;
    c->authed = !pending;
}

/* A store whose PostgreSQL connection is gone (the server restarted, the
 * connection was terminated) is of no more use: close it, so that this
 * thread's next request opens a new one.  True if it was dropped. */
static bool drop_if_gone(web_app_t *app, web_ctx_t *c)
{
    if (!c->st || db_errcode(store_db(c->st)) != DB_ERR_GONE)
        return false;
    fprintf(stderr, "apicheck: database connection lost: %s\n", db_errmsg(store_db(c->st)));
    pthread_setspecific(app->store_key, NULL);
    store_close(c->st);
    c->st = NULL;
    return true;
}

/* A handler's error status as the error page (or JSON error). */
static void handler_failed(web_ctx_t *c, int st)
{
    fail(c, st, st == 404 ? "not_found" : st == 403 ? "forbidden" : "error",
         st == 404 ? "見つかりません" : "要求を処理できません",
         st == 404 ? "not found" : "the request cannot be processed");
}

/* The rest of web_handle once it knows who asks: sign-in and CSRF rules,
 * then the handler. */
static void run_route(web_ctx_t *c, const route_t *r, const route_params_t *p)
{
    const http_req_t *req = c->req;
    if (!(r->flags & ROUTE_PUBLIC) && !c->authed && c->auth_failed) {
        fail(c, 503, "unavailable", "データベースに接続できません。しばらくしてからやり直してください",
             "the database is unavailable; try again shortly");
        return;
    }
    if (!(r->flags & ROUTE_PUBLIC) && !c->authed) {
        bool step_ok = c->totp_pending && (r->flags & ROUTE_TOTP_STEP);
        if (!step_ok) {
            if (is_api(req)) {
                fail(c, 401, "unauthenticated", "ログインが必要です", "authentication required");
            } else if (c->totp_pending) {
                http_resp_redirect(c->resp, "/login/totp");
            } else if (req->method == HTTP_GET || req->method == HTTP_HEAD) {
                buf_t loc = BUF_INIT(HTTP_MAX_TARGET + 64);
                buf_adds(&loc, "/login?next=");
                html_url_encode(&loc, req->path);
                http_resp_redirect(c->resp, buf_str(&loc));
                buf_free(&loc);
            } else {
                fail(c, 401, "unauthenticated", "ログインが必要です", "authentication required");
            }
            return;
        }
    }
    /* Cookie sessions prove every state change with the CSRF token. */
    if ((r->flags & ROUTE_CHANGES_STATE) && !c->bearer && c->session[0]) {
        const char *tok = http_form(req, "csrf");
        if (!tok)
            tok = http_header(req, "X-CSRF-Token");
        if (!store_csrf_check(c->session, tok)) {
            fail(c, 403, "csrf", "フォームの有効期限が切れたか、不正な要求です。ページを開き直してください",
                 "the form has expired or the request is forged; reload the page");
            return;
        }
    }
    int st = r->fn(req, c->resp, p, c);
    drop_if_gone(c->app, c);
    if (st)
        handler_failed(c, st);
}

void web_handle(const http_req_t *req, http_resp_t *resp, void *appv)
{
    web_app_t *app = appv;
    web_ctx_t c;
    memset(&c, 0, sizeof c);
    c.app = app;
    c.req = req;
    /* Messages worded below the web layer (the store's) follow the request. */
    i18n_set(req->lang);
    c.resp = resp;
    const route_t *r;
    route_params_t p;
    char allow[64];
    int st = router_match(app->routes, app->nroutes, req->method, req->path, &r, &p, allow,
                          sizeof allow);
    if (st == 405) {
        fail(&c, 405, "method_not_allowed", "このメソッドは使えません", "method not allowed");
        http_resp_header(resp, "Allow", allow);
        return;
    }
    if (st) {
        fail(&c, st, "not_found", "見つかりません", "not found");
        return;
    }
    /* A state-changing request from another site is refused before
     * anything else happens. */
    if ((r->flags & ROUTE_CHANGES_STATE) && http_origin_check(req) == HTTP_ORIGIN_CROSS) {
        fail(&c, 403, "cross_origin", "別のサイトからの要求は受け付けません",
             "cross-site requests are refused");
        return;
    }
    if (r->flags & ROUTE_ANONYMOUS) {
        if ((st = r->fn(req, resp, &p, &c)))
            handler_failed(&c, st);
        return;
    }
    /* A connection that died since this thread's last request (PostgreSQL
     * restarted) shows at the first query, authenticate's: it is dropped
     * and the request tried once more on a new one (nothing was written);
     * if that one is gone too, the database is away: 503. */
    bool snapshot = false;
    for (int tries = 0;; tries++) {
        if (app->db_url) {
            char *err = NULL;
            c.st = web_app_store(app, &err);
            if (!c.st) {
                fprintf(stderr, "apicheck: database unavailable: %s\n", err ? err : "?");
                free(err);
                fail(&c, 503, "unavailable", "データベースに接続できません。しばらくしてからやり直してください",
                     "the database is unavailable; try again shortly");
                return;
            }
        }
        /* A failed begin is left to the first query, which reports it. */
        snapshot = c.st && (r->flags & ROUTE_SNAPSHOT) && store_read_begin(c.st) == ST_OK;
        authenticate(&c);
        if (!drop_if_gone(app, &c))
            break;
        snapshot = false; /* that store is closed */
        if (tries > 0) {
            fail(&c, 503, "unavailable", "データベースに接続できません。しばらくしてからやり直してください",
                 "the database is unavailable; try again shortly");
            return;
        }
        c.authed = c.bearer = c.totp_pending = c.auth_failed = false;
        memset(&c.actor, 0, sizeof c.actor);
        c.login[0] = c.session[0] = c.csrf[0] = '\0';
    }
    run_route(&c, r, &p);
    if (snapshot && c.st)
        store_read_end(c.st);
}

/* serve --trusted-proxy: what the proxy says about the client. */
static void apply_proxy_headers(http_req_t *req)
{
    const char *proto = http_header(req, "X-Forwarded-Proto");
    if (proto && strcasecmp(proto, "https") == 0)
        req->tls = true;
    const char *xff = http_header(req, "X-Forwarded-For");
    if (xff) {
        /* The proxy appends the address it saw: the last element. */
        const char *last = strrchr(xff, ',');
        last = last ? last + 1 : xff;
        while (*last == ' ' || *last == '\t')
            last++;
        size_t n = strcspn(last, " \t");
        if (n > 0 && n < sizeof req->remote) {
            memcpy(req->remote, last, n);
            req->remote[n] = '\0';
        }
    }
}

/* A request refused before routing (size, framing, body encoding) under
 * /api/: the JSON error clients of the API expect, not an HTML page. */
static void api_refusal(const http_req_t *req, http_resp_t *resp, int status)
{
    web_ctx_t c;
    memset(&c, 0, sizeof c);
    c.req = req;
    c.resp = resp;
    switch (status) {
    case 413:
        web_json_error(&c, status, "too_large", web_tr(&c, "要求が大きすぎます", "the request is too large"));
        break;
    case 415:
        web_json_error(&c, status, "unsupported_media_type",
                       web_tr(&c, "この形式の本文は受け付けません", "unsupported body type"));
        break;
    case 400:
        web_json_error(&c, status, "bad_request", web_tr(&c, "要求が正しくありません", "bad request"));
        break;
    default:
        web_json_error(&c, status, "error",
                       web_tr(&c, "要求を処理できません", "the request cannot be processed"));
        break;
    }
}

void web_respond(web_app_t *app, http_req_t *req, int status, http_resp_t *resp)
{
    if (app->trusted_proxy)
        apply_proxy_headers(req);
    if (!status)
        status = http_req_prepare(req);
    if (status && req->path && is_api(req))
        api_refusal(req, resp, status);
    else if (status)
        http_resp_error(resp, req->lang, status, NULL);
    else
        web_handle(req, resp, app);
    http_resp_finish(resp, req->tls);
}
