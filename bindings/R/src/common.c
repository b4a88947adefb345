/* common.c - the option groups several commands share (the command line's cli_common.c, for R
 * arguments): each builds the library's input with the library's calls and checks. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gabasim_r.h"

static const char *const patient_names[] = {"crcl",   "scr",      "age",         "sex", "weight",
                                            "height", "dialysis", "hd_schedule", NULL};

const char *gsr_patient_given(SEXP opts)
{
    for (int i = 0; patient_names[i]; i++)
        if (gsr_str(opts, patient_names[i]) &&
            (strcmp(patient_names[i], "dialysis") != 0 || gsr_flag(opts, "dialysis")))
            return strcmp(patient_names[i], "hd_schedule") == 0 ? "hd-schedule" : patient_names[i];
    return NULL;
}

gs_status gsr_patient(SEXP opts, struct gs_patient *p, struct gs_error *err)
{
    gs_status st;
    gs_patient_init(p);
    if ((st = gsr_quantity(gsr_str(opts, "crcl"), GS_DIM_CRCL, "crcl", GSR_ANY,
                           &p->crcl_given_ml_min, err)) ||
        (st = gsr_quantity(gsr_str(opts, "scr"), GS_DIM_SCR, "scr", GSR_ANY, &p->scr_mg_dl, err)) ||
        (st = gsr_quantity(gsr_str(opts, "age"), GS_DIM_AGE, "age", GSR_ANY, &p->age_y, err)) ||
        (st = gsr_quantity(gsr_str(opts, "weight"), GS_DIM_WEIGHT, "weight", GSR_ANY, &p->weight_kg,
                           err)) ||
        (st = gsr_quantity(gsr_str(opts, "height"), GS_DIM_HEIGHT, "height", GSR_ANY, &p->height_cm,
                           err)))
        return st;
    const char *v = gsr_str(opts, "sex");
    if (v) {
        if (strcmp(v, "female") == 0 || strcmp(v, "f") == 0 || strcmp(v, "F") == 0)
            p->sex = GS_SEX_FEMALE;
        else if (strcmp(v, "male") == 0 || strcmp(v, "m") == 0 || strcmp(v, "M") == 0)
            p->sex = GS_SEX_MALE;
        else
            return gs_error_set(err, GS_INPUT, "--sex", "'--sex' is '%s'; allowed: female, male",
                                v);
    }
    p->haemodialysis = gsr_flag(opts, "dialysis");
    const char *hd = gsr_str(opts, "hd_schedule");
    if (hd) {
        if (!p->haemodialysis)
            return gs_error_set(err, GS_INPUT, "--hd-schedule",
                                "'--hd-schedule' needs '--dialysis' (an anuric patient on "
                                "haemodialysis)");
        if ((st = gs_hd_schedule_parse(&p->hd, hd, "--hd-schedule", err)))
            return st;
    }
    return gs_patient_resolve(p, err);
}

gs_status gsr_regimen_opts(SEXP opts, struct gsr_regimen_opts *o, struct gs_error *err)
{
    gs_status st;
    *o = (struct gsr_regimen_opts){NAN, NAN, NAN, 0, NULL, R_NilValue, R_NilValue, 0};
    if ((st =
             gsr_quantity(gsr_str(opts, "dose"), GS_DIM_DOSE, "dose", GSR_ANY, &o->dose_mg, err)) ||
        (st = gsr_quantity(gsr_str(opts, "every"), GS_DIM_TIME, "every", GSR_ANY, &o->every_h,
                           err)) ||
        (st = gsr_number(gsr_str(opts, "days"), "days",
                         (struct gsr_range){0, GS_MAX_DURATION_H / 24.0, 1, 0}, &o->days, err)) ||
        (st = gsr_count(gsr_str(opts, "doses"), "doses", 1, GS_MAX_DOSES, &o->doses, err)) ||
        (st = gsr_list_max(gsr_vec(opts, "miss"), "miss", err)) ||
        (st = gsr_list_max(gsr_vec(opts, "extra"), "extra", err)))
        return st;
    o->titrate = gsr_str(opts, "titrate");
    o->miss = gsr_vec(opts, "miss");
    o->extra = gsr_vec(opts, "extra");
    o->start_steady = gsr_flag(opts, "start_steady");
    return GS_OK;
}

int gsr_regimen_single(const struct gsr_regimen_opts *o)
{
    return o->doses == 1 && isnan(o->every_h) && o->titrate == NULL;
}

gs_status gsr_regimen(const struct gsr_regimen_opts *o, const gs_drug *drug, struct gs_regimen *r,
                      struct gs_error *err)
{
    gs_regimen_init(r);
    int dose = !isnan(o->dose_mg), every = !isnan(o->every_h), days = !isnan(o->days);
    int doses = o->doses > 0;
    gs_status st;
    if (o->titrate && (dose || every))
        return gs_error_set(err, GS_INPUT, "--titrate",
                            "'--titrate' sets every dose; do not combine it with '--dose' or "
                            "'--every'");
    if (!o->titrate && !dose)
        return gs_error_set(err, GS_INPUT, "--dose", "missing '--dose' (or '--titrate')");
    if (days && doses)
        return gs_error_set(err, GS_INPUT, "--days", "give '--days' or '--doses', not both");
    if (!days && !doses)
        return gs_error_set(err, GS_INPUT, "--days", "missing '--days N' or '--doses N'");
    if (o->titrate) {
        const char *sched = gs_drug_titration_find(drug, o->titrate);
        if ((st = gs_regimen_parse_titration(r, sched ? sched : o->titrate, "--titrate", err)))
            return st;
    } else {
        r->n_steps = 1;
        r->steps[0].start_h = 0.0;
        r->steps[0].dose_mg = o->dose_mg;
        if (every)
            r->steps[0].ii_h = o->every_h;
        else if (o->doses == 1)
            r->steps[0].ii_h = NAN;
        else
            return gs_error_set(err, GS_INPUT, "--every",
                                "missing '--every' (the dosing interval, e.g. 8h)");
    }
    if (days)
        r->end_h = 24.0 * o->days;
    else
        r->n_doses = o->doses;
    R_xlen_t n_miss = o->miss == R_NilValue ? 0 : XLENGTH(o->miss);
    for (R_xlen_t i = 0; i < n_miss; i++) {
        if (r->n_missed == GS_REGIMEN_MAX_EXTRA)
            return gs_error_set(err, GS_INPUT, "--miss", "'--miss' was given more than %d times",
                                GS_REGIMEN_MAX_EXTRA);
        if ((st = gs_units_parse_quantity(CHAR(STRING_ELT(o->miss, i)), GS_DIM_TIME, "--miss",
                                          &r->missed_h[r->n_missed++], err)))
            return st;
    }
    R_xlen_t n_extra = o->extra == R_NilValue ? 0 : XLENGTH(o->extra);
    for (R_xlen_t i = 0; i < n_extra; i++) {
        const char *x = CHAR(STRING_ELT(o->extra, i));
        const char *at = strchr(x, '@');
        char dose_text[64];
        if (r->n_extra == GS_REGIMEN_MAX_EXTRA)
            return gs_error_set(err, GS_INPUT, "--extra", "'--extra' was given more than %d times",
                                GS_REGIMEN_MAX_EXTRA);
        if (at == NULL || (size_t)(at - x) >= sizeof dose_text)
            return gs_error_set(err, GS_INPUT, "--extra",
                                "'--extra' is '%s'; expected DOSE@TIME like 300mg@20h", x);
        memcpy(dose_text, x, (size_t)(at - x));
        dose_text[at - x] = '\0';
        struct gs_regimen_extra *e = &r->extra[r->n_extra++];
        if ((st = gs_units_parse_quantity(dose_text, GS_DIM_DOSE, "--extra", &e->dose_mg, err)) ||
            (st = gs_units_parse_quantity(at + 1, GS_DIM_TIME, "--extra", &e->time_h, err)))
            return st;
    }
    r->start_steady = o->start_steady;
    if (isnan(r->steps[0].ii_h)) { /* a single dose: validated with a nominal 24 h interval */
        if (r->start_steady)
            return gs_error_set(err, GS_INPUT, "--start-steady",
                                "'--start-steady' needs a dosing interval ('--every')");
        r->steps[0].ii_h = 24.0;
    }
    return gs_regimen_validate(r, gs_drug_max_dose_mg(drug), err);
}

