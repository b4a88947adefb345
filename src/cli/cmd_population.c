/* cmd_population.c - `gabasim population`: N virtual subjects, percentiles, per-subject metrics,
 * target attainment. Options in, one gs_population() (or gs_population_dataset()) call, outputs
 * from the report layer. */
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "gabasim/gabasim.h"
#include "gabasim/report_population.h"
#include "gabasim/population.h"

static const struct cli_opt opts[] = {
    {"drug", "NAME|FILE", CLI_VALUE, 0, "drug library name or a .json drug file"},
    {"data", "FILE.csv", CLI_VALUE, 0,
     "a NONMEM-style dataset: simulate its subjects, write PRED, IPRED, SIMDV (see below)"},
    {"out", "FILE.csv", CLI_VALUE, 0, "with --data: where to write the dataset (default stdout)"},
    {"n", "N", CLI_VALUE, 0, "number of virtual subjects (1 to 10000000)"},
    {"seed", "S", CLI_VALUE, 0, "random seed, a whole number (default 1)"},
    {"threads", "T", CLI_VALUE, 0,
     "worker threads (default: all cores); results do not depend on it"},
    {"covariates", "NAME|FILE", CLI_VALUE, 0,
     "covariates: a population file to draw from (e.g. clbp-atkinson2016, or FILE.json), or a "
     "table FILE.csv (ID, TIME, AGE, SEX, WT, HT, SCR, CRCL, DIAL; may change over time)"},
    {"variability", "SCALE", CLI_VALUE, 0,
     "multiply the drug file's between-subject SDs (default 1; 0: every subject typical)"},
    {"dose", "DOSE", CLI_VALUE, 0, "each dose: 300mg"},
    {"every", "TIME", CLI_VALUE, 0, "dosing interval: 8h"},
    {"days", "N", CLI_VALUE, 0, "dose for N days"},
    {"doses", "N", CLI_VALUE, 0, "give exactly N doses"},
    {"titrate", "SCHEDULE", CLI_VALUE, 0, "titration DAY:DOSExN,... or a drug-file name"},
    {"start-steady", NULL, CLI_FLAG, 0, "start at steady state"},
    {"crcl", "CRCL", CLI_VALUE, 0, "every subject's CrCl, mL/min (without --covariates)"},
    {"scr", "SCR", CLI_VALUE, 0, "every subject's serum creatinine (with --age --sex --weight)"},
    {"age", "YEARS", CLI_VALUE, 0, "age in years"},
    {"sex", "SEX", CLI_VALUE, 0, "female or male"},
    {"weight", "WEIGHT", CLI_VALUE, 0, "body weight: 70kg"},
    {"height", "HEIGHT", CLI_VALUE, 0, "height: 170cm"},
    {"dialysis", NULL, CLI_FLAG, 0, "anuric, on intermittent haemodialysis"},
    {"until", "TIME", CLI_VALUE, 0, "end of the profile (default: end of dosing)"},
    {"out-every", "TIME", CLI_VALUE, 0, "output grid spacing (default 1h)"},
    {"window-from", "TIME", CLI_VALUE, 0, "start of the metrics window (default: last interval)"},
    {"window-to", "TIME", CLI_VALUE, 0, "end of the metrics window (default: profile end)"},
    {"threshold", "CONC", CLI_VALUE, 1,
     "a target concentration for time above and attainment: 2mg/L"},
    {"percentiles", "LIST", CLI_VALUE, 0,
     "extra percentiles for the CSV and JSON, in (0, 100): 2.5,97.5 (5..95 are always there)"},
    {"solver", "NAME", CLI_VALUE, 0, "auto (default), exact or cvode"},
    {"rtol", "X", CLI_VALUE, 0, "ODE relative tolerance (default 1e-8)"},
    {"atol", "X", CLI_VALUE, 0, "ODE absolute tolerance on amounts, mg (default 1e-9)"},
    {"percentiles-csv", "FILE", CLI_VALUE, 0,
     "per-time mean and 5/10/25/50/75/90/95th percentiles"},
    {"summary-csv", "FILE", CLI_VALUE, 0, "one row per subject: covariates and metrics"},
    {"summary-json", "FILE", CLI_VALUE, 0, "the same as a JSON array of one object per subject"},
    {"params-csv", "FILE", CLI_VALUE, 0, "one row per subject: individual parameters"},
    {"plot", "FILE", CLI_VALUE, 0, "median with 50 % and 90 % bands: FILE.svg or FILE.png"},
    {"json", NULL, CLI_FLAG, 0, "print JSON (summary, attainment, percentiles) instead of text"},
    {"quiet", NULL, CLI_FLAG, 0, "no progress line on stderr"},
};
#define N_OPTS (sizeof opts / sizeof opts[0])

