#include "util/diag.h"
#include "util/buf.h"
#include "util/utf8.h"
#include "util/xmem.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void diag_init(diag_t *d, const char *file)
{
    memset(d, 0, sizeof *d);
    d->file = xstrdup(file);
}

void diag_free(diag_t *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].sheet);
        free(d->v[i].ja);
        free(d->v[i].en);
    }
    free(d->v);
    free(d->file);
    memset(d, 0, sizeof *d);
}

static char *vfmt(const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0)
        return xstrdup(fmt);
    char *p = xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

void diag_add(diag_t *d, const char *sheet, long row, int col,
              const char *ja_fmt, const char *en_fmt, ...)
{
    size_t max = d->max ? d->max : DIAG_DEFAULT_MAX;
    if (d->n >= max) {
        d->dropped++;
        return;
    }
    d->v = xgrow(d->v, &d->cap, d->n + 1, sizeof *d->v);
    diag_item_t *it = &d->v[d->n++];
    it->sheet = xstrdup(sheet);
    it->row = row;
    it->col = col;
    va_list ap;
    va_start(ap, en_fmt);
    /* Both formats take the same arguments: format each from its own copy. */
    va_list aq;
    va_copy(aq, ap);
    it->ja = vfmt(ja_fmt, aq);
    va_end(aq);
    it->en = vfmt(en_fmt, ap);
    va_end(ap);
}

void diag_col_name(int col, char out[8])
{
    char tmp[8];
    int n = 0;
    if (col < 1) {
        out[0] = '\0';
        return;
    }
    while (col > 0 && n < 7) {
        col--;
        tmp[n++] = (char)('A' + col % 26);
        col /= 26;
    }
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

char *diag_format(const diag_t *d, size_t i, lang_t lang)
{
    const diag_item_t *it = &d->v[i];
    buf_t b = BUF_INIT(0);
    if (d->file)
        buf_printf(&b, "%s: ", d->file);
    if (it->sheet)
        buf_printf(&b, lang == LANG_EN ? "sheet '%s': " : "シート「%s」: ", it->sheet);
    if (it->row > 0)
        buf_printf(&b, lang == LANG_EN ? "row %ld: " : "%ld行目: ", it->row);
    if (it->col > 0) {
        char name[8];
        diag_col_name(it->col, name);
        buf_printf(&b, lang == LANG_EN ? "column %s: " : "%s列: ", name);
    }
    buf_adds(&b, lang == LANG_EN ? it->en : it->ja);
    return buf_take(&b);
}

void diag_print(const diag_t *d, FILE *out, lang_t lang)
{
    for (size_t i = 0; i < d->n; i++) {
        char *s = diag_format(d, i, lang);
        fprintf(out, "%s\n", s);
        free(s);
    }
    if (d->dropped)
        fprintf(out, lang == LANG_EN ? "%s: %zu more problems not shown\n"
                                     : "%s: ほか %zu 件の問題は省略しました\n",
                d->file ? d->file : "-", d->dropped);
}

size_t diag_count(const diag_t *d)
{
    return d->n + d->dropped;
}

char *diag_clip(const char *s)
{
    buf_t b = BUF_INIT(0);
    size_t n = strlen(s), i = 0;
    while (i < n) {
        uint32_t cp;
        int k = utf8_decode(s + i, n - i, &cp);
        if (k == 0) {
            buf_addc(&b, '?');
            i++;
            continue;
        }
        if (b.len + (size_t)k > DIAG_CLIP_BYTES) {
            buf_adds(&b, "…");
            break;
        }
        if (cp < 0x20 || cp == 0x7f)
            buf_addc(&b, cp == '\n' ? ' ' : '?');
        else
            buf_add(&b, s + i, (size_t)k);
        i += (size_t)k;
    }
    return buf_take(&b);
}
