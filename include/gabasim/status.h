/* gabasim/status.h - the status codes every fallible call returns (0 is success, negative is an
 * error); the detail of an error is a struct gs_error (gabasim/error.h). */
#ifndef GABASIM_STATUS_H
#define GABASIM_STATUS_H

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

#ifdef __cplusplus
}
#endif
#endif
