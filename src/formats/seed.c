/*
 * seed — the reader of the seed's tab-separated text.
 *
 * The text is checked whole first (size, UTF-8, control characters), then
 * read line by line.  Lines before the first header row form the title
 * block: a line that reads as a date (和暦 or 西暦) is the date, the first
 * other line the title, the next one the working group.  From the header
 * row on, columns are found by their header names (layout.h); a line whose
 * 通番 cell is a number is an item; a blank line, a repeated header row or a
 * line repeating the title block (in either spelling, layout spaces aside)
 * is page furniture.  Anything else is reported with its line number.
 */
#include "formats/seed.h"
#include "core/reference.h"
#include "core/wareki.h"
#include "formats/layout.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/utf8.h"
#include "util/xmem.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct span {
    const char *p;
    size_t n;
} span_t;

typedef struct sctx {
    diag_t *d;
    int errors;
    catalog_t *cat;
    char *title_key;      /* title without spaces, to recognise its repeats */
    char *publisher_key;
    int col[LAYOUT_SEED_COLS]; /* 0-based column of each seed column, -1 absent */
    size_t ncols;         /* cells in the header row */
    bool have_header;
    long *seen;           /* line of each 通番 seen so far, 0 = not yet */
    span_t *cells;        /* cells of the current line */
    size_t ncells, cap;
} sctx_t;

#define SERR(cx, line, col, ja, en, ...)                                      \
    do {                                                                      \
        (cx)->errors++;                                                       \
        diag_add((cx)->d, NULL, (line), (col), ja, en, __VA_ARGS__);          \
    } while (0)

/* ---- small text helpers ---------------------------------------------------- */

static char *span_dup(span_t s)
{
    return xstrndup(s.p, s.n);
}

/* A fresh trimmed copy of a cell. */
static char *span_trim(span_t s)
{
    char *raw = span_dup(s);
    char *t = utf8_trim(raw);
    free(raw);
    return t;
}

static bool span_blank(span_t s)
{
    char *t = span_trim(s);
    bool blank = *t == '\0';
    free(t);
    return blank;
}

/* Remove the layout spaces a spreadsheet's line wrapping leaves in text: a
 * run of white space disappears unless it stands between two ASCII
 * characters (as in "OAuth 2.0"), where it becomes one space. */
static char *unwrap(const char *s)
{
    size_t n = strlen(s);
    buf_t b = BUF_INIT(0);
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        int k = utf8_decode(s + i, n - i, &cp);
        if (k <= 0) { /* not reached: the text was validated */
            buf_addc(&b, s[i++]);
            continue;
        }
        if (!utf8_is_space(cp)) {
            buf_add(&b, s + i, (size_t)k);
            i += (size_t)k;
            continue;
        }
        size_t j = i;
        while (j < n && (k = utf8_decode(s + j, n - j, &cp)) > 0 && utf8_is_space(cp))
            j += (size_t)k;
        bool ascii_before = b.len > 0 && (unsigned char)b.p[b.len - 1] < 0x80;
        bool ascii_after = j < n && (unsigned char)s[j] < 0x80;
        if (ascii_before && ascii_after)
            buf_addc(&b, ' ');
        i = j;
    }
    return buf_take(&b);
}

/* 通番: ASCII or full-width digits, nothing else; 0 when it is no number
 * (or too large). */
static int parse_no(const char *s)
{
    size_t n = strlen(s), i = 0;
    long v = 0;
    int digits = 0;
    while (i < n) {
        uint32_t cp;
        int k = utf8_decode(s + i, n - i, &cp);
        if (k <= 0)
            return 0;
        if (cp >= 0xFF10 && cp <= 0xFF19)
            cp = cp - 0xFF10 + '0';
        if (cp < '0' || cp > '9' || ++digits > 6)
            return 0;
        v = v * 10 + (long)(cp - '0');
        i += (size_t)k;
    }
    return digits && v <= LIMIT_CATALOG_ITEMS ? (int)v : 0;
}

/* ---- lines and cells ----------------------------------------------------------- */

/* Split a line at tabs into cx->cells.  Returns false when it has more than
 * LIMIT_COLS cells. */
static bool split_cells(sctx_t *cx, span_t line)
{
    cx->ncells = 0;
    size_t start = 0;
    for (size_t i = 0; i <= line.n; i++) {
        if (i < line.n && line.p[i] != '\t')
            continue;
        if (cx->ncells == LIMIT_COLS)
            return false;
        cx->cells = xgrow(cx->cells, &cx->cap, cx->ncells + 1, sizeof *cx->cells);
        cx->cells[cx->ncells++] = (span_t){ line.p + start, i - start };
        start = i + 1;
    }
    return true;
}

