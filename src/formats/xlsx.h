/*
 * xlsx — the checklist as an Excel workbook, both ways.
 *
 * Writing (libxlsxwriter) reproduces the seed's A3-landscape layout: title
 * block (title, 和暦 date, working group), the ten seed columns with their
 * Japanese headers, header row repeated on every printed page, page numbers
 * in the footer, fit to one page wide, wrapped text, frozen header, borders;
 * answer cells unlocked and everything else protected; a drop-down for the
 * status; apicheck's extra columns after 備考.  One sheet per side.
 *
 * Reading (libzip + expat) takes workbooks written by apicheck, Excel or
 * LibreOffice: shared or inline strings, rich text (furigana <rPh> skipped),
 * merged cells, header row anywhere in the first rows, columns found by
 * header name.  Every size is capped (limits.h), decompressed bytes as they
 * are inflated; DOCTYPEs are refused; sizes in zip headers are never
 * trusted.
 */
#ifndef APICHECK_XLSX_H
#define APICHECK_XLSX_H

#include <stdbool.h>
#include <stddef.h>

#include "core/answer.h"
#include "core/catalog.h"
#include "formats/table.h"
#include "util/diag.h"

/* Which sides get a sheet. */
#define XLSX_SIDE_PARTNER 1
#define XLSX_SIDE_BANK    2

/* Labels of the title block's "label：value" cells (row 4 of a written
 * sheet): the answering side and the catalog the sheet answers.  Readers
 * accept "：" or ":" after the label. */
#define XLSX_LABEL_SIDE       "回答者"
#define XLSX_LABEL_CATALOG_ID "チェックリストID"

typedef struct xlsx_write_opt {
    int sides;        /* XLSX_SIDE_* mask; 0 = the sides set has answers for
                         (both when set is NULL) */
    bool no_protect;  /* leave sheets unprotected */
} xlsx_write_opt_t;

/* Write the checklist to path (answers from set, or empty when set is NULL).
 * Returns 0, or -1 with a fresh message in *why. */
int xlsx_write_checklist(const char *path, const catalog_t *cat, const answerset_t *set,
                         const xlsx_write_opt_t *opt, char **why);
/* The same workbook as bytes (at most max): libxlsxwriter writes files, so
 * through a private temporary file in $TMPDIR (else /tmp), removed at once.
 * NULL with a fresh message in *why. */
char *xlsx_write_checklist_bytes(const catalog_t *cat, const answerset_t *set,
                                 const xlsx_write_opt_t *opt, size_t max, size_t *len,
                                 char **why);

/* Read every sheet of an XLSX held in memory into tables (cells as text,
 * merged ranges filled from their top-left cell).  Returns 0, or -1 with
 * problems in d. */
int xlsx_read_tables(const char *data, size_t len, tables_t *out, diag_t *d);

/* Read a filled checklist workbook into an answer set.  Sheets without a
 * checklist header are ignored; each checklist sheet's side comes from its
 * 回答者 column or title block, else default_side (-1: infer from 対象者 and
 * report ambiguity).  Returns NULL with problems in d. */
answerset_t *xlsx_read_answers(const char *data, size_t len, const catalog_t *cat,
                               int default_side, diag_t *d);

/* Read a catalog edition from the first checklist sheet. */
catalog_t *xlsx_read_catalog(const char *data, size_t len, diag_t *d);

#endif
