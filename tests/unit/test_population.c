/* test_population.c - random streams, omega, covariate draws, residual error, and the population
 * engine: thread-count invariance, histogram vs exact percentiles, target attainment; the
 * request/result calls gs_population() and gs_population_dataset().
 *
 * Monte Carlo checks use bounds of 5 standard errors: with the fixed seeds below they pass
 * deterministically, and a real bias of that size would fail them. */
#include <stdlib.h>

#include "../test_util.h"
#include "gabasim/population.h"

static void streams_are_reproducible_and_distinct(void **state)
{
    (void)state;
    gs_rng a, b, c;
    gs_rng_seed(&a, 42, 7);
    gs_rng_seed(&b, 42, 7);
    gs_rng_seed(&c, 42, 8);
    int same_c = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = gs_rng_u64(&a), y = gs_rng_u64(&b), z = gs_rng_u64(&c);
        assert_true(x == y);
        same_c += x == z;
    }
    assert_int_equal(same_c, 0);
    /* moments: N = 200000; SE(mean of U) = 0.289/sqrt(N) = 6.5e-4; SE(mean of Z) = 2.2e-3;
     * SE(var of Z) = sqrt(2/N) = 3.2e-3 */
    const int n = 200000;
    double su = 0, sz = 0, szz = 0;
    for (int i = 0; i < n; i++) {
        double u = gs_rng_uniform(&a), z = gs_rng_normal(&a);
        assert_true(u > 0.0 && u < 1.0);
        su += u;
        sz += z;
        szz += z * z;
    }
    assert_true(fabs(su / n - 0.5) < 5 * 6.5e-4);
    assert_true(fabs(sz / n) < 5 * 2.2e-3);
    assert_true(fabs(szz / n - 1.0) < 5 * 3.2e-3);
}

static void omega_cholesky_and_sampling(void **state)
{
    (void)state;
    struct gs_variability v;
    struct gs_error err = GS_ERROR_INIT;
    int idx[2] = {0, 1};
    double bad[4] = {0.09, 0.2, 0.2, 0.04}; /* correlation 3.3: not positive definite */
    assert_int_equal(gs_variability_set_omega(&v, 2, idx, bad, "x.json", &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "not positive definite"));
    assert_non_null(strstr(err.msg, "x.json"));
    double om[4] = {0.09, 0.03, 0.03, 0.04}; /* SD 0.3 and 0.2, correlation 0.5 */
    assert_int_equal(gs_variability_set_omega(&v, 2, idx, om, "x.json", &err), GS_OK);
    gs_rng r;
    gs_rng_seed(&r, 1, 0);
    const int n = 100000;
    double s11 = 0, s22 = 0, s12 = 0;
    for (int i = 0; i < n; i++) {
        double eta[2];
        gs_variability_draw_eta(&v, &r, eta);
        s11 += eta[0] * eta[0];
        s22 += eta[1] * eta[1];
        s12 += eta[0] * eta[1];
    }
    /* SE of a sample variance s^2 sqrt(2/N): 4.0e-4 and 1.8e-4; of the covariance about 3.0e-4 */
    assert_true(fabs(s11 / n - 0.09) < 5 * 4.0e-4);
    assert_true(fabs(s22 / n - 0.04) < 5 * 1.8e-4);
    assert_true(fabs(s12 / n - 0.03) < 5 * 3.0e-4);
}

static void residual_error_moments(void **state)
{
    (void)state;
    struct gs_variability v = {0};
    v.resid_add_mg_l = 0.2;
    v.resid_prop = 0.1;
    gs_rng r;
    gs_rng_seed(&r, 3, 0);
    const int n = 100000;
    double s = 0, ss = 0;
    for (int i = 0; i < n; i++) {
        double dv = gs_variability_observe(&v, &r, 4.0);
        s += dv;
        ss += (dv - 4.0) * (dv - 4.0);
    }
    double sd = sqrt(0.4 * 0.4 + 0.2 * 0.2); /* combined: (prop x 4)^2 + add^2 */
    assert_true(fabs(s / n - 4.0) < 5 * sd / sqrt(n));
    assert_rel(sqrt(ss / n), sd, 5 * sqrt(0.5 / n));
}

