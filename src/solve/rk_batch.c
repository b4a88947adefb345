/* rk_batch.c - Dormand-Prince 5(4) with dense output, GS_LANES subjects at once.
 *
 * The specialised integrator for small non-stiff structures in populations (DESIGN: CVODE's
 * per-call overhead dominates on 2-state models). Subjects of a batch share the dose and output
 * times and step together: one step size for all lanes, the error norm the largest over lanes,
 * so every arithmetic operation works on GS_LANES independent subjects and vectorises.
 * Method: Dormand & Prince, J Comput Appl Math 1980;6:19; step-size control, initial step and
 * the 4th-order continuous extension as in Hairer, Norsett & Wanner, Solving ODEs I (DOPRI5).
 * Tested against CVODE and the closed forms (tests/unit/test_rk_batch.c).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "solve_int.h"

/* GS_HOT: compiled for AVX-512, AVX2 and the x86-64 baseline, the loader picking one for the CPU
 * (GCC function multiversioning; CMakeLists.txt defines GS_TARGET_CLONES). Byte-identical
 * results in each: the same operations in the same order, no fused multiply-add. */
#ifdef GS_TARGET_CLONES
#define GS_HOT __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define GS_HOT
#endif

/* Rows of a lane state: depot, central, AUC, then the structure's extra compartments (the
 * mass-balance bookkeeping states are skipped). Two instances of the integrator are compiled:
 * NS3 rows (no extras: the built-ins, with the row loops fixed at compile time) and any count. */
#define NS3    GS_N_CORE
#define NS_MAX (GS_N_CORE + GS_MAX_EXTRA)
#define L      GS_LANES
#define INLINE static inline __attribute__((always_inline))

typedef double lanes_t[NS_MAX][L];
_Static_assert((L & (L - 1)) == 0, "norm() halves GS_LANES down to 1");

/* nodes c = 0, 1/5, 3/10, 4/5, 8/9, 1, 1: the right-hand sides are autonomous, so unused */
static const double a21 = 1.0 / 5;
static const double a31 = 3.0 / 40, a32 = 9.0 / 40;
static const double a41 = 44.0 / 45, a42 = -56.0 / 15, a43 = 32.0 / 9;
static const double a51 = 19372.0 / 6561, a52 = -25360.0 / 2187, a53 = 64448.0 / 6561,
                    a54 = -212.0 / 729;
static const double a61 = 9017.0 / 3168, a62 = -355.0 / 33, a63 = 46732.0 / 5247, a64 = 49.0 / 176,
                    a65 = -5103.0 / 18656;
static const double a71 = 35.0 / 384, a73 = 500.0 / 1113, a74 = 125.0 / 192, a75 = -2187.0 / 6784,
                    a76 = 11.0 / 84;
static const double e1 = 71.0 / 57600, e3 = -71.0 / 16695, e4 = 71.0 / 1920, e5 = -17253.0 / 339200,
                    e6 = 22.0 / 525, e7 = -1.0 / 40;
static const double d1 = -12715105075.0 / 11282082432, d3 = 87487479700.0 / 32700410799,
                    d4 = -10690763975.0 / 1880347072, d5 = 701980252875.0 / 199316789632,
                    d6 = -1453857185.0 / 822651844, d7 = 69997945.0 / 29380423;

struct ctx {
    const struct gs_structure *s;
    int ns; /* rows in use: GS_N_CORE + the structure's extras */
    double p[GS_MAX_PARAMS][L];
    double rtol, atol;
    long steps;
};

static inline double max2(double a, double b)
{
    return a > b ? a : b; /* compiles to a vector max; fmax() is a library call without
                             -ffinite-math-only, and the values here are never NaN */
}
static inline double min2(double a, double b)
{
    return a < b ? a : b;
}

