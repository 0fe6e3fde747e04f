/*
 * reference — parsing and formatting of the 関連規定 / 関連規定箇所 cells.
 *
 * Parsing works in four steps:
 *   1. both cells are checked (UTF-8, size) and normalized: full-width ASCII
 *      (Ａ, ３, ，) becomes ASCII and every white-space character a plain
 *      space, so the later steps deal with one spelling only;
 *   2. each cell is split into groups at runs of three or more '-' (the
 *      seed's "-----"); source group i pairs with places group i;
 *   3. a FISC places group has its spaces removed and is read as clauses
 *      (統4, 実14-1) separated by "、" or ",";
 *   4. a report places group is cut at every section number (3.3.1) that
 *      does not follow a digit or a dot, which undoes two sections written
 *      in one cell with no separator; in each piece the point letters are
 *      taken from the end (a single a–z standing at the end or after a space
 *      or "、"), and what remains, without spaces, is the title.
 * Problems are collected in the caller's diag; nothing is appended to the
 * item unless the whole of both cells parsed.
 */
#include "core/reference.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/utf8.h"
#include "util/xmem.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define IDEO_COMMA "\xe3\x80\x81" /* 、 U+3001 */

/* Sections of the 銀行API報告書 chapter 3.  3.3.1–3.3.4, 3.4.2, 3.4.4 and
 * 3.4.5 are cited (with these titles) by the 2018-08-02 checklist; 3.4.1 and
 * 3.4.3 come from secondary sources (research/domain.md). */
static const struct {
    const char *section;
    const char *title;
} section_titles[] = {
    { "3.3.1", "API接続先の適格性" },
    { "3.3.2", "外部からの不正アクセス対策" },
    { "3.3.3", "内部からの不正アクセス対策" },
    { "3.3.4", "不正アクセス発生時の対応" },
    { "3.4.1", "API接続先の適格性" },
    { "3.4.2", "説明・表示、同意取得" },
    { "3.4.3", "不正アクセスの未然防止" },
    { "3.4.4", "被害発生・拡大の未然防止" },
    { "3.4.5", "利用者に対する責任・補償" },
};

const char *reference_section_title(const char *section)
{
    if (!section)
        return NULL;
    for (size_t i = 0; i < sizeof section_titles / sizeof section_titles[0]; i++)
        if (strcmp(section, section_titles[i].section) == 0)
            return section_titles[i].title;
    return NULL;
}

/* ---- parsing state ---------------------------------------------------- */

typedef struct rctx {
    diag_t *d;
    const char *sheet;
    long row;
    int col;        /* column of the sources cell */
    int errors;
    item_t tmp;     /* references parsed so far (moved to the item on success) */
} rctx_t;

/* Report a problem in the sources cell (which = 0) or the places cell (1). */
#define RERR(cx, which, ja, en, ...)                                            \
    do {                                                                        \
        (cx)->errors++;                                                         \
        diag_add((cx)->d, (cx)->sheet, (cx)->row, (cx)->col + (which), ja, en,  \
                 __VA_ARGS__);                                                  \
    } while (0)

static void tmp_clear(item_t *t)
{
    item_clear_refs(t);
}

static bool add_ref(rctx_t *cx, const char *source, const char *clause, const char *title,
                    const char *point)
{
    if (cx->tmp.nrefs >= LIMIT_REFS_PER_ITEM) {
        RERR(cx, 1, "参照が多すぎます(1項目あたり最大%d件)",
             "too many references (at most %d per item)", LIMIT_REFS_PER_ITEM);
        return false;
    }
    item_add_ref(&cx->tmp, source, clause, title, point);
    return true;
}

/* A short, printable excerpt of s for messages: at most about 40 bytes, cut
 * at a character boundary. */
static char *excerpt(const char *s)
{
    size_t n = strlen(s), k = 0;
    while (k < n && k < 40) {
        uint32_t cp;
        int len = utf8_decode(s + k, n - k, &cp);
        k += len > 0 ? (size_t)len : 1;
    }
    char *e = xstrndup(s, k);
    char *t = utf8_trim(e);
    free(e);
    if (k < n) {
        char *u = xasprintf("%s…", t);
        free(t);
        return u;
    }
    return t;
}

/* ---- normalization and splitting --------------------------------------- */

