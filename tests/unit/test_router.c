/* Unit tests for web/router: table checks at start-up, typed parameters
 * with overflow and canonical-form checks, 404 against 405 with Allow,
 * HEAD through GET, first match wins, body caps, and the application's own
 * table. */
#include "testutil.h"

#include "web/router.h"
#include "web/web.h"

#include <stdio.h>
#include <string.h>

static int h_ok(const http_req_t *req, http_resp_t *resp, const route_params_t *p, void *app)
{
    (void)req;
    (void)resp;
    (void)p;
    (void)app;
    return 0;
}

static int h_other(const http_req_t *req, http_resp_t *resp, const route_params_t *p, void *app)
{
    (void)req;
    (void)resp;
    (void)p;
    (void)app;
    return 404;
}

static const route_t table[] = {
    { HTTP_GET, "/", h_ok, ROUTE_PUBLIC, 0 },
    { HTTP_GET, "/assessments", h_ok, 0, 0 },
    { HTTP_GET, "/assessments/new", h_other, 0, 0 },
    { HTTP_GET, "/assessments/{id:int}", h_ok, 0, 0 },
    { HTTP_POST, "/assessments/{id:int}/submit", h_ok, ROUTE_CHANGES_STATE, 0 },
    { HTTP_PUT, "/assessments/{id:int}/items/{no:int}/answers/{side:side}", h_ok,
      ROUTE_CHANGES_STATE, 0 },
    { HTTP_GET, "/assessments/{id:int}/items/{no:int}/answers/{side:side}", h_ok, 0, 0 },
    { HTTP_DELETE, "/assessments/{id:int}/items/{no:int}/answers/{side:side}", h_ok,
      ROUTE_CHANGES_STATE, 0 },
    { HTTP_GET, "/static/{name:name}", h_ok, ROUTE_PUBLIC, 0 },
    { HTTP_GET, "/users/{login:str}", h_ok, 0, 0 },
    { HTTP_POST, "/import", h_ok, ROUTE_CHANGES_STATE | ROUTE_UPLOAD, 0 },
    { HTTP_POST, "/small", h_ok, ROUTE_CHANGES_STATE, 100 },
};
#define N (sizeof table / sizeof table[0])

static int match(http_method_t m, const char *path, const route_t **r, route_params_t *p,
                 char *allow)
{
    return router_match(table, N, m, path, r, p, allow, 64);
}

static void test_check_table(void **state)
{
    (void)state;
    const char *why = NULL;
    size_t bad = 99;
    assert_int_equal(router_check(table, N, &why, &bad), 0);

    static const struct {
        route_t r;
        const char *why_part;
    } broken[] = {
        { { HTTP_POST, "/x", h_ok, 0, 0 }, "must be ROUTE_CHANGES_STATE" },
        { { HTTP_DELETE, "/x", h_ok, ROUTE_PUBLIC, 0 }, "must be ROUTE_CHANGES_STATE" },
        { { HTTP_GET, "/x", h_ok, ROUTE_CHANGES_STATE, 0 }, "must not change state" },
        { { HTTP_HEAD, "/x", h_ok, 0, 0 }, "HEAD" },
        { { HTTP_OTHER, "/x", h_ok, 0, 0 }, "unknown method" },
        { { HTTP_GET, "/x", NULL, 0, 0 }, "no handler" },
        { { HTTP_GET, "x", h_ok, 0, 0 }, "start with /" },
        { { HTTP_GET, NULL, h_ok, 0, 0 }, "start with /" },
        { { HTTP_GET, "/a//b", h_ok, 0, 0 }, "empty segment" },
        { { HTTP_GET, "/a/{id}", h_ok, 0, 0 }, "malformed" },
        { { HTTP_GET, "/a/{id:float}", h_ok, 0, 0 }, "malformed" },
        { { HTTP_GET, "/a/{:int}", h_ok, 0, 0 }, "malformed" },
        { { HTTP_GET, "/a/{ID:int}", h_ok, 0, 0 }, "malformed" },
        { { HTTP_GET, "/a/{id:int", h_ok, 0, 0 }, "malformed" },
        { { HTTP_GET, "/a/x{id:int}", h_ok, 0, 0 }, "malformed" },
        { { HTTP_GET, "/a/}", h_ok, 0, 0 }, "malformed" },
        { { HTTP_GET, "/{a:int}/{a:int}", h_ok, 0, 0 }, "twice" },
        { { HTTP_GET, "/{a:int}/{b:int}/{c:int}/{d:int}/{e:int}/{f:int}/{g:int}/{h:int}/{i:int}",
            h_ok, 0, 0 },
          "too many" },
    };
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        route_t two[2] = { table[0], broken[i].r };
        why = NULL;
        if (router_check(two, 2, &why, &bad) != -1 || bad != 1 ||
            !strstr(why, broken[i].why_part)) {
            print_error("route %zu (%s) passed or wrong reason: %s\n", i,
                        broken[i].r.pattern ? broken[i].r.pattern : "(null)", why ? why : "-");
            fail();
        }
    }
}

