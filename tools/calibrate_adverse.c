/* calibrate_adverse.c - reproduces Emax and ED50 of each drug and side effect in
 * data/adverse.json.
 *
 * For each event: every dose level of its table becomes a steady-state average concentration C
 * (the drug file's PK, the table's CrCl and doses a day, typical patient); the drug's excess risk
 * at that level is E = 1 - (1 - incidence) / (1 - placebo). Emax and ED50 of E = Emax C/(ED50+C)
 * are fitted by least squares (GSL Nelder-Mead on logit-transformed parameters, which keep Emax in
 * (0, 1) and ED50 in (0.05, 20.05) mg/L: where the table is linear in dose, as for pregabalin's
 * blurred vision, ED50 goes to that bound and the curve is effectively linear), or, when the file
 * fixes ED50, Emax alone in closed form (sum E h / sum h^2, h = C/(ED50 + C)).
 *
 * usage: gs-calibrate-adverse [--check]   (--check: fail unless the file holds the fit within 1 %)
 */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/adverse.h"
#include "gabasim/gabasim.h"

struct fit {
    const double *c, *e;
    size_t n;
};

#define ED50_LO   0.05
#define ED50_SPAN 20.0

static double logistic(double u)
{
    return 1.0 / (1.0 + exp(-u));
}

static double sse(const gsl_vector *x, void *params)
{
    const struct fit *f = params;
    double emax = logistic(gsl_vector_get(x, 0));
    double ed50 = ED50_LO + ED50_SPAN * logistic(gsl_vector_get(x, 1)), s = 0;
    for (size_t i = 0; i < f->n; i++) {
        double r = emax * f->c[i] / (ed50 + f->c[i]) - f->e[i];
        s += r * r;
    }
    return s;
}

static gs_status cavg(const char *drug, double crcl, int per_day, double daily, double *out,
                      struct gs_error *err)
{
    gs_drug *d = NULL;
    gs_status st = gs_drug_load(&d, drug, err);
    if (st != GS_OK)
        return st;
    struct gs_patient pt;
    gs_patient_init(&pt);
    pt.crcl_given_ml_min = crcl;
    struct gs_model m;
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    struct gs_event e = gs_event_dose(0.0, daily / per_day, GS_CMT_DEPOT);
    double t = 24.0 / per_day;
    struct gs_profile p = GS_PROFILE_INIT;
    struct gs_summary s;
    struct gs_sim_options o = GS_SIM_OPTIONS_DEFAULT;
    if (!(st = gs_patient_resolve(&pt, err)) &&
        !(st = gs_drug_individual_model(d, &pt, &m, NULL, 0, err)) &&
        !(st = gs_event_list_push(&ev, &e)) && !(st = gs_simulate(&m, &ev, &t, 1, &o, &p, err)) &&
        !(st = gs_summarize(&(struct gs_summary_request){&m, &ev, &p, daily / per_day,
                                                         24.0 / per_day, GS_CMT_DEPOT, &o},
                            &s, err)))
        *out = s.ss_cavg_mg_l;
    gs_simulate_profile_release(&p);
    gs_event_list_release(&ev);
    gs_drug_free(d);
    return st;
}

int main(int argc, char **argv)
{
    int check = argc > 1 && strcmp(argv[1], "--check") == 0;
    gsl_set_error_handler_off();
    struct gs_ae_model m;
    struct gs_error err = GS_ERROR_INIT;
    if (gs_ae_load(&m, NULL, &err) != GS_OK) {
        fprintf(stderr, "gs-calibrate-adverse: error: %s\n", err.msg);
        return 2;
    }
    int rc = 0;
    for (size_t k = 0; k < m.n; k++) {
        const struct gs_ae_event *ev = &m.ev[k];
        double c[GS_AE_MAX_POINTS], ex[GS_AE_MAX_POINTS];
        for (size_t i = 0; i < ev->n; i++) {
            if (cavg(ev->drug, ev->crcl, ev->per_day, ev->dose_mg_day[i], &c[i], &err) != GS_OK) {
                fprintf(stderr, "gs-calibrate-adverse: error: %s\n", err.msg);
                return 2;
            }
            ex[i] = 1.0 - (1.0 - ev->incidence[i]) / (1.0 - ev->placebo[i]);
        }
        double emax, ed50;
        if (!isnan(ev->ed50_fixed)) {
            double num = 0, den = 0;
            ed50 = ev->ed50_fixed;
            for (size_t i = 0; i < ev->n; i++) {
                double h = c[i] / (ed50 + c[i]);
                num += ex[i] * h;
                den += h * h;
            }
            emax = num / den;
        } else {
            struct fit f = {c, ex, ev->n};
            gsl_multimin_function fn = {sse, 2, &f};
            gsl_vector *x = gsl_vector_alloc(2), *step = gsl_vector_alloc(2);
            gsl_vector_set(x, 0, 0.0);  /* Emax 0.5 */
            gsl_vector_set(x, 1, -1.5); /* ED50 about 3.5 mg/L */
            gsl_vector_set_all(step, 0.5);
            gsl_multimin_fminimizer *mz =
                gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, 2);
            gsl_multimin_fminimizer_set(mz, &fn, x, step);
            for (int it = 0; it < 2000; it++) {
                if (gsl_multimin_fminimizer_iterate(mz) ||
                    gsl_multimin_test_size(gsl_multimin_fminimizer_size(mz), 1e-9) == GSL_SUCCESS)
                    break;
            }
            emax = logistic(gsl_vector_get(mz->x, 0));
            ed50 = ED50_LO + ED50_SPAN * logistic(gsl_vector_get(mz->x, 1));
            gsl_multimin_fminimizer_free(mz);
            gsl_vector_free(x);
            gsl_vector_free(step);
        }
        printf("%s %s: Emax %.4g, ED50 %.4g mg/L%s\n", ev->drug, ev->event, emax, ed50,
               isnan(ev->ed50_fixed) ? "" : " (fixed)");
        for (size_t i = 0; i < ev->n; i++) {
            double p = 1.0 - (1.0 - ev->placebo[i]) * (1.0 - emax * c[i] / (ed50 + c[i]));
            printf("    %6.0f mg/day  C %.3g mg/L  observed %.3f  model %.3f\n", ev->dose_mg_day[i],
                   c[i], ev->incidence[i], p);
        }
        if (check && !(fabs(ev->emax / emax - 1) <= 0.01 && fabs(ev->ed50 / ed50 - 1) <= 0.01)) {
            printf("FAIL: file holds Emax %g, ED50 %g\n", ev->emax, ev->ed50);
            rc = 1;
        }
    }
    if (check)
        printf("%s\n", rc ? "calibration check FAILED" : "calibration check passed");
    return rc;
}
