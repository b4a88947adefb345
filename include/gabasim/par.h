/* gabasim/par.h - processes working together (MPI): the rank of this process and the few
 * collective operations gabasim's population and trial replicates need, on plain byte buffers.
 *
 * Built with MPI (CMake GS_MPI=AUTO finds it, ON requires it) and launched by mpirun/srun (the
 * launcher's environment: OMPI_COMM_WORLD_SIZE, PMI_SIZE or PMIX_RANK), gs_par_init() starts MPI
 * and every process is one rank of MPI_COMM_WORLD. Otherwise (no MPI at build time, a plain
 * run, or a program that never calls gs_par_init, such as the language bindings) there is one
 * rank, 0 of 1, and every call below is a copy or nothing: the library works exactly as it does
 * without MPI. No MPI type appears here; the calls are made from the calling thread only
 * (MPI_THREAD_FUNNELED), never from inside an OpenMP region. docs/mpi.md describes how the
 * population and the trial replicates split their work and what they gather.
 */
#ifndef GABASIM_PAR_H
#define GABASIM_PAR_H

#include <stddef.h>
#include <stdint.h>

#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 1 when the library was built with MPI, else 0. */
int gs_par_built_with_mpi(void);

/* Starts MPI when the process was launched by an MPI launcher (see above) and the library has
 * MPI; otherwise nothing (a library without MPI launched as several processes warns once on
 * stderr that each runs the whole job). Returns 0, or -1 if MPI could not start (a message on
 * stderr). Call once, first thing in main (after anything that re-executes the program). */
int gs_par_init(int *argc, char ***argv);

/* Ends MPI if gs_par_init started it (once; later calls do nothing). */
void gs_par_finalize(void);

int gs_par_rank(void); /* 0 .. size - 1 (0 without MPI) */
int gs_par_size(void); /* 1 without MPI */

/* Rank 0 receives every rank's `bytes` bytes at `buf`, in rank order, one after the other, into
 * *recv (grown with gs_realloc as needed; *cap its size); counts[r] (gs_par_size() entries, on
 * rank 0) is rank r's byte count. Other ranks only send. Collective: every rank calls it. */
gs_status gs_par_gather(const void *buf, size_t bytes, unsigned char **recv, size_t *cap,
                        size_t *counts, struct gs_error *err);

/* Every rank receives every rank's bytes, in rank order, into *recv as above; counts on every
 * rank. Collective. */
gs_status gs_par_allgather(const void *buf, size_t bytes, unsigned char **recv, size_t *cap,
                           size_t *counts, struct gs_error *err);

/* Copies rank 0's `bytes` bytes at buf to every rank. Collective. */
void gs_par_bcast(void *buf, size_t bytes);

/* The largest of every rank's v, on every rank. Collective. */
int gs_par_max(int v);

/* What this rank sent to other ranks through the calls above since it started: bytes of
 * payload (not MPI's own headers) and calls (bench/mpi_scaling.sh compares them with
 * docs/mpi.md's model). */
void gs_par_traffic(uint64_t *bytes_sent, uint64_t *calls);

#ifdef __cplusplus
}
#endif
#endif
