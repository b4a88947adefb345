/* gabasim/regimen.h - what a prescriber writes, turned into event records.
 *
 * A regimen is a caller-owned value: one or more steps ("from hour S, D mg every II h"), a dosing
 * end, optional extra and missed doses, and an option to start at steady state. The label's
 * titration ("day 1: 300 mg once, day 2: 300 mg twice, day 3: 300 mg three times") is three steps.
 * gs_regimen_expand() turns it into single dose records (struct gs_event) for the engine.
 */
#ifndef GABASIM_REGIMEN_H
#define GABASIM_REGIMEN_H

#include <stddef.h>

#include "gabasim/events.h"
#include "gabasim/patient.h" /* struct gs_hd_schedule */
#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_REGIMEN_MAX_STEPS 32
#define GS_REGIMEN_MAX_EXTRA 64
#define GS_MAX_DURATION_H    (365.0 * 24.0) /* one year: the longest simulation accepted */
#define GS_MAX_INTERVAL_H    (7.0 * 24.0)   /* longest dosing interval accepted */
#define GS_MIN_DOSE_MG       0.01 /* smallest dose accepted: far below any tablet, above solver noise */

struct gs_regimen_step {
    double start_h; /* when this step starts (day d starts at 24*(d-1) h) */
    double dose_mg; /* each dose */
    double ii_h;    /* dosing interval */
};

struct gs_regimen_extra {
    double time_h;
    double dose_mg;
};

struct gs_regimen {
    struct gs_regimen_step steps[GS_REGIMEN_MAX_STEPS];
    size_t n_steps;
    double end_h; /* doses are given at times < end_h (ignored when n_doses > 0) */
    long n_doses; /* > 0: give exactly this many scheduled doses instead of using end_h */
    struct gs_regimen_extra extra[GS_REGIMEN_MAX_EXTRA];
    size_t n_extra;
    double missed_h[GS_REGIMEN_MAX_EXTRA]; /* scheduled doses not taken */
    size_t n_missed;
    int start_steady; /* the first scheduled dose carries SS=1 */
    int cmt;          /* compartment receiving doses; GS_CMT_DEPOT for oral */
    /* haemodialysis sessions and the supplement after each (per_week 0: none, the default);
     * gabasim/dialysis.h fills it for a patient on dialysis */
    struct gs_hd_schedule hd;
};

/* An empty oral regimen (cmt = depot, no steps, no dialysis sessions). */
void gs_regimen_init(struct gs_regimen *r);

/* Parses a titration schedule "DAY:DOSExN[,DAY:DOSExN...]" (N doses a day, evenly spaced), e.g.
 * "1:300mgx1,2:300mgx2,3:300mgx3", replacing the regimen's steps. Days are whole numbers from 1,
 * strictly increasing; N is 1 to 24. */
gs_status gs_regimen_parse_titration(struct gs_regimen *r, const char *text, const char *field,
                                     struct gs_error *err);

/* Checks doses against [GS_MIN_DOSE_MG, max_dose_mg], intervals against (0, GS_MAX_INTERVAL_H], the
 * end against (0, GS_MAX_DURATION_H], that missed doses match scheduled ones, that steps are in
 * order, and that SS starts from a repeated dose; with dialysis sessions, the schedule
 * (gs_hd_schedule_check), a resolved supplement (0 or a dose in the limits) and no SS start. */
gs_status gs_regimen_validate(const struct gs_regimen *r, double max_dose_mg, struct gs_error *err);

/* Sessions are expanded up to this time (h): past any output time a simulation accepts. */
#define GS_HD_HORIZON_H (GS_MAX_DURATION_H + 14.0 * 24.0)

/* Appends the regimen's dose records to `out` (sorted, ADDL 0); with dialysis sessions
 * (hd.per_week > 0) also a GS_EVID_HD record per session up to GS_HD_HORIZON_H and, while doses
 * are given (before the dosing end, or for n_doses before the last scheduled dose plus its
 * interval), the supplement as a dose when each session ends. */
gs_status gs_regimen_expand(const struct gs_regimen *r, struct gs_event_list *out,
                            struct gs_error *err);

/* The maintenance step (the last one): the dose and interval steady-state metrics refer to. */
const struct gs_regimen_step *gs_regimen_maintenance(const struct gs_regimen *r);

/* Time of the last scheduled or extra dose, after expansion (NaN if none). */
double gs_regimen_last_dose_h(const struct gs_regimen *r);

#ifdef __cplusplus
}
#endif
#endif
