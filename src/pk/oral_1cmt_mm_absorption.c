/* oral_1cmt_mm_absorption.c - saturable (Michaelis-Menten) absorption from the gut with
 * first-order loss of unabsorbed drug, one compartment, linear elimination.
 *
 *   absorption = Vmax * A_gut / (Km + A_gut)
 *   dA_gut/dt  = -absorption - ktr * A_gut       (ktr: transit past the absorption window)
 *   dA_c/dt    =  absorption - (CL/V) * A_c
 *
 * The carrier (system-L / LAT amino-acid transport in the proximal small bowel; Stewart et al.,
 * Pharm Res 1993;10:276) saturates, so the fraction of a dose absorbed falls as the dose rises.
 * Nonlinear: no closed form; solved numerically (SUNDIALS CVODE).
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

enum { VMAX, KM, KTR, V, CL, TLAG };

/* Plausibility bounds, not published limits: a V/F below 1 L (less than plasma volume) or a
 * rate or clearance below 0.001 per hour is no oral drug's, and such values make CL/V or the
 * absorption rate overflow or vanish (issue 17). */
static const struct gs_param_def params[] = {
    {"Vmax", "mg/h", "maximum absorption rate of the saturable carrier", 1, 0.0, 0.001, 1e6, 0},
    {"Km", "mg", "gut amount at half-maximal absorption rate", 1, 0.0, 0.001, 1e6, 0},
    {"ktr", "1/h", "first-order loss of unabsorbed drug past the absorption window", 1, 0.0, 0.0,
     100.0, 0},
    {"V", "L", "volume of distribution", 1, 0.0, 1.0, 10000.0, 0},
    {"CL", "L/h", "clearance at the drug file's reference covariates", 1, 0.0, 0.001, 1000.0, 0},
    {"tlag", "h", "absorption lag time", 0, 0.0, 0.0, 24.0, 0},
};

static int rhs(double t, const double *y, double *dy, const double *p)
{
    (void)t;
    /* Below zero (a solver undershoot of a few tolerances) the uptake continues linearly,
     * Vmax/Km * gut, matching value and slope at zero, so an undershoot decays back to zero
     * instead of being frozen or amplified. */
    double gut = y[GS_Y_DEPOT];
    double absorb = p[VMAX] * gut / (p[KM] + fmax(gut, 0.0));
    double loss = p[KTR] * gut;
    double elim = p[CL] / p[V] * y[GS_Y_CENTRAL];
    dy[GS_Y_DEPOT] = -absorb - loss;
    dy[GS_Y_CENTRAL] = absorb - elim;
    dy[GS_Y_UNABSORBED] = loss;
    dy[GS_Y_ELIMINATED] = elim;
    dy[GS_Y_AUC] = y[GS_Y_CENTRAL] / p[V];
    return 0;
}

/* d(dy/dt)/dy and d(dy/dt)/dp of the body amounts, by hand from rhs() above (below zero the
 * uptake's linear continuation, Vmax/Km * gut). */
static int jac(double t, const double *y, const double *p, double *jy, double *jp)
{
    (void)t;
    enum { N = GS_N_BODY, NP = TLAG + 1 };
    double gut = y[GS_Y_DEPOT], c = y[GS_Y_CENTRAL], k = p[CL] / p[V];
    double den = p[KM] + fmax(gut, 0.0);
    double da_dgut = gut > 0.0 ? p[VMAX] * p[KM] / (den * den) : p[VMAX] / p[KM];
    jy[GS_Y_DEPOT * N + GS_Y_DEPOT] = -da_dgut - p[KTR];
    jy[GS_Y_DEPOT * N + GS_Y_CENTRAL] = 0.0;
    jy[GS_Y_CENTRAL * N + GS_Y_DEPOT] = da_dgut;
    jy[GS_Y_CENTRAL * N + GS_Y_CENTRAL] = -k;
    if (jp) {
        double da_dvmax = gut / den, da_dkm = -p[VMAX] * gut / (den * den);
        memset(jp, 0, N * NP * sizeof *jp);
        jp[GS_Y_DEPOT * NP + VMAX] = -da_dvmax;
        jp[GS_Y_DEPOT * NP + KM] = -da_dkm;
        jp[GS_Y_DEPOT * NP + KTR] = -gut;
        jp[GS_Y_CENTRAL * NP + VMAX] = da_dvmax;
        jp[GS_Y_CENTRAL * NP + KM] = da_dkm;
        jp[GS_Y_CENTRAL * NP + V] = k * c / p[V];
        jp[GS_Y_CENTRAL * NP + CL] = -c / p[V];
    }
    return 0;
}

/* Derived rows for the lane RHS: elimination rate constant and 1/V (saves two divisions). */
enum { K_EL = 6, INV_V = 7 };

static void lanes_prepare(double *p)
{
    gs__lanes_prepare_1cmt(p, CL, V, K_EL, INV_V);
}

/* The core states for GS_LANES subjects (structure-of-arrays), branch-free so it vectorises. */
GS_HOT static void rhs_lanes(const double *restrict y, double *restrict dy,
                             const double *restrict p)
{
    enum { L = GS_LANES };
    for (int l = 0; l < L; l++) {
        double gut = y[GS_Y_DEPOT * L + l], cen = y[GS_Y_CENTRAL * L + l];
        double absorb = p[VMAX * L + l] * gut / (p[KM * L + l] + (gut > 0.0 ? gut : 0.0));
        dy[GS_Y_DEPOT * L + l] = -absorb - p[KTR * L + l] * gut;
        dy[GS_Y_CENTRAL * L + l] = absorb - p[K_EL * L + l] * cen;
        dy[GS_Y_AUC * L + l] = cen * p[INV_V * L + l];
    }
}

static void dose(const double *p, int cmt, double amt, double *y)
{
    (void)p;
    y[cmt == 1 ? GS_Y_DEPOT : GS_Y_CENTRAL] += amt;
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

/* At low gut amounts the gut empties at Vmax/Km + ktr; the slower of that and CL/V is terminal. */
static double lambda_z(const double *p)
{
    return fmin(p[VMAX] / p[KM] + p[KTR], p[CL] / p[V]);
}

const struct gs_structure gs__oral_1cmt_mm_absorption = {
    "oral_1cmt_mm_absorption",
    "one compartment, saturable Michaelis-Menten absorption with first-order gut loss (ODE)",
    sizeof params / sizeof params[0],
    params,
    rhs,
    rhs_lanes,
    lanes_prepare,
    NULL,
    NULL,
    dose,
    lag,
    volume,
    clearance,
    lambda_z,
    0, /* no extra compartments */
    jac,
};