/* The cell of a seed column in the current line ("" when absent). */
static span_t cell(const sctx_t *cx, layout_col_t c)
{
    int k = cx->col[c];
    if (k < 0 || (size_t)k >= cx->ncells)
        return (span_t){ "", 0 };
    return cx->cells[k];
}

/* The line's non-blank cells, trimmed and joined by one space. */
static char *line_text(const sctx_t *cx)
{
    buf_t b = BUF_INIT(0);
    for (size_t i = 0; i < cx->ncells; i++) {
        char *t = span_trim(cx->cells[i]);
        if (*t) {
            if (b.len)
                buf_addc(&b, ' ');
            buf_adds(&b, t);
        }
        free(t);
    }
    return buf_take(&b);
}

static size_t nonblank_cells(const sctx_t *cx)
{
    size_t n = 0;
    for (size_t i = 0; i < cx->ncells; i++)
        if (!span_blank(cx->cells[i]))
            n++;
    return n;
}

/* Is the current line a header row?  If so, map its columns.  Returns 0 when
 * it is not, 1 for a header row, -1 (reported) for a header row that lacks
 * a column or names one twice. */
static int try_header(sctx_t *cx, long line)
{
    int col[LCOL_COUNT];
    for (int i = 0; i < LCOL_COUNT; i++)
        col[i] = -1;
    bool dup = false;
    for (size_t i = 0; i < cx->ncells; i++) {
        if (cx->cells[i].n == 0 || cx->cells[i].n > 256)
            continue;
        char *t = span_dup(cx->cells[i]);
        int k = layout_find(t);
        free(t);
        if (k < 0)
            continue;
        if (col[k] >= 0)
            dup = true;
        else
            col[k] = (int)i;
    }
    if (col[LCOL_NO] < 0 || col[LCOL_OBJECTIVE] < 0)
        return 0;
    int before = cx->errors;
    if (dup)
        SERR(cx, line, 0, "見出し行に同じ列名が二度あります",
             "the header row names a column twice%s", "");
    static const layout_col_t required[] = { LCOL_CATEGORY, LCOL_TARGET, LCOL_REF_SOURCES,
                                             LCOL_REF_PLACES };
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (col[required[i]] < 0)
            SERR(cx, line, 0, "見出し行に「%s」列がありません",
                 "the header row has no column '%s'", layout_header(required[i]));
    for (int i = 0; i < LAYOUT_SEED_COLS; i++)
        cx->col[i] = col[i];
    cx->ncols = cx->ncells;
    cx->have_header = true;
    return cx->errors == before ? 1 : -1;
}

/* ---- the title block ------------------------------------------------------------ */

/* Does a title-block line try to be a date (an era name or a digit first,
 * and 年 or '-' after it) without being a valid one? */
static bool looks_like_date(const char *text)
{
    static const char *const eras[] = { "明治", "大正", "昭和", "平成", "令和" };
    const unsigned char *u = (const unsigned char *)text;
    bool lead = (u[0] >= '0' && u[0] <= '9') ||
                (u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x90 && u[2] <= 0x99); /* ０-９ */
    for (size_t i = 0; i < sizeof eras / sizeof eras[0] && !lead; i++)
        lead = strncmp(text, eras[i], strlen(eras[i])) == 0;
    return lead && (strstr(text, "年") || strchr(text, '-') || strchr(text, '/'));
}

static void title_line(sctx_t *cx, long line)
{
    char *text = line_text(cx);
    char iso[11];
    if (!*text) {
        free(text);
        return;
    }
    if (wareki_to_iso(text, iso) == 0) {
        if (cx->cat->date)
            SERR(cx, line, 0, "日付が二つあります: 「%s」", "a second date: '%s'", text);
        else
            cx->cat->date = xstrdup(iso);
    } else if (looks_like_date(text)) {
        SERR(cx, line, 0, "日付として読めません: 「%s」", "not a valid date: '%s'", text);
    } else if (!cx->cat->title) {
        cx->cat->title = text;
        cx->title_key = utf8_squeeze(text);
        return;
    } else if (!cx->cat->publisher) {
        cx->cat->publisher = text;
        cx->publisher_key = utf8_squeeze(text);
        return;
    } else {
        SERR(cx, line, 0, "表題部分に余分な行があります: 「%s」",
             "unexpected line in the title block: '%s'", text);
    }
    free(text);
}

