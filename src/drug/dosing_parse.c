/* dosing_parse.c - the drug file's "dosing" section (label dosing rules) into struct gs_dosing. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "drug_int.h"
#include "gabasim/dosing.h"

static gs_status fail(struct gs_error *err, const char *path, const char *what)
{
    return gs_error_set(err, GS_INPUT, path, "'%s' %s", path, what);
}

static gs_status str(const cJSON *o, const char *key, const char *path, const char **out,
                     struct gs_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsString(v) || v->valuestring[0] == '\0') {
        char p[160];
        snprintf(p, sizeof p, "%s.%s", path, key);
        return fail(err, p, "must be a non-empty string");
    }
    *out = v->valuestring;
    return GS_OK;
}

static gs_status num(const cJSON *o, const char *key, const char *path, double lo, double hi,
                     double *out, struct gs_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    char p[160];
    snprintf(p, sizeof p, "%s.%s", path, key);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
        return fail(err, p, "must be a finite number");
    if (!(v->valuedouble >= lo && v->valuedouble <= hi))
        return gs_error_set(err, GS_INPUT, p, "'%s' is %g; allowed %g to %g", p, v->valuedouble, lo,
                            hi);
    *out = v->valuedouble;
    return GS_OK;
}

/* [[a], [b, c], ...] -> ranges (a, a), (b, c); at most GS_DOSING_MAX_COLUMNS. */
static gs_status ranges(const cJSON *arr, const char *path, double (*out)[2], size_t *n,
                        struct gs_error *err)
{
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) < 1 ||
        cJSON_GetArraySize(arr) > GS_DOSING_MAX_COLUMNS)
        return fail(err, path, "must be an array of 1 to 6 columns like [300] or [25, 50]");
    *n = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, arr)
    {
        int k = cJSON_GetArraySize(c);
        const cJSON *a = cJSON_GetArrayItem(c, 0), *b = cJSON_GetArrayItem(c, k - 1);
        if (!cJSON_IsArray(c) || k < 1 || k > 2 || !cJSON_IsNumber(a) || !cJSON_IsNumber(b) ||
            !(a->valuedouble > 0.0 && b->valuedouble >= a->valuedouble && b->valuedouble <= 1e5))
            return fail(err, path, "has a column that is not [dose] or [low, high] in mg/day");
        out[*n][0] = a->valuedouble;
        out[*n][1] = b->valuedouble;
        (*n)++;
    }
    return GS_OK;
}

static gs_status band(const cJSON *o, const char *path, struct gs_renal_band *b,
                      struct gs_error *err)
{
    gs_status st;
    if (!cJSON_IsObject(o))
        return fail(err, path, "must be an object");
    if ((st = num(o, "crcl_min", path, 0, 250, &b->crcl_min, err)))
        return st;
    b->crcl_max = INFINITY;
    if (cJSON_GetObjectItemCaseSensitive(o, "crcl_max") &&
        (st = num(o, "crcl_max", path, b->crcl_min, 1000, &b->crcl_max, err)))
        return st;
    const cJSON *daily = cJSON_GetObjectItemCaseSensitive(o, "daily_mg");
    char p[160];
    snprintf(p, sizeof p, "%s.daily_mg", path);
    if (!cJSON_IsArray(daily) || cJSON_GetArraySize(daily) != 2 ||
        !cJSON_IsNumber(cJSON_GetArrayItem(daily, 0)) ||
        !cJSON_IsNumber(cJSON_GetArrayItem(daily, 1)))
        return fail(err, p, "must be [low, high] in mg/day");
    b->daily_min_mg = cJSON_GetArrayItem(daily, 0)->valuedouble;
    b->daily_max_mg = cJSON_GetArrayItem(daily, 1)->valuedouble;
    if (!(b->daily_min_mg > 0.0 && b->daily_max_mg >= b->daily_min_mg && b->daily_max_mg <= 1e5))
        return fail(err, p, "must be 0 < low <= high <= 100000 mg/day");
    const cJSON *pd = cJSON_GetObjectItemCaseSensitive(o, "per_day");
    snprintf(p, sizeof p, "%s.per_day", path);
    if (!cJSON_IsArray(pd) || cJSON_GetArraySize(pd) < 1 || cJSON_GetArraySize(pd) > 3)
        return fail(err, p, "must be an array of 1 to 3 of 1, 2, 3, 4");
    b->n_per_day = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, pd)
    {
        if (!cJSON_IsNumber(x) || !(x->valuedouble == 1 || x->valuedouble == 2 ||
                                    x->valuedouble == 3 || x->valuedouble == 4))
            return fail(err, p, "must hold whole numbers 1 to 4");
        b->per_day[b->n_per_day++] = (int)x->valuedouble;
    }
    snprintf(p, sizeof p, "%s.columns_mg", path);
    if ((st = ranges(cJSON_GetObjectItemCaseSensitive(o, "columns_mg"), p, b->column_mg,
                     &b->n_columns, err)))
        return st;
    b->scale_below_crcl = 0.0;
    if (cJSON_GetObjectItemCaseSensitive(o, "scale_below_crcl") &&
        (st = num(o, "scale_below_crcl", path, 1, 250, &b->scale_below_crcl, err)))
        return st;
    return GS_OK;
}

