/* gabasim/plot.h - plots drawn with PLplot (SVG or PNG by the destination's extension; SVG for
 * standard output and devices) into an open outfile that the caller commits, so several outputs
 * can be committed together. PLplot keeps global state: call these from one thread. */
#ifndef GABASIM_PLOT_H
#define GABASIM_PLOT_H

#include <stddef.h>

#include "gabasim/drug.h"
#include "gabasim/outfile.h"
#include "gabasim/report.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Concentration-time plot (PLplot): SVG or PNG by the extension of out->path; axes with units,
 * dose markers, the steady-state Cmin-Cmax band. Draws into the open outfile's temporary file;
 * the caller commits (or aborts) it, so several outputs can be committed together. */
gs_status gs_plot_profile(const struct gs_run *r, struct gs_outfile *out, struct gs_error *err);

struct gs_pop_result;
/* Population plot: median with the 25-75 % and 5-95 % bands over time (PLplot), into the open
 * outfile's temporary file; the caller commits it. */
gs_status gs_plot_population(const struct gs_pop_result *r, const gs_drug *d,
                             struct gs_outfile *out, struct gs_error *err);

/* One row of a forest plot: an estimate and its interval on the analysis scale (log for ratios),
 * with a weight in % that sizes the study's square. */
struct gs_forest_row {
    const char *label;
    double est, lo, hi, weight_pct;
};

/* Forest plot (PLplot, SVG or PNG by out->path's extension): the first n - n_pooled rows are
 * studies (squares sized by weight, interval lines), the last n_pooled pooled estimates
 * (diamonds); a vertical line at no effect. `ratio`: values are natural logs, drawn on a log axis
 * labelled in ratios. The caller commits the outfile. */
gs_status gs_plot_forest(const struct gs_forest_row *rows, size_t n, size_t n_pooled, int ratio,
                         const char *xlabel, struct gs_outfile *out, struct gs_error *err);

/* One line of a line plot: points x[i], y[i] (NaN: no point), optional error bars lo..hi. */
struct gs_plot_series {
    const char *label;
    const double *x, *y, *lo, *hi;
    size_t n;
};

/* What gs_plot_lines draws. */
struct gs_plot_lines_request {
    const struct gs_plot_series *series; /* n_series lines, 1 or more */
    size_t n_series;
    const char *xlabel, *ylabel, *title; /* axis labels (with units) and the title */
    double ymin, ymax;                   /* the y axis, ymin below ymax (the series' units) */
};

/* Lines with points and error bars (PLplot, SVG or PNG by out->path), one colour per series with
 * its label above the frame. The caller commits the outfile. */
gs_status gs_plot_lines(const struct gs_plot_lines_request *req, struct gs_outfile *out,
                        struct gs_error *err);

/* Checks that `path` ends in .svg or .png (the formats gs_plot_profile writes). */
gs_status gs_plot_check_path(const char *path, const char *field, struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
