/*
 * xlsx_read — XLSX workbooks into tables (libzip + expat), and tables into
 * answer sets and catalogs (sheet.c).
 *
 * The input is untrusted.  The zip is opened from memory with consistency
 * checks; each part is decompressed with its bytes counted against a cap per
 * part and in total as they come (sizes in zip headers are never trusted),
 * then parsed by expat in one pass; DOCTYPEs are refused, so no entity is
 * ever declared, let alone expanded; nesting depth, shared strings, rows, columns, cell sizes,
 * and the cells and text placed in tables (merge fills and shared strings
 * can multiply a small file) are all capped (util/limits.h).  The first
 * problem stops the read; nothing is returned from a refused file.
 *
 * The parts read: _rels/.rels (where the workbook is), the workbook (sheets
 * in order, date1904), its rels (sheet targets, relative or absolute;
 * shared strings, styles), sharedStrings (optional; rich runs joined,
 * furigana <rPh> skipped, _xHHHH_ decoded), styles (which cell formats are
 * dates) and each worksheet (cells placed by their r attribute or counted
 * when it is missing, merged ranges filled from their top-left cell).
 */
#define _GNU_SOURCE /* strtod_l: numbers in the C locale whatever the process locale */
#include "formats/xlsx.h"
#include "formats/layout.h"
#include "formats/sheet.h"
#include "core/wareki.h"
#include "util/buf.h"
#include "util/hex.h"
#include "util/limits.h"
#include "util/utf8.h"
#include "util/xmem.h"

#include <expat.h>
#include <zip.h>

#include <limits.h>
#include <locale.h>
#include <math.h> /* isfinite (a macro: no libm needed) */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The largest sheet Excel knows: XFD1048576. */
#define XL_MAX_ROWS 1048576L
#define XL_MAX_COLS 16384L

/* Read this much decompressed data at a time.  Small: a read's transient
 * memory (this, the part, expat's and zlib's buffers) freed at the end on
 * top of the heap beyond glibc's trim threshold (128 KiB) is given back to
 * the kernel and faulted in again by the next read; with 64 KiB chunks
 * that happened to every read in the benchmark after the export loops. */
#define CHUNK 16384

/* ---------------------------------------------------------------------- */
/* The workbook being read                                                  */

typedef struct numfmt {
    int id;
    bool is_date;
} numfmt_t;

/* A shared string, decoded; s is NULL when it is no valid UTF-8 (reported
 * where a cell uses it). */
typedef struct sstr {
    char *s;
    size_t len;
} sstr_t;

typedef struct wb {
    zip_t *za;
    diag_t *d;
    size_t total;          /* decompressed bytes read from all parts */
    size_t text_total;     /* bytes of cell text placed in tables */
    size_t cells_total;    /* cells placed in tables, merge fills included */
    sstr_t *sst;           /* shared strings, checked once each */
    size_t nsst, sst_cap;
    bool have_sst;
    int *xf_fmt;           /* numFmtId of each cellXfs entry, then (after
                              styles_settle) 1 where it shows a date */
    size_t nxf, xf_cap;
    numfmt_t *fmts;        /* custom number formats */
    size_t nfmts, fmts_cap;
    bool date1904;
    buf_t part;            /* the part being parsed, decompressed */
    char *chunk;           /* CHUNK bytes for zip_fread */
} wb_t;

/* One worksheet as the workbook lists it. */
typedef struct wsheet {
    char *name;
    char *rid;
    bool hidden;
} wsheet_t;

/* ---------------------------------------------------------------------- */
/* Small helpers                                                            */

/* The local part of a possibly prefixed XML name ("x:row" -> "row"). */
static const char *lname(const char *n)
{
    const char *c = strrchr(n, ':');
    return c ? c + 1 : n;
}

/* The value of the attribute with the given local name, or NULL. */
static const char *attr(const char **atts, const char *local)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(lname(atts[i]), local) == 0)
            return atts[i + 1];
    return NULL;
}

