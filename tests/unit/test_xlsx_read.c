/* Unit tests for the XLSX reader: workbooks assembled part by part from XML
 * written here (the shapes Excel, LibreOffice and other tools produce), and
 * hostile ones (zip bombs, truncation, DOCTYPEs, invalid UTF-8, absurd
 * references, too many entries). */
#include "testutil.h"

#include "core/answer.h"
#include "formats/builtin.h"
#include "formats/xlsx.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/xmem.h"

#include <zip.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ zip building */

typedef struct part {
    const char *name;
    const char *data;
    size_t len; /* 0: strlen(data) */
} part_t;

/* A zip of the given parts, deflated, as a fresh buffer. */
static char *make_zip(const part_t *parts, size_t n, size_t *len)
{
    static int seq;
    char path[512];
    snprintf(path, sizeof path, "%s/t%d.zip", tu_tmpdir(), seq++);
    int err = 0;
    zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    assert_non_null(za);
    for (size_t i = 0; i < n; i++) {
        size_t l = parts[i].len ? parts[i].len : strlen(parts[i].data);
        zip_source_t *src = zip_source_buffer(za, parts[i].data, l, 0);
        assert_non_null(src);
        zip_int64_t idx = zip_file_add(za, parts[i].name, src, ZIP_FL_ENC_UTF_8);
        assert_true(idx >= 0);
        zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 9);
    }
    assert_int_equal(zip_close(za), 0);
    return tu_read(path, len);
}

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define RT NS_REL "/"

static const char *const root_rels =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" RT "officeDocument\" Target=\"xl/workbook.xml\"/>"
    "</Relationships>";

static const char *const content_types =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>";

/* A workbook of one sheet (the sheet XML's <sheetData> content and what
 * follows it), with optional shared strings and styles. */
typedef struct book {
    const char *sheet_name;
    const char *sheet_body;  /* inside <worksheet>, e.g. "<sheetData>…</sheetData>" */
    const char *sst;         /* whole sharedStrings.xml, or NULL */
    const char *styles;      /* whole styles.xml, or NULL */
    const char *wb_extra;    /* inside <workbook> before <sheets>, or NULL */
} book_t;

static char *wrap_sheet(const char *body)
{
    return xasprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<worksheet xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\">%s</worksheet>",
                     body);
}

static char *book_zip(const book_t *b, size_t *len)
{
    char *wb = xasprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                         "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\">%s"
                         "<sheets><sheet name=\"%s\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"
                         "</workbook>",
                         b->wb_extra ? b->wb_extra : "", b->sheet_name ? b->sheet_name : "Sheet1");
    char *rels = xasprintf(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"" RT "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
        "%s%s</Relationships>",
        b->sst ? "<Relationship Id=\"rId2\" Type=\"" RT "sharedStrings\" "
                 "Target=\"sharedStrings.xml\"/>" : "",
        b->styles ? "<Relationship Id=\"rId3\" Type=\"" RT "styles\" Target=\"styles.xml\"/>"
                  : "");
    char *sheet = wrap_sheet(b->sheet_body);
    part_t parts[7] = {
        { "[Content_Types].xml", content_types, 0 },
        { "_rels/.rels", root_rels, 0 },
        { "xl/workbook.xml", wb, 0 },
        { "xl/_rels/workbook.xml.rels", rels, 0 },
        { "xl/worksheets/sheet1.xml", sheet, 0 },
    };
    size_t n = 5;
    if (b->sst)
        parts[n++] = (part_t){ "xl/sharedStrings.xml", b->sst, 0 };
    if (b->styles)
        parts[n++] = (part_t){ "xl/styles.xml", b->styles, 0 };
    char *z = make_zip(parts, n, len);
    free(wb);
    free(rels);
    free(sheet);
    return z;
}

/* Read a book into tables; expects success. */
static void read_ok(const char *z, size_t len, tables_t *ts)
{
    diag_t d;
    diag_init(&d, "t.xlsx");
    int rc = xlsx_read_tables(z, len, ts, &d);
    if (rc != 0)
        diag_print(&d, stderr, LANG_EN);
    assert_int_equal(rc, 0);
    assert_int_equal(d.n, 0);
    diag_free(&d);
}

/* Read expecting failure; the English messages must contain `want`. */
static void read_fails(const char *z, size_t len, const char *want)
{
    diag_t d;
    diag_init(&d, "t.xlsx");
    tables_t ts = { 0 };
    int rc = xlsx_read_tables(z, len, &ts, &d);
    assert_int_equal(rc, -1);
    assert_int_equal(ts.n, 0);
    assert_true(d.n > 0);
    bool found = false;
    for (size_t i = 0; i < d.n; i++) {
        char *ja = diag_format(&d, i, LANG_JA), *en = diag_format(&d, i, LANG_EN);
        if (strstr(en, want))
            found = true;
        assert_true(strlen(ja) > 0);
        free(ja);
        free(en);
    }
    if (!found)
        diag_print(&d, stderr, LANG_EN);
    assert_true(found);
    diag_free(&d);
}

/* The text of a cell by its sheet position (1-based row, 0-based column);
 * "" when absent. */
static const char *at(const table_t *t, long line, size_t col)
{
    for (size_t i = 0; i < t->nrows; i++)
        if (t->rows[i].line == line)
            return table_cell(t, i, col);
    return "";
}

