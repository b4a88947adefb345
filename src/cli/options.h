/* options.h - command-line options declared once, with type, unit, range and destination (the
 * shape of git's OPT_* arrays and curl's aliases table).
 *
 * A subcommand declares its options as a local array whose entries point at the variables they
 * fill, ends it with OPT_END(), and calls opt_parse(). The parser converts each value by the
 * option's type, checks it against the declared range and writes the destination, so the same
 * option has the same limits and the same error wording in every command; `gabasim help CMD`
 * is generated from the same array. Options shared by several commands (seed, threads, days,
 * the patient, the regimen, json) are declared once by the OPT_* macros below.
 */
#ifndef GABASIM_CLI_OPTIONS_H
#define GABASIM_CLI_OPTIONS_H

#include <stdio.h>

#include "gabasim/error.h"
#include "gabasim/units.h"

enum opt_type {
    OPT_T_END,        /* the array's terminator */
    OPT_T_FLAG,       /* int *: 1 when given */
    OPT_T_STRING,     /* const char **: the text as given (names, file paths, schedules) */
    OPT_T_LIST,       /* struct opt_list *: every value of a repeatable option, in order */
    OPT_T_QUANTITIES, /* struct opt_quantities *: a repeatable quantity, each as OPT_T_QUANTITY */
    OPT_T_QUANTITY,   /* double *: a quantity of dimension `dim` in internal units, in [lo, hi] */
    OPT_T_COUNT,      /* long *: a whole number in [lo, hi] */
    OPT_T_NUMBER,     /* double *: a plain number in [lo, hi] */
    OPT_T_CHOICE,     /* int *: the index of the value in `choices` (NULL-terminated) */
};

#define OPT_LIST_MAX 64

/* The values of a repeatable option; more than OPT_LIST_MAX is a usage error. */
struct opt_list {
    const char *v[OPT_LIST_MAX];
    int n;
};

/* The values of a repeatable quantity, in internal units, in order. */
struct opt_quantities {
    double v[OPT_LIST_MAX];
    int n;
};

struct option {
    const char *name;    /* long name without dashes: "dose" */
    const char *metavar; /* "DOSE" (NULL for flags) */
    enum opt_type type;
    void *dest;       /* see enum opt_type; written only when the option is given */
    const char *help; /* one line; the range and units are appended by the help printer */
    enum gs_dim dim;  /* OPT_T_QUANTITY */
    double lo, hi;    /* range (internal units) for quantities, counts, numbers; +-INFINITY: open */
    int lo_open;      /* 1: the value must be above lo, not equal to it */
    int hi_open;      /* 1: the value must be below hi, not equal to it */
    const char *const *choices; /* OPT_T_CHOICE */
    int seen;                   /* set by opt_parse: how many times it was given */
};

/* The destination, type-checked: a pointer of another type is a compile error (-Werror). */
#define OPT_DEST_(type, d) (1 ? (d) : (type *)0)

#define OPT_FLAG(n, d, h)                                                                          \
    {                                                                                              \
        .name = (n), .type = OPT_T_FLAG, .dest = OPT_DEST_(int, d), .help = (h)                    \
    }
#define OPT_STRING(n, mv, d, h)                                                                    \
    {                                                                                              \
        .name = (n), .metavar = (mv), .type = OPT_T_STRING, .dest = OPT_DEST_(const char *, d),    \
        .help = (h)                                                                                \
    }
#define OPT_LIST(n, mv, d, h)                                                                      \
    {                                                                                              \
        .name = (n), .metavar = (mv), .type = OPT_T_LIST, .dest = OPT_DEST_(struct opt_list, d),   \
        .help = (h)                                                                                \
    }
#define OPT_QUANTITY(n, mv, dm, l, u, d, h)                                                        \
    {                                                                                              \
        .name = (n), .metavar = (mv), .type = OPT_T_QUANTITY, .dest = OPT_DEST_(double, d),        \
        .help = (h), .dim = (dm), .lo = (l), .hi = (u)                                             \
    }
