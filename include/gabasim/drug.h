/* gabasim/drug.h - the drug library: parameter files with units and sources.
 *
 * A drug file (data/drugs/NAME.json, documented in docs/drug-files.md) names a model structure
 * and gives every parameter with its unit and source, covariate effects, between-subject
 * variability, the anuric (haemodialysis) clearance, a simulation dose ceiling, titration
 * schedules, the calibration record of fitted parameters, and the stated assumptions.
 *
 * gs_drug is an opaque, immutable handle: create with gs_drug_load()/gs_drug_parse(), free with
 * gs_drug_free() (NULL is a no-op). Strings returned by accessors live as long as the handle.
 * A loaded drug is read-only and may be shared by threads.
 */
#ifndef GABASIM_DRUG_H
#define GABASIM_DRUG_H

#include <stddef.h>

#include "gabasim/datafile.h" /* gs_datafile_dir */
#include "gabasim/model.h"
#include "gabasim/patient.h"
#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gs_drug gs_drug;

/* Largest drug file accepted (bytes); a ceiling against runaway input. */
#define GS_DRUG_FILE_MAX (1 << 20)

/* Loads a drug by library name ("gabapentin", looked up in gs_datafile_dir()/drugs) or by path (any
 * argument containing '/' or ending in ".json"; "-" reads standard input). */
gs_status gs_drug_load(gs_drug **out, const char *name_or_path, struct gs_error *err);

/* Parses drug-file text of `len` bytes; `origin` names it in messages (a path). */
gs_status gs_drug_parse(gs_drug **out, const char *text, size_t len, const char *origin,
                        struct gs_error *err);

void gs_drug_free(gs_drug *d);

const char *gs_drug_name(const gs_drug *d);
const char *gs_drug_title(const gs_drug *d);
const char *gs_drug_summary(const gs_drug *d);
const char *gs_drug_origin(const gs_drug *d);
const struct gs_structure *gs_drug_structure(const gs_drug *d);

/* Largest single dose accepted for simulation, mg, and its justification. */
double gs_drug_max_dose_mg(const gs_drug *d);
const char *gs_drug_max_dose_source(const gs_drug *d);

/* A parameter as the drug file gives it, for listings. */
struct gs_drug_param_info {
    const char *name;
    const char *unit;
    const char *meaning;
    double value; /* typical value at the reference covariates */
    int given;    /* 0: optional and absent, the structure's fallback is used */
    const char *source;
    const char *effects;      /* covariate effects as text ("" if none) */
    double omega_sd;          /* log-normal between-subject SD; NaN if none published */
    const char *omega_source; /* "" if none */
};

size_t gs_drug_param_count(const gs_drug *d);
void gs_drug_param_info(const gs_drug *d, size_t i, struct gs_drug_param_info *info);

/* Between-subject variability: random effects on log(parameter). Writes the indices (structure
 * order) of the parameters with a non-zero variance to param_idx[] and their n x n covariance
 * (row-major) to cov[] (room for GS_MAX_PARAMS^2); returns n. Built from each parameter's
 * omega_sd and, where given, the file's omega_block (full covariance with its correlations). */
size_t gs_drug_omega(const gs_drug *d, int *param_idx, double *cov);

/* Between-occasion SD of log(parameter i); NaN if the file gives none. */
double gs_drug_bov_sd(const gs_drug *d, size_t i);

/* Residual error of observations: additive SD (mg/L) and proportional SD (fraction); NaN where
 * the file gives none (both NaN: no residual model). `source` may be NULL. */
void gs_drug_residual(const gs_drug *d, double *additive_mg_l, double *proportional,
                      const char **source);

/* The laboratory reference range of plasma levels (the drug file's "reference_range"): the span
 * laboratories print beside a measured level, drawn as `sample` says (a trough at steady state).
 * It is not a target: no concentration-response for pain is established (`caveat`). */
struct gs_reference_range {
    double low_mg_l, high_mg_l;
    const char *sample; /* when the level is drawn */
    const char *source;
    const char *caveat;
};
/* The drug file's reference range, or NULL if it gives none. Lives as long as the drug. */
const struct gs_reference_range *gs_drug_reference_range(const gs_drug *d);

/* Clearance used for anuric patients on haemodialysis (between sessions), L/h, with source. */
double gs_drug_anuric_cl(const gs_drug *d);
const char *gs_drug_anuric_cl_source(const gs_drug *d);
/* Dialysis clearance added to the patient's during a haemodialysis session, L/h, with source
 * (model.haemodialysis.CL); NaN if the file gives none. */
double gs_drug_hd_cl(const gs_drug *d);
const char *gs_drug_hd_cl_source(const gs_drug *d);

/* Named titration schedules ("label"): schedule text for gs_regimen_parse_titration(). */
size_t gs_drug_titration_count(const gs_drug *d);
void gs_drug_titration(const gs_drug *d, size_t i, const char **name, const char **schedule,
                       const char **source);
