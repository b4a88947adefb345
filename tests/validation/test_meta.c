/* test_meta.c - gs_meta_*: closed-form cases worked by hand, then every statistic against R's
 * metafor (rma.uni, escalc) on the same data when Rscript and metafor are installed (`make test`
 * installs them). The tolerance is 1e-6 relative; metafor's REML is run with a 1e-12
 * convergence threshold so both sides report the exact root rather than a stopping point. */
#include <stdlib.h>
#include <unistd.h>

#include "../test_util.h"
#include "gabasim/meta.h"

static void fixed_effect_by_hand(void **state)
{
    (void)state;
    const double y[2] = {0, 1}, v[2] = {1, 1};
    struct gs_meta_result r;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(
        gs_meta_pool(&(struct gs_meta_pool_request){y, v, 2, GS_META_FIXED, 0, 0.95}, &r, &err),
        GS_OK);
    assert_rel(r.est, 0.5, 1e-15);
    assert_rel(r.se, sqrt(0.5), 1e-15);
    assert_rel(r.q, 0.5, 1e-15);
    assert_rel(r.ci_hi - r.est, 1.959963984540054 * sqrt(0.5), 1e-12);
    assert_true(r.i2 == 0.0); /* Q < df */
}

static void dl_and_reml_by_hand(void **state)
{
    (void)state;
    struct gs_meta_result r;
    struct gs_error err = GS_ERROR_INIT;
    /* DL, y = (0, 2), v = 1: Q = 2, tau2 = (2 - 1)/(2 - 2/2) = 1, weights 1/2: est 1, se 1;
     * s2 = 1 * 2/(4 - 2) = 1, so I2 = 50 % */
    const double y2[2] = {0, 2}, v2[2] = {1, 1};
    assert_int_equal(
        gs_meta_pool(&(struct gs_meta_pool_request){y2, v2, 2, GS_META_DL, 0, 0.95}, &r, &err),
        GS_OK);
    assert_rel(r.tau2, 1, 1e-15);
    assert_rel(r.est, 1, 1e-15);
    assert_rel(r.se, 1, 1e-15);
    assert_rel(r.i2, 50, 1e-13);
    /* REML with equal variances: tau2 = sample variance - v = 4 - 1 = 3 for y = (0, 2, 4) */
    const double y3[3] = {0, 2, 4}, v3[3] = {1, 1, 1};
    assert_int_equal(
        gs_meta_pool(&(struct gs_meta_pool_request){y3, v3, 3, GS_META_REML, 0, 0.95}, &r, &err),
        GS_OK);
    assert_rel(r.tau2, 3, 1e-10);
    assert_rel(r.est, 2, 1e-14);
    /* Hartung-Knapp with equal weights: var = sum r^2/(k - 1)/k = 8/2/3 */
    assert_int_equal(
        gs_meta_pool(&(struct gs_meta_pool_request){y3, v3, 3, GS_META_REML, 1, 0.95}, &r, &err),
        GS_OK);
    assert_rel(r.se, sqrt(8.0 / 2 / 3), 1e-10);
    assert_int_equal(r.df, 2);
    /* heterogeneity below the sampling variance: tau2 truncated at 0 */
    const double y4[3] = {0, 0.1, 0.2};
    assert_int_equal(
        gs_meta_pool(&(struct gs_meta_pool_request){y4, v3, 3, GS_META_REML, 0, 0.95}, &r, &err),
        GS_OK);
    assert_true(r.tau2 == 0.0);
}

