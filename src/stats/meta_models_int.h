/* meta_models_int.h - shared by the meta-analysis model files of src/stats only. */
#ifndef GABASIM_META_MODELS_INT_H
#define GABASIM_META_MODELS_INT_H

#include <stddef.h>

/* The most coefficients a meta-regression has (the intercept, moderators or subgroup dummies). */
#define GS_META_P_MAX 64

/* The inverse of a p x p matrix from its Cholesky factor l (gs__chol), into inv (p x p). */
void gs__meta_chol_inverse(const double *l, size_t p, double *inv);

#endif