/* The schedule named `name`, or NULL. */
const char *gs_drug_titration_find(const gs_drug *d, const char *name);

/* Free-text records for display: assumptions (one per entry) and the calibration record as
 * pretty JSON (NULL if the file has none). */
size_t gs_drug_assumption_count(const gs_drug *d);
const char *gs_drug_assumption(const gs_drug *d, size_t i);
const char *gs_drug_calibration_json(const gs_drug *d);

/* ---- sections the loader reads into structs (each parsed once, when the file is loaded) ---- */

/* The "dosing" section: label dosing rules, applied by the dosing module (gabasim/dosing.h). */
#define GS_DOSING_MAX_BANDS   6
#define GS_DOSING_MAX_COLUMNS 6

struct gs_renal_band {
    double crcl_min, crcl_max;         /* [min, max) mL/min; max = INFINITY on top */
    double daily_min_mg, daily_max_mg; /* the label's total daily dose range */
    int per_day[3];                    /* doses a day the label gives (1, 2 or 3) */
    size_t n_per_day;
    double column_mg[GS_DOSING_MAX_COLUMNS][2]; /* the label's columns: daily dose low, high */
    size_t n_columns;
    double scale_below_crcl; /* > 0: below this CrCl the daily dose scales with CrCl / it */
};

/* A marketed solid (capsule or tablet) strength: the drug file's dosing.products. */
#define GS_DOSING_MAX_SOLIDS    12
#define GS_DOSING_MAX_INTERVALS 4

struct gs_dose_product {
    double mg;
    const char *form; /* "capsule", "tablet" */
};

struct gs_dosing {
    struct gs_renal_band band[GS_DOSING_MAX_BANDS]; /* ascending crcl_min */
    size_t n_bands;
    const char *renal_source, *edge_rule;
    double hd_supplement_mg[GS_DOSING_MAX_COLUMNS][2]; /* per column of the lowest band */
    size_t n_hd;
    const char *hd_source;
    double max_daily_mg;
    const char *max_daily_source;
    double max_interval_h; /* longest gap between doses the label allows (0: none stated) */
    const char *max_interval_source;
    double taper_min_days;
    const char *taper_source;
    /* dosing.products: what a dose can be made of (every dose the dosing module gives is) */
    struct gs_dose_product solid[GS_DOSING_MAX_SOLIDS]; /* ascending mg */
    size_t n_solids;
    int max_units;                           /* most solid units in one dose */
    double solution_mg_ml, solution_step_ml; /* oral solution, measured in steps (0: none) */
    const char *products_source, *rounding_rule;
    /* dosing.titration: how fast the dose may rise from the band's start */
    double start_ramp_days; /* > 0: the band's first column reached one dose a day more every
                               this many days (Neurontin PHN); 0: from day 1 */
    double min_interval_days[GS_DOSING_MAX_INTERVALS]; /* before the 1st, 2nd, ... increase;
                                                          the last repeats */
    size_t n_intervals;
    int max_step_columns;   /* an increase reaches at most this many label columns higher */
    double max_step_mg_day; /* and adds at most this much a day (0: no such limit) */
    double older_age_min, older_interval_factor; /* intervals x factor from this age (factor 1:
                                                    none) */
    const char *titration_source, *older_source;
};

/* The drug file's dosing rules, or NULL if it has none. Lives as long as the drug. */
const struct gs_dosing *gs_drug_dosing(const gs_drug *d);

/* The "pharmacodynamics" section: effect site and binding (gabasim/pd.h). */
struct gs_pd_params {
    double ke0_per_h; /* plasma -> effect-site rate constant, 1/h */
    double csf_kp;    /* CSF / effect-site concentration ratio */
    double kd_mg_l;   /* alpha-2-delta-1 dissociation constant, mg/L */
};

/* The drug file's effect-site and binding parameters; GS_UNSUPPORTED if it has none. */
gs_status gs_drug_pd(const gs_drug *d, struct gs_pd_params *out, struct gs_error *err);

/* Individualises: typical values x covariate effects for this patient; clearance never below the
 * anuric clearance (model.anuric.CL) when the file gives one; the model's hd_cl_l_h is the file's
 * dialysis clearance (NaN if none). Covariates the patient
 * lacks (height for ideal body weight, say) are taken at the drug file's reference value; each
 * such assumption is appended to `notes` (may be NULL) as one line. The patient must be resolved
 * (gs_patient_resolve). GS_INPUT if a parameter comes out non-finite or below its structure's
 * lower bound for this patient (extreme covariate effects); GS_UNSUPPORTED for --dialysis with a
 * drug that gives no anuric clearance. */
gs_status gs_drug_individual_model(const gs_drug *d, const struct gs_patient *pt,
                                   struct gs_model *out, char *notes, size_t notes_size,
                                   struct gs_error *err);

/* Names of the drugs in the library, sorted; the caller frees the array and each string with
 * gs_free(). */
gs_status gs_drug_list(char ***names, size_t *n, struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
