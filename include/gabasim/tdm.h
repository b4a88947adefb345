/* gabasim/tdm.h - therapeutic drug monitoring: one patient's own parameters from measured
 * levels (Bayesian MAP estimation), their uncertainty, and the dose that reaches a target.
 *
 * The prior is the drug file's population model for this patient's covariates: typical values
 * (gs_drug_individual_model) with log-normal between-subject variability eta ~ N(0, Omega)
 * (gabasim/variability.h). The likelihood is the drug file's residual-error model: a level y_j
 * at time t_j is normal around the individual prediction f_j with variance
 * sigma_j^2 = add^2 + (prop f_j)^2. The objective minimised is
 *   OFV(eta) = sum_j [ (y_j - f_j)^2 / sigma_j^2 + log sigma_j^2 ] + eta^T Omega^-1 eta,
 * i.e. -2 log posterior up to a constant (the usual MAP-Bayes objective; Sheiner LB, Beal SL,
 * J Pharmacokinet Biopharm 1982;10:303-319). It is minimised by damped Gauss-Newton steps on
 * the exact gradient from forward sensitivities of the predictions (finite differences where
 * those are not available; docs/tdm.md); predictions come from the public simulation engine
 * (gabasim/simulate.h) with the dosing history as event records, so missed and extra doses,
 * steady-state starts and dialysis sessions count as they do everywhere else.
 *
 * Uncertainty: the Laplace approximation (eta ~ N(MAP, H^-1), H the Hessian of -log posterior at
 * the MAP), checked by self-normalised importance sampling of the exact posterior with a
 * multivariate t proposal (4 degrees of freedom) centred on the MAP with the Laplace
 * covariance; the effective sample size says how far the two agree.
 *
 * Everything here supports, and does not replace, a clinician's judgement.
 */
#ifndef GABASIM_TDM_H
#define GABASIM_TDM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gabasim/drug.h"
#include "gabasim/model.h"
#include "gabasim/patient.h"
#include "gabasim/regimen.h"
#include "gabasim/error.h"
#include "gabasim/events.h"
#include "gabasim/variability.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_TDM_MAX_LEVELS 64
#define GS_TDM_MAX_DRAWS  100000L

/* A measured plasma level. */
struct gs_tdm_level {
    double time_h;    /* hours from the first dose of the history */
    double conc_mg_l; /* as reported (mg/L = ug/mL) */
};

struct gs_tdm_request {
    const gs_drug *drug;
    const struct gs_patient *patient; /* resolved (gs_patient_resolve) */
    const struct gs_regimen *regimen; /* the dosing history (validated; dialysis applied) */
    const struct gs_tdm_level *levels;
    size_t n_levels; /* 1 to GS_TDM_MAX_LEVELS */
    double interval; /* central probability of the intervals: 0.9 (above 0, below 1) */
    uint64_t seed;   /* draws for importance sampling and prediction bands */
    long n_draws;    /* 0: no importance sampling and no band; else 100 to GS_TDM_MAX_DRAWS */
    double until_h;  /* end of the prediction grid; NaN: the last level or dose + 24 h */
    double step_h;   /* grid spacing; NaN: until / 200 */
    double rtol;     /* ODE relative tolerance of every prediction; NaN: 1e-10 */
};

/* One estimated parameter (a structure parameter carrying a random effect). */
struct gs_tdm_param {
    const char *name, *unit; /* static, from the structure */
    double typical;          /* population value for this patient's covariates */
    double prior_sd;         /* SD of eta (log scale), the drug file's omega */
    double eta, post_sd;     /* MAP eta and its Laplace SD */
    double estimate;         /* typical x exp(eta) */
    double lo, hi;           /* Laplace interval of the estimate (log-normal) */
    double shrinkage;        /* 1 - post_sd / prior_sd: 0 the levels taught nothing */
    double is_mean, is_sd;   /* importance-sampling posterior mean and SD of the estimate */
    double is_lo, is_hi;     /* and its interval (weighted quantiles); NaN without draws */
};

/* A level beside its fit. */
struct gs_tdm_fit_point {
    double time_h, observed, ipred, pred; /* pred: the typical patient's prediction */
    double iwres;                         /* (observed - ipred) / sigma */
};

