/*
 * ctx — one request as the pages and the API see it: who is asking
 * (resolved once, centrally, in web_handle), this thread's store, the
 * session and CSRF tokens, the request and the response.  Route handlers
 * receive a web_ctx_t * as their last argument.
 *
 * The rules every handler can rely on (enforced in app.c before it runs):
 *   - routes without ROUTE_PUBLIC only run for a signed-in actor (a session
 *     cookie that passed any second factor, or an API bearer token);
 *   - state-changing routes run only with a same-origin (or absent) Origin
 *     and, for cookie sessions, the session's CSRF token in the form field
 *     "csrf" or the X-CSRF-Token header;
 *   - /api/ routes get JSON errors, everything else HTML pages.
 * Permission checks on objects stay in the store (core/workflow.h): a
 * handler calls the store as the actor and maps ST_* to a status with
 * web_status().
 */
#ifndef APICHECK_WEB_CTX_H
#define APICHECK_WEB_CTX_H

#include <stdbool.h>

#include "db/store.h"
#include "formats/csv.h"
#include "web/html.h"
#include "web/http.h"
#include "web/router.h"

typedef struct web_app web_app_t;

/* Route flags beyond router.h's. */
enum {
    ROUTE_TOTP_STEP = 1 << 8, /* reachable while the second factor is owed */
    /* A page that only reads: who asks and everything it shows are read in
     * one snapshot (store_read_begin), one read transaction per request. */
    ROUTE_SNAPSHOT = 1 << 9,
    /* Never asks who is asking (healthz, static files): no session lookup,
     * no database. */
    ROUTE_ANONYMOUS = 1 << 10
};

typedef struct web_ctx {
    web_app_t *app;
    const http_req_t *req;
    http_resp_t *resp;
    store_t *st;                    /* this thread's store; NULL without --db */
    bool authed;                    /* actor is valid */
    bool bearer;                    /* signed in by API token (no cookie, no CSRF) */
    bool totp_pending;              /* password given, second factor owed */
    bool auth_failed;               /* the database failed while checking who asks */
    actor_t actor;
    char login[72];                 /* the actor's login, for the page header */
    char session[STORE_TOKEN_LEN];  /* the session cookie's token, or "" */
    char csrf[STORE_TOKEN_LEN];     /* the CSRF token forms must carry, or "" */
} web_ctx_t;

/* The session cookie's name: "__Host-sid" under TLS, "sid" on plain
 * HTTP (loopback development). */
const char *web_session_cookie(const web_ctx_t *c);
/* Set (token non-NULL) or clear the session cookie: HttpOnly,
 * SameSite=Lax, Path=/, Secure under TLS. */
void web_set_session_cookie(web_ctx_t *c, const char *token);

/* Map an ST_* code to an HTTP status: NOT_FOUND and FORBIDDEN on another
 * tenant's object both → 404, FORBIDDEN → 403, BAD_STATE / WRONG_SIDE /
 * CONFLICT / EXISTS → 409, INVALID → 400, BUSY / DB → 503. */
int web_status(int st_rc);

/* Message in the request's language. */
const char *web_tr(const web_ctx_t *c, const char *ja, const char *en);

/* The page frame for signed-in pages: header with the product name, the
 * navigation, the user, a language switch and a logout button (a POST form
 * with the CSRF token).  title is escaped. */
void web_page_begin(web_ctx_t *c, html_t *h, const char *title);

/* The page cache (web/pagecache.h), for a GET page of a signed-in
 * session, called after the page's own permission check: the key is the
 * data generation (the audit head), the date, language, user, CSRF token,
 * path and query.  web_cache_get returns true when it put the cached page
 * in the response; otherwise *key is the key to give web_cache_put once
 * the page is built (NULL when this request is not cached).
 * web_cache_put keeps the body of a successful page and frees key. */
bool web_cache_get(web_ctx_t *c, char **key);
/* An assessment's answers as a download (web/export.c): format "json",
 * "csv" (in enc) or anything else for XLSX; side SIDE_PARTNER, SIDE_BANK or
 * -1 for both (set is narrowed to that side).  The bytes (free()), their
 * length and Content-Type; NULL with *why (fresh) when the format cannot
 * hold them (a character CP932 lacks, a workbook past the response cap). */
char *web_export(const catalog_t *cat, answerset_t *set, const char *format, int side,
                 csv_encoding_t enc, size_t *len, const char **type, char **why);
/* The workflow step a path ends in (/submit, /start-review, /return,
 * /accept), for the pages and the API; false for any other path. */
bool web_step_action(const char *path, wf_action_t *act);
void web_cache_put(web_ctx_t *c, char *key, int status);
void web_page_end(web_ctx_t *c, html_t *h);
/* A flash-style message box (class "notice" or "error"). */
void web_notice(html_t *h, bool error, const char *text);

/* API: {"error": {"code": code, "message": message}} with status. */
void web_json_error(web_ctx_t *c, int status, const char *code, const char *message);

#endif
