/* nca_bench.c - times gabasim's NCA on N profiles of 12 points (bench/nca.sh): the CSV is written
 * to FILE, then read and analysed from the file (gs_nca_run: read, every profile, the summaries)
 * on 1 and on THREADS threads, with the read alone timed beside it; then a naive C version of the
 * same rules that refits every candidate lambda_z window from scratch with a two-pass regression,
 * run on the same profiles and threads; checks that both agree.
 * usage: nca_bench N THREADS FILE */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "gabasim/nca.h"

static double cpu(void) /* user + system time of the process, s */
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + 1e-6 * u.ru_utime.tv_usec + u.ru_stime.tv_sec +
           1e-6 * u.ru_stime.tv_usec;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* the naive version: linear-up/log-down AUC, then each window refitted in two passes */
static double naive_aucinf(const double *t, const double *c, int n)
{
    int im = 0, il = 0;
    for (int i = 0; i < n; i++) {
        if (c[i] > c[im])
            im = i;
        if (c[i] > 0)
            il = i;
    }
    double auc = 0;
    for (int i = 0; i < il; i++)
        auc += c[i + 1] < c[i] && c[i + 1] > 0
                   ? (c[i] - c[i + 1]) / log(c[i] / c[i + 1]) * (t[i + 1] - t[i])
                   : 0.5 * (c[i] + c[i + 1]) * (t[i + 1] - t[i]);
    double adj[16], lz[16], best = 0;
    int nw = 0;
    for (int m = 3; il - m + 1 > im; m++, nw++) {
        double mx = 0, my = 0, sxx = 0, sxy = 0, syy = 0;
        for (int j = il - m + 1; j <= il; j++)
            mx += t[j] / m, my += log(c[j]) / m;
        for (int j = il - m + 1; j <= il; j++) {
            double dx = t[j] - mx, dy = log(c[j]) - my;
            sxx += dx * dx, sxy += dx * dy, syy += dy * dy;
        }
        lz[nw] = -sxy / sxx;
        adj[nw] = 1 - (1 - sxy * sxy / (sxx * syy)) * (m - 1) / (m - 2);
        best = adj[nw] > best ? adj[nw] : best;
    }
    double l = NAN;
    for (int w = 0; w < nw; w++)
        if (adj[w] > best - 1e-4 && lz[w] > 0)
            l = lz[w];
    return auc + c[il] / l;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    int threads = argc > 2 ? atoi(argv[2]) : 2;
    const double grid[12] = {0, 0.5, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24};
    size_t cap = (size_t)n * 12 * 48 + 64, len = 0;
    char *text = malloc(cap);
    if (text == NULL)
        return 1;
    len += (size_t)sprintf(text, "ID,TIME,CONC,DOSE\n");
    unsigned long long s = 88172645463325252ULL;
    for (long p = 0; p < n; p++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        double k = 0.05 + 0.3 * (double)(s >> 11) / 9007199254740992.0, ka = 1.3;
        for (int i = 0; i < 12; i++) {
            s ^= s << 13, s ^= s >> 7, s ^= s << 17;
            double c = 10 * ka / (ka - k) * (exp(-k * grid[i]) - exp(-ka * grid[i])) *
                       (1 + 0.1 * ((double)(s >> 11) / 9007199254740992.0 - 0.5));
            len += (size_t)snprintf(text + len, cap - len, "%ld,%g,%.6g,100\n", p, grid[i], c);
        }
    }
    const char *path = argc > 3 ? argv[3] : "nca_bench.csv";
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "nca_bench: cannot write %s\n", path);
        return 1;
    }
    free(text);
    printf("profiles %ld points 12 file %s (%.0f MB)\n", n, path, len / 1e6);
    struct gs_error err = GS_ERROR_INIT;
    const int tlist[2] = {1, threads};
    gs_nca_analysis *a = NULL;
    for (int ti = threads == 1 ? 1 : 0; ti < 2; ti++) {
        int th = tlist[ti];
        omp_set_num_threads(th); /* gs_nca_read alone: OpenMP's default */
        gs_nca_data *d = NULL;
        double r0 = now(), rc0 = cpu();
        if (gs_nca_read(&d, path, &err) != GS_OK) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        double r1 = now(), rc1 = cpu();
        gs_nca_data_free(d);
        struct gs_nca_request req = GS_NCA_REQUEST_INIT;
        req.path = path, req.threads = th;
        gs_nca_analysis_free(a);
        a = NULL;
        double f0 = now(), fc0 = cpu();
        if (gs_nca_run(&req, &a, &err) != GS_OK) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        double f1 = now(), fc1 = cpu();
        printf("threads %d: read_s %.3f (cpu %.3f) file_to_result_s %.3f (cpu %.3f)\n", th, r1 - r0,
               rc1 - rc0, f1 - f0, fc1 - fc0);
    }
    const gs_nca_data *d = gs_nca_analysis_data(a);
    double *naive = malloc(n * sizeof *naive);
    double t4 = now(), c4 = cpu();
#pragma omp parallel for num_threads(threads) schedule(static, 1024)
    for (long p = 0; p < n; p++) {
        struct gs_nca_profile_view v;
        gs_nca_data_profile(d, (size_t)p, &v);
        naive[p] = naive_aucinf(v.t_h, v.conc, (int)v.n);
    }
    double t5 = now(), c5 = cpu();
    double maxrel = 0;
    for (long p = 0; p < n; p++) {
        double g = gs_nca_analysis_result(a, (size_t)p)->aucinf_obs;
        if (isfinite(g) || isfinite(naive[p]))
            maxrel = fmax(maxrel, fabs(g - naive[p]) / fabs(naive[p]));
    }
    printf("threads %d: naive_s %.3f (cpu %.3f, analysis only, from memory)\n"
           "max_rel_diff_aucinf %.3g\n",
           threads, t5 - t4, c5 - c4, maxrel);
    gs_nca_analysis_free(a);
    free(naive);
    return maxrel < 1e-9 ? 0 : 1;
}
