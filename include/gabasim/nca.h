/* gabasim/nca.h - non-compartmental analysis (NCA) of measured concentrations, and the average
 * bioequivalence of a 2x2 crossover.
 *
 * One profile is the concentrations of one subject (and period) after one dose, times in hours
 * from that dose. gs_nca_profile() computes Cmax, Tmax, Clast, Tlast, AUClast, the terminal rate
 * constant lambda_z (best adjusted r^2, PKNCA's rule), the half-life, AUCinf observed and
 * predicted, the extrapolated percentages, CL/F and Vz/F, partial AUCs over user intervals, and
 * with a dosing interval tau the steady-state parameters (AUCtau, Cmin, Cavg, CLss/F, fluctuation,
 * accumulation). gs_nca_read()/gs_nca_parse() read a NONMEM-style or long CSV into profiles;
 * gs_nca_run() analyses every profile, summarises each parameter and, when the file has
 * sequence, period and treatment columns, compares the treatments (gs_nca_be()). Every rule and
 * its source: docs/nca.md.
 *
 * Units: whatever the file uses (the library never converts): time in h is assumed only for the
 * names of outputs; AUC is in conc x time, CL/F in dose / (conc x time), Vz/F in dose / conc.
 *
 * Ownership: gs_nca_data and gs_nca_analysis are opaque, created by the calls below and released
 * by gs_nca_data_free() / gs_nca_analysis_free() (both NULL-safe). Pointers returned by accessors
 * live as long as their object.
 */
#ifndef GABASIM_NCA_H
#define GABASIM_NCA_H

#include <stddef.h>
#include <stdio.h>

#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_NCA_MAX_INTERVALS 8
#define GS_NCA_MAX_BYTES     (1024L * 1024 * 1024) /* input ceiling: 1 GiB */
#define GS_NCA_MAX_LINE      65536                 /* bytes per line */
#define GS_NCA_MAX_COLUMNS   64
#define GS_NCA_MAX_TEXT      64 /* bytes of an ID, sequence, period or treatment value */

/* The trapezoidal rule between two observations. */
enum gs_nca_auc_method {
    GS_NCA_LINUP_LOGDOWN = 0, /* linear while rising or flat, log-linear while falling (> 0) */
    GS_NCA_LINEAR = 1         /* linear everywhere */
};

/* What a concentration below the limit of quantification (BLQ) becomes, by its place: before the
 * first measurable concentration, between the first and the last, after the last. */
enum gs_nca_blq_action {
    GS_NCA_BLQ_ZERO = 0, /* kept as 0 */
    GS_NCA_BLQ_DROP = 1  /* removed from the profile */
};

struct gs_nca_options {
    enum gs_nca_auc_method method;
    enum gs_nca_blq_action blq_first, blq_middle, blq_last; /* PKNCA: zero, drop, zero */
    double lloq;          /* concentrations below it are BLQ (0 is always BLQ); 0: none */
    double tau_h;         /* dosing interval of a steady-state profile; 0: single dose */
    int min_points;       /* least points in the lambda_z regression (3) */
    double adj_r2_factor; /* tolerance on the adjusted r^2 (1e-4) */
    int allow_tmax;       /* 1: the Tmax point may enter the lambda_z regression (0) */
    size_t n_intervals;   /* partial AUCs over [start, end] (h from the dose) */
    double interval_start_h[GS_NCA_MAX_INTERVALS], interval_end_h[GS_NCA_MAX_INTERVALS];
};
#define GS_NCA_OPTIONS_INIT                                                                        \
    {                                                                                              \
        GS_NCA_LINUP_LOGDOWN, GS_NCA_BLQ_ZERO, GS_NCA_BLQ_DROP, GS_NCA_BLQ_ZERO, 0.0, 0.0, 3,      \
            1e-4, 0, 0, {0},                                                                       \
        {                                                                                          \
            0                                                                                      \
        }                                                                                          \
    }

/* Checks the options (method and BLQ actions known, lloq >= 0 and finite, tau >= 0 and finite,
 * min_points 2..1000, factor in [0, 1), intervals 0 <= start < end, end may be INFINITY);
 * GS_INPUT naming the field otherwise. */
gs_status gs_nca_options_check(const struct gs_nca_options *o, struct gs_error *err);

/* The results of one profile; NaN where a value is not defined (no lambda_z, no dose, single
 * dose for the steady-state values, ...). */
struct gs_nca_result {
    size_t n_obs, n_blq, n_used; /* observations given, BLQ among them, points used */
    double dose;                 /* as given; NaN: none */
    double cmax, tmax_h, clast, tlast_h, auclast;
    double lambda_z, r2, adj_r2, lz_tfirst_h, lz_tlast_h, clast_pred, half_life_h, span_ratio;
    int lz_n;
    double aucinf_obs, aucinf_pred, pct_extrap_obs, pct_extrap_pred;
    double cl_f, vz_f; /* dose / AUCinf(obs); dose / (lambda_z AUCinf(obs)); steady state: AUCtau */
    double auc_interval[GS_NCA_MAX_INTERVALS];
    /* steady state (tau > 0) */
    double auctau, cmin, cavg, clss_f, fluctuation_pct, accumulation;
};