static void covariate_draws(void **state)
{
    (void)state;
    gs_covdist *c = NULL;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_covdist_load(&c, "clbp-atkinson2016", &err), GS_OK);
    const int n = 20000;
    int women = 0;
    double sa = 0, sc = 0, sac = 0, saa = 0, scc = 0;
    for (int i = 0; i < n; i++) {
        gs_rng r;
        gs_rng_seed(&r, 9, (uint64_t)i);
        struct gs_patient p;
        assert_int_equal(gs_covdist_draw(c, &r, &p, &err), GS_OK);
        assert_between(p.age_y, 21, 70); /* the trial's inclusion range */
        assert_true(p.crcl_ml_min > 0 && p.crcl_ml_min <= GS_CRCL_MAX_ML_MIN);
        assert_int_equal(p.crcl_source, GS_CRCL_COCKCROFT);
        women += p.sex == GS_SEX_FEMALE;
        sa += p.age_y;
        sc += p.crcl_ml_min;
        sac += p.age_y * p.crcl_ml_min;
        saa += p.age_y * p.age_y;
        scc += p.crcl_ml_min * p.crcl_ml_min;
    }
    /* 22 % women (Atkinson 2016); SE sqrt(0.22 x 0.78 / N) = 2.9e-3 */
    assert_true(fabs((double)women / n - 0.22) < 5 * 2.9e-3);
    /* CrCl falls with age (through Cockcroft-Gault): a clearly negative correlation */
    double cov = sac / n - (sa / n) * (sc / n);
    double r = cov / sqrt((saa / n - (sa / n) * (sa / n)) * (scc / n - (sc / n) * (sc / n)));
    assert_true(r < -0.2);
    gs_covdist_free(c);
}

struct capture {
    unsigned long long hash;
    long rows;
};

static gs_status capture_subject(void *ctx, const struct gs_pop_subject *s, struct gs_error *err)
{
    (void)err;
    struct capture *c = ctx;
    const unsigned char *b = (const unsigned char *)&s->cmax_mg_l;
    size_t len = (size_t)((const unsigned char *)(s + 1) - b);
    for (size_t i = 0; i < len; i++) /* FNV-1a over the metrics' bytes */
        c->hash = (c->hash ^ b[i]) * 1099511628211ULL;
    if (s->index != c->rows)
        return GS_INPUT; /* must arrive in subject order */
    c->rows++;
    return GS_OK;
}

static struct gs_pop_result run_pop(const char *drug_name, long n, int threads, long exact_max,
                                    struct capture *cap)
{
    gs_drug *d = load_drug(drug_name);
    struct gs_variability v;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_variability_from_drug(d, 1.0, &v, &err), GS_OK);
    struct gs_patient pt;
    gs_patient_init(&pt);
    pt.crcl_given_ml_min = 80;
    assert_int_equal(gs_patient_resolve(&pt, &err), GS_OK);
    static struct gs_event_list ev;
    ev = repeated_doses(150.0, 12.0, 10);
    static double t[121];
    for (int i = 0; i <= 120; i++)
        t[i] = i;
    double thr[2] = {1.0, 3.0};
    struct gs_pop_config c = {0};
    c.drug = d;
    c.var = &v;
    c.patient = &pt;
    c.events = &ev;
    c.t_out = t;
    c.n_out = 121;
    c.window_from_h = 108;
    c.window_to_h = 120;
    c.thresholds_mg_l = thr;
    c.n_thresholds = 2;
    c.sim = (struct gs_sim_options)GS_SIM_OPTIONS_DEFAULT;
    c.seed = 2024;
    c.n = n;
    c.threads = threads;
    c.exact_max_values = exact_max;
    c.on_subject = capture_subject;
    c.ctx = cap;
    struct gs_pop_result r = GS_POP_RESULT_INIT;
    if (gs_population_run(&c, &r, &err) != GS_OK) {
        print_error("population: %s\n", err.msg);
        fail();
    }
    gs_event_list_release(&ev);
    gs_drug_free(d);
    return r;
}

