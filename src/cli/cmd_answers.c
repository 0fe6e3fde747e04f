/*
 * apicheck template|convert|validate — filled checklists (answer sets) as
 * files: an empty workbook to send out, conversion between xlsx, csv and
 * json, and a check that lists every problem of a filled file.
 */
#include "cli/cli.h"

#include "util/utf8.h"
#include "util/xmem.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Options shared by the three commands. */
typedef struct answer_opts {
    const char *out, *format, *from, *side, *encoding, *input_encoding, *catalog;
} answer_opts_t;

static const struct option long_opts[] = {
    { "help", no_argument, NULL, 'h' },
    { "output", required_argument, NULL, 'o' },
    { "format", required_argument, NULL, 'f' },
    { "from", required_argument, NULL, 'F' },
    { "side", required_argument, NULL, 's' },
    { "encoding", required_argument, NULL, 'e' },
    { "input-encoding", required_argument, NULL, 'E' },
    { "catalog", required_argument, NULL, 'c' },
    { NULL, 0, NULL, 0 },
};

/* Parse options; returns -1 on success (positional args from optind), or an
 * exit code. */
static int parse_opts(const char *cmd, int argc, char **argv, answer_opts_t *o,
                      const char *help_ja, const char *help_en)
{
    memset(o, 0, sizeof *o);
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":ho:f:F:s:e:E:c:", long_opts, NULL)) != -1) {
        switch (c) {
        case 'h': return cli_help(help_ja, help_en);
        case 'o': o->out = optarg; break;
        case 'f': o->format = optarg; break;
        case 'F': o->from = optarg; break;
        case 's': o->side = optarg; break;
        case 'e': o->encoding = optarg; break;
        case 'E': o->input_encoding = optarg; break;
        case 'c': o->catalog = optarg; break;
        default: return cli_bad_option(cmd, argv);
        }
    }
    return -1;
}

/* Resolve --side (-1 when absent), --encoding and --input-encoding. */
static int common_values(const char *cmd, const answer_opts_t *o, int *side,
                         csv_encoding_t *enc, csv_encoding_t *in_enc)
{
    *side = -1;
    if (o->side) {
        side_t s;
        if (cli_side_parse(o->side, &s) < 0)
            return cli_usage(cmd, "--side は partner (API接続先) か bank (銀行) です",
                             "--side takes partner (API接続先) or bank (銀行)");
        *side = (int)s;
    }
    if (cli_encoding_parse(o->encoding, enc) < 0)
        return cli_usage(cmd, "不明な文字コードです: %s (utf8-bom, utf8, cp932)",
                         "unknown encoding: %s (utf8-bom, utf8, cp932)", o->encoding);
    *in_enc = CSV_UTF8_BOM; /* auto */
    if (o->input_encoding && strcmp(o->input_encoding, "auto") != 0 &&
        cli_encoding_parse(o->input_encoding, in_enc) < 0)
        return cli_usage(cmd, "不明な文字コードです: %s (auto, utf8, cp932)",
                         "unknown encoding: %s (auto, utf8, cp932)", o->input_encoding);
    return -1;
}

/* CSV input in "auto" encoding: UTF-8 (with or without BOM) when the bytes
 * are valid UTF-8, else CP932 (what Japanese Excel writes). */
static csv_encoding_t sniff_csv(const char *path, csv_encoding_t enc)
{
    if (enc != CSV_UTF8_BOM)
        return enc;
    size_t len;
    char *data = cli_read_file(path, &len);
    if (!data)
        return enc;
    csv_encoding_t r = utf8_valid(data, len, NULL) ? CSV_UTF8_BOM : CSV_CP932;
    free(data);
    return r;
}

static const char template_help_ja[] =
    "使い方: apicheck template [--side partner|bank] -o FILE.xlsx [--catalog ID]\n"
    "\n"
    "相手に送る空のチェックリストを作ります。XLSX は A3 横、見出し行を各ページに印刷し、\n"
    "回答欄だけ入力できるよう保護します。--side を省くと API接続先 と 銀行 の 2 シート。\n"
    "FILE が .csv なら CSV (--encoding utf8-bom|utf8|cp932)、.json なら空の回答 JSON。\n";
