/* calibrate_pain.c - reproduces the Emax of each drug and pain type in data/pain.json.
 *
 * For each calibration entry: the entry's trial (titration schedule, duration, patient CrCl) is
 * simulated with the drug file's PK and the pain model of data/pain.json; the model's difference
 * from placebo over the trial's last week is linear in Emax,
 *     MD = -Emax x mean over the last 7 days of placebo(t) S(t),
 * so Emax = -MD / that mean, and the published 95 % interval of MD maps to Emax's.
 *
 * Then the between-person spread omega of the drug effect (gabasim/pain_effect.h): the entry
 * drug_effect.between_person.calibration names an effect whose trial published responder rates;
 * for each omega the model's chance of >= 30 % and >= 50 % relief at the trial's end is computed
 * on drug (gs_pain_responder_prob at the file's Emax) and on placebo, and omega minimises
 *     chi2(omega) = sum over 30 %, 50 % of ((RD_model - RD_published) / SE_published)^2,
 * RD = drug share - placebo share, SE the published difference's binomial SE. The differences,
 * not the drug shares, because the placebo course is Plan 2012's (not fitted to this trial's
 * placebo arm). The two differences are treated as independent (they are not: the same people),
 * so the 95 % range {chi2 <= min + 3.84} is approximate.
 *
 * usage: gs-calibrate-pain [--check]   (--check: fail unless data/pain.json holds these values
 *                                       within 1 % and each reproduces its target within 1 %;
 *                                       omega within 0.05 (a flat minimum), its range within 0.02,
 * both differences within 2 published SE)
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/gabasim.h"
#include "gabasim/pain_effect.h"
#include "gabasim/pd.h"

static gs_status last_week_mean(const struct gs_pain_model *pm, const struct gs_pain_effect *e,
                                double emax, double *md, double *ps, double *s_end,
                                struct gs_error *err)
{
    gs_drug *d = NULL;
    gs_status st = gs_drug_load(&d, e->drug, err);
    if (st != GS_OK)
        return st;
    struct gs_patient pt;
    gs_patient_init(&pt);
    pt.crcl_given_ml_min = e->trial_crcl;
    struct gs_model m;
    struct gs_regimen r;
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    gs_regimen_init(&r);
    r.end_h = 24.0 * e->trial_days;
    double ke0 = NAN;
    for (size_t i = 0; i < pm->n_drugs; i++)
        if (strcmp(pm->drug[i].name, e->drug) == 0)
            ke0 = pm->drug[i].ke0_per_h;
    struct gs_pd_params pd;
    if (isnan(ke0) && gs_drug_pd(d, &pd, NULL) == GS_OK)
        ke0 = pd.ke0_per_h;
    size_t n = (size_t)e->trial_days + 1;
    double pdrug[400], ppl[400], s[400];
    if ((st = gs_patient_resolve(&pt, err)) ||
        (st = gs_drug_individual_model(d, &pt, &m, NULL, 0, err)) ||
        (st = gs_regimen_parse_titration(&r, e->titrate, "titrate", err)) ||
        (st = gs_regimen_expand(&r, &ev, err)) ||
        (st = gs_pain_course(
             &(struct gs_pain_course_request){pm, e->drug, emax, ke0, &m, &ev, n, NAN}, pdrug, ppl,
             s, err)))
        goto done;
    double sum_md = 0, sum_ps = 0;
    for (size_t k = n - 7; k < n; k++) {
        sum_md += pdrug[k] - ppl[k];
        sum_ps += ppl[k] * s[k];
    }
    *md = sum_md / 7.0;
    *ps = sum_ps / 7.0;
    if (s_end)
        *s_end = s[n - 1];
done:
    gs_event_list_release(&ev);
    gs_drug_free(d);
    return st;
}

/* The model's responder differences (drug - placebo, >= 30 % and >= 50 %) at omega. */
static void model_rd(const struct gs_pain_model *pm, const struct gs_pain_effect *e, double s_end,
                     double omega, double rd[2], double drug[2], double placebo[2])
{
    const double frac[2] = {0.3, 0.5};
    for (int k = 0; k < 2; k++) {
        drug[k] =
            gs_pain_responder_prob(&pm->placebo, e->emax, omega, s_end, e->trial_days, frac[k]);
        placebo[k] = gs_placebo_responder_prob(&pm->placebo, 0.0, e->trial_days, frac[k]);
        rd[k] = drug[k] - placebo[k];
    }
}

static double chi2(const struct gs_pain_model *pm, const struct gs_pain_effect *e, double s_end,
                   double omega)
{
    const struct gs_pain_spread *sp = &pm->spread;
    const double *pub[2] = {sp->rate30, sp->rate50};
    double rd[2], d[2], p[2], x = 0.0;
    model_rd(pm, e, s_end, omega, rd, d, p);
    for (int k = 0; k < 2; k++) {
        double se =
            sqrt(pub[k][0] * (1 - pub[k][0]) / sp->n[0] + pub[k][1] * (1 - pub[k][1]) / sp->n[1]);
        x += pow((rd[k] - (pub[k][0] - pub[k][1])) / se, 2);
    }
    return x;
}

