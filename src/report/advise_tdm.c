/* advise_tdm.c - the part of `gabasim advise` from measured levels (gs_advise_result.tdm): this
 * patient's clearance and half-life beside the population's, the levels against the fit, and
 * the individualised regimen inside the label band, as text and JSON. */
#include <math.h>
#include <stdio.h>

#include "advise_int.h"
#include "report_int.h"

void gs__advise_tdm_text(FILE *f, const struct gs_advise_result *r)
{
    const struct gs_advise_tdm *t = r->tdm;
    if (t == NULL)
        return;
    const struct gs_tdm_result *fit = &t->fit;
    fprintf(f, "\nFrom the measured level%s (Bayesian estimate of this patient, MAP)\n",
            fit->n_levels > 1 ? "s" : "");
    fprintf(f, "  clearance: %.3g L/h (90 %% interval %.3g-%.3g); population %.3g L/h\n", t->cl_l_h,
            t->cl_lo, t->cl_hi, t->cl_pop_l_h);
    fprintf(f, "  elimination half-life: %.3g h (90 %% interval %.3g-%.3g); population %.3g h\n",
            t->half_life_h, t->hl_lo, t->hl_hi, t->half_life_pop_h);
    fprintf(f, "  %10s %10s %10s %10s\n", "time h", "measured", "this pt", "population");
    for (size_t j = 0; j < fit->n_levels; j++)
        fprintf(f, "  %10.4g %10.4g %10.4g %10.4g\n", fit->fit[j].time_h, fit->fit[j].observed,
                fit->fit[j].ipred, fit->fit[j].pred);
    const struct gs_tdm_target_result *g = &t->target;
    fprintf(f,
            "  for this patient the average steady-state level the recommended dose gives a\n"
            "  typical patient with this kidney function (%.3g mg/L) needs:\n",
            t->target_cavg_mg_l);
    fprintf(f, "    %g mg every %g h (%g mg/day; %s), inside the label's %g-%g mg/day%s\n",
            g->dose_mg, g->ii_h, g->daily_mg, g->form, g->band_lo_mg, g->band_hi_mg,
            g->reached ? "" : " (NOT REACHED inside the band: the highest shown)");
    fprintf(f,
            "    predicted average: median %.3g mg/L, 90 %% interval %.3g-%.3g; P(>= %.3g) %.2f\n",
            g->median, g->lo, g->hi, t->target_cavg_mg_l, g->probability);
}

int gs__advise_tdm_json(cJSON *root, const struct gs_advise_result *r)
{
    const struct gs_advise_tdm *t = r->tdm;
    if (t == NULL)
        return 1;
    const struct gs_tdm_target_result *g = &t->target;
    cJSON *o = cJSON_AddObjectToObject(root, "from_levels");
    cJSON *lv = o ? cJSON_AddArrayToObject(o, "levels") : NULL;
    if (!lv || !gs__json_add_num(o, "cl_L_h", "%.6g", t->cl_l_h) ||
        !gs__json_add_num(o, "cl_lo_L_h", "%.6g", t->cl_lo) ||
        !gs__json_add_num(o, "cl_hi_L_h", "%.6g", t->cl_hi) ||
        !gs__json_add_num(o, "cl_population_L_h", "%.6g", t->cl_pop_l_h) ||
        !gs__json_add_num(o, "half_life_h", "%.6g", t->half_life_h) ||
        !gs__json_add_num(o, "half_life_lo_h", "%.6g", t->hl_lo) ||
        !gs__json_add_num(o, "half_life_hi_h", "%.6g", t->hl_hi) ||
        !gs__json_add_num(o, "half_life_population_h", "%.6g", t->half_life_pop_h) ||
        !gs__json_add_num(o, "target_cavg_mg_L", "%.6g", t->target_cavg_mg_l) ||
        !gs__json_add_num(o, "dose_mg", "%.6g", g->dose_mg) ||
        !gs__json_add_num(o, "ii_h", "%.6g", g->ii_h) ||
        !gs__json_add_num(o, "daily_mg", "%.6g", g->daily_mg) ||
        !gs__json_add_str(o, "form", g->form) ||
        !gs__json_add_num(o, "band_lo_mg_day", "%.6g", g->band_lo_mg) ||
        !gs__json_add_num(o, "band_hi_mg_day", "%.6g", g->band_hi_mg) ||
        !cJSON_AddBoolToObject(o, "reached", g->reached) ||
        !gs__json_add_num(o, "probability", "%.4g", g->probability) ||
        !gs__json_add_num(o, "cavg_median_mg_L", "%.6g", g->median))
        return 0;
    for (size_t j = 0; j < t->fit.n_levels; j++) {
        const struct gs_tdm_fit_point *p = &t->fit.fit[j];
        cJSON *e = cJSON_CreateObject();
        if (!e || !cJSON_AddItemToArray(lv, e) ||
            !gs__json_add_num(e, "time_h", "%.6g", p->time_h) ||
            !gs__json_add_num(e, "measured_mg_L", "%.6g", p->observed) ||
            !gs__json_add_num(e, "individual_mg_L", "%.6g", p->ipred) ||
            !gs__json_add_num(e, "population_mg_L", "%.6g", p->pred))
            return 0;
    }
    return 1;
}
