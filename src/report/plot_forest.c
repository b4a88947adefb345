/* plot_forest.c - the forest plot, laid out as metafor's forest(): study names on the left
 * (left-aligned, the column as wide as the longest name), the estimates in the middle (squares
 * sized by weight, 95 % intervals), the weight and "estimate [interval]" on the right
 * (exponentiated for ratios), the pooled diamonds under a rule, the prediction interval as a bar
 * under the last diamond, and the axis with "favours" labels on either side of the line of no
 * effect. One row per study: the page grows with the number of studies up to
 * GS_PLOT_FOREST_MAX_H; beyond it gs_plot_forest_paged splits the studies evenly over pages
 * that each repeat the column titles, the axis and the favours labels, the pooled rows on the
 * last, every page written to its own file and all committed together. */
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

/* The layout shared by every page: column widths and positions, the decimals, the labels
 * under the axis, the largest weight (squares are sized against it on every page). */
struct layout {
    int d, has_pi;
    const char *est_head;
    double name_w, ann_w, wt_w, plot_w, w, axis_h, wmax;
    char left[160], right[160];
};

static void lay_out(const struct gs_plot_forest_request *q, struct layout *L)
{
    L->d = decimals(q);
    L->has_pi = isfinite(q->pi_lo) && isfinite(q->pi_hi);
    const size_t n_all = q->n + q->n_pooled;
    L->est_head = q->est_header ? q->est_header : "Estimate [95% CI]";
    /* column widths from the widest text in each */
    L->name_w = gs__text_w("Study", F, 1), L->ann_w = gs__text_w(L->est_head, F, 1);
    L->wt_w = fmax(gs__text_w("Weight", F, 1), gs__text_w("100.0%", F, 0));
    char buf[160];
    for (size_t i = 0; i < n_all; i++) {
        const struct gs_forest_row *r = i < q->n ? &q->rows[i] : &q->pooled[i - q->n];
        L->name_w = fmax(L->name_w, gs__text_w(r->label ? r->label : "", F, i >= q->n));
        annotation(buf, sizeof buf, q, r, L->d);
        L->ann_w = fmax(L->ann_w, gs__text_w(buf, F, i >= q->n)); /* pooled rows are bold */
    }
    if (L->has_pi) {
        L->name_w = fmax(L->name_w, gs__text_w("Prediction interval", F, 0));
        snprintf(buf, sizeof buf, "[%.*f, %.*f]", L->d, shown(q, q->pi_lo), L->d,
                 shown(q, q->pi_hi));
        L->ann_w = fmax(L->ann_w, gs__text_w(buf, F, 0));
    }
    const char *fl = q->favours_left, *fr = q->favours_right;
    L->left[0] = L->right[0] = '\0';
    if (fl && fl[0])
        snprintf(L->left, sizeof L->left, "\xe2\x86\x90 %s", fl); /* U+2190, an arrow left */
    if (fr && fr[0])
        snprintf(L->right, sizeof L->right, "%s \xe2\x86\x92", fr); /* U+2192 */
    double plot_w = fmax(PLOT_W, gs__text_w(L->left, F, 0) + gs__text_w(L->right, F, 0) + 40.0);
    const double cols = MARGIN + L->name_w + 24.0 + 24.0 + L->wt_w + 20.0 + L->ann_w + MARGIN;
    L->w = fmax(cols + plot_w, 960.0);
    L->plot_w = L->w - cols;
    L->axis_h = 6.0 + 1.3 * F + 1.5 * F + 1.5 * F + 12.0;
    L->wmax = 0.0;
    for (size_t i = 0; i < q->n; i++)
        L->wmax = fmax(L->wmax, q->rows[i].weight_pct);
}

/* Rows above the studies: the column titles, and on a page of several a line saying which. */
static double head_rows(size_t n_pages)
{
    return n_pages > 1 ? 2.0 : 1.0;
}

/* The height of a page with `n` studies (and the pooled rows when `last`). */
static double page_h(const struct gs_plot_forest_request *q, const struct layout *L, size_t n,
                     size_t n_pages, int last)
{
    double rows = head_rows(n_pages) + (double)n +
                  (last ? 0.5 + (double)q->n_pooled + (L->has_pi ? 1.0 : 0.0) : 0.0);
    return 12.0 + ROW * rows + 6.0 + L->axis_h;
}

/* Studies on page `page` of `n_pages`: split evenly, the first pages taking one more when they
 * do not divide (the last page also holds the pooled rows). */
static void page_rows(size_t n, size_t page, size_t n_pages, size_t *first, size_t *count)
{
    size_t base = n / n_pages, extra = n % n_pages;
    *first = page * base + (page < extra ? page : extra);
    *count = base + (page < extra);
}

