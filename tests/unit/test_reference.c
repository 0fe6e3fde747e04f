/* Unit tests for core/reference: the 関連規定 / 関連規定箇所 cells of all 45
 * seed items against expectations written out by hand, every trap of
 * DOMAIN.md in isolation, the format -> parse round trip, and malformed
 * cells producing located diagnostics. */
#include "testutil.h"

#include "core/catalog.h"
#include "core/reference.h"
#include "util/diag.h"
#include "util/limits.h"
#include "util/xmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct eref {
    const char *source, *clause, *title, *point;
} eref_t;

#define MAXE 8

/* Titles written out here, independently of the module's own table. */
#define T331 "API接続先の適格性"
#define T332 "外部からの不正アクセス対策"
#define T333 "内部からの不正アクセス対策"
#define T334 "不正アクセス発生時の対応"
#define T342 "説明・表示、同意取得"
#define T344 "被害発生・拡大の未然防止"
#define T345 "利用者に対する責任・補償"

#define FI(c)       { REF_SOURCE_FISC, c, NULL, NULL }
#define SE(c, t, p) { REF_SOURCE_SECURITY, c, t, p }
#define PR(c, t)    { REF_SOURCE_PROTECT, c, t, NULL }

/* The two cells of every seed item, byte for byte as in the seed, and the
 * references they must give. */
