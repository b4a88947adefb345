/* test_dosing.c - the labels' renal dosing tables, reproduced band by band and at every band
 * edge (Neurontin label 2.4 table; Lyrica label renal table, as tabulated in docs/reference.md
 * sections 1.3 and 3.2), and the checks of proposed regimens. Exact values: these are lookups. */
#include "../test_util.h"
#include "gabasim/dosing.h"

static struct gs_dose_plan plan(const gs_drug *d, double crcl, double target)
{
    struct gs_patient p = patient_at_crcl(crcl);
    struct gs_dose_plan out;
    struct gs_error err = GS_ERROR_INIT;
    if (gs_dosing_recommend(d, &p, target, &out, &err) != GS_OK) {
        print_error("%s\n", err.msg);
        fail();
    }
    return out;
}

static void expect(const gs_drug *d, double crcl, double target, double dose, int per_day)
{
    struct gs_dose_plan p = plan(d, crcl, target);
    if (fabs(p.dose_mg - dose) > 1e-9 || p.per_day != per_day) {
        print_error("CrCl %g, target %g: %g mg x %d, expected %g mg x %d\n", crcl, target,
                    p.dose_mg, p.per_day, dose, per_day);
        fail();
    }
}

/* Neurontin label 2.4: >= 60: 300/400/600/800/1200 mg TID; 30-59: 200/300/400/500/700 BID;
 * 15-29: 200/300/400/500/700 QD; 15: 100/125/150/200/300 QD, reduced in proportion below 15;
 * haemodialysis: the CrCl 15 column plus 125/150/200/250/350 mg after each 4 h session.
 * Below 15 the proportional dose is made of the products (data/drugs/gabapentin.json
 * dosing.products.rounding): capsules when they make it, else the 50 mg/mL solution to 0.1 mL
 * (5 mg) rounded down, or up when rounding down would leave the label's band. */
static void gabapentin_label_table(void **state)
{
    (void)state;
    gs_drug *d = load_drug("gabapentin");
    const double top[5] = {300, 400, 600, 800, 1200}, mid[5] = {200, 300, 400, 500, 700};
    const double low[5] = {200, 300, 400, 500, 700}, bot[5] = {100, 125, 150, 200, 300};
    for (int k = 0; k < 5; k++) {
        expect(d, 100, 3 * top[k], top[k], 3);
        expect(d, 60, 3 * top[k], top[k], 3); /* edge 60: the >= 60 band */
        expect(d, 59.99, 2 * mid[k], mid[k], 2);
        expect(d, 30, 2 * mid[k], mid[k], 2); /* edge 30: the 30-59 band */
        expect(d, 29.99, low[k], low[k], 1);
        expect(d, 15, low[k], low[k], 1); /* edge 15: the 15-29 band */
    }
    /* CrCl 14.99: 99.93 -> 100 (95 would be below the band's 99.93), 124.9 -> 120, 149.9 ->
     * 145, 199.9 -> 195, 299.8 -> 295 mg */
    const double b1499[5] = {100, 120, 145, 195, 295};
    /* label: CrCl 7.5 -> half the 15 column: 50, 62.5 -> 60, 75, 100, 150 mg */
    const double b75[5] = {50, 60, 75, 100, 150};
    for (int k = 0; k < 5; k++) {
        expect(d, 14.99, bot[k], b1499[k], 1);
        expect(d, 7.5, bot[k], b75[k], 1);
    }
    expect(d, 250, NAN, 300, 3); /* no target: the label's starting column */
    const double hd[5] = {125, 150, 200, 250, 350};
    for (int k = 0; k < 5; k++) {
        struct gs_dose_plan p = plan(d, -1, bot[k]);
        assert_true(p.dose_mg == bot[k] && p.per_day == 1);
        assert_true(p.hd_supplement_mg[0] == hd[k]);
    }
    /* what makes a dose: 125 mg is no capsule sum, so 2.5 mL of the 50 mg/mL solution */
    struct gs_dose_plan p = plan(d, -1, 125);
    assert_string_equal(p.form, "2.5 mL of 50 mg/mL oral solution");
    assert_string_equal(p.hd_form[0], "3.0 mL of 50 mg/mL oral solution"); /* 150 mg */
    p = plan(d, 100, 3600);
    assert_string_equal(p.form, "1 x 800 mg tablet + 1 x 400 mg capsule");
    p = plan(d, 100, 900);
    assert_string_equal(p.form, "1 x 300 mg capsule");
    gs_drug_free(d);
}

/* Lyrica 2.7 Table 1: >= 60: 150/300/450/600 mg/day BID or TID; 30-60: 75/150/225/300; 15-30:
 * 25-50/75/100-150/150 QD or BID; < 15: 25/25-50/50-75/75 QD. The doses a day are the first of
 * the band's that capsules make, the start's first: at >= 60 twice a day (75 mg capsules); at
 * 30-60 three times (75 mg/day is 25 mg TID, 37.5 mg being no capsule), kept to 300 mg/day. */
