/* cmd_trial.c - `gabasim trial SPEC.json`: one virtual trial (participant flow, Table 1, primary
 * result, responders, side effects), or many replicates (power, the estimate's distribution,
 * a power curve over N per arm). Printing is in trial_report.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gabasim/alloc.h"
#include "gabasim/report.h"
#include "gabasim/trial.h"
#include "gabasim/units.h"
#include "trial_report.h"

static const struct cli_opt opts[] = {
    {"replicates", "R", CLI_VALUE, 0,
     "simulate R replicates (1 to 1000000): power and the estimate's distribution"},
    {"n-grid", "LIST", CLI_VALUE, 0,
     "with --replicates: power for each N per arm, e.g. 25,50,100 (up to 32 values)"},
    {"observed", "X", CLI_VALUE, 0,
     "with --replicates: share of replicates at least as extreme as difference X (0-10 scale)"},
    {"seed", "S", CLI_VALUE, 0, "random seed, a whole number (overrides the file's \"seed\")"},
    {"threads", "T", CLI_VALUE, 0,
     "worker threads (default: all cores); results do not depend on it"},
    {"json", NULL, CLI_FLAG, 0, "print JSON instead of text"},
    {"csv", "FILE", CLI_VALUE, 0,
     "one trial: a row per participant; replicates: study,yi,sei rows for `gabasim meta`"},
    {"plot", "FILE", CLI_VALUE, 0,
     "FILE.svg or .png: pain by visit and arm (one trial) or the power curve (--n-grid)"},
};
#define N_OPTS (sizeof opts / sizeof opts[0])

void help_trial(FILE *f)
{
    fprintf(f,
            "usage: gabasim trial SPEC.json [--seed S] [--json] [--csv FILE] [--plot FILE.svg]\n"
            "       gabasim trial SPEC.json --replicates R [--n-grid 25,50,100] [--observed X]\n"
            "                               [--threads T] [--csv FILE] [--plot FILE.svg]\n\n"
            "Simulates a randomized two-arm trial described by SPEC.json (docs/trial.md): a\n"
            "virtual population screened against the inclusion criteria, randomized, titrated,\n"
            "followed visit by visit (pain on 0-10 from the placebo course and the drug effect,\n"
            "side effects from the side-effect model, dropout), then analysed as specified\n"
            "(ANCOVA on baseline, t test, or a random-intercept mixed model over every visit).\n"
            "One trial prints the participant flow, Table 1, the primary result, responders\n"
            "and the side-effect table; --replicates prints the power (share of replicates with\n"
            "a significant benefit), the distribution of the estimate and, with --n-grid, a\n"
            "power curve. Replicate r depends only on (seed, r): results are identical for any\n"
            "--threads. The replicates' CSV (study,yi,sei) feeds `gabasim meta` directly.\n\n"
            "options:\n");
    cli_print_options(f, opts, N_OPTS);
    fprintf(f,
            "\nexamples:\n"
            "  gabasim trial examples/clbp-gabapentin-trial.json --plot pain.svg\n"
            "  gabasim trial examples/clbp-gabapentin-trial.json --replicates 1000 "
            "--n-grid 55,110,220\n\n%s\n",
            "A virtual trial is a model's prediction, not evidence; it supports, and does not "
            "replace, a clinician's judgement.");
}

static gs_status parse_grid(const char *text, long *grid, size_t *n, struct gs_error *err)
{
    *n = 0;
    const char *p = text;
    while (*p) {
        char cell[32];
        size_t l = strcspn(p, ",");
        if (l == 0 || l >= sizeof cell || *n == GS_TRIAL_MAX_GRID)
            return gs_error_set(err, GS_INPUT, "--n-grid",
                                "'--n-grid' is '%s'; give up to %d whole numbers from 2 to 100000 "
                                "separated by commas",
                                text, GS_TRIAL_MAX_GRID);
        memcpy(cell, p, l);
        cell[l] = '\0';
        long v;
        if (gs_parse_count(cell, "--n-grid", GS_TRIAL_MAX_ARM_N, &v, err) != GS_OK || v < 2)
            return gs_error_set(err, GS_INPUT, "--n-grid",
                                "'--n-grid' value '%s' is not allowed; N per arm must be a whole "
                                "number from 2 to 100000",
                                cell);
        grid[(*n)++] = v;
        p += l;
        if (*p == ',') {
            p++;
            if (*p == '\0')
                return gs_error_set(err, GS_INPUT, "--n-grid",
                                    "'--n-grid' is '%s': it ends with a comma", text);
        }
    }
    if (*n == 0)
        return gs_error_set(err, GS_INPUT, "--n-grid", "'--n-grid' is empty");
    return GS_OK;
}

int cmd_trial(int argc, char **argv)
{
    struct cli_args a;
    struct gs_error err = {0};
    gs_status st = cli_parse(opts, N_OPTS, 1, argc, argv, &a, &err);
    if (st != GS_OK)
        return cli_fail(&err);
    if (a.n_positional != 1) {
        gs_error_set(&err, GS_INPUT, "SPEC",
                     "give one trial specification file: gabasim trial SPEC.json (see gabasim "
                     "help trial)");
        return cli_fail(&err);
    }
#define GET(name) cli_get(opts, N_OPTS, &a, name)
    long reps = 0, threads = 0, seed = -1, grid[GS_TRIAL_MAX_GRID];
    size_t n_grid = 0;
    double observed = NAN;
    const char *v;
    if ((v = GET("replicates")) &&
        ((st = gs_parse_count(v, "--replicates", GS_TRIAL_MAX_REPS, &reps, &err)) || reps < 1)) {
        if (st == GS_OK)
            gs_error_set(&err, GS_INPUT, "--replicates", "'--replicates' is %s; allowed 1 to %ld",
                         v, GS_TRIAL_MAX_REPS);
        return cli_fail(&err);
    }
    if ((v = GET("threads")) && (st = gs_parse_count(v, "--threads", 256, &threads, &err)))
        return cli_fail(&err);
    if ((v = GET("seed")) && (st = gs_parse_count(v, "--seed", 9007199254740992L, &seed, &err)))
        return cli_fail(&err);
    if ((v = GET("n-grid")) && (st = parse_grid(v, grid, &n_grid, &err)))
        return cli_fail(&err);
    if ((v = GET("observed"))) {
        char *end;
        observed = strtod(v, &end);
        if (end == v || *end || !(observed >= -10.0 && observed <= 10.0) || observed == 0.0) {
            gs_error_set(&err, GS_INPUT, "--observed",
                         "'--observed' is '%s'; give a non-zero difference in pain from -10 to "
                         "10 (negative: less pain on the drug)",
                         v);
            return cli_fail(&err);
        }
    }
    if (!reps && (n_grid || !isnan(observed))) {
        gs_error_set(&err, GS_INPUT, n_grid ? "--n-grid" : "--observed",
                     "'%s' needs --replicates (it summarises many simulated trials)",
                     n_grid ? "--n-grid" : "--observed");
        return cli_fail(&err);
    }
    const char *plot = GET("plot"), *csv = GET("csv");
    if (plot && reps && !n_grid) {
        gs_error_set(&err, GS_INPUT, "--plot",
                     "with --replicates, --plot draws the power curve: add --n-grid");
        return cli_fail(&err);
    }
    if (plot && (st = gs_plot_check_path(plot, "--plot", &err)))
        return cli_fail(&err);
    if (plot && csv && strcmp(plot, csv) == 0) {
        gs_error_set(&err, GS_INPUT, "--csv", "'--csv' and '--plot' name the same file '%s'", csv);
        return cli_fail(&err);
    }

    struct gs_trial_spec spec;
    if ((st = gs_trial_spec_load(&spec, a.positional[0], &err))) {
        if (st == GS_NOTFOUND) /* a file named on the command line that is not there: usage */
            err.code = GS_INPUT;
        return cli_fail(&err);
    }
    if (seed >= 0)
        spec.seed = (uint64_t)seed;
    gs_trial *t = NULL;
    if ((st = gs_trial_create(&t, &spec, &err)))
        return cli_fail(&err);

    /* files first (to temporaries, renamed one after the other once everything is computed),
     * then stdout: a failure leaves no partial file and prints no report of files that were not
     * written (only a failed rename of the second file would leave the first, complete) */
    struct gs_outfile o_csv = {0}, o_plot = {0};
    int csv_open = 0, plot_open = 0;
    struct gs_trial_result r = GS_TRIAL_RESULT_INIT;
    struct gs_trial_reps main_reps = {0}, *g = NULL;
    if (csv) {
        if ((st = gs_outfile_open(&o_csv, csv, "--csv", &err)))
            goto done;
        csv_open = 1;
    }
    if (plot) {
        if ((st = gs_outfile_open(&o_plot, plot, "--plot", &err)))
            goto done;
        plot_open = 1;
    }
    if (!reps) {
        if ((st = gs_trial_run(t, 0, 0, &r, &err)))
            goto done;
        if (csv)
            trial_write_participants(t, &r, o_csv.f);
        if (plot && (st = trial_plot_visits(t, &r, &o_plot, &err)))
            goto done;
    } else {
        if ((st = gs_trial_replicates(t, reps, 0, (int)threads, 0, &main_reps, &err)))
            goto done;
        if (n_grid) {
            if ((g = gs_calloc(n_grid, sizeof *g)) == NULL) {
                st = gs_error_set(&err, GS_NOMEM, "--n-grid", "out of memory");
                goto done;
            }
            for (size_t k = 0; k < n_grid; k++)
                if ((st = gs_trial_replicates(t, reps, grid[k], (int)threads, 0, &g[k], &err)))
                    goto done;
        }
        if (csv)
            trial_write_reps_csv(t, &main_reps, o_csv.f);
        if (plot && (st = trial_plot_power(t, g, n_grid, &o_plot, &err)))
            goto done;
    }
    if (csv_open) {
        csv_open = 0;
        if ((st = gs_outfile_commit(&o_csv, &err)))
            goto done;
    }
    if (plot_open) {
        plot_open = 0;
        if ((st = gs_outfile_commit(&o_plot, &err)))
            goto done;
    }
    int json = GET("json") != NULL;
    if (!reps && json)
        trial_print_json(t, &r, stdout);
    else if (!reps)
        trial_print_text(t, &r, stdout);
    else if (json)
        trial_print_reps_json(t, &main_reps, g, n_grid, observed, stdout);
    else
        trial_print_reps_text(t, &main_reps, g, n_grid, observed, stdout);
done:
    if (csv_open)
        gs_outfile_abort(&o_csv);
    if (plot_open)
        gs_outfile_abort(&o_plot);
    gs_trial_result_release(&r);
    gs_trial_reps_release(&main_reps);
    for (size_t k = 0; g && k < n_grid; k++)
        gs_trial_reps_release(&g[k]);
    gs_free(g);
    gs_trial_free(t);
    return st == GS_OK ? GS_EXIT_OK : cli_fail(&err);
#undef GET
}
