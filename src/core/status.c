/* status.c - status names and the error record. */
#include "gabasim/error.h"

#include <stdio.h>
#include <string.h>

const char *gs_status_str(gs_status st)
{
    switch (st) {
#define GS_STATUS_CASE_(name, code, text)                                                          \
    case GS_##name:                                                                                \
        return text;
        GS_STATUS_LIST(GS_STATUS_CASE_)
#undef GS_STATUS_CASE_
    }
    return "unknown status";
}

gs_status gs_error_set(struct gs_error *err, gs_status code, const char *field, const char *fmt,
                       ...)
{
    if (err == NULL)
        return code;
    err->code = code;
    snprintf(err->field, sizeof err->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    /* one line, always: control characters echoed from the input become '?' */
    for (char *c = err->msg; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    return code;
}

void gs_error_prefix(struct gs_error *err, const char *context)
{
    if (err == NULL || context == NULL)
        return;
    char tmp[sizeof err->msg];
    size_t n = strlen(context);
    if (n + 2 >= sizeof tmp)
        return;
    memcpy(tmp, context, n);
    memcpy(tmp + n, ": ", 2);
    size_t rest = sizeof tmp - n - 3;
    size_t m = strlen(err->msg);
    if (m > rest)
        m = rest;
    memcpy(tmp + n + 2, err->msg, m);
    tmp[n + 2 + m] = '\0';
    memcpy(err->msg, tmp, sizeof tmp);
}
