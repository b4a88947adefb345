/* shim_population.c - `gabasim population` for Python: the command's own option table and
 * request builder (cmd_population.c is compiled in here), one gs_population() call, and the
 * result kept whole so its per-time arrays can be read without copying. */
#define _POSIX_C_SOURCE 200809L
#include "cmd_population.c"

#include <stdlib.h>

#include "gspy.h"

struct pop_owner {
    struct gs_population_result *res;
    double *grid;
    gs_dataset *table; /* --data: the dataset, borrowed by dres */
    struct gs_population_dataset_result *dres;
};

static void pop_release(void *p)
{
    struct pop_owner *o = p;
    gs_population_result_free(o->res);
    gs_population_dataset_result_free(o->dres);
    gs_dataset_free(o->table);
    gs_free(o->grid);
    free(o);
}

/* --data: the dataset's predictions; the document is the CSV the command writes (r->json holds
 * it, r->kind says so), the columns PRED, IPRED, SIMDV point into the result. */
static gs_status dataset_mode(struct population_opts *o, const struct option *t,
                              struct gs_population_request *req, gs_drug *drug,
                              struct pop_owner *own, struct gspy_result *r, struct gs_error *err)
{
    struct gs_patient pt;
    gs_status st;
    if ((st = cli_open_dataset((struct option *)t, o->data, o->covariates, o->drop, drug,
                               &o->patient, &own->table, &pt, err)))
        return st;
    struct gs_population_dataset_request dq = {
        drug, own->table, &pt, req->variability_scale, req->sim, req->seed, req->threads};
    if ((st = gs_population_dataset(&dq, &own->dres, err)))
        return st;
    FILE *f = gspy_json_open(r, err);
    if (f == NULL)
        return GS_NOMEM;
    st = gs_report_population_dataset_csv(own->dres, f, err);
    if (fclose(f) != 0 && st == GS_OK)
        st = gs_error_set(err, GS_NOMEM, "--data", "out of memory writing the dataset");
    if (st)
        return st;
    r->kind = GSPY_POPULATION_DATASET;
    r->n_rows = own->dres->n_rows;
    gspy_add_col(r, "PRED", own->dres->pred_mg_l, 1);
    gspy_add_col(r, "IPRED", own->dres->ipred_mg_l, 1);
    gspy_add_col(r, "SIMDV", own->dres->simdv_mg_l, 1);
    return GS_OK;
}

int gspy_population(int argc, char **argv, struct gspy_result **out, struct gs_error *err)
{
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
    struct gs_regimen reg;
    struct gs_patient pt;
    struct gs_population_request req;
    double extra_pct[GS_POP_MAX_EXTRA_PCT];
    struct pop_owner *own = calloc(1, sizeof *own);
    struct gspy_result *r = gspy_result_new(GSPY_POPULATION, pop_release);
    gs_status st = GS_OK;

    *out = NULL;
    gs_population_request_init(&req);
    if (own == NULL || r == NULL) {
        st = gs_error_set(err, GS_NOMEM, "population", "out of memory");
        goto done;
    }
    r->owner = own;
    if ((st = opt_parse(t, argc, argv, 0, NULL, NULL, err)))
        goto done;
    for (int i = 0; i < N_OF; i++)
        if (o.file[i]) {
            st =
                gs_error_set(err, GS_INPUT, of_opt[i],
                             "'%s' writes a file; from Python, use the returned arrays", of_opt[i]);
            goto done;
        }
    if (o.drug == NULL)
        st = gs_error_set(err, GS_INPUT, "--drug", "missing '--drug' (see 'gabasim drugs')");
    else if (o.variability)
        st = gs_population_parse_variability(o.variability, &req.variability_scale, err);
    cli_solver(&o.solver, &req.sim);
    if (st || (st = o.model ? gs_drug_load_with_model(&drug, &mf, o.drug, o.model, err)
                            : gs_drug_load(&drug, o.drug, err)))
        goto done;
    req.drug = drug;
    req.seed = (uint64_t)o.seed;
    req.threads = (int)o.threads;
    if (o.data) {
        st = dataset_mode(&o, t, &req, drug, own, r, err);
        goto done;
    }
    if ((st = build_request(&o, t, drug, &req, &pt, &reg, &own->grid, extra_pct, err)) ||
        (st = gs_population(&req, &own->res, err)))
        goto done;
    FILE *f = gspy_json_open(r, err);
    if (f == NULL) {
        st = GS_NOMEM;
        goto done;
    }
    st = gspy_json_close(r, f, gs_report_population_json(own->res, f, err), err);
    if (st)
        goto done;
    /* the columns of --percentiles-csv, pointing into the result */
    const struct gs_pop_result *p = &own->res->pop;
    char name[32];
    r->n_rows = p->n_out;
    gspy_add_col(r, "time_h", p->t_h, 1);
    gspy_add_col(r, "mean_mg_L", p->mean_mg_l, 1);
    for (int q = 0; q < GS_POP_N_PCT; q++) {
        snprintf(name, sizeof name, "p%g_mg_L", gs_pop_percentiles[q]);
        gspy_add_col(r, name, p->pct_mg_l[q], 1);
    }
    for (size_t q = 0; q < p->n_extra_pct; q++) {
        snprintf(name, sizeof name, "p%g_mg_L", own->res->extra_pct[q]);
        gspy_add_col(r, name, p->extra_pct_mg_l[q], 1);
    }
done:
    gs_drug_free(drug);
    gs_model_file_free(mf);
    if (st) {
        gspy_result_free(r);
        if (r == NULL && own)
            pop_release(own);
        return st;
    }
    *out = r;
    return GS_OK;
}