static int same_result(const struct gs_pop_result *a, const struct gs_pop_result *b)
{
    size_t bytes = a->n_out * sizeof(double);
    if (a->n_out != b->n_out || memcmp(a->mean_mg_l, b->mean_mg_l, bytes) != 0)
        return 0;
    for (int q = 0; q < GS_POP_N_PCT; q++)
        if (memcmp(a->pct_mg_l[q], b->pct_mg_l[q], bytes) != 0)
            return 0;
    return memcmp(a->pta_cmin, b->pta_cmin, sizeof a->pta_cmin) == 0 &&
           memcmp(a->pta_cavg, b->pta_cavg, sizeof a->pta_cavg) == 0;
}

/* Bit-identical results and per-subject rows for 1, 2 and 4 threads, on the closed-form and the
 * ODE paths, with exact and histogram percentiles. */
static void identical_for_any_thread_count(void **state)
{
    (void)state;
    const char *drugs[2] = {"pregabalin", "gabapentin"};
    const long sizes[2] = {1500, 300};
    for (int d = 0; d < 2; d++)
        for (int exact = 0; exact < 2; exact++) {
            struct capture c1 = {1469598103934665603ULL, 0}, c2 = c1, c4 = c1;
            long em = exact ? 0 : -1;
            struct gs_pop_result r1 = run_pop(drugs[d], sizes[d], 1, em, &c1);
            struct gs_pop_result r2 = run_pop(drugs[d], sizes[d], 2, em, &c2);
            struct gs_pop_result r4 = run_pop(drugs[d], sizes[d], 4, em, &c4);
            assert_int_equal(r1.exact_percentiles, exact);
            assert_true(same_result(&r1, &r2) && same_result(&r1, &r4));
            assert_true(c1.rows == sizes[d] && c1.hash == c2.hash && c1.hash == c4.hash);
            gs_population_run_release(&r1);
            gs_population_run_release(&r2);
            gs_population_run_release(&r4);
        }
}

/* Histogram percentiles (256 bins per octave, bins 0.27 % wide) agree with exact ones within
 * half a bin after interpolation: 0.3 % relative. */
static void histogram_percentiles_match_exact(void **state)
{
    (void)state;
    struct capture c = {0, 0}, d = {0, 0};
    struct gs_pop_result ex = run_pop("pregabalin", 4000, 2, 0, &c);
    struct gs_pop_result hi = run_pop("pregabalin", 4000, 2, -1, &d);
    assert_true(ex.exact_percentiles && !hi.exact_percentiles);
    for (size_t j = 1; j < ex.n_out; j++)
        for (int q = 0; q < GS_POP_N_PCT; q++)
            assert_rel(hi.pct_mg_l[q][j], ex.pct_mg_l[q][j], 3e-3);
    /* the mean does not depend on the percentile method */
    assert_memory_equal(ex.mean_mg_l, hi.mean_mg_l, ex.n_out * sizeof(double));
    /* target attainment is monotone in the threshold and between 0 and 1 */
    assert_true(ex.pta_cmin[0] >= ex.pta_cmin[1] && ex.pta_cavg[0] >= ex.pta_cavg[1]);
    assert_true(ex.pta_cavg[0] <= 1.0 && ex.pta_cmin[1] >= 0.0);
    gs_population_run_release(&ex);
    gs_population_run_release(&hi);
}

/* A covariate table whose CRCL halves at 48 h: that subject's exposure after 48 h is higher than
 * in a table without the change, and before 48 h it is the same. */
