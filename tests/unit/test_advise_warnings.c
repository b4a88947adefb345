/* test_advise_warnings.c - which warnings gs_advise() puts first: respiratory depression exactly
 * when a co-medication is a CNS depressant (Neurontin label 5.7, Lyrica label "Respiratory
 * Depression"), falls exactly from age 65 (the Beers Criteria's older adults), the breathing
 * warning before the falls one, each with its label source, the Beers opioid pair only for an
 * opioid at 65 or more, and none for a drug the sources do not cover. */
#include <string.h>

#include "../test_util.h"
#include "gabasim/advise.h"

static struct gs_advise_result *advise(const char *drug, double age, const char *with)
{
    gs_drug *d = load_drug(drug);
    struct gs_patient p;
    struct gs_error err = GS_ERROR_INIT;
    gs_patient_init(&p);
    p.crcl_given_ml_min = 60;
    p.age_y = age;
    assert_int_equal(gs_patient_resolve(&p, &err), GS_OK);
    struct gs_comedication co = {with, NULL, 0};
    struct gs_advise_request rq = GS_ADVISE_REQUEST_INIT;
    rq.drug = d;
    rq.patient = &p;
    rq.n = 20;
    rq.days = 7;
    rq.comedications = with ? &co : NULL;
    rq.n_comedications = with ? 1 : 0;
    struct gs_advise_result *r = NULL;
    gs_status st = gs_advise(&rq, &r, &err);
    if (st != GS_OK)
        print_error("gs_advise: %s\n", err.msg);
    assert_int_equal(st, GS_OK);
    r->drug = NULL; /* the drug is freed here; the warnings are plain text */
    gs_drug_free(d);
    return r;
}

static void opioid_at_80_gives_both_in_order(void **state)
{
    (void)state;
    struct gs_advise_result *r = advise("gabapentin", 80, "morphine");
    assert_int_equal(r->n_warnings, 2);
    assert_int_equal(r->warnings[0].kind, GS_WARN_RESPIRATORY_DEPRESSION);
    assert_string_equal(r->warnings[0].id, "respiratory-depression");
    assert_non_null(strstr(r->warnings[0].title, "morphine"));
    assert_non_null(strstr(r->warnings[0].source, "Neurontin label 5.7"));
    assert_non_null(strstr(r->warnings[0].source, "J Am Geriatr Soc 2023"));
    assert_int_equal(r->warnings[1].kind, GS_WARN_FALLS);
    assert_non_null(strstr(r->warnings[1].text, "At 80"));
    assert_non_null(strstr(r->warnings[1].source, "8.5 Geriatric Use"));
    gs_advise_result_free(r);
}

static void age_edge_65(void **state)
{
    (void)state;
    struct gs_advise_result *r = advise("gabapentin", 64.9, NULL);
    assert_int_equal(r->n_warnings, 0);
    gs_advise_result_free(r);
    r = advise("gabapentin", 65, NULL);
    assert_int_equal(r->n_warnings, 1);
    assert_int_equal(r->warnings[0].kind, GS_WARN_FALLS);
    gs_advise_result_free(r);
}

/* a benzodiazepine is a CNS depressant but not an opioid: the breathing warning from the Lyrica
 * label, without the Beers opioid pair or the opioid-death studies */
static void benzodiazepine_with_pregabalin(void **state)
{
    (void)state;
    struct gs_advise_result *r = advise("pregabalin", 40, "benzodiazepine");
    assert_int_equal(r->n_warnings, 1);
    assert_int_equal(r->warnings[0].kind, GS_WARN_RESPIRATORY_DEPRESSION);
    assert_non_null(strstr(r->warnings[0].source, "Lyrica label"));
    assert_null(strstr(r->warnings[0].source, "Beers"));
    assert_null(strstr(r->warnings[0].source, "Gomes"));
    assert_null(strstr(r->warnings[0].text, "opioid"));
    gs_advise_result_free(r);
}

/* a co-medication that is not a CNS depressant gives no breathing warning */
static void antacid_is_not_a_depressant(void **state)
{
    (void)state;
    struct gs_advise_result *r = advise("gabapentin", 40, "antacid-al-mg");
    assert_int_equal(r->n_warnings, 0);
    gs_advise_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(opioid_at_80_gives_both_in_order),
        cmocka_unit_test(age_edge_65),
        cmocka_unit_test(benzodiazepine_with_pregabalin),
        cmocka_unit_test(antacid_is_not_a_depressant),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