size_t gs_plot_forest_n_pages(const struct gs_plot_forest_request *q)
{
    if (q->n < 1)
        return 1;
    struct layout L;
    lay_out(q, &L);
    if (page_h(q, &L, q->n, 1, 1) <= GS_PLOT_FOREST_MAX_H)
        return 1;
    /* the most studies a page with the pooled rows and the page line can hold (at least 1) */
    double room = (GS_PLOT_FOREST_MAX_H - page_h(q, &L, 0, 2, 1)) / ROW;
    size_t per = room >= 1.0 ? (size_t)floor(room) : 1;
    return (q->n + per - 1) / per;
}

/* Page `page` (0-based) of `n_pages`. */
static gs_status draw_page(const struct gs_plot_forest_request *q, const struct layout *L,
                           size_t page, size_t n_pages, struct gs_outfile *out,
                           struct gs_error *err)
{
    const int last = page + 1 == n_pages, d = L->d;
    size_t first, n;
    page_rows(q->n, page, n_pages, &first, &n);
    const double w = L->w, h = page_h(q, L, n, n_pages, last),
                 top = 12.0 + ROW * (head_rows(n_pages) - 1.0);
    if (h > GS_PLOT_FOREST_MAX_H)
        return gs_error_set(err, GS_INPUT, "--plot",
                            "%zu studies make a forest plot page %.0f px tall; at most %.0f px", n,
                            h, (double)GS_PLOT_FOREST_MAX_H);
    gs_status st = gs__plot_begin(out, "--plot", (int)ceil(w), (int)ceil(h), err);
    if (st != GS_OK)
        return st;
    char buf[160];
    struct gs__frame f = {0};
    f.l = MARGIN + L->name_w + 24.0;
    f.r = f.l + L->plot_w;
    f.t = top + ROW;
    const double rows =
        (double)n + (last ? 0.5 + (double)q->n_pooled + (L->has_pi ? 1.0 : 0.0) : 0.0);
    f.b = f.t + ROW * rows + 6.0;
    x_range(q, &f.x0, &f.x1);
    f.y0 = gs__page_h() - f.b, f.y1 = gs__page_h() - f.t; /* y in pixels up from the bottom */
    const double wt_r = f.r + 24.0 + L->wt_w, ann_r = wt_r + 20.0 + L->ann_w;

    double y;
    if (n_pages > 1) { /* which page, and which studies, on a line of its own */
        snprintf(buf, sizeof buf, "Page %zu of %zu: studies %zu to %zu of %zu%s", page + 1, n_pages,
                 first + 1, first + n, q->n, last ? "" : " (pooled estimates on the last page)");
        gs__text(MARGIN, 12.0 + 0.5 * ROW, 0.0, F, 0, buf);
    }
    /* column titles */
    y = top + 0.5 * ROW;
    gs__text(MARGIN, y, 0.0, F, 1, "Study");
    gs__text(wt_r, y, 1.0, F, 1, "Weight");
    gs__text(ann_r, y, 1.0, F, 1, L->est_head);
    double x_null = gs__px_x(&f, 0.0);
    line_px(x_null, f.t, x_null, f.b, GS__COL_GREY, 1.0, 1);

