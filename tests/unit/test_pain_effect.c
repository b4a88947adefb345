/* test_pain_effect.c - the drug's effect on pain: its onset and its structure.
 *
 * Onset: at a constant exposure the effect builds with half-time ln2 / k_on; the published median
 * onset of relief with pregabalin is 1.5-3.5 days (docs/reference.md section 3.4), so the half-time
 * must lie there. Structure: no drug, no effect; the effect saturates below Emax; the calibrated
 * effect for non-radicular chronic low back pain is small (its interval includes no effect), for
 * PHN clearly positive - as the pooled evidence says. */
#include "../test_util.h"
#include "gabasim/pain_effect.h"
#include "gabasim/pd.h"

static void onset_and_structure(void **state)
{
    (void)state;
    struct gs_pain_model pm;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_pain_load(&pm, NULL, &err), GS_OK);
    assert_between(log(2.0) / pm.k_on_per_d, 1.5, 3.5);

    const struct gs_pain_effect *clbp = gs_pain_find(&pm, "gabapentin", "nonradicular-clbp");
    const struct gs_pain_effect *phn = gs_pain_find(&pm, "pregabalin", "phn");
    assert_non_null(clbp);
    assert_non_null(phn);
    assert_true(clbp->emax_lo < 0.0 && clbp->emax_hi > 0.0); /* no effect not excluded */
    assert_true(phn->emax_lo > 0.0);                         /* a clear effect */
    assert_null(gs_pain_find(&pm, "gabapentin", "no-such-type"));

    /* gabapentin 600 mg TID from day 0: S rises, stays below 1; pain on drug below placebo */
    gs_drug *d = load_drug("gabapentin");
    struct gs_model m = model_at_crcl(d, 100);
    struct gs_pd_params pd;
    assert_int_equal(gs_drug_pd(d, &pd, &err), GS_OK);
    struct gs_event_list ev = repeated_doses(600.0, 8.0, 3 * 28);
    double pdrug[28], ppl[28], s[28];
    assert_int_equal(
        gs_pain_course(&(struct gs_pain_course_request){&pm, "gabapentin", 0.5, pd.ke0_per_h, &m,
                                                        &ev, 28, NAN},
                       pdrug, ppl, s, &err),
        GS_OK);
    assert_true(s[0] == 0.0 && pdrug[0] == ppl[0]);
    for (int k = 1; k < 28; k++) {
        assert_true(s[k] > s[k - 1] - 1e-12 && s[k] < 1.0);
        assert_true(pdrug[k] < ppl[k]);
        assert_rel(pdrug[k], ppl[k] * (1 - 0.5 * s[k]), 1e-12);
    }
    /* half the final effect within the published onset window (dosing from day 0) */
    int half = 0;
    while (half < 27 && s[half] < 0.5 * s[27])
        half++;
    assert_between(half, 1, 4);
    /* no drug: no effect */
    struct gs_event_list none = GS_EVENT_LIST_INIT;
    struct gs_pain_course_request rq = {&pm, "gabapentin", 0.5, pd.ke0_per_h, &m, &none, 28, NAN};
    assert_int_equal(gs_pain_course(&rq, pdrug, ppl, s, &err), GS_OK);
    assert_true(s[27] == 0.0 && pdrug[27] == ppl[27]);
    gs_event_list_release(&ev);
    gs_drug_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(onset_and_structure)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
