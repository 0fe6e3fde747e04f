/* libFuzzer target for web/http and web/server: the input is one raw
 * HTTP/1.1 request, run through web_handle_buffer (the same path as the
 * server: framing, path, query, headers, cookies, form and multipart
 * bodies, routing, error pages).  The response must be well-formed and
 * carry the security headers, whatever the input.  The decoders are also
 * fed the input directly, with their own oracles: a decoded path never
 * holds a dot segment, an empty segment, a backslash or a control
 * character and is valid UTF-8; decoded parameters are valid UTF-8
 * without NUL. */
#define _GNU_SOURCE /* memmem */
#include "fuzz_util.h"

#include "util/buf.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "web/http.h"
#include "web/server.h"
#include "web/web.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_path(const char *p)
{
    size_t n = strlen(p);
    CHECK(p[0] == '/', "path does not start with /: %s", p);
    CHECK(utf8_valid(p, n, NULL), "path not UTF-8");
    CHECK(!strstr(p, "//"), "empty segment in %s", p);
    CHECK(!strstr(p, "/./") && !strstr(p, "/../"), "dot segment in %s", p);
    CHECK(strcmp(p + (n >= 2 ? n - 2 : 0), "/.") != 0, "trailing dot in %s", p);
    CHECK(n < 3 || strcmp(p + n - 3, "/..") != 0, "trailing dot-dot in %s", p);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        CHECK(c >= 0x20 && c != 0x7f && c != '\\', "bad byte %02x in path", c);
    }
}

static void check_kvs(const http_kvs_t *k)
{
    for (size_t i = 0; i < k->n; i++) {
        CHECK(utf8_valid(k->v[i].name, strlen(k->v[i].name), NULL), "name not UTF-8");
        CHECK(strlen(k->v[i].value) == k->v[i].len, "NUL inside a value");
        CHECK(utf8_valid(k->v[i].value, k->v[i].len, NULL), "value not UTF-8");
        CHECK(k->v[i].len <= HTTP_MAX_PARAM_VALUE, "value past the cap");
    }
    CHECK(k->n <= HTTP_MAX_PARAMS, "too many parameters kept");
}

static void check_response(const char *req, size_t len, int st, const buf_t *out)
{
    (void)req;
    (void)len;
    CHECK(st >= 200 && st <= 599, "status %d", st);
    CHECK(out->len > 12 && memcmp(out->p, "HTTP/1.1 ", 9) == 0, "no status line");
    char head[16];
    snprintf(head, sizeof head, "HTTP/1.1 %d ", st);
    CHECK(strncmp(out->p, head, strlen(head)) == 0, "status line does not match %d", st);
    const char *end = strstr(out->p, "\r\n\r\n");
    CHECK(end, "no end of head");
    size_t hl = (size_t)(end - out->p);
    static const char *const must[] = {
        "\r\nContent-Security-Policy: " HTTP_CSP "\r\n",
        "\r\nX-Content-Type-Options: nosniff\r\n",
        "\r\nX-Frame-Options: DENY\r\n",
    };
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
        CHECK(memmem(out->p, hl + 2, must[i], strlen(must[i])), "missing %s", must[i] + 2);
    /* The head is printable ASCII: nothing from the request leaks a CR/LF
     * into a header. */
    for (size_t i = 0; i < hl; i++) {
        unsigned char c = (unsigned char)out->p[i];
        if (c == '\r') {
            CHECK(out->p[i + 1] == '\n', "bare CR in response head");
        } else if (c == '\n') {
            CHECK(i > 0 && out->p[i - 1] == '\r', "bare LF in response head");
        } else {
            CHECK(c >= 0x20 && c < 0x7f, "byte %02x in response head", c);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static web_app_t app;
    static bool ready;
    if (!ready) {
        char *err = NULL;
        if (web_app_init(&app, &err) != 0)
            abort();
        ready = true;
    }
    const char *s = (const char *)data;

    buf_t out = BUF_INIT(0);
    int st = web_handle_buffer(&app, s, size, &out);
    check_response(s, size, st, &out);
    buf_free(&out);

    /* The decoders on their own. */
    char *path = NULL;
    if (http_path_decode(s, size, &path) == 0)
        check_path(path);
    else
        CHECK(path == NULL, "refused path left a result");
    free(path);

    http_kvs_t k = { 0 };
    int rc = http_urlencoded_parse(s, size, &k);
    CHECK(rc == 0 || rc == 400, "urlencoded gave %d", rc);
    check_kvs(&k);
    http_kvs_free(&k);

    char *z = xstrndup(s, size);
    http_cookies_parse(z, &k);
    CHECK(k.n <= HTTP_MAX_COOKIES, "too many cookies");
    for (size_t i = 0; i < k.n; i++)
        for (const char *c = k.v[i].value; *c; c++)
            CHECK(*c > 0x20 && *c < 0x7f && *c != ';' && *c != ',' && *c != '"' && *c != '\\',
                  "bad cookie octet");
    http_kvs_free(&k);
    free(z);

    http_file_t *files = NULL;
    size_t nfiles = 0;
    rc = http_multipart_parse(s, size, "multipart/form-data; boundary=xYz", 4096, &k, &files,
                              &nfiles);
    CHECK(rc == 0 || rc == 400 || rc == 413, "multipart gave %d", rc);
    check_kvs(&k);
    for (size_t i = 0; i < nfiles; i++) {
        CHECK(files[i].data >= s && files[i].data + files[i].len <= s + size,
              "file data outside the body");
        CHECK(files[i].len <= 4096, "file past the cap");
        CHECK(!strchr(files[i].filename, '/') && !strchr(files[i].filename, '\\'),
              "directory in a file name");
        free(files[i].field);
        free(files[i].filename);
        free(files[i].content_type);
    }
    free(files);
    http_kvs_free(&k);
    return 0;
}
