/* test_advise.c - gs_advise(), the library call behind `gabasim advise`, and the evidence file's
 * parser. Each test checks a property the result must have whatever the calibration: the plan
 * and calendar are the dosing module's, the first simulated dose is the calendar's, the band's
 * percentiles are ordered and contain the typical patient, cumulative side-effect risks never
 * fall, an unknown kind of pain is refused by name, and every allocation failure gives GS_NOMEM
 * and no result. */
#include <omp.h>

#include "../test_util.h"
#include "gabasim/advise.h"

static struct gs_patient patient_crcl(double crcl)
{
    struct gs_patient p;
    struct gs_error err = GS_ERROR_INIT;
    gs_patient_init(&p);
    p.crcl_given_ml_min = crcl;
    p.age_y = 72;
    assert_int_equal(gs_patient_resolve(&p, &err), GS_OK);
    return p;
}

static struct gs_advise_result *advise_ok(const struct gs_advise_request *rq)
{
    struct gs_advise_result *r = NULL;
    struct gs_error err = GS_ERROR_INIT;
    gs_status st = gs_advise(rq, &r, &err);
    if (st != GS_OK)
        print_error("gs_advise: %s\n", err.msg);
    assert_int_equal(st, GS_OK);
    assert_non_null(r);
    return r;
}

/* The plan and calendar are gs_dosing_recommend's and gs_dosing_calendar's; the first simulated
 * dose is the calendar's first, at time 0; the calendar ends on the plan's maintenance. */
static void plan_and_calendar_agree(void **state)
{
    (void)state;
    gs_drug *d = load_drug("gabapentin");
    struct gs_patient pt = patient_crcl(45);
    struct gs_advise_request rq = GS_ADVISE_REQUEST_INIT;
    rq.drug = d;
    rq.patient = &pt;
    rq.target_daily_mg = 1200;
    rq.n = 50;
    struct gs_advise_result *r = advise_ok(&rq);

    struct gs_dose_plan plan;
    struct gs_calendar_step cal[GS_MAX_CALENDAR];
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_dosing_recommend(d, &pt, 1200, &plan, &err), GS_OK);
    size_t n_cal = gs_dosing_calendar(d, &plan, cal, GS_MAX_CALENDAR);
    assert_rel(r->plan.daily_mg, plan.daily_mg, 0);
    assert_rel(r->plan.dose_mg, plan.dose_mg, 0);
    assert_int_equal(r->plan.per_day, plan.per_day);
    assert_int_equal(r->n_calendar, n_cal);
    for (size_t i = 0; i < n_cal; i++) {
        assert_int_equal(r->calendar[i].day, cal[i].day);
        assert_rel(r->calendar[i].dose_mg, cal[i].dose_mg, 0);
    }
    assert_int_equal(r->calendar[0].day, 1);
    assert_rel(r->calendar[n_cal - 1].dose_mg, plan.dose_mg, 0);
    assert_int_equal(r->calendar[n_cal - 1].per_day, plan.per_day);
    /* no co-medication: the first dose record is the calendar's first dose, untouched */
    assert_true(r->events.n > 0);
    assert_rel(r->events.ev[0].time_h, 0.0, 0);
    assert_rel(r->events.ev[0].amt_mg, cal[0].dose_mg, 0);
    assert_int_equal(r->checked_proposed, 0);
    assert_int_equal(r->n_interaction_notes, 0);
    assert_null(r->pain);
    /* the profile covers the horizon every 0.5 h */
    assert_int_equal(r->profile.n, (size_t)(48 * r->days) + 1);
    assert_rel(r->profile.t_h[r->profile.n - 1], 24.0 * r->days, 1e-12);
    gs_advise_result_free(r);
    gs_drug_free(d);
}

/* Percentiles are ordered, and the typical patient's average over the last interval lies inside
 * the 5-95 % band of patients like them. */
