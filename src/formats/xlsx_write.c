/*
 * xlsx_write — the checklist as an A3-landscape workbook (libxlsxwriter),
 * laid out like the seed: a title block (title, 和暦 date, working group,
 * then who answers and which checklist), the header row, one row per item.
 * One sheet per answering side.  Rows the side answers have their answer
 * cells unlocked and tinted; rows it does not answer are shaded and stay
 * locked; the sheet is protected without a password (protection guides the
 * form, it is no security).  The workbook is written to a temporary file
 * next to the target and renamed, so a failed write leaves nothing behind.
 */
#define _GNU_SOURCE /* mkostemp */
#include "formats/xlsx.h"
#include "core/wareki.h"
#include "formats/layout.h"
#include "formats/sheet.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/i18n.h"
#include "util/limits.h"
#include "util/utf8.h"
#include "util/xmem.h"

#include <xlsxwriter.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Rows of the sheet (0-based): the title block, the header, the items. */
#define ROW_TITLE     0
#define ROW_DATE      1
#define ROW_PUBLISHER 2
#define ROW_SIDE      3
#define ROW_HEADER    4
#define ROW_FIRST     5

/* The title block's checklist id goes in this column of ROW_SIDE. */
#define COL_CATALOG_ID LCOL_CURRENT

/* A font every Japanese Windows has (ＭＳ Ｐゴシック, the usual font of
 * Japanese forms of the seed's time); elsewhere the viewer substitutes. */
#define FONT_NAME "MS PGothic"
#define FONT_SIZE 10
/* Height of one line of FONT_SIZE text, and the most Excel allows a row. */
#define LINE_PT   13.0
#define MAX_ROW_PT 409.0
/* Lines left for writing in an empty answer row. */
#define ANSWER_LINES 3

#define COLOR_HEADER 0xDDEBF7 /* pale blue */
#define COLOR_INPUT  0xFFF9DB /* pale yellow: cells to fill in */
#define COLOR_SHADE  0xD9D9D9 /* grey: items the other side answers */

/* Column widths (characters) that print legibly on A3 landscape at about
 * 100% once fitted to one page wide. */
static const double col_width[LCOL_COUNT] = {
    [LCOL_NO] = 5,          [LCOL_CATEGORY] = 14,  [LCOL_OBJECTIVE] = 32,
    [LCOL_TARGET] = 9,      [LCOL_CURRENT] = 34,   [LCOL_GAP] = 26,
    [LCOL_PLAN] = 26,       [LCOL_REF_SOURCES] = 18, [LCOL_REF_PLACES] = 22,
    [LCOL_NOTE] = 16,       [LCOL_SIDE] = 9,       [LCOL_STATUS] = 10,
    [LCOL_DUE] = 12,
};

/* The cells a side fills in. */
static bool is_input(int col)
{
    return col == LCOL_CURRENT || col == LCOL_GAP || col == LCOL_PLAN || col == LCOL_NOTE ||
           col == LCOL_STATUS || col == LCOL_DUE;
}

/* Short cells are centred. */
static bool is_centred(int col)
{
    return col == LCOL_NO || col == LCOL_TARGET || col == LCOL_SIDE || col == LCOL_STATUS ||
           col == LCOL_DUE;
}

typedef struct fmts {
    lxw_format *title, *text, *head;
    /* [centred][kind]: kind 0 catalog cell, 1 input cell, 2 shaded row */
    lxw_format *cell[2][3];
    lxw_format *date_input;
} fmts_t;

static lxw_format *new_format(lxw_workbook *wb)
{
    lxw_format *f = workbook_add_format(wb);
    if (!f)
        abort(); /* out of memory: see util/xmem.h */
    format_set_font_name(f, FONT_NAME);
    format_set_font_size(f, FONT_SIZE);
    return f;
}

