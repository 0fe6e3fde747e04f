/* Unit tests for web/http: path decoding and every path trick, the query,
 * form, cookie and header parsers with their caps, multipart/form-data,
 * language choice, the origin check, redirect safety, response headers,
 * and whole requests through web_handle_buffer (the same path as the
 * server, without a socket). */
#include "testutil.h"

#include "util/buf.h"
#include "util/xmem.h"
#include "web/http.h"
#include "web/server.h"
#include "web/web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- paths ------------------------------------------------------------ */

static void path_ok(const char *raw, const char *want)
{
    char *out = NULL;
    int st = http_path_decode(raw, strlen(raw), &out);
    if (st != 0) {
        print_error("path '%s' refused with %d, wanted '%s'\n", raw, st, want);
        fail();
    }
    assert_string_equal(out, want);
    free(out);
}

static void path_bad(const char *raw, size_t n)
{
    char *out = NULL;
    int st = http_path_decode(raw, n, &out);
    if (st != 400) {
        print_error("path trick '%.*s' gave %d ('%s'), wanted 400\n", (int)n, raw, st,
                    out ? out : "");
        fail();
    }
    assert_null(out);
}

#define PATH_BAD(lit) path_bad((lit), sizeof(lit) - 1)

static void test_path_plain(void **state)
{
    (void)state;
    path_ok("/", "/");
    path_ok("/healthz", "/healthz");
    path_ok("/a/b/c", "/a/b/c");
    path_ok("/a/", "/a/");
    path_ok("/a%20b", "/a b");
    path_ok("/%E3%81%82", "/あ");
    path_ok("/あ", "/あ");
    path_ok("/a;b,c=d", "/a;b,c=d");
    path_ok("/...", "/...");
    path_ok("/.x/..y", "/.x/..y");
    path_ok("/%41%62", "/Ab");
}

static void test_path_tricks(void **state)
{
    (void)state;
    PATH_BAD("");
    PATH_BAD("a");
    PATH_BAD("*");
    PATH_BAD("http://evil.example/");
    PATH_BAD("//");
    PATH_BAD("//evil.example");
    PATH_BAD("/a//b");
    PATH_BAD("/.");
    PATH_BAD("/..");
    PATH_BAD("/../etc/passwd");
    PATH_BAD("/a/..");
    PATH_BAD("/a/../b");
    PATH_BAD("/a/./b");
    PATH_BAD("/./a");
    PATH_BAD("/%2e%2e/x");
    PATH_BAD("/%2E%2E/x");
    PATH_BAD("/.%2e/x");
    PATH_BAD("/%2e/x");
    PATH_BAD("/a/%2e%2e");
    PATH_BAD("/%2f");
    PATH_BAD("/a%2Fb");
    PATH_BAD("/a%2f..%2fb");
    PATH_BAD("/%00");
    PATH_BAD("/a\0b");
    PATH_BAD("/a%0ab");
    PATH_BAD("/a%0d%0aSet-Cookie:x");
    PATH_BAD("/a%09b");
    PATH_BAD("/a%7fb");
    PATH_BAD("/a\\b");
    PATH_BAD("/a%5cb");
    PATH_BAD("/..\\x");
    PATH_BAD("/%5c..%5cx");
    PATH_BAD("/%c0%ae%c0%ae/x");   /* overlong "." */
    PATH_BAD("/%c0%af");           /* overlong "/" */
    PATH_BAD("/%e0%80%ae");        /* 3-byte overlong "." */
    PATH_BAD("/%c1%9c");           /* overlong "\" */
    PATH_BAD("/%ff");
    PATH_BAD("/\xff");
    PATH_BAD("/%e3%81");           /* truncated */
    PATH_BAD("/%ed%a0%80");        /* surrogate */
    PATH_BAD("/%f4%90%80%80");     /* past U+10FFFF */
    PATH_BAD("/%");
    PATH_BAD("/%4");
    PATH_BAD("/%zz");
    PATH_BAD("/%%32%65");
    PATH_BAD("/a?b");
    PATH_BAD("/a#b");
    PATH_BAD("/a b");
}

static void test_target(void **state)
{
    (void)state;
    http_req_t r;
    http_req_init(&r);
    const char *t = "/search?q=%E5%AF%BE%E5%BF%9C&state=draft&state=returned&empty=&flag";
    assert_int_equal(http_req_set_target(&r, t, strlen(t)), 0);
    assert_string_equal(r.path, "/search");
    assert_string_equal(r.query, "q=%E5%AF%BE%E5%BF%9C&state=draft&state=returned&empty=&flag");
    assert_string_equal(http_param(&r, "q"), "対応");
    assert_string_equal(http_param(&r, "state"), "draft");
    assert_string_equal(http_param_nth(&r, "state", 1), "returned");
    assert_null(http_param_nth(&r, "state", 2));
    assert_string_equal(http_param(&r, "empty"), "");
    assert_string_equal(http_param(&r, "flag"), "");
    assert_null(http_param(&r, "missing"));
    assert_null(http_param(&r, "Q")); /* names are case-sensitive */

    assert_int_equal(http_req_set_target(&r, "/", 1), 0);
    assert_string_equal(r.query, "");
    assert_int_equal(r.params.n, 0);
    assert_int_equal(http_req_set_target(&r, "/x?", 2), 0);
    assert_int_equal(http_req_set_target(&r, "/x?a=%zz", 8), 400);
    assert_int_equal(http_req_set_target(&r, "/x?a b", 6), 400);
    assert_int_equal(http_req_set_target(&r, "/x?a#b", 6), 400);
    assert_int_equal(http_req_set_target(&r, "/x/../y?a=1", 11), 400);

    char *big = xmalloc(HTTP_MAX_TARGET + 2);
    big[0] = '/';
    memset(big + 1, 'a', HTTP_MAX_TARGET + 1);
    assert_int_equal(http_req_set_target(&r, big, HTTP_MAX_TARGET), 0);
    assert_int_equal(http_req_set_target(&r, big, HTTP_MAX_TARGET + 1), 414);
    free(big);
    http_req_free(&r);
}

