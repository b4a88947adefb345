/* population_json.c - `gabasim population --json` through cJSON (numbers at %.10g). Schema:
 * docs/schemas/population.schema.json. */
#include <stdio.h>

#include "gabasim/gabasim.h"
#include "gabasim/report_population.h"
#include "report_int.h"

#define NUM "%.10g"

static cJSON *spread(cJSON *o, const char *key, const struct gs_pop_spread *s)
{
    cJSON *x = cJSON_AddObjectToObject(o, key);
    if (!x || !gs__json_add_num(x, "p5", NUM, s->p5) || !gs__json_add_num(x, "p50", NUM, s->p50) ||
        !gs__json_add_num(x, "p95", NUM, s->p95))
        return NULL;
    return x;
}

/* One output time: its mean and every percentile, "p5_mg_L" etc. */
static cJSON *time_row(const struct gs_population_result *r, size_t j)
{
    const struct gs_pop_result *p = &r->pop;
    cJSON *o = cJSON_CreateObject();
    char key[48];
    int ok = o && gs__json_add_num(o, "time_h", NUM, p->t_h[j]) &&
             gs__json_add_num(o, "mean_mg_L", NUM, p->mean_mg_l[j]);
    for (size_t q = 0; ok && q < GS_POP_N_PCT + p->n_extra_pct; q++) {
        int std = q < GS_POP_N_PCT;
        snprintf(key, sizeof key, "p%g_mg_L",
                 std ? gs_pop_percentiles[q] : r->extra_pct[q - GS_POP_N_PCT]);
        ok = gs__json_add_num(o, key, NUM,
                              std ? p->pct_mg_l[q][j] : p->extra_pct_mg_l[q - GS_POP_N_PCT][j]) !=
             NULL;
    }
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

gs_status gs_report_population_json(const struct gs_population_result *r, FILE *f,
                                    struct gs_error *err)
{
    const struct gs_pop_result *p = &r->pop;
    cJSON *root = cJSON_CreateObject();
    int ok = root && gs__json_add_str(root, "gabasim_version", gs_version()) &&
             gs__json_add_str(root, "notice", GS_CLINICAL_NOTICE) &&
             gs__json_add_str(root, "drug", r->drug) &&
             gs__json_add_num(root, "n", "%.0f", (double)r->n) &&
             gs__json_add_num(root, "seed", "%.0f", (double)r->seed);
    cJSON *w = ok ? cJSON_AddArrayToObject(root, "window_h") : NULL;
    ok = w && gs__json_push_num(w, NUM, r->window_from_h) &&
         gs__json_push_num(w, NUM, r->window_to_h);
    cJSON *subj = ok ? cJSON_AddObjectToObject(root, "subjects") : NULL;
    ok = subj && spread(subj, "cmax_mg_L", &r->cmax_mg_l) &&
         spread(subj, "cmin_mg_L", &r->cmin_mg_l) && spread(subj, "cavg_mg_L", &r->cavg_mg_l);
    cJSON *ta = ok ? cJSON_AddArrayToObject(root, "target_attainment") : NULL;
    ok = ta != NULL;
    for (size_t t = 0; ok && t < r->n_thresholds; t++) {
        cJSON *o = cJSON_CreateObject();
        ok = o && cJSON_AddItemToArray(ta, o) &&
             gs__json_add_num(o, "threshold_mg_L", NUM, r->thresholds_mg_l[t]) &&
             gs__json_add_num(o, "p_cmin_at_or_above", NUM, p->pta_cmin[t]) &&
             gs__json_add_num(o, "p_cavg_at_or_above", NUM, p->pta_cavg[t]);
    }
    cJSON *lc = ok ? gs__json_label_check(&r->check) : NULL;
    ok = lc && cJSON_AddItemToObject(root, "label_check", lc) &&
         gs__json_add_num(lc, "n_above_band", "%.0f", (double)r->n_above_band) &&
         gs__json_add_num(lc, "share_trough_below_range", NUM, r->trough_below_range) &&
         gs__json_add_num(lc, "share_trough_above_range", NUM, r->trough_above_range);
    ok = ok && cJSON_AddBoolToObject(root, "percentiles_exact", p->exact_percentiles != 0);
    cJSON *rows = ok ? cJSON_AddArrayToObject(root, "percentiles") : NULL;
    ok = rows != NULL;
    for (size_t j = 0; ok && j < p->n_out; j++) {
        cJSON *o = time_row(r, j);
        ok = o && cJSON_AddItemToArray(rows, o);
    }
    if (!ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return gs__json_emit(root, f, err);
}
