/* ancova.c - two-arm ANCOVA / t test by least squares (gabasim/ancova.h). The 3 x 3 normal
 * equations are solved on centred data, which keeps them well conditioned for outcomes and
 * baselines of any offset; the covariance of the treatment coefficient is sigma^2 (X'X)^-1[1][1].
 */
#include <gsl/gsl_cdf.h>
#include <math.h>

#include "gabasim/ancova.h"

gs_status gs_ancova(const double *y, const int *arm, const double *baseline, size_t n, double level,
                    struct gs_ancova_result *r, struct gs_error *err)
{
    if (!(level > 0 && level < 1))
        return gs_error_set(err, GS_INPUT, "level", "level is %g; allowed: between 0 and 1", level);
    size_t n1 = 0;
    double my = 0, ma = 0, mb = 0;
    for (size_t i = 0; i < n; i++) {
        if (arm[i] != 0 && arm[i] != 1)
            return gs_error_set(err, GS_INPUT, "arm", "participant %zu has arm %d; allowed: 0, 1",
                                i + 1, arm[i]);
        if (!isfinite(y[i]) || (baseline && !isfinite(baseline[i])))
            return gs_error_set(err, GS_INPUT, "y", "participant %zu has a non-finite value",
                                i + 1);
        n1 += (size_t)arm[i];
        my += y[i], ma += arm[i], mb += baseline ? baseline[i] : 0;
    }
    const size_t p = baseline ? 3 : 2, need = baseline ? 3 : 2;
    if (n1 < need || n - n1 < need)
        return gs_error_set(err, GS_INPUT, "n",
                            "the arms have %zu and %zu participants; each needs %zu or more",
                            n - n1, n1, need);
    my /= (double)n, ma /= (double)n, mb /= (double)n;
    /* centred cross-products: a = arm, b = baseline */
    double saa = 0, sab = 0, sbb = 0, say = 0, sby = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        double a = arm[i] - ma, b = baseline ? baseline[i] - mb : 0, yy = y[i] - my;
        saa += a * a, sab += a * b, sbb += b * b, say += a * yy, sby += b * yy, syy += yy * yy;
    }
    double beta, var_coef, rss;
    if (baseline) {
        double det = saa * sbb - sab * sab;
        if (!(det > 1e-12 * saa * sbb))
            return gs_error_set(err, GS_INPUT, "baseline",
                                "the baseline is constant or collinear with the arm");
        beta = (sbb * say - sab * sby) / det;
        double gamma = (saa * sby - sab * say) / det;
        rss = syy - beta * say - gamma * sby;
        var_coef = sbb / det;
    } else {
        beta = say / saa;
        rss = syy - beta * say;
        var_coef = 1 / saa;
    }
    const double df = (double)(n - p);
    double s2 = fmax(rss, 0.0) / df;
    *r = (struct gs_ancova_result){0};
    r->effect = beta;
    r->se = sqrt(s2 * var_coef);
    r->sigma = sqrt(s2);
    r->df = (int)df;
    double crit = gsl_cdf_tdist_Pinv(0.5 + level / 2, df);
    r->ci_lo = beta - crit * r->se;
    r->ci_hi = beta + crit * r->se;
    r->t = beta / r->se;
    r->p = 2 * gsl_cdf_tdist_Q(fabs(r->t), df);
    return GS_OK;
}
