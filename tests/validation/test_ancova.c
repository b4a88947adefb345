/* test_ancova.c - gs_ancova: the pooled t test worked by hand, then ANCOVA against R's lm() and
 * confint() on a 108-participant data set (the size of Atkinson 2016) when Rscript is present
 * (`make test` installs R with metafor). Tolerance 1e-8 relative: both are exact least squares,
 * so only rounding separates them. */
#include <stdlib.h>
#include <unistd.h>

#include "../test_util.h"
#include "gabasim/ancova.h"

static void t_test_by_hand(void **state)
{
    (void)state;
    /* arms {1,2,3} and {4,5,6}: difference 3, pooled variance (2 + 2)/4 = 1,
     * SE sqrt(1/3 + 1/3), t = 3/SE on 4 df */
    const double y[6] = {1, 2, 3, 4, 5, 6};
    const int arm[6] = {0, 0, 0, 1, 1, 1};
    struct gs_ancova_result r;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_ancova(y, arm, NULL, 6, 0.95, &r, &err), GS_OK);
    assert_rel(r.effect, 3, 1e-14);
    assert_rel(r.se, sqrt(2.0 / 3), 1e-14);
    assert_rel(r.t, 3 / sqrt(2.0 / 3), 1e-14);
    assert_int_equal(r.df, 4);
    /* qt(0.975, 4) = 2.776445105 (tables) */
    assert_rel(r.ci_hi - r.effect, 2.776445105 * sqrt(2.0 / 3), 1e-9);
    /* a baseline equal to the outcome explains it all within arms: effect 0 (arms balanced) */
    const double b[6] = {1, 2, 3, 1, 2, 3}, y2[6] = {1, 2, 3, 2, 3, 4};
    assert_int_equal(gs_ancova(y2, arm, b, 6, 0.95, &r, &err), GS_OK);
    assert_rel(r.effect, 1, 1e-12);
    assert_true(r.se < 1e-6);
}

static void bad_input(void **state)
{
    (void)state;
    struct gs_ancova_result r;
    struct gs_error err = GS_ERROR_INIT;
    const double y[4] = {1, 2, 3, 4}, flat[6] = {5, 5, 5, 5, 5, 5}, y6[6] = {1, 2, 3, 4, 5, 6};
    const int arm[4] = {0, 0, 1, 2}, arm6[6] = {0, 0, 0, 1, 1, 1};
    assert_int_equal(gs_ancova(y, arm, NULL, 4, 0.95, &r, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "participant 4"));
    assert_int_equal(gs_ancova(y6, arm6, flat, 6, 0.95, &r, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "baseline"));
    assert_int_equal(gs_ancova(y6, arm6, NULL, 6, 0, &r, &err), GS_INPUT);
    const int two[4] = {0, 1, 1, 1};
    assert_int_equal(gs_ancova(y, two, NULL, 4, 0.95, &r, &err), GS_INPUT);
}

static void against_r_lm(void **state)
{
    (void)state;
    if (system("Rscript -e 'invisible(0)' > /dev/null 2>&1") != 0) {
        print_message("Rscript not installed: comparison skipped (make test installs it)\n");
        skip();
    }
    enum { N = 108 };
    double y[N], b[N];
    int arm[N];
    gs_rng g;
    gs_rng_seed(&g, 2016, 0);
    char csv[] = "/tmp/gs-ancova-XXXXXX", res[] = "/tmp/gs-ancova-res-XXXXXX";
    int fd = mkstemp(csv), fr = mkstemp(res);
    assert_true(fd >= 0 && fr >= 0);
    close(fr);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "y,arm,base\n");
    for (int i = 0; i < N; i++) {
        arm[i] = i < 55; /* 55 gabapentin, 53 placebo */
        b[i] = 6.5 + 1.5 * gs_rng_normal(&g);
        y[i] = -1.0 - 0.3 * arm[i] + 0.4 * (b[i] - 6.5) + 1.8 * gs_rng_normal(&g);
        fprintf(f, "%.17g,%d,%.17g\n", y[i], arm[i], b[i]);
    }
    fclose(f);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "Rscript -e \"d <- read.csv('%s'); m <- lm(y ~ arm + base, d); "
             "s <- summary(m)\\$coefficients['arm', ]; ci <- confint(m)['arm', ]; "
             "write(format(c(s, ci, summary(m)\\$sigma), digits = 17), '%s')\" > /dev/null 2>&1",
             csv, res);
    assert_int_equal(system(cmd), 0);
    double ref[7];
    FILE *in = fopen(res, "r");
    assert_non_null(in);
    for (int j = 0; j < 7; j++)
        assert_int_equal(fscanf(in, "%lf", &ref[j]), 1);
    fclose(in);
    unlink(csv);
    unlink(res);
    struct gs_ancova_result r;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_ancova(y, arm, b, N, 0.95, &r, &err), GS_OK);
    /* lm: Estimate, Std. Error, t value, Pr(>|t|); confint 2.5 %, 97.5 %; sigma */
    assert_rel(r.effect, ref[0], 1e-8);
    assert_rel(r.se, ref[1], 1e-8);
    assert_rel(r.t, ref[2], 1e-8);
    assert_rel(r.p, ref[3], 1e-8);
    assert_rel(r.ci_lo, ref[4], 1e-8);
    assert_rel(r.ci_hi, ref[5], 1e-8);
    assert_rel(r.sigma, ref[6], 1e-8);
    assert_int_equal(r.df, N - 3);
    print_message("ANCOVA effect %.10g (R lm %.10g), p %.6g (R %.6g)\n", r.effect, ref[0], r.p,
                  ref[3]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_test_by_hand),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(against_r_lm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
