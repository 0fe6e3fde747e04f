#define _GNU_SOURCE /* memmem */
#include "web/server.h"

#include "util/file.h"
#include "util/i18n.h"
#include "util/xmem.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct web_server {
    struct MHD_Daemon *d;
    int lfd;                 /* the listening socket (ours, not the library's) */
    pthread_t acceptor;      /* accept_loop */
    bool acceptor_started;
    atomic_bool stopping;
    web_app_t *app;
    bool tls;
    bool quiet;
    atomic_int inflight;
    char *cert, *key;
    size_t key_len;
    unsigned port;
};

/* One request's state between the handler's calls. */
typedef struct conn_req {
    web_server_t *srv;
    http_req_t req;
    char *raw_uri;
    int status;      /* verdict so far: 0 or an HTTP error */
    bool started;    /* first handler call done */
    int sent_status; /* 0 until we queued a response */
    size_t sent_bytes;
    struct timespec t0;
} conn_req_t;

/* ---- listen addresses ------------------------------------------------ */

static int parse_port(const char *s, unsigned *port)
{
    if (!*s || strlen(s) > 5)
        return -1;
    unsigned v = 0;
    for (const char *c = s; *c; c++) {
        if (*c < '0' || *c > '9')
            return -1;
        v = v * 10 + (unsigned)(*c - '0');
    }
    if (v > 65535)
        return -1;
    *port = v;
    return 0;
}

int web_parse_listen(const char *s, struct sockaddr_storage *ss, unsigned *salen)
{
    memset(ss, 0, sizeof *ss);
    char host[64];
    const char *port_s;
    if (!s || !*s)
        s = "127.0.0.1:8080";
    if (s[0] == '[') {
        const char *end = strchr(s, ']');
        if (!end || end[1] != ':' || (size_t)(end - s - 1) >= sizeof host)
            return -1;
        memcpy(host, s + 1, (size_t)(end - s - 1));
        host[end - s - 1] = '\0';
        port_s = end + 2;
    } else {
        const char *colon = strrchr(s, ':');
        if (!colon) {
            snprintf(host, sizeof host, "%s", "127.0.0.1");
            port_s = s;
        } else {
            if ((size_t)(colon - s) >= sizeof host || strchr(s, ':') != colon)
                return -1;
            memcpy(host, s, (size_t)(colon - s));
            host[colon - s] = '\0';
            port_s = colon + 1;
        }
        if (strcmp(host, "localhost") == 0)
            snprintf(host, sizeof host, "%s", "127.0.0.1");
    }
    unsigned port;
    if (parse_port(port_s, &port) != 0)
        return -1;
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (s[0] != '[' && inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *salen = sizeof *v4;
        return 0;
    }
    if (s[0] == '[' && inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *salen = sizeof *v6;
        return 0;
    }
    return -1;
}

/* ---- the request log ------------------------------------------------- */

/* Append s to out for a log line: printable ASCII as is (and, when utf8,
 * the bytes of already-checked UTF-8), anything else as \xNN; at most 200
 * bytes of input. */
static void log_text(buf_t *out, const char *s, size_t n, bool utf8)
{
    if (n > 200)
        n = 200;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c > 0x20 && c < 0x7f && c != '\\' && c != '"') || (utf8 && c >= 0x80))
            buf_addc(out, (char)c);
        else
            buf_printf(out, "\\x%02x", c);
    }
}

static const char *termination(enum MHD_RequestTerminationCode toe)
{
    switch (toe) {
    case MHD_REQUEST_TERMINATED_COMPLETED_OK: return NULL;
    case MHD_REQUEST_TERMINATED_WITH_ERROR: return "error";
    case MHD_REQUEST_TERMINATED_TIMEOUT_REACHED: return "timeout";
    case MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN: return "shutdown";
    case MHD_REQUEST_TERMINATED_READ_ERROR: return "read-error";
    case MHD_REQUEST_TERMINATED_CLIENT_ABORT: return "client-abort";
    }
    return "other";
}

