#include "formats/builtin.h"
#include "formats/json_io.h"
#include "util/diag.h"

#include <stdio.h>
#include <stdlib.h>

extern const char builtin_catalog_2018_json[];
extern const char builtin_catalog_2018_json_end[];

const char *builtin_catalog_json(size_t *len)
{
    *len = (size_t)(builtin_catalog_2018_json_end - builtin_catalog_2018_json);
    return builtin_catalog_2018_json;
}

catalog_t *builtin_catalog(void)
{
    size_t len;
    const char *text = builtin_catalog_json(&len);
    diag_t d;
    diag_init(&d, "data/api-checklist-2018-08-02.json");
    catalog_t *c = catalog_from_json(text, len, &d);
    if (!c) {
        diag_print(&d, stderr, LANG_EN);
        fprintf(stderr, "apicheck: the built-in catalog is broken\n");
        abort();
    }
    diag_free(&d);
    return c;
}
