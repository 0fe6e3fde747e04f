/*
 * csv — RFC 4180 CSV both ways, in UTF-8 (with or without a BOM) and CP932.
 *
 * Reading first settles the encoding (BOM, UTF-8, CP932 via iconv) and turns
 * the whole input into UTF-8, then splits records in one pass over it.
 * Problems are reported with the record (row), the field (column) and the
 * physical line of the file; a broken file yields no table at all.
 */
#include "formats/csv.h"
#include "core/wareki.h"
#include "formats/layout.h"
#include "formats/sheet.h"
#include "util/i18n.h"
#include "util/limits.h"
#include "util/utf8.h"
#include "util/xmem.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define UTF8_BOM "\xEF\xBB\xBF"

/* ------------------------------------------------------------ encodings */

/* glibc names Microsoft's Shift_JIS (with the NEC and IBM extensions, e.g.
 * ① and ㈱) "CP932"; "SHIFT_JIS" would lack them. */
#define ICONV_CP932 "CP932"
#define ICONV_UTF8  "UTF-8"

/* Convert len bytes of s with iconv.  Returns a fresh NUL-terminated buffer
 * (length in *outlen), or NULL with the offset of the first byte that could
 * not be converted in *bad (SIZE_MAX when the converter is missing). */
static char *convert(const char *to, const char *from, const char *s, size_t len,
                     size_t *outlen, size_t *bad)
{
    iconv_t cd = iconv_open(to, from);
    if (cd == (iconv_t)-1) {
        if (bad)
            *bad = SIZE_MAX;
        return NULL;
    }
    size_t cap = len + len / 2 + 16, used = 0;
    char *out = xmalloc(cap + 1);
    char *in = (char *)s;
    size_t inleft = len;
    while (inleft > 0) {
        char *o = out + used;
        size_t oleft = cap - used;
        size_t r = iconv(cd, &in, &inleft, &o, &oleft);
        used = (size_t)(o - out);
        if (r != (size_t)-1)
            break;
        if (errno == E2BIG) {
            cap *= 2;
            out = xrealloc(out, cap + 1);
            continue;
        }
        /* EILSEQ: no such character; EINVAL: cut off at the end. */
        if (bad)
            *bad = (size_t)(in - s);
        iconv_close(cd);
        free(out);
        return NULL;
    }
    iconv_close(cd);
    out[used] = '\0';
    if (outlen)
        *outlen = used;
    return out;
}

char *csv_utf8_to_cp932(const char *s, size_t len, size_t *outlen, size_t *bad)
{
    return convert(ICONV_CP932, ICONV_UTF8, s, len, outlen, bad);
}

char *csv_cp932_to_utf8(const char *s, size_t len, size_t *outlen, size_t *bad)
{
    return convert(ICONV_UTF8, ICONV_CP932, s, len, outlen, bad);
}

/* 1-based line of byte offset off in data (LF, CRLF or a lone CR end a
 * line; none of them can be part of a CP932 double-byte character). */
static long line_of(const char *data, size_t off)
{
    long line = 1;
    for (size_t i = 0; i < off; i++)
        if (data[i] == '\n' || (data[i] == '\r' && (i + 1 >= off || data[i + 1] != '\n')))
            line++;
    return line;
}

/* Decode data into fresh UTF-8 text per enc (see csv.h).  NULL after
 * reporting when it cannot. */