static void band_brackets_typical(void **state)
{
    (void)state;
    gs_drug *d = load_drug("pregabalin");
    struct gs_patient pt = patient_crcl(80);
    struct gs_advise_request rq = GS_ADVISE_REQUEST_INIT;
    rq.drug = d;
    rq.patient = &pt;
    rq.n = 400;
    struct gs_advise_result *r = advise_ok(&rq);
    const struct gs_advise_band *b = &r->band;
    assert_int_equal(b->n, 400);
    assert_true(b->cmin_mg_l[0] <= b->cmin_mg_l[1] && b->cmin_mg_l[1] <= b->cmin_mg_l[2]);
    assert_true(b->cavg_mg_l[0] <= b->cavg_mg_l[1] && b->cavg_mg_l[1] <= b->cavg_mg_l[2]);
    assert_true(b->cmin_mg_l[1] <= b->cavg_mg_l[1]);
    const struct gs_profile *p = &r->profile;
    double ii = gs_regimen_maintenance(&r->regimen)->ii_h;
    size_t last = p->n - 1, first = last - (size_t)(ii / 0.5);
    double cavg = (p->y[last * GS_N_STATES + GS_Y_AUC] - p->y[first * GS_N_STATES + GS_Y_AUC]) /
                  (p->t_h[last] - p->t_h[first]);
    assert_between(cavg, b->cavg_mg_l[0], b->cavg_mg_l[2]);
    gs_advise_result_free(r);
    gs_drug_free(d);
}

/* Cumulative risks never fall from day to day, the checkpoints are the daily series at those
 * days, and the fall-relevant series lies between the larger of its parts and their sum. */
static void side_effects_cumulative(void **state)
{
    (void)state;
    gs_drug *d = load_drug("gabapentin");
    struct gs_patient pt = patient_crcl(90);
    struct gs_advise_request rq = GS_ADVISE_REQUEST_INIT;
    rq.drug = d;
    rq.patient = &pt;
    rq.target_daily_mg = 1800;
    rq.days = 10;
    rq.n = 20;
    struct gs_advise_result *r = advise_ok(&rq);
    assert_int_equal(r->n_days, 10);
    assert_true(r->n_side_effects >= 2);
    assert_int_equal(r->checkpoint_day[2], 10); /* none past the horizon */
    const double *som = NULL, *diz = NULL;
    for (size_t k = 0; k < r->n_side_effects; k++) {
        const struct gs_advise_side_effect *s = &r->side_effects[k];
        for (size_t i = 1; i < r->n_days; i++)
            assert_true(s->by_day[i] >= s->by_day[i - 1]);
        for (int j = 0; j < 4; j++)
            assert_rel(s->risk[j], s->by_day[r->checkpoint_day[j] - 1], 1e-12);
        assert_true(s->by_day[0] >= 0.0 && s->by_day[r->n_days - 1] <= 1.0);
        som = strcmp(s->event, "somnolence") == 0 ? s->by_day : som;
        diz = strcmp(s->event, "dizziness") == 0 ? s->by_day : diz;
    }
    assert_non_null(som);
    assert_non_null(diz);
    assert_non_null(r->fall_risk_by_day);
    for (size_t i = 0; i < r->n_days; i++)
        assert_true(fmax(som[i], diz[i]) <= r->fall_risk_by_day[i] &&
                    r->fall_risk_by_day[i] <= som[i] + diz[i] + 1e-12);
    gs_advise_result_free(r);
    gs_drug_free(d);
}

/* The pain estimate: ordered low to high, half of the effect before 90 % of it; an unknown kind
 * is GS_INPUT naming 'pain' and leaves no result. */
static void pain_relief(void **state)
{
    (void)state;
    gs_drug *d = load_drug("gabapentin");
    struct gs_patient pt = patient_crcl(90);
    struct gs_advise_request rq = GS_ADVISE_REQUEST_INIT;
    rq.drug = d;
    rq.patient = &pt;
    rq.target_daily_mg = 1800;
    rq.days = 42;
    rq.n = 20;
    rq.pain_type = "radicular";
    struct gs_advise_result *r = advise_ok(&rq);
    assert_non_null(r->pain);
    assert_string_equal(r->pain->type, "radicular");
    assert_true(r->pain->end[0] <= r->pain->end[1] && r->pain->end[1] <= r->pain->end[2]);
    assert_true(r->pain->day14[0] <= r->pain->day14[2]);
    assert_true(r->pain->half_effect_day <= r->pain->full_effect_day);
    assert_non_null(r->evidence.title); /* the evidence for this kind of pain */
    gs_advise_result_free(r);

    rq.pain_type = "no-such-pain";
    struct gs_error err = GS_ERROR_INIT;
    r = (struct gs_advise_result *)1;
    assert_int_equal(gs_advise(&rq, &r, &err), GS_INPUT);
    assert_null(r);
    assert_non_null(strstr(err.field, "pain"));
    assert_non_null(strstr(err.msg, "no-such-pain"));
    gs_drug_free(d);
}

