/* cmd_population.c - `gabasim population`: N virtual subjects, percentiles, per-subject metrics,
 * target attainment. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "gabasim/gabasim.h"
#include "gabasim/dataset_sim.h"
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
            "error) appended. Options that describe subjects or regimens do not apply.\n");
    fprintf(f, "\nexamples:\n"
               "  gabasim population --drug pregabalin --n 10000 --seed 1 --dose 150mg --every 12h "
               "--days 14\n"
               "  gabasim population --drug gabapentin --n 2000 --covariates clbp-atkinson2016 \\\n"
               "      --titrate label --days 7 --threshold 2mg/L --plot pop.svg\n");
}

static const char *get(const struct cli_args *a, const char *name)
{
    return cli_get(opts, N_OPTS, a, name);
}

struct sink {
    FILE *summary, *params, *json;
    long n_json; /* objects written so far (for the separating commas) */
    const struct gs_pop_config *cfg;
    double *cmax, *cmin, *cavg; /* per subject, for the text summary's distributions */
    int progress;
    double t0;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Appends ",number" (sig significant digits, printf's %g text) or "," when not known. */
static size_t cell(char *buf, size_t k, double v, int sig)
{
    buf[k++] = ',';
    return isnan(v) ? k : k + gs_fmt_g(buf + k, 64, v, sig);
}

/* Formats a subject's summary row, a NUL, then its parameter row, into buf. Runs in parallel
 * inside the engine (it reads only the subject and the sink's immutable settings). */
static size_t format_subject(void *ctx, const struct gs_pop_subject *s, char *buf, size_t cap)
{
    const struct sink *k = ctx;
    size_t n = 0;
    double window = k->cfg->window_to_h - k->cfg->window_from_h;
    /* three NUL-terminated texts: the summary CSV row, the parameter row, the JSON object; at
     * most about 1200 characters with 8 thresholds, inside GS_POP_TEXT_MAX */
    (void)cap;
    if (k->summary) {
        const struct gs_patient *p = &s->patient;
        n += (size_t)snprintf(buf, 64, "%ld,%s", s->index + 1,
                              p->sex == GS_SEX_UNKNOWN ? "" : gs_sex_name(p->sex));
        n = cell(buf, n, p->age_y, 6);
        n = cell(buf, n, p->weight_kg, 6);
        n = cell(buf, n, p->height_cm, 6);
        n = cell(buf, n, p->crcl_ml_min, 6);
        n = cell(buf, n, s->cmax_mg_l, 10);
        n = cell(buf, n, s->tmax_h, 6);
        n = cell(buf, n, s->cmin_mg_l, 10);
        n = cell(buf, n, s->cavg_mg_l, 10);
        n = cell(buf, n, s->auc_mg_h_l, 10);
        for (size_t t = 0; t < k->cfg->n_thresholds; t++)
            n = cell(buf, n, s->time_above_h[t], 6);
        for (size_t t = 0; t < k->cfg->n_thresholds; t++)
            n = cell(buf, n, window - s->time_above_h[t], 6);
        buf[n++] = '\n';
    }
    buf[n++] = '\0';
    if (k->params) {
        /* %.17g: parameters must read back exactly (the benchmark's comparators use them) */
        n += (size_t)snprintf(buf + n, 64, "%ld", s->index + 1);
        for (size_t i = 0; i < s->model.structure->n_params; i++)
            n += (size_t)snprintf(buf + n, 32, ",%.17g", s->model.p[i]);
        buf[n++] = '\n';
    }
    buf[n++] = '\0';
    if (k->json) {
        const struct gs_patient *p = &s->patient;
        n += (size_t)snprintf(buf + n, 96, "{\"ID\": %ld, \"sex\": \"%s\"", s->index + 1,
                              gs_sex_name(p->sex));
        const char *key[9] = {"age_y",  "weight_kg", "height_cm", "crcl_mL_min", "cmax_mg_L",
                              "tmax_h", "cmin_mg_L", "cavg_mg_L", "auc_mg_h_L"};
        const double val[9] = {p->age_y,  p->weight_kg, p->height_cm, p->crcl_ml_min, s->cmax_mg_l,
                               s->tmax_h, s->cmin_mg_l, s->cavg_mg_l, s->auc_mg_h_l};
        for (int i = 0; i < 9; i++) {
            n += (size_t)snprintf(buf + n, 64, ", \"%s\": ", key[i]);
            if (isnan(val[i]))
                n += (size_t)snprintf(buf + n, 8, "null");
            else
                n += gs_fmt_g(buf + n, 64, val[i], i < 4 ? 6 : 10);
        }
        for (int below = 0; below < 2; below++) {
            n += (size_t)snprintf(buf + n, 32, ", \"time_%s_h\": [", below ? "below" : "above");
            for (size_t t = 0; t < k->cfg->n_thresholds; t++) {
                double h = below ? window - s->time_above_h[t] : s->time_above_h[t];
                if (t)
                    buf[n++] = ',';
                n += gs_fmt_g(buf + n, 64, h, 6);
            }
            buf[n++] = ']';
        }
        buf[n++] = '}';
    }
    buf[n] = '\0';
    return n;
}

static gs_status on_subject(void *ctx, const struct gs_pop_subject *s, struct gs_error *err)
{
    struct sink *k = ctx;
    k->cmax[s->index] = s->cmax_mg_l;
    k->cmin[s->index] = s->cmin_mg_l;
    k->cavg[s->index] = s->cavg_mg_l;
    if (s->text) {
        size_t first = strlen(s->text), second = strlen(s->text + first + 1);
        const char *json = s->text + first + 1 + second + 1;
        if ((k->summary && fwrite(s->text, 1, first, k->summary) != first) ||
            (k->params && fputs(s->text + first + 1, k->params) == EOF) ||
            (k->json && fprintf(k->json, "%s%s", k->n_json++ ? ",\n" : "[\n", json) < 0))
            return gs_error_set(err, GS_IO, "--summary-csv", "writing a per-subject file failed");
    }
    return GS_OK;
}

static void on_progress(void *ctx, long done, long total)
{
    struct sink *k = ctx;
    if (!k->progress || now_s() - k->t0 < 1.0)
        return;
    fprintf(stderr, "\rgabasim: %ld / %ld subjects (%.0f %%)", done, total,
            100.0 * (double)done / (double)total);
    if (done == total)
        fputc('\n', stderr);
    fflush(stderr);
}

/* 5th, 50th and 95th percentiles (type 7) of v[0..n), sorting v. */
static void three_quantiles(double *v, long n, double q[3])
{
    static const double p[3] = {0.05, 0.5, 0.95};
    if (gs_quantiles(v, (size_t)n, p, 3, q) != GS_OK)
        q[0] = q[1] = q[2] = NAN;
}

/* `population --data`: predictions for a dataset, written in its own layout. */
static int run_dataset(const struct cli_args *a, const gs_drug *drug, double scale,
                       const struct gs_sim_options *sopt, long seed, long threads)
{
    struct gs_error err = GS_ERROR_INIT;
    static const char *not_here[] = {"n",
                                     "covariates",
                                     "dose",
                                     "every",
                                     "days",
                                     "doses",
                                     "titrate",
                                     "until",
                                     "out-every",
                                     "threshold",
                                     "window-from",
                                     "window-to",
                                     "percentiles-csv",
                                     "summary-csv",
                                     "params-csv",
                                     "plot",
                                     "start-steady",
                                     "json"};
    for (size_t i = 0; i < sizeof not_here / sizeof not_here[0]; i++)
        if (cli_get(opts, N_OPTS, a, not_here[i])) {
            gs_error_set(&err, GS_INPUT, "--data",
                         "'--data' takes subjects and doses from the dataset; '--%s' does not "
                         "apply",
                         not_here[i]);
            return cli_fail(&err);
        }
    gs_dataset *ds = NULL;
    struct gs_patient pt;
    struct gs_variability var;
    struct gs_outfile out = {0};
    int out_open = 0;
    double *pred = NULL, *ipred = NULL, *dv = NULL;
    gs_status st;
    if ((st = gs_dataset_read(&ds, get(a, "data"), &err)) ||
        (st = cli_parse_patient(a, &pt, &err)) ||
        (st = gs_variability_from_drug(drug, scale, &var, &err)))
        goto fail;
    size_t n = gs_dataset_n_rows(ds);
    pred = gs_malloc(n * sizeof *pred);
    ipred = gs_malloc(n * sizeof *ipred);
    dv = gs_malloc(n * sizeof *dv);
    if (!pred || !ipred || !dv) {
        st = gs_error_set(&err, GS_NOMEM, "--data", "out of memory for %zu rows", n);
        goto fail;
    }
    const char *path = get(a, "out");
    if (path) {
        if ((st = gs_outfile_open(&out, path, "--out", &err)))
            goto fail;
        out_open = 1;
    }
    struct gs_dataset_sim_config cfg = {ds, drug, &var, &pt, *sopt, (uint64_t)seed, (int)threads};
    if ((st = gs_dataset_simulate(&cfg, pred, ipred, dv, &err)))
        goto fail;
    if ((st = gs_dataset_write(ds, out_open ? out.f : stdout, pred, ipred, dv))) {
        gs_error_set(&err, st, "--out", "writing the dataset failed");
        goto fail;
    }
    if (out_open) {
        out_open = 0;
        if ((st = gs_outfile_commit(&out, &err)))
            goto fail;
    }
    gs_free(pred);
    gs_free(ipred);
    gs_free(dv);
    gs_dataset_free(ds);
    return fflush(stdout) == 0 ? GS_EXIT_OK : GS_EXIT_FAIL;
fail:
    if (out_open)
        gs_outfile_abort(&out);
    gs_free(pred);
    gs_free(ipred);
    gs_free(dv);
    gs_dataset_free(ds);
    return cli_fail(&err);
}

static void write_percentiles(FILE *f, const struct gs_pop_result *r, const double *extra)
{
    fprintf(f, "time_h,mean_mg_L");
    for (int q = 0; q < GS_POP_N_PCT; q++)
        fprintf(f, ",p%g_mg_L", gs_pop_percentiles[q]);
    for (size_t q = 0; q < r->n_extra_pct; q++)
        fprintf(f, ",p%g_mg_L", extra[q]);
    fputc('\n', f);
    for (size_t j = 0; j < r->n_out; j++) {
        fprintf(f, "%.10g,%.10g", r->t_h[j], r->mean_mg_l[j]);
        for (int q = 0; q < GS_POP_N_PCT; q++)
            fprintf(f, ",%.10g", r->pct_mg_l[q][j]);
        for (size_t q = 0; q < r->n_extra_pct; q++)
            fprintf(f, ",%.10g", r->extra_pct_mg_l[q][j]);
        fputc('\n', f);
    }
}

/* "2.5,97.5" -> numbers; range checks are the engine's. */
static gs_status parse_percentiles(const char *text, double *out, size_t *n, struct gs_error *err)
{
    char buf[256];
    if (strlen(text) >= sizeof buf)
        return gs_error_set(err, GS_INPUT, "--percentiles", "'--percentiles' is too long");
    memcpy(buf, text, strlen(text) + 1);
    *n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *end = NULL;
        double v = strtod(tok, &end);
        if (end == tok || *end || !isfinite(v) || strpbrk(tok, "xXnNiI"))
            return gs_error_set(err, GS_INPUT, "--percentiles",
                                "'--percentiles' has '%s'; expected numbers like 2.5,97.5", tok);
        if (*n == GS_POP_MAX_EXTRA_PCT)
            return gs_error_set(err, GS_INPUT, "--percentiles",
                                "'--percentiles' has more than %d values", GS_POP_MAX_EXTRA_PCT);
        out[(*n)++] = v;
    }
    if (*n == 0)
        return gs_error_set(err, GS_INPUT, "--percentiles", "'--percentiles' is empty");
    return GS_OK;
}