static void covariate_table_changes_over_time(void **state)
{
    (void)state;
    const char *tables[2] = {"ID,TIME,CRCL\n1,0,80\n", "ID,TIME,CRCL\n1,0,80\n1,48,40\n"};
    double before[2], after[2];
    for (int k = 0; k < 2; k++) {
        gs_dataset *tab = NULL;
        assert_int_equal(gs_dataset_parse(&tab, tables[k], strlen(tables[k]), "c.csv", NULL),
                         GS_OK);
        gs_drug *d = load_drug("pregabalin");
        struct gs_patient pt;
        gs_patient_init(&pt);
        assert_int_equal(gs_patient_resolve(&pt, NULL), GS_OK);
        struct gs_event_list ev = repeated_doses(150.0, 12.0, 10);
        double t[121];
        for (int i = 0; i <= 120; i++)
            t[i] = i;
        struct gs_pop_config c = {0};
        c.drug = d;
        c.covtable = tab;
        c.patient = &pt;
        c.events = &ev;
        c.t_out = t;
        c.n_out = 121;
        c.window_from_h = 108;
        c.window_to_h = 120;
        c.sim = (struct gs_sim_options)GS_SIM_OPTIONS_DEFAULT;
        c.seed = 1;
        c.n = 1;
        struct gs_pop_result r = GS_POP_RESULT_INIT;
        struct gs_error err = GS_ERROR_INIT;
        assert_int_equal(gs_population_run(&c, &r, &err), GS_OK);
        before[k] = r.mean_mg_l[40];
        after[k] = r.mean_mg_l[110];
        gs_population_run_release(&r);
        gs_event_list_release(&ev);
        gs_drug_free(d);
        gs_dataset_free(tab);
    }
    assert_true(before[0] == before[1]);
    /* halving CL nearly doubles exposure by 60 h into the change */
    assert_true(after[1] > 1.5 * after[0]);
}

static void bad_configuration(void **state)
{
    (void)state;
    struct gs_pop_config c = {0};
    struct gs_pop_result r = GS_POP_RESULT_INIT;
    struct gs_error err = GS_ERROR_INIT;
    double t[2] = {0, 1};
    c.t_out = t;
    c.n_out = 2;
    c.window_from_h = 0;
    c.window_to_h = 1;
    c.n = 0;
    assert_int_equal(gs_population_run(&c, &r, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "'--n' is 0"));
    c.n = 10;
    c.window_to_h = 5;
    assert_int_equal(gs_population_run(&c, &r, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "window"));
}

/* ---- gs_population(): the whole command as one request ---- */

/* A request for pregabalin 150 mg every 12 h for 5 days, hourly output, CrCl 80 (all static:
 * the request points at them). */
static struct gs_population_request pop_request(gs_drug *d, long n, int threads)
{
    static struct gs_patient pt;
    static struct gs_regimen reg;
    static double t[121], thr[2] = {2.0, 4.0}, extra[2] = {2.5, 97.5};
    gs_patient_init(&pt);
    pt.crcl_given_ml_min = 80;
    assert_int_equal(gs_patient_resolve(&pt, NULL), GS_OK);
    gs_regimen_init(&reg);
    reg.n_steps = 1;
    reg.steps[0] = (struct gs_regimen_step){0.0, 150.0, 12.0};
    reg.end_h = 120.0;
    for (int i = 0; i <= 120; i++)
        t[i] = i;
    struct gs_population_request q;
    gs_population_request_init(&q);
    q.drug = d;
    q.patient = &pt;
    q.regimen = &reg;
    q.t_out = t;
    q.n_out = 121;
    q.thresholds_mg_l = thr;
    q.n_thresholds = 2;
    q.extra_pct = extra;
    q.n_extra_pct = 2;
    q.seed = 11;
    q.n = n;
    q.threads = threads;
    return q;
}

/* Records what the sink sees: begin before the subjects, every subject once and in order, end
 * after them; keeps each Cmax to check the result's spread independently. */
struct watch {
    int begun, ended;
    long seen;
    int in_order;
    double *cmax;
};

static gs_status watch_begin(void *ctx, const struct gs_pop_config *cfg, struct gs_error *err)
{
    (void)err;
    struct watch *w = ctx;
    w->begun++;
    w->cmax = calloc((size_t)cfg->n, sizeof *w->cmax);
    return w->cmax && w->seen == 0 ? GS_OK : GS_NOMEM;
}

