/* gabasim/population.h - virtual populations: many subjects, one regimen, streaming statistics.
 *
 * Subject i (0-based) is a pure function of (seed, i): its covariates (when drawn), its random
 * effects and its residual errors come from gs_rng stream i. Subjects are simulated in blocks in
 * parallel (OpenMP, one parallel region per population), then reduced on the calling thread in
 * subject order, so every output is bit-identical for any thread count. Only one span of blocks
 * (at most 8192 subjects, 4 MiB) of profiles is held at a time; per-time percentiles are exact
 * (sorted) when N x times <= GS_POP_EXACT_MAX values, otherwise taken from
 * per-time histograms of log2 concentration with 256 bins per octave (0.27 % wide; linear
 * interpolation inside a bin), whose memory does not grow with N.
 *
 * Under MPI (gabasim/par.h, docs/mpi.md) every rank calls gs_population_run() (or
 * gs_population()) with the same configuration: block k of subjects is simulated on rank
 * k mod R, and rank 0 gathers and reduces them in subject order, so its results are bit-identical
 * to one process's. The callbacks (on_start, format_subject, on_subject, on_progress, the sink)
 * run on rank 0 only; the other ranks return GS_OK (or rank 0's failure) without statistics.
 */
#ifndef GABASIM_POPULATION_H
#define GABASIM_POPULATION_H

#include <stddef.h>
#include <stdint.h>

#include "gabasim/covariates.h"
#include "gabasim/dataset.h"
#include "gabasim/dataset_sim.h"
#include "gabasim/drug.h"
#include "gabasim/label_check.h"
#include "gabasim/events.h"
#include "gabasim/patient.h"
#include "gabasim/regimen.h"
#include "gabasim/simulate.h"
#include "gabasim/variability.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_POP_MAX_N          10000000L  /* largest population accepted */
#define GS_POP_EXACT_MAX      (1L << 25) /* values kept for exact percentiles (256 MiB) */
#define GS_POP_MAX_THRESHOLDS 8
#define GS_POP_N_PCT          7
#define GS_POP_MAX_EXTRA_PCT  8
#define GS_POP_TEXT_MAX       2048 /* bytes of formatted text per subject */

/* The percentiles reported, in percent. */
extern const double gs_pop_percentiles[GS_POP_N_PCT]; /* 5 10 25 50 75 90 95 */

/* One subject's results, handed to the caller's sink in subject order. */
struct gs_pop_subject {
    long index; /* 0-based */
    struct gs_patient patient;
    struct gs_model model;    /* individual parameters (random effects applied) */
    double cmax_mg_l, tmax_h; /* over the output grid */
    double cmin_mg_l;         /* lowest concentration in the metrics window */
    double auc_mg_h_l;        /* over the metrics window (exact, from the AUC state) */
    double cavg_mg_l;         /* auc / window length */
    double time_above_h[GS_POP_MAX_THRESHOLDS]; /* in the window, linear between grid times */
    const char *text; /* format_subject's text for on_subject (NULL without it) */
    size_t text_len;
};

struct gs_pop_config {
    const gs_drug *drug;
    const struct gs_variability *var; /* random effects and residual error (n = 0: none) */
    /* covariates: drawn from `covdist`; or from a table (a dataset whose ID, TIME and covariate
     * columns AGE, SEX 0/1, WT, HT, SCR, CRCL, DIAL are used; subject i takes table subject
     * i mod S, its covariates changing at their TIMEs, carried forward); else every subject is
     * `patient` */
    const struct gs_covdist *covdist;
    const gs_dataset *covtable;
    const struct gs_patient *patient;
    const double *param_scale; /* NULL, or a multiplier per structure parameter applied to every
                                  subject (interactions: gs_ix_effects.param_multiplier) */
    const struct gs_event_list *events; /* expanded dose records, shared by all subjects */
    const double *t_out;                /* ascending output times (h) */
    size_t n_out;
    double window_from_h, window_to_h; /* metrics window, inside [t_out[0], t_out[n-1]] */
    const double *thresholds_mg_l;     /* for time above and target attainment */
    size_t n_thresholds;
    const double *extra_pct; /* percentiles (in percent, inside (0, 100)) besides the standard */
    size_t n_extra_pct;
    struct gs_sim_options sim;
    uint64_t seed;
    long n;
    int threads;           /* 0: OpenMP's default */
    long exact_max_values; /* exact percentiles up to this many values; 0: GS_POP_EXACT_MAX,
                              negative: always histograms (tests) */
    /* optional: called once after the configuration is checked, before the first subject */
    gs_status (*on_start)(void *ctx, const struct gs_pop_config *cfg, struct gs_error *err);
    /* optional sinks, called on the calling thread in subject order */
    gs_status (*on_subject)(void *ctx, const struct gs_pop_subject *s, struct gs_error *err);
    /* optional: formats a subject's output text into buf (GS_POP_TEXT_MAX bytes), returns its
     * length; called in parallel (it may only read s and immutable state), the text then reaches
     * on_subject, in subject order, as s->text (so costly formatting scales with threads) */
    size_t (*format_subject)(void *ctx, const struct gs_pop_subject *s, char *buf, size_t cap);
    void (*on_progress)(void *ctx, long done, long total);
    void *ctx;
};

