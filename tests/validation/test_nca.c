/* test_nca.c - non-compartmental analysis and 2x2 bioequivalence against published results and
 * an independent implementation in R.
 *
 * Published results:
 * - PKNCA on R's datasets::Theoph (12 subjects, default options: linear-up/log-down, lambda_z by
 *   adjusted r^2 with tolerance 1e-4): summary printed in PKNCA's vignette "Introduction and
 *   Usage" and ?summary.PKNCAresults (PKNCA 0.11-0.12): AUClast(0-24) 74.6 [24.3], Cmax 8.65
 *   [17.0] (geometric mean [geometric CV %]), Tmax 1.14 [0.630, 3.55] (median [range]),
 *   half-life 8.18 [2.12] (mean [SD]), AUCinf,obs 115 [28.4]; subject 1 in the vignette
 *   "Half-Life Calculation": lambda_z 0.0484570, r^2 0.9999997, 3 points from 9.05 h, Clast,pred
 *   3.28, half-life 14.3, span ratio 1.07.
 * - Per-subject PKNCA aucinf.obs and cmax, and ncappc (linear-up/log-down, best adjusted r^2)
 *   lambda_z, points, adjusted r^2, AUClast, AUCinf,pred and % extrapolated, printed to 7-8
 *   digits in Bae KS, Han S et al., "R을 사용한 비구획분석" (book-ncar, chapter 13 "기타
 *   비구획분석 소프트웨어", github.com/asancpt/book-ncar docs/13-others.md). The two packages agree
 *   on every AUCinf, so the points chosen are the same.
 * - Partial AUC 0.5-11 h of Theoph subject 8, linear trapezoids: 58.26022 (Kim H, Han S, Cho YS,
 *   Yoon SK, Bae KS. Development of R packages 'NonCompart' and 'ncar' for noncompartmental
 *   analysis. Transl Clin Pharmacol 2018;26(1):10-15; the NonCompart manual's IntAUC example).
 * - 2x2 crossover NCAResult4BE of the R package BE (33 subjects): SAS 9.4 PROC GLM/MIXED
 *   results in Han S, "Validation of Bioequivalence Test Performed by BE R package" (2018-10-10):
 *   Cmax T/R 0.97984, 90 % CI 0.90136-1.06515, MSE 0.039963; AUClast 0.9540753, 0.889436-1.023412,
 *   MSE 0.02822265, 31 df.
 * Tolerances: half a unit of the last printed digit (the published numbers are rounded).
 *
 * Independent implementation: tests/validation/nca_check.R computes the same quantities in plain
 * R (loops, lm()) on 300 random profiles and a random 2x2 crossover; agreement to 1e-9 relative
 * (both sides are double precision; the regression sums differ only in rounding order). Skipped
 * when Rscript is missing.
 */
#include <stdlib.h>
#include <unistd.h>

#include "../test_util.h"
#include "gabasim/nca.h"
/* the reader's thread count and parallel threshold are module internals (nca_int.h) */
#include "../../src/nca/nca_int.h"

/* |got - want| <= half a unit of the last printed digit (`ulp`: that unit) */
#define assert_printed(got, want, ulp) assert_true(fabs((got) - (want)) <= 0.5 * (ulp) + 1e-12)