static void bad_input(void **state)
{
    (void)state;
    struct gs_meta_result r;
    struct gs_error err = GS_ERROR_INIT;
    const double y[2] = {0, 1}, v[2] = {1, 0};
    assert_int_equal(
        gs_meta_pool(&(struct gs_meta_pool_request){y, v, 2, GS_META_DL, 0, 0.95}, &r, &err),
        GS_INPUT);
    assert_non_null(strstr(err.msg, "study 2"));
    assert_int_equal(
        gs_meta_pool(&(struct gs_meta_pool_request){y, v, 0, GS_META_DL, 0, 0.95}, &r, &err),
        GS_INPUT);
    assert_int_equal(
        gs_meta_pool(&(struct gs_meta_pool_request){y, v, 1, GS_META_DL, 0, 1.5}, &r, &err),
        GS_INPUT);
    assert_int_equal(
        gs_meta_pool(&(struct gs_meta_pool_request){y, v, 1, GS_META_FIXED, 1, 0.95}, &r, &err),
        GS_INPUT);
    double yi, vi;
    assert_int_equal(gs_meta_logrr(0, 10, 0, 12, &yi, &vi, &err), GS_UNSUPPORTED);
    assert_int_equal(gs_meta_logrr(11, 10, 0, 12, &yi, &vi, &err), GS_INPUT);
    assert_int_equal(gs_meta_md(&(struct gs_meta_md_request){1, 0, 10, 1, 1, 10}, &yi, &vi, &err),
                     GS_INPUT);
    /* a zero cell gets 1/2 in every cell: log((0.5/11)/(3.5/13)), 1/0.5 - 1/11 + 1/3.5 - 1/13 */
    assert_int_equal(gs_meta_logrr(0, 10, 3, 12, &yi, &vi, &err), GS_OK);
    assert_rel(yi, log((0.5 / 11) / (3.5 / 13)), 1e-14);
    assert_rel(vi, 1 / 0.5 - 1 / 11.0 + 1 / 3.5 - 1 / 13.0, 1e-14);
}

/* The BCG vaccine trials (Colditz 1994; metafor's dat.bcg) as events/N, plus one trial with a
 * zero cell, and a set of mean differences with visible heterogeneity. */
static const double bcg[][4] = {
    {4, 123, 11, 139},       {6, 306, 29, 303},        {3, 231, 11, 220},
    {62, 13598, 248, 12867}, {33, 5069, 47, 5808},     {180, 1541, 372, 1451},
    {8, 2545, 10, 629},      {505, 88391, 499, 88391}, {29, 7499, 45, 7277},
    {17, 1716, 65, 1665},    {186, 50634, 141, 27338}, {5, 2498, 3, 2341},
    {27, 16913, 29, 17854},  {0, 40, 4, 41},
};
static const double mds[][6] = {
    {-1.2, 2.1, 55, -0.9, 2.3, 53},   {-2.0, 1.8, 120, -1.1, 2.0, 118},
    {-0.3, 2.5, 40, -0.5, 2.4, 42},   {-1.6, 2.2, 75, -0.4, 2.1, 80},
    {-0.8, 1.9, 200, -0.7, 2.0, 205},
};

static int have_metafor(void)
{
    return system("Rscript -e 'suppressMessages(library(metafor))' > /dev/null 2>&1") == 0;
}

/* Runs metafor on the data written to `csv` (columns a1,n1,a2,n2 or m1,sd1,n1,m2,sd2,n2) and
 * reads back est se ci.lb ci.ub pval tau2 I2 H2 QE QEp pi.lb pi.ub for each of the five fits
 * (FE, DL, REML, DL+knha, REML+knha). */
