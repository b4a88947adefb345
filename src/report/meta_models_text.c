/* meta_models_text.c - the models after pooling as text (gabasim/meta_models.h): subgroups with
 * the tests for subgroup differences, the meta-regression table with QM and QE, Egger's test,
 * and the leave-one-out, cumulative and influence tables. Estimates of ratios are shown as
 * ratios; regression coefficients, standard errors, tau^2 and dfbetas stay on the analysis
 * scale (log for ratios), as metafor prints them. */
#include <math.h>
#include <stdio.h>

#include "gabasim/meta_models.h"
#include "meta_int.h"
#include "meta_models_int.h"

/* "EST  LO to HI" of a pooled result, shown (exp for ratios) */
static void est_ci(FILE *f, const struct gs_meta_analysis *m, const struct gs_meta_result *r)
{
    if (r->undefined || !(r->se > 0)) {
        fprintf(f, "%10.3g  %-22s", gs__meta_shown(m, r->est), "(not defined)");
        return;
    }
    char ci[64];
    snprintf(ci, sizeof ci, "%.3g to %.3g", gs__meta_shown(m, r->ci_lo),
             gs__meta_shown(m, r->ci_hi));
    fprintf(f, "%10.3g  %-22s", gs__meta_shown(m, r->est), ci);
}

static void subgroups(FILE *f, const struct gs_meta_analysis *m, const struct gs_meta_models *x)
{
    const struct gs_meta_subgroups *s = &x->subgroups;
    fprintf(f, "\nSubgroups by %s (random effects: %s%s, each subgroup its own tau^2):\n", x->by,
            gs__meta_method_name(m->method), m->hk ? ", Hartung-Knapp" : "");
    fprintf(f, "  %-24s %3s %10s  %-22s %8s %7s  %10s\n", "subgroup", "k", "estimate", "CI", "p",
            "tau^2", "fixed");
    for (size_t j = 0; j < s->g; j++) {
        const struct gs_meta_subgroup *g = &s->sub[j];
        fprintf(f, "  %-24.24s %3zu ", x->group_name[j], g->k);
        est_ci(f, m, &g->random);
        fprintf(f, " %8.3g %7.3g  %10.3g\n", g->random.p, g->random.tau2,
                gs__meta_shown(m, g->fixed.est));
    }
    fprintf(f, "Test for subgroup differences on %zu df:\n", s->df);
    if (isnan(s->qm))
        fprintf(f, "  mixed-effects model, one tau^2 (metafor's QM): not defined (as many "
                   "subgroups as studies)\n");
    else if (s->qm_df2)
        fprintf(f,
                "  mixed-effects model, one tau^2 (metafor's QM): F(%zu, %zu) = %.4g, p = %.3g; "
                "residual tau^2 = %.3g\n",
                s->df, s->qm_df2, s->qm, s->qm_p, s->tau2_res);
    else
        fprintf(f,
                "  mixed-effects model, one tau^2 (metafor's QM): Q = %.4g, p = %.3g; residual "
                "tau^2 = %.3g\n",
                s->qm, s->qm_p, s->tau2_res);
    if (isnan(s->qb_random)) /* a subgroup's variance is 0 (Hartung-Knapp, equal estimates) */
        fprintf(f, "  separate tau^2 per subgroup (RevMan, R meta): not defined (a subgroup's "
                   "standard error is 0)\n");
    else
        fprintf(f, "  separate tau^2 per subgroup (RevMan, R meta): Q = %.4g, p = %.3g\n",
                s->qb_random, s->qb_random_p);
    fprintf(f, "  fixed effect: Q between = %.4g, p = %.3g\n", s->qb_fixed, s->qb_fixed_p);
}

