/* meta_int.h - shared by the output layer's meta_*.c files only. */
#ifndef GABASIM_REPORT_META_INT_H
#define GABASIM_REPORT_META_INT_H

#include "gabasim/meta.h"

/* A value on the analysis scale as shown: exp() for ratios. */
double gs__meta_shown(const struct gs_meta_analysis *m, double x);

/* "DerSimonian-Laird" or "REML". */
const char *gs__meta_method_name(enum gs_meta_method method);

/* The dropped studies as "B (line 3), D (line 9)" ("" when none); the caller frees the string
 * with gs_free(). NULL when out of memory. */
char *gs__meta_dropped_list(const struct gs_meta_analysis *m);

#endif
