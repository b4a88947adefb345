/* gabasim/dataset.h - NONMEM-style datasets (CSV) in and predictions out.
 *
 * Columns with NONMEM's meaning: ID, TIME (h), AMT (mg), EVID (0 observation, 1 dose, 2 other,
 * 3 reset, 4 reset and dose), CMT (1 depot, 2 central; on EVID 2 a negative CMT turns a
 * compartment off), RATE (mg/h; -1 and -2 on doses: modelled rate or duration), II (h), ADDL,
 * SS (0, 1, 2), MDV (0, 1), DV (mg/L); any other column is a covariate (numeric, '.' for
 * missing) unless dropped (NAME=DROP in the header, gs_dataset_options.drop, or a first column
 * named C, whose lines starting with 'C' are skipped as NONMEM's IGNORE=C). Column names are
 * case-insensitive; ID and TIME are required; missing optional standard columns and missing
 * values ('.' or empty) take NONMEM's defaults (EVID from AMT and MDV: AMT > 0 -> 1, else MDV 1
 * -> 2, else 0; CMT 1 for doses and 2 for other records, also when CMT is 0; the others 0). An
 * individual is a run of contiguous rows with one ID (an ID that comes back is a new one). Rows
 * are kept in file order so predictions can be written back in the same layout. On EVID 0 a
 * negative CMT turns the compartment off after the observation (docs/datasets.md).
 *
 * Format: the first line that is not blank or a comment is the header; then one row per line,
 * values separated by commas, each with optional spaces or tabs around it; LF or CRLF line
 * endings; a UTF-8 byte order mark is skipped; blank lines and lines whose first non-blank
 * character is '#' are skipped (and not written back). No quoting: a '"' is an error. Numbers are
 * plain decimals (sign, digits, fraction, exponent); hexadecimal, inf and nan are errors. Column
 * names: up to 32 letters, digits, '_' and '.', starting with a letter or '_'. Limits: the file
 * GS_DATASET_MAX_BYTES, GS_DATASET_MAX_COLUMNS columns, 65536 bytes per line, 10 million rows.
 *
 * Ownership: gs_dataset is opaque; gs_dataset_read()/gs_dataset_parse() create it and
 * gs_dataset_free() (NULL-safe) releases it. Pointers returned by accessors live as long as it.
 */
#ifndef GABASIM_DATASET_H
#define GABASIM_DATASET_H

#include <stddef.h>
#include <stdio.h>

#include "gabasim/events.h"
#include "gabasim/error.h"

/* Latest TIME a dataset may give, h (100 years): beyond it the solvers lose all precision. */
#define GS_DATASET_MAX_TIME_H 876000.0

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gs_dataset gs_dataset;

#define GS_DATASET_MAX_BYTES   (512L * 1024 * 1024) /* input ceiling */
#define GS_DATASET_MAX_COLUMNS 64

/* Reads and validates a CSV file. Errors name the file, line (1-based, every line of the file
 * counted), column, value and rule broken:
 * "data.csv: line 12, column SS: '2' with II 0; SS needs II above 0". Checks: header present and
 * columns unique; every value numeric or '.' (dropped columns: any text); ID and TIME on every
 * row; TIME finite, >= 0 and non-decreasing within an individual; EVID whole 0-4; MDV 0 or 1;
 * AMT >= 0, and 0 on records that are not doses; CMT 1 or 2 on doses, a whole number -99..99
 * elsewhere; RATE >= 0, or -1 / -2 on doses, and 0 on other records;
 * SS whole 0-2, and SS > 0 only on dose records with II > 0 (or, a constant infusion at steady
 * state, AMT 0 with RATE above 0 or -1 and II 0); ADDL whole 0..GS_MAX_DOSES, and
 * ADDL > 0 only on dose records with II > 0; II >= 0.
 * On failure *out is NULL and nothing is leaked: GS_INPUT for a bad dataset, GS_NOTFOUND (no such
 * file), GS_IO (unreadable) or GS_NOMEM. */
gs_status gs_dataset_read(gs_dataset **out, const char *path, struct gs_error *err);

/* How a time-varying covariate (or parameter column) fills the time between records: NOCB, a
 * record's value holds over the interval that ends at it (NONMEM's and mrgsolve's default), or
 * LOCF, it holds from its record on (mrgsolve's fill/nocb = FALSE). docs/datasets.md. */
enum gs_dataset_fill { GS_FILL_NOCB = 0, GS_FILL_LOCF = 1 };

