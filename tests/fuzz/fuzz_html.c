/* libFuzzer target for web/html: whatever the bytes, escaped text has no
 * raw < > " ' and every & starts one of our five entities, no control
 * characters but TAB/CR/LF, and is valid UTF-8; URL encoding yields only
 * unreserved characters and %XX; and a URL that html_url_safe accepts
 * cannot turn into a script-running scheme once a browser strips the
 * white space it ignores (the oracle re-implements that stripping). */
#include "fuzz_util.h"

#include "util/buf.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "web/html.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_escaped(const char *s, size_t n)
{
    static const char *const ents[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&#39;" };
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        CHECK(c != '<' && c != '>' && c != '"' && c != '\'', "raw %c escaped through", c);
        CHECK(c >= 0x20 || c == '\t' || c == '\n' || c == '\r', "control %02x", c);
        CHECK(c != 0x7f, "DEL");
        if (c == '&') {
            bool ok = false;
            for (size_t k = 0; k < 5; k++)
                ok = ok || strncmp(s + i, ents[k], strlen(ents[k])) == 0;
            CHECK(ok, "stray &");
        }
    }
    CHECK(utf8_valid(s, n, NULL), "not UTF-8");
}

/* What a browser's URL parser does first: drop leading and trailing C0
 * controls and spaces, remove every TAB, LF and CR. */
static char *browser_view(const char *u)
{
    size_t n = strlen(u), a = 0, b = n;
    while (a < n && (unsigned char)u[a] <= 0x20)
        a++;
    while (b > a && (unsigned char)u[b - 1] <= 0x20)
        b--;
    char *v = xmalloc(b - a + 1), *o = v;
    for (size_t i = a; i < b; i++)
        if (u[i] != '\t' && u[i] != '\n' && u[i] != '\r')
            *o++ = u[i];
    *o = '\0';
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    buf_t out = BUF_INIT(0);
    if (html_escape(&out, s, size) != 0)
        abort();
    check_escaped(out.p ? out.p : "", out.len);

    char *z = xstrndup(s, size);

    /* The builder: text, attributes (URL-checked), a link. */
    buf_reset(&out);
    html_t h;
    html_init(&h, &out);
    html_open(&h, "a", "href", z, "title", z, NULL);
    html_txt(&h, z);
    html_close(&h, "a");
    CHECK(!html_failed(&h), "builder failed on data");
    const char *p = buf_str(&out);
    CHECK(strncmp(p, "<a href=\"", 9) == 0, "element start");
    const char *q = strchr(p + 9, '"');
    CHECK(q, "unterminated href");
    check_escaped(p + 9, (size_t)(q - p - 9));
    CHECK(strncmp(q, "\" title=\"", 9) == 0, "attribute escaped its quotes");

    /* URL encoding. */
    buf_reset(&out);
    if (html_url_encode(&out, z) != 0)
        abort();
    for (size_t i = 0; i < out.len; i++) {
        char c = out.p[i];
        CHECK((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.' || c == '_' || c == '~' || c == '%',
              "url_encode let %02x through", (unsigned char)c);
    }

    /* URL safety against the browser's view. */
    if (html_url_safe(z)) {
        char *v = browser_view(z);
        size_t k = strcspn(v, ":/?#");
        if (v[k] == ':') {
            bool web = (k == 4 && strncasecmp(v, "http", 4) == 0) ||
                       (k == 5 && strncasecmp(v, "https", 5) == 0) ||
                       (k == 6 && strncasecmp(v, "mailto", 6) == 0);
            CHECK(web, "unsafe scheme accepted: %s", z);
        }
        CHECK(strncmp(v, "//", 2) != 0 && !strchr(v, '\\'), "off-site or backslash URL: %s", z);
        free(v);
    }
    free(z);
    buf_free(&out);
    return 0;
}
