/*
 * chart.c — server-side SVG charts (chart.h).
 */
#include "web/pages/chart.h"

#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void chart_widths(const int *values, size_t n, int width, int *out)
{
    long long total = 0;
    for (size_t i = 0; i < n; i++)
        total += values[i] > 0 ? values[i] : 0;
    if (total <= 0 || width <= 0) {
        for (size_t i = 0; i < n; i++)
            out[i] = 0;
        return;
    }
    long long used = 0;
    for (size_t i = 0; i < n; i++) {
        long long v = values[i] > 0 ? values[i] : 0;
        out[i] = (int)(v * width / total);
        used += out[i];
    }
    /* Hand out what rounding left, largest remainder first (ties: the
     * earlier segment). */
    while (used < width) {
        size_t best = n;
        long long best_rem = -1;
        for (size_t i = 0; i < n; i++) {
            long long v = values[i] > 0 ? values[i] : 0;
            if (v == 0)
                continue;
            long long rem = v * width - (long long)out[i] * total;
            if (rem > best_rem) {
                best_rem = rem;
                best = i;
            }
        }
        if (best == n)
            break;
        out[best]++;
        used++;
    }
}

int chart_percent(int part, int whole)
{
    if (whole <= 0 || part <= 0)
        return 0;
    if (part >= whole)
        return 100;
    return (int)((long long)part * 100 / whole);
}

/* v in decimal into buf (no printf: charts write thousands of numbers a
 * page). */
static const char *num(char buf[24], int v)
{
    char tmp[24];
    size_t n = 0, k = 0;
    unsigned int u = v < 0 ? 0u - (unsigned int)v : (unsigned int)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u && n < sizeof tmp);
    if (v < 0)
        buf[k++] = '-';
    while (n)
        buf[k++] = tmp[--n];
    buf[k] = '\0';
    return buf;
}

static void add_num(buf_t *b, int v)
{
    char t[24];
    buf_adds(b, num(t, v));
}

static void svg_begin(html_t *h, int width, int height, const char *cls, const char *label)
{
    char vb[64], w[24], hh[24];
    snprintf(vb, sizeof vb, "0 0 %d %d", width, height);
    html_open(h, "svg", "xmlns", "http://www.w3.org/2000/svg", "viewbox", vb, "width",
              num(w, width), "height", num(hh, height), "class", cls, "role", "img",
              "aria-label", label ? label : "", NULL);
    html_el(h, "title", label ? label : "");
}

static void rect(html_t *h, int x, int y, int w, int hgt, const char *cls)
{
    char xs[24], ys[24], ws[24], hs[24];
    html_open(h, "rect", "x", num(xs, x), "y", num(ys, y), "width", num(ws, w), "height",
              num(hs, hgt), "class", cls, NULL);
    html_close(h, "rect");
}

void chart_stacked_bar(html_t *h, const chart_seg_t *segs, size_t n, int width, int height,
                       const char *label)
{
    int vals[16] = { 0 }, ws[16] = { 0 };
    if (n > 16)
        n = 16;
    buf_t aria = BUF_INIT(4096);
    if (label) {
        buf_adds(&aria, label);
        buf_adds(&aria, ": ");
    }
    for (size_t i = 0; i < n; i++) {
        vals[i] = segs[i].value;
        if (i)
            buf_adds(&aria, ", ");
        buf_adds(&aria, segs[i].label ? segs[i].label : "");
        buf_addc(&aria, ' ');
        add_num(&aria, segs[i].value);
    }
    chart_widths(vals, n, width, ws);
    svg_begin(h, width, height, "chart bar", buf_str(&aria));
    buf_free(&aria);
    rect(h, 0, 0, width, height, "bg");
    int x = 0;
    for (size_t i = 0; i < n; i++) {
        if (ws[i] <= 0)
            continue;
        rect(h, x, 0, ws[i], height, segs[i].cls ? segs[i].cls : "");
        x += ws[i];
    }
    html_close(h, "svg");
}

