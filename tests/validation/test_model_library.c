/* test_model_library.c - every model of data/models/ against its closed form (Gibaldi & Perrier
 * 1982: one-, two- and three-compartment bolus, infusion and first-order input; Savic 2007: the
 * transit chain) or, where none exists (Michaelis-Menten, indirect response, TMDD, Emax on
 * oral PK), against a classical fixed-step RK4 written here (h = 1e-3 h; its error, O(h^4)
 * times the solution's fourth derivative, is below 1e-10 relative for these rate constants).
 * The engine runs at rtol 1e-10, atol 1e-12, with its explicit lane integrator and again with
 * CVODE's BDF given the exact Jacobian; agreement is asked to 1e-6 relative (plus 1e-9
 * absolute for values that decay to zero), the tolerance, far above both errors. */
#include <gsl/gsl_poly.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "gabasim/model_file.h"

#define TOL  1e-6
#define ATOL 1e-9

static gs_model_file *load(const char *name)
{
    gs_model_file *m = NULL;
    struct gs_error err = GS_ERROR_INIT;
    gs_status st = gs_model_file_load(&m, name, &err);
    if (st)
        fail_msg("%s: %s", name, err.msg);
    return m;
}

/* 0: Dormand-Prince (the lane integrator); 1: CVODE BDF with the forward-mode Jacobian. Every
 * model is checked with both (two groups of the same tests). */
static int stiff;

static int use_stiff(void **state)
{
    (void)state;
    stiff = 1;
    return 0;
}

/* Simulates one subject; out[k * stride + j]. */
static void sim(const gs_model_file *m, const double *params, const double *covs,
                const double *etas, const struct gs_mf_dose *d, size_t nd, const double *t,
                size_t nt, double *out)
{
    struct gs_error err = GS_ERROR_INIT;
    struct gs_mf_sim_request rq = {m, 1, params, covs, etas, d, nd, t, nt, 1e-10, 1e-12, stiff};
    gs_status st = gs_model_file_simulate(&rq, out, &err);
    if (st)
        fail_msg("simulate: %s", err.msg);
}

static void close_to(double got, double want, const char *what, double t)
{
    if (!(fabs(got - want) <= TOL * fabs(want) + ATOL))
        fail_msg("%s at t = %g h: got %.12g, expected %.12g (rel %.2e)", what, t, got, want,
                 fabs(got - want) / fabs(want));
}

static size_t col(const gs_model_file *m, enum gs_mf_kind k, const char *name)
{
    int i = gs_model_file_index(m, k, name);
    assert_true(i >= 0);
    return k == GS_MF_OUTPUT ? gs_model_file_count(m, GS_MF_CMT) + (size_t)i : (size_t)i;
}

static const double T[] = {0.25, 0.5, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 36, 48};
#define NT (sizeof T / sizeof T[0])

static void one_cmt_iv(void **state)
{
    (void)state;
    gs_model_file *m = load("one_cmt_iv");
    size_t w = gs_model_file_count(m, GS_MF_CMT) + gs_model_file_count(m, GS_MF_OUTPUT);
    double out[NT * 8], k = 1.0 / 20;
    struct gs_mf_dose bolus = {0, 100, 1, 0, 0, 0};
    sim(m, NULL, NULL, NULL, &bolus, 1, T, NT, out);
    for (size_t i = 0; i < NT; i++)
        close_to(out[i * w + col(m, GS_MF_OUTPUT, "CP")], 100.0 / 20 * exp(-k * T[i]), "bolus",
                 T[i]);
    /* 50 mg/h for 2 h: C = R/CL (1 - e^-kt), then decay */
    struct gs_mf_dose inf = {0, 100, 1, 50, 0, 0};
    sim(m, NULL, NULL, NULL, &inf, 1, T, NT, out);
    for (size_t i = 0; i < NT; i++) {
        double c = T[i] <= 2 ? 50.0 / 1 * (1 - exp(-k * T[i]))
                             : 50.0 * (1 - exp(-k * 2)) * exp(-k * (T[i] - 2));
        close_to(out[i * w + 1], c, "infusion", T[i]);
    }
    gs_model_file_free(m);
}

static double bateman(double d, double ka, double cl, double v, double t)
{
    double k = cl / v;
    return t < 0 ? 0 : d * ka / (v * (ka - k)) * (exp(-k * t) - exp(-ka * t));
}