static void regression(FILE *f, const struct gs_meta_analysis *m, const struct gs_meta_models *x)
{
    const struct gs_meta_reg *r = &x->reg;
    fprintf(f, "\nMeta-regression (mixed effects, %s%s; %zu studies%s):\n",
            gs__meta_method_name(m->method), m->hk ? ", Knapp-Hartung" : "", r->k,
            m->ratio ? "; coefficients on the log scale" : "");
    fprintf(f, "  %-24s %10s %10s %8s %10s  %s\n", "coefficient", "estimate", "se",
            r->df ? "t" : "z", "p", "CI");
    for (size_t j = 0; j < r->p; j++)
        fprintf(f, "  %-24.24s %10.4g %10.4g %8.3g %10.3g  %.4g to %.4g\n", x->mod_name[j], r->b[j],
                r->se[j], r->stat[j], r->pval[j], r->ci_lo[j], r->ci_hi[j]);
    if (r->qm_df2)
        fprintf(f, "Test of moderators (QM): F(%zu, %zu) = %.4g, p = %.3g\n", r->qm_df, r->qm_df2,
                r->qm, r->qm_p);
    else
        fprintf(f, "Test of moderators (QM) on %zu df: %.4g, p = %.3g\n", r->qm_df, r->qm, r->qm_p);
    fprintf(f, "Residual heterogeneity (QE) on %zu df: %.4g, p = %.3g; tau^2 = %.3g, I^2 = %.1f %%",
            r->k - r->p, r->qe, r->qe_p, r->tau2, r->i2);
    if (isfinite(r->r2))
        fprintf(f, ", R^2 = %.1f %%", r->r2);
    fprintf(f, "\n");
}

static void pooled_table(FILE *f, const struct gs_meta_analysis *m, const char *title,
                         const char *col, const struct gs_meta_result *r, const size_t *order)
{
    fprintf(f, "\n%s (random effects: %s%s):\n", title, gs__meta_method_name(m->method),
            m->hk ? ", Hartung-Knapp" : "");
    fprintf(f, "  %-32s %10s  %-22s %8s %8s %8s %6s\n", col, "estimate", "CI", "p", "Q", "tau^2",
            "I^2");
    for (size_t i = 0; i < m->k; i++) {
        fprintf(f, "  %-32.32s ", m->study[order ? order[i] : i].name);
        est_ci(f, m, &r[i]);
        fprintf(f, " %8.3g %8.4g %8.3g %5.1f%%\n", r[i].p, r[i].q, r[i].tau2, r[i].i2);
    }
}

static void influence(FILE *f, const struct gs_meta_analysis *m, const struct gs_meta_models *x)
{
    const struct gs_meta_influence *s = &x->influence;
    fprintf(f, "\nInfluence diagnostics (random effects: %s; * influential by metafor's rule):\n",
            gs__meta_method_name(m->method));
    fprintf(f, "  %-32s %8s %8s %8s %7s %9s %8s %6s %7s %8s\n", "study", "rstudent", "dffits",
            "cook.d", "cov.r", "tau2.del", "QE.del", "hat", "weight", "dfbetas");
    for (size_t i = 0; i < s->k; i++)
        fprintf(f, "  %-32.32s %8.3g %8.3g %8.3g %7.3g %9.3g %8.4g %6.3f %6.2f%% %8.3g %s\n",
                m->study[i].name, s->rstudent[i], s->dffits[i], s->cook_d[i], s->cov_r[i],
                s->tau2_del[i], s->qe_del[i], s->hat[i], s->weight[i], s->dfbetas[i * s->p],
                s->influential[i] ? "*" : "");
}

void gs__meta_models_text(const struct gs_meta_analysis *m, FILE *f)
{
    const struct gs_meta_models *x = m->models;
    if (x == NULL)
        return;
    if (x->n_groups)
        subgroups(f, m, x);
    if (x->n_mods)
        regression(f, m, x);
    if (x->have_egger) {
        const struct gs_meta_egger *e = &x->egger;
        fprintf(f,
                "\nEgger's regression test (standard error as predictor, %s): %s = %.4g, "
                "p = %.3g\n  limit estimate (standard error -> 0): %.3g (%.3g to %.3g)\n",
                gs__meta_method_name(m->method), e->df ? "t" : "z", e->stat, e->p,
                gs__meta_shown(m, e->limit), gs__meta_shown(m, e->limit_lo),
                gs__meta_shown(m, e->limit_hi));
        if (e->df)
            fprintf(f, "  (t on %zu df, Knapp-Hartung)\n", e->df);
    }
    if (x->leave1out)
        pooled_table(f, m, "Leave-one-out", "study omitted", x->leave1out, NULL);
    if (x->cumulative) {
        char title[GS_STUDY_CELL_MAX + 64];
        snprintf(title, sizeof title, "Cumulative meta-analysis, %s%s",
                 *x->order_by ? "in ascending order of " : "in table order",
                 *x->order_by ? x->order_by : "");
        pooled_table(f, m, title, "study added", x->cumulative, x->cum_order);
    }
    if (x->influence.k)
        influence(f, m, x);
}
