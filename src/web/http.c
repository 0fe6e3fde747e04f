#define _GNU_SOURCE /* memmem */
#include "web/http.h"

#include "util/hex.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "web/html.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- small character classes ----------------------------------------- */

/* RFC 9110 tchar: the characters of a token (header names, methods). */
static bool is_tchar(unsigned char c)
{
    if (c >= 'a' && c <= 'z')
        return true;
    if (c >= 'A' && c <= 'Z')
        return true;
    if (c >= '0' && c <= '9')
        return true;
    return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool is_token(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_tchar((unsigned char)s[i]))
            return false;
    return true;
}

/* A C0 control or DEL. */
static bool is_ctl(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

/* ---- key/value lists ------------------------------------------------- */

void http_kvs_add(http_kvs_t *k, const char *name, size_t nlen, const char *value, size_t vlen)
{
    k->v = xgrow(k->v, &k->cap, k->n + 1, sizeof *k->v);
    http_kv_t *kv = &k->v[k->n++];
    kv->name = xstrndup(name, nlen);
    kv->value = xmalloc(vlen + 1);
    if (vlen)
        memcpy(kv->value, value, vlen);
    kv->value[vlen] = '\0';
    kv->len = vlen;
}

void http_kvs_free(http_kvs_t *k)
{
    for (size_t i = 0; i < k->n; i++) {
        free(k->v[i].name);
        free(k->v[i].value);
    }
    free(k->v);
    k->v = NULL;
    k->n = k->cap = 0;
}

const char *http_kvs_get(const http_kvs_t *k, const char *name, size_t nth, bool nocase)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < k->n; i++) {
        bool eq = nocase ? strcasecmp(k->v[i].name, name) == 0 : strcmp(k->v[i].name, name) == 0;
        if (eq && nth-- == 0)
            return k->v[i].value;
    }
    return NULL;
}

/* ---- requests -------------------------------------------------------- */

void http_req_init(http_req_t *r)
{
    memset(r, 0, sizeof *r);
    buf_init(&r->body, HTTP_MAX_UPLOAD);
    r->lang = LANG_JA;
}

void http_req_free(http_req_t *r)
{
    free(r->path);
    free(r->query);
    http_kvs_free(&r->params);
    http_kvs_free(&r->form);
    for (size_t i = 0; i < r->nfiles; i++) {
        free(r->files[i].field);
        free(r->files[i].filename);
        free(r->files[i].content_type);
    }
    free(r->files);
    http_kvs_free(&r->headers);
    http_kvs_free(&r->cookies);
    buf_free(&r->body);
    memset(r, 0, sizeof *r);
}

static const char *const method_names[] = {
    [HTTP_OTHER] = "", [HTTP_GET] = "GET", [HTTP_HEAD] = "HEAD", [HTTP_POST] = "POST",
    [HTTP_PUT] = "PUT", [HTTP_DELETE] = "DELETE", [HTTP_PATCH] = "PATCH",
    [HTTP_OPTIONS] = "OPTIONS",
};

http_method_t http_method_parse(const char *name)
{
    for (size_t i = 1; i < sizeof method_names / sizeof method_names[0]; i++)
        if (strcmp(name, method_names[i]) == 0)
            return (http_method_t)i;
    return HTTP_OTHER;
}

const char *http_method_name(http_method_t m)
{
    if ((size_t)m < sizeof method_names / sizeof method_names[0])
        return method_names[m];
    return "";
}

int http_req_set_method(http_req_t *r, const char *name)
{
    size_t n = strlen(name);
    if (n >= sizeof r->method_name || !is_token(name, n))
        return 400;
    memcpy(r->method_name, name, n + 1);
    r->method = http_method_parse(name);
    return 0;
}

