/* eval.c - the bytecode interpreter: each instruction is one loop over GS_LANES subjects
 * (structure-of-arrays rows), so the dispatch is paid once per 32 subjects and the loops
 * vectorise; and its forward-mode derivative (tangents of every register). */
#include <math.h>

#include "model_int.h"

#define L GS_LANES

#ifdef GS_TARGET_CLONES
#define GS_HOT __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define GS_HOT
#endif

#define LOOP2(expr)                                                                                \
    do {                                                                                           \
        double *restrict d = rows[in->dst];                                                        \
        const double *restrict a = rows[in->a], *restrict b = rows[in->b];                         \
        (void)b;                                                                                   \
        for (int l = 0; l < N; l++)                                                                \
            d[l] = (expr);                                                                         \
    } while (0)

#define INTERP                                                                                     \
    for (size_t i = 0; i < p->n; i++) {                                                            \
        const struct mf_ins *in = &p->ins[i];                                                      \
        switch (in->op) {                                                                          \
        case MF_ADD:                                                                               \
            LOOP2(a[l] + b[l]);                                                                    \
            break;                                                                                 \
        case MF_SUB:                                                                               \
            LOOP2(a[l] - b[l]);                                                                    \
            break;                                                                                 \
        case MF_MUL:                                                                               \
            LOOP2(a[l] * b[l]);                                                                    \
            break;                                                                                 \
        case MF_DIV:                                                                               \
            LOOP2(a[l] / b[l]);                                                                    \
            break;                                                                                 \
        case MF_NEG:                                                                               \
            LOOP2(-a[l]);                                                                          \
            break;                                                                                 \
        case MF_POW:                                                                               \
            LOOP2(pow(a[l], b[l]));                                                                \
            break;                                                                                 \
        case MF_EXP:                                                                               \
            LOOP2(exp(a[l]));                                                                      \
            break;                                                                                 \
        case MF_LOG:                                                                               \
            LOOP2(log(a[l]));                                                                      \
            break;                                                                                 \
        case MF_SQRT:                                                                              \
            LOOP2(sqrt(a[l]));                                                                     \
            break;                                                                                 \
        case MF_MIN:                                                                               \
            LOOP2(a[l] < b[l] ? a[l] : b[l]);                                                      \
            break;                                                                                 \
        case MF_MAX:                                                                               \
            LOOP2(a[l] > b[l] ? a[l] : b[l]);                                                      \
            break;                                                                                 \
        case MF_ABS:                                                                               \
            LOOP2(fabs(a[l]));                                                                     \
            break;                                                                                 \
        }                                                                                          \
    }

GS_HOT void mf_eval(const struct mf_prog *p, double *const *rows)
{
    enum { N = L };
    INTERP
}

void mf_eval1(const struct mf_prog *p, double *const *rows)
{
    enum { N = 1 };
    INTERP
}

/* Tangent rules: d(a+b) = da+db, d(ab) = a db + b da, d(a/b) = (da - (a/b) db)/b,
 * d(a^b) = b a^(b-1) da + a^b log(a) db (the second term only where db != 0, so 0^b is fine),
 * d exp(a) = exp(a) da, d log(a) = da/a, d sqrt(a) = da/(2 sqrt(a)), min/max/abs by branch. */
void mf_tangent(const struct mf_prog *p, double *const *rows, double *const *trows)
{
    for (size_t i = 0; i < p->n; i++) {
        const struct mf_ins *in = &p->ins[i];
        const double *a = rows[in->a], *b = rows[in->b], *d = rows[in->dst];
        const double *ta = trows[in->a], *tb = trows[in->b];
        double *td = trows[in->dst];
        for (int l = 0; l < L; l++) {
            double v = 0.0;
            switch (in->op) {
            case MF_ADD:
                v = ta[l] + tb[l];
                break;
            case MF_SUB:
                v = ta[l] - tb[l];
                break;
            case MF_MUL:
                v = ta[l] * b[l] + a[l] * tb[l];
                break;
            case MF_DIV:
                v = (ta[l] - d[l] * tb[l]) / b[l];
                break;
            case MF_NEG:
                v = -ta[l];
                break;
            case MF_POW:
                v = (ta[l] != 0.0 ? b[l] * pow(a[l], b[l] - 1.0) * ta[l] : 0.0) +
                    (tb[l] != 0.0 ? d[l] * log(a[l]) * tb[l] : 0.0);
                break;
            case MF_EXP:
                v = d[l] * ta[l];
                break;
            case MF_LOG:
                v = ta[l] / a[l];
                break;
            case MF_SQRT:
                v = ta[l] / (2.0 * d[l]);
                break;
            case MF_MIN:
                v = a[l] < b[l] ? ta[l] : tb[l];
                break;
            case MF_MAX:
                v = a[l] > b[l] ? ta[l] : tb[l];
                break;
            case MF_ABS:
                v = a[l] < 0.0 ? -ta[l] : ta[l];
                break;
            }
            td[l] = v;
        }
    }
}
