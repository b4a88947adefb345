/* gabasim/report_meta.h - the output layer for `gabasim meta`: text, JSON (schema
 * docs/schemas/meta.schema.json) and the forest plot, made from a struct gs_meta_analysis
 * (gabasim/meta.h). The writers read the result and own nothing. Ratios are pooled on the log
 * scale and shown as ratios (exp); standard errors stay on the analysis scale. */
#ifndef GABASIM_REPORT_META_H
#define GABASIM_REPORT_META_H

#include <stdio.h>

#include "gabasim/meta.h"
#include "gabasim/report.h"
#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Each study with its 95 % interval and random-effects weight, the pooled estimates, the
 * prediction interval and the heterogeneity statistics. GS_IO when writing fails. */
gs_status gs_report_meta_text(const struct gs_meta_analysis *m, FILE *f, struct gs_error *err);
gs_status gs_report_meta_json(const struct gs_meta_analysis *m, FILE *f, struct gs_error *err);

/* Forest plot into the open outfile (SVG or PNG by its path): each study, then the fixed-effect
 * and the random-effects estimates. The caller commits the outfile. */
gs_status gs_report_meta_plot(const struct gs_meta_analysis *m, struct gs_outfile *out,
                              struct gs_error *err);

/* The forest plot's default labels under the axis: lower values favour arm 1, the drug (less
 * pain, fewer harmful events, a ratio below 1). For an outcome where higher is better
 * (responders), pass them the other way round. */
#define GS_REPORT_META_FAVOURS_LEFT  "favours drug"
#define GS_REPORT_META_FAVOURS_RIGHT "favours placebo"

/* The forest plot with these labels left and right of no effect (NULL or "": none);
 * gs_report_meta_plot uses the defaults above. */
gs_status gs_report_meta_forest(const struct gs_meta_analysis *m, const char *favours_left,
                                const char *favours_right, struct gs_outfile *out,
                                struct gs_error *err);
struct gs_plot_pages; /* gabasim/plot.h */
/* The same for any number of studies (gabasim/plot.h gs_plot_forest_paged): one page at `path`
 * or, beyond GS_PLOT_FOREST_MAX_H, pages PATH-1.EXT .. PATH-K.EXT, open in `pages` for the
 * caller to commit together (gs_outfile_commit_group) and release, or already aborted on
 * failure. */
gs_status gs_report_meta_forest_paged(const struct gs_meta_analysis *m, const char *favours_left,
                                      const char *favours_right, const char *path,
                                      struct gs_plot_pages *pages, struct gs_error *err);

/* Funnel plot (gabasim/plot.h gs_plot_funnel) into the open outfile: each study's effect against
 * its standard error, the pseudo 95 % confidence region around the fixed-effect estimate (its
 * line solid) and the random-effects estimate dashed. Errors name --funnel. */
gs_status gs_report_meta_funnel(const struct gs_meta_analysis *m, struct gs_outfile *out,
                                struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
