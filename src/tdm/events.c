/* events.c - gs_tdm_estimate_events: the MAP of one subject whose dosing history is an event
 * list with time-varying typical models (a NONMEM-style dataset subject), by the same objective
 * and minimiser as gs_tdm_estimate (posterior.c). */
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "tdm_int.h"

gs_status gs_tdm_estimate_events(const struct gs_tdm_events_request *req,
                                 struct gs_tdm_events_result *out, struct gs_error *err)
{
    memset(out, 0, sizeof *out);
    if (req->drug == NULL || req->models == NULL || req->n_models == 0 || req->events == NULL ||
        (req->n_obs > 0 && req->dv == NULL))
        return gs_error_set(err, GS_INPUT, "tdm", "a drug, models and events are needed");
    struct tdm_post *p = gs_calloc(1, sizeof *p);
    if (p == NULL)
        return gs_error_set(err, GS_NOMEM, "tdm", "out of memory");
    gs_status st = GS_OK;
    if (req->var)
        p->var = *req->var;
    else if ((st = gs_variability_from_drug(req->drug, 1.0, &p->var, err)))
        goto done;
    size_t n = p->var.n;
    out->n_eta = n;
    memcpy(out->cov, p->var.omega, n * n * sizeof *out->cov);
    /* the levels: the observation records with a DV, in order; the others are dropped from the
     * events (an observation record changes nothing in the simulation) */
    size_t k = 0;
    for (size_t i = 0; i < req->events->n; i++) {
        const struct gs_event *e = &req->events->ev[i];
        int obs = e->evid == GS_EVID_OBS;
        if (obs && k >= req->n_obs) {
            st = gs_error_set(err, GS_INPUT, "DV", "more observation records than %zu DV values",
                              req->n_obs);
            goto done;
        }
        double y = obs ? req->dv[k++] : NAN;
        if (obs && isnan(y))
            continue;
        if (obs) {
            if (p->n_obs >= GS_TDM_MAX_EVENT_LEVELS) {
                st =
                    gs_error_set(err, GS_INPUT, "DV", "more than %d measured levels in one subject",
                                 GS_TDM_MAX_EVENT_LEVELS);
                goto done;
            }
            if (!(fabs(y) <= 1000.0)) { /* negative: a simulated DV with additive error */
                st = gs_error_set(err, GS_INPUT, "DV", "a level of %g mg/L; allowed -1000 to 1000",
                                  y);
                goto done;
            }
            p->obs_t[p->n_obs] = e->time_h;
            p->obs_y[p->n_obs] = y;
            p->idx[p->n_obs] = p->n_obs;
            p->n_obs++;
        }
        if (gs_event_list_push(&p->ev, e) != GS_OK) {
            st = gs_error_set(err, GS_NOMEM, "tdm", "out of memory");
            goto done;
        }
    }
    out->n_levels = p->n_obs;
    if (p->n_obs == 0 || n == 0) /* nothing measured, or nothing to estimate: the prior's mode */
        goto done;
    p->add = p->var.resid_add_mg_l;
    p->prop = p->var.resid_prop;
    if (!(p->add > 0.0 || p->prop > 0.0)) {
        st = gs_error_set(err, GS_UNSUPPORTED, "--drug",
                          "%s gives no residual-error model: levels cannot be weighed",
                          gs_drug_name(req->drug));
        goto done;
    }
    double a[GS_MAX_PARAMS * GS_MAX_PARAMS];
    memcpy(a, p->var.omega, n * n * sizeof *a);
    gsl_matrix_view A = gsl_matrix_view_array(a, n, n);
    if (gsl_linalg_cholesky_decomp1(&A.matrix) != 0 || gsl_linalg_cholesky_invert(&A.matrix) != 0) {
        st = gs_error_set(err, GS_INPUT, "omega",
                          "the between-subject covariance of %s is not "
                          "positive definite",
                          gs_drug_name(req->drug));
        goto done;
    }
    memcpy(p->omega_inv, a, n * n * sizeof *a);
    p->typical = req->models[0];
    p->tv = req->models;
    p->tv_fixed = req->fixed;
    p->n_tv = req->n_models;
    p->n_t = p->n_obs;
    struct gs_sim_options so = GS_SIM_OPTIONS_DEFAULT;
    so.rtol = isnan(req->rtol) ? 1e-10 : req->rtol;
    so.atol_mg = 1e-12;
    p->sim = so;
    if ((st = gs_simulate_options_check(&p->sim, err)))
        goto done;
    gs__tdm_sens_setup(p);
    double h[GS_MAX_PARAMS * GS_MAX_PARAMS], ch[GS_MAX_PARAMS * GS_MAX_PARAMS];
    if ((st = gs__tdm_map(p, out->eta, h, &out->iterations, err)))
        goto done;
    out->ofv = gs__tdm_ofv(p, out->eta);
    out->evaluations = p->evals + p->sens_evals;
    out->sens_solves = p->sens_evals;
    if (gs__tdm_laplace(n, h, out->cov, ch, NULL) != GS_OK)
        for (size_t i = 0; i < n * n; i++)
            out->cov[i] = NAN;
done:
    gs__tdm_post_release(p);
    gs_free(p);
    return st;
}
