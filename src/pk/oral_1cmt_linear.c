/* oral_1cmt_linear.c - one compartment, first-order absorption with lag, linear elimination.
 *
 * Parameters: ka (1/h), V (L), CL (L/h), tlag (h), F (fraction). With apparent parameters
 * (CL/F, V/F, as in Shoji 2011 for pregabalin) F stays 1. Closed form: between events the state
 * moves by the exact solution below; by linearity a profile built this way equals the
 * superposition of every dose's response.
 */
#include <math.h>
#include <string.h>

#include "pk_int.h"

/* GS_HOT: compiled for AVX-512, AVX2 and the x86-64 baseline, the loader picking one for the CPU
 * (GCC function multiversioning; CMakeLists.txt defines GS_TARGET_CLONES). Byte-identical
 * results in each: the same operations in the same order, no fused multiply-add. */
#ifdef GS_TARGET_CLONES
#define GS_HOT __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define GS_HOT
#endif

enum { KA, V, CL, TLAG, F };

/* Plausibility bounds, not published limits: a V/F below 1 L (less than plasma volume) or a
 * rate or clearance below 0.001 per hour is no oral drug's, and such values make CL/V or the
 * absorption rate overflow or vanish (issue 17). */
static const struct gs_param_def params[] = {
    {"ka", "1/h", "first-order absorption rate constant", 1, 0.0, 0.001, 1000.0, 0},
    {"V", "L", "volume of distribution (apparent: V/F)", 1, 0.0, 1.0, 10000.0, 0},
    {"CL", "L/h", "clearance (apparent: CL/F) at the drug file's reference covariates", 1, 0.0,
     0.001, 1000.0, 0},
    {"tlag", "h", "absorption lag time", 0, 0.0, 0.0, 24.0, 0},
    {"F", "fraction", "bioavailable fraction of each oral dose", 0, 1.0, 0.0, 1.0, 1},
};

static int rhs(double t, const double *y, double *dy, const double *p)
{
    (void)t;
    double k = p[CL] / p[V];
    double absorb = p[KA] * y[GS_Y_DEPOT];
    double elim = k * y[GS_Y_CENTRAL];
    dy[GS_Y_DEPOT] = -absorb;
    dy[GS_Y_CENTRAL] = absorb - elim;
    dy[GS_Y_UNABSORBED] = 0.0;
    dy[GS_Y_ELIMINATED] = elim;
    dy[GS_Y_AUC] = y[GS_Y_CENTRAL] / p[V];
    return 0;
}

/* d(dy/dt)/dy and d(dy/dt)/dp of the body amounts, by hand from rhs() above. */
static int jac(double t, const double *y, const double *p, double *jy, double *jp)
{
    (void)t;
    enum { N = GS_N_BODY, NP = F + 1 };
    double k = p[CL] / p[V], a = y[GS_Y_DEPOT], c = y[GS_Y_CENTRAL];
    jy[GS_Y_DEPOT * N + GS_Y_DEPOT] = -p[KA];
    jy[GS_Y_DEPOT * N + GS_Y_CENTRAL] = 0.0;
    jy[GS_Y_CENTRAL * N + GS_Y_DEPOT] = p[KA];
    jy[GS_Y_CENTRAL * N + GS_Y_CENTRAL] = -k;
    if (jp) {
        memset(jp, 0, N * NP * sizeof *jp);
        jp[GS_Y_DEPOT * NP + KA] = -a;
        jp[GS_Y_CENTRAL * NP + KA] = a;
        jp[GS_Y_CENTRAL * NP + V] = k * c / p[V];
        jp[GS_Y_CENTRAL * NP + CL] = -c / p[V];
    }
    return 0;
}

enum { K_EL = 5, INV_V = 6 }; /* derived rows for the lane RHS */

static void lanes_prepare(double *p)
{
    gs__lanes_prepare_1cmt(p, CL, V, K_EL, INV_V);
}

GS_HOT static void rhs_lanes(const double *restrict y, double *restrict dy,
                             const double *restrict p)
{
    enum { L = GS_LANES };
    for (int l = 0; l < L; l++) {
        double cen = y[GS_Y_CENTRAL * L + l];
        double absorb = p[KA * L + l] * y[GS_Y_DEPOT * L + l];
        dy[GS_Y_DEPOT * L + l] = -absorb;
        dy[GS_Y_CENTRAL * L + l] = absorb - p[K_EL * L + l] * cen;
        dy[GS_Y_AUC * L + l] = cen * p[INV_V * L + l];
    }
}