gs_status gs__dosing_parse(const void *root_json, struct gs_dosing *r, int *present,
                           struct gs_error *err)
{
    const cJSON *root = root_json;
    memset(r, 0, sizeof *r);
    *present = 0;
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(root, "dosing");
    if (d == NULL)
        return GS_OK;
    if (!cJSON_IsObject(d))
        return fail(err, "dosing", "must be an object");
    gs_status st;
    const cJSON *renal = cJSON_GetObjectItemCaseSensitive(d, "renal");
    if (!cJSON_IsObject(renal))
        return fail(err, "dosing.renal", "must be an object with source, edges, bands");
    if ((st = str(renal, "source", "dosing.renal", &r->renal_source, err)) ||
        (st = str(renal, "edges", "dosing.renal", &r->edge_rule, err)))
        return st;
    const cJSON *bands = cJSON_GetObjectItemCaseSensitive(renal, "bands");
    if (!cJSON_IsArray(bands) || cJSON_GetArraySize(bands) < 1 ||
        cJSON_GetArraySize(bands) > GS_DOSING_MAX_BANDS)
        return fail(err, "dosing.renal.bands", "must be an array of 1 to 6 bands");
    const cJSON *b;
    cJSON_ArrayForEach(b, bands)
    {
        char p[64];
        snprintf(p, sizeof p, "dosing.renal.bands[%zu]", r->n_bands);
        if ((st = band(b, p, &r->band[r->n_bands], err)))
            return st;
        r->n_bands++;
    }
    /* bands sorted ascending, contiguous, starting at 0 and open at the top */
    for (size_t i = 0; i + 1 < r->n_bands; i++)
        for (size_t j = i + 1; j < r->n_bands; j++)
            if (r->band[j].crcl_min < r->band[i].crcl_min) {
                struct gs_renal_band t = r->band[i];
                r->band[i] = r->band[j];
                r->band[j] = t;
            }
    if (r->band[0].crcl_min != 0.0 || !isinf(r->band[r->n_bands - 1].crcl_max))
        return fail(err, "dosing.renal.bands",
                    "must start at crcl_min 0 and leave the top band without crcl_max");
    for (size_t i = 0; i + 1 < r->n_bands; i++)
        if (r->band[i].crcl_max != r->band[i + 1].crcl_min)
            return fail(err, "dosing.renal.bands",
                        "must be contiguous: each band's crcl_max is the next band's crcl_min");
    const cJSON *hd = cJSON_GetObjectItemCaseSensitive(renal, "haemodialysis_supplement");
    if (hd) {
        if ((st = str(hd, "source", "dosing.renal.haemodialysis_supplement", &r->hd_source, err)) ||
            (st = ranges(cJSON_GetObjectItemCaseSensitive(hd, "columns_mg"),
                         "dosing.renal.haemodialysis_supplement.columns_mg", r->hd_supplement_mg,
                         &r->n_hd, err)))
            return st;
        if (r->n_hd != r->band[0].n_columns)
            return fail(err, "dosing.renal.haemodialysis_supplement.columns_mg",
                        "must have one column per column of the lowest band");
    }
    const cJSON *o;
    if ((o = cJSON_GetObjectItemCaseSensitive(d, "max_daily")) == NULL)
        return fail(err, "dosing.max_daily", "is missing");
    if ((st = num(o, "value", "dosing.max_daily", 1, 1e5, &r->max_daily_mg, err)) ||
        (st = str(o, "source", "dosing.max_daily", &r->max_daily_source, err)))
        return st;
    if ((o = cJSON_GetObjectItemCaseSensitive(d, "max_interval"))) {
        if ((st = num(o, "value", "dosing.max_interval", 1, 168, &r->max_interval_h, err)) ||
            (st = str(o, "source", "dosing.max_interval", &r->max_interval_source, err)))
            return st;
    }
    if ((o = cJSON_GetObjectItemCaseSensitive(d, "taper"))) {
        if ((st = num(o, "min_days", "dosing.taper", 0, 365, &r->taper_min_days, err)) ||
            (st = str(o, "source", "dosing.taper", &r->taper_source, err)))
            return st;
    }
    *present = 1;
    return GS_OK;
}
