/* steady.c - steady state as the fixed point of the one-interval map.
 *
 * Let x be the body amounts just before a dose. One interval maps x to
 *   Phi(x) = propagate(dose(propagate(x, 0 -> lag)), lag -> ii).
 * Steady state is Phi(x) = x. For a linear structure Phi is affine, Phi(x) = M x + c, with M and c
 * from the closed form, and x = (I - M)^-1 c is solved directly (the geometric series of
 * superposition summed exactly). For a nonlinear structure Newton's method is applied to
 * Phi(x) - x with a finite-difference Jacobian, each Phi evaluated by CVODE at tight tolerance.
 * Nothing is simulated "long enough".
 *
 * A dose given as an infusion longer than the interval overlaps the next ones: at steady state
 * floor(D / II) or floor(D / II) + 1 of them run at any phase of the interval, so the input over
 * one interval is a piecewise-constant multiple of the rate (superposition of the overlapping
 * infusions, summed exactly). A constant infusion (NONMEM's SS dose with AMT 0 and RATE above
 * 0) has no interval: its steady state is where the derivatives vanish.
 */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <string.h>

#include "gabasim/simulate.h"
#include "solve_int.h"

#define NEWTON_MAX_ITER 50

/* One interval from x at phase 0: the dose at `lag` (< ii), as a bolus or, with rate > 0, as an
 * infusion of its bioavailable part lasting dur, which may run past ii into the next intervals:
 * at phase t, n(t) = floor((t - lag) / ii) - floor((t - lag - dur) / ii) infusions of the
 * periodic regimen run (those started at lag + j ii, j <= 0, not yet ended), so the input is
 * n(t) x rate, constant between the phases lag and (lag + dur) mod ii. */
static gs_status one_interval(struct gs__prop *p, const struct gs_model *m, double amt, int cmt,
                              double ii, double lag, double rate, const double *x, double *fx,
                              struct gs_error *err)
{
    const size_t nb = p->n_body;
    double y[GS_MAX_STATES] = {0};
    for (size_t k = 0; k < nb; k++)
        y[gs_model_body_index(k)] = x[k];
    gs_status st;
    if (rate > 0.0) {
        double unit[GS_MAX_STATES] = {0};
        m->structure->dose(m->p, cmt, 1.0, unit);
        size_t k = (size_t)cmt - 1; /* the body compartment dosed */
        double dur = amt * unit[gs_model_cmt_index(cmt)] / rate;
        /* pieces between 0, the start, the end modulo ii, and ii */
        double cut[4] = {lag, fmod(lag + dur, ii), ii, ii}, t0 = 0.0;
        if (cut[1] < cut[0]) {
            double tmp = cut[0];
            cut[0] = cut[1], cut[1] = tmp;
        }
        for (int i = 0; i < 3; i++) {
            double t1 = cut[i];
            if (!(t1 > t0))
                continue;
            double mid = 0.5 * (t0 + t1);
            double n = floor((mid - lag) / ii) - floor((mid - lag - dur) / ii);
            p->inf_mg_h[k] = n * rate;
            gs__prop_reset(p, t0, y);
            if ((st = gs__prop_advance(p, t1, t1, y, err)) != GS_OK) {
                p->inf_mg_h[k] = 0.0;
                return st;
            }
            t0 = t1;
        }
        p->inf_mg_h[k] = 0.0;
        for (size_t i = 0; i < nb; i++)
            fx[i] = y[gs_model_body_index(i)];
        return GS_OK;
    }
    gs__prop_reset(p, 0.0, y);
    if (lag > 0.0 && (st = gs__prop_advance(p, lag, lag, y, err)) != GS_OK)
        return st;
    m->structure->dose(m->p, cmt, amt, y);
    gs__prop_reset(p, lag, y);
    if ((st = gs__prop_advance(p, ii, ii, y, err)) != GS_OK)
        return st;
    for (size_t i = 0; i < nb; i++)
        fx[i] = y[gs_model_body_index(i)];
    return GS_OK;
}

/* Solves (A) d = b for an n x n system with GSL's LU; non-zero if singular. */
static int solve_small(size_t n, double *a, double *b, double *d)
{
    /* GSL's error handler is off library-wide (set once at load): the status is checked here */
    gsl_matrix_view A = gsl_matrix_view_array(a, n, n);
    gsl_vector_view B = gsl_vector_view_array(b, n);
    gsl_vector_view D = gsl_vector_view_array(d, n);
    gsl_permutation *perm = gsl_permutation_alloc(n);
    if (perm == NULL)
        return -1;
    int sign = 0, rc = gsl_linalg_LU_decomp(&A.matrix, perm, &sign);
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (gsl_matrix_get(&A.matrix, i, i) == 0.0)
            rc = -1;
    if (rc == 0)
        rc = gsl_linalg_LU_solve(&A.matrix, perm, &B.vector, &D.vector);
    gsl_permutation_free(perm);
    return rc;
}

static double max_abs(size_t n, const double *v)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs(v[i]));
    return m;
}

