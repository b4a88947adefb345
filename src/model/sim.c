/* sim.c - simulating a model file: GS_LANES subjects per step by Dormand-Prince 5(4) (the
 * coefficients of src/solve/rk_batch.c: Dormand & Prince, J Comput Appl Math 1980;6:19; step
 * control after Hairer, Norsett & Wanner, Solving ODEs I), stopping exactly at every dose,
 * infusion end and output time; and exact Jacobians by forward-mode differentiation. */
#include <cvode/cvode.h>
#include <math.h>
#include <nvector/nvector_serial.h>
#include <stdlib.h>
#include <string.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include "gabasim/alloc.h"
#include "model_int.h"

#define L GS_LANES

struct frame {
    const struct gs_model_file *m;
    double **rows;
    double *store; /* rows of inputs, t and work registers */
    double *inf;   /* infusion rate into each compartment, [n_cmt][L] */
    /* What the integrator runs at each stage (frame_lanes): the part of $ODE that depends on
     * the amounts or t, plus the infusion rates, as a lane program writing dy in place; the
     * rest of $ODE (`prep`) runs once after $MAIN. Empty when not compiled. */
    struct mf_prog prep;
    struct mf_lprog lp;
    double *work;
};

static void frame_free(struct frame *f)
{
    gs_free(f->rows);
    gs_free(f->store);
    gs_free(f->inf);
    gs_free(f->work);
    mf_prog_free(&f->prep);
    mf_lprog_free(&f->lp);
    f->rows = NULL;
    f->store = f->inf = f->work = NULL;
}

/* Splits $ODE into the part that depends only on $MAIN's results (prep) and the rest, compiled
 * with dy_i = dxdt_i + infusion_i into a lane program reading the frame's rows in place. */
static int frame_lanes(struct frame *f)
{
    const struct gs_model_file *m = f->m;
    size_t n_regs = m->n_reg + 2 * m->n_cmt;
    unsigned char *inv = gs_calloc(n_regs + 1, 1);
    uint32_t *loc = gs_calloc(n_regs + 1, sizeof *loc), *outl = gs_calloc(m->n_cmt + 1, 4);
    uint16_t *outr = gs_calloc(m->n_cmt + 1, sizeof *outr);
    struct mf_prog var = {0};
    int rc = -1;
    if (!inv || !loc || !outl || !outr)
        goto done;
    for (size_t r = 0; r < m->r_cmt; r++)
        inv[r] = 1;
    for (size_t i = 0; i < m->main.n; i++)
        inv[m->main.ins[i].dst] = 1;
    for (size_t i = 0; i < m->ode.n; i++) {
        const struct mf_ins *in = &m->ode.ins[i];
        inv[in->dst] = inv[in->a] && inv[in->b];
        if (mf_prog_emit(inv[in->dst] ? &f->prep : &var, in->op, in->dst, in->a, in->b))
            goto done;
    }
    for (size_t r = 0; r < n_regs; r++)
        loc[r] = r < m->n_const ? MF_LOC(MF_B_CONST, r)
                 : r < m->r_par ? MF_LOC_NONE
                 : r < m->n_reg ? MF_LOC(MF_B_IN, r - m->r_par)
                                : MF_LOC_NONE;
    for (size_t i = 0; i < m->n_cmt; i++) {
        size_t r_inf = m->n_reg + i, r_dy = m->n_reg + m->n_cmt + i;
        loc[m->r_cmt + i] = MF_LOC(MF_B_Y, i);
        loc[r_inf] = MF_LOC(MF_B_FIX, i);
        if (mf_prog_emit(&var, MF_ADD, (unsigned)r_dy, m->r_dxdt[i], (unsigned)r_inf))
            goto done;
        outr[i] = (uint16_t)r_dy;
        outl[i] = MF_LOC(MF_B_DY, i);
    }
    if (n_regs < MF_NOT_SET &&
        mf_lane_compile(&var, n_regs, loc, outr, outl, m->n_cmt, &f->lp) == 0 &&
        (f->work = gs_calloc(f->lp.n_work * L + 1, sizeof(double))) != NULL)
        rc = 0;
done:
    if (rc) {
        mf_prog_free(&f->prep);
        mf_lprog_free(&f->lp);
    }
    mf_prog_free(&var);
    gs_free(inv);
    gs_free(loc);
    gs_free(outl);
    gs_free(outr);
    return rc;
}

