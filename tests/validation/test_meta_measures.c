/* test_meta_measures.c - the effect measures of `gabasim meta` beyond MD and RR (issue 11 item 5):
 * odds ratio, risk difference, Hedges' g and the ratio of means, with the Mantel-Haenszel and
 * Peto estimates. First 2x2 tables and arm summaries worked by hand from the published formulas;
 * then every per-study effect and variance, all twelve statistics of five pooled fits (FE, DL,
 * REML, DL + Hartung-Knapp, REML + Hartung-Knapp) and the Mantel-Haenszel and Peto estimates
 * against R's metafor on two event tables (both with zero cells, one with a study without events)
 * and two tables of arm means, when Rscript and metafor are installed (`make test` installs them).
 *
 * Tolerances: the issue's 1e-6 relative, 1e-5 for the REML fits; metafor's REML is run with a
 * 1e-12 convergence threshold so both sides report the root itself. An absolute floor of 1e-12
 * covers statistics that are exactly 0 (tau^2 at its boundary). */
#include <stdlib.h>
#include <unistd.h>

#include "../test_util.h"
#include "gabasim/meta.h"

/* ---- by hand ---- */

/* Woolf's log odds ratio and variance (Woolf B, Ann Hum Genet 1955;19:251): log(a d/(b c)),
 * 1/a + 1/b + 1/c + 1/d. 10 of 50 against 20 of 50: OR = 10*30/(40*20) = 0.375. With a zero cell,
 * 1/2 in every cell (metafor escalc's default, add = 1/2, to = "only0"). */
static void odds_ratio_by_hand(void **state)
{
    (void)state;
    struct gs_error err = GS_ERROR_INIT;
    double yi, vi;
    assert_int_equal(gs_meta_logor(10, 50, 20, 50, &yi, &vi, &err), GS_OK);
    assert_rel(yi, log(0.375), 1e-14);
    assert_rel(vi, 1 / 10.0 + 1 / 40.0 + 1 / 20.0 + 1 / 30.0, 1e-14);
    /* 0 of 20 against 5 of 20: cells 0.5, 20.5, 5.5, 15.5 */
    assert_int_equal(gs_meta_logor(0, 20, 5, 20, &yi, &vi, &err), GS_OK);
    assert_rel(yi, log(0.5 * 15.5 / (20.5 * 5.5)), 1e-14);
    assert_rel(vi, 1 / 0.5 + 1 / 20.5 + 1 / 5.5 + 1 / 15.5, 1e-14);
    /* no events in either arm: nothing about a ratio, the caller drops the study */
    assert_int_equal(gs_meta_logor(0, 20, 0, 25, &yi, &vi, &err), GS_UNSUPPORTED);
}

/* Risk difference p1 - p2 with the binomial variance p1 q1/n1 + p2 q2/n2: 10/50 - 20/50 = -0.2,
 * 0.2*0.8/50 + 0.4*0.6/50 = 0.008. A study without events in either arm is kept: with 1/2 in
 * every cell, 0.5/21 - 0.5/26. */
static void risk_difference_by_hand(void **state)
{
    (void)state;
    struct gs_error err = GS_ERROR_INIT;
    double yi, vi;
    assert_int_equal(gs_meta_rd(10, 50, 20, 50, &yi, &vi, &err), GS_OK);
    assert_rel(yi, -0.2, 1e-14);
    assert_rel(vi, 0.008, 1e-14);
    assert_int_equal(gs_meta_rd(0, 20, 0, 25, &yi, &vi, &err), GS_OK);
    const double p1 = 0.5 / 21, p2 = 0.5 / 26;
    assert_rel(yi, p1 - p2, 1e-14);
    assert_rel(vi, p1 * (1 - p1) / 21 + p2 * (1 - p2) / 26, 1e-14);
}

/* Hedges' g: the worked example of Borenstein, Hedges, Higgins & Rothstein, Introduction to
 * Meta-Analysis (Wiley 2009), chapter 4: means 103 and 100, SDs 5.5 and 4.5, 50 per arm give
 * d = 0.5970, J = 0.9923, g = 0.5924 (printed to 4 decimals, so checked to 5e-5). The book's J is
 * Hedges' approximation 1 - 3/(4 df - 1); gabasim's is the exact Gamma-function ratio (Hedges,
 * J Educ Stat 1981;6:107), which differs from it by O(df^-2), here below 1e-5. The variance is
 * metafor 3.8's default ("LS"): 1/n1 + 1/n2 + g^2/(2 (n1 + n2)). */
