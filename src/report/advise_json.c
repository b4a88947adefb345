/* advise_json.c - the advice as the JSON document of `gabasim advise --json`
 * (docs/schemas/advise.schema.json): cJSON, numbers at the precision the document always had. */
#include <math.h>
#include <stdio.h>

#include "advise_int.h"
#include "gabasim/gabasim.h"
#include "gabasim/report_advise.h"
#include "report_int.h"

#define INT "%.0f" /* whole numbers: days, doses a day, counts */

/* Each helper returns 0 when out of memory (the tree is then deleted by the caller). */

static int plan_json(cJSON *root, const struct gs_advise_result *r)
{
    const struct gs_dose_plan *p = &r->plan;
    cJSON *o = cJSON_AddObjectToObject(root, "recommended");
    if (!o || !gs__json_add_num(o, "daily_mg", "%.6g", p->daily_mg) ||
        !gs__json_add_num(o, "dose_mg", "%.6g", p->dose_mg) ||
        !gs__json_add_num(o, "per_day", INT, p->per_day) ||
        !gs__json_add_nums(o, "haemodialysis_supplement_mg", "%.6g", p->hd_supplement_mg, 2) ||
        !gs__json_add_str(o, "form", p->form))
        return 0;
    if (p->hd_supplement_mg[0] > 0) {
        cJSON *hd = cJSON_AddArrayToObject(o, "haemodialysis_supplement_form");
        for (int k = 0; k < 2; k++)
            if (!hd || !cJSON_AddItemToArray(hd, cJSON_CreateString(p->hd_form[k])))
                return 0;
    }
    cJSON *cal = cJSON_AddArrayToObject(root, "calendar");
    for (size_t i = 0; cal && i < r->n_calendar; i++) {
        cJSON *s = cJSON_CreateObject();
        if (!s || !cJSON_AddItemToArray(cal, s)) {
            cJSON_Delete(s);
            return 0;
        }
        if (!gs__json_add_num(s, "from_day", INT, r->calendar[i].day) ||
            !gs__json_add_num(s, "dose_mg", "%.6g", r->calendar[i].dose_mg) ||
            !gs__json_add_num(s, "per_day", INT, r->calendar[i].per_day) ||
            !gs__json_add_str(s, "form", r->calendar[i].form))
            return 0;
    }
    cJSON *fa = cJSON_AddArrayToObject(root, "findings");
    for (size_t i = 0; fa && i < r->n_findings; i++) {
        cJSON *s = cJSON_CreateObject();
        if (!s || !cJSON_AddItemToArray(fa, s)) {
            cJSON_Delete(s);
            return 0;
        }
        if (!gs__json_add_str(s, "level", r->findings[i].level ? "warning" : "info") ||
            !gs__json_add_str(s, "text", r->findings[i].text))
            return 0;
    }
    return cal && fa;
}

/* "warnings": [{"id", "title", "text", "source"}], most serious first; [] when none apply. */
static int warnings_json(cJSON *root, const struct gs_advise_result *r)
{
    cJSON *a = cJSON_AddArrayToObject(root, "warnings");
    for (size_t i = 0; a && i < r->n_warnings; i++) {
        const struct gs_advise_warning *w = &r->warnings[i];
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(a, o)) {
            cJSON_Delete(o);
            return 0;
        }
        if (!gs__json_add_str(o, "id", w->id) || !gs__json_add_str(o, "title", w->title) ||
            !gs__json_add_str(o, "text", w->text) || !gs__json_add_str(o, "source", w->source))
            return 0;
    }
    return a != NULL;
}

static int levels_json(cJSON *root, const struct gs_advise_result *r)
{
    const struct gs_summary *s = &r->typical;
    cJSON *t = cJSON_AddObjectToObject(root, "typical");
    if (!t || !gs__json_add_num(t, "cmax_first_dose_mg_L", "%.6g", s->cmax_mg_l) ||
        !gs__json_add_num(t, "ss_cmin_mg_L", "%.6g", s->ss_cmin_mg_l) ||
        !gs__json_add_num(t, "ss_cavg_mg_L", "%.6g", s->ss_cavg_mg_l) ||
        !gs__json_add_num(t, "ss_cmax_mg_L", "%.6g", s->ss_cmax_mg_l) ||
        !gs__json_add_num(t, "time_to_90pct_ss_h", "%.6g", s->t90_ss_h))
        return 0;
    if (!cJSON_AddBoolToObject(t, "weekly_with_dialysis", s->hd_per_week > 0))
        return 0;
    if (r->dialysis_schedule[0]) {
        cJSON *d = cJSON_AddObjectToObject(root, "dialysis");
        if (!d || !gs__json_add_str(d, "schedule", r->dialysis_schedule) ||
            !gs__json_add_num(d, "supplement_mg", "%.6g", r->dialysis_supplement_mg) ||
            !gs__json_add_str(d, "supplement_form", r->dialysis_supplement_form))
            return 0;
    } else if (!cJSON_AddNullToObject(root, "dialysis")) {
        return 0;
    }
    struct gs_label_check c = {0};
    gs_label_check_levels(r->drug, s->ss_cmin_mg_l, s->ss_cmax_mg_l, &c);
    /* the range alone: the regimen's findings are the result's own "findings" */
    cJSON *lc = cJSON_AddObjectToObject(root, "label_check"), *rr = gs__json_reference_range(&c);
    if (!lc || !rr || !cJSON_AddItemToObject(lc, "reference_range", rr)) {
        cJSON_Delete(rr);
        return 0;
    }
    cJSON *b = cJSON_AddObjectToObject(root, "band_last_interval");
    if (!b || !gs__json_add_num(b, "n", INT, (double)r->band.n) ||
        !gs__json_add_nums(b, "cmin_p5_p50_p95_mg_L", "%.6g", r->band.cmin_mg_l, 3) ||
        !gs__json_add_nums(b, "cavg_p5_p50_p95_mg_L", "%.6g", r->band.cavg_mg_l, 3))
        return 0;
    cJSON *n = cJSON_AddArrayToObject(root, "interaction_notes");
    for (size_t i = 0; n && i < r->n_interaction_notes; i++) {
        cJSON *line = cJSON_CreateString(r->interaction_notes[i]);
        if (!line || !cJSON_AddItemToArray(n, line)) {
            cJSON_Delete(line);
            return 0;
        }
    }
    return n != NULL;
}

