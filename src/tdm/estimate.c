/* estimate.c - gs_tdm_estimate: MAP, Laplace uncertainty, importance-sampling check, predictions.
 *
 * Importance sampling: self-normalised, proposal a multivariate t with 4 degrees of freedom
 * centred on the MAP with the Laplace covariance (heavier tails than the normal, so the weights
 * stay bounded when the posterior is skewed; Geweke J, Econometrica 1989;57:1317-1339). The
 * effective sample size is Kish's (sum w)^2 / sum w^2.
 */
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "tdm_int.h"

#define T_DF 4.0

void gs_tdm_result_release(struct gs_tdm_result *r)
{
    gs_free(r->t_h);
    gs_free(r->ipred);
    gs_free(r->pred);
    gs_free(r->band_lo);
    gs_free(r->band_hi);
    r->t_h = r->ipred = r->pred = r->band_lo = r->band_hi = NULL;
    r->n_grid = 0;
}

gs_status gs_tdm_objective(const struct gs_tdm_request *req, const double *eta, double *ofv,
                           struct gs_error *err)
{
    struct tdm_post p;
    gs_status st = gs__tdm_post_init(&p, req, err);
    if (st == GS_OK) {
        *ofv = gs__tdm_ofv(&p, eta);
        if (!isfinite(*ofv))
            st = gs_error_set(err, GS_SOLVER, "eta", "the objective is not finite there");
    }
    gs__tdm_post_release(&p);
    return st;
}

/* Inverse of the standard normal CDF (Acklam's rational approximation refined by one Halley
 * step with erfc: accurate to machine precision for the probabilities used here). */
