/* test_model_parse.c - the model-file parser's messages, the bytecode's arithmetic, the lanes'
 * independence and the forward-mode Jacobians (against hand-derived derivatives). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "gabasim/model_file.h"

static gs_status parse(const char *text, gs_model_file **m, struct gs_error *err)
{
    return gs_model_file_parse(m, text, strlen(text), "t.model", err);
}

/* One-line errors name file:line:column, the token and what was expected. */
static void errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"$PARAM\nCL = 1\n", "t.model:2:7: found end of line; expected a unit after the value"},
        {"$PARAM\nCL = x L/h\n", "t.model:2:6: found 'x'; expected a number"},
        {"$PARAM CL = 1 L/h\n$CMT C\n$ODE\ndxdt_C = -CL * (C\n",
         "t.model:4:18: found end of line; expected ')'"},
        {"$PARAM CL = 1 L/h\n$CMT C\n$ODE\ndxdt_C = -K * C\n",
         "t.model:4:11: found 'K'; expected a parameter, covariate, eta, compartment, 't' or a "
         "variable assigned above"},
        {"$FOO\n", "t.model:1:1: found '$FOO'; expected a block"},
        {"$CMT A\n$ODE\ndxdt_B = 1\n", "t.model:3:1: 'dxdt_B' names no compartment of $CMT"},
        {"$CMT A\n", "compartment 'A' has no 'dxdt_A = ...' in $ODE"},
        {"$PARAM CL = 1 L/h\n$PARAM V = 1 L\n",
         "t.model:2:1: found '$PARAM'; expected each block once"},
        {"$CMT A\n$OMEGA\nE1 0.1\nE2 0.1\n$ODE\ndxdt_A = 0\n",
         "t.model:4:7: found end of line; expected 2 numbers after 'E2'"},
        {"$CMT A\n$MAIN\nX = A\n$ODE\ndxdt_A = 0\n",
         "t.model:3:5: found 'A'; expected a name $MAIN can use"},
        {"$CMT A\n$ODE\ndxdt_A = 1 2\n", "t.model:3:12: found '2'; expected end of line"},
        {"$CMT A\n$ODE\ndxdt_A = exp(1, 2)\n", "t.model:3:15: found ','; expected ')'"},
        {"$PARAM CL = 1 L/h\nCL = 2 L/h\n", "t.model:2:1: 'CL' is declared twice"},
        {"x", "t.model:1:1: found 'x'; expected a block such as $PARAM first"},
        {"", "no compartments ($CMT) and no outputs"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gs_model_file *m = (gs_model_file *)1;
        struct gs_error err = GS_ERROR_INIT;
        assert_int_equal(parse(cases[i].text, &m, &err), GS_INPUT);
        assert_null(m);
        if (!strstr(err.msg, cases[i].want))
            fail_msg("case %zu: got \"%s\", expected \"%s\"", i, err.msg, cases[i].want);
        assert_null(strchr(err.msg, '\n'));
    }
}

static const char *model =
    "$PROB test\n$PARAM\nA = 2 1 : a\nB = 3 1\n$COV W = 70 kg\n$CMT X Y\n"
    "$OMEGA\nE 0.04\n$MAIN\nAi = A * exp(E) * (W / 70)^0.75\n"
    "$ODE\nR = Ai * X^2 / (B + abs(Y)) + sqrt(X) * log(B) - min(X, Y) + max(X, 2 * Y) - X ** 1.5\n"
    "dxdt_X = -R\ndxdt_Y = R - B * Y\n$OUTPUT\nZ = X + Y * t\n";

static double R(double a, double b, double x, double y)
{
    return a * x * x / (b + fabs(y)) + sqrt(x) * log(b) - fmin(x, y) + fmax(x, 2 * y) - pow(x, 1.5);
}

/* dR/dx and dR/dy by hand (x, y > 0, x > y, 2y > x as at the test point) */
static void dR(double a, double b, double x, double y, double *rx, double *ry)
{
    *rx = 2 * a * x / (b + y) + log(b) / (2 * sqrt(x)) - 0 + 0 - 1.5 * sqrt(x);
    *ry = -a * x * x / ((b + y) * (b + y)) - 1 + 2;
}