/* The code point of an "_xHHHH_" escape at s (n bytes available), or -1. */
static long xesc(const char *s, size_t n)
{
    if (n < 7 || s[0] != '_' || (s[1] != 'x' && s[1] != 'X') || s[6] != '_')
        return -1;
    long v = 0;
    for (int i = 2; i < 6; i++) {
        int h = hex_digit((unsigned char)s[i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* A fresh copy of s[0..n) with OOXML's _xHHHH_ escapes decoded (Excel
 * writes control characters and a literal "_x" that way).  A surrogate
 * pair of escapes is joined; a lone surrogate stays as written; U+0000 is
 * dropped.  The result is never longer than the input; its length goes to
 * *outlen when asked. */
static char *decode_x(const char *s, size_t n, size_t *outlen)
{
    if (!memchr(s, '_', n)) {
        char *out = xmalloc(n + 1);
        memcpy(out, s, n);
        out[n] = '\0';
        if (outlen)
            *outlen = strlen(out); /* s may hold a NUL: as xstrndup did */
        return out;
    }
    char *out = xmalloc(n + 1), *o = out;
    size_t i = 0;
    while (i < n) {
        long cp = s[i] == '_' ? xesc(s + i, n - i) : -1;
        if (cp < 0) {
            *o++ = s[i++];
            continue;
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            long lo = xesc(s + i + 7, n - i - 7);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                o += utf8_encode(0x10000 + (((uint32_t)cp - 0xD800) << 10) +
                                     ((uint32_t)lo - 0xDC00), o);
                i += 14;
                continue;
            }
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            *o++ = s[i++];
            continue;
        }
        if (cp != 0)
            o += utf8_encode((uint32_t)cp, o);
        i += 7;
    }
    *o = '\0';
    if (outlen)
        *outlen = strlen(out);
    return out;
}

/* Parse an A1 reference ("B3", "$B$3" not accepted) into 0-based row and
 * column.  Returns 0, or -1 when malformed or beyond XFD1048576. */
static int parse_a1(const char *s, long *row, long *col)
{
    long c = 0, r = 0;
    int nl = 0, nd = 0;
    for (; *s >= 'A' && *s <= 'Z'; s++) {
        if (++nl > 3)
            return -1;
        c = c * 26 + (*s - 'A' + 1);
    }
    for (; *s >= '0' && *s <= '9'; s++) {
        if (++nd > 7)
            return -1;
        r = r * 10 + (*s - '0');
    }
    if (*s || nl == 0 || nd == 0 || c > XL_MAX_COLS || r < 1 || r > XL_MAX_ROWS)
        return -1;
    *row = r - 1;
    *col = c - 1;
    return 0;
}

/* Parse a decimal integer in [lo, hi] (the whole string).  Returns 0 or -1. */
static int parse_long(const char *s, long lo, long hi, long *out)
{
    long v = 0;
    int nd = 0;
    if (!s)
        return -1;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (++nd > 12)
            return -1;
        v = v * 10 + (*s - '0');
    }
    if (*s || nd == 0 || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* Days since 1970-01-01 -> civil date (proleptic Gregorian). */
static void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

/* A spreadsheet date serial as ISO "YYYY-MM-DD" in out (11 bytes).
 * Returns 0, or -1 when the serial is no date Excel can show (before
 * 1900-01-01, the fictitious 1900-02-29, after 9999-12-31). */
static int serial_to_iso(double v, bool date1904, char out[11])
{
    if (!(v >= 0 && v < 2958466))
        return -1;
    long days = (long)v; /* v >= 0: truncation is floor */
    /* 1899-12-30 and 1904-01-01 as days since 1970-01-01. */
    long base;
    if (date1904) {
        base = -24107;
    } else {
        if (days == 0 || days == 60)
            return -1;
        base = days < 60 ? -25568 : -25569;
    }
    int y, m, d;
    civil_from_days(base + days, &y, &m, &d);
    if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u);
    return 0;
}

/* Is a custom number format code a date (or date-time) format?  Quoted
 * text, escaped characters, [..] sections and _x / *x padding are skipped;
 * y or d make a date, m does too unless h or s says it means minutes. */
static bool code_is_date(const char *s)
{
    bool y = false, d = false, m = false, hs = false;
    for (; *s; s++) {
        char c = *s;
        if (c == '"') {
            while (s[1] && s[1] != '"')
                s++;
            if (s[1])
                s++;
            continue;
        }
        if (c == '\\' || c == '_' || c == '*') {
            if (s[1])
                s++;
            continue;
        }
        if (c == '[') {
            while (s[1] && s[1] != ']')
                s++;
            if (s[1])
                s++;
            continue;
        }
        if (c == ';')
            break; /* the first section decides */
        switch (c) {
        case 'y': case 'Y': y = true; break;
        case 'd': case 'D': d = true; break;
        case 'm': case 'M': m = true; break;
        case 'h': case 'H': case 's': case 'S': hs = true; break;
        default: break;
        }
    }
    return y || d || (m && !hs);
}

/* Built-in number formats that show a date: 14-17 and 22 everywhere,
 * 27-36 and 50-58 in East Asian locales (Japanese era and 年月日 forms). */
static bool builtin_is_date(int id)
{
    return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) ||
           (id >= 50 && id <= 58);
}

static int numfmt_cmp(const void *a, const void *b)
{
    const numfmt_t *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

/* Turn each cell format's numFmtId into "is a date" once, so that a cell's
 * lookup is O(1) however many formats a hostile styles part declares. */
static void styles_settle(wb_t *wb)
{
    if (wb->nfmts)
        qsort(wb->fmts, wb->nfmts, sizeof *wb->fmts, numfmt_cmp);
    for (size_t i = 0; i < wb->nxf; i++) {
        numfmt_t key = { wb->xf_fmt[i], false };
        const numfmt_t *f = wb->nfmts ? bsearch(&key, wb->fmts, wb->nfmts, sizeof *wb->fmts,
                                                numfmt_cmp)
                                      : NULL;
        wb->xf_fmt[i] = f ? f->is_date : builtin_is_date(key.id);
    }
}

static bool style_is_date(const wb_t *wb, long s)
{
    return s >= 0 && (size_t)s < wb->nxf && wb->xf_fmt[s];
}

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void c_locale_init(void)
{
    c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (!c_locale)
        abort(); /* out of memory */
}

/* A number cell's text as people see it: integers without ".0", others
 * with Excel's 15 significant digits, dates as ISO.  Text that is no
 * number is kept as written. */
static char *number_text(const char *v, bool is_date, bool date1904)
{
    char *end;
    while (*v == ' ')
        v++;
    if (!*v)
        return xstrdup("");
    /* A plain integer ("12"), the usual number, is shown as written: the
     * same text as the general path gives, without strtod and snprintf. */
    size_t nd = strspn(v, "0123456789");
    if (!is_date && !v[nd] && nd <= 15 && (v[0] != '0' || nd == 1))
        return xstrdup(v);
    pthread_once(&c_locale_once, c_locale_init);
    double x = strtod_l(v, &end, c_locale);
    while (*end == ' ')
        end++;
    if (*end || !isfinite(x))
        return xstrdup(v);
    char out[40];
    if (is_date && serial_to_iso(x, date1904, out) == 0)
        return xstrdup(out);
    if (x > -1e15 && x < 1e15 && x == (double)(long long)x)
        snprintf(out, sizeof out, "%.0f", x == 0 ? 0.0 : x);
    else
        snprintf(out, sizeof out, "%.15g", x);
    return xstrdup(out);
}

/* ---------------------------------------------------------------------- */
/* One XML part, streamed from the zip through expat                       */

typedef struct xp xp_t;

typedef struct xp_ops {
    void (*start)(xp_t *x, const char *name, const char **atts);
    void (*end)(xp_t *x, const char *name);
    void (*text)(xp_t *x, const char *s, size_t n);
} xp_ops_t;

struct xp {
    wb_t *wb;
    XML_Parser p;
    const xp_ops_t *ops;
    const char *part;   /* part name, for messages */
    const char *sheet;  /* sheet name, for messages, or NULL */
    void *st;           /* the part's own state */
    int depth;
    bool failed;        /* a problem was reported: stop */
};

/* Stop parsing after a problem was added to the diag. */
static void xp_stop(xp_t *x)
{
    if (!x->failed) {
        x->failed = true;
        XML_StopParser(x->p, XML_FALSE);
    }
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xp_t *x = ud;
    if (x->failed)
        return;
    if (++x->depth > LIMIT_XML_DEPTH) {
        diag_add(x->wb->d, x->sheet, 0, 0,
                 "%s: XMLの入れ子が深すぎます（上限 %d）",
                 "%s: XML nested too deeply (limit %d)", x->part, LIMIT_XML_DEPTH);
        xp_stop(x);
        return;
    }
    if (x->ops->start)
        x->ops->start(x, lname(name), atts);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    xp_t *x = ud;
    if (x->failed)
        return;
    x->depth--;
    if (x->ops->end)
        x->ops->end(x, lname(name));
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    xp_t *x = ud;
    if (!x->failed && x->ops->text && len > 0)
        x->ops->text(x, s, (size_t)len);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
    xp_t *x = ud;
    diag_add(x->wb->d, x->sheet, 0, 0,
             "%s: DOCTYPE宣言を含むXMLは受け付けません",
             "%s: XML with a DOCTYPE declaration is refused", x->part);
    xp_stop(x);
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param,
                              const XML_Char *value, int value_len, const XML_Char *base,
                              const XML_Char *sysid, const XML_Char *pubid,
                              const XML_Char *notation)
{
    (void)name, (void)is_param, (void)value, (void)value_len, (void)base;
    (void)sysid, (void)pubid, (void)notation;
    xp_t *x = ud;
    diag_add(x->wb->d, x->sheet, 0, 0, "%s: 実体宣言は受け付けません",
             "%s: entity declarations are refused", x->part);
    xp_stop(x);
}

/* Decompress the part `name` (case-insensitive) and parse it with the
 * handlers.  Returns 0 when parsed, 1 when the part is absent (nothing
 * reported), -1 after reporting a problem. */
static int xp_parse(wb_t *wb, const char *name, const char *sheet, const xp_ops_t *ops,
                    void *st)
{
    zip_int64_t idx = zip_name_locate(wb->za, name, ZIP_FL_NOCASE);
    if (idx < 0)
        return 1;
    zip_file_t *zf = zip_fopen_index(wb->za, (zip_uint64_t)idx, 0);
    if (!zf) {
        diag_add(wb->d, sheet, 0, 0, "%s: 読み出せません（%s）", "%s: cannot be read (%s)",
                 name, zip_strerror(wb->za));
        return -1;
    }
    XML_Parser p = XML_ParserCreate(NULL);
    if (!p)
        abort(); /* out of memory: see util/xmem.h */
    xp_t x = { .wb = wb, .p = p, .ops = ops, .part = name, .sheet = sheet, .st = st };
    XML_SetUserData(p, &x);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_text);
    XML_SetStartDoctypeDeclHandler(p, on_doctype);
    XML_SetEntityDeclHandler(p, on_entity);
#ifdef XML_DTD
    XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
    XML_SetBillionLaughsAttackProtectionMaximumAmplification(p, 10.0f);
    XML_SetBillionLaughsAttackProtectionActivationThreshold(p, 1u << 20);
#endif
    /* The part is decompressed whole (counted against the caps as it comes)
     * and then parsed in one call: expat rescans a token cut by a chunk
     * boundary from its start, so feeding a 30 MB attribute in small
     * chunks would cost quadratic time. */
    /* The buffers serve every part of the workbook in turn: each part
     * grows them no further than the largest before it. */
    buf_t *part = &wb->part;
    buf_reset(part);
    if (!wb->chunk)
        wb->chunk = xmalloc(CHUNK);
    char *chunk = wb->chunk;
    for (;;) {
        zip_int64_t n = zip_fread(zf, chunk, CHUNK);
        if (n < 0) {
            diag_add(wb->d, sheet, 0, 0, "%s: 壊れています（%s）", "%s: corrupt (%s)", name,
                     zip_file_strerror(zf));
            x.failed = true;
            break;
        }
        size_t k = (size_t)n;
        if (k == 0)
            break;
        if (buf_add(part, chunk, k) < 0) {
            diag_add(wb->d, sheet, 0, 0,
                     "%s: 展開後の大きさが上限（%u バイト）を超えます",
                     "%s: decompressed size exceeds the limit (%u bytes)", name,
                     LIMIT_XLSX_PART_BYTES);
            x.failed = true;
            break;
        }
        if (k > LIMIT_XLSX_TOTAL_BYTES - wb->total) {
            diag_add(wb->d, NULL, 0, 0,
                     "ブック全体の展開後の大きさが上限（%u バイト）を超えます",
                     "the workbook's decompressed size exceeds the limit (%u bytes)",
                     LIMIT_XLSX_TOTAL_BYTES);
            x.failed = true;
            break;
        }
        wb->total += k;
    }
    const unsigned char *u = (const unsigned char *)buf_str(part);
    bool utf16 = part->len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF));
    if (!x.failed && !utf16 && !utf8_valid(buf_str(part), part->len, NULL)) {
        diag_add(wb->d, sheet, 0, 0, "%s: UTF-8として正しくない文字があります",
                 "%s: invalid UTF-8", name);
        x.failed = true;
    }
    if (!x.failed && XML_Parse(p, buf_str(part), (int)part->len, 1) == XML_STATUS_ERROR &&
        !x.failed) {
        diag_add(wb->d, sheet, 0, 0, "%s: XMLとして読めません（%lu行目: %s）",
                 "%s: not well-formed XML (line %lu: %s)", name,
                 (unsigned long)XML_GetCurrentLineNumber(p),
                 XML_ErrorString(XML_GetErrorCode(p)));
        x.failed = true;
    }
    XML_ParserFree(p);
    zip_fclose(zf);
    return x.failed ? -1 : 0;
}

