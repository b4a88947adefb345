/* fuzz_adverse.c - libFuzzer target for gs_ae_parse() (data/adverse.json).
 *
 * Invariants: on success every event's risk lies in [0, 1] at any concentration, age and day;
 * on failure the error record is one line with a negative status.
 */
#include <math.h>

#include "fuzz_common.h"
#include "gabasim/adverse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct gs_ae_model m;
    struct gs_error err;
    fuzz_error_reset(&err);
    gs_status st = gs_ae_parse(&m, (const char *)data, size, "fuzz.json", &err);
    if (st != GS_OK) {
        fuzz_check_error(st, &err);
        return 0;
    }
    for (size_t k = 0; k < m.n; k++)
        for (int i = 0; i < 4; i++) {
            double r = gs_ae_risk(&m, &m.ev[k], 3.0 * i, 40.0 + 15 * i, i & 1, 7.0 * i);
            FUZZ_CHECK("risk-range", r >= 0.0 && r <= 1.0, "risk %g", r);
        }
    return 0;
}
