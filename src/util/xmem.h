/*
 * xmem — allocation helpers that never return NULL.
 *
 * apicheck decides once, deliberately, to abort on out-of-memory (as Fossil,
 * Redis and Kore do): every limit on untrusted input is enforced long before
 * memory runs out, so an allocation failure means the machine is broken and
 * the only honest reaction is to stop.  Everything else in the tree may
 * therefore treat these calls as infallible.
 */
#ifndef APICHECK_XMEM_H
#define APICHECK_XMEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow an array: returns p resized to hold at least need elements of size
 * elem, updating *cap (doubling).  Aborts on overflow. */
void *xgrow(void *p, size_t *cap, size_t need, size_t elem);
char *xstrdup(const char *s);            /* NULL in, NULL out */
char *xstrndup(const char *s, size_t n); /* copies at most n bytes, adds NUL */
/* printf into a fresh heap string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
