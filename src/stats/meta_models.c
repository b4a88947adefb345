/* meta_models.c - subgroups, Egger's test, leave-one-out, cumulative meta-analysis and influence
 * diagnostics (gabasim/meta_models.h), each as metafor 3.8 computes it: the pooled fits are
 * gs_meta_pool's, the regressions gs_meta_reg_fit's; the influence statistics follow metafor's
 * influence.rma.uni line by line (deletion fits re-estimate tau^2; Cook's distance uses the full
 * model's covariance of every coefficient; dfbetas the deletion tau^2 on every study). */
#include <float.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/meta_models.h"
#include "meta_models_int.h"
#include "stats_int.h"

static gs_status nomem(struct gs_error *err)
{
    return gs_error_set(err, GS_NOMEM, "meta", "out of memory");
}

/* A pooled fit of n studies with req's model; Hartung-Knapp only from 2 studies (metafor sets
 * test = "z" when k = 1). */
static gs_status pool(const struct gs_meta_pool_request *req, const double *y, const double *v,
                      size_t n, struct gs_meta_result *out, struct gs_error *err)
{
    struct gs_meta_pool_request q = *req;
    q.yi = y, q.vi = v, q.k = n;
    q.hk = req->hk && n >= 2 && req->method != GS_META_FIXED;
    gs_status st = gs_meta_pool(&q, out, err);
    if (st == GS_OK && n == 1)
        out->q_p = 1; /* metafor: QE = 0, QEp = 1 when k = p */
    return st;
}

/* Q between of g estimates with standard errors: the fixed-effect Q of the estimates. */
static double q_between(const struct gs_meta_subgroup *s, size_t g, int random)
{
    double sw = 0, swy = 0, q = 0;
    for (size_t j = 0; j < g; j++) {
        const struct gs_meta_result *r = random ? &s[j].random : &s[j].fixed;
        double w = 1 / (r->se * r->se);
        sw += w, swy += w * r->est;
    }
    for (size_t j = 0; j < g; j++) {
        const struct gs_meta_result *r = random ? &s[j].random : &s[j].fixed;
        q += (r->est - swy / sw) * (r->est - swy / sw) / (r->se * r->se);
    }
    return isfinite(q) ? q : NAN;
}

void gs_meta_subgroups_release(struct gs_meta_subgroups *r)
{
    if (r == NULL)
        return;
    gs_free(r->sub);
    *r = (struct gs_meta_subgroups){0};
}

