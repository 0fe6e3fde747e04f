/* libFuzzer target for core/reference: the input is the 関連規定 cell, a
 * NUL or 0x1f byte, then the 関連規定箇所 cell.  Whatever it is, parsing
 * must not crash; a failure must leave the item untouched and say why; a
 * success must survive format -> parse unchanged. */
#include "core/catalog.h"
#include "core/reference.h"
#include "util/diag.h"
#include "util/xmem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static void check_equal(const catalog_t *a, const catalog_t *b, const char *s, const char *p)
{
    char *why = NULL;
    if (!catalog_equal(a, b, &why)) {
        fprintf(stderr, "round trip changed the references: %s\nformatted: '%s' / '%s'\n",
                why, s, p);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t cut = 0;
    while (cut < size && data[cut] != 0 && data[cut] != 0x1f)
        cut++;
    char *src = xstrndup((const char *)data, cut);
    char *pl = cut < size ? xstrndup((const char *)data + cut + 1, size - cut - 1) : NULL;

    catalog_t *a = catalog_new();
    item_t *it = catalog_add_item(a);
    diag_t d;
    diag_init(&d, NULL);
    int rc = reference_parse(it, src, pl, &d, "s", 1, 8);
    if (rc != 0) {
        if (it->nrefs != 0 || d.n == 0) {
            fprintf(stderr, "a failed parse appended references or gave no reason\n");
            abort();
        }
    } else {
        if (d.n != 0) {
            fprintf(stderr, "a successful parse reported problems\n");
            abort();
        }
        for (size_t i = 0; i < it->nrefs; i++) {
            const ref_t *r = &it->refs[i];
            if (!ref_source_known(r->source) || !r->clause || !*r->clause ||
                (r->point && (strlen(r->point) != 1 || r->point[0] < 'a' || r->point[0] > 'z')) ||
                (!ref_is_section(r->clause) && (r->title || r->point)) ||
                (r->title && !*r->title)) {
                fprintf(stderr, "reference %zu is malformed\n", i + 1);
                abort();
            }
        }
        char *s, *p;
        reference_format(it, &s, &p);
        catalog_t *b = catalog_new();
        item_t *back = catalog_add_item(b);
        diag_t d2;
        diag_init(&d2, NULL);
        if (reference_parse(back, s, p, &d2, NULL, 0, 0) != 0) {
            fprintf(stderr, "formatted cells do not parse: '%s' / '%s': %s\n", s, p,
                    d2.n ? d2.v[0].en : "?");
            abort();
        }
        check_equal(a, b, s, p);
        /* Formatting is stable. */
        char *s2, *p2;
        reference_format(back, &s2, &p2);
        if (!same(s, s2) || !same(p, p2)) {
            fprintf(stderr, "formatting is not stable\n");
            abort();
        }
        free(s2);
        free(p2);
        diag_free(&d2);
        catalog_free(b);
        free(s);
        free(p);
    }
    diag_free(&d);
    catalog_free(a);
    free(src);
    free(pl);
    return 0;
}
