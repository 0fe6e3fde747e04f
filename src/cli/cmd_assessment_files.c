/*
 * apicheck assessment diff|export|import — an assessment against another
 * one (core/diff.h), and as a file: the checklist it uses with its answers
 * written as XLSX, CSV or JSON, and a filled file taken back in through the
 * store's import (the same checks as a typed answer, all or nothing).
 */
#include "cli/cli.h"

#include "core/diff.h"
#include "formats/xlsx.h"
#include "util/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- diff ----------------------------------------------------------------- */

/* What one assessment is, in one line. */
static void print_side(const char *label, const assessment_t *x)
{
    printf("%s: %s %lld (%s × %s, %s, %s)\n", label, tr("チェック", "assessment"),
           (long long)x->id, x->bank_name, x->partner_name, x->round, x->catalog_id);
}

/* "通番 5" or "通番 2 → 4" when the item moved. */
static void print_item_numbers(const diff_entry_t *e)
{
    if (e->item_a && e->item_b && e->item_a->no != e->item_b->no)
        printf(tr("通番 %d → %d", "item %d → %d"), e->item_a->no, e->item_b->no);
    else
        printf(tr("通番 %d", "item %d"), e->item_b ? e->item_b->no : e->item_a->no);
}

int cli_assessment_diff(store_t *st, const actor_t *a, int64_t id_a, int64_t id_b)
{
    assessment_t xa = { 0 }, xb = { 0 };
    catalog_t *ca = NULL, *cb = NULL;
    answerset_t *sa = NULL, *sb = NULL;
    int rc, ret = EXIT_FAIL;
    if ((rc = store_assessment_get(st, a, id_a, &xa)) != ST_OK ||
        (rc = store_assessment_get(st, a, id_b, &xb)) != ST_OK ||
        !(ca = store_assessment_catalog(st, a, id_a, &rc)) ||
        !(cb = store_assessment_catalog(st, a, id_b, &rc)) ||
        (rc = store_answers(st, a, id_a, &sa)) != ST_OK ||
        (rc = store_answers(st, a, id_b, &sb)) != ST_OK) {
        cli_store_fail(st, rc);
        goto out;
    }
    answer_diff_t *d = answerset_diff(ca, sa, cb, sb);
    print_side("A", &xa);
    print_side("B", &xb);
    size_t answers = 0, added = 0, removed = 0;
    for (size_t i = 0; i < d->n; i++) {
        const diff_entry_t *e = &d->v[i];
        printf("\n");
        switch (e->kind) {
        case DIFF_ITEM_REMOVED:
            removed++;
            printf("- ");
            print_item_numbers(e);
            printf(tr(" (A のみの項目): %s\n", " (only in A): %s\n"), e->item_a->objective);
            break;
        case DIFF_ITEM_ADDED:
            added++;
            printf("+ ");
            print_item_numbers(e);
            printf(tr(" (B のみの項目): %s\n", " (only in B): %s\n"), e->item_b->objective);
            break;
        case DIFF_ANSWER:
            answers++;
            print_item_numbers(e);
            printf(" [%s] %s\n", cli_side_name(e->side), e->item_b->objective);
            cli_print_changes(e->before, e->after, e->fields, "  ");
            break;
        }
    }
    if (d->n)
        printf("\n");
    if (d->n == 0)
        printf(tr("違いはありません (照合した項目 %zu)\n",
                  "no differences (%zu items compared)\n"),
               d->matched);
    else
        printf(tr("変わった回答 %zu、A のみの項目 %zu、B のみの項目 %zu (照合した項目 %zu、うち番号が変わった項目 %zu)\n",
                  "%zu answers changed, %zu items only in A, %zu only in B (%zu items "
                  "compared, %zu of them renumbered)\n"),
               answers, removed, added, d->matched, d->renumbered);
    answer_diff_free(d);
    ret = EXIT_OK;
out:
    answerset_free(sa);
    answerset_free(sb);
    catalog_free(ca);
    catalog_free(cb);
    assessment_clear(&xa);
    assessment_clear(&xb);
    return ret;
}

/* ---- export ----------------------------------------------------------------- */

int cli_assessment_export_check(const assessment_opts_t *o)
{
    if (!o->output)
        return cli_usage("assessment", "出力ファイルを -o で指定してください",
                         "name the output file with -o");
    cli_format_t fmt = cli_format_of(o->output, o->format);
    if (fmt != FMT_XLSX && fmt != FMT_CSV && fmt != FMT_JSON)
        return cli_usage("assessment", "出力形式は xlsx, csv, json のいずれかです",
                         "the output format is xlsx, csv or json");
    if (fmt == FMT_XLSX && strcmp(o->output, "-") == 0)
        return cli_usage("assessment", "XLSX は標準出力に書けません: -o でファイル名を指定してください",
                         "XLSX cannot go to standard output: name a file with -o");
    csv_encoding_t enc;
    if (cli_encoding_parse(o->encoding, &enc) < 0)
        return cli_usage("assessment", "不明な文字コードです: %s (utf8-bom, utf8, cp932)",
                         "unknown encoding: %s (utf8-bom, utf8, cp932)", o->encoding);
    return -1;
}

