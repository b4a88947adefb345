/* fuzz_adverse.c - libFuzzer target for gs_ae_parse() (data/adverse.json).
 *
 * Invariants: on success every parameter lies in its documented range (docs/model.md, "Side
 * effects") and every event's risk lies in [0, 1] at any concentration, age and day; on failure the
 * error record is one line with a negative status.
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
    FUZZ_CHECK("model-range",
               m.tau_d > 0 && m.tau_d < 365 && m.cns_mult >= 1 && m.cns_mult <= 10 &&
                   m.age_band_y[0] >= 0 && m.age_band_y[0] < m.age_band_y[1] &&
                   m.age_band_y[1] < m.age_band_y[2] && m.age_band_y[2] <= 150,
               "tau %g, cns %g, bands %g %g %g", m.tau_d, m.cns_mult, m.age_band_y[0],
               m.age_band_y[1], m.age_band_y[2]);
    for (size_t a = 0; a < m.n_age; a++)
        for (int b = 0; b < 3; b++)
            FUZZ_CHECK("age-mult", m.age[a].mult[b] >= 0 && m.age[a].mult[b] <= 10, "mult %g",
                       m.age[a].mult[b]);
    for (size_t k = 0; k < m.n; k++) {
        const struct gs_ae_event *e = &m.ev[k];
        FUZZ_CHECK("event-range",
                   e->crcl > 0 && e->crcl <= 250 && e->per_day >= 1 && e->per_day <= 4 &&
                       isnan(e->emax) == isnan(e->ed50) &&
                       (isnan(e->emax) || (e->emax >= 0 && e->emax <= 1)) &&
                       (isnan(e->ed50) || (e->ed50 > 0 && e->ed50 <= 1000)) &&
                       (isnan(e->ed50_fixed) || (e->ed50_fixed > 0 && e->ed50_fixed <= 1000)) &&
                       e->p0 >= 0 && e->p0 < 1,
                   "event %zu: crcl %g, per_day %d, emax %g, ed50 %g, ed50_fixed %g, p0 %g", k,
                   e->crcl, e->per_day, e->emax, e->ed50, e->ed50_fixed, e->p0);
        for (size_t j = 0; j < e->n; j++)
            FUZZ_CHECK("event-points",
                       e->dose_mg_day[j] > 0 && e->dose_mg_day[j] <= 1e5 && e->incidence[j] >= 0 &&
                           e->incidence[j] < 1 && e->placebo[j] >= 0 && e->placebo[j] < 1,
                       "event %zu point %zu: %g mg/day, %g, placebo %g", k, j, e->dose_mg_day[j],
                       e->incidence[j], e->placebo[j]);
    }
    for (size_t k = 0; k < m.n; k++)
        for (int i = 0; i < 4; i++) {
            double r = gs_ae_risk(&m, &m.ev[k], 3.0 * i, 40.0 + 15 * i, i & 1, 7.0 * i);
            FUZZ_CHECK("risk-range", r >= 0.0 && r <= 1.0, "risk %g", r);
        }
    return 0;
}
