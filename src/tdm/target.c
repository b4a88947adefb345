/* target.c - gs_tdm_dose_to_target: the lowest label regimen that reaches a target level with a
 * stated probability under the patient's posterior.
 *
 * Candidates: for each of the label's doses a day for the patient's band, every dispensable dose
 * (gs_dosing_dispense, in steps of the smallest marketed strength) whose daily total lies in the
 * label's band for the kidney function (gs_dosing_band_range) and which gs_dosing_check passes
 * without a warning. Each is simulated at steady state (SS=1 start, one day) for n_draws random
 * effects drawn from the Laplace posterior N(MAP, cov) - the same draws for every candidate
 * (common random numbers), so the probabilities are monotone in the dose. On haemodialysis the
 * regimen (once daily plus the label's supplement after each session) runs four weeks without a
 * steady-state start and the fourth week is evaluated: trough = its lowest level, cavg = its
 * mean, auc24 = its AUC / 7.
 */
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/dialysis.h"
#include "gabasim/dosing.h"
#include "tdm_int.h"

const char *gs_tdm_metric_name(enum gs_tdm_metric m)
{
    switch (m) {
    case GS_TDM_TROUGH:
        return "trough";
    case GS_TDM_CAVG:
        return "cavg";
    case GS_TDM_AUC24:
        return "auc24";
    }
    return "?";
}

void gs_tdm_target_result_release(struct gs_tdm_target_result *r)
{
    gs_free(r->t_h);
    gs_free(r->ipred);
    gs_free(r->band_lo);
    gs_free(r->band_hi);
    r->t_h = r->ipred = r->band_lo = r->band_hi = NULL;
    r->n_grid = 0;
}

struct cand_ctx {
    const struct tdm_post *p;
    const struct gs_tdm_target_request *req;
    int dialysis;
    double t0, period; /* evaluated window */
    double *grid;
    size_t n_grid;
    struct gs_sim_options sim; /* the engine's defaults: a steady state to its own tolerance */
    double dose;               /* the candidate being evaluated */
    int per_day;
};

static gs_status build_regimen(const struct cand_ctx *c, double dose, int per_day,
                               struct gs_regimen *reg, struct gs_error *err)
{
    gs_regimen_init(reg);
    reg->n_steps = 1;
    reg->steps[0] = (struct gs_regimen_step){0.0, dose, 24.0 / per_day};
    if (c->dialysis) {
        reg->end_h = c->t0 + c->period;
        return gs_dialysis_apply(c->req->fit_request->drug, c->req->fit_request->patient, reg, NULL,
                                 0, err);
    }
    reg->n_doses = per_day;
    reg->start_steady = 1;
    return GS_OK;
}