static void log_request(conn_req_t *cr, enum MHD_RequestTerminationCode toe)
{
    struct timespec now, wall;
    clock_gettime(CLOCK_MONOTONIC, &now);
    clock_gettime(CLOCK_REALTIME, &wall);
    long long us = (long long)(now.tv_sec - cr->t0.tv_sec) * 1000000 +
                   (now.tv_nsec - cr->t0.tv_nsec) / 1000;
    struct tm tm;
    gmtime_r(&wall.tv_sec, &tm);
    char ts[32];
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    buf_t line = BUF_INIT(4096);
    buf_printf(&line, "%s.%03ldZ %s ", ts, wall.tv_nsec / 1000000,
               cr->req.method_name[0] ? cr->req.method_name : "-");
    if (cr->req.path) {
        log_text(&line, cr->req.path, strlen(cr->req.path), true);
    } else if (cr->raw_uri) {
        log_text(&line, cr->raw_uri, strcspn(cr->raw_uri, "?"), false);
    } else {
        buf_addc(&line, '-');
    }
    if (cr->sent_status)
        buf_printf(&line, " status=%d bytes=%zu", cr->sent_status, cr->sent_bytes);
    else
        buf_adds(&line, " status=- bytes=-");
    buf_printf(&line, " us=%lld client=%s", us, cr->req.remote[0] ? cr->req.remote : "-");
    const char *why = termination(toe);
    if (why)
        buf_printf(&line, " end=%s", why);
    buf_addc(&line, '\n');
    fwrite(line.p, 1, line.len, stderr);
    buf_free(&line);
}

/* ---- libmicrohttpd callbacks ----------------------------------------- */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    web_server_t *srv = cls;
    conn_req_t *cr = xcalloc(1, sizeof *cr);
    cr->srv = srv;
    clock_gettime(CLOCK_MONOTONIC, &cr->t0);
    http_req_init(&cr->req);
    cr->req.tls = srv->tls;
    cr->raw_uri = xstrdup(uri ? uri : "");
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, cr->req.remote,
                      sizeof cr->req.remote);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, cr->req.remote,
                      sizeof cr->req.remote);
    }
    atomic_fetch_add(&srv->inflight, 1);
    return cr;
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
    (void)c;
    web_server_t *srv = cls;
    conn_req_t *cr = *con_cls;
    if (!cr)
        return;
    if (!srv->quiet)
        log_request(cr, toe);
    http_req_free(&cr->req);
    free(cr->raw_uri);
    free(cr);
    *con_cls = NULL;
    atomic_fetch_sub(&srv->inflight, 1);
}

static enum MHD_Result on_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                 size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    conn_req_t *cr = cls;
    int st = http_req_add_header(&cr->req, key, key_size, value ? value : "",
                                 value ? value_size : 0);
    if (st) {
        cr->status = st;
        return MHD_NO;
    }
    return MHD_YES;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    fprintf(stderr, "apicheck: libmicrohttpd: %s\n", msg);
}

/* Run the request through the application and queue the response. */
static enum MHD_Result respond(conn_req_t *cr, struct MHD_Connection *c, int status)
{
    http_resp_t resp;
    http_resp_init(&resp);
    web_respond(cr->srv->app, &cr->req, status, &resp);
    size_t len;
    void (*release)(void *);
    void *arg;
    const char *shared = http_resp_unshare(&resp, &len, &release, &arg);
    struct MHD_Response *r;
    if (shared) {
        /* Sent from where it is (a cached page); released when sent. */
        r = MHD_create_response_from_buffer_with_free_callback_cls(len, (void *)shared, release,
                                                                   arg);
        if (!r && release)
            release(arg);
    } else {
        len = resp.body.len;
        char *body = buf_take(&resp.body);
        r = MHD_create_response_from_buffer_with_free_callback(len, body, free);
        if (!r)
            free(body);
    }
    if (!r) {
        http_resp_free(&resp);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", resp.content_type);
    for (size_t i = 0; i < resp.headers.n; i++)
        MHD_add_response_header(r, resp.headers.v[i].name, resp.headers.v[i].value);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)resp.status, r);
    MHD_destroy_response(r);
    cr->sent_status = resp.status;
    cr->sent_bytes = len;
    http_resp_free(&resp);
    return ret;
}

