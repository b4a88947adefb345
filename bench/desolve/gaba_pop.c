/* gaba_pop.c - the gaba-pop model for R deSolve's compiled-code interface (deSolve vignette
 * "compiledCode"): initmod receives the parameter vector, derivs is the right-hand side.
 * Built at run time by gaba_pop.R with R CMD SHLIB into a temporary directory.
 *
 *   abs       = Vmax * A_gut / (Km + A_gut)
 *   dA_gut/dt = -abs - ktr * A_gut
 *   dA_c/dt   =  abs - (CL/V) * A_c
 * (For A_gut < 0, a solver undershoot, the uptake continues linearly, Vmax/Km * A_gut, as in
 * gabasim's src/pk/oral_1cmt_mm_absorption.c.)
 */
#include <R.h>

static double parms[5];
#define CL   parms[0]
#define V    parms[1]
#define Vmax parms[2]
#define Km   parms[3]
#define ktr  parms[4]

/* parameters, in this order: CL, V, Vmax, Km, ktr */
void initmod(void (*odeparms)(int *, double *))
{
    int N = 5;
    odeparms(&N, parms);
}

void derivs(int *neq, double *t, double *y, double *ydot, double *yout, int *ip)
{
    (void)neq;
    (void)t;
    (void)yout;
    (void)ip;
    double gut = y[0];
    double absorb = gut >= 0.0 ? Vmax * gut / (Km + gut) : Vmax / Km * gut;
    ydot[0] = -absorb - ktr * gut;
    ydot[1] = absorb - CL / V * y[1];
}