static void hedges_g_by_hand(void **state)
{
    (void)state;
    struct gs_error err = GS_ERROR_INIT;
    double yi, vi;
    const struct gs_meta_md_request b = {103, 5.5, 50, 100, 4.5, 50};
    assert_int_equal(gs_meta_smd(&b, &yi, &vi, &err), GS_OK);
    assert_float_equal(yi, 0.5924, 5e-5);
    const double d = 3 / sqrt((49 * 5.5 * 5.5 + 49 * 4.5 * 4.5) / 98);
    assert_float_equal(d, 0.5970, 5e-5);
    /* the exact J through tgamma (not the lgamma route the library takes) */
    const double j = tgamma(49) / (sqrt(49) * tgamma(48.5));
    assert_rel(yi, j * d, 1e-12);
    assert_float_equal(j, 1 - 3.0 / (4 * 98 - 1), 1e-5);
    assert_rel(vi, 1 / 50.0 + 1 / 50.0 + yi * yi / 200, 1e-14);
    /* too few participants for a pooled SD with a correction: n1 + n2 must be 4 or more */
    const struct gs_meta_md_request tiny = {1, 1, 1, 0, 1, 2};
    assert_int_equal(gs_meta_smd(&tiny, &yi, &vi, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "4 or more"));
}

/* Log ratio of means (Hedges, Gurevitch & Curtis, Ecology 1999;80:1150): log(m1/m2),
 * sd1^2/(n1 m1^2) + sd2^2/(n2 m2^2); a mean at or below 0 is refused naming the column. */
static void ratio_of_means_by_hand(void **state)
{
    (void)state;
    struct gs_error err = GS_ERROR_INIT;
    double yi, vi;
    assert_int_equal(
        gs_meta_logrom(&(struct gs_meta_md_request){10, 2, 25, 8, 3, 20}, &yi, &vi, &err), GS_OK);
    assert_rel(yi, log(1.25), 1e-14);
    assert_rel(vi, 4 / (25 * 100.0) + 9 / (20 * 64.0), 1e-14);
    assert_int_equal(
        gs_meta_logrom(&(struct gs_meta_md_request){10, 2, 25, 0, 3, 20}, &yi, &vi, &err),
        GS_INPUT);
    assert_string_equal(err.field, "m2");
    assert_int_equal(
        gs_meta_logrom(&(struct gs_meta_md_request){-1, 2, 25, 8, 3, 20}, &yi, &vi, &err),
        GS_INPUT);
    assert_string_equal(err.field, "m1");
    assert_non_null(strstr(err.msg, "'m1' is -1"));
}

/* Two 2x2 tables: 10/50 vs 20/50 (N = 100) and 5/20 vs 10/20 (N = 40).
 * Mantel-Haenszel OR: R = sum a d/N = 3 + 1.25, S = sum b c/N = 8 + 3.75; the Robins, Breslow &
 * Greenland variance (Biometrics 1986;42:311) with P = (a + d)/N = 0.4, 0.375 and
 * Q = (b + c)/N = 0.6, 0.625: sum PR = 1.66875, sum (PS + QR) = 7.1875, sum QS = 7.14375.
 * Mantel-Haenszel RD: w = sum n1 n2/N = 25 + 10, sum (a1 n2 - a2 n1)/N = -5 - 2.5; the Sato,
 * Greenland & Robins variance (Biometrics 1989;45:1323) as metafor writes it,
 * (RD sum(a2 (n1/N)^2 - a1 (n2/N)^2 + (n1/N)(n2/N)(n2 - n1)/2) + sum(a1 (n2 - a2) + a2 (n1 -
 * a1))/N/2) / w^2 with the sums 2.5 + 1.25 and 11 + 5. Peto (Yusuf et al., Prog Cardiovasc Dis
 * 1985;27:335): O - E = 10 - 15 and 5 - 7.5, V = 30*70*50*50/(100^2*99) and 15*25*20*20/(40^2*39).
 */
