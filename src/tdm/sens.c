/* sens.c - forward sensitivities of the predicted levels with respect to the random effects.
 *
 * With S = dy/deta (the body amounts y[0..n_b), one column per random effect), the variational
 * equations dS/dt = J_y S + J_p dp/deta hold between events, where J_y and J_p are the
 * structure's exact Jacobian (gs_structure.jac: by hand for the built-ins, forward-mode
 * differentiation of the bytecode for model files) and dp/deta = p for a log-normal effect
 * (gs_variability_apply_eta: p = typical exp(eta)). They are integrated by CVODE (BDF, the
 * engine's tolerances), or for linear structures moved exactly by a matrix exponential (below),
 * together with the state through the same event records as the engine
 * (src/solve/simulate.c): bolus doses, zero-order infusions (RATE > 0, -1, -2), resets (EVID 3,
 * 4), steady states of bolus doses (SS 1, 2; steady() below), parameter changes (EVID_MODEL)
 * and output records in record order. A level c = y_central / V has
 * dc/deta = S_central / V - c dV/deta / V.
 *
 * Not covered, so left to finite differences (posterior.c): a random effect on a parameter that
 * moves a dose in time or size (the structure's lag() or dose() change with it: tlag, F), whose
 * derivative has a jump the variational equations do not carry (that column only); and event
 * features whose sensitivity is not written here (steady states of infusions or with a lag of
 * II or more, haemodialysis sessions, EVID 2 compartments turned off), a structure without
 * `jac` (every column). The caller also checks each solve's levels against the engine's and
 * drops the exact path if they disagree or the solve fails, so a feature missed here gives
 * finite differences, never a wrong derivative.
 */
#include <cvode/cvode.h>
#include <math.h>
#include <nvector/nvector_serial.h>
#include <stdlib.h>
#include <string.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include "gabasim/alloc.h"
#include "tdm_int.h"

enum { NB = GS_N_BODY }; /* body amounts: written for any number */
/* sensitivity columns: the random effects, and for a steady state's one-interval map the NB
 * columns of its derivative with respect to the amounts */
#define NCOL (GS_MAX_PARAMS + NB)

/* What the right-hand side needs: the model in force and the sensitivity columns. */
struct sctx {
    const struct gs_structure *s;
    struct gs_model eff;
    size_t nc;       /* exact columns */
    int par[NCOL];   /* structure parameter of column c */
    double dp[NCOL]; /* d p[par[c]] / d eta_c in the model in force (0: no forcing) */
    double inf[NB];  /* zero-order inputs running, mg/h */
    int n_inf[NB];
    double jy[NB * NB], jp[NB * GS_MAX_PARAMS];
};

static int cv_rhs(realtype t, N_Vector zv, N_Vector dzv, void *user)
{
    struct sctx *c = user;
    const double *z = NV_DATA_S(zv);
    double *dz = NV_DATA_S(dzv);
    double y[GS_MAX_STATES] = {0}, dy[GS_MAX_STATES];
    memcpy(y, z, NB * sizeof *y);
    size_t np = c->s->n_params;
    if (c->s->rhs(t, y, dy, c->eff.p) < 0 || c->s->jac(t, y, c->eff.p, c->jy, c->jp) < 0)
        return -1;
    for (int i = 0; i < NB; i++)
        dz[i] = dy[i] + c->inf[i];
    for (size_t k = 0; k < c->nc; k++) {
        const double *s = z + NB * (1 + k);
        for (int i = 0; i < NB; i++) {
            double v = c->jp[i * np + (size_t)c->par[k]] * c->dp[k];
            for (int j = 0; j < NB; j++)
                v += c->jy[i * NB + j] * s[j];
            dz[NB * (1 + k) + (size_t)i] = v;
        }
    }
    for (size_t i = 0; i < NB * (1 + c->nc); i++)
        if (!isfinite(dz[i]))
            return -1;
    return 0;
}

/* Newton's matrix: J_y on each diagonal block (the coupling through second derivatives is left
 * out; CVODE's modified Newton needs only an approximation). */
static int cv_jac(realtype t, N_Vector zv, N_Vector fy, SUNMatrix J, void *user, N_Vector t1,
                  N_Vector t2, N_Vector t3)
{
    (void)fy, (void)t1, (void)t2, (void)t3;
    struct sctx *c = user;
    double y[GS_MAX_STATES] = {0}, jy[NB * NB];
    memcpy(y, NV_DATA_S(zv), NB * sizeof *y);
    if (c->s->jac(t, y, c->eff.p, jy, NULL) < 0)
        return -1;
    SUNMatZero(J);
    for (size_t b = 0; b <= c->nc; b++)
        for (int i = 0; i < NB; i++)
            for (int j = 0; j < NB; j++)
                SM_ELEMENT_D(J, b * NB + (size_t)i, b * NB + (size_t)j) = jy[i * NB + j];
    return 0;
}

