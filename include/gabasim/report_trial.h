/* gabasim/report_trial.h - the output layer for `gabasim trial`: text, JSON, CSV and plots made
 * from a struct gs_trial_simulation (gabasim/trial.h). The writers read the result and own
 * nothing; each dispatches on it: one trial (replicates == 0) or many replicates.
 *
 *   text  one trial: participant flow (CONSORT), Table 1, the primary result, responders, side
 *         effects, pain by visit; replicates: power, the estimate's distribution, the power curve
 *   JSON  schema gabasim-trial-result/1 (docs/schemas/trial-result.schema.json) or
 *         gabasim-trial-replicates/1 (docs/schemas/trial-replicates.schema.json)
 *   CSV   one trial: a row per participant; replicates: study,yi,sei rows for `gabasim meta`
 *   plot  one trial: pain by visit and arm; replicates: the power curve (needs an N grid)
 */
#ifndef GABASIM_REPORT_TRIAL_H
#define GABASIM_REPORT_TRIAL_H

#include <stdio.h>

#include "gabasim/report.h"
#include "gabasim/error.h"
#include "gabasim/trial.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Each returns GS_IO when writing to `f` fails (GS_NOMEM for JSON out of memory). */
gs_status gs_report_trial_text(const struct gs_trial_simulation *r, FILE *f, struct gs_error *err);
gs_status gs_report_trial_json(const struct gs_trial_simulation *r, FILE *f, struct gs_error *err);
gs_status gs_report_trial_csv(const struct gs_trial_simulation *r, FILE *f, struct gs_error *err);

/* Draws into the open outfile (SVG or PNG by its path); the caller commits it. Replicates without
 * a power curve have nothing to draw: GS_INPUT. */
gs_status gs_report_trial_plot(const struct gs_trial_simulation *r, struct gs_outfile *out,
                               struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
