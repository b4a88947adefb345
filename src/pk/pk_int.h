/* pk_int.h - private to src/pk: the structure objects the registry lists. */
#ifndef GABASIM_PK_INT_H
#define GABASIM_PK_INT_H

#include "gabasim/model.h"

extern const struct gs_structure gs__oral_1cmt_linear;
extern const struct gs_structure gs__oral_1cmt_mm_absorption;

/* Derived rows for a lane RHS of a one-compartment structure: row k_el = CL/V and row inv_v = 1/V,
 * computed once per batch so that the RHS multiplies instead of dividing. */
static inline void gs__lanes_prepare_1cmt(double *p, int cl, int v, int k_el, int inv_v)
{
    enum { L = GS_LANES };
    for (int l = 0; l < L; l++) {
        p[k_el * L + l] = p[cl * L + l] / p[v * L + l];
        p[inv_v * L + l] = 1.0 / p[v * L + l];
    }
}

#endif
