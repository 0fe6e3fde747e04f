/* libFuzzer target for formats/seed: any bytes are either refused with at
 * least one located problem or read into a catalog that passes
 * catalog_check, whose references survive format -> parse unchanged. */
#include "core/catalog.h"
#include "core/reference.h"
#include "formats/seed.h"
#include "util/diag.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    diag_t d;
    diag_init(&d, "fuzz");
    catalog_t *c = seed_read((const char *)data, size, &d);
    if (!c) {
        if (d.n == 0) {
            fprintf(stderr, "refused without a reason\n");
            abort();
        }
        diag_free(&d);
        return 0;
    }
    char *why = NULL;
    if (d.n != 0 || catalog_check(c, &why) != 0) {
        fprintf(stderr, "accepted a broken catalog: %s\n", why ? why : d.v[0].en);
        abort();
    }
    catalog_t *back = catalog_dup(c);
    for (size_t i = 0; i < back->nitems; i++) {
        item_t *it = &back->items[i];
        char *s, *p;
        reference_format(it, &s, &p);
        item_clear_refs(it);
        if (reference_parse(it, s, p, &d, NULL, 0, 0) != 0) {
            fprintf(stderr, "item %d: formatted references do not parse\n", it->no);
            abort();
        }
        free(s);
        free(p);
    }
    if (!catalog_equal(c, back, &why)) {
        fprintf(stderr, "round trip changed the catalog: %s\n", why);
        abort();
    }
    catalog_free(back);
    catalog_free(c);
    diag_free(&d);
    return 0;
}
