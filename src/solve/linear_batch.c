/* linear_batch.c - closed-form propagation of GS_LANES subjects at once, for populations of
 * linear structures.
 *
 * For a linear structure the state after a time step dt is a matrix times the state before:
 * y(t + dt) = M(dt) y(t). M(dt) comes from the structure's closed form applied to unit vectors,
 * once per subject and per distinct step length (a regular output grid and regular doses have
 * only a handful), and is then applied with multiply-adds across the lanes. Exact, like the
 * single-subject closed form; tested against it (tests/unit/test_rk_batch.c).
 */
#include <math.h>
#include <string.h>

#include "solve_int.h"

/* GS_HOT: compiled for AVX-512, AVX2 and the x86-64 baseline, the loader picking one for the CPU
 * (GCC function multiversioning; CMakeLists.txt defines GS_TARGET_CLONES). Byte-identical
 * results in each: the same operations in the same order, no fused multiply-add. */
#ifdef GS_TARGET_CLONES
#define GS_HOT __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define GS_HOT
#endif

#define NS    GS_N_CORE
#define L     GS_LANES
#define CACHE 8

struct mcache {
    double dt[CACHE];
    double m[CACHE][NS][NS][L]; /* M[i][j] per lane */
    int n, next;
};

static const double (*matrix(struct mcache *c, const struct gs_model *models, int n_lanes,
                             double dt))[NS][L]
{
    for (int k = 0; k < c->n; k++)
        if (c->dt[k] == dt)
            return (const double(*)[NS][L])c->m[k];
    int k = c->n < CACHE ? c->n++ : c->next;
    c->next = (k + 1) % CACHE;
    c->dt[k] = dt;
    for (int l = 0; l < L; l++) {
        const struct gs_model *m = &models[l < n_lanes ? l : n_lanes - 1];
        double mat[NS * NS];
        if (m->structure->exact_matrix) {
            m->structure->exact_matrix(m->p, dt, mat);
        } else {
            for (int j = 0; j < NS; j++) {
                double y[GS_N_STATES] = {0};
                y[j] = 1.0;
                m->structure->exact(m->p, dt, y);
                for (int i = 0; i < NS; i++)
                    mat[i * NS + j] = y[i];
            }
        }
        for (int i = 0; i < NS; i++)
            for (int j = 0; j < NS; j++)
                c->m[k][i][j][l] = mat[i * NS + j];
    }
    return (const double(*)[NS][L])c->m[k];
}

GS_HOT static void apply(const double (*m)[NS][L], double y[NS][L])
{
    double r[NS][L];
    for (int i = 0; i < NS; i++)
        for (int l = 0; l < L; l++) {
            double s = 0.0;
            for (int j = 0; j < NS; j++)
                s += m[i][j][l] * y[j][l];
            r[i][l] = s;
        }
    memcpy(y, r, sizeof r);
}

gs_status gs__linear_batch(const struct gs_model *models, int n_lanes,
                           const struct gs_event_list *ev, const double *t_out, size_t n_out,
                           double *out, struct gs_error *err)
{
    const struct gs_structure *s = models[0].structure;
    if (s->exact == NULL)
        return gs_error_set(err, GS_UNSUPPORTED, "solver", "structure '%s' has no closed form",
                            s->name);
    static _Thread_local struct mcache cache;
    cache.n = cache.next = 0;
    double y[NS][L];
    memset(y, 0, sizeof y);
    double t = 0.0;
    if (ev->n && ev->ev[0].time_h < t)
        t = ev->ev[0].time_h;
    if (n_out && t_out[0] < t)
        t = t_out[0];
    size_t ie = 0, io = 0;
    while (io < n_out) {
        while (ie < ev->n && ev->ev[ie].time_h + s->lag(models[0].p, ev->ev[ie].cmt) <= t) {
            const struct gs_event *e = &ev->ev[ie++];
            for (int l = 0; l < n_lanes; l++) {
                double tmp[GS_N_STATES] = {0};
                for (int i = 0; i < NS; i++)
                    tmp[i] = y[i][l];
                s->dose(models[l].p, e->cmt, e->amt_mg, tmp);
                for (int i = 0; i < NS; i++)
                    y[i][l] = tmp[i];
            }
        }
        while (io < n_out && t_out[io] == t) {
            memcpy(out + io * NS * L, y, sizeof y);
            io++;
        }
        if (io == n_out)
            break;
        double t_ev =
            ie < ev->n ? ev->ev[ie].time_h + s->lag(models[0].p, ev->ev[ie].cmt) : INFINITY;
        double t_next = fmin(t_ev, t_out[io]);
        apply(matrix(&cache, models, n_lanes, t_next - t), y);
        t = t_next;
    }
    return GS_OK;
}