/* ------------------------------------------------------------ cells */

static void test_strings_and_types(void **state)
{
    (void)state;
    const char *sst =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<sst xmlns=\"" NS_MAIN "\" count=\"99\" uniqueCount=\"99\">"
        "<si><t>通番</t></si>"
        /* rich text runs, with furigana runs that must not be read */
        "<si><r><rPr><b/></rPr><t>銀行</t></r><r><t xml:space=\"preserve\"> API </t></r>"
        "<rPh sb=\"0\" eb=\"2\"><t>ギンコウ</t></rPh><phoneticPr fontId=\"1\"/></si>"
        "<si><t>区分</t><rPh sb=\"0\" eb=\"2\"><t>クブン</t></rPh>"
        "<phoneticPr fontId=\"1\" type=\"noConversion\"/></si>"
        /* escapes: CR, a literal _x0041_ written as _x005F_x0041_, a pair */
        "<si><t>a_x000D_\nb _x005F_x0041_ _xD83D__xDE00_ _xZZZZ_</t></si>"
        "<si><t/></si>"
        "</sst>";
    const char *body =
        "<sheetData>"
        "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
        "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c>"
        "<c r=\"E1\" t=\"s\"><v>4</v></c></row>"
        "<row r=\"2\"><c r=\"A2\"><v>1</v></c><c r=\"B2\" t=\"n\"><v>2.5</v></c>"
        "<c r=\"C2\"><v>3.0000000000000004</v></c><c r=\"D2\"><v>-0</v></c>"
        "<c r=\"E2\"><v>1E+20</v></c><c r=\"F2\"><v>12.0</v></c></row>"
        "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>インライン</t></is></c>"
        "<c r=\"B3\" t=\"inlineStr\"><is><r><t>富</t></r><r><t>士</t></r>"
        "<rPh sb=\"0\" eb=\"1\"><t>フジ</t></rPh></is></c>"
        "<c r=\"C3\" t=\"b\"><v>1</v></c><c r=\"D3\" t=\"b\"><v>0</v></c>"
        "<c r=\"E3\" t=\"e\"><v>#N/A</v></c>"
        "<c r=\"F3\" t=\"str\"><f>A3&amp;\"x\"</f><v>インラインx</v></c>"
        "<c r=\"G3\"><f>1+1</f><v>2</v></c><c r=\"H3\"><f>NOW()</f></c>"
        "<c r=\"I3\" t=\"d\"><v>2026-03-31T00:00:00</v></c>"
        "<c r=\"J3\" t=\"d\"><v>2026-03-31T12:30:00</v></c></row>"
        "</sheetData>";
    book_t b = { .sheet_body = body, .sst = sst };
    size_t len;
    char *z = book_zip(&b, &len);
    tables_t ts = { 0 };
    read_ok(z, len, &ts);
    assert_int_equal(ts.n, 1);
    const table_t *t = ts.v[0];
    assert_string_equal(t->name, "Sheet1");
    assert_string_equal(at(t, 1, 0), "通番");
    assert_string_equal(at(t, 1, 1), "銀行 API ");
    assert_string_equal(at(t, 1, 2), "区分");
    assert_string_equal(at(t, 1, 3), "a\r\nb _x0041_ \xF0\x9F\x98\x80 _xZZZZ_");
    assert_string_equal(at(t, 1, 4), "");
    assert_string_equal(at(t, 2, 0), "1");
    assert_string_equal(at(t, 2, 1), "2.5");
    assert_string_equal(at(t, 2, 2), "3");
    assert_string_equal(at(t, 2, 3), "0");
    assert_string_equal(at(t, 2, 4), "1e+20");
    assert_string_equal(at(t, 2, 5), "12");
    assert_string_equal(at(t, 3, 0), "インライン");
    assert_string_equal(at(t, 3, 1), "富士");
    assert_string_equal(at(t, 3, 2), "TRUE");
    assert_string_equal(at(t, 3, 3), "FALSE");
    assert_string_equal(at(t, 3, 4), "#N/A");
    assert_string_equal(at(t, 3, 5), "インラインx");
    assert_string_equal(at(t, 3, 6), "2");
    assert_string_equal(at(t, 3, 7), "");
    assert_string_equal(at(t, 3, 8), "2026-03-31");
    assert_string_equal(at(t, 3, 9), "2026-03-31T12:30:00");
    tables_free(&ts);
    free(z);
}

