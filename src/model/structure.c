/* structure.c - a model file plugged into the drug pipeline as a model structure.
 *
 * Structures are type objects whose callbacks receive only the parameters, so each plugged-in
 * model gets one of a few slots, and each slot has its own trampolines that know the slot's
 * model. The lane right-hand side runs the model's bytecode once per instruction for all
 * GS_LANES subjects, with the subjects' parameter rows and amounts read in place.
 */
#include <cjson/cJSON.h>
#include <gsl/gsl_eigen.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/datafile.h"
#include "gabasim/drug.h"
#include "model_int.h"

#ifdef GS_TARGET_CLONES
#define GS_HOT __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define GS_HOT
#endif

#define N_SLOTS   8
#define MAX_WORK  256 /* work registers of a plugged-in model */
#define MAX_LWORK 128 /* work rows its lane program holds at once (on the stack) */
#define L         GS_LANES

struct slot {
    const struct gs_model_file *m;
    struct gs_structure s;
    struct gs_param_def defs[GS_MAX_PARAMS];
    char name[80];
    int i_v, i_cl, i_lag, i_f;
    /* The lane path splits the ODE program: what depends only on the parameters ($MAIN and
     * the invariant part of $ODE) runs once per batch in lanes_prepare, and the registers the
     * rest reads from it are kept in the parameter array's spare rows (1/V first). */
    int split;
    struct mf_prog prep, var;
    uint16_t hreg[GS_MAX_PARAMS];
    size_t n_h;
    /* What rhs_lanes runs: the stage part (or all of $MAIN and $ODE when not split) and the
     * AUC, compiled into a lane program writing dy in place; covariates and etas at their
     * reference values and zero in `fix`. */
    struct mf_lprog lp;
    double (*fix)[L];
};

