/* meta_models.h - the models a reviewer fits after pooling: meta-regression (mixed-effects, with
 * moderators), subgroup analysis with the test for subgroup differences, Egger's regression test,
 * leave-one-out, influence diagnostics and cumulative meta-analysis. All work on the estimates yi
 * and sampling variances vi of any effect measure (on its analysis scale: logs for ratios).
 *
 * Conventions and numbers are those of R's metafor 3.8, against which
 * tests/validation/test_meta_models.c checks every one when R is present:
 *   gs_meta_reg_fit      rma(yi, vi, mods = ~ ..., method = "REML" | "DL" | "FE", test = "z" |
 *                        "knha"): coefficients, SE, z or t, CI, QM (chi^2, or F with Knapp-Hartung)
 *                        over every coefficient but the intercept, QE on k - p df, residual tau^2,
 *                        I^2 and H^2 (typical variance (k - p)/tr P), pseudo-R^2 (tau2 of the
 *                        model without moderators minus the residual tau2, over the former, in %,
 *                        0 when that tau2 is 0; the fixed model: weighted lm()'s adjusted R^2),
 *                        hat values and weights.
 *   gs_meta_subgroups    per subgroup the fixed and random pooled estimates (gs_meta_pool); the
 * test for subgroup differences as metafor's mixed-effects model with the subgroup as a factor (QM
 * on g - 1 df, one tau^2 for all subgroups), and as RevMan and R's meta do (separate tau^2 per
 * subgroup; Q between of the subgroup estimates, = metafor rma(est_g, sei = se_g, method = "FE")
 * QE). gs_meta_egger        regtest(model = "rma", predictor = "sei"): the sei coefficient's z (t
 * with Knapp-Hartung) and p, and the limit estimate (the intercept) with its CI. gs_meta_leave1out
 * leave1out(): each study omitted in turn. gs_meta_cumulative   cumul(): the first 1, 2, ..., k
 * studies in the given order. gs_meta_influence    influence(): rstudent, dffits, cook.d, cov.r,
 * tau2.del, QE.del, hat, weight, dfbetas and metafor's "influential" flag. A fit of a single study
 * has tau^2 = 0 and uses z (metafor sets test = "z" when k = 1). */
#ifndef GABASIM_META_MODELS_H
#define GABASIM_META_MODELS_H

#include <stddef.h>

#include "gabasim/error.h"
#include "gabasim/meta.h"
#include "gabasim/studies.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- meta-regression ---- */

/* A mixed-effects meta-regression. Start from GS_META_REG_REQUEST_INIT. */
struct gs_meta_reg_request {
    const double *yi, *vi;      /* k estimates and their sampling variances (above 0) */
    size_t k;                   /* studies: more than p (p + 1 or more for random effects) */
    const double *x;            /* k x p design matrix, row-major; NULL: the intercept alone */
    size_t p;                   /* its columns, 1 or more */
    int intercept;              /* column 0 is the intercept: QM leaves it out, R^2 is computed */
    const char *const *names;   /* p column names for messages and reports, or NULL */
    enum gs_meta_method method; /* GS_META_FIXED, GS_META_DL or GS_META_REML */
    int hk;                     /* Knapp-Hartung: t on k - p df and F for QM (k > p) */
    double level;               /* of the confidence intervals, in (0, 1) */
};
#define GS_META_REG_REQUEST_INIT                                                                   \
    {                                                                                              \
        NULL, NULL, 0, NULL, 1, 1, NULL, GS_META_REML, 0, 0.95                                     \
    }

