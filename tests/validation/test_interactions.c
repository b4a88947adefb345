/* test_interactions.c - co-medications against the Neurontin label (data/interactions.json).
 *
 * Sources: Neurontin US label 5.7, 7 and 12.3 and Eckhardt 2000 / Gomes 2017 as tabulated in
 * docs/reference.md sections 1.5-1.6: Maalox simultaneous -20 % bioavailability,
 * 2 h later about -5 % (confidence C); morphine +44 % gabapentin AUC after 600 mg; hydrocodone
 * +14 %; naproxen +12-15 % absorption at 125 mg; cimetidine CL/F -14 %. Each simulated effect
 * comes from the real engine (gs_simulate + gs_summarize, AUC to infinity) and must match the
 * published magnitude within 2 % relative, the brief's acceptance. */
#include "../test_util.h"

#include "gabasim/interactions.h"

static const struct gs_sim_options opt = GS_SIM_OPTIONS_DEFAULT;

enum { KTR = 2 }; /* ktr's index in oral_1cmt_mm_absorption, checked in absorption_interactions */

static gs_interactions *load_table(void)
{
    gs_interactions *t = NULL;
    struct gs_error err = GS_ERROR_INIT;
    if (gs_interactions_load(&t, NULL, &err) != GS_OK) {
        print_error("interactions: %s\n", err.msg);
        fail();
    }
    return t;
}

/* AUC to infinity (single dose) or over 0-48 h, mg*h/L, and the summary's clearance. */
static double auc_of(const struct gs_model *m, const struct gs_event_list *ev, double *cl)
{
    size_t n = 193;
    double *t = grid(0.0, 48.0, n);
    struct gs_profile p = GS_PROFILE_INIT;
    struct gs_summary s;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_simulate(m, ev, t, n, &opt, &p, &err), GS_OK);
    assert_int_equal(gs_summarize(&(struct gs_summary_request){m, ev, &p, ev->ev[0].amt_mg, NAN,
                                                               GS_CMT_DEPOT, &opt},
                                  &s, &err),
                     GS_OK);
    assert_true(s.mass_balance_error <= 1e-6);
    if (cl)
        *cl = s.clearance_l_h;
    gs_simulate_profile_release(&p);
    gs_free(t);
    return s.auc_mg_h_l;
}

/* Applies `co` to `dose` mg at t = 0 for a CrCl-100 gabapentin patient; returns the AUC ratio
 * with/without and fills the effects and warnings. */
static double auc_ratio(gs_interactions *tab, const char *drug, double dose,
                        const struct gs_comedication *co, size_t n_co, struct gs_ix_effects *fx,
                        char *warn, size_t warn_size, double *cl_ratio)
{
    gs_drug *d = load_drug(drug);
    struct gs_model m = model_at_crcl(d, 100);
    struct gs_event_list ev = repeated_doses(dose, 8.0, 1);
    struct gs_ix_result res = GS_IX_RESULT_INIT;
    struct gs_error err = GS_ERROR_INIT;
    gs_status st = gs_interactions_apply(
        &(struct gs_ix_request){tab, drug, &m, &ev, co, n_co, NULL}, &res, &err);
    if (st != GS_OK)
        print_error("apply: %s\n", err.msg);
    assert_int_equal(st, GS_OK);
    if (fx)
        *fx = res.fx;
    if (warn && warn_size)
        snprintf(warn, warn_size, "%s", res.warnings);
    double cl0, cl1;
    double r = auc_of(&res.model, &res.events, &cl1) / auc_of(&m, &ev, &cl0);
    if (cl_ratio)
        *cl_ratio = cl1 / cl0;
    gs_event_list_release(&ev);
    gs_interactions_result_release(&res);
    gs_drug_free(d);
    return r;
}

/* Label 12.3: Maalox with gabapentin -20 %; gabapentin 2 h after Maalox about -5 % (the
 * reference's recall, 10 % in a secondary source: the table chose 5 %). The dose of the Maalox
 * study is not in the reference, so the effect is checked at 300 mg and 1200 mg (the
 * calibration is per dose amount); 5 h after the antacid there is no effect. */