static void test_missing_refs_and_merges(void **state)
{
    (void)state;
    /* No r attributes at all: rows and cells are counted.  Merged ranges
     * are filled from their top-left cell, a vertical one down its rows. */
    const char *body =
        "<sheetData>"
        "<row><c t=\"inlineStr\"><is><t>題名</t></is></c></row>"
        "<row><c t=\"inlineStr\"><is><t>A</t></is></c><c t=\"inlineStr\"><is><t>B</t></is></c>"
        "<c r=\"E2\" t=\"inlineStr\"><is><t>E</t></is></c><c><v>6</v></c></row>"
        "<row r=\"5\"><c t=\"inlineStr\"><is><t>区分X</t></is></c>"
        "<c t=\"inlineStr\"><is><t>x</t></is></c></row>"
        "<row><c t=\"inlineStr\"><is><t>hidden value</t></is></c><c><v>7</v></c></row>"
        "<row/>"
        "<row><c r=\"B7\"><v>8</v></c></row>"
        "</sheetData>"
        "<mergeCells count=\"2\"><mergeCell ref=\"A1:D1\"/><mergeCell ref=\"A5:A7\"/>"
        "<mergeCell ref=\"F9:F12\"/><mergeCell ref=\"H1\"/></mergeCells>";
    book_t b = { .sheet_body = body, .sheet_name = "チェック&amp;リスト" };
    size_t len;
    char *z = book_zip(&b, &len);
    tables_t ts = { 0 };
    read_ok(z, len, &ts);
    const table_t *t = ts.v[0];
    assert_string_equal(t->name, "チェック&リスト");
    for (size_t c = 0; c < 4; c++)
        assert_string_equal(at(t, 1, c), "題名");
    assert_string_equal(at(t, 1, 4), "");
    assert_string_equal(at(t, 2, 0), "A");
    assert_string_equal(at(t, 2, 1), "B");
    assert_string_equal(at(t, 2, 4), "E");
    assert_string_equal(at(t, 2, 5), "6");
    assert_string_equal(at(t, 5, 0), "区分X");
    assert_string_equal(at(t, 6, 0), "区分X"); /* Excel shows the top-left value */
    assert_string_equal(at(t, 6, 1), "7");
    assert_string_equal(at(t, 7, 0), "区分X");
    assert_string_equal(at(t, 7, 1), "8");
    assert_int_equal(t->nrows, 5); /* rows 1, 2, 5, 6, 7: empty rows are left out */
    tables_free(&ts);
    free(z);
}

/* Numbers as people see them: integers as written, others normalised, and
 * the same whichever way the reader takes them (plain integers skip
 * strtod); cells listed out of order land where their r says. */
static void test_numbers(void **state)
{
    (void)state;
    const char *body =
        "<sheetData><row r=\"1\">"
        "<c r=\"A1\"><v>0</v></c><c r=\"B1\"><v>12</v></c><c r=\"C1\"><v>007</v></c>"
        "<c r=\"D1\"><v> 12 </v></c><c r=\"E1\"><v>123456789012345</v></c>"
        "<c r=\"F1\"><v>1234567890123456</v></c><c r=\"G1\"><v>12.50</v></c>"
        "<c r=\"H1\"><v>-0</v></c><c r=\"I1\"><v>1e3</v></c></row>"
        "<row r=\"3\"><c r=\"B3\"><v>32</v></c><c r=\"A3\"><v>31</v></c></row>"
        "<row r=\"2\"><c r=\"A2\"><v>21</v></c></row></sheetData>";
    book_t b = { .sheet_body = body };
    size_t len;
    char *z = book_zip(&b, &len);
    tables_t ts = { 0 };
    read_ok(z, len, &ts);
    const table_t *t = ts.v[0];
    assert_string_equal(at(t, 1, 0), "0");
    assert_string_equal(at(t, 1, 1), "12");
    assert_string_equal(at(t, 1, 2), "7");
    assert_string_equal(at(t, 1, 3), "12");
    assert_string_equal(at(t, 1, 4), "123456789012345");
    assert_string_equal(at(t, 1, 5), "1.23456789012346e+15");
    assert_string_equal(at(t, 1, 6), "12.5");
    assert_string_equal(at(t, 1, 7), "0");
    assert_string_equal(at(t, 1, 8), "1000");
    assert_string_equal(at(t, 2, 0), "21");
    assert_string_equal(at(t, 3, 0), "31");
    assert_string_equal(at(t, 3, 1), "32");
    tables_free(&ts);
    free(z);
}

