/* Unit tests for formats/sheet: a table read as a checklist (header search,
 * columns by name, objective check, side rules, statuses and due dates,
 * duplicates), a catalog read from a table, and the export row cells. */
#include "testutil.h"

#include "core/answer.h"
#include "core/catalog.h"
#include "formats/layout.h"
#include "formats/sheet.h"
#include "formats/table.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/xmem.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OBJ1 "セキュリティ管理責任の所在と対象範囲を明確にする。"
#define OBJ2 "銀行の目標。"
#define OBJ3 "共通の目標、両者で回答する。"

static catalog_t *tcat(void)
{
    catalog_t *c = catalog_new();
    c->id = xstrdup("test-cat");
    c->title = xstrdup("テスト用チェックリスト");
    item_t *it = catalog_add_item(c);
    it->no = 1;
    it->category = xstrdup("情報・セキュリティ管理態勢");
    it->objective = xstrdup(OBJ1);
    it->target = TARGET_PARTNER;
    item_add_ref(it, REF_SOURCE_FISC, "統4", NULL, NULL);
    it = catalog_add_item(c);
    it->no = 2;
    it->category = xstrdup("情報・セキュリティ管理態勢");
    it->objective = xstrdup(OBJ2);
    it->target = TARGET_BANK;
    it->note = xstrdup("銀行の備考");
    it = catalog_add_item(c);
    it->no = 3;
    it->category = xstrdup("外部委託管理");
    it->objective = xstrdup(OBJ3);
    it->target = TARGET_BOTH;
    item_add_ref(it, REF_SOURCE_SECURITY, "3.3.2", "外部からの不正アクセス対策", "t");
    item_add_ref(it, REF_SOURCE_FISC, "統20", NULL, NULL);
    return c;
}

/* A table from a compact text: rows separated by '\n', cells by '|', '~'
 * stands for a line break inside a cell; empty cells stay empty.  Row
 * numbers are 1-based lines of the text. */
static table_t *mk(const char *text)
{
    table_t *t = table_new("シート1");
    const char *p = text;
    long line = 1;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        table_row_t *r = table_add_row(t, line++);
        size_t col = 0;
        const char *c = p, *end = p + len;
        while (c <= end) {
            const char *bar = memchr(c, '|', (size_t)(end - c));
            const char *stop = bar ? bar : end;
            if (stop > c) {
                char *v = xstrndup(c, (size_t)(stop - c));
                for (char *q = v; *q; q++)
                    if (*q == '~')
                        *q = '\n';
                table_row_set(r, col, v);
            }
            col++;
            c = stop + 1;
        }
        p = eol ? eol + 1 : p + len;
    }
    return t;
}

/* The problem mentioning needle is at row/col (-1: any). */
static void diag_at(const diag_t *d, const char *needle, long row, int col)
{
    for (size_t i = 0; i < d->n; i++)
        if ((strstr(d->v[i].en, needle) || strstr(d->v[i].ja, needle)) &&
            (row < 0 || d->v[i].row == row) && (col < 0 || d->v[i].col == col))
            return;
    fprintf(stderr, "expected '%s' at row %ld col %d, got:\n", needle, row, col);
    diag_print(d, stderr, LANG_EN);
    fail();
}

/* Read text with default_side; returns the set, the problems in *d. */
static answerset_t *read(const char *text, int default_side, diag_t *d, int *nproblems)
{
    catalog_t *c = tcat();
    table_t *t = mk(text);
    answerset_t *s = answerset_new(c->id);
    diag_init(d, "in.xlsx");
    *nproblems = sheet_read_answers(t, c, default_side, s, d);
    table_free(t);
    catalog_free(c);
    return s;
}

#define HDR "通番|区分|セキュリティ対応目標|対象者|現在の対応状況|課題認識|課題への対応計画|関連規定|関連規定箇所|備考|回答者|対応状況|対応予定日\n"