/* Report a problem in the current part and stop. */
#define XP_FAIL(x, row, col, ...)                                   \
    do {                                                            \
        diag_add((x)->wb->d, (x)->sheet, (row), (col), __VA_ARGS__); \
        xp_stop(x);                                                 \
    } while (0)

/* ---------------------------------------------------------------------- */
/* Relationships                                                            */

typedef struct rel {
    char *id, *type, *target;
    bool external;
} rel_t;

typedef struct rels {
    rel_t *v;
    size_t n, cap;
} rels_t;

static void rels_free(rels_t *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].id);
        free(r->v[i].type);
        free(r->v[i].target);
    }
    free(r->v);
    memset(r, 0, sizeof *r);
}

static void rels_start(xp_t *x, const char *name, const char **atts)
{
    rels_t *r = x->st;
    if (strcmp(name, "Relationship") != 0)
        return;
    if (r->n >= LIMIT_ZIP_ENTRIES) {
        XP_FAIL(x, 0, 0, "%s: 関係の数が多すぎます", "%s: too many relationships",
                x->part);
        return;
    }
    const char *id = attr(atts, "Id"), *type = attr(atts, "Type");
    const char *target = attr(atts, "Target"), *mode = attr(atts, "TargetMode");
    if (!id || !type || !target)
        return;
    r->v = xgrow(r->v, &r->cap, r->n + 1, sizeof *r->v);
    rel_t *e = &r->v[r->n++];
    e->id = xstrdup(id);
    e->type = xstrdup(type);
    e->target = xstrdup(target);
    e->external = mode && strcmp(mode, "External") == 0;
}

static const xp_ops_t rels_ops = { rels_start, NULL, NULL };

/* Does a relationship type end in "/suffix"? */
static bool type_is(const char *type, const char *suffix)
{
    size_t n = strlen(type), k = strlen(suffix);
    return n > k && type[n - k - 1] == '/' && strcmp(type + n - k, suffix) == 0;
}

static const rel_t *rels_by_type(const rels_t *r, const char *suffix)
{
    for (size_t i = 0; i < r->n; i++)
        if (!r->v[i].external && type_is(r->v[i].type, suffix))
            return &r->v[i];
    return NULL;
}

static const rel_t *rels_by_id(const rels_t *r, const char *id)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->v[i].id, id) == 0)
            return &r->v[i];
    return NULL;
}

/* Resolve a relationship target against the folder of its source part
 * (dir is "" or ends in '/'): absolute targets start at the package root,
 * "." and ".." segments are folded.  Returns a fresh part name without a
 * leading '/', or NULL when the target leaves the package. */
static char *resolve_target(const char *dir, const char *target)
{
    char *joined = target[0] == '/' ? xstrdup(target + 1) : xasprintf("%s%s", dir, target);
    size_t n = strlen(joined);
    char *out = xmalloc(n + 1);
    size_t o = 0;
    const char *p = joined;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (len == 0 || (len == 1 && p[0] == '.')) {
            /* skip */
        } else if (len == 2 && p[0] == '.' && p[1] == '.') {
            if (o == 0) {
                free(joined);
                free(out);
                return NULL;
            }
            o--; /* drop the previous segment and its slash */
            while (o > 0 && out[o - 1] != '/')
                o--;
        } else {
            memcpy(out + o, p, len);
            o += len;
            if (slash)
                out[o++] = '/';
        }
        p += len + (slash ? 1 : 0);
    }
    out[o] = '\0';
    free(joined);
    if (o == 0 || out[o - 1] == '/') {
        free(out);
        return NULL;
    }
    return out;
}