static char *decode(const char *data, size_t len, csv_encoding_t enc, size_t *outlen,
                    diag_t *d)
{
    const char *nul = memchr(data, '\0', len);
    if (nul) {
        size_t off = (size_t)(nul - data);
        diag_add(d, NULL, line_of(data, off), 0, "NUL 文字（0x00）があります（バイト位置 %zu）",
                 "NUL byte (0x00) in the file (byte offset %zu)", off);
        return NULL;
    }
    size_t skip = 0;
    if (len >= 3 && memcmp(data, UTF8_BOM, 3) == 0) {
        skip = 3;
        enc = CSV_UTF8; /* a BOM settles it */
    }
    const char *s = data + skip;
    size_t n = len - skip, bad = 0;
    if (enc == CSV_CP932) {
        char *out = csv_cp932_to_utf8(s, n, outlen, &bad);
        if (out)
            return out;
        if (bad == SIZE_MAX) {
            diag_add(d, NULL, 0, 0, "CP932 の変換機能（iconv）が使えません",
                     "the CP932 converter (iconv) is not available");
            return NULL;
        }
        size_t off = skip + bad;
        bool utf8 = utf8_valid(s, n, NULL);
        diag_add(d, NULL, line_of(data, off), 0,
                 "CP932（Shift_JIS）として読めないバイトがあります（バイト位置 %zu: 0x%02X）%s%.0s",
                 "bytes that are not CP932 (Shift_JIS) (byte offset %zu: 0x%02X)%.0s%s", off,
                 (unsigned)(unsigned char)data[off],
                 utf8 ? "。UTF-8 のファイルのようです。文字コードに UTF-8 を指定してください" : "",
                 utf8 ? "; the file looks like UTF-8: choose that encoding" : "");
        return NULL;
    }
    if (utf8_valid(s, n, &bad)) {
        *outlen = n;
        return xstrndup(s, n);
    }
    if (enc == CSV_UTF8_BOM) {
        /* Automatic: Japanese Excel saves "CSV" in CP932 without saying so. */
        char *out = csv_cp932_to_utf8(s, n, outlen, NULL);
        if (out)
            return out;
    }
    size_t off = skip + bad;
    diag_add(d, NULL, line_of(data, off), 0,
             "UTF-8 として不正なバイトがあります（バイト位置 %zu: 0x%02X）。"
             "CP932（Shift_JIS）のファイルなら文字コードに CP932 を指定してください",
             "invalid UTF-8 (byte offset %zu: 0x%02X); if the file is CP932 (Shift_JIS), "
             "choose that encoding",
             off, (unsigned)(unsigned char)data[off]);
    return NULL;
}

/* ------------------------------------------------------ formula guarding */

