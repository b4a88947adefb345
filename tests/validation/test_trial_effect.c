/* test_trial_effect.c - the small-trial MMRM under a real drug effect (issue 11 item 2, the
 * follow-up of test_trial_null.c): bias of the estimated difference at the last visit and
 * coverage of its 95 % interval, against a truth measured on one very large trial.
 *
 * Designs, from the published CLBP design (examples/clbp-gabapentin-trial.json, Atkinson 2016:
 * gabapentin forced to 3600 mg/day against placebo, 12 weeks, the calibrated dropout), with
 * small arms:
 *
 *   small-8:        8 per arm, the example's dropout and its 8 visits;
 *   small-8-heavy:  8 per arm, heavy dropout (lack of efficacy 5 % per visit from week 2, 6 %
 *                   lost per week: about 60 % do not complete, as test_trial_null.c), 8 visits;
 *   small-4:        4 per arm, the example's dropout and visits;
 *   small-4-heavy:  4 per arm, the heavy dropout, visits at weeks 3, 6, 9 and 12.
 *
 * The truth: the difference drug minus placebo in the mean change from baseline at week 12 had
 * everyone stayed (the estimand MMRM targets when dropout is at random), measured on one trial of
 * the same design with --truth-n per arm (20000 here, SE about 0.02; 100000, the library's
 * maximum, in bench/trial_effect.sh, SE 0.009) and every dropout mechanism off (adverse-event,
 * lack-of-efficacy and loss to follow-up probabilities 0), analysed by ANCOVA on baseline
 * (complete data: the last visit's ANCOVA is the MMRM contrast there), its SE printed beside it
 * and added to the bias's Monte Carlo SE (the plain difference of mean changes is printed too).
 * It is replicate 999999 of the seed, sharing no participant with the replicates 0 .. R - 1.
 *
 * Each design is run R times (the example's seed, alpha 0.05 two-sided) with MMRM as the trials
 * run it by default (analysis.mmrm_auto: fewer than 20 per arm reach the last visit here, so
 * heterogeneous compound symmetry with the CR2 sandwich on its Satterthwaite df, docs/trial.md
 * "Small trials"; every analysed replicate is checked to have used it) and, with --all, the
 * unstructured covariance with Kenward-Roger (fixed; --un-reps replicates), mostly not estimable
 * on these designs (counted, left out). Printed for each: mean bias with its Monte Carlo SE,
 * coverage of the 95 % interval with its Monte Carlo SE sqrt(c (1 - c) / m) over the m
 * analysable replicates, the mean reported SE against the SD of the estimates (and 1.4826 x
 * their median absolute deviation, which a few wild estimates do not dominate), and power.
 *
 * Checked (the quick version in `make test`: R = 1000, small-8 and small-8-heavy, 9 s at load 8):
 * on small-8 the coverage count lies in the central 99.9 % of Binomial(m, 0.95) (926 to 971 of
 * 1000); on small-8-heavy, where the long run measured 0.925 and 0.922 (MC SE 0.003), not the
 * nominal 0.95, it is at least the 0.05 % quantile of Binomial(m, 0.922) (789 of 886): a check
 * that the coverage is no worse than measured. Each check is a 0.05 to 0.1 % false alarm.
 * With the CR2 adjustment removed (the plain "CR0" sandwich, A_i = I, on the same df) both fail:
 * 0.895 and 0.849. Bias is printed, not checked: within its Monte Carlo SE on every design
 * (docs/trial.md, "Under a real effect"). The long version is bench/trial_effect.sh
 * (`test_trial_effect --all --reps 10000 --un-reps 1000 --truth-n 100000`, and --effect upper
 * for the pain effect's upper 95 % end). */
#include <gsl/gsl_cdf.h>
#include <stdlib.h>
#include <time.h>

#include "../test_util.h"
#include "gabasim/datafile.h"
#include "gabasim/mmrm.h"
#include "gabasim/threads.h"
#include "gabasim/trial.h"

