/* threads.c - the thread count of parallel calls (gabasim/threads.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#endif
#include "gabasim/threads.h"

#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

/* Whole CPUs a cgroup quota allows ("QUOTA PERIOD" of cgroup v2's cpu.max, or cgroup v1's
 * cfs_quota_us over cfs_period_us), rounded up; 0 when there is no quota or it cannot be read. */
static int cgroup_cpus(void)
{
    double quota = -1.0, period = 0.0;
    FILE *f = fopen("/sys/fs/cgroup/cpu.max", "r");
    if (f) {
        char q[32];
        if (fscanf(f, "%31s %lf", q, &period) == 2 && strcmp(q, "max") != 0)
            quota = strtod(q, NULL);
        fclose(f);
    } else {
        static const char *const dir[2] = {"/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"};
        for (int i = 0; i < 2 && quota < 0.0; i++) {
            char path[64];
            snprintf(path, sizeof path, "%s/cpu.cfs_quota_us", dir[i]);
            if ((f = fopen(path, "r")) == NULL)
                continue;
            if (fscanf(f, "%lf", &quota) != 1)
                quota = -1.0;
            fclose(f);
            snprintf(path, sizeof path, "%s/cpu.cfs_period_us", dir[i]);
            if ((f = fopen(path, "r")) == NULL || fscanf(f, "%lf", &period) != 1)
                quota = -1.0;
            if (f)
                fclose(f);
        }
    }
    if (!(quota > 0.0 && period > 0.0))
        return 0;
    double n = ceil(quota / period);
    return n < 1.0 ? 1 : n > GS_THREADS_MAX ? GS_THREADS_MAX : (int)n;
}

int gs_threads_available(void)
{
    int n = 0;
#ifdef __linux__
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        n = CPU_COUNT(&set);
#endif
    if (n < 1) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        n = c > 0 ? (int)(c > GS_THREADS_MAX ? GS_THREADS_MAX : c) : 1;
    }
    int q = cgroup_cpus();
    return q > 0 && q < n ? q : n;
}

int gs_threads_resolve(int requested)
{
    int n = requested;
    if (n <= 0) {
#ifdef _OPENMP
        /* OMP_NUM_THREADS, when given, is the user's choice; else the CPUs this process may use */
        n = getenv("OMP_NUM_THREADS") ? omp_get_max_threads() : gs_threads_available();
#else
        n = 1;
#endif
    }
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
