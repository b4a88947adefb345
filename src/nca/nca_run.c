/* nca_run.c - every profile of a file analysed (in parallel), each parameter summarised, and the
 * treatments of a crossover compared. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/nca.h"
#include "nca_int.h"

static const char *const param_names[GS_NCA_N_PARAMS] = {"cmax",
                                                         "tmax_h",
                                                         "clast",
                                                         "tlast_h",
                                                         "auclast",
                                                         "lambda_z",
                                                         "adj_r2",
                                                         "lz_n",
                                                         "half_life_h",
                                                         "aucinf_obs",
                                                         "aucinf_pred",
                                                         "pct_extrap_obs",
                                                         "pct_extrap_pred",
                                                         "cl_f",
                                                         "vz_f",
                                                         "auctau",
                                                         "cmin",
                                                         "cavg",
                                                         "clss_f",
                                                         "fluctuation_pct",
                                                         "accumulation"};

const char *const gs_nca_be_params[3] = {"auclast", "aucinf_obs", "cmax"};

const char *gs_nca_param_name(enum gs_nca_param p)
{
    return (unsigned)p < GS_NCA_N_PARAMS ? param_names[p] : NULL;
}

double gs_nca_param_value(const struct gs_nca_result *r, enum gs_nca_param p)
{
    switch (p) {
    case GS_NCA_P_CMAX:
        return r->cmax;
    case GS_NCA_P_TMAX:
        return r->tmax_h;
    case GS_NCA_P_CLAST:
        return r->clast;
    case GS_NCA_P_TLAST:
        return r->tlast_h;
    case GS_NCA_P_AUCLAST:
        return r->auclast;
    case GS_NCA_P_LAMBDA_Z:
        return r->lambda_z;
    case GS_NCA_P_R2ADJ:
        return r->adj_r2;
    case GS_NCA_P_LZ_N:
        return r->lz_n > 0 ? (double)r->lz_n : NAN;
    case GS_NCA_P_HALF_LIFE:
        return r->half_life_h;
    case GS_NCA_P_AUCINF_OBS:
        return r->aucinf_obs;
    case GS_NCA_P_AUCINF_PRED:
        return r->aucinf_pred;
    case GS_NCA_P_PCT_EXTRAP_OBS:
        return r->pct_extrap_obs;
    case GS_NCA_P_PCT_EXTRAP_PRED:
        return r->pct_extrap_pred;
    case GS_NCA_P_CL_F:
        return r->cl_f;
    case GS_NCA_P_VZ_F:
        return r->vz_f;
    case GS_NCA_P_AUCTAU:
        return r->auctau;
    case GS_NCA_P_CMIN:
        return r->cmin;
    case GS_NCA_P_CAVG:
        return r->cavg;
    case GS_NCA_P_CLSS_F:
        return r->clss_f;
    case GS_NCA_P_FLUCTUATION:
        return r->fluctuation_pct;
    case GS_NCA_P_ACCUMULATION:
        return r->accumulation;
    default:
        return NAN;
    }
}

/* The k-th smallest of x[0..n) (x is reordered): Hoare's selection (Hoare CAR, Algorithm 65:
 * Find, Comm ACM 1961;4(7):321), expected O(n), in place of a full sort for the median. */
static double select_kth(double *x, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        double pivot = x[lo + (hi - lo) / 2];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (x[i] < pivot)
                i++;
            while (x[j] > pivot)
                j--;
            if (i <= j) {
                double tmp = x[i];
                x[i] = x[j], x[j] = tmp;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return x[k];
    }
    return x[k];
}

/* Running sums of one parameter's values (Welford's mean and sum of squares, on the values and
 * on their logs while all are positive), the finite values copied to scratch for the median. */
struct acc {
    size_t k;
    int positive;
    double m, ss, ml, ssl, lo, hi;
};

static inline void acc_add(struct acc *a, double *scratch, double x)
{
    if (!isfinite(x))
        return;
    size_t k = ++a->k;
    scratch[k - 1] = x;
    a->lo = fmin(a->lo, x), a->hi = fmax(a->hi, x);
    double d = x - a->m;
    a->m += d / k;
    a->ss += d * (x - a->m);
    if (x > 0 && a->positive) {
        double l = log(x), dl = l - a->ml;
        a->ml += dl / k;
        a->ssl += dl * (l - a->ml);
    } else {
        a->positive = 0;
    }
}

