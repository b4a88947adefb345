/* cmd_population.c - `gabasim population`: N virtual subjects, percentiles, per-subject metrics,
 * target attainment. Options in, one gs_population() (or gs_population_dataset()) call, outputs
 * from the report layer. */
#include <string.h> /* math.h: cli.h */

#include "cli.h"
#include "gabasim/gabasim.h"
#include "gabasim/model_file.h"

enum { OF_PCT, OF_SUMMARY, OF_PARAMS, OF_PLOT, OF_JSON, OF_OUT, N_OF };
static const char *const of_opt[N_OF] = {
    "--percentiles-csv", "--summary-csv", "--params-csv", "--plot", "--summary-json", "--out"};

struct population_opts {
    const char *drug, *model, *data, *covariates, *variability, *percentiles, *drop;
    const char *file[N_OF]; /* the outputs, by OF_* */
    long n, seed, threads;
    double window_from_h, window_to_h;
    int json, quiet;
    struct opt_quantities threshold;
    struct cli_patient_opts patient;
    struct cli_regimen_opts regimen;
    struct cli_grid_opts grid;
    struct cli_solver_opts solver;
};

#define POPULATION_OPTIONS(o)                                                                      \
    {                                                                                              \
        OPT_STRING("drug", "NAME|FILE", &(o)->drug, "drug library name or a .json drug file"),     \
            OPT_STRING("model", "NAME|FILE", &(o)->model,                                          \
                       "model file in place of the drug's structure"),                             \
            OPT_STRING("data", "FILE.csv", &(o)->data,                                             \
                       "a NONMEM-style dataset: predict it, write PRED, IPRED, IWRES, "            \
                       "SIMIPRED, SIMDV (see below; '-': standard input)"),                        \
            OPT_STRING("out", "FILE.csv", &(o)->file[OF_OUT],                                      \
                       "with --data: where to write the dataset (default stdout)"),                \
            OPT_STRING("drop", "COL,...", &(o)->drop,                                              \
                       "with --data: columns kept as text, not read (NONMEM's NAME=DROP)"),        \
            OPT_COUNT("n", "N", 1, GS_POP_MAX_N, &(o)->n, "number of virtual subjects"),           \
            OPT_SEED(&(o)->seed), OPT_THREADS(&(o)->threads),                                      \
            OPT_STRING("covariates", "NAME|FILE", &(o)->covariates,                                \
                       "covariates: a population file to draw from (e.g. clbp-atkinson2016, or "   \
                       "FILE.json), or a table FILE.csv (ID, TIME, AGE, SEX, WT, HT, SCR, CRCL, "  \
                       "DIAL; may change over time); with --data: nocb (default) or locf"),        \
            OPT_STRING("variability", "SCALE", &(o)->variability,                                  \
                       "multiply the drug file's between-subject SDs (default 1; 0: every "        \
                       "subject typical)"),                                                        \
            OPT_REGIMEN(&(o)->regimen), OPT_PATIENT(&(o)->patient), OPT_GRID(&(o)->grid),          \
            OPT_QUANTITY("window-from", "TIME", GS_DIM_TIME, -INFINITY, INFINITY,                  \
                         &(o)->window_from_h,                                                      \
                         "start of the metrics window (default: last interval)"),                  \
            OPT_QUANTITY("window-to", "TIME", GS_DIM_TIME, -INFINITY, INFINITY, &(o)->window_to_h, \
                         "end of the metrics window (default: profile end)"),                      \
            OPT_QUANTITIES("threshold", "CONC", GS_DIM_CONC, 0, INFINITY, &(o)->threshold,         \
                           "a target concentration for time above and attainment: 2mg/L"),         \
            OPT_STRING("percentiles", "LIST", &(o)->percentiles,                                   \
                       "extra percentiles for the CSV and JSON, in (0, 100): 2.5,97.5 (5..95 are " \
                       "always there)"),                                                           \
            OPT_SOLVER(&(o)->solver),                                                              \
            OPT_STRING("percentiles-csv", "FILE", &(o)->file[OF_PCT],                              \
                       "per-time mean and 5/10/25/50/75/90/95th percentiles"),                     \
            OPT_STRING("summary-csv", "FILE", &(o)->file[OF_SUMMARY],                              \
                       "one row per subject: covariates and metrics"),                             \
            OPT_STRING("summary-json", "FILE", &(o)->file[OF_JSON],                                \
                       "the same as a JSON array of one object per subject"),                      \
            OPT_STRING("params-csv", "FILE", &(o)->file[OF_PARAMS],                                \
                       "one row per subject: individual parameters"),                              \
            OPT_STRING("plot", "FILE", &(o)->file[OF_PLOT],                                        \
                       "median, 50 % and 90 % bands, --threshold lines: FILE.svg or FILE.png"),    \
            OPT_FLAG("json", &(o)->json,                                                           \
                     "print JSON (summary, attainment, percentiles) instead of text"),             \
            OPT_FLAG("quiet", &(o)->quiet, "no progress line on stderr"), OPT_END()                \
    }

