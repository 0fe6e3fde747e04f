#include "cli/cli.h"

#include "core/diff.h"
#include "core/wareki.h"
#include "formats/builtin.h"
#include "formats/csv.h"
#include "formats/json_io.h"
#include "formats/seed.h"
#include "formats/xlsx.h"
#include "util/file.h"
#include "util/i18n.h"
#include "util/limits.h"
#include "util/xmem.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

static void verror(const char *ja_fmt, const char *en_fmt, va_list ap)
{
    fputs("apicheck: ", stderr);
    vfprintf(stderr, tr(ja_fmt, en_fmt), ap);
    fputc('\n', stderr);
}

void cli_error(const char *ja_fmt, const char *en_fmt, ...)
{
    va_list ap;
    va_start(ap, en_fmt);
    verror(ja_fmt, en_fmt, ap);
    va_end(ap);
}

int cli_usage(const char *cmd, const char *ja_fmt, const char *en_fmt, ...)
{
    va_list ap;
    va_start(ap, en_fmt);
    verror(ja_fmt, en_fmt, ap);
    va_end(ap);
    fprintf(stderr, tr("使い方は 'apicheck %s%s--help' を参照してください。\n",
                       "See 'apicheck %s%s--help'.\n"),
            cmd, *cmd ? " " : "");
    return EXIT_USAGE;
}

int cli_help(const char *ja, const char *en)
{
    fputs(tr(ja, en), stdout);
    return EXIT_OK;
}

cli_format_t cli_format_parse(const char *name)
{
    if (!name)
        return FMT_UNKNOWN;
    if (strcmp(name, "json") == 0)
        return FMT_JSON;
    if (strcmp(name, "csv") == 0)
        return FMT_CSV;
    if (strcmp(name, "xlsx") == 0)
        return FMT_XLSX;
    if (strcmp(name, "seed") == 0 || strcmp(name, "txt") == 0 || strcmp(name, "tsv") == 0)
        return FMT_SEED;
    return FMT_UNKNOWN;
}

cli_format_t cli_format_of(const char *path, const char *override)
{
    if (override)
        return cli_format_parse(override);
    char ext[16];
    file_ext(path, ext);
    return cli_format_parse(ext);
}

const char *cli_format_name(cli_format_t f)
{
    switch (f) {
    case FMT_JSON: return "json";
    case FMT_CSV: return "csv";
    case FMT_XLSX: return "xlsx";
    case FMT_SEED: return "seed";
    case FMT_UNKNOWN: break;
    }
    return "?";
}

int cli_encoding_parse(const char *name, csv_encoding_t *out)
{
    if (!name || strcmp(name, "utf8-bom") == 0 || strcmp(name, "utf-8-bom") == 0) {
        *out = CSV_UTF8_BOM;
        return 0;
    }
    if (strcmp(name, "utf8") == 0 || strcmp(name, "utf-8") == 0) {
        *out = CSV_UTF8;
        return 0;
    }
    if (strcmp(name, "cp932") == 0 || strcmp(name, "sjis") == 0 ||
        strcmp(name, "shift_jis") == 0 || strcmp(name, "windows-31j") == 0) {
        *out = CSV_CP932;
        return 0;
    }
    return -1;
}

int cli_side_parse(const char *name, side_t *out)
{
    return side_parse(name, out);
}

char *cli_read_file(const char *path, size_t *len)
{
    char *p = file_read(path, LIMIT_FILE_BYTES, len);
    if (p)
        return p;
    if (errno == EFBIG)
        cli_error("%s: ファイルが大きすぎます (上限 %u MiB)",
                  "%s: file too large (limit %u MiB)", path,
                  (unsigned)(LIMIT_FILE_BYTES / (1024u * 1024u)));
    else
        cli_error("%s: 読み込めません: %s", "%s: cannot read: %s", path, strerror(errno));
    return NULL;
}

int cli_write_file(const char *path, const void *data, size_t len)
{
    if (file_write(path, data, len) == 0)
        return 0;
    cli_error("%s: 書き込めません: %s", "%s: cannot write: %s", path, strerror(errno));
    return -1;
}

static const char *catalog_dir;

void cli_set_catalog_dir(const char *dir)
{
    catalog_dir = dir;
}

const char *cli_catalog_dir(void)
{
    if (catalog_dir)
        return catalog_dir;
    const char *env = getenv("APICHECK_CATALOG_DIR");
    return env && *env ? env : "catalogs";
}

