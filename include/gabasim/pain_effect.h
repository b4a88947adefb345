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

struct gs_pain_model {
    struct gs_placebo placebo;
    double k_on_per_d;
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

#ifdef __cplusplus
}
#endif
#endif
