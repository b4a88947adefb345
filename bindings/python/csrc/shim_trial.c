/* shim_trial.c - `gabasim trial SPEC` for Python: the command's option table and checks
 * (cmd_trial.c is compiled in here), one gs_trial_simulate() call, its --json document. */
#define _POSIX_C_SOURCE 200809L
#include "cmd_trial.c"

#include "gspy.h"

static void trial_release(void *p)
{
    gs_trial_simulation_free(p);
}

int gspy_trial(int argc, char **argv, struct gspy_result **out, struct gs_error *err)
{
    struct trial_opts o = {.seed = -1, .observed = NAN};
    struct option t[] = TRIAL_OPTIONS(&o);
    const char *spec = NULL;
    int n_spec = 0;
    struct gs_trial_request req = GS_TRIAL_REQUEST_INIT;
    long grid[GS_TRIAL_MAX_GRID];
    struct gs_trial_simulation *sim = NULL;
    struct gspy_result *r = gspy_result_new(GSPY_TRIAL, trial_release);
    gs_status st;

    *out = NULL;
    if (r == NULL)
        return gs_error_set(err, GS_NOMEM, "trial", "out of memory");
    if ((st = opt_parse(t, argc, argv, 1, &spec, &n_spec, err)))
        goto done;
    if (n_spec != 1) {
        st = gs_error_set(err, GS_INPUT, "SPEC",
                          "give one trial specification file: gabasim trial SPEC.json ('-': "
                          "standard input; see gabasim help trial)");
        goto done;
    }
    if (o.csv || o.plot) {
        const char *name = o.csv ? "--csv" : "--plot";
        st = gs_error_set(err, GS_INPUT, name,
                          "'%s' writes a file; from Python, use the returned document", name);
        goto done;
    }
    long reps = o.replicates;
    if (o.n_grid && (st = cli_parse_n_grid(o.n_grid, grid, &req.n_grid_len, err)))
        goto done;
    req.observed = o.observed;
    if (req.observed == 0.0) {
        st = gs_error_set(err, GS_INPUT, "--observed",
                          "'--observed' is 0; give a non-zero difference in pain from -10 to 10 "
                          "(negative: less pain on the drug)");
        goto done;
    }
    if (!reps && (req.n_grid_len || !isnan(req.observed))) {
        const char *name = req.n_grid_len ? "--n-grid" : "--observed";
        st = gs_error_set(err, GS_INPUT, name,
                          "'%s' needs --replicates (it summarises many simulated trials)", name);
        goto done;
    }
    req.spec_path = spec;
    req.override_seed = o.seed >= 0;
    req.seed = o.seed >= 0 ? (uint64_t)o.seed : 0;
    req.replicates = reps;
    req.n_grid = grid;
    req.threads = (int)o.threads;
    if ((st = gs_trial_simulate(&req, &sim, err)))
        goto done;
    r->owner = sim;
    FILE *f = gspy_json_open(r, err);
    if (f == NULL) {
        st = GS_NOMEM;
        goto done;
    }
    st = gspy_json_close(r, f, gs_report_trial_json(sim, f, err), err);
done:
    if (st) {
        if (r->owner == NULL)
            gs_trial_simulation_free(sim);
        gspy_result_free(r);
        return st;
    }
    *out = r;
    return GS_OK;
}
