/* triad.c - a small STREAM-like triad (McCalpin's STREAM "Triad": a[i] = b[i] + s * c[i]) to
 * measure the machine's sustainable memory bandwidth for bench/stream.sh.
 *
 * Three arrays of N doubles (default 2^23 each, 64 MiB: far beyond any cache of the reference
 * machine), touched once first (page faults out of the timing), then REPS triads; the best
 * repetition counts, as in STREAM. Bytes per triad: 3 x 8 x N, STREAM's convention (the write-
 * allocate read of a[] is not counted, so the true traffic is up to 4/3 of it). Threads: OpenMP
 * (OMP_NUM_THREADS), static schedule, each thread touching the part it later works on.
 *
 * usage: triad [N [REPS]]      prints "triad_GBps=X threads=T n=N best_s=S"
 * Build: cc -O2 -fopenmp -o triad triad.c
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1L << 23;
    int reps = argc > 2 ? atoi(argv[2]) : 10;
    if (n < 1000 || reps < 1) {
        fprintf(stderr, "usage: %s [N >= 1000 [REPS >= 1]]\n", argv[0]);
        return 2;
    }
    double *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)n * sizeof *b),
           *c = malloc((size_t)n * sizeof *c);
    if (!a || !b || !c) {
        fprintf(stderr, "triad: out of memory for 3 x %ld doubles\n", n);
        return 1;
    }
    int threads = 1;
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) {
        a[i] = 0.0;
        b[i] = 1.0;
        c[i] = 2.0;
    }
#ifdef _OPENMP
    threads = omp_get_max_threads();
#endif
    double best = 1e30, s = 3.0;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
#pragma omp parallel for schedule(static)
        for (long i = 0; i < n; i++)
            a[i] = b[i] + s * c[i];
        double t = now() - t0;
        if (t < best)
            best = t;
    }
    double check = 0.0; /* keeps the loops alive: every a[i] is 1 + 3 x 2 = 7 */
    for (long i = 0; i < n; i += 4096)
        check += a[i];
    if (check != 7.0 * (double)((n + 4095) / 4096)) {
        fprintf(stderr, "triad: wrong result\n");
        return 1;
    }
    printf("triad_GBps=%.3f threads=%d n=%ld best_s=%.6f\n", 24.0 * (double)n / best / 1e9, threads,
           n, best);
    free(a);
    free(b);
    free(c);
    return 0;
}