    for (size_t j = 0; j < n; j++) { /* studies */
        const struct gs_forest_row *r = &q->rows[first + j];
        y = top + ROW * (1.5 + (double)j);
        gs__text(MARGIN, y, 0.0, F, 0, r->label ? r->label : "");
        if (isfinite(r->weight_pct)) {
            /* metafor's two decimals where one would show 0.0 % (thousands of studies) */
            snprintf(buf, sizeof buf, "%.*f%%", r->weight_pct < 0.095 ? 2 : 1, r->weight_pct);
            gs__text(wt_r, y, 1.0, F, 0, buf);
        }
        annotation(buf, sizeof buf, q, r, d);
        gs__text(ann_r, y, 1.0, F, 0, buf);
        line_px(gs__px_x(&f, r->lo), y, gs__px_x(&f, r->hi), y, GS__COL_TEXT, 1.2, 0);
        /* a square whose area follows the weight, 5 to 16 px a side */
        double rel =
            L->wmax > 0 && isfinite(r->weight_pct) ? fmax(0.0, r->weight_pct / L->wmax) : 0.5;
        double s = 0.5 * (5.0 + 11.0 * sqrt(rel)), xc = gs__px_x(&f, r->est);
        double sx[4] = {xc - s, xc + s, xc + s, xc - s}, sy[4] = {y - s, y - s, y + s, y + s};
        poly_px(sx, sy, 4, GS__COL_LINE);
    }
    if (last) {
        double rule = top + ROW * (1.0 + (double)n) + 0.25 * ROW;
        line_px(f.l, rule, f.r, rule, GS__COL_TEXT, 1.0, 0);
        for (size_t i = 0; i < q->n_pooled; i++) { /* pooled estimates: diamonds */
            const struct gs_forest_row *r = &q->pooled[i];
            y = top + ROW * (1.5 + (double)n + 0.5 + (double)i);
            gs__text(MARGIN, y, 0.0, F, 1, r->label ? r->label : "");
            annotation(buf, sizeof buf, q, r, d);
            gs__text(ann_r, y, 1.0, F, 1, buf);
            int ci = isfinite(r->lo) && isfinite(r->hi) && r->lo < r->hi;
            double xe = gs__px_x(&f, r->est), xa = ci ? gs__px_x(&f, r->lo) : xe - 3.0,
                   xb = ci ? gs__px_x(&f, r->hi) : xe + 3.0, hh = 0.34 * ROW;
            double dx[4] = {xa, xe, xb, xe}, dy[4] = {y, y - hh, y, y + hh};
            poly_px(dx, dy, 4, i + 1 == q->n_pooled ? GS__COL_RED : GS__COL_TEXT);
        }
        if (L->has_pi) { /* the prediction interval: a bar under the last diamond */
            y = top + ROW * (1.5 + (double)(n + q->n_pooled) + 0.5);
            gs__text(MARGIN, y, 0.0, F, 0, "Prediction interval");
            snprintf(buf, sizeof buf, "[%.*f, %.*f]", d, shown(q, q->pi_lo), d, shown(q, q->pi_hi));
            gs__text(ann_r, y, 1.0, F, 0, buf);
            double xa = gs__px_x(&f, q->pi_lo), xb = gs__px_x(&f, q->pi_hi);
            line_px(xa, y, xb, y, GS__COL_RED, 2.0, 0);
            line_px(xa, y - 5.0, xa, y + 5.0, GS__COL_RED, 2.0, 0);
            line_px(xb, y - 5.0, xb, y + 5.0, GS__COL_RED, 2.0, 0);
        }
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
    if (L->left[0]) { /* right-aligned just left of no effect, kept on the page */
        double lw = gs__text_w(L->left, F, 0), xr = fmax(x_null - 10.0, MARGIN + lw);
        gs__text(xr, y, 1.0, F, 0, L->left);
    }
    if (L->right[0]) {
        /* right of no effect, clear of the left label, kept on the page */
        double rw = gs__text_w(L->right, F, 0), xl = x_null + 10.0;
        if (L->left[0])
            xl = fmax(xl, fmax(x_null - 10.0, MARGIN + gs__text_w(L->left, F, 0)) + 20.0);
        xl = fmin(xl, w - MARGIN - rw);
        gs__text(xl, y, 0.0, F, 0, L->right);
    }
    if (q->xlabel && q->xlabel[0])
        gs__text(0.5 * (f.l + f.r), y + 1.5 * F, 0.5, F, 0, q->xlabel);
    return gs__plot_end(out, "--plot", err);
}

gs_status gs_plot_forest(const struct gs_plot_forest_request *q, struct gs_outfile *out,
                         struct gs_error *err)
{
    gs_status st = check(q, err);
    if (st != GS_OK)
        return st;
    struct layout L;
    lay_out(q, &L);
    double h = page_h(q, &L, q->n, 1, 1);
    if (h > GS_PLOT_FOREST_MAX_H)
        return gs_error_set(err, GS_INPUT, "--plot",
                            "%zu studies make a forest plot %.0f px tall, over the %.0f px of "
                            "one page; it takes %zu pages ('gabasim meta --plot FILE.svg' "
                            "writes FILE-1.svg ...)",
                            q->n, h, (double)GS_PLOT_FOREST_MAX_H, gs_plot_forest_n_pages(q));
    return draw_page(q, &L, 0, 1, out, err);
}

gs_status gs_plot_forest_paged(const struct gs_plot_forest_request *q, const char *path,
                               struct gs_plot_pages *pages, struct gs_error *err)
{
    memset(pages, 0, sizeof *pages);
    gs_status st = check(q, err);
    if (st == GS_OK)
        st = gs_plot_check_path(path, "--plot", err);
    if (st != GS_OK)
        return st;
    const size_t n_pages = gs_plot_forest_n_pages(q);
    if (n_pages > 1 && gs_outfile_is_stream(path))
        return gs_error_set(err, GS_INPUT, "--plot",
                            "'--plot' is '%s': %zu studies need %zu pages of forest plot, "
                            "which cannot go to one stream; give a file name (FILE.svg writes "
                            "FILE-1.svg to FILE-%zu.svg)",
                            path, q->n, n_pages, n_pages);
    if ((st = gs__pages_alloc(pages, n_pages, err)) != GS_OK)
        return st;
    struct layout L;
    lay_out(q, &L);
    for (size_t i = 0; i < n_pages && st == GS_OK; i++) {
        char name[sizeof pages->page[0].path];
        if ((st = gs__page_path(name, sizeof name, path, n_pages > 1 ? i + 1 : 0, "--plot", err)) ==
                GS_OK &&
            (st = gs_outfile_open(&pages->page[i], name, "--plot", err)) == GS_OK) {
            pages->n = i + 1;
            st = draw_page(q, &L, i, n_pages, &pages->page[i], err);
        }
    }
    if (st != GS_OK)
        gs_plot_pages_abort(pages);
    return st;
}