static void acc_stats(const struct acc *a, double *scratch, struct gs_nca_stats *s)
{
    const double nan = NAN;
    size_t k = a->k;
    *s = (struct gs_nca_stats){0, nan, nan, nan, nan, nan, nan, nan};
    s->n = k;
    if (k == 0)
        return;
    s->mean = a->m;
    s->sd = k > 1 ? sqrt(a->ss / (k - 1)) : nan;
    if (a->positive) {
        s->gmean = exp(a->ml);
        s->gcv_pct = k > 1 ? 100.0 * sqrt(expm1(a->ssl / (k - 1))) : nan;
    }
    s->min = a->lo, s->max = a->hi;
    double upper = select_kth(scratch, k, k / 2);
    if (k % 2) {
        s->median = upper;
    } else { /* the largest of the lower half, which selection left below k / 2 */
        double lower = scratch[0];
        for (size_t i = 1; i < k / 2; i++)
            lower = fmax(lower, scratch[i]);
        s->median = 0.5 * (lower + upper);
    }
}

static const struct acc acc_init = {0, 1, 0, 0, 0, 0, INFINITY, -INFINITY};

void gs_nca_stats(const double *x, size_t n, double *scratch, struct gs_nca_stats *s)
{
    struct acc a = acc_init;
    for (size_t i = 0; i < n; i++)
        acc_add(&a, scratch, x[i]);
    acc_stats(&a, scratch, s);
}

/* gs_nca_stats() of two parameters at once (in place): each value's sums wait on the previous
 * value's (a chain of divisions), two independent chains run side by side. */
static void stats_two(double *x, double *y, size_t n, struct gs_nca_stats *sx,
                      struct gs_nca_stats *sy)
{
    struct acc a = acc_init, b = acc_init;
    for (size_t i = 0; i < n; i++) {
        acc_add(&a, x, x[i]);
        acc_add(&b, y, y[i]);
    }
    acc_stats(&a, x, sx);
    acc_stats(&b, y, sy);
}

/* A crossover's period as 1 or 2 ("1", "2", "01", "P1" are not all the same: only 1 and 2). */
static int period_number(const char *s)
{
    return strcmp(s, "1") == 0 ? 1 : strcmp(s, "2") == 0 ? 2 : 0;
}

static gs_status compare(gs_nca_analysis *a, const char *reference, struct gs_error *err)
{
    const gs_nca_data *d = a->data;
    size_t n = d->n_prof;
    struct gs_nca_be_obs *obs = gs_malloc((n ? n : 1) * sizeof *obs);
    if (obs == NULL)
        return gs_error_set(err, GS_NOMEM, "crossover", "out of memory");
    for (size_t p = 0; p < n; p++) {
        int per = period_number(d->prof[p].period);
        if (per == 0) { /* not a 2x2 crossover: the profiles are analysed, not compared */
            gs_free(obs);
            snprintf(a->be_msg, sizeof a->be_msg,
                     "ID %s has period '%s'; a 2x2 crossover has "
                     "periods 1 and 2",
                     d->prof[p].id, d->prof[p].period);
            a->be_why = a->be_msg;
            return GS_OK;
        }
        obs[p] = (struct gs_nca_be_obs){d->prof[p].id, d->prof[p].sequence, d->prof[p].treatment,
                                        per, NAN};
    }
    gs_status st = GS_OK;
    for (int k = 0; k < 3 && st == GS_OK; k++) {
        for (size_t p = 0; p < n; p++)
            obs[p].value = k == 0   ? a->res[p].auclast
                           : k == 1 ? a->res[p].aucinf_obs
                                    : a->res[p].cmax;
        struct gs_error e2 = GS_ERROR_INIT;
        st = gs_nca_be(obs, n, reference, &a->be[k], &e2);
        if (st == GS_INPUT) { /* not comparable: said in the report, not an error */
            snprintf(a->be_msg, sizeof a->be_msg, "%s: %s", gs_nca_be_params[k], e2.msg);
            a->be_why = a->be_msg;
            st = GS_OK;
            gs_free(obs);
            return st;
        }
        if (st != GS_OK && err)
            *err = e2;
    }
    gs_free(obs);
    if (st == GS_OK)
        a->have_be = 1;
    return st;
}

