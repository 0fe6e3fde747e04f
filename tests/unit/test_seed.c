/* Unit tests for formats/seed: the real seed (45 items, compared with the
 * built-in catalog written by hand), and synthetic variants — CRLF, BOM,
 * missing columns, bad or repeated 通番, invalid UTF-8, huge inputs. */
#include "testutil.h"

#include "core/catalog.h"
#include "formats/builtin.h"
#include "formats/seed.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/limits.h"
#include "util/xmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TITLE "「API接続チェックリスト原案(フォーマット)」(A3横Excel版) サンプル"
#define TITLE2 "「API接続チェックリスト原案(フォーマット)」(A3横Excel版)サンプル"
#define WG "API接続チェックリストワーキンググループ"
#define HEADER "通番\t区分\tセキュリティ対応目標\t対象者\t現在の対応状況\t課題認識\t" \
               "課題への対応計画\t関連規定\t関連規定箇所\t備考"

/* A small seed in the real one's shape: two printed pages. */
static const char mini[] =
    "\n"
    "\n"
    TITLE "\n"                                                           /* 3 */
    "\n"
    "平成30年8月2日\n"                                                  /* 5 */
    "\n"
    WG "\n"                                                              /* 7 */
    "\n"
    HEADER "\n"                                                          /* 9 */
    "1\t情報・セキュリティ管理態勢\tセキュリティ管理責任の所在と対象範囲を明確にする。\t"
    "API接続先\t\t\t\tFISC・安対基準\t統4、統6、統7、 統8\t\n"          /* 10 */
    "2\t情報・セキュリティ管理態勢\tセキュリティ管理ルールを整備する。\tAPI接続先\t\t\t\t"
    "銀行API報告書・ セキュリティ原則 ----- FISC・安対基準\t"
    "3.3.1 API接続先の 適格性 d ----- 統1、統12\t\n"                   /* 11 */
    "\n"
    TITLE2 "\n"                                                          /* 13 */
    "\n"
    HEADER "\n"                                                          /* 15 */
    "3\t外部委託管理\t連鎖接続における安全性を確保する。\t共通\t\t\t\t\t\t\n" /* 16 */
    "4\tAPIセキュリティ機能\t利用者保護を図る。\t銀行\t\t\t\t"
    "銀行API報告書・利用者保護原則\t3.4.2 説明・表示、同意取得\t";     /* 17 */

static catalog_t *read_ok(const char *text, size_t len)
{
    diag_t d;
    diag_init(&d, "seed.txt");
    catalog_t *c = seed_read(text, len, &d);
    if (!c || d.n) {
        diag_print(&d, stderr, LANG_EN);
        print_error("the seed text was refused\n");
        fail();
    }
    diag_free(&d);
    return c;
}

/* Read text that must be refused; the first problem must be on the given
 * line (0: any) and its English text must hold en_word. */
static void read_bad(const char *text, size_t len, long line, const char *en_word)
{
    diag_t d;
    diag_init(&d, "seed.txt");
    catalog_t *c = seed_read(text, len, &d);
    if (c) {
        print_error("accepted, expected a problem with '%s'\n", en_word);
        fail();
    }
    assert_true(d.n > 0);
    bool found = false;
    for (size_t i = 0; i < d.n && !found; i++)
        found = strstr(d.v[i].en, en_word) && (line == 0 || d.v[i].row == line);
    if (!found) {
        diag_print(&d, stderr, LANG_EN);
        print_error("expected a problem on line %ld with '%s'\n", line, en_word);
        fail();
    }
    for (size_t i = 0; i < d.n; i++)
        assert_true(d.v[i].ja && *d.v[i].ja && d.v[i].en && *d.v[i].en);
    diag_free(&d);
}

static void read_bad_s(const char *text, long line, const char *en_word)
{
    read_bad(text, strlen(text), line, en_word);
}

