/* test_comparators.c - the back-pain comparators (duloxetine, tizanidine, baclofen) against the
 * published values their drug files were built from.
 *
 * Sources, as tabulated in docs/reference.md section 7:
 * - duloxetine (7.1): Lilly SmPC (Tmax ~6 h, absorption starting ~2 h, enteric-coated; F ~50 %),
 *   Knadler et al., Clin Pharmacokinet 2011;50:281 (t1/2 ~12 h, range 8-17 h; V ~1640 L;
 *   steady-state Cmax ~47 ng/mL at 40 mg BID and ~110 ng/mL at 80 mg BID).
 * - tizanidine (7.2): Zanaflex label (F ~40 %, Tmax ~1 h (confidence C), t1/2 ~2.5 h,
 *   Vd ~2.4 L/kg (confidence C)); Granfors et al., Clin Pharmacol Ther 2004 (t1/2 1.5 h, control).
 * - baclofen (7.3): Clin Pharmacol Ther 1985;38:251 (CL/F 180 mL/min, Varea/F 59 L,
 *   dose-proportional); monographs (Tmax 0.5-3 h, t1/2 2.5-4 h, 70-80 % renal); Wuis et al.,
 *   Eur J Clin Pharmacol 1989 (CLR ~ CrCl); J Clin Pharmacol 2014 (CKD dose reductions).
 *
 * Values the files derive (ka from Tmax, CL from V and t1/2, the baclofen CrCl exponent) are
 * explained in their "source" strings and "assumptions". All three models are linear, so the
 * dose-proportionality checks are exact (1e-6). */
#include "../test_util.h"

static const struct gs_sim_options opt = GS_SIM_OPTIONS_DEFAULT;

/* A single dose at t = 0 (profile on a 0.1-h grid to 72 h); the steady state is of the same
 * dose every `ii` h. The profile goes to *prof if prof is non-NULL (caller releases). */
static struct gs_summary single(const struct gs_model *m, double dose, double ii,
                                struct gs_profile *prof)
{
    struct gs_event_list ev = repeated_doses(dose, ii, 1);
    size_t n = 721;
    double *t = grid(0.0, 72.0, n);
    struct gs_profile p = GS_PROFILE_INIT;
    struct gs_summary s;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_simulate(m, &ev, t, n, &opt, &p, &err), GS_OK);
    assert_int_equal(
        gs_summarize(&(struct gs_summary_request){m, &ev, &p, dose, ii, GS_CMT_DEPOT, &opt}, &s,
                     &err),
        GS_OK);
    /* mass balance and non-negative amounts hold in every simulation (1e-6 relative) */
    assert_true(s.mass_balance_error <= 1e-6);
    assert_true(s.min_amount_mg >= 0.0);
    if (prof)
        *prof = p;
    else
        gs_simulate_profile_release(&p);
    gs_free(t);
    gs_event_list_release(&ev);
    return s;
}

/* Linear models: AUC (to infinity) and Cmax are exactly proportional to dose; checked at
 * 1e-6 relative (the closed-form solution's error is far below that). */
static void check_dose_proportional(const char *name, double lo_mg, double hi_mg, double ii)
{
    gs_drug *d = load_drug(name);
    struct gs_model m = model_at_crcl(d, 100);
    struct gs_summary lo = single(&m, lo_mg, ii, NULL), hi = single(&m, hi_mg, ii, NULL);
    assert_rel(hi.auc_mg_h_l / lo.auc_mg_h_l, hi_mg / lo_mg, 1e-6);
    assert_rel(hi.cmax_mg_l / lo.cmax_mg_l, hi_mg / lo_mg, 1e-6);
    assert_rel(hi.ss_cavg_mg_l / lo.ss_cavg_mg_l, hi_mg / lo_mg, 1e-6);
    gs_drug_free(d);
}

/* Duloxetine 30 -> 60 mg (the CLBP titration); tizanidine 2 -> 8 mg (start dose -> the label's
 * hypotension study dose); baclofen 5 -> 20 mg (1985 study: dose-proportional). */
