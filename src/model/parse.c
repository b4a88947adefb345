/* parse.c - the model-file language (docs/model-files.md) into bytecode.
 *
 * Blocks start with '$NAME' at the start of a line; '#' and '//' start comments. Expressions are
 * compiled as they are read (recursive descent, one register per result), so there is no tree.
 * Every error is one line: "FILE:LINE:COL: found 'TOKEN'; expected WHAT".
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/datafile.h"
#include "model_int.h"

enum tok { T_END, T_EOL, T_NUM, T_ID, T_OP, T_BLOCK, T_COLON };
enum block {
    B_NONE,
    B_PROB,
    B_SOURCE,
    B_PARAM,
    B_COV,
    B_CMT,
    B_OMEGA,
    B_MAIN,
    B_ODE,
    B_OUT,
    B_ERR
};

struct var {
    char name[MF_NAME_LEN];
    unsigned reg;
};

struct ps {
    const char *s, *end, *origin;
    size_t line, col;
    /* current token */
    enum tok t;
    const char *tp;
    size_t tlen, tline, tcol;
    double num;
    enum block blk;
    struct gs_model_file *m;
    struct gs_error *err;
    gs_status st;
    struct var vars[MF_MAX_NAMES * 2];
    size_t n_vars;
    double consts[MF_MAX_REGS];
    size_t n_consts;
    size_t n_work; /* work registers, numbered from MF_MAX_REGS down to keep them apart */
    struct mf_prog *prog;
    int seen[16];
};

static gs_status fail(struct ps *p, const char *expected)
{
    if (p->st)
        return p->st;
    char tok[40];
    if (p->t == T_END)
        snprintf(tok, sizeof tok, "end of file");
    else if (p->t == T_EOL)
        snprintf(tok, sizeof tok, "end of line");
    else
        snprintf(tok, sizeof tok, "'%.*s'", (int)(p->tlen > 30 ? 30 : p->tlen), p->tp);
    p->st = gs_error_set(p->err, GS_INPUT, "model", "%s:%zu:%zu: found %s; expected %s", p->origin,
                         p->tline, p->tcol, tok, expected);
    return p->st;
}

static gs_status failf(struct ps *p, const char *what, const char *name)
{
    if (p->st)
        return p->st;
    p->st = gs_error_set(p->err, GS_INPUT, "model", "%s:%zu:%zu: '%.40s' %s", p->origin, p->tline,
                         p->tcol, name, what);
    return p->st;
}

static void adv(struct ps *p, size_t n)
{
    for (size_t i = 0; i < n && p->s < p->end; i++, p->s++) {
        if (*p->s == '\n') {
            p->line++;
            p->col = 1;
        } else {
            p->col++;
        }
    }
}

/* Skips blanks and comments, not newlines. */
static void blanks(struct ps *p)
{
    for (;;) {
        while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\r'))
            adv(p, 1);
        if (p->s < p->end &&
            (*p->s == '#' || (*p->s == '/' && p->s + 1 < p->end && p->s[1] == '/'))) {
            while (p->s < p->end && *p->s != '\n')
                adv(p, 1);
            continue;
        }
        return;
    }
}

