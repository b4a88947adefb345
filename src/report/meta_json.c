/* meta_json.c - `gabasim meta --json` (docs/schemas/meta.schema.json): the studies with their
 * effect, variance and weight, the fixed-effect and random-effects models and, for event tables,
 * Mantel-Haenszel (and Peto for odds ratios). Estimates and intervals of ratios are ratios; se
 * stays on the log scale.
 * Numbers keep the 10 significant digits of the text they replaced; study names are escaped by
 * cJSON. */
#include <math.h>
#include <stdio.h>

#include "gabasim/alloc.h"
#include "gabasim/report_meta.h"
#include "meta_int.h"
#include "meta_models_int.h"
#include "report_int.h"

#define ADD(x) (ok &= ((x) != NULL))
#define G10    "%.10g"

/* An interval, or null when r's statistics are not defined (then "undefined_reason" says why). */
static int interval(cJSON *o, const char *key, const struct gs_meta_result *r, const double v[2])
{
    if (r->undefined)
        return cJSON_AddNullToObject(o, key) != NULL;
    return gs__json_add_nums(o, key, G10, v, 2) != NULL;
}

static int p_value(cJSON *o, const struct gs_meta_result *r)
{
    if (r->undefined)
        return cJSON_AddNullToObject(o, "p") != NULL &&
               gs__json_add_str(o, "undefined_reason", r->undefined) != NULL;
    return gs__json_add_num(o, "p", G10, r->p) != NULL;
}

/* What every pooled estimate has: method, estimate, CI, se, p (the whole of a count-based one:
 * Mantel-Haenszel, Peto). NULL when out of memory; *ok is cleared when a field could not be added.
 */
static cJSON *pooled(cJSON *root, const char *key, const char *method,
                     const struct gs_meta_analysis *m, const struct gs_meta_result *r, int *ok)
{
    cJSON *o = cJSON_AddObjectToObject(root, key);
    if (o == NULL)
        return NULL;
    *ok &= gs__json_add_str(o, "method", method) != NULL;
    *ok &= gs__json_add_num(o, "estimate", G10, gs__meta_shown(m, r->est)) != NULL;
    const double ci[2] = {gs__meta_shown(m, r->ci_lo), gs__meta_shown(m, r->ci_hi)};
    *ok &= interval(o, "ci", r, ci);
    *ok &= gs__json_add_num(o, "se", G10, r->se) != NULL;
    *ok &= p_value(o, r);
    return o;
}

static int count_based(cJSON *root, const char *key, const char *method,
                       const struct gs_meta_analysis *m, const struct gs_meta_result *r)
{
    int ok = 1;
    return pooled(root, key, method, m, r, &ok) != NULL && ok;
}

/* A fixed- or random-effects model: the pooled estimate, heterogeneity, prediction interval. */
static int model(cJSON *root, const char *key, const char *method, const struct gs_meta_analysis *m,
                 const struct gs_meta_result *r)
{
    int ok = 1;
    cJSON *o = pooled(root, key, method, m, r, &ok);
    if (o == NULL)
        return 0;
    ADD(gs__json_add_num(o, "tau2", G10, r->tau2));
    ADD(gs__json_add_num(o, "i2_pct", G10, r->i2));
    ADD(gs__json_add_num(o, "h2", G10, r->h2));
    ADD(gs__json_add_num(o, "q", G10, r->q));
    ADD(cJSON_AddNumberToObject(o, "q_df", (double)(m->k - 1)));
    ADD(gs__json_add_num(o, "q_p", G10, m->k > 1 ? r->q_p : 1.0));
    const double pi[2] = {gs__meta_shown(m, r->pi_lo), gs__meta_shown(m, r->pi_hi)};
    ok &= interval(o, "prediction_interval", r, pi);
    ADD(cJSON_AddNumberToObject(o, "t_df", r->df));
    return ok;
}

/* The Mantel-Haenszel estimate with the variance it is given with (gabasim/meta.h). */
static const char *mh_method(enum gs_meta_measure measure)
{
    return measure == GS_META_OR   ? "Mantel-Haenszel, Robins-Breslow-Greenland variance"
           : measure == GS_META_RD ? "Mantel-Haenszel, Sato-Greenland-Robins variance"
                                   : "Mantel-Haenszel, Greenland-Robins variance";
}

static cJSON *build(const struct gs_meta_analysis *m)
{
    int ok = 1;
    cJSON *root = cJSON_CreateObject();
    if (root == NULL)
        return NULL;
    ADD(gs__json_add_str(root, "measure", m->measure));
    ADD(gs__json_add_str(root, "measure_code", gs_meta_measure_code(m->measure_id)));
    ADD(gs__json_add_num(root, "level", "%g", m->level));
    cJSON *st = cJSON_AddArrayToObject(root, "studies");
    ADD(st);
    for (size_t j = 0; st && j < m->k; j++) {
        cJSON *o = cJSON_CreateObject();
        if (o == NULL || !cJSON_AddItemToArray(st, o)) {
            cJSON_Delete(o);
            ok = 0;
            break;
        }
        ADD(gs__json_add_str(o, "study", m->study[j].name));
        ADD(gs__json_add_num(o, "yi", G10, m->study[j].yi));
        ADD(gs__json_add_num(o, "vi", G10, m->study[j].vi));
        ADD(gs__json_add_num(o, "weight_random_pct", "%.6g", m->study[j].weight_random_pct));
    }
    char *dropped = gs__meta_dropped_list(m);
    ADD(dropped);
    if (dropped)
        ADD(gs__json_add_str(root, "dropped_no_events", dropped));
    gs_free(dropped);
    ok &= model(root, "fixed", "inverse variance", m, &m->fixed);
    ok &= model(root, "random", gs__meta_method_name(m->method), m, &m->random);
    if (m->have_mh)
        ok &= count_based(root, "mantel_haenszel", mh_method(m->measure_id), m, &m->mh);
    if (m->have_peto)
        ok &= count_based(root, "peto", "Peto (Yusuf et al. 1985)", m, &m->peto);
    ok &= gs__meta_models_json(root, m); /* subgroups, meta-regression, ... (meta_models_json.c) */
    if (!ok) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

gs_status gs_report_meta_json(const struct gs_meta_analysis *m, FILE *f, struct gs_error *err)
{
    return gs__json_emit(build(m), f, err);
}
