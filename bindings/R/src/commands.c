/* commands.c - one .Call entry point per command. Each makes the library calls its command makes
 * (src/cli/cmd_*.c), then hands R the numbers as doubles and the report layer's JSON and text
 * (the very bytes `gabasim CMD --json` and `gabasim CMD` print). Library errors become R errors
 * carrying the library's one-line message; everything is freed before the error is raised. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gabasim_r.h"

/* A named list of n elements; fill with SET_VECTOR_ELT. */
static SEXP named_list(int n, const char *const *names)
{
    SEXP out = PROTECT(Rf_allocVector(VECSXP, n));
    SEXP nm = PROTECT(Rf_allocVector(STRSXP, n));
    for (int i = 0; i < n; i++)
        SET_STRING_ELT(nm, i, Rf_mkChar(names[i]));
    Rf_setAttrib(out, R_NamesSymbol, nm);
    UNPROTECT(2);
    return out;
}

static SEXP doubles(const double *v, size_t n, size_t stride)
{
    SEXP out = Rf_allocVector(REALSXP, (R_xlen_t)n);
    double *o = REAL(out);
    for (size_t i = 0; i < n; i++)
        o[i] = v ? v[i * stride] : NA_REAL;
    return out;
}

static SEXP text_of(const struct gsr_text *t)
{
    return gsr_mkstring(t->buf, t->len);
}

SEXP gsr_version(void)
{
    return Rf_mkString(GS_VERSION_STRING);
}

/* ---- simulate ---- */

SEXP gsr_simulate(SEXP opts)
{
    struct gs_error err = GS_ERROR_INIT;
    gs_drug *drug = NULL;
    struct gs_regimen reg;
    struct gs_patient pt;
    struct gs_model model;
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    struct gs_profile prof = GS_PROFILE_INIT;
    struct gs_summary sum;
    struct gs_sim_options sopt = GS_SIM_OPTIONS_DEFAULT;
    struct gsr_regimen_opts ro;
    struct gsr_text txt = {0};
    char *json = NULL;
    double *grid = NULL;
    size_t n_grid = 0;
    char notes[2048] = "";
    gs_status st;
    const char *drug_name = gsr_str(opts, "drug");

    if (drug_name == NULL) {
        st = gs_error_set(&err, GS_INPUT, "--drug", "missing '--drug' (see 'gabasim drugs')");
        goto fail;
    }
    if ((st = gsr_regimen_opts(opts, &ro, &err)) || (st = gsr_solver(opts, &sopt, &err)) ||
        (st = gs_drug_load(&drug, drug_name, &err)) || (st = gsr_patient(opts, &pt, &err)) ||
        (st = gsr_regimen(&ro, drug, &reg, &err)) ||
        (st = gs_drug_individual_model(drug, &pt, &model, notes, sizeof notes, &err)) ||
        (st = gs_dialysis_apply(drug, &pt, &reg, notes, sizeof notes, &err)))
        goto fail;
    if (pt.crcl_source == GS_CRCL_DEFAULT) {
        size_t k = strlen(notes);
        snprintf(notes + k, sizeof notes - k,
                 "no kidney function given: CrCl 100 mL/min (a typical adult) assumed\n");
    }
    int single = gsr_regimen_single(&ro);
    if ((st = gs_regimen_expand(&reg, &ev, &err)) ||
        (st = gsr_grid(opts, 0.25, &reg, single, &grid, &n_grid, &err)))
        goto fail;
    const struct gs_regimen_step *maint = gs_regimen_maintenance(&reg);
    if ((st = gs_simulate(&model, &ev, grid, n_grid, &sopt, &prof, &err)) ||
        (st = gs_summarize_hd(&(struct gs_summary_request){.model = &model,
                                                           .events = &ev,
                                                           .profile = &prof,
                                                           .ss_dose_mg = maint->dose_mg,
                                                           .ss_ii_h = single ? NAN : maint->ii_h,
                                                           .cmt = reg.cmt,
                                                           .sim = &sopt},
                              &reg.hd, &sum, &err)))
        goto fail;
    struct gs_label_check check;
    if ((st = gs_label_check_regimen(drug, &pt, &reg, single, &check, &err)))
        goto fail;
    gs_label_check_levels(drug, single ? NAN : sum.ss_cmin_mg_l,
                          single ? sum.span_cmax_mg_l : sum.ss_cmax_mg_l, &check);
    struct gs_run run = {drug, &pt, &model, &reg, &ev, &prof, &sum, notes, &check};
    if ((json = gs_report_run_json(&run)) == NULL) {
        st = gs_error_set(&err, GS_NOMEM, "--json", "out of memory writing JSON");
        goto fail;
    }
    if ((st = gsr_text_open(&txt, &err)))
        goto fail;
    gs_report_summary_text(&run, txt.f);
    if ((st = gsr_text_close(&txt, &err)))
        goto fail;

    static const char *const names[] = {"time",       "conc",   "depot", "central", "unabsorbed",
                                        "eliminated", "auc",    "crcl",  "json",    "text",
                                        "age",        "weight", "sex"};
    SEXP out = PROTECT(named_list(13, names));
    SET_VECTOR_ELT(out, 0, doubles(prof.t_h, prof.n, 1));
    SET_VECTOR_ELT(out, 1, doubles(prof.conc_mg_l, prof.n, 1));
    SET_VECTOR_ELT(out, 2, doubles(prof.y + GS_Y_DEPOT, prof.n, GS_N_STATES));
    SET_VECTOR_ELT(out, 3, doubles(prof.y + GS_Y_CENTRAL, prof.n, GS_N_STATES));
    SET_VECTOR_ELT(out, 4, doubles(prof.y + GS_Y_UNABSORBED, prof.n, GS_N_STATES));
    SET_VECTOR_ELT(out, 5, doubles(prof.y + GS_Y_ELIMINATED, prof.n, GS_N_STATES));
    SET_VECTOR_ELT(out, 6, doubles(prof.y + GS_Y_AUC, prof.n, GS_N_STATES));
    SET_VECTOR_ELT(out, 7, Rf_ScalarReal(pt.crcl_ml_min));
    SET_VECTOR_ELT(out, 8, gsr_mkstring(json, strlen(json)));
    SET_VECTOR_ELT(out, 9, text_of(&txt));
    SET_VECTOR_ELT(out, 10, Rf_ScalarReal(isnan(pt.age_y) ? NA_REAL : pt.age_y));
    SET_VECTOR_ELT(out, 11, Rf_ScalarReal(isnan(pt.weight_kg) ? NA_REAL : pt.weight_kg));
    /* as datasets code it: 0 male, 1 female */
    SET_VECTOR_ELT(out, 12,
                   Rf_ScalarInteger(pt.sex == GS_SEX_MALE     ? 0
                                    : pt.sex == GS_SEX_FEMALE ? 1
                                                              : NA_INTEGER));
    gs_report_json_free(json);
    gsr_text_free(&txt);
    gs_free(grid);
    gs_simulate_profile_release(&prof);
    gs_event_list_release(&ev);
    gs_drug_free(drug);
    UNPROTECT(1);
    return out;

fail:
    gs_report_json_free(json);
    gsr_text_free(&txt);
    gs_free(grid);
    gs_simulate_profile_release(&prof);
    gs_event_list_release(&ev);
    gs_drug_free(drug);
    gsr_fail(&err);
}

