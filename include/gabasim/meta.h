/* meta.h - pooling study results like a systematic review: effect sizes from arm summaries, then
 * fixed-effect (inverse variance) and random-effects (DerSimonian-Laird or REML tau^2, optional
 * Hartung-Knapp) estimates with Q, I^2, H^2 and the prediction interval.
 *
 * Conventions follow R's metafor (rma.uni), against which tests/validation/test_meta.c checks every
 * number when R is present: I^2 and H^2 use the "typical" within-study variance
 * s^2 = (k - 1) sum w / ((sum w)^2 - sum w^2); Hartung-Knapp scales the variance by the
 * weighted residual mean square without truncation and uses t with k - 1 degrees of freedom,
 * also for the prediction interval.
 *
 * Effect measures (metafor escalc's names and default options; src/stats/meta_es.c): from arm
 * means MD, SMD (Hedges' g) and ROM; from event counts RR, OR and RD; Mantel-Haenszel (RR, OR,
 * RD) and Peto (OR) pooled estimates from the counts (src/stats/meta_mh.c). */
#ifndef GABASIM_META_H
#define GABASIM_META_H

#include <stddef.h>

#include "gabasim/error.h"
#include "gabasim/studies.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The effect measures, named as in R metafor's escalc. Ratios are pooled as natural logs. */
enum gs_meta_measure {
    GS_META_MEASURE_AUTO, /* the table's own: MD for arm means, RR for events, as given for yi,sei
                           */
    GS_META_MD,           /* mean difference, arm 1 - arm 2 */
    GS_META_SMD,          /* standardised mean difference, Hedges' g (bias-corrected) */
    GS_META_ROM,          /* ratio of means m1/m2 (log scale) */
    GS_META_RR,           /* risk ratio (log scale) */
    GS_META_OR,           /* odds ratio (log scale) */
    GS_META_RD,           /* risk difference, arm 1 - arm 2 */
    GS_META_GIVEN         /* an effect and its standard error, pooled as given (study,yi,sei) */
};

/* "MD", "SMD", "ROM", "RR", "OR", "RD" or "given" (for an out-of-range value: "?"); static. */
const char *gs_meta_measure_code(enum gs_meta_measure measure);
/* "mean difference", "odds ratio", ... as the reports name it; static. */
const char *gs_meta_measure_name(enum gs_meta_measure measure);
/* 1 for the measures pooled as natural logs (ROM, RR, OR) and shown as ratios, else 0. */
int gs_meta_measure_is_ratio(enum gs_meta_measure measure);

/* The measure a table of layout `kind` is pooled with: `measure` when the layout has its columns
 * (MD, SMD, ROM from arm means; RR, OR, RD from events; GS_META_GIVEN for study,yi,sei), the
 * layout's own for GS_META_MEASURE_AUTO. Else GS_INPUT (field "measure") naming the value and
 * the measures the layout allows. */
gs_status gs_meta_measure_for(enum gs_studies_kind kind, enum gs_meta_measure measure,
                              enum gs_meta_measure *out, struct gs_error *err);

/* Two arms' summaries, in the order of a mean-difference study table's columns. */
struct gs_meta_md_request {
    double m1, sd1, n1; /* group 1: mean, standard deviation (above 0), participants (1 or more) */
    double m2, sd2, n2; /* group 2: the same */
};

/* Mean difference (group 1 minus group 2) into *yi and its variance sd1^2/n1 + sd2^2/n2 into
 * *vi. */
gs_status gs_meta_md(const struct gs_meta_md_request *req, double *yi, double *vi,
                     struct gs_error *err);

/* Log risk ratio of a1/n1 against a2/n2 and its variance. A study with a zero cell gets 0.5 added
 * to every cell (metafor's default, add = 1/2 to = "only0"); a study with no events in either arm
 * carries no information about a ratio and is reported as GS_UNSUPPORTED so the caller can drop
 * it and say so. */
gs_status gs_meta_logrr(double a1, double n1, double a2, double n2, double *yi, double *vi,
                        struct gs_error *err);