/* The step-size factor 0.9 en^(-1/5), clamped to [0.2, 10] (Hairer's safety factor and bounds).
 * Those bounds are reached for en outside [5.9e-6, 1845], so only that range needs the power:
 * en = m 2^e with m in [1, 2) from the bits, 2^(-e/5) from a table of fifth roots and a power of
 * two, m^(-1/5) from a degree-4 polynomial in m - 1.5 (least squares on Chebyshev nodes; relative
 * error below 2e-5, far inside what the controller's safety factor tolerates). Plain arithmetic
 * in a fixed order, so every clone gives the same bits; the powf() call it replaces cost about
 * 4 % of the integrator, and an iterative root was slower still (a chain of dependent steps). */
static double ctrl_fac(double en)
{
    if (!(en < 2.0e3)) /* also inf and NaN */
        return 0.2;
    if (en <= 5.0e-6) /* also en = 0 */
        return 10.0;
    static const double root5[5] = {1.0, 0.87055056329612412, 0.75785828325519911,
                                    0.65975395538644721, 0.57434917749851755}; /* 2^(-r/5) */
    uint64_t u;
    memcpy(&u, &en, sizeof u);
    int e = (int)((u >> 52) & 0x7FF) - 1023; /* a normal number here (en > 5e-6) */
    u = (u & 0x000FFFFFFFFFFFFFULL) | 0x3FF0000000000000ULL;
    double m;
    memcpy(&m, &u, sizeof m);
    int q = e >= 0 ? e / 5 : -((-e + 4) / 5), r = e - 5 * q; /* e = 5q + r, r in 0..4 */
    uint64_t pq = (uint64_t)(1023 - q) << 52;                /* 2^(-q), |q| <= 4 here */
    double p2, x = m - 1.5;
    memcpy(&p2, &pq, sizeof p2);
    double y =
        0.9221102935810291 +
        x * (-0.12278881725345302 +
             x * (0.049010608348036375 + x * (-0.0265082921099848 + x * 0.014557430005384753)));
    double fac = 0.9 * y * root5[r] * p2;
    return fac < 0.2 ? 0.2 : fac > 10.0 ? 10.0 : fac;
}

static void f(struct ctx *c, const lanes_t y, lanes_t dy)
{
    c->s->rhs_lanes((const double *)y, (double *)dy, (const double *)c->p);
}

/* Largest over lanes of the RMS over states of x / (atol + rtol * max(|a|, |b|)). The sum over
 * states of (x_i / sc_i)^2 is accumulated as one fraction num / den (num <- num sc_i^2 + x_i^2
 * den, den <- den sc_i^2), so each lane divides once instead of once per state: sc_i >= atol > 0
 * keeps den positive, and with sc_i below 1e100 nothing overflows. */
INLINE double norm(const struct ctx *c, const int ns, const lanes_t x, const lanes_t a,
                   const lanes_t b)
{
    double num[L], den[L];
    for (int l = 0; l < L; l++)
        num[l] = 0.0, den[l] = 1.0;
    for (int i = 0; i < ns; i++)
        for (int l = 0; l < L; l++) {
            double sc = c->atol + c->rtol * max2(fabs(a[i][l]), fabs(b[i][l]));
            double s2 = sc * sc, x2 = x[i][l] * x[i][l];
            num[l] = num[l] * s2 + x2 * den[l];
            den[l] = den[l] * s2;
        }
    for (int l = 0; l < L; l++)
        num[l] /= den[l];
    /* the largest by halving (elementwise maxima vectorise; a running maximum stays scalar) */
    for (int w = L / 2; w >= 1; w /= 2)
        for (int l = 0; l < w; l++)
            num[l] = max2(num[l], num[l + w]);
    return sqrt(num[0] / ns);
}

