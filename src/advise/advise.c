/* advise.c - gs_advise(): a regimen for one patient from the label's rules, its titration
 * calendar, a check of a proposed regimen, the typical patient's blood levels on the calendar
 * with the co-medications, then the band, the pain relief, the side effects and the evidence
 * (the steps in band.c, pain.c, side_effects.c and evidence.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "advise_int.h"
#include "gabasim/alloc.h"
#include "gabasim/dialysis.h"

/* The output grid of the predictions, h (side_effects.c reads 48 points a day). */
#define GRID_STEP_H 0.5

gs_status gs_advise_check(const struct gs_advise_request *req, struct gs_error *err)
{
    if (req->drug == NULL || req->patient == NULL)
        return gs_error_set(err, GS_INPUT, req->drug ? "patient" : "drug",
                            "the advice needs a drug and a patient");
    if (req->patient->crcl_source == GS_CRCL_DEFAULT)
        return gs_error_set(err, GS_INPUT, "--crcl",
                            "the renal dosing rule needs kidney function: give '--crcl', or "
                            "'--scr' with '--age', '--sex' and '--weight', or '--dialysis'");
    double t = req->target_daily_mg;
    if (!isnan(t) && !(t > 0.0 && t <= 1e5))
        return gs_error_set(err, GS_INPUT, "--target", "'--target' is %g mg/day; allowed above 0",
                            t);
    if (!(req->days >= GS_ADVISE_MIN_DAYS && req->days <= GS_ADVISE_MAX_DAYS))
        return gs_error_set(err, GS_INPUT, "--days", "'--days' is %g; allowed %g to %g", req->days,
                            GS_ADVISE_MIN_DAYS, GS_ADVISE_MAX_DAYS);
    if (req->n < GS_ADVISE_MIN_N || req->n > GS_ADVISE_MAX_N)
        return gs_error_set(err, GS_INPUT, "--n", "'--n' is %ld; allowed %ld to %ld", req->n,
                            GS_ADVISE_MIN_N, GS_ADVISE_MAX_N);
    if (req->n_comedications && req->comedications == NULL)
        return gs_error_set(err, GS_INPUT, "--with", "%zu co-medications but no list",
                            req->n_comedications);
    if (req->n_levels > GS_TDM_MAX_LEVELS || (req->n_levels && req->levels == NULL))
        return gs_error_set(err, GS_INPUT, "--level", "%zu levels; allowed 0 to %d", req->n_levels,
                            GS_TDM_MAX_LEVELS);
    for (size_t i = 0; i < req->n_comedications; i++)
        if (req->comedications[i].name == NULL ||
            (req->comedications[i].n_doses && req->comedications[i].dose_times_h == NULL))
            return gs_error_set(err, GS_INPUT, "--with",
                                "co-medication %zu has no name, or dose times without a list", i);
    return GS_OK;
}

/* Appends the lines of `text` to the result's interaction notes. */
static gs_status add_notes(struct gs_advise_result *r, const char *text, struct gs_error *err)
{
    while (*text) {
        const char *nl = strchr(text, '\n');
        size_t len = nl ? (size_t)(nl - text) : strlen(text);
        char **grown = gs_realloc(r->interaction_notes,
                                  (r->n_interaction_notes + 1) * sizeof *r->interaction_notes);
        char *line = gs_malloc(len + 1);
        if (grown)
            r->interaction_notes = grown;
        if (!grown || !line) {
            gs_free(line);
            return gs_error_set(err, GS_NOMEM, "--with", "out of memory");
        }
        memcpy(line, text, len);
        line[len] = '\0';
        r->interaction_notes[r->n_interaction_notes++] = line;
        text += len + (nl != NULL);
    }
    return GS_OK;
}

static int taken_with_every_dose(const struct gs_comedication *c)
{
    return c->n_doses == 0 && (strstr(c->name, "antacid") || strstr(c->name, "maalox"));
}

/* The co-medications applied to r->model and the calendar's dose records `ev`, into r->model,
 * r->events and the notes; `scale` receives the parameter multipliers (for the band). An antacid
 * without times is taken with every dose (the worst case, and said so). */