/* The folder of a part name, with its trailing slash ("xl/" or ""). */
static char *part_dir(const char *part)
{
    const char *slash = strrchr(part, '/');
    return slash ? xstrndup(part, (size_t)(slash - part + 1)) : xstrdup("");
}

/* ---------------------------------------------------------------------- */
/* Workbook                                                                 */

typedef struct wbx {
    wsheet_t *v;
    size_t n, cap;
    bool in_sheets;
} wbx_t;

static void wbx_free(wbx_t *w)
{
    for (size_t i = 0; i < w->n; i++) {
        free(w->v[i].name);
        free(w->v[i].rid);
    }
    free(w->v);
    memset(w, 0, sizeof *w);
}

static void workbook_start(xp_t *x, const char *name, const char **atts)
{
    wbx_t *w = x->st;
    if (strcmp(name, "workbookPr") == 0) {
        const char *v = attr(atts, "date1904");
        x->wb->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
    } else if (strcmp(name, "sheets") == 0) {
        w->in_sheets = true;
    } else if (w->in_sheets && strcmp(name, "sheet") == 0) {
        const char *nm = attr(atts, "name"), *rid = attr(atts, "id");
        const char *state = attr(atts, "state");
        if (!nm || !rid || !*nm) {
            XP_FAIL(x, 0, 0, "%s: シートの名前か参照がありません",
                    "%s: a sheet without a name or reference", x->part);
            return;
        }
        if (w->n >= LIMIT_SHEETS) {
            XP_FAIL(x, 0, 0, "シートが多すぎます（上限 %d）", "too many sheets (limit %d)",
                    LIMIT_SHEETS);
            return;
        }
        if (strlen(nm) > 1024 || strlen(rid) > 1024) {
            XP_FAIL(x, 0, 0, "%s: シート名が長すぎます", "%s: sheet name too long", x->part);
            return;
        }
        w->v = xgrow(w->v, &w->cap, w->n + 1, sizeof *w->v);
        wsheet_t *s = &w->v[w->n++];
        s->name = xstrdup(nm);
        s->rid = xstrdup(rid);
        s->hidden = state && strcmp(state, "visible") != 0;
    }
}

static void workbook_end(xp_t *x, const char *name)
{
    wbx_t *w = x->st;
    if (strcmp(name, "sheets") == 0)
        w->in_sheets = false;
}

static const xp_ops_t workbook_ops = { workbook_start, workbook_end, NULL };

/* ---------------------------------------------------------------------- */
/* Shared strings                                                           */

typedef struct sstx {
    bool in_si, collect;
    int rph;          /* depth inside <rPh> (furigana): skipped */
    buf_t text;
} sstx_t;

static void sst_start(xp_t *x, const char *name, const char **atts)
{
    (void)atts;
    sstx_t *s = x->st;
    if (strcmp(name, "si") == 0) {
        s->in_si = true;
        s->rph = 0;
        buf_reset(&s->text);
    } else if (!s->in_si) {
        return;
    } else if (strcmp(name, "rPh") == 0) {
        s->rph++;
    } else if (strcmp(name, "t") == 0 && s->rph == 0) {
        s->collect = true;
    }
}

static void sst_end(xp_t *x, const char *name)
{
    sstx_t *s = x->st;
    wb_t *wb = x->wb;
    if (strcmp(name, "t") == 0) {
        s->collect = false;
    } else if (strcmp(name, "rPh") == 0) {
        if (s->rph > 0)
            s->rph--;
    } else if (strcmp(name, "si") == 0 && s->in_si) {
        s->in_si = false;
        if (wb->nsst >= LIMIT_SHARED_STRINGS) {
            XP_FAIL(x, 0, 0, "%s: 共有文字列が多すぎます（上限 %d）",
                    "%s: too many shared strings (limit %d)", x->part, LIMIT_SHARED_STRINGS);
            return;
        }
        wb->sst = xgrow(wb->sst, &wb->sst_cap, wb->nsst + 1, sizeof *wb->sst);
        sstr_t *e = &wb->sst[wb->nsst++];
        e->s = decode_x(buf_str(&s->text), s->text.len, &e->len);
        /* Checked here once rather than in every cell that uses it. */
        if (!utf8_valid(e->s, e->len, NULL)) {
            free(e->s);
            e->s = NULL;
        }
    }
}

static void sst_text(xp_t *x, const char *t, size_t n)
{
    sstx_t *s = x->st;
    if (s->collect && buf_add(&s->text, t, n) < 0)
        XP_FAIL(x, 0, 0, "%s: %zu番目の共有文字列が長すぎます（上限 %u バイト）",
                "%s: shared string %zu too long (limit %u bytes)", x->part,
                x->wb->nsst + 1, LIMIT_CELL_BYTES);
}

static const xp_ops_t sst_ops = { sst_start, sst_end, sst_text };

/* ---------------------------------------------------------------------- */
/* Styles: which cell formats show dates                                    */

typedef struct stx {
    bool in_xfs, in_fmts;
} stx_t;

static void styles_start(xp_t *x, const char *name, const char **atts)
{
    stx_t *s = x->st;
    wb_t *wb = x->wb;
    long id = 0;
    if (strcmp(name, "numFmts") == 0) {
        s->in_fmts = true;
    } else if (strcmp(name, "cellXfs") == 0) {
        s->in_xfs = true;
    } else if (s->in_fmts && strcmp(name, "numFmt") == 0) {
        const char *code = attr(atts, "formatCode");
        if (parse_long(attr(atts, "numFmtId"), 0, 1000000, &id) < 0 || !code)
            return;
        wb->fmts = xgrow(wb->fmts, &wb->fmts_cap, wb->nfmts + 1, sizeof *wb->fmts);
        wb->fmts[wb->nfmts].id = (int)id;
        wb->fmts[wb->nfmts++].is_date = code_is_date(code);
    } else if (s->in_xfs && strcmp(name, "xf") == 0) {
        if (parse_long(attr(atts, "numFmtId"), 0, 1000000, &id) < 0)
            id = 0;
        wb->xf_fmt = xgrow(wb->xf_fmt, &wb->xf_cap, wb->nxf + 1, sizeof *wb->xf_fmt);
        wb->xf_fmt[wb->nxf++] = (int)id;
    }
}

static void styles_end(xp_t *x, const char *name)
{
    stx_t *s = x->st;
    if (strcmp(name, "numFmts") == 0)
        s->in_fmts = false;
    else if (strcmp(name, "cellXfs") == 0)
        s->in_xfs = false;
}

static const xp_ops_t styles_ops = { styles_start, styles_end, NULL };

/* ---------------------------------------------------------------------- */
/* Worksheets                                                               */

