/* drug.c - loading and validating drug files; individualising parameters for one patient. */
#include "gabasim/drug.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drug_int.h"
#include "gabasim/alloc.h"
#include "gabasim/datafile.h"

#define MAX_EFFECTS     6
#define MAX_TITRATIONS  8
#define MAX_ASSUMPTIONS 32

enum cov_kind { COV_CRCL, COV_AGE, COV_WEIGHT, COV_IBW, COV_BMI, COV_SEX };

static const struct {
    const char *name;
    const char *unit;
} cov_names[] = {
    [COV_CRCL] = {"crcl", "mL/min"}, [COV_AGE] = {"age", "y"},      [COV_WEIGHT] = {"weight", "kg"},
    [COV_IBW] = {"ibw", "kg"},       [COV_BMI] = {"bmi", "kg/m^2"}, [COV_SEX] = {"sex", ""},
};

struct cov_effect {
    enum cov_kind kind;
    int is_factor;   /* 1: categorical factor; 0: power (cov/reference)^exponent */
    double ref;      /* reference covariate value (power) */
    double exponent; /* power */
    double cap;      /* covariate capped at this value before the power (NaN: none) */
    double factor;   /* categorical: multiplier when sex == level */
    enum gs_sex level;
};

struct drug_param {
    double value;
    int given;
    const char *source;
    struct cov_effect eff[MAX_EFFECTS];
    size_t n_eff;
    char effects_text[400];
    double omega_sd;
    const char *omega_source;
    double bov_sd; /* between-occasion SD of log(value); NaN if none */
};

struct gs_drug {
    cJSON *root; /* owns every const char * below */
    char *origin;
    const char *name, *title, *summary;
    const struct gs_structure *structure;
    struct drug_param p[GS_MAX_PARAMS];
    double anuric_cl;
    const char *anuric_source;
    double hd_cl; /* model.haemodialysis.CL: added during dialysis sessions; NaN if none */
    const char *hd_source;
    double max_dose;
    const char *max_dose_source;
    struct gs_reference_range range;
    int has_range;
    const char *tit_name[MAX_TITRATIONS], *tit_schedule[MAX_TITRATIONS],
        *tit_source[MAX_TITRATIONS];
    size_t n_tit;
    const char *assumption[MAX_ASSUMPTIONS];
    size_t n_assumption;
    char *calibration_json; /* cJSON_Print output, freed with cJSON_free */
    /* full covariance of the random effects on log(parameter), structure parameter order;
     * NaN off the diagonal unless an omega_block sets it (then 0 by default) */
    double omega[GS_MAX_PARAMS][GS_MAX_PARAMS];
    const char *omega_block_source;
    double resid_add, resid_prop; /* residual error SDs: mg/L and fraction; NaN if none */
    const char *resid_source;
    struct gs_dosing dosing;
    int has_dosing;
    struct gs_pd_params pd;
    int has_pd;
};

/* ---- reading the file's sections (field readers: gabasim/datafile.h) ---- */

#define REQ GS_DATAFILE_REQUIRED
#define OPT GS_DATAFILE_OPTIONAL

static gs_status bad(struct gs_error *err, const char *path, const char *what)
{
    return gs_error_set(err, GS_INPUT, path, "'%s' %s", path, what);
}

/* ---- covariate effects ---- */

