/* meta_mh.c - pooled estimates straight from the studies' event counts, as R metafor's rma.mh and
 * rma.peto compute them: Mantel-Haenszel risk ratio, odds ratio and risk difference, and Peto's
 * odds ratio. No continuity correction is needed; the variances are the ones cited in
 * gabasim/meta.h. */
#include <gsl/gsl_cdf.h>
#include <math.h>

#include "gabasim/meta.h"

static gs_status check(const struct gs_meta_mh_request *req, struct gs_error *err)
{
    if (req->k < 1)
        return gs_error_set(err, GS_INPUT, "studies", "no studies to pool");
    if (!(req->level > 0 && req->level < 1))
        return gs_error_set(err, GS_INPUT, "level", "level is %g; allowed: between 0 and 1",
                            req->level);
    for (size_t i = 0; i < req->k; i++) {
        const double a1 = req->a1[i], n1 = req->n1[i], a2 = req->a2[i], n2 = req->n2[i];
        if (!(n1 >= 1 && n2 >= 1 && a1 >= 0 && a1 <= n1 && a2 >= 0 && a2 <= n2 && isfinite(n1) &&
              isfinite(n2)))
            return gs_error_set(err, GS_INPUT, "study",
                                "study %zu has %g of %g and %g of %g events; allowed: 0 to the "
                                "arm size, arms of 1 or more",
                                i + 1, a1, n1, a2, n2);
    }
    return GS_OK;
}

/* The estimate `est` with variance `var` into *r: z test and CI at `level` (the prediction
 * interval is the CI); a zero variance leaves them undefined, `why`. */
static gs_status finish(struct gs_meta_result *r, size_t k, double est, double var, double level,
                        const char *why)
{
    *r = (struct gs_meta_result){0};
    r->k = k;
    r->est = est;
    r->se = sqrt(var);
    if (!(r->se > 0)) {
        r->se = 0;
        r->undefined = why;
        r->stat = r->p = r->ci_lo = r->ci_hi = r->pi_lo = r->pi_hi = NAN;
        return GS_OK;
    }
    const double crit = gsl_cdf_ugaussian_Pinv(0.5 + level / 2);
    r->stat = r->est / r->se;
    r->p = 2 * gsl_cdf_ugaussian_Q(fabs(r->stat));
    r->ci_lo = r->est - crit * r->se;
    r->ci_hi = r->est + crit * r->se;
    r->pi_lo = r->ci_lo;
    r->pi_hi = r->ci_hi;
    return GS_OK;
}

gs_status gs_meta_mh(const struct gs_meta_mh_request *req, struct gs_meta_result *r,
                     struct gs_error *err)
{
    gs_status st = check(req, err);
    if (st != GS_OK)
        return st;
    const double *a1 = req->a1, *n1 = req->n1, *a2 = req->a2, *n2 = req->n2;
    const size_t k = req->k;
    /* sums over the studies; which ones a measure needs is said below */
    double R = 0, S = 0, s1 = 0, s2 = 0, s3 = 0;
    switch (req->measure) {
    case GS_META_RR: /* Greenland & Robins 1985 */
        for (size_t i = 0; i < k; i++) {
            const double N = n1[i] + n2[i];
            R += a1[i] * n2[i] / N;
            S += a2[i] * n1[i] / N;
            s1 += (n1[i] * n2[i] * (a1[i] + a2[i]) - a1[i] * a2[i] * N) / (N * N);
        }
        if (R > 0 && S > 0)
            return finish(r, k, log(R / S), s1 / (R * S), req->level,
                          "the Mantel-Haenszel variance is 0 (every participant had the event)");
        return gs_error_set(
            err, GS_INPUT, "events", "no events in the %s arms of every study: the ratio is %s",
            R > 0 ? "comparator" : "treatment", R > 0 ? "infinite" : "0 or undefined");
    case GS_META_OR: /* Robins, Breslow & Greenland 1986: P = (a + d)/N, Q = (b + c)/N */
        for (size_t i = 0; i < k; i++) {
            const double N = n1[i] + n2[i], b1 = n1[i] - a1[i], b2 = n2[i] - a2[i];
            const double Ri = a1[i] * b2 / N, Si = b1 * a2[i] / N;
            const double Pi = (a1[i] + b2) / N, Qi = (b1 + a2[i]) / N;
            R += Ri, S += Si;
            s1 += Pi * Ri, s2 += Pi * Si + Qi * Ri, s3 += Qi * Si;
        }
        if (!(R > 0 && S > 0))
            return gs_error_set(err, GS_INPUT, "events",
                                "the Mantel-Haenszel odds ratio is %s: no study has both %s",
                                R > 0 ? "infinite" : "0 or undefined",
                                R > 0 ? "participants without the event in the treatment arm and "
                                        "with it in the comparator arm"
                                      : "participants with the event in the treatment arm and "
                                        "without it in the comparator arm");
        return finish(r, k, log(R / S), 0.5 * (s1 / (R * R) + s2 / (R * S) + s3 / (S * S)),
                      req->level, "the Mantel-Haenszel variance is 0");
    case GS_META_RD: { /* Sato, Greenland & Robins 1989, as metafor rma.mh writes it */
        double w = 0, num = 0;
        for (size_t i = 0; i < k; i++) {
            const double N = n1[i] + n2[i], f1 = n1[i] / N, f2 = n2[i] / N;
            w += n1[i] * f2;
            num += a1[i] * f2 - a2[i] * f1;
            s1 += a2[i] * f1 * f1 - a1[i] * f2 * f2 + f1 * f2 * (n2[i] - n1[i]) / 2;
            s2 += (a1[i] * (n2[i] - a2[i]) + a2[i] * (n1[i] - a1[i])) / N;
        }
        const double est = num / w;
        return finish(r, k, est, (est * s1 + s2 / 2) / (w * w), req->level,
                      "the Mantel-Haenszel variance is 0 (no participant had the event, or "
                      "every one had it)");
    }
    default:
        return gs_error_set(err, GS_INPUT, "measure",
                            "'measure' is '%s'; allowed for Mantel-Haenszel: RR, OR, RD",
                            gs_meta_measure_code(req->measure));
    }
}

gs_status gs_meta_mh_rr(const struct gs_meta_mh_rr_request *req, struct gs_meta_result *r,
                        struct gs_error *err)
{
    const struct gs_meta_mh_request mh = {req->a1, req->n1,    req->a2,   req->n2,
                                          req->k,  GS_META_RR, req->level};
    return gs_meta_mh(&mh, r, err);
}

gs_status gs_meta_peto(const struct gs_meta_mh_request *req, struct gs_meta_result *r,
                       struct gs_error *err)
{
    if (req->measure != GS_META_OR)
        return gs_error_set(err, GS_INPUT, "measure",
                            "'measure' is '%s'; Peto's method estimates an odds ratio: OR",
                            gs_meta_measure_code(req->measure));
    gs_status st = check(req, err);
    if (st != GS_OK)
        return st;
    double o_e = 0, v = 0;
    for (size_t i = 0; i < req->k; i++) {
        const double n1 = req->n1[i], n2 = req->n2[i], N = n1 + n2;
        const double events = req->a1[i] + req->a2[i];
        o_e += req->a1[i] - events * n1 / N;
        v += events * (N - events) * (n1 / N) * (n2 / N) / (N - 1);
    }
    if (!(v > 0))
        return gs_error_set(err, GS_INPUT, "events",
                            "no study has both participants with and without the event: Peto's "
                            "odds ratio is not defined");
    return finish(r, req->k, o_e / v, 1 / v, req->level, "the Peto variance is 0");
}
