/* label_check.c - a regimen and its predicted levels beside the label and the laboratory
 * reference range (gabasim/label_check.h). */
#include "gabasim/label_check.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Warnings before information, each kind in the order found. */
static void warnings_first(struct gs_finding *f, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct gs_finding x = f[i];
        size_t j = i;
        for (; j > 0 && f[j - 1].level < x.level; j--)
            f[j] = f[j - 1];
        f[j] = x;
    }
}

gs_status gs_label_check_regimen(const gs_drug *d, const struct gs_patient *pt,
                                 const struct gs_regimen *reg, int single_dose,
                                 struct gs_label_check *out, struct gs_error *err)
{
    out->has_rules = 0;
    out->single_dose = single_dose;
    out->n_findings = 0;
    if (reg->n_steps == 0)
        return gs_error_set(err, GS_INPUT, "--dose", "no regimen to check");
    const struct gs_dosing *r = gs_drug_dosing(d);
    if (r == NULL)
        return GS_OK;
    out->has_rules = 1;
    if (!single_dose) {
        gs_status st =
            gs_dosing_check(d, pt, reg, out->findings, GS_MAX_FINDINGS, &out->n_findings, err);
        if (st != GS_OK)
            return st;
        if (out->n_findings > GS_MAX_FINDINGS)
            out->n_findings = GS_MAX_FINDINGS;
    } else if (reg->steps[0].dose_mg > r->max_daily_mg * (1 + 1e-9)) {
        struct gs_finding *f = &out->findings[out->n_findings++];
        f->level = GS_FINDING_WARNING;
        snprintf(f->text, sizeof f->text,
                 "a single dose of %g mg is above the label's maximum of %g mg a day",
                 reg->steps[0].dose_mg, r->max_daily_mg);
    }
    warnings_first(out->findings, out->n_findings);
    return GS_OK;
}

enum gs_label_level gs_label_level_of(const struct gs_reference_range *range, double level_mg_l)
{
    if (range == NULL || !isfinite(level_mg_l))
        return GS_LABEL_LEVEL_UNKNOWN;
    if (level_mg_l < range->low_mg_l)
        return GS_LABEL_LEVEL_BELOW;
    return level_mg_l > range->high_mg_l ? GS_LABEL_LEVEL_ABOVE : GS_LABEL_LEVEL_WITHIN;
}

const char *gs_label_level_name(enum gs_label_level level)
{
    switch (level) {
    case GS_LABEL_LEVEL_BELOW:
        return "below";
    case GS_LABEL_LEVEL_WITHIN:
        return "within";
    case GS_LABEL_LEVEL_ABOVE:
        return "above";
    default:
        return "unknown";
    }
}

void gs_label_check_levels(const gs_drug *d, double trough_mg_l, double peak_mg_l,
                           struct gs_label_check *out)
{
    out->range = gs_drug_reference_range(d);
    out->trough_mg_l = trough_mg_l;
    out->peak_mg_l = peak_mg_l;
    out->trough_level = gs_label_level_of(out->range, trough_mg_l);
    out->peak_level = gs_label_level_of(out->range, peak_mg_l);
}

int gs_label_above_band(const gs_drug *d, const struct gs_patient *pt, double daily_mg)
{
    const struct gs_dosing *r = gs_drug_dosing(d);
    double lo, hi;
    if (r == NULL || gs_dosing_band_range(d, pt, &lo, &hi) != GS_OK)
        return 0;
    return daily_mg > r->max_daily_mg * (1 + 1e-9) || daily_mg > hi * (1 + 1e-9);
}
