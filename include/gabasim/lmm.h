/* gabasim/lmm.h - the repeated-measures analysis of a two-arm trial: a linear mixed model with a
 * random intercept per participant (random-effects regression), fitted by REML.
 *
 *   y_ij = b0 + b1 arm_i + b2 baseline_i + visit_j + (arm x visit)_ij + u_i + e_ij,
 *   u_i ~ N(0, tau^2), e_ij ~ N(0, sigma^2),
 *
 * with visit level 0 as the reference, so b1 is the difference between arms at that visit (the
 * trial puts its last visit there). Every observed visit is used, without imputation: under
 * missing-at-random dropout the estimate is unbiased where completers and LOCF analyses are not.
 * The variance ratio tau^2 / sigma^2 maximises the profiled REML likelihood (golden section on
 * its log, and the boundary 0); the test of b1 uses a t distribution on m - 3 degrees of freedom
 * (m participants; arm, baseline and intercept are between-participant terms), nlme's rule.
 * Checked against R nlme::lme (tests/validation/test_lmm.c).
 */
#ifndef GABASIM_LMM_H
#define GABASIM_LMM_H

#include <stddef.h>

#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct gs_lmm_result {
    double effect, se, ci_lo, ci_hi, t, p; /* b1 */
    double sigma, tau;                     /* residual and random-intercept SDs */
    int df;
    double reml_loglik; /* restricted log-likelihood, R's convention */
};

/* The data of gs_lmm_ri: n observations, each array n long (observations of one participant may
 * be anywhere in the arrays). Start from GS_LMM_RI_REQUEST_INIT. */
struct gs_lmm_ri_request {
    const double *y;        /* the outcome */
    const int *arm;         /* 0 or 1 (1: treatment), constant within a participant */
    const double *baseline; /* the baseline covariate, constant within a participant */
    const int *visit;       /* visit level, 0 to n_visits - 1; level 0 is the reference */
    int n_visits;           /* 1 to 60 */
    const long *id;         /* participant */
    size_t n;               /* observations */
    double level;           /* of the confidence interval of b1, in (0, 1) */
};
#define GS_LMM_RI_REQUEST_INIT                                                                     \
    {                                                                                              \
        NULL, NULL, NULL, NULL, 0, NULL, 0, 0.95                                                   \
    }

/* Fits the model to req's observations into *r. Visit levels without observations are dropped;
 * GS_INPUT when the design is singular or has fewer than 4 participants. */
gs_status gs_lmm_ri(const struct gs_lmm_ri_request *req, struct gs_lmm_result *r,
                    struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
