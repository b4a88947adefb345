/* meta_run.c - the whole `gabasim meta` analysis as one call: a study table in, each study's
 * effect and weight, the fixed-effect, random-effects and (event tables) Mantel-Haenszel and
 * Peto estimates out. The statistics are meta.c's, meta_es.c's and meta_mh.c's; this file only
 * assembles them. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/meta.h"
#include "gabasim/meta_models.h"

static const double z95 = 1.959963984540054; /* the study intervals are 95 % */

void gs_meta_analysis_free(struct gs_meta_analysis *m)
{
    if (m == NULL)
        return;
    gs_free(m->study);
    gs_free(m->dropped);
    gs_meta_models_free(m->models);
    gs_free(m);
}

static gs_status check_request(const struct gs_meta_request *req, struct gs_error *err)
{
    if (req->studies == NULL && req->path == NULL)
        return gs_error_set(err, GS_INPUT, "path",
                            "'path' is not set; give a study table file or a table already read");
    if (req->method != GS_META_REML && req->method != GS_META_DL)
        return gs_error_set(err, GS_INPUT, "method",
                            "'method' is %d; allowed: GS_META_REML or GS_META_DL (the fixed-effect "
                            "model is always computed)",
                            (int)req->method);
    if (!(req->level > 0 && req->level < 1))
        return gs_error_set(err, GS_INPUT, "level", "'level' is %g; allowed: between 0 and 1",
                            req->level);
    if (req->measure < GS_META_MEASURE_AUTO || req->measure > GS_META_GIVEN)
        return gs_error_set(err, GS_INPUT, "measure",
                            "'measure' is %d; allowed: GS_META_MEASURE_AUTO to GS_META_GIVEN",
                            (int)req->measure);
    return GS_OK;
}

/* Mantel-Haenszel (and, for odds ratios, Peto) over every study of an event table: studies
 * without events add nothing to a ratio. Where the counts define no estimate it is left out
 * (have_mh, have_peto 0). */
static gs_status mantel_haenszel(const struct gs_studies *t, struct gs_meta_analysis *m,
                                 struct gs_error *err)
{
    double *col = gs_malloc(4 * t->n * sizeof *col);
    if (col == NULL)
        return gs_error_set(err, GS_NOMEM, "meta", "out of memory");
    for (size_t i = 0; i < t->n; i++)
        for (int c = 0; c < 4; c++)
            col[c * t->n + i] = t->study[i].v[c];
    struct gs_error e2 = GS_ERROR_INIT;
    const struct gs_meta_mh_request mh = {.a1 = col,
                                          .n1 = col + t->n,
                                          .a2 = col + 2 * t->n,
                                          .n2 = col + 3 * t->n,
                                          .k = t->n,
                                          .measure = m->measure_id,
                                          .level = m->level};
    m->have_mh = gs_meta_mh(&mh, &m->mh, &e2) == GS_OK;
    if (!m->have_mh)
        m->mh = (struct gs_meta_result){0};
    m->have_peto = m->measure_id == GS_META_OR && gs_meta_peto(&mh, &m->peto, &e2) == GS_OK;
    if (!m->have_peto)
        m->peto = (struct gs_meta_result){0};
    gs_free(col);
    return GS_OK;
}