static const struct seed_row {
    int no;
    const char *src, *pl;
    eref_t exp[MAXE];
} rows[] = {
    { 1, "FISC・安対基準",
      "統4、統6、統7、 統8",
      { FI("統4"), FI("統6"), FI("統7"), FI("統8") } },
    { 2, "銀行API報告書・ セキュリティ原則 ----- FISC・安対基準",
      "3.3.1 API接続先の 適格性 d ----- 統1、統12",
      { SE("3.3.1", T331, "d"), FI("統1"), FI("統12") } },
    { 3, "銀行API報告書・ セキュリティ原則 ----- FISC・安対基準",
      "3.3.1 API接続先の 適格性 d 3.3.3 内部からの 不正アクセス対策 e ----- 統13、監1",
      { SE("3.3.1", T331, "d"), SE("3.3.3", T333, "e"), FI("統13"), FI("監1") } },
    { 4, "銀行API報告書・ セキュリティ原則",
      "3.3.3 内部からの 不正アクセス対策 e",
      { SE("3.3.3", T333, "e") } },
    { 5, "銀行API報告書・ セキュリティ原則",
      "3.3.3 内部からの 不正アクセス対策 c",
      { SE("3.3.3", T333, "c") } },
    { 6, "銀行API報告書・ セキュリティ原則",
      "3.3.3 内部からの 不正アクセス対策 e",
      { SE("3.3.3", T333, "e") } },
    { 7, "銀行API報告書・ セキュリティ原則",
      "3.3.1 API接続先の 適格性 b",
      { SE("3.3.1", T331, "b") } },
    { 8, "", "", { { 0 } } },
    { 9, "銀行API報告書・セキュリティ原則",
      "3.3.4 不正アクセス発生時の対応c",
      { SE("3.3.4", T334, "c") } },
    { 10, "FISC・安対基準",
      "統20、統21、統22、統23",
      { FI("統20"), FI("統21"), FI("統22"), FI("統23") } },
    { 11, "FISC・安対基準",
      "統20、統21、統22、統23、統24",
      { FI("統20"), FI("統21"), FI("統22"), FI("統23"), FI("統24") } },
    { 12, "銀行API報告書・セキュリティ原則",
      "3.3.4 不正アクセス発生時の対応c",
      { SE("3.3.4", T334, "c") } },
    { 13, "銀行API報告書・利用者保護原則",
      "3.4.2 説明・表示、同意取得",
      { PR("3.4.2", T342) } },
    { 14, "銀行API報告書・利用者保護原則",
      "3.4.2 説明・表示、同意取得",
      { PR("3.4.2", T342) } },
    { 15, "銀行API報告書・利用者保護原則",
      "3.4.4 被害発生・拡大の未然防止",
      { PR("3.4.4", T344) } },
    { 16, "銀行API報告書・利用者保護原則",
      "3.4.5 利用者に対する責任・補償",
      { PR("3.4.5", T345) } },
    { 17, "銀行API報告書・利用者保護原則",
      "3.4.5 利用者に対する責任・補償",
      { PR("3.4.5", T345) } },
    { 18, "銀行API報告書・セキュリティ原則",
      "3.3.3 内部からの不正アクセス対策e",
      { SE("3.3.3", T333, "e") } },
    { 19, "", "", { { 0 } } },
    { 20, "銀行API報告書・セキュリティ原則 ----- FISC・安対基準",
      "3.3.3 内部からの不正アクセス対策e ----- 実14",
      { SE("3.3.3", T333, "e"), FI("実14") } },
    { 21, "銀行API報告書・セキュリティ原則",
      "3.3.2 外部からの不正アクセス対策t",
      { SE("3.3.2", T332, "t") } },
    { 22, "銀行API報告書・セキュリティ原則 ----- FISC・安対基準",
      "3.3.3 内部からの不正アクセス対策 ----- 実27、実29",
      { SE("3.3.3", T333, NULL), FI("実27"), FI("実29") } },
    { 23, "FISC・安対基準",
      "実1、実8、実16、 実26",
      { FI("実1"), FI("実8"), FI("実16"), FI("実26") } },
    { 24, "FISC・安対基準",
      "実10",
      { FI("実10") } },
    { 25, "", "", { { 0 } } },
    { 26, "", "", { { 0 } } },
    { 27, "", "", { { 0 } } },
    { 28, "銀行API報告書・セキュリティ原則",
      "3.3.2 外部からの不正アクセス対策 t、y",
      { SE("3.3.2", T332, "t"), SE("3.3.2", T332, "y") } },
    { 29, "銀行API報告書・セキュリティ原則",
      "3.3.3 内部からの不正アクセス対策e",
      { SE("3.3.3", T333, "e") } },
    { 30, "銀行API報告書・セキュリティ原則",
      "3.3.2 外部からの不正アクセス対策y",
      { SE("3.3.2", T332, "y") } },
    { 31, "銀行API報告書・セキュリティ原則",
      "3.3.2 外部からの不正アクセス対策t",
      { SE("3.3.2", T332, "t") } },
    { 32, "銀行API報告書・セキュリティ原則",
      "3.3.2 外部からの不正アクセス対策t",
      { SE("3.3.2", T332, "t") } },
    { 33, "", "", { { 0 } } },
    { 34, "", "", { { 0 } } },
    { 35, "銀行API報告書・セキュリティ原則",
      "3.3.4 不正アクセス発生時の対応a",
      { SE("3.3.4", T334, "a") } },
    { 36, "銀行API報告書・セキュリティ原則",
      "3.3.2 外部からの不正アクセス対策 t 3.3.4 不正アクセス発生時の対応 b",
      { SE("3.3.2", T332, "t"), SE("3.3.4", T334, "b") } },
    { 37, "銀行API報告書・セキュリティ原則",
      "3.3.2 外部からの不正アクセス対策 h",
      { SE("3.3.2", T332, "h") } },
    { 38, "", "", { { 0 } } },
    { 39, "銀行API報告書・セキュリティ原則",
      "3.3.2 外部からの不正アクセス対策 c",
      { SE("3.3.2", T332, "c") } },
    { 40, "銀行API報告書・セキュリティ原則",
      "3.3.2 外部からの不正アクセス対策 d",
      { SE("3.3.2", T332, "d") } },
    { 41, "", "", { { 0 } } },
    { 42, "銀行API報告書・セキュリティ原則",
      "3.3.2 外部からの不正アクセス対策 h",
      { SE("3.3.2", T332, "h") } },
    { 43, "銀行API報告書・セキュリティ原則",
      "3.3.2 外部からの不正アクセス対策",
      { SE("3.3.2", T332, NULL) } },
    { 44, "銀行API報告書・利用者保護原則",
      "3.4.2 説明・表示、同意取得",
      { PR("3.4.2", T342) } },
    { 45, "銀行API報告書・利用者保護原則",
      "3.4.2 説明・表示、同意取得",
      { PR("3.4.2", T342) } },
};
#define NROWS (sizeof rows / sizeof rows[0])

/* ---- helpers ---------------------------------------------------------------- */

static void item_reset(item_t *it)
{
    item_clear_refs(it);
    memset(it, 0, sizeof *it);
}

static size_t ecount(const eref_t *e)
{
    size_t n = 0;
    while (n < MAXE && e[n].source)
        n++;
    return n;
}

