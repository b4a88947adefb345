/* meta_models_run.c - the models part of `gabasim meta` (gabasim/meta_models.h): reads the
 * subgroup, moderator and order columns of the study table for the pooled studies, then runs
 * what was asked with the analysis's random-effects method, Hartung-Knapp and level. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/meta_models.h"

void gs_meta_models_free(struct gs_meta_models *x)
{
    if (x == NULL)
        return;
    gs_free(x->group_name);
    gs_free(x->group);
    gs_meta_subgroups_release(&x->subgroups);
    gs_meta_reg_release(&x->reg);
    gs_free(x->sei);
    gs_free(x->leave1out);
    gs_free(x->cumulative);
    gs_free(x->cum_order);
    gs_meta_influence_release(&x->influence);
    gs_free(x);
}

/* The extra column `name` of t, or GS_INPUT naming the option and the columns there are. */
static gs_status column(const struct gs_studies *t, const char *name, const char *option,
                        const char *origin, int *col, struct gs_error *err)
{
    *col = gs_studies_extra_find(t, name);
    if (*col >= 0)
        return GS_OK;
    char have[512] = "";
    for (size_t c = 0, w = 0; c < t->n_extra && w < sizeof have; c++)
        w += (size_t)snprintf(have + w, sizeof have - w, "%s%s", c ? ", " : "", t->extra_name[c]);
    return gs_error_set(err, GS_INPUT, option, "'%s': %s has no column '%s'; its extra columns: %s",
                        option, origin, name, *have ? have : "none");
}

/* A numeric column for the k pooled studies (rows[j] their table rows) into out. */
static gs_status numbers(const struct gs_studies *t, int col, const size_t *rows, size_t k,
                         const char *origin, double *out, struct gs_error *err)
{
    double *all = gs_malloc(t->n * sizeof *all);
    if (all == NULL)
        return gs_error_set(err, GS_NOMEM, "meta", "out of memory");
    gs_status st = gs_studies_extra_numbers(t, (size_t)col, origin, all, err);
    for (size_t j = 0; st == GS_OK && j < k; j++)
        out[j] = all[rows[j]];
    gs_free(all);
    return st;
}

static gs_status subgroups(const struct gs_meta_models_request *req, const struct gs_studies *t,
                           const struct gs_meta_analysis *m, const size_t *rows, const double *y,
                           const double *v, struct gs_meta_models *x, struct gs_error *err)
{
    const char *by = req && req->by ? req->by : "subgroup";
    int explicit = req && req->by, col = gs_studies_extra_find(t, by);
    gs_status st;
    if (col < 0)
        return explicit ? column(t, by, "--by", m->origin, &col, err) : GS_OK;
    const size_t k = m->k;
    x->group_name = gs_calloc(k, sizeof *x->group_name);
    x->group = gs_calloc(k, sizeof *x->group);
    if (!x->group_name || !x->group)
        return gs_error_set(err, GS_NOMEM, "meta", "out of memory");
    snprintf(x->by, sizeof x->by, "%s", t->extra_name[col]);
    for (size_t j = 0; j < k; j++) {
        const char *cell = gs_studies_extra_cell(t, rows[j], (size_t)col);
        if (*cell == '\0')
            return gs_error_set(err, GS_INPUT, x->by,
                                "%s: line %zu, column %s: empty; give every study its subgroup",
                                m->origin, t->study[rows[j]].line, x->by);
        size_t g = 0;
        while (g < x->n_groups && strcmp(x->group_name[g], cell) != 0)
            g++;
        if (g == x->n_groups)
            memcpy(x->group_name[x->n_groups++], cell, strlen(cell) + 1);
        x->group[j] = g;
    }
    if (x->n_groups < 2) {
        if (!explicit) { /* one value everywhere: nothing to compare */
            x->n_groups = 0;
            return GS_OK;
        }
        return gs_error_set(err, GS_INPUT, "--by",
                            "'--by': column %s has one value ('%s'); allowed: 2 or more subgroups",
                            x->by, x->group_name[0]);
    }
    const struct gs_meta_subgroup_request sr = {y,           v,         k,     x->group,
                                                x->n_groups, m->method, m->hk, m->level};
    if ((st = gs_meta_subgroups(&sr, &x->subgroups, err)) != GS_OK)
        return st;
    return GS_OK;
}

