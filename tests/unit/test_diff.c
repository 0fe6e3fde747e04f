/* answerset_diff: item by item, matched by number and objective, never by
 * row; fields compared one by one; added, removed and renumbered items. */
#include "testutil.h"

#include "core/diff.h"
#include "util/xmem.h"

#include <stdlib.h>
#include <string.h>

/* A catalog whose items are given as (no, objective) pairs, in row order. */
static catalog_t *cat_of(const char *id, size_t n, const int *nos, const char *const *obj)
{
    catalog_t *c = catalog_new();
    c->id = xstrdup(id);
    c->title = xstrdup(id);
    for (size_t i = 0; i < n; i++) {
        item_t *it = catalog_add_item(c);
        it->no = nos[i];
        it->category = xstrdup("区分");
        it->objective = xstrdup(obj[i]);
        it->target = TARGET_BOTH;
    }
    return c;
}

static void put(answerset_t *s, int no, side_t side, status_t st, const char *current)
{
    answer_t *a = answerset_get(s, no, side);
    a->status = st;
    answer_set_text(&a->current, current);
}

static void test_fields(void **state)
{
    (void)state;
    answer_t x = { 0 }, y = { 0 };
    assert_int_equal(answer_diff_fields(NULL, NULL), 0);
    assert_int_equal(answer_diff_fields(&x, NULL), 0);
    x.current = (char *)"";
    assert_int_equal(answer_diff_fields(&x, &y), 0); /* "" and NULL are equal */
    x.status = STATUS_DONE;
    x.note = (char *)"備考";
    y.due = (char *)"2026-03-31";
    assert_int_equal(answer_diff_fields(&x, &y), DIFF_F_STATUS | DIFF_F_NOTE | DIFF_F_DUE);
    y.plan = (char *)"計画";
    assert_int_equal(answer_diff_fields(NULL, &y), DIFF_F_DUE | DIFF_F_PLAN);
    assert_string_equal(diff_field_label(DIFF_F_GAP), "課題認識");
    assert_string_equal(diff_field_code(DIFF_F_CURRENT), "current");
    assert_string_equal(diff_field_label(0), "");
}

static void test_objective(void **state)
{
    (void)state;
    assert_true(diff_same_objective("API接続先の 適格性", "API接続先の適格性"));
    assert_true(diff_same_objective("a\u3000b\n", " ab"));
    assert_false(diff_same_objective("ab", "abc"));
    assert_false(diff_same_objective("ab", NULL));
    assert_true(diff_same_objective(NULL, NULL));
}

static void test_same_catalog(void **state)
{
    (void)state;
    static const int nos[] = { 1, 2, 3 };
    static const char *const obj[] = { "目標一", "目標二", "目標三" };
    catalog_t *c = cat_of("c", 3, nos, obj);
    answerset_t *a = answerset_new("c"), *b = answerset_new("c");
    put(a, 1, SIDE_PARTNER, STATUS_TODO, "未着手");
    put(b, 1, SIDE_PARTNER, STATUS_DONE, "対応済み");
    put(a, 2, SIDE_BANK, STATUS_DONE, "同じ");
    put(b, 2, SIDE_BANK, STATUS_DONE, "同じ");
    put(b, 3, SIDE_BANK, STATUS_NA, NULL); /* new answer */
    put(a, 3, SIDE_PARTNER, STATUS_DONE, "消えた"); /* answer removed */

    answer_diff_t *d = answerset_diff(c, a, c, b);
    assert_int_equal(d->matched, 3);
    assert_int_equal(d->renumbered, 0);
    assert_int_equal(d->n, 3);
    assert_int_equal(d->v[0].kind, DIFF_ANSWER);
    assert_int_equal(d->v[0].item_b->no, 1);
    assert_int_equal(d->v[0].side, SIDE_PARTNER);
    assert_int_equal(d->v[0].fields, DIFF_F_STATUS | DIFF_F_CURRENT);
    assert_string_equal(d->v[0].before->current, "未着手");
    assert_string_equal(d->v[0].after->current, "対応済み");
    assert_int_equal(d->v[1].item_b->no, 3);
    assert_int_equal(d->v[1].side, SIDE_PARTNER);
    assert_null(d->v[1].after);
    assert_int_equal(d->v[2].item_b->no, 3);
    assert_int_equal(d->v[2].side, SIDE_BANK);
    assert_null(d->v[2].before);
    assert_int_equal(d->v[2].fields, DIFF_F_STATUS);
    answer_diff_free(d);

    d = answerset_diff(c, a, c, a);
    assert_int_equal(d->n, 0);
    answer_diff_free(d);
    d = answerset_diff(c, NULL, c, NULL);
    assert_int_equal(d->n, 0);
    answer_diff_free(d);

    answerset_free(a);
    answerset_free(b);
    catalog_free(c);
}