static gs_status parse_effect(const cJSON *e, const char *path, struct cov_effect *out,
                              struct gs_error *err)
{
    static const char *const covs[] = {"crcl", "age", "weight", "ibw", "bmi", "sex", NULL};
    static const char *const forms[] = {"power", "factor", NULL};
    static const char *const levels[] = {"female", "male", NULL};
    /* A reference (and a cap) is a value a patient can have: the ranges gabasim accepts for a
     * patient (gabasim/patient.h; BMI and ideal body weight as those bounds allow), so that
     * (covariate / reference)^exponent stays near 1 and the parameter finite and above 0. */
    static const struct gs_datafile_range cov_range[] = {
        [COV_CRCL] = {1.0, GS_CRCL_MAX_ML_MIN, 0, 0, "mL/min", NULL},
        [COV_AGE] = {GS_AGE_MIN_Y, GS_AGE_MAX_Y, 0, 0, "y", NULL},
        [COV_WEIGHT] = {GS_WEIGHT_MIN_KG, GS_WEIGHT_MAX_KG, 0, 0, "kg", NULL},
        [COV_IBW] = {10.0, GS_WEIGHT_MAX_KG, 0, 0, "kg", NULL},
        [COV_BMI] = {5.0, 100.0, 0, 0, "kg/m^2", NULL},
    };
    static const struct gs_datafile_range exponent = {-10.0, 10.0, 0, 0, NULL, NULL};
    static const struct gs_datafile_range factor = {0.0, 100.0, 1, 0, NULL, NULL};
    int cov = 0, form = 0, level = 0;
    gs_status st;
    if (!cJSON_IsObject(e))
        return bad(err, path, "is not an object; allowed an object with covariate and form");
    if ((st = gs_datafile_choice(e, path, "covariate", REQ, covs, &cov, err)) ||
        (st = gs_datafile_choice(e, path, "form", REQ, forms, &form, err)))
        return st;
    out->kind = (enum cov_kind)cov;
    out->cap = NAN;
    if (form == 0 && out->kind != COV_SEX) {
        out->is_factor = 0;
        const struct gs_datafile_range *positive = &cov_range[out->kind];
        if ((st = gs_datafile_number(e, path, "reference", REQ, positive, &out->ref, err)) ||
            (st = gs_datafile_number(e, path, "exponent", REQ, &exponent, &out->exponent, err)) ||
            (st = gs_datafile_number(e, path, "cap", OPT, positive, &out->cap, err)))
            return st;
    } else if (form == 1 && out->kind == COV_SEX) {
        out->is_factor = 1;
        if ((st = gs_datafile_choice(e, path, "level", REQ, levels, &level, err)) ||
            (st = gs_datafile_number(e, path, "factor", REQ, &factor, &out->factor, err)))
            return st;
        out->level = level == 0 ? GS_SEX_FEMALE : GS_SEX_MALE;
    } else {
        char f[200];
        gs_datafile_field(f, sizeof f, path, "form");
        return gs_error_set(err, GS_INPUT, f,
                            "'%s' is '%s' for covariate '%s'; allowed: power (crcl, age, weight, "
                            "ibw, bmi), factor (sex)",
                            f, forms[form], covs[cov]);
    }
    return GS_OK;
}

static void describe_effects(struct drug_param *dp)
{
    size_t off = 0;
    dp->effects_text[0] = '\0';
    for (size_t i = 0; i < dp->n_eff && off < sizeof dp->effects_text; i++) {
        const struct cov_effect *e = &dp->eff[i];
        const char *name = cov_names[e->kind].name;
        int n;
        if (e->is_factor)
            n = snprintf(dp->effects_text + off, sizeof dp->effects_text - off, "%sx %g if %s",
                         i ? "; " : "", e->factor, gs_patient_sex_name(e->level));
        else if (!isnan(e->cap))
            n = snprintf(dp->effects_text + off, sizeof dp->effects_text - off,
                         "%sx (min(%s, %g)/%g %s)^%g", i ? "; " : "", name, e->cap, e->ref,
                         cov_names[e->kind].unit, e->exponent);
        else
            n = snprintf(dp->effects_text + off, sizeof dp->effects_text - off, "%sx (%s/%g %s)^%g",
                         i ? "; " : "", name, e->ref, cov_names[e->kind].unit, e->exponent);
        if (n < 0)
            break;
        off += (size_t)n;
    }
}

/* ---- the whole file ---- */

static gs_status parse_param(gs_drug *d, const cJSON *params, const cJSON *item,
                             struct gs_error *err)
{
    char path[160];
    snprintf(path, sizeof path, "model.parameters.%s", item->string ? item->string : "?");
    int idx = item->string ? gs_model_structure_param_index(d->structure, item->string) : -1;
    if (idx < 0)
        return gs_error_set(err, GS_INPUT, path,
                            "'%s' is not a parameter of structure '%s' (see gabasim help drugs)",
                            path, d->structure->name);
    const struct gs_param_def *def = &d->structure->params[idx];
    struct drug_param *dp = &d->p[idx];
    if (dp->given)
        return gs_error_set(err, GS_INPUT, path, "'%s' is given twice", path);
    const struct gs_datafile_range r = {def->min, def->max, def->min_exclusive, 0, def->unit, NULL};
    gs_status st = gs_datafile_quantity(
        params,
        &(struct gs_datafile_spec){
            .path = "model.parameters", .key = item->string, .need = REQ, .range = &r},
        &dp->value, &dp->source, err);
    if (st != GS_OK)
        return st;
    dp->given = 1;
    dp->omega_sd = NAN;
    dp->omega_source = "";
    const cJSON *covs, *e;
    if ((st = gs_datafile_array(item, path, "covariates", OPT, &covs, err)))
        return st;
    cJSON_ArrayForEach(e, covs)
    {
        char epath[200];
        snprintf(epath, sizeof epath, "%s.covariates[%zu]", path, dp->n_eff);
        if (dp->n_eff == MAX_EFFECTS)
            return bad(err, epath, "is one covariate effect too many; allowed at most 6");
        if ((st = parse_effect(e, epath, &dp->eff[dp->n_eff], err)))
            return st;
        dp->n_eff++;
    }
    describe_effects(dp);
    return GS_OK;
}