/* Hedges' g: the standardised mean difference (m1 - m2)/s, s the pooled SD
 * sqrt(((n1 - 1) sd1^2 + (n2 - 1) sd2^2)/m) with m = n1 + n2 - 2, times the exact small-sample
 * correction J(m) = Gamma(m/2) / (sqrt(m/2) Gamma((m - 1)/2)) (Hedges, J Educ Stat 1981;6:107);
 * variance 1/n1 + 1/n2 + g^2/(2 (n1 + n2)), metafor 3.8's default (escalc vtype "LS"). Needs
 * n1 + n2 >= 4 (m > 1), else GS_INPUT. */
gs_status gs_meta_smd(const struct gs_meta_md_request *req, double *yi, double *vi,
                      struct gs_error *err);

/* Log ratio of means log(m1/m2), variance sd1^2/(n1 m1^2) + sd2^2/(n2 m2^2) (Hedges, Gurevitch &
 * Curtis, Ecology 1999;80:1150; metafor escalc "ROM", vtype "LS"). Both means must be above 0,
 * else GS_INPUT with the field "m1" or "m2". */
gs_status gs_meta_logrom(const struct gs_meta_md_request *req, double *yi, double *vi,
                         struct gs_error *err);

/* Log odds ratio of a1/n1 against a2/n2 and its variance 1/a1 + 1/b1 + 1/a2 + 1/b2 (b = n - a;
 * Woolf, Ann Hum Genet 1955;19:251), with gs_meta_logrr's zero-cell rule: 1/2 added to every
 * cell of a study with a zero cell, GS_UNSUPPORTED for a study without events in either arm. */
gs_status gs_meta_logor(double a1, double n1, double a2, double n2, double *yi, double *vi,
                        struct gs_error *err);

/* Risk difference a1/n1 - a2/n2 and its variance p1 (1 - p1)/n1 + p2 (1 - p2)/n2, with 1/2 added
 * to every cell of a study with a zero cell (metafor escalc "RD" defaults); a study without
 * events in either arm is kept (its difference, about 0, is information). */
gs_status gs_meta_rd(double a1, double n1, double a2, double n2, double *yi, double *vi,
                     struct gs_error *err);

/* One study's effect by `measure` (not GS_META_MEASURE_AUTO) from its table columns v, in the
 * order of struct gs_study: m1 sd1 n1 m2 sd2 n2 (MD, SMD, ROM), a1 n1 a2 n2 (RR, OR, RD) or yi sei
 * (GS_META_GIVEN: *vi = sei^2). Statuses as the function for that measure. */
gs_status gs_meta_effect(enum gs_meta_measure measure, const double v[6], double *yi, double *vi,
                         struct gs_error *err);

enum gs_meta_method { GS_META_FIXED, GS_META_DL, GS_META_REML };

struct gs_meta_result {
    size_t k;
    double est, se, ci_lo, ci_hi; /* pooled effect, its standard error and confidence interval */
    double stat, p;               /* z (or t with Hartung-Knapp) and its two-sided p */
    double tau2, i2, h2;          /* tau^2 (0 when fixed), I^2 in %, H^2 */
    double q, q_p;                /* Cochran's Q on k - 1 df and its p */
    double pi_lo, pi_hi;          /* prediction interval (the CI for the fixed-effect model) */
    int df;                       /* t degrees of freedom with Hartung-Knapp, else 0 */
    int iterations;               /* REML Fisher-scoring iterations */
    /* NULL when se > 0; else why the CI, p and prediction interval are not defined (they are then
     * NAN, and stat too): a zero variance, e.g. every participant had the event (Mantel-Haenszel)
     * or every study has the same estimate (Hartung-Knapp) */
    const char *undefined;
};