static gs_status analyse(const struct gs_studies *t, const struct gs_meta_request *req,
                         struct gs_meta_analysis *m, struct gs_error *err)
{
    if (t->n == 0)
        return gs_error_set(err, GS_INPUT, "studies", "%s: no study rows to pool", m->origin);
    m->kind = t->kind;
    gs_status st = gs_meta_measure_for(t->kind, req->measure, &m->measure_id, err);
    if (st != GS_OK)
        return st;
    m->ratio = gs_meta_measure_is_ratio(m->measure_id);
    m->measure = gs_meta_measure_name(m->measure_id);
    m->study = gs_calloc(t->n ? t->n : 1, sizeof *m->study);
    m->dropped = gs_calloc(t->n ? t->n : 1, sizeof *m->dropped);
    double *y = gs_malloc((t->n ? t->n : 1) * sizeof *y),
           *v = gs_malloc((t->n ? t->n : 1) * sizeof *v);
    if (!m->study || !m->dropped || !y || !v) {
        st = gs_error_set(err, GS_NOMEM, "meta", "out of memory");
        goto done;
    }
    size_t k = 0;
    for (size_t i = 0; i < t->n; i++) {
        struct gs_error e2 = GS_ERROR_INIT;
        gs_status s2 = gs_meta_effect(m->measure_id, t->study[i].v, &y[k], &v[k], &e2);
        struct gs_meta_study *o = s2 == GS_UNSUPPORTED ? &m->dropped[m->n_dropped] : &m->study[k];
        snprintf(o->name, sizeof o->name, "%s", t->study[i].name);
        o->line = t->study[i].line;
        if (s2 == GS_UNSUPPORTED) { /* no events in either arm: no information about a ratio */
            o->yi = o->vi = o->ci95_lo = o->ci95_hi = o->weight_random_pct = NAN;
            m->n_dropped++;
            continue;
        }
        if (s2 != GS_OK) {
            st = gs_error_set(err, s2, "studies", "%s: line %zu, study '%s': %s", m->origin,
                              t->study[i].line, t->study[i].name, e2.msg);
            goto done;
        }
        o->yi = y[k];
        o->vi = v[k];
        o->ci95_lo = y[k] - z95 * sqrt(v[k]);
        o->ci95_hi = y[k] + z95 * sqrt(v[k]);
        k++;
    }
    m->k = k;
    if (k == 0) {
        st = gs_error_set(err, GS_INPUT, "studies",
                          "%s: no study has events in either arm; nothing to pool", m->origin);
        goto done;
    }
    if (req->hk && k < 2) {
        st = gs_error_set(err, GS_INPUT, "hk", "'--hk' needs 2 or more studies to pool; %s has %zu",
                          m->origin, k);
        goto done;
    }
    const struct gs_meta_pool_request fixed = {y, v, k, GS_META_FIXED, 0, m->level},
                                      random = {y, v, k, m->method, m->hk, m->level};
    if ((st = gs_meta_pool(&fixed, &m->fixed, err)) ||
        (st = gs_meta_pool(&random, &m->random, err)))
        goto done;
    if (t->kind == GS_STUDIES_RR && (st = mantel_haenszel(t, m, err)))
        goto done;
    /* each study's random-effects weight in % */
    double wsum_re = 0;
    for (size_t j = 0; j < k; j++)
        wsum_re += 1 / (v[j] + m->random.tau2);
    for (size_t j = 0; j < k; j++)
        m->study[j].weight_random_pct = 100 / (v[j] + m->random.tau2) / wsum_re;
    st = gs_meta_models_run(req->models, t, m, &m->models, err); /* gabasim/meta_models.h */
done:
    gs_free(y);
    gs_free(v);
    return st;
}

gs_status gs_meta_analyse(const struct gs_meta_request *req, struct gs_meta_analysis **out,
                          struct gs_error *err)
{
    *out = NULL;
    gs_status st = check_request(req, err);
    if (st != GS_OK)
        return st;
    struct gs_meta_analysis *m = gs_calloc(1, sizeof *m);
    if (m == NULL)
        return gs_error_set(err, GS_NOMEM, "meta", "out of memory");
    snprintf(m->origin, sizeof m->origin, "%s",
             req->origin ? req->origin
             : req->path ? req->path
                         : "studies");
    m->method = req->method;
    m->hk = req->hk;
    m->level = req->level;
    struct gs_studies own = {0};
    const struct gs_studies *t = req->studies;
    if (t == NULL) {
        if ((st = gs_studies_read(&own, req->path, err)) != GS_OK) {
            if (st == GS_NOTFOUND) /* the file the request names is not there: bad input */
                err->code = st = GS_INPUT;
            goto done;
        }
        t = &own;
    }
    st = analyse(t, req, m, err);
done:
    gs_studies_release(&own);
    if (st != GS_OK) {
        gs_meta_analysis_free(m);
        return st;
    }
    *out = m;
    return GS_OK;
}
