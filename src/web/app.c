/*
 * The application: its route table and web_handle().  For now it serves
 * the health check and the static files; the pages and the JSON API add
 * their rows to routes[] below.
 */
#include "web/web.h"

#include "util/xmem.h"
#include "web/assets.h"
#include "web/html.h"

#include <stdio.h>
#include <string.h>

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

/* Every route of the application, matched in order. */
static const route_t routes[] = {
    { HTTP_GET, "/healthz", page_healthz, ROUTE_PUBLIC, 0 },
    { HTTP_GET, "/static/{name:name}", page_static, ROUTE_PUBLIC, 0 },
};

int web_app_init(web_app_t *app, char **err)
{
    memset(app, 0, sizeof *app);
    app->routes = routes;
    app->nroutes = sizeof routes / sizeof routes[0];
    const char *why;
    size_t bad;
    if (router_check(app->routes, app->nroutes, &why, &bad) != 0) {
        *err = xasprintf("route %s: %s", app->routes[bad].pattern, why);
        return -1;
    }
    return 0;
}

void web_app_free(web_app_t *app)
{
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

void web_handle(const http_req_t *req, http_resp_t *resp, void *appv)
{
    web_app_t *app = appv;
    const route_t *r;
    route_params_t p;
    char allow[64];
    int st = router_match(app->routes, app->nroutes, req->method, req->path, &r, &p, allow,
                          sizeof allow);
    if (st == 405) {
        http_resp_error(resp, req->lang, 405, NULL);
        http_resp_header(resp, "Allow", allow);
        return;
    }
    if (st) {
        http_resp_error(resp, req->lang, st, NULL);
        return;
    }
    /* Central checks for state-changing routes.  A browser always sends
     * Origin on a POST, so another site's form is refused here; the
     * session layer adds the CSRF token check at this point. */
    if ((r->flags & ROUTE_CHANGES_STATE) && http_origin_check(req) == HTTP_ORIGIN_CROSS) {
        http_resp_error(resp, req->lang, 403, NULL);
        return;
    }
    st = r->fn(req, resp, &p, app);
    if (st)
        http_resp_error(resp, req->lang, st, NULL);
}

void web_respond(web_app_t *app, http_req_t *req, int status, http_resp_t *resp)
{
    if (!status)
        status = http_req_prepare(req);
    if (status)
        http_resp_error(resp, req->lang, status, NULL);
    else
        web_handle(req, resp, app);
    http_resp_finish(resp, req->tls);
}