static void mantel_haenszel_and_peto_by_hand(void **state)
{
    (void)state;
    const double a1[2] = {10, 5}, n1[2] = {50, 20}, a2[2] = {20, 10}, n2[2] = {50, 20};
    struct gs_error err = GS_ERROR_INIT;
    struct gs_meta_result r;
    struct gs_meta_mh_request req = GS_META_MH_REQUEST_INIT;
    req.a1 = a1, req.n1 = n1, req.a2 = a2, req.n2 = n2, req.k = 2;
    req.measure = GS_META_OR;
    assert_int_equal(gs_meta_mh(&req, &r, &err), GS_OK);
    const double R = 4.25, S = 11.75;
    assert_rel(r.est, log(R / S), 1e-14);
    assert_rel(r.se * r.se, 0.5 * (1.66875 / (R * R) + 7.1875 / (R * S) + 7.14375 / (S * S)),
               1e-13);
    assert_rel(r.ci_hi - r.est, 1.959963984540054 * r.se, 1e-12);
    req.measure = GS_META_RD;
    assert_int_equal(gs_meta_mh(&req, &r, &err), GS_OK);
    const double rd = -7.5 / 35;
    assert_rel(r.est, rd, 1e-14);
    assert_rel(r.se * r.se, (rd * 3.75 + 16 / 2.0) / (35.0 * 35), 1e-13);
    req.measure = GS_META_OR;
    assert_int_equal(gs_meta_peto(&req, &r, &err), GS_OK);
    const double v = 30.0 * 70 * 50 * 50 / (1e4 * 99) + 15.0 * 25 * 20 * 20 / (1600.0 * 39);
    assert_rel(r.est, (-5 - 2.5) / v, 1e-14);
    assert_rel(r.se, sqrt(1 / v), 1e-14);
    /* the risk ratio through the general call equals gs_meta_mh_rr */
    struct gs_meta_result rr;
    req.measure = GS_META_RR;
    assert_int_equal(gs_meta_mh(&req, &r, &err), GS_OK);
    assert_int_equal(
        gs_meta_mh_rr(&(struct gs_meta_mh_rr_request){a1, n1, a2, n2, 2, 0.95}, &rr, &err), GS_OK);
    assert_memory_equal(&r, &rr, sizeof r);
    /* measures the methods do not estimate */
    req.measure = GS_META_SMD;
    assert_int_equal(gs_meta_mh(&req, &r, &err), GS_INPUT);
    assert_string_equal(err.field, "measure");
    req.measure = GS_META_RR;
    assert_int_equal(gs_meta_peto(&req, &r, &err), GS_INPUT);
    assert_string_equal(err.field, "measure");
    /* no events in any treatment arm: the MH odds ratio is 0 or undefined */
    const double none[2] = {0, 0};
    req.a1 = none, req.measure = GS_META_OR;
    assert_int_equal(gs_meta_mh(&req, &r, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "0 or undefined"));
}

/* Which measures a layout gives; anything else names the value and the layout's set. */
static void measure_fits_layout(void **state)
{
    (void)state;
    struct gs_error err = GS_ERROR_INIT;
    enum gs_meta_measure m;
    assert_int_equal(gs_meta_measure_for(GS_STUDIES_MD, GS_META_MEASURE_AUTO, &m, &err), GS_OK);
    assert_int_equal(m, GS_META_MD);
    assert_int_equal(gs_meta_measure_for(GS_STUDIES_RR, GS_META_MEASURE_AUTO, &m, &err), GS_OK);
    assert_int_equal(m, GS_META_RR);
    assert_int_equal(gs_meta_measure_for(GS_STUDIES_GENERIC, GS_META_MEASURE_AUTO, &m, &err),
                     GS_OK);
    assert_int_equal(m, GS_META_GIVEN);
    assert_int_equal(gs_meta_measure_for(GS_STUDIES_MD, GS_META_ROM, &m, &err), GS_OK);
    assert_int_equal(gs_meta_measure_for(GS_STUDIES_RR, GS_META_RD, &m, &err), GS_OK);
    assert_int_equal(gs_meta_measure_for(GS_STUDIES_MD, GS_META_OR, &m, &err), GS_INPUT);
    assert_string_equal(err.field, "measure");
    assert_non_null(strstr(err.msg, "'--measure' is 'OR'"));
    assert_non_null(strstr(err.msg, "MD, SMD, ROM"));
    assert_int_equal(gs_meta_measure_for(GS_STUDIES_RR, GS_META_SMD, &m, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "RR, OR, RD"));
    assert_int_equal(gs_meta_measure_for(GS_STUDIES_GENERIC, GS_META_RD, &m, &err), GS_INPUT);
    assert_int_equal(gs_meta_measure_for(GS_STUDIES_RR, (enum gs_meta_measure)42, &m, &err),
                     GS_INPUT);
    assert_string_equal(gs_meta_measure_code(GS_META_SMD), "SMD");
    assert_true(gs_meta_measure_is_ratio(GS_META_ROM) && gs_meta_measure_is_ratio(GS_META_OR) &&
                !gs_meta_measure_is_ratio(GS_META_RD) && !gs_meta_measure_is_ratio(GS_META_SMD));
}

