/* drug_int.h - shared inside src/drug only: the drug file's dosing section parser.
 *
 * Other modules read files through gabasim/datafile.h. The two gs__ wrappers at the end are kept
 * only so that code written against them before gabasim/datafile.h existed still compiles; new
 * code calls gs_datafile_read() and gs_datafile_parse_json() directly.
 */
#ifndef GABASIM_DRUG_INT_H
#define GABASIM_DRUG_INT_H

#include <stddef.h>

#include "gabasim/drug.h"
#include "gabasim/status.h"

struct cJSON;

/* Parses the drug file's optional "dosing" section (root is the file's cJSON object); *present
 * says whether there was one. Messages name the field ("dosing.renal.bands[2].per_day"). */
gs_status gs__dosing_parse(const struct cJSON *root, struct gs_dosing *r, int *present,
                           struct gs_error *err);

/* Deprecated: gs_datafile_read(path, max, NULL, text, len, err). */
gs_status gs__read_file(const char *path, size_t max, char **text, size_t *len,
                        struct gs_error *err);

/* Deprecated: gs_datafile_locate(origin, 4096, path, default_name) then gs_datafile_read(). */
gs_status gs__read_data_file(const char *path, const char *default_name, size_t max, char **text,
                             size_t *len, char *origin, struct gs_error *err);

/* Deprecated: gs_datafile_parse_json without a message; *root NULL when the text is not JSON,
 * GS_NOMEM only when memory runs out. */
gs_status gs__json_parse(const char *text, size_t len, struct cJSON **root);

#endif