gs_status gs_nca_analyse(const gs_nca_data *d, const struct gs_nca_options *o,
                         const char *reference, int threads, gs_nca_analysis **out,
                         struct gs_error *err)
{
    if (out == NULL || d == NULL)
        return gs_error_set(err, GS_INPUT, "data", "no data to analyse");
    *out = NULL;
    gs_status st = gs_nca_options_check(o, err);
    if (st)
        return st;
    if (threads < 0 || threads > 256)
        return gs_error_set(err, GS_INPUT, "--threads", "'--threads' is %d; allowed 0 to 256",
                            threads);
    gs_nca_analysis *a = gs_calloc(1, sizeof *a);
    size_t n = d->n_prof, maxn = 0;
    if (a)
        a->res = gs_malloc((n ? n : 1) * sizeof *a->res);
    if (a == NULL || a->res == NULL) {
        gs_nca_analysis_free(a);
        return gs_error_set(err, GS_NOMEM, "data", "out of memory for %zu profiles", n);
    }
    a->data = d, a->options = *o;
    nca_advise_huge(a->res, (n ? n : 1) * sizeof *a->res);
    for (size_t p = 0; p < n; p++)
        maxn = d->prof[p].n > maxn ? d->prof[p].n : maxn;
    int failed = 0;
    struct gs_error perr = GS_ERROR_INIT;
    double *cols = gs_malloc(GS_NCA_N_PARAMS * (n ? n : 1) * sizeof *cols);
    if (cols == NULL) {
        gs_nca_analysis_free(a);
        return gs_error_set(err, GS_NOMEM, "data", "out of memory for %zu profiles", n);
    }
    nca_advise_huge(cols, GS_NCA_N_PARAMS * (n ? n : 1) * sizeof *cols);
#pragma omp parallel num_threads(threads > 0 ? threads : omp_get_max_threads())
    {
        double *work = gs_malloc(2 * (maxn + 1) * sizeof *work);
        if (work == NULL) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(static, 1024)
        for (size_t p = 0; p < n; p++) {
            if (work == NULL)
                continue;
            const struct nca_prof *q = &d->prof[p];
            struct gs_error e = GS_ERROR_INIT;
            if (gs_nca_profile(d->t + q->off, d->c + q->off, d->blq + q->off, q->n, q->dose, o,
                               work, &a->res[p], &e) == GS_OK) {
                for (int k = 0; k < GS_NCA_N_PARAMS; k++) /* by column, for the summaries */
                    cols[(size_t)k * n + p] = gs_nca_param_value(&a->res[p], (enum gs_nca_param)k);
            } else {
#pragma omp critical(gs_nca_err)
                if (!failed) {
                    failed = 2;
                    perr = e;
                }
            }
        }
        gs_free(work);
    }
    if (failed) {
        gs_free(cols);
        gs_nca_analysis_free(a);
        if (failed == 1)
            return gs_error_set(err, GS_NOMEM, "data", "out of memory");
        if (err)
            *err = perr;
        return perr.code ? perr.code : GS_INPUT;
    }
    /* groups: one, or the treatments of a crossover */
    a->n_groups = 1;
    snprintf(a->group[0], sizeof a->group[0], "all");
    if (d->crossover) {
        a->n_groups = 0;
        for (size_t p = 0; p < n; p++) {
            size_t g = 0;
            while (g < a->n_groups && strcmp(a->group[g], d->prof[p].treatment) != 0)
                g++;
            if (g == a->n_groups) {
                if (g == NCA_MAX_GROUPS) {
                    gs_free(cols);
                    gs_nca_analysis_free(a);
                    return gs_error_set(err, GS_INPUT, "TREATMENT",
                                        "%s: more than %d treatments; allowed at most %d",
                                        d->origin, NCA_MAX_GROUPS, NCA_MAX_GROUPS);
                }
                snprintf(a->group[a->n_groups++], GS_NCA_MAX_TEXT, "%s", d->prof[p].treatment);
            }
        }
    }
    /* the summaries, two parameters per task: in place in the columns when every profile is in
     * the one group, else on copies of the group's values (each thread its own buffers) */
    int nomem = 0, one = !d->crossover;
#pragma omp parallel num_threads(threads > 0 ? threads : omp_get_max_threads())
    {
        double *x = one ? NULL : gs_malloc(2 * (n ? n : 1) * sizeof *x);
        if (!one && x == NULL) {
#pragma omp atomic write
            nomem = 1;
        }
#pragma omp for collapse(2) schedule(dynamic, 1)
        for (size_t g = 0; g < a->n_groups; g++)
            for (int k = 0; k < GS_NCA_N_PARAMS; k += 2) {
                if (!one && x == NULL)
                    continue;
                int two = k + 1 < GS_NCA_N_PARAMS;
                double *xa = cols + (size_t)k * n, *xb = two ? xa + n : NULL;
                size_t m = n;
                if (!one) {
                    m = 0;
                    for (size_t p = 0; p < n; p++)
                        if (strcmp(d->prof[p].treatment, a->group[g]) == 0) {
                            x[m] = xa[p];
                            if (two)
                                x[n + m] = xb[p];
                            m++;
                        }
                    xa = x, xb = two ? x + n : NULL;
                }
                if (two) /* in place: the values are their own scratch */
                    stats_two(xa, xb, m, &a->stats[g][k], &a->stats[g][k + 1]);
                else
                    gs_nca_stats(xa, m, xa, &a->stats[g][k]);
            }
        gs_free(x);
    }
    gs_free(cols);
    if (nomem) {
        gs_nca_analysis_free(a);
        return gs_error_set(err, GS_NOMEM, "data", "out of memory");
    }
    if (d->crossover && (st = compare(a, reference, err)) != GS_OK) {
        gs_nca_analysis_free(a);
        return st;
    }
    *out = a;
    return GS_OK;
}

