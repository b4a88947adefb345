/* meta.c - inverse-variance pooling (fixed effect, DerSimonian-Laird, REML) with Hartung-Knapp,
 * heterogeneity statistics and the prediction interval; conventions of metafor's rma.uni (see
 * gabasim/meta.h). The REML estimate is metafor's Fisher scoring run to convergence: with
 * w = 1/(v + tau^2) and P = W - w w'/sum(w), tau^2 += (y'PPy - tr P) / tr(PP), halving a step
 * that would go below 0; every P quantity is written out as a sum, so no matrix is formed. */
#include <gsl/gsl_cdf.h>
#include <math.h>

#include "gabasim/alloc.h"
#include "gabasim/meta.h"

/* Sums of the inverse-variance weights 1/(v + tau2): sum w, sum w^2, the weighted mean, sum w r^2
 * and sum (w r)^2 with r the residual from that mean. */
struct wsums {
    double w, w2, mean, wr2, w2r2;
};

static struct wsums sums(const double *y, const double *v, size_t k, double tau2)
{
    struct wsums s = {0};
    double wy = 0;
    for (size_t i = 0; i < k; i++) {
        double w = 1 / (v[i] + tau2);
        s.w += w, s.w2 += w * w, wy += w * y[i];
    }
    s.mean = wy / s.w;
    for (size_t i = 0; i < k; i++) {
        double w = 1 / (v[i] + tau2), r = y[i] - s.mean;
        s.wr2 += w * r * r, s.w2r2 += w * w * r * r;
    }
    return s;
}

/* tr P and tr PP, with P = W - w w'/sum(w), without the cancellation of the textbook sums
 * (sum w - sum w^2/sum w, and sum w^2 - 2 sum w^3/sum w + (sum w^2)^2/(sum w)^2), which lose every
 * digit when one study's weight dwarfs the rest (two studies with SEs 7147 and 0.146 gave
 * tr PP <= 0 and an endless loop). With o_i = sum of the other weights (prefix + suffix sums, so
 * no subtraction) and W = sum w: tr P = sum w_i o_i / W and
 * tr PP = (sum w_i^2 o_i^2 + 2 sum_{i<j} w_i^2 w_j^2) / W^2. `suffix` is scratch of k doubles. */
static void traces(const double *v, size_t k, double tau2, double *suffix, double *tr_p,
                   double *tr_pp)
{
    double acc = 0;
    for (size_t i = k; i-- > 0;) {
        suffix[i] = acc; /* the sum of w_j over j > i */
        acc += 1 / (v[i] + tau2);
    }
    const double sw = acc;
    double prefix = 0, prefix2 = 0, p = 0, pp = 0, cross = 0;
    for (size_t i = 0; i < k; i++) {
        double w = 1 / (v[i] + tau2), o = prefix + suffix[i];
        p += w * o;
        pp += w * w * o * o;
        cross += w * w * prefix2; /* sum over j < i of w_j^2, times w_i^2 */
        prefix += w;
        prefix2 += w * w;
    }
    *tr_p = p / sw;
    *tr_pp = (pp + 2 * cross) / (sw * sw);
}

static gs_status reml(const double *y, const double *v, size_t k, double tau2, double *suffix,
                      double *out, int *iter, struct gs_error *err)
{
    /* where full steps oscillate (a flat likelihood), again with steps scaled by 1/2, 1/4, 1/8:
     * metafor's remedy, control = list(stepadj = 0.5); slow cases need thousands of steps */
    const double start = tau2;
    for (double stepadj = 1; stepadj >= 0.125; stepadj /= 2) {
        tau2 = start;
        for (int it = 1; it <= 10000; it++) {
            struct wsums s = sums(y, v, k, tau2);
            double tr_p, tr_pp;
            traces(v, k, tau2, suffix, &tr_p, &tr_pp);
            double adj = stepadj * (s.w2r2 - tr_p) / tr_pp;
            if (!isfinite(adj))
                break; /* no information about tau^2 left in P (one study's weight is all) */
            while (tau2 + adj < 0)
                adj /= 2;
            tau2 += adj;
            if (fabs(adj) < 1e-13 * fmax(1.0, tau2)) {
                *out = fmax(0.0, tau2);
                *iter = it;
                return GS_OK;
            }
        }
    }
    return gs_error_set(err, GS_SOLVER, "tau2",
                        "REML did not converge (Fisher scoring with steps scaled 1 to 1/8)");
}