static void jacobian(void **state)
{
    (void)state;
    gs_model_file *m;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(parse(model, &m, &err), GS_OK);
    assert_string_equal(gs_model_file_title(m), "test");
    assert_int_equal(gs_model_file_count(m, GS_MF_PARAM), 2);
    assert_string_equal(gs_model_file_unit(m, GS_MF_COV, 0), "kg");
    double p[2] = {2, 3}, cov[1] = {80}, eta[1] = {0.1}, y[2] = {1.5, 1.0}, J[4], Jp[4];
    assert_int_equal(gs_model_file_jacobian(m, p, cov, eta, y, 0.0, 0, J, &err), GS_OK);
    double a = 2 * exp(0.1) * pow(80 / 70.0, 0.75), rx, ry;
    dR(a, 3, 1.5, 1.0, &rx, &ry);
    assert_float_equal(J[0], -rx, 1e-12);
    assert_float_equal(J[1], -ry, 1e-12);
    assert_float_equal(J[2], rx, 1e-12);
    assert_float_equal(J[3], ry - 3, 1e-12);
    /* with respect to the parameters, against central differences */
    assert_int_equal(gs_model_file_jacobian(m, p, cov, eta, y, 0.0, 1, Jp, &err), GS_OK);
    double h = 1e-6, scale = exp(0.1) * pow(80 / 70.0, 0.75);
    double dA = (R((2 + h) * scale, 3, 1.5, 1) - R((2 - h) * scale, 3, 1.5, 1)) / (2 * h);
    double dB = (R(a, 3 + h, 1.5, 1) - R(a, 3 - h, 1.5, 1)) / (2 * h);
    assert_float_equal(Jp[0], -dA, 1e-7);
    assert_float_equal(Jp[1], -dB, 1e-7);
    assert_float_equal(Jp[3], dB - 1.0, 1e-7);
    gs_model_file_free(m);
}

/* 70 subjects (three batches, the last partial) with different parameters give exactly what
 * each gives alone: lanes do not leak into one another. */
static void lanes(void **state)
{
    (void)state;
    gs_model_file *m;
    struct gs_error err = GS_ERROR_INIT;
    static const char *lane_model =
        "$PARAM\nA = 2 1 : a\nB = 3 1\n$COV W = 70 kg\n$CMT X Y\n$OMEGA\nE 0.04\n"
        "$MAIN\nAi = A * exp(E) * (W / 70)^0.75\n$ODE\nR = Ai * X / (B + abs(Y))\n"
        "dxdt_X = -R\ndxdt_Y = R - B * Y\n$OUTPUT\nZ = X + Y * t\n";
    assert_int_equal(parse(lane_model, &m, &err), GS_OK);
    enum { N = 70, NT = 4 };
    double p[N][2], cov[N], eta[N], t[NT] = {0.5, 1, 2, 4};
    static double all[N][NT][3], one[NT][3];
    for (int i = 0; i < N; i++) {
        p[i][0] = 0.5 + 0.01 * i;
        p[i][1] = 2 + 0.02 * i;
        cov[i] = 50 + i;
        eta[i] = -0.2 + 0.005 * i;
    }
    struct gs_mf_dose d[2] = {{0, 10, 1, 0, 0, 0}, {1, 5, 2, 10, 0, 0}};
    struct gs_mf_sim_request rq = {m, N, &p[0][0], cov, eta, d, 2, t, NT, 1e-9, 1e-12, 0};
    assert_int_equal(gs_model_file_simulate(&rq, &all[0][0][0], &err), GS_OK);
    for (int i = 0; i < N; i += 7) {
        struct gs_mf_sim_request r1 = {m, 1, p[i], &cov[i], &eta[i], d, 2, t, NT, 1e-9, 1e-12, 0};
        assert_int_equal(gs_model_file_simulate(&r1, &one[0][0], &err), GS_OK);
        for (int k = 0; k < NT; k++) {
            assert_true(all[i][k][0] > 0 && all[i][k][1] > 0);
            for (int j = 0; j < 3; j++) /* the shared step sizes differ: solver tolerance */
                assert_float_equal(all[i][k][j], one[k][j], 1e-7 * fabs(one[k][j]) + 1e-11);
            assert_float_equal(all[i][k][2], all[i][k][0] + all[i][k][1] * t[k], 1e-12);
        }
    }
    /* a bad dose is refused with its values named */
    struct gs_mf_dose bad = {0, 10, 3, 0, 0, 0};
    rq.doses = &bad;
    rq.n_doses = 1;
    assert_int_equal(gs_model_file_simulate(&rq, &all[0][0][0], &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "cmt 3"));
    gs_model_file_free(m);
}

/* Every library model parses, and its parameters carry units. */
static void library(void **state)
{
    (void)state;
    static const char *names[] = {"gabapentin",         "pregabalin",
                                  "one_cmt_iv",         "theophylline_1cmt_oral",
                                  "one_cmt_zero_order", "one_cmt_transit",
                                  "vancomycin_2cmt",    "two_cmt_oral",
                                  "propofol_3cmt",      "three_cmt_oral",
                                  "phenytoin_mm",       "emax_pd",
                                  "indirect_response",  "tmdd"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        gs_model_file *m;
        struct gs_error err = GS_ERROR_INIT;
        if (gs_model_file_load(&m, names[i], &err))
            fail_msg("%s: %s", names[i], err.msg);
        assert_true(strlen(gs_model_file_source(m)) > 10);
        for (size_t k = 0; k < gs_model_file_count(m, GS_MF_PARAM); k++)
            assert_true(strlen(gs_model_file_unit(m, GS_MF_PARAM, k)) > 0);
        gs_model_file_free(m);
    }
}