/* ---- the data sets ---- */

/* The BCG vaccine trials (Colditz 1994; metafor's dat.bcg) as a1,n1,a2,n2, plus one trial with a
 * zero cell; and the 18 trials of antimicrobial-impregnated catheters (Niel-Weise 2007; metafor's
 * dat.nielweise2007), with six zero-cell trials and one (Yucel 2004) without events in either
 * arm. */
static const double bcg[][4] = {
    {4, 123, 11, 139},       {6, 306, 29, 303},        {3, 231, 11, 220},
    {62, 13598, 248, 12867}, {33, 5069, 47, 5808},     {180, 1541, 372, 1451},
    {8, 2545, 10, 629},      {505, 88391, 499, 88391}, {29, 7499, 45, 7277},
    {17, 1716, 65, 1665},    {186, 50634, 141, 27338}, {5, 2498, 3, 2341},
    {27, 16913, 29, 17854},  {0, 40, 4, 41},
};
static const double niel[][4] = {
    {0, 116, 3, 117}, {1, 44, 3, 35},   {2, 208, 9, 195}, {0, 130, 7, 136},  {5, 151, 6, 157},
    {1, 98, 4, 139},  {1, 174, 3, 177}, {1, 74, 2, 39},   {1, 97, 19, 103},  {1, 113, 2, 122},
    {0, 66, 7, 64},   {0, 70, 1, 58},   {3, 188, 5, 175}, {6, 187, 11, 180}, {0, 118, 0, 105},
    {0, 252, 1, 262}, {1, 345, 3, 362}, {4, 64, 1, 69},
};
/* Arm means as m1,sd1,n1,m2,sd2,n2: five made-up trials of pain change (negative means, the ratio
 * of means undefined), and the nine stroke-unit comparisons of length of stay (Normand 1999;
 * metafor's dat.normand1999), all means positive. */
static const double mds[][6] = {
    {-1.2, 2.1, 55, -0.9, 2.3, 53},   {-2.0, 1.8, 120, -1.1, 2.0, 118},
    {-0.3, 2.5, 40, -0.5, 2.4, 42},   {-1.6, 2.2, 75, -0.4, 2.1, 80},
    {-0.8, 1.9, 200, -0.7, 2.0, 205},
};
static const double normand[][6] = {
    {55, 47, 155, 75, 64, 156}, {27, 7, 31, 29, 4, 32},     {64, 17, 75, 119, 29, 71},
    {66, 20, 18, 137, 48, 18},  {14, 8, 8, 18, 11, 13},     {19, 7, 57, 18, 4, 52},
    {52, 45, 34, 41, 34, 33},   {21, 16, 110, 31, 27, 183}, {30, 27, 60, 23, 20, 52},
};

struct set {
    const char *name;
    const double *rows; /* k rows of `cols` numbers */
    size_t k;
    int cols; /* 4: events, 6: arm means */
};
#define SET(n, a, c)                                                                               \
    {                                                                                              \
        n, &a[0][0], sizeof a / sizeof *a, c                                                       \
    }
static const struct set sets[] = {SET("bcg", bcg, 4), SET("niel", niel, 4), SET("mds", mds, 6),
                                  SET("normand", normand, 6)};
#define N_SETS (sizeof sets / sizeof *sets)

/* ---- metafor's answers: one Rscript run, one line per item, "SET MEASURE ITEM numbers..." ---- */

#define MAX_LINES 128
#define MAX_NUMS  24
static struct {
    char tag[48];
    double v[MAX_NUMS];
    int n;
} ref[MAX_LINES];
static int n_ref;

