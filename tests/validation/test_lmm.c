/* test_lmm.c - gs_lmm_ri, the repeated-measures (random-intercept, REML) analysis of the virtual
 * trials, against R's nlme::lme on the same data: 108 participants (Atkinson 2016's size), 8
 * visits, dropout. Runs when Rscript with nlme is present (`make test` installs r-cran-nlme).
 * Tolerance 1e-6 relative: both maximise the same restricted likelihood, each to its own
 * optimiser's tolerance, and the estimates depend on the variance ratio only through a smooth
 * function. */
#include <stdlib.h>
#include <unistd.h>

#include "../test_util.h"
#include "gabasim/lmm.h"
#include "gabasim/rng.h"

enum { M = 108, V = 8, MAXN = M * V };

struct data {
    double y[MAXN], base[MAXN];
    int arm[MAXN], visit[MAXN];
    long id[MAXN];
    size_t n;
};

/* Participants with a random intercept (SD 1.1), residual SD 1.0, a treatment effect that grows
 * over the visits, and dropout after a random visit for a third of them. Rows are shuffled so
 * the fit cannot rely on participants' rows being adjacent. */
static void make_sd(struct data *d, uint64_t seed, double tau, double sigma)
{
    gs_rng g;
    gs_rng_seed(&g, seed, 0);
    d->n = 0;
    for (long i = 0; i < M; i++) {
        int arm = i < 55;
        double b = 6.3 + 1.5 * gs_rng_normal(&g), u = tau * gs_rng_normal(&g);
        int last = gs_rng_uniform(&g) < 0.33 ? (int)(gs_rng_uniform(&g) * V) : V;
        for (int v = 0; v < last; v++) {
            size_t k = d->n++;
            d->y[k] = -0.2 * (v + 1) - 0.05 * arm * (v + 1) - 0.3 * (b - 6.3) + u +
                      sigma * gs_rng_normal(&g);
            d->base[k] = b;
            d->arm[k] = arm;
            d->visit[k] = v + 1 == V ? 0 : v + 1; /* the last visit is the reference */
            d->id[k] = 1000 + 7 * i;
        }
    }
    for (size_t k = d->n - 1; k > 0; k--) {
        size_t j = (size_t)(gs_rng_uniform(&g) * (double)(k + 1));
        j = j > k ? k : j;
#define SWAP(T, a)                                                                                 \
    do {                                                                                           \
        T t_ = d->a[k];                                                                            \
        d->a[k] = d->a[j];                                                                         \
        d->a[j] = t_;                                                                              \
    } while (0)
        SWAP(double, y);
        SWAP(double, base);
        SWAP(int, arm);
        SWAP(int, visit);
        SWAP(long, id);
#undef SWAP
    }
}

/* The request for d's observations at the 95 % level. */
static struct gs_lmm_ri_request request_of(const struct data *d)
{
    struct gs_lmm_ri_request req = GS_LMM_RI_REQUEST_INIT;
    req.y = d->y, req.arm = d->arm, req.baseline = d->base, req.visit = d->visit;
    req.n_visits = V, req.id = d->id, req.n = d->n;
    return req;
}

static void make(struct data *d, uint64_t seed)
{
    make_sd(d, seed, 1.1, 1.0);
}

