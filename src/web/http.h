/*
 * http — the request and response of the web layer, free of sockets.
 *
 * server.c fills an http_req_t from libmicrohttpd, web_handle_buffer() from
 * one raw HTTP/1.1 request in memory (tests and fuzzing); both then run the
 * same parsing here and the same web_handle().  Everything that comes from
 * the client is checked before a handler sees it:
 *
 *   - the path is percent-decoded once and must be well-formed UTF-8 with no
 *     control characters, no backslash, no encoded slash (%2F), no empty
 *     segment ("//") and no "." or ".." segment, however spelled (%2e%2e,
 *     overlong UTF-8): anything else is 400, never "cleaned up";
 *   - query and form parameters (application/x-www-form-urlencoded) and
 *     multipart/form-data parts are decoded into lists with caps on count
 *     and size; a parameter given twice keeps both, in order, and the
 *     lookups return the first (http_param_nth walks the others);
 *   - header names are tokens, values have no control characters; lookups
 *     ignore case; Host, Content-Length, Content-Type, Cookie, Origin and
 *     Authorization may appear only once;
 *   - cookies follow RFC 6265's cookie-string strictly: a pair that is not
 *     name=cookie-octets is skipped whole, never half-read; the first of two
 *     same-named cookies wins.
 *
 * Every decoded string is NUL-terminated, valid UTF-8 and owned by the
 * request; http_req_free() releases it all.  Functions that check input
 * return 0 or the HTTP status to answer with (400, 413, 414, 415, 431).
 *
 * A response is a status, a content type, extra headers and a body buf_t
 * with a hard cap.  http_resp_finish() adds the security headers that every
 * response carries (CSP without inline script, nosniff, frame denial, no
 * caching unless the handler chose otherwise, HSTS under TLS).
 */
#ifndef APICHECK_WEB_HTTP_H
#define APICHECK_WEB_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/i18n.h"
#include "util/limits.h"

/* ---- limits on a request (each refusal's status in brackets) ----------- */

#define HTTP_MAX_TARGET        8192   /* request-target bytes [414] */
#define HTTP_MAX_HEADERS       64     /* header fields [431] */
#define HTTP_MAX_HEADER_NAME   128    /* [431] */
#define HTTP_MAX_HEADER_VALUE  8192   /* [431] */
#define HTTP_MAX_PARAMS        256    /* query or form parameters, each [400] */
#define HTTP_MAX_PARAM_NAME    128    /* bytes, decoded [400] */
#define HTTP_MAX_PARAM_VALUE   LIMIT_CELL_BYTES /* bytes, decoded [400] */
#define HTTP_MAX_COOKIES       32     /* further cookies are ignored */
#define HTTP_MAX_BODY          (1024u * 1024u) /* default body cap [413] */
#define HTTP_MAX_UPLOAD        (LIMIT_FILE_BYTES + 256u * 1024u) /* upload routes [413] */
#define HTTP_MAX_PARTS         16     /* multipart parts [400] */
#define HTTP_MAX_PART_HEADERS  4096   /* bytes of one part's header block [400] */
#define HTTP_MAX_RESP_BODY     (128u * 1024u * 1024u) /* response body cap */

typedef enum http_method {
    HTTP_OTHER = 0, /* anything else: routed to 405 or 404 */
    HTTP_GET,
    HTTP_HEAD,
    HTTP_POST,
    HTTP_PUT,
    HTTP_DELETE,
    HTTP_PATCH,
    HTTP_OPTIONS
} http_method_t;

/* A name and its value: both NUL-terminated, valid UTF-8 (header values
 * and uploaded file data excepted, see below). */
typedef struct http_kv {
    char *name;
    char *value;
    size_t len; /* of value */
} http_kv_t;

typedef struct http_kvs {
    http_kv_t *v;
    size_t n, cap;
} http_kvs_t;

/* An uploaded file from multipart/form-data.  data points into the
 * request's body and is binary (not NUL-terminated, any bytes). */
typedef struct http_file {
    char *field;        /* the form field's name */
    char *filename;     /* base name as the browser sent it (no directory) */
    char *content_type; /* "application/octet-stream" when not given */
    const char *data;
    size_t len;
} http_file_t;

