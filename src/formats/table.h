/*
 * table — a sheet of text cells, the common shape of everything read from a
 * spreadsheet-like file: the CSV reader and the XLSX reader both produce
 * tables, and sheet.c interprets a table as a checklist (header row, columns
 * found by name).  Cells are UTF-8 strings owned by the table; a missing
 * cell reads as "".  Rows and columns are 0-based here; diagnostics print
 * them 1-based.
 */
#ifndef APICHECK_TABLE_H
#define APICHECK_TABLE_H

#include <stddef.h>

typedef struct table_row {
    char **cells;   /* ncells strings, NULL for an empty cell */
    size_t ncells;
    long line;      /* 1-based row number in the source (sheet row or CSV record) */
} table_row_t;

typedef struct table {
    char *name;          /* sheet name, NULL for CSV */
    table_row_t *rows;
    size_t nrows, cap;
} table_t;

table_t *table_new(const char *name);
void table_free(table_t *t);
/* Append an empty row with the given source row number. */
table_row_t *table_add_row(table_t *t, long line);
/* Set cell col of a row, taking ownership of v (NULL clears). */
void table_row_set(table_row_t *r, size_t col, char *v);
/* The cell's text, "" when absent. */
const char *table_cell(const table_t *t, size_t row, size_t col);

/* A workbook or file: several tables. */
typedef struct tables {
    table_t **v;
    size_t n, cap;
} tables_t;

void tables_add(tables_t *ts, table_t *t);
void tables_free(tables_t *ts);

#endif
