/* tdm_jac.c - the MAP fit of gs_tdm_estimate (no importance sampling) for one drug, timed:
 * best wall-clock of REPS fits, the predictions made and the Newton iterations, and the MAP
 * eta and Laplace SDs (so two runs can be compared). The derivative path is the environment's
 * (GABASIM_TDM_DERIVATIVES=fd: finite differences; unset: exact sensitivities). Built and run
 * by bench/tdm_jac.sh.
 *   usage: tdm_jac DRUG[+MODEL] CRCL DOSE_MG II_H N_DOSES REPS TIME:LEVEL...
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gabasim/gabasim.h"
#include "gabasim/model_file.h"
#include "gabasim/tdm.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc < 8) {
        fprintf(stderr, "usage: tdm_jac DRUG CRCL DOSE_MG II_H N_DOSES REPS TIME:LEVEL...\n");
        return 2;
    }
    struct gs_error err = GS_ERROR_INIT;
    gs_drug *d = NULL;
    gs_model_file *mf = NULL;
    char name[256];
    snprintf(name, sizeof name, "%s", argv[1]);
    char *model = strchr(name, '+'); /* DRUG+MODEL: the drug with a model file's structure */
    if (model)
        *model++ = '\0';
    if ((model ? gs_drug_load_with_model(&d, &mf, name, model, &err)
               : gs_drug_load(&d, name, &err)) != GS_OK) {
        fprintf(stderr, "tdm_jac: %s\n", err.msg);
        return 1;
    }
    struct gs_patient pt;
    gs_patient_init(&pt);
    pt.crcl_given_ml_min = atof(argv[2]);
    if (gs_patient_resolve(&pt, &err) != GS_OK) {
        fprintf(stderr, "tdm_jac: %s\n", err.msg);
        return 1;
    }
    struct gs_regimen r;
    gs_regimen_init(&r);
    r.n_steps = 1;
    r.steps[0] = (struct gs_regimen_step){0.0, atof(argv[3]), atof(argv[4])};
    r.n_doses = atol(argv[5]);
    r.start_steady = getenv("STEADY") != NULL; /* STEADY=1: the first dose at steady state */
    int reps = atoi(argv[6]);
    struct gs_tdm_level lv[GS_TDM_MAX_LEVELS];
    size_t nl = 0;
    for (int i = 7; i < argc && nl < GS_TDM_MAX_LEVELS; i++)
        if (sscanf(argv[i], "%lf:%lf", &lv[nl].time_h, &lv[nl].conc_mg_l) == 2)
            nl++;
    struct gs_tdm_request q = {.drug = d,
                               .patient = &pt,
                               .regimen = &r,
                               .levels = lv,
                               .n_levels = nl,
                               .interval = 0.9,
                               .seed = 1,
                               .n_draws = 0,
                               .until_h = NAN,
                               .step_h = 1.0,
                               .rtol = NAN};
    double best = INFINITY;
    struct gs_tdm_result res;
    for (int k = 0; k < reps; k++) {
        double t0 = now();
        if (gs_tdm_estimate(&q, &res, &err) != GS_OK) {
            fprintf(stderr, "tdm_jac: %s\n", err.msg);
            return 1;
        }
        best = fmin(best, now() - t0);
        if (k + 1 < reps)
            gs_tdm_result_release(&res);
    }
    printf("%s best_s %.6f predictions %ld sens_solves %ld iterations %d eta", argv[1], best,
           res.evaluations, res.sens_solves, res.iterations);
    for (size_t i = 0; i < res.n_eta; i++)
        printf(" %.9f", res.param[i].eta);
    printf(" sd");
    for (size_t i = 0; i < res.n_eta; i++)
        printf(" %.7f", res.param[i].post_sd);
    printf("\n");
    gs_tdm_result_release(&res);
    gs_drug_free(d);
    gs_model_file_free(mf);
    return 0;
}