/* Linear structures (those with a closed form): between events the amounts y and one column of
 * sensitivities S_c solve [y; S_c]' = [[A, 0], [C_c, A]] [y; S_c] + [u; 0] with constant A = J_y,
 * C_c = (dJ_y/dp_c) dp_c (from the Jacobian at unit amounts) and u the infusions, so each column
 * moves exactly by the exponential of [[A, 0, u], [C_c, A, 0], [0, 0, 0]] (expm below; one small
 * matrix per column rather than one for all columns at once), kept for the last few steps. */
#define LIN_M     (2 * NB + 1) /* amounts, one column's sensitivities, the input's 1 */
#define LIN_CACHE 4
struct lin {
    size_t nc, m;
    double b[NCOL][LIN_M * LIN_M];
    int n_cached, next;
    double dt[LIN_CACHE];
    double e[LIN_CACHE][NCOL][LIN_M * LIN_M];
};

static int lin_build(struct lin *L, const struct sctx *c)
{
    size_t np = c->s->n_params, m = LIN_M, nb = c->nc ? c->nc : 1;
    double y[GS_MAX_STATES] = {0}, jy[NB * NB], jp[NB * GS_MAX_PARAMS], djy[NB][NB * GS_MAX_PARAMS];
    if (c->s->jac(0.0, y, c->eff.p, jy, NULL) < 0)
        return -1;
    for (int j = 0; j < NB; j++) { /* dJ_y/dp column j: J_p at the unit amount e_j */
        memset(y, 0, sizeof y);
        y[j] = 1.0;
        if (c->s->jac(0.0, y, c->eff.p, jp, djy[j]) < 0)
            return -1;
    }
    L->nc = c->nc;
    L->m = m;
    for (size_t k = 0; k < nb; k++) {
        double *b = L->b[k];
        memset(b, 0, m * m * sizeof *b);
        for (int i = 0; i < NB; i++) {
            for (int j = 0; j < NB; j++) {
                b[(size_t)i * m + (size_t)j] = jy[i * NB + j];
                b[(size_t)(NB + i) * m + (size_t)(NB + j)] = jy[i * NB + j];
                if (k < c->nc)
                    b[(size_t)(NB + i) * m + (size_t)j] =
                        djy[j][(size_t)i * np + (size_t)c->par[k]] * c->dp[k];
            }
            b[(size_t)i * m + m - 1] = c->inf[i];
        }
    }
    L->n_cached = L->next = 0;
    return 0;
}

/* c = a b, n x n (c distinct from a and b). */
static void matmul(size_t n, const double *a, const double *b, double *c)
{
    for (size_t i = 0; i < n; i++) {
        double *ci = c + i * n;
        for (size_t j = 0; j < n; j++)
            ci[j] = 0.0;
        for (size_t k = 0; k < n; k++) {
            double aik = a[i * n + k];
            if (aik == 0.0)
                continue;
            for (size_t j = 0; j < n; j++)
                ci[j] += aik * b[k * n + j];
        }
    }
}

/* e = exp(a), n x n, by scaling and squaring with the [13/13] Pade approximant (Higham NJ, SIAM
 * J Matrix Anal Appl 2005;26:1179-1193, Algorithm 2.3: backward error below the unit roundoff
 * for ||a / 2^s||_1 <= 5.37), without allocating; -1 if the denominator is singular. */
