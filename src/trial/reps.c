/* reps.c - many replicates of a virtual trial in parallel, and the analytic power of a t test.
 *
 * Replicate r is a pure function of (seed, r), written to slot r: the summaries are computed
 * after the parallel loop in replicate order, so they are identical for any thread count.
 */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/par.h"
#include "gabasim/population.h"
#include "gabasim/threads.h"
#include "trial_int.h"

void gs_trial_reps_release(struct gs_trial_reps *r)
{
    gs_free(r->effect);
    gs_free(r->se);
    gs_free(r->p);
    gs_free(r->significant);
    memset(r, 0, sizeof *r);
}

/* What one replicate contributes. */
struct rep_out {
    double effect, se, p, drop[2], change[2];
    int significant;
    int resp_significant;                     /* the >= 30 % responder endpoint */
    double resp30[2], resp50[2], resp30_diff; /* shares by arm (as specified), difference */
};
typedef gs_status (*rep_fn)(const void *ctx, long rep, struct rep_out *o, struct gs_error *err);

static gs_status trial_rep(const void *ctx, long rep, struct rep_out *o, struct gs_error *err)
{
    const struct {
        const gs_trial *t;
        long n_per_arm;
    } *c = ctx;
    struct gs_trial_result r;
    gs_status st = gs_trial_run(c->t, rep, c->n_per_arm, &r, err);
    if (st != GS_OK)
        return st;
    o->effect = r.primary.effect;
    o->se = r.primary.se;
    o->p = r.p_reported;
    o->significant = r.significant;
    for (int a = 0; a < 2; a++) {
        o->drop[a] = 1.0 - (double)r.arm[a].completed / (double)r.arm[a].allocated;
        o->change[a] = r.arm[a].change_mean;
        o->resp30[a] = r.arm[a].responders30_pct / 100.0;
        o->resp50[a] = r.arm[a].responders50_pct / 100.0;
    }
    o->resp_significant = r.resp30.significant;
    o->resp30_diff = r.resp30.diff;
    gs_trial_result_release(&r);
    return GS_OK;
}

/* The ranks' replicates into every rank's res[0..n_reps), in replicate order, and the lowest
 * failing replicate over all ranks (its error in *first_err). This rank holds [lo, hi). */
static gs_status gather_reps(struct rep_out *res, long n_reps, long lo, long hi, long *failed,
                             struct gs_error *first_err, struct gs_error *err)
{
    struct head {
        long failed;
        struct gs_error err;
    } h;
    memset(&h, 0, sizeof h);
    h.failed = *failed;
    h.err = *first_err;
    size_t slice = (size_t)(hi - lo) * sizeof *res, bytes = sizeof h + slice;
    unsigned char *mine = gs_malloc(bytes), *all = NULL;
    size_t cap = 0, *counts = gs_malloc((size_t)gs_par_size() * sizeof *counts);
    if (counts == NULL) /* a few bytes; the other ranks are waiting in the gather */
        abort();
    if (mine) {
        memcpy(mine, &h, sizeof h);
        memcpy(mine + sizeof h, res + lo, slice);
    } else { /* the header alone, marked: every rank fails alike */
        h.failed = -2;
    }
    gs_status st = gs_par_allgather(mine ? (const void *)mine : (const void *)&h,
                                    mine ? bytes : sizeof h, &all, &cap, counts, err);
    const unsigned char *p = all;
    long at = 0;
    *failed = -1;
    for (int r = 0; st == GS_OK && r < gs_par_size(); p += counts[r], r++) {
        memcpy(&h, p, sizeof h);
        if (h.failed == -2)
            st = gs_error_set(err, GS_NOMEM, "--replicates",
                              "rank %d: out of memory gathering %ld replicates", r, n_reps);
        size_t k = (counts[r] - sizeof h) / sizeof *res;
        memcpy(res + at, p + sizeof h, k * sizeof *res);
        if (h.failed >= 0 && *failed < 0) { /* ranks hold ascending ranges */
            *failed = h.failed;
            *first_err = h.err;
        }
        at += (long)k;
    }
    gs_free(mine);
    gs_free(all);
    gs_free(counts);
    return st;
}

/* Runs replicates first_rep .. first_rep + n_reps - 1 of fn in parallel into slots by index,
 * then summarises them in index order. */
