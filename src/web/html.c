#include "web/html.h"

#include "util/utf8.h"
#include "util/xmem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void html_init(html_t *h, buf_t *out)
{
    h->out = out;
    h->error = NULL;
}

bool html_failed(const html_t *h)
{
    return h->error != NULL;
}

static void fail(html_t *h, const char *why)
{
    if (!h->error)
        h->error = why;
}

/* Cut the output back to mark (after a partial write hit the cap). */
static void rollback(html_t *h, size_t mark, const char *why)
{
    if (h->out->p && mark <= h->out->len) {
        h->out->len = mark;
        h->out->p[mark] = '\0';
    }
    fail(h, why);
}

static void put(html_t *h, const char *s, size_t n)
{
    if (h->error)
        return;
    if (buf_add(h->out, s, n) != 0)
        fail(h, "page too large");
}

static void puts_(html_t *h, const char *s)
{
    put(h, s, strlen(s));
}

/* ---- escaping -------------------------------------------------------- */

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

int html_escape(buf_t *out, const char *s, size_t n)
{
    size_t i = 0, run = 0; /* run: bytes at s+i-run.. that need no change */
    int rc = 0;
#define FLUSH()                                                                        \
    do {                                                                               \
        if (run && buf_add(out, s + i - run, run) != 0)                                \
            rc = -1;                                                                   \
        run = 0;                                                                       \
    } while (0)
    while (i < n && rc == 0) {
        unsigned char c = (unsigned char)s[i];
        const char *ent = NULL;
        switch (c) {
        case '&': ent = "&amp;"; break;
        case '<': ent = "&lt;"; break;
        case '>': ent = "&gt;"; break;
        case '"': ent = "&quot;"; break;
        case '\'': ent = "&#39;"; break;
        default: break;
        }
        if (ent) {
            FLUSH();
            if (rc == 0 && buf_adds(out, ent) != 0)
                rc = -1;
            i++;
            continue;
        }
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
                FLUSH();
                if (rc == 0 && buf_add(out, replacement, 3) != 0)
                    rc = -1;
            } else {
                run++;
            }
            i++;
            continue;
        }
        uint32_t cp;
        int k = utf8_decode(s + i, n - i, &cp);
        if (k == 0 || (cp >= 0x80 && cp <= 0x9f)) {
            FLUSH();
            if (rc == 0 && buf_add(out, replacement, 3) != 0)
                rc = -1;
            i += k ? (size_t)k : 1;
            continue;
        }
        i += (size_t)k;
        run += (size_t)k;
    }
    if (rc == 0)
        FLUSH();
#undef FLUSH
    return rc;
}

int html_url_encode(buf_t *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '.' || c == '_' || c == '~';
        char enc[3] = { '%', hex[c >> 4], hex[c & 15] };
        if (plain ? buf_addc(out, (char)c) != 0 : buf_add(out, enc, 3) != 0)
            return -1;
    }
    return 0;
}

bool html_url_safe(const char *url)
{
    if (!url || !*url)
        return false;
    for (const char *c = url; *c; c++) {
        unsigned char u = (unsigned char)*c;
        if (u <= 0x20 || u == 0x7f || u == '\\')
            return false;
    }
    if (url[0] == '/' && url[1] == '/')
        return false;
    /* A scheme is what comes before a ':' that precedes any / ? #. */
    size_t n = strcspn(url, ":/?#");
    if (url[n] != ':')
        return true;
    static const char *const ok[] = { "http", "https", "mailto" };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strlen(ok[i]) == n && strncasecmp(url, ok[i], n) == 0)
            return n == 6 || strncmp(url + n, "://", 3) == 0;
    return false;
}

/* ---- the builder ----------------------------------------------------- */

void html_txtn(html_t *h, const char *s, size_t n)
{
    if (h->error || !s)
        return;
    size_t mark = h->out->len;
    if (html_escape(h->out, s, n) != 0)
        rollback(h, mark, "page too large");
}

void html_txt(html_t *h, const char *s)
{
    if (s)
        html_txtn(h, s, strlen(s));
}

/* Format into a fresh string (NULL when vsnprintf fails). */
static char *vformat(const char *fmt, va_list ap, size_t *len)
{
    va_list aq;
    va_copy(aq, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, aq);
    va_end(aq);
    if (n < 0)
        return NULL;
    char *p = xmalloc((size_t)n + 1);
    if ((size_t)n < sizeof small)
        memcpy(p, small, (size_t)n + 1);
    else
        vsnprintf(p, (size_t)n + 1, fmt, ap);
    *len = (size_t)n;
    return p;
}

void html_txtf(html_t *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = 0;
    char *s = vformat(fmt, ap, &n);
    va_end(ap);
    if (!s)
        fail(h, "bad format");
    else
        html_txtn(h, s, n);
    free(s);
}

/* A set of short words, compared by length first: pages open thousands of
 * elements, and a plain strcmp over each list was a third of a page's
 * time. */
typedef struct word {
    const char *s;
    size_t n;
} word_t;
#define W(lit) { lit, sizeof(lit) - 1 }

