/* lmm.c - random-intercept linear mixed model by REML (see gabasim/lmm.h).
 *
 * With V_i = I + lambda J for participant i (n_i observations), V_i^-1 = I - c_i J with
 * c_i = lambda / (1 + n_i lambda) and |V_i| = 1 + n_i lambda, so every quantity the REML
 * criterion needs is a global cross-product minus a per-participant rank-one correction:
 * X'V^-1X = X'X - sum c_i s_i s_i' with s_i the column sums of X_i. One evaluation costs
 * O(m p^2 + p^3); no n x n matrix is formed.
 */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/lmm.h"
#include "stats_int.h"

#define MAX_P 128

/* The pivot tolerance of the factorisation of X'V^-1X. */
#define CHOL_TOL 1e-12

struct fit {
    size_t m, p, n;
    double *xtx, *xty, yty; /* global cross-products */
    double *sx, *sy;        /* per participant: column sums of X, sum of y */
    long *ni;
    double *a, *b; /* work: X'V^-1X (then its Cholesky factor), X'V^-1y */
};

/* The profiled REML criterion -2 l_R (without constants) at lambda; beta, sigma2 optional. */
static double criterion(struct fit *f, double lambda, double *beta, double *sigma2, int *ok)
{
    size_t p = f->p;
    memcpy(f->a, f->xtx, p * p * sizeof *f->a);
    memcpy(f->b, f->xty, p * sizeof *f->b);
    double yvy = f->yty, logdet_v = 0.0;
    for (size_t i = 0; i < f->m; i++) {
        double ci = lambda / (1.0 + (double)f->ni[i] * lambda);
        const double *s = f->sx + i * p;
        logdet_v += log1p((double)f->ni[i] * lambda);
        yvy -= ci * f->sy[i] * f->sy[i];
        for (size_t j = 0; j < p; j++) {
            f->b[j] -= ci * s[j] * f->sy[i];
            for (size_t k = 0; k <= j; k++)
                f->a[j * p + k] -= ci * s[j] * s[k];
        }
    }
    *ok = gs__chol(f->a, p, CHOL_TOL);
    if (!*ok)
        return INFINITY;
    double logdet_a = 0.0;
    for (size_t j = 0; j < p; j++)
        logdet_a += 2.0 * log(f->a[j * p + j]);
    double beta_local[MAX_P];
    double *bt = beta ? beta : beta_local;
    memcpy(bt, f->b, p * sizeof *bt);
    gs__chol_solve(f->a, p, bt);
    double rvr = yvy;
    for (size_t j = 0; j < p; j++)
        rvr -= f->b[j] * bt[j];
    double s2 = rvr / (double)(f->n - p);
    if (sigma2)
        *sigma2 = s2;
    if (!(s2 > 0.0)) {
        *ok = 0;
        return INFINITY;
    }
    return (double)(f->n - p) * log(s2) + logdet_v + logdet_a;
}

struct order {
    long id;
    size_t row;
};
static int by_id(const void *a, const void *b)
{
    const struct order *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id ? 1 : (x->row > y->row) - (x->row < y->row);
}

gs_status gs_lmm_ri(const struct gs_lmm_ri_request *req, struct gs_lmm_result *r,
                    struct gs_error *err)
{
    const double *y = req->y, *baseline = req->baseline;
    const int *arm = req->arm, *visit = req->visit;
    const int n_visits = req->n_visits;
    const double level = req->level;
    const long *id = req->id;
    const size_t n = req->n;
    memset(r, 0, sizeof *r);
    if (n_visits < 1 || n_visits > 60 || !(level > 0.0 && level < 1.0))
        return gs_error_set(err, GS_INPUT, "lmm", "visits %d (allowed 1-60) or level %g", n_visits,
                            level);
    /* columns: intercept, arm, baseline, then per visit level present: dummy, arm x dummy */
    long cnt[64] = {0}, trt[64] = {0}, trt0 = 0, ctl0 = 0;
    for (size_t k = 0; k < n; k++) {
        if (visit[k] < 0 || visit[k] >= n_visits || !isfinite(y[k]) || !isfinite(baseline[k]))
            return gs_error_set(err, GS_INPUT, "lmm", "observation %zu: visit %d or value invalid",
                                k, visit[k]);
        cnt[visit[k]]++;
        trt[visit[k]] += arm[k] != 0;
    }
    trt0 = trt[0];
    ctl0 = cnt[0] - trt[0];
    if (trt0 == 0 || ctl0 == 0)
        return gs_error_set(err, GS_INPUT, "lmm",
                            "no observations at the reference (last) visit in %s arm",
                            trt0 == 0 ? "the treated" : "the control");
    int col_dummy[64], col_inter[64];
    size_t p = 3;
    for (int v = 1; v < n_visits; v++) {
        col_dummy[v] = cnt[v] ? (int)p++ : -1;
        col_inter[v] = trt[v] > 0 && trt[v] < cnt[v] ? (int)p++ : -1;
    }
    struct order *ord = gs_malloc((n + 1) * sizeof *ord);
    if (ord == NULL)
        return gs_error_set(err, GS_NOMEM, "lmm", "out of memory");
    for (size_t k = 0; k < n; k++)
        ord[k] = (struct order){id[k], k};
    qsort(ord, n, sizeof *ord, by_id);
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        m += k == 0 || ord[k].id != ord[k - 1].id;
    struct fit f = {m, p, n, NULL, NULL, 0.0, NULL, NULL, NULL, NULL, NULL};
    f.xtx = gs_calloc(p * p, sizeof *f.xtx);
    f.xty = gs_calloc(p, sizeof *f.xty);
    f.sx = gs_calloc(m * p + 1, sizeof *f.sx);
    f.sy = gs_calloc(m + 1, sizeof *f.sy);
    f.ni = gs_calloc(m + 1, sizeof *f.ni);
    f.a = gs_malloc(p * p * sizeof *f.a);
    f.b = gs_malloc(p * sizeof *f.b);
    gs_status st = GS_OK;
    if (!f.xtx || !f.xty || !f.sx || !f.sy || !f.ni || !f.a || !f.b) {
        st = gs_error_set(err, GS_NOMEM, "lmm", "out of memory");
        goto done;
    }
    if (m < 4 || n <= p) {
        st = gs_error_set(err, GS_INPUT, "lmm",
                          "%zu participants and %zu observations for %zu fixed effects: too few", m,
                          n, p);
        goto done;
    }
    size_t g = 0;
    for (size_t k = 0; k < n; k++) {
        if (k > 0 && ord[k].id != ord[k - 1].id)
            g++;
        size_t row = ord[k].row;
        double x[MAX_P] = {0};
        x[0] = 1.0;
        x[1] = arm[row] != 0;
        x[2] = baseline[row];
        int v = visit[row];
        if (v > 0) {
            x[col_dummy[v]] = 1.0;
            if (col_inter[v] >= 0)
                x[col_inter[v]] = x[1];
        }
        for (size_t j = 0; j < p; j++) {
            f.xty[j] += x[j] * y[row];
            f.sx[g * p + j] += x[j];
            for (size_t i = 0; i <= j; i++)
                f.xtx[j * p + i] += x[j] * x[i];
        }
        f.yty += y[row] * y[row];
        f.sy[g] += y[row];
        f.ni[g]++;
    }
    for (size_t j = 0; j < p; j++)
        for (size_t i = 0; i < j; i++)
            f.xtx[i * p + j] = f.xtx[j * p + i];