static void test_dates(void **state)
{
    (void)state;
    const char *styles =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<styleSheet xmlns=\"" NS_MAIN "\"><numFmts count=\"4\">"
        "<numFmt numFmtId=\"164\" formatCode=\"yyyy/mm/dd\"/>"
        "<numFmt numFmtId=\"165\" formatCode=\"0.00&quot;d&quot;\"/>"
        "<numFmt numFmtId=\"166\" formatCode=\"[$-411]ggge&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
        "<numFmt numFmtId=\"167\" formatCode=\"h:mm\"/></numFmts>"
        "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
        "<cellXfs count=\"6\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/>"
        "<xf numFmtId=\"164\"/><xf numFmtId=\"165\"/><xf numFmtId=\"166\"/>"
        "<xf numFmtId=\"167\"/></cellXfs></styleSheet>";
    const char *body =
        "<sheetData><row r=\"1\">"
        "<c r=\"A1\" s=\"1\"><v>46112</v></c><c r=\"B1\" s=\"2\"><v>46112.75</v></c>"
        "<c r=\"C1\" s=\"3\"><v>46112</v></c><c r=\"D1\" s=\"4\"><v>43314</v></c>"
        "<c r=\"E1\" s=\"5\"><v>0.5</v></c><c r=\"F1\" s=\"0\"><v>46112</v></c>"
        "<c r=\"G1\" s=\"99\"><v>46112</v></c><c r=\"H1\" s=\"1\"><v>59</v></c>"
        "<c r=\"I1\" s=\"1\"><v>61</v></c><c r=\"J1\" s=\"1\"><v>60</v></c>"
        "<c r=\"K1\" s=\"1\"><v>-3</v></c><c r=\"L1\" s=\"1\"><v>not a number</v></c>"
        "</row></sheetData>";
    book_t b = { .sheet_body = body, .styles = styles };
    size_t len;
    char *z = book_zip(&b, &len);
    tables_t ts = { 0 };
    read_ok(z, len, &ts);
    const table_t *t = ts.v[0];
    assert_string_equal(at(t, 1, 0), "2026-03-31");
    assert_string_equal(at(t, 1, 1), "2026-03-31");
    assert_string_equal(at(t, 1, 2), "46112");      /* 0.00"d" is no date */
    assert_string_equal(at(t, 1, 3), "2018-08-02"); /* Japanese era format */
    assert_string_equal(at(t, 1, 4), "0.5");        /* a time, not a date */
    assert_string_equal(at(t, 1, 5), "46112");
    assert_string_equal(at(t, 1, 6), "46112");      /* style index out of range */
    assert_string_equal(at(t, 1, 7), "1900-02-28");
    assert_string_equal(at(t, 1, 8), "1900-03-01");
    assert_string_equal(at(t, 1, 9), "60");         /* Excel's 1900-02-29 */
    assert_string_equal(at(t, 1, 10), "-3");
    assert_string_equal(at(t, 1, 11), "not a number");
    tables_free(&ts);
    free(z);

    /* The 1904 date system. */
    book_t b2 = { .sheet_body = "<sheetData><row r=\"1\"><c r=\"A1\" s=\"1\"><v>44650</v></c>"
                                "</row></sheetData>",
                  .styles = styles, .wb_extra = "<workbookPr date1904=\"1\"/>" };
    z = book_zip(&b2, &len);
    read_ok(z, len, &ts);
    assert_string_equal(at(ts.v[0], 1, 0), "2026-03-31");
    tables_free(&ts);
    free(z);
}

/* A workbook in LibreOffice's and other tools' shapes: a prefixed
 * namespace, absolute targets, sheet parts not named by position, no
 * shared strings part, several sheets, one hidden, a chart sheet. */
static void test_package_shapes(void **state)
{
    (void)state;
    const char *rels =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"" RT "officeDocument\" Target=\"/book/main.xml\"/>"
        "</Relationships>";
    const char *wb =
        "<x:workbook xmlns:x=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><x:sheets>"
        "<x:sheet name=\"二\" sheetId=\"2\" r:id=\"rB\"/>"
        "<x:sheet name=\"一\" sheetId=\"1\" r:id=\"rA\"/>"
        "<x:sheet name=\"図\" sheetId=\"3\" r:id=\"rC\"/>"
        "<x:sheet name=\"隠\" sheetId=\"4\" r:id=\"rD\" state=\"hidden\"/>"
        "</x:sheets></x:workbook>";
    const char *wbrels =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rA\" Type=\"" RT "worksheet\" Target=\"/book/sheets/a.xml\"/>"
        "<Relationship Id=\"rB\" Type=\"" RT "worksheet\" Target=\"./sheets/../sheets/b.xml\"/>"
        "<Relationship Id=\"rC\" Type=\"" RT "chartsheet\" Target=\"charts/c.xml\"/>"
        "<Relationship Id=\"rD\" Type=\"" RT "worksheet\" Target=\"sheets/d.xml\"/>"
        "<Relationship Id=\"rX\" Type=\"" RT "hyperlink\" Target=\"https://example.com/\" "
        "TargetMode=\"External\"/>"
        "</Relationships>";
    const char *a =
        "<x:worksheet xmlns:x=\"" NS_MAIN "\"><x:sheetData><x:row x:r=\"1\">"
        "<x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>sheet a</x:t></x:is></x:c>"
        "</x:row></x:sheetData></x:worksheet>";
    const char *bb =
        "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"1\">"
        "<c r=\"A1\" t=\"inlineStr\"><is><t>sheet b</t></is></c>"
        "</row></sheetData></worksheet>";
    const char *d =
        "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"2\">"
        "<c r=\"B2\"><v>4</v></c></row></sheetData></worksheet>";
    part_t parts[] = {
        { "_rels/.rels", rels, 0 },
        { "book/main.xml", wb, 0 },
        { "book/_rels/main.xml.rels", wbrels, 0 },
        { "book/sheets/a.xml", a, 0 },
        { "book/sheets/b.xml", bb, 0 },
        { "book/sheets/d.xml", d, 0 },
        { "book/charts/c.xml", "<chartsheet/>", 0 },
    };
    size_t len;
    char *z = make_zip(parts, sizeof parts / sizeof parts[0], &len);
    tables_t ts = { 0 };
    read_ok(z, len, &ts);
    assert_int_equal(ts.n, 3);
    assert_string_equal(ts.v[0]->name, "二");
    assert_string_equal(at(ts.v[0], 1, 0), "sheet b");
    assert_string_equal(ts.v[1]->name, "一");
    assert_string_equal(at(ts.v[1], 1, 0), "sheet a");
    assert_string_equal(ts.v[2]->name, "隠");
    assert_string_equal(at(ts.v[2], 2, 1), "4");
    tables_free(&ts);
    free(z);
}

/* ------------------------------------------------------------ checklists */