/* A fresh copy of a valid UTF-8 string with full-width ASCII (U+FF01–FF5E)
 * turned into ASCII and every white-space character into a plain space. */
static char *normalize(const char *s)
{
    size_t n = strlen(s);
    char *out = xmalloc(n + 1), *o = out;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        int k = utf8_decode(s + i, n - i, &cp);
        if (k <= 0) { /* not reached: the input was validated */
            *o++ = s[i++];
            continue;
        }
        if (utf8_narrow(cp) != cp)
            *o++ = (char)utf8_narrow(cp);
        else if (utf8_is_space(cp))
            *o++ = ' ';
        else {
            memcpy(o, s + i, (size_t)k);
            o += k;
        }
        i += (size_t)k;
    }
    *o = '\0';
    return out;
}

static bool is_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ')
            return false;
    return true;
}

/* Cut s in place at every run of three or more '-'.  Stores up to max
 * pointers into s and returns the number of groups (which may exceed max). */
static size_t split_groups(char *s, char **groups, size_t max)
{
    size_t n = 0;
    char *start = s;
    for (char *p = s;;) {
        if (*p == '\0' || (p[0] == '-' && p[1] == '-' && p[2] == '-')) {
            bool end = *p == '\0';
            char *q = p;
            while (*q == '-')
                q++;
            *p = '\0';
            if (n < max)
                groups[n] = start;
            n++;
            if (end)
                break;
            start = p = q;
        } else {
            p++;
        }
    }
    return n;
}

/* ---- FISC clauses --------------------------------------------------------- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}

static bool is_alnum(char c)
{
    return is_digit(c) || is_lower(c) || (c >= 'A' && c <= 'Z');
}

/* Length of a number at s: 1..maxd digits without a leading zero; 0 when
 * there is none (or it is too long or starts with 0). */
static size_t number_len(const char *s, size_t maxd)
{
    size_t k = 0;
    while (is_digit(s[k]))
        k++;
    if (k == 0 || k > maxd || (s[0] == '0'))
        return 0;
    return k;
}

static const char *const fisc_parts[] = { "統", "実", "設", "監" };

/* Length of a FISC clause at s ("統4", "実14-1"), or 0. */
static size_t fisc_clause_len(const char *s)
{
    for (size_t i = 0; i < sizeof fisc_parts / sizeof fisc_parts[0]; i++) {
        size_t pl = strlen(fisc_parts[i]);
        if (strncmp(s, fisc_parts[i], pl) != 0)
            continue;
        size_t k = number_len(s + pl, 4);
        if (k == 0)
            return 0;
        size_t len = pl + k;
        if (s[len] == '-') {
            size_t sub = number_len(s + len + 1, 3);
            if (sub == 0)
                return 0;
            len += 1 + sub;
        }
        return len;
    }
    return 0;
}

static void parse_fisc(rctx_t *cx, const char *source, const char *group)
{
    char *s = utf8_squeeze(group);
    const char *p = s;
    if (!*p) {
        RERR(cx, 1, "%sの箇所が空です", "no places given for %s", source);
        free(s);
        return;
    }
    for (;;) {
        size_t len = fisc_clause_len(p);
        if (len == 0) {
            char *e = excerpt(p);
            RERR(cx, 1, "FISC・安対基準の項目番号が読めません(「統4」「実14-1」の形): 「%s」",
                 "malformed FISC clause (expected e.g. 統4 or 実14-1): '%s'", e);
            free(e);
            break;
        }
        char *clause = xstrndup(p, len);
        bool ok = add_ref(cx, source, clause, NULL, NULL);
        free(clause);
        if (!ok)
            break;
        p += len;
        if (!*p)
            break;
        /* Clauses are separated by 、 or ','; a layout space alone (now
         * removed) also separates them. */
        if (strncmp(p, IDEO_COMMA, strlen(IDEO_COMMA)) == 0)
            p += strlen(IDEO_COMMA);
        else if (*p == ',')
            p++;
    }
    free(s);
}

/* ---- report sections ------------------------------------------------------ */

/* Length of a section number at s: digits, then one or more ".digits". */
static size_t section_len(const char *s)
{
    size_t k = 0;
    while (is_digit(s[k]))
        k++;
    if (k == 0)
        return 0;
    size_t parts = 1;
    while (s[k] == '.' && is_digit(s[k + 1])) {
        k++;
        while (is_digit(s[k]))
            k++;
        parts++;
    }
    return parts >= 2 ? k : 0;
}