/* A later edition: rows in another order, one item renumbered (its
 * objective moved from 2 to 4), one dropped, one new, and an item whose
 * number stayed but whose objective changed (a different item). */
static void test_editions(void **state)
{
    (void)state;
    static const int nos_a[] = { 1, 2, 3, 4 };
    static const char *const obj_a[] = { "目標一", "目標二", "目標三", "旧目標四" };
    static const int nos_b[] = { 4, 1, 3, 5 };
    static const char *const obj_b[] = { "目標 二", "目標一", "目標三", "新目標五" };
    catalog_t *ca = cat_of("a", 4, nos_a, obj_a), *cb = cat_of("b", 4, nos_b, obj_b);
    answerset_t *a = answerset_new("a"), *b = answerset_new("b");
    put(a, 1, SIDE_PARTNER, STATUS_DONE, "一");
    put(b, 1, SIDE_PARTNER, STATUS_DONE, "一"); /* same: no entry */
    put(a, 2, SIDE_PARTNER, STATUS_TODO, "二");
    put(b, 4, SIDE_PARTNER, STATUS_DONE, "二"); /* item 2 is now 4 */
    put(a, 3, SIDE_BANK, STATUS_DONE, "三");
    put(b, 3, SIDE_BANK, STATUS_DONE, "三"); /* same row index would differ */
    put(a, 4, SIDE_PARTNER, STATUS_DONE, "旧四");

    answer_diff_t *d = answerset_diff(ca, a, cb, b);
    assert_int_equal(d->matched, 3);
    assert_int_equal(d->renumbered, 1);
    assert_int_equal(d->n, 3);
    /* number 4: the old item 4 removed, then item 2 → 4 with its status */
    assert_int_equal(d->v[0].kind, DIFF_ITEM_REMOVED);
    assert_int_equal(d->v[0].item_a->no, 4);
    assert_null(d->v[0].item_b);
    assert_int_equal(d->v[1].kind, DIFF_ANSWER);
    assert_int_equal(d->v[1].item_a->no, 2);
    assert_int_equal(d->v[1].item_b->no, 4);
    assert_int_equal(d->v[1].fields, DIFF_F_STATUS);
    assert_int_equal(d->v[2].kind, DIFF_ITEM_ADDED);
    assert_int_equal(d->v[2].item_b->no, 5);
    assert_null(d->v[2].item_a);
    answer_diff_free(d);

    answerset_free(a);
    answerset_free(b);
    catalog_free(ca);
    catalog_free(cb);
}

/* An objective that appears twice is not matched across numbers: that
 * would be guessing. */
static void test_ambiguous(void **state)
{
    (void)state;
    static const int nos_a[] = { 1, 2 };
    static const char *const obj_a[] = { "同じ目標", "同じ目標" };
    static const int nos_b[] = { 3, 4 };
    static const char *const obj_b[] = { "同じ目標", "同じ目標" };
    catalog_t *ca = cat_of("a", 2, nos_a, obj_a), *cb = cat_of("b", 2, nos_b, obj_b);
    answer_diff_t *d = answerset_diff(ca, NULL, cb, NULL);
    assert_int_equal(d->matched, 0);
    assert_int_equal(d->n, 4);
    assert_int_equal(d->v[0].kind, DIFF_ITEM_REMOVED);
    assert_int_equal(d->v[1].kind, DIFF_ITEM_REMOVED);
    assert_int_equal(d->v[2].kind, DIFF_ITEM_ADDED);
    assert_int_equal(d->v[3].kind, DIFF_ITEM_ADDED);
    answer_diff_free(d);
    catalog_free(ca);
    catalog_free(cb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_objective),
        cmocka_unit_test(test_same_catalog),
        cmocka_unit_test(test_editions),
        cmocka_unit_test(test_ambiguous),
    };
    return cmocka_run_group_tests_name("diff", tests, NULL, NULL);
}