static gs_status apply_comedications(const struct gs_advise_request *req,
                                     struct gs_advise_result *r, const struct gs_event_list *ev,
                                     const struct gs_sim_options *sopt, double *scale,
                                     struct gs_error *err)
{
    for (size_t i = 0; i < GS_MAX_PARAMS; i++)
        scale[i] = 1.0;
    gs_status st = GS_OK;
    if (req->n_comedications == 0) { /* nothing to apply: the dose records as they are */
        for (size_t i = 0; i < ev->n && st == GS_OK; i++)
            if (gs_event_list_push(&r->events, &ev->ev[i]) != GS_OK)
                st = gs_error_set(err, GS_NOMEM, "--with", "out of memory");
        return st;
    }
    gs_interactions *t = NULL;
    struct gs_comedication *co = gs_calloc(req->n_comedications, sizeof *co);
    double *every = gs_calloc(ev->n + 1, sizeof *every);
    struct gs_ix_result *ix = gs_malloc(sizeof *ix);
    char note[256];
    size_t n_every = 0;
    if (ix)
        *ix = (struct gs_ix_result)GS_IX_RESULT_INIT;
    if (!co || !every || !ix) {
        st = gs_error_set(err, GS_NOMEM, "--with", "out of memory");
        goto done;
    }
    if ((st = gs_interactions_load(&t, NULL, err)))
        goto done;
    for (size_t i = 0; i < ev->n; i++)
        if (ev->ev[i].evid == GS_EVID_DOSE)
            every[n_every++] = ev->ev[i].time_h;
    for (size_t i = 0; i < req->n_comedications && st == GS_OK; i++) {
        co[i] = req->comedications[i];
        if (taken_with_every_dose(&co[i])) {
            co[i].dose_times_h = every;
            co[i].n_doses = n_every;
            snprintf(note, sizeof note,
                     "assumed: %.63s taken together with every dose (give its times with "
                     "%.63s@TIME,...)",
                     co[i].name, co[i].name);
            st = add_notes(r, note, err);
        }
    }
    struct gs_ix_request ixr = {t,  gs_drug_name(req->drug), &r->model, ev,
                                co, req->n_comedications,    sopt};
    if (st == GS_OK && (st = gs_interactions_apply(&ixr, ix, err)) == GS_OK) {
        r->model = ix->model;
        r->events = ix->events; /* moved */
        ix->events = (struct gs_event_list)GS_EVENT_LIST_INIT;
        r->cns_depressant = ix->fx.cns_depressant;
        memcpy(scale, ix->fx.param_multiplier, GS_MAX_PARAMS * sizeof *scale);
        st = add_notes(r, ix->warnings, err);
    }
done:
    if (ix)
        gs_interactions_result_release(ix);
    gs_free(ix);
    gs_free(every);
    gs_free(co);
    gs_interactions_free(t);
    return st;
}

/* The plan, the calendar and the check of the proposed regimen (or of the calendar). */
static gs_status plan_and_check(const struct gs_advise_request *req, struct gs_advise_result *r,
                                struct gs_error *err)
{
    gs_status st = gs_dosing_recommend(req->drug, &r->patient, req->target_daily_mg, &r->plan, err);
    if (st != GS_OK)
        return st;
    r->n_calendar = gs_dosing_calendar(req->drug, &r->plan, r->calendar, GS_MAX_CALENDAR);
    if ((st = gs_dosing_calendar_regimen(r->calendar, r->n_calendar, r->days, &r->regimen, err)))
        return st;
    r->checked_proposed = req->proposed != NULL;
    if ((st = gs_dosing_check(req->drug, &r->patient, req->proposed ? req->proposed : &r->regimen,
                              r->findings, GS_MAX_FINDINGS, &r->n_findings, err)))
        return st;
    if (r->n_findings > GS_MAX_FINDINGS)
        r->n_findings = GS_MAX_FINDINGS;
    return GS_OK;
}

/* A patient on haemodialysis: the sessions of the patient's schedule and the plan's supplement
 * after each (the lower end of the label's range) join the calendar, so the typical profile and
 * the band both have them; the result says so (dialysis_*), the notes give the assumptions. */
static gs_status with_dialysis(const struct gs_advise_request *req, struct gs_advise_result *r,
                               struct gs_error *err)
{
    if (!r->patient.haemodialysis || r->patient.hd.per_week == 0)
        return GS_OK;
    struct gs_patient pt = r->patient;
    char note[1024] = "";
    const double *sup = r->plan.hd_supplement_mg;
    if (isnan(pt.hd.supplement_mg)) {
        pt.hd.supplement_mg = sup[0];
        if (sup[1] > sup[0])
            snprintf(note, sizeof note,
                     "after each dialysis session: the label gives %g-%g mg; the lower end is "
                     "used\n",
                     sup[0], sup[1]);
    }
    size_t k = strlen(note);
    gs_status st = gs_dialysis_apply(req->drug, &pt, &r->regimen, note + k, sizeof note - k, err);
    if (st != GS_OK)
        return st;
    gs_hd_schedule_describe(&r->regimen.hd, r->dialysis_schedule, sizeof r->dialysis_schedule);
    double amt = r->regimen.hd.supplement_mg;
    r->dialysis_supplement_mg = amt > 0.0 ? amt : 0.0;
    if (amt > 0.0 && amt == sup[0])
        snprintf(r->dialysis_supplement_form, sizeof r->dialysis_supplement_form, "%s",
                 r->plan.hd_form[0]);
    else if (amt > 0.0 &&
             gs_dosing_dispense(req->drug, amt, amt, amt, &amt, r->dialysis_supplement_form,
                                sizeof r->dialysis_supplement_form, NULL) != GS_OK)
        snprintf(r->dialysis_supplement_form, sizeof r->dialysis_supplement_form,
                 "not made of the marketed strengths");
    return add_notes(r, note, err);
}