static gs_status regression(const char *mods, const struct gs_studies *t,
                            const struct gs_meta_analysis *m, const size_t *rows, const double *y,
                            const double *v, struct gs_meta_models *x, struct gs_error *err)
{
    const size_t k = m->k;
    size_t n = 0;
    snprintf(x->mod_name[0], sizeof x->mod_name[0], "intrcpt");
    for (const char *s = mods; *s;) {
        size_t len = strcspn(s, ",");
        if (len == 0 || len >= GS_STUDY_CELL_MAX)
            return gs_error_set(err, GS_INPUT, "--mods",
                                "'--mods' is '%s'; allowed: column names separated by commas",
                                mods);
        if (n == GS_META_MODS_MAX)
            return gs_error_set(err, GS_INPUT, "--mods", "'--mods' names more than %d moderators",
                                GS_META_MODS_MAX);
        memcpy(x->mod_name[n + 1], s, len);
        x->mod_name[n + 1][len] = '\0';
        n++;
        s += len + (s[len] == ',');
        if (s[-1] == ',' && *s == '\0')
            return gs_error_set(err, GS_INPUT, "--mods",
                                "'--mods' is '%s'; allowed: column names separated by commas",
                                mods);
    }
    if (n == 0)
        return gs_error_set(err, GS_INPUT, "--mods", "'--mods' names no column");
    const size_t p = n + 1;
    double *xm = gs_malloc(k * p * sizeof *xm), *col_v = gs_malloc(k * sizeof *col_v);
    gs_status st = GS_OK;
    if (!xm || !col_v) {
        st = gs_error_set(err, GS_NOMEM, "meta", "out of memory");
        goto done;
    }
    for (size_t j = 0; j < k; j++)
        xm[j * p] = 1;
    for (size_t c = 1; c < p && st == GS_OK; c++) {
        int col;
        if ((st = column(t, x->mod_name[c], "--mods", m->origin, &col, err)) ||
            (st = numbers(t, col, rows, k, m->origin, col_v, err)))
            break;
        snprintf(x->mod_name[c], sizeof x->mod_name[c], "%s", t->extra_name[col]);
        for (size_t j = 0; j < k; j++)
            xm[j * p + c] = col_v[j];
    }
    if (st != GS_OK)
        goto done;
    const char *names[GS_META_MODS_MAX + 1];
    for (size_t c = 0; c < p; c++)
        names[c] = x->mod_name[c];
    const struct gs_meta_reg_request rq = {y, v, k, xm, p, 1, names, m->method, m->hk, m->level};
    struct gs_error e2 = GS_ERROR_INIT;
    if ((st = gs_meta_reg_fit(&rq, &x->reg, &e2)) != GS_OK) {
        gs_error_set(err, st, e2.field, "'--mods': %s", e2.msg);
        goto done;
    }
    x->n_mods = n;
done:
    gs_free(xm);
    gs_free(col_v);
    return st;
}

static gs_status cumulative(const struct gs_meta_models_request *req, const struct gs_studies *t,
                            const struct gs_meta_analysis *m, const size_t *rows,
                            const struct gs_meta_pool_request *pr, struct gs_meta_models *x,
                            struct gs_error *err)
{
    const size_t k = m->k;
    x->cumulative = gs_calloc(k, sizeof *x->cumulative);
    x->cum_order = gs_malloc(k * sizeof *x->cum_order);
    double *key = gs_malloc(k * sizeof *key);
    gs_status st = GS_OK;
    if (!x->cumulative || !x->cum_order || !key) {
        st = gs_error_set(err, GS_NOMEM, "meta", "out of memory");
        goto done;
    }
    for (size_t j = 0; j < k; j++)
        x->cum_order[j] = j;
    if (req->order) {
        int col;
        if ((st = column(t, req->order, "--order", m->origin, &col, err)) ||
            (st = numbers(t, col, rows, k, m->origin, key, err)))
            goto done;
        snprintf(x->order_by, sizeof x->order_by, "%s", t->extra_name[col]);
        for (size_t i = 1; i < k; i++) { /* insertion sort: stable, ties in table order */
            size_t o = x->cum_order[i], j = i;
            for (; j > 0 && key[x->cum_order[j - 1]] > key[o]; j--)
                x->cum_order[j] = x->cum_order[j - 1];
            x->cum_order[j] = o;
        }
    }
    st = gs_meta_cumulative(pr, x->cum_order, x->cumulative, err);
done:
    gs_free(key);
    return st;
}

