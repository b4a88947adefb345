/* test_units.c - quantities with units at the boundary. */
#include "../test_util.h"

static double parse_ok(const char *text, enum gs_dim dim)
{
    double v = NAN;
    struct gs_error err = GS_ERROR_INIT;
    gs_status st = gs_units_parse_quantity(text, dim, "--x", &v, &err);
    if (st != GS_OK) {
        print_error("'%s': %s\n", text, err.msg);
        fail();
    }
    return v;
}

static void parse_bad(const char *text, enum gs_dim dim, const char *must_contain)
{
    double v = -1.0;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_units_parse_quantity(text, dim, "--x", &v, &err), GS_INPUT);
    assert_true(v == -1.0); /* output untouched on error */
    assert_non_null(strstr(err.msg, "'--x'"));
    assert_non_null(strstr(err.msg, must_contain));
}

static void converts_to_internal_units(void **state)
{
    (void)state;
    assert_rel(parse_ok("300mg", GS_DIM_DOSE), 300.0, 1e-15);
    assert_rel(parse_ok("1.2g", GS_DIM_DOSE), 1200.0, 1e-15);
    assert_rel(parse_ok("8 h", GS_DIM_TIME), 8.0, 1e-15);
    assert_rel(parse_ok("90min", GS_DIM_TIME), 1.5, 1e-15);
    assert_rel(parse_ok("2d", GS_DIM_TIME), 48.0, 1e-15);
    assert_rel(parse_ok("1w", GS_DIM_TIME), 168.0, 1e-15);
    assert_rel(parse_ok("1.2mg/dL", GS_DIM_SCR), 1.2, 1e-15);
    /* 88.4 umol/L per mg/dL (creatinine MW 113.12 g/mol) */
    assert_rel(parse_ok("106umol/L", GS_DIM_SCR), 106.0 / 88.4, 1e-15);
    assert_rel(parse_ok("106\xC2\xB5mol/L", GS_DIM_SCR), 106.0 / 88.4, 1e-15);
    assert_rel(parse_ok("154lb", GS_DIM_WEIGHT), 154.0 * 0.45359237, 1e-15);
    assert_rel(parse_ok("1.7m", GS_DIM_HEIGHT), 170.0, 1e-15);
    assert_rel(parse_ok("45", GS_DIM_CRCL), 45.0, 1e-15); /* documented default unit */
    assert_rel(parse_ok("72", GS_DIM_AGE), 72.0, 1e-15);
}

static void rejects_bad_quantities(void **state)
{
    (void)state;
    parse_bad("300 mgs", GS_DIM_DOSE, "unknown unit 'mgs'");
    parse_bad("8hrs", GS_DIM_TIME, "unknown unit 'hrs'");
    parse_bad("300", GS_DIM_DOSE, "no unit");
    parse_bad("", GS_DIM_DOSE, "empty");
    parse_bad("abc", GS_DIM_DOSE, "expected a number");
    parse_bad("infmg", GS_DIM_DOSE, "expected a number");
    parse_bad("nanmg", GS_DIM_DOSE, "expected a number");
    parse_bad("1e999mg", GS_DIM_DOSE, "expected a number");
    parse_bad("0x10mg", GS_DIM_DOSE, "expected a number");
    parse_bad("1.2mg/dl", GS_DIM_SCR, "unknown unit");
    parse_bad("70kg", GS_DIM_DOSE, "unknown unit 'kg'"); /* right unit, wrong dimension */
}

static void counts(void **state)
{
    (void)state;
    long v = 0;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_units_parse_count("14", "--n", 100, &v, &err), GS_OK);
    assert_int_equal(v, 14);
    assert_int_equal(gs_units_parse_count("-1", "--n", 100, &v, &err), GS_INPUT);
    assert_int_equal(gs_units_parse_count("1.5", "--n", 100, &v, &err), GS_INPUT);
    assert_int_equal(gs_units_parse_count("101", "--n", 100, &v, &err), GS_INPUT);
    assert_int_equal(gs_units_parse_count("99999999999999999999999", "--n", 100, &v, &err),
                     GS_INPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(converts_to_internal_units),
        cmocka_unit_test(rejects_bad_quantities),
        cmocka_unit_test(counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
