/* analyse.c - one replicate's analysis: participant flow, visit means, the primary endpoint
 * (change in pain from baseline to the last visit) by the specified method, responders and the
 * side-effect table. */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/lmm.h"
#include "gabasim/mmrm.h"
#include "trial_int.h"

double gs_trial_pain_omega(const gs_trial *t)
{
    return t->pain.spread.omega;
}

int gs_trial_treated_arm(const struct gs_trial_spec *sp)
{
    return sp->arm[0].type == GS_ARM_DRUG ? 0 : 1;
}

/* The last-visit value under the imputation rule; NaN when the participant is not analysed. */
static double final_value(const struct gs_trial_spec *sp, const struct gs_trial_subject *s)
{
    size_t last = sp->n_visits - 1;
    if (!isnan(s->pain[last]))
        return s->pain[last];
    switch (sp->imputation) {
    case GS_IMPUTE_COMPLETERS:
        return NAN;
    case GS_IMPUTE_BOCF:
        return s->base_obs;
    case GS_IMPUTE_LOCF:
        for (size_t v = last; v-- > 0;)
            if (!isnan(s->pain[v]))
                return s->pain[v];
        return s->base_obs; /* no visit after baseline: the baseline is the last observation */
    }
    return NAN;
}

/* Welford's running mean and sum of squared deviations (Welford 1962), one per arm. */
struct running {
    long n;
    double mean, m2;
};

static void running_add(struct running *w, double x)
{
    double d = x - w->mean;
    w->mean += d / (double)++w->n;
    w->m2 += d * (x - w->mean);
}

static struct gs_trial_mean_sd running_get(const struct running *w)
{
    struct gs_trial_mean_sd m;
    m.mean = w->n ? w->mean : NAN;
    m.sd = w->n > 1 ? sqrt(w->m2 / (double)(w->n - 1)) : NAN;
    double half = 1.96 * m.sd / sqrt((double)w->n);
    m.ci95_lo = m.mean - half;
    m.ci95_hi = m.mean + half;
    return m;
}

static double pct(long k, long n)
{
    return n ? 100.0 * (double)k / (double)n : NAN;
}

/* The descriptive part of the report: Table 1 (baseline characteristics by arm), the mean final
 * dose, the visit means' intervals and every count as a share of the arm. */
static void describe(const gs_trial *t, struct gs_trial_result *r)
{
    const struct gs_trial_spec *sp = &t->spec;
    struct running ch[2][4] = {{{0, 0.0, 0.0}}};
    double dose[2] = {0.0, 0.0};
    for (long i = 0; i < r->randomized; i++) {
        const struct gs_trial_subject *s = &r->subject[i];
        struct gs_trial_arm_summary *A = &r->arm[s->arm];
        running_add(&ch[s->arm][0], s->patient.age_y);
        running_add(&ch[s->arm][1], s->patient.weight_kg);
        running_add(&ch[s->arm][2], s->patient.crcl_ml_min);
        running_add(&ch[s->arm][3], s->base_obs);
        A->women += s->patient.sex == GS_SEX_FEMALE;
        A->radicular += s->radicular;
        dose[s->arm] += s->final_mg_day;
    }
    for (int a = 0; a < 2; a++) {
        struct gs_trial_arm_summary *A = &r->arm[a];
        const long n = A->allocated;
        A->age_y = running_get(&ch[a][0]);
        A->weight_kg = running_get(&ch[a][1]);
        A->crcl_ml_min = running_get(&ch[a][2]);
        A->baseline_pain = running_get(&ch[a][3]);
        A->final_mg_day_mean = sp->arm[a].type != GS_ARM_DRUG ? 0.0 : n ? dose[a] / (double)n : NAN;
        for (size_t v = 0; v < sp->n_visits; v++) {
            long m = A->visit_n[v];
            double se = m > 1 ? A->visit_sd[v] / sqrt((double)m) : NAN;
            A->visit_ci95_lo[v] = A->visit_mean[v] - 1.96 * se;
            A->visit_ci95_hi[v] = A->visit_mean[v] + 1.96 * se;
        }
        A->women_pct = pct(A->women, n);
        A->radicular_pct = pct(A->radicular, n);
        A->responders30_pct = pct(A->responders30, n);
        A->responders50_pct = pct(A->responders50, n);
        for (int k = 0; k < GS_DROP_N; k++)
            A->discontinued_pct[k] = pct(A->discontinued[k], n);
        for (size_t e = 0; e < t->n_ae; e++)
            A->ae_pct[e] = pct(A->ae[e], n);
    }
}

