/*
 * sheet — a table (from CSV or XLSX) read as a checklist, and the rows an
 * export writes.  See sheet.h for the contract; the rules in detail:
 *
 *   - the header row is the first of the first LIMIT_HEADER_SEARCH_ROWS rows
 *     holding both 通番 and セキュリティ対応目標 (layout_find, layout spaces
 *     ignored); other columns are optional and unknown ones are ignored;
 *   - below it, blank rows and repeated header rows are skipped, and so are
 *     rows without a number that hold nothing to import (title lines);
 *   - 通番 is an integer naming a catalog item, and the objective text must
 *     be the catalog's (white space ignored): a mismatch is reported, never
 *     guessed around;
 *   - answer cells are 現在の対応状況, 課題認識, 課題への対応計画, 対応状況,
 *     対応予定日 and 備考 (a 備考 equal to the catalog's note is no answer);
 *     cells holding only white space are empty.  A row whose answer cells
 *     are all empty produces no answer.
 */
#include "formats/sheet.h"
#include "core/reference.h"
#include "core/wareki.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/utf8.h"
#include "util/xmem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* Is s empty or only white space? */
static bool blank(const char *s)
{
    size_t n = strlen(s), i = 0;
    while (i < n) {
        uint32_t cp;
        int k = utf8_decode(s + i, n - i, &cp);
        if (k == 0 || !utf8_is_space(cp))
            return false;
        i += (size_t)k;
    }
    return true;
}

/* Equal once every white-space character is removed (NULL counts as ""). */
static bool same_text(const char *a, const char *b)
{
    if (a && b && strcmp(a, b) == 0)
        return true; /* the usual case (a note as the catalog has it), without copies */
    char *x = utf8_squeeze(a ? a : ""), *y = utf8_squeeze(b ? b : "");
    bool eq = strcmp(x, y) == 0;
    free(x);
    free(y);
    return eq;
}

/* ------------------------------------------------------------ the map */

int sheet_map_find(const table_t *t, sheet_map_t *m)
{
    m->header_row = -1;
    for (int c = 0; c < LCOL_COUNT; c++)
        m->col[c] = -1;
    /* The first rows as the user sees them: by position, and by the source
     * row number where a reader left out empty rows. */
    size_t limit = t->nrows < LIMIT_HEADER_SEARCH_ROWS ? t->nrows : LIMIT_HEADER_SEARCH_ROWS;
    for (size_t r = 0; r < limit; r++) {
        const table_row_t *row = &t->rows[r];
        if (row->line > LIMIT_HEADER_SEARCH_ROWS)
            break;
        int col[LCOL_COUNT];
        for (int c = 0; c < LCOL_COUNT; c++)
            col[c] = -1;
        for (size_t k = 0; k < row->ncells; k++) {
            /* Header cells are short; a long cell is data, not a header. */
            if (!row->cells[k] || strlen(row->cells[k]) > 200)
                continue;
            int c = layout_find(row->cells[k]);
            if (c >= 0 && col[c] < 0)
                col[c] = (int)k;
        }
        if (col[LCOL_NO] >= 0 && col[LCOL_OBJECTIVE] >= 0) {
            m->header_row = (long)r;
            memcpy(m->col, col, sizeof col);
            return 0;
        }
    }
    return -1;
}

/* The text of layout column c in row r ("" when the column is absent). */
static const char *cell(const table_t *t, size_t r, const sheet_map_t *m, layout_col_t c)
{
    return m->col[c] < 0 ? "" : table_cell(t, r, (size_t)m->col[c]);
}

/* 1-based spreadsheet column of layout column c (0 when absent). */
static int colno(const sheet_map_t *m, layout_col_t c)
{
    return m->col[c] + 1;
}

static bool row_blank(const table_t *t, size_t r)
{
    const table_row_t *row = &t->rows[r];
    for (size_t k = 0; k < row->ncells; k++)
        if (row->cells[k] && !blank(row->cells[k]))
            return false;
    return true;
}

/* A header row repeated before a printed page. */
static bool row_is_header(const table_t *t, size_t r, const sheet_map_t *m)
{
    const char *no = cell(t, r, m, LCOL_NO), *obj = cell(t, r, m, LCOL_OBJECTIVE);
    return (strlen(no) < 64 && layout_find(no) == LCOL_NO) ||
           (strlen(obj) < 64 && layout_find(obj) == LCOL_OBJECTIVE);
}

enum { NO_OK = 0, NO_EMPTY = 1, NO_BAD = 2 };