struct gs_tdm_result {
    size_t n_eta;
    struct gs_tdm_param param[GS_MAX_PARAMS];
    double cov[GS_MAX_PARAMS * GS_MAX_PARAMS];      /* Laplace covariance of eta, row-major */
    struct gs_model typical, individual;            /* models at eta = 0 and at the MAP */
    double half_life_h, half_life_lo, half_life_hi; /* ln 2 V / CL at the MAP, Laplace interval */
    double typical_half_life_h;
    double ofv, ofv_prior; /* objective at the MAP and at eta = 0 */
    int iterations;        /* Newton iterations */
    /* predictions of the levels, a sensitivity solve (levels and their derivatives with
     * respect to eta, integrated together) counting as one */
    long evaluations;
    double interval;
    /* importance sampling (n_draws > 0) */
    long n_draws;
    double ess; /* effective sample size, (sum w)^2 / sum w^2 */
    /* the fit at each level */
    size_t n_levels;
    struct gs_tdm_fit_point fit[GS_TDM_MAX_LEVELS];
    /* predictions on a grid: individual (MAP), typical, and the posterior band of the
     * concentration (quantiles over the draws; NaN without draws). Owned: gs_tdm_result_release */
    size_t n_grid;
    double *t_h, *ipred, *pred, *band_lo, *band_hi;
    char notes[1024]; /* assumptions, one per line */
    long sens_solves; /* sensitivity solves among the evaluations (0: finite differences) */
};
#define GS_TDM_RESULT_INIT                                                                         \
    {                                                                                              \
        .n_eta = 0                                                                                 \
    }
void gs_tdm_result_release(struct gs_tdm_result *r);

/* Estimates the patient's parameters from the levels. GS_INPUT naming the field for a bad
 * request ("--level" for a level outside the simulated span, a negative time...). */
gs_status gs_tdm_estimate(const struct gs_tdm_request *req, struct gs_tdm_result *out,
                          struct gs_error *err);

/* The objective OFV(eta) above for a request (exposed for tests and independent checks). */
gs_status gs_tdm_objective(const struct gs_tdm_request *req, const double *eta, double *ofv,
                           struct gs_error *err);

/* ---- a dosing history given as events (a NONMEM-style dataset subject) ---- */
#define GS_TDM_MAX_EVENT_LEVELS 1024
struct gs_tdm_events_request {
    const gs_drug *drug;
    /* priors (Omega) and residual error; NULL: the drug file's (gs_variability_from_drug, 1) */
    const struct gs_variability *var;
    /* the subject's typical models (covariates applied, no random effect), switched by the
     * events' GS_EVID_MODEL records as in gs_simulate_tv; fixed: NULL, or n_models x
     * GS_MAX_PARAMS flags, 1 where the data give the parameter (no random effect on it) */
    const struct gs_model *models;
    const unsigned char *fixed;
    size_t n_models;
    const struct gs_event_list *events; /* validated, ADDL-expanded, time-sorted */
    /* one value per GS_EVID_OBS record of the events, in order: the measured level (mg/L), NaN
     * where there is none; at most GS_TDM_MAX_EVENT_LEVELS are not NaN */
    const double *dv;
    size_t n_obs;
    double rtol; /* NaN: 1e-10 */
};
struct gs_tdm_events_result {
    size_t n_eta, n_levels;                    /* n_levels: the DV values used */
    double eta[GS_MAX_PARAMS];                 /* MAP (0 without levels: the prior's mode) */
    double cov[GS_MAX_PARAMS * GS_MAX_PARAMS]; /* Laplace (Omega without levels); NaN if the
                                                * Hessian is not positive definite */
    double ofv;                                /* at the MAP */
    int iterations;
    long evaluations, sens_solves; /* as in gs_tdm_result */
};
/* The MAP random effects of one subject given as events; apply them with
 * gs_variability_apply_eta to the same models for the individual prediction. The objective is
 * gs_tdm_estimate's, so the same levels and doses give the same MAP. */
gs_status gs_tdm_estimate_events(const struct gs_tdm_events_request *req,
                                 struct gs_tdm_events_result *out, struct gs_error *err);

/* ---- dose to target ---- */
enum gs_tdm_metric {
    GS_TDM_TROUGH = 0, /* steady-state level just before a dose, mg/L */
    GS_TDM_CAVG,       /* steady-state average level, mg/L */
    GS_TDM_AUC24,      /* steady-state area under the curve over 24 h, mg*h/L */
};
/* "trough", "cavg", "auc24"; static. */
const char *gs_tdm_metric_name(enum gs_tdm_metric m);

