/* decimal.h - private to the library: an exact fast path for reading plain decimals (the CSV
 * readers of src/io and src/nca). */
#ifndef GABASIM_IO_DECIMAL_H
#define GABASIM_IO_DECIMAL_H

#include <stddef.h>

/* 1 when s[0..n) is one whole plain decimal ([+-] digits [. digits] [e|E [+-] digits], at least
 * one mantissa digit, nothing else: no blanks, inf, nan or hexadecimal) that the fast path can
 * convert exactly: *v is then bit-identical to strtod's result, which is finite and sets no
 * ERANGE. 0 otherwise (nothing stored): the caller takes its strtod path, so the fast path never
 * changes what is accepted or refused. */
int gs_decimal_fast(const char *s, size_t n, double *v);

#endif
