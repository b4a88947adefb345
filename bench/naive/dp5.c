/* dp5.c - the "naive C" comparator of the gaba-pop benchmark (bench/README.md).
 *
 * A plain scalar Dormand-Prince 5(4) integrator written the way a textbook (Hairer, Norsett &
 * Wanner, "Solving ODEs I", section II.4-II.6, and their DOPRI5 code) describes it:
 *   - Dormand-Prince 5(4) tableau with FSAL,
 *   - error norm: RMS over the states of err_i / sc_i, sc_i = atol + rtol * max(|y_i|, |ynew_i|),
 *   - Hairer's step-size control (safety 0.9, factor limits 0.2..10, PI stabilisation beta 0.04,
 *     no growth right after a rejected step) and Hairer's initial step guess,
 *   - the standard DP5 continuous extension (DOPRI5's CONTD5) for every output hour,
 *   - integration dose interval by dose interval: at each dose time the integrator restarts
 *     from the state with the dose added to the gut.
 * Compiled with -O2, no SIMD, no tricks, one subject after the other, one thread.
 *
 * Model (gaba-pop): states A_gut, A_c (mg)
 *   abs      = Vmax * A_gut / (Km + A_gut)
 *   dA_gut/dt = -abs - ktr * A_gut
 *   dA_c/dt   =  abs - (CL/V) * A_c,         C = A_c / V (mg/L)
 * (For A_gut < 0, a solver undershoot, the uptake continues linearly, Vmax/Km * A_gut, as in
 * gabasim's src/pk/oral_1cmt_mm_absorption.c; with these tolerances it never happens.)
 *
 * Regimen: 300 mg into A_gut every 8 h from t = 0, 42 doses; outputs every hour 0..336 h.
 *
 * usage: dp5 PARAMS.csv MEAN_OUT.csv [FIRST_SUBJECT_OUT.csv]
 *   PARAMS.csv: header ID,CL,V,Vmax,Km,ktr (any column order; a tlag column must be 0), one
 *   row per subject
 *   MEAN_OUT.csv: time_h,mean_conc_mg_L (population mean at each output hour)
 *   FIRST_SUBJECT_OUT.csv: time_h,conc_mg_L,A_gut_mg,A_c_mg of the first subject
 * Prints "elapsed_s=X": wall-clock time of the simulation loop only (not reading or writing).
 *
 * Build: cc -O2 -std=c11 -o dp5 dp5.c -lm
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NEQ     2
#define DOSE_MG 300.0
#define TAU_H   8.0
#define NDOSES  42
#define T_END_H 336.0
#define NOUT    337 /* hours 0..336 */
#ifndef RTOL        /* -DRTOL=... -DATOL=... only to make a tight reference solution */
#define RTOL 1e-6
#endif
#ifndef ATOL
#define ATOL 1e-9
#endif

struct subject {
    double CL, V, Vmax, Km, ktr;
};

static void rhs(const struct subject *p, const double *y, double *dy)
{
    double gut = y[0];
    double absorb = gut >= 0.0 ? p->Vmax * gut / (p->Km + gut) : p->Vmax / p->Km * gut;
    dy[0] = -absorb - p->ktr * gut;
    dy[1] = absorb - p->CL / p->V * y[1];
}

/* Dormand-Prince 5(4) coefficients (Hairer's DOPRI5); the nodes c_i are not needed: the model
 * is autonomous. */
static const double a21 = 1.0 / 5.0;
static const double a31 = 3.0 / 40.0, a32 = 9.0 / 40.0;
static const double a41 = 44.0 / 45.0, a42 = -56.0 / 15.0, a43 = 32.0 / 9.0;
static const double a51 = 19372.0 / 6561.0, a52 = -25360.0 / 2187.0, a53 = 64448.0 / 6561.0,
                    a54 = -212.0 / 729.0;
static const double a61 = 9017.0 / 3168.0, a62 = -355.0 / 33.0, a63 = 46732.0 / 5247.0,
                    a64 = 49.0 / 176.0, a65 = -5103.0 / 18656.0;
static const double a71 = 35.0 / 384.0, a73 = 500.0 / 1113.0, a74 = 125.0 / 192.0,
                    a75 = -2187.0 / 6784.0, a76 = 11.0 / 84.0;
