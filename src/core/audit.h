/*
 * audit — the hash chain that makes the audit trail tamper-evident.
 *
 * Every change writes an audit event in the same transaction as the change.
 * Each event carries the hash of the one before it; an event's hash covers
 * its own fields and that previous hash, so editing, deleting, inserting or
 * reordering any stored event breaks the chain at that point, and
 * `apicheck audit verify` names the first event that no longer fits.
 * Fields are hashed length-prefixed (no separator ambiguity) with SHA-256.
 */
#ifndef APICHECK_AUDIT_H
#define APICHECK_AUDIT_H

#include <stdint.h>

#define AUDIT_HASH_HEX 65 /* 64 hex digits + NUL */
/* The "previous hash" of the first event. */
#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

typedef struct audit_event {
    int64_t seq;            /* 1, 2, 3 … without gaps */
    const char *at;         /* ISO-8601 UTC time */
    int64_t user_id;        /* 0 for the system */
    const char *user_login; /* the actor's login at the time, or NULL */
    int64_t org_id;         /* 0 when none */
    const char *action;     /* "answer.save", "assessment.submit" … */
    const char *object_type;/* "assessment", "answer", "user" … */
    const char *object_id;  /* the object's key as text */
    const char *before;     /* JSON text or NULL */
    const char *after;      /* JSON text or NULL */
    const char *prev_hash;  /* hex of the previous event's hash, or AUDIT_GENESIS */
} audit_event_t;

/* Hash an event (prev_hash included) into hex. */
void audit_hash(const audit_event_t *e, char out[AUDIT_HASH_HEX]);

#endif
