/* band.c - the concentrations of patients like this one: a virtual population on the advice's
 * calendar (the drug file's between-subject variability), its 5th, 50th and 95th percentiles of
 * the trough and the average over the last dosing interval. */
#include "advise_int.h"
#include "gabasim/alloc.h"
#include "gabasim/population.h"
#include "gabasim/variability.h"

struct band_sink {
    double *cmin, *cavg;
};

static gs_status band_subject(void *ctx, const struct gs_pop_subject *s, struct gs_error *err)
{
    (void)err;
    struct band_sink *k = ctx;
    k->cmin[s->index] = s->cmin_mg_l;
    k->cavg[s->index] = s->cavg_mg_l;
    return GS_OK;
}

gs_status gs__advise_band(const struct gs_advise_request *req, struct gs_advise_result *r,
                          const double *param_scale, const double *t, size_t n_t,
                          const struct gs_sim_options *sopt, struct gs_error *err)
{
    struct gs_variability var;
    gs_status st = gs_variability_from_drug(req->drug, 1.0, &var, err);
    if (st != GS_OK)
        return st;
    struct band_sink sink = {gs_malloc((size_t)req->n * sizeof *sink.cmin),
                             gs_malloc((size_t)req->n * sizeof *sink.cavg)};
    struct gs_pop_result pop = GS_POP_RESULT_INIT;
    if (!sink.cmin || !sink.cavg) {
        st = gs_error_set(err, GS_NOMEM, "--n", "out of memory");
        goto done;
    }
    struct gs_pop_config cfg = {0};
    cfg.drug = req->drug;
    cfg.var = &var;
    cfg.patient = &r->patient;
    cfg.param_scale = param_scale;
    cfg.events = &r->events;
    cfg.t_out = t;
    cfg.n_out = n_t;
    cfg.window_from_h = t[n_t - 1] - gs_regimen_maintenance(&r->regimen)->ii_h;
    cfg.window_to_h = t[n_t - 1];
    cfg.sim = *sopt;
    cfg.seed = req->seed;
    cfg.n = req->n;
    cfg.on_subject = band_subject;
    cfg.ctx = &sink;
    if ((st = gs_population_run(&cfg, &pop, err)))
        goto done;
    static const double p3[3] = {0.05, 0.5, 0.95};
    r->band.n = req->n;
    if ((st = gs_population_quantiles(sink.cmin, (size_t)req->n, p3, 3, r->band.cmin_mg_l)) ||
        (st = gs_population_quantiles(sink.cavg, (size_t)req->n, p3, 3, r->band.cavg_mg_l)))
        gs_error_set(err, st, "--n", "percentiles of the band failed");
done:
    gs_population_run_release(&pop);
    gs_free(sink.cmin);
    gs_free(sink.cavg);
    return st;
}