/* ---- population ---- */

static gs_status pop_common(SEXP opts, gs_drug **drug, struct gs_population_request *req,
                            struct gs_error *err)
{
    long seed = 1, threads = 0;
    const char *name = gsr_str(opts, "drug"), *var = gsr_str(opts, "variability");
    gs_status st;
    if (name == NULL)
        return gs_error_set(err, GS_INPUT, "--drug", "missing '--drug' (see 'gabasim drugs')");
    if ((var && (st = gs_population_parse_variability(var, &req->variability_scale, err))) ||
        (st = gsr_solver(opts, &req->sim, err)) ||
        (st = gsr_count(gsr_str(opts, "seed"), "seed", 0, 9007199254740992L, &seed, err)) ||
        (st = gsr_count(gsr_str(opts, "threads"), "threads", 0, 256, &threads, err)) ||
        (st = gs_drug_load(drug, name, err)))
        return st;
    req->drug = *drug;
    req->seed = (uint64_t)seed;
    req->threads = (int)threads;
    return GS_OK;
}

/* A sink in front of the report layer's: every 1024 subjects (on the calling thread, in subject
 * order) it asks R whether the user pressed Ctrl-C, without R's long jump, and stops the run with
 * an error if so; the library then frees everything and returns. */
struct interruptible {
    const struct gs_population_sink *inner;
    long seen;
    struct gs_population_sink sink;
};

static void check_interrupt(void *unused)
{
    (void)unused;
    R_CheckUserInterrupt();
}

static gs_status int_begin(void *ctx, const struct gs_pop_config *cfg, struct gs_error *err)
{
    const struct interruptible *w = ctx;
    return w->inner && w->inner->begin ? w->inner->begin(w->inner->ctx, cfg, err) : GS_OK;
}

static size_t int_format(void *ctx, const struct gs_pop_subject *s, char *buf, size_t cap)
{
    const struct interruptible *w = ctx;
    return w->inner->format(w->inner->ctx, s, buf, cap);
}

