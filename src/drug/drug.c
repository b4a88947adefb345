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

#include "gabasim/alloc.h"
#include "drug_int.h"
#include "gabasim/dosing.h"

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
    double max_dose;
    const char *max_dose_source;
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
};

/* ---- small JSON helpers: each names the path of what is wrong ---- */

static gs_status bad(struct gs_error *err, const char *path, const char *fmt, const char *detail)
{
    char msg[256];
    snprintf(msg, sizeof msg, fmt, detail ? detail : "");
    return gs_error_set(err, GS_INPUT, path, "'%s' %s", path, msg);
}

static gs_status get_string(const cJSON *obj, const char *key, const char *path, int required,
                            const char **out, struct gs_error *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    char full[160];
    snprintf(full, sizeof full, "%s%s%s", path, *path ? "." : "", key);
    if (it == NULL) {
        if (required)
            return bad(err, full, "is missing; a non-empty string is required%s", "");
        *out = "";
        return GS_OK;
    }
    if (!cJSON_IsString(it) || it->valuestring == NULL || it->valuestring[0] == '\0')
        return bad(err, full, "must be a non-empty string%s", "");
    *out = it->valuestring;
    return GS_OK;
}

static gs_status get_number(const cJSON *obj, const char *key, const char *path, double *out,
                            struct gs_error *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    char full[160];
    snprintf(full, sizeof full, "%s.%s", path, key);
    if (it == NULL)
        return bad(err, full, "is missing; a number is required%s", "");
    if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
        return bad(err, full, "must be a finite number%s", "");
    *out = it->valuedouble;
    return GS_OK;
}

static const cJSON *get_object(const cJSON *obj, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsObject(it) ? it : NULL;
}

/* ---- covariate effects ---- */

