/* gabasim/report_drug.h - the drug library as text: the list of drugs and a drug's sheet (model,
 * parameters with units and sources, variability, renal dosing, titrations, assumptions). */
#ifndef GABASIM_REPORT_DRUG_H
#define GABASIM_REPORT_DRUG_H

#include <stddef.h>
#include <stdio.h>

#include "gabasim/drug.h"
#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* `gabasim drugs`: a header, then one row per drug (name, model structure, title); drugs[i] NULL
 * (a file that did not load) is left out. */
gs_status gs_report_drug_list_text(const char *const *names, const gs_drug *const *drugs, size_t n,
                                   FILE *f, struct gs_error *err);

/* `gabasim drugs NAME`: everything the drug file says, with its sources. */
gs_status gs_report_drug_text(const gs_drug *d, FILE *f, struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
