/* lane.c - compiling a register program into a lane program (model_int.h): dead instructions
 * dropped, pairs of operations fused where the intermediate is used once, operands bound to
 * rows of the caller's base arrays, and work rows reused once their register is dead. */
#include <string.h>

#include "gabasim/alloc.h"
#include "model_int.h"

/* Index of an operation as the inner (op1) or outer (op2) half of a fused pair, or -1. */
static int op1_index(int op)
{
    switch (op) {
    case MF_ADD:
        return 0;
    case MF_SUB:
        return 1;
    case MF_MUL:
        return 2;
    case MF_DIV:
        return 3;
    case MF_NEG:
        return 4;
    case MF_MIN:
        return 5;
    case MF_MAX:
        return 6;
    case MF_ABS:
        return 7;
    }
    return -1;
}

static int op2_index(int op)
{
    return op == MF_NEG ? 4 : op <= MF_DIV ? op : -1;
}

static int is_unary(int op)
{
    return op == MF_NEG || op == MF_EXP || op == MF_LOG || op == MF_SQRT || op == MF_ABS ||
           op == MF_LMOV;
}

struct rins {
    int op; /* -1: dropped (dead, or fused into its consumer) */
    unsigned dst, a, b, c, e;
    uint32_t dloc; /* where the result goes; MF_LOC_NONE: a work row */
};

void mf_lprog_free(struct mf_lprog *p)
{
    gs_free(p->ins);
    p->ins = NULL;
    p->n = p->n_work = 0;
}

