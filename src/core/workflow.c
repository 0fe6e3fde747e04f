#include "core/workflow.h"
#include "util/i18n.h"

#include <string.h>

bool workflow_visible(const actor_t *a, const wf_target_t *t)
{
    if (a->operator_)
        return true;
    return a->org_id != 0 && (a->org_id == t->bank_org_id || a->org_id == t->partner_org_id);
}

int workflow_actor_side(const actor_t *a, const wf_target_t *t)
{
    if (a->org_id == 0)
        return -1;
    if (a->org_id == t->partner_org_id && a->org_kind == ORG_PARTNER)
        return SIDE_PARTNER;
    if (a->org_id == t->bank_org_id && a->org_kind == ORG_BANK)
        return SIDE_BANK;
    return -1;
}

static bool can_edit(role_t r)
{
    return r == ROLE_EDITOR || r == ROLE_REVIEWER || r == ROLE_ADMIN;
}

static bool can_review(const actor_t *a, int side)
{
    return side == SIDE_BANK && (a->role == ROLE_REVIEWER || a->role == ROLE_ADMIN);
}

/* Answers of each side may change only in these states: the partner's while
 * it holds the pen (draft, returned), the bank's also during review. */
static bool side_editable(side_t side, wf_state_t s)
{
    if (s == WF_DRAFT || s == WF_RETURNED)
        return true;
    return side == SIDE_BANK && s == WF_IN_REVIEW;
}

wf_result_t workflow_check(const actor_t *a, wf_action_t action, const wf_target_t *t,
                           side_t side, target_t item_target)
{
    if (!workflow_visible(a, t))
        return WF_NOT_FOUND;
    int own = workflow_actor_side(a, t);
    switch (action) {
    case ACT_READ:
        return WF_OK;
    case ACT_ANSWER:
    case ACT_PLAN:
        if (own < 0 || !can_edit(a->role))
            return WF_FORBIDDEN;
        if ((int)side != own || (item_target && !side_answers(side, item_target)))
            return WF_WRONG_SIDE;
        if (action == ACT_ANSWER && !side_editable(side, t->state))
            return WF_BAD_STATE;
        return WF_OK;
    case ACT_SUBMIT:
        if (own != SIDE_PARTNER || !can_edit(a->role))
            return WF_FORBIDDEN;
        return t->state == WF_DRAFT || t->state == WF_RETURNED ? WF_OK : WF_BAD_STATE;
    case ACT_START_REVIEW:
        if (!can_review(a, own))
            return WF_FORBIDDEN;
        return t->state == WF_SUBMITTED ? WF_OK : WF_BAD_STATE;
    case ACT_REVIEW:
        if (!can_review(a, own))
            return WF_FORBIDDEN;
        return t->state == WF_SUBMITTED || t->state == WF_IN_REVIEW ? WF_OK : WF_BAD_STATE;
    case ACT_RETURN:
    case ACT_ACCEPT:
        if (!can_review(a, own))
            return WF_FORBIDDEN;
        return t->state == WF_SUBMITTED || t->state == WF_IN_REVIEW ? WF_OK : WF_BAD_STATE;
    case ACT_COMMENT:
        if (own < 0 || a->role == ROLE_VIEWER)
            return WF_FORBIDDEN;
        return t->state == WF_ACCEPTED ? WF_BAD_STATE : WF_OK;
    case ACT_OPEN:
        if (own != SIDE_BANK || !(a->role == ROLE_ADMIN || a->role == ROLE_REVIEWER ||
                                  a->role == ROLE_EDITOR))
            return WF_FORBIDDEN;
        return WF_OK;
    }
    return WF_FORBIDDEN;
}

wf_state_t workflow_next(wf_action_t action, wf_state_t from)
{
    switch (action) {
    case ACT_SUBMIT: return WF_SUBMITTED;
    case ACT_START_REVIEW: return WF_IN_REVIEW;
    case ACT_REVIEW: return from == WF_SUBMITTED ? WF_IN_REVIEW : from;
    case ACT_RETURN: return WF_RETURNED;
    case ACT_ACCEPT: return WF_ACCEPTED;
    case ACT_OPEN: return WF_DRAFT;
    default: return from;
    }
}

static const char *const state_codes[] = { "", "draft", "submitted", "in_review", "returned",
                                           "accepted" };
static const char *const state_labels[] = { "", "下書き", "提出済", "審査中", "差戻し",
                                            "承認済" };

const char *wf_state_code(wf_state_t s)
{
    return s >= WF_DRAFT && s <= WF_ACCEPTED ? state_codes[s] : "";
}

const char *wf_state_label(wf_state_t s)
{
    return s >= WF_DRAFT && s <= WF_ACCEPTED ? state_labels[s] : "";
}

int wf_state_parse(const char *s, wf_state_t *out)
{
    for (int i = WF_DRAFT; s && i <= WF_ACCEPTED; i++)
        if (strcmp(s, state_codes[i]) == 0 || strcmp(s, state_labels[i]) == 0) {
            *out = (wf_state_t)i;
            return 0;
        }
    return -1;
}

static const char *const role_codes[] = { "", "viewer", "editor", "reviewer", "admin" };

const char *role_code(role_t r)
{
    return r >= ROLE_VIEWER && r <= ROLE_ADMIN ? role_codes[r] : "";
}

int role_parse(const char *s, role_t *out)
{
    for (int i = ROLE_VIEWER; s && i <= ROLE_ADMIN; i++)
        if (strcmp(s, role_codes[i]) == 0) {
            *out = (role_t)i;
            return 0;
        }
    return -1;
}

const char *org_kind_code(org_kind_t k)
{
    return k == ORG_BANK ? "bank" : k == ORG_PARTNER ? "partner" : "";
}

int org_kind_parse(const char *s, org_kind_t *out)
{
    if (s && (strcmp(s, "bank") == 0 || strcmp(s, "銀行") == 0)) {
        *out = ORG_BANK;
        return 0;
    }
    if (s && (strcmp(s, "partner") == 0 || strcmp(s, "API接続先") == 0 ||
              strcmp(s, "電子決済等代行業者") == 0)) {
        *out = ORG_PARTNER;
        return 0;
    }
    return -1;
}

const char *wf_action_code(wf_action_t a)
{
    switch (a) {
    case ACT_READ: return "read";
    case ACT_ANSWER: return "answer";
    case ACT_SUBMIT: return "submit";
    case ACT_START_REVIEW: return "start_review";
    case ACT_REVIEW: return "review";
    case ACT_COMMENT: return "comment";
    case ACT_RETURN: return "return";
    case ACT_ACCEPT: return "accept";
    case ACT_OPEN: return "open";
    case ACT_PLAN: return "plan";
    }
    return "";
}

const char *wf_result_message(wf_result_t r)
{
    switch (r) {
    case WF_OK: return "";
    case WF_NOT_FOUND: return tr("見つかりません", "not found");
    case WF_FORBIDDEN: return tr("この操作の権限がありません", "you may not do this");
    case WF_BAD_STATE:
        return tr("現在の状態ではこの操作はできません", "not possible in the current state");
    case WF_WRONG_SIDE:
        return tr("この項目のこの側には回答できません",
                  "this side of this item is not yours to answer");
    }
    return "";
}