static double probit(double p)
{
    static const double a[] = {-39.69683028665376, 220.9460984245205,  -275.9285104469687,
                               138.3577518672690,  -30.66479806614716, 2.506628277459239};
    static const double b[] = {-54.47609879822406, 161.5858368580409, -155.6989798598866,
                               66.80131188771972, -13.28068155288572};
    static const double c[] = {-0.007784894002430293, -0.3223964580411365, -2.400758277161838,
                               -2.549732539343734,    4.374664141464968,   2.938163982698783};
    static const double d[] = {0.007784695709041462, 0.3224671290700398, 2.445134137142996,
                               3.754408661907416};
    double q, x;
    if (p < 0.02425) {
        q = sqrt(-2 * log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p > 1 - 0.02425) {
        q = sqrt(-2 * log(1 - p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else {
        q = p - 0.5;
        double r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
    double e = 0.5 * erfc(-x / sqrt(2.0)) - p;
    double u = e * sqrt(2.0 * M_PI) * exp(x * x / 2.0);
    return x - u / (1.0 + x * u / 2.0);
}

double gs__tdm_probit(double p)
{
    return probit(p);
}

static int cmp_wv(const void *a, const void *b)
{
    double x = ((const struct wv *)a)->v, y = ((const struct wv *)b)->v;
    return (x > y) - (x < y);
}

void gs__tdm_wquantiles(struct wv *s, size_t n, double plo, double phi, double *lo, double *hi)
{
    qsort(s, n, sizeof *s, cmp_wv);
    double c = 0.0;
    *lo = *hi = s[n - 1].v;
    int got_lo = 0;
    for (size_t i = 0; i < n; i++) {
        c += s[i].w;
        if (!got_lo && c >= plo) {
            *lo = s[i].v;
            got_lo = 1;
        }
        if (c >= phi) {
            *hi = s[i].v;
            break;
        }
    }
}

/* The grid: 0 .. until every step, merged with nothing else (levels are predicted apart). */
static gs_status make_grid(const struct gs_tdm_request *req, const struct tdm_post *p,
                           struct gs_tdm_result *out, struct gs_error *err)
{
    double last = 0.0;
    for (size_t j = 0; j < p->n_obs; j++)
        last = fmax(last, p->obs_t[j]);
    double ld = gs_regimen_last_dose_h(req->regimen);
    if (isfinite(ld))
        last = fmax(last, ld);
    double until = isnan(req->until_h) ? last + 24.0 : req->until_h;
    double step = isnan(req->step_h) ? until / 200.0 : req->step_h;
    if (!(until > 0.0 && until <= GS_MAX_DURATION_H))
        return gs_error_set(err, GS_INPUT, "--until", "'--until' is %g h; allowed above 0 to %g h",
                            until, GS_MAX_DURATION_H);
    if (!(step > 0.0) || until / step > 20000.0)
        return gs_error_set(err, GS_INPUT, "--out-every",
                            "'--out-every' is %g h; allowed above 0, at most 20000 points", step);
    size_t n = (size_t)ceil(until / step - 1e-9) + 1;
    out->t_h = gs_malloc(n * sizeof(double));
    out->ipred = gs_malloc(n * sizeof(double));
    out->pred = gs_malloc(n * sizeof(double));
    out->band_lo = gs_malloc(n * sizeof(double));
    out->band_hi = gs_malloc(n * sizeof(double));
    if (!out->t_h || !out->ipred || !out->pred || !out->band_lo || !out->band_hi)
        return gs_error_set(err, GS_NOMEM, "tdm", "out of memory for %zu grid points", n);
    for (size_t k = 0; k < n; k++) {
        out->t_h[k] = fmin(k * step, until);
        out->band_lo[k] = out->band_hi[k] = NAN;
    }
    out->n_grid = n;
    return GS_OK;
}

/* Importance sampling: weights, IS moments of each estimate, the band on the grid. */
static gs_status sample(const struct gs_tdm_request *req, struct tdm_post *p, const double *map,
                        const double *cov_chol, const double *cov, struct gs_tdm_result *out,
                        struct gs_error *err)
{
    size_t n = p->var.n, ng = out->n_grid;
    long nd = req->n_draws;
    double *etas = gs_malloc((size_t)nd * n * sizeof(double));
    double *logw = gs_malloc((size_t)nd * sizeof(double));
    double *conc = gs_malloc((size_t)nd * ng * sizeof(double));
    struct wv *s = gs_malloc((size_t)nd * sizeof *s);
    gs_status st = GS_OK;
    if (!etas || !logw || !conc || !s) {
        st = gs_error_set(err, GS_NOMEM, "--draws", "out of memory for %ld draws", nd);
        goto done;
    }
    /* C^-1 for the proposal density: from the Laplace covariance */
    double ci[GS_MAX_PARAMS * GS_MAX_PARAMS];
    {
        double a[GS_MAX_PARAMS * GS_MAX_PARAMS];
        memcpy(a, cov, n * n * sizeof *a);
        gsl_matrix_view A = gsl_matrix_view_array(a, n, n);
        gsl_linalg_cholesky_decomp1(&A.matrix);
        gsl_linalg_cholesky_invert(&A.matrix);
        memcpy(ci, a, n * n * sizeof *a);
    }
    gs_rng rng;
    gs_rng_seed(&rng, req->seed, 0x7d3);
    for (long d = 0; d < nd; d++) {
        double zero[GS_MAX_PARAMS] = {0}, x[GS_MAX_PARAMS];
        gs__tdm_draw_normal(n, zero, cov_chol, &rng, x);
        double chi = -2.0 * log(gs_rng_uniform(&rng) * gs_rng_uniform(&rng)); /* chi^2_4 */
        double sc = sqrt(T_DF / chi), delta = 0.0;
        for (size_t i = 0; i < n; i++)
            etas[d * n + i] = map[i] + x[i] * sc;
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < n; k++)
                delta += (etas[d * n + i] - map[i]) * ci[i * n + k] * (etas[d * n + k] - map[k]);
        double logq = -0.5 * (T_DF + n) * log1p(delta / T_DF);
        logw[d] = -0.5 * gs__tdm_ofv(p, &etas[d * n]) - logq;
    }
    double mx = -INFINITY;
    for (long d = 0; d < nd; d++)
        mx = fmax(mx, logw[d]);
    double sw = 0.0, sw2 = 0.0;
    for (long d = 0; d < nd; d++) {
        logw[d] = isfinite(logw[d]) ? exp(logw[d] - mx) : 0.0;
        sw += logw[d];
    }
    for (long d = 0; d < nd; d++) {
        logw[d] /= sw;
        sw2 += logw[d] * logw[d];
    }
    out->ess = 1.0 / sw2;
    out->n_draws = nd;
    double plo = (1.0 - req->interval) / 2.0, phi = 1.0 - plo;
    for (size_t i = 0; i < n; i++) {
        struct gs_tdm_param *q = &out->param[i];
        double m = 0.0, m2 = 0.0;
        for (long d = 0; d < nd; d++) {
            double v = q->typical * exp(etas[d * n + i]);
            m += logw[d] * v;
            m2 += logw[d] * v * v;
            s[d].v = v;
            s[d].w = logw[d];
        }
        q->is_mean = m;
        q->is_sd = sqrt(fmax(m2 - m * m, 0.0));
        gs__tdm_wquantiles(s, (size_t)nd, plo, phi, &q->is_lo, &q->is_hi);
    }
    /* the band: each draw's profile on the grid (draws with negligible weight are skipped) */
    for (long d = 0; d < nd; d++) {
        if (logw[d] < 1e-12)
            continue;
        if ((st = gs__tdm_predict(p, &etas[d * n], &p->ev, out->t_h, ng, &conc[d * ng], err)))
            goto done;
    }
    for (size_t k = 0; k < ng; k++) {
        size_t m = 0;
        for (long d = 0; d < nd; d++)
            if (logw[d] >= 1e-12) {
                s[m].v = conc[d * ng + k];
                s[m].w = logw[d];
                m++;
            }
        double tot = 0.0;
        for (size_t j = 0; j < m; j++)
            tot += s[j].w;
        for (size_t j = 0; j < m; j++)
            s[j].w /= tot;
        gs__tdm_wquantiles(s, m, plo, phi, &out->band_lo[k], &out->band_hi[k]);
    }
done:
    gs_free(etas);
    gs_free(logw);
    gs_free(conc);
    gs_free(s);
    return st;
}

static void note(struct gs_tdm_result *r, const char *text)
{
    size_t k = strlen(r->notes);
    snprintf(r->notes + k, sizeof r->notes - k, "%s\n", text);
}

gs_status gs_tdm_estimate(const struct gs_tdm_request *req, struct gs_tdm_result *out,
                          struct gs_error *err)
{
    memset(out, 0, sizeof *out);
    if (!(req->interval > 0.0 && req->interval < 1.0))
        return gs_error_set(err, GS_INPUT, "--interval",
                            "'--interval' is %g; allowed above 0, "
                            "below 1",
                            req->interval);
    if (req->n_draws != 0 && (req->n_draws < 100 || req->n_draws > GS_TDM_MAX_DRAWS))
        return gs_error_set(err, GS_INPUT, "--draws", "'--draws' is %ld; allowed 0 or 100 to %ld",
                            req->n_draws, GS_TDM_MAX_DRAWS);
    struct tdm_post p;
    gs_status st = gs__tdm_post_init(&p, req, err);
    if (st)
        goto fail;
    size_t n = p.var.n;
    double eta[GS_MAX_PARAMS], hess[GS_MAX_PARAMS * GS_MAX_PARAMS],
        chol[GS_MAX_PARAMS * GS_MAX_PARAMS];
    double zero[GS_MAX_PARAMS] = {0};
    out->ofv_prior = gs__tdm_ofv(&p, zero);
    if ((st = gs__tdm_map(&p, eta, hess, &out->iterations, err)) ||
        (st = gs__tdm_laplace(n, hess, out->cov, chol, err)))
        goto fail;
    out->ofv = gs__tdm_ofv(&p, eta);
    out->n_eta = n;
    out->interval = req->interval;
    double z = probit(0.5 + req->interval / 2.0);
    const struct gs_structure *s = p.typical.structure;
    out->typical = p.typical;
    out->individual = p.typical;
    gs_variability_apply_eta(&p.var, eta, &out->individual);
    int icl = -1, iv = -1;
    for (size_t i = 0; i < n; i++) {
        struct gs_tdm_param *q = &out->param[i];
        int k = p.var.param[i];
        q->name = s->params[k].name;
        q->unit = s->params[k].unit;
        q->typical = p.typical.p[k];
        q->prior_sd = sqrt(p.var.omega[i * n + i]);
        q->eta = eta[i];
        q->post_sd = sqrt(out->cov[i * n + i]);
        q->estimate = q->typical * exp(eta[i]);
        q->lo = q->estimate * exp(-z * q->post_sd);
        q->hi = q->estimate * exp(z * q->post_sd);
        q->shrinkage = 1.0 - q->post_sd / q->prior_sd;
        q->is_mean = q->is_sd = q->is_lo = q->is_hi = NAN;
        if (strcmp(q->name, "CL") == 0)
            icl = (int)i;
        if (strcmp(q->name, "V") == 0)
            iv = (int)i;
    }
    double cl = s->clearance(out->individual.p), v = s->volume(out->individual.p);
    out->half_life_h = log(2.0) * v / cl;
    out->typical_half_life_h = log(2.0) * s->volume(p.typical.p) / s->clearance(p.typical.p);
    double var = 0.0;
    if (icl >= 0)
        var += out->cov[icl * n + icl];
    if (iv >= 0)
        var += out->cov[iv * n + iv];
    if (icl >= 0 && iv >= 0)
        var -= 2.0 * out->cov[icl * n + iv];
    out->half_life_lo = out->half_life_h * exp(-z * sqrt(var));
    out->half_life_hi = out->half_life_h * exp(z * sqrt(var));

    /* the fit at each level */
    double fi[GS_TDM_MAX_LEVELS], fp[GS_TDM_MAX_LEVELS];
    if ((st = gs__tdm_predict(&p, eta, &p.ev, p.t, p.n_t, fi, err)) ||
        (st = gs__tdm_predict(&p, zero, &p.ev, p.t, p.n_t, fp, err)))
        goto fail;
    out->n_levels = p.n_obs;
    for (size_t j = 0; j < p.n_obs; j++) {
        struct gs_tdm_fit_point *f = &out->fit[j];
        f->time_h = p.obs_t[j];
        f->observed = p.obs_y[j];
        f->ipred = fi[p.idx[j]];
        f->pred = fp[p.idx[j]];
        f->iwres =
            (f->observed - f->ipred) / sqrt(p.add * p.add + p.prop * p.prop * f->ipred * f->ipred);
    }
    /* predictions on the grid */
    if ((st = make_grid(req, &p, out, err)) ||
        (st = gs__tdm_predict(&p, eta, &p.ev, out->t_h, out->n_grid, out->ipred, err)) ||
        (st = gs__tdm_predict(&p, zero, &p.ev, out->t_h, out->n_grid, out->pred, err)))
        goto fail;
    if (req->n_draws > 0 && (st = sample(req, &p, eta, chol, out->cov, out, err)))
        goto fail;
    out->evaluations = p.evals + p.sens_evals;
    out->sens_solves = p.sens_evals;
    if (p.prop == 0.0)
        note(out, "residual error: additive only, as the drug file gives it");
    if (out->n_draws > 0 && out->ess < 0.1 * out->n_draws)
        note(out, "importance sampling: effective sample size below 10 % of the draws; the "
                  "posterior is far from normal, prefer the sampled intervals");
    gs__tdm_post_release(&p);
    return GS_OK;
fail:
    gs__tdm_post_release(&p);
    gs_tdm_result_release(out);
    return st;
}
