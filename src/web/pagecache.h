/*
 * pagecache — rendered pages kept in memory, so that a page nobody changed
 * is not built again (after cgit's cache, which keys pages by URL; ours
 * keys them by everything the page depends on, and has no time-to-live
 * because its keys cannot go stale).
 *
 * The caller builds the key: the data generation (the audit chain's head:
 * every accepted write appends an event in its own transaction, so a
 * change anywhere gives a new head), the viewer (session, hence user and
 * CSRF token), language, date, path and query.  A key therefore names one
 * exact rendering; an entry is never invalidated, only evicted, least
 * recently used first, to stay within a byte budget.
 *
 * Thread-safe (one mutex, held for a lookup, never for a copy: a hit
 * shares the stored body by reference count).  A cache made with a budget
 * of 0 stores nothing.
 */
#ifndef APICHECK_WEB_PAGECACHE_H
#define APICHECK_WEB_PAGECACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

typedef struct pagecache pagecache_t;

/* A cache holding at most max_bytes of keys and bodies together. */
pagecache_t *pagecache_new(size_t max_bytes);
void pagecache_free(pagecache_t *pc);

/* A stored body, shared: it stays valid until its reader releases it, even
 * when the cache replaces or evicts the entry meanwhile. */
typedef struct pagecache_body pagecache_body_t;

/* On a hit, a reference to the body (release it with
 * pagecache_body_release, from any thread), else NULL. */
pagecache_body_t *pagecache_get_shared(pagecache_t *pc, const char *key);
const char *pagecache_body_data(const pagecache_body_t *b, size_t *len);
void pagecache_body_release(pagecache_body_t *b);

/* On a hit, append a copy of the body to out and return true (false also
 * when out's cap would be passed, leaving out as it was). */
bool pagecache_get(pagecache_t *pc, const char *key, buf_t *out);
/* Keep a copy of body under key (replacing an entry of the same key);
 * bodies larger than a quarter of the budget are not kept. */
void pagecache_put(pagecache_t *pc, const char *key, const char *body, size_t len);

/* Counters, for tests and the server's statistics. */
typedef struct pagecache_stats {
    size_t entries, bytes;
    unsigned long long hits, misses, evictions;
} pagecache_stats_t;
void pagecache_stats(pagecache_t *pc, pagecache_stats_t *out);

#endif