struct theoph {
    int n;
    double dose;
    double t[11], c[11];
};
static const struct theoph theoph[12] = {
    {11,
     4.02,
     {0, 0.25, 0.57, 1.12, 2.02, 3.82, 5.1, 7.03, 9.05, 12.12, 24.37},
     {0.74, 2.84, 6.57, 10.5, 9.66, 8.58, 8.36, 7.47, 6.89, 5.94, 3.28}},
    {11,
     4.40,
     {0, 0.27, 0.52, 1, 1.92, 3.5, 5.02, 7.03, 9, 12, 24.3},
     {0, 1.72, 7.91, 8.31, 8.33, 6.85, 6.08, 5.4, 4.55, 3.01, 0.9}},
    {11,
     4.53,
     {0, 0.27, 0.58, 1.02, 2.02, 3.62, 5.08, 7.07, 9, 12.15, 24.17},
     {0, 4.4, 6.9, 8.2, 7.8, 7.5, 6.2, 5.3, 4.9, 3.7, 1.05}},
    {11,
     4.40,
     {0, 0.35, 0.6, 1.07, 2.13, 3.5, 5.02, 7.02, 9.02, 11.98, 24.65},
     {0, 1.89, 4.6, 8.6, 8.38, 7.54, 6.88, 5.78, 5.33, 4.19, 1.15}},
    {11,
     5.86,
     {0, 0.3, 0.52, 1, 2.02, 3.5, 5.02, 7.02, 9.1, 12, 24.35},
     {0, 2.02, 5.63, 11.4, 9.33, 8.74, 7.56, 7.09, 5.9, 4.37, 1.57}},
    {11,
     4.00,
     {0, 0.27, 0.58, 1.15, 2.03, 3.57, 5, 7, 9.22, 12.1, 23.85},
     {0, 1.29, 3.08, 6.44, 6.32, 5.53, 4.94, 4.02, 3.46, 2.78, 0.92}},
    {11,
     4.95,
     {0, 0.25, 0.5, 1.02, 2.02, 3.48, 5, 6.98, 9, 12.05, 24.22},
     {0.15, 0.85, 2.35, 5.02, 6.58, 7.09, 6.66, 5.25, 4.39, 3.53, 1.15}},
    {11,
     4.53,
     {0, 0.25, 0.52, 0.98, 2.02, 3.53, 5.05, 7.15, 9.07, 12.1, 24.12},
     {0, 3.05, 3.05, 7.31, 7.56, 6.59, 5.88, 4.73, 4.57, 3, 1.25}},
    {11,
     3.10,
     {0, 0.3, 0.63, 1.05, 2.02, 3.53, 5.02, 7.17, 8.8, 11.6, 24.43},
     {0, 7.37, 9.03, 7.14, 6.33, 5.66, 5.67, 4.24, 4.11, 3.16, 1.12}},
    {11,
     5.50,
     {0, 0.37, 0.77, 1.02, 2.05, 3.55, 5.05, 7.08, 9.38, 12.1, 23.7},
     {0.24, 2.89, 5.22, 6.41, 7.83, 10.21, 9.18, 8.02, 7.14, 5.68, 2.42}},
    {11,
     4.92,
     {0, 0.25, 0.5, 0.98, 1.98, 3.6, 5.02, 7.03, 9.03, 12.12, 24.08},
     {0, 4.86, 7.24, 8, 6.81, 5.87, 5.22, 4.45, 3.62, 2.69, 0.86}},
    {11,
     5.30,
     {0, 0.25, 0.5, 1, 2, 3.52, 5.07, 7.07, 9.03, 12.05, 24.15},
     {0, 1.25, 3.96, 7.82, 9.72, 9.75, 8.57, 6.59, 6.11, 4.57, 1.17}}};

/* PKNCA aucinf.obs and ncappc AUCINF_pred, %extrap obs, lambda_z, points, adjusted r^2,
 * AUClast (book-ncar chapter 13) */
static const double aucinf_obs[12] = {214.92363, 97.37793,  106.12767, 114.21620,
                                      136.30473, 82.17588,  100.98763, 102.15330,
                                      97.52000,  167.86003, 86.90262,  125.83154};
static const double aucinf_pred[12] = {214.92665, 97.26879,  106.17742, 114.28088,
                                       136.13958, 82.41816,  101.10897, 101.88966,
                                       97.47735,  167.77588, 86.90059,  125.88178};
static const double pext_obs[12] = {31.494388, 8.879485,  9.657680,  10.140927,
                                    13.297688, 12.751756, 12.891086, 15.023241,
                                    13.927981, 19.232667, 10.366943, 8.432966};
static const double lambda_z[12] = {0.04845700, 0.10408644, 0.10244431, 0.09928702,
                                    0.08661888, 0.08779574, 0.08833650, 0.08145054,
                                    0.08245863, 0.07495982, 0.09545856, 0.11025949};
static const int lz_n[12] = {3, 4, 3, 3, 4, 7, 4, 6, 3, 3, 3, 3};
static const double adj_r2[12] = {0.9999995, 0.9957931, 0.9986499, 0.9978483, 0.9979708, 0.9978896,
                                  0.9980053, 0.9887655, 0.9988873, 0.9990174, 0.9999965, 0.9987936};
static const double auclast[12] = {147.23475, 88.73128, 95.87820, 102.63362, 118.17935, 71.69701,
                                   87.96923,  86.80656, 83.93744, 135.57607, 77.89347,  115.22021};
static const double cmax[12] = {10.5, 8.33, 8.2, 8.6, 11.4, 6.44, 7.09, 7.56, 9.03, 10.21, 8, 9.75};

static struct gs_nca_result run(const double *t, const double *c, size_t n, double dose,
                                const struct gs_nca_options *o)
{
    struct gs_nca_result r;
    struct gs_error err = GS_ERROR_INIT;
    if (gs_nca_profile(t, c, NULL, n, dose, o, NULL, &r, &err) != GS_OK) {
        print_error("%s\n", err.msg);
        fail();
    }
    return r;
}

