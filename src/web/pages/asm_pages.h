/*
 * asm_pages — what the assessment page family's files share (not for use
 * outside src/web/pages/): assessment.c holds the list, the checklist page
 * and the route table; review.c the answer, review, comment and workflow
 * forms' handlers and the conflict page; files.c export, import, history
 * and diff.  Labels in both languages live here too, so every page words a
 * status the same way.
 */
#ifndef APICHECK_WEB_PAGES_ASM_PAGES_H
#define APICHECK_WEB_PAGES_ASM_PAGES_H

#include <stdint.h>

#include "core/answer.h"
#include "core/workflow.h"
#include "db/store.h"
#include "web/ctx.h"
#include "web/html.h"
#include "web/http.h"
#include "web/router.h"

/* Labels in the request's language. */
const char *asm_status_label(const web_ctx_t *c, status_t s);    /* "" → 未回答 */
const char *asm_eval_label(const web_ctx_t *c, evaluation_t e);
const char *asm_state_label(const web_ctx_t *c, wf_state_t s);
const char *asm_target_label(const web_ctx_t *c, target_t t);
const char *asm_side_label(const web_ctx_t *c, side_t s);
const char *asm_scope_label(const web_ctx_t *c, const char *scope);

/* An int64 as text into a small buffer. */
const char *asm_i64(char buf[24], int64_t v);
/* "/assessments/12" (+ suffix) into a fresh string. */
char *asm_url(int64_t id, const char *suffix);
/* 303 to "/assessments/{id}#item-{no}" (no 0: the page's top). */
int asm_redirect_item(http_resp_t *resp, int64_t id, int no);
/* A page holding one message (and the store's explanation), with a link
 * back to the assessment; sets resp->status.  Returns 0 or 500. */
int asm_message_page(web_ctx_t *c, int status, int64_t id, const char *title,
                     const char *message);
/* The assessment header block (parties, round, due, state). */
void asm_header(web_ctx_t *c, html_t *h, const assessment_t *x);
/* Read-only rendering of an answer's fields as a <dl>. */
void asm_answer_view(web_ctx_t *c, html_t *h, const answer_t *a);
/* The answer's editable fields (status select, textareas, due date),
 * filled from a (may be NULL). */
void asm_answer_fields(web_ctx_t *c, html_t *h, const answer_t *a);

/* Handlers (review.c). */
int asm_page_answer_save(const http_req_t *, http_resp_t *, const route_params_t *, void *);
int asm_page_review(const http_req_t *, http_resp_t *, const route_params_t *, void *);
int asm_page_comment(const http_req_t *, http_resp_t *, const route_params_t *, void *);
int asm_page_asm_comment(const http_req_t *, http_resp_t *, const route_params_t *, void *);
int asm_page_step(const http_req_t *, http_resp_t *, const route_params_t *, void *);
/* Handlers (files.c). */
int asm_page_export(const http_req_t *, http_resp_t *, const route_params_t *, void *);
int asm_page_import_form(const http_req_t *, http_resp_t *, const route_params_t *, void *);
int asm_page_import_preview(const http_req_t *, http_resp_t *, const route_params_t *, void *);
int asm_page_import_apply(const http_req_t *, http_resp_t *, const route_params_t *, void *);
int asm_page_history(const http_req_t *, http_resp_t *, const route_params_t *, void *);
int asm_page_diff(const http_req_t *, http_resp_t *, const route_params_t *, void *);

#endif
