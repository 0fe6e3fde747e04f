/*
 * web — the application behind `apicheck serve`: the route table and
 * web_handle(), the one function every request goes through, whether it
 * came from a socket (server.c) or from a buffer (web_handle_buffer, for
 * tests and fuzzing).
 *
 * Adding a page or an API call is one row in the route table of app.c and
 * one handler (a file per page family under src/web/pages/):
 *
 *     static int page_item(const http_req_t *req, http_resp_t *resp,
 *                          const route_params_t *p, void *app)
 *     {
 *         int64_t id = route_int(p, "id");
 *         ...                       // permission first; missing or foreign: return 404
 *         html_t h;
 *         html_init(&h, &resp->body);
 *         html_page_begin(&h, req->lang, http_tr(req, "項目", "Item"));
 *         html_el(&h, "h1", title);  // every variable through html_*
 *         html_page_end(&h);
 *         return 0;
 *     }
 *
 * web_handle() matches the route (404, 405 with Allow), refuses a
 * state-changing request from another origin (403), calls the handler,
 * renders the error page for a status the handler returns, and turns a
 * page whose builder failed into a 500.  The security headers are added by
 * http_resp_finish() on the way out (web_respond), never by handlers.
 */
#ifndef APICHECK_WEB_WEB_H
#define APICHECK_WEB_WEB_H

#include <stdbool.h>
#include <stddef.h>

#include "db/store.h"
#include "util/buf.h"
#include "web/http.h"
#include "web/pagecache.h"
#include "web/router.h"

#include <pthread.h>

typedef struct web_app {
    const route_t *routes;  /* every route: the core ones, then each family's */
    size_t nroutes;
    route_t *owned;         /* the joined table */
    /* The database: each serving thread opens its own store on first use
     * (a connection is never shared between threads) and closes it when the
     * thread ends.  NULL url: no database (only /healthz and /static). */
    char *db_url;
    store_open_opt_t store_opt;
    pthread_key_t store_key;
    bool store_key_made;
    /* Concurrent argon2id checks (64 MiB each) are capped by this. */
    int login_slots;
    pthread_mutex_t login_lock;
    pthread_cond_t login_cond;
    /* Behind a reverse proxy that terminates TLS (serve --trusted-proxy):
     * X-Forwarded-Proto: https makes the request count as TLS (Origin
     * check, Secure cookie, HSTS) and the last X-Forwarded-For address
     * becomes req->remote (sign-in throttling).  Off: both are ignored. */
    bool trusted_proxy;
    /* Rendered pages by everything they depend on (web_cache_get); NULL
     * when serve --page-cache 0 turned it off. */
    pagecache_t *pages;
} web_app_t;

/* The page cache's default budget (serve --page-cache MiB). */
#define WEB_PAGE_CACHE_DEFAULT (4u * 1024u * 1024u)

/* Set up the application; checks its route table.  0, or -1 with *err
 * (fresh string). */
int web_app_init(web_app_t *app, char **err);
/* Serve from this database (after web_app_init, before serving). */
void web_app_set_db(web_app_t *app, const char *url, const store_open_opt_t *opt);
void web_app_free(web_app_t *app);
/* Replace the page cache by one of max_bytes (0: none). */
void web_app_set_page_cache(web_app_t *app, size_t max_bytes);
/* This thread's store, opened on first use; NULL (and *err) when the
 * database cannot be reached. */
store_t *web_app_store(web_app_t *app, char **err);
/* Take and give back one of the concurrent password-check slots. */
void web_app_login_enter(web_app_t *app);
void web_app_login_leave(web_app_t *app);

/* The body cap for this request (method and path set): the matched
 * route's, or HTTP_MAX_BODY when none matches. */
size_t web_body_limit(const web_app_t *app, const http_req_t *req);

/* Answer one complete, checked request.  app is a web_app_t. */
void web_handle(const http_req_t *req, http_resp_t *resp, void *app);

/* The common path of both servers: status is the verdict of parsing so
 * far (0 or an HTTP error).  Prepares the request (cookies, language,
 * form), calls web_handle or renders the error, then adds the security
 * headers.  resp must be initialised. */
void web_respond(web_app_t *app, http_req_t *req, int status, http_resp_t *resp);

#endif
