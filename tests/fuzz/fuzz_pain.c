/* fuzz_pain.c - libFuzzer target for gs_placebo_parse() (data/pain.json).
 *
 * Invariants: on success the parameters lie in their documented ranges and the placebo course
 * stays within [BASE (1 - PE), BASE]; on failure the error record is one line with a negative
 * status.
 */
#include <math.h>

#include "fuzz_common.h"
#include "gabasim/pain.h"

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
    return 0;
}