static void check_str(const char *what, int no, size_t k, const char *exp, const char *got)
{
    if (exp == NULL && got == NULL)
        return;
    if (exp == NULL || got == NULL || strcmp(exp, got) != 0) {
        print_error("item %d, reference %zu: %s '%s' != expected '%s'\n", no, k + 1, what,
                    got ? got : "(null)", exp ? exp : "(null)");
        fail();
    }
}

static void check_refs(int no, const item_t *it, const eref_t *e, size_t n)
{
    if (it->nrefs != n) {
        print_error("item %d: %zu references, expected %zu\n", no, it->nrefs, n);
        fail();
    }
    for (size_t k = 0; k < n; k++) {
        check_str("source", no, k, e[k].source, it->refs[k].source);
        check_str("clause", no, k, e[k].clause, it->refs[k].clause);
        check_str("title", no, k, e[k].title, it->refs[k].title);
        check_str("point", no, k, e[k].point, it->refs[k].point);
    }
}

/* Parse two cells that must be fine and compare with the expectation. */
static void expect_ok(const char *src, const char *pl, const eref_t *e, size_t n)
{
    item_t it = { 0 };
    diag_t d;
    diag_init(&d, NULL);
    int rc = reference_parse(&it, src, pl, &d, NULL, 1, 8);
    if (rc != 0 || d.n != 0) {
        for (size_t i = 0; i < d.n; i++)
            print_error("unexpected problem: %s\n", d.v[i].en);
        print_error("for cells '%s' / '%s'\n", src ? src : "(null)", pl ? pl : "(null)");
        fail();
    }
    check_refs(0, &it, e, n);
    item_reset(&it);
    diag_free(&d);
}

#define EXPECT_OK(src, pl, ...)                                               \
    do {                                                                      \
        const eref_t e_[] = { __VA_ARGS__ };                                  \
        expect_ok(src, pl, e_, sizeof e_ / sizeof e_[0]);                     \
    } while (0)

/* Parse two cells that must fail.  Returns the diag (caller frees) after
 * checking that nothing was appended to an item that already held one
 * reference, and that every problem carries the given location. */
static diag_t expect_bad(const char *src, const char *pl)
{
    item_t it = { 0 };
    item_add_ref(&it, REF_SOURCE_FISC, "統1", NULL, NULL);
    diag_t d;
    diag_init(&d, "x.txt");
    int rc = reference_parse(&it, src, pl, &d, "シート", 12, 8);
    if (rc != -1 || d.n == 0) {
        print_error("cells '%s' / '%s' were accepted (rc %d)\n", src ? src : "(null)",
                    pl ? pl : "(null)", rc);
        fail();
    }
    assert_int_equal(it.nrefs, 1);
    assert_string_equal(it.refs[0].clause, "統1");
    for (size_t i = 0; i < d.n; i++) {
        assert_string_equal(d.v[i].sheet, "シート");
        assert_int_equal(d.v[i].row, 12);
        assert_true(d.v[i].col == 8 || d.v[i].col == 9);
        assert_non_null(d.v[i].ja);
        assert_non_null(d.v[i].en);
        assert_true(strlen(d.v[i].ja) > 0 && strlen(d.v[i].en) > 0);
        assert_true(strcmp(d.v[i].ja, d.v[i].en) != 0);
    }
    item_reset(&it);
    return d;
}

/* The first problem's column and whether its English text holds a word. */
static void expect_bad_at(const char *src, const char *pl, int col, const char *en_word)
{
    diag_t d = expect_bad(src, pl);
    if (d.v[0].col != col || !strstr(d.v[0].en, en_word)) {
        print_error("cells '%s' / '%s': got column %d '%s', expected column %d with '%s'\n",
                    src ? src : "(null)", pl ? pl : "(null)", d.v[0].col, d.v[0].en, col,
                    en_word);
        fail();
    }
    diag_free(&d);
}

