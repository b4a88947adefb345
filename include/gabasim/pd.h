/* gabasim/pd.h - pharmacodynamics, part 1: effect-site (CSF) delay and alpha-2-delta-1 binding.
 *
 * Gabapentinoids act in the central nervous system, where they arrive with a delay. The effect
 * site is a hypothetical compartment driven by plasma: dCe/dt = ke0 (Cp - Ce); the CSF
 * concentration is Kp x Ce (Kp < 1: CSF levels are a fraction of plasma levels). ke0 and Kp come
 * from the drug file ("pharmacodynamics"), calibrated to the published CSF/plasma ratios
 * (tools/calibrate_csf.c). Occupancy of alpha-2-delta-1 is CSF / (CSF + Kd), a mechanistic
 * quantity only: typical CSF levels are tens of times Kd, so occupancy is near 1 at every
 * clinical dose and cannot carry the dose-response (docs/model.md).
 */
#ifndef GABASIM_PD_H
#define GABASIM_PD_H

#include <stddef.h>

#include "gabasim/drug.h" /* struct gs_pd_params, gs_drug_pd */
#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Effect-site concentrations ce[0..n) for plasma cp[0..n) at ascending times t[0..n), starting
 * from ce0 at t[0]. Exact for plasma varying linearly between the given times (so a fine grid
 * gives the exact answer to its resolution). */
void gs_pd_effect_site(const double *t_h, const double *cp, size_t n, double ke0_per_h, double ce0,
                       double *ce);

/* Occupancy of the binding site at CSF concentration c (mg/L), 0..1. */
double gs_pd_occupancy(double csf_mg_l, double kd_mg_l);

#ifdef __cplusplus
}
#endif
#endif
