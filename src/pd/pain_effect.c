/* pain_effect.c - the drug's effect on pain over time (see gabasim/pain_effect.h). */
#include "gabasim/pain_effect.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../drug/drug_int.h"
#include "gabasim/alloc.h"
#include "gabasim/drug.h"
#include "gabasim/pd.h"
#include "gabasim/simulate.h"

#define GRID_H 0.1 /* plasma grid for the effect site: 6 min */

static double num_at(const cJSON *o, const char *a, const char *b)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, a);
    if (b)
        x = cJSON_GetObjectItemCaseSensitive(x, b);
    return cJSON_IsNumber(x) ? x->valuedouble : NAN;
}

gs_status gs_pain_parse(struct gs_pain_model *pm, const char *text, size_t len, const char *path,
                        struct gs_error *err)
{
    memset(pm, 0, sizeof *pm);
    gs_status st = gs_placebo_parse(&pm->placebo, text, len, path, err);
    if (st != GS_OK)
        return st;
    cJSON *root;
    if (gs__json_parse(text, len, &root) != GS_OK)
        return gs_error_set(err, GS_NOMEM, path, "out of memory");
    const cJSON *de = cJSON_GetObjectItemCaseSensitive(root, "drug_effect");
    pm->k_on_per_d = num_at(de, "k_on", "value");
    const cJSON *drugs = cJSON_GetObjectItemCaseSensitive(de, "drugs");
    const cJSON *effects = cJSON_GetObjectItemCaseSensitive(de, "effects");
    if (!(pm->k_on_per_d > 0.0) || !cJSON_IsObject(drugs) || !cJSON_IsArray(effects)) {
        cJSON_Delete(root);
        return gs_error_set(err, GS_INPUT, path,
                            "%s: 'drug_effect' needs k_on (above 0), drugs and effects", path);
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, drugs)
    {
        if (pm->n_drugs == 4)
            break;
        double ec50 = num_at(it, "ec50", "value");
        if (!(ec50 > 0.0) || strlen(it->string) >= sizeof pm->drug[0].name) {
            /* the message quotes the name, so it is written before the tree is freed */
            gs_error_set(err, GS_INPUT, path, "%s: drug '%.31s' needs ec50 above 0", path,
                         it->string);
            cJSON_Delete(root);
            return GS_INPUT;
        }
        snprintf(pm->drug[pm->n_drugs].name, sizeof pm->drug[0].name, "%s", it->string);
        pm->drug[pm->n_drugs].ec50_mg_l = ec50;
        pm->drug[pm->n_drugs].ke0_per_h = num_at(it, "ke0", "value");
        pm->n_drugs++;
    }
    cJSON_ArrayForEach(it, effects)
    {
        if (pm->n_effects == GS_PAIN_MAX_EFFECTS)
            break;
        struct gs_pain_effect *e = &pm->effect[pm->n_effects];
        const cJSON *dn = cJSON_GetObjectItemCaseSensitive(it, "drug");
        const cJSON *pt = cJSON_GetObjectItemCaseSensitive(it, "pain_type");
        const cJSON *tr = cJSON_GetObjectItemCaseSensitive(it, "trial");
        const cJSON *tg = cJSON_GetObjectItemCaseSensitive(it, "target");
        const cJSON *ti = cJSON_GetObjectItemCaseSensitive(tr, "titrate");
        const cJSON *ci = cJSON_GetObjectItemCaseSensitive(tg, "ci");
        const cJSON *emax = cJSON_GetObjectItemCaseSensitive(it, "emax");
        const cJSON *as = cJSON_GetObjectItemCaseSensitive(it, "emax_as");
        if (cJSON_IsObject(as) && cJSON_IsString(dn) && cJSON_IsString(pt)) {
            /* an effect borrowed from another drug or pain type (a stated assumption) */
            const cJSON *ad = cJSON_GetObjectItemCaseSensitive(as, "drug");
            const cJSON *ap = cJSON_GetObjectItemCaseSensitive(as, "pain_type");
            if (!cJSON_IsString(ad) || !cJSON_IsString(ap)) {
                cJSON_Delete(root);
                return gs_error_set(err, GS_INPUT, path,
                                    "%s: effect %zu: emax_as needs drug and pain_type", path,
                                    pm->n_effects + 1);
            }
            snprintf(e->drug, sizeof e->drug, "%.31s", dn->valuestring);
            snprintf(e->pain_type, sizeof e->pain_type, "%.31s", pt->valuestring);
            snprintf(e->as_drug, sizeof e->as_drug, "%.31s", ad->valuestring);
            snprintf(e->as_pain_type, sizeof e->as_pain_type, "%.31s", ap->valuestring);
            e->target_md = e->target_lo = e->target_hi = NAN;
            e->emax = e->emax_lo = e->emax_hi = NAN;
            pm->n_effects++;
            continue;
        }
        if (!cJSON_IsString(dn) || !cJSON_IsString(pt) || !cJSON_IsString(ti) ||
            cJSON_GetArraySize(ci) != 2) {
            cJSON_Delete(root);
            return gs_error_set(err, GS_INPUT, path, "%s: effect %zu is incomplete", path,
                                pm->n_effects + 1);
        }
        snprintf(e->drug, sizeof e->drug, "%s", dn->valuestring);
        snprintf(e->pain_type, sizeof e->pain_type, "%s", pt->valuestring);
        snprintf(e->titrate, sizeof e->titrate, "%s", ti->valuestring);
        e->target_md = num_at(tg, "md", NULL);
        e->target_lo = cJSON_GetArrayItem(ci, 0)->valuedouble;
        e->target_hi = cJSON_GetArrayItem(ci, 1)->valuedouble;
        e->trial_days = num_at(tr, "days", NULL);
        e->trial_crcl = num_at(tr, "crcl", NULL);
        e->emax = num_at(emax, "value", NULL);
        const cJSON *eci = cJSON_GetObjectItemCaseSensitive(emax, "ci");
        e->emax_lo = cJSON_GetArraySize(eci) == 2 ? cJSON_GetArrayItem(eci, 0)->valuedouble : NAN;
        e->emax_hi = cJSON_GetArraySize(eci) == 2 ? cJSON_GetArrayItem(eci, 1)->valuedouble : NAN;
        pm->n_effects++;
    }
    cJSON_Delete(root);
    for (size_t i = 0; i < pm->n_effects; i++) {
        struct gs_pain_effect *e = &pm->effect[i];
        if (e->as_drug[0] == '\0')
            continue;
        const struct gs_pain_effect *src = gs_pain_find(pm, e->as_drug, e->as_pain_type);
        if (src == NULL || src->as_drug[0] != '\0')
            return gs_error_set(err, GS_INPUT, path,
                                "%s: effect %s/%s borrows from %s/%s, which is not a calibrated "
                                "effect",
                                path, e->drug, e->pain_type, e->as_drug, e->as_pain_type);
        e->emax = src->emax;
        e->emax_lo = src->emax_lo;
        e->emax_hi = src->emax_hi;
    }
    return GS_OK;
}

