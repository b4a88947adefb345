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

#include "gabasim/status.h"

enum { GS_EXIT_OK = 0, GS_EXIT_FAIL = 1, GS_EXIT_USAGE = 2 };

enum cli_kind { CLI_VALUE, CLI_FLAG };

#define CLI_MAX_OPTS       40
#define CLI_MAX_REPEAT     64
#define CLI_MAX_POSITIONAL 4

struct cli_opt {
    const char *name;    /* without leading dashes: "dose" */
    const char *metavar; /* "DOSE" (NULL for flags) */
    enum cli_kind kind;
    int repeatable;
    const char *help;
};

struct cli_args {
    const struct cli_opt *opts; /* the table parsed against (set by cli_parse) */
    size_t n_opts;
    const char *value[CLI_MAX_OPTS][CLI_MAX_REPEAT];
    int count[CLI_MAX_OPTS];
    const char *positional[CLI_MAX_POSITIONAL];
    int n_positional;
};

/* Parses argv (after the subcommand name) against `opts`: "--name VALUE", "--name=VALUE", flags.
 * Unknown options, missing values, repeats of non-repeatable options: GS_INPUT with a message. */
gs_status cli_parse(const struct cli_opt *opts, size_t n_opts, int max_positional, int argc,
                    char **argv, struct cli_args *a, struct gs_error *err);

/* Index of option `name` in the table (must exist). */
int cli_index(const struct cli_opt *opts, size_t n_opts, const char *name);

/* Last value given for option `name`, or NULL. */
const char *cli_get(const struct cli_opt *opts, size_t n_opts, const struct cli_args *a,
                    const char *name);

/* Help text generated from the table. */
void cli_print_options(FILE *f, const struct cli_opt *opts, size_t n_opts);

/* Prints "gabasim: error: MSG" and returns the exit code for `st` (2 for GS_INPUT, else 1). */
int cli_fail(const struct gs_error *err);

/* Option groups shared by subcommands (cli_common.c); each reads options by name from `a`, so a
 * subcommand's table includes the options of the groups it uses. */
struct gs_patient;
struct gs_regimen;
struct gs_sim_options;
#include "gabasim/drug.h"
gs_status cli_parse_patient(const struct cli_args *a, struct gs_patient *p, struct gs_error *err);
/* The regimen options as given (NULL / 0 when absent): --dose, --every, --titrate, --days,
 * --doses, each --miss and --extra, --start-steady. */
struct cli_regimen_opts {
    const char *dose, *every, *titrate, *days, *doses;
    const char *const *miss;
    int n_miss;
    const char *const *extra;
    int n_extra;
    int start_steady;
};
/* Builds and validates the regimen the options describe (messages name the option). */
gs_status cli_regimen_from_opts(const struct cli_regimen_opts *o, const gs_drug *drug,
                                struct gs_regimen *r, struct gs_error *err);
/* The same with the options read by name from `a`. */
gs_status cli_parse_regimen(const struct cli_args *a, const gs_drug *drug, struct gs_regimen *r,
                            struct gs_error *err);
gs_status cli_make_grid(double until, double step, double **t, size_t *n, struct gs_error *err);
gs_status cli_parse_solver(const char *v, struct gs_sim_options *o, struct gs_error *err);
/* --solver, --rtol, --atol (amounts, mg) with their limits. */
gs_status cli_parse_sim_options(const struct cli_args *a, struct gs_sim_options *o,
                                struct gs_error *err);
/* --until and --out-every with the regimen's defaults (end of dosing; for --doses N the last dose
 * plus max(interval, 24 h)); allocates the grid, which the caller frees with gs_free(). */
gs_status cli_output_grid(const struct cli_args *a, const struct gs_regimen *reg, int single,
                          double **grid, size_t *n_grid, struct gs_error *err);
#define CLI_MAX_OUTPUT_POINTS 1000000L

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

#endif