static void test_map_find(void **state)
{
    (void)state;
    /* Header on row 30 (index 29) below a title block: found. */
    buf_t b = BUF_INIT(0);
    buf_adds(&b, "「API接続チェックリスト原案(フォーマット)」(A3横Excel版) サンプル\n\n平成30年8月2日\n");
    for (int i = 3; i < 29; i++)
        buf_adds(&b, "\n");
    buf_adds(&b, "メモ|通 番|備考|セキュリティ\u3000対応目標|ステータス|期限|No.\n");
    table_t *t = mk(buf_str(&b));
    sheet_map_t m;
    assert_int_equal(sheet_map_find(t, &m), 0);
    assert_int_equal(m.header_row, 29);
    assert_int_equal(m.col[LCOL_NO], 1); /* the first 通番 column wins */
    assert_int_equal(m.col[LCOL_NOTE], 2);
    assert_int_equal(m.col[LCOL_OBJECTIVE], 3);
    assert_int_equal(m.col[LCOL_STATUS], 4);
    assert_int_equal(m.col[LCOL_DUE], 5);
    assert_int_equal(m.col[LCOL_CATEGORY], -1);
    assert_int_equal(m.col[LCOL_SIDE], -1);
    table_free(t);
    /* One row further down: not found. */
    buf_t c = BUF_INIT(0);
    buf_adds(&c, "\n");
    buf_adds(&c, buf_str(&b));
    t = mk(buf_str(&c));
    assert_int_equal(sheet_map_find(t, &m), -1);
    assert_int_equal(m.header_row, -1);
    table_free(t);
    buf_free(&b);
    buf_free(&c);
    /* A reader that leaves out empty rows keeps the source row numbers. */
    t = mk("通番|セキュリティ対応目標\n");
    t->rows[0].line = 31;
    assert_int_equal(sheet_map_find(t, &m), -1);
    t->rows[0].line = 30;
    assert_int_equal(sheet_map_find(t, &m), 0);
    table_free(t);
    /* 通番 alone is not enough. */
    t = mk("通番|区分|対象者\n");
    assert_int_equal(sheet_map_find(t, &m), -1);
    table_free(t);
}

static void test_read_basic(void **state)
{
    (void)state;
    diag_t d;
    int n;
    /* Unusual column order, an extra column, blank rows, a repeated title
     * and header block, and one row of each item and side. */
    answerset_t *s = read(
        "タイトル\n"
        "\n"
        "回答者|セキュリティ対応目標|社内メモ|通番|対応状況|現在の対応状況|備考|対応予定日|課題認識\n"
        "API接続先|" OBJ1 "|無視される|1|対応済|整備済み\n"
        "|||||||\n"
        "「API接続チェックリスト原案(フォーマット)」(A3横Excel版)サンプル\n"
        "回答者|セキュリティ対応目標|社内メモ|通番|対応状況|現在の対応状況|備考|対応予定日|課題認識\n"
        "銀行|" OBJ2 "||2|一部対応||銀行の備考|2026/3/31|課題あり\n"
        "API接続先|" OBJ3 "||3|todo|||令和8年3月31日\n"
        "銀行|" OBJ3 "||3||||| \n"
        "bank|" OBJ3 "||3|||行内メモ\n",
        -1, &d, &n);
    if (n)
        diag_print(&d, stderr, LANG_EN);
    assert_int_equal(n, 0);
    assert_int_equal(s->n, 4);
    const answer_t *a = answerset_find(s, 1, SIDE_PARTNER);
    assert_int_equal(a->status, STATUS_DONE);
    assert_string_equal(a->current, "整備済み");
    assert_null(a->note);
    a = answerset_find(s, 2, SIDE_BANK);
    assert_int_equal(a->status, STATUS_PARTIAL);
    assert_null(a->note); /* the catalog's own note is no answer */
    assert_string_equal(a->due, "2026-03-31");
    assert_string_equal(a->gap, "課題あり");
    a = answerset_find(s, 3, SIDE_PARTNER);
    assert_int_equal(a->status, STATUS_TODO);
    assert_string_equal(a->due, "2026-03-31");
    a = answerset_find(s, 3, SIDE_BANK);
    assert_string_equal(a->note, "行内メモ");
    assert_int_equal(a->status, STATUS_UNSET);
    answerset_free(s);
    diag_free(&d);
}

