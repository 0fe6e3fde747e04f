/*
 * store_asm — what store_assessment.c and store_review.c share: an
 * assessment as the rules see it (loaded tenant-filtered, checked with
 * core/workflow.h) and the checks and messages every operation on it uses.
 * Private to those two files.
 */
#ifndef APICHECK_STORE_ASM_H
#define APICHECK_STORE_ASM_H

#include "db/store_impl.h"

/* Bounds for result sets (PostgreSQL fetches whole results). */
#define ROWS_MAX "100000"
/* Longest round label ("2026年度"), selection note, plan owner we accept. */
#define ROUND_MAX_BYTES 200

typedef struct asm_ctx {
    int64_t id;
    wf_target_t t;
    char *catalog_id;
    int64_t selection_id; /* 0 = whole catalog */
    int64_t version;
    int64_t connection_id;
} asm_ctx_t;

/* The ST_* code of the last failed query (its message is recorded). */
int sa_q_err(store_t *st);
/* Record a workflow refusal for an assessment ("not found" names it). */
int sa_wf_refuse(store_t *st, wf_result_t r, int64_t assessment_id);
/* ST_INVALID: item no is not in the assessment's checklist. */
int sa_item_not_in(store_t *st, int no);
/* NULL and "" are the same text. */
bool sa_str_same(const char *a, const char *b);
/* Free text checks (UTF-8, size, control characters) with a named field. */
int sa_plain_check(store_t *st, const char *s, bool required, size_t max, const char *ja,
                   const char *en);
int sa_date_check(store_t *st, const char *d, const char *ja, const char *en);
void sa_ctx_clear(asm_ctx_t *c);
/* Load an assessment the actor may see; ST_NOT_FOUND (same message) when
 * missing or another tenant's. */
int sa_ctx_load(store_t *st, const actor_t *a, int64_t id, asm_ctx_t *c);
/* Load and check one action (side and item target as workflow_check). */
int sa_ctx_check(store_t *st, const actor_t *a, int64_t id, wf_action_t action, side_t side,
                 target_t item_target, asm_ctx_t *c);
/* The 対象者 of item no in the assessment's checklist. */
int sa_item_target(store_t *st, const asm_ctx_t *c, int no, target_t *out);
/* Add a comment row (inside the caller's write transaction). */
int sa_comment_insert(store_t *st, const actor_t *a, int64_t assessment_id, int no,
                      const char *body, const char *now, int64_t *id);
/* May this actor write comments (a user of a party, not an operator)? */
int sa_comment_author_check(store_t *st, const actor_t *a);

#endif