/* Wilson's score interval for k of n at normal quantile z (Wilson 1927). */
static void wilson(long k, long n, double z, double *lo, double *hi)
{
    const double p = (double)k / (double)n, z2 = z * z, nn = (double)n;
    const double mid = p + z2 / (2.0 * nn), den = 1.0 + z2 / nn;
    const double half = z * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn));
    *lo = (mid - half) / den;
    *hi = (mid + half) / den;
}

gs_status gs_trial_responders_compare(long k_t, long n_t, long k_c, long n_c, double level,
                                      int sided, double alpha, struct gs_trial_responders *o,
                                      struct gs_error *err)
{
    const double fraction = o->fraction;
    memset(o, 0, sizeof *o);
    o->fraction = fraction;
    o->diff = o->diff_lo = o->diff_hi = o->odds_ratio = o->or_lo = o->or_hi = o->z = o->p = NAN;
    if (n_t < 0 || n_c < 0 || k_t < 0 || k_c < 0 || k_t > n_t || k_c > n_c ||
        !(level > 0.0 && level < 1.0) || (sided != 1 && sided != 2) ||
        !(alpha > 0.0 && alpha < 1.0))
        return gs_error_set(err, GS_INPUT, "responders",
                            "responders %ld of %ld and %ld of %ld, level %g, sided %d or alpha "
                            "%g invalid",
                            k_t, n_t, k_c, n_c, level, sided, alpha);
    o->k[0] = k_t;
    o->n[0] = n_t;
    o->k[1] = k_c;
    o->n[1] = n_c;
    if (n_t == 0 || n_c == 0)
        return GS_OK;
    const double p1 = (double)k_t / (double)n_t, p2 = (double)k_c / (double)n_c;
    const double zq = gsl_cdf_ugaussian_Pinv(1.0 - 0.5 * (1.0 - level));
    double l1, u1, l2, u2;
    wilson(k_t, n_t, zq, &l1, &u1);
    wilson(k_c, n_c, zq, &l2, &u2);
    o->diff = p1 - p2;
    o->diff_lo = o->diff - sqrt((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2));
    o->diff_hi = o->diff + sqrt((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2));
    double c[4] = {(double)k_t, (double)(n_t - k_t), (double)k_c, (double)(n_c - k_c)};
    const long tot = k_t + k_c;
    if (tot > 0 && tot < n_t + n_c) {
        if (c[0] == 0 || c[1] == 0 || c[2] == 0 || c[3] == 0)
            for (int j = 0; j < 4; j++)
                c[j] += 0.5;
        const double lor = log(c[0] * c[3] / (c[1] * c[2]));
        const double se = sqrt(1 / c[0] + 1 / c[1] + 1 / c[2] + 1 / c[3]);
        o->odds_ratio = exp(lor);
        o->or_lo = exp(lor - zq * se);
        o->or_hi = exp(lor + zq * se);
        const double pp = (double)tot / (double)(n_t + n_c);
        o->z = o->diff / sqrt(pp * (1 - pp) * (1.0 / (double)n_t + 1.0 / (double)n_c));
        o->p = sided == 2 ? erfc(fabs(o->z) / sqrt(2.0)) : 0.5 * erfc(o->z / sqrt(2.0));
    } else { /* nobody or everybody responded: no difference to test */
        o->p = 1.0;
    }
    o->significant = o->p < alpha && o->diff > 0.0;
    return GS_OK;
}