static bool in_words(const char *s, size_t n, const word_t *set, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (set[i].n == n && memcmp(set[i].s, s, n) == 0)
            return true;
    return false;
}

/* Attribute names the builder writes: lower-case letters, digits and '-'
 * (data-*, aria-*), never event handlers or inline style. */
static bool attr_name_ok(const char *n)
{
    if (!n || !(n[0] >= 'a' && n[0] <= 'z'))
        return false;
    for (const char *c = n; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
            return false;
    static const word_t refused[] = { W("style"), W("srcdoc"), W("srcset"), W("imagesrcset") };
    if (n[0] == 'o' && n[1] == 'n')
        return false;
    return !in_words(n, strlen(n), refused, sizeof refused / sizeof refused[0]);
}

static bool attr_is_url(const char *n)
{
    static const word_t urls[] = { W("href"), W("src"), W("action"), W("formaction"),
                                   W("cite"), W("poster"), W("data"), W("ping"),
                                   W("background"), W("manifest"), W("longdesc"),
                                   W("codebase"), W("xmlns") };
    return in_words(n, strlen(n), urls, sizeof urls / sizeof urls[0]);
}

void html_attr(html_t *h, const char *name, const char *value)
{
    if (h->error)
        return;
    if (!attr_name_ok(name)) {
        fail(h, "attribute refused");
        return;
    }
    put(h, " ", 1);
    puts_(h, name);
    if (!value)
        return;
    if (attr_is_url(name) && !html_url_safe(value))
        value = "about:invalid";
    put(h, "=\"", 2);
    html_txt(h, value);
    put(h, "\"", 1);
}

void html_attrf(html_t *h, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = 0;
    char *s = vformat(fmt, ap, &n);
    va_end(ap);
    if (!s || strlen(s) != n)
        fail(h, "bad format");
    else
        html_attr(h, name, s);
    free(s);
}

void html_url_arg(html_t *h, const char *s)
{
    if (h->error || !s)
        return;
    size_t mark = h->out->len;
    if (html_url_encode(h->out, s) != 0)
        rollback(h, mark, "page too large");
}

static bool tag_ok(const char *t)
{
    if (!t || !(t[0] >= 'a' && t[0] <= 'z'))
        return false;
    for (const char *c = t; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')))
            return false;
    /* Script, foreign documents, the document head (meta refresh, link),
     * and SVG animation, which can set an href to javascript:. */
    static const word_t refused[] = {
        W("script"), W("style"), W("iframe"), W("frame"), W("frameset"), W("object"),
        W("embed"), W("applet"), W("base"), W("noscript"), W("template"), W("meta"),
        W("link"), W("animate"), W("set"), W("animatemotion"), W("animatetransform"),
        W("handler"), W("listener"), W("portal"),
    };
    return !in_words(t, strlen(t), refused, sizeof refused / sizeof refused[0]);
}

void html_open(html_t *h, const char *tag, ...)
{
    if (h->error)
        return;
    if (!tag_ok(tag)) {
        fail(h, "element refused");
        return;
    }
    put(h, "<", 1);
    puts_(h, tag);
    va_list ap;
    va_start(ap, tag);
    const char *name;
    while ((name = va_arg(ap, const char *)) != NULL) {
        const char *value = va_arg(ap, const char *);
        html_attr(h, name, value);
    }
    va_end(ap);
    put(h, ">", 1);
}

void html_close(html_t *h, const char *tag)
{
    if (h->error)
        return;
    if (!tag_ok(tag)) {
        fail(h, "element refused");
        return;
    }
    put(h, "</", 2);
    puts_(h, tag);
    put(h, ">", 1);
}

void html_el(html_t *h, const char *tag, const char *text)
{
    html_open(h, tag, NULL);
    html_txt(h, text);
    html_close(h, tag);
}

void html_link(html_t *h, const char *url, const char *text)
{
    html_open(h, "a", "href", url, NULL);
    html_txt(h, text);
    html_close(h, "a");
}

void html_raw_trusted_(html_t *h, const char *lit, size_t n)
{
    put(h, lit, n);
}

void html_page_begin(html_t *h, lang_t lang, const char *title)
{
    html_raw_trusted(h, "<!DOCTYPE html>\n");
    html_open(h, "html", "lang", lang == LANG_EN ? "en" : "ja", NULL);
    html_raw_trusted(h, "\n<head>\n<meta charset=\"utf-8\">\n"
                        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                        "<title>");
    html_txt(h, title);
    html_raw_trusted(h, "</title>\n"
                        "<link rel=\"stylesheet\" href=\"/static/app.css\">\n"
                        "<script src=\"/static/app.js\" defer></script>\n"
                        "</head>\n<body>\n");
}

void html_page_end(html_t *h)
{
    html_raw_trusted(h, "</body>\n</html>\n");
}

void html_csrf_field(html_t *h, const char *token)
{
    html_open(h, "input", "type", "hidden", "name", "csrf", "value", token ? token : "", NULL);
}
