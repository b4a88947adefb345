/* sim_int.h - private to src/sim: covariate rows of a dataset or covariate table as patients. */
#ifndef GABASIM_SIM_INT_H
#define GABASIM_SIM_INT_H

#include "gabasim/dataset.h"
#include "gabasim/patient.h"

#define GS__N_COVARIATE_COLUMNS 7 /* AGE SEX WT HT SCR CRCL DIAL */

/* Column index of each recognised covariate (-1 when absent). */
void gs__covariate_columns(const gs_dataset *ds, int *col);

/* The resolved patient at row r of a subject's rows [first, first + n): each covariate carried
 * forward from its last given value (or back from its first); `fallback` when the table has no
 * covariate column at all. */
gs_status gs__patient_at(const gs_dataset *ds, const int *col, size_t first, size_t n, size_t r,
                         const struct gs_patient *fallback, struct gs_patient *p,
                         struct gs_error *err);

/* Prefixes err with "FILE: line N" of a dataset row; returns err->code. */
gs_status gs__row_error(const gs_dataset *ds, size_t row, struct gs_error *err);

#endif