/* A fitted meta-regression; caller-allocated, arrays owned: gs_meta_reg_release(). */
struct gs_meta_reg {
    size_t k, p;
    double *b, *se, *stat, *pval, *ci_lo, *ci_hi; /* p each: coefficient, SE, z or t, p, CI */
    double *vb;                                   /* p x p covariance of b, row-major */
    double tau2;                                  /* residual tau^2 (0 for the fixed model) */
    double i2, h2; /* residual heterogeneity as metafor's I^2 (%) and H^2 */
    double r2;     /* pseudo-R^2 in % (fixed model: weighted lm()'s adjusted R^2, as metafor); NAN
                      without an intercept or without moderators */
    double qm, qm_p;
    size_t qm_df;    /* numerator df: the coefficients tested (p - 1 with an intercept) */
    size_t qm_df2;   /* Knapp-Hartung: the F test's denominator df k - p; 0: chi^2 test */
    double qe, qe_p; /* residual heterogeneity, on k - p df (0 and p = 1 when k = p) */
    size_t df;       /* t df with Knapp-Hartung, else 0 */
    double s2w;      /* Knapp-Hartung's variance factor (1 without) */
    double *hat;     /* k hat values */
    double *weight;  /* k weights in % */
    int iterations;  /* REML Fisher-scoring iterations */
};
#define GS_META_REG_INIT                                                                           \
    {                                                                                              \
        0                                                                                          \
    }

/* Fits the model. A design whose column j is a linear combination of the columns before it is
 * GS_INPUT naming that column ("'mod_b' is collinear with ..."); too few studies is GS_INPUT. */
gs_status gs_meta_reg_fit(const struct gs_meta_reg_request *req, struct gs_meta_reg *r,
                          struct gs_error *err);
void gs_meta_reg_release(struct gs_meta_reg *r); /* back to GS_META_REG_INIT; NULL arrays fine */

/* ---- subgroups ---- */

struct gs_meta_subgroup_request {
    const double *yi, *vi;
    size_t k;
    const size_t *group;        /* k subgroup indices, 0 to g - 1, every subgroup with a study */
    size_t g;                   /* 2 or more */
    enum gs_meta_method method; /* of the random-effects fits: GS_META_DL or GS_META_REML */
    int hk;                     /* Hartung-Knapp (subgroups of one study use z) */
    double level;
};

struct gs_meta_subgroup {
    size_t k;                     /* its studies */
    struct gs_meta_result fixed;  /* inverse variance */
    struct gs_meta_result random; /* its own tau^2 */
};

/* Owned by the caller: gs_meta_subgroups_release(). */
struct gs_meta_subgroups {
    size_t g;
    struct gs_meta_subgroup *sub; /* g subgroups, in index order */
    /* the test for subgroup differences, on g - 1 df: */
    double qm, qm_p; /* mixed-effects model, one tau^2 (metafor's QM; F with Knapp-Hartung) */
    size_t qm_df2;   /* Knapp-Hartung: F's denominator df (k - g); 0: chi^2 */
    double tau2_res; /* that model's residual tau^2 */
    double qb_fixed, qb_fixed_p;   /* fixed-effect Q between (Q - sum of the Q within) */
    double qb_random, qb_random_p; /* separate tau^2 per subgroup (RevMan, R meta) */
    size_t df;                     /* g - 1 */
};

gs_status gs_meta_subgroups(const struct gs_meta_subgroup_request *req, struct gs_meta_subgroups *r,
                            struct gs_error *err);
void gs_meta_subgroups_release(struct gs_meta_subgroups *r);

/* ---- small-study effects ---- */

struct gs_meta_egger {
    double stat, p;                   /* the sei coefficient's z (t with Knapp-Hartung) and p */
    size_t df;                        /* t df (k - 2) with Knapp-Hartung, else 0 */
    double slope, slope_se;           /* the sei coefficient */
    double limit, limit_lo, limit_hi; /* the limit estimate (intercept) and its CI */
};

/* Egger's regression test on req's studies (3 or more) with req's method, hk and level. */
gs_status gs_meta_egger(const struct gs_meta_pool_request *req, struct gs_meta_egger *r,
                        struct gs_error *err);

/* ---- each study omitted, studies added one by one ---- */

/* out[i] (k of them, caller-allocated): req's model without study i (k >= 2). Fills est, se,
 * stat, p, ci, q, q_p, tau2, i2, h2 as gs_meta_pool does. */
gs_status gs_meta_leave1out(const struct gs_meta_pool_request *req, struct gs_meta_result *out,
                            struct gs_error *err);

