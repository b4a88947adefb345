/* cmd_meta.c - `gabasim meta FILE`: pools a study table (gabasim/studies.h) with the fixed-effect
 * and a random-effects model (gabasim/meta.h) and prints both, with each study's weight. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gabasim/alloc.h"
#include "gabasim/meta.h"
#include "gabasim/report.h"
#include "gabasim/studies.h"

static const struct cli_opt opts[] = {
    {"method", "M", CLI_VALUE, 0, "random-effects tau^2: reml (default) or dl (DerSimonian-Laird)"},
    {"hk", NULL, CLI_FLAG, 0, "Hartung-Knapp: t-based CI and prediction interval (k >= 2)"},
    {"level", "L", CLI_VALUE, 0, "level of the pooled intervals, in (0, 1) (default 0.95)"},
    {"json", NULL, CLI_FLAG, 0, "print JSON instead of text"},
    {"plot", "FILE", CLI_VALUE, 0, "forest plot: FILE.svg or FILE.png"},
};
#define N_OPTS (sizeof opts / sizeof opts[0])

static const double z = 1.959963984540054; /* the study intervals are 95 % */

void help_meta(FILE *f)
{
    fprintf(f,
            "usage: gabasim meta FILE.csv [--method reml|dl] [--hk] [--level 0.95] [--json]\n"
            "                    [--plot FOREST.svg]\n\n"
            "Pools per-study results like a systematic review: fixed effect (inverse variance,\n"
            "and Mantel-Haenszel for event tables) and random effects (REML or\n"
            "DerSimonian-Laird tau^2, optional Hartung-Knapp), with\n"
            "Q, I^2, H^2, tau^2 and the prediction interval; R metafor's conventions (checked\n"
            "against it in the tests). The CSV header picks the layout (arm 1 = treatment):\n"
            "  study,m1,sd1,n1,m2,sd2,n2   mean difference\n"
            "  study,a1,n1,a2,n2           risk ratio (pooled on the log scale; a zero cell gets\n"
            "                              1/2 in every cell; no events in both arms: dropped, "
            "said)\n"
            "  study,yi,sei                an effect and its standard error, as given\n\n"
            "options:\n");
    cli_print_options(f, opts, N_OPTS);
    fprintf(f, "\nexample (13 BCG vaccine trials, Colditz 1994):\n"
               "  gabasim meta examples/bcg-colditz1994.csv --plot forest.svg\n");
}

static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++)
        printf(*s == '"' || *s == '\\'    ? "\\%c"
               : (unsigned char)*s < 0x20 ? "\\u%04x"
                                          : "%c",
               *s == '"' || *s == '\\' ? *s : (unsigned char)*s);
    putchar('"');
}

/* The forest plot: each study with its 95 % interval, then the two pooled estimates. */
static gs_status forest(const char *path, const struct gs_studies *t, const size_t *keep,
                        const double *y, const double *v, size_t k, const struct gs_meta_result *fe,
                        const struct gs_meta_result *re, const double *wpct, int rr,
                        const char *measure, struct gs_error *err)
{
    struct gs_forest_row *rows = gs_malloc((k + 2) * sizeof *rows);
    if (rows == NULL)
        return gs_error_set(err, GS_NOMEM, "--plot", "out of memory");
    for (size_t j = 0; j < k; j++)
        rows[j] = (struct gs_forest_row){t->study[keep[j]].name, y[j], y[j] - z * sqrt(v[j]),
                                         y[j] + z * sqrt(v[j]), wpct[j]};
    rows[k] = (struct gs_forest_row){"Fixed effect", fe->est, fe->ci_lo, fe->ci_hi, 0};
    rows[k + 1] = (struct gs_forest_row){"Random effects", re->est, re->ci_lo, re->ci_hi, 0};
    char xlabel[96];
    snprintf(xlabel, sizeof xlabel, "%s%s", measure, rr ? " (log scale)" : "");
    struct gs_outfile o;
    gs_status st = gs_outfile_open(&o, path, "--plot", err);
    if (st == GS_OK) {
        st = gs_plot_forest(rows, k + 2, 2, rr, xlabel, &o, err);
        if (st == GS_OK)
            st = gs_outfile_commit(&o, err);
        else
            gs_outfile_abort(&o);
    }
    gs_free(rows);
    return st;
}

