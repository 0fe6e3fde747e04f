/*
 * csv — RFC 4180 CSV both ways, in the encodings Japanese offices use:
 * UTF-8 with a BOM (the default: Excel opens it correctly by double-click),
 * plain UTF-8, and CP932 (Shift_JIS as Windows writes it, with the NEC and
 * IBM extensions such as ① and ㈱) on request.
 *
 * Reading: a UTF-8 BOM always means UTF-8.  Otherwise CSV_UTF8 requires
 * UTF-8, CSV_CP932 decodes CP932, and CSV_UTF8_BOM ("auto") takes UTF-8 and
 * falls back to CP932 when the bytes are not UTF-8 but decode as CP932.
 * Quoted fields may hold "" and line breaks; records end in CRLF, LF or a
 * lone CR.  Unterminated quotes, stray quotes, NUL bytes, invalid UTF-8,
 * undecodable CP932 and every limit (file bytes, rows, columns, cell bytes)
 * are reported with the record (row), field (column), file line and byte
 * offset; a file with any problem gives no table.
 *
 * Writing: a field is quoted when it holds , " CR or LF or starts or ends
 * with a space or TAB; records end in CRLF.  CP932 output refuses text that
 * CP932 cannot hold, naming the character, item and column.
 *
 * Formula neutralising: on export a cell that starts with '=', '+', '-',
 * '@', TAB or CR — after any run of leading apostrophes — gets one more
 * leading apostrophe, so a spreadsheet never runs it as a formula.  The
 * reader removes exactly one leading apostrophe from a cell that matches
 * the same pattern (apostrophes, then one of those characters) and leaves
 * every other cell alone.  So "=1" is written "'=1", "'=1" is written
 * "''=1", "'abc" is written as is, and each reads back unchanged: round
 * trips are lossless.
 *
 * Checklist CSV: a header row with every layout.h column, then one row per
 * item and answering side.  Catalog CSV: the seed's title block (title,
 * date in 和暦, publisher, a blank line), then the seed's ten columns.  On
 * import the title block, when present, fills title, date and publisher;
 * the catalog id is left NULL for the caller to set (e.g. from the command
 * line) before catalog_check().
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

/* Parse CSV bytes into a table (encodings as above; rows are numbered by
 * record, which is the spreadsheet's row).  Returns the table or NULL with
 * problems in d. */
table_t *csv_parse(const char *data, size_t len, csv_encoding_t enc, diag_t *d);

/* Append one record (RFC 4180 quoting, CRLF line end) to b; when neutralise
 * is set, formula-looking cells are prefixed with "'". Returns 0 or -1 past
 * b's cap. */
int csv_write_record(buf_t *b, const char *const *cells, size_t n, bool neutralise);

/* Convert UTF-8 <-> CP932 (iconv).  Return fresh buffers (NUL-terminated,
 * length in *outlen when outlen is given) or NULL when a character cannot be
 * converted, with its byte offset in *bad (SIZE_MAX when iconv lacks CP932).
 * A few characters map many-to-one, as in Windows: 〜 (U+301C) is written
 * as ～ (U+FF5E), − (U+2212) as － (U+FF0D). */
char *csv_utf8_to_cp932(const char *s, size_t len, size_t *outlen, size_t *bad);
char *csv_cp932_to_utf8(const char *s, size_t len, size_t *outlen, size_t *bad);

/* The checklist as CSV: a header row (layout.h) then one row per item and
 * side answering it, for `side` only or both sides when side < 0; with set
 * NULL the rows are empty.  Formula-looking cells are neutralised.  Returns
 * the encoded bytes (length in *len) or NULL when the text cannot be encoded
 * in CP932 or the result would pass LIMIT_FILE_BYTES (a fresh message in the
 * current language in *why, when why is given). */
char *answerset_to_csv(const catalog_t *cat, const answerset_t *set, int side,
                       csv_encoding_t enc, size_t *len, char **why);
/* Parse and read the answers (sheet_read_answers).  Returns a fresh set
 * for cat, or NULL when any problem was found (all of them in d). */
answerset_t *answerset_from_csv(const char *data, size_t len, csv_encoding_t enc,
                                const catalog_t *cat, int default_side, diag_t *d);

/* A catalog edition as CSV (title block, then 通番 … 備考) and back.  The
 * reader returns the catalog with id NULL (see above), or NULL with
 * problems in d. */
char *catalog_to_csv(const catalog_t *cat, csv_encoding_t enc, size_t *len, char **why);
catalog_t *catalog_from_csv(const char *data, size_t len, csv_encoding_t enc, diag_t *d);

#endif
