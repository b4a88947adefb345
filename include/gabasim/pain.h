/* gabasim/pain.h - pain over time on the 0-10 scale: the placebo / natural-history course.
 *
 * The course without active drug follows Plan et al. 2012 (data/pain.json):
 *   pain(t) = BASE x [1 - PE x (1 - exp(-ln 2 t / T1/2))].
 * The drug effect on top of it is gabasim/pain_effect.h.
 */
#ifndef GABASIM_PAIN_H
#define GABASIM_PAIN_H

#include <stddef.h>

#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct gs_placebo {
    double base;     /* baseline pain, 0-10 */
    double pe;       /* maximum placebo effect, fraction of baseline */
    double t_half_d; /* half-time of the placebo response, days */
    /* between-subject variances (Plan 2012; NaN when the file gives none): logit(BASE / 10),
     * logit(PE) and log(T1/2) are normal around the typical values (virtual trials draw them) */
    double omega2_logit_base, omega2_logit_pe, omega2_log_t_half;
};

/* Reads the placebo model from `path` (NULL: gs_datafile_dir()/pain.json). */
gs_status gs_placebo_load(struct gs_placebo *out, const char *path, struct gs_error *err);

/* The same from text of `len` bytes; `path` names it in messages (the fuzzed entry point). */
gs_status gs_placebo_parse(struct gs_placebo *out, const char *text, size_t len, const char *path,
                           struct gs_error *err);

/* Share of people like this patient whose underlying pain falls by at least `fraction` (0.3 for
 * the usual 30 % responder) by day t, on placebo (effect = 0) or on a drug removing `effect`
 * (Emax x S) of the remaining pain: 1 - (1 - PE g)(1 - effect) >= fraction, g = 1 - exp(-ln2 t /
 * T1/2), over Plan 2012's between-subject distribution of PE and T1/2 (the baseline cancels).
 * Exact up to quadrature (the PE condition in closed form, T1/2 integrated numerically). NaN when
 * the model has no variances. Measurement error of a rating is not included. */
double gs_placebo_responder_prob(const struct gs_placebo *m, double effect, double t_d,
                                 double fraction);

/* Pain on placebo t days after the start, from baseline `base` (NaN: the model's BASE). */
double gs_placebo_pain(const struct gs_placebo *m, double base, double t_d);

#ifdef __cplusplus
}
#endif
#endif
