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

/* Append n bytes.  The common case (room in the buffer, under its cap) is
 * a memcpy here; growth and the cap are buf_add's. */
static inline void put(html_t *h, const char *s, size_t n)
{
    if (h->error)
        return;
    buf_t *b = h->out;
    if (b->len + n < b->cap && (!b->max || b->len + n <= b->max)) {
        memcpy(b->p + b->len, s, n);
        b->len += n;
        b->p[b->len] = '\0';
        return;
    }
    if (buf_add(b, s, n) != 0)
        fail(h, "page too large");
}

/* ---- escaping -------------------------------------------------------- */

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* What html_escape does with a byte: copy it (0), replace it by an entity
 * (1: & < > " '), replace it by U+FFFD (2: C0 controls but TAB, LF and CR,
 * and DEL), or check the UTF-8 sequence it starts (3). */
static const unsigned char esc_class[256] = {
    2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 2, 2, 0, 2, 2, /* 00 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 10 */
    0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, /* 20 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, /* 30 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 40 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 50 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 60 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, /* 70 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* 80 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* 90 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* a0 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* b0 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* c0 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* d0 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* e0 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* f0 */
};

static const char *entity(unsigned char c, size_t *len)
{
    switch (c) {
    case '&': *len = 5; return "&amp;";
    case '<': *len = 4; return "&lt;";
    case '>': *len = 4; return "&gt;";
    case '"': *len = 6; return "&quot;";
    default: *len = 5; return "&#39;";
    }
}

int html_escape(buf_t *out, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, from = 0; /* s[from..i) needs no change */
    while (i < n) {
        unsigned char cls = esc_class[u[i]];
        if (cls == 0) {
            i++;
            continue;
        }
        size_t k = 1;
        if (cls == 3) {
            k = utf8_seq_len(s + i, n - i);
            /* C1 controls (U+0080..U+009F) are well-formed but not HTML. */
            if (k > 0 && !(u[i] == 0xC2 && u[i + 1] <= 0x9F)) {
                i += k;
                continue;
            }
        }
        if (i > from && buf_add(out, s + from, i - from) != 0)
            return -1;
        const char *rep = replacement;
        size_t rlen = 3;
        if (cls == 1)
            rep = entity(u[i], &rlen);
        if (buf_add(out, rep, rlen) != 0)
            return -1;
        i += k ? k : 1;
        from = i;
    }
    if (i > from && buf_add(out, s + from, i - from) != 0)
        return -1;
    return 0;
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

/* Attribute names the builder writes: lower-case letters, digits and '-'
 * (data-*, aria-*), never event handlers or inline style.  Returns the
 * name's length, or 0 when it is refused.  Pages write thousands of
 * attributes: the refused names are compared only when the length
 * matches, with constant-length memcmp the compiler inlines. */
static size_t attr_name_ok(const char *n)
{
    if (!n || !(n[0] >= 'a' && n[0] <= 'z') || (n[0] == 'o' && n[1] == 'n'))
        return 0;
    size_t len = 0;
    for (const char *c = n; *c; c++, len++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
            return 0;
    switch (len) {
    case 5: return memcmp(n, "style", 5) ? len : 0;
    case 6: return memcmp(n, "srcdoc", 6) && memcmp(n, "srcset", 6) ? len : 0;
    case 11: return memcmp(n, "imagesrcset", 11) ? len : 0;
    default: return len;
    }
}

/* Attributes whose value is a URL (checked by html_url_safe). */
static bool attr_is_url(const char *n, size_t len)
{
    switch (len) {
    case 3: return !memcmp(n, "src", 3);
    case 4:
        return !memcmp(n, "href", 4) || !memcmp(n, "cite", 4) || !memcmp(n, "data", 4) ||
               !memcmp(n, "ping", 4);
    case 5: return !memcmp(n, "xmlns", 5);
    case 6: return !memcmp(n, "action", 6) || !memcmp(n, "poster", 6);
    case 8:
        return !memcmp(n, "manifest", 8) || !memcmp(n, "longdesc", 8) ||
               !memcmp(n, "codebase", 8);
    case 10: return !memcmp(n, "formaction", 10) || !memcmp(n, "background", 10);
    default: return false;
    }
}

void html_attr(html_t *h, const char *name, const char *value)
{
    if (h->error)
        return;
    size_t len = attr_name_ok(name);
    if (!len) {
        fail(h, "attribute refused");
        return;
    }
    put(h, " ", 1);
    put(h, name, len);
    if (!value)
        return;
    if (attr_is_url(name, len) && !html_url_safe(value))
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

/* Element names: lower-case letters and digits, not one that runs script,
 * loads a foreign document, belongs in the document head (meta refresh,
 * link) or animates SVG (which can set an href to javascript:).  Returns
 * the name's length, or 0 when it is refused; compared by length first
 * like attr_name_ok. */
static size_t tag_ok(const char *t)
{
    if (!t || !(t[0] >= 'a' && t[0] <= 'z'))
        return 0;
    size_t len = 0;
    for (const char *c = t; *c; c++, len++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')))
            return 0;
    bool refused;
    switch (len) {
    case 3: refused = !memcmp(t, "set", 3); break;
    case 4: refused = !memcmp(t, "base", 4) || !memcmp(t, "meta", 4) || !memcmp(t, "link", 4); break;
    case 5:
        refused = !memcmp(t, "style", 5) || !memcmp(t, "frame", 5) || !memcmp(t, "embed", 5);
        break;
    case 6:
        refused = !memcmp(t, "script", 6) || !memcmp(t, "iframe", 6) ||
                  !memcmp(t, "object", 6) || !memcmp(t, "applet", 6) || !memcmp(t, "portal", 6);
        break;
    case 7: refused = !memcmp(t, "animate", 7) || !memcmp(t, "handler", 7); break;
    case 8:
        refused = !memcmp(t, "frameset", 8) || !memcmp(t, "noscript", 8) ||
                  !memcmp(t, "template", 8) || !memcmp(t, "listener", 8);
        break;
    case 13: refused = !memcmp(t, "animatemotion", 13); break;
    case 16: refused = !memcmp(t, "animatetransform", 16); break;
    default: refused = false; break;
    }
    return refused ? 0 : len;
}

void html_open(html_t *h, const char *tag, ...)
{
    if (h->error)
        return;
    size_t len = tag_ok(tag);
    if (!len) {
        fail(h, "element refused");
        return;
    }
    put(h, "<", 1);
    put(h, tag, len);
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
    size_t len = tag_ok(tag);
    if (!len) {
        fail(h, "element refused");
        return;
    }
    put(h, "</", 2);
    put(h, tag, len);
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
