/*
 * apicheck catalog list|show|export|import|refs — the checklist editions:
 * the built-in 2018-08-02 draft and editions operators import.
 */
#include "cli/cli.h"

#include "core/reference.h"
#include "core/wareki.h"
#include "formats/builtin.h"
#include "formats/csv.h"
#include "formats/json_io.h"
#include "formats/seed.h"
#include "formats/xlsx.h"
#include "util/file.h"
#include "util/xmem.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char help_ja[] =
    "使い方:\n"
    "  apicheck catalog list\n"
    "  apicheck catalog show [ID] [--item 通番]\n"
    "  apicheck catalog export [ID] [--format json|csv|xlsx] [--encoding utf8-bom|utf8|cp932] [-o FILE]\n"
    "  apicheck catalog import FILE [--format seed|csv|json|xlsx] [--id ID] [--title 題名] [--date 日付]\n"
    "  apicheck catalog refs 条項|節 [--catalog ID]\n"
    "\n"
    "チェックリスト様式 (版) を扱います。組込みの様式は " BUILTIN_CATALOG_ID " (平成30年8月2日、45項目)。\n"
    "取り込んだ様式は --catalog-dir (既定 ./catalogs) に保存され、一度取り込んだ版は変更できません。\n"
    "refs は条項 (統20、実14 …) または銀行API報告書の節 (3.3.2、3.3 …) を引用する項目を表示します。\n"
    "CSV / XLSX から取り込むときは --id が必要です (日付は ISO または和暦)。\n";
static const char help_en[] =
    "usage:\n"
    "  apicheck catalog list\n"
    "  apicheck catalog show [ID] [--item NO]\n"
    "  apicheck catalog export [ID] [--format json|csv|xlsx] [--encoding utf8-bom|utf8|cp932] [-o FILE]\n"
    "  apicheck catalog import FILE [--format seed|csv|json|xlsx] [--id ID] [--title TITLE] [--date DATE]\n"
    "  apicheck catalog refs CLAUSE|SECTION [--catalog ID]\n"
    "\n"
    "Checklist editions (catalogs). The built-in one is " BUILTIN_CATALOG_ID " (2018-08-02, 45 items).\n"
    "Imported editions are stored in --catalog-dir (default ./catalogs); an edition, once imported,\n"
    "never changes. refs lists the items citing a FISC clause (統20, 実14 …) or a section of the\n"
    "銀行API報告書 (3.3.2, 3.3 …). Importing from CSV or XLSX needs --id (dates: ISO or 和暦).\n";

static void print_item_refs(const item_t *it, const char *only)
{
    for (size_t k = 0; k < it->nrefs; k++) {
        const ref_t *r = &it->refs[k];
        if (only) {
            size_t n = strlen(only);
            bool match = strcmp(r->clause, only) == 0 ||
                         (ref_is_section(only) && strncmp(r->clause, only, n) == 0 &&
                          r->clause[n] == '.');
            if (!match)
                continue;
        }
        printf("    %s %s%s%s%s%s\n", r->source, r->clause, r->title ? " " : "",
               r->title ? r->title : "", r->point ? " " : "", r->point ? r->point : "");
    }
}