int http_path_decode(const char *raw, size_t n, char **out)
{
    *out = NULL;
    if (n == 0 || raw[0] != '/')
        return 400;
    char *p = xmalloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)raw[i];
        if (c == '%') {
            if (n - i < 3) {
                free(p);
                return 400;
            }
            int h1 = hex_digit((unsigned char)raw[i + 1]), h2 = hex_digit((unsigned char)raw[i + 2]);
            if (h1 < 0 || h2 < 0) {
                free(p);
                return 400;
            }
            c = (unsigned char)(h1 * 16 + h2);
            i += 2;
            /* An encoded slash would change the segments after routing. */
            if (c == '/') {
                free(p);
                return 400;
            }
        } else if (c == '?' || c == '#' || c == ' ') {
            free(p);
            return 400;
        }
        if (is_ctl(c) || c == '\\') {
            free(p);
            return 400;
        }
        p[o++] = (char)c;
    }
    p[o] = '\0';
    if (!utf8_valid(p, o, NULL)) {
        free(p);
        return 400;
    }
    /* Segments: no empty one except a trailing slash, no "." or "..". */
    const char *s = p + 1;
    for (;;) {
        const char *e = strchr(s, '/');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (len == 0 && e) {
            free(p);
            return 400;
        }
        if ((len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.')) {
            free(p);
            return 400;
        }
        if (!e)
            break;
        s = e + 1;
    }
    *out = p;
    return 0;
}

int http_req_set_target(http_req_t *r, const char *target, size_t len)
{
    if (len > HTTP_MAX_TARGET)
        return 414;
    const char *q = memchr(target, '?', len);
    size_t plen = q ? (size_t)(q - target) : len;
    free(r->path);
    free(r->query);
    r->path = r->query = NULL;
    http_kvs_free(&r->params);
    int st = http_path_decode(target, plen, &r->path);
    if (st)
        return st;
    const char *qs = q ? q + 1 : "";
    size_t qlen = q ? len - plen - 1 : 0;
    for (size_t i = 0; i < qlen; i++) {
        unsigned char c = (unsigned char)qs[i];
        if (c <= 0x20 || c == 0x7f || c == '#')
            return 400;
    }
    r->query = xstrndup(qs, qlen);
    return http_urlencoded_parse(qs, qlen, &r->params);
}

/* Headers that must not repeat: two of them is a smuggling attempt or a
 * confused client, either way not something to guess about. */
static const char *const singletons[] = {
    "host", "content-length", "content-type", "cookie", "origin", "authorization",
    "transfer-encoding", "referer",
};

int http_req_add_header(http_req_t *r, const char *name, size_t nlen, const char *value,
                        size_t vlen)
{
    if (r->headers.n >= HTTP_MAX_HEADERS || nlen > HTTP_MAX_HEADER_NAME ||
        vlen > HTTP_MAX_HEADER_VALUE)
        return 431;
    if (!is_token(name, nlen))
        return 400;
    while (vlen && (value[0] == ' ' || value[0] == '\t')) {
        value++;
        vlen--;
    }
    while (vlen && (value[vlen - 1] == ' ' || value[vlen - 1] == '\t'))
        vlen--;
    for (size_t i = 0; i < vlen; i++) {
        unsigned char c = (unsigned char)value[i];
        if (is_ctl(c) && c != '\t')
            return 400;
    }
    for (size_t i = 0; i < sizeof singletons / sizeof singletons[0]; i++) {
        if (strlen(singletons[i]) == nlen && strncasecmp(name, singletons[i], nlen) == 0 &&
            http_kvs_get(&r->headers, singletons[i], 0, true))
            return 400;
    }
    http_kvs_add(&r->headers, name, nlen, value, vlen);
    return 0;
}

/* ---- form decoding --------------------------------------------------- */

/* Decode one urlencoded piece into a fresh string; -1 on a bad escape. */
static char *form_decode(const char *s, size_t n, size_t *outlen)
{
    char *p = xmalloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            if (n - i < 3) {
                free(p);
                return NULL;
            }
            int h1 = hex_digit((unsigned char)s[i + 1]), h2 = hex_digit((unsigned char)s[i + 2]);
            if (h1 < 0 || h2 < 0) {
                free(p);
                return NULL;
            }
            c = (unsigned char)(h1 * 16 + h2);
            i += 2;
        } else if (is_ctl(c)) {
            free(p);
            return NULL;
        }
        p[o++] = (char)c;
    }
    p[o] = '\0';
    *outlen = o;
    return p;
}

