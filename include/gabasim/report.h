/* gabasim/report.h - turning a run into text, CSV, JSON and plots, and writing files safely.
 *
 * A struct gs_run bundles borrowed pointers to everything one `simulate` produced; the writers
 * read it and own nothing. Files are written through struct gs_outfile: to a temporary file in
 * the destination's directory, renamed over the destination only when complete (git's lockfile),
 * so a failure never leaves a partial output.
 */
#ifndef GABASIM_REPORT_H
#define GABASIM_REPORT_H

#include <stdio.h>

#include "gabasim/drug.h"
#include "gabasim/patient.h"
#include "gabasim/regimen.h"
#include "gabasim/simulate.h"
#include "gabasim/summary.h"

#ifdef __cplusplus
extern "C" {
#endif

struct gs_run {
    const gs_drug *drug;
    const struct gs_patient *patient;
    const struct gs_model *model;
    const struct gs_regimen *regimen;
    const struct gs_event_list *events; /* expanded dose records */
    const struct gs_profile *profile;
    const struct gs_summary *summary;
    const char *notes; /* assumptions made for this patient, one per line ("" if none) */
};

/* ---- output files: complete or absent ----
 *
 * Three kinds of destination, as a Unix tool treats them:
 * - a regular file (or a path that does not exist yet): written to a temporary file in the same
 *   directory and renamed over the destination only when complete (git's lockfile), so a
 *   failure never leaves a partial file and never destroys the previous one;
 * - "-": standard output;
 * - an existing path that is not a regular file (a device such as /dev/null, a FIFO, a
 *   terminal, /dev/stdout): written in place, never replaced, never created.
 * For the last two the output is first written to a temporary file in $TMPDIR (or /tmp) and
 * copied to the destination at commit, so a run that fails writes nothing there either. */
struct gs_outfile {
    char path[4096];
    char tmp[4096 + 32]; /* path, a dot and the unique suffix */
    FILE *f;             /* write here between open and commit */
    int stream;          /* 1: standard output or a non-regular file, copied in place at commit */
};

/* Creates the temporary file for `path`; fails (GS_INPUT, message naming `field` and the path)
 * if the path is a directory or its directory is not writable. */
gs_status gs_outfile_open(struct gs_outfile *o, const char *path, const char *field,
                          struct gs_error *err);
/* Flushes and closes the temporary file, then renames it over the destination (regular files)
 * or copies it into the destination (standard output, devices, FIFOs). On failure removes the
 * temporary file and returns GS_IO naming the destination. */
gs_status gs_outfile_commit(struct gs_outfile *o, struct gs_error *err);
/* Closes and removes the temporary file (safe to call after a failed commit or twice). */
void gs_outfile_abort(struct gs_outfile *o);
/* 1 when `path` names standard output ("-") or an existing file that is not a regular file:
 * such a destination has no file name to infer a format from. */
int gs_outfile_is_stream(const char *path);

/* ---- writers ---- */

/* CSV with header time_h,conc_mg_L,amt_depot_mg,amt_central_mg,unabsorbed_mg,eliminated_mg,
 * auc_mg_h_L. */
gs_status gs_write_profile_csv(const struct gs_run *r, FILE *f);

/* The JSON document of `gabasim simulate --json` (summary, inputs, profile). Returns a string
 * the caller frees with gs_json_free(), or NULL when out of memory. */
char *gs_run_json(const struct gs_run *r);
void gs_json_free(char *s);

/* The readable summary `gabasim simulate` prints. */
void gs_write_summary_text(const struct gs_run *r, FILE *f);

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

/* Lines with points and error bars (PLplot, SVG or PNG by out->path), one colour per series with
 * its label above the frame; y axis from ymin to ymax. The caller commits the outfile. */
gs_status gs_plot_lines(const struct gs_plot_series *s, size_t n_series, const char *xlabel,
                        const char *ylabel, const char *title, double ymin, double ymax,
                        struct gs_outfile *out, struct gs_error *err);

/* Writes v exactly as printf("%.*g", sig, v) would (sig 1 to 12; others go to snprintf) into
 * out (cap >= 32 bytes), several times faster. Returns the length (NUL-terminated). */
size_t gs_fmt_g(char *out, size_t cap, double v, int sig);

/* Checks that `path` ends in .svg or .png (the formats gs_plot_profile writes). */
gs_status gs_plot_check_path(const char *path, const char *field, struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
