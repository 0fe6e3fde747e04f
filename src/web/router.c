#include "web/router.h"

#include <string.h>

/* One segment of a pattern: a literal, or {name:type}. */
typedef struct seg {
    const char *s; /* the segment text */
    size_t n;
    bool param;
    const char *name; /* param: its name */
    size_t name_n;
    route_ptype_t type;
} seg_t;

static bool parse_type(const char *s, size_t n, route_ptype_t *t)
{
    static const struct {
        const char *name;
        route_ptype_t t;
    } types[] = { { "int", RP_INT }, { "side", RP_SIDE }, { "name", RP_NAME }, { "str", RP_STR } };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strlen(types[i].name) == n && memcmp(types[i].name, s, n) == 0) {
            *t = types[i].t;
            return true;
        }
    return false;
}

/* Parse the pattern segment [s, s+n).  false when malformed. */
static bool parse_seg(const char *s, size_t n, seg_t *g)
{
    g->s = s;
    g->n = n;
    g->param = n > 0 && s[0] == '{';
    if (!g->param)
        return memchr(s, '{', n) == NULL && memchr(s, '}', n) == NULL;
    if (s[n - 1] != '}')
        return false;
    const char *colon = memchr(s, ':', n);
    if (!colon)
        return false;
    g->name = s + 1;
    g->name_n = (size_t)(colon - s) - 1;
    if (g->name_n == 0 || g->name_n > ROUTE_MAX_NAME)
        return false;
    for (size_t i = 0; i < g->name_n; i++) {
        char c = g->name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return parse_type(colon + 1, (size_t)(s + n - 1 - colon - 1), &g->type);
}

/* The next segment of a path or pattern starting after a '/': its length;
 * *next is where the following segment starts, or NULL at the end. */
static size_t next_seg(const char *s, const char **next)
{
    const char *slash = strchr(s, '/');
    *next = slash ? slash + 1 : NULL;
    return slash ? (size_t)(slash - s) : strlen(s);
}

static bool parse_int(const char *s, size_t n, int64_t *out)
{
    if (n == 0 || n > 19 || s[0] == '0')
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        int d = s[i] - '0';
        if (v > (INT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

static bool value_fits(const seg_t *g, const char *s, size_t n, route_param_t *out)
{
    if (n == 0 || n > ROUTE_MAX_SEGMENT)
        return false;
    int64_t i = 0;
    switch (g->type) {
    case RP_INT:
        if (!parse_int(s, n, &i))
            return false;
        break;
    case RP_SIDE:
        if (n == 7 && memcmp(s, "partner", 7) == 0)
            i = SIDE_PARTNER;
        else if (n == 4 && memcmp(s, "bank", 4) == 0)
            i = SIDE_BANK;
        else
            return false;
        break;
    case RP_NAME:
        if (n > 128 || s[0] == '.')
            return false;
        for (size_t k = 0; k < n; k++) {
            char c = s[k];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-'))
                return false;
        }
        break;
    case RP_STR:
        break;
    }
    memcpy(out->name, g->name, g->name_n);
    out->name[g->name_n] = '\0';
    out->type = g->type;
    out->i = i;
    memcpy(out->s, s, n);
    out->s[n] = '\0';
    return true;
}

/* Does path fit pattern?  Fills p on success. */
static bool match_pattern(const char *pattern, const char *path, route_params_t *p)
{
    if (pattern[0] != '/' || path[0] != '/')
        return false;
    const char *pa = pattern + 1, *pt = path + 1;
    p->n = 0;
    for (;;) {
        const char *pa_next, *pt_next;
        size_t pn = next_seg(pa, &pa_next), tn = next_seg(pt, &pt_next);
        seg_t g;
        if (!parse_seg(pa, pn, &g))
            return false;
        if (g.param) {
            if (p->n >= ROUTE_MAX_PARAMS || !value_fits(&g, pt, tn, &p->v[p->n]))
                return false;
            p->n++;
        } else if (pn != tn || memcmp(pa, pt, pn) != 0) {
            return false;
        }
        if (!pa_next || !pt_next)
            return !pa_next && !pt_next;
        pa = pa_next;
        pt = pt_next;
    }
}

static bool method_fits(const route_t *r, http_method_t m)
{
    return r->method == m || (m == HTTP_HEAD && r->method == HTTP_GET);
}

int router_match(const route_t *routes, size_t n, http_method_t method, const char *path,
                 const route_t **out, route_params_t *p, char *allow, size_t allow_len)
{
    bool seen[HTTP_OPTIONS + 1] = { false };
    bool any = false;
    *out = NULL;
    if (allow_len)
        allow[0] = '\0';
    if (!path)
        return 404;
    route_params_t tmp;
    for (size_t i = 0; i < n; i++) {
        const route_t *r = &routes[i];
        if (method_fits(r, method)) {
            if (match_pattern(r->pattern, path, p)) {
                *out = r;
                return 0;
            }
            continue;
        }
        if (r->method > HTTP_OTHER && r->method <= HTTP_OPTIONS && !seen[r->method] &&
            match_pattern(r->pattern, path, &tmp)) {
            seen[r->method] = true;
            any = true;
        }
    }
    if (!any)
        return 404;
    if (seen[HTTP_GET])
        seen[HTTP_HEAD] = true;
    size_t used = 0;
    for (int m = HTTP_GET; m <= HTTP_OPTIONS; m++) {
        if (!seen[m])
            continue;
        const char *name = http_method_name((http_method_t)m);
        size_t need = strlen(name) + (used ? 2 : 0);
        if (used + need + 1 > allow_len)
            break;
        if (used) {
            memcpy(allow + used, ", ", 2);
            used += 2;
        }
        memcpy(allow + used, name, strlen(name));
        used += strlen(name);
        allow[used] = '\0';
    }
    return 405;
}

size_t route_body_max(const route_t *r)
{
    if (r->max_body)
        return r->max_body;
    return (r->flags & ROUTE_UPLOAD) ? HTTP_MAX_UPLOAD : HTTP_MAX_BODY;
}

int router_check(const route_t *routes, size_t n, const char **why, size_t *bad)
{
    for (size_t i = 0; i < n; i++) {
        const route_t *r = &routes[i];
        *bad = i;
        if (r->method <= HTTP_OTHER || r->method > HTTP_OPTIONS || r->method == HTTP_HEAD) {
            *why = "unknown method (HEAD comes with GET)";
            return -1;
        }
        if (!r->fn) {
            *why = "no handler";
            return -1;
        }
        bool changes = r->method == HTTP_POST || r->method == HTTP_PUT ||
                       r->method == HTTP_PATCH || r->method == HTTP_DELETE;
        if (changes != ((r->flags & ROUTE_CHANGES_STATE) != 0)) {
            *why = changes ? "a POST/PUT/PATCH/DELETE route must be ROUTE_CHANGES_STATE"
                           : "a GET/OPTIONS route must not change state";
            return -1;
        }
        if (!r->pattern || r->pattern[0] != '/') {
            *why = "pattern must start with /";
            return -1;
        }
        const char *s = r->pattern + 1, *next;
        size_t nparams = 0;
        seg_t params[ROUTE_MAX_PARAMS];
        for (;;) {
            size_t len = next_seg(s, &next);
            seg_t g;
            if (!parse_seg(s, len, &g)) {
                *why = "malformed segment (want literal or {name:int|side|name|str})";
                return -1;
            }
            if (len == 0 && next) {
                *why = "empty segment";
                return -1;
            }
            if (g.param) {
                if (nparams == ROUTE_MAX_PARAMS) {
                    *why = "too many parameters";
                    return -1;
                }
                for (size_t k = 0; k < nparams; k++)
                    if (params[k].name_n == g.name_n &&
                        memcmp(params[k].name, g.name, g.name_n) == 0) {
                        *why = "parameter name used twice";
                        return -1;
                    }
                params[nparams++] = g;
            }
            if (!next)
                break;
            s = next;
        }
    }
    return 0;
}

static const route_param_t *find(const route_params_t *p, const char *name)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->v[i].name, name) == 0)
            return &p->v[i];
    return NULL;
}

int64_t route_int(const route_params_t *p, const char *name)
{
    const route_param_t *v = find(p, name);
    return v && v->type == RP_INT ? v->i : 0;
}

const char *route_str(const route_params_t *p, const char *name)
{
    const route_param_t *v = find(p, name);
    return v ? v->s : NULL;
}

side_t route_side(const route_params_t *p, const char *name)
{
    const route_param_t *v = find(p, name);
    return v && v->type == RP_SIDE ? (side_t)v->i : SIDE_PARTNER;
}
