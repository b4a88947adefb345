/* decimal.c - Clinger's fast path for decimal to double (Clinger WD, "How to read floating point
 * numbers accurately", PLDI 1990): a mantissa w of at most 15 significant digits is exact in a
 * double (w < 2^53), and so is 10^k for |k| <= 22 (5^22 < 2^53); one IEEE multiplication or
 * division of two exact operands is correctly rounded, which is what glibc's strtod returns
 * (round to nearest). Anything else is left to strtod by the caller. Needs
 * FLT_EVAL_METHOD 0 (no extended-precision intermediates): checked at compile time. */
#include "decimal.h"

#include <float.h>
#include <stdint.h>

#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
#error "decimal.c: the fast path needs FLT_EVAL_METHOD 0 (SSE2 doubles)"
#endif

static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

int gs_decimal_fast(const char *s, size_t n, double *v)
{
    size_t i = 0;
    int neg = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    uint64_t w = 0;
    int sig = 0, digits = 0, scale = 0; /* significant digits kept, all mantissa digits, 10^scale */
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        if (w != 0 || s[i] != '0')
            sig++;
        if (sig > 15)
            return 0;
        w = 10 * w + (uint64_t)(s[i] - '0');
        i++, digits++;
    }
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            if (w != 0 || s[i] != '0')
                sig++;
            if (sig > 15)
                return 0;
            w = 10 * w + (uint64_t)(s[i] - '0');
            i++, digits++, scale--;
            if (scale < -40)
                return 0;
        }
    }
    if (digits == 0)
        return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        int eneg = 0, ed = 0, e = 0;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            if (e < 1000)
                e = 10 * e + (s[i] - '0');
            i++, ed++;
        }
        if (ed == 0)
            return 0; /* strtod would stop before the 'e': the caller refuses it */
        scale += eneg ? -e : e;
    }
    if (i != n || scale < -22 || scale > 22)
        return 0;
    double x = (double)w; /* exact: w < 10^15 < 2^53 */
    x = scale < 0 ? x / pow10_exact[-scale] : x * pow10_exact[scale];
    *v = neg ? -x : x;
    return 1;
}
