/* json_util.c - the one way the output layer writes JSON: cJSON trees, numbers at a stated
 * precision, escaping by cJSON. */
#include <math.h>
#include <stdio.h>

#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/utf8.h"
#include "report_int.h"

static cJSON *num_item(const char *fmt, double v)
{
    if (!isfinite(v))
        return cJSON_CreateNull();
    char buf[64];
    snprintf(buf, sizeof buf, fmt, v);
    return cJSON_CreateRaw(buf);
}

cJSON *gs__json_add_num(cJSON *o, const char *key, const char *fmt, double v)
{
    cJSON *it = num_item(fmt, v);
    if (it == NULL)
        return NULL;
    if (!cJSON_AddItemToObject(o, key, it)) {
        cJSON_Delete(it);
        return NULL;
    }
    return it;
}

cJSON *gs__json_push_num(cJSON *a, const char *fmt, double v)
{
    cJSON *it = num_item(fmt, v);
    if (it == NULL)
        return NULL;
    if (!cJSON_AddItemToArray(a, it)) {
        cJSON_Delete(it);
        return NULL;
    }
    return it;
}

cJSON *gs__json_add_nums(cJSON *o, const char *key, const char *fmt, const double *v, size_t n)
{
    cJSON *a = cJSON_AddArrayToObject(o, key);
    for (size_t i = 0; a && i < n; i++)
        if (gs__json_push_num(a, fmt, v[i]) == NULL)
            return NULL;
    return a;
}

cJSON *gs__json_add_str(cJSON *o, const char *key, const char *s)
{
    return s ? cJSON_AddStringToObject(o, key, s) : cJSON_AddNullToObject(o, key);
}

char *gs__json_print(cJSON *root)
{
    char *text = root ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (text == NULL)
        return NULL;
    size_t n = strlen(text);
    if (gs_utf8_invalid_at(text, n, NULL) == n)
        return text;
    /* cJSON allocates through gs_malloc (core/init.c), so cJSON_free frees either buffer */
    char *fixed = gs_utf8_repair(text);
    cJSON_free(text);
    return fixed;
}

gs_status gs__json_emit(cJSON *root, FILE *f, struct gs_error *err)
{
    char *text = gs__json_print(root);
    if (text == NULL)
        return gs_error_set(err, GS_NOMEM, "json", "out of memory writing JSON");
    int bad = fputs(text, f) < 0 || fputc('\n', f) == EOF;
    cJSON_free(text);
    if (bad)
        return gs_error_set(err, GS_IO, "json", "writing JSON failed");
    return GS_OK;
}
