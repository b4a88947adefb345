/* variability.c - log-normal random effects with a full covariance, residual error. */
#include "gabasim/variability.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <string.h>

gs_status gs_variability_set_omega(struct gs_variability *v, size_t n, const int *param,
                                   const double *omega, const char *origin, struct gs_error *err)
{
    v->n = n;
    memcpy(v->param, param, n * sizeof *param);
    memcpy(v->omega, omega, n * n * sizeof *omega);
    memcpy(v->chol, omega, n * n * sizeof *omega);
    if (n == 0)
        return GS_OK;
    /* GSL's error handler is off library-wide (set once at load): the status is checked here */
    gsl_matrix_view L = gsl_matrix_view_array(v->chol, n, n);
    int rc = gsl_linalg_cholesky_decomp1(&L.matrix);
    if (rc != GSL_SUCCESS)
        return gs_error_set(err, GS_INPUT, "omega",
                            "%s: the between-subject covariance (omega) is not positive "
                            "definite; check its variances and correlations",
                            origin);
    for (size_t i = 0; i < n; i++) /* keep L only: GSL leaves L^T in the upper triangle */
        for (size_t j = i + 1; j < n; j++)
            v->chol[i * n + j] = 0.0;
    return GS_OK;
}

gs_status gs_variability_from_drug(const gs_drug *d, double scale, struct gs_variability *v,
                                   struct gs_error *err)
{
    memset(v, 0, sizeof *v);
    if (!(scale >= 0.0 && scale <= 10.0))
        return gs_error_set(err, GS_INPUT, "--variability",
                            "'--variability' is %g; allowed 0 to 10 (1 = as published)", scale);
    int idx[GS_MAX_PARAMS];
    double cov[GS_MAX_PARAMS * GS_MAX_PARAMS];
    size_t n = gs_drug_omega(d, idx, cov);
    for (size_t i = 0; i < n * n; i++)
        cov[i] *= scale * scale;
    if (scale == 0.0)
        n = 0;
    gs_status st = gs_variability_set_omega(v, n, idx, cov, gs_drug_origin(d), err);
    if (st != GS_OK)
        return st;
    for (size_t i = 0; i < gs_drug_param_count(d); i++) {
        double b = gs_drug_bov_sd(d, i);
        v->bov_sd[i] = isnan(b) ? 0.0 : scale * b;
    }
    double add, prop;
    gs_drug_residual(d, &add, &prop, NULL);
    v->resid_add_mg_l = isnan(add) ? 0.0 : scale * add;
    v->resid_prop = isnan(prop) ? 0.0 : scale * prop;
    return GS_OK;
}

void gs_variability_draw_eta(const struct gs_variability *v, gs_rng *r, double *eta)
{
    double z[GS_MAX_PARAMS];
    size_t n = v->n;
    for (size_t i = 0; i < n; i++)
        z[i] = gs_rng_normal(r);
    for (size_t i = 0; i < n; i++) {
        double s = 0.0;
        for (size_t j = 0; j <= i; j++)
            s += v->chol[i * n + j] * z[j];
        eta[i] = s;
    }
}

void gs_variability_apply_eta(const struct gs_variability *v, const double *eta, struct gs_model *m)
{
    for (size_t k = 0; k < v->n; k++)
        m->p[v->param[k]] *= exp(eta[k]);
}

void gs_variability_apply_occasion(const struct gs_variability *v, gs_rng *r, struct gs_model *m)
{
    for (size_t i = 0; i < m->structure->n_params; i++)
        if (v->bov_sd[i] > 0.0)
            m->p[i] *= exp(v->bov_sd[i] * gs_rng_normal(r));
}

double gs_variability_observe(const struct gs_variability *v, gs_rng *r, double ipred)
{
    double e1 = gs_rng_normal(r), e2 = gs_rng_normal(r);
    return ipred * (1.0 + v->resid_prop * e1) + v->resid_add_mg_l * e2;
}
