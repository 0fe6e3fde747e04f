/* libFuzzer target for formats/csv and formats/sheet: the input is a CSV
 * file.  It is parsed in every encoding, read as a checklist against a small
 * catalog (the first byte picks the default side) and as a catalog edition.
 * Nothing may crash or leak; a failed read must say why; an answer set or a
 * catalog that reads cleanly must survive export -> import unchanged. */
#include "fuzz_util.h"

#include "core/answer.h"
#include "core/catalog.h"
#include "formats/csv.h"
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
    static const struct {
        const char *objective;
        target_t target;
        const char *note;
    } items[] = {
        { "目標一。", TARGET_PARTNER, NULL },
        { "目標二。", TARGET_BANK, "備考二" },
        { "目標三。", TARGET_BOTH, NULL },
    };
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        item_t *it = catalog_add_item(c);
        it->no = (int)i + 1;
        it->category = xstrdup("区分");
        it->objective = xstrdup(items[i].objective);
        it->target = items[i].target;
        it->note = xstrdup(items[i].note);
    }
    item_add_ref(&c->items[0], REF_SOURCE_FISC, "統4", NULL, NULL);
    item_add_ref(&c->items[2], REF_SOURCE_SECURITY, "3.3.2", "外部からの不正アクセス対策", "t");
    return c;
}

static void answers_roundtrip(const catalog_t *cat, const answerset_t *s)
{
    size_t len = 0;
    char *why = NULL;
    char *csv = answerset_to_csv(cat, s, -1, CSV_UTF8_BOM, &len, &why);
    if (!csv) {
        fprintf(stderr, "export of a clean answer set failed: %s\n", why);
        abort();
    }
    diag_t d;
    diag_init(&d, NULL);
    answerset_t *back = answerset_from_csv(csv, len, CSV_UTF8_BOM, cat, -1, &d);
    if (!back) {
        diag_print(&d, stderr, LANG_EN);
        fprintf(stderr, "re-import of an export failed\n");
        abort();
    }
    if (!answerset_equal(s, back, &why)) {
        fprintf(stderr, "answers changed in a round trip: %s\n", why);
        abort();
    }
    answerset_free(back);
    diag_free(&d);
    free(csv);
}

static void catalog_roundtrip(catalog_t *c)
{
    c->id = xstrdup("fuzz-edition");
    if (catalog_check(c, NULL) < 0)
        return;
    size_t len = 0;
    char *why = NULL;
    char *csv = catalog_to_csv(c, CSV_UTF8, &len, &why);
    if (!csv) {
        fprintf(stderr, "export of a clean catalog failed: %s\n", why);
        abort();
    }
    diag_t d;
    diag_init(&d, NULL);
    catalog_t *back = catalog_from_csv(csv, len, CSV_UTF8, &d);
    if (!back) {
        diag_print(&d, stderr, LANG_EN);
        fprintf(stderr, "re-import of a catalog export failed\n");
        abort();
    }
    back->id = xstrdup(c->id);
    if (!catalog_equal(c, back, &why)) {
        fprintf(stderr, "catalog changed in a round trip: %s\n", why);
        abort();
    }
    catalog_free(back);
    diag_free(&d);
    free(csv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static catalog_t *cat;
    if (!cat)
        cat = small_catalog();
    const char *text = (const char *)data;
    for (int e = CSV_UTF8_BOM; e <= CSV_CP932; e++) {
        diag_t d;
        diag_init(&d, NULL);
        table_t *t = csv_parse(text, size, (csv_encoding_t)e, &d);
        need_reason(t, &d, "csv_parse");
        table_free(t);
        diag_free(&d);
    }
    int side = size ? data[0] % 3 - 1 : -1;
    diag_t d;
    diag_init(&d, NULL);
    answerset_t *s = answerset_from_csv(text, size, CSV_UTF8_BOM, cat, side, &d);
    need_reason(s, &d, "answerset_from_csv");
    if (s)
        answers_roundtrip(cat, s);
    answerset_free(s);
    diag_free(&d);
    diag_init(&d, NULL);
    catalog_t *c = catalog_from_csv(text, size, CSV_UTF8_BOM, &d);
    need_reason(c, &d, "catalog_from_csv");
    if (c)
        catalog_roundtrip(c);
    catalog_free(c);
    diag_free(&d);
    return 0;
}
