/* test_util.h - helpers shared by the cmocka tests: relative comparisons and tiny builders. */
#ifndef GABASIM_TEST_UTIL_H
#define GABASIM_TEST_UTIL_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "gabasim/gabasim.h"

/* Fails unless |got - want| <= rel * |want|, printing both. */
#define assert_rel(got, want, rel)                                                                 \
    do {                                                                                           \
        double g_ = (got), w_ = (want), r_ = (rel);                                                \
        if (!(fabs(g_ - w_) <= r_ * fabs(w_))) {                                                   \
            print_error("%s = %.12g, expected %.12g within %g relative\n", #got, g_, w_, r_);      \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

/* Fails unless lo <= got <= hi. */
#define assert_between(got, lo, hi)                                                                \
    do {                                                                                           \
        double g_ = (got);                                                                         \
        if (!(g_ >= (lo) && g_ <= (hi))) {                                                         \
            print_error("%s = %.12g, expected within [%g, %g]\n", #got, g_, (double)(lo),          \
                        (double)(hi));                                                             \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

static inline gs_drug *load_drug(const char *name)
{
    gs_drug *d = NULL;
    struct gs_error err = GS_ERROR_INIT;
    if (gs_drug_load(&d, name, &err) != GS_OK) {
        print_error("loading %s: %s\n", name, err.msg);
        fail();
    }
    return d;
}

/* A resolved patient with only a creatinine clearance (mL/min); a negative value: anuric on
 * haemodialysis. */
static inline struct gs_patient patient_at_crcl(double crcl)
{
    struct gs_patient p;
    gs_patient_init(&p);
    if (crcl < 0)
        p.haemodialysis = 1;
    else
        p.crcl_given_ml_min = crcl;
    assert_int_equal(gs_patient_resolve(&p, NULL), GS_OK);
    return p;
}

/* The individual model of `drug` for a patient with only a creatinine clearance. */
static inline struct gs_model model_at_crcl(const gs_drug *drug, double crcl)
{
    struct gs_patient pt;
    gs_patient_init(&pt);
    pt.crcl_given_ml_min = crcl;
    struct gs_error err = GS_ERROR_INIT;
    struct gs_model m = {0};
    if (gs_patient_resolve(&pt, &err) != GS_OK ||
        gs_drug_individual_model(drug, &pt, &m, NULL, 0, &err) != GS_OK) {
        print_error("model: %s\n", err.msg);
        fail();
    }
    return m;
}

/* n doses of `dose` every `ii` h from t = 0 into the depot. */
static inline struct gs_event_list repeated_doses(double dose, double ii, int n)
{
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    for (int i = 0; i < n; i++) {
        struct gs_event e = gs_event_dose(ii * i, dose, GS_CMT_DEPOT);
        assert_int_equal(gs_event_list_push(&ev, &e), GS_OK);
    }
    return ev;
}

/* Evenly spaced times a, a+h, ..., b (caller frees). */
static inline double *grid(double a, double b, size_t n)
{
    double *t = gs_malloc(n * sizeof *t);
    for (size_t i = 0; i < n; i++)
        t[i] = a + (b - a) * (double)i / (double)(n - 1);
    return t;
}

#endif
