/* The workflow and permission matrix: every role × every action × own and
 * other tenant × every state, against an independent statement of the rules. */
#include "testutil.h"

#include "core/audit.h"
#include "core/workflow.h"

#include <string.h>

enum { BANK = 10, PARTNER = 20, OTHER_BANK = 11, OTHER_PARTNER = 21 };

static wf_target_t target(wf_state_t s)
{
    wf_target_t t = { BANK, PARTNER, s };
    return t;
}

static actor_t who(int64_t org, org_kind_t kind, role_t role)
{
    actor_t a = { 1, org, kind, role, false };
    return a;
}

/* The rules written out once more, plainly, from the issue. */
static wf_result_t expected(const actor_t *a, wf_action_t act, wf_state_t st, side_t side,
                            target_t it)
{
    bool party = a->org_id == BANK || a->org_id == PARTNER;
    if (!party && !a->operator_)
        return WF_NOT_FOUND;
    if (act == ACT_READ)
        return WF_OK;
    bool is_bank = a->org_id == BANK, is_partner = a->org_id == PARTNER;
    bool writer = a->role != ROLE_VIEWER;
    bool reviewer = is_bank && (a->role == ROLE_REVIEWER || a->role == ROLE_ADMIN);
    switch (act) {
    case ACT_ANSWER:
    case ACT_PLAN: {
        if (!(is_bank || is_partner) || !writer)
            return WF_FORBIDDEN;
        side_t own = is_bank ? SIDE_BANK : SIDE_PARTNER;
        if (side != own)
            return WF_WRONG_SIDE;
        if (it == TARGET_PARTNER && side == SIDE_BANK)
            return WF_WRONG_SIDE;
        if (it == TARGET_BANK && side == SIDE_PARTNER)
            return WF_WRONG_SIDE;
        if (act == ACT_PLAN)
            return WF_OK;
        if (st == WF_DRAFT || st == WF_RETURNED)
            return WF_OK;
        if (st == WF_IN_REVIEW && side == SIDE_BANK)
            return WF_OK;
        return WF_BAD_STATE;
    }
    case ACT_SUBMIT:
        if (!is_partner || !writer)
            return WF_FORBIDDEN;
        return st == WF_DRAFT || st == WF_RETURNED ? WF_OK : WF_BAD_STATE;
    case ACT_START_REVIEW:
        if (!reviewer)
            return WF_FORBIDDEN;
        return st == WF_SUBMITTED ? WF_OK : WF_BAD_STATE;
    case ACT_REVIEW:
    case ACT_RETURN:
    case ACT_ACCEPT:
        if (!reviewer)
            return WF_FORBIDDEN;
        return st == WF_SUBMITTED || st == WF_IN_REVIEW ? WF_OK : WF_BAD_STATE;
    case ACT_COMMENT:
        if (!(is_bank || is_partner) || !writer)
            return WF_FORBIDDEN;
        return st == WF_ACCEPTED ? WF_BAD_STATE : WF_OK;
    case ACT_OPEN:
        return is_bank && writer ? WF_OK : WF_FORBIDDEN;
    default:
        return WF_FORBIDDEN;
    }
}

static void test_matrix(void **state)
{
    (void)state;
    const struct {
        int64_t org;
        org_kind_t kind;
    } orgs[] = { { BANK, ORG_BANK }, { PARTNER, ORG_PARTNER }, { OTHER_BANK, ORG_BANK },
                 { OTHER_PARTNER, ORG_PARTNER } };
    size_t checked = 0;
    for (size_t o = 0; o < 4; o++)
        for (role_t r = ROLE_VIEWER; r <= ROLE_ADMIN; r++)
            for (wf_action_t act = ACT_READ; act <= ACT_PLAN; act++)
                for (wf_state_t st = WF_DRAFT; st <= WF_ACCEPTED; st++)
                    for (int side = SIDE_PARTNER; side <= SIDE_BANK; side++)
                        for (target_t it = TARGET_PARTNER; it <= TARGET_BOTH; it++) {
                            actor_t a = who(orgs[o].org, orgs[o].kind, r);
                            wf_target_t t = target(st);
                            wf_result_t got = workflow_check(&a, act, &t, (side_t)side, it);
                            wf_result_t want = expected(&a, act, st, (side_t)side, it);
                            if (got != want) {
                                print_error("org %lld role %s action %s state %s side %d "
                                            "item %d: got %d want %d\n",
                                            (long long)orgs[o].org, role_code(r),
                                            wf_action_code(act), wf_state_code(st), side,
                                            (int)it, got, want);
                                fail();
                            }
                            checked++;
                        }
    assert_int_equal(checked, 4 * 4 * 10 * 5 * 2 * 3);
}