gs_status gs_meta_subgroups(const struct gs_meta_subgroup_request *req, struct gs_meta_subgroups *r,
                            struct gs_error *err)
{
    *r = (struct gs_meta_subgroups){0};
    const size_t k = req->k, g = req->g;
    if (g < 2 || g > GS_META_P_MAX)
        return gs_error_set(err, GS_INPUT, "subgroup", "%zu subgroups; allowed: 2 to %d", g,
                            GS_META_P_MAX);
    if (req->method != GS_META_DL && req->method != GS_META_REML)
        return gs_error_set(err, GS_INPUT, "method", "method is %d; allowed: DL, REML",
                            (int)req->method);
    r->sub = gs_calloc(g, sizeof *r->sub);
    double *y = gs_malloc(2 * k * sizeof *y), *x = gs_calloc(k * g, sizeof *x);
    gs_status st = GS_OK;
    if (!r->sub || !y || !x) {
        st = nomem(err);
        goto done;
    }
    double *v = y + k;
    r->g = g;
    r->df = g - 1;
    for (size_t i = 0; i < k; i++)
        if (req->group[i] >= g) {
            st = gs_error_set(err, GS_INPUT, "subgroup", "study %zu: subgroup %zu of %zu", i + 1,
                              req->group[i], g);
            goto done;
        }
    const struct gs_meta_pool_request base = {NULL, NULL, 0, req->method, req->hk, req->level};
    for (size_t j = 0; j < g && st == GS_OK; j++) {
        size_t n = 0;
        for (size_t i = 0; i < k; i++)
            if (req->group[i] == j)
                y[n] = req->yi[i], v[n] = req->vi[i], n++;
        if (n == 0) {
            st = gs_error_set(err, GS_INPUT, "subgroup", "subgroup %zu has no study", j + 1);
            break;
        }
        r->sub[j].k = n;
        struct gs_meta_pool_request fe = base;
        fe.method = GS_META_FIXED;
        if ((st = pool(&fe, y, v, n, &r->sub[j].fixed, err)) == GS_OK)
            st = pool(&base, y, v, n, &r->sub[j].random, err);
    }
    if (st != GS_OK)
        goto done;
    r->qb_fixed = q_between(r->sub, g, 0);
    r->qb_random = q_between(r->sub, g, 1);
    r->qb_fixed_p = gsl_cdf_chisq_Q(r->qb_fixed, (double)(g - 1));
    r->qb_random_p = gsl_cdf_chisq_Q(r->qb_random, (double)(g - 1));
    /* the mixed-effects model: intercept (first subgroup) and g - 1 contrasts, one tau^2 */
    r->qm = r->qm_p = r->tau2_res = NAN;
    if (k > g) {
        for (size_t i = 0; i < k; i++) {
            x[i * g] = 1;
            if (req->group[i] > 0)
                x[i * g + req->group[i]] = 1;
        }
        struct gs_meta_reg_request rq = {req->yi, req->vi, k,           x,       g,
                                         1,       NULL,    req->method, req->hk, req->level};
        struct gs_meta_reg fit;
        if ((st = gs_meta_reg_fit(&rq, &fit, err)) != GS_OK)
            goto done;
        r->qm = fit.qm, r->qm_p = fit.qm_p, r->qm_df2 = fit.qm_df2, r->tau2_res = fit.tau2;
        gs_meta_reg_release(&fit);
    }
done:
    gs_free(y);
    gs_free(x);
    if (st != GS_OK)
        gs_meta_subgroups_release(r);
    return st;
}

gs_status gs_meta_egger(const struct gs_meta_pool_request *req, struct gs_meta_egger *r,
                        struct gs_error *err)
{
    *r = (struct gs_meta_egger){0};
    const size_t k = req->k;
    if (k < 3)
        return gs_error_set(err, GS_INPUT, "egger",
                            "Egger's test needs 3 or more studies (a slope and a residual); "
                            "there are %zu",
                            k);
    double *x = gs_malloc(2 * k * sizeof *x);
    if (x == NULL)
        return nomem(err);
    for (size_t i = 0; i < k; i++)
        x[2 * i] = 1, x[2 * i + 1] = sqrt(req->vi[i]);
    static const char *const names[2] = {"intrcpt", "sei"};
    struct gs_meta_reg_request rq = {req->yi, req->vi, k,           x,       2,
                                     1,       names,   req->method, req->hk, req->level};
    struct gs_meta_reg fit;
    gs_status st = gs_meta_reg_fit(&rq, &fit, err);
    gs_free(x);
    if (st != GS_OK)
        return st;
    r->stat = fit.stat[1], r->p = fit.pval[1], r->df = fit.df;
    r->slope = fit.b[1], r->slope_se = fit.se[1];
    r->limit = fit.b[0], r->limit_lo = fit.ci_lo[0], r->limit_hi = fit.ci_hi[0];
    gs_meta_reg_release(&fit);
    return GS_OK;
}

gs_status gs_meta_leave1out(const struct gs_meta_pool_request *req, struct gs_meta_result *out,
                            struct gs_error *err)
{
    const size_t k = req->k;
    if (k < 2)
        return gs_error_set(err, GS_INPUT, "leave1out",
                            "leave-one-out needs 2 or more studies; there is %zu", k);
    double *y = gs_malloc(2 * k * sizeof *y);
    if (y == NULL)
        return nomem(err);
    double *v = y + k;
    gs_status st = GS_OK;
    for (size_t i = 0; i < k && st == GS_OK; i++) {
        size_t n = 0;
        for (size_t j = 0; j < k; j++)
            if (j != i)
                y[n] = req->yi[j], v[n] = req->vi[j], n++;
        st = pool(req, y, v, n, &out[i], err);
    }
    gs_free(y);
    return st;
}