static int have_metafor(void)
{
    return system("Rscript -e 'suppressMessages(library(metafor))' > /dev/null 2>&1") == 0;
}

static const double *lookup(const char *set, const char *measure, const char *item, int n)
{
    char tag[48];
    snprintf(tag, sizeof tag, "%s_%s_%s", set, measure, item);
    for (int i = 0; i < n_ref; i++)
        if (strcmp(ref[i].tag, tag) == 0) {
            if (ref[i].n != n)
                fail_msg("%s: metafor gave %d numbers, expected %d", tag, ref[i].n, n);
            return ref[i].v;
        }
    fail_msg("%s: not in metafor's output", tag);
    return NULL;
}

/* Writes each set to a CSV file in dir and runs metafor on all of them. */
static int run_metafor(const char *dir)
{
    for (size_t s = 0; s < N_SETS; s++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s.csv", dir, sets[s].name);
        FILE *f = fopen(path, "w");
        if (f == NULL)
            return -1;
        fprintf(f, sets[s].cols == 4 ? "a1,n1,a2,n2\n" : "m1,sd1,n1,m2,sd2,n2\n");
        for (size_t i = 0; i < sets[s].k; i++)
            for (int c = 0; c < sets[s].cols; c++)
                fprintf(f, "%.17g%c", sets[s].rows[i * sets[s].cols + c],
                        c + 1 < sets[s].cols ? ',' : '\n');
        fclose(f);
    }
    char script[300], res[300];
    snprintf(script, sizeof script, "%s/run.R", dir);
    snprintf(res, sizeof res, "%s/res.txt", dir);
    FILE *f = fopen(script, "w");
    if (f == NULL)
        return -1;
    fprintf(
        f,
        "suppressMessages(library(metafor))\n"
        "out <- file('%s', 'w')\n"
        "emit <- function(tag, x) cat(tag, format(x, digits = 17), '\\n', file = out)\n"
        "g <- function(x) if (is.null(x)) NA else x[1]\n"
        "ctl <- list(threshold = 1e-12, maxiter = 10000)\n"
        "stats <- function(m) { p <- predict(m);\n"
        "  c(g(m$b), g(m$se), g(m$ci.lb), g(m$ci.ub), g(m$pval), g(m$tau2), g(m$I2), g(m$H2),\n"
        "    g(m$QE), g(m$QEp), g(if (is.null(p$pi.lb)) p$ci.lb else p$pi.lb),\n"
        "    g(if (is.null(p$pi.ub)) p$ci.ub else p$pi.ub)) }\n"
        "fit5 <- function(tag, e) {\n"
        "  e <- e[!is.na(e$yi), ]\n"
        "  emit(paste0(tag, '_yi'), e$yi); emit(paste0(tag, '_vi'), e$vi)\n"
        "  f <- list(rma(yi, vi, data = e, method = 'FE'), rma(yi, vi, data = e, method = 'DL'),\n"
        "    rma(yi, vi, data = e, method = 'REML', control = ctl),\n"
        "    rma(yi, vi, data = e, method = 'DL', test = 'knha'),\n"
        "    rma(yi, vi, data = e, method = 'REML', test = 'knha', control = ctl))\n"
        "  for (i in 1:5) emit(paste0(tag, '_fit', i - 1), stats(f[[i]])) }\n"
        "z <- function(m) c(m$b, m$se, m$ci.lb, m$ci.ub, m$pval)\n"
        "for (s in c('bcg', 'niel')) { d <- read.csv(file.path('%s', paste0(s, '.csv')))\n"
        "  for (ms in c('RR', 'OR', 'RD')) {\n"
        "    tag <- paste0(s, '_', ms)\n"
        "    fit5(tag, escalc(ms, ai = a1, n1i = n1, ci = a2, n2i = n2, data = d,\n"
        "                     drop00 = ms != 'RD'))\n"
        "    emit(paste0(tag, '_mh'), z(rma.mh(ai = a1, n1i = n1, ci = a2, n2i = n2, data = d,\n"
        "                                      measure = ms))) }\n"
        "  emit(paste0(s, '_OR_peto'), z(rma.peto(ai = a1, n1i = n1, ci = a2, n2i = n2, data = "
        "d))) }\n"
        "for (s in c('mds', 'normand')) { d <- read.csv(file.path('%s', paste0(s, '.csv')))\n"
        "  for (ms in c('SMD', 'ROM')) if (ms == 'SMD' || all(c(d$m1, d$m2) > 0))\n"
        "    fit5(paste0(s, '_', ms), escalc(ms, m1i = m1, sd1i = sd1, n1i = n1, m2i = m2,\n"
        "                                    sd2i = sd2, n2i = n2, data = d)) }\n"
        "close(out)\n",
        res, dir, dir);
    fclose(f);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "Rscript %s > %s/r.log 2>&1", script, dir);
    if (system(cmd) != 0)
        return -1;
    FILE *in = fopen(res, "r");
    if (in == NULL)
        return -1;
    char line[2048];
    while (n_ref < MAX_LINES && fgets(line, sizeof line, in)) {
        char *p = line, *end;
        int w = 0;
        while (*p && *p != ' ' && w + 1 < (int)sizeof ref[0].tag)
            ref[n_ref].tag[w++] = *p++;
        ref[n_ref].tag[w] = '\0';
        ref[n_ref].n = 0;
        for (;;) {
            double x = strtod(p, &end);
            if (end == p || ref[n_ref].n == MAX_NUMS)
                break;
            ref[n_ref].v[ref[n_ref].n++] = x;
            p = end;
        }
        n_ref++;
    }
    fclose(in);
    return n_ref > 0 ? 0 : -1;
}