static lxw_format *new_cell_format(lxw_workbook *wb, bool centred, int kind)
{
    lxw_format *f = new_format(wb);
    format_set_text_wrap(f);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    if (centred)
        format_set_align(f, LXW_ALIGN_CENTER);
    format_set_border(f, LXW_BORDER_THIN);
    if (kind == 1) {
        format_set_unlocked(f);
        format_set_bg_color(f, COLOR_INPUT);
    } else if (kind == 2) {
        format_set_bg_color(f, COLOR_SHADE);
    }
    return f;
}

static void make_formats(lxw_workbook *wb, fmts_t *f)
{
    f->title = new_format(wb);
    format_set_bold(f->title);
    format_set_font_size(f->title, 14);
    f->text = new_format(wb);
    f->head = new_format(wb);
    format_set_bold(f->head);
    format_set_text_wrap(f->head);
    format_set_align(f->head, LXW_ALIGN_CENTER);
    format_set_align(f->head, LXW_ALIGN_VERTICAL_CENTER);
    format_set_border(f->head, LXW_BORDER_THIN);
    format_set_bg_color(f->head, COLOR_HEADER);
    for (int c = 0; c < 2; c++)
        for (int k = 0; k < 3; k++)
            f->cell[c][k] = new_cell_format(wb, c == 1, k);
    f->date_input = new_cell_format(wb, true, 1);
    format_set_num_format(f->date_input, "yyyy-mm-dd");
}

/* Why a write failed, in the user's language, as a fresh string. */
static char *msg(const char *ja, const char *en, const char *detail)
{
    return xasprintf("%s: %s", tr(ja, en), detail);
}

/* "&" is a code in page headers: write it as "&&". */
static void header_text(buf_t *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '&')
            buf_adds(b, "&&");
        else
            buf_addc(b, *s);
    }
}

/* The value of n decimal digits at s (checked by the caller). */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* Parse "YYYY-MM-DD" into an Excel date; false when it is no valid date. */
static bool iso_to_lxw(const char *s, lxw_datetime *dt)
{
    if (!s || !date_valid_iso(s))
        return false;
    memset(dt, 0, sizeof *dt);
    dt->year = digits(s, 4);
    dt->month = digits(s + 5, 2);
    dt->day = digits(s + 8, 2);
    return true;
}

/* Does s start with "_xHHHH_"? */
static bool is_xesc(const char *s)
{
    if (s[0] != '_' || (s[1] != 'x' && s[1] != 'X'))
        return false;
    for (int i = 2; i < 6; i++)
        if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
            return false;
    return s[6] == '_';
}

/* Is s a plain non-negative integer ("12")?  Its value in *v. */
static bool is_int(const char *s, double *v)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 9)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    *v = digits(s, (int)n);
    return true;
}

/* Two things libxlsxwriter 1.1.4 leaves to the caller, done as Excel does
 * them: text that itself looks like an OOXML escape ("_x000D_") would be
 * decoded by every reader, so its underscore is escaped as _x005F_; and a
 * carriage return would be turned into a line feed by every XML parser, so
 * it is written as _x000D_.  Returns s, or a fresh string in *tofree. */
static const char *protect_x(const char *s, char **tofree)
{
    *tofree = NULL;
    const char *p = s;
    while ((p = strpbrk(p, "_\r")) && *p == '_' && !is_xesc(p))
        p++;
    if (!p)
        return s;
    buf_t b = BUF_INIT(0);
    for (const char *q = s; *q; q++) {
        if (*q == '_' && is_xesc(q))
            buf_adds(&b, "_x005F_");
        else if (*q == '\r')
            buf_adds(&b, "_x000D_");
        else
            buf_addc(&b, *q);
    }
    *tofree = buf_take(&b);
    return *tofree;
}

/* Write a string cell, escaping as protect_x says. */
static lxw_error write_text(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *v,
                            lxw_format *f)
{
    char *tofree;
    lxw_error e = worksheet_write_string(ws, row, col, protect_x(v, &tofree), f);
    free(tofree);
    return e;
}

/* How many lines text takes in a column `width` characters wide: ASCII
 * and half-width kana count one, everything else two (CJK is full-width). */
