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

/* The forest plot's request for `m`: rows (allocated; the caller frees them) and the texts it
 * points at, kept in `keep`. */
struct forest_texts {
    char fe_label[96], re_label[128], head[128], xlabel[128];
    struct gs_forest_row pooled[2];
};

static gs_status forest_request(const struct gs_meta_analysis *m, const char *favours_left,
                                const char *favours_right, struct forest_texts *keep,
                                struct gs_plot_forest_request *q, struct gs_error *err)
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
    char level[32] = "";
    if (fabs(m->level - 0.95) > 1e-12)
        snprintf(level, sizeof level, ", %g%% CI", 100.0 * m->level);
    snprintf(keep->fe_label, sizeof keep->fe_label, "Fixed-effect model%s%s%s",
             level[0] ? " (" : "", level[0] ? level + 2 : "", level[0] ? ")" : "");
    snprintf(keep->re_label, sizeof keep->re_label, "Random-effects model (%s%s%s)",
             m->method == GS_META_DL ? "DL" : "REML", m->hk ? ", Hartung-Knapp" : "", level);
    /* an interval that is not defined (gs_meta_result.undefined) is drawn as the point alone */
    keep->pooled[0] =
        (struct gs_forest_row){keep->fe_label, fe->est, fe->undefined ? NAN : fe->ci_lo,
                               fe->undefined ? NAN : fe->ci_hi, NAN};
    keep->pooled[1] =
        (struct gs_forest_row){keep->re_label, re->est, re->undefined ? NAN : re->ci_lo,
                               re->undefined ? NAN : re->ci_hi, NAN};
    char *head = keep->head, *xlabel = keep->xlabel;
    capitalised(head, sizeof keep->head - 12, m->measure);
    snprintf(head + strlen(head), sizeof keep->head - strlen(head), " [95%% CI]");
    capitalised(xlabel, sizeof keep->xlabel - 16, m->measure);
    if (m->ratio)
        snprintf(xlabel + strlen(xlabel), sizeof keep->xlabel - strlen(xlabel), " (log scale)");
    *q = (struct gs_plot_forest_request)GS_PLOT_FOREST_REQUEST_INIT;
    q->rows = rows;
    q->n = k;
    q->pooled = keep->pooled;
    q->n_pooled = 2;
    if (!re->undefined && k >= 2) {
        q->pi_lo = re->pi_lo;
        q->pi_hi = re->pi_hi;
    }
    q->ratio = m->ratio;
    q->xlabel = xlabel;
    q->est_header = head;
    q->favours_left = favours_left;
    q->favours_right = favours_right;
    return GS_OK;
}

gs_status gs_report_meta_forest(const struct gs_meta_analysis *m, const char *favours_left,
                                const char *favours_right, struct gs_outfile *out,
                                struct gs_error *err)
{
    struct forest_texts keep;
    struct gs_plot_forest_request q;
    gs_status st = forest_request(m, favours_left, favours_right, &keep, &q, err);
    if (st != GS_OK)
        return st;
    st = gs_plot_forest(&q, out, err);
    gs_free((void *)q.rows);
    return st;
}

gs_status gs_report_meta_forest_paged(const struct gs_meta_analysis *m, const char *favours_left,
                                      const char *favours_right, const char *path,
                                      struct gs_plot_pages *pages, struct gs_error *err)
{
    struct forest_texts keep;
    struct gs_plot_forest_request q;
    *pages = (struct gs_plot_pages)GS_PLOT_PAGES_INIT;
    gs_status st = forest_request(m, favours_left, favours_right, &keep, &q, err);
    if (st != GS_OK)
        return st;
    st = gs_plot_forest_paged(&q, path, pages, err);
    gs_free((void *)q.rows);
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
