/* gabasim/dataset.h - NONMEM-style datasets (CSV) in and predictions out.
 *
 * Columns with NONMEM's meaning: ID, TIME (h), AMT (mg), EVID (0 observation, 1 dose, 2 other,
 * 3 reset, 4 reset and dose), CMT (1 depot, 2 central), RATE (mg/h; only 0 is supported by the
 * engine), II (h), ADDL, SS (0, 1, 2), MDV, DV (mg/L); any other column is a covariate (numeric,
 * '.' for missing). Column names are case-insensitive; ID and TIME are required; missing optional
 * standard columns take NONMEM's defaults (EVID from AMT and MDV: AMT > 0 -> 1, else 0; CMT 1 for
 * doses and 2 for observations; the others 0). Rows are kept in file order so predictions can be
 * written back in the same layout.
 *
 * Ownership: gs_dataset is opaque; gs_dataset_read()/gs_dataset_parse() create it and
 * gs_dataset_free() (NULL-safe) releases it. Pointers returned by accessors live as long as it.
 */
#ifndef GABASIM_DATASET_H
#define GABASIM_DATASET_H

#include <stddef.h>
#include <stdio.h>

#include "gabasim/events.h"
#include "gabasim/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gs_dataset gs_dataset;

#define GS_DATASET_MAX_BYTES   (512L * 1024 * 1024) /* input ceiling */
#define GS_DATASET_MAX_COLUMNS 64

/* Reads and validates a CSV file. Errors name the file, line, column, value and rule broken:
 * "data.csv: line 12, column SS: '2' with II 0; SS needs II above 0". Checks: header present and
 * columns unique; every value numeric or '.'; TIME finite, >= 0 and non-decreasing within an ID
 * (rows of one ID contiguous); EVID in 0-4; CMT 1 or 2 for doses; AMT > 0 for doses; SS in 0-2
 * and SS > 0 only on dose records with II > 0; ADDL >= 0 whole, and ADDL > 0 needs II > 0;
 * II >= 0; RATE >= 0. */
gs_status gs_dataset_read(gs_dataset **out, const char *path, struct gs_error *err);

/* Same from memory (`origin` names it in messages); the fuzzed entry point. */
gs_status gs_dataset_parse(gs_dataset **out, const char *text, size_t len, const char *origin,
                           struct gs_error *err);

void gs_dataset_free(gs_dataset *ds);

size_t gs_dataset_n_rows(const gs_dataset *ds);
size_t gs_dataset_n_subjects(const gs_dataset *ds);

/* Subject s (0-based, in order of first appearance): its ID and its rows [*first, *first + *n). */
void gs_dataset_subject(const gs_dataset *ds, size_t s, double *id, size_t *first, size_t *n);

/* The event record of a row (time, EVID, AMT, CMT, RATE, II, ADDL, SS) with defaults applied. */
void gs_dataset_row_event(const gs_dataset *ds, size_t row, struct gs_event *ev);

/* 1 if the row is an observation whose prediction is wanted (EVID 0, whatever MDV says). */
int gs_dataset_row_is_observation(const gs_dataset *ds, size_t row);

/* Covariate columns (every column that is not a standard one). Values are NaN where '.' */
size_t gs_dataset_n_covariates(const gs_dataset *ds);
const char *gs_dataset_covariate_name(const gs_dataset *ds, size_t k); /* as in the header */
double gs_dataset_covariate(const gs_dataset *ds, size_t row, size_t k);
/* Index of a covariate by case-insensitive name, or -1. */
int gs_dataset_covariate_index(const gs_dataset *ds, const char *name);

/* Writes the dataset in its own layout (same columns and order, values as read, '.' for
 * missing) with three columns appended: PRED, IPRED and SIMDV, from the caller's per-row arrays
 * (NaN prints as '.'). Dose and other non-observation rows get '.' unless the arrays say
 * otherwise. */
gs_status gs_dataset_write(const gs_dataset *ds, FILE *f, const double *pred, const double *ipred,
                           const double *simdv);

#ifdef __cplusplus
}
#endif
#endif