static struct slot slots[N_SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* Per-thread register table, rebuilt when the thread meets another model. */
struct cache {
    unsigned long long uid; /* the model's (addresses are reused after a free) */
    double *rows[MF_MAX_REGS];
    double work[MAX_WORK][L];
    double cov_eta_t[129][L]; /* covariates, etas (at reference, zero) and t */
};
static _Thread_local struct cache tc;

static void cache_for(const struct gs_model_file *m)
{
    if (tc.uid == m->uid)
        return;
    for (size_t r = 0; r < m->n_reg; r++)
        tc.rows[r] = r < m->n_const ? m->konst_rows[r] : tc.work[0];
    size_t k = 0;
    for (size_t i = 0; i < m->n_cov; i++, k++) {
        for (int l = 0; l < L; l++)
            tc.cov_eta_t[k][l] = m->cov[i].value;
        tc.rows[m->r_cov + i] = tc.cov_eta_t[k];
    }
    for (size_t i = 0; i < m->n_eta; i++, k++) {
        for (int l = 0; l < L; l++)
            tc.cov_eta_t[k][l] = 0.0;
        tc.rows[m->r_eta + i] = tc.cov_eta_t[k];
    }
    tc.rows[m->r_t] = tc.cov_eta_t[k];
    for (size_t r = m->r_t + 1; r < m->n_reg; r++)
        tc.rows[r] = tc.work[r - m->r_t - 1];
    tc.uid = m->uid;
}

GS_HOT static void rhs_lanes_impl(const struct slot *sl, const double *y, double *dy,
                                  const double *p)
{
    _Alignas(64) double work[MAX_LWORK][L];
    double *const base[MF_N_BASES] = {sl->m->konst_rows[0],
                                      (double *)(uintptr_t)p,
                                      (double *)(uintptr_t)y,
                                      dy,
                                      work[0],
                                      sl->fix[0]};
    mf_leval(&sl->lp, base);
}

static inline void prepare_impl(const struct slot *sl, double *p)
{
    const struct gs_model_file *m = sl->m;
    if (!sl->split)
        return;
    cache_for(m);
    for (size_t i = 0; i < m->n_par; i++)
        tc.rows[m->r_par + i] = p + i * L;
    for (size_t k = 0; k < sl->n_h; k++)
        tc.rows[sl->hreg[k]] = tc.work[sl->hreg[k] - m->r_t - 1];
    mf_eval(&sl->prep, tc.rows);
    const double *v = p + (size_t)sl->i_v * L;
    for (int l = 0; l < L; l++)
        p[m->n_par * L + (size_t)l] = 1.0 / v[l];
    for (size_t k = 0; k < sl->n_h; k++)
        for (int l = 0; l < L; l++)
            p[(m->n_par + 1 + k) * L + (size_t)l] = tc.rows[sl->hreg[k]][l];
}

/* Splits the programs for the lane path when the hoisted values fit the spare rows. */
static int split_programs(struct slot *sl)
{
    const struct gs_model_file *m = sl->m;
    unsigned char inv[MF_MAX_REGS] = {0}, need[MF_MAX_REGS] = {0};
    for (size_t r = 0; r < m->r_cmt; r++)
        inv[r] = 1;
    for (size_t i = 0; i < m->main.n; i++)
        inv[m->main.ins[i].dst] = 1;
    for (size_t i = 0; i < m->ode.n; i++) {
        const struct mf_ins *in = &m->ode.ins[i];
        inv[in->dst] = inv[in->a] && inv[in->b];
    }
    for (size_t i = 0; i < m->ode.n; i++) {
        const struct mf_ins *in = &m->ode.ins[i];
        if (!inv[in->dst])
            need[in->a] = need[in->b] = 1;
    }
    for (size_t i = 0; i < m->n_cmt; i++)
        need[m->r_dxdt[i]] = 1;
    size_t n_h = 0;
    for (size_t r = m->r_t + 1; r < m->n_reg; r++)
        if (inv[r] && need[r]) {
            if (m->n_par + 1 + n_h >= GS_MAX_PARAMS)
                return 0;
            sl->hreg[n_h++] = (uint16_t)r;
        }
    if (m->n_par + 1 > GS_MAX_PARAMS)
        return 0;
    sl->n_h = n_h;
    for (size_t i = 0; i < m->main.n; i++) {
        const struct mf_ins *in = &m->main.ins[i];
        if (mf_prog_emit(&sl->prep, in->op, in->dst, in->a, in->b))
            return -1;
    }
    for (size_t i = 0; i < m->ode.n; i++) {
        const struct mf_ins *in = &m->ode.ins[i];
        if (mf_prog_emit(inv[in->dst] ? &sl->prep : &sl->var, in->op, in->dst, in->a, in->b))
            return -1;
    }
    return 1;
}

/* The lane row of compartment i (0 depot, 1 central, 2.. extras): depot, central, AUC, extras. */
static uint32_t lane_row(size_t i)
{
    return (uint32_t)(i < GS_N_BODY ? i : GS_N_CORE + (i - GS_N_BODY));
}

static void free_slot(struct slot *sl)
{
    sl->m = NULL;
    mf_prog_free(&sl->prep);
    mf_prog_free(&sl->var);
    mf_lprog_free(&sl->lp);
    gs_free(sl->fix);
    sl->fix = NULL;
}

/* The lane program of a slot: the stage part of $ODE (all of $MAIN and $ODE if not split)
 * and the AUC, reading parameters and hoisted values from p, amounts from y, writing dy. */
static int compile_lanes(struct slot *sl)
{
    const struct gs_model_file *m = sl->m;
    size_t n_regs = m->n_reg + 2, r_invv = m->n_reg, r_auc = m->n_reg + 1;
    uint32_t *loc = gs_calloc(n_regs, sizeof *loc);
    struct mf_prog src = {0};
    int rc = -1;
    sl->fix = gs_calloc(m->n_cov + m->n_eta + 1, sizeof *sl->fix);
    if (!loc || !sl->fix)
        goto done;
    for (size_t r = 0; r < n_regs; r++)
        loc[r] = r < m->n_const ? MF_LOC(MF_B_CONST, r) : MF_LOC_NONE;
    for (size_t i = 0; i < m->n_par; i++)
        loc[m->r_par + i] = MF_LOC(MF_B_IN, i);
    for (size_t i = 0; i < m->n_cov + m->n_eta; i++) {
        loc[m->r_cov + i] = MF_LOC(MF_B_FIX, i); /* r_eta follows r_cov */
        for (int l = 0; l < L; l++)
            sl->fix[i][l] = i < m->n_cov ? m->cov[i].value : 0.0;
    }
    for (size_t i = 0; i < m->n_cmt; i++) /* lane rows: depot, central, AUC, extras */
        loc[m->r_cmt + i] = MF_LOC(MF_B_Y, lane_row(i));
    int ok = 1;
    if (sl->split) {
        for (size_t k = 0; k < sl->n_h; k++)
            loc[sl->hreg[k]] = MF_LOC(MF_B_IN, m->n_par + 1 + k);
        loc[r_invv] = MF_LOC(MF_B_IN, m->n_par);
        for (size_t i = 0; i < sl->var.n && ok; i++)
            ok = !mf_prog_emit(&src, sl->var.ins[i].op, sl->var.ins[i].dst, sl->var.ins[i].a,
                               sl->var.ins[i].b);
        ok = ok && !mf_prog_emit(&src, MF_MUL, r_auc, m->r_cmt + 1, r_invv);
    } else {
        for (size_t i = 0; i < m->main.n && ok; i++)
            ok = !mf_prog_emit(&src, m->main.ins[i].op, m->main.ins[i].dst, m->main.ins[i].a,
                               m->main.ins[i].b);
        for (size_t i = 0; i < m->ode.n && ok; i++)
            ok = !mf_prog_emit(&src, m->ode.ins[i].op, m->ode.ins[i].dst, m->ode.ins[i].a,
                               m->ode.ins[i].b);
        ok = ok && !mf_prog_emit(&src, MF_DIV, r_auc, m->r_cmt + 1, m->r_par + (size_t)sl->i_v);
    }
    uint16_t outr[GS_MAX_BODY + 1];
    uint32_t outl[GS_MAX_BODY + 1];
    for (size_t i = 0; i < m->n_cmt; i++) {
        outr[i] = m->r_dxdt[i];
        outl[i] = MF_LOC(MF_B_DY, lane_row(i));
    }
    outr[m->n_cmt] = (uint16_t)r_auc;
    outl[m->n_cmt] = MF_LOC(MF_B_DY, GS_Y_AUC);
    if (ok && mf_lane_compile(&src, n_regs, loc, outr, outl, m->n_cmt + 1, &sl->lp) == 0)
        rc = sl->lp.n_work <= MAX_LWORK ? 0 : 1;
done:
    mf_prog_free(&src);
    gs_free(loc);
    return rc;
}

static inline int rhs_impl(const struct slot *sl, double t, const double *y, double *dy,
                           const double *p)
{
    const struct gs_model_file *m = sl->m;
    cache_for(m);
    for (size_t i = 0; i < m->n_par; i++)
        tc.rows[m->r_par + i] = (double *)(uintptr_t)(p + i);
    for (size_t i = 0; i < m->n_cmt; i++)
        tc.rows[m->r_cmt + i] = (double *)(uintptr_t)(y + gs_model_body_index(i));
    tc.rows[m->r_t][0] = t;
    for (size_t k = 0; k < sl->n_h; k++) /* the lane path may have left them on a batch's rows */
        tc.rows[sl->hreg[k]] = tc.work[sl->hreg[k] - m->r_t - 1];
    mf_eval1(&m->main, tc.rows);
    mf_eval1(&m->ode, tc.rows);
    double loss = m->r_loss == MF_NOT_SET ? 0.0 : tc.rows[m->r_loss][0], body = 0.0;
    for (size_t i = 0; i < m->n_cmt; i++) {
        double d = tc.rows[m->r_dxdt[i]][0];
        dy[gs_model_body_index(i)] = d;
        body += d;
    }
    dy[GS_Y_AUC] = y[GS_Y_CENTRAL] / p[sl->i_v];
    dy[GS_Y_UNABSORBED] = loss;
    /* what leaves the body and is not the depot's loss is eliminated */
    dy[GS_Y_ELIMINATED] = -body - loss;
    return isfinite(body) ? 0 : -1;
}

static void dose_impl(const struct slot *sl, const double *p, int cmt, double amt, double *y)
{
    if (cmt == 1) {
        double f = sl->i_f >= 0 ? p[sl->i_f] : 1.0;
        y[GS_Y_DEPOT] += f * amt;
        y[GS_Y_UNABSORBED] += (1.0 - f) * amt;
    } else if (cmt >= 2 && (size_t)cmt <= sl->m->n_cmt) {
        y[gs_model_cmt_index(cmt)] += amt;
    }
}

static double lag_impl(const struct slot *sl, const double *p, int cmt)
{
    return cmt == 1 && sl->i_lag >= 0 ? p[sl->i_lag] : 0.0;
}

/* The slowest rate of the system linearised at zero amounts: the smallest non-zero decay rate
 * -Re(lambda) among the eigenvalues of the exact Jacobian (forward-mode differentiation of the
 * bytecode; GSL's nonsymmetric eigensolver). CL/V if that fails. */
static double lambda_z_impl(const struct slot *sl, const double *p)
{
    size_t n = sl->m->n_cmt;
    double y0[GS_MAX_BODY] = {0}, J[GS_MAX_BODY * GS_MAX_BODY], lz = INFINITY;
    if (gs_model_file_jacobian(sl->m, p, NULL, NULL, y0, 0.0, 0, J, NULL))
        return p[sl->i_cl] / p[sl->i_v];
    gsl_matrix_view A = gsl_matrix_view_array(J, n, n);
    gsl_vector_complex *ev = gsl_vector_complex_alloc(n);
    gsl_eigen_nonsymm_workspace *w = gsl_eigen_nonsymm_alloc(n);
    if (ev && w && gsl_eigen_nonsymm(&A.matrix, ev, w) == 0)
        for (size_t i = 0; i < n; i++) {
            double rate = -GSL_REAL(gsl_vector_complex_get(ev, i));
            if (rate > 1e-12 && rate < lz)
                lz = rate;
        }
    gsl_eigen_nonsymm_free(w);
    gsl_vector_complex_free(ev);
    return isfinite(lz) ? lz : p[sl->i_cl] / p[sl->i_v];
}

#define SLOT_FNS(k)                                                                                \
    static void rl##k(const double *y, double *dy, const double *p)                                \
    {                                                                                              \
        rhs_lanes_impl(&slots[k], y, dy, p);                                                       \
    }                                                                                              \
    static int r##k(double t, const double *y, double *dy, const double *p)                        \
    {                                                                                              \
        return rhs_impl(&slots[k], t, y, dy, p);                                                   \
    }                                                                                              \
    static double lag##k(const double *p, int cmt)                                                 \
    {                                                                                              \
        return lag_impl(&slots[k], p, cmt);                                                        \
    }                                                                                              \
    static double vol##k(const double *p)                                                          \
    {                                                                                              \
        return p[slots[k].i_v];                                                                    \
    }                                                                                              \
    static double cl##k(const double *p)                                                           \
    {                                                                                              \
        return p[slots[k].i_cl];                                                                   \
    }                                                                                              \
    static void prep##k(double *p)                                                                 \
    {                                                                                              \
        prepare_impl(&slots[k], p);                                                                \
    }                                                                                              \
    static void dose##k(const double *p, int cmt, double amt, double *y)                           \
    {                                                                                              \
        dose_impl(&slots[k], p, cmt, amt, y);                                                      \
    }                                                                                              \
    static double lz##k(const double *p)                                                           \
    {                                                                                              \
        return lambda_z_impl(&slots[k], p);                                                        \
    }
SLOT_FNS(0)
SLOT_FNS(1)
SLOT_FNS(2)
SLOT_FNS(3)
SLOT_FNS(4)
SLOT_FNS(5)
SLOT_FNS(6)
SLOT_FNS(7)
#define SLOT_TAB(k)                                                                                \
    {                                                                                              \
        rl##k, r##k, lag##k, vol##k, cl##k, lz##k, dose##k, prep##k                                \
    }
static const struct {
    void (*rl)(const double *, double *, const double *);
    gs_rhs_fn r;
    double (*lag)(const double *, int);
    double (*vol)(const double *);
    double (*cl)(const double *);
    double (*lz)(const double *);
    void (*dose)(const double *, int, double, double *);
    void (*prep)(double *);
} fns[N_SLOTS] = {SLOT_TAB(0), SLOT_TAB(1), SLOT_TAB(2), SLOT_TAB(3),
                  SLOT_TAB(4), SLOT_TAB(5), SLOT_TAB(6), SLOT_TAB(7)};

/* The structure's exact Jacobian: forward-mode differentiation of the bytecode (the body
 * amounts are the model's compartments; covariates at reference, etas 0, as in rhs_impl). */
static int jac_impl(const struct slot *sl, double t, const double *y, const double *p, double *jy,
                    double *jp)
{
    const struct gs_model_file *m = sl->m;
    double yc[GS_MAX_BODY]; /* the amounts in compartment order */
    for (size_t i = 0; i < m->n_cmt; i++)
        yc[i] = y[gs_model_body_index(i)];
    if (gs_model_file_jacobian(m, p, NULL, NULL, yc, t, 0, jy, NULL) != GS_OK ||
        (jp && gs_model_file_jacobian(m, p, NULL, NULL, yc, t, 1, jp, NULL) != GS_OK))
        return -1;
    return 0;
}
#define JAC_FN(k)                                                                                  \
    static int jac##k(double t, const double *y, const double *p, double *jy, double *jp)          \
    {                                                                                              \
        return jac_impl(&slots[k], t, y, p, jy, jp);                                               \
    }
JAC_FN(0)
JAC_FN(1)
JAC_FN(2)
JAC_FN(3)
JAC_FN(4)
JAC_FN(5)
JAC_FN(6)
JAC_FN(7)
static int (*const jacs[N_SLOTS])(double, const double *, const double *, double *,
                                  double *) = {jac0, jac1, jac2, jac3, jac4, jac5, jac6, jac7};

static gs_status unfit(const gs_model_file *m, struct gs_error *err, const char *why)
{
    return gs_error_set(err, GS_INPUT, "--model", "%s: cannot stand in for a drug's structure: %s",
                        m->origin, why);
}

gs_status gs_model_file_structure(gs_model_file *m, const struct gs_structure **out,
                                  struct gs_error *err)
{
    *out = NULL;
    if (m->n_cmt < 2 || m->n_cmt > GS_MAX_BODY)
        return unfit(m, err,
                     "it needs 2 to 16 compartments (depot, then central, then any others); "
                     "without '--drug', 'simulate --model' runs it alone");
    if (m->n_par > GS_MAX_PARAMS)
        return unfit(m, err, "it has more than 16 parameters");
    if (m->n_cov + m->n_eta > 128)
        return unfit(m, err, "it has more than 128 covariates and etas");
    if (m->uses_t_in_ode)
        return unfit(m, err, "its $ODE uses the time 't'");
    if (m->n_reg - m->r_t - 1 > MAX_WORK)
        return unfit(m, err, "its $MAIN and $ODE need more than 256 registers");
    int iv = gs_model_file_index(m, GS_MF_PARAM, "V"),
        icl = gs_model_file_index(m, GS_MF_PARAM, "CL");
    if (iv < 0 || icl < 0 || strcmp(m->par[iv].unit, "L") || strcmp(m->par[icl].unit, "L/h"))
        return unfit(m, err, "it needs parameters 'V' (L) and 'CL' (L/h)");
    pthread_mutex_lock(&lock);
    size_t k;
    for (k = 0; k < N_SLOTS; k++)
        if (slots[k].m == m || slots[k].m == NULL)
            break;
    if (k == N_SLOTS) {
        pthread_mutex_unlock(&lock);
        return unfit(m, err, "8 model files are plugged in already");
    }
    struct slot *sl = &slots[k];
    if (sl->m != m) {
        free_slot(sl);
        memset(sl, 0, sizeof *sl);
        const char *base = strrchr(m->origin, '/');
        snprintf(sl->name, sizeof sl->name, "file:%s#%zu", base ? base + 1 : m->origin, k + 1);
        sl->i_v = iv;
        sl->i_cl = icl;
        sl->i_lag = gs_model_file_index(m, GS_MF_PARAM, "tlag");
        sl->i_f = gs_model_file_index(m, GS_MF_PARAM, "F");
        for (size_t i = 0; i < m->n_par; i++)
            sl->defs[i] = (struct gs_param_def){m->par[i].name,
                                                m->par[i].unit,
                                                m->par[i].text ? m->par[i].text : "",
                                                0,
                                                m->par[i].value,
                                                0.0,
                                                1e12,
                                                (int)i == iv || (int)i == icl};
        sl->s = (struct gs_structure){sl->name,
                                      m->title ? m->title : "model file",
                                      m->n_par,
                                      sl->defs,
                                      fns[k].r,
                                      fns[k].rl,
                                      fns[k].prep,
                                      NULL,
                                      NULL,
                                      fns[k].dose,
                                      fns[k].lag,
                                      fns[k].vol,
                                      fns[k].cl,
                                      fns[k].lz,
                                      m->n_cmt - GS_N_BODY,
                                      jacs[k]};
        sl->m = m;
        int sp = split_programs(sl);
        if (sp < 0) {
            free_slot(sl);
            pthread_mutex_unlock(&lock);
            return gs_error_set(err, GS_NOMEM, "--model", "out of memory");
        }
        sl->split = sp;
        int cl = sp >= 0 ? compile_lanes(sl) : 0;
        if (cl) {
            free_slot(sl);
            pthread_mutex_unlock(&lock);
            return cl < 0
                       ? gs_error_set(err, GS_NOMEM, "--model", "out of memory")
                       : unfit(m, err, "its $ODE holds more than 128 intermediate values at once");
        }
    }
    *out = &sl->s;
    pthread_mutex_unlock(&lock);
    return GS_OK;
}

void mf_structure_release(const struct gs_model_file *m)
{
    pthread_mutex_lock(&lock);
    for (size_t k = 0; k < N_SLOTS; k++)
        if (slots[k].m == m)
            free_slot(&slots[k]);
    pthread_mutex_unlock(&lock);
}

const struct gs_structure *gs__model_file_structure_find(const char *name)
{
    const struct gs_structure *s = NULL;
    pthread_mutex_lock(&lock);
    for (size_t k = 0; k < N_SLOTS; k++)
        if (slots[k].m && strcmp(slots[k].name, name) == 0)
            s = &slots[k].s;
    pthread_mutex_unlock(&lock);
    return s;
}

gs_status gs_drug_load_with_model(struct gs_drug **out, gs_model_file **model_out, const char *drug,
                                  const char *model, struct gs_error *err)
{
    *out = NULL;
    *model_out = NULL;
    gs_drug *d = NULL;
    gs_model_file *m = NULL;
    const struct gs_structure *s;
    char *text = NULL, *json = NULL;
    size_t len;
    cJSON *root = NULL;
    gs_status st;
    if (strcmp(drug, GS_DATAFILE_STDIN) == 0)
        return gs_error_set(err, GS_INPUT, "--drug",
                            "'--drug -' (standard input) cannot be combined with '--model'");
    if ((st = gs_drug_load(&d, drug, err)) || (st = gs_model_file_load(&m, model, err)) ||
        (st = gs_model_file_structure(m, &s, err)))
        goto done;
    const struct gs_structure *old = gs_drug_structure(d);
    for (size_t i = 0; i < old->n_params; i++) {
        int j = gs_model_file_index(m, GS_MF_PARAM, old->params[i].name);
        if (j < 0 || strcmp(m->par[j].unit, old->params[i].unit) != 0) {
            st = gs_error_set(err, GS_INPUT, "--model",
                              "%s: drug '%s' gives parameter '%s' (%s), which the model file does "
                              "not declare with that unit; expected '%s = VALUE %s' in $PARAM",
                              m->origin, gs_drug_name(d), old->params[i].name, old->params[i].unit,
                              old->params[i].name, old->params[i].unit);
            goto done;
        }
    }
    if ((st = gs_datafile_read(gs_drug_origin(d), 1u << 22, "drug file", &text, &len, err)) ||
        (st = gs_datafile_parse_json(text, len, gs_drug_origin(d), &root, err)))
        goto done;
    cJSON *mod = cJSON_GetObjectItemCaseSensitive(root, "model");
    if (!cJSON_IsObject(mod) ||
        !cJSON_ReplaceItemInObjectCaseSensitive(mod, "structure", cJSON_CreateString(s->name))) {
        st = gs_error_set(err, GS_NOMEM, "--model", "out of memory");
        goto done;
    }
    if (!(json = cJSON_PrintUnformatted(root))) {
        st = gs_error_set(err, GS_NOMEM, "--model", "out of memory");
        goto done;
    }
    char origin[4096];
    snprintf(origin, sizeof origin, "%s", gs_drug_origin(d));
    gs_drug_free(d);
    d = NULL;
    if ((st = gs_drug_parse(&d, json, strlen(json), origin, err)))
        goto done;
    *out = d;
    *model_out = m;
    d = NULL;
    m = NULL;
done:
    cJSON_Delete(root);
    cJSON_free(json);
    gs_free(text);
    gs_drug_free(d);
    gs_model_file_free(m);
    return st;
}
