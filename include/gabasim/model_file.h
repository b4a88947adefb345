/* gabasim/model_file.h - models users write themselves (docs/model-files.md).
 *
 * A model file is text in blocks after mrgsolve's ($PARAM, $CMT, $MAIN, $ODE, ...). It is parsed
 * into an expression bytecode evaluated for GS_LANES subjects per instruction, so no compiler is
 * needed at run time. The same bytecode is differentiated in forward mode for exact Jacobians.
 *
 * Ownership: gs_model_file_load/parse give a new object the caller frees with
 * gs_model_file_free (NULL is a no-op). A model plugged in as a structure
 * (gs_model_file_structure) must outlive every use of that structure.
 */
#ifndef GABASIM_MODEL_FILE_H
#define GABASIM_MODEL_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "gabasim/error.h"
#include "gabasim/model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gs_model_file gs_model_file;
struct gs_drug;

/* What a name belongs to, for the accessors below. */
enum gs_mf_kind { GS_MF_PARAM, GS_MF_COV, GS_MF_ETA, GS_MF_CMT, GS_MF_OUTPUT };

/* Reads `path`, or when it has no '/' and does not end in ".model" the library model
 * <data dir>/models/<path>.model. Errors: GS_NOTFOUND, GS_IO, GS_INPUT with
 * "FILE:LINE:COL: ..." naming the token and what was expected. */
gs_status gs_model_file_load(gs_model_file **out, const char *path, struct gs_error *err);
/* Parses `len` bytes of model text; `origin` names it in messages. */
gs_status gs_model_file_parse(gs_model_file **out, const char *text, size_t len, const char *origin,
                              struct gs_error *err);
void gs_model_file_free(gs_model_file *m);

const char *gs_model_file_title(const gs_model_file *m);  /* $PROB, "" if none */
const char *gs_model_file_source(const gs_model_file *m); /* $SOURCE, "" if none */
size_t gs_model_file_count(const gs_model_file *m, enum gs_mf_kind kind);
const char *gs_model_file_name(const gs_model_file *m, enum gs_mf_kind kind, size_t i);
/* Index of `name` among `kind`, or -1. */
int gs_model_file_index(const gs_model_file *m, enum gs_mf_kind kind, const char *name);
/* Typical value of a parameter, or the reference value of a covariate; its unit. */
double gs_model_file_value(const gs_model_file *m, enum gs_mf_kind kind, size_t i);
const char *gs_model_file_unit(const gs_model_file *m, enum gs_mf_kind kind, size_t i);
/* Omega (n_eta x n_eta, row-major, full) into `cov`. */
void gs_model_file_omega(const gs_model_file *m, double *cov);
/* Residual error of the first output: additive (output's unit) and proportional (fraction). */
void gs_model_file_residual(const gs_model_file *m, double *additive, double *proportional);
/* Number of bytecode instructions of the ODE program (for reports and tests). */
size_t gs_model_file_ode_size(const gs_model_file *m);

/* A dose record: bolus (rate 0), infusion at `rate` amount/h (> 0) or with the duration D_CMT
 * the model computes (rate -2); repeated `addl` more times every `ii` h. cmt counts from 1. */
struct gs_mf_dose {
    double time_h, amt;
    int cmt;
    double rate, ii;
    int addl;
};

/* A simulation of n_subjects sharing doses and output times. Per-subject inputs are row-major
 * [subject][index]; NULL means the typical values (params), the reference values (covariates)
 * or zero (etas). The records at one time are applied before the outputs at that time. */
struct gs_mf_sim_request {
    const gs_model_file *model;
    size_t n_subjects;
    const double *params, *covs, *etas;
    const struct gs_mf_dose *doses;
    size_t n_doses;
    const double *times_h; /* increasing, >= 0 */
    size_t n_times;
    double rtol, atol; /* 0: 1e-8 and 1e-10 */
    int stiff;         /* 1: CVODE BDF per subject with the exact Jacobian (stiff models) */
};

/* out[(subject * n_times + k) * (n_cmt + n_out) + j]: the compartment amounts then the outputs
 * at times_h[k]. Integrated by Dormand-Prince 5(4), GS_LANES subjects per step, or with `stiff`
 * by SUNDIALS CVODE (BDF, dense linear solver) given the forward-mode Jacobian. */
gs_status gs_model_file_simulate(const struct gs_mf_sim_request *rq, double *out,
                                 struct gs_error *err);

/* A model file's own simulation, without a drug (`gabasim simulate --model NAME` alone): n_doses
 * doses of `dose` (the model's amount unit) every ii_h hours from time 0 into compartment `cmt`
 * (from 1), as boluses (rate 0), at `rate` amount/h, or over the modelled duration D_CMT (rate
 * -2); typical parameters, reference covariates, etas 0. Writes CSV to `out`: time_h, every
 * compartment's amount, every $OUTPUT, from 0 to until_h every step_h (at most 100001 rows).
 * Any number of compartments and parameters. One-line errors name the option (--dose, --doses,
 * --every, --cmt, --until, --out-every). */
struct gs_mf_run_request {
    const gs_model_file *model;
    double dose, ii_h;
    long n_doses;
    int cmt;
    double rate;
    double until_h, step_h;
    double rtol, atol; /* 0: 1e-8 and 1e-10 */
    int stiff;
};
gs_status gs_model_file_run_csv(const struct gs_mf_run_request *rq, FILE *out,
                                struct gs_error *err);

/* Exact Jacobian (forward-mode differentiation of the bytecode) of the derivatives at amounts
 * y (n_cmt) and time t for one subject: jac[i * n + j] = d(dxdt_i)/d(y_j). With wrt_params,
 * the n_cmt x n_par matrix d(dxdt_i)/d(param_j) instead. params/covs/etas as in the request
 * (one subject; NULL allowed). */
gs_status gs_model_file_jacobian(const gs_model_file *m, const double *params, const double *covs,
                                 const double *etas, const double *y, double t_h, int wrt_params,
                                 double *jac, struct gs_error *err);

/* The model as a structure the drug pipeline can use (registered so gs_model_structure_find
 * finds it under the model's file name). Needs 2 to GS_MAX_BODY compartments, amounts in mg
 * (the first the depot, the second the central compartment, the others extra compartments of
 * the structure: gabasim/model.h), parameters "V" (L) and "CL" (L/h), at most GS_MAX_PARAMS
 * parameters; an optional parameter "tlag" (h) delays depot doses, and an $ODE variable "LOSS"
 * (mg/h) is the depot's unabsorbed loss. $MAIN, covariates and etas are not used there: the
 * drug file individualises the parameters. */
gs_status gs_model_file_structure(gs_model_file *m, const struct gs_structure **out,
                                  struct gs_error *err);

/* Loads drug `drug` (name or file) with its structure replaced by the model file `model` (path
 * or library name): the drug's parameters, covariate relations and variability are kept and fed
 * to the model's parameters of the same names. *model_out owns the model (free it after the drug).
 */
gs_status gs_drug_load_with_model(struct gs_drug **out, gs_model_file **model_out, const char *drug,
                                  const char *model, struct gs_error *err);

/* Internal (src/pk/structures.c): a registered model-file structure by name, or NULL. */
const struct gs_structure *gs__model_file_structure_find(const char *name);

#ifdef __cplusplus
}
#endif
#endif