/* The metric for one eta; conc (may be NULL) receives the profile on the grid. */
static gs_status metric(const struct cand_ctx *c, const struct gs_event_list *ev, const double *eta,
                        double *value, double *conc, struct gs_error *err)
{
    struct gs_model m = c->p->typical;
    gs_variability_apply_eta(&c->p->var, eta, &m);
    struct gs_profile prof = GS_PROFILE_INIT;
    gs_status st = gs_simulate(&m, ev, c->grid, c->n_grid, &c->sim, &prof, NULL);
    if (st == GS_SOLVER && !c->dialysis) {
        /* the steady-state Newton iteration can stall for a very slow clearance: dose from
         * empty for 7 elimination half-lives (99 % of the steady state) and use the last day */
        const struct gs_structure *s = m.structure;
        double thalf = log(2.0) * s->volume(m.p) / s->clearance(m.p);
        double days = fmin(ceil(7.0 * thalf / 24.0) + 1.0, 360.0);
        struct gs_regimen reg;
        struct gs_event_list ev2 = GS_EVENT_LIST_INIT;
        double g[200];
        size_t ng = c->n_grid < 200 ? c->n_grid : 200;
        for (size_t k = 0; k < ng; k++)
            g[k] = c->grid[k] + 24.0 * (days - 1.0);
        gs_regimen_init(&reg);
        reg.n_steps = 1;
        reg.steps[0] = (struct gs_regimen_step){0.0, c->dose, 24.0 / c->per_day};
        reg.end_h = 24.0 * days;
        gs_simulate_profile_release(&prof);
        st = gs_regimen_expand(&reg, &ev2, err);
        if (st == GS_OK)
            st = gs_simulate(&m, &ev2, g, ng, &c->sim, &prof, err);
        gs_event_list_release(&ev2);
    } else if (st != GS_OK) {
        st = gs_simulate(&m, ev, c->grid, c->n_grid, &c->sim, &prof, err); /* for the message */
    }
    if (st == GS_OK) {
        size_t last = c->n_grid - 1;
        double auc = prof.y[last * GS_N_STATES + GS_Y_AUC] - prof.y[GS_Y_AUC];
        double lo = INFINITY;
        for (size_t k = 0; k < c->n_grid; k++)
            lo = fmin(lo, prof.conc_mg_l[k]);
        switch (c->req->metric) {
        case GS_TDM_TROUGH: /* before the next dose; on dialysis the week's lowest */
            *value = c->dialysis ? lo : prof.conc_mg_l[last];
            break;
        case GS_TDM_CAVG:
            *value = auc / c->period;
            break;
        case GS_TDM_AUC24:
            *value = auc * 24.0 / c->period;
            break;
        }
        if (conc)
            memcpy(conc, prof.conc_mg_l, c->n_grid * sizeof *conc);
    }
    gs_simulate_profile_release(&prof);
    return st;
}

/* P(metric >= target) and the metric's median and interval over the draws. */
static gs_status evaluate(struct cand_ctx *c, const double *etas, long nd, size_t n,
                          struct gs_tdm_candidate *cd, struct wv *s, double *profiles,
                          struct gs_error *err)
{
    struct gs_regimen reg;
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    gs_status st;
    c->dose = cd->dose_mg;
    c->per_day = cd->per_day;
    if ((st = build_regimen(c, cd->dose_mg, cd->per_day, &reg, err)) ||
        (st = gs_regimen_expand(&reg, &ev, err)))
        goto done;
    long hit = 0;
    for (long d = 0; d < nd; d++) {
        double v;
        if ((st = metric(c, &ev, &etas[d * n], &v,
                         profiles ? &profiles[(size_t)d * c->n_grid] : NULL, err)))
            goto done;
        hit += v >= c->req->target;
        s[d] = (struct wv){v, 1.0 / nd};
    }
    cd->probability = (double)hit / nd;
    double plo = (1.0 - c->req->fit->interval) / 2.0, dummy;
    gs__tdm_wquantiles(s, (size_t)nd, 0.5, 0.5, &cd->median, &dummy);
    gs__tdm_wquantiles(s, (size_t)nd, plo, 1.0 - plo, &cd->lo, &cd->hi);
done:
    gs_event_list_release(&ev);
    return st;
}

gs_status gs_tdm_dose_to_target(const struct gs_tdm_target_request *req,
                                struct gs_tdm_target_result *out, struct gs_error *err)
{
    memset(out, 0, sizeof *out);
    if (!(req->target > 0.0 && req->target < 1e5))
        return gs_error_set(
            err, GS_INPUT, "--target",
            "the target is %g; allowed above 0 and below 100000 (mg/L; mg*h/L for auc24)",
            req->target);
    if (!(req->probability >= 0.05 && req->probability <= 0.95))
        return gs_error_set(err, GS_INPUT, "--probability",
                            "'--probability' is %g; allowed 0.05 to 0.95", req->probability);
    if (req->n_draws < 50 || req->n_draws > 10000)
        return gs_error_set(err, GS_INPUT, "--draws", "'--draws' is %ld; allowed 50 to 10000",
                            req->n_draws);
    const struct gs_tdm_request *fr = req->fit_request;
    const gs_drug *d = fr->drug;
    const struct gs_patient *pt = fr->patient;
    const struct gs_dosing *rules = gs_drug_dosing(d);
    if (rules == NULL || rules->n_solids == 0 ||
        gs_dosing_band_range(d, pt, &out->band_lo_mg, &out->band_hi_mg) != GS_OK)
        return gs_error_set(err, GS_UNSUPPORTED, "--target",
                            "%s has no label dosing rules for this patient", gs_drug_name(d));
    const struct gs_renal_band *b =
        gs_dosing_band(rules, pt->haemodialysis ? 0.0 : pt->crcl_ml_min);

