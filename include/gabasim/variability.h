/* gabasim/variability.h - between-subject and between-occasion variability, residual error.
 *
 * Random effects are log-normal: parameter_i = typical_i x exp(eta_i), eta ~ N(0, Omega). Omega
 * (full covariance, from the drug file) is factorised once by Cholesky (GSL); a matrix that is
 * not positive definite is rejected with a message naming the drug file. Draws take an explicit
 * gs_rng, so a subject's parameters depend only on (seed, subject index).
 * Residual error for simulated observations: DV = IPRED x (1 + prop x e1) + add x e2, e1, e2
 * standard normal (additive, proportional or combined, by which SDs the drug file gives).
 */
#ifndef GABASIM_VARIABILITY_H
#define GABASIM_VARIABILITY_H

#include <stddef.h>

#include "gabasim/drug.h"
#include "gabasim/model.h"
#include "gabasim/rng.h"
#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct gs_variability {
    size_t n;                                    /* random effects (0: none) */
    int param[GS_MAX_PARAMS];                    /* structure parameter each applies to */
    double omega[GS_MAX_PARAMS * GS_MAX_PARAMS]; /* covariance, row-major n x n */
    double chol[GS_MAX_PARAMS * GS_MAX_PARAMS];  /* lower factor L, omega = L L^T */
    double bov_sd[GS_MAX_PARAMS];                /* per structure parameter; 0 none */
    double resid_add_mg_l, resid_prop;           /* 0 where absent */
};

/* From the drug file; `scale` multiplies every SD (1 as published, 0 for the typical subject). */
gs_status gs_variability_from_drug(const gs_drug *d, double scale, struct gs_variability *v,
                                   struct gs_error *err);

/* Sets omega (n x n) and factorises it; GS_INPUT naming `origin` if not positive definite. */
gs_status gs_variability_set_omega(struct gs_variability *v, size_t n, const int *param,
                                   const double *omega, const char *origin, struct gs_error *err);

/* eta = L z with z standard normal (n draws). */
void gs_variability_draw_eta(const struct gs_variability *v, gs_rng *r, double *eta);

/* m->p[param[k]] *= exp(eta[k]). */
void gs_variability_apply_eta(const struct gs_variability *v, const double *eta,
                              struct gs_model *m);

/* Occasion effects: each parameter with a between-occasion SD times exp(N(0, sd^2)). */
void gs_variability_apply_occasion(const struct gs_variability *v, gs_rng *r, struct gs_model *m);

/* A simulated observation around `ipred` (mg/L). */
double gs_variability_observe(const struct gs_variability *v, gs_rng *r, double ipred);

#ifdef __cplusplus
}
#endif
#endif
