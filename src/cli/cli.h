/* cli.h - shared by the command-line front end only: subcommands, option tables, exit codes.
 *
 * The front end parses and prints; every computation is a libgabasim call. Each subcommand lives
 * in its own cmd_<name>.c and describes its options in one table that drives both parsing and
 * `gabasim help <name>`.
 */
#ifndef GABASIM_CLI_H
#define GABASIM_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "gabasim/error.h"

enum { GS_EXIT_OK = 0, GS_EXIT_FAIL = 1, GS_EXIT_USAGE = 2 };

/* ---- option groups shared by subcommands (cli_common.c) ----
 * Each group is a struct the options write into (OPT_* entries from options.h, declared once
 * here) and a function that turns it into the library's input. */
#include <math.h>

#include "gabasim/drug.h"
#include "gabasim/patient.h"
#include "gabasim/regimen.h"
#include "gabasim/simulate.h"
#include "options.h"

/* The patient: NaN / NULL / 0 when not given. */
struct cli_patient_opts {
    double age_y, weight_kg, height_cm, scr_mg_dl, crcl_ml_min;
    const char *sex;
    int dialysis;
    const char *hd_schedule;
};
#define CLI_PATIENT_OPTS_INIT                                                                      \
    {                                                                                              \
        NAN, NAN, NAN, NAN, NAN, NULL, 0, NULL                                                     \
    }
/* The ranges are the library's (gs_patient_resolve), which names the option when one is off. */
#define OPT_PATIENT(p)                                                                             \
    OPT_QUANTITY("crcl", "CRCL", GS_DIM_CRCL, -INFINITY, INFINITY, &(p)->crcl_ml_min,              \
                 "creatinine clearance, mL/min (default 100 when no kidney data)"),                \
        OPT_QUANTITY("scr", "SCR", GS_DIM_SCR, -INFINITY, INFINITY, &(p)->scr_mg_dl,               \
                     "serum creatinine: 1.2mg/dL or 106umol/L (needs age, sex, weight)"),          \
        OPT_QUANTITY("age", "YEARS", GS_DIM_AGE, -INFINITY, INFINITY, &(p)->age_y,                 \
                     "age in years (12 to 110)"),                                                  \
        OPT_STRING("sex", "SEX", &(p)->sex, "female or male"),                                     \
        OPT_QUANTITY("weight", "WEIGHT", GS_DIM_WEIGHT, -INFINITY, INFINITY, &(p)->weight_kg,      \
                     "body weight: 70kg or 154lb"),                                                \
        OPT_QUANTITY("height", "HEIGHT", GS_DIM_HEIGHT, -INFINITY, INFINITY, &(p)->height_cm,      \
                     "height: 170cm (ideal body weight, BMI)"),                                    \
        OPT_FLAG("dialysis", &(p)->dialysis, "anuric, on intermittent haemodialysis"),             \
        OPT_STRING("hd-schedule", "KEY=V,...", &(p)->hd_schedule,                                  \
                   "dialysis sessions (with --dialysis): sessions=3,length=4h,start=8h,day=1,"     \
                   "supplement=label (the default), or none")
gs_status cli_patient(const struct cli_patient_opts *o, struct gs_patient *p, struct gs_error *err);

/* The regimen: NaN / 0 / NULL when not given. */
struct cli_regimen_opts {
    double dose_mg, every_h, days;
    long doses;
    const char *titrate;
    struct opt_list miss, extra;
    int start_steady;
};
#define CLI_REGIMEN_OPTS_INIT                                                                      \
    {                                                                                              \
        NAN, NAN, NAN, 0, NULL, {{0}, 0}, {{0}, 0}, 0                                              \
    }