int cmd_meta(int argc, char **argv)
{
    struct gs_error err = GS_ERROR_INIT;
    struct cli_args a;
    struct gs_studies t = {0};
    double *y = NULL, *v = NULL, *wpct = NULL;
    size_t *keep = NULL;
    int rc;
    gs_status st = cli_parse(opts, N_OPTS, 1, argc, argv, &a, &err);
    if (st != GS_OK)
        goto fail;
    if (a.n_positional != 1) {
        st = gs_error_set(&err, GS_INPUT, "FILE", "give one study table: gabasim meta FILE.csv");
        goto fail;
    }
    const char *mv = cli_get(opts, N_OPTS, &a, "method"), *lv = cli_get(opts, N_OPTS, &a, "level");
    enum gs_meta_method method = GS_META_REML;
    if (mv && strcmp(mv, "dl") == 0)
        method = GS_META_DL;
    else if (mv && strcmp(mv, "reml") != 0) {
        st = gs_error_set(&err, GS_INPUT, "--method", "'--method' is '%s'; allowed: reml, dl", mv);
        goto fail;
    }
    double level = 0.95;
    if (lv) {
        char *end;
        level = strtod(lv, &end);
        if (*lv == '\0' || *end != '\0' || !(level > 0 && level < 1)) {
            st =
                gs_error_set(&err, GS_INPUT, "--level",
                             "'--level' is '%s'; allowed: a number between 0 and 1, e.g. 0.95", lv);
            goto fail;
        }
    }
    int hk = cli_get(opts, N_OPTS, &a, "hk") != NULL,
        json = cli_get(opts, N_OPTS, &a, "json") != NULL;
    const char *plot = cli_get(opts, N_OPTS, &a, "plot");
    if (plot && (st = gs_plot_check_path(plot, "--plot", &err)))
        goto fail;
    if ((st = gs_studies_read(&t, a.positional[0], &err))) {
        if (st == GS_NOTFOUND) /* a file named on the command line that is not there: usage */
            err.code = GS_INPUT;
        goto fail;
    }

    y = gs_malloc(t.n * sizeof *y), v = gs_malloc(t.n * sizeof *v);
    keep = gs_malloc(t.n * sizeof *keep), wpct = gs_malloc(t.n * sizeof *wpct);
    if (!y || !v || !keep || !wpct) {
        st = gs_error_set(&err, GS_NOMEM, "meta", "out of memory");
        goto fail;
    }
    size_t k = 0;
    char dropped[1024] = "";
    for (size_t i = 0; i < t.n; i++) {
        const double *s = t.study[i].v;
        struct gs_error e2 = GS_ERROR_INIT;
        gs_status s2 = GS_OK;
        if (t.kind == GS_STUDIES_MD)
            s2 = gs_meta_md(s[0], s[1], s[2], s[3], s[4], s[5], &y[k], &v[k], &e2);
        else if (t.kind == GS_STUDIES_RR)
            s2 = gs_meta_logrr(s[0], s[1], s[2], s[3], &y[k], &v[k], &e2);
        else
            y[k] = s[0], v[k] = s[1] * s[1];
        if (s2 == GS_UNSUPPORTED) { /* no events in either arm */
            size_t w = strlen(dropped);
            snprintf(dropped + w, sizeof dropped - w, "%s%s (line %zu)", w ? ", " : "",
                     t.study[i].name, t.study[i].line);
            continue;
        }
        if (s2 != GS_OK) {
            st = gs_error_set(&err, s2, "studies", "%s: line %zu: %s", a.positional[0],
                              t.study[i].line, e2.msg);
            goto fail;
        }
        keep[k++] = i;
    }
    if (k == 0) {
        st =
            gs_error_set(&err, GS_INPUT, "studies",
                         "%s: no study has events in either arm; nothing to pool", a.positional[0]);
        goto fail;
    }
    if (hk && k < 2) {
        st = gs_error_set(&err, GS_INPUT, "--hk",
                          "'--hk' needs 2 or more studies to pool; %s has %zu", a.positional[0], k);
        goto fail;
    }
    struct gs_meta_result fe, re;
    if ((st = gs_meta_pool(y, v, k, GS_META_FIXED, 0, level, &fe, &err)) ||
        (st = gs_meta_pool(y, v, k, method, hk, level, &re, &err)))
        goto fail;

    const int rr = t.kind == GS_STUDIES_RR;
    /* Mantel-Haenszel over every study (those without events add nothing to it) */
    struct gs_meta_result mh = {0};
    int have_mh = 0;
    if (rr) {
        double *col = gs_malloc(4 * t.n * sizeof *col);
        if (col == NULL) {
            st = gs_error_set(&err, GS_NOMEM, "meta", "out of memory");
            goto fail;
        }
        for (size_t i = 0; i < t.n; i++)
            for (int c = 0; c < 4; c++)
                col[c * t.n + i] = t.study[i].v[c];
        struct gs_error e2 = GS_ERROR_INIT;
        have_mh = gs_meta_mh_rr(col, col + t.n, col + 2 * t.n, col + 3 * t.n, t.n, level, &mh,
                                &e2) == GS_OK;
        gs_free(col);
    }
    const char *measure = t.kind == GS_STUDIES_MD ? "mean difference"
                          : rr                    ? "risk ratio"
                                                  : "effect (as given)";
    double (*tr)(double) = rr ? exp : NULL;
#define TR(x) (tr ? tr(x) : (x))
    const char *mname = method == GS_META_DL ? "DerSimonian-Laird" : "REML";
    /* each study's random-effects weight in %, shown in every output */
    double wsum_re = 0;
    for (size_t j = 0; j < k; j++)
        wsum_re += 1 / (v[j] + re.tau2);
    for (size_t j = 0; j < k; j++)
        wpct[j] = 100 / (v[j] + re.tau2) / wsum_re;
    if (plot && (st = forest(plot, &t, keep, y, v, k, &fe, &re, wpct, rr, measure, &err)))
        goto fail;
    if (json) {
        printf("{\n  \"measure\": \"%s\",\n  \"level\": %g,\n  \"studies\": [", measure, level);
        for (size_t j = 0; j < k; j++) {
            printf("%s\n    {\"study\": ", j ? "," : "");
            json_str(t.study[keep[j]].name);
            printf(", \"yi\": %.10g, \"vi\": %.10g, \"weight_random_pct\": %.6g}", y[j], v[j],
                   wpct[j]);
        }
        printf("\n  ],\n  \"dropped_no_events\": ");
        json_str(dropped);
        const struct gs_meta_result *m[2] = {&fe, &re};
        const char *names[2] = {"fixed", "random"};
        for (int i = 0; i < 2; i++)
            printf(",\n  \"%s\": {\"method\": \"%s\", \"estimate\": %.10g, \"ci\": [%.10g, %.10g], "
                   "\"se\": %.10g, \"p\": %.10g, \"tau2\": %.10g, \"i2_pct\": %.10g, "
                   "\"h2\": %.10g, \"q\": %.10g, \"q_df\": %zu, \"q_p\": %.10g, "
                   "\"prediction_interval\": [%.10g, %.10g], \"t_df\": %d}",
                   names[i], i ? mname : "inverse variance", TR(m[i]->est), TR(m[i]->ci_lo),
                   TR(m[i]->ci_hi), m[i]->se, m[i]->p, m[i]->tau2, m[i]->i2, m[i]->h2, m[i]->q,
                   k - 1, k > 1 ? m[i]->q_p : 1.0, TR(m[i]->pi_lo), TR(m[i]->pi_hi), m[i]->df);
        if (have_mh)
            printf(",\n  \"mantel_haenszel\": {\"estimate\": %.10g, \"ci\": [%.10g, %.10g], "
                   "\"se\": %.10g, \"p\": %.10g}",
                   exp(mh.est), exp(mh.ci_lo), exp(mh.ci_hi), mh.se, mh.p);
        printf("\n}\n");
    } else {
        printf("gabasim meta  %s: %zu stud%s, %s%s\n\n", a.positional[0], k, k == 1 ? "y" : "ies",
               measure, rr ? " (pooled on the log scale)" : "");
        printf("  %-32s %10s  %-22s %8s\n", "study", "estimate", "95% CI", "weight");
        for (size_t j = 0; j < k; j++) {
            double se = sqrt(v[j]);
            printf("  %-32.32s %10.3g  %9.3g to %-9.3g %7.1f%%\n", t.study[keep[j]].name, TR(y[j]),
                   TR(y[j] - z * se), TR(y[j] + z * se), wpct[j]);
        }
        if (*dropped)
            printf("  dropped, no events in either arm: %s\n", dropped);
        printf("  (study intervals are 95 %%; weights are the random-effects model's)\n\n");
        printf("Fixed effect (inverse variance): %.3g (%g %% CI %.3g to %.3g), p = %.3g\n",
               TR(fe.est), 100 * level, TR(fe.ci_lo), TR(fe.ci_hi), fe.p);
        if (rr && have_mh)
            printf("Fixed effect (Mantel-Haenszel): %.3g (%.3g to %.3g), p = %.3g\n", exp(mh.est),
                   exp(mh.ci_lo), exp(mh.ci_hi), mh.p);
        printf("Random effects (%s%s): %.3g (%.3g to %.3g), p = %.3g\n", mname,
               re.df ? ", Hartung-Knapp" : "", TR(re.est), TR(re.ci_lo), TR(re.ci_hi), re.p);
        printf("  prediction interval for a new study: %.3g to %.3g\n", TR(re.pi_lo), TR(re.pi_hi));
        printf("Heterogeneity: tau^2 = %.3g, I^2 = %.1f %%, H^2 = %.3g, Q = %.3g on %zu df",
               re.tau2, re.i2, re.h2, fe.q, k - 1);
        if (k > 1)
            printf(" (p = %.3g)", fe.q_p);
        printf("\n");
    }
    rc = fflush(stdout) == 0 ? GS_EXIT_OK : GS_EXIT_FAIL;
    goto done;
fail:
    rc = cli_fail(&err);
done:
    gs_free(y);
    gs_free(v);
    gs_free(keep);
    gs_free(wpct);
    gs_studies_release(&t);
    return rc;
}
