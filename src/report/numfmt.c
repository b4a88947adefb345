/* numfmt.c - fast "%.Ng"-style number formatting for large CSV outputs.
 *
 * printf's %g rounds the exact binary value correctly but costs a few hundred nanoseconds; a
 * million-subject summary writes ten million numbers. Here v is scaled by an exact power of ten
 * and rounded once; values whose scaled form lies near a rounding boundary go to snprintf, so
 * the text is printf's (tests/unit/test_numfmt.c compares over a million values). Layout follows
 * %g: fixed notation for exponents -4..sig-1, else d.ddde+XX; trailing zeros removed. Non-finite
 * values, zero and extreme exponents go to snprintf.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/report.h"

static const double p10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static const uint64_t u10[17] = {1ULL,
                                 10ULL,
                                 100ULL,
                                 1000ULL,
                                 10000ULL,
                                 100000ULL,
                                 1000000ULL,
                                 10000000ULL,
                                 100000000ULL,
                                 1000000000ULL,
                                 10000000000ULL,
                                 100000000000ULL,
                                 1000000000000ULL,
                                 10000000000000ULL,
                                 100000000000000ULL,
                                 1000000000000000ULL,
                                 10000000000000000ULL};

/* a scaled by 10^k and rounded to an integer; 0 if k is out of the exact table's reach or the
 * scaled value lies so close to a rounding boundary (within 1e-3, far above the scaling's own
 * error of at most 1e-4 for 12 digits) that only printf can round it correctly. */
static uint64_t digits_at(double a, int k)
{
    if (k > 22 || k < -22)
        return 0;
    double x = k >= 0 ? a * p10[k] : a / p10[-k];
    if (fabs(x - floor(x) - 0.5) < 1e-3)
        return 0;
    return (uint64_t)llround(x);
}

size_t gs_report_fmt_g(char *out, size_t cap, double v, int sig)
{
    if (!isfinite(v) || v == 0.0 || sig < 1 || sig > 12 || cap < 32) {
        int n = snprintf(out, cap, "%.*g", sig, v);
        return n < 0 ? 0 : (size_t)n;
    }
    double a = fabs(v);
    int e = (int)floor(log10(a));
    uint64_t m = digits_at(a, sig - 1 - e);
    if (m == 0 || sig - 1 - e > 22 || sig - 1 - e < -22) {
        int n = snprintf(out, cap, "%.*g", sig, v);
        return n < 0 ? 0 : (size_t)n;
    }
    if (m >= u10[sig]) { /* floor(log10) one too small, or rounding carried: one digit less */
        e++;
        m = digits_at(a, sig - 1 - e);
    } else if (m < u10[sig - 1]) { /* floor(log10) one too large */
        e--;
        m = digits_at(a, sig - 1 - e);
    }
    if (m >= u10[sig]) { /* 9.99..96 rounding up to 10.0..0 */
        m /= 10;
        e++;
    }
    if (m == 0) { /* a rounding boundary found after the exponent correction */
        int n = snprintf(out, cap, "%.*g", sig, v);
        return n < 0 ? 0 : (size_t)n;
    }
    char d[20];
    int nd = sig;
    for (int i = sig - 1; i >= 0; i--) {
        d[i] = (char)('0' + (int)(m % 10));
        m /= 10;
    }
    while (nd > 1 && d[nd - 1] == '0')
        nd--;
    size_t k = 0;
    if (v < 0)
        out[k++] = '-';
    if (e < -4 || e >= sig) {
        out[k++] = d[0];
        if (nd > 1) {
            out[k++] = '.';
            memcpy(out + k, d + 1, (size_t)nd - 1);
            k += (size_t)nd - 1;
        }
        int n = snprintf(out + k, cap - k, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
        return k + (size_t)(n < 0 ? 0 : n);
    }
    if (e >= 0) {
        for (int i = 0; i <= e; i++)
            out[k++] = i < nd ? d[i] : '0';
        if (nd > e + 1) {
            out[k++] = '.';
            memcpy(out + k, d + e + 1, (size_t)(nd - e - 1));
            k += (size_t)(nd - e - 1);
        }
    } else {
        out[k++] = '0';
        out[k++] = '.';
        for (int i = 0; i < -e - 1; i++)
            out[k++] = '0';
        memcpy(out + k, d, (size_t)nd);
        k += (size_t)nd;
    }
    out[k] = '\0';
    return k;
}