/* --days has the same limits in every command (advise's horizon too). */
#define OPT_DAYS(d, h) OPT_NUMBER_ABOVE("days", "N", 0, GS_MAX_DURATION_H / 24.0, (d), (h))
/* Dose and interval limits depend on the drug: gs_regimen_validate checks them. */
#define OPT_REGIMEN(r)                                                                             \
    OPT_QUANTITY("dose", "DOSE", GS_DIM_DOSE, -INFINITY, INFINITY, &(r)->dose_mg,                  \
                 "each dose, with unit: 300mg, 1.2g"),                                             \
        OPT_QUANTITY("every", "TIME", GS_DIM_TIME, -INFINITY, INFINITY, &(r)->every_h,             \
                     "dosing interval: 8h, 12h, 1d"),                                              \
        OPT_DAYS(&(r)->days, "dose for N days (whole or fractional)"),                             \
        OPT_COUNT("doses", "N", 1, GS_MAX_DOSES, &(r)->doses,                                      \
                  "give exactly N doses (--doses 1: a single dose)"),                              \
        OPT_STRING("titrate", "SCHEDULE", &(r)->titrate,                                           \
                   "titration DAY:DOSExN,... (1:300mgx1,2:300mgx2,3:300mgx3) or a drug-file "      \
                   "name: label"),                                                                 \
        OPT_LIST("miss", "TIME", &(r)->miss, "a scheduled dose not taken, by its time: 32h"),      \
        OPT_LIST("extra", "DOSE@TIME", &(r)->extra, "an extra dose: 300mg@20h"),                   \
        OPT_FLAG("start-steady", &(r)->start_steady,                                               \
                 "start at steady state of the first dose and interval")
/* Builds and validates the regimen the options describe (messages name the option). */
gs_status cli_regimen(const struct cli_regimen_opts *o, const gs_drug *drug, struct gs_regimen *r,
                      struct gs_error *err);
/* 1 when the regimen is one dose without an interval (--doses 1, no --every, no --titrate). */
int cli_regimen_single(const struct cli_regimen_opts *o);

/* The solver: --solver, --rtol, --atol (amounts, mg). */
struct cli_solver_opts {
    int solver;
    double rtol, atol_mg;
};
#define CLI_SOLVER_OPTS_INIT                                                                       \
    {                                                                                              \
        GS_SOLVER_AUTO, NAN, NAN                                                                   \
    }
extern const char *const cli_solver_names[]; /* in enum gs_solver order */
#define OPT_SOLVER(s)                                                                              \
    OPT_CHOICE("solver", "NAME", cli_solver_names, &(s)->solver,                                   \
               "auto (default), exact (closed form) or cvode"),                                    \
        OPT_NUMBER("rtol", "X", 1e-14, 1e-2, &(s)->rtol, "ODE relative tolerance (default 1e-8)"), \
        OPT_NUMBER("atol", "X", 1e-20, 1.0, &(s)->atol_mg,                                         \
                   "ODE absolute tolerance on amounts, mg (default 1e-9)")
void cli_solver(const struct cli_solver_opts *o, struct gs_sim_options *s);

/* The output grid: --until and --out-every. */
struct cli_grid_opts {
    double until_h, every_h;
};
#define CLI_GRID_OPTS_INIT                                                                         \
    {                                                                                              \
        NAN, NAN                                                                                   \
    }
#define OPT_GRID(g)                                                                                \
    OPT_QUANTITY_ABOVE("until", "TIME", GS_DIM_TIME, 0, GS_MAX_DURATION_H, &(g)->until_h,          \
                       "end of the profile (default: end of dosing)"),                             \
        OPT_QUANTITY_ABOVE("out-every", "TIME", GS_DIM_TIME, 0, INFINITY, &(g)->every_h,           \
                           "output grid spacing (default 0.25h)")
/* The grid from 0 to --until (default: the regimen's end; for --doses N the last dose plus
 * max(interval, 24 h)) every --out-every; the caller frees it with gs_free(). */
gs_status cli_grid(const struct cli_grid_opts *o, const struct gs_regimen *reg, int single,
                   double **grid, size_t *n_grid, struct gs_error *err);

/* Writes a finished output (the callback fills the open outfile) and commits it; on failure
 * nothing replaces the destination. */
struct gs_outfile;
gs_status cli_write_file(const char *path, const char *field,
                         gs_status (*fill)(void *ctx, struct gs_outfile *o, struct gs_error *err),
                         void *ctx, struct gs_error *err);

/* Checks a command's output files, named by their options (NULL paths are not requested): at
 * most one may go to standard output ('-', /dev/stdout), none may while --json also prints
 * there (`json`), and no two may name the same file. *to_stdout (may be NULL) says whether an
 * output takes standard output, in which case the command prints no report of its own. */
gs_status cli_check_outputs(const char *const *paths, const char *const *fields, size_t n, int json,
                            int *to_stdout, struct gs_error *err);

