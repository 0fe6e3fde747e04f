/* Unit tests for web/pagecache: hits return the exact bytes, a key names
 * one rendering (a different generation, viewer or query misses), the
 * byte budget holds with least-recently-used eviction, oversize pages are
 * not kept, a full output buffer is left as it was, a shared body outlives
 * its entry until released, and threads hammering one cache see only
 * whole, correct bodies. */
#include "testutil.h"

#include "util/buf.h"
#include "web/pagecache.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static void test_hit_miss(void **state)
{
    (void)state;
    pagecache_t *pc = pagecache_new(1 << 20);
    buf_t out = BUF_INIT(0);
    assert_false(pagecache_get(pc, "7|ja|1|/a", &out));
    assert_int_equal(out.len, 0);
    const char body[] = "<p>answer \0 with a NUL</p>";
    pagecache_put(pc, "7|ja|1|/a", body, sizeof body);
    assert_true(pagecache_get(pc, "7|ja|1|/a", &out));
    assert_int_equal(out.len, sizeof body);
    assert_memory_equal(out.p, body, sizeof body);
    /* Any other generation, language, user or query is another page. */
    assert_false(pagecache_get(pc, "8|ja|1|/a", &out));
    assert_false(pagecache_get(pc, "7|en|1|/a", &out));
    assert_false(pagecache_get(pc, "7|ja|2|/a", &out));
    assert_false(pagecache_get(pc, "7|ja|1|/a?x", &out));
    assert_int_equal(out.len, sizeof body);
    /* The same key again replaces the body. */
    pagecache_put(pc, "7|ja|1|/a", "new", 3);
    buf_reset(&out);
    assert_true(pagecache_get(pc, "7|ja|1|/a", &out));
    assert_string_equal(buf_str(&out), "new");
    pagecache_stats_t s;
    pagecache_stats(pc, &s);
    assert_int_equal(s.entries, 1);
    assert_int_equal(s.hits, 2);
    assert_int_equal(s.misses, 5);
    buf_free(&out);
    pagecache_free(pc);
}

static void test_budget_lru(void **state)
{
    (void)state;
    char page[1000];
    memset(page, 'x', sizeof page);
    /* Room for about four entries of ~1,100 bytes. */
    pagecache_t *pc = pagecache_new(4600);
    char key[16];
    for (int i = 0; i < 4; i++) {
        snprintf(key, sizeof key, "k%d", i);
        pagecache_put(pc, key, page, sizeof page);
    }
    buf_t out = BUF_INIT(0);
    pagecache_stats_t s;
    pagecache_stats(pc, &s);
    size_t kept = s.entries;
    assert_true(kept >= 3);
    assert_true(s.bytes <= 4600);
    /* Touch k1: it is now the most recently used; adding more evicts the
     * others first. */
    assert_true(pagecache_get(pc, "k1", &out));
    for (int i = 4; i < 8; i++) {
        snprintf(key, sizeof key, "k%d", i);
        pagecache_put(pc, key, page, sizeof page);
        pagecache_stats(pc, &s);
        assert_true(s.bytes <= 4600);
    }
    assert_true(s.evictions >= 4);
    assert_false(pagecache_get(pc, "k0", &out));
    assert_true(pagecache_get(pc, "k7", &out));
    /* A page over a quarter of the budget is not kept. */
    char big[2000];
    memset(big, 'y', sizeof big);
    pagecache_put(pc, "big", big, sizeof big);
    assert_false(pagecache_get(pc, "big", &out));
    buf_free(&out);
    pagecache_free(pc);

    /* Budget 0 keeps nothing; NULL caches are inert. */
    pc = pagecache_new(0);
    pagecache_put(pc, "a", "b", 1);
    buf_t o2 = BUF_INIT(0);
    assert_false(pagecache_get(pc, "a", &o2));
    pagecache_free(pc);
    assert_false(pagecache_get(NULL, "a", &o2));
    pagecache_put(NULL, "a", "b", 1);
    pagecache_free(NULL);
    buf_free(&o2);
}

