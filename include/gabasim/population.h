/* gabasim/population.h - virtual populations: many subjects, one regimen, streaming statistics.
 *
 * Subject i (0-based) is a pure function of (seed, i): its covariates (when drawn), its random
 * effects and its residual errors come from gs_rng stream i. Subjects are simulated in blocks in
 * parallel (OpenMP), then reduced on the calling thread in subject order, so every output is
 * bit-identical for any thread count. Only one block of profiles is held at a time; per-time
 * percentiles are exact (sorted) when N x times <= GS_POP_EXACT_MAX values, otherwise taken from
 * per-time histograms of log2 concentration with 256 bins per octave (0.27 % wide; linear
 * interpolation inside a bin), whose memory does not grow with N.
 */
#ifndef GABASIM_POPULATION_H
#define GABASIM_POPULATION_H

#include <stddef.h>
#include <stdint.h>

#include "gabasim/covariates.h"
#include "gabasim/dataset.h"
#include "gabasim/drug.h"
#include "gabasim/events.h"
#include "gabasim/patient.h"
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

/* Type-7 (R's default) quantiles probs[0..k) (fractions 0..1) of v[0..n), sorting v in place
 * (radix sort, O(n)). */
gs_status gs_quantiles(double *v, size_t n, const double *probs, size_t k, double *out);

/* Checks the configuration (N, thresholds, window, times) with named messages, runs it. */
gs_status gs_population_run(const struct gs_pop_config *cfg, struct gs_pop_result *out,
                            struct gs_error *err);
void gs_pop_result_release(struct gs_pop_result *r);

#ifdef __cplusplus
}
#endif
#endif
