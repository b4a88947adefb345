/* tdm_report.c - the Bayesian estimate of one patient and the regimen to a target, as text and
 * JSON. Every output carries the clinical notice. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>

#include "gabasim/alloc.h"
#include "gabasim/gabasim.h"
#include "gabasim/tdm.h"

static const char *metric_unit(enum gs_tdm_metric m)
{
    return m == GS_TDM_AUC24 ? "mg*h/L" : "mg/L";
}

gs_status gs_report_tdm_text(const struct gs_tdm_request *req, const struct gs_tdm_result *r,
                             const struct gs_tdm_target_request *treq,
                             const struct gs_tdm_target_result *t, FILE *f)
{
    int pct = (int)lround(100.0 * r->interval);
    fprintf(f, "Bayesian estimate (MAP) for %s from %zu level%s\n\n", gs_drug_name(req->drug),
            r->n_levels, r->n_levels == 1 ? "" : "s");
    fprintf(f, "  %-6s %12s %12s %21s %9s %9s %9s\n", "param", "population", "this patient",
            "interval", "prior SD", "post SD", "shrinks");
    for (size_t i = 0; i < r->n_eta; i++) {
        const struct gs_tdm_param *q = &r->param[i];
        char iv[40];
        snprintf(iv, sizeof iv, "%.4g-%.4g", q->lo, q->hi);
        fprintf(f, "  %-6s %8.4g %-3s %8.4g %-3s %21s %9.3f %9.3f %8.0f%%\n", q->name, q->typical,
                q->unit, q->estimate, q->unit, iv, q->prior_sd, q->post_sd, 100.0 * q->shrinkage);
    }
    fprintf(f,
            "  (interval: %d %% Laplace; post SD on the log scale; shrinks: how much the levels\n"
            "   narrowed the population's spread, 0 %% = they taught nothing)\n\n",
            pct);
    fprintf(f, "  elimination half-life: %.3g h (%d %% interval %.3g-%.3g h); population %.3g h\n",
            r->half_life_h, pct, r->half_life_lo, r->half_life_hi, r->typical_half_life_h);
    fprintf(f, "  objective (-2 log posterior): %.6g at the MAP, %.6g at the population values\n",
            r->ofv, r->ofv_prior);
    if (r->n_draws > 0) {
        fprintf(f, "  importance sampling check: %ld draws, effective sample size %.0f\n",
                r->n_draws, r->ess);
        for (size_t i = 0; i < r->n_eta; i++) {
            const struct gs_tdm_param *q = &r->param[i];
            fprintf(f, "    %-6s posterior mean %.4g (SD %.3g), %d %% interval %.4g-%.4g\n",
                    q->name, q->is_mean, q->is_sd, pct, q->is_lo, q->is_hi);
        }
    }
    fprintf(f, "\n  %8s %10s %10s %10s %8s\n", "time h", "measured", "this pt", "population",
            "IWRES");
    for (size_t j = 0; j < r->n_levels; j++) {
        const struct gs_tdm_fit_point *p = &r->fit[j];
        fprintf(f, "  %8.4g %10.4g %10.4g %10.4g %8.3f\n", p->time_h, p->observed, p->ipred,
                p->pred, p->iwres);
    }
    if (t) {
        fprintf(f, "\nDose to target: %s >= %g %s with probability %g\n",
                gs_tdm_metric_name(treq->metric), treq->target, metric_unit(treq->metric),
                treq->probability);
        fprintf(f, "  label band for this kidney function: %.4g to %.4g mg/day\n", t->band_lo_mg,
                t->band_hi_mg);
        fprintf(f, "  %s: %.4g mg every %.3g h (%.4g mg/day; %s)\n",
                t->reached ? "regimen" : "NOT REACHED inside the label band; the most likely",
                t->dose_mg, t->ii_h, t->daily_mg, t->form);
        fprintf(f, "  predicted %s: median %.3g %s, %d %% interval %.3g-%.3g; P(>= target) %.2f\n",
                gs_tdm_metric_name(treq->metric), t->median, metric_unit(treq->metric), pct, t->lo,
                t->hi, t->probability);
        fprintf(f, "  candidates (dose x per day: P(>= target), median):\n");
        for (size_t k = 0; k < t->n_candidates; k++)
            fprintf(f, "    %g mg x %d: %.2f, %.3g\n", t->cand[k].dose_mg, t->cand[k].per_day,
                    t->cand[k].probability, t->cand[k].median);
        fprintf(f, "  steady-state profile over %g h (h, MAP mg/L, %d %% band):\n", t->period_h,
                pct);
        size_t every = t->n_grid > 13 ? (t->n_grid - 1) / 12 : 1;
        for (size_t k = 0; k < t->n_grid; k += every)
            fprintf(f, "    %6.3g %8.3g %8.3g-%.3g\n", t->t_h[k], t->ipred[k], t->band_lo[k],
                    t->band_hi[k]);
        if (t->note[0])
            fprintf(f, "  %s", t->note);
    }
    if (r->notes[0])
        fprintf(f, "\nnotes:\n%s", r->notes);
    fprintf(f, "\n%s\n", GS_CLINICAL_NOTICE);
    return ferror(f) ? GS_IO : GS_OK;
}

static void num(cJSON *o, const char *k, double v)
{
    if (isfinite(v))
        cJSON_AddNumberToObject(o, k, v);
    else
        cJSON_AddNullToObject(o, k);
}

static void series(cJSON *o, const char *k, const double *v, size_t n)
{
    cJSON *a = cJSON_AddArrayToObject(o, k);
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(a, isfinite(v[i]) ? cJSON_CreateNumber(v[i]) : cJSON_CreateNull());
}

char *gs_report_tdm_json(const struct gs_tdm_request *req, const struct gs_tdm_result *r,
                         const struct gs_tdm_target_request *treq,
                         const struct gs_tdm_target_result *t)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "drug", gs_drug_name(req->drug));
    num(root, "interval", r->interval);
    cJSON *ps = cJSON_AddArrayToObject(root, "parameters");
    for (size_t i = 0; i < r->n_eta; i++) {
        const struct gs_tdm_param *q = &r->param[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", q->name);
        cJSON_AddStringToObject(o, "unit", q->unit);
        num(o, "population", q->typical);
        num(o, "estimate", q->estimate);
        num(o, "lo", q->lo);
        num(o, "hi", q->hi);
        num(o, "eta", q->eta);
        num(o, "prior_sd", q->prior_sd);
        num(o, "posterior_sd", q->post_sd);
        num(o, "shrinkage", q->shrinkage);
        num(o, "is_mean", q->is_mean);
        num(o, "is_sd", q->is_sd);
        num(o, "is_lo", q->is_lo);
        num(o, "is_hi", q->is_hi);
        cJSON_AddItemToArray(ps, o);
    }
    cJSON *cov = cJSON_AddArrayToObject(root, "eta_covariance");
    for (size_t i = 0; i < r->n_eta; i++) {
        cJSON *row = cJSON_CreateArray();
        for (size_t j = 0; j < r->n_eta; j++)
            cJSON_AddItemToArray(row, cJSON_CreateNumber(r->cov[i * r->n_eta + j]));
        cJSON_AddItemToArray(cov, row);
    }
    cJSON *h = cJSON_AddObjectToObject(root, "half_life_h");
    num(h, "estimate", r->half_life_h);
    num(h, "lo", r->half_life_lo);
    num(h, "hi", r->half_life_hi);
    num(h, "population", r->typical_half_life_h);
    num(root, "ofv", r->ofv);
    num(root, "ofv_population", r->ofv_prior);
    cJSON_AddNumberToObject(root, "iterations", r->iterations);
    cJSON_AddNumberToObject(root, "draws", (double)r->n_draws);
    num(root, "ess", r->n_draws > 0 ? r->ess : NAN);
    cJSON *lv = cJSON_AddArrayToObject(root, "levels");
    for (size_t j = 0; j < r->n_levels; j++) {
        cJSON *o = cJSON_CreateObject();
        num(o, "time_h", r->fit[j].time_h);
        num(o, "observed_mg_L", r->fit[j].observed);
        num(o, "ipred_mg_L", r->fit[j].ipred);
        num(o, "pred_mg_L", r->fit[j].pred);
        num(o, "iwres", r->fit[j].iwres);
        cJSON_AddItemToArray(lv, o);
    }
    cJSON *pr = cJSON_AddObjectToObject(root, "prediction");
    series(pr, "time_h", r->t_h, r->n_grid);
    series(pr, "ipred_mg_L", r->ipred, r->n_grid);
    series(pr, "pred_mg_L", r->pred, r->n_grid);
    series(pr, "band_lo_mg_L", r->band_lo, r->n_grid);
    series(pr, "band_hi_mg_L", r->band_hi, r->n_grid);
    if (t) {
        cJSON *o = cJSON_AddObjectToObject(root, "target");
        cJSON_AddStringToObject(o, "metric", gs_tdm_metric_name(treq->metric));
        cJSON_AddStringToObject(o, "unit", metric_unit(treq->metric));
        num(o, "value", treq->target);
        num(o, "probability_wanted", treq->probability);
        cJSON_AddBoolToObject(o, "reached", t->reached);
        num(o, "band_lo_mg_day", t->band_lo_mg);
        num(o, "band_hi_mg_day", t->band_hi_mg);
        num(o, "dose_mg", t->dose_mg);
        num(o, "interval_h", t->ii_h);
        num(o, "daily_mg", t->daily_mg);
        cJSON_AddStringToObject(o, "form", t->form);
        num(o, "probability", t->probability);
        num(o, "median", t->median);
        num(o, "lo", t->lo);
        num(o, "hi", t->hi);
        cJSON *cs = cJSON_AddArrayToObject(o, "candidates");
        for (size_t k = 0; k < t->n_candidates; k++) {
            cJSON *c = cJSON_CreateObject();
            num(c, "dose_mg", t->cand[k].dose_mg);
            cJSON_AddNumberToObject(c, "per_day", t->cand[k].per_day);
            num(c, "probability", t->cand[k].probability);
            num(c, "median", t->cand[k].median);
            cJSON_AddItemToArray(cs, c);
        }
        cJSON *sp = cJSON_AddObjectToObject(o, "profile");
        series(sp, "time_h", t->t_h, t->n_grid);
        series(sp, "ipred_mg_L", t->ipred, t->n_grid);
        series(sp, "band_lo_mg_L", t->band_lo, t->n_grid);
        series(sp, "band_hi_mg_L", t->band_hi, t->n_grid);
    }
    cJSON_AddStringToObject(root, "notes", r->notes);
    cJSON_AddStringToObject(root, "notice", GS_CLINICAL_NOTICE);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}