static void test_typed_params(void **state)
{
    (void)state;
    const route_t *r;
    route_params_t p;
    char allow[64];
    assert_int_equal(match(HTTP_GET, "/assessments/12/items/3/answers/bank", &r, &p, allow), 0);
    assert_ptr_equal(r, &table[6]);
    assert_int_equal(p.n, 3);
    assert_int_equal(route_int(&p, "id"), 12);
    assert_int_equal(route_int(&p, "no"), 3);
    assert_int_equal(route_side(&p, "side"), SIDE_BANK);
    assert_string_equal(route_str(&p, "side"), "bank");
    assert_int_equal(route_int(&p, "missing"), 0);
    assert_null(route_str(&p, "missing"));
    assert_int_equal(match(HTTP_GET, "/assessments/1/items/45/answers/partner", &r, &p, allow), 0);
    assert_int_equal(route_side(&p, "side"), SIDE_PARTNER);

    assert_int_equal(match(HTTP_GET, "/assessments/9223372036854775807", &r, &p, allow), 0);
    assert_int_equal(route_int(&p, "id"), INT64_MAX);

    static const char *const no[] = {
        "/assessments/0",
        "/assessments/012",
        "/assessments/-1",
        "/assessments/+1",
        "/assessments/1.0",
        "/assessments/1e3",
        "/assessments/0x10",
        "/assessments/%31",
        "/assessments/ 1",
        "/assessments/9223372036854775808",
        "/assessments/18446744073709551616",
        "/assessments/99999999999999999999",
        "/assessments/1/items/3/answers/both",
        "/assessments/1/items/3/answers/Bank",
        "/assessments/1/items/3/answers/銀行",
        "/assessments/1/items/3/answers/",
        "/assessments/1/items/3/answers",
        "/assessments/1/items/3/answers/bank/",
        "/assessments/1/items/3/answers/bank/x",
        "/assessments/",
        "/static/.hidden",
        "/static/..",
        "/static/a b",
        "/static/a%2fb",
        "/static/",
        "/static/app.css/",
        "/nothing",
        "",
        "/users/",
    };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        int st = match(HTTP_GET, no[i], &r, &p, allow);
        if (st != 404) {
            print_error("'%s' gave %d, wanted 404\n", no[i], st);
            fail();
        }
        assert_null(r);
    }
    assert_int_equal(router_match(table, N, HTTP_GET, NULL, &r, &p, allow, 64), 404);

    assert_int_equal(match(HTTP_GET, "/static/app.css", &r, &p, allow), 0);
    assert_string_equal(route_str(&p, "name"), "app.css");
    assert_int_equal(match(HTTP_GET, "/users/山田 太郎", &r, &p, allow), 0);
    assert_string_equal(route_str(&p, "login"), "山田 太郎");
    char longseg[ROUTE_MAX_SEGMENT + 16] = "/users/";
    memset(longseg + 7, 'x', ROUTE_MAX_SEGMENT + 1);
    longseg[7 + ROUTE_MAX_SEGMENT + 1] = '\0';
    assert_int_equal(match(HTTP_GET, longseg, &r, &p, allow), 404);
    longseg[7 + ROUTE_MAX_SEGMENT] = '\0';
    assert_int_equal(match(HTTP_GET, longseg, &r, &p, allow), 0);
}

