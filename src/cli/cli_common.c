/* cli_common.c - option groups shared by subcommands: patient, regimen, output grid, solver. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gabasim/gabasim.h"

static const char *get(const struct cli_args *a, const char *name)
{
    return cli_get(a->opts, a->n_opts, a, name);
}

static int count(const struct cli_args *a, const char *name)
{
    int i = cli_index(a->opts, a->n_opts, name);
    return i < 0 ? 0 : a->count[i];
}

/* "--days 7" or "--days 2.5": a positive count of days; no unit. */
static gs_status parse_days(const char *text, double *out, struct gs_error *err)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v) || strpbrk(text, "xXnN"))
        return gs_error_set(err, GS_INPUT, "--days", "'--days' is '%s'; expected a number of days",
                            text);
    if (!(v > 0.0 && v * 24.0 <= GS_MAX_DURATION_H))
        return gs_error_set(err, GS_INPUT, "--days", "'--days' is %g; allowed above 0 to %g", v,
                            GS_MAX_DURATION_H / 24.0);
    *out = v;
    return GS_OK;
}

gs_status cli_parse_patient(const struct cli_args *a, struct gs_patient *p, struct gs_error *err)
{
    gs_patient_init(p);
    const char *v;
    gs_status st = GS_OK;
    if ((v = get(a, "age")) && (st = gs_parse_quantity(v, GS_DIM_AGE, "--age", &p->age_y, err)))
        return st;
    if ((v = get(a, "weight")) &&
        (st = gs_parse_quantity(v, GS_DIM_WEIGHT, "--weight", &p->weight_kg, err)))
        return st;
    if ((v = get(a, "height")) &&
        (st = gs_parse_quantity(v, GS_DIM_HEIGHT, "--height", &p->height_cm, err)))
        return st;
    if ((v = get(a, "scr")) && (st = gs_parse_quantity(v, GS_DIM_SCR, "--scr", &p->scr_mg_dl, err)))
        return st;
    if ((v = get(a, "crcl")) &&
        (st = gs_parse_quantity(v, GS_DIM_CRCL, "--crcl", &p->crcl_given_ml_min, err)))
        return st;
    if ((v = get(a, "sex"))) {
        if (strcmp(v, "female") == 0 || strcmp(v, "f") == 0 || strcmp(v, "F") == 0)
            p->sex = GS_SEX_FEMALE;
        else if (strcmp(v, "male") == 0 || strcmp(v, "m") == 0 || strcmp(v, "M") == 0)
            p->sex = GS_SEX_MALE;
        else
            return gs_error_set(err, GS_INPUT, "--sex", "'--sex' is '%s'; allowed: female, male",
                                v);
    }
    p->haemodialysis = get(a, "dialysis") != NULL;
    return gs_patient_resolve(p, err);
}

gs_status cli_parse_regimen(const struct cli_args *a, const gs_drug *drug, struct gs_regimen *r,
                            struct gs_error *err)
{
    struct cli_regimen_opts o = {0};
    o.dose = get(a, "dose");
    o.every = get(a, "every");
    o.titrate = get(a, "titrate");
    o.days = get(a, "days");
    o.doses = get(a, "doses");
    if ((o.n_miss = count(a, "miss")) > 0)
        o.miss = &a->value[cli_index(a->opts, a->n_opts, "miss")][0];
    if ((o.n_extra = count(a, "extra")) > 0)
        o.extra = &a->value[cli_index(a->opts, a->n_opts, "extra")][0];
    o.start_steady = get(a, "start-steady") != NULL;
    return cli_regimen_from_opts(&o, drug, r, err);
}

