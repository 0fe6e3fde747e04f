/*
 * diag — a list of problems found in an input, each located by file, sheet,
 * row and column, and worded in both languages so the caller can print it in
 * the user's.  Readers and validators append to a diag_t instead of stopping
 * at the first problem; `apicheck validate` prints them all.
 */
#ifndef APICHECK_DIAG_H
#define APICHECK_DIAG_H

#include <stddef.h>
#include <stdio.h>

#include "util/i18n.h"

typedef struct diag_item {
    char *sheet;  /* sheet name, or NULL */
    long row;     /* 1-based row or line, 0 when not applicable */
    int col;      /* 1-based column, 0 when not applicable */
    char *ja;     /* message in Japanese */
    char *en;     /* message in English */
} diag_item_t;

typedef struct diag {
    char *file;        /* file name the problems refer to, or NULL */
    diag_item_t *v;
    size_t n, cap;
    size_t max;        /* stop recording past this many (0 = DIAG_DEFAULT_MAX) */
    size_t dropped;    /* problems not recorded because of max */
} diag_t;

#define DIAG_DEFAULT_MAX 1000

void diag_init(diag_t *d, const char *file);
void diag_free(diag_t *d);
/* Record a problem.  The two formats take the same arguments in the same
 * order; only the English one is checked by the compiler. */
void diag_add(diag_t *d, const char *sheet, long row, int col,
              const char *ja_fmt, const char *en_fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Print every problem, one a line: "file: sheet: row R, column C: message". */
void diag_print(const diag_t *d, FILE *out, lang_t lang);
/* One problem as a fresh string in the given language. */
char *diag_format(const diag_t *d, size_t i, lang_t lang);
/* Problems found so far, recorded or dropped. */
size_t diag_count(const diag_t *d);
/* A fresh, printable excerpt of untrusted text for a message: at most
 * DIAG_CLIP_BYTES bytes cut on a character boundary, invalid bytes and
 * control characters shown as '?' (a line break as a space), "…" appended
 * when cut. */
#define DIAG_CLIP_BYTES 60
char *diag_clip(const char *s);
/* Column number (1-based) as spreadsheet letters, e.g. 1 -> "A", 28 -> "AB". */
void diag_col_name(int col, char out[8]);

#endif