/* Analyses one profile: times in h from the dose (sorted ascending, distinct, finite, >= 0),
 * concentrations (finite, >= 0; a value below o->lloq or 0 is BLQ, or blq[i] != 0 when blq is
 * not NULL), the dose (NaN or > 0). `work` holds 2 (n + 1) doubles (NULL: the call allocates). The
 * profile gets C = 0 at t = 0 when it has no sample there (single dose; steady state: Cmin of
 * the interval). GS_INPUT for unsorted or invalid input. */
gs_status gs_nca_profile(const double *t_h, const double *conc, const unsigned char *blq, size_t n,
                         double dose, const struct gs_nca_options *o, double *work,
                         struct gs_nca_result *r, struct gs_error *err);

/* ---- the input file ----
 * Header (case-insensitive): ID and TIME required; the concentration in DV or CONC; the dose in
 * AMT (NONMEM style: a dose record has AMT > 0, or EVID 1 or 4) or DOSE (long style: every row an
 * observation, DOSE the profile's dose); optional EVID, MDV (1: observation not used), BLQ (1:
 * below the limit of quantification), and for a crossover SEQUENCE (or SEQ), PERIOD (or PER)
 * and TREATMENT (or TRT, FORM). Other columns are ignored. ID, SEQUENCE, PERIOD and TREATMENT are
 * text (up to GS_NCA_MAX_TEXT - 1 bytes); the rest numbers, '.' or empty for missing. A profile is
 * the rows of one ID (and PERIOD), in any order; its time origin is its last dose record (none:
 * 0), and observations before it are not used. Lines: LF or CRLF, '#' comments and blank lines
 * skipped, a UTF-8 byte order mark skipped, no quoting. Errors name the file, line, column,
 * value and what is allowed. */
typedef struct gs_nca_data gs_nca_data;
gs_status gs_nca_read(gs_nca_data **out, const char *path, struct gs_error *err);
gs_status gs_nca_parse(gs_nca_data **out, const char *text, size_t len, const char *origin,
                       struct gs_error *err);
void gs_nca_data_free(gs_nca_data *d);

size_t gs_nca_data_n_profiles(const gs_nca_data *d);
/* Profile p: its ID and period ("" when the file has no PERIOD), its sequence and treatment
 * ("" when absent), dose (NaN when none), and observations (times from the dose, sorted) with
 * their BLQ flags. Out-of-range p: 0 observations and empty strings. */
struct gs_nca_profile_view {
    const char *id, *period, *sequence, *treatment;
    double dose;
    size_t n;
    const double *t_h, *conc;
    const unsigned char *blq;
};
void gs_nca_data_profile(const gs_nca_data *d, size_t p, struct gs_nca_profile_view *v);
/* 1 when the file has SEQUENCE, PERIOD and TREATMENT columns. */
int gs_nca_data_is_crossover(const gs_nca_data *d);

/* ---- bioequivalence of a 2x2 crossover ----
 * The ANOVA of log(value) with sequence, subject(sequence), period and treatment (all fixed, as
 * SAS PROC GLM and R lm()), on the subjects with both periods; the 90 % CI of the geometric mean
 * ratio test / reference and the 80.00-125.00 % verdict (EMA 2010 guideline section 4.1.8; FDA
 * 2001 statistical guidance). */
struct gs_nca_be_obs {
    const char *subject, *sequence, *treatment; /* treatment: test or reference name */
    int period;                                 /* 1 or 2 */
    double value;                               /* > 0; NaN: missing (the subject is dropped) */
};
struct gs_nca_be_result {
    size_t n_subjects, n_seq1, n_seq2, n_dropped; /* complete subjects per sequence, dropped */
    char seq1[GS_NCA_MAX_TEXT], seq2[GS_NCA_MAX_TEXT];
    double df, mse, cv_intra_pct;
    double log_diff, se;          /* log(test) - log(reference) and its standard error */
    double ratio, lower, upper;   /* geometric mean ratio and its 90 % CI (fractions) */
    double gmean_test, gmean_ref; /* least-squares geometric means */
    int bioequivalent;            /* CI inside [0.80, 1.25] */
};
/* `reference` names the reference treatment (the other one is the test). GS_INPUT when the data
 * are not a 2x2 crossover (two sequences, two periods, two treatments, each subject in one
 * sequence, each period one treatment) or fewer than 3 complete subjects. */
