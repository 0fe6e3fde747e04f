/*
 * csv — RFC 4180 CSV both ways, in the encodings Japanese offices use:
 * UTF-8 with a BOM (the default: Excel opens it correctly by double-click),
 * plain UTF-8, and CP932 (Shift_JIS as Windows writes it) on request.
 * Reading detects the BOM, otherwise tries UTF-8 and then CP932 when asked.
 * On export a cell starting with '=', '+', '-', '@', TAB or CR is
 * neutralised with a leading apostrophe so a spreadsheet never runs it as a
 * formula; the reader removes exactly that apostrophe again, so round trips
 * are lossless.
 */
#ifndef APICHECK_CSV_H
#define APICHECK_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "core/answer.h"
#include "core/catalog.h"
#include "formats/table.h"
#include "util/buf.h"
#include "util/diag.h"

typedef enum csv_encoding {
    CSV_UTF8_BOM = 0, /* write: UTF-8 with BOM; read: auto (BOM, UTF-8) */
    CSV_UTF8 = 1,
    CSV_CP932 = 2
} csv_encoding_t;

/* Parse CSV bytes into a table.  enc CSV_CP932 decodes from CP932 first;
 * otherwise the data must be UTF-8 (a BOM is skipped).  Returns the table
 * or NULL with problems (line and column) in d. */
table_t *csv_parse(const char *data, size_t len, csv_encoding_t enc, diag_t *d);

/* Append one record (RFC 4180 quoting, CRLF line end) to b; when neutralise
 * is set, formula-looking cells are prefixed with "'". Returns 0 or -1 past
 * b's cap. */
int csv_write_record(buf_t *b, const char *const *cells, size_t n, bool neutralise);

/* Convert UTF-8 <-> CP932 (iconv).  Return fresh buffers (NUL-terminated,
 * length in *outlen) or NULL when a character cannot be converted, with the
 * byte offset in *bad. */
char *csv_utf8_to_cp932(const char *s, size_t len, size_t *outlen, size_t *bad);
char *csv_cp932_to_utf8(const char *s, size_t len, size_t *outlen, size_t *bad);

/* The checklist as CSV: a header row (layout.h) then one row per item and
 * side answered.  When set is NULL, an empty checklist for `side` (or both
 * sides when side < 0).  Returns the encoded bytes (length in *len) or NULL
 * when the text cannot be encoded in CP932 (message in *why). */
char *answerset_to_csv(const catalog_t *cat, const answerset_t *set, int side,
                       csv_encoding_t enc, size_t *len, char **why);
answerset_t *answerset_from_csv(const char *data, size_t len, csv_encoding_t enc,
                                const catalog_t *cat, int default_side, diag_t *d);

/* A catalog edition as CSV (通番 … 備考 columns) and back. */
char *catalog_to_csv(const catalog_t *cat, csv_encoding_t enc, size_t *len, char **why);
catalog_t *catalog_from_csv(const char *data, size_t len, csv_encoding_t enc, diag_t *d);

#endif