struct gs_pop_result {
    long n;
    size_t n_out;
    double *t_h;                                  /* copy of the output times */
    double *mean_mg_l;                            /* per time */
    double *pct_mg_l[GS_POP_N_PCT];               /* per time */
    double *extra_pct_mg_l[GS_POP_MAX_EXTRA_PCT]; /* per time, for cfg->extra_pct */
    size_t n_extra_pct;
    int exact_percentiles; /* 1 sorted, 0 histogram */
    /* probability of target attainment per threshold: share of subjects whose Cmin (trough) /
     * Cavg in the window reaches the threshold */
    double pta_cmin[GS_POP_MAX_THRESHOLDS], pta_cavg[GS_POP_MAX_THRESHOLDS];
    double peak_bytes; /* estimate of the statistics' and blocks' memory */
};
#define GS_POP_RESULT_INIT                                                                         \
    {                                                                                              \
        0                                                                                          \
    }

/* Type-7 (R's default) quantiles probs[0..k) (fractions 0..1) of v[0..n), reordering v in place:
 * up to GS_POP_N_PCT + GS_POP_MAX_EXTRA_PCT probabilities by selecting the order statistics they
 * use (O(n)), more by a radix sort (v then ends sorted). The values are those of a full sort. */
gs_status gs_population_quantiles(double *v, size_t n, const double *probs, size_t k, double *out);

/* Checks the configuration (N, thresholds, window, times) with named messages, runs it. */
gs_status gs_population_run(const struct gs_pop_config *cfg, struct gs_pop_result *out,
                            struct gs_error *err);
void gs_population_run_release(struct gs_pop_result *r);

/* ---- the population command as one call: a request, a result, streamed per-subject output ----
 *
 * gs_population() expands the regimen, builds the variability from the drug file, resolves the
 * metrics window, runs gs_population_run() and summarises the subjects (5th/50th/95th percentiles
 * of Cmax, Cmin, Cavg). Per-subject rows are never stored: they stream through an optional sink
 * in subject order (the output layer provides one: gabasim/report_population.h). */

/* Receives the subjects as they are simulated. Every callback is optional. `cfg` (begin) is the
 * engine configuration actually run; it stays valid until gs_population() returns. */
struct gs_population_sink {
    /* once, after the request is checked, before the first subject (e.g. CSV headers) */
    gs_status (*begin)(void *ctx, const struct gs_pop_config *cfg, struct gs_error *err);
    /* in parallel: a subject's text into buf (GS_POP_TEXT_MAX bytes); see gs_pop_config */
    size_t (*format)(void *ctx, const struct gs_pop_subject *s, char *buf, size_t cap);
    /* in subject order on the calling thread; s->text is format's text (NULL without format) */
    gs_status (*subject)(void *ctx, const struct gs_pop_subject *s, struct gs_error *err);
    /* once, after the last subject, when every subject succeeded */
    gs_status (*end)(void *ctx, struct gs_error *err);
    void *ctx;
};

struct gs_population_request {
    const gs_drug *drug;
    double variability_scale; /* multiplies the drug file's between-subject SDs: 0 to 10 */
    /* subjects: drawn from a covariate distribution, or taken from a covariate table (see
     * gs_pop_config), else every subject is `patient` (which a table's missing covariates also
     * come from). `covariates` names either, loaded here: a population file's name or path, or a
     * table FILE.csv; or pass one already loaded. */
    const char *covariates;
    const gs_covdist *covdist;
    const gs_dataset *covtable;
    const struct gs_patient *patient;
    const struct gs_regimen *regimen; /* expanded by gs_population() */
    int single_dose;     /* one dose, no interval: the window defaults to the profile */
    const double *t_out; /* ascending output times (h) */
    size_t n_out;
    /* metrics window; NaN: from the last dosing interval (single dose: the first output time) to
     * the last output time */
    double window_from_h, window_to_h;
    const double *thresholds_mg_l;
    size_t n_thresholds;
    const double *extra_pct; /* percentiles in percent, inside (0, 100) */
    size_t n_extra_pct;
    struct gs_sim_options sim;
    uint64_t seed;
    long n;                /* subjects; 0 with a covariate table: one per table subject */
    int threads;           /* 0: all cores; results do not depend on it */
    long exact_max_values; /* see gs_pop_config (0: default) */
    const struct gs_population_sink *sink; /* NULL: no per-subject output */
    void (*on_progress)(void *ctx, long done, long total);
    void *progress_ctx;
};

