/*
 * buf — a length-carrying, always NUL-terminated byte buffer with a hard
 * size cap (after curl's dynbuf).  Appends past the cap fail with -1 and
 * leave the buffer as it was, so a parser fed hostile input stops cleanly
 * instead of growing without bound.  The buffer owns its bytes; buf_free()
 * releases them, buf_take() hands them to the caller.
 */
#ifndef APICHECK_BUF_H
#define APICHECK_BUF_H

#include <stddef.h>

typedef struct buf {
    char *p;      /* bytes, NUL-terminated once anything was appended */
    size_t len;   /* bytes used, excluding the NUL */
    size_t cap;   /* bytes allocated */
    size_t max;   /* hard cap on len; 0 means unlimited */
} buf_t;

#define BUF_INIT(max_) { NULL, 0, 0, (max_) }

void buf_init(buf_t *b, size_t max);
void buf_free(buf_t *b);
void buf_reset(buf_t *b);                       /* len = 0, keeps memory */
int buf_add(buf_t *b, const void *p, size_t n); /* 0 or -1 past the cap */
/* Room for n more bytes without growing (capped at max); a writer that
 * knows roughly how much it will write saves the copies of doubling. */
void buf_reserve(buf_t *b, size_t n);
int buf_adds(buf_t *b, const char *s);
int buf_addc(buf_t *b, char c);
int buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The contents as a C string ("" when empty); valid until the next append. */
const char *buf_str(const buf_t *b);
/* Detach the contents as a heap string (never NULL); the buffer is emptied. */
char *buf_take(buf_t *b);

#endif