static gs_status parse_omega_block(gs_drug *d, const cJSON *var, struct gs_error *err)
{
    const char *path = "model.variability.omega_block";
    const cJSON *blk, *names, *cov;
    gs_status st;
    if ((st = gs_datafile_object(var, "model.variability", "omega_block", OPT, &blk, err)) ||
        blk == NULL)
        return st;
    if ((st = gs_datafile_source(blk, path, &d->omega_block_source, err)) ||
        (st = gs_datafile_array(blk, path, "parameters", REQ, &names, err)) ||
        (st = gs_datafile_array(blk, path, "covariance", REQ, &cov, err)))
        return st;
    int n = cJSON_GetArraySize(names);
    if (n < 1 || n > GS_MAX_PARAMS)
        return gs_error_set(err, GS_INPUT, path,
                            "'%s.parameters' has %d names; allowed 1 to %d parameter names", path,
                            n, GS_MAX_PARAMS);
    if (cJSON_GetArraySize(cov) != n)
        return bad(err, path, "covariance must be an n x n array matching parameters");
    int idx[GS_MAX_PARAMS];
    for (int i = 0; i < n; i++) {
        const cJSON *nm = cJSON_GetArrayItem(names, i);
        idx[i] =
            cJSON_IsString(nm) ? gs_model_structure_param_index(d->structure, nm->valuestring) : -1;
        if (idx[i] < 0 || !d->p[idx[i]].given)
            return gs_error_set(err, GS_INPUT, path,
                                "'%s.parameters[%d]' is '%.64s'; allowed a parameter given in "
                                "the file",
                                path, i, cJSON_IsString(nm) ? nm->valuestring : "?");
        for (int j = 0; j < i; j++)
            if (idx[j] == idx[i])
                return gs_error_set(err, GS_INPUT, path, "'%s' lists parameter '%s' twice", path,
                                    nm->valuestring);
    }
    for (int i = 0; i < n; i++) {
        const cJSON *row = cJSON_GetArrayItem(cov, i);
        if (!cJSON_IsArray(row) || cJSON_GetArraySize(row) != n)
            return bad(err, path, "covariance must be an n x n array matching parameters");
        for (int j = 0; j < n; j++) {
            char f[200];
            snprintf(f, sizeof f, "%s.covariance[%d][%d]", path, i, j);
            if ((st = gs_datafile_number_item(cJSON_GetArrayItem(row, j), f, NULL,
                                              &d->omega[idx[i]][idx[j]], err)))
                return st;
        }
    }
    for (int i = 0; i < n; i++) {
        if (!(d->omega[idx[i]][idx[i]] >= 0.0 && d->omega[idx[i]][idx[i]] <= 9.0))
            return gs_error_set(err, GS_INPUT, path,
                                "'%s' variance of %s is %g; allowed 0 to 9 (log scale)", path,
                                d->structure->params[idx[i]].name, d->omega[idx[i]][idx[i]]);
        for (int j = 0; j < n; j++)
            if (d->omega[idx[i]][idx[j]] != d->omega[idx[j]][idx[i]])
                return bad(err, path, "covariance is not symmetric");
        d->p[idx[i]].omega_sd = sqrt(d->omega[idx[i]][idx[i]]);
        d->p[idx[i]].omega_source = d->omega_block_source;
    }
    return GS_OK;
}

static gs_status parse_variability(gs_drug *d, const cJSON *var, struct gs_error *err)
{
    static const struct gs_datafile_range sd_range = {0.0, 3.0, 0, 0, NULL, NULL};
    const cJSON *item;
    cJSON_ArrayForEach(item, var)
    {
        if (item->string && strcmp(item->string, "omega_block") == 0)
            continue; /* parsed after the per-parameter entries */
        char path[160];
        snprintf(path, sizeof path, "model.variability.%s", item->string ? item->string : "?");
        int idx = item->string ? gs_model_structure_param_index(d->structure, item->string) : -1;
        if (idx < 0 || !d->p[idx].given)
            return gs_error_set(err, GS_INPUT, path, "'%s' names no parameter given in the file",
                                path);
        if (!cJSON_IsObject(item))
            return bad(err, path, "is not an object; allowed an object with omega_sd and source");
        gs_status st;
        double sd = NAN;
        const char *src;
        if ((st = gs_datafile_number(item, path, "omega_sd", REQ, &sd_range, &sd, err)) ||
            (st = gs_datafile_source(item, path, &src, err)) ||
            (st = gs_datafile_number(item, path, "bov_sd", OPT, &sd_range, &d->p[idx].bov_sd, err)))
            return st;
        d->p[idx].omega_sd = sd;
        d->p[idx].omega_source = src;
        d->omega[idx][idx] = sd * sd;
    }
    return parse_omega_block(d, var, err);
}

