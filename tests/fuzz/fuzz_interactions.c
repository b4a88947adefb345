/* fuzz_interactions.c - libFuzzer target for gs_interactions_parse() (data/interactions.json).
 *
 * Invariants: on success the table is non-NULL, every entry can be fetched and its numbers lie
 * in their documented ranges (docs/model.md: bands -1000 to 1000 h and ascending, reductions 0 to
 * 0.99, AUC and clearance ratios 0.1 to 10, study doses 0.001 to 1e5 mg); an unknown name fails
 * with GS_INPUT and a one-line message. On failure *out is NULL
 * and the error record is a one-line message with a negative status.
 */
#include <math.h>

#include "fuzz_common.h"
#include "gabasim/interactions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gs_interactions *t = NULL;
    struct gs_error err;
    fuzz_error_reset(&err);
    gs_status st = gs_interactions_parse(&t, (const char *)data, size, "fuzz.json", &err);
    if (st != GS_OK) {
        FUZZ_CHECK("failure-null", t == NULL, "a failed parse left a table");
        fuzz_check_error(st, &err);
        return 0;
    }
    FUZZ_CHECK("success-table", t != NULL, "a successful parse gave no table");
    for (size_t i = 0; i < gs_interactions_count(t); i++) {
        const struct gs_interaction *e = gs_interactions_get(t, i);
        FUZZ_CHECK("entry", e != NULL, "entry %zu is NULL", i);
        FUZZ_CHECK("bands",
                   e->n_bands <= GS_IX_MAX_BANDS && (e->kind != GS_IX_DOSE_TIMED || e->n_bands > 0),
                   "%zu bands", e->n_bands);
        for (size_t b = 0; e->kind == GS_IX_DOSE_TIMED && b < e->n_bands; b++) {
            const struct gs_ix_band *x = &e->band[b];
            FUZZ_CHECK("band-range",
                       x->from_h >= -1000 && x->to_h <= 1000 && x->from_h < x->to_h &&
                           x->reduction >= 0 && x->reduction <= 0.99,
                       "band %zu: %g to %g h, reduction %g", b, x->from_h, x->to_h, x->reduction);
        }
        if (e->kind == GS_IX_ABSORPTION_AUC)
            FUZZ_CHECK("auc-range",
                       e->auc_ratio >= 0.1 && e->auc_ratio <= 10 && e->study_dose_mg >= 1e-3 &&
                           e->study_dose_mg <= 1e5 && e->parameter != NULL,
                       "auc ratio %g at %g mg", e->auc_ratio, e->study_dose_mg);
        if (e->kind == GS_IX_CLEARANCE)
            FUZZ_CHECK("cl-range", e->cl_ratio >= 0.1 && e->cl_ratio <= 10, "cl ratio %g",
                       e->cl_ratio);
    }
    const struct gs_interaction *ix = NULL;
    fuzz_error_reset(&err);
    st = gs_interactions_find(t, "no-such-co-medication-name", &ix, &err);
    FUZZ_CHECK("unknown-name", st == GS_INPUT, "unknown name gave status %d", (int)st);
    fuzz_check_error(st, &err);
    gs_interactions_free(t);
    return 0;
}
