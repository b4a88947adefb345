/* test_tdm_jac.c - exact derivatives for the TDM optimiser (docs/tdm.md, "Derivatives"):
 * - each structure's Jacobian (gs_structure.jac: by hand for the built-ins, forward-mode
 *   differentiation of the bytecode for a model file) against central differences of its
 *   right-hand side: 1e-7 relative (the differences' truncation error is ~h^2 = 1e-12 of the
 *   second derivatives, their rounding ~1e-16 / 1e-6 = 1e-10);
 * - the levels' sensitivities to eta (src/tdm/sens.c) against central differences of the
 *   engine's predictions at rtol 1e-12, for pregabalin (closed form), gabapentin (ODE) and
 *   gabapentin's model file, by regimen and as a dataset subject with time-varying models,
 *   an infusion and a reset: 1e-5 of the column's largest value (step 1e-4: truncation ~1e-8,
 *   solver noise ~1e-12 / 1e-4 = 1e-8, the sensitivity solve's own error ~rtol);
 * - the MAP and Laplace SDs with exact derivatives equal those by finite differences (the
 *   previous path, GABASIM_TDM_DERIVATIVES=fd): eta within 1e-6, SDs within 1e-3 relative (the
 *   second differences of the OFV carry ~1e-4 of solver noise), with fewer than half the
 *   predictions (fails if the exact path is off);
 *   Steady-state starts (SS 1, and SS 2 added to what is there) are among the cases;
 * - fallback: an eta on tlag or F (it moves doses), or a steady-state infusion, leave those
 *   columns (or all) to finite differences, and the MAP still equals the finite-difference one.
 */
#include <stdlib.h>

/* the TDM module's internals: the sensitivity solve and the posterior are tested directly */
#include "../../src/tdm/tdm_int.h"
#include "../test_util.h"
#include "gabasim/model_file.h"
#include "gabasim/tdm.h"

/* ---- Jacobians ---- */
static void check_jac(const struct gs_structure *s, const double *p0, const double *y0)
{
    enum { N = GS_N_BODY };
    size_t np = s->n_params;
    double jy[N * N], jp[N * GS_MAX_PARAMS];
    assert_non_null(s->jac);
    assert_int_equal(s->jac(0.0, y0, p0, jy, jp), 0);
    for (int k = 0; k < N + (int)np; k++) {
        double y[GS_N_STATES], p[GS_MAX_PARAMS], up[GS_N_STATES], dn[GS_N_STATES];
        memcpy(y, y0, sizeof y);
        memcpy(p, p0, np * sizeof *p);
        double *x = k < N ? &y[k] : &p[k - N];
        double x0 = *x, h = 1e-6 * fmax(fabs(x0), 1e-3);
        *x = x0 + h;
        assert_int_equal(s->rhs(0.0, y, up, p), 0);
        *x = x0 - h;
        assert_int_equal(s->rhs(0.0, y, dn, p), 0);
        for (int i = 0; i < N; i++) {
            double fd = (up[i] - dn[i]) / (2.0 * h);
            double ex = k < N ? jy[i * N + k] : jp[i * np + (size_t)(k - N)];
            if (!(fabs(ex - fd) <= 1e-7 * fmax(fabs(fd), 1e-6))) {
                print_error("%s: d(dy%d/dt)/d(%s) = %.12g, differences %.12g\n", s->name, i,
                            k < N ? (k ? "central" : "depot") : s->params[k - N].name, ex, fd);
                fail();
            }
        }
    }
}

static void jacobians_match_differences(void **state)
{
    (void)state;
    const char *drugs[] = {"pregabalin", "gabapentin"};
    double y[GS_N_STATES] = {180.0, 42.0, 0.0, 0.0, 0.0};
    for (int i = 0; i < 2; i++) {
        gs_drug *d = load_drug(drugs[i]);
        struct gs_model m = model_at_crcl(d, 50.0);
        check_jac(m.structure, m.p, y);
        /* a model file standing in for the built-in: the bytecode's forward mode */
        gs_drug *dm = NULL;
        gs_model_file *mf = NULL;
        struct gs_error err = GS_ERROR_INIT;
        assert_int_equal(gs_drug_load_with_model(&dm, &mf, drugs[i], drugs[i], &err), GS_OK);
        struct gs_model mm = model_at_crcl(dm, 50.0);
        check_jac(mm.structure, mm.p, y);
        gs_drug_free(dm);
        gs_model_file_free(mf);
        gs_drug_free(d);
    }
    /* the saturable uptake's branch below zero (a solver undershoot) */
    gs_drug *d = load_drug("gabapentin");
    struct gs_model m = model_at_crcl(d, 50.0);
    double yneg[GS_N_STATES] = {-1e-3, 5.0, 0.0, 0.0, 0.0};
    check_jac(m.structure, m.p, yneg);
    gs_drug_free(d);
}