/* A decoded name: short, UTF-8, no control characters at all. */
static bool name_ok(const char *s, size_t n)
{
    if (n == 0 || n > HTTP_MAX_PARAM_NAME || !utf8_valid(s, n, NULL))
        return false;
    for (size_t i = 0; i < n; i++)
        if (is_ctl((unsigned char)s[i]))
            return false;
    return true;
}

/* A decoded value: UTF-8, no control characters but TAB, CR and LF. */
static bool value_ok(const char *s, size_t n)
{
    if (n > HTTP_MAX_PARAM_VALUE || !utf8_valid(s, n, NULL))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_ctl(c) && c != '\t' && c != '\r' && c != '\n')
            return false;
    }
    return true;
}

int http_urlencoded_parse(const char *s, size_t n, http_kvs_t *out)
{
    size_t i = 0;
    while (i < n) {
        const char *amp = memchr(s + i, '&', n - i);
        size_t end = amp ? (size_t)(amp - s) : n;
        if (end > i) {
            if (out->n >= HTTP_MAX_PARAMS)
                return 400;
            const char *piece = s + i;
            size_t plen = end - i;
            const char *eq = memchr(piece, '=', plen);
            size_t klen = eq ? (size_t)(eq - piece) : plen;
            if (klen > 3 * HTTP_MAX_PARAM_NAME || plen - klen > 3 * (size_t)HTTP_MAX_PARAM_VALUE + 1)
                return 400;
            size_t nl = 0, vl = 0;
            char *name = form_decode(piece, klen, &nl);
            char *value = eq ? form_decode(eq + 1, plen - klen - 1, &vl) : xstrdup("");
            bool ok = name && value && name_ok(name, nl) && value_ok(value, vl);
            if (ok)
                http_kvs_add(out, name, nl, value, vl);
            free(name);
            free(value);
            if (!ok)
                return 400;
        }
        i = end + 1;
    }
    return 0;
}

/* ---- cookies --------------------------------------------------------- */

/* RFC 6265 cookie-octet. */
static bool is_cookie_octet(unsigned char c)
{
    return c == 0x21 || (c >= 0x23 && c <= 0x2B) || (c >= 0x2D && c <= 0x3A) ||
           (c >= 0x3C && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
}

void http_cookies_parse(const char *s, http_kvs_t *out)
{
    while (*s) {
        while (*s == ' ' || *s == '\t')
            s++;
        const char *semi = strchr(s, ';');
        size_t plen = semi ? (size_t)(semi - s) : strlen(s);
        while (plen && (s[plen - 1] == ' ' || s[plen - 1] == '\t'))
            plen--;
        const char *eq = memchr(s, '=', plen);
        if (eq && out->n < HTTP_MAX_COOKIES) {
            size_t nlen = (size_t)(eq - s);
            const char *v = eq + 1;
            size_t vlen = plen - nlen - 1;
            if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
                v++;
                vlen -= 2;
            }
            bool ok = nlen <= HTTP_MAX_PARAM_NAME && vlen <= 4096 && is_token(s, nlen);
            for (size_t i = 0; ok && i < vlen; i++)
                ok = is_cookie_octet((unsigned char)v[i]);
            if (ok)
                http_kvs_add(out, s, nlen, v, vlen);
        }
        if (!semi)
            break;
        s = semi + 1;
    }
}

/* ---- header parameters ------------------------------------------------ */

