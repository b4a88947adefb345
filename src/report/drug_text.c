/* drug_text.c - `gabasim drugs` and `gabasim drugs NAME` as text. */
#include <math.h>
#include <stdio.h>

#include "gabasim/dosing.h"
#include "gabasim/report_drug.h"

gs_status gs_report_drug_list_text(const char *const *names, const gs_drug *const *drugs, size_t n,
                                   FILE *f, struct gs_error *err)
{
    fprintf(f, "%-14s %-26s %s\n", "drug", "model structure", "title");
    for (size_t i = 0; i < n; i++)
        if (drugs[i])
            fprintf(f, "%-14s %-26s %s\n", names[i], gs_drug_structure(drugs[i])->name,
                    gs_drug_title(drugs[i]));
    fprintf(f, "\n'gabasim drugs NAME' shows parameters with their sources.\n");
    if (ferror(f))
        return gs_error_set(err, GS_IO, "drugs", "writing the drug list failed");
    return GS_OK;
}

static void renal_dosing(const struct gs_dosing *r, FILE *f)
{
    fprintf(f, "\nrenal dosing (%s):\n", r->renal_source);
    for (size_t i = r->n_bands; i-- > 0;) {
        const struct gs_renal_band *b = &r->band[i];
        char range[48];
        if (isinf(b->crcl_max))
            snprintf(range, sizeof range, "CrCl >= %g", b->crcl_min);
        else
            snprintf(range, sizeof range, "%g <= CrCl < %g", b->crcl_min, b->crcl_max);
        fprintf(f, "  %-18s %g-%g mg/day in", range, b->daily_min_mg, b->daily_max_mg);
        for (size_t k = 0; k < b->n_per_day; k++)
            fprintf(f, "%s %d", k ? " or" : "", b->per_day[k]);
        fprintf(f, " dose(s) a day%s\n", b->scale_below_crcl > 0 ? "; scaled by CrCl below" : "");
    }
    fprintf(f, "  band edges: %s\n", r->edge_rule);
    if (r->n_hd) {
        fprintf(f, "  after each 4-h haemodialysis:");
        for (size_t k = 0; k < r->n_hd; k++)
            fprintf(f, k ? ", %g" : " %g", r->hd_supplement_mg[k][0]);
        fprintf(f, " mg by column  [%s]\n", r->hd_source);
    }
    fprintf(f, "  maximum %g mg/day  [%s]\n", r->max_daily_mg, r->max_daily_source);
    if (r->max_interval_h > 0)
        fprintf(f, "  at most %g h between doses  [%s]\n", r->max_interval_h,
                r->max_interval_source);
    if (r->taper_min_days > 0)
        fprintf(f, "  taper over at least %g days  [%s]\n", r->taper_min_days, r->taper_source);
    if (r->n_solids || r->solution_mg_ml > 0) {
        fprintf(f, "\nmarketed strengths (every dose gabasim gives is made of them):\n ");
        for (size_t k = 0; k < r->n_solids; k++)
            fprintf(f, " %g mg %s%s", r->solid[k].mg, r->solid[k].form,
                    k + 1 < r->n_solids ? "," : "");
        if (r->solution_mg_ml > 0)
            fprintf(f, "%s oral solution %g mg/mL in %g mL steps", r->n_solids ? ";" : "",
                    r->solution_mg_ml, r->solution_step_ml);
        fprintf(f, "\n  at most %d solid units a dose; %s\n  [%s]\n", r->max_units,
                r->rounding_rule ? r->rounding_rule : "", r->products_source);
    }
    if (r->n_intervals) {
        fprintf(f, "\ntitration from the band's start: increases at least");
        for (size_t k = 0; k < r->n_intervals; k++)
            fprintf(f, "%s %g", k ? "," : "", r->min_interval_days[k]);
        fprintf(f, " days apart (the last repeats), at most %d label column%s", r->max_step_columns,
                r->max_step_columns == 1 ? "" : "s");
        if (r->max_step_mg_day > 0)
            fprintf(f, " and %g mg/day", r->max_step_mg_day);
        fprintf(f, " at a time\n  [%s]\n", r->titration_source);
        if (r->older_interval_factor > 1)
            fprintf(f, "  from age %g: intervals x %g  [%s]\n", r->older_age_min,
                    r->older_interval_factor, r->older_source);
    }
}

gs_status gs_report_drug_text(const gs_drug *d, FILE *f, struct gs_error *err)
{
    fprintf(f, "%s - %s\nfile: %s\n", gs_drug_name(d), gs_drug_title(d), gs_drug_origin(d));
    if (*gs_drug_summary(d))
        fprintf(f, "%s\n", gs_drug_summary(d));
    const struct gs_structure *s = gs_drug_structure(d);
    fprintf(f,
            "\nmodel structure: %s\n  %s\n\nparameters (typical values at the reference "
            "covariates):\n",
            s->name, s->summary);
    for (size_t i = 0; i < gs_drug_param_count(d); i++) {
        struct gs_drug_param_info p;
        gs_drug_param_info(d, i, &p);
        fprintf(f, "  %-5s = %-10.6g %-8s %s\n", p.name, p.value, p.unit, p.meaning);
        fprintf(f, "          source: %s\n", p.source);
        if (*p.effects)
            fprintf(f, "          covariates: %s\n", p.effects);
        if (!isnan(p.omega_sd))
            fprintf(f, "          between-subject SD (log scale): %g  [%s]\n", p.omega_sd,
                    p.omega_source);
    }
    if (!isnan(gs_drug_anuric_cl(d)))
        fprintf(f, "\nanuric (haemodialysis) clearance: %g L/h\n  source: %s\n",
                gs_drug_anuric_cl(d), gs_drug_anuric_cl_source(d));
    if (!isnan(gs_drug_hd_cl(d)))
        fprintf(f, "dialysis clearance during a haemodialysis session: +%g L/h\n  source: %s\n",
                gs_drug_hd_cl(d), gs_drug_hd_cl_source(d));
    const struct gs_reference_range *rr = gs_drug_reference_range(d);
    if (rr)
        fprintf(f, "\nlaboratory reference range: %g-%g mg/L, %s\n  %s\n  source: %s\n",
                rr->low_mg_l, rr->high_mg_l, rr->sample, rr->caveat, rr->source);
    fprintf(f, "\nsimulation dose ceiling: %g mg per dose\n  %s\n", gs_drug_max_dose_mg(d),
            gs_drug_max_dose_source(d));
    if (gs_drug_dosing(d))
        renal_dosing(gs_drug_dosing(d), f);
    if (gs_drug_titration_count(d)) {
        fprintf(f, "\ntitration schedules (--titrate NAME):\n");
        for (size_t i = 0; i < gs_drug_titration_count(d); i++) {
            const char *name, *sched, *src;
            gs_drug_titration(d, i, &name, &sched, &src);
            fprintf(f, "  %-8s %s\n           source: %s\n", name, sched, src);
        }
    }
    if (gs_drug_assumption_count(d)) {
        fprintf(f, "\nassumptions:\n");
        for (size_t i = 0; i < gs_drug_assumption_count(d); i++)
            fprintf(f, "  - %s\n", gs_drug_assumption(d, i));
    }
    if (gs_drug_calibration_json(d))
        fprintf(f, "\ncalibration record:\n%s\n", gs_drug_calibration_json(d));
    if (ferror(f))
        return gs_error_set(err, GS_IO, "drugs", "writing the drug sheet failed");
    return GS_OK;
}