void help_population(FILE *f)
{
    fprintf(f,
            "usage: gabasim population --drug NAME --n N [--seed S] (--dose D --every T | "
            "--titrate S)\n"
            "                          (--days N | --doses N) [patient | --covariates POP] "
            "[outputs]\n\n"
            "Simulates N virtual subjects with the drug file's between-subject variability and\n"
            "reports per-time percentiles of concentration, per-subject metrics in a window\n"
            "(Cmax, Cmin, Cavg, AUC, time above thresholds) and the probability of target\n"
            "attainment (share of subjects whose Cmin, or Cavg, in the window reaches each\n"
            "threshold). Subject i depends only on (seed, i): outputs are identical for any\n"
            "--threads. Percentiles are exact up to %ld values (N x times), then from log\n"
            "histograms (256 bins per octave).\n\noptions:\n",
            GS_POP_EXACT_MAX);
    cli_print_options(f, opts, N_OPTS);
    fprintf(f,
            "\nWith --data FILE.csv the subjects, doses and observation times come from a\n"
            "NONMEM-style dataset (ID, TIME, AMT, EVID 0-4, CMT, RATE 0, II, ADDL, SS 0-2, MDV,\n"
            "DV; covariates AGE, SEX 0/1, WT, HT, SCR, CRCL, DIAL, carried forward); the output\n"
            "is the dataset with PRED (typical), IPRED (random effects) and SIMDV (plus residual\n"
            "error) appended. Options that describe subjects or regimens do not apply.\n"
            "\nexamples:\n"
            "  gabasim population --drug pregabalin --n 10000 --seed 1 --dose 150mg --every 12h "
            "--days 14\n"
            "  gabasim population --drug gabapentin --n 2000 --covariates clbp-atkinson2016 \\\n"
            "      --titrate label --days 7 --threshold 2mg/L --plot pop.svg\n");
}

static const char *get(const struct cli_args *a, const char *name)
{
    return cli_get(opts, N_OPTS, a, name);
}

/* `--data` takes subjects and doses from the dataset: these options do not apply. */
static gs_status check_dataset_options(const struct cli_args *a, struct gs_error *err)
{
    static const char not_here[] = "n covariates dose every days doses titrate until out-every "
                                   "threshold window-from window-to percentiles percentiles-csv "
                                   "summary-csv summary-json params-csv plot start-steady json";
    char name[32];
    for (const char *w = not_here; *w; w += strcspn(w, " "), w += *w == ' ')
        if (snprintf(name, sizeof name, "%.*s", (int)strcspn(w, " "), w) > 0 && get(a, name))
            return gs_error_set(err, GS_INPUT, "--data",
                                "'--data' takes subjects and doses from the dataset; '--%s' does "
                                "not apply",
                                name);
    return GS_OK;
}

enum { OF_PCT, OF_SUMMARY, OF_PARAMS, OF_PLOT, OF_JSON, OF_OUT, N_OF };
static const char *const of_opt[N_OF] = {
    "--percentiles-csv", "--summary-csv", "--params-csv", "--plot", "--summary-json", "--out"};