/* An antacid without dose times is taken with every dose, and the note says so; the doses near
 * it lose part of their amount. A proposed regimen is what gets checked. */
static void comedications_and_proposed(void **state)
{
    (void)state;
    gs_drug *d = load_drug("gabapentin");
    struct gs_patient pt = patient_crcl(45);
    struct gs_comedication co[2] = {{"morphine", NULL, 0}, {"antacid-al-mg", NULL, 0}};
    struct gs_regimen prop;
    gs_regimen_init(&prop);
    prop.n_steps = 1;
    prop.steps[0].dose_mg = 600;
    prop.steps[0].ii_h = 8;
    prop.end_h = 14 * 24.0;
    struct gs_advise_request rq = GS_ADVISE_REQUEST_INIT;
    rq.drug = d;
    rq.patient = &pt;
    rq.n = 20;
    rq.days = 3;
    rq.comedications = co;
    rq.n_comedications = 2;
    rq.proposed = &prop;
    struct gs_advise_result *r = advise_ok(&rq);
    int assumed = 0, morphine = 0;
    for (size_t i = 0; i < r->n_interaction_notes; i++) {
        assumed += strstr(r->interaction_notes[i], "assumed: antacid-al-mg") != NULL;
        morphine += strstr(r->interaction_notes[i], "morphine: ktr x") != NULL;
        assert_null(strchr(r->interaction_notes[i], '\n'));
    }
    assert_int_equal(assumed, 1);
    assert_int_equal(morphine, 1);
    assert_true(r->cns_depressant);
    assert_rel(r->events.ev[0].time_h, 0.0, 0);
    assert_true(r->events.ev[0].amt_mg < r->calendar[0].dose_mg);
    /* 1800 mg/day is above the label's 1400 for CrCl 30-59 */
    assert_int_equal(r->checked_proposed, 1);
    int warned = 0;
    for (size_t i = 0; i < r->n_findings; i++)
        warned |= r->findings[i].level == GS_FINDING_WARNING;
    assert_true(warned);
    gs_advise_result_free(r);

    co[1].dose_times_h = (const double[]){-5.0};
    co[1].n_doses = 1;
    r = advise_ok(&rq);
    for (size_t i = 0; i < r->n_interaction_notes; i++)
        assert_null(strstr(r->interaction_notes[i], "assumed:"));
    gs_advise_result_free(r);
    gs_drug_free(d);
}

/* Out-of-range requests: refused by name before any work. */
static void bad_requests(void **state)
{
    (void)state;
    gs_drug *d = load_drug("gabapentin");
    struct gs_patient pt = patient_crcl(80), none;
    gs_patient_init(&none);
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_patient_resolve(&none, &err), GS_OK);
    const struct {
        double days, target;
        long n;
        int no_kidney;
        const char *field;
    } c[] = {
        {0.5, NAN, 100, 0, "days"}, {400, NAN, 100, 0, "days"}, {NAN, NAN, 100, 0, "days"},
        {14, NAN, 9, 0, "n"},       {14, NAN, 200000, 0, "n"},  {14, -5, 100, 0, "target"},
        {14, NAN, 100, 1, "crcl"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        struct gs_advise_request rq = GS_ADVISE_REQUEST_INIT;
        rq.drug = d;
        rq.patient = c[i].no_kidney ? &none : &pt;
        rq.days = c[i].days;
        rq.target_daily_mg = c[i].target;
        rq.n = c[i].n;
        struct gs_advise_result *r = (struct gs_advise_result *)1;
        err = (struct gs_error)GS_ERROR_INIT;
        assert_int_equal(gs_advise(&rq, &r, &err), GS_INPUT);
        assert_null(r);
        assert_non_null(strstr(err.field, c[i].field));
    }
    gs_drug_free(d);
}

/* The evidence file: the drug itself is left out of the alternatives, a kidney rule applies
 * strictly below its threshold, a malformed member is named. */
