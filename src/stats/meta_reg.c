/* meta_reg.c - mixed-effects meta-regression (gabasim/meta_models.h), metafor's rma.uni with
 * moderators: weighted least squares at the estimated tau^2 (fixed, DerSimonian-Laird or REML by
 * Fisher scoring), Knapp-Hartung's variance factor, QM, QE, I^2, H^2 and the pseudo-R^2.
 *
 * Every quantity of the k x k matrix P = W - W X (X'WX)^-1 X'W is written through p x p
 * matrices, so nothing of size k^2 is formed: P y = W r (r the residuals), so y'Py = sum w r^2
 * and y'PPy = sum (w r)^2; tr P = sum w - tr(A B2), tr PP = sum w^2 - 2 tr(A B3) + tr(A B2 A B2)
 * with A = (X'WX)^-1 and Bj = X'W^j X. Like metafor, tau^2 is estimated from the centred
 * estimates (the same as y itself whenever the design has an intercept). The REML iteration is
 * metafor's (start at the Hedges estimate, step (y'PPy - tr P)/tr PP halved while it would go
 * below 0), run to a change below 1e-12, then metafor's check that tau^2 = 0 is not more likely;
 * where full steps oscillate, damped steps as metafor's stepadj (see tau2_estimate). */
#include <float.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/meta_models.h"
#include "meta_models_int.h"
#include "stats_int.h"

/* The inverse of a p x p matrix from its Cholesky factor l (gs__chol), into inv. */
void gs__meta_chol_inverse(const double *l, size_t p, double *inv)
{
    for (size_t c = 0; c < p; c++) { /* column c, stored as row c (the inverse is symmetric) */
        for (size_t i = 0; i < p; i++)
            inv[c * p + i] = i == c;
        gs__chol_solve(l, p, inv + c * p);
    }
}

/* The first column of the p x p symmetric a (row-major) that is a linear combination of the
 * columns before it (a pivot at or below rel_tol of its diagonal), or p when there is none. */
static size_t first_dependent(const double *a, size_t p, double rel_tol)
{
    double tmp[GS_META_P_MAX * GS_META_P_MAX];
    for (size_t j = 1; j <= p; j++) {
        for (size_t r = 0; r < j; r++)
            for (size_t c = 0; c < j; c++)
                tmp[r * j + c] = a[r * p + c];
        if (!gs__chol(tmp, j, rel_tol))
            return j - 1;
    }
    return p;
}

static double xij(const double *x, size_t p, size_t i, size_t j)
{
    return x ? x[i * p + j] : 1.0;
}

/* Weighted least squares at weights w: A = (X'WX)^-1 (p x p) and b = A X'W y; ldet = log det
 * X'WX. 0 when X'WX is singular. */
static int wls(const double *y, const double *w, const double *x, size_t k, size_t p, double *a,
               double *l, double *b, double *ldet)
{
    memset(l, 0, p * p * sizeof *l);
    for (size_t i = 0; i < k; i++)
        for (size_t r = 0; r < p; r++)
            for (size_t c = 0; c <= r; c++)
                l[r * p + c] += w[i] * xij(x, p, i, r) * xij(x, p, i, c);
    for (size_t r = 0; r < p; r++)
        for (size_t c = r + 1; c < p; c++)
            l[r * p + c] = l[c * p + r];
    if (!gs__chol(l, p, 1e-13))
        return 0;
    gs__meta_chol_inverse(l, p, a);
    if (ldet) {
        *ldet = 0;
        for (size_t j = 0; j < p; j++)
            *ldet += 2 * log(l[j * p + j]);
    }
    double xwy[GS_META_P_MAX] = {0};
    for (size_t i = 0; i < k; i++)
        for (size_t r = 0; r < p; r++)
            xwy[r] += w[i] * xij(x, p, i, r) * y[i];
    for (size_t r = 0; r < p; r++) {
        b[r] = 0;
        for (size_t c = 0; c < p; c++)
            b[r] += a[r * p + c] * xwy[c];
    }
    return 1;
}

static double fitted(const double *x, size_t p, size_t i, const double *b)
{
    double f = 0;
    for (size_t j = 0; j < p; j++)
        f += xij(x, p, i, j) * b[j];
    return f;
}