static long n_reps = 1000;
static long un_reps = 0; /* --un-reps: replicates of the unstructured fit (0: n_reps) */
static long truth_n = 20000;
static int threads = 0;
static int all = 0;             /* --all: unstructured + Kenward-Roger too, every design */
static const char *only = NULL; /* --designs: comma-separated names */

/* small-8-heavy's coverage measured by bench/trial_effect.sh, 10000 replicates: 0.9248 and
 * 0.9220 (Monte Carlo SE 0.0028) with the calibrated effect and its upper end; the lower */
#define HEAVY_COVERAGE 0.922

static int effect_level = GS_EFFECT_CENTRAL; /* --effect upper: Emax at its 95 % upper end */

enum { SMALL_8, SMALL_8_HEAVY, SMALL_4, SMALL_4_HEAVY, N_DESIGNS };
static const char *const dname[N_DESIGNS] = {"small-8", "small-8-heavy", "small-4",
                                             "small-4-heavy"};

/* The central 99.9 % of Binomial(n, a) for the count: [lo, hi]. */
static void acceptance(long n, double a, long *lo, long *hi)
{
    long k = 0;
    while (gsl_cdf_binomial_P((unsigned)k, a, (unsigned)n) <= 0.0005)
        k++;
    *lo = k;
    while (gsl_cdf_binomial_P((unsigned)k, a, (unsigned)n) < 0.9995)
        k++;
    *hi = k;
}

static void design(struct gs_trial_spec *s, int which)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/../examples/clbp-gabapentin-trial.json", gs_datafile_dir());
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_trial_spec_load(s, path, &err), GS_OK);
    assert_int_equal(s->arm[0].type, GS_ARM_DRUG);
    const long n = which == SMALL_4_HEAVY || which == SMALL_4 ? 4 : 8;
    s->arm[0].n = s->arm[1].n = n;
    s->effect = (enum gs_effect_level)effect_level;
    if (which == SMALL_8_HEAVY || which == SMALL_4_HEAVY) {
        s->loe_per_visit = 0.05;
        s->loe_after_week = 2;
        s->loss_per_week = 0.06;
    }
    if (which == SMALL_4_HEAVY) {
        s->n_visits = 4;
        for (int v = 0; v < 4; v++)
            s->visit_week[v] = 3 * (v + 1);
    }
    s->method = GS_METHOD_MMRM;
    s->imputation = GS_IMPUTE_COMPLETERS;
    s->alpha = 0.05;
    s->sided = 2;
    s->mmrm_auto = 1;
    s->mmrm_cov = GS_MMRM_COV_UNSTRUCTURED;
    s->mmrm_df = GS_MMRM_DF_KENWARD_ROGER;
}

