/* posterior.c - the MAP-Bayes objective of one patient and its minimisation.
 *
 * OFV(eta) = sum_j [(y_j - f_j)^2 / s_j^2 + log s_j^2] + eta^T Omega^-1 eta, s_j^2 = add^2 +
 * (prop f_j)^2 (gabasim/tdm.h). Minimised by Newton steps with Levenberg damping (Nocedal J,
 * Wright SJ, Numerical Optimization, 2nd ed. 2006, sections 3.4 and 10.3).
 *
 * Derivatives, exact path (the default): the levels' sensitivities df/deta by forward
 * integration of the variational equations (sens.c) give the exact gradient of the OFV and its
 * Gauss-Newton Hessian for the steps, sum_j w_j (df_j/deta)(df_j/deta)^T + 2 Omega^-1 with
 * w_j = 2/s_j^2 + (d s_j^2/df / s_j^2)^2 (the expected second derivative of a level's term,
 * positive definite; Nocedal & Wright section 10.3), after NEWTON_AFTER iterations the Hessian
 * below (large residuals slow Gauss-Newton down); the Laplace Hessian at the MAP is the
 * central difference of the exact gradient (step H_SENS: truncation ~1e-8, noise ~1e-10 /
 * 1e-4). A random effect sens.c does not cover gets central differences of the predictions
 * (step H_GRAD) for its column of df/deta, and second differences of the OFV for its own
 * Hessian entries. Finite-difference path (every effect uncovered, or GABASIM_TDM_DERIVATIVES=fd
 * in the environment): the central-difference gradient and Hessian of the OFV, 4n + 2n(n-1)
 * predictions per iteration. Predictions are solved at rtol 1e-10 so that the solver's noise in
 * the OFV (about 1e-10 relative) stays far below what the difference steps resolve.
 */
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "tdm_int.h"

#define H_GRAD       1e-4 /* central-difference step of the gradient, in eta */
#define H_HESS       1e-3 /* of the Hessian: truncation ~h^2, solver noise ~1e-10 / h^2 */
#define MAX_STEP     1.0  /* largest Newton step, in eta (a log-parameter moves at most e-fold) */
#define MAX_ITER     100
#define H_SENS       1e-4 /* central-difference step of the exact gradient (Laplace Hessian) */
#define NEWTON_AFTER 25   /* Gauss-Newton iterations before Newton steps on the exact path */

gs_status gs__tdm_post_init(struct tdm_post *p, const struct gs_tdm_request *req,
                            struct gs_error *err)
{
    memset(p, 0, sizeof *p);
    struct gs_event_list empty = GS_EVENT_LIST_INIT;
    p->ev = empty;
    if (req->drug == NULL || req->patient == NULL || req->regimen == NULL)
        return gs_error_set(err, GS_INPUT, "tdm",
                            "a drug, a patient and a dosing history are "
                            "needed");
    if (req->n_levels < 1 || req->n_levels > GS_TDM_MAX_LEVELS)
        return gs_error_set(err, GS_INPUT, "--level", "%zu levels given; allowed 1 to %d",
                            req->n_levels, GS_TDM_MAX_LEVELS);
    gs_status st;
    if ((st = gs_drug_individual_model(req->drug, req->patient, &p->typical, NULL, 0, err)) ||
        (st = gs_variability_from_drug(req->drug, 1.0, &p->var, err)))
        return st;
    if (p->var.n == 0)
        return gs_error_set(err, GS_UNSUPPORTED, "--drug",
                            "%s gives no between-subject variability: nothing to estimate",
                            gs_drug_name(req->drug));
    p->add = p->var.resid_add_mg_l;
    p->prop = p->var.resid_prop;
    if (!(p->add > 0.0 || p->prop > 0.0))
        return gs_error_set(err, GS_UNSUPPORTED, "--drug",
                            "%s gives no residual-error model: levels cannot be weighed",
                            gs_drug_name(req->drug));
    /* Omega^-1 from the Cholesky factor the variability module made */
    size_t n = p->var.n;
    double a[GS_MAX_PARAMS * GS_MAX_PARAMS];
    memcpy(a, p->var.omega, n * n * sizeof *a);
    gsl_matrix_view A = gsl_matrix_view_array(a, n, n);
    if (gsl_linalg_cholesky_decomp1(&A.matrix) != 0 || gsl_linalg_cholesky_invert(&A.matrix) != 0)
        return gs_error_set(err, GS_INPUT, "omega",
                            "the between-subject covariance of %s is "
                            "not positive definite",
                            gs_drug_name(req->drug));
    memcpy(p->omega_inv, a, n * n * sizeof *a);

