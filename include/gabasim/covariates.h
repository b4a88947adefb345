/* gabasim/covariates.h - virtual patients drawn from documented covariate distributions.
 *
 * A covariate distribution is data (data/populations/NAME.json, schema gabasim-population/1):
 * the share of women, age, and per sex height, weight (correlated with height) and serum
 * creatinine, each with bounds and a source. Draws use truncated distributions by inverse CDF
 * (one uniform per value, no rejection loop), so a subject is a pure function of its stream.
 * Creatinine clearance follows from Cockcroft-Gault, so it falls with age as in real patients.
 *
 * gs_covdist is opaque and immutable after loading: share it between threads freely.
 */
#ifndef GABASIM_COVARIATES_H
#define GABASIM_COVARIATES_H

#include <stddef.h>

#include "gabasim/patient.h"
#include "gabasim/rng.h"
#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gs_covdist gs_covdist;

/* By library name (gs_datafile_dir()/populations/NAME.json) or path ("-": standard input). */
gs_status gs_covdist_load(gs_covdist **out, const char *name_or_path, struct gs_error *err);
gs_status gs_covdist_parse(gs_covdist **out, const char *text, size_t len, const char *origin,
                           struct gs_error *err);
void gs_covdist_free(gs_covdist *c);
const char *gs_covdist_name(const gs_covdist *c);
const char *gs_covdist_title(const gs_covdist *c);

/* Draws one patient and resolves it (CrCl by Cockcroft-Gault, capped draws never clamp: bounds
 * are part of the distribution). */
gs_status gs_covdist_draw(const gs_covdist *c, gs_rng *r, struct gs_patient *out,
                          struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
