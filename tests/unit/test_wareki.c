/* Unit tests for core/wareki: era dates both ways, the seams between eras,
 * 元年, full-width digits, 西暦 forms and the fiscal-year label. */
#include "testutil.h"

#include "core/wareki.h"

#include <string.h>

static void to_iso(const char *text, const char *want)
{
    char out[11] = "";
    if (wareki_to_iso(text, out) != 0) {
        print_error("'%s' was refused, expected %s\n", text, want);
        fail();
    }
    assert_string_equal(out, want);
}

static void refused(const char *text)
{
    char out[11];
    if (wareki_to_iso(text, out) == 0) {
        print_error("'%s' was read as %s\n", text ? text : "(null)", out);
        fail();
    }
}

static void from_iso(const char *iso, const char *want)
{
    char out[64];
    assert_int_equal(wareki_from_iso(iso, out, sizeof out), 0);
    assert_string_equal(out, want);
    /* And back. */
    to_iso(out, iso);
}

static void test_seed_date(void **state)
{
    (void)state;
    to_iso("平成30年8月2日", "2018-08-02");
    to_iso("平成３０年８月２日", "2018-08-02");
    to_iso(" 平成 30 年 8 月 2 日 ", "2018-08-02");
    to_iso("平成30年08月02日", "2018-08-02");
    to_iso("\u3000平成30年8月2日\u3000", "2018-08-02");
    to_iso("平成30年8月2日(木)", "2018-08-02");
    to_iso("平成30年8月2日（木）", "2018-08-02");
    refused("平成30年8月2日(金)"); /* 2018-08-02 was a Thursday */
    from_iso("2018-08-02", "平成30年8月2日");
}

static void test_era_seams(void **state)
{
    (void)state;
    /* Each era starts on its day; the day before belongs to the last one. */
    from_iso("2019-04-30", "平成31年4月30日");
    from_iso("2019-05-01", "令和元年5月1日");
    from_iso("1989-01-07", "昭和64年1月7日");
    from_iso("1989-01-08", "平成元年1月8日");
    from_iso("1926-12-24", "大正15年12月24日");
    from_iso("1926-12-25", "昭和元年12月25日");
    from_iso("1912-07-29", "明治45年7月29日");
    from_iso("1912-07-30", "大正元年7月30日");
    from_iso("1868-01-25", "明治元年1月25日");
    from_iso("2026-04-01", "令和8年4月1日");
    from_iso("2000-02-29", "平成12年2月29日");
    /* Dates an era never reached, or that belong to its successor. */
    refused("平成31年5月1日");
    refused("令和元年4月30日");
    refused("昭和64年1月8日");
    refused("平成元年1月7日");
    refused("大正元年7月29日");
    refused("明治元年1月24日");
    refused("大正16年1月1日");
    /* 1 and 元 are the same year. */
    to_iso("令和1年5月1日", "2019-05-01");
    to_iso("令和元年5月1日", "2019-05-01");
    to_iso("令和８年１月５日", "2026-01-05");
    char out[64];
    assert_int_equal(wareki_from_iso("1868-01-24", out, sizeof out), -1);
    assert_int_equal(wareki_from_iso("1800-01-01", out, sizeof out), -1);
}

static void test_abbreviations(void **state)
{
    (void)state;
    to_iso("H30.8.2", "2018-08-02");
    to_iso("h30/8/2", "2018-08-02");
    to_iso("R8.4.1", "2026-04-01");
    to_iso("S64.1.7", "1989-01-07");
    to_iso("Ｒ１．５．１", "2019-05-01");
    refused("H30.8/2"); /* mixed separators */
    refused("X30.8.2");
    refused("H.8.2");
}

static void test_western(void **state)
{
    (void)state;
    to_iso("2018-08-02", "2018-08-02");
    to_iso("2018-8-2", "2018-08-02");
    to_iso("2018/8/2", "2018-08-02");
    to_iso("2018年8月2日", "2018-08-02");
    to_iso("２０１８年８月２日", "2018-08-02");
    to_iso("2024-02-29", "2024-02-29");
    refused("2023-02-29");
    refused("1900-02-29");
    refused("2018-13-01");
    refused("2018-00-10");
    refused("2018-04-31");
    refused("18-08-02");
    refused("20180802");
    refused("2018-08-02T00:00");
    refused("2018年8月2");
    refused("2018-08/02");
}

static void test_garbage(void **state)
{
    (void)state;
    refused("");
    refused("   ");
    refused(NULL);
    refused("平成");
    refused("平成年8月2日");
    refused("平成0年8月2日");
    refused("平成1000年8月2日");
    refused("平成30年8月");
    refused("平成30年8月2日です");
    refused("平成30年8月32日");
    refused("平成30年99999999999月2日");
    refused("令和元年5月1日\xff");
    refused("\xe5\xb9");
    char big[600];
    memset(big, '1', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    refused(big);
    char out[64];
    assert_int_equal(wareki_from_iso("2018-8-2", out, sizeof out), -1);
    assert_int_equal(wareki_from_iso("2018-02-30", out, sizeof out), -1);
    assert_int_equal(wareki_from_iso("abcd-ef-gh", out, sizeof out), -1);
    assert_int_equal(wareki_from_iso(NULL, out, sizeof out), -1);
    /* Too small a buffer is refused, never overrun. */
    assert_int_equal(wareki_from_iso("2018-08-02", out, 8), -1);
    assert_int_equal(wareki_from_iso("2018-08-02", out, strlen("平成30年8月2日")), -1);
    assert_int_equal(wareki_from_iso("2018-08-02", out, strlen("平成30年8月2日") + 1), 0);
}

static void test_fiscal_year(void **state)
{
    (void)state;
    char out[32];
    assert_int_equal(wareki_fiscal_year("2026-04-01", out, sizeof out), 0);
    assert_string_equal(out, "2026年度");
    assert_int_equal(wareki_fiscal_year("2026-03-31", out, sizeof out), 0);
    assert_string_equal(out, "2025年度");
    assert_int_equal(wareki_fiscal_year("2018-08-02", out, sizeof out), 0);
    assert_string_equal(out, "2018年度");
    assert_int_equal(wareki_fiscal_year("2027-01-15", out, sizeof out), 0);
    assert_string_equal(out, "2026年度");
    assert_int_equal(wareki_fiscal_year("2026-13-01", out, sizeof out), -1);
    assert_int_equal(wareki_fiscal_year("", out, sizeof out), -1);
    assert_int_equal(wareki_fiscal_year("2026-04-01", out, 4), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_date),
        cmocka_unit_test(test_era_seams),
        cmocka_unit_test(test_abbreviations),
        cmocka_unit_test(test_western),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_fiscal_year),
    };
    return cmocka_run_group_tests_name("wareki", tests, NULL, NULL);
}