static int expm(size_t n, double *a, double *e)
{
    static const double b[14] = {64764752532480000.0,
                                 32382376266240000.0,
                                 7771770303897600.0,
                                 1187353796428800.0,
                                 129060195264000.0,
                                 10559470521600.0,
                                 670442572800.0,
                                 33522128640.0,
                                 1323241920.0,
                                 40840800.0,
                                 960960.0,
                                 16380.0,
                                 182.0,
                                 1.0};
    enum { M = LIN_M * LIN_M };
    double a2[M], a4[M], a6[M], t[M], u[M], v[M];
    double norm = 0.0;
    for (size_t j = 0; j < n; j++) {
        double c = 0.0;
        for (size_t i = 0; i < n; i++)
            c += fabs(a[i * n + j]);
        norm = fmax(norm, c);
    }
    int s = norm > 5.371920351148152 ? (int)ceil(log2(norm / 5.371920351148152)) : 0;
    double sc = ldexp(1.0, -s);
    for (size_t i = 0; i < n * n; i++)
        a[i] *= sc;
    matmul(n, a, a, a2);
    matmul(n, a2, a2, a4);
    matmul(n, a4, a2, a6);
    for (size_t i = 0; i < n * n; i++) {
        t[i] = b[13] * a6[i] + b[11] * a4[i] + b[9] * a2[i];
        e[i] = b[12] * a6[i] + b[10] * a4[i] + b[8] * a2[i];
    }
    matmul(n, a6, t, u); /* u: A6 (b13 A6 + b11 A4 + b9 A2) */
    matmul(n, a6, e, v);
    for (size_t i = 0; i < n * n; i++) {
        u[i] += b[7] * a6[i] + b[5] * a4[i] + b[3] * a2[i];
        v[i] += b[6] * a6[i] + b[4] * a4[i] + b[2] * a2[i];
    }
    for (size_t i = 0; i < n; i++) {
        u[i * n + i] += b[1];
        v[i * n + i] += b[0];
    }
    matmul(n, a, u, t); /* t: U */
    /* solve (V - U) X = (V + U) by Gaussian elimination with partial pivoting */
    for (size_t i = 0; i < n * n; i++) {
        double p = v[i], q = t[i];
        v[i] = p - q;
        e[i] = p + q;
    }
    for (size_t k = 0; k < n; k++) {
        size_t piv = k;
        for (size_t i = k + 1; i < n; i++)
            if (fabs(v[i * n + k]) > fabs(v[piv * n + k]))
                piv = i;
        if (v[piv * n + k] == 0.0)
            return -1;
        if (piv != k)
            for (size_t j = 0; j < n; j++) {
                double x = v[k * n + j];
                v[k * n + j] = v[piv * n + j], v[piv * n + j] = x;
                x = e[k * n + j];
                e[k * n + j] = e[piv * n + j], e[piv * n + j] = x;
            }
        for (size_t i = k + 1; i < n; i++) {
            double l = v[i * n + k] / v[k * n + k];
            if (l == 0.0)
                continue;
            for (size_t j = k; j < n; j++)
                v[i * n + j] -= l * v[k * n + j];
            for (size_t j = 0; j < n; j++)
                e[i * n + j] -= l * e[k * n + j];
        }
    }
    for (size_t k = n; k-- > 0;)
        for (size_t j = 0; j < n; j++) {
            double x = e[k * n + j];
            for (size_t i = k + 1; i < n; i++)
                x -= v[k * n + i] * e[i * n + j];
            e[k * n + j] = x / v[k * n + k];
        }
    for (int k = 0; k < s; k++) {
        matmul(n, e, e, t);
        memcpy(e, t, n * n * sizeof *e);
    }
    for (size_t i = 0; i < n * n; i++)
        if (!isfinite(e[i]))
            return -1;
    return 0;
}

/* z = the state dt after z0 (amounts, then each column's sensitivities). */
static int lin_move(struct lin *L, double dt, const double *z0, double *z)
{
    size_t m = L->m, nb = L->nc ? L->nc : 1, nz = NB * (1 + L->nc);
    int k, still = 1; /* nothing in the body and no input: nothing moves */
    for (size_t i = 0; i < nz && still; i++)
        still = z0[i] == 0.0;
    for (size_t i = 0; i < NB && still; i++)
        still = L->b[0][i * m + m - 1] == 0.0;
    if (still) {
        memcpy(z, z0, nz * sizeof *z);
        return 0;
    }
    for (k = 0; k < L->n_cached; k++)
        if (L->dt[k] == dt)
            break;
    if (k == L->n_cached) {
        k = L->next;
        L->next = (L->next + 1) % LIN_CACHE;
        if (L->n_cached < LIN_CACHE)
            L->n_cached++;
        L->dt[k] = dt;
        for (size_t c = 0; c < nb; c++) {
            double a[LIN_M * LIN_M];
            for (size_t i = 0; i < m * m; i++)
                a[i] = L->b[c][i] * dt;
            if (expm(m, a, L->e[k][c]) != 0) {
                L->n_cached = L->next = 0;
                return -1;
            }
        }
    }
    for (size_t c = 0; c < nb; c++) {
        const double *e = L->e[k][c];
        const double *s0 = z0 + NB * (1 + c);
        for (size_t i = 0; i < NB; i++) {
            if (c == 0) {
                double v = e[i * m + m - 1];
                for (size_t j = 0; j < NB; j++)
                    v += e[i * m + j] * z0[j];
                z[i] = v;
            }
            if (c < L->nc) {
                double v = e[(NB + i) * m + m - 1];
                for (size_t j = 0; j < NB; j++)
                    v += e[(NB + i) * m + j] * z0[j] + e[(NB + i) * m + NB + j] * s0[j];
                z[NB * (1 + c) + i] = v;
            }
        }
    }
    return 0;
}

