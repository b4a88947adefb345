/* meta_text.c - `gabasim meta` as text: the study table with intervals and weights, the pooled
 * estimates, the prediction interval and the heterogeneity statistics. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/report_meta.h"
#include "meta_int.h"
#include "meta_models_int.h"

double gs__meta_shown(const struct gs_meta_analysis *m, double x)
{
    return m->ratio ? exp(x) : x;
}

const char *gs__meta_method_name(enum gs_meta_method method)
{
    return method == GS_META_DL ? "DerSimonian-Laird" : method == GS_META_REML ? "REML" : "fixed";
}

char *gs__meta_dropped_list(const struct gs_meta_analysis *m)
{
    size_t cap = 1;
    for (size_t i = 0; i < m->n_dropped; i++)
        cap += strlen(m->dropped[i].name) + 32;
    char *s = gs_malloc(cap);
    if (s == NULL)
        return NULL;
    size_t w = 0;
    s[0] = '\0';
    for (size_t i = 0; i < m->n_dropped; i++)
        w += (size_t)snprintf(s + w, cap - w, "%s%s (line %zu)", w ? ", " : "", m->dropped[i].name,
                              m->dropped[i].line);
    return s;
}

/* "EST (LEVEL % CI LO to HI), p = P", or the estimate and why its CI and p are not defined. */
static void interval(FILE *f, const struct gs_meta_analysis *m, const struct gs_meta_result *r,
                     int say_level)
{
    if (r->undefined) {
        fprintf(f, "%.3g; CI and p not defined: %s\n", gs__meta_shown(m, r->est), r->undefined);
        return;
    }
    char lv[32] = "";
    if (say_level)
        snprintf(lv, sizeof lv, "%g %% CI ", 100 * m->level);
    fprintf(f, "%.3g (%s%.3g to %.3g), p = %.3g\n", gs__meta_shown(m, r->est), lv,
            gs__meta_shown(m, r->ci_lo), gs__meta_shown(m, r->ci_hi), r->p);
}

gs_status gs_report_meta_text(const struct gs_meta_analysis *m, FILE *f, struct gs_error *err)
{
    char *dropped = gs__meta_dropped_list(m);
    if (dropped == NULL)
        return gs_error_set(err, GS_NOMEM, "meta", "out of memory");
    const size_t k = m->k;
    const struct gs_meta_result *fe = &m->fixed, *re = &m->random, *mh = &m->mh, *peto = &m->peto;
#define TR(x) gs__meta_shown(m, (x))
    fprintf(f, "gabasim meta  %s: %zu stud%s, %s%s\n\n", m->origin, k, k == 1 ? "y" : "ies",
            m->measure, m->ratio ? " (pooled on the log scale)" : "");
    fprintf(f, "  %-32s %10s  %-22s %8s\n", "study", "estimate", "95% CI", "weight");
    for (size_t j = 0; j < k; j++) {
        const struct gs_meta_study *s = &m->study[j];
        fprintf(f, "  %-32.32s %10.3g  %9.3g to %-9.3g %7.1f%%\n", s->name, TR(s->yi),
                TR(s->ci95_lo), TR(s->ci95_hi), s->weight_random_pct);
    }
    if (*dropped)
        fprintf(f, "  dropped, no events in either arm: %s\n", dropped);
    gs_free(dropped);
    fprintf(f, "  (study intervals are 95 %%; weights are the random-effects model's)\n\n");
    fprintf(f, "Fixed effect (inverse variance): ");
    interval(f, m, fe, 1);
    if (m->have_mh) {
        fprintf(f, "Fixed effect (Mantel-Haenszel): ");
        interval(f, m, mh, 0);
    } else if (m->kind == GS_STUDIES_RR) { /* the counts give no ratio: said, not left out */
        fprintf(f, "Fixed effect (Mantel-Haenszel): not defined: a sum of its weights is 0, so "
                   "the ratio is 0 or infinite\n");
    }
    if (m->have_peto) {
        fprintf(f, "Fixed effect (Peto): ");
        interval(f, m, peto, 0);
    } else if (m->measure_id == GS_META_OR) {
        fprintf(f, "Fixed effect (Peto): not defined: no study has participants both with and "
                   "without the event\n");
    }
    fprintf(f, "Random effects (%s%s): ", gs__meta_method_name(m->method),
            re->df ? ", Hartung-Knapp" : "");
    interval(f, m, re, 0);
    if (re->undefined)
        fprintf(f, "  prediction interval for a new study: not defined: %s\n", re->undefined);
    else
        fprintf(f, "  prediction interval for a new study: %.3g to %.3g\n", TR(re->pi_lo),
                TR(re->pi_hi));
    fprintf(f, "Heterogeneity: tau^2 = %.3g, I^2 = %.1f %%, H^2 = %.3g, Q = %.3g on %zu df",
            re->tau2, re->i2, re->h2, fe->q, k - 1);
    if (k > 1)
        fprintf(f, " (p = %.3g)", fe->q_p);
    fprintf(f, "\n");
    gs__meta_models_text(m, f); /* subgroups, meta-regression, ... (meta_models_text.c) */
#undef TR
    if (ferror(f))
        return gs_error_set(err, GS_IO, "output", "writing the meta-analysis report failed");
    return GS_OK;
}
