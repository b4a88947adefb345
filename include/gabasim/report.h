/* gabasim/report.h - turning a run into text, CSV, JSON and plots, and writing files safely.
 *
 * A struct gs_run bundles borrowed pointers to everything one `simulate` produced; the writers
 * read it and own nothing. Files are written through struct gs_outfile: to a temporary file in
 * the destination's directory, renamed over the destination only when complete (git's lockfile),
 * so a failure never leaves a partial output.
 */
#ifndef GABASIM_REPORT_H
#define GABASIM_REPORT_H

#include <stdio.h>

#include "gabasim/drug.h"
#include "gabasim/label_check.h"
#include "gabasim/patient.h"
#include "gabasim/regimen.h"
#include "gabasim/simulate.h"
#include "gabasim/summary.h"
#include "gabasim/outfile.h"

#ifdef __cplusplus
extern "C" {
#endif

struct gs_run {
    const gs_drug *drug;
    const struct gs_patient *patient;
    const struct gs_model *model;
    const struct gs_regimen *regimen;
    const struct gs_event_list *events; /* expanded dose records */
    const struct gs_profile *profile;
    const struct gs_summary *summary;
    const char *notes; /* assumptions made for this patient, one per line ("" if none) */
    const struct gs_label_check *check; /* the regimen and levels beside the label; NULL: none */
};

/* ---- writers ---- */

/* CSV with header time_h,conc_mg_L,amt_depot_mg,amt_central_mg,unabsorbed_mg,eliminated_mg,
 * auc_mg_h_L. */
gs_status gs_report_profile_csv(const struct gs_run *r, FILE *f);

/* The JSON document of `gabasim simulate --json` (summary, inputs, profile). Returns a string
 * the caller frees with gs_report_json_free(), or NULL when out of memory. */
char *gs_report_run_json(const struct gs_run *r);
void gs_report_json_free(char *s);

/* The readable summary `gabasim simulate` prints. */
void gs_report_summary_text(const struct gs_run *r, FILE *f);

/* A label check as text, each line starting with `indent`: the findings (warnings first, or
 * "within the label"), and the laboratory reference range with the predicted trough beside it
 * and its caveat (nothing when the drug file gives no range); `median`: the levels are a
 * population's medians. */
void gs_report_label_findings_text(const struct gs_label_check *c, FILE *f, const char *indent);
void gs_report_label_levels_text(const struct gs_label_check *c, FILE *f, const char *indent,
                                 int median);

/* Writes v exactly as printf("%.*g", sig, v) would (sig 1 to 12; others go to snprintf) into
 * out (cap >= 32 bytes), several times faster. Returns the length (NUL-terminated). */
size_t gs_report_fmt_g(char *out, size_t cap, double v, int sig);

#ifdef __cplusplus
}
#endif
#endif