static void test_other_tenant_is_not_found(void **state)
{
    (void)state;
    /* A partner of another connection cannot even read: the same answer as a
     * missing object. */
    actor_t a = who(OTHER_PARTNER, ORG_PARTNER, ROLE_ADMIN);
    wf_target_t t = target(WF_DRAFT);
    assert_int_equal(workflow_check(&a, ACT_READ, &t, SIDE_PARTNER, TARGET_PARTNER),
                     WF_NOT_FOUND);
    /* A bank whose id happens to equal the partner's org id but is a bank:
     * it is not the partner. */
    actor_t b = who(PARTNER, ORG_BANK, ROLE_ADMIN);
    assert_int_equal(workflow_check(&b, ACT_ANSWER, &t, SIDE_PARTNER, TARGET_PARTNER),
                     WF_FORBIDDEN);
}

static void test_operator(void **state)
{
    (void)state;
    actor_t op = { 1, 0, 0, ROLE_ADMIN, true };
    wf_target_t t = target(WF_SUBMITTED);
    assert_int_equal(workflow_check(&op, ACT_READ, &t, SIDE_PARTNER, 0), WF_OK);
    /* Operators answer, review and move nothing: they belong to no side. */
    for (wf_action_t act = ACT_ANSWER; act <= ACT_PLAN; act++)
        assert_int_equal(workflow_check(&op, act, &t, SIDE_BANK, TARGET_BOTH), WF_FORBIDDEN);
}

static void test_transitions(void **state)
{
    (void)state;
    assert_int_equal(workflow_next(ACT_SUBMIT, WF_DRAFT), WF_SUBMITTED);
    assert_int_equal(workflow_next(ACT_SUBMIT, WF_RETURNED), WF_SUBMITTED);
    assert_int_equal(workflow_next(ACT_REVIEW, WF_SUBMITTED), WF_IN_REVIEW);
    assert_int_equal(workflow_next(ACT_REVIEW, WF_IN_REVIEW), WF_IN_REVIEW);
    assert_int_equal(workflow_next(ACT_RETURN, WF_IN_REVIEW), WF_RETURNED);
    assert_int_equal(workflow_next(ACT_ACCEPT, WF_SUBMITTED), WF_ACCEPTED);
    assert_int_equal(workflow_next(ACT_ANSWER, WF_DRAFT), WF_DRAFT);
    wf_state_t s;
    assert_int_equal(wf_state_parse("in_review", &s), 0);
    assert_int_equal(s, WF_IN_REVIEW);
    assert_int_equal(wf_state_parse("差戻し", &s), 0);
    assert_int_equal(s, WF_RETURNED);
    assert_int_equal(wf_state_parse("closed", &s), -1);
    role_t r;
    assert_int_equal(role_parse("reviewer", &r), 0);
    assert_int_equal(r, ROLE_REVIEWER);
    assert_int_equal(role_parse("root", &r), -1);
}

static void test_audit_hash(void **state)
{
    (void)state;
    audit_event_t e = { 1, "2026-11-26T07:00:00Z", 3, "hanako", 4, "answer.save", "answer", "7/1/partner",
                        NULL, "{\"status\":\"done\"}", AUDIT_GENESIS };
    char h1[AUDIT_HASH_HEX], h2[AUDIT_HASH_HEX];
    audit_hash(&e, h1);
    audit_hash(&e, h2);
    assert_string_equal(h1, h2);
    assert_int_equal(strlen(h1), 64);
    e.before = "";
    audit_hash(&e, h2);
    assert_string_not_equal(h1, h2); /* NULL and "" differ */
    e.before = NULL;
    e.seq = 2;
    audit_hash(&e, h2);
    assert_string_not_equal(h1, h2);
    e.seq = 1;
    e.prev_hash = h1;
    audit_hash(&e, h2);
    assert_string_not_equal(h1, h2);
    /* Moving bytes between fields changes the hash. */
    audit_event_t x = e, y = e;
    x.action = "ab";
    x.object_type = "c";
    y.action = "a";
    y.object_type = "bc";
    audit_hash(&x, h1);
    audit_hash(&y, h2);
    assert_string_not_equal(h1, h2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix),
        cmocka_unit_test(test_other_tenant_is_not_found),
        cmocka_unit_test(test_operator),
        cmocka_unit_test(test_transitions),
        cmocka_unit_test(test_audit_hash),
    };
    return cmocka_run_group_tests_name("workflow", tests, NULL, NULL);
}
