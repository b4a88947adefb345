/* advise_text.c - the advice as `gabasim advise` prints it on a terminal. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "advise_int.h"
#include "gabasim/gabasim.h"
#include "gabasim/report_advise.h"
#include "report_int.h"

static const char *times_a_day(int per_day)
{
    return per_day == 1   ? "once a day"
           : per_day == 2 ? "twice a day"
           : per_day == 3 ? "three times a day"
                          : "four times a day";
}

static void plan_text(FILE *f, const struct gs_advise_result *r)
{
    const struct gs_patient *pt = &r->patient;
    fprintf(f, "gabasim %s advise  %s\n\n", gs_version(), gs_drug_title(r->drug));
    fprintf(f, "Kidney function  CrCl %.0f mL/min (%s)", pt->crcl_ml_min,
            gs_patient_crcl_source_name(pt->crcl_source));
    if (!isnan(pt->egfr_ml_min_173))
        fprintf(f, "; eGFR %.0f mL/min/1.73 m2 (CKD-EPI 2021)", pt->egfr_ml_min_173);
    fprintf(f, "\n\nRecommended maintenance  %g mg %s (%g mg/day)\n", r->plan.dose_mg,
            times_a_day(r->plan.per_day), r->plan.daily_mg);
    for (const char *line = r->plan.note; *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        fprintf(f, "  - %.*s\n", (int)len, line);
        line += len + (nl != NULL);
    }
    gs__advise_warnings_text(f, r);
    fprintf(f, "\nStart low, go slow\n");
    for (size_t i = 0; i < r->n_calendar; i++)
        fprintf(f, "  from day %-3d %g mg x %d a day  (%s)\n", r->calendar[i].day,
                r->calendar[i].dose_mg, r->calendar[i].per_day, r->calendar[i].form);
    if (r->dialysis_schedule[0]) {
        char line[512];
        if (r->dialysis_supplement_mg > 0.0)
            snprintf(line, sizeof line, "%g mg (%s) as each session ends; sessions: %s",
                     r->dialysis_supplement_mg, r->dialysis_supplement_form, r->dialysis_schedule);
        else
            snprintf(line, sizeof line, "no supplement; sessions: %s", r->dialysis_schedule);
        gs__text_wrap(f, "  after each dialysis session:", 4, line);
    }
    fprintf(f, "\n%s\n", r->checked_proposed ? "Your proposed regimen" : "Check against the label");
    if (r->n_findings == 0)
        fprintf(f, "  within the label for this kidney function\n");
    for (size_t i = 0; i < r->n_findings; i++)
        fprintf(f, "  %s %s\n", r->findings[i].level ? "WARNING" : "note   ", r->findings[i].text);
    if (r->n_interaction_notes) {
        fprintf(f, "\nOther medicines\n");
        for (size_t i = 0; i < r->n_interaction_notes; i++)
            fprintf(f, "  %s\n", r->interaction_notes[i]);
    }
}

static void levels_text(FILE *f, const struct gs_advise_result *r)
{
    const struct gs_summary *s = &r->typical;
    const struct gs_advise_band *b = &r->band;
    char days[32];
    fprintf(f, "\nPredicted blood levels on this calendar (%s)%s\n",
            gs__advise_days(days, sizeof days, r->days),
            r->n_comedications ? ", with the co-medications" : "");
    fprintf(f, "  first dose: peak %.2g mg/L\n", s->cmax_mg_l);
    if (s->hd_per_week > 0) {
        fprintf(f,
                "  weekly steady state with the dialysis sessions: %.2g-%.2g mg/L (average "
                "%.2g); before / after each session",
                s->ss_cmin_mg_l, s->ss_cmax_mg_l, s->ss_cavg_mg_l);
        for (int k = 0; k < s->hd_per_week; k++)
            fprintf(f, "%s %.2g / %.2g", k ? "," : "", s->hd_pre_mg_l[k], s->hd_post_mg_l[k]);
        fprintf(f, " mg/L\n");
    } else if (s->ss_ii_h > 0.0) {
        fprintf(f, "  steady state: %.2g-%.2g mg/L (average %.2g)\n", s->ss_cmin_mg_l,
                s->ss_cmax_mg_l, s->ss_cavg_mg_l);
    }
    if (isfinite(s->t90_ss_h))
        fprintf(f,
                "  reached to 90 %% about %.0f h (%.1f days) after the maintenance dose starts\n",
                s->t90_ss_h, s->t90_ss_h / 24.0);
    fprintf(f,
            "  %ld patients like this one, last dosing interval: average %.2g mg/L (90 %% "
            "between %.2g and %.2g), trough %.2g (%.2g-%.2g)\n",
            b->n, b->cavg_mg_l[1], b->cavg_mg_l[0], b->cavg_mg_l[2], b->cmin_mg_l[1],
            b->cmin_mg_l[0], b->cmin_mg_l[2]);
    const struct gs_reference_range *rr = gs_drug_reference_range(r->drug);
    if (rr) {
        char line[1024];
        enum gs_label_level lv = gs_label_level_of(rr, s->ss_cmin_mg_l);
        char where[96] = "";
        if (lv != GS_LABEL_LEVEL_UNKNOWN)
            snprintf(where, sizeof where, "the typical steady-state trough, %.2g mg/L, is %s it; ",
                     s->ss_cmin_mg_l, gs_label_level_name(lv));
        snprintf(line, sizeof line, "%g-%g mg/L, %s; %s%s (%s)", rr->low_mg_l, rr->high_mg_l,
                 rr->sample, where, rr->caveat, rr->source);
        gs__text_wrap(f, "  laboratory reference range:", 4, line);
    }
}

static void pain_text(FILE *f, const struct gs_advise_result *r)
{
    const struct gs_advise_pain *p = r->pain;
    const double days = r->days;
    fprintf(f, "\nExpected pain relief (%s), 0-10 scale, difference from placebo\n", p->type);
    if (days > 14)
        fprintf(f, "  after 2 weeks: %+.2f (plausible range %+.2f to %+.2f)\n", p->day14[1],
                p->day14[0], p->day14[2]);
    char span[32];
    fprintf(f, "  after %s: %+.2f (plausible range %+.2f to %+.2f)\n",
            gs__advise_days(span, sizeof span, days), p->end[1], p->end[0], p->end[2]);
    /* >= 30 % (a moderate benefit) and >= 50 % (a substantial one), IMMPACT's thresholds */
    const double *rs[2] = {p->responders30, p->responders50};
    const double rp[2] = {p->responders30_placebo, p->responders50_placebo};
    static const char *const what[2] = {"by 30 % or more", "by half or more"};
    for (int k = 0; k < 2; k++) {
        if (isnan(rp[k]))
            continue;
        const double lo = 100 * rs[k][0], hi = 100 * rs[k][2];
        if (isfinite(lo) && isfinite(hi) && hi - lo <= 100 * GS_ADVISE_RESPONDERS_MAX_WIDTH)
            fprintf(f,
                    "  chance of pain cut %s by day %g: %.0f %% with the drug (range "
                    "%.0f-%.0f %%),\n    %.0f %% with a dummy pill alone\n",
                    what[k], days, 100 * rs[k][1], lo, hi, 100 * rp[k]);
        else
            fprintf(f,
                    "  chance of pain cut %s by day %g: too uncertain to give a number with the "
                    "drug\n    (the range runs from %.0f to %.0f %%); %.0f %% with a dummy pill "
                    "alone\n",
                    what[k], days, lo, hi, 100 * rp[k]);
    }
    if (!isnan(rp[0]) && p->omega[1] > 0.0)
        fprintf(f,
                "  (people differ in how much the drug helps them: its effect varies between "
                "persons,\n   log-SD %.2f, from published responder rates; the ranges include "
                "that uncertainty)\n",
                p->omega[1]);
    fprintf(f, "  half of the drug's effect by day %.0f", p->half_effect_day);
    if (isnan(p->full_effect_day))
        fprintf(f, "; not yet at its full effect by day %g (a longer --days shows when)\n", days);
    else
        fprintf(f, "; 90 %% of its full effect by day %.0f\n", p->full_effect_day);
    if (p->borrowed_from[0])
        fprintf(f,
                "  (ASSUMPTION: no pooled trials of this drug for this pain; the maximum "
                "effect is\n   borrowed from %s; negative favours the drug)\n",
                p->borrowed_from);
    else
        fprintf(f, "  (calibrated to the pooled trials for this kind of pain; negative "
                   "favours the drug;\n   a range that crosses 0 means the trials could not "
                   "show a benefit)\n");
}

