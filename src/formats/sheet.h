/*
 * sheet — reads a table (from CSV or XLSX) as a checklist.  The header row
 * is looked for in the first LIMIT_HEADER_SEARCH_ROWS rows; columns are
 * found by their header names (layout.h), extra columns are ignored; rows
 * are matched to catalog items by 通番 and checked against the objective
 * text (a mismatch is reported, never guessed).  Also the inverse: the rows
 * an export writes.
 */
#ifndef APICHECK_SHEET_H
#define APICHECK_SHEET_H

#include <stdbool.h>

#include "core/answer.h"
#include "core/catalog.h"
#include "formats/layout.h"
#include "formats/table.h"
#include "util/diag.h"

/* Where the checklist's columns are in a table. */
typedef struct sheet_map {
    long header_row;        /* 0-based index into table rows, -1 when not found */
    int col[LCOL_COUNT];    /* 0-based column of each layout column, -1 when absent */
} sheet_map_t;

/* Find the header row and columns.  Returns 0, or -1 when the table holds no
 * checklist header (at least 通番 and セキュリティ対応目標 are needed). */
int sheet_map_find(const table_t *t, sheet_map_t *m);

/* Read the answers in table t into set (which answers catalog cat).
 * default_side is used where the table has no 回答者 column (or the cell is
 * empty) and for items answered by one side only the side is implied by
 * 対象者.  Problems go to d with the table's name and 1-based rows/columns;
 * a row with a problem stores nothing.  A non-empty answer already in set
 * for the same item and side counts as a duplicate, so several sheets may
 * be read into one set.  Returns the number of problems added (0 = clean). */
int sheet_read_answers(const table_t *t, const catalog_t *cat, int default_side,
                       answerset_t *set, diag_t *d);

/* Read a catalog edition from a table (通番, 区分, セキュリティ対応目標,
 * 対象者, 関連規定, 関連規定箇所, 備考).  Returns the catalog, or NULL with
 * problems in d.  id, title and date are left NULL for the caller. */
catalog_t *sheet_read_catalog(const table_t *t, diag_t *d);

/* The cells of one export row (LCOL_COUNT fresh strings, NULL for empty)
 * for item it and the given side's answer (a may be NULL: an empty row). */
void sheet_row_cells(const item_t *it, side_t side, const answer_t *a,
                     char *cells[LCOL_COUNT]);
void sheet_row_cells_free(char *cells[LCOL_COUNT]);

#endif
