/* gabasim/trial.h - virtual randomized placebo-controlled trials (`gabasim trial`).
 *
 * A trial is data: a JSON specification (schema gabasim-trial/1, docs/trial.md) of two arms
 * (a drug with its titration, or placebo), the population and inclusion criteria, randomization,
 * visits, dropout mechanisms and the analysis. gs_trial_create() checks it and loads what it
 * needs (drug, covariate distribution, pain and side-effect models) into an immutable handle;
 * gs_trial_run() simulates one replicate; gs_trial_replicates() many, in parallel.
 *
 * Each participant is a pure function of (seed, replicate, candidate index): covariates from the
 * population file, pain type, the placebo course with Plan 2012's between-subject variability,
 * PK variability (the drug file's Omega on clearance), the between-person spread of the drug's
 * pain effect (gabasim/pain_effect.h), side effects from the side-effect model and dropout. So
 * every result is identical for any thread count.
 *
 * The drug's effect on pain: the reference patient's absorbed amount per 15 minutes on the arm's
 * titration (absorption does not depend on clearance or volume) drives each participant's own
 * central and effect-site system, solved exactly step by step, then the pain model's EC50 and
 * onset rate. tests/validation/test_trial.c compares it with the full concentration-time model
 * (gs_pain_course); docs/trial.md reports the difference. The side-effect model uses the
 * steady-state average concentration of the step taken each day, on which it is defined.
 */
#ifndef GABASIM_TRIAL_H
#define GABASIM_TRIAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "gabasim/adverse.h"
#include "gabasim/ancova.h"
#include "gabasim/patient.h"
#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_TRIAL_MAX_ARM_N  100000 /* participants per arm */
#define GS_TRIAL_MAX_WEEKS  52     /* the engine simulates at most a year */
#define GS_TRIAL_MAX_VISITS 52
#define GS_TRIAL_MAX_REPS   1000000L
#define GS_TRIAL_MAX_GRID   32
#define GS_TRIAL_SCREEN_MAX 1000 /* candidates screened per participant before giving up */

enum gs_arm_type { GS_ARM_PLACEBO = 0, GS_ARM_DRUG = 1 };
enum gs_titration_kind { GS_TITRATE_FORCED = 0, GS_TITRATE_MAX_TOLERATED = 1 };
enum gs_rand_method { GS_RAND_FIXED = 0, GS_RAND_BLOCKS = 1 };
enum gs_imputation { GS_IMPUTE_COMPLETERS = 0, GS_IMPUTE_LOCF = 1, GS_IMPUTE_BOCF = 2 };
/* MIXED: the random-intercept model (gabasim/lmm.h), which assumes compound symmetry and rejects
 * a true null too often on the simulated pain courses; MMRM (gabasim/mmrm.h): unstructured
 * covariance, the default with 2 or more visits. */
enum gs_trial_method {
    GS_METHOD_ANCOVA = 0,
    GS_METHOD_TTEST = 1,
    GS_METHOD_MIXED = 2,
    GS_METHOD_MMRM = 3
};
enum gs_effect_level { GS_EFFECT_CENTRAL = 0, GS_EFFECT_LOWER = 1, GS_EFFECT_UPPER = 2 };
enum gs_dropout_reason {
    GS_DROP_NONE = 0,
    GS_DROP_ADVERSE = 1,
    GS_DROP_EFFICACY = 2,
    GS_DROP_LOST = 3,
    GS_DROP_N = 4
};

struct gs_trial_arm {
    char name[32];
    enum gs_arm_type type;
    char drug[256];    /* drug name or path (drug arms) */
    char titrate[256]; /* "DAY:DOSExN,..." (drug arms) */
    enum gs_titration_kind titration;
    long n; /* participants (the target with block randomization) */
};