static void evidence_parse(void **state)
{
    (void)state;
    const char *text =
        "{\"pain_types\": {\"x\": {\"title\": \"X\", \"points\": [{\"text\": \"a\", \"source\": "
        "\"s\"}]}}, \"all\": [{\"text\": \"b\", \"source\": \"t\"}], \"alternatives\": {\"drugs\": "
        "[{\"drug\": \"gabapentin\", \"class\": \"c\"}, {\"drug\": \"d\", \"class\": \"c\", "
        "\"kidney\": {\"text\": \"k\", \"crcl_below\": 30}}]}}";
    struct gs_evidence *ev = NULL;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_advise_evidence_parse(&ev, text, strlen(text), "t.json", &err), GS_OK);
    assert_int_equal(ev->n_pain_types, 1);
    assert_int_equal(ev->n_alternatives, 2);
    assert_true(isnan(ev->alternatives[0].kidney_crcl_below));
    assert_rel(ev->alternatives[1].kidney_crcl_below, 30, 0);
    gs_advise_evidence_free(ev);

    const struct {
        const char *text, *field;
    } bad[] = {
        {"[]", "not a JSON object"},
        {"{\"all\": [{\"text\": \"a\"}]}", "all[0].source"},
        {"{\"pain_types\": {\"x\": {\"points\": []}}}", "pain_types.x.title"},
        {"{\"alternatives\": {\"drugs\": [{\"drug\": \"d\", \"class\": 3}]}}",
         "alternatives.drugs[0].class"},
        {"{\"alternatives\": {\"drugs\": [{\"drug\": \"d\", \"class\": \"c\", \"kidney\": "
         "{\"text\": \"k\", \"crcl_below\": \"30\"}}]}}",
         "kidney.crcl_below"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ev = (struct gs_evidence *)1;
        assert_int_equal(
            gs_advise_evidence_parse(&ev, bad[i].text, strlen(bad[i].text), "t.json", &err),
            GS_INPUT);
        assert_null(ev);
        if (strstr(err.msg, bad[i].field) == NULL)
            print_error("%s lacks %s\n", err.msg, bad[i].field);
        assert_non_null(strstr(err.msg, bad[i].field));
    }
}

/* Allocation failures inside gs_advise return GS_NOMEM and no result (ASan runs check that
 * nothing leaks). Each run costs about 0.1 s and there are about 1100 allocations, so the first
 * 64 fail one by one and the rest with a stride that grows by 1 every 32 (about 150 runs over
 * every phase: dosing, interactions, simulation, band, pain, side effects, evidence). One
 * thread: the failure counter is not thread-safe. */
static void out_of_memory(void **state)
{
    (void)state;
    omp_set_num_threads(1);
    gs_drug *d = load_drug("gabapentin");
    struct gs_patient pt = patient_crcl(80);
    struct gs_comedication co[2] = {{"morphine", NULL, 0}, {"antacid-al-mg", NULL, 0}};
    struct gs_advise_request rq = GS_ADVISE_REQUEST_INIT;
    rq.drug = d;
    rq.patient = &pt;
    rq.n = 10;
    rq.days = 2;
    rq.comedications = co;
    rq.n_comedications = 2;
    rq.pain_type = "radicular";
    long k, runs = 0;
    for (k = 1; k < 100000; k += k < 64 ? 1 : 1 + k / 32, runs++) {
        struct gs_advise_result *r = (struct gs_advise_result *)1;
        struct gs_error err = GS_ERROR_INIT;
        gs_alloc_fail_after(k);
        gs_status st = gs_advise(&rq, &r, &err);
        gs_alloc_fail_after(0);
        if (st == GS_OK) {
            gs_advise_result_free(r);
            break;
        }
        if (st != GS_NOMEM)
            print_error("allocation %ld: %s\n", k, err.msg);
        assert_int_equal(st, GS_NOMEM);
        assert_null(r);
    }
    print_message("  %ld failures injected, up to allocation %ld\n", runs, k);
    assert_true(runs > 64 && k < 100000);
    gs_drug_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plan_and_calendar_agree),
        cmocka_unit_test(band_brackets_typical),
        cmocka_unit_test(side_effects_cumulative),
        cmocka_unit_test(pain_relief),
        cmocka_unit_test(comedications_and_proposed),
        cmocka_unit_test(bad_requests),
        cmocka_unit_test(evidence_parse),
        cmocka_unit_test(out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
