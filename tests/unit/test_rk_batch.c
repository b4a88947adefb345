/* test_rk_batch.c - the batched Dormand-Prince integrator against the closed form and CVODE.
 *
 * Tolerances: at rtol 1e-6 / atol 1e-9 (the population benchmark's settings) DP5's global error
 * on these smooth, non-stiff systems stays below 1e-5 relative, the benchmark's acceptance bound;
 * at rtol 1e-10 it must agree with the closed form to 1e-7 (a tenth of the error at 1e-6 would
 * already show a bug in the coefficients or the dense output, whose order is 4). */
#include "../test_util.h"
/* a test of the solver module's internals (the batched kernel has no public entry point): the
 * one place outside src/solve/ allowed to include its private header */
#include "../../src/solve/solve_int.h"

static double *run_batch(const struct gs_model *m, int n, const struct gs_event_list *ev,
                         const double *t, size_t nt, double rtol, long *steps)
{
    double *out = gs_malloc(nt * GS_N_CORE * GS_LANES * sizeof *out);
    struct gs_sim_options o = {GS_SOLVER_AUTO, rtol, 1e-9};
    struct gs_error err = GS_ERROR_INIT;
    if (gs__rk_batch(m, n, ev, t, nt, &o, out, steps, &err) != GS_OK) {
        print_error("rk_batch: %s\n", err.msg);
        fail();
    }
    return out;
}

static double lane(const double *out, size_t k, int state, int l)
{
    return out[(k * GS_N_CORE + (size_t)state) * GS_LANES + (size_t)l];
}

/* Linear structure: every lane against its own closed-form profile. */
static void matches_closed_form(void **state)
{
    (void)state;
    gs_drug *d = load_drug("pregabalin");
    struct gs_model m[GS_LANES];
    const struct gs_structure *s = gs_drug_structure(d);
    int ka = gs_model_structure_param_index(s, "ka"),
        lag = gs_model_structure_param_index(s, "tlag");
    for (int l = 0; l < GS_LANES; l++) {
        m[l] = model_at_crcl(d, 20.0 + 5.0 * l); /* different elimination in every lane */
        m[l].p[ka] = 0.5 + 0.3 * l;              /* and different absorption */
        m[l].p[lag] = m[0].p[lag];
    }
    struct gs_event_list ev = repeated_doses(150.0, 12.0, 8);
    size_t nt = 121;
    double *t = grid(0.0, 120.0, nt);
    const double rtols[2] = {1e-6, 1e-10}, bound[2] = {1e-5, 1e-7};
    for (int r = 0; r < 2; r++) {
        double *out = run_batch(m, GS_LANES, &ev, t, nt, rtols[r], NULL);
        for (int l = 0; l < GS_LANES; l++) {
            struct gs_profile p = GS_PROFILE_INIT;
            struct gs_sim_options ex = {GS_SOLVER_EXACT, 1e-8, 1e-9};
            assert_int_equal(gs_simulate(&m[l], &ev, t, nt, &ex, &p, NULL), GS_OK);
            for (size_t k = 1; k < nt; k++) {
                double c =
                    lane(out, k, GS_Y_CENTRAL, l) / m[l].p[gs_model_structure_param_index(s, "V")];
                assert_rel(c, p.conc_mg_l[k], bound[r]);
                assert_rel(lane(out, k, GS_Y_AUC, l), p.y[k * GS_N_STATES + GS_Y_AUC], bound[r]);
            }
            gs_simulate_profile_release(&p);
        }
        gs_free(out);
    }
    gs_free(t);
    gs_event_list_release(&ev);
    gs_drug_free(d);
}

/* Saturable absorption: against CVODE at tight tolerance, lanes with different parameters, and
 * fewer lanes than GS_LANES (the unused lanes must not disturb the used ones). */
static void matches_cvode_on_saturable_absorption(void **state)
{
    (void)state;
    gs_drug *d = load_drug("gabapentin");
    const struct gs_structure *s = gs_drug_structure(d);
    int vmax = gs_model_structure_param_index(s, "Vmax"),
        iv = gs_model_structure_param_index(s, "V");
    struct gs_model m[GS_LANES];
    int n = GS_LANES - 3;
    for (int l = 0; l < n; l++) {
        m[l] = model_at_crcl(d, 30.0 + 5.0 * l);
        m[l].p[vmax] *= 0.6 + 0.05 * l;
    }
    struct gs_event_list ev = repeated_doses(600.0, 8.0, 12);
    size_t nt = 97;
    double *t = grid(0.0, 96.0, nt);
    long steps = 0;
    double *out = run_batch(m, n, &ev, t, nt, 1e-6, &steps);
    assert_true(steps > 0);
    struct gs_sim_options tight = {GS_SOLVER_CVODE, 1e-11, 1e-13};
    for (int l = 0; l < n; l++) {
        struct gs_profile p = GS_PROFILE_INIT;
        assert_int_equal(gs_simulate(&m[l], &ev, t, nt, &tight, &p, NULL), GS_OK);
        for (size_t k = 1; k < nt; k++) /* t >= 1 h, the benchmark's criterion */
            assert_rel(lane(out, k, GS_Y_CENTRAL, l) / m[l].p[iv], p.conc_mg_l[k], 1e-5);
        gs_simulate_profile_release(&p);
    }
    gs_free(out);
    gs_free(t);
    gs_event_list_release(&ev);
    gs_drug_free(d);
}