static void theoph_subjects(void **state)
{
    (void)state;
    struct gs_nca_options o = GS_NCA_OPTIONS_INIT;
    for (int s = 0; s < 12; s++) {
        struct gs_nca_result r = run(theoph[s].t, theoph[s].c, 11, theoph[s].dose, &o);
        assert_printed(r.aucinf_obs, aucinf_obs[s], 1e-5);
        assert_printed(r.aucinf_pred, aucinf_pred[s], 1e-5);
        assert_printed(r.pct_extrap_obs, pext_obs[s], 1e-6);
        assert_printed(r.lambda_z, lambda_z[s], 1e-8);
        assert_printed(r.adj_r2, adj_r2[s], 1e-7);
        assert_printed(r.auclast, auclast[s], 1e-5);
        assert_int_equal(r.lz_n, lz_n[s]);
        assert_true(r.cmax == cmax[s]);
        /* CL/F and Vz/F by their definitions (dose in mg/kg) */
        assert_rel(r.cl_f, theoph[s].dose / r.aucinf_obs, 1e-15);
        assert_rel(r.vz_f, theoph[s].dose / (r.lambda_z * r.aucinf_obs), 1e-15);
    }
    /* subject 1, PKNCA half-life vignette */
    struct gs_nca_result r = run(theoph[0].t, theoph[0].c, 11, NAN, &o);
    assert_printed(r.lambda_z, 0.0484570, 1e-7);
    assert_printed(r.r2, 0.9999997, 1e-7);
    assert_true(r.lz_tfirst_h == 9.05 && r.lz_n == 3);
    assert_printed(r.clast_pred, 3.28, 0.01);
    assert_printed(r.half_life_h, 14.3, 0.1);
    assert_printed(r.span_ratio, 1.07, 0.01);
    assert_true(isnan(r.cl_f)); /* no dose */
}

static void theoph_summary(void **state)
{
    (void)state;
    struct gs_nca_options o = GS_NCA_OPTIONS_INIT;
    double auc24[12], cm[12], tm[12], hl[12], ai[12], scratch[12];
    for (int s = 0; s < 12; s++) {
        struct gs_nca_result r = run(theoph[s].t, theoph[s].c, 11, theoph[s].dose, &o);
        cm[s] = r.cmax, tm[s] = r.tmax_h, hl[s] = r.half_life_h, ai[s] = r.aucinf_obs;
        /* PKNCA's auclast over [0, 24]: the samples up to 24 h */
        size_t n = 0;
        while (n < 11 && theoph[s].t[n] <= 24)
            n++;
        auc24[s] = run(theoph[s].t, theoph[s].c, n, theoph[s].dose, &o).auclast;
    }
    struct gs_nca_stats st;
    gs_nca_stats(auc24, 12, scratch, &st);
    assert_printed(st.gmean, 74.6, 0.1);
    assert_printed(st.gcv_pct, 24.3, 0.1);
    gs_nca_stats(cm, 12, scratch, &st);
    assert_printed(st.gmean, 8.65, 0.01);
    assert_printed(st.gcv_pct, 17.0, 0.1);
    gs_nca_stats(tm, 12, scratch, &st);
    assert_printed(st.median, 1.14, 0.01);
    assert_true(st.min == 0.63 && st.max == 3.55);
    gs_nca_stats(hl, 12, scratch, &st);
    assert_printed(st.mean, 8.18, 0.01);
    assert_printed(st.sd, 2.12, 0.01);
    gs_nca_stats(ai, 12, scratch, &st);
    assert_printed(st.gmean, 115, 1);
    assert_printed(st.gcv_pct, 28.4, 0.1);
    assert_int_equal(st.n, 12);
}

static void partial_auc_kim2018(void **state)
{
    (void)state;
    struct gs_nca_options o = GS_NCA_OPTIONS_INIT;
    o.method = GS_NCA_LINEAR;
    o.n_intervals = 1;
    o.interval_start_h[0] = 0.5, o.interval_end_h[0] = 11;
    struct gs_nca_result r = run(theoph[7].t, theoph[7].c, 11, theoph[7].dose, &o);
    assert_printed(r.auc_interval[0], 58.26022, 1e-5);
}

/* C = 10 exp(-0.2 t) (an IV bolus): log-down trapezoids are exact, lambda_z is 0.2 exactly, the
 * extrapolations are exact; an interval past Tlast uses the fitted line. */
static void exponential_exact(void **state)
{
    (void)state;
    const double k = 0.2, t[6] = {0, 1, 2, 4, 8, 12};
    double c[6];
    for (int i = 0; i < 6; i++)
        c[i] = 10 * exp(-k * t[i]);
    struct gs_nca_options o = GS_NCA_OPTIONS_INIT;
    o.allow_tmax = 1;
    o.n_intervals = 2;
    o.interval_start_h[0] = 3, o.interval_end_h[0] = 20;
    o.interval_start_h[1] = 0, o.interval_end_h[1] = INFINITY;
    struct gs_nca_result r = run(t, c, 6, 100, &o);
    assert_rel(r.lambda_z, k, 1e-12);
    assert_rel(r.auclast, 10 / k * (1 - exp(-k * 12)), 1e-12);
    assert_rel(r.aucinf_obs, 50, 1e-12);
    assert_rel(r.aucinf_pred, 50, 1e-12);
    assert_rel(r.auc_interval[0], 10 / k * (exp(-k * 3) - exp(-k * 20)), 1e-12);
    assert_rel(r.auc_interval[1], 50, 1e-12);
    assert_rel(r.cl_f, 2, 1e-12);
    assert_rel(r.vz_f, 10, 1e-12);
    /* all points fit exactly: the most points win; the dose-time sample never enters */
    assert_int_equal(r.lz_n, 5);
    /* a peak at 1 h: the Tmax point enters only when allowed */
    const double c2[6] = {0, c[1], c[2], c[3], c[4], c[5]};
    assert_int_equal(run(t, c2, 6, 100, &o).lz_n, 5);
    o.allow_tmax = 0;
    assert_int_equal(run(t, c2, 6, 100, &o).lz_n, 4);
    /* linear trapezoids overestimate a convex decline */
    o.method = GS_NCA_LINEAR;
    assert_true(run(t, c, 6, 100, &o).auclast > 10 / k * (1 - exp(-k * 12)));
}

