/* Unit tests for web/html: every escaping function against XSS payloads,
 * URL safety in href-like attributes, refusal of script-running elements
 * and attributes, U+FFFD for invalid UTF-8 and control characters, the page
 * frame (no inline script), caps, and a property test: random byte strings
 * never leave a raw < > " ' or a stray & after escaping. */
#include "testutil.h"

#include "util/buf.h"
#include "util/utf8.h"
#include "web/html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FFFD "\xEF\xBF\xBD"

static buf_t out;
static html_t h;

static int setup(void **state)
{
    (void)state;
    buf_init(&out, 0);
    html_init(&h, &out);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    buf_free(&out);
    return 0;
}

static void reset(void)
{
    buf_reset(&out);
    html_init(&h, &out);
}

static void txt_is(const char *in, size_t n, const char *want)
{
    reset();
    html_txtn(&h, in, n);
    assert_false(html_failed(&h));
    if (strcmp(buf_str(&out), want) != 0) {
        print_error("escaped to '%s', wanted '%s'\n", buf_str(&out), want);
        fail();
    }
}

#define TXT(lit, want) txt_is((lit), sizeof(lit) - 1, (want))

static void test_txt_payloads(void **state)
{
    (void)state;
    TXT("plain text", "plain text");
    TXT("対応済 (一部対応)", "対応済 (一部対応)");
    TXT("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
    TXT("\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
    TXT("'><svg/onload=alert(1)>", "&#39;&gt;&lt;svg/onload=alert(1)&gt;");
    TXT("&lt;already&gt; &amp; &#39;", "&amp;lt;already&amp;gt; &amp;amp; &amp;#39;");
    TXT("</textarea><script>", "&lt;/textarea&gt;&lt;script&gt;");
    TXT("<!--", "&lt;!--");
    TXT("a\tb\nc\r\n", "a\tb\nc\r\n");
    TXT("", "");
    reset();
    html_txt(&h, NULL);
    assert_int_equal(out.len, 0);
}

static void test_txt_utf8_repair(void **state)
{
    (void)state;
    TXT("a\xff" "b", "a" FFFD "b");
    TXT("\xc0\xaf", FFFD FFFD);                 /* overlong '/' */
    TXT("\xc0\xbc" "script", FFFD FFFD "script"); /* overlong '<' */
    TXT("\xe0\x80\xbc", FFFD FFFD FFFD);
    TXT("\xe3\x81", FFFD FFFD);                 /* truncated あ */
    TXT("\xe3\x81" "<", FFFD FFFD "&lt;");
    TXT("\xed\xa0\x80", FFFD FFFD FFFD);        /* surrogate */
    TXT("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD); /* past U+10FFFF */
    TXT("\x01\x08\x0b\x0c\x1b\x7f", FFFD FFFD FFFD FFFD FFFD FFFD);
    TXT("\xc2\x85\xc2\x9f", FFFD FFFD);         /* C1 controls */
    TXT("\xc2\xa0\xef\xbf\xbd\xf0\x9f\x98\x80", "\xc2\xa0\xef\xbf\xbd\xf0\x9f\x98\x80");
    TXT("x\0y", "x" FFFD "y");                  /* with a length, NUL is a control */
}

static void attr_is(const char *name, const char *value, const char *want)
{
    reset();
    html_attr(&h, name, value);
    assert_false(html_failed(&h));
    if (strcmp(buf_str(&out), want) != 0) {
        print_error("attr %s='%s' gave '%s', wanted '%s'\n", name, value, buf_str(&out), want);
        fail();
    }
}

static void test_attr(void **state)
{
    (void)state;
    attr_is("title", "\" onmouseover=\"alert(1)", " title=\"&quot; onmouseover=&quot;alert(1)\"");
    attr_is("value", "' autofocus onfocus='x", " value=\"&#39; autofocus onfocus=&#39;x\"");
    attr_is("data-id", "12", " data-id=\"12\"");
    attr_is("aria-label", "<b>", " aria-label=\"&lt;b&gt;\"");
    attr_is("checked", NULL, " checked");
    attr_is("href", "/assessments/3?tab=review&x=1#item-4",
            " href=\"/assessments/3?tab=review&amp;x=1#item-4\"");
    attr_is("href", "https://www.fisc.or.jp/", " href=\"https://www.fisc.or.jp/\"");
    attr_is("href", "mailto:security@example.jp", " href=\"mailto:security@example.jp\"");
    attr_is("href", "#top", " href=\"#top\"");
    attr_is("href", "?page=2", " href=\"?page=2\"");
    attr_is("href", "items/4", " href=\"items/4\"");
    attr_is("action", "/login", " action=\"/login\"");

    /* Dangerous URLs in every URL attribute become about:invalid. */
    static const char *const evil[] = {
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x01javascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "DATA:text/html;base64,PHNjcmlwdD4=",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "http:evil.example",
        "https:/evil.example",
        "file:///etc/passwd",
        "",
    };
    static const char *const url_attrs[] = { "href",     "src",        "action",   "formaction",
                                              "cite",     "poster",     "data",     "ping",
                                              "background", "manifest", "longdesc", "codebase",
                                              "xmlns" };
    for (size_t i = 0; i < sizeof evil / sizeof evil[0]; i++) {
        for (size_t k = 0; k < sizeof url_attrs / sizeof url_attrs[0]; k++) {
            reset();
            html_attr(&h, url_attrs[k], evil[i]);
            char want[64];
            snprintf(want, sizeof want, " %s=\"about:invalid\"", url_attrs[k]);
            if (strcmp(buf_str(&out), want) != 0) {
                print_error("%s='%s' gave '%s'\n", url_attrs[k], evil[i], buf_str(&out));
                fail();
            }
            assert_false(html_url_safe(evil[i]));
        }
    }
    /* An entity cannot smuggle the colon: '&' is escaped, so the browser
     * sees the text "javascript&#58;…", a relative path. */
    reset();
    html_attr(&h, "href", "javascript&#58;alert(1)");
    assert_string_equal(buf_str(&out), " href=\"javascript&amp;#58;alert(1)\"");
    reset();
    html_link(&h, "javascript:alert(document.cookie)", "click");
    assert_string_equal(buf_str(&out), "<a href=\"about:invalid\">click</a>");
}

static void test_refused(void **state)
{
    (void)state;
    static const char *const attrs[] = { "onclick", "onerror", "onload", "ONCLICK", "style",
                                         "srcdoc", "srcset", "imagesrcset", "Href", "a b",
                                         "x\"y", "", "1x", "on", "onx", "style-x\x01" };
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
        reset();
        html_attr(&h, attrs[i], "x");
        if (!html_failed(&h)) {
            print_error("attribute '%s' was written: %s\n", attrs[i], buf_str(&out));
            fail();
        }
    }
    reset();
    html_attr(&h, NULL, "x");
    assert_true(html_failed(&h));

    static const char *const tags[] = { "script", "SCRIPT", "style", "iframe", "object",
                                        "embed", "base", "frame", "frameset", "noscript",
                                        "template", "meta", "link", "animate", "set",
                                        "applet", "portal", "handler", "listener",
                                        "animatemotion", "animatetransform", "a b", "div>", "",
                                        "1p" };
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
        reset();
        html_open(&h, tags[i], NULL);
        if (!html_failed(&h)) {
            print_error("element '%s' was written: %s\n", tags[i], buf_str(&out));
            fail();
        }
        reset();
        html_close(&h, tags[i]);
        assert_true(html_failed(&h));
    }
    /* Near misses of the refused names are ordinary names. */
    static const char *const fine_tags[] = { "sets", "bases", "metas", "linker", "styles",
                                             "scripts", "section", "summary", "h1" };
    for (size_t i = 0; i < sizeof fine_tags / sizeof fine_tags[0]; i++) {
        reset();
        html_open(&h, fine_tags[i], NULL);
        html_close(&h, fine_tags[i]);
        assert_false(html_failed(&h));
    }
    attr_is("styles", "x", " styles=\"x\"");
    attr_is("hrefs", "javascript:x", " hrefs=\"javascript:x\"");
    /* Once failed, nothing more is written. */
    reset();
    html_txt(&h, "before");
    html_open(&h, "script", NULL);
    html_txt(&h, "after");
    html_raw_trusted(&h, "<b>");
    assert_string_equal(buf_str(&out), "before");
}

static void test_open_close(void **state)
{
    (void)state;
    reset();
    html_open(&h, "a", "href", "/items/3", "class", "item \"x\"", "data-no", "3", NULL);
    html_txt(&h, "<3>");
    html_close(&h, "a");
    assert_string_equal(buf_str(&out),
                        "<a href=\"/items/3\" class=\"item &quot;x&quot;\" data-no=\"3\">&lt;3&gt;</a>");
    reset();
    html_open(&h, "input", "type", "checkbox", "checked", NULL, "name", "s", NULL);
    assert_string_equal(buf_str(&out), "<input type=\"checkbox\" checked name=\"s\">");
    reset();
    html_el(&h, "td", "<img src=x onerror=alert(1)>");
    assert_string_equal(buf_str(&out), "<td>&lt;img src=x onerror=alert(1)&gt;</td>");
    reset();
    html_attrf(&h, "id", "item-%d-%s", 4, "\"bank\"");
    assert_string_equal(buf_str(&out), " id=\"item-4-&quot;bank&quot;\"");
    reset();
    html_attrf(&h, "href", "javascript:%s", "alert(1)");
    assert_string_equal(buf_str(&out), " href=\"about:invalid\"");
}

static void test_txtf(void **state)
{
    (void)state;
    reset();
    html_txtf(&h, "%d件の項目 (%s) %zu %lld", 45, "<script>", (size_t)7, -1LL);
    assert_string_equal(buf_str(&out), "45件の項目 (&lt;script&gt;) 7 -1");
    /* The format itself is text too: no markup through it. */
    reset();
    html_txtf(&h, "<b>%s</b>", "x");
    assert_string_equal(buf_str(&out), "&lt;b&gt;x&lt;/b&gt;");
    /* Long results. */
    char big[1000];
    memset(big, '<', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    reset();
    html_txtf(&h, "%s", big);
    assert_int_equal(out.len, 4 * (sizeof big - 1));
    reset();
    html_txtf(&h, "%s", "\xff");
    assert_string_equal(buf_str(&out), FFFD);
}

static void test_url_arg(void **state)
{
    (void)state;
    reset();
    html_url_arg(&h, "a b&c=d/é?#%+~._-");
    assert_string_equal(buf_str(&out), "a%20b%26c%3Dd%2F%C3%A9%3F%23%25%2B~._-");
    reset();
    html_url_arg(&h, "javascript:alert(1)");
    assert_string_equal(buf_str(&out), "javascript%3Aalert%281%29");
    reset();
    html_url_arg(&h, "\"><script>");
    assert_string_equal(buf_str(&out), "%22%3E%3Cscript%3E");
    /* In an href, an encoded argument can never form a scheme. */
    buf_t u = BUF_INIT(0);
    buf_adds(&u, "/search?q=");
    html_url_encode(&u, "javascript:alert(1)");
    assert_true(html_url_safe(u.p));
    buf_reset(&u);
    html_url_encode(&u, "javascript:alert(1)");
    assert_true(html_url_safe(u.p)); /* "javascript%3A…" is a relative path */
    reset();
    html_link(&h, u.p, "x");
    assert_string_equal(buf_str(&out), "<a href=\"javascript%3Aalert%281%29\">x</a>");
    buf_free(&u);
}

static void test_raw_trusted(void **state)
{
    (void)state;
    reset();
    html_raw_trusted(&h, "<table class=\"items\">");
    assert_string_equal(buf_str(&out), "<table class=\"items\">");
    /* html_raw_trusted(&h, some_variable) does not compile: the macro
     * pastes "" around its argument. */
}

static void test_page(void **state)
{
    (void)state;
    reset();
    html_page_begin(&h, LANG_JA, "チェック <一覧> & \"審査\"");
    html_csrf_field(&h, "tok\"><script>alert(1)</script>");
    html_page_end(&h);
    assert_false(html_failed(&h));
    const char *p = buf_str(&out);
    assert_true(strncmp(p, "<!DOCTYPE html>\n<html lang=\"ja\">", 31) == 0);
    assert_non_null(strstr(p, "<meta charset=\"utf-8\">"));
    assert_non_null(strstr(p, "<title>チェック &lt;一覧&gt; &amp; &quot;審査&quot;</title>"));
    assert_non_null(strstr(p, "<link rel=\"stylesheet\" href=\"/static/app.css\">"));
    assert_non_null(strstr(p, "<script src=\"/static/app.js\" defer></script>"));
    assert_non_null(strstr(p, "<input type=\"hidden\" name=\"csrf\" "
                              "value=\"tok&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\">"));
    /* Exactly one script element, and it has a src: no inline script. */
    const char *s = strstr(p, "<script");
    assert_non_null(s);
    assert_true(strncmp(s, "<script src=", 12) == 0);
    assert_null(strstr(s + 1, "<script"));
    assert_null(strstr(p, "style="));
    assert_null(strstr(p, "<style"));
    assert_true(strcmp(p + strlen(p) - 16, "</body>\n</html>\n") == 0);
    reset();
    html_page_begin(&h, LANG_EN, "x");
    assert_non_null(strstr(buf_str(&out), "<html lang=\"en\">"));
}

static void test_cap(void **state)
{
    (void)state;
    buf_t small = BUF_INIT(20);
    html_t hs;
    html_init(&hs, &small);
    html_txt(&hs, "0123456789");
    assert_false(html_failed(&hs));
    html_txt(&hs, "<<<");  /* 12 bytes escaped: past the cap */
    assert_true(html_failed(&hs));
    assert_string_equal(buf_str(&small), "0123456789");
    html_txt(&hs, "x");
    assert_string_equal(buf_str(&small), "0123456789");
    buf_free(&small);
    buf_t tiny = BUF_INIT(4);
    assert_int_equal(html_escape(&tiny, "&", 1), -1);
    assert_int_equal(html_url_encode(&tiny, "\xff\xff"), -1);
    buf_free(&tiny);
}

/* ---- property: random input never escapes raw ------------------------ */

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* Every '&' starts one of the five entities we write; no < > " ' at all;
 * no control characters but TAB, CR, LF; valid UTF-8. */
static void check_escaped(const char *s, size_t n)
{
    static const char *const ents[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&#39;" };
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        assert_true(c != '<' && c != '>' && c != '"' && c != '\'');
        assert_true(c >= 0x20 || c == '\t' || c == '\n' || c == '\r');
        assert_true(c != 0x7f);
        if (c == '&') {
            bool ok = false;
            for (size_t k = 0; k < 5; k++)
                if (strncmp(s + i, ents[k], strlen(ents[k])) == 0)
                    ok = true;
            assert_true(ok);
        }
    }
    assert_true(utf8_valid(s, n, NULL));
}

static void test_property_random(void **state)
{
    (void)state;
    static const char alphabet[] = "<>&\"'/=;:#%\\ \t\r\n\x01\x7f\xc0\xe3\x81\x82\xed\xa0\xff\x80"
                                   "javascript";
    char in[64];
    buf_t e = BUF_INIT(0), u = BUF_INIT(0);
    for (int iter = 0; iter < 20000; iter++) {
        size_t n = next_rand() % sizeof in;
        for (size_t i = 0; i < n; i++) {
            uint32_t r = next_rand();
            in[i] = (r & 1) ? alphabet[(r >> 1) % (sizeof alphabet - 1)] : (char)(r >> 8);
        }
        buf_reset(&e);
        assert_int_equal(html_escape(&e, in, n), 0);
        check_escaped(e.p ? e.p : "", e.len);
        /* Valid UTF-8 input without controls comes back unchanged in
         * meaning: unescaping gives the input. */
        /* url encoding: only unreserved characters and %XX. */
        char z[sizeof in + 1];
        memcpy(z, in, n);
        z[n] = '\0';
        buf_reset(&u);
        assert_int_equal(html_url_encode(&u, z), 0);
        for (size_t i = 0; i < u.len; i++) {
            char c = u.p[i];
            bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~' || c == '%';
            assert_true(ok);
        }
        /* A URL that passes html_url_safe has no scheme but the three. */
        if (html_url_safe(z)) {
            size_t k = strcspn(z, ":/?#");
            if (z[k] == ':')
                assert_true(strncasecmp(z, "http", 4) == 0 || strncasecmp(z, "mailto", 6) == 0);
            for (size_t i = 0; i < strlen(z); i++)
                assert_true((unsigned char)z[i] > 0x20 && z[i] != 0x7f && z[i] != '\\');
        }
    }
    buf_free(&e);
    buf_free(&u);
}

/* Unescaping the escaped text of valid, control-free UTF-8 gives it back. */
static void test_property_roundtrip(void **state)
{
    (void)state;
    static const char *const pieces[] = { "<", ">", "&", "\"", "'", "あ", "対応", "a", " ",
                                          "\n", "&amp;", "😀" };
    buf_t in = BUF_INIT(0), e = BUF_INIT(0), back = BUF_INIT(0);
    for (int iter = 0; iter < 2000; iter++) {
        buf_reset(&in);
        size_t n = next_rand() % 20;
        for (size_t i = 0; i < n; i++)
            buf_adds(&in, pieces[next_rand() % (sizeof pieces / sizeof pieces[0])]);
        buf_reset(&e);
        html_escape(&e, buf_str(&in), in.len);
        buf_reset(&back);
        const char *s = buf_str(&e);
        while (*s) {
            static const struct {
                const char *ent, *ch;
            } map[] = { { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
                        { "&#39;", "'" } };
            bool done = false;
            for (size_t k = 0; k < 5 && !done; k++)
                if (strncmp(s, map[k].ent, strlen(map[k].ent)) == 0) {
                    buf_adds(&back, map[k].ch);
                    s += strlen(map[k].ent);
                    done = true;
                }
            if (!done)
                buf_addc(&back, *s++);
        }
        assert_string_equal(buf_str(&back), buf_str(&in));
    }
    buf_free(&in);
    buf_free(&e);
    buf_free(&back);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_txt_payloads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_txt_utf8_repair, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attr, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_txtf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_url_arg, setup, teardown),
        cmocka_unit_test_setup_teardown(test_raw_trusted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page, setup, teardown),
        cmocka_unit_test(test_cap),
        cmocka_unit_test(test_property_random),
        cmocka_unit_test(test_property_roundtrip),
    };
    return cmocka_run_group_tests_name("html", tests, NULL, NULL);
}
