/* patient.c - kidney-function equations and patient validation. */
#include "gabasim/patient.h"

#include <math.h>
#include <stddef.h>

void gs_patient_init(struct gs_patient *p)
{
    p->age_y = NAN;
    p->sex = GS_SEX_UNKNOWN;
    p->weight_kg = NAN;
    p->height_cm = NAN;
    p->scr_mg_dl = NAN;
    p->crcl_given_ml_min = NAN;
    p->haemodialysis = 0;
    p->crcl_ml_min = NAN;
    p->crcl_source = GS_CRCL_DEFAULT;
    p->egfr_ml_min_173 = NAN;
    p->ibw_kg = NAN;
    p->bmi_kg_m2 = NAN;
}

double gs_patient_cockcroft_gault(double age_y, double weight_kg, double scr_mg_dl, enum gs_sex sex)
{
    double crcl = (140.0 - age_y) * weight_kg / (72.0 * scr_mg_dl);
    return sex == GS_SEX_FEMALE ? 0.85 * crcl : crcl;
}

double gs_patient_ckd_epi_2021(double age_y, double scr_mg_dl, enum gs_sex sex)
{
    int female = sex == GS_SEX_FEMALE;
    double kappa = female ? 0.7 : 0.9;
    double alpha = female ? -0.241 : -0.302;
    double r = scr_mg_dl / kappa;
    double e = 142.0 * pow(fmin(r, 1.0), alpha) * pow(fmax(r, 1.0), -1.200) * pow(0.9938, age_y);
    return female ? 1.012 * e : e;
}

double gs_patient_ideal_body_weight(double height_cm, enum gs_sex sex)
{
    double base = sex == GS_SEX_FEMALE ? 45.5 : 50.0;
    return base + 2.3 * (height_cm / 2.54 - 60.0);
}

const char *gs_patient_sex_name(enum gs_sex sex)
{
    return sex == GS_SEX_MALE ? "male" : sex == GS_SEX_FEMALE ? "female" : "unknown";
}

const char *gs_patient_crcl_source_name(enum gs_crcl_source src)
{
    switch (src) {
    case GS_CRCL_GIVEN:
        return "given";
    case GS_CRCL_COCKCROFT:
        return "Cockcroft-Gault";
    case GS_CRCL_DIALYSIS:
        return "haemodialysis (anuric)";
    case GS_CRCL_DEFAULT:
        break;
    }
    return "assumed typical adult";
}

static gs_status check_range(double v, double lo, double hi, const char *field, const char *unit,
                             struct gs_error *err)
{
    if (isnan(v) || (v >= lo && v <= hi))
        return GS_OK;
    return gs_error_set(err, GS_INPUT, field, "'%s' is %g %s; allowed %g to %g %s", field, v, unit,
                        lo, hi, unit);
}

gs_status gs_patient_resolve(struct gs_patient *p, struct gs_error *err)
{
    gs_status st;
    if ((st = check_range(p->age_y, GS_AGE_MIN_Y, GS_AGE_MAX_Y, "--age", "years", err)) ||
        (st = check_range(p->weight_kg, GS_WEIGHT_MIN_KG, GS_WEIGHT_MAX_KG, "--weight", "kg",
                          err)) ||
        (st = check_range(p->height_cm, GS_HEIGHT_MIN_CM, GS_HEIGHT_MAX_CM, "--height", "cm",
                          err)) ||
        (st = check_range(p->scr_mg_dl, GS_SCR_MIN_MG_DL, GS_SCR_MAX_MG_DL, "--scr", "mg/dL", err)))
        return st;
    if (!isnan(p->crcl_given_ml_min) &&
        !(p->crcl_given_ml_min > 0.0 && p->crcl_given_ml_min <= GS_CRCL_MAX_ML_MIN))
        return gs_error_set(err, GS_INPUT, "--crcl",
                            "'--crcl' is %g mL/min; allowed above 0 to %g mL/min (for an anuric "
                            "patient on haemodialysis use --dialysis)",
                            p->crcl_given_ml_min, GS_CRCL_MAX_ML_MIN);
    if (!isnan(p->crcl_given_ml_min) && !isnan(p->scr_mg_dl))
        return gs_error_set(err, GS_INPUT, "--crcl",
                            "'--crcl' and '--scr' were both given; give one kidney-function "
                            "measure");

    if (!isnan(p->height_cm)) {
        double m = p->height_cm / 100.0;
        if (!isnan(p->weight_kg))
            p->bmi_kg_m2 = p->weight_kg / (m * m);
        if (p->sex != GS_SEX_UNKNOWN)
            p->ibw_kg = gs_patient_ideal_body_weight(p->height_cm, p->sex);
    }
    if (!isnan(p->scr_mg_dl)) {
        const char *missing = isnan(p->age_y)            ? "--age"
                              : p->sex == GS_SEX_UNKNOWN ? "--sex"
                              : isnan(p->weight_kg)      ? "--weight"
                                                         : NULL;
        if (missing)
            return gs_error_set(err, GS_INPUT, missing,
                                "'--scr' needs '%s' for the Cockcroft-Gault creatinine clearance",
                                missing);
        p->egfr_ml_min_173 = gs_patient_ckd_epi_2021(p->age_y, p->scr_mg_dl, p->sex);
    }

    if (p->haemodialysis) {
        /* Anuric patients have no renal clearance; a measured clearance above the label's lowest
         * band (15 mL/min) contradicts the flag rather than refining it. */
        double cg = isnan(p->scr_mg_dl)
                        ? NAN
                        : gs_patient_cockcroft_gault(p->age_y, p->weight_kg, p->scr_mg_dl, p->sex);
        double stated = !isnan(p->crcl_given_ml_min) ? p->crcl_given_ml_min : cg;
        if (!isnan(stated) && stated > 15.0)
            return gs_error_set(err, GS_INPUT, "--dialysis",
                                "'--dialysis' (anuric, on haemodialysis) contradicts a creatinine "
                                "clearance of %.0f mL/min; drop one of them",
                                stated);
        p->crcl_ml_min = 0.0;
        p->crcl_source = GS_CRCL_DIALYSIS;
    } else if (!isnan(p->crcl_given_ml_min)) {
        p->crcl_ml_min = p->crcl_given_ml_min;
        p->crcl_source = GS_CRCL_GIVEN;
    } else if (!isnan(p->scr_mg_dl)) {
        p->crcl_ml_min = gs_patient_cockcroft_gault(p->age_y, p->weight_kg, p->scr_mg_dl, p->sex);
        p->crcl_source = GS_CRCL_COCKCROFT;
        if (p->crcl_ml_min > GS_CRCL_MAX_ML_MIN)
            return gs_error_set(err, GS_INPUT, "--scr",
                                "Cockcroft-Gault gives %.0f mL/min from these inputs; allowed up "
                                "to %g mL/min",
                                p->crcl_ml_min, GS_CRCL_MAX_ML_MIN);
    } else {
        p->crcl_ml_min = GS_CRCL_DEFAULT_ML_MIN;
        p->crcl_source = GS_CRCL_DEFAULT;
    }
    return GS_OK;
}