/* Is there a section number starting at s[i]? */
static size_t section_at(const char *s, size_t i)
{
    if (!is_digit(s[i]))
        return 0;
    if (i > 0 && (is_digit(s[i - 1]) || s[i - 1] == '.'))
        return 0;
    return section_len(s + i);
}

/* Check a section number against the source's chapter: "3.3.N" (or
 * "3.3.N.M") under セキュリティ原則, "3.4.N" under 利用者保護原則, with no
 * part longer than 3 digits or starting with 0. */
static bool section_valid(const char *sec, const char *chapter)
{
    size_t cl = strlen(chapter);
    if (strncmp(sec, chapter, cl) != 0)
        return false;
    const char *p = sec + cl;
    int parts = 0;
    for (;;) {
        size_t k = number_len(p, 3);
        if (k == 0)
            return false;
        parts++;
        p += k;
        if (*p == '\0')
            break;
        if (*p != '.')
            return false;
        p++;
    }
    return parts <= 2;
}

/* Trailing spaces of s[0..end) removed: the new end. */
static size_t rtrim(const char *s, size_t end)
{
    while (end > 0 && s[end - 1] == ' ')
        end--;
    return end;
}

/* Is there a point letter ending at s[end-1]: a-z not preceded by an ASCII
 * letter or digit? */
static bool point_at_end(const char *s, size_t end)
{
    return end >= 1 && is_lower(s[end - 1]) && (end == 1 || !is_alnum(s[end - 2]));
}

/* Parse the text after one section number: title and point letters. */
static void parse_section(rctx_t *cx, const char *source, const char *sec, const char *rest)
{
    size_t end = rtrim(rest, strlen(rest));
    char points[LIMIT_REFS_PER_ITEM + 1];
    size_t np = 0;
    while (point_at_end(rest, end)) {
        if (np == LIMIT_REFS_PER_ITEM) {
            RERR(cx, 1, "参照が多すぎます(1項目あたり最大%d件)",
                 "too many references (at most %d per item)", LIMIT_REFS_PER_ITEM);
            return;
        }
        points[np++] = rest[end - 1];
        end = rtrim(rest, end - 1);
        /* "t、y": a separator counts only when another point precedes it;
         * otherwise it belongs to the title (「説明・表示、」). */
        size_t sep = 0;
        if (end >= strlen(IDEO_COMMA) &&
            memcmp(rest + end - strlen(IDEO_COMMA), IDEO_COMMA, strlen(IDEO_COMMA)) == 0)
            sep = strlen(IDEO_COMMA);
        else if (end >= 1 && rest[end - 1] == ',')
            sep = 1;
        if (sep) {
            size_t before = rtrim(rest, end - sep);
            if (!point_at_end(rest, before))
                break;
            end = before;
        }
    }
    char *raw = xstrndup(rest, end);
    char *title = utf8_squeeze(raw);
    free(raw);
    size_t tl = strlen(title);
    if (tl > 0 && is_lower(title[tl - 1])) {
        char *e = excerpt(title);
        RERR(cx, 1, "%s の表題と項目記号(a〜z)を区別できません: 「%s」",
             "cannot tell the title of %s from its point letters (a-z): '%s'", sec, e);
        free(e);
        free(title);
        return;
    }
    if (tl > 0 && title[tl - 1] >= 'A' && title[tl - 1] <= 'Z' &&
        (tl == 1 || !is_alnum(title[tl - 2]))) {
        RERR(cx, 1, "%s の項目記号は小文字(a〜z)で書いてください: 「%c」",
             "the point letters of %s must be lower case (a-z): '%c'", sec, title[tl - 1]);
        free(title);
        return;
    }
    /* Removing the layout spaces must not make the title look like a
     * section number or a group separator, or formatting it would not
     * parse back the same. */
    for (size_t i = 0; i < tl; i++)
        if (section_at(title, i) || strncmp(title + i, "---", 3) == 0) {
            char *e = excerpt(title);
            RERR(cx, 1, "%s の表題に節番号か区切り線のような文字があります: 「%s」",
                 "the title of %s holds what looks like a section number or separator: '%s'",
                 sec, e);
            free(e);
            free(title);
            return;
        }
    const char *t = tl > 0 ? title : reference_section_title(sec);
    if (np == 0)
        add_ref(cx, source, sec, t, NULL);
    for (size_t i = np; i > 0; i--) {
        char pt[2] = { points[i - 1], '\0' };
        if (!add_ref(cx, source, sec, t, pt))
            break;
    }
    free(title);
}

