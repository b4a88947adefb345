/* fuzz_studies.c - libFuzzer target for gs_studies_parse() (the study table of `gabasim meta`).
 *
 * Invariants: on success there is at least one study, every name is non-empty, every value is
 * finite, sizes are whole and >= 1, SDs and SEs above 0, events whole, 0..N; each row's effect
 * size is then computable or refused with a status (never a crash); the whole analysis, by every
 * measure the layout allows and with every model after pooling (subgroups when the table has a
 * subgroup column, Egger, leave-one-out, influence, cumulative), either succeeds with a finite
 * pooled estimate or fails with a one-line error; extra columns have non-empty names. On failure
 * the error record is one line with a negative status.
 */
#include <math.h>

#include "fuzz_common.h"
#include "gabasim/meta.h"
#include "gabasim/meta_models.h"
#include "gabasim/studies.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gs_studies t;
    struct gs_error err;
    fuzz_error_reset(&err);
    gs_status st = gs_studies_parse(&t, (const char *)data, size, "fuzz.csv", &err);
    if (st != GS_OK) {
        fuzz_check_error(st, &err);
        return 0;
    }
    FUZZ_CHECK("rows", t.n >= 1 && t.study != NULL, "%zu rows", t.n);
    for (size_t i = 0; i < t.n; i++) {
        const struct gs_study *s = &t.study[i];
        const double *v = s->v;
        FUZZ_CHECK("name", s->name[0] != '\0', "row %zu", i);
        for (int j = 0; j < 6; j++)
            FUZZ_CHECK("finite", isfinite(v[j]), "row %zu value %d", i, j);
        double yi, vi;
        struct gs_error e2;
        fuzz_error_reset(&e2);
        if (t.kind == GS_STUDIES_MD) {
            FUZZ_CHECK("md", v[1] > 0 && v[4] > 0 && v[2] >= 1 && v[5] >= 1, "row %zu", i);
            st = gs_meta_md(&(struct gs_meta_md_request){v[0], v[1], v[2], v[3], v[4], v[5]}, &yi,
                            &vi, &e2);
        } else if (t.kind == GS_STUDIES_RR) {
            FUZZ_CHECK("rr", v[0] >= 0 && v[0] <= v[1] && v[2] >= 0 && v[2] <= v[3] && v[1] >= 1,
                       "row %zu: %g/%g %g/%g", i, v[0], v[1], v[2], v[3]);
            st = gs_meta_logrr(v[0], v[1], v[2], v[3], &yi, &vi, &e2);
        } else {
            FUZZ_CHECK("se", v[1] > 0, "row %zu", i);
            continue;
        }
        if (st != GS_OK)
            fuzz_check_error(st, &e2);
        else
            FUZZ_CHECK("effect", isfinite(yi) && vi > 0 && isfinite(vi), "row %zu: %g, %g", i, yi,
                       vi);
    }
    for (size_t j = 0; j < t.n_extra; j++)
        FUZZ_CHECK("extra column", t.extra_name[j][0] != '\0', "column %zu", j);
    static const enum gs_meta_measure measures[] = {GS_META_MEASURE_AUTO, GS_META_SMD, GS_META_ROM,
                                                    GS_META_OR, GS_META_RD};
    for (size_t k = 0; k < sizeof measures / sizeof measures[0]; k++) {
        struct gs_meta_models_request mr = GS_META_MODELS_REQUEST_INIT;
        mr.leave1out = mr.influence = mr.cumulative = 1;
        mr.egger = t.n >= 3;
        struct gs_meta_request req = GS_META_REQUEST_INIT;
        req.studies = &t;
        req.measure = measures[k];
        req.models = &mr;
        struct gs_meta_analysis *m = NULL;
        struct gs_error e3;
        fuzz_error_reset(&e3);
        st = gs_meta_analyse(&req, &m, &e3);
        if (st != GS_OK) {
            fuzz_check_error(st, &e3);
            FUZZ_CHECK("no result on failure", m == NULL, "measure %zu", k);
            continue;
        }
        FUZZ_CHECK("pooled", m->k >= 1 && isfinite(m->fixed.est) && isfinite(m->random.est),
                   "measure %zu: k %zu, %g, %g", k, m->k, m->fixed.est, m->random.est);
        gs_meta_analysis_free(m);
    }
    gs_studies_release(&t);
    return 0;
}
