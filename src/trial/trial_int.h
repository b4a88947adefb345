/* trial_int.h - the prepared trial, shared by the files of src/trial only. */
#ifndef GABASIM_TRIAL_INT_H
#define GABASIM_TRIAL_INT_H

#include "gabasim/adverse.h"
#include "gabasim/covariates.h"
#include "gabasim/drug.h"
#include "gabasim/model.h"
#include "gabasim/pain_effect.h"
#include "gabasim/regimen.h"
#include "gabasim/trial.h"
#include "gabasim/variability.h"

struct gs_trial {
    struct gs_trial_spec spec;
    gs_covdist *cov;
    struct gs_pain_model pain;
    struct gs_ae_model ae;
    /* per arm (drug arms only) */
    gs_drug *drug[2];
    struct gs_regimen reg[2];
    struct gs_variability var[2];
    struct gs_model ref_model[2];
    double ref_cl[2];                              /* L/h of the reference patient */
    int step_day[2][GS_REGIMEN_MAX_STEPS];         /* first day (1-based) of each step */
    double step_mg_day[2][GS_REGIMEN_MAX_STEPS];   /* daily dose */
    double step_cavg_ref[2][GS_REGIMEN_MAX_STEPS]; /* steady-state Cavg, reference patient */
    /* mg absorbed per GS_TRIAL_DT_H interval over the trial (reference patient), for the
     * titration stopped after step c (input[a][c], c = n_steps - 1: the whole titration);
     * only the whole titration unless the arm titrates to the maximum tolerated dose */
    double *input[2][GS_REGIMEN_MAX_STEPS];
    size_t n_steps[2];
    double ec50[2], ke0[2];
    double emax[2][2]; /* [arm][0 non-radicular, 1 radicular] */
    /* side effects: the event each arm draws from, and whether the arm is exposed to the drug */
    size_t n_ae;
    char ae_name[GS_AE_MAX_EVENTS][32];
    const struct gs_ae_event *ae_ev[2][GS_AE_MAX_EVENTS];
    int ae_exposed[2][GS_AE_MAX_EVENTS];
};

#define GS_TRIAL_DT_H 0.25 /* h: resolution of the drug-effect computation */

/* Random streams: participant candidate j of replicate r, and the allocation sequences. */
#define GS_TRIAL_STREAM(rep, j)       (((uint64_t)(rep) << 32) | (uint64_t)(j))
#define GS_TRIAL_ALLOC_STREAM(rep, s) ((1ULL << 63) | ((uint64_t)(rep) << 8) | (uint64_t)(s))

/* Progress of a run of replicates (reps.c): `done` and `total` in participants simulated. */
struct gs__trial_progress {
    void (*fn)(void *ctx, long done, long total);
    void *ctx;
    long done, total;
};

/* gs_trial_replicates, reporting progress to `pr` (NULL: none) from the calling thread. */
gs_status gs__trial_replicates(const gs_trial *t, long n_reps, long n_per_arm, int threads,
                               long first_rep, struct gs__trial_progress *pr,
                               struct gs_trial_reps *out, struct gs_error *err);

/* The participants one replicate simulates with n_per_arm (0: the specification's arms). */
long gs__trial_rep_size(const gs_trial *t, long n_per_arm);

/* The analysis of one replicate's participants (analyse.c). */
gs_status gs__trial_analyse(const gs_trial *t, struct gs_trial_result *r, struct gs_error *err);

#endif