static gs_status int_subject(void *ctx, const struct gs_pop_subject *s, struct gs_error *err)
{
    struct interruptible *w = ctx;
    if (++w->seen % 1024 == 0 && !R_ToplevelExec(check_interrupt, NULL))
        return gs_error_set(err, GS_IO, "population", "interrupted after %ld subjects", w->seen);
    return w->inner && w->inner->subject ? w->inner->subject(w->inner->ctx, s, err) : GS_OK;
}

static gs_status int_end(void *ctx, struct gs_error *err)
{
    const struct interruptible *w = ctx;
    return w->inner && w->inner->end ? w->inner->end(w->inner->ctx, err) : GS_OK;
}

static const struct gs_population_sink *interruptible(struct interruptible *w,
                                                      const struct gs_population_sink *inner)
{
    w->inner = inner;
    w->seen = 0;
    w->sink = (struct gs_population_sink){int_begin, inner && inner->format ? int_format : NULL,
                                          int_subject, int_end, w};
    return &w->sink;
}

/* What gsr_population holds once the library has answered: the R result is built from it and
 * it is released whether building returns or R raises an error (an allocation failure) in it. */
struct pop_held {
    struct gsr_text *js, *tx, *subj, *par;
    struct gs_population_result *res;
    double *grid;
    gs_drug *drug;
    int want_subjects, want_params;
};

static void pop_release(void *p)
{
    struct pop_held *h = p;
    gsr_text_free(h->js);
    gsr_text_free(h->tx);
    gsr_text_free(h->subj);
    gsr_text_free(h->par);
    gs_population_result_free(h->res);
    gs_free(h->grid);
    gs_drug_free(h->drug);
}

/* time, mean, 7 percentiles, the extra percentiles; then json, text, subjects, params */
static SEXP pop_build(void *p)
{
    const struct pop_held *h = p;
    const struct gs_population_result *res = h->res;
    int n_ex = (int)res->pop.n_extra_pct, n_cols = 2 + GS_POP_N_PCT + n_ex;
    SEXP cols = PROTECT(Rf_allocVector(VECSXP, n_cols));
    SEXP cn = PROTECT(Rf_allocVector(STRSXP, n_cols));
    size_t n = res->pop.n_out;
    SET_VECTOR_ELT(cols, 0, doubles(res->pop.t_h, n, 1));
    SET_STRING_ELT(cn, 0, Rf_mkChar("time"));
    SET_VECTOR_ELT(cols, 1, doubles(res->pop.mean_mg_l, n, 1));
    SET_STRING_ELT(cn, 1, Rf_mkChar("mean"));
    for (int k = 0; k < GS_POP_N_PCT + n_ex; k++) {
        char nm[48];
        int ex = k >= GS_POP_N_PCT;
        double pct = ex ? res->extra_pct[k - GS_POP_N_PCT] : gs_pop_percentiles[k];
        snprintf(nm, sizeof nm, "p%.10g", pct);
        SET_VECTOR_ELT(
            cols, 2 + k,
            doubles(ex ? res->pop.extra_pct_mg_l[k - GS_POP_N_PCT] : res->pop.pct_mg_l[k], n, 1));
        SET_STRING_ELT(cn, 2 + k, Rf_mkChar(nm));
    }
    Rf_setAttrib(cols, R_NamesSymbol, cn);
    static const char *const names[] = {"percentiles", "json", "text", "subjects", "params"};
    SEXP out = PROTECT(named_list(5, names));
    SET_VECTOR_ELT(out, 0, cols);
    SET_VECTOR_ELT(out, 1, text_of(h->js));
    SET_VECTOR_ELT(out, 2, text_of(h->tx));
    SET_VECTOR_ELT(out, 3, h->want_subjects ? text_of(h->subj) : R_NilValue);
    SET_VECTOR_ELT(out, 4, h->want_params ? text_of(h->par) : R_NilValue);
    UNPROTECT(3);
    return out;
}