    struct tdm_post p;
    gs_status st = gs__tdm_post_init(&p, fr, err);
    size_t n = p.var.n;
    long nd = req->n_draws;
    double *etas = gs_malloc((size_t)nd * n * sizeof(double));
    struct wv *s = gs_malloc((size_t)nd * sizeof *s);
    double *profiles = NULL;
    struct cand_ctx c = {
        .p = &p, .req = req, .dialysis = pt->haemodialysis, .sim = GS_SIM_OPTIONS_DEFAULT};
    if (st)
        goto done;
    if (!etas || !s) {
        st = gs_error_set(err, GS_NOMEM, "--draws", "out of memory for %ld draws", nd);
        goto done;
    }
    /* the posterior draws, shared by every candidate */
    double chol[GS_MAX_PARAMS * GS_MAX_PARAMS], map[GS_MAX_PARAMS];
    memcpy(chol, req->fit->cov, n * n * sizeof *chol);
    gsl_matrix_view C = gsl_matrix_view_array(chol, n, n);
    if (gsl_linalg_cholesky_decomp1(&C.matrix) != 0) {
        st = gs_error_set(err, GS_SOLVER, "--target", "the posterior covariance is singular");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        map[i] = req->fit->param[i].eta;
        for (size_t j = i + 1; j < n; j++)
            chol[i * n + j] = 0.0;
    }
    gs_rng rng;
    gs_rng_seed(&rng, req->seed, 0x7a9);
    for (long k = 0; k < nd; k++)
        gs__tdm_draw_normal(n, map, chol, &rng, &etas[k * n]);

    c.period = c.dialysis ? 168.0 : 24.0;
    c.t0 = c.dialysis ? 21.0 * 24.0 : 0.0;
    c.n_grid = c.dialysis ? 169 : 97;
    c.grid = gs_malloc(c.n_grid * sizeof(double));
    if (!c.grid) {
        st = gs_error_set(err, GS_NOMEM, "--target", "out of memory");
        goto done;
    }
    for (size_t k = 0; k < c.n_grid; k++)
        c.grid[k] = c.t0 + c.period * (double)k / (double)(c.n_grid - 1);