    /* minimise over theta = log lambda: a grid, golden section in the best bracket, and the
     * boundary lambda = 0 */
    int ok;
    double best_th = -INFINITY, best = criterion(&f, 0.0, NULL, NULL, &ok);
    if (!ok) {
        st = gs_error_set(err, GS_INPUT, "lmm",
                          "the design is singular (an arm or visit without data?)");
        goto done;
    }
    const double lo = -14.0, step = 0.5;
    double grid_best = INFINITY, grid_th = lo, th_grid = lo;
    /* from lambda = 8e-7 up; past log lambda = 8 only while the criterion still falls, so a
     * random-intercept variance far above the residual one is found, not cut off */
    for (; th_grid <= 30.0 + 1e-9; th_grid += step) {
        double c = criterion(&f, exp(th_grid), NULL, NULL, &ok);
        if (c < grid_best) {
            grid_best = c;
            grid_th = th_grid;
        }
        if (th_grid >= 8.0 && grid_th < th_grid)
            break;
    }
    if (grid_th > 30.0 - 1e-9) {
        st = gs_error_set(err, GS_UNSUPPORTED, "lmm",
                          "the random-intercept variance is more than 1e13 times the residual "
                          "variance: no within-participant variability to fit");
        goto done;
    }
    double a = grid_th - step, b = grid_th + step;
    const double gr = 0.5 * (sqrt(5.0) - 1.0);
    double x1 = b - gr * (b - a), x2 = a + gr * (b - a);
    double f1 = criterion(&f, exp(x1), NULL, NULL, &ok),
           f2 = criterion(&f, exp(x2), NULL, NULL, &ok);
    for (int it = 0; it < 100 && b - a > 1e-10; it++) {
        if (f1 < f2) {
            b = x2;
            x2 = x1;
            f2 = f1;
            x1 = b - gr * (b - a);
            f1 = criterion(&f, exp(x1), NULL, NULL, &ok);
        } else {
            a = x1;
            x1 = x2;
            f1 = f2;
            x2 = a + gr * (b - a);
            f2 = criterion(&f, exp(x2), NULL, NULL, &ok);
        }
    }
    double th = 0.5 * (a + b), c = criterion(&f, exp(th), NULL, NULL, &ok);
    if (ok && c < best) {
        best = c;
        best_th = th;
    }
    double lambda = isinf(best_th) ? 0.0 : exp(best_th), beta[MAX_P], s2;
    best = criterion(&f, lambda, beta, &s2, &ok);
    /* the arm coefficient's variance: sigma^2 [(X'V^-1X)^-1]_11 = sigma^2 |L^-1 e_1|^2 */
    double z[MAX_P] = {0};
    z[1] = 1.0;
    gs__chol_forward(f.a, p, z);
    double a11 = 0.0;
    for (size_t j = 0; j < p; j++)
        a11 += z[j] * z[j];
    r->effect = beta[1];
    r->se = sqrt(s2 * a11);
    r->sigma = sqrt(s2);
    r->tau = sqrt(s2 * lambda);
    r->df = (int)m - 3;
    r->t = r->effect / r->se;
    r->p = 2.0 * gsl_cdf_tdist_Q(fabs(r->t), r->df);
    double q = gsl_cdf_tdist_Qinv(0.5 * (1.0 - level), r->df);
    r->ci_lo = r->effect - q * r->se;
    r->ci_hi = r->effect + q * r->se;
    r->reml_loglik = -0.5 * (best + (double)(n - p) * (log(2.0 * 3.14159265358979323846) + 1.0));
done:
    gs_free(ord);
    gs_free(f.xtx);
    gs_free(f.xty);
    gs_free(f.sx);
    gs_free(f.sy);
    gs_free(f.ni);
    gs_free(f.a);
    gs_free(f.b);
    return st;
}