static int metafor(const char *csv, int rr, double out[6][12])
{
    char script[] = "/tmp/gs-meta-XXXXXX", res[] = "/tmp/gs-meta-res-XXXXXX";
    int fd = mkstemp(script), fr = mkstemp(res);
    if (fd < 0 || fr < 0)
        return -1;
    close(fr);
    FILE *f = fdopen(fd, "w");
    fprintf(
        f,
        "suppressMessages(library(metafor))\nd <- read.csv('%s')\n%s\n"
        "ctl <- list(threshold = 1e-12, maxiter = 10000)\n"
        "fits <- list(rma(yi, vi, data = e, method = 'FE'),\n"
        "  rma(yi, vi, data = e, method = 'DL'),\n"
        "  rma(yi, vi, data = e, method = 'REML', control = ctl),\n"
        "  rma(yi, vi, data = e, method = 'DL', test = 'knha'),\n"
        "  rma(yi, vi, data = e, method = 'REML', test = 'knha', control = ctl))\n"
        "if ('a1' %%in%% names(d)) fits[[6]] <- rma.mh(ai = a1, n1i = n1, ci = a2, n2i = n2, "
        "data = d, measure = 'RR')\n"
        "g <- function(x) if (is.null(x)) NA else x[1]\n"
        "o <- t(sapply(fits, function(m) { p <- predict(m);\n"
        "  c(g(m$b), g(m$se), g(m$ci.lb), g(m$ci.ub), g(m$pval), g(m$tau2), g(m$I2), g(m$H2),\n"
        "    g(m$QE), g(m$QEp), g(if (is.null(p$pi.lb)) p$ci.lb else p$pi.lb),\n"
        "    g(if (is.null(p$pi.ub)) p$ci.ub else p$pi.ub)) }))\n"
        "write.table(format(o, digits = 17), '%s', row.names = FALSE, col.names = FALSE, "
        "quote = FALSE)\n",
        csv,
        rr ? "e <- escalc('RR', ai = a1, n1i = n1, ci = a2, n2i = n2, data = d)"
           : "e <- escalc('MD', m1i = m1, sd1i = sd1, n1i = n1, m2i = m2, sd2i = sd2, n2i = n2, "
             "data = d)",
        res);
    fclose(f);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "Rscript %s > /dev/null 2>&1", script);
    int rc = system(cmd);
    unlink(script);
    FILE *in = fopen(res, "r");
    int n = 0;
    for (int i = 0; in && i < 5 + rr; i++)
        for (int j = 0; j < 12; j++)
            n += fscanf(in, "%lf", &out[i][j]) == 1;
    if (in)
        fclose(in);
    unlink(res);
    return rc == 0 && n == 12 * (5 + rr) ? 0 : -1;
}

static void compare(const double *y, const double *v, size_t k, double ref[6][12])
{
    const enum gs_meta_method m[5] = {GS_META_FIXED, GS_META_DL, GS_META_REML, GS_META_DL,
                                      GS_META_REML};
    for (int i = 0; i < 5; i++) {
        struct gs_meta_result r;
        struct gs_error err = GS_ERROR_INIT;
        assert_int_equal(
            gs_meta_pool(&(struct gs_meta_pool_request){y, v, k, m[i], i >= 3, 0.95}, &r, &err),
            GS_OK);
        const double got[12] = {r.est, r.se, r.ci_lo, r.ci_hi, r.p,     r.tau2,
                                r.i2,  r.h2, r.q,     r.q_p,   r.pi_lo, r.pi_hi};
        if (i == 2)
            print_message("k = %zu, REML: est %.10g (metafor %.10g), tau2 %.10g (metafor %.10g)\n",
                          k, r.est, ref[i][0], r.tau2, ref[i][5]);
        for (int j = 0; j < 12; j++) {
            double tol = 1e-6 * fabs(ref[i][j]) + 1e-12; /* absolute floor for a tau2 of 0 */
            if (!(fabs(got[j] - ref[i][j]) <= tol)) {
                print_error("fit %d statistic %d: gabasim %.12g, metafor %.12g\n", i, j, got[j],
                            ref[i][j]);
                fail();
            }
        }
    }
}

