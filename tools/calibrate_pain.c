/* calibrate_pain.c - reproduces the Emax of each drug and pain type in data/pain.json.
 *
 * For each calibration entry: the entry's trial (titration schedule, duration, patient CrCl) is
 * simulated with the drug file's PK and the pain model of data/pain.json; the model's difference
 * from placebo over the trial's last week is linear in Emax,
 *     MD = -Emax x mean over the last 7 days of placebo(t) S(t),
 * so Emax = -MD / that mean, and the published 95 % interval of MD maps to Emax's.
 *
 * usage: gs-calibrate-pain [--check]   (--check: fail unless data/pain.json holds these values
 *                                       within 1 % and each reproduces its target within 1 %)
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/gabasim.h"
#include "gabasim/pain_effect.h"
#include "gabasim/pd.h"

static gs_status last_week_mean(const struct gs_pain_model *pm, const struct gs_pain_effect *e,
                                double emax, double *md, double *ps, struct gs_error *err)
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
done:
    gs_event_list_release(&ev);
    gs_drug_free(d);
    return st;
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
        if (last_week_mean(&pm, e, 1.0, &md, &ps, &err) != GS_OK) {
            fprintf(stderr, "gs-calibrate-pain: error: %s\n", err.msg);
            return 2;
        }
        double emax = -e->target_md / ps, lo = -e->target_hi / ps, hi = -e->target_lo / ps;
        printf("%s, %s: mean placebo x S over the last week %.4f -> Emax %.4f (95 %% %.4f to "
               "%.4f); target MD %g (%g to %g)\n",
               e->drug, e->pain_type, ps, emax, lo, hi, e->target_md, e->target_lo, e->target_hi);
        if (check) {
            double md_file;
            if (last_week_mean(&pm, e, e->emax, &md_file, &ps, &err) != GS_OK ||
                !(fabs(e->emax - emax) <= 0.01 * fabs(emax)) ||
                !(fabs(md_file - e->target_md) <= 0.01 * fabs(e->target_md)) ||
                !(md_file >= e->target_lo && md_file <= e->target_hi)) {
                printf("FAIL: file Emax %g gives MD %g\n", e->emax, md_file);
                rc = 1;
            }
        }
    }
    if (check)
        printf("%s\n", rc ? "calibration check FAILED" : "calibration check passed");
    return rc;
}