static void next(struct ps *p)
{
    blanks(p);
    p->tp = p->s;
    p->tline = p->line;
    p->tcol = p->col;
    p->tlen = 1;
    if (p->s >= p->end) {
        p->t = T_END;
        p->tlen = 0;
        return;
    }
    char c = *p->s;
    if (c == '\n') {
        p->t = T_EOL;
        adv(p, 1);
        return;
    }
    if (c == '$' || isalpha((unsigned char)c) || c == '_') {
        const char *q = p->s + 1;
        while (q < p->end && (isalnum((unsigned char)*q) || *q == '_'))
            q++;
        p->tlen = (size_t)(q - p->s);
        p->t = c == '$' ? T_BLOCK : T_ID;
        adv(p, p->tlen);
        return;
    }
    if (isdigit((unsigned char)c) ||
        (c == '.' && p->s + 1 < p->end && isdigit((unsigned char)p->s[1]))) {
        char buf[64];
        const char *q = p->s;
        while (q < p->end && (isdigit((unsigned char)*q) || *q == '.'))
            q++;
        if (q < p->end && (*q == 'e' || *q == 'E')) {
            const char *r = q + 1;
            if (r < p->end && (*r == '+' || *r == '-'))
                r++;
            if (r < p->end && isdigit((unsigned char)*r)) {
                q = r;
                while (q < p->end && isdigit((unsigned char)*q))
                    q++;
            }
        }
        p->tlen = (size_t)(q - p->s);
        p->t = T_NUM;
        if (p->tlen >= sizeof buf) {
            p->num = NAN;
        } else {
            memcpy(buf, p->s, p->tlen);
            buf[p->tlen] = 0;
            char *e;
            p->num = strtod(buf, &e);
            if (*e)
                p->num = NAN;
        }
        adv(p, p->tlen);
        return;
    }
    p->t = c == ':' ? T_COLON : T_OP;
    if (c == '*' && p->s + 1 < p->end && p->s[1] == '*')
        p->tlen = 2;
    adv(p, p->tlen);
}

static int is_op(const struct ps *p, const char *op)
{
    return p->t == T_OP && p->tlen == strlen(op) && memcmp(p->tp, op, p->tlen) == 0;
}

static int tok_is(const struct ps *p, const char *w)
{
    return p->tlen == strlen(w) && memcmp(p->tp, w, p->tlen) == 0;
}

static void tok_name(const struct ps *p, char *buf)
{
    size_t n = p->tlen < MF_NAME_LEN - 1 ? p->tlen : MF_NAME_LEN - 1;
    memcpy(buf, p->tp, n);
    buf[n] = 0;
}

/* Rest of the line as text (trimmed), stopping at a comment; the newline is not consumed. */
static char *rest_of_line(struct ps *p)
{
    blanks(p);
    const char *a = p->s;
    while (p->s < p->end && *p->s != '\n' && *p->s != '#')
        adv(p, 1);
    const char *b = p->s;
    while (b > a && isspace((unsigned char)b[-1]))
        b--;
    char *t = gs_calloc((size_t)(b - a) + 1, 1);
    if (t)
        memcpy(t, a, (size_t)(b - a));
    return t;
}

static char *append_text(char *old, const char *add)
{
    size_t a = old ? strlen(old) : 0, b = strlen(add);
    char *t = gs_realloc(old, a + b + 2);
    if (!t) {
        gs_free(old);
        return NULL;
    }
    if (a && b)
        t[a++] = ' ';
    memcpy(t + a, add, b + 1);
    return t;
}

/* ---- names and registers ---- */

static int find_named(const struct mf_named *a, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(a[i].name, name) == 0)
            return (int)i;
    return -1;
}

static int find_plain(char (*a)[MF_NAME_LEN], size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(a[i], name) == 0)
            return (int)i;
    return -1;
}

static int declared(const struct gs_model_file *m, const char *name)
{
    return find_named(m->par, m->n_par, name) >= 0 || find_named(m->cov, m->n_cov, name) >= 0 ||
           find_plain((char(*)[MF_NAME_LEN])m->eta, m->n_eta, name) >= 0 ||
           find_plain((char(*)[MF_NAME_LEN])m->cmt, m->n_cmt, name) >= 0 || strcmp(name, "t") == 0;
}

/* Registers before finishing: constants are numbered 0.., inputs get placeholders
 * (MF_MAX_REGS + kind*MF_MAX_NAMES + i) renumbered in mf_finish_constants... kept simple: the
 * input groups are laid out when the first expression block starts (declarations come first). */
static int layout_done(const struct gs_model_file *m)
{
    return m->r_t != 0;
}

static gs_status layout(struct ps *p)
{
    struct gs_model_file *m = p->m;
    if (layout_done(m))
        return GS_OK;
    /* constants live at [0, MF_MAX_CONST); inputs after them */
    m->r_par = 1024;
    m->r_cov = m->r_par + m->n_par;
    m->r_eta = m->r_cov + m->n_cov;
    m->r_cmt = m->r_eta + m->n_eta;
    m->r_t = m->r_cmt + m->n_cmt;
    m->n_reg = m->r_t + 1;
    return GS_OK;
}