static bool id_safe(const char *id)
{
    if (!*id || strlen(id) > 100 || id[0] == '.')
        return false;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
              *p == '.'))
            return false;
    return true;
}

catalog_t *cli_load_catalog(const char *id)
{
    if (!id || strcmp(id, BUILTIN_CATALOG_ID) == 0)
        return builtin_catalog();
    if (!id_safe(id)) {
        cli_error("チェックリスト様式 '%s' はありません", "no catalog '%s'", id);
        return NULL;
    }
    char *path = xasprintf("%s/%s.json", cli_catalog_dir(), id);
    size_t len;
    char *text = file_read(path, LIMIT_FILE_BYTES, &len);
    if (!text) {
        cli_error("チェックリスト様式 '%s' はありません (%s)", "no catalog '%s' (%s)", id,
                  path);
        free(path);
        return NULL;
    }
    diag_t d;
    diag_init(&d, path);
    catalog_t *c = catalog_from_json(text, len, &d);
    free(text);
    if (!c)
        cli_print_diag(&d);
    diag_free(&d);
    free(path);
    return c;
}

void cli_print_diag(const diag_t *d)
{
    diag_print(d, stderr, i18n_get());
}

answerset_t *cli_read_answers(const char *path, cli_format_t fmt, const catalog_t *cat,
                              int default_side, csv_encoding_t enc)
{
    size_t len;
    char *data = cli_read_file(path, &len);
    if (!data)
        return NULL;
    diag_t d;
    diag_init(&d, path);
    answerset_t *set = NULL;
    switch (fmt) {
    case FMT_JSON:
        set = answerset_from_json(data, len, cat, &d);
        break;
    case FMT_CSV:
        set = answerset_from_csv(data, len, enc, cat, default_side, &d);
        break;
    case FMT_XLSX:
        set = xlsx_read_answers(data, len, cat, default_side, &d);
        break;
    default:
        cli_error("%s: 回答ファイルの形式が分かりません (.xlsx, .csv, .json のいずれか、または --from を指定してください)",
                  "%s: unknown answer file format (use .xlsx, .csv or .json, or give --from)",
                  path);
        break;
    }
    if (d.n > 0 || d.dropped > 0) {
        cli_print_diag(&d);
        answerset_free(set);
        set = NULL;
    }
    diag_free(&d);
    free(data);
    return set;
}

int cli_write_answers(const char *path, cli_format_t fmt, const catalog_t *cat,
                      const answerset_t *set, int side, csv_encoding_t enc)
{
    char *why = NULL;
    int rc = -1;
    switch (fmt) {
    case FMT_JSON: {
        answerset_t *empty = NULL;
        if (!set)
            set = empty = answerset_new(cat->id);
        char *text = answerset_to_json(set);
        rc = cli_write_file(path, text, strlen(text));
        free(text);
        answerset_free(empty);
        return rc;
    }
    case FMT_CSV: {
        size_t len;
        char *bytes = answerset_to_csv(cat, set, side, enc, &len, &why);
        if (bytes) {
            rc = cli_write_file(path, bytes, len);
            free(bytes);
            return rc;
        }
        break;
    }
    case FMT_XLSX: {
        if (strcmp(path, "-") == 0) {
            cli_error("XLSX は標準出力に書けません: -o でファイル名を指定してください",
                      "XLSX cannot go to standard output: name a file with -o");
            return -1;
        }
        xlsx_write_opt_t opt = { 0 };
        if (side == SIDE_PARTNER)
            opt.sides = XLSX_SIDE_PARTNER;
        else if (side == SIDE_BANK)
            opt.sides = XLSX_SIDE_BANK;
        if (xlsx_write_checklist(path, cat, set, &opt, &why) == 0)
            return 0;
        break;
    }
    default:
        cli_error("%s: 出力形式が分かりません (.xlsx, .csv, .json のいずれか、または --format を指定してください)",
                  "%s: unknown output format (use .xlsx, .csv or .json, or give --format)",
                  path);
        return -1;
    }
    cli_error("%s: %s", "%s: %s", path, why ? why : "?");
    free(why);
    return rc;
}

void cli_getopt_reset(void)
{
    optind = 0; /* GNU getopt: full re-initialisation */
    opterr = 0;
}

