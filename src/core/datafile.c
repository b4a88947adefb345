/* datafile.c - the one file reader and the typed field readers of JSON data files. */
#include "gabasim/datafile.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core_int.h"
#include "gabasim/alloc.h"
#include "gabasim/utf8.h"

#define FIRST_CHUNK 4096 /* first buffer when the size is not known (a pipe, a terminal) */

/* ---- reading ---------------------------------------------------------------------------- */

static gs_status too_large(struct gs_error *err, const char *field, const char *name,
                           const char *size_text, size_t max)
{
    return gs_error_set(err, GS_INPUT, field ? field : name,
                        "%s%s%s'%s' is %s bytes; allowed up to %zu bytes", field ? "'" : "",
                        field ? field : "", field ? "' file " : "", name, size_text, max);
}

gs_status gs_datafile_read(const char *path, size_t max_bytes, const char *field, char **text,
                           size_t *len, struct gs_error *err)
{
    *text = NULL;
    *len = 0;
    int from_stdin = strcmp(path, GS_DATAFILE_STDIN) == 0;
    const char *name = gs_datafile_origin(path);
    FILE *f = from_stdin ? stdin : fopen(path, "rb");
    if (f == NULL) {
        int e = errno;
        return gs_error_set(err, e == ENOENT ? GS_NOTFOUND : GS_IO, field ? field : path,
                            "cannot open '%s': %s", path, strerror(e));
    }
    /* room for max_bytes, one more byte to see that the input is longer, and the NUL */
    const size_t limit = max_bytes + 2;
    size_t cap = FIRST_CHUNK;
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0) {
        if (S_ISDIR(sb.st_mode)) {
            if (!from_stdin)
                fclose(f);
            /* a directory where a file is due: the user's mistake, as a missing file is */
            return gs_error_set(err, GS_INPUT, field ? field : path,
                                "'%s' is a directory; allowed a file", name);
        }
        if (S_ISREG(sb.st_mode) && !from_stdin && (unsigned long long)sb.st_size > max_bytes) {
            /* refused without being read */
            char size_text[32];
            snprintf(size_text, sizeof size_text, "%lld", (long long)sb.st_size);
            fclose(f);
            return too_large(err, field, name, size_text, max_bytes);
        }
        if (S_ISREG(sb.st_mode) && sb.st_size > 0)
            cap = (size_t)sb.st_size + 2; /* the whole file in one read, EOF seen by the next */
    }
    if (cap > limit)
        cap = limit;
    char *buf = gs_malloc(cap);
    size_t n = 0;
    while (buf != NULL) {
        if (n + 1 == cap) { /* full but for the NUL */
            if (cap == limit)
                break; /* n == max_bytes + 1: too large */
            size_t nc = cap > limit / 2 ? limit : 2 * cap;
            char *nb = gs_realloc(buf, nc);
            if (nb == NULL) {
                gs_free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap = nc;
        }
        size_t got = fread(buf + n, 1, cap - 1 - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int e = ferror(f) ? errno : 0;
    if (from_stdin)
        clearerr(f);
    else
        fclose(f);
    if (buf == NULL)
        return gs_error_set(err, GS_NOMEM, field ? field : path, "out of memory reading '%s'",
                            name);
    if (e != 0 || n > max_bytes) {
        gs_free(buf);
        if (e != 0)
            return gs_error_set(err, GS_IO, field ? field : path, "cannot read '%s': %s", name,
                                strerror(e));
        char size_text[32];
        snprintf(size_text, sizeof size_text, "more than %zu", max_bytes);
        return too_large(err, field, name, size_text, max_bytes);
    }
    buf[n] = '\0';
    size_t line, at = gs_utf8_invalid_at(buf, n, &line);
    if (at < n) {
        unsigned byte = (unsigned char)buf[at];
        gs_free(buf);
        return gs_error_set(err, GS_INPUT, field ? field : path,
                            "'%s' line %zu: byte 0x%02X is not UTF-8 text; allowed UTF-8 text "
                            "(JSON output must be valid)",
                            name, line, byte);
    }
    *text = buf;
    *len = n;
    return GS_OK;
}

const char *gs_datafile_origin(const char *path)
{
    return strcmp(path, GS_DATAFILE_STDIN) == 0 ? "standard input" : path;
}

const char *gs_datafile_locate(char *buf, size_t size, const char *path, const char *default_name)
{
    if (path == NULL)
        snprintf(buf, size, "%s/%s", gs_datafile_dir(), default_name);
    else
        snprintf(buf, size, "%s", path);
    return buf;
}

/* ---- parsing ---------------------------------------------------------------------------- */

gs_status gs_datafile_parse_json(const char *text, size_t len, const char *origin, cJSON **root,
                                 struct gs_error *err)
{
    *root = NULL;
    if (origin == NULL)
        origin = "input";
    if (text == NULL && len > 0)
        return gs_error_set(err, GS_INPUT, origin, "%s: no text", origin);
    if (len > 0 && memchr(text, '\0', len) != NULL)
        return gs_error_set(err, GS_INPUT, origin, "%s: contains a NUL byte; not a text file",
                            origin);
    /* cJSON's trailing-text check wants the terminating NUL inside the given length */
    char *buf = gs_malloc(len + 1);
    if (buf == NULL)
        return gs_error_set(err, GS_NOMEM, origin, "out of memory");
    if (len > 0)
        memcpy(buf, text, len);
    buf[len] = '\0';
    const char *end = NULL;
    gs__init();
    gs__cjson_alloc_failed(1);
    *root = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 1);
    if (*root != NULL) {
        gs_free(buf);
        return GS_OK;
    }
    if (gs__cjson_alloc_failed(1)) {
        gs_free(buf);
        return gs_error_set(err, GS_NOMEM, origin, "out of memory");
    }
    /* line and column of the failure (cJSON gives the position; no global state) */
    size_t line = 1, col = 1;
    for (const char *c = buf; end && c < end && c < buf + len; c++) {
        if (*c == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    gs_free(buf);
    return gs_error_set(err, GS_INPUT, origin,
                        "%s: line %zu, column %zu: malformed JSON (or trailing text)", origin, line,
                        col);
}

/* ---- field readers ---------------------------------------------------------------------- */

#define FIELD_MAX 256

/* Appends s to buf[*off..size), truncating; buf stays NUL-terminated. */
static void append(char *buf, size_t size, size_t *off, const char *s)
{
    size_t n = strlen(s);
    if (*off + n >= size)
        n = size - 1 - *off;
    memcpy(buf + *off, s, n);
    *off += n;
    buf[*off] = '\0';
}

const char *gs_datafile_field(char *buf, size_t size, const char *path, const char *key)
{
    size_t off = 0;
    if (size == 0)
        return buf;
    buf[0] = '\0';
    if (path != NULL && *path != '\0') {
        append(buf, size, &off, path);
        append(buf, size, &off, ".");
    }
    append(buf, size, &off, key ? key : "?");
    return buf;
}

/* What was found, for messages: a number with its unit, a quoted string or the JSON type. */
static const char *found(const cJSON *it, const char *unit, char *buf, size_t size)
{
    if (cJSON_IsNumber(it))
        snprintf(buf, size, "%g%s%s", it->valuedouble, unit && *unit ? " " : "", unit ? unit : "");
    else if (cJSON_IsString(it))
        snprintf(buf, size, "'%.64s'", it->valuestring ? it->valuestring : "");
    else if (cJSON_IsBool(it))
        snprintf(buf, size, "%s", cJSON_IsTrue(it) ? "true" : "false");
    else if (cJSON_IsNull(it))
        snprintf(buf, size, "null");
    else if (cJSON_IsArray(it))
        snprintf(buf, size, "an array");
    else if (cJSON_IsObject(it))
        snprintf(buf, size, "an object");
    else
        snprintf(buf, size, "not valid");
    return buf;
}

/* The one wording: "'FIELD' is VALUE; allowed WHAT" ("is missing" when absent), with a colon
 * before a list of the allowed values ("allowed: female, male"). */
static gs_status wrong_as(struct gs_error *err, const char *field, const cJSON *it,
                          const char *unit, int list, const char *allowed)
{
    char what[96];
    if (it == NULL)
        return gs_error_set(err, GS_INPUT, field, "'%s' is missing; allowed%s %s", field,
                            list ? ":" : "", allowed);
    return gs_error_set(err, GS_INPUT, field, "'%s' is %s; allowed%s %s", field,
                        found(it, unit, what, sizeof what), list ? ":" : "", allowed);
}

static gs_status wrong(struct gs_error *err, const char *field, const cJSON *it, const char *unit,
                       const char *allowed)
{
    return wrong_as(err, field, it, unit, 0, allowed);
}

static const char *describe_range(const struct gs_datafile_range *r, char *buf, size_t size)
{
    if (r == NULL)
        return "a finite number";
    if (r->allowed)
        return r->allowed;
    const char *kind = r->whole ? "a whole number" : "a number";
    const char *sp = r->unit && *r->unit ? " " : "", *unit = r->unit ? r->unit : "";
    if (isinf(r->lo) && isinf(r->hi))
        snprintf(buf, size, "%s%s%s", r->whole ? kind : "a finite number", sp, unit);
    else if (isinf(r->hi))
        snprintf(buf, size, "%s %s %g%s%s", kind, r->lo_open ? "above" : "of at least", r->lo, sp,
                 unit);
    else if (r->lo_open)
        snprintf(buf, size, "%s above %g, up to %g%s%s", kind, r->lo, r->hi, sp, unit);
    else
        snprintf(buf, size, "%s from %g to %g%s%s", kind, r->lo, r->hi, sp, unit);
    return buf;
}

static int in_range(double x, const struct gs_datafile_range *r)
{
    if (!isfinite(x))
        return 0;
    if (r == NULL)
        return 1;
    if (r->lo_open ? !(x > r->lo) : !(x >= r->lo))
        return 0;
    if (!(x <= r->hi))
        return 0;
    return !r->whole || x == floor(x);
}

gs_status gs_datafile_number_item(const cJSON *item, const char *field,
                                  const struct gs_datafile_range *r, double *out,
                                  struct gs_error *err)
{
    if (cJSON_IsNumber(item) && in_range(item->valuedouble, r)) {
        *out = item->valuedouble;
        return GS_OK;
    }
    char allowed[160];
    return wrong(err, field, item, r ? r->unit : NULL, describe_range(r, allowed, sizeof allowed));
}

gs_status gs_datafile_number(const cJSON *obj, const char *path, const char *key,
                             enum gs_datafile_need need, const struct gs_datafile_range *r,
                             double *out, struct gs_error *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (it == NULL && need != GS_DATAFILE_REQUIRED)
        return GS_OK;
    char field[FIELD_MAX];
    return gs_datafile_number_item(it, gs_datafile_field(field, sizeof field, path, key), r, out,
                                   err);
}

gs_status gs_datafile_string(const cJSON *obj, const char *path, const char *key,
                             enum gs_datafile_need need, const char **out, struct gs_error *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (it == NULL && need != GS_DATAFILE_REQUIRED)
        return GS_OK;
    if (cJSON_IsString(it) && it->valuestring != NULL &&
        (it->valuestring[0] != '\0' || need == GS_DATAFILE_EMPTY_OK)) {
        *out = it->valuestring;
        return GS_OK;
    }
    char field[FIELD_MAX];
    return wrong(err, gs_datafile_field(field, sizeof field, path, key), it, NULL,
                 need == GS_DATAFILE_EMPTY_OK ? "a string" : "a non-empty string");
}

gs_status gs_datafile_string_copy(const cJSON *obj, const char *path, const char *key,
                                  enum gs_datafile_need need, char *buf, size_t size,
                                  struct gs_error *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (it == NULL && need != GS_DATAFILE_REQUIRED)
        return GS_OK;
    if (cJSON_IsString(it) && it->valuestring != NULL && it->valuestring[0] != '\0' &&
        strlen(it->valuestring) < size) {
        memcpy(buf, it->valuestring, strlen(it->valuestring) + 1);
        return GS_OK;
    }
    char field[FIELD_MAX], allowed[96];
    snprintf(allowed, sizeof allowed, "a non-empty string of at most %zu characters", size - 1);
    return wrong(err, gs_datafile_field(field, sizeof field, path, key), it, NULL, allowed);
}

gs_status gs_datafile_source(const cJSON *obj, const char *path, const char **out,
                             struct gs_error *err)
{
    const char *s = NULL;
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, "source");
    if (cJSON_IsString(it) && it->valuestring != NULL && it->valuestring[0] != '\0')
        s = it->valuestring;
    if (s == NULL) {
        char field[FIELD_MAX];
        return wrong(err, gs_datafile_field(field, sizeof field, path, "source"), it, NULL,
                     "a non-empty string naming where the value comes from");
    }
    if (out)
        *out = s;
    return GS_OK;
}

gs_status gs_datafile_choice(const cJSON *obj, const char *path, const char *key,
                             enum gs_datafile_need need, const char *const *names, int *out,
                             struct gs_error *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (it == NULL && need != GS_DATAFILE_REQUIRED)
        return GS_OK;
    char allowed[256] = "";
    for (size_t i = 0; names[i]; i++) {
        if (cJSON_IsString(it) && strcmp(it->valuestring, names[i]) == 0) {
            *out = (int)i;
            return GS_OK;
        }
        size_t l = strlen(allowed);
        snprintf(allowed + l, sizeof allowed - l, "%s%s", i ? ", " : "", names[i]);
    }
    char field[FIELD_MAX];
    return wrong_as(err, gs_datafile_field(field, sizeof field, path, key), it, NULL, 1, allowed);
}

gs_status gs_datafile_bool(const cJSON *obj, const char *path, const char *key,
                           enum gs_datafile_need need, int *out, struct gs_error *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (it == NULL && need != GS_DATAFILE_REQUIRED)
        return GS_OK;
    if (cJSON_IsBool(it)) {
        *out = cJSON_IsTrue(it);
        return GS_OK;
    }
    char field[FIELD_MAX];
    return wrong(err, gs_datafile_field(field, sizeof field, path, key), it, NULL, "true or false");
}

static gs_status member(const cJSON *obj, const char *path, const char *key,
                        enum gs_datafile_need need, int array, const cJSON **out,
                        struct gs_error *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = NULL;
    if (it == NULL && need != GS_DATAFILE_REQUIRED)
        return GS_OK;
    if (array ? cJSON_IsArray(it) : cJSON_IsObject(it)) {
        *out = it;
        return GS_OK;
    }
    char field[FIELD_MAX];
    return wrong(err, gs_datafile_field(field, sizeof field, path, key), it, NULL,
                 array ? "an array" : "an object");
}

gs_status gs_datafile_object(const cJSON *obj, const char *path, const char *key,
                             enum gs_datafile_need need, const cJSON **out, struct gs_error *err)
{
    return member(obj, path, key, need, 0, out, err);
}

gs_status gs_datafile_array(const cJSON *obj, const char *path, const char *key,
                            enum gs_datafile_need need, const cJSON **out, struct gs_error *err)
{
    return member(obj, path, key, need, 1, out, err);
}

gs_status gs_datafile_quantity(const cJSON *obj, const struct gs_datafile_spec *spec, double *value,
                               const char **source, struct gs_error *err)
{
    const char *path = spec->path, *key = spec->key;
    const struct gs_datafile_range *r = spec->range;
    const cJSON *q;
    char field[FIELD_MAX], allowed[160];
    gs_status st = gs_datafile_object(obj, path, key, spec->need, &q, err);
    if (st != GS_OK || q == NULL)
        return st;
    gs_datafile_field(field, sizeof field, path, key);
    if (r && r->unit && *r->unit) {
        const char *unit = NULL;
        if ((st = gs_datafile_string(q, field, "unit", GS_DATAFILE_REQUIRED, &unit, err)))
            return st;
        if (strcmp(unit, r->unit) != 0) {
            char ufield[FIELD_MAX];
            gs_datafile_field(ufield, sizeof ufield, field, "unit");
            return gs_error_set(err, GS_INPUT, ufield, "'%s' is '%.64s'; allowed: %s", ufield, unit,
                                r->unit);
        }
    }
    double v;
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(q, "value");
    if (!(cJSON_IsNumber(it) && in_range(it->valuedouble, r))) {
        char vfield[FIELD_MAX];
        return wrong(err, gs_datafile_field(vfield, sizeof vfield, field, "value"), it,
                     r ? r->unit : NULL, describe_range(r, allowed, sizeof allowed));
    }
    v = it->valuedouble;
    if ((st = gs_datafile_source(q, field, source, err)))
        return st;
    *value = v;
    return GS_OK;
}

gs_status gs_datafile_numbers(const cJSON *obj, const struct gs_datafile_spec *spec, double *out,
                              size_t *n, struct gs_error *err)
{
    const char *path = spec->path, *key = spec->key;
    const size_t min_n = spec->min_n, max_n = spec->max_n;
    const cJSON *arr, *x;
    char field[FIELD_MAX];
    *n = 0;
    gs_status st = gs_datafile_array(obj, path, key, spec->need, &arr, err);
    if (st != GS_OK || arr == NULL)
        return st;
    gs_datafile_field(field, sizeof field, path, key);
    size_t size = (size_t)cJSON_GetArraySize(arr);
    if (size < min_n || size > max_n) {
        if (min_n == max_n)
            return gs_error_set(err, GS_INPUT, field, "'%s' has %zu numbers; allowed %zu", field,
                                size, min_n);
        return gs_error_set(err, GS_INPUT, field, "'%s' has %zu numbers; allowed %zu to %zu", field,
                            size, min_n, max_n);
    }
    size_t i = 0;
    cJSON_ArrayForEach(x, arr)
    {
        char efield[FIELD_MAX + 24];
        snprintf(efield, sizeof efield, "%s[%zu]", field, i);
        if ((st = gs_datafile_number_item(x, efield, spec->range, &out[i], err)))
            return st;
        i++;
    }
    *n = i;
    return GS_OK;
}

gs_status gs_datafile_strings(const cJSON *obj, const struct gs_datafile_spec *spec,
                              const char **out, size_t *n, struct gs_error *err)
{
    const char *path = spec->path, *key = spec->key;
    const size_t min_n = spec->min_n, max_n = spec->max_n;
    const cJSON *arr, *x;
    char field[FIELD_MAX];
    *n = 0;
    gs_status st = gs_datafile_array(obj, path, key, spec->need, &arr, err);
    if (st != GS_OK || arr == NULL)
        return st;
    gs_datafile_field(field, sizeof field, path, key);
    size_t i = 0;
    cJSON_ArrayForEach(x, arr)
    {
        char efield[FIELD_MAX + 24];
        snprintf(efield, sizeof efield, "%s[%zu]", field, i);
        if (i == max_n)
            return gs_error_set(err, GS_INPUT, field,
                                "'%s' has more than %zu strings; allowed "
                                "at most %zu",
                                field, max_n, max_n);
        if (!cJSON_IsString(x) || x->valuestring == NULL || x->valuestring[0] == '\0')
            return wrong(err, efield, x, NULL, "a non-empty string");
        out[i++] = x->valuestring;
    }
    if (i < min_n)
        return gs_error_set(err, GS_INPUT, field, "'%s' has %zu strings; allowed %zu to %zu", field,
                            i, min_n, max_n);
    *n = i;
    return GS_OK;
}
