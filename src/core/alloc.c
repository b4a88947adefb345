/* alloc.c - allocation wrapper with a fault-injection hook for tests. */
#include "gabasim/alloc.h"

#include <stdlib.h>
#include <string.h>

#include "core_int.h"

/* Every program that uses the library allocates through this file, so its constructor runs the
 * one-time initialisation when the library is loaded (before any thread starts). */
#if defined(__GNUC__)
__attribute__((constructor)) static void library_init(void)
{
    gs__init();
}
#endif

static long fail_countdown; /* 0: never fail */

static int should_fail(void)
{
    if (fail_countdown <= 0)
        return 0;
    return --fail_countdown == 0;
}

void gs_alloc_fail_after(long n)
{
    fail_countdown = n;
}

void *gs_malloc(size_t n)
{
    return should_fail() ? NULL : malloc(n ? n : 1);
}

void *gs_calloc(size_t count, size_t size)
{
    return should_fail() ? NULL : calloc(count ? count : 1, size ? size : 1);
}

void *gs_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : realloc(p, n ? n : 1);
}

void gs_free(void *p)
{
    free(p);
}

char *gs_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = gs_malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}