SEXP gsr_population(SEXP opts)
{
    struct gs_error err = GS_ERROR_INIT;
    gs_drug *drug = NULL;
    struct gs_regimen reg;
    struct gs_patient pt;
    struct gs_population_request req;
    struct gs_population_result *res = NULL;
    struct gsr_regimen_opts ro;
    struct gsr_text js = {0}, tx = {0}, subj = {0}, par = {0};
    double *grid = NULL, extra_pct[GS_POP_MAX_EXTRA_PCT], thr[GSR_LIST_MAX];
    int want_subjects = gsr_flag(opts, "subjects"), want_params = gsr_flag(opts, "params");
    gs_status st;

    gs_population_request_init(&req);
    req.window_from_h = req.window_to_h = NAN;
    const char *clash = gsr_patient_given(opts), *pcts = gsr_str(opts, "percentiles");
    SEXP tv = gsr_vec(opts, "threshold");
    R_xlen_t n_thr = tv == R_NilValue ? 0 : XLENGTH(tv);
    if ((st = pop_common(opts, &drug, &req, &err)) ||
        (st = gsr_count(gsr_str(opts, "n"), "n", 1, GS_POP_MAX_N, &req.n, &err)) ||
        (st = gsr_list_max(tv, "threshold", &err)))
        goto done;
    for (R_xlen_t i = 0; i < n_thr; i++)
        if ((st = gsr_quantity(CHAR(STRING_ELT(tv, i)), GS_DIM_CONC, "threshold",
                               (struct gsr_range){0, INFINITY, 0, 0}, &thr[i], &err)))
            goto done;
    req.covariates = gsr_str(opts, "covariates");
    if (req.covariates && clash) {
        st = gs_error_set(&err, GS_INPUT, "--covariates",
                          "'--covariates' draws every patient; do not combine it with '--%s'",
                          clash);
        goto done;
    }
    if ((st = gsr_regimen_opts(opts, &ro, &err)) || (st = gsr_patient(opts, &pt, &err)) ||
        (st = gsr_regimen(&ro, drug, &reg, &err)))
        goto done;
    req.single_dose = gsr_regimen_single(&ro);
    if ((st = gsr_grid(opts, 1.0, &reg, req.single_dose, &grid, &req.n_out, &err)) ||
        (st = gsr_quantity(gsr_str(opts, "window_from"), GS_DIM_TIME, "window-from", GSR_ANY,
                           &req.window_from_h, &err)) ||
        (st = gsr_quantity(gsr_str(opts, "window_to"), GS_DIM_TIME, "window-to", GSR_ANY,
                           &req.window_to_h, &err)))
        goto done;
    if (n_thr > GS_POP_MAX_THRESHOLDS) {
        st = gs_error_set(&err, GS_INPUT, "--threshold", "at most %d '--threshold'",
                          GS_POP_MAX_THRESHOLDS);
        goto done;
    }
    req.n_thresholds = (size_t)n_thr;
    if (pcts && (st = gs_population_parse_percentiles(pcts, extra_pct, &req.n_extra_pct, &err)))
        goto done;
    req.patient = &pt;
    req.regimen = &reg;
    req.t_out = grid;
    req.thresholds_mg_l = thr;
    req.extra_pct = extra_pct;

    struct gs_report_pop_subjects w = {0};
    if ((want_subjects && (st = gsr_text_open(&subj, &err))) ||
        (want_params && (st = gsr_text_open(&par, &err))))
        goto done;
    w.summary_csv = subj.f;
    w.params_csv = par.f;
    struct interruptible intr;
    req.sink = interruptible(&intr, gs_report_population_subjects(&w));
    if ((st = gs_population(&req, &res, &err)) || (st = gsr_text_close(&subj, &err)) ||
        (st = gsr_text_close(&par, &err)) || (st = gsr_text_open(&js, &err)) ||
        (st = gs_report_population_json(res, js.f, &err)) || (st = gsr_text_close(&js, &err)) ||
        (st = gsr_text_open(&tx, &err)) || (st = gs_report_population_text(res, tx.f, &err)) ||
        (st = gsr_text_close(&tx, &err)))
        goto done;

    struct pop_held held = {&js, &tx, &subj, &par, res, grid, drug, want_subjects, want_params};
    /* R's allocations can fail with an R error (a long jump): the release runs then too */
    return R_ExecWithCleanup(pop_build, &held, pop_release, &held);

done:
    pop_release(&(struct pop_held){&js, &tx, &subj, &par, res, grid, drug, 0, 0});
    gsr_fail(&err);
}

