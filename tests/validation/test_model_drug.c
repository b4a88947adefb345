/* test_model_drug.c - a model file with more compartments and parameters than the built-ins, in
 * place of a drug's structure (`--drug pregabalin --model FILE`, gabasim/model_file.h).
 *
 * The model: pregabalin's first-order absorption with lag and linear elimination (the drug file
 * individualises ka, V, CL, tlag, F) plus two peripheral compartments (Q2, V2, Q3, V3: test
 * values, not pregabalin's), so 4 compartments and 9 parameters. Linear, so every number has a
 * closed form: the central amount after a bioavailable dose D into the depot is
 *   D ka sum_i prod_p (k_p1 - r_i) / prod_{j != i} (r_j - r_i) e^(-r_i (t - tlag)),
 * r = {ka, lambda_1..3}, the lambdas the roots of the mammillary cubic (Gibaldi M, Perrier D,
 * Pharmacokinetics, 2nd ed. 1982, ch. 3 and appendix B; the same formula checks
 * data/models/three_cmt_oral.model in test_model_library.c). The engine runs at rtol 1e-10 and
 * atol 1e-12 mg; agreement is asked to 1e-6 relative (the tolerance), far above that.
 * Checked: one subject (gs_simulate, CVODE with the model's rhs), 32 lanes (gs_simulate_batch,
 * the batched Dormand-Prince on the compiled lane program), the steady state (Newton on the
 * 4 body amounts) against the superposition sum, mass balance with the peripheral amounts, a dose
 * into a peripheral compartment, compartments turned off (EVID 2) and the refusals (a dose into a
 * compartment the model lacks, more than 16 parameters).
 */
#include <gsl/gsl_poly.h>
#include <stdlib.h>
#include <unistd.h>

#include "../test_util.h"
#include "gabasim/model_file.h"

#define TOL  1e-6
#define ATOL 1e-9

static const char *MODEL =
    "$PROB pregabalin absorption and elimination, two peripheral compartments (test only)\n"
    "$SOURCE ka, V, CL, tlag, F from the drug file; Q2, V2, Q3, V3 test values, not a drug's\n"
    "$PARAM\n"
    "ka = 7.99 1/h : drug file\n"
    "V = 35.6 L : drug file\n"
    "CL = 4.62 L/h : drug file\n"
    "tlag = 0.243 h : drug file\n"
    "F = 1 fraction : drug file\n"
    "Q2 = 6 L/h : test value\n"
    "V2 = 20 L : test value\n"
    "Q3 = 1.5 L/h : test value\n"
    "V3 = 50 L : test value\n"
    "$CMT DEPOT CENT P2 P3\n"
    "$ODE\n"
    "C = CENT / V\n"
    "dxdt_DEPOT = -ka * DEPOT\n"
    "dxdt_CENT = ka * DEPOT - (CL + Q2 + Q3) * C + Q2 * P2 / V2 + Q3 * P3 / V3\n"
    "dxdt_P2 = Q2 * C - Q2 * P2 / V2\n"
    "dxdt_P3 = Q3 * C - Q3 * P3 / V3\n"
    "$OUTPUT\n"
    "CP = CENT / V\n";