void help_population(FILE *f)
{
    fprintf(
        f,
        "usage: gabasim population --drug NAME --n N [--seed S] (--dose D --every T | --titrate S)"
        "\n                          (--days N | --doses N) [patient | --covariates POP] [outputs]"
        "\n\n"
        "Simulates N virtual subjects with the drug file's between-subject variability and\n"
        "reports per-time percentiles of concentration, per-subject metrics in a window\n"
        "(Cmax, Cmin, Cavg, AUC, time above thresholds) and the probability of target\n"
        "attainment (share of subjects whose Cmin, or Cavg, in the window reaches each\n"
        "threshold). Subject i depends only on (seed, i): outputs are identical for any\n"
        "--threads, and under mpirun for any number of ranks (docs/mpi.md). Percentiles\n"
        "are exact up to %ld values (N x times), then from log histograms (256 bins per\n"
        "octave). Checks the regimen against the label and shows the troughs beside the\n"
        "laboratory reference range (not a target).\n\noptions:\n",
        GS_POP_EXACT_MAX);
    struct population_opts o;
    struct option t[] = POPULATION_OPTIONS(&o);
    opt_print_help(f, t);
    fprintf(f,
            "\nWith --data FILE.csv the subjects, doses and observation times come from a\n"
            "NONMEM-style dataset read as NONMEM reads it (docs/datasets.md; covariates AGE SEX\n"
            "WT HT SCR CRCL DIAL); the output is the dataset with PRED (typical), IPRED (MAP fit\n"
            "to the subject's own DV; PRED without DV), IWRES, SIMIPRED (a simulated individual)\n"
            "and SIMDV (plus residual error) appended. Options that describe subjects or regimens\n"
            "do not apply.\n\nexamples:\n"
            "  gabasim population --drug pregabalin --n 10000 --dose 150mg --every 12h --days 14\n"
            "  gabasim population --drug gabapentin --n 2000 --covariates clbp-atkinson2016 \\\n"
            "      --titrate label --days 7 --threshold 2mg/L --plot pop.svg\n");
}

/* The subjects, the regimen, the grid and the metrics: everything but the dataset mode. */
static gs_status build_request(const struct population_opts *o, const struct option *t,
                               const gs_drug *drug, struct gs_population_request *req,
                               struct gs_patient *pt, struct gs_regimen *reg, double **grid,
                               double *extra_pct, struct gs_error *err)
{
    gs_status st;
    req->n = o->n;
    req->covariates = o->covariates;
    const char *clash = opt_first_given(t, "crcl scr age sex weight height dialysis hd-schedule");
    if (o->covariates && clash)
        return gs_error_set(err, GS_INPUT, "--covariates",
                            "'--covariates' draws every patient; do not combine it with '--%s'",
                            clash);
    if ((st = cli_patient(&o->patient, pt, err)) || (st = cli_regimen(&o->regimen, drug, reg, err)))
        return st;
    req->single_dose = cli_regimen_single(&o->regimen);
    struct cli_grid_opts g = o->grid; /* hourly unless --out-every says otherwise */
    if (isnan(g.every_h))
        g.every_h = 1.0;
    if ((st = cli_grid(&g, reg, req->single_dose, grid, &req->n_out, err)))
        return st;
    req->window_from_h = o->window_from_h;
    req->window_to_h = o->window_to_h;
    if (o->threshold.n > GS_POP_MAX_THRESHOLDS)
        return gs_error_set(err, GS_INPUT, "--threshold", "at most %d '--threshold'",
                            GS_POP_MAX_THRESHOLDS);
    req->n_thresholds = (size_t)o->threshold.n;
    if (o->percentiles &&
        (st = gs_population_parse_percentiles(o->percentiles, extra_pct, &req->n_extra_pct, err)))
        return st;
    if (o->file[OF_PLOT] && (st = gs_plot_check_path(o->file[OF_PLOT], "--plot", err)))
        return st;
    req->patient = pt;
    req->regimen = reg;
    req->t_out = *grid;
    req->thresholds_mg_l = o->threshold.v;
    req->extra_pct = extra_pct;
    return GS_OK;
}

