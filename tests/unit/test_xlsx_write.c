/* Unit tests for the XLSX writer: the page layout, protection and
 * validations found in the XML it writes, and round trips through the
 * reader (answers -> XLSX -> answers, catalog -> XLSX -> catalog). */
#include "testutil.h"

#include "core/answer.h"
#include "formats/builtin.h"
#include "formats/json_io.h"
#include "formats/xlsx.h"
#include "util/file.h"
#include "util/i18n.h"
#include "util/xmem.h"

#include <zip.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A part of a zip file as a fresh string. */
static char *unzip_part(const char *path, const char *name)
{
    int err = 0;
    zip_t *za = zip_open(path, ZIP_RDONLY, &err);
    assert_non_null(za);
    zip_stat_t st;
    assert_int_equal(zip_stat(za, name, 0, &st), 0);
    zip_file_t *zf = zip_fopen(za, name, 0);
    assert_non_null(zf);
    char *p = xmalloc(st.size + 1);
    assert_int_equal(zip_fread(zf, p, st.size), (zip_int64_t)st.size);
    p[st.size] = '\0';
    zip_fclose(zf);
    zip_discard(za);
    return p;
}

static bool has_part(const char *path, const char *name)
{
    int err = 0;
    zip_t *za = zip_open(path, ZIP_RDONLY, &err);
    assert_non_null(za);
    bool found = zip_name_locate(za, name, 0) >= 0;
    zip_discard(za);
    return found;
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle)) {
        fprintf(stderr, "missing: %s\n", needle);
        fail();
    }
}

static char *tmp_path(const char *name)
{
    return xasprintf("%s/%s", tu_tmpdir(), name);
}

/* Write a template for one side and look at its XML. */
static void test_template_layout(void **state)
{
    (void)state;
    catalog_t *cat = builtin_catalog();
    for (int s = 0; s < 2; s++) {
        char *path = tmp_path(s ? "tpl-bank.xlsx" : "tpl-partner.xlsx");
        xlsx_write_opt_t opt = { .sides = s ? XLSX_SIDE_BANK : XLSX_SIDE_PARTNER };
        char *why = NULL;
        assert_int_equal(xlsx_write_checklist(path, cat, NULL, &opt, &why), 0);
        assert_null(why);
        assert_false(has_part(path, "xl/worksheets/sheet2.xml"));

        char *wb = unzip_part(path, "xl/workbook.xml");
        assert_contains(wb, s ? "<sheet name=\"銀行\"" : "<sheet name=\"API接続先\"");
        assert_contains(wb, "_xlnm.Print_Titles");
        assert_contains(wb, "!$5:$5</definedName>"); /* the header row repeats */
        assert_contains(wb, "_xlnm.Print_Area");
        free(wb);

        char *ws = unzip_part(path, "xl/worksheets/sheet1.xml");
        assert_contains(ws, "paperSize=\"8\"");
        assert_contains(ws, "orientation=\"landscape\"");
        assert_contains(ws, "fitToHeight=\"0\"");
        assert_contains(ws, "<pageSetUpPr fitToPage=\"1\"/>");
        assert_contains(ws, "<sheetProtection sheet=\"1\"");
        assert_contains(ws, "formatColumns=\"0\" formatRows=\"0\"");
        assert_contains(ws, "state=\"frozen\"");
        assert_contains(ws, "topLeftCell=\"A6\"");
        assert_contains(ws, "<dataValidation type=\"list\"");
        assert_contains(ws, "sqref=\"L6:L50\"");
        assert_contains(ws, "<formula1>\"対応済,一部対応,未対応,該当なし\"</formula1>");
        assert_contains(ws, "<dataValidation type=\"date\"");
        assert_contains(ws, "sqref=\"M6:M50\"");
        assert_contains(ws, "<oddFooter>&amp;C&amp;P / &amp;N</oddFooter>");
        assert_contains(ws, "<oddHeader>&amp;L「API接続チェックリスト原案(フォーマット)」");
        free(ws);

        char *st = unzip_part(path, "xl/styles.xml");
        assert_contains(st, "<protection locked=\"0\"/>");
        assert_contains(st, "<name val=\"MS PGothic\"/>");
        assert_contains(st, "<alignment vertical=\"top\" wrapText=\"1\"/>");
        assert_contains(st, "formatCode=\"yyyy-mm-dd\"");
        free(st);

        /* The cells: title block, headers, the rows of both kinds. */
        size_t len;
        char *data = tu_read(path, &len);
        diag_t d;
        diag_init(&d, path);
        tables_t ts = { 0 };
        assert_int_equal(xlsx_read_tables(data, len, &ts, &d), 0);
        const table_t *t = ts.v[0];
        assert_string_equal(table_cell(t, 0, 0), cat->title);
        assert_string_equal(table_cell(t, 1, 0), "平成30年8月2日");
        assert_string_equal(table_cell(t, 2, 0), "API接続チェックリストワーキンググループ");
        assert_string_equal(table_cell(t, 3, 0), s ? "回答者：銀行" : "回答者：API接続先");
        assert_string_equal(table_cell(t, 3, 4), "チェックリストID：api-checklist-2018-08-02");
        assert_string_equal(table_cell(t, 4, 0), "通番");
        assert_string_equal(table_cell(t, 4, 9), "備考");
        assert_string_equal(table_cell(t, 4, 12), "対応予定日");
        assert_int_equal(t->nrows, 5 + cat->nitems);
        assert_string_equal(table_cell(t, 5, 0), "1");
        assert_string_equal(table_cell(t, 5, 2), cat->items[0].objective);
        assert_string_equal(table_cell(t, 5, 10), s ? "" : "API接続先"); /* item 1: partner */
        assert_string_equal(table_cell(t, 5 + 38, 10), s ? "銀行" : "");  /* item 39: bank */
        assert_string_equal(table_cell(t, 5 + 8, 10), side_label(s ? SIDE_BANK : SIDE_PARTNER));
        tables_free(&ts);
        diag_free(&d);
        free(data);
        free(path);
    }
    catalog_free(cat);
}