static void test_out_cap(void **state)
{
    (void)state;
    pagecache_t *pc = pagecache_new(1 << 16);
    pagecache_put(pc, "k", "0123456789", 10);
    buf_t small = BUF_INIT(12);
    buf_add(&small, "abc", 3);
    /* 3 + 10 > 12: a miss, and the buffer unchanged. */
    assert_false(pagecache_get(pc, "k", &small));
    assert_string_equal(buf_str(&small), "abc");
    buf_free(&small);
    pagecache_free(pc);
}

/* A shared body stays whole after the cache replaced, evicted or freed
 * its entry, until its reader releases it (ASan checks the rest). */
static void test_shared(void **state)
{
    (void)state;
    pagecache_t *pc = pagecache_new(4600);
    assert_null(pagecache_get_shared(pc, "k"));
    char page[1000];
    memset(page, 'p', sizeof page);
    pagecache_put(pc, "k", page, sizeof page);
    pagecache_body_t *a = pagecache_get_shared(pc, "k");
    pagecache_body_t *b = pagecache_get_shared(pc, "k");
    assert_non_null(a);
    assert_ptr_equal(a, b);
    pagecache_put(pc, "k", "replaced", 8); /* the entry lets go of a */
    pagecache_body_t *c = pagecache_get_shared(pc, "k");
    size_t n;
    const char *d = pagecache_body_data(c, &n);
    assert_int_equal(n, 8);
    assert_memory_equal(d, "replaced", 8);
    char key[16];
    for (int i = 0; i < 8; i++) { /* evicts "k" */
        snprintf(key, sizeof key, "e%d", i);
        pagecache_put(pc, key, page, sizeof page);
    }
    assert_null(pagecache_get_shared(pc, "k"));
    pagecache_free(pc);
    d = pagecache_body_data(a, &n);
    assert_int_equal(n, sizeof page);
    assert_memory_equal(d, page, sizeof page);
    pagecache_body_release(a);
    d = pagecache_body_data(b, &n);
    assert_memory_equal(d, page, sizeof page);
    pagecache_body_release(b);
    assert_memory_equal(pagecache_body_data(c, &n), "replaced", 8);
    pagecache_body_release(c);
    pagecache_body_release(NULL);
}

/* Threads putting and getting over a small key space: every hit is one
 * whole body, the one that belongs to its key. */
#define THREADS 4
#define ROUNDS 3000
static pagecache_t *shared;

static void body_for(int k, char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (char)('a' + (k + (int)i) % 26);
}

static void *worker(void *arg)
{
    unsigned seed = (unsigned)(size_t)arg;
    buf_t out = BUF_INIT(0);
    char key[16], body[700], want[700];
    long bad = 0;
    for (int r = 0; r < ROUNDS; r++) {
        seed = seed * 1103515245u + 12345u;
        int k = (int)((seed >> 16) % 12);
        snprintf(key, sizeof key, "page-%d", k);
        size_t n = 100 + (size_t)k * 50;
        if (seed & 0x100) {
            body_for(k, body, n);
            pagecache_put(shared, key, body, n);
        } else if (seed & 0x200) {
            buf_reset(&out);
            if (pagecache_get(shared, key, &out)) {
                body_for(k, want, n);
                if (out.len != n || memcmp(out.p, want, n) != 0)
                    bad++;
            }
        } else {
            pagecache_body_t *b = pagecache_get_shared(shared, key);
            if (b) {
                size_t len;
                const char *d = pagecache_body_data(b, &len);
                body_for(k, want, n);
                if (len != n || memcmp(d, want, n) != 0)
                    bad++;
                pagecache_body_release(b);
            }
        }
    }
    buf_free(&out);
    return (void *)bad;
}

static void test_threads(void **state)
{
    (void)state;
    shared = pagecache_new(4096); /* small: evictions all the time */
    pthread_t t[THREADS];
    for (size_t i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, worker, (void *)(i + 1)), 0);
    for (size_t i = 0; i < THREADS; i++) {
        void *bad;
        assert_int_equal(pthread_join(t[i], &bad), 0);
        assert_null(bad);
    }
    pagecache_stats_t s;
    pagecache_stats(shared, &s);
    assert_true(s.hits > 0);
    assert_true(s.bytes <= 4096);
    pagecache_free(shared);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hit_miss),
        cmocka_unit_test(test_budget_lru),
        cmocka_unit_test(test_out_cap),
        cmocka_unit_test(test_shared),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