static void cv_silent(int code, const char *module, const char *fn, char *msg, void *user)
{
    (void)code, (void)module, (void)fn, (void)msg, (void)user;
}

/* Multiplies parameter k of a copy of m by (1 + 1e-3), as a change of eta would. */
static struct gs_model nudged(const struct gs_model *m, int k)
{
    struct gs_model q = *m;
    q.p[k] *= 1.0 + 1e-3;
    return q;
}

/* 1 if parameter k moves a dose in time (lag) or size (dose(): F) in model m. */
static int moves_doses(const struct gs_model *m, int k)
{
    const struct gs_structure *s = m->structure;
    struct gs_model q = nudged(m, k);
    for (int cmt = GS_CMT_DEPOT; cmt <= GS_CMT_CENTRAL; cmt++) {
        double a[GS_MAX_STATES] = {0}, b[GS_MAX_STATES] = {0};
        s->dose(m->p, cmt, 1.0, a);
        s->dose(q.p, cmt, 1.0, b);
        if (s->lag(m->p, cmt) != s->lag(q.p, cmt))
            return 1;
        for (int i = 0; i < NB; i++)
            if (a[i] != b[i])
                return 1;
    }
    return 0;
}

void gs__tdm_sens_setup(struct tdm_post *p)
{
    size_t n = p->var.n;
    memset(p->sens_col, 0, sizeof p->sens_col);
    p->n_sens = 0;
    const char *env = getenv("GABASIM_TDM_DERIVATIVES");
    if (env && strcmp(env, "fd") == 0)
        return; /* the finite-difference path, on request (bench/tdm_jac.sh) */
    /* written for the depot and central amounts: a structure with extra compartments (a model
     * file's peripheral ones) is differentiated numerically */
    if (p->typical.structure == NULL || p->typical.structure->jac == NULL ||
        p->typical.structure->n_extra != 0)
        return;
    const struct gs_model *models = p->n_tv ? p->tv : &p->typical;
    size_t nm = p->n_tv ? p->n_tv : 1;
    for (size_t i = 0; i < p->ev.n; i++) {
        const struct gs_event *e = &p->ev.ev[i];
        if (e->evid == GS_EVID_HD || (e->evid == GS_EVID_OTHER && e->cmt != 0))
            return;
        /* steady state: of bolus doses whose lag is shorter than the interval only (the
         * engine's other cases place doses before the record) */
        int dose = e->evid == GS_EVID_DOSE || e->evid == GS_EVID_RESET_DOSE;
        if (e->ss && (!dose || e->rate_mg_h != 0.0 || !(e->amt_mg > 0.0) || !(e->ii_h > 0.0)))
            return;
        for (size_t k = 0; e->ss && k < nm; k++)
            if (!(models[k].structure->lag(models[k].p, e->cmt) < e->ii_h))
                return;
    }
    for (size_t c = 0; c < n; c++) {
        int ok = 1;
        for (size_t k = 0; k < nm && ok; k++)
            ok = !moves_doses(&models[k], p->var.param[c]);
        p->sens_col[c] = (unsigned char)ok;
        p->n_sens += ok;
    }
}

enum akind { A_MODEL, A_OUT, A_RESET, A_SS, A_DOSE, A_INF_ON, A_INF_OFF };
struct act {
    double t;
    size_t ord; /* push order: ties at one time keep it (the engine's stable sort) */
    enum akind kind;
    size_t model;
    int cmt;
    double amt, rate;
    double ii; /* A_SS: the interval; its mode in cmt's sign: the dose's cmt, negative for SS 2 */
};

static int cmp_act(const void *a, const void *b)
{
    const struct act *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return (x->ord > y->ord) - (x->ord < y->ord);
}

/* The share of a dose into `cmt` that enters the body (as the engine reads it from dose()). */
static double bioavailable(const struct gs_model *m, int cmt)
{
    double y[GS_MAX_STATES] = {0};
    m->structure->dose(m->p, cmt, 1.0, y);
    return y[cmt == GS_CMT_DEPOT ? GS_Y_DEPOT : GS_Y_CENTRAL];
}