static void test_objective(void **state)
{
    (void)state;
    diag_t d;
    int n;
    /* Layout spaces and line breaks in the objective are fine. */
    answerset_t *s = read("通番|セキュリティ対応目標|現在の対応状況\n"
                          "1|セキュリティ管理責任の 所在と~対象範囲を明確にする。 |済\n",
                          -1, &d, &n);
    assert_int_equal(n, 0);
    assert_non_null(answerset_find(s, 1, SIDE_PARTNER));
    answerset_free(s);
    diag_free(&d);
    /* Another text is reported, even on a row without answers. */
    s = read("通番|セキュリティ対応目標|現在の対応状況\n"
             "1|セキュリティ管理責任を明確にする。|済\n"
             "2|別の目標\n"
             "3||空\n",
             -1, &d, &n);
    assert_int_equal(n, 3);
    diag_at(&d, "the objective of item 3 is empty (catalog: '" OBJ3 "')", 4, 2);
    assert_int_equal(s->n, 0);
    diag_at(&d, "the objective of item 1 does not match the catalog (table: "
                "'セキュリティ管理責任を明確にする。'", 2, 2);
    diag_at(&d, "通番 2 のセキュリティ対応目標がチェックリストと一致しません", 3, 2);
    assert_string_equal(d.v[0].sheet, "シート1");
    answerset_free(s);
    diag_free(&d);
}

static void test_numbers(void **state)
{
    (void)state;
    diag_t d;
    int n;
    answerset_t *s = read("通番|セキュリティ対応目標|課題認識\n"
                          "１|" OBJ1 "|全角の通番\n"
                          "3.0|" OBJ3 "|\n"
                          "注記: 以下は参考|\n"
                          "abc||回答あり\n"
                          "|" OBJ2 "|番号なし\n"
                          "99|何か|\n"
                          "-1||x\n",
                          SIDE_PARTNER, &d, &n);
    assert_int_equal(n, 4);
    assert_string_equal(answerset_find(s, 1, SIDE_PARTNER)->gap, "全角の通番");
    diag_at(&d, "item number 'abc' is not an integer", 5, 1);
    diag_at(&d, "no item number", 6, 1);
    diag_at(&d, "item 99 is not in catalog 'test-cat'", 7, 1);
    diag_at(&d, "item number '-1' is not an integer", 8, 1);
    answerset_free(s);
    diag_free(&d);
}