/* ---- sensitivities of the levels ---- */
static void check_columns(const struct tdm_post *p, const double *eta, const double *f,
                          const double *g,
                          gs_status (*predict)(const struct tdm_post *, const double *, double *))
{
    size_t n = p->var.n, nt = p->n_t;
    double f0[TDM_MAX_OBS], fp[TDM_MAX_OBS], fm[TDM_MAX_OBS];
    assert_int_equal(predict(p, eta, f0), GS_OK);
    for (size_t k = 0; k < nt; k++)
        assert_rel(f[k], f0[k], 1e-8);
    for (size_t i = 0; i < n; i++) {
        if (!p->sens_col[i])
            continue;
        double e[GS_MAX_PARAMS], h = 1e-4, big = 0.0;
        memcpy(e, eta, n * sizeof *e);
        e[i] = eta[i] + h;
        assert_int_equal(predict(p, e, fp), GS_OK);
        e[i] = eta[i] - h;
        assert_int_equal(predict(p, e, fm), GS_OK);
        for (size_t k = 0; k < nt; k++)
            big = fmax(big, fabs(g[k * n + i]));
        assert_true(big > 0.0);
        for (size_t k = 0; k < nt; k++) {
            double fd = (fp[k] - fm[k]) / (2.0 * h);
            if (!(fabs(g[k * n + i] - fd) <= 1e-5 * big)) {
                print_error("level %zu, eta %zu: sensitivity %.12g, differences %.12g\n", k, i,
                            g[k * n + i], fd);
                fail();
            }
        }
    }
}

static gs_status predict_regimen(const struct tdm_post *p, const double *eta, double *f)
{
    return gs__tdm_predict(p, eta, &p->ev, p->t, p->n_t, f, NULL);
}

static void sens_regimen(const gs_drug *d, double dose, double ii, long n_doses, double crcl,
                         int steady)
{
    struct gs_patient pt = patient_at_crcl(crcl);
    struct gs_regimen r;
    gs_regimen_init(&r);
    r.n_steps = 1;
    r.steps[0] = (struct gs_regimen_step){0.0, dose, ii};
    r.n_doses = n_doses;
    r.n_missed = 1;
    r.missed_h[0] = ii; /* the second dose was not taken */
    r.start_steady = steady;
    struct gs_tdm_level lv[4] = {
        {1.0, 2.0}, {ii * n_doses - 2.0, 5.0}, {ii * n_doses, 4.0}, {ii * n_doses + 30.0, 1.0}};
    struct gs_tdm_request q = {.drug = d,
                               .patient = &pt,
                               .regimen = &r,
                               .levels = lv,
                               .n_levels = 4,
                               .interval = 0.9,
                               .until_h = NAN,
                               .step_h = NAN,
                               .rtol = 1e-12};
    struct tdm_post p;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs__tdm_post_init(&p, &q, &err), GS_OK);
    assert_true(p.n_sens == p.var.n && p.n_sens >= 2);
    double eta[GS_MAX_PARAMS] = {0.3, -0.2, 0.25, 0.1}, f[TDM_MAX_OBS],
           g[TDM_MAX_OBS * GS_MAX_PARAMS];
    assert_int_equal(gs__tdm_sens(&p, eta, f, g, &err), GS_OK);
    check_columns(&p, eta, f, g, predict_regimen);
    gs__tdm_post_release(&p);
}

