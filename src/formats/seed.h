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

/* Parse seed text.  Returns a catalog (id "api-checklist-<ISO date>" unless
 * the caller changes it) or NULL with every problem in d. */
catalog_t *seed_read(const char *text, size_t len, diag_t *d);

#endif