static void test_method(void **state)
{
    (void)state;
    http_req_t r;
    http_req_init(&r);
    assert_int_equal(http_req_set_method(&r, "GET"), 0);
    assert_int_equal(r.method, HTTP_GET);
    assert_int_equal(http_req_set_method(&r, "DELETE"), 0);
    assert_int_equal(r.method, HTTP_DELETE);
    assert_int_equal(http_req_set_method(&r, "get"), 0); /* a token, but not GET */
    assert_int_equal(r.method, HTTP_OTHER);
    assert_int_equal(http_req_set_method(&r, "BREW"), 0);
    assert_int_equal(r.method, HTTP_OTHER);
    assert_int_equal(http_req_set_method(&r, ""), 400);
    assert_int_equal(http_req_set_method(&r, "G T"), 400);
    assert_int_equal(http_req_set_method(&r, "GET\r\n"), 400);
    assert_int_equal(http_req_set_method(&r, "AVERYLONGMETHODNAME"), 400);
    assert_string_equal(http_method_name(HTTP_PATCH), "PATCH");
    http_req_free(&r);
}

/* ---- urlencoded -------------------------------------------------------- */

static int form(const char *s, http_kvs_t *k)
{
    return http_urlencoded_parse(s, strlen(s), k);
}

static void test_urlencoded(void **state)
{
    (void)state;
    http_kvs_t k = { 0 };
    assert_int_equal(form("a=1&b=x+y&c&d=%41%e3%81%82&&e=a%3Db%26c", &k), 0);
    assert_int_equal(k.n, 5);
    assert_string_equal(http_kvs_get(&k, "a", 0, false), "1");
    assert_string_equal(http_kvs_get(&k, "b", 0, false), "x y");
    assert_string_equal(http_kvs_get(&k, "c", 0, false), "");
    assert_string_equal(http_kvs_get(&k, "d", 0, false), "Aあ");
    assert_string_equal(http_kvs_get(&k, "e", 0, false), "a=b&c");
    http_kvs_free(&k);

    /* ';' is not a separator; '=' inside a value stays. */
    assert_int_equal(form("a=1;b=2&c=x=y", &k), 0);
    assert_string_equal(http_kvs_get(&k, "a", 0, false), "1;b=2");
    assert_string_equal(http_kvs_get(&k, "c", 0, false), "x=y");
    http_kvs_free(&k);

    /* Duplicates keep their order; lookups give the first. */
    assert_int_equal(form("x=1&x=2&x=3", &k), 0);
    assert_string_equal(http_kvs_get(&k, "x", 0, false), "1");
    assert_string_equal(http_kvs_get(&k, "x", 2, false), "3");
    http_kvs_free(&k);

    /* Text areas: TAB, CR, LF are fine in values. */
    assert_int_equal(form("t=a%09b%0D%0Ac", &k), 0);
    assert_string_equal(http_kvs_get(&k, "t", 0, false), "a\tb\r\nc");
    http_kvs_free(&k);

    static const char *const bad[] = {
        "=x", "a=%", "a=%4", "a=%G1", "a=%00", "a=%01", "a=%7F", "a=%FF", "a=%C0%AE",
        "a=%ED%A0%80", "%00=x", "a%0A=x", "a%09=x", "a=x\ny", "a=\x01", "a=1&=2",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (form(bad[i], &k) != 400) {
            print_error("'%s' was accepted\n", bad[i]);
            fail();
        }
        http_kvs_free(&k);
    }
}

static void test_urlencoded_caps(void **state)
{
    (void)state;
    buf_t b = BUF_INIT(0);
    for (int i = 0; i < HTTP_MAX_PARAMS; i++)
        buf_printf(&b, "%sp%d=%d", i ? "&" : "", i, i);
    http_kvs_t k = { 0 };
    assert_int_equal(http_urlencoded_parse(b.p, b.len, &k), 0);
    assert_int_equal(k.n, HTTP_MAX_PARAMS);
    http_kvs_free(&k);
    buf_adds(&b, "&one=more");
    assert_int_equal(http_urlencoded_parse(b.p, b.len, &k), 400);
    http_kvs_free(&k);

    buf_reset(&b);
    for (int i = 0; i < HTTP_MAX_PARAM_NAME; i++)
        buf_addc(&b, 'n');
    buf_adds(&b, "=v");
    assert_int_equal(http_urlencoded_parse(b.p, b.len, &k), 0);
    http_kvs_free(&k);
    buf_reset(&b);
    for (int i = 0; i <= HTTP_MAX_PARAM_NAME; i++)
        buf_addc(&b, 'n');
    buf_adds(&b, "=v");
    assert_int_equal(http_urlencoded_parse(b.p, b.len, &k), 400);
    http_kvs_free(&k);

    buf_reset(&b);
    buf_adds(&b, "v=");
    for (size_t i = 0; i < HTTP_MAX_PARAM_VALUE; i++)
        buf_addc(&b, 'x');
    assert_int_equal(http_urlencoded_parse(b.p, b.len, &k), 0);
    assert_int_equal(k.v[0].len, HTTP_MAX_PARAM_VALUE);
    http_kvs_free(&k);
    buf_addc(&b, 'x');
    assert_int_equal(http_urlencoded_parse(b.p, b.len, &k), 400);
    http_kvs_free(&k);
    buf_free(&b);
}

