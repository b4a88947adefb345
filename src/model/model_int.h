/* model_int.h - private to src/model: a parsed model file and its bytecode.
 *
 * Registers are rows of GS_LANES doubles (one per subject). Register numbers:
 *   [0, n_const)                constants (broadcast rows kept in the model)
 *   then one register per parameter, covariate, eta and compartment amount, then the time t,
 *   then work registers written by the programs (every instruction writes a fresh one: SSA).
 * Three programs share the register file: `main` (once per subject: covariate relations, random
 * effects, F_/ALAG_/D_ and initial amounts), `ode` (the derivatives) and `out` (derived outputs).
 */
#ifndef GABASIM_MODEL_INT_H
#define GABASIM_MODEL_INT_H

#include <stddef.h>
#include <stdint.h>

#include "gabasim/model.h"
#include "gabasim/model_file.h"

enum mf_op {
    MF_ADD,
    MF_SUB,
    MF_MUL,
    MF_DIV,
    MF_NEG,
    MF_POW,
    MF_EXP,
    MF_LOG,
    MF_SQRT,
    MF_MIN,
    MF_MAX,
    MF_ABS,
    MF_N_OPS
};

struct mf_ins {
    uint8_t op;
    uint16_t dst, a, b;
};

/* Lane programs: what the integrators run at every stage. Compiled from a register program
 * (mf_lane_compile): pairs of operations whose intermediate is used once are fused into one
 * instruction, d = (a op1 b) op2 c or c op2 (a op1 b), or (a op1 b) op2 (c op3 e) (the same
 * IEEE operations in the same order, so results are bit-identical), and each operand is a row of
 * one of a few base arrays given at each call (the parameters, the amounts and the derivatives in
 * place; work rows reused once dead), so there is no per-call register table and no copying of
 * results. */
enum mf_base { MF_B_CONST, MF_B_IN, MF_B_Y, MF_B_DY, MF_B_WORK, MF_B_FIX, MF_N_BASES };
#define MF_LOC(base, row) (((uint32_t)(base) << 24) | (uint32_t)(row))
#define MF_LOC_NONE       0xffffffffu
#define MF_LMOV           MF_N_OPS        /* d = a */
#define MF_FUSED          (MF_N_OPS + 1)  /* + (op1 index * 5 + op2 index) * 2 + side */
#define MF_FUSED2         (MF_FUSED + 80) /* + (op1 * 4 + op2) * 5 + op3: both operands fused */

struct mf_lins {
    uint8_t op, kd, ka, kb, kc, ke;
    uint32_t d, a, b, c, e; /* offsets in doubles from the base */
};

struct mf_lprog {
    struct mf_lins *ins;
    size_t n, n_work; /* instructions; work rows needed (base MF_B_WORK) */
};

struct mf_prog {
    struct mf_ins *ins;
    size_t n, cap;
};

#define MF_MAX_REGS  4000 /* fits uint16_t with room; a model file is small */
#define MF_MAX_NAMES 256  /* parameters, covariates, etas, compartments, variables each */
#define MF_MAX_TEXT  (1u << 20)
#define MF_NAME_LEN  48
#define MF_NOT_SET   0xffff

struct mf_named {
    char name[MF_NAME_LEN];
    double value; /* parameter value or covariate reference */
    char unit[32];
    char *text; /* description / source (owned) */
};

struct gs_model_file {
    unsigned long long uid; /* unique in the process: per-thread caches key on it */
    char *origin;
    char *title;  /* $PROB */
    char *source; /* $SOURCE */
    struct mf_named par[MF_MAX_NAMES], cov[MF_MAX_NAMES];
    char eta[MF_MAX_NAMES][MF_NAME_LEN];
    char cmt[MF_MAX_NAMES][MF_NAME_LEN];
    char outname[MF_MAX_NAMES][MF_NAME_LEN];
    size_t n_par, n_cov, n_eta, n_cmt, n_out;
    double *omega; /* n_eta x n_eta, full symmetric */
    double res_add, res_prop;
    char res_unit[32];
    /* registers */
    size_t n_const, n_reg;
    double *konst; /* n_const values */
    double (*konst_rows)[GS_LANES];
    size_t r_par, r_cov, r_eta, r_cmt, r_t; /* first register of each group */
    uint16_t r_dxdt[MF_MAX_NAMES];          /* register of dxdt_CMT (MF_NOT_SET: 0) */
    uint16_t r_f[MF_MAX_NAMES], r_alag[MF_MAX_NAMES], r_dur[MF_MAX_NAMES], r_init[MF_MAX_NAMES];
    uint16_t r_out[MF_MAX_NAMES];
    uint16_t r_loss; /* $ODE variable LOSS (MF_NOT_SET: none) */
    int uses_t_in_ode;
    struct mf_prog main, ode, out;
};

/* bytecode.c */
int mf_prog_emit(struct mf_prog *p, int op, unsigned dst, unsigned a, unsigned b);
void mf_prog_free(struct mf_prog *p);
int mf_finish_constants(struct gs_model_file *m);

/* eval.c: rows[r] points at register r's GS_LANES doubles (work rows included). */
void mf_eval(const struct mf_prog *p, double *const *rows);
/* The same for one lane (lane 0 of each row): the scalar right-hand side. */
void mf_eval1(const struct mf_prog *p, double *const *rows);
/* Forward-mode tangent of `p`: trows[r] holds d(register r)/d(seed) for every lane, given the
 * primal rows already evaluated; inputs' tangents are set by the caller. */
void mf_tangent(const struct mf_prog *p, double *const *rows, double *const *trows);

/* Compiles `src` (registers below n_regs) into a lane program. loc[r] is where an input
 * register (one src reads but does not write) lives: MF_LOC(base, row); each out_reg[k] is
 * written to out_loc[k] (registers not listed are temporaries). -1: out of memory or a register
 * without a location. */
int mf_lane_compile(const struct mf_prog *src, size_t n_regs, const uint32_t *loc,
                    const uint16_t *out_reg, const uint32_t *out_loc, size_t n_out,
                    struct mf_lprog *dst);
void mf_leval(const struct mf_lprog *p, double *const *base);
void mf_lprog_free(struct mf_lprog *p);

/* structure.c: forget the structure slot of a model being freed. */
void mf_structure_release(const struct gs_model_file *m);

#endif
