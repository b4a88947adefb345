/* gabasim/threads.h - how many threads a parallel call (populations, datasets, trial replicates)
 * uses. Results never depend on it. */
#ifndef GABASIM_THREADS_H
#define GABASIM_THREADS_H

#ifdef __cplusplus
extern "C" {
#endif

/* The most threads any call uses (the command line's --threads allows 0 to this). */
#define GS_THREADS_MAX 256

/* `requested` when above 0 (capped at GS_THREADS_MAX); 0 or less: OpenMP's default
 * (OMP_NUM_THREADS, else the cores), also capped at GS_THREADS_MAX, so an environment asking for
 * 100000 threads cannot exhaust the process (libgomp crashes when it cannot create them). */
int gs_threads_resolve(int requested);

#ifdef __cplusplus
}
#endif
#endif
