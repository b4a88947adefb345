/* test_decimal.c - the CSV readers' fast decimal path (src/io/decimal.c, Clinger's exact case)
 * against strtod: whenever it answers, the double is bit-identical to strtod's and strtod reads
 * the whole string without ERANGE; it never answers for a string strtod would refuse. Over random
 * printf output of every magnitude, random strings of the decimal alphabet and hand-picked edges
 * (subnormals, 1e-400, nan, inf, .5, 5., +1, signed zeros, blanks, 16+ digits, |e| > 22). */
#include <errno.h>
#include <stdlib.h>

#include "../../src/io/decimal.h"
#include "../test_util.h"

/* What the readers accept through strtod: the whole string, a finite value, no ERANGE. */
static int strtod_whole(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return end != s && *end == '\0' && errno != ERANGE && isfinite(*v);
}

static long checked, fast;

static void check(const char *s)
{
    double f = 12345.0, r;
    int ok = gs_decimal_fast(s, strlen(s), &f);
    checked++;
    if (!ok) {
        assert_true(f == 12345.0); /* nothing stored */
        return;
    }
    fast++;
    if (!strtod_whole(s, &r) || memcmp(&f, &r, sizeof f) != 0) {
        print_error("'%s': fast %.17g (%a), strtod %.17g (%a)\n", s, f, f, r, r);
        fail();
    }
}

static void edges(void **state)
{
    (void)state;
    static const char *const yes[] = {"0",
                                      "-0",
                                      "+0",
                                      "0.0",
                                      ".5",
                                      "5.",
                                      "+1",
                                      "-1",
                                      "1e5",
                                      "1E+5",
                                      "1e-5",
                                      "1.e5",
                                      "-.5",
                                      "12.5",
                                      "100",
                                      "1e22",
                                      "1e-22",
                                      "123456789012345",
                                      "0.000123456789012345",
                                      "9007199254740991e-5",
                                      "8.65",
                                      "0.1",
                                      "0.3",
                                      "1.7e-3",
                                      "4e22",
                                      "000000000000000000000001.5"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        double v;
        if (strcmp(yes[i], "9007199254740991e-5") == 0) { /* 16 digits: strtod's */
            assert_false(gs_decimal_fast(yes[i], strlen(yes[i]), &v));
            continue;
        }
        if (!gs_decimal_fast(yes[i], strlen(yes[i]), &v)) {
            print_error("'%s' not taken by the fast path\n", yes[i]);
            fail();
        }
        check(yes[i]);
    }
    double v;
    assert_true(gs_decimal_fast("-0", 2, &v) && signbit(v) && v == 0);
    assert_true(gs_decimal_fast("0.1", 3, &v) && v == 0.1);
    static const char *const no[] = {"",
                                     ".",
                                     "+",
                                     "-",
                                     "e5",
                                     ".e5",
                                     "1e",
                                     "1e+",
                                     "1e400",
                                     "1e-400",
                                     "4.9e-324",
                                     "2.2250738585072011e-308",
                                     "1e23",
                                     "1e-23",
                                     "nan",
                                     "NaN",
                                     "inf",
                                     "-inf",
                                     "infinity",
                                     "0x10",
                                     " 1",
                                     "1 ",
                                     "1\t",
                                     "1,",
                                     "1..2",
                                     "1e5e",
                                     "+-1",
                                     "--1",
                                     "1-",
                                     "1234567890123456",
                                     "0.1234567890123456",
                                     "1.7976931348623157e308",
                                     "123e-30",
                                     "1e99999999999999999999"};
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
        double w = 7.0;
        if (gs_decimal_fast(no[i], strlen(no[i]), &w)) {
            print_error("'%s' taken by the fast path: %.17g\n", no[i], w);
            fail();
        }
        assert_true(w == 7.0);
    }
    /* a length shorter than the string: only the prefix is read */
    assert_true(gs_decimal_fast("12,5", 2, &v) && v == 12.0);
    assert_false(gs_decimal_fast("12,5", 3, &v));
}

static void random_printf(void **state)
{
    (void)state;
    gs_rng r;
    gs_rng_seed(&r, 2026, 0);
    static const char *const fmts[] = {"%.*g", "%.*e", "%.*f"};
    char s[400];
    checked = fast = 0;
    for (int i = 0; i < 600000; i++) {
        double mag = pow(10.0, -30.0 + 60.0 * gs_rng_uniform(&r));
        double x = (i % 5 == 0 ? -1.0 : 1.0) * mag;
        int prec = (int)(gs_rng_uniform(&r) * 18);
        const char *fmt = fmts[i % 3];
        if (i % 3 == 2 && fabs(x) > 1e20)
            prec = prec % 3;
        snprintf(s, sizeof s, fmt, prec, x);
        check(s);
    }
    /* halfway cases: w + 1/2 ulp written out exactly, and short decimals near powers of two */
    for (int i = 0; i < 200000; i++) {
        long long w = 1 + (long long)(gs_rng_uniform(&r) * 999999999999999.0);
        int e = (int)(gs_rng_uniform(&r) * 45) - 22;
        snprintf(s, sizeof s, "%lld%se%d", w, i % 2 ? ".0" : "", e);
        check(s);
    }
    assert_true(fast > 300000); /* the fast path does take the usual values */
}

static void random_strings(void **state)
{
    (void)state;
    gs_rng r;
    gs_rng_seed(&r, 7, 0);
    static const char alphabet[] = "0123456789+-.eE0123456789.";
    char s[32];
    long taken = 0;
    for (int i = 0; i < 1000000; i++) {
        int n = 1 + (int)(gs_rng_uniform(&r) * 24);
        for (int k = 0; k < n; k++)
            s[k] = alphabet[(int)(gs_rng_uniform(&r) * (sizeof alphabet - 1))];
        s[n] = '\0';
        long before = fast;
        check(s);
        taken += fast > before;
    }
    assert_true(taken > 1000); /* some of them are numbers */
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(edges), cmocka_unit_test(random_printf),
                                       cmocka_unit_test(random_strings)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