/* The responder analysis of `fraction` (counts already in the arm summaries); the counts are
 * valid, so the comparison cannot fail. */
static void responders(const struct gs_trial_spec *sp, const struct gs_trial_result *r, int tr,
                       double fraction, struct gs_trial_responders *o)
{
    const struct gs_trial_arm_summary *T = &r->arm[tr], *C = &r->arm[1 - tr];
    const int thirty = fraction < 0.4;
    o->fraction = fraction;
    (void)gs_trial_responders_compare(thirty ? T->responders30 : T->responders50, T->allocated,
                                      thirty ? C->responders30 : C->responders50, C->allocated,
                                      r->level, sp->sided, sp->alpha, o, NULL);
}

/* The repeated-measures analyses over every observed visit: the random-intercept model
 * (GS_METHOD_MIXED) or MMRM (GS_METHOD_MMRM); sets r->df. */
static gs_status mixed(const gs_trial *t, struct gs_trial_result *r, int tr, double level,
                       struct gs_error *err)
{
    const int mmrm = t->spec.method == GS_METHOD_MMRM;
    const struct gs_trial_spec *sp = &t->spec;
    long n = r->randomized;
    size_t nv = sp->n_visits, n_obs = 0;
    for (long i = 0; i < n; i++)
        for (size_t v = 0; v < nv; v++)
            n_obs += !isnan(r->subject[i].pain[v]);
    double *y = gs_malloc((n_obs + 1) * sizeof *y), *base = gs_malloc((n_obs + 1) * sizeof *base);
    int *arm = gs_malloc((n_obs + 1) * sizeof *arm),
        *visit = gs_malloc((n_obs + 1) * sizeof *visit);
    long *id = gs_malloc((n_obs + 1) * sizeof *id);
    gs_status st;
    if (!y || !base || !arm || !visit || !id) {
        st = gs_error_set(err, GS_NOMEM, "analysis", "out of memory");
        goto done;
    }
    size_t k = 0;
    for (long i = 0; i < n; i++) {
        const struct gs_trial_subject *s = &r->subject[i];
        int analysed = 0;
        for (size_t v = 0; v < nv; v++)
            if (!isnan(s->pain[v])) {
                y[k] = s->pain[v] - s->base_obs;
                base[k] = s->base_obs;
                arm[k] = s->arm == tr;
                /* gs_lmm_ri: the last visit is the reference level, so the arm coefficient
                 * is the difference at the last visit; gs_lmm_mmrm: visits in time order, the
                 * contrast at the last */
                visit[k] = mmrm ? (int)v : v + 1 == nv ? 0 : (int)v + 1;
                id[k] = i;
                k++;
                analysed = 1;
            }
        r->arm[s->arm].analysed += analysed;
    }
    /* either model's difference at the last visit becomes the primary result */
    if (mmrm) {
        struct gs_mmrm_result mr;
        struct gs_mmrm_request mreq = {.y = y,
                                       .arm = arm,
                                       .baseline = base,
                                       .visit = visit,
                                       .n_visits = (int)nv,
                                       .id = id,
                                       .n = n_obs,
                                       .level = level,
                                       .df_method = (enum gs_mmrm_df)t->spec.mmrm_df,
                                       .cov = (enum gs_mmrm_cov)t->spec.mmrm_cov};
        /* the default rule (docs/trial.md, "Small trials"): with few participants at the last
         * visit the unstructured covariance's Kenward-Roger test rejects a true null too often
         * (0.081 two-sided with 8 per arm there and 8 visits); a simpler working covariance
         * with a bias-corrected sandwich (Gosho et al., Stat Methods Med Res 2017):
         * heterogeneous compound symmetry with the CR2 sandwich on its Satterthwaite df (Bell
         * and McCaffrey 2002) holds its level there (0.052). It is also the fallback where the
         * unstructured fit fails (Lu and Mehrotra, Stat Med 2010; Mallinckrodt et al., Drug
         * Inf J 2008) */
        long last[2] = {0, 0};
        for (size_t j = 0; j < k; j++)
            last[arm[j]] += visit[j] == (int)nv - 1;
        const int thin = last[0] < GS_TRIAL_MMRM_MIN_LAST || last[1] < GS_TRIAL_MMRM_MIN_LAST ||
                         last[0] + last[1] < (long)(nv * (nv + 1) / 2);
        if (sp->mmrm_auto && thin) {
            mreq.cov = GS_MMRM_COV_CSH;
            mreq.df_method = GS_MMRM_DF_CR2;
        }
        st = gs_lmm_mmrm(&mreq, &mr, err);
        if (st == GS_SOLVER && sp->mmrm_auto && mreq.cov == GS_MMRM_COV_UNSTRUCTURED) {
            mreq.cov = GS_MMRM_COV_CSH;
            mreq.df_method = GS_MMRM_DF_CR2;
            st = gs_lmm_mmrm(&mreq, &mr, err);
        }
        if (st == GS_OK) {
            r->primary = (struct gs_ancova_result){
                mr.effect, mr.se, mr.ci_lo, mr.ci_hi, mr.t, mr.p, mr.sigma_last, (int)floor(mr.df)};
            r->df = mr.df;
            r->mmrm_cov = (int)mreq.cov;
            r->mmrm_df = (int)mreq.df_method;
        }
    } else {
        struct gs_lmm_result lr;
        const struct gs_lmm_ri_request lreq = {.y = y,
                                               .arm = arm,
                                               .baseline = base,
                                               .visit = visit,
                                               .n_visits = (int)nv,
                                               .id = id,
                                               .n = n_obs,
                                               .level = level};
        if ((st = gs_lmm_ri(&lreq, &lr, err)) == GS_OK) {
            r->primary = (struct gs_ancova_result){lr.effect, lr.se, lr.ci_lo, lr.ci_hi,
                                                   lr.t,      lr.p,  lr.sigma, lr.df};
            r->df = lr.df;
        }
    }
done:
    gs_free(y);
    gs_free(base);
    gs_free(arm);
    gs_free(visit);
    gs_free(id);
    return st;
}