static void sensitivities_match_differences(void **state)
{
    (void)state;
    gs_drug *pr = load_drug("pregabalin"), *ga = load_drug("gabapentin");
    for (int steady = 0; steady <= 1; steady++) { /* from the first dose; from steady state */
        sens_regimen(pr, 150.0, 12.0, 6, 45.0, steady);
        sens_regimen(ga, 600.0, 8.0, 7, 35.0, steady);
    }
    gs_drug *dm = NULL;
    gs_model_file *mf = NULL;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_drug_load_with_model(&dm, &mf, "gabapentin", "gabapentin", &err), GS_OK);
    sens_regimen(dm, 600.0, 8.0, 7, 35.0, 1);
    gs_drug_free(dm);
    gs_model_file_free(mf);
    gs_drug_free(pr);
    gs_drug_free(ga);
}

/* a dataset subject: its models switch (EVID_MODEL), a central infusion, a reset-and-dose */
static gs_status predict_tv(const struct tdm_post *p, const double *eta, double *conc)
{
    struct gs_model m[4];
    for (size_t k = 0; k < p->n_tv; k++) {
        m[k] = p->tv[k];
        gs_variability_apply_eta(&p->var, eta, &m[k]);
    }
    struct gs_simulate_tv_request q = {m, NULL, p->n_tv, &p->ev, NULL, p->n_t, &p->sim};
    struct gs_profile prof = GS_PROFILE_INIT;
    gs_status st = gs_simulate_tv(&q, &prof, NULL);
    for (size_t k = 0; st == GS_OK && k < p->n_t; k++)
        conc[k] = prof.conc_mg_l[k];
    gs_simulate_profile_release(&prof);
    return st;
}

static void push_ss(struct gs_event_list *l, double t, enum gs_evid evid, double amt, int cmt,
                    double rate, int ss, double ii)
{
    struct gs_event e = gs_event_dose(t, amt, cmt);
    e.evid = evid;
    e.rate_mg_h = rate;
    e.ss = ss;
    e.ii_h = ii;
    assert_int_equal(gs_event_list_push(l, &e), GS_OK);
}

static void push(struct gs_event_list *l, double t, enum gs_evid evid, double amt, int cmt,
                 double rate)
{
    push_ss(l, t, evid, amt, cmt, rate, 0, 0.0);
}

/* The subject's events; obs: the observation records' times (returned count). */
static size_t subject_events(struct gs_event_list *ev, double *obs)
{
    size_t n = 0;
    push_ss(ev, 0.0, GS_EVID_DOSE, 300.0, 1, 0.0, 1, 12.0); /* from steady state (SS 1) */
    push(ev, 4.0, GS_EVID_OBS, 0.0, 2, 0.0);
    obs[n++] = 4.0;
    push(ev, 8.0, GS_EVID_MODEL, 0.0, 1, 0.0); /* kidney function falls */
    push(ev, 8.0, GS_EVID_DOSE, 300.0, 1, 0.0);
    push(ev, 10.0, GS_EVID_OBS, 0.0, 2, 0.0);
    obs[n++] = 10.0;
    push(ev, 16.0, GS_EVID_DOSE, 200.0, 2, 100.0); /* 2 h central infusion */
    push(ev, 17.0, GS_EVID_OBS, 0.0, 2, 0.0);
    obs[n++] = 17.0;
    push(ev, 20.0, GS_EVID_OBS, 0.0, 2, 0.0);
    obs[n++] = 20.0;
    push(ev, 24.0, GS_EVID_OBS, 0.0, 2, 0.0); /* before the reset at the same time */
    obs[n++] = 24.0;
    push(ev, 24.0, GS_EVID_RESET_DOSE, 300.0, 1, 0.0);
    push(ev, 24.0, GS_EVID_OBS, 0.0, 2, 0.0);
    obs[n++] = 24.0;
    push(ev, 30.0, GS_EVID_OBS, 0.0, 2, 0.0);
    obs[n++] = 30.0;
    push_ss(ev, 32.0, GS_EVID_DOSE, 150.0, 1, 0.0, 2, 6.0); /* a steady state added (SS 2) */
    push(ev, 35.0, GS_EVID_OBS, 0.0, 2, 0.0);
    obs[n++] = 35.0;
    return n;
}

