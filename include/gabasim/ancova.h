/* ancova.h - the primary analysis of a two-arm trial: the treatment difference in an outcome,
 * adjusted for its baseline (ANCOVA by ordinary least squares: y = b0 + b1 arm + b2 baseline),
 * with its standard error, confidence interval and two-sided t test on n - 3 degrees of freedom.
 * Without a baseline it is the pooled-variance two-sample t test (n - 2 df). */
#ifndef GABASIM_ANCOVA_H
#define GABASIM_ANCOVA_H

#include <stddef.h>

#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct gs_ancova_result {
    double effect, se, ci_lo, ci_hi, t, p; /* arm 1 minus arm 0 */
    double sigma;                          /* residual SD */
    int df;
};

/* y[i] outcome, arm[i] 0 or 1, baseline[i] (or NULL) for n participants; each arm needs at least
 * 2 (3 with a baseline, whose values must not all be equal). */
gs_status gs_ancova(const double *y, const int *arm, const double *baseline, size_t n, double level,
                    struct gs_ancova_result *r, struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
