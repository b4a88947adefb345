/* test_pain.c - the placebo course of Plan et al. 2012 (data/pain.json): its published
 * parameters and the structure's own landmarks (start at BASE, half the placebo effect at T1/2,
 * BASE x (1 - PE) in the limit), exact to rounding. */
#include "../test_util.h"
#include "gabasim/pain.h"

static void plan_2012_placebo_course(void **state)
{
    (void)state;
    struct gs_placebo m;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_placebo_load(&m, NULL, &err), GS_OK);
    /* Plan 2012: BASE 6.21, PE 0.190, T1/2 27.7 d */
    assert_true(m.base == 6.21 && m.pe == 0.190 && m.t_half_d == 27.7);
    assert_rel(gs_placebo_pain(&m, NAN, 0.0), 6.21, 1e-15);
    assert_rel(gs_placebo_pain(&m, NAN, 27.7), 6.21 * (1 - 0.190 / 2), 1e-14);
    assert_rel(gs_placebo_pain(&m, NAN, 1e5), 6.21 * (1 - 0.190), 1e-12);
    assert_rel(gs_placebo_pain(&m, 8.0, 27.7), 8.0 * (1 - 0.190 / 2), 1e-14);
    /* monotone improvement */
    for (int d = 1; d < 200; d++)
        assert_true(gs_placebo_pain(&m, NAN, d) < gs_placebo_pain(&m, NAN, d - 1));
    /* a missing file is an error naming it */
    assert_int_equal(gs_placebo_load(&m, "/nonexistent/pain.json", &err), GS_NOTFOUND);
    assert_non_null(strstr(err.msg, "/nonexistent/pain.json"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(plan_2012_placebo_course)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
