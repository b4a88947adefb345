/* fuzz_common.h - shared by the libFuzzer targets in tests/fuzz/ (header-only).
 *
 * Each target defines LLVMFuzzerTestOneInput(). Built with clang -fsanitize=fuzzer it is a
 * libFuzzer binary; built with replay_main.c (any compiler) it replays a corpus for CTest.
 *
 * An invariant violation prints "fuzz invariant [TAG] violated: ..." to stderr and calls abort(),
 * so libFuzzer saves the input as a crash and the replay fails. While a reported library bug is
 * still open, its checks can be switched off to let a fuzzing run look for other bugs:
 *     GS_FUZZ_IGNORE=msg-newline,quantity-finite ./fuzz_quantity ...
 * (a comma-separated list of tags; never set it in CTest).
 */
#ifndef GABASIM_FUZZ_COMMON_H
#define GABASIM_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gabasim/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1 if `tag` is listed in $GS_FUZZ_IGNORE. */
static inline int fuzz_ignored(const char *tag)
{
    static const char *list;
    static int looked;
    if (!looked) {
        list = getenv("GS_FUZZ_IGNORE");
        looked = 1;
    }
    if (list == NULL || *list == '\0')
        return 0;
    size_t n = strlen(tag);
    for (const char *p = list; (p = strstr(p, tag)) != NULL; p += n) {
        int starts = p == list || p[-1] == ',';
        int ends = p[n] == '\0' || p[n] == ',';
        if (starts && ends)
            return 1;
    }
    return 0;
}

/* Reports a violated invariant and aborts (unless its tag is ignored). */
#define FUZZ_CHECK(tag, cond, ...)                                                                 \
    do {                                                                                           \
        if (!(cond) && !fuzz_ignored(tag)) {                                                       \
            fprintf(stderr, "fuzz invariant [%s] violated at %s:%d: %s\n  ", tag, __FILE__,        \
                    __LINE__, #cond);                                                              \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* A string the library returned: non-NULL and readable to its NUL (ASan checks the read). */
#define FUZZ_CHECK_STR(tag, s)                                                                     \
    FUZZ_CHECK(tag, (s) != NULL && strlen(s) < ((size_t)1 << 30), "%s", #s)

/* What every failed call must leave: a status < 0 equal to err.code, a non-empty one-line
 * message and a NUL-terminated field. `st` is the returned status. */
static inline void fuzz_check_error(gs_status st, const struct gs_error *err)
{
    FUZZ_CHECK("status", st < 0, "failure status %d is not negative", (int)st);
    FUZZ_CHECK("status", err->code == st, "err.code %d != returned status %d", (int)err->code,
               (int)st);
    FUZZ_CHECK("msg-terminated", memchr(err->msg, '\0', sizeof err->msg) != NULL,
               "err.msg is not NUL-terminated");
    FUZZ_CHECK("msg-terminated", memchr(err->field, '\0', sizeof err->field) != NULL,
               "err.field is not NUL-terminated");
    FUZZ_CHECK("msg-empty", err->msg[0] != '\0', "status %d (%s) with an empty err.msg", (int)st,
               gs_status_str(st));
    FUZZ_CHECK("msg-newline", strpbrk(err->msg, "\n\r") == NULL, "err.msg is not one line: \"%s\"",
               err->msg);
}

/* A fresh, zeroed error record: a failure that forgets to write the message leaves msg empty. */
static inline void fuzz_error_reset(struct gs_error *err)
{
    memset(err, 0, sizeof *err);
    err->code = GS_OK;
}

#endif