static int text_lines(const char *s, double width)
{
    if (!s || !*s)
        return 1;
    double avail = width > 2 ? width - 1 : 1, cur = 0;
    int lines = 0;
    size_t n = strlen(s), i = 0;
    while (i <= n) {
        uint32_t cp = 0;
        int k = i < n ? utf8_decode(s + i, n - i, &cp) : 1;
        if (k == 0) {
            k = 1;
            cp = '?';
        }
        if (i == n || cp == '\n') {
            int l = (int)(cur / avail);
            lines += l + (cur > l * avail || l == 0 ? 1 : 0);
            cur = 0;
        } else {
            cur += cp < 0x80 || (cp >= 0xFF61 && cp <= 0xFF9F) ? 1 : 2;
        }
        i += (size_t)k;
    }
    return lines;
}

/* A row height that shows every cell whole (viewers do not agree on
 * fitting rows themselves, and a printed checklist must not clip). */
static double row_height(char *const cells[LCOL_COUNT], bool answers)
{
    int lines = answers ? ANSWER_LINES : 1;
    for (int c = 0; c < LCOL_COUNT; c++) {
        int l = text_lines(cells[c], col_width[c]);
        if (l > lines)
            lines = l;
    }
    double h = lines * LINE_PT + 3;
    return h < MAX_ROW_PT ? h : MAX_ROW_PT;
}

typedef struct wctx {
    lxw_workbook *wb;
    const catalog_t *cat;
    const answerset_t *set;
    const xlsx_write_opt_t *opt;
    fmts_t f;
    lxw_error err;   /* the first error */
    int err_no;      /* the 通番 of the item being written then, 0 for none */
} wctx_t;

static void check(wctx_t *w, lxw_error e, int no)
{
    if (e != LXW_NO_ERROR && w->err == LXW_NO_ERROR) {
        w->err = e;
        w->err_no = no;
    }
}

static void write_title_block(wctx_t *w, lxw_worksheet *ws, side_t side)
{
    const catalog_t *cat = w->cat;
    if (cat->title && *cat->title)
        check(w, write_text(ws, ROW_TITLE, 0, cat->title, w->f.title), 0);
    if (cat->date && *cat->date) {
        char wareki[64];
        const char *d = wareki_from_iso(cat->date, wareki, sizeof wareki) == 0 ? wareki
                                                                               : cat->date;
        check(w, worksheet_write_string(ws, ROW_DATE, 0, d, w->f.text), 0);
    }
    const char *pub = cat->publisher && *cat->publisher ? cat->publisher : LAYOUT_WG;
    check(w, write_text(ws, ROW_PUBLISHER, 0, pub, w->f.text), 0);
    char *who = xasprintf("%s：%s", XLSX_LABEL_SIDE, side_label(side));
    check(w, worksheet_write_string(ws, ROW_SIDE, 0, who, w->f.text), 0);
    free(who);
    if (cat->id && *cat->id) {
        char *id = xasprintf("%s：%s", XLSX_LABEL_CATALOG_ID, cat->id);
        check(w, write_text(ws, ROW_SIDE, COL_CATALOG_ID, id, w->f.text), 0);
        free(id);
    }
    for (int c = 0; c < LCOL_COUNT; c++)
        check(w, worksheet_write_string(ws, ROW_HEADER, (lxw_col_t)c,
                                        layout_header((layout_col_t)c), w->f.head), 0);
}