int cmd_population(int argc, char **argv)
{
    static struct cli_args a, b;
    struct gs_error err = GS_ERROR_INIT;
    gs_drug *drug = NULL;
    gs_dataset *table = NULL;
    struct gs_regimen reg;
    struct gs_patient pt;
    struct gs_population_request req;
    struct gs_population_result *res = NULL;
    struct gs_population_dataset_result *dres = NULL;
    struct gs_outfile of[N_OF];
    FILE *f[N_OF] = {0}; /* the open outputs */
    double *grid = NULL, thresholds[GS_POP_MAX_THRESHOLDS], extra_pct[GS_POP_MAX_EXTRA_PCT];
    long threads = 0, seed = 1;
    gs_status st = GS_OK;
    const char *v;

    gs_population_request_init(&req);
    if ((st = cli_parse(opts, N_OPTS, 0, argc, argv, &a, &err)))
        goto done;
    if (get(&a, "drug") == NULL)
        st = gs_error_set(&err, GS_INPUT, "--drug", "missing '--drug' (see 'gabasim drugs')");
    else if (get(&a, "out") && !get(&a, "data"))
        st = gs_error_set(&err, GS_INPUT, "--out", "'--out' goes with '--data'");
    else if ((v = get(&a, "seed")))
        st = gs_parse_count(v, "--seed", 2147483647L, &seed, &err);
    if (!st && (v = get(&a, "threads")) &&
        !(st = gs_parse_count(v, "--threads", 256, &threads, &err)) && threads < 1)
        st = gs_error_set(&err, GS_INPUT, "--threads", "'--threads' is 0; allowed 1 to 256");
    if (!st && (v = get(&a, "variability")))
        st = gs_pop_parse_variability(v, &req.variability_scale, &err);
    if (st || (st = cli_parse_sim_options(&a, &req.sim, &err)) ||
        (st = gs_drug_load(&drug, get(&a, "drug"), &err)))
        goto done;
    req.drug = drug;
    req.seed = (uint64_t)seed;
    req.threads = (int)threads;
    if (get(&a, "data")) {
        if ((st = check_dataset_options(&a, &err)) ||
            (st = gs_dataset_read(&table, get(&a, "data"), &err)) ||
            (st = cli_parse_patient(&a, &pt, &err)))
            goto done;
        goto outputs;
    }
    if ((v = get(&a, "n")) && !(st = gs_parse_count(v, "--n", GS_POP_MAX_N, &req.n, &err)) &&
        req.n < 1)
        st = gs_error_set(&err, GS_INPUT, "--n", "'--n' is 0; allowed 1 to %ld", GS_POP_MAX_N);
    static const char *clash[7] = {"crcl", "scr", "age", "sex", "weight", "height", "dialysis"};
    req.covariates = get(&a, "covariates");
    for (size_t i = 0; req.covariates && !st && i < 7; i++)
        if (get(&a, clash[i]))
            st = gs_error_set(&err, GS_INPUT, "--covariates",
                              "'--covariates' draws every patient; do not combine it with '--%s'",
                              clash[i]);
    if (st || (st = cli_parse_patient(&a, &pt, &err)) ||
        (st = cli_parse_regimen(&a, drug, &reg, &err)))
        goto done;
    req.single_dose = reg.n_doses == 1 && get(&a, "every") == NULL && get(&a, "titrate") == NULL;
    b = a; /* output hourly unless --out-every says otherwise */
    int k = cli_index(opts, N_OPTS, "out-every");
    b.value[k][0] = b.count[k] ? b.value[k][0] : "1h";
    b.count[k] = 1;
    if ((st = cli_output_grid(&b, &reg, req.single_dose, &grid, &req.n_out, &err)) ||
        ((v = get(&a, "window-from")) &&
         (st = gs_parse_quantity(v, GS_DIM_TIME, "--window-from", &req.window_from_h, &err))) ||
        ((v = get(&a, "window-to")) &&
         (st = gs_parse_quantity(v, GS_DIM_TIME, "--window-to", &req.window_to_h, &err))))
        goto done;
    k = cli_index(opts, N_OPTS, "threshold");
    for (int i = 0; i < a.count[k] && !st; i++)
        st = req.n_thresholds == GS_POP_MAX_THRESHOLDS
                 ? gs_error_set(&err, GS_INPUT, "--threshold", "at most %d '--threshold'",
                                GS_POP_MAX_THRESHOLDS)
                 : gs_parse_quantity(a.value[k][i], GS_DIM_CONC, "--threshold",
                                     &thresholds[req.n_thresholds++], &err);
    if (st ||
        ((v = get(&a, "percentiles")) &&
         (st = gs_pop_parse_percentiles(v, extra_pct, &req.n_extra_pct, &err))) ||
        ((v = get(&a, "plot")) && (st = gs_plot_check_path(v, "--plot", &err))))
        goto done;
outputs: /* every output is opened before the work, so a bad path costs nothing */
    for (int i = 0; i < N_OF && !st; i++)
        if ((v = get(&a, of_opt[i] + 2)) && !(st = gs_outfile_open(&of[i], v, of_opt[i], &err)))
            f[i] = of[i].f;
    if (st)
        goto done;
    if (get(&a, "data")) {
        struct gs_population_dataset_request dq = {
            drug, table, &pt, req.variability_scale, req.sim, req.seed, req.threads};
        if ((st = gs_population_dataset(&dq, &dres, &err)) ||
            (st = gs_report_population_dataset_csv(dres, f[OF_OUT] ? f[OF_OUT] : stdout, &err)))
            goto done;
    } else {
        struct gs_report_pop_subjects subjects = {
            .summary_csv = f[OF_SUMMARY], .params_csv = f[OF_PARAMS], .json = f[OF_JSON]};
        struct gs_report_progress progress;
        gs_report_progress_start(&progress,
                                 !get(&a, "quiet") && isatty(STDERR_FILENO) ? stderr : NULL);
        req.patient = &pt;
        req.regimen = &reg;
        req.t_out = grid;
        req.thresholds_mg_l = thresholds;
        req.extra_pct = extra_pct;
        req.sink = gs_report_population_subjects(&subjects);
        req.on_progress = gs_report_population_progress;
        req.progress_ctx = &progress;
        if ((st = gs_population(&req, &res, &err)) ||
            (f[OF_PCT] && (st = gs_report_population_percentiles_csv(res, f[OF_PCT], &err))) ||
            (f[OF_PLOT] && (st = gs_plot_population(&res->pop, drug, &of[OF_PLOT], &err))))
            goto done;
    }
    for (int i = 0; i < N_OF && !st; i++) /* every output is complete: now they replace files */
        if (f[i]) {
            f[i] = NULL;
            st = gs_outfile_commit(&of[i], &err);
        }
    if (!st && res)
        st = get(&a, "json") ? gs_report_population_json(res, stdout, &err)
                             : gs_report_population_text(res, stdout, &err);
done:
    for (int i = 0; i < N_OF; i++)
        if (f[i])
            gs_outfile_abort(&of[i]);
    gs_population_result_free(res);
    gs_population_dataset_result_free(dres);
    gs_free(grid);
    gs_dataset_free(table);
    gs_drug_free(drug);
    if (st)
        return cli_fail(&err);
    return fflush(stdout) == 0 ? GS_EXIT_OK : GS_EXIT_FAIL;
}
