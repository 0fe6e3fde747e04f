/*
 * bench/xlsx — XLSX export and import against bare references.
 *
 * Export: xlsx_write_checklist (the 45-item built-in checklist, the
 * partner's sheet, every partner item answered) in a loop, against a bare
 * libxlsxwriter loop writing the same strings in the same cells of one
 * sheet (header row and 45 rows, no formats, no validations, no
 * protection).  The strings are prepared once, outside the timing.  The two
 * run in the same process in alternating blocks, so both see the same
 * machine load.
 *
 * Import: xlsx_read_answers on a filled workbook (both sides answered)
 * held in memory, against unzipping the same bytes with libzip alone
 * (every entry inflated in full, nothing parsed).
 *
 * Output, per pair and then the medians (files per second of wall-clock
 * time, ratio, then files per CPU-second of this process for both):
 *   export pair K LIB BARE RATIO LIB_CPU BARE_CPU
 *   export median LIB BARE RATIO LIB_CPU BARE_CPU
 *   import pair K READ UNZIP RATIO READ_CPU UNZIP_CPU
 *   import median READ UNZIP RATIO READ_CPU UNZIP_CPU
 *
 * usage: xlsx DIR [N [PAIRS [export|import]]]
 *   N files per block (default 20; 5 times as many reads), 5 pairs; the last
 *   argument runs only one half (for profiling).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "core/answer.h"
#include "formats/builtin.h"
#include "formats/layout.h"
#include "formats/sheet.h"
#include "formats/xlsx.h"
#include "util/diag.h"
#include "util/file.h"

#define BENCH_NAME "xlsx"
#include "bench.h"

/* Answers for every item of a side, the way a partner fills them in. */
static void fill_side(answerset_t *s, const catalog_t *cat, side_t side)
{
    for (size_t i = 0; i < cat->nitems; i++) {
        const item_t *it = &cat->items[i];
        if (!side_answers(side, it->target))
            continue;
        answer_t *a = answerset_get(s, it->no, side);
        a->status = (status_t)(1 + it->no % 4);
        answer_set_text(&a->current, "多要素認証を導入済み。利用者のログイン時にワンタイムパスワードを"
                                     "要求し、アクセスログを90日間保存している。");
        if (a->status != STATUS_DONE) {
            answer_set_text(&a->gap, "不正ログインの検知が目視に頼っている。");
            answer_set_text(&a->plan, "検知ルールを導入し、自動で通知する。");
            answer_set_text(&a->due, "2027-03-31");
        }
    }
}

/* The bare writer's input: the header and the 45 rows as plain strings. */
typedef struct grid {
    char *cells[128][LCOL_COUNT];
    size_t rows;
} grid_t;

static void bare_write(const char *path, const grid_t *g)
{
    lxw_workbook *wb = workbook_new(path);
    if (!wb)
        die(path, "workbook_new");
    lxw_worksheet *ws = workbook_add_worksheet(wb, side_label(SIDE_PARTNER));
    for (size_t r = 0; r < g->rows; r++)
        for (int c = 0; c < LCOL_COUNT; c++)
            if (g->cells[r][c] && *g->cells[r][c])
                worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, g->cells[r][c], NULL);
    if (workbook_close(wb) != LXW_NO_ERROR)
        die(path, "workbook_close");
}

static void lib_write(const char *path, const catalog_t *cat, const answerset_t *set)
{
    xlsx_write_opt_t o = { .sides = XLSX_SIDE_PARTNER };
    char *why = NULL;
    if (xlsx_write_checklist(path, cat, set, &o, &why))
        die(path, why);
}

static void lib_read(const char *data, size_t len, const catalog_t *cat)
{
    diag_t d;
    diag_init(&d, "bench.xlsx");
    answerset_t *s = xlsx_read_answers(data, len, cat, -1, &d);
    if (!s)
        die("xlsx_read_answers", "failed");
    answerset_free(s);
    diag_free(&d);
}