static void write_item(wctx_t *w, lxw_worksheet *ws, lxw_row_t row, const item_t *it,
                       side_t side)
{
    bool answers = side_answers(side, it->target);
    const answer_t *a = answers && w->set ? answerset_find(w->set, it->no, side) : NULL;
    char *cells[LCOL_COUNT];
    sheet_row_cells(it, side, a, cells);
    if (!answers) {
        /* Not this side's item: no answer cells, no 回答者. */
        for (int c = 0; c < LCOL_COUNT; c++) {
            if (is_input(c) || c == LCOL_SIDE) {
                free(cells[c]);
                cells[c] = NULL;
            }
        }
    }
    for (int c = 0; c < LCOL_COUNT; c++) {
        int kind = !answers ? 2 : is_input(c) ? 1 : 0;
        lxw_format *f = w->f.cell[is_centred(c)][kind];
        const char *v = cells[c];
        lxw_col_t col = (lxw_col_t)c;
        lxw_datetime dt;
        double num;
        lxw_error e;
        if (c == LCOL_DUE && kind == 1)
            f = w->f.date_input;
        if (c == LCOL_NO && is_int(v, &num))
            e = worksheet_write_number(ws, row, col, num, f);
        else if (c == LCOL_DUE && kind == 1 && iso_to_lxw(v, &dt))
            e = worksheet_write_datetime(ws, row, col, &dt, f);
        else if (v && *v)
            e = write_text(ws, row, col, v, f);
        else
            e = worksheet_write_blank(ws, row, col, f);
        check(w, e, it->no);
    }
    check(w, worksheet_set_row(ws, row, row_height(cells, answers), NULL), it->no);
    sheet_row_cells_free(cells);
}

/* The drop-down for 対応状況 and the date check for 対応予定日. */
static void add_validations(wctx_t *w, lxw_worksheet *ws, lxw_row_t last)
{
    char *list[STATUS_NA + 1];
    for (int s = STATUS_DONE; s <= STATUS_NA; s++)
        list[s - 1] = (char *)status_label((status_t)s);
    list[STATUS_NA] = NULL;
    lxw_data_validation dv = { 0 };
    dv.validate = LXW_VALIDATION_TYPE_LIST;
    dv.value_list = list;
    dv.input_title = (char *)"対応状況";
    dv.input_message = (char *)"一覧から選んでください（対応済・一部対応・未対応・該当なし）";
    dv.error_title = (char *)"対応状況";
    dv.error_message = (char *)"対応済・一部対応・未対応・該当なし のいずれかを選んでください";
    check(w, worksheet_data_validation_range(ws, ROW_FIRST, LCOL_STATUS, last, LCOL_STATUS,
                                             &dv), 0);

    lxw_data_validation dd = { 0 };
    dd.validate = LXW_VALIDATION_TYPE_DATE;
    dd.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
    dd.minimum_datetime = (lxw_datetime){ 1990, 1, 1, 0, 0, 0 };
    dd.maximum_datetime = (lxw_datetime){ 2199, 12, 31, 0, 0, 0 };
    dd.input_title = (char *)"対応予定日";
    dd.input_message = (char *)"課題への対応計画の予定日を日付で入力してください（例: 2026-03-31）";
    dd.error_title = (char *)"対応予定日";
    dd.error_message = (char *)"日付で入力してください（例: 2026-03-31）";
    check(w, worksheet_data_validation_range(ws, ROW_FIRST, LCOL_DUE, last, LCOL_DUE, &dd), 0);
}

static void page_setup(wctx_t *w, lxw_worksheet *ws, side_t side, lxw_row_t last)
{
    worksheet_set_paper(ws, 8); /* A3 */
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6);
    worksheet_center_horizontally(ws);
    check(w, worksheet_repeat_rows(ws, ROW_HEADER, ROW_HEADER), 0);
    check(w, worksheet_print_area(ws, 0, 0, last, LCOL_COUNT - 1), 0);
    /* The title on every page, as the seed prints it; page numbers below. */
    buf_t h = BUF_INIT(LXW_HEADER_FOOTER_MAX);
    buf_adds(&h, "&L");
    header_text(&h, w->cat->title ? w->cat->title : "");
    buf_printf(&h, "&R%s：%s", XLSX_LABEL_SIDE, side_label(side));
    if (h.len < LXW_HEADER_FOOTER_MAX)
        check(w, worksheet_set_header(ws, buf_str(&h)), 0);
    buf_free(&h);
    check(w, worksheet_set_footer(ws, "&C&P / &N"), 0);
    worksheet_freeze_panes(ws, ROW_FIRST, 0);
    for (int c = 0; c < LCOL_COUNT; c++)
        check(w, worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, col_width[c], NULL), 0);
    check(w, worksheet_set_row(ws, ROW_HEADER, 30, NULL), 0);
}