/* dx/dt of the nb body amounts at x with a constant input of `rate` mg/h into body
 * compartment k. */
static void constant_residual(const struct gs_model *m, size_t nb, size_t k, double rate,
                              const double *x, double *r)
{
    double y[GS_MAX_STATES] = {0}, dy[GS_MAX_STATES] = {0};
    for (size_t i = 0; i < nb; i++)
        y[gs_model_body_index(i)] = x[i];
    m->structure->rhs(0.0, y, dy, m->p);
    for (size_t i = 0; i < nb; i++)
        r[i] = dy[gs_model_body_index(i)] + (i == k ? rate : 0.0);
}

/* The steady state of a constant infusion of `rate` mg/h into `cmt`: the body amounts x with
 * rhs(x) + rate e_cmt = 0, by Newton's method from x = 0 with a finite-difference Jacobian
 * (exact for a linear structure, which converges in one step) and step halving. No steady state
 * (an input the model cannot clear, such as a depot infusion above a saturable uptake with no
 * other loss) is an error, never a large number. */
static gs_status constant_infusion(const struct gs_model *m, int cmt, double rate, double *x,
                                   int *iterations, struct gs_error *err)
{
    const size_t nb = gs_model_n_body(m->structure), k = (size_t)cmt - 1;
    int iter = 0;
    double r[GS_MAX_BODY], J[GS_MAX_BODY * GS_MAX_BODY], tol = 1e-12 * rate;
    memset(x, 0, nb * sizeof *x);
    constant_residual(m, nb, k, rate, x, r);
    while (max_abs(nb, r) > tol) {
        if (++iter > NEWTON_MAX_ITER)
            return gs_error_set(err, GS_INPUT, "RATE",
                                "no steady state for a constant infusion of %g mg/h into "
                                "compartment %d: the model does not clear it (still %g mg/h "
                                "accumulating after %d Newton iterations)",
                                rate, cmt, max_abs(nb, r), NEWTON_MAX_ITER);
        for (size_t j = 0; j < nb; j++) {
            double xj[GS_MAX_BODY], rj[GS_MAX_BODY];
            memcpy(xj, x, nb * sizeof *xj);
            double h = 1e-6 * fmax(fabs(x[j]), rate * 1.0); /* mg: the input of an hour */
            xj[j] += h;
            constant_residual(m, nb, k, rate, xj, rj);
            for (size_t i = 0; i < nb; i++)
                J[i * nb + j] = (rj[i] - r[i]) / h;
        }
        double neg_r[GS_MAX_BODY], dx[GS_MAX_BODY];
        for (size_t i = 0; i < nb; i++)
            neg_r[i] = -r[i];
        if (solve_small(nb, J, neg_r, dx) != 0)
            return gs_error_set(err, GS_INPUT, "RATE",
                                "no steady state for a constant infusion of %g mg/h into "
                                "compartment %d: the model has no equilibrium",
                                rate, cmt);
        if (max_abs(nb, dx) <= 1e-14 * max_abs(nb, x))
            break; /* converged to rounding (the residual's own rounding is above tol) */
        double lambda = 1.0, rn = max_abs(nb, r);
        for (int t = 0; t < 30; t++, lambda *= 0.5) {
            double xn[GS_MAX_BODY], rv[GS_MAX_BODY];
            for (size_t i = 0; i < nb; i++)
                xn[i] = fmax(x[i] + lambda * dx[i], 0.0); /* amounts stay non-negative */
            constant_residual(m, nb, k, rate, xn, rv);
            if (max_abs(nb, rv) < rn || t == 29) {
                memcpy(x, xn, nb * sizeof *x);
                memcpy(r, rv, nb * sizeof *r);
                break;
            }
        }
    }
    if (iterations)
        *iterations = iter;
    return GS_OK;
}

gs_status gs_simulate_steady_state(const struct gs_simulate_steady_state_request *req, double *x,
                                   int *iterations, struct gs_error *err)
{
    if (req->ii_h > 0.0 && req->model->structure->lag(req->model->p, req->cmt) >= req->ii_h)
        return gs_error_set(err, GS_UNSUPPORTED, "SS",
                            "steady state with a lag (%g h) not shorter than the interval (%g h) "
                            "is not supported here (datasets take it: docs/datasets.md)",
                            req->model->structure->lag(req->model->p, req->cmt), req->ii_h);
    return gs__steady_state(req, 0.0, x, iterations, err);
}