static int pain_json(cJSON *root, const struct gs_advise_pain *p)
{
    cJSON *o = cJSON_AddObjectToObject(root, "pain");
    if (!o || !gs__json_add_str(o, "type", p->type) ||
        !gs__json_add_nums(o, "difference_from_placebo_end", "%.4g", p->end, 3))
        return 0;
    if (isfinite(p->day14[1]) &&
        !gs__json_add_nums(o, "difference_from_placebo_day14", "%.4g", p->day14, 3))
        return 0;
    if (p->borrowed_from[0] && !gs__json_add_str(o, "emax_borrowed_from", p->borrowed_from))
        return 0;
    if (!isnan(p->full_effect_day) &&
        !gs__json_add_num(o, "ninety_percent_effect_day", "%.4g", p->full_effect_day))
        return 0;
    if (!isnan(p->responders50_placebo)) {
        cJSON *rs = cJSON_AddObjectToObject(o, "responders_50pct");
        if (!rs || !gs__json_add_nums(rs, "drug", "%.4g", p->responders50, 3) ||
            !gs__json_add_num(rs, "placebo", "%.4g", p->responders50_placebo))
            return 0;
    }
    if (!isnan(p->responders30_placebo)) {
        cJSON *rs = cJSON_AddObjectToObject(o, "responders_30pct");
        if (!rs || !gs__json_add_nums(rs, "drug", "%.4g", p->responders30, 3) ||
            !gs__json_add_num(rs, "placebo", "%.4g", p->responders30_placebo))
            return 0;
    }
    if (!gs__json_add_nums(o, "between_person_omega", "%.4g", p->omega, 3))
        return 0;
    return gs__json_add_num(o, "half_effect_day", "%.4g", p->half_effect_day) &&
           gs__json_add_str(o, "note",
                            "0-10 scale, negative favours the drug; [low, central, high] from the "
                            "pooled 95 % interval; responders: [lowest, central, highest] over "
                            "that interval and the between-person spread's (omega: [low, "
                            "calibrated, high] log-SD)");
}

static int side_effects_json(cJSON *root, const struct gs_advise_result *r)
{
    cJSON *c = cJSON_AddObjectToObject(root, "side_effects_cumulative");
    cJSON *days = c ? cJSON_AddArrayToObject(c, "days") : NULL;
    for (int j = 0; days && j < 4; j++)
        if (!gs__json_push_num(days, INT, r->checkpoint_day[j]))
            return 0;
    cJSON *ev = c ? cJSON_AddObjectToObject(c, "events") : NULL;
    for (size_t k = 0; ev && k < r->n_side_effects; k++)
        if (!gs__json_add_nums(ev, r->side_effects[k].event, "%.3f", r->side_effects[k].risk, 4))
            return 0;
    cJSON *d = cJSON_AddObjectToObject(root, "side_effects_by_day");
    cJSON *day = d ? cJSON_AddArrayToObject(d, "day") : NULL;
    for (size_t i = 0; day && i < r->n_days; i++)
        if (!gs__json_push_num(day, INT, (double)(i + 1)))
            return 0;
    cJSON *evd = d ? cJSON_AddObjectToObject(d, "events") : NULL;
    for (size_t k = 0; evd && k < r->n_side_effects; k++)
        if (!gs__json_add_nums(evd, r->side_effects[k].event, "%.4f", r->side_effects[k].by_day,
                               r->n_days))
            return 0;
    if (!days || !ev || !day || !evd)
        return 0;
    return r->fall_risk_by_day == NULL ||
           gs__json_add_nums(d, "fall_relevant_drowsiness_or_dizziness_upper_bound", "%.4f",
                             r->fall_risk_by_day, r->n_days);
}

gs_status gs_report_advise_json(const struct gs_advise_result *r, FILE *f, struct gs_error *err)
{
    const struct gs_patient *pt = &r->patient;
    cJSON *root = cJSON_CreateObject();
    int ok = root && gs__json_add_str(root, "gabasim_version", gs_version()) &&
             gs__json_add_str(root, "notice", GS_CLINICAL_NOTICE) &&
             gs__json_add_str(root, "drug", gs_drug_name(r->drug)) &&
             gs__json_add_num(root, "crcl_mL_min", "%.6g", pt->crcl_ml_min) &&
             gs__json_add_str(root, "crcl_source", gs_patient_crcl_source_name(pt->crcl_source)) &&
             warnings_json(root, r) && plan_json(root, r) && levels_json(root, r) &&
             gs__advise_tdm_json(root, r) && (!r->pain || pain_json(root, r->pain)) &&
             side_effects_json(root, r) && gs__advise_evidence_json(root, &r->evidence);
    if (!ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return gs__json_emit(root, f, err);
}
