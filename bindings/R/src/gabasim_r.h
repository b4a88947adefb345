/* gabasim_r.h - the R package's C glue over libgabasim: option parsing with the command line's
 * semantics (options.c), the patient, regimen, solver and grid groups (common.c) and one .Call
 * entry point per command (commands.c). Every computation is a library call. */
#ifndef GABASIM_R_H
#define GABASIM_R_H

#define R_NO_REMAP
#include <R.h>
#include <Rinternals.h>

#include <gabasim/gabasim.h>

#define GSR_LIST_MAX 64 /* as the command line's repeatable options */

/* An option's own range (the command line's OPT_QUANTITY_ABOVE, OPT_COUNT, ...). */
struct gsr_range {
    double lo, hi;
    int lo_open, hi_open;
};
extern const struct gsr_range GSR_ANY;

/* opts is a named list of character vectors (NULL: not given) */
const char *gsr_str(SEXP opts, const char *name); /* first element, or NULL */
SEXP gsr_vec(SEXP opts, const char *name);        /* the vector, or R_NilValue */
int gsr_flag(SEXP opts, const char *name);        /* "TRUE" */

/* Each leaves *out alone when val is NULL; messages name "--name" as the command line does. */
gs_status gsr_quantity(const char *val, enum gs_dim dim, const char *name, struct gsr_range r,
                       double *out, struct gs_error *err);
gs_status gsr_count(const char *val, const char *name, long lo, long hi, long *out,
                    struct gs_error *err);
gs_status gsr_number(const char *val, const char *name, struct gsr_range r, double *out,
                     struct gs_error *err);
gs_status gsr_choice(const char *val, const char *name, const char *const *choices, int *out,
                     struct gs_error *err);
gs_status gsr_list_max(SEXP v, const char *name, struct gs_error *err);

/* The patient: --crcl --scr --age --sex --weight --height --dialysis --hd-schedule. */
gs_status gsr_patient(SEXP opts, struct gs_patient *p, struct gs_error *err);
/* Whether any patient option is given (for --covariates' clash); its name, or NULL. */
const char *gsr_patient_given(SEXP opts);

/* The regimen: --dose --every --days --doses --titrate --miss --extra --start-steady. */
struct gsr_regimen_opts {
    double dose_mg, every_h, days;
    long doses;
    const char *titrate;
    SEXP miss, extra;
    int start_steady;
};
gs_status gsr_regimen_opts(SEXP opts, struct gsr_regimen_opts *o, struct gs_error *err);
gs_status gsr_regimen(const struct gsr_regimen_opts *o, const gs_drug *drug, struct gs_regimen *r,
                      struct gs_error *err);
int gsr_regimen_single(const struct gsr_regimen_opts *o);

/* --solver --rtol --atol */
gs_status gsr_solver(SEXP opts, struct gs_sim_options *s, struct gs_error *err);
/* --until --out-every (default_every_h when not given) */
gs_status gsr_grid(SEXP opts, double default_every_h, const struct gs_regimen *reg, int single,
                   double **grid, size_t *n_grid, struct gs_error *err);

/* A memory stream for the report layer's writers (open_memstream). */
struct gsr_text {
    char *buf;
    size_t len;
    FILE *f;
};
gs_status gsr_text_open(struct gsr_text *t, struct gs_error *err);
/* Closes the stream; the text stays in t->buf until gsr_text_free. */
gs_status gsr_text_close(struct gsr_text *t, struct gs_error *err);
void gsr_text_free(struct gsr_text *t);
SEXP gsr_mkstring(const char *s, size_t len);

/* Raises the library's message as an R error (does not return). */
void gsr_fail(const struct gs_error *err) __attribute__((noreturn));

SEXP gsr_simulate(SEXP opts);
SEXP gsr_population(SEXP opts);
SEXP gsr_population_data(SEXP opts, SEXP csv);
SEXP gsr_advise(SEXP opts);
SEXP gsr_trial(SEXP opts);
SEXP gsr_meta(SEXP opts, SEXP csv);
SEXP gsr_version(void);
SEXP gsr_units(SEXP x, SEXP dim, SEXP field);

#endif
