/* test_model_lane.c - the lane-program compiler (src/model/lane.c): fused, dead-code-free
 * programs with reused work rows give bit-for-bit what the plain register interpreter gives. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

/* a test of src/model internals: the lane compiler is private to the module */
#include "../../src/model/model_int.h"

#define L GS_LANES

enum { N_IN = 8, N_INS = 60, N_OUT = 5, N_REG = N_IN + N_INS };

static uint64_t rng = 88172645463325252ull;

static unsigned next(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static int same(double a, double b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

/* Random programs over 8 inputs (3 constant rows, 5 input rows), most operands recent results
 * (chains of single-use values, as expressions give), outputs that are results, inputs or
 * the same register twice. */
static void random_programs(void **state)
{
    (void)state;
    static const int ops[] = {MF_ADD, MF_SUB, MF_MUL, MF_DIV, MF_NEG, MF_POW,
                              MF_EXP, MF_LOG, MF_MIN, MF_MAX, MF_ABS, MF_SQRT};
    static double rows[N_REG][L], dy[N_OUT][L], in[N_IN][L];
    double *rp[N_REG];
    size_t fused_total = 0, src_total = 0;
    for (int trial = 0; trial < 400; trial++) {
        struct mf_prog p = {0};
        for (int r = 0; r < N_IN; r++)
            for (int l = 0; l < L; l++)
                in[r][l] = rows[r][l] =
                    (r < 3 ? 0.5 + r : 0.1 + next(1000) / 250.0) * (next(8) ? 1.0 : -1.0);
        for (int r = 0; r < N_REG; r++)
            rp[r] = rows[r];
        for (int i = 0; i < N_INS; i++) {
            unsigned d = N_IN + (unsigned)i;
            unsigned a = next(3) ? d - 1 - next(d < 4 ? d : 4) : next(d);
            unsigned b = next(2) ? d - 1 - next(d < 3 ? d : 3) : next(d);
            int op = ops[next(sizeof ops / sizeof ops[0])];
            assert_int_equal(mf_prog_emit(&p, op, d, a, b), 0);
        }
        uint16_t out_reg[N_OUT];
        uint32_t out_loc[N_OUT];
        for (int k = 0; k < N_OUT; k++) {
            out_reg[k] = (uint16_t)(k == 4   ? out_reg[0]
                                    : k == 3 ? next(N_IN)
                                             : N_REG - 1 - next(12));
            out_loc[k] = MF_LOC(MF_B_DY, k);
        }
        uint32_t loc[N_REG];
        for (int r = 0; r < N_REG; r++)
            loc[r] = r < 3      ? MF_LOC(MF_B_CONST, r)
                     : r < N_IN ? MF_LOC(MF_B_IN, r - 3)
                                : MF_LOC_NONE;
        struct mf_lprog lp;
        assert_int_equal(mf_lane_compile(&p, N_REG, loc, out_reg, out_loc, N_OUT, &lp), 0);
        mf_eval(&p, rp);
        static double work[N_INS][L];
        memset(dy, 0, sizeof dy);
        double *const base[MF_N_BASES] = {in[0], in[3], NULL, dy[0], work[0], NULL};
        mf_leval(&lp, base);
        for (int k = 0; k < N_OUT; k++)
            for (int l = 0; l < L; l++)
                if (!same(dy[k][l], rows[out_reg[k]][l]))
                    fail_msg("trial %d output %d (register %u) lane %d: %.17g, expected %.17g",
                             trial, k, out_reg[k], l, dy[k][l], rows[out_reg[k]][l]);
        /* inputs are never written */
        for (int r = 0; r < N_IN; r++)
            for (int l = 0; l < L; l++)
                assert_true(same(in[r][l], rows[r][l]));
        assert_true(lp.n_work <= N_INS);
        fused_total += lp.n;
        src_total += p.n;
        mf_lprog_free(&lp);
        mf_prog_free(&p);
    }
    /* dead code is dropped and pairs fused: far fewer instructions than the source */
    assert_true(fused_total < src_total * 3 / 4);
}

/* The forms a PK right-hand side has, fused as intended: k1*A - k2*B is one instruction, a
 * long sum reuses two work rows, and a register without a location is refused. */
static void shapes(void **state)
{
    (void)state;
    struct mf_prog p = {0};
    /* registers: 0 k1, 1 A, 2 k2, 3 B; 4 = k1*A, 5 = k2*B, 6 = 4 - 5 */
    mf_prog_emit(&p, MF_MUL, 4, 0, 1);
    mf_prog_emit(&p, MF_MUL, 5, 2, 3);
    mf_prog_emit(&p, MF_SUB, 6, 4, 5);
    uint32_t loc[7] = {MF_LOC(MF_B_IN, 0), MF_LOC(MF_B_Y, 0), MF_LOC(MF_B_IN, 1), MF_LOC(MF_B_Y, 1),
                       MF_LOC_NONE,        MF_LOC_NONE,       MF_LOC_NONE};
    uint16_t out = 6;
    uint32_t ol = MF_LOC(MF_B_DY, 0);
    struct mf_lprog lp;
    assert_int_equal(mf_lane_compile(&p, 7, loc, &out, &ol, 1, &lp), 0);
    assert_int_equal(lp.n, 1);
    assert_int_equal(lp.n_work, 0);
    double pin[2][L], y[2][L], dy[1][L];
    for (int l = 0; l < L; l++) {
        pin[0][l] = 0.3 + l;
        pin[1][l] = 0.7;
        y[0][l] = 10 - l;
        y[1][l] = 2 * l;
    }
    double *const base[MF_N_BASES] = {NULL, pin[0], y[0], dy[0], NULL, NULL};
    mf_leval(&lp, base);
    for (int l = 0; l < L; l++)
        assert_true(same(dy[0][l], pin[0][l] * y[0][l] - pin[1][l] * y[1][l]));
    mf_lprog_free(&lp);
    /* s = x0 + x1 + ... + x9 with each xi = k * yi: rows are reused */
    mf_prog_free(&p);
    uint32_t loc2[40];
    for (int r = 0; r < 40; r++)
        loc2[r] = r == 0 ? MF_LOC(MF_B_IN, 0) : r <= 10 ? MF_LOC(MF_B_Y, 0) : MF_LOC_NONE;
    unsigned acc = 11, r = 12;
    mf_prog_emit(&p, MF_MUL, acc, 0, 1);
    for (unsigned i = 2; i <= 10; i++, r += 2) {
        mf_prog_emit(&p, MF_MUL, r, 0, i);
        mf_prog_emit(&p, MF_ADD, r + 1, acc, r);
        acc = r + 1;
    }
    out = (uint16_t)acc;
    assert_int_equal(mf_lane_compile(&p, 40, loc2, &out, &ol, 1, &lp), 0);
    assert_true(lp.n_work <= 2);
    assert_int_equal(lp.n, 9); /* the first sum absorbs both products, the others one */
    mf_lprog_free(&lp);
    /* an input without a location */
    loc2[5] = MF_LOC_NONE;
    assert_int_equal(mf_lane_compile(&p, 40, loc2, &out, &ol, 1, &lp), -1);
    mf_prog_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_programs),
        cmocka_unit_test(shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