static void test_methods(void **state)
{
    (void)state;
    const route_t *r;
    route_params_t p;
    char allow[64];
    /* HEAD rides on GET. */
    assert_int_equal(match(HTTP_HEAD, "/assessments", &r, &p, allow), 0);
    assert_ptr_equal(r, &table[1]);
    /* Wrong method on a known path: 405 with the methods that fit. */
    assert_int_equal(match(HTTP_POST, "/assessments", &r, &p, allow), 405);
    assert_string_equal(allow, "GET, HEAD");
    assert_int_equal(match(HTTP_GET, "/assessments/4/submit", &r, &p, allow), 405);
    assert_string_equal(allow, "POST");
    assert_int_equal(match(HTTP_PATCH, "/assessments/4/items/1/answers/bank", &r, &p, allow), 405);
    assert_string_equal(allow, "GET, HEAD, PUT, DELETE");
    assert_int_equal(match(HTTP_OTHER, "/", &r, &p, allow), 405);
    assert_string_equal(allow, "GET, HEAD");
    assert_int_equal(match(HTTP_OPTIONS, "/static/app.js", &r, &p, allow), 405);
    /* A path no method knows stays 404, whatever the method. */
    assert_int_equal(match(HTTP_POST, "/nothing", &r, &p, allow), 404);
    assert_int_equal(match(HTTP_GET, "/assessments/0/submit", &r, &p, allow), 404);
    /* Allow is cut, not overflowed, in a small buffer. */
    char tiny[8];
    assert_int_equal(router_match(table, N, HTTP_PATCH, "/assessments/4/items/1/answers/bank", &r,
                                  &p, tiny, sizeof tiny),
                     405);
    assert_string_equal(tiny, "GET");
}

static void test_order_and_caps(void **state)
{
    (void)state;
    const route_t *r;
    route_params_t p;
    char allow[64];
    /* First match wins: the literal "new" comes before {id:int}, and "new"
     * is no int anyway. */
    assert_int_equal(match(HTTP_GET, "/assessments/new", &r, &p, allow), 0);
    assert_ptr_equal(r, &table[2]);
    assert_int_equal(match(HTTP_GET, "/", &r, &p, allow), 0);
    assert_ptr_equal(r, &table[0]);
    assert_int_equal(match(HTTP_POST, "/import", &r, &p, allow), 0);
    assert_true(r->flags & ROUTE_CHANGES_STATE);
    assert_int_equal(route_body_max(r), HTTP_MAX_UPLOAD);
    assert_int_equal(match(HTTP_POST, "/small", &r, &p, allow), 0);
    assert_int_equal(route_body_max(r), 100);
    assert_int_equal(match(HTTP_GET, "/assessments", &r, &p, allow), 0);
    assert_int_equal(route_body_max(r), HTTP_MAX_BODY);
}

static void test_app_table(void **state)
{
    (void)state;
    web_app_t app;
    char *err = NULL;
    assert_int_equal(web_app_init(&app, &err), 0);
    assert_true(app.nroutes >= 2);
    http_req_t req;
    http_req_init(&req);
    assert_int_equal(http_req_set_method(&req, "GET"), 0);
    assert_int_equal(http_req_set_target(&req, "/healthz", 8), 0);
    assert_int_equal(web_body_limit(&app, &req), HTTP_MAX_BODY);
    http_resp_t resp;
    http_resp_init(&resp);
    web_handle(&req, &resp, &app);
    assert_int_equal(resp.status, 200);
    assert_string_equal(buf_str(&resp.body), "{\"status\":\"ok\"}\n");
    http_resp_free(&resp);
    http_req_free(&req);
    web_app_free(&app);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_table),
        cmocka_unit_test(test_typed_params),
        cmocka_unit_test(test_methods),
        cmocka_unit_test(test_order_and_caps),
        cmocka_unit_test(test_app_table),
    };
    return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
