/* pd_params.c - the drug file's "pharmacodynamics" section: effect site and binding. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../drug/drug_int.h"
#include "gabasim/pd.h"

static gs_status value(const cJSON *sec, const char *key, const char *unit, double lo, double hi,
                       double *out, const gs_drug *d, struct gs_error *err)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(sec, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "value");
    const cJSON *u = cJSON_GetObjectItemCaseSensitive(o, "unit");
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "source");
    if (!cJSON_IsNumber(v) || !cJSON_IsString(u) || strcmp(u->valuestring, unit) != 0 ||
        !cJSON_IsString(s) || s->valuestring[0] == '\0')
        return gs_error_set(err, GS_INPUT, key,
                            "%s: 'pharmacodynamics.%s' needs value, unit '%s' and source",
                            gs_drug_origin(d), key, unit);
    if (!(v->valuedouble > lo && v->valuedouble <= hi))
        return gs_error_set(err, GS_INPUT, key,
                            "%s: 'pharmacodynamics.%s.value' is %g %s; allowed above %g to %g",
                            gs_drug_origin(d), key, v->valuedouble, unit, lo, hi);
    *out = v->valuedouble;
    return GS_OK;
}

gs_status gs_drug_pd(const gs_drug *d, struct gs_pd_params *out, struct gs_error *err)
{
    const cJSON *pd = cJSON_GetObjectItemCaseSensitive(gs__drug_root(d), "pharmacodynamics");
    if (!cJSON_IsObject(pd))
        return gs_error_set(err, GS_UNSUPPORTED, "pharmacodynamics",
                            "drug '%s' has no pharmacodynamics section", gs_drug_name(d));
    gs_status st;
    if ((st = value(pd, "ke0", "1/h", 0.0, 100.0, &out->ke0_per_h, d, err)) ||
        (st = value(pd, "csf_kp", "fraction", 0.0, 1.0, &out->csf_kp, d, err)) ||
        (st = value(pd, "kd", "mg/L", 0.0, 100.0, &out->kd_mg_l, d, err)))
        return st;
    return GS_OK;
}