/* The P quantities at tau2 (weights 1/(v + tau2)): y'Py, y'PPy, tr P, tr PP. 0 if singular. */
struct pq {
    double ypy, yppy, trp, trpp, ldet, sumlogv;
};

static int p_quantities(const double *y, const double *v, const double *x, size_t k, size_t p,
                        double tau2, double *ws, struct pq *q)
{
    double *w = ws, *a = ws + k, *l = a + p * p, *b = l + p * p, *b2 = b + p, *b3 = b2 + p * p;
    double *c = b3 + p * p;
    *q = (struct pq){0};
    for (size_t i = 0; i < k; i++) {
        w[i] = 1 / (v[i] + tau2);
        q->sumlogv += log(v[i] + tau2);
    }
    if (!wls(y, w, x, k, p, a, l, b, &q->ldet))
        return 0;
    double sw = 0, sw2 = 0;
    memset(b2, 0, 2 * p * p * sizeof *b2);
    for (size_t i = 0; i < k; i++) {
        double r = y[i] - fitted(x, p, i, b);
        q->ypy += w[i] * r * r;
        q->yppy += w[i] * w[i] * r * r;
        sw += w[i], sw2 += w[i] * w[i];
        for (size_t s = 0; s < p; s++)
            for (size_t t = 0; t < p; t++) {
                double xx = xij(x, p, i, s) * xij(x, p, i, t);
                b2[s * p + t] += w[i] * w[i] * xx;
                b3[s * p + t] += w[i] * w[i] * w[i] * xx;
            }
    }
    double tr_ab2 = 0, tr_ab3 = 0;
    for (size_t s = 0; s < p; s++)
        for (size_t t = 0; t < p; t++) {
            tr_ab2 += a[s * p + t] * b2[t * p + s];
            tr_ab3 += a[s * p + t] * b3[t * p + s];
        }
    for (size_t s = 0; s < p; s++) /* c = A B2 */
        for (size_t t = 0; t < p; t++) {
            double acc = 0;
            for (size_t m = 0; m < p; m++)
                acc += a[s * p + m] * b2[m * p + t];
            c[s * p + t] = acc;
        }
    double tr_cc = 0;
    for (size_t s = 0; s < p; s++)
        for (size_t t = 0; t < p; t++)
            tr_cc += c[s * p + t] * c[t * p + s];
    q->trp = sw - tr_ab2;
    q->trpp = sw2 - 2 * tr_ab3 + tr_cc;
    return 1;
}

/* workspace doubles p_quantities needs */
static size_t ws_size(size_t k, size_t p)
{
    return k + 5 * p * p + p;
}

/* tau^2 by `method` (0 for the fixed model); GS_SOLVER when REML does not converge, GS_INPUT when
 * X'WX is singular. */
