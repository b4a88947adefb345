/* cli_common.c - option groups shared by subcommands (patient, regimen, solver, output grid) and
 * the few things every command does the same way (write a file, fail, flush). */
#define _POSIX_C_SOURCE 200809L /* fstat, fileno */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "gabasim/gabasim.h"

const char *const cli_solver_names[] = {"auto", "exact", "cvode", NULL};

gs_status cli_patient(const struct cli_patient_opts *o, struct gs_patient *p, struct gs_error *err)
{
    gs_patient_init(p);
    p->age_y = o->age_y;
    p->weight_kg = o->weight_kg;
    p->height_cm = o->height_cm;
    p->scr_mg_dl = o->scr_mg_dl;
    p->crcl_given_ml_min = o->crcl_ml_min;
    if (o->sex) {
        const char *v = o->sex;
        if (strcmp(v, "female") == 0 || strcmp(v, "f") == 0 || strcmp(v, "F") == 0)
            p->sex = GS_SEX_FEMALE;
        else if (strcmp(v, "male") == 0 || strcmp(v, "m") == 0 || strcmp(v, "M") == 0)
            p->sex = GS_SEX_MALE;
        else
            return gs_error_set(err, GS_INPUT, "--sex", "'--sex' is '%s'; allowed: female, male",
                                v);
    }
    p->haemodialysis = o->dialysis;
    if (o->hd_schedule) {
        gs_status st;
        if (!o->dialysis)
            return gs_error_set(err, GS_INPUT, "--hd-schedule",
                                "'--hd-schedule' needs '--dialysis' (an anuric patient on "
                                "haemodialysis)");
        if ((st = gs_hd_schedule_parse(&p->hd, o->hd_schedule, "--hd-schedule", err)))
            return st;
    }
    return gs_patient_resolve(p, err);
}

int cli_regimen_single(const struct cli_regimen_opts *o)
{
    return o->doses == 1 && isnan(o->every_h) && o->titrate == NULL;
}

gs_status cli_regimen(const struct cli_regimen_opts *o, const gs_drug *drug, struct gs_regimen *r,
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
            r->steps[0].ii_h = NAN; /* a single dose has no interval */
        else
            return gs_error_set(err, GS_INPUT, "--every",
                                "missing '--every' (the dosing interval, e.g. 8h)");
    }
    if (days)
        r->end_h = 24.0 * o->days;
    else
        r->n_doses = o->doses;
    for (int i = 0; i < o->miss.n; i++) {
        if (r->n_missed == GS_REGIMEN_MAX_EXTRA)
            return gs_error_set(err, GS_INPUT, "--miss", "'--miss' was given more than %d times",
                                GS_REGIMEN_MAX_EXTRA);
        if ((st = gs_units_parse_quantity(o->miss.v[i], GS_DIM_TIME, "--miss",
                                          &r->missed_h[r->n_missed++], err)))
            return st;
    }
    for (int i = 0; i < o->extra.n; i++) {
        const char *x = o->extra.v[i];
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
    /* A single dose without an interval is validated, and recorded, with a nominal 24 h one;
     * the command knows it is single (cli_regimen_single) and asks for no steady state. */
    int single = isnan(r->steps[0].ii_h);
    if (single) {
        if (r->start_steady)
            return gs_error_set(err, GS_INPUT, "--start-steady",
                                "'--start-steady' needs a dosing interval ('--every')");
        r->steps[0].ii_h = 24.0;
    }
    return gs_regimen_validate(r, gs_drug_max_dose_mg(drug), err);
}

void cli_solver(const struct cli_solver_opts *o, struct gs_sim_options *s)
{
    s->solver = (enum gs_solver_kind)o->solver;
    if (!isnan(o->rtol))
        s->rtol = o->rtol;
    if (!isnan(o->atol_mg))
        s->atol_mg = o->atol_mg;
}

