/* meta.h - pooling study results like a systematic review: effect sizes from arm summaries, then
 * fixed-effect (inverse variance) and random-effects (DerSimonian-Laird or REML tau^2, optional
 * Hartung-Knapp) estimates with Q, I^2, H^2 and the prediction interval.
 *
 * Conventions follow R's metafor (rma.uni), against which tests/validation/test_meta.c checks every
 * number when R is present: I^2 and H^2 use the "typical" within-study variance
 * s^2 = (k - 1) sum w / ((sum w)^2 - sum w^2); Hartung-Knapp scales the variance by the
 * weighted residual mean square without truncation and uses t with k - 1 degrees of freedom,
 * also for the prediction interval. */
#ifndef GABASIM_META_H
#define GABASIM_META_H

#include <stddef.h>

#include "gabasim/error.h"
#include "gabasim/studies.h"

#ifdef __cplusplus
extern "C" {
#endif

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
    const struct gs_meta_models_request *models; /* subgroups, meta-regression, Egger, ... (NULL:
                                                    a `subgroup` column only; meta_models.h) */
};
#define GS_META_REQUEST_INIT                                                                       \
    {                                                                                              \
        NULL, NULL, NULL, GS_META_REML, 0, 0.95, NULL                                              \
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
    char origin[4096];          /* the table's name */
    enum gs_studies_kind kind;  /* the table's layout */
    const char *measure;        /* "mean difference", "risk ratio" or "effect (as given)"; static */
    int ratio;                  /* estimates are natural logs of ratios: shown as exp() */
    enum gs_meta_method method; /* of `random` */
    int hk;                     /* `random` uses Hartung-Knapp */
    double level;               /* of the pooled intervals */
    size_t k;                   /* studies pooled */
    struct gs_meta_study *study;   /* the k pooled studies, in table order */
    size_t n_dropped;              /* risk ratios: studies with no events in either arm, */
    struct gs_meta_study *dropped; /* not pooled (name and line; the numbers are NaN) */
    struct gs_meta_result fixed;   /* inverse variance */
    struct gs_meta_result random;  /* `method`, with Hartung-Knapp when `hk` */
    int have_mh;                   /* risk ratios: the Mantel-Haenszel estimate exists */
    struct gs_meta_result mh;      /* Mantel-Haenszel over every study (log scale) */
    struct gs_meta_models *models; /* owned: what req->models asked, NULL when nothing */
};

/* Reads (or borrows) the study table, computes each study's effect (gs_meta_md, gs_meta_logrr or
 * as given), drops risk-ratio studies without events, and pools them with the fixed-effect and
 * the requested random-effects model (plus Mantel-Haenszel for risk ratios). Errors: a bad
 * request is GS_INPUT naming the field (method, level, path, hk); a table file that is not there
 * is GS_INPUT; a study whose numbers allow no effect names the table and line. On failure *out
 * is NULL. */
gs_status gs_meta_analyse(const struct gs_meta_request *req, struct gs_meta_analysis **out,
                          struct gs_error *err);
void gs_meta_analysis_free(struct gs_meta_analysis *m); /* NULL is a no-op */

#ifdef __cplusplus
}
#endif
#endif