gs_status cli_regimen_from_opts(const struct cli_regimen_opts *o, const gs_drug *drug,
                                struct gs_regimen *r, struct gs_error *err)
{
    gs_regimen_init(r);
    const char *dose = o->dose, *every = o->every, *titrate = o->titrate;
    const char *days = o->days, *doses = o->doses;
    gs_status st;
    if (titrate && (dose || every))
        return gs_error_set(err, GS_INPUT, "--titrate",
                            "'--titrate' sets every dose; do not combine it with '--dose' or "
                            "'--every'");
    if (!titrate && !dose)
        return gs_error_set(err, GS_INPUT, "--dose", "missing '--dose' (or '--titrate')");
    if (days && doses)
        return gs_error_set(err, GS_INPUT, "--days", "give '--days' or '--doses', not both");
    if (!days && !doses)
        return gs_error_set(err, GS_INPUT, "--days", "missing '--days N' or '--doses N'");
    if (titrate) {
        const char *sched = gs_drug_titration_find(drug, titrate);
        if ((st = gs_regimen_parse_titration(r, sched ? sched : titrate, "--titrate", err)))
            return st;
    } else {
        r->n_steps = 1;
        r->steps[0].start_h = 0.0;
        if ((st = gs_parse_quantity(dose, GS_DIM_DOSE, "--dose", &r->steps[0].dose_mg, err)))
            return st;
        if (every) {
            if ((st = gs_parse_quantity(every, GS_DIM_TIME, "--every", &r->steps[0].ii_h, err)))
                return st;
        } else if (doses && strcmp(doses, "1") == 0) {
            r->steps[0].ii_h = NAN; /* a single dose has no interval */
        } else {
            return gs_error_set(err, GS_INPUT, "--every",
                                "missing '--every' (the dosing interval, e.g. 8h)");
        }
    }
    if (days) {
        double d = 0.0;
        if ((st = parse_days(days, &d, err)))
            return st;
        r->end_h = 24.0 * d;
    } else {
        if ((st = gs_parse_count(doses, "--doses", GS_MAX_DOSES, &r->n_doses, err)))
            return st;
        if (r->n_doses < 1)
            return gs_error_set(err, GS_INPUT, "--doses", "'--doses' is 0; allowed 1 to %d",
                                GS_MAX_DOSES);
    }
    for (int i = 0; i < o->n_miss; i++) {
        if (r->n_missed == GS_REGIMEN_MAX_EXTRA)
            return gs_error_set(err, GS_INPUT, "--miss", "too many '--miss'");
        if ((st = gs_parse_quantity(o->miss[i], GS_DIM_TIME, "--miss", &r->missed_h[r->n_missed++],
                                    err)))
            return st;
    }
    for (int i = 0; i < o->n_extra; i++) {
        const char *x = o->extra[i];
        const char *at = strchr(x, '@');
        char dose_text[64];
        if (r->n_extra == GS_REGIMEN_MAX_EXTRA)
            return gs_error_set(err, GS_INPUT, "--extra", "too many '--extra'");
        if (at == NULL || (size_t)(at - x) >= sizeof dose_text)
            return gs_error_set(err, GS_INPUT, "--extra",
                                "'--extra' is '%s'; expected DOSE@TIME "
                                "like 300mg@20h",
                                x);
        memcpy(dose_text, x, (size_t)(at - x));
        dose_text[at - x] = '\0';
        struct gs_regimen_extra *e = &r->extra[r->n_extra++];
        if ((st = gs_parse_quantity(dose_text, GS_DIM_DOSE, "--extra", &e->dose_mg, err)) ||
            (st = gs_parse_quantity(at + 1, GS_DIM_TIME, "--extra", &e->time_h, err)))
            return st;
    }
    r->start_steady = o->start_steady;
    /* A single dose without an interval: validate against a nominal interval, then restore. */
    int single = isnan(r->steps[0].ii_h);
    if (single) {
        if (r->start_steady)
            return gs_error_set(err, GS_INPUT, "--start-steady",
                                "'--start-steady' needs a dosing interval ('--every')");
        r->steps[0].ii_h = 24.0;
    }
    st = gs_regimen_validate(r, gs_drug_max_dose_mg(drug), err);
    return st;
}

