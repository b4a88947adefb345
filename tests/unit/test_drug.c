/* test_drug.c - drug files: loading, validation messages, individualisation, out-of-memory. */
#include <stdlib.h>

#include "../test_util.h"

static void library_files_load_with_sources(void **state)
{
    (void)state;
    char **names = NULL;
    size_t n = 0;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_drug_list(&names, &n, &err), GS_OK);
    assert_true(n >= 2);
    int seen = 0;
    for (size_t i = 0; i < n; i++) {
        gs_drug *d = load_drug(names[i]);
        seen += strcmp(names[i], "gabapentin") == 0 || strcmp(names[i], "pregabalin") == 0;
        /* medical honesty: every parameter has a source, every drug a dose ceiling with one */
        for (size_t k = 0; k < gs_drug_param_count(d); k++) {
            struct gs_drug_param_info p;
            gs_drug_param_info(d, k, &p);
            assert_true(strlen(p.source) > 10);
            assert_true(isfinite(p.value));
        }
        assert_true(strlen(gs_drug_max_dose_source(d)) > 10);
        gs_drug_free(d);
        gs_free(names[i]);
    }
    gs_free(names);
    assert_int_equal(seen, 2);
}

static gs_status parse(const char *json, struct gs_error *err)
{
    gs_drug *d = NULL;
    gs_status st = gs_drug_parse(&d, json, strlen(json), "t.json", err);
    if (st == GS_OK)
        assert_non_null(d);
    else
        assert_null(d);
    gs_drug_free(d);
    return st;
}

#define HEAD       "{\"schema\":\"gabasim-drug/1\",\"name\":\"x\",\"title\":\"X\","
#define LIMITS     "\"limits\":{\"max_dose\":{\"value\":100,\"unit\":\"mg\",\"source\":\"test\"}}"
#define P(n, v, u) "\"" n "\":{\"value\":" #v ",\"unit\":\"" u "\",\"source\":\"src\"}"

static void invalid_files_name_the_field(void **state)
{
    (void)state;
    struct gs_error err = GS_ERROR_INIT;
    const char *good = HEAD "\"model\":{\"structure\":\"oral_1cmt_linear\",\"parameters\":{" P(
        "ka", 1.0, "1/h") "," P("V", 30, "L") "," P("CL", 4, "L/h") "}}," LIMITS "}";
    assert_int_equal(parse(good, &err), GS_OK);

    const struct {
        const char *json, *needle;
    } cases[] = {
        {"{\"schema\":", "line 1"},
        {"[]", "JSON object"},
        {HEAD "\"model\":{\"structure\":\"nope\",\"parameters\":{}}," LIMITS "}", "'nope'"},
        {HEAD "\"model\":{\"structure\":\"oral_1cmt_linear\",\"parameters\":{" P(
             "ka", 1.0, "1/min") "," P("V", 30, "L") "," P("CL", 4, "L/h") "}}," LIMITS "}",
         "ka.unit' is '1/min'; allowed: 1/h"},
        {HEAD "\"model\":{\"structure\":\"oral_1cmt_linear\",\"parameters\":{" P(
             "ka", 1.0, "1/h") "," P("V", 30, "L") "}}," LIMITS "}",
         "'model.parameters.CL' is missing"},
        {HEAD "\"model\":{\"structure\":\"oral_1cmt_linear\",\"parameters\":{" P(
             "ka", -1.0, "1/h") "," P("V", 30, "L") "," P("CL", 4, "L/h") "}}," LIMITS "}",
         "ka.value' is -1"},
        {HEAD "\"model\":{\"structure\":\"oral_1cmt_linear\",\"parameters\":{\"ka\":{\"value\":1,"
              "\"unit\":\"1/h\"}," P("V", 30, "L") "," P("CL", 4, "L/h") "}}," LIMITS "}",
         "ka.source' is missing"},
        {HEAD
         "\"model\":{\"structure\":\"oral_1cmt_linear\",\"parameters\":{" P("ka", 1.0, "1/h") "," P(
             "V", 30, "L") "," P("CL", 4, "L/h") "," P("Q", 1, "L/h") "}}," LIMITS "}",
         "not a parameter"},
        {HEAD "\"model\":{\"structure\":\"oral_1cmt_linear\",\"parameters\":{" P(
             "ka", 1.0, "1/h") "," P("V", 30, "L") "," P("CL", 4, "L/h") "}}}",
         "limits.max_dose"},
        {HEAD "\"model\":{\"structure\":\"oral_1cmt_linear\",\"parameters\":{" P(
             "ka", 1.0, "1/h") "," P("V", 30, "L") "," P("CL", 4, "L/h") "}}," LIMITS "} trailing",
         "malformed JSON"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        err.msg[0] = '\0';
        assert_int_equal(parse(cases[i].json, &err), GS_INPUT);
        if (strstr(err.msg, cases[i].needle) == NULL || strstr(err.msg, "t.json") == NULL) {
            print_error("case %zu: '%s' lacks '%s'\n", i, err.msg, cases[i].needle);
            fail();
        }
    }
}

/* Shoji 2011 Table 3, written out independently of the drug file's covariate machinery. */
static void pregabalin_individualisation_matches_shoji(void **state)
{
    (void)state;
    gs_drug *d = load_drug("pregabalin");
    struct gs_patient p;
    gs_patient_init(&p);
    p.age_y = 72;
    p.sex = GS_SEX_FEMALE;
    p.weight_kg = 68;
    p.height_cm = 160;
    p.scr_mg_dl = 1.1;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_patient_resolve(&p, &err), GS_OK);
    struct gs_model m;
    char notes[512] = "";
    assert_int_equal(gs_drug_individual_model(d, &p, &m, notes, sizeof notes, &err), GS_OK);
    assert_string_equal(notes, ""); /* every covariate was available */
    double ibw = 45.5 + 2.3 * (160 / 2.54 - 60), bmi = 68 / (1.6 * 1.6);
    double crcl = (140 - 72) * 68 / (72 * 1.1) * 0.85;
    double cl = 0.0462 * fmin(crcl, 107) * pow(ibw / 62, 0.354);
    double v = 35.6 * pow(ibw / 62, 0.819) * pow(bmi / 25, 0.525) * pow(72 / 59.0, -0.125) * 0.906;
    const struct gs_structure *s = gs_drug_structure(d);
    assert_rel(m.p[gs_model_structure_param_index(s, "CL")], cl, 1e-12);
    assert_rel(m.p[gs_model_structure_param_index(s, "V")], v, 1e-12);
    /* the CrCl cap at 107 mL/min */
    struct gs_model high = model_at_crcl(d, 150), capped = model_at_crcl(d, 107);
    assert_rel(high.p[gs_model_structure_param_index(s, "CL")],
               capped.p[gs_model_structure_param_index(s, "CL")], 1e-15);
    /* missing height: IBW and BMI at the reference, and said so */
    p.height_cm = NAN;
    p.ibw_kg = p.bmi_kg_m2 = NAN;
    notes[0] = '\0';
    assert_int_equal(gs_drug_individual_model(d, &p, &m, notes, sizeof notes, &err), GS_OK);
    assert_non_null(strstr(notes, "ibw taken at the reference 62 kg"));
    gs_drug_free(d);
}

