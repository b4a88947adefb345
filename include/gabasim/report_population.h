/* gabasim/report_population.h - the population command's outputs: the readable summary, the JSON
 * document (docs/schemas/population.schema.json), the per-time percentile CSV, the per-subject
 * files (streamed while the subjects are simulated) and a dataset's predictions.
 *
 * Numbers keep the precision the command has always printed: %.10g for concentrations and
 * times in the JSON and percentile CSV, %.6g for covariates and times above a threshold and
 * %.10g for exposure metrics in the per-subject CSV, %.17g for individual parameters.
 */
#ifndef GABASIM_REPORT_POPULATION_H
#define GABASIM_REPORT_POPULATION_H

#include <stdio.h>

#include "gabasim/population.h"
#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What `gabasim population` prints: spread of Cmax/Cmin/Cavg, attainment, the last time's band. */
gs_status gs_report_population_text(const struct gs_population_result *r, FILE *f,
                                    struct gs_error *err);

/* `gabasim population --json`: summary, attainment and per-time percentiles. */
gs_status gs_report_population_json(const struct gs_population_result *r, FILE *f,
                                    struct gs_error *err);

/* CSV time_h,mean_mg_L,p5_mg_L,...,p95_mg_L[,extra percentiles]: one row per output time. */
gs_status gs_report_population_percentiles_csv(const struct gs_population_result *r, FILE *f,
                                               struct gs_error *err);

/* ---- per-subject files, written while the population runs ---- */

/* The caller sets the FILEs it wants (any may be NULL) and passes gs_report_population_subjects()
 * as the request's sink; the other members belong to the writer. */
struct gs_report_pop_subjects {
    FILE *summary_csv; /* ID, sex, covariates, Cmax, Tmax, Cmin, Cavg, AUC, time above/below */
    FILE *params_csv;  /* ID and the individual parameters */
    FILE *json;        /* an array of one object per subject (the summary's fields) */
    const struct gs_pop_config *cfg;
    long n_json;
    struct gs_population_sink sink;
};

/* Prepares `w` and returns the sink for gs_population_request.sink (NULL when no FILE is set).
 * Headers are written when the run starts, rows in subject order, the JSON array closed at the
 * end. Rows are formatted in parallel on the engine's threads. */
const struct gs_population_sink *gs_report_population_subjects(struct gs_report_pop_subjects *w);

/* One subject's summary CSV row, newline included, as written to summary_csv (cap >= 1024 bytes
 * for up to GS_POP_MAX_THRESHOLDS thresholds). Returns its length. */
size_t gs_report_population_subject_row(const struct gs_pop_config *cfg,
                                        const struct gs_pop_subject *s, char *buf, size_t cap);

/* The dataset as read, with PRED, IPRED, IWRES, SIMIPRED and SIMDV appended (`population --data`).
 */
gs_status gs_report_population_dataset_csv(const struct gs_population_dataset_result *r, FILE *f,
                                           struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