/* What gs_meta_pool pools. Start from GS_META_POOL_REQUEST_INIT. */
struct gs_meta_pool_request {
    const double *yi;           /* k estimates, on the analysis scale */
    const double *vi;           /* their k sampling variances, above 0 */
    size_t k;                   /* 1 or more */
    enum gs_meta_method method; /* GS_META_FIXED, or tau^2 by GS_META_DL or GS_META_REML */
    int hk;                     /* Hartung-Knapp (random-effects methods only, k >= 2) */
    double level;               /* of the confidence and prediction intervals, in (0, 1) */
};
#define GS_META_POOL_REQUEST_INIT                                                                  \
    {                                                                                              \
        NULL, NULL, 0, GS_META_REML, 0, 0.95                                                       \
    }

/* Pools req->k estimates into *r. */
gs_status gs_meta_pool(const struct gs_meta_pool_request *req, struct gs_meta_result *r,
                       struct gs_error *err);

/* The event counts gs_meta_mh_rr pools. Start from GS_META_MH_RR_REQUEST_INIT. */
struct gs_meta_mh_rr_request {
    const double *a1, *n1; /* k studies' treatment arms: events (0 to n1) of participants (1+) */
    const double *a2, *n2; /* their comparator arms: the same */
    size_t k;              /* 1 or more */
    double level;          /* of the confidence interval, in (0, 1) */
};
#define GS_META_MH_RR_REQUEST_INIT                                                                 \
    {                                                                                              \
        NULL, NULL, NULL, NULL, 0, 0.95                                                            \
    }

/* Mantel-Haenszel pooled risk ratio of k studies (events a1 of n1 against a2 of n2), on the log
 * scale in r->est with the Greenland-Robins variance; no continuity correction is needed, and
 * studies without events add nothing (metafor rma.mh's defaults). Fills est, se, ci, stat, p and
 * k; the heterogeneity fields are left 0 (use gs_meta_pool on the log RRs for those). */
gs_status gs_meta_mh_rr(const struct gs_meta_mh_rr_request *req, struct gs_meta_result *r,
                        struct gs_error *err);

/* The event counts gs_meta_mh and gs_meta_peto pool. Start from GS_META_MH_REQUEST_INIT. */
struct gs_meta_mh_request {
    const double *a1, *n1;        /* k studies' treatment arms: events (0 to n1) of participants */
    const double *a2, *n2;        /* their comparator arms: the same */
    size_t k;                     /* 1 or more */
    enum gs_meta_measure measure; /* GS_META_RR, GS_META_OR or GS_META_RD (Peto: GS_META_OR) */
    double level;                 /* of the confidence interval, in (0, 1) */
};
#define GS_META_MH_REQUEST_INIT                                                                    \
    {                                                                                              \
        NULL, NULL, NULL, NULL, 0, GS_META_RR, 0.95                                                \
    }

/* Mantel-Haenszel pooled estimate of k studies, as metafor rma.mh: the risk ratio (log scale;
 * Greenland-Robins variance, Biometrics 1985;41:55), the odds ratio (log scale; Robins, Breslow &
 * Greenland variance, Biometrics 1986;42:311) or the risk difference (Sato, Greenland & Robins
 * variance, Biometrics 1989;45:1323). No continuity correction; every study is used (for ratios
 * a study without events adds nothing). Fills est, se, ci, stat, p and k as gs_meta_mh_rr; a
 * ratio whose numerator or denominator sum is 0 is GS_INPUT. */
gs_status gs_meta_mh(const struct gs_meta_mh_request *req, struct gs_meta_result *r,
                     struct gs_error *err);

/* Peto's one-step log odds ratio (Yusuf, Peto, Lewis, Collins & Sleight, Prog Cardiovasc Dis
 * 1985;27:335; metafor rma.peto): sum(O - E)/sum(V), variance 1/sum(V), with O = a1,
 * E = (a1 + a2) n1/N and V = (a1 + a2)(N - a1 - a2) n1 n2/(N^2 (N - 1)). req->measure must be
 * GS_META_OR. Fills est, se, ci, stat, p and k; GS_INPUT when no study has both outcomes. */
gs_status gs_meta_peto(const struct gs_meta_mh_request *req, struct gs_meta_result *r,
                       struct gs_error *err);

/* ---- the whole `gabasim meta` analysis as one call ---- */

