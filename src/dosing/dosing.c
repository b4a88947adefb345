/* dosing.c - applying the labels' dosing rules (drug file "dosing" section) to one patient. */
#include "gabasim/dosing.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const struct gs_renal_band *gs_dosing_band(const struct gs_dosing *r, double crcl)
{
    for (size_t i = 0; i < r->n_bands; i++)
        if (crcl >= r->band[i].crcl_min && crcl < r->band[i].crcl_max)
            return &r->band[i];
    return r->n_bands ? &r->band[0] : NULL;
}

static void band_name(const struct gs_renal_band *b, char *buf, size_t n)
{
    if (isinf(b->crcl_max))
        snprintf(buf, n, "CrCl >= %g mL/min", b->crcl_min);
    else if (b->crcl_min == 0.0)
        snprintf(buf, n, "CrCl < %g mL/min", b->crcl_max);
    else
        snprintf(buf, n, "CrCl %g to < %g mL/min", b->crcl_min, b->crcl_max);
}

static void add_note(char *note, size_t size, const char *text)
{
    size_t k = strlen(note);
    snprintf(note + k, size - k, "%s\n", text);
}

/* The drug's rules, after checking that they exist and that the patient's kidney function is
 * known: what every rule below needs. */
static gs_status rules_for(const gs_drug *d, const struct gs_patient *pt,
                           const struct gs_dosing **r, struct gs_error *err)
{
    *r = gs_drug_dosing(d);
    if (*r == NULL)
        return gs_error_set(err, GS_UNSUPPORTED, "dosing",
                            "drug '%s' has no dosing rules (a \"dosing\" section)",
                            gs_drug_name(d));
    if (isnan(pt->crcl_ml_min))
        return gs_error_set(err, GS_INPUT, "--crcl",
                            "the renal dosing rule needs kidney function: give '--crcl', or "
                            "'--scr' with '--age', '--sex' and '--weight', or '--dialysis'");
    return GS_OK;
}

gs_status gs_dosing_recommend(const gs_drug *d, const struct gs_patient *pt, double target,
                              struct gs_dose_plan *out, struct gs_error *err)
{
    memset(out, 0, sizeof *out);
    const struct gs_dosing *r;
    gs_status st = rules_for(d, pt, &r, err);
    if (st != GS_OK)
        return st;
    double crcl = pt->haemodialysis ? 0.0 : pt->crcl_ml_min;
    const struct gs_renal_band *b = gs_dosing_band(r, crcl);
    out->band = b;
    char name[96], line[256];
    band_name(b, name, sizeof name);
    /* the column nearest the target (by daily dose), else the first (starting maintenance) */
    size_t col = 0;
    if (!isnan(target)) {
        double best = INFINITY;
        for (size_t k = 0; k < b->n_columns; k++) {
            double mid = 0.5 * (b->column_mg[k][0] + b->column_mg[k][1]);
            if (fabs(mid - target) < best) {
                best = fabs(mid - target);
                col = k;
            }
        }
    }
    double daily = b->column_mg[col][0];
    snprintf(line, sizeof line,
             "%s (%s): the label's daily range is %g-%g mg; column %zu gives %g mg/day", name,
             gs_patient_crcl_source_name(pt->crcl_source), b->daily_min_mg, b->daily_max_mg,
             col + 1, daily);
    add_note(out->note, sizeof out->note, line);
    if (b->scale_below_crcl > 0.0 && crcl < b->scale_below_crcl && !pt->haemodialysis) {
        double f = crcl / b->scale_below_crcl;
        snprintf(line, sizeof line,
                 "below %g mL/min the label reduces the daily dose in proportion to CrCl: x %.3g",
                 b->scale_below_crcl, f);
        add_note(out->note, sizeof out->note, line);
        daily *= f;
    }
    out->daily_mg = daily;
    out->per_day = b->per_day[0];
    out->dose_mg = daily / out->per_day;
    if (pt->haemodialysis && r->n_hd > col) {
        out->hd_supplement_mg[0] = r->hd_supplement_mg[col][0];
        out->hd_supplement_mg[1] = r->hd_supplement_mg[col][1];
        char amount[48];
        if (out->hd_supplement_mg[1] > out->hd_supplement_mg[0])
            snprintf(amount, sizeof amount, "%g-%g mg", out->hd_supplement_mg[0],
                     out->hd_supplement_mg[1]);
        else
            snprintf(amount, sizeof amount, "%g mg", out->hd_supplement_mg[0]);
        snprintf(line, sizeof line,
                 "on haemodialysis: maintenance as for the lowest band, plus %s after each 4-h "
                 "session",
                 amount);
        add_note(out->note, sizeof out->note, line);
    }
    return GS_OK;
}

