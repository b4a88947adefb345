/* propagate.c - closed-form and CVODE propagation between events. */
#include <cvode/cvode.h>
#include <math.h>
#include <nvector/nvector_serial.h>
#include <string.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include "solve_int.h"

/* CVODE calls back with the propagator in user_data; its current model's RHS does the work. */
static int cv_rhs(realtype t, N_Vector y, N_Vector ydot, void *user)
{
    const struct gs__prop *p = user;
    const struct gs_model *m = p->m;
    int rc = m->structure->rhs(t, NV_DATA_S(y), NV_DATA_S(ydot), m->p) < 0 ? -1 : 0;
    double *dy = NV_DATA_S(ydot);
    for (size_t k = 0; k < p->n_body; k++) /* zero-order inputs (infusions) */
        dy[gs_model_body_index(k)] += p->inf_mg_h[k];
    for (size_t k = 0; k < p->n_body; k++) /* compartments off, held here: kept empty */
        if (p->off[k]) {
            size_t i = gs_model_body_index(k);
            dy[GS_Y_ELIMINATED] += dy[i];
            dy[i] = 0.0;
        }
    return rc;
}

/* The library never prints: CVODE's messages are dropped and its return flags reported. */
static void cv_silent(int code, const char *module, const char *fn, char *msg, void *user)
{
    (void)code, (void)module, (void)fn, (void)msg, (void)user;
}

/* Static names for CVODE's failure flags (CVodeGetReturnFlagName allocates). */
static const char *cv_flag_name(int flag)
{
    switch (flag) {
    case CV_TOO_MUCH_WORK:
        return "too many steps";
    case CV_TOO_MUCH_ACC:
        return "tolerance too tight";
    case CV_ERR_FAILURE:
        return "repeated error-test failures";
    case CV_CONV_FAILURE:
        return "repeated convergence failures";
    case CV_RHSFUNC_FAIL:
        return "model right-hand side failed";
    case CV_CONSTR_FAIL:
        return "non-negativity constraint could not be met";
    default:
        return "solver error";
    }
}

gs_status gs__prop_init(struct gs__prop *p, const struct gs_model *m,
                        const struct gs_sim_options *opt, struct gs_error *err)
{
    memset(p, 0, sizeof *p);
    p->m = m;
    p->atol_mg = opt->atol_mg;
    p->rtol = opt->rtol;
    p->n_body = gs_model_n_body(m->structure);
    p->n_states = gs_model_n_states(m->structure);
    if (opt->solver == GS_SOLVER_EXACT && m->structure->exact == NULL)
        return gs_error_set(err, GS_UNSUPPORTED, "--solver",
                            "'--solver exact' needs a closed form; structure '%s' is nonlinear "
                            "(use --solver auto or cvode)",
                            m->structure->name);
    p->exact = m->structure->exact != NULL && opt->solver != GS_SOLVER_CVODE;
    if (p->exact)
        return GS_OK;

    SUNContext ctx = NULL;
    if (SUNContext_Create(NULL, &ctx) != 0)
        return gs_error_set(err, GS_NOMEM, "solver", "cannot create a SUNDIALS context");
    p->sunctx = ctx;
    sunindextype ns = (sunindextype)p->n_states;
    N_Vector y = N_VNew_Serial(ns, ctx);
    N_Vector atol = N_VNew_Serial(ns, ctx);
    N_Vector cons = N_VNew_Serial(ns, ctx);
    p->nv_y = y, p->nv_atol = atol, p->nv_cons = cons;
    if (!y || !atol || !cons)
        goto nomem;
    N_VConst(0.0, y);
    N_VConst(opt->atol_mg, atol);
    /* AUC is in mg*h/L; scale its absolute tolerance by the volume so it matches the amounts'. */
    NV_Ith_S(atol, GS_Y_AUC) = opt->atol_mg / m->structure->volume(m->p);
    N_VConst(1.0, cons);
    void *cv = CVodeCreate(CV_BDF, ctx);
    p->cvode = cv;
    if (cv == NULL)
        goto nomem;
    SUNMatrix A = SUNDenseMatrix(ns, ns, ctx);
    SUNLinearSolver LS = A ? SUNLinSol_Dense(y, A, ctx) : NULL;
    p->mat = A, p->ls = LS;
    if (!A || !LS)
        goto nomem;
    if (CVodeInit(cv, cv_rhs, 0.0, y) != CV_SUCCESS ||
        CVodeSVtolerances(cv, opt->rtol, atol) != CV_SUCCESS ||
        CVodeSetLinearSolver(cv, LS, A) != CV_SUCCESS || CVodeSetUserData(cv, p) != CV_SUCCESS ||
        CVodeSetMaxNumSteps(cv, 500000) != CV_SUCCESS ||
        CVodeSetErrHandlerFn(cv, cv_silent, NULL) != CV_SUCCESS) {
        gs__prop_free(p);
        return gs_error_set(err, GS_SOLVER, "solver", "cannot configure CVODE");
    }
    p->need_reinit = 1;
    return GS_OK;
nomem:
    gs__prop_free(p);
    return gs_error_set(err, GS_NOMEM, "solver", "out of memory creating the CVODE solver");
}

