/* gabasim/dataset_sim.h - predictions for a NONMEM-style dataset: PRED, a simulated individual
 * and its DV (gs_dataset_simulate), the MAP individual prediction from the measured DV
 * (gs_dataset_individual).
 *
 * Each individual's records become its events (NONMEM meanings of EVID, AMT, CMT, RATE, II,
 * ADDL, SS), applied in file order, and its observations (EVID 0), predicted where they stand
 * among the records at their TIME. Covariate columns recognised (case-insensitive): AGE (years),
 * SEX (0 male, 1 female), WT (kg), HT (cm), SCR (mg/dL), CRCL (mL/min), DIAL (1 = anuric on
 * haemodialysis). A missing value ('.') means unchanged (the last given value; before the first,
 * the first). A record's values govern the interval that ends at it (next observation carried
 * backward, NONMEM's rule; the default) or, with the dataset read with GS_FILL_LOCF, the one
 * that starts at it. Without any of them every subject is the default patient. Columns named as
 * one of the structure's parameters (CL, V, KA, ...) give the individual's value, used for PRED
 * and IPRED alike (no random effect on it); F1/F2 and ALAG1/ALAG2 the bioavailable fraction and
 * lag per compartment; R1/R2 and D1/D2 the modelled rate and duration of RATE -1 and -2 doses.
 * docs/datasets.md states every convention. PRED uses typical parameters (no random effects),
 * IPRED the subject's random effects (stream = individual index in the file), SIMDV adds
 * residual error to IPRED from the same stream. An OCC column marks occasions: each new OCC value
 * draws the drug file's between-occasion effects (bov_sd) for IPRED, from the same stream.
 * A haemodialysis session is an EVID 2 record with HD = 1 and DUR = its length in hours (above 0
 * to 24): from its TIME for DUR hours the drug file's dialysis clearance (model.haemodialysis.CL)
 * is added to the subject's (sessions may not overlap; HD 1 on another EVID, or without DUR, is an
 * error naming the column and line). HD and DUR are read on that record only (not carried
 * forward); DIAL = 1 still sets the anuric clearance between sessions. No supplement is implied:
 * the dataset gives its doses.
 * Subjects run in parallel; results are identical for any thread count.
 */
#ifndef GABASIM_DATASET_SIM_H
#define GABASIM_DATASET_SIM_H

#include <stdint.h>

#include "gabasim/dataset.h"
#include "gabasim/drug.h"
#include "gabasim/patient.h"
#include "gabasim/simulate.h"
#include "gabasim/variability.h"

#ifdef __cplusplus
extern "C" {
#endif

struct gs_dataset_sim_config {
    const gs_dataset *ds;
    const gs_drug *drug;
    const struct gs_variability *var; /* NULL or n = 0: IPRED = PRED, no residual */
    const struct gs_patient *patient; /* for subjects without covariate columns (resolved) */
    struct gs_sim_options sim;
    uint64_t seed;
    int threads;
};

/* GS_INPUT when `option` (a patient option given on the command line, without dashes: "crcl";
 * NULL: none) would be overridden: the dataset has a covariate column, which then describes
 * every subject. The message names both. */
gs_status gs_dataset_check_patient_option(const gs_dataset *ds, const char *option,
                                          struct gs_error *err);

/* The dataset's columns that gs_dataset_simulate() does not read with this drug, as one line
 * into buf ("columns not read: CLCR, FOO; ..."), and how many (0: buf is ""). Dropped columns
 * are not listed. */
size_t gs_dataset_unused_columns(const gs_dataset *ds, const gs_drug *drug, char *buf, size_t size);

/* The observation records whose CMT names a compartment other than the central one (CMT above 0,
 * not 2): gabasim predicts the central concentration on every observation, so their CMT is not
 * read. One line into buf saying so, with the first such record's ID and TIME, and how many
 * (0: buf is ""). */
size_t gs_dataset_observation_cmt_note(const gs_dataset *ds, char *buf, size_t size);

/* Fills pred/ipred/simdv (one value per dataset row, NaN on rows that are not observations).
 * Errors name the file and line: "d.csv: line 14: '--crcl' is 300 mL/min; ...". */
gs_status gs_dataset_simulate(const struct gs_dataset_sim_config *c, double *pred, double *ipred,
                              double *simdv, struct gs_error *err);

/* The MAP individual prediction (IPRED) and IWRES from each subject's measured DV (EVID 0, MDV 0,
 * DV given): the subject's random effects maximise the posterior of gs_tdm_estimate_events
 * (priors Omega and residual error from c->var, the subject's doses and covariates as
 * gs_dataset_simulate reads them; columns giving a parameter keep it fixed; between-occasion
 * effects are not estimated). IPRED at every observation row; a subject without DV gets eta = 0,
 * IPRED = PRED. IWRES = (DV - IPRED) / sqrt(add^2 + (prop IPRED)^2) where DV is given and the
 * residual error is not zero, else NaN. Errors name the file and ID. */
gs_status gs_dataset_individual(const struct gs_dataset_sim_config *c, double *ipred, double *iwres,
                                struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