gs_status cli_make_grid(double until, double step, double **t, size_t *n, struct gs_error *err)
{
    double pts = floor(until / step + 1e-9) + 1.0;
    if (pts + 1.0 > (double)CLI_MAX_OUTPUT_POINTS)
        return gs_error_set(err, GS_INPUT, "--out-every",
                            "'--out-every' %g h over %g h gives %.0f points; allowed up to %ld "
                            "(use a coarser grid)",
                            step, until, pts, CLI_MAX_OUTPUT_POINTS);
    size_t k = (size_t)pts;
    int add_end = fabs((double)(k - 1) * step - until) > 1e-9 * until;
    double *g = gs_malloc((k + 1) * sizeof *g);
    if (g == NULL)
        return gs_error_set(err, GS_NOMEM, "--out-every", "out of memory for the output grid");
    for (size_t i = 0; i < k; i++)
        g[i] = (double)i * step;
    if (add_end)
        g[k++] = until;
    *t = g;
    *n = k;
    return GS_OK;
}

gs_status cli_parse_solver(const char *v, struct gs_sim_options *o, struct gs_error *err)
{
    if (v == NULL || strcmp(v, "auto") == 0)
        o->solver = GS_SOLVER_AUTO;
    else if (strcmp(v, "exact") == 0)
        o->solver = GS_SOLVER_EXACT;
    else if (strcmp(v, "cvode") == 0)
        o->solver = GS_SOLVER_CVODE;
    else
        return gs_error_set(err, GS_INPUT, "--solver",
                            "'--solver' is '%s'; allowed: auto, exact, cvode", v);
    return GS_OK;
}

gs_status cli_output_grid(const struct cli_args *a, const struct gs_regimen *reg, int single,
                          double **grid, size_t *n_grid, struct gs_error *err)
{
    double last = gs_regimen_last_dose_h(reg);
    const struct gs_regimen_step *maint = gs_regimen_maintenance(reg);
    double until = reg->n_doses > 0 ? last + fmax(single ? 0.0 : maint->ii_h, 24.0) : reg->end_h;
    const char *v;
    gs_status st;
    if ((v = get(a, "until"))) {
        if ((st = gs_parse_quantity(v, GS_DIM_TIME, "--until", &until, err)))
            return st;
        if (!(until > 0.0 && until <= GS_MAX_DURATION_H))
            return gs_error_set(err, GS_INPUT, "--until",
                                "'--until' is %g h; allowed above 0 to %g h", until,
                                GS_MAX_DURATION_H);
    }
    double step = 0.25;
    if ((v = get(a, "out-every"))) {
        if ((st = gs_parse_quantity(v, GS_DIM_TIME, "--out-every", &step, err)))
            return st;
        if (!(step > 0.0 && step <= until))
            return gs_error_set(err, GS_INPUT, "--out-every",
                                "'--out-every' is %g h; allowed above 0 up to the profile end "
                                "(%g h)",
                                step, until);
    }
    return cli_make_grid(until, step, grid, n_grid, err);
}

gs_status cli_parse_sim_options(const struct cli_args *a, struct gs_sim_options *o,
                                struct gs_error *err)
{
    gs_status st = cli_parse_solver(get(a, "solver"), o, err);
    if (st != GS_OK)
        return st;
    const char *names[2] = {"rtol", "atol"};
    double *dst[2] = {&o->rtol, &o->atol_mg};
    for (int k = 0; k < 2; k++) {
        const char *v = get(a, names[k]);
        if (v == NULL)
            continue;
        char *end = NULL;
        errno = 0;
        double x = strtod(v, &end);
        if (end == v || *end != '\0' || errno == ERANGE || !isfinite(x) || strpbrk(v, "xXnNiI"))
            return gs_error_set(err, GS_INPUT, names[k], "'--%s' is '%s'; expected a number",
                                names[k], v);
        *dst[k] = x;
    }
    if (!(o->rtol >= 1e-14 && o->rtol <= 1e-2))
        return gs_error_set(err, GS_INPUT, "--rtol", "'--rtol' is %g; allowed 1e-14 to 1e-2",
                            o->rtol);
    if (!(o->atol_mg >= 1e-20 && o->atol_mg <= 1.0))
        return gs_error_set(err, GS_INPUT, "--atol", "'--atol' is %g mg; allowed 1e-20 to 1",
                            o->atol_mg);
    return GS_OK;
}
