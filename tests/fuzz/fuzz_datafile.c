/* fuzz_datafile.c - libFuzzer target for the field readers of gabasim/datafile.h.
 *
 * The input is parsed with gs_datafile_parse_json(); every member of the top-level object (and of
 * each object inside it) is then read with every typed reader. Invariants:
 *   success: a number lies in the range asked for (whole when asked for); a string is non-empty
 *            (or "" only with GS_DATAFILE_EMPTY_OK); a choice is an index of the list; a quantity
 *            had the unit asked for;
 *   failure: GS_INPUT (GS_NOMEM only from the parse), err.code equals it, a one-line message that
 *            starts by quoting the field and names the member's key (when the path is short
 *            enough to fit in a message).
 */
#include <cjson/cJSON.h>
#include <math.h>

#include "fuzz_common.h"
#include "gabasim/datafile.h"

static const struct gs_datafile_range ranges[] = {
    {0.0, 1.0, 0, 0, NULL, NULL},
    {0.0, 100.0, 1, 0, "mg", NULL},
    {-10.0, 10.0, 0, 1, NULL, NULL},
    {1.0, INFINITY, 1, 0, "1/h", NULL},
};

static void check_failure(gs_status st, const struct gs_error *err, const char *path,
                          const char *key)
{
    fuzz_check_error(st, err);
    FUZZ_CHECK("status", st == GS_INPUT, "status %d; a bad field is GS_INPUT", (int)st);
    FUZZ_CHECK("quoted", err->msg[0] == '\'', "message '%s' does not quote the field", err->msg);
    /* the key may hold control characters, which the message shows as '?' */
    int plain = 1;
    for (const char *c = key; *c; c++)
        plain &= (unsigned char)*c >= 0x20 && *c != 0x7f;
    /* (a field path longer than a message can hold is cut short: only short ones are checked) */
    if (plain && strlen(key) < 40 && strlen(path) < 100)
        FUZZ_CHECK("names-key", strstr(err->msg, key) != NULL, "message '%s' lacks the key '%s'",
                   err->msg, key);
}

static void read_member(const cJSON *obj, const char *path, const char *key)
{
    static const char *const names[] = {"red", "green", "blue", NULL};
    struct gs_error err;
    gs_status st;
    for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
        double x = NAN;
        fuzz_error_reset(&err);
        st = gs_datafile_number(obj, path, key, GS_DATAFILE_REQUIRED, &ranges[r], &x, &err);
        if (st != GS_OK) {
            check_failure(st, &err, path, key);
        } else {
            const struct gs_datafile_range *g = &ranges[r];
            FUZZ_CHECK("number-range",
                       isfinite(x) && (g->lo_open ? x > g->lo : x >= g->lo) && x <= g->hi &&
                           (!g->whole || x == floor(x)),
                       "%g accepted for range %zu", x, r);
        }
        const char *src = NULL;
        x = NAN;
        fuzz_error_reset(&err);
        st = gs_datafile_quantity(
            obj,
            &(struct gs_datafile_spec){
                .path = path, .key = key, .need = GS_DATAFILE_REQUIRED, .range = &ranges[r]},
            &x, &src, &err);
        if (st != GS_OK) {
            check_failure(st, &err, path, key);
        } else {
            const cJSON *u = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(obj, key), "unit");
            FUZZ_CHECK("quantity", isfinite(x) && src != NULL && src[0] != '\0',
                       "quantity %g accepted without a source", x);
            if (ranges[r].unit)
                FUZZ_CHECK("quantity-unit",
                           cJSON_IsString(u) && strcmp(u->valuestring, ranges[r].unit) == 0,
                           "quantity accepted without unit %s", ranges[r].unit);
        }
    }
    const char *s = NULL;
    fuzz_error_reset(&err);
    st = gs_datafile_string(obj, path, key, GS_DATAFILE_REQUIRED, &s, &err);
    if (st != GS_OK)
        check_failure(st, &err, path, key);
    else
        FUZZ_CHECK("string", s != NULL && s[0] != '\0', "empty string accepted");
    char buf[8];
    fuzz_error_reset(&err);
    st = gs_datafile_string_copy(obj, path, key, GS_DATAFILE_REQUIRED, buf, sizeof buf, &err);
    if (st != GS_OK)
        check_failure(st, &err, path, key);
    else
        FUZZ_CHECK("string-copy", buf[0] != '\0' && strlen(buf) < sizeof buf, "copy '%s'", buf);
    int k = -1;
    fuzz_error_reset(&err);
    st = gs_datafile_choice(obj, path, key, GS_DATAFILE_REQUIRED, names, &k, &err);
    if (st != GS_OK)
        check_failure(st, &err, path, key);
    else
        FUZZ_CHECK("choice", k >= 0 && k < 3, "choice index %d", k);
    double arr[4];
    size_t n = 99;
    fuzz_error_reset(&err);
    st = gs_datafile_numbers(obj,
                             &(struct gs_datafile_spec){.path = path,
                                                        .key = key,
                                                        .need = GS_DATAFILE_REQUIRED,
                                                        .range = &ranges[0],
                                                        .min_n = 1,
                                                        .max_n = 4},
                             arr, &n, &err);
    if (st != GS_OK)
        check_failure(st, &err, path, key);
    else
        FUZZ_CHECK("numbers", n >= 1 && n <= 4, "%zu numbers", n);
    const char *strs[3];
    fuzz_error_reset(&err);
    st =
        gs_datafile_strings(obj,
                            &(struct gs_datafile_spec){
                                .path = path, .key = key, .need = GS_DATAFILE_REQUIRED, .max_n = 3},
                            strs, &n, &err);
    if (st != GS_OK)
        check_failure(st, &err, path, key);
    else
        FUZZ_CHECK("strings", n <= 3, "%zu strings", n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *root = NULL;
    struct gs_error err;
    fuzz_error_reset(&err);
    gs_status st = gs_datafile_parse_json((const char *)data, size, "fuzz.json", &root, &err);
    if (st != GS_OK) {
        fuzz_check_error(st, &err);
        FUZZ_CHECK("parse", root == NULL, "failed parse returned a tree");
        return 0;
    }
    if (cJSON_IsObject(root)) {
        const cJSON *it, *inner;
        cJSON_ArrayForEach(it, root)
        {
            read_member(root, "", it->string);
            if (cJSON_IsObject(it))
                cJSON_ArrayForEach(inner, it) read_member(it, it->string, inner->string);
        }
    }
    cJSON_Delete(root);
    return 0;
}
