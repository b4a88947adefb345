/* test_gabapentin_label.c - the gabapentin model against the Neurontin label.
 *
 * Sources: Neurontin US prescribing information section 12.3 (bioavailability by daily dose,
 * Tmax 2-3 h, half-life 5-7 h, clearance directly proportional to CrCl), as tabulated in
 * docs/reference.md section 1. */
#include "../test_util.h"

static const struct gs_sim_options opt = GS_SIM_OPTIONS_DEFAULT;

/* Fraction of each dose absorbed at the periodic steady state of `dose` every 8 h. */
static double ss_fraction_absorbed(const struct gs_model *m, double dose)
{
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    struct gs_event e = gs_event_dose(0.0, dose, GS_CMT_DEPOT);
    e.ss = 1;
    e.ii_h = 8.0;
    assert_int_equal(gs_event_list_push(&ev, &e), GS_OK);
    double t = 8.0;
    struct gs_profile p = GS_PROFILE_INIT;
    assert_int_equal(gs_simulate(m, &ev, &t, 1, &opt, &p, NULL), GS_OK);
    double f = 1.0 - p.y[GS_Y_UNABSORBED] / dose;
    gs_simulate_profile_release(&p);
    gs_event_list_release(&ev);
    return f;
}

/* Label 12.3: 60, 47, 34, 33, 27 % at 900, 1200, 2400, 3600, 4800 mg/day (TID). Issue 2's
 * acceptance: each within 15 % relative and RMS relative error within 10 %; the label's values
 * are not smooth in dose, so a tighter bound would reward over-fitting a 3-parameter curve. */
static void bioavailability_matches_label(void **state)
{
    (void)state;
    gs_drug *d = load_drug("gabapentin");
    struct gs_model m = model_at_crcl(d, 100);
    const double dose[5] = {300, 400, 800, 1200, 1600}, label[5] = {0.60, 0.47, 0.34, 0.33, 0.27};
    double ss = 0.0;
    for (int i = 0; i < 5; i++) {
        double f = ss_fraction_absorbed(&m, dose[i]);
        double rel = f / label[i] - 1.0;
        print_message("  %4.0f mg TID: model F %.3f, label %.2f (%+.1f %%)\n", dose[i], f, label[i],
                      100 * rel);
        assert_true(fabs(rel) <= 0.15);
        ss += rel * rel;
    }
    assert_true(sqrt(ss / 5.0) <= 0.10);
    /* and F falls with dose: saturable uptake */
    assert_true(ss_fraction_absorbed(&m, 300) > ss_fraction_absorbed(&m, 600));
    gs_drug_free(d);
}

static struct gs_summary single_dose_summary(const struct gs_model *m, double dose)
{
    struct gs_event_list ev = repeated_doses(dose, 8.0, 1);
    size_t n = 193;
    double *t = grid(0.0, 48.0, n);
    struct gs_profile p = GS_PROFILE_INIT;
    struct gs_summary s;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_simulate(m, &ev, t, n, &opt, &p, &err), GS_OK);
    assert_int_equal(
        gs_summarize(&(struct gs_summary_request){m, &ev, &p, dose, NAN, GS_CMT_DEPOT, &opt}, &s,
                     &err),
        GS_OK);
    /* mass balance and non-negative amounts hold in every simulation (1e-6 relative) */
    assert_true(s.mass_balance_error <= 1e-6);
    assert_true(s.min_amount_mg >= 0.0);
    gs_simulate_profile_release(&p);
    gs_free(t);
    gs_event_list_release(&ev);
    return s;
}

/* Label: Tmax 2-3 h; the issue allows 1.5-4 h for the typical subject. Half-life 5-7 h at
 * CrCl 100 mL/min (label: 5-7 h, unaltered by dose). */
static void single_dose_tmax_and_half_life(void **state)
{
    (void)state;
    gs_drug *d = load_drug("gabapentin");
    struct gs_model m = model_at_crcl(d, 100);
    struct gs_summary s = single_dose_summary(&m, 300);
    assert_between(s.tmax_h, 1.5, 4.0);
    assert_between(s.tmax_h, 2.0, 3.0); /* and inside the label's own range */
    assert_between(s.half_life_h, 5.0, 7.0);
    assert_true(s.auc_to_infinity);
    /* AUC to infinity = absorbed amount / CL: with single-dose F in [0.5, 0.7] at 300 mg */
    assert_between(s.auc_mg_h_l * s.clearance_l_h / 300.0, 0.5, 0.7);
    struct gs_summary big = single_dose_summary(&m, 1200);
    assert_between(big.half_life_h, 5.0, 7.0); /* unaltered by dose */
    gs_drug_free(d);
}

/* Label 12.3: plasma clearance directly proportional to CrCl. Checked on the parameter and on
 * the simulated exposure: AUC to infinity x CrCl is the same at every CrCl (absorption does not
 * depend on elimination), to the solver's accuracy (1e-6). */
static void clearance_proportional_to_crcl(void **state)
{
    (void)state;
    gs_drug *d = load_drug("gabapentin");
    const double crcl[] = {15, 30, 60, 100, 150};
    double ref = NAN;
    for (int i = 0; i < 5; i++) {
        struct gs_model m = model_at_crcl(d, crcl[i]);
        struct gs_summary s = single_dose_summary(&m, 600);
        assert_rel(s.clearance_l_h / crcl[i], 6.0 / 100.0, 1e-12);
        double x = s.auc_mg_h_l * crcl[i];
        if (i == 0)
            ref = x;
        else
            assert_rel(x, ref, 1e-6);
    }
    gs_drug_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bioavailability_matches_label),
        cmocka_unit_test(single_dose_tmax_and_half_life),
        cmocka_unit_test(clearance_proportional_to_crcl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