static int catalog_list(void)
{
    catalog_t *b = builtin_catalog();
    printf("%-32s %-10s %5s  %s\n", "ID", tr("日付", "DATE"), tr("項目", "ITEMS"),
           tr("題名", "TITLE"));
    printf("%-32s %-10s %5zu  %s %s\n", b->id, b->date ? b->date : "-", b->nitems, b->title,
           tr("(組込み)", "(built in)"));
    catalog_free(b);
    DIR *dir = opendir(cli_catalog_dir());
    if (!dir)
        return EXIT_OK;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    while ((e = readdir(dir))) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0 && e->d_name[0] != '.') {
            names = xgrow(names, &cap, n + 1, sizeof *names);
            names[n++] = xstrndup(e->d_name, len - 5);
        }
    }
    closedir(dir);
    qsort(names, n, sizeof *names, (int (*)(const void *, const void *))strcmp);
    int rc = EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        catalog_t *c = cli_load_catalog(names[i]);
        if (c) {
            printf("%-32s %-10s %5zu  %s\n", c->id, c->date ? c->date : "-", c->nitems,
                   c->title);
            catalog_free(c);
        } else {
            rc = EXIT_FAIL;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

static int catalog_show(const char *id, int only_no)
{
    catalog_t *c = cli_load_catalog(id);
    if (!c)
        return EXIT_FAIL;
    if (only_no == 0) {
        char era[64] = "";
        if (c->date && wareki_from_iso(c->date, era, sizeof era) < 0)
            era[0] = '\0';
        printf("%s\n%s  %s%s%s%s\n%s\n\n", c->title, c->id, c->date ? c->date : "",
               era[0] ? " (" : "", era, era[0] ? ")" : "", c->publisher ? c->publisher : "");
    }
    bool found = false;
    for (size_t i = 0; i < c->nitems; i++) {
        const item_t *it = &c->items[i];
        if (only_no && it->no != only_no)
            continue;
        found = true;
        printf("%d. [%s] [%s] %s\n", it->no, it->category, target_label(it->target),
               it->objective);
        print_item_refs(it, NULL);
        if (it->note)
            printf("    %s: %s\n", tr("備考", "note"), it->note);
    }
    catalog_free(c);
    if (!found) {
        cli_error("通番 %d の項目はありません", "no item %d", only_no);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

static int catalog_export(const char *id, cli_format_t fmt, csv_encoding_t enc,
                          const char *out)
{
    catalog_t *c = cli_load_catalog(id);
    if (!c)
        return EXIT_FAIL;
    int rc = EXIT_FAIL;
    char *why = NULL;
    if (fmt == FMT_JSON) {
        char *text = catalog_to_json(c);
        rc = cli_write_file(out, text, strlen(text)) == 0 ? EXIT_OK : EXIT_FAIL;
        free(text);
    } else if (fmt == FMT_CSV) {
        size_t len;
        char *bytes = catalog_to_csv(c, enc, &len, &why);
        if (bytes)
            rc = cli_write_file(out, bytes, len) == 0 ? EXIT_OK : EXIT_FAIL;
        else
            cli_error("%s", "%s", why ? why : "?");
        free(bytes);
    } else if (fmt == FMT_XLSX) {
        rc = cli_write_answers(out, FMT_XLSX, c, NULL, -1, enc) == 0 ? EXIT_OK : EXIT_FAIL;
    } else {
        cli_error("この形式では出力できません: %s", "cannot export as %s",
                  cli_format_name(fmt));
    }
    free(why);
    catalog_free(c);
    return rc;
}

static catalog_t *read_catalog_file(const char *path, cli_format_t fmt, diag_t *d)
{
    size_t len;
    char *data = cli_read_file(path, &len);
    if (!data)
        return NULL;
    catalog_t *c = NULL;
    switch (fmt) {
    case FMT_SEED: c = seed_read(data, len, d); break;
    case FMT_JSON: c = catalog_from_json(data, len, d); break;
    case FMT_CSV: c = catalog_from_csv(data, len, CSV_UTF8_BOM, d); break;
    case FMT_XLSX: c = xlsx_read_catalog(data, len, d); break;
    case FMT_UNKNOWN:
        diag_add(d, NULL, 0, 0, "形式が分かりません (.txt, .csv, .json, .xlsx または --format)",
                 "unknown format (.txt, .csv, .json, .xlsx or --format)%s", "");
        break;
    }
    free(data);
    return c;
}

static int mkdir_p(const char *dir)
{
    char *p = xstrdup(dir);
    for (char *s = p + 1; *s; s++) {
        if (*s == '/') {
            *s = '\0';
            if (mkdir(p, 0755) < 0 && errno != EEXIST) {
                free(p);
                return -1;
            }
            *s = '/';
        }
    }
    int rc = mkdir(p, 0755) < 0 && errno != EEXIST ? -1 : 0;
    free(p);
    return rc;
}

static int catalog_import(const char *path, cli_format_t fmt, const char *id,
                          const char *title, const char *date)
{
    diag_t d;
    diag_init(&d, path);
    catalog_t *c = read_catalog_file(path, fmt, &d);
    if (!c || d.n) {
        cli_print_diag(&d);
        diag_free(&d);
        catalog_free(c);
        return EXIT_FAIL;
    }
    diag_free(&d);
    if (id) {
        free(c->id);
        c->id = xstrdup(id);
    }
    if (title) {
        free(c->title);
        c->title = xstrdup(title);
    }
    if (date) {
        char iso[11];
        if (wareki_to_iso(date, iso) < 0) {
            cli_error("日付が読めません: %s", "not a date: %s", date);
            catalog_free(c);
            return EXIT_FAIL;
        }
        free(c->date);
        c->date = xstrdup(iso);
    }
    if (!c->id) {
        cli_error("%s: 様式 ID がありません: --id で指定してください",
                  "%s: the edition has no id: give one with --id", path);
        catalog_free(c);
        return EXIT_FAIL;
    }
    if (!c->title)
        c->title = xstrdup(c->id);
    char *why = NULL;
    if (catalog_check(c, &why) < 0) {
        cli_error("%s: 様式として不正です: %s", "%s: not a valid edition: %s", path, why);
        free(why);
        catalog_free(c);
        return EXIT_FAIL;
    }
    int rc = EXIT_FAIL;
    catalog_t *builtin = builtin_catalog();
    bool is_builtin = strcmp(c->id, builtin->id) == 0;
    catalog_free(builtin);
    char *dest = xasprintf("%s/%s.json", cli_catalog_dir(), c->id);
    struct stat st;
    if (is_builtin || stat(dest, &st) == 0) {
        catalog_t *old = cli_load_catalog(c->id);
        if (old && catalog_equal(old, c, NULL)) {
            printf(tr("様式 %s は取込み済みです (同一内容)\n",
                      "edition %s is already there (same content)\n"), c->id);
            rc = EXIT_OK;
        } else {
            cli_error("様式 %s は既にあり、内容が異なります。版は変更できないので、別の --id で取り込んでください",
                      "edition %s exists with different content; editions never change, "
                      "import it under another --id",
                      c->id);
        }
        catalog_free(old);
    } else if (mkdir_p(cli_catalog_dir()) < 0) {
        cli_error("%s: ディレクトリを作れません: %s", "%s: cannot create directory: %s",
                  cli_catalog_dir(), strerror(errno));
    } else {
        char *text = catalog_to_json(c);
        if (cli_write_file(dest, text, strlen(text)) == 0) {
            printf(tr("様式 %s (%zu 項目) を取り込みました: %s\n",
                      "imported edition %s (%zu items) into %s\n"),
                   c->id, c->nitems, dest);
            rc = EXIT_OK;
        }
        free(text);
    }
    free(dest);
    catalog_free(c);
    return rc;
}

static int catalog_refs(const char *key, const char *id)
{
    catalog_t *c = cli_load_catalog(id);
    if (!c)
        return EXIT_FAIL;
    char *k = xstrdup(key);
    /* Accept the key with stray spaces, as people copy it. */
    size_t w = 0;
    for (size_t i = 0; k[i]; i++)
        if (k[i] != ' ')
            k[w++] = k[i];
    k[w] = '\0';
    size_t hits = 0;
    for (size_t i = 0; i < c->nitems; i++) {
        const item_t *it = &c->items[i];
        if (!item_cites(it, k))
            continue;
        hits++;
        printf("%d. [%s] [%s] %s\n", it->no, it->category, target_label(it->target),
               it->objective);
        print_item_refs(it, k);
    }
    int rc = EXIT_OK;
    if (hits == 0) {
        cli_error("%s を引用する項目はありません", "no item cites %s", k);
        rc = EXIT_FAIL;
    }
    free(k);
    catalog_free(c);
    return rc;
}

int cmd_catalog(int argc, char **argv)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },     { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' }, { "encoding", required_argument, NULL, 'e' },
        { "id", required_argument, NULL, 'i' },   { "title", required_argument, NULL, 't' },
        { "date", required_argument, NULL, 'd' }, { "catalog", required_argument, NULL, 'c' },
        { "item", required_argument, NULL, 'n' }, { NULL, 0, NULL, 0 },
    };
    const char *format = NULL, *out = "-", *encoding = NULL, *id = NULL, *title = NULL,
               *date = NULL, *catalog = NULL, *item = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":hf:o:e:i:t:d:c:n:", opts, NULL)) != -1) {
        switch (c) {
        case 'h': return cli_help(help_ja, help_en);
        case 'f': format = optarg; break;
        case 'o': out = optarg; break;
        case 'e': encoding = optarg; break;
        case 'i': id = optarg; break;
        case 't': title = optarg; break;
        case 'd': date = optarg; break;
        case 'c': catalog = optarg; break;
        case 'n': item = optarg; break;
        default: return cli_bad_option("catalog", argv);
        }
    }
    int nargs = argc - optind;
    char **args = argv + optind;
    if (nargs < 1)
        return cli_usage("catalog", "サブコマンドを指定してください (list, show, export, import, refs)",
                         "name a subcommand (list, show, export, import, refs)");
    const char *sub = args[0];
    csv_encoding_t enc;
    if (cli_encoding_parse(encoding, &enc) < 0)
        return cli_usage("catalog", "不明な文字コードです: %s", "unknown encoding: %s", encoding);

    if (strcmp(sub, "list") == 0) {
        if (nargs != 1)
            return cli_usage("catalog", "引数が多すぎます", "too many arguments");
        return catalog_list();
    }
    if (strcmp(sub, "show") == 0) {
        if (nargs > 2)
            return cli_usage("catalog", "引数が多すぎます", "too many arguments");
        int no = 0;
        if (item) {
            char *end;
            long v = strtol(item, &end, 10);
            if (*end || v < 1 || v > 100000)
                return cli_usage("catalog", "--item は通番 (1 以上の整数) です",
                                 "--item takes an item number (a positive integer)");
            no = (int)v;
        }
        return catalog_show(nargs == 2 ? args[1] : catalog, no);
    }
    if (strcmp(sub, "export") == 0) {
        if (nargs > 2)
            return cli_usage("catalog", "引数が多すぎます", "too many arguments");
        cli_format_t fmt = format ? cli_format_parse(format)
                                  : (strcmp(out, "-") == 0 ? FMT_JSON : cli_format_of(out, NULL));
        if (fmt == FMT_UNKNOWN || fmt == FMT_SEED)
            return cli_usage("catalog", "--format は json, csv, xlsx のいずれかです",
                             "--format takes json, csv or xlsx");
        return catalog_export(nargs == 2 ? args[1] : catalog, fmt, enc, out);
    }
    if (strcmp(sub, "import") == 0) {
        if (nargs != 2)
            return cli_usage("catalog", "取り込むファイルを 1 つ指定してください",
                             "name one file to import");
        cli_format_t fmt = cli_format_of(args[1], format);
        if (fmt == FMT_UNKNOWN)
            return cli_usage("catalog", "形式が分かりません: --format seed|csv|json|xlsx を指定してください",
                             "unknown format: give --format seed|csv|json|xlsx");
        return catalog_import(args[1], fmt, id, title, date);
    }
    if (strcmp(sub, "refs") == 0) {
        if (nargs != 2)
            return cli_usage("catalog", "条項 (統20 など) か節 (3.3.2 など) を 1 つ指定してください",
                             "name one clause (such as 統20) or section (such as 3.3.2)");
        return catalog_refs(args[1], catalog);
    }
    return cli_usage("catalog", "不明なサブコマンドです: %s", "unknown subcommand: %s", sub);
}
