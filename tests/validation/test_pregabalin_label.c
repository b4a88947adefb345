/* test_pregabalin_label.c - the pregabalin model (Shoji 2011) against the Lyrica label.
 *
 * Sources: Lyrica US prescribing information 12.3 (dose-proportional exposure, Tmax within
 * 1.5 h fasted, half-life 6.3 h), Shoji S et al. Br J Clin Pharmacol 2011;72:63 (parameters),
 * as tabulated in docs/reference.md section 3. */
#include "../test_util.h"

static const struct gs_sim_options opt = GS_SIM_OPTIONS_DEFAULT;

static struct gs_summary single(const struct gs_model *m, double dose)
{
    struct gs_event_list ev = repeated_doses(dose, 12.0, 1);
    size_t n = 97;
    double *t = grid(0.0, 24.0, n);
    struct gs_profile p = GS_PROFILE_INIT;
    struct gs_summary s;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_simulate(m, &ev, t, n, &opt, &p, &err), GS_OK);
    assert_int_equal(
        gs_summarize(&(struct gs_summary_request){m, &ev, &p, dose, 12.0, GS_CMT_DEPOT, &opt}, &s,
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

/* Label: exposure proportional to dose; AUC 600 mg / 150 mg = 4 within 1 % (issue 2). */
static void exposure_proportional_to_dose(void **state)
{
    (void)state;
    gs_drug *d = load_drug("pregabalin");
    struct gs_model m = model_at_crcl(d, 90);
    struct gs_summary lo = single(&m, 150), hi = single(&m, 600);
    assert_rel(hi.auc_mg_h_l / lo.auc_mg_h_l, 4.0, 0.01);
    assert_rel(hi.cmax_mg_l / lo.cmax_mg_l, 4.0, 0.01);
    assert_rel(hi.ss_cavg_mg_l / lo.ss_cavg_mg_l, 4.0, 0.01);
    gs_drug_free(d);
}

/* Label: Tmax within 1.5 h fasting (0.7-1.3 h in phase-1 studies, Bockbrader 2010). Half-life
 * 6.3 h (label); the issue asks 5.5-7 h at normal renal function, checked at Shoji's typical
 * CrCl of 86 mL/min and at 90 mL/min, the lower limit of normal (KDIGO G1). At CrCl >= 107 the
 * Shoji model gives 5.0 h (its cap), shorter than the label; docs/model.md says so. */
static void tmax_and_half_life(void **state)
{
    (void)state;
    gs_drug *d = load_drug("pregabalin");
    const double crcl[] = {86, 90};
    for (int i = 0; i < 2; i++) {
        struct gs_model m = model_at_crcl(d, crcl[i]);
        struct gs_summary s = single(&m, 150);
        assert_true(s.tmax_h <= 1.5);
        assert_between(s.tmax_h, 0.5, 1.3);
        assert_between(s.half_life_h, 5.5, 7.0);
        /* steady state within 24-48 h (label): 90 % of it well inside 48 h */
        assert_true(s.t90_ss_h <= 48.0);
    }
    gs_drug_free(d);
}

/* Label: CL/F nearly proportional to CrCl; the renal table halves the dose when CrCl halves
 * below 60. In the model, steady-state Cavg at 30 mL/min is twice that at 60 mL/min. */
static void renal_function_scales_exposure(void **state)
{
    (void)state;
    gs_drug *d = load_drug("pregabalin");
    struct gs_model m60 = model_at_crcl(d, 60), m30 = model_at_crcl(d, 30);
    struct gs_summary a = single(&m60, 150), b = single(&m30, 150);
    assert_rel(b.ss_cavg_mg_l / a.ss_cavg_mg_l, 2.0, 1e-6);
    gs_drug_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exposure_proportional_to_dose),
        cmocka_unit_test(tmax_and_half_life),
        cmocka_unit_test(renal_function_scales_exposure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