int cli_bad_option(const char *cmd, char **argv)
{
    const char *arg = argv[optind - 1];
    if (optopt && arg && arg[0] == '-' && arg[1] != '-')
        return cli_usage(cmd, "オプション -%c が不明か、引数がありません",
                         "option -%c is unknown or lacks its argument", optopt);
    return cli_usage(cmd, "オプション %s が不明か、引数がありません",
                     "option %s is unknown or lacks its argument", arg ? arg : "?");
}

int cli_help_only(const char *cmd, int argc, char **argv, const char *help_ja,
                  const char *help_en)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (c == 'h')
            return cli_help(help_ja, help_en);
        return cli_bad_option(cmd, argv);
    }
    return -1;
}

/* ---- the store ---------------------------------------------------------- */

static const char *db_url;
static const char *as_login;
static bool sync_normal;

void cli_set_db_url(const char *url) { db_url = url; }
void cli_set_as(const char *login) { as_login = login; }
const char *cli_as(void) { return as_login; }
void cli_set_sync_normal(bool on) { sync_normal = on; }

const char *cli_db_url(void)
{
    if (db_url && *db_url)
        return db_url;
    const char *env = getenv("APICHECK_DB");
    return env && *env ? env : DB_DEFAULT_URL;
}

store_t *cli_store_open(bool create)
{
    store_open_opt_t opt = { 0 };
    opt.create = create;
    opt.sync_normal = sync_normal;
    char *err = NULL;
    store_t *st = store_open(cli_db_url(), &opt, &err);
    if (!st) {
        cli_error("%s", "%s", err ? err : "?");
        free(err);
    }
    return st;
}

int cli_store_session(const char *cmd, store_t **st, actor_t *a)
{
    *st = NULL;
    if (!as_login)
        return cli_usage(cmd, "操作する利用者を --as LOGIN で指定してください",
                         "name the user to act as with --as LOGIN");
    store_t *s = cli_store_open(false);
    if (!s)
        return EXIT_FAIL;
    int rc = store_actor(s, as_login, a);
    if (rc != ST_OK) {
        cli_store_fail(s, rc);
        store_close(s);
        return EXIT_FAIL;
    }
    *st = s;
    return -1;
}

int cli_store_fail(store_t *st, int rc)
{
    const char *m = store_errmsg(st);
    if (!*m)
        m = tr("データベースの操作に失敗しました", "the database operation failed");
    (void)rc;
    cli_error("%s", "%s", m);
    return EXIT_FAIL;
}

int cli_parse_id(const char *s, int64_t *out)
{
    if (!s || *s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*end || errno || v < 1)
        return -1;
    *out = (int64_t)v;
    return 0;
}

int cli_parse_item_no(const char *s, int *out)
{
    int64_t v;
    if (cli_parse_id(s, &v) < 0 || v > 100000)
        return -1;
    *out = (int)v;
    return 0;
}

int cli_parse_date(const char *s, char out[11])
{
    return s && wareki_to_iso(s, out) == 0 ? 0 : -1;
}

void cli_today(char out[11])
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    if (strftime(out, 11, "%Y-%m-%d", &tm) != 10)
        memcpy(out, "1970-01-01", 11);
}

/* The first line of a password file, without its line end. */
static char *read_password_file(const char *path)
{
    size_t len;
    char *p = cli_read_file(path, &len);
    if (!p)
        return NULL;
    p[strcspn(p, "\r\n")] = '\0';
    return p;
}

char *cli_password(const char *file, bool generate, bool *generated, bool *failed)
{
    *generated = false;
    *failed = false;
    if (file) {
        char *p = read_password_file(file);
        if (!p)
            *failed = true;
        return p;
    }
    const char *env = getenv("APICHECK_PASSWORD");
    if (env && *env)
        return xstrdup(env);
    if (!generate)
        return NULL;
    /* 20 characters from 56 unambiguous letters and digits: ~116 bits. */
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    const size_t n = sizeof alphabet - 1;
    char *p = xmalloc(21);
    size_t i = 0;
    while (i < 20) {
        unsigned char r[32];
        if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
            cli_error("乱数を得られません: %s", "no random bytes: %s", strerror(errno));
            free(p);
            *failed = true;
            return NULL;
        }
        for (size_t k = 0; k < sizeof r && i < 20; k++)
            if (r[k] < 256 - 256 % n) /* no modulo bias */
                p[i++] = alphabet[r[k] % n];
    }
    p[20] = '\0';
    *generated = true;
    return p;
}

