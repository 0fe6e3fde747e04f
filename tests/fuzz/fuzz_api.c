/* libFuzzer target for the JSON API and the web handlers over a real
 * database.  LLVMFuzzerInitialize builds a SQLite database through the
 * store API: two banks, a partner, users of several roles and tenants, two
 * connections, two assessments, a few answers, an API token and a session
 * per user.  Each input then becomes one HTTP request that goes through
 * web_handle_buffer, the path the server uses (framing, sign-in, CSRF and
 * Origin checks, routing, handler, store):
 *
 *   byte 0   the route (a table of the real routes, API and pages)
 *   byte 1   who asks: bits 0-2 the user, bits 3-4 how (bearer token,
 *            session cookie with its CSRF token, session cookie without it,
 *            anonymous / a made-up bearer token)
 *   byte 2   bits 0-1 which assessment (ours, another tenant's, 0, byte 3
 *            as an id), bits 2-3 side / format / catalog / connection
 *            choice, bits 4-5 the Content-Type, bit 6 English, bit 7 a
 *            cross-site Origin
 *   byte 3   the item number (and a raw id)
 *   rest     QUERY '\n' BODY, or only BODY when there is no newline
 *
 * Oracles: never a 5xx (the database is local and cannot fail); under
 * /api/ the body is a JSON object, and an error has error.code and
 * error.message strings; anonymous or bogus callers get 401 from the API
 * and nothing they send writes an audit event; a cross-site state change
 * is 403 and writes nothing; a viewer writes no audit event under
 * /api/ or /assessments/; every AUDIT_EVERY runs the audit chain verifies
 * and has not shrunk.  Accepted writes make the database grow, so every
 * RESET_EVERY runs it is replaced by the pristine copy made at start-up
 * (a crash input also replays on a fresh copy). */
#define _GNU_SOURCE /* memmem */
#include "fuzz_util.h"

#include "db/store.h"
#include "formats/builtin.h"
#include "util/buf.h"
#include "util/xmem.h"
#include "web/server.h"
#include "web/web.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define AUDIT_EVERY 64
#define RESET_EVERY 2048

enum body_kind { B_NONE, B_JSON, B_FORM, B_UPLOAD };

/* Path placeholders: {id} assessment, {no} item, {side}, {fmt} export
 * format, {cat} catalog, {conn} connection, {tok} token. */
typedef struct fz_route {
    const char *method;
    const char *path;
    enum body_kind body;
} fz_route_t;

static const fz_route_t routes[] = {
    /* the JSON API (docs/openapi.yaml) */
    { "GET", "/api/v1/openapi.yaml", B_NONE },
    { "GET", "/api/v1/catalogs", B_NONE },
    { "GET", "/api/v1/catalogs/{cat}", B_NONE },
    { "GET", "/api/v1/assessments", B_NONE },
    { "GET", "/api/v1/assessments/{id}", B_NONE },
    { "PUT", "/api/v1/assessments/{id}/items/{no}/answers/{side}", B_JSON },
    { "PUT", "/api/v1/assessments/{id}/items/{no}/review", B_JSON },
    { "POST", "/api/v1/assessments/{id}/items/{no}/comments", B_JSON },
    { "POST", "/api/v1/assessments/{id}/submit", B_JSON },
    { "POST", "/api/v1/assessments/{id}/start-review", B_JSON },
    { "POST", "/api/v1/assessments/{id}/return", B_JSON },
    { "POST", "/api/v1/assessments/{id}/accept", B_JSON },
    { "GET", "/api/v1/assessments/{id}/export", B_NONE },
    { "GET", "/api/v1/audit", B_NONE },
    /* the pages */
    { "GET", "/", B_NONE },
    { "GET", "/plans", B_NONE },
    { "GET", "/assessments", B_NONE },
    { "GET", "/assessments/{id}", B_NONE },
    { "POST", "/assessments/{id}/items/{no}/answers/{side}", B_FORM },
    { "POST", "/assessments/{id}/items/{no}/review", B_FORM },
    { "POST", "/assessments/{id}/items/{no}/comments", B_FORM },
    { "POST", "/assessments/{id}/comments", B_FORM },
    { "POST", "/assessments/{id}/submit", B_FORM },
    { "POST", "/assessments/{id}/start-review", B_FORM },
    { "POST", "/assessments/{id}/return", B_FORM },
    { "POST", "/assessments/{id}/accept", B_FORM },
    { "GET", "/assessments/{id}/items/{no}/history", B_NONE },
    { "GET", "/assessments/{id}/diff", B_NONE },
    { "GET", "/assessments/{id}/export/{fmt}", B_NONE },
    { "GET", "/assessments/{id}/import", B_NONE },
    { "POST", "/assessments/{id}/import", B_UPLOAD },
    { "POST", "/assessments/{id}/import/apply", B_FORM },
    { "GET", "/admin", B_NONE },
    { "POST", "/admin/orgs", B_FORM },
    { "POST", "/admin/connections", B_FORM },
    { "POST", "/admin/connections/{conn}/state", B_FORM },
    { "POST", "/admin/catalogs", B_UPLOAD },
    { "POST", "/admin/assessments", B_FORM },
    { "GET", "/account", B_NONE },
    { "GET", "/account/totp", B_NONE },
    { "POST", "/account/tokens", B_FORM },
    { "POST", "/account/tokens/{tok}/revoke", B_FORM },
    { "POST", "/lang", B_FORM },
    { "GET", "/login", B_NONE },
    { "GET", "/healthz", B_NONE },
    { "GET", "/static/{fmt}", B_NONE },
};
#define NROUTES (sizeof routes / sizeof routes[0])

