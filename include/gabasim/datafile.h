/* gabasim/datafile.h - reading data files: the one file reader and the typed field readers.
 *
 * Every loader (drug files, side effects, pain, interactions, covariate distributions, trial
 * specifications, study tables, datasets) reads its input through gs_datafile_read(), which
 * grows its buffer as it reads up to a stated ceiling, reads standard input for the path "-"
 * and refuses directories. JSON data files are parsed with gs_datafile_parse_json() and their
 * fields read with the gs_datafile_<type>() readers below, so that every loader reports a bad
 * field the same way:
 *
 *     'pharmacodynamics.ke0.value' is -1 1/h; allowed a number above 0, up to 100 1/h
 *     'placebo.pe' is missing; allowed a number from 0 to 1
 *     'model.parameters.ka.unit' is '1/min'; allowed: 1/h
 *     'arms[0].type' is 'active'; allowed: placebo, drug
 *
 * (a colon before a list of the allowed values, none before a description).
 *
 * The readers name the field by its JSON path (`path` names the object holding the member, ""
 * for the top level; the message shows "path.key"), the value found and what is allowed. They
 * do not name the file: each loader prefixes its messages once with the file's name
 * (gs_error_prefix). Strings returned point into the parsed tree and live as long as it.
 */
#ifndef GABASIM_DATAFILE_H
#define GABASIM_DATAFILE_H

#include <stddef.h>

#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;

/* The path that means standard input. */
#define GS_DATAFILE_STDIN "-"

/* Reads the whole of `path` ("-": standard input) into a NUL-terminated buffer (*text, freed by
 * the caller with gs_free) of *len bytes, growing the buffer as it reads. `field` names the input
 * in messages ("--data", "drug file"; NULL: the path alone). Fails with GS_NOTFOUND if the file
 * does not exist, GS_IO if it cannot be read, GS_INPUT if it is a directory, holds more than
 * `max_bytes` bytes (the message names the field, the file and the limit) or is not well-formed
 * UTF-8 text (the line and the byte are named: names from it end up in JSON), GS_NOMEM. */
gs_status gs_datafile_read(const char *path, size_t max_bytes, const char *field, char **text,
                           size_t *len, struct gs_error *err);

/* How messages name the file at `path`: "standard input" for "-", else the path itself. */
const char *gs_datafile_origin(const char *path);

/* `path` itself, or gs_datafile_dir()/default_name when path is NULL, written to buf (size bytes);
 * returns buf. For the library's bundled data files (data/pain.json, ...). */
const char *gs_datafile_locate(char *buf, size_t size, const char *path, const char *default_name);

/* The data directory (holding drugs/, populations/, pain.json, ...): $GABASIM_DATA if set (or
 * the older $GABASIM_DATA_DIR), else share/gabasim found beside the loaded library or the program
 * (<dir>/../share/gabasim). Found once, thread-safe; never NULL: when nothing is found it is a
 * placeholder naming GABASIM_DATA, so messages about missing data files say what to set. */
const char *gs_datafile_dir(void);
/* gs_datafile_dir() in *dir; GS_NOTFOUND (message naming GABASIM_DATA) when none was found. */
gs_status gs_datafile_dir_find(const char **dir, struct gs_error *err);

/* Parses `len` bytes of JSON text (need not be NUL-terminated) into *root (freed by the caller
 * with cJSON_Delete). GS_INPUT with "ORIGIN: line L, column C: malformed JSON (or trailing
 * text)" when it is not JSON, or "ORIGIN: contains a NUL byte" ; GS_NOMEM when memory runs out.
 * `origin` (NULL: "input") names the text in messages. */
gs_status gs_datafile_parse_json(const char *text, size_t len, const char *origin,
                                 struct cJSON **root, struct gs_error *err);

/* ---- typed field readers ---------------------------------------------------------------- */

/* Whether a member must be present. An optional member that is absent leaves *out untouched
 * and returns GS_OK. GS_DATAFILE_EMPTY_OK: optional, and a string reader accepts "" too. */
enum gs_datafile_need {
    GS_DATAFILE_OPTIONAL = 0,
    GS_DATAFILE_REQUIRED = 1,
    GS_DATAFILE_EMPTY_OK = 2
};