/* Every parameter different in every lane (issue 15: the gaba-pop benchmark with CL, V, Vmax, Km
 * and ktr all log-normal), factors spanning about exp(+-2 x 0.3) as the benchmark's SDs do. The
 * concentration and the AUC - whose row the integrator advances only at whole steps, since no
 * right-hand side reads it - must match CVODE at tight tolerance to the benchmark's 1e-5. */
static void every_parameter_varying(void **state)
{
    (void)state;
    gs_drug *d = load_drug("gabapentin");
    const struct gs_structure *s = gs_drug_structure(d);
    const char *names[5] = {"Vmax", "Km", "ktr", "V", "CL"};
    int idx[5];
    for (int k = 0; k < 5; k++)
        assert_true((idx[k] = gs_model_structure_param_index(s, names[k])) >= 0);
    struct gs_model m[GS_LANES];
    for (int l = 0; l < GS_LANES; l++) {
        m[l] = model_at_crcl(d, 100.0);
        for (int k = 0; k < 5; k++) /* a different pattern per parameter: lanes never repeat */
            m[l].p[idx[k]] *= exp(0.6 * sin(1.0 + (double)l * (0.7 + 0.31 * k)));
    }
    struct gs_event_list ev = repeated_doses(300.0, 8.0, 9);
    size_t nt = 73;
    double *t = grid(0.0, 72.0, nt);
    double *out = run_batch(m, GS_LANES, &ev, t, nt, 1e-6, NULL);
    struct gs_sim_options tight = {GS_SOLVER_CVODE, 1e-11, 1e-13};
    for (int l = 0; l < GS_LANES; l++) {
        struct gs_profile p = GS_PROFILE_INIT;
        assert_int_equal(gs_simulate(&m[l], &ev, t, nt, &tight, &p, NULL), GS_OK);
        for (size_t k = 1; k < nt; k++) {
            assert_rel(lane(out, k, GS_Y_CENTRAL, l) / m[l].p[idx[3]], p.conc_mg_l[k], 1e-5);
            assert_rel(lane(out, k, GS_Y_AUC, l), p.y[k * GS_N_STATES + GS_Y_AUC], 1e-5);
        }
        gs_simulate_profile_release(&p);
    }
    gs_free(out);
    gs_free(t);
    gs_event_list_release(&ev);
    gs_drug_free(d);
}

/* A single dose followed far into the tail (issue 12: population printed concentrations down to
 * -4e-10 mg/L there). The exact amounts are positive, so no output may be negative, and the
 * zeros written for the method's undershoot must be within the stated bound, 10 x (atol + rtol x
 * the lane's largest amount), of a tight CVODE reference: the clamp hides nothing larger. */
static void tail_never_negative(void **state)
{
    (void)state;
    gs_drug *d = load_drug("gabapentin");
    const struct gs_structure *s = gs_drug_structure(d);
    int iv = gs_model_structure_param_index(s, "V"), icl = gs_model_structure_param_index(s, "CL");
    struct gs_model m[GS_LANES];
    for (int l = 0; l < GS_LANES; l++) {
        m[l] = model_at_crcl(d, 100.0);
        m[l].p[iv] *= 0.4 + 0.05 * l; /* half-lives from about 2.7 to 7 h */
        m[l].p[icl] *= 1.0 + 0.02 * l;
    }
    struct gs_event_list ev = repeated_doses(600.0, 8.0, 1);
    size_t nt = 201;
    double *t = grid(0.0, 200.0, nt);
    const double rtol = 1e-8, atol = 1e-9; /* the command line's defaults */
    double *out = gs_malloc(nt * GS_N_CORE * GS_LANES * sizeof *out);
    struct gs_sim_options o = {GS_SOLVER_AUTO, rtol, atol};
    assert_int_equal(gs__rk_batch(m, GS_LANES, &ev, t, nt, &o, out, NULL, NULL), GS_OK);
    struct gs_sim_options tight = {GS_SOLVER_CVODE, 1e-12, 1e-16};
    int zeros = 0;
    for (int l = 0; l < GS_LANES; l++) {
        struct gs_profile p = GS_PROFILE_INIT;
        assert_int_equal(gs_simulate(&m[l], &ev, t, nt, &tight, &p, NULL), GS_OK);
        double scale = 0.0;
        for (size_t k = 0; k < nt; k++)
            for (int i = 0; i < GS_N_BODY; i++)
                scale = fmax(scale, lane(out, k, i, l));
        double bound = 10.0 * (atol + rtol * scale);
        for (size_t k = 0; k < nt; k++)
            for (int i = 0; i < GS_N_BODY; i++) {
                double y = lane(out, k, i, l), ref = p.y[k * GS_N_STATES + i];
                assert_true(y >= 0.0);
                assert_true(fabs(y - ref) <= bound);
                zeros += y == 0.0 && k > 0;
            }
        gs_simulate_profile_release(&p);
    }
    assert_true(zeros > 0); /* the tail does reach the method's noise: the case is exercised */
    gs_free(out);
    gs_free(t);
    gs_event_list_release(&ev);
    gs_drug_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_closed_form),
        cmocka_unit_test(matches_cvode_on_saturable_absorption),
        cmocka_unit_test(every_parameter_varying),
        cmocka_unit_test(tail_never_negative),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