static const double e1 = 71.0 / 57600.0, e3 = -71.0 / 16695.0, e4 = 71.0 / 1920.0,
                    e5 = -17253.0 / 339200.0, e6 = 22.0 / 525.0, e7 = -1.0 / 40.0;
static const double d1 = -12715105075.0 / 11282082432.0, d3 = 87487479700.0 / 32700410799.0,
                    d4 = -10690763975.0 / 1880347072.0, d5 = 701980252875.0 / 199316789632.0,
                    d6 = -1453857185.0 / 822651844.0, d7 = 69997945.0 / 29380423.0;

/* Hairer's initial step size guess (DOPRI5's HINIT), order 5. f0 = f(y0). */
static double hinit(const struct subject *p, const double *y0, const double *f0, double hmax)
{
    double dnf = 0.0, dny = 0.0, sk, h, y1[NEQ], f1[NEQ], der2 = 0.0, der12, h1;
    for (int i = 0; i < NEQ; i++) {
        sk = ATOL + RTOL * fabs(y0[i]);
        dnf += (f0[i] / sk) * (f0[i] / sk);
        dny += (y0[i] / sk) * (y0[i] / sk);
    }
    h = (dnf <= 1e-10 || dny <= 1e-10) ? 1.0e-6 : sqrt(dny / dnf) * 0.01;
    h = fmin(h, hmax);
    for (int i = 0; i < NEQ; i++)
        y1[i] = y0[i] + h * f0[i];
    rhs(p, y1, f1);
    for (int i = 0; i < NEQ; i++) {
        sk = ATOL + RTOL * fabs(y0[i]);
        der2 += ((f1[i] - f0[i]) / sk) * ((f1[i] - f0[i]) / sk);
    }
    der2 = sqrt(der2) / h;
    der12 = fmax(fabs(der2), sqrt(dnf));
    h1 = der12 <= 1e-15 ? fmax(1.0e-6, h * 1.0e-3) : pow(0.01 / der12, 1.0 / 5.0);
    return fmin(fmin(100.0 * h, h1), hmax);
}

/* Integrates y from t0 to t1 (t0 < t1). Writes the state at every output time t0 + k*dt with
 * t0 <= t < t1 (and at t1 too when include_end) into out[k][..]; k counts from 0 at t0, the output
 * grid being whole hours (t0 and t1 are whole hours). Returns 0, or -1 if the step size
 * underflows or too many steps are taken. */
static long nsteps_total, nrejected_total, nfev_total;