static void finding(struct gs_finding *out, size_t max, size_t *n, enum gs_finding_level level,
                    const char *text)
{
    if (*n < max) {
        out[*n].level = level;
        snprintf(out[*n].text, sizeof out[*n].text, "%s", text);
    }
    (*n)++;
}

gs_status gs_dosing_check(const gs_drug *d, const struct gs_patient *pt,
                          const struct gs_regimen *reg, struct gs_finding *out, size_t max,
                          size_t *n, struct gs_error *err)
{
    *n = 0;
    const struct gs_dosing *r;
    gs_status st = rules_for(d, pt, &r, err);
    if (st != GS_OK)
        return st;
    if (reg->n_steps == 0)
        return gs_error_set(err, GS_INPUT, "--dose", "no regimen to check");
    double crcl = pt->haemodialysis ? 0.0 : pt->crcl_ml_min;
    const struct gs_renal_band *b = gs_dosing_band(r, crcl);
    char name[96], text[256];
    band_name(b, name, sizeof name);
    for (size_t s = 0; s < reg->n_steps; s++) {
        double daily = reg->steps[s].dose_mg * 24.0 / reg->steps[s].ii_h;
        if (daily > r->max_daily_mg * (1 + 1e-9)) {
            snprintf(text, sizeof text,
                     "%g mg/day from hour %g is above the label's maximum of %g mg/day", daily,
                     reg->steps[s].start_h, r->max_daily_mg);
            finding(out, max, n, GS_FINDING_WARNING, text);
        }
    }
    const struct gs_regimen_step *m = gs_regimen_maintenance(reg);
    double daily = m->dose_mg * 24.0 / m->ii_h;
    double per_day = 24.0 / m->ii_h;
    double hi = b->daily_max_mg, lo = b->daily_min_mg;
    if (b->scale_below_crcl > 0.0 && crcl < b->scale_below_crcl && !pt->haemodialysis) {
        hi *= crcl / b->scale_below_crcl;
        lo *= crcl / b->scale_below_crcl;
    }
    if (daily > hi * (1 + 1e-9)) {
        snprintf(text, sizeof text,
                 "maintenance %g mg/day is above the label's %g mg/day for %s: reduce the dose "
                 "(renal elimination; %s)",
                 daily, hi, name, r->renal_source);
        finding(out, max, n, GS_FINDING_WARNING, text);
    } else if (daily < lo * (1 - 1e-9)) {
        snprintf(text, sizeof text,
                 "maintenance %g mg/day is below the label's %g-%g mg/day for %s (effective doses "
                 "were studied within it)",
                 daily, lo, hi, name);
        finding(out, max, n, GS_FINDING_INFO, text);
    }
    int listed = 0;
    for (size_t k = 0; k < b->n_per_day; k++)
        listed |= fabs(per_day - b->per_day[k]) < 1e-9;
    if (!listed) {
        char opts[32] = "";
        for (size_t k = 0; k < b->n_per_day; k++) {
            size_t len = strlen(opts);
            snprintf(opts + len, sizeof opts - len, "%s%d", k ? " or " : "", b->per_day[k]);
        }
        snprintf(text, sizeof text, "%g doses a day; the label gives %s a day for %s", per_day,
                 opts, name);
        finding(out, max, n, GS_FINDING_WARNING, text);
    }
    if (r->max_interval_h > 0.0 && m->ii_h > r->max_interval_h && per_day >= 3.0 - 1e-9) {
        snprintf(text, sizeof text, "%g h between doses; the label allows at most %g h (%s)",
                 m->ii_h, r->max_interval_h, r->max_interval_source);
        finding(out, max, n, GS_FINDING_WARNING, text);
    }
    if (pt->haemodialysis) {
        snprintf(text, sizeof text,
                 "on haemodialysis: give the label's supplemental dose after each 4-h session "
                 "(%s)",
                 r->hd_source ? r->hd_source : "see the label");
        finding(out, max, n, GS_FINDING_INFO, text);
    }
    return GS_OK;
}