static char dir[64], path[96];
static gs_drug *drug;
static gs_model_file *mf;
static struct gs_model model;
static const struct gs_sim_options tight = {GS_SOLVER_AUTO, 1e-10, 1e-12};

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s/gs_model_drug_XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(path, sizeof path, "%s/p3.model", dir);
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(MODEL, f) < 0 || fclose(f) != 0)
        return -1;
    struct gs_error err = GS_ERROR_INIT;
    if (gs_drug_load_with_model(&drug, &mf, "pregabalin", path, &err) != GS_OK) {
        print_error("%s\n", err.msg);
        return -1;
    }
    struct gs_patient pt = patient_at_crcl(60.0);
    if (gs_drug_individual_model(drug, &pt, &model, NULL, 0, &err) != GS_OK) {
        print_error("%s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    gs_drug_free(drug);
    gs_model_file_free(mf);
    unlink(path);
    rmdir(dir);
    return 0;
}

static double par(const struct gs_model *m, const char *name)
{
    int i = gs_model_structure_param_index(m->structure, name);
    assert_true(i >= 0);
    return m->p[i];
}

/* Central amount (mg) at t after a bioavailable amount of 1 mg enters the depot at 0 (no lag). */
static double central_unit(const struct gs_model *m, double t)
{
    if (t <= 0)
        return 0.0;
    double ka = par(m, "ka"), v = par(m, "V"), cl = par(m, "CL"), q2 = par(m, "Q2"),
           v2 = par(m, "V2"), q3 = par(m, "Q3"), v3 = par(m, "V3");
    double k10 = cl / v, k12 = q2 / v, k13 = q3 / v, k21 = q2 / v2, k31 = q3 / v3;
    double a2 = k10 + k12 + k13 + k21 + k31,
           a1 = k10 * k21 + k10 * k31 + k12 * k31 + k13 * k21 + k21 * k31, a0 = k10 * k21 * k31;
    double r[4];
    assert_int_equal(gsl_poly_solve_cubic(-a2, a1, -a0, &r[0], &r[1], &r[2]), 3);
    r[3] = ka;
    double kr[2] = {k21, k31}, s = 0;
    for (int i = 0; i < 4; i++) {
        double num = 1, den = 1;
        for (int p = 0; p < 2; p++)
            num *= kr[p] - r[i];
        for (int j = 0; j < 4; j++)
            if (j != i)
                den *= r[j] - r[i];
        s += num / den * exp(-r[i] * t);
    }
    return ka * s;
}

/* The three disposition rates (roots of the mammillary cubic) and the rate constants. */
static void rates(const struct gs_model *m, double *lam, double *k21, double *k31)
{
    double v = par(m, "V"), k10 = par(m, "CL") / v, k12 = par(m, "Q2") / v, k13 = par(m, "Q3") / v;
    *k21 = par(m, "Q2") / par(m, "V2"), *k31 = par(m, "Q3") / par(m, "V3");
    double a2 = k10 + k12 + k13 + *k21 + *k31,
           a1 = k10 * *k21 + k10 * *k31 + k12 * *k31 + k13 * *k21 + *k21 * *k31,
           a0 = k10 * *k21 * *k31;
    assert_int_equal(gsl_poly_solve_cubic(-a2, a1, -a0, &lam[0], &lam[1], &lam[2]), 3);
}

/* Central amount (mg) at t after 1 mg is put into the first peripheral compartment (CMT 3):
 * k21 (s + k31) / P(s) (Gibaldi & Perrier, the same Laplace-transform solution). */
static double central_from_p2(const struct gs_model *m, double t)
{
    double lam[3], k21, k31, s = 0;
    rates(m, lam, &k21, &k31);
    for (int i = 0; i < 3; i++) {
        double den = 1;
        for (int j = 0; j < 3; j++)
            if (j != i)
                den *= lam[j] - lam[i];
        s += (k31 - lam[i]) / den * exp(-lam[i] * t);
    }
    return k21 * s;
}

static void close_to(double got, double want, const char *what, double t)
{
    if (!(fabs(got - want) <= TOL * fabs(want) + ATOL))
        fail_msg("%s at t = %g h: got %.12g, expected %.12g (rel %.2e)", what, t, got, want,
                 fabs(got - want) / fabs(want));
}

static struct gs_event_list doses(double amt, double ii, long n)
{
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    for (long k = 0; k < n; k++) {
        struct gs_event e = {k * ii, GS_EVID_DOSE, amt, GS_CMT_DEPOT, 0, 0, 0, 0, 0};
        assert_int_equal(gs_event_list_push(&ev, &e), GS_OK);
    }
    return ev;
}

/* The structure carries the model's compartments and parameters. */
static void structure_shape(void **state)
{
    (void)state;
    assert_int_equal(model.structure->n_params, 9);
    assert_int_equal(model.structure->n_extra, 2);
    assert_int_equal(gs_model_n_body(model.structure), 4);
}

/* Three doses of 150 mg every 12 h, one subject: central concentration and mass balance. */
static void one_subject(void **state)
{
    (void)state;
    struct gs_event_list ev = doses(150, 12, 3);
    double t[97];
    for (int i = 0; i < 97; i++)
        t[i] = 0.5 * i;
    struct gs_profile p = GS_PROFILE_INIT;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_simulate(&model, &ev, t, 97, &tight, &p, &err), GS_OK);
    assert_int_equal(p.n_extra, 2);
    double lag = par(&model, "tlag"), v = par(&model, "V"), f = par(&model, "F");
    double most_peripheral = 0;
    for (int i = 0; i < 97; i++) {
        double want = 0;
        for (int k = 0; k < 3; k++)
            want += 150 * f * central_unit(&model, t[i] - 12 * k - lag);
        close_to(p.y[i * GS_N_STATES + GS_Y_CENTRAL], want, "central amount", t[i]);
        close_to(p.conc_mg_l[i], want / v, "concentration", t[i]);
        assert_true(gs_simulate_mass_balance_error(&p, (size_t)i) < 1e-8);
        most_peripheral = fmax(most_peripheral, p.y_extra[i * 2] + p.y_extra[i * 2 + 1]);
    }
    /* the peripheral compartments hold drug, so the balance above counted them */
    assert_true(most_peripheral > 10.0);
    gs_simulate_profile_release(&p);
    gs_event_list_release(&ev);
}

