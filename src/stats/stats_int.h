/* stats_int.h - shared by the files of src/stats only: the dense Cholesky factorisation the
 * mixed models solve with. Written out rather than GSL's because GSL reports failure through a
 * process-wide error handler, and trial replicates fit models on several threads at once. */
#ifndef GABASIM_STATS_INT_H
#define GABASIM_STATS_INT_H

#include <stddef.h>

/* In-place Cholesky A = L L' of an n x n row-major matrix (lower triangle used and overwritten);
 * 0 if not positive definite: a pivot at or below rel_tol times its diagonal element. */
int gs__chol(double *a, size_t n, double rel_tol);

/* Solves L z = b in place (forward substitution). */
void gs__chol_forward(const double *l, size_t n, double *z);

/* Solves L' x = z in place (backward substitution). */
void gs__chol_backward(const double *l, size_t n, double *x);

/* x := (L L')^-1 x: forward, then backward. */
void gs__chol_solve(const double *l, size_t n, double *x);

#endif