/* Steady state of the same bolus every tau = 12 h: C(t) = C0 exp(-k t), C0 = 10 / (1 - e^-k tau)
 * gives AUCtau = dose / CL = 50, Cavg = 50 / 12, accumulation 1 / (1 - e^-k tau). */
static void steady_state_exact(void **state)
{
    (void)state;
    const double k = 0.2, tau = 12, acc = 1 / (1 - exp(-k * tau)), t[6] = {0, 1, 2, 4, 8, 12};
    double c[6];
    for (int i = 0; i < 6; i++)
        c[i] = 10 * acc * exp(-k * t[i]);
    struct gs_nca_options o = GS_NCA_OPTIONS_INIT;
    o.tau_h = tau;
    o.allow_tmax = 1;
    struct gs_nca_result r = run(t, c, 6, 100, &o);
    assert_rel(r.auctau, 50, 1e-12);
    assert_rel(r.cavg, 50 / tau, 1e-12);
    assert_rel(r.cmin, c[5], 1e-15);
    assert_rel(r.clss_f, 2, 1e-12);
    assert_rel(r.accumulation, acc, 1e-12);
    assert_rel(r.fluctuation_pct, 100 * (c[0] - c[5]) / (50 / tau), 1e-12);
    assert_rel(r.vz_f, 10, 1e-12);
    assert_true(isnan(r.cl_f));
    /* without the sample at the dose time, the profile starts at Cmin (WinNonlin's rule) */
    r = run(t + 1, c + 1, 5, 100, &o);
    assert_rel(r.cmin, c[5], 1e-15);
    assert_rel(r.auctau, 50 - (c[0] - c[1]) / k + 0.5 * (c[5] + c[1]) * 1, 1e-9);
}

/* PKNCA's BLQ positions: leading BLQ kept as 0, middle dropped, trailing kept as 0; each
 * configurable. */
static void blq_rules(void **state)
{
    (void)state;
    const double t[7] = {0, 1, 2, 3, 4, 6, 8}, c[7] = {0, 4, 8, 0, 4, 2, 0.05};
    struct gs_nca_options o = GS_NCA_OPTIONS_INIT;
    o.lloq = 0.1; /* 0.05 at 8 h is BLQ (last) */
    struct gs_nca_result r = run(t, c, 7, 10, &o);
    assert_int_equal(r.n_blq, 3);
    assert_int_equal(r.n_used, 6); /* the middle 0 dropped */
    assert_true(r.tlast_h == 6 && r.clast == 2);
    double want = 0.5 * 4 + 0.5 * 12 + (8 - 4) / log(2.0) * 2 + (4 - 2) / log(2.0) * 2;
    assert_rel(r.auclast, want, 1e-14);
    o.blq_middle = GS_NCA_BLQ_ZERO; /* 8 -> 0 -> 4: linear both ways (0 is not > 0) */
    r = run(t, c, 7, 10, &o);
    want = 0.5 * 4 + 0.5 * 12 + 0.5 * 8 + 0.5 * 4 + (4 - 2) / log(2.0) * 2;
    assert_rel(r.auclast, want, 1e-14);
    o.blq_first = GS_NCA_BLQ_DROP; /* the 0 at 0 h dropped: C = 0 at 0 h is put back */
    assert_rel(run(t, c, 7, 10, &o).auclast, want, 1e-14);
    /* nothing measurable */
    const double z[3] = {0, 0, 0};
    r = run(t, z, 3, 10, &o);
    assert_true(r.cmax == 0 && r.auclast == 0 && isnan(r.lambda_z));
}

