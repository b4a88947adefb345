/* population.c - many subjects, one regimen: parallel blocks, ordered reduction, streaming
 * percentiles. See gabasim/population.h for the contract. */
#include "gabasim/population.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "gabasim/alloc.h"
#include "gabasim/par.h"
#include "gabasim/threads.h"
#include "sim_int.h"

const double gs_pop_percentiles[GS_POP_N_PCT] = {5, 10, 25, 50, 75, 90, 95};

/* Subjects simulated between reductions: many for the ODE batches (more subjects to sort into
 * batches of similar speed), fewer for cheap closed-form subjects (the block's profiles then stay
 * in cache for the reduction). Measured on the benchmark (bench/RESULTS.md). */
#define BLOCK_ODE   1024
#define BLOCK_CHEAP 256
/* A process without MPI holds a span of several blocks between its threads' barriers (one
 * parallel region per population, a few barriers per span): at most this many subjects, and
 * this many bytes of their profiles and formatted text (bench/busy.sh). */
#define SPAN_SUBJECTS 8192
#define SPAN_BYTES    (4.0 * 1048576.0)

/* ---- histogram of log2 concentration: 256 bins per octave over 2^-40 .. 2^24 mg/L ---- */
#define H_SUB     256
#define H_MIN_EXP (-40)
#define H_MAX_EXP 24
#define H_BINS    ((H_MAX_EXP - H_MIN_EXP) * H_SUB)

/* Bin of a positive value from its IEEE-754 exponent and top 8 mantissa bits: integer operations
 * only, no log() call. Values outside 2^-40 .. 2^24 mg/L go to the first or last bin. */
static int hist_bin(double c)
{
    uint64_t u;
    memcpy(&u, &c, sizeof u);
    int e = (int)((u >> 52) & 0x7FF) - 1023; /* c = 1.m x 2^e */
    int b = (e - H_MIN_EXP) * H_SUB + (int)((u >> 44) & 0xFF);
    return b < 0 ? 0 : b >= H_BINS ? H_BINS - 1 : b;
}

static double bin_lower(int b)
{
    int e = b / H_SUB + H_MIN_EXP;
    return ldexp(1.0 + (double)(b % H_SUB) / H_SUB, e);
}

struct stats {
    size_t n_out;
    long n;
    int exact;
    double *sum;     /* per time */
    double *values;  /* exact: n_out x n (column j holds time j) */
    uint32_t *hist;  /* histogram: n_out x H_BINS */
    uint32_t *zeros; /* histogram: values <= 0 per time */
    long filled;
};

/* Sorts v[0..n) ascending by LSD radix sort on order-preserving 64-bit keys (8 passes of 8
 * bits; stable, O(n), no comparisons): the exact percentiles sort every time column. */
static gs_status radix_sort(double *v, size_t n)
{
    uint64_t *a = gs_malloc(n * sizeof *a), *b = gs_malloc(n * sizeof *b);
    if (!a || !b) {
        gs_free(a);
        gs_free(b);
        return GS_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t u;
        memcpy(&u, &v[i], sizeof u);
        a[i] = (u >> 63) ? ~u : u | 0x8000000000000000ULL; /* negatives reversed, below positives */
    }
    for (int shift = 0; shift < 64; shift += 8) {
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++)
            count[((a[i] >> shift) & 0xFF) + 1]++;
        if (count[1 + ((a[0] >> shift) & 0xFF)] == n)
            continue; /* every key has the same byte here */
        for (int k = 0; k < 256; k++)
            count[k + 1] += count[k];
        for (size_t i = 0; i < n; i++)
            b[count[(a[i] >> shift) & 0xFF]++] = a[i];
        uint64_t *t = a;
        a = b;
        b = t;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t u = (a[i] >> 63) ? a[i] & 0x7FFFFFFFFFFFFFFFULL : ~a[i];
        memcpy(&v[i], &u, sizeof u);
    }
    gs_free(a);
    gs_free(b);
    return GS_OK;
}

