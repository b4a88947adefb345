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

/* The lane program: each instruction one loop over the GS_LANES subjects, its operands rows of
 * the base arrays. Fused pairs: d = (a op1 b) op2 c (side 0) or c op2 (a op1 b) (side 1). */
#define E1_0(x, y) ((x) + (y))
#define E1_1(x, y) ((x) - (y))
#define E1_2(x, y) ((x) * (y))
#define E1_3(x, y) ((x) / (y))
#define E1_4(x, y) (-(x))
#define E1_5(x, y) ((x) < (y) ? (x) : (y))
#define E1_6(x, y) ((x) > (y) ? (x) : (y))
#define E1_7(x, y) (fabs(x))
#define E2_0(x, y) ((x) + (y))
#define E2_1(x, y) ((x) - (y))
#define E2_2(x, y) ((x) * (y))
#define E2_3(x, y) ((x) / (y))
#define E2_4(x, y) (-(x))

/* One kernel per case: restrict parameters (no run-time overlap checks; the compiler's lane
 * program never gives a result row that is also an operand), a fixed trip count. */
#define KDEF(name, expr)                                                                           \
    static inline void name(double *restrict d, const double *restrict a,                          \
                            const double *restrict b, const double *restrict c,                    \
                            const double *restrict e)                                              \
    {                                                                                              \
        (void)a, (void)b, (void)c, (void)e;                                                        \
        for (int l = 0; l < L; l++)                                                                \
            d[l] = (expr);                                                                         \
    }
KDEF(k_add, a[l] + b[l])
KDEF(k_sub, a[l] - b[l])
KDEF(k_mul, a[l] * b[l])
KDEF(k_div, a[l] / b[l])
KDEF(k_neg, -a[l])
KDEF(k_pow, pow(a[l], b[l]))
KDEF(k_exp, exp(a[l]))
KDEF(k_log, log(a[l]))
KDEF(k_sqrt, sqrt(a[l]))
KDEF(k_min, a[l] < b[l] ? a[l] : b[l])
KDEF(k_max, a[l] > b[l] ? a[l] : b[l])
KDEF(k_abs, fabs(a[l]))
KDEF(k_mov, a[l])
#define FDEF(i1, i2)                                                                               \
    KDEF(f##i1##i2##0, E2_##i2(E1_##i1(a[l], b[l]), c[l]))                                         \
    KDEF(f##i1##i2##1, E2_##i2(c[l], E1_##i1(a[l], b[l])))
#define FDEFS(i1) FDEF(i1, 0) FDEF(i1, 1) FDEF(i1, 2) FDEF(i1, 3) FDEF(i1, 4)
FDEFS(0)
FDEFS(1)
FDEFS(2)
FDEFS(3)
FDEFS(4)
FDEFS(5)
FDEFS(6)
FDEFS(7)
#define GDEF(i1, i2, i3) KDEF(g##i1##i2##i3, E2_##i2(E1_##i1(a[l], b[l]), E1_##i3(c[l], e[l])))
#define GDEF3(i1, i2)                                                                              \
    GDEF(i1, i2, 0) GDEF(i1, i2, 1) GDEF(i1, i2, 2) GDEF(i1, i2, 3) GDEF(i1, i2, 4)
#define GDEFS(i1) GDEF3(i1, 0) GDEF3(i1, 1) GDEF3(i1, 2) GDEF3(i1, 3)
GDEFS(0)
GDEFS(1)
GDEFS(2)
GDEFS(3)
GDEFS(4)

#define KCASE(op, fn)                                                                              \
    case op:                                                                                       \
        fn(d, a, b, c, e);                                                                         \
        break;
#define FCASE(i1, i2)                                                                              \
    KCASE(MF_FUSED + ((i1)*5 + (i2)) * 2, f##i1##i2##0)                                            \
    KCASE(MF_FUSED + ((i1)*5 + (i2)) * 2 + 1, f##i1##i2##1)
#define FCASES(i1)        FCASE(i1, 0) FCASE(i1, 1) FCASE(i1, 2) FCASE(i1, 3) FCASE(i1, 4)
#define GCASE(i1, i2, i3) KCASE(MF_FUSED2 + ((i1)*4 + (i2)) * 5 + (i3), g##i1##i2##i3)
#define GCASE3(i1, i2)                                                                             \
    GCASE(i1, i2, 0) GCASE(i1, i2, 1) GCASE(i1, i2, 2) GCASE(i1, i2, 3) GCASE(i1, i2, 4)
#define GCASES(i1) GCASE3(i1, 0) GCASE3(i1, 1) GCASE3(i1, 2) GCASE3(i1, 3)

GS_HOT void mf_leval(const struct mf_lprog *p, double *const *base)
{
    const struct mf_lins *in = p->ins, *end = p->ins + p->n;
    for (; in < end; in++) {
        double *d = base[in->kd] + in->d;
        const double *a = base[in->ka] + in->a, *b = base[in->kb] + in->b,
                     *c = base[in->kc] + in->c, *e = base[in->ke] + in->e;
        switch (in->op) {
            KCASE(MF_ADD, k_add)
            KCASE(MF_SUB, k_sub)
            KCASE(MF_MUL, k_mul)
            KCASE(MF_DIV, k_div)
            KCASE(MF_NEG, k_neg)
            KCASE(MF_POW, k_pow)
            KCASE(MF_EXP, k_exp)
            KCASE(MF_LOG, k_log)
            KCASE(MF_SQRT, k_sqrt)
            KCASE(MF_MIN, k_min)
            KCASE(MF_MAX, k_max)
            KCASE(MF_ABS, k_abs)
            KCASE(MF_LMOV, k_mov)
            FCASES(0)
            FCASES(1)
            FCASES(2)
            FCASES(3)
            FCASES(4)
            FCASES(5)
            FCASES(6)
            FCASES(7)
            GCASES(0)
            GCASES(1)
            GCASES(2)
            GCASES(3)
            GCASES(4)
        }
    }
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