/* population(data = ): predictions for a NONMEM-style dataset, given as its CSV text */
SEXP gsr_population_data(SEXP opts, SEXP csv)
{
    struct gs_error err = GS_ERROR_INIT;
    gs_drug *drug = NULL;
    gs_dataset *table = NULL;
    struct gs_patient pt;
    struct gs_population_request req;
    struct gs_population_dataset_result *dres = NULL;
    struct gsr_text out_csv = {0};
    gs_status st;
    static const char *const not_with_data[] = {
        "n",           "covariates",   "dose",      "every",     "days",        "doses",
        "titrate",     "until",        "out_every", "threshold", "window_from", "window_to",
        "percentiles", "start_steady", "miss",      "extra",     NULL};

    /* checked before anything is allocated: STRING_ELT(csv, 0) below reads element 0 unchecked */
    if (TYPEOF(csv) != STRSXP || XLENGTH(csv) != 1 || STRING_ELT(csv, 0) == NA_STRING)
        Rf_error("'data' is not one CSV text");
    gs_population_request_init(&req);
    if ((st = pop_common(opts, &drug, &req, &err)))
        goto done;
    for (int i = 0; not_with_data[i]; i++)
        if (gsr_str(opts, not_with_data[i]) &&
            (strcmp(not_with_data[i], "start_steady") != 0 || gsr_flag(opts, "start_steady"))) {
            char name[32];
            snprintf(name, sizeof name, "%s", not_with_data[i]);
            for (char *c = name; *c; c++)
                *c = *c == '_' ? '-' : *c;
            st = gs_error_set(&err, GS_INPUT, "--data",
                              "'--data' takes subjects and doses from the dataset; '--%s' does "
                              "not apply",
                              name);
            goto done;
        }
    const char *text = CHAR(STRING_ELT(csv, 0));
    if ((st = gs_dataset_parse(&table, text, strlen(text), "data", &err)) ||
        (st = gsr_patient(opts, &pt, &err)))
        goto done;
    struct gs_population_dataset_request dq = {drug,    table,    &pt,        req.variability_scale,
                                               req.sim, req.seed, req.threads};
    if ((st = gs_population_dataset(&dq, &dres, &err)) || (st = gsr_text_open(&out_csv, &err)) ||
        (st = gs_report_population_dataset_csv(dres, out_csv.f, &err)) ||
        (st = gsr_text_close(&out_csv, &err)))
        goto done;
    static const char *const names[] = {"PRED", "IPRED", "SIMDV", "csv"};
    SEXP out = PROTECT(named_list(4, names));
    SET_VECTOR_ELT(out, 0, doubles(dres->pred_mg_l, dres->n_rows, 1));
    SET_VECTOR_ELT(out, 1, doubles(dres->ipred_mg_l, dres->n_rows, 1));
    SET_VECTOR_ELT(out, 2, doubles(dres->simdv_mg_l, dres->n_rows, 1));
    SET_VECTOR_ELT(out, 3, text_of(&out_csv));
    gsr_text_free(&out_csv);
    gs_population_dataset_result_free(dres);
    gs_dataset_free(table);
    gs_drug_free(drug);
    UNPROTECT(1);
    return out;

done:
    gsr_text_free(&out_csv);
    gs_population_dataset_result_free(dres);
    gs_dataset_free(table);
    gs_drug_free(drug);
    gsr_fail(&err);
}

/* ---- advise ---- */

/* with = "NAME[@T,...]": the co-medications (the command line's parse_with) */
static gs_status parse_with(SEXP with, struct gs_comedication *co, char (*names)[64],
                            double (*times)[64], size_t *n, struct gs_error *err)
{
    *n = with == R_NilValue ? 0 : (size_t)XLENGTH(with);
    for (size_t i = 0; i < *n; i++) {
        const char *arg = CHAR(STRING_ELT(with, (R_xlen_t)i)), *at = strchr(arg, '@');
        size_t len = at ? (size_t)(at - arg) : strlen(arg);
        if (len == 0 || len >= sizeof names[i] || (at && at[1] == '\0'))
            return gs_error_set(err, GS_INPUT, "--with", "'--with' is '%s'; expected NAME[@TIMES]",
                                arg);
        memcpy(names[i], arg, len);
        names[i][len] = '\0';
        co[i] = (struct gs_comedication){names[i], at ? times[i] : NULL, 0};
        for (const char *p = at ? at + 1 : ""; at && *p != '\0';) {
            char tok[32];
            size_t k = strcspn(p, ",");
            if (k == 0 || k >= sizeof tok || co[i].n_doses == 64 || (p[k] == ',' && !p[k + 1]))
                return gs_error_set(err, GS_INPUT, "--with",
                                    "'--with' is '%s'; expected NAME@TIME,TIME,... with up to 64 "
                                    "times like 0h,8h",
                                    arg);
            memcpy(tok, p, k);
            tok[k] = '\0';
            double *t = &times[i][co[i].n_doses++];
            gs_status st = gs_units_parse_quantity(tok, GS_DIM_TIME, "--with", t, err);
            if (st != GS_OK)
                return st;
            if (!(*t >= 0.0 && *t <= GS_MAX_DURATION_H))
                return gs_error_set(err, GS_INPUT, "--with",
                                    "'--with' time is %g h; allowed 0 to %g h", *t,
                                    GS_MAX_DURATION_H);
            p += k + (p[k] == ',');
        }
    }
    return GS_OK;
}