static void antacid_timing(void **state)
{
    (void)state;
    gs_interactions *tab = load_table();
    const double doses[2] = {300, 1200};
    for (int i = 0; i < 2; i++) {
        struct gs_ix_effects fx;
        double t_with[1] = {0.0}, t_2h_before[1] = {-2.0}, t_5h_before[1] = {-5.0},
               t_1h_after[1] = {1.0};
        struct gs_comedication co = {"antacid-al-mg", t_with, 1};
        double r = auc_ratio(tab, "gabapentin", doses[i], &co, 1, &fx, NULL, 0, NULL);
        print_message("  %4.0f mg with antacid: AUC x %.4f (label 0.80), amount x %.4f\n", doses[i],
                      r, 1.0 - fx.amount_removed_mg / doses[i]);
        assert_rel(r, 0.80, 0.02);
        assert_int_equal(fx.doses_scaled, 1);
        /* saturable absorption: the amount must fall by more than the exposure */
        assert_true(fx.amount_removed_mg > 0.20 * doses[i]);
        co.dose_times_h = t_1h_after; /* antacid 1 h after the dose: the same band */
        assert_rel(auc_ratio(tab, "gabapentin", doses[i], &co, 1, &fx, NULL, 0, NULL), 0.80, 0.02);
        co.dose_times_h = t_2h_before;
        r = auc_ratio(tab, "gabapentin", doses[i], &co, 1, &fx, NULL, 0, NULL);
        print_message("  %4.0f mg 2 h after antacid: AUC x %.4f (label about 0.95)\n", doses[i], r);
        assert_rel(r, 0.95, 0.02);
        co.dose_times_h = t_5h_before;
        assert_rel(auc_ratio(tab, "gabapentin", doses[i], &co, 1, &fx, NULL, 0, NULL), 1.0, 1e-12);
        assert_int_equal(fx.doses_scaled, 0);
    }
    gs_interactions_free(tab);
}

/* Only the doses near an antacid dose change: 300 mg TID for a day, antacid with the second
 * dose (8 h) only; the ADDL record is expanded per dose. */
static void antacid_acts_per_dose(void **state)
{
    (void)state;
    gs_interactions *tab = load_table();
    gs_drug *d = load_drug("gabapentin");
    struct gs_model m = model_at_crcl(d, 100);
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    struct gs_ix_result res = GS_IX_RESULT_INIT;
    struct gs_event e = gs_event_dose(0.0, 300, GS_CMT_DEPOT);
    e.addl = 2;
    e.ii_h = 8.0;
    assert_int_equal(gs_event_list_push(&ev, &e), GS_OK);
    double times[2] = {7.5, 30.0}; /* 0.5 h before the second dose; one far from any dose */
    struct gs_comedication co = {"maalox", times, 2};
    struct gs_ix_request rq = {tab, "gabapentin", &m, &ev, &co, 1, NULL};
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_interactions_apply(&rq, &res, &err), GS_OK);
    assert_int_equal(res.events.n, 3);
    assert_int_equal(res.fx.doses_scaled, 1);
    assert_rel(res.events.ev[0].amt_mg, 300, 0);
    assert_true(res.events.ev[1].amt_mg < 0.8 * 300);
    assert_rel(res.events.ev[2].amt_mg, 300, 0);
    assert_rel(res.events.ev[1].time_h, 8.0, 0);
    gs_interactions_result_release(&res);

    /* no dose times: an error naming the co-medication */
    co.n_doses = 0;
    assert_int_equal(gs_interactions_apply(&rq, &res, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "maalox"));
    gs_interactions_result_release(&res);
    /* a steady-state record next to an antacid dose: its history is unknown */
    ev.ev[0].ss = 1;
    co.n_doses = 1;
    times[0] = 0.0;
    assert_int_equal(gs_interactions_apply(&rq, &res, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "steady"));
    gs_interactions_result_release(&res);
    gs_event_list_release(&ev);
    gs_drug_free(d);
    gs_interactions_free(tab);
}

/* Eckhardt 2000 / label: +44 % gabapentin AUC after 600 mg with morphine; label: +14 % with
 * hydrocodone (study dose taken as 500 mg, see the table); naproxen +12-15 % at 125 mg. */