static gs_status tau2_estimate(const double *ymc, const double *v, const double *x, size_t k,
                               size_t p, enum gs_meta_method method, double *ws, double *tau2,
                               int *iterations, struct gs_error *err)
{
    struct pq q;
    *tau2 = 0;
    *iterations = 0;
    if (method == GS_META_FIXED || k == 1)
        return GS_OK;
    if (method == GS_META_DL) {
        if (!p_quantities(ymc, v, x, k, p, 0.0, ws, &q))
            goto singular;
        *tau2 = fmax(0.0, (q.ypy - (double)(k - p)) / q.trp);
        return GS_OK;
    }
    /* REML, from the Hedges estimate (RSS_ols - tr((I - H) V))/(k - p), as metafor */
    {
        double *one = ws + ws_size(k, p), *a = one + k, *l = a + p * p, *b = l + p * p;
        for (size_t i = 0; i < k; i++)
            one[i] = 1;
        if (!wls(ymc, one, x, k, p, a, l, b, NULL))
            goto singular;
        double rss = 0, trpv = 0;
        for (size_t i = 0; i < k; i++) {
            double r = ymc[i] - fitted(x, p, i, b), h = 0;
            for (size_t s = 0; s < p; s++)
                for (size_t t = 0; t < p; t++)
                    h += xij(x, p, i, s) * a[s * p + t] * xij(x, p, i, t);
            rss += r * r;
            trpv += v[i] * (1 - h);
        }
        *tau2 = fmax(0.0, (rss - trpv) / (double)(k - p));
    }
    /* Fisher scoring; where its full steps oscillate without converging (they can on a flat
     * likelihood), again from the start with the steps scaled by 1/2, 1/4, 1/8: metafor's own
     * remedy (control = list(stepadj = 0.5)), which reaches the same root */
    const double start = *tau2;
    for (double stepadj = 1; stepadj >= 0.125; stepadj /= 2) {
        *tau2 = start;
        for (int it = 1; it <= 10000; it++) {
            if (!p_quantities(ymc, v, x, k, p, *tau2, ws, &q))
                goto singular;
            double adj = stepadj * (q.yppy - q.trp) / q.trpp;
            if (!isfinite(adj))
                adj = 0;
            while (*tau2 + adj < 0)
                adj /= 2;
            *tau2 += adj;
            if (fabs(adj) < 1e-12) {
                *iterations = it;
                /* metafor's ll0check: a tau^2 of 0 more likely than the root found means the
                 * scoring stopped at a local maximum */
                struct pq q0;
                if (!p_quantities(ymc, v, x, k, p, *tau2, ws, &q) ||
                    !p_quantities(ymc, v, x, k, p, 0.0, ws, &q0))
                    goto singular;
                double ll = -0.5 * (q.sumlogv + q.ldet + q.ypy),
                       ll0 = -0.5 * (q0.sumlogv + q0.ldet + q0.ypy);
                if (ll0 - ll > 1.220703125e-4 && *tau2 > 1e-5) /* metafor: eps^0.25, threshold */
                    *tau2 = 0;
                return GS_OK;
            }
        }
    }
    return gs_error_set(err, GS_SOLVER, "tau2",
                        "REML did not converge (Fisher scoring with steps scaled 1 to 1/8)");
singular:
    return gs_error_set(err, GS_INPUT, "mods", "the design is singular at the weights");
}

void gs_meta_reg_release(struct gs_meta_reg *r)
{
    if (r == NULL)
        return;
    gs_free(r->b);   /* se, stat, pval, ci_lo, ci_hi and vb share its block */
    gs_free(r->hat); /* and weight this one */
    *r = (struct gs_meta_reg){0};
}

static gs_status check(const struct gs_meta_reg_request *req, struct gs_error *err)
{
    const size_t k = req->k, p = req->p;
    if (p < 1 || p > GS_META_P_MAX)
        return gs_error_set(err, GS_INPUT, "mods", "%zu columns in the design; allowed: 1 to %d", p,
                            GS_META_P_MAX);
    if (req->x == NULL && p != 1)
        return gs_error_set(err, GS_INPUT, "mods", "no design matrix for %zu columns", p);
    if (!(req->level > 0 && req->level < 1))
        return gs_error_set(err, GS_INPUT, "level", "level is %g; allowed: between 0 and 1",
                            req->level);
    if (req->method != GS_META_FIXED && req->method != GS_META_DL && req->method != GS_META_REML)
        return gs_error_set(err, GS_INPUT, "method", "method is %d; allowed: fixed, DL, REML",
                            (int)req->method);
    size_t need = p + (req->method != GS_META_FIXED || req->hk);
    if (k == 1 && p == 1)
        need = 1; /* one study: tau^2 = 0 and z, as metafor */
    if (k < need)
        return gs_error_set(err, GS_INPUT, "studies",
                            "%zu studies for a model of %zu coefficients%s; needed: %zu or more", k,
                            p, req->method != GS_META_FIXED ? " and tau^2" : "", need);
    for (size_t i = 0; i < k; i++) {
        if (!isfinite(req->yi[i]) || !(req->vi[i] > 0) || !isfinite(req->vi[i]))
            return gs_error_set(err, GS_INPUT, "study",
                                "study %zu has estimate %g and variance %g; the variance must be "
                                "above 0 and both finite",
                                i + 1, req->yi[i], req->vi[i]);
        for (size_t j = 0; req->x && j < p; j++)
            if (!isfinite(req->x[i * p + j]))
                return gs_error_set(err, GS_INPUT, "mods", "study %zu: column %zu is not finite",
                                    i + 1, j + 1);
    }
    /* collinearity: the first column that is a combination of the ones before it */
    double xx[GS_META_P_MAX * GS_META_P_MAX] = {0};
    for (size_t i = 0; i < k; i++)
        for (size_t r = 0; r < p; r++)
            for (size_t c = 0; c < p; c++)
                xx[r * p + c] += xij(req->x, p, i, r) * xij(req->x, p, i, c);
    size_t bad = first_dependent(xx, p, 1e-10);
    if (bad < p) {
        char name[32], before[256] = "";
        snprintf(name, sizeof name, "column %zu", bad + 1);
        const char *nm = req->names ? req->names[bad] : name;
        for (size_t j = 0, w = 0; j < bad && w < sizeof before; j++)
            w += (size_t)snprintf(before + w, sizeof before - w, "%s%s", j ? ", " : "",
                                  req->names ? req->names[j] : "an earlier column");
        return gs_error_set(
            err, GS_INPUT, nm, "'%s' is %s (with %s): its coefficient is not identifiable", nm,
            bad ? "a linear combination of the columns before it" : "zero in every study",
            bad ? before : "nothing");
    }
    return GS_OK;
}

