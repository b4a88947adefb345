/* test_label_check.c - the regimen and level checks that simulate, population and advise print
 * (gabasim/label_check.h), against the labels' numbers: Neurontin label 2.4 bands (>= 60:
 * 900-3600 mg/day; 30-59: 400-1400; 15-29: 200-700; below 15: 100-300 reduced in proportion to
 * CrCl, so at CrCl 7.5 at most 150 mg/day; haemodialysis: the CrCl-15 column), label 2.1/2.2
 * (at most 3600 mg/day); Lyrica label 2.x bands (>= 60: 150-600; 30-60: 75-300; 15-30: 25-150;
 * below 15: 25-75). Exact: these are lookups; the 1e-9 margin is the check's own rounding
 * allowance. The reference range is the drug file's (gabapentin 2-20 mg/L: ARUP test 0090057,
 * Patsalos et al. 2008). */
#include "../test_util.h"

/* The band maximum is allowed, a milligram more is not. */
static void above_band_edges(void **state)
{
    (void)state;
    gs_drug *g = load_drug("gabapentin"), *p = load_drug("pregabalin");
    static const struct {
        const char *drug;
        double crcl, max_daily;
    } rows[] = {
        {"gabapentin", 100, 3600}, {"gabapentin", 60, 3600},  {"gabapentin", 59.9, 1400},
        {"gabapentin", 30, 1400},  {"gabapentin", 29.9, 700}, {"gabapentin", 15, 700},
        {"gabapentin", 7.5, 150},  {"gabapentin", -1, 300},   {"pregabalin", 100, 600},
        {"pregabalin", 60, 600},   {"pregabalin", 45, 300},   {"pregabalin", 30, 300},
        {"pregabalin", 20, 150},   {"pregabalin", 15, 150},   {"pregabalin", 10, 75},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const gs_drug *d = strcmp(rows[i].drug, "gabapentin") == 0 ? g : p;
        struct gs_patient pt = patient_at_crcl(rows[i].crcl);
        if (gs_label_above_band(d, &pt, rows[i].max_daily) ||
            !gs_label_above_band(d, &pt, rows[i].max_daily + 1.0)) {
            print_error("%s CrCl %g: the band maximum should be %g mg/day\n", rows[i].drug,
                        rows[i].crcl, rows[i].max_daily);
            fail();
        }
    }
    gs_drug_free(g);
    gs_drug_free(p);
}

static void levels_beside_range(void **state)
{
    (void)state;
    gs_drug *g = load_drug("gabapentin");
    const struct gs_reference_range *r = gs_drug_reference_range(g);
    assert_non_null(r);
    assert_true(r->low_mg_l == 2.0 && r->high_mg_l == 20.0);
    assert_int_equal(gs_label_level_of(r, 1.99), GS_LABEL_LEVEL_BELOW);
    assert_int_equal(gs_label_level_of(r, 2.0), GS_LABEL_LEVEL_WITHIN);
    assert_int_equal(gs_label_level_of(r, 20.0), GS_LABEL_LEVEL_WITHIN);
    assert_int_equal(gs_label_level_of(r, 20.01), GS_LABEL_LEVEL_ABOVE);
    assert_int_equal(gs_label_level_of(r, NAN), GS_LABEL_LEVEL_UNKNOWN);
    assert_int_equal(gs_label_level_of(NULL, 5.0), GS_LABEL_LEVEL_UNKNOWN);
    struct gs_label_check c;
    gs_label_check_levels(g, NAN, 3.5, &c); /* a single dose: no trough */
    assert_int_equal(c.trough_level, GS_LABEL_LEVEL_UNKNOWN);
    assert_int_equal(c.peak_level, GS_LABEL_LEVEL_WITHIN);
    assert_true(strstr(c.range->caveat, "not a target") != NULL);
    gs_drug_free(g);
}

/* The regimen check: warnings first; a single dose only against the daily maximum. */
static void regimen_findings(void **state)
{
    (void)state;
    gs_drug *g = load_drug("gabapentin");
    struct gs_error err = GS_ERROR_INIT;
    struct gs_regimen reg;
    struct gs_label_check c;
    struct gs_patient pt = patient_at_crcl(20);
    gs_regimen_init(&reg);
    reg.steps[0] = (struct gs_regimen_step){.start_h = 0, .dose_mg = 1200, .ii_h = 8};
    reg.n_steps = 1;
    reg.end_h = 72;
    assert_int_equal(gs_label_check_regimen(g, &pt, &reg, 0, &c, &err), GS_OK);
    assert_true(c.has_rules && c.n_findings >= 2);
    for (size_t i = 1; i < c.n_findings; i++)
        assert_true(c.findings[i - 1].level >= c.findings[i].level);
    assert_true(strstr(c.findings[0].text, "700 mg/day") != NULL);
    /* 3000 mg once: a single dose within 3600 mg/day; 4000 mg once: above it */
    reg.steps[0].dose_mg = 3000;
    assert_int_equal(gs_label_check_regimen(g, &pt, &reg, 1, &c, &err), GS_OK);
    assert_int_equal(c.n_findings, 0);
    reg.steps[0].dose_mg = 4000;
    assert_int_equal(gs_label_check_regimen(g, &pt, &reg, 1, &c, &err), GS_OK);
    assert_int_equal(c.n_findings, 1);
    assert_int_equal(c.findings[0].level, GS_FINDING_WARNING);
    /* a drug without dosing rules: nothing to check, said so */
    gs_drug *b = load_drug("baclofen");
    assert_int_equal(gs_label_check_regimen(b, &pt, &reg, 0, &c, &err), GS_OK);
    assert_int_equal(c.has_rules, 0);
    assert_int_equal(gs_label_above_band(b, &pt, 1e4), 0);
    gs_drug_free(b);
    gs_drug_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(above_band_edges),
        cmocka_unit_test(levels_beside_range),
        cmocka_unit_test(regimen_findings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