static size_t unzip_all(const char *data, size_t len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    if (!z)
        die("zip_open_from_source", zip_error_strerror(&ze));
    size_t total = 0;
    char buf[65536];
    zip_int64_t n = zip_get_num_entries(z, 0);
    for (zip_int64_t i = 0; i < n; i++) {
        zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)i, 0);
        if (!f)
            die("zip_fopen_index", zip_strerror(z));
        zip_int64_t k;
        while ((k = zip_fread(f, buf, sizeof buf)) > 0)
            total += (size_t)k;
        zip_fclose(f);
    }
    zip_discard(z);
    return total;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: xlsx DIR [N [PAIRS]]\n");
        return 2;
    }
    const char *dir = argv[1];
    int n = arg_count(argc, argv, 2, 20);
    int pairs = arg_count(argc, argv, 3, 5);
    const char *only = argc > 4 ? argv[4] : "";
    if (n < 1 || pairs < 1 || pairs > 100)
        die("arguments", "N >= 1, 1 <= PAIRS <= 100");

    catalog_t *cat = builtin_catalog();
    if (!cat)
        die("builtin_catalog", "none");
    answerset_t *partner = answerset_new(cat->id);
    fill_side(partner, cat, SIDE_PARTNER);
    answerset_t *both = answerset_new(cat->id);
    fill_side(both, cat, SIDE_PARTNER);
    fill_side(both, cat, SIDE_BANK);

    grid_t *g = calloc(1, sizeof *g);
    for (int c = 0; c < LCOL_COUNT; c++)
        g->cells[0][c] = strdup(layout_header((layout_col_t)c));
    g->rows = 1;
    for (size_t i = 0; i < cat->nitems && g->rows < 128; i++, g->rows++) {
        const item_t *it = &cat->items[i];
        const answer_t *a = answerset_find(partner, it->no, SIDE_PARTNER);
        sheet_row_cells(it, SIDE_PARTNER, a, g->cells[g->rows]);
    }

    char lib_path[4096], bare_path[4096], filled_path[4096];
    snprintf(lib_path, sizeof lib_path, "%s/lib.xlsx", dir);
    snprintf(bare_path, sizeof bare_path, "%s/bare.xlsx", dir);
    snprintf(filled_path, sizeof filled_path, "%s/filled.xlsx", dir);

    /* Warm-up, not counted. */
    lib_write(lib_path, cat, partner);
    bare_write(bare_path, g);

    double a[100], b[100], r[100], ca[100], cb[100];
    for (int p = 0; p < pairs && strcmp(only, "import") != 0; p++) {
        double t0 = now_s(), u0 = cpu_s();
        for (int i = 0; i < n; i++)
            lib_write(lib_path, cat, partner);
        double t1 = now_s(), u1 = cpu_s();
        for (int i = 0; i < n; i++)
            bare_write(bare_path, g);
        double t2 = now_s(), u2 = cpu_s();
        a[p] = n / (t1 - t0);
        b[p] = n / (t2 - t1);
        r[p] = a[p] / b[p];
        ca[p] = n / (u1 - u0);
        cb[p] = n / (u2 - u1);
        printf("export pair %d %.1f %.1f %.3f %.1f %.1f\n", p + 1, a[p], b[p], r[p], ca[p], cb[p]);
        fflush(stdout);
    }
    if (strcmp(only, "import") != 0)
        printf("export median %.1f %.1f %.3f %.1f %.1f\n", median(a, pairs), median(b, pairs),
               median(r, pairs), median(ca, pairs), median(cb, pairs));
    if (strcmp(only, "export") == 0)
        goto done;

    /* Import: a workbook with both sides filled, read from memory. */
    xlsx_write_opt_t o = { 0 };
    char *why = NULL;
    if (xlsx_write_checklist(filled_path, cat, both, &o, &why))
        die(filled_path, why);
    FILE *f = fopen(filled_path, "rb");
    if (!f)
        die(filled_path, "open");
    fseek(f, 0, SEEK_END);
    long flen = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t)flen);
    if (fread(data, 1, (size_t)flen, f) != (size_t)flen)
        die(filled_path, "read");
    fclose(f);
    /* Check that the workbook reads back as written. */
    {
        diag_t d;
        diag_init(&d, "bench.xlsx");
        answerset_t *s = xlsx_read_answers(data, (size_t)flen, cat, -1, &d);
        if (!s)
            die("xlsx_read_answers", "the filled workbook does not read");
        if (s->n != both->n) {
            fprintf(stderr, "xlsx: read %zu answers, wrote %zu\n", s->n, both->n);
            exit(1);
        }
        answerset_free(s);
        diag_free(&d);
    }
    int m = n * 5;
    size_t inflated = unzip_all(data, (size_t)flen);
    for (int p = 0; p < pairs; p++) {
        double t0 = now_s(), u0 = cpu_s();
        for (int i = 0; i < m; i++)
            lib_read(data, (size_t)flen, cat);
        double t1 = now_s(), u1 = cpu_s();
        for (int i = 0; i < m; i++)
            unzip_all(data, (size_t)flen);
        double t2 = now_s(), u2 = cpu_s();
        a[p] = m / (t1 - t0);
        b[p] = m / (t2 - t1);
        r[p] = a[p] / b[p];
        ca[p] = m / (u1 - u0);
        cb[p] = m / (u2 - u1);
        printf("import pair %d %.1f %.1f %.3f %.1f %.1f\n", p + 1, a[p], b[p], r[p], ca[p], cb[p]);
        fflush(stdout);
    }
    printf("import median %.1f %.1f %.3f %.1f %.1f\n", median(a, pairs), median(b, pairs),
           median(r, pairs), median(ca, pairs), median(cb, pairs));
    printf("import file %ld bytes, %zu inflated, %zu answers\n", flen, inflated, both->n);
    free(data);
done:
    for (size_t i = 0; i < g->rows; i++)
        for (int c = 0; c < LCOL_COUNT; c++)
            free(g->cells[i][c]);
    free(g);
    answerset_free(partner);
    answerset_free(both);
    catalog_free(cat);
    return 0;
}
