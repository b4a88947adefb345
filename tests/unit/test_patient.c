/* test_patient.c - kidney-function equations against the worked vectors of
 * docs/reference.md section 8 (computed there from the published equations:
 * Cockcroft & Gault, Nephron 1976;16:31; Inker et al., N Engl J Med 2021;385:1737) and the NKF
 * worked example (CKD-EPI 2021, woman 55 y, SCr 0.9 mg/dL: about 76 mL/min/1.73 m2, which the
 * reference's own vector, 75.5, refines).
 * The vectors are printed to 0.1, so the tolerance is the rounding half-width, 0.05. */
#include "../test_util.h"

static void cockcroft_gault_vectors(void **state)
{
    (void)state;
    assert_between(gs_patient_cockcroft_gault(40, 70, 1.0, GS_SEX_MALE), 97.2 - 0.05, 97.2 + 0.05);
    assert_between(gs_patient_cockcroft_gault(70, 70, 1.0, GS_SEX_MALE), 68.1 - 0.05, 68.1 + 0.05);
    assert_between(gs_patient_cockcroft_gault(80, 60, 1.2, GS_SEX_FEMALE), 35.4 - 0.05,
                   35.4 + 0.05);
    assert_between(gs_patient_cockcroft_gault(55, 80, 2.0, GS_SEX_MALE), 47.2 - 0.05, 47.2 + 0.05);
    assert_between(gs_patient_cockcroft_gault(65, 55, 1.0, GS_SEX_FEMALE), 48.7 - 0.05,
                   48.7 + 0.05);
}

static void ckd_epi_2021_vectors(void **state)
{
    (void)state;
    const struct {
        enum gs_sex sex;
        double age, scr, egfr;
    } v[] = {
        {GS_SEX_FEMALE, 55, 0.9, 75.5}, {GS_SEX_MALE, 55, 0.9, 100.9},
        {GS_SEX_MALE, 40, 1.0, 97.6},   {GS_SEX_MALE, 70, 1.5, 49.8},
        {GS_SEX_FEMALE, 80, 1.2, 45.8}, {GS_SEX_FEMALE, 30, 0.6, 123.8},
        {GS_SEX_MALE, 65, 2.5, 27.8},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        assert_between(gs_patient_ckd_epi_2021(v[i].age, v[i].scr, v[i].sex), v[i].egfr - 0.05,
                       v[i].egfr + 0.05);
}

static void resolve_from_creatinine_in_umol(void **state)
{
    (void)state;
    struct gs_patient p;
    gs_patient_init(&p);
    p.age_y = 70;
    p.sex = GS_SEX_MALE;
    p.weight_kg = 70;
    p.scr_mg_dl = 88.4 / 88.4; /* 88.4 umol/L */
    p.height_cm = 175;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_patient_resolve(&p, &err), GS_OK);
    assert_int_equal(p.crcl_source, GS_CRCL_COCKCROFT);
    assert_between(p.crcl_ml_min, 68.05, 68.15);
    assert_false(isnan(p.egfr_ml_min_173));
    /* Devine: 50 + 2.3 * (175/2.54 - 60) = 70.47 kg */
    assert_rel(p.ibw_kg, 50.0 + 2.3 * (175.0 / 2.54 - 60.0), 1e-12);
    assert_rel(p.bmi_kg_m2, 70.0 / (1.75 * 1.75), 1e-12);
}

static void rejects_implausible_and_contradictory(void **state)
{
    (void)state;
    struct gs_patient p;
    struct gs_error err = GS_ERROR_INIT;

    gs_patient_init(&p);
    p.age_y = 130;
    assert_int_equal(gs_patient_resolve(&p, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "'--age' is 130"));

    gs_patient_init(&p);
    p.crcl_given_ml_min = 300;
    assert_int_equal(gs_patient_resolve(&p, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "'--crcl' is 300"));

    gs_patient_init(&p);
    p.crcl_given_ml_min = 0;
    assert_int_equal(gs_patient_resolve(&p, &err), GS_INPUT);

    gs_patient_init(&p);
    p.scr_mg_dl = 1.0;
    p.age_y = 50;
    assert_int_equal(gs_patient_resolve(&p, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "--sex"));

    gs_patient_init(&p);
    p.haemodialysis = 1;
    p.crcl_given_ml_min = 90;
    assert_int_equal(gs_patient_resolve(&p, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "--dialysis"));

    gs_patient_init(&p);
    p.haemodialysis = 1;
    assert_int_equal(gs_patient_resolve(&p, &err), GS_OK);
    assert_int_equal(p.crcl_source, GS_CRCL_DIALYSIS);
    assert_true(p.crcl_ml_min == 0.0);

    gs_patient_init(&p);
    assert_int_equal(gs_patient_resolve(&p, &err), GS_OK);
    assert_int_equal(p.crcl_source, GS_CRCL_DEFAULT);
    assert_true(p.crcl_ml_min == GS_CRCL_DEFAULT_ML_MIN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cockcroft_gault_vectors),
        cmocka_unit_test(ckd_epi_2021_vectors),
        cmocka_unit_test(resolve_from_creatinine_in_umol),
        cmocka_unit_test(rejects_implausible_and_contradictory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