    /* candidates, ascending daily dose within each doses-a-day */
    double step = rules->solid[0].mg;
    for (size_t q = 0; q < b->n_per_day; q++) {
        int per_day = c.dialysis ? 1 : b->per_day[q];
        double lo = out->band_lo_mg / per_day, hi = out->band_hi_mg / per_day, prev = -1.0;
        /* the band's lower end, then whole multiples of the smallest strength */
        for (double u = ceil(lo / step - 1e-9) - 1.0; u * step <= hi + 1e-9; u++) {
            double want = u * step < lo ? lo : u * step, got;
            char form[80];
            if (gs_dosing_dispense(d, fmin(want, hi), lo, hi, &got, form, sizeof form, NULL))
                continue;
            if (got == prev || got * per_day < out->band_lo_mg - 1e-9 ||
                got * per_day > out->band_hi_mg + 1e-9)
                continue;
            prev = got;
            /* the label's own check of the maintenance regimen: no warning allowed */
            struct gs_regimen reg;
            struct gs_finding f[GS_MAX_FINDINGS];
            size_t nf = 0;
            int bad = 0;
            if (build_regimen(&c, got, per_day, &reg, NULL) != GS_OK ||
                gs_dosing_check(d, pt, &reg, f, GS_MAX_FINDINGS, &nf, NULL) != GS_OK)
                continue;
            for (size_t k = 0; k < nf; k++)
                bad |= f[k].level == GS_FINDING_WARNING;
            if (bad || out->n_candidates == GS_TDM_MAX_CANDIDATES)
                continue;
            struct gs_tdm_candidate *cd = &out->cand[out->n_candidates];
            *cd = (struct gs_tdm_candidate){
                .dose_mg = got, .daily_mg = got * per_day, .per_day = per_day};
            if ((st = evaluate(&c, etas, nd, n, cd, s, NULL, err)))
                goto done;
            out->n_candidates++;
        }
        if (c.dialysis)
            break;
    }
    if (out->n_candidates == 0) {
        st = gs_error_set(err, GS_INPUT, "--target",
                          "no dispensable regimen lies inside the label's band (%g to %g mg/day)",
                          out->band_lo_mg, out->band_hi_mg);
        goto done;
    }
    /* the lowest daily dose reaching the probability; else the most likely */
    const struct gs_tdm_candidate *best = NULL;
    for (size_t k = 0; k < out->n_candidates; k++) {
        const struct gs_tdm_candidate *cd = &out->cand[k];
        if (cd->probability >= req->probability && (!best || cd->daily_mg < best->daily_mg))
            best = cd;
    }
    out->reached = best != NULL;
    if (!best)
        for (size_t k = 0; k < out->n_candidates; k++) {
            const struct gs_tdm_candidate *cd = &out->cand[k];
            if (!best || cd->probability > best->probability ||
                (cd->probability == best->probability && cd->daily_mg > best->daily_mg))
                best = cd;
        }
    out->dose_mg = best->dose_mg;
    out->per_day = best->per_day;
    out->ii_h = 24.0 / best->per_day;
    out->daily_mg = best->daily_mg;
    out->probability = best->probability;
    out->median = best->median;
    out->lo = best->lo;
    out->hi = best->hi;
    gs_dosing_dispense(d, best->dose_mg, best->dose_mg, best->dose_mg, &out->dose_mg, out->form,
                       sizeof out->form, NULL);

    /* the chosen regimen's profile: MAP and the band over the draws */
    profiles = gs_malloc((size_t)nd * c.n_grid * sizeof(double));
    out->t_h = gs_malloc(c.n_grid * sizeof(double));
    out->ipred = gs_malloc(c.n_grid * sizeof(double));
    out->band_lo = gs_malloc(c.n_grid * sizeof(double));
    out->band_hi = gs_malloc(c.n_grid * sizeof(double));
    if (!profiles || !out->t_h || !out->ipred || !out->band_lo || !out->band_hi) {
        st = gs_error_set(err, GS_NOMEM, "--target", "out of memory");
        goto done;
    }
    out->n_grid = c.n_grid;
    out->period_h = c.period;
    struct gs_tdm_candidate chosen = *best;
    struct gs_regimen reg;
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    double v;
    if ((st = evaluate(&c, etas, nd, n, &chosen, s, profiles, err)) ||
        (st = build_regimen(&c, chosen.dose_mg, chosen.per_day, &reg, err)) ||
        (st = gs_regimen_expand(&reg, &ev, err)) ||
        (st = metric(&c, &ev, map, &v, out->ipred, err))) {
        gs_event_list_release(&ev);
        goto done;
    }
    gs_event_list_release(&ev);
    double plo = (1.0 - req->fit->interval) / 2.0;
    for (size_t k = 0; k < c.n_grid; k++) {
        out->t_h[k] = c.grid[k] - c.t0;
        for (long dd = 0; dd < nd; dd++)
            s[dd] = (struct wv){profiles[(size_t)dd * c.n_grid + k], 1.0 / nd};
        gs__tdm_wquantiles(s, (size_t)nd, plo, 1.0 - plo, &out->band_lo[k], &out->band_hi[k]);
    }
    snprintf(out->note, sizeof out->note,
             "candidates: dispensable doses, the label's doses a day, %g to %g mg/day (the "
             "label's band for this kidney function)\n%s",
             out->band_lo_mg, out->band_hi_mg,
             c.dialysis ? "on haemodialysis: once daily plus the label's supplement after each "
                          "session, the fourth week evaluated\n"
                        : "");
done:
    gs_free(etas);
    gs_free(s);
    gs_free(profiles);
    gs_free(c.grid);
    gs__tdm_post_release(&p);
    if (st)
        gs_tdm_target_result_release(out);
    return st;
}
