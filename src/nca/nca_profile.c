/* nca_profile.c - the non-compartmental analysis of one concentration-time profile.
 *
 * Rules and sources (docs/nca.md has the full list):
 * - BLQ handling by position (before the first measurable value, between, after the last), as
 *   PKNCA's clean.conc.blq(); defaults first = 0, middle = dropped, last = 0 (PKNCA.options()
 *   "conc.blq", PKNCA 0.12.0 "Options for Controlling PKNCA" vignette).
 * - A profile without a sample at the dose time starts at C = 0 (single dose) or at the
 *   interval's Cmin (steady state): Phoenix WinNonlin "NCA computation rules, data checking and
 *   pre-treatment" (Certara online help 8.2).
 * - Linear trapezoids, or linear-up/log-down (log-linear on falling segments with both values
 *   above 0): Gabrielsson J, Weiner D, Pharmacokinetic and Pharmacodynamic Data Analysis, 5th ed.
 *   2016, section 2.8 (also PKNCA "lin up/log down", its default).
 * - lambda_z: least squares of log(C) on t over the last m >= 3 points with C > 0 after Tmax
 *   (Tmax excluded), m stepping back from Tlast; best = the most points among fits with
 *   lambda_z > 0 and adjusted r^2 > max(adjusted r^2) - 1e-4, where the maximum also counts the
 *   value 0 PKNCA's table holds for fewer than min_points points (PKNCA pk.calc.half.life()).
 * - AUCinf = AUClast + Clast / lambda_z (observed) or + Clast,pred / lambda_z (predicted);
 *   CL/F = dose / AUCinf,obs, Vz/F = dose / (lambda_z AUCinf,obs); at steady state AUCtau takes
 *   AUCinf's place (Gabrielsson & Weiner section 2.8; WinNonlin NCA parameter definitions).
 * - Partial AUCs interpolate at their ends with the segment's own rule and extrapolate past
 *   Tlast with Clast exp(-lambda_z (t - Tlast)) (PKNCA pk.calc.aucint(), "inf.obs").
 * - Steady state: Cavg = AUCtau / tau, fluctuation = 100 (Cmax - Cmin) / Cavg, accumulation
 *   index 1 / (1 - exp(-lambda_z tau)) (Gabrielsson & Weiner section 2.8.8; WinNonlin).
 */
#include <math.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/nca.h"

gs_status gs_nca_options_check(const struct gs_nca_options *o, struct gs_error *err)
{
    if (o == NULL)
        return gs_error_set(err, GS_INPUT, "options", "no NCA options given");
    if (o->method != GS_NCA_LINUP_LOGDOWN && o->method != GS_NCA_LINEAR)
        return gs_error_set(err, GS_INPUT, "--method",
                            "'--method' %d is unknown; allowed linear or linup-logdown",
                            (int)o->method);
    const enum gs_nca_blq_action b[3] = {o->blq_first, o->blq_middle, o->blq_last};
    for (int i = 0; i < 3; i++)
        if (b[i] != GS_NCA_BLQ_ZERO && b[i] != GS_NCA_BLQ_DROP)
            return gs_error_set(err, GS_INPUT, "--blq",
                                "'--blq' action %d is unknown; allowed zero or drop", (int)b[i]);
    if (!(isfinite(o->lloq) && o->lloq >= 0))
        return gs_error_set(err, GS_INPUT, "--lloq",
                            "'--lloq' is %g; allowed a finite concentration >= 0", o->lloq);
    if (!(isfinite(o->tau_h) && o->tau_h >= 0))
        return gs_error_set(err, GS_INPUT, "--tau",
                            "'--tau' is %g h; allowed a finite interval above 0", o->tau_h);
    if (o->min_points < 2 || o->min_points > 1000)
        return gs_error_set(err, GS_INPUT, "--min-points",
                            "'--min-points' is %d; allowed 2 to 1000", o->min_points);
    if (!(o->adj_r2_factor >= 0 && o->adj_r2_factor < 1))
        return gs_error_set(err, GS_INPUT, "--adj-r2-factor",
                            "'--adj-r2-factor' is %g; allowed 0 <= factor < 1", o->adj_r2_factor);
    if (o->n_intervals > GS_NCA_MAX_INTERVALS)
        return gs_error_set(err, GS_INPUT, "--auc", "%zu AUC intervals; allowed at most %d",
                            o->n_intervals, GS_NCA_MAX_INTERVALS);
    for (size_t k = 0; k < o->n_intervals; k++) {
        double a = o->interval_start_h[k], e = o->interval_end_h[k];
        if (!(isfinite(a) && a >= 0 && e > a && !isnan(e)))
            return gs_error_set(err, GS_INPUT, "--auc",
                                "'--auc' interval %g-%g h; allowed 0 <= start < end (end may be "
                                "inf)",
                                a, e);
    }
    return GS_OK;
}