char *http_header_param(const char *value, const char *param)
{
    size_t plen = strlen(param);
    const char *s = strchr(value, ';');
    while (s) {
        s++;
        while (*s == ' ' || *s == '\t')
            s++;
        const char *name = s;
        while (*s && *s != '=' && *s != ';')
            s++;
        size_t nlen = (size_t)(s - name);
        while (nlen && (name[nlen - 1] == ' ' || name[nlen - 1] == '\t'))
            nlen--;
        if (*s != '=') {
            s = strchr(s, ';');
            continue;
        }
        s++;
        while (*s == ' ' || *s == '\t')
            s++;
        const char *v;
        size_t vlen;
        if (*s == '"') {
            /* A quoted string as browsers write it in form-data: up to the
             * next quote, no backslash escapes (the HTML standard has them
             * percent-encode '"' instead). */
            v = ++s;
            const char *q = strchr(s, '"');
            if (!q)
                return NULL;
            vlen = (size_t)(q - v);
            s = q + 1;
        } else {
            v = s;
            while (*s && *s != ';' && *s != ' ' && *s != '\t')
                s++;
            vlen = (size_t)(s - v);
        }
        if (nlen == plen && strncasecmp(name, param, plen) == 0)
            return xstrndup(v, vlen);
        s = strchr(s, ';');
    }
    return NULL;
}

void http_content_type(const http_req_t *r, char out[128])
{
    out[0] = '\0';
    const char *ct = http_header(r, "Content-Type");
    if (!ct)
        return;
    size_t n = strcspn(ct, "; \t");
    if (n >= 128)
        return;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)tolower((unsigned char)ct[i]);
    out[n] = '\0';
}

/* ---- multipart/form-data --------------------------------------------- */

/* RFC 2046 bchars (the space is allowed but not last). */
static bool boundary_ok(const char *b)
{
    size_t n = strlen(b);
    if (n == 0 || n > 70 || b[n - 1] == ' ')
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)b[i];
        if (!isalnum(c) && !strchr("'()+_,-./:=? ", c))
            return false;
    }
    return true;
}

static const char *memmem_(const char *h, size_t hn, const char *n, size_t nn)
{
    return memmem(h, hn, n, nn);
}

/* One part's header block [s, s+n) (lines separated by CRLF): the
 * Content-Disposition's name and filename and the Content-Type.  Returns 0
 * or 400. */
static int part_headers(const char *s, size_t n, char **name, char **filename, char **ctype)
{
    size_t i = 0;
    while (i < n) {
        const char *crlf = memmem_(s + i, n - i, "\r\n", 2);
        size_t end = crlf ? (size_t)(crlf - s) : n;
        const char *line = s + i;
        size_t len = end - i;
        const char *colon = memchr(line, ':', len);
        if (!colon || !is_token(line, (size_t)(colon - line)))
            return 400;
        size_t nlen = (size_t)(colon - line);
        char *value = xstrndup(colon + 1, len - nlen - 1);
        for (char *c = value; *c; c++)
            if (is_ctl((unsigned char)*c) && *c != '\t') {
                free(value);
                return 400;
            }
        if (nlen == 19 && strncasecmp(line, "Content-Disposition", 19) == 0) {
            const char *v = value + strspn(value, " \t");
            if (strncasecmp(v, "form-data", 9) != 0 || (v[9] && v[9] != ';' && v[9] != ' ')) {
                free(value);
                return 400;
            }
            free(*name);
            free(*filename);
            *name = http_header_param(v, "name");
            *filename = http_header_param(v, "filename");
        } else if (nlen == 12 && strncasecmp(line, "Content-Type", 12) == 0) {
            const char *v = value + strspn(value, " \t");
            size_t tl = strcspn(v, "; \t");
            free(*ctype);
            *ctype = tl && tl < 128 ? xstrndup(v, tl) : NULL;
            if (!*ctype) {
                free(value);
                return 400;
            }
        }
        free(value);
        i = end + 2;
    }
    return 0;
}

/* The base name of a browser-sent file name: after the last '/' or '\'. */
static const char *base_name(const char *f)
{
    const char *b = f;
    for (const char *p = f; *p; p++)
        if (*p == '/' || *p == '\\')
            b = p + 1;
    return b;
}

