/* population_run.c - the population command as library calls: a request (drug, subjects,
 * regimen, output times, thresholds) in, a result (per-time percentiles, attainment, the spread
 * of per-subject metrics) out, per-subject rows streamed to the caller's sink; and predictions
 * for a NONMEM-style dataset. See gabasim/population.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gabasim/alloc.h"
#include "gabasim/population.h"
#include "gabasim/par.h"
#include "gabasim/dialysis.h"

void gs_population_request_init(struct gs_population_request *req)
{
    memset(req, 0, sizeof *req);
    req->variability_scale = 1.0;
    req->window_from_h = NAN;
    req->window_to_h = NAN;
    req->sim = (struct gs_sim_options)GS_SIM_OPTIONS_DEFAULT;
    req->seed = 1;
}

/* The engine's callbacks: keep each subject's Cmax, Cmin and Cavg for their spread, and pass
 * everything on to the caller's sink. */
struct relay {
    const struct gs_population_request *req;
    double *cmax, *cmin, *cavg; /* per subject */
    unsigned char *above_band;  /* per subject: maintenance above its kidney function's band */
    double maint_daily_mg;      /* the regimen's maintenance daily dose */
};

static gs_status relay_start(void *ctx, const struct gs_pop_config *cfg, struct gs_error *err)
{
    struct relay *r = ctx;
    size_t n = (size_t)cfg->n; /* checked by the engine: 1 to GS_POP_MAX_N */
    r->cmax = gs_malloc(n * sizeof *r->cmax);
    r->cmin = gs_malloc(n * sizeof *r->cmin);
    r->cavg = gs_malloc(n * sizeof *r->cavg);
    r->above_band = gs_calloc(n, 1);
    if (!r->cmax || !r->cmin || !r->cavg || !r->above_band)
        return gs_error_set(err, GS_NOMEM, "--n", "out of memory for %ld subjects", cfg->n);
    const struct gs_population_sink *k = r->req->sink;
    return k && k->begin ? k->begin(k->ctx, cfg, err) : GS_OK;
}

static size_t relay_format(void *ctx, const struct gs_pop_subject *s, char *buf, size_t cap)
{
    const struct relay *r = ctx;
    return r->req->sink->format(r->req->sink->ctx, s, buf, cap);
}

static gs_status relay_subject(void *ctx, const struct gs_pop_subject *s, struct gs_error *err)
{
    struct relay *r = ctx;
    r->cmax[s->index] = s->cmax_mg_l;
    r->cmin[s->index] = s->cmin_mg_l;
    r->cavg[s->index] = s->cavg_mg_l;
    r->above_band[s->index] =
        (unsigned char)gs_label_above_band(r->req->drug, &s->patient, r->maint_daily_mg);
    const struct gs_population_sink *k = r->req->sink;
    return k && k->subject ? k->subject(k->ctx, s, err) : GS_OK;
}