/* format, then parse again: the same references. */
static void round_trip(const item_t *it, int no)
{
    char *s = NULL, *p = NULL;
    reference_format(it, &s, &p);
    assert_non_null(s);
    assert_non_null(p);
    item_t back = { 0 };
    diag_t d;
    diag_init(&d, NULL);
    int rc = reference_parse(&back, s, p, &d, NULL, 0, 0);
    if (rc != 0) {
        for (size_t i = 0; i < d.n; i++)
            print_error("item %d: re-parse: %s\n", no, d.v[i].en);
        print_error("item %d: formatted as '%s' / '%s'\n", no, s, p);
        fail();
    }
    if (back.nrefs != it->nrefs) {
        print_error("item %d: %zu references after the round trip, %zu before ('%s' / '%s')\n",
                    no, back.nrefs, it->nrefs, s, p);
        fail();
    }
    for (size_t k = 0; k < it->nrefs; k++) {
        check_str("source", no, k, it->refs[k].source, back.refs[k].source);
        check_str("clause", no, k, it->refs[k].clause, back.refs[k].clause);
        check_str("title", no, k, it->refs[k].title, back.refs[k].title);
        check_str("point", no, k, it->refs[k].point, back.refs[k].point);
    }
    item_reset(&back);
    diag_free(&d);
    free(s);
    free(p);
}

/* ---- the seed's 45 items -------------------------------------------------------- */

static void test_seed_rows(void **state)
{
    (void)state;
    assert_int_equal(NROWS, 45);
    size_t total = 0;
    for (size_t i = 0; i < NROWS; i++) {
        assert_int_equal(rows[i].no, (int)i + 1);
        item_t it = { 0 };
        diag_t d;
        diag_init(&d, NULL);
        int rc = reference_parse(&it, rows[i].src, rows[i].pl, &d, NULL, (long)i + 10, 8);
        if (rc != 0) {
            for (size_t k = 0; k < d.n; k++)
                print_error("item %d: %s\n", rows[i].no, d.v[k].en);
            fail();
        }
        assert_int_equal(d.n, 0);
        check_refs(rows[i].no, &it, rows[i].exp, ecount(rows[i].exp));
        total += it.nrefs;
        round_trip(&it, rows[i].no);
        item_reset(&it);
        diag_free(&d);
    }
    assert_int_equal(total, 59); /* counted by hand in the seed */
}

static void test_seed_rows_format(void **state)
{
    (void)state;
    /* Item 3: two sources, two sections in the first group. */
    item_t it = { 0 };
    diag_t d;
    diag_init(&d, NULL);
    assert_int_equal(reference_parse(&it, rows[2].src, rows[2].pl, &d, NULL, 0, 0), 0);
    char *s, *p;
    reference_format(&it, &s, &p);
    assert_string_equal(s, REF_SOURCE_SECURITY "\n-----\n" REF_SOURCE_FISC);
    assert_string_equal(p, "3.3.1 " T331 " d\n3.3.3 " T333 " e\n-----\n統13、監1");
    free(s);
    free(p);
    item_reset(&it);
    /* Item 28: two points share the section's line. */
    assert_int_equal(reference_parse(&it, rows[27].src, rows[27].pl, &d, NULL, 0, 0), 0);
    reference_format(&it, &s, &p);
    assert_string_equal(s, REF_SOURCE_SECURITY);
    assert_string_equal(p, "3.3.2 " T332 " t、y");
    free(s);
    free(p);
    item_reset(&it);
    /* Item 1 and an item without references. */
    assert_int_equal(reference_parse(&it, rows[0].src, rows[0].pl, &d, NULL, 0, 0), 0);
    reference_format(&it, &s, &p);
    assert_string_equal(p, "統4、統6、統7、統8");
    free(s);
    free(p);
    item_reset(&it);
    reference_format(&it, &s, &p);
    assert_string_equal(s, "");
    assert_string_equal(p, "");
    free(s);
    free(p);
    assert_int_equal(d.n, 0);
    diag_free(&d);
}

/* ---- each trap in isolation --------------------------------------------------------- */

static void test_trap_layout_spaces(void **state)
{
    (void)state;
    EXPECT_OK("銀行API報告書・ セキュリティ原則", "3.3.1 API接続先の 適格性 d",
              SE("3.3.1", T331, "d"));
    EXPECT_OK(" 銀行 API報告書・\nセキュリティ 原則 ", "3.3.1 API 接続先の\n適格性\td",
              SE("3.3.1", T331, "d"));
    EXPECT_OK("FISC・安対基準", "統7、 統8", FI("統7"), FI("統8"));
    EXPECT_OK("FISC・ 安対基準", "統 1 2、\u3000統 7", FI("統12"), FI("統7"));
    /* A space alone also separates clauses. */
    EXPECT_OK("FISC・安対基準", "統4 統6", FI("統4"), FI("統6"));
}