static gs_status parse_effect(const cJSON *e, const char *path, struct cov_effect *out,
                              struct gs_error *err)
{
    const char *cov, *form;
    gs_status st;
    if (!cJSON_IsObject(e))
        return bad(err, path, "must be an object%s", "");
    if ((st = get_string(e, "covariate", path, 1, &cov, err)) ||
        (st = get_string(e, "form", path, 1, &form, err)))
        return st;
    size_t k = 0;
    while (k < sizeof cov_names / sizeof cov_names[0] && strcmp(cov_names[k].name, cov) != 0)
        k++;
    if (k == sizeof cov_names / sizeof cov_names[0])
        return bad(err, path,
                   "names unknown covariate '%s'; known: crcl, age, weight, ibw, bmi, sex", cov);
    out->kind = (enum cov_kind)k;
    out->cap = NAN;
    if (strcmp(form, "power") == 0 && out->kind != COV_SEX) {
        out->is_factor = 0;
        if ((st = get_number(e, "reference", path, &out->ref, err)) ||
            (st = get_number(e, "exponent", path, &out->exponent, err)))
            return st;
        if (!(fabs(out->exponent) <= 10.0))
            return bad(err, path, "has an exponent outside -10 to 10%s", "");
        if (!(out->ref > 0.0))
            return bad(err, path, "has reference <= 0; a power effect needs a positive reference%s",
                       "");
        if (cJSON_GetObjectItemCaseSensitive(e, "cap") != NULL) {
            if ((st = get_number(e, "cap", path, &out->cap, err)))
                return st;
            if (!(out->cap > 0.0))
                return bad(err, path, "has cap <= 0%s", "");
        }
    } else if (strcmp(form, "factor") == 0 && out->kind == COV_SEX) {
        const char *level;
        out->is_factor = 1;
        if ((st = get_string(e, "level", path, 1, &level, err)) ||
            (st = get_number(e, "factor", path, &out->factor, err)))
            return st;
        if (strcmp(level, "female") == 0)
            out->level = GS_SEX_FEMALE;
        else if (strcmp(level, "male") == 0)
            out->level = GS_SEX_MALE;
        else
            return bad(err, path, "has level '%s'; allowed: female, male", level);
        if (!(out->factor > 0.0 && out->factor <= 100.0))
            return bad(err, path, "has a factor outside (0, 100]%s", "");
    } else {
        return bad(err, path,
                   "has form '%s'; allowed: power (crcl, age, weight, ibw, bmi), factor (sex)",
                   form);
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
                         i ? "; " : "", e->factor, gs_sex_name(e->level));
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

static gs_status parse_param(gs_drug *d, const cJSON *item, struct gs_error *err)
{
    char path[160];
    snprintf(path, sizeof path, "model.parameters.%s", item->string ? item->string : "?");
    int idx = item->string ? gs_structure_param_index(d->structure, item->string) : -1;
    if (idx < 0)
        return gs_error_set(err, GS_INPUT, path,
                            "'%s' is not a parameter of structure '%s' (see gabasim help drugs)",
                            path, d->structure->name);
    const struct gs_param_def *def = &d->structure->params[idx];
    struct drug_param *dp = &d->p[idx];
    if (dp->given)
        return gs_error_set(err, GS_INPUT, path, "'%s' is given twice", path);
    if (!cJSON_IsObject(item))
        return bad(err, path, "must be an object with value, unit and source%s", "");
    const char *unit;
    gs_status st;
    if ((st = get_number(item, "value", path, &dp->value, err)) ||
        (st = get_string(item, "unit", path, 1, &unit, err)) ||
        (st = get_string(item, "source", path, 1, &dp->source, err)))
        return st;
    if (strcmp(unit, def->unit) != 0)
        return gs_error_set(err, GS_INPUT, path, "'%s.unit' is '%s'; allowed: %s", path, unit,
                            def->unit);
    if (dp->value < def->min || dp->value > def->max ||
        (def->min_exclusive && dp->value <= def->min))
        return gs_error_set(err, GS_INPUT, path, "'%s.value' is %g %s; allowed %s%g to %g", path,
                            dp->value, def->unit, def->min_exclusive ? "above " : "", def->min,
                            def->max);
    dp->given = 1;
    dp->omega_sd = NAN;
    dp->omega_source = "";
    const cJSON *covs = cJSON_GetObjectItemCaseSensitive(item, "covariates");
    if (covs != NULL) {
        if (!cJSON_IsArray(covs))
            return bad(err, path, "covariates must be an array%s", "");
        const cJSON *e;
        cJSON_ArrayForEach(e, covs)
        {
            char epath[200];
            snprintf(epath, sizeof epath, "%s.covariates[%zu]", path, dp->n_eff);
            if (dp->n_eff == MAX_EFFECTS)
                return bad(err, epath, "is one covariate effect too many (at most 6)%s", "");
            if ((st = parse_effect(e, epath, &dp->eff[dp->n_eff], err)))
                return st;
            dp->n_eff++;
        }
    }
    describe_effects(dp);
    return GS_OK;
}

static gs_status parse_omega_block(gs_drug *d, const cJSON *blk, struct gs_error *err)
{
    const char *path = "model.variability.omega_block";
    if (!cJSON_IsObject(blk))
        return bad(err, path, "must be an object with parameters, covariance and source%s", "");
    gs_status st;
    if ((st = get_string(blk, "source", path, 1, &d->omega_block_source, err)))
        return st;
    const cJSON *names = cJSON_GetObjectItemCaseSensitive(blk, "parameters");
    const cJSON *cov = cJSON_GetObjectItemCaseSensitive(blk, "covariance");
    int n = cJSON_GetArraySize(names);
    if (!cJSON_IsArray(names) || n < 1 || n > GS_MAX_PARAMS)
        return bad(err, path, "parameters must be an array of 1 to 8 parameter names%s", "");
    if (!cJSON_IsArray(cov) || cJSON_GetArraySize(cov) != n)
        return bad(err, path, "covariance must be an n x n array matching parameters%s", "");
    int idx[GS_MAX_PARAMS];
    for (int i = 0; i < n; i++) {
        const cJSON *nm = cJSON_GetArrayItem(names, i);
        idx[i] = cJSON_IsString(nm) ? gs_structure_param_index(d->structure, nm->valuestring) : -1;
        if (idx[i] < 0 || !d->p[idx[i]].given)
            return bad(err, path, "parameters[%s] names no parameter given in the file",
                       cJSON_IsString(nm) ? nm->valuestring : "?");
        for (int j = 0; j < i; j++)
            if (idx[j] == idx[i])
                return bad(err, path, "lists parameter '%s' twice", nm->valuestring);
    }
    for (int i = 0; i < n; i++) {
        const cJSON *row = cJSON_GetArrayItem(cov, i);
        if (!cJSON_IsArray(row) || cJSON_GetArraySize(row) != n)
            return bad(err, path, "covariance must be an n x n array matching parameters%s", "");
        for (int j = 0; j < n; j++) {
            const cJSON *v = cJSON_GetArrayItem(row, j);
            if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
                return bad(err, path, "covariance holds a value that is not a finite number%s", "");
            d->omega[idx[i]][idx[j]] = v->valuedouble;
        }
    }
    for (int i = 0; i < n; i++) {
        if (!(d->omega[idx[i]][idx[i]] >= 0.0 && d->omega[idx[i]][idx[i]] <= 9.0))
            return gs_error_set(err, GS_INPUT, path,
                                "'%s' variance of %s is %g; allowed 0 to 9 (log scale)", path,
                                d->structure->params[idx[i]].name, d->omega[idx[i]][idx[i]]);
        for (int j = 0; j < n; j++)
            if (d->omega[idx[i]][idx[j]] != d->omega[idx[j]][idx[i]])
                return bad(err, path, "covariance is not symmetric%s", "");
        d->p[idx[i]].omega_sd = sqrt(d->omega[idx[i]][idx[i]]);
        d->p[idx[i]].omega_source = d->omega_block_source;
    }
    return GS_OK;
}

static gs_status parse_variability(gs_drug *d, const cJSON *var, struct gs_error *err)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, var)
    {
        if (item->string && strcmp(item->string, "omega_block") == 0)
            continue; /* parsed after the per-parameter entries */
        char path[160];
        snprintf(path, sizeof path, "model.variability.%s", item->string ? item->string : "?");
        int idx = item->string ? gs_structure_param_index(d->structure, item->string) : -1;
        if (idx < 0 || !d->p[idx].given)
            return gs_error_set(err, GS_INPUT, path, "'%s' names no parameter given in the file",
                                path);
        if (!cJSON_IsObject(item))
            return bad(err, path, "must be an object with omega_sd and source%s", "");
        gs_status st;
        double sd;
        const char *src;
        if ((st = get_number(item, "omega_sd", path, &sd, err)) ||
            (st = get_string(item, "source", path, 1, &src, err)))
            return st;
        if (!(sd >= 0.0 && sd <= 3.0))
            return gs_error_set(err, GS_INPUT, path, "'%s.omega_sd' is %g; allowed 0 to 3", path,
                                sd);
        d->p[idx].omega_sd = sd;
        d->p[idx].omega_source = src;
        d->omega[idx][idx] = sd * sd;
        if (cJSON_GetObjectItemCaseSensitive(item, "bov_sd")) {
            double b;
            if ((st = get_number(item, "bov_sd", path, &b, err)))
                return st;
            if (!(b >= 0.0 && b <= 3.0))
                return gs_error_set(err, GS_INPUT, path, "'%s.bov_sd' is %g; allowed 0 to 3", path,
                                    b);
            d->p[idx].bov_sd = b;
        }
    }
    const cJSON *blk = cJSON_GetObjectItemCaseSensitive(var, "omega_block");
    return blk ? parse_omega_block(d, blk, err) : GS_OK;
}

