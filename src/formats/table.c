#include "formats/table.h"
#include "util/xmem.h"

#include <stdlib.h>
#include <string.h>

table_t *table_new(const char *name)
{
    table_t *t = xcalloc(1, sizeof *t);
    t->name = xstrdup(name);
    return t;
}

void table_free(table_t *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nrows; i++) {
        for (size_t k = 0; k < t->rows[i].ncells; k++)
            free(t->rows[i].cells[k]);
        free(t->rows[i].cells);
    }
    free(t->rows);
    free(t->name);
    free(t);
}

table_row_t *table_add_row(table_t *t, long line)
{
    t->rows = xgrow(t->rows, &t->cap, t->nrows + 1, sizeof *t->rows);
    table_row_t *r = &t->rows[t->nrows++];
    memset(r, 0, sizeof *r);
    r->line = line;
    return r;
}

void table_row_set(table_row_t *r, size_t col, char *v)
{
    if (col >= r->ncells) {
        if (!v)
            return;
        r->cells = xrealloc(r->cells, (col + 1) * sizeof *r->cells);
        memset(r->cells + r->ncells, 0, (col + 1 - r->ncells) * sizeof *r->cells);
        r->ncells = col + 1;
    }
    free(r->cells[col]);
    r->cells[col] = v;
}

const char *table_cell(const table_t *t, size_t row, size_t col)
{
    if (row >= t->nrows || col >= t->rows[row].ncells || !t->rows[row].cells[col])
        return "";
    return t->rows[row].cells[col];
}

void tables_add(tables_t *ts, table_t *t)
{
    ts->v = xgrow(ts->v, &ts->cap, ts->n + 1, sizeof *ts->v);
    ts->v[ts->n++] = t;
}

void tables_free(tables_t *ts)
{
    for (size_t i = 0; i < ts->n; i++)
        table_free(ts->v[i]);
    free(ts->v);
    ts->v = NULL;
    ts->n = ts->cap = 0;
}
