/* gabasim/report_advise.h - the output layer of `gabasim advise`: the advice (gabasim/advise.h)
 * as terminal text, as JSON (docs/schemas/advise.schema.json) and as one self-contained HTML page
 * for the patient. The writers only format: every number comes from the result.
 */
#ifndef GABASIM_REPORT_ADVISE_H
#define GABASIM_REPORT_ADVISE_H

#include <stdio.h>

#include "gabasim/advise.h"
#include "gabasim/report.h"
#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The readable advice `gabasim advise` prints. GS_IO when writing fails. */
gs_status gs_report_advise_text(const struct gs_advise_result *r, FILE *f, struct gs_error *err);

/* The JSON document of `gabasim advise --json` (cJSON; numbers at the precision they always had;
 * non-finite numbers as null). GS_NOMEM, GS_IO. */
gs_status gs_report_advise_json(const struct gs_advise_result *r, FILE *f, struct gs_error *err);

/* The patient's page (`--html`): styles inline, the plot as inline SVG, no scripts and no
 * external resources, into the open outfile `out` (the caller commits or aborts it). The plot is
 * drawn through a temporary file beside out->path, removed before returning. */
gs_status gs_report_advise_html(const struct gs_advise_result *r, struct gs_outfile *out,
                                struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
