/* gabasim/patient.h - one person: demographics, kidney function and the covariates models use.
 *
 * A patient is a plain caller-owned value. Fill what is known (NaN means "not given"), then call
 * gs_patient_resolve(), which validates ranges and derives creatinine clearance (Cockcroft-Gault,
 * the labels' method), eGFR (CKD-EPI 2021, reported only), ideal body weight and BMI.
 */
#ifndef GABASIM_PATIENT_H
#define GABASIM_PATIENT_H

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

struct gs_patient {
    /* inputs (NaN / GS_SEX_UNKNOWN when not given) */
    double age_y;
    enum gs_sex sex;
    double weight_kg;
    double height_cm;
    double scr_mg_dl;
    double crcl_given_ml_min;
    int haemodialysis; /* anuric, on intermittent haemodialysis */

    /* derived by gs_patient_resolve() (NaN when not derivable) */
    double crcl_ml_min; /* used for dosing; 0 on haemodialysis */
    enum gs_crcl_source crcl_source;
    double egfr_ml_min_173; /* CKD-EPI 2021, mL/min/1.73 m^2 */
    double ibw_kg;          /* Devine ideal body weight (needs height and sex) */
    double bmi_kg_m2;       /* needs height */
};

/* Sets every input to "not given". */
void gs_patient_init(struct gs_patient *p);

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
