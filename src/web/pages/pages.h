/*
 * pages — the route tables of each page family, joined by app.c into the
 * application's table at start-up.  One family per file:
 *
 *   auth.c        sign-in, sign-out, password change, TOTP, language
 *   admin.c       organizations, users, connections, catalogs, API tokens
 *   dashboard.c   the start page per role, with SVG charts
 *   assessment.c  the checklist page, answers, review, history, files
 *   api.c         the JSON API under /api/v1 (src/web/api.c)
 *
 * Handlers take (const http_req_t *, http_resp_t *, const route_params_t *,
 * void *ctx) where ctx is the request's web_ctx_t (web/ctx.h).
 */
#ifndef APICHECK_WEB_PAGES_H
#define APICHECK_WEB_PAGES_H

#include <stddef.h>

#include "web/router.h"

extern const route_t web_auth_routes[];
extern const size_t web_auth_nroutes;
extern const route_t web_admin_routes[];
extern const size_t web_admin_nroutes;
extern const route_t web_dashboard_routes[];
extern const size_t web_dashboard_nroutes;
extern const route_t web_assessment_routes[];
extern const size_t web_assessment_nroutes;
extern const route_t web_api_routes[];
extern const size_t web_api_nroutes;

#endif