/* 32 subjects of different clearance through the batched integrator (the population's path). */
static void lanes(void **state)
{
    (void)state;
    struct gs_model m[GS_LANES];
    int icl = gs_model_structure_param_index(model.structure, "CL");
    for (int l = 0; l < GS_LANES; l++) {
        m[l] = model;
        m[l].p[icl] *= 0.5 + 0.05 * l;
    }
    struct gs_event_list ev = doses(150, 12, 2);
    double t[49];
    for (int i = 0; i < 49; i++)
        t[i] = 0.5 * i;
    size_t nr = GS_N_CORE + 2;
    double *out = malloc(49 * nr * GS_LANES * sizeof *out);
    struct gs_simulate_batch_request rq = {m, GS_LANES, &ev, t, 49, &tight};
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_simulate_batch(&rq, out, NULL, &err), GS_OK);
    double lag = par(&model, "tlag");
    for (int l = 0; l < GS_LANES; l++)
        for (int i = 0; i < 49; i++) {
            double want = 0;
            for (int k = 0; k < 2; k++)
                want += 150 * central_unit(&m[l], t[i] - 12 * k - lag);
            close_to(out[(i * nr + GS_Y_CENTRAL) * GS_LANES + (size_t)l], want, "lane central",
                     t[i]);
        }
    free(out);
    gs_event_list_release(&ev);
}

/* Steady state of 150 mg every 12 h: the central amount just before a dose is the sum of every
 * earlier dose's contribution (superposition; 400 intervals, where the slowest term has decayed
 * by e^-(lambda_3 4800 h) < 1e-30). */
static void steady_state(void **state)
{
    (void)state;
    double x[GS_MAX_BODY];
    struct gs_error err = GS_ERROR_INIT;
    struct gs_simulate_steady_state_request rq = {&model, 150, GS_CMT_DEPOT, 12, &tight};
    assert_int_equal(gs_simulate_steady_state(&rq, x, NULL, &err), GS_OK);
    double want = 0, lag = par(&model, "tlag");
    for (int k = 1; k <= 400; k++)
        want += 150 * central_unit(&model, 12.0 * k - lag);
    close_to(x[1], want, "steady-state trough central amount", 0);
    assert_true(x[2] > 0 && x[3] > 0);
}

/* A dose record into a peripheral compartment (CMT 3), as a dataset gives it. */
static void dose_into_peripheral(void **state)
{
    (void)state;
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    struct gs_event e = {0, GS_EVID_DOSE, 100, 3, 0, 0, 0, 0, 0};
    assert_int_equal(gs_event_list_push(&ev, &e), GS_OK);
    double t[25];
    for (int i = 0; i < 25; i++)
        t[i] = 2.0 * i;
    struct gs_profile p = GS_PROFILE_INIT;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_simulate(&model, &ev, t, 25, &tight, &p, &err), GS_OK);
    for (int i = 0; i < 25; i++) {
        close_to(p.y[i * GS_N_STATES + GS_Y_CENTRAL], 100 * central_from_p2(&model, t[i]),
                 "central amount after a dose into CMT 3", t[i]);
        assert_true(gs_simulate_mass_balance_error(&p, (size_t)i) < 1e-8);
    }
    gs_simulate_profile_release(&p);
    gs_event_list_release(&ev);
}

/* Both peripheral compartments turned off (EVID 2, CMT -3 and -4) before an oral dose: held
 * empty, what flows into them leaves the system (mrgsolve: an off compartment's derivative is
 * zeroed), so the central amount is a one-compartment Bateman curve with elimination
 * (CL + Q2 + Q3) / V; the lost drug is counted as eliminated, so the mass balance holds. */