/* The adapter: a plugged-in model's lane right-hand side equals its scalar one. */
static void structure(void **state)
{
    (void)state;
    gs_model_file *m;
    const struct gs_structure *s;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_model_file_load(&m, "gabapentin", &err), GS_OK);
    assert_int_equal(gs_model_file_structure(m, &s, &err), GS_OK);
    assert_ptr_equal(gs_model_structure_find(s->name), s);
    double p[GS_MAX_PARAMS * GS_LANES] = {0}, y[GS_N_CORE * GS_LANES], dy[GS_N_CORE * GS_LANES];
    double ps[GS_MAX_PARAMS] = {0};
    for (int l = 0; l < GS_LANES; l++) {
        for (size_t i = 0; i < s->n_params; i++)
            p[i * GS_LANES + l] = s->params[i].fallback * (1 + 0.01 * l);
        y[GS_Y_DEPOT * GS_LANES + l] = 100 + l;
        y[GS_Y_CENTRAL * GS_LANES + l] = 50 - l;
        y[GS_Y_AUC * GS_LANES + l] = 0;
    }
    s->lanes_prepare(p);
    s->rhs_lanes(y, dy, p);
    for (int l = 0; l < GS_LANES; l++) {
        double ys[GS_N_STATES] = {100 + l, 50 - l, 0, 0, 0}, dys[GS_N_STATES];
        for (size_t i = 0; i < s->n_params; i++)
            ps[i] = p[i * GS_LANES + l];
        assert_int_equal(s->rhs(0, ys, dys, ps), 0);
        for (int k = 0; k < GS_N_CORE; k++)
            assert_float_equal(dy[k * GS_LANES + l], dys[k], 1e-12 * fabs(dys[k]));
        /* mass balance: what leaves the body states is unabsorbed or eliminated */
        if (fabs(dys[0] + dys[1] + dys[3] + dys[4]) > 1e-12)
            fail_msg("lane %d: %g %g %g %g", l, dys[0], dys[1], dys[3], dys[4]);
    }
    /* lambda_z: the gut empties at Vmax/Km + ktr, elimination at CL/V; the slower one */
    double lz = s->lambda_z(ps);
    assert_float_equal(lz, fmin(ps[0] / ps[1] + ps[2], ps[4] / ps[3]), 1e-12);
    gs_model_file_free(m);
    assert_null(gs_model_structure_find(s->name == NULL ? "" : "file:gabapentin.model#1"));
}

/* A stiff model (binding 1000 times faster than the tmdd library model's): the BDF path with the
 * exact Jacobian agrees with the explicit integrator, in far fewer right-hand-side calls. */
static void stiff(void **state)
{
    (void)state;
    gs_model_file *m;
    struct gs_error err = GS_ERROR_INIT;
    static const char *text =
        "$PARAM\nKON = 101 L/nmol/h\nKOFF = 10100 1/h\nKDEG = 0.079 1/h\nKINT = 2 1/h\n"
        "KEL = 0.106 1/h\nR0 = 64.31 nmol/L\nV = 0.032 L\n$CMT CENT REC RC\n$MAIN\nREC_0 = R0\n"
        "$ODE\nCP = CENT / V\ndxdt_CENT = -KEL * CENT - (KON * CP * REC - KOFF * RC) * V\n"
        "dxdt_REC = R0 * KDEG - KDEG * REC - KON * CP * REC + KOFF * RC\n"
        "dxdt_RC = KON * CP * REC - (KINT + KOFF) * RC\n";
    assert_int_equal(parse(text, &m, &err), GS_OK);
    double t[4] = {1, 6, 24, 72}, a[12], b[12];
    struct gs_mf_dose d = {0, 5, 1, 0, 0, 0};
    struct gs_mf_sim_request rq = {m, 1, NULL, NULL, NULL, &d, 1, t, 4, 1e-9, 1e-12, 0};
    assert_int_equal(gs_model_file_simulate(&rq, a, &err), GS_OK);
    rq.stiff = 1;
    assert_int_equal(gs_model_file_simulate(&rq, b, &err), GS_OK);
    for (int i = 0; i < 12; i++)
        assert_float_equal(b[i], a[i], 1e-5 * fabs(a[i]) + 1e-9);
    gs_model_file_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(errors),  cmocka_unit_test(jacobian),  cmocka_unit_test(lanes),
        cmocka_unit_test(library), cmocka_unit_test(structure), cmocka_unit_test(stiff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