int http_multipart_parse(const char *body, size_t len, const char *content_type,
                         size_t part_max, http_kvs_t *form, http_file_t **files,
                         size_t *nfiles)
{
    char *boundary = http_header_param(content_type, "boundary");
    if (!boundary || !boundary_ok(boundary)) {
        free(boundary);
        return 400;
    }
    /* delim = CRLF "--" boundary; the body starts with delim minus CRLF. */
    size_t blen = strlen(boundary);
    char *delim = xmalloc(blen + 5);
    memcpy(delim, "\r\n--", 4);
    memcpy(delim + 4, boundary, blen + 1);
    size_t dlen = blen + 4;
    free(boundary);
    int st = 400;
    size_t nparts = 0;
    char *name = NULL, *filename = NULL, *ctype = NULL;
    if (len < dlen - 2 || memcmp(body, delim + 2, dlen - 2) != 0)
        goto out;
    size_t pos = dlen - 2;
    for (;;) {
        /* After a delimiter: "--" ends the body, CRLF starts a part. */
        if (len - pos >= 2 && memcmp(body + pos, "--", 2) == 0) {
            pos += 2;
            if (len - pos == 0 || (len - pos == 2 && memcmp(body + pos, "\r\n", 2) == 0))
                st = 0;
            goto out;
        }
        if (len - pos < 2 || memcmp(body + pos, "\r\n", 2) != 0)
            goto out;
        pos += 2;
        if (++nparts > HTTP_MAX_PARTS)
            goto out;
        /* The part's headers end at the first empty line. */
        size_t hmax = len - pos < HTTP_MAX_PART_HEADERS ? len - pos : HTTP_MAX_PART_HEADERS;
        const char *hend;
        size_t hlen;
        if (hmax >= 2 && memcmp(body + pos, "\r\n", 2) == 0) {
            hend = body + pos;
            hlen = 0;
        } else {
            hend = memmem_(body + pos, hmax, "\r\n\r\n", 4);
            if (!hend)
                goto out;
            hlen = (size_t)(hend - (body + pos));
            hend += 2;
        }
        free(name);
        free(filename);
        free(ctype);
        name = filename = ctype = NULL;
        if (part_headers(body + pos, hlen, &name, &filename, &ctype) != 0 || !name ||
            !name_ok(name, strlen(name)))
            goto out;
        size_t dstart = (size_t)(hend - body) + 2;
        const char *dend = memmem_(body + dstart, len - dstart, delim, dlen);
        if (!dend)
            goto out;
        size_t dl = (size_t)(dend - (body + dstart));
        if (dl > part_max) {
            st = 413;
            goto out;
        }
        if (!filename) {
            if (form->n >= HTTP_MAX_PARAMS || !value_ok(body + dstart, dl))
                goto out;
            http_kvs_add(form, name, strlen(name), body + dstart, dl);
        } else {
            const char *b = base_name(filename);
            size_t fl = strlen(b);
            if (fl > 255 || !utf8_valid(b, fl, NULL))
                goto out;
            for (size_t i = 0; i < fl; i++)
                if (is_ctl((unsigned char)b[i]))
                    goto out;
            /* An empty file input sends filename="" and nothing else. */
            if (fl > 0) {
                *files = xrealloc(*files, (*nfiles + 1) * sizeof **files);
                http_file_t *f = &(*files)[(*nfiles)++];
                f->field = xstrdup(name);
                f->filename = xstrdup(b);
                f->content_type = xstrdup(ctype ? ctype : "application/octet-stream");
                f->data = body + dstart;
                f->len = dl;
            }
        }
        pos = (size_t)(dend - body) + dlen;
    }
out:
    free(name);
    free(filename);
    free(ctype);
    free(delim);
    return st;
}

/* ---- preparing a request ---------------------------------------------- */

/* RFC 9110 qvalue ("0", "0.5", "1.000") in thousandths, read without the
 * locale; anything else counts as 0. */