static int dopri5(const struct subject *p, double t0, double t1, double *y, double (*out)[NEQ],
                  int include_end)
{
    const double safe = 0.9, facc1 = 1.0 / 0.2, facc2 = 1.0 / 10.0, beta = 0.04;
    const double expo1 = 0.2 - beta * 0.75;
    const double hmax = t1 - t0;
    double k1[NEQ], k2[NEQ], k3[NEQ], k4[NEQ], k5[NEQ], k6[NEQ], k7[NEQ], ys[NEQ], y1[NEQ];
    double t = t0, h, facold = 1.0e-4, err, fac11, fac, hnew;
    int reject = 0, last = 0, next_out = 0; /* next output index: time t0 + next_out */
    long nstep = 0;

    /* the output at t0 itself */
    out[0][0] = y[0];
    out[0][1] = y[1];
    next_out = 1;

    rhs(p, y, k1);
    nfev_total++;
    h = hinit(p, y, k1, hmax);
    nfev_total++;

    for (;;) {
        if (nstep++ > 100000 || 0.1 * fabs(h) <= fabs(t) * 2.22e-16)
            return -1;
        if ((t + 1.01 * h - t1) > 0.0) {
            h = t1 - t;
            last = 1;
        }
        for (int i = 0; i < NEQ; i++)
            ys[i] = y[i] + h * a21 * k1[i];
        rhs(p, ys, k2);
        for (int i = 0; i < NEQ; i++)
            ys[i] = y[i] + h * (a31 * k1[i] + a32 * k2[i]);
        rhs(p, ys, k3);
        for (int i = 0; i < NEQ; i++)
            ys[i] = y[i] + h * (a41 * k1[i] + a42 * k2[i] + a43 * k3[i]);
        rhs(p, ys, k4);
        for (int i = 0; i < NEQ; i++)
            ys[i] = y[i] + h * (a51 * k1[i] + a52 * k2[i] + a53 * k3[i] + a54 * k4[i]);
        rhs(p, ys, k5);
        for (int i = 0; i < NEQ; i++)
            ys[i] =
                y[i] + h * (a61 * k1[i] + a62 * k2[i] + a63 * k3[i] + a64 * k4[i] + a65 * k5[i]);
        rhs(p, ys, k6);
        for (int i = 0; i < NEQ; i++)
            y1[i] =
                y[i] + h * (a71 * k1[i] + a73 * k3[i] + a74 * k4[i] + a75 * k5[i] + a76 * k6[i]);
        rhs(p, y1, k7);
        nfev_total += 6;

        err = 0.0;
        for (int i = 0; i < NEQ; i++) {
            double ei =
                h * (e1 * k1[i] + e3 * k3[i] + e4 * k4[i] + e5 * k5[i] + e6 * k6[i] + e7 * k7[i]);
            double sk = ATOL + RTOL * fmax(fabs(y[i]), fabs(y1[i]));
            err += (ei / sk) * (ei / sk);
        }
        err = sqrt(err / NEQ);

        fac11 = pow(err, expo1);
        fac = fac11 / pow(facold, beta); /* Lund stabilisation */
        fac = fmax(facc2, fmin(facc1, fac / safe));
        hnew = h / fac;

        if (err <= 1.0) { /* step accepted */
            facold = fmax(err, 1.0e-4);
            nsteps_total++;
            double tnew = last ? t1 : t + h;
            /* dense output for every output time in (t, tnew) and at tnew if it is one */
            while (1) {
                double to = t0 + (double)next_out;
                int at_end = to >= t1;
                if (at_end && !include_end)
                    break;
                if (to > tnew)
                    break;
                if (to == tnew) {
                    out[next_out][0] = y1[0];
                    out[next_out][1] = y1[1];
                } else {
                    double theta = (to - t) / h, theta1 = 1.0 - theta;
                    for (int i = 0; i < NEQ; i++) {
                        double ydiff = y1[i] - y[i];
                        double bspl = h * k1[i] - ydiff;
                        double r4 = ydiff - h * k7[i] - bspl;
                        double r5 = h * (d1 * k1[i] + d3 * k3[i] + d4 * k4[i] + d5 * k5[i] +
                                         d6 * k6[i] + d7 * k7[i]);
                        out[next_out][i] =
                            y[i] + theta * (ydiff + theta1 * (bspl + theta * (r4 + theta1 * r5)));
                    }
                }
                next_out++;
                if (at_end)
                    break;
            }
            for (int i = 0; i < NEQ; i++) {
                k1[i] = k7[i]; /* FSAL */
                y[i] = y1[i];
            }
            t = tnew;
            if (last)
                return 0;
            if (fabs(hnew) > hmax)
                hnew = hmax;
            if (reject)
                hnew = fmin(fabs(hnew), fabs(h));
            reject = 0;
        } else { /* step rejected */
            hnew = h / fmin(facc1, fac11 / safe);
            reject = 1;
            nrejected_total++;
            last = 0;
        }
        h = hnew;
    }
}

/* One subject: conc[k] = C at hour k, k = 0..336. Returns 0 or -1. */
static int simulate(const struct subject *p, double *conc, double (*amt)[NEQ])
{
    double y[NEQ] = {0.0, 0.0};
    double(*buf)[NEQ] = amt;
    for (int d = 0; d < NDOSES; d++) {
        double t0 = d * TAU_H;
        double t1 = d == NDOSES - 1 ? T_END_H : t0 + TAU_H;
        y[0] += DOSE_MG;
        if (dopri5(p, t0, t1, y, buf + (int)t0, d == NDOSES - 1) != 0)
            return -1;
    }
    for (int k = 0; k < NOUT; k++)
        conc[k] = buf[k][1] / p->V;
    return 0;
}

static int col_index(char **names, int n, const char *want)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], want) == 0)
            return i;
    return -1;
}