static void parse_report(rctx_t *cx, const char *source, const char *chapter,
                         const char *group)
{
    size_t n = strlen(group);
    size_t first = n;
    for (size_t i = 0; i < n; i++)
        if (section_at(group, i)) {
            first = i;
            break;
        }
    if (first == n) {
        char *e = excerpt(group);
        RERR(cx, 1, "%sの節番号(例: %s1)が見つかりません: 「%s」",
             "no section number found for %s (e.g. %s1): '%s'", source, chapter, e);
        free(e);
        return;
    }
    char *lead = xstrndup(group, first);
    if (!is_blank(lead)) {
        char *e = excerpt(lead);
        RERR(cx, 1, "節番号の前に余分な文字があります: 「%s」",
             "unexpected text before the first section number: '%s'", e);
        free(e);
        free(lead);
        return;
    }
    free(lead);
    size_t i = first;
    while (i < n) {
        size_t len = section_at(group, i);
        size_t next = i + len;
        while (next < n && !section_at(group, next))
            next++;
        char *sec = xstrndup(group + i, len);
        char *rest = xstrndup(group + i + len, next - i - len);
        int before = cx->errors;
        if (!section_valid(sec, chapter))
            RERR(cx, 1, "節番号 %s は%sの節(%sN)ではありません",
                 "section %s is not a section of %s (%sN)", sec, source, chapter);
        else
            parse_section(cx, source, sec, rest);
        free(sec);
        free(rest);
        if (cx->errors != before)
            return;
        i = next;
    }
}

/* ---- the cells -------------------------------------------------------------- */

/* Check a cell (UTF-8, size) and return its normalized copy, or NULL. */
static char *cell_prepare(rctx_t *cx, int which, const char *cell)
{
    size_t n = strlen(cell);
    size_t bad = 0;
    if (n > LIMIT_CELL_BYTES) {
        RERR(cx, which, "セルが長すぎます(%zuバイト、上限%uバイト)",
             "cell too long (%zu bytes, at most %u)", n, LIMIT_CELL_BYTES);
        return NULL;
    }
    if (!utf8_valid(cell, n, &bad)) {
        RERR(cx, which, "UTF-8として正しくない文字があります(%zuバイト目)",
             "invalid UTF-8 at byte %zu", bad + 1);
        return NULL;
    }
    return normalize(cell);
}

#define MAX_GROUPS (LIMIT_REFS_PER_ITEM + 1)

