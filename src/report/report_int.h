/* report_int.h - helpers shared by the output layer's files (src/report only). */
#ifndef GABASIM_REPORT_INT_H
#define GABASIM_REPORT_INT_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "gabasim/error.h"
#include "gabasim/label_check.h"

/* Adds `v` to object `o` under `key` as a number printed with the printf format `fmt` (one
 * double conversion, e.g. "%.6g" or "%.3f"), so a report keeps the precision it promises; a
 * non-finite value becomes null. The text goes in through cJSON_CreateRaw, everything else
 * (keys, strings, layout) through cJSON. Returns the new item, NULL when out of memory. */
cJSON *gs__json_add_num(cJSON *o, const char *key, const char *fmt, double v);

/* The same for an array element. */
cJSON *gs__json_push_num(cJSON *a, const char *fmt, double v);

/* An array of n numbers, each printed with `fmt`, added to `o` under `key`. */
cJSON *gs__json_add_nums(cJSON *o, const char *key, const char *fmt, const double *v, size_t n);

/* A string (NULL becomes null) added to `o`: cJSON escapes quotes and control characters. */
cJSON *gs__json_add_str(cJSON *o, const char *key, const char *s);

/* `root` printed (cJSON_Print layout) and deleted, as valid UTF-8: bytes that are not (from a
 * file name given on the command line) become U+FFFD (gabasim/utf8.h). Free with cJSON_free;
 * NULL when out of memory or when root is NULL (an earlier allocation failed). */
char *gs__json_print(cJSON *root);

/* Prints `root` (cJSON_Print layout) and a newline to `f`, then deletes `root` (also on
 * failure; NULL means an earlier allocation failed). GS_NOMEM or GS_IO on failure. */
gs_status gs__json_emit(cJSON *root, FILE *f, struct gs_error *err);

/* Terminal text: `s` wrapped at 92 columns, the first line after `lead`, the rest after `indent`
 * spaces, then a newline. */
void gs__text_wrap(FILE *f, const char *lead, int indent, const char *s);

/* A label check (gabasim/label_check.h) as a JSON object: findings, reference range, levels.
 * NULL when out of memory. */
cJSON *gs__json_label_check(const struct gs_label_check *c);

/* Its "reference_range" member alone: the range and the levels beside it, or a JSON null when
 * the drug file gives no range. NULL when out of memory. */
cJSON *gs__json_reference_range(const struct gs_label_check *c);

/* The template of a temporary file beside `target` (same directory, so a rename is atomic):
 * hidden, with the six trailing characters mkstemp() replaces. 0, or -1 if it does not fit in
 * cap bytes (buf then holds a truncated name). */
int gs__outfile_sibling_template(const char *target, char *buf, size_t cap);

#endif
