/* trial_json.c - `gabasim trial --json`: one trial (gabasim-trial-result/1,
 * docs/schemas/trial-result.schema.json) or replicates (gabasim-trial-replicates/1,
 * docs/schemas/trial-replicates.schema.json). Numbers keep the 6 significant digits of the text
 * they replaced; NaN is null. */
#include <math.h>
#include <stdio.h>

#include "gabasim/gabasim.h"
#include "gabasim/report_trial.h"
#include "report_int.h"
#include "trial_int.h"

/* Collects allocation failures: every add goes through ADD, and the document is dropped at the
 * end if one failed. */
#define ADD(x) (ok &= ((x) != NULL))

static cJSON *add_int(cJSON *o, const char *key, long v)
{
    return cJSON_AddNumberToObject(o, key, (double)v);
}

static cJSON *add_seed(cJSON *o, uint64_t seed)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)seed);
    return cJSON_AddRawToObject(o, "seed", buf);
}

/* Why an SD is null (the sample SD needs two values) */
#define SD_ONE "fewer than two values: an SD needs two"

static int mean_sd(cJSON *o, const char *key, const struct gs_trial_mean_sd *m)
{
    int ok = 1;
    cJSON *c = cJSON_AddObjectToObject(o, key);
    ADD(c);
    ADD(gs__json_add_num(c, "mean", "%.6g", m->mean));
    ADD(gs__json_add_num(c, "sd", "%.6g", m->sd));
    if (!isfinite(m->sd))
        ADD(gs__json_add_str(c, "sd_undefined_reason", SD_ONE));
    return ok;
}

static int arm_json(cJSON *arms, const gs_trial *t, const struct gs_trial_result *r, int a)
{
    const struct gs_trial_spec *s = gs_trial_get_spec(t);
    const struct gs_trial_arm_summary *A = &r->arm[a];
    int ok = 1;
    cJSON *o = cJSON_CreateObject();
    if (o == NULL || !cJSON_AddItemToArray(arms, o)) {
        cJSON_Delete(o);
        return 0;
    }
    ADD(gs__json_add_str(o, "name", s->arm[a].name));
    ADD(gs__json_add_str(o, "type", s->arm[a].type == GS_ARM_DRUG ? "drug" : "placebo"));
    ADD(add_int(o, "allocated", A->allocated));
    cJSON *d = cJSON_AddObjectToObject(o, "discontinued");
    ADD(d);
    for (int k = 1; d && k < GS_DROP_N; k++)
        ADD(add_int(d, gs__trial_reason_key((enum gs_dropout_reason)k), A->discontinued[k]));
    ADD(add_int(o, "completed", A->completed));
    ADD(add_int(o, "analysed", A->analysed));
    cJSON *b = cJSON_AddObjectToObject(o, "baseline");
    ADD(b);
    if (b) {
        ok &= mean_sd(b, "age_y", &A->age_y);
        ok &= mean_sd(b, "weight_kg", &A->weight_kg);
        ok &= mean_sd(b, "crcl_ml_min", &A->crcl_ml_min);
        ok &= mean_sd(b, "baseline_pain", &A->baseline_pain);
        ADD(add_int(b, "women", A->women));
        ADD(add_int(b, "radicular", A->radicular));
    }
    ADD(gs__json_add_num(o, "change_mean", "%.6g", A->change_mean));
    ADD(add_int(o, "responders30", A->responders30));
    ADD(add_int(o, "responders50", A->responders50));
    ADD(gs__json_add_num(o, "final_dose_mg_day", "%.6g", A->final_mg_day_mean));
    cJSON *se = cJSON_AddObjectToObject(o, "side_effects");
    ADD(se);
    for (size_t e = 0; se && e < gs_trial_ae_count(t); e++)
        ADD(add_int(se, gs_trial_ae_name(t, e), A->ae[e]));
    cJSON *vs = cJSON_AddArrayToObject(o, "visits");
    ADD(vs);
    for (size_t v = 0; vs && v < s->n_visits; v++) {
        cJSON *x = cJSON_CreateObject();
        if (x == NULL || !cJSON_AddItemToArray(vs, x)) {
            cJSON_Delete(x);
            return 0;
        }
        ADD(add_int(x, "week", s->visit_week[v]));
        ADD(add_int(x, "n", A->visit_n[v]));
        ADD(gs__json_add_num(x, "mean", "%.6g", A->visit_mean[v]));
        ADD(gs__json_add_num(x, "sd", "%.6g", A->visit_sd[v]));
        if (!isfinite(A->visit_sd[v]))
            ADD(gs__json_add_str(x, "sd_undefined_reason", SD_ONE));
    }
    return ok;
}