/* Parse a 通番 cell: decimal digits (ASCII or full width), optionally
 * followed by ".0" as some spreadsheets write whole numbers. */
static int parse_no(const char *text, int *no)
{
    size_t n = strlen(text), i = 0;
    long v = 0;
    int digits = 0;
    bool fraction = false;
    while (i < n) {
        uint32_t cp;
        int k = utf8_decode(text + i, n - i, &cp);
        if (k == 0)
            return NO_BAD;
        i += (size_t)k;
        if (utf8_is_space(cp)) {
            if (digits && i < n && !blank(text + i))
                return NO_BAD;
            continue;
        }
        if (cp >= 0xFF10 && cp <= 0xFF19)
            cp = '0' + (cp - 0xFF10);
        if (cp == '.' && digits && !fraction) {
            fraction = true;
            continue;
        }
        if (cp < '0' || cp > '9')
            return NO_BAD;
        if (fraction) {
            if (cp != '0')
                return NO_BAD;
            continue;
        }
        if (++digits > 6)
            return NO_BAD;
        v = v * 10 + (long)(cp - '0');
    }
    if (!digits)
        return fraction ? NO_BAD : NO_EMPTY;
    if (v < 1)
        return NO_BAD;
    *no = (int)v;
    return NO_OK;
}

/* Normalise a due date to ISO: "2026-03-31", "2026/3/31" (also with
 * full-width digits and an Excel " 0:00" time), "2026年3月31日" and 和暦
 * such as "令和8年3月31日".  Returns 0 or -1. */
static int parse_due(const char *text, char out[11])
{
    char *v = utf8_trim(text);
    char ascii[32];
    size_t n = strlen(v), i = 0, o = 0;
    bool plain = true;
    while (i < n && plain) {
        uint32_t cp;
        int k = utf8_decode(v + i, n - i, &cp);
        if (k == 0)
            break;
        i += (size_t)k;
        if (cp >= 0xFF10 && cp <= 0xFF19)
            cp = '0' + (cp - 0xFF10);
        else if (cp == 0xFF0F)
            cp = '/';
        else if (cp == 0xFF0D)
            cp = '-';
        if (cp >= 0x80 || o + 1 >= sizeof ascii)
            plain = false;
        else
            ascii[o++] = (char)cp;
    }
    ascii[o] = '\0';
    int rc = -1;
    if (plain && i == n) {
        int y = 0, m = 0, d = 0, len = 0;
        char s1 = 0, s2 = 0;
        if (sscanf(ascii, "%4d%c%2d%c%2d%n", &y, &s1, &m, &s2, &d, &len) == 5 && s1 == s2 &&
            (s1 == '-' || s1 == '/' || s1 == '.')) {
            const char *rest = ascii + len;
            if (!*rest || strcmp(rest, " 0:00") == 0 || strcmp(rest, " 0:00:00") == 0 ||
                strcmp(rest, " 00:00") == 0 || strcmp(rest, " 00:00:00") == 0) {
                char iso[32];
                snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
                if (len >= 8 && ascii[4] == s1 && date_valid_iso(iso)) {
                    memcpy(out, iso, 11);
                    rc = 0;
                }
            }
        }
    }
    if (rc < 0 && wareki_to_iso(v, out) == 0 && date_valid_iso(out))
        rc = 0;
    free(v);
    return rc;
}

/* ------------------------------------------------------------ answers */

/* An answer cell's text, NULL when blank. */
static const char *answer_text(const char *s)
{
    return blank(s) ? NULL : s;
}

/* One data row read as an answer.  Reports into d; on any problem nothing
 * is stored. */