/* A trial specification: what the JSON file says, with defaults filled in (docs/trial.md). */
struct gs_trial_spec {
    char title[256];
    char origin[512]; /* the file it came from, for messages */
    uint64_t seed;
    char population[256]; /* covariate distribution: library name or path */
    double age_min_y, age_max_y, crcl_min, crcl_max, pain_min, pain_max; /* inclusion */
    double radicular_fraction; /* share of participants with radiating (radicular) pain */
    struct gs_trial_arm arm[2];
    size_t n_arms;
    enum gs_rand_method randomization;
    int block_size;         /* blocks: a multiple of the arm count */
    int stratify_pain_type; /* blocks within radicular / non-radicular */
    int duration_weeks;
    int visit_week[GS_TRIAL_MAX_VISITS];
    size_t n_visits;
    double measurement_sd;       /* SD of one weekly pain score around the model, 0-10 */
    enum gs_effect_level effect; /* Emax: calibrated value or an end of its 95 % interval */
    double ae_discontinue;       /* P(discontinue) when the first modelled side effect starts */
    double ae_background;        /* P(discontinue for other adverse events) over 12 wk */
    double loe_per_visit, loe_min_pct; /* lack of efficacy: P per visit if improved < min % */
    int loe_after_week;                /* ... from this week on */
    double loss_per_week;              /* random loss to follow-up */
    enum gs_trial_method method;
    enum gs_imputation imputation;
    double alpha;
    int sided; /* 1 or 2 */
    /* MMRM's inference (enum gs_mmrm_df): 0 Kenward-Roger (default), 1 Satterthwaite, 2 and 3
     * sandwich variances (CR2, Mancl-DeRouen) */
    int mmrm_df;
    int mmrm_cov; /* MMRM's covariance (enum gs_mmrm_cov): 0 unstructured (default) */
    /* 1 (the default, unless analysis.df or analysis.covariance is given): each MMRM chooses
     * by its data, unstructured with Kenward-Roger, or where the last visit has fewer than
     * GS_TRIAL_MMRM_MIN_LAST per arm (or fewer than the unstructured covariance's terms), or
     * the unstructured fit fails, heterogeneous compound symmetry with the bias-reduced (CR2)
     * sandwich (docs/trial.md, "Small trials") */
    int mmrm_auto;
};
#define GS_TRIAL_MMRM_MIN_LAST 20

/* Parses a specification (text of len bytes; `origin` names it in messages). Unknown keys,
 * wrong types and out-of-range values are GS_INPUT with a message naming the field, its value
 * and what is allowed. Loading the drug and population happens in gs_trial_create(). */
gs_status gs_trial_spec_parse(struct gs_trial_spec *out, const char *text, size_t len,
                              const char *origin, struct gs_error *err);
gs_status gs_trial_spec_load(struct gs_trial_spec *out, const char *path, struct gs_error *err);

/* The arm whose effect is estimated (and whose side effects head the table): the drug arm
 * against placebo, else the first arm. */
int gs_trial_treated_arm(const struct gs_trial_spec *spec);

typedef struct gs_trial gs_trial;

/* Checks the specification against the library (drug names, titration against the label maximum
 * at the lowest CrCl admitted, the pain model having the drug) and prepares the trial. */
gs_status gs_trial_create(gs_trial **out, const struct gs_trial_spec *spec, struct gs_error *err);
void gs_trial_free(gs_trial *t);
const struct gs_trial_spec *gs_trial_get_spec(const gs_trial *t);
/* The side-effect events reported (the drug arm's modelled events). */
size_t gs_trial_ae_count(const gs_trial *t);
const char *gs_trial_ae_name(const gs_trial *t, size_t k);
/* Emax used for each pain type (0 non-radicular, 1 radicular). */
double gs_trial_emax(const gs_trial *t, int radicular);
/* The between-person spread (log-SD) of the drug's pain effect around that Emax (0: none). */
double gs_trial_pain_omega(const gs_trial *t);

struct gs_trial_subject {
    int arm, radicular, stratum;
    struct gs_patient patient;
    double cl_l_h; /* individual clearance (drug arms; NaN on placebo) */
    double emax_i; /* the participant's own maximum pain effect (drug arms; NaN on placebo) */
    double base_true, base_obs;       /* baseline pain: model and measured (0-10) */
    double pain[GS_TRIAL_MAX_VISITS]; /* measured at each visit; NaN when missed */
    int drop_day;                     /* day of discontinuation (0: completed) */
    enum gs_dropout_reason drop_reason;
    double final_mg_day;          /* daily dose at the end (or at discontinuation) */
    int ae_day[GS_AE_MAX_EVENTS]; /* day a modelled side effect started (0: none) */
};