/* What a number may be: lo to hi (inclusive unless lo_open: "above lo"), whole numbers only if
 * `whole`; `unit` ("mg", "1/h"; NULL or "": none) follows the value and the bounds in messages
 * and is the unit a quantity must state; `allowed`, when not NULL, replaces the generated
 * description of the range in messages ("an even whole number from 2 to 100"). */
struct gs_datafile_range {
    double lo, hi;
    int lo_open;
    int whole;
    const char *unit;
    const char *allowed;
};

/* A finite number in range. */
gs_status gs_datafile_number(const struct cJSON *obj, const char *path, const char *key,
                             enum gs_datafile_need need, const struct gs_datafile_range *r,
                             double *out, struct gs_error *err);

/* The same for a value already looked up (an array element, a member read by the caller):
 * `item` NULL means missing; `field` is its whole path. */
gs_status gs_datafile_number_item(const struct cJSON *item, const char *field,
                                  const struct gs_datafile_range *r, double *out,
                                  struct gs_error *err);

/* A non-empty string. */
gs_status gs_datafile_string(const struct cJSON *obj, const char *path, const char *key,
                             enum gs_datafile_need need, const char **out, struct gs_error *err);

/* A non-empty string of fewer than `size` bytes, copied to buf. */
gs_status gs_datafile_string_copy(const struct cJSON *obj, const char *path, const char *key,
                                  enum gs_datafile_need need, char *buf, size_t size,
                                  struct gs_error *err);

/* The "source" member: a non-empty string saying where a value comes from. */
gs_status gs_datafile_source(const struct cJSON *obj, const char *path, const char **out,
                             struct gs_error *err);

/* One of the NULL-terminated `names`; *out is its index. */
gs_status gs_datafile_choice(const struct cJSON *obj, const char *path, const char *key,
                             enum gs_datafile_need need, const char *const *names, int *out,
                             struct gs_error *err);

/* true or false, as 1 or 0. */
gs_status gs_datafile_bool(const struct cJSON *obj, const char *path, const char *key,
                           enum gs_datafile_need need, int *out, struct gs_error *err);

/* The member the quantity and array readers read from `obj`, and what it may hold. Members not
 * given are 0: optional, any finite number, no elements. */
struct gs_datafile_spec {
    const char *path; /* JSON path of the object holding the member ("": the top level) */
    const char *key;  /* the member's name */
    enum gs_datafile_need need;
    const struct gs_datafile_range *range; /* each number (NULL: any finite number); a
                                              quantity's unit */
    size_t min_n, max_n; /* arrays: the fewest and most elements (out[] holds max_n) */
};

/* A quantity as the drug files write it: {"value": x, "unit": "u", "source": "..."} with the
 * unit exactly spec->range->unit (when not NULL) and the value in range. `source` may be NULL
 * when the source is not kept (it is still required). */
gs_status gs_datafile_quantity(const struct cJSON *obj, const struct gs_datafile_spec *spec,
                               double *value, const char **source, struct gs_error *err);

/* An object (or array) member: *out is it, or NULL when optional and absent. */
gs_status gs_datafile_object(const struct cJSON *obj, const char *path, const char *key,
                             enum gs_datafile_need need, const struct cJSON **out,
                             struct gs_error *err);
gs_status gs_datafile_array(const struct cJSON *obj, const char *path, const char *key,
                            enum gs_datafile_need need, const struct cJSON **out,
                            struct gs_error *err);

/* An array of spec->min_n to spec->max_n numbers, each in spec->range, into out[]; *n is the
 * count (0 when optional and absent). */
gs_status gs_datafile_numbers(const struct cJSON *obj, const struct gs_datafile_spec *spec,
                              double *out, size_t *n, struct gs_error *err);

/* An array of spec->min_n to spec->max_n non-empty strings into out[]; *n is the count (0 when
 * optional and absent). */
gs_status gs_datafile_strings(const struct cJSON *obj, const struct gs_datafile_spec *spec,
                              const char **out, size_t *n, struct gs_error *err);

/* "path.key" (or "key" when path is ""), into buf; returns buf. For messages of loaders that
 * check relations between fields. */
const char *gs_datafile_field(char *buf, size_t size, const char *path, const char *key);

#ifdef __cplusplus
}
#endif
#endif