void chart_progress_bars(html_t *h, const chart_bar_t *bars, size_t n, const char *label)
{
    const int label_w = 260, bar_w = 300, row_h = 22, text_w = 120;
    int width = label_w + bar_w + text_w, height = (int)n * row_h + 4;
    svg_begin(h, width, height, "chart progress", label);
    char xs[24], ys[24], x2[24], y2[24];
    for (size_t i = 0; i < n; i++) {
        int y = (int)i * row_h + 2;
        int pct = chart_percent(bars[i].part, bars[i].whole);
        html_open(h, "text", "x", num(xs, label_w - 6), "y", num(ys, y + 15), "text-anchor",
                  "end", "class", "label", NULL);
        html_txt(h, bars[i].label);
        html_close(h, "text");
        rect(h, label_w, y + 3, bar_w, row_h - 8, "bg");
        int part = bars[i].part < 0 ? 0 : bars[i].part > bars[i].whole ? bars[i].whole : bars[i].part;
        int fill = bars[i].whole > 0 ? (int)((long long)bar_w * part / bars[i].whole) : 0;
        if (fill > 0)
            rect(h, label_w, y + 3, fill, row_h - 8, pct >= 100 ? "fill done" : "fill");
        html_open(h, "text", "x", num(xs, label_w + bar_w + 6), "y", num(ys, y + 15), "class",
                  "value", NULL);
        html_txtf(h, "%d%% (%d/%d)", pct, bars[i].part, bars[i].whole);
        html_close(h, "text");
    }
    /* The 100 % line. */
    html_open(h, "line", "x1", num(xs, label_w + bar_w), "y1", "0", "x2",
              num(x2, label_w + bar_w), "y2", num(y2, height), "class", "axis", NULL);
    html_close(h, "line");
    html_close(h, "svg");
}

#define STRIP_CELL 12 /* a square's side */
#define STR_(x) #x
#define STR(x) STR_(x)

/* The shade of a cell: "qn" when nothing applies, else q0 … q4 by
 * completion. */
static int strip_shade(const chart_bar_t *b)
{
    if (b->whole <= 0)
        return 0;
    int pct = chart_percent(b->part, b->whole);
    return pct >= 100 ? 5 : pct >= 67 ? 4 : pct >= 34 ? 3 : pct > 0 ? 2 : 1;
}

void chart_strip(html_t *h, const chart_bar_t *bars, size_t n, const char *label)
{
    static const char *const cls[6] = { "qn", "q0", "q1", "q2", "q3", "q4" };
    const int cell = STRIP_CELL, gap = 2;
    int width = n ? (int)n * (cell + gap) - gap : 1;
    /* The title names every cell, so one element per shade draws them all:
     * a handful of <path> elements instead of a <rect> and a <title> per
     * 区分. */
    buf_t t = BUF_INIT(8192);
    if (label) {
        buf_adds(&t, label);
        buf_adds(&t, ": ");
    }
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_adds(&t, ", ");
        buf_adds(&t, bars[i].label ? bars[i].label : "");
        buf_addc(&t, ' ');
        add_num(&t, bars[i].part);
        buf_addc(&t, '/');
        add_num(&t, bars[i].whole);
    }
    svg_begin(h, width, cell, "chart strip", buf_str(&t));
    buf_free(&t);
    buf_t d = BUF_INIT(4096);
    for (int q = 0; q < 6; q++) {
        buf_reset(&d);
        for (size_t i = 0; i < n; i++)
            if (strip_shade(&bars[i]) == q) {
                /* A square: "M<x> 0h12v12h-12z". */
                buf_addc(&d, 'M');
                add_num(&d, (int)i * (cell + gap));
                buf_adds(&d, " 0h" STR(STRIP_CELL) "v" STR(STRIP_CELL) "h-" STR(STRIP_CELL) "z");
            }
        if (d.len == 0)
            continue;
        html_open(h, "path", "d", buf_str(&d), "class", cls[q], NULL);
        html_close(h, "path");
    }
    buf_free(&d);
    html_close(h, "svg");
}