/* A line between pages that repeats the title block. */
static bool is_repeat(const sctx_t *cx)
{
    char *text = line_text(cx);
    char *key = utf8_squeeze(text);
    char iso[11];
    bool yes = (cx->title_key && strcmp(key, cx->title_key) == 0) ||
               (cx->publisher_key && strcmp(key, cx->publisher_key) == 0) ||
               (cx->cat->date && wareki_to_iso(text, iso) == 0 &&
                strcmp(iso, cx->cat->date) == 0);
    free(key);
    free(text);
    return yes;
}

/* ---- items -------------------------------------------------------------------- */

static const char *const col_ja[LAYOUT_SEED_COLS] = {
    "通番", "区分", "セキュリティ対応目標", "対象者", "現在の対応状況",
    "課題認識", "課題への対応計画", "関連規定", "関連規定箇所", "備考",
};
static const char *const col_en[LAYOUT_SEED_COLS] = {
    "number", "category", "objective", "target", "current state",
    "gap", "plan", "sources", "places", "note",
};

/* A required text cell, layout spaces removed; NULL (reported) when empty. */
static char *required_text(sctx_t *cx, long line, layout_col_t c)
{
    char *raw = span_dup(cell(cx, c));
    char *t = unwrap(raw);
    free(raw);
    if (!*t) {
        /* Each message names the column in its own language. */
        SERR(cx, line, cx->col[c] + 1, "%sが空です%.0s", "the %.0s%s is empty", col_ja[c],
             col_en[c]);
        free(t);
        return NULL;
    }
    return t;
}

static void item_line(sctx_t *cx, long line, int no)
{
    catalog_t *c = cx->cat;
    if (c->nitems >= LIMIT_CATALOG_ITEMS) {
        SERR(cx, line, 0, "項目が多すぎます(最大%d)", "too many items (at most %d)",
             LIMIT_CATALOG_ITEMS);
        return;
    }
    int nocol = cx->col[LCOL_NO] + 1;
    if (cx->seen[no]) {
        SERR(cx, line, nocol, "通番%dが重複しています(%ld行目にもあります)",
             "number %d appears twice (also on line %ld)", no, cx->seen[no]);
        return;
    }
    cx->seen[no] = line;
    if ((size_t)no != c->nitems + 1)
        SERR(cx, line, nocol, "通番は1から順に並べてください(%zuのはずが%d)",
             "items must be numbered 1, 2, 3 … in order (expected %zu, found %d)",
             c->nitems + 1, no);
    for (size_t i = cx->ncols; i < cx->ncells; i++)
        if (!span_blank(cx->cells[i])) {
            SERR(cx, line, (int)i + 1, "見出しのない列に値があります",
                 "a value in a column without a header%s", "");
            break;
        }
    item_t *it = catalog_add_item(c);
    it->no = no;
    it->category = required_text(cx, line, LCOL_CATEGORY);
    it->objective = required_text(cx, line, LCOL_OBJECTIVE);
    char *raw = span_dup(cell(cx, LCOL_TARGET));
    char *tg = utf8_squeeze(raw);
    free(raw);
    it->target = target_parse(tg);
    if (!it->target)
        SERR(cx, line, cx->col[LCOL_TARGET] + 1,
             "対象者は「API接続先」「銀行」「共通」のいずれかです: 「%s」",
             "the target must be API接続先, 銀行 or 共通: '%s'", tg);
    free(tg);
    char *src = span_dup(cell(cx, LCOL_REF_SOURCES));
    char *pl = span_dup(cell(cx, LCOL_REF_PLACES));
    if (reference_parse(it, src, pl, cx->d, NULL, line, cx->col[LCOL_REF_SOURCES] + 1) != 0)
        cx->errors++;
    free(src);
    free(pl);
    if (cx->col[LCOL_NOTE] >= 0) {
        char *note = span_trim(cell(cx, LCOL_NOTE));
        if (*note)
            it->note = note;
        else
            free(note);
    }
}

static void body_line(sctx_t *cx, long line)
{
    char *nocell = span_trim(cell(cx, LCOL_NO));
    int no = parse_no(nocell);
    if (no > 0)
        item_line(cx, line, no);
    else if (nonblank_cells(cx) == 1) {
        if (!is_repeat(cx)) {
            char *text = line_text(cx);
            SERR(cx, line, 0, "項目でも見出しでもない行です: 「%s」",
                 "a line that is neither an item nor a header: '%s'", text);
            free(text);
        }
    } else {
        SERR(cx, line, cx->col[LCOL_NO] + 1,
             "通番は1〜%dの数でなければなりません: 「%s」",
             "the number must be a whole number from 1 to %d: '%s'", LIMIT_CATALOG_ITEMS,
             nocell);
    }
    free(nocell);
}

/* ---- the whole text -------------------------------------------------------------- */

