/* chol.c - the dense Cholesky factorisation of the mixed models (stats_int.h). */
#include <math.h>

#include "stats_int.h"

int gs__chol(double *a, size_t n, double rel_tol)
{
    for (size_t j = 0; j < n; j++) {
        double d = a[j * n + j], d0 = fabs(d);
        for (size_t k = 0; k < j; k++)
            d -= a[j * n + k] * a[j * n + k];
        if (!(d > rel_tol * d0 && d > 0.0))
            return 0;
        d = sqrt(d);
        a[j * n + j] = d;
        for (size_t i = j + 1; i < n; i++) {
            double s = a[i * n + j];
            for (size_t k = 0; k < j; k++)
                s -= a[i * n + k] * a[j * n + k];
            a[i * n + j] = s / d;
        }
    }
    return 1;
}

void gs__chol_forward(const double *l, size_t n, double *z)
{
    for (size_t i = 0; i < n; i++) {
        double s = z[i];
        for (size_t k = 0; k < i; k++)
            s -= l[i * n + k] * z[k];
        z[i] = s / l[i * n + i];
    }
}

void gs__chol_backward(const double *l, size_t n, double *x)
{
    for (size_t i = n; i-- > 0;) {
        double s = x[i];
        for (size_t k = i + 1; k < n; k++)
            s -= l[k * n + i] * x[k];
        x[i] = s / l[i * n + i];
    }
}

void gs__chol_solve(const double *l, size_t n, double *x)
{
    gs__chol_forward(l, n, x);
    gs__chol_backward(l, n, x);
}