static unsigned konst(struct ps *p, double v)
{
    for (size_t i = 0; i < p->n_consts; i++)
        if (memcmp(&p->consts[i], &v, sizeof v) == 0)
            return (unsigned)i;
    if (p->n_consts >= 1024) {
        fail(p, "fewer than 1024 distinct numbers in the model");
        return 0;
    }
    p->consts[p->n_consts] = v;
    return (unsigned)p->n_consts++;
}

static unsigned emit(struct ps *p, int op, unsigned a, unsigned b)
{
    if (p->st)
        return 0;
    if (p->m->n_reg >= MF_MAX_REGS) {
        fail(p, "a smaller model (at most 4000 registers)");
        return 0;
    }
    unsigned d = (unsigned)p->m->n_reg++;
    if (mf_prog_emit(p->prog, op, d, a, b)) {
        p->st = gs_error_set(p->err, GS_NOMEM, "model", "out of memory");
        return 0;
    }
    return d;
}

static struct var *lookup_var(struct ps *p, const char *name)
{
    for (size_t i = p->n_vars; i-- > 0;)
        if (strcmp(p->vars[i].name, name) == 0)
            return &p->vars[i];
    return NULL;
}

static int resolve(struct ps *p, const char *name, unsigned *reg)
{
    struct gs_model_file *m = p->m;
    struct var *v = lookup_var(p, name);
    int i;
    if (v) {
        *reg = v->reg;
        return 1;
    }
    if ((i = find_named(m->par, m->n_par, name)) >= 0)
        *reg = (unsigned)(m->r_par + (size_t)i);
    else if ((i = find_named(m->cov, m->n_cov, name)) >= 0)
        *reg = (unsigned)(m->r_cov + (size_t)i);
    else if ((i = find_plain(m->eta, m->n_eta, name)) >= 0)
        *reg = (unsigned)(m->r_eta + (size_t)i);
    else if ((i = find_plain(m->cmt, m->n_cmt, name)) >= 0) {
        if (p->blk == B_MAIN)
            return -1;
        *reg = (unsigned)(m->r_cmt + (size_t)i);
    } else if (strcmp(name, "t") == 0) {
        if (p->blk == B_MAIN)
            return -1;
        if (p->blk == B_ODE)
            m->uses_t_in_ode = 1;
        *reg = (unsigned)m->r_t;
    } else if (strcmp(name, "pi") == 0)
        *reg = konst(p, 3.14159265358979323846);
    else
        return 0;
    return 1;
}

/* ---- expressions ---- */

static unsigned expr(struct ps *p, int depth);

static const struct {
    const char *name;
    int op, nargs;
} funcs[] = {
    {"exp", MF_EXP, 1}, {"log", MF_LOG, 1}, {"sqrt", MF_SQRT, 1}, {"abs", MF_ABS, 1},
    {"pow", MF_POW, 2}, {"min", MF_MIN, 2}, {"max", MF_MAX, 2},
};

static unsigned primary(struct ps *p, int depth)
{
    if (p->st)
        return 0;
    if (depth > 200) {
        fail(p, "less deeply nested parentheses");
        return 0;
    }
    if (p->t == T_NUM) {
        if (!isfinite(p->num)) {
            fail(p, "a finite number");
            return 0;
        }
        unsigned r = konst(p, p->num);
        next(p);
        return r;
    }
    if (is_op(p, "(")) {
        next(p);
        unsigned r = expr(p, depth + 1);
        if (!p->st && !is_op(p, ")"))
            fail(p, "')'");
        next(p);
        return r;
    }
    if (p->t == T_ID) {
        char name[MF_NAME_LEN];
        tok_name(p, name);
        for (size_t f = 0; f < sizeof funcs / sizeof funcs[0]; f++) {
            if (strcmp(name, funcs[f].name) != 0)
                continue;
            next(p);
            if (!is_op(p, "(")) {
                fail(p, "'(' after a function name");
                return 0;
            }
            next(p);
            unsigned a = expr(p, depth + 1), b = 0;
            if (funcs[f].nargs == 2) {
                if (!p->st && !is_op(p, ","))
                    fail(p, "',' (this function takes two arguments)");
                next(p);
                b = expr(p, depth + 1);
            }
            if (!p->st && !is_op(p, ")"))
                fail(p, "')'");
            next(p);
            return emit(p, funcs[f].op, a, b);
        }
        unsigned r;
        int ok = resolve(p, name, &r);
        if (ok == 0) {
            fail(p, "a parameter, covariate, eta, compartment, 't' or a variable assigned above");
            return 0;
        }
        if (ok < 0) {
            fail(p, "a name $MAIN can use (compartment amounts and 't' are not known there)");
            return 0;
        }
        next(p);
        return r;
    }
    fail(p, "a number, a name, a function or '('");
    return 0;
}