gs_status gs_meta_cumulative(const struct gs_meta_pool_request *req, const size_t *order,
                             struct gs_meta_result *out, struct gs_error *err)
{
    const size_t k = req->k;
    if (k < 1)
        return gs_error_set(err, GS_INPUT, "studies", "no studies");
    double *y = gs_malloc(2 * k * sizeof *y);
    if (y == NULL)
        return nomem(err);
    double *v = y + k;
    gs_status st = GS_OK;
    for (size_t i = 0; i < k && st == GS_OK; i++) {
        size_t j = order ? order[i] : i;
        if (j >= k) {
            st = gs_error_set(err, GS_INPUT, "order", "order[%zu] is %zu; allowed: 0 to %zu", i, j,
                              k - 1);
            break;
        }
        y[i] = req->yi[j], v[i] = req->vi[j];
        st = pool(req, y, v, i + 1, &out[i], err);
    }
    gs_free(y);
    return st;
}

void gs_meta_influence_release(struct gs_meta_influence *r)
{
    if (r == NULL)
        return;
    gs_free(r->rstudent);
    gs_free(r->influential);
    *r = (struct gs_meta_influence){0};
}

/* log det of a p x p symmetric positive-definite matrix (NAN if it is not); tmp p x p */
static double log_det(const double *a, size_t p, double *tmp)
{
    memcpy(tmp, a, p * p * sizeof *tmp);
    if (!gs__chol(tmp, p, 0))
        return NAN;
    double d = 0;
    for (size_t j = 0; j < p; j++)
        d += 2 * log(tmp[j * p + j]);
    return d;
}

