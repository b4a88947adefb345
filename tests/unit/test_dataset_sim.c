/* test_dataset_sim.c - NONMEM-style datasets through the engine, against hand-worked answers.
 *
 * The drug is a plain one-compartment oral model (ka 1 /h, V 10 L, CL 1 L/h x CRCL/100, no lag,
 * F 1) so that every expected value below is a textbook formula written out in the test, not a
 * number produced by gabasim. Closed-form engine: agreement to 1e-10 relative. */
#include "../test_util.h"
#include "gabasim/dataset_sim.h"

static const char *drug_json =
    "{\"schema\":\"gabasim-drug/1\",\"name\":\"t\",\"title\":\"test\",\"model\":{"
    "\"structure\":\"oral_1cmt_linear\",\"parameters\":{"
    "\"ka\":{\"value\":1,\"unit\":\"1/h\",\"source\":\"test\"},"
    "\"V\":{\"value\":10,\"unit\":\"L\",\"source\":\"test\"},"
    "\"CL\":{\"value\":1,\"unit\":\"L/h\",\"source\":\"test\",\"covariates\":[{\"covariate\":"
    "\"crcl\",\"form\":\"power\",\"reference\":100,\"exponent\":1}]}},"
    "\"variability\":{\"CL\":{\"omega_sd\":0.3,\"bov_sd\":0.2,\"source\":\"test\"}},"
    "\"residual\":{\"additive_mg_L\":0.1,\"source\":\"test\"}},"
    "\"limits\":{\"max_dose\":{\"value\":1000,\"unit\":\"mg\",\"source\":\"test\"}}}";

static const double KA = 1.0, V = 10.0;

/* Bateman: concentration t h after D mg into the depot, elimination rate k. */
static double bateman(double d, double t, double k)
{
    return t < 0 ? 0.0 : d * KA / (V * (KA - k)) * (exp(-k * t) - exp(-KA * t));
}

/* Steady state of D every tau, t h after a dose (geometric series of Batemans). */
static double steady(double d, double tau, double t, double k)
{
    return d * KA / (V * (KA - k)) *
           (exp(-k * t) / (1 - exp(-k * tau)) - exp(-KA * t) / (1 - exp(-KA * tau)));
}

struct run {
    gs_dataset *ds;
    double pred[64], ipred[64], dv[64];
};

/* how the next dataset is read (tests of --covariates locf and --drop set it, then reset it) */
static struct gs_dataset_options read_opt = GS_DATASET_OPTIONS_INIT;

static gs_status simulate(const char *csv, struct run *r, int random, struct gs_error *err)
{
    gs_drug *d = NULL;
    assert_int_equal(gs_drug_parse(&d, drug_json, strlen(drug_json), "t.json", NULL), GS_OK);
    struct gs_patient pt;
    gs_patient_init(&pt);
    assert_int_equal(gs_patient_resolve(&pt, NULL), GS_OK); /* CrCl 100: k = 0.1 /h */
    struct gs_variability var;
    assert_int_equal(gs_variability_from_drug(d, random ? 1.0 : 0.0, &var, NULL), GS_OK);
    gs_status st = gs_dataset_parse_with(&r->ds, csv, strlen(csv), "d.csv", &read_opt, err);
    if (st == GS_OK) {
        assert_true(gs_dataset_n_rows(r->ds) <= 64);
        struct gs_dataset_sim_config c = {r->ds, d, &var, &pt, GS_SIM_OPTIONS_DEFAULT, 7, 2};
        st = gs_dataset_simulate(&c, r->pred, r->ipred, r->dv, err);
    }
    gs_drug_free(d);
    return st;
}

#define H "ID,TIME,AMT,EVID,CMT,II,ADDL,SS,MDV,DV\n"