int cmd_population(int argc, char **argv)
{
    struct gs_error err = GS_ERROR_INIT;
    struct population_opts o = {.seed = 1,
                                .window_from_h = NAN,
                                .window_to_h = NAN,
                                .patient = CLI_PATIENT_OPTS_INIT,
                                .regimen = CLI_REGIMEN_OPTS_INIT,
                                .grid = CLI_GRID_OPTS_INIT,
                                .solver = CLI_SOLVER_OPTS_INIT};
    struct option t[] = POPULATION_OPTIONS(&o);
    gs_drug *drug = NULL;
    gs_model_file *mf = NULL;
    gs_dataset *table = NULL;
    struct gs_regimen reg;
    struct gs_patient pt;
    struct gs_population_request req;
    struct gs_population_result *res = NULL;
    struct gs_population_dataset_result *dres = NULL;
    struct gs_outfile of[N_OF];
    FILE *f[N_OF] = {0}; /* the open outputs */
    double *grid = NULL, extra_pct[GS_POP_MAX_EXTRA_PCT];
    char cov[4200];
    gs_status st;
    gs_population_request_init(&req);
    if ((st = opt_parse(t, argc, argv, 0, NULL, NULL, &err)))
        goto done;
    if (o.drug == NULL)
        st = gs_error_set(&err, GS_INPUT, "--drug", "missing '--drug' (see 'gabasim drugs')");
    else if ((o.file[OF_OUT] || o.drop) && !o.data)
        st = gs_error_set(&err, GS_INPUT, o.drop ? "--drop" : "--out", "'%s' goes with '--data'",
                          o.drop ? "--drop" : "--out");
    else if (o.variability)
        st = gs_population_parse_variability(o.variability, &req.variability_scale, &err);
    cli_solver(&o.solver, &req.sim);
    if (st || (st = o.model ? gs_drug_load_with_model(&drug, &mf, o.drug, o.model, &err)
                            : gs_drug_load(&drug, o.drug, &err)))
        goto done;
    req.drug = drug;
    req.seed = (uint64_t)o.seed;
    req.threads = (int)o.threads;
    if (o.data) {
        if ((st = cli_open_dataset(t, o.data, o.covariates, o.drop, drug, &o.patient, &table, &pt,
                                   &err)))
            goto done;
    } else if ((st = build_request(&o, t, drug, &req, &pt, &reg, &grid, extra_pct, &err))) {
        goto done;
    }
    /* every output is opened before the work, so a bad path costs nothing */
    int to_stdout = 0;
    const char *in[3] = {gs_drug_origin(drug), o.data,
                         cli_covariates_path(o.covariates, cov, 4200)};
    if (!(st = cli_check_outputs(o.file, of_opt, N_OF, o.json, &to_stdout, &err)))
        st = cli_check_not_input(o.file, of_opt, N_OF, in,
                                 (const char *[]){"--drug", "--data", "--covariates"}, 3, &err);
    int root = gs_par_rank() == 0; /* under mpirun, rank 0 alone writes (docs/mpi.md) */
    for (int i = 0; i < N_OF && !st; i++)
        if (root && o.file[i] && !(st = gs_outfile_open(&of[i], o.file[i], of_opt[i], &err)))
            f[i] = of[i].f;
    if (st)
        goto done;
    if (o.data) {
        struct gs_population_dataset_request dq = {
            drug, table, &pt, req.variability_scale, req.sim, req.seed, req.threads};
        if ((st = gs_population_dataset(&dq, &dres, &err)) ||
            (st = gs_report_population_dataset_csv(dres, f[OF_OUT] ? f[OF_OUT] : stdout, &err)))
            goto done;
    } else {
        struct gs_report_pop_subjects subjects = {
            .summary_csv = f[OF_SUMMARY], .params_csv = f[OF_PARAMS], .json = f[OF_JSON]};
        struct gs_report_progress progress;
        req.sink = gs_report_population_subjects(&subjects);
        req.on_progress = gs_report_progress;
        req.progress_ctx = &progress;
        if ((st = cli_progress_start(&progress, o.quiet, "subjects", 1, &err)) ||
            (st = gs_population(&req, &res, &err)) || !root ||
            (f[OF_PCT] && (st = gs_report_population_percentiles_csv(res, f[OF_PCT], &err))) ||
            (f[OF_PLOT] && (st = gs_plot_population(&res->pop, drug, o.threshold.v,
                                                    (size_t)o.threshold.n, &of[OF_PLOT], &err))))
            goto done;
    }
    struct gs_outfile *all[N_OF]; /* every output is complete (st is GS_OK here): commit */
    for (int i = 0; i < N_OF; i++)
        all[i] = f[i] ? &of[i] : NULL, f[i] = NULL;
    st = gs_outfile_commit_all(all, N_OF, &err);
    if (!st && res && !to_stdout)
        st = o.json ? gs_report_population_json(res, stdout, &err)
                    : gs_report_population_text(res, stdout, &err);
    if (!st)
        st = cli_flush_stdout(&err);
done:
    for (int i = 0; i < N_OF; i++)
        if (f[i])
            gs_outfile_abort(&of[i]);
    gs_population_result_free(res);
    gs_population_dataset_result_free(dres);
    gs_free(grid);
    gs_dataset_free(table);
    gs_drug_free(drug);
    gs_model_file_free(mf);
    return st ? cli_fail(&err) : GS_EXIT_OK;
}