static gs_status parse_residual(gs_drug *d, const cJSON *res, struct gs_error *err)
{
    static const struct gs_datafile_range r = {0.0, 100.0, 0, 0, NULL, NULL};
    const char *path = "model.residual";
    gs_status st;
    if ((st = gs_datafile_source(res, path, &d->resid_source, err)) ||
        (st = gs_datafile_number(res, path, "additive_mg_L", OPT, &r, &d->resid_add, err)) ||
        (st = gs_datafile_number(res, path, "proportional", OPT, &r, &d->resid_prop, err)))
        return st;
    if (isnan(d->resid_add) && isnan(d->resid_prop))
        return bad(err, path, "has neither; allowed additive_mg_L and/or proportional");
    return GS_OK;
}

/* The "pharmacodynamics" section: effect site and binding (gabasim/pd.h). */
static gs_status parse_pd(gs_drug *d, const cJSON *root, struct gs_error *err)
{
    static const struct gs_datafile_range ke0 = {0.0, 100.0, 1, 0, "1/h", NULL};
    static const struct gs_datafile_range kp = {0.0, 1.0, 1, 0, "fraction", NULL};
    static const struct gs_datafile_range kd = {0.0, 100.0, 1, 0, "mg/L", NULL};
    const char *path = "pharmacodynamics";
    const cJSON *pd;
    gs_status st;
    if ((st = gs_datafile_object(root, "", path, OPT, &pd, err)) || pd == NULL)
        return st;
    if ((st = gs_datafile_quantity(
             pd, &(struct gs_datafile_spec){.path = path, .key = "ke0", .need = REQ, .range = &ke0},
             &d->pd.ke0_per_h, NULL, err)) ||
        (st = gs_datafile_quantity(
             pd,
             &(struct gs_datafile_spec){.path = path, .key = "csf_kp", .need = REQ, .range = &kp},
             &d->pd.csf_kp, NULL, err)) ||
        (st = gs_datafile_quantity(
             pd, &(struct gs_datafile_spec){.path = path, .key = "kd", .need = REQ, .range = &kd},
             &d->pd.kd_mg_l, NULL, err)))
        return st;
    d->has_pd = 1;
    return GS_OK;
}

/* "reference_range": the laboratory reference range of plasma levels, with when it is drawn,
 * its source and the caveat that it is not a target (no concentration-response is established). */
static gs_status parse_reference_range(gs_drug *d, const cJSON *root, struct gs_error *err)
{
    static const struct gs_datafile_range conc = {0.0, 1e4, 1, 0, NULL, NULL};
    const char *path = "reference_range";
    const cJSON *rr;
    gs_status st = gs_datafile_object(root, "", path, OPT, &rr, err);
    if (st || rr == NULL)
        return st;
    struct gs_reference_range *r = &d->range;
    static const char *const units[] = {"mg/L", NULL};
    int unit;
    if ((st = gs_datafile_number(rr, path, "low", REQ, &conc, &r->low_mg_l, err)) ||
        (st = gs_datafile_number(rr, path, "high", REQ, &conc, &r->high_mg_l, err)) ||
        (st = gs_datafile_choice(rr, path, "unit", REQ, units, &unit, err)) ||
        (st = gs_datafile_string(rr, path, "sample", REQ, &r->sample, err)) ||
        (st = gs_datafile_string(rr, path, "caveat", REQ, &r->caveat, err)) ||
        (st = gs_datafile_source(rr, path, &r->source, err)))
        return st;
    if (!(r->high_mg_l > r->low_mg_l))
        return gs_error_set(err, GS_INPUT, "reference_range.high",
                            "'reference_range.high' is %g mg/L; allowed above 'low' (%g mg/L)",
                            r->high_mg_l, r->low_mg_l);
    d->has_range = 1;
    return GS_OK;
}