static void test_trap_two_sections(void **state)
{
    (void)state;
    EXPECT_OK(REF_SOURCE_SECURITY,
              "3.3.1 API接続先の 適格性 d 3.3.3 内部からの 不正アクセス対策 e",
              SE("3.3.1", T331, "d"), SE("3.3.3", T333, "e"));
    /* Glued letters on both, and no space before the second number. */
    EXPECT_OK(REF_SOURCE_SECURITY, "3.3.2 外部からの不正アクセス対策t3.3.4 不正アクセス発生時の対応b",
              SE("3.3.2", T332, "t"), SE("3.3.4", T334, "b"));
    /* The first section without a letter. */
    EXPECT_OK(REF_SOURCE_SECURITY, "3.3.3 内部からの不正アクセス対策 3.3.2 外部からの不正アクセス対策 t、y",
              SE("3.3.3", T333, NULL), SE("3.3.2", T332, "t"), SE("3.3.2", T332, "y"));
    /* One section per line, as reference_format writes them. */
    EXPECT_OK(REF_SOURCE_SECURITY, "3.3.1 API接続先の適格性 d\n3.3.3 内部からの不正アクセス対策 e\n",
              SE("3.3.1", T331, "d"), SE("3.3.3", T333, "e"));
}

static void test_trap_letters(void **state)
{
    (void)state;
    /* Glued to the title. */
    EXPECT_OK(REF_SOURCE_SECURITY, "3.3.3 内部からの不正アクセス対策t", SE("3.3.3", T333, "t"));
    /* Missing. */
    EXPECT_OK(REF_SOURCE_SECURITY, "3.3.3 内部からの不正アクセス対策", SE("3.3.3", T333, NULL));
    /* Several, separated by 、, ',' or spaces, glued or not. */
    EXPECT_OK(REF_SOURCE_SECURITY, "3.3.2 外部からの不正アクセス対策 t、y",
              SE("3.3.2", T332, "t"), SE("3.3.2", T332, "y"));
    EXPECT_OK(REF_SOURCE_SECURITY, "3.3.2 外部からの不正アクセス対策t、 y",
              SE("3.3.2", T332, "t"), SE("3.3.2", T332, "y"));
    EXPECT_OK(REF_SOURCE_SECURITY, "3.3.2 外部からの不正アクセス対策 a, b c",
              SE("3.3.2", T332, "a"), SE("3.3.2", T332, "b"), SE("3.3.2", T332, "c"));
    /* Only the letters: the title comes from the table of sections. */
    EXPECT_OK(REF_SOURCE_SECURITY, "3.3.2 t、y", SE("3.3.2", T332, "t"), SE("3.3.2", T332, "y"));
    EXPECT_OK(REF_SOURCE_SECURITY, "3.3.2", SE("3.3.2", T332, NULL));
    /* A section the table does not know keeps no title. */
    EXPECT_OK(REF_SOURCE_SECURITY, "3.3.9 t", SE("3.3.9", NULL, "t"));
    /* A title of the cell's own wins over the table. */
    EXPECT_OK(REF_SOURCE_SECURITY, "3.3.3 内部不正対策 e", SE("3.3.3", "内部不正対策", "e"));
}

static void test_trap_latin_in_title(void **state)
{
    (void)state;
    /* "API" is part of the title, never letters. */
    EXPECT_OK(REF_SOURCE_SECURITY, "3.3.1 API接続先の適格性", SE("3.3.1", T331, NULL));
    EXPECT_OK(REF_SOURCE_SECURITY, "3.3.1 オープンAPI", SE("3.3.1", "オープンAPI", NULL));
    EXPECT_OK(REF_SOURCE_SECURITY, "3.3.1 オープンAPI d", SE("3.3.1", "オープンAPI", "d"));
    EXPECT_OK(REF_SOURCE_SECURITY, "3.3.1 OAuth2認可 d", SE("3.3.1", "OAuth2認可", "d"));
    EXPECT_OK(REF_SOURCE_SECURITY, "3.3.1 Web API", SE("3.3.1", "WebAPI", NULL));
}

