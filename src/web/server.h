/*
 * server — `apicheck serve`'s HTTP server: libmicrohttpd glue around
 * web_respond(), and the same request path driven from a buffer.
 *
 * libmicrohttpd runs an epoll thread pool (MHD_USE_EPOLL_INTERNAL_THREAD,
 * 2 threads by default) with limits on connections (in all and per client
 * address), an idle timeout, a per-connection memory pool that bounds the
 * request head (a larger head is answered 431 by the library) and strict
 * client parsing (MHD_OPTION_STRICT_FOR_CLIENT: Host required, no spaces in
 * the URL).  Each request goes through the two-phase handler so keep-alive
 * works: the first call only records method, raw target and headers and
 * decides the body cap from the route; a Content-Length above the cap is
 * answered 413 at once, without reading the body (the connection is then
 * closed).  A request body must come with Content-Length: chunked request
 * bodies (which browsers never send) are 411 Length Required.
 * The last call runs web_respond().  One log line per request goes to
 * stderr:
 *
 *   2026-11-26T07:33:34.123Z GET /healthz status=200 bytes=16 us=85 client=127.0.0.1
 *
 * with the decoded path and never the query string, cookies or any other
 * header, so no token or password reaches the log.
 *
 * web_serve() blocks SIGINT and SIGTERM before the pool starts (its
 * threads inherit the mask) and waits for one of them in the calling
 * thread: then it stops accepting, lets requests in flight finish (up to
 * a grace period), stops the pool and returns 0 with both signals still
 * blocked (the caller exits; a second signal cannot kill it on the way).
 */
#ifndef APICHECK_WEB_SERVER_H
#define APICHECK_WEB_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "util/buf.h"
#include "web/web.h"

typedef struct web_server_opt {
    const char *listen;        /* "127.0.0.1:8080" (default), "[::1]:8080",
                                  "0.0.0.0:80", or a bare port; port 0 picks
                                  a free one (see web_server_port) */
    unsigned threads;          /* 1 … 16; 0 = 2 */
    const char *tls_cert;      /* PEM files: both or neither */
    const char *tls_key;
    unsigned max_conn;         /* 0 = 512 */
    unsigned max_conn_per_ip;  /* 0 = 128 (a load balancer counts as one) */
    unsigned timeout_s;        /* idle connections close; 0 = 30 */
    size_t conn_memory;        /* per-connection pool; 0 = 32 KiB (the library zeroes it after every request) */
    unsigned grace_ms;         /* wait for requests in flight; 0 = 10000 */
    bool quiet;                /* no request log */
} web_server_opt_t;

typedef struct web_server web_server_t;

/* Parse a listen address (NULL: the default) into ss.  0 or -1. */
int web_parse_listen(const char *s, struct sockaddr_storage *ss, unsigned *salen);

/* Start serving app in the background.  NULL with *err (fresh string, in
 * the current language) when the address is bad or busy, the TLS files
 * unreadable, or the library refuses. */
web_server_t *web_server_start(const web_server_opt_t *opt, web_app_t *app, char **err);
/* The port actually bound. */
unsigned web_server_port(const web_server_t *s);
/* Stop accepting, wait up to grace_ms for requests in flight, stop. */
void web_server_stop(web_server_t *s, unsigned grace_ms);

/* Serve until SIGINT or SIGTERM (see above).  Prints where it listens.
 * Returns 0 after a clean stop, 1 when the server could not start
 * (message printed). */
int web_serve(const web_server_opt_t *opt, web_app_t *app);

/* One raw HTTP/1.1 request in buf[0..len) through the same path as the
 * server, the serialised response appended to out.  Returns the status.
 *
 * Strict by choice (one request from a file or a fuzzer, not a client to
 * interoperate with): lines end in CRLF (a bare LF or CR is 400), the
 * request line is exactly METHOD SP target SP HTTP/1.x, header lines have
 * no leading white space (obs-fold) and no space before the colon, HTTP/1.1
 * needs Host, Transfer-Encoding is 411 (as on the socket), and the body is
 * exactly Content-Length bytes (fewer or more is 400, more than the
 * route's cap 413). */
int web_handle_buffer(web_app_t *app, const char *buf, size_t len, buf_t *out);

#endif