static const struct {
    const char *subj, *seq;
    int per;
    const char *trt;
    double auclast, cmax;
} be[66] = {{"1", "RT", 1, "R", 5018.927, 1043.13},
            {"1", "RT", 2, "T", 6737.507, 894.21},
            {"2", "TR", 1, "T", 4373.970, 447.26},
            {"2", "TR", 2, "R", 6164.276, 783.92},
            {"4", "TR", 1, "T", 5592.993, 824.42},
            {"4", "TR", 2, "R", 5958.160, 646.31},
            {"5", "TR", 1, "T", 3902.590, 803.70},
            {"5", "TR", 2, "R", 4620.156, 955.30},
            {"6", "RT", 1, "R", 3735.274, 995.34},
            {"6", "RT", 2, "T", 4257.802, 816.33},
            {"7", "RT", 1, "R", 4314.993, 608.99},
            {"7", "RT", 2, "T", 5030.372, 806.57},
            {"8", "RT", 1, "R", 6053.098, 1283.67},
            {"8", "RT", 2, "T", 5790.067, 822.95},
            {"9", "RT", 1, "R", 4602.582, 679.39},
            {"9", "RT", 2, "T", 6042.462, 556.55},
            {"10", "RT", 1, "R", 8848.988, 1136.91},
            {"10", "RT", 2, "T", 7349.822, 1082.79},
            {"11", "TR", 1, "T", 3054.096, 547.73},
            {"11", "TR", 2, "R", 4719.175, 984.69},
            {"13", "RT", 1, "R", 4828.682, 615.17},
            {"13", "RT", 2, "T", 4175.434, 692.26},
            {"14", "RT", 1, "R", 4566.275, 864.56},
            {"14", "RT", 2, "T", 5042.649, 1122.75},
            {"15", "TR", 1, "T", 4950.980, 719.40},
            {"15", "TR", 2, "R", 4959.554, 660.17},
            {"16", "RT", 1, "R", 4577.432, 609.64},
            {"16", "RT", 2, "T", 4773.723, 807.65},
            {"17", "RT", 1, "R", 6462.652, 861.56},
            {"17", "RT", 2, "T", 5246.032, 1187.75},
            {"18", "TR", 1, "T", 4754.625, 919.87},
            {"18", "TR", 2, "R", 3214.809, 1042.84},
            {"19", "TR", 1, "T", 7619.304, 1089.84},
            {"19", "TR", 2, "R", 5210.569, 1127.94},
            {"20", "TR", 1, "T", 5063.471, 1191.46},
            {"20", "TR", 2, "R", 6406.634, 1069.19},
            {"21", "RT", 1, "R", 5580.289, 742.67},
            {"21", "RT", 2, "T", 6304.119, 447.85},
            {"22", "RT", 1, "R", 4398.887, 682.73},
            {"22", "RT", 2, "T", 3760.359, 669.01},
            {"23", "TR", 1, "T", 5141.165, 937.02},
            {"23", "TR", 2, "R", 5835.275, 894.72},
            {"24", "TR", 1, "T", 4343.439, 713.57},
            {"24", "TR", 2, "R", 2848.448, 811.83},
            {"25", "TR", 1, "T", 3983.260, 1160.32},
            {"25", "TR", 2, "R", 3476.389, 769.63},
            {"27", "TR", 1, "T", 5772.972, 1219.56},
            {"27", "TR", 2, "R", 7673.260, 1063.29},
            {"28", "RT", 1, "R", 5679.039, 650.24},
            {"28", "RT", 2, "T", 5160.875, 891.63},
            {"29", "TR", 1, "T", 4800.455, 770.63},
            {"29", "TR", 2, "R", 5772.925, 738.17},
            {"30", "RT", 1, "R", 4722.324, 1034.11},
            {"30", "RT", 2, "T", 2896.939, 569.22},
            {"31", "RT", 1, "R", 8032.393, 1043.82},
            {"31", "RT", 2, "T", 6076.359, 1141.43},
            {"32", "TR", 1, "T", 4245.372, 608.93},
            {"32", "TR", 2, "R", 4745.770, 539.66},
            {"33", "TR", 1, "T", 3648.195, 856.18},
            {"33", "TR", 2, "R", 3356.777, 647.95},
            {"34", "TR", 1, "T", 5015.499, 739.42},
            {"34", "TR", 2, "R", 6325.746, 682.41},
            {"35", "RT", 1, "R", 6259.347, 1020.55},
            {"35", "RT", 2, "T", 5802.468, 835.87},
            {"36", "RT", 1, "R", 4669.384, 682.87},
            {"36", "RT", 2, "T", 3783.584, 729.63}

};

static void be_published(void **state)
{
    (void)state;
    struct gs_nca_be_obs obs[66];
    struct gs_nca_be_result r;
    struct gs_error err = GS_ERROR_INIT;
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < 66; i++)
            obs[i] = (struct gs_nca_be_obs){be[i].subj, be[i].seq, be[i].trt, be[i].per,
                                            k ? be[i].cmax : be[i].auclast};
        assert_int_equal(gs_nca_be(obs, 66, "R", &r, &err), GS_OK);
        assert_int_equal(r.n_subjects, 33);
        assert_true(r.df == 31);
        assert_true(r.bioequivalent);
        if (k) { /* Cmax: SAS PROC MIXED printout */
            assert_printed(r.ratio, 0.97984, 1e-5);
            assert_printed(r.lower, 0.90136, 1e-5);
            assert_printed(r.upper, 1.06515, 1e-5);
            assert_printed(r.mse, 0.039963, 1e-6);
            assert_printed(r.gmean_ref, 825.5206, 1e-4);
            assert_printed(r.gmean_test, 808.8778, 1e-4);
        } else { /* AUClast: BE::test2x2, equal to SAS PROC GLM */
            assert_printed(r.ratio, 0.9540753, 1e-7);
            assert_printed(r.lower, 0.889436, 1e-6);
            assert_printed(r.upper, 1.023412, 1e-6);
            assert_printed(r.mse, 2.822265e-02, 1e-8);
            /* the report's data table is rounded to 3 decimals: its MSE agrees to the 7 digits
             * printed, and the CV (dCV/dMSE = 300 %) to 1.5e-6 */
            assert_true(fabs(r.cv_intra_pct - 16.91883011) <= 1.5e-6);
        }
    }
    /* a subject with one period is dropped; a third sequence is refused */
    obs[0].value = NAN;
    assert_int_equal(gs_nca_be(obs, 66, "R", &r, &err), GS_OK);
    assert_int_equal(r.n_subjects, 32);
    assert_int_equal(r.n_dropped, 1);
    obs[1].sequence = "TT";
    assert_int_equal(gs_nca_be(obs, 66, "R", &r, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "sequence"));
}