static void relay_progress(void *ctx, long done, long total)
{
    const struct relay *r = ctx;
    r->req->on_progress(r->req->progress_ctx, done, total);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* 5th, 50th and 95th percentiles (type 7) of v[0..n), sorting v. */
static gs_status spread(double *v, long n, struct gs_pop_spread *out, struct gs_error *err)
{
    static const double p[3] = {0.05, 0.5, 0.95};
    double q[3];
    if (gs_population_quantiles(v, (size_t)n, p, 3, q) != GS_OK)
        return gs_error_set(err, GS_NOMEM, "population", "out of memory sorting %ld subjects", n);
    out->p5 = q[0];
    out->p50 = q[1];
    out->p95 = q[2];
    return GS_OK;
}

static char *copy_text(const char *s)
{
    size_t len = strlen(s) + 1;
    char *c = gs_malloc(len);
    if (c)
        memcpy(c, s, len);
    return c;
}

static gs_status check_request(const struct gs_population_request *q, struct gs_error *err)
{
    if (q->drug == NULL)
        return gs_error_set(err, GS_INPUT, "drug", "the request has no drug");
    if (q->regimen == NULL)
        return gs_error_set(err, GS_INPUT, "regimen", "the request has no regimen");
    if (q->t_out == NULL || q->n_out == 0)
        return gs_error_set(err, GS_INPUT, "t_out", "the request has no output times");
    if ((q->covdist != NULL) + (q->covtable != NULL) + (q->covariates != NULL) > 1)
        return gs_error_set(err, GS_INPUT, "--covariates",
                            "give one covariate distribution or table, not several");
    if (q->n_thresholds > 0 && q->thresholds_mg_l == NULL)
        return gs_error_set(err, GS_INPUT, "--threshold", "%zu thresholds but no values",
                            q->n_thresholds);
    if (q->n_extra_pct > 0 && q->extra_pct == NULL)
        return gs_error_set(err, GS_INPUT, "--percentiles", "%zu percentiles but no values",
                            q->n_extra_pct);
    /* the library checks what the command line checked: a caller of its own gets the same */
    gs_status st = gs_simulate_options_check(&q->sim, err);
    if (st == GS_OK && q->regimen->n_steps == 0)
        st = gs_error_set(err, GS_INPUT, "regimen", "the regimen has no dosing step");
    if (st == GS_OK)
        st = gs_regimen_validate(q->regimen, gs_drug_max_dose_mg(q->drug), err);
    return st;
}

/* The regimen and the levels beside the label: the one patient's findings (none for drawn
 * covariates, whose subjects each have a band: counted), the median trough and peak beside the
 * reference range, and the share of subjects below and above it. */
static gs_status label_check(const struct gs_population_request *req, int drawn,
                             const struct relay *relay, long n, struct gs_population_result *r,
                             struct gs_error *err)
{
    gs_status st = GS_OK;
    if (drawn) {
        r->check.has_rules = gs_drug_dosing(req->drug) != NULL;
        r->check.single_dose = req->single_dose;
    } else if ((st = gs_label_check_regimen(req->drug, req->patient, req->regimen, req->single_dose,
                                            &r->check, err))) {
        return st;
    }
    gs_label_check_levels(req->drug, req->single_dose ? NAN : r->cmin_mg_l.p50, r->cmax_mg_l.p50,
                          &r->check);
    r->n_above_band = 0;
    long below = 0, above = 0;
    for (long i = 0; i < n; i++) {
        r->n_above_band += relay->above_band[i];
        enum gs_label_level l = gs_label_level_of(r->check.range, relay->cmin[i]);
        below += l == GS_LABEL_LEVEL_BELOW;
        above += l == GS_LABEL_LEVEL_ABOVE;
    }
    r->trough_below_range = r->trough_above_range = NAN;
    if (r->check.range && !req->single_dose && n > 0) {
        r->trough_below_range = (double)below / (double)n;
        r->trough_above_range = (double)above / (double)n;
    }
    return GS_OK;
}

gs_status gs_population(const struct gs_population_request *req, struct gs_population_result **out,
                        struct gs_error *err)
{
    if (out == NULL || req == NULL)
        return gs_error_set(err, GS_INPUT, "population", "no request or no result to fill");
    *out = NULL;
    gs_status st = check_request(req, err);
    if (st != GS_OK)
        return st;
    struct gs_variability var;
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    struct relay relay = {req, NULL, NULL, NULL, NULL, 0.0};
    struct gs_population_result *r = NULL;
    gs_covdist *own_cov = NULL;
    gs_dataset *own_table = NULL;
    const char *name = req->covariates;
    size_t len = name ? strlen(name) : 0;
    if (len > 4 && strcmp(name + len - 4, ".csv") == 0)
        st = gs_dataset_read(&own_table, name, err);
    else if (name)
        st = gs_covdist_load(&own_cov, name, err);
    const gs_covdist *covdist = own_cov ? own_cov : req->covdist;
    const gs_dataset *covtable = own_table ? own_table : req->covtable;
    /* one patient on haemodialysis: the sessions and the supplement join every subject's doses
     * (the dialysis clearance is fixed; random effects act on the patient's own clearance) */
    struct gs_regimen reg = *req->regimen;
    if (st || (st = gs_variability_from_drug(req->drug, req->variability_scale, &var, err)) ||
        (!covdist && !covtable && req->patient &&
         (st = gs_dialysis_apply(req->drug, req->patient, &reg, NULL, 0, err))) ||
        (st = gs_regimen_expand(&reg, &ev, err)))
        goto done;
    if (covdist == NULL && req->patient == NULL) {
        st = gs_error_set(err, GS_INPUT, "patient", "the request has no patient");
        goto done;
    }
    if (req->n == 0 && covtable == NULL) {
        st = gs_error_set(err, GS_INPUT, "--n", "missing '--n' (the number of subjects)");
        goto done;
    }

    /* the metrics window: by default the last dosing interval (a single dose: the profile) */
    double first = req->t_out[0], until = req->t_out[req->n_out - 1];
    double ii = gs_regimen_maintenance(req->regimen)->ii_h;
    relay.maint_daily_mg = req->single_dose
                               ? gs_regimen_maintenance(req->regimen)->dose_mg
                               : gs_regimen_maintenance(req->regimen)->dose_mg * 24.0 / ii;
    double wfrom = req->window_from_h, wto = req->window_to_h;
    if (isnan(wfrom))
        wfrom = req->single_dose ? first : fmax(first, until - ii);
    if (isnan(wto))
        wto = until;

    struct gs_pop_config cfg = {0};
    cfg.drug = req->drug;
    cfg.var = &var;
    cfg.covdist = covdist;
    cfg.covtable = covtable;
    cfg.patient = req->patient;
    cfg.events = &ev;
    cfg.t_out = req->t_out;
    cfg.n_out = req->n_out;
    cfg.window_from_h = wfrom;
    cfg.window_to_h = wto;
    cfg.thresholds_mg_l = req->thresholds_mg_l;
    cfg.n_thresholds = req->n_thresholds;
    cfg.extra_pct = req->extra_pct;
    cfg.n_extra_pct = req->n_extra_pct;
    cfg.sim = req->sim;
    cfg.seed = req->seed;
    cfg.n = req->n == 0 ? (long)gs_dataset_n_subjects(covtable) : req->n;
    cfg.threads = req->threads;
    cfg.exact_max_values = req->exact_max_values;
    cfg.on_start = relay_start;
    cfg.on_subject = relay_subject;
    if (req->sink && req->sink->format)
        cfg.format_subject = relay_format;
    if (req->on_progress)
        cfg.on_progress = relay_progress;
    cfg.ctx = &relay;

    r = gs_calloc(1, sizeof *r);
    const char *cov = covdist    ? gs_covdist_name(covdist)
                      : covtable ? gs_dataset_origin(covtable)
                                 : NULL;
    if (r == NULL || (r->drug = copy_text(gs_drug_name(req->drug))) == NULL ||
        (cov && (r->covariates = copy_text(cov)) == NULL)) {
        st = gs_error_set(err, GS_NOMEM, "population", "out of memory for the result");
        goto done;
    }
    double t0 = now_s();
    if ((st = gs_population_run(&cfg, &r->pop, err)))
        goto done;
    r->elapsed_s = now_s() - t0;
    /* under MPI the subjects and the statistics reach rank 0 only (docs/mpi.md): the other
     * ranks return the request's description without them */
    int root = gs_par_rank() == 0;
    if (root && req->sink && req->sink->end && (st = req->sink->end(req->sink->ctx, err)))
        goto done;
    if (root && ((st = spread(relay.cmax, cfg.n, &r->cmax_mg_l, err)) ||
                 (st = spread(relay.cmin, cfg.n, &r->cmin_mg_l, err)) ||
                 (st = spread(relay.cavg, cfg.n, &r->cavg_mg_l, err)) ||
                 (st = label_check(req, covdist || covtable, &relay, cfg.n, r, err))))
        goto done;
    r->n = cfg.n;
    r->seed = cfg.seed;
    r->window_from_h = wfrom;
    r->window_to_h = wto;
    r->n_thresholds = cfg.n_thresholds; /* the engine checked both counts */
    if (cfg.n_thresholds)
        memcpy(r->thresholds_mg_l, cfg.thresholds_mg_l, cfg.n_thresholds * sizeof(double));
    if (cfg.n_extra_pct)
        memcpy(r->extra_pct, cfg.extra_pct, cfg.n_extra_pct * sizeof(double));
    *out = r;
    r = NULL;
done:
    gs_population_result_free(r);
    gs_free(relay.cmax);
    gs_free(relay.cmin);
    gs_free(relay.cavg);
    gs_free(relay.above_band);
    gs_event_list_release(&ev);
    gs_covdist_free(own_cov);
    gs_dataset_free(own_table);
    return st;
}

void gs_population_result_free(struct gs_population_result *r)
{
    if (r == NULL)
        return;
    gs_population_run_release(&r->pop);
    gs_free(r->drug);
    gs_free(r->covariates);
    gs_free(r);
}

gs_status gs_population_dataset(const struct gs_population_dataset_request *req,
                                struct gs_population_dataset_result **out, struct gs_error *err)
{
    if (out == NULL || req == NULL)
        return gs_error_set(err, GS_INPUT, "population", "no request or no result to fill");
    *out = NULL;
    if (req->drug == NULL)
        return gs_error_set(err, GS_INPUT, "drug", "the request has no drug");
    if (req->ds == NULL)
        return gs_error_set(err, GS_INPUT, "--data", "the request has no dataset");
    if (req->patient == NULL)
        return gs_error_set(err, GS_INPUT, "patient", "the request has no default patient");
    struct gs_variability var;
    gs_status st = gs_variability_from_drug(req->drug, req->variability_scale, &var, err);
    if (st != GS_OK)
        return st;
    struct gs_population_dataset_result *r = gs_calloc(1, sizeof *r);
    size_t n = gs_dataset_n_rows(req->ds);
    if (r) {
        r->ds = req->ds;
        r->n_rows = n;
        r->pred_mg_l = gs_malloc((n ? n : 1) * sizeof *r->pred_mg_l);
        r->ipred_mg_l = gs_malloc((n ? n : 1) * sizeof *r->ipred_mg_l);
        r->simdv_mg_l = gs_malloc((n ? n : 1) * sizeof *r->simdv_mg_l);
        r->iwres = gs_malloc((n ? n : 1) * sizeof *r->iwres);
        r->simipred_mg_l = gs_malloc((n ? n : 1) * sizeof *r->simipred_mg_l);
    }
    if (!r || !r->pred_mg_l || !r->ipred_mg_l || !r->simdv_mg_l || !r->iwres || !r->simipred_mg_l) {
        gs_population_dataset_result_free(r);
        return gs_error_set(err, GS_NOMEM, "--data", "out of memory for %zu rows", n);
    }
    struct gs_dataset_sim_config cfg = {req->ds,  req->drug, &var,        req->patient,
                                        req->sim, req->seed, req->threads};
    if ((st = gs_dataset_simulate(&cfg, r->pred_mg_l, r->simipred_mg_l, r->simdv_mg_l, err)) ||
        (st = gs_dataset_individual(&cfg, r->ipred_mg_l, r->iwres, err))) {
        gs_population_dataset_result_free(r);
        return st;
    }
    *out = r;
    return GS_OK;
}

void gs_population_dataset_result_free(struct gs_population_dataset_result *r)
{
    if (r == NULL)
        return;
    gs_free(r->pred_mg_l);
    gs_free(r->ipred_mg_l);
    gs_free(r->simdv_mg_l);
    gs_free(r->iwres);
    gs_free(r->simipred_mg_l);
    gs_free(r);
}

/* A number ("2.5"): no hex, inf or nan. */
static int parse_number(const char *text, double *x)
{
    char *end = NULL;
    *x = strtod(text, &end);
    return end != text && *end == '\0' && isfinite(*x) && !strpbrk(text, "xXnNiI");
}

gs_status gs_population_parse_percentiles(const char *text, double *out, size_t *n,
                                          struct gs_error *err)
{
    const char *f = "--percentiles";
    for (*n = 0; *text; text += *text == ',') {
        char tok[64];
        size_t len = strcspn(text, ",");
        snprintf(tok, sizeof tok, "%.*s", (int)len, text);
        text += len;
        if (len == 0)
            continue; /* "2.5,,97.5" */
        double v;
        if (len >= sizeof tok || !parse_number(tok, &v))
            return gs_error_set(err, GS_INPUT, f, "'%s' has '%s'; expected numbers like 2.5,97.5",
                                f, tok);
        if (*n == GS_POP_MAX_EXTRA_PCT)
            return gs_error_set(err, GS_INPUT, f, "'%s' has more than %d values", f,
                                GS_POP_MAX_EXTRA_PCT);
        out[(*n)++] = v;
    }
    if (*n == 0)
        return gs_error_set(err, GS_INPUT, f, "'%s' is empty", f);
    return GS_OK;
}

gs_status gs_population_parse_variability(const char *text, double *scale, struct gs_error *err)
{
    if (!parse_number(text, scale))
        return gs_error_set(err, GS_INPUT, "--variability",
                            "'--variability' is '%s'; expected a number from 0 to 10", text);
    if (!(*scale >= 0.0 && *scale <= 10.0))
        return gs_error_set(err, GS_INPUT, "--variability",
                            "'--variability' is %g; allowed 0 to 10 (1 = as published)", *scale);
    return GS_OK;
}