static gs_status watch_subject(void *ctx, const struct gs_pop_subject *s, struct gs_error *err)
{
    (void)err;
    struct watch *w = ctx;
    w->in_order &= s->index == w->seen && w->begun == 1 && !w->ended;
    w->cmax[w->seen++] = s->cmax_mg_l;
    return GS_OK;
}

static gs_status watch_end(void *ctx, struct gs_error *err)
{
    (void)err;
    ((struct watch *)ctx)->ended++;
    return GS_OK;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void population_request_result(void **state)
{
    (void)state;
    gs_drug *d = load_drug("pregabalin");
    struct gs_population_request q = pop_request(d, 801, 2);
    struct watch w = {0, 0, 0, 1, NULL};
    struct gs_population_sink sink = {watch_begin, NULL, watch_subject, watch_end, &w};
    q.sink = &sink;
    struct gs_population_result *r = NULL;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_population(&q, &r, &err), GS_OK);
    assert_non_null(r);
    assert_int_equal(r->n, 801);
    assert_int_equal(r->pop.n, 801);
    assert_string_equal(r->drug, "pregabalin");
    assert_null(r->covariates);
    assert_true(w.begun == 1 && w.ended == 1 && w.seen == 801 && w.in_order);
    /* the default window is the last dosing interval */
    assert_true(r->window_from_h == 108.0 && r->window_to_h == 120.0);
    assert_int_equal(r->n_thresholds, 2);
    assert_int_equal(r->pop.n_extra_pct, 2);
    /* percentiles ordered at every time: 2.5 <= 5 <= 10 <= ... <= 95 <= 97.5 */
    for (size_t j = 0; j < r->pop.n_out; j++) {
        assert_true(r->pop.extra_pct_mg_l[0][j] <= r->pop.pct_mg_l[0][j]);
        for (int k = 1; k < GS_POP_N_PCT; k++)
            assert_true(r->pop.pct_mg_l[k - 1][j] <= r->pop.pct_mg_l[k][j]);
        assert_true(r->pop.pct_mg_l[GS_POP_N_PCT - 1][j] <= r->pop.extra_pct_mg_l[1][j]);
    }
    assert_true(r->cmin_mg_l.p5 <= r->cmin_mg_l.p50 && r->cmin_mg_l.p50 <= r->cmin_mg_l.p95);
    assert_true(r->cmin_mg_l.p50 <= r->cavg_mg_l.p50 && r->cavg_mg_l.p50 <= r->cmax_mg_l.p50);
    /* the spread of Cmax equals a type-7 quantile of the subjects the sink saw: 801 values, so
     * the 5th, 50th and 95th are order statistics 40, 400 and 760 exactly */
    qsort(w.cmax, 801, sizeof *w.cmax, by_value);
    assert_true(r->cmax_mg_l.p5 == w.cmax[40] && r->cmax_mg_l.p50 == w.cmax[400] &&
                r->cmax_mg_l.p95 == w.cmax[760]);
    /* attainment falls as the threshold rises */
    assert_true(r->pop.pta_cavg[0] >= r->pop.pta_cavg[1] && r->pop.pta_cavg[0] > 0.0);
    free(w.cmax);
    gs_population_result_free(r);
    gs_drug_free(d);
}

static void population_result_independent_of_threads(void **state)
{
    (void)state;
    gs_drug *d = load_drug("gabapentin");
    struct gs_population_result *r[2] = {NULL, NULL};
    for (int k = 0; k < 2; k++) {
        struct gs_population_request q = pop_request(d, 300, k ? 3 : 1);
        struct gs_error err = GS_ERROR_INIT;
        assert_int_equal(gs_population(&q, &r[k], &err), GS_OK);
    }
    assert_true(same_result(&r[0]->pop, &r[1]->pop));
    assert_memory_equal(&r[0]->cmax_mg_l, &r[1]->cmax_mg_l, sizeof r[0]->cmax_mg_l);
    assert_memory_equal(&r[0]->cmin_mg_l, &r[1]->cmin_mg_l, sizeof r[0]->cmin_mg_l);
    assert_memory_equal(&r[0]->cavg_mg_l, &r[1]->cavg_mg_l, sizeof r[0]->cavg_mg_l);
    for (int k = 0; k < 2; k++)
        gs_population_result_free(r[k]);
    gs_drug_free(d);
}