static void write_sheet(wctx_t *w, side_t side)
{
    lxw_worksheet *ws = workbook_add_worksheet(w->wb, side_label(side));
    if (!ws) {
        check(w, LXW_ERROR_MEMORY_MALLOC_FAILED, 0);
        return;
    }
    write_title_block(w, ws, side);
    const catalog_t *cat = w->cat;
    lxw_row_t last = ROW_FIRST + (lxw_row_t)(cat->nitems ? cat->nitems - 1 : 0);
    for (size_t i = 0; i < cat->nitems; i++)
        write_item(w, ws, ROW_FIRST + (lxw_row_t)i, &cat->items[i], side);
    if (cat->nitems)
        add_validations(w, ws, last);
    page_setup(w, ws, side, last);
    if (!(w->opt && w->opt->no_protect)) {
        lxw_protection prot = { .format_columns = 1, .format_rows = 1 };
        worksheet_protect(ws, NULL, &prot);
    }
}

/* The sides that get a sheet (XLSX_SIDE_* mask). */
static int pick_sides(const answerset_t *set, const xlsx_write_opt_t *opt)
{
    int both = XLSX_SIDE_PARTNER | XLSX_SIDE_BANK;
    int s = opt ? opt->sides & both : 0;
    if (s || !set)
        return s ? s : both;
    for (size_t i = 0; i < set->n; i++)
        if (!answer_is_empty(&set->v[i]))
            s |= set->v[i].side == SIDE_BANK ? XLSX_SIDE_BANK : XLSX_SIDE_PARTNER;
    return s ? s : both;
}

/* A heap reserve for the duration of workbook_close.
 *
 * libxlsxwriter zips ten or more parts per workbook, and for each part zlib
 * allocates some 260 KiB of deflate state and frees it when the part is
 * done.  glibc gives memory at the top of the heap back to the kernel as
 * soon as more than M_TRIM_THRESHOLD (128 KiB by default) is free there, so
 * every part used to cost a few brk calls shrinking and growing the heap,
 * the TLB shootdowns that go with them, and page faults on fresh pages:
 * half of an export's time in perf profiles.  Instead, a few blocks are
 * allocated and all but the highest freed again: the free space lies below
 * a live block, so zlib's state is carved from it and returned to it
 * without trimming, and the heap is trimmed once, when the pin is freed.
 * No process-wide setting changes (mallopt would reach every thread of the
 * server); with another allocator this costs a few malloc/free calls. */
#define RESERVE_PIECES 8
/* Each piece stays below glibc's smallest mmap threshold (128 KiB), so the
 * pieces come from the heap. */
#define RESERVE_PIECE (96 * 1024)

/* Take the reserve; returns the pin, to be freed after workbook_close. */
static void *reserve_take(void)
{
    void *piece[RESERVE_PIECES];
    size_t top = 0;
    for (size_t i = 0; i < RESERVE_PIECES; i++) {
        piece[i] = xmalloc(RESERVE_PIECE);
        if ((uintptr_t)piece[i] > (uintptr_t)piece[top])
            top = i;
    }
    for (size_t i = 0; i < RESERVE_PIECES; i++)
        if (i != top)
            free(piece[i]);
    return piece[top];
}