/* Display columns of a UTF-8 string: East Asian wide characters (most of
 * U+1100 … U+FFFF outside the half-width forms) take two. */
size_t cli_width(const char *s)
{
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p < 0x80) {
            w++;
            p++;
            continue;
        }
        unsigned cp;
        int n;
        if ((*p & 0xE0) == 0xC0) {
            cp = *p & 0x1F;
            n = 1;
        } else if ((*p & 0xF0) == 0xE0) {
            cp = *p & 0x0F;
            n = 2;
        } else {
            cp = *p & 0x07;
            n = 3;
        }
        p++;
        for (int k = 0; k < n && (*p & 0xC0) == 0x80; k++, p++)
            cp = (cp << 6) | (*p & 0x3F);
        bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                    (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000;
        w += wide ? 2 : 1;
    }
    return w;
}

void cli_cell_id(int64_t id, size_t width)
{
    char s[24];
    snprintf(s, sizeof s, "%lld", (long long)id);
    cli_cell(s, width);
}

void cli_cell(const char *s, size_t width)
{
    if (!s || !*s)
        s = "-";
    fputs(s, stdout);
    for (size_t w = cli_width(s); w < width; w++)
        fputc(' ', stdout);
    fputc(' ', stdout);
}

/* ---- printing answers ----------------------------------------------------- */

const char *cli_status_name(status_t s)
{
    if (s == STATUS_UNSET)
        return tr("(未選択)", "(none)");
    return tr(status_label(s), status_code(s));
}

const char *cli_side_name(side_t s)
{
    return tr(side_label(s), side_code(s));
}

/* "label: text", continuation lines indented under the text. */
static void print_text(const char *indent, const char *label, const char *text)
{
    printf("%s%s: ", indent, label);
    for (const char *p = text; *p; p++) {
        fputc(*p, stdout);
        if (*p == '\n' && p[1])
            printf("%s    ", indent);
    }
    fputc('\n', stdout);
}

/* A text's lines, continuation lines after indent; "(なし)" when empty. */
static void print_text_body(const char *indent, const char *text)
{
    if (!text || !*text) {
        printf("%s\n", tr("(なし)", "(empty)"));
        return;
    }
    for (const char *p = text; *p; p++) {
        fputc(*p, stdout);
        if (*p == '\n' && p[1])
            fputs(indent, stdout);
    }
    fputc('\n', stdout);
}

static const char *field_name(unsigned f)
{
    return tr(diff_field_label(f), diff_field_code(f));
}

static const char *field_text(const answer_t *a, unsigned f)
{
    if (!a)
        return NULL;
    switch (f) {
    case DIFF_F_CURRENT: return a->current;
    case DIFF_F_GAP: return a->gap;
    case DIFF_F_PLAN: return a->plan;
    case DIFF_F_DUE: return a->due;
    case DIFF_F_NOTE: return a->note;
    }
    return NULL;
}

void cli_print_answer(const answer_t *a, const char *indent)
{
    printf("%s%s: %s\n", indent, field_name(DIFF_F_STATUS), cli_status_name(a->status));
    for (unsigned f = DIFF_F_CURRENT; f <= DIFF_F_NOTE; f <<= 1) {
        const char *t = field_text(a, f);
        if (t && *t)
            print_text(indent, field_name(f), t);
    }
}

void cli_print_changes(const answer_t *before, const answer_t *after, unsigned fields,
                       const char *indent)
{
    if (fields & DIFF_F_STATUS)
        printf("%s%s: %s → %s\n", indent, field_name(DIFF_F_STATUS),
               cli_status_name(before ? before->status : STATUS_UNSET),
               cli_status_name(after ? after->status : STATUS_UNSET));
    char *sub = xasprintf("%s    ", indent);
    for (unsigned f = DIFF_F_CURRENT; f <= DIFF_F_NOTE; f <<= 1) {
        if (!(fields & f))
            continue;
        const char *b = field_text(before, f), *a = field_text(after, f);
        printf("%s%s:\n", indent, field_name(f));
        printf("%s  - ", indent);
        print_text_body(sub, b);
        printf("%s  + ", indent);
        print_text_body(sub, a);
    }
    free(sub);
}
