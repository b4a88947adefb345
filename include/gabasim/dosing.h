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

/* A recommended maintenance regimen for one patient. */
struct gs_dose_plan {
    const struct gs_renal_band *band;
    double daily_mg;            /* recommended total daily dose */
    double dose_mg;             /* each dose */
    int per_day;                /* doses a day */
    double hd_supplement_mg[2]; /* after each 4-h haemodialysis session (0 if not on dialysis) */
    char note[512];             /* how the choice was made, one sentence per line */
};

/* Recommends a maintenance regimen: the band's column nearest `target_daily_mg` (NaN: the band's
 * first column, the label's starting maintenance dose), divided into the band's first doses-a-day
 * option; scaled by CrCl below the band's scaling threshold; for anuric patients on dialysis the
 * lowest band's column plus its post-dialysis supplement. */
gs_status gs_dosing_recommend(const gs_drug *d, const struct gs_patient *pt, double target_daily_mg,
                              struct gs_dose_plan *out, struct gs_error *err);

/* A day-by-day schedule: from `day` (1-based) on, `dose_mg` taken `per_day` times a day. */
struct gs_calendar_step {
    int day;
    double dose_mg;
    int per_day;
};
#define GS_MAX_CALENDAR 16

/* "Start low, go slow": the drug file's `label` titration, its steps kept while their daily dose
 * stays below the plan's and their doses a day capped at the plan's, then the plan's maintenance
 * from the next day. Returns the number of steps written to out (at most max). ASSUMPTION where
 * the label gives no renal titration: the same schedule, truncated, is used in every band. */
size_t gs_dosing_calendar(const gs_drug *d, const struct gs_dose_plan *plan,
                          struct gs_calendar_step *out, size_t max);

/* Stopping: the daily dose reduced in three equal steps spread over the label's minimum taper
 * (at least 7 days), then stopped; the last step (dose 0) gives the first day without drug.
 * ASSUMPTION: the labels say only "over at least one week"; the equal thirds are gabasim's. */
size_t gs_dosing_taper(const gs_drug *d, double daily_mg, int per_day, struct gs_calendar_step *out,
                       size_t max);

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