/* Content-Length as a number; -1 when it is not plain digits. */
static long long content_length(const char *s)
{
    if (!s || !*s || strlen(s) > 18)
        return -1;
    long long v = 0;
    for (const char *c = s; *c; c++) {
        if (*c < '0' || *c > '9')
            return -1;
        v = v * 10 + (*c - '0');
    }
    return v;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
    (void)url;
    (void)version;
    web_server_t *srv = cls;
    conn_req_t *cr = *con_cls;
    if (!cr)
        return MHD_NO;
    if (!cr->started) {
        /* Phase one: the head only.  Answering now would close the
         * connection, so only errors are answered here. */
        cr->started = true;
        int st = http_req_set_method(&cr->req, method);
        if (!st)
            st = http_req_set_target(&cr->req, cr->raw_uri, strlen(cr->raw_uri));
        if (!st) {
            MHD_get_connection_values_n(c, MHD_HEADER_KIND, on_header, cr);
            st = cr->status;
        }
        if (!st) {
            size_t cap = web_body_limit(srv->app, &cr->req);
            cr->req.body.max = cap;
            const char *cl = http_header(&cr->req, "Content-Length");
            long long n = content_length(cl);
            if (http_header(&cr->req, "Transfer-Encoding"))
                st = 411;
            else if (cl && n < 0)
                st = 400;
            else if (n > 0 && (unsigned long long)n > cap)
                st = 413;
        }
        cr->status = st;
        if (st)
            return respond(cr, c, st);
        return MHD_YES;
    }
    if (*upload_size) {
        if (buf_add(&cr->req.body, upload_data, *upload_size) != 0) {
            /* Cannot happen: chunked bodies and a Content-Length past the
             * cap were refused above.  The library cannot answer in the
             * middle of a body, so the connection is dropped. */
            cr->sent_status = 413;
            return MHD_NO;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    return respond(cr, c, cr->status);
}

/* ---- starting and stopping ------------------------------------------- */

/* The listening socket's own thread: accept, and hand each connection to
 * the daemon, which gives it to the worker of index fd % workers, so that
 * connections spread evenly over the workers.  (When every worker accepted
 * for itself, whichever woke first took most: 42 of 65 connections of a
 * wrk -c64 run on one of two workers, whose longer queue made the p99.) */
static void *accept_loop(void *arg)
{
    web_server_t *s = arg;
    for (;;) {
        struct sockaddr_storage sa;
        socklen_t len = sizeof sa;
        int fd = accept4(s->lfd, (struct sockaddr *)&sa, &len, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (atomic_load(&s->stopping)) {
            if (fd >= 0)
                close(fd);
            break;
        }
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                /* Out of descriptors or memory: the backlog waits a moment. */
                struct timespec pause = { 0, 10 * 1000 * 1000 };
                nanosleep(&pause, NULL);
            } else if (errno == EBADF || errno == EINVAL || errno == ENOTSOCK) {
                break; /* the socket is gone */
            }
            continue; /* EINTR, ECONNABORTED, a network error of that client */
        }
        /* Refused (connection limits, out of memory): the library closes fd. */
        MHD_add_connection(s->d, fd, (struct sockaddr *)&sa, len);
    }
    return NULL;
}

/* A listening socket on ss; -1 with errno. */
static int listen_on(const struct sockaddr_storage *ss, unsigned salen)
{
    int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        (ss->ss_family == AF_INET6 &&
         setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0) ||
        bind(fd, (const struct sockaddr *)ss, salen) != 0 || listen(fd, SOMAXCONN) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

static void server_free(web_server_t *s)
{
    if (s->lfd >= 0)
        close(s->lfd);
    if (s->key)
        explicit_bzero(s->key, s->key_len);
    free(s->key);
    free(s->cert);
    free(s);
}

static char *read_pem(const char *path, size_t *len, char **err)
{
    char *p = file_read(path, 1024 * 1024, len);
    if (!p)
        *err = xasprintf(tr("%s を読めません: %s", "cannot read %s: %s"), path, strerror(errno));
    return p;
}

web_server_t *web_server_start(const web_server_opt_t *opt, web_app_t *app, char **err)
{
    *err = NULL;
    struct sockaddr_storage ss;
    unsigned salen;
    if (web_parse_listen(opt->listen, &ss, &salen) != 0) {
        *err = xasprintf(tr("待受けアドレスが正しくありません: %s (例: 127.0.0.1:8080, [::1]:8080)",
                            "bad listen address: %s (e.g. 127.0.0.1:8080, [::1]:8080)"),
                         opt->listen);
        return NULL;
    }
    unsigned threads = opt->threads ? opt->threads : 2;
    if (threads > 16) {
        *err = xasprintf("%s", tr("--threads は 1 から 16 です", "--threads takes 1 to 16"));
        return NULL;
    }
    if (!opt->tls_cert != !opt->tls_key) {
        *err = xasprintf("%s", tr("--tls-cert と --tls-key は両方指定してください",
                                  "--tls-cert and --tls-key go together"));
        return NULL;
    }
    web_server_t *s = xcalloc(1, sizeof *s);
    s->app = app;
    s->quiet = opt->quiet;
    s->lfd = -1;
    atomic_init(&s->inflight, 0);
    atomic_init(&s->stopping, false);
    /* The library listens on nothing: accept_loop hands it connections. */
    unsigned flags = MHD_USE_ERROR_LOG | MHD_USE_ITC | MHD_USE_NO_LISTEN_SOCKET;
    flags |= MHD_is_feature_supported(MHD_FEATURE_EPOLL) ? MHD_USE_EPOLL_INTERNAL_THREAD
                                                         : MHD_USE_AUTO_INTERNAL_THREAD;
    struct MHD_OptionItem items[8];
    size_t n = 0;
    if (opt->tls_cert) {
        if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
            *err = xasprintf("%s", tr("この libmicrohttpd は TLS に対応していません",
                                      "this libmicrohttpd has no TLS support"));
            server_free(s);
            return NULL;
        }
        size_t cl;
        s->cert = read_pem(opt->tls_cert, &cl, err);
        s->key = s->cert ? read_pem(opt->tls_key, &s->key_len, err) : NULL;
        if (!s->key) {
            server_free(s);
            return NULL;
        }
        s->tls = true;
        flags |= MHD_USE_TLS;
        items[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, s->cert };
        items[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, s->key };
    }
    if (threads > 1)
        items[n++] = (struct MHD_OptionItem){ MHD_OPTION_THREAD_POOL_SIZE, threads, NULL };
    items[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
    s->d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)(opt->max_conn ? opt->max_conn : 512),
        MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)(opt->max_conn_per_ip ? opt->max_conn_per_ip : 128),
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(opt->timeout_s ? opt->timeout_s : 30),
        MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(opt->conn_memory ? opt->conn_memory : 32 * 1024),
        MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
        MHD_OPTION_NOTIFY_COMPLETED, on_done, s,
        MHD_OPTION_ARRAY, items,
        MHD_OPTION_END);
    if (!s->d) {
        *err = xstrdup(tr("libmicrohttpd を開始できません", "libmicrohttpd failed to start"));
        server_free(s);
        return NULL;
    }
    if ((s->lfd = listen_on(&ss, salen)) < 0) {
        *err = xasprintf(tr("%s で待ち受けられません (使用中か、権限がありません)",
                            "cannot listen on %s (in use, or not allowed)"),
                         opt->listen ? opt->listen : "127.0.0.1:8080");
        MHD_stop_daemon(s->d);
        server_free(s);
        return NULL;
    }
    struct sockaddr_storage bound;
    socklen_t blen = sizeof bound;
    if (getsockname(s->lfd, (struct sockaddr *)&bound, &blen) == 0)
        s->port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
                                                    : ((struct sockaddr_in *)&bound)->sin_port);
    if (pthread_create(&s->acceptor, NULL, accept_loop, s) != 0) {
        *err = xstrdup("pthread_create failed");
        MHD_stop_daemon(s->d);
        server_free(s);
        return NULL;
    }
    s->acceptor_started = true;
    return s;
}