/* Refuses (GS_INPUT, naming both options and the path) an output that is the same existing
 * regular file (device and inode, symbolic links followed) as an input: writing it would destroy
 * the input. NULL entries are not given; an input "-" is standard input's file, if a regular
 * one. */
gs_status cli_check_not_input(const char *const *outs, const char *const *out_fields, size_t n_out,
                              const char *const *ins, const char *const *in_fields, size_t n_in,
                              struct gs_error *err);
/* The file a '--covariates' value reads: a path as given, a population name in the data
 * directory (written to buf). */
const char *cli_covariates_path(const char *name, char *buf, size_t size);

/* population `--data`: reads the dataset (`fill`: the '--covariates' value, nocb or locf; `drop`:
 * text columns) and the patient options; GS_INPUT naming the first option of `t` given that does
 * not apply, or a patient option the dataset's covariate columns override. Prints the note on
 * columns the model does not read. */
struct gs_dataset;
gs_status cli_open_dataset(struct option *t, const char *path, const char *fill, const char *drop,
                           const gs_drug *drug, const struct cli_patient_opts *po,
                           struct gs_dataset **table, struct gs_patient *pt, struct gs_error *err);

/* advise `--with NAME[@T,...]`: the co-medications; each entry's times (0 to 365 days, up to 64)
 * go to times[i], names to names[i] (advise and gabasim serve). */
struct gs_comedication;
gs_status cli_parse_with(const struct opt_list *with, struct gs_comedication *co, char (*names)[64],
                         double (*times)[64], size_t *n, struct gs_error *err);

/* `--level CONC@TIME` (6.1mg/L@38h), repeatable: the measured levels of tdm and advise, into
 * lv[0..*n) (room for OPT_LIST_MAX). */
struct gs_tdm_level;
gs_status cli_parse_levels(const struct opt_list *l, struct gs_tdm_level *lv, size_t *n,
                           struct gs_error *err);

/* `--target METRIC=VALUE` (tdm, gabasim serve): trough=CONC, cavg=CONC or auc24=NUMBER
 * [mg*h/L] into *t's metric and target. */
/* `--n-grid N,N,...` (trial, gabasim serve): up to GS_TRIAL_MAX_GRID whole numbers from 2 to
 * GS_TRIAL_MAX_ARM_N into grid[0..*n); empty, a trailing comma or a bad value is an error. */
gs_status cli_parse_n_grid(const char *text, long *grid, size_t *n, struct gs_error *err);

struct gs_tdm_target_request;
gs_status cli_parse_tdm_target(const char *s, struct gs_tdm_target_request *t,
                               struct gs_error *err);

/* Prints "gabasim: error: MSG" and returns the exit code for `st` (2 for GS_INPUT, else 1). */
int cli_fail(const struct gs_error *err);

/* Standard output flushed and free of write errors: GS_OK, else GS_IO naming it. */
gs_status cli_flush_stdout(struct gs_error *err);

/* Starts the progress line of a long run on stderr when stderr is a terminal and not `quiet`.
 * It appears after GABASIM_PROGRESS_DELAY seconds (0 to 3600; default 2, like git's
 * GIT_PROGRESS_DELAY); a value outside that range is a usage error naming the variable. */
struct gs_report_progress;
gs_status cli_progress_start(struct gs_report_progress *p, int quiet, const char *what, int counted,
                             struct gs_error *err);

/* Subcommands */
struct gs_cmd {
    const char *name;
    int (*run)(int argc, char **argv);
    void (*help)(FILE *f);
    const char *summary;
};

int cmd_simulate(int argc, char **argv);
void help_simulate(FILE *f);
int cmd_drugs(int argc, char **argv);
void help_drugs(FILE *f);
int cmd_demo(int argc, char **argv);
int cmd_population(int argc, char **argv);
int cmd_advise(int argc, char **argv);
void help_advise(FILE *f);
void help_population(FILE *f);
void help_demo(FILE *f);
int cmd_trial(int argc, char **argv);
void help_trial(FILE *f);
int cmd_meta(int argc, char **argv);
void help_meta(FILE *f);
int cmd_nca(int argc, char **argv);
void help_nca(FILE *f);
int cmd_tdm(int argc, char **argv);
void help_tdm(FILE *f);
int cmd_serve(int argc, char **argv);
void help_serve(FILE *f);

#endif