gs_status gs_nca_be(const struct gs_nca_be_obs *obs, size_t n, const char *reference,
                    struct gs_nca_be_result *r, struct gs_error *err);

/* ---- the whole analysis ---- */
enum gs_nca_param {
    GS_NCA_P_CMAX,
    GS_NCA_P_TMAX,
    GS_NCA_P_CLAST,
    GS_NCA_P_TLAST,
    GS_NCA_P_AUCLAST,
    GS_NCA_P_LAMBDA_Z,
    GS_NCA_P_R2ADJ,
    GS_NCA_P_LZ_N,
    GS_NCA_P_HALF_LIFE,
    GS_NCA_P_AUCINF_OBS,
    GS_NCA_P_AUCINF_PRED,
    GS_NCA_P_PCT_EXTRAP_OBS,
    GS_NCA_P_PCT_EXTRAP_PRED,
    GS_NCA_P_CL_F,
    GS_NCA_P_VZ_F,
    GS_NCA_P_AUCTAU,
    GS_NCA_P_CMIN,
    GS_NCA_P_CAVG,
    GS_NCA_P_CLSS_F,
    GS_NCA_P_FLUCTUATION,
    GS_NCA_P_ACCUMULATION,
    GS_NCA_N_PARAMS
};
/* Column names (cmax, tmax_h, ...), in enum order. */
const char *gs_nca_param_name(enum gs_nca_param p);
/* The value of parameter p in a result. */
double gs_nca_param_value(const struct gs_nca_result *r, enum gs_nca_param p);

/* Summary of one parameter over the profiles where it is defined. Geometric statistics need
 * every value > 0 (else NaN). gcv_pct = 100 sqrt(exp(sd(log x)^2) - 1) (PKNCA business.geocv).
 * NaN and infinite values are skipped. `scratch` holds n doubles; it may be x itself, which is
 * then overwritten. */
struct gs_nca_stats {
    size_t n;
    double gmean, gcv_pct, mean, sd, median, min, max;
};
void gs_nca_stats(const double *x, size_t n, double *scratch, struct gs_nca_stats *s);

struct gs_nca_request {
    const char *path; /* the CSV ("-": standard input) */
    struct gs_nca_options options;
    const char *reference; /* crossover: the reference treatment's name (NULL: "R") */
    int threads;           /* 0: OpenMP's default */
};
#define GS_NCA_REQUEST_INIT                                                                        \
    {                                                                                              \
        NULL, GS_NCA_OPTIONS_INIT, NULL, 0                                                         \
    }

typedef struct gs_nca_analysis gs_nca_analysis;
/* Reads the file and analyses every profile (in parallel), summarises each parameter (by
 * treatment for a crossover) and, for a crossover, compares AUClast, AUCinf(obs) and Cmax. */
gs_status gs_nca_run(const struct gs_nca_request *req, gs_nca_analysis **out, struct gs_error *err);
/* The same on data already read (not taken over: free it after the analysis). */
gs_status gs_nca_analyse(const gs_nca_data *d, const struct gs_nca_options *o,
                         const char *reference, int threads, gs_nca_analysis **out,
                         struct gs_error *err);
void gs_nca_analysis_free(gs_nca_analysis *a);

const gs_nca_data *gs_nca_analysis_data(const gs_nca_analysis *a);
const struct gs_nca_options *gs_nca_analysis_options(const gs_nca_analysis *a);
const struct gs_nca_result *gs_nca_analysis_result(const gs_nca_analysis *a, size_t p);
/* Summary groups: one ("all"), or one per treatment of a crossover. */
size_t gs_nca_analysis_n_groups(const gs_nca_analysis *a);
const char *gs_nca_analysis_group_name(const gs_nca_analysis *a, size_t g);
const struct gs_nca_stats *gs_nca_analysis_stats(const gs_nca_analysis *a, size_t g,
                                                 enum gs_nca_param p);
/* Bioequivalence of AUClast, AUCinf(obs) and Cmax (k = 0, 1, 2); NULL unless a crossover that
 * could be compared; *why (may be NULL) says why not. */
const struct gs_nca_be_result *gs_nca_analysis_be(const gs_nca_analysis *a, int k,
                                                  const char **why);
extern const char *const gs_nca_be_params[3]; /* "auclast", "aucinf_obs", "cmax" */

/* ---- output ---- per-profile table, summary and comparison as text, CSV or JSON. GS_IO when
 * the stream reports an error. */
gs_status gs_nca_write_text(const gs_nca_analysis *a, FILE *f, struct gs_error *err);
gs_status gs_nca_write_csv(const gs_nca_analysis *a, FILE *f, struct gs_error *err);
gs_status gs_nca_write_summary_csv(const gs_nca_analysis *a, FILE *f, struct gs_error *err);
gs_status gs_nca_write_json(const gs_nca_analysis *a, FILE *f, struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
