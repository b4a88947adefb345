/* trial_report.h - printing `gabasim trial` results: text, JSON, CSV and plots. */
#ifndef GABASIM_TRIAL_REPORT_H
#define GABASIM_TRIAL_REPORT_H

#include <stdio.h>

#include "gabasim/report.h"
#include "gabasim/trial.h"

void trial_print_text(const gs_trial *t, const struct gs_trial_result *r, FILE *f);
void trial_print_json(const gs_trial *t, const struct gs_trial_result *r, FILE *f);
/* One row per participant: covariates, baseline, each visit, dropout, dose, side-effect days. */
void trial_write_participants(const gs_trial *t, const struct gs_trial_result *r, FILE *f);
/* study,yi,sei: each replicate's estimate and standard error, for `gabasim meta`. */
void trial_write_reps_csv(const gs_trial *t, const struct gs_trial_reps *r, FILE *f);
void trial_print_reps_text(const gs_trial *t, const struct gs_trial_reps *r,
                           const struct gs_trial_reps *grid, size_t n_grid, double observed,
                           FILE *f);
void trial_print_reps_json(const gs_trial *t, const struct gs_trial_reps *r,
                           const struct gs_trial_reps *grid, size_t n_grid, double observed,
                           FILE *f);
gs_status trial_plot_visits(const gs_trial *t, const struct gs_trial_result *r,
                            struct gs_outfile *out, struct gs_error *err);
gs_status trial_plot_power(const gs_trial *t, const struct gs_trial_reps *grid, size_t n_grid,
                           struct gs_outfile *out, struct gs_error *err);

#endif