static double qvalue(const char *s)
{
    if (s[0] != '0' && s[0] != '1')
        return 0;
    int v = (s[0] - '0') * 1000;
    if (s[1] == '.') {
        int scale = 100;
        for (const char *d = s + 2; *d >= '0' && *d <= '9'; d++) {
            if (scale == 0)
                return 0;
            v += (*d - '0') * scale;
            scale /= 10;
        }
    }
    return v > 1000 ? 0 : v / 1000.0;
}

/* Accept-Language: the better of ja and en by q-value (ties: ja). */
static lang_t lang_from_accept(const char *al)
{
    double qja = -1, qen = -1;
    const char *s = al;
    while (*s) {
        while (*s == ' ' || *s == '\t' || *s == ',')
            s++;
        const char *tag = s;
        size_t tl = strcspn(s, ";, \t");
        s += tl;
        double q = 1.0;
        const char *end = s + strcspn(s, ",");
        const char *qp = s;
        while ((qp = strchr(qp, ';')) && qp < end) {
            qp++;
            while (*qp == ' ')
                qp++;
            if (qp[0] == 'q' && qp[1] == '=')
                q = qvalue(qp + 2);
        }
        bool ja = tl >= 2 && strncasecmp(tag, "ja", 2) == 0 && (tl == 2 || tag[2] == '-');
        bool en = tl >= 2 && strncasecmp(tag, "en", 2) == 0 && (tl == 2 || tag[2] == '-');
        if (ja && q > qja)
            qja = q;
        if (en && q > qen)
            qen = q;
        s = end;
    }
    return qen > 0 && qen > qja ? LANG_EN : LANG_JA;
}

int http_req_prepare(http_req_t *r)
{
    http_kvs_free(&r->cookies);
    const char *c = http_header(r, "Cookie");
    if (c)
        http_cookies_parse(c, &r->cookies);
    const char *l = http_cookie(r, "lang");
    const char *al = http_header(r, "Accept-Language");
    if (l && strcmp(l, "en") == 0)
        r->lang = LANG_EN;
    else if (l && strcmp(l, "ja") == 0)
        r->lang = LANG_JA;
    else
        r->lang = al ? lang_from_accept(al) : LANG_JA;
    if (r->body.len == 0)
        return 0;
    char ct[128];
    http_content_type(r, ct);
    if (strcmp(ct, "application/x-www-form-urlencoded") == 0)
        return http_urlencoded_parse(r->body.p, r->body.len, &r->form);
    if (strcmp(ct, "multipart/form-data") == 0)
        return http_multipart_parse(r->body.p, r->body.len, http_header(r, "Content-Type"),
                                    r->body.max ? r->body.max : HTTP_MAX_UPLOAD, &r->form,
                                    &r->files, &r->nfiles);
    return 0;
}

/* ---- lookups ----------------------------------------------------------- */

const char *http_header(const http_req_t *r, const char *name)
{
    return http_kvs_get(&r->headers, name, 0, true);
}

const char *http_param(const http_req_t *r, const char *name)
{
    return http_kvs_get(&r->params, name, 0, false);
}

const char *http_form(const http_req_t *r, const char *name)
{
    return http_kvs_get(&r->form, name, 0, false);
}

const char *http_cookie(const http_req_t *r, const char *name)
{
    return http_kvs_get(&r->cookies, name, 0, false);
}

const char *http_param_nth(const http_req_t *r, const char *name, size_t i)
{
    return http_kvs_get(&r->params, name, i, false);
}

const char *http_form_nth(const http_req_t *r, const char *name, size_t i)
{
    return http_kvs_get(&r->form, name, i, false);
}

const http_file_t *http_file(const http_req_t *r, const char *field)
{
    for (size_t i = 0; i < r->nfiles; i++)
        if (strcmp(r->files[i].field, field) == 0)
            return &r->files[i];
    return NULL;
}