static unsigned unary(struct ps *p, int depth);

static unsigned power(struct ps *p, int depth)
{
    unsigned a = primary(p, depth);
    if (!p->st && (is_op(p, "^") || is_op(p, "**"))) {
        next(p);
        unsigned b = unary(p, depth + 1); /* right associative: 2^-1, a^b^c = a^(b^c) */
        return emit(p, MF_POW, a, b);
    }
    return a;
}

static unsigned unary(struct ps *p, int depth)
{
    if (is_op(p, "-")) {
        next(p);
        unsigned a = unary(p, depth + 1);
        return emit(p, MF_NEG, a, 0);
    }
    if (is_op(p, "+")) {
        next(p);
        return unary(p, depth + 1);
    }
    if (depth > 200) {
        fail(p, "less deeply nested signs");
        return 0;
    }
    return power(p, depth);
}

static unsigned term(struct ps *p, int depth)
{
    unsigned a = unary(p, depth);
    while (!p->st && (is_op(p, "*") || is_op(p, "/"))) {
        int op = is_op(p, "*") ? MF_MUL : MF_DIV;
        next(p);
        unsigned b = unary(p, depth);
        a = emit(p, op, a, b);
    }
    return a;
}

static unsigned expr(struct ps *p, int depth)
{
    unsigned a = term(p, depth);
    while (!p->st && (is_op(p, "+") || is_op(p, "-"))) {
        int op = is_op(p, "+") ? MF_ADD : MF_SUB;
        next(p);
        unsigned b = term(p, depth);
        a = emit(p, op, a, b);
    }
    return a;
}

/* ---- blocks ---- */

static gs_status end_of_statement(struct ps *p)
{
    if (p->t != T_EOL && p->t != T_END && p->t != T_BLOCK)
        return fail(p, "end of line (one statement per line)");
    return GS_OK;
}

static int cmt_suffix(struct ps *p, const char *name, const char *prefix)
{
    size_t k = strlen(prefix);
    if (strncmp(name, prefix, k) != 0)
        return -1;
    return find_plain(p->m->cmt, p->m->n_cmt, name + k);
}

/* The compartment of 'CMT_0' (its initial amount), or -1. */
static int init_cmt(const struct gs_model_file *m, const char *name)
{
    size_t n = strlen(name);
    if (n < 3 || strcmp(name + n - 2, "_0") != 0)
        return -1;
    for (size_t i = 0; i < m->n_cmt; i++)
        if (strlen(m->cmt[i]) == n - 2 && strncmp(m->cmt[i], name, n - 2) == 0)
            return (int)i;
    return -1;
}