static void xml_escape(buf_t *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': buf_adds(b, "&lt;"); break;
        case '>': buf_adds(b, "&gt;"); break;
        case '&': buf_adds(b, "&amp;"); break;
        case '"': buf_adds(b, "&quot;"); break;
        default: buf_addc(b, *s);
        }
    }
}

static void inline_cell(buf_t *b, const char *ref, const char *text)
{
    buf_printf(b, "<c r=\"%s\" t=\"inlineStr\"><is><t xml:space=\"preserve\">", ref);
    xml_escape(b, text);
    buf_adds(b, "</t></is></c>");
}

/* A checklist sheet as a bank might send it: a title block, the header on
 * row 12, columns in another order with extra columns, shared strings with
 * furigana, the category merged down its items, the date as a date cell. */
static char *bank_style_book(const catalog_t *cat, const char *side_label, size_t *len)
{
    buf_t s = BUF_INIT(0);
    buf_adds(&s, "<sheetData><row r=\"1\">");
    inline_cell(&s, "A1", "API接続チェックリスト（当行版）");
    buf_adds(&s, "</row><row r=\"3\">");
    if (side_label) {
        char *who = xasprintf("回答者: %s", side_label);
        inline_cell(&s, "B3", who);
        free(who);
    }
    buf_adds(&s, "</row><row r=\"12\">");
    /* columns: A 確認日 (extra) B 通番 C セキュリティ対応目標 D 区分
     * E 対応状況 F 現在の対応状況 G 課題への対応計画 H 対応予定日 I 課題認識 */
    const char *hdr[] = { "確認日", "通番", "セキュリティ対応目標", "区分", "対応状況",
                          "現在の対応状況", "課題への 対応計画", "対応予定日", "課題認識" };
    for (int c = 0; c < 9; c++) {
        char ref[8];
        snprintf(ref, sizeof ref, "%c12", 'A' + c);
        if (c == 1)
            buf_adds(&s, "<c r=\"B12\" t=\"s\"><v>0</v></c>");
        else
            inline_cell(&s, ref, hdr[c]);
    }
    buf_adds(&s, "</row>");
    /* items 1 and 2 (partner), 9 (both) */
    int nos[] = { 1, 2, 9 };
    for (int i = 0; i < 3; i++) {
        const item_t *it = catalog_find(cat, nos[i]);
        long r = 13 + i;
        char ref[16];
        buf_printf(&s, "<row r=\"%ld\">", r);
        buf_printf(&s, "<c r=\"B%ld\"><v>%d</v></c>", r, it->no);
        snprintf(ref, sizeof ref, "C%ld", r);
        inline_cell(&s, ref, it->objective);
        if (i == 0) {
            snprintf(ref, sizeof ref, "D%ld", r);
            inline_cell(&s, ref, it->category); /* merged D13:D14 */
        }
        snprintf(ref, sizeof ref, "E%ld", r);
        inline_cell(&s, ref, i == 0 ? "対応済" : i == 1 ? "一部対応" : "未対応");
        snprintf(ref, sizeof ref, "F%ld", r);
        inline_cell(&s, ref, i == 0 ? "規程で定め、\n年1回見直している。" : "一部のみ");
        if (i > 0) {
            snprintf(ref, sizeof ref, "G%ld", r);
            inline_cell(&s, ref, "来年度に整備する");
            buf_printf(&s, "<c r=\"H%ld\" s=\"1\"><v>46112</v></c>", r);
            snprintf(ref, sizeof ref, "I%ld", r);
            inline_cell(&s, ref, "手順書が古い");
        }
        buf_adds(&s, "</row>");
    }
    buf_adds(&s, "</sheetData><mergeCells count=\"1\"><mergeCell ref=\"D13:D14\"/></mergeCells>");
    const char *sst = "<sst xmlns=\"" NS_MAIN "\"><si><t>通番</t><rPh sb=\"0\" eb=\"2\">"
                      "<t>ツウバン</t></rPh></si></sst>";
    const char *styles = "<styleSheet xmlns=\"" NS_MAIN "\"><cellXfs>"
                         "<xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs></styleSheet>";
    char *body = buf_take(&s);
    char *other = wrap_sheet("<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is>"
                             "<t>記入要領</t></is></c></row></sheetData>");
    char *sheet = wrap_sheet(body);
    const char *wb =
        "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheets>"
        "<sheet name=\"記入要領\" sheetId=\"1\" r:id=\"rId1\"/>"
        "<sheet name=\"チェックリスト\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>";
    const char *rels =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"" RT "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
        "<Relationship Id=\"rId2\" Type=\"" RT "worksheet\" Target=\"worksheets/sheet2.xml\"/>"
        "<Relationship Id=\"rId3\" Type=\"" RT "sharedStrings\" Target=\"sharedStrings.xml\"/>"
        "<Relationship Id=\"rId4\" Type=\"" RT "styles\" Target=\"styles.xml\"/>"
        "</Relationships>";
    part_t parts[] = {
        { "_rels/.rels", root_rels, 0 },
        { "xl/workbook.xml", wb, 0 },
        { "xl/_rels/workbook.xml.rels", rels, 0 },
        { "xl/worksheets/sheet1.xml", other, 0 },
        { "xl/worksheets/sheet2.xml", sheet, 0 },
        { "xl/sharedStrings.xml", sst, 0 },
        { "xl/styles.xml", styles, 0 },
    };
    char *z = make_zip(parts, sizeof parts / sizeof parts[0], len);
    free(body);
    free(other);
    free(sheet);
    return z;
}

