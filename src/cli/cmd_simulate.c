/* cmd_simulate.c - `gabasim simulate`: one patient, one regimen, one profile. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gabasim/gabasim.h"

#define MAX_OUTPUT_POINTS 1000000L

static const struct cli_opt opts[] = {
    {"drug", "NAME|FILE", CLI_VALUE, 0, "drug library name (see 'gabasim drugs') or a .json file"},
    {"dose", "DOSE", CLI_VALUE, 0, "each dose, with unit: 300mg, 1.2g"},
    {"every", "TIME", CLI_VALUE, 0, "dosing interval: 8h, 12h, 1d"},
    {"days", "N", CLI_VALUE, 0, "dose for N days (whole or fractional)"},
    {"doses", "N", CLI_VALUE, 0, "give exactly N doses (--doses 1: a single dose)"},
    {"titrate", "SCHEDULE", CLI_VALUE, 0,
     "titration DAY:DOSExN,... (1:300mgx1,2:300mgx2,3:300mgx3) or a drug-file name: label"},
    {"miss", "TIME", CLI_VALUE, 1, "a scheduled dose not taken, by its time: 32h"},
    {"extra", "DOSE@TIME", CLI_VALUE, 1, "an extra dose: 300mg@20h"},
    {"start-steady", NULL, CLI_FLAG, 0, "start at steady state of the first dose and interval"},
    {"crcl", "CRCL", CLI_VALUE, 0,
     "creatinine clearance, mL/min (default 100 when no kidney data)"},
    {"scr", "SCR", CLI_VALUE, 0,
     "serum creatinine: 1.2mg/dL or 106umol/L (needs age, sex, weight)"},
    {"age", "YEARS", CLI_VALUE, 0, "age in years (12 to 110)"},
    {"sex", "SEX", CLI_VALUE, 0, "female or male"},
    {"weight", "WEIGHT", CLI_VALUE, 0, "body weight: 70kg or 154lb"},
    {"height", "HEIGHT", CLI_VALUE, 0, "height: 170cm (ideal body weight, BMI)"},
    {"dialysis", NULL, CLI_FLAG, 0, "anuric, on intermittent haemodialysis"},
    {"until", "TIME", CLI_VALUE, 0, "end of the profile (default: end of dosing)"},
    {"out-every", "TIME", CLI_VALUE, 0, "output grid spacing (default 0.25h)"},
    {"solver", "NAME", CLI_VALUE, 0, "auto (default), exact (closed form) or cvode"},
    {"csv", "FILE", CLI_VALUE, 0, "write the profile as CSV"},
    {"plot", "FILE", CLI_VALUE, 0, "write a plot: FILE.svg or FILE.png"},
    {"json", NULL, CLI_FLAG, 0, "print JSON (summary and profile) instead of text"},
};
#define N_OPTS (sizeof opts / sizeof opts[0])

void help_simulate(FILE *f)
{
    fprintf(
        f, "usage: gabasim simulate --drug NAME (--dose DOSE --every TIME | --titrate S)\n"
           "                        (--days N | --doses N) [patient] [outputs]\n\n"
           "Simulates one patient's plasma concentrations and prints Cmax, Tmax, AUC, half-life,\n"
           "steady-state Cmin/Cavg/Cmax, the fraction of each dose absorbed and the time to 90 %%\n"
           "of steady state.\n\noptions:\n");
    cli_print_options(f, opts, N_OPTS);
    fprintf(f,
            "\nKidney function: --crcl, or --scr with --age --sex --weight (Cockcroft-Gault, the\n"
            "labels' method; CKD-EPI 2021 eGFR is reported beside it), or --dialysis.\n"
            "Limits: dose above 0 up to the drug file's ceiling; interval up to 168 h; duration\n"
            "up to 365 days; at most %ld output points.\n\nexamples:\n"
            "  gabasim simulate --drug gabapentin --dose 300mg --every 8h --days 7\n"
            "  gabasim simulate --drug pregabalin --dose 150mg --every 12h --days 14 --crcl 45\n"
            "  gabasim simulate --drug gabapentin --titrate label --days 7 --plot g.svg\n"
            "  gabasim simulate --drug gabapentin --dose 600mg --doses 1 --scr 1.4mg/dL \\\n"
            "      --age 72 --sex female --weight 70kg --json\n",
            MAX_OUTPUT_POINTS);
}

static const char *get(const struct cli_args *a, const char *name)
{
    return cli_get(opts, N_OPTS, a, name);
}

static int count(const struct cli_args *a, const char *name)
{
    return a->count[cli_index(opts, N_OPTS, name)];
}

static const char *value_at(const struct cli_args *a, const char *name, int i)
{
    return a->value[cli_index(opts, N_OPTS, name)][i];
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

static gs_status parse_patient(const struct cli_args *a, struct gs_patient *p, struct gs_error *err)
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

static gs_status parse_regimen(const struct cli_args *a, const gs_drug *drug, struct gs_regimen *r,
                               struct gs_error *err)
{
    gs_regimen_init(r);
    const char *dose = get(a, "dose"), *every = get(a, "every"), *titrate = get(a, "titrate");
    const char *days = get(a, "days"), *doses = get(a, "doses");
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
    for (int i = 0; i < count(a, "miss"); i++) {
        if (r->n_missed == GS_REGIMEN_MAX_EXTRA)
            return gs_error_set(err, GS_INPUT, "--miss", "too many '--miss'");
        if ((st = gs_parse_quantity(value_at(a, "miss", i), GS_DIM_TIME, "--miss",
                                    &r->missed_h[r->n_missed++], err)))
            return st;
    }
    for (int i = 0; i < count(a, "extra"); i++) {
        const char *x = value_at(a, "extra", i);
        const char *at = strchr(x, '@');
        char dose_text[64];
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
    r->start_steady = get(a, "start-steady") != NULL;
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

static gs_status make_grid(double until, double step, double **t, size_t *n, struct gs_error *err)
{
    double pts = floor(until / step + 1e-9) + 1.0;
    if (pts + 1.0 > (double)MAX_OUTPUT_POINTS)
        return gs_error_set(err, GS_INPUT, "--out-every",
                            "'--out-every' %g h over %g h gives %.0f points; allowed up to %ld "
                            "(use a coarser grid)",
                            step, until, pts, MAX_OUTPUT_POINTS);
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

static gs_status parse_solver(const char *v, struct gs_sim_options *o, struct gs_error *err)
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

int cmd_simulate(int argc, char **argv)
{
    struct gs_error err = GS_ERROR_INIT;
    static struct cli_args a; /* large; one per process */
    gs_drug *drug = NULL;
    struct gs_regimen reg;
    struct gs_patient pt;
    struct gs_model model;
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    struct gs_profile prof = GS_PROFILE_INIT;
    struct gs_summary sum;
    struct gs_sim_options sopt = GS_SIM_OPTIONS_DEFAULT;
    struct gs_outfile csv = {0}, plotf = {0};
    double *grid = NULL;
    size_t n_grid = 0;
    char notes[2048] = "";
    int csv_open = 0, plot_open = 0;
    gs_status st;

    if ((st = cli_parse(opts, N_OPTS, 0, argc, argv, &a, &err)))
        goto fail;
    const char *drug_name = get(&a, "drug");
    if (drug_name == NULL) {
        st = gs_error_set(&err, GS_INPUT, "--drug", "missing '--drug' (see 'gabasim drugs')");
        goto fail;
    }
    if ((st = parse_solver(get(&a, "solver"), &sopt, &err)) ||
        (st = gs_drug_load(&drug, drug_name, &err)) || (st = parse_patient(&a, &pt, &err)) ||
        (st = parse_regimen(&a, drug, &reg, &err)))
        goto fail;
    if ((st = gs_drug_individual_model(drug, &pt, &model, notes, sizeof notes, &err)))
        goto fail;
    if (pt.crcl_source == GS_CRCL_DEFAULT) {
        size_t k = strlen(notes);
        snprintf(notes + k, sizeof notes - k,
                 "no kidney function given: CrCl 100 mL/min (a typical adult) assumed\n");
    }
    if ((st = gs_regimen_expand(&reg, &ev, &err)))
        goto fail;

    /* output grid */
    double last = gs_regimen_last_dose_h(&reg);
    const struct gs_regimen_step *maint = gs_regimen_maintenance(&reg);
    int single = reg.n_doses == 1 && get(&a, "every") == NULL && get(&a, "titrate") == NULL;
    double until = reg.n_doses > 0 ? last + fmax(single ? 0.0 : maint->ii_h, 24.0) : reg.end_h;
    const char *v;
    if ((v = get(&a, "until"))) {
        if ((st = gs_parse_quantity(v, GS_DIM_TIME, "--until", &until, &err)))
            goto fail;
        if (!(until > 0.0 && until <= GS_MAX_DURATION_H)) {
            st = gs_error_set(&err, GS_INPUT, "--until",
                              "'--until' is %g h; allowed above 0 to %g h", until,
                              GS_MAX_DURATION_H);
            goto fail;
        }
    }
    double step = 0.25;
    if ((v = get(&a, "out-every"))) {
        if ((st = gs_parse_quantity(v, GS_DIM_TIME, "--out-every", &step, &err)))
            goto fail;
        if (!(step > 0.0 && step <= until)) {
            st = gs_error_set(&err, GS_INPUT, "--out-every",
                              "'--out-every' is %g h; allowed above 0 up to the profile end (%g h)",
                              step, until);
            goto fail;
        }
    }
    if ((st = make_grid(until, step, &grid, &n_grid, &err)))
        goto fail;

    /* outputs are checked before any work, so a bad path costs nothing */
    const char *plot = get(&a, "plot"), *csv_path = get(&a, "csv");
    if (plot && (st = gs_plot_check_path(plot, "--plot", &err)))
        goto fail;
    if (csv_path) {
        if ((st = gs_outfile_open(&csv, csv_path, "--csv", &err)))
            goto fail;
        csv_open = 1;
    }
    if (plot) {
        if ((st = gs_outfile_open(&plotf, plot, "--plot", &err)))
            goto fail;
        plot_open = 1;
    }

    if ((st = gs_simulate(&model, &ev, grid, n_grid, &sopt, &prof, &err)))
        goto fail;
    double ss_ii = single ? NAN : maint->ii_h;
    if ((st = gs_summarize(&model, &ev, &prof, maint->dose_mg, ss_ii, reg.cmt, &sopt, &sum, &err)))
        goto fail;

    struct gs_run run = {drug, &pt, &model, &reg, &ev, &prof, &sum, notes};
    if (csv_open && gs_write_profile_csv(&run, csv.f) != GS_OK) {
        st = gs_error_set(&err, GS_IO, "--csv", "writing '%s' failed", csv.path);
        goto fail;
    }
    if (plot_open && (st = gs_plot_profile(&run, &plotf, &err)))
        goto fail;
    /* every output is complete: only now do they replace their destinations */
    if (csv_open) {
        csv_open = 0;
        if ((st = gs_outfile_commit(&csv, &err)))
            goto fail;
    }
    if (plot_open) {
        plot_open = 0;
        if ((st = gs_outfile_commit(&plotf, &err)))
            goto fail;
    }
    if (get(&a, "json")) {
        char *text = gs_run_json(&run);
        if (text == NULL) {
            st = gs_error_set(&err, GS_NOMEM, "--json", "out of memory writing JSON");
            goto fail;
        }
        printf("%s\n", text);
        gs_json_free(text);
    } else {
        gs_write_summary_text(&run, stdout);
    }
    gs_free(grid);
    gs_profile_release(&prof);
    gs_event_list_release(&ev);
    gs_drug_free(drug);
    return fflush(stdout) == 0 ? GS_EXIT_OK : GS_EXIT_FAIL;

fail:
    if (csv_open)
        gs_outfile_abort(&csv);
    if (plot_open)
        gs_outfile_abort(&plotf);
    gs_free(grid);
    gs_profile_release(&prof);
    gs_event_list_release(&ev);
    gs_drug_free(drug);
    return cli_fail(&err);
}