/* A characteristic's mean and SD (n - 1 denominator; NaN below 1 and 2 values) with the normal
 * 95 % interval of the mean, mean -/+ 1.96 SD / sqrt(n) (NaN below 2 values). */
struct gs_trial_mean_sd {
    double mean, sd, ci95_lo, ci95_hi;
};

struct gs_trial_arm_summary {
    long allocated, discontinued[GS_DROP_N], completed, analysed;
    double visit_mean[GS_TRIAL_MAX_VISITS], visit_sd[GS_TRIAL_MAX_VISITS]; /* observed */
    long visit_n[GS_TRIAL_MAX_VISITS];
    /* the normal 95 % interval of each visit mean (NaN below 2 observed) */
    double visit_ci95_lo[GS_TRIAL_MAX_VISITS], visit_ci95_hi[GS_TRIAL_MAX_VISITS];
    double base_mean, change_mean; /* over change_n participants: those analysed (ANCOVA, t test)
                                      or observed at the last visit (mixed model) */
    long change_n;
    long responders30, responders50; /* at the last visit; missing counts as non-response */
    long ae[GS_AE_MAX_EVENTS];
    /* Table 1, over the arm's randomized participants: baseline characteristics */
    struct gs_trial_mean_sd age_y, weight_kg, crcl_ml_min, baseline_pain;
    long women, radicular;
    double final_mg_day_mean; /* mean daily dose at the end (or at discontinuation); 0 on placebo
                                 arms; NaN when nobody was allocated */
    /* the counts above in % of `allocated` (NaN when nobody was allocated) */
    double women_pct, radicular_pct, responders30_pct, responders50_pct;
    double discontinued_pct[GS_DROP_N], ae_pct[GS_AE_MAX_EVENTS];
};

/* A responder analysis at the last visit (>= 30 % or >= 50 % less pain than at baseline; missing
 * counts as no response), treated arm against the other over all randomized participants. */
struct gs_trial_responders {
    double fraction;                 /* 0.3 or 0.5 */
    long k[2], n[2];                 /* responders and randomized, by arm */
    double diff, diff_lo, diff_hi;   /* share treated - other; Newcombe's hybrid score interval
                                        (Newcombe 1998, method 10) at the result's level */
    double odds_ratio, or_lo, or_hi; /* Woolf's log interval; 0.5 added to every cell when one
                                        is 0 (NaN: no responder or all in both arms) */
    double z, p;                     /* pooled two-proportion z (Pearson chi-square without
                                        continuity correction); p for the specified sidedness,
                                        one-sided towards more responders on the treated arm */
    int significant;                 /* p < alpha with more responders on the treated arm */
};

/* Compares k_t of n_t responders (treated) with k_c of n_c (control) into *o, keeping
 * o->fraction: difference with Newcombe's interval and odds ratio with Woolf's at `level`, the
 * pooled z test with p for `sided` (1: towards more responders on the treated arm) and
 * significance at `alpha`. GS_INPUT for counts outside 0 <= k <= n, level or alpha outside (0, 1)
 * or sided not 1 or 2. */
gs_status gs_trial_responders_compare(long k_t, long n_t, long k_c, long n_c, double level,
                                      int sided, double alpha, struct gs_trial_responders *o,
                                      struct gs_error *err);