static void read_answer_row(const table_t *t, size_t r, const sheet_map_t *m,
                            const catalog_t *cat, int default_side, answerset_t *set,
                            diag_t *d)
{
    const char *sheet = t->name;
    long line = t->rows[r].line;
    const char *cur = cell(t, r, m, LCOL_CURRENT), *gap = cell(t, r, m, LCOL_GAP);
    const char *plan = cell(t, r, m, LCOL_PLAN), *st = cell(t, r, m, LCOL_STATUS);
    const char *due = cell(t, r, m, LCOL_DUE), *note = cell(t, r, m, LCOL_NOTE);
    const char *side_s = cell(t, r, m, LCOL_SIDE), *no_s = cell(t, r, m, LCOL_NO);
    bool content = !blank(cur) || !blank(gap) || !blank(plan) || !blank(st) || !blank(due);

    int no = 0;
    int nk = parse_no(no_s, &no);
    if (nk != NO_OK) {
        if (content || !blank(note)) {
            char *v = diag_clip(no_s);
            if (nk == NO_EMPTY)
                diag_add(d, sheet, line, colno(m, LCOL_NO),
                         "通番がありません（回答が書かれた行には通番が必要です）",
                         "no item number (a row with answers needs one)");
            else
                diag_add(d, sheet, line, colno(m, LCOL_NO),
                         "通番「%s」は整数ではありません", "item number '%s' is not an integer",
                         v);
            free(v);
        }
        return;
    }
    const item_t *it = catalog_find(cat, no);
    if (!it) {
        diag_add(d, sheet, line, colno(m, LCOL_NO),
                 "通番 %d はチェックリスト「%s」にありません", "item %d is not in catalog '%s'",
                 no, cat->id ? cat->id : "");
        return;
    }
    const char *obj = cell(t, r, m, LCOL_OBJECTIVE);
    if (blank(obj)) {
        char *w = diag_clip(it->objective);
        diag_add(d, sheet, line, colno(m, LCOL_OBJECTIVE),
                 "通番 %d のセキュリティ対応目標が空です（チェックリスト:「%s」）",
                 "the objective of item %d is empty (catalog: '%s')", no, w);
        free(w);
        return;
    }
    if (!same_text(obj, it->objective)) {
        char *v = diag_clip(obj), *w = diag_clip(it->objective);
        diag_add(d, sheet, line, colno(m, LCOL_OBJECTIVE),
                 "通番 %d のセキュリティ対応目標がチェックリストと一致しません"
                 "（表:「%s」、チェックリスト:「%s」）。版の異なるチェックリストではありませんか",
                 "the objective of item %d does not match the catalog (table: '%s', catalog: "
                 "'%s'); is this another edition of the checklist?",
                 no, v, w);
        free(v);
        free(w);
        return;
    }
    bool note_is_answer = !blank(note) && !same_text(note, it->note);
    content = content || note_is_answer;

    side_t side = SIDE_PARTNER;
    if (!blank(side_s)) {
        char *v = utf8_trim(side_s);
        if (side_parse(v, &side) < 0) {
            char *c = diag_clip(v);
            diag_add(d, sheet, line, colno(m, LCOL_SIDE),
                     "回答者「%s」が不正です（API接続先 または 銀行）",
                     "invalid side '%s' (API接続先 or 銀行)", c);
            free(c);
            free(v);
            return;
        }
        free(v);
    } else if (default_side >= 0) {
        side = (side_t)default_side;
    } else if (it->target == TARGET_PARTNER || it->target == TARGET_BANK) {
        side = it->target == TARGET_BANK ? SIDE_BANK : SIDE_PARTNER;
    } else {
        if (content)
            diag_add(d, sheet, line, colno(m, LCOL_SIDE),
                     "通番 %d は共通の項目です。API接続先と銀行のどちらの回答か、"
                     "回答者の列で示してください",
                     "item %d is answered by both sides: say whose answer this is in a 回答者 "
                     "(side) column",
                     no);
        return;
    }
    if (!content)
        return;
    if (!side_answers(side, it->target)) {
        diag_add(d, sheet, line, colno(m, LCOL_SIDE),
                 "通番 %d（対象者: %s%.0s）は%s%.0sが回答する項目ではありません",
                 "item %d (target: %.0s%s) is not answered by the %.0s%s side", no,
                 target_label(it->target), target_code(it->target), side_label(side),
                 side_code(side));
        return;
    }
    size_t before = diag_count(d);
    status_t status = STATUS_UNSET;
    char *sv = utf8_trim(st);
    if (status_parse(sv, &status) < 0) {
        char *c = diag_clip(sv);
        diag_add(d, sheet, line, colno(m, LCOL_STATUS),
                 "対応状況「%s」が不正です（対応済、一部対応、未対応、該当なし のいずれか）",
                 "invalid status '%s' (one of 対応済, 一部対応, 未対応, 該当なし)", c);
        free(c);
    }
    free(sv);
    char iso[11] = "";
    if (!blank(due) && parse_due(due, iso) < 0) {
        char *c = diag_clip(due);
        diag_add(d, sheet, line, colno(m, LCOL_DUE),
                 "対応予定日「%s」を日付として読めません（2026-03-31、2026/3/31、"
                 "2026年3月31日、令和8年3月31日 の形で書いてください）",
                 "cannot read the due date '%s' (write it as 2026-03-31, 2026/3/31, "
                 "2026年3月31日 or 令和8年3月31日)",
                 c);
        free(c);
    }
    const answer_t *old = answerset_find(set, no, side);
    if (old && !answer_is_empty(old))
        diag_add(d, sheet, line, colno(m, LCOL_NO),
                 "通番 %d（%s%.0s）の回答が重複しています",
                 "duplicate answer for item %d (%.0s%s)", no, side_label(side),
                 side_code(side));
    if (diag_count(d) != before)
        return;
    /* An answer already in the set is empty here (else it was reported). */
    answer_t *a = answerset_get(set, no, side);
    a->status = status;
    answer_set_text(&a->current, answer_text(cur));
    answer_set_text(&a->gap, answer_text(gap));
    answer_set_text(&a->plan, answer_text(plan));
    answer_set_text(&a->due, iso);
    answer_set_text(&a->note, note_is_answer ? note : NULL);
}