gs_status cli_grid(const struct cli_grid_opts *o, const struct gs_regimen *reg, int single,
                   double **grid, size_t *n_grid, struct gs_error *err)
{
    double last = gs_regimen_last_dose_h(reg);
    const struct gs_regimen_step *maint = gs_regimen_maintenance(reg);
    double until = reg->n_doses > 0 ? last + fmax(single ? 0.0 : maint->ii_h, 24.0) : reg->end_h;
    if (!isnan(o->until_h))
        until = o->until_h;
    double step = isnan(o->every_h) ? 0.25 : o->every_h;
    if (step > until)
        return gs_error_set(err, GS_INPUT, "--out-every",
                            "'--out-every' is %g h; allowed above 0 up to the profile end (%g h)",
                            step, until);
    return gs_simulate_grid(until, step, grid, n_grid, err);
}

gs_status cli_write_file(const char *path, const char *field,
                         gs_status (*fill)(void *ctx, struct gs_outfile *o, struct gs_error *err),
                         void *ctx, struct gs_error *err)
{
    struct gs_outfile o;
    gs_status st = gs_outfile_open(&o, path, field, err);
    if (st != GS_OK)
        return st;
    if ((st = fill(ctx, &o, err)) != GS_OK) {
        gs_outfile_abort(&o);
        return st;
    }
    return gs_outfile_commit(&o, err);
}

/* Whether a and b name one file: the same text, or the same existing file. */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (strcmp(a, b) == 0)
        return 1;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && S_ISREG(sa.st_mode) &&
           sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

gs_status cli_check_outputs(const char *const *paths, const char *const *fields, size_t n, int json,
                            int *to_stdout, struct gs_error *err)
{
    const char *taken = NULL; /* the option whose output goes to standard output */
    for (size_t i = 0; i < n; i++) {
        if (paths[i] == NULL)
            continue;
        int out = gs_outfile_is_stdout(paths[i]);
        /* two outputs into one device (/dev/null) are fine; into one file, one would be lost */
        for (size_t j = 0; j < i && (out || !gs_outfile_is_stream(paths[i])); j++)
            if (paths[j] && same_file(paths[i], paths[j]))
                return gs_error_set(err, GS_INPUT, fields[i], "'%s' and '%s' both write '%s'",
                                    fields[j], fields[i], paths[i]);
        if (out && taken)
            return gs_error_set(err, GS_INPUT, fields[i],
                                "'%s' and '%s' both write standard output; give one of them a "
                                "file",
                                taken, fields[i]);
        if (out)
            taken = fields[i];
    }
    if (taken && json)
        return gs_error_set(err, GS_INPUT, taken,
                            "'--json' and '%s' both write standard output; give '%s' a file", taken,
                            taken);
    if (to_stdout)
        *to_stdout = taken != NULL;
    return GS_OK;
}

/* population: `--data` takes subjects and doses from the dataset: options that describe subjects
 * or regimens do not apply; '--covariates' there is the fill (nocb or locf), not a file. */
gs_status cli_open_dataset(struct option *t, const char *path, const char *fill, const char *drop,
                           const gs_drug *drug, const struct cli_patient_opts *po,
                           gs_dataset **table, struct gs_patient *pt, struct gs_error *err)
{
    struct gs_dataset_options dopt = {drop, GS_FILL_NOCB};
    for (struct option *c = t; fill && c->type != OPT_T_END; c++)
        c->seen *= strcmp(c->name, "covariates") != 0;
    gs_status st = gs_dataset_parse_fill(fill, &dopt.fill, err);
    const char *name =
        opt_first_given(t, "n covariates dose every days doses titrate until out-every "
                           "threshold window-from window-to percentiles percentiles-csv "
                           "summary-csv summary-json params-csv plot start-steady json "
                           "miss extra");
    if (!st && name)
        st = gs_error_set(err, GS_INPUT, "--data",
                          "'--data' takes subjects and doses from the dataset; '--%s' does not "
                          "apply",
                          name);
    if (st || (st = gs_dataset_read_with(table, path, &dopt, err)) ||
        (st = gs_dataset_check_patient_option(
             *table, opt_first_given(t, "crcl scr age sex weight height dialysis"), err)) ||
        (st = cli_patient(po, pt, err)))
        return st;
    char note[512];
    if (gs_dataset_unused_columns(*table, drug, note, sizeof note) > 0)
        fprintf(stderr, "gabasim: note: %s\n", note);
    if (gs_dataset_observation_cmt_note(*table, note, sizeof note) > 0)
        fprintf(stderr, "gabasim: note: %s\n", note);
    return GS_OK;
}

