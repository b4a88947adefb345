/* placebo.c - the placebo / natural-history pain course of Plan et al. 2012. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../drug/drug_int.h"
#include "gabasim/alloc.h"
#include "gabasim/drug.h"
#include "gabasim/pain.h"

static gs_status field(const cJSON *pl, const char *key, double lo, double hi, double *out,
                       const char *origin, struct gs_error *err)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(pl, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "value");
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "source");
    if (!cJSON_IsNumber(v) || !cJSON_IsString(s) || s->valuestring[0] == '\0')
        return gs_error_set(err, GS_INPUT, key, "%s: 'placebo.%s' needs a value and a source",
                            origin, key);
    if (!(v->valuedouble > lo && v->valuedouble <= hi))
        return gs_error_set(err, GS_INPUT, key,
                            "%s: 'placebo.%s.value' is %g; allowed above %g to %g", origin, key,
                            v->valuedouble, lo, hi);
    *out = v->valuedouble;
    return GS_OK;
}

gs_status gs_placebo_parse(struct gs_placebo *out, const char *text, size_t len, const char *path,
                           struct gs_error *err)
{
    cJSON *root;
    if (gs__json_parse(text, len, &root) != GS_OK)
        return gs_error_set(err, GS_NOMEM, path, "out of memory");
    const cJSON *pl = cJSON_GetObjectItemCaseSensitive(root, "placebo");
    gs_status st;
    if (!cJSON_IsObject(pl))
        st = gs_error_set(err, GS_INPUT, path, "%s: malformed, or no 'placebo' object", path);
    else if (!(st = field(pl, "base", 0.0, 10.0, &out->base, path, err)) &&
             !(st = field(pl, "pe", 0.0, 1.0, &out->pe, path, err)))
        st = field(pl, "t_half", 0.0, 3650.0, &out->t_half_d, path, err);
    if (st == GS_OK) {
        const cJSON *iiv = cJSON_GetObjectItemCaseSensitive(pl, "iiv");
        const char *key[3] = {"logit_base_omega2", "logit_pe_omega2", "log_t_half_omega2"};
        double *dst[3] = {&out->omega2_logit_base, &out->omega2_logit_pe, &out->omega2_log_t_half};
        for (int k = 0; k < 3; k++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(iiv, key[k]);
            *dst[k] = NAN;
            if (v == NULL)
                continue;
            if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0.0 && v->valuedouble <= 25.0)) {
                st = gs_error_set(err, GS_INPUT, key[k],
                                  "%s: 'placebo.iiv.%s' must be a variance from 0 to 25", path,
                                  key[k]);
                break;
            }
            *dst[k] = v->valuedouble;
        }
    }
    cJSON_Delete(root);
    return st;
}

gs_status gs_placebo_load(struct gs_placebo *out, const char *path, struct gs_error *err)
{
    char origin[4096], *text = NULL;
    size_t len = 0;
    gs_status st = gs__read_data_file(path, "pain.json", 1 << 20, &text, &len, origin, err);
    if (st != GS_OK)
        return st;
    st = gs_placebo_parse(out, text, len, origin, err);
    gs_free(text);
    return st;
}

double gs_placebo_pain(const struct gs_placebo *m, double base, double t_d)
{
    double b = isnan(base) ? m->base : base;
    if (t_d <= 0.0)
        return b;
    return b * (1.0 - m->pe * -expm1(-log(2.0) * t_d / m->t_half_d));
}

double gs_pain_responder_prob(const struct gs_placebo *m, double effect, double t_d,
                              double fraction)
{
    if (isnan(m->omega2_logit_pe) || isnan(m->omega2_log_t_half) || !(t_d > 0.0) ||
        !(fraction > 0.0 && fraction < 1.0) || !(effect < 1.0))
        return NAN;
    /* needed placebo share c of the baseline: (1 - PE g)(1 - effect) <= 1 - fraction */
    double c = 1.0 - (1.0 - fraction) / (1.0 - effect);
    if (c <= 0.0)
        return 1.0;
    const double w_pe = sqrt(m->omega2_logit_pe), w_t = sqrt(m->omega2_log_t_half);
    const double mu_pe = log(m->pe / (1.0 - m->pe));
    /* T1/2 = T exp(w_t z), z standard normal: the trapezoid rule on [-8, 8] with 1601 points is
     * exact to below 1e-12 for this smooth, bounded integrand (Gaussian tails beyond 8 SD) */
    const int n = 1601;
    const double lo = -8.0, h = 16.0 / (n - 1);
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
        double z = lo + h * i;
        double g = -expm1(-log(2.0) * t_d / (m->t_half_d * exp(w_t * z)));
        double need = c / g, p;
        if (need >= 1.0)
            p = 0.0;
        else /* P(PE >= need), logit PE ~ N(mu_pe, w_pe^2) */
            p = 0.5 * erfc((log(need / (1.0 - need)) - mu_pe) / (w_pe * sqrt(2.0)));
        double wgt = (i == 0 || i == n - 1) ? 0.5 : 1.0;
        sum += wgt * p * exp(-0.5 * z * z);
    }
    return sum * h / sqrt(2.0 * 3.14159265358979323846);
}