static void test_trap_comma_in_title(void **state)
{
    (void)state;
    EXPECT_OK(REF_SOURCE_PROTECT, "3.4.2 説明・表示、同意取得", PR("3.4.2", T342));
    EXPECT_OK(REF_SOURCE_PROTECT, "3.4.2 説明・表示、 同意取得", PR("3.4.2", T342));
    {
        const eref_t e[] = { { REF_SOURCE_PROTECT, "3.4.2", T342, "a" },
                             { REF_SOURCE_PROTECT, "3.4.2", T342, "b" } };
        expect_ok(REF_SOURCE_PROTECT, "3.4.2 説明・表示、同意取得 a、b", e, 2);
        expect_ok(REF_SOURCE_PROTECT, "3.4.2 説明・表示、同意取得a、b", e, 2);
    }
    /* A title ending in 、 keeps it when the letters follow a space. */
    {
        const eref_t e[] = { { REF_SOURCE_PROTECT, "3.4.2", "説明・表示、", "t" } };
        expect_ok(REF_SOURCE_PROTECT, "3.4.2 説明・表示、 t", e, 1);
    }
    EXPECT_OK(REF_SOURCE_FISC, "統20、統21", FI("統20"), FI("統21"));
}

static void test_trap_empty(void **state)
{
    (void)state;
    item_t it = { 0 };
    diag_t d;
    diag_init(&d, NULL);
    assert_int_equal(reference_parse(&it, NULL, NULL, &d, NULL, 1, 8), 0);
    assert_int_equal(reference_parse(&it, "", "", &d, NULL, 1, 8), 0);
    assert_int_equal(reference_parse(&it, " \u3000", "\n", &d, NULL, 1, 8), 0);
    assert_int_equal(reference_parse(&it, NULL, "  ", &d, NULL, 1, 8), 0);
    assert_int_equal(it.nrefs, 0);
    assert_int_equal(d.n, 0);
    diag_free(&d);
}

static void test_trap_separators(void **state)
{
    (void)state;
    EXPECT_OK("銀行API報告書・セキュリティ原則\n-----\nFISC・安対基準",
              "3.3.3 内部からの不正アクセス対策e\n----------\n実14",
              SE("3.3.3", T333, "e"), FI("実14"));
    EXPECT_OK("FISC・安対基準 ----- " REF_SOURCE_PROTECT " ----- FISC・安対基準",
              "統4 ----- 3.4.4 ----- 監1",
              FI("統4"), PR("3.4.4", T344), FI("監1"));
}

static void test_fullwidth_and_subnumbers(void **state)
{
    (void)state;
    EXPECT_OK("ＦＩＳＣ・安対基準", "統４、実１４－１，監１-1",
              FI("統4"), FI("実14-1"), FI("監1-1"));
    EXPECT_OK("銀行ＡＰＩ報告書・セキュリティ原則", "３．３．２ 外部からの不正アクセス対策 ｔ",
              SE("3.3.2", T332, "t"));
    EXPECT_OK(REF_SOURCE_FISC, "設134", FI("設134"));
}

static void test_section_titles(void **state)
{
    (void)state;
    assert_string_equal(reference_section_title("3.3.1"), T331);
    assert_string_equal(reference_section_title("3.3.2"), T332);
    assert_string_equal(reference_section_title("3.3.3"), T333);
    assert_string_equal(reference_section_title("3.3.4"), T334);
    assert_string_equal(reference_section_title("3.4.2"), T342);
    assert_string_equal(reference_section_title("3.4.4"), T344);
    assert_string_equal(reference_section_title("3.4.5"), T345);
    assert_non_null(reference_section_title("3.4.1"));
    assert_non_null(reference_section_title("3.4.3"));
    assert_null(reference_section_title("3.3"));
    assert_null(reference_section_title("3.3.9"));
    assert_null(reference_section_title("統4"));
    assert_null(reference_section_title(""));
    assert_null(reference_section_title(NULL));
}

/* ---- formatting ------------------------------------------------------------------------ */