static void close_to(const char *what, double got, double want, double rel)
{
    if (!(fabs(got - want) <= rel * fabs(want) + 1e-12)) {
        print_error("%s: gabasim %.12g, metafor %.12g\n", what, got, want);
        fail();
    }
}

/* One set, one measure: each study's effect and variance, the five fits, Mantel-Haenszel and
 * Peto where the measure has them. */
static void compare(const struct set *s, enum gs_meta_measure measure)
{
    const char *code = gs_meta_measure_code(measure);
    double y[32], v[32], a1[32], n1[32], a2[32], n2[32];
    size_t k = 0;
    struct gs_error err = GS_ERROR_INIT;
    for (size_t i = 0; i < s->k; i++) {
        double row[6] = {0};
        memcpy(row, s->rows + i * s->cols, s->cols * sizeof *row);
        if (s->cols == 4)
            a1[i] = row[0], n1[i] = row[1], a2[i] = row[2], n2[i] = row[3];
        gs_status st = gs_meta_effect(measure, row, &y[k], &v[k], &err);
        if (st == GS_UNSUPPORTED) /* RR, OR: no events in either arm (metafor drop00 = TRUE) */
            continue;
        assert_int_equal(st, GS_OK);
        k++;
    }
    const double *ry = lookup(s->name, code, "yi", (int)k),
                 *rv = lookup(s->name, code, "vi", (int)k);
    char what[96];
    for (size_t i = 0; i < k; i++) {
        snprintf(what, sizeof what, "%s %s study %zu yi", s->name, code, i + 1);
        close_to(what, y[i], ry[i], 1e-6);
        snprintf(what, sizeof what, "%s %s study %zu vi", s->name, code, i + 1);
        close_to(what, v[i], rv[i], 1e-6);
    }
    const enum gs_meta_method method[5] = {GS_META_FIXED, GS_META_DL, GS_META_REML, GS_META_DL,
                                           GS_META_REML};
    for (int f = 0; f < 5; f++) {
        struct gs_meta_result r;
        struct gs_meta_pool_request pool = GS_META_POOL_REQUEST_INIT;
        pool.yi = y, pool.vi = v, pool.k = k, pool.method = method[f], pool.hk = f >= 3;
        assert_int_equal(gs_meta_pool(&pool, &r, &err), GS_OK);
        const double got[12] = {r.est, r.se, r.ci_lo, r.ci_hi, r.p,     r.tau2,
                                r.i2,  r.h2, r.q,     r.q_p,   r.pi_lo, r.pi_hi};
        char item[8];
        snprintf(item, sizeof item, "fit%d", f);
        const double *want = lookup(s->name, code, item, 12);
        for (int j = 0; j < 12; j++) {
            snprintf(what, sizeof what, "%s %s fit %d statistic %d", s->name, code, f, j);
            close_to(what, got[j], want[j], method[f] == GS_META_REML ? 1e-5 : 1e-6);
        }
        if (f == 2)
            print_message("%s %s (k = %zu): REML %.10g (metafor %.10g), tau2 %.6g\n", s->name, code,
                          k, r.est, want[0], r.tau2);
    }
    if (s->cols != 4)
        return;
    struct gs_meta_mh_request mh = GS_META_MH_REQUEST_INIT;
    mh.a1 = a1, mh.n1 = n1, mh.a2 = a2, mh.n2 = n2, mh.k = s->k, mh.measure = measure;
    for (int peto = 0; peto <= (measure == GS_META_OR); peto++) {
        struct gs_meta_result r;
        assert_int_equal(peto ? gs_meta_peto(&mh, &r, &err) : gs_meta_mh(&mh, &r, &err), GS_OK);
        const double got[5] = {r.est, r.se, r.ci_lo, r.ci_hi, r.p};
        const double *want = lookup(s->name, code, peto ? "peto" : "mh", 5);
        for (int j = 0; j < 5; j++) {
            snprintf(what, sizeof what, "%s %s %s statistic %d", s->name, code,
                     peto ? "Peto" : "Mantel-Haenszel", j);
            close_to(what, got[j], want[j], 1e-6);
        }
        print_message("%s %s %s: %.10g (metafor %.10g)\n", s->name, code, peto ? "Peto" : "MH",
                      r.est, want[0]);
    }
}