/* Reading options: GS_DATASET_OPTIONS_INIT, then set what differs. */
struct gs_dataset_options {
    /* comma-separated column names (case-insensitive) whose values are text kept as read and
     * not used (as NONMEM's $INPUT NAME=DROP); every name must be a column. NULL: none */
    const char *drop;
    enum gs_dataset_fill fill; /* kept with the dataset for gs_dataset_simulate() */
};
#define GS_DATASET_OPTIONS_INIT                                                                    \
    {                                                                                              \
        NULL, GS_FILL_NOCB                                                                         \
    }

/* gs_dataset_read / gs_dataset_parse with options (NULL: the defaults). */
gs_status gs_dataset_read_with(gs_dataset **out, const char *path,
                               const struct gs_dataset_options *opt, struct gs_error *err);
gs_status gs_dataset_parse_with(gs_dataset **out, const char *text, size_t len, const char *origin,
                                const struct gs_dataset_options *opt, struct gs_error *err);

/* The fill the dataset was read with. */
enum gs_dataset_fill gs_dataset_fill(const gs_dataset *ds);

/* "nocb" or "locf" (case-insensitive; NULL: leaves *fill) into *fill; GS_INPUT naming
 * '--covariates' otherwise. */
gs_status gs_dataset_parse_fill(const char *s, enum gs_dataset_fill *fill, struct gs_error *err);

/* Same from memory (`origin` names it in messages); the fuzzed entry point. */
gs_status gs_dataset_parse(gs_dataset **out, const char *text, size_t len, const char *origin,
                           struct gs_error *err);

void gs_dataset_free(gs_dataset *ds);

size_t gs_dataset_n_rows(const gs_dataset *ds);

/* The file line (1-based) a row came from, for messages; 0 for an out-of-range row. */
size_t gs_dataset_row_line(const gs_dataset *ds, size_t row);
/* The name given at parse time (the path for gs_dataset_read). */
const char *gs_dataset_origin(const gs_dataset *ds);
size_t gs_dataset_n_subjects(const gs_dataset *ds);

/* Subject s (0-based, in order of first appearance): its ID and its rows [*first, *first + *n).
 * The subjects' ranges cover every row once, in order. Any output pointer may be NULL; past the
 * last subject: ID NaN, *first the row count, *n 0. */
void gs_dataset_subject(const gs_dataset *ds, size_t s, double *id, size_t *first, size_t *n);

/* The event record of a row (time, EVID, AMT, CMT, RATE, II, ADDL, SS) with defaults applied
 * (past the last row: all zero with a NaN time). */
void gs_dataset_row_event(const gs_dataset *ds, size_t row, struct gs_event *ev);

/* 1 if the row is an observation whose prediction is wanted (EVID 0, whatever MDV says). */
int gs_dataset_row_is_observation(const gs_dataset *ds, size_t row);

/* The measured DV of an observation row (EVID 0, MDV 0); NaN on other rows or where DV is
 * missing. */
double gs_dataset_row_dv(const gs_dataset *ds, size_t row);

/* Covariate columns (every column that is not a standard one), in file order. Values are NaN
 * where '.' or empty (and for a row or index out of range); a name out of range is NULL. */
size_t gs_dataset_n_covariates(const gs_dataset *ds);
const char *gs_dataset_covariate_name(const gs_dataset *ds, size_t k); /* as in the header */
double gs_dataset_covariate(const gs_dataset *ds, size_t row, size_t k);
/* Index of a covariate by case-insensitive name, or -1. */
int gs_dataset_covariate_index(const gs_dataset *ds, const char *name);

/* Writes the dataset in its own layout (same columns and order, names and values as read without
 * their surrounding spaces, '.' for missing; comment and blank lines dropped; LF line endings)
 * with three columns appended: PRED, IPRED and SIMDV, from the caller's per-row arrays printed
 * with %.10g (NaN, infinities and a NULL array print as '.'). Dose and other non-observation rows
 * get '.' unless the arrays say otherwise. An earlier run's PRED, IPRED or SIMDV
 * column is replaced, not repeated. GS_INPUT if ds or f is NULL, GS_IO if the stream reports an
 * error. */
gs_status gs_dataset_write(const gs_dataset *ds, FILE *f, const double *pred, const double *ipred,
                           const double *simdv);
/* The same with any columns appended: n_out names and per-row arrays (a NULL array prints '.').
 * Columns of an earlier run (PRED, IPRED, IWRES, SIMIPRED, SIMDV) are replaced, not repeated. */
gs_status gs_dataset_write_columns(const gs_dataset *ds, FILE *f, size_t n_out,
                                   const char *const *names, const double *const *values);

#ifdef __cplusplus
}
#endif
#endif