/* Build the workbook into file tmp.  Returns 0 or -1 with *why. */
static int build(const char *tmp, const catalog_t *cat, const answerset_t *set,
                 const xlsx_write_opt_t *opt, char **why)
{
    lxw_workbook *wb = workbook_new(tmp);
    if (!wb) {
        *why = msg("ブックを作成できません", "cannot create the workbook", tmp);
        return -1;
    }
    wctx_t w = { .wb = wb, .cat = cat, .set = set, .opt = opt };
    make_formats(wb, &w.f);
    lxw_doc_properties props = { 0 };
    props.title = cat->title;
    props.comments = (char *)"apicheck";
    check(&w, workbook_set_properties(wb, &props), 0);
    int sides = pick_sides(set, opt);
    if (sides & XLSX_SIDE_PARTNER)
        write_sheet(&w, SIDE_PARTNER);
    if (sides & XLSX_SIDE_BANK)
        write_sheet(&w, SIDE_BANK);
    void *pin = reserve_take();
    lxw_error e = workbook_close(wb); /* frees everything, writes the file */
    free(pin);
    if (w.err != LXW_NO_ERROR) {
        char *where = w.err_no ? xasprintf(tr("%s（通番 %d）", "%s (item %d)"),
                                           lxw_strerror(w.err), w.err_no)
                               : xstrdup(lxw_strerror(w.err));
        *why = msg("ブックに書き込めません", "cannot write the workbook", where);
        free(where);
        return -1;
    }
    if (e != LXW_NO_ERROR) {
        char *detail = e == LXW_ERROR_CREATING_XLSX_FILE || e == LXW_ERROR_CREATING_TMPFILE
                           ? xasprintf("%s (%s)", lxw_strerror(e), strerror(errno))
                           : xstrdup(lxw_strerror(e));
        *why = msg("ブックを保存できません", "cannot save the workbook", detail);
        free(detail);
        return -1;
    }
    return 0;
}

int xlsx_write_checklist(const char *path, const catalog_t *cat, const answerset_t *set,
                         const xlsx_write_opt_t *opt, char **why)
{
    char *err = NULL;
    bool to_stdout = strcmp(path, "-") == 0;
    char *tmp;
    if (to_stdout) {
        const char *dir = getenv("TMPDIR");
        tmp = xasprintf("%s/apicheck-xlsx.XXXXXX", dir && *dir ? dir : "/tmp");
    } else {
        tmp = xasprintf("%s.tmp.XXXXXX", path);
    }
    int fd = mkostemp(tmp, O_CLOEXEC); /* held open until the end: not for children */
    if (fd < 0) {
        err = msg("書き出せません", "cannot write", path);
        char *full = xasprintf("%s (%s)", err, strerror(errno));
        free(err);
        err = full;
        free(tmp);
        goto out;
    }
    fchmod(fd, 0644);
    /* fd stays open: libxlsxwriter writes the file through a handle of its
     * own, and fsync on this one flushes the same file without opening it
     * again. */
    int rc = build(tmp, cat, set, opt, &err);
    if (rc == 0 && to_stdout) {
        size_t len;
        char *data = file_read(tmp, LIMIT_FILE_BYTES * 4u, &len);
        if (!data || file_write("-", data, len) < 0) {
            err = msg("書き出せません", "cannot write", strerror(errno));
            rc = -1;
        }
        free(data);
        unlink(tmp);
    } else if (rc == 0) {
        /* Make the bytes durable before the new name points at them. */
        if (fsync(fd) < 0 || rename(tmp, path) < 0) {
            char *full = xasprintf("%s (%s)", path, strerror(errno));
            err = msg("書き出せません", "cannot write", full);
            free(full);
            rc = -1;
        }
    }
    close(fd);
    if (rc < 0)
        unlink(tmp);
    free(tmp);
out:
    if (why)
        *why = err;
    else
        free(err);
    return err ? -1 : 0;
}

char *xlsx_write_checklist_bytes(const catalog_t *cat, const answerset_t *set,
                                 const xlsx_write_opt_t *opt, size_t max, size_t *len,
                                 char **why)
{
    const char *dir = getenv("TMPDIR");
    char *path = xasprintf("%s/apicheck-export-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        *why = xasprintf("mkstemp: %s", strerror(errno));
        free(path);
        return NULL;
    }
    close(fd);
    char *data = NULL;
    if (xlsx_write_checklist(path, cat, set, opt, why) == 0) {
        data = file_read(path, max, len);
        if (!data)
            *why = xasprintf("%s", strerror(errno));
    }
    unlink(path);
    free(path);
    return data;
}