/* Hairer's initial step size (DOPRI5 hinit), shared by the lanes. */
INLINE double initial_step(struct ctx *c, const int ns, const lanes_t y, const lanes_t f0,
                           double hmax)
{
    static const lanes_t zero;
    lanes_t y1, f1, df;
    double dn0 = norm(c, ns, y, y, zero), dn1 = norm(c, ns, f0, y, zero);
    double h = (dn0 < 1e-5 || dn1 < 1e-5) ? 1e-6 : 0.01 * dn0 / dn1;
    h = min2(h, hmax);
    for (int i = 0; i < ns; i++)
        for (int l = 0; l < L; l++)
            y1[i][l] = y[i][l] + h * f0[i][l];
    f(c, y1, f1);
    for (int i = 0; i < ns; i++)
        for (int l = 0; l < L; l++)
            df[i][l] = f1[i][l] - f0[i][l];
    double dn2 = norm(c, ns, df, y, zero) / h, der = max2(dn1, dn2);
    double h1 = der <= 1e-15 ? max2(1e-6, h * 1e-3) : pow(0.01 / der, 1.0 / 5.0);
    return min2(min2(100.0 * h, h1), hmax);
}

/* Integrates y from t0 to t1 (exactly), writing outputs for times in (t0, t1) - or (t0, t1]
 * when `inclusive` - through the continuous extension.
 * The right-hand sides read only the body amounts (rows 0..GS_N_BODY and the extras; model.h:
 * the AUC is an output, never an input), so the intermediate stages form those rows only; the AUC
 * row is advanced by the step itself (ynew), checked by the error norm and interpolated like the
 * others. The stage weights are scaled by h once per step (h a_ij), and the state and FSAL
 * buffers are swapped by pointer rather than copied. */
