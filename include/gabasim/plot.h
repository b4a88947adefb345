/* gabasim/plot.h - plots drawn with PLplot (SVG or PNG by the destination's extension; SVG for
 * standard output and devices) into an open outfile that the caller commits, so several outputs
 * can be committed together. PLplot keeps global state: call these from one thread. */
#ifndef GABASIM_PLOT_H
#define GABASIM_PLOT_H

#include <math.h>
#include <stddef.h>

#include "gabasim/drug.h"
#include "gabasim/outfile.h"
#include "gabasim/report.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Every plot lays its text out in page pixels with widths estimated from DejaVu Sans, so that
 * titles, legends, tick labels and names neither overlap nor leave the page; titles and legends
 * wrap onto more rows rather than run off it. */

/* Concentration-time plot (PLplot): SVG or PNG by the extension of out->path; time in hours, or
 * in days over spans longer than 72 h; dose ticks (the first one clear of the frame), missed
 * doses (r->regimen->missed_h) as grey crosses, the steady-state Cmin-Cmax band, dialysis
 * sessions. Draws into the open outfile's temporary file; the caller commits (or aborts) it, so
 * several outputs can be committed together. */
gs_status gs_plot_profile(const struct gs_run *r, struct gs_outfile *out, struct gs_error *err);

struct gs_pop_result;
/* Population plot: median with the 25-75 % and 5-95 % bands over time (PLplot), and a dashed
 * line at each of the n_thresholds target concentrations (mg/L; none when 0), into the open
 * outfile's temporary file; the caller commits it. */
gs_status gs_plot_population(const struct gs_pop_result *r, const gs_drug *d,
                             const double *thresholds_mg_l, size_t n_thresholds,
                             struct gs_outfile *out, struct gs_error *err);

/* One row of a forest plot: an estimate and its interval on the analysis scale (log for ratios),
 * with a weight in % (NaN: none shown) that sizes the study's square. A pooled row's interval
 * may be NaN (not defined): its diamond is then a point and its text says so. */
struct gs_forest_row {
    const char *label;
    double est, lo, hi, weight_pct;
};

/* What gs_plot_forest draws. Start from GS_PLOT_FOREST_REQUEST_INIT. */
struct gs_plot_forest_request {
    const struct gs_forest_row *rows; /* n studies, 1 or more: squares and interval lines */
    size_t n;
    const struct gs_forest_row *pooled; /* n_pooled pooled estimates: diamonds under a rule */
    size_t n_pooled;
    double pi_lo, pi_hi;    /* prediction interval, a bar under the last diamond; NaN: none */
    int ratio;              /* values are natural logs: a log axis and text in ratios (exp) */
    const char *xlabel;     /* the axis title, e.g. "Risk ratio (log scale)" */
    const char *est_header; /* the annotation column's header (NULL: "Estimate [95% CI]") */
    /* under the axis, either side of no effect (NULL or "": none), e.g. "favours drug" */
    const char *favours_left, *favours_right;
};
#define GS_PLOT_FOREST_REQUEST_INIT                                                                \
    {                                                                                              \
        NULL, 0, NULL, 0, NAN, NAN, 0, NULL, NULL, NULL, NULL                                      \
    }

/* Forest plot (PLplot, SVG or PNG by out->path's extension), laid out as R metafor's forest():
 * names on the left (the column as wide as the longest, never cut), squares sized by weight with
 * their intervals and a dashed line at no effect in the middle, weight and "estimate [lo, hi]"
 * on the right (decimals enough for two significant digits, 2 to 4), the pooled diamonds, the
 * prediction interval, the axis (ratios on a log scale) and the favours labels. One row of
 * 22 px per study: the page grows with n up to GS_PLOT_FOREST_MAX_H (about 1440 studies),
 * beyond which GS_INPUT says so (gs_plot_forest_paged draws any number). The caller commits the
 * outfile. */
gs_status gs_plot_forest(const struct gs_plot_forest_request *req, struct gs_outfile *out,
                         struct gs_error *err);

/* The tallest forest plot page, px: PNG (cairo) pages are at most 32767 px on a side, and SVG
 * pages are held to the same so that PLplot's coordinates keep sub-pixel precision. */
#define GS_PLOT_FOREST_MAX_H 32000

/* A plot written as one file or as several pages, each an open outfile until the caller commits
 * them all (gs_outfile_commit_group) or gs_plot_pages_abort()s them. */
struct gs_plot_pages {
    size_t n;                /* outfiles open in page[] */
    size_t cap;              /* room in page[] */
    struct gs_outfile *page; /* page[i].path: the file page i + 1 goes to */
};
#define GS_PLOT_PAGES_INIT                                                                         \
    {                                                                                              \
        0, 0, NULL                                                                                 \
    }
/* Aborts every open page (no file is left) and frees the array. Safe on GS_PLOT_PAGES_INIT. */
void gs_plot_pages_abort(struct gs_plot_pages *p);
/* Frees the array after the pages were committed (their paths are gone with it). */
void gs_plot_pages_release(struct gs_plot_pages *p);

