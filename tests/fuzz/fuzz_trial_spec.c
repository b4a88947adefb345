/* fuzz_trial_spec.c - libFuzzer target for gs_trial_spec_parse() (`gabasim trial` specifications).
 *
 * Invariants: on success the specification is within its documented limits: two arms of 2 to
 * 100000 participants (equal with 1:1 blocks), drug arms with a drug and a titration, visits
 * strictly increasing from 1 and ending at the duration, alpha from 1e-10 to below 1 (0.5
 * one-sided), probabilities in [0, 1], inclusion ranges ordered. On failure the error record is
 * one line with a negative status.
 */
#include <math.h>

#include "fuzz_common.h"
#include "gabasim/trial.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gs_trial_spec s;
    struct gs_error err;
    fuzz_error_reset(&err);
    gs_status st = gs_trial_spec_parse(&s, (const char *)data, size, "fuzz.json", &err);
    if (st != GS_OK) {
        fuzz_check_error(st, &err);
        return 0;
    }
    FUZZ_CHECK("arms", s.n_arms == 2, "%zu arms", s.n_arms);
    int drugs = 0;
    for (int a = 0; a < 2; a++) {
        const struct gs_trial_arm *arm = &s.arm[a];
        FUZZ_CHECK("n", arm->n >= 2 && arm->n <= GS_TRIAL_MAX_ARM_N, "arm %d: %ld", a, arm->n);
        FUZZ_CHECK("name", arm->name[0] != '\0', "arm %d", a);
        if (arm->type == GS_ARM_DRUG) {
            drugs++;
            FUZZ_CHECK("drug", arm->drug[0] && arm->titrate[0], "arm %d", a);
        } else {
            FUZZ_CHECK("placebo", arm->type == GS_ARM_PLACEBO && !arm->drug[0], "arm %d", a);
        }
    }
    FUZZ_CHECK("a drug arm", drugs >= 1, "%d", drugs);
    FUZZ_CHECK("duration", s.duration_weeks >= 1 && s.duration_weeks <= GS_TRIAL_MAX_WEEKS, "%d",
               s.duration_weeks);
    FUZZ_CHECK("visits", s.n_visits >= 1 && s.n_visits <= GS_TRIAL_MAX_VISITS, "%zu", s.n_visits);
    for (size_t v = 0; v < s.n_visits; v++)
        FUZZ_CHECK("visit order",
                   s.visit_week[v] >= 1 && (v == 0 || s.visit_week[v] > s.visit_week[v - 1]),
                   "visit %zu: %d", v, s.visit_week[v]);
    FUZZ_CHECK("last visit", s.visit_week[s.n_visits - 1] == s.duration_weeks, "%d",
               s.visit_week[s.n_visits - 1]);
    FUZZ_CHECK("alpha", s.alpha >= 1e-10 && s.alpha < (s.sided == 1 ? 0.5 : 1.0), "%g", s.alpha);
    if (s.randomization == GS_RAND_BLOCKS)
        FUZZ_CHECK("1:1 blocks", s.arm[0].n == s.arm[1].n, "%ld %ld", s.arm[0].n, s.arm[1].n);
    FUZZ_CHECK("sided", s.sided == 1 || s.sided == 2, "%d", s.sided);
    const double p[5] = {s.ae_discontinue, s.ae_background, s.loe_per_visit, s.loss_per_week,
                         s.radicular_fraction};
    for (int k = 0; k < 5; k++)
        FUZZ_CHECK("probability", p[k] >= 0 && p[k] <= 1, "%d: %g", k, p[k]);
    FUZZ_CHECK("ranges",
               s.age_min_y <= s.age_max_y && s.crcl_min <= s.crcl_max && s.pain_min <= s.pain_max,
               "%g-%g %g-%g %g-%g", s.age_min_y, s.age_max_y, s.crcl_min, s.crcl_max, s.pain_min,
               s.pain_max);
    FUZZ_CHECK("sd", s.measurement_sd >= 0 && s.measurement_sd <= 5, "%g", s.measurement_sd);
    FUZZ_CHECK("blocks", s.block_size >= 2 && s.block_size % 2 == 0 && s.block_size <= 100, "%d",
               s.block_size);
    return 0;
}
