/* threads.c - the thread count of parallel calls (gabasim/threads.h). */
#include "gabasim/threads.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

int gs_threads_resolve(int requested)
{
#ifdef _OPENMP
    int n = requested > 0 ? requested : omp_get_max_threads();
#else
    int n = requested > 0 ? requested : 1;
#endif
    if (n < 1)
        n = 1;
    return n > GS_THREADS_MAX ? GS_THREADS_MAX : n;
}

/* The stack size libgomp gives its threads, read from OMP_STACKSIZE (else GOMP_STACKSIZE) the
 * way libgomp reads it (OpenMP 5.2 section 21.2.2: a whole number with an optional B, K, M or G
 * suffix, kibibytes by default); 0 when unset or not valid (libgomp then uses the default). */
static size_t omp_stack_size(void)
{
    const char *s = getenv("OMP_STACKSIZE");
    if (s == NULL)
        s = getenv("GOMP_STACKSIZE");
    if (s == NULL)
        return 0;
    while (isspace((unsigned char)*s))
        s++;
    if (!isdigit((unsigned char)*s))
        return 0;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    unsigned shift = 10;
    switch (tolower((unsigned char)*end)) {
    case '\0':
        break;
    case 'b':
        shift = 0;
        end++;
        break;
    case 'k':
        end++;
        break;
    case 'm':
        shift = 20;
        end++;
        break;
    case 'g':
        shift = 30;
        end++;
        break;
    default:
        return 0;
    }
    while (isspace((unsigned char)*end))
        end++;
    if (*end != '\0' || errno != 0 || v > (SIZE_MAX >> shift))
        return 0;
    return (size_t)(v << shift);
}

static void *idle(void *arg)
{
    return arg;
}

gs_status gs_threads_start(int requested, int *threads, struct gs_error *err)
{
    int n = gs_threads_resolve(requested);
    *threads = n;
    if (n < 2)
        return GS_OK;
    /* start and join n - 1 threads (the calling thread is the team's first) with the stack
     * libgomp would use; one failure means libgomp would fail too */
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0)
        return gs_error_set(err, GS_NOMEM, "--threads", "cannot start %d threads", n);
    size_t stack = omp_stack_size();
    int rc = stack ? pthread_attr_setstacksize(&attr, stack) : 0;
    pthread_t tid[GS_THREADS_MAX];
    int started = 0;
    while (rc == 0 && started < n - 1 &&
           (rc = pthread_create(&tid[started], &attr, idle, NULL)) == 0)
        started++;
    for (int i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    pthread_attr_destroy(&attr);
    if (rc == 0)
        return GS_OK;
    if (stack)
        return gs_error_set(err, GS_NOMEM, "--threads",
                            "cannot start %d threads with OMP_STACKSIZE's %.6g MiB stack each: %s; "
                            "allowed fewer threads (--threads) or a smaller OMP_STACKSIZE",
                            n, (double)stack / 1048576.0, strerror(rc));
    return gs_error_set(err, GS_NOMEM, "--threads",
                        "cannot start %d threads: %s; allowed fewer threads (--threads)", n,
                        strerror(rc));
}
