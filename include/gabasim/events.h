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
    GS_EVID_OBS = 0,        /* observation (no dose) */
    GS_EVID_DOSE = 1,       /* dose */
    GS_EVID_OTHER = 2,      /* other-type event (an output time, a covariate change) */
    GS_EVID_RESET = 3,      /* reset all compartments to zero */
    GS_EVID_RESET_DOSE = 4, /* reset, then dose */
    /* a haemodialysis session of dur_h hours from time_h: the model's hd_cl_l_h is added to its
     * clearance meanwhile. gabasim's own kind: a dataset writes it as EVID 2 with HD 1 and DUR
     * (gabasim/dataset_sim.h). Sessions must not overlap. */
    GS_EVID_HD = 5,
};

#define GS_CMT_DEPOT   1
#define GS_CMT_CENTRAL 2

/* Upper bound on doses in one simulation after ADDL expansion (memory ceiling, documented). */
#define GS_MAX_DOSES 100000

struct gs_event {
    double time_h;
    enum gs_evid evid;
    double amt_mg;    /* dose amount */
    int cmt;          /* compartment receiving the dose (GS_CMT_*) */
    double rate_mg_h; /* 0 = bolus; >0 zero-order input (not yet supported by the solvers) */
    double ii_h;      /* interdose interval for ADDL and SS */
    long addl;        /* additional doses after this one, every ii_h */
    int ss;       /* 0 none; 1 reset to the steady state of this dose before giving it; 2 add it */
    double dur_h; /* GS_EVID_HD: the session's length, h (0 otherwise) */
};

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

/* Checks every record: finite non-negative time, AMT > 0 for doses, known CMT, II > 0 when ADDL
 * or SS is set, RATE 0 (infusions are not supported yet); a session's DUR above 0 up to
 * GS_HD_MAX_DUR_H. */
#define GS_HD_MAX_DUR_H 24.0
gs_status gs_event_list_validate(const struct gs_event_list *l, int n_cmt, struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