gs_status gs_meta_pool(const struct gs_meta_pool_request *req, struct gs_meta_result *r,
                       struct gs_error *err)
{
    const double *yi = req->yi, *vi = req->vi;
    const double level = req->level;
    const size_t k = req->k;
    const enum gs_meta_method method = req->method;
    const int hk = req->hk;
    if (k < 1)
        return gs_error_set(err, GS_INPUT, "studies", "no studies to pool");
    if (!(level > 0 && level < 1))
        return gs_error_set(err, GS_INPUT, "level", "level is %g; allowed: between 0 and 1", level);
    for (size_t i = 0; i < k; i++)
        if (!isfinite(yi[i]) || !(vi[i] > 0) || !isfinite(vi[i]))
            return gs_error_set(err, GS_INPUT, "study",
                                "study %zu has estimate %g and variance %g; the variance must be "
                                "above 0 and both finite",
                                i + 1, yi[i], vi[i]);
    if (hk && (method == GS_META_FIXED || k < 2))
        return gs_error_set(err, GS_INPUT, "hk",
                            "Hartung-Knapp needs a random-effects method and 2 or more studies");

    *r = (struct gs_meta_result){0};
    r->k = k;
    struct gs_meta_result *o = r;
    const double df = (double)k - 1;
    struct wsums fe = sums(yi, vi, k, 0.0);
    o->q = k > 1 ? fe.wr2 : 0.0; /* one study: its own mean, up to rounding */
    o->q_p = k > 1 ? gsl_cdf_chisq_Q(o->q, df) : NAN;

    /* c = sum w - sum w^2 / sum w = tr P at tau^2 = 0, by traces() (no cancellation) */
    double *suffix = gs_malloc(k * sizeof *suffix), c = 0, tr_pp;
    if (suffix == NULL)
        return gs_error_set(err, GS_NOMEM, "tau2", "out of memory for %zu studies", k);
    traces(vi, k, 0.0, suffix, &c, &tr_pp);
    /* DerSimonian-Laird; also REML's start (the REML root does not depend on the start) */
    const double dl = k > 1 ? fmax(0.0, (o->q - df) / c) : 0.0;
    if (method == GS_META_DL)
        o->tau2 = dl;
    if (method == GS_META_REML && k > 1) {
        gs_status st = reml(yi, vi, k, dl, suffix, &o->tau2, &o->iterations, err);
        if (st != GS_OK) {
            gs_free(suffix);
            return st;
        }
    }
    gs_free(suffix);

    if (method == GS_META_FIXED) {
        o->i2 = o->q > df && k > 1 ? 100 * (o->q - df) / o->q : 0;
        o->h2 = k > 1 ? o->q / df : 1;
    } else {
        double s2 = k > 1 ? df / c : 0; /* df sum w / ((sum w)^2 - sum w^2) */
        o->i2 = k > 1 ? 100 * o->tau2 / (o->tau2 + s2) : 0;
        o->h2 = k > 1 ? (o->tau2 + s2) / s2 : 1;
    }

    struct wsums re = sums(yi, vi, k, o->tau2);
    o->est = re.mean;
    double var = 1 / re.w;
    double crit;
    if (hk) {
        var *= re.wr2 / df;
        o->df = (int)df;
        crit = gsl_cdf_tdist_Pinv(0.5 + level / 2, df);
    } else {
        crit = gsl_cdf_ugaussian_Pinv(0.5 + level / 2);
    }
    o->se = sqrt(var);
    if (!(o->se > 0)) { /* Hartung-Knapp: every study has the same estimate */
        o->se = 0;
        o->undefined = "the Hartung-Knapp variance is 0 (every study has the same estimate)";
        o->stat = o->p = o->ci_lo = o->ci_hi = o->pi_lo = o->pi_hi = NAN;
        return GS_OK;
    }
    o->stat = o->est / o->se;
    o->p = hk ? 2 * gsl_cdf_tdist_Q(fabs(o->stat), df) : 2 * gsl_cdf_ugaussian_Q(fabs(o->stat));
    o->ci_lo = o->est - crit * o->se;
    o->ci_hi = o->est + crit * o->se;
    double pse = sqrt(var + o->tau2);
    o->pi_lo = o->est - crit * pse;
    o->pi_hi = o->est + crit * pse;
    return GS_OK;
}
