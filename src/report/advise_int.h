/* advise_int.h - shared by the advise writers of src/report only. */
#ifndef GABASIM_REPORT_ADVISE_INT_H
#define GABASIM_REPORT_ADVISE_INT_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "gabasim/advise.h"

/* Writes `s` with &, <, > and " escaped, for HTML text and double-quoted attributes. */
void gs__html_escape(FILE *f, const char *s);

/* The evidence and the alternatives as terminal text or as HTML sections. */
void gs__advise_evidence_text(FILE *f, const struct gs_advise_evidence *ev);
void gs__advise_evidence_html(FILE *f, const struct gs_advise_evidence *ev);

/* Adds "evidence": [...] and "alternatives": [...] to `root`; NULL when out of memory. */
cJSON *gs__advise_evidence_json(cJSON *root, const struct gs_advise_evidence *ev);

#endif