/* g(r, t) = (1 - exp(-r t)) / r = integral of exp(-r s) over [0, t], stable as r -> 0. */
static double g(double r, double t)
{
    double x = r * t;
    return fabs(x) < 1e-12 ? t : -expm1(-x) / r;
}

/* (g(k, t) - g(ka, t)) / (ka - k): the integral over [0, t] of the central amount produced by a
 * unit depot amount, divided by ka. For ka close to k the difference quotient is replaced by the
 * derivative -dg/dr at the mean rate (error O((ka-k)^2), below 1e-12 relative at the 1e-6 cut). */
static double g_diff(double k, double ka, double t)
{
    double d = ka - k;
    if (fabs(d) > 1e-6 * fmax(ka, k))
        return (g(k, t) - g(ka, t)) / d;
    double r = 0.5 * (ka + k);
    double x = r * t;
    if (fabs(x) < 1e-8)
        return 0.5 * t * t;
    /* dg/dr = (r t exp(-r t) - (1 - exp(-r t))) / r^2 */
    return -((x * exp(-x) + expm1(-x)) / (r * r));
}

/* Central amount at t from a unit depot amount at 0: ka/(ka-k) (e^-kt - e^-ka t), written as
 * ka t e^-kt phi((ka-k) t) with phi(x) = (1 - e^-x)/x so that ka == k needs no special case. */
static double depot_to_central(double k, double ka, double t)
{
    double x = (ka - k) * t;
    double phi = fabs(x) < 1e-12 ? 1.0 : -expm1(-x) / x;
    return ka * t * exp(-k * t) * phi;
}

static void exact(const double *p, double dt, double *y)
{
    double ka = p[KA], k = p[CL] / p[V];
    double a0 = y[GS_Y_DEPOT], c0 = y[GS_Y_CENTRAL];
    /* integral of the central amount over [0, dt] */
    double int_c = c0 * g(k, dt) + a0 * ka * g_diff(k, ka, dt);
    y[GS_Y_DEPOT] = a0 * exp(-ka * dt);
    y[GS_Y_CENTRAL] = c0 * exp(-k * dt) + a0 * depot_to_central(k, ka, dt);
    y[GS_Y_ELIMINATED] += k * int_c;
    y[GS_Y_AUC] += int_c / p[V];
}

static void exact_matrix(const double *p, double dt, double *m)
{
    enum { N = GS_N_CORE };
    double ka = p[KA], k = p[CL] / p[V];
    double gk = g(k, dt);
    memset(m, 0, N * N * sizeof *m);
    m[GS_Y_DEPOT * N + GS_Y_DEPOT] = exp(-ka * dt);
    m[GS_Y_CENTRAL * N + GS_Y_DEPOT] = depot_to_central(k, ka, dt);
    m[GS_Y_CENTRAL * N + GS_Y_CENTRAL] = exp(-k * dt);
    m[GS_Y_AUC * N + GS_Y_DEPOT] = ka * g_diff(k, ka, dt) / p[V];
    m[GS_Y_AUC * N + GS_Y_CENTRAL] = gk / p[V];
    m[GS_Y_AUC * N + GS_Y_AUC] = 1.0;
}

static void dose(const double *p, int cmt, double amt, double *y)
{
    if (cmt == 1) {
        y[GS_Y_DEPOT] += p[F] * amt;
        y[GS_Y_UNABSORBED] += (1.0 - p[F]) * amt;
    } else {
        y[GS_Y_CENTRAL] += amt;
    }
}

static double lag(const double *p, int cmt)
{
    return cmt == 1 ? p[TLAG] : 0.0;
}

static double volume(const double *p)
{
    return p[V];
}

static double clearance(const double *p)
{
    return p[CL];
}

static double lambda_z(const double *p)
{
    return fmin(p[KA], p[CL] / p[V]);
}

const struct gs_structure gs__oral_1cmt_linear = {
    "oral_1cmt_linear",
    "one compartment, first-order absorption with lag, linear elimination (closed form)",
    sizeof params / sizeof params[0],
    params,
    rhs,
    rhs_lanes,
    lanes_prepare,
    exact,
    exact_matrix,
    dose,
    lag,
    volume,
    clearance,
    lambda_z,
    0, /* no extra compartments */
    jac,
};
