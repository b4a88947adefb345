/* nca_int.h - private to src/nca: the data and analysis objects of gabasim/nca.h. */
#ifndef GABASIM_NCA_INT_H
#define GABASIM_NCA_INT_H

#include "gabasim/nca.h"

struct nca_prof {
    const char *id, *period, *sequence, *treatment; /* in gs_nca_data's text */
    double dose, dose_time;               /* the last dose record (long files: DOSE, time 0) */
    size_t seq_line, trt_line, dose_line; /* where each was first given (0: not yet) */
    size_t off, n;                        /* observations in the data's arrays */
};

struct gs_nca_data {
    char origin[256];
    struct nca_prof *prof;
    size_t n_prof;
    double *t, *c; /* observations of every profile, times from its dose, sorted */
    unsigned char *blq;
    char *text; /* the profiles' strings */
    int crossover;
};

#define NCA_MAX_GROUPS 16

struct gs_nca_analysis {
    const gs_nca_data *data; /* borrowed */
    gs_nca_data *owned;      /* gs_nca_run: the data it read */
    struct gs_nca_options options;
    struct gs_nca_result *res;
    size_t n_groups;
    char group[NCA_MAX_GROUPS][GS_NCA_MAX_TEXT];
    struct gs_nca_stats stats[NCA_MAX_GROUPS][GS_NCA_N_PARAMS];
    int have_be;
    const char *be_why;
    char be_msg[400];
    struct gs_nca_be_result be[3];
};

/* nca_read.c: gs_nca_parse()/gs_nca_read() on `threads` threads (0: OpenMP's default); the
 * result does not depend on the number. */
gs_status nca_parse_threads(gs_nca_data **out, const char *text, size_t len, const char *origin,
                            int threads, struct gs_error *err);
gs_status nca_read_threads(gs_nca_data **out, const char *path, int threads, struct gs_error *err);
/* Below this many bytes after the header the reading is serial (tests lower it). */
extern size_t nca_parallel_min_bytes;
extern size_t nca_parallel_reads; /* readings done in parallel (for the tests) */
extern size_t nca_joins_in_place; /* of them, chunks of distinct profiles kept in place */
/* Asks for transparent huge pages on a large allocation (advice only). */
void nca_advise_huge(void *ptr, size_t bytes);

#endif