static void dialysis_uses_anuric_clearance(void **state)
{
    (void)state;
    gs_drug *d = load_drug("gabapentin");
    struct gs_patient p;
    gs_patient_init(&p);
    p.haemodialysis = 1;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_patient_resolve(&p, &err), GS_OK);
    struct gs_model m;
    assert_int_equal(gs_drug_individual_model(d, &p, &m, NULL, 0, &err), GS_OK);
    const struct gs_structure *s = gs_drug_structure(d);
    double cl = m.p[gs_model_structure_param_index(s, "CL")];
    assert_rel(cl, gs_drug_anuric_cl(d), 0.0);
    /* Neurontin label 12.3: apparent half-life about 132 h in anuric patients */
    assert_rel(log(2.0) * m.p[gs_model_structure_param_index(s, "V")] / cl, 132.0, 0.01);
    gs_drug_free(d);
}

/* Every allocation failure in the parser returns GS_NOMEM and leaks nothing (ASan checks). */
static void parse_survives_allocation_failures(void **state)
{
    (void)state;
    const char *good = HEAD "\"model\":{\"structure\":\"oral_1cmt_linear\",\"parameters\":{" P(
        "ka", 1.0, "1/h") "," P("V", 30, "L") "," P("CL", 4, "L/h") "}}," LIMITS "}";
    int failures_seen = 0;
    for (long n = 1; n < 20; n++) {
        gs_alloc_fail_after(n);
        gs_drug *d = NULL;
        struct gs_error err = GS_ERROR_INIT;
        gs_status st = gs_drug_parse(&d, good, strlen(good), "t.json", &err);
        gs_alloc_fail_after(0);
        if (st == GS_OK) {
            assert_non_null(d);
            gs_drug_free(d);
            break;
        }
        assert_int_equal(st, GS_NOMEM);
        assert_null(d);
        failures_seen++;
    }
    assert_true(failures_seen >= 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(library_files_load_with_sources),
        cmocka_unit_test(invalid_files_name_the_field),
        cmocka_unit_test(pregabalin_individualisation_matches_shoji),
        cmocka_unit_test(dialysis_uses_anuric_clearance),
        cmocka_unit_test(parse_survives_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
