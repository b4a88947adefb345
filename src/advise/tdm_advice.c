/* tdm_advice.c - advise with measured levels: this patient's parameters by MAP estimation
 * (gabasim/tdm.h) from the dosing history, and the regimen inside the label band that gives them
 * the exposure the label's plan gives a typical patient with the same kidney function. */
#include <math.h>
#include <string.h>

#include "advise_int.h"
#include "gabasim/alloc.h"
#include "gabasim/dialysis.h"

/* The estimated parameter named `name` (NULL if it has no random effect). */
static const struct gs_tdm_param *param(const struct gs_tdm_result *f, const char *name)
{
    for (size_t i = 0; i < f->n_eta; i++)
        if (strcmp(f->param[i].name, name) == 0)
            return &f->param[i];
    return NULL;
}

gs_status gs__advise_tdm(const struct gs_advise_request *req, struct gs_advise_result *r,
                         struct gs_error *err)
{
    struct gs_advise_tdm *t = gs_calloc(1, sizeof *t);
    if (t == NULL)
        return gs_error_set(err, GS_NOMEM, "--level", "out of memory");
    r->tdm = t;
    /* the dosing history: the proposed regimen (with the dialysis sessions of the patient's
     * schedule, as `tdm` applies them), else the calendar as advised (dialysis already applied) */
    struct gs_regimen hist = req->proposed ? *req->proposed : r->regimen;
    gs_status st;
    if (req->proposed && (st = gs_dialysis_apply(req->drug, &r->patient, &hist, NULL, 0, err)))
        return st;
    struct gs_tdm_request q = {.drug = req->drug,
                               .patient = &r->patient,
                               .regimen = &hist,
                               .levels = req->levels,
                               .n_levels = req->n_levels,
                               .interval = 0.9,
                               .seed = req->seed,
                               .n_draws = 0,
                               .until_h = NAN,
                               .step_h = NAN,
                               .rtol = NAN};
    if ((st = gs_tdm_estimate(&q, &t->fit, err)))
        return st;
    const struct gs_tdm_param *cl = param(&t->fit, "CL");
    t->cl_pop_l_h = cl ? cl->typical : NAN;
    t->cl_l_h = cl ? cl->estimate : NAN;
    t->cl_lo = cl ? cl->lo : NAN;
    t->cl_hi = cl ? cl->hi : NAN;
    t->half_life_pop_h = t->fit.typical_half_life_h;
    t->half_life_h = t->fit.half_life_h;
    t->hl_lo = t->fit.half_life_lo;
    t->hl_hi = t->fit.half_life_hi;
    t->target_cavg_mg_l = r->typical.ss_cavg_mg_l;
    if (!(t->target_cavg_mg_l > 0.0))
        return gs_error_set(err, GS_SOLVER, "--level",
                            "the typical steady-state average level of the plan is %g mg/L",
                            t->target_cavg_mg_l);
    struct gs_tdm_target_request tq = {.fit_request = &q,
                                       .fit = &t->fit,
                                       .metric = GS_TDM_CAVG,
                                       .target = t->target_cavg_mg_l,
                                       .probability = 0.5,
                                       .n_draws = 100,
                                       .seed = req->seed};
    return gs_tdm_dose_to_target(&tq, &t->target, err);
}
