/* Unit tests for util/ and core/ basics: buffers, UTF-8, diagnostics,
 * the catalog and answer-set models. */
#include "testutil.h"

#include "core/answer.h"
#include "core/catalog.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/utf8.h"
#include "util/xmem.h"

#include <stdlib.h>
#include <string.h>

static void test_buf_cap(void **state)
{
    (void)state;
    buf_t b = BUF_INIT(8);
    assert_int_equal(buf_adds(&b, "12345"), 0);
    assert_int_equal(buf_adds(&b, "678"), 0);
    assert_int_equal(buf_adds(&b, "9"), -1);
    assert_string_equal(buf_str(&b), "12345678");
    assert_int_equal(buf_printf(&b, "%d", 1), -1);
    buf_free(&b);
    buf_t u = BUF_INIT(0);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(buf_printf(&u, "%04d", i), 0);
    assert_int_equal(u.len, 4000);
    char *s = buf_take(&u);
    assert_memory_equal(s + 3996, "0999", 4);
    free(s);
}

/* utf8_seq_len (the inline fast path) agrees with utf8_decode on every
 * one-, two- and three-byte sequence and on four-byte samples. */
static void test_utf8_seq_len(void **state)
{
    (void)state;
    unsigned char s[4] = { 0 };
    uint32_t cp;
    for (unsigned a = 0; a < 256; a++) {
        s[0] = (unsigned char)a;
        assert_int_equal(utf8_seq_len((char *)s, 1), utf8_decode((char *)s, 1, &cp));
        for (unsigned b = 0; b < 256; b++) {
            s[1] = (unsigned char)b;
            assert_int_equal(utf8_seq_len((char *)s, 2), utf8_decode((char *)s, 2, &cp));
            for (unsigned c = 0; c < 256; c += (a >= 0xE0 && a <= 0xEF) ? 1 : 37) {
                s[2] = (unsigned char)c;
                if (utf8_seq_len((char *)s, 3) != utf8_decode((char *)s, 3, &cp))
                    fail_msg("%02x %02x %02x", a, b, c);
                s[3] = (unsigned char)(0x80 + (a ^ b ^ c) % 64);
                assert_int_equal(utf8_seq_len((char *)s, 4), utf8_decode((char *)s, 4, &cp));
            }
        }
    }
    assert_int_equal(utf8_seq_len("", 0), 0);
}

static void test_utf8(void **state)
{
    (void)state;
    size_t bad = 0;
    assert_true(utf8_valid("統4、統6", strlen("統4、統6"), NULL));
    assert_false(utf8_valid("ab\xff", 3, &bad));
    assert_int_equal(bad, 2);
    assert_false(utf8_valid("\xc0\xaf", 2, NULL));         /* overlong '/' */
    assert_false(utf8_valid("\xed\xa0\x80", 3, NULL));     /* surrogate */
    assert_false(utf8_valid("\xf4\x90\x80\x80", 4, NULL)); /* > U+10FFFF */
    assert_false(utf8_valid("\xe3\x81", 2, NULL));         /* truncated */
    char *t = utf8_trim("\u3000 API接続先の 適格性 \n");
    assert_string_equal(t, "API接続先の 適格性");
    free(t);
    char *q = utf8_squeeze("銀行API報告書・ セキュリティ原則");
    assert_string_equal(q, "銀行API報告書・セキュリティ原則");
    free(q);
    assert_int_equal(utf8_len("通番1"), 3);
}

static void test_diag(void **state)
{
    (void)state;
    diag_t d;
    diag_init(&d, "a.xlsx");
    diag_add(&d, "シート1", 12, 28, "値が不正です: %s", "bad value: %s", "x");
    char *ja = diag_format(&d, 0, LANG_JA), *en = diag_format(&d, 0, LANG_EN);
    assert_string_equal(ja, "a.xlsx: シート「シート1」: 12行目: AB列: 値が不正です: x");
    assert_string_equal(en, "a.xlsx: sheet 'シート1': row 12: column AB: bad value: x");
    free(ja);
    free(en);
    d.max = 1;
    diag_add(&d, NULL, 0, 0, "x", "x%s", "");
    assert_int_equal(d.n, 1);
    assert_int_equal(d.dropped, 1);
    diag_free(&d);
}