static void against_metafor(void **state)
{
    (void)state;
    if (!have_metafor()) {
        print_message("R metafor not installed: comparison skipped (make test installs it)\n");
        skip();
    }
    char dir[] = "/tmp/gs-meta-measures-XXXXXX";
    assert_non_null(mkdtemp(dir));
    int rc = run_metafor(dir);
    char cmd[300];
    if (rc != 0) {
        snprintf(cmd, sizeof cmd, "cat %s/r.log >&2", dir);
        (void)system(cmd);
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    (void)system(cmd);
    assert_int_equal(rc, 0);
    const enum gs_meta_measure events[3] = {GS_META_RR, GS_META_OR, GS_META_RD};
    for (size_t s = 0; s < N_SETS; s++) {
        if (sets[s].cols == 4)
            for (int m = 0; m < 3; m++)
                compare(&sets[s], events[m]);
        else {
            compare(&sets[s], GS_META_SMD);
            if (s == 3) /* the ratio of means needs positive means: normand */
                compare(&sets[s], GS_META_ROM);
        }
    }
}

/* ---- the whole analysis ---- */

static void table_of(const struct set *s, struct gs_studies *t, struct gs_study *rows)
{
    for (size_t i = 0; i < s->k; i++) {
        rows[i] = (struct gs_study){{0}, {0}, i + 2};
        memcpy(rows[i].v, s->rows + i * s->cols, s->cols * sizeof(double));
        snprintf(rows[i].name, sizeof rows[i].name, "%s %zu", s->name, i + 1);
    }
    *t = (struct gs_studies){
        .kind = s->cols == 4 ? GS_STUDIES_RR : GS_STUDIES_MD, .study = rows, .n = s->k};
}

/* gs_meta_analyse with a measure is the lower-level calls assembled: the study without events is
 * dropped for OR and kept for RD; Mantel-Haenszel and Peto are over every study. */
static void analyse_equals_the_parts(void **state)
{
    (void)state;
    struct gs_study rows[32];
    struct gs_studies t;
    table_of(&sets[1], &t, rows);
    struct gs_error err = GS_ERROR_INIT;
    const enum gs_meta_measure measure[2] = {GS_META_OR, GS_META_RD};
    for (int mi = 0; mi < 2; mi++) {
        struct gs_meta_request req = GS_META_REQUEST_INIT;
        req.studies = &t, req.measure = measure[mi], req.method = GS_META_DL, req.hk = 1;
        struct gs_meta_analysis *m = NULL;
        assert_int_equal(gs_meta_analyse(&req, &m, &err), GS_OK);
        assert_int_equal(m->measure_id, measure[mi]);
        assert_string_equal(m->measure, mi ? "risk difference" : "odds ratio");
        assert_int_equal(m->ratio, !mi);
        assert_int_equal(m->n_dropped, mi ? 0 : 1);
        assert_int_equal(m->k, mi ? t.n : t.n - 1);
        if (!mi)
            assert_int_equal(m->dropped[0].line, 16); /* Yucel 2004, row 15 */
        double y[32], v[32], a1[32], n1[32], a2[32], n2[32];
        size_t k = 0;
        for (size_t i = 0; i < t.n; i++) {
            a1[i] = rows[i].v[0], n1[i] = rows[i].v[1], a2[i] = rows[i].v[2], n2[i] = rows[i].v[3];
            if (gs_meta_effect(measure[mi], rows[i].v, &y[k], &v[k], &err) == GS_OK)
                k++;
        }
        for (size_t j = 0; j < k; j++)
            assert_true(m->study[j].yi == y[j] && m->study[j].vi == v[j]);
        struct gs_meta_result fe, re, mh, peto;
        struct gs_meta_pool_request pool = GS_META_POOL_REQUEST_INIT;
        pool.yi = y, pool.vi = v, pool.k = k, pool.method = GS_META_FIXED;
        assert_int_equal(gs_meta_pool(&pool, &fe, &err), GS_OK);
        pool.method = GS_META_DL, pool.hk = 1;
        assert_int_equal(gs_meta_pool(&pool, &re, &err), GS_OK);
        assert_memory_equal(&m->fixed, &fe, sizeof fe);
        assert_memory_equal(&m->random, &re, sizeof re);
        struct gs_meta_mh_request mr = GS_META_MH_REQUEST_INIT;
        mr.a1 = a1, mr.n1 = n1, mr.a2 = a2, mr.n2 = n2, mr.k = t.n, mr.measure = measure[mi];
        assert_int_equal(gs_meta_mh(&mr, &mh, &err), GS_OK);
        assert_true(m->have_mh);
        assert_memory_equal(&m->mh, &mh, sizeof mh);
        assert_int_equal(m->have_peto, !mi);
        if (!mi) {
            assert_int_equal(gs_meta_peto(&mr, &peto, &err), GS_OK);
            assert_memory_equal(&m->peto, &peto, sizeof peto);
        }
        gs_meta_analysis_free(m);
    }
}

/* A measure the layout cannot give, and a study whose numbers allow no ratio of means, are
 * GS_INPUT naming the measure, or the table, line, study and column. */
static void analyse_bad_measure(void **state)
{
    (void)state;
    struct gs_study rows[32];
    struct gs_studies t;
    table_of(&sets[2], &t, rows); /* mds: negative means */
    struct gs_error err = GS_ERROR_INIT;
    struct gs_meta_request req = GS_META_REQUEST_INIT;
    req.studies = &t, req.origin = "pain.csv";
    struct gs_meta_analysis *m = NULL;
    req.measure = GS_META_OR;
    assert_int_equal(gs_meta_analyse(&req, &m, &err), GS_INPUT);
    assert_null(m);
    assert_string_equal(err.field, "measure");
    assert_non_null(strstr(err.msg, "allowed for a table of arm means"));
    req.measure = GS_META_ROM;
    assert_int_equal(gs_meta_analyse(&req, &m, &err), GS_INPUT);
    assert_null(m);
    assert_non_null(strstr(err.msg, "pain.csv: line 2, study 'mds 1': 'm1' is -1.2"));
    req.measure = (enum gs_meta_measure) - 1;
    assert_int_equal(gs_meta_analyse(&req, &m, &err), GS_INPUT);
    assert_string_equal(err.field, "measure");
    /* the default is unchanged: mean differences */
    req.measure = GS_META_MEASURE_AUTO;
    assert_int_equal(gs_meta_analyse(&req, &m, &err), GS_OK);
    assert_int_equal(m->measure_id, GS_META_MD);
    assert_string_equal(m->measure, "mean difference");
    assert_false(m->have_mh || m->have_peto);
    gs_meta_analysis_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(odds_ratio_by_hand),
        cmocka_unit_test(risk_difference_by_hand),
        cmocka_unit_test(hedges_g_by_hand),
        cmocka_unit_test(ratio_of_means_by_hand),
        cmocka_unit_test(mantel_haenszel_and_peto_by_hand),
        cmocka_unit_test(measure_fits_layout),
        cmocka_unit_test(against_metafor),
        cmocka_unit_test(analyse_equals_the_parts),
        cmocka_unit_test(analyse_bad_measure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