gs_status gs_meta_influence(const struct gs_meta_reg_request *req, struct gs_meta_influence *r,
                            struct gs_error *err)
{
    *r = (struct gs_meta_influence){0};
    const size_t k = req->k, p = req->p;
    if (k < 2)
        return gs_error_set(err, GS_INPUT, "influence",
                            "influence diagnostics need 2 or more studies; there is %zu", k);
    struct gs_meta_reg full;
    gs_status st = gs_meta_reg_fit(req, &full, err);
    if (st != GS_OK)
        return st;
    r->k = k, r->p = p;
    r->rstudent = gs_malloc((9 * k + k * p) * sizeof *r->rstudent);
    r->influential = gs_calloc(k, sizeof *r->influential);
    double *ws = gs_malloc((2 * k + k * p + 4 * p * p + 2 * p) * sizeof *ws);
    if (!r->rstudent || !r->influential || !ws) {
        st = nomem(err);
        goto done;
    }
    r->dffits = r->rstudent + k, r->cook_d = r->dffits + k, r->cov_r = r->cook_d + k;
    r->tau2_del = r->cov_r + k, r->qe_del = r->tau2_del + k, r->hat = r->qe_del + k;
    r->weight = r->hat + k, r->dfbetas = r->weight + k;
    double *y = ws, *v = y + k, *x = v + k, *svb = x + k * p, *tmp = svb + p * p;
    double *vbd = tmp + p * p, *a = vbd + p * p, *db = a + p * p, *xtwx = db + p;
    (void)xtwx;
    memcpy(r->hat, full.hat, k * sizeof *r->hat);
    memcpy(r->weight, full.weight, k * sizeof *r->weight);
    /* svb: the inverse of the full model's covariance of the coefficients */
    memcpy(tmp, full.vb, p * p * sizeof *tmp);
    int svb_ok = gs__chol(tmp, p, 0);
    if (svb_ok)
        gs__meta_chol_inverse(tmp, p, svb);
    const double ldet_full = log_det(full.vb, p, tmp);
    for (size_t i = 0; i < k; i++) {
        double *dfb_row = r->dfbetas + i * p;
        r->rstudent[i] = r->dffits[i] = r->cook_d[i] = r->cov_r[i] = NAN;
        r->tau2_del[i] = r->qe_del[i] = NAN;
        for (size_t j = 0; j < p; j++)
            dfb_row[j] = NAN;
        size_t n = 0;
        for (size_t j = 0; j < k; j++) {
            if (j == i)
                continue;
            y[n] = req->yi[j], v[n] = req->vi[j];
            for (size_t c = 0; c < p; c++)
                x[n * p + c] = req->x ? req->x[j * p + c] : 1.0;
            n++;
        }
        struct gs_meta_reg_request dq = *req;
        dq.yi = y, dq.vi = v, dq.k = n, dq.x = x;
        dq.intercept = 0; /* metafor: skipr2; QM is not used */
        struct gs_meta_reg del;
        struct gs_error e2 = GS_ERROR_INIT;
        gs_status s2 = gs_meta_reg_fit(&dq, &del, &e2);
        if (s2 == GS_NOMEM) {
            st = nomem(err);
            goto done;
        }
        if (s2 != GS_OK) /* metafor: a deletion fit that fails leaves NA */
            continue;
        r->tau2_del[i] = del.tau2;
        r->qe_del[i] = del.qe;
        double pred_full = 0, pred_del = 0, vpred = 0;
        for (size_t s = 0; s < p; s++) {
            double xs = req->x ? req->x[i * p + s] : 1.0;
            pred_full += xs * full.b[s];
            pred_del += xs * del.b[s];
            for (size_t t = 0; t < p; t++)
                vpred += xs * del.vb[s * p + t] * (req->x ? req->x[i * p + t] : 1.0);
        }
        const double vi = req->vi[i], s2w = del.s2w;
        r->dffits[i] = (pred_full - pred_del) / sqrt(s2w * full.hat[i] * (del.tau2 + vi));
        /* vb.del: (X' W X)^-1 over every study at the deletion tau^2 */
        memset(a, 0, p * p * sizeof *a);
        for (size_t j = 0; j < k; j++) {
            double w = 1 / (req->vi[j] + del.tau2);
            for (size_t s = 0; s < p; s++)
                for (size_t t = 0; t < p; t++)
                    a[s * p + t] += w * (req->x ? req->x[j * p + s] * req->x[j * p + t] : 1.0);
        }
        int vbd_ok = gs__chol(a, p, 0);
        if (vbd_ok)
            gs__meta_chol_inverse(a, p, vbd);
        for (size_t s = 0; s < p; s++) {
            db[s] = full.b[s] - del.b[s];
            dfb_row[s] = vbd_ok ? db[s] / sqrt(s2w * vbd[s * p + s]) : NAN;
        }
        double cook = 0;
        for (size_t s = 0; s < p; s++)
            for (size_t t = 0; t < p; t++)
                cook += db[s] * svb[s * p + t] * db[t];
        r->cook_d[i] = svb_ok ? cook : NAN;
        r->cov_r[i] = exp(log_det(del.vb, p, tmp) - ldet_full);
        double resid = req->yi[i] - pred_del;
        if (fabs(resid) < 100 * DBL_EPSILON)
            resid = 0;
        r->rstudent[i] = resid / sqrt(vi * s2w + vpred + del.tau2 * s2w);
        gs_meta_reg_release(&del);
    }
    const double dffits_cut = 3 * sqrt((double)p / (double)(k - p));
    for (size_t i = 0; i < k; i++) {
        int infl = fabs(r->dffits[i]) > dffits_cut || r->hat[i] > 3 * (double)p / (double)k ||
                   (isfinite(r->cook_d[i]) && gsl_cdf_chisq_P(r->cook_d[i], (double)p) > 0.5);
        for (size_t s = 0; s < p; s++)
            infl |= fabs(r->dfbetas[i * p + s]) > 1;
        r->influential[i] = infl;
    }
done:
    gs_free(ws);
    gs_meta_reg_release(&full);
    if (st != GS_OK)
        gs_meta_influence_release(r);
    return st;
}
