/* meta_models_opts.h - the options of `gabasim meta` for the models after pooling (subgroups,
 * meta-regression, Egger, leave-one-out, influence, cumulative; gabasim/meta_models.h), kept
 * beside cmd_meta.c so that file stays options, one call and one output. */
#ifndef GABASIM_CLI_META_MODELS_OPTS_H
#define GABASIM_CLI_META_MODELS_OPTS_H

#include <stdio.h>

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
                 "the random-effects model with each study "                                       \
                 "left out"),                                                                      \
        OPT_FLAG("influence", &(m)->influence,                                                     \
                 "influence diagnostics (rstudent, DFFITS, Cook's distance, hat, ...)"),           \
        OPT_FLAG("cumulative", &(m)->cumulative, "cumulative meta-analysis, study by study"),      \
        OPT_STRING("order", "COLUMN", &(m)->order,                                                 \
                   "--cumulative: ascending order of this numeric column")

/* The paragraph of `gabasim meta --help` on the extra columns and the models. */
void meta_models_help(FILE *f);

/* The library request for the options given (r is filled and returned). */
const struct gs_meta_models_request *meta_models_request(const struct meta_models_opts *m,
                                                         struct gs_meta_models_request *r);

#endif
