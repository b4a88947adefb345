/* plot_forest.c - the forest plot, laid out as metafor's forest(): study names on the left
 * (left-aligned, the column as wide as the longest name), the estimates in the middle (squares
 * sized by weight, 95 % intervals), the weight and "estimate [interval]" on the right
 * (exponentiated for ratios), the pooled diamonds under a rule, the prediction interval as a bar
 * under the last diamond, and the axis with "favours" labels on either side of the line of no
 * effect. One row per study: the page grows with the number of studies. */
#include <math.h>
#include <plplot/plplot.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/plot.h"
#include "plot_int.h"

#define F      14.0 /* text, px */
#define ROW    22.0 /* row height, px */
#define MARGIN 14.0
#define PLOT_W 380.0 /* narrowest plotting column, px */
/* PNG (cairo) pages are at most 32767 px on a side; SVG pages are limited here to the same, so
 * that PLplot's coordinates keep sub-pixel precision. */
#define MAX_H 32000.0

/* Decimals that give every shown value (ratios exponentiated) two significant digits: 2 to 4. */
static int decimals(const struct gs_plot_forest_request *q)
{
    double small = INFINITY;
    for (size_t i = 0; i < q->n + q->n_pooled; i++) {
        const struct gs_forest_row *r = i < q->n ? &q->rows[i] : &q->pooled[i - q->n];
        double v[3] = {r->est, r->lo, r->hi};
        for (int j = 0; j < 3; j++) {
            double a = fabs(q->ratio ? exp(v[j]) : v[j]);
            if (a > 0 && isfinite(a))
                small = fmin(small, a);
        }
    }
    int d = 2;
    while (d < 4 && isfinite(small) && small < pow(10.0, 1 - d))
        d++;
    return d;
}

static double shown(const struct gs_plot_forest_request *q, double v)
{
    return q->ratio ? exp(v) : v;
}

/* "est [lo, hi]" with d decimals; the point alone with its note when the interval is not
 * finite. */
static void annotation(char *buf, size_t cap, const struct gs_plot_forest_request *q,
                       const struct gs_forest_row *r, int d)
{
    if (isfinite(r->lo) && isfinite(r->hi) && r->lo < r->hi)
        snprintf(buf, cap, "%.*f [%.*f, %.*f]", d, shown(q, r->est), d, shown(q, r->lo), d,
                 shown(q, r->hi));
    else
        snprintf(buf, cap, "%.*f [CI not defined]", d, shown(q, r->est));
}

static gs_status check(const struct gs_plot_forest_request *q, struct gs_error *err)
{
    if (q->n < 1)
        return gs_error_set(err, GS_INPUT, "--plot", "a forest plot needs at least one study");
    for (size_t i = 0; i < q->n + q->n_pooled; i++) {
        const struct gs_forest_row *r = i < q->n ? &q->rows[i] : &q->pooled[i - q->n];
        int need_ci = i < q->n;
        if (!isfinite(r->est) || (need_ci && !(isfinite(r->lo) && isfinite(r->hi) &&
                                               r->lo <= r->est && r->est <= r->hi)))
            return gs_error_set(err, GS_INPUT, "--plot", "row %zu ('%s') has no finite interval",
                                i + 1, r->label ? r->label : "");
    }
    return GS_OK;
}

/* The x range: every interval, the prediction interval and no effect (0), padded 4 %. */
static void x_range(const struct gs_plot_forest_request *q, double *x0, double *x1)
{
    double a = 0.0, b = 0.0;
    for (size_t i = 0; i < q->n + q->n_pooled; i++) {
        const struct gs_forest_row *r = i < q->n ? &q->rows[i] : &q->pooled[i - q->n];
        a = fmin(a, r->est), b = fmax(b, r->est);
        if (isfinite(r->lo) && isfinite(r->hi))
            a = fmin(a, r->lo), b = fmax(b, r->hi);
    }
    if (isfinite(q->pi_lo) && isfinite(q->pi_hi))
        a = fmin(a, q->pi_lo), b = fmax(b, q->pi_hi);
    double pad = 0.04 * (b - a > 0 ? b - a : 1.0);
    *x0 = a - pad, *x1 = b + pad;
}

/* A filled polygon given in page pixels (y down). */
static void poly_px(const double *x, const double *y, int n, int col)
{
    PLFLT px[8], py[8];
    for (int i = 0; i < n; i++)
        px[i] = x[i], py[i] = gs__page_h() - y[i];
    gs__page_use();
    plcol0(col);
    plfill(n, px, py);
}

static void line_px(double xa, double ya, double xb, double yb, int col, double width, int dashed)
{
    gs__page_use();
    plcol0(col);
    plwidth(width);
    pllsty(dashed ? 2 : 1);
    pljoin(xa, gs__page_h() - ya, xb, gs__page_h() - yb);
    pllsty(1);
    plwidth(1.0);
}