/* The users; sign-in with a password (argon2id, 64 MiB) is left out on
 * purpose: it would dominate every run. */
enum { U_OPERATOR, U_BANK_ADMIN, U_BANK_REVIEWER, U_PARTNER_EDITOR, U_PARTNER_VIEWER,
       U_OTHER_BANK, NUSERS };
static const struct {
    const char *login;
    role_t role;
    int org; /* 0 none (operator), 1 bank, 2 partner, 3 the other bank */
} users[NUSERS] = {
    { "fz_operator", ROLE_ADMIN, 0 },      { "fz_bank_admin", ROLE_ADMIN, 1 },
    { "fz_bank_reviewer", ROLE_REVIEWER, 1 }, { "fz_partner_editor", ROLE_EDITOR, 2 },
    { "fz_partner_viewer", ROLE_VIEWER, 2 }, { "fz_other_bank", ROLE_ADMIN, 3 },
};

static struct {
    web_app_t app;
    char dir[256], pristine[300], work[300];
    int64_t user_id[NUSERS];
    char token[NUSERS][STORE_TOKEN_LEN];
    int64_t token_id[NUSERS];
    char session[NUSERS][STORE_TOKEN_LEN];
    char csrf[NUSERS][STORE_TOKEN_LEN];
    int64_t asm_ours, asm_other, conn_ours, conn_other;
    unsigned long runs;
    int64_t audit_count;
    bool trace; /* FUZZ_API_TRACE=1: each status and the start of its response */
} g;

static void die(const char *what, const char *why)
{
    fprintf(stderr, "fuzz_api setup: %s: %s\n", what, why ? why : "?");
    abort();
}

static void need(store_t *st, int rc, const char *what)
{
    if (rc != ST_OK)
        die(what, store_errmsg(st));
}

static void copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (in < 0 || out < 0)
        die("copy", from);
    char b[65536];
    ssize_t n;
    while ((n = read(in, b, sizeof b)) > 0)
        if (write(out, b, (size_t)n) != n)
            die("copy", to);
    if (n < 0)
        die("copy", from);
    close(in);
    close(out);
}

static void unlink_db(const char *path)
{
    static const char *const suffixes[] = { "", "-wal", "-shm" };
    for (size_t i = 0; i < 3; i++) {
        char p[320];
        snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
        unlink(p);
    }
}

static void remove_dir(const char *dir)
{
    char p[300];
    snprintf(p, sizeof p, "%s/pristine.db", dir);
    unlink_db(p);
    snprintf(p, sizeof p, "%s/work.db", dir);
    unlink_db(p);
    rmdir(dir);
}

static void remove_files(void)
{
    remove_dir(g.dir);
}

/* A run that crashed (libFuzzer leaves with _Exit) left its directory
 * behind: remove those whose process is gone. */
