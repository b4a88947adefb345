/* test_pd.c - the effect compartment and binding occupancy.
 *
 * The effect-site integrator is exact for plasma that is linear between grid times, so it is
 * compared with the closed-form answers for a constant and a ramped plasma concentration to
 * 1e-12. Occupancy is checked against its definition and against the reference's point that
 * typical CSF levels are far above Kd (docs/reference.md section 4: CSF 0.4-1.8 mg/L vs Kd
 * 0.010 mg/L), so occupancy is near 1 at every clinical dose. */
#include "../test_util.h"
#include "gabasim/pd.h"

static void effect_site_exact_for_steps_and_ramps(void **state)
{
    (void)state;
    const double ke0 = 0.2;
    double t[101], cp[101], ce[101];
    for (int i = 0; i <= 100; i++) {
        t[i] = 0.3 * i;
        cp[i] = 5.0; /* constant: Ce = 5 (1 - e^-ke0 t) from 0 */
    }
    gs_pd_effect_site(t, cp, 101, ke0, 0.0, ce);
    for (int i = 0; i <= 100; i++)
        assert_true(fabs(ce[i] - 5.0 * -expm1(-ke0 * t[i])) <= 1e-12);
    for (int i = 0; i <= 100; i++)
        cp[i] = 2.0 * t[i]; /* ramp Cp = a t: Ce = a (t - (1 - e^-ke0 t)/ke0) */
    gs_pd_effect_site(t, cp, 101, ke0, 0.0, ce);
    for (int i = 0; i <= 100; i++) {
        double want = 2.0 * (t[i] + expm1(-ke0 * t[i]) / ke0);
        assert_true(fabs(ce[i] - want) <= 1e-12 * fmax(1.0, want));
    }
}

static void occupancy(void **state)
{
    (void)state;
    assert_true(gs_pd_occupancy(0.0101, 0.0101) == 0.5);
    assert_true(gs_pd_occupancy(0.0, 0.0101) == 0.0);
    gs_drug *d = load_drug("gabapentin");
    struct gs_pd_params p;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_drug_pd(d, &p, &err), GS_OK);
    /* the lowest typical CSF level of the reference (0.4 mg/L) already occupies > 97 % */
    assert_true(gs_pd_occupancy(0.4, p.kd_mg_l) > 0.97);
    gs_drug_free(d);
    /* a drug without the section says so */
    d = load_drug("pregabalin");
    assert_int_equal(gs_drug_pd(d, &p, &err), GS_UNSUPPORTED);
    assert_non_null(strstr(err.msg, "pharmacodynamics"));
    gs_drug_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(effect_site_exact_for_steps_and_ramps),
        cmocka_unit_test(occupancy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