static void test_sides(void **state)
{
    (void)state;
    diag_t d;
    int n;
    const char *body = "通番|セキュリティ対応目標|現在の対応状況\n"
                       "1|" OBJ1 "|p1\n"
                       "2|" OBJ2 "|b2\n"
                       "3|" OBJ3 "|x3\n"
                       "3|" OBJ3 "|\n";
    /* No side anywhere: one-sided items follow 対象者; 共通 with content is
     * ambiguous, 共通 without content is fine. */
    answerset_t *s = read(body, -1, &d, &n);
    assert_int_equal(n, 1);
    diag_at(&d, "item 3 is answered by both sides", 4, 0);
    assert_string_equal(answerset_find(s, 1, SIDE_PARTNER)->current, "p1");
    assert_string_equal(answerset_find(s, 2, SIDE_BANK)->current, "b2");
    answerset_free(s);
    diag_free(&d);
    /* default_side wins over 対象者: the bank does not answer item 1. */
    s = read(body, SIDE_BANK, &d, &n);
    assert_int_equal(n, 1);
    diag_at(&d, "item 1 (target: partner) is not answered by the bank side", 2, 0);
    diag_at(&d, "通番 1（対象者: API接続先）は銀行が回答する項目ではありません", 2, 0);
    assert_string_equal(answerset_find(s, 3, SIDE_BANK)->current, "x3");
    answerset_free(s);
    diag_free(&d);
    /* The 回答者 column wins over default_side; an empty cell falls back. */
    s = read("通番|セキュリティ対応目標|現在の対応状況|回答区分\n"
             "3|" OBJ3 "|from bank|銀行\n"
             "3|" OBJ3 "|from partner|\n"
             "1|" OBJ1 "||銀行\n"
             "2|" OBJ2 "|wrong side|partner\n"
             "3|" OBJ3 "|who?|誰か\n",
             SIDE_PARTNER, &d, &n);
    assert_int_equal(n, 2);
    diag_at(&d, "item 2 (target: bank) is not answered by the partner side", 5, 4);
    diag_at(&d, "invalid side '誰か'", 6, 4);
    assert_string_equal(answerset_find(s, 3, SIDE_BANK)->current, "from bank");
    assert_string_equal(answerset_find(s, 3, SIDE_PARTNER)->current, "from partner");
    assert_null(answerset_find(s, 1, SIDE_BANK)); /* empty row: no answer, no problem */
    answerset_free(s);
    diag_free(&d);
}

static void test_status_due(void **state)
{
    (void)state;
    diag_t d;
    int n;
    answerset_t *s = read("通番|セキュリティ対応目標|回答者|対応状況|対応予定日\n"
                          "1|" OBJ1 "||対応済|2026-03-31\n"
                          "2|" OBJ2 "||partial|2026/3/1\n"
                          "3|" OBJ3 "|API接続先| 未対応 |2026年12月1日\n"
                          "3|" OBJ3 "|銀行|na|令和8年3月31日\n",
                          -1, &d, &n);
    if (n)
        diag_print(&d, stderr, LANG_EN);
    assert_int_equal(n, 0);
    assert_int_equal(answerset_find(s, 1, SIDE_PARTNER)->status, STATUS_DONE);
    assert_string_equal(answerset_find(s, 1, SIDE_PARTNER)->due, "2026-03-31");
    assert_int_equal(answerset_find(s, 2, SIDE_BANK)->status, STATUS_PARTIAL);
    assert_string_equal(answerset_find(s, 2, SIDE_BANK)->due, "2026-03-01");
    assert_int_equal(answerset_find(s, 3, SIDE_PARTNER)->status, STATUS_TODO);
    assert_string_equal(answerset_find(s, 3, SIDE_PARTNER)->due, "2026-12-01");
    assert_int_equal(answerset_find(s, 3, SIDE_BANK)->status, STATUS_NA);
    assert_string_equal(answerset_find(s, 3, SIDE_BANK)->due, "2026-03-31");
    answerset_free(s);
    diag_free(&d);
    s = read("通番|セキュリティ対応目標|回答者|対応状況|対応予定日\n"
             "1|" OBJ1 "||２０２６／３／３１|\n"
             "1|" OBJ1 "||done|２０２６／３／３１\n"
             "2|" OBJ2 "||たぶん|2026/2/30\n"
             "3|" OBJ3 "|銀行||来年\n"
             "3|" OBJ3 "|API接続先||2026/03/31 0:00\n",
             -1, &d, &n);
    assert_int_equal(n, 4);
    diag_at(&d, "invalid status '２０２６／３／３１'", 2, 4);
    diag_at(&d, "invalid status 'たぶん'", 4, 4);
    diag_at(&d, "cannot read the due date '2026/2/30'", 4, 5);
    diag_at(&d, "cannot read the due date '来年'", 5, 5);
    /* Row 2 was refused, so row 3 is no duplicate; full-width dates read. */
    assert_string_equal(answerset_find(s, 1, SIDE_PARTNER)->due, "2026-03-31");
    assert_string_equal(answerset_find(s, 3, SIDE_PARTNER)->due, "2026-03-31");
    answerset_free(s);
    diag_free(&d);
}

