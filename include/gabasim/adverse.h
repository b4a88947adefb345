/* gabasim/adverse.h - side-effect risk: somnolence, dizziness, peripheral oedema, blurred vision,
 * ataxia, as functions of exposure, age, co-medication and time (data/adverse.json).
 *
 *   P = 1 - (1 - p0)(1 - E),  E = min(1, Emax x age mult. x co-med. mult. x C / (ED50 + C)),
 * C the steady-state average plasma concentration (mg/L) of the maintenance dose; by day d the
 * cumulative incidence uses the highest daily average so far and E x (1 - exp(-d / tau)).
 * Emax and ED50 are calibrated to the labels' and pooled trials' incidence tables by
 * tools/calibrate_adverse.c; tau, the co-medication multiplier and the carrying of pregabalin's
 * age effects to gabapentin are stated assumptions.
 */
#ifndef GABASIM_ADVERSE_H
#define GABASIM_ADVERSE_H

#include <stddef.h>

#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_AE_MAX_EVENTS 16
#define GS_AE_MAX_POINTS 8

struct gs_ae_event {
    char drug[32], event[32];
    double emax, ed50; /* calibrated (NaN before calibration) */
    double p0;         /* placebo incidence used for predictions: mean of the data's placebo */
    double crcl;       /* the calibration data's patients */
    int per_day;
    double ed50_fixed; /* NaN: fitted */
    size_t n;
    double dose_mg_day[GS_AE_MAX_POINTS], incidence[GS_AE_MAX_POINTS], placebo[GS_AE_MAX_POINTS];
};

struct gs_ae_model {
    double tau_d;
    double cns_mult;
    char cns_events[4][32];
    size_t n_cns;
    double age_band_y[3];
    struct {
        char event[32];
        double mult[3];
    } age[4];
    size_t n_age;
    struct gs_ae_event ev[GS_AE_MAX_EVENTS];
    size_t n;
};

gs_status gs_ae_load(struct gs_ae_model *out, const char *path, struct gs_error *err);
gs_status gs_ae_parse(struct gs_ae_model *out, const char *text, size_t len, const char *path,
                      struct gs_error *err);

/* The drug's excess risk at concentration c, before age and co-medication: Emax c / (ED50 + c). */
double gs_ae_excess(const struct gs_ae_event *e, double c_mg_l);

/* Cumulative incidence by `day` of treatment (day <= 0: the placebo rate is not reached either:
 * 0), for a patient of `age_y` (NaN: no age effect), `cns_depressant` 0/1, at steady-state
 * average concentration c. day = INFINITY gives the course's total. */
double gs_ae_risk(const struct gs_ae_model *m, const struct gs_ae_event *e, double c_mg_l,
                  double age_y, int cns_depressant, double day);

#ifdef __cplusplus
}
#endif
#endif