static void theophylline(void **state)
{
    (void)state;
    gs_model_file *m = load("theophylline_1cmt_oral");
    size_t w = 3;
    double out[NT * 3];
    /* 320 mg every 12 h x 3 (superposition), subject with eta_CL 0.2, eta_V -0.1 */
    struct gs_mf_dose d = {0, 320, 1, 0, 12, 2};
    double eta[3] = {0, 0.2, -0.1};
    sim(m, NULL, NULL, eta, &d, 1, T, NT, out);
    double ka = 1.568, cl = 2.718 * exp(0.2), v = 31.5 * exp(-0.1);
    for (size_t i = 0; i < NT; i++) {
        double c = 0;
        for (int j = 0; j < 3; j++)
            c += bateman(320, ka, cl, v, T[i] - 12 * j);
        close_to(out[i * w + 2], c, "theophylline", T[i]);
    }
    double om[9], add, prop;
    gs_model_file_omega(m, om);
    assert_true(om[0] == 0.6 && om[4] == 0.3 && om[8] == 0.1 && om[1] == 0);
    gs_model_file_residual(m, &add, &prop);
    assert_true(add == 0.7 && prop == 0);
    gs_model_file_free(m);
}

static void zero_order(void **state)
{
    (void)state;
    gs_model_file *m = load("one_cmt_zero_order");
    double out[NT * 2], cl = 2.718, v = 31.5, k = cl / v, dur = 4, r = 500 / dur;
    struct gs_mf_dose d = {0, 500, 1, -2, 0, 0};
    sim(m, NULL, NULL, NULL, &d, 1, T, NT, out);
    for (size_t i = 0; i < NT; i++) {
        double c = T[i] <= dur ? r / cl * (1 - exp(-k * T[i]))
                               : r / cl * (1 - exp(-k * dur)) * exp(-k * (T[i] - dur));
        close_to(out[i * 2 + 1], c, "zero-order", T[i]);
    }
    gs_model_file_free(m);
}

static void transit(void **state)
{
    (void)state;
    gs_model_file *m = load("one_cmt_transit");
    double out[NT * 7], ktr = 2, D = 100;
    struct gs_mf_dose d = {0, D, 1, 0, 0, 0};
    sim(m, NULL, NULL, NULL, &d, 1, T, NT, out);
    for (size_t i = 0; i < NT; i++)
        for (int n = 0; n <= 3; n++) { /* Savic 2007: A_n = D (ktr t)^n / n! e^(-ktr t) */
            double want = D * pow(ktr * T[i], n) / tgamma(n + 1.0) * exp(-ktr * T[i]);
            close_to(out[i * 7 + (size_t)n], want, "transit compartment", T[i]);
        }
    gs_model_file_free(m);
}

/* Central amount after a unit bolus into the central compartment of a mammillary model with
 * peripheral return rates kr[0..np) and disposition rates lam[0..nl): sum over lam_i of
 * prod(kr - lam_i) / prod_{j != i}(lam_j - lam_i) e^(-lam_i t); with an oral input ka, add ka
 * to the rates and multiply by ka (Gibaldi & Perrier 1982, the Laplace-transform solution). */
static double mammillary(const double *kr, int np, const double *lam, int nl, double t)
{
    double s = 0;
    for (int i = 0; i < nl; i++) {
        double num = 1, den = 1;
        for (int j = 0; j < np; j++)
            num *= kr[j] - lam[i];
        for (int j = 0; j < nl; j++)
            if (j != i)
                den *= lam[j] - lam[i];
        s += num / den * exp(-lam[i] * t);
    }
    return s;
}

static void vancomycin(void **state)
{
    (void)state;
    gs_model_file *m = load("vancomycin_2cmt");
    double cov[2] = {60, 80}, out[NT * 3];
    struct gs_mf_dose d = {0, 1000, 1, 0, 0, 0};
    sim(m, NULL, cov, NULL, &d, 1, T, NT, out);
    double cl = 4.5 * pow(60 / 120.0, 0.8), v1 = 58.4 * 80 / 70, q = 6.5, v2 = 38.4;
    double k10 = cl / v1, k12 = q / v1, k21 = q / v2, a = k10 + k12 + k21, b = k10 * k21;
    double lam[2] = {(a + sqrt(a * a - 4 * b)) / 2, (a - sqrt(a * a - 4 * b)) / 2};
    for (size_t i = 0; i < NT; i++)
        close_to(out[i * 3 + 2], 1000 / v1 * mammillary(&k21, 1, lam, 2, T[i]), "vancomycin", T[i]);
    gs_model_file_free(m);
}