typedef struct http_req {
    http_method_t method;
    char method_name[16]; /* as sent ("GET"); "" when too long */
    char *path;           /* decoded and checked ("/assessments/3") */
    char *query;          /* raw query without '?' ("" when none) */
    http_kvs_t params;    /* decoded query parameters */
    http_kvs_t form;      /* urlencoded body, or multipart fields without a filename */
    http_file_t *files;   /* multipart parts with a filename */
    size_t nfiles;
    http_kvs_t headers;   /* values as sent (trimmed), names as sent */
    http_kvs_t cookies;
    buf_t body;           /* the body, capped by whoever fills it */
    char remote[64];      /* client address ("127.0.0.1", "::1") or "" */
    bool tls;
    lang_t lang;          /* from the lang cookie, else Accept-Language; ja default */
} http_req_t;

void http_req_init(http_req_t *r);
void http_req_free(http_req_t *r);

/* The method from its name (case-sensitive, as HTTP says). */
http_method_t http_method_parse(const char *name);
const char *http_method_name(http_method_t m);
/* Record the method; 400 when name is not a token of 1..15 characters. */
int http_req_set_method(http_req_t *r, const char *name);
/* Split an origin-form request-target ("/path?query") into path and query
 * and decode both.  0, 400, or 414 past HTTP_MAX_TARGET. */
int http_req_set_target(http_req_t *r, const char *target, size_t len);
/* Add one header field.  0, 400 (bad name or value, a second Host, …) or
 * 431 (too many, too long).  Surrounding blanks of value are dropped. */
int http_req_add_header(http_req_t *r, const char *name, size_t nlen, const char *value,
                        size_t vlen);
/* Once headers and body are in: cookies, language, and the body as a form
 * (application/x-www-form-urlencoded or multipart/form-data; other types
 * are left for the handler, e.g. JSON).  0, 400 or 415. */
int http_req_prepare(http_req_t *r);

/* ---- lookups (NULL when absent) -------------------------------------- */

const char *http_header(const http_req_t *r, const char *name); /* any case */
const char *http_param(const http_req_t *r, const char *name);  /* query */
const char *http_form(const http_req_t *r, const char *name);   /* body */
const char *http_cookie(const http_req_t *r, const char *name);
/* The i-th (0-based) value of a repeated query or form parameter. */
const char *http_param_nth(const http_req_t *r, const char *name, size_t i);
const char *http_form_nth(const http_req_t *r, const char *name, size_t i);
/* The first uploaded file of a field. */
const http_file_t *http_file(const http_req_t *r, const char *field);
/* The request's content type without parameters, lower case
 * ("multipart/form-data"); "" when none.  out: 128 bytes. */
void http_content_type(const http_req_t *r, char out[128]);
/* Where the request says it comes from, against our own origin (scheme by
 * tls, host from Host): Origin when sent, else Referer.  Browsers send
 * Origin on every POST; programs (curl, API clients) often send neither. */
typedef enum http_origin {
    HTTP_ORIGIN_CROSS = -1,  /* another site, "null", or unparsable */
    HTTP_ORIGIN_ABSENT = 0,  /* neither header */
    HTTP_ORIGIN_SAME = 1
} http_origin_t;
http_origin_t http_origin_check(const http_req_t *r);
/* The message in the request's language. */
const char *http_tr(const http_req_t *r, const char *ja, const char *en);

/* ---- the decoders, public for tests and fuzzing ----------------------- */

/* Decode and check a path (see the top of this file).  *out is a fresh
 * string on success.  Returns 0 or 400. */
int http_path_decode(const char *raw, size_t n, char **out);
/* application/x-www-form-urlencoded: "a=1&b=x+y&c" → (a,1) (b,x y) (c,"").
 * '&' separates (';' does not), empty pieces are skipped, '+' is a space,
 * %XX must be two hex digits.  Names and values must decode to valid UTF-8
 * without NUL or control characters other than TAB, CR and LF (values) or
 * none at all (names).  Appends to out; 0 or 400 (anything malformed or a
 * cap broken: count, name or value length). */
