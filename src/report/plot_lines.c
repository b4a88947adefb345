/* plot_lines.c - lines with points and error bars (the trial's pain by visit, the power curve),
 * with dashed reference lines (power 0.8); the title and the legend have rows of their own
 * above the frame, wrapped to the page's width. */
#include <math.h>
#include <plplot/plplot.h>

#include "gabasim/plot.h"
#include "plot_int.h"

#define W        960
#define H        600
#define F_TITLE  17.0
#define F_LEGEND 13.0
#define F_AXIS   14.0

gs_status gs_plot_lines(const struct gs_plot_lines_request *req, struct gs_outfile *out,
                        struct gs_error *err)
{
    const struct gs_plot_series *s = req->series;
    const size_t n_series = req->n_series;
    const double ymin = req->ymin, ymax = req->ymax;
    double xmin = INFINITY, xmax = -INFINITY;
    for (size_t k = 0; k < n_series; k++)
        for (size_t i = 0; i < s[k].n; i++) {
            xmin = fmin(xmin, s[k].x[i]);
            xmax = fmax(xmax, s[k].x[i]);
        }
    if (n_series == 0 || n_series > 8 || req->n_hlines > 8 || !(xmax > xmin) || !(ymax > ymin))
        return gs_error_set(err, GS_INPUT, "--plot", "nothing to plot (need two x values)");
    gs_status st = gs__plot_begin(out, "--plot", W, H, err);
    if (st != GS_OK)
        return st;
    struct gs__legend_item it[16];
    size_t n_it = 0;
    for (size_t k = 0; k < n_series; k++)
        it[n_it++] = (struct gs__legend_item){GS__KEY_LINE, GS__COL_SERIES + (int)(k % 4),
                                              s[k].label ? s[k].label : ""};
    for (size_t k = 0; k < req->n_hlines; k++)
        it[n_it++] = (struct gs__legend_item){GS__KEY_DASHED, GS__COL_GREY,
                                              req->hlines[k].label ? req->hlines[k].label : ""};
    double pad = 0.03 * (xmax - xmin);
    struct gs__frame f = {0, 0, 0, 0, xmin - pad, xmax + pad, ymin, ymax};
    double y = 10.0;
    y += gs__title(req->title ? req->title : "", 20.0, W - 20.0, y, F_TITLE, 1) + 4.0;
    y += gs__legend(it, n_it, 20.0, W - 20.0, y, F_LEGEND, 1) + 12.0;
    f.t = y;
    f.b = H - (8.0 + 1.2 * F_AXIS + 1.6 * F_AXIS + 12.0);
    struct gs__ticks xt, yt;
    gs__ticks_linear(ymin, ymax, f.b - f.t, F_AXIS, 1, &yt);
    double yw = 0.0;
    for (size_t i = 0; i < yt.n; i++)
        yw = fmax(yw, gs__text_w(yt.s[i], F_AXIS, 0));
    f.l = 14.0 + yw + (req->ylabel ? 1.2 * F_AXIS + 8.0 : 0.0) + 6.0;
    f.r = W - 28.0;
    gs__ticks_linear(f.x0, f.x1, f.r - f.l, F_AXIS, 0, &xt);
    gs__frame_use(&f);
    plcol0(GS__COL_GREY);
    plwidth(1.5);
    pllsty(2);
    for (size_t k = 0; k < req->n_hlines; k++)
        pljoin(f.x0, req->hlines[k].y, f.x1, req->hlines[k].y);
    pllsty(1);
    for (size_t k = 0; k < n_series; k++) {
        plcol0(GS__COL_SERIES + (int)(k % 4));
        plwidth(2.0);
        /* NaN points (no data) break the line */
        for (size_t i = 0; i + 1 < s[k].n; i++)
            if (!isnan(s[k].y[i]) && !isnan(s[k].y[i + 1]))
                pljoin(s[k].x[i], s[k].y[i], s[k].x[i + 1], s[k].y[i + 1]);
        plwidth(1.0);
        for (size_t i = 0; i < s[k].n; i++) {
            if (isnan(s[k].y[i]))
                continue;
            PLFLT x = s[k].x[i], yv = s[k].y[i];
            plschr(0.0, 0.8);
            plssym(0.0, 1.0);
            plpoin(1, &x, &yv, 17);
            if (s[k].lo && s[k].hi && !isnan(s[k].lo[i]) && !isnan(s[k].hi[i])) {
                PLFLT lo = s[k].lo[i], hi = s[k].hi[i];
                plerry(1, &x, &lo, &hi);
            }
        }
    }
    gs__axes(&f, &xt, &yt, F_AXIS, req->xlabel, req->ylabel);
    return gs__plot_end(out, "--plot", err);
}