/* The engine's actions for the events (src/solve/simulate.c, build_actions) that sens covers. */
static struct act *actions(const struct tdm_post *p, const struct gs_model *models, int records,
                           size_t *n_out)
{
    const struct gs_event_list *ev = &p->ev;
    struct act *a = gs_malloc((4 * ev->n + 1) * sizeof *a); /* reset, SS, on, off */
    if (a == NULL)
        return NULL;
    size_t n = 0, cur = 0;
    for (size_t i = 0; i < ev->n; i++) {
        const struct gs_event *e = &ev->ev[i];
        size_t k = cur;
        if (e->evid == GS_EVID_MODEL) {
            cur = (size_t)e->cmt;
            a[n] = (struct act){e->time_h, n, A_MODEL, cur, 0, 0.0, 0.0, 0.0};
            n++;
            continue;
        }
        if (e->evid == GS_EVID_OBS) {
            if (records) {
                a[n] = (struct act){e->time_h, n, A_OUT, k, 0, 0.0, 0.0, 0.0};
                n++;
            }
            continue;
        }
        if (e->evid == GS_EVID_RESET || e->evid == GS_EVID_RESET_DOSE) {
            a[n] = (struct act){e->time_h, n, A_RESET, k, 0, 0.0, 0.0, 0.0};
            n++;
        }
        if (e->ss) { /* a bolus dose's (gs__tdm_sens_setup) */
            a[n] = (struct act){e->time_h, n,   A_SS,   k, e->ss == 2 ? -e->cmt : e->cmt,
                                e->amt_mg, 0.0, e->ii_h};
            n++;
        }
        int dose = e->evid == GS_EVID_DOSE || e->evid == GS_EVID_RESET_DOSE;
        if (!dose || e->amt_mg == 0.0)
            continue;
        double t = e->time_h + models[k].structure->lag(models[k].p, e->cmt);
        if (e->rate_mg_h != 0.0) {
            double in = e->amt_mg * bioavailable(&models[k], e->cmt), rate, dur;
            if (e->rate_mg_h == GS_RATE_MODELLED_DURATION) {
                dur = e->dur_h;
                rate = in / e->dur_h;
            } else {
                rate = e->rate_mg_h == GS_RATE_MODELLED_RATE ? e->dur_h : e->rate_mg_h;
                dur = in / rate;
            }
            a[n] = (struct act){t, n, A_INF_ON, k, e->cmt, e->amt_mg, rate, 0.0};
            n++;
            a[n] = (struct act){t + dur, n, A_INF_OFF, k, e->cmt, e->amt_mg, rate, 0.0};
            n++;
        } else {
            a[n] = (struct act){t, n, A_DOSE, k, e->cmt, e->amt_mg, 0.0, 0.0};
            n++;
        }
    }
    qsort(a, n, sizeof *a, cmp_act);
    *n_out = n;
    return a;
}

/* The columns' dp/deta in model k (0 where the dataset fixes the parameter). */
static void set_model(struct sctx *c, const struct tdm_post *p, const struct gs_model *models,
                      size_t k)
{
    c->eff = models[k];
    for (size_t j = 0; j < c->nc; j++) {
        int fixed = p->n_tv && p->tv_fixed && p->tv_fixed[k * GS_MAX_PARAMS + (size_t)c->par[j]];
        c->dp[j] = fixed ? 0.0 : models[k].p[c->par[j]];
    }
}

/* The level at state z and its exact columns' derivatives. */
static void output(const struct sctx *c, const double *z, size_t n, const unsigned char *col,
                   double *f, double *g)
{
    const struct gs_structure *s = c->s;
    double v = s->volume(c->eff.p), conc = z[GS_Y_CENTRAL] / v;
    *f = conc;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!col[i])
            continue;
        /* dV/dp of the column's parameter: a central difference of volume() (exact for the
         * structures', which return a parameter) */
        struct gs_model up = c->eff, dn = c->eff;
        double h = 1e-6 * fabs(c->eff.p[c->par[k]]);
        double dvdp = 0.0;
        if (h > 0.0) {
            up.p[c->par[k]] += h;
            dn.p[c->par[k]] -= h;
            dvdp = (s->volume(up.p) - s->volume(dn.p)) / (2.0 * h);
        }
        g[i] = (z[NB * (1 + k) + GS_Y_CENTRAL] - conc * dvdp * c->dp[k]) / v;
        k++;
    }
}

/* Moves z (amounts and c's columns) over dt under c's model, nothing given meanwhile. */
/* A CVODE solver (BDF, dense, the exact Jacobian) of the nz-long variational state, its context
 * and vectors: one opener and one closer for move() and gs__tdm_sens(). */
struct cvs {
    SUNContext ctx;
    N_Vector v, atol;
    SUNMatrix A;
    SUNLinearSolver LS;
    void *cv;
};

/* Opens s at state z0 (nz values) and time 0 with the engine's tolerances; -1 out of memory, -2
 * CVODE refused the configuration (s is to be closed either way). */
