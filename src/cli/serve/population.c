/* population.c - `gabasim population` through the server, for the Regimen explorer: the
 * command's options less its files (no --data, --covariates, --out or CSV/JSON/plot files), the
 * same gs_population() call, and the same writers: gs_report_population_json (the bytes of
 * `population --json`) and gs_plot_population (the SVG of `population --plot FILE.svg`). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "gabasim/gabasim.h"
#include "gabasim/report_population.h"
#include "serve.h"

struct pop_opts {
    const char *drug, *variability, *percentiles;
    long n, seed;
    double window_from_h, window_to_h;
    struct opt_quantities threshold;
    struct cli_patient_opts patient;
    struct cli_regimen_opts regimen;
    struct cli_grid_opts grid;
    struct cli_solver_opts solver;
};

#define SERVE_POP_OPTIONS(o)                                                                       \
    {                                                                                              \
        OPT_STRING("drug", "NAME", &(o)->drug, "drug library name"),                               \
            OPT_COUNT("n", "N", 1, SERVE_MAX_N, &(o)->n, "number of virtual subjects"),            \
            OPT_SEED(&(o)->seed),                                                                  \
            OPT_STRING("variability", "SCALE", &(o)->variability, "between-subject SDs x SCALE"),  \
            OPT_REGIMEN(&(o)->regimen), OPT_PATIENT(&(o)->patient), OPT_GRID(&(o)->grid),          \
            OPT_QUANTITY("window-from", "TIME", GS_DIM_TIME, -INFINITY, INFINITY,                  \
                         &(o)->window_from_h, "metrics window start"),                             \
            OPT_QUANTITY("window-to", "TIME", GS_DIM_TIME, -INFINITY, INFINITY, &(o)->window_to_h, \
                         "metrics window end"),                                                    \
            OPT_QUANTITIES("threshold", "CONC", GS_DIM_CONC, 0, INFINITY, &(o)->threshold,         \
                           "target concentration"),                                                \
            OPT_STRING("percentiles", "LIST", &(o)->percentiles, "extra percentiles"),             \
            OPT_SOLVER(&(o)->solver), OPT_END()                                                    \
    }

/* As cmd_population builds its request (src/cli/cmd_population.c), for one patient. */
static gs_status run(struct serve_argv *av, struct pop_opts *o, gs_drug **drug,
                     struct gs_population_result **res, struct gs_error *err)
{
    struct option t[] = SERVE_POP_OPTIONS(o);
    struct gs_population_request req;
    struct gs_regimen *reg = malloc(sizeof *reg);
    struct gs_patient pt;
    double *grid = NULL, extra_pct[GS_POP_MAX_EXTRA_PCT];
    gs_status st = GS_OK;
    if (reg == NULL)
        return gs_error_set(err, GS_NOMEM, "body", "out of memory");
    gs_population_request_init(&req);
    if ((st = opt_parse(t, av->argc, av->argv, 0, NULL, NULL, err)))
        goto done;
    if (o->drug == NULL)
        st = gs_error_set(err, GS_INPUT, "--drug", "missing '--drug' (see 'gabasim drugs')");
    else if (o->variability)
        st = gs_population_parse_variability(o->variability, &req.variability_scale, err);
    cli_solver(&o->solver, &req.sim);
    if (st || (st = serve_check_drug(o->drug, err)) || (st = gs_drug_load(drug, o->drug, err)))
        goto done;
    req.drug = *drug;
    req.seed = (uint64_t)o->seed;
    req.threads = 1; /* the server's worker threads are the parallelism; results do not change */
    req.n = o->n;
    if ((st = cli_patient(&o->patient, &pt, err)) ||
        (st = cli_regimen(&o->regimen, *drug, reg, err)))
        goto done;
    req.single_dose = cli_regimen_single(&o->regimen);
    struct cli_grid_opts g = o->grid; /* hourly unless --out-every says otherwise */
    if (isnan(g.every_h))
        g.every_h = 1.0;
    if ((st = cli_grid(&g, reg, req.single_dose, &grid, &req.n_out, err)))
        goto done;
    req.window_from_h = o->window_from_h;
    req.window_to_h = o->window_to_h;
    if (o->threshold.n > GS_POP_MAX_THRESHOLDS) {
        st = gs_error_set(err, GS_INPUT, "--threshold", "at most %d '--threshold'",
                          GS_POP_MAX_THRESHOLDS);
        goto done;
    }
    req.n_thresholds = (size_t)o->threshold.n;
    if (o->percentiles &&
        (st = gs_population_parse_percentiles(o->percentiles, extra_pct, &req.n_extra_pct, err)))
        goto done;
    req.patient = &pt;
    req.regimen = reg;
    req.t_out = grid;
    req.thresholds_mg_l = o->threshold.v;
    req.extra_pct = extra_pct;
    st = gs_population(&req, res, err);
done:
    gs_free(grid);
    free(reg);
    return st;
}

/* The plot as `population --plot FILE.svg` draws it, from the <svg> element on. */
static gs_status plot(const struct gs_population_result *res, const gs_drug *drug,
                      const struct pop_opts *o, struct sbuf *out, struct gs_error *err)
{
    static unsigned long counter;
    char path[4200];
    struct gs_outfile f;
    serve_plot_lock();
    snprintf(path, sizeof path, "%s/population-%lu.svg", serve_tmpdir, counter++);
    gs_status st = gs_outfile_open(&f, path, "--plot", err);
    if (st == GS_OK && (st = gs_plot_population(&res->pop, drug, o->threshold.v,
                                                (size_t)o->threshold.n, &f, err)) != GS_OK)
        gs_outfile_abort(&f);
    else if (st == GS_OK)
        st = gs_outfile_commit(&f, err);
    serve_plot_unlock();
    return serve_svg_take(path, st, out, 0, err);
}

void api_population(const struct serve_req *rq, struct serve_resp *rs, int svg)
{
    struct gs_error err = GS_ERROR_INIT;
    struct serve_argv av;
    struct pop_opts o = {.seed = 1,
                         .window_from_h = NAN,
                         .window_to_h = NAN,
                         .patient = CLI_PATIENT_OPTS_INIT,
                         .regimen = CLI_REGIMEN_OPTS_INIT,
                         .grid = CLI_GRID_OPTS_INIT,
                         .solver = CLI_SOLVER_OPTS_INIT};
    struct option t[] = SERVE_POP_OPTIONS(&o);
    gs_drug *drug = NULL;
    struct gs_population_result *res = NULL;
    gs_status st = serve_args(rq->body, rq->body_len, rq->form, t, &av, &err);
    if (st == GS_OK)
        st = run(&av, &o, &drug, &res, &err);
    if (st == GS_OK && svg) {
        if ((st = plot(res, drug, &o, &rs->body, &err)) == GS_OK) {
            rs->status = 200;
            rs->type = "image/svg+xml";
        }
    } else if (st == GS_OK) {
        char *json = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&json, &len);
        if (f == NULL)
            st = gs_error_set(&err, GS_NOMEM, "body", "out of memory");
        else {
            st = gs_report_population_json(res, f, &err);
            if (fclose(f) != 0 && st == GS_OK)
                st = gs_error_set(&err, GS_NOMEM, "body", "out of memory");
        }
        if (st == GS_OK)
            serve_json(rs, 200, json, len);
        else
            free(json);
    }
    if (st != GS_OK)
        serve_error(rs, &err);
    gs_population_result_free(res);
    gs_drug_free(drug);
    serve_argv_release(&av);
}