    double last = 0.0;
    for (size_t j = 0; j < req->n_levels; j++) {
        double t = req->levels[j].time_h, y = req->levels[j].conc_mg_l;
        if (!(t >= 0.0 && t <= GS_MAX_DURATION_H))
            return gs_error_set(err, GS_INPUT, "--level",
                                "level %zu is at %g h; allowed 0 to %g h after the first dose",
                                j + 1, t, GS_MAX_DURATION_H);
        if (!(y >= 0.0 && y <= 1000.0))
            return gs_error_set(err, GS_INPUT, "--level",
                                "level %zu is %g mg/L; allowed 0 to 1000 mg/L", j + 1, y);
        p->obs_t[j] = t;
        p->obs_y[j] = y;
        last = fmax(last, t);
    }
    p->n_obs = req->n_levels;
    /* unique ascending times and each level's place among them */
    double tt[GS_TDM_MAX_LEVELS];
    memcpy(tt, p->obs_t, p->n_obs * sizeof *tt);
    for (size_t i = 1; i < p->n_obs; i++) /* insertion sort: at most 64 */
        for (size_t k = i; k > 0 && tt[k - 1] > tt[k]; k--) {
            double s = tt[k];
            tt[k] = tt[k - 1];
            tt[k - 1] = s;
        }
    for (size_t i = 0; i < p->n_obs; i++)
        if (p->n_t == 0 || tt[i] != p->t[p->n_t - 1])
            p->t[p->n_t++] = tt[i];
    for (size_t j = 0; j < p->n_obs; j++)
        for (size_t k = 0; k < p->n_t; k++)
            if (p->t[k] == p->obs_t[j])
                p->idx[j] = k;
    (void)last;

    if ((st = gs_regimen_expand(req->regimen, &p->ev, err)))
        return st;
    struct gs_sim_options so = GS_SIM_OPTIONS_DEFAULT;
    so.rtol = isnan(req->rtol) ? 1e-10 : req->rtol;
    so.atol_mg = 1e-12;
    p->sim = so;
    if ((st = gs_simulate_options_check(&p->sim, err)))
        return st;
    gs__tdm_sens_setup(p);
    return GS_OK;
}

void gs__tdm_post_release(struct tdm_post *p)
{
    gs_event_list_release(&p->ev);
}

gs_status gs__tdm_predict(const struct tdm_post *p, const double *eta,
                          const struct gs_event_list *ev, const double *t, size_t n, double *conc,
                          struct gs_error *err)
{
    struct gs_model m = p->typical;
    gs_variability_apply_eta(&p->var, eta, &m);
    struct gs_profile prof = GS_PROFILE_INIT;
    gs_status st = gs_simulate(&m, ev, t, n, &p->sim, &prof, err);
    if (st == GS_OK)
        for (size_t k = 0; k < n; k++)
            conc[k] = prof.conc_mg_l[k];
    gs_simulate_profile_release(&prof);
    return st;
}

/* A dataset subject's levels: its typical models with eta applied (except fixed parameters),
 * outputs at the events' observation records. */
static gs_status predict_tv(const struct tdm_post *p, const double *eta, double *conc)
{
    struct gs_model *m = gs_malloc(p->n_tv * sizeof *m);
    if (m == NULL)
        return GS_NOMEM;
    for (size_t k = 0; k < p->n_tv; k++) {
        m[k] = p->tv[k];
        gs_variability_apply_eta(&p->var, eta, &m[k]);
        for (size_t i = 0; p->tv_fixed && i < GS_MAX_PARAMS; i++)
            if (p->tv_fixed[k * GS_MAX_PARAMS + i])
                m[k].p[i] = p->tv[k].p[i];
    }
    struct gs_simulate_tv_request q = {m, NULL, p->n_tv, &p->ev, NULL, p->n_t, &p->sim};
    struct gs_profile prof = GS_PROFILE_INIT;
    gs_status st = gs_simulate_tv(&q, &prof, NULL);
    if (st == GS_OK)
        for (size_t k = 0; k < p->n_t; k++)
            conc[k] = prof.conc_mg_l[k];
    gs_simulate_profile_release(&prof);
    gs_free(m);
    return st;
}