static void remove_stale(const char *tmp)
{
    DIR *d = opendir(tmp);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        char *end;
        if (strncmp(e->d_name, "fuzz_api.", 9) != 0)
            continue;
        long pid = strtol(e->d_name + 9, &end, 10);
        if (*end || pid <= 0 || pid > INT32_MAX)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue; /* alive, or not ours */
        char p[300];
        snprintf(p, sizeof p, "%s/%s", tmp, e->d_name);
        remove_dir(p);
    }
    closedir(d);
}

/* The pristine database: everything the requests refer to. */
static void build_pristine(void)
{
    char *err = NULL;
    store_open_opt_t o = { .create = true, .sync_normal = true };
    store_t *st = store_open(g.pristine, &o, &err);
    if (!st)
        die(g.pristine, err);
    actor_t sys = store_system_actor();
    int64_t org[4] = { 0 };
    need(st, store_org_create(st, &sys, ORG_BANK, "ファズ銀行", "0998", &org[1]), "bank");
    need(st, store_org_create(st, &sys, ORG_PARTNER, "ファズペイ株式会社", NULL, &org[2]),
         "partner");
    need(st, store_org_create(st, &sys, ORG_BANK, "よそ銀行", "0997", &org[3]), "other bank");
    actor_t who[NUSERS];
    for (int i = 0; i < NUSERS; i++) {
        user_t u = { .login = (char *)users[i].login, .display_name = (char *)users[i].login,
                     .role = users[i].role, .org_id = org[users[i].org],
                     .is_operator = users[i].org == 0 };
        need(st, store_user_create(st, &sys, &u, NULL, &g.user_id[i]), users[i].login);
        need(st, store_actor(st, users[i].login, &who[i]), "actor");
        need(st, store_token_create(st, &who[i], "fuzz", g.token[i], &g.token_id[i]), "token");
    }
    need(st, store_connection_create(st, &sys, org[1], org[2], "write", &g.conn_ours), "conn");
    need(st, store_connection_create(st, &sys, org[3], org[2], "read", &g.conn_other), "conn");
    assessment_open_opt_t ao = { .round = "2026年度", .due = "2026-12-25", .no_profile = true };
    need(st, store_assessment_open(st, &who[U_BANK_ADMIN], g.conn_ours, BUILTIN_CATALOG_ID, &ao,
                                   &g.asm_ours),
         "assessment");
    need(st, store_assessment_open(st, &who[U_OTHER_BANK], g.conn_other, BUILTIN_CATALOG_ID, &ao,
                                   &g.asm_other),
         "assessment");
    /* A few answers on both sides, so that pages, diffs and exports have
     * something to show. */
    int rc = 0;
    catalog_t *cat = store_assessment_catalog(st, &who[U_BANK_ADMIN], g.asm_ours, &rc);
    if (!cat)
        die("catalog", store_errmsg(st));
    for (size_t i = 0; i < cat->nitems && i < 12; i++) {
        const item_t *it = &cat->items[i];
        for (int s = SIDE_PARTNER; s <= SIDE_BANK; s++) {
            if (!side_answers((side_t)s, it->target))
                continue;
            answer_t a = { .no = it->no, .side = (side_t)s, .status = (status_t)(1 + i % 4),
                           .current = "多要素認証を導入済み。", .gap = "検知が目視。",
                           .plan = "自動通知を導入する。", .due = "2027-03-31" };
            const actor_t *by = s == SIDE_PARTNER ? &who[U_PARTNER_EDITOR] : &who[U_BANK_ADMIN];
            need(st, store_answer_save(st, by, g.asm_ours, &a, 0, NULL), "answer");
        }
    }
    catalog_free(cat);
    store_close(st);
}

/* This thread's store (the application's). */
static store_t *app_store(void)
{
    char *err = NULL;
    store_t *st = web_app_store(&g.app, &err);
    if (!st)
        die("web_app_store", err);
    return st;
}

/* Start over from the pristine copy: the application's store is closed and
 * reopened on the next request; sessions are made afresh (the pristine
 * ones would expire during a long run). */