struct gs_trial_result {
    long assessed, excluded_age, excluded_crcl, excluded_pain, randomized;
    struct gs_trial_subject *subject; /* randomized participants, in enrolment order */
    struct gs_trial_arm_summary arm[2];
    struct gs_ancova_result primary; /* drug arm minus placebo (arm 0 minus arm 1 otherwise) */
    double level;                    /* of primary's CI: 1 - alpha two-sided, 1 - 2 alpha one */
    double p_reported;               /* p for the specified sidedness */
    double df;       /* of the t test: primary.df, or Satterthwaite's (not whole) for MMRM */
    int significant; /* p_reported < alpha with the effect favouring arm 0 */
    struct gs_trial_responders resp30, resp50; /* the responder analyses */
    /* with MMRM, what this analysis used (the default rule chooses by the data): covariance
     * (enum gs_mmrm_cov) and inference (enum gs_mmrm_df); -1 with other methods or no fit */
    int mmrm_cov, mmrm_df;
};
#define GS_TRIAL_RESULT_INIT                                                                       \
    {                                                                                              \
        0                                                                                          \
    }

/* The drug effect's engaged fraction S at the end of days 1..n_days for drug arm `a` on its
 * titration (forced, no dropout) at clearance cl_l_h and volume v_l: the
 * computation every participant uses, exposed so it can be compared with the full
 * concentration-time model (gs_pain_course). */
gs_status gs_trial_engaged_course(const gs_trial *t, int a, double cl_l_h, double v_l, int n_days,
                                  double *s_out, struct gs_error *err);

/* Simulates replicate `rep` (0 is "the" trial of `gabasim trial`) with `n_per_arm` (0: the
 * specification's N) and analyses it. */
gs_status gs_trial_run(const gs_trial *t, long rep, long n_per_arm, struct gs_trial_result *out,
                       struct gs_error *err);
void gs_trial_result_release(struct gs_trial_result *r);

/* Many replicates: per replicate estimate, its p and whether it was significant, by replicate
 * index (so identical for any thread count). A replicate whose data allow no analysis (too few
 * analysed, no variability) counts as not significant, with a NaN estimate, and in n_failed;
 * the estimate's summaries are over the others. Any other failure stops the run with the lowest
 * failing replicate's message. */
struct gs_trial_reps {
    long n, n_per_arm;
    long n_arm[2]; /* participants per arm in every replicate (n_per_arm, or the specification's) */
    long n_failed; /* replicates whose data allowed no analysis (effect NaN; not significant) */
    double *effect, *se, *p;
    unsigned char *significant;
    double power, power_se;                     /* share significant and its Monte Carlo SE */
    double power_ci95_lo, power_ci95_hi;        /* power -/+ 1.96 power_se, clipped to [0, 1] */
    double effect_mean, effect_sd, effect_q[5]; /* 2.5, 25, 50, 75, 97.5 % */
    double mean_dropout[2]; /* share discontinued per arm (analysable replicates) */
    double mean_change[2];  /* mean over replicates of each arm's change_mean */
    /* the >= 30 % responder endpoint (gs_trial_result.resp30) over all replicates: power (share
     * significant) with its Monte Carlo SE and interval as above, and each arm's mean share of
     * responders (>= 30 %, >= 50 %) and the mean difference in the >= 30 % share (NaN for the
     * t-test check, gs_trial_power_sim_t2) */
    double resp_power, resp_power_se, resp_power_ci95_lo, resp_power_ci95_hi;
    double resp30_rate[2], resp50_rate[2], resp30_diff_mean;
};
gs_status gs_trial_replicates(const gs_trial *t, long n_reps, long n_per_arm, int threads,
                              long first_rep, struct gs_trial_reps *out, struct gs_error *err);
void gs_trial_reps_release(struct gs_trial_reps *r);
/* Share of the analysable replicates whose estimate is at least as extreme as `observed` in its
 * direction (estimate <= observed for a negative observed value, >= for a positive one). */
double gs_trial_reps_extreme(const struct gs_trial_reps *r, double observed);

/* ---- the whole `gabasim trial` computation as one call ---- */

/* What to simulate: a specification (a file, or one already parsed), one trial or many
 * replicates, optionally a power curve over N per arm and the share of replicates as extreme as
 * an observed difference. Start from GS_TRIAL_REQUEST_INIT. */
