/*
 * html — the only way apicheck writes HTML.  A builder over a buf_t that
 * escapes by default, after cgit's html_txt / html_attr / html_url_arg:
 *
 *   html_txt(h, s)            text: & < > " ' become entities
 *   html_txtf(h, fmt, …)      printf, then the whole result as text (the
 *                             format cannot smuggle markup either)
 *   html_attr(h, name, v)     ` name="v"`, escaped; URL attributes (href,
 *                             src, action, formaction, …) must pass
 *                             html_url_safe or become "about:invalid"
 *   html_url_arg(h, s)        s percent-encoded for a query or path part:
 *                             only A-Z a-z 0-9 - . _ ~ and %XX come out
 *   html_open(h, "a", "href", url, "class", "x", NULL)   an element start
 *   html_el(h, "td", text)    <td>text</td>
 *   html_link(h, url, text)   <a href="url">text</a>
 *   html_raw_trusted(h, "…")  markup from a string literal only (a macro
 *                             that does not compile with a variable)
 *
 * Every piece of text is checked as UTF-8: an invalid sequence becomes
 * U+FFFD, and so do control characters other than TAB, CR and LF (C0, DEL
 * and C1), which HTML forbids.  Nothing from a variable reaches the output
 * unescaped.
 *
 * Elements and attributes that would run script, load another document
 * or bypass the Content-Security-Policy are refused: tags script, style,
 * iframe, frame, frameset, object, embed, applet, base, noscript,
 * template, meta, link, portal and the SVG animation elements (animate,
 * set, …, which can point an href at javascript:); attributes on*, style,
 * srcdoc, srcset, and any name that is not lower-case letters, digits and
 * '-' (write SVG's viewBox as "viewbox": the HTML parser restores the case).
 * Pages get their one script from html_page_begin (<script src> with
 * defer, never inline).  Refusals and a full buffer set a sticky error
 * (html_failed); the web layer turns such a page into a 500 instead of
 * sending half of it.
 */
#ifndef APICHECK_WEB_HTML_H
#define APICHECK_WEB_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/i18n.h"

typedef struct html {
    buf_t *out;
    const char *error; /* NULL, or why the page is broken (static text) */
} html_t;

void html_init(html_t *h, buf_t *out);
/* True when something was refused or the buffer's cap was reached.  A
 * handler ends with `return html_failed(&h) ? 500 : 0;`. */
bool html_failed(const html_t *h);

void html_txt(html_t *h, const char *s); /* NULL writes nothing */
void html_txtn(html_t *h, const char *s, size_t n);
void html_txtf(html_t *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void html_attr(html_t *h, const char *name, const char *value);
void html_attrf(html_t *h, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void html_url_arg(html_t *h, const char *s);

/* <tag name="value" …>: pairs of attribute name and value up to a NULL
 * name; a NULL value writes a bare attribute (checked, selected). */
void html_open(html_t *h, const char *tag, ...) __attribute__((sentinel));
void html_close(html_t *h, const char *tag);
/* <tag>text</tag> with text escaped. */
void html_el(html_t *h, const char *tag, const char *text);
/* <a href="url">text</a> with both checked and escaped. */
void html_link(html_t *h, const char *url, const char *text);

/* Markup from a string literal.  The "" lit "" forces a literal: passing
 * a variable does not compile. */
#define html_raw_trusted(h, lit) html_raw_trusted_((h), "" lit "", sizeof(lit) - 1)
void html_raw_trusted_(html_t *h, const char *lit, size_t n);

/* The document around a page: <!DOCTYPE html>, <html lang>, <meta
 * charset=utf-8>, viewport, <title> (escaped), the stylesheet
 * /static/app.css and <script src="/static/app.js" defer>; then <body>.
 * No inline script or style, so the CSP needs no nonce. */
void html_page_begin(html_t *h, lang_t lang, const char *title);
void html_page_end(html_t *h);
/* <input type="hidden" name="csrf" value="token"> */
void html_csrf_field(html_t *h, const char *token);

/* ---- plain functions, usable outside a page ------------------------- */

/* Append s[0..n) escaped for HTML text and attribute values to out, with
 * the UTF-8 repair described above.  0, or -1 when out's cap is reached. */
int html_escape(buf_t *out, const char *s, size_t n);
/* Append s percent-encoded (everything but unreserved characters). */
int html_url_encode(buf_t *out, const char *s);
/* May this URL go into href/src/action?  Relative URLs ("/x", "x", "?a",
 * "#f") and http:, https: and mailto: are safe; "//host", backslashes,
 * white space and control characters anywhere, and every other scheme
 * (javascript:, data:, vbscript:, …) are not. */
bool html_url_safe(const char *url);

#endif
