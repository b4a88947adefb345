/* gabasim/label_check.h - a regimen and its predicted levels beside the label and the laboratory
 * reference range: what `simulate`, `population` and `advise` print with every run.
 *
 * Two questions, answered for one patient (or counted over a virtual population):
 *  - is the regimen inside the label's band for this kidney function, and below the label's
 *    maximum daily dose? (the dosing module's check, gabasim/dosing.h; a single dose is checked
 *    only against the maximum)
 *  - where do the predicted levels fall beside the drug file's laboratory reference range? The
 *    range is not a target: no concentration-response for pain is established.
 * Everything here supports, and does not replace, a clinician's judgement.
 */
#ifndef GABASIM_LABEL_CHECK_H
#define GABASIM_LABEL_CHECK_H

#include <stddef.h>

#include "gabasim/dosing.h"
#include "gabasim/drug.h"
#include "gabasim/error.h"
#include "gabasim/patient.h"
#include "gabasim/regimen.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where a level falls beside the reference range. */
enum gs_label_level {
    GS_LABEL_LEVEL_UNKNOWN = 0, /* no range in the drug file, or no level (NaN) */
    GS_LABEL_LEVEL_BELOW,
    GS_LABEL_LEVEL_WITHIN,
    GS_LABEL_LEVEL_ABOVE
};

struct gs_label_check {
    int has_rules; /* the drug file has dosing rules (else no findings) */
    int single_dose;
    struct gs_finding findings[GS_MAX_FINDINGS]; /* warnings first */
    size_t n_findings;
    const struct gs_reference_range *range; /* NULL: the drug file gives none */
    double trough_mg_l;                     /* compared with the range; NaN: none */
    double peak_mg_l;                       /* shown beside it; NaN: none */
    enum gs_label_level trough_level, peak_level;
};

/* The regimen against the label for this patient (resolved; kidney function known or assumed),
 * into out's findings; `single_dose` (1 when the regimen is one dose) limits the check to the
 * maximum daily dose. A drug without dosing rules gives has_rules 0 and no findings. Errors
 * only for an empty regimen. */
gs_status gs_label_check_regimen(const gs_drug *d, const struct gs_patient *pt,
                                 const struct gs_regimen *reg, int single_dose,
                                 struct gs_label_check *out, struct gs_error *err);

/* Places the predicted trough (at steady state; a single dose: NaN) and peak beside the drug
 * file's reference range, into out's range and levels. */
void gs_label_check_levels(const gs_drug *d, double trough_mg_l, double peak_mg_l,
                           struct gs_label_check *out);

/* Where `level_mg_l` falls beside `range` (NULL or NaN: unknown). */
enum gs_label_level gs_label_level_of(const struct gs_reference_range *range, double level_mg_l);

/* "below", "within", "above" or "unknown": the word reports print for a level. */
const char *gs_label_level_name(enum gs_label_level level);

/* 1 when `daily_mg` is above the label's band maximum for this patient's kidney function (or the
 * label's maximum daily dose), 0 when not or when the drug has no dosing rules: what a virtual
 * population counts per subject. */
int gs_label_above_band(const gs_drug *d, const struct gs_patient *pt, double daily_mg);

#ifdef __cplusplus
}
#endif
#endif