/* AUC of one segment under the rule; `logdown`: the log-linear rule applies to it. */
static inline double seg_auc(double t1, double c1, double t2, double c2, int logdown)
{
    if (logdown)
        return (c1 - c2) / log(c1 / c2) * (t2 - t1);
    return 0.5 * (c1 + c2) * (t2 - t1);
}

static inline int seg_is_log(double c1, double c2, enum gs_nca_auc_method m)
{
    return m == GS_NCA_LINUP_LOGDOWN && c2 < c1 && c2 > 0;
}

/* Concentration at u inside segment [t1, t2] by the segment's rule. */
static inline double seg_interp(double t1, double c1, double t2, double c2, double u, int logdown)
{
    double f = (u - t1) / (t2 - t1);
    if (logdown)
        return c1 * exp(f * log(c2 / c1));
    return c1 + f * (c2 - c1);
}

/* AUC over [a, b] of the cleaned profile (t, c, m points, ending at index il = Tlast), with
 * exponential extrapolation past Tlast by lambda_z (NaN if needed and not available). */
static double auc_between(const double *t, const double *c, size_t il, double lz,
                          enum gs_nca_auc_method method, double a, double b)
{
    if (a < t[0])
        return NAN;
    double s = 0.0, tl = t[il];
    for (size_t i = 0; i < il && t[i] < b; i++) {
        double u = fmax(a, t[i]), v = fmin(b, t[i + 1]);
        if (v <= u)
            continue;
        int lg = seg_is_log(c[i], c[i + 1], method);
        double cu = u == t[i] ? c[i] : seg_interp(t[i], c[i], t[i + 1], c[i + 1], u, lg);
        double cv = v == t[i + 1] ? c[i + 1] : seg_interp(t[i], c[i], t[i + 1], c[i + 1], v, lg);
        s += seg_auc(u, cu, v, cv, lg && cu > cv);
    }
    if (b > tl) {
        if (!(lz > 0))
            return NAN;
        double u = fmax(a, tl);
        double eu = exp(-lz * (u - tl)), ev = isinf(b) ? 0.0 : exp(-lz * (b - tl));
        s += c[il] / lz * (eu - ev);
    }
    return s;
}

/* A log-linear fit of the last k candidate points, updated one point at a time stepping back
 * from Tlast (Welford's sums). */
struct lz_fit {
    double mx, my, sxx, sxy, syy; /* running means and centred sums */
    double slope, r2, adj, x;     /* the fit, and its earliest time */
    int k;
};

/* Adds the point (x, y = ln C); 1 when the fit has min_points points (slope, r2, adj set). */
static int lz_add(struct lz_fit *f, double x, double y, int min_points)
{
    f->k++;
    double dx = x - f->mx, dy = y - f->my;
    f->mx += dx / f->k;
    f->my += dy / f->k;
    f->sxx += dx * (x - f->mx);
    f->sxy += dx * (y - f->my);
    f->syy += dy * (y - f->my);
    f->x = x;
    if (f->k < min_points)
        return 0;
    f->slope = f->sxy / f->sxx;
    f->r2 = f->sxy * f->sxy / (f->sxx * f->syy);
    f->adj = 1.0 - (1.0 - f->r2) * (f->k - 1) / (double)(f->k - 2);
    return 1;
}

static void lz_take(const struct lz_fit *f, const double *t, size_t il, struct gs_nca_result *r)
{
    r->lambda_z = -f->slope;
    r->r2 = f->r2;
    r->adj_r2 = f->adj;
    r->lz_n = f->k;
    r->lz_tfirst_h = f->x;
    r->lz_tlast_h = t[il];
    r->clast_pred = exp(f->my + f->slope * (t[il] - f->mx));
}

