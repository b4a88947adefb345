/* advise_evidence.h - what the trials found for the patient's kind of pain, and the other
 * medicines a patient asks about, for `gabasim advise` (front-end only). The content is data:
 * data/evidence.json, every point with its source. */
#ifndef GABASIM_ADVISE_EVIDENCE_H
#define GABASIM_ADVISE_EVIDENCE_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "gabasim/status.h"

/* Reads gs_data_dir()/evidence.json. The caller owns the tree (cJSON_Delete). */
gs_status advise_evidence_load(cJSON **out, struct gs_error *err);

enum advise_format { ADVISE_TEXT, ADVISE_HTML };

/* Writes the evidence for `pain_type` (NULL: only the general points) and the alternatives to
 * `drug` (itself left out), flagging a kidney rule whose CrCl threshold this patient is below. */
void advise_evidence_write(FILE *f, const cJSON *ev, const char *pain_type, const char *drug,
                           double crcl_ml_min, enum advise_format fmt);

/* The same as a JSON member body: "evidence": [...], "alternatives": [...] (no trailing comma). */
void advise_evidence_json(FILE *f, const cJSON *ev, const char *pain_type, const char *drug,
                          double crcl_ml_min);

#endif
