/* gabasim/simulate.h - the engine: event records + an individual model -> a profile.
 *
 * Linear structures are propagated in closed form between events (exact, and by linearity the
 * superposition of every dose); nonlinear ones with SUNDIALS CVODE (BDF, dense linear solver,
 * non-negativity constraints), stopping exactly at every event so doses are never smeared.
 * Steady state is a periodic solution of the one-interval map: solved exactly for linear
 * structures and by Newton's method for nonlinear ones.
 *
 * Conventions: output at a dose time includes that dose (right-continuous); a dose record's lag
 * moves the dose, not the record; SS=1 replaces the body's amounts by the steady state of that
 * dose and interval at the record time, then gives the dose; SS=2 adds that steady state to the
 * amounts present. A dose with RATE above 0 (or -1/-2, gabasim/events.h) is a zero-order input,
 * integrated by CVODE. EVID 2 with CMT < 0 empties compartment -CMT and holds it empty until
 * CMT > 0 or a dose turns it on.
 */
#ifndef GABASIM_SIMULATE_H
#define GABASIM_SIMULATE_H

#include <stddef.h>

#include "gabasim/events.h"
#include "gabasim/model.h"
#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum gs_solver_kind {
    GS_SOLVER_AUTO = 0, /* closed form when the structure has one, else CVODE */
    GS_SOLVER_EXACT,    /* closed form only (GS_UNSUPPORTED for nonlinear structures) */
    GS_SOLVER_CVODE,    /* CVODE even for linear structures (used to cross-check) */
};

struct gs_sim_options {
    enum gs_solver_kind solver;
    double rtol;    /* CVODE relative tolerance */
    double atol_mg; /* CVODE absolute tolerance on amounts, mg */
};

#define GS_SIM_OPTIONS_DEFAULT                                                                     \
    {                                                                                              \
        GS_SOLVER_AUTO, 1e-8, 1e-9                                                                 \
    }

/* Checks tolerances (0 < rtol < 1, 0 < atol) with a named message. */
gs_status gs_simulate_options_check(const struct gs_sim_options *opt, struct gs_error *err);

/* A simulated profile, caller-owned: GS_PROFILE_INIT, then gs_simulate_profile_release(). */
struct gs_profile {
    size_t n;
    double *t_h;
    double *conc_mg_l;
    double *y;        /* n x GS_N_STATES, row-major, layout of gabasim/model.h */
    double *input_mg; /* per row: doses given + amount placed by SS resets - removed by resets */
    /* mass accounting over the whole run: given doses, placed by SS resets, removed by resets */
    double dosed_mg;
    double ss_added_mg;
    double reset_removed_mg;
    /* the structure's extra compartments (gabasim/model.h), mg: n x n_extra, row-major; NULL
     * when it has none */
    size_t n_extra;
    double *y_extra;
};
#define GS_PROFILE_INIT                                                                            \
    {                                                                                              \
        0, NULL, NULL, NULL, NULL, 0.0, 0.0, 0.0, 0, NULL                                          \
    }
void gs_simulate_profile_release(struct gs_profile *p);

/* Simulates the (ADDL-expanded, time-sorted) `events` and reports the state at each of the
 * `n_out` ascending times `t_out`. Starts empty at min(0, first event, first output). */
gs_status gs_simulate(const struct gs_model *m, const struct gs_event_list *events,
                      const double *t_out, size_t n_out, const struct gs_sim_options *opt,
                      struct gs_profile *out, struct gs_error *err);

/* A simulation with parameters that change over time (time-varying covariates, occasions):
 * models[0] holds from the start, models[k] from change_h[k] on. All models share one
 * structure; amounts carry over at a change. */
struct gs_simulate_tv_request {
    const struct gs_model *models; /* n_models individual models, one structure */
    /* n_models ascending times, h (change_h[0] is ignored); NULL: the models change where the
     * events hold a GS_EVID_MODEL record, in their order */
    const double *change_h;
    size_t n_models;                    /* 1 or more */
    const struct gs_event_list *events; /* ADDL-expanded, time-sorted */
    /* n_out ascending output times, h (an output at an event's time follows it); NULL: the
     * outputs are the events' GS_EVID_OBS records (n_out of them), each taken where it stands
     * among the events at its time (NONMEM's record order) */
    const double *t_out;
    size_t n_out;
    const struct gs_sim_options *sim; /* solver and tolerances */
};
/* gs_simulate for req's changing models, into *out. */
gs_status gs_simulate_tv(const struct gs_simulate_tv_request *req, struct gs_profile *out,
                         struct gs_error *err);

/* A steady state: `amt_mg` into `cmt` every `ii_h`. */
struct gs_simulate_steady_state_request {
    const struct gs_model *model;
    double amt_mg; /* each dose, mg, above 0 */
    int cmt;       /* compartment receiving it (GS_CMT_*) */
    double ii_h;   /* dosing interval, h, above 0 and above the compartment's lag */
    const struct gs_sim_options *sim; /* solver and tolerances */
};
/* The body amounts y_pre[0..n) just before a dose such that one more interval returns to them,
 * n = gs_model_n_body(structure): depot, central, then the structure's extra compartments.
 * `iterations` (may be NULL) receives the Newton iterations used (0 for the closed form). */
gs_status gs_simulate_steady_state(const struct gs_simulate_steady_state_request *req,
                                   double *y_pre, int *iterations, struct gs_error *err);

/* Mass balance of a profile row: |input - (eliminated + in body + unabsorbed)| / input (the body
 * counting the extra compartments), where
 * input counts what was given up to that row (0 if nothing was). */
double gs_simulate_mass_balance_error(const struct gs_profile *p, size_t row);

/* Output times 0, step, 2 step, ... up to `until_h`, which is always the last one (so a profile
 * ends where it was asked to), into a new array *t of *n times (the caller frees it with
 * gs_free). At most GS_SIMULATE_MAX_POINTS times: more is GS_INPUT naming '--out-every'. */
#define GS_SIMULATE_MAX_POINTS 1000000L
gs_status gs_simulate_grid(double until_h, double step_h, double **t, size_t *n,
                           struct gs_error *err);

/* ---- many subjects at once (the population engine's inner loop) ----
 * Up to GS_LANES subjects of one structure sharing dose records (bolus doses, no SS or reset,
 * the same lags) and output times: the closed form for linear structures, else a batched
 * Dormand-Prince 5(4) over the GS_N_CORE core states and the structure's extra compartments
 * (nr = GS_N_CORE + n_extra rows: depot, central, AUC, extras). Writes out[n_out][nr][GS_LANES]
 * (state i of lane l at time k: out[(k * nr + i) * GS_LANES + l]); `steps` (may be NULL) gets the
 * integrator's accepted + rejected steps. */
struct gs_simulate_batch_request {
    const struct gs_model *models; /* n_lanes individual models, one structure */
    int n_lanes;                   /* 1 to GS_LANES */
    const struct gs_event_list *events;
    const double *t_out;
    size_t n_out;
    const struct gs_sim_options *sim; /* tolerances of the integrator */
};
gs_status gs_simulate_batch(const struct gs_simulate_batch_request *req, double *out, long *steps,
                            struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