static int cvs_open(struct cvs *s, size_t nz, const double *z0, const struct tdm_post *p,
                    struct sctx *c)
{
    memset(s, 0, sizeof *s);
    if (SUNContext_Create(NULL, &s->ctx) != 0)
        return -1;
    s->v = N_VNew_Serial((sunindextype)nz, s->ctx);
    s->atol = N_VNew_Serial((sunindextype)nz, s->ctx);
    if (!s->v || !s->atol || (s->cv = CVodeCreate(CV_BDF, s->ctx)) == NULL ||
        (s->A = SUNDenseMatrix((sunindextype)nz, (sunindextype)nz, s->ctx)) == NULL ||
        (s->LS = SUNLinSol_Dense(s->v, s->A, s->ctx)) == NULL)
        return -1;
    memcpy(NV_DATA_S(s->v), z0, nz * sizeof *z0);
    N_VConst(p->sim.atol_mg, s->atol);
    if (CVodeInit(s->cv, cv_rhs, 0.0, s->v) != CV_SUCCESS ||
        CVodeSVtolerances(s->cv, p->sim.rtol, s->atol) != CV_SUCCESS ||
        CVodeSetLinearSolver(s->cv, s->LS, s->A) != CV_SUCCESS ||
        CVodeSetJacFn(s->cv, cv_jac) != CV_SUCCESS || CVodeSetUserData(s->cv, c) != CV_SUCCESS ||
        CVodeSetMaxNumSteps(s->cv, 500000) != CV_SUCCESS ||
        CVodeSetErrHandlerFn(s->cv, cv_silent, NULL) != CV_SUCCESS)
        return -2;
    return 0;
}

static void cvs_close(struct cvs *s)
{
    if (s->cv)
        CVodeFree(&s->cv);
    if (s->LS)
        SUNLinSolFree(s->LS);
    if (s->A)
        SUNMatDestroy(s->A);
    if (s->v)
        N_VDestroy(s->v);
    if (s->atol)
        N_VDestroy(s->atol);
    if (s->ctx)
        SUNContext_Free(&s->ctx);
    memset(s, 0, sizeof *s);
}

static int move(struct sctx *c, const struct tdm_post *p, double *z, double dt)
{
    size_t nz = NB * (1 + c->nc);
    if (!(dt > 0.0))
        return 0;
    if (c->s->exact != NULL && p->sim.solver != GS_SOLVER_CVODE) {
        struct lin *L = gs_malloc(sizeof *L);
        double out[NB * (1 + NCOL)];
        int rc = L == NULL || lin_build(L, c) != 0 || lin_move(L, dt, z, out) != 0 ? -1 : 0;
        if (rc == 0)
            memcpy(z, out, nz * sizeof *z);
        gs_free(L);
        return rc;
    }
    struct cvs cs;
    realtype tret = 0.0;
    int rc = cvs_open(&cs, nz, z, p, c) == 0 && CVodeSetStopTime(cs.cv, dt) == CV_SUCCESS &&
                     CVode(cs.cv, dt, cs.v, &tret, CV_NORMAL) >= 0
                 ? 0
                 : -1;
    if (rc == 0)
        memcpy(z, NV_DATA_S(cs.v), nz * sizeof *z);
    cvs_close(&cs);
    return rc;
}

/* An SS record (bolus, lag < II): the amounts become (SS 1) or gain (SS 2) the periodic state
 * y_ss = Phi(y_ss) of one interval (the engine's, gs_simulate_steady_state), and their
 * derivatives dy_ss/deta = (I - dPhi/dy)^-1 dPhi/deta, the implicit function theorem, with both
 * derivatives of Phi from one interval of the variational equations started at y_ss. */