/* A covariate table without n: one subject per table subject, named in the result. */
static void population_from_covariate_table(void **state)
{
    (void)state;
    const char *text = "ID,TIME,CRCL\n1,0,80\n2,0,30\n3,0,120\n";
    gs_dataset *tab = NULL;
    assert_int_equal(gs_dataset_parse(&tab, text, strlen(text), "cov.csv", NULL), GS_OK);
    gs_drug *d = load_drug("pregabalin");
    struct gs_population_request q = pop_request(d, 0, 1);
    q.covtable = tab;
    struct gs_population_result *r = NULL;
    assert_int_equal(gs_population(&q, &r, NULL), GS_OK);
    assert_int_equal(r->n, 3);
    assert_string_equal(r->covariates, "cov.csv");
    /* CrCl 30 accumulates most: the highest Cmin is well above the lowest */
    assert_true(r->cmin_mg_l.p95 > 2.0 * r->cmin_mg_l.p5);
    gs_population_result_free(r);
    gs_drug_free(d);
    gs_dataset_free(tab);
}

/* Drawn covariates need no patient; without either the request names 'patient'. */
static void population_drawn_covariates(void **state)
{
    (void)state;
    gs_drug *d = load_drug("pregabalin");
    struct gs_population_request q = pop_request(d, 50, 1);
    q.patient = NULL;
    struct gs_population_result *r = NULL;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_population(&q, &r, &err), GS_INPUT);
    assert_string_equal(err.field, "patient");
    q.covariates = "clbp-atkinson2016";
    assert_int_equal(gs_population(&q, &r, &err), GS_OK);
    assert_string_equal(r->covariates, "clbp-atkinson2016");
    assert_int_equal(r->n, 50);
    gs_population_result_free(r);
    gs_drug_free(d);
}

static void population_bad_requests(void **state)
{
    (void)state;
    gs_drug *d = load_drug("pregabalin");
    struct {
        const char *field, *words;
    } want[6] = {{"drug", "no drug"},          {"--n", "missing '--n'"},
                 {"--threshold", "above 0"},   {"--variability", "allowed 0 to 10"},
                 {"--percentiles", "between"}, {"--covariates", "not several"}};
    for (int k = 0; k < 6; k++) {
        struct gs_population_request q = pop_request(d, 10, 1);
        double bad_thr = -1.0, bad_pct = 100.0;
        gs_covdist *cov = NULL;
        if (k == 0)
            q.drug = NULL;
        if (k == 1)
            q.n = 0;
        if (k == 2) {
            q.thresholds_mg_l = &bad_thr;
            q.n_thresholds = 1;
        }
        if (k == 3)
            q.variability_scale = 11.0;
        if (k == 4) {
            q.extra_pct = &bad_pct;
            q.n_extra_pct = 1;
        }
        if (k == 5) {
            assert_int_equal(gs_covdist_load(&cov, "clbp-atkinson2016", NULL), GS_OK);
            q.covdist = cov;
            q.covariates = "clbp-atkinson2016";
        }
        struct gs_population_result *r = (void *)&q; /* must come back NULL */
        struct gs_error err = GS_ERROR_INIT;
        assert_int_equal(gs_population(&q, &r, &err), GS_INPUT);
        assert_null(r);
        assert_string_equal(err.field, want[k].field);
        assert_non_null(strstr(err.msg, want[k].words));
        gs_covdist_free(cov);
    }
    gs_drug_free(d);
}