int mf_lane_compile(const struct mf_prog *src, size_t n_regs, const uint32_t *loc,
                    const uint16_t *out_reg, const uint32_t *out_loc, size_t n_out,
                    struct mf_lprog *dst)
{
    size_t n = src->n, cap = n + n_out + 1;
    int rc = -1;
    struct rins *ri = gs_calloc(cap, sizeof *ri);
    long *def = gs_calloc(n_regs + 1, sizeof *def), *last = gs_calloc(n_regs + 1, sizeof *last);
    unsigned *uses = gs_calloc(n_regs + 1, sizeof *uses), *freel = NULL;
    uint32_t *where = gs_calloc(n_regs + 1, sizeof *where);
    unsigned char *live = gs_calloc(n_regs + 1, 1), *bound = gs_calloc(n_regs + 1, 1);
    memset(dst, 0, sizeof *dst);
    if (!ri || !def || !last || !uses || !where || !live || !bound)
        goto done;
    for (size_t r = 0; r <= n_regs; r++) {
        def[r] = -1;
        where[r] = loc && r < n_regs ? loc[r] : MF_LOC_NONE;
    }
    for (size_t i = 0; i < n; i++) {
        const struct mf_ins *in = &src->ins[i];
        if (in->dst >= n_regs || in->a >= n_regs || in->b >= n_regs)
            goto done;
        def[in->dst] = (long)i;
        unsigned b = is_unary(in->op) ? in->a : in->b;
        ri[i] = (struct rins){in->op, in->dst, in->a, b, in->a, in->a, MF_LOC_NONE};
    }
    /* live registers, backwards from the outputs */
    for (size_t k = 0; k < n_out; k++)
        if (out_reg[k] < n_regs)
            live[out_reg[k]] = 1;
    for (size_t i = n; i-- > 0;)
        if (live[ri[i].dst]) {
            live[ri[i].a] = live[ri[i].b] = 1;
        } else {
            ri[i].op = -1; /* dead */
        }
    for (size_t i = 0; i < n; i++)
        if (ri[i].op >= 0) {
            uses[ri[i].a]++;
            if (!is_unary(ri[i].op))
                uses[ri[i].b]++;
        }
    for (size_t k = 0; k < n_out; k++)
        if (out_reg[k] < n_regs)
            uses[out_reg[k]] += 2; /* never fused away */
    /* fuse an operand's single-use definition into its consumer (both operands' when both
     * are single-use +, -, *, / or negations) */
    for (size_t i = 0; i < n; i++) {
        struct rins *I = &ri[i];
        int i2 = I->op >= 0 ? op2_index(I->op) : -1, i1s[2] = {-1, -1};
        long js[2] = {-1, -1};
        for (int side = 0; i2 >= 0 && side < (i2 == 4 ? 1 : 2); side++) {
            unsigned x = side ? I->b : I->a;
            long j = def[x];
            if (j < 0 || uses[x] != 1 || ri[j].op < 0 || ri[j].op >= MF_FUSED)
                continue;
            js[side] = j;
            i1s[side] = op1_index(ri[j].op);
        }
        if (i2 >= 0 && i2 < 4 && i1s[0] >= 0 && i1s[0] < 5 && i1s[1] >= 0 && i1s[1] < 5 &&
            js[0] != js[1]) {
            const struct rins *J = &ri[js[0]], *K = &ri[js[1]];
            *I = (struct rins){MF_FUSED2 + (i1s[0] * 4 + i2) * 5 + i1s[1],
                               I->dst,
                               J->a,
                               J->b,
                               K->a,
                               K->b,
                               MF_LOC_NONE};
            ri[js[0]].op = ri[js[1]].op = -1;
            continue;
        }
        for (int side = 0; side < 2; side++) {
            long j = js[side];
            if (j < 0 || i1s[side] < 0)
                continue;
            unsigned other = side ? I->a : I->b;
            *I = (struct rins){MF_FUSED + (i1s[side] * 5 + i2) * 2 + side,
                               I->dst,
                               ri[j].a,
                               ri[j].b,
                               i2 == 4 ? ri[j].a : other,
                               i2 == 4 ? ri[j].a : other,
                               MF_LOC_NONE};
            ri[j].op = -1;
            break;
        }
    }
    /* outputs: the defining instruction writes in place; otherwise a copy at the end */
    size_t m = n;
    for (size_t k = 0; k < n_out; k++) {
        unsigned r = out_reg[k];
        if (r >= n_regs)
            goto done;
        if (def[r] >= 0 && !bound[r]) {
            ri[def[r]].dloc = where[r] = out_loc[k];
            bound[r] = 1;
        } else {
            ri[m++] = (struct rins){MF_LMOV, (unsigned)n_regs, r, r, r, r, out_loc[k]};
        }
    }
    /* last use of each register */
    for (size_t r = 0; r <= n_regs; r++)
        last[r] = -1;
    for (size_t i = 0; i < m; i++)
        if (ri[i].op >= 0)
            last[ri[i].a] = last[ri[i].b] = last[ri[i].c] = last[ri[i].e] = (long)i;
    dst->ins = gs_calloc(m + 1, sizeof *dst->ins);
    freel = gs_calloc(m + 1, sizeof *freel);
    if (!dst->ins || !freel)
        goto done;
    size_t n_free = 0;
    for (size_t i = 0; i < m; i++) {
        struct rins *I = &ri[i];
        if (I->op < 0)
            continue;
        uint32_t la = where[I->a], lb = where[I->b], lc = where[I->c], le = where[I->e],
                 ld = I->dloc;
        if (la == MF_LOC_NONE || lb == MF_LOC_NONE || lc == MF_LOC_NONE || le == MF_LOC_NONE)
            goto done;
        if (ld == MF_LOC_NONE) {
            unsigned row = n_free ? freel[--n_free] : (unsigned)dst->n_work++;
            ld = where[I->dst] = MF_LOC(MF_B_WORK, row);
        }
        /* rows whose register dies here are free for the next instructions (not this one's
         * result: the kernels' operands are restrict) */
        for (int o = 0; o < 4; o++) {
            unsigned r = o == 0 ? I->a : o == 1 ? I->b : o == 2 ? I->c : I->e;
            uint32_t lr = where[r];
            if (last[r] == (long)i && def[r] >= 0 && !bound[r] && (lr >> 24) == MF_B_WORK) {
                freel[n_free++] = lr & 0xffffffu;
                last[r] = -2;
            }
        }
        dst->ins[dst->n++] = (struct mf_lins){(uint8_t)I->op,
                                              (uint8_t)(ld >> 24),
                                              (uint8_t)(la >> 24),
                                              (uint8_t)(lb >> 24),
                                              (uint8_t)(lc >> 24),
                                              (uint8_t)(le >> 24),
                                              (ld & 0xffffffu) * GS_LANES,
                                              (la & 0xffffffu) * GS_LANES,
                                              (lb & 0xffffffu) * GS_LANES,
                                              (lc & 0xffffffu) * GS_LANES,
                                              (le & 0xffffffu) * GS_LANES};
    }
    rc = 0;
done:
    if (rc)
        mf_lprog_free(dst);
    gs_free(ri);
    gs_free(def);
    gs_free(last);
    gs_free(uses);
    gs_free(freel);
    gs_free(where);
    gs_free(live);
    gs_free(bound);
    return rc;
}