typedef struct cent {
    uint32_t row, col, seq;
    char *v;
} cent_t;

typedef struct mrange {
    long r1, c1, r2, c2;
} mrange_t;

/* A cell's t attribute. */
typedef enum ctype {
    CT_NUMBER, /* absent, "n" or unknown: a number */
    CT_SHARED, /* "s" */
    CT_INLINE, /* "inlineStr" */
    CT_STR,    /* "str" (a formula's text) or "e" (an error) */
    CT_BOOL,   /* "b" */
    CT_DATE,   /* "d" */
} ctype_t;

static ctype_t ctype_of(const char *t)
{
    if (!t)
        return CT_NUMBER;
    if (strcmp(t, "s") == 0)
        return CT_SHARED;
    if (strcmp(t, "inlineStr") == 0)
        return CT_INLINE;
    if (strcmp(t, "str") == 0 || strcmp(t, "e") == 0)
        return CT_STR;
    if (strcmp(t, "b") == 0)
        return CT_BOOL;
    if (strcmp(t, "d") == 0)
        return CT_DATE;
    return CT_NUMBER;
}

typedef struct shx {
    cent_t *v;
    size_t n, cap;
    uint32_t seq;
    mrange_t *m;
    size_t nm, mcap;
    bool in_data;
    long row;          /* 0-based current row, -1 before the first */
    long next_col;     /* 0-based column of a following cell without r */
    bool in_cell;
    long crow, ccol;   /* the current cell */
    ctype_t ctype;     /* its t attribute */
    long cstyle;       /* its s attribute, -1 when absent */
    int in_is, rph;    /* inside <is>; depth inside <rPh> */
    int collect;       /* 0, 'v' (into vtext) or 't' (into itext) */
    buf_t vtext, itext;
} shx_t;

static void shx_free(shx_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i].v);
    free(s->v);
    free(s->m);
    buf_free(&s->vtext);
    buf_free(&s->itext);
}

/* Place a value of len bytes (taking ownership).  Returns 0, or -1 past
 * the caps. */
static int shx_put(xp_t *x, shx_t *s, long row, long col, char *v, size_t len)
{
    wb_t *wb = x->wb;
    if (wb->cells_total >= (size_t)LIMIT_ROWS * LIMIT_COLS ||
        len > LIMIT_XLSX_TOTAL_BYTES - wb->text_total) {
        free(v);
        diag_add(wb->d, x->sheet, 0, 0,
                 "セルの数か文字の量が多すぎます（上限 %d セル、%u バイト）",
                 "too many cells or too much text (limits %d cells, %u bytes)",
                 LIMIT_ROWS * LIMIT_COLS, LIMIT_XLSX_TOTAL_BYTES);
        xp_stop(x);
        return -1;
    }
    wb->cells_total++;
    wb->text_total += len;
    s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof *s->v);
    s->v[s->n++] = (cent_t){ (uint32_t)row, (uint32_t)col, s->seq++, v };
    return 0;
}

/* The r, t and s attributes of a cell (the first of each, as attr finds
 * them), in one pass over the attributes: there are many cells. */
static void cell_attrs(const char **atts, const char **r, const char **t, const char **st)
{
    *r = *t = *st = NULL;
    for (size_t i = 0; atts[i]; i += 2) {
        const char *n = lname(atts[i]);
        if (n[0] == '\0' || n[1] != '\0')
            continue;
        const char **slot = n[0] == 'r' ? r : n[0] == 't' ? t : n[0] == 's' ? st : NULL;
        if (slot && !*slot)
            *slot = atts[i + 1];
    }
}

static void sheet_start(xp_t *x, const char *name, const char **atts)
{
    shx_t *s = x->st;
    if (s->in_cell) {
        if (strcmp(name, "v") == 0 && !s->in_is) {
            s->collect = 'v';
        } else if (strcmp(name, "is") == 0) {
            s->in_is++;
        } else if (s->in_is && strcmp(name, "rPh") == 0) {
            s->rph++;
        } else if (s->in_is && s->rph == 0 && strcmp(name, "t") == 0) {
            s->collect = 't';
        }
        return;
    }
    if (strcmp(name, "sheetData") == 0) {
        s->in_data = true;
    } else if (s->in_data && strcmp(name, "row") == 0) {
        const char *r = attr(atts, "r");
        long v;
        if (r) {
            if (parse_long(r, 1, XL_MAX_ROWS, &v) < 0) {
                XP_FAIL(x, 0, 0, "行番号「%.40s」が不正です", "invalid row number '%.40s'", r);
                return;
            }
            s->row = v - 1;
        } else {
            if (s->row + 1 >= XL_MAX_ROWS) {
                XP_FAIL(x, 0, 0, "行が多すぎます", "too many rows");
                return;
            }
            s->row++;
        }
        s->next_col = 0;
    } else if (s->in_data && strcmp(name, "c") == 0) {
        const char *r, *t, *st;
        cell_attrs(atts, &r, &t, &st);
        if (r) {
            if (parse_a1(r, &s->crow, &s->ccol) < 0) {
                XP_FAIL(x, 0, 0, "セル位置「%.40s」が不正です",
                        "invalid cell reference '%.40s'", r);
                return;
            }
        } else {
            if (s->next_col >= XL_MAX_COLS) {
                XP_FAIL(x, s->row + 1, 0, "列が多すぎます", "too many columns");
                return;
            }
            s->crow = s->row < 0 ? 0 : s->row;
            s->ccol = s->next_col;
        }
        s->next_col = s->ccol + 1;
        s->ctype = ctype_of(t);
        long sv;
        s->cstyle = st && parse_long(st, 0, 1000000, &sv) == 0 ? sv : -1;
        s->in_cell = true;
        s->in_is = s->rph = s->collect = 0;
        buf_reset(&s->vtext);
        buf_reset(&s->itext);
    } else if (strcmp(name, "mergeCell") == 0) {
        const char *ref = attr(atts, "ref");
        char a[24], b[24];
        const char *colon = ref ? strchr(ref, ':') : NULL;
        if (!ref || !colon || (size_t)(colon - ref) >= sizeof a || strlen(colon + 1) >= sizeof b)
            return; /* a one-cell merge or junk: nothing to fill */
        memcpy(a, ref, (size_t)(colon - ref));
        a[colon - ref] = '\0';
        snprintf(b, sizeof b, "%s", colon + 1);
        mrange_t m;
        if (parse_a1(a, &m.r1, &m.c1) < 0 || parse_a1(b, &m.r2, &m.c2) < 0) {
            XP_FAIL(x, 0, 0, "結合セル範囲「%.40s」が不正です", "invalid merged range '%.40s'",
                    ref);
            return;
        }
        if (m.r1 > m.r2) {
            long t2 = m.r1;
            m.r1 = m.r2;
            m.r2 = t2;
        }
        if (m.c1 > m.c2) {
            long t2 = m.c1;
            m.c1 = m.c2;
            m.c2 = t2;
        }
        s->m = xgrow(s->m, &s->mcap, s->nm + 1, sizeof *s->m);
        s->m[s->nm++] = m;
    }
}