static void against_metafor(void **state)
{
    (void)state;
    if (!have_metafor()) {
        print_message("R metafor not installed: comparison skipped (make test installs it)\n");
        skip();
    }
    char csv[] = "/tmp/gs-meta-csv-XXXXXX";
    int fd = mkstemp(csv);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "a1,n1,a2,n2\n");
    size_t k = sizeof bcg / sizeof *bcg;
    double y[16], v[16];
    struct gs_error err = GS_ERROR_INIT;
    for (size_t i = 0; i < k; i++) {
        fprintf(f, "%g,%g,%g,%g\n", bcg[i][0], bcg[i][1], bcg[i][2], bcg[i][3]);
        assert_int_equal(
            gs_meta_logrr(bcg[i][0], bcg[i][1], bcg[i][2], bcg[i][3], &y[i], &v[i], &err), GS_OK);
    }
    fclose(f);
    double ref[6][12];
    assert_int_equal(metafor(csv, 1, ref), 0);
    compare(y, v, k, ref);
    /* Mantel-Haenszel: estimate, SE, CI and p against rma.mh */
    double a1[16], n1[16], a2[16], n2[16];
    for (size_t i = 0; i < k; i++)
        a1[i] = bcg[i][0], n1[i] = bcg[i][1], a2[i] = bcg[i][2], n2[i] = bcg[i][3];
    struct gs_meta_result mh;
    assert_int_equal(
        gs_meta_mh_rr(&(struct gs_meta_mh_rr_request){a1, n1, a2, n2, k, 0.95}, &mh, &err), GS_OK);
    const double got[5] = {mh.est, mh.se, mh.ci_lo, mh.ci_hi, mh.p};
    for (int j = 0; j < 5; j++)
        assert_rel(got[j], ref[5][j], 1e-6);
    print_message("Mantel-Haenszel log RR %.10g (metafor %.10g)\n", mh.est, ref[5][0]);

    f = fopen(csv, "w");
    fprintf(f, "m1,sd1,n1,m2,sd2,n2\n");
    k = sizeof mds / sizeof *mds;
    for (size_t i = 0; i < k; i++) {
        const double *s = mds[i];
        fprintf(f, "%g,%g,%g,%g,%g,%g\n", s[0], s[1], s[2], s[3], s[4], s[5]);
        assert_int_equal(
            gs_meta_md(&(struct gs_meta_md_request){s[0], s[1], s[2], s[3], s[4], s[5]}, &y[i],
                       &v[i], &err),
            GS_OK);
    }
    fclose(f);
    assert_int_equal(metafor(csv, 0, ref), 0);
    compare(y, v, k, ref);
    unlink(csv);
}

/* A study table in memory: the BCG rows (with its zero-cell trial) plus one trial without events
 * in either arm. */
static void bcg_table(struct gs_studies *t, struct gs_study *rows)
{
    size_t k = sizeof bcg / sizeof *bcg;
    for (size_t i = 0; i < k; i++) {
        rows[i] = (struct gs_study){{0}, {bcg[i][0], bcg[i][1], bcg[i][2], bcg[i][3]}, i + 2};
        snprintf(rows[i].name, sizeof rows[i].name, "trial %zu", i + 1);
    }
    rows[k] = (struct gs_study){"no events", {0, 30, 0, 31}, k + 2};
    *t = (struct gs_studies){.kind = GS_STUDIES_RR, .study = rows, .n = k + 1};
}

/* gs_meta_analyse is the lower-level calls assembled: each study's log RR from gs_meta_logrr,
 * the two models from gs_meta_pool, Mantel-Haenszel from gs_meta_mh_rr over every study; the
 * study without events is dropped and named; the weights are 1/(v + tau2) normalised. */
