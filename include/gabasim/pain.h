/* gabasim/pain.h - pain over time on the 0-10 scale: the placebo / natural-history course.
 *
 * The course without active drug follows Plan et al. 2012 (data/pain.json):
 *   pain(t) = BASE x [1 - PE x (1 - exp(-ln 2 t / T1/2))].
 * The drug effect (an empirical, slowly developing effect on top of it, calibrated per pain type
 * to the pooled trial differences) is the next part of issue 4 and is not here yet.
 */
#ifndef GABASIM_PAIN_H
#define GABASIM_PAIN_H

#include <stddef.h>

#include "gabasim/status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct gs_placebo {
    double base;     /* baseline pain, 0-10 */
    double pe;       /* maximum placebo effect, fraction of baseline */
    double t_half_d; /* half-time of the placebo response, days */
};

/* Reads the placebo model from `path` (NULL: gs_data_dir()/pain.json). */
gs_status gs_placebo_load(struct gs_placebo *out, const char *path, struct gs_error *err);

/* The same from text of `len` bytes; `path` names it in messages (the fuzzed entry point). */
gs_status gs_placebo_parse(struct gs_placebo *out, const char *text, size_t len, const char *path,
                           struct gs_error *err);

/* Pain on placebo t days after the start, from baseline `base` (NaN: the model's BASE). */
double gs_placebo_pain(const struct gs_placebo *m, double base, double t_d);

#ifdef __cplusplus
}
#endif
#endif