static int steady(const struct sctx *c, const struct tdm_post *p, const struct gs_model *models,
                  const struct act *x, double *z)
{
    const struct gs_model *m = &models[x->model];
    int cmt = abs(x->cmt), add = x->cmt < 0;
    double yss[GS_MAX_STATES] = {0};
    const struct gs_simulate_steady_state_request rq = {m, x->amt, cmt, x->ii, &p->sim};
    if (gs_simulate_steady_state(&rq, yss, NULL, NULL) != GS_OK)
        return -1;
    struct sctx *cc = gs_malloc(sizeof *cc);
    if (cc == NULL)
        return -1;
    *cc = *c; /* columns: NB unforced ones for dPhi/dy, then c's for dPhi/deta */
    cc->eff = *m;
    memset(cc->inf, 0, sizeof cc->inf);
    memset(cc->n_inf, 0, sizeof cc->n_inf);
    for (size_t k = c->nc; k-- > 0;) {
        int fixed =
            p->n_tv && p->tv_fixed && p->tv_fixed[x->model * GS_MAX_PARAMS + (size_t)c->par[k]];
        cc->par[NB + k] = c->par[k];
        cc->dp[NB + k] = fixed ? 0.0 : m->p[c->par[k]];
    }
    for (int j = 0; j < NB; j++)
        cc->par[j] = 0, cc->dp[j] = 0.0;
    cc->nc = c->nc + NB;
    double w[NB * (1 + NCOL)] = {0};
    memcpy(w, yss, NB * sizeof *w);
    for (int j = 0; j < NB; j++)
        w[NB * (1 + j) + j] = 1.0;
    double lag = m->structure->lag(m->p, cmt), y[GS_MAX_STATES] = {0};
    int rc = -1;
    if (move(cc, p, w, lag) != 0)
        goto done;
    memcpy(y, w, NB * sizeof *y);
    m->structure->dose(m->p, cmt, x->amt, y);
    memcpy(w, y, NB * sizeof *w);
    if (move(cc, p, w, x->ii - lag) != 0)
        goto done;
    /* (I - dPhi/dy) X = dPhi/deta, NB x NB, partial pivoting */
    double a[NB][NB], b[NB][GS_MAX_PARAMS];
    for (int i = 0; i < NB; i++) {
        for (int j = 0; j < NB; j++)
            a[i][j] = (i == j) - w[NB * (1 + j) + i];
        for (size_t k = 0; k < c->nc; k++)
            b[i][k] = w[NB * (1 + NB + k) + (size_t)i];
    }
    for (int col = 0; col < NB; col++) {
        int piv = col;
        for (int i = col + 1; i < NB; i++)
            if (fabs(a[i][col]) > fabs(a[piv][col]))
                piv = i;
        if (a[piv][col] == 0.0)
            goto done;
        for (int j = 0; j < NB; j++) {
            double t = a[col][j];
            a[col][j] = a[piv][j], a[piv][j] = t;
        }
        for (size_t k = 0; k < c->nc; k++) {
            double t = b[col][k];
            b[col][k] = b[piv][k], b[piv][k] = t;
        }
        for (int i = col + 1; i < NB; i++) {
            double l = a[i][col] / a[col][col];
            for (int j = col; j < NB; j++)
                a[i][j] -= l * a[col][j];
            for (size_t k = 0; k < c->nc; k++)
                b[i][k] -= l * b[col][k];
        }
    }
    for (int i = NB; i-- > 0;)
        for (size_t k = 0; k < c->nc; k++) {
            double v = b[i][k];
            for (int j = i + 1; j < NB; j++)
                v -= a[i][j] * b[j][k];
            b[i][k] = v / a[i][i];
        }
    for (int i = 0; i < NB; i++) {
        z[i] = add ? z[i] + yss[i] : yss[i];
        for (size_t k = 0; k < c->nc; k++)
            z[NB * (1 + k) + (size_t)i] = add ? z[NB * (1 + k) + (size_t)i] + b[i][k] : b[i][k];
    }
    rc = 0;
done:
    gs_free(cc);
    return rc;
}