/* Fits omega (grid 0..3 by 0.05, then golden section); returns 0 on success. */
static int calibrate_spread(const struct gs_pain_model *pm, int check)
{
    const struct gs_pain_spread *sp = &pm->spread;
    if (sp->drug[0] == '\0') {
        printf("between-person spread: none in the file (omega 0)\n");
        return 0;
    }
    const struct gs_pain_effect *e = gs_pain_find(pm, sp->drug, sp->pain_type);
    struct gs_error err = GS_ERROR_INIT;
    double md, ps, s_end;
    if (last_week_mean(pm, e, e->emax, &md, &ps, &s_end, &err) != GS_OK) {
        fprintf(stderr, "gs-calibrate-pain: error: %s\n", err.msg);
        return 2;
    }
    enum { NG = 61 };
    double x[NG], best = INFINITY;
    int ib = 0;
    for (int i = 0; i < NG; i++) {
        x[i] = chi2(pm, e, s_end, 0.05 * i);
        if (x[i] < best) {
            best = x[i];
            ib = i;
        }
    }
    double a = 0.05 * (ib > 0 ? ib - 1 : 0), b = 0.05 * (ib < NG - 1 ? ib + 1 : NG - 1);
    const double g = 0.5 * (sqrt(5.0) - 1.0);
    while (b - a > 1e-4) {
        double c = b - g * (b - a), d = a + g * (b - a);
        if (chi2(pm, e, s_end, c) < chi2(pm, e, s_end, d))
            b = d;
        else
            a = c;
    }
    const double om = 0.5 * (a + b), xmin = chi2(pm, e, s_end, om);
    /* the 95 % range: where chi2 crosses xmin + 3.84 on either side (grid, then bisection) */
    double lim[2] = {0.0, 3.0};
    for (int side = 0; side < 2; side++) {
        double in = om, out = side ? 3.0 : 0.0;
        if (chi2(pm, e, s_end, out) <= xmin + 3.84)
            continue;
        while (fabs(out - in) > 1e-3) {
            double mid = 0.5 * (in + out);
            if (chi2(pm, e, s_end, mid) <= xmin + 3.84)
                in = mid;
            else
                out = mid;
        }
        lim[side] = 0.5 * (in + out);
    }
    double rd[2], dr[2], pl[2];
    model_rd(pm, e, s_end, om, rd, dr, pl);
    printf("between-person spread, calibrated on %s, %s (S at day %g: %.4f): omega %.4f (95 %% "
           "%.4f to %.4f), chi2 %.3f\n",
           sp->drug, sp->pain_type, e->trial_days, s_end, om, lim[0], lim[1], xmin);
    const double *pub[2] = {sp->rate30, sp->rate50};
    int rc = 0;
    for (int k = 0; k < 2; k++) {
        double se =
            sqrt(pub[k][0] * (1 - pub[k][0]) / sp->n[0] + pub[k][1] * (1 - pub[k][1]) / sp->n[1]);
        double want = pub[k][0] - pub[k][1];
        printf("  >= %d %%: model drug %.3f placebo %.3f (difference %.3f); published %.2f vs "
               "%.2f (difference %.2f, SE %.3f)\n",
               k ? 50 : 30, dr[k], pl[k], rd[k], pub[k][0], pub[k][1], want, se);
        if (check && !(fabs(rd[k] - want) <= 2.0 * se)) {
            printf("FAIL: the >= %d %% difference is more than 2 SE from the published one\n",
                   k ? 50 : 30);
            rc = 1;
        }
    }
    if (check) {
        if (!(fabs(sp->omega - om) <= 0.05) || !(fabs(sp->omega_lo - lim[0]) <= 0.02) ||
            !(fabs(sp->omega_hi - lim[1]) <= 0.02)) {
            printf("FAIL: file omega %g (%g to %g) differs from the fit (more than 0.05, range "
                   "0.02)\n",
                   sp->omega, sp->omega_lo, sp->omega_hi);
            rc = 1;
        }
    }
    return rc;
}

int main(int argc, char **argv)
{
    int check = argc > 1 && strcmp(argv[1], "--check") == 0;
    struct gs_pain_model pm;
    struct gs_error err = GS_ERROR_INIT;
    if (gs_pain_load(&pm, NULL, &err) != GS_OK) {
        fprintf(stderr, "gs-calibrate-pain: error: %s\n", err.msg);
        return 2;
    }
    int rc = 0;
    for (size_t i = 0; i < pm.n_effects; i++) {
        const struct gs_pain_effect *e = &pm.effect[i];
        if (e->as_drug[0]) { /* borrowed (a stated assumption), not calibrated here */
            printf("%s, %s: Emax %.4f borrowed from %s, %s\n", e->drug, e->pain_type, e->emax,
                   e->as_drug, e->as_pain_type);
            continue;
        }
        double md, ps;
        if (last_week_mean(&pm, e, 1.0, &md, &ps, NULL, &err) != GS_OK) {
            fprintf(stderr, "gs-calibrate-pain: error: %s\n", err.msg);
            return 2;
        }
        double emax = -e->target_md / ps, lo = -e->target_hi / ps, hi = -e->target_lo / ps;
        printf("%s, %s: mean placebo x S over the last week %.4f -> Emax %.4f (95 %% %.4f to "
               "%.4f); target MD %g (%g to %g)\n",
               e->drug, e->pain_type, ps, emax, lo, hi, e->target_md, e->target_lo, e->target_hi);
        if (check) {
            double md_file;
            if (last_week_mean(&pm, e, e->emax, &md_file, &ps, NULL, &err) != GS_OK ||
                !(fabs(e->emax - emax) <= 0.01 * fabs(emax)) ||
                !(fabs(md_file - e->target_md) <= 0.01 * fabs(e->target_md)) ||
                !(md_file >= e->target_lo && md_file <= e->target_hi)) {
                printf("FAIL: file Emax %g gives MD %g\n", e->emax, md_file);
                rc = 1;
            }
        }
    }
    int rs = calibrate_spread(&pm, check);
    if (rs == 2)
        return 2;
    rc |= rs;
    if (check)
        printf("%s\n", rc ? "calibration check FAILED" : "calibration check passed");
    return rc;
}