INLINE gs_status segment(struct ctx *c, const int ns, lanes_t y_io, double t0, double t1,
                         const double *t_out, size_t n_out, size_t *io, int inclusive,
                         double *out /* [n_out][ns][L] */, struct gs_error *err)
{
    enum { NB = GS_N_BODY };
    lanes_t kbuf[2], ybuf, k2, k3, k4, k5, k6, ytmp, yerr;
    double(*y)[L] = y_io, (*ynew)[L] = ybuf, (*k1)[L] = kbuf[0], (*k7)[L] = kbuf[1];
    memset(ytmp, 0, (size_t)ns * sizeof ytmp[0]); /* its AUC row is never formed nor read */
    f(c, y, k1);
    double t = t0, h = initial_step(c, ns, y, k1, t1 - t0);
    int rejected = 0;
    while (t < t1) {
        if (t + h > t1 || t + 1.01 * h >= t1)
            h = t1 - t;
        if (++c->steps > 5000000L || h < 1e-12 * max2(1.0, fabs(t)))
            return gs_error_set(err, GS_SOLVER, "solver",
                                "Dormand-Prince step size underflow or too many steps at t = %g "
                                "h; use --solver cvode for stiff models",
                                t);
        const double b21 = h * a21, b31 = h * a31, b32 = h * a32, b41 = h * a41, b42 = h * a42,
                     b43 = h * a43, b51 = h * a51, b52 = h * a52, b53 = h * a53, b54 = h * a54,
                     b61 = h * a61, b62 = h * a62, b63 = h * a63, b64 = h * a64, b65 = h * a65,
                     b71 = h * a71, b73 = h * a73, b74 = h * a74, b75 = h * a75, b76 = h * a76;
/* rows [0, rows) and the extras [NS3, ns) */
#define STAGE(dst, rows, expr)                                                                     \
    for (int i = 0; i < rows; i++)                                                                 \
        for (int l = 0; l < L; l++)                                                                \
            dst[i][l] = y[i][l] + (expr);                                                          \
    for (int i = NS3; i < ns; i++)                                                                 \
        for (int l = 0; l < L; l++)                                                                \
            dst[i][l] = y[i][l] + (expr);
        STAGE(ytmp, NB, b21 * k1[i][l]);
        f(c, ytmp, k2);
        STAGE(ytmp, NB, b31 * k1[i][l] + b32 * k2[i][l]);
        f(c, ytmp, k3);
        STAGE(ytmp, NB, b41 * k1[i][l] + b42 * k2[i][l] + b43 * k3[i][l]);
        f(c, ytmp, k4);
        STAGE(ytmp, NB, b51 * k1[i][l] + b52 * k2[i][l] + b53 * k3[i][l] + b54 * k4[i][l]);
        f(c, ytmp, k5);
        STAGE(ytmp, NB,
              b61 * k1[i][l] + b62 * k2[i][l] + b63 * k3[i][l] + b64 * k4[i][l] + b65 * k5[i][l]);
        f(c, ytmp, k6);
        STAGE(ynew, NS3,
              b71 * k1[i][l] + b73 * k3[i][l] + b74 * k4[i][l] + b75 * k5[i][l] + b76 * k6[i][l]);
        f(c, ynew, k7);
#undef STAGE
        for (int i = 0; i < ns; i++)
            for (int l = 0; l < L; l++)
                yerr[i][l] = h * (e1 * k1[i][l] + e3 * k3[i][l] + e4 * k4[i][l] + e5 * k5[i][l] +
                                  e6 * k6[i][l] + e7 * k7[i][l]);
        double en = norm(c, ns, yerr, y, ynew);
        if (!(en <= 1.0)) { /* reject (also on NaN) */
            h *= ctrl_fac(en);
            rejected = 1;
            continue;
        }
        double tn = t + h;
        /* dense output for the outputs inside this step */
        while (*io < n_out && t_out[*io] <= tn && (t_out[*io] < t1 || inclusive)) {
            double th = (t_out[*io] - t) / h, th1 = 1.0 - th;
            double *o = out + *io * (size_t)ns * L;
            for (int i = 0; i < ns; i++)
                for (int l = 0; l < L; l++) {
                    double ydiff = ynew[i][l] - y[i][l];
                    double bspl = h * k1[i][l] - ydiff;
                    double r5 = h * (d1 * k1[i][l] + d3 * k3[i][l] + d4 * k4[i][l] + d5 * k5[i][l] +
                                     d6 * k6[i][l] + d7 * k7[i][l]);
                    o[i * L + l] =
                        y[i][l] +
                        th * (ydiff + th1 * (bspl + th * (ydiff - h * k7[i][l] - bspl + th1 * r5)));
                }
            (*io)++;
        }
        double(*sw)[L] = y; /* accept: ynew becomes y, k7 becomes k1 (first same as last) */
        y = ynew, ynew = sw;
        sw = k1, k1 = k7, k7 = sw;
        t = tn;
        h *= min2(rejected ? 1.0 : 10.0, ctrl_fac(en));
        rejected = 0;
    }
    if (y != y_io)
        memcpy(y_io, y, (size_t)ns * sizeof y[0]);
    return GS_OK;
}

/* The two compiled instances (see NS3). */
GS_HOT static gs_status segment3(struct ctx *c, lanes_t y, double t0, double t1,
                                 const double *t_out, size_t n_out, size_t *io, int inclusive,
                                 double *out, struct gs_error *err)
{
    return segment(c, NS3, y, t0, t1, t_out, n_out, io, inclusive, out, err);
}
GS_HOT static gs_status segment_n(struct ctx *c, lanes_t y, double t0, double t1,
                                  const double *t_out, size_t n_out, size_t *io, int inclusive,
                                  double *out, struct gs_error *err)
{
    return segment(c, c->ns, y, t0, t1, t_out, n_out, io, inclusive, out, err);
}

/* Row of lane state row r in the full layout of gabasim/model.h. */
static int full_index(int r)
{
    return r < NS3 ? r : (int)GS_N_STATES + (r - NS3);
}

/* Every structure here has non-negative inputs and outflows proportional to the amount, so its
 * exact amounts are never negative. As for CVODE (propagate.c), a decaying amount that the method
 * undershoots by less than 10 x (atol + rtol x the lane's largest amount) is zero to the accuracy
 * asked for, and is written as zero; anything more negative is a failure, reported and never
 * hidden. (The dense output between steps undershoots too: a 5th-order interpolant of a curve
 * decaying to zero.) */
