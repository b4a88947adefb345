/* gabasim/events.h - the one event-record type every regimen and dataset becomes.
 *
 * Modelled on NONMEM's data records (EVID, AMT, CMT, RATE, II, ADDL, SS) and on mrgsolve's
 * datarecord, with an enum plus plain fields inside; NONMEM column names appear only at the file
 * boundary. Compartments are numbered as in NONMEM's ADVAN2: 1 = depot (gut), 2 = central.
 */
#ifndef GABASIM_EVENTS_H
#define GABASIM_EVENTS_H

#include <stddef.h>

#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum gs_evid {
    /* observation (no dose); in an event list, an output time of a gs_simulate_tv_request whose
     * t_out is NULL (outputs in record order, gabasim/simulate.h) */
    GS_EVID_OBS = 0,
    GS_EVID_DOSE = 1, /* dose (AMT 0: nothing is given; the compartment is turned on) */
    /* other-type event: CMT < 0 turns compartment -CMT off (emptied, held empty; drug absorbed
     * into an off central compartment is lost), CMT > 0 turns it on again, CMT 0 changes
     * nothing (NONMEM's rule, docs/datasets.md). An observation's cmt is not read: a dataset's
     * EVID 0 with CMT < 0 becomes an observation and then an EVID 2 record. */
    GS_EVID_OTHER = 2,
    GS_EVID_RESET = 3,      /* reset all compartments to zero */
    GS_EVID_RESET_DOSE = 4, /* reset, then dose */
    /* a haemodialysis session of dur_h hours from time_h: the model's hd_cl_l_h is added to its
     * clearance meanwhile. gabasim's own kind: a dataset writes it as EVID 2 with HD 1 and DUR
     * (gabasim/dataset_sim.h). Sessions must not overlap. */
    GS_EVID_HD = 5,
    /* the parameters change: from this record on, models[cmt] of a gs_simulate_tv_request whose
     * change_h is NULL is in force (gabasim's own kind: the dataset simulator writes it where a
     * record's covariates change, so that the change keeps its place among records at one TIME) */
    GS_EVID_MODEL = 6,
};

#define GS_CMT_DEPOT   1
#define GS_CMT_CENTRAL 2

/* Upper bound on doses in one simulation after ADDL expansion (memory ceiling, documented). */
#define GS_MAX_DOSES 100000

struct gs_event {
    double time_h;
    enum gs_evid evid;
    double amt_mg; /* dose amount */
    int cmt;       /* compartment receiving the dose (GS_CMT_*) */
    /* 0 = bolus; > 0 zero-order input at this rate (mg/h of the amount that enters: AMT x F
     * enters over AMT x F / RATE h); GS_RATE_MODELLED_RATE / _DURATION: rate or duration from
     * dur_h below (NONMEM RATE -1 / -2) */
    double rate_mg_h;
    double ii_h; /* interdose interval for ADDL and SS */
    long addl;   /* additional doses after this one, every ii_h */
    /* 0 none; 1 reset to the steady state of this dose before giving it; 2 add it. With AMT 0
     * and a rate: the steady state of a constant infusion at that rate (II not used), and no
     * infusion runs on after the record (mrgsolve's steady_zero, docs/datasets.md) */
    int ss;
    /* GS_EVID_HD: the session's length, h; RATE -1: the rate (mg/h), RATE -2: the duration (h)
     * of this dose's infusion (the dataset's R<n> / D<n> column); 0 otherwise */
    double dur_h;
};
#define GS_RATE_MODELLED_RATE     (-1.0)
#define GS_RATE_MODELLED_DURATION (-2.0)

/* A growable, caller-owned list. Initialise with GS_EVENT_LIST_INIT; release with
 * gs_event_list_release(). */
struct gs_event_list {
    struct gs_event *ev;
    size_t n, cap;
};
#define GS_EVENT_LIST_INIT                                                                         \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

gs_status gs_event_list_push(struct gs_event_list *l, const struct gs_event *e);
void gs_event_list_release(struct gs_event_list *l);

/* A dose record with defaults (bolus, no ADDL, no SS). */
struct gs_event gs_event_dose(double time_h, double amt_mg, int cmt);

/* Sorts by time; at equal times keeps the input order (stable). */
void gs_event_list_sort(struct gs_event_list *l);

/* Replaces every record with ADDL > 0 by 1 + ADDL single records at time + k * II (the SS flag
 * stays on the first only), then sorts. Fails if the total would exceed GS_MAX_DOSES. */
gs_status gs_event_list_expand(struct gs_event_list *l, struct gs_error *err);

/* Checks every record: finite non-negative time, AMT >= 0 for doses, known CMT, II > 0 when ADDL
 * or SS is set (not for SS with AMT 0 and a rate, a constant infusion: RATE > 0 or -1, ADDL 0),
 * RATE >= 0 or -1 (dur_h the rate, above 0) or -2 (dur_h the duration, above 0); a session's DUR
 * above 0 up to GS_HD_MAX_DUR_H. */
#define GS_HD_MAX_DUR_H 24.0
gs_status gs_event_list_validate(const struct gs_event_list *l, int n_cmt, struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
