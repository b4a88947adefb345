/* solve_int.h - private to src/solve: the propagator that moves a state between event times.
 *
 * Two implementations behind one small interface: the structure's closed form (exact from the
 * last reset point, so no error accumulates over outputs) and CVODE (re-initialised at every
 * discontinuity, never stepping past the next event: CVodeSetStopTime).
 */
#ifndef GABASIM_SOLVE_INT_H
#define GABASIM_SOLVE_INT_H

#include "gabasim/model.h"
#include "gabasim/simulate.h"

struct gs__prop {
    const struct gs_model *m;
    int exact;
    size_t n_body, n_states;      /* of the structure: gabasim/model.h */
    double t0, y0[GS_MAX_STATES]; /* last reset point (state arrays passed in hold as many) */
    double t, y[GS_MAX_STATES];   /* last reported point */
    /* CVODE objects (NULL on the exact path) */
    void *sunctx;
    void *cvode;
    void *nv_y, *nv_atol, *nv_cons;
    void *mat, *ls;
    int need_reinit;
    double atol_mg, rtol;
    double scale_mg; /* largest body amount at the last reset */
    /* zero-order inputs running (infusions), mg/h into each body state, and how many; the
     * caller resets after changing them (CVODE path only: closed forms take bolus doses) */
    double inf_mg_h[GS_MAX_BODY]; /* by body compartment (0 depot, 1 central, 2.. extras) */
    int n_inf[GS_MAX_BODY];
    /* compartments turned off (EVID 2, CMT < 0) and held here, by body compartment: kept
     * empty, their derivative zeroed and what flows into them counted as eliminated (CVODE path
     * only; simulate.c's set_off says which compartments are held this way) */
    unsigned char off[GS_MAX_BODY];
};

gs_status gs__prop_init(struct gs__prop *p, const struct gs_model *m,
                        const struct gs_sim_options *opt, struct gs_error *err);
/* Switches to another individual model of the same structure (time-varying covariates,
 * occasions); the caller resets afterwards. `m` must outlive the propagator's use of it. */
void gs__prop_set_model(struct gs__prop *p, const struct gs_model *m);
/* Restarts from state y at time t (after a dose or any jump). */
void gs__prop_reset(struct gs__prop *p, double t, const double *y);
/* Advances to t_out (>= current time), never integrating past t_stop (>= t_out); writes y. */
gs_status gs__prop_advance(struct gs__prop *p, double t_out, double t_stop, double *y,
                           struct gs_error *err);
void gs__prop_free(struct gs__prop *p);

/* gs_simulate_steady_state for a dose given as an infusion at `rate_mg_h` (0: a bolus), the
 * dose's lag taken modulo the interval (a lag of II or more: the doses still on their way are
 * the caller's to give). An infusion may outlast the interval (the overlapping ones are summed);
 * amt_mg 0 with rate_mg_h above 0 is a constant infusion (ii_h not used). */
gs_status gs__steady_state(const struct gs_simulate_steady_state_request *req, double rate_mg_h,
                           double *x, int *iterations, struct gs_error *err);

/* Batched Dormand-Prince 5(4) (rk_batch.c): up to GS_LANES subjects of one structure that has
 * rhs_lanes, sharing dose events (bolus, no SS or reset, same lag) and output times. Integrates
 * the GS_N_CORE states only and writes out[n_out][GS_N_CORE][GS_LANES]; `steps` (may be NULL)
 * receives the accepted+rejected steps. */
gs_status gs__rk_batch(const struct gs_model *models, int n_lanes, const struct gs_event_list *ev,
                       const double *t_out, size_t n_out, const struct gs_sim_options *opt,
                       double *out, long *steps, struct gs_error *err);

/* Closed-form counterpart of gs__rk_batch for linear structures (linear_batch.c): same
 * arguments and output layout, exact. */
gs_status gs__linear_batch(const struct gs_model *models, int n_lanes,
                           const struct gs_event_list *ev, const double *t_out, size_t n_out,
                           double *out, struct gs_error *err);

#endif
