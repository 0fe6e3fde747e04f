/*
 * chart — small server-side SVG charts for the dashboard, drawn with the
 * escaping HTML builder (rect, text and line elements only; no script, no
 * style attribute: colours come from classes in app.css).  Each chart is
 * an <svg role="img"> with a <title> and an aria-label, so it reads out
 * without its picture.  chart_widths is the pure arithmetic underneath,
 * separate so that it can be tested.
 */
#ifndef APICHECK_WEB_PAGES_CHART_H
#define APICHECK_WEB_PAGES_CHART_H

#include <stddef.h>

#include "web/html.h"

/* Split width among values in proportion (largest remainder): the widths
 * add up to width exactly when any value is positive (all 0 otherwise), and
 * a positive value never gets less than its floor share.  Negative values
 * count as 0. */
void chart_widths(const int *values, size_t n, int width, int *out);

typedef struct chart_seg {
    int value;
    const char *cls;   /* CSS class of the segment ("s-done") */
    const char *label; /* shown in the title and aria-label */
} chart_seg_t;

/* One horizontal bar of segments, width × height user units. */
void chart_stacked_bar(html_t *h, const chart_seg_t *segs, size_t n, int width, int height,
                       const char *label);

typedef struct chart_bar {
    const char *label;  /* row label, left */
    int part, whole;    /* drawn as part / whole */
} chart_bar_t;

/* Horizontal progress bars, one row per bar with its label and
 * percentage. */
void chart_progress_bars(html_t *h, const chart_bar_t *bars, size_t n, const char *label);

/* A row of small squares (one per bar), shaded by completion in five
 * steps (class "q0" … "q4", "qn" when nothing applies), drawn as one
 * <path> per shade; the chart's <title> and aria-label name every square
 * with its part/whole. */
void chart_strip(html_t *h, const chart_bar_t *bars, size_t n, const char *label);

/* Percentage of part in whole, rounded down, 0 when whole is 0. */
int chart_percent(int part, int whole);

#endif