int cmd_population(int argc, char **argv)
{
    static struct cli_args a;
    struct gs_error err = GS_ERROR_INIT;
    gs_drug *drug = NULL;
    gs_covdist *cov = NULL;
    gs_dataset *covtable = NULL;
    struct gs_regimen reg;
    struct gs_patient pt;
    struct gs_variability var;
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    struct gs_pop_result res = GS_POP_RESULT_INIT;
    struct gs_sim_options sopt = GS_SIM_OPTIONS_DEFAULT;
    struct gs_outfile of[5];
    enum { N_OF = 5 };
    const char *of_opt[N_OF] = {"percentiles-csv", "summary-csv", "params-csv", "plot",
                                "summary-json"};
    int of_open[N_OF] = {0};
    double *grid = NULL, thresholds[GS_POP_MAX_THRESHOLDS], extra_pct[GS_POP_MAX_EXTRA_PCT];
    size_t n_extra = 0;
    size_t n_grid = 0, n_thr = 0;
    struct sink sink = {0};
    long n = 0, threads = 0, seed = 1;
    double scale = 1.0;
    gs_status st;
    int rc;
    const char *v;

    if ((st = cli_parse(opts, N_OPTS, 0, argc, argv, &a, &err)))
        goto fail;
    if (get(&a, "drug") == NULL) {
        st = gs_error_set(&err, GS_INPUT, "--drug", "missing '--drug' (see 'gabasim drugs')");
        goto fail;
    }
    if (get(&a, "out") && !get(&a, "data")) {
        st = gs_error_set(&err, GS_INPUT, "--out", "'--out' goes with '--data'");
        goto fail;
    }
    /* options that apply to populations and datasets alike */
    if ((v = get(&a, "seed")) && (st = gs_parse_count(v, "--seed", 2147483647L, &seed, &err)))
        goto fail;
    if ((v = get(&a, "threads"))) {
        if ((st = gs_parse_count(v, "--threads", 256, &threads, &err)))
            goto fail;
        if (threads < 1) {
            st = gs_error_set(&err, GS_INPUT, "--threads", "'--threads' is 0; allowed 1 to 256");
            goto fail;
        }
    }
    if ((v = get(&a, "variability"))) {
        char *end = NULL;
        scale = strtod(v, &end);
        if (end == v || *end || !isfinite(scale) || strpbrk(v, "xXnNiI")) {
            st = gs_error_set(&err, GS_INPUT, "--variability",
                              "'--variability' is '%s'; expected a number from 0 to 10", v);
            goto fail;
        }
    }
    if ((st = cli_parse_sim_options(&a, &sopt, &err)) ||
        (st = gs_drug_load(&drug, get(&a, "drug"), &err)))
        goto fail;
    if (get(&a, "data")) {
        rc = run_dataset(&a, drug, scale, &sopt, seed, threads);
        goto done;
    }
    if ((v = get(&a, "n")) != NULL) {
        if ((st = gs_parse_count(v, "--n", GS_POP_MAX_N, &n, &err)))
            goto fail;
        if (n < 1) {
            st = gs_error_set(&err, GS_INPUT, "--n", "'--n' is 0; allowed 1 to %ld", GS_POP_MAX_N);
            goto fail;
        }
    } else {
        const char *cv = get(&a, "covariates");
        size_t len = cv ? strlen(cv) : 0;
        if (!(len > 4 && strcmp(cv + len - 4, ".csv") == 0)) {
            st = gs_error_set(&err, GS_INPUT, "--n", "missing '--n' (the number of subjects)");
            goto fail;
        }
    }
    if ((v = get(&a, "covariates"))) {
        const char *clash[] = {"crcl", "scr", "age", "sex", "weight", "height", "dialysis"};
        for (size_t i = 0; i < sizeof clash / sizeof clash[0]; i++)
            if (get(&a, clash[i])) {
                st = gs_error_set(&err, GS_INPUT, "--covariates",
                                  "'--covariates' draws every patient; do not combine it with "
                                  "'--%s'",
                                  clash[i]);
                goto fail;
            }
        size_t len = strlen(v);
        if (len > 4 && strcmp(v + len - 4, ".csv") == 0) {
            if ((st = gs_dataset_read(&covtable, v, &err)))
                goto fail;
            if (get(&a, "n") == NULL)
                n = (long)gs_dataset_n_subjects(covtable);
        } else if ((st = gs_covdist_load(&cov, v, &err))) {
            goto fail;
        }
    }
    if ((st = cli_parse_patient(&a, &pt, &err)) || (st = cli_parse_regimen(&a, drug, &reg, &err)) ||
        (st = gs_variability_from_drug(drug, scale, &var, &err)) ||
        (st = gs_regimen_expand(&reg, &ev, &err)))
        goto fail;
    /* output grid: hourly by default for populations */
    int single = reg.n_doses == 1 && get(&a, "every") == NULL && get(&a, "titrate") == NULL;
    {
        struct cli_args b = a; /* default grid spacing 1 h unless given */
        int k = cli_index(opts, N_OPTS, "out-every");
        if (b.count[k] == 0) {
            b.value[k][0] = "1h";
            b.count[k] = 1;
        }
        if ((st = cli_output_grid(&b, &reg, single, &grid, &n_grid, &err)))
            goto fail;
    }
    const struct gs_regimen_step *maint = gs_regimen_maintenance(&reg);
    double until = grid[n_grid - 1];
    double wfrom = single ? grid[0] : fmax(grid[0], until - maint->ii_h), wto = until;
    if ((v = get(&a, "window-from")) &&
        (st = gs_parse_quantity(v, GS_DIM_TIME, "--window-from", &wfrom, &err)))
        goto fail;
    if ((v = get(&a, "window-to")) &&
        (st = gs_parse_quantity(v, GS_DIM_TIME, "--window-to", &wto, &err)))
        goto fail;
    for (int i = 0; i < a.count[cli_index(opts, N_OPTS, "threshold")]; i++) {
        const char *t = a.value[cli_index(opts, N_OPTS, "threshold")][i];
        if (n_thr == GS_POP_MAX_THRESHOLDS) {
            st = gs_error_set(&err, GS_INPUT, "--threshold", "at most %d '--threshold'",
                              GS_POP_MAX_THRESHOLDS);
            goto fail;
        }
        if ((st = gs_parse_quantity(t, GS_DIM_CONC, "--threshold", &thresholds[n_thr++], &err)))
            goto fail;
    }
    if ((v = get(&a, "percentiles")) && (st = parse_percentiles(v, extra_pct, &n_extra, &err)))
        goto fail;
    if ((v = get(&a, "plot")) && (st = gs_plot_check_path(v, "--plot", &err)))
        goto fail;
    for (int k = 0; k < N_OF; k++)
        if ((v = get(&a, of_opt[k]))) {
            char field[32];
            snprintf(field, sizeof field, "--%s", of_opt[k]);
            if ((st = gs_outfile_open(&of[k], v, field, &err)))
                goto fail;
            of_open[k] = 1;
        }

    struct gs_pop_config cfg = {0};
    cfg.drug = drug;
    cfg.var = &var;
    cfg.covdist = cov;
    cfg.covtable = covtable;
    cfg.patient = &pt;
    cfg.events = &ev;
    cfg.t_out = grid;
    cfg.n_out = n_grid;
    cfg.window_from_h = wfrom;
    cfg.window_to_h = wto;
    cfg.thresholds_mg_l = thresholds;
    cfg.n_thresholds = n_thr;
    cfg.extra_pct = extra_pct;
    cfg.n_extra_pct = n_extra;
    cfg.sim = sopt;
    cfg.seed = (uint64_t)seed;
    cfg.n = n;
    cfg.threads = (int)threads;
    cfg.on_subject = on_subject;
    if (of_open[1] || of_open[2] || of_open[4])
        cfg.format_subject = format_subject;
    cfg.on_progress = on_progress;
    cfg.ctx = &sink;
    sink.cfg = &cfg;
    sink.summary = of_open[1] ? of[1].f : NULL;
    sink.params = of_open[2] ? of[2].f : NULL;
    sink.json = of_open[4] ? of[4].f : NULL;
    sink.progress = !get(&a, "quiet") && isatty(STDERR_FILENO);
    sink.t0 = now_s();
    sink.cmax = gs_malloc((size_t)n * sizeof *sink.cmax);
    sink.cmin = gs_malloc((size_t)n * sizeof *sink.cmin);
    sink.cavg = gs_malloc((size_t)n * sizeof *sink.cavg);
    if (!sink.cmax || !sink.cmin || !sink.cavg) {
        st = gs_error_set(&err, GS_NOMEM, "--n", "out of memory for %ld subjects", n);
        goto fail;
    }
    if (sink.summary) {
        fprintf(sink.summary, "ID,sex,age_y,weight_kg,height_cm,crcl_mL_min,cmax_mg_L,tmax_h,"
                              "cmin_mg_L,cavg_mg_L,auc_mg_h_L");
        for (size_t t = 0; t < n_thr; t++)
            fprintf(sink.summary, ",time_above_%g_mg_L_h", thresholds[t]);
        for (size_t t = 0; t < n_thr; t++)
            fprintf(sink.summary, ",time_below_%g_mg_L_h", thresholds[t]);
        fputc('\n', sink.summary);
    }
    if (sink.params) {
        const struct gs_structure *s = gs_drug_structure(drug);
        fprintf(sink.params, "ID");
        for (size_t i = 0; i < s->n_params; i++)
            fprintf(sink.params, ",%s", s->params[i].name);
        fputc('\n', sink.params);
    }
    double t_start = now_s();
    if ((st = gs_population_run(&cfg, &res, &err)))
        goto fail;
    double elapsed = now_s() - t_start;
    if (of_open[0])
        write_percentiles(of[0].f, &res, extra_pct);
    if (of_open[4])
        fprintf(of[4].f, "%s]\n", sink.n_json ? "\n" : "[");
    if (of_open[3] && (st = gs_plot_population(&res, drug, &of[3], &err)))
        goto fail;
    for (int k = 0; k < N_OF; k++)
        if (of_open[k]) {
            of_open[k] = 0;
            if ((st = gs_outfile_commit(&of[k], &err)))
                goto fail;
        }

    double qc[3][3];
    three_quantiles(sink.cmax, n, qc[0]);
    three_quantiles(sink.cmin, n, qc[1]);
    three_quantiles(sink.cavg, n, qc[2]);
    if (get(&a, "json")) {
        printf("{\n  \"gabasim_version\": \"%s\",\n  \"notice\": \"%s\",\n", gs_version(),
               GS_CLINICAL_NOTICE);
        printf("  \"drug\": \"%s\", \"n\": %ld, \"seed\": %ld,\n", gs_drug_name(drug), n, seed);
        printf("  \"window_h\": [%.10g, %.10g],\n", wfrom, wto);
        const char *names[3] = {"cmax_mg_L", "cmin_mg_L", "cavg_mg_L"};
        printf("  \"subjects\": {");
        for (int k = 0; k < 3; k++)
            printf("%s\"%s\": {\"p5\": %.10g, \"p50\": %.10g, \"p95\": %.10g}", k ? ", " : "",
                   names[k], qc[k][0], qc[k][1], qc[k][2]);
        printf("},\n  \"target_attainment\": [");
        for (size_t t = 0; t < n_thr; t++)
            printf("%s{\"threshold_mg_L\": %.10g, \"p_cmin_at_or_above\": %.10g, "
                   "\"p_cavg_at_or_above\": %.10g}",
                   t ? ", " : "", thresholds[t], res.pta_cmin[t], res.pta_cavg[t]);
        printf("],\n  \"percentiles_exact\": %s,\n  \"percentiles\": [\n",
               res.exact_percentiles ? "true" : "false");
        for (size_t j = 0; j < res.n_out; j++) {
            printf("    {\"time_h\": %.10g, \"mean_mg_L\": %.10g", res.t_h[j], res.mean_mg_l[j]);
            for (int q = 0; q < GS_POP_N_PCT; q++)
                printf(", \"p%g_mg_L\": %.10g", gs_pop_percentiles[q], res.pct_mg_l[q][j]);
            for (size_t q = 0; q < res.n_extra_pct; q++)
                printf(", \"p%g_mg_L\": %.10g", extra_pct[q], res.extra_pct_mg_l[q][j]);
            printf("}%s\n", j + 1 < res.n_out ? "," : "");
        }
        printf("  ]\n}\n");
    } else {
        printf("gabasim %s population  %s, %ld subjects, seed %ld%s%s\n", gs_version(),
               gs_drug_name(drug), n, seed, cov || covtable ? ", covariates " : "",
               cov        ? gs_covdist_name(cov)
               : covtable ? gs_dataset_origin(covtable)
                          : "");
        printf("simulated in %.2f s; percentiles %s\n", elapsed,
               res.exact_percentiles ? "exact" : "from log histograms (256 bins per octave)");
        printf("metrics window %g-%g h   (5th / 50th / 95th percentile across subjects)\n", wfrom,
               wto);
        printf("  Cmax  %8.3g %8.3g %8.3g mg/L (over the whole profile)\n", qc[0][0], qc[0][1],
               qc[0][2]);
        printf("  Cmin  %8.3g %8.3g %8.3g mg/L\n", qc[1][0], qc[1][1], qc[1][2]);
        printf("  Cavg  %8.3g %8.3g %8.3g mg/L\n", qc[2][0], qc[2][1], qc[2][2]);
        for (size_t t = 0; t < n_thr; t++)
            printf("target %g mg/L: %.1f %% of subjects keep Cmin at or above it, %.1f %% Cavg\n",
                   thresholds[t], 100 * res.pta_cmin[t], 100 * res.pta_cavg[t]);
        size_t j = res.n_out - 1;
        printf("at %g h: median %.3g mg/L, 90 %% of subjects %.3g-%.3g mg/L\n", res.t_h[j],
               res.pct_mg_l[3][j], res.pct_mg_l[0][j], res.pct_mg_l[6][j]);
        printf("\n%s\n", GS_CLINICAL_NOTICE);
    }
    rc = fflush(stdout) == 0 ? GS_EXIT_OK : GS_EXIT_FAIL;
    goto done;
fail:
    for (int k = 0; k < N_OF; k++)
        if (of_open[k])
            gs_outfile_abort(&of[k]);
    rc = cli_fail(&err);
done:
    gs_pop_result_release(&res);
    gs_free(grid);
    gs_free(sink.cmax);
    gs_free(sink.cmin);
    gs_free(sink.cavg);
    gs_event_list_release(&ev);
    gs_covdist_free(cov);
    gs_dataset_free(covtable);
    gs_drug_free(drug);
    return rc;
}
