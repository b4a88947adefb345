/* bytecode.c - building the register programs of a model file, and the model's accessors. */
#include <string.h>

#include "gabasim/alloc.h"
#include "model_int.h"

int mf_prog_emit(struct mf_prog *p, int op, unsigned dst, unsigned a, unsigned b)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 32;
        struct mf_ins *n = gs_realloc(p->ins, cap * sizeof *n);
        if (!n)
            return -1;
        p->ins = n;
        p->cap = cap;
    }
    p->ins[p->n++] = (struct mf_ins){(uint8_t)op, (uint16_t)dst, (uint16_t)a, (uint16_t)b};
    return 0;
}

void mf_prog_free(struct mf_prog *p)
{
    gs_free(p->ins);
    p->ins = NULL;
    p->n = p->cap = 0;
}

/* Broadcast rows of the constants, read by every lane of every evaluation. */
int mf_finish_constants(struct gs_model_file *m)
{
    m->konst_rows = gs_calloc(m->n_const + 1, sizeof *m->konst_rows);
    if (!m->konst_rows)
        return -1;
    for (size_t i = 0; i < m->n_const; i++)
        for (int l = 0; l < GS_LANES; l++)
            m->konst_rows[i][l] = m->konst[i];
    return 0;
}

void gs_model_file_free(gs_model_file *m)
{
    if (!m)
        return;
    mf_structure_release(m);
    for (size_t i = 0; i < m->n_par; i++)
        gs_free(m->par[i].text);
    for (size_t i = 0; i < m->n_cov; i++)
        gs_free(m->cov[i].text);
    mf_prog_free(&m->main);
    mf_prog_free(&m->ode);
    mf_prog_free(&m->out);
    gs_free(m->konst);
    gs_free(m->konst_rows);
    gs_free(m->omega);
    gs_free(m->title);
    gs_free(m->source);
    gs_free(m->origin);
    gs_free(m);
}

const char *gs_model_file_title(const gs_model_file *m)
{
    return m->title ? m->title : "";
}

const char *gs_model_file_source(const gs_model_file *m)
{
    return m->source ? m->source : "";
}

size_t gs_model_file_count(const gs_model_file *m, enum gs_mf_kind kind)
{
    switch (kind) {
    case GS_MF_PARAM:
        return m->n_par;
    case GS_MF_COV:
        return m->n_cov;
    case GS_MF_ETA:
        return m->n_eta;
    case GS_MF_CMT:
        return m->n_cmt;
    case GS_MF_OUTPUT:
        return m->n_out;
    }
    return 0;
}

const char *gs_model_file_name(const gs_model_file *m, enum gs_mf_kind kind, size_t i)
{
    if (i >= gs_model_file_count(m, kind))
        return NULL;
    switch (kind) {
    case GS_MF_PARAM:
        return m->par[i].name;
    case GS_MF_COV:
        return m->cov[i].name;
    case GS_MF_ETA:
        return m->eta[i];
    case GS_MF_CMT:
        return m->cmt[i];
    case GS_MF_OUTPUT:
        return m->outname[i];
    }
    return NULL;
}

int gs_model_file_index(const gs_model_file *m, enum gs_mf_kind kind, const char *name)
{
    size_t n = gs_model_file_count(m, kind);
    for (size_t i = 0; i < n; i++)
        if (strcmp(gs_model_file_name(m, kind, i), name) == 0)
            return (int)i;
    return -1;
}

double gs_model_file_value(const gs_model_file *m, enum gs_mf_kind kind, size_t i)
{
    if (kind == GS_MF_PARAM && i < m->n_par)
        return m->par[i].value;
    if (kind == GS_MF_COV && i < m->n_cov)
        return m->cov[i].value;
    return 0.0;
}

const char *gs_model_file_unit(const gs_model_file *m, enum gs_mf_kind kind, size_t i)
{
    if (kind == GS_MF_PARAM && i < m->n_par)
        return m->par[i].unit;
    if (kind == GS_MF_COV && i < m->n_cov)
        return m->cov[i].unit;
    return "";
}

void gs_model_file_omega(const gs_model_file *m, double *cov)
{
    if (m->n_eta)
        memcpy(cov, m->omega, m->n_eta * m->n_eta * sizeof(double));
}

void gs_model_file_residual(const gs_model_file *m, double *additive, double *proportional)
{
    *additive = m->res_add;
    *proportional = m->res_prop;
}

size_t gs_model_file_ode_size(const gs_model_file *m)
{
    return m->ode.n;
}
