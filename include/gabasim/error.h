/* gabasim/error.h - the error record every call can fill.
 *
 * Every fallible function returns a gs_status (gabasim/status.h) and, when the caller passes a
 * non-NULL `struct gs_error *`, writes one line that names the field, the value and what is
 * allowed. The library never prints and never exits: front ends print the message.
 */
#ifndef GABASIM_ERROR_H
#define GABASIM_ERROR_H

#include <stdarg.h>

#include "gabasim/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Caller-owned error detail. `field` names the input ("--dose", "model.parameters.CL.unit"),
 * `msg` is the whole one-line message (lowercase, no final full stop). */
struct gs_error {
    gs_status code;
    char field[64];
    char msg[320];
};

#define GS_ERROR_INIT                                                                              \
    {                                                                                              \
        GS_OK, "", ""                                                                              \
    }

/* Fills `err` (if not NULL) and returns `code`, so that a caller can write
 * `return gs_error_set(err, GS_INPUT, "dose", "'%s' is %g mg; allowed above 0", ...)`. */
gs_status gs_error_set(struct gs_error *err, gs_status code, const char *field, const char *fmt,
                       ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Prefixes an existing message with "context: " (used to add a file name). */
void gs_error_prefix(struct gs_error *err, const char *context);

#ifdef __cplusplus
}
#endif
#endif
