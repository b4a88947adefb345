/* test_regimen.c - regimens to event records: intervals, titration, missed and extra doses,
 * ADDL expansion and validation. */
#include "../test_util.h"

static struct gs_event_list expand(const struct gs_regimen *r)
{
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_regimen_validate(r, 3600, &err), GS_OK);
    assert_int_equal(gs_regimen_expand(r, &ev, &err), GS_OK);
    return ev;
}

static void tid_for_seven_days(void **state)
{
    (void)state;
    struct gs_regimen r;
    gs_regimen_init(&r);
    r.n_steps = 1;
    r.steps[0] = (struct gs_regimen_step){0.0, 300.0, 8.0};
    r.end_h = 7 * 24.0;
    struct gs_event_list ev = expand(&r);
    assert_int_equal(ev.n, 21); /* 3 a day for 7 days */
    for (size_t i = 0; i < ev.n; i++) {
        assert_true(ev.ev[i].time_h == 8.0 * (double)i);
        assert_true(ev.ev[i].amt_mg == 300.0);
        assert_int_equal(ev.ev[i].cmt, GS_CMT_DEPOT);
        assert_int_equal(ev.ev[i].evid, GS_EVID_DOSE);
    }
    assert_true(gs_regimen_last_dose_h(&r) == 160.0);
    gs_event_list_release(&ev);
}

/* Neurontin label 2.1: day 1 300 mg once, day 2 twice, day 3 three times a day. */
static void label_titration(void **state)
{
    (void)state;
    struct gs_regimen r;
    gs_regimen_init(&r);
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_regimen_parse_titration(&r, "1:300mgx1,2:300mgx2,3:300mgx3", "--t", &err),
                     GS_OK);
    r.end_h = 4 * 24.0;
    struct gs_event_list ev = expand(&r);
    const double want[] = {0, 24, 36, 48, 56, 64, 72, 80, 88};
    assert_int_equal(ev.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < ev.n; i++)
        assert_true(ev.ev[i].time_h == want[i]);
    double day[4] = {0};
    for (size_t i = 0; i < ev.n; i++)
        day[(int)(ev.ev[i].time_h / 24.0)] += ev.ev[i].amt_mg;
    assert_true(day[0] == 300 && day[1] == 600 && day[2] == 900 && day[3] == 900);
    gs_event_list_release(&ev);
}

static void missed_extra_and_steady(void **state)
{
    (void)state;
    struct gs_regimen r;
    gs_regimen_init(&r);
    r.n_steps = 1;
    r.steps[0] = (struct gs_regimen_step){0.0, 300.0, 8.0};
    r.n_doses = 4;
    r.missed_h[r.n_missed++] = 16.0;
    r.extra[r.n_extra++] = (struct gs_regimen_extra){20.0, 100.0};
    r.start_steady = 1;
    struct gs_event_list ev = expand(&r);
    assert_int_equal(ev.n, 4); /* 0, 8, 20 (extra), 24; 16 missed */
    assert_true(ev.ev[0].time_h == 0 && ev.ev[0].ss == 1 && ev.ev[0].ii_h == 8.0);
    assert_true(ev.ev[1].time_h == 8 && ev.ev[1].ss == 0);
    assert_true(ev.ev[2].time_h == 20 && ev.ev[2].amt_mg == 100);
    assert_true(ev.ev[3].time_h == 24);
    gs_event_list_release(&ev);

    /* a missed time that is not scheduled is an error naming the option */
    r.missed_h[0] = 17.0;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_regimen_validate(&r, 3600, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "'--miss' is 17 h"));
}

