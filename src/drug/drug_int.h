/* drug_int.h - shared inside the library: bounded whole-file reading. */
#ifndef GABASIM_DRUG_INT_H
#define GABASIM_DRUG_INT_H

#include <stddef.h>

#include "gabasim/status.h"

/* Reads at most `max` bytes of `path` into a NUL-terminated buffer the caller frees with
 * gs_free(). GS_NOTFOUND if the file does not exist; GS_INPUT if it is larger than `max`. */
gs_status gs__read_file(const char *path, size_t max, char **text, size_t *len,
                        struct gs_error *err);

/* gs__read_file of `path`, or of gs_data_dir()/default_name when path is NULL; `origin` (4096
 * bytes) receives the path read, for the parser's messages. */
gs_status gs__read_data_file(const char *path, const char *default_name, size_t max, char **text,
                             size_t *len, char *origin, struct gs_error *err);

/* Parses `len` bytes of JSON text (not NUL-terminated) into *root (a cJSON *, freed by the caller
 * with cJSON_Delete): NULL when the text is not JSON or holds a NUL byte. GS_NOMEM only when the
 * terminated copy cJSON needs cannot be made. Every data-file parser goes through here. */
struct cJSON;
gs_status gs__json_parse(const char *text, size_t len, struct cJSON **root);

/* The drug file's parsed JSON (a const cJSON *), for modules that read their own sections. */
struct gs_drug;
const void *gs__drug_root(const struct gs_drug *d);

struct gs_dosing;
/* Parses the drug file's optional "dosing" section (root is the file's cJSON object); *present
 * says whether there was one. Messages name the field ("dosing.renal.bands[2].per_day"). */
gs_status gs__dosing_parse(const void *root_json, struct gs_dosing *r, int *present,
                           struct gs_error *err);

#endif