/* out[i] (k, caller-allocated): req's model on the studies order[0..i] (order: a permutation of
 * 0..k-1, or NULL for the given order). */
gs_status gs_meta_cumulative(const struct gs_meta_pool_request *req, const size_t *order,
                             struct gs_meta_result *out, struct gs_error *err);

/* ---- influence ---- */

/* Owned by the caller: gs_meta_influence_release(). A study whose deletion leaves a model that
 * cannot be fitted (e.g. the only study of a subgroup) has NAN in the deletion columns. */
struct gs_meta_influence {
    size_t k, p;
    double *rstudent, *dffits, *cook_d, *cov_r, *tau2_del, *qe_del, *hat, *weight; /* k each */
    double *dfbetas;  /* k x p, row-major */
    int *influential; /* k: metafor's rule: |dffits| > 3 sqrt(p/(k - p)), pchisq(cook.d, p) >
                         0.5, hat > 3 p/k or any |dfbetas| > 1 */
};

gs_status gs_meta_influence(const struct gs_meta_reg_request *req, struct gs_meta_influence *r,
                            struct gs_error *err);
void gs_meta_influence_release(struct gs_meta_influence *r);

/* ---- the models part of `gabasim meta` ---- */

/* What gs_meta_analyse adds on request (struct gs_meta_request.models). Start from
 * GS_META_MODELS_REQUEST_INIT. */
struct gs_meta_models_request {
    const char *by;    /* subgroup column; NULL: "subgroup" when the table has one; "": none */
    const char *mods;  /* comma-separated numeric columns for a meta-regression, or NULL */
    int egger;         /* Egger's regression test */
    int leave1out;     /* leave-one-out */
    int influence;     /* influence diagnostics */
    int cumulative;    /* cumulative meta-analysis */
    const char *order; /* cumulative: the numeric column to order by (ascending, ties in table
                          order); NULL: table order */
};
#define GS_META_MODELS_REQUEST_INIT                                                                \
    {                                                                                              \
        NULL, NULL, 0, 0, 0, 0, NULL                                                               \
    }

#define GS_META_MODS_MAX 16

/* Everything the models part reports; owned by the struct gs_meta_analysis it hangs from. Every
 * array is in the order of the analysis's studies (m->study). */
struct gs_meta_models {
    /* subgroups (n_groups 0 when none) */
    char by[GS_STUDY_CELL_MAX];
    size_t n_groups;
    char (*group_name)[GS_STUDY_CELL_MAX]; /* in order of first appearance */
    size_t *group;                         /* k: each study's subgroup */
    struct gs_meta_subgroups subgroups;
    /* meta-regression (n_mods 0 when none) */
    size_t n_mods;
    char mod_name[GS_META_MODS_MAX + 1][GS_STUDY_CELL_MAX]; /* "intrcpt", then the moderators */
    struct gs_meta_reg reg;
    /* Egger */
    int have_egger;
    struct gs_meta_egger egger;
    /* study yi and sei with the pooled (random-effects) estimate, for a funnel plot */
    double *sei; /* k */
    /* leave-one-out and cumulative (NULL when not asked); cumulative in `cum_order` */
    struct gs_meta_result *leave1out;
    struct gs_meta_result *cumulative;
    size_t *cum_order; /* k study indices, the cumulative order */
    char order_by[GS_STUDY_CELL_MAX];
    /* influence (k 0 when not asked) */
    struct gs_meta_influence influence;
};

/* Runs what `req` asks (NULL: only the automatic subgroup analysis) on the pooled studies of
 * `m` (their rows in table `t`), with m's random-effects method, hk and level. *out is NULL when
 * there is nothing to do. Errors (GS_INPUT) name the column: missing, not numeric, collinear. */
gs_status gs_meta_models_run(const struct gs_meta_models_request *req, const struct gs_studies *t,
                             const struct gs_meta_analysis *m, struct gs_meta_models **out,
                             struct gs_error *err);
void gs_meta_models_free(struct gs_meta_models *x); /* NULL is a no-op */

#ifdef __cplusplus
}
#endif
#endif