struct gs_tdm_target_request {
    const struct gs_tdm_request *fit_request; /* the estimation request (drug, patient) */
    const struct gs_tdm_result *fit;          /* its result (MAP and Laplace covariance) */
    enum gs_tdm_metric metric;
    double target;      /* mg/L (trough, cavg) or mg*h/L (auc24), above 0 */
    double probability; /* wanted P(metric >= target), 0.05 to 0.95 */
    long n_draws;       /* posterior draws per candidate regimen: 50 to 10000 */
    uint64_t seed;
};

#define GS_TDM_MAX_CANDIDATES 64
struct gs_tdm_candidate {
    double dose_mg, daily_mg;
    int per_day;
    double probability;    /* P(metric >= target) */
    double median, lo, hi; /* of the metric over the posterior draws */
};

struct gs_tdm_target_result {
    int reached; /* 1: the chosen regimen reaches the target with the probability */
    double band_lo_mg, band_hi_mg; /* the label's daily range for the patient's kidney function */
    int per_day;
    double ii_h, dose_mg, daily_mg;
    char form[80];                      /* what makes each dose (dispensable) */
    double probability, median, lo, hi; /* of the chosen regimen */
    size_t n_candidates;
    struct gs_tdm_candidate cand[GS_TDM_MAX_CANDIDATES]; /* every regimen evaluated */
    /* the chosen regimen's steady-state profile over one evaluation period (24 h; a week on
     * dialysis): MAP prediction and posterior band. Owned: gs_tdm_target_result_release */
    size_t n_grid;
    double *t_h, *ipred, *band_lo, *band_hi;
    double period_h;
    char note[1024];
};
#define GS_TDM_TARGET_RESULT_INIT                                                                  \
    {                                                                                              \
        .reached = 0                                                                               \
    }
void gs_tdm_target_result_release(struct gs_tdm_target_result *r);

/* The lowest label regimen (a dispensable dose, the label's doses a day for the patient's
 * kidney function, daily total inside the label's band, passing gs_dosing_check) whose
 * posterior probability of reaching the target is at least the requested one; if none does,
 * the highest such regimen with reached = 0. On dialysis: once daily plus the label's
 * supplement after each session, evaluated over the fourth week. Never proposes a dose outside
 * the band. */
gs_status gs_tdm_dose_to_target(const struct gs_tdm_target_request *req,
                                struct gs_tdm_target_result *out, struct gs_error *err);

/* ---- simulation-estimation (validation) ---- */
struct gs_tdm_simest_request {
    const gs_drug *drug;
    const struct gs_patient *patient;
    const struct gs_regimen *regimen; /* validated, dialysis applied */
    const double *sample_h;           /* sampling times */
    size_t n_samples;
    long n_subjects;
    uint64_t seed;
    double interval; /* 0.9 */
    int threads;     /* gs_threads_resolve */
};
struct gs_tdm_simest_result {
    long n_subjects, n_failed;
    double cl_bias, cl_rmse; /* relative: mean and RMS of CL_hat / CL_true - 1 */
    double cl_prior_rmse;    /* the same for the typical CL (what the levels improved) */
    double cl_coverage;      /* share of Laplace intervals holding the true CL */
    double v_coverage;
    double mean_shrinkage_cl;
};
gs_status gs_tdm_simest(const struct gs_tdm_simest_request *req, struct gs_tdm_simest_result *out,
                        struct gs_error *err);

/* ---- reports (src/report/tdm_report.c) ---- */
/* The estimate (and the target's regimen, if `target` is not NULL) as text, with the clinical
 * notice. GS_IO if writing fails. */
gs_status gs_report_tdm_text(const struct gs_tdm_request *req, const struct gs_tdm_result *r,
                             const struct gs_tdm_target_request *treq,
                             const struct gs_tdm_target_result *target, FILE *f);
/* The same as JSON (a string the caller frees with gs_free); NULL when out of memory. */
char *gs_report_tdm_json(const struct gs_tdm_request *req, const struct gs_tdm_result *r,
                         const struct gs_tdm_target_request *treq,
                         const struct gs_tdm_target_result *target);

#ifdef __cplusplus
}
#endif
#endif