static void absorption_interactions(void **state)
{
    (void)state;
    gs_interactions *tab = load_table();
    gs_drug *gbp = load_drug("gabapentin");
    assert_int_equal(gs_model_structure_param_index(gs_drug_structure(gbp), "ktr"), KTR);
    gs_drug_free(gbp);
    const struct {
        const char *name;
        double dose, want, lo, hi;
    } c[] = {
        {"morphine", 600, 1.44, 1.44, 1.44},
        {"hydrocodone", 500, 1.14, 1.14, 1.14},
        {"naproxen", 125, 1.135, 1.12, 1.15},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        struct gs_comedication co = {c[i].name, NULL, 0};
        struct gs_ix_effects fx;
        char warn[GS_IX_WARNINGS_SIZE];
        double r = auc_ratio(tab, "gabapentin", c[i].dose, &co, 1, &fx, warn, sizeof warn, NULL);
        print_message("  %-11s %4.0f mg: ktr x %.4f, AUC x %.4f (published %.3f)\n", c[i].name,
                      c[i].dose, fx.param_multiplier[KTR], r, c[i].want);
        assert_rel(r, c[i].want, 0.02);
        assert_between(r, c[i].lo * 0.999, c[i].hi * 1.001);
        assert_true(fx.param_multiplier[KTR] < 1.0); /* slower transit */
        assert_non_null(strstr(warn, "calibrated"));
        /* and how the mechanism carries over to a clinical 1200 mg dose (reported, not a
         * published number) */
        double r1200 = auc_ratio(tab, "gabapentin", 1200, &co, 1, &fx, NULL, 0, NULL);
        print_message("  %-11s 1200 mg: AUC x %.4f (model extrapolation)\n", c[i].name, r1200);
        assert_true(r1200 > 1.0);
    }
    gs_interactions_free(tab);
}

/* Label 12.3: cimetidine lowers gabapentin CL/F by 14 %: the summary's clearance is 0.86 times
 * and the AUC 1/0.86 times. */
static void cimetidine_clearance(void **state)
{
    (void)state;
    gs_interactions *tab = load_table();
    struct gs_comedication co = {"cimetidine", NULL, 0};
    struct gs_ix_effects fx;
    double cl_ratio;
    double r = auc_ratio(tab, "gabapentin", 300, &co, 1, &fx, NULL, 0, &cl_ratio);
    print_message("  cimetidine: CL x %.4f, AUC x %.4f\n", cl_ratio, r);
    assert_rel(cl_ratio, 0.86, 0.02);
    assert_rel(cl_ratio, 0.86, 1e-12);
    assert_rel(r, 1.0 / 0.86, 1e-4);
    gs_interactions_free(tab);
}

/* Label 5.7 and Gomes 2017 for every CNS depressant; the unquantified sedation risk is flagged
 * as an assumption; pregabalin gets the warning as a class caution and no PK change. */
static void cns_depressant_warnings(void **state)
{
    (void)state;
    gs_interactions *tab = load_table();
    const char *names[] = {"opioid",  "oxycodone",      "morphine", "hydrocodone",
                           "alcohol", "benzodiazepine", "lorazepam"};
    const char *extra[] = {"other-cns-depressant"};
    (void)extra;
    for (size_t i = 0; i < sizeof names / sizeof names[0] + 1; i++) {
        const char *nm = i < sizeof names / sizeof names[0] ? names[i] : extra[0];
        struct gs_comedication co = {nm, NULL, 0};
        struct gs_ix_effects fx;
        char warn[GS_IX_WARNINGS_SIZE];
        auc_ratio(tab, "gabapentin", 300, &co, 1, &fx, warn, sizeof warn, NULL);
        assert_true(fx.cns_depressant);
        assert_non_null(strstr(warn, "warning: "));
        assert_non_null(strstr(warn, "respiratory depression"));
        assert_non_null(strstr(warn, "label 5.7"));
        assert_non_null(strstr(warn, "by an amount not published (assumption)"));
        if (strstr(nm, "cns") == NULL && strcmp(nm, "alcohol") != 0)
            assert_true(strstr(warn, "12.3 %") != NULL || strstr(warn, "1.49") != NULL);
    }
    /* pregabalin with morphine: class caution, no PK change (none published) */
    struct gs_comedication co = {"morphine", NULL, 0};
    struct gs_ix_effects fx;
    char warn[GS_IX_WARNINGS_SIZE];
    double r = auc_ratio(tab, "pregabalin", 150, &co, 1, &fx, warn, sizeof warn, NULL);
    assert_rel(r, 1.0, 1e-12);
    assert_non_null(strstr(warn, "class caution"));
    assert_true(fx.cns_depressant);
    /* a non-depressant without a warning gives none */
    co.name = "naproxen";
    auc_ratio(tab, "gabapentin", 300, &co, 1, &fx, warn, sizeof warn, NULL);
    assert_null(strstr(warn, "warning:"));
    assert_false(fx.cns_depressant);
    gs_interactions_free(tab);
}