int reference_parse(item_t *it, const char *sources_cell, const char *places_cell,
                    diag_t *d, const char *sheet, long row, int col)
{
    rctx_t cx = { .d = d, .sheet = sheet, .row = row, .col = col };
    char *src = cell_prepare(&cx, 0, sources_cell ? sources_cell : "");
    char *pl = cell_prepare(&cx, 1, places_cell ? places_cell : "");
    if (!src || !pl)
        goto done;
    bool src_empty = is_blank(src), pl_empty = is_blank(pl);
    if (src_empty && pl_empty)
        goto done;
    if (src_empty) {
        RERR(&cx, 0, "関連規定箇所があるのに関連規定が空です",
             "places are given but no source%s", "");
        goto done;
    }
    if (pl_empty) {
        RERR(&cx, 1, "関連規定があるのに関連規定箇所が空です",
             "a source is given but no places%s", "");
        goto done;
    }
    char *sg[MAX_GROUPS], *pg[MAX_GROUPS];
    size_t ns = split_groups(src, sg, MAX_GROUPS);
    size_t np = split_groups(pl, pg, MAX_GROUPS);
    if (ns > LIMIT_REFS_PER_ITEM || np > LIMIT_REFS_PER_ITEM) {
        RERR(&cx, ns > LIMIT_REFS_PER_ITEM ? 0 : 1, "「-----」で区切られた組が多すぎます(最大%d)",
             "too many groups separated by '-----' (at most %d)", LIMIT_REFS_PER_ITEM);
        goto done;
    }
    const char *sources[MAX_GROUPS];
    for (size_t i = 0; i < ns; i++) {
        char *name = utf8_squeeze(sg[i]);
        sources[i] = NULL;
        if (!*name)
            RERR(&cx, 0, "%zu番目の関連規定が空です", "source %zu is empty", i + 1);
        else if (strcmp(name, REF_SOURCE_FISC) == 0)
            sources[i] = REF_SOURCE_FISC;
        else if (strcmp(name, REF_SOURCE_SECURITY) == 0)
            sources[i] = REF_SOURCE_SECURITY;
        else if (strcmp(name, REF_SOURCE_PROTECT) == 0)
            sources[i] = REF_SOURCE_PROTECT;
        else {
            char *e = excerpt(name);
            RERR(&cx, 0, "不明な関連規定です: 「%s」(%s、%s、%s のいずれか)",
                 "unknown source '%s' (expected %s, %s or %s)", e, REF_SOURCE_FISC,
                 REF_SOURCE_SECURITY, REF_SOURCE_PROTECT);
            free(e);
        }
        free(name);
    }
    if (np > ns)
        RERR(&cx, 1, "関連規定箇所の組(%zu)が関連規定の数(%zu)より多くなっています",
             "more place groups (%zu) than sources (%zu)", np, ns);
    else if (np < ns)
        RERR(&cx, 1, "関連規定箇所の組(%zu)が関連規定の数(%zu)より少なくなっています",
             "fewer place groups (%zu) than sources (%zu)", np, ns);
    if (cx.errors)
        goto done;
    for (size_t i = 0; i < ns; i++) {
        if (strcmp(sources[i], REF_SOURCE_FISC) == 0)
            parse_fisc(&cx, sources[i], pg[i]);
        else if (is_blank(pg[i]))
            RERR(&cx, 1, "%sの箇所が空です", "no places given for %s", sources[i]);
        else
            parse_report(&cx, sources[i],
                         strcmp(sources[i], REF_SOURCE_SECURITY) == 0 ? "3.3." : "3.4.", pg[i]);
    }
done:
    free(src);
    free(pl);
    if (cx.errors) {
        tmp_clear(&cx.tmp);
        return -1;
    }
    for (size_t i = 0; i < cx.tmp.nrefs; i++) {
        const ref_t *r = &cx.tmp.refs[i];
        item_add_ref(it, r->source, r->clause, r->title, r->point);
    }
    tmp_clear(&cx.tmp);
    return 0;
}

/* ---- formatting ------------------------------------------------------------- */

static bool same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static const char *ref_title(const ref_t *r)
{
    return r->title && *r->title ? r->title : reference_section_title(r->clause);
}

void reference_format(const item_t *it, char **sources_cell, char **places_cell)
{
    buf_t src = BUF_INIT(0), pl = BUF_INIT(0);
    size_t i = 0;
    while (i < it->nrefs) {
        const char *source = it->refs[i].source ? it->refs[i].source : "";
        size_t j = i;
        while (j < it->nrefs && same(it->refs[j].source, it->refs[i].source))
            j++;
        if (i > 0) {
            buf_adds(&src, "\n-----\n");
            buf_adds(&pl, "\n-----\n");
        }
        buf_adds(&src, source);
        bool fisc = strcmp(source, REF_SOURCE_FISC) == 0;
        for (size_t k = i; k < j; k++) {
            const ref_t *r = &it->refs[k], *prev = k > i ? &it->refs[k - 1] : NULL;
            const char *clause = r->clause ? r->clause : "";
            if (fisc) {
                if (prev)
                    buf_adds(&pl, IDEO_COMMA);
                buf_adds(&pl, clause);
                continue;
            }
            /* Points of one section share its line: "3.3.2 title t、y". */
            bool cont = prev && r->point && prev->point && same(prev->clause, r->clause) &&
                        same(ref_title(prev), ref_title(r));
            if (cont) {
                buf_printf(&pl, IDEO_COMMA "%s", r->point);
                continue;
            }
            if (prev)
                buf_addc(&pl, '\n');
            buf_adds(&pl, clause);
            const char *t = ref_title(r);
            if (t)
                buf_printf(&pl, " %s", t);
            if (r->point)
                buf_printf(&pl, " %s", r->point);
        }
        i = j;
    }
    *sources_cell = buf_take(&src);
    *places_cell = buf_take(&pl);
}