/* 5th, 50th and 95th percentile (type 7) of one metric across subjects. */
struct gs_pop_spread {
    double p5, p50, p95;
};

struct gs_population_result {
    char *drug;       /* the drug's name */
    char *covariates; /* covariate distribution's name or table's path; NULL: one patient */
    long n;
    uint64_t seed;
    double window_from_h, window_to_h; /* as resolved */
    size_t n_thresholds;
    double thresholds_mg_l[GS_POP_MAX_THRESHOLDS];
    double extra_pct[GS_POP_MAX_EXTRA_PCT];               /* pop.n_extra_pct of them */
    struct gs_pop_spread cmax_mg_l, cmin_mg_l, cavg_mg_l; /* Cmax over the whole profile */
    double elapsed_s;                                     /* wall-clock time of the simulation */
    struct gs_pop_result pop; /* per-time mean and percentiles, target attainment */
    /* The regimen and the levels beside the label (gabasim/label_check.h). One patient: its
     * findings, and the median trough and peak beside the reference range. Drawn covariates:
     * no findings (each subject has its own band: n_above_band counts them), the median levels. */
    struct gs_label_check check;
    long n_above_band; /* subjects for whose kidney function the maintenance dose is above the
                          label's band (or above the label's maximum daily dose) */
    /* share of subjects whose trough (Cmin in the metrics window) is below / above the drug
     * file's reference range; NaN for a single dose or without a range */
    double trough_below_range, trough_above_range;
};

/* Parses a list of extra percentiles "2.5,97.5" (at most GS_POP_MAX_EXTRA_PCT; the range is
 * checked when the population runs) into out[0..*n). Errors name '--percentiles'. */
gs_status gs_population_parse_percentiles(const char *text, double *out, size_t *n,
                                          struct gs_error *err);

/* Parses the variability scale ("0.5"): a number from 0 to 10. Errors name '--variability'. */
gs_status gs_population_parse_variability(const char *text, double *scale, struct gs_error *err);

/* Defaults: variability 1, window NaN (default), seed 1, default solver options; all else 0. */
void gs_population_request_init(struct gs_population_request *req);

/* Runs the request (checked first; GS_INPUT naming the field on a bad one) into a new result. */
gs_status gs_population(const struct gs_population_request *req, struct gs_population_result **out,
                        struct gs_error *err);
void gs_population_result_free(struct gs_population_result *r);

/* ---- predictions for a NONMEM-style dataset (gabasim/dataset_sim.h describes the method) ---- */
struct gs_population_dataset_request {
    const gs_drug *drug;
    const gs_dataset *ds;
    const struct gs_patient *patient; /* for subjects without covariate columns (resolved) */
    double variability_scale;         /* 0 to 10 */
    struct gs_sim_options sim;
    uint64_t seed;
    int threads; /* 0: all cores */
};

struct gs_population_dataset_result {
    const gs_dataset *ds; /* the request's dataset (borrowed: keep it until the result is freed) */
    size_t n_rows;
    /* per row, NaN on rows that are not observations: PRED (typical subject), IPRED (MAP
     * individual prediction from the subject's measured DV, gs_dataset_individual; PRED without
     * DV), SIMDV (a simulated observation: random effects drawn, plus residual error) */
    double *pred_mg_l, *ipred_mg_l, *simdv_mg_l;
    double *iwres;         /* (DV - IPRED) / residual SD at IPRED; NaN without DV */
    double *simipred_mg_l; /* the simulated individual's prediction SIMDV is drawn around */
};

gs_status gs_population_dataset(const struct gs_population_dataset_request *req,
                                struct gs_population_dataset_result **out, struct gs_error *err);
void gs_population_dataset_result_free(struct gs_population_dataset_result *r);

#ifdef __cplusplus
}
#endif
#endif