static gs_status predict_levels(const struct tdm_post *p, const double *eta, double *f)
{
    return p->n_tv ? predict_tv(p, eta, f) : gs__tdm_predict(p, eta, &p->ev, p->t, p->n_t, f, NULL);
}

double gs__tdm_ofv(struct tdm_post *p, const double *eta)
{
    size_t n = p->var.n;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(eta[i]) || fabs(eta[i]) > 10.0 * sqrt(p->var.omega[i * n + i]))
            return INFINITY; /* 10 prior SDs: beyond any plausible person */
    double *f = p->last_f;
    p->evals++;
    if (predict_levels(p, eta, f) != GS_OK)
        return INFINITY;
    double ofv = 0.0;
    for (size_t j = 0; j < p->n_obs; j++) {
        double fj = f[p->idx[j]];
        double s2 = p->add * p->add + p->prop * p->prop * fj * fj;
        double r = p->obs_y[j] - fj;
        ofv += r * r / s2 + log(s2);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < n; k++)
            ofv += eta[i] * p->omega_inv[i * n + k] * eta[k];
    return isfinite(ofv) ? ofv : INFINITY;
}

/* Second difference (step H_HESS) of the OFV in eta_i and eta_k at eta, f0 the OFV there. */
static double ofv_second(struct tdm_post *p, const double *eta, double f0, size_t i, size_t k)
{
    size_t n = p->var.n;
    double e[GS_MAX_PARAMS];
    memcpy(e, eta, n * sizeof *e);
    if (i == k) {
        e[i] = eta[i] + H_HESS;
        double fp = gs__tdm_ofv(p, e);
        e[i] = eta[i] - H_HESS;
        double fm = gs__tdm_ofv(p, e);
        return (fp - 2.0 * f0 + fm) / (H_HESS * H_HESS);
    }
    double s[4];
    int sg[4][2] = {{1, 1}, {1, -1}, {-1, 1}, {-1, -1}};
    for (int q = 0; q < 4; q++) {
        memcpy(e, eta, n * sizeof *e);
        e[i] += sg[q][0] * H_HESS;
        e[k] += sg[q][1] * H_HESS;
        s[q] = gs__tdm_ofv(p, e);
    }
    return (s[0] - s[1] - s[2] + s[3]) / (4.0 * H_HESS * H_HESS);
}

static int all_finite(size_t n, const double *g, const double *h)
{
    for (size_t i = 0; i < n * n; i++)
        if (!isfinite(h[i]))
            return 0;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(g[i]))
            return 0;
    return 1;
}

/* Central-difference gradient (step H_GRAD) and Hessian (step H_HESS) of the OFV at eta. */
static int derivatives(struct tdm_post *p, const double *eta, double f0, double *g, double *h)
{
    size_t n = p->var.n;
    double e[GS_MAX_PARAMS];
    for (size_t i = 0; i < n; i++) {
        memcpy(e, eta, n * sizeof *e);
        e[i] = eta[i] + H_GRAD;
        double fp = gs__tdm_ofv(p, e);
        e[i] = eta[i] - H_GRAD;
        double fm = gs__tdm_ofv(p, e);
        g[i] = (fp - fm) / (2.0 * H_GRAD);
        for (size_t k = 0; k <= i; k++)
            h[i * n + k] = h[k * n + i] = ofv_second(p, eta, f0, i, k);
    }
    return all_finite(n, g, h) ? 0 : -1;
}

/* The OFV's gradient at eta from the levels f and their derivatives G (n_t x n), in the
 * columns marked in `use`; with gn, its Gauss-Newton Hessian (every column). */