static void test_duplicates(void **state)
{
    (void)state;
    diag_t d;
    int n;
    answerset_t *s = read("通番|セキュリティ対応目標|現在の対応状況|回答者\n"
                          "3|" OBJ3 "|one|銀行\n"
                          "3|" OBJ3 "|two|bank\n"
                          "3|" OBJ3 "||bank\n"
                          "1|" OBJ1 "|a\n"
                          "1|" OBJ1 "|b\n",
                          -1, &d, &n);
    assert_int_equal(n, 2);
    diag_at(&d, "duplicate answer for item 3 (bank)", 3, 1);
    diag_at(&d, "通番 1（API接続先）の回答が重複しています", 6, 1);
    assert_string_equal(answerset_find(s, 3, SIDE_BANK)->current, "one");
    /* A second table into the same set: the earlier answers count. */
    catalog_t *c = tcat();
    table_t *t = mk("通番|セキュリティ対応目標|現在の対応状況\n3|" OBJ3 "|again\n");
    assert_int_equal(sheet_read_answers(t, c, SIDE_BANK, s, &d), 1);
    table_free(t);
    catalog_free(c);
    answerset_free(s);
    diag_free(&d);
}

static void test_no_header(void **state)
{
    (void)state;
    diag_t d;
    int n;
    answerset_t *s = read("a|b\n1|2\n", -1, &d, &n);
    assert_int_equal(n, 1);
    assert_true(tu_diag_has(&d, "no checklist header row (the first 30 rows"));
    answerset_free(s);
    diag_free(&d);
}

static void test_row_cells(void **state)
{
    (void)state;
    catalog_t *c = tcat();
    char *cells[LCOL_COUNT];
    sheet_row_cells(&c->items[1], SIDE_BANK, NULL, cells);
    assert_string_equal(cells[LCOL_NO], "2");
    assert_string_equal(cells[LCOL_CATEGORY], "情報・セキュリティ管理態勢");
    assert_string_equal(cells[LCOL_OBJECTIVE], OBJ2);
    assert_string_equal(cells[LCOL_TARGET], "銀行");
    assert_null(cells[LCOL_CURRENT]);
    assert_null(cells[LCOL_REF_SOURCES]);
    assert_null(cells[LCOL_REF_PLACES]);
    assert_string_equal(cells[LCOL_NOTE], "銀行の備考");
    assert_string_equal(cells[LCOL_SIDE], "銀行");
    assert_null(cells[LCOL_STATUS]);
    assert_null(cells[LCOL_DUE]);
    sheet_row_cells_free(cells);
    assert_null(cells[LCOL_NO]);

    answer_t a = { .no = 3, .side = SIDE_PARTNER, .status = STATUS_PARTIAL,
                   .current = "現状", .gap = "", .plan = "計画", .due = "2026-03-31",
                   .note = "備考あり" };
    sheet_row_cells(&c->items[2], SIDE_PARTNER, &a, cells);
    assert_string_equal(cells[LCOL_TARGET], "共通");
    assert_string_equal(cells[LCOL_CURRENT], "現状");
    assert_null(cells[LCOL_GAP]);
    assert_string_equal(cells[LCOL_PLAN], "計画");
    assert_non_null(strstr(cells[LCOL_REF_SOURCES], REF_SOURCE_SECURITY));
    assert_non_null(strstr(cells[LCOL_REF_SOURCES], REF_SOURCE_FISC));
    assert_non_null(strstr(cells[LCOL_REF_PLACES], "3.3.2"));
    assert_non_null(strstr(cells[LCOL_REF_PLACES], "統20"));
    assert_string_equal(cells[LCOL_NOTE], "備考あり");
    assert_string_equal(cells[LCOL_SIDE], "API接続先");
    assert_string_equal(cells[LCOL_STATUS], "一部対応");
    assert_string_equal(cells[LCOL_DUE], "2026-03-31");
    sheet_row_cells_free(cells);
    catalog_free(c);
}