static double quantile_sorted(const double *v, long n, double q);

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* Order-preserving 64-bit key of a double (the radix sort's): negatives reversed, below
 * positives; -0 before +0, NaN after +inf, so selection gives the very values sorting gives. */
static uint64_t key_of(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return (u >> 63) ? ~u : u | 0x8000000000000000ULL;
}

static double value_of(uint64_t k)
{
    uint64_t u = (k >> 63) ? k & 0x7FFFFFFFFFFFFFFFULL : ~k;
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

static int cmp_key(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Places the order statistics ranks[0..nr) (ascending) of a[lo..hi) at their sorted positions:
 * quickselect on all of them at once (median-of-three pivot, three-way partition), O(n log k);
 * a range that recurses too deep is sorted instead (O(n log n) worst case). */
static void multiselect(uint64_t *a, size_t lo, size_t hi, const size_t *ranks, size_t nr,
                        int depth)
{
    while (nr > 0 && hi - lo > 1) {
        if (hi - lo <= 16 || depth > 60) {
            qsort(a + lo, hi - lo, sizeof *a, cmp_key);
            return;
        }
        uint64_t x = a[lo], y = a[lo + (hi - lo) / 2], z = a[hi - 1];
        uint64_t piv = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        size_t lt = lo, i = lo, gt = hi; /* [lo,lt) < piv, [lt,i) == piv, [gt,hi) > piv */
        while (i < gt) {
            uint64_t v = a[i];
            if (v < piv) {
                a[i++] = a[lt];
                a[lt++] = v;
            } else if (v > piv) {
                a[i] = a[--gt];
                a[gt] = v;
            } else {
                i++;
            }
        }
        size_t nl = 0, nh = 0;
        while (nl < nr && ranks[nl] < lt)
            nl++;
        while (nh < nr - nl && ranks[nr - 1 - nh] >= gt)
            nh++;
        depth++;
        if (nl > 0)
            multiselect(a, lo, lt, ranks, nl, depth);
        ranks += nr - nh; /* the ranks inside [lt, gt) are already in place */
        nr = nh;
        lo = gt;
    }
}

/* Type-7 quantiles probs[0..k) of v[0..n) (n >= 1) by selecting the order statistics they use
 * (at most 2 k of them) instead of sorting; the same values as sorting, bit for bit. v is
 * reordered. k <= GS_POP_N_PCT + GS_POP_MAX_EXTRA_PCT. */
static gs_status select_quantiles(double *v, size_t n, const double *probs, size_t k, double *out)
{
    enum { KMAX = 2 * (GS_POP_N_PCT + GS_POP_MAX_EXTRA_PCT) };
    if (k > KMAX / 2)
        return GS_INPUT;
    uint64_t *a = (uint64_t *)v; /* the keys replace the values in place (same size) */
    for (size_t i = 0; i < n; i++)
        a[i] = key_of(v[i]);
    size_t ranks[KMAX], nr = 0;
    for (size_t q = 0; q < k; q++) {
        double h = (double)(n - 1) * probs[q];
        size_t lo = (size_t)floor(h);
        ranks[nr++] = lo < n - 1 ? lo : n - 1;
        if (lo + 1 < n)
            ranks[nr++] = lo + 1;
    }
    qsort(ranks, nr, sizeof *ranks, cmp_size);
    size_t u = 0;
    for (size_t i = 0; i < nr; i++)
        if (u == 0 || ranks[i] != ranks[u - 1])
            ranks[u++] = ranks[i];
    multiselect(a, 0, n, ranks, u, 0);
    for (size_t q = 0; q < k; q++) {
        double h = (double)(n - 1) * probs[q];
        size_t lo = (size_t)floor(h);
        if (lo >= n - 1) {
            out[q] = value_of(a[n - 1]);
            continue;
        }
        double x = value_of(a[lo]), y = value_of(a[lo + 1]);
        out[q] = x + (h - (double)lo) * (y - x);
    }
    for (size_t i = 0; i < n; i++) /* back to values (order unspecified) */
        v[i] = value_of(a[i]);
    return GS_OK;
}

gs_status gs_population_quantiles(double *v, size_t n, const double *probs, size_t k, double *out)
{
    if (n == 0)
        return GS_INPUT;
    if (k <= GS_POP_N_PCT + GS_POP_MAX_EXTRA_PCT)
        return select_quantiles(v, n, probs, k, out);
    gs_status st = radix_sort(v, n);
    if (st != GS_OK)
        return st;
    for (size_t i = 0; i < k; i++)
        out[i] = quantile_sorted(v, (long)n, probs[i]);
    return GS_OK;
}

/* Type-7 quantile (R's default) of sorted v[0..n). */
static double quantile_sorted(const double *v, long n, double q)
{
    double h = (double)(n - 1) * q;
    long lo = (long)floor(h);
    if (lo >= n - 1)
        return v[n - 1];
    return v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
}

/* Same quantile from the histogram: the order statistic's bin, interpolated linearly within it. */
static double quantile_hist(const uint32_t *h, uint32_t zeros, long n, double q)
{
    double target = (double)(n - 1) * q; /* 0-based rank */
    if (target < (double)zeros)
        return 0.0;
    double below = (double)zeros;
    for (int b = 0; b < H_BINS; b++) {
        if (h[b] == 0)
            continue;
        if (target < below + h[b]) {
            double frac = (target - below + 0.5) / (double)h[b];
            double lo = bin_lower(b), hi = bin_lower(b + 1);
            return lo + frac * (hi - lo);
        }
        below += h[b];
    }
    return bin_lower(H_BINS);
}

static gs_status check(const struct gs_pop_config *c, struct gs_error *err)
{
    if (c->n < 1 || c->n > GS_POP_MAX_N)
        return gs_error_set(err, GS_INPUT, "--n", "'--n' is %ld; allowed 1 to %ld", c->n,
                            GS_POP_MAX_N);
    if (c->n_out < 1 || c->t_out == NULL)
        return gs_error_set(err, GS_INPUT, "--out-every", "no output times");
    /* the batched integrators step from one output time to the next: they must ascend */
    for (size_t j = 0; j < c->n_out; j++)
        if (!(isfinite(c->t_out[j]) && c->t_out[j] >= 0.0 &&
              (j == 0 || c->t_out[j] > c->t_out[j - 1])))
            return gs_error_set(err, GS_INPUT, "t_out",
                                "output time %zu is %g h; allowed finite, from 0, each after the "
                                "one before",
                                j, c->t_out[j]);
    if (c->n_thresholds > GS_POP_MAX_THRESHOLDS)
        return gs_error_set(err, GS_INPUT, "--threshold", "at most %d thresholds",
                            GS_POP_MAX_THRESHOLDS);
    for (size_t k = 0; k < c->n_thresholds; k++)
        if (!(c->thresholds_mg_l[k] > 0.0 && isfinite(c->thresholds_mg_l[k])))
            return gs_error_set(err, GS_INPUT, "--threshold",
                                "'--threshold' is %g mg/L; allowed above 0", c->thresholds_mg_l[k]);
    if (!(c->window_from_h >= c->t_out[0] && c->window_to_h <= c->t_out[c->n_out - 1] &&
          c->window_from_h < c->window_to_h))
        return gs_error_set(err, GS_INPUT, "--window",
                            "the metrics window %g-%g h must lie inside the output times %g-%g h "
                            "and be longer than 0",
                            c->window_from_h, c->window_to_h, c->t_out[0], c->t_out[c->n_out - 1]);
    if (c->n_extra_pct > GS_POP_MAX_EXTRA_PCT)
        return gs_error_set(err, GS_INPUT, "--percentiles", "at most %d extra percentiles",
                            GS_POP_MAX_EXTRA_PCT);
    for (size_t k = 0; k < c->n_extra_pct; k++)
        if (!(c->extra_pct[k] > 0.0 && c->extra_pct[k] < 100.0))
            return gs_error_set(err, GS_INPUT, "--percentiles",
                                "'--percentiles' has %g; allowed strictly between 0 and 100",
                                c->extra_pct[k]);
    if (c->threads < 0 || c->threads > 256)
        return gs_error_set(err, GS_INPUT, "--threads",
                            "'--threads' is %d; allowed 0 (all cores) to 256", c->threads);
    if (c->events == NULL)
        return gs_error_set(err, GS_INPUT, "events", "the request has no dose records");
    return GS_OK;
}

/* The simulation grid: the output times plus the window edges (if not already there). */
struct grid {
    double *t;
    size_t n;
    size_t *out_index; /* grid index of output j */
    size_t i_from, i_to;
};

static gs_status make_grid(const struct gs_pop_config *c, struct grid *g)
{
    g->t = gs_malloc((c->n_out + 2) * sizeof *g->t);
    g->out_index = gs_malloc(c->n_out * sizeof *g->out_index);
    if (!g->t || !g->out_index)
        return GS_NOMEM;
    double extra[2] = {c->window_from_h, c->window_to_h};
    size_t n = 0, j = 0, e = 0;
    while (j < c->n_out || e < 2) {
        double tj = j < c->n_out ? c->t_out[j] : INFINITY, te = e < 2 ? extra[e] : INFINITY;
        if (te < tj) {
            g->t[n++] = te;
            e++;
        } else {
            if (te == tj)
                e++;
            g->out_index[j++] = n;
            g->t[n++] = tj;
        }
    }
    g->n = n;
    for (size_t i = 0; i < n; i++) {
        if (g->t[i] == c->window_from_h)
            g->i_from = i;
        if (g->t[i] == c->window_to_h)
            g->i_to = i;
    }
    return GS_OK;
}

struct subject_work {
    struct gs_pop_subject s;
    double rate;  /* fastest rate of the subject's model (batch ordering) */
    double *conc; /* grid.n */
    char *text;   /* GS_POP_TEXT_MAX, when the caller formats */
    gs_status st;
    struct gs_error err;
    /* time-varying covariates (covariate table): the models and when each takes over */
    struct gs_model *models;
    double *change_h;
    size_t n_models;
};

/* Draws subject i's covariates and random effects from its own stream. */
static void prepare_subject(const struct gs_pop_config *c, long i, struct subject_work *w)
{
    gs_rng r;
    gs_rng_seed(&r, c->seed, (uint64_t)i);
    struct gs_pop_subject *s = &w->s;
    memset(s, 0, sizeof *s);
    s->index = i;
    w->st = GS_OK;
    w->n_models = 0;
    if (c->covdist) {
        if ((w->st = gs_covdist_draw(c->covdist, &r, &s->patient, &w->err)))
            return;
    } else if (!c->covtable) {
        s->patient = *c->patient;
    }
    double eta[GS_MAX_PARAMS] = {0};
    int random = c->var && c->var->n;
    if (random)
        gs_variability_draw_eta(c->var, &r, eta);
    if (c->covtable) {
        /* the table subject's rows: one model per change of parameters, from its TIME on */
        double id;
        size_t first, n;
        int col[GS__N_COVARIATE_COLUMNS];
        gs__covariate_columns(c->covtable, col);
        gs_dataset_subject(c->covtable, (size_t)i % gs_dataset_n_subjects(c->covtable), &id, &first,
                           &n);
        for (size_t row = first; row < first + n; row++) {
            struct gs_patient p;
            struct gs_model m;
            struct gs_event e;
            gs_dataset_row_event(c->covtable, row, &e);
            if ((w->st =
                     gs__patient_at(c->covtable, col, first, n, row, c->patient, &p, &w->err)) ||
                (w->st = gs_drug_individual_model(c->drug, &p, &m, NULL, 0, &w->err))) {
                gs__row_error(c->covtable, row, &w->err);
                return;
            }
            if (random)
                gs_variability_apply_eta(c->var, eta, &m);
            if (c->param_scale)
                for (size_t k = 0; k < m.structure->n_params; k++)
                    m.p[k] *= c->param_scale[k];
            if (w->n_models == 0) {
                s->patient = p;
                s->model = m;
            }
            if (w->n_models == 0 || memcmp(m.p, w->models[w->n_models - 1].p, sizeof m.p)) {
                w->models[w->n_models] = m;
                w->change_h[w->n_models++] = e.time_h;
            }
        }
        return;
    }
    if ((w->st = gs_drug_individual_model(c->drug, &s->patient, &s->model, NULL, 0, &w->err)))
        return;
    if (random)
        gs_variability_apply_eta(c->var, eta, &s->model);
    if (c->param_scale)
        for (size_t k = 0; k < s->model.structure->n_params; k++)
            s->model.p[k] *= c->param_scale[k];
}

/* Metrics from the subject's concentrations on the grid (w->conc) and its AUC state at the
 * window edges. */
static void finish_subject(const struct gs_pop_config *c, const struct grid *g,
                           struct subject_work *w, double auc_from, double auc_to)
{
    struct gs_pop_subject *s = &w->s;
    s->cmax_mg_l = -INFINITY;
    s->cmin_mg_l = INFINITY;
    for (size_t k = 0; k < g->n; k++) {
        double conc = w->conc[k];
        if (conc > s->cmax_mg_l) {
            s->cmax_mg_l = conc;
            s->tmax_h = g->t[k];
        }
        if (k >= g->i_from && k <= g->i_to && conc < s->cmin_mg_l)
            s->cmin_mg_l = conc;
    }
    /* The window's AUC cannot be negative; a difference of two AUC states that undershoots by
     * less than their error bound (10 x (atol + rtol x the larger), the solvers' rule for
     * amounts) is zero to the accuracy asked for, e.g. a window long after the last dose. */
    s->auc_mg_h_l = auc_to - auc_from;
    double noise = 10.0 * (c->sim.atol_mg + c->sim.rtol * fmax(fabs(auc_from), fabs(auc_to)));
    if (s->auc_mg_h_l < 0.0 && s->auc_mg_h_l >= -noise)
        s->auc_mg_h_l = 0.0;
    else if (s->auc_mg_h_l < 0.0) {
        w->st = gs_error_set(&w->err, GS_SOLVER, "solver",
                             "subject %ld: the AUC over the metrics window is %g mg*h/L, below "
                             "zero beyond the solver's error bound %g; tighten --rtol or --atol",
                             s->index + 1, s->auc_mg_h_l, noise);
        return;
    }
    s->cavg_mg_l = s->auc_mg_h_l / (g->t[g->i_to] - g->t[g->i_from]);
    for (size_t th = 0; th < c->n_thresholds; th++) {
        double thr = c->thresholds_mg_l[th], above = 0.0;
        for (size_t k = g->i_from; k < g->i_to; k++) {
            double a = w->conc[k] - thr, b = w->conc[k + 1] - thr, dt = g->t[k + 1] - g->t[k];
            if (a >= 0 && b >= 0)
                above += dt;
            else if (a > 0 || b > 0) /* crosses: linear interpolation of the crossing */
                above += dt * (a > 0 ? a : b) / fabs(a - b);
        }
        s->time_above_h[th] = above;
    }
}

/* One subject through the general engine (closed form or CVODE). */
static void simulate_one(const struct gs_pop_config *c, const struct grid *g, long i,
                         struct subject_work *w)
{
    prepare_subject(c, i, w);
    if (w->st != GS_OK)
        return;
    struct gs_profile p = GS_PROFILE_INIT;
    if (w->n_models > 0)
        w->st = gs_simulate_tv(&(struct gs_simulate_tv_request){w->models, w->change_h, w->n_models,
                                                                c->events, g->t, g->n, &c->sim},
                               &p, &w->err);
    else
        w->st = gs_simulate(&w->s.model, c->events, g->t, g->n, &c->sim, &p, &w->err);
    if (w->st != GS_OK)
        return;
    memcpy(w->conc, p.conc_mg_l, g->n * sizeof *w->conc);
    finish_subject(c, g, w, p.y[g->i_from * GS_N_STATES + GS_Y_AUC],
                   p.y[g->i_to * GS_N_STATES + GS_Y_AUC]);
    gs_simulate_profile_release(&p);
}

/* GS_LANES subjects through the batched Dormand-Prince integrator; `out` is scratch of
 * g->n * (GS_N_CORE + n_extra) * GS_LANES doubles. Falls back to one at a time if the lanes' lags
 * differ. */
static void simulate_lanes(const struct gs_pop_config *c, const struct grid *g,
                           struct subject_work *const *lane, int n, double *out)
{
    struct gs_model models[GS_LANES] = {{0}};
    int ok = n > 0;
    for (int l = 0; l < n; l++) {
        models[l] = lane[l]->s.model;
        ok &= lane[l]->st == GS_OK;
    }
    if (!ok)
        return;
    const struct gs_structure *s = models[0].structure;
    for (int l = 1; l < n; l++)
        if (s->lag(models[l].p, GS_CMT_DEPOT) != s->lag(models[0].p, GS_CMT_DEPOT) ||
            s->lag(models[l].p, GS_CMT_CENTRAL) != s->lag(models[0].p, GS_CMT_CENTRAL)) {
            for (int k = 0; k < n; k++)
                simulate_one(c, g, lane[k]->s.index, lane[k]);
            return;
        }
    struct gs_error err = GS_ERROR_INIT;
    struct gs_simulate_batch_request rq = {models, n, c->events, g->t, g->n, &c->sim};
    gs_status st = gs_simulate_batch(&rq, out, NULL, &err);
    for (int l = 0; l < n; l++) {
        if (st != GS_OK) {
            lane[l]->st = st;
            lane[l]->err = err;
            continue;
        }
        double v = s->volume(models[l].p);
        const size_t nr = GS_N_CORE + s->n_extra; /* rows of a time in `out` */
        for (size_t k = 0; k < g->n; k++)
            lane[l]->conc[k] = out[(k * nr + GS_Y_CENTRAL) * GS_LANES + (size_t)l] / v;
        finish_subject(c, g, lane[l], out[(g->i_from * nr + GS_Y_AUC) * GS_LANES + (size_t)l],
                       out[(g->i_to * nr + GS_Y_AUC) * GS_LANES + (size_t)l]);
    }
}

/* The subject's fastest rate, 1/h: the larger of the depot's emptying rate at a small amount (the
 * linear limit, fastest for saturable uptake) and elimination - the stiffest mode sets the steps;
 * their sum sorted worse (bench/allvar.sh: 3-4 % more shared steps). Only orders subjects into
 * batches. */
static double fastest_rate(const struct gs_model *m)
{
    double y[GS_MAX_STATES] = {0}, dy[GS_MAX_STATES];
    y[GS_Y_DEPOT] = 1e-6;
    if (m->structure->rhs(0.0, y, dy, m->p) != 0)
        return 0.0;
    return fmax(-dy[GS_Y_DEPOT] / y[GS_Y_DEPOT],
                m->structure->clearance(m->p) / m->structure->volume(m->p));
}

/* Ascending rate, ties by subject index: a total order, so the batches are reproducible. */
static int by_rate(const void *a, const void *b)
{
    const struct subject_work *x = *(struct subject_work *const *)a;
    const struct subject_work *y = *(struct subject_work *const *)b;
    if (x->rate != y->rate)
        return x->rate < y->rate ? -1 : 1;
    return (x->s.index > y->s.index) - (x->s.index < y->s.index);
}

/* The batched paths apply to bolus doses only: the closed form for linear structures (solver
 * auto or exact), Dormand-Prince for ODE structures with a lane RHS (solver auto). */
static int batchable(const struct gs_pop_config *c)
{
    const struct gs_structure *s = gs_drug_structure(c->drug);
    if (c->covtable) /* time-varying parameters: one subject at a time */
        return 0;
    if (s->exact ? c->sim.solver == GS_SOLVER_CVODE
                 : (s->rhs_lanes == NULL || c->sim.solver != GS_SOLVER_AUTO))
        return 0;
    for (size_t i = 0; i < c->events->n; i++) {
        const struct gs_event *e = &c->events->ev[i];
        if (e->evid == GS_EVID_HD && !s->exact) /* dialysis sessions: Dormand-Prince takes them */
            continue;
        if (e->evid != GS_EVID_DOSE || e->ss || e->rate_mg_h != 0.0 || e->addl > 0)
            return 0;
    }
    return 1;
}

/* Thread numbering for the per-thread lane scratch (one thread without OpenMP). */
static int thread_num(void)
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

/* Counts n more subjects simulated into *done (shared by the team; NULL: not counted) and, on
 * the team's first thread, reports the count as progress while it is below the total (the
 * total is reported once the last span is reduced): a span can take seconds, and progress
 * waits for no barrier. */
static void count_done(const struct gs_pop_config *c, long *done, long n)
{
    if (done == NULL || c->on_progress == NULL)
        return;
    long d;
#ifdef _OPENMP
#pragma omp atomic capture
#endif
    d = *done += n;
    if (thread_num() == 0 && d < c->n)
        c->on_progress(c->ctx, d, c->n);
}

/* Simulates subjects start .. start + m - 1 into work[0..m) (their statuses in work[b].st).
 * Called by every thread of a team: its loops are orphaned worksharing (with no enclosing
 * parallel region, or without OpenMP, one thread runs them all). start is a multiple of blk:
 * batches of GS_LANES subjects of similar speed are formed inside each fixed block of blk
 * subjects, so which subjects share a batch never depends on threads, ranks or the range. */
static void simulate_range(const struct gs_pop_config *c, const struct grid *g, long start, long m,
                           long blk, struct subject_work *work, struct subject_work **order,
                           double *lanes_scratch, size_t lanes_size, long *done)
{
    if (!lanes_scratch) {
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 4)
#endif
        for (long b = 0; b < m; b++) {
            simulate_one(c, g, start + b, &work[b]);
            count_done(c, done, 1);
        }
        return;
    }
    /* Subjects of a batch share its step sizes, so the fastest one sets the pace: each block is
     * sorted by the subjects' fastest rate before forming batches. */
#ifdef _OPENMP
#pragma omp for schedule(static, 16)
#endif
    for (long b = 0; b < m; b++) {
        prepare_subject(c, start + b, &work[b]);
        work[b].rate = work[b].st == GS_OK ? fastest_rate(&work[b].s.model) : 0.0;
    }
    long n_blk = (m + blk - 1) / blk, per = (blk + GS_LANES - 1) / GS_LANES;
#ifdef _OPENMP
#pragma omp for schedule(static, 1)
#endif
    for (long k = 0; k < n_blk; k++) {
        long b0 = k * blk, mb = m - b0 < blk ? m - b0 : blk;
        for (long b = b0; b < b0 + mb; b++)
            order[b] = &work[b];
        qsort(order + b0, (size_t)mb, sizeof *order, by_rate);
    }
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
    for (long q = 0; q < n_blk * per; q++) {
        long b0 = q / per * blk, end = m < b0 + blk ? m : b0 + blk;
        long b = b0 + q % per * GS_LANES;
        if (b >= end) /* the last block's missing batches */
            continue;
        int nl = (int)(end - b < GS_LANES ? end - b : GS_LANES);
        simulate_lanes(c, g, order + b, nl, lanes_scratch + (size_t)thread_num() * lanes_size);
        count_done(c, done, nl);
    }
}

/* What the reduction keeps across blocks (rank 0 only). */
struct reduction {
    struct stats S;
    long pta_cmin[GS_POP_MAX_THRESHOLDS], pta_cavg[GS_POP_MAX_THRESHOLDS];
};

/* Folds the simulated subjects start .. start + m - 1 (work[0..m); only the concentrations at
 * the output times are read) into the statistics, in subject order, and hands them to the
 * caller's callbacks: the same operations in the same order whatever the threads and ranks.
 * Called by every thread of a team, like simulate_range; the failure check, the callbacks and
 * *st are the team's first thread's (the caller's thread: a binding's callbacks may only run
 * there), and every thread returns with the same *st. */
static void reduce_range(const struct gs_pop_config *c, const struct grid *g, struct reduction *R,
                         struct subject_work *work, long start, long m, gs_status *st,
                         struct gs_error *err)
{
    struct stats *S = &R->S;
    size_t n_out = c->n_out;
    if (c->format_subject) {
#ifdef _OPENMP
#pragma omp for schedule(static, 16)
#endif
        for (long b = 0; b < m; b++)
            if (work[b].st == GS_OK) {
                size_t len = c->format_subject(c->ctx, &work[b].s, work[b].text, GS_POP_TEXT_MAX);
                work[b].s.text = work[b].text;
                work[b].s.text_len = len < GS_POP_TEXT_MAX ? len : GS_POP_TEXT_MAX - 1;
            }
    }
#ifdef _OPENMP
#pragma omp master
#endif
    /* ordered: the first failure in subject order wins */
    for (long b = 0; b < m; b++)
        if (work[b].st != GS_OK) {
            if (err)
                *err = work[b].err;
            gs_error_prefix(err, "population");
            *st = work[b].st;
            break;
        }
#ifdef _OPENMP
#pragma omp barrier
#endif
    if (*st != GS_OK)
        return;
    /* Statistics: time columns are taken in tiles of 16 (16 histograms of 64 KiB stay in
     * cache), each tile by one thread, which adds the subjects in subject order: every
     * column's sum is the same whatever the thread count. */
    size_t n_tiles = (n_out + 15) / 16;
#ifdef _OPENMP
#pragma omp for schedule(static, 1)
#endif
    for (size_t tile = 0; tile < n_tiles; tile++) {
        size_t j0 = tile * 16, j1 = j0 + 16 < n_out ? j0 + 16 : n_out;
        for (long b = 0; b < m; b++) {
            const double *row = work[b].conc;
            for (size_t j = j0; j < j1; j++) {
                double v = row[g->out_index[j]];
                S->sum[j] += v;
                if (S->exact)
                    S->values[j * (size_t)c->n + (size_t)(start + b)] = v;
                else if (v > 0.0)
                    S->hist[j * (size_t)H_BINS + (size_t)hist_bin(v)]++;
                else
                    S->zeros[j]++;
            }
        }
    }
#ifdef _OPENMP
#pragma omp master
#endif
    {
        for (long b = 0; b < m && *st == GS_OK; b++) {
            for (size_t th = 0; th < c->n_thresholds; th++) {
                R->pta_cmin[th] += work[b].s.cmin_mg_l >= c->thresholds_mg_l[th];
                R->pta_cavg[th] += work[b].s.cavg_mg_l >= c->thresholds_mg_l[th];
            }
            if (c->on_subject)
                *st = c->on_subject(c->ctx, &work[b].s, err);
        }
        if (*st == GS_OK && c->on_progress)
            c->on_progress(c->ctx, start + m, c->n);
    }
#ifdef _OPENMP
#pragma omp barrier
#endif
}

/* ---- across ranks (docs/mpi.md): block k of subjects is simulated by rank k mod R, in rounds
 * of R blocks; rank 0 gathers each round's blocks and reduces them in block order. A block
 * travels as a header and, per subject, its struct gs_pop_subject and its concentrations at the
 * output times: what the reduction and the callbacks read, nothing else. ---- */
struct packet_head {
    long start, m;
    gs_status st; /* the block's first failure in subject order (its error below), else GS_OK */
    struct gs_error err;
};

static size_t packet_record(size_t n_out)
{
    return sizeof(struct gs_pop_subject) + n_out * sizeof(double);
}

/* The block in work[0..m) into buf (room for a header and m records); returns its length. A
 * failed block sends its header only. */
static size_t pack_block(const struct gs_pop_config *c, const struct grid *g,
                         const struct subject_work *work, long start, long m, unsigned char *buf)
{
    struct packet_head h;
    memset(&h, 0, sizeof h);
    h.start = start;
    h.m = m;
    h.st = GS_OK;
    for (long b = 0; b < m && h.st == GS_OK; b++)
        if (work[b].st != GS_OK) {
            h.st = work[b].st;
            h.err = work[b].err;
        }
    memcpy(buf, &h, sizeof h);
    if (h.st != GS_OK)
        return sizeof h;
    unsigned char *p = buf + sizeof h;
    for (long b = 0; b < m; b++) {
        struct gs_pop_subject s = work[b].s;
        s.text = NULL; /* formatted on rank 0 */
        s.text_len = 0;
        memcpy(p, &s, sizeof s);
        p += sizeof s;
        for (size_t j = 0; j < c->n_out; j++, p += sizeof(double))
            memcpy(p, &work[b].conc[g->out_index[j]], sizeof(double));
    }
    return (size_t)(p - buf);
}

/* A packet back into work[0..m) (the concentrations at the output times only); its pointers,
 * which are the sender's, are made this process's. */
static void unpack_block(const struct gs_pop_config *c, const struct grid *g,
                         const unsigned char *buf, struct subject_work *work, long *start, long *m)
{
    struct packet_head h;
    memcpy(&h, buf, sizeof h);
    *start = h.start;
    *m = h.m;
    if (h.st != GS_OK) { /* the reduction stops at the block's first failure */
        work[0].st = h.st;
        work[0].err = h.err;
        *m = 1;
        return;
    }
    const unsigned char *p = buf + sizeof h;
    const struct gs_structure *structure = gs_drug_structure(c->drug);
    for (long b = 0; b < h.m; b++) {
        memcpy(&work[b].s, p, sizeof work[b].s);
        p += sizeof work[b].s;
        work[b].s.model.structure = structure;
        work[b].st = GS_OK;
        for (size_t j = 0; j < c->n_out; j++, p += sizeof(double))
            memcpy(&work[b].conc[g->out_index[j]], p, sizeof(double));
    }
}

gs_status gs_population_run(const struct gs_pop_config *c, struct gs_pop_result *out,
                            struct gs_error *err)
{
    gs_status st = check(c, err);
    if (st != GS_OK)
        return st;
    int threads = 1;
#ifdef _OPENMP
    if ((st = gs_threads_start(c->threads, &threads, err)) != GS_OK)
        return st;
#endif
    memset(out, 0, sizeof *out);
    /* ranks: rank 0 reduces and calls the callbacks, the others only simulate */
    const int ranks = gs_par_size(), rank = gs_par_rank(), root = rank == 0;
    struct grid g = {0};
    struct reduction red;
    memset(&red, 0, sizeof red);
    struct stats *S = &red.S;
    struct subject_work *work = NULL;
    double *conc_block = NULL, *lanes_scratch = NULL;
    char *text_block = NULL;
    struct subject_work **order = NULL;
    unsigned char *packet = NULL, *gathered = NULL;
    size_t gathered_cap = 0, *counts = NULL;
    long n_work = 0, block = 1, span = 1;
    size_t n_out = c->n_out, lanes_size = 0;

    if (root && c->on_start && (st = c->on_start(c->ctx, c, err)) != GS_OK) {
        if (ranks == 1)
            return st;
        goto agree;
    }
    if ((st = make_grid(c, &g)) != GS_OK)
        goto alloc_failed;
    S->n_out = n_out;
    S->n = c->n;
    double exact_max =
        c->exact_max_values == 0 ? (double)GS_POP_EXACT_MAX : (double)c->exact_max_values;
    S->exact = (double)c->n * (double)n_out <= exact_max;
    if (root) {
        S->sum = gs_calloc(n_out, sizeof *S->sum);
        if (S->exact)
            S->values = gs_malloc((size_t)c->n * n_out * sizeof *S->values);
        else {
            S->hist = gs_calloc(n_out * (size_t)H_BINS, sizeof *S->hist);
            S->zeros = gs_calloc(n_out, sizeof *S->zeros);
        }
        if (!S->sum || (S->exact && !S->values) || (!S->exact && (!S->hist || !S->zeros)))
            goto alloc_failed;
    }
    const struct gs_structure *structure = gs_drug_structure(c->drug);
    long block_size = batchable(c) && !structure->exact ? BLOCK_ODE : BLOCK_CHEAP;
    block = c->n < block_size ? c->n : block_size;
    /* One process takes several blocks between barriers (a span: up to SPAN_SUBJECTS subjects
     * and SPAN_BYTES of profiles and text); under MPI a rank takes one block per round. */
    size_t per_subject =
        g.n * sizeof(double) + sizeof *work + (c->format_subject && root ? GS_POP_TEXT_MAX : 0);
    long span_blocks = ranks > 1 ? 1 : SPAN_SUBJECTS / block;
    while (span_blocks > 1 &&
           (double)span_blocks * (double)block * (double)per_subject > SPAN_BYTES)
        span_blocks--;
    span = span_blocks < 1 ? block : span_blocks * block;
    if (span > c->n)
        span = c->n;
    work = gs_calloc((size_t)span, sizeof *work);
    n_work = work ? span : 0;
    conc_block = gs_malloc((size_t)span * g.n * sizeof *conc_block);
    if (!work || !conc_block)
        goto alloc_failed;
    for (long b = 0; b < span; b++)
        work[b].conc = conc_block + (size_t)b * g.n;
    if (c->format_subject && root) {
        text_block = gs_malloc((size_t)span * GS_POP_TEXT_MAX);
        if (text_block == NULL)
            goto alloc_failed;
        for (long b = 0; b < span; b++)
            work[b].text = text_block + (size_t)b * GS_POP_TEXT_MAX;
    }
    if (c->covtable) {
        size_t rows = 1;
        for (size_t k = 0; k < gs_dataset_n_subjects(c->covtable); k++) {
            double id;
            size_t first, n;
            gs_dataset_subject(c->covtable, k, &id, &first, &n);
            rows = n > rows ? n : rows;
        }
        for (long b = 0; b < span; b++) {
            work[b].models = gs_malloc(rows * sizeof *work[b].models);
            work[b].change_h = gs_malloc(rows * sizeof *work[b].change_h);
            if (!work[b].models || !work[b].change_h)
                goto alloc_failed;
        }
    }
    out->peak_bytes = (double)n_out * sizeof(double) +
                      (S->exact ? (double)c->n * n_out * sizeof(double)
                                : (double)n_out * H_BINS * sizeof(uint32_t)) +
                      (double)span * (double)per_subject;

    lanes_size = g.n * (GS_N_CORE + gs_drug_structure(c->drug)->n_extra) * GS_LANES;
    if (batchable(c)) {
        lanes_scratch = gs_malloc((size_t)threads * lanes_size * sizeof *lanes_scratch);
        order = gs_malloc((size_t)span * sizeof *order);
        if (lanes_scratch == NULL || order == NULL)
            goto alloc_failed;
    }
    if (ranks > 1) {
        packet = gs_malloc(sizeof(struct packet_head) + (size_t)block * packet_record(n_out));
        counts = gs_malloc((size_t)ranks * sizeof *counts);
        if (!packet || !counts)
            goto alloc_failed;
    }
    goto agree;
alloc_failed:
    st = gs_error_set(err, GS_NOMEM, "population", "out of memory for %ld subjects x %zu times",
                      c->n, c->n_out);
agree:
    /* every rank starts the rounds, or none does */
    if (ranks > 1 && gs_par_max(st != GS_OK) && st == GS_OK)
        st = gs_error_set(err, GS_NOMEM, "population", "another rank could not start");
    if (st != GS_OK)
        goto done;

    long n_blocks = (c->n + block - 1) / block;
    if (ranks == 1) {
        long n_done = 0;
        /* One parallel region for the population: its threads meet at a few barriers per span
         * of blocks, and the calling thread reduces each span in subject order. */
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
#endif
        for (long start = 0; start < c->n; start += span) {
            long m = c->n - start < span ? c->n - start : span;
            simulate_range(c, &g, start, m, block, work, order, lanes_scratch, lanes_size, &n_done);
            reduce_range(c, &g, &red, work, start, m, &st, err);
            if (st != GS_OK) /* every thread reads the same st, after reduce_range's barrier */
                break;
        }
    } else {
        /* After a failure rank 0 keeps gathering (and drops) the later rounds, so no rank waits
         * for it; the failure is the first in subject order, as with one process. */
        for (long round = 0; round * ranks < n_blocks; round++) {
            long k = round * ranks + rank;
            size_t bytes = 0;
            if (k < n_blocks) {
                long start = k * block, m = c->n - start < block ? c->n - start : block;
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
#endif
                simulate_range(c, &g, start, m, block, work, order, lanes_scratch, lanes_size,
                               NULL);
                bytes = pack_block(c, &g, work, start, m, packet);
            }
            gs_status gst = gs_par_gather(packet, bytes, &gathered, &gathered_cap, counts, err);
            if (!root || st != GS_OK)
                continue;
            if ((st = gst) != GS_OK)
                continue;
            const unsigned char *p = gathered;
            for (int r = 0; r < ranks && st == GS_OK; p += counts[r], r++) {
                if (counts[r] == 0)
                    continue;
                long start, m;
                unpack_block(c, &g, p, work, &start, &m);
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
#endif
                reduce_range(c, &g, &red, work, start, m, &st, err);
            }
        }
        /* rank 0's outcome, and its message, on every rank */
        struct gs_error e = GS_ERROR_INIT;
        if (root && err)
            e = *err;
        int code = (int)st;
        gs_par_bcast(&code, sizeof code);
        gs_par_bcast(&e, sizeof e);
        st = (gs_status)code;
        if (!root && err)
            *err = e;
    }
    if (st != GS_OK)
        goto done;

    out->n = c->n;
    out->n_out = n_out;
    out->exact_percentiles = S->exact;
    out->n_extra_pct = c->n_extra_pct;
    if (!root) /* the statistics are rank 0's */
        goto done;
    out->t_h = gs_malloc(n_out * sizeof *out->t_h);
    out->mean_mg_l = gs_malloc(n_out * sizeof *out->mean_mg_l);
    for (int q = 0; q < GS_POP_N_PCT; q++)
        out->pct_mg_l[q] = gs_malloc(n_out * sizeof *out->pct_mg_l[q]);
    for (size_t q = 0; q < c->n_extra_pct; q++)
        out->extra_pct_mg_l[q] = gs_malloc(n_out * sizeof *out->extra_pct_mg_l[q]);
    if (!out->t_h || !out->mean_mg_l)
        goto nomem;
    for (int q = 0; q < GS_POP_N_PCT; q++)
        if (!out->pct_mg_l[q])
            goto nomem;
    for (size_t q = 0; q < c->n_extra_pct; q++)
        if (!out->extra_pct_mg_l[q])
            goto nomem;
    int sort_failed = 0;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads) reduction(| : sort_failed)
#endif
    for (size_t j = 0; j < n_out; j++) {
        out->t_h[j] = c->t_out[j];
        out->mean_mg_l[j] = S->sum[j] / (double)c->n;
        size_t nq = GS_POP_N_PCT + c->n_extra_pct;
        double p[GS_POP_N_PCT + GS_POP_MAX_EXTRA_PCT], val[GS_POP_N_PCT + GS_POP_MAX_EXTRA_PCT];
        for (size_t q = 0; q < nq; q++)
            p[q] =
                (q < GS_POP_N_PCT ? gs_pop_percentiles[q] : c->extra_pct[q - GS_POP_N_PCT]) / 100.0;
        /* exact: select the order statistics the percentiles use (O(N)), no full sort */
        if (S->exact && select_quantiles(S->values + j * (size_t)c->n, (size_t)c->n, p, nq, val))
            sort_failed = 1;
        for (size_t q = 0; q < nq; q++) {
            double *dst =
                q < GS_POP_N_PCT ? out->pct_mg_l[q] : out->extra_pct_mg_l[q - GS_POP_N_PCT];
            dst[j] = S->exact
                         ? val[q]
                         : quantile_hist(S->hist + j * (size_t)H_BINS, S->zeros[j], c->n, p[q]);
        }
    }
    if (sort_failed)
        goto nomem;
    for (size_t th = 0; th < c->n_thresholds; th++) {
        out->pta_cmin[th] = (double)red.pta_cmin[th] / (double)c->n;
        out->pta_cavg[th] = (double)red.pta_cavg[th] / (double)c->n;
    }
    goto done;
nomem:
    st = gs_error_set(err, GS_NOMEM, "population", "out of memory for %ld subjects x %zu times",
                      c->n, c->n_out);
done:
    if (st != GS_OK)
        gs_population_run_release(out);
    gs_free(g.t);
    gs_free(g.out_index);
    gs_free(S->sum);
    gs_free(S->values);
    gs_free(S->hist);
    gs_free(S->zeros);
    for (long b = 0; work && b < n_work; b++) {
        gs_free(work[b].models);
        gs_free(work[b].change_h);
    }
    gs_free(work);
    gs_free(conc_block);
    gs_free(lanes_scratch);
    gs_free(text_block);
    gs_free(order);
    gs_free(packet);
    gs_free(gathered);
    gs_free(counts);
    return st;
}

void gs_population_run_release(struct gs_pop_result *r)
{
    gs_free(r->t_h);
    gs_free(r->mean_mg_l);
    for (int q = 0; q < GS_POP_N_PCT; q++)
        gs_free(r->pct_mg_l[q]);
    for (size_t q = 0; q < GS_POP_MAX_EXTRA_PCT; q++)
        gs_free(r->extra_pct_mg_l[q]);
    memset(r, 0, sizeof *r);
}