static gs_status parse_root(gs_drug *d, struct gs_error *err)
{
    static const char *const schemas[] = {"gabasim-drug/1", NULL};
    static const struct gs_datafile_range anuric = {0.0, 100.0, 1, 0, "L/h", NULL};
    static const struct gs_datafile_range hd_cl = {0.0, 100.0, 1, 0, "L/h", NULL};
    static const struct gs_datafile_range max_dose = {0.0, 1e5, 1, 0, "mg", NULL};
    const cJSON *root = d->root, *model, *params, *item;
    gs_status st;
    int schema = 0;
    const char *structure;
    if (!cJSON_IsObject(root))
        return bad(err, "(top level)", "is not an object; allowed a JSON object");
    d->summary = "";
    if ((st = gs_datafile_choice(root, "", "schema", REQ, schemas, &schema, err)) ||
        (st = gs_datafile_string(root, "", "name", REQ, &d->name, err)) ||
        (st = gs_datafile_string(root, "", "title", REQ, &d->title, err)) ||
        (st = gs_datafile_string(root, "", "summary", OPT, &d->summary, err)))
        return st;
    for (const char *c = d->name; *c; c++)
        if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '-' || *c == '_'))
            return gs_error_set(err, GS_INPUT, "name",
                                "'name' is '%s'; allowed: lowercase letters, digits, '-', '_'",
                                d->name);
    if ((st = gs_datafile_object(root, "", "model", REQ, &model, err)) ||
        (st = gs_datafile_string(model, "model", "structure", REQ, &structure, err)))
        return st;
    d->structure = gs_model_structure_find(structure);
    if (d->structure == NULL)
        return gs_error_set(err, GS_INPUT, "model.structure",
                            "'model.structure' is '%.64s'; allowed: oral_1cmt_linear, "
                            "oral_1cmt_mm_absorption",
                            structure);
    if ((st = gs_datafile_object(model, "model", "parameters", REQ, &params, err)))
        return st;
    cJSON_ArrayForEach(item, params)
    {
        if ((st = parse_param(d, params, item, err)))
            return st;
    }
    for (size_t i = 0; i < d->structure->n_params; i++) {
        const struct gs_param_def *def = &d->structure->params[i];
        if (!d->p[i].given) {
            if (def->required)
                return gs_error_set(err, GS_INPUT, "model.parameters",
                                    "'model.parameters.%s' is missing; structure '%s' requires it "
                                    "(%s, %s)",
                                    def->name, d->structure->name, def->meaning, def->unit);
            d->p[i].value = def->fallback;
            d->p[i].source = "structure default (not given in the drug file)";
            d->p[i].omega_sd = NAN;
            d->p[i].omega_source = "";
        }
    }
    for (size_t i = 0; i < GS_MAX_PARAMS; i++) {
        d->p[i].bov_sd = NAN;
        for (size_t j = 0; j < GS_MAX_PARAMS; j++)
            d->omega[i][j] = 0.0;
    }
    d->resid_add = d->resid_prop = NAN;
    d->resid_source = d->omega_block_source = "";
    const cJSON *var, *res, *anu;
    if ((st = gs_datafile_object(model, "model", "variability", OPT, &var, err)) ||
        (var && (st = parse_variability(d, var, err))) ||
        (st = gs_datafile_object(model, "model", "residual", OPT, &res, err)) ||
        (res && (st = parse_residual(d, res, err))))
        return st;

    d->anuric_cl = NAN;
    d->anuric_source = "";
    if ((st = gs_datafile_object(model, "model", "anuric", OPT, &anu, err)) ||
        (anu && (st = gs_datafile_quantity(
                     anu,
                     &(struct gs_datafile_spec){
                         .path = "model.anuric", .key = "CL", .need = REQ, .range = &anuric},
                     &d->anuric_cl, &d->anuric_source, err))))
        return st;
    const cJSON *hd;
    d->hd_cl = NAN;
    d->hd_source = "";
    if ((st = gs_datafile_object(model, "model", "haemodialysis", OPT, &hd, err)) ||
        (hd && (st = gs_datafile_quantity(
                    hd,
                    &(struct gs_datafile_spec){
                        .path = "model.haemodialysis", .key = "CL", .need = REQ, .range = &hd_cl},
                    &d->hd_cl, &d->hd_source, err))))
        return st;

    /* a missing "limits" reads as a missing "limits.max_dose" */
    if ((st = gs_datafile_quantity(
             cJSON_GetObjectItemCaseSensitive(root, "limits"),
             &(struct gs_datafile_spec){
                 .path = "limits", .key = "max_dose", .need = REQ, .range = &max_dose},
             &d->max_dose, &d->max_dose_source, err)))
        return st;

    if ((st = parse_reference_range(d, root, err)))
        return st;

    const cJSON *tits;
    if ((st = gs_datafile_object(root, "", "titrations", OPT, &tits, err)))
        return st;
    cJSON_ArrayForEach(item, tits)
    {
        char path[160];
        snprintf(path, sizeof path, "titrations.%s", item->string ? item->string : "?");
        if (d->n_tit == MAX_TITRATIONS)
            return bad(err, path, "is one titration too many; allowed at most 8");
        if (!cJSON_IsObject(item))
            return bad(err, path, "is not an object; allowed an object with schedule and source");
        if ((st = gs_datafile_string(item, path, "schedule", REQ, &d->tit_schedule[d->n_tit],
                                     err)) ||
            (st = gs_datafile_source(item, path, &d->tit_source[d->n_tit], err)))
            return st;
        d->tit_name[d->n_tit++] = item->string;
    }
    if ((st = gs_datafile_strings(
             root,
             &(struct gs_datafile_spec){
                 .path = "", .key = "assumptions", .need = OPT, .max_n = MAX_ASSUMPTIONS},
             d->assumption, &d->n_assumption, err)) ||
        (st = gs__dosing_parse(root, &d->dosing, &d->has_dosing, err)) ||
        (st = parse_pd(d, root, err)))
        return st;
    const cJSON *cal = cJSON_GetObjectItemCaseSensitive(root, "calibration");
    if (cal) {
        d->calibration_json = cJSON_Print(cal);
        if (d->calibration_json == NULL)
            return gs_error_set(err, GS_NOMEM, "calibration", "out of memory");
    }
    return GS_OK;
}