static void reader_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"ID,TIME\n1,0\n", "needs ID, TIME and DV"},
        {"ID,TIME,CONC\n1,0,abc\n", "line 2, column CONC: 'abc' is not a number"},
        {"ID,TIME,CONC\n1,-1,2\n", "line 2, column TIME: '-1' is not a time"},
        {"ID,TIME,CONC\n1,0,-2\n", "negative concentration"},
        {"ID,TIME,CONC\n1,0,2\n1,0,3\n", "line 3, column TIME"},
        {"ID,TIME,CONC,DOSE\n1,0,2,100\n1,1,3,50\n", "line 3, column DOSE: '50' differs"},
        {"ID,TIME,CONC,SEQ\n1,0,2,RT\n", "SEQUENCE, PERIOD and TREATMENT"},
        {"ID,TIME,CONC\n1,0,\"2\"\n", "quote"},
        {"# only a comment\n", "no header"},
        {"ID,TIME,DV,AMT,EVID\n1,0,.,0,1\n", "no dose on a dose record"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gs_nca_data *d = (gs_nca_data *)&d;
        struct gs_error err = GS_ERROR_INIT;
        gs_status st = gs_nca_parse(&d, cases[i].text, strlen(cases[i].text), "x.csv", &err);
        if (st != GS_INPUT || d != NULL || strncmp(err.msg, "x.csv", 5) != 0 ||
            strstr(err.msg, cases[i].want) == NULL) {
            print_error("case %zu: status %d, message '%s', wanted '%s'\n", i, (int)st, err.msg,
                        cases[i].want);
            fail();
        }
    }
    /* NONMEM style: times from the last dose, MDV 1 and EVID 2 rows skipped, BLQ flag */
    const char *nm = "ID,TIME,AMT,DV,EVID,MDV,BLQ\n7,24,100,.,1,1,0\n7,20,.,5,0,0,0\n"
                     "7,25,.,8,0,0,0\n7,26,.,6,0,1,0\n7,28,.,.,0,1,1\n7,30,.,1,2,0,0\n";
    gs_nca_data *d = NULL;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_nca_parse(&d, nm, strlen(nm), "nm.csv", &err), GS_OK);
    struct gs_nca_profile_view v;
    gs_nca_data_profile(d, 0, &v);
    assert_int_equal(v.n, 2);
    assert_true(v.t_h[0] == 1 && v.conc[0] == 8 && v.t_h[1] == 4 && v.blq[1] == 1);
    assert_true(v.dose == 100 && strcmp(v.id, "7") == 0);
    gs_nca_data_free(d);
}