/* The existing regular file `path` names, following symbolic links ("-": what standard input
 * reads, when that is a regular file); 0 when there is none. */
static int regular_file(const char *path, int fd, struct stat *sb)
{
    if (strcmp(path, "-") == 0)
        return fd >= 0 && fstat(fd, sb) == 0 && S_ISREG(sb->st_mode);
    return stat(path, sb) == 0 && S_ISREG(sb->st_mode);
}

gs_status cli_check_not_input(const char *const *outs, const char *const *out_fields, size_t n_out,
                              const char *const *ins, const char *const *in_fields, size_t n_in,
                              struct gs_error *err)
{
    struct stat so, si;
    for (size_t i = 0; i < n_out; i++) {
        /* "-" as an output is standard output, a stream: never an input file */
        if (outs[i] == NULL || strcmp(outs[i], "-") == 0 || !regular_file(outs[i], -1, &so))
            continue;
        for (size_t j = 0; j < n_in; j++)
            if (ins[j] && regular_file(ins[j], STDIN_FILENO, &si) && so.st_dev == si.st_dev &&
                so.st_ino == si.st_ino)
                return gs_error_set(err, GS_INPUT, out_fields[i],
                                    "'%s' is '%s', the same file as the input '%s'; give another "
                                    "path",
                                    out_fields[i], outs[i], in_fields[j]);
    }
    return GS_OK;
}

const char *cli_covariates_path(const char *name, char *buf, size_t size)
{
    size_t n = name ? strlen(name) : 0;
    if (name == NULL || strchr(name, '/') || (n > 5 && strcmp(name + n - 5, ".json") == 0) ||
        (n > 4 && strcmp(name + n - 4, ".csv") == 0) || strcmp(name, "-") == 0)
        return name;
    snprintf(buf, size, "%s/populations/%s.json", gs_datafile_dir(), name);
    return buf;
}

gs_status cli_progress_start(struct gs_report_progress *p, int quiet, const char *what, int counted,
                             struct gs_error *err)
{
    double delay = 2.0;
    const char *env = getenv("GABASIM_PROGRESS_DELAY");
    if (env != NULL) {
        char *end;
        delay = strtod(env, &end);
        if (end == env || *end != '\0' || !(delay >= 0.0 && delay <= 3600.0))
            return gs_error_set(err, GS_INPUT, "GABASIM_PROGRESS_DELAY",
                                "'GABASIM_PROGRESS_DELAY' is '%s'; allowed 0 to 3600 seconds", env);
    }
    gs_report_progress_start(p, !quiet && isatty(STDERR_FILENO) ? stderr : NULL, what, counted,
                             delay);
    return GS_OK;
}

gs_status cli_flush_stdout(struct gs_error *err)
{
    if (fflush(stdout) != 0 || ferror(stdout))
        return gs_error_set(err, GS_IO, "output", "writing standard output failed");
    return GS_OK;
}

/* The error as one line: a newline or other control byte from an argument or a file is written
 * as an escape (\n, \xNN), so a message never spans lines. Bad input is a usage error, and so
 * is a request the drug or model does not support when the library names the option that asked
 * for it ('--solver exact' with a nonlinear model, '--dialysis' for a drug without an anuric
 * clearance); other unsupported cases (a trial whose simulated data allow no analysis) are
 * failures of the run. */