/* NAME = expr, in $MAIN, $ODE or $OUTPUT. */
static gs_status assignment(struct ps *p)
{
    struct gs_model_file *m = p->m;
    char name[MF_NAME_LEN];
    if (p->t != T_ID)
        return fail(p, "a name to assign ('NAME = expression')");
    if (p->tlen >= MF_NAME_LEN)
        return fail(p, "a name of at most 47 characters");
    tok_name(p, name);
    size_t nl = p->tline, nc = p->tcol;
    next(p);
    if (!is_op(p, "="))
        return fail(p, "'='");
    next(p);
    unsigned r = expr(p, 0);
    if (p->st || end_of_statement(p))
        return p->st;
    p->tline = nl;
    p->tcol = nc;
    int c;
    if (declared(m, name))
        return failf(p, "is a parameter, covariate, eta, compartment or 't'; assign another name",
                     name);
    if (p->blk == B_ODE && strncmp(name, "dxdt_", 5) == 0) {
        if ((c = cmt_suffix(p, name, "dxdt_")) < 0)
            return failf(p, "names no compartment of $CMT", name);
        m->r_dxdt[c] = (uint16_t)r;
    } else if (p->blk == B_ODE && strcmp(name, "LOSS") == 0) {
        m->r_loss = (uint16_t)r;
    } else if (p->blk == B_MAIN && ((c = cmt_suffix(p, name, "F_")) >= 0)) {
        m->r_f[c] = (uint16_t)r;
    } else if (p->blk == B_MAIN && ((c = cmt_suffix(p, name, "ALAG_")) >= 0)) {
        m->r_alag[c] = (uint16_t)r;
    } else if (p->blk == B_MAIN && ((c = cmt_suffix(p, name, "D_")) >= 0)) {
        m->r_dur[c] = (uint16_t)r;
    } else if (p->blk == B_MAIN && (c = init_cmt(m, name)) >= 0) {
        m->r_init[c] = (uint16_t)r;
    } else if (p->blk == B_OUT) {
        if (find_plain(m->outname, m->n_out, name) < 0) {
            if (m->n_out >= MF_MAX_NAMES)
                return failf(p, "is one output too many (at most 256)", name);
            snprintf(m->outname[m->n_out], MF_NAME_LEN, "%s", name);
            m->n_out++;
        }
        m->r_out[find_plain(m->outname, m->n_out, name)] = (uint16_t)r;
    }
    if (p->n_vars >= sizeof p->vars / sizeof p->vars[0])
        return failf(p, "is one variable too many (at most 512)", name);
    snprintf(p->vars[p->n_vars].name, MF_NAME_LEN, "%s", name);
    p->vars[p->n_vars++].reg = r;
    return GS_OK;
}

/* NAME = NUMBER UNIT [: description], in $PARAM, $COV and $ERROR. */
static gs_status declaration(struct ps *p, struct mf_named *a, size_t *n, const char *what)
{
    char name[MF_NAME_LEN];
    if (p->t != T_ID)
        return fail(p, "a name ('NAME = VALUE UNIT : source')");
    if (p->tlen >= MF_NAME_LEN)
        return fail(p, "a name of at most 47 characters");
    tok_name(p, name);
    if (declared(p->m, name) || (a && find_named(a, *n, name) >= 0) || strcmp(name, "pi") == 0)
        return failf(p, "is declared twice", name);
    if (p->blk == B_ERR && strcmp(name, "add") && strcmp(name, "prop"))
        return fail(p, "'add' or 'prop' in $ERROR");
    for (size_t f = 0; f < sizeof funcs / sizeof funcs[0]; f++)
        if (!strcmp(name, funcs[f].name))
            return failf(p, "is a function name; choose another", name);
    next(p);
    if (!is_op(p, "="))
        return fail(p, "'='");
    next(p);
    int neg = 0;
    if (is_op(p, "-")) {
        neg = 1;
        next(p);
    }
    if (p->t != T_NUM || !isfinite(p->num))
        return fail(p, "a number");
    double v = neg ? -p->num : p->num;
    blanks(p);
    const char *u = p->s;
    while (p->s < p->end && *p->s != ':' && *p->s != '\n' && *p->s != '#')
        adv(p, 1);
    const char *ue = p->s;
    while (ue > u && isspace((unsigned char)ue[-1]))
        ue--;
    if (ue == u) {
        p->tp = p->s;
        p->tlen = 1;
        p->tline = p->line;
        p->tcol = p->col;
        p->t = p->s < p->end && *p->s == ':' ? T_COLON : (p->s < p->end ? T_EOL : T_END);
        return fail(p, "a unit after the value (write 1 for a number without unit)");
    }
    if (ue - u >= 32) {
        p->tp = u;
        p->tlen = (size_t)(ue - u);
        p->tline = p->line;
        p->t = T_ID;
        return fail(p, "a unit of at most 31 characters");
    }
    char *text = NULL;
    if (p->s < p->end && *p->s == ':') {
        adv(p, 1);
        if (!(text = rest_of_line(p)))
            return p->st = gs_error_set(p->err, GS_NOMEM, "model", "out of memory");
    }
    if (p->blk == B_ERR) {
        if (v < 0) {
            gs_free(text);
            return failf(p, "is negative; a residual error is 0 or more", name);
        }
        if (!strcmp(name, "add")) {
            p->m->res_add = v;
            snprintf(p->m->res_unit, sizeof p->m->res_unit, "%.*s", (int)(ue - u), u);
        } else {
            p->m->res_prop = v;
        }
        gs_free(text);
    } else {
        if (*n >= MF_MAX_NAMES) {
            gs_free(text);
            return failf(p, "is one name too many (at most 256 per block)", name);
        }
        struct mf_named *e = &a[(*n)++];
        snprintf(e->name, MF_NAME_LEN, "%s", name);
        e->value = v;
        snprintf(e->unit, sizeof e->unit, "%.*s", (int)(ue - u), u);
        e->text = text;
    }
    (void)what;
    next(p);
    return end_of_statement(p);
}