static catalog_t *small_catalog(void)
{
    catalog_t *c = catalog_new();
    c->id = xstrdup("test-1");
    c->title = xstrdup("テスト");
    item_t *it = catalog_add_item(c);
    it->no = 1;
    it->category = xstrdup("区分A");
    it->objective = xstrdup("目標1");
    it->target = TARGET_BOTH;
    item_add_ref(it, REF_SOURCE_SECURITY, "3.3.2", "外部からの不正アクセス対策", "t");
    item_add_ref(it, REF_SOURCE_FISC, "統20", NULL, NULL);
    it = catalog_add_item(c);
    it->no = 2;
    it->category = xstrdup("区分A");
    it->objective = xstrdup("目標2");
    it->target = TARGET_BANK;
    return c;
}

static void test_catalog_model(void **state)
{
    (void)state;
    catalog_t *c = small_catalog();
    char *why = NULL;
    assert_int_equal(catalog_check(c, &why), 0);
    assert_true(item_cites(catalog_find(c, 1), "統20"));
    assert_false(item_cites(catalog_find(c, 1), "統2"));
    assert_true(item_cites(catalog_find(c, 1), "3.3.2"));
    assert_true(item_cites(catalog_find(c, 1), "3.3"));
    assert_false(item_cites(catalog_find(c, 1), "3.3.1"));
    assert_null(catalog_find(c, 3));
    catalog_t *d = catalog_dup(c);
    assert_true(catalog_equal(c, d, NULL));
    free(d->items[0].refs[0].point);
    d->items[0].refs[0].point = xstrdup("y");
    assert_false(catalog_equal(c, d, &why));
    assert_string_equal(why, "item 1: reference 1: point 't' != 'y'");
    free(why);
    d->items[1].no = 5;
    assert_int_equal(catalog_check(d, &why), -1);
    assert_non_null(why);
    free(why);
    catalog_free(d);
    catalog_free(c);
    assert_int_equal(target_parse("共通"), TARGET_BOTH);
    assert_int_equal(target_parse("bank"), TARGET_BANK);
    assert_int_equal(target_parse("誰か"), 0);
}

static void test_answerset(void **state)
{
    (void)state;
    answerset_t *s = answerset_new("test-1");
    answer_t *a = answerset_get(s, 2, SIDE_BANK);
    a->status = STATUS_DONE;
    a = answerset_get(s, 1, SIDE_BANK);
    answer_set_text(&a->current, "実施済み");
    a = answerset_get(s, 1, SIDE_PARTNER);
    answer_set_text(&a->plan, "");
    assert_null(a->plan);
    answer_set_text(&a->plan, "a\r\nb\rc\n");
    assert_string_equal(a->plan, "a\nb\nc\n");
    answer_set_text(&a->plan, NULL);
    assert_int_equal(s->n, 3);
    assert_int_equal(s->v[0].no, 1);
    assert_int_equal(s->v[0].side, SIDE_PARTNER);
    assert_int_equal(s->v[2].no, 2);
    answerset_t *t = answerset_new("test-1");
    answerset_get(t, 2, SIDE_BANK)->status = STATUS_DONE;
    answer_set_text(&answerset_get(t, 1, SIDE_BANK)->current, "実施済み");
    assert_true(answerset_equal(s, t, NULL)); /* empty answers do not count */
    char *why = NULL;
    answer_set_text(&answerset_get(t, 1, SIDE_BANK)->current, "未実施");
    assert_false(answerset_equal(s, t, &why));
    assert_non_null(strstr(why, "current"));
    free(why);
    answerset_compact(s);
    assert_int_equal(s->n, 2);
    answerset_free(s);
    answerset_free(t);

    status_t st;
    assert_int_equal(status_parse("一部対応", &st), 0);
    assert_int_equal(st, STATUS_PARTIAL);
    assert_int_equal(status_parse("na", &st), 0);
    assert_int_equal(st, STATUS_NA);
    assert_int_equal(status_parse("たぶん", &st), -1);
    assert_true(side_answers(SIDE_PARTNER, TARGET_BOTH));
    assert_false(side_answers(SIDE_PARTNER, TARGET_BANK));
    assert_true(date_valid_iso("2024-02-29"));
    assert_false(date_valid_iso("2023-02-29"));
    assert_false(date_valid_iso("2023-13-01"));
    assert_false(date_valid_iso("2023-1-01"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_cap),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_utf8_seq_len),
        cmocka_unit_test(test_diag),
        cmocka_unit_test(test_catalog_model),
        cmocka_unit_test(test_answerset),
    };
    return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
