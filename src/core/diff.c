#include "core/diff.h"

#include "util/xmem.h"

#include <stdlib.h>
#include <string.h>

/* Skip spaces, tabs, line breaks and U+3000 (ideographic space). */
static const char *skip_space(const char *p)
{
    for (;;) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        else if ((unsigned char)p[0] == 0xE3 && (unsigned char)p[1] == 0x80 &&
                 (unsigned char)p[2] == 0x80)
            p += 3;
        else
            return p;
    }
}

bool diff_same_objective(const char *x, const char *y)
{
    if (!x || !y)
        return x == y;
    for (;;) {
        x = skip_space(x);
        y = skip_space(y);
        if (*x != *y)
            return false;
        if (!*x)
            return true;
        x++;
        y++;
    }
}

static bool same_text(const char *x, const char *y)
{
    return strcmp(x ? x : "", y ? y : "") == 0;
}

unsigned answer_diff_fields(const answer_t *a, const answer_t *b)
{
    static const answer_t empty = { 0 };
    if (!a)
        a = &empty;
    if (!b)
        b = &empty;
    unsigned f = 0;
    if (a->status != b->status)
        f |= DIFF_F_STATUS;
    if (!same_text(a->current, b->current))
        f |= DIFF_F_CURRENT;
    if (!same_text(a->gap, b->gap))
        f |= DIFF_F_GAP;
    if (!same_text(a->plan, b->plan))
        f |= DIFF_F_PLAN;
    if (!same_text(a->due, b->due))
        f |= DIFF_F_DUE;
    if (!same_text(a->note, b->note))
        f |= DIFF_F_NOTE;
    return f;
}

const char *diff_field_label(unsigned field)
{
    switch (field) {
    case DIFF_F_STATUS: return "対応状況";
    case DIFF_F_CURRENT: return "現在の対応状況";
    case DIFF_F_GAP: return "課題認識";
    case DIFF_F_PLAN: return "課題への対応計画";
    case DIFF_F_DUE: return "対応期限";
    case DIFF_F_NOTE: return "備考";
    }
    return "";
}

const char *diff_field_code(unsigned field)
{
    switch (field) {
    case DIFF_F_STATUS: return "status";
    case DIFF_F_CURRENT: return "current";
    case DIFF_F_GAP: return "gap";
    case DIFF_F_PLAN: return "plan";
    case DIFF_F_DUE: return "due";
    case DIFF_F_NOTE: return "note";
    }
    return "";
}

static diff_entry_t *add_entry(answer_diff_t *d, diff_kind_t kind)
{
    d->v = xgrow(d->v, &d->cap, d->n + 1, sizeof *d->v);
    diff_entry_t *e = &d->v[d->n++];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    return e;
}

static int entry_key(const diff_entry_t *e)
{
    return e->item_b ? e->item_b->no : e->item_a->no;
}

/* At one number: a removed item first, then an added one, then answers. */
static int kind_rank(diff_kind_t k)
{
    return k == DIFF_ITEM_REMOVED ? 0 : k == DIFF_ITEM_ADDED ? 1 : 2;
}

static int cmp_entry(const void *x, const void *y)
{
    const diff_entry_t *a = x, *b = y;
    int ka = entry_key(a), kb = entry_key(b);
    if (ka != kb)
        return ka < kb ? -1 : 1;
    if (a->kind != b->kind)
        return kind_rank(a->kind) - kind_rank(b->kind);
    return (int)a->side - (int)b->side;
}

/* How many items of c not yet matched (taken[i] == 0) have this objective? */
static size_t count_objective(const catalog_t *c, const size_t *taken, const char *objective,
                              size_t *last)
{
    size_t n = 0;
    for (size_t i = 0; i < c->nitems; i++)
        if (!taken[i] && diff_same_objective(c->items[i].objective, objective)) {
            n++;
            *last = i;
        }
    return n;
}

answer_diff_t *answerset_diff(const catalog_t *cat_a, const answerset_t *a,
                              const catalog_t *cat_b, const answerset_t *b)
{
    answer_diff_t *d = xcalloc(1, sizeof *d);
    size_t na = cat_a ? cat_a->nitems : 0, nb = cat_b ? cat_b->nitems : 0;
    /* match_b[j]: 1 + index in cat_a of the item matching B's item j, or 0;
     * taken_a[i]: 1 + index in cat_b, or 0. */
    size_t *match_b = xcalloc(nb + 1, sizeof *match_b);
    size_t *taken_a = xcalloc(na + 1, sizeof *taken_a);

    /* First the same number with the same objective … */
    for (size_t j = 0; j < nb; j++) {
        const item_t *ib = &cat_b->items[j];
        for (size_t i = 0; i < na; i++) {
            const item_t *ia = &cat_a->items[i];
            if (!taken_a[i] && ia->no == ib->no &&
                diff_same_objective(ia->objective, ib->objective)) {
                match_b[j] = i + 1;
                taken_a[i] = j + 1;
                break;
            }
        }
    }
    /* … then an objective that moved to another number, when it is
     * unambiguous on both sides. */
    size_t *taken_b = xcalloc(nb + 1, sizeof *taken_b);
    for (size_t j = 0; j < nb; j++)
        taken_b[j] = match_b[j];
    for (size_t j = 0; j < nb; j++) {
        if (match_b[j])
            continue;
        const char *obj = cat_b->items[j].objective;
        size_t i, jj;
        if (count_objective(cat_a, taken_a, obj, &i) == 1 &&
            count_objective(cat_b, taken_b, obj, &jj) == 1) {
            match_b[j] = i + 1;
            taken_a[i] = j + 1;
            taken_b[j] = i + 1;
        }
    }

    for (size_t j = 0; j < nb; j++) {
        const item_t *ib = &cat_b->items[j];
        if (!match_b[j]) {
            add_entry(d, DIFF_ITEM_ADDED)->item_b = ib;
            continue;
        }
        const item_t *ia = &cat_a->items[match_b[j] - 1];
        d->matched++;
        if (ia->no != ib->no)
            d->renumbered++;
        for (int s = SIDE_PARTNER; s <= SIDE_BANK; s++) {
            const answer_t *before = a ? answerset_find(a, ia->no, (side_t)s) : NULL;
            const answer_t *after = b ? answerset_find(b, ib->no, (side_t)s) : NULL;
            unsigned f = answer_diff_fields(before, after);
            if (!f)
                continue;
            diff_entry_t *e = add_entry(d, DIFF_ANSWER);
            e->item_a = ia;
            e->item_b = ib;
            e->side = (side_t)s;
            e->fields = f;
            e->before = before;
            e->after = after;
        }
    }
    for (size_t i = 0; i < na; i++)
        if (!taken_a[i])
            add_entry(d, DIFF_ITEM_REMOVED)->item_a = &cat_a->items[i];
    if (d->n > 1)
        qsort(d->v, d->n, sizeof *d->v, cmp_entry);
    free(match_b);
    free(taken_a);
    free(taken_b);
    return d;
}

void answer_diff_free(answer_diff_t *d)
{
    if (!d)
        return;
    free(d->v);
    free(d);
}
