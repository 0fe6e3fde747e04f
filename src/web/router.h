/*
 * router — a table of routes, matched in order: method + path pattern →
 * handler.  A pattern is literal segments and typed parameters:
 *
 *     /assessments/{id:int}/items/{no:int}/answers/{side:side}
 *
 *   {x:int}   a positive decimal integer without sign or leading zero that
 *             fits int64_t (1 … 9223372036854775807); overflow is no match
 *   {x:side}  "partner" or "bank" (core/answer.h side_t)
 *   {x:name}  1–128 of A-Z a-z 0-9 . _ - , not starting with '.'
 *   {x:str}   any one non-empty segment (already decoded and checked by
 *             http.c), at most ROUTE_MAX_SEGMENT bytes
 *
 * A path that fits no pattern is 404; one that fits only under other
 * methods is 405 with those methods in Allow.  A GET route also answers
 * HEAD.  Each route says whether it changes state; router_check() insists
 * that POST, PUT, PATCH and DELETE routes do and GET routes do not, so the
 * CSRF token and Origin checks can be applied by flag in one place.
 * The table is static data; matching allocates nothing.
 */
#ifndef APICHECK_WEB_ROUTER_H
#define APICHECK_WEB_ROUTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/answer.h"
#include "web/http.h"

#define ROUTE_MAX_PARAMS 8
#define ROUTE_MAX_SEGMENT 256
#define ROUTE_MAX_NAME 31

typedef enum route_ptype { RP_INT = 1, RP_SIDE, RP_NAME, RP_STR } route_ptype_t;

typedef struct route_param {
    char name[ROUTE_MAX_NAME + 1];
    route_ptype_t type;
    int64_t i;                   /* RP_INT; RP_SIDE as side_t */
    char s[ROUTE_MAX_SEGMENT + 1]; /* the segment as matched (every type) */
} route_param_t;

typedef struct route_params {
    size_t n;
    route_param_t v[ROUTE_MAX_PARAMS];
} route_params_t;

/* Route flags. */
enum {
    ROUTE_CHANGES_STATE = 1 << 0, /* POST/PUT/PATCH/DELETE: CSRF + Origin apply */
    ROUTE_PUBLIC = 1 << 1,        /* needs no login (healthz, static, login page) */
    ROUTE_UPLOAD = 1 << 2         /* takes a file: body cap HTTP_MAX_UPLOAD */
};

/* A handler fills resp and returns 0, or returns an HTTP status (400 …
 * 599) and leaves resp alone: the caller then renders the error page.
 * app is what web_handle was given. */
typedef int (*route_fn)(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                        void *app);

typedef struct route {
    http_method_t method;
    const char *pattern;
    route_fn fn;
    unsigned flags;
    size_t max_body; /* 0: HTTP_MAX_BODY, or HTTP_MAX_UPLOAD with ROUTE_UPLOAD */
} route_t;

/* Check a table once at start-up: patterns well-formed (segments, known
 * types, unique parameter names, at most ROUTE_MAX_PARAMS), methods known,
 * flags consistent with methods.  0, or -1 with *why (static text) and
 * *bad the index of the faulty route. */
int router_check(const route_t *routes, size_t n, const char **why, size_t *bad);

/* Match method and path.  Returns 0 with *out and *p filled, 404, or 405
 * with allow (allow_len bytes, e.g. 64) listing the methods that do match
 * ("GET, HEAD, POST"). */
int router_match(const route_t *routes, size_t n, http_method_t method, const char *path,
                 const route_t **out, route_params_t *p, char *allow, size_t allow_len);

/* The body cap a route accepts. */
size_t route_body_max(const route_t *r);

/* Typed parameter lookups (a missing name is a programming error and
 * yields 0 / NULL). */
int64_t route_int(const route_params_t *p, const char *name);
const char *route_str(const route_params_t *p, const char *name);
side_t route_side(const route_params_t *p, const char *name);

#endif
