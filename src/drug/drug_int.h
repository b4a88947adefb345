/* drug_int.h - shared inside src/drug only: the drug file's dosing section parser.
 * (Every module reads its files through gabasim/datafile.h.) */
#ifndef GABASIM_DRUG_INT_H
#define GABASIM_DRUG_INT_H

#include <stddef.h>

#include "gabasim/drug.h"
#include "gabasim/error.h"

struct cJSON;

/* Parses the drug file's optional "dosing" section (root is the file's cJSON object); *present
 * says whether there was one. Messages name the field ("dosing.renal.bands[2].per_day"). */
gs_status gs__dosing_parse(const struct cJSON *root, struct gs_dosing *r, int *present,
                           struct gs_error *err);

#endif