static gs_status run_reps(rep_fn fn, const void *ctx, long n_reps, long n_per_arm, int threads,
                          long first_rep, struct gs__trial_progress *pr, long rep_size,
                          struct gs_trial_reps *out, struct gs_error *err)
{
    memset(out, 0, sizeof *out);
    if (n_reps < 1 || n_reps > GS_TRIAL_MAX_REPS || first_rep < 0 ||
        first_rep + n_reps > GS_TRIAL_MAX_REPS)
        return gs_error_set(err, GS_INPUT, "--replicates",
                            "'--replicates' is %ld; allowed 1 to %ld", n_reps, GS_TRIAL_MAX_REPS);
    gs_status tst = gs_threads_start(threads, &threads, err);
    if (tst != GS_OK)
        return tst;
    out->n = n_reps;
    out->n_per_arm = n_per_arm;
    out->effect = gs_malloc((size_t)n_reps * sizeof *out->effect);
    out->se = gs_malloc((size_t)n_reps * sizeof *out->se);
    out->p = gs_malloc((size_t)n_reps * sizeof *out->p);
    out->significant = gs_malloc((size_t)n_reps);
    struct rep_out *res = gs_malloc((size_t)n_reps * sizeof *res); /* slot i: replicate i */
    if (!out->effect || !out->se || !out->p || !out->significant || !res) {
        gs_free(res);
        gs_trial_reps_release(out);
        return gs_error_set(err, GS_NOMEM, "--replicates", "out of memory for %ld replicates",
                            n_reps);
    }
    long failed = -1; /* the lowest failing replicate, so the message is deterministic */
    struct gs_error first_err = {0};
    int stop = 0; /* set on a failure: later replicates are skipped (the lowest still reports) */
    /* under MPI (docs/mpi.md) rank r runs replicates [n r / R, n (r + 1) / R), then every rank
     * gathers all of them: the summaries below are computed alike on every rank */
    const int ranks = gs_par_size(), rank = gs_par_rank();
    const long lo = n_reps * rank / ranks, hi = n_reps * (rank + 1) / ranks;
    const long step = pr ? rep_size * ranks : 0; /* progress: this rank's share of the whole */
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (long i = lo; i < hi; i++) {
        int skip;
#pragma omp atomic read
        skip = stop;
        if (skip)
            continue; /* the run fails: slot i is never read */
        struct gs_error e = {0};
        gs_status st = fn(ctx, first_rep + i, &res[i], &e);
        if (st == GS_UNSUPPORTED) { /* this replicate's data allow no analysis: not significant */
            res[i] = (struct rep_out){NAN, NAN, NAN,        {NAN, NAN}, {NAN, NAN},
                                      0,   0,   {NAN, NAN}, {NAN, NAN}, NAN};
        } else if (st != GS_OK) {
#pragma omp critical(gs_trial_fail)
            if (failed < 0 || i < failed) {
                failed = i;
                first_err = e;
            }
#pragma omp atomic write
            stop = 1;
        }
        if (pr) {
            long done;
#pragma omp atomic capture
            done = pr->done += step;
            /* on the calling thread only (callers need not lock); the end is reported once by
             * gs_trial_simulate */
            if (omp_get_thread_num() == 0 && done < pr->total)
                pr->fn(pr->ctx, done, pr->total);
        }
    }
    if (ranks > 1 && gather_reps(res, n_reps, lo, hi, &failed, &first_err, err) != GS_OK) {
        gs_free(res);
        gs_trial_reps_release(out);
        return err ? err->code : GS_NOMEM;
    }
    if (failed >= 0) {
        gs_free(res);
        gs_trial_reps_release(out);
        *err = first_err;
        char where[64];
        snprintf(where, sizeof where, "replicate %ld", first_rep + failed);
        gs_error_prefix(err, where);
        return first_err.code ? first_err.code : GS_INPUT;
    }
    /* summaries over the replicates that could be analysed; power over all of them */
    long sig = 0, m = 0, nd = 0, rsig = 0, nr = 0;
    double mean = 0.0, m2 = 0.0, ch[2] = {0.0, 0.0}, r30[2] = {0.0, 0.0}, r50[2] = {0.0, 0.0},
           rdiff = 0.0;
    for (long i = 0; i < n_reps; i++) {
        const struct rep_out *o = &res[i];
        out->effect[i] = o->effect;
        out->se[i] = o->se;
        out->p[i] = o->p;
        out->significant[i] = (unsigned char)o->significant;
        sig += o->significant;
        rsig += o->resp_significant;
        if (!isnan(o->resp30_diff)) {
            for (int a = 0; a < 2; a++) {
                r30[a] += o->resp30[a];
                r50[a] += o->resp50[a];
            }
            rdiff += o->resp30_diff;
            nr++;
        }
        if (isnan(o->effect)) {
            out->n_failed++;
            continue;
        }
        out->mean_dropout[0] += o->drop[0];
        out->mean_dropout[1] += o->drop[1];
        double d = o->effect - mean;
        mean += d / (double)++m;
        m2 += d * (o->effect - mean);
        if (!isnan(o->change[0]) && !isnan(o->change[1])) {
            ch[0] += o->change[0];
            ch[1] += o->change[1];
            nd++;
        }
    }
    gs_free(res);
    for (int a = 0; a < 2; a++) {
        out->mean_dropout[a] = m ? out->mean_dropout[a] / (double)m : NAN;
        out->mean_change[a] = nd ? ch[a] / (double)nd : NAN;
    }
    out->power = (double)sig / (double)n_reps;
    out->power_se = sqrt(out->power * (1.0 - out->power) / (double)n_reps);
    out->power_ci95_lo = fmax(0.0, out->power - 1.96 * out->power_se);
    out->power_ci95_hi = fmin(1.0, out->power + 1.96 * out->power_se);
    out->resp_power = (double)rsig / (double)n_reps;
    out->resp_power_se = sqrt(out->resp_power * (1.0 - out->resp_power) / (double)n_reps);
    out->resp_power_ci95_lo = fmax(0.0, out->resp_power - 1.96 * out->resp_power_se);
    out->resp_power_ci95_hi = fmin(1.0, out->resp_power + 1.96 * out->resp_power_se);
    for (int a = 0; a < 2; a++) {
        out->resp30_rate[a] = nr ? r30[a] / (double)nr : NAN;
        out->resp50_rate[a] = nr ? r50[a] / (double)nr : NAN;
    }
    out->resp30_diff_mean = nr ? rdiff / (double)nr : NAN;
    out->effect_mean = m ? mean : NAN;
    out->effect_sd = m > 1 ? sqrt(m2 / (double)(m - 1)) : NAN;
    for (int k = 0; k < 5; k++)
        out->effect_q[k] = NAN;
    if (m == 0)
        return GS_OK;
    double *v = gs_malloc((size_t)m * sizeof *v);
    if (v == NULL) {
        gs_trial_reps_release(out);
        return gs_error_set(err, GS_NOMEM, "--replicates", "out of memory");
    }
    for (long i = 0, j = 0; i < n_reps; i++)
        if (!isnan(out->effect[i]))
            v[j++] = out->effect[i];
    static const double probs[5] = {0.025, 0.25, 0.5, 0.75, 0.975};
    gs_status st = gs_population_quantiles(v, (size_t)m, probs, 5, out->effect_q);
    gs_free(v);
    if (st != GS_OK) {
        gs_trial_reps_release(out);
        return gs_error_set(err, st, "--replicates", "quantiles failed");
    }
    return GS_OK;
}