SEXP gsr_advise(SEXP opts)
{
    static char names[GSR_LIST_MAX][64];
    static double times[GSR_LIST_MAX][64];
    struct gs_comedication co[GSR_LIST_MAX];
    struct gs_error err = GS_ERROR_INIT;
    struct gs_advise_request rq = GS_ADVISE_REQUEST_INIT;
    struct gs_advise_result *res = NULL;
    gs_drug *drug = NULL;
    struct gs_patient pt;
    struct gs_regimen proposed;
    struct gsr_text js = {0}, tx = {0};
    double dose = NAN, every = NAN;
    long seed = (long)rq.seed;
    const char *drug_name = gsr_str(opts, "drug"), *titrate = gsr_str(opts, "titrate");
    SEXP with = gsr_vec(opts, "with");
    gs_status st;

    if ((st = gsr_quantity(gsr_str(opts, "target"), GS_DIM_DOSE, "target",
                           (struct gsr_range){0, 1e5, 1, 0}, &rq.target_daily_mg, &err)) ||
        (st = gsr_quantity(gsr_str(opts, "dose"), GS_DIM_DOSE, "dose", GSR_ANY, &dose, &err)) ||
        (st = gsr_quantity(gsr_str(opts, "every"), GS_DIM_TIME, "every", GSR_ANY, &every, &err)) ||
        (st = gsr_number(gsr_str(opts, "days"), "days",
                         (struct gsr_range){0, GS_MAX_DURATION_H / 24.0, 1, 0}, &rq.days, &err)) ||
        (st = gsr_count(gsr_str(opts, "n"), "n", 10, GS_ADVISE_MAX_N, &rq.n, &err)) ||
        (st = gsr_count(gsr_str(opts, "seed"), "seed", 0, 9007199254740992L, &seed, &err)) ||
        (st = gsr_list_max(with, "with", &err)) ||
        (st = gs_drug_load(&drug, drug_name ? drug_name : "gabapentin", &err)) ||
        (st = gsr_patient(opts, &pt, &err)))
        goto done;
    rq.drug = drug;
    rq.patient = &pt;
    rq.pain_type = gsr_str(opts, "pain");
    rq.comedications = co;
    rq.seed = (uint64_t)seed;
    if ((st = gs_advise_check(&rq, &err)))
        goto done;
    if (isnan(dose) && titrate == NULL) {
        if (!isnan(every)) {
            st = gs_error_set(&err, GS_INPUT, "--every",
                              "'--every' belongs to a proposed regimen: give '--dose' too");
            goto done;
        }
    } else {
        struct gsr_regimen_opts ro = {dose, every, rq.days, 0, titrate, R_NilValue, R_NilValue, 0};
        if ((st = gsr_regimen(&ro, drug, &proposed, &err)))
            goto done;
        rq.proposed = &proposed;
    }
    if ((st = parse_with(with, co, names, times, &rq.n_comedications, &err)) ||
        (st = gs_advise(&rq, &res, &err)) || (st = gsr_text_open(&js, &err)) ||
        (st = gs_report_advise_json(res, js.f, &err)) || (st = gsr_text_close(&js, &err)) ||
        (st = gsr_text_open(&tx, &err)) || (st = gs_report_advise_text(res, tx.f, &err)) ||
        (st = gsr_text_close(&tx, &err)))
        goto done;
    static const char *const out_names[] = {"json", "text"};
    SEXP out = PROTECT(named_list(2, out_names));
    SET_VECTOR_ELT(out, 0, text_of(&js));
    SET_VECTOR_ELT(out, 1, text_of(&tx));
    gsr_text_free(&js);
    gsr_text_free(&tx);
    gs_advise_result_free(res);
    gs_drug_free(drug);
    UNPROTECT(1);
    return out;

done:
    gsr_text_free(&js);
    gsr_text_free(&tx);
    gs_advise_result_free(res);
    gs_drug_free(drug);
    gsr_fail(&err);
}

/* ---- trial ---- */

static gs_status parse_grid(const char *text, long *grid, size_t *n, struct gs_error *err)
{
    *n = 0;
    const char *p = text;
    while (*p) {
        char cell[32];
        size_t l = strcspn(p, ",");
        if (l == 0 || l >= sizeof cell || *n == GS_TRIAL_MAX_GRID)
            return gs_error_set(err, GS_INPUT, "--n-grid",
                                "'--n-grid' is '%s'; give up to %d whole numbers from 2 to 100000 "
                                "separated by commas",
                                text, GS_TRIAL_MAX_GRID);
        memcpy(cell, p, l);
        cell[l] = '\0';
        long v;
        if (gs_units_parse_count(cell, "--n-grid", GS_TRIAL_MAX_ARM_N, &v, err) != GS_OK || v < 2)
            return gs_error_set(err, GS_INPUT, "--n-grid",
                                "'--n-grid' value '%s' is not allowed; N per arm must be a whole "
                                "number from 2 to 100000",
                                cell);
        grid[(*n)++] = v;
        p += l;
        if (*p == ',') {
            p++;
            if (*p == '\0')
                return gs_error_set(err, GS_INPUT, "--n-grid",
                                    "'--n-grid' is '%s': it ends with a comma", text);
        }
    }
    if (*n == 0)
        return gs_error_set(err, GS_INPUT, "--n-grid", "'--n-grid' is empty");
    return GS_OK;
}