gs_status gs__steady_state(const struct gs_simulate_steady_state_request *req, double rate,
                           double *x, int *iterations, struct gs_error *err)
{
    const struct gs_model *m = req->model;
    const double amt = req->amt_mg, ii = req->ii_h;
    const int cmt = req->cmt;
    const struct gs_sim_options *opt = req->sim;
    if (amt == 0.0 && rate > 0.0 && isfinite(rate)) {
        if (m->structure->clearance(m->p) <= 0.0)
            return gs_error_set(err, GS_INPUT, "SS", "no steady state: clearance is 0");
        return constant_infusion(m, cmt, rate, x, iterations, err);
    }
    if (!(amt > 0.0 && ii > 0.0))
        return gs_error_set(err, GS_INPUT, "SS",
                            "steady state needs a dose above 0 and II above 0, or AMT 0 with "
                            "RATE above 0 (a constant infusion)");
    double lag = fmod(m->structure->lag(m->p, cmt), ii); /* the doses' phase in the interval */
    if (m->structure->clearance(m->p) <= 0.0)
        return gs_error_set(err, GS_INPUT, "SS", "no steady state: clearance is 0");
    /* The map is evaluated at tighter tolerance than a profile: its finite differences feed the
     * Newton step, and the fixed point must hold to about 1e-10 of the dose. */
    struct gs_sim_options tight = *opt;
    tight.rtol = fmin(opt->rtol, 1e-10);
    tight.atol_mg = fmin(opt->atol_mg, 1e-12 * amt);
    if (rate > 0.0) /* zero-order input: integrated, the closed forms take bolus doses */
        tight.solver = GS_SOLVER_CVODE;
    struct gs__prop p;
    gs_status st = gs__prop_init(&p, m, &tight, err);
    if (st != GS_OK)
        return st;
    const size_t nb = p.n_body;
    double zero[GS_MAX_BODY] = {0}, c[GS_MAX_BODY], J[GS_MAX_BODY * GS_MAX_BODY];
    int iter = 0;

    if (p.exact) {
        /* Affine map: c = Phi(0); column j of M = (Phi(s e_j) - c) / s, exact for any s. */
        if ((st = one_interval(&p, m, amt, cmt, ii, lag, rate, zero, c, err)))
            goto done;
        for (size_t j = 0; j < nb && st == GS_OK; j++) {
            double e[GS_MAX_BODY] = {0}, fe[GS_MAX_BODY];
            e[j] = amt;
            if ((st = one_interval(&p, m, amt, cmt, ii, lag, rate, e, fe, err)))
                goto done;
            for (size_t i = 0; i < nb; i++)
                J[i * nb + j] = (i == j ? 1.0 : 0.0) - (fe[i] - c[i]) / amt;
        }
        if (solve_small(nb, J, c, x) != 0)
            st = gs_error_set(err, GS_SOLVER, "SS", "steady-state system is singular");
        goto done;
    }

    /* Newton on F(x) = Phi(x) - x from x = 0, with step halving if the residual grows. */
    memset(x, 0, nb * sizeof *x);
    double fx[GS_MAX_BODY], r[GS_MAX_BODY];
    if ((st = one_interval(&p, m, amt, cmt, ii, lag, rate, x, fx, err)))
        goto done;
    for (size_t i = 0; i < nb; i++)
        r[i] = fx[i] - x[i];
    double tol = 1e-10 * amt;
    while (max_abs(nb, r) > tol) {
        if (++iter > NEWTON_MAX_ITER) {
            st = gs_error_set(err, GS_SOLVER, "SS",
                              "steady state did not converge in %d Newton iterations (residual "
                              "%g mg)",
                              NEWTON_MAX_ITER, max_abs(nb, r));
            goto done;
        }
        for (size_t j = 0; j < nb; j++) {
            double xj[GS_MAX_BODY], fj[GS_MAX_BODY];
            memcpy(xj, x, nb * sizeof *xj);
            double h = 1e-6 * fmax(fabs(x[j]), 1e-2 * amt);
            xj[j] += h;
            if ((st = one_interval(&p, m, amt, cmt, ii, lag, rate, xj, fj, err)))
                goto done;
            for (size_t i = 0; i < nb; i++)
                J[i * nb + j] = (fj[i] - xj[i] - r[i]) / h;
        }
        double neg_r[GS_MAX_BODY], dx[GS_MAX_BODY];
        for (size_t i = 0; i < nb; i++)
            neg_r[i] = -r[i];
        if (solve_small(nb, J, neg_r, dx) != 0) {
            st = gs_error_set(err, GS_SOLVER, "SS",
                              "no unique steady state: the interval map is singular (a "
                              "compartment that never empties, such as a cumulative amount, has "
                              "none)");
            goto done;
        }
        double lambda = 1.0, rn = max_abs(nb, r);
        for (int k = 0; k < 30; k++, lambda *= 0.5) {
            double xn[GS_MAX_BODY], rn_vec[GS_MAX_BODY];
            for (size_t i = 0; i < nb; i++)
                xn[i] = fmax(x[i] + lambda * dx[i], 0.0); /* amounts stay non-negative */
            if ((st = one_interval(&p, m, amt, cmt, ii, lag, rate, xn, fx, err)))
                goto done;
            for (size_t i = 0; i < nb; i++)
                rn_vec[i] = fx[i] - xn[i];
            if (max_abs(nb, rn_vec) < rn || k == 29) {
                memcpy(x, xn, nb * sizeof *x);
                memcpy(r, rn_vec, nb * sizeof *r);
                break;
            }
        }
    }
done:
    gs__prop_free(&p);
    if (iterations)
        *iterations = iter;
    return st;
}