static void grad_from(const struct tdm_post *p, const double *eta, const double *f, const double *G,
                      const unsigned char *use, double *g, double *gn)
{
    size_t n = p->var.n;
    for (size_t i = 0; i < n; i++) {
        g[i] = 0.0;
        for (size_t k = 0; k < n; k++)
            g[i] += 2.0 * p->omega_inv[i * n + k] * eta[k];
    }
    if (gn)
        for (size_t i = 0; i < n * n; i++)
            gn[i] = 2.0 * p->omega_inv[i];
    for (size_t j = 0; j < p->n_obs; j++) {
        double fj = f[p->idx[j]], r = p->obs_y[j] - fj;
        double v = p->add * p->add + p->prop * p->prop * fj * fj, dv = 2.0 * p->prop * p->prop * fj;
        double dphi = -2.0 * r / v - r * r * dv / (v * v) + dv / v; /* d(term)/df */
        double w = 2.0 / v + (dv / v) * (dv / v);
        const double *gj = &G[p->idx[j] * n];
        for (size_t i = 0; i < n; i++) {
            if (use[i])
                g[i] += dphi * gj[i];
            for (size_t k = 0; gn && k < n; k++)
                gn[i * n + k] += w * gj[i] * gj[k];
        }
    }
}

/* Levels and their derivatives at eta: the sensitivity solve for the exact columns, central
 * differences of the predictions (step H_GRAD) for the others when `fd_cols`. */
static int levels_and_derivatives(struct tdm_post *p, const double *eta, int fd_cols, double *f,
                                  double *G)
{
    size_t n = p->var.n;
    p->sens_evals++;
    if (gs__tdm_sens(p, eta, f, G, NULL) != GS_OK)
        return -1;
    for (size_t i = 0; fd_cols && i < n; i++) {
        if (p->sens_col[i])
            continue;
        double e[GS_MAX_PARAMS], fp[TDM_MAX_OBS], fm[TDM_MAX_OBS];
        memcpy(e, eta, n * sizeof *e);
        e[i] = eta[i] + H_GRAD;
        p->evals += 2;
        if (predict_levels(p, e, fp) != GS_OK)
            return -1;
        e[i] = eta[i] - H_GRAD;
        if (predict_levels(p, e, fm) != GS_OK)
            return -1;
        for (size_t k = 0; k < p->n_t; k++)
            G[k * n + i] = (fp[k] - fm[k]) / (2.0 * H_GRAD);
    }
    return 0;
}

/* The exact gradient and the Gauss-Newton Hessian at eta. f_engine: the engine's levels there
 * (the objective's); 1 if the sensitivity solve's levels disagree with them (an event feature
 * sens.c does not reproduce: the caller goes back to finite differences), -1 if not finite. */
static int derivatives_exact(struct tdm_post *p, const double *eta, const double *f_engine,
                             double *g, double *h)
{
    size_t n = p->var.n, nt = p->n_t;
    double *f = gs_malloc(nt * sizeof *f), *G = gs_malloc(nt * n * sizeof *G);
    int rc = -1;
    if (f == NULL || G == NULL)
        goto done;
    rc = 1; /* a failed solve, like a disagreeing one, leaves the search to finite differences */
    if (levels_and_derivatives(p, eta, 1, f, G) != 0)
        goto done;
    double scale = 0.0, tol = fmax(1e-6, 1e3 * p->sim.rtol);
    for (size_t k = 0; k < nt; k++)
        scale = fmax(scale, fabs(f_engine[k]));
    for (size_t k = 0; k < nt; k++)
        if (!(fabs(f[k] - f_engine[k]) <= tol * scale + 1e-12))
            goto done;
    unsigned char all[GS_MAX_PARAMS]; /* G is complete: every column */
    memset(all, 1, sizeof all);
    grad_from(p, eta, f, G, all, g, h);
    rc = all_finite(n, g, h) ? 0 : -1;
done:
    gs_free(f);
    gs_free(G);
    return rc;
}

/* The Hessian at eta: central differences (step H_SENS) of the exact gradient; second
 * differences of the OFV (f0 there) where both effects are finite-difference columns. */