http_origin_t http_origin_check(const http_req_t *r)
{
    const char *host = http_header(r, "Host");
    const char *origin = http_header(r, "Origin");
    const char *referer = http_header(r, "Referer");
    if (!origin && !referer)
        return HTTP_ORIGIN_ABSENT;
    if (!host || !*host)
        return HTTP_ORIGIN_CROSS;
    const char *scheme = r->tls ? "https://" : "http://";
    size_t sl = strlen(scheme), hl = strlen(host);
    const char *v = origin ? origin : referer;
    if (strncasecmp(v, scheme, sl) != 0 || strncasecmp(v + sl, host, hl) != 0)
        return HTTP_ORIGIN_CROSS;
    char after = v[sl + hl];
    if (origin)
        return after == '\0' ? HTTP_ORIGIN_SAME : HTTP_ORIGIN_CROSS;
    return after == '/' ? HTTP_ORIGIN_SAME : HTTP_ORIGIN_CROSS;
}

const char *http_tr(const http_req_t *r, const char *ja, const char *en)
{
    return r->lang == LANG_EN ? en : ja;
}

/* ---- responses --------------------------------------------------------- */

void http_resp_init(http_resp_t *resp)
{
    memset(resp, 0, sizeof *resp);
    resp->status = 200;
    buf_init(&resp->body, HTTP_MAX_RESP_BODY);
}

/* Release shared bytes, if any. */
static void unshare(http_resp_t *resp)
{
    if (resp->shared && resp->shared_release)
        resp->shared_release(resp->shared_arg);
    resp->shared = NULL;
    resp->shared_len = 0;
    resp->shared_release = NULL;
    resp->shared_arg = NULL;
}

void http_resp_free(http_resp_t *resp)
{
    free(resp->content_type);
    http_kvs_free(&resp->headers);
    buf_free(&resp->body);
    unshare(resp);
    memset(resp, 0, sizeof *resp);
}

void http_resp_share(http_resp_t *resp, const char *data, size_t len,
                     void (*release)(void *arg), void *arg)
{
    unshare(resp);
    buf_reset(&resp->body);
    resp->shared = data;
    resp->shared_len = len;
    resp->shared_release = release;
    resp->shared_arg = arg;
}

const char *http_resp_body(const http_resp_t *resp, size_t *len)
{
    if (resp->shared) {
        *len = resp->shared_len;
        return resp->shared;
    }
    *len = resp->body.len;
    return resp->body.p ? resp->body.p : "";
}

const char *http_resp_unshare(http_resp_t *resp, size_t *len, void (**release)(void *),
                              void **arg)
{
    const char *p = resp->shared;
    *len = resp->shared_len;
    *release = resp->shared_release;
    *arg = resp->shared_arg;
    resp->shared = NULL;
    resp->shared_len = 0;
    resp->shared_release = NULL;
    resp->shared_arg = NULL;
    return p;
}

void http_resp_reset(http_resp_t *resp)
{
    free(resp->content_type);
    resp->content_type = NULL;
    http_kvs_free(&resp->headers);
    buf_reset(&resp->body);
    unshare(resp);
    resp->status = 200;
    resp->cacheable = false;
}

void http_resp_set_type(http_resp_t *resp, const char *content_type)
{
    free(resp->content_type);
    resp->content_type = xstrdup(content_type);
}

int http_resp_header(http_resp_t *resp, const char *name, const char *value)
{
    if (!name || !value || !is_token(name, strlen(name)))
        return -1;
    for (const char *c = value; *c; c++)
        if (is_ctl((unsigned char)*c) && *c != '\t')
            return -1;
    http_kvs_add(&resp->headers, name, strlen(name), value, strlen(value));
    return 0;
}

const char *http_resp_get_header(const http_resp_t *resp, const char *name)
{
    return http_kvs_get(&resp->headers, name, 0, true);
}

bool http_local_path_ok(const char *loc)
{
    if (!loc || loc[0] != '/' || loc[1] == '/' || loc[1] == '\\')
        return false;
    for (const char *c = loc; *c; c++) {
        unsigned char u = (unsigned char)*c;
        if (u <= 0x20 || u >= 0x7f || u == '\\')
            return false;
    }
    return true;
}

