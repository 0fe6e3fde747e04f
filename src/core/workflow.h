/*
 * workflow — who may do what to an assessment, decided in one place.
 *
 * An assessment (one bank × partner connection, one catalog, one round)
 * moves draft → submitted → in review → returned (back to editing) ↺ or
 * accepted.  The partner answers the partner side of API接続先 and 共通
 * items and submits; the bank answers the bank side, and its reviewers
 * evaluate each item, return the assessment for changes or accept it.
 * Answers are frozen while submitted or accepted.
 *
 * Every read and write in the store asks workflow_check() first.  Tenant
 * isolation lives here too: an actor whose organization is neither the
 * bank nor the partner of the assessment's connection gets WF_NOT_FOUND —
 * the same answer as for an object that does not exist, so nothing leaks.
 * Operators (who run the installation) may read everything and administer
 * organizations and users, but they answer, review and move assessments
 * only through the same rules as everybody (they have no organization, so
 * they cannot answer for one); their actions are audited like any other.
 * Pure logic: no I/O.
 */
#ifndef APICHECK_WORKFLOW_H
#define APICHECK_WORKFLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "core/answer.h"

typedef enum org_kind { ORG_BANK = 1, ORG_PARTNER = 2 } org_kind_t;

typedef enum role {
    ROLE_VIEWER = 1,   /* reads */
    ROLE_EDITOR = 2,   /* answers its side */
    ROLE_REVIEWER = 3, /* bank: evaluates, returns, accepts; partner: like editor */
    ROLE_ADMIN = 4     /* everything its organization may do, plus its users */
} role_t;

typedef enum wf_state {
    WF_DRAFT = 1,
    WF_SUBMITTED = 2,
    WF_IN_REVIEW = 3,
    WF_RETURNED = 4,
    WF_ACCEPTED = 5
} wf_state_t;

typedef enum wf_action {
    ACT_READ = 1,        /* see the assessment, its answers, reviews, history */
    ACT_ANSWER,          /* save an answer (side given) */
    ACT_SUBMIT,          /* partner: draft/returned → submitted */
    ACT_START_REVIEW,    /* bank: submitted → in review */
    ACT_REVIEW,          /* bank: evaluate an item (submitted/in review; moves to in review) */
    ACT_COMMENT,         /* either party: add to an item's comment thread */
    ACT_RETURN,          /* bank: submitted/in review → returned */
    ACT_ACCEPT,          /* bank: submitted/in review → accepted */
    ACT_OPEN,            /* bank: open a new assessment on its connection */
    ACT_PLAN             /* either party: update remediation plans of its side */
} wf_action_t;

/* Who is acting. */
typedef struct actor {
    int64_t user_id;
    int64_t org_id;      /* 0 for operators without an organization */
    org_kind_t org_kind; /* meaningful when org_id != 0 */
    role_t role;
    bool operator_;      /* installation operator */
} actor_t;

/* The assessment being touched, as far as the rules need it. */
typedef struct wf_target {
    int64_t bank_org_id;
    int64_t partner_org_id;
    wf_state_t state;
} wf_target_t;

typedef enum wf_result {
    WF_OK = 0,
    WF_NOT_FOUND = 1,   /* not this actor's tenant (or missing) */
    WF_FORBIDDEN = 2,   /* visible, but this role may not */
    WF_BAD_STATE = 3,   /* not in this state */
    WF_WRONG_SIDE = 4   /* this side is not the actor's, or does not answer the item */
} wf_result_t;

/* May actor do action on target?  For ACT_ANSWER and ACT_PLAN, side is the
 * side written and item_target the item's 対象者 (0 when not applicable). */
wf_result_t workflow_check(const actor_t *a, wf_action_t action, const wf_target_t *t,
                           side_t side, target_t item_target);

/* The state an allowed action leads to (unchanged for non-transitions). */
wf_state_t workflow_next(wf_action_t action, wf_state_t from);

/* Is the actor a party of the assessment (or an operator)? */
bool workflow_visible(const actor_t *a, const wf_target_t *t);
/* The side an actor's organization answers for in this assessment, or -1. */
int workflow_actor_side(const actor_t *a, const wf_target_t *t);

const char *wf_state_code(wf_state_t s);   /* "draft", "submitted", … */
const char *wf_state_label(wf_state_t s);  /* 下書き, 提出済, 審査中, 差戻し, 承認済 */
int wf_state_parse(const char *s, wf_state_t *out);
const char *role_code(role_t r);           /* "admin", "editor", … */
int role_parse(const char *s, role_t *out);
const char *org_kind_code(org_kind_t k);   /* "bank", "partner" */
int org_kind_parse(const char *s, org_kind_t *out);
const char *wf_action_code(wf_action_t a);
/* A message pair for a refusal, in the current language. */
const char *wf_result_message(wf_result_t r);

#endif