static void side_effects_text(FILE *f, const struct gs_advise_result *r)
{
    fprintf(f, "\nSide effects: chance of having had each by day (placebo included)\n");
    fprintf(f, "  %-42s", "");
    for (int j = 0; j < 4; j++)
        if (gs__advise_checkpoint_shown(r, j)) {
            char day[16];
            snprintf(day, sizeof day, "day %d", r->checkpoint_day[j]);
            fprintf(f, " %7s", day);
        }
    fputc('\n', f);
    for (size_t k = 0; k < r->n_side_effects; k++) {
        const struct gs_advise_side_effect *s = &r->side_effects[k];
        char buf[sizeof s->event];
        fprintf(f, "  %-42s", gs__advise_event_plain(s->event, buf, sizeof buf));
        for (int j = 0; j < 4; j++)
            if (gs__advise_checkpoint_shown(r, j))
                fprintf(f, " %6.0f%%", 100 * s->risk[j]);
        fputc('\n', f);
    }
    fprintf(f,
            "  (drowsiness and dizziness raise the risk of falls; calibrated to the labels'\n"
            "   and pooled trials' tables%s)\n",
            r->cns_depressant ? "; raised for the sedating co-medication by an assumed factor"
                              : "");
}

gs_status gs_report_advise_text(const struct gs_advise_result *r, FILE *f, struct gs_error *err)
{
    plan_text(f, r);
    levels_text(f, r);
    gs__advise_tdm_text(f, r);
    if (r->pain)
        pain_text(f, r);
    side_effects_text(f, r);
    gs__advise_evidence_text(f, &r->evidence);
    fprintf(f,
            "\nTell your clinician about every other medicine, especially opioids and other\n"
            "sedating drugs.\n\n%s\n",
            GS_CLINICAL_NOTICE);
    if (ferror(f))
        return gs_error_set(err, GS_IO, "output", "writing the advice failed");
    return GS_OK;
}