static void reset_db(void)
{
    store_t *st = pthread_getspecific(g.app.store_key);
    if (st) {
        pthread_setspecific(g.app.store_key, NULL);
        store_close(st);
    }
    unlink_db(g.work);
    copy_file(g.pristine, g.work);
    st = app_store();
    for (int i = 0; i < NUSERS; i++) {
        need(st, store_session_create(st, g.user_id[i], false, g.session[i]), "session");
        store_csrf_token(g.session[i], g.csrf[i]);
    }
    int64_t bad = 0;
    need(st, store_audit_verify(st, &g.audit_count, &bad), "audit verify");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    remove_stale(tmp);
    snprintf(g.dir, sizeof g.dir, "%s/fuzz_api.%ld", tmp, (long)getpid());
    if (mkdir(g.dir, 0700) != 0)
        die("mkdir", g.dir);
    snprintf(g.pristine, sizeof g.pristine, "%s/pristine.db", g.dir);
    snprintf(g.work, sizeof g.work, "%s/work.db", g.dir);
    atexit(remove_files);
    const char *trace = getenv("FUZZ_API_TRACE");
    g.trace = trace && *trace == '1';
    build_pristine();
    char *err = NULL;
    if (web_app_init(&g.app, &err) != 0)
        die("web_app_init", err);
    store_open_opt_t o = { .sync_normal = true };
    web_app_set_db(&g.app, g.work, &o);
    reset_db();
    return 0;
}

/* ---- building the request ------------------------------------------------ */

/* The query: structure (& = %) kept, other bytes outside the unreserved
 * set percent-encoded so that the request line stays valid. */
static void add_query(buf_t *b, const uint8_t *q, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    buf_addc(b, '?');
    for (size_t i = 0; i < n; i++) {
        uint8_t c = q[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            (c && strchr("-._~&=%+", c))) {
            buf_addc(b, (char)c);
        } else {
            buf_addc(b, '%');
            buf_addc(b, hex[c >> 4]);
            buf_addc(b, hex[c & 15]);
        }
    }
}

static void add_path(buf_t *b, const char *pat, uint8_t sel, uint8_t no)
{
    int64_t ids[4] = { g.asm_ours, g.asm_other, 0, (int64_t)no * 7 + 1000 };
    unsigned pick = (sel >> 2) & 3;
    for (const char *p = pat; *p;) {
        if (*p != '{') {
            buf_addc(b, *p++);
            continue;
        }
        const char *end = strchr(p, '}');
        size_t n = (size_t)(end - p) + 1;
        if (strncmp(p, "{id}", n) == 0) {
            buf_printf(b, "%lld", (long long)ids[sel & 3]);
        } else if (strncmp(p, "{no}", n) == 0) {
            /* Mostly the checklist's 1 … 45, sometimes past it or 0. */
            buf_printf(b, "%d", no < 240 ? 1 + no % 47 : (no - 240) * 50000);
        } else if (strncmp(p, "{side}", n) == 0) {
            static const char *const v[] = { "partner", "bank", "partner", "both" };
            buf_adds(b, v[pick]);
        } else if (strncmp(p, "{fmt}", n) == 0) {
            static const char *const v[] = { "xlsx", "csv", "json", "app.css" };
            buf_adds(b, v[pick]);
        } else if (strncmp(p, "{cat}", n) == 0) {
            static const char *const v[] = { BUILTIN_CATALOG_ID, "nope", BUILTIN_CATALOG_ID,
                                             "x" };
            buf_adds(b, v[pick]);
        } else if (strncmp(p, "{conn}", n) == 0) {
            int64_t v[] = { g.conn_ours, g.conn_other, 0, 999 };
            buf_printf(b, "%lld", (long long)v[pick]);
        } else if (strncmp(p, "{tok}", n) == 0) {
            /* Not the bearer tokens the runs rely on, except by choice. */
            int64_t v[] = { 999, g.token_id[U_PARTNER_VIEWER], 0, 1000 + no };
            buf_printf(b, "%lld", (long long)v[pick]);
        }
        p = end + 1;
    }
}

#define BOUNDARY "fzB0und4ry7q"

typedef struct req_info {
    const fz_route_t *r;
    int user;
    int mode; /* 0 bearer, 1 cookie + CSRF, 2 cookie without CSRF, 3 anonymous */
    bool cross_site;
    bool api;
} req_info_t;