static void analyse_equals_the_parts(void **state)
{
    (void)state;
    struct gs_study rows[16];
    struct gs_studies t;
    bcg_table(&t, rows);
    const size_t k = t.n - 1;
    struct gs_error err = GS_ERROR_INIT;
    struct gs_meta_request req = GS_META_REQUEST_INIT;
    req.studies = &t;
    req.origin = "bcg";
    req.method = GS_META_DL;
    req.hk = 1;
    req.level = 0.9;
    struct gs_meta_analysis *m = NULL;
    assert_int_equal(gs_meta_analyse(&req, &m, &err), GS_OK);
    assert_int_equal(m->k, k);
    assert_true(m->ratio);
    assert_string_equal(m->measure, "risk ratio");
    assert_int_equal(m->n_dropped, 1);
    assert_string_equal(m->dropped[0].name, "no events");
    assert_int_equal(m->dropped[0].line, t.n + 1);

    double y[16], v[16], a1[16], n1[16], a2[16], n2[16];
    for (size_t i = 0; i < t.n; i++) {
        a1[i] = rows[i].v[0], n1[i] = rows[i].v[1], a2[i] = rows[i].v[2], n2[i] = rows[i].v[3];
        if (i < k)
            assert_int_equal(gs_meta_logrr(a1[i], n1[i], a2[i], n2[i], &y[i], &v[i], &err), GS_OK);
    }
    struct gs_meta_result fe, re, mh;
    struct gs_meta_pool_request pool = GS_META_POOL_REQUEST_INIT;
    pool.yi = y, pool.vi = v, pool.k = k, pool.level = 0.9;
    pool.method = GS_META_FIXED;
    assert_int_equal(gs_meta_pool(&pool, &fe, &err), GS_OK);
    pool.method = GS_META_DL, pool.hk = 1;
    assert_int_equal(gs_meta_pool(&pool, &re, &err), GS_OK);
    struct gs_meta_mh_rr_request mhr = GS_META_MH_RR_REQUEST_INIT;
    mhr.a1 = a1, mhr.n1 = n1, mhr.a2 = a2, mhr.n2 = n2, mhr.k = t.n, mhr.level = 0.9;
    assert_int_equal(gs_meta_mh_rr(&mhr, &mh, &err), GS_OK);
    assert_memory_equal(&m->fixed, &fe, sizeof fe);
    assert_memory_equal(&m->random, &re, sizeof re);
    assert_true(m->have_mh);
    assert_memory_equal(&m->mh, &mh, sizeof mh);
    assert_int_equal(m->random.df, (int)k - 1); /* Hartung-Knapp */
    double wsum = 0, pct = 0;
    for (size_t j = 0; j < k; j++)
        wsum += 1 / (v[j] + re.tau2);
    for (size_t j = 0; j < k; j++) {
        const struct gs_meta_study *s = &m->study[j];
        assert_true(s->yi == y[j] && s->vi == v[j]);
        assert_rel(s->weight_random_pct, 100 / (v[j] + re.tau2) / wsum, 1e-13);
        /* the study interval is 95 % whatever the pooled level */
        assert_rel(s->ci95_hi - s->yi, 1.959963984540054 * sqrt(v[j]), 1e-12);
        assert_rel(s->yi - s->ci95_lo, 1.959963984540054 * sqrt(v[j]), 1e-12);
        pct += s->weight_random_pct;
    }
    assert_rel(pct, 100, 1e-12);
    gs_meta_analysis_free(m);
    gs_meta_analysis_free(NULL);

    /* the same table from a file gives the same analysis */
    char path[] = "/tmp/gs-meta-table-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "study,a1,n1,a2,n2\n");
    for (size_t i = 0; i < t.n; i++)
        fprintf(f, "%s,%g,%g,%g,%g\n", rows[i].name, a1[i], n1[i], a2[i], n2[i]);
    fclose(f);
    req.studies = NULL;
    req.path = path;
    req.origin = NULL;
    assert_int_equal(gs_meta_analyse(&req, &m, &err), GS_OK);
    unlink(path);
    assert_string_equal(m->origin, path);
    assert_memory_equal(&m->random, &re, sizeof re);
    assert_string_equal(m->study[2].name, "trial 3");
    gs_meta_analysis_free(m);
}

/* A bad request is GS_INPUT naming the field, with *out NULL. */
static void analyse_bad_request(void **state)
{
    (void)state;
    struct gs_study rows[16];
    struct gs_studies t;
    bcg_table(&t, rows);
    struct gs_error err = GS_ERROR_INIT;
    struct gs_meta_analysis *m = (struct gs_meta_analysis *)&err; /* must be reset to NULL */
    struct gs_meta_request req = GS_META_REQUEST_INIT;
    assert_int_equal(gs_meta_analyse(&req, &m, &err), GS_INPUT);
    assert_null(m);
    assert_string_equal(err.field, "path");
    req.studies = &t;
    req.method = GS_META_FIXED;
    assert_int_equal(gs_meta_analyse(&req, &m, &err), GS_INPUT);
    assert_string_equal(err.field, "method");
    req.method = GS_META_REML;
    req.level = 1.5;
    assert_int_equal(gs_meta_analyse(&req, &m, &err), GS_INPUT);
    assert_string_equal(err.field, "level");
    assert_non_null(strstr(err.msg, "1.5"));
    req.level = 0.95;
    req.hk = 1;
    t.n = 1; /* one study: Hartung-Knapp has no degrees of freedom */
    assert_int_equal(gs_meta_analyse(&req, &m, &err), GS_INPUT);
    assert_string_equal(err.field, "hk");
    t.n = 0;
    assert_int_equal(gs_meta_analyse(&req, &m, &err), GS_INPUT);
    assert_string_equal(err.field, "studies");
    /* only the study without events: nothing to pool */
    req.hk = 0;
    t.study = &rows[sizeof bcg / sizeof *bcg];
    t.n = 1;
    assert_int_equal(gs_meta_analyse(&req, &m, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "nothing to pool"));
    /* a table file that is not there is bad input, named */
    req.studies = NULL;
    req.path = "/nonexistent/gs-no-such-table.csv";
    assert_int_equal(gs_meta_analyse(&req, &m, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "gs-no-such-table.csv"));
    assert_null(m);
}