static const char *const solver_names[] = {"auto", "exact", "cvode", NULL};

gs_status gsr_solver(SEXP opts, struct gs_sim_options *s, struct gs_error *err)
{
    int solver = GS_SOLVER_AUTO;
    double rtol = NAN, atol = NAN;
    gs_status st;
    if ((st = gsr_choice(gsr_str(opts, "solver"), "solver", solver_names, &solver, err)) ||
        (st = gsr_number(gsr_str(opts, "rtol"), "rtol", (struct gsr_range){1e-14, 1e-2, 0, 0},
                         &rtol, err)) ||
        (st = gsr_number(gsr_str(opts, "atol"), "atol", (struct gsr_range){1e-20, 1.0, 0, 0}, &atol,
                         err)))
        return st;
    s->solver = (enum gs_solver_kind)solver;
    if (!isnan(rtol))
        s->rtol = rtol;
    if (!isnan(atol))
        s->atol_mg = atol;
    return GS_OK;
}

gs_status gsr_grid(SEXP opts, double default_every_h, const struct gs_regimen *reg, int single,
                   double **grid, size_t *n_grid, struct gs_error *err)
{
    double until_opt = NAN, step = default_every_h;
    gs_status st;
    if ((st = gsr_quantity(gsr_str(opts, "until"), GS_DIM_TIME, "until",
                           (struct gsr_range){0, GS_MAX_DURATION_H, 1, 0}, &until_opt, err)) ||
        (st = gsr_quantity(gsr_str(opts, "out_every"), GS_DIM_TIME, "out-every",
                           (struct gsr_range){0, INFINITY, 1, 0}, &step, err)))
        return st;
    double last = gs_regimen_last_dose_h(reg);
    const struct gs_regimen_step *maint = gs_regimen_maintenance(reg);
    double until = reg->n_doses > 0 ? last + fmax(single ? 0.0 : maint->ii_h, 24.0) : reg->end_h;
    if (!isnan(until_opt))
        until = until_opt;
    if (step > until)
        return gs_error_set(err, GS_INPUT, "--out-every",
                            "'--out-every' is %g h; allowed above 0 up to the profile end (%g h)",
                            step, until);
    return gs_simulate_grid(until, step, grid, n_grid, err);
}