gs_status gs_drug_parse(gs_drug **out, const char *text, size_t len, const char *origin,
                        struct gs_error *err)
{
    *out = NULL;
    if (len > GS_DRUG_FILE_MAX)
        return gs_error_set(err, GS_INPUT, origin, "%s: drug file is %zu bytes; allowed up to %d",
                            origin, len, GS_DRUG_FILE_MAX);
    gs_drug *d = gs_calloc(1, sizeof *d);
    if (d == NULL)
        return gs_error_set(err, GS_NOMEM, origin, "out of memory");
    d->origin = gs_strdup(origin);
    if (d->origin == NULL) {
        gs_drug_free(d);
        return gs_error_set(err, GS_NOMEM, origin, "out of memory");
    }
    gs_status st = gs_datafile_parse_json(text, len, origin, &d->root, err);
    if (st != GS_OK) {
        gs_drug_free(d);
        return st;
    }
    st = parse_root(d, err);
    if (st != GS_OK) {
        gs_error_prefix(err, origin);
        gs_drug_free(d);
        return st;
    }
    *out = d;
    return GS_OK;
}

void gs_drug_free(gs_drug *d)
{
    if (d == NULL)
        return;
    cJSON_Delete(d->root);
    if (d->calibration_json)
        cJSON_free(d->calibration_json);
    gs_free(d->origin);
    gs_free(d);
}

static int is_library_name(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-' || *s == '_'))
            return 0;
    return 1;
}