int cli_assessment_export(store_t *st, const actor_t *a, int64_t id, const assessment_opts_t *o)
{
    cli_format_t fmt = cli_format_of(o->output, o->format);
    csv_encoding_t enc = CSV_UTF8_BOM;
    cli_encoding_parse(o->encoding, &enc);
    int rc;
    catalog_t *cat = store_assessment_catalog(st, a, id, &rc);
    if (!cat)
        return cli_store_fail(st, rc);
    answerset_t *set = NULL;
    if ((rc = store_answers(st, a, id, &set)) != ST_OK) {
        catalog_free(cat);
        return cli_store_fail(st, rc);
    }
    if (o->side_given >= 0)
        answerset_keep_side(set, o->side);
    int ret = EXIT_FAIL, w;
    if (fmt == FMT_XLSX && o->side_given < 0) {
        /* Both sheets, even when one side has not answered yet. */
        xlsx_write_opt_t xo = { 0 };
        xo.sides = XLSX_SIDE_PARTNER | XLSX_SIDE_BANK;
        char *why = NULL;
        w = xlsx_write_checklist(o->output, cat, set, &xo, &why);
        if (w < 0)
            cli_error("%s: %s", "%s: %s", o->output, why ? why : "?");
        free(why);
    } else {
        w = cli_write_answers(o->output, fmt, cat, set, o->side_given, enc);
    }
    if (w == 0) {
        if (strcmp(o->output, "-") != 0)
            printf(tr("%s に書き出しました (回答 %zu 件)\n", "wrote %s (%zu answers)\n"),
                   o->output, set->n);
        ret = EXIT_OK;
    }
    answerset_free(set);
    catalog_free(cat);
    return ret;
}

/* ---- import ----------------------------------------------------------------- */

int cli_assessment_import_check(const assessment_opts_t *o)
{
    cli_format_t fmt = cli_format_of(o->input, o->format);
    if (fmt != FMT_XLSX && fmt != FMT_CSV && fmt != FMT_JSON)
        return cli_usage("assessment",
                         "入力形式が分かりません: .xlsx, .csv, .json か --format を指定してください",
                         "unknown input format: use .xlsx, .csv or .json, or give --format");
    csv_encoding_t enc;
    if (o->input_encoding && strcmp(o->input_encoding, "auto") != 0 &&
        cli_encoding_parse(o->input_encoding, &enc) < 0)
        return cli_usage("assessment", "不明な文字コードです: %s (auto, utf8, cp932)",
                         "unknown encoding: %s (auto, utf8, cp932)", o->input_encoding);
    return -1;
}

int cli_assessment_import(store_t *st, const actor_t *a, int64_t id, const assessment_opts_t *o)
{
    cli_format_t fmt = cli_format_of(o->input, o->format);
    csv_encoding_t enc = CSV_UTF8_BOM; /* auto: UTF-8, else CP932 */
    if (o->input_encoding && strcmp(o->input_encoding, "auto") != 0)
        cli_encoding_parse(o->input_encoding, &enc);
    int rc;
    catalog_t *cat = store_assessment_catalog(st, a, id, &rc);
    if (!cat)
        return cli_store_fail(st, rc);
    /* A file that does not say whose answers it holds is read as the side
     * given, else as the importer's own side. */
    int side = o->side_given;
    if (side < 0 && a->org_id)
        side = a->org_kind == ORG_BANK ? SIDE_BANK : SIDE_PARTNER;
    answerset_t *set = cli_read_answers(o->input, fmt, cat, side, enc);
    if (!set) {
        catalog_free(cat);
        return EXIT_FAIL;
    }
    change_t *ch = NULL;
    size_t n = 0;
    rc = store_import(st, a, id, set, o->dry_run, &ch, &n);
    int ret = EXIT_OK;
    if (rc != ST_OK) {
        ret = cli_store_fail(st, rc);
    } else {
        for (size_t i = 0; i < n; i++) {
            unsigned f = answer_diff_fields(&ch[i].before, &ch[i].after);
            const item_t *it = catalog_find(cat, ch[i].no);
            printf(tr("通番 %d [%s] %s\n", "item %d [%s] %s\n"), ch[i].no,
                   cli_side_name(ch[i].side), it ? it->objective : "");
            cli_print_changes(&ch[i].before, &ch[i].after, f, "  ");
        }
        if (n == 0)
            fputs(tr("変更はありません\n", "no changes\n"), stdout);
        else if (o->dry_run)
            printf(tr("%zu 件の回答が変わります (試行のため書き込んでいません)\n",
                      "%zu answers would change (dry run: nothing written)\n"),
                   n);
        else
            printf(tr("%zu 件の回答を更新しました\n", "updated %zu answers\n"), n);
    }
    change_list_free(ch, n);
    answerset_free(set);
    catalog_free(cat);
    return ret;
}