gs_status gsr_text_open(struct gsr_text *t, struct gs_error *err)
{
    t->buf = NULL;
    t->len = 0;
    t->f = open_memstream(&t->buf, &t->len);
    return t->f ? GS_OK : gs_error_set(err, GS_NOMEM, "output", "out of memory");
}

gs_status gsr_text_close(struct gsr_text *t, struct gs_error *err)
{
    if (t->f == NULL)
        return GS_OK;
    int bad = ferror(t->f);
    bad |= fclose(t->f);
    t->f = NULL;
    if (bad)
        return gs_error_set(err, GS_IO, "output", "writing the output failed");
    /* an R string holds at most INT_MAX bytes, and Rf_mkCharLenCE takes an int: a longer text
     * (population's subjects and params for millions of subjects) would wrap to a truncated or
     * negative length, and R's error for it would skip the frees of the library's results */
    if (t->len > INT_MAX)
        return gs_error_set(err, GS_NOMEM, "output",
                            "the output is %zu bytes; an R string holds at most %d (ask for "
                            "fewer subjects)",
                            t->len, INT_MAX);
    return GS_OK;
}

void gsr_text_free(struct gsr_text *t)
{
    if (t->f)
        fclose(t->f);
    free(t->buf);
    t->f = NULL;
    t->buf = NULL;
}

SEXP gsr_mkstring(const char *s, size_t len)
{
    if (len > INT_MAX) /* gsr_text_close refuses such texts first */
        Rf_error("a text of %.0f bytes does not fit an R string", (double)len);
    return Rf_ScalarString(Rf_mkCharLenCE(s ? s : "", s ? (int)len : 0, CE_UTF8));
}

void gsr_fail(const struct gs_error *err)
{
    char msg[sizeof err->msg];
    snprintf(msg, sizeof msg, "%s", err->msg[0] ? err->msg : gs_status_str(err->code));
    Rf_errorcall(R_NilValue, "%s", msg);
}