static int hessian_exact(struct tdm_post *p, const double *eta, double f0, double *h)
{
    size_t n = p->var.n, nt = p->n_t;
    double *f = gs_malloc(nt * sizeof *f), *G = gs_malloc(nt * n * sizeof *G);
    double hc[GS_MAX_PARAMS * GS_MAX_PARAMS];
    int rc = -1;
    if (f == NULL || G == NULL)
        goto done;
    for (size_t i = 0; i < n; i++) {
        double e[GS_MAX_PARAMS], gp[GS_MAX_PARAMS], gm[GS_MAX_PARAMS];
        memcpy(e, eta, n * sizeof *e);
        e[i] = eta[i] + H_SENS;
        if (levels_and_derivatives(p, e, 0, f, G) != 0)
            goto done;
        grad_from(p, e, f, G, p->sens_col, gp, NULL);
        e[i] = eta[i] - H_SENS;
        if (levels_and_derivatives(p, e, 0, f, G) != 0)
            goto done;
        grad_from(p, e, f, G, p->sens_col, gm, NULL);
        for (size_t k = 0; k < n; k++)
            hc[k * n + i] = (gp[k] - gm[k]) / (2.0 * H_SENS); /* d g_k / d eta_i */
    }
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k <= i; k++) {
            int ei = p->sens_col[i], ek = p->sens_col[k];
            double v = ei && ek ? 0.5 * (hc[i * n + k] + hc[k * n + i])
                       : ek     ? hc[k * n + i]
                       : ei     ? hc[i * n + k]
                                : ofv_second(p, eta, f0, i, k);
            h[i * n + k] = h[k * n + i] = v;
        }
    double g0[GS_MAX_PARAMS] = {0};
    rc = all_finite(n, g0, h) ? 0 : -1;
done:
    gs_free(f);
    gs_free(G);
    return rc;
}

/* Solves (H + lambda I) d = -g; -1 if not positive definite. */
static int damped_step(size_t n, const double *h, const double *g, double lambda, double *d)
{
    double a[GS_MAX_PARAMS * GS_MAX_PARAMS], b[GS_MAX_PARAMS];
    memcpy(a, h, n * n * sizeof *a);
    for (size_t i = 0; i < n; i++) {
        a[i * n + i] += lambda;
        b[i] = -g[i];
    }
    gsl_matrix_view A = gsl_matrix_view_array(a, n, n);
    gsl_vector_view B = gsl_vector_view_array(b, n);
    if (gsl_linalg_cholesky_decomp1(&A.matrix) != 0 ||
        gsl_linalg_cholesky_svx(&A.matrix, &B.vector) != 0)
        return -1;
    double norm = 0.0;
    for (size_t i = 0; i < n; i++)
        norm = fmax(norm, fabs(b[i]));
    for (size_t i = 0; i < n; i++)
        d[i] = norm > MAX_STEP ? b[i] * MAX_STEP / norm : b[i];
    return 0;
}

