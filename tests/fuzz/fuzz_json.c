/* libFuzzer target for formats/json_io: the input is a JSON document, read
 * as a catalog and as an answer set (with and without a catalog to check
 * against).  Nothing may crash or leak; a failed read must say why; what
 * reads cleanly must survive write -> read unchanged. */
#include "fuzz_util.h"

#include "core/answer.h"
#include "core/catalog.h"
#include "formats/json_io.h"
#include "util/diag.h"
#include "util/xmem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static catalog_t *small_catalog(void)
{
    catalog_t *c = catalog_new();
    c->id = xstrdup("fuzz");
    c->title = xstrdup("ファズ用");
    static const target_t targets[] = { TARGET_PARTNER, TARGET_BANK, TARGET_BOTH };
    for (size_t i = 0; i < 3; i++) {
        item_t *it = catalog_add_item(c);
        it->no = (int)i + 1;
        it->category = xstrdup("区分");
        it->objective = xstrdup("目標");
        it->target = targets[i];
    }
    return c;
}

static void answers_roundtrip(const answerset_t *s, const catalog_t *cat)
{
    char *js = answerset_to_json(s);
    if (!js) {
        fprintf(stderr, "writing a clean answer set failed\n");
        abort();
    }
    diag_t d;
    diag_init(&d, NULL);
    answerset_t *back = answerset_from_json(js, strlen(js), cat, &d);
    char *why = NULL;
    if (!back || !answerset_equal(s, back, &why)) {
        diag_print(&d, stderr, LANG_EN);
        fprintf(stderr, "answers changed in a round trip: %s\n", why ? why : "");
        abort();
    }
    answerset_free(back);
    diag_free(&d);
    free(js);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static catalog_t *cat;
    if (!cat)
        cat = small_catalog();
    const char *text = (const char *)data;
    diag_t d;
    diag_init(&d, NULL);
    catalog_t *c = catalog_from_json(text, size, &d);
    need_reason(c, &d, "catalog_from_json");
    if (c) {
        char *js = catalog_to_json(c);
        diag_t d2;
        diag_init(&d2, NULL);
        catalog_t *back = js ? catalog_from_json(js, strlen(js), &d2) : NULL;
        char *why = NULL;
        if (!back || !catalog_equal(c, back, &why)) {
            diag_print(&d2, stderr, LANG_EN);
            fprintf(stderr, "catalog changed in a round trip: %s\n", why ? why : "");
            abort();
        }
        catalog_free(back);
        diag_free(&d2);
        free(js);
    }
    catalog_free(c);
    diag_free(&d);

    for (int with = 0; with < 2; with++) {
        diag_init(&d, NULL);
        answerset_t *s = answerset_from_json(text, size, with ? cat : NULL, &d);
        need_reason(s, &d, "answerset_from_json");
        if (s)
            answers_roundtrip(s, with ? cat : NULL);
        answerset_free(s);
        diag_free(&d);
    }
    return 0;
}
