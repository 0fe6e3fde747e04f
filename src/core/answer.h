/*
 * answer — an answer set: a filled checklist for one catalog.  It holds, per
 * item and per side (API接続先 / 銀行; both for 共通 items), the status
 * (対応済 / 一部対応 / 未対応 / 該当なし or unset), 現在の対応状況, 課題認識,
 * 課題への対応計画, the plan's due date and 備考.  The set owns its strings;
 * answerset_free() releases everything.  No I/O here: formats/ reads and
 * writes answer sets as JSON, CSV and XLSX.
 */
#ifndef APICHECK_ANSWER_H
#define APICHECK_ANSWER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/catalog.h"

typedef enum side {
    SIDE_PARTNER = 0, /* API接続先 */
    SIDE_BANK = 1     /* 銀行 */
} side_t;

typedef enum status {
    STATUS_UNSET = 0,
    STATUS_DONE = 1,     /* 対応済 */
    STATUS_PARTIAL = 2,  /* 一部対応 */
    STATUS_TODO = 3,     /* 未対応 */
    STATUS_NA = 4        /* 該当なし */
} status_t;

typedef struct answer {
    int no;          /* 通番 of the item answered */
    side_t side;
    status_t status;
    char *current;   /* 現在の対応状況, or NULL */
    char *gap;       /* 課題認識, or NULL */
    char *plan;      /* 課題への対応計画, or NULL */
    char *due;       /* plan due date, ISO "YYYY-MM-DD", or NULL */
    char *note;      /* 備考, or NULL */
} answer_t;

typedef struct answerset {
    char *catalog_id;  /* the catalog answered */
    answer_t *v;       /* kept sorted by (no, side) */
    size_t n, cap;
} answerset_t;

answerset_t *answerset_new(const char *catalog_id);
void answerset_free(answerset_t *s);
/* The answer for (no, side), created empty if absent (owned by the set). */
answer_t *answerset_get(answerset_t *s, int no, side_t side);
const answer_t *answerset_find(const answerset_t *s, int no, side_t side);
/* Is the answer empty (unset status, every text NULL or "")? */
bool answer_is_empty(const answer_t *a);
/* Replace a text field, copying v ("" is stored as NULL, line ends are
 * normalized to "\n"). */
void answer_set_text(char **field, const char *v);
/* Drop empty answers. */
void answerset_compact(answerset_t *s);
/* Keep only one side's answers (exports of one side's sheet). */
void answerset_keep_side(answerset_t *s, side_t side);
/* Structural equality; why as in catalog_equal. */
bool answerset_equal(const answerset_t *a, const answerset_t *b, char **why);

/* Does side answer items of this target?  (partner: partner and both;
 * bank: bank and both) */
bool side_answers(side_t side, target_t target);

const char *side_label(side_t s);  /* "API接続先" / "銀行" */
const char *side_code(side_t s);   /* "partner" / "bank" */
/* Accepts codes and Japanese labels; returns 0 and sets *out, or -1. */
int side_parse(const char *s, side_t *out);

const char *status_label(status_t s); /* "対応済" …, "" for unset */
const char *status_code(status_t s);  /* "done", "partial", "todo", "na", "" */
/* Accepts labels, codes and "" (unset); returns 0 and sets *out, or -1. */
int status_parse(const char *s, status_t *out);

/* Validate an ISO date "YYYY-MM-DD" (real calendar date). */
bool date_valid_iso(const char *s);

#endif
