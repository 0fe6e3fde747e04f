/*
 * seed — reads the checklist in the seed's own form: text extracted from
 * the A3 spreadsheet, tab-separated, 10 columns, with the title block
 * (title, 和暦 date, working group) at the top and the header row repeated
 * before every printed page (in two spellings of the title line).  The
 * result is a catalog with its references parsed into structure.
 */
#ifndef APICHECK_SEED_H
#define APICHECK_SEED_H

#include <stddef.h>

#include "core/catalog.h"
#include "util/diag.h"

/* Parse seed text (UTF-8, an optional BOM, LF, CRLF or CR line ends; no
 * quoting: a cell holds no tab or line break).  Columns are found by their
 * header names; 区分 and セキュリティ対応目標 lose their layout spaces, 備考
 * is trimmed (empty -> NULL).  The answer columns (現在の対応状況, 課題認識,
 * 課題への対応計画) are not read: a catalog holds no answers.  Returns a
 * catalog (id "api-checklist-<ISO date>" unless the caller changes it) or
 * NULL with every problem in d, located by line (row) and column. */
catalog_t *seed_read(const char *text, size_t len, diag_t *d);

#endif