static void two_cmt_oral(void **state)
{
    (void)state;
    gs_model_file *m = load("two_cmt_oral");
    double out[NT * 4];
    struct gs_mf_dose d = {0, 100, 1, 0, 0, 0};
    sim(m, NULL, NULL, NULL, &d, 1, T, NT, out);
    double k10 = 1 / 20.0, k12 = 2 / 20.0, k21 = 2 / 10.0, ka = 1, a = k10 + k12 + k21,
           b = k10 * k21;
    double lam[3] = {(a + sqrt(a * a - 4 * b)) / 2, (a - sqrt(a * a - 4 * b)) / 2, ka};
    for (size_t i = 0; i < NT; i++)
        close_to(out[i * 4 + 1], 100 * ka * mammillary(&k21, 1, lam, 3, T[i]), "two-cmt oral",
                 T[i]);
    gs_model_file_free(m);
}

/* Disposition rates of a three-compartment mammillary model: roots of
 * l^3 - (k10+k12+k13+k21+k31) l^2 + (k10 k21 + k10 k31 + k12 k31 + k13 k21 + k21 k31) l
 *   - k10 k21 k31 = 0 (GSL's cubic solver). */
static void three_rates(double k10, double k12, double k13, double k21, double k31, double *lam)
{
    double a2 = k10 + k12 + k13 + k21 + k31,
           a1 = k10 * k21 + k10 * k31 + k12 * k31 + k13 * k21 + k21 * k31, a0 = k10 * k21 * k31;
    assert_int_equal(gsl_poly_solve_cubic(-a2, a1, -a0, &lam[0], &lam[1], &lam[2]), 3);
}

static void propofol(void **state)
{
    (void)state;
    gs_model_file *m = load("propofol_3cmt");
    double cov[4] = {70, 60, 50, 165}, out[NT * 4], lam[3];
    struct gs_mf_dose d = {0, 140, 1, 0, 0, 0};
    sim(m, NULL, cov, NULL, &d, 1, T, NT, out);
    double v1 = 4.27, v2 = 18.9 - 0.391 * (70 - 53), v3 = 238;
    double cl1 = 60 * (1.89 + 0.0456 * (60 - 77) - 0.0681 * (50 - 59) + 0.0264 * (165 - 177));
    double cl2 = 60 * (1.29 - 0.024 * (70 - 53)), cl3 = 60 * 0.836;
    double kr[2] = {cl2 / v2, cl3 / v3};
    three_rates(cl1 / v1, cl2 / v1, cl3 / v1, kr[0], kr[1], lam);
    for (size_t i = 0; i < NT; i++)
        close_to(out[i * 4 + 3], 140 / v1 * mammillary(kr, 2, lam, 3, T[i]), "propofol", T[i]);
    gs_model_file_free(m);
}

static void three_cmt_oral(void **state)
{
    (void)state;
    gs_model_file *m = load("three_cmt_oral");
    double out[NT * 5], lam[4];
    struct gs_mf_dose d = {0, 100, 1, 0, 0, 0};
    sim(m, NULL, NULL, NULL, &d, 1, T, NT, out);
    double kr[2] = {2 / 10.0, 2 / 100.0};
    three_rates(1 / 20.0, 2 / 20.0, 2 / 20.0, kr[0], kr[1], lam);
    lam[3] = 1.0;
    for (size_t i = 0; i < NT; i++)
        close_to(out[i * 5 + 1], 100 * mammillary(kr, 2, lam, 4, T[i]), "three-cmt oral", T[i]);
    gs_model_file_free(m);
}

/* ---- reference RK4 for the models without a closed form ---- */

typedef void (*ref_rhs)(const double *y, double *dy);

