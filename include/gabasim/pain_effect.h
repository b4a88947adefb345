/* gabasim/pain_effect.h - pain relief on drug: an empirical, slowly developing effect on top of
 * the placebo course (gabasim/pain.h), calibrated per drug and pain type to pooled trial
 * differences (data/pain.json, tools/calibrate_pain.c).
 *
 *   pain_on_drug(t) = placebo(t) x (1 - Emax x S(t)),  dS/dt = k_on (f(Ce) - S),
 *   f(Ce) = Ce / (EC50 + Ce), Ce the effect-site concentration (gabasim/pd.h).
 *
 * Emax is the fraction of the remaining pain the drug removes at full effect; its 95 % interval
 * comes from the published interval of the calibration target. There is no published
 * exposure-response for gabapentin in pain: EC50 and k_on are stated assumptions (data/pain.json).
 *
 * Between persons the drug effect varies (drug_effect.between_person): person i removes
 *   Emax_i = sign(Emax) x min(c B_i, cap),  B_i = exp(omega z_i - omega^2 / 2),  z_i ~ N(0, 1),
 * cap 0.99 (-1 for a harmful Emax), c chosen so that the mean of Emax_i is Emax exactly: the mean
 * difference from placebo, and so every calibration of Emax, is unchanged. omega is calibrated to
 * published responder rates (tools/calibrate_pain.c; docs/model.md).
 */
#ifndef GABASIM_PAIN_EFFECT_H
#define GABASIM_PAIN_EFFECT_H

#include <stddef.h>

#include "gabasim/events.h"
#include "gabasim/model.h"
#include "gabasim/pain.h"
#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_PAIN_MAX_EFFECTS 8

struct gs_pain_effect {
    char drug[32], pain_type[32];
    double emax, emax_lo, emax_hi; /* recorded calibration (fraction; lo/hi: 95 % interval) */
    double target_md, target_lo, target_hi; /* published difference from placebo, 0-10 */
    char titrate[128];                      /* the calibration trial's schedule */
    char as_drug[32], as_pain_type[32];     /* non-empty: Emax borrowed from that effect */
    double trial_days, trial_crcl;
};

/* The between-person spread of the drug effect and the published responder rates it was
 * calibrated to (rates: drug arm, placebo arm; n: randomized per arm). */
struct gs_pain_spread {
    double omega, omega_lo, omega_hi; /* log-SD of B_i; 0: everyone has Emax; lo/hi: 95 % */
    char drug[32], pain_type[32];     /* the calibration effect (its trial is the effect's) */
    double rate30[2], rate50[2];      /* >= 30 % and >= 50 % responders, drug and placebo */
    double n[2];
};

struct gs_pain_model {
    struct gs_placebo placebo;
    double k_on_per_d;
    struct gs_pain_spread spread; /* omega 0 when the file has no drug_effect.between_person */
    struct {
        char name[32];
        double ec50_mg_l, ke0_per_h; /* ke0 NaN: take it from the drug file */
    } drug[4];
    size_t n_drugs;
    struct gs_pain_effect effect[GS_PAIN_MAX_EFFECTS];
    size_t n_effects;
};

/* data/pain.json (path NULL) or another file. */
gs_status gs_pain_load(struct gs_pain_model *out, const char *path, struct gs_error *err);

/* The same from text of `len` bytes; `path` names it in messages (the fuzzed entry point). */
gs_status gs_pain_parse(struct gs_pain_model *out, const char *text, size_t len, const char *path,
                        struct gs_error *err);

/* The effect for (drug, pain type), or NULL. */
const struct gs_pain_effect *gs_pain_find(const struct gs_pain_model *pm, const char *drug,
                                          const char *pain_type);

/* What gs_pain_course simulates: model `model` taking `events` (ADDL-expanded, sorted), with
 * Emax `emax`, effect-site rate `ke0_per_h` (1/h) and the drug's EC50 from `pm`, over days
 * 0..n_days-1. Pointers are borrowed for the call. */
struct gs_pain_course_request {
    const struct gs_pain_model *pm;
    const char *drug; /* "gabapentin": selects the EC50 */
    double emax;
    double ke0_per_h;
    const struct gs_model *model;
    const struct gs_event_list *events;
    size_t n_days;
    double base; /* baseline pain, 0-10 (NaN: the placebo model's) */
};

/* Daily pain on drug and on placebo, days 0..n_days-1 (values at the end of each day), and the
 * engaged fraction S (`s` may be NULL); each output holds req->n_days values. GS_UNSUPPORTED when
 * `pm` has no EC50 for the drug. */
gs_status gs_pain_course(const struct gs_pain_course_request *req, double *pain_drug,
                         double *pain_placebo, double *s, struct gs_error *err);

/* Person i's maximum effect for the population's `emax` and spread `omega` (log-SD) at standard
 * normal deviate z (see above; omega 0 or emax 0: emax itself). */
double gs_pain_individual_emax(double emax, double omega, double z);

/* Share of people like this one whose underlying pain falls by at least `fraction` by day t_d,
 * on a drug whose engaged fraction is `s` (0..1) at that day, with maximum effect `emax` spread
 * between persons by `omega`: gs_placebo_responder_prob averaged over z (trapezoid rule on
 * [-8, 8], 201 points). NaN where gs_placebo_responder_prob is. */
double gs_pain_responder_prob(const struct gs_placebo *m, double emax, double omega, double s,
                              double t_d, double fraction);

#ifdef __cplusplus
}
#endif
#endif