static void test_answers_bank_layout(void **state)
{
    (void)state;
    catalog_t *cat = builtin_catalog();
    size_t len;
    char *z = bank_style_book(cat, "API接続先", &len);
    diag_t d;
    diag_init(&d, "bank.xlsx");
    answerset_t *set = xlsx_read_answers(z, len, cat, -1, &d);
    if (!set)
        diag_print(&d, stderr, LANG_EN);
    assert_non_null(set);
    answerset_t *want = answerset_new(cat->id);
    answer_t *a = answerset_get(want, 1, SIDE_PARTNER);
    a->status = STATUS_DONE;
    answer_set_text(&a->current, "規程で定め、\n年1回見直している。");
    for (int no = 2; no <= 9; no += 7) {
        a = answerset_get(want, no, SIDE_PARTNER);
        a->status = no == 2 ? STATUS_PARTIAL : STATUS_TODO;
        answer_set_text(&a->current, "一部のみ");
        answer_set_text(&a->plan, "来年度に整備する");
        answer_set_text(&a->due, "2026-03-31");
        answer_set_text(&a->gap, "手順書が古い");
    }
    char *why = NULL;
    bool eq = answerset_equal(set, want, &why);
    if (!eq)
        fprintf(stderr, "%s\n", why);
    assert_true(eq);
    answerset_free(set);
    answerset_free(want);
    diag_free(&d);
    free(z);

    /* Without the title block's 回答者, item 9 (共通) is ambiguous. */
    z = bank_style_book(cat, NULL, &len);
    diag_init(&d, "bank.xlsx");
    set = xlsx_read_answers(z, len, cat, -1, &d);
    assert_null(set);
    assert_true(d.n >= 1);
    assert_string_equal(d.v[0].sheet, "チェックリスト");
    assert_int_equal(d.v[0].row, 15);
    diag_free(&d);
    /* … unless the caller names the side. */
    diag_init(&d, "bank.xlsx");
    set = xlsx_read_answers(z, len, cat, SIDE_PARTNER, &d);
    assert_non_null(set);
    assert_int_equal(answerset_find(set, 9, SIDE_PARTNER)->status, STATUS_TODO);
    answerset_free(set);
    diag_free(&d);
    free(z);

    /* An unknown side in the title block is reported where it stands. */
    z = bank_style_book(cat, "証券会社", &len);
    diag_init(&d, "bank.xlsx");
    assert_null(xlsx_read_answers(z, len, cat, -1, &d));
    assert_string_equal(d.v[0].sheet, "チェックリスト");
    assert_int_equal(d.v[0].row, 3);
    assert_int_equal(d.v[0].col, 2);
    diag_free(&d);
    free(z);

    /* A workbook without a checklist sheet. */
    book_t b = { .sheet_body = "<sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
                               "</sheetData>" };
    z = book_zip(&b, &len);
    diag_init(&d, "x.xlsx");
    assert_null(xlsx_read_answers(z, len, cat, -1, &d));
    assert_null(xlsx_read_catalog(z, len, &d));
    assert_int_equal(d.n, 2);
    assert_non_null(strstr(d.v[0].en, "no checklist sheet"));
    diag_free(&d);
    free(z);
    catalog_free(cat);
}

/* ------------------------------------------------------------ hostile input */