static gs_status cmt_list(struct ps *p)
{
    struct gs_model_file *m = p->m;
    while (p->t == T_ID || is_op(p, ",")) {
        if (p->t == T_ID) {
            char name[MF_NAME_LEN];
            if (p->tlen >= MF_NAME_LEN)
                return fail(p, "a name of at most 47 characters");
            tok_name(p, name);
            if (declared(m, name))
                return failf(p, "is declared twice", name);
            if (m->n_cmt >= MF_MAX_NAMES)
                return failf(p, "is one compartment too many (at most 256)", name);
            snprintf(m->cmt[m->n_cmt++], MF_NAME_LEN, "%s", name);
        }
        next(p);
    }
    return end_of_statement(p);
}

/* ETA_NAME v1 ... vk: row k of the lower triangle (k numbers, the last the variance). */
static gs_status omega_row(struct ps *p, double *rows, size_t *n_rows)
{
    struct gs_model_file *m = p->m;
    char name[MF_NAME_LEN];
    if (p->t != T_ID)
        return fail(p, "an eta name and its row of omega ('ETA_CL 0.09')");
    if (p->tlen >= MF_NAME_LEN)
        return fail(p, "a name of at most 47 characters");
    tok_name(p, name);
    if (declared(m, name))
        return failf(p, "is declared twice", name);
    if (m->n_eta >= 64)
        return failf(p, "is one eta too many (at most 64)", name);
    size_t k = m->n_eta;
    snprintf(m->eta[m->n_eta++], MF_NAME_LEN, "%s", name);
    next(p);
    for (size_t j = 0; j <= k; j++) {
        if (p->t != T_NUM || !isfinite(p->num)) {
            char what[160];
            snprintf(what, sizeof what,
                     "%zu numbers after '%s' (row %zu of omega's lower triangle)", k + 1, name,
                     k + 1);
            return fail(p, what);
        }
        rows[k * 64 + j] = p->num;
        next(p);
    }
    if (rows[k * 64 + k] < 0)
        return failf(p, "has a negative variance", name);
    *n_rows = k + 1;
    if (p->t == T_COLON) {
        char *t = rest_of_line(p);
        gs_free(t);
        next(p);
    }
    return end_of_statement(p);
}

static const struct {
    const char *name;
    enum block b;
} blocks[] = {
    {"$PROB", B_PROB}, {"$PROBLEM", B_PROB}, {"$SOURCE", B_SOURCE}, {"$PARAM", B_PARAM},
    {"$COV", B_COV},   {"$CMT", B_CMT},      {"$OMEGA", B_OMEGA},   {"$MAIN", B_MAIN},
    {"$PK", B_MAIN},   {"$ODE", B_ODE},      {"$DES", B_ODE},       {"$OUTPUT", B_OUT},
    {"$TABLE", B_OUT}, {"$ERROR", B_ERR},
};

