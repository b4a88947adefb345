/* dialysis.c - a dialysis schedule and the label's supplement into a regimen
 * (gabasim/dialysis.h). */
#include "gabasim/dialysis.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/dosing.h"

static void add_line(char *note, size_t size, const char *line)
{
    if (note == NULL || size == 0)
        return;
    size_t k = strlen(note);
    if (strstr(note, line) == NULL)
        snprintf(note + k, size - k, "%s\n", line);
}

gs_status gs_dialysis_apply(const gs_drug *d, const struct gs_patient *pt, struct gs_regimen *reg,
                            char *note, size_t note_size, struct gs_error *err)
{
    if (!pt->haemodialysis || pt->hd.per_week == 0)
        return GS_OK;
    if (isnan(gs_drug_hd_cl(d)))
        return gs_error_set(err, GS_UNSUPPORTED, "--dialysis",
                            "drug '%s' gives no dialysis clearance (model.haemodialysis.CL); "
                            "give '--hd-schedule none' to simulate without sessions",
                            gs_drug_name(d));
    const struct gs_regimen_step *m = gs_regimen_maintenance(reg);
    if (m == NULL)
        return gs_error_set(err, GS_INPUT, "--dose", "no regimen to add dialysis sessions to");
    reg->hd = pt->hd;
    char line[320];
    if (isnan(reg->hd.supplement_mg) && reg->n_doses == 1 && reg->n_steps == 1) {
        reg->hd.supplement_mg = 0.0;
        add_line(note, note_size,
                 "a single dose: no supplement after dialysis (give one with --hd-schedule "
                 "supplement=DOSE)");
    } else if (isnan(reg->hd.supplement_mg)) {
        struct gs_dose_plan plan;
        double daily = m->dose_mg * 24.0 / m->ii_h;
        if (gs_drug_dosing(d) == NULL || gs_dosing_recommend(d, pt, daily, &plan, NULL) != GS_OK ||
            !(plan.hd_supplement_mg[0] > 0.0)) {
            reg->hd.supplement_mg = 0.0;
            snprintf(line, sizeof line,
                     "no supplement after dialysis: drug '%s' gives none for this dose "
                     "(dosing.renal.haemodialysis_supplement)",
                     gs_drug_name(d));
        } else {
            reg->hd.supplement_mg = plan.hd_supplement_mg[0];
            int range = plan.hd_supplement_mg[1] > plan.hd_supplement_mg[0];
            int n = snprintf(line, sizeof line,
                             "supplement after each session: %g mg, the label's for %g mg/day",
                             plan.hd_supplement_mg[0], daily);
            if (range && n > 0 && (size_t)n < sizeof line)
                snprintf(line + n, sizeof line - (size_t)n,
                         " (the label gives %g-%g mg; the lower end is used)",
                         plan.hd_supplement_mg[0], plan.hd_supplement_mg[1]);
        }
        add_line(note, note_size, line);
    }
    if (fabs(reg->hd.hours - 4.0) > 1e-9 && reg->hd.supplement_mg > 0.0) {
        snprintf(line, sizeof line,
                 "the label's supplements are for 4-h sessions; given unchanged after each %g-h "
                 "session",
                 reg->hd.hours);
        add_line(note, note_size, line);
    }
    char sched[160];
    gs_hd_schedule_describe(&reg->hd, sched, sizeof sched);
    snprintf(line, sizeof line,
             "haemodialysis modelled: %s; dialysis clearance %.4g L/h added during sessions "
             "(model.haemodialysis.CL)",
             sched, gs_drug_hd_cl(d));
    add_line(note, note_size, line);
    return gs_regimen_validate(reg, gs_drug_max_dose_mg(d), err);
}
