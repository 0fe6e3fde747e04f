/*
 * diff — what changed between two filled checklists, item by item: the
 * answers of assessment A (this year's, say) against those of B (next
 * year's), each read against its own checklist, which may be another
 * edition or a bank's selection.  Items are matched by their number and
 * their objective (セキュリティ対応目標, compared without layout spaces),
 * never by row position; an item whose objective moved to another number
 * is still matched when that objective appears once in each checklist.
 * Items found in only one checklist are reported as added or removed.
 *
 * The result points into the catalogs and answer sets it was computed
 * from: keep them alive while using it.  Pure logic: no I/O.
 */
#ifndef APICHECK_DIFF_H
#define APICHECK_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "core/answer.h"
#include "core/catalog.h"

/* The fields of an answer, as bits of diff_entry_t.fields. */
enum {
    DIFF_F_STATUS = 1u << 0,  /* 対応状況 */
    DIFF_F_CURRENT = 1u << 1, /* 現在の対応状況 */
    DIFF_F_GAP = 1u << 2,     /* 課題認識 */
    DIFF_F_PLAN = 1u << 3,    /* 課題への対応計画 */
    DIFF_F_DUE = 1u << 4,     /* 対応期限 */
    DIFF_F_NOTE = 1u << 5,    /* 備考 */
    DIFF_F_ALL = (1u << 6) - 1
};

typedef enum diff_kind {
    DIFF_ITEM_ADDED = 1,   /* the item is only in B's checklist */
    DIFF_ITEM_REMOVED = 2, /* only in A's */
    DIFF_ANSWER = 3        /* an answer of an item in both differs */
} diff_kind_t;

typedef struct diff_entry {
    diff_kind_t kind;
    const item_t *item_a, *item_b; /* NULL where the item is absent */
    side_t side;                   /* DIFF_ANSWER: the side whose answer differs */
    unsigned fields;               /* DIFF_ANSWER: DIFF_F_* bits that differ */
    const answer_t *before, *after;/* DIFF_ANSWER: A's and B's answer, NULL when none */
} diff_entry_t;

typedef struct answer_diff {
    diff_entry_t *v; /* ordered by B's item number (A's for removed items) and side */
    size_t n, cap;
    size_t matched;  /* items found in both checklists */
    size_t renumbered; /* of those, items whose number differs */
} answer_diff_t;

/* Compare a (answering cat_a) with b (answering cat_b).  Either answer set
 * may be NULL (no answers).  Returns a fresh result; never NULL. */
answer_diff_t *answerset_diff(const catalog_t *cat_a, const answerset_t *a,
                              const catalog_t *cat_b, const answerset_t *b);
void answer_diff_free(answer_diff_t *d);

/* The DIFF_F_* bits in which two answers differ (NULL = empty; NULL and ""
 * texts are equal). */
unsigned answer_diff_fields(const answer_t *a, const answer_t *b);

/* Column name of one DIFF_F_* bit: Japanese ("現在の対応状況") and code
 * ("current"). */
const char *diff_field_label(unsigned field);
const char *diff_field_code(unsigned field);

/* Do two objectives read the same once spaces (ASCII and U+3000) and line
 * breaks are taken out? */
bool diff_same_objective(const char *x, const char *y);

#endif
