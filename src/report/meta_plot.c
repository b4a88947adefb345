/* meta_plot.c - `gabasim meta --plot` and `--funnel`: the forest plot (each study with its 95 %
 * interval and random-effects weight, the fixed-effect and random-effects diamonds, the
 * prediction interval, favours labels) and the funnel plot (effects against standard errors
 * around the fixed-effect estimate). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/report_meta.h"
#include "gabasim/meta_models.h"
#include "gabasim/plot.h"

/* The measure with a capital first letter ("Risk ratio"). */
static void capitalised(char *buf, size_t cap, const char *measure)
{
    snprintf(buf, cap, "%s", measure ? measure : "effect");
    buf[0] = (char)toupper((unsigned char)buf[0]);
}

gs_status gs_report_meta_forest(const struct gs_meta_analysis *m, const char *favours_left,
                                const char *favours_right, struct gs_outfile *out,
                                struct gs_error *err)
{
    const size_t k = m->k;
    struct gs_forest_row *rows = gs_malloc((k ? k : 1) * sizeof *rows);
    if (rows == NULL)
        return gs_error_set(err, GS_NOMEM, "--plot", "out of memory");
    for (size_t j = 0; j < k; j++) {
        const struct gs_meta_study *s = &m->study[j];
        rows[j] =
            (struct gs_forest_row){s->name, s->yi, s->ci95_lo, s->ci95_hi, s->weight_random_pct};
    }
    const struct gs_meta_result *fe = &m->fixed, *re = &m->random;
    char level[32] = "", fe_label[96], re_label[128], head[128], xlabel[128];
    if (fabs(m->level - 0.95) > 1e-12)
        snprintf(level, sizeof level, ", %g%% CI", 100.0 * m->level);
    snprintf(fe_label, sizeof fe_label, "Fixed-effect model%s%s%s", level[0] ? " (" : "",
             level[0] ? level + 2 : "", level[0] ? ")" : "");
    snprintf(re_label, sizeof re_label, "Random-effects model (%s%s%s)",
             m->method == GS_META_DL ? "DL" : "REML", m->hk ? ", Hartung-Knapp" : "", level);
    /* an interval that is not defined (gs_meta_result.undefined) is drawn as the point alone */
    struct gs_forest_row pooled[2] = {
        {fe_label, fe->est, fe->undefined ? NAN : fe->ci_lo, fe->undefined ? NAN : fe->ci_hi, NAN},
        {re_label, re->est, re->undefined ? NAN : re->ci_lo, re->undefined ? NAN : re->ci_hi, NAN}};
    capitalised(head, sizeof head - 12, m->measure);
    snprintf(head + strlen(head), sizeof head - strlen(head), " [95%% CI]");
    capitalised(xlabel, sizeof xlabel - 16, m->measure);
    if (m->ratio)
        snprintf(xlabel + strlen(xlabel), sizeof xlabel - strlen(xlabel), " (log scale)");
    struct gs_plot_forest_request q = GS_PLOT_FOREST_REQUEST_INIT;
    q.rows = rows;
    q.n = k;
    q.pooled = pooled;
    q.n_pooled = 2;
    if (!re->undefined && k >= 2) {
        q.pi_lo = re->pi_lo;
        q.pi_hi = re->pi_hi;
    }
    q.ratio = m->ratio;
    q.xlabel = xlabel;
    q.est_header = head;
    q.favours_left = favours_left;
    q.favours_right = favours_right;
    gs_status st = gs_plot_forest(&q, out, err);
    gs_free(rows);
    return st;
}

gs_status gs_report_meta_plot(const struct gs_meta_analysis *m, struct gs_outfile *out,
                              struct gs_error *err)
{
    return gs_report_meta_forest(m, GS_REPORT_META_FAVOURS_LEFT, GS_REPORT_META_FAVOURS_RIGHT, out,
                                 err);
}

gs_status gs_report_meta_funnel(const struct gs_meta_analysis *m, struct gs_outfile *out,
                                struct gs_error *err)
{
    const size_t k = m->k;
    double *yi = gs_malloc((k ? k : 1) * sizeof *yi), *sei = gs_malloc((k ? k : 1) * sizeof *sei);
    if (yi == NULL || sei == NULL) {
        gs_free(yi);
        gs_free(sei);
        return gs_error_set(err, GS_NOMEM, "--funnel", "out of memory");
    }
    for (size_t j = 0; j < k; j++) {
        yi[j] = m->study[j].yi;
        sei[j] = sqrt(m->study[j].vi);
    }
    char xlabel[128], title[96], re_label[96];
    capitalised(xlabel, sizeof xlabel - 16, m->measure);
    if (m->ratio)
        snprintf(xlabel + strlen(xlabel), sizeof xlabel - strlen(xlabel), " (log scale)");
    snprintf(title, sizeof title, "Funnel plot: %zu studies", k);
    snprintf(re_label, sizeof re_label, "random-effects estimate (%s)",
             m->method == GS_META_DL ? "DL" : "REML");
    struct gs_plot_funnel_request q = GS_PLOT_FUNNEL_REQUEST_INIT;
    q.yi = yi;
    q.sei = sei;
    q.k = k;
    q.center = m->fixed.est;
    q.ratio = m->ratio;
    q.random = m->random.est;
    q.xlabel = xlabel;
    q.title = title;
    q.center_label = "fixed-effect estimate (the region's centre)";
    q.random_label = re_label;
    char note[160];
    if (m->models && m->models->have_egger && isfinite(m->models->egger.p)) { /* --egger */
        const struct gs_meta_egger *e = &m->models->egger;
        if (e->df)
            snprintf(note, sizeof note, "Egger's test: t(%zu) = %.2f, p = %.3g", e->df, e->stat,
                     e->p);
        else
            snprintf(note, sizeof note, "Egger's test: z = %.2f, p = %.3g", e->stat, e->p);
        q.note = note;
    }
    gs_status st = gs_plot_funnel(&q, out, err);
    gs_free(yi);
    gs_free(sei);
    return st;
}
