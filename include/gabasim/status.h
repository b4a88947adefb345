/* gabasim/status.h - status codes and the error record every call can fill.
 *
 * Every fallible function returns a gs_status (0 is success, negative is an error) and, when the
 * caller passes a non-NULL `struct gs_error *`, writes one line that names the field, the value
 * and what is allowed. The library never prints and never exits: front ends print the message.
 */
#ifndef GABASIM_STATUS_H
#define GABASIM_STATUS_H

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One table, static strings (after libuv's UV_ERRNO_MAP). */
#define GS_STATUS_LIST(X)                                                                          \
    X(OK, 0, "success")                                                                            \
    X(NOMEM, -1, "out of memory")                                                                  \
    X(INPUT, -2, "invalid input")                                                                  \
    X(SOLVER, -3, "numerical solver failed")                                                       \
    X(IO, -4, "read or write failed")                                                              \
    X(UNSUPPORTED, -5, "not supported")                                                            \
    X(NOTFOUND, -6, "not found")

typedef enum gs_status {
#define GS_STATUS_ENUM_(name, code, text) GS_##name = code,
    GS_STATUS_LIST(GS_STATUS_ENUM_)
#undef GS_STATUS_ENUM_
} gs_status;

/* Static text for a status; never NULL, never to be freed. */
const char *gs_status_str(gs_status st);

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