gs_status gs_plot_forest(const struct gs_plot_forest_request *q, struct gs_outfile *out,
                         struct gs_error *err)
{
    gs_status st = check(q, err);
    if (st != GS_OK)
        return st;
    const int d = decimals(q);
    const int has_pi = isfinite(q->pi_lo) && isfinite(q->pi_hi);
    const size_t n_all = q->n + q->n_pooled;
    const char *est_head = q->est_header ? q->est_header : "Estimate [95% CI]";
    /* column widths from the widest text in each */
    double name_w = gs__text_w("Study", F, 1), ann_w = gs__text_w(est_head, F, 1);
    double wt_w = fmax(gs__text_w("Weight", F, 1), gs__text_w("100.0%", F, 0));
    char buf[160];
    for (size_t i = 0; i < n_all; i++) {
        const struct gs_forest_row *r = i < q->n ? &q->rows[i] : &q->pooled[i - q->n];
        name_w = fmax(name_w, gs__text_w(r->label ? r->label : "", F, i >= q->n));
        annotation(buf, sizeof buf, q, r, d);
        ann_w = fmax(ann_w, gs__text_w(buf, F, i >= q->n)); /* pooled rows are bold */
    }
    if (has_pi) {
        name_w = fmax(name_w, gs__text_w("Prediction interval", F, 0));
        snprintf(buf, sizeof buf, "[%.*f, %.*f]", d, shown(q, q->pi_lo), d, shown(q, q->pi_hi));
        ann_w = fmax(ann_w, gs__text_w(buf, F, 0));
    }
    const char *fl = q->favours_left, *fr = q->favours_right;
    char left[160] = "", right[160] = "";
    if (fl && fl[0])
        snprintf(left, sizeof left, "\xe2\x86\x90 %s", fl); /* U+2190, an arrow to the left */
    if (fr && fr[0])
        snprintf(right, sizeof right, "%s \xe2\x86\x92", fr); /* U+2192 */
    double plot_w = fmax(PLOT_W, gs__text_w(left, F, 0) + gs__text_w(right, F, 0) + 40.0);
    double w = MARGIN + name_w + 24.0 + plot_w + 24.0 + wt_w + 20.0 + ann_w + MARGIN;
    w = fmax(w, 960.0);
    plot_w = w - (MARGIN + name_w + 24.0 + 24.0 + wt_w + 20.0 + ann_w + MARGIN);
    /* rows: header, studies, half a row, pooled, prediction interval; then the axis */
    double rows = 1.0 + (double)q->n + 0.5 + (double)q->n_pooled + (has_pi ? 1.0 : 0.0);
    double axis_h = 6.0 + 1.3 * F + 1.5 * F + 1.5 * F + 12.0;
    double h = 12.0 + ROW * rows + 6.0 + axis_h;
    if (h > MAX_H)
        return gs_error_set(err, GS_INPUT, "--plot",
                            "%zu studies make a forest plot %.0f px tall; at most %.0f px "
                            "(about %.0f studies) are drawn",
                            q->n, h, MAX_H, (MAX_H - 12.0 - 6.0 - axis_h) / ROW - 4.0);
    if ((st = gs__plot_begin(out, "--plot", (int)ceil(w), (int)ceil(h), err)) != GS_OK)
        return st;

    struct gs__frame f = {0};
    f.l = MARGIN + name_w + 24.0;
    f.r = f.l + plot_w;
    f.t = 12.0 + ROW;
    f.b = 12.0 + ROW * rows + 6.0;
    x_range(q, &f.x0, &f.x1);
    f.y0 = gs__page_h() - f.b, f.y1 = gs__page_h() - f.t; /* y in pixels up from the bottom */
    const double wt_r = f.r + 24.0 + wt_w, ann_r = wt_r + 20.0 + ann_w;

    /* header */
    double y = 12.0 + 0.5 * ROW;
    gs__text(MARGIN, y, 0.0, F, 1, "Study");
    gs__text(wt_r, y, 1.0, F, 1, "Weight");
    gs__text(ann_r, y, 1.0, F, 1, est_head);
    double x_null = gs__px_x(&f, 0.0);
    line_px(x_null, f.t, x_null, f.b, GS__COL_GREY, 1.0, 1);