static gs_status run(struct ps *p)
{
    struct gs_model_file *m = p->m;
    double *rows = gs_calloc(64 * 64, sizeof(double));
    size_t n_rows = 0;
    if (!rows)
        return gs_error_set(p->err, GS_NOMEM, "model", "out of memory");
    int order[16] = {0};
    next(p);
    while (!p->st && p->t != T_END) {
        if (p->t == T_EOL) {
            next(p);
            continue;
        }
        if (p->t == T_BLOCK) {
            size_t b;
            for (b = 0; b < sizeof blocks / sizeof blocks[0]; b++)
                if (tok_is(p, blocks[b].name))
                    break;
            if (b == sizeof blocks / sizeof blocks[0]) {
                fail(p, "a block: $PROB $SOURCE $PARAM $COV $CMT $OMEGA $MAIN $ODE $OUTPUT $ERROR");
                break;
            }
            enum block nb = blocks[b].b;
            if (p->seen[nb] && nb != B_PROB && nb != B_SOURCE) {
                fail(p, "each block once");
                break;
            }
            p->seen[nb] = 1;
            if (nb == B_MAIN || nb == B_ODE || nb == B_OUT) {
                /* expressions see the declarations made before them */
                if (order[B_ODE] && nb == B_MAIN) {
                    fail(p, "$MAIN before $ODE");
                    break;
                }
                if (order[B_OUT] && (nb == B_MAIN || nb == B_ODE)) {
                    fail(p, "$MAIN and $ODE before $OUTPUT");
                    break;
                }
                layout(p);
                order[nb] = 1;
                p->prog = nb == B_MAIN ? &m->main : nb == B_ODE ? &m->ode : &m->out;
            } else if ((nb == B_PARAM || nb == B_COV || nb == B_CMT || nb == B_OMEGA) &&
                       layout_done(m)) {
                fail(p, "declarations ($PARAM $COV $CMT $OMEGA) before $MAIN, $ODE and $OUTPUT");
                break;
            }
            p->blk = nb;
            if (nb == B_PROB || nb == B_SOURCE) {
                char *t = rest_of_line(p);
                char **dst = nb == B_PROB ? &m->title : &m->source;
                if (!t || !(*dst = append_text(*dst, t))) {
                    gs_free(t);
                    p->st = gs_error_set(p->err, GS_NOMEM, "model", "out of memory");
                    break;
                }
                gs_free(t);
            }
            next(p);
            continue;
        }
        switch (p->blk) {
        case B_NONE:
            fail(p, "a block such as $PARAM first");
            break;
        case B_PROB:
        case B_SOURCE: {
            /* free text: take the line back from the token start */
            p->s = p->tp;
            p->line = p->tline;
            p->col = p->tcol;
            char *t = rest_of_line(p);
            char **dst = p->blk == B_PROB ? &m->title : &m->source;
            if (!t || !(*dst = append_text(*dst, t))) {
                gs_free(t);
                p->st = gs_error_set(p->err, GS_NOMEM, "model", "out of memory");
                break;
            }
            gs_free(t);
            next(p);
            break;
        }
        case B_PARAM:
            declaration(p, m->par, &m->n_par, "parameter");
            break;
        case B_COV:
            declaration(p, m->cov, &m->n_cov, "covariate");
            break;
        case B_ERR:
            declaration(p, NULL, NULL, "residual error");
            break;
        case B_CMT:
            cmt_list(p);
            break;
        case B_OMEGA:
            omega_row(p, rows, &n_rows);
            break;
        case B_MAIN:
        case B_ODE:
        case B_OUT:
            assignment(p);
            break;
        }
    }
    if (!p->st) {
        layout(p);
        if (p->seen[B_ODE] != 0 || m->n_cmt > 0)
            for (size_t c = 0; c < m->n_cmt; c++)
                if (m->r_dxdt[c] == MF_NOT_SET) {
                    p->st = gs_error_set(p->err, GS_INPUT, "model",
                                         "%s: compartment '%s' has no 'dxdt_%s = ...' in $ODE; "
                                         "expected one per compartment",
                                         p->origin, m->cmt[c], m->cmt[c]);
                    break;
                }
    }
    if (!p->st && m->n_cmt == 0 && m->n_out == 0)
        p->st = gs_error_set(p->err, GS_INPUT, "model",
                             "%s: the model has no compartments ($CMT) and no outputs ($OUTPUT); "
                             "expected at least one",
                             p->origin);
    if (!p->st && m->n_eta) {
        m->omega = gs_calloc(m->n_eta * m->n_eta, sizeof(double));
        if (!m->omega)
            p->st = gs_error_set(p->err, GS_NOMEM, "model", "out of memory");
        else
            for (size_t i = 0; i < m->n_eta; i++)
                for (size_t j = 0; j <= i; j++)
                    m->omega[i * m->n_eta + j] = m->omega[j * m->n_eta + i] = rows[i * 64 + j];
    }
    gs_free(rows);
    if (!p->st) {
        m->n_const = p->n_consts;
        m->konst = gs_calloc(p->n_consts + 1, sizeof(double));
        if (!m->konst)
            return p->st = gs_error_set(p->err, GS_NOMEM, "model", "out of memory");
        memcpy(m->konst, p->consts, p->n_consts * sizeof(double));
        if (mf_finish_constants(m))
            p->st = gs_error_set(p->err, GS_NOMEM, "model", "out of memory");
    }
    return p->st;
}

