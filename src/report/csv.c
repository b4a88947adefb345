/* csv.c - the profile as CSV. Numbers with 10 significant digits: well beyond the model's
 * accuracy, short enough to read. */
#include "gabasim/report.h"

gs_status gs_report_profile_csv(const struct gs_run *r, FILE *f)
{
    const struct gs_profile *p = r->profile;
    fprintf(f, "time_h,conc_mg_L,amt_depot_mg,amt_central_mg,unabsorbed_mg,eliminated_mg,"
               "auc_mg_h_L\n");
    for (size_t i = 0; i < p->n; i++) {
        const double *y = &p->y[i * GS_N_STATES];
        fprintf(f, "%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g\n", p->t_h[i], p->conc_mg_l[i],
                y[GS_Y_DEPOT], y[GS_Y_CENTRAL], y[GS_Y_UNABSORBED], y[GS_Y_ELIMINATED],
                y[GS_Y_AUC]);
    }
    return ferror(f) ? GS_IO : GS_OK;
}