static void check(const char *csv, const double *want, size_t n_rows)
{
    struct run r = {0};
    struct gs_error err = GS_ERROR_INIT;
    if (simulate(csv, &r, 0, &err) != GS_OK) {
        print_error("%s\n", err.msg);
        fail();
    }
    assert_int_equal(gs_dataset_n_rows(r.ds), n_rows);
    for (size_t i = 0; i < n_rows; i++) {
        if (isnan(want[i])) {
            assert_true(isnan(r.pred[i]));
            continue;
        }
        if (!(fabs(r.pred[i] - want[i]) <= 1e-10 * fmax(fabs(want[i]), 1e-3))) {
            print_error("row %zu: PRED %.15g, expected %.15g\n", i, r.pred[i], want[i]);
            fail();
        }
        assert_true(r.ipred[i] == r.pred[i]); /* no random effects */
    }
    gs_dataset_free(r.ds);
}

static const double k = 0.1;

static void evid1_single_dose_and_iv_bolus(void **state)
{
    (void)state;
    const double w[] = {NAN, bateman(100, 1, k), bateman(100, 5, k), bateman(100, 24, k)};
    check(H "1,0,100,1,1,0,0,0,1,.\n1,1,.,0,2,.,.,.,0,.\n1,5,.,0,2,.,.,.,0,.\n"
            "1,24,.,0,2,.,.,.,1,.\n",
          w, 4); /* MDV 1 on an observation record: still predicted */
    const double iv[] = {NAN, 100 / V * exp(-k * 3)};
    check(H "1,0,100,1,2,0,0,0,1,.\n1,3,.,0,2,.,.,.,0,.\n", iv, 2);
}

static void addl_expands_to_repeated_doses(void **state)
{
    (void)state;
    const double w[] = {NAN, bateman(100, 30, k) + bateman(100, 18, k) + bateman(100, 6, k)};
    check(H "1,0,100,1,1,12,2,0,1,.\n1,30,.,0,2,.,.,.,0,.\n", w, 2);
}

static void ss1_and_ss1_with_addl(void **state)
{
    (void)state;
    const double w[] = {NAN, steady(100, 12, 6, k)};
    check(H "1,0,100,1,1,12,0,1,1,.\n1,6,.,0,2,.,.,.,0,.\n", w, 2);
    /* SS with ADDL 1: the extra dose at 12 h keeps the steady state */
    const double w2[] = {NAN, steady(100, 12, 6, k), steady(100, 12, 6, k)};
    check(H "1,0,100,1,1,12,1,1,1,.\n1,18,.,0,2,.,.,.,0,.\n1,18,.,0,2,.,.,.,0,.\n", w2, 3);
}

static void ss2_adds_a_steady_state(void **state)
{
    (void)state;
    /* 100 mg at 0; at 12 h a record adds the steady state of 50 mg every 24 h and gives 50 mg */
    const double w[] = {NAN, NAN, bateman(100, 15, k) + steady(50, 24, 3, k)};
    check(H "1,0,100,1,1,0,0,0,1,.\n1,12,50,1,1,24,0,2,1,.\n1,15,.,0,2,.,.,.,0,.\n", w, 3);
}

static void evid3_reset_evid4_reset_dose_evid2_other(void **state)
{
    (void)state;
    const double w[] = {NAN, bateman(100, 6, k), NAN, NAN, 0.0, NAN, bateman(80, 2, k)};
    check(H "1,0,100,1,1,0,0,0,1,.\n1,6,.,0,2,.,.,.,0,.\n1,8,.,2,.,.,.,.,1,.\n"
            "1,20,.,3,.,.,.,.,1,.\n1,21,.,0,2,.,.,.,0,.\n1,30,80,4,1,0,0,0,1,.\n"
            "1,32,.,0,2,.,.,.,0,.\n",
          w, 7);
}