int sheet_read_answers(const table_t *t, const catalog_t *cat, int default_side,
                       answerset_t *set, diag_t *d)
{
    size_t before = diag_count(d);
    sheet_map_t m;
    if (sheet_map_find(t, &m) < 0) {
        diag_add(d, t->name, 0, 0,
                 "チェックリストの見出し行が見つかりません（最初の %d 行に「通番」と"
                 "「セキュリティ対応目標」の列が必要です）",
                 "no checklist header row (the first %d rows need columns 通番 and "
                 "セキュリティ対応目標)",
                 LIMIT_HEADER_SEARCH_ROWS);
        return (int)(diag_count(d) - before);
    }
    if (default_side > SIDE_BANK)
        default_side = -1;
    for (size_t r = (size_t)m.header_row + 1; r < t->nrows; r++) {
        if (row_blank(t, r) || row_is_header(t, r, &m))
            continue;
        read_answer_row(t, r, &m, cat, default_side, set, d);
    }
    return (int)(diag_count(d) - before);
}

/* ------------------------------------------------------------ catalog */

static int item_cmp(const void *a, const void *b)
{
    const item_t *x = a, *y = b;
    return (x->no > y->no) - (x->no < y->no);
}

/* A fresh trimmed copy of s, NULL when blank. */
static char *trimmed(const char *s)
{
    if (blank(s))
        return NULL;
    return utf8_trim(s);
}