static void validation_limits(void **state)
{
    (void)state;
    struct gs_regimen r;
    struct gs_error err = GS_ERROR_INIT;
    gs_regimen_init(&r);
    r.n_steps = 1;
    r.steps[0] = (struct gs_regimen_step){0.0, 5000.0, 8.0};
    r.end_h = 24;
    assert_int_equal(gs_regimen_validate(&r, 3600, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "'--dose' is 5000 mg"));
    r.steps[0].dose_mg = 300;
    r.steps[0].ii_h = 0;
    assert_int_equal(gs_regimen_validate(&r, 3600, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "'--every'"));
    r.steps[0].ii_h = 8;
    r.end_h = 400 * 24.0;
    assert_int_equal(gs_regimen_validate(&r, 3600, &err), GS_INPUT);
    r.end_h = 0;
    assert_int_equal(gs_regimen_validate(&r, 3600, &err), GS_INPUT);

    const char *bad[] = {
        "1:300mg", "2:300mgx1,1:300mgx2", "1:300mgx0", "1:300mgx25", "0:300mgx1", "1:300x1", "",
        ",",       "1:-300mgx1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        gs_regimen_init(&r);
        err.msg[0] = '\0';
        gs_status st = gs_regimen_parse_titration(&r, bad[i], "--titrate", &err);
        if (st == GS_OK) { /* parses, but then must fail validation (negative dose) */
            r.end_h = 48;
            st = gs_regimen_validate(&r, 3600, &err);
        }
        assert_int_equal(st, GS_INPUT);
        assert_true(err.msg[0] != '\0');
    }
}

/* ADDL and SS at the dataset level: NONMEM's meaning of ADDL = additional doses every II. */
static void addl_expansion(void **state)
{
    (void)state;
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    struct gs_event e = gs_event_dose(10.0, 100.0, GS_CMT_DEPOT);
    e.addl = 3;
    e.ii_h = 12.0;
    e.ss = 1;
    struct gs_event e2 = gs_event_dose(15.0, 50.0, GS_CMT_CENTRAL);
    assert_int_equal(gs_event_list_push(&ev, &e), GS_OK);
    assert_int_equal(gs_event_list_push(&ev, &e2), GS_OK);
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_event_list_validate(&ev, 2, &err), GS_OK);
    assert_int_equal(gs_event_list_expand(&ev, &err), GS_OK);
    const double want[] = {10, 15, 22, 34, 46};
    assert_int_equal(ev.n, 5);
    for (size_t i = 0; i < ev.n; i++) {
        assert_true(ev.ev[i].time_h == want[i]);
        assert_int_equal(ev.ev[i].addl, 0);
    }
    assert_int_equal(ev.ev[0].ss, 1); /* SS stays on the first record only */
    assert_int_equal(ev.ev[2].ss, 0);
    assert_int_equal(ev.ev[1].cmt, GS_CMT_CENTRAL);

    /* validation: ADDL without II, unknown CMT, RATE (not supported) */
    struct gs_event bad = gs_event_dose(0, 100, GS_CMT_DEPOT);
    bad.addl = 2;
    ev.n = 0;
    assert_int_equal(gs_event_list_push(&ev, &bad), GS_OK);
    assert_int_equal(gs_event_list_validate(&ev, 2, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "II"));
    ev.ev[0].addl = 0;
    ev.ev[0].cmt = 7;
    assert_int_equal(gs_event_list_validate(&ev, 2, &err), GS_INPUT);
    ev.ev[0].cmt = 1;
    ev.ev[0].rate_mg_h = 10; /* an infusion */
    assert_int_equal(gs_event_list_validate(&ev, 2, &err), GS_OK);
    ev.ev[0].rate_mg_h = -2; /* a modelled duration needs one */
    assert_int_equal(gs_event_list_validate(&ev, 2, &err), GS_INPUT);
    ev.ev[0].dur_h = 2;
    assert_int_equal(gs_event_list_validate(&ev, 2, &err), GS_OK);
    ev.ev[0].rate_mg_h = -3;
    assert_int_equal(gs_event_list_validate(&ev, 2, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "RATE"));
    gs_event_list_release(&ev);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tid_for_seven_days),      cmocka_unit_test(label_titration),
        cmocka_unit_test(missed_extra_and_steady), cmocka_unit_test(validation_limits),
        cmocka_unit_test(addl_expansion),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