/* Best log-linear terminal fit (PKNCA's rule, see the banner). Fills the lambda_z fields. */
static void lambda_z(const double *t, const double *c, size_t m, size_t itmax, size_t il,
                     const struct gs_nca_options *o, struct gs_nca_result *r)
{
    /* candidates: indices after Tmax (or from it), C > 0, t > 0 (after the dose), up to Tlast */
    size_t lo = o->allow_tmax ? itmax : itmax + 1;
    (void)m;
    size_t n = 0;
    for (size_t i = lo; i <= il; i++)
        n += c[i] > 0 && t[i] > 0;
    if (n < (size_t)o->min_points || il < lo)
        return;
    double best_adj = o->min_points > 1 ? 0.0 : -INFINITY;
    enum { KEPT = 64 };
    if (n <= KEPT) { /* one pass keeping every fit; the choice among them after */
        struct lz_fit acc = {0}, fit[KEPT];
        int nf = 0;
        for (size_t j = il + 1; j-- > lo;) {
            if (!(c[j] > 0 && t[j] > 0) || !lz_add(&acc, t[j], log(c[j]), o->min_points))
                continue;
            if (acc.adj > best_adj) /* NaN (a flat line) never is */
                best_adj = acc.adj;
            fit[nf++] = acc;
        }
        for (int f = nf; f-- > 0;) /* the most points among the acceptable fits */
            if (fit[f].adj > best_adj - o->adj_r2_factor && -fit[f].slope > 0) {
                lz_take(&fit[f], t, il, r);
                break;
            }
    } else { /* more candidates than kept: first pass the best adjusted r^2, second the choice */
        for (int pass = 0; pass < 2; pass++) {
            struct lz_fit acc = {0};
            for (size_t j = il + 1; j-- > lo;) {
                if (!(c[j] > 0 && t[j] > 0) || !lz_add(&acc, t[j], log(c[j]), o->min_points))
                    continue;
                if (pass == 0) {
                    if (acc.adj > best_adj)
                        best_adj = acc.adj;
                } else if (acc.adj > best_adj - o->adj_r2_factor && -acc.slope > 0) {
                    lz_take(&acc, t, il, r); /* k grows: the last acceptable has the most */
                }
            }
        }
    }
    if (r->lz_n > 0) {
        r->half_life_h = log(2.0) / r->lambda_z;
        r->span_ratio = (t[il] - r->lz_tfirst_h) / r->half_life_h;
    }
}

static void result_reset(struct gs_nca_result *r, size_t n, double dose)
{
    const double nan = NAN;
    r->n_obs = n;
    r->n_blq = r->n_used = 0;
    r->dose = dose;
    r->cmax = r->tmax_h = r->clast = r->tlast_h = r->auclast = nan;
    r->lambda_z = r->r2 = r->adj_r2 = r->lz_tfirst_h = r->lz_tlast_h = r->clast_pred = nan;
    r->half_life_h = r->span_ratio = nan;
    r->lz_n = 0;
    r->aucinf_obs = r->aucinf_pred = r->pct_extrap_obs = r->pct_extrap_pred = nan;
    r->cl_f = r->vz_f = nan;
    for (int k = 0; k < GS_NCA_MAX_INTERVALS; k++)
        r->auc_interval[k] = nan;
    r->auctau = r->cmin = r->cavg = r->clss_f = r->fluctuation_pct = r->accumulation = nan;
}

gs_status gs_nca_profile(const double *t_h, const double *conc, const unsigned char *blq, size_t n,
                         double dose, const struct gs_nca_options *o, double *work,
                         struct gs_nca_result *r, struct gs_error *err)
{
    if (r == NULL || o == NULL || (n > 0 && (t_h == NULL || conc == NULL)))
        return gs_error_set(err, GS_INPUT, "profile", "no profile given");
    result_reset(r, n, dose);
    if (!(isnan(dose) || (isfinite(dose) && dose > 0)))
        return gs_error_set(err, GS_INPUT, "dose", "dose %g; allowed above 0 (or none)", dose);
    for (size_t i = 0; i < n; i++) {
        if (!(isfinite(t_h[i]) && t_h[i] >= 0 && (i == 0 || t_h[i] > t_h[i - 1])))
            return gs_error_set(err, GS_INPUT, "time",
                                "time %g h at point %zu; allowed finite, >= 0 and increasing",
                                t_h[i], i + 1);
        if (!(isfinite(conc[i]) && conc[i] >= 0))
            return gs_error_set(err, GS_INPUT, "concentration",
                                "concentration %g at %g h; allowed finite and >= 0", conc[i],
                                t_h[i]);
    }
    double *own = NULL;
    if (work == NULL) {
        own = gs_malloc(2 * (n + 1) * sizeof *own);
        if (own == NULL)
            return gs_error_set(err, GS_NOMEM, "profile", "out of memory for %zu points", n);
        work = own;
    }
    double *t = work, *c = work + n + 1;
    const int ss = o->tau_h > 0;