void gs__prop_set_model(struct gs__prop *p, const struct gs_model *m)
{
    p->m = m;
    p->need_reinit = 1;
}

void gs__prop_reset(struct gs__prop *p, double t, const double *y)
{
    p->t0 = p->t = t;
    memcpy(p->y0, y, p->n_states * sizeof *y);
    memcpy(p->y, y, p->n_states * sizeof *y);
    p->need_reinit = 1;
    p->scale_mg = 0.0;
    for (size_t k = 0; k < p->n_body; k++)
        p->scale_mg = fmax(p->scale_mg, fabs(y[gs_model_body_index(k)]));
}

gs_status gs__prop_advance(struct gs__prop *p, double t_out, double t_stop, double *y,
                           struct gs_error *err)
{
    if (t_out <= p->t) { /* nothing to integrate (equal times) */
        memcpy(y, p->y, p->n_states * sizeof *y);
        return GS_OK;
    }
    if (p->exact) {
        memcpy(y, p->y0, p->n_states * sizeof *y);
        p->m->structure->exact(p->m->p, t_out - p->t0, y);
    } else {
        N_Vector v = p->nv_y;
        if (p->need_reinit) {
            memcpy(NV_DATA_S(v), p->y0, p->n_states * sizeof *p->y0);
            if (CVodeReInit(p->cvode, p->t0, v) != CV_SUCCESS)
                return gs_error_set(err, GS_SOLVER, "solver", "CVODE re-initialisation failed");
            p->need_reinit = 0;
        }
        if (CVodeSetStopTime(p->cvode, t_stop) != CV_SUCCESS)
            return gs_error_set(err, GS_SOLVER, "solver", "CVODE rejected stop time %g h", t_stop);
        realtype tret = p->t0;
        int flag = CVode(p->cvode, t_out, v, &tret, CV_NORMAL);
        if (flag < 0)
            return gs_error_set(err, GS_SOLVER, "solver", "CVODE failed at t = %g h (%s, flag %d)",
                                tret, cv_flag_name(flag), flag);
        memcpy(y, NV_DATA_S(v), p->n_states * sizeof *y);
        /* A decaying amount that BDF undershoots by less than its error bound (10 x (atol +
         * rtol x the largest amount since the last event)) is zero to the solver's accuracy and
         * is reported as zero. Anything more negative is a failure: reported, never hidden. */
        double noise = 10.0 * (p->atol_mg + p->rtol * p->scale_mg);
        for (size_t k = 0; k < p->n_states; k++) {
            if (y[k] >= 0.0)
                continue;
            if (y[k] < -noise)
                return gs_error_set(err, GS_SOLVER, "solver",
                                    "CVODE produced a negative amount (%g mg in state %zu at t = "
                                    "%g h)",
                                    y[k], k, t_out);
            y[k] = 0.0;
        }
    }
    p->t = t_out;
    memcpy(p->y, y, p->n_states * sizeof *y);
    return GS_OK;
}

void gs__prop_free(struct gs__prop *p)
{
    if (p->cvode) {
        void *cv = p->cvode;
        CVodeFree(&cv);
    }
    if (p->ls)
        SUNLinSolFree(p->ls);
    if (p->mat)
        SUNMatDestroy(p->mat);
    if (p->nv_y)
        N_VDestroy(p->nv_y);
    if (p->nv_atol)
        N_VDestroy(p->nv_atol);
    if (p->nv_cons)
        N_VDestroy(p->nv_cons);
    if (p->sunctx) {
        SUNContext ctx = p->sunctx;
        SUNContext_Free(&ctx);
    }
    p->cvode = p->ls = p->mat = p->nv_y = p->nv_atol = p->nv_cons = p->sunctx = NULL;
}