/* The truth for a design: ANCOVA on one trial of truth_n per arm without dropout. */
static void truth(int which, double *est, double *se, double *diff_means)
{
    struct gs_trial_spec s;
    design(&s, which);
    s.arm[0].n = s.arm[1].n = truth_n;
    s.ae_discontinue = s.ae_background = s.loe_per_visit = s.loss_per_week = 0.0;
    s.method = GS_METHOD_ANCOVA;
    s.mmrm_auto = 0;
    struct gs_error err = GS_ERROR_INIT;
    gs_trial *t = NULL;
    if (gs_trial_create(&t, &s, &err) != GS_OK)
        fail_msg("%s", err.msg);
    struct gs_trial_result r = GS_TRIAL_RESULT_INIT;
    if (gs_trial_run(t, GS_TRIAL_MAX_REPS - 1, 0, &r, &err) != GS_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(r.arm[0].completed, truth_n);
    assert_int_equal(r.arm[1].completed, truth_n);
    *est = r.primary.effect;
    *se = r.primary.se;
    *diff_means = r.arm[0].change_mean - r.arm[1].change_mean;
    gs_trial_result_release(&r);
    gs_trial_free(t);
}

struct rep {
    double est, lo, hi, se;
    int status, cov, df, significant;
};

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One design and inference: returns 1 when checked and outside the interval. */
static int run(int which, int fixed_un, double delta, double delta_se)
{
    const long reps = fixed_un && un_reps > 0 && un_reps < n_reps ? un_reps : n_reps;
    struct gs_trial_spec s;
    design(&s, which);
    if (fixed_un)
        s.mmrm_auto = 0; /* unstructured + Kenward-Roger, whatever the data */
    struct gs_error err = GS_ERROR_INIT;
    gs_trial *t = NULL;
    if (gs_trial_create(&t, &s, &err) != GS_OK)
        fail_msg("%s", err.msg);
    struct rep *out = calloc((size_t)reps, sizeof *out);
    assert_non_null(out);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int nt = threads > 0 ? threads : gs_threads_resolve(0);
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
    for (long i = 0; i < reps; i++) {
        struct gs_trial_result r = GS_TRIAL_RESULT_INIT;
        struct gs_error e = GS_ERROR_INIT;
        gs_status st = gs_trial_run(t, i, 0, &r, &e);
        out[i].status = (int)st;
        if (st == GS_OK)
            out[i] = (struct rep){r.primary.effect, r.primary.ci_lo, r.primary.ci_hi,
                                  r.primary.se,     GS_OK,           r.mmrm_cov,
                                  r.mmrm_df,        r.significant};
        gs_trial_result_release(&r);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long m = 0, cover = 0, unsupported = 0, solver = 0, other = 0, not_rule = 0, sig = 0;
    double mean = 0.0, m2 = 0.0, se_sum = 0.0;
    for (long i = 0; i < reps; i++) {
        const struct rep *o = &out[i];
        if (o->status != GS_OK) {
            unsupported += o->status == GS_UNSUPPORTED;
            solver += o->status == GS_SOLVER;
            other += o->status != GS_UNSUPPORTED && o->status != GS_SOLVER;
            continue;
        }
        m++;
        double d = o->est - mean;
        mean += d / (double)m;
        m2 += d * (o->est - mean);
        se_sum += o->se;
        cover += o->lo <= delta && delta <= o->hi;
        sig += o->significant;
        not_rule += !fixed_un && (o->cov != GS_MMRM_COV_CSH || o->df != GS_MMRM_DF_CR2);
    }
    /* a spread that a few wild estimates (a replicate with one or two completers) do not
     * dominate: 1.4826 x the median absolute deviation, the SD for normal estimates */
    double *e = malloc((size_t)(m ? m : 1) * sizeof *e), mad = NAN;
    assert_non_null(e);
    long ne = 0;
    for (long i = 0; i < reps; i++)
        if (out[i].status == GS_OK)
            e[ne++] = out[i].est;
    if (ne > 0) {
        qsort(e, (size_t)ne, sizeof *e, cmp_double);
        const double med = 0.5 * (e[(ne - 1) / 2] + e[ne / 2]);
        for (long i = 0; i < ne; i++)
            e[i] = fabs(e[i] - med);
        qsort(e, (size_t)ne, sizeof *e, cmp_double);
        mad = 1.4826 * 0.5 * (e[(ne - 1) / 2] + e[ne / 2]);
    }
    free(e);
    free(out);
    gs_trial_free(t);
    const double sd = m > 1 ? sqrt(m2 / (double)(m - 1)) : NAN, c = m ? (double)cover / m : NAN;
    print_message(
        "%-14s %-22s %ld reps, %ld analysed (%ld not analysable, %ld not converged), %.1f s\n",
        dname[which], fixed_un ? "unstructured + KR" : "default rule (CSH+CR2)", reps, m,
        unsupported, solver + other,
        (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    print_message("    bias %+.4f +/- %.4f (mean %.4f, truth %.4f); coverage %.4f +/- %.4f; "
                  "mean SE %.3f, SD %.3f (MAD-based %.3f); power %.4f\n",
                  mean - delta, sqrt(sd * sd / (double)m + delta_se * delta_se), mean, delta, c,
                  sqrt(c * (1.0 - c) / (double)m), se_sum / (double)m, sd, mad, (double)sig / m);
    if (fixed_un || which == SMALL_4 || which == SMALL_4_HEAVY)
        return 0; /* printed, not checked (docs/trial.md: below 0.95 with 4 per arm) */
    /* small-8: nominal, the central 99.9 % of Binomial(m, 0.95); small-8-heavy: no worse than
     * measured, at least the 0.05 % quantile of Binomial(m, HEAVY_COVERAGE) */
    long lo, hi;
    acceptance(m, which == SMALL_8 ? 0.95 : HEAVY_COVERAGE, &lo, &hi);
    if (which != SMALL_8)
        hi = m;
    const int ok = cover >= lo && cover <= hi && not_rule == 0 && other == 0 && m * 10 >= reps;
    print_message("    coverage %ld of %ld, accepted %ld to %ld (%s)%s%s\n", cover, m, lo, hi,
                  which == SMALL_8 ? "nominal 0.95" : "at least the measured 0.922",
                  not_rule ? "; some replicates did not use CSH + CR2" : "", ok ? "" : "  OUTSIDE");
    return !ok;
}

/* Whether `name` is one of the comma-separated names of `list`. */
static int listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
        if (!strncmp(p, name, n) && (p[n] == ',' || p[n] == '\0'))
            return 1;
    return 0;
}

static void effect_designs(void **state)
{
    (void)state;
    int failures = 0;
    double delta[2] = {NAN, NAN}, delta_se[2] = {NAN, NAN}; /* 8 visits, 4 visits */
    for (int dz = 0; dz < N_DESIGNS; dz++) {
        if (only ? !listed(only, dname[dz]) : (!all && dz != SMALL_8 && dz != SMALL_8_HEAVY))
            continue;
        const int k = dz == SMALL_4_HEAVY;
        if (isnan(delta[k])) {
            double dm;
            truth(dz, &delta[k], &delta_se[k], &dm);
            print_message("truth (%d visits): %ld per arm, no dropout: ANCOVA %.4f (SE %.4f), "
                          "difference of mean changes %.4f\n",
                          k ? 4 : 8, truth_n, delta[k], delta_se[k], dm);
        }
        failures += run(dz, 0, delta[k], delta_se[k]);
        if (all)
            run(dz, 1, delta[k], delta_se[k]);
    }
    if (failures)
        fail_msg("%d coverage checks outside the Monte Carlo interval of 0.95", failures);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--reps") && i + 1 < argc)
            n_reps = atol(argv[++i]);
        else if (!strcmp(argv[i], "--un-reps") && i + 1 < argc)
            un_reps = atol(argv[++i]);
        else if (!strcmp(argv[i], "--truth-n") && i + 1 < argc)
            truth_n = atol(argv[++i]);
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--designs") && i + 1 < argc)
            only = argv[++i];
        else if (!strcmp(argv[i], "--all"))
            all = 1;
        else if (!strcmp(argv[i], "--effect") && i + 1 < argc && !strcmp(argv[i + 1], "upper"))
            effect_level = GS_EFFECT_UPPER, i++;
        else {
            fprintf(stderr,
                    "usage: %s [--reps N] [--un-reps N] [--truth-n N] [--threads T] [--designs "
                    "A,B] [--all]\n",
                    argv[0]);
            return 2;
        }
    }
    if (n_reps < 100 || n_reps > 1000000 || truth_n < 1000 || truth_n > GS_TRIAL_MAX_ARM_N) {
        fprintf(stderr, "--reps: 100 to 1000000; --truth-n: 1000 to %d\n", GS_TRIAL_MAX_ARM_N);
        return 2;
    }
    const struct CMUnitTest tests[] = {cmocka_unit_test(effect_designs)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