static void sens_dataset(const gs_drug *d)
{
    struct tdm_post *p = calloc(1, sizeof *p);
    assert_non_null(p);
    struct gs_error err = GS_ERROR_INIT;
    struct gs_event_list empty = GS_EVENT_LIST_INIT;
    p->ev = empty;
    assert_int_equal(gs_variability_from_drug(d, 1.0, &p->var, &err), GS_OK);
    struct gs_model tv[2] = {model_at_crcl(d, 80.0), model_at_crcl(d, 30.0)};
    p->typical = tv[0];
    p->tv = tv;
    p->n_tv = 2;
    double obs[16];
    p->n_obs = p->n_t = subject_events(&p->ev, obs);
    for (size_t j = 0; j < p->n_obs; j++) {
        p->obs_t[j] = obs[j];
        p->obs_y[j] = 3.0;
        p->idx[j] = j;
    }
    struct gs_sim_options so = GS_SIM_OPTIONS_DEFAULT;
    so.rtol = 1e-12;
    so.atol_mg = 1e-12;
    p->sim = so;
    gs__tdm_sens_setup(p);
    assert_int_equal(p->n_sens, p->var.n);
    double eta[GS_MAX_PARAMS] = {-0.2, 0.3, 0.15, -0.1}, f[TDM_MAX_OBS],
           g[TDM_MAX_OBS * GS_MAX_PARAMS];
    assert_int_equal(gs__tdm_sens(p, eta, f, g, &err), GS_OK);
    check_columns(p, eta, f, g, predict_tv);
    gs_event_list_release(&p->ev);
    free(p);
}

static void dataset_sensitivities_match_differences(void **state)
{
    (void)state;
    gs_drug *pr = load_drug("pregabalin"), *ga = load_drug("gabapentin");
    sens_dataset(pr);
    sens_dataset(ga);
    gs_drug_free(pr);
    gs_drug_free(ga);
}

/* ---- the MAP: exact against finite differences ---- */
static void map_both(const gs_drug *d, double crcl, double dose, double ii, long n_doses,
                     const struct gs_tdm_level *lv, size_t nl, int steady)
{
    struct gs_patient pt = patient_at_crcl(crcl);
    struct gs_regimen r;
    gs_regimen_init(&r);
    r.n_steps = 1;
    r.steps[0] = (struct gs_regimen_step){0.0, dose, ii};
    r.n_doses = n_doses;
    r.start_steady = steady;
    struct gs_tdm_request q = {.drug = d,
                               .patient = &pt,
                               .regimen = &r,
                               .levels = lv,
                               .n_levels = nl,
                               .interval = 0.9,
                               .until_h = NAN,
                               .step_h = NAN,
                               .rtol = NAN};
    struct gs_tdm_result ex, fd;
    struct gs_error err = GS_ERROR_INIT;
    unsetenv("GABASIM_TDM_DERIVATIVES");
    assert_int_equal(gs_tdm_estimate(&q, &ex, &err), GS_OK);
    setenv("GABASIM_TDM_DERIVATIVES", "fd", 1);
    assert_int_equal(gs_tdm_estimate(&q, &fd, &err), GS_OK);
    unsetenv("GABASIM_TDM_DERIVATIVES");
    print_message("%s: predictions exact %ld (%ld sensitivity solves), finite differences %ld; "
                  "iterations %d, %d\n",
                  gs_drug_name(d), ex.evaluations, ex.sens_solves, fd.evaluations, ex.iterations,
                  fd.iterations);
    for (size_t i = 0; i < ex.n_eta; i++) {
        print_message("  %s eta %.9f / %.9f, SD %.7f / %.7f\n", ex.param[i].name, ex.param[i].eta,
                      fd.param[i].eta, ex.param[i].post_sd, fd.param[i].post_sd);
        assert_true(fabs(ex.param[i].eta - fd.param[i].eta) <= 1e-6);
        assert_rel(ex.param[i].post_sd, fd.param[i].post_sd, 1e-3);
    }
    assert_rel(ex.ofv, fd.ofv, 1e-10);
    /* the exact path ran, and saved predictions */
    assert_true(ex.sens_solves > 0);
    assert_int_equal(fd.sens_solves, 0);
    assert_true(2 * ex.evaluations < fd.evaluations);
    gs_tdm_result_release(&ex);
    gs_tdm_result_release(&fd);
}