    double wmax = 0.0;
    for (size_t i = 0; i < q->n; i++)
        wmax = fmax(wmax, q->rows[i].weight_pct);
    for (size_t i = 0; i < q->n; i++) { /* studies */
        const struct gs_forest_row *r = &q->rows[i];
        y = 12.0 + ROW * (1.5 + (double)i);
        gs__text(MARGIN, y, 0.0, F, 0, r->label ? r->label : "");
        if (isfinite(r->weight_pct)) {
            snprintf(buf, sizeof buf, "%.1f%%", r->weight_pct);
            gs__text(wt_r, y, 1.0, F, 0, buf);
        }
        annotation(buf, sizeof buf, q, r, d);
        gs__text(ann_r, y, 1.0, F, 0, buf);
        line_px(gs__px_x(&f, r->lo), y, gs__px_x(&f, r->hi), y, GS__COL_TEXT, 1.2, 0);
        /* a square whose area follows the weight, 5 to 16 px a side */
        double rel = wmax > 0 && isfinite(r->weight_pct) ? fmax(0.0, r->weight_pct / wmax) : 0.5;
        double s = 0.5 * (5.0 + 11.0 * sqrt(rel)), xc = gs__px_x(&f, r->est);
        double sx[4] = {xc - s, xc + s, xc + s, xc - s}, sy[4] = {y - s, y - s, y + s, y + s};
        poly_px(sx, sy, 4, GS__COL_LINE);
    }
    double rule = 12.0 + ROW * (1.0 + (double)q->n) + 0.25 * ROW;
    line_px(f.l, rule, f.r, rule, GS__COL_TEXT, 1.0, 0);
    for (size_t i = 0; i < q->n_pooled; i++) { /* pooled estimates: diamonds */
        const struct gs_forest_row *r = &q->pooled[i];
        y = 12.0 + ROW * (1.5 + (double)q->n + 0.5 + (double)i);
        gs__text(MARGIN, y, 0.0, F, 1, r->label ? r->label : "");
        annotation(buf, sizeof buf, q, r, d);
        gs__text(ann_r, y, 1.0, F, 1, buf);
        int ci = isfinite(r->lo) && isfinite(r->hi) && r->lo < r->hi;
        double xe = gs__px_x(&f, r->est), xa = ci ? gs__px_x(&f, r->lo) : xe - 3.0,
               xb = ci ? gs__px_x(&f, r->hi) : xe + 3.0, hh = 0.34 * ROW;
        double dx[4] = {xa, xe, xb, xe}, dy[4] = {y, y - hh, y, y + hh};
        poly_px(dx, dy, 4, i + 1 == q->n_pooled ? GS__COL_RED : GS__COL_TEXT);
    }
    if (has_pi) { /* the prediction interval: a bar under the last diamond */
        y = 12.0 + ROW * (1.5 + (double)n_all + 0.5);
        gs__text(MARGIN, y, 0.0, F, 0, "Prediction interval");
        snprintf(buf, sizeof buf, "[%.*f, %.*f]", d, shown(q, q->pi_lo), d, shown(q, q->pi_hi));
        gs__text(ann_r, y, 1.0, F, 0, buf);
        double xa = gs__px_x(&f, q->pi_lo), xb = gs__px_x(&f, q->pi_hi);
        line_px(xa, y, xb, y, GS__COL_RED, 2.0, 0);
        line_px(xa, y - 5.0, xa, y + 5.0, GS__COL_RED, 2.0, 0);
        line_px(xb, y - 5.0, xb, y + 5.0, GS__COL_RED, 2.0, 0);
    }

    /* the axis: ticks in the measure's own units (ratios on a log scale) */
    struct gs__ticks xt;
    if (q->ratio)
        gs__ticks_log(f.x0, f.x1, f.r - f.l, F, &xt);
    else
        gs__ticks_linear(f.x0, f.x1, f.r - f.l, F, 0, &xt);
    line_px(f.l, f.b, f.r, f.b, GS__COL_TEXT, 1.0, 0);
    for (size_t i = 0; i < xt.n; i++) {
        double x = gs__px_x(&f, xt.v[i]);
        line_px(x, f.b, x, f.b + 6.0, GS__COL_TEXT, 1.0, 0);
        plcol0(GS__COL_TEXT);
        gs__text(x, f.b + 6.0 + 0.65 * F, 0.5, F, 0, xt.s[i]);
    }
    y = f.b + 6.0 + 1.3 * F + 0.75 * F;
    if (left[0]) { /* right-aligned just left of no effect, kept on the page */
        double lw = gs__text_w(left, F, 0), xr = fmax(x_null - 10.0, MARGIN + lw);
        gs__text(xr, y, 1.0, F, 0, left);
    }
    if (right[0]) {
        /* right of no effect, clear of the left label, kept on the page */
        double rw = gs__text_w(right, F, 0), xl = x_null + 10.0;
        if (left[0])
            xl = fmax(xl, fmax(x_null - 10.0, MARGIN + gs__text_w(left, F, 0)) + 20.0);
        xl = fmin(xl, w - MARGIN - rw);
        gs__text(xl, y, 0.0, F, 0, right);
    }
    if (q->xlabel && q->xlabel[0])
        gs__text(0.5 * (f.l + f.r), y + 1.5 * F, 0.5, F, 0, q->xlabel);
    return gs__plot_end(out, "--plot", err);
}