SEXP gsr_trial(SEXP opts)
{
    struct gs_error err = GS_ERROR_INIT;
    struct gs_trial_request req = GS_TRIAL_REQUEST_INIT;
    struct gs_trial_simulation *sim = NULL;
    struct gsr_text js = {0}, tx = {0}, csv = {0};
    long grid[GS_TRIAL_MAX_GRID], reps = 0, seed = -1, threads = 0;
    const char *spec = gsr_str(opts, "spec"), *seed_s = gsr_str(opts, "seed");
    gs_status st;

    if ((st = gsr_count(gsr_str(opts, "replicates"), "replicates", 1, GS_TRIAL_MAX_REPS, &reps,
                        &err)) ||
        (st = gsr_count(seed_s, "seed", 0, 9007199254740992L, &seed, &err)) ||
        (st = gsr_count(gsr_str(opts, "threads"), "threads", 0, 256, &threads, &err)) ||
        (st = gsr_number(gsr_str(opts, "observed"), "observed", (struct gsr_range){-10, 10, 0, 0},
                         &req.observed, &err)) ||
        (gsr_str(opts, "n_grid") &&
         (st = parse_grid(gsr_str(opts, "n_grid"), grid, &req.n_grid_len, &err))))
        goto done;
    if (spec == NULL) {
        st = gs_error_set(&err, GS_INPUT, "SPEC",
                          "give one trial specification file: gabasim trial SPEC.json ('-': "
                          "standard input; see gabasim help trial)");
        goto done;
    }
    if (req.observed == 0.0) {
        st = gs_error_set(&err, GS_INPUT, "--observed",
                          "'--observed' is 0; give a non-zero difference in pain from -10 to 10 "
                          "(negative: less pain on the drug)");
        goto done;
    }
    if (!reps && (req.n_grid_len || !isnan(req.observed))) {
        const char *name = req.n_grid_len ? "--n-grid" : "--observed";
        st = gs_error_set(&err, GS_INPUT, name,
                          "'%s' needs --replicates (it summarises many simulated trials)", name);
        goto done;
    }
    req.spec_path = spec;
    req.override_seed = seed >= 0;
    req.seed = seed >= 0 ? (uint64_t)seed : 0;
    req.replicates = reps;
    req.n_grid = grid;
    req.threads = (int)threads;
    if ((st = gs_trial_simulate(&req, &sim, &err)) || (st = gsr_text_open(&js, &err)) ||
        (st = gs_report_trial_json(sim, js.f, &err)) || (st = gsr_text_close(&js, &err)) ||
        (st = gsr_text_open(&tx, &err)) || (st = gs_report_trial_text(sim, tx.f, &err)) ||
        (st = gsr_text_close(&tx, &err)) || (st = gsr_text_open(&csv, &err)) ||
        (st = gs_report_trial_csv(sim, csv.f, &err)) || (st = gsr_text_close(&csv, &err)))
        goto done;
    static const char *const names[] = {"json", "text", "csv"};
    SEXP out = PROTECT(named_list(3, names));
    SET_VECTOR_ELT(out, 0, text_of(&js));
    SET_VECTOR_ELT(out, 1, text_of(&tx));
    SET_VECTOR_ELT(out, 2, text_of(&csv));
    gsr_text_free(&js);
    gsr_text_free(&tx);
    gsr_text_free(&csv);
    gs_trial_simulation_free(sim);
    UNPROTECT(1);
    return out;

done:
    gsr_text_free(&js);
    gsr_text_free(&tx);
    gsr_text_free(&csv);
    gs_trial_simulation_free(sim);
    gsr_fail(&err);
}

/* ---- meta ---- */

