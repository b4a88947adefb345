/* fuzz_covdist.c - libFuzzer target for gs_covdist_parse() (data/populations files).
 *
 * Invariants: on success, draws from a few streams either fail with a one-line error or give a
 * resolved patient inside the documented limits (age, weight, height, creatinine, CrCl; a NaN is
 * outside); on failure *out is NULL and the error record is one line with a negative status.
 */
#include <math.h>

#include "fuzz_common.h"
#include "gabasim/covariates.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gs_covdist *c = NULL;
    struct gs_error err;
    fuzz_error_reset(&err);
    gs_status st = gs_covdist_parse(&c, (const char *)data, size, "fuzz.json", &err);
    if (st != GS_OK) {
        FUZZ_CHECK("failure-null", c == NULL, "a failed parse left a distribution");
        fuzz_check_error(st, &err);
        return 0;
    }
    for (uint64_t i = 0; i < 4; i++) {
        gs_rng r;
        gs_rng_seed(&r, 1, i);
        struct gs_patient p;
        fuzz_error_reset(&err);
        st = gs_covdist_draw(c, &r, &p, &err);
        if (st != GS_OK) {
            fuzz_check_error(st, &err);
            continue;
        }
        FUZZ_CHECK("age", p.age_y >= GS_AGE_MIN_Y && p.age_y <= GS_AGE_MAX_Y, "age %g", p.age_y);
        FUZZ_CHECK("weight", p.weight_kg >= GS_WEIGHT_MIN_KG && p.weight_kg <= GS_WEIGHT_MAX_KG,
                   "weight %g", p.weight_kg);
        FUZZ_CHECK("height", p.height_cm >= GS_HEIGHT_MIN_CM && p.height_cm <= GS_HEIGHT_MAX_CM,
                   "height %g", p.height_cm);
        FUZZ_CHECK("scr", p.scr_mg_dl >= GS_SCR_MIN_MG_DL && p.scr_mg_dl <= GS_SCR_MAX_MG_DL,
                   "scr %g", p.scr_mg_dl);
        FUZZ_CHECK("crcl", p.crcl_ml_min > 0 && p.crcl_ml_min <= GS_CRCL_MAX_ML_MIN, "crcl %g",
                   p.crcl_ml_min);
    }
    gs_covdist_free(c);
    return 0;
}