gs_status gs__tdm_map(struct tdm_post *p, double *eta, double *hess, int *iterations,
                      struct gs_error *err)
{
    size_t n = p->var.n;
    double g[GS_MAX_PARAMS], d[GS_MAX_PARAMS], trial[GS_MAX_PARAMS];
    for (size_t i = 0; i < n; i++)
        eta[i] = 0.0;
    double f = gs__tdm_ofv(p, eta);
    if (!isfinite(f))
        return gs_error_set(err, GS_SOLVER, "--level",
                            "the typical patient's prediction of the levels failed");
    /* the engine's levels at eta, to check each sensitivity solve against */
    double *fe = p->n_sens ? gs_malloc(p->n_t * sizeof *fe) : NULL;
    int exact = fe != NULL;
    if (exact)
        memcpy(fe, p->last_f, p->n_t * sizeof *fe);
    double lambda = 1e-3;
    int it = 0, converged = 0;
    for (; it < MAX_ITER && !converged; it++) {
        int rc = exact ? derivatives_exact(p, eta, fe, g, hess) : 1;
        /* Gauss-Newton converges slowly where the residuals are large: after NEWTON_AFTER
         * iterations its matrix gives way to the Hessian (differences of the exact gradient) */
        if (rc == 0 && it >= NEWTON_AFTER && hessian_exact(p, eta, f, hess) != 0)
            rc = -1;
        if (rc == 1) {
            if (exact) { /* the sensitivity solve missed a feature: finite differences */
                exact = 0;
                p->n_sens = 0;
                memset(p->sens_col, 0, sizeof p->sens_col);
            }
            rc = derivatives(p, eta, f, g, hess);
        }
        if (rc != 0) {
            gs_free(fe);
            return gs_error_set(err, GS_SOLVER, "--level",
                                "the posterior's derivatives are not finite near eta = %g", eta[0]);
        }
        for (int tries = 0;; tries++) {
            if (tries > 40) {
                gs_free(fe);
                return gs_error_set(err, GS_SOLVER, "--level",
                                    "the MAP search found no descent step (iteration %d)", it);
            }
            if (damped_step(n, hess, g, lambda, d) != 0) {
                lambda = fmax(lambda * 10.0, 1e-3);
                continue;
            }
            double dmax = 0.0;
            for (size_t i = 0; i < n; i++) {
                trial[i] = eta[i] + d[i];
                dmax = fmax(dmax, fabs(d[i]));
            }
            double ft = gs__tdm_ofv(p, trial);
            if (ft <= f) {
                memcpy(eta, trial, n * sizeof *eta);
                if (exact)
                    memcpy(fe, p->last_f, p->n_t * sizeof *fe);
                /* converged: a step this small moves every parameter by < 1e-8 relative, or
                 * (finite differences) the OFV no longer changes beyond the solver's noise; the
                 * exact gradient's Gauss-Newton steps converge linearly, so they go on to the
                 * first test */
                converged = dmax < 1e-8 || (!exact && f - ft < 1e-11 * fmax(1.0, fabs(f)));
                f = ft;
                lambda = fmax(lambda / 10.0, 1e-12);
                break;
            }
            if (dmax < 1e-10) { /* no better point this close: at the minimum (noise) */
                converged = 1;
                break;
            }
            lambda = fmax(lambda * 10.0, 1e-3);
        }
    }
    gs_free(fe);
    if (!converged)
        return gs_error_set(err, GS_SOLVER, "--level",
                            "the MAP search did not converge in %d iterations", MAX_ITER);
    /* the Hessian at the final point */
    if ((exact ? hessian_exact(p, eta, f, hess) : derivatives(p, eta, f, g, hess)) != 0)
        return gs_error_set(err, GS_SOLVER, "--level", "the posterior's Hessian is not finite");
    *iterations = it;
    return GS_OK;
}

gs_status gs__tdm_laplace(size_t n, const double *hess, double *cov, double *chol,
                          struct gs_error *err)
{
    double a[GS_MAX_PARAMS * GS_MAX_PARAMS];
    memcpy(a, hess, n * n * sizeof *a);
    gsl_matrix_view A = gsl_matrix_view_array(a, n, n);
    if (gsl_linalg_cholesky_decomp1(&A.matrix) != 0 || gsl_linalg_cholesky_invert(&A.matrix) != 0)
        return gs_error_set(err, GS_SOLVER, "--level",
                            "the posterior's Hessian at the MAP is not positive definite");
    /* OFV = -2 log posterior: the covariance is (H / 2)^-1 */
    for (size_t i = 0; i < n * n; i++)
        cov[i] = chol[i] = 2.0 * a[i];
    gsl_matrix_view C = gsl_matrix_view_array(chol, n, n);
    if (gsl_linalg_cholesky_decomp1(&C.matrix) != 0)
        return gs_error_set(err, GS_SOLVER, "--level", "the Laplace covariance is singular");
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            chol[i * n + j] = 0.0;
    return GS_OK;
}

void gs__tdm_draw_normal(size_t n, const double *mean, const double *chol, gs_rng *r, double *eta)
{
    double z[GS_MAX_PARAMS];
    for (size_t i = 0; i < n; i++)
        z[i] = gs_rng_normal(r);
    for (size_t i = 0; i < n; i++) {
        double s = mean[i];
        for (size_t j = 0; j <= i; j++)
            s += chol[i * n + j] * z[j];
        eta[i] = s;
    }
}