long gs__trial_rep_size(const gs_trial *t, long n_per_arm)
{
    return n_per_arm ? 2 * n_per_arm : t->spec.arm[0].n + t->spec.arm[1].n;
}

gs_status gs__trial_replicates(const gs_trial *t, long n_reps, long n_per_arm, int threads,
                               long first_rep, struct gs__trial_progress *pr,
                               struct gs_trial_reps *out, struct gs_error *err)
{
    struct {
        const gs_trial *t;
        long n_per_arm;
    } ctx = {t, n_per_arm};
    gs_status st = run_reps(trial_rep, &ctx, n_reps, n_per_arm, threads, first_rep, pr,
                            gs__trial_rep_size(t, n_per_arm), out, err);
    if (st == GS_OK)
        for (int a = 0; a < 2; a++)
            out->n_arm[a] = n_per_arm ? n_per_arm : t->spec.arm[a].n;
    return st;
}

gs_status gs_trial_replicates(const gs_trial *t, long n_reps, long n_per_arm, int threads,
                              long first_rep, struct gs_trial_reps *out, struct gs_error *err)
{
    return gs__trial_replicates(t, n_reps, n_per_arm, threads, first_rep, NULL, out, err);
}

/* ---- the simplest trial: a normal outcome, analysed and counted like the virtual trials ---- */
struct normal_ctx {
    double delta, sigma, alpha;
    long n;
    int sided;
    uint64_t seed;
};

