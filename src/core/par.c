/* par.c - gabasim/par.h without MPI (the build found none, or GS_MPI=OFF): one rank, 0 of 1;
 * the gathers copy this rank's bytes. src/core/par_mpi.c replaces this file when MPI is there.
 * Under mpirun every process is then a whole run of its own (gs_par_init says so). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/par.h"

int gs_par_built_with_mpi(void)
{
    return 0;
}

/* Launched by mpirun or srun, this build runs the whole job in every process: say so once. */
int gs_par_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *n = getenv("OMPI_COMM_WORLD_SIZE"), *r = getenv("OMPI_COMM_WORLD_RANK");
    if (n == NULL) {
        n = getenv("PMI_SIZE");
        r = getenv("PMI_RANK");
    }
    if (n && atoi(n) > 1 && (r == NULL || atoi(r) == 0))
        fprintf(stderr,
                "gabasim: warning: built without MPI: each of the %s processes runs the whole "
                "job (docs/mpi.md)\n",
                n);
    return 0;
}

void gs_par_finalize(void) {}

int gs_par_rank(void)
{
    return 0;
}

int gs_par_size(void)
{
    return 1;
}

static gs_status copy_own(const void *buf, size_t bytes, unsigned char **recv, size_t *cap,
                          size_t *counts, struct gs_error *err)
{
    if (*cap < bytes || *recv == NULL) {
        unsigned char *p = gs_realloc(*recv, bytes ? bytes : 1);
        if (p == NULL)
            return gs_error_set(err, GS_NOMEM, "mpi", "out of memory for %zu bytes", bytes);
        *recv = p;
        *cap = bytes ? bytes : 1;
    }
    if (bytes)
        memcpy(*recv, buf, bytes);
    counts[0] = bytes;
    return GS_OK;
}

gs_status gs_par_gather(const void *buf, size_t bytes, unsigned char **recv, size_t *cap,
                        size_t *counts, struct gs_error *err)
{
    return copy_own(buf, bytes, recv, cap, counts, err);
}

gs_status gs_par_allgather(const void *buf, size_t bytes, unsigned char **recv, size_t *cap,
                           size_t *counts, struct gs_error *err)
{
    return copy_own(buf, bytes, recv, cap, counts, err);
}

void gs_par_bcast(void *buf, size_t bytes)
{
    (void)buf;
    (void)bytes;
}

int gs_par_max(int v)
{
    return v;
}

void gs_par_traffic(uint64_t *bytes_sent, uint64_t *calls)
{
    *bytes_sent = 0;
    *calls = 0;
}
