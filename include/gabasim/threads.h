/* gabasim/threads.h - how many threads a parallel call (populations, datasets, trial replicates)
 * uses. Results never depend on it. */
#ifndef GABASIM_THREADS_H
#define GABASIM_THREADS_H

#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The most threads any call uses (the command line's --threads allows 0 to this). */
#define GS_THREADS_MAX 256

/* The CPUs this process may use: its affinity mask (sched_getaffinity: taskset, Slurm's and
 * mpirun's binding), lowered to a cgroup CPU quota when there is one (cgroup v2 cpu.max, v1
 * cpu.cfs_quota_us / cpu.cfs_period_us, rounded up: containers and batch jobs), at least 1. */
int gs_threads_available(void);

/* `requested` when above 0 (capped at GS_THREADS_MAX); 0 or less: OMP_NUM_THREADS when it is
 * set, else gs_threads_available(), also capped at GS_THREADS_MAX, so an environment asking for
 * 100000 threads cannot exhaust the process (libgomp crashes when it cannot create them). */
int gs_threads_resolve(int requested);

/* gs_threads_resolve(requested) in *threads, after checking that the process can start that
 * many threads with the stack OpenMP will give them (OMP_STACKSIZE, else the system default):
 * libgomp ends the whole process with its own message when a thread cannot be created, so
 * every parallel call checks first and fails with a message instead. GS_NOMEM (field
 * "--threads") naming the count, the reason and the stack size when a thread cannot start. */
gs_status gs_threads_start(int requested, int *threads, struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