static long line_of(const char *text, size_t off)
{
    long line = 1;
    for (size_t i = 0; i < off; i++)
        if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= off || text[i + 1] != '\n')))
            line++;
    return line;
}

/* Size, UTF-8 and control characters.  Returns false (reported) when the
 * text cannot be read at all. */
static bool check_text(sctx_t *cx, const char *text, size_t len)
{
    if (len > LIMIT_FILE_BYTES) {
        SERR(cx, 0, 0, "ファイルが大きすぎます(%zuバイト、上限%uバイト)",
             "file too large (%zu bytes, at most %u)", len, LIMIT_FILE_BYTES);
        return false;
    }
    size_t bad = 0;
    if (!utf8_valid(text, len, &bad)) {
        SERR(cx, line_of(text, bad), 0,
             "UTF-8として正しくないバイトがあります(先頭から%zuバイト目)",
             "invalid UTF-8 at byte %zu", bad + 1);
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') {
            SERR(cx, line_of(text, i), 0, "制御文字(0x%02X)は使えません",
                 "control character 0x%02X is not allowed", ch);
            return false;
        }
    }
    return true;
}

catalog_t *seed_read(const char *text, size_t len, diag_t *d)
{
    sctx_t cx = { .d = d };
    for (int i = 0; i < LAYOUT_SEED_COLS; i++)
        cx.col[i] = -1;
    if (!text) {
        text = "";
        len = 0;
    }
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    cx.cat = catalog_new();
    if (!check_text(&cx, text, len))
        goto done;
    cx.seen = xcalloc(LIMIT_CATALOG_ITEMS + 1, sizeof *cx.seen);
    long line = 0;
    size_t i = 0;
    while (i < len || (i == len && line == 0)) {
        size_t j = i;
        while (j < len && text[j] != '\n' && text[j] != '\r')
            j++;
        span_t l = { text + i, j - i };
        line++;
        if (j < len && text[j] == '\r' && j + 1 < len && text[j + 1] == '\n')
            j++;
        i = j + 1;
        if (line > LIMIT_ROWS) {
            SERR(&cx, line, 0, "行が多すぎます(最大%d行)", "too many lines (at most %d)",
                 LIMIT_ROWS);
            break;
        }
        if (!split_cells(&cx, l)) {
            SERR(&cx, line, 0, "列が多すぎます(最大%d列)", "too many columns (at most %d)",
                 LIMIT_COLS);
            continue;
        }
        bool too_long = false;
        for (size_t k = 0; k < cx.ncells && !too_long; k++)
            if (cx.cells[k].n > LIMIT_CELL_BYTES) {
                SERR(&cx, line, (int)k + 1, "セルが長すぎます(%zuバイト、上限%uバイト)",
                     "cell too long (%zu bytes, at most %u)", cx.cells[k].n, LIMIT_CELL_BYTES);
                too_long = true;
            }
        if (too_long)
            continue;
        int h = try_header(&cx, line);
        if (h < 0)
            break;
        if (h > 0)
            continue;
        if (!cx.have_header) {
            if (line > LIMIT_HEADER_SEARCH_ROWS) {
                SERR(&cx, line, 0, "見出し行(通番、区分 …)が最初の%d行にありません",
                     "no header row (通番, 区分 …) in the first %d lines",
                     LIMIT_HEADER_SEARCH_ROWS);
                break;
            }
            title_line(&cx, line);
        } else if (nonblank_cells(&cx) > 0) {
            body_line(&cx, line);
        }
    }
    if (!cx.have_header)
        SERR(&cx, 0, 0, "見出し行(通番、区分 …)がありません",
             "no header row (通番, 区分 …)%s", "");
    else if (cx.cat->nitems == 0)
        SERR(&cx, 0, 0, "項目がありません", "no items%s", "");
    if (!cx.cat->title)
        SERR(&cx, 0, 0, "表題がありません", "no title%s", "");
    if (!cx.cat->date)
        SERR(&cx, 0, 0, "日付(例: 平成30年8月2日)がありません",
             "no date (e.g. 平成30年8月2日)%s", "");
    if (cx.errors)
        goto done;
    cx.cat->id = xasprintf("api-checklist-%s", cx.cat->date);
    char *why = NULL;
    if (catalog_check(cx.cat, &why) != 0) { /* a safety net: the checks above come first */
        SERR(&cx, 0, 0, "チェックリストが不正です: %s", "invalid checklist: %s", why);
        free(why);
    }
done:
    free(cx.title_key);
    free(cx.publisher_key);
    free(cx.seen);
    free(cx.cells);
    if (cx.errors) {
        catalog_free(cx.cat);
        return NULL;
    }
    return cx.cat;
}