static int frame_init(struct frame *f, const struct gs_model_file *m)
{
    static double unused[L];
    *f = (struct frame){.m = m};
    size_t n_store = m->n_reg - m->r_par;
    f->rows = gs_calloc(m->n_reg, sizeof *f->rows);
    f->store = gs_calloc(n_store * L + 1, sizeof(double));
    f->inf = gs_calloc(m->n_cmt * L + 1, sizeof(double));
    if (!f->rows || !f->store || !f->inf) {
        frame_free(f);
        return -1;
    }
    for (size_t r = 0; r < m->n_reg; r++)
        f->rows[r] = r < m->n_const ? m->konst_rows[r]
                     : r < m->r_par ? unused
                                    : f->store + (r - m->r_par) * L;
    return 0;
}

/* Inputs of subjects first..first+n-1 into lanes (the spare lanes repeat the first subject). */
static void frame_inputs(struct frame *f, const struct gs_mf_sim_request *rq, size_t first,
                         size_t n)
{
    const struct gs_model_file *m = f->m;
    for (int l = 0; l < L; l++) {
        size_t s = first + ((size_t)l < n ? (size_t)l : 0);
        for (size_t i = 0; i < m->n_par; i++)
            f->rows[m->r_par + i][l] = rq->params ? rq->params[s * m->n_par + i] : m->par[i].value;
        for (size_t i = 0; i < m->n_cov; i++)
            f->rows[m->r_cov + i][l] = rq->covs ? rq->covs[s * m->n_cov + i] : m->cov[i].value;
        for (size_t i = 0; i < m->n_eta; i++)
            f->rows[m->r_eta + i][l] = rq->etas ? rq->etas[s * m->n_eta + i] : 0.0;
    }
}

static void rhs(struct frame *f, double t, double *y, double *dy)
{
    const struct gs_model_file *m = f->m;
    double *trow = f->rows[m->r_t];
    for (int l = 0; l < L; l++)
        trow[l] = t;
    if (f->lp.ins) {
        double *const base[MF_N_BASES] = {m->konst_rows[0], f->store, y, dy, f->work, f->inf};
        mf_leval(&f->lp, base);
        return;
    }
    for (size_t i = 0; i < m->n_cmt; i++)
        f->rows[m->r_cmt + i] = y + i * L;
    mf_eval(&m->ode, f->rows);
    for (size_t i = 0; i < m->n_cmt; i++) {
        const double *d = f->rows[m->r_dxdt[i]], *r = f->inf + i * L;
        for (int l = 0; l < L; l++)
            dy[i * L + l] = d[l] + r[l];
    }
}

struct ev {
    double t;
    int lane, cmt;
    double bolus, drate;
    size_t seq;
};