int http_urlencoded_parse(const char *s, size_t n, http_kvs_t *out);
/* A Cookie header value: pairs appended to out (see the top). */
void http_cookies_parse(const char *s, http_kvs_t *out);
/* multipart/form-data with the boundary taken from content_type: fields
 * without a filename go to form (as urlencoded values), files to
 * files (*files, *nfiles) with data pointing into body.  Each part at most
 * part_max bytes.  0, 400 or 413. */
int http_multipart_parse(const char *body, size_t len, const char *content_type,
                         size_t part_max, http_kvs_t *form, http_file_t **files,
                         size_t *nfiles);
/* The value of a parameter of a header ("multipart/form-data; boundary=x",
 * "boundary") into a fresh string, quotes removed; NULL when absent. */
char *http_header_param(const char *value, const char *param);

void http_kvs_free(http_kvs_t *k);
const char *http_kvs_get(const http_kvs_t *k, const char *name, size_t nth, bool nocase);
void http_kvs_add(http_kvs_t *k, const char *name, size_t nlen, const char *value,
                  size_t vlen);

/* ---- responses -------------------------------------------------------- */

typedef struct http_resp {
    int status;          /* 200 unless set */
    char *content_type;  /* owned; "text/html; charset=utf-8" unless set */
    http_kvs_t headers;  /* extra headers, in order (Set-Cookie may repeat) */
    buf_t body;          /* capped at HTTP_MAX_RESP_BODY */
    bool cacheable;      /* false: finish() adds Cache-Control: no-store */
    /* Instead of body, bytes someone else owns (http_resp_share): the
     * server sends them without a copy and then calls release(arg). */
    const char *shared;
    size_t shared_len;
    void (*shared_release)(void *arg);
    void *shared_arg;
} http_resp_t;

void http_resp_init(http_resp_t *resp);
void http_resp_free(http_resp_t *resp);
/* The body is len bytes at data, owned elsewhere: release(arg) is called
 * once they are sent (or the response is reset or freed); body empties. */
void http_resp_share(http_resp_t *resp, const char *data, size_t len,
                     void (*release)(void *arg), void *arg);
/* The body's bytes, wherever they are. */
const char *http_resp_body(const http_resp_t *resp, size_t *len);
/* Hand the shared bytes over (to the server's send): the response forgets
 * them without releasing; NULL when the body is not shared. */
const char *http_resp_unshare(http_resp_t *resp, size_t *len, void (**release)(void *),
                              void **arg);
/* Empty the response to its initial state (status 200, no headers). */
void http_resp_reset(http_resp_t *resp);
void http_resp_set_type(http_resp_t *resp, const char *content_type);
/* Add a header.  -1 (and nothing added) when the name is not a token or
 * the value holds a control character: no header injection. */
int http_resp_header(http_resp_t *resp, const char *name, const char *value);
const char *http_resp_get_header(const http_resp_t *resp, const char *name);
/* 303 See Other to a local path: location must start with one '/', not
 * "//" or "/\", and be printable ASCII without backslashes (anything else
 * could leave the site).  Returns 0, or -1 after turning resp into a 500. */
int http_resp_redirect(http_resp_t *resp, const char *location);
bool http_local_path_ok(const char *location);
/* Replace resp with a small error page (HTML) for status in lang; detail
 * (may be NULL) is shown escaped.  405 needs an Allow header added after. */
void http_resp_error(http_resp_t *resp, lang_t lang, int status, const char *detail);
/* Replace resp with a JSON body (trusted, already encoded). */
void http_resp_json(http_resp_t *resp, int status, const char *json);
/* The reason phrase ("Not Found"); "Unknown" for codes not used here. */
const char *http_status_text(int status);
/* Add the headers every response carries (if the handler did not set
 * them): Content-Security-Policy, X-Content-Type-Options, X-Frame-Options,
 * Referrer-Policy, Cache-Control (no-store unless cacheable),
 * Strict-Transport-Security when tls.  Called by both server paths. */
void http_resp_finish(http_resp_t *resp, bool tls);

#define HTTP_CSP                                                                         \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "   \
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

#endif
