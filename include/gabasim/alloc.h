/* gabasim/alloc.h - the one allocator every gabasim allocation goes through.
 *
 * A thin wrapper over malloc/realloc/free with a test hook that makes the N-th allocation fail, so
 * tests can prove that every out-of-memory path returns GS_NOMEM and leaks nothing (after Lua's
 * debug_realloc and SQLite's fault simulation).
 */
#ifndef GABASIM_ALLOC_H
#define GABASIM_ALLOC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

void *gs_malloc(size_t n);
void *gs_calloc(size_t count, size_t size);
void *gs_realloc(void *p, size_t n);
void gs_free(void *p); /* NULL is a no-op */
char *gs_strdup(const char *s);

/* Test hook: make the allocation `n` calls from now fail (1 = the next one); 0 disables.
 * Not thread-safe; for single-threaded tests only. */
void gs_alloc_fail_after(long n);

#ifdef __cplusplus
}
#endif
#endif