static gs_status normal_rep(const void *ctx, long rep, struct rep_out *o, struct gs_error *err)
{
    const struct normal_ctx *c = ctx;
    size_t n = 2 * (size_t)c->n;
    double *y = gs_malloc(n * sizeof *y);
    int *arm = gs_malloc(n * sizeof *arm);
    gs_status st = GS_OK;
    if (!y || !arm) {
        st = gs_error_set(err, GS_NOMEM, "power", "out of memory");
        goto done;
    }
    gs_rng g;
    gs_rng_seed(&g, c->seed, (uint64_t)rep);
    for (size_t i = 0; i < n; i++) {
        arm[i] = i < (size_t)c->n;
        y[i] = (arm[i] ? c->delta : 0.0) + c->sigma * gs_rng_normal(&g);
    }
    struct gs_ancova_result r;
    if ((st = gs_ancova(y, arm, NULL, n, 0.95, &r, err)))
        goto done;
    o->effect = r.effect;
    o->se = r.se;
    /* one-sided: the tail in delta's direction */
    o->p = c->sided == 2    ? r.p
           : c->delta < 0.0 ? gsl_cdf_tdist_P(r.t, r.df)
                            : gsl_cdf_tdist_Q(r.t, r.df);
    /* the trial's rule: significant, in the direction of benefit (here: of delta) */
    o->significant = o->p < c->alpha && (c->delta < 0.0 ? r.effect < 0.0 : r.effect > 0.0);
    o->drop[0] = o->drop[1] = 0.0;
    o->change[0] = o->change[1] = NAN;
    o->resp_significant = 0;
    o->resp30[0] = o->resp30[1] = o->resp50[0] = o->resp50[1] = o->resp30_diff = NAN;
done:
    gs_free(y);
    gs_free(arm);
    return st;
}

gs_status gs_trial_power_sim_t2(const struct gs_trial_power_sim_request *req,
                                struct gs_trial_reps *out, struct gs_error *err)
{
    const double delta = req->delta, sigma = req->sigma, alpha = req->alpha;
    const long n_per_arm = req->n_per_arm;
    const int sided = req->sided;
    if (!(sigma > 0.0) || n_per_arm < 2 || !(alpha > 0.0 && alpha < 1.0) || delta == 0.0 ||
        (sided != 1 && sided != 2))
        return gs_error_set(err, GS_INPUT, "power",
                            "sigma %g, n %ld, alpha %g, delta %g or sided %d invalid", sigma,
                            n_per_arm, alpha, delta, sided);
    struct normal_ctx c = {delta, sigma, alpha, n_per_arm, sided, req->seed};
    gs_status st =
        run_reps(normal_rep, &c, req->n_reps, n_per_arm, req->threads, 0, NULL, 0, out, err);
    if (st == GS_OK)
        out->n_arm[0] = out->n_arm[1] = n_per_arm;
    return st;
}

double gs_trial_reps_extreme(const struct gs_trial_reps *r, double observed)
{
    long k = 0, m = 0;
    for (long i = 0; i < r->n; i++) {
        if (isnan(r->effect[i]))
            continue;
        m++;
        k += observed < 0.0 ? r->effect[i] <= observed : r->effect[i] >= observed;
    }
    return m ? (double)k / (double)m : NAN;
}

/* ---- analytic power: T = (Z + ncp) / sqrt(V / df), V ~ chi-square(df) ---- */
struct pw {
    double tc, ncp, df;
};
/* P(T > tc | V = v) times the chi-square density */
static double integrand(double v, void *ctx)
{
    const struct pw *w = ctx;
    double s = sqrt(v / w->df);
    return (gsl_cdf_ugaussian_Q(w->tc * s - w->ncp)) * gsl_ran_chisq_pdf(v, w->df);
}

double gs_trial_power_t2(double delta, double sigma, long n, double alpha, int sided)
{
    if (!(sigma > 0.0) || n < 2 || !(alpha > 0.0 && alpha < 1.0))
        return NAN;
    struct pw w;
    w.df = 2.0 * (double)n - 2.0;
    w.ncp = fabs(delta) / (sigma * sqrt(2.0 / (double)n));
    w.tc = gsl_cdf_tdist_Qinv(sided == 2 ? alpha / 2.0 : alpha, w.df);
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
    if (ws == NULL)
        return NAN;
    gsl_function F = {integrand, &w};
    double res = NAN, abserr;
    /* GSL's error handler is off library-wide (set once at load): the status is checked here */
    if (gsl_integration_qagiu(&F, 0.0, 1e-12, 1e-10, 1000, ws, &res, &abserr) != GSL_SUCCESS)
        res = NAN;
    gsl_integration_workspace_free(ws);
    return res;
}
