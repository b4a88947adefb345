/* gabasim/mmrm.h - the mixed model for repeated measures (MMRM) of a two-arm trial, the analysis
 * regulators expect for repeated visits (Mallinckrodt et al., Drug Inf J 2008; EMA Guideline on
 * missing data in confirmatory clinical trials, EMA/CPMP/EWP/1776/99 Rev. 1, 2010):
 *
 *   y_ij = mu_j + delta_j arm_i + gamma_j baseline_i + e_ij,   e_i ~ N(0, Sigma_i),
 *
 * visit j as a factor, treatment x visit and baseline x visit, and an unstructured covariance
 * Sigma over the visits (Sigma_i: the rows and columns of the visits participant i attended).
 * Missing visits are dropped, not imputed: valid under missing at random. Sigma maximises the
 * restricted (REML) likelihood over its Cholesky factor (log diagonal): quasi-Newton (BFGS)
 * with the analytic gradient, then Newton steps on the Hessian by central differences of that
 * gradient. The result is delta at the last visit with its standard error, a t test, CI and p,
 * by default with Kenward and Roger's adjustment (Biometrics 1997; 53:983-997): the plug-in
 * variance of delta corrected for its bias and for the uncertainty of the estimated covariance
 * (Sigma parametrised by its elements, W the inverse of REML's expected information, as
 * pbkrtest), on their degrees of freedom (for one df their F scale is 1). On request the
 * plug-in variance on Satterthwaite's degrees of freedom (Satterthwaite 1946; the variance of
 * the contrast's estimated variance from the inverse Hessian of the REML criterion, as lmerTest
 * and emmeans do), which rejects a true null too often with small arms and heavy dropout
 * (docs/trial.md). Also on request: a structured working covariance (heterogeneous AR(1) or
 * compound symmetry) and sandwich variances of the contrast (CR2, Mancl-DeRouen) on the
 * sandwich's Satterthwaite df, which hold the level where the unstructured fit has too few
 * participants (docs/trial.md, "Small trials"). Checked against R nlme::gls with corSymm (or
 * corAR1, corCompSymm) and varIdent, emmeans, the Kenward-Roger formulas written out in R, a
 * numerical second route to them, pbkrtest and clubSandwich (tests/validation/test_mmrm.c).
 *
 * Observations are grouped by their pattern of attended visits, so one evaluation of the
 * criterion costs O(patterns * visits^3 + visits^3), independent of the number of participants;
 * Kenward-Roger's adjustment costs O(visits^2 (patterns visits^2 + visits^4)) once per fit.
 */
#ifndef GABASIM_MMRM_H
#define GABASIM_MMRM_H

#include <stddef.h>

#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_MMRM_MAX_VISITS 24 /* an unstructured covariance has visits (visits + 1) / 2 terms */

/* The small-sample inference for the contrast: Kenward and Roger (Biometrics 1997; 53:983-997),
 * the adjusted variance of the estimate and its df (the default), or the plug-in variance with
 * Satterthwaite's df (anticonservative with small arms and heavy dropout: docs/trial.md). */
enum gs_mmrm_df {
    GS_MMRM_DF_KENWARD_ROGER = 0,
    GS_MMRM_DF_SATTERTHWAITE = 1,
    /* sandwich (empirical) variances of the contrast, on the Satterthwaite df of the sandwich
     * under the working model (Bell and McCaffrey, Survey Methodology 2002; Pustejovsky and
     * Tipton, J Bus Econ Stat 2018): the bias-reduced "CR2" (McCaffrey, Bell and Botts 2001)
     * and Mancl and DeRouen's (Biometrics 2001; 57:126-134; clubSandwich's "CR3") */
    GS_MMRM_DF_CR2 = 2,
    GS_MMRM_DF_MD = 3
};

/* The covariance over visits: unstructured (visits (visits + 1) / 2 terms, the default), or a
 * structured working covariance with a visit's own SD s_j and one correlation parameter rho:
 * heterogeneous first-order autoregressive, s_j s_k rho^|j - k|, or heterogeneous compound
 * symmetry, s_j s_k rho (visits + 1 terms). Kenward-Roger needs the unstructured one. */
enum gs_mmrm_cov { GS_MMRM_COV_UNSTRUCTURED = 0, GS_MMRM_COV_ARH1 = 1, GS_MMRM_COV_CSH = 2 };

struct gs_mmrm_result {
    double effect, se, ci_lo, ci_hi, t, p; /* delta at the last visit: arm 1 minus arm 0; se, t, p
                                              and CI by the request's df_method */
    double df;                             /* Kenward-Roger's or Satterthwaite's */
    double se_model;           /* the plug-in SE, sqrt of (X'V^-1X)^-1 at the contrast */
    enum gs_mmrm_df df_method; /* as requested */
    double reml_loglik;        /* restricted log-likelihood, -1/2 [(N - p) log 2 pi + log|V| +
                                  log|X'V^-1X| + r'V^-1 r] */
    int n_visits;              /* visit levels with observations (the covariance's dimension) */
    long n_participants;
    int iterations;                                      /* quasi-Newton and Newton steps */
    double cov[GS_MMRM_MAX_VISITS * GS_MMRM_MAX_VISITS]; /* Sigma, n_visits x n_visits row-major
                                                             over the visits with observations */
    double sigma_last;                                   /* residual SD at the last visit */
};

/* The data: n observations, each array n long (a participant's observations may be anywhere in
 * the arrays). Start from GS_MMRM_REQUEST_INIT. */
struct gs_mmrm_request {
    const double *y;        /* the outcome */
    const int *arm;         /* 0 or 1 (1: treatment), constant within a participant */
    const double *baseline; /* the baseline covariate, constant within a participant */
    const int *visit;       /* 0 to n_visits - 1 in time order; the contrast is at n_visits - 1 */
    int n_visits;           /* 1 to GS_MMRM_MAX_VISITS */
    const long *id;         /* participant */
    size_t n;               /* observations */
    double level;           /* of the confidence interval, in (0, 1) */
    enum gs_mmrm_df df_method; /* default (0) Kenward-Roger */
    enum gs_mmrm_cov cov;      /* default (0) unstructured */
};
#define GS_MMRM_REQUEST_INIT                                                                       \
    {                                                                                              \
        NULL, NULL, NULL, NULL, 0, NULL, 0, 0.95, GS_MMRM_DF_KENWARD_ROGER,                        \
            GS_MMRM_COV_UNSTRUCTURED                                                               \
    }

/* Fits the model to req's observations into *r. Visit levels without observations are dropped.
 * GS_INPUT names the cause when the data cannot identify the model: a value out of range, a
 * participant with two observations at one visit or changing arm or baseline, the last visit
 * without observations in an arm, a visit with too few participants or whose baselines do not
 * vary, two visits nobody attended together, more fixed effects than observations. GS_SOLVER
 * when the REML maximisation does not converge or ends where the covariance is singular. */
gs_status gs_lmm_mmrm(const struct gs_mmrm_request *req, struct gs_mmrm_result *r,
                      struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
