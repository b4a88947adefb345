/* meta_models_json.c - the "models" object of `gabasim meta --json` (docs/schemas/meta.schema.json,
 * $defs models): subgroups, meta_regression, egger with the funnel-plot numbers, leave_one_out,
 * cumulative and influence, present when asked. Estimates and intervals of ratios are ratios;
 * coefficients, standard errors, tau^2 and dfbetas stay on the analysis scale. A statistic that
 * is not defined is null. */
#include <math.h>

#include "gabasim/alloc.h"

#include "gabasim/meta_models.h"
#include "meta_int.h"
#include "meta_models_int.h"

#define ADD(x) (ok &= ((x) != NULL))
#define G10    "%.10g"

static int pooled(cJSON *o, const struct gs_meta_analysis *m, const struct gs_meta_result *r)
{
    int ok = 1;
    const int def = !r->undefined && r->se > 0;
    ADD(gs__json_add_num(o, "estimate", G10, gs__meta_shown(m, r->est)));
    ADD(gs__json_add_num(o, "se", G10, r->se));
    const double ci[2] = {def ? gs__meta_shown(m, r->ci_lo) : NAN,
                          def ? gs__meta_shown(m, r->ci_hi) : NAN};
    ADD(gs__json_add_nums(o, "ci", G10, ci, 2));
    ADD(gs__json_add_num(o, "stat", G10, def ? r->stat : NAN));
    ADD(gs__json_add_num(o, "p", G10, def ? r->p : NAN));
    ADD(gs__json_add_num(o, "q", G10, r->q));
    ADD(gs__json_add_num(o, "q_p", G10, r->q_p));
    ADD(gs__json_add_num(o, "tau2", G10, r->tau2));
    ADD(gs__json_add_num(o, "i2_pct", G10, r->i2));
    ADD(gs__json_add_num(o, "h2", G10, r->h2));
    return ok;
}

static int subgroups(cJSON *root, const struct gs_meta_analysis *m, const struct gs_meta_models *x)
{
    int ok = 1;
    const struct gs_meta_subgroups *s = &x->subgroups;
    cJSON *o = cJSON_AddObjectToObject(root, "subgroups");
    if (o == NULL)
        return 0;
    ADD(gs__json_add_str(o, "column", x->by));
    cJSON *a = cJSON_AddArrayToObject(o, "groups");
    ADD(a);
    for (size_t j = 0; a && j < s->g; j++) {
        cJSON *g = cJSON_CreateObject();
        if (g == NULL || !cJSON_AddItemToArray(a, g)) {
            cJSON_Delete(g);
            return 0;
        }
        ADD(gs__json_add_str(g, "subgroup", x->group_name[j]));
        ADD(cJSON_AddNumberToObject(g, "k", (double)s->sub[j].k));
        cJSON *fe = cJSON_AddObjectToObject(g, "fixed"), *re = cJSON_AddObjectToObject(g, "random");
        ok &= fe && re && pooled(fe, m, &s->sub[j].fixed) && pooled(re, m, &s->sub[j].random);
    }
    cJSON *t = cJSON_AddObjectToObject(o, "test");
    if (t == NULL)
        return 0;
    ADD(cJSON_AddNumberToObject(t, "df", (double)s->df));
    ADD(gs__json_add_num(t, "qm", G10, s->qm));
    ADD(gs__json_add_num(t, "qm_p", G10, s->qm_p));
    ADD(cJSON_AddNumberToObject(t, "qm_df2", (double)s->qm_df2));
    ADD(gs__json_add_num(t, "tau2_residual", G10, s->tau2_res));
    ADD(gs__json_add_num(t, "q_between_separate_tau2", G10, s->qb_random));
    ADD(gs__json_add_num(t, "q_between_separate_tau2_p", G10, s->qb_random_p));
    ADD(gs__json_add_num(t, "q_between_fixed", G10, s->qb_fixed));
    ADD(gs__json_add_num(t, "q_between_fixed_p", G10, s->qb_fixed_p));
    return ok;
}

static int regression(cJSON *root, const struct gs_meta_models *x)
{
    int ok = 1;
    const struct gs_meta_reg *r = &x->reg;
    cJSON *o = cJSON_AddObjectToObject(root, "meta_regression");
    if (o == NULL)
        return 0;
    cJSON *a = cJSON_AddArrayToObject(o, "coefficients");
    ADD(a);
    for (size_t j = 0; a && j < r->p; j++) {
        cJSON *c = cJSON_CreateObject();
        if (c == NULL || !cJSON_AddItemToArray(a, c)) {
            cJSON_Delete(c);
            return 0;
        }
        ADD(gs__json_add_str(c, "name", x->mod_name[j]));
        ADD(gs__json_add_num(c, "estimate", G10, r->b[j]));
        ADD(gs__json_add_num(c, "se", G10, r->se[j]));
        ADD(gs__json_add_num(c, "stat", G10, r->stat[j]));
        ADD(gs__json_add_num(c, "p", G10, r->pval[j]));
        const double ci[2] = {r->ci_lo[j], r->ci_hi[j]};
        ADD(gs__json_add_nums(c, "ci", G10, ci, 2));
    }
    ADD(cJSON_AddNumberToObject(o, "k", (double)r->k));
    ADD(cJSON_AddNumberToObject(o, "t_df", (double)r->df));
    ADD(gs__json_add_num(o, "qm", G10, r->qm));
    ADD(cJSON_AddNumberToObject(o, "qm_df", (double)r->qm_df));
    ADD(cJSON_AddNumberToObject(o, "qm_df2", (double)r->qm_df2));
    ADD(gs__json_add_num(o, "qm_p", G10, r->qm_p));
    ADD(gs__json_add_num(o, "qe", G10, r->qe));
    ADD(cJSON_AddNumberToObject(o, "qe_df", (double)(r->k - r->p)));
    ADD(gs__json_add_num(o, "qe_p", G10, r->qe_p));
    ADD(gs__json_add_num(o, "tau2", G10, r->tau2));
    ADD(gs__json_add_num(o, "i2_pct", G10, r->i2));
    ADD(gs__json_add_num(o, "h2", G10, r->h2));
    ADD(gs__json_add_num(o, "r2_pct", G10, r->r2));
    return ok;
}