GS_HOT static gs_status undershoot(const struct ctx *c, int n_lanes, const double *t_out,
                                   size_t n_out, double *out, struct gs_error *err)
{
    /* time-major passes over all lanes (vectorised; fmax() would be a library call per value),
     * then, only if some value is beyond its bound, the first such in lane order is reported */
    const size_t ns = (size_t)c->ns;
    double scale[L] = {0}, noise[L];
    for (size_t k = 0; k < n_out; k++)
        for (size_t i = 0; i < ns; i++)
            for (int l = 0; i != GS_Y_AUC && l < L; l++) /* body amounts only */
                scale[l] = max2(scale[l], fabs(out[(k * ns + i) * L + (size_t)l]));
    for (int l = 0; l < L; l++)
        noise[l] = l < n_lanes ? 10.0 * (c->atol + c->rtol * scale[l]) : INFINITY;
    int bad = 0;
    for (size_t k = 0; k < n_out; k++)
        for (size_t i = 0; i < ns; i++)
            for (int l = 0; i != GS_Y_AUC && l < L; l++) {
                double *y = &out[(k * ns + i) * L + (size_t)l];
                bad |= *y < -noise[l];
                *y = *y < 0.0 && *y >= -noise[l] ? 0.0 : *y;
            }
    for (int l = 0; bad && l < n_lanes; l++)
        for (size_t k = 0; k < n_out; k++)
            for (size_t i = 0; i < ns; i++) {
                double y = out[(k * ns + i) * L + (size_t)l];
                if (i != GS_Y_AUC && y < -noise[l])
                    return gs_error_set(err, GS_SOLVER, "solver",
                                        "the batched Dormand-Prince integrator produced a negative "
                                        "amount (%g mg in state %d at t = %g h, beyond its error "
                                        "bound %g mg); tighten --rtol or --atol",
                                        y, full_index((int)i), t_out[k], noise[l]);
            }
    return GS_OK;
}

/* The first dose record / dialysis session at index i or later (ev->n if none). */
static size_t next_dose(const struct gs_event_list *ev, size_t i)
{
    while (i < ev->n && ev->ev[i].evid != GS_EVID_DOSE)
        i++;
    return i;
}
static size_t next_session(const struct gs_event_list *ev, size_t i)
{
    while (i < ev->n && ev->ev[i].evid != GS_EVID_HD)
        i++;
    return i;
}

