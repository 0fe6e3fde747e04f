/*
 * apicheck selection add — a bank's own selection of items for one catalog
 * and API scope: which catalog items apply, plus items of its own.  Each
 * call writes a new version; assessments keep the version they were opened
 * with.
 */
#include "cli/cli.h"

#include "formats/builtin.h"
#include "formats/csv.h"
#include "formats/json_io.h"
#include "util/i18n.h"
#include "util/xmem.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help_ja[] =
    "使い方: apicheck --as LOGIN selection add --bank 組織 --scope read|write\n"
    "                     [--catalog ID] [--items 1,2,5-9] [--own FILE.json|FILE.csv]\n"
    "\n"
    "銀行が使う項目を、チェックリスト様式と API の範囲 (read 参照系 / write 更新系) ごとに\n"
    "決めます。--items は適用する通番 (省略すると全項目)。--own は銀行独自の項目を\n"
    "様式と同じ列で書いたファイル (様式の JSON、または catalog export の CSV) で、\n"
    "ファイル内で 1, 2, … と番号を振った項目は様式の最後の通番の後 (46, 47, …) に\n"
    "付け替えます。登録するたびに新しい版になり、その銀行がこの後に開始するチェックは\n"
    "最新の版を使います (開始済みのチェックは元の版のまま)。銀行の admin か運用者だけが\n"
    "登録できます。\n";
static const char help_en[] =
    "usage: apicheck --as LOGIN selection add --bank ORG --scope read|write\n"
    "                    [--catalog ID] [--items 1,2,5-9] [--own FILE.json|FILE.csv]\n"
    "\n"
    "Chooses the items a bank uses, per checklist edition and API scope (read 参照系 /\n"
    "write 更新系). --items lists the item numbers that apply (default: all). --own names a\n"
    "file of the bank's own items in the catalog's columns (a catalog JSON, or the CSV of\n"
    "catalog export); items numbered 1, 2, … in the file become the numbers after the\n"
    "catalog's last item (46, 47, …). Every call writes a new version, which the bank's\n"
    "later assessments use (those already open keep theirs). Bank admins and operators only.\n";

/* "1,2,5-9" into a fresh sorted array without duplicates. */
static int parse_items(const char *s, int **out, size_t *n)
{
    int *v = NULL;
    size_t cap = 0, len = 0;
    const char *p = s;
    while (*p) {
        char *end;
        long a = strtol(p, &end, 10), b;
        if (end == p || a < 1 || a > 100000)
            goto bad;
        b = a;
        p = end;
        if (*p == '-') {
            const char *q = p + 1;
            b = strtol(q, &end, 10);
            if (end == q || b < a || b > 100000)
                goto bad;
            p = end;
        }
        for (long k = a; k <= b; k++) {
            bool seen = false;
            for (size_t i = 0; i < len && !seen; i++)
                seen = v[i] == k;
            if (!seen) {
                v = xgrow(v, &cap, len + 1, sizeof *v);
                v[len++] = (int)k;
            }
        }
        if (*p == ',')
            p++;
        else if (*p)
            goto bad;
    }
    if (len == 0)
        goto bad;
    for (size_t i = 1; i < len; i++) /* insertion sort: lists are short */
        for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
            int t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    *out = v;
    *n = len;
    return 0;
bad:
    free(v);
    return -1;
}

static catalog_t *read_own(const char *path)
{
    cli_format_t fmt = cli_format_of(path, NULL);
    if (fmt != FMT_JSON && fmt != FMT_CSV) {
        cli_error("%s: 独自項目は .json か .csv で指定してください",
                  "%s: give the bank's own items as .json or .csv", path);
        return NULL;
    }
    size_t len;
    char *data = cli_read_file(path, &len);
    if (!data)
        return NULL;
    diag_t d;
    diag_init(&d, path);
    catalog_t *c = fmt == FMT_JSON ? catalog_from_json(data, len, &d)
                                   : catalog_from_csv(data, len, CSV_UTF8_BOM, &d);
    free(data);
    if (!c || d.n) {
        cli_print_diag(&d);
        catalog_free(c);
        c = NULL;
    }
    diag_free(&d);
    if (!c)
        return NULL;
    /* Items numbered from 1 in the file get their numbers from the store:
     * those after the catalog's last item. */
    if (c->nitems > 0 && c->items[0].no == 1)
        for (size_t i = 0; i < c->nitems; i++)
            c->items[i].no = 0;
    return c;
}

int cmd_selection(int argc, char **argv)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "bank", required_argument, NULL, 'b' },
        { "catalog", required_argument, NULL, 'c' },
        { "scope", required_argument, NULL, 's' },
        { "items", required_argument, NULL, 'i' },
        { "own", required_argument, NULL, 'o' },
        { "quiet", no_argument, NULL, 'q' },
        { NULL, 0, NULL, 0 },
    };
    const char *bank = NULL, *catalog = BUILTIN_CATALOG_ID, *scope = NULL, *items = NULL,
               *own = NULL;
    bool quiet = false;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":hq", opts, NULL)) != -1) {
        switch (c) {
        case 'h': return cli_help(help_ja, help_en);
        case 'b': bank = optarg; break;
        case 'c': catalog = optarg; break;
        case 's': scope = optarg; break;
        case 'i': items = optarg; break;
        case 'o': own = optarg; break;
        case 'q': quiet = true; break;
        default: return cli_bad_option("selection", argv);
        }
    }
    int nargs = argc - optind;
    char **args = argv + optind;
    if (nargs < 1)
        return cli_usage("selection", "サブコマンドを指定してください (add)",
                         "name a subcommand (add)");
    if (strcmp(args[0], "add") != 0)
        return cli_usage("selection", "不明なサブコマンドです: %s", "unknown subcommand: %s",
                         args[0]);
    if (nargs != 1 || !bank || !scope)
        return cli_usage("selection", "--bank と --scope を指定してください",
                         "give --bank and --scope");
    int *nos = NULL;
    size_t nnos = 0;
    if (items && parse_items(items, &nos, &nnos) < 0)
        return cli_usage("selection", "--items は 1,2,5-9 のような通番の並びです",
                         "--items takes item numbers such as 1,2,5-9");
    store_t *st;
    actor_t a;
    int rc = cli_store_session("selection", &st, &a);
    if (rc >= 0) {
        free(nos);
        return rc;
    }
    catalog_t *owncat = NULL;
    org_t org = { 0 };
    int r = store_org_get(st, &a, bank, &org);
    if (r != ST_OK) {
        rc = cli_store_fail(st, r);
        goto out;
    }
    if (own && !(owncat = read_own(own))) {
        rc = EXIT_FAIL;
        goto out;
    }
    int64_t id = 0;
    int version = 0;
    r = store_selection_create(st, &a, org.id, catalog, scope, nos, nnos, owncat, &id,
                               &version);
    if (r != ST_OK) {
        rc = cli_store_fail(st, r);
        goto out;
    }
    if (quiet)
        printf("%lld\n", (long long)id);
    else
        printf(tr("%s: 項目選択 %lld (版 %d) を登録しました: %s、%s、様式の項目 %s、独自項目 %zu\n",
                  "%s: registered selection %lld (version %d): %s, %s, catalog items %s, "
                  "own items %zu\n"),
               org.name, (long long)id, version, catalog, scope,
               items ? items : tr("すべて", "all"), owncat ? owncat->nitems : 0);
    rc = EXIT_OK;
out:
    catalog_free(owncat);
    org_clear(&org);
    free(nos);
    store_close(st);
    return rc;
}
