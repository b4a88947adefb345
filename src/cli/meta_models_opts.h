/* meta_models_opts.h - the options of `gabasim meta` for the models after pooling (subgroups,
 * meta-regression, Egger, leave-one-out, influence, cumulative; gabasim/meta_models.h), kept
 * beside cmd_meta.c so that file stays options, one call and one output. */
#ifndef GABASIM_CLI_META_MODELS_OPTS_H
#define GABASIM_CLI_META_MODELS_OPTS_H

#include <stdio.h>
#include <string.h>

#include "gabasim/meta_models.h"
#include "options.h"

struct meta_models_opts {
    const char *by, *mods, *order;
    int egger, leave1out, influence, cumulative;
};

#define META_MODELS_OPTIONS(m)                                                                     \
    OPT_STRING("by", "COLUMN", &(m)->by,                                                           \
               "subgroups by this text column ('subgroup' when present; 'none': off)"),            \
        OPT_STRING("mods", "A,B", &(m)->mods,                                                      \
                   "meta-regression (mixed effects) on these numeric columns"),                    \
        OPT_FLAG("egger", &(m)->egger, "Egger's regression test; funnel-plot numbers in --json"),  \
        OPT_FLAG("leave-one-out", &(m)->leave1out,                                                 \
                 "the random-effects model with each study left out"),                             \
        OPT_FLAG("influence", &(m)->influence,                                                     \
                 "influence diagnostics (rstudent, DFFITS, Cook's distance, hat, ...)"),           \
        OPT_FLAG("cumulative", &(m)->cumulative, "cumulative meta-analysis, study by study"),      \
        OPT_STRING("order", "COLUMN", &(m)->order,                                                 \
                   "--cumulative: ascending order of this numeric column")

/* Defined here rather than in a .c file because the Python binding compiles cmd_meta.c into
 * its extension (bindings/python/csrc/shim_meta.c) with options.c and cli_common.c only. */

/* The paragraph of `gabasim meta --help` on the extra columns and the models. */
static inline void meta_models_help(FILE *f)
{
    fprintf(f,
            "\nColumns beyond the layout's are kept. A 'subgroup' column (or --by COLUMN) gives\n"
            "each subgroup's fixed and random-effects estimate and the test for subgroup\n"
            "differences: the mixed-effects model with the subgroup as a factor (metafor's QM,\n"
            "one tau^2) and the separate-tau^2 Q between (RevMan, R meta). --mods A,B fits\n"
            "rma(yi, vi, mods = ~ A + B): coefficients, QM (F with --hk), QE, residual tau^2,\n"
            "R^2. --egger is regtest(): z and p, the limit estimate. --leave-one-out,\n"
            "--influence and --cumulative are metafor's leave1out(), influence() and cumul()\n"
            "of the random-effects model (--order COLUMN: ascending, ties in table order).\n");
}

/* The library request for the options given (r is filled and returned). */
static inline const struct gs_meta_models_request *
meta_models_request(const struct meta_models_opts *m, struct gs_meta_models_request *r)
{
    *r = (struct gs_meta_models_request)GS_META_MODELS_REQUEST_INIT;
    r->by = m->by && strcmp(m->by, "none") == 0 ? "" : m->by;
    r->mods = m->mods;
    r->egger = m->egger;
    r->leave1out = m->leave1out;
    r->influence = m->influence;
    r->cumulative = m->cumulative;
    r->order = m->order;
    return r;
}

#endif