static void test_format(void **state)
{
    (void)state;
    item_t it = { 0 };
    /* Built by hand: a known section without its title gets it, points of
     * one section share a line, a point-less section has a line of its own,
     * and a source that comes back starts a new group. */
    item_add_ref(&it, REF_SOURCE_SECURITY, "3.3.2", NULL, "t");
    item_add_ref(&it, REF_SOURCE_SECURITY, "3.3.2", T332, "y");
    item_add_ref(&it, REF_SOURCE_SECURITY, "3.3.2", T332, NULL);
    item_add_ref(&it, REF_SOURCE_SECURITY, "3.3.9", NULL, "a");
    item_add_ref(&it, REF_SOURCE_FISC, "統4", NULL, NULL);
    item_add_ref(&it, REF_SOURCE_FISC, "実14-1", NULL, NULL);
    item_add_ref(&it, REF_SOURCE_PROTECT, "3.4.2", T342, NULL);
    item_add_ref(&it, REF_SOURCE_FISC, "監1", NULL, NULL);
    char *s, *p;
    reference_format(&it, &s, &p);
    assert_string_equal(s, REF_SOURCE_SECURITY "\n-----\n" REF_SOURCE_FISC "\n-----\n"
                           REF_SOURCE_PROTECT "\n-----\n" REF_SOURCE_FISC);
    assert_string_equal(p, "3.3.2 " T332 " t、y\n3.3.2 " T332 "\n3.3.9 a\n-----\n"
                           "統4、実14-1\n-----\n3.4.2 " T342 "\n-----\n監1");
    item_t back = { 0 };
    diag_t d;
    diag_init(&d, NULL);
    assert_int_equal(reference_parse(&back, s, p, &d, NULL, 0, 0), 0);
    assert_int_equal(back.nrefs, 8);
    assert_string_equal(back.refs[0].title, T332); /* supplied */
    assert_null(back.refs[3].title);
    assert_string_equal(back.refs[3].point, "a");
    assert_null(back.refs[2].point);
    assert_string_equal(back.refs[7].clause, "監1");
    free(s);
    free(p);
    item_reset(&back);
    diag_free(&d);
    item_reset(&it);
}

static void test_round_trip_traps(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        { REF_SOURCE_PROTECT, "3.4.2 説明・表示、 t" },
        { REF_SOURCE_PROTECT, "3.4.2 説明・表示、同意取得 a、b 3.4.5" },
        { REF_SOURCE_SECURITY, "3.3.9 3.3.1 オープンAPI z" },
        { REF_SOURCE_SECURITY, "3.3.2 2段階認証 a" },
        { REF_SOURCE_SECURITY " ----- " REF_SOURCE_SECURITY, "3.3.1 d ----- 3.3.1 d" },
        { REF_SOURCE_FISC " ----- " REF_SOURCE_FISC, "統4 ----- 統4" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        item_t it = { 0 };
        diag_t d;
        diag_init(&d, NULL);
        assert_int_equal(reference_parse(&it, cases[i][0], cases[i][1], &d, NULL, 0, 0), 0);
        round_trip(&it, (int)i);
        item_reset(&it);
        diag_free(&d);
    }
}

/* ---- malformed cells ---------------------------------------------------------------------- */

static void test_bad_sources(void **state)
{
    (void)state;
    expect_bad_at("金融庁ガイドライン", "統4", 8, "unknown source");
    expect_bad_at("FISC・安対基準 ----- ", "統4 ----- 統5", 8, "empty");
    expect_bad_at("", "統4", 8, "no source");
    expect_bad_at(NULL, "3.3.2 t", 8, "no source");
    expect_bad_at(REF_SOURCE_FISC, "", 9, "no places");
    expect_bad_at(REF_SOURCE_FISC, NULL, 9, "no places");
    expect_bad_at(REF_SOURCE_FISC, "統4 ----- 統5", 9, "more place groups");
    expect_bad_at(REF_SOURCE_FISC " ----- " REF_SOURCE_FISC, "統4", 9, "fewer place groups");
    expect_bad_at(REF_SOURCE_FISC " ----- " REF_SOURCE_FISC, "統4 -----   ", 9, "no places");
    /* Every problem is reported, not only the first. */
    diag_t d = expect_bad("誰か ----- 何か", "統4 ----- 統5 ----- 統6");
    assert_int_equal(d.n, 3);
    diag_free(&d);
}

static void test_bad_fisc(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "統", "統04", "統4a", "運1", "統4、", "統4、、統5", "4", "統4-", "統4-0", "統12345",
        "3.3.2 外部からの不正アクセス対策", "統4・統5",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_bad_at(REF_SOURCE_FISC, bad[i], 9, "malformed FISC clause");
}