/* One responder analysis (gs_trial_responders) under key `key` of `root`. */
static int responders_json(cJSON *root, const char *key, const struct gs_trial_result *r,
                           const struct gs_trial_responders *q)
{
    int ok = 1;
    cJSON *o = cJSON_AddObjectToObject(root, key);
    if (o == NULL)
        return 0;
    ADD(gs__json_add_num(o, "fraction", "%g", q->fraction));
    const double k[2] = {(double)q->k[0], (double)q->k[1]},
                 n[2] = {(double)q->n[0], (double)q->n[1]};
    ADD(gs__json_add_nums(o, "responders", "%.0f", k, 2));
    ADD(gs__json_add_nums(o, "randomized", "%.0f", n, 2));
    ADD(gs__json_add_num(o, "difference", "%.6g", q->diff));
    const double ci[2] = {q->diff_lo, q->diff_hi}, oci[2] = {q->or_lo, q->or_hi};
    ADD(gs__json_add_nums(o, "difference_ci", "%.6g", ci, 2));
    ADD(gs__json_add_num(o, "odds_ratio", "%.6g", q->odds_ratio));
    ADD(gs__json_add_nums(o, "odds_ratio_ci", "%.6g", oci, 2));
    ADD(gs__json_add_num(o, "level", "%g", r->level));
    ADD(gs__json_add_num(o, "z", "%.6g", q->z));
    ADD(gs__json_add_num(o, "p", "%.6g", q->p));
    ADD(cJSON_AddBoolToObject(o, "significant", q->significant));
    return ok;
}