/* ---- cookies ------------------------------------------------------------ */

static void test_cookies(void **state)
{
    (void)state;
    http_kvs_t k = { 0 };
    http_cookies_parse("sid=abc123; lang=en;theme=\"dark\"", &k);
    assert_string_equal(http_kvs_get(&k, "sid", 0, false), "abc123");
    assert_string_equal(http_kvs_get(&k, "lang", 0, false), "en");
    assert_string_equal(http_kvs_get(&k, "theme", 0, false), "dark");
    http_kvs_free(&k);

    /* Malformed pairs are skipped whole; the good ones stay. */
    http_cookies_parse("a b=1; ok=1; sp=x y; comma=a,b; bs=a\\b; dq=a\"b; =v; novalue; "
                       "semi=; e=\xe3\x81\x82; last=2",
                       &k);
    assert_null(http_kvs_get(&k, "a b", 0, false));
    assert_null(http_kvs_get(&k, "sp", 0, false));
    assert_null(http_kvs_get(&k, "comma", 0, false));
    assert_null(http_kvs_get(&k, "bs", 0, false));
    assert_null(http_kvs_get(&k, "dq", 0, false));
    assert_null(http_kvs_get(&k, "", 0, false));
    assert_null(http_kvs_get(&k, "novalue", 0, false));
    assert_null(http_kvs_get(&k, "e", 0, false));
    assert_string_equal(http_kvs_get(&k, "ok", 0, false), "1");
    assert_string_equal(http_kvs_get(&k, "semi", 0, false), "");
    assert_string_equal(http_kvs_get(&k, "last", 0, false), "2");
    assert_int_equal(k.n, 3);
    http_kvs_free(&k);

    /* The first of two same-named cookies wins. */
    http_cookies_parse("sid=first; sid=second", &k);
    assert_string_equal(http_kvs_get(&k, "sid", 0, false), "first");
    http_kvs_free(&k);

    /* At most HTTP_MAX_COOKIES. */
    buf_t b = BUF_INIT(0);
    for (int i = 0; i < 100; i++)
        buf_printf(&b, "c%d=%d; ", i, i);
    http_cookies_parse(b.p, &k);
    assert_int_equal(k.n, HTTP_MAX_COOKIES);
    http_kvs_free(&k);
    buf_free(&b);
}

/* ---- headers ------------------------------------------------------------ */

static int hdr(http_req_t *r, const char *name, const char *value)
{
    return http_req_add_header(r, name, strlen(name), value, strlen(value));
}

static void test_headers(void **state)
{
    (void)state;
    http_req_t r;
    http_req_init(&r);
    assert_int_equal(hdr(&r, "Host", "example.test"), 0);
    assert_int_equal(hdr(&r, "X-Thing", "  padded value\t "), 0);
    assert_string_equal(http_header(&r, "host"), "example.test");
    assert_string_equal(http_header(&r, "HOST"), "example.test");
    assert_string_equal(http_header(&r, "x-thing"), "padded value");
    assert_null(http_header(&r, "X-Other"));

    assert_int_equal(hdr(&r, "host", "evil.test"), 400); /* a second Host */
    assert_int_equal(hdr(&r, "Content-Length", "1"), 0);
    assert_int_equal(hdr(&r, "content-length", "2"), 400);
    assert_int_equal(hdr(&r, "X-Thing", "again"), 0); /* ordinary headers may repeat */
    assert_int_equal(hdr(&r, "Bad Name", "x"), 400);
    assert_int_equal(hdr(&r, "Bad:Name", "x"), 400);
    assert_int_equal(hdr(&r, "", "x"), 400);
    assert_int_equal(hdr(&r, "X-Inject", "a\r\nSet-Cookie: x=1"), 400);
    assert_int_equal(hdr(&r, "X-Nul", "a\x01"), 400);
    assert_int_equal(http_req_add_header(&r, "X-Z", 3, "a\0b", 3), 400);

    char *big = xmalloc(HTTP_MAX_HEADER_VALUE + 2);
    memset(big, 'v', HTTP_MAX_HEADER_VALUE + 1);
    big[HTTP_MAX_HEADER_VALUE + 1] = '\0';
    assert_int_equal(hdr(&r, "X-Big", big), 431);
    big[HTTP_MAX_HEADER_VALUE] = '\0';
    assert_int_equal(hdr(&r, "X-Big", big), 0);
    free(big);

    while (r.headers.n < HTTP_MAX_HEADERS)
        assert_int_equal(hdr(&r, "X-Fill", "1"), 0);
    assert_int_equal(hdr(&r, "X-Flood", "1"), 431);
    http_req_free(&r);
}