static void test_bad_sections(void **state)
{
    (void)state;
    expect_bad_at(REF_SOURCE_SECURITY, "t、y", 9, "no section number");
    expect_bad_at(REF_SOURCE_SECURITY, "統4", 9, "no section number");
    expect_bad_at(REF_SOURCE_SECURITY, "外部 3.3.2 t", 9, "before the first section");
    expect_bad_at(REF_SOURCE_SECURITY, "3.4.2 説明・表示、同意取得", 9, "is not a section of");
    expect_bad_at(REF_SOURCE_PROTECT, "3.3.2 t", 9, "is not a section of");
    expect_bad_at(REF_SOURCE_SECURITY, "3.3.02 t", 9, "is not a section of");
    expect_bad_at(REF_SOURCE_SECURITY, "3.3 t", 9, "is not a section of");
    expect_bad_at(REF_SOURCE_SECURITY, "3.3.2 外部からの不正アクセス対策 T", 9, "lower case");
    expect_bad_at(REF_SOURCE_SECURITY, "3.3.2 外部からの不正アクセス対策Y", 9, "lower case");
    expect_bad_at(REF_SOURCE_SECURITY, "3.3.2 外部からの不正アクセス対策 ab", 9,
                  "point letters");
    expect_bad_at(REF_SOURCE_SECURITY, "3.3.2 対策 1 .2", 9, "section number or separator");
    expect_bad_at(REF_SOURCE_SECURITY, "3.3.2 対策 - - - x", 9, "section number or separator");
}

static void test_bad_bytes_and_limits(void **state)
{
    (void)state;
    expect_bad_at(REF_SOURCE_FISC, "統4\xff", 9, "UTF-8");
    expect_bad_at("FISC\xe3\x83", "統4", 8, "UTF-8");
    size_t n = LIMIT_CELL_BYTES + 10;
    char *big = xmalloc(n + 1);
    memset(big, ' ', n);
    big[n] = '\0';
    expect_bad_at(REF_SOURCE_FISC, big, 9, "too long");
    free(big);
    /* More clauses than an item may hold. */
    char *many = xstrdup("");
    for (int i = 1; i <= LIMIT_REFS_PER_ITEM + 1; i++) {
        char *m = xasprintf("%s%s統%d", many, i > 1 ? "、" : "", i);
        free(many);
        many = m;
    }
    expect_bad_at(REF_SOURCE_FISC, many, 9, "too many references");
    free(many);
    /* Exactly the limit is fine. */
    many = xstrdup("3.3.2");
    for (int i = 0; i < LIMIT_REFS_PER_ITEM; i++) {
        char *m = xasprintf("%s a", many);
        free(many);
        many = m;
    }
    item_t it = { 0 };
    diag_t d;
    diag_init(&d, NULL);
    assert_int_equal(reference_parse(&it, REF_SOURCE_SECURITY, many, &d, NULL, 0, 0), 0);
    assert_int_equal(it.nrefs, LIMIT_REFS_PER_ITEM);
    item_reset(&it);
    char *more = xasprintf("%s a", many);
    expect_bad_at(REF_SOURCE_SECURITY, more, 9, "too many references");
    free(more);
    free(many);
    /* Too many groups. */
    many = xstrdup("統1");
    for (int i = 0; i < LIMIT_REFS_PER_ITEM + 1; i++) {
        char *m = xasprintf("%s-----統1", many);
        free(many);
        many = m;
    }
    expect_bad_at(REF_SOURCE_FISC, many, 9, "too many groups");
    free(many);
    diag_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_rows),
        cmocka_unit_test(test_seed_rows_format),
        cmocka_unit_test(test_trap_layout_spaces),
        cmocka_unit_test(test_trap_two_sections),
        cmocka_unit_test(test_trap_letters),
        cmocka_unit_test(test_trap_latin_in_title),
        cmocka_unit_test(test_trap_comma_in_title),
        cmocka_unit_test(test_trap_empty),
        cmocka_unit_test(test_trap_separators),
        cmocka_unit_test(test_fullwidth_and_subnumbers),
        cmocka_unit_test(test_section_titles),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_round_trip_traps),
        cmocka_unit_test(test_bad_sources),
        cmocka_unit_test(test_bad_fisc),
        cmocka_unit_test(test_bad_sections),
        cmocka_unit_test(test_bad_bytes_and_limits),
    };
    return cmocka_run_group_tests_name("reference", tests, NULL, NULL);
}