catalog_t *sheet_read_catalog(const table_t *t, diag_t *d)
{
    size_t before = diag_count(d);
    sheet_map_t m;
    if (sheet_map_find(t, &m) < 0) {
        diag_add(d, t->name, 0, 0,
                 "チェックリストの見出し行が見つかりません（最初の %d 行に「通番」と"
                 "「セキュリティ対応目標」の列が必要です）",
                 "no checklist header row (the first %d rows need columns 通番 and "
                 "セキュリティ対応目標)",
                 LIMIT_HEADER_SEARCH_ROWS);
        return NULL;
    }
    static const layout_col_t needed[] = { LCOL_CATEGORY, LCOL_TARGET };
    for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
        if (m.col[needed[i]] < 0)
            diag_add(d, t->name, m.header_row >= 0 ? t->rows[m.header_row].line : 0, 0,
                     "「%s」の列がありません", "no %s column", layout_header(needed[i]));
    if (diag_count(d) != before)
        return NULL;
    catalog_t *c = catalog_new();
    for (size_t r = (size_t)m.header_row + 1; r < t->nrows; r++) {
        if (row_blank(t, r) || row_is_header(t, r, &m))
            continue;
        long line = t->rows[r].line;
        const char *no_s = cell(t, r, &m, LCOL_NO);
        int no = 0;
        int nk = parse_no(no_s, &no);
        if (nk != NO_OK) {
            /* A title line has no number and no objective. */
            if (!blank(cell(t, r, &m, LCOL_OBJECTIVE))) {
                char *v = diag_clip(no_s);
                if (nk == NO_EMPTY)
                    diag_add(d, t->name, line, colno(&m, LCOL_NO), "通番がありません",
                             "no item number");
                else
                    diag_add(d, t->name, line, colno(&m, LCOL_NO),
                             "通番「%s」は整数ではありません",
                             "item number '%s' is not an integer", v);
                free(v);
            }
            continue;
        }
        if (no > LIMIT_CATALOG_ITEMS || c->nitems >= LIMIT_CATALOG_ITEMS) {
            diag_add(d, t->name, line, colno(&m, LCOL_NO),
                     "項目が多すぎます（通番は %d まで）", "too many items (numbers up to %d)",
                     LIMIT_CATALOG_ITEMS);
            break;
        }
        if (catalog_find(c, no)) {
            diag_add(d, t->name, line, colno(&m, LCOL_NO), "通番 %d が重複しています",
                     "item number %d appears twice", no);
            continue;
        }
        item_t *it = catalog_add_item(c);
        it->no = no;
        it->category = trimmed(cell(t, r, &m, LCOL_CATEGORY));
        it->objective = trimmed(cell(t, r, &m, LCOL_OBJECTIVE));
        it->note = trimmed(cell(t, r, &m, LCOL_NOTE));
        if (!it->category)
            diag_add(d, t->name, line, colno(&m, LCOL_CATEGORY), "通番 %d の区分が空です",
                     "item %d has no category", no);
        if (!it->objective)
            diag_add(d, t->name, line, colno(&m, LCOL_OBJECTIVE),
                     "通番 %d のセキュリティ対応目標が空です", "item %d has no objective", no);
        char *target = utf8_trim(cell(t, r, &m, LCOL_TARGET));
        it->target = target_parse(target);
        if (!it->target) {
            char *v = diag_clip(target);
            diag_add(d, t->name, line, colno(&m, LCOL_TARGET),
                     "通番 %d の対象者「%s」が不正です（API接続先、銀行、共通 のいずれか）",
                     "item %d: invalid target '%s' (API接続先, 銀行 or 共通)", no, v);
            free(v);
        }
        free(target);
        const char *src = cell(t, r, &m, LCOL_REF_SOURCES);
        const char *places = cell(t, r, &m, LCOL_REF_PLACES);
        if (!blank(src) || !blank(places))
            reference_parse(it, src, places, d, t->name, line, colno(&m, LCOL_REF_SOURCES));
    }
    if (diag_count(d) == before) {
        if (c->nitems > 1)
            qsort(c->items, c->nitems, sizeof *c->items, item_cmp);
        for (size_t i = 0; i < c->nitems; i++) {
            if (c->items[i].no != (int)i + 1) {
                diag_add(d, t->name, 0, 0,
                         "通番 %zu がありません（項目は 1 から欠番なしで並べます）",
                         "item %zu is missing (items are numbered 1, 2, 3 … without gaps)",
                         i + 1);
                break;
            }
        }
        if (c->nitems == 0)
            diag_add(d, t->name, 0, 0, "項目がひとつもありません", "no items");
    }
    if (diag_count(d) != before) {
        catalog_free(c);
        return NULL;
    }
    return c;
}

/* ------------------------------------------------------------ export rows */

/* A fresh copy of s, NULL when s is NULL or "". */
static char *dup_nonempty(const char *s)
{
    return s && *s ? xstrdup(s) : NULL;
}

void sheet_row_cells(const item_t *it, side_t side, const answer_t *a,
                     char *cells[LCOL_COUNT])
{
    cells[LCOL_NO] = xasprintf("%d", it->no);
    cells[LCOL_CATEGORY] = dup_nonempty(it->category);
    cells[LCOL_OBJECTIVE] = dup_nonempty(it->objective);
    cells[LCOL_TARGET] = dup_nonempty(target_label(it->target));
    cells[LCOL_CURRENT] = dup_nonempty(a ? a->current : NULL);
    cells[LCOL_GAP] = dup_nonempty(a ? a->gap : NULL);
    cells[LCOL_PLAN] = dup_nonempty(a ? a->plan : NULL);
    char *src = NULL, *places = NULL;
    reference_format(it, &src, &places);
    cells[LCOL_REF_SOURCES] = dup_nonempty(src);
    cells[LCOL_REF_PLACES] = dup_nonempty(places);
    free(src);
    free(places);
    cells[LCOL_NOTE] = dup_nonempty(a && a->note && *a->note ? a->note : it->note);
    cells[LCOL_SIDE] = xstrdup(side_label(side));
    cells[LCOL_STATUS] = dup_nonempty(a ? status_label(a->status) : NULL);
    cells[LCOL_DUE] = dup_nonempty(a ? a->due : NULL);
}

void sheet_row_cells_free(char *cells[LCOL_COUNT])
{
    for (int c = 0; c < LCOL_COUNT; c++) {
        free(cells[c]);
        cells[c] = NULL;
    }
}