static void build(buf_t *b, const uint8_t *data, size_t size, req_info_t *ri)
{
    ri->r = &routes[data[0] % NROUTES];
    ri->user = (data[1] & 7) % NUSERS;
    ri->mode = (data[1] >> 3) & 3;
    ri->cross_site = data[2] & 0x80;
    ri->api = strncmp(ri->r->path, "/api/", 5) == 0;
    const uint8_t *rest = data + 4, *nl = memchr(rest, '\n', size - 4);
    const uint8_t *body = nl ? nl + 1 : rest;
    size_t blen = size - 4 - (size_t)(body - rest);

    buf_printf(b, "%s ", ri->r->method);
    add_path(b, ri->r->path, data[2], data[3]);
    if (nl)
        add_query(b, rest, (size_t)(nl - rest));
    buf_adds(b, " HTTP/1.1\r\nHost: localhost\r\n");
    if (data[2] & 0x40)
        buf_adds(b, "Accept-Language: en\r\n");
    if (ri->cross_site)
        buf_adds(b, "Origin: https://evil.example\r\n");
    switch (ri->mode) {
    case 0: buf_printf(b, "Authorization: Bearer %s\r\n", g.token[ri->user]); break;
    case 1:
    case 2: buf_printf(b, "Cookie: sid=%s\r\n", g.session[ri->user]); break;
    default:
        if (data[1] & 0x20)
            buf_adds(b, "Authorization: Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n");
        break;
    }
    if (ri->mode == 1 && (ri->r->body != B_FORM || (data[1] & 0x40)))
        buf_printf(b, "X-CSRF-Token: %s\r\n", g.csrf[ri->user]);

    buf_t payload = BUF_INIT(0);
    const char *ctype = NULL;
    enum body_kind kind = ri->r->body;
    switch ((data[2] >> 4) & 3) {
    case 1: kind = B_JSON; break;
    case 2: kind = kind == B_UPLOAD ? B_FORM : kind == B_FORM ? B_UPLOAD : B_FORM; break;
    default: break;
    }
    if (kind == B_UPLOAD) {
        static const char *const names[] = { "a.json", "a.csv", "a.xlsx", "a" };
        ctype = "multipart/form-data; boundary=" BOUNDARY;
        buf_adds(&payload, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; "
                           "filename=\"");
        buf_adds(&payload, names[(data[2] >> 2) & 3]);
        buf_adds(&payload, "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        buf_add(&payload, body, blen);
        buf_adds(&payload, "\r\n");
        if (ri->mode == 1 && (data[1] & 0x40))
            buf_printf(&payload,
                       "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n"
                       "%s\r\n",
                       g.csrf[ri->user]);
        buf_adds(&payload, "--" BOUNDARY "--\r\n");
    } else {
        buf_add(&payload, body, blen);
        if (kind == B_FORM && ri->mode == 1 && !(data[1] & 0x40))
            buf_printf(&payload, "%scsrf=%s", blen ? "&" : "", g.csrf[ri->user]);
        if (payload.len)
            ctype = kind == B_FORM ? "application/x-www-form-urlencoded"
                    : ((data[2] >> 4) & 3) == 3 ? "application/json; charset=utf-8"
                                               : "application/json";
    }
    if (ctype)
        buf_printf(b, "Content-Type: %s\r\n", ctype);
    if (payload.len || strcmp(ri->r->method, "GET") != 0)
        buf_printf(b, "Content-Length: %zu\r\n", payload.len);
    buf_adds(b, "\r\n");
    buf_add(b, payload.p ? payload.p : "", payload.len);
    buf_free(&payload);
}

/* ---- oracles --------------------------------------------------------------- */

static int64_t audit_head(store_t *st)
{
    int64_t seq = 0;
    char hash[65];
    CHECK(store_audit_head(st, &seq, hash) == ST_OK, "audit head: %s", store_errmsg(st));
    return seq;
}

/* A header's value in the serialised head, NUL-terminated into out. */
static void header_value(const char *p, size_t hl, const char *name, char *out, size_t n)
{
    char key[64];
    snprintf(key, sizeof key, "\r\n%s: ", name);
    out[0] = '\0';
    const char *h = memmem(p, hl, key, strlen(key));
    if (!h)
        return;
    h += strlen(key);
    size_t k = strcspn(h, "\r");
    snprintf(out, n, "%.*s", (int)(k < n - 1 ? k : n - 1), h);
}

static void check_api_body(int st, const char *p, size_t len)
{
    const char *end = memmem(p, len, "\r\n\r\n", 4);
    CHECK(end, "no end of head");
    size_t hl = (size_t)(end - p);
    char ctype[128];
    header_value(p, hl + 2, "Content-Type", ctype, sizeof ctype);
    if (st == 304 || strncmp(ctype, "application/json", 16) != 0) {
        /* Only the description and successful exports are not JSON. */
        CHECK(st == 200 || st == 304, "API status %d with Content-Type %s", st, ctype);
        return;
    }
    json_error_t err;
    json_t *v = json_loadb(end + 4, len - hl - 4, 0, &err);
    CHECK(v, "API body is not JSON (%s): %.*s", err.text, (int)(len - hl - 4), end + 4);
    CHECK(json_is_object(v), "API body is not an object");
    if (st >= 400) {
        json_t *e = json_object_get(v, "error");
        CHECK(json_is_object(e), "API error without an error object");
        CHECK(json_is_string(json_object_get(e, "code")), "API error without a code");
        CHECK(json_is_string(json_object_get(e, "message")), "API error without a message");
    }
    json_decref(v);
}

/* Statuses given before sign-in and the Origin check: the route does not
 * match (a bad side), or the body cannot be read as its Content-Type says. */
static bool refused_early(int status)
{
    return status == 400 || status == 404 || status == 413 || status == 415;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    if (++g.runs % RESET_EVERY == 0)
        reset_db();
    store_t *st = app_store();
    req_info_t ri;
    buf_t req = BUF_INIT(0);
    build(&req, data, size, &ri);
    int64_t before = audit_head(st);

    buf_t out = BUF_INIT(0);
    int status = web_handle_buffer(&g.app, req.p, req.len, &out);
    CHECK(status >= 200 && status < 500,
          "status %d for %s %s\n--- request ---\n%.*s\n--- response ---\n%.*s", status,
          ri.r->method, ri.r->path, (int)(req.len < 4000 ? req.len : 4000), req.p,
          (int)(out.len < 4000 ? out.len : 4000), out.p);
    if (g.trace)
        fprintf(stderr, "fuzz_api: %d %s %s (user %d, mode %d)\n%.*s\n--\n%.*s\n", status,
                ri.r->method,
                ri.r->path, ri.user, ri.mode, (int)(req.len < 600 ? req.len : 600), req.p,
                (int)(out.len < 600 ? out.len : 600), out.p);
    if (ri.api)
        check_api_body(status, out.p, out.len);
    bool changes = strcmp(ri.r->method, "GET") != 0;
    bool is_public = strncmp(ri.r->path, "/static/", 8) == 0 ||
                     strcmp(ri.r->path, "/healthz") == 0 || strcmp(ri.r->path, "/login") == 0 ||
                     strcmp(ri.r->path, "/lang") == 0 ||
                     strcmp(ri.r->path, "/api/v1/openapi.yaml") == 0;
    if (ri.cross_site && changes)
        CHECK(status == 403 || refused_early(status), "cross-site %s %s gave %d", ri.r->method,
              ri.r->path, status);
    if (ri.mode == 3 && ri.api && !is_public)
        CHECK(status == 401 || refused_early(status) || (ri.cross_site && changes && status == 403),
              "anonymous %s %s gave %d", ri.r->method,
              ri.r->path, status);
    st = app_store();
    int64_t after = audit_head(st);
    bool may_write = !(ri.cross_site && changes) && ri.mode != 3 &&
                     !(ri.mode == 2 && changes) &&
                     !(ri.user == U_PARTNER_VIEWER &&
                       (ri.api || strncmp(ri.r->path, "/assessments", 12) == 0));
    if (!may_write)
        CHECK(after == before, "%s %s (user %d, mode %d) wrote audit events %lld..%lld",
              ri.r->method, ri.r->path, ri.user, ri.mode, (long long)before, (long long)after);
    CHECK(after >= before, "the audit head went back from %lld to %lld", (long long)before,
          (long long)after);

    if (g.runs % AUDIT_EVERY == 0) {
        int64_t count = 0, bad = 0;
        int rc = store_audit_verify(st, &count, &bad);
        CHECK(rc == ST_OK, "audit chain broken at %lld: %s", (long long)bad, store_errmsg(st));
        CHECK(count >= g.audit_count, "audit chain shrank from %lld to %lld",
              (long long)g.audit_count, (long long)count);
        g.audit_count = count;
    }
    buf_free(&out);
    buf_free(&req);
    return 0;
}