static void exposure_proportional_to_dose(void **state)
{
    (void)state;
    check_dose_proportional("duloxetine", 30, 60, 24);
    check_dose_proportional("tizanidine", 2, 8, 8);
    check_dose_proportional("baclofen", 5, 20, 8);
}

/* Duloxetine, SmPC: Tmax ~6 h, the value ka was derived to reproduce (with the 2-h lag); the
 * published value is given to the nearest hour, so [5.5, 6.5] h is accepted. Half-life: within
 * Knadler 2011's 8-17 h range, and within 0.5 h of its ~12 h mean (rounded to the hour).
 * Absorption starts at ~2 h (enteric coating): no drug in plasma at 1.9 h, some at 2.1 h. */
static void duloxetine_tmax_half_life_and_lag(void **state)
{
    (void)state;
    gs_drug *d = load_drug("duloxetine");
    struct gs_model m = model_at_crcl(d, 100);
    struct gs_profile p;
    struct gs_summary s = single(&m, 60, 24, &p);
    assert_between(s.tmax_h, 5.5, 6.5);
    assert_between(s.half_life_h, 8.0, 17.0);
    assert_between(s.half_life_h, 11.5, 12.5);
    assert_rel(p.t_h[19], 1.9, 1e-12);
    assert_true(p.conc_mg_l[19] == 0.0);
    assert_rel(p.t_h[21], 2.1, 1e-12);
    assert_true(p.conc_mg_l[21] > 0.0);
    gs_simulate_profile_release(&p);
    gs_drug_free(d);
}

/* Duloxetine, Knadler 2011: steady-state Cmax ~47 ng/mL at 40 mg BID and ~110 ng/mL at 80 mg
 * BID. These means come from subjects with 50-60 % between-subject variability and were not
 * used to build the file, so +-30 % is accepted (the model: ~41 and ~83 ng/mL; the observed
 * Cmax rose 2.3-fold for a 2-fold dose, which no linear model follows). The check supports
 * reading V ~1640 L as V/F: V = 1640 L with F = 0.5 would give about half (~21 and ~41). */
static void duloxetine_steady_state_cmax(void **state)
{
    (void)state;
    gs_drug *d = load_drug("duloxetine");
    struct gs_model m = model_at_crcl(d, 100);
    struct gs_summary a = single(&m, 40, 12, NULL), b = single(&m, 80, 12, NULL);
    assert_between(a.ss_cmax_mg_l, 0.7 * 0.047, 1.3 * 0.047);
    assert_between(b.ss_cmax_mg_l, 0.7 * 0.110, 1.3 * 0.110);
    gs_drug_free(d);
}

/* Tizanidine, label: Tmax ~1 h (tablet, fasting; confidence C), the value ka was derived to
 * reproduce; "~1 h" is taken as 0.75-1.25 h. Half-life: published values span 1.5 h (Granfors
 * 2004 control arm) to ~2.5 h (label, rounded to 0.5 h, so up to 2.75 h). With F = 0.40 the
 * AUC of a single dose is F x dose / CL exactly (linear model), CL = ln 2 x 168 L / 2.5 h. */
static void tizanidine_tmax_half_life_and_bioavailability(void **state)
{
    (void)state;
    gs_drug *d = load_drug("tizanidine");
    struct gs_model m = model_at_crcl(d, 100);
    struct gs_summary s = single(&m, 4, 8, NULL);
    assert_between(s.tmax_h, 0.75, 1.25);
    assert_between(s.half_life_h, 1.5, 2.75);
    assert_rel(s.half_life_h, 2.5, 0.01);
    assert_rel(s.volume_l, 2.4 * 70.0, 1e-9);
    assert_rel(s.auc_mg_h_l, 0.40 * 4.0 / s.clearance_l_h, 1e-6);
    gs_drug_free(d);
}

