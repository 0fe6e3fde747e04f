#include "core/catalog.h"
#include "util/xmem.h"

#include <stdlib.h>
#include <string.h>

catalog_t *catalog_new(void)
{
    return xcalloc(1, sizeof(catalog_t));
}

static void ref_clear(ref_t *r)
{
    free(r->source);
    free(r->clause);
    free(r->title);
    free(r->point);
}

void item_clear_refs(item_t *it)
{
    for (size_t i = 0; i < it->nrefs; i++)
        ref_clear(&it->refs[i]);
    free(it->refs);
    it->refs = NULL;
    it->nrefs = 0;
}

static void item_clear(item_t *it)
{
    free(it->category);
    free(it->objective);
    free(it->note);
    item_clear_refs(it);
}

void catalog_free(catalog_t *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nitems; i++)
        item_clear(&c->items[i]);
    free(c->items);
    free(c->id);
    free(c->title);
    free(c->date);
    free(c->publisher);
    free(c);
}

item_t *catalog_add_item(catalog_t *c)
{
    c->items = xgrow(c->items, &c->cap, c->nitems + 1, sizeof *c->items);
    item_t *it = &c->items[c->nitems++];
    memset(it, 0, sizeof *it);
    return it;
}

void item_add_ref(item_t *it, const char *source, const char *clause,
                  const char *title, const char *point)
{
    /* refs grow one at a time; items hold a handful. */
    it->refs = xrealloc(it->refs, (it->nrefs + 1) * sizeof *it->refs);
    ref_t *r = &it->refs[it->nrefs++];
    r->source = xstrdup(source);
    r->clause = xstrdup(clause);
    r->title = xstrdup(title);
    r->point = xstrdup(point);
}

catalog_t *catalog_dup(const catalog_t *c)
{
    catalog_t *d = catalog_new();
    d->id = xstrdup(c->id);
    d->title = xstrdup(c->title);
    d->date = xstrdup(c->date);
    d->publisher = xstrdup(c->publisher);
    for (size_t i = 0; i < c->nitems; i++) {
        const item_t *s = &c->items[i];
        item_t *it = catalog_add_item(d);
        it->no = s->no;
        it->category = xstrdup(s->category);
        it->objective = xstrdup(s->objective);
        it->target = s->target;
        it->note = xstrdup(s->note);
        for (size_t k = 0; k < s->nrefs; k++)
            item_add_ref(it, s->refs[k].source, s->refs[k].clause,
                         s->refs[k].title, s->refs[k].point);
    }
    return d;
}

const item_t *catalog_find(const catalog_t *c, int no)
{
    /* Items are numbered 1..n in order in every checked catalog; fall back
     * to a scan for catalogs under construction. */
    if (no >= 1 && (size_t)no <= c->nitems && c->items[no - 1].no == no)
        return &c->items[no - 1];
    for (size_t i = 0; i < c->nitems; i++)
        if (c->items[i].no == no)
            return &c->items[i];
    return NULL;
}

bool ref_is_section(const char *clause)
{
    return clause && clause[0] >= '0' && clause[0] <= '9';
}

bool item_cites(const item_t *it, const char *key)
{
    size_t klen = strlen(key);
    for (size_t i = 0; i < it->nrefs; i++) {
        const char *c = it->refs[i].clause;
        if (!c)
            continue;
        if (strcmp(c, key) == 0)
            return true;
        /* "3.3" cites every "3.3.x" section. */
        if (ref_is_section(key) && ref_is_section(c) && strncmp(c, key, klen) == 0 &&
            c[klen] == '.')
            return true;
    }
    return false;
}

static bool str_eq(const char *a, const char *b)
{
    if (!a || !*a)
        return !b || !*b;
    return b && strcmp(a, b) == 0;
}

#define DIFF(...)                                  \
    do {                                           \
        if (why)                                   \
            *why = xasprintf(__VA_ARGS__);         \
        return false;                              \
    } while (0)

static const char *nn(const char *s)
{
    return s ? s : "(null)";
}