unsigned web_server_port(const web_server_t *s)
{
    return s->port;
}

void web_server_stop(web_server_t *s, unsigned grace_ms)
{
    if (!s)
        return;
    /* No new connections: the acceptor wakes from accept and ends. */
    atomic_store(&s->stopping, true);
    shutdown(s->lfd, SHUT_RDWR);
    if (s->acceptor_started)
        pthread_join(s->acceptor, NULL);
    close(s->lfd);
    s->lfd = -1;
    struct timespec tick = { 0, 10 * 1000 * 1000 };
    for (unsigned waited = 0; atomic_load(&s->inflight) > 0 && waited < grace_ms; waited += 10)
        nanosleep(&tick, NULL);
    MHD_stop_daemon(s->d);
    server_free(s);
}

int web_serve(const web_server_opt_t *opt, web_app_t *app)
{
    /* A shell starts background jobs with SIGINT ignored: take the
     * signals back before blocking them for sigwait. */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    signal(SIGPIPE, SIG_IGN);
    char *err = NULL;
    web_server_t *s = web_server_start(opt, app, &err);
    if (!s) {
        fprintf(stderr, "apicheck: %s\n", err);
        free(err);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        return 1;
    }
    struct sockaddr_storage ss;
    unsigned salen;
    web_parse_listen(opt->listen, &ss, &salen);
    char host[INET6_ADDRSTRLEN + 2] = "";
    if (ss.ss_family == AF_INET6) {
        char a[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, a, sizeof a);
        snprintf(host, sizeof host, "[%s]", a);
    } else {
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof host);
    }
    fprintf(stderr, tr("apicheck: %s://%s:%u/ で待ち受けています (終了は Ctrl-C)\n",
                       "apicheck: listening on %s://%s:%u/ (Ctrl-C stops)\n"),
            opt->tls_cert ? "https" : "http", host, web_server_port(s));
    int sig = 0;
    sigwait(&set, &sig);
    fprintf(stderr, tr("apicheck: %s を受けて停止します\n", "apicheck: %s received, stopping\n"),
            sig == SIGINT ? "SIGINT" : "SIGTERM");
    web_server_stop(s, opt->grace_ms ? opt->grace_ms : 10000);
    /* The signals stay blocked: a second Ctrl-C while stopping must not
     * turn the clean exit into a kill once they are unblocked. */
    fprintf(stderr, "%s", tr("apicheck: 停止しました\n", "apicheck: stopped\n"));
    return 0;
}