/* The typical patient on the calendar, with the co-medications, then the band around it. */
static gs_status predict(const struct gs_advise_request *req, struct gs_advise_result *r,
                         struct gs_error *err)
{
    struct gs_sim_options sopt = GS_SIM_OPTIONS_DEFAULT;
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    double *grid = NULL, scale[GS_MAX_PARAMS];
    size_t n_grid = 0;
    gs_status st;
    if ((st = gs_drug_individual_model(req->drug, &r->patient, &r->model, NULL, 0, err)) ||
        (st = with_dialysis(req, r, err)) ||
        (st = gs_regimen_validate(&r->regimen, gs_drug_max_dose_mg(req->drug), err)) ||
        (st = gs_regimen_expand(&r->regimen, &ev, err)) ||
        (st = gs_simulate_grid(24.0 * r->days, GRID_STEP_H, &grid, &n_grid, err)) ||
        (st = apply_comedications(req, r, &ev, &sopt, scale, err)) ||
        (st = gs_simulate(&r->model, &r->events, grid, n_grid, &sopt, &r->profile, err)))
        goto done;
    const struct gs_regimen_step *maint = gs_regimen_maintenance(&r->regimen);
    const struct gs_summary_request sreq = {.model = &r->model,
                                            .events = &r->events,
                                            .profile = &r->profile,
                                            .ss_dose_mg = maint->dose_mg,
                                            .ss_ii_h = maint->ii_h,
                                            .cmt = r->regimen.cmt,
                                            .sim = &sopt};
    if ((st = gs_summarize_hd(&sreq, &r->regimen.hd, &r->typical, err)))
        goto done;
    st = gs__advise_band(req, r, scale, grid, n_grid, &sopt, err);
done:
    gs_event_list_release(&ev);
    gs_free(grid);
    return st;
}

gs_status gs_advise(const struct gs_advise_request *req, struct gs_advise_result **out,
                    struct gs_error *err)
{
    *out = NULL;
    gs_status st = gs_advise_check(req, err);
    if (st != GS_OK)
        return st;
    struct gs_advise_result *r = gs_calloc(1, sizeof *r);
    if (r == NULL)
        return gs_error_set(err, GS_NOMEM, "advise", "out of memory");
    r->drug = req->drug;
    r->patient = *req->patient;
    r->days = req->days;
    r->n_comedications = req->n_comedications;
    r->profile = (struct gs_profile)GS_PROFILE_INIT;
    if ((st = plan_and_check(req, r, err)) || (st = predict(req, r, err)) ||
        (req->pain_type && (st = gs__advise_pain(req, r, err))) ||
        (st = gs__advise_side_effects(r, err)) || (st = gs__advise_warnings(req, r, err)) ||
        (req->n_levels && (st = gs__advise_tdm(req, r, err))) ||
        (st = gs_advise_evidence_load(&r->evidence_file, NULL, err)) ||
        (st = gs__advise_evidence_select(r->evidence_file, req->pain_type, gs_drug_name(req->drug),
                                         r->patient.crcl_ml_min, &r->evidence, err))) {
        gs_advise_result_free(r);
        return st;
    }
    *out = r;
    return GS_OK;
}

void gs_advise_result_free(struct gs_advise_result *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n_interaction_notes; i++)
        gs_free(r->interaction_notes[i]);
    gs_free(r->interaction_notes);
    gs_event_list_release(&r->events);
    gs_simulate_profile_release(&r->profile);
    gs_free(r->pain);
    for (size_t i = 0; i < r->n_side_effects; i++)
        gs_free(r->side_effects[i].by_day);
    gs_free(r->fall_risk_by_day);
    gs__advise_evidence_release(&r->evidence);
    gs_advise_evidence_free(r->evidence_file);
    if (r->tdm) {
        gs_tdm_result_release(&r->tdm->fit);
        gs_tdm_target_result_release(&r->tdm->target);
        gs_free(r->tdm);
    }
    gs_free(r);
}
