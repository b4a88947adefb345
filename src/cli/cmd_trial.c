/* cmd_trial.c - `gabasim trial SPEC.json`: one virtual trial (participant flow, Table 1, primary
 * result, responders, side effects), or many replicates (power, the estimate's distribution,
 * a power curve over N per arm). Options, one gs_trial_simulate() call, then the output layer
 * (gabasim/report_trial.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gabasim/report.h"
#include "gabasim/report_progress.h"
#include "gabasim/report_trial.h"
#include "gabasim/trial.h"
#include "gabasim/units.h"
#include "gabasim/plot.h"
#include "gabasim/par.h"

struct trial_opts {
    long replicates, seed, threads;
    const char *n_grid, *csv, *plot;
    double observed;
    int json, quiet;
};

#define TRIAL_OPTIONS(o)                                                                           \
    {                                                                                              \
        OPT_COUNT("replicates", "R", 1, GS_TRIAL_MAX_REPS, &(o)->replicates,                       \
                  "simulate R replicates: power and the estimate's distribution"),                 \
            OPT_STRING("n-grid", "LIST", &(o)->n_grid,                                             \
                       "with --replicates: power for each N per arm, e.g. 25,50,100 (up to 32 "    \
                       "values)"),                                                                 \
            OPT_NUMBER("observed", "X", -10, 10, &(o)->observed,                                   \
                       "with --replicates: share of replicates at least as extreme as difference " \
                       "X (0-10 scale, not 0)"),                                                   \
            OPT_SEED(&(o)->seed), OPT_THREADS(&(o)->threads), OPT_JSON(&(o)->json),                \
            OPT_STRING("csv", "FILE", &(o)->csv,                                                   \
                       "one trial: a row per participant; replicates: study,yi,sei rows for "      \
                       "`gabasim meta`"),                                                          \
            OPT_STRING("plot", "FILE", &(o)->plot,                                                 \
                       "FILE.svg or .png: pain by visit and arm (one trial) or the power curve "   \
                       "(--n-grid)"),                                                              \
            OPT_FLAG("quiet", &(o)->quiet, "no progress line on stderr (replicates)"), OPT_END()   \
    }

void help_trial(FILE *f)
{
    fprintf(
        f,
        "usage: gabasim trial SPEC.json [--seed S] [--json] [--csv FILE] [--plot FILE.svg]\n"
        "       gabasim trial SPEC.json --replicates R [--n-grid 25,50,100] [--observed X]\n"
        "                               [--threads T] [--quiet] [--csv FILE] [--plot FILE.svg]\n\n"
        "Simulates a randomized two-arm trial described by SPEC.json (docs/trial.md): a\n"
        "virtual population screened against the inclusion criteria, randomized, titrated,\n"
        "followed visit by visit (pain on 0-10 from the placebo course and the drug effect,\n"
        "side effects from the side-effect model, dropout), then analysed as specified\n"
        "(MMRM over every visit, ANCOVA on baseline, t test, or a random-intercept model).\n"
        "One trial prints the participant flow, Table 1, the primary result, responders\n"
        "(>= 30 %% and >= 50 %% less pain: difference, odds ratio, test) and the side-effect\n"
        "table; --replicates prints the power (share of replicates with a significant\n"
        "benefit), the power of the >= 30 %% responder endpoint, the distribution of the\n"
        "estimate and, with --n-grid, a power curve. Replicate r depends only on (seed, r):\n"
        "results are identical for any --threads, and under mpirun for any number of ranks\n"
        "(docs/mpi.md). The replicates' CSV (study,yi,sei) feeds `gabasim meta` directly.\n\n"
        "options:\n");
    struct trial_opts o;
    struct option t[] = TRIAL_OPTIONS(&o);
    opt_print_help(f, t);
    fprintf(f,
            "\nexamples:\n"
            "  gabasim trial examples/clbp-gabapentin-trial.json --plot pain.svg\n"
            "  gabasim trial examples/clbp-gabapentin-trial.json --replicates 1000 "
            "--n-grid 55,110,220\n\n%s\n",
            "A virtual trial is a model's prediction, not evidence; it supports, and does not "
            "replace, a clinician's judgement.");
}

int cmd_trial(int argc, char **argv)
{
    struct gs_error err = GS_ERROR_INIT;
    struct trial_opts o = {.seed = -1, .observed = NAN};
    struct option t[] = TRIAL_OPTIONS(&o);
    const char *spec = NULL;
    int n_spec = 0;
    gs_status st = opt_parse(t, argc, argv, 1, &spec, &n_spec, &err);
    if (st != GS_OK)
        return cli_fail(&err);
    if (n_spec != 1) {
        gs_error_set(&err, GS_INPUT, "SPEC",
                     "give one trial specification file: gabasim trial SPEC.json ('-': standard "
                     "input; see gabasim help trial)");
        return cli_fail(&err);
    }
    struct gs_trial_request req = GS_TRIAL_REQUEST_INIT;
    long grid[GS_TRIAL_MAX_GRID];
    long reps = o.replicates;
    if (o.n_grid && (st = cli_parse_n_grid(o.n_grid, grid, &req.n_grid_len, &err)))
        return cli_fail(&err);
    req.observed = o.observed;
    if (req.observed == 0.0) {
        gs_error_set(&err, GS_INPUT, "--observed",
                     "'--observed' is 0; give a non-zero difference in pain from -10 to 10 "
                     "(negative: less pain on the drug)");
        return cli_fail(&err);
    }
    if (!reps && (req.n_grid_len || !isnan(req.observed))) {
        const char *name = req.n_grid_len ? "--n-grid" : "--observed";
        gs_error_set(&err, GS_INPUT, name,
                     "'%s' needs --replicates (it summarises many simulated trials)", name);
        return cli_fail(&err);
    }
    const char *plot = o.plot, *csv = o.csv;
    if (plot && reps && !req.n_grid_len) {
        gs_error_set(&err, GS_INPUT, "--plot",
                     "with --replicates, --plot draws the power curve: add --n-grid");
        return cli_fail(&err);
    }
    const char *paths[2] = {csv, plot}, *fields[2] = {"--csv", "--plot"};
    int to_stdout = 0;
    if ((st = cli_check_outputs(paths, fields, 2, o.json, &to_stdout, &err)) ||
        (st = cli_check_not_input(paths, fields, 2, &spec, (const char *[]){"SPEC"}, 1, &err)) ||
        (plot && (st = gs_plot_check_path(plot, "--plot", &err))))
        return cli_fail(&err);
    req.spec_path = spec;
    req.override_seed = o.seed >= 0;
    req.seed = o.seed >= 0 ? (uint64_t)o.seed : 0;
    req.replicates = reps;
    req.n_grid = grid;
    req.threads = (int)o.threads;

    /* files first (to temporaries, committed once everything is computed: in-place copies
     * before renames), then stdout: a failure leaves no partial file and prints no report of
     * files that were not written */
    struct gs_outfile o_csv = {0}, o_plot = {0};
    int csv_open = 0, plot_open = 0;
    struct gs_trial_simulation *sim = NULL;
    int root = gs_par_rank() == 0; /* under mpirun, rank 0 alone writes (docs/mpi.md) */
    if (root && csv && !(st = gs_outfile_open(&o_csv, csv, "--csv", &err)))
        csv_open = 1;
    if (!st && root && plot && !(st = gs_outfile_open(&o_plot, plot, "--plot", &err)))
        plot_open = 1;
    struct gs_report_progress progress;
    req.on_progress = gs_report_progress;
    req.progress_ctx = &progress;
    if (st || (st = cli_progress_start(&progress, o.quiet, "trial replicates", 0, &err)) ||
        (st = gs_trial_simulate(&req, &sim, &err)))
        goto done;
    if (csv_open && (st = gs_report_trial_csv(sim, o_csv.f, &err)))
        goto done;
    if (plot_open && (st = gs_report_trial_plot(sim, &o_plot, &err)))
        goto done;
    struct gs_outfile *all[2] = {csv_open ? &o_csv : NULL, plot_open ? &o_plot : NULL};
    csv_open = plot_open = 0;
    if ((st = gs_outfile_commit_all(all, 2, &err)))
        goto done;
    if (!to_stdout)
        st = o.json ? gs_report_trial_json(sim, stdout, &err)
                    : gs_report_trial_text(sim, stdout, &err);
    if (st == GS_OK)
        st = cli_flush_stdout(&err);
done:
    if (csv_open)
        gs_outfile_abort(&o_csv);
    if (plot_open)
        gs_outfile_abort(&o_plot);
    gs_trial_simulation_free(sim);
    return st == GS_OK ? GS_EXIT_OK : cli_fail(&err);
}
