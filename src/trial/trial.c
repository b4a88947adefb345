/* trial.c - preparing a virtual trial: load what the specification names, check it against the
 * library, and precompute each titration step's exposure. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/dosing.h"
#include "gabasim/pd.h"
#include "gabasim/drug.h"
#include "gabasim/regimen.h"
#include "gabasim/simulate.h"
#include "trial_int.h"

const struct gs_trial_spec *gs_trial_get_spec(const gs_trial *t)
{
    return &t->spec;
}
size_t gs_trial_ae_count(const gs_trial *t)
{
    return t->n_ae;
}
const char *gs_trial_ae_name(const gs_trial *t, size_t k)
{
    return t->ae_name[k];
}
double gs_trial_emax(const gs_trial *t, int radicular)
{
    return t->emax[gs_trial_treated_arm(&t->spec)][radicular ? 1 : 0];
}

void gs_trial_free(gs_trial *t)
{
    if (t == NULL)
        return;
    gs_covdist_free(t->cov);
    for (int a = 0; a < 2; a++) {
        gs_drug_free(t->drug[a]);
        for (size_t k = 0; k < GS_REGIMEN_MAX_STEPS; k++)
            gs_free(t->input[a][k]);
    }
    gs_free(t);
}

/* The steady-state average concentration of one titration step for the reference patient: ten
 * days on that step, averaged over the last day (t1/2 is hours, so day 10 is steady). */
static gs_status step_cavg(const struct gs_model *m, const struct gs_regimen_step *step,
                           double *cavg, struct gs_error *err)
{
    struct gs_regimen r;
    gs_regimen_init(&r);
    r.steps[0] = *step;
    r.steps[0].start_h = 0.0;
    r.n_steps = 1;
    r.end_h = 240.0;
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    struct gs_profile p = GS_PROFILE_INIT;
    double t[2] = {216.0, 240.0};
    struct gs_sim_options o = GS_SIM_OPTIONS_DEFAULT;
    gs_status st = gs_regimen_expand(&r, &ev, err);
    if (st == GS_OK)
        st = gs_simulate(m, &ev, t, 2, &o, &p, err);
    if (st == GS_OK)
        *cavg = (p.y[GS_N_STATES + GS_Y_AUC] - p.y[GS_Y_AUC]) / 24.0;
    gs_simulate_profile_release(&p);
    gs_event_list_release(&ev);
    return st;
}

/* The reference patient's absorbed amount per GS_TRIAL_DT_H interval over the whole trial on
 * steps 0..last of the titration: central + eliminated amounts differenced on the grid. */