/* Baclofen, monographs: Tmax 0.5-3 h and plasma half-life 2.5-4 h, both published as ranges
 * and accepted over the whole range (no tolerance added). The model's half-life is the 1985
 * study's ln 2 x Varea/F / (CL/F) = ln 2 x 59 / 10.8 = 3.79 h at the reference CrCl. */
static void baclofen_tmax_and_half_life(void **state)
{
    (void)state;
    gs_drug *d = load_drug("baclofen");
    struct gs_model m = model_at_crcl(d, 100);
    struct gs_summary s = single(&m, 10, 8, NULL);
    assert_between(s.tmax_h, 0.5, 3.0);
    assert_between(s.half_life_h, 2.5, 4.0);
    assert_rel(s.clearance_l_h, 180.0 * 60.0 / 1000.0, 1e-9);
    gs_drug_free(d);
}

/* Baclofen: 70-80 % renal with CLR ~ CrCl (Wuis 1989), modelled as CL/F = 10.8 L/h x
 * (CrCl/100)^0.75 (the exponent is the renal fraction; see the drug file's assumptions).
 * Clearance falls with CrCl exactly as documented, and steady-state exposure rises inversely. */
static void baclofen_clearance_falls_with_crcl(void **state)
{
    (void)state;
    gs_drug *d = load_drug("baclofen");
    const double crcl[] = {120, 100, 80, 60, 40, 20};
    double prev = INFINITY;
    for (int i = 0; i < 6; i++) {
        struct gs_model m = model_at_crcl(d, crcl[i]);
        struct gs_summary s = single(&m, 10, 8, NULL);
        assert_rel(s.clearance_l_h, 10.8 * pow(crcl[i] / 100.0, 0.75), 1e-9);
        assert_true(s.clearance_l_h < prev);
        prev = s.clearance_l_h;
    }
    struct gs_model m100 = model_at_crcl(d, 100), m50 = model_at_crcl(d, 50);
    struct gs_summary a = single(&m100, 10, 8, NULL), b = single(&m50, 10, 8, NULL);
    assert_rel(b.ss_cavg_mg_l / a.ss_cavg_mg_l, pow(2.0, 0.75), 1e-6);
    gs_drug_free(d);
}

/* Consistency with the CKD study (J Clin Pharmacol 2014; confidence C for the author): doses
 * reduced by ~1/3, 1/2 and 2/3 in mild, moderate and severe impairment, i.e. exposure at equal
 * dose x1.5, x2 and x3. The reference gives no CrCl limits for the categories; ASSUMED here
 * CrCl 65, 40 and 20 mL/min (midpoints of 50-80 and 30-50, and a value below 30). The power law
 * gives x1.38, x1.99 and x3.34: within 15 %, the precision of "about 1/3, 1/2, 2/3". */
static void baclofen_matches_ckd_dose_reductions(void **state)
{
    (void)state;
    gs_drug *d = load_drug("baclofen");
    const double crcl[] = {65, 40, 20}, fold[] = {1.5, 2.0, 3.0};
    struct gs_model ref = model_at_crcl(d, 100);
    struct gs_summary r = single(&ref, 10, 8, NULL);
    for (int i = 0; i < 3; i++) {
        struct gs_model m = model_at_crcl(d, crcl[i]);
        struct gs_summary s = single(&m, 10, 8, NULL);
        assert_rel(s.auc_mg_h_l / r.auc_mg_h_l, fold[i], 0.15);
    }
    gs_drug_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exposure_proportional_to_dose),
        cmocka_unit_test(duloxetine_tmax_half_life_and_lag),
        cmocka_unit_test(duloxetine_steady_state_cmax),
        cmocka_unit_test(tizanidine_tmax_half_life_and_bioavailability),
        cmocka_unit_test(baclofen_tmax_and_half_life),
        cmocka_unit_test(baclofen_clearance_falls_with_crcl),
        cmocka_unit_test(baclofen_matches_ckd_dose_reductions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
