/* gabasim/dosing.h - dosing rules from the labels: renal bands, haemodialysis supplements,
 * maximum doses and intervals, and checks of a proposed regimen.
 *
 * The rules are data (the drug file's "dosing" section, docs/drug-files.md); this module reads
 * them and applies them to one patient. Band edges follow the drug file's stated convention:
 * each band is [crcl_min, crcl_max) mL/min (so CrCl 60 belongs to ">= 60", CrCl 30 to "30-59").
 * Everything here supports, and does not replace, a clinician's judgement.
 */
#ifndef GABASIM_DOSING_H
#define GABASIM_DOSING_H

#include <stddef.h>

#include "gabasim/drug.h" /* struct gs_dosing: the drug file's dosing section */
#include "gabasim/patient.h"
#include "gabasim/regimen.h"
#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The band for a creatinine clearance (mL/min, >= 0); NULL only if the rules have no band. */
const struct gs_renal_band *gs_dosing_band(const struct gs_dosing *r, double crcl_ml_min);

/* The label's daily dose range (mg/day) for this patient's kidney function: the band's, reduced
 * in proportion to CrCl below the band's scaling threshold; on haemodialysis the lowest band's.
 * GS_UNSUPPORTED (nothing written, no message) when the drug has no dosing rules or the
 * patient's kidney function is unknown. */
gs_status gs_dosing_band_range(const gs_drug *d, const struct gs_patient *pt, double *lo_mg,
                               double *hi_mg);

/* What makes one dose: "1 x 300 mg capsule", "1 x 400 mg capsule + 1 x 100 mg capsule",
 * "1.4 mL of 50 mg/mL oral solution". */
#define GS_DOSE_FORM_MAX 80

/* A recommended maintenance regimen for one patient. Every dose is dispensable: made of the
 * drug file's marketed strengths (dosing.products) by its rounding rule. */
struct gs_dose_plan {
    const struct gs_renal_band *band;
    double daily_mg;             /* recommended total daily dose (dose_mg x per_day) */
    double dose_mg;              /* each dose */
    int per_day;                 /* doses a day */
    char form[GS_DOSE_FORM_MAX]; /* what makes each dose */
    double hd_supplement_mg[2];  /* after each 4-h haemodialysis session, the label's low and
                                    high (0 if not on dialysis) */
    char hd_form[2][GS_DOSE_FORM_MAX];
    size_t column;          /* the label column chosen (0: the band's start) */
    double scale;           /* the label's reduction in proportion to CrCl (1: none) */
    double interval_factor; /* titration intervals x this (older patients, dosing.titration) */
    char note[1024];        /* how the choice was made, one sentence per line */
};

/* Recommends a maintenance regimen: the band's column nearest `target_daily_mg` (NaN: the band's
 * first column, the label's start), scaled by CrCl below the band's scaling threshold, divided
 * into the first of the band's doses a day that the marketed strengths make exactly (the one the
 * band's start uses, if it does), and made dispensable; for anuric patients on dialysis the
 * lowest band's column plus its post-dialysis supplement. GS_INPUT if no dispensable dose lies
 * inside the label's band (a CrCl so low that the proportional dose is below 0.1 mL of
 * solution). */
gs_status gs_dosing_recommend(const gs_drug *d, const struct gs_patient *pt, double target_daily_mg,
                              struct gs_dose_plan *out, struct gs_error *err);

/* A day-by-day schedule: from `day` (1-based) on, `dose_mg` taken `per_day` times a day. */
struct gs_calendar_step {
    int day;
    double dose_mg;
    int per_day;
    char form[GS_DOSE_FORM_MAX]; /* what makes each dose */
};
#define GS_MAX_CALENDAR 16

/* "Start low, go slow", from the drug file's dosing.titration: day 1 is the label's start for
 * the band (its first column; with start_ramp_days, one dose of it on day 1 and one more dose a
 * day every start_ramp_days until the band's doses a day, as Neurontin 2.1's 300 mg once, twice,
 * three times), then increases no larger than max_step_columns label columns and
 * max_step_mg_day, each at least min_interval_days after the one before (all intervals x the
 * plan's interval_factor), up to the plan's maintenance. Returns the number of steps written
 * (at most max); the last is the plan's maintenance. */
size_t gs_dosing_calendar(const gs_drug *d, const struct gs_dose_plan *plan,
                          struct gs_calendar_step *out, size_t max);

/* Stopping: the daily dose reduced in three equal steps spread over the label's minimum taper
 * (at least 7 days), each rounded down to a dispensable dose, then stopped; the last step
 * (dose 0) gives the first day without drug. ASSUMPTION: the labels say only "over at least one
 * week"; the equal thirds are gabasim's. */
size_t gs_dosing_taper(const gs_drug *d, double daily_mg, int per_day, struct gs_calendar_step *out,
                       size_t max);

/* One dose made of the marketed products by the drug file's rounding rule: exactly by at most
 * max_units solids, else exactly by the solution (in its measuring steps), else the largest
 * dispensable dose <= want_mg, or, if that is below lo_mg, the smallest >= lo_mg. *got_mg and
 * form (may be NULL) receive the dose and what makes it. GS_INPUT if none lies in
 * [lo_mg, hi_mg]; GS_UNSUPPORTED if the drug has no dosing rules. */
gs_status gs_dosing_dispense(const gs_drug *d, double want_mg, double lo_mg, double hi_mg,
                             double *got_mg, char *form, size_t form_size, struct gs_error *err);

/* The calendar as a regimen (for simulation): steps from day 1, until day `days`. */
gs_status gs_dosing_calendar_regimen(const struct gs_calendar_step *steps, size_t n, double days,
                                     struct gs_regimen *out, struct gs_error *err);

/* What a check of a proposed regimen found. */
enum gs_finding_level { GS_FINDING_INFO = 0, GS_FINDING_WARNING = 1 };
struct gs_finding {
    enum gs_finding_level level;
    char text[256];
};
#define GS_MAX_FINDINGS 16

/* Checks the regimen's maintenance step (and every titration step for the absolute maximum)
 * against the patient's band: daily dose above the band's or the absolute maximum, below the
 * band's range, doses a day the label does not give, gaps longer than the label allows. Findings
 * are not errors; *n receives how many (at most max). */
gs_status gs_dosing_check(const gs_drug *d, const struct gs_patient *pt,
                          const struct gs_regimen *reg, struct gs_finding *out, size_t max,
                          size_t *n, struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