gs_status gs_drug_load(gs_drug **out, const char *name_or_path, struct gs_error *err)
{
    *out = NULL;
    char path[4096];
    size_t len = strlen(name_or_path);
    int is_path = strchr(name_or_path, '/') != NULL ||
                  (len > 5 && strcmp(name_or_path + len - 5, ".json") == 0) ||
                  strcmp(name_or_path, GS_DATAFILE_STDIN) == 0;
    if (is_path) {
        snprintf(path, sizeof path, "%s", name_or_path);
    } else {
        if (!is_library_name(name_or_path))
            return gs_error_set(err, GS_INPUT, "--drug",
                                "'--drug' is '%s'; give a library name (see 'gabasim drugs') or a "
                                "path to a .json drug file",
                                name_or_path);
        const char *dir = NULL;
        gs_status dst = gs_datafile_dir_find(&dir, err); /* no data directory: say so, exit 1 */
        if (dst != GS_OK)
            return dst;
        snprintf(path, sizeof path, "%s/drugs/%s.json", dir, name_or_path);
    }
    char *text = NULL;
    gs_status st = gs_datafile_read(path, GS_DRUG_FILE_MAX, "drug file", &text, &len, err);
    if (st == GS_NOTFOUND && !is_path) {
        char **names = NULL;
        size_t n = 0;
        char known[256] = "";
        if (gs_drug_list(&names, &n, NULL) == GS_OK) {
            for (size_t i = 0; i < n; i++) {
                size_t k = strlen(known);
                snprintf(known + k, sizeof known - k, "%s%s", k ? ", " : "", names[i]);
                gs_free(names[i]);
            }
            gs_free(names);
        }
        return gs_error_set(err, GS_INPUT, "--drug", "'--drug' is '%s', an unknown drug; known: %s",
                            name_or_path, *known ? known : "(library empty)");
    }
    if (st == GS_NOTFOUND) /* a path the user typed that does not exist: a usage error */
        return gs_error_set(err, GS_INPUT, "--drug", "'--drug' is '%s', which cannot be opened: %s",
                            name_or_path, strerror(ENOENT));
    if (st != GS_OK)
        return st;
    st = gs_drug_parse(out, text, len, gs_datafile_origin(path), err);
    gs_free(text);
    return st;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

gs_status gs_drug_list(char ***names, size_t *n, struct gs_error *err)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/drugs", gs_datafile_dir());
    *names = NULL;
    *n = 0;
    DIR *dp = opendir(dir);
    if (dp == NULL)
        return gs_error_set(err, GS_IO, dir, "cannot open the drug library '%s': %s", dir,
                            strerror(errno));
    char **list = NULL;
    size_t cnt = 0, cap = 0;
    struct dirent *de;
    gs_status st = GS_OK;
    while ((de = readdir(dp)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len <= 5 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        if (cnt == cap) {
            size_t nc = cap ? 2 * cap : 8;
            char **p = gs_realloc(list, nc * sizeof *p);
            if (p == NULL) {
                st = GS_NOMEM;
                break;
            }
            list = p;
            cap = nc;
        }
        list[cnt] = gs_malloc(len - 4);
        if (list[cnt] == NULL) {
            st = GS_NOMEM;
            break;
        }
        memcpy(list[cnt], de->d_name, len - 5);
        list[cnt][len - 5] = '\0';
        cnt++;
    }
    closedir(dp);
    if (st != GS_OK) {
        for (size_t i = 0; i < cnt; i++)
            gs_free(list[i]);
        gs_free(list);
        return gs_error_set(err, st, dir, "out of memory listing '%s'", dir);
    }
    qsort(list, cnt, sizeof *list, cmp_str);
    *names = list;
    *n = cnt;
    return GS_OK;
}

/* ---- accessors ---- */

const char *gs_drug_name(const gs_drug *d)
{
    return d->name;
}
const char *gs_drug_title(const gs_drug *d)
{
    return d->title;
}
const char *gs_drug_summary(const gs_drug *d)
{
    return d->summary;
}
const char *gs_drug_origin(const gs_drug *d)
{
    return d->origin;
}
const struct gs_structure *gs_drug_structure(const gs_drug *d)
{
    return d->structure;
}
double gs_drug_max_dose_mg(const gs_drug *d)
{
    return d->max_dose;
}
const char *gs_drug_max_dose_source(const gs_drug *d)
{
    return d->max_dose_source;
}
const struct gs_reference_range *gs_drug_reference_range(const gs_drug *d)
{
    return d->has_range ? &d->range : NULL;
}

double gs_drug_anuric_cl(const gs_drug *d)
{
    return d->anuric_cl;
}
const char *gs_drug_anuric_cl_source(const gs_drug *d)
{
    return d->anuric_source;
}
double gs_drug_hd_cl(const gs_drug *d)
{
    return d->hd_cl;
}
const char *gs_drug_hd_cl_source(const gs_drug *d)
{
    return d->hd_source;
}
size_t gs_drug_param_count(const gs_drug *d)
{
    return d->structure->n_params;
}

void gs_drug_param_info(const gs_drug *d, size_t i, struct gs_drug_param_info *info)
{
    const struct gs_param_def *def = &d->structure->params[i];
    const struct drug_param *dp = &d->p[i];
    info->name = def->name;
    info->unit = def->unit;
    info->meaning = def->meaning;
    info->value = dp->value;
    info->given = dp->given;
    info->source = dp->source;
    info->effects = dp->effects_text;
    info->omega_sd = dp->omega_sd;
    info->omega_source = dp->omega_source;
}

size_t gs_drug_titration_count(const gs_drug *d)
{
    return d->n_tit;
}

void gs_drug_titration(const gs_drug *d, size_t i, const char **name, const char **schedule,
                       const char **source)
{
    *name = d->tit_name[i];
    *schedule = d->tit_schedule[i];
    *source = d->tit_source[i];
}

const char *gs_drug_titration_find(const gs_drug *d, const char *name)
{
    for (size_t i = 0; i < d->n_tit; i++)
        if (strcmp(d->tit_name[i], name) == 0)
            return d->tit_schedule[i];
    return NULL;
}

size_t gs_drug_assumption_count(const gs_drug *d)
{
    return d->n_assumption;
}
const char *gs_drug_assumption(const gs_drug *d, size_t i)
{
    return d->assumption[i];
}
const char *gs_drug_calibration_json(const gs_drug *d)
{
    return d->calibration_json;
}

gs_status gs_drug_pd(const gs_drug *d, struct gs_pd_params *out, struct gs_error *err)
{
    if (!d->has_pd)
        return gs_error_set(err, GS_UNSUPPORTED, "pharmacodynamics",
                            "drug '%s' has no pharmacodynamics section", d->name);
    *out = d->pd;
    return GS_OK;
}

const struct gs_dosing *gs_drug_dosing(const gs_drug *d)
{
    return d->has_dosing ? &d->dosing : NULL;
}

size_t gs_drug_omega(const gs_drug *d, int *param_idx, double *cov)
{
    size_t n = 0;
    for (size_t i = 0; i < d->structure->n_params; i++)
        if (d->omega[i][i] > 0.0)
            param_idx[n++] = (int)i;
    for (size_t a = 0; a < n; a++)
        for (size_t b = 0; b < n; b++)
            cov[a * n + b] = d->omega[param_idx[a]][param_idx[b]];
    return n;
}

double gs_drug_bov_sd(const gs_drug *d, size_t i)
{
    return d->p[i].bov_sd;
}

void gs_drug_residual(const gs_drug *d, double *additive_mg_l, double *proportional,
                      const char **source)
{
    *additive_mg_l = d->resid_add;
    *proportional = d->resid_prop;
    if (source)
        *source = d->resid_source;
}

/* ---- individualisation ---- */

static void note(char *notes, size_t size, const char *line)
{
    if (notes == NULL || size == 0)
        return;
    size_t k = strlen(notes);
    if (strstr(notes, line) == NULL)
        snprintf(notes + k, size - k, "%s\n", line);
}

gs_status gs_drug_individual_model(const gs_drug *d, const struct gs_patient *pt,
                                   struct gs_model *out, char *notes, size_t notes_size,
                                   struct gs_error *err)
{
    out->structure = d->structure;
    out->hd_cl_l_h = d->hd_cl;
    int cl_idx = gs_model_structure_param_index(d->structure, "CL");
    for (size_t i = 0; i < d->structure->n_params; i++) {
        const struct drug_param *dp = &d->p[i];
        double v = dp->value;
        if ((int)i == cl_idx && pt->haemodialysis) {
            if (isnan(d->anuric_cl))
                return gs_error_set(err, GS_UNSUPPORTED, "--dialysis",
                                    "drug '%s' gives no clearance for anuric patients "
                                    "(model.anuric.CL); cannot simulate '--dialysis'",
                                    d->name);
            out->p[i] = d->anuric_cl;
            continue;
        }
        for (size_t k = 0; k < dp->n_eff; k++) {
            const struct cov_effect *e = &dp->eff[k];
            double c = NAN;
            const char *missing = NULL;
            switch (e->kind) {
            case COV_CRCL:
                c = pt->crcl_ml_min;
                break;
            case COV_AGE:
                c = pt->age_y;
                missing = "age not given";
                break;
            case COV_WEIGHT:
                c = pt->weight_kg;
                missing = "weight not given";
                break;
            case COV_IBW:
                c = pt->ibw_kg;
                missing = "height or sex not given";
                break;
            case COV_BMI:
                c = pt->bmi_kg_m2;
                missing = "height or weight not given";
                break;
            case COV_SEX:
                missing = "sex not given";
                break;
            }
            if (e->is_factor) {
                if (pt->sex == GS_SEX_UNKNOWN && notes != NULL) {
                    char line[200];
                    snprintf(line, sizeof line, "%s: the %s effect on %s is left out", missing,
                             gs_patient_sex_name(e->level), d->structure->params[i].name);
                    note(notes, notes_size, line);
                } else if (pt->sex == e->level) {
                    v *= e->factor;
                }
                continue;
            }
            if (isnan(c)) {
                if (notes == NULL) /* populations pass NULL: no text to build per subject */
                    continue;
                char line[200];
                snprintf(line, sizeof line, "%s: %s taken at the reference %g %s for %s", missing,
                         cov_names[e->kind].name, e->ref, cov_names[e->kind].unit,
                         d->structure->params[i].name);
                note(notes, notes_size, line);
                continue;
            }
            if (!isnan(e->cap) && c > e->cap)
                c = e->cap;
            v *= pow(c / e->ref, e->exponent);
        }
        /* The anuric floor: a kidney that still clears something never clears less than none.
         * CL = max(CrCl-based CL, anuric CL) keeps the published models unchanged wherever they
         * give more than the anuric clearance (gabapentin above CrCl 5.1 mL/min, pregabalin above
         * about 10), and is continuous and non-decreasing in CrCl (both terms are), so CrCl -> 0
         * meets --dialysis off sessions. An additive intercept would instead change every
         * published model (docs/drug-files.md, model.anuric). */
        if ((int)i == cl_idx && !isnan(d->anuric_cl) && isfinite(v) && v < d->anuric_cl) {
            if (notes != NULL) {
                char line[200];
                snprintf(line, sizeof line,
                         "CrCl %g mL/min: clearance taken at the anuric floor %g L/h "
                         "(model.anuric.CL)",
                         pt->crcl_ml_min, d->anuric_cl);
                note(notes, notes_size, line);
            }
            v = d->anuric_cl;
        }
        const struct gs_param_def *def = &d->structure->params[i];
        if (!isfinite(v) || v < def->min || (def->min_exclusive && v <= def->min))
            return gs_error_set(err, GS_INPUT, def->name,
                                "%s: %s for this patient is %g %s after covariate effects; "
                                "allowed %s%g",
                                d->origin, def->name, v, def->unit,
                                def->min_exclusive ? "above " : "", def->min);
        out->p[i] = v;
    }
    for (size_t i = d->structure->n_params; i < GS_MAX_PARAMS; i++)
        out->p[i] = 0.0;
    return GS_OK;
}