/* Unknown names: GS_INPUT naming the value and listing the known names. */
static void unknown_comedication(void **state)
{
    (void)state;
    gs_interactions *tab = load_table();
    const struct gs_interaction *ix = NULL;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_interactions_find(tab, "aspirin", &ix, &err), GS_INPUT);
    assert_null(ix);
    print_message("  %s\n", err.msg);
    assert_non_null(strstr(err.msg, "'aspirin'"));
    for (size_t i = 0; i < gs_interactions_count(tab); i++)
        assert_non_null(strstr(err.msg, gs_interactions_get(tab, i)->name));
    assert_int_equal(gs_interactions_find(tab, "oxycodone", &ix, &err), GS_OK);
    assert_string_equal(ix->name, "opioid");

    gs_drug *d = load_drug("gabapentin");
    struct gs_model m = model_at_crcl(d, 100);
    struct gs_event_list ev = repeated_doses(300, 8, 1);
    struct gs_ix_result res = GS_IX_RESULT_INIT;
    struct gs_comedication co[2] = {{"morphine", NULL, 0}, {"aspirin", NULL, 0}};
    assert_int_equal(
        gs_interactions_apply(&(struct gs_ix_request){tab, "gabapentin", &m, &ev, co, 2, NULL},
                              &res, &err),
        GS_INPUT);
    assert_non_null(strstr(err.msg, "antacid-al-mg"));
    gs_interactions_result_release(&res);
    gs_event_list_release(&ev);
    gs_drug_free(d);
    gs_interactions_free(tab);
}

/* Malformed tables: each message names the field. */
static void bad_tables(void **state)
{
    (void)state;
    const struct {
        const char *text, *field;
    } c[] = {
        {"{\"schema\":\"x\",\"interactions\":[]}", "schema"},
        {"{\"schema\":\"gabasim-interactions/1\",\"interactions\":[]}", "interactions"},
        {"{\"schema\":\"gabasim-interactions/1\",\"interactions\":[{\"name\":\"a\","
         "\"affects\":[\"gabapentin\"],\"model\":{\"kind\":\"magic\"}}]}",
         "interactions[0].model.kind"},
        {"{\"schema\":\"gabasim-interactions/1\",\"interactions\":[{\"name\":\"a\","
         "\"affects\":[\"gabapentin\"],\"model\":{\"kind\":\"clearance_ratio\","
         "\"cl_ratio\":-1}}]}",
         "interactions[0].model.cl_ratio"},
        {"{\"schema\":\"gabasim-interactions/1\",\"interactions\":[{\"name\":\"a\","
         "\"model\":{\"kind\":\"none\"}},{\"name\":\"a\",\"model\":{\"kind\":\"none\"}}]}",
         "interactions"},
        {"{\"schema\":", "x.json"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        gs_interactions *t = (gs_interactions *)1;
        struct gs_error err = GS_ERROR_INIT;
        assert_int_equal(gs_interactions_parse(&t, c[i].text, strlen(c[i].text), "x.json", &err),
                         GS_INPUT);
        assert_null(t);
        assert_non_null(strstr(err.msg, c[i].field));
    }
}

/* Every allocation failure returns GS_NOMEM (ASan builds check that nothing leaks). */
static void out_of_memory(void **state)
{
    (void)state;
    gs_interactions *tab = load_table();
    gs_drug *d = load_drug("gabapentin");
    struct gs_model m = model_at_crcl(d, 100);
    struct gs_event_list ev = repeated_doses(300, 8, 3);
    double times[1] = {8.0};
    struct gs_comedication co[2] = {{"antacid-al-mg", times, 1}, {"cimetidine", NULL, 0}};
    struct gs_ix_request rq = {tab, "gabapentin", &m, &ev, co, 2, NULL};
    for (long k = 1; k < 10000; k++) {
        struct gs_ix_result res = GS_IX_RESULT_INIT;
        struct gs_error err = GS_ERROR_INIT;
        gs_alloc_fail_after(k);
        gs_status st = gs_interactions_apply(&rq, &res, &err);
        gs_alloc_fail_after(0);
        gs_interactions_result_release(&res);
        if (st == GS_OK)
            break;
        assert_int_equal(st, GS_NOMEM);
    }
    gs_event_list_release(&ev);
    gs_drug_free(d);
    gs_interactions_free(tab);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(antacid_timing),
        cmocka_unit_test(antacid_acts_per_dose),
        cmocka_unit_test(absorption_interactions),
        cmocka_unit_test(cimetidine_clearance),
        cmocka_unit_test(cns_depressant_warnings),
        cmocka_unit_test(unknown_comedication),
        cmocka_unit_test(bad_tables),
        cmocka_unit_test(out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
