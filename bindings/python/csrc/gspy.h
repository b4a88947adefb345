/* gspy.h - the C side of the Python binding: one call per command, taking the command line's
 * options as argv ("--dose", "600mg", ...) so the option tables, units, ranges and messages are
 * the command's own (src/cli/options.c, cli_common.c and the cmd_*.c tables are compiled in),
 * and returning the library's result with the JSON document `gabasim CMD --json` prints. */
#ifndef GSPY_H
#define GSPY_H

#include <stddef.h>

#include "gabasim/error.h"

#define GSPY_MAX_COLS 24

/* A command's result. The columns point into the library's result (`owner`), which
 * gspy_result_free releases: the Python side wraps them without copying. */
struct gspy_result {
    int kind;   /* GSPY_* below */
    char *json; /* the --json document, NUL-terminated (malloc) */
    size_t json_len;
    size_t n_rows; /* rows of every column */
    size_t n_cols;
    const char *col_name[GSPY_MAX_COLS]; /* as the command's CSV header names them */
    const double *col[GSPY_MAX_COLS];
    size_t col_stride[GSPY_MAX_COLS]; /* in doubles: 1 contiguous */
    char names[GSPY_MAX_COLS][32];
    void *owner;
    void (*release)(void *owner);
};

enum {
    GSPY_SIMULATE = 1,
    GSPY_POPULATION,
    GSPY_ADVISE,
    GSPY_TRIAL,
    GSPY_META,
    GSPY_POPULATION_DATASET /* json holds the dataset CSV (population --data) */
};

int gspy_simulate(int argc, char **argv, struct gspy_result **out, struct gs_error *err);
int gspy_population(int argc, char **argv, struct gspy_result **out, struct gs_error *err);
int gspy_advise(int argc, char **argv, struct gspy_result **out, struct gs_error *err);
int gspy_trial(int argc, char **argv, struct gspy_result **out, struct gs_error *err);
int gspy_meta(int argc, char **argv, struct gspy_result **out, struct gs_error *err);

void gspy_result_free(struct gspy_result *r);
/* how many results have been freed (the tests' lifetime check) */
long gspy_results_freed(void);
/* 2 when the command line would exit 2 (usage error), else 1 (cli_fail's rule) */
int gspy_exit_code(const struct gs_error *err);

/* shim_common.c: a new result; a memory stream whose text becomes the result's JSON */
#include <stdio.h>
struct gspy_result *gspy_result_new(int kind, void (*release)(void *owner));
FILE *gspy_json_open(struct gspy_result *r, struct gs_error *err);
int gspy_json_close(struct gspy_result *r, FILE *f, int st, struct gs_error *err);
void gspy_add_col(struct gspy_result *r, const char *name, const double *v, size_t stride);

#endif