/* A zero variance leaves the CI and p undefined: said in r.undefined, never a NaN p with a
 * reason missing (issue 17). All events: the Greenland-Robins variance is 0 (every term
 * a1 n2 (n1 - a2) + a2 n1 (n2 - a1) vanishes); identical studies: the Hartung-Knapp factor is 0. */
/* One study's weight dwarfs the other's (SEs 7147 and 0.146; found by fuzzing): the textbook
 * tr(PP) cancels to 0 or below there and REML's step-halving loop never ended. metafor 3.8 gives
 * tau^2 = 0, the estimate -0.22 and SE 0.146 (rma(yi = c(-5.22, -0.22), sei = c(7147, 0.146)),
 * run by hand: it warns that the variance ratio is extreme), so the fixed-effect formulas. */
static void dominant_study_terminates(void **state)
{
    (void)state;
    const double y[2] = {-5.22, -0.22}, v[2] = {7147.0 * 7147.0, 0.146 * 0.146};
    struct gs_meta_pool_request q = GS_META_POOL_REQUEST_INIT;
    q.yi = y, q.vi = v, q.k = 2;
    struct gs_meta_result r;
    assert_int_equal(gs_meta_pool(&q, &r, NULL), GS_OK);
    assert_true(r.tau2 >= 0 && r.tau2 < 1e-12);
    /* tau^2 = 0: the inverse-variance estimate and SE, computed here from their formulas */
    const double sw = 1 / v[0] + 1 / v[1];
    assert_rel(r.est, (y[0] / v[0] + y[1] / v[1]) / sw, 1e-12);
    assert_rel(r.se, 1 / sqrt(sw), 1e-12);
}

static void zero_variance_is_undefined(void **state)
{
    (void)state;
    struct gs_error err = GS_ERROR_INIT;
    struct gs_meta_result r;
    const double a[2] = {10, 10}, n[2] = {10, 10};
    assert_int_equal(gs_meta_mh_rr(&(struct gs_meta_mh_rr_request){a, n, a, n, 2, 0.95}, &r, &err),
                     GS_OK);
    assert_non_null(r.undefined);
    assert_non_null(strstr(r.undefined, "every participant had the event"));
    assert_float_equal(r.est, 0.0, 1e-15);
    assert_float_equal(r.se, 0.0, 0.0);
    /* one event fewer in one arm: defined again */
    const double a9[2] = {9, 10};
    assert_int_equal(gs_meta_mh_rr(&(struct gs_meta_mh_rr_request){a9, n, a, n, 2, 0.95}, &r, &err),
                     GS_OK);
    assert_null(r.undefined);
    assert_true(r.p > 0 && r.p <= 1);
    const double y[2] = {0.5, 0.5}, v[2] = {0.01, 0.01};
    assert_int_equal(
        gs_meta_pool(&(struct gs_meta_pool_request){y, v, 2, GS_META_REML, 1, 0.95}, &r, &err),
        GS_OK);
    assert_non_null(r.undefined);
    assert_non_null(strstr(r.undefined, "Hartung-Knapp"));
    assert_float_equal(r.est, 0.5, 1e-15);
    /* without Hartung-Knapp the same studies have a defined CI and p */
    assert_int_equal(
        gs_meta_pool(&(struct gs_meta_pool_request){y, v, 2, GS_META_REML, 0, 0.95}, &r, &err),
        GS_OK);
    assert_null(r.undefined);
    assert_true(r.p >= 0 && r.p <= 1 && r.ci_lo < r.est && r.est < r.ci_hi);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixed_effect_by_hand),
        cmocka_unit_test(dl_and_reml_by_hand),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(against_metafor),
        cmocka_unit_test(analyse_equals_the_parts),
        cmocka_unit_test(analyse_bad_request),
        cmocka_unit_test(zero_variance_is_undefined),
        cmocka_unit_test(dominant_study_terminates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
