/* patient.c - kidney-function equations and patient validation. */
#include "gabasim/patient.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gabasim/units.h"

void gs_patient_init(struct gs_patient *p)
{
    p->age_y = NAN;
    p->sex = GS_SEX_UNKNOWN;
    p->weight_kg = NAN;
    p->height_cm = NAN;
    p->scr_mg_dl = NAN;
    p->crcl_given_ml_min = NAN;
    p->haemodialysis = 0;
    p->hd = (struct gs_hd_schedule)GS_HD_SCHEDULE_DEFAULT;
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
        if ((st = gs_hd_schedule_check(&p->hd, "--hd-schedule", err)))
            return st;
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

/* ---- haemodialysis schedule ---- */

static const char *const hd_keys = "sessions, length, start, day, supplement";

gs_status gs_hd_schedule_check(const struct gs_hd_schedule *s, const char *field,
                               struct gs_error *err)
{
    if (s->per_week < 0 || s->per_week > GS_HD_MAX_PER_WEEK)
        return gs_error_set(err, GS_INPUT, field,
                            "'%s' field 'sessions' is %d; allowed 0 (none) to %d a week", field,
                            s->per_week, GS_HD_MAX_PER_WEEK);
    if (!(s->hours > 0.0 && s->hours <= GS_HD_MAX_HOURS))
        return gs_error_set(err, GS_INPUT, field,
                            "'%s' field 'length' is %g h; allowed above 0 to %g h", field, s->hours,
                            GS_HD_MAX_HOURS);
    if (!(s->start_h >= 0.0 && s->start_h < 24.0))
        return gs_error_set(err, GS_INPUT, field,
                            "'%s' field 'start' is %g h; allowed 0 to below 24 h into the day",
                            field, s->start_h);
    if (s->first_day < 1 || s->first_day > 7)
        return gs_error_set(err, GS_INPUT, field, "'%s' field 'day' is %d; allowed 1 to 7", field,
                            s->first_day);
    if (!isnan(s->supplement_mg) && !(s->supplement_mg >= 0.0 && isfinite(s->supplement_mg)))
        return gs_error_set(err, GS_INPUT, field,
                            "'%s' field 'supplement' is %g mg; allowed 0 (none) or a dose above 0",
                            field, s->supplement_mg);
    return GS_OK;
}

/* One KEY=VALUE of a schedule into *s. */
static gs_status hd_field(struct gs_hd_schedule *s, const char *key, const char *val,
                          const char *field, struct gs_error *err)
{
    struct gs_error quiet = GS_ERROR_INIT;
    long n = 0;
    double v = NAN;
    if (strcmp(key, "sessions") == 0) {
        if (gs_units_parse_count(val, field, 1000, &n, &quiet) != GS_OK || n > GS_HD_MAX_PER_WEEK)
            return gs_error_set(err, GS_INPUT, field,
                                "'%s' field 'sessions' is '%s'; allowed a whole number 0 to %d "
                                "(a week)",
                                field, val, GS_HD_MAX_PER_WEEK);
        s->per_week = (int)n;
    } else if (strcmp(key, "day") == 0) {
        if (gs_units_parse_count(val, field, 1000, &n, &quiet) != GS_OK || n < 1 || n > 7)
            return gs_error_set(err, GS_INPUT, field,
                                "'%s' field 'day' is '%s'; allowed a whole number 1 to 7", field,
                                val);
        s->first_day = (int)n;
    } else if (strcmp(key, "length") == 0 || strcmp(key, "start") == 0) {
        int len = key[0] == 'l';
        if (gs_units_parse_quantity(val, GS_DIM_TIME, field, &v, &quiet) != GS_OK ||
            (len ? !(v > 0.0 && v <= GS_HD_MAX_HOURS) : !(v >= 0.0 && v < 24.0)))
            return gs_error_set(err, GS_INPUT, field,
                                "'%s' field '%s' is '%s'; allowed a time %s like %s", field, key,
                                val, len ? "above 0 to 12 h" : "0 to below 24 h into the day",
                                len ? "4h" : "8h");
        if (len)
            s->hours = v;
        else
            s->start_h = v;
    } else if (strcmp(key, "supplement") == 0) {
        if (strcmp(val, "label") == 0)
            s->supplement_mg = NAN;
        else if (strcmp(val, "none") == 0)
            s->supplement_mg = 0.0;
        else if (gs_units_parse_quantity(val, GS_DIM_DOSE, field, &v, &quiet) != GS_OK ||
                 !(v >= 0.0))
            return gs_error_set(err, GS_INPUT, field,
                                "'%s' field 'supplement' is '%s'; allowed a dose like 125mg, "
                                "0mg or none, or label",
                                field, val);
        else
            s->supplement_mg = v;
    } else {
        return gs_error_set(err, GS_INPUT, field, "'%s' field '%s' is unknown; allowed: %s", field,
                            key, hd_keys);
    }
    return GS_OK;
}

gs_status gs_hd_schedule_parse(struct gs_hd_schedule *s, const char *text, const char *field,
                               struct gs_error *err)
{
    char buf[256];
    if (text == NULL || *text == '\0' || strlen(text) >= sizeof buf)
        return gs_error_set(err, GS_INPUT, field,
                            "'%s' must be 1 to %zu characters like 'sessions=3,length=4h,start=8h'",
                            field, sizeof buf - 1);
    if (strcmp(text, "none") == 0) {
        s->per_week = 0;
        return GS_OK;
    }
    memcpy(buf, text, strlen(text) + 1);
    char *save = NULL;
    gs_status st;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        if (eq == NULL || eq == tok || eq[1] == '\0')
            return gs_error_set(err, GS_INPUT, field,
                                "'%s' has '%s'; allowed KEY=VALUE items (%s) separated by commas, "
                                "or none",
                                field, tok, hd_keys);
        *eq = '\0';
        if ((st = hd_field(s, tok, eq + 1, field, err)) != GS_OK)
            return st;
    }
    return gs_hd_schedule_check(s, field, err);
}

/* Day offset (0-based, within the week) of the week's k-th session. */
static int hd_day(const struct gs_hd_schedule *s, int k)
{
    return s->first_day - 1 + (7 * k) / s->per_week;
}

double gs_hd_session_start_h(const struct gs_hd_schedule *s, long j)
{
    if (s->per_week < 1 || j < 0)
        return NAN;
    long week = j / s->per_week;
    int k = (int)(j % s->per_week);
    return 24.0 * (double)(7 * week + hd_day(s, k)) + s->start_h;
}

void gs_hd_schedule_describe(const struct gs_hd_schedule *s, char *buf, size_t size)
{
    if (s->per_week < 1) {
        snprintf(buf, size, "no sessions modelled");
        return;
    }
    char days[64] = "";
    for (int k = 0; k < s->per_week; k++) {
        size_t len = strlen(days);
        snprintf(days + len, sizeof days - len, "%s%d", k ? ", " : "", hd_day(s, k) % 7 + 1);
    }
    snprintf(buf, size,
             "%d session%s a week of %g h (day%s %s of each week, from %g h into the day)",
             s->per_week, s->per_week == 1 ? "" : "s", s->hours, s->per_week == 1 ? "" : "s", days,
             s->start_h);
}