static void rk4(ref_rhs f, int n, double *y, double t0, double t1)
{
    const double h = 1e-3;
    long steps = lround((t1 - t0) / h);
    double k1[8], k2[8], k3[8], k4[8], yt[8];
    for (long s = 0; s < steps; s++) {
        f(y, k1);
        for (int i = 0; i < n; i++)
            yt[i] = y[i] + h / 2 * k1[i];
        f(yt, k2);
        for (int i = 0; i < n; i++)
            yt[i] = y[i] + h / 2 * k2[i];
        f(yt, k3);
        for (int i = 0; i < n; i++)
            yt[i] = y[i] + h * k3[i];
        f(yt, k4);
        for (int i = 0; i < n; i++)
            y[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    }
}

static void check_ref(const char *name, ref_rhs f, int n, double *y0, double dose, const char *what)
{
    gs_model_file *m = load(name);
    size_t w = gs_model_file_count(m, GS_MF_CMT) + gs_model_file_count(m, GS_MF_OUTPUT);
    assert_int_equal(gs_model_file_count(m, GS_MF_CMT), n);
    double out[NT * 12], y[8], t = 0;
    struct gs_mf_dose d = {0, dose, 1, 0, 0, 0};
    sim(m, NULL, NULL, NULL, &d, 1, T, NT, out);
    memcpy(y, y0, (size_t)n * sizeof(double));
    y[0] += dose;
    for (size_t i = 0; i < NT; i++) {
        rk4(f, n, y, t, T[i]);
        t = T[i];
        for (int j = 0; j < n; j++)
            close_to(out[i * w + (size_t)j], y[j], what, T[i]);
    }
    gs_model_file_free(m);
}

static void phen_rhs(const double *y, double *dy)
{
    double cp = y[1] / 49;
    dy[0] = -y[0];
    dy[1] = y[0] - 20.42 * cp / (4 + cp);
}

static void irm_rhs(const double *y, double *dy)
{
    double cp = y[1] / 20, inh = cp / (2 + cp);
    dy[0] = -y[0];
    dy[1] = y[0] - 3 * cp + 2 * y[2] / 10;
    dy[2] = 2 * cp - 2 * y[2] / 10;
    dy[3] = 10 * (1 - inh) - 2 * y[3];
}

static void tmdd_rhs(const double *y, double *dy)
{
    double cp = y[1] / 0.032;
    dy[0] = -0.142 * y[0];
    dy[1] = 0.142 * y[0] - (0.106 + 0.064) * y[1] - 0.101 * cp * y[3] * 0.032 +
            10.1 * y[4] * 0.032 + 0.123 * y[2];
    dy[2] = 0.064 * y[1] - 0.123 * y[2];
    dy[3] = 64.31 * 0.079 - 0.079 * y[3] - 0.101 * cp * y[3] + 10.1 * y[4];
    dy[4] = 0.101 * cp * y[3] - (2 + 10.1) * y[4];
}

static void emax_rhs(const double *y, double *dy)
{
    dy[0] = -0.5 * y[0];
    dy[1] = 0.5 * y[0] - 0.1 * y[1];
}

static void phenytoin(void **state)
{
    (void)state;
    double y0[2] = {0, 0};
    check_ref("phenytoin_mm", phen_rhs, 2, y0, 300, "phenytoin");
}

static void indirect(void **state)
{
    (void)state;
    double y0[4] = {0, 0, 0, 5}; /* RESP_0 = KIN/KOUT */
    check_ref("indirect_response", irm_rhs, 4, y0, 100, "indirect response");
}

static void tmdd(void **state)
{
    (void)state;
    double y0[5] = {0, 0, 0, 64.31, 0};
    check_ref("tmdd", tmdd_rhs, 5, y0, 10, "TMDD");
}

static void emax(void **state)
{
    (void)state;
    double y0[2] = {0, 0};
    check_ref("emax_pd", emax_rhs, 2, y0, 500, "Emax PK");
    /* the effect: E0 + Emax C / (EC50 + C) at the simulated concentration */
    gs_model_file *m = load("emax_pd");
    double out[NT * 4];
    struct gs_mf_dose d = {0, 500, 1, 0, 0, 0};
    sim(m, NULL, NULL, NULL, &d, 1, T, NT, out);
    for (size_t i = 0; i < NT; i++) {
        double c = out[i * 4 + 2];
        close_to(c, bateman(500, 0.5, 1, 10, T[i]), "Emax concentration", T[i]);
        close_to(out[i * 4 + 3], 10 * c / (30 + c), "Emax effect", T[i]);
    }
    gs_model_file_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_cmt_iv), cmocka_unit_test(theophylline),
        cmocka_unit_test(zero_order), cmocka_unit_test(transit),
        cmocka_unit_test(vancomycin), cmocka_unit_test(two_cmt_oral),
        cmocka_unit_test(propofol),   cmocka_unit_test(three_cmt_oral),
        cmocka_unit_test(phenytoin),  cmocka_unit_test(indirect),
        cmocka_unit_test(tmdd),       cmocka_unit_test(emax),
    };
    int fails = cmocka_run_group_tests_name("dormand-prince", tests, NULL, NULL);
    return fails + cmocka_run_group_tests_name("cvode-bdf-exact-jacobian", tests, use_stiff, NULL);
}
