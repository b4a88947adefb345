/* par_mpi.c - gabasim/par.h with MPI: compiled instead of par.c when CMake finds MPI. MPI starts
 * only under a launcher, so a plain `gabasim` run, a test or a language binding never touches it
 * and behaves exactly as the build without MPI. Errors inside MPI abort the job (MPI's default
 * handler): a rank that returned would leave the others waiting in a collective forever. */
#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/par.h"

static int started; /* gs_par_init called MPI_Init_thread */
static int rank, size = 1;
static uint64_t sent_bytes, sent_calls;

int gs_par_built_with_mpi(void)
{
    return 1;
}

/* Open MPI's mpirun sets OMPI_COMM_WORLD_SIZE; Slurm's srun and MPICH's Hydra set PMI_SIZE or
 * PMIX_RANK. Without any of them this is a plain run: no MPI. */
static int launched(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMIX_RANK");
}

int gs_par_init(int *argc, char ***argv)
{
    int inited = 0;
    MPI_Initialized(&inited);
    if (started || inited || !launched())
        return 0;
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "gabasim: error: MPI did not start\n");
        return -1;
    }
    started = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    return 0;
}

void gs_par_finalize(void)
{
    int done = 0;
    if (!started || (MPI_Finalized(&done), done))
        return;
    MPI_Finalize();
}

int gs_par_rank(void)
{
    return rank;
}

int gs_par_size(void)
{
    return size;
}

/* MPI counts and displacements are ints: the gathered total must stay under 2 GiB. */
static gs_status layout(const unsigned long long *each, size_t *counts, int *icounts, int *displs,
                        size_t *total, struct gs_error *err)
{
    unsigned long long sum = 0;
    for (int r = 0; r < size; r++) {
        counts[r] = (size_t)each[r];
        icounts[r] = (int)each[r];
        displs[r] = (int)sum;
        sum += each[r];
        if (sum > (unsigned long long)INT_MAX)
            return gs_error_set(err, GS_UNSUPPORTED, "mpi",
                                "one gather of %llu bytes is more than MPI's 2 GiB: use more "
                                "ranks or fewer output times",
                                sum);
    }
    *total = (size_t)sum;
    return GS_OK;
}

static gs_status grow(unsigned char **recv, size_t *cap, size_t need, struct gs_error *err)
{
    if (*recv != NULL && *cap >= need)
        return GS_OK;
    unsigned char *p = gs_realloc(*recv, need ? need : 1);
    if (p == NULL)
        return gs_error_set(err, GS_NOMEM, "mpi", "out of memory for %zu gathered bytes", need);
    *recv = p;
    *cap = need ? need : 1;
    return GS_OK;
}

/* Every rank's count (on every rank with `all`, else on rank 0), then the bytes. A failure here
 * (over 2 GiB, no memory) is known to one rank only while the others are already in the
 * collective: it aborts the job with a message rather than leave them waiting forever. */
static gs_status gather(int all, const void *buf, size_t bytes, unsigned char **recv, size_t *cap,
                        size_t *counts, struct gs_error *err)
{
    if (size == 1) {
        gs_status st = grow(recv, cap, bytes, err);
        if (st == GS_OK) {
            if (bytes)
                memcpy(*recv, buf, bytes);
            counts[0] = bytes;
        }
        return st;
    }
    if (bytes > (size_t)INT_MAX) {
        fprintf(stderr, "gabasim: error: rank %d: %zu bytes to gather, above MPI's 2 GiB\n", rank,
                bytes);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    unsigned long long mine = bytes, *each = malloc((size_t)size * sizeof *each);
    int *icounts = malloc((size_t)size * sizeof *icounts);
    int *displs = malloc((size_t)size * sizeof *displs);
    if (!each || !icounts || !displs)
        MPI_Abort(MPI_COMM_WORLD, 1);
    if (all)
        MPI_Allgather(&mine, 1, MPI_UNSIGNED_LONG_LONG, each, 1, MPI_UNSIGNED_LONG_LONG,
                      MPI_COMM_WORLD);
    else
        MPI_Gather(&mine, 1, MPI_UNSIGNED_LONG_LONG, each, 1, MPI_UNSIGNED_LONG_LONG, 0,
                   MPI_COMM_WORLD);
    gs_status st = GS_OK;
    size_t total = 0;
    struct gs_error own = GS_ERROR_INIT;
    if (err == NULL)
        err = &own;
    if (all || rank == 0) {
        if ((st = layout(each, counts, icounts, displs, &total, err)) == GS_OK)
            st = grow(recv, cap, total, err);
        if (st != GS_OK) { /* the other ranks are already sending */
            fprintf(stderr, "gabasim: error: rank %d: %s\n", rank, err->msg);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    }
    if (all)
        MPI_Allgatherv(buf, (int)bytes, MPI_BYTE, *recv, icounts, displs, MPI_BYTE, MPI_COMM_WORLD);
    else
        MPI_Gatherv(buf, (int)bytes, MPI_BYTE, rank == 0 ? *recv : NULL, icounts, displs, MPI_BYTE,
                    0, MPI_COMM_WORLD);
    if (all || rank != 0) {
        sent_bytes += bytes;
        sent_calls++;
    }
    free(each);
    free(icounts);
    free(displs);
    return st;
}

gs_status gs_par_gather(const void *buf, size_t bytes, unsigned char **recv, size_t *cap,
                        size_t *counts, struct gs_error *err)
{
    return gather(0, buf, bytes, recv, cap, counts, err);
}

gs_status gs_par_allgather(const void *buf, size_t bytes, unsigned char **recv, size_t *cap,
                           size_t *counts, struct gs_error *err)
{
    return gather(1, buf, bytes, recv, cap, counts, err);
}

void gs_par_bcast(void *buf, size_t bytes)
{
    if (size == 1 || bytes == 0)
        return;
    if (bytes > (size_t)INT_MAX)
        MPI_Abort(MPI_COMM_WORLD, 1);
    MPI_Bcast(buf, (int)bytes, MPI_BYTE, 0, MPI_COMM_WORLD);
}

int gs_par_max(int v)
{
    if (size == 1)
        return v;
    int m = v;
    MPI_Allreduce(&v, &m, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return m;
}

void gs_par_traffic(uint64_t *bytes_sent, uint64_t *calls)
{
    *bytes_sent = sent_bytes;
    *calls = sent_calls;
}