static void against_nlme(void **state)
{
    (void)state;
    if (system("Rscript -e 'library(nlme)' > /dev/null 2>&1") != 0) {
        print_message("Rscript with nlme not installed: comparison skipped (make test installs "
                      "it)\n");
        skip();
    }
    static struct data d;
    /* seeds 1-3: tau 1.1, sigma 1; seed 4: tau 30, sigma 0.01 (a variance ratio of 9e6, past
     * the first search grid) */
    for (uint64_t seed = 1; seed <= 4; seed++) {
        if (seed < 4)
            make(&d, seed);
        else
            make_sd(&d, seed, 30.0, 0.01);
        char csv[] = "/tmp/gs-lmm-XXXXXX", res[] = "/tmp/gs-lmm-res-XXXXXX";
        int fd = mkstemp(csv), fr = mkstemp(res);
        assert_true(fd >= 0 && fr >= 0);
        close(fr);
        FILE *f = fdopen(fd, "w");
        fprintf(f, "y,arm,base,visit,id\n");
        for (size_t k = 0; k < d.n; k++)
            fprintf(f, "%.17g,%d,%.17g,%d,%ld\n", d.y[k], d.arm[k], d.base[k], d.visit[k], d.id[k]);
        fclose(f);
        char cmd[1024];
        snprintf(cmd, sizeof cmd,
                 "Rscript -e \"suppressMessages(library(nlme)); d <- read.csv('%s'); "
                 "d\\$visit <- factor(d\\$visit); "
                 "m <- lme(y ~ arm * visit + base, random = ~1 | id, data = d, method = 'REML', "
                 "control = lmeControl(tolerance = 1e-12, msTol = 1e-12, niterEM = 100)); "
                 "s <- summary(m)\\$tTable['arm', ]; "
                 "write(format(c(s, m\\$sigma, as.numeric(VarCorr(m)[1, 2]), "
                 "as.numeric(logLik(m))), digits = 17), '%s')\" > /dev/null 2>&1",
                 csv, res);
        assert_int_equal(system(cmd), 0);
        double ref[8];
        FILE *in = fopen(res, "r");
        assert_non_null(in);
        for (int j = 0; j < 8; j++)
            assert_int_equal(fscanf(in, "%lf", &ref[j]), 1);
        fclose(in);
        unlink(csv);
        unlink(res);
        struct gs_lmm_result r;
        struct gs_error err = GS_ERROR_INIT;
        const struct gs_lmm_ri_request req = request_of(&d);
        assert_int_equal(gs_lmm_ri(&req, &r, &err), GS_OK);
        /* tTable: Value, Std.Error, DF, t-value, p-value; then sigma, tau, REML logLik */
        print_message("seed %d: effect %.10g (nlme %.10g), se %.8g (%.8g), p %.6g (%.6g), "
                      "tau %.6g (%.6g), REML loglik %.10g (%.10g)\n",
                      (int)seed, r.effect, ref[0], r.se, ref[1], r.p, ref[4], r.tau, ref[6],
                      r.reml_loglik, ref[7]);
        /* at a variance ratio of 9e6 (seed 4) the likelihood is nearly flat in the ratio, so
         * the two optimisers stop at slightly different points: there gabasim must reach at
         * least nlme's likelihood, and agree to 1e-4 */
        double tol = seed < 4 ? 1e-6 : 1e-4;
        if (seed == 4)
            assert_true(r.reml_loglik >= ref[7] - 1e-9 * fabs(ref[7]));
        assert_rel(r.effect, ref[0], tol);
        assert_rel(r.se, ref[1], tol);
        assert_int_equal(r.df, (int)ref[2]);
        assert_rel(r.t, ref[3], tol);
        assert_rel(r.p, ref[4], tol);
        assert_rel(r.sigma, ref[5], tol);
        assert_rel(r.tau, ref[6], tol);
        assert_rel(r.reml_loglik, ref[7], seed < 4 ? 1e-8 : 1e-6);
    }
}

static void bad_input(void **state)
{
    (void)state;
    static struct data d;
    make(&d, 4);
    struct gs_lmm_result r;
    struct gs_error err = GS_ERROR_INIT;
    /* nobody treated at the reference visit */
    for (size_t k = 0; k < d.n; k++)
        if (d.visit[k] == 0)
            d.arm[k] = 0;
    struct gs_lmm_ri_request req = request_of(&d);
    assert_int_equal(gs_lmm_ri(&req, &r, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "reference"));
    make(&d, 4);
    d.visit[3] = V; /* out of range */
    req = request_of(&d);
    assert_int_equal(gs_lmm_ri(&req, &r, &err), GS_INPUT);
    make(&d, 4);
    struct gs_lmm_ri_request few = request_of(&d);
    few.n = 3;
    assert_int_equal(gs_lmm_ri(&few, &r, &err), GS_INPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(against_nlme),
        cmocka_unit_test(bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