static struct subject *read_params(const char *path, size_t *n_out)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return NULL;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    char *names[64];
    int ncol = 0;
    if ((len = getline(&line, &cap, f)) <= 0) {
        fprintf(stderr, "%s: empty file\n", path);
        fclose(f);
        return NULL;
    }
    line[strcspn(line, "\r\n")] = '\0';
    for (char *tok = strtok(line, ","); tok && ncol < 64; tok = strtok(NULL, ","))
        names[ncol++] = strdup(tok);
    int ic[5];
    const char *want[5] = {"CL", "V", "Vmax", "Km", "ktr"};
    for (int j = 0; j < 5; j++) {
        ic[j] = col_index(names, ncol, want[j]);
        if (ic[j] < 0) {
            fprintf(stderr, "%s: no column '%s'\n", path, want[j]);
            fclose(f);
            return NULL;
        }
    }
    int itlag = col_index(names, ncol, "tlag"); /* gabasim writes it; the model has none */
    size_t n = 0, ncap = 1024;
    struct subject *s = malloc(ncap * sizeof *s);
    double vals[64];
    while ((len = getline(&line, &cap, f)) > 0) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0')
            continue;
        int k = 0;
        char *pos = line;
        while (k < ncol) {
            char *end;
            vals[k++] = strtod(pos, &end);
            if (*end != ',')
                break;
            pos = end + 1;
        }
        if (k != ncol) {
            fprintf(stderr, "%s: row %zu has %d fields, header has %d\n", path, n + 1, k, ncol);
            fclose(f);
            free(s);
            return NULL;
        }
        if (itlag >= 0 && vals[itlag] != 0.0) {
            fprintf(stderr, "%s: row %zu has tlag %g; this comparator has no lag\n", path, n + 1,
                    vals[itlag]);
            fclose(f);
            free(s);
            return NULL;
        }
        if (n == ncap)
            s = realloc(s, (ncap *= 2) * sizeof *s);
        s[n].CL = vals[ic[0]];
        s[n].V = vals[ic[1]];
        s[n].Vmax = vals[ic[2]];
        s[n].Km = vals[ic[3]];
        s[n].ktr = vals[ic[4]];
        n++;
    }
    free(line);
    for (int i = 0; i < ncol; i++)
        free(names[i]);
    fclose(f);
    *n_out = n;
    return s;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s PARAMS.csv MEAN_OUT.csv [FIRST_SUBJECT_OUT.csv]\n", argv[0]);
        return 2;
    }
    size_t n = 0;
    struct subject *subj = read_params(argv[1], &n);
    if (!subj)
        return 1;
    if (n == 0) {
        fprintf(stderr, "%s: no subjects\n", argv[1]);
        return 1;
    }

    double sum[NOUT] = {0}, conc[NOUT], first_conc[NOUT], first_amt[NOUT][NEQ];
    double(*amt)[NEQ] = malloc(sizeof(double[NOUT + 8][NEQ]));

    struct timespec ts0, ts1;
    clock_gettime(CLOCK_MONOTONIC, &ts0);
    for (size_t i = 0; i < n; i++) {
        if (simulate(&subj[i], conc, amt) != 0) {
            fprintf(stderr, "subject %zu: step size underflow\n", i + 1);
            return 1;
        }
        for (int k = 0; k < NOUT; k++)
            sum[k] += conc[k];
        if (i == 0) {
            memcpy(first_conc, conc, sizeof conc);
            memcpy(first_amt, amt, sizeof first_amt);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &ts1);
    double elapsed = (ts1.tv_sec - ts0.tv_sec) + 1e-9 * (ts1.tv_nsec - ts0.tv_nsec);

    FILE *f = fopen(argv[2], "w");
    if (!f) {
        perror(argv[2]);
        return 1;
    }
    fprintf(f, "time_h,mean_conc_mg_L\n");
    for (int k = 0; k < NOUT; k++)
        fprintf(f, "%d,%.17g\n", k, sum[k] / (double)n);
    fclose(f);
    if (argc == 4) {
        f = fopen(argv[3], "w");
        if (!f) {
            perror(argv[3]);
            return 1;
        }
        fprintf(f, "time_h,conc_mg_L,A_gut_mg,A_c_mg\n");
        for (int k = 0; k < NOUT; k++)
            fprintf(f, "%d,%.17g,%.17g,%.17g\n", k, first_conc[k], first_amt[k][0],
                    first_amt[k][1]);
        fclose(f);
    }
    printf("subjects=%zu steps=%ld rejected=%ld rhs_evals=%ld\n", n, nsteps_total, nrejected_total,
           nfev_total);
    printf("elapsed_s=%.6f\n", elapsed);
    free(amt);
    free(subj);
    return 0;
}