static int ev_cmp(const void *a, const void *b)
{
    const struct ev *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static double main_or(const struct frame *f, uint16_t r, int l, double dflt)
{
    return r == MF_NOT_SET ? dflt : f->rows[r][l];
}

/* Dormand-Prince tableau */
static const double a21 = 1.0 / 5, a31 = 3.0 / 40, a32 = 9.0 / 40, a41 = 44.0 / 45,
                    a42 = -56.0 / 15, a43 = 32.0 / 9, a51 = 19372.0 / 6561, a52 = -25360.0 / 2187,
                    a53 = 64448.0 / 6561, a54 = -212.0 / 729, a61 = 9017.0 / 3168,
                    a62 = -355.0 / 33, a63 = 46732.0 / 5247, a64 = 49.0 / 176,
                    a65 = -5103.0 / 18656, a71 = 35.0 / 384, a73 = 500.0 / 1113, a74 = 125.0 / 192,
                    a75 = -2187.0 / 6784, a76 = 11.0 / 84;
static const double e1 = 71.0 / 57600, e3 = -71.0 / 16695, e4 = 71.0 / 1920, e5 = -17253.0 / 339200,
                    e6 = 22.0 / 525, e7 = -1.0 / 40;

/* The stiff path: one CVODE instance per lane; the right-hand side and the Jacobian evaluate
 * the bytecode for all lanes with the lane's amounts and read the lane's result. */
struct cvl {
    void *cv;
    N_Vector y;
    SUNMatrix A;
    SUNLinearSolver ls;
    int lane;
    struct frame *f, *tf;
    double *ybuf, *dybuf;
};

struct rk {
    size_t n; /* states */
    double *k[7], *ytmp, *ynew;
    double h, rtol, atol;
    long steps;
    struct cvl *cvl; /* stiff: one per lane, else NULL */
    size_t n_lanes;
};

static void lane_states(struct cvl *u, const double *y)
{
    size_t n = u->f->m->n_cmt;
    for (size_t i = 0; i < n; i++)
        for (int l = 0; l < L; l++)
            u->ybuf[i * L + (size_t)l] = y[i];
}

static int cv_rhs(realtype t, N_Vector y, N_Vector ydot, void *user)
{
    struct cvl *u = user;
    size_t n = u->f->m->n_cmt;
    lane_states(u, N_VGetArrayPointer(y));
    rhs(u->f, t, u->ybuf, u->dybuf);
    double *d = N_VGetArrayPointer(ydot);
    for (size_t i = 0; i < n; i++) {
        d[i] = u->dybuf[i * L + (size_t)u->lane];
        if (!isfinite(d[i]))
            return 1; /* recoverable: CVODE retries with a smaller step */
    }
    return 0;
}

static int cv_jac(realtype t, N_Vector y, N_Vector fy, SUNMatrix J, void *user, N_Vector t1,
                  N_Vector t2, N_Vector t3)
{
    (void)fy, (void)t1, (void)t2, (void)t3;
    struct cvl *u = user;
    const struct gs_model_file *m = u->f->m;
    lane_states(u, N_VGetArrayPointer(y));
    for (int l = 0; l < L; l++) /* the primal registers at this point: all of $ODE */
        u->f->rows[m->r_t][l] = t;
    for (size_t i = 0; i < m->n_cmt; i++)
        u->f->rows[m->r_cmt + i] = u->ybuf + i * L;
    mf_eval(&m->ode, u->f->rows);
    for (size_t j = 0; j < m->n_cmt; j++) {
        for (size_t r = m->r_par; r < m->n_reg; r++)
            for (int l = 0; l < L; l++)
                u->tf->rows[r][l] = r == m->r_cmt + j ? 1.0 : 0.0;
        mf_tangent(&m->ode, u->f->rows, u->tf->rows);
        for (size_t i = 0; i < m->n_cmt; i++)
            SM_ELEMENT_D(J, i, j) = u->tf->rows[m->r_dxdt[i]][u->lane];
    }
    return 0;
}

static void cv_silent(int code, const char *module, const char *fn, char *msg, void *user)
{
    (void)code, (void)module, (void)fn, (void)msg, (void)user;
}

static gs_status stiff_segment(struct rk *w, double *y, double t0, double t1, struct gs_error *err)
{
    for (size_t l = 0; l < w->n_lanes; l++) {
        struct cvl *u = &w->cvl[l];
        double *v = N_VGetArrayPointer(u->y), tret;
        for (size_t i = 0; i < w->n; i++)
            v[i] = y[i * L + l];
        int flag = CVodeReInit(u->cv, t0, u->y);
        if (flag == CV_SUCCESS)
            flag = CVodeSetStopTime(u->cv, t1);
        if (flag == CV_SUCCESS)
            flag = CVode(u->cv, t1, u->y, &tret, CV_NORMAL);
        if (flag < 0)
            return gs_error_set(err, GS_SOLVER, "solver",
                                "model file: CVODE failed (flag %d) between t = %g and %g h", flag,
                                t0, t1);
        for (size_t i = 0; i < w->n; i++)
            y[i * L + l] = v[i];
    }
    return GS_OK;
}

static gs_status segment(struct frame *f, struct rk *w, double *y, double t0, double t1,
                         struct gs_error *err)
{
    size_t nn = w->n * L;
    double **k = w->k, t = t0;
    if (nn == 0 || t1 <= t0)
        return GS_OK;
    if (w->cvl)
        return stiff_segment(w, y, t0, t1, err);
    rhs(f, t, y, k[0]);
    double h = w->h > 0 ? w->h : fmin(1e-3, t1 - t0);
    while (t < t1) {
        if (t + 1.01 * h >= t1)
            h = t1 - t;
        if (++w->steps > 2000000L || h < 1e-14 * fmax(1.0, fabs(t)))
            return gs_error_set(err, GS_SOLVER, "solver",
                                "model file: step size underflow or 2 million steps at t = %g h "
                                "(a stiff or diverging model: try the stiff solver)",
                                t);
#define ST(dst, ex)                                                                                \
    for (size_t i = 0; i < nn; i++)                                                                \
        dst[i] = y[i] + h * (ex);
        ST(w->ytmp, a21 * k[0][i]);
        rhs(f, t + h / 5, w->ytmp, k[1]);
        ST(w->ytmp, a31 * k[0][i] + a32 * k[1][i]);
        rhs(f, t + 3 * h / 10, w->ytmp, k[2]);
        ST(w->ytmp, a41 * k[0][i] + a42 * k[1][i] + a43 * k[2][i]);
        rhs(f, t + 4 * h / 5, w->ytmp, k[3]);
        ST(w->ytmp, a51 * k[0][i] + a52 * k[1][i] + a53 * k[2][i] + a54 * k[3][i]);
        rhs(f, t + 8 * h / 9, w->ytmp, k[4]);
        ST(w->ytmp, a61 * k[0][i] + a62 * k[1][i] + a63 * k[2][i] + a64 * k[3][i] + a65 * k[4][i]);
        rhs(f, t + h, w->ytmp, k[5]);
        ST(w->ynew, a71 * k[0][i] + a73 * k[2][i] + a74 * k[3][i] + a75 * k[4][i] + a76 * k[5][i]);
        rhs(f, t + h, w->ynew, k[6]);
#undef ST
        double acc[L] = {0}, en = 0.0;
        for (size_t s = 0; s < w->n; s++)
            for (int l = 0; l < L; l++) {
                size_t i = s * L + (size_t)l;
                double e = h * (e1 * k[0][i] + e3 * k[2][i] + e4 * k[3][i] + e5 * k[4][i] +
                                e6 * k[5][i] + e7 * k[6][i]);
                double sc = w->atol + w->rtol * fmax(fabs(y[i]), fabs(w->ynew[i]));
                acc[l] += (e / sc) * (e / sc);
            }
        for (int l = 0; l < L; l++)
            en = fmax(en, acc[l]);
        en = sqrt(en / (double)w->n);
        if (!(en <= 1.0)) {
            h *= isfinite(en) ? fmax(0.2, 0.9 * pow(en, -0.2)) : 0.2;
            continue;
        }
        t = t + h >= t1 ? t1 : t + h;
        memcpy(y, w->ynew, nn * sizeof(double));
        double *tmp = k[0];
        k[0] = k[6];
        k[6] = tmp;
        double hn = h * fmin(5.0, fmax(0.2, en > 0 ? 0.9 * pow(en, -0.2) : 5.0));
        if (t < t1 || hn < w->h || w->h == 0)
            w->h = hn;
        h = hn;
    }
    return GS_OK;
}

static void outputs(struct frame *f, double t, double *y, double *o, size_t stride, size_t n_lanes)
{
    const struct gs_model_file *m = f->m;
    for (int l = 0; l < L; l++)
        f->rows[m->r_t][l] = t;
    for (size_t i = 0; i < m->n_cmt; i++)
        f->rows[m->r_cmt + i] = y + i * L;
    mf_eval(&m->ode, f->rows);
    mf_eval(&m->out, f->rows);
    for (size_t l = 0; l < n_lanes; l++) {
        double *row = o + l * stride;
        for (size_t i = 0; i < m->n_cmt; i++)
            row[i] = y[i * L + l];
        for (size_t j = 0; j < m->n_out; j++)
            row[m->n_cmt + j] = f->rows[m->r_out[j]][l];
    }
}

static gs_status batch(const struct gs_mf_sim_request *rq, size_t first, size_t n_lanes,
                       double *out, struct gs_error *err)
{
    const struct gs_model_file *m = rq->model;
    struct frame f, tf = {0};
    struct rk w = {0};
    SUNContext ctx = NULL;
    double *ybuf = NULL, *dybuf = NULL;
    gs_status st = GS_OK;
    size_t n_ev = 0, cap = 0, nw = m->n_cmt * L + 1;
    struct ev *ev = NULL;
    double *y = gs_calloc(nw, sizeof(double));
    if (frame_init(&f, m) || !y) {
        gs_free(y);
        return gs_error_set(err, GS_NOMEM, "model", "out of memory");
    }
    w.n = m->n_cmt;
    w.rtol = rq->rtol > 0 ? rq->rtol : 1e-8;
    w.atol = rq->atol > 0 ? rq->atol : 1e-10;
    for (int i = 0; i < 7; i++)
        if (!(w.k[i] = gs_calloc(nw, sizeof(double))))
            st = GS_NOMEM;
    if (!st &&
        (!(w.ytmp = gs_calloc(nw, sizeof(double))) || !(w.ynew = gs_calloc(nw, sizeof(double)))))
        st = GS_NOMEM;
    if (st) {
        st = gs_error_set(err, GS_NOMEM, "model", "out of memory");
        goto done;
    }
    frame_inputs(&f, rq, first, n_lanes);
    mf_eval(&m->main, f.rows);
    if (m->n_cmt && frame_lanes(&f) == 0)
        mf_eval(&f.prep, f.rows);
    if (rq->stiff && m->n_cmt > 0) {
        static double zero[L];
        w.n_lanes = n_lanes;
        if (SUNContext_Create(NULL, &ctx) != 0 || frame_init(&tf, m) ||
            !(w.cvl = gs_calloc(n_lanes, sizeof *w.cvl)) ||
            !(ybuf = gs_calloc(nw, sizeof(double))) || !(dybuf = gs_calloc(nw, sizeof(double)))) {
            st = gs_error_set(err, GS_NOMEM, "model", "out of memory");
            goto done;
        }
        for (size_t r = 0; r < m->n_const; r++)
            tf.rows[r] = zero;
        for (size_t l = 0; l < n_lanes; l++) {
            struct cvl *u = &w.cvl[l];
            u->lane = (int)l;
            u->f = &f;
            u->tf = &tf;
            u->ybuf = ybuf;
            u->dybuf = dybuf;
            int ok = (u->y = N_VNew_Serial((sunindextype)m->n_cmt, ctx)) != NULL &&
                     (u->cv = CVodeCreate(CV_BDF, ctx)) != NULL &&
                     (u->A = SUNDenseMatrix((sunindextype)m->n_cmt, (sunindextype)m->n_cmt, ctx)) &&
                     (u->ls = SUNLinSol_Dense(u->y, u->A, ctx)) != NULL;
            if (ok) {
                N_VConst(0.0, u->y);
                ok = CVodeInit(u->cv, cv_rhs, 0.0, u->y) == CV_SUCCESS &&
                     CVodeSStolerances(u->cv, w.rtol, w.atol) == CV_SUCCESS &&
                     CVodeSetLinearSolver(u->cv, u->ls, u->A) == CV_SUCCESS &&
                     CVodeSetJacFn(u->cv, cv_jac) == CV_SUCCESS &&
                     CVodeSetUserData(u->cv, u) == CV_SUCCESS &&
                     CVodeSetMaxNumSteps(u->cv, 1000000) == CV_SUCCESS &&
                     CVodeSetErrHandlerFn(u->cv, cv_silent, NULL) == CV_SUCCESS;
            }
            if (!ok) {
                st = gs_error_set(err, GS_NOMEM, "model", "out of memory (CVODE set-up)");
                goto done;
            }
        }
    }
    for (size_t i = 0; i < m->n_cmt; i++)
        for (int l = 0; l < L; l++)
            y[i * L + l] = main_or(&f, m->r_init[i], l, 0.0);
    /* events of every lane */
    for (size_t d = 0; d < rq->n_doses; d++) {
        const struct gs_mf_dose *ds = &rq->doses[d];
        if (ds->cmt < 1 || (size_t)ds->cmt > m->n_cmt || !(ds->amt >= 0) || ds->addl < 0 ||
            (ds->addl > 0 && !(ds->ii > 0)) || !(ds->rate >= 0 || ds->rate == -2) ||
            !(ds->time_h >= 0) || ds->addl > 100000) {
            st = gs_error_set(err, GS_INPUT, "dose",
                              "dose %zu: cmt %d, amt %g, rate %g, ii %g, addl %d; allowed cmt 1 to "
                              "%zu, amt >= 0, rate >= 0 or -2, ii > 0 with addl",
                              d + 1, ds->cmt, ds->amt, ds->rate, ds->ii, ds->addl, m->n_cmt);
            goto done;
        }
        int c = ds->cmt - 1;
        for (int k = 0; k <= ds->addl; k++)
            for (int l = 0; l < (int)n_lanes; l++) {
                double F = main_or(&f, m->r_f[c], l, 1.0), lag = main_or(&f, m->r_alag[c], l, 0.0);
                double t0 = ds->time_h + k * ds->ii + lag, amt = F * ds->amt, dur = 0;
                if (ds->rate > 0)
                    dur = amt / ds->rate;
                else if (ds->rate == -2)
                    dur = main_or(&f, m->r_dur[c], l, NAN);
                if (ds->rate != 0 && !(dur >= 0 && isfinite(dur))) {
                    st = gs_error_set(err, GS_INPUT, "dose",
                                      "dose %zu: infusion duration %g h (D_%s); allowed >= 0",
                                      d + 1, dur, m->cmt[c]);
                    goto done;
                }
                if (n_ev + 2 > cap) {
                    cap = cap ? 2 * cap : 64;
                    struct ev *ne = gs_realloc(ev, cap * sizeof *ev);
                    if (!ne) {
                        st = gs_error_set(err, GS_NOMEM, "model", "out of memory");
                        goto done;
                    }
                    ev = ne;
                }
                if (ds->rate == 0 || dur == 0) {
                    ev[n_ev] = (struct ev){t0, l, c, amt, 0.0, n_ev};
                    n_ev++;
                } else {
                    ev[n_ev] = (struct ev){t0, l, c, 0.0, amt / dur, n_ev};
                    n_ev++;
                    ev[n_ev] = (struct ev){t0 + dur, l, c, 0.0, -amt / dur, n_ev};
                    n_ev++;
                }
            }
    }
    if (n_ev)
        qsort(ev, n_ev, sizeof *ev, ev_cmp);
    size_t ie = 0, io = 0, stride = m->n_cmt + m->n_out;
    double t = 0.0;
    while (io < rq->n_times) {
        double T = rq->times_h[io];
        if (ie < n_ev && ev[ie].t <= T)
            T = ev[ie].t;
        if ((st = segment(&f, &w, y, t, T, err)))
            goto done;
        t = fmax(t, T);
        while (ie < n_ev && ev[ie].t <= t) {
            y[ev[ie].cmt * L + ev[ie].lane] += ev[ie].bolus;
            f.inf[ev[ie].cmt * L + ev[ie].lane] += ev[ie].drate;
            ie++;
        }
        while (io < rq->n_times && rq->times_h[io] <= t) {
            outputs(&f, rq->times_h[io], y, out + (first * rq->n_times + io) * stride,
                    rq->n_times * stride, n_lanes);
            io++;
        }
    }
done:
    for (size_t l = 0; w.cvl && l < w.n_lanes; l++) {
        if (w.cvl[l].cv)
            CVodeFree(&w.cvl[l].cv);
        if (w.cvl[l].ls)
            SUNLinSolFree(w.cvl[l].ls);
        if (w.cvl[l].A)
            SUNMatDestroy(w.cvl[l].A);
        if (w.cvl[l].y)
            N_VDestroy(w.cvl[l].y);
    }
    gs_free(w.cvl);
    if (ctx)
        SUNContext_Free(&ctx);
    if (tf.rows)
        frame_free(&tf);
    gs_free(ybuf);
    gs_free(dybuf);
    for (int i = 0; i < 7; i++)
        gs_free(w.k[i]);
    gs_free(w.ytmp);
    gs_free(w.ynew);
    gs_free(ev);
    gs_free(y);
    frame_free(&f);
    return st;
}

gs_status gs_model_file_simulate(const struct gs_mf_sim_request *rq, double *out,
                                 struct gs_error *err)
{
    for (size_t k = 0; k < rq->n_times; k++)
        if (!(rq->times_h[k] >= 0) || !isfinite(rq->times_h[k]) ||
            (k && rq->times_h[k] < rq->times_h[k - 1]))
            return gs_error_set(err, GS_INPUT, "times",
                                "output time %zu is %g h; allowed finite, >= 0 and not decreasing",
                                k + 1, rq->times_h[k]);
    if (!(rq->rtol >= 0 && rq->rtol < 1) || !(rq->atol >= 0))
        return gs_error_set(err, GS_INPUT, "rtol",
                            "rtol %g, atol %g; allowed 0 <= rtol < 1, atol >= 0", rq->rtol,
                            rq->atol);
    for (size_t s = 0; s < rq->n_subjects; s += L) {
        size_t n = rq->n_subjects - s < L ? rq->n_subjects - s : L;
        gs_status st = batch(rq, s, n, out, err);
        if (st)
            return st;
    }
    return GS_OK;
}

gs_status gs_model_file_jacobian(const gs_model_file *m, const double *params, const double *covs,
                                 const double *etas, const double *y, double t_h, int wrt_params,
                                 double *jac, struct gs_error *err)
{
    struct frame f, tf;
    static double zero[L];
    double *ys = gs_calloc(m->n_cmt * L + 1, sizeof(double));
    if (!ys || frame_init(&f, m)) {
        gs_free(ys);
        return gs_error_set(err, GS_NOMEM, "model", "out of memory");
    }
    if (frame_init(&tf, m)) {
        frame_free(&f);
        gs_free(ys);
        return gs_error_set(err, GS_NOMEM, "model", "out of memory");
    }
    struct gs_mf_sim_request rq = {m, 1, params, covs, etas, NULL, 0, NULL, 0, 0, 0, 0};
    frame_inputs(&f, &rq, 0, 1);
    for (size_t i = 0; i < m->n_cmt; i++)
        for (int l = 0; l < L; l++)
            ys[i * L + l] = y[i];
    for (int l = 0; l < L; l++)
        f.rows[m->r_t][l] = t_h;
    for (size_t i = 0; i < m->n_cmt; i++)
        f.rows[m->r_cmt + i] = ys + i * L;
    mf_eval(&m->main, f.rows);
    mf_eval(&m->ode, f.rows);
    for (size_t r = 0; r < m->n_const; r++)
        tf.rows[r] = zero;
    size_t n_in = wrt_params ? m->n_par : m->n_cmt, base = wrt_params ? m->r_par : m->r_cmt;
    for (size_t j = 0; j < n_in; j++) {
        for (size_t r = m->r_par; r < m->n_reg; r++)
            for (int l = 0; l < L; l++)
                tf.rows[r][l] = r == base + j ? 1.0 : 0.0;
        mf_tangent(&m->main, f.rows, tf.rows);
        mf_tangent(&m->ode, f.rows, tf.rows);
        for (size_t i = 0; i < m->n_cmt; i++)
            jac[i * n_in + j] = tf.rows[m->r_dxdt[i]][0];
    }
    frame_free(&f);
    frame_free(&tf);
    gs_free(ys);
    return GS_OK;
}