static gs_status absorbed_input(const gs_trial *t, int a, size_t last, double **out,
                                struct gs_error *err)
{
    const int n_days = 7 * t->spec.duration_weeks;
    const size_t n = (size_t)(n_days * 24.0 / GS_TRIAL_DT_H + 0.5) + 1;
    struct gs_regimen r = t->reg[a];
    r.n_steps = last + 1;
    double *grid = gs_malloc(n * sizeof *grid);
    *out = gs_malloc(n * sizeof **out);
    if (grid == NULL || *out == NULL) {
        gs_free(grid);
        return gs_error_set(err, GS_NOMEM, "trial", "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        grid[i] = GS_TRIAL_DT_H * (double)i;
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    struct gs_profile p = GS_PROFILE_INIT;
    struct gs_sim_options o = GS_SIM_OPTIONS_DEFAULT;
    gs_status st = gs_regimen_expand(&r, &ev, err);
    if (st == GS_OK)
        st = gs_simulate(&t->ref_model[a], &ev, grid, n, &o, &p, err);
    if (st == GS_OK) {
        double prev = 0.0;
        for (size_t i = 1; i < n; i++) {
            const double *y = p.y + i * GS_N_STATES;
            double absorbed = y[GS_Y_CENTRAL] + y[GS_Y_ELIMINATED];
            (*out)[i - 1] = fmax(0.0, absorbed - prev); /* solver noise can not un-absorb */
            prev = absorbed;
        }
        (*out)[n - 1] = 0.0;
    }
    gs_simulate_profile_release(&p);
    gs_event_list_release(&ev);
    gs_free(grid);
    return st;
}

static gs_status prepare_arm(gs_trial *t, int a, struct gs_error *err)
{
    const struct gs_trial_arm *arm = &t->spec.arm[a];
    char field[64];
    snprintf(field, sizeof field, "arms[%d].drug", a);
    gs_status st = gs_drug_load(&t->drug[a], arm->drug, err);
    if (st != GS_OK) {
        /* the library's message names the command-line option; this one names the file's field */
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        return gs_error_set(err, st == GS_NOMEM ? GS_NOMEM : GS_INPUT, field,
                            "%s: '%s' is '%s', which does not load (%s)", t->spec.origin, field,
                            arm->drug, why);
    }
    const gs_drug *d = t->drug[a];
    snprintf(field, sizeof field, "arms[%d].titrate", a);
    struct gs_regimen *r = &t->reg[a];
    gs_regimen_init(r);
    r->end_h = 24.0 * 7.0 * t->spec.duration_weeks;
    if ((st = gs_regimen_parse_titration(r, arm->titrate, field, err)) ||
        (st = gs_regimen_validate(r, gs_drug_max_dose_mg(d), err))) {
        gs_error_prefix(err, t->spec.origin);
        return st;
    }
    for (size_t k = 0; k < r->n_steps; k++)
        if (r->steps[k].start_h >= r->end_h)
            return gs_error_set(err, GS_INPUT, field,
                                "%s: '%s' has a step on day %.0f, after the trial's last day (%d)",
                                t->spec.origin, field, r->steps[k].start_h / 24.0 + 1.0,
                                7 * t->spec.duration_weeks);
    /* the label's maximum at the lowest CrCl the trial admits: a forced titration beyond it
     * would dose some participants above the label */
    const struct gs_dosing *rules = gs_drug_dosing(d);
    if (rules) {
        const struct gs_renal_band *b = gs_dosing_band(rules, t->spec.crcl_min);
        for (size_t k = 0; b && k < r->n_steps; k++) {
            double daily = r->steps[k].dose_mg * 24.0 / r->steps[k].ii_h;
            if (daily > b->daily_max_mg * (1.0 + 1e-9))
                return gs_error_set(err, GS_INPUT, field,
                                    "%s: arm '%s' reaches %g mg/day, above the %s label's maximum "
                                    "of %g mg/day at CrCl %g mL/min (inclusion.crcl_ml_min); raise "
                                    "the CrCl criterion or lower the titration",
                                    t->spec.origin, arm->name, daily, gs_drug_name(d),
                                    b->daily_max_mg, t->spec.crcl_min);
        }
    }
    for (size_t k = 0; k < r->n_steps; k++) {
        t->step_day[a][k] = (int)lround(r->steps[k].start_h / 24.0) + 1;
        t->step_mg_day[a][k] = r->steps[k].dose_mg * 24.0 / r->steps[k].ii_h;
    }
    t->n_steps[a] = r->n_steps;

    /* reference patient: the population's typical adult, CrCl 100 mL/min */
    struct gs_patient ref;
    gs_patient_init(&ref);
    ref.crcl_given_ml_min = GS_CRCL_DEFAULT_ML_MIN;
    ref.age_y = 50.0;
    ref.weight_kg = 70.0;
    if ((st = gs_patient_resolve(&ref, err)) ||
        (st = gs_drug_individual_model(d, &ref, &t->ref_model[a], NULL, 0, err)) ||
        (st = gs_variability_from_drug(d, 1.0, &t->var[a], err)))
        return st;
    t->ref_cl[a] = t->ref_model[a].structure->clearance(t->ref_model[a].p);
    for (size_t k = 0; k < r->n_steps; k++) {
        if ((st = step_cavg(&t->ref_model[a], &r->steps[k], &t->step_cavg_ref[a][k], err)))
            return st;
        int needed = k + 1 == r->n_steps || arm->titration == GS_TITRATE_MAX_TOLERATED;
        if (needed && (st = absorbed_input(t, a, k, &t->input[a][k], err)))
            return st;
    }

    /* pain effect */
    size_t di = t->pain.n_drugs;
    for (size_t i = 0; i < t->pain.n_drugs; i++)
        if (strcmp(t->pain.drug[i].name, gs_drug_name(d)) == 0)
            di = i;
    if (di == t->pain.n_drugs)
        return gs_error_set(err, GS_INPUT, field,
                            "%s: arm '%s': the pain model (data/pain.json) has no effect for %s",
                            t->spec.origin, arm->name, gs_drug_name(d));
    t->ec50[a] = t->pain.drug[di].ec50_mg_l;
    t->ke0[a] = t->pain.drug[di].ke0_per_h;
    if (isnan(t->ke0[a])) { /* "from the drug file" */
        struct gs_pd_params pd;
        if ((st = gs_drug_pd(d, &pd, err)))
            return st;
        t->ke0[a] = pd.ke0_per_h;
    }
    const char *types[2] = {"nonradicular-clbp", "radicular"};
    for (int k = 0; k < 2; k++) {
        const struct gs_pain_effect *e = gs_pain_find(&t->pain, gs_drug_name(d), types[k]);
        int needed = k ? t->spec.radicular_fraction > 0.0 : t->spec.radicular_fraction < 1.0;
        if (e == NULL && !needed) {
            t->emax[a][k] = NAN;
            continue;
        }
        if (e == NULL)
            return gs_error_set(err, GS_INPUT, field,
                                "%s: arm '%s': the pain model has no calibrated %s effect for "
                                "%s (needed: inclusion.radicular_fraction is %g); only "
                                "gabapentin is calibrated for back pain (docs/trial.md)",
                                t->spec.origin, arm->name, types[k], gs_drug_name(d),
                                t->spec.radicular_fraction);
        t->emax[a][k] = t->spec.effect == GS_EFFECT_LOWER   ? e->emax_lo
                        : t->spec.effect == GS_EFFECT_UPPER ? e->emax_hi
                                                            : e->emax;
    }
    return GS_OK;
}

gs_status gs_trial_create(gs_trial **out, const struct gs_trial_spec *spec, struct gs_error *err)
{
    *out = NULL;
    gs_trial *t = gs_calloc(1, sizeof *t);
    if (t == NULL)
        return gs_error_set(err, GS_NOMEM, "trial", "out of memory");
    t->spec = *spec;
    gs_status st;
    if ((st = gs_covdist_load(&t->cov, spec->population, err))) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        st = gs_error_set(err, st == GS_NOMEM ? GS_NOMEM : GS_INPUT, "population",
                          "%s: 'population' is '%s', which does not load (%s)", spec->origin,
                          spec->population, why);
        goto fail;
    }
    if ((st = gs_pain_load(&t->pain, NULL, err)) || (st = gs_ae_load(&t->ae, NULL, err)))
        goto fail;
    if (isnan(t->pain.placebo.omega2_logit_base) || isnan(t->pain.placebo.omega2_logit_pe) ||
        isnan(t->pain.placebo.omega2_log_t_half)) {
        st = gs_error_set(err, GS_INPUT, "pain",
                          "the pain model has no between-subject variances (placebo.iiv); a "
                          "trial needs them");
        goto fail;
    }
    for (int a = 0; a < 2; a++)
        if (spec->arm[a].type == GS_ARM_DRUG && (st = prepare_arm(t, a, err)))
            goto fail;

    /* side effects reported: the first drug arm's modelled events; the other arm takes the same
     * event of its own drug, or that event's placebo rate (no drug exposure) */
    int ref = gs_trial_treated_arm(spec);
    const char *rname = gs_drug_name(t->drug[ref]);
    for (size_t k = 0; k < t->ae.n && t->n_ae < GS_AE_MAX_EVENTS; k++) {
        if (strcmp(t->ae.ev[k].drug, rname) != 0)
            continue;
        size_t j = t->n_ae++;
        snprintf(t->ae_name[j], sizeof t->ae_name[j], "%s", t->ae.ev[k].event);
        for (int a = 0; a < 2; a++) {
            t->ae_ev[a][j] = &t->ae.ev[k];
            t->ae_exposed[a][j] = spec->arm[a].type == GS_ARM_DRUG && a == ref;
            if (spec->arm[a].type == GS_ARM_DRUG && a != ref)
                for (size_t i = 0; i < t->ae.n; i++)
                    if (strcmp(t->ae.ev[i].drug, gs_drug_name(t->drug[a])) == 0 &&
                        strcmp(t->ae.ev[i].event, t->ae.ev[k].event) == 0) {
                        t->ae_ev[a][j] = &t->ae.ev[i];
                        t->ae_exposed[a][j] = 1;
                    }
        }
    }
    *out = t;
    return GS_OK;
fail:
    gs_trial_free(t);
    return st;
}