/* ---- the independent R implementation ---- */
static uint64_t rng_state = 88172645463325252ULL;
static double unif(void)
{
    rng_state ^= rng_state << 13, rng_state ^= rng_state >> 7, rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

static void against_r(void **state)
{
    (void)state;
    if (system("Rscript -e 'invisible(0)' > /dev/null 2>&1") != 0) {
        print_message("Rscript not installed: comparison skipped\n");
        skip();
    }
    char csv[] = "/tmp/gs-nca-XXXXXX", res[] = "/tmp/gs-nca-res-XXXXXX";
    int fd = mkstemp(csv), fr = mkstemp(res);
    assert_true(fd >= 0 && fr >= 0);
    close(fr);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "ID,TIME,CONC,DOSE,SEQUENCE,PERIOD,TREATMENT\n");
    const int n_subj = 150;
    const double grid[12] = {0, 0.5, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24};
    for (int s = 0; s < n_subj; s++) {
        int rt = s % 2;
        for (int per = 1; per <= 2; per++) {
            double ka = 0.5 + 2 * unif(), k = 0.05 + 0.3 * unif(), v = 20 + 40 * unif();
            double dose = 100 + 200 * unif();
            for (int i = 0; i < 12; i++) {
                double t = grid[i] + (i ? 0.2 * (unif() - 0.5) : 0);
                double c = dose / v * ka / (ka - k) * (exp(-k * t) - exp(-ka * t));
                c *= exp(0.15 * (unif() - 0.5) * 2);
                if (i > 2 && unif() < 0.04)
                    c = 0; /* a BLQ sample in the middle or at the end */
                fprintf(f, "S%d,%.17g,%.17g,%.17g,%s,%d,%s\n", s, t, c, dose, rt ? "RT" : "TR", per,
                        (per == 1) == rt ? "R" : "T");
            }
        }
    }
    fclose(f);
    /* the R script sits beside this file (CMake compiles it by its absolute path) */
    char dir[768], cmd[1024];
    snprintf(dir, sizeof dir, "%s", __FILE__);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    snprintf(cmd, sizeof cmd, "Rscript '%s/nca_check.R' %s %s > /dev/null 2>&1", slash ? dir : ".",
             csv, res);
    int rc = system(cmd);
    gs_nca_data *d = NULL;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_nca_read(&d, csv, &err), GS_OK);
    unlink(csv);
    assert_int_equal(rc, 0);
    FILE *in = fopen(res, "r");
    assert_non_null(in);
    for (int method = 0; method < 2; method++) {
        struct gs_nca_options o = GS_NCA_OPTIONS_INIT;
        o.method = method ? GS_NCA_LINEAR : GS_NCA_LINUP_LOGDOWN;
        gs_nca_analysis *a = NULL;
        assert_int_equal(gs_nca_analyse(d, &o, "R", 2, &a, &err), GS_OK);
        for (size_t p = 0; p < gs_nca_data_n_profiles(d); p++) {
            const struct gs_nca_result *r = gs_nca_analysis_result(a, p);
            double w[9];
            for (int j = 0; j < 9; j++)
                assert_int_equal(fscanf(in, "%lf", &w[j]), 1);
            const double g[9] = {r->cmax,       r->tmax_h,      r->auclast,
                                 r->lambda_z,   r->adj_r2,      (double)r->lz_n,
                                 r->aucinf_obs, r->aucinf_pred, r->vz_f};
            for (int j = 0; j < 9; j++) {
                if (isnan(w[j]) || (j >= 3 && r->lz_n == 0)) {
                    assert_true(isnan(w[j]) && (j < 3 || r->lz_n == 0 || j == 5));
                    continue;
                }
                assert_rel(g[j], w[j], 1e-9);
            }
        }
        for (int k = 0; k < 3; k++) {
            const struct gs_nca_be_result *b = gs_nca_analysis_be(a, k, NULL);
            assert_non_null(b);
            double w[4];
            for (int j = 0; j < 4; j++)
                assert_int_equal(fscanf(in, "%lf", &w[j]), 1);
            assert_rel(b->ratio, w[0], 1e-9);
            assert_rel(b->lower, w[1], 1e-9);
            assert_rel(b->upper, w[2], 1e-9);
            assert_rel(b->mse, w[3], 1e-9);
        }
        gs_nca_analysis_free(a);
    }
    fclose(in);
    unlink(res);
    gs_nca_data_free(d);
}

/* The reader gives the same profiles, bit for bit, and the same first error on any number of
 * threads (chunks split at line ends, joined in file order): NONMEM-style rows with repeated
 * doses, a profile whose rows come back later in the file, times out of order, BLQ, missing
 * values, comments and CRLF (chunks joined by merging); a crossover in order (chunks of
 * distinct profiles, joined in place); and errors that only show when the chunks are joined or
 * their rows grouped (read again serially for the message). */
static char *reader_text(int variant, size_t *len)
{
    size_t cap = 1 << 20, n = 0;
    char *s = malloc(cap);
    n += (size_t)snprintf(s + n, cap - n, "# generated\nID,TIME,DV,AMT,EVID,MDV,BLQ\n");
    for (int id = 1; id <= 1500 && n + 2000 < cap; id++) {
        n += (size_t)snprintf(s + n, cap - n, "%d,0,.,%d,1,1,0\n", id, 100 + id % 3);
        for (int k = 1; k <= 7; k++) {
            double t = k == 3 && id % 5 == 0 ? 7.5 : k; /* out of order */
            double c = 10.0 * exp(-0.1 * t) * (1 + 0.01 * (id % 7));
            n += (size_t)snprintf(s + n, cap - n, "%d,%.17g,%.6g,0,0,0,0%s", id, t, c,
                                  id % 9 == 0 ? "\r\n" : "\n");
        }
        n += (size_t)snprintf(s + n, cap - n, "%d,9,.,.,0,0,1\n#c\n\n", id);
        if (id % 11 == 0) /* a second dose */
            n += (size_t)snprintf(s + n, cap - n, "%d,12,.,50,1,1,0\n%d,13,4.25,0,0,0,0\n", id, id);
    }
    /* profile 3 comes back at the end of the file */
    n += (size_t)snprintf(s + n, cap - n, "3,20,1e-3,0,0,0,0\n3,19,.5,0,0,0,0\n");
    if (variant == 1 || variant == 3) /* a duplicate time, found when the chunks are joined */
        n += (size_t)snprintf(s + n, cap - n, "7,4,2,0,0,0,0\n");
    if (variant == 2) /* a bad number near the end, after rows of every chunk */
        n += (size_t)snprintf(s + n, cap - n, "8,30,1x,0,0,0,0\n");
    *len = n;
    return s;
}