static void pregabalin_label_table(void **state)
{
    (void)state;
    gs_drug *d = load_drug("pregabalin");
    const double top[4] = {150, 300, 450, 600}, mid[4] = {75, 150, 225, 300};
    for (int k = 0; k < 4; k++) {
        expect(d, 60, top[k], top[k] / 2, 2);
        expect(d, 59.99, mid[k], mid[k] / 3, 3);
        expect(d, 30, mid[k], mid[k] / 3, 3);
    }
    expect(d, 29.99, NAN, 25, 1); /* 15-30: first column 25-50 mg/day, low end, once daily */
    expect(d, 15, 75, 75, 1);
    expect(d, 14.99, NAN, 25, 1);
    expect(d, 14.99, 75, 75, 1);
    struct gs_dose_plan p = plan(d, -1, 75);
    assert_true(p.hd_supplement_mg[0] == 100 && p.hd_supplement_mg[1] == 150);
    gs_drug_free(d);
}

static size_t check(const gs_drug *d, double crcl, double dose, double every, size_t want_n,
                    const char *needle)
{
    struct gs_patient p = patient_at_crcl(crcl);
    struct gs_regimen r;
    gs_regimen_init(&r);
    r.n_steps = 1;
    r.steps[0] = (struct gs_regimen_step){0, dose, every};
    r.end_h = 168;
    struct gs_finding f[GS_MAX_FINDINGS];
    size_t n = 0;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_dosing_check(d, &p, &r, f, GS_MAX_FINDINGS, &n, &err), GS_OK);
    if (n != want_n || (needle && (n == 0 || strstr(f[0].text, needle) == NULL))) {
        print_error("CrCl %g, %g mg every %g h: %zu findings (%s), expected %zu with '%s'\n", crcl,
                    dose, every, n, n ? f[0].text : "", want_n, needle ? needle : "");
        fail();
    }
    return n;
}

static void proposed_regimens_are_checked(void **state)
{
    (void)state;
    gs_drug *d = load_drug("gabapentin");
    check(d, 100, 600, 8, 0, NULL);                        /* 1800 mg/day TID: within label */
    check(d, 45, 600, 8, 2, "above the label's 1400");     /* and TID where the band says BID */
    check(d, 80, 450, 12, 1, "2 doses a day");             /* BID where the label says TID */
    check(d, 80, 1600, 8, 2, "above the label's maximum"); /* 4800 mg/day */
    check(d, 100, 100, 8, 1, "below the label's");         /* 300 mg/day */
    check(d, 60, 1200, 8, 0, NULL);                        /* the band edge: 3600 allowed */
    check(d, 59.99, 1200, 8, 2, "above the label's 1400"); /* just below it: not */
    gs_drug_free(d);
}

/* Label 2.1 (PHN): day 1 300 mg once, day 2 twice, day 3 three times a day, then titrate. */
static void calendars(void **state)
{
    (void)state;
    gs_drug *d = load_drug("gabapentin");
    struct gs_calendar_step c[GS_MAX_CALENDAR];
    struct gs_dose_plan p = plan(d, 100, 1800); /* 600 mg TID */
    size_t n = gs_dosing_calendar(d, &p, c, GS_MAX_CALENDAR);
    /* then +300 mg/day (BNF) every 3 days (the file's assumption): 1200, 1500, 1800 */
    assert_int_equal(n, 6);
    assert_true(c[0].day == 1 && c[0].dose_mg == 300 && c[0].per_day == 1);
    assert_true(c[1].day == 2 && c[1].dose_mg == 300 && c[1].per_day == 2);
    assert_true(c[2].day == 3 && c[2].dose_mg == 300 && c[2].per_day == 3);
    assert_true(c[3].day == 6 && c[3].dose_mg == 400 && c[3].per_day == 3);
    assert_true(c[4].day == 9 && c[4].dose_mg == 500 && c[4].per_day == 3);
    assert_true(c[5].day == 12 && c[5].dose_mg == 600 && c[5].per_day == 3);
    assert_string_equal(c[4].form, "1 x 400 mg capsule + 1 x 100 mg capsule");
    /* CrCl 45: 200 mg BID maintenance, the band's first column: the PHN start scaled into the
     * band, one 200 mg dose on day 1, two from day 2 */
    p = plan(d, 45, NAN);
    n = gs_dosing_calendar(d, &p, c, GS_MAX_CALENDAR);
    assert_int_equal(n, 2);
    assert_true(c[0].day == 1 && c[0].dose_mg == 200 && c[0].per_day == 1);
    assert_true(c[1].day == 2 && c[1].dose_mg == 200 && c[1].per_day == 2);
    assert_string_equal(c[1].form, "2 x 100 mg capsules");
    /* the calendar as a regimen simulates */
    struct gs_regimen r;
    assert_int_equal(gs_dosing_calendar_regimen(c, n, 7, &r, NULL), GS_OK);
    assert_int_equal(gs_regimen_validate(&r, 3600, NULL), GS_OK);
    /* taper: thirds over at least 7 days (label 2.5: at least 1 week), then stop */
    n = gs_dosing_taper(d, 1800, 3, c, GS_MAX_CALENDAR);
    assert_int_equal(n, 4);
    assert_true(c[0].dose_mg == 600 && c[1].dose_mg == 400 && c[2].dose_mg == 200);
    assert_true(c[3].dose_mg == 0 && c[3].day >= 8);
    gs_drug_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gabapentin_label_table),
        cmocka_unit_test(pregabalin_label_table),
        cmocka_unit_test(proposed_regimens_are_checked),
        cmocka_unit_test(calendars),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