#define OPT_QUANTITIES(n, mv, dm, l, u, d, h)                                                      \
    {                                                                                              \
        .name = (n), .metavar = (mv), .type = OPT_T_QUANTITIES,                                    \
        .dest = OPT_DEST_(struct opt_quantities, d), .help = (h), .dim = (dm), .lo = (l),          \
        .hi = (u), .lo_open = 1                                                                    \
    }
#define OPT_QUANTITY_ABOVE(n, mv, dm, l, u, d, h)                                                  \
    {                                                                                              \
        .name = (n), .metavar = (mv), .type = OPT_T_QUANTITY, .dest = OPT_DEST_(double, d),        \
        .help = (h), .dim = (dm), .lo = (l), .hi = (u), .lo_open = 1                               \
    }
#define OPT_NUMBER_ABOVE(n, mv, l, u, d, h)                                                        \
    {                                                                                              \
        .name = (n), .metavar = (mv), .type = OPT_T_NUMBER, .dest = OPT_DEST_(double, d),          \
        .help = (h), .lo = (l), .hi = (u), .lo_open = 1                                            \
    }
#define OPT_NUMBER_BETWEEN(n, mv, l, u, d, h)                                                      \
    {                                                                                              \
        .name = (n), .metavar = (mv), .type = OPT_T_NUMBER, .dest = OPT_DEST_(double, d),          \
        .help = (h), .lo = (l), .hi = (u), .lo_open = 1, .hi_open = 1                              \
    }
#define OPT_COUNT(n, mv, l, u, d, h)                                                               \
    {                                                                                              \
        .name = (n), .metavar = (mv), .type = OPT_T_COUNT, .dest = OPT_DEST_(long, d),             \
        .help = (h), .lo = (l), .hi = (u)                                                          \
    }
#define OPT_NUMBER(n, mv, l, u, d, h)                                                              \
    {                                                                                              \
        .name = (n), .metavar = (mv), .type = OPT_T_NUMBER, .dest = OPT_DEST_(double, d),          \
        .help = (h), .lo = (l), .hi = (u)                                                          \
    }
#define OPT_CHOICE(n, mv, c, d, h)                                                                 \
    {                                                                                              \
        .name = (n), .metavar = (mv), .type = OPT_T_CHOICE, .dest = OPT_DEST_(int, d),             \
        .help = (h), .choices = (c)                                                                \
    }
#define OPT_END()                                                                                  \
    {                                                                                              \
        .type = OPT_T_END                                                                          \
    }

/* ---- options shared by several commands: one declaration, one set of limits ---- */
#define GS_SEED_MAX 9007199254740992.0 /* 2^53: a seed a JSON file can hold exactly */
#define OPT_SEED(d) OPT_COUNT("seed", "S", 0, GS_SEED_MAX, (d), "random seed, a whole number")
#define OPT_THREADS(d)                                                                             \
    OPT_COUNT("threads", "T", 0, 256, (d),                                                         \
              "threads (0: OMP_NUM_THREADS or the CPUs this process may use; results do "          \
              "not depend on it)")
#define OPT_JSON(d) OPT_FLAG("json", (d), "print JSON instead of text")

/* Parses argv (after the subcommand name) against `opts`: "--name VALUE", "--name=VALUE",
 * flags, up to `max_positional` positional arguments (stored in `positional`, count in
 * *n_positional; both may be NULL when max_positional is 0). "-" alone is a positional argument
 * (standard input or output). Unknown options, missing values, repeats of non-repeatable
 * options, values of the wrong type or out of range: GS_INPUT with one message naming the
 * option, the value and what is allowed. */
gs_status opt_parse(struct option *opts, int argc, char **argv, int max_positional,
                    const char **positional, int *n_positional, struct gs_error *err);

/* The first of the space-separated option `names` that was given ("n seed days"), or NULL. */
const char *opt_first_given(const struct option *opts, const char *names);

/* How many times option `name` was given (0 when not); the name must be in the table. */
int opt_given(const struct option *opts, const char *name);

/* The option table as help text: "  --name METAVAR   help (range, units)". */
void opt_print_help(FILE *f, const struct option *opts);

#endif