gs_status gs_nca_run(const struct gs_nca_request *req, gs_nca_analysis **out, struct gs_error *err)
{
    if (req == NULL || out == NULL)
        return gs_error_set(err, GS_INPUT, "request", "no NCA request");
    *out = NULL;
    gs_status st = gs_nca_options_check(&req->options, err);
    if (st)
        return st;
    gs_nca_data *d = NULL;
    if ((st = nca_read_threads(&d, req->path, req->threads, err)) != GS_OK)
        return st;
    st = gs_nca_analyse(d, &req->options, req->reference, req->threads, out, err);
    if (st != GS_OK) {
        gs_nca_data_free(d);
        return st;
    }
    (*out)->owned = d;
    return GS_OK;
}

void gs_nca_analysis_free(gs_nca_analysis *a)
{
    if (a == NULL)
        return;
    gs_free(a->res);
    gs_nca_data_free(a->owned);
    gs_free(a);
}

const gs_nca_data *gs_nca_analysis_data(const gs_nca_analysis *a)
{
    return a ? a->data : NULL;
}

const struct gs_nca_options *gs_nca_analysis_options(const gs_nca_analysis *a)
{
    return a ? &a->options : NULL;
}

const struct gs_nca_result *gs_nca_analysis_result(const gs_nca_analysis *a, size_t p)
{
    return a && p < a->data->n_prof ? &a->res[p] : NULL;
}

size_t gs_nca_analysis_n_groups(const gs_nca_analysis *a)
{
    return a ? a->n_groups : 0;
}

const char *gs_nca_analysis_group_name(const gs_nca_analysis *a, size_t g)
{
    return a && g < a->n_groups ? a->group[g] : NULL;
}

const struct gs_nca_stats *gs_nca_analysis_stats(const gs_nca_analysis *a, size_t g,
                                                 enum gs_nca_param p)
{
    return a && g < a->n_groups && (unsigned)p < GS_NCA_N_PARAMS ? &a->stats[g][p] : NULL;
}

const struct gs_nca_be_result *gs_nca_analysis_be(const gs_nca_analysis *a, int k, const char **why)
{
    if (why)
        *why = a == NULL             ? "no analysis"
               : !a->data->crossover ? "no SEQUENCE, PERIOD and TREATMENT columns"
                                     : a->be_why;
    if (a == NULL || !a->have_be || k < 0 || k > 2)
        return NULL;
    return &a->be[k];
}