gs_status gs_meta_reg_fit(const struct gs_meta_reg_request *req, struct gs_meta_reg *r,
                          struct gs_error *err)
{
    *r = (struct gs_meta_reg){0};
    gs_status st = check(req, err);
    if (st != GS_OK)
        return st;
    const size_t k = req->k, p = req->p;
    const double *y = req->yi, *v = req->vi, *x = req->x;
    r->k = k, r->p = p;
    r->b = gs_calloc(6 * p + p * p, sizeof *r->b);
    r->hat = gs_calloc(2 * k, sizeof *r->hat);
    double *ws = gs_calloc(ws_size(k, p) + k + 2 * p * p + p + k, sizeof *ws);
    if (!r->b || !r->hat || !ws) {
        st = gs_error_set(err, GS_NOMEM, "meta", "out of memory");
        goto done;
    }
    r->se = r->b + p, r->stat = r->se + p, r->pval = r->stat + p, r->ci_lo = r->pval + p;
    r->ci_hi = r->ci_lo + p;
    r->vb = r->ci_hi + p;
    r->weight = r->hat + k;
    double *ymc = ws + ws_size(k, p) + k + 2 * p * p + p, ybar = 0;
    for (size_t i = 0; i < k; i++)
        ybar += y[i] / (double)k;
    for (size_t i = 0; i < k; i++)
        ymc[i] = y[i] - ybar;
    if ((st = tau2_estimate(ymc, v, x, k, p, req->method, ws, &r->tau2, &r->iterations, err)))
        goto done;
    const int hk = req->hk && k > 1; /* metafor: test = "z" when k = 1 */
    /* the fit at tau2 */
    double *w = ws, *a = ws + k, *l = a + p * p;
    for (size_t i = 0; i < k; i++)
        w[i] = 1 / (v[i] + r->tau2);
    if (!wls(y, w, x, k, p, a, l, r->b, NULL)) {
        st = gs_error_set(err, GS_INPUT, "mods", "the design is singular at the weights");
        goto done;
    }
    double sw = 0, rss = 0;
    for (size_t i = 0; i < k; i++) {
        double e = y[i] - fitted(x, p, i, r->b), h = 0;
        rss += w[i] * e * e;
        sw += w[i];
        for (size_t s = 0; s < p; s++)
            for (size_t t = 0; t < p; t++)
                h += xij(x, p, i, s) * a[s * p + t] * xij(x, p, i, t);
        h *= w[i];
        r->hat[i] = h > 1 - 10 * DBL_EPSILON ? 1 : h;
    }
    for (size_t i = 0; i < k; i++)
        r->weight[i] = 100 * w[i] / sw;
    r->s2w = 1;
    if (hk)
        r->s2w = rss <= DBL_EPSILON ? 0 : rss / (double)(k - p);
    for (size_t s = 0; s < p * p; s++)
        r->vb[s] = r->s2w * a[s];
    double crit;
    if (hk) {
        r->df = k - p;
        crit = gsl_cdf_tdist_Pinv(0.5 + req->level / 2, (double)r->df);
    } else {
        crit = gsl_cdf_ugaussian_Pinv(0.5 + req->level / 2);
    }
    for (size_t j = 0; j < p; j++) {
        r->se[j] = sqrt(r->vb[j * p + j]);
        r->stat[j] = r->se[j] > 0 ? r->b[j] / r->se[j] : NAN;
        r->pval[j] = hk ? 2 * gsl_cdf_tdist_Q(fabs(r->stat[j]), (double)r->df)
                        : 2 * gsl_cdf_ugaussian_Q(fabs(r->stat[j]));
        r->ci_lo[j] = r->b[j] - crit * r->se[j];
        r->ci_hi[j] = r->b[j] + crit * r->se[j];
    }
    /* QM over btt: every coefficient but an intercept (the intercept alone in p = 1) */
    size_t b0 = req->intercept && p > 1 ? 1 : 0, m = p - b0;
    double *sub = ws + ws_size(k, p) + k; /* m x m */
    for (size_t s = 0; s < m; s++)
        for (size_t t = 0; t < m; t++)
            sub[s * m + t] = r->vb[(s + b0) * p + t + b0];
    r->qm_df = m;
    if (gs__chol(sub, m, 0)) {
        double *inv = sub + p * p, qm = 0;
        gs__meta_chol_inverse(sub, m, inv);
        for (size_t s = 0; s < m; s++)
            for (size_t t = 0; t < m; t++)
                qm += r->b[s + b0] * inv[s * m + t] * r->b[t + b0];
        r->qm = qm;
    } else {
        r->qm = NAN;
    }
    if (hk) {
        r->qm /= (double)m;
        r->qm_df2 = k - p;
        r->qm_p = gsl_cdf_fdist_Q(r->qm, (double)m, (double)(k - p));
    } else {
        r->qm_p = gsl_cdf_chisq_Q(r->qm, (double)m);
    }
    /* QE, I^2, H^2 from the fixed-effect weights */
    if (k > p) {
        struct pq q;
        if (!p_quantities(ymc, v, x, k, p, 0.0, ws, &q)) {
            st = gs_error_set(err, GS_INPUT, "mods", "the design is singular at the weights");
            goto done;
        }
        r->qe = fmax(0.0, q.ypy);
        r->qe_p = gsl_cdf_chisq_Q(r->qe, (double)(k - p));
        double vt = (double)(k - p) / q.trp;
        if (req->method == GS_META_FIXED) {
            r->i2 = fmax(0.0, 100 * (r->qe - (double)(k - p)) / r->qe);
            r->h2 = r->qe / (double)(k - p);
        } else {
            r->i2 = 100 * r->tau2 / (vt + r->tau2);
            r->h2 = r->tau2 / vt + 1;
        }
    } else {
        r->qe = 0, r->qe_p = 1, r->i2 = 0, r->h2 = 1;
    }
    /* pseudo-R^2 against the model without moderators (the intercept alone) */
    r->r2 = NAN;
    if (req->intercept && p > 1) {
        if (req->method == GS_META_FIXED) { /* metafor: weighted lm()'s adjusted R^2 */
            double sw0 = 0, swy = 0, tss = 0;
            for (size_t i = 0; i < k; i++)
                sw0 += 1 / v[i], swy += y[i] / v[i];
            for (size_t i = 0; i < k; i++)
                tss += (y[i] - swy / sw0) * (y[i] - swy / sw0) / v[i];
            double adj = 1 - (r->qe / tss) * (double)(k - 1) / (double)(k - p);
            r->r2 = tss > 0 ? fmax(0.0, 100 * adj) : 0;
        } else {
            double t0;
            int it0;
            if ((st = tau2_estimate(ymc, v, NULL, k, 1, req->method, ws, &t0, &it0, err)))
                goto done;
            r->r2 = t0 == 0 ? 0 : fmax(0.0, 100 * (t0 - r->tau2) / t0);
        }
    }
done:
    gs_free(ws);
    if (st != GS_OK)
        gs_meta_reg_release(r);
    return st;
}