static void map_exact_equals_differences(void **state)
{
    (void)state;
    gs_drug *pr = load_drug("pregabalin"), *ga = load_drug("gabapentin");
    struct gs_tdm_level lp[2] = {{62.0, 4.1}, {66.0, 5.5}}, lg[2] = {{50.0, 4.0}, {54.0, 6.0}};
    map_both(pr, 60.0, 150.0, 12.0, 6, lp, 2, 0);
    map_both(ga, 35.0, 300.0, 8.0, 7, lg, 2, 0);
    map_both(pr, 60.0, 150.0, 12.0, 6, lp, 2, 1); /* from steady state (SS 1) */
    map_both(ga, 35.0, 300.0, 8.0, 7, lg, 2, 1);
    gs_drug *dm = NULL;
    gs_model_file *mf = NULL;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_drug_load_with_model(&dm, &mf, "gabapentin", "gabapentin", &err), GS_OK);
    map_both(dm, 35.0, 300.0, 8.0, 7, lg, 2, 0);
    gs_drug_free(dm);
    gs_model_file_free(mf);
    gs_drug_free(pr);
    gs_drug_free(ga);
}

/* ---- what falls back to finite differences ---- */
static void fallback_columns(void **state)
{
    (void)state;
    gs_drug *d = load_drug("pregabalin");
    struct gs_patient pt = patient_at_crcl(60.0);
    struct gs_regimen r;
    gs_regimen_init(&r);
    r.n_steps = 1;
    r.steps[0] = (struct gs_regimen_step){0.0, 150.0, 12.0};
    r.n_doses = 6;
    struct gs_tdm_level lv[2] = {{62.0, 4.1}, {66.0, 5.5}};
    struct gs_tdm_request q = {.drug = d,
                               .patient = &pt,
                               .regimen = &r,
                               .levels = lv,
                               .n_levels = 2,
                               .interval = 0.9,
                               .until_h = NAN,
                               .step_h = NAN,
                               .rtol = NAN};
    struct tdm_post p;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs__tdm_post_init(&p, &q, &err), GS_OK);
    /* etas on ka, CL, tlag and F: the last two move doses in time and size */
    int idx[4] = {0, 2, 3, 4};
    double om[16] = {0.5, 0, 0, 0, 0, 0.04, 0, 0, 0, 0, 0.09, 0, 0, 0, 0, 0.01};
    assert_int_equal(gs_variability_set_omega(&p.var, 4, idx, om, "test", &err), GS_OK);
    gs__tdm_sens_setup(&p);
    assert_int_equal(p.n_sens, 2);
    assert_true(p.sens_col[0] && p.sens_col[1] && !p.sens_col[2] && !p.sens_col[3]);
    /* the MAP with two exact and two finite-difference columns, against all by differences */
    memset(p.omega_inv, 0, sizeof p.omega_inv);
    for (int i = 0; i < 4; i++)
        p.omega_inv[i * 4 + i] = 1.0 / om[i * 4 + i];
    double e1[GS_MAX_PARAMS], e2[GS_MAX_PARAMS], h1[64], h2[64];
    int it;
    assert_int_equal(gs__tdm_map(&p, e1, h1, &it, &err), GS_OK);
    assert_int_equal(p.n_sens, 2); /* the solves agreed with the engine: still mixed */
    assert_true(p.sens_evals > 0);
    memset(p.sens_col, 0, sizeof p.sens_col);
    p.n_sens = 0;
    long before = p.sens_evals;
    assert_int_equal(gs__tdm_map(&p, e2, h2, &it, &err), GS_OK);
    assert_int_equal(p.sens_evals, before);
    for (int i = 0; i < 4; i++) {
        assert_true(fabs(e1[i] - e2[i]) <= 1e-6);
        for (int k = 0; k < 4; k++)
            assert_true(fabs(h1[i * 4 + k] - h2[i * 4 + k]) <=
                        1e-3 * sqrt(fabs(h2[i * 4 + i] * h2[k * 4 + k])));
    }
    /* a steady-state record of an infusion (not covered): nothing exact */
    p.ev.ev[0].ss = 1;
    p.ev.ev[0].ii_h = 12.0;
    p.ev.ev[0].rate_mg_h = 100.0;
    gs__tdm_sens_setup(&p);
    assert_int_equal(p.n_sens, 0);
    p.ev.ev[0].ss = 0;
    p.ev.ev[0].rate_mg_h = 0.0;
    gs__tdm_sens_setup(&p);
    assert_int_equal(p.n_sens, 2);
    /* the depot turned off (EVID 2, CMT -1: emptied) half an hour after the last dose: not
     * covered, nothing exact */
    struct gs_event off = gs_event_dose(60.5, 0.0, -1);
    off.evid = GS_EVID_OTHER;
    assert_int_equal(gs_event_list_push(&p.ev, &off), GS_OK);
    gs_event_list_sort(&p.ev);
    gs__tdm_sens_setup(&p);
    assert_int_equal(p.n_sens, 0);
    /* forced on regardless, the sensitivity solve (which ignores the record) disagrees with the
     * engine's levels, and the search goes back to finite differences: same MAP */
    p.sens_col[0] = p.sens_col[1] = 1;
    p.n_sens = 2;
    double e3[GS_MAX_PARAMS], e4[GS_MAX_PARAMS];
    assert_int_equal(gs__tdm_map(&p, e3, h1, &it, &err), GS_OK);
    assert_int_equal(p.n_sens, 0);
    assert_int_equal(gs__tdm_map(&p, e4, h2, &it, &err), GS_OK);
    for (int i = 0; i < 4; i++)
        assert_true(e3[i] == e4[i]);
    gs__tdm_post_release(&p);

    /* the same effects as a dataset subject: the MAP with the mixed columns equals the one by
     * finite differences */
    struct gs_variability var;
    assert_int_equal(gs_variability_from_drug(d, 1.0, &var, &err), GS_OK);
    var.resid_add_mg_l = 0.236;
    var.resid_prop = 0.285;
    assert_int_equal(gs_variability_set_omega(&var, 4, idx, om, "test", &err), GS_OK);
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    double dv[8];
    size_t nobs = 0;
    for (int k = 0; k < 6; k++) {
        push(&ev, 12.0 * k, GS_EVID_DOSE, 150.0, 1, 0.0);
        if (k >= 4) {
            push(&ev, 12.0 * k + 0.5, GS_EVID_OBS, 0.0, 2, 0.0);
            dv[nobs++] = 6.0;
            push(&ev, 12.0 * k + 3.0, GS_EVID_OBS, 0.0, 2, 0.0);
            dv[nobs++] = 4.5;
        }
    }
    struct gs_model m = model_at_crcl(d, 60.0);
    struct gs_tdm_events_request eq = {d, &var, &m, NULL, 1, &ev, dv, nobs, NAN};
    struct gs_tdm_events_result a, b;
    assert_int_equal(gs_tdm_estimate_events(&eq, &a, &err), GS_OK);
    setenv("GABASIM_TDM_DERIVATIVES", "fd", 1);
    assert_int_equal(gs_tdm_estimate_events(&eq, &b, &err), GS_OK);
    unsetenv("GABASIM_TDM_DERIVATIVES");
    print_message("dataset subject: %ld predictions (%ld sensitivity solves), finite "
                  "differences %ld\n",
                  a.evaluations, a.sens_solves, b.evaluations);
    assert_true(a.sens_solves > 0);
    assert_int_equal(b.sens_solves, 0);
    for (size_t i = 0; i < 4; i++) {
        print_message("eta %zu: mixed %.9f, finite differences %.9f; var %.7g / %.7g\n", i,
                      a.eta[i], b.eta[i], a.cov[i * 4 + i], b.cov[i * 4 + i]);
        assert_true(fabs(a.eta[i] - b.eta[i]) <= 1e-6);
        assert_rel(a.cov[i * 4 + i], b.cov[i * 4 + i], 2e-3);
    }
    gs_event_list_release(&ev);
    gs_drug_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(jacobians_match_differences),
        cmocka_unit_test(sensitivities_match_differences),
        cmocka_unit_test(dataset_sensitivities_match_differences),
        cmocka_unit_test(map_exact_equals_differences),
        cmocka_unit_test(fallback_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