/* A "d" cell (ISO 8601) as text: the date of a midnight date-time, else
 * as written. */
static char *date_text(const char *v, size_t n)
{
    char iso[11];
    if (n >= 10) {
        memcpy(iso, v, 10);
        iso[10] = '\0';
        const char *rest = v + 10;
        if (date_valid_iso(iso) &&
            (!*rest || strcmp(rest, "T00:00:00") == 0 || strcmp(rest, "T00:00:00Z") == 0 ||
             strcmp(rest, "T00:00:00.000") == 0))
            return xstrdup(iso);
    }
    return xstrdup(v);
}

/* A fresh copy of the n bytes at v. */
static char *copy_n(const char *v, size_t n)
{
    char *out = xmalloc(n + 1);
    memcpy(out, v, n);
    out[n] = '\0';
    return out;
}

/* The text of the finished cell, as a fresh string ("" when empty), its
 * length in *len and in *checked whether it is known to be valid UTF-8
 * already; or NULL after reporting a problem. */
static char *cell_value(xp_t *x, shx_t *s, size_t *len, bool *checked)
{
    wb_t *wb = x->wb;
    const char *v = buf_str(&s->vtext);
    char *out;
    *checked = false;
    if (s->ctype == CT_SHARED) {
        long i;
        *len = 0;
        if (s->vtext.len == 0)
            return xstrdup("");
        if (parse_long(v, 0, LONG_MAX / 2, &i) < 0 || (size_t)i >= wb->nsst) {
            XP_FAIL(x, s->crow + 1, (int)s->ccol + 1,
                    "共有文字列の番号「%.20s」が範囲外です（%zu 個）",
                    "shared string index '%.20s' out of range (%zu strings)", v, wb->nsst);
            return NULL;
        }
        const sstr_t *e = &wb->sst[i];
        if (!e->s) {
            XP_FAIL(x, s->crow + 1, (int)s->ccol + 1, "UTF-8として正しくない文字があります",
                    "invalid UTF-8");
            return NULL;
        }
        *len = e->len;
        *checked = true;
        return copy_n(e->s, e->len);
    }
    if (s->ctype == CT_INLINE || (s->itext.len && !s->vtext.len))
        return decode_x(buf_str(&s->itext), s->itext.len, len);
    if (s->ctype == CT_STR)
        return decode_x(v, s->vtext.len, len);
    if (s->ctype == CT_BOOL)
        out = xstrdup(strcmp(v, "1") == 0 ? "TRUE" : strcmp(v, "0") == 0 ? "FALSE" : v);
    else if (s->ctype == CT_DATE)
        out = date_text(v, s->vtext.len);
    else
        out = number_text(v, style_is_date(wb, s->cstyle), wb->date1904);
    *len = strlen(out);
    return out;
}

static void sheet_end(xp_t *x, const char *name)
{
    shx_t *s = x->st;
    if (!s->in_cell) {
        if (strcmp(name, "sheetData") == 0)
            s->in_data = false;
        return;
    }
    if (strcmp(name, "v") == 0 || strcmp(name, "t") == 0) {
        s->collect = 0;
    } else if (strcmp(name, "rPh") == 0) {
        if (s->rph > 0)
            s->rph--;
    } else if (strcmp(name, "is") == 0) {
        if (s->in_is > 0)
            s->in_is--;
    } else if (strcmp(name, "c") == 0) {
        s->in_cell = false;
        size_t len;
        bool checked;
        char *v = cell_value(x, s, &len, &checked);
        if (!v)
            return;
        if (!*v) {
            free(v);
            return;
        }
        if (!checked && !utf8_valid(v, len, NULL)) {
            free(v);
            XP_FAIL(x, s->crow + 1, (int)s->ccol + 1, "UTF-8として正しくない文字があります",
                    "invalid UTF-8");
            return;
        }
        if (s->crow >= LIMIT_ROWS) {
            free(v);
            XP_FAIL(x, s->crow + 1, (int)s->ccol + 1, "行が多すぎます（上限 %d 行）",
                    "too many rows (limit %d)", LIMIT_ROWS);
            return;
        }
        if (s->ccol >= LIMIT_COLS) {
            free(v);
            XP_FAIL(x, s->crow + 1, (int)s->ccol + 1, "列が多すぎます（上限 %d 列）",
                    "too many columns (limit %d)", LIMIT_COLS);
            return;
        }
        shx_put(x, s, s->crow, s->ccol, v, len);
    }
}

static void sheet_text(xp_t *x, const char *t, size_t n)
{
    shx_t *s = x->st;
    if (!s->collect)
        return;
    buf_t *b = s->collect == 'v' ? &s->vtext : &s->itext;
    if (buf_add(b, t, n) < 0)
        XP_FAIL(x, s->crow + 1, (int)s->ccol + 1, "セルの内容が長すぎます（上限 %u バイト）",
                "cell too long (limit %u bytes)", LIMIT_CELL_BYTES);
}

static const xp_ops_t sheet_ops = { sheet_start, sheet_end, sheet_text };