/* CRCL 100 until 10 h, then 50 (LOCF): k goes from 0.1 to 0.05 at 10 h. */
static void time_varying_covariate_locf(void **state)
{
    (void)state;
    double k1 = 0.1, k2 = 0.05, t1 = 10, tau = 6;
    double ag = 100 * exp(-KA * t1);
    double ac = 100 * KA / (KA - k1) * (exp(-k1 * t1) - exp(-KA * t1));
    double c = (ac * exp(-k2 * tau) + ag * KA / (KA - k2) * (exp(-k2 * tau) - exp(-KA * tau))) / V;
    const double w[] = {NAN, bateman(100, 4, k1), NAN, c};
    const char *csv = "ID,TIME,AMT,EVID,CMT,II,ADDL,SS,MDV,DV,CRCL\n1,0,100,1,1,0,0,0,1,.,100\n"
                      "1,4,.,0,2,.,.,.,0,.,.\n1,10,.,2,.,.,.,.,1,.,50\n1,16,.,0,2,.,.,.,0,.,.\n";
    read_opt.fill = GS_FILL_LOCF; /* --covariates locf: CrCl 100 until 10 h, then 50 */
    check(csv, w, 4);
    read_opt.fill = GS_FILL_NOCB;
    /* NOCB (the default, NONMEM's and mrgsolve's): the advance to each record uses that
     * record's value, the 4 h record's '.' meaning "unchanged" (100): k1 until 4 h, then the
     * 10 h record's CrCl 50 over (4, 10] and on */
    double g4 = 100 * exp(-KA * 4), c4 = 100 * KA / (KA - k1) * (exp(-k1 * 4) - exp(-KA * 4));
    const double nocb[] = {
        NAN, bateman(100, 4, k1), NAN,
        (c4 * exp(-k2 * 12) + g4 * KA / (KA - k2) * (exp(-k2 * 12) - exp(-KA * 12))) / V};
    check(csv, nocb, 4);
}

static void random_effects_and_errors(void **state)
{
    (void)state;
    struct run r = {0};
    struct gs_error err = GS_ERROR_INIT;
    const char *csv = H "1,0,100,1,1,0,0,0,1,.\n1,5,.,0,2,.,.,.,0,.\n"
                        "2,0,100,1,1,0,0,0,1,.\n2,5,.,0,2,.,.,.,0,.\n";
    assert_int_equal(simulate(csv, &r, 1, &err), GS_OK);
    assert_rel(r.pred[1], bateman(100, 5, k), 1e-10);
    assert_true(r.ipred[1] != r.pred[1] && r.ipred[3] != r.ipred[1]); /* subjects differ */
    assert_true(r.dv[1] != r.ipred[1]);                               /* residual error */
    gs_dataset_free(r.ds);

    /* occasions: a new OCC value redraws the between-occasion effect (IPRED only) */
    struct run one = {0}, two = {0};
    const char *occ1 = "ID,TIME,AMT,EVID,CMT,OCC\n1,0,100,1,1,1\n1,5,.,0,2,1\n1,24,100,1,1,1\n"
                       "1,29,.,0,2,1\n";
    const char *occ2 = "ID,TIME,AMT,EVID,CMT,OCC\n1,0,100,1,1,1\n1,5,.,0,2,1\n1,24,100,1,1,2\n"
                       "1,29,.,0,2,2\n";
    assert_int_equal(simulate(occ1, &one, 1, &err), GS_OK);
    assert_int_equal(simulate(occ2, &two, 1, &err), GS_OK);
    assert_true(one.ipred[1] == two.ipred[1]); /* first occasion: same draws */
    assert_true(one.ipred[3] != two.ipred[3]); /* second occasion: a new effect */
    assert_true(one.pred[3] == two.pred[3]);   /* PRED is typical, no occasion effect */
    gs_dataset_free(one.ds);
    gs_dataset_free(two.ds);

    /* a covariate outside the patient limits names the file and line */
    struct run bad = {0};
    assert_int_equal(simulate("ID,TIME,AMT,EVID,CRCL\n1,0,100,1,90\n1,2,.,0,300\n", &bad, 0, &err),
                     GS_INPUT);
    assert_non_null(strstr(err.msg, "d.csv: line 3"));
    assert_non_null(strstr(err.msg, "300"));
    gs_dataset_free(bad.ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(evid1_single_dose_and_iv_bolus),
        cmocka_unit_test(addl_expands_to_repeated_doses),
        cmocka_unit_test(ss1_and_ss1_with_addl),
        cmocka_unit_test(ss2_adds_a_steady_state),
        cmocka_unit_test(evid3_reset_evid4_reset_dose_evid2_other),
        cmocka_unit_test(time_varying_covariate_locf),
        cmocka_unit_test(random_effects_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
