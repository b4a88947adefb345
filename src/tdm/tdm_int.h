/* tdm_int.h - shared by src/tdm/ only: the posterior of one patient's random effects. */
#ifndef GABASIM_TDM_INT_H
#define GABASIM_TDM_INT_H

#include "gabasim/events.h"
#include "gabasim/rng.h"
#include "gabasim/simulate.h"
#include "gabasim/tdm.h"
#include "gabasim/variability.h"

/* Most levels of one posterior: GS_TDM_MAX_LEVELS for a request by regimen, more for a dataset
 * subject (gs_tdm_estimate_events). */
#define TDM_MAX_OBS 1024

/* Everything the objective needs, built once per request. */
struct tdm_post {
    struct gs_model typical;
    /* a dataset subject (gs_tdm_estimate_events): its typical models, switched by the events'
     * GS_EVID_MODEL records, parameters marked fixed carry no random effect, and the levels are
     * the events' GS_EVID_OBS records in order (n_tv 0: the typical model and regimen above) */
    const struct gs_model *tv;
    const unsigned char *tv_fixed;
    size_t n_tv;
    struct gs_variability var;
    double omega_inv[GS_MAX_PARAMS * GS_MAX_PARAMS];
    double add, prop; /* residual SDs (0 where absent) */
    struct gs_event_list ev;
    size_t n_obs;
    double obs_t[TDM_MAX_OBS], obs_y[TDM_MAX_OBS];
    double t[TDM_MAX_OBS]; /* unique ascending level times */
    size_t n_t, idx[TDM_MAX_OBS];
    struct gs_sim_options sim;
    long evals;
    /* exact derivatives (sens.c): the random effects whose sensitivities are integrated (the
     * others by finite differences), solves made, and the last objective's predictions */
    unsigned char sens_col[GS_MAX_PARAMS];
    size_t n_sens;
    long sens_evals;
    double last_f[TDM_MAX_OBS];
};

/* Builds the posterior for `req` (validates it). Release with gs__tdm_post_release. */
gs_status gs__tdm_post_init(struct tdm_post *p, const struct gs_tdm_request *req,
                            struct gs_error *err);
void gs__tdm_post_release(struct tdm_post *p);

/* Concentrations of the model with random effects eta at `n` ascending times. */
gs_status gs__tdm_predict(const struct tdm_post *p, const double *eta,
                          const struct gs_event_list *ev, const double *t, size_t n, double *conc,
                          struct gs_error *err);

/* Decides which random effects get exact sensitivities (sens_col, n_sens): none with the
 * environment's GABASIM_TDM_DERIVATIVES=fd, a structure without a Jacobian, or event features
 * sens.c does not cover; per effect, none for a parameter that moves doses (lag, F). */
void gs__tdm_sens_setup(struct tdm_post *p);

/* The levels f[n_t] at eta and, for the random effects with sens_col set, their derivatives
 * g[k * n + i] = df_k/deta_i (other columns untouched), by forward sensitivities. */
gs_status gs__tdm_sens(const struct tdm_post *p, const double *eta, double *f, double *g,
                       struct gs_error *err);

/* -2 log posterior (up to a constant); +INFINITY where the prediction fails. The predictions
 * are left in p->last_f. */
double gs__tdm_ofv(struct tdm_post *p, const double *eta);

/* The MAP: eta[n], the Hessian of the OFV there (row-major), Newton iterations. */
gs_status gs__tdm_map(struct tdm_post *p, double *eta, double *hess, int *iterations,
                      struct gs_error *err);

/* Laplace covariance of eta (2 H^-1) and its lower Cholesky factor; GS_NUMERIC if H is not
 * positive definite. */
gs_status gs__tdm_laplace(size_t n, const double *hess, double *cov, double *chol,
                          struct gs_error *err);

/* eta = mean + chol z, z standard normal. */
void gs__tdm_draw_normal(size_t n, const double *mean, const double *chol, gs_rng *r, double *eta);

/* The standard normal quantile. */
double gs__tdm_probit(double p);

/* A value and its weight; the weighted quantiles plo, phi of s[0..n) (weights sum to 1), sorting
 * s in place. */
struct wv {
    double v, w;
};
void gs__tdm_wquantiles(struct wv *s, size_t n, double plo, double phi, double *lo, double *hi);

#endif