/* A filled answer set: both sides, every status, multi-line text, due
 * dates, notes, text a spreadsheet could mistake for a formula. */
static answerset_t *filled(const catalog_t *cat)
{
    answerset_t *set = answerset_new(cat->id);
    int k = 0;
    for (size_t i = 0; i < cat->nitems; i++) {
        const item_t *it = &cat->items[i];
        for (int s = 0; s < 2; s++) {
            if (!side_answers((side_t)s, it->target) || (it->no % 7 == 3 && s == 0))
                continue; /* leave some unanswered */
            answer_t *a = answerset_get(set, it->no, (side_t)s);
            a->status = (status_t)(k % 5);
            switch (k % 6) {
            case 0:
                answer_set_text(&a->current, "規程を定め、年1回見直している。\n担当: 情報セキュリティ室");
                break;
            case 1:
                answer_set_text(&a->current, "=SUM(A1:A2) は数式ではなく文字列");
                answer_set_text(&a->gap, "手順書が古い <v2> & \"改訂中\"");
                answer_set_text(&a->plan, "2026年度上期に改訂する\n\n（2段落目）");
                answer_set_text(&a->due, "2026-09-30");
                break;
            case 2:
                answer_set_text(&a->note, "別紙3を参照");
                break;
            case 3:
                answer_set_text(&a->plan, "検討中");
                answer_set_text(&a->due, "2027-03-31");
                break;
            case 4:
                answer_set_text(&a->current, "  前後の空白  ");
                answer_set_text(&a->gap, "タブ\tと_x000D_の文字\r\nCRLF\rCR\x01制御文字");
                break;
            default:
                break;
            }
            if (answer_is_empty(a))
                answer_set_text(&a->current, "実施済み");
            k++;
        }
    }
    return set;
}

static void round_trip(const catalog_t *cat, const answerset_t *set, const char *name,
                       int sides)
{
    char *path = tmp_path(name);
    xlsx_write_opt_t opt = { .sides = sides };
    char *why = NULL;
    assert_int_equal(xlsx_write_checklist(path, cat, set, &opt, &why), 0);
    size_t len;
    char *data = tu_read(path, &len);
    diag_t d;
    diag_init(&d, path);
    answerset_t *back = xlsx_read_answers(data, len, cat, -1, &d);
    if (!back)
        diag_print(&d, stderr, LANG_EN);
    assert_non_null(back);
    /* Only the sides written come back. */
    answerset_t *want = answerset_new(cat->id);
    for (size_t i = 0; i < set->n; i++) {
        const answer_t *a = &set->v[i];
        int bit = a->side == SIDE_BANK ? XLSX_SIDE_BANK : XLSX_SIDE_PARTNER;
        if (sides && !(sides & bit))
            continue;
        answer_t *b = answerset_get(want, a->no, a->side);
        b->status = a->status;
        answer_set_text(&b->current, a->current);
        answer_set_text(&b->gap, a->gap);
        answer_set_text(&b->plan, a->plan);
        answer_set_text(&b->due, a->due);
        answer_set_text(&b->note, a->note);
    }
    bool eq = answerset_equal(want, back, &why);
    if (!eq)
        fprintf(stderr, "%s: %s\n", name, why);
    assert_true(eq);
    /* The same at the JSON level: the documents apicheck writes match. */
    char *j1 = answerset_to_json(want), *j2 = answerset_to_json(back);
    assert_string_equal(j1, j2);
    free(j1);
    free(j2);
    answerset_free(want);
    answerset_free(back);
    diag_free(&d);
    free(data);
    free(path);
}

static void test_round_trip(void **state)
{
    (void)state;
    catalog_t *cat = builtin_catalog();
    answerset_t *set = filled(cat);
    round_trip(cat, set, "both.xlsx", 0);
    round_trip(cat, set, "partner.xlsx", XLSX_SIDE_PARTNER);
    round_trip(cat, set, "bank.xlsx", XLSX_SIDE_BANK);
    /* Unprotected, the same. */
    char *path = tmp_path("open.xlsx");
    xlsx_write_opt_t opt = { .no_protect = true };
    assert_int_equal(xlsx_write_checklist(path, cat, set, &opt, NULL), 0);
    char *ws = unzip_part(path, "xl/worksheets/sheet1.xml");
    assert_null(strstr(ws, "sheetProtection"));
    free(ws);
    free(path);
    answerset_free(set);
    catalog_free(cat);
}