static void peripheral_off(void **state)
{
    (void)state;
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    struct gs_event off3 = {0, GS_EVID_OTHER, 0, -3, 0, 0, 0, 0, 0};
    struct gs_event off4 = {0, GS_EVID_OTHER, 0, -4, 0, 0, 0, 0, 0};
    struct gs_event d = {0, GS_EVID_DOSE, 150, GS_CMT_DEPOT, 0, 0, 0, 0, 0};
    assert_int_equal(gs_event_list_push(&ev, &off3), GS_OK);
    assert_int_equal(gs_event_list_push(&ev, &off4), GS_OK);
    assert_int_equal(gs_event_list_push(&ev, &d), GS_OK);
    double t[25];
    for (int i = 0; i < 25; i++)
        t[i] = 0.5 * i;
    struct gs_profile p = GS_PROFILE_INIT;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_simulate(&model, &ev, t, 25, &tight, &p, &err), GS_OK);
    double ka = par(&model, "ka"), v = par(&model, "V"), lag = par(&model, "tlag"),
           k = (par(&model, "CL") + par(&model, "Q2") + par(&model, "Q3")) / v;
    for (int i = 0; i < 25; i++) {
        double s = t[i] - lag,
               want = s > 0 ? 150 * ka / (ka - k) * (exp(-k * s) - exp(-ka * s)) : 0.0;
        close_to(p.y[i * GS_N_STATES + GS_Y_CENTRAL], want, "central amount, peripherals off",
                 t[i]);
        assert_true(p.y_extra[i * 2] == 0.0 && p.y_extra[i * 2 + 1] == 0.0);
        assert_true(gs_simulate_mass_balance_error(&p, (size_t)i) < 1e-8);
    }
    gs_simulate_profile_release(&p);
    gs_event_list_release(&ev);
}

/* The central compartment turned off (EVID 2, CMT -2) 6 h after an oral dose, with peripheral
 * compartments that read it: held empty by the propagator, so the depot and the peripheral
 * compartments drain by their own rates into nothing (depot D e^(-ka (t - tlag)), peripheral
 * P(6 h) e^(-k21 (t - 6 h)): closed forms), and the lost drug is counted as eliminated. */
static void central_off(void **state)
{
    (void)state;
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    struct gs_event d = {0, GS_EVID_DOSE, 150, GS_CMT_DEPOT, 0, 0, 0, 0, 0};
    struct gs_event off = {0.5, GS_EVID_OTHER, 0, -2, 0, 0, 0, 0, 0};
    assert_int_equal(gs_event_list_push(&ev, &d), GS_OK);
    assert_int_equal(gs_event_list_push(&ev, &off), GS_OK);
    double t[13];
    for (int i = 0; i < 13; i++)
        t[i] = 0.5 + 0.5 * i;
    struct gs_profile p = GS_PROFILE_INIT;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_simulate(&model, &ev, t, 13, &tight, &p, &err), GS_OK);
    double lam[3], k21, k31, ka = par(&model, "ka"), lag = par(&model, "tlag");
    rates(&model, lam, &k21, &k31);
    for (int i = 0; i < 13; i++) {
        close_to(p.y[i * GS_N_STATES + GS_Y_DEPOT], 150 * exp(-ka * (t[i] - lag)), "depot", t[i]);
        assert_true(p.y[i * GS_N_STATES + GS_Y_CENTRAL] == 0.0);
        close_to(p.y_extra[i * 2], p.y_extra[0] * exp(-k21 * (t[i] - 0.5)), "peripheral 1", t[i]);
        close_to(p.y_extra[i * 2 + 1], p.y_extra[1] * exp(-k31 * (t[i] - 0.5)), "peripheral 2",
                 t[i]);
        assert_true(gs_simulate_mass_balance_error(&p, (size_t)i) < 1e-8);
    }
    assert_true(p.y_extra[0] > 0.1); /* the peripheral compartments held drug at the off record */
    gs_simulate_profile_release(&p);
    gs_event_list_release(&ev);
}

static void refusals(void **state)
{
    (void)state;
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    struct gs_event e = {0, GS_EVID_DOSE, 100, 5, 0, 0, 0, 0, 0};
    assert_int_equal(gs_event_list_push(&ev, &e), GS_OK);
    double t = 1;
    struct gs_profile p = GS_PROFILE_INIT;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_simulate(&model, &ev, &t, 1, &tight, &p, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "compartments 1 to 4"));
    gs_event_list_release(&ev);

    /* 17 parameters: more than a structure holds */
    char text[1024] = "$PARAM\nV = 10 L\nCL = 1 L/h\n";
    for (int i = 0; i < 15; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "P%d = 1 1\n", i);
    strcat(text, "$CMT DEPOT CENT\n$ODE\ndxdt_DEPOT = -DEPOT\ndxdt_CENT = DEPOT - CL / V * CENT\n");
    gs_model_file *m = NULL;
    const struct gs_structure *s = NULL;
    assert_int_equal(gs_model_file_parse(&m, text, strlen(text), "p17.model", &err), GS_OK);
    assert_int_equal(gs_model_file_structure(m, &s, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "more than 16 parameters"));
    gs_model_file_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(structure_shape),
        cmocka_unit_test(one_subject),
        cmocka_unit_test(lanes),
        cmocka_unit_test(steady_state),
        cmocka_unit_test(dose_into_peripheral),
        cmocka_unit_test(peripheral_off),
        cmocka_unit_test(central_off),
        cmocka_unit_test(refusals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