bool catalog_equal(const catalog_t *a, const catalog_t *b, char **why)
{
    if (why)
        *why = NULL;
    if (!str_eq(a->id, b->id))
        DIFF("id '%s' != '%s'", nn(a->id), nn(b->id));
    if (!str_eq(a->title, b->title))
        DIFF("title '%s' != '%s'", nn(a->title), nn(b->title));
    if (!str_eq(a->date, b->date))
        DIFF("date '%s' != '%s'", nn(a->date), nn(b->date));
    if (!str_eq(a->publisher, b->publisher))
        DIFF("publisher '%s' != '%s'", nn(a->publisher), nn(b->publisher));
    if (a->nitems != b->nitems)
        DIFF("%zu items != %zu items", a->nitems, b->nitems);
    for (size_t i = 0; i < a->nitems; i++) {
        const item_t *x = &a->items[i], *y = &b->items[i];
        if (x->no != y->no)
            DIFF("item #%zu: no %d != %d", i + 1, x->no, y->no);
        if (!str_eq(x->category, y->category))
            DIFF("item %d: category '%s' != '%s'", x->no, nn(x->category), nn(y->category));
        if (!str_eq(x->objective, y->objective))
            DIFF("item %d: objective '%s' != '%s'", x->no, nn(x->objective), nn(y->objective));
        if (x->target != y->target)
            DIFF("item %d: target %d != %d", x->no, (int)x->target, (int)y->target);
        if (!str_eq(x->note, y->note))
            DIFF("item %d: note '%s' != '%s'", x->no, nn(x->note), nn(y->note));
        if (x->nrefs != y->nrefs)
            DIFF("item %d: %zu references != %zu", x->no, x->nrefs, y->nrefs);
        for (size_t k = 0; k < x->nrefs; k++) {
            const ref_t *r = &x->refs[k], *s = &y->refs[k];
            if (!str_eq(r->source, s->source))
                DIFF("item %d: reference %zu: source '%s' != '%s'", x->no, k + 1,
                     nn(r->source), nn(s->source));
            if (!str_eq(r->clause, s->clause))
                DIFF("item %d: reference %zu: clause '%s' != '%s'", x->no, k + 1,
                     nn(r->clause), nn(s->clause));
            if (!str_eq(r->title, s->title))
                DIFF("item %d: reference %zu: title '%s' != '%s'", x->no, k + 1,
                     nn(r->title), nn(s->title));
            if (!str_eq(r->point, s->point))
                DIFF("item %d: reference %zu: point '%s' != '%s'", x->no, k + 1,
                     nn(r->point), nn(s->point));
        }
    }
    return true;
}

bool ref_source_known(const char *s)
{
    return s && (strcmp(s, REF_SOURCE_FISC) == 0 || strcmp(s, REF_SOURCE_SECURITY) == 0 ||
                 strcmp(s, REF_SOURCE_PROTECT) == 0);
}

#define FAIL(...)                                  \
    do {                                           \
        if (why)                                   \
            *why = xasprintf(__VA_ARGS__);         \
        return -1;                                 \
    } while (0)

int catalog_check(const catalog_t *c, char **why)
{
    if (why)
        *why = NULL;
    if (!c->id || !*c->id)
        FAIL("catalog has no id");
    for (const char *p = c->id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
              *p == '.'))
            FAIL("catalog id '%s' may hold only a-z, 0-9, '-', '_' and '.'", c->id);
    if (!c->title || !*c->title)
        FAIL("catalog '%s' has no title", c->id);
    if (c->nitems == 0)
        FAIL("catalog '%s' has no items", c->id);
    for (size_t i = 0; i < c->nitems; i++) {
        const item_t *it = &c->items[i];
        if (it->no != (int)i + 1)
            FAIL("item #%zu is numbered %d (items must be numbered 1, 2, 3 … in order)", i + 1,
                 it->no);
        if (!it->category || !*it->category)
            FAIL("item %d has no category", it->no);
        if (!it->objective || !*it->objective)
            FAIL("item %d has no objective", it->no);
        if (it->target < TARGET_PARTNER || it->target > TARGET_BOTH)
            FAIL("item %d has no valid target", it->no);
        for (size_t k = 0; k < it->nrefs; k++) {
            const ref_t *r = &it->refs[k];
            if (!ref_source_known(r->source))
                FAIL("item %d: reference %zu has unknown source '%s'", it->no, k + 1,
                     nn(r->source));
            if (!r->clause || !*r->clause)
                FAIL("item %d: reference %zu has no clause", it->no, k + 1);
        }
    }
    return 0;
}

const char *target_label(target_t t)
{
    switch (t) {
    case TARGET_PARTNER: return "API接続先";
    case TARGET_BANK: return "銀行";
    case TARGET_BOTH: return "共通";
    }
    return "";
}

const char *target_code(target_t t)
{
    switch (t) {
    case TARGET_PARTNER: return "partner";
    case TARGET_BANK: return "bank";
    case TARGET_BOTH: return "both";
    }
    return "";
}

target_t target_parse(const char *s)
{
    if (!s)
        return 0;
    for (target_t t = TARGET_PARTNER; t <= TARGET_BOTH; t++)
        if (strcmp(s, target_label(t)) == 0 || strcmp(s, target_code(t)) == 0)
            return t;
    return 0;
}