static bool formula_start(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/* Does the cell need (or, read back, carry) the guarding apostrophe?  True
 * when, after any leading apostrophes, it starts with a formula character:
 * so "'=x" is written "''=x" and "''=x" reads back as "'=x". */
static bool formula_like(const char *s)
{
    while (*s == '\'')
        s++;
    return formula_start(*s);
}

/* ----------------------------------------------------------------- parse */

typedef struct parser {
    const char *s;  /* UTF-8 text */
    size_t n, i;
    long line;      /* physical line at i, 1-based */
    long rec;       /* current record, 1-based */
    size_t col;     /* current field, 1-based */
    diag_t *d;
    bool broken;    /* a problem was reported */
    bool fatal;     /* parsing cannot go on */
} parser_t;

/* Count the line breaks in s[from, to). */
static void count_lines(parser_t *p, size_t from, size_t to)
{
    for (size_t k = from; k < to; k++)
        if (p->s[k] == '\n' || (p->s[k] == '\r' && (k + 1 >= p->n || p->s[k + 1] != '\n')))
            p->line++;
}

static void add_bytes(parser_t *p, buf_t *cell, const char *s, size_t n)
{
    if (!p->fatal && buf_add(cell, s, n) < 0) {
        diag_add(p->d, NULL, p->rec, (int)p->col,
                 "セルが長すぎます（上限 %u バイト、ファイルの %ld 行目）",
                 "cell too long (at most %u bytes; file line %ld)", LIMIT_CELL_BYTES, p->line);
        p->broken = p->fatal = true;
    }
}

static bool field_end(char c)
{
    return c == ',' || c == '\r' || c == '\n';
}

/* Read one field at p->i into cell; leaves p->i on the separator or end. */
static void read_field(parser_t *p, buf_t *cell)
{
    const char *s = p->s;
    size_t n = p->n;
    if (p->i < n && s[p->i] == '"') {
        long opened = p->line;
        p->i++;
        for (;;) {
            const char *q = memchr(s + p->i, '"', n - p->i);
            if (!q) {
                diag_add(p->d, NULL, p->rec, (int)p->col,
                         "引用符が閉じられていません（ファイルの %ld 行目で開いた引用符）",
                         "unterminated quoted field (the quote opens on file line %ld)",
                         opened);
                p->broken = p->fatal = true;
                return;
            }
            size_t k = (size_t)(q - s);
            add_bytes(p, cell, s + p->i, k - p->i);
            count_lines(p, p->i, k);
            if (p->fatal)
                return;
            if (k + 1 < n && s[k + 1] == '"') {
                add_bytes(p, cell, "\"", 1);
                p->i = k + 2;
                continue;
            }
            p->i = k + 1;
            break;
        }
        if (p->i < n && !field_end(s[p->i])) {
            diag_add(p->d, NULL, p->rec, (int)p->col,
                     "閉じ引用符の後に余分な文字があります（ファイルの %ld 行目）。"
                     "値の中の \" は \"\" と書きます",
                     "characters after a closing quote (file line %ld); a \" inside a "
                     "value is written \"\"",
                     p->line);
            p->broken = true;
            size_t k = p->i;
            while (k < n && !field_end(s[k]))
                k++;
            add_bytes(p, cell, s + p->i, k - p->i);
            p->i = k;
        }
        return;
    }
    size_t k = p->i;
    bool stray = false;
    while (k < n && !field_end(s[k])) {
        if (s[k] == '"' && !stray) {
            stray = true;
            diag_add(p->d, NULL, p->rec, (int)p->col,
                     "引用符で囲まれていない値の中に \" があります（ファイルの %ld 行目）",
                     "a \" inside an unquoted field (file line %ld)", p->line);
            p->broken = true;
        }
        k++;
    }
    add_bytes(p, cell, s + p->i, k - p->i);
    p->i = k;
}

/* Store the cell as column col-1 of row, undoing the formula guard. */
static void store_cell(parser_t *p, table_row_t *row, buf_t *cell)
{
    const char *v = buf_str(cell);
    size_t len = cell->len;
    if (len && v[0] == '\'' && formula_like(v)) {
        v++;
        len--;
    }
    if (len > LIMIT_CELL_BYTES) {
        diag_add(p->d, NULL, p->rec, (int)p->col,
                 "セルが長すぎます（上限 %u バイト、ファイルの %ld 行目）",
                 "cell too long (at most %u bytes; file line %ld)", LIMIT_CELL_BYTES, p->line);
        p->broken = p->fatal = true;
        return;
    }
    if (len)
        table_row_set(row, p->col - 1, xstrndup(v, len));
}

static void parse_text(parser_t *p, table_t *t)
{
    buf_t cell = BUF_INIT(LIMIT_CELL_BYTES + 1); /* room for the apostrophe */
    while (p->i < p->n && !p->fatal) {
        if (t->nrows >= LIMIT_ROWS) {
            diag_add(p->d, NULL, p->rec + 1, 0, "行が多すぎます（上限 %d 行）",
                     "too many rows (at most %d)", LIMIT_ROWS);
            p->broken = p->fatal = true;
            break;
        }
        p->rec++;
        table_row_t *row = table_add_row(t, p->rec);
        for (p->col = 1;; p->col++) {
            if (p->col > LIMIT_COLS) {
                diag_add(p->d, NULL, p->rec, 0, "列が多すぎます（上限 %d 列）",
                         "too many columns (at most %d)", LIMIT_COLS);
                p->broken = p->fatal = true;
                break;
            }
            buf_reset(&cell);
            read_field(p, &cell);
            if (p->fatal)
                break;
            store_cell(p, row, &cell);
            if (p->fatal)
                break;
            if (p->i < p->n && p->s[p->i] == ',') {
                p->i++;
                continue;
            }
            bool eol = false;
            if (p->i < p->n && p->s[p->i] == '\r') {
                p->i++;
                eol = true;
            }
            if (p->i < p->n && p->s[p->i] == '\n') {
                p->i++;
                eol = true;
            }
            if (eol)
                p->line++;
            break;
        }
    }
    buf_free(&cell);
}

table_t *csv_parse(const char *data, size_t len, csv_encoding_t enc, diag_t *d)
{
    if (len > LIMIT_FILE_BYTES) {
        diag_add(d, NULL, 0, 0, "ファイルが大きすぎます（%zu バイト、上限 %u バイト）",
                 "file too large (%zu bytes, at most %u)", len, LIMIT_FILE_BYTES);
        return NULL;
    }
    size_t n = 0;
    char *text = decode(data, len, enc, &n, d);
    if (!text)
        return NULL;
    parser_t p = { .s = text, .n = n, .line = 1, .d = d };
    table_t *t = table_new(NULL);
    parse_text(&p, t);
    free(text);
    if (p.broken) {
        table_free(t);
        return NULL;
    }
    return t;
}

/* ----------------------------------------------------------------- write */

static bool is_blank_char(char c)
{
    return c == ' ' || c == '\t';
}

int csv_write_record(buf_t *b, const char *const *cells, size_t n, bool neutralise)
{
    size_t mark = b->len;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (i > 0)
            rc |= buf_addc(b, ',');
        const char *s = cells[i];
        if (!s || !*s)
            continue;
        size_t len = strlen(s);
        /* The guard apostrophe, when written, is the first character, so a
         * leading blank no longer needs quotes.  A leading U+FEFF is quoted
         * so that a reader cannot take it for the file's byte-order mark. */
        bool guard = neutralise && formula_like(s);
        bool quote = strpbrk(s, ",\"\r\n") != NULL || is_blank_char(s[len - 1]) ||
                     (!guard && is_blank_char(s[0])) ||
                     (!guard && strncmp(s, UTF8_BOM, 3) == 0);
        if (quote)
            rc |= buf_addc(b, '"');
        if (guard)
            rc |= buf_addc(b, '\'');
        const char *q;
        while (rc == 0 && (q = strchr(s, '"')) != NULL) {
            rc |= buf_add(b, s, (size_t)(q - s) + 1);
            rc |= buf_addc(b, '"');
            s = q + 1;
        }
        rc |= buf_adds(b, s);
        if (quote)
            rc |= buf_addc(b, '"');
    }
    if (rc == 0)
        rc = buf_add(b, "\r\n", 2);
    if (rc != 0) {
        /* Leave the buffer as it was. */
        b->len = mark;
        if (b->p)
            b->p[mark] = '\0';
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------ checklists */

static char *pick(const char *ja, const char *en)
{
    return xstrdup(i18n_get() == LANG_EN ? en : ja);
}

/* Check that every cell of an export row can be written in CP932; when one
 * cannot, *why names the character, the row and the column. */
static int cp932_check(char *const *cells, size_t n, const item_t *it, int side, char **why)
{
    for (size_t c = 0; c < n; c++) {
        const char *s = cells[c];
        size_t bad = 0, len = s ? strlen(s) : 0;
        bool ascii = true;
        for (size_t k = 0; k < len && ascii; k++)
            ascii = (unsigned char)s[k] < 0x80;
        if (ascii)
            continue;
        char *out = csv_utf8_to_cp932(s, len, NULL, &bad);
        if (out) {
            free(out);
            continue;
        }
        if (bad == SIZE_MAX) {
            *why = pick("CP932 の変換機能（iconv）が使えません",
                        "the CP932 converter (iconv) is not available");
            return -1;
        }
        uint32_t cp = 0;
        int k = utf8_decode(s + bad, len - bad, &cp);
        char ch[5] = "";
        if (k > 0) {
            memcpy(ch, s + bad, (size_t)k);
            ch[k] = '\0';
        }
        char where_ja[96] = "", where_en[96] = "";
        if (it && side >= 0) {
            snprintf(where_ja, sizeof where_ja, "通番 %d（%s）の", it->no,
                     side_label((side_t)side));
            snprintf(where_en, sizeof where_en, "item %d (%s), ", it->no,
                     side_code((side_t)side));
        } else if (it) {
            snprintf(where_ja, sizeof where_ja, "通番 %d の", it->no);
            snprintf(where_en, sizeof where_en, "item %d, ", it->no);
        }
        const char *col = c < LCOL_COUNT ? layout_header((layout_col_t)c) : "";
        char *ja = xasprintf("%s「%s」欄の文字「%s」（U+%04X）は CP932 で表せません。"
                             "UTF-8 で書き出すか、その文字を置き換えてください",
                             where_ja, col, ch, (unsigned)cp);
        char *en = xasprintf("%scolumn %s: the character '%s' (U+%04X) cannot be written "
                             "in CP932; export as UTF-8 or replace it",
                             where_en, col, ch, (unsigned)cp);
        *why = pick(ja, en);
        free(ja);
        free(en);
        return -1;
    }
    return 0;
}

static void too_big(char **why)
{
    char *ja = xasprintf("書き出す CSV が大きすぎます（上限 %u バイト）", LIMIT_FILE_BYTES);
    char *en = xasprintf("the CSV would be too large (at most %u bytes)", LIMIT_FILE_BYTES);
    *why = pick(ja, en);
    free(ja);
    free(en);
}

/* Turn the UTF-8 text in b into the requested encoding. */
static char *finish(buf_t *b, csv_encoding_t enc, size_t *len, char **why)
{
    if (enc != CSV_CP932) {
        *len = b->len;
        return buf_take(b);
    }
    size_t bad = 0;
    char *out = csv_utf8_to_cp932(buf_str(b), b->len, len, &bad);
    buf_free(b);
    if (!out)
        *why = pick("CP932 に変換できません", "cannot convert to CP932");
    return out;
}

static void begin(buf_t *b, csv_encoding_t enc)
{
    buf_init(b, LIMIT_FILE_BYTES);
    if (enc == CSV_UTF8_BOM)
        buf_add(b, UTF8_BOM, 3);
}

/* Write the export row of item it for side s; -1 with *why on failure. */
static int write_item_row(buf_t *b, const item_t *it, side_t s, const answer_t *a, size_t ncols,
                          csv_encoding_t enc, char **why)
{
    char *cells[LCOL_COUNT];
    sheet_row_cells(it, s, a, cells);
    int rc = 0;
    if (enc == CSV_CP932)
        rc = cp932_check(cells, ncols, it, ncols > LAYOUT_SEED_COLS ? (int)s : -1, why);
    if (rc == 0 && csv_write_record(b, (const char *const *)cells, ncols, true) < 0) {
        too_big(why);
        rc = -1;
    }
    sheet_row_cells_free(cells);
    return rc;
}

static int write_header(buf_t *b, size_t ncols, char **why)
{
    const char *hdr[LCOL_COUNT];
    for (size_t c = 0; c < ncols; c++)
        hdr[c] = layout_header((layout_col_t)c);
    if (csv_write_record(b, hdr, ncols, true) < 0) {
        too_big(why);
        return -1;
    }
    return 0;
}

char *answerset_to_csv(const catalog_t *cat, const answerset_t *set, int side,
                       csv_encoding_t enc, size_t *len, char **why)
{
    char *msg = NULL;
    buf_t b;
    begin(&b, enc);
    int rc = write_header(&b, LCOL_COUNT, &msg);
    for (size_t i = 0; i < cat->nitems && rc == 0; i++) {
        const item_t *it = &cat->items[i];
        for (int s = SIDE_PARTNER; s <= SIDE_BANK && rc == 0; s++) {
            if ((side >= 0 && s != side) || !side_answers((side_t)s, it->target))
                continue;
            const answer_t *a = set ? answerset_find(set, it->no, (side_t)s) : NULL;
            rc = write_item_row(&b, it, (side_t)s, a, LCOL_COUNT, enc, &msg);
        }
    }
    char *out = rc == 0 ? finish(&b, enc, len, &msg) : NULL;
    buf_free(&b);
    if (why)
        *why = msg;
    else
        free(msg);
    return out;
}

answerset_t *answerset_from_csv(const char *data, size_t len, csv_encoding_t enc,
                                const catalog_t *cat, int default_side, diag_t *d)
{
    table_t *t = csv_parse(data, len, enc, d);
    if (!t)
        return NULL;
    answerset_t *s = answerset_new(cat->id);
    int problems = sheet_read_answers(t, cat, default_side, s, d);
    table_free(t);
    if (problems > 0) {
        answerset_free(s);
        return NULL;
    }
    return s;
}

static int write_line(buf_t *b, const char *text, csv_encoding_t enc, char **why)
{
    const char *cells[1] = { text };
    if (enc == CSV_CP932 && cp932_check((char *const *)cells, 1, NULL, -1, why) < 0)
        return -1;
    if (csv_write_record(b, cells, 1, true) < 0) {
        too_big(why);
        return -1;
    }
    return 0;
}

char *catalog_to_csv(const catalog_t *cat, csv_encoding_t enc, size_t *len, char **why)
{
    char *msg = NULL;
    buf_t b;
    begin(&b, enc);
    /* The title block, as the seed prints it: title, 和暦 date, publisher. */
    int rc = 0;
    if (cat->title && *cat->title)
        rc = write_line(&b, cat->title, enc, &msg);
    if (rc == 0 && cat->date && *cat->date) {
        char wareki[64];
        rc = write_line(&b, wareki_from_iso(cat->date, wareki, sizeof wareki) == 0 ? wareki
                                                                                   : cat->date,
                        enc, &msg);
    }
    if (rc == 0 && cat->publisher && *cat->publisher)
        rc = write_line(&b, cat->publisher, enc, &msg);
    if (rc == 0 && b.len > (enc == CSV_UTF8_BOM ? 3u : 0u))
        rc = write_line(&b, NULL, enc, &msg);
    if (rc == 0)
        rc = write_header(&b, LAYOUT_SEED_COLS, &msg);
    for (size_t i = 0; i < cat->nitems && rc == 0; i++)
        rc = write_item_row(&b, &cat->items[i], SIDE_PARTNER, NULL, LAYOUT_SEED_COLS, enc,
                            &msg);
    char *out = rc == 0 ? finish(&b, enc, len, &msg) : NULL;
    buf_free(&b);
    if (why)
        *why = msg;
    else
        free(msg);
    return out;
}

/* Fill title, date and publisher from the rows above the header: the first
 * text that reads as a date is the date, the first other text the title,
 * the next the publisher. */
static void read_title_block(const table_t *t, long header_row, catalog_t *c)
{
    for (long r = 0; r < header_row; r++) {
        const table_row_t *row = &t->rows[r];
        const char *text = NULL;
        for (size_t k = 0; k < row->ncells && !text; k++)
            if (row->cells[k] && *row->cells[k])
                text = row->cells[k];
        if (!text)
            continue;
        char *v = utf8_trim(text);
        char iso[11];
        if (!*v) {
            free(v);
            continue;
        }
        if (!c->date && wareki_to_iso(v, iso) == 0 && date_valid_iso(iso)) {
            c->date = xstrdup(iso);
            free(v);
        } else if (!c->title) {
            c->title = v;
        } else if (!c->publisher) {
            c->publisher = v;
        } else {
            free(v);
        }
    }
}

catalog_t *catalog_from_csv(const char *data, size_t len, csv_encoding_t enc, diag_t *d)
{
    table_t *t = csv_parse(data, len, enc, d);
    if (!t)
        return NULL;
    catalog_t *c = sheet_read_catalog(t, d);
    sheet_map_t m;
    if (c && sheet_map_find(t, &m) == 0)
        read_title_block(t, m.header_row, c);
    table_free(t);
    return c;
}