static void parse_percentile_lists(void **state)
{
    (void)state;
    double v[GS_POP_MAX_EXTRA_PCT];
    size_t n = 0;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_population_parse_percentiles("2.5,,97.5", v, &n, &err), GS_OK);
    assert_true(n == 2 && v[0] == 2.5 && v[1] == 97.5);
    assert_int_equal(gs_population_parse_percentiles("5,x", v, &n, &err), GS_INPUT);
    assert_string_equal(err.field, "--percentiles");
    assert_int_equal(gs_population_parse_percentiles("1,2,3,4,5,6,7,8,9", v, &n, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "more than 8"));
    assert_int_equal(gs_population_parse_percentiles("0x10", v, &n, &err), GS_INPUT);
    double s = 0;
    assert_int_equal(gs_population_parse_variability("0.5", &s, &err), GS_OK);
    assert_true(s == 0.5);
    assert_int_equal(gs_population_parse_variability("inf", &s, &err), GS_INPUT);
    assert_int_equal(gs_population_parse_variability("-1", &s, &err), GS_INPUT);
    assert_string_equal(err.field, "--variability");
}

/* Dataset predictions: one value per row, NaN on dose rows, PRED the same for every subject with
 * the same covariates, SIMIPRED differing by random effects, IPRED = PRED without DV. */
static void dataset_request_result(void **state)
{
    (void)state;
    const char *text = "ID,TIME,AMT,EVID,CMT,II,ADDL,SS,CRCL\n1,0,150,1,1,12,3,0,80\n"
                       "1,5,.,0,2,.,.,.,.\n2,0,150,1,1,12,3,0,80\n2,5,.,0,2,.,.,.,.\n";
    gs_dataset *ds = NULL;
    assert_int_equal(gs_dataset_parse(&ds, text, strlen(text), "d.csv", NULL), GS_OK);
    gs_drug *d = load_drug("pregabalin");
    struct gs_patient pt;
    gs_patient_init(&pt);
    assert_int_equal(gs_patient_resolve(&pt, NULL), GS_OK);
    struct gs_population_dataset_request q = {
        d, ds, &pt, 1.0, (struct gs_sim_options)GS_SIM_OPTIONS_DEFAULT, 5, 2};
    struct gs_population_dataset_result *r = NULL;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_population_dataset(&q, &r, &err), GS_OK);
    assert_int_equal(r->n_rows, 4);
    assert_true(isnan(r->pred_mg_l[0]) && isnan(r->pred_mg_l[2]));
    assert_true(r->pred_mg_l[1] > 0.0 && r->pred_mg_l[1] == r->pred_mg_l[3]);
    assert_true(r->simipred_mg_l[1] != r->simipred_mg_l[3]); /* simulated: random effects */
    /* no DV: the MAP individual is the typical one, IPRED = PRED, and no IWRES */
    assert_true(r->ipred_mg_l[1] == r->pred_mg_l[1] && r->ipred_mg_l[3] == r->pred_mg_l[3]);
    assert_true(isnan(r->iwres[1]) && isnan(r->iwres[3]));
    gs_population_dataset_result_free(r);
    q.ds = NULL;
    r = NULL;
    assert_int_equal(gs_population_dataset(&q, &r, &err), GS_INPUT);
    assert_string_equal(err.field, "--data");
    assert_null(r);
    gs_drug_free(d);
    gs_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(streams_are_reproducible_and_distinct),
        cmocka_unit_test(omega_cholesky_and_sampling),
        cmocka_unit_test(residual_error_moments),
        cmocka_unit_test(covariate_draws),
        cmocka_unit_test(identical_for_any_thread_count),
        cmocka_unit_test(histogram_percentiles_match_exact),
        cmocka_unit_test(covariate_table_changes_over_time),
        cmocka_unit_test(bad_configuration),
        cmocka_unit_test(population_request_result),
        cmocka_unit_test(population_result_independent_of_threads),
        cmocka_unit_test(population_from_covariate_table),
        cmocka_unit_test(population_drawn_covariates),
        cmocka_unit_test(population_bad_requests),
        cmocka_unit_test(parse_percentile_lists),
        cmocka_unit_test(dataset_request_result),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