    /* BLQ by position */
    size_t first = n, last = n;
    for (size_t i = 0; i < n; i++) {
        int b = conc[i] == 0 || conc[i] < o->lloq || (blq && blq[i]);
        r->n_blq += b;
        if (!b) {
            if (first == n)
                first = i;
            last = i;
        }
    }
    size_t m = 1; /* index 0 is reserved for the dose-time point */
    for (size_t i = 0; i < n; i++) {
        int b = conc[i] == 0 || conc[i] < o->lloq || (blq && blq[i]);
        if (b) {
            enum gs_nca_blq_action act = first == n || i < first ? o->blq_first
                                         : i > last              ? o->blq_last
                                                                 : o->blq_middle;
            if (act == GS_NCA_BLQ_DROP)
                continue;
            t[m] = t_h[i], c[m] = 0.0, m++;
        } else {
            t[m] = t_h[i], c[m] = conc[i], m++;
        }
    }
    r->n_used = m - 1;
    /* the dose-time point */
    size_t off = 0;
    if (m > 1 && t[1] == 0.0) {
        off = 1;
    } else if (m > 1) {
        double c0 = 0.0;
        if (ss) {
            c0 = INFINITY;
            for (size_t i = 1; i < m && t[i] <= o->tau_h; i++)
                c0 = fmin(c0, c[i]);
            if (isinf(c0))
                c0 = NAN;
        }
        t[0] = 0.0, c[0] = c0;
    } else {
        off = 1;
    }
    t += off, c += off, m -= off;
    if (m == 0 || first == n || isnan(c[0])) {
        if (first == n && n > 0) { /* nothing measurable */
            r->cmax = 0.0;
            r->auclast = 0.0;
        }
        gs_free(own);
        return GS_OK;
    }

    /* Cmax, Tmax (first maximum; steady state: within [0, tau]), Clast, Tlast */
    size_t itmax = 0, il = 0;
    for (size_t i = 0; i < m; i++) {
        if (ss && t[i] > o->tau_h)
            break;
        if (c[i] > c[itmax])
            itmax = i;
    }
    for (size_t i = 0; i < m; i++)
        if (c[i] > 0)
            il = i;
    r->cmax = c[itmax], r->tmax_h = t[itmax];
    r->clast = c[il], r->tlast_h = t[il];
    double auc = 0.0;
    for (size_t i = 0; i < il; i++)
        auc += seg_auc(t[i], c[i], t[i + 1], c[i + 1], seg_is_log(c[i], c[i + 1], o->method));
    r->auclast = auc;

    lambda_z(t, c, m, itmax, il, o, r);
    double lz = r->lambda_z;
    if (r->lz_n > 0) {
        r->aucinf_obs = auc + r->clast / lz;
        r->aucinf_pred = auc + r->clast_pred / lz;
        r->pct_extrap_obs = 100.0 * (1.0 - auc / r->aucinf_obs);
        r->pct_extrap_pred = 100.0 * (1.0 - auc / r->aucinf_pred);
    }
    for (size_t k = 0; k < o->n_intervals; k++)
        r->auc_interval[k] =
            auc_between(t, c, il, lz, o->method, o->interval_start_h[k], o->interval_end_h[k]);
    if (ss) {
        double tau = o->tau_h, cmin = INFINITY;
        for (size_t i = 0; i < m && t[i] <= tau; i++)
            cmin = fmin(cmin, c[i]);
        r->cmin = cmin;
        r->auctau = auc_between(t, c, il, lz, o->method, 0.0, tau);
        r->cavg = r->auctau / tau;
        r->fluctuation_pct = 100.0 * (r->cmax - r->cmin) / r->cavg;
        r->clss_f = dose / r->auctau;
        r->vz_f = dose / (lz * r->auctau);
        r->accumulation = 1.0 / (1.0 - exp(-lz * tau));
    } else {
        r->cl_f = dose / r->aucinf_obs;
        r->vz_f = dose / (lz * r->aucinf_obs);
    }
    gs_free(own);
    return GS_OK;
}