static lang_t lang_of(const char *cookie, const char *accept)
{
    http_req_t r;
    http_req_init(&r);
    if (cookie)
        hdr(&r, "Cookie", cookie);
    if (accept)
        hdr(&r, "Accept-Language", accept);
    assert_int_equal(http_req_prepare(&r), 0);
    lang_t l = r.lang;
    http_req_free(&r);
    return l;
}

static void test_lang(void **state)
{
    (void)state;
    assert_int_equal(lang_of(NULL, NULL), LANG_JA);
    assert_int_equal(lang_of(NULL, "en-US,en;q=0.9"), LANG_EN);
    assert_int_equal(lang_of(NULL, "ja,en-US;q=0.7,en;q=0.3"), LANG_JA);
    assert_int_equal(lang_of(NULL, "en;q=0.5, ja;q=0.8"), LANG_JA);
    assert_int_equal(lang_of(NULL, "fr-FR, en;q=0.5"), LANG_EN);
    assert_int_equal(lang_of(NULL, "fr-FR"), LANG_JA);
    assert_int_equal(lang_of(NULL, "en;q=0"), LANG_JA);
    assert_int_equal(lang_of(NULL, "english"), LANG_JA);
    assert_int_equal(lang_of(NULL, "en;q=abc"), LANG_JA);
    assert_int_equal(lang_of(NULL, "en;q=2"), LANG_JA);
    assert_int_equal(lang_of(NULL, "en;q=1.5"), LANG_JA);
    assert_int_equal(lang_of(NULL, "en;q=0.0001"), LANG_JA);
    assert_int_equal(lang_of(NULL, "ja;q=0.001, en;q=0.002"), LANG_EN);
    assert_int_equal(lang_of(NULL, "ja;q=0.5,en;q=1.000"), LANG_EN);
    assert_int_equal(lang_of(NULL, "ja-JP;q=0.9, en-US"), LANG_EN);
    assert_int_equal(lang_of("lang=en", "ja"), LANG_EN);
    assert_int_equal(lang_of("lang=ja", "en"), LANG_JA);
    assert_int_equal(lang_of("lang=xx", "en"), LANG_EN);
}

static void test_prepare_form(void **state)
{
    (void)state;
    http_req_t r;
    http_req_init(&r);
    hdr(&r, "Content-Type", "application/x-www-form-urlencoded; charset=UTF-8");
    buf_adds(&r.body, "csrf=tok&status=%E5%AF%BE%E5%BF%9C%E6%B8%88&note=a%0D%0Ab");
    assert_int_equal(http_req_prepare(&r), 0);
    assert_string_equal(http_form(&r, "csrf"), "tok");
    assert_string_equal(http_form(&r, "status"), "対応済");
    assert_string_equal(http_form(&r, "note"), "a\r\nb");
    assert_string_equal(http_form_nth(&r, "csrf", 0), "tok");
    assert_null(http_form_nth(&r, "csrf", 1));
    char ct[128];
    http_content_type(&r, ct);
    assert_string_equal(ct, "application/x-www-form-urlencoded");
    http_req_free(&r);

    http_req_init(&r);
    hdr(&r, "Content-Type", "application/x-www-form-urlencoded");
    buf_adds(&r.body, "a=%FF");
    assert_int_equal(http_req_prepare(&r), 400);
    http_req_free(&r);

    /* JSON is left to the handler. */
    http_req_init(&r);
    hdr(&r, "Content-Type", "application/json");
    buf_adds(&r.body, "{\"a\":1}");
    assert_int_equal(http_req_prepare(&r), 0);
    assert_int_equal(r.form.n, 0);
    assert_string_equal(r.body.p, "{\"a\":1}");
    http_req_free(&r);
}

/* ---- multipart --------------------------------------------------------- */

#define CT "multipart/form-data; boundary=----b0und"

static int mp(const char *body, size_t len, const char *ct, size_t part_max, http_kvs_t *form_,
              http_file_t **files, size_t *nfiles)
{
    return http_multipart_parse(body, len, ct, part_max, form_, files, nfiles);
}

static void free_files(http_file_t *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(f[i].field);
        free(f[i].filename);
        free(f[i].content_type);
    }
    free(f);
}