/* What to pool: a study table (a file, or one already read) and the random-effects model.
 * Start from GS_META_REQUEST_INIT. */
struct gs_meta_request {
    const char *path;                 /* the study table file, read when `studies` is NULL */
    const struct gs_studies *studies; /* a table already read (borrowed), or NULL */
    const char *origin;         /* its name in messages and reports (NULL: `path`, or "studies") */
    enum gs_meta_method method; /* tau^2 of the random-effects model: GS_META_REML or GS_META_DL */
    int hk;                     /* Hartung-Knapp for the random-effects model (k >= 2) */
    double level;               /* of the pooled intervals, in (0, 1) */
    enum gs_meta_measure measure; /* effect measure; GS_META_MEASURE_AUTO: the layout's own */
    const struct gs_meta_models_request *models; /* subgroups, meta-regression, Egger, ... (NULL:
                                                    a `subgroup` column only; meta_models.h) */
};
#define GS_META_REQUEST_INIT                                                                       \
    {                                                                                              \
        NULL, NULL, NULL, GS_META_REML, 0, 0.95, GS_META_MEASURE_AUTO, NULL                        \
    }

/* One study as pooled, on the analysis scale (natural logs for ratios). */
struct gs_meta_study {
    char name[GS_STUDY_NAME_MAX];
    size_t line;              /* in the table, for messages */
    double yi, vi;            /* effect and its sampling variance */
    double ci95_lo, ci95_hi;  /* yi -/+ 1.96 sqrt(vi): study intervals are always 95 % */
    double weight_random_pct; /* weight in the random-effects model, % (they sum to 100) */
};

/* Everything `gabasim meta` reports. Owned by the caller: gs_meta_analysis_free(). */
struct gs_meta_analysis {
    char origin[4096];             /* the table's name */
    enum gs_studies_kind kind;     /* the table's layout */
    const char *measure;           /* gs_meta_measure_name(measure_id), e.g. "odds ratio"; static */
    int ratio;                     /* estimates are natural logs of ratios: shown as exp() */
    enum gs_meta_method method;    /* of `random` */
    int hk;                        /* `random` uses Hartung-Knapp */
    double level;                  /* of the pooled intervals */
    size_t k;                      /* studies pooled */
    struct gs_meta_study *study;   /* the k pooled studies, in table order */
    size_t n_dropped;              /* RR and OR: studies with no events in either arm, */
    struct gs_meta_study *dropped; /* not pooled (name and line; the numbers are NaN) */
    struct gs_meta_result fixed;   /* inverse variance */
    struct gs_meta_result random;  /* `method`, with Hartung-Knapp when `hk` */
    int have_mh;                   /* RR, OR and RD: the Mantel-Haenszel estimate exists */
    struct gs_meta_result mh;      /* Mantel-Haenszel over every study (log scale for ratios) */
    enum gs_meta_measure measure_id; /* the measure pooled (never GS_META_MEASURE_AUTO) */
    int have_peto;                   /* OR: Peto's estimate exists */
    struct gs_meta_result peto;      /* Peto's log odds ratio over every study */
    struct gs_meta_models *models;   /* owned: what req->models asked, NULL when nothing */
};

/* Reads (or borrows) the study table, computes each study's effect by req->measure
 * (gs_meta_effect), drops RR and OR studies without events, and pools them with the fixed-effect
 * and the requested random-effects model (plus Mantel-Haenszel for RR, OR and RD, and Peto for
 * OR). Errors: a bad request is GS_INPUT naming the field (method, level, path, hk, measure: a
 * measure the table's layout cannot give); a table file that is not there is GS_INPUT; a study
 * whose numbers allow no effect names the table, line and study. On failure *out is NULL. */
gs_status gs_meta_analyse(const struct gs_meta_request *req, struct gs_meta_analysis **out,
                          struct gs_error *err);
void gs_meta_analysis_free(struct gs_meta_analysis *m); /* NULL is a no-op */

#ifdef __cplusplus
}
#endif
#endif
