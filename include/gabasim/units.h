/* gabasim/units.h - quantities with units at the boundary, one unit system inside.
 *
 * Internal units: amounts mg, volumes L, time h, concentrations mg/L, clearances L/h (drug
 * parameters) or mL/min (creatinine clearance, as the labels tabulate it), serum creatinine mg/dL,
 * body weight kg, height cm, age years. The parser accepts a number followed by a unit, with or
 * without a space ("300mg", "8 h", "1.2mg/dL", "106umol/L"); a bare number is accepted only where
 * the dimension has a documented default unit.
 */
#ifndef GABASIM_UNITS_H
#define GABASIM_UNITS_H

#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum gs_dim {
    GS_DIM_DOSE,   /* mg; also g */
    GS_DIM_TIME,   /* h; also min, d, w */
    GS_DIM_SCR,    /* mg/dL; also umol/L (divided by 88.4) */
    GS_DIM_WEIGHT, /* kg; also lb */
    GS_DIM_HEIGHT, /* cm; also m, in */
    GS_DIM_AGE,    /* years (y); a bare number means years */
    GS_DIM_CRCL,   /* mL/min; a bare number means mL/min */
    GS_DIM_CONC,   /* mg/L; also ug/mL (equal) */
};

/* Parses `text` as a quantity of dimension `dim` and stores it in internal units in *out.
 * `field` names the option for the error message ("--dose"). Rejects non-finite numbers, unknown
 * units and (for dimensions without a default unit) bare numbers. Range checks are the caller's. */
gs_status gs_units_parse_quantity(const char *text, enum gs_dim dim, const char *field, double *out,
                                  struct gs_error *err);

/* The accepted unit spellings of a dimension, for help and error text ("mg, g"). Static. */
const char *gs_units_dim_units(enum gs_dim dim);

/* The internal unit of a dimension ("mg"). Static. */
const char *gs_units_dim_unit(enum gs_dim dim);

/* Parses a whole non-negative integer ("14"); rejects signs, fractions, junk and overflow. */
gs_status gs_units_parse_count(const char *text, const char *field, long max, long *out,
                               struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