gs_status gs__rk_batch(const struct gs_model *models, int n_lanes, const struct gs_event_list *ev,
                       const double *t_out, size_t n_out, const struct gs_sim_options *opt,
                       double *out, long *steps, struct gs_error *err)
{
    struct ctx c;
    memset(&c, 0, sizeof c);
    c.s = models[0].structure;
    c.ns = NS3 + (int)c.s->n_extra;
    c.rtol = opt->rtol;
    c.atol = opt->atol_mg;
    /* lanes beyond n_lanes repeat the last model (their results are ignored) */
    for (int l = 0; l < L; l++) {
        const struct gs_model *m = &models[l < n_lanes ? l : n_lanes - 1];
        for (size_t k = 0; k < c.s->n_params; k++)
            c.p[k][l] = m->p[k];
    }
    if (c.s->lanes_prepare)
        c.s->lanes_prepare((double *)c.p);
    /* dialysis sessions (GS_EVID_HD): each lane's dialysis clearance joins its CL meanwhile */
    int cl = gs_model_structure_param_index(c.s, "CL");
    double cl_base[L], cl_hd[L];
    for (int l = 0; l < L; l++) {
        const struct gs_model *m = &models[l < n_lanes ? l : n_lanes - 1];
        cl_base[l] = cl >= 0 ? m->p[cl] : 0.0;
        cl_hd[l] = m->hd_cl_l_h;
    }
    size_t ih = next_session(ev, 0);
    int hd_on = 0;
    double hd_end = INFINITY;
    if (ih < ev->n && cl < 0)
        return gs_error_set(err, GS_UNSUPPORTED, "HD",
                            "a haemodialysis session, but structure '%s' has no CL", c.s->name);
    for (int l = 0; ih < ev->n && l < n_lanes; l++)
        if (!(cl_hd[l] >= 0.0 && isfinite(cl_hd[l])))
            return gs_error_set(err, GS_UNSUPPORTED, "HD",
                                "a haemodialysis session at %g h, but the model gives no dialysis "
                                "clearance (drug file: model.haemodialysis.CL)",
                                ev->ev[ih].time_h);
    lanes_t y;
    memset(y, 0, sizeof y);
    double t = 0.0;
    if (ev->n && ev->ev[0].time_h < t)
        t = ev->ev[0].time_h;
    if (n_out && t_out[0] < t)
        t = t_out[0];
    size_t ie = 0, io = 0;
    gs_status st = GS_OK;
    ie = next_dose(ev, 0);
    while (io < n_out && st == GS_OK) {
        /* a session ending or starting at t changes the lanes' clearance */
        int switched = 0;
        if (hd_on && hd_end <= t) {
            hd_on = 0, switched = 1;
            ih = next_session(ev, ih + 1);
        }
        if (!hd_on && ih < ev->n && ev->ev[ih].time_h <= t) {
            hd_on = 1, switched = 1;
            hd_end = ev->ev[ih].time_h + ev->ev[ih].dur_h;
        }
        if (switched) {
            for (int l = 0; l < L; l++)
                c.p[cl][l] = cl_base[l] + (hd_on ? cl_hd[l] : 0.0);
            if (c.s->lanes_prepare)
                c.s->lanes_prepare((double *)c.p);
        }
        /* apply every dose at time t (lag is shared: checked by the caller) */
        while (ie < ev->n && ev->ev[ie].time_h + c.s->lag(models[0].p, ev->ev[ie].cmt) <= t) {
            const struct gs_event *e = &ev->ev[ie];
            ie = next_dose(ev, ie + 1);
            for (int l = 0; l < L; l++) {
                double tmp[GS_MAX_STATES] = {0}, pl[GS_MAX_PARAMS];
                for (int i = 0; i < c.ns; i++)
                    tmp[full_index(i)] = y[i][l];
                for (size_t k = 0; k < c.s->n_params; k++)
                    pl[k] = c.p[k][l];
                c.s->dose(pl, e->cmt, e->amt_mg, tmp);
                for (int i = 0; i < c.ns; i++)
                    y[i][l] = tmp[full_index(i)];
            }
        }
        while (io < n_out && t_out[io] == t) { /* outputs at t include the doses at t */
            memcpy(out + io * (size_t)c.ns * L, y, (size_t)c.ns * sizeof y[0]);
            io++;
        }
        if (io == n_out)
            break;
        double t_next = ie < ev->n ? ev->ev[ie].time_h + c.s->lag(models[0].p, ev->ev[ie].cmt)
                                   : t_out[n_out - 1];
        double t_hd = hd_on ? hd_end : ih < ev->n ? ev->ev[ih].time_h : INFINITY;
        int last = ie >= ev->n && !(t_hd < t_out[n_out - 1]);
        if (t_hd < t_next)
            t_next = t_hd;
        if (t_next > t_out[n_out - 1]) {
            t_next = t_out[n_out - 1];
            last = 1;
        }
        st = c.ns == NS3 ? segment3(&c, y, t, t_next, t_out, n_out, &io, last, out, err)
                         : segment_n(&c, y, t, t_next, t_out, n_out, &io, last, out, err);
        t = t_next;
    }
    if (steps)
        *steps = c.steps;
    if (st == GS_OK)
        st = undershoot(&c, n_lanes, t_out, n_out, out, err);
    return st;
}