static int egger(cJSON *root, const struct gs_meta_analysis *m, const struct gs_meta_models *x)
{
    int ok = 1;
    const struct gs_meta_egger *e = &x->egger;
    cJSON *o = cJSON_AddObjectToObject(root, "egger");
    if (o == NULL)
        return 0;
    ADD(gs__json_add_num(o, "stat", G10, e->stat));
    ADD(gs__json_add_num(o, "p", G10, e->p));
    ADD(cJSON_AddNumberToObject(o, "t_df", (double)e->df));
    ADD(gs__json_add_num(o, "slope", G10, e->slope));
    ADD(gs__json_add_num(o, "slope_se", G10, e->slope_se));
    ADD(gs__json_add_num(o, "limit_estimate", G10, gs__meta_shown(m, e->limit)));
    const double ci[2] = {gs__meta_shown(m, e->limit_lo), gs__meta_shown(m, e->limit_hi)};
    ADD(gs__json_add_nums(o, "limit_ci", G10, ci, 2));
    /* the funnel plot: each study's effect (analysis scale) against its standard error */
    cJSON *fu = cJSON_AddObjectToObject(root, "funnel");
    if (fu == NULL)
        return 0;
    double *yi = gs_malloc(m->k * sizeof *yi);
    if (yi == NULL)
        return 0;
    for (size_t j = 0; j < m->k; j++)
        yi[j] = m->study[j].yi;
    ADD(gs__json_add_nums(fu, "yi", G10, yi, m->k));
    gs_free(yi);
    ADD(gs__json_add_nums(fu, "sei", G10, x->sei, m->k));
    ADD(gs__json_add_num(fu, "estimate_random", G10, m->random.est));
    ADD(gs__json_add_num(fu, "estimate_fixed", G10, m->fixed.est));
    return ok;
}

static int table(cJSON *root, const char *key, const struct gs_meta_analysis *m,
                 const struct gs_meta_result *r, const size_t *order)
{
    cJSON *a = cJSON_AddArrayToObject(root, key);
    if (a == NULL)
        return 0;
    int ok = 1;
    for (size_t i = 0; i < m->k && ok; i++) {
        cJSON *o = cJSON_CreateObject();
        if (o == NULL || !cJSON_AddItemToArray(a, o)) {
            cJSON_Delete(o);
            return 0;
        }
        ADD(gs__json_add_str(o, "study", m->study[order ? order[i] : i].name));
        ok &= pooled(o, m, &r[i]);
    }
    return ok;
}

static int influence(cJSON *root, const struct gs_meta_analysis *m, const struct gs_meta_models *x)
{
    const struct gs_meta_influence *s = &x->influence;
    cJSON *a = cJSON_AddArrayToObject(root, "influence");
    if (a == NULL)
        return 0;
    int ok = 1;
    for (size_t i = 0; i < s->k && ok; i++) {
        cJSON *o = cJSON_CreateObject();
        if (o == NULL || !cJSON_AddItemToArray(a, o)) {
            cJSON_Delete(o);
            return 0;
        }
        ADD(gs__json_add_str(o, "study", m->study[i].name));
        ADD(gs__json_add_num(o, "rstudent", G10, s->rstudent[i]));
        ADD(gs__json_add_num(o, "dffits", G10, s->dffits[i]));
        ADD(gs__json_add_num(o, "cook_d", G10, s->cook_d[i]));
        ADD(gs__json_add_num(o, "cov_r", G10, s->cov_r[i]));
        ADD(gs__json_add_num(o, "tau2_del", G10, s->tau2_del[i]));
        ADD(gs__json_add_num(o, "qe_del", G10, s->qe_del[i]));
        ADD(gs__json_add_num(o, "hat", G10, s->hat[i]));
        ADD(gs__json_add_num(o, "weight_pct", G10, s->weight[i]));
        ADD(gs__json_add_num(o, "dfbetas", G10, s->dfbetas[i * s->p]));
        ADD(cJSON_AddBoolToObject(o, "influential", s->influential[i]));
    }
    return ok;
}

int gs__meta_models_json(cJSON *root, const struct gs_meta_analysis *m)
{
    const struct gs_meta_models *x = m->models;
    if (x == NULL)
        return 1;
    cJSON *o = cJSON_AddObjectToObject(root, "models");
    if (o == NULL)
        return 0;
    int ok = 1;
    if (x->n_groups)
        ok &= subgroups(o, m, x);
    if (x->n_mods)
        ok &= regression(o, x);
    if (x->have_egger)
        ok &= egger(o, m, x);
    if (x->leave1out)
        ok &= table(o, "leave_one_out", m, x->leave1out, NULL);
    if (x->cumulative) {
        ok &= table(o, "cumulative", m, x->cumulative, x->cum_order);
        ADD(gs__json_add_str(o, "cumulative_order", *x->order_by ? x->order_by : "table"));
    }
    if (x->influence.k)
        ok &= influence(o, m, x);
    return ok;
}