static cJSON *one_json(const gs_trial *t, const struct gs_trial_result *r)
{
    const struct gs_trial_spec *s = gs_trial_get_spec(t);
    int ok = 1;
    cJSON *root = cJSON_CreateObject();
    if (root == NULL)
        return NULL;
    ADD(gs__json_add_str(root, "schema", "gabasim-trial-result/1"));
    ADD(gs__json_add_str(root, "title", s->title));
    ADD(gs__json_add_str(root, "spec", s->origin));
    ADD(add_seed(root, s->seed));
    cJSON *fl = cJSON_AddObjectToObject(root, "flow");
    ADD(fl);
    if (fl) {
        ADD(add_int(fl, "assessed", r->assessed));
        ADD(add_int(fl, "excluded_age", r->excluded_age));
        ADD(add_int(fl, "excluded_crcl", r->excluded_crcl));
        ADD(add_int(fl, "excluded_pain", r->excluded_pain));
        ADD(add_int(fl, "randomized", r->randomized));
    }
    cJSON *arms = cJSON_AddArrayToObject(root, "arms");
    ADD(arms);
    for (int a = 0; arms && a < 2; a++)
        ok &= arm_json(arms, t, r, a);

    const struct gs_ancova_result *p = &r->primary;
    const int tr = gs_trial_treated_arm(s);
    cJSON *pr = cJSON_AddObjectToObject(root, "primary");
    ADD(pr);
    if (pr) {
        char buf[512];
        snprintf(buf, sizeof buf, "change in pain (0-10) from baseline to week %d",
                 s->duration_weeks);
        ADD(gs__json_add_str(pr, "endpoint", buf));
        ADD(gs__json_add_str(pr, "method", gs__trial_method_name(s, buf, sizeof buf)));
        if (s->method == GS_METHOD_MMRM && r->mmrm_cov >= 0)
            ADD(gs__json_add_str(pr, "mmrm_used", gs__trial_mmrm_used(r)));
        char contrast[96];
        snprintf(contrast, sizeof contrast, "%s minus %s", s->arm[tr].name, s->arm[1 - tr].name);
        ADD(gs__json_add_str(pr, "contrast", contrast));
        ADD(gs__json_add_num(pr, "difference", "%.6g", p->effect));
        ADD(gs__json_add_num(pr, "se", "%.6g", p->se));
        const double ci[2] = {p->ci_lo, p->ci_hi};
        ADD(gs__json_add_nums(pr, "ci", "%.6g", ci, 2));
        ADD(gs__json_add_num(pr, "level", "%g", r->level));
        ADD(gs__json_add_num(pr, "p", "%.6g", r->p_reported));
        ADD(add_int(pr, "sided", s->sided));
        ADD(add_int(pr, "df", p->df));
        ADD(gs__json_add_num(pr, "alpha", "%g", s->alpha));
        ADD(cJSON_AddBoolToObject(pr, "significant", r->significant));
    }
    cJSON *rs = cJSON_AddObjectToObject(root, "responders");
    ADD(rs);
    if (rs) {
        char contrast[96];
        snprintf(contrast, sizeof contrast, "%s minus %s", s->arm[tr].name, s->arm[1 - tr].name);
        ADD(gs__json_add_str(rs, "contrast", contrast));
        ADD(gs__json_add_str(rs, "test",
                             "two-proportion z (Pearson chi-square, no continuity "
                             "correction); difference interval Newcombe hybrid score; "
                             "odds ratio Woolf"));
        ok &= responders_json(rs, "30pct", r, &r->resp30);
        ok &= responders_json(rs, "50pct", r, &r->resp50);
    }
    cJSON *em = cJSON_AddObjectToObject(root, "emax");
    ADD(em);
    if (em) {
        ADD(gs__json_add_num(em, "nonradicular", "%.6g", gs_trial_emax(t, 0)));
        ADD(gs__json_add_num(em, "radicular", "%.6g", gs_trial_emax(t, 1)));
        ADD(gs__json_add_num(em, "between_person_omega", "%.6g", gs_trial_pain_omega(t)));
    }
    ADD(gs__json_add_str(root, "notice", GS_CLINICAL_NOTICE));
    if (!ok) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

/* One replicate set's summary (the main run or a point of the power curve). */
static cJSON *reps_obj(const struct gs_trial_reps *r)
{
    int ok = 1;
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    cJSON *n = cJSON_AddArrayToObject(o, "n_per_arm");
    ADD(n);
    for (int a = 0; n && a < 2; a++)
        ADD(gs__json_push_num(n, "%.0f", (double)r->n_arm[a]));
    ADD(add_int(o, "replicates", r->n));
    ADD(add_int(o, "not_estimable", r->n_failed));
    ADD(gs__json_add_num(o, "power", "%.6g", r->power));
    ADD(gs__json_add_num(o, "power_se", "%.6g", r->power_se));
    ADD(gs__json_add_num(o, "effect_mean", "%.6g", r->effect_mean));
    ADD(gs__json_add_num(o, "effect_sd", "%.6g", r->effect_sd));
    if (!isfinite(r->effect_sd))
        ADD(gs__json_add_str(o, "effect_sd_undefined_reason",
                             r->n - r->n_failed == 1 ? "one estimable replicate: an SD needs two"
                                                     : "no estimable replicate"));
    cJSON *q = cJSON_AddObjectToObject(o, "effect_percentiles");
    ADD(q);
    static const char *qk[5] = {"2.5", "25", "50", "75", "97.5"};
    for (int k = 0; q && k < 5; k++)
        ADD(gs__json_add_num(q, qk[k], "%.6g", r->effect_q[k]));
    ADD(gs__json_add_nums(o, "dropout", "%.6g", r->mean_dropout, 2));
    ADD(gs__json_add_nums(o, "mean_change", "%.6g", r->mean_change, 2));
    cJSON *rp = cJSON_AddObjectToObject(o, "responders");
    ADD(rp);
    if (rp) {
        ADD(gs__json_add_num(rp, "power_30pct", "%.6g", r->resp_power));
        ADD(gs__json_add_num(rp, "power_30pct_se", "%.6g", r->resp_power_se));
        ADD(gs__json_add_nums(rp, "rate_30pct", "%.6g", r->resp30_rate, 2));
        ADD(gs__json_add_nums(rp, "rate_50pct", "%.6g", r->resp50_rate, 2));
        ADD(gs__json_add_num(rp, "difference_30pct_mean", "%.6g", r->resp30_diff_mean));
    }
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *reps_json(const struct gs_trial_simulation *sim)
{
    const struct gs_trial_spec *s = gs_trial_get_spec(sim->trial);
    int ok = 1;
    cJSON *root = cJSON_CreateObject();
    if (root == NULL)
        return NULL;
    ADD(gs__json_add_str(root, "schema", "gabasim-trial-replicates/1"));
    ADD(gs__json_add_str(root, "spec", s->origin));
    ADD(add_seed(root, s->seed));
    ADD(gs__json_add_num(root, "alpha", "%g", s->alpha));
    ADD(add_int(root, "sided", s->sided));
    cJSON *sum = reps_obj(&sim->reps);
    ADD(sum);
    if (sum && !cJSON_AddItemToObject(root, "summary", sum)) {
        cJSON_Delete(sum);
        ok = 0;
    }
    if (!isnan(sim->observed)) {
        ADD(gs__json_add_num(root, "observed", "%.6g", sim->observed));
        ADD(gs__json_add_num(root, "share_as_extreme", "%.6g", sim->share_as_extreme));
    }
    cJSON *g = cJSON_AddArrayToObject(root, "n_grid");
    ADD(g);
    for (size_t k = 0; g && k < sim->n_grid; k++) {
        cJSON *x = reps_obj(&sim->grid[k]);
        ADD(x);
        if (x && !cJSON_AddItemToArray(g, x)) {
            cJSON_Delete(x);
            ok = 0;
        }
    }
    if (!ok) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

gs_status gs_report_trial_json(const struct gs_trial_simulation *r, FILE *f, struct gs_error *err)
{
    return gs__json_emit(r->replicates ? reps_json(r) : one_json(r->trial, &r->one), f, err);
}