static void test_read_catalog(void **state)
{
    (void)state;
    diag_t d;
    diag_init(&d, "cat.csv");
    /* The seed's shape: title block, header repeated, layout spaces. */
    table_t *t = mk("「API接続チェックリスト原案(フォーマット)」(A3横Excel版) サンプル\n"
                    "平成30年8月2日\n"
                    "通番|区分|セキュリティ対応目標|対象者|現在の対応状況|課題認識|課題への対応計画|"
                    "関連規定|関連規定箇所|備考\n"
                    "1|情報・セキュリティ管理態勢|" OBJ1 "|API接続先||||FISC・安対基準|統4、統6|\n"
                    "「API接続チェックリスト原案(フォーマット)」(A3横Excel版)サンプル\n"
                    "通番|区分|セキュリティ対応目標|対象者|現在の対応状況|課題認識|課題への対応計画|"
                    "関連規定|関連規定箇所|備考\n"
                    "3| 外部委託管理 |" OBJ3 "|both||||||注意\n"
                    "2|情報・セキュリティ管理態勢|" OBJ2 "|銀行\n");
    catalog_t *c = sheet_read_catalog(t, &d);
    if (!c)
        diag_print(&d, stderr, LANG_EN);
    assert_non_null(c);
    assert_null(c->id);
    assert_int_equal(c->nitems, 3);
    assert_int_equal(c->items[0].target, TARGET_PARTNER);
    assert_int_equal(c->items[0].nrefs, 2);
    assert_string_equal(c->items[0].refs[1].clause, "統6");
    assert_int_equal(c->items[1].no, 2);
    assert_int_equal(c->items[1].target, TARGET_BANK);
    assert_null(c->items[1].note);
    assert_string_equal(c->items[2].category, "外部委託管理");
    assert_int_equal(c->items[2].target, TARGET_BOTH);
    assert_string_equal(c->items[2].note, "注意");
    catalog_free(c);
    table_free(t);

    /* Problems: duplicates, gaps, bad targets, empty fields, bad numbers. */
    t = mk("通番|区分|セキュリティ対応目標|対象者\n"
           "1|区分|目標|誰か\n"
           "1|区分|目標|共通\n"
           "3||目標|共通\n"
           "x|区分|目標|共通\n");
    assert_null(sheet_read_catalog(t, &d));
    diag_at(&d, "item 1: invalid target '誰か'", 2, 4);
    diag_at(&d, "item number 1 appears twice", 3, 1);
    diag_at(&d, "item 3 has no category", 4, 2);
    diag_at(&d, "item number 'x' is not an integer", 5, 1);
    table_free(t);
    diag_free(&d);
    diag_init(&d, NULL);
    t = mk("通番|区分|セキュリティ対応目標|対象者\n1|区分|目標|共通\n3|区分|目標|共通\n");
    assert_null(sheet_read_catalog(t, &d));
    assert_true(tu_diag_has(&d, "item 2 is missing"));
    table_free(t);
    t = mk("通番|区分|セキュリティ対応目標|対象者\n\n");
    assert_null(sheet_read_catalog(t, &d));
    assert_true(tu_diag_has(&d, "no items"));
    table_free(t);
    t = mk("通番|セキュリティ対応目標\n1|目標\n");
    assert_null(sheet_read_catalog(t, &d));
    assert_true(tu_diag_has(&d, "no 区分 column"));
    assert_true(tu_diag_has(&d, "no 対象者 column"));
    table_free(t);
    diag_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_find),    cmocka_unit_test(test_read_basic),
        cmocka_unit_test(test_objective),   cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_sides),       cmocka_unit_test(test_status_due),
        cmocka_unit_test(test_duplicates),  cmocka_unit_test(test_no_header),
        cmocka_unit_test(test_row_cells),   cmocka_unit_test(test_read_catalog),
    };
    return cmocka_run_group_tests_name("sheet", tests, NULL, NULL);
}
