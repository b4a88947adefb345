/* meta_plot.c - `gabasim meta --plot`: the forest plot, each study with its 95 % interval and
 * random-effects weight, then the fixed-effect and random-effects estimates. */
#include <stdio.h>

#include "gabasim/alloc.h"
#include "gabasim/report_meta.h"
#include "gabasim/plot.h"

gs_status gs_report_meta_plot(const struct gs_meta_analysis *m, struct gs_outfile *out,
                              struct gs_error *err)
{
    const size_t k = m->k;
    struct gs_forest_row *rows = gs_malloc((k + 2) * sizeof *rows);
    if (rows == NULL)
        return gs_error_set(err, GS_NOMEM, "--plot", "out of memory");
    for (size_t j = 0; j < k; j++) {
        const struct gs_meta_study *s = &m->study[j];
        rows[j] =
            (struct gs_forest_row){s->name, s->yi, s->ci95_lo, s->ci95_hi, s->weight_random_pct};
    }
    const struct gs_meta_result *fe = &m->fixed, *re = &m->random;
    /* an interval that is not defined (gs_meta_result.undefined) is drawn as the point alone */
    rows[k] = (struct gs_forest_row){"Fixed effect", fe->est, fe->undefined ? fe->est : fe->ci_lo,
                                     fe->undefined ? fe->est : fe->ci_hi, 0};
    rows[k + 1] = (struct gs_forest_row){
        re->undefined ? "Random effects (CI not defined)" : "Random effects", re->est,
        re->undefined ? re->est : re->ci_lo, re->undefined ? re->est : re->ci_hi, 0};
    char xlabel[96];
    snprintf(xlabel, sizeof xlabel, "%s%s", m->measure, m->ratio ? " (log scale)" : "");
    gs_status st = gs_plot_forest(rows, k + 2, 2, m->ratio, xlabel, out, err);
    gs_free(rows);
    return st;
}