SEXP gsr_meta(SEXP opts, SEXP csv)
{
    static const char *const methods[] = {"reml", "dl", NULL};
    static const char *const measures[] = {"MD", "SMD", "ROM", "RR", "OR", "RD", NULL};
    static const enum gs_meta_measure measure_ids[] = {GS_META_MD, GS_META_SMD, GS_META_ROM,
                                                       GS_META_RR, GS_META_OR,  GS_META_RD};
    struct gs_error err = GS_ERROR_INIT;
    struct gs_meta_request req = GS_META_REQUEST_INIT;
    struct gs_meta_models_request models = GS_META_MODELS_REQUEST_INIT;
    int measure = -1;
    struct gs_meta_analysis *m = NULL;
    struct gs_studies table = {0};
    struct gsr_text js = {0}, tx = {0};
    int method = 0, have_table = 0;
    gs_status st;

    if (csv != R_NilValue &&
        (TYPEOF(csv) != STRSXP || XLENGTH(csv) != 1 || STRING_ELT(csv, 0) == NA_STRING))
        Rf_error("'file' is not one CSV text");
    if ((st = gsr_choice(gsr_str(opts, "method"), "method", methods, &method, &err)) ||
        (st = gsr_number(gsr_str(opts, "level"), "level", (struct gsr_range){0, 1, 1, 1},
                         &req.level, &err)))
        goto done;
    if ((st = gsr_choice(gsr_str(opts, "measure"), "measure", measures, &measure, &err)))
        goto done;
    req.method = method == 1 ? GS_META_DL : GS_META_REML;
    req.hk = gsr_flag(opts, "hk");
    req.measure = measure < 0 ? GS_META_MEASURE_AUTO : measure_ids[measure];
    /* the models after pooling, as the command line's --by, --mods, --egger, ... */
    models.by = gsr_str(opts, "by");
    if (models.by && strcmp(models.by, "none") == 0)
        models.by = "";
    models.mods = gsr_str(opts, "mods");
    models.order = gsr_str(opts, "order");
    models.egger = gsr_flag(opts, "egger");
    models.leave1out = gsr_flag(opts, "leave-one-out");
    models.influence = gsr_flag(opts, "influence");
    models.cumulative = gsr_flag(opts, "cumulative");
    req.models = &models;
    if (csv != R_NilValue) {
        const char *text = CHAR(STRING_ELT(csv, 0));
        if ((st = gs_studies_parse(&table, text, strlen(text), "studies", &err)))
            goto done;
        have_table = 1;
        req.studies = &table;
        req.origin = "studies";
    } else if ((req.path = gsr_str(opts, "file")) == NULL) {
        st = gs_error_set(&err, GS_INPUT, "FILE",
                          "give one study table: gabasim meta FILE.csv ('-': standard input)");
        goto done;
    }
    if ((st = gs_meta_analyse(&req, &m, &err)) || (st = gsr_text_open(&js, &err)) ||
        (st = gs_report_meta_json(m, js.f, &err)) || (st = gsr_text_close(&js, &err)) ||
        (st = gsr_text_open(&tx, &err)) || (st = gs_report_meta_text(m, tx.f, &err)) ||
        (st = gsr_text_close(&tx, &err)))
        goto done;
    static const char *const names[] = {"json", "text"};
    SEXP out = PROTECT(named_list(2, names));
    SET_VECTOR_ELT(out, 0, text_of(&js));
    SET_VECTOR_ELT(out, 1, text_of(&tx));
    gsr_text_free(&js);
    gsr_text_free(&tx);
    gs_meta_analysis_free(m);
    if (have_table)
        gs_studies_release(&table);
    UNPROTECT(1);
    return out;

done:
    gsr_text_free(&js);
    gsr_text_free(&tx);
    gs_meta_analysis_free(m);
    if (have_table)
        gs_studies_release(&table);
    gsr_fail(&err);
}

/* ---- units: the library's own parser, for event tables given with units ---- */

SEXP gsr_units(SEXP x, SEXP dim, SEXP field)
{
    static const char *const dims[] = {"dose", "time", "scr",  "weight", "height",
                                       "age",  "crcl", "conc", NULL};
    struct gs_error err = GS_ERROR_INIT;
    int d = 0;
    if (TYPEOF(x) != STRSXP || TYPEOF(dim) != STRSXP || XLENGTH(dim) != 1 ||
        TYPEOF(field) != STRSXP || XLENGTH(field) != 1)
        Rf_error("gsr_units: x, dim and field must be character (dim and field of length 1)");
    gs_status st = gsr_choice(CHAR(STRING_ELT(dim, 0)), "dim", dims, &d, &err);
    if (st != GS_OK)
        gsr_fail(&err);
    R_xlen_t n = XLENGTH(x);
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    for (R_xlen_t i = 0; i < n; i++) {
        if (STRING_ELT(x, i) == NA_STRING) {
            REAL(out)[i] = NA_REAL;
            continue;
        }
        if ((st = gs_units_parse_quantity(CHAR(STRING_ELT(x, i)), (enum gs_dim)d,
                                          CHAR(STRING_ELT(field, 0)), &REAL(out)[i], &err))) {
            UNPROTECT(1);
            gsr_fail(&err);
        }
    }
    UNPROTECT(1);
    return out;
}
