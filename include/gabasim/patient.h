/* gabasim/patient.h - one person: demographics, kidney function and the covariates models use.
 *
 * A patient is a plain caller-owned value. Fill what is known (NaN means "not given"), then call
 * gs_patient_resolve(), which validates ranges and derives creatinine clearance (Cockcroft-Gault,
 * the labels' method), eGFR (CKD-EPI 2021, reported only), ideal body weight and BMI.
 */
#ifndef GABASIM_PATIENT_H
#define GABASIM_PATIENT_H

#include <stddef.h>

#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum gs_sex { GS_SEX_UNKNOWN = 0, GS_SEX_MALE, GS_SEX_FEMALE };

/* Where the creatinine clearance used for dosing came from. */
enum gs_crcl_source {
    GS_CRCL_DEFAULT = 0, /* nothing given: the typical adult's 100 mL/min is assumed */
    GS_CRCL_GIVEN,       /* --crcl */
    GS_CRCL_COCKCROFT,   /* computed from serum creatinine by Cockcroft-Gault */
    GS_CRCL_DIALYSIS,    /* anuric on haemodialysis: renal clearance 0 */
};

/* Documented plausibility limits; inputs outside them are rejected, never clamped. */
#define GS_AGE_MIN_Y           12.0
#define GS_AGE_MAX_Y           110.0
#define GS_WEIGHT_MIN_KG       25.0
#define GS_WEIGHT_MAX_KG       300.0
#define GS_HEIGHT_MIN_CM       100.0
#define GS_HEIGHT_MAX_CM       250.0
#define GS_SCR_MIN_MG_DL       0.2
#define GS_SCR_MAX_MG_DL       20.0
#define GS_CRCL_MAX_ML_MIN     250.0
#define GS_CRCL_DEFAULT_ML_MIN 100.0

/* Haemodialysis sessions, repeated every week (for a patient on haemodialysis). Sessions of a week
 * fall on days first_day + floor(7 k / per_week), k = 0 .. per_week - 1 (3 a week: days 1, 3, 5,
 * like Monday, Wednesday, Friday), each starting start_h into its day (day d starts at
 * 24 (d - 1) h from the first dose) and lasting hours. */
#define GS_HD_MAX_PER_WEEK 7
#define GS_HD_MAX_HOURS    12.0
struct gs_hd_schedule {
    int per_week;         /* sessions a week, 0 (none modelled) to 7 */
    double hours;         /* each session's length, h: above 0 to GS_HD_MAX_HOURS */
    double start_h;       /* when a session starts, h into its day: 0 to below 24 */
    int first_day;        /* day of the first session, 1 to 7 */
    double supplement_mg; /* dose given as each session ends; NaN: the label's (gabasim/dialysis.h);
                             0: none */
};
/* Three 4-hour sessions a week on days 1, 3 and 5 from 8 h, the label's supplement: the usual
 * intermittent schedule (the labels' supplements are "after each 4 hours of haemodialysis"). */
#define GS_HD_SCHEDULE_DEFAULT                                                                     \
    {                                                                                              \
        3, 4.0, 8.0, 1, NAN                                                                        \
    }

struct gs_patient {
    /* inputs (NaN / GS_SEX_UNKNOWN when not given) */
    double age_y;
    enum gs_sex sex;
    double weight_kg;
    double height_cm;
    double scr_mg_dl;
    double crcl_given_ml_min;
    int haemodialysis;        /* anuric, on intermittent haemodialysis */
    struct gs_hd_schedule hd; /* its sessions (used only with haemodialysis) */

    /* derived by gs_patient_resolve() (NaN when not derivable) */
    double crcl_ml_min; /* used for dosing; 0 on haemodialysis */
    enum gs_crcl_source crcl_source;
    double egfr_ml_min_173; /* CKD-EPI 2021, mL/min/1.73 m^2 */
    double ibw_kg;          /* Devine ideal body weight (needs height and sex) */
    double bmi_kg_m2;       /* needs height */
};

/* Sets every input to "not given" (the dialysis schedule to GS_HD_SCHEDULE_DEFAULT). */
void gs_patient_init(struct gs_patient *p);

/* Parses a dialysis schedule "KEY=VALUE[,KEY=VALUE...]" over *s (keys not given keep their
 * value): sessions=N (a week, 0 to 7; 0: none modelled), length=TIME (4h; above 0 to 12 h),
 * start=TIME (into the day, 0 to below 24 h), day=D (first session's day, 1 to 7),
 * supplement=DOSE (125mg; 0mg: none; 'label': the label's). "none" is sessions=0. Errors name
 * `field`, the key, the value and what is allowed. */
gs_status gs_hd_schedule_parse(struct gs_hd_schedule *s, const char *text, const char *field,
                               struct gs_error *err);

/* Checks the ranges above (supplement: NaN, 0 or above 0); errors name `field`. */
gs_status gs_hd_schedule_check(const struct gs_hd_schedule *s, const char *field,
                               struct gs_error *err);

/* Start of session j (0-based, in time order), h from the first dose. */
double gs_hd_session_start_h(const struct gs_hd_schedule *s, long j);

/* "3 sessions a week of 4 h (days 1, 3, 5 of each week, from 8 h into the day)" into buf. */
void gs_hd_schedule_describe(const struct gs_hd_schedule *s, char *buf, size_t size);

/* Validates inputs and fills the derived fields. Serum creatinine needs age, sex and weight
 * (Cockcroft-Gault); --crcl and serum creatinine together are rejected as ambiguous; haemodialysis
 * with a given CrCl or creatinine above 15 mL/min is rejected as contradictory. */
gs_status gs_patient_resolve(struct gs_patient *p, struct gs_error *err);

/* Cockcroft DW, Gault MH. Nephron 1976;16:31-41, as printed in the Neurontin and Lyrica labels:
 * CrCl [mL/min] = (140 - age) * weight / (72 * SCr), times 0.85 if female. Actual body weight. */
double gs_patient_cockcroft_gault(double age_y, double weight_kg, double scr_mg_dl,
                                  enum gs_sex sex);

/* Inker LA et al. N Engl J Med 2021;385:1737-49 (race-free CKD-EPI creatinine equation),
 * in mL/min/1.73 m^2. */
double gs_patient_ckd_epi_2021(double age_y, double scr_mg_dl, enum gs_sex sex);

/* Devine BJ. Drug Intell Clin Pharm 1974;8:650: 50 kg (men) or 45.5 kg (women) + 2.3 kg per inch
 * over 5 feet. */
double gs_patient_ideal_body_weight(double height_cm, enum gs_sex sex);

const char *gs_patient_sex_name(enum gs_sex sex);
const char *gs_patient_crcl_source_name(enum gs_crcl_source src);

#ifdef __cplusplus
}
#endif
#endif
