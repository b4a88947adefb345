/* threads.c - the thread count of parallel calls (gabasim/threads.h). */
#include "gabasim/threads.h"

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
