#include "cli/cli.h"

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
    fprintf(stderr, tr("使い方は 'apicheck %s --help' を参照してください。\n",
                       "See 'apicheck %s --help'.\n"),
            cmd);
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