struct gs_trial_request {
    const char *spec_path;            /* the specification file, read when `spec` is NULL */
    const struct gs_trial_spec *spec; /* an already parsed specification (copied), or NULL */
    int override_seed;                /* use `seed` instead of the specification's */
    uint64_t seed;
    long replicates;    /* 0: one trial (replicate 0, with its participants); else 1 to
                           GS_TRIAL_MAX_REPS replicates */
    const long *n_grid; /* with replicates: N per arm of each point of a power curve (2 to */
    size_t n_grid_len;  /* GS_TRIAL_MAX_ARM_N; at most GS_TRIAL_MAX_GRID points), or none */
    double observed;    /* with replicates: a difference (-10 to 10, not 0) or NaN for none */
    int threads;        /* 0: all cores; results do not depend on it */
    /* optional: called on the calling thread as replicates finish, with the work done and the
     * whole run's work (replicates weighted by their participants, the power curve's included),
     * and once with done == total at the end */
    void (*on_progress)(void *ctx, long done, long total);
    void *progress_ctx;
};
#define GS_TRIAL_REQUEST_INIT                                                                      \
    {                                                                                              \
        NULL, NULL, 0, 0, 0, NULL, 0, NAN, 0, NULL, NULL                                           \
    }

/* Everything `gabasim trial` reports. Owned by the caller: gs_trial_simulation_free(). */
struct gs_trial_simulation {
    gs_trial *trial; /* the prepared trial: its specification (with the seed used), side-effect
                        names and Emax (gs_trial_get_spec, gs_trial_ae_name, gs_trial_emax) */
    long replicates; /* as requested: 0 means `one` holds the trial, else `reps` and `grid` */
    struct gs_trial_result one;
    struct gs_trial_reps reps;
    struct gs_trial_reps *grid; /* n_grid power-curve points, in the requested order */
    size_t n_grid;
    double observed;         /* as requested (NaN: none) */
    double share_as_extreme; /* gs_trial_reps_extreme(&reps, observed); NaN when not asked for or
                                no replicate could be analysed */
};

/* Loads (or copies) the specification, prepares the trial and simulates what `req` asks for. A
 * specification file that is not there is GS_INPUT (the request named it); a bad request is
 * GS_INPUT naming the field (replicates, n_grid, observed, threads). On failure *out is NULL. */
gs_status gs_trial_simulate(const struct gs_trial_request *req, struct gs_trial_simulation **out,
                            struct gs_error *err);
void gs_trial_simulation_free(struct gs_trial_simulation *s); /* NULL is a no-op */

/* Power of a pooled-variance two-sample t test with n per arm, true difference delta and SD sigma
 * at level alpha (sided 2: critical value t(1 - alpha/2)), counting significance in delta's
 * direction only, as the trials count a significant benefit (R's power.t.test, strict = FALSE):
 * exact, the noncentral t by quadrature over the chi-square. */
double gs_trial_power_t2(double delta, double sigma, long n_per_arm, double alpha, int sided);

/* What gs_trial_power_sim_t2 simulates. Start from GS_TRIAL_POWER_SIM_REQUEST_INIT. */
struct gs_trial_power_sim_request {
    double delta;   /* true difference between the arms (outcome units), not 0 */
    double sigma;   /* SD of the outcome (outcome units), above 0 */
    long n_per_arm; /* 2 or more */
    double alpha;   /* significance level, in (0, 1) */
    int sided;      /* 1 or 2 */
    long n_reps;    /* replicates */
    uint64_t seed;  /* replicate r uses stream r of it */
    int threads;    /* 0: all cores; results do not depend on it */
};
#define GS_TRIAL_POWER_SIM_REQUEST_INIT                                                            \
    {                                                                                              \
        0.0, 0.0, 0, 0.05, 2, 0, 0, 0                                                              \
    }

/* gs_trial_power_t2 by simulation: n_reps two-arm trials with a normal outcome, analysed by
 * gs_ancova and counted by the virtual trials' rule, into *out (any thread count gives the same
 * result). For checking the replicate machinery against gs_trial_power_t2. */
gs_status gs_trial_power_sim_t2(const struct gs_trial_power_sim_request *req,
                                struct gs_trial_reps *out, struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