/* Replace the first occurrence of from in s (fresh string). */
static char *replace(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    assert_non_null(at);
    return xasprintf("%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
}

/* Every "\n" replaced by nl. */
static char *newlines(const char *s, const char *nl)
{
    buf_t b = BUF_INIT(0);
    for (; *s; s++) {
        if (*s == '\n')
            buf_adds(&b, nl);
        else
            buf_addc(&b, *s);
    }
    return buf_take(&b);
}

/* ---- the real seed ------------------------------------------------------------ */

static char *seed_text(size_t *len)
{
    const char *path = tu_seed_path();
    if (!path)
        return NULL;
    return tu_read(path, len);
}

static void test_real_seed(void **state)
{
    (void)state;
    size_t len;
    char *text = seed_text(&len);
    if (!text) {
        fprintf(stderr, "# the seed is not in ../shared: skipped\n");
        skip();
    }
    catalog_t *c = read_ok(text, len);
    assert_string_equal(c->id, "api-checklist-2018-08-02");
    assert_string_equal(c->title, TITLE);
    assert_string_equal(c->date, "2018-08-02");
    assert_string_equal(c->publisher, WG);
    assert_int_equal(c->nitems, 45);
    char *why = NULL;
    assert_int_equal(catalog_check(c, &why), 0);
    int partner = 0, bank = 0, both = 0;
    size_t refs = 0;
    for (size_t i = 0; i < c->nitems; i++) {
        const item_t *it = &c->items[i];
        assert_int_equal(it->no, (int)i + 1);
        assert_null(it->note);
        partner += it->target == TARGET_PARTNER;
        bank += it->target == TARGET_BANK;
        both += it->target == TARGET_BOTH;
        refs += it->nrefs;
    }
    assert_int_equal(partner, 30);
    assert_int_equal(bank, 6);
    assert_int_equal(both, 9);
    assert_int_equal(refs, 59);
    /* A few items in full. */
    const item_t *it = catalog_find(c, 3);
    assert_string_equal(it->category, "情報・セキュリティ管理態勢");
    assert_string_equal(it->objective, "役職員に情報管理方法を周知し、セキュリティ管理態勢の定着を図る。");
    assert_int_equal(it->nrefs, 4);
    assert_string_equal(it->refs[0].source, REF_SOURCE_SECURITY);
    assert_string_equal(it->refs[0].clause, "3.3.1");
    assert_string_equal(it->refs[0].title, "API接続先の適格性");
    assert_string_equal(it->refs[0].point, "d");
    assert_string_equal(it->refs[1].clause, "3.3.3");
    assert_string_equal(it->refs[1].title, "内部からの不正アクセス対策");
    assert_string_equal(it->refs[1].point, "e");
    assert_string_equal(it->refs[2].source, REF_SOURCE_FISC);
    assert_string_equal(it->refs[2].clause, "統13");
    assert_null(it->refs[2].title);
    assert_string_equal(it->refs[3].clause, "監1");
    it = catalog_find(c, 45);
    assert_string_equal(it->category, "API利用セキュリティ");
    assert_int_equal(it->target, TARGET_BANK);
    assert_string_equal(it->refs[0].title, "説明・表示、同意取得");
    assert_null(it->refs[0].point);
    assert_int_equal(catalog_find(c, 8)->nrefs, 0);
    catalog_free(c);
    free(text);
}

static void test_real_seed_is_builtin(void **state)
{
    (void)state;
    size_t len;
    char *text = seed_text(&len);
    if (!text) {
        fprintf(stderr, "# the seed is not in ../shared: skipped\n");
        skip();
    }
    catalog_t *c = read_ok(text, len);
    catalog_t *b = builtin_catalog();
    char *why = NULL;
    if (!catalog_equal(c, b, &why)) {
        print_error("seed and built-in catalog differ: %s\n", why);
        free(why);
        fail();
    }
    catalog_free(b);
    catalog_free(c);
    free(text);
}

static void test_real_seed_variants(void **state)
{
    (void)state;
    size_t len;
    char *text = seed_text(&len);
    if (!text) {
        fprintf(stderr, "# the seed is not in ../shared: skipped\n");
        skip();
    }
    catalog_t *ref = read_ok(text, len);
    char *crlf = newlines(text, "\r\n");
    char *bom = xasprintf("\xEF\xBB\xBF%s\n", crlf);
    const char *const variants[] = { crlf, bom };
    for (size_t i = 0; i < 2; i++) {
        catalog_t *c = read_ok(variants[i], strlen(variants[i]));
        assert_true(catalog_equal(ref, c, NULL));
        catalog_free(c);
    }
    free(crlf);
    free(bom);
    /* Every prefix of the seed is either refused cleanly or read. */
    for (size_t n = 0; n < len; n += 97) {
        diag_t d;
        diag_init(&d, NULL);
        catalog_t *c = seed_read(text, n, &d);
        assert_true(c != NULL || d.n > 0);
        catalog_free(c);
        diag_free(&d);
    }
    catalog_free(ref);
    free(text);
}

/* ---- synthetic variants ----------------------------------------------------------- */

static void test_mini(void **state)
{
    (void)state;
    catalog_t *c = read_ok(mini, strlen(mini));
    assert_string_equal(c->title, TITLE);
    assert_string_equal(c->id, "api-checklist-2018-08-02");
    assert_int_equal(c->nitems, 4);
    assert_int_equal(c->items[0].nrefs, 4);
    assert_int_equal(c->items[1].nrefs, 3);
    assert_int_equal(c->items[2].nrefs, 0);
    assert_int_equal(c->items[2].target, TARGET_BOTH);
    assert_int_equal(c->items[3].nrefs, 1);
    assert_string_equal(c->items[3].refs[0].source, REF_SOURCE_PROTECT);

    /* Line ends: CRLF, CR alone, a final newline; a BOM. */
    const char *const nls[] = { "\r\n", "\r" };
    for (size_t i = 0; i < 2; i++) {
        char *v = newlines(mini, nls[i]);
        catalog_t *x = read_ok(v, strlen(v));
        assert_true(catalog_equal(c, x, NULL));
        catalog_free(x);
        free(v);
    }
    char *v = xasprintf("\xEF\xBB\xBF%s\n\n\n", mini);
    catalog_t *x = read_ok(v, strlen(v));
    assert_true(catalog_equal(c, x, NULL));
    catalog_free(x);
    free(v);
    catalog_free(c);
}

static void test_mini_text_fields(void **state)
{
    (void)state;
    /* Layout spaces in 区分 and 目標 go; spaces between ASCII words stay;
     * notes are kept (trimmed); the answer columns are not read. */
    char *v = replace(mini, "3\t外部委託管理\t連鎖接続における安全性を確保する。\t共通\t\t\t\t\t\t",
                      "3\t外部 委託管理\t連鎖接続 における OAuth 2.0 の安全性を確保する。\t 共 通 \t"
                      "対応済み\t\t\t\t\t 要確認 ");
    catalog_t *c = read_ok(v, strlen(v));
    assert_string_equal(c->items[2].category, "外部委託管理");
    assert_string_equal(c->items[2].objective, "連鎖接続におけるOAuth 2.0の安全性を確保する。");
    assert_int_equal(c->items[2].target, TARGET_BOTH);
    assert_string_equal(c->items[2].note, "要確認");
    assert_null(c->items[0].note);
    catalog_free(c);
    free(v);
    /* Full-width 通番 and the date in 西暦. */
    char *w = replace(mini, "\n4\t", "\n４\t");
    char *w2 = replace(w, "平成30年8月2日", "2018年8月2日");
    c = read_ok(w2, strlen(w2));
    assert_int_equal(c->items[3].no, 4);
    assert_string_equal(c->date, "2018-08-02");
    catalog_free(c);
    free(w);
    free(w2);
    /* A later date makes a different id. */
    w = replace(mini, "平成30年8月2日", "令和元年10月1日");
    c = read_ok(w, strlen(w));
    assert_string_equal(c->id, "api-checklist-2019-10-01");
    catalog_free(c);
    free(w);
    /* Columns are found by name: the header may come in another order. */
    w = xasprintf(TITLE "\n平成30年8月2日\n"
                  "区分\t通番\t対象者\tセキュリティ対応目標\t関連規定\t関連規定箇所\n"
                  "区分A\t1\t銀行\t目標\tFISC・安対基準\t統4\n");
    c = read_ok(w, strlen(w));
    assert_int_equal(c->nitems, 1);
    assert_string_equal(c->items[0].category, "区分A");
    assert_string_equal(c->items[0].refs[0].clause, "統4");
    assert_null(c->publisher);
    catalog_free(c);
    free(w);
}

static void test_missing_columns(void **state)
{
    (void)state;
    /* Trailing empty cells may be left out ... */
    char *v = replace(mini, "確保する。\t共通\t\t\t\t\t\t\n", "確保する。\t共通\n");
    catalog_t *c = read_ok(v, strlen(v));
    assert_int_equal(c->items[2].nrefs, 0);
    catalog_free(c);
    free(v);
    /* ... but not the required ones. */
    v = replace(mini, "\t連鎖接続における安全性を確保する。\t共通\t\t\t\t\t\t\n", "\n");
    read_bad_s(v, 16, "objective is empty");
    read_bad_s(v, 16, "target must be");
    free(v);
    v = replace(mini, "3\t外部委託管理\t", "3\t\t");
    read_bad_s(v, 16, "category is empty");
    free(v);
    /* A header without 関連規定. */
    v = xasprintf(TITLE "\n平成30年8月2日\n通番\t区分\tセキュリティ対応目標\t対象者\n1\tA\tB\t銀行\n");
    read_bad_s(v, 3, "no column '関連規定'");
    free(v);
    /* A value beyond the header's columns. */
    v = replace(mini, "同意取得\t", "同意取得\t\tはみ出し");
    read_bad_s(v, 17, "without a header");
    free(v);
}

static void test_bad_numbers(void **state)
{
    (void)state;
    static const char *const bad[] = { "x", "0", "-1", "1.5", "4a", "１２３４５６７" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *from = "\n4\t";
        char *to = xasprintf("\n%s\t", bad[i]);
        char *v = replace(mini, from, to);
        read_bad_s(v, 17, "number must be");
        free(v);
        free(to);
    }
    /* Duplicates name both lines. */
    char *v = replace(mini, "\n4\t", "\n3\t");
    read_bad_s(v, 17, "appears twice (also on line 16)");
    free(v);
    /* Gaps and disorder. */
    v = replace(mini, "\n4\t", "\n5\t");
    read_bad_s(v, 17, "expected 4, found 5");
    free(v);
    v = replace(mini, "\n3\t", "\n4\t");
    char *w = replace(v, "\n4\tAPI", "\n3\tAPI");
    read_bad_s(w, 16, "expected 3, found 4");
    free(w);
    free(v);
}

static void test_bad_bytes(void **state)
{
    (void)state;
    char *v = replace(mini, "外部委託管理", "外部委託\xff管理");
    read_bad_s(v, 16, "invalid UTF-8");
    free(v);
    v = replace(mini, "外部委託管理", "外部委託\xe7\xae");
    read_bad_s(v, 16, "invalid UTF-8");
    free(v);
    v = newlines(mini, "\r\n");
    char *w = replace(v, "外部委託管理", "外部委託\xc0\xaf管理");
    read_bad_s(w, 16, "invalid UTF-8");
    free(w);
    free(v);
    /* Control characters, NUL among them. */
    v = replace(mini, "外部委託管理", "外部委託\x01管理");
    read_bad_s(v, 16, "control character 0x01");
    free(v);
    char *z = replace(mini, "外部委託管理", "外部委託@管理");
    size_t n = strlen(z);
    *strchr(z, '@') = '\0';
    read_bad(z, n, 16, "control character 0x00");
    free(z);
}

static void test_bad_structure(void **state)
{
    (void)state;
    read_bad_s("", 0, "no header row");
    read_bad(NULL, 0, 0, "no header row");
    read_bad_s("\n\n\n", 0, "no header row");
    read_bad_s(TITLE "\n平成30年8月2日\n" HEADER "\n", 0, "no items");
    char *v = replace(mini, "平成30年8月2日\n", "");
    read_bad_s(v, 0, "no date");
    free(v);
    v = replace(mini, "平成30年8月2日", "平成31年5月1日"); /* no such day */
    read_bad_s(v, 0, "no date");
    free(v);
    v = xasprintf("平成30年8月2日\n" HEADER "\n1\tA\tB\t銀行\t\t\t\t\t\t\n");
    read_bad_s(v, 0, "no title");
    free(v);
    /* A second date, a fourth line in the title block. */
    v = replace(mini, WG "\n", WG "\n令和元年5月1日\n");
    read_bad_s(v, 8, "second date");
    free(v);
    v = replace(mini, WG "\n", WG "\nおまけ\n");
    read_bad_s(v, 8, "unexpected line in the title block");
    free(v);
    /* Between pages only the title block may repeat. */
    v = replace(mini, TITLE2 "\n", "「別の表」\n");
    read_bad_s(v, 13, "neither an item nor a header");
    free(v);
    v = replace(mini, TITLE2 "\n", WG "\n");
    catalog_t *c = read_ok(v, strlen(v));
    catalog_free(c);
    free(v);
    /* A bad target and a bad reference, located. */
    v = replace(mini, "\t共通\t", "\t顧客\t");
    read_bad_s(v, 16, "target must be");
    free(v);
    v = replace(mini, "統4、統6", "統4、運6");
    read_bad_s(v, 10, "malformed FISC clause");
    diag_t d;
    diag_init(&d, NULL);
    assert_null(seed_read(v, strlen(v), &d));
    assert_int_equal(d.v[0].col, 9);
    diag_free(&d);
    free(v);
    /* A header naming a column twice. */
    v = replace(mini, "課題認識", "区分");
    read_bad_s(v, 9, "column twice");
    free(v);
    /* No header within the first lines. */
    buf_t b = BUF_INIT(0);
    for (int i = 0; i < LIMIT_HEADER_SEARCH_ROWS + 5; i++)
        buf_adds(&b, "前置き\n");
    buf_adds(&b, mini);
    read_bad_s(buf_str(&b), LIMIT_HEADER_SEARCH_ROWS + 1, "no header row");
    buf_free(&b);
}

static void test_limits(void **state)
{
    (void)state;
    /* Past the file cap: refused before anything is read. */
    size_t n = (size_t)LIMIT_FILE_BYTES + 1;
    char *big = xmalloc(n);
    memset(big, 'a', n);
    read_bad(big, n, 0, "file too large");
    /* One huge cell. */
    size_t cell = LIMIT_CELL_BYTES + 1;
    memcpy(big, mini, strlen(mini));
    char *at = big + strlen(mini);
    memcpy(at, "\n5\t", 3);
    memset(at + 3, 'x', cell);
    memcpy(at + 3 + cell, "\t銀行\n", strlen("\t銀行\n"));
    read_bad(big, (size_t)(at - big) + 3 + cell + strlen("\t銀行\n"), 18, "cell too long");
    /* Too many lines. */
    buf_t b = BUF_INIT(0);
    buf_adds(&b, mini);
    for (int i = 0; i < LIMIT_ROWS; i++)
        buf_addc(&b, '\n');
    read_bad(b.p, b.len, LIMIT_ROWS + 1, "too many lines");
    buf_free(&b);
    /* Too many columns. */
    buf_adds(&b, mini);
    buf_adds(&b, "\n5");
    for (int i = 0; i < LIMIT_COLS + 1; i++)
        buf_addc(&b, '\t');
    read_bad(b.p, b.len, 18, "too many columns");
    buf_free(&b);
    /* Too many items. */
    buf_adds(&b, TITLE "\n平成30年8月2日\n" HEADER "\n");
    for (int i = 1; i <= LIMIT_CATALOG_ITEMS + 1; i++)
        buf_printf(&b, "%d\t区分\t目標\t銀行\t\t\t\t\t\t\n", i);
    read_bad(b.p, b.len, 0, "must be a whole number");
    buf_free(&b);
    buf_adds(&b, TITLE "\n平成30年8月2日\n" HEADER "\n");
    for (int i = 1; i <= LIMIT_CATALOG_ITEMS; i++)
        buf_printf(&b, "%d\t区分\t目標\t銀行\t\t\t\t\t\t\n", i);
    catalog_t *c = read_ok(b.p, b.len);
    assert_int_equal(c->nitems, LIMIT_CATALOG_ITEMS);
    catalog_free(c);
    buf_free(&b);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_seed),
        cmocka_unit_test(test_real_seed_is_builtin),
        cmocka_unit_test(test_real_seed_variants),
        cmocka_unit_test(test_mini),
        cmocka_unit_test(test_mini_text_fields),
        cmocka_unit_test(test_missing_columns),
        cmocka_unit_test(test_bad_numbers),
        cmocka_unit_test(test_bad_bytes),
        cmocka_unit_test(test_bad_structure),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests_name("seed", tests, NULL, NULL);
}