static const char template_help_en[] =
    "usage: apicheck template [--side partner|bank] -o FILE.xlsx [--catalog ID]\n"
    "\n"
    "Writes an empty checklist to send out. The XLSX is A3 landscape with the header row on\n"
    "every printed page, protected so that only the answer cells can be edited. Without\n"
    "--side it has two sheets (API接続先 and 銀行). A .csv FILE gives CSV (--encoding\n"
    "utf8-bom|utf8|cp932), a .json FILE an empty answer set.\n";

int cmd_template(int argc, char **argv)
{
    answer_opts_t o;
    int rc = parse_opts("template", argc, argv, &o, template_help_ja, template_help_en);
    if (rc >= 0)
        return rc;
    int side;
    csv_encoding_t enc, in_enc;
    if ((rc = common_values("template", &o, &side, &enc, &in_enc)) >= 0)
        return rc;
    if (optind < argc && !o.out && optind + 1 == argc)
        o.out = argv[optind++];
    if (optind != argc)
        return cli_usage("template", "余分な引数があります: %s", "unexpected argument: %s",
                         argv[optind]);
    if (!o.out)
        return cli_usage("template", "出力ファイルを -o で指定してください",
                         "name the output file with -o");
    cli_format_t fmt = cli_format_of(o.out, o.format);
    if (fmt == FMT_UNKNOWN || fmt == FMT_SEED)
        return cli_usage("template", "出力形式は xlsx, csv, json のいずれかです",
                         "the output format is xlsx, csv or json");
    catalog_t *cat = cli_load_catalog(o.catalog);
    if (!cat)
        return EXIT_FAIL;
    rc = cli_write_answers(o.out, fmt, cat, NULL, side, enc) == 0 ? EXIT_OK : EXIT_FAIL;
    catalog_free(cat);
    return rc;
}

static const char convert_help_ja[] =
    "使い方: apicheck convert IN OUT [--format xlsx|csv|json] [--from xlsx|csv|json]\n"
    "                         [--side partner|bank] [--encoding utf8-bom|utf8|cp932]\n"
    "                         [--input-encoding auto|utf8|cp932] [--catalog ID]\n"
    "\n"
    "記入済みチェックリスト (回答) を xlsx、csv、json の間で変換します。形式は拡張子か\n"
    "--from / --format で決まります。--side は回答者の列がないファイルの回答者を決め、\n"
    "出力をその側の回答に限ります。CSV は既定で BOM 付き UTF-8、cp932 も指定できます。\n"
    "入力に問題があればすべて表示し、何も書きません。OUT が - なら標準出力 (xlsx 以外)。\n";
static const char convert_help_en[] =
    "usage: apicheck convert IN OUT [--format xlsx|csv|json] [--from xlsx|csv|json]\n"
    "                       [--side partner|bank] [--encoding utf8-bom|utf8|cp932]\n"
    "                       [--input-encoding auto|utf8|cp932] [--catalog ID]\n"
    "\n"
    "Converts a filled checklist (answer set) between xlsx, csv and json, the formats\n"
    "coming from the file extensions or --from / --format. --side names the answering side\n"
    "for files without a 回答者 column and limits the output to that side. CSV is UTF-8\n"
    "with a BOM by default, cp932 on request. Every problem of the input is printed and\n"
    "nothing is written. OUT may be - for standard output (not for xlsx).\n";

/* Keep only one side's answers. */
static void keep_side(answerset_t *set, side_t side)
{
    for (size_t i = 0; i < set->n; i++)
        if (set->v[i].side != side) {
            answer_t *a = &set->v[i];
            a->status = STATUS_UNSET;
            answer_set_text(&a->current, NULL);
            answer_set_text(&a->gap, NULL);
            answer_set_text(&a->plan, NULL);
            answer_set_text(&a->due, NULL);
            answer_set_text(&a->note, NULL);
        }
    answerset_compact(set);
}