static int cent_cmp(const void *a, const void *b)
{
    const cent_t *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sort the cells and keep the last value written to each position. */
static void shx_settle(shx_t *s)
{
    if (s->n == 0)
        return;
    /* Sheets list their cells in order as a rule: then there is nothing to
     * sort (qsort is glibc's merge sort, with a copy of the array). */
    size_t i = 1;
    while (i < s->n && cent_cmp(&s->v[i - 1], &s->v[i]) < 0)
        i++;
    if (i < s->n)
        qsort(s->v, s->n, sizeof *s->v, cent_cmp);
    size_t w = 0;
    for (i = 0; i < s->n; i++) {
        if (w > 0 && s->v[w - 1].row == s->v[i].row && s->v[w - 1].col == s->v[i].col) {
            free(s->v[w - 1].v);
            s->v[w - 1] = s->v[i];
        } else {
            s->v[w++] = s->v[i];
        }
    }
    s->n = w;
}

/* The cell at (row, col) among the first n cells, which are settled. */
static const cent_t *shx_find(const shx_t *s, size_t n, long row, long col)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const cent_t *c = &s->v[mid];
        if ((long)c->row == row && (long)c->col == col)
            return c;
        if ((long)c->row < row || ((long)c->row == row && (long)c->col < col))
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Fill every merged range from its top-left cell (the only one Excel
 * shows), so a category label merged down its items reads on each row.
 * Ranges are clipped to the row and column limits. */
static int shx_fill_merges(xp_t *x, shx_t *s)
{
    if (s->nm == 0)
        return 0;
    shx_settle(s);
    size_t n0 = s->n;
    for (size_t i = 0; i < s->nm; i++) {
        const mrange_t *m = &s->m[i];
        const cent_t *tl = shx_find(s, n0, m->r1, m->c1);
        if (!tl)
            continue;
        char *val = xstrdup(tl->v);
        size_t len = strlen(val);
        long r2 = m->r2 < LIMIT_ROWS - 1 ? m->r2 : LIMIT_ROWS - 1;
        long c2 = m->c2 < LIMIT_COLS - 1 ? m->c2 : LIMIT_COLS - 1;
        for (long r = m->r1; r <= r2; r++) {
            for (long c = m->c1; c <= c2; c++) {
                if (r == m->r1 && c == m->c1)
                    continue;
                if (shx_put(x, s, r, c, copy_n(val, len), len) < 0) {
                    free(val);
                    return -1;
                }
            }
        }
        free(val);
    }
    return 0;
}

/* Turn the placed cells into a table named name. */
static table_t *shx_table(shx_t *s, const char *name)
{
    shx_settle(s);
    table_t *t = table_new(name);
    table_row_t *r = NULL;
    for (size_t i = 0; i < s->n; i++) {
        cent_t *c = &s->v[i];
        if (!r || r->line != (long)c->row + 1)
            r = table_add_row(t, (long)c->row + 1);
        table_row_set(r, c->col, c->v);
        c->v = NULL;
    }
    return t;
}

/* ---------------------------------------------------------------------- */
/* The whole workbook                                                       */

static void wb_free(wb_t *wb)
{
    for (size_t i = 0; i < wb->nsst; i++)
        free(wb->sst[i].s);
    free(wb->sst);
    free(wb->xf_fmt);
    free(wb->fmts);
    buf_free(&wb->part);
    free(wb->chunk);
    if (wb->za)
        zip_discard(wb->za);
}

/* Open the zip held in memory.  Returns 0 or -1 with a problem reported. */
static int wb_open(wb_t *wb, const char *data, size_t len)
{
    static const unsigned char cfb[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };
    if (len >= 8 && memcmp(data, cfb, 8) == 0) {
        diag_add(wb->d, NULL, 0, 0,
                 "XLSX形式ではありません（パスワード付きのブックか、古い.xls形式です。"
                 "パスワードを外してXLSX形式で保存し直してください）",
                 "not an XLSX file (a password-protected workbook or the old .xls format; "
                 "save it again as XLSX without a password)");
        return -1;
    }
    /* A zip starts with a local header; libzip would take an empty buffer
     * for an empty archive. */
    if (len < 22 || memcmp(data, "PK\x03\x04", 4) != 0) {
        diag_add(wb->d, NULL, 0, 0, "XLSX（ZIP）形式ではありません",
                 "not an XLSX (zip) file");
        return -1;
    }
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    if (!src)
        abort(); /* out of memory */
    wb->za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (!wb->za) {
        int code = zip_error_code_zip(&ze);
        if (code == ZIP_ER_NOZIP)
            diag_add(wb->d, NULL, 0, 0,
                     "XLSX（ZIP）形式ではないか、ファイルが途中で切れています",
                     "not an XLSX (zip) file, or the file is truncated");
        else
            diag_add(wb->d, NULL, 0, 0, "XLSX（ZIP）として壊れています（%s）",
                     "corrupt XLSX (zip) file (%s)", zip_error_strerror(&ze));
        zip_source_free(src);
        zip_error_fini(&ze);
        return -1;
    }
    zip_error_fini(&ze);
    zip_int64_t n = zip_get_num_entries(wb->za, 0);
    if (n > LIMIT_ZIP_ENTRIES) {
        diag_add(wb->d, NULL, 0, 0, "ZIPの項目が多すぎます（%lld 個、上限 %d）",
                 "too many zip entries (%lld, limit %d)", (long long)n, LIMIT_ZIP_ENTRIES);
        return -1;
    }
    return 0;
}

/* Read the rels part of a source part into r.  Returns 0, 1 (absent), -1. */
static int read_rels(wb_t *wb, const char *source, rels_t *r)
{
    char *dir = part_dir(source);
    const char *base = source + strlen(dir);
    char *name = xasprintf("%s_rels/%s.rels", dir, base);
    int rc = xp_parse(wb, name, NULL, &rels_ops, r);
    free(name);
    free(dir);
    return rc;
}

static int missing_part(wb_t *wb, const char *name)
{
    diag_add(wb->d, NULL, 0, 0, "ブックに %s がありません（XLSXとして不完全です）",
             "%s is missing (not a complete XLSX workbook)", name);
    return -1;
}

/* Read every worksheet into ts (visible flags into *hidden, one per table,
 * when asked).  Returns 0 or -1 with problems in d; on failure ts is left
 * as it was. */
static int read_workbook(const char *data, size_t len, tables_t *out, bool **hidden,
                         diag_t *d)
{
    wb_t wb = { .d = d, .part = BUF_INIT(LIMIT_XLSX_PART_BYTES) };
    rels_t root = { 0 }, wrels = { 0 };
    wbx_t sheets = { 0 };
    tables_t ts = { 0 };
    bool *hid = NULL;
    size_t hid_cap = 0;
    char *wbpath = NULL, *dir = NULL;
    int rc = -1;

    if (wb_open(&wb, data, len) < 0)
        goto done;

    /* _rels/.rels names the workbook part. */
    int r = read_rels(&wb, "", &root);
    if (r < 0)
        goto done;
    const rel_t *office = rels_by_type(&root, "officeDocument");
    wbpath = office ? resolve_target("", office->target) : xstrdup("xl/workbook.xml");
    if (!wbpath) {
        diag_add(d, NULL, 0, 0, "ブックの場所「%s」が不正です", "invalid workbook target '%s'",
                 office->target);
        goto done;
    }
    wbx_t *w = &sheets;
    r = xp_parse(&wb, wbpath, NULL, &workbook_ops, w);
    if (r != 0) {
        if (r > 0)
            missing_part(&wb, wbpath);
        goto done;
    }
    dir = part_dir(wbpath);
    r = read_rels(&wb, wbpath, &wrels);
    if (r != 0) {
        if (r > 0) {
            char *name = xasprintf("%s_rels/%s.rels", dir, wbpath + strlen(dir));
            missing_part(&wb, name);
            free(name);
        }
        goto done;
    }

    /* Styles and shared strings, where the rels say (or where Excel puts them). */
    const rel_t *rs = rels_by_type(&wrels, "styles");
    char *spath = rs ? resolve_target(dir, rs->target) : xasprintf("%sstyles.xml", dir);
    if (spath) {
        stx_t stx = { false, false };
        r = xp_parse(&wb, spath, NULL, &styles_ops, &stx);
        free(spath);
        if (r < 0)
            goto done;
        styles_settle(&wb);
    }
    const rel_t *rss = rels_by_type(&wrels, "sharedStrings");
    char *sspath = rss ? resolve_target(dir, rss->target) : xasprintf("%ssharedStrings.xml", dir);
    if (sspath) {
        sstx_t sx = { .text = BUF_INIT(LIMIT_CELL_BYTES) };
        r = xp_parse(&wb, sspath, NULL, &sst_ops, &sx);
        buf_free(&sx.text);
        free(sspath);
        if (r < 0)
            goto done;
        wb.have_sst = r == 0;
    }

    for (size_t i = 0; i < sheets.n; i++) {
        const wsheet_t *ws = &sheets.v[i];
        const rel_t *rel = rels_by_id(&wrels, ws->rid);
        if (!rel) {
            diag_add(d, ws->name, 0, 0, "シートの参照「%s」が見つかりません",
                     "sheet reference '%s' not found", ws->rid);
            goto done;
        }
        if (!type_is(rel->type, "worksheet"))
            continue; /* chart sheets, dialog sheets, macro sheets */
        char *path = rel->external ? NULL : resolve_target(dir, rel->target);
        if (!path) {
            diag_add(d, ws->name, 0, 0, "シートの場所「%s」が不正です",
                     "invalid sheet target '%s'", rel->target);
            goto done;
        }
        shx_t sx = { .row = -1, .vtext = BUF_INIT(LIMIT_CELL_BYTES),
                     .itext = BUF_INIT(LIMIT_CELL_BYTES) };
        r = xp_parse(&wb, path, ws->name, &sheet_ops, &sx);
        if (r > 0)
            missing_part(&wb, path);
        free(path);
        if (r == 0) {
            xp_t fx = { .wb = &wb, .sheet = ws->name, .part = "" };
            if (shx_fill_merges(&fx, &sx) < 0)
                r = -1;
        }
        if (r != 0) {
            shx_free(&sx);
            goto done;
        }
        tables_add(&ts, shx_table(&sx, ws->name));
        hid = xgrow(hid, &hid_cap, ts.n, sizeof *hid);
        hid[ts.n - 1] = ws->hidden;
        shx_free(&sx);
    }
    rc = 0;

done:
    if (rc == 0) {
        for (size_t i = 0; i < ts.n; i++)
            tables_add(out, ts.v[i]);
        free(ts.v);
        if (hidden)
            *hidden = hid;
        else
            free(hid);
    } else {
        tables_free(&ts);
        free(hid);
    }
    free(wbpath);
    free(dir);
    rels_free(&root);
    rels_free(&wrels);
    wbx_free(&sheets);
    wb_free(&wb);
    return rc;
}

int xlsx_read_tables(const char *data, size_t len, tables_t *out, diag_t *d)
{
    return read_workbook(data, len, out, NULL, d);
}

/* ---------------------------------------------------------------------- */
/* Checklists                                                               */

/* If s starts with label followed by a colon ("：" or ":"), the rest,
 * trimmed, as a fresh string; else NULL. */
static char *after_label(const char *s, const char *label)
{
    char *q = utf8_squeeze(s);
    char *out = NULL;
    size_t n = strlen(label);
    if (strncmp(q, label, n) == 0) {
        const char *rest = q + n;
        if (strncmp(rest, "：", strlen("：")) == 0)
            out = xstrdup(rest + strlen("："));
        else if (rest[0] == ':')
            out = xstrdup(rest + 1);
    }
    free(q);
    return out;
}

/* Look in the title block (the rows above the header) for a cell that
 * starts with label and a colon; the first value found, or NULL. */
static char *title_value(const table_t *t, const sheet_map_t *m, const char *label,
                         long *row, int *col)
{
    for (long i = 0; i < m->header_row && (size_t)i < t->nrows; i++) {
        const table_row_t *r = &t->rows[i];
        for (size_t k = 0; k < r->ncells; k++) {
            if (!r->cells[k])
                continue;
            char *v = after_label(r->cells[k], label);
            if (v) {
                *row = r->line;
                *col = (int)k + 1;
                return v;
            }
        }
    }
    return NULL;
}

answerset_t *xlsx_read_answers(const char *data, size_t len, const catalog_t *cat,
                               int default_side, diag_t *d)
{
    tables_t ts = { 0 };
    bool *hidden = NULL;
    if (read_workbook(data, len, &ts, &hidden, d) < 0)
        return NULL;
    answerset_t *set = answerset_new(cat->id);
    size_t found = 0, before = d->n + d->dropped;
    for (size_t i = 0; i < ts.n; i++) {
        const table_t *t = ts.v[i];
        sheet_map_t m;
        if (hidden[i] || sheet_map_find(t, &m) < 0)
            continue;
        found++;
        int side = default_side;
        long row;
        int col;
        char *who = title_value(t, &m, XLSX_LABEL_SIDE, &row, &col);
        if (who) {
            side_t s;
            if (side_parse(who, &s) == 0)
                side = (int)s;
            else
                diag_add(d, t->name, row, col, "回答者「%s」が不明です（API接続先 か 銀行）",
                         "unknown answering side '%s' (API接続先 or 銀行)", who);
            free(who);
        }
        char *id = title_value(t, &m, XLSX_LABEL_CATALOG_ID, &row, &col);
        if (id) {
            if (cat->id && strcmp(id, cat->id) != 0)
                diag_add(d, t->name, row, col,
                         "別のチェックリスト（%s）への回答です（期待: %s）",
                         "answers to another checklist (%s; expected %s)", id, cat->id);
            free(id);
        }
        sheet_read_answers(t, cat, side, set, d);
    }
    if (!found)
        diag_add(d, NULL, 0, 0,
                 "チェックリストのシートがありません（通番・セキュリティ対応目標の見出し行が必要です）",
                 "no checklist sheet (a header row with 通番 and セキュリティ対応目標 is needed)");
    free(hidden);
    tables_free(&ts);
    if (d->n + d->dropped != before) {
        answerset_free(set);
        return NULL;
    }
    return set;
}

catalog_t *xlsx_read_catalog(const char *data, size_t len, diag_t *d)
{
    tables_t ts = { 0 };
    bool *hidden = NULL;
    if (read_workbook(data, len, &ts, &hidden, d) < 0)
        return NULL;
    catalog_t *c = NULL;
    size_t i;
    sheet_map_t m;
    for (i = 0; i < ts.n; i++)
        if (!hidden[i] && sheet_map_find(ts.v[i], &m) == 0)
            break;
    if (i == ts.n) {
        diag_add(d, NULL, 0, 0,
                 "チェックリストのシートがありません（通番・セキュリティ対応目標の見出し行が必要です）",
                 "no checklist sheet (a header row with 通番 and セキュリティ対応目標 is needed)");
    } else {
        const table_t *t = ts.v[i];
        c = sheet_read_catalog(t, d);
        if (c) {
            /* The title block: title, 和暦 date, publisher, catalog id. */
            long row;
            int col;
            c->id = title_value(t, &m, XLSX_LABEL_CATALOG_ID, &row, &col);
            for (long k = 0; k < m.header_row && (size_t)k < t->nrows; k++) {
                const table_row_t *r = &t->rows[k];
                for (size_t j = 0; j < r->ncells; j++) {
                    const char *v = r->cells[j];
                    char iso[11];
                    if (!v || !*v || strchr(v, ':') || strstr(v, "："))
                        continue;
                    if (wareki_to_iso(v, iso) == 0) {
                        if (!c->date)
                            c->date = xstrdup(iso);
                    } else if (!c->title) {
                        c->title = utf8_trim(v);
                    } else if (!c->publisher) {
                        c->publisher = utf8_trim(v);
                    }
                    break; /* one cell per title row */
                }
            }
        }
    }
    free(hidden);
    tables_free(&ts);
    return c;
}