gs_status gs_model_file_parse(gs_model_file **out, const char *text, size_t len, const char *origin,
                              struct gs_error *err)
{
    *out = NULL;
    if (origin == NULL)
        origin = "model";
    if (len > MF_MAX_TEXT)
        return gs_error_set(err, GS_INPUT, "model", "%s: %zu bytes; allowed at most %u", origin,
                            len, MF_MAX_TEXT);
    if (memchr(text, 0, len))
        return gs_error_set(err, GS_INPUT, "model", "%s: contains a NUL byte; expected text",
                            origin);
    struct gs_model_file *m = gs_calloc(1, sizeof *m);
    struct ps *p = gs_calloc(1, sizeof *p);
    if (!m || !p || !(m->origin = gs_strdup(origin))) {
        gs_free(p);
        gs_model_file_free(m);
        return gs_error_set(err, GS_NOMEM, "model", "out of memory");
    }
    static _Atomic unsigned long long next_uid = 1;
    m->uid = next_uid++;
    memset(m->r_dxdt, 0xff, sizeof m->r_dxdt);
    memset(m->r_f, 0xff, sizeof m->r_f);
    memset(m->r_alag, 0xff, sizeof m->r_alag);
    memset(m->r_dur, 0xff, sizeof m->r_dur);
    memset(m->r_init, 0xff, sizeof m->r_init);
    m->r_loss = MF_NOT_SET;
    p->s = text;
    p->end = text + len;
    p->origin = m->origin;
    p->line = p->col = 1;
    p->m = m;
    p->err = err;
    gs_status st = run(p);
    gs_free(p);
    if (st) {
        gs_model_file_free(m);
        return st;
    }
    *out = m;
    return GS_OK;
}

gs_status gs_model_file_load(gs_model_file **out, const char *path, struct gs_error *err)
{
    char buf[4096];
    *out = NULL;
    size_t n = strlen(path);
    if (!strchr(path, '/') && strcmp(path, "-") != 0 &&
        !(n > 6 && !strcmp(path + n - 6, ".model"))) {
        const char *dir;
        gs_status st = gs_datafile_dir_find(&dir, err);
        if (st)
            return st;
        for (const char *c = path; *c; c++)
            if (!(isalnum((unsigned char)*c) || *c == '_' || *c == '-'))
                return gs_error_set(err, GS_INPUT, "--model",
                                    "'--model' is '%.64s'; allowed: a library model name (letters, "
                                    "digits, '-', '_') or a file path",
                                    path);
        snprintf(buf, sizeof buf, "%s/models/%s.model", dir, path);
        path = buf;
    }
    char *text;
    size_t len;
    gs_status st = gs_datafile_read(path, MF_MAX_TEXT, "model file", &text, &len, err);
    if (st)
        return st;
    st = gs_model_file_parse(out, text, len, gs_datafile_origin(path), err);
    gs_free(text);
    return st;
}