gs_status gs_meta_models_run(const struct gs_meta_models_request *req, const struct gs_studies *t,
                             const struct gs_meta_analysis *m, struct gs_meta_models **out,
                             struct gs_error *err)
{
    *out = NULL;
    const int asked = req && (req->mods || req->egger || req->leave1out || req->influence ||
                              req->cumulative || req->by || req->order);
    if (!asked && gs_studies_extra_find(t, "subgroup") < 0)
        return GS_OK;
    if (req && req->by && *req->by == '\0' &&
        !(req->mods || req->egger || req->leave1out || req->influence || req->cumulative))
        return GS_OK;
    if (req && req->order && !req->cumulative)
        return gs_error_set(err, GS_INPUT, "--order", "'--order' needs '--cumulative'");
    const size_t k = m->k;
    struct gs_meta_models *x = gs_calloc(1, sizeof *x);
    size_t *rows = gs_malloc(k * sizeof *rows);
    double *y = gs_malloc(2 * k * sizeof *y);
    gs_status st = GS_OK;
    if (!x || !rows || !y) {
        st = gs_error_set(err, GS_NOMEM, "meta", "out of memory");
        goto done;
    }
    x->sei = gs_malloc(k * sizeof *x->sei);
    if (x->sei == NULL) {
        st = gs_error_set(err, GS_NOMEM, "meta", "out of memory");
        goto done;
    }
    double *v = y + k;
    for (size_t j = 0, i = 0; j < k; j++) { /* the pooled studies' rows (dropped ones skipped) */
        while (i < t->n && t->study[i].line != m->study[j].line)
            i++;
        rows[j] = i < t->n ? i : 0;
        y[j] = m->study[j].yi, v[j] = m->study[j].vi;
        x->sei[j] = sqrt(v[j]);
    }
    const struct gs_meta_pool_request pr = {y, v, k, m->method, m->hk, m->level};
    if (!(req && req->by && *req->by == '\0') &&
        (st = subgroups(req, t, m, rows, y, v, x, err)) != GS_OK)
        goto done;
    if (req && req->mods && (st = regression(req->mods, t, m, rows, y, v, x, err)) != GS_OK)
        goto done;
    if (req && req->egger) {
        struct gs_error e2 = GS_ERROR_INIT;
        if ((st = gs_meta_egger(&pr, &x->egger, &e2)) != GS_OK) {
            gs_error_set(err, st, "--egger", "'--egger': %s", e2.msg);
            goto done;
        }
        x->have_egger = 1;
    }
    if (req && req->leave1out) {
        x->leave1out = gs_calloc(k, sizeof *x->leave1out);
        struct gs_error e2 = GS_ERROR_INIT;
        if (x->leave1out == NULL)
            st = gs_error_set(err, GS_NOMEM, "meta", "out of memory");
        else if ((st = gs_meta_leave1out(&pr, x->leave1out, &e2)) != GS_OK)
            gs_error_set(err, st, "--leave-one-out", "'--leave-one-out': %s", e2.msg);
        if (st != GS_OK)
            goto done;
    }
    if (req && req->cumulative && (st = cumulative(req, t, m, rows, &pr, x, err)) != GS_OK)
        goto done;
    if (req && req->influence) {
        const struct gs_meta_reg_request ir = {y, v,    k,         NULL,  1,
                                               1, NULL, m->method, m->hk, m->level};
        struct gs_error e2 = GS_ERROR_INIT;
        if ((st = gs_meta_influence(&ir, &x->influence, &e2)) != GS_OK) {
            gs_error_set(err, st, "--influence", "'--influence': %s", e2.msg);
            goto done;
        }
    }
done:
    gs_free(rows);
    gs_free(y);
    if (st != GS_OK) {
        gs_meta_models_free(x);
        return st;
    }
    *out = x;
    return GS_OK;
}