/* Without a mask: the sides that have answers, or both. */
static void test_default_sides(void **state)
{
    (void)state;
    catalog_t *cat = builtin_catalog();
    answerset_t *set = answerset_new(cat->id);
    answerset_get(set, 39, SIDE_BANK)->status = STATUS_DONE;
    answerset_get(set, 1, SIDE_PARTNER); /* empty: does not count */
    char *path = tmp_path("bank-only.xlsx");
    assert_int_equal(xlsx_write_checklist(path, cat, set, NULL, NULL), 0);
    char *wb = unzip_part(path, "xl/workbook.xml");
    assert_contains(wb, "<sheet name=\"銀行\"");
    assert_null(strstr(wb, "API接続先"));
    free(wb);
    free(path);
    path = tmp_path("both-template.xlsx");
    assert_int_equal(xlsx_write_checklist(path, cat, NULL, NULL, NULL), 0);
    wb = unzip_part(path, "xl/workbook.xml");
    assert_contains(wb, "<sheet name=\"API接続先\"");
    assert_contains(wb, "<sheet name=\"銀行\"");
    free(wb);
    free(path);
    answerset_free(set);
    catalog_free(cat);
}

/* The template read back as a catalog is the catalog. */
static void test_catalog_round_trip(void **state)
{
    (void)state;
    catalog_t *cat = builtin_catalog();
    char *path = tmp_path("catalog.xlsx");
    assert_int_equal(xlsx_write_checklist(path, cat, NULL, NULL, NULL), 0);
    size_t len;
    char *data = tu_read(path, &len);
    diag_t d;
    diag_init(&d, path);
    catalog_t *back = xlsx_read_catalog(data, len, &d);
    if (!back)
        diag_print(&d, stderr, LANG_EN);
    assert_non_null(back);
    char *why = NULL;
    bool eq = catalog_equal(cat, back, &why);
    if (!eq)
        fprintf(stderr, "%s\n", why);
    assert_true(eq);
    catalog_free(back);
    diag_free(&d);
    free(data);
    free(path);
    catalog_free(cat);
}

/* Answers to another catalog are refused. */
static void test_other_catalog(void **state)
{
    (void)state;
    catalog_t *cat = builtin_catalog();
    catalog_t *other = builtin_catalog();
    free(other->id);
    other->id = xstrdup("api-checklist-2018-10");
    char *path = tmp_path("other.xlsx");
    assert_int_equal(xlsx_write_checklist(path, other, NULL, NULL, NULL), 0);
    size_t len;
    char *data = tu_read(path, &len);
    diag_t d;
    diag_init(&d, path);
    assert_null(xlsx_read_answers(data, len, cat, -1, &d));
    assert_int_equal(d.n, 2); /* one per sheet */
    assert_int_equal(d.v[0].row, 4);
    assert_non_null(strstr(d.v[0].en, "another checklist (api-checklist-2018-10"));
    diag_free(&d);
    free(data);
    free(path);
    catalog_free(other);
    catalog_free(cat);
}

/* A write that cannot happen fails cleanly and leaves nothing behind. */
static void test_write_fails(void **state)
{
    (void)state;
    catalog_t *cat = builtin_catalog();
    char *why = NULL;
    i18n_set(LANG_EN);
    assert_int_equal(xlsx_write_checklist("build/tmp/no/such/dir/x.xlsx", cat, NULL, NULL, &why),
                     -1);
    assert_non_null(why);
    assert_non_null(strstr(why, "cannot write: build/tmp/no/such/dir/x.xlsx ("));
    free(why);
    i18n_set(LANG_JA);
    /* A text too long for a cell (Excel's limit is 32,767 characters). */
    answerset_t *set = answerset_new(cat->id);
    char *big = xmalloc(40000);
    memset(big, 'x', 39999);
    big[39999] = '\0';
    answer_set_text(&answerset_get(set, 2, SIDE_PARTNER)->current, big);
    free(big);
    char *dir = tmp_path("fail");
    char *mk = xasprintf("mkdir -p %s", dir);
    assert_int_equal(system(mk), 0);
    char *path = xasprintf("%s/big.xlsx", dir);
    why = NULL;
    assert_int_equal(xlsx_write_checklist(path, cat, set, NULL, &why), -1);
    assert_non_null(why);
    assert_non_null(strstr(why, "（通番 2）"));
    free(why);
    DIR *dh = opendir(dir);
    assert_non_null(dh);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(dh)))
        if (e->d_name[0] != '.')
            n++;
    closedir(dh);
    assert_int_equal(n, 0);
    free(path);
    free(mk);
    free(dir);
    answerset_free(set);
    catalog_free(cat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_template_layout),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_default_sides),
        cmocka_unit_test(test_catalog_round_trip),
        cmocka_unit_test(test_other_catalog),
        cmocka_unit_test(test_write_fails),
    };
    return cmocka_run_group_tests_name("xlsx_write", tests, NULL, NULL);
}
