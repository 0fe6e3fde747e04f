#include "web/pagecache.h"

#include "util/xmem.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A few dozen entries at most (pages are tens of kilobytes and the budget
 * a few megabytes), so a linear scan comparing hashes first is as fast as
 * any index and has nothing to get wrong. */
struct pagecache_body {
    atomic_size_t refs; /* the entry's, while it is cached, and every reader's */
    size_t len;
    char data[];
};

typedef struct entry {
    uint64_t hash;
    char *key;
    size_t keylen;
    pagecache_body_t *body;
    size_t len;
    unsigned long long used; /* tick of the last hit or put */
} entry_t;

struct pagecache {
    pthread_mutex_t lock;
    size_t max_bytes, bytes;
    entry_t *v;
    size_t n, cap;
    unsigned long long tick;
    unsigned long long hits, misses, evictions;
};

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return h;
}

/* What an entry counts against the budget: its bytes and its slot. */
static size_t cost_of(size_t keylen, size_t len)
{
    return keylen + 1 + len + sizeof(entry_t);
}

static size_t cost(const entry_t *e)
{
    return cost_of(e->keylen, e->len);
}

pagecache_t *pagecache_new(size_t max_bytes)
{
    pagecache_t *pc = xcalloc(1, sizeof *pc);
    pthread_mutex_init(&pc->lock, NULL);
    pc->max_bytes = max_bytes;
    return pc;
}

void pagecache_body_release(pagecache_body_t *b)
{
    if (b && atomic_fetch_sub(&b->refs, 1) == 1)
        free(b);
}

const char *pagecache_body_data(const pagecache_body_t *b, size_t *len)
{
    *len = b->len;
    return b->data;
}

static void drop(pagecache_t *pc, size_t i)
{
    pc->bytes -= cost(&pc->v[i]);
    free(pc->v[i].key);
    pagecache_body_release(pc->v[i].body);
    pc->v[i] = pc->v[--pc->n];
}

void pagecache_free(pagecache_t *pc)
{
    if (!pc)
        return;
    while (pc->n)
        drop(pc, pc->n - 1);
    free(pc->v);
    pthread_mutex_destroy(&pc->lock);
    free(pc);
}

static entry_t *find(pagecache_t *pc, uint64_t hash, const char *key)
{
    for (size_t i = 0; i < pc->n; i++)
        if (pc->v[i].hash == hash && strcmp(pc->v[i].key, key) == 0)
            return &pc->v[i];
    return NULL;
}

pagecache_body_t *pagecache_get_shared(pagecache_t *pc, const char *key)
{
    if (!pc || !key)
        return NULL;
    uint64_t hash = fnv1a(key);
    pthread_mutex_lock(&pc->lock);
    entry_t *e = find(pc, hash, key);
    pagecache_body_t *b = NULL;
    if (e) {
        b = e->body;
        atomic_fetch_add(&b->refs, 1);
        e->used = ++pc->tick;
        pc->hits++;
    } else {
        pc->misses++;
    }
    pthread_mutex_unlock(&pc->lock);
    return b;
}

bool pagecache_get(pagecache_t *pc, const char *key, buf_t *out)
{
    pagecache_body_t *b = pagecache_get_shared(pc, key);
    if (!b)
        return false;
    bool ok = buf_add(out, b->data, b->len) == 0;
    pagecache_body_release(b);
    return ok;
}

void pagecache_put(pagecache_t *pc, const char *key, const char *body, size_t len)
{
    if (!pc || !key || !pc->max_bytes)
        return;
    size_t keylen = strlen(key);
    if (cost_of(keylen, len) > pc->max_bytes / 4)
        return;
    /* Copy outside the lock: a page is tens of kilobytes. */
    entry_t fresh = { .hash = fnv1a(key), .key = xstrdup(key), .keylen = keylen, .len = len };
    fresh.body = xmalloc(sizeof *fresh.body + (len ? len : 1));
    atomic_init(&fresh.body->refs, 1);
    fresh.body->len = len;
    memcpy(fresh.body->data, body, len);
    pthread_mutex_lock(&pc->lock);
    entry_t *old = find(pc, fresh.hash, key);
    if (old)
        drop(pc, (size_t)(old - pc->v));
    while (pc->n && pc->bytes + cost(&fresh) > pc->max_bytes) {
        size_t lru = 0;
        for (size_t i = 1; i < pc->n; i++)
            if (pc->v[i].used < pc->v[lru].used)
                lru = i;
        drop(pc, lru);
        pc->evictions++;
    }
    fresh.used = ++pc->tick;
    pc->v = xgrow(pc->v, &pc->cap, pc->n + 1, sizeof *pc->v);
    pc->v[pc->n++] = fresh;
    pc->bytes += cost(&fresh);
    pthread_mutex_unlock(&pc->lock);
}

void pagecache_stats(pagecache_t *pc, pagecache_stats_t *out)
{
    memset(out, 0, sizeof *out);
    if (!pc)
        return;
    pthread_mutex_lock(&pc->lock);
    out->entries = pc->n;
    out->bytes = pc->bytes;
    out->hits = pc->hits;
    out->misses = pc->misses;
    out->evictions = pc->evictions;
    pthread_mutex_unlock(&pc->lock);
}