static char *dose_text(int variant, size_t *len)
{
    size_t cap = 1 << 20, n = 0;
    char *s = malloc(cap);
    n += (size_t)snprintf(s + n, cap - n, "ID,TIME,CONC,DOSE,SEQ,PER,TRT\n");
    for (int id = 1; id <= 2500; id++)
        for (int per = 1; per <= 2; per++)
            for (int k = 0; k < 5; k++) /* variant 3: a time twice in a profile mid-file, found
                                           inside a chunk of distinct profiles */
                for (int twice = 0; twice < (variant == 3 && id == 1250 && k == 2 ? 2 : 1); twice++)
                    n += (size_t)snprintf(s + n, cap - n, "S%d,%d,%g,100,%s,%d,%s\n", id, k,
                                          k ? 5.0 / k : 0.0, id % 2 ? "RT" : "TR", per,
                                          (id % 2) == (per == 1) ? "R" : "T");
    if (variant == 1) /* another DOSE for S2 period 1, lines after its first */
        n += (size_t)snprintf(s + n, cap - n, "S2,9,1,200,TR,1,T\n");
    if (variant == 2) /* another treatment */
        n += (size_t)snprintf(s + n, cap - n, "S2,9,1,100,TR,1,R\n");
    *len = n;
    return s;
}

static void same_data(const gs_nca_data *a, const gs_nca_data *b)
{
    assert_int_equal(gs_nca_data_n_profiles(a), gs_nca_data_n_profiles(b));
    for (size_t p = 0; p < gs_nca_data_n_profiles(a); p++) {
        struct gs_nca_profile_view x, y;
        gs_nca_data_profile(a, p, &x);
        gs_nca_data_profile(b, p, &y);
        assert_string_equal(x.id, y.id);
        assert_string_equal(x.period, y.period);
        assert_string_equal(x.sequence, y.sequence);
        assert_string_equal(x.treatment, y.treatment);
        assert_memory_equal(&x.dose, &y.dose, sizeof x.dose);
        assert_int_equal(x.n, y.n);
        assert_memory_equal(x.t_h, y.t_h, x.n * sizeof *x.t_h);
        assert_memory_equal(x.conc, y.conc, x.n * sizeof *x.conc);
        assert_memory_equal(x.blq, y.blq, x.n);
    }
}

static void reader_threads(void **state)
{
    (void)state;
    size_t saved = nca_parallel_min_bytes;
    nca_parallel_min_bytes = 0;
    for (int kind = 0; kind < 2; kind++)
        for (int variant = 0; variant < 4; variant++) {
            size_t len = 0;
            char *text = kind ? dose_text(variant, &len) : reader_text(variant, &len);
            struct gs_error e1 = GS_ERROR_INIT;
            gs_nca_data *d1 = NULL;
            gs_status s1 = nca_parse_threads(&d1, text, len, "t.csv", 1, &e1);
            assert_int_equal(s1 != GS_OK, variant != 0);
            if (variant == 0) {
                struct gs_nca_profile_view v;
                gs_nca_data_profile(d1, 2, &v); /* profile 3: rows from the end of the file */
                if (kind == 0)
                    assert_true(v.n == 10 && v.t_h[8] == 19 && v.t_h[9] == 20);
            }
            for (int th = 2; th <= 7; th++) {
                struct gs_error e = GS_ERROR_INIT;
                gs_nca_data *d = NULL;
                size_t before = nca_parallel_reads, in_place = nca_joins_in_place;
                gs_status s = nca_parse_threads(&d, text, len, "t.csv", th, &e);
                assert_int_equal(s, s1);
                if (s1 == GS_OK) {
                    assert_int_equal(nca_parallel_reads, before + 1); /* chunks were used */
                    /* the crossover in order joins in place, the other file by merging */
                    assert_int_equal(nca_joins_in_place, in_place + (kind == 1));
                    same_data(d1, d);
                } else {
                    assert_string_equal(e.msg, e1.msg);
                }
                gs_nca_data_free(d);
            }
            if (variant)
                print_message("  %s\n", e1.msg);
            gs_nca_data_free(d1);
            free(text);
        }
    nca_parallel_min_bytes = saved;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(theoph_subjects),     cmocka_unit_test(theoph_summary),
        cmocka_unit_test(partial_auc_kim2018), cmocka_unit_test(exponential_exact),
        cmocka_unit_test(steady_state_exact),  cmocka_unit_test(blq_rules),
        cmocka_unit_test(be_published),        cmocka_unit_test(reader_errors),
        cmocka_unit_test(against_r),           cmocka_unit_test(reader_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
