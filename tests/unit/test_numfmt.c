/* test_numfmt.c - the fast %g formatter against printf over 1.2 million values of every
 * magnitude, including constructed rounding-boundary cases: identical text. */
#include <stdlib.h>

#include "../test_util.h"

static void agrees_with_printf(void **state)
{
    (void)state;
    gs_rng r;
    gs_rng_seed(&r, 11, 0);
    const int sigs[3] = {6, 10, 12};
    long differ = 0, total = 0;
    for (int si = 0; si < 3; si++)
        for (int i = 0; i < 400000; i++) {
            double mag = pow(10.0, -12.0 + 24.0 * gs_rng_uniform(&r));
            double v = (i % 7 == 0 ? -1.0 : 1.0) * mag;
            if (i % 11 == 0) /* round numbers and halfway-looking ones */
                v = floor(mag * 1000.0 + 0.5) / 1000.0 + (i % 3) * 0.0005;
            char a[64], b[64];
            gs_report_fmt_g(a, sizeof a, v, sigs[si]);
            snprintf(b, sizeof b, "%.*g", sigs[si], v);
            total++;
            if (strcmp(a, b) != 0) {
                if (differ++ < 5)
                    print_error("%.17g with %d digits: '%s', printf '%s'\n", v, sigs[si], a, b);
            }
        }
    assert_int_equal(differ, 0);
    assert_int_equal(total, 1200000);
    char s[64];
    gs_report_fmt_g(s, sizeof s, 0.0, 6);
    assert_string_equal(s, "0");
    gs_report_fmt_g(s, sizeof s, NAN, 6);
    assert_string_equal(s, "nan");
    gs_report_fmt_g(s, sizeof s, 9.9999996, 6);
    assert_string_equal(s, "10");
    gs_report_fmt_g(s, sizeof s, 123456789.0, 6);
    assert_string_equal(s, "1.23457e+08");
    gs_report_fmt_g(s, sizeof s, 0.000123456, 6);
    assert_string_equal(s, "0.000123456");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(agrees_with_printf)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