static void test_multipart(void **state)
{
    (void)state;
    static const char body[] =
        "------b0und\r\n"
        "Content-Disposition: form-data; name=\"csrf\"\r\n"
        "\r\n"
        "tok\r\n"
        "------b0und\r\n"
        "Content-Disposition: form-data; name=\"file\"; filename=\"C:\\\\fakepath\\\\回答.xlsx\"\r\n"
        "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n"
        "\r\n"
        "PK\x03\x04\0\0\r\n--not-the-boundary\r\n------b0un\r\nd\xff"
        "\r\n"
        "------b0und\r\n"
        "Content-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n"
        "Content-Type: application/octet-stream\r\n"
        "\r\n"
        "\r\n"
        "------b0und\r\n"
        "content-disposition: form-data; name=note\r\n"
        "\r\n"
        "line1\r\nline2\r\n"
        "------b0und--\r\n";
    size_t len = sizeof body - 1;
    http_kvs_t f = { 0 };
    http_file_t *files = NULL;
    size_t nfiles = 0;
    assert_int_equal(mp(body, len, CT, 1024, &f, &files, &nfiles), 0);
    assert_string_equal(http_kvs_get(&f, "csrf", 0, false), "tok");
    assert_string_equal(http_kvs_get(&f, "note", 0, false), "line1\r\nline2");
    assert_int_equal(nfiles, 1);
    assert_string_equal(files[0].field, "file");
    assert_string_equal(files[0].filename, "回答.xlsx");
    assert_string_equal(files[0].content_type,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    static const char data[] = "PK\x03\x04\0\0\r\n--not-the-boundary\r\n------b0un\r\nd\xff";
    assert_int_equal(files[0].len, sizeof data - 1);
    assert_memory_equal(files[0].data, data, sizeof data - 1);
    http_kvs_free(&f);
    free_files(files, nfiles);
    files = NULL;
    nfiles = 0;

    /* Through a request, with a quoted boundary. */
    http_req_t r;
    http_req_init(&r);
    hdr(&r, "Content-Type", "multipart/form-data; charset=utf-8; boundary=\"----b0und\"");
    buf_add(&r.body, body, len);
    assert_int_equal(http_req_prepare(&r), 0);
    assert_string_equal(http_form(&r, "csrf"), "tok");
    const http_file_t *hf = http_file(&r, "file");
    assert_non_null(hf);
    assert_string_equal(hf->filename, "回答.xlsx");
    assert_null(http_file(&r, "empty"));
    http_req_free(&r);

    /* The part cap. */
    assert_int_equal(mp(body, len, CT, 16, &f, &files, &nfiles), 413);
    http_kvs_free(&f);
    free_files(files, nfiles);
    files = NULL;
    nfiles = 0;

    /* No parts at all is fine. */
    assert_int_equal(mp("------b0und--", 13, CT, 16, &f, &files, &nfiles), 0);
    assert_int_equal(f.n + nfiles, 0);
}

static void mp_bad(const char *body, const char *ct, int want)
{
    http_kvs_t f = { 0 };
    http_file_t *files = NULL;
    size_t nfiles = 0;
    int st = mp(body, strlen(body), ct, 1 << 20, &f, &files, &nfiles);
    if (st != want) {
        print_error("multipart gave %d, wanted %d:\n%s\n", st, want, body);
        fail();
    }
    http_kvs_free(&f);
    free_files(files, nfiles);
}

#define PART(name) "------b0und\r\nContent-Disposition: form-data; name=\"" name "\"\r\n\r\nv\r\n"

static void test_multipart_bad(void **state)
{
    (void)state;
    mp_bad(PART("a") "------b0und--\r\n", "multipart/form-data", 400);                /* no boundary */
    mp_bad(PART("a") "------b0und--\r\n", "multipart/form-data; boundary=", 400);
    mp_bad(PART("a") "------b0und--\r\n",
           "multipart/form-data; boundary=0123456789012345678901234567890123456789012345678901234567890123456789x",
           400); /* 71 characters */
    mp_bad(PART("a") "------b0und--\r\n", "multipart/form-data; boundary=a<b", 400);
    mp_bad(PART("a"), CT, 400);                                   /* never closed */
    mp_bad(PART("a") "------b0und", CT, 400);
    mp_bad("preamble\r\n" PART("a") "------b0und--", CT, 400);    /* no preamble */
    mp_bad(PART("a") "------b0und--trailing", CT, 400);
    mp_bad(PART("a") "------b0undX\r\n", CT, 400);
    mp_bad("------b0und\r\nContent-Disposition: form-data\r\n\r\nv\r\n------b0und--", CT, 400);
    mp_bad("------b0und\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n------b0und--",
           CT, 400);
    mp_bad("------b0und\r\n\r\nv\r\n------b0und--", CT, 400);     /* no disposition */
    mp_bad("------b0und\r\nContent-Disposition: form-data; name=\"a\"\r\nBad Header\r\n\r\nv\r\n"
           "------b0und--",
           CT, 400);
    mp_bad("------b0und\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n------b0und--", CT,
           400);
    mp_bad("------b0und\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xff\r\n------b0und--",
           CT, 400); /* a field must be UTF-8 */
    mp_bad("------b0und\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\x01\r\n------b0und--",
           CT, 400);
    mp_bad("------b0und\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\x01.txt\"\r\n\r\n"
           "v\r\n------b0und--",
           CT, 400);
    mp_bad("------b0und\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\xff.txt\"\r\n\r\n"
           "v\r\n------b0und--",
           CT, 400);
    /* Headers without the empty line. */
    mp_bad("------b0und\r\nContent-Disposition: form-data; name=\"a\"\r\n", CT, 400);
    /* Too many parts. */
    buf_t b = BUF_INIT(0);
    for (int i = 0; i <= HTTP_MAX_PARTS; i++)
        buf_adds(&b, PART("p"));
    buf_adds(&b, "------b0und--");
    mp_bad(b.p, CT, 400);
    buf_free(&b);
}

/* ---- origins, redirects, responses ------------------------------------ */

static http_origin_t origin(bool tls, const char *host, const char *orig, const char *ref)
{
    http_req_t r;
    http_req_init(&r);
    r.tls = tls;
    if (host)
        hdr(&r, "Host", host);
    if (orig)
        hdr(&r, "Origin", orig);
    if (ref)
        hdr(&r, "Referer", ref);
    http_origin_t o = http_origin_check(&r);
    http_req_free(&r);
    return o;
}

static void test_origin(void **state)
{
    (void)state;
    assert_int_equal(origin(false, "127.0.0.1:8080", NULL, NULL), HTTP_ORIGIN_ABSENT);
    assert_int_equal(origin(false, "127.0.0.1:8080", "http://127.0.0.1:8080", NULL),
                     HTTP_ORIGIN_SAME);
    assert_int_equal(origin(true, "app.test", "https://app.test", NULL), HTTP_ORIGIN_SAME);
    assert_int_equal(origin(true, "app.test", "http://app.test", NULL), HTTP_ORIGIN_CROSS);
    assert_int_equal(origin(false, "app.test", "http://app.test.evil", NULL), HTTP_ORIGIN_CROSS);
    assert_int_equal(origin(false, "app.test", "http://evil.test", NULL), HTTP_ORIGIN_CROSS);
    assert_int_equal(origin(false, "app.test", "null", NULL), HTTP_ORIGIN_CROSS);
    assert_int_equal(origin(false, NULL, "http://app.test", NULL), HTTP_ORIGIN_CROSS);
    assert_int_equal(origin(false, "app.test", NULL, "http://app.test/page?x"), HTTP_ORIGIN_SAME);
    assert_int_equal(origin(false, "app.test", NULL, "http://app.test.evil/"), HTTP_ORIGIN_CROSS);
    assert_int_equal(origin(false, "app.test", NULL, "http://app.test"), HTTP_ORIGIN_CROSS);
    /* Origin decides when both are sent. */
    assert_int_equal(origin(false, "app.test", "http://evil.test", "http://app.test/"),
                     HTTP_ORIGIN_CROSS);
}

static void test_redirect(void **state)
{
    (void)state;
    http_resp_t resp;
    http_resp_init(&resp);
    assert_int_equal(http_resp_redirect(&resp, "/assessments/3?tab=review#item-4"), 0);
    assert_int_equal(resp.status, 303);
    assert_string_equal(http_resp_get_header(&resp, "Location"), "/assessments/3?tab=review#item-4");
    static const char *const bad[] = {
        "", "relative", "//evil.example/", "/\\evil.example", "///evil.example",
        "http://evil.example/", "https:/evil.example", "javascript:alert(1)", "/\t/evil.example",
        "/a\r\nSet-Cookie: sid=x", "/a b", "/\xe3\x81\x82", "/a\\b", " /a", "\\\\evil",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (http_resp_redirect(&resp, bad[i]) != -1 || resp.status != 500 ||
            http_resp_get_header(&resp, "Location")) {
            print_error("redirect to '%s' was allowed\n", bad[i]);
            fail();
        }
    }
    assert_false(http_local_path_ok(NULL));
    http_resp_free(&resp);
}

static void test_response_headers(void **state)
{
    (void)state;
    http_resp_t resp;
    http_resp_init(&resp);
    assert_int_equal(http_resp_header(&resp, "X-Ok", "fine"), 0);
    assert_int_equal(http_resp_header(&resp, "X-Bad", "a\r\nSet-Cookie: x=1"), -1);
    assert_int_equal(http_resp_header(&resp, "X-Bad", "a\nb"), -1);
    assert_int_equal(http_resp_header(&resp, "Bad Name", "v"), -1);
    assert_int_equal(http_resp_header(&resp, "Bad\r\nName", "v"), -1);
    assert_null(http_resp_get_header(&resp, "X-Bad"));
    http_resp_finish(&resp, false);
    assert_string_equal(resp.content_type, "text/html; charset=utf-8");
    assert_string_equal(http_resp_get_header(&resp, "Content-Security-Policy"), HTTP_CSP);
    assert_non_null(strstr(HTTP_CSP, "script-src 'self'"));
    assert_non_null(strstr(HTTP_CSP, "frame-ancestors 'none'"));
    assert_null(strstr(HTTP_CSP, "unsafe-inline"));
    assert_string_equal(http_resp_get_header(&resp, "X-Content-Type-Options"), "nosniff");
    assert_string_equal(http_resp_get_header(&resp, "X-Frame-Options"), "DENY");
    assert_string_equal(http_resp_get_header(&resp, "Referrer-Policy"), "same-origin");
    assert_string_equal(http_resp_get_header(&resp, "Cache-Control"), "no-store");
    assert_null(http_resp_get_header(&resp, "Strict-Transport-Security"));
    http_resp_reset(&resp);
    resp.cacheable = true;
    http_resp_finish(&resp, true);
    assert_null(http_resp_get_header(&resp, "Cache-Control"));
    assert_non_null(http_resp_get_header(&resp, "Strict-Transport-Security"));
    http_resp_free(&resp);
}

static void test_error_page(void **state)
{
    (void)state;
    http_resp_t resp;
    http_resp_init(&resp);
    http_resp_error(&resp, LANG_EN, 404, "<script>alert('x')</script>");
    assert_int_equal(resp.status, 404);
    const char *b = buf_str(&resp.body);
    assert_non_null(strstr(b, "404 Not Found"));
    assert_non_null(strstr(b, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert_null(strstr(b, "<script>alert"));
    http_resp_error(&resp, LANG_JA, 413, NULL);
    assert_non_null(strstr(buf_str(&resp.body), "要求が大きすぎます"));
    http_resp_error(&resp, LANG_JA, 200, NULL); /* not an error: becomes 500 */
    assert_int_equal(resp.status, 500);
    assert_string_equal(http_status_text(431), "Request Header Fields Too Large");
    assert_string_equal(http_status_text(299), "Unknown");
    http_resp_free(&resp);
}

/* ---- whole requests from a buffer ------------------------------------- */

static web_app_t app;

static int setup_app(void **state)
{
    (void)state;
    char *err = NULL;
    if (web_app_init(&app, &err) != 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

static int teardown_app(void **state)
{
    (void)state;
    web_app_free(&app);
    return 0;
}

/* Run raw through web_handle_buffer; the response in *out (caller frees). */
static int run_raw(const char *raw, size_t len, buf_t *out)
{
    buf_init(out, 0);
    return web_handle_buffer(&app, raw, len, out);
}

static int run_str(const char *raw, buf_t *out)
{
    return run_raw(raw, strlen(raw), out);
}

static void expect_status(const char *raw, int want)
{
    buf_t out;
    int st = run_raw(raw, strlen(raw), &out);
    if (st != want) {
        print_error("got %d, wanted %d for:\n%s\n", st, want, raw);
        fail();
    }
    char line[32];
    snprintf(line, sizeof line, "HTTP/1.1 %d ", want);
    assert_true(strncmp(out.p, line, strlen(line)) == 0);
    /* Every response, errors included, carries the security headers. */
    assert_non_null(strstr(out.p, "\r\nContent-Security-Policy: " HTTP_CSP "\r\n"));
    assert_non_null(strstr(out.p, "\r\nX-Content-Type-Options: nosniff\r\n"));
    assert_non_null(strstr(out.p, "\r\nX-Frame-Options: DENY\r\n"));
    buf_free(&out);
}

static void test_buffer_requests(void **state)
{
    (void)state;
    buf_t out;
    assert_int_equal(run_str("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", &out), 200);
    assert_non_null(strstr(out.p, "\r\nContent-Type: application/json\r\n"));
    assert_non_null(strstr(out.p, "\r\nCache-Control: no-store\r\n"));
    assert_non_null(strstr(out.p, "\r\n\r\n{\"status\":\"ok\"}\n"));
    buf_free(&out);

    expect_status("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 200);
    expect_status("GET /healthz HTTP/1.0\r\n\r\n", 200);
    expect_status("GET /healthz?probe=1 HTTP/1.1\r\nHost: x\r\n\r\n", 200);
    expect_status("GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n", 404);
    expect_status("GET /healthz/ HTTP/1.1\r\nHost: x\r\n\r\n", 404);
    expect_status("POST /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 405);
    expect_status("BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 405);
    expect_status("BREW /nothing HTTP/1.1\r\nHost: x\r\n\r\n", 404);
    /* Path tricks. */
    expect_status("GET /static/../healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    expect_status("GET /static/%2e%2e/healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    expect_status("GET //healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    expect_status("GET /static/%2fetc%2fpasswd HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    expect_status("GET /static/..%5capp.css HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    expect_status("GET /healthz%00 HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    expect_status("GET /%c0%ae%c0%ae/ HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    expect_status("GET http://x/healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    expect_status("GET * HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    /* Framing. */
    expect_status("GET /healthz HTTP/1.1\nHost: x\n\n", 400);
    expect_status("GET /healthz HTTP/1.1\r\nHost: x\n\r\n", 400);
    expect_status("GET /healthz HTTP/1.1\r\nHost: x\r\r\n\r\n", 400);
    expect_status("GET /healthz HTTP/1.1\r\n\r\n", 400);                 /* no Host */
    expect_status("GET /healthz HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400);
    expect_status("GET /healthz HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400);
    expect_status("GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n", 400);
    expect_status("GET /healthz HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n", 400);
    expect_status("GET  /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    expect_status("GET /healthz  HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    expect_status("GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", 505);
    expect_status("GET /healthz HTTP/1.1 \r\nHost: x\r\n\r\n", 400);
    expect_status("GET /healthz\r\nHost: x\r\n\r\n", 400);
    expect_status("GET /healthz HTTP/1.1\r\nHost: x\r\n", 400);          /* unterminated */
    expect_status("", 400);
    /* Bodies. */
    expect_status("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", 405);
    expect_status("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabc", 400);
    expect_status("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nabc", 400);
    expect_status("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nabc", 400);
    expect_status("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400);
    expect_status("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n", 400);
    expect_status("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n", 413);
    expect_status("GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "0\r\n\r\n",
                  411);
    expect_status("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n",
                  400);
    /* Header flood. */
    buf_t b = BUF_INIT(0);
    buf_adds(&b, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < HTTP_MAX_HEADERS; i++)
        buf_printf(&b, "X-Flood-%d: %d\r\n", i, i);
    buf_adds(&b, "\r\n");
    expect_status(b.p, 431);
    buf_free(&b);
}

static void test_buffer_static(void **state)
{
    (void)state;
    buf_t out;
    assert_int_equal(run_str("GET /static/app.css HTTP/1.1\r\nHost: x\r\n\r\n", &out), 200);
    assert_non_null(strstr(out.p, "\r\nContent-Type: text/css; charset=utf-8\r\n"));
    assert_non_null(strstr(out.p, "\r\nCache-Control: no-cache\r\n"));
    const char *etag = strstr(out.p, "\r\nETag: ");
    assert_non_null(etag);
    char tag[40];
    assert_int_equal(sscanf(etag + 8, "%39s", tag), 1);
    buf_free(&out);

    char req[256];
    snprintf(req, sizeof req, "GET /static/app.css HTTP/1.1\r\nHost: x\r\nIf-None-Match: %s\r\n\r\n",
             tag);
    assert_int_equal(run_raw(req, strlen(req), &out), 304);
    assert_null(strstr(out.p, "Content-Length"));
    assert_true(out.len >= 4 && strcmp(out.p + out.len - 4, "\r\n\r\n") == 0);
    buf_free(&out);

    assert_int_equal(run_str("HEAD /static/app.js HTTP/1.1\r\nHost: x\r\n\r\n", &out), 200);
    assert_non_null(strstr(out.p, "\r\nContent-Type: text/javascript; charset=utf-8\r\n"));
    assert_true(strcmp(out.p + out.len - 4, "\r\n\r\n") == 0); /* no body */
    assert_null(strstr(out.p, "Content-Length: 0\r\n"));
    buf_free(&out);

    expect_status("GET /static/nope.css HTTP/1.1\r\nHost: x\r\n\r\n", 404);
    expect_status("GET /static/.app.css HTTP/1.1\r\nHost: x\r\n\r\n", 404);
    expect_status("GET /static/ HTTP/1.1\r\nHost: x\r\n\r\n", 404);
    expect_status("GET /static HTTP/1.1\r\nHost: x\r\n\r\n", 404);
}

static void test_buffer_error_page_lang(void **state)
{
    (void)state;
    buf_t out;
    const char *en = "GET /nope HTTP/1.1\r\nHost: x\r\nAccept-Language: en-GB,en;q=0.9\r\n\r\n";
    assert_int_equal(run_raw(en, strlen(en), &out), 404);
    assert_non_null(strstr(out.p, "<html lang=\"en\">"));
    assert_non_null(strstr(out.p, "404 Not Found"));
    buf_free(&out);
    const char *ja = "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n";
    assert_int_equal(run_raw(ja, strlen(ja), &out), 404);
    assert_non_null(strstr(out.p, "<html lang=\"ja\">"));
    assert_non_null(strstr(out.p, "ページが見つかりません"));
    buf_free(&out);
    const char *allow = "DELETE /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    assert_int_equal(run_raw(allow, strlen(allow), &out), 405);
    assert_non_null(strstr(out.p, "\r\nAllow: GET, HEAD\r\n"));
    buf_free(&out);
}

static void test_listen_addresses(void **state)
{
    (void)state;
    struct sockaddr_storage ss;
    unsigned len;
    assert_int_equal(web_parse_listen("127.0.0.1:8080", &ss, &len), 0);
    assert_int_equal(ss.ss_family, AF_INET);
    assert_int_equal(web_parse_listen("[::1]:8080", &ss, &len), 0);
    assert_int_equal(ss.ss_family, AF_INET6);
    assert_int_equal(web_parse_listen("0.0.0.0:0", &ss, &len), 0);
    assert_int_equal(web_parse_listen("localhost:80", &ss, &len), 0);
    assert_int_equal(web_parse_listen("8080", &ss, &len), 0);
    assert_int_equal(web_parse_listen(NULL, &ss, &len), 0);
    static const char *const bad[] = {
        "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:80x", "::1:8080",
        "[::1]8080", "[::1]:", "[127.0.0.1]:80", "example.com:80", "1.2.3:80", ":8080",
        "[::1:80",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (web_parse_listen(bad[i], &ss, &len) != -1) {
            print_error("listen address '%s' accepted\n", bad[i]);
            fail();
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_plain),
        cmocka_unit_test(test_path_tricks),
        cmocka_unit_test(test_target),
        cmocka_unit_test(test_method),
        cmocka_unit_test(test_urlencoded),
        cmocka_unit_test(test_urlencoded_caps),
        cmocka_unit_test(test_cookies),
        cmocka_unit_test(test_headers),
        cmocka_unit_test(test_lang),
        cmocka_unit_test(test_prepare_form),
        cmocka_unit_test(test_multipart),
        cmocka_unit_test(test_multipart_bad),
        cmocka_unit_test(test_origin),
        cmocka_unit_test(test_redirect),
        cmocka_unit_test(test_response_headers),
        cmocka_unit_test(test_error_page),
        cmocka_unit_test(test_buffer_requests),
        cmocka_unit_test(test_buffer_static),
        cmocka_unit_test(test_buffer_error_page_lang),
        cmocka_unit_test(test_listen_addresses),
    };
    return cmocka_run_group_tests_name("http", tests, setup_app, teardown_app);
}
