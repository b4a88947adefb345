/* gabasim/summary.h - the numbers a clinician reads: Cmax, Tmax, AUC, half-life, steady state.
 *
 * Definitions (docs/model.md gives the same):
 * - cmax/tmax: highest concentration after the first dose, before the second (or within 48 h of
 *   a single dose); tmax counted from the first dose. Found on a 4000-point grid over that window
 *   and refined by a parabola through the highest three points.
 * - auc: to infinity for a single dose (simulated for 12 terminal half-lives, the remainder in
 *   the body added as amount/CL, exact for linear elimination); otherwise over the profile.
 * - half_life: terminal, ln 2 / lambda_z of the linearised model (the slower of elimination and
 *   absorption); elimination half-life ln 2 * V / CL is reported beside it.
 * - ss_*: over one interval of the maintenance dose at the true periodic steady state.
 * - ss_fraction_absorbed: at steady state, the part of each dose that reaches the circulation.
 * - t90_ss: from the first dose of the maintenance regimen (started empty) until the average
 *   concentration over a dosing interval reaches 90 % of its steady-state value, interpolated on
 *   the log of the remaining deficit between intervals.
 */
#ifndef GABASIM_SUMMARY_H
#define GABASIM_SUMMARY_H

#include "gabasim/events.h"
#include "gabasim/model.h"
#include "gabasim/patient.h" /* struct gs_hd_schedule */
#include "gabasim/simulate.h"

#ifdef __cplusplus
extern "C" {
#endif

struct gs_summary {
    double first_dose_h, first_dose_mg;
    double cmax_mg_l, tmax_h;           /* after the first dose */
    double span_cmax_mg_l, span_tmax_h; /* over the simulated profile */
    double auc_mg_h_l;
    int auc_to_infinity;
    double half_life_h;
    double elimination_half_life_h;
    double clearance_l_h, volume_l;
    double ss_dose_mg, ss_ii_h;
    double ss_cmin_mg_l, ss_cmax_mg_l, ss_cavg_mg_l, ss_tmax_h;
    double ss_fraction_absorbed;
    double t90_ss_h;
    double mass_balance_error; /* largest over the profile rows */
    double min_amount_mg;      /* most negative amount seen (0 if none) */
    int ss_newton_iterations;
    /* Haemodialysis sessions (hd_per_week > 0): the steady state is periodic over a week, not per
     * dose. It is found by simulating the maintenance dose with the sessions and supplements from
     * empty, week by week (weeks aligned on the first session), until one week's average differs
     * from the one before by less than 0.01 % (at most GS_SUMMARY_HD_MAX_WEEKS); ss_cmin/cavg/cmax
     * are then over that week, ss_tmax_h is NaN, ss_fraction_absorbed is over the week's doses and
     * t90_ss_h is when the weekly average reaches 90 % of it (log-linear between week ends).
     * half_life_h stays the between-session (anuric) one. */
    int hd_per_week;
    double hd_cl_l_h;      /* dialysis clearance added during a session, L/h */
    double hd_half_life_h; /* ln 2 V / (CL + hd_cl): during a session */
    double hd_supplement_mg;
    int hd_weeks;          /* weeks simulated to reach the periodic week */
    int hd_converged;      /* 0: the last week still changed by more than 0.01 % */
    double hd_week_from_h; /* start of that week (its first session's start), h */
    double hd_session_h[GS_HD_MAX_PER_WEEK]; /* each session's start, h from hd_week_from_h */
    double hd_pre_mg_l[GS_HD_MAX_PER_WEEK];  /* concentration as each session starts */
    double hd_post_mg_l[GS_HD_MAX_PER_WEEK]; /* and as it ends (before the supplement) */
};
#define GS_SUMMARY_HD_MAX_WEEKS 52

/* What gs_summarize summarises: a profile and the maintenance dose whose steady state it
 * reports. */
struct gs_summary_request {
    const struct gs_model *model;       /* the individual model the profile was simulated with */
    const struct gs_event_list *events; /* the events it was simulated from */
    const struct gs_profile *profile;
    double ss_dose_mg; /* maintenance dose, mg */
    double ss_ii_h;    /* its interval, h; not above 0 (NaN): a single dose, no steady state */
    int cmt;           /* compartment receiving it (GS_CMT_*) */
    const struct gs_sim_options *sim; /* for the auxiliary simulations gs_summarize runs */
};

/* Computes the summary of req->profile and the steady state of req's maintenance dose into *s. */
gs_status gs_summarize(const struct gs_summary_request *req, struct gs_summary *s,
                       struct gs_error *err);

/* gs_summarize for a regimen with dialysis sessions and a supplement `hd` (the regimen's hd; the
 * model's hd_cl_l_h is what a session removes): the steady state is the periodic week described
 * above. hd NULL or without sessions: the same as gs_summarize. */
gs_status gs_summarize_hd(const struct gs_summary_request *req, const struct gs_hd_schedule *hd,
                          struct gs_summary *s, struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