int cmd_convert(int argc, char **argv)
{
    answer_opts_t o;
    int rc = parse_opts("convert", argc, argv, &o, convert_help_ja, convert_help_en);
    if (rc >= 0)
        return rc;
    int side;
    csv_encoding_t enc, in_enc;
    if ((rc = common_values("convert", &o, &side, &enc, &in_enc)) >= 0)
        return rc;
    const char *in = NULL, *out = o.out;
    if (optind < argc)
        in = argv[optind++];
    if (!out && optind < argc)
        out = argv[optind++];
    if (!in || !out)
        return cli_usage("convert", "入力と出力のファイルを指定してください",
                         "name the input and the output file");
    if (optind != argc)
        return cli_usage("convert", "余分な引数があります: %s", "unexpected argument: %s",
                         argv[optind]);
    cli_format_t ifmt = cli_format_of(in, o.from), ofmt = cli_format_of(out, o.format);
    if (ifmt == FMT_UNKNOWN || ifmt == FMT_SEED)
        return cli_usage("convert", "入力形式が分かりません: --from xlsx|csv|json を指定してください",
                         "unknown input format: give --from xlsx|csv|json");
    if (ofmt == FMT_UNKNOWN || ofmt == FMT_SEED)
        return cli_usage("convert", "出力形式が分かりません: --format xlsx|csv|json を指定してください",
                         "unknown output format: give --format xlsx|csv|json");
    catalog_t *cat = cli_load_catalog(o.catalog);
    if (!cat)
        return EXIT_FAIL;
    if (ifmt == FMT_CSV)
        in_enc = sniff_csv(in, in_enc);
    answerset_t *set = cli_read_answers(in, ifmt, cat, side, in_enc);
    rc = EXIT_FAIL;
    if (set) {
        if (side >= 0)
            keep_side(set, (side_t)side);
        rc = cli_write_answers(out, ofmt, cat, set, side, enc) == 0 ? EXIT_OK : EXIT_FAIL;
    }
    answerset_free(set);
    catalog_free(cat);
    return rc;
}

static const char validate_help_ja[] =
    "使い方: apicheck validate FILE [--from xlsx|csv|json] [--side partner|bank]\n"
    "                          [--input-encoding auto|utf8|cp932] [--catalog ID]\n"
    "\n"
    "記入済みチェックリストを検査し、問題をすべて (ファイル、シート、行、列つきで) 表示します。\n"
    "問題がなければ回答数を表示して 0 で、問題があれば 1 で終わります。\n";
static const char validate_help_en[] =
    "usage: apicheck validate FILE [--from xlsx|csv|json] [--side partner|bank]\n"
    "                        [--input-encoding auto|utf8|cp932] [--catalog ID]\n"
    "\n"
    "Checks a filled checklist and prints every problem with its file, sheet, row and\n"
    "column. Exits 0 with a count of the answers when there is none, 1 otherwise.\n";

int cmd_validate(int argc, char **argv)
{
    answer_opts_t o;
    int rc = parse_opts("validate", argc, argv, &o, validate_help_ja, validate_help_en);
    if (rc >= 0)
        return rc;
    int side;
    csv_encoding_t enc, in_enc;
    if ((rc = common_values("validate", &o, &side, &enc, &in_enc)) >= 0)
        return rc;
    if (optind + 1 != argc)
        return cli_usage("validate", "検査するファイルを 1 つ指定してください",
                         "name one file to check");
    const char *in = argv[optind];
    cli_format_t ifmt = cli_format_of(in, o.from);
    if (ifmt == FMT_UNKNOWN || ifmt == FMT_SEED)
        return cli_usage("validate", "形式が分かりません: --from xlsx|csv|json を指定してください",
                         "unknown format: give --from xlsx|csv|json");
    catalog_t *cat = cli_load_catalog(o.catalog);
    if (!cat)
        return EXIT_FAIL;
    if (ifmt == FMT_CSV)
        in_enc = sniff_csv(in, in_enc);
    answerset_t *set = cli_read_answers(in, ifmt, cat, side, in_enc);
    rc = EXIT_FAIL;
    if (set) {
        size_t n[2] = { 0, 0 }, unset = 0;
        for (size_t i = 0; i < set->n; i++) {
            n[set->v[i].side == SIDE_BANK]++;
            if (set->v[i].status == STATUS_UNSET)
                unset++;
        }
        printf(tr("%s: 問題はありません。回答 %zu 件 (API接続先 %zu、銀行 %zu、対応状況未選択 %zu)\n",
                  "%s: no problems. %zu answers (partner %zu, bank %zu, without status %zu)\n"),
               in, set->n, n[0], n[1], unset);
        rc = EXIT_OK;
    }
    answerset_free(set);
    catalog_free(cat);
    return rc;
}