gs_status gs__tdm_sens(const struct tdm_post *p, const double *eta, double *f, double *g,
                       struct gs_error *err)
{
    size_t n = p->var.n, nm = p->n_tv ? p->n_tv : 1;
    int records = p->n_tv > 0;
    struct gs_model *models = gs_malloc(nm * sizeof *models);
    struct sctx *c = gs_calloc(1, sizeof *c);
    struct act *a = NULL;
    struct lin *L = NULL;
    size_t n_act = 0;
    struct cvs cs = {0};
    gs_status st = GS_OK;
    double z0[NB * (1 + GS_MAX_PARAMS)] = {0}, zl[NB * (1 + GS_MAX_PARAMS)] = {0};
    if (models == NULL || c == NULL)
        goto nomem;
    for (size_t k = 0; k < nm; k++) {
        models[k] = p->n_tv ? p->tv[k] : p->typical;
        gs_variability_apply_eta(&p->var, eta, &models[k]);
        for (size_t i = 0; p->n_tv && p->tv_fixed && i < GS_MAX_PARAMS; i++)
            if (p->tv_fixed[k * GS_MAX_PARAMS + i])
                models[k].p[i] = p->tv[k].p[i];
    }
    c->s = models[0].structure;
    for (size_t i = 0; i < n; i++)
        if (p->sens_col[i])
            c->par[c->nc++] = p->var.param[i];
    set_model(c, p, models, 0);
    if ((a = actions(p, models, records, &n_act)) == NULL)
        goto nomem;
    size_t nz = NB * (1 + c->nc);
    double *zd = zl;
    int lin = c->s->exact != NULL && p->sim.solver != GS_SOLVER_CVODE;
    if (lin) {
        if ((L = gs_malloc(sizeof *L)) == NULL)
            goto nomem;
        if (lin_build(L, c) != 0)
            goto jacfail;
    } else {
        int rc = cvs_open(&cs, nz, zl, p, c); /* from zero: zl is all 0 here */
        if (rc == -1)
            goto nomem;
        if (rc != 0) {
            st = gs_error_set(err, GS_SOLVER, "solver", "cannot configure CVODE");
            goto done;
        }
        zd = NV_DATA_S(cs.v);
    }
    const double *tout = records ? NULL : p->t;
    size_t n_out = p->n_t, ia = 0, io = 0;
    double tz = 0.0; /* time of the state */
    if (n_act && a[0].t < tz)
        tz = a[0].t;
    if (tout && n_out && tout[0] < tz)
        tz = tout[0];
    double t0 = tz; /* the last reset point (after the last actions) */
    int reinit = 1, rebuild = 0;
    while (io < n_out) {
        double t_act = ia < n_act ? a[ia].t : INFINITY;
        int at_act = tout == NULL || t_act <= tout[io];
        double target = at_act ? t_act : tout[io];
        double stop = at_act ? t_act : (ia < n_act ? t_act : tout[n_out - 1]);
        if (target > tz && lin) {
            if (lin_move(L, target - t0, z0, zl) != 0) {
                st = gs_error_set(err, GS_SOLVER, "solver",
                                  "the matrix exponential failed at t = %g h in the sensitivity "
                                  "solve",
                                  target);
                goto done;
            }
            tz = target;
        } else if (target > tz) {
            if (reinit && CVodeReInit(cs.cv, tz, cs.v) != CV_SUCCESS) {
                st = gs_error_set(err, GS_SOLVER, "solver", "CVODE re-initialisation failed");
                goto done;
            }
            reinit = 0;
            realtype tret = tz;
            if (CVodeSetStopTime(cs.cv, stop) != CV_SUCCESS ||
                CVode(cs.cv, target, cs.v, &tret, CV_NORMAL) < 0) {
                st = gs_error_set(err, GS_SOLVER, "solver",
                                  "CVODE failed at t = %g h in the sensitivity solve", tret);
                goto done;
            }
            tz = target;
        }
        if (!at_act) {
            output(c, zd, n, p->sens_col, &f[io], &g[io * n]);
            io++;
            continue;
        }
        for (; ia < n_act && a[ia].t == t_act; ia++) {
            const struct act *x = &a[ia];
            int state = x->cmt == GS_CMT_DEPOT ? GS_Y_DEPOT : GS_Y_CENTRAL;
            switch (x->kind) {
            case A_MODEL:
                set_model(c, p, models, x->model);
                rebuild = 1;
                break;
            case A_OUT:
                if (io < n_out) {
                    output(c, zd, n, p->sens_col, &f[io], &g[io * n]);
                    io++;
                }
                break;
            case A_RESET: /* amounts and their derivatives to zero */
                memset(zd, 0, nz * sizeof *zd);
                break;
            case A_SS:
                if (steady(c, p, models, x, zd) != 0) {
                    st = gs_error_set(err, GS_SOLVER, "SS",
                                      "the steady state's sensitivity at %g h failed", x->t);
                    goto done;
                }
                break;
            case A_DOSE: { /* dose() does not depend on an exact column's parameter */
                double y[GS_MAX_STATES] = {0};
                memcpy(y, zd, NB * sizeof *y);
                models[x->model].structure->dose(models[x->model].p, x->cmt, x->amt, y);
                memcpy(zd, y, NB * sizeof *y);
                break;
            }
            case A_INF_ON:
            case A_INF_OFF:
                c->inf[state] += x->kind == A_INF_ON ? x->rate : -x->rate;
                c->n_inf[state] += x->kind == A_INF_ON ? 1 : -1;
                if (c->n_inf[state] == 0)
                    c->inf[state] = 0.0;
                rebuild = 1;
                break;
            }
        }
        if (lin && rebuild && lin_build(L, c) != 0)
            goto jacfail;
        rebuild = 0;
        reinit = 1;
        if (tz < t_act) /* actions before the first output or state time */
            tz = t_act;
        t0 = tz;
        memcpy(z0, zl, nz * sizeof *z0);
    }
    goto done;
jacfail:
    st = gs_error_set(err, GS_SOLVER, "solver", "the structure's Jacobian is not available");
    goto done;
nomem:
    st = gs_error_set(err, GS_NOMEM, "tdm", "out of memory for the sensitivity solve");
done:
    cvs_close(&cs);
    gs_free(L);
    gs_free(a);
    gs_free(c);
    gs_free(models);
    return st;
}