static void test_not_zip(void **state)
{
    (void)state;
    read_fails("hello, world", 12, "not an XLSX");
    read_fails("", 0, "not an XLSX");
    const char cfb[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 and more bytes";
    read_fails(cfb, sizeof cfb - 1, "password-protected");

    book_t b = { .sheet_body = "<sheetData/>" };
    size_t len;
    char *z = book_zip(&b, &len);
    /* Truncated at every length from a few bytes to nearly whole. */
    for (size_t cut = 1; cut < len; cut += len / 23 + 1) {
        diag_t d;
        diag_init(&d, "cut.xlsx");
        tables_t ts = { 0 };
        assert_int_equal(xlsx_read_tables(z, cut, &ts, &d), -1);
        assert_true(d.n > 0);
        diag_free(&d);
    }
    read_fails(z, len - 1, "XLSX");
    /* A zip without a workbook. */
    part_t p[] = { { "hello.txt", "hello", 0 } };
    free(z);
    z = make_zip(p, 1, &len);
    read_fails(z, len, "xl/workbook.xml is missing");
    free(z);
}

static void test_zip_bomb(void **state)
{
    (void)state;
    /* One part far above the per-part cap: 40 MB of spaces between the
     * worksheet's elements, a few tens of kilobytes deflated. */
    size_t big = 40u * 1024u * 1024u;
    char *pad = xmalloc(big + 200);
    int h = snprintf(pad, 200, "<worksheet xmlns=\"%s\">", NS_MAIN);
    memset(pad + h, ' ', big);
    memcpy(pad + h + big, "<sheetData/></worksheet>", sizeof "<sheetData/></worksheet>");
    const char *wb = "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheets>"
                     "<sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
    const char *rels =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"" RT "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
        "</Relationships>";
    part_t parts[] = {
        { "_rels/.rels", root_rels, 0 },
        { "xl/workbook.xml", wb, 0 },
        { "xl/_rels/workbook.xml.rels", rels, 0 },
        { "xl/worksheets/sheet1.xml", pad, 0 },
    };
    size_t len;
    char *z = make_zip(parts, 4, &len);
    assert_true(len < 1024u * 1024u);
    read_fails(z, len, "decompressed size exceeds the limit");
    free(z);

    /* Parts each under the cap, together above the total. */
    size_t part = 30u * 1024u * 1024u;
    h = snprintf(pad, 200, "<sst xmlns=\"%s\">", NS_MAIN);
    memset(pad + h, ' ', part);
    memcpy(pad + h + part, "</sst>", sizeof "</sst>");
    const char *rels3 =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"" RT "worksheet\" Target=\"s1.xml\"/>"
        "<Relationship Id=\"rId2\" Type=\"" RT "sharedStrings\" Target=\"s1.xml\"/>"
        "<Relationship Id=\"rId3\" Type=\"" RT "styles\" Target=\"s1.xml\"/>"
        "</Relationships>";
    part_t parts3[] = {
        { "_rels/.rels", root_rels, 0 },
        { "xl/workbook.xml", wb, 0 },
        { "xl/_rels/workbook.xml.rels", rels3, 0 },
        { "xl/s1.xml", pad, 0 },
        { "xl/worksheets/sheet1.xml", "<worksheet><sheetData/></worksheet>", 0 },
    };
    z = make_zip(parts3, 5, &len);
    read_fails(z, len, "the workbook's decompressed size exceeds the limit");
    free(z);
    free(pad);
}

static void test_cell_limits(void **state)
{
    (void)state;
    /* A 50 MB cell: the part is refused before the cell is looked at. */
    size_t big = 50u * 1024u * 1024u;
    const char *head = "<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>";
    const char *tail = "</t></is></c></row></sheetData>";
    size_t hl = strlen(head), tl = strlen(tail) + 1;
    char *body = xmalloc(hl + big + tl);
    memcpy(body, head, hl);
    memset(body + hl, 'a', big);
    memcpy(body + hl + big, tail, tl);
    book_t b = { .sheet_body = body };
    size_t len;
    char *z = book_zip(&b, &len);
    read_fails(z, len, "xl/worksheets/sheet1.xml: decompressed size exceeds the limit");
    free(z);
    /* A cell just over its own limit, in a part well under the part's. */
    memcpy(body + hl + LIMIT_CELL_BYTES + 1, tail, tl);
    z = book_zip(&b, &len);
    read_fails(z, len, "sheet 'Sheet1': row 1: column A: cell too long");
    free(z);
    free(body);

    struct {
        const char *body, *want;
    } cases[] = {
        { "<sheetData><row r=\"1\"><c r=\"A99999999\"><v>1</v></c></row></sheetData>",
          "invalid cell reference 'A99999999'" },
        { "<sheetData><row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row></sheetData>",
          "invalid cell reference 'XFE1'" },
        { "<sheetData><row r=\"1\"><c r=\"AAAAAAAAAAAAAAAAAAAAAAAAA1\"><v>1</v></c></row>"
          "</sheetData>",
          "invalid cell reference" },
        { "<sheetData><row r=\"1\"><c r=\"A0\"><v>1</v></c></row></sheetData>",
          "invalid cell reference 'A0'" },
        { "<sheetData><row r=\"99999999999999999999\"/></sheetData>", "invalid row number" },
        { "<sheetData><row r=\"-1\"/></sheetData>", "invalid row number" },
        { "<sheetData><row r=\"20000\"><c><v>1</v></c></row></sheetData>",
          "row 20000: column A: too many rows" },
        { "<sheetData><row r=\"1\"><c r=\"XFD1\"><v>1</v></c></row></sheetData>",
          "too many columns" },
        { "<sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row></sheetData>",
          "shared string index '0' out of range" },
        { "<sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>-1</v></c></row></sheetData>",
          "out of range" },
        { "<sheetData/><mergeCells><mergeCell ref=\"A1:ZZZZ9\"/></mergeCells>",
          "invalid merged range" },
        { "<sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
          "<row r=\"2\"><c r=\"A2\"><v>2</v></c></row></sheetData>"
          "<mergeCells><mergeCell ref=\"A1:IV10000\"/></mergeCells>",
          "too many cells" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        book_t c = { .sheet_body = cases[i].body };
        z = book_zip(&c, &len);
        read_fails(z, len, cases[i].want);
        free(z);
    }

    /* Too deep. */
    buf_t deep = BUF_INIT(0);
    for (int i = 0; i < 100; i++)
        buf_adds(&deep, "<x>");
    for (int i = 0; i < 100; i++)
        buf_adds(&deep, "</x>");
    book_t c = { .sheet_body = buf_str(&deep) };
    z = book_zip(&c, &len);
    read_fails(z, len, "XML nested too deeply");
    free(z);
    buf_free(&deep);
}

static void test_xml_attacks(void **state)
{
    (void)state;
    const char *laughs =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE sst [\n"
        " <!ENTITY lol \"lol\">\n"
        " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
        " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
        "]>\n"
        "<sst xmlns=\"" NS_MAIN "\"><si><t>&lol3;</t></si></sst>";
    book_t b = { .sheet_body = "<sheetData/>", .sst = laughs };
    size_t len;
    char *z = book_zip(&b, &len);
    read_fails(z, len, "xl/sharedStrings.xml: XML with a DOCTYPE declaration is refused");
    free(z);

    const char *ext = "<?xml version=\"1.0\"?><!DOCTYPE x SYSTEM \"file:///etc/passwd\">"
                      "<sst><si><t>x</t></si></sst>";
    book_t e = { .sheet_body = "<sheetData/>", .sst = ext };
    z = book_zip(&e, &len);
    read_fails(z, len, "DOCTYPE");
    free(z);

    /* Invalid UTF-8 in a cell: a lone continuation byte, an overlong, a
     * surrogate, a sequence cut short. */
    const char *bad[] = { "ab\x80", "\xC0\xAF", "\xED\xA0\x80", "\xE3\x81" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *sst = xasprintf("<sst xmlns=\"" NS_MAIN "\"><si><t>%s</t></si></sst>", bad[i]);
        book_t u = { .sheet_body = "<sheetData/>", .sst = sst };
        z = book_zip(&u, &len);
        read_fails(z, len, "invalid UTF-8");
        free(z);
        free(sst);
    }
    /* Malformed XML. */
    book_t m = { .sheet_body = "<sheetData><row></sheetData>" };
    z = book_zip(&m, &len);
    read_fails(z, len, "not well-formed XML");
    free(z);
    /* A character reference to a surrogate, and _x escapes that would make
     * one: refused by expat, kept literal by the decoder. */
    book_t s = { .sheet_body = "<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is>"
                               "<t>&#xD800;</t></is></c></row></sheetData>" };
    z = book_zip(&s, &len);
    read_fails(z, len, "not well-formed XML");
    free(z);
    book_t s2 = { .sheet_body = "<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is>"
                                "<t>_xD800_x_x0000_y</t></is></c></row></sheetData>" };
    z = book_zip(&s2, &len);
    tables_t ts = { 0 };
    read_ok(z, len, &ts);
    assert_string_equal(at(ts.v[0], 1, 0), "_xD800_xy");
    tables_free(&ts);
    free(z);
}

static void test_too_many(void **state)
{
    (void)state;
    /* Too many zip entries. */
    size_t n = LIMIT_ZIP_ENTRIES + 1;
    part_t *parts = xcalloc(n, sizeof *parts);
    char **names = xcalloc(n, sizeof *names);
    for (size_t i = 0; i < n; i++) {
        names[i] = xasprintf("f%zu.txt", i);
        parts[i] = (part_t){ names[i], "x", 0 };
    }
    size_t len;
    char *z = make_zip(parts, n, &len);
    read_fails(z, len, "too many zip entries");
    free(z);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(parts);

    /* Too many sheets. */
    buf_t wb = BUF_INIT(0);
    buf_adds(&wb, "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheets>");
    for (int i = 0; i <= LIMIT_SHEETS; i++)
        buf_printf(&wb, "<sheet name=\"S%d\" sheetId=\"%d\" r:id=\"rId1\"/>", i, i + 1);
    buf_adds(&wb, "</sheets></workbook>");
    part_t p2[] = { { "_rels/.rels", root_rels, 0 }, { "xl/workbook.xml", buf_str(&wb), 0 } };
    z = make_zip(p2, 2, &len);
    read_fails(z, len, "too many sheets");
    free(z);
    buf_free(&wb);

    /* Too many shared strings. */
    buf_t sst = BUF_INIT(0);
    buf_adds(&sst, "<sst>");
    for (int i = 0; i <= LIMIT_SHARED_STRINGS; i++)
        buf_adds(&sst, "<si/>");
    buf_adds(&sst, "</sst>");
    book_t b = { .sheet_body = "<sheetData/>", .sst = buf_str(&sst) };
    z = book_zip(&b, &len);
    read_fails(z, len, "too many shared strings");
    free(z);
    buf_free(&sst);

    /* A relationship pointing outside the package, one that is missing. */
    const char *rels =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"" RT "worksheet\" Target=\"../../etc/passwd\"/>"
        "</Relationships>";
    const char *wbx = "<workbook xmlns:r=\"" NS_REL "\"><sheets>"
                      "<sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
    part_t p3[] = { { "_rels/.rels", root_rels, 0 }, { "xl/workbook.xml", wbx, 0 },
                    { "xl/_rels/workbook.xml.rels", rels, 0 } };
    z = make_zip(p3, 3, &len);
    read_fails(z, len, "invalid sheet target '../../etc/passwd'");
    free(z);
    const char *wby = "<workbook xmlns:r=\"" NS_REL "\"><sheets>"
                      "<sheet name=\"S\" sheetId=\"1\" r:id=\"rId9\"/></sheets></workbook>";
    p3[1].data = wby;
    z = make_zip(p3, 3, &len);
    read_fails(z, len, "sheet reference 'rId9' not found");
    free(z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strings_and_types),
        cmocka_unit_test(test_missing_refs_and_merges),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_package_shapes),
        cmocka_unit_test(test_answers_bank_layout),
        cmocka_unit_test(test_not_zip),
        cmocka_unit_test(test_zip_bomb),
        cmocka_unit_test(test_cell_limits),
        cmocka_unit_test(test_xml_attacks),
        cmocka_unit_test(test_too_many),
    };
    return cmocka_run_group_tests_name("xlsx_read", tests, NULL, NULL);
}