/* The pages gs_plot_forest_paged would write: 1 when the plot fits GS_PLOT_FOREST_MAX_H, else
 * the fewest pages that hold the studies split evenly with the pooled rows on the last. */
size_t gs_plot_forest_n_pages(const struct gs_plot_forest_request *req);

/* The forest plot of any number of studies into `pages` (start it from GS_PLOT_PAGES_INIT): one
 * page at `path` when it fits GS_PLOT_FOREST_MAX_H, else K pages at PATH-1.EXT .. PATH-K.EXT
 * ("forest.svg": forest-1.svg ...), the studies split evenly (the first pages one more when
 * they do not divide), each page saying "Page i of K: studies a to b of n" above the column
 * titles and repeating the titles, the axis and the favours labels, the pooled rows and the
 * prediction interval on the last page only. Every page is drawn into its own outfile's
 * temporary file; nothing is renamed: the caller commits them all together
 * (gs_outfile_commit_group), so either every page is written or none. On failure (GS_INPUT
 * naming --plot for more than one page to standard output or a device, or any error of
 * gs_plot_forest) every page opened so far is aborted. */
gs_status gs_plot_forest_paged(const struct gs_plot_forest_request *req, const char *path,
                               struct gs_plot_pages *pages, struct gs_error *err);

/* What gs_plot_funnel draws. Start from GS_PLOT_FUNNEL_REQUEST_INIT. */
struct gs_plot_funnel_request {
    const double *yi;  /* k effects, on the analysis scale (natural logs for ratios) */
    const double *sei; /* their k standard errors, above 0 */
    size_t k;          /* 1 or more */
    double center;     /* the estimate the pseudo-confidence region is centred on (a line) */
    int ratio;         /* yi are logs: a log axis labelled in ratios */
    double level;      /* of the pseudo-confidence region, in (0, 1) (0.95) */
    double random;     /* a second estimate drawn dashed (e.g. random effects); NaN: none */
    const char *xlabel, *title;
    const char *center_label, *random_label; /* their legend entries (NULL: generic words) */
    const char *note; /* a line of text under the legend (e.g. a test's result); NULL: none */
};
#define GS_PLOT_FUNNEL_REQUEST_INIT                                                                \
    {                                                                                              \
        NULL, NULL, 0, 0.0, 0, 0.95, NAN, NULL, NULL, NULL, NULL, NULL                             \
    }

/* Funnel plot (PLplot, SVG or PNG by out->path), as R metafor's funnel(): effects against
 * standard errors on an inverted axis (0 at the top), the pseudo-confidence region
 * center -/+ z(level) x SE in white on grey with dashed edges, a line at `center`. Errors name
 * --funnel. The caller commits the outfile. */
gs_status gs_plot_funnel(const struct gs_plot_funnel_request *req, struct gs_outfile *out,
                         struct gs_error *err);

/* One line of a line plot: points x[i], y[i] (NaN: no point), optional error bars lo..hi. */
struct gs_plot_series {
    const char *label;
    const double *x, *y, *lo, *hi;
    size_t n;
};

/* A dashed horizontal reference line and its legend entry (e.g. power 0.8). */
struct gs_plot_hline {
    double y;
    const char *label;
};

/* What gs_plot_lines draws. */
struct gs_plot_lines_request {
    const struct gs_plot_series *series; /* n_series lines, 1 to 8 */
    size_t n_series;
    const char *xlabel, *ylabel, *title; /* axis labels (with units) and the title */
    double ymin, ymax;                   /* the y axis, ymin below ymax (the series' units) */
    const struct gs_plot_hline *hlines;  /* n_hlines (0 to 8) dashed reference lines */
    size_t n_hlines;
};

/* Lines with points and error bars (PLplot, SVG or PNG by out->path), one colour per series,
 * the title and a legend (a sample of each line with its label) in rows of their own above the
 * frame. The caller commits the outfile. */
gs_status gs_plot_lines(const struct gs_plot_lines_request *req, struct gs_outfile *out,
                        struct gs_error *err);

struct gs_tdm_request;
struct gs_tdm_result;
struct gs_tdm_target_request;
struct gs_tdm_target_result;
/* `gabasim tdm --plot` (PLplot, SVG or PNG by out->path): on the dosing history from the first
 * dose, the measured levels as dots, the individual (MAP) prediction with its posterior band
 * (when r has draws), the typical patient's prediction dashed, the doses, missed doses and
 * dialysis sessions; with a target (treq and target not NULL), a second panel with the chosen
 * regimen's steady-state profile and band over its evaluation period, and the target as a
 * dashed line across both (an AUC24 target as its average level, AUC24 / 24 h). Drawn from the
 * results as they are: nothing is estimated again. The caller commits the outfile. */
gs_status gs_plot_tdm(const struct gs_tdm_request *req, const struct gs_tdm_result *r,
                      const struct gs_tdm_target_request *treq,
                      const struct gs_tdm_target_result *target, struct gs_outfile *out,
                      struct gs_error *err);

/* Checks that `path` ends in .svg or .png (the formats gs_plot_profile writes). */
gs_status gs_plot_check_path(const char *path, const char *field, struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
