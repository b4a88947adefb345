/* fuzz_pain.c - libFuzzer target for gs_placebo_parse() and gs_pain_parse() (data/pain.json).
 *
 * Invariants: on success the parameters lie in their documented ranges and the placebo course
 * stays within [BASE (1 - PE), BASE]; on failure the error record is one line with a negative
 * status.
 */
#include <math.h>

#include "fuzz_common.h"
#include "gabasim/pain.h"
#include "gabasim/pain_effect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gs_placebo m;
    struct gs_error err;
    fuzz_error_reset(&err);
    gs_status st = gs_placebo_parse(&m, (const char *)data, size, "fuzz.json", &err);
    if (st != GS_OK) {
        fuzz_check_error(st, &err);
        return 0;
    }
    FUZZ_CHECK("ranges", m.base > 0 && m.base <= 10 && m.pe > 0 && m.pe <= 1 && m.t_half_d > 0,
               "base %g pe %g t_half %g", m.base, m.pe, m.t_half_d);
    for (int d = 0; d < 400; d += 37) {
        double p = gs_placebo_pain(&m, NAN, d);
        FUZZ_CHECK("course", p <= m.base && p >= m.base * (1 - m.pe) - 1e-12, "pain %g at %d d", p,
                   d);
    }
    struct gs_pain_model pm;
    fuzz_error_reset(&err);
    st = gs_pain_parse(&pm, (const char *)data, size, "fuzz.json", &err);
    if (st != GS_OK) {
        fuzz_check_error(st, &err);
        return 0;
    }
    FUZZ_CHECK("pain-model", pm.k_on_per_d > 0 && pm.n_effects <= GS_PAIN_MAX_EFFECTS,
               "k_on %g, %zu effects", pm.k_on_per_d, pm.n_effects);
    for (size_t i = 0; i < pm.n_drugs; i++)
        FUZZ_CHECK("ec50", pm.drug[i].ec50_mg_l > 0, "ec50 %g", pm.drug[i].ec50_mg_l);
    return 0;
}
