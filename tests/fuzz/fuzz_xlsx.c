/* libFuzzer target for formats/xlsx_read (and, through it, formats/sheet).
 *
 * An input is either an XLSX file (it starts with "PK") or, so that the
 * fuzzer can mutate the XML itself rather than deflated bytes, a list of
 * parts that the harness zips (stored) before reading:
 *
 *     --- xl/workbook.xml
 *     <workbook …>…
 *     --- xl/worksheets/sheet1.xml
 *     …
 *
 * The workbook is read as tables, as answers to the built-in catalog (the
 * input's length picks the default side) and as a catalog edition.
 * Nothing may crash, leak or run away; a failed read must say why; answers
 * that read cleanly must survive XLSX export -> import unchanged. */
#include "fuzz_util.h"

#include "core/answer.h"
#include "core/catalog.h"
#include "formats/builtin.h"
#include "formats/xlsx.h"
#include "util/diag.h"
#include "util/file.h"
#include "util/limits.h"
#include "util/xmem.h"

#include <zip.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__ubsan_default_options(void);

/* The fuzz build lets UBSan recover; here undefined behaviour is a crash. */
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

#define MAX_PARTS 64

/* Zip the "--- name" parts of text (stored); a fresh buffer, or NULL when
 * the text holds no part. */
static char *zip_parts(const char *text, size_t n, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
    if (!za)
        abort();
    zip_source_keep(src);
    int parts = 0;
    size_t i = 0;
    while (i + 4 <= n && parts < MAX_PARTS) {
        if (memcmp(text + i, "--- ", 4) != 0 || (i > 0 && text[i - 1] != '\n')) {
            const char *next = memchr(text + i + 1, '\n', n - i - 1);
            if (!next)
                break;
            i = (size_t)(next - text) + 1;
            continue;
        }
        const char *nl = memchr(text + i, '\n', n - i);
        if (!nl)
            break;
        char *name = xstrndup(text + i + 4, (size_t)(nl - text - i - 4));
        size_t start = (size_t)(nl - text) + 1, end = start;
        while (end < n && !(end + 4 <= n && memcmp(text + end, "--- ", 4) == 0 &&
                            text[end - 1] == '\n'))
            end++;
        size_t clen = end - start;
        if (clen > 0 && text[end - 1] == '\n' && end < n)
            clen--; /* the line feed before the next header */
        zip_source_t *ps = zip_source_buffer(za, text + start, clen, 0);
        zip_int64_t idx = ps ? zip_file_add(za, name, ps, ZIP_FL_OVERWRITE) : -1;
        if (idx < 0)
            zip_source_free(ps);
        else
            zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
        free(name);
        parts++;
        i = end;
    }
    char *out = NULL;
    zip_stat_t st;
    if (parts && zip_close(za) == 0 && zip_source_open(src) == 0) {
        if (zip_source_stat(src, &st) == 0 && (st.valid & ZIP_STAT_SIZE)) {
            out = xmalloc(st.size + 1);
            if (zip_source_read(src, out, st.size) != (zip_int64_t)st.size) {
                free(out);
                out = NULL;
            }
            *len = st.size;
        }
        zip_source_close(src);
    } else {
        zip_discard(za);
    }
    zip_source_free(src);
    zip_error_fini(&ze);
    return out;
}

/* Clean answers must come back unchanged through the writer. */
static void answers_roundtrip(const catalog_t *cat, const answerset_t *s)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/fuzz_xlsx.%ld.xlsx", (long)getpid());
    char *why = NULL;
    if (xlsx_write_checklist(path, cat, s, NULL, &why) < 0) {
        /* Legitimate only for text Excel cannot hold (32,767 characters). */
        if (!why) {
            fprintf(stderr, "the writer failed without saying why\n");
            abort();
        }
        free(why);
        return;
    }
    size_t len = 0;
    char *bytes = file_read(path, LIMIT_FILE_BYTES, &len);
    unlink(path);
    if (!bytes)
        abort();
    diag_t d;
    diag_init(&d, NULL);
    answerset_t *back = xlsx_read_answers(bytes, len, cat, -1, &d);
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
    free(bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static catalog_t *cat;
    if (!cat)
        cat = builtin_catalog();
    const char *in = (const char *)data;
    size_t len = size;
    char *zipped = NULL;
    if (!(size >= 2 && in[0] == 'P' && in[1] == 'K')) {
        zipped = zip_parts(in, size, &len);
        if (!zipped)
            return 0;
        in = zipped;
    }

    diag_t d;
    diag_init(&d, NULL);
    tables_t ts = { 0 };
    int rc = xlsx_read_tables(in, len, &ts, &d);
    if (rc < 0 && d.n == 0) {
        fprintf(stderr, "xlsx_read_tables failed without saying why\n");
        abort();
    }
    tables_free(&ts);
    diag_free(&d);

    int side = (int)(size % 3) - 1;
    diag_init(&d, NULL);
    answerset_t *s = xlsx_read_answers(in, len, cat, side, &d);
    need_reason(s, &d, "xlsx_read_answers");
    if (s) {
        answerset_compact(s);
        if (s->n)
            answers_roundtrip(cat, s);
    }
    answerset_free(s);
    diag_free(&d);

    diag_init(&d, NULL);
    catalog_t *c = xlsx_read_catalog(in, len, &d);
    need_reason(c, &d, "xlsx_read_catalog");
    catalog_free(c);
    diag_free(&d);
    free(zipped);
    return 0;
}
