/*
 * json_io — catalogs and answer sets as JSON (jansson).  The shapes are
 * documented in docs/formats.md:
 *   catalog:  {"catalog": {"id","title","date","publisher"},
 *              "items": [{"no","category","objective","target","references","note"}]}
 *   answers:  {"format": "apicheck-answers", "version": 1, "catalog": ID,
 *              "answers": [{"no","side","status","current","gap","plan","due","note"}]}
 * Readers validate every field (types, UTF-8, lengths, known codes) and
 * report problems in a diag_t; writers produce UTF-8 (not \u-escaped),
 * indented, with keys in a fixed order.
 */
#ifndef APICHECK_JSON_IO_H
#define APICHECK_JSON_IO_H

#include <stddef.h>

#include "core/answer.h"
#include "core/catalog.h"
#include "util/diag.h"

char *catalog_to_json(const catalog_t *c);
catalog_t *catalog_from_json(const char *text, size_t len, diag_t *d);

char *answerset_to_json(const answerset_t *s);
/* cat, when given, is used to check item numbers and sides. */
answerset_t *answerset_from_json(const char *text, size_t len, const catalog_t *cat,
                                 diag_t *d);

#endif