gs_status gs_pain_load(struct gs_pain_model *pm, const char *path, struct gs_error *err)
{
    char origin[4096], *text = NULL;
    size_t len = 0;
    gs_status st = gs__read_data_file(path, "pain.json", 1 << 20, &text, &len, origin, err);
    if (st != GS_OK)
        return st;
    st = gs_pain_parse(pm, text, len, origin, err);
    gs_free(text);
    return st;
}

const struct gs_pain_effect *gs_pain_find(const struct gs_pain_model *pm, const char *drug,
                                          const char *pain_type)
{
    for (size_t i = 0; i < pm->n_effects; i++)
        if (strcmp(pm->effect[i].drug, drug) == 0 &&
            strcmp(pm->effect[i].pain_type, pain_type) == 0)
            return &pm->effect[i];
    return NULL;
}

gs_status gs_pain_course(const struct gs_pain_course_request *req, double *pain_drug,
                         double *pain_placebo, double *s_out, struct gs_error *err)
{
    const struct gs_pain_model *pm = req->pm;
    const char *drug = req->drug;
    const double emax = req->emax, ke0 = req->ke0_per_h, base = req->base;
    const struct gs_model *m = req->model;
    const struct gs_event_list *ev = req->events;
    const size_t n_days = req->n_days;
    double ec50 = NAN;
    for (size_t i = 0; i < pm->n_drugs; i++)
        if (strcmp(pm->drug[i].name, drug) == 0)
            ec50 = pm->drug[i].ec50_mg_l;
    if (isnan(ec50))
        return gs_error_set(err, GS_UNSUPPORTED, "pain", "no pain model for drug '%s'", drug);
    size_t n = (size_t)(24.0 * (double)n_days / GRID_H) + 1;
    double *t = gs_malloc(n * sizeof *t), *ce = gs_malloc(n * sizeof *ce);
    double *f = gs_malloc(n * sizeof *f), *s = gs_malloc(n * sizeof *s);
    struct gs_profile p = GS_PROFILE_INIT;
    gs_status st = GS_OK;
    if (!t || !ce || !f || !s) {
        st = gs_error_set(err, GS_NOMEM, "pain", "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        t[i] = GRID_H * (double)i;
    struct gs_sim_options o = GS_SIM_OPTIONS_DEFAULT;
    if ((st = gs_simulate(m, ev, t, n, &o, &p, err)))
        goto done;
    gs_pd_effect_site(t, p.conc_mg_l, n, ke0, 0.0, ce);
    for (size_t i = 0; i < n; i++)
        f[i] = ce[i] > 0.0 ? ce[i] / (ec50 + ce[i]) : 0.0;
    /* S follows f with rate k_on: the same first-order lag as the effect site (rate per hour) */
    gs_pd_effect_site(t, f, n, pm->k_on_per_d / 24.0, 0.0, s);
    for (size_t d = 0; d < n_days; d++) {
        size_t i = (size_t)(24.0 * (double)d / GRID_H);
        double pl = gs_placebo_pain(&pm->placebo, base, (double)d);
        pain_placebo[d] = pl;
        pain_drug[d] = pl * (1.0 - emax * s[i]);
        if (s_out)
            s_out[d] = s[i];
    }
done:
    gs_profile_release(&p);
    gs_free(t);
    gs_free(ce);
    gs_free(f);
    gs_free(s);
    return st;
}