int http_resp_redirect(http_resp_t *resp, const char *location)
{
    http_resp_reset(resp);
    if (!http_local_path_ok(location)) {
        http_resp_error(resp, LANG_JA, 500, NULL);
        return -1;
    }
    resp->status = 303;
    http_resp_header(resp, "Location", location);
    http_resp_set_type(resp, "text/plain; charset=utf-8");
    return 0;
}

static const struct {
    int code;
    const char *en, *ja;
} statuses[] = {
    { 200, "OK", "OK" },
    { 201, "Created", "作成しました" },
    { 204, "No Content", "内容はありません" },
    { 303, "See Other", "移動しました" },
    { 304, "Not Modified", "変更はありません" },
    { 400, "Bad Request", "要求が正しくありません" },
    { 401, "Unauthorized", "ログインが必要です" },
    { 403, "Forbidden", "この操作は許可されていません" },
    { 404, "Not Found", "ページが見つかりません" },
    { 405, "Method Not Allowed", "このメソッドは使えません" },
    { 409, "Conflict", "他の変更と競合しました" },
    { 411, "Length Required", "長さの指定が必要です" },
    { 413, "Content Too Large", "要求が大きすぎます" },
    { 414, "URI Too Long", "URL が長すぎます" },
    { 415, "Unsupported Media Type", "この形式には対応していません" },
    { 422, "Unprocessable Content", "内容に誤りがあります" },
    { 429, "Too Many Requests", "要求が多すぎます" },
    { 431, "Request Header Fields Too Large", "ヘッダーが大きすぎます" },
    { 500, "Internal Server Error", "サーバーの内部エラーです" },
    { 501, "Not Implemented", "実装されていません" },
    { 503, "Service Unavailable", "一時的に利用できません" },
    { 505, "HTTP Version Not Supported", "この HTTP の版には対応していません" },
};

static int status_index(int status)
{
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (statuses[i].code == status)
            return (int)i;
    return -1;
}

const char *http_status_text(int status)
{
    int i = status_index(status);
    return i < 0 ? "Unknown" : statuses[i].en;
}

void http_resp_error(http_resp_t *resp, lang_t lang, int status, const char *detail)
{
    http_resp_reset(resp);
    if (status < 400 || status > 599)
        status = 500;
    resp->status = status;
    int i = status_index(status);
    const char *title = i < 0 ? (lang == LANG_EN ? "Error" : "エラー")
                              : (lang == LANG_EN ? statuses[i].en : statuses[i].ja);
    html_t h;
    html_init(&h, &resp->body);
    html_page_begin(&h, lang, title);
    html_raw_trusted(&h, "<main class=\"error\">\n<h1>");
    html_txtf(&h, "%d %s", status, title);
    html_raw_trusted(&h, "</h1>\n");
    if (detail)
        html_el(&h, "p", detail);
    html_raw_trusted(&h, "<p>");
    html_link(&h, "/", lang == LANG_EN ? "Back to the start page" : "トップページへ");
    html_raw_trusted(&h, "</p>\n</main>\n");
    html_page_end(&h);
}

void http_resp_json(http_resp_t *resp, int status, const char *json)
{
    http_resp_reset(resp);
    resp->status = status;
    http_resp_set_type(resp, "application/json");
    buf_adds(&resp->body, json);
}

static void default_header(http_resp_t *resp, const char *name, const char *value)
{
    if (!http_resp_get_header(resp, name))
        http_resp_header(resp, name, value);
}

void http_resp_finish(http_resp_t *resp, bool tls)
{
    if (!resp->content_type)
        http_resp_set_type(resp, "text/html; charset=utf-8");
    default_header(resp, "Content-Security-Policy", HTTP_CSP);
    default_header(resp, "X-Content-Type-Options", "nosniff");
    default_header(resp, "X-Frame-Options", "DENY");
    default_header(resp, "Referrer-Policy", "same-origin");
    default_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
    if (!resp->cacheable)
        default_header(resp, "Cache-Control", "no-store");
    if (tls)
        default_header(resp, "Strict-Transport-Security", "max-age=63072000");
}