static gs_status parse_residual(gs_drug *d, const cJSON *res, struct gs_error *err)
{
    const char *path = "model.residual";
    gs_status st;
    if ((st = get_string(res, "source", path, 1, &d->resid_source, err)))
        return st;
    const char *keys[2] = {"additive_mg_L", "proportional"};
    double *dst[2] = {&d->resid_add, &d->resid_prop};
    for (int k = 0; k < 2; k++) {
        if (cJSON_GetObjectItemCaseSensitive(res, keys[k]) == NULL)
            continue;
        if ((st = get_number(res, keys[k], path, dst[k], err)))
            return st;
        if (!(*dst[k] >= 0.0 && *dst[k] <= 100.0))
            return gs_error_set(err, GS_INPUT, path, "'%s.%s' is %g; allowed 0 to 100", path,
                                keys[k], *dst[k]);
    }
    if (isnan(d->resid_add) && isnan(d->resid_prop))
        return bad(err, path, "needs additive_mg_L and/or proportional%s", "");
    return GS_OK;
}

static gs_status parse_root(gs_drug *d, struct gs_error *err)
{
    const cJSON *root = d->root;
    gs_status st;
    const char *schema, *structure;
    if (!cJSON_IsObject(root))
        return bad(err, "(top level)", "must be a JSON object%s", "");
    if ((st = get_string(root, "schema", "", 1, &schema, err)))
        return st;
    if (strcmp(schema, "gabasim-drug/1") != 0)
        return gs_error_set(err, GS_INPUT, "schema", "'schema' is '%s'; allowed: gabasim-drug/1",
                            schema);
    if ((st = get_string(root, "name", "", 1, &d->name, err)) ||
        (st = get_string(root, "title", "", 1, &d->title, err)) ||
        (st = get_string(root, "summary", "", 0, &d->summary, err)))
        return st;
    for (const char *c = d->name; *c; c++)
        if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '-' || *c == '_'))
            return gs_error_set(err, GS_INPUT, "name",
                                "'name' is '%s'; allowed: lowercase letters, digits, '-', '_'",
                                d->name);
    const cJSON *model = get_object(root, "model");
    if (model == NULL)
        return bad(err, "model",
                   "is missing; an object with structure and parameters is required%s", "");
    if ((st = get_string(model, "structure", "model", 1, &structure, err)))
        return st;
    d->structure = gs_structure_find(structure);
    if (d->structure == NULL)
        return gs_error_set(err, GS_INPUT, "model.structure",
                            "'model.structure' is '%s'; known: oral_1cmt_linear, "
                            "oral_1cmt_mm_absorption",
                            structure);
    const cJSON *params = get_object(model, "parameters");
    if (params == NULL)
        return bad(err, "model.parameters", "is missing; an object of parameters is required%s",
                   "");
    const cJSON *item;
    cJSON_ArrayForEach(item, params)
    {
        if ((st = parse_param(d, item, err)))
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
    const cJSON *var = get_object(model, "variability");
    if (var && (st = parse_variability(d, var, err)))
        return st;
    const cJSON *res = get_object(model, "residual");
    if (res && (st = parse_residual(d, res, err)))
        return st;

    d->anuric_cl = NAN;
    d->anuric_source = "";
    const cJSON *anuric = get_object(model, "anuric");
    if (anuric) {
        const cJSON *cl = get_object(anuric, "CL");
        if (cl == NULL)
            return bad(err, "model.anuric.CL", "is missing; an object with value, unit, source%s",
                       "");
        const char *unit;
        if ((st = get_number(cl, "value", "model.anuric.CL", &d->anuric_cl, err)) ||
            (st = get_string(cl, "unit", "model.anuric.CL", 1, &unit, err)) ||
            (st = get_string(cl, "source", "model.anuric.CL", 1, &d->anuric_source, err)))
            return st;
        if (strcmp(unit, "L/h") != 0)
            return gs_error_set(err, GS_INPUT, "model.anuric.CL",
                                "'model.anuric.CL.unit' is '%s'; allowed: L/h", unit);
        if (!(d->anuric_cl > 0.0 && d->anuric_cl < 100.0))
            return gs_error_set(err, GS_INPUT, "model.anuric.CL",
                                "'model.anuric.CL.value' is %g L/h; allowed above 0 to 100",
                                d->anuric_cl);
    }

    const cJSON *limits = get_object(root, "limits");
    const cJSON *maxd = limits ? get_object(limits, "max_dose") : NULL;
    if (maxd == NULL)
        return bad(err, "limits.max_dose",
                   "is missing; an object with value (mg), unit and source is required%s", "");
    const char *unit;
    if ((st = get_number(maxd, "value", "limits.max_dose", &d->max_dose, err)) ||
        (st = get_string(maxd, "unit", "limits.max_dose", 1, &unit, err)) ||
        (st = get_string(maxd, "source", "limits.max_dose", 1, &d->max_dose_source, err)))
        return st;
    if (strcmp(unit, "mg") != 0 || !(d->max_dose > 0.0 && d->max_dose <= 1e5))
        return gs_error_set(err, GS_INPUT, "limits.max_dose",
                            "'limits.max_dose' is %g %s; allowed above 0 to 100000 mg", d->max_dose,
                            unit);

    const cJSON *tits = get_object(root, "titrations");
    if (tits) {
        cJSON_ArrayForEach(item, tits)
        {
            char path[160];
            snprintf(path, sizeof path, "titrations.%s", item->string ? item->string : "?");
            if (d->n_tit == MAX_TITRATIONS)
                return bad(err, path, "is one titration too many (at most 8)%s", "");
            if (!cJSON_IsObject(item))
                return bad(err, path, "must be an object with schedule and source%s", "");
            if ((st = get_string(item, "schedule", path, 1, &d->tit_schedule[d->n_tit], err)) ||
                (st = get_string(item, "source", path, 1, &d->tit_source[d->n_tit], err)))
                return st;
            d->tit_name[d->n_tit++] = item->string;
        }
    }
    const cJSON *ass = cJSON_GetObjectItemCaseSensitive(root, "assumptions");
    if (ass) {
        if (!cJSON_IsArray(ass))
            return bad(err, "assumptions", "must be an array of strings%s", "");
        cJSON_ArrayForEach(item, ass)
        {
            if (!cJSON_IsString(item) || d->n_assumption == MAX_ASSUMPTIONS)
                return bad(err, "assumptions", "must be at most 32 strings%s", "");
            d->assumption[d->n_assumption++] = item->valuestring;
        }
    }
    if ((st = gs__dosing_parse(root, &d->dosing, &d->has_dosing, err)))
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
    if (memchr(text, '\0', len) != NULL) {
        gs_drug_free(d);
        return gs_error_set(err, GS_INPUT, origin, "%s: contains a NUL byte; not a text file",
                            origin);
    }
    /* cJSON's trailing-text check wants the terminating NUL inside the given length. */
    char *buf = gs_malloc(len + 1);
    if (buf == NULL) {
        gs_drug_free(d);
        return gs_error_set(err, GS_NOMEM, origin, "out of memory");
    }
    memcpy(buf, text, len);
    buf[len] = '\0';
    const char *end = NULL;
    d->root = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 1);
    text = buf;
    if (d->root == NULL) {
        /* Report line and column of the failure (cJSON gives the position; no global state). */
        size_t line = 1, col = 1;
        for (const char *c = text; end && c < end && c < text + len; c++) {
            if (*c == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        gs_free(buf);
        gs_drug_free(d);
        return gs_error_set(err, GS_INPUT, origin,
                            "%s: line %zu, column %zu: malformed JSON (or trailing text)", origin,
                            line, col);
    }
    gs_free(buf);
    gs_status st = parse_root(d, err);
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

gs_status gs__json_parse(const char *text, size_t len, cJSON **root)
{
    *root = NULL;
    char *buf = gs_malloc(len + 1);
    if (buf == NULL)
        return GS_NOMEM;
    memcpy(buf, text, len);
    buf[len] = '\0';
    /* cJSON wants the terminating NUL inside the length; a NUL inside the text is not JSON */
    if (memchr(text, '\0', len) == NULL)
        *root = cJSON_ParseWithLengthOpts(buf, len + 1, NULL, 1);
    gs_free(buf);
    return GS_OK;
}

gs_status gs__read_file(const char *path, size_t max, char **text, size_t *len,
                        struct gs_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return gs_error_set(err, errno == ENOENT ? GS_NOTFOUND : GS_IO, path,
                            "cannot open '%s': %s", path, strerror(errno));
    char *buf = gs_malloc(max + 1);
    if (buf == NULL) {
        fclose(f);
        return gs_error_set(err, GS_NOMEM, path, "out of memory");
    }
    size_t n = fread(buf, 1, max + 1, f);
    int bad_read = ferror(f);
    fclose(f);
    if (bad_read || n > max) {
        gs_free(buf);
        return gs_error_set(
            err, bad_read ? GS_IO : GS_INPUT, path,
            bad_read ? "cannot read '%s'" : "'%s' is larger than the %zu-byte limit", path, max);
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return GS_OK;
}

gs_status gs__read_data_file(const char *path, const char *default_name, size_t max, char **text,
                             size_t *len, char *origin, struct gs_error *err)
{
    if (path == NULL)
        snprintf(origin, 4096, "%s/%s", gs_data_dir(), default_name);
    else
        snprintf(origin, 4096, "%s", path);
    return gs__read_file(origin, max, text, len, err);
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
                  (len > 5 && strcmp(name_or_path + len - 5, ".json") == 0);
    if (is_path) {
        snprintf(path, sizeof path, "%s", name_or_path);
    } else {
        if (!is_library_name(name_or_path))
            return gs_error_set(err, GS_INPUT, "--drug",
                                "'--drug' is '%s'; give a library name (see 'gabasim drugs') or a "
                                "path to a .json drug file",
                                name_or_path);
        snprintf(path, sizeof path, "%s/drugs/%s.json", gs_data_dir(), name_or_path);
    }
    char *text = NULL;
    gs_status st = gs__read_file(path, GS_DRUG_FILE_MAX, &text, &len, err);
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
    st = gs_drug_parse(out, text, len, path, err);
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
    snprintf(dir, sizeof dir, "%s/drugs", gs_data_dir());
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
double gs_drug_anuric_cl(const gs_drug *d)
{
    return d->anuric_cl;
}
const char *gs_drug_anuric_cl_source(const gs_drug *d)
{
    return d->anuric_source;
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

const void *gs__drug_root(const gs_drug *d)
{
    return d->root;
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
    int cl_idx = gs_structure_param_index(d->structure, "CL");
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
                             gs_sex_name(e->level), d->structure->params[i].name);
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