size_t gs_dosing_calendar(const gs_drug *d, const struct gs_dose_plan *plan,
                          struct gs_calendar_step *out, size_t max)
{
    size_t n = 0;
    const char *sched = gs_drug_titration_find(d, "label");
    struct gs_regimen tit;
    gs_regimen_init(&tit);
    if (sched && gs_regimen_parse_titration(&tit, sched, "titration", NULL) == GS_OK) {
        for (size_t i = 0; i < tit.n_steps && n + 1 < max; i++) {
            int per_day = (int)lround(24.0 / tit.steps[i].ii_h);
            if (per_day > plan->per_day)
                per_day = plan->per_day;
            double daily = tit.steps[i].dose_mg * per_day;
            if (daily >= plan->daily_mg * (1 - 1e-9))
                break;
            /* a step that repeats the previous one adds nothing */
            if (n > 0 && out[n - 1].dose_mg == tit.steps[i].dose_mg &&
                out[n - 1].per_day == per_day)
                continue;
            out[n].day = (int)lround(tit.steps[i].start_h / 24.0) + 1;
            out[n].dose_mg = tit.steps[i].dose_mg;
            out[n].per_day = per_day;
            n++;
        }
    }
    if (n < max) {
        out[n].day = n ? out[n - 1].day + 1 : 1;
        out[n].dose_mg = plan->dose_mg;
        out[n].per_day = plan->per_day;
        n++;
    }
    return n;
}

size_t gs_dosing_taper(const gs_drug *d, double daily_mg, int per_day, struct gs_calendar_step *out,
                       size_t max)
{
    const struct gs_dosing *r = gs_drug_dosing(d);
    double days = r && r->taper_min_days > 7.0 ? r->taper_min_days : 7.0;
    int span = (int)ceil(days / 3.0);
    size_t n = 0;
    for (int k = 0; k < 3 && n < max; k++, n++) {
        out[n].day = 1 + k * span;
        out[n].per_day = per_day;
        out[n].dose_mg = daily_mg * (3 - k) / 3.0 / per_day;
    }
    if (n < max) { /* the first day without the drug */
        out[n].day = 1 + 3 * span;
        out[n].per_day = per_day;
        out[n].dose_mg = 0.0;
        n++;
    }
    return n;
}

gs_status gs_dosing_calendar_regimen(const struct gs_calendar_step *steps, size_t n, double days,
                                     struct gs_regimen *out, struct gs_error *err)
{
    gs_regimen_init(out);
    if (n == 0 || n > GS_REGIMEN_MAX_STEPS)
        return gs_error_set(err, GS_INPUT, "calendar", "a calendar needs 1 to %d steps",
                            GS_REGIMEN_MAX_STEPS);
    for (size_t i = 0; i < n; i++) {
        if (steps[i].dose_mg <= 0.0) { /* a stop ends the schedule */
            days = fmin(days, steps[i].day - 1);
            break;
        }
        out->steps[out->n_steps].start_h = 24.0 * (steps[i].day - 1);
        out->steps[out->n_steps].dose_mg = steps[i].dose_mg;
        out->steps[out->n_steps].ii_h = 24.0 / steps[i].per_day;
        out->n_steps++;
    }
    out->end_h = 24.0 * days;
    return out->n_steps ? GS_OK : gs_error_set(err, GS_INPUT, "calendar", "no dosing step");
}
