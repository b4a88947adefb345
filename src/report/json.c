/* json.c - the machine-readable record of one run (cJSON; NaN and infinity print as null). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/gabasim.h"
#include "gabasim/report.h"
#include "report_int.h"

static void num(cJSON *o, const char *k, double v)
{
    if (isfinite(v))
        cJSON_AddNumberToObject(o, k, v);
    else
        cJSON_AddNullToObject(o, k);
}

static cJSON *patient_json(const struct gs_patient *p)
{
    cJSON *o = cJSON_CreateObject();
    num(o, "age_y", p->age_y);
    cJSON_AddStringToObject(o, "sex", gs_patient_sex_name(p->sex));
    num(o, "weight_kg", p->weight_kg);
    num(o, "height_cm", p->height_cm);
    num(o, "scr_mg_dL", p->scr_mg_dl);
    num(o, "crcl_mL_min", p->crcl_ml_min);
    cJSON_AddStringToObject(o, "crcl_source", gs_patient_crcl_source_name(p->crcl_source));
    num(o, "egfr_ckd_epi_2021_mL_min_1_73m2", p->egfr_ml_min_173);
    num(o, "ideal_body_weight_kg", p->ibw_kg);
    num(o, "bmi_kg_m2", p->bmi_kg_m2);
    cJSON_AddBoolToObject(o, "haemodialysis", p->haemodialysis);
    return o;
}

static cJSON *regimen_json(const struct gs_run *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *steps = cJSON_AddArrayToObject(o, "steps");
    for (size_t i = 0; i < r->regimen->n_steps; i++) {
        cJSON *s = cJSON_CreateObject();
        num(s, "from_h", r->regimen->steps[i].start_h);
        num(s, "dose_mg", r->regimen->steps[i].dose_mg);
        num(s, "every_h", r->regimen->steps[i].ii_h);
        cJSON_AddItemToArray(steps, s);
    }
    double total = 0.0;
    size_t n = 0;
    cJSON *doses = cJSON_AddArrayToObject(o, "doses");
    for (size_t i = 0; i < r->events->n; i++) {
        const struct gs_event *e = &r->events->ev[i];
        if (e->evid != GS_EVID_DOSE && e->evid != GS_EVID_RESET_DOSE)
            continue;
        cJSON *d = cJSON_CreateObject();
        num(d, "time_h", e->time_h);
        num(d, "dose_mg", e->amt_mg);
        if (e->ss)
            cJSON_AddBoolToObject(d, "steady_state_before", 1);
        cJSON_AddItemToArray(doses, d);
        total += e->amt_mg;
        n++;
    }
    cJSON_AddNumberToObject(o, "n_doses", (double)n);
    cJSON_AddNumberToObject(o, "total_dose_mg", total);
    cJSON_AddBoolToObject(o, "start_steady", r->regimen->start_steady);
    return o;
}

static cJSON *summary_json(const struct gs_run *r)
{
    const struct gs_summary *s = r->summary;
    cJSON *o = cJSON_CreateObject();
    num(o, "cmax_mg_L", s->cmax_mg_l);
    num(o, "tmax_h", s->tmax_h);
    num(o, "auc_mg_h_L", s->auc_mg_h_l);
    cJSON_AddStringToObject(o, "auc_interval",
                            s->auc_to_infinity ? "0-infinity" : "simulated span");
    num(o, "half_life_h", s->half_life_h);
    num(o, "elimination_half_life_h", s->elimination_half_life_h);
    num(o, "ss_dose_mg", s->ss_dose_mg);
    num(o, "ss_interval_h", s->ss_ii_h);
    num(o, "ss_cmin_mg_L", s->ss_cmin_mg_l);
    num(o, "ss_cmax_mg_L", s->ss_cmax_mg_l);
    num(o, "ss_cavg_mg_L", s->ss_cavg_mg_l);
    num(o, "ss_tmax_h", s->ss_tmax_h);
    num(o, "fraction_absorbed", s->ss_fraction_absorbed);
    num(o, "time_to_90pct_ss_h", s->t90_ss_h);
    num(o, "profile_cmax_mg_L", s->span_cmax_mg_l);
    num(o, "profile_tmax_h", s->span_tmax_h);
    num(o, "crcl_mL_min", r->patient->crcl_ml_min);
    num(o, "clearance_L_h", s->clearance_l_h);
    num(o, "volume_L", s->volume_l);
    num(o, "mass_balance_rel_error", s->mass_balance_error);
    return o;
}

char *gs_report_run_json(const struct gs_run *r)
{
    cJSON *root = cJSON_CreateObject();
    if (root == NULL)
        return NULL;
    cJSON_AddStringToObject(root, "gabasim_version", gs_version());
    cJSON_AddStringToObject(root, "notice", GS_CLINICAL_NOTICE);
    cJSON *drug = cJSON_AddObjectToObject(root, "drug");
    cJSON_AddStringToObject(drug, "name", gs_drug_name(r->drug));
    cJSON_AddStringToObject(drug, "title", gs_drug_title(r->drug));
    cJSON_AddStringToObject(drug, "structure", r->model->structure->name);
    cJSON_AddStringToObject(drug, "file", gs_drug_origin(r->drug));
    cJSON *params = cJSON_AddObjectToObject(drug, "individual_parameters");
    for (size_t i = 0; i < r->model->structure->n_params; i++) {
        const struct gs_param_def *d = &r->model->structure->params[i];
        cJSON *p = cJSON_AddObjectToObject(params, d->name);
        num(p, "value", r->model->p[i]);
        cJSON_AddStringToObject(p, "unit", d->unit);
    }
    cJSON_AddItemToObject(root, "patient", patient_json(r->patient));
    cJSON_AddItemToObject(root, "regimen", regimen_json(r));
    cJSON *notes = cJSON_AddArrayToObject(root, "assumptions");
    const char *line = r->notes ? r->notes : "";
    while (*line) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        char buf[512];
        snprintf(buf, sizeof buf, "%.*s", (int)len, line);
        if (len)
            cJSON_AddItemToArray(notes, cJSON_CreateString(buf));
        line += len + (nl != NULL);
    }
    cJSON_AddItemToObject(root, "summary", summary_json(r));
    if (r->check)
        cJSON_AddItemToObject(root, "label_check", gs__json_label_check(r->check));
    cJSON *prof = cJSON_AddArrayToObject(root, "profile");
    for (size_t i = 0; i < r->profile->n; i++) {
        cJSON *pt = cJSON_CreateObject();
        num(pt, "time_h", r->profile->t_h[i]);
        num(pt, "conc_mg_L", r->profile->conc_mg_l[i]);
        cJSON_AddItemToArray(prof, pt);
    }
    return gs__json_print(root);
}

void gs_report_json_free(char *s)
{
    if (s)
        cJSON_free(s);
}
