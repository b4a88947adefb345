/* meta_models_opts.c - `gabasim meta`'s model options into a struct gs_meta_models_request. */
#include <string.h>

#include "meta_models_opts.h"

const struct gs_meta_models_request *meta_models_request(const struct meta_models_opts *m,
                                                         struct gs_meta_models_request *r)
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

void meta_models_help(FILE *f)
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
