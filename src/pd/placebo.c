/* placebo.c - the placebo / natural-history pain course of Plan et al. 2012. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/datafile.h"
#include "gabasim/drug.h"
#include "gabasim/pain.h"

gs_status gs_placebo_parse(struct gs_placebo *out, const char *text, size_t len, const char *path,
                           struct gs_error *err)
{
    static const struct gs_datafile_range base = {0.0, 10.0, 1, 0, "NRS 0-10", NULL};
    static const struct gs_datafile_range pe = {0.0, 1.0, 1, 0, "fraction", NULL};
    static const struct gs_datafile_range t_half = {0.0, 3650.0, 1, 0, "d", NULL};
    static const struct gs_datafile_range variance = {0.0, 25.0, 0,
                                                      0,   NULL, "a variance from 0 to 25"};
    static const char *const key[3] = {"logit_base_omega2", "logit_pe_omega2", "log_t_half_omega2"};
    double *dst[3] = {&out->omega2_logit_base, &out->omega2_logit_pe, &out->omega2_log_t_half};
    const cJSON *pl, *iiv = NULL;
    cJSON *root;
    gs_status st = gs_datafile_parse_json(text, len, path, &root, err);
    if (st != GS_OK)
        return st;
    for (int k = 0; k < 3; k++)
        *dst[k] = NAN;
    if (!(st = gs_datafile_object(root, "", "placebo", GS_DATAFILE_REQUIRED, &pl, err)) &&
        !(st = gs_datafile_quantity(
              pl,
              &(struct gs_datafile_spec){
                  .path = "placebo", .key = "base", .need = GS_DATAFILE_REQUIRED, .range = &base},
              &out->base, NULL, err)) &&
        !(st = gs_datafile_quantity(
              pl,
              &(struct gs_datafile_spec){
                  .path = "placebo", .key = "pe", .need = GS_DATAFILE_REQUIRED, .range = &pe},
              &out->pe, NULL, err)) &&
        !(st = gs_datafile_quantity(pl,
                                    &(struct gs_datafile_spec){.path = "placebo",
                                                               .key = "t_half",
                                                               .need = GS_DATAFILE_REQUIRED,
                                                               .range = &t_half},
                                    &out->t_half_d, NULL, err)))
        st = gs_datafile_object(pl, "placebo", "iiv", GS_DATAFILE_OPTIONAL, &iiv, err);
    for (int k = 0; st == GS_OK && iiv && k < 3; k++)
        st = gs_datafile_number(iiv, "placebo.iiv", key[k], GS_DATAFILE_OPTIONAL, &variance, dst[k],
                                err);
    cJSON_Delete(root);
    if (st != GS_OK)
        gs_error_prefix(err, path);
    return st;
}

gs_status gs_placebo_load(struct gs_placebo *out, const char *path, struct gs_error *err)
{
    char origin[4096], *text = NULL;
    size_t len = 0;
    gs_datafile_locate(origin, sizeof origin, path, "pain.json");
    gs_status st = gs_datafile_read(origin, 1 << 20, "pain file", &text, &len, err);
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

double gs_placebo_responder_prob(const struct gs_placebo *m, double effect, double t_d,
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
        else if (w_pe == 0.0) /* no between-person variance of PE: everyone has PE */
            p = m->pe >= need ? 1.0 : 0.0;
        else /* P(PE >= need), logit PE ~ N(mu_pe, w_pe^2) */
            p = 0.5 * erfc((log(need / (1.0 - need)) - mu_pe) / (w_pe * sqrt(2.0)));
        double wgt = (i == 0 || i == n - 1) ? 0.5 : 1.0;
        sum += wgt * p * exp(-0.5 * z * z);
    }
    return sum * h / sqrt(2.0 * 3.14159265358979323846);
}
