/* gabasim/model.h - model structures (implemented once in C) and individual models (numbers).
 *
 * A structure is a type object, after GSL's gsl_odeiv2_step_type: its name, its parameters with
 * units, its states, the right-hand side of its ODEs and, for linear structures, an exact
 * (closed-form) propagator. A drug file names a structure and gives the parameters; an individual
 * model is a structure plus one person's parameter values. Changing a drug never needs C.
 *
 * Every structure keeps the same state layout so that mass balance and outputs are generic:
 *   y[0] depot (gut) amount, mg         y[1] central amount, mg
 *   y[2] AUC of the central concentration, mg*h/L (cumulative)
 *   y[3] never absorbed, cumulative mg  y[4] eliminated, cumulative mg
 * The first GS_N_CORE states are all a population needs; the batched integrator integrates only
 * those (the last two are bookkeeping for mass balance).
 *
 * A structure may add `n_extra` body compartments (amounts in mg: peripheral, transit, ...) after
 * those: y[GS_N_STATES + j] for compartment CMT 3 + j. Profiles (gabasim/simulate.h) keep the
 * GS_N_STATES columns above; the extras are internal state. Batched integrators hold the core
 * states and then the extras: row GS_N_CORE + j (gs_model_lane_row).
 */
#ifndef GABASIM_MODEL_H
#define GABASIM_MODEL_H

#include <stddef.h>

#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    GS_Y_DEPOT = 0,
    GS_Y_CENTRAL = 1,
    GS_Y_AUC = 2,
    GS_Y_UNABSORBED = 3,
    GS_Y_ELIMINATED = 4,
    GS_N_STATES = 5,
    GS_N_CORE = 3,     /* depot, central, AUC */
    GS_N_BODY = 2,     /* y[0..GS_N_BODY) are amounts in the body (and the extras below) */
    GS_MAX_EXTRA = 14, /* extra body compartments a structure may have */
    GS_MAX_STATES = GS_N_STATES + GS_MAX_EXTRA,
    GS_MAX_BODY = GS_N_BODY + GS_MAX_EXTRA,
};

#define GS_MAX_PARAMS 16
#define GS_LANES      32 /* subjects per batch in the vectorised integrator */

/* A parameter slot of a structure. `unit` is the only unit the drug file may use for it. */
struct gs_param_def {
    const char *name;
    const char *unit;
    const char *meaning;
    int required;      /* 0: optional, `fallback` used when absent */
    double fallback;   /* value when optional and absent */
    double min, max;   /* plausibility bounds checked at load: min <= v <= max ... */
    int min_exclusive; /* ... with min < v when set (rates, volumes, clearances) */
};

/* Right-hand side: dy/dt at time t. Returns 0 on success, <0 to stop the solve (CVODE's rule). */
typedef int (*gs_rhs_fn)(double t_h, const double *y, double *dydt, const double *p);

struct gs_structure {
    const char *name;    /* as written in drug files: "oral_1cmt_linear" */
    const char *summary; /* one line for `gabasim drugs` */
    size_t n_params;
    const struct gs_param_def *params;
    gs_rhs_fn rhs;
    /* The right-hand side of the GS_N_CORE states (depot, central, AUC) for GS_LANES subjects at
     * once, structure-of-arrays: y[state * GS_LANES + lane], p[param * GS_LANES + lane], where
     * rows n_params..GS_MAX_PARAMS-1 of p hold what lanes_prepare derived. NULL if not provided.
     * Plain loops over lanes, so the compiler vectorises them (populations use it). It may read
     * only the body amounts y[0..GS_N_BODY) (the AUC is an output, never an input): the batched
     * integrator leaves the AUC row of its intermediate stages unformed. */
    void (*rhs_lanes)(const double *y, double *dydt, const double *p);
    /* Fills the spare parameter rows with derived constants (e.g. 1/V) once per batch. */
    void (*lanes_prepare)(double *p);
    /* Exact propagation of y over dt (closed form); NULL for nonlinear structures. */
    void (*exact)(const double *p, double dt_h, double *y);
    /* The same as a GS_N_CORE x GS_N_CORE matrix (row-major, y_new = M y over the core
     * states), sharing the exponentials; NULL if not provided (populations then use `exact` on
     * unit vectors). */
    void (*exact_matrix)(const double *p, double dt_h, double *m);
    /* Puts a bolus of `amt` mg into compartment `cmt` (1 depot, 2 central). */
    void (*dose)(const double *p, int cmt, double amt_mg, double *y);
    /* Delay between a dose record and the dose reaching compartment `cmt`, h. */
    double (*lag)(const double *p, int cmt);
    /* Central volume, L (concentration = y[GS_Y_CENTRAL] / volume). */
    double (*volume)(const double *p);
    /* Clearance, L/h. */
    double (*clearance)(const double *p);
    /* Terminal (slowest) rate constant of the linearised system at low amounts, 1/h. */
    double (*lambda_z)(const double *p);
    /* Body compartments beyond depot and central (0 for the built-ins), at most GS_MAX_EXTRA. */
    size_t n_extra;
    /* Exact Jacobian of the body amounts' right-hand side at y (full layout, gabasim/model.h;
     * only the body amounts read), over the n = gs_model_n_body() body compartments in body order
     * (depot, central, extras): j_y[i * n + k] = d(dy_i/dt)/d(y_k) and, unless NULL,
     * j_p[i * n_params + k] = d(dy_i/dt)/d(p_k) (no infusion terms: they depend on neither).
     * 0 on success, < 0 if not available at this point. NULL if the structure gives none (the
     * TDM optimiser then differentiates numerically). */
    int (*jac)(double t_h, const double *y, const double *p, double *j_y, double *j_p);
};

/* Body compartments of a structure (depot, central and its extras). */
static inline size_t gs_model_n_body(const struct gs_structure *s)
{
    return GS_N_BODY + s->n_extra;
}
/* States of a structure in the full layout (simulate, CVODE). */
static inline size_t gs_model_n_states(const struct gs_structure *s)
{
    return GS_N_STATES + s->n_extra;
}
/* Index in the full layout of body compartment k (0 depot, 1 central, 2.. the extras). */
static inline size_t gs_model_body_index(size_t k)
{
    return k < GS_N_BODY ? k : GS_N_STATES + (k - GS_N_BODY);
}
/* Index in the full layout of compartment CMT (1 depot, 2 central, 3.. the extras). */
static inline size_t gs_model_cmt_index(int cmt)
{
    return gs_model_body_index((size_t)(cmt - 1));
}

/* Looks a structure up by name; NULL if unknown. */
const struct gs_structure *gs_model_structure_find(const char *name);

/* All structures, NULL-terminated (for listings and help). */
const struct gs_structure *const *gs_model_structure_all(void);

/* Index of a parameter in the structure's list, or -1. */
int gs_model_structure_param_index(const struct gs_structure *s, const char *name);

/* One individual's model: a plain value, cheap to copy, no allocation (populations make one per
 * subject). p[] follows the structure's parameter order, in the structure's units. */
struct gs_model {
    const struct gs_structure *structure;
    double p[GS_MAX_PARAMS];
    /* Clearance added to parameter "CL" while a haemodialysis session (GS_EVID_HD) runs, L/h: 0
     * removes nothing, NaN (a drug without model.haemodialysis) makes a session an error. Not
     * touched by random effects or parameter multipliers. */
    double hd_cl_l_h;
};

/* Concentration in the central compartment, mg/L. */
double gs_model_conc(const struct gs_model *m, const double *y);

#ifdef __cplusplus
}
#endif
#endif