/* ---- one request from a buffer --------------------------------------- */

/* The request head's end: the offset just past CRLF CRLF, or 0. */
static size_t head_end(const char *b, size_t len)
{
    const char *p = memmem(b, len, "\r\n\r\n", 4);
    return p ? (size_t)(p - b) + 4 : 0;
}

/* Parse the head and body of buf into r; 0 or an HTTP status. */
static int parse_buffer(web_app_t *app, http_req_t *r, const char *buf, size_t len)
{
    size_t max_head = HTTP_MAX_TARGET + HTTP_MAX_HEADERS * (HTTP_MAX_HEADER_VALUE + 64);
    size_t he = head_end(buf, len < max_head ? len : max_head);
    if (!he)
        return len >= max_head ? 431 : 400;
    /* CR and LF only as pairs, and no NUL, anywhere in the head. */
    for (size_t i = 0; i < he; i++) {
        if (buf[i] == '\0')
            return 400;
        if (buf[i] == '\r' && buf[i + 1] != '\n')
            return 400;
        if (buf[i] == '\n' && (i == 0 || buf[i - 1] != '\r'))
            return 400;
    }
    /* Request line: METHOD SP target SP version. */
    const char *line_end = memmem(buf, he, "\r\n", 2);
    size_t ll = (size_t)(line_end - buf);
    const char *sp1 = memchr(buf, ' ', ll);
    if (!sp1)
        return 400;
    const char *target = sp1 + 1;
    const char *sp2 = memchr(target, ' ', (size_t)(line_end - target));
    if (!sp2)
        return 400;
    const char *version = sp2 + 1;
    size_t vl = (size_t)(line_end - version);
    size_t ml = (size_t)(sp1 - buf);
    if (ml == 0 || ml >= sizeof r->method_name)
        return 400;
    char method[sizeof r->method_name];
    memcpy(method, buf, ml);
    method[ml] = '\0';
    int st = http_req_set_method(r, method);
    if (st)
        return st;
    bool v11;
    if (vl == 8 && memcmp(version, "HTTP/1.1", 8) == 0)
        v11 = true;
    else if (vl == 8 && memcmp(version, "HTTP/1.0", 8) == 0)
        v11 = false;
    else if (vl == 8 && memcmp(version, "HTTP/", 5) == 0 && version[5] >= '0' &&
             version[5] <= '9' && version[6] == '.' && version[7] >= '0' && version[7] <= '9')
        return 505;
    else
        return 400;
    size_t tl = (size_t)(sp2 - target);
    if (tl == 0 || memchr(target, ' ', tl))
        return 400;
    st = http_req_set_target(r, target, tl);
    if (st)
        return st;
    /* Header lines. */
    const char *p = line_end + 2;
    const char *end = buf + he - 2;
    while (p < end) {
        const char *e = memmem(p, (size_t)(end - p) + 2, "\r\n", 2);
        const char *colon = memchr(p, ':', (size_t)(e - p));
        if (!colon || colon == p || p[0] == ' ' || p[0] == '\t' || colon[-1] == ' ' ||
            colon[-1] == '\t')
            return 400;
        st = http_req_add_header(r, p, (size_t)(colon - p), colon + 1, (size_t)(e - colon - 1));
        if (st)
            return st;
        p = e + 2;
    }
    if (v11 && !http_header(r, "Host"))
        return 400;
    if (http_header(r, "Transfer-Encoding"))
        return 411;
    size_t body_len = len - he;
    const char *cl = http_header(r, "Content-Length");
    long long n = cl ? content_length(cl) : 0;
    if (n < 0)
        return 400;
    r->body.max = web_body_limit(app, r);
    if ((unsigned long long)n > r->body.max)
        return 413;
    if ((unsigned long long)n != body_len)
        return 400;
    if (body_len && buf_add(&r->body, buf + he, body_len) != 0)
        return 413;
    return 0;
}

int web_handle_buffer(web_app_t *app, const char *buf, size_t len, buf_t *out)
{
    http_req_t r;
    http_req_init(&r);
    http_resp_t resp;
    http_resp_init(&resp);
    int st = parse_buffer(app, &r, buf, len);
    web_respond(app, &r, st, &resp);
    buf_printf(out, "HTTP/1.1 %d %s\r\n", resp.status, http_status_text(resp.status));
    buf_printf(out, "Content-Type: %s\r\n", resp.content_type);
    bool no_body = r.method == HTTP_HEAD || resp.status == 204 || resp.status == 304;
    size_t blen;
    const char *body = http_resp_body(&resp, &blen);
    if (resp.status != 204 && resp.status != 304)
        buf_printf(out, "Content-Length: %zu\r\n", blen);
    for (size_t i = 0; i < resp.headers.n; i++)
        buf_printf(out, "%s: %s\r\n", resp.headers.v[i].name, resp.headers.v[i].value);
    buf_adds(out, "Connection: close\r\n\r\n");
    if (!no_body)
        buf_add(out, body, blen);
    st = resp.status;
    http_resp_free(&resp);
    http_req_free(&r);
    return st;
}