int cli_fail(const struct gs_error *err)
{
    const char *m = err->msg[0] ? err->msg : gs_status_str(err->code);
    fputs("gabasim: error: ", stderr);
    for (const unsigned char *c = (const unsigned char *)m; *c; c++) {
        if (*c == '\n')
            fputs("\\n", stderr);
        else if (*c < 0x20 || *c == 0x7f)
            fprintf(stderr, "\\x%02x", *c);
        else
            fputc(*c, stderr);
    }
    fputc('\n', stderr);
    int option = strncmp(err->field, "--", 2) == 0;
    return err->code == GS_INPUT || (err->code == GS_UNSUPPORTED && option) ? GS_EXIT_USAGE
                                                                            : GS_EXIT_FAIL;
}

/* --with NAME[@T,...]: the co-medications; each entry's times (0 to 365 days, up to 64) go to
 * times[i]. */
gs_status cli_parse_with(const struct opt_list *with, struct gs_comedication *co, char (*names)[64],
                         double (*times)[64], size_t *n, struct gs_error *err)
{
    *n = (size_t)with->n;
    for (size_t i = 0; i < *n; i++) {
        const char *arg = with->v[i], *at = strchr(arg, '@');
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

/* `--level CONC@TIME` (tdm, advise): each value into lv[*n]. */
gs_status cli_parse_levels(const struct opt_list *l, struct gs_tdm_level *lv, size_t *n,
                           struct gs_error *err)
{
    gs_status st;
    *n = 0;
    for (int i = 0; i < l->n; i++) {
        const char *at = strchr(l->v[i], '@');
        char conc[64];
        if (at == NULL || (size_t)(at - l->v[i]) >= sizeof conc)
            return gs_error_set(err, GS_INPUT, "--level",
                                "'--level' is '%.80s'; expected CONC@TIME like 6.1mg/L@38h",
                                l->v[i]);
        memcpy(conc, l->v[i], (size_t)(at - l->v[i]));
        conc[at - l->v[i]] = '\0';
        if ((st = gs_units_parse_quantity(conc, GS_DIM_CONC, "--level", &lv[*n].conc_mg_l, err)) ||
            (st = gs_units_parse_quantity(at + 1, GS_DIM_TIME, "--level", &lv[*n].time_h, err)))
            return st;
        (*n)++;
    }
    return GS_OK;
}

/* `--target METRIC=VALUE` (tdm, gabasim serve). */
gs_status cli_parse_tdm_target(const char *s, struct gs_tdm_target_request *t, struct gs_error *err)
{
    static const char *const names[] = {"trough=", "cavg=", "auc24="};
    for (int m = 0; m < 3; m++)
        if (strncmp(s, names[m], strlen(names[m])) == 0) {
            const char *v = s + strlen(names[m]);
            t->metric = (enum gs_tdm_metric)m;
            if (m == GS_TDM_AUC24) {
                char *end;
                t->target = strtod(v, &end);
                if (end != v &&
                    (*end == '\0' || strcmp(end, "mg*h/L") == 0 || strcmp(end, "mgh/L") == 0))
                    return GS_OK;
                return gs_error_set(err, GS_INPUT, "--target",
                                    "'--target' auc24 is '%.60s'; expected a number of mg*h/L", v);
            }
            return gs_units_parse_quantity(v, GS_DIM_CONC, "--target", &t->target, err);
        }
    return gs_error_set(err, GS_INPUT, "--target",
                        "'--target' is '%.60s'; expected trough=CONC, cavg=CONC or auc24=NUMBER",
                        s);
}

/* `--n-grid 25,50,100` (trial, gabasim serve's trial jobs). */
gs_status cli_parse_n_grid(const char *text, long *grid, size_t *n, struct gs_error *err)
{
    *n = 0;
    const char *p = text;
    while (*p) {
        char cell[32];
        size_t l = strcspn(p, ",");
        if (l == 0 || l >= sizeof cell || *n == GS_TRIAL_MAX_GRID)
            return gs_error_set(
                err, GS_INPUT, "--n-grid",
                "'--n-grid' is '%.80s'; give up to %d whole numbers from 2 to 100000 "
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
                                    "'--n-grid' is '%.80s': it ends with a comma", text);
        }
    }
    if (*n == 0)
        return gs_error_set(err, GS_INPUT, "--n-grid", "'--n-grid' is empty");
    return GS_OK;
}