gs_status gs__trial_analyse(const gs_trial *t, struct gs_trial_result *r, struct gs_error *err)
{
    const struct gs_trial_spec *sp = &t->spec;
    const long n = r->randomized;
    const size_t nv = sp->n_visits, last = nv - 1;
    const int tr = gs_trial_treated_arm(sp);
    r->mmrm_cov = r->mmrm_df = -1;
    for (int a = 0; a < 2; a++)
        memset(&r->arm[a], 0, sizeof r->arm[a]);

    /* flow, responders, side effects, visit means (Welford) */
    for (long i = 0; i < n; i++) {
        const struct gs_trial_subject *s = &r->subject[i];
        struct gs_trial_arm_summary *A = &r->arm[s->arm];
        A->allocated++;
        A->discontinued[s->drop_reason]++;
        A->completed += s->drop_day == 0;
        for (size_t e = 0; e < t->n_ae; e++)
            A->ae[e] += s->ae_day[e] > 0;
        double fin = s->pain[last];
        if (!isnan(fin)) {
            double drop = (s->base_obs - fin) / s->base_obs;
            A->responders30 += drop >= 0.30 - 1e-12;
            A->responders50 += drop >= 0.50 - 1e-12;
        }
        for (size_t v = 0; v < nv; v++) {
            double x = s->pain[v];
            if (isnan(x))
                continue;
            long m = ++A->visit_n[v];
            double d = x - A->visit_mean[v];
            A->visit_mean[v] += d / (double)m;
            A->visit_sd[v] += d * (x - A->visit_mean[v]);
        }
    }
    for (int a = 0; a < 2; a++)
        for (size_t v = 0; v < nv; v++) {
            long m = r->arm[a].visit_n[v];
            r->arm[a].visit_sd[v] = m > 1 ? sqrt(r->arm[a].visit_sd[v] / (m - 1)) : NAN;
            if (m == 0)
                r->arm[a].visit_mean[v] = NAN; /* nobody came */
        }

    describe(t, r);

    double level = sp->sided == 2 ? 1.0 - sp->alpha : 1.0 - 2.0 * sp->alpha;
    r->level = level;
    responders(sp, r, tr, 0.3, &r->resp30);
    responders(sp, r, tr, 0.5, &r->resp50);
    gs_status st = GS_OK;
    const int repeated = sp->method == GS_METHOD_MIXED || sp->method == GS_METHOD_MMRM;
    if (repeated) {
        st = mixed(t, r, tr, level, err);
    } else {
        double *y = gs_malloc((size_t)n * sizeof *y), *b = gs_malloc((size_t)n * sizeof *b);
        int *arm = gs_malloc((size_t)n * sizeof *arm);
        if (!y || !b || !arm) {
            st = gs_error_set(err, GS_NOMEM, "analysis", "out of memory");
        } else {
            size_t k = 0;
            for (long i = 0; i < n; i++) {
                const struct gs_trial_subject *s = &r->subject[i];
                double fin = final_value(sp, s);
                if (isnan(fin))
                    continue;
                y[k] = fin - s->base_obs;
                b[k] = s->base_obs;
                arm[k] = s->arm == tr;
                r->arm[s->arm].analysed++;
                r->arm[s->arm].change_mean += y[k];
                r->arm[s->arm].base_mean += b[k];
                k++;
            }
            st = gs_ancova(y, arm, sp->method == GS_METHOD_ANCOVA ? b : NULL, k, level, &r->primary,
                           err);
            r->df = r->primary.df;
        }
        gs_free(y);
        gs_free(b);
        gs_free(arm);
    }
    if (st == GS_OK && !(r->primary.se > 0.0 && isfinite(r->primary.p)))
        st = gs_error_set(err, GS_UNSUPPORTED, "analysis",
                          "the difference has no variability (standard error %g): nobody, or "
                          "nobody with a changed score, was analysed after baseline",
                          r->primary.se);
    if (st != GS_OK) {
        /* GS_UNSUPPORTED: this replicate's data do not allow the analysis (replicates count it
         * as not significant); running out of memory stays what it is */
        gs_error_prefix(err, "primary analysis not estimable");
        if (st != GS_NOMEM)
            err->code = st = GS_UNSUPPORTED;
        return st;
    }
    if (repeated) /* the arms' observed change at the last visit */
        for (long i = 0; i < n; i++) {
            const struct gs_trial_subject *s = &r->subject[i];
            if (isnan(s->pain[last]))
                continue;
            r->arm[s->arm].change_mean += s->pain[last] - s->base_obs;
            r->arm[s->arm].base_mean += s->base_obs;
            r->arm[s->arm].change_n++;
        }
    for (int a = 0; a < 2; a++) {
        long m = repeated ? r->arm[a].change_n : r->arm[a].analysed;
        if (!repeated)
            r->arm[a].change_n = m;
        r->arm[a].change_mean = m ? r->arm[a].change_mean / (double)m : NAN;
        r->arm[a].base_mean = m ? r->arm[a].base_mean / (double)m : NAN;
    }
    /* one-sided: benefit is less pain, a negative difference */
    r->p_reported = sp->sided == 2 ? r->primary.p : gsl_cdf_tdist_P(r->primary.t, r->df);
    r->significant = r->p_reported < sp->alpha && r->primary.effect < 0.0;
    return GS_OK;
}
