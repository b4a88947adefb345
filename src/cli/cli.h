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
void help_demo(FILE *f);

#endif
