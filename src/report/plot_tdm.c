/* plot_tdm.c - `gabasim tdm --plot`: one patient's measured levels over the Bayesian fit.
 *
 * Left panel, the dosing history from the first dose: the measured levels (red dots), the
 * individual (MAP) prediction with its posterior band, the typical patient's prediction (dashed),
 * the doses taken, missed doses and dialysis sessions. Right panel (with a target): the
 * recommended regimen's steady-state profile (MAP and band) over the period gs_tdm_dose_to_target
 * evaluated (a day; the fourth week on dialysis). It is a steady state, not a continuation of the
 * history from today's levels, so it has a time axis of its own rather than one that would
 * pretend to continue the left one. The target is a dashed line across both panels (an AUC24
 * target as the average level it implies, AUC24 / 24 h). Everything drawn is read from the
 * results: nothing is estimated or simulated here. */
#include <math.h>
#include <plplot/plplot.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/events.h"
#include "gabasim/plot.h"
#include "gabasim/regimen.h"
#include "gabasim/tdm.h"
#include "plot_int.h"

#define W        960
#define H        620
#define F_TITLE  17.0
#define F_HEAD   14.0
#define F_LEGEND 13.0
#define F_AXIS   14.0
#define FIELD    "--plot"
#define DOT_PX   5.0 /* radius of a measured level's dot */

/* The funnel plot's background colour is not used here: it becomes the recommended regimen's
 * translucent band (orange, as its line). */
#define COL_TARGET_BAND GS__COL_LIGHT
#define COL_TARGET_LINE GS__COL_ORANGE
#define COL_GOAL        (GS__COL_SERIES + 2) /* green */

struct panel {
    struct gs__frame f;
    struct gs__ticks xt;
    double u; /* hours to the axis unit */
    const char *xlabel;
    char head[200];
};

/* Places the panels (b: NULL without a target) under the title and legend; fills their frames
 * (data ranges set on entry) and the shared y ticks. The y tick labels decide the left margin
 * and the panels' headings (wrapped to their widths) the frames' top: three passes settle both. */
static void layout(struct panel *a, struct panel *b, double top, struct gs__ticks *yt)
{
    const double bottom = H - (8.0 + 1.2 * F_AXIS + 1.6 * F_AXIS + 12.0);
    double yw = 3.0 * gs__text_w("0", F_AXIS, 0), head = 0.0;
    for (int pass = 0; pass < 3; pass++) {
        double l = 14.0 + yw + 1.2 * F_AXIS + 8.0 + 6.0, r = W - 28.0;
        double gap = 14.0 + yw + 20.0;
        a->f.l = l;
        a->f.r = b ? l + 0.68 * (r - l - gap) : r;
        if (b) {
            b->f.l = a->f.r + gap;
            b->f.r = r;
        }
        head = gs__title(a->head, a->f.l, a->f.r, 0.0, F_HEAD, 0);
        if (b)
            head = fmax(head, gs__title(b->head, b->f.l, b->f.r, 0.0, F_HEAD, 0));
        a->f.t = top + head + 6.0;
        a->f.b = bottom;
        gs__ticks_linear(a->f.y0, a->f.y1, a->f.b - a->f.t, F_AXIS, 1, yt);
        yw = 0.0;
        for (size_t i = 0; i < yt->n; i++)
            yw = fmax(yw, gs__text_w(yt->s[i], F_AXIS, 0));
    }
    /* each heading's last line just above its frame */
    double ha = gs__title(a->head, a->f.l, a->f.r, 0.0, F_HEAD, 0);
    gs__title(a->head, a->f.l, a->f.r, top + head - ha, F_HEAD, 1);
    gs__ticks_linear(a->f.x0, a->f.x1, a->f.r - a->f.l, F_AXIS, 0, &a->xt);
    if (b) {
        b->f.t = a->f.t;
        b->f.b = a->f.b;
        double hb = gs__title(b->head, b->f.l, b->f.r, 0.0, F_HEAD, 0);
        gs__title(b->head, b->f.l, b->f.r, top + head - hb, F_HEAD, 1);
        gs__ticks_linear(b->f.x0, b->f.x1, b->f.r - b->f.l, F_AXIS, 0, &b->xt);
    }
}

/* Fills between lo[] and hi[] over t[] * u, one polygon per run of finite values. */
static gs_status band(const double *t, const double *lo, const double *hi, size_t n, double u,
                      int col)
{
    PLFLT *px = gs_malloc(2 * (n ? n : 1) * sizeof *px),
          *py = gs_malloc(2 * (n ? n : 1) * sizeof *py);
    if (!px || !py) {
        gs_free(px);
        gs_free(py);
        return GS_NOMEM;
    }
    plcol0(col);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && isfinite(lo[j]) && isfinite(hi[j]))
            j++;
        size_t m = j - i;
        for (size_t k = 0; k < m; k++) {
            px[k] = t[i + k] * u;
            py[k] = lo[i + k];
            px[2 * m - 1 - k] = t[i + k] * u;
            py[2 * m - 1 - k] = hi[i + k];
        }
        if (m >= 2)
            plfill((PLINT)(2 * m), px, py);
        i = j + 1;
    }
    gs_free(px);
    gs_free(py);
    return GS_OK;
}

/* The line through (t[i] * u, y[i]), one polyline per run of finite values. */
static gs_status line(const double *t, const double *y, size_t n, double u)
{
    PLFLT *px = gs_malloc((n ? n : 1) * sizeof *px);
    if (!px)
        return GS_NOMEM;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && isfinite(y[j])) {
            px[j] = t[j] * u;
            j++;
        }
        if (j - i >= 2)
            plline((PLINT)(j - i), px + i, y + i);
        i = j + 1;
    }
    gs_free(px);
    return GS_OK;
}

/* The target as a dashed line across frame f. */
static void goal_line(const struct gs__frame *f, double goal)
{
    plcol0(COL_GOAL);
    plwidth(2.0);
    pllsty(2);
    pljoin(f->x0, goal, f->x1, goal);
    pllsty(1);
}

/* A dot of DOT_PX pixels centred on data point (x, y) of frame f: a filled 24-gon (its
 * vertices' mean is the point) with a white rim, so that dots side by side stay apart. */
static void dot(const struct gs__frame *f, double x, double y)
{
    double kx = (f->x1 - f->x0) / (f->r - f->l), ky = (f->y1 - f->y0) / (f->b - f->t);
    PLFLT px[25], py[25];
    for (int k = 0; k < 24; k++) {
        double a = 6.283185307179586 * k / 24.0; /* 2 pi k / 24 */
        px[k] = x + DOT_PX * cos(a) * kx;
        py[k] = y + DOT_PX * sin(a) * ky;
    }
    px[24] = px[0];
    py[24] = py[0];
    plcol0(GS__COL_RED);
    plfill(24, px, py);
    plcol0(GS__COL_WHITE);
    plwidth(1.0);
    plline(25, px, py);
}

static double max_finite(double m, const double *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        if (isfinite(v[i]))
            m = fmax(m, v[i]);
    return m;
}

static int all_nan(const double *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        if (isfinite(v[i]))
            return 0;
    return 1;
}

gs_status gs_plot_tdm(const struct gs_tdm_request *req, const struct gs_tdm_result *r,
                      const struct gs_tdm_target_request *treq,
                      const struct gs_tdm_target_result *tr, struct gs_outfile *out,
                      struct gs_error *err)
{
    if (r->n_grid < 2 || r->t_h == NULL)
        return gs_error_set(err, GS_INPUT, FIELD, "a plot needs at least two prediction times");
    int target = treq != NULL && tr != NULL && tr->n_grid >= 2;
    const int pct = (int)lround(100.0 * r->interval);
    const double t_end = r->t_h[r->n_grid - 1];
    /* the doses taken and the dialysis sessions: the history's own event records */
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    gs_status st = gs_regimen_expand(req->regimen, &ev, err);
    if (st != GS_OK)
        return st;
    int sessions = 0, missed = 0;
    for (size_t i = 0; i < ev.n; i++)
        sessions |= ev.ev[i].evid == GS_EVID_HD && ev.ev[i].time_h < t_end;
    for (size_t i = 0; i < req->regimen->n_missed; i++)
        missed |= req->regimen->missed_h[i] >= 0.0 && req->regimen->missed_h[i] <= t_end;
    int have_band = !all_nan(r->band_lo, r->n_grid) && !all_nan(r->band_hi, r->n_grid);

    /* the goal as a level: trough and cavg are levels, an AUC over 24 h the average AUC24 / 24 */
    double goal = NAN;
    char goal_label[160] = "", head_b[200] = "";
    if (target) {
        const char *m = gs_tdm_metric_name(treq->metric);
        goal = treq->metric == GS_TDM_AUC24 ? treq->target / 24.0 : treq->target;
        if (treq->metric == GS_TDM_AUC24)
            snprintf(goal_label, sizeof goal_label,
                     "target: %s \u2265 %g mg*h/L (an average of %.3g mg/L)", m, treq->target,
                     goal);
        else
            snprintf(goal_label, sizeof goal_label, "target: %s \u2265 %g mg/L", m, treq->target);
        snprintf(head_b, sizeof head_b, "%s: %g mg every %g h (%g mg/day), %s",
                 tr->reached ? "recommended"
                             : "target NOT reached inside the label band; most likely",
                 tr->dose_mg, tr->ii_h, tr->daily_mg,
                 tr->period_h > 72.0 ? "the fourth week" : "at steady state");
    }

    double ymax = 0.0;
    for (size_t j = 0; j < r->n_levels; j++)
        ymax = isfinite(r->fit[j].observed) ? fmax(ymax, r->fit[j].observed) : ymax;
    ymax = max_finite(ymax, r->ipred, r->n_grid);
    ymax = max_finite(ymax, r->pred, r->n_grid);
    ymax = max_finite(ymax, r->band_hi, r->n_grid);
    if (target) {
        ymax = max_finite(ymax, tr->ipred, tr->n_grid);
        ymax = max_finite(ymax, tr->band_hi, tr->n_grid);
        ymax = fmax(ymax, goal);
    }
    ymax = ymax > 0.0 ? 1.12 * ymax : 1.0;

    struct panel a = {0}, b = {0};
    const char *unit_label;
    a.u = gs__time_unit(0.0, t_end, &unit_label);
    a.xlabel = a.u < 1.0 ? "time from the first dose (days)" : "time from the first dose (h)";
    double pad = 0.015 * t_end * a.u;
    a.f = (struct gs__frame){0, 0, 0, 0, -pad, t_end * a.u + pad, 0.0, ymax};
    if (target) { /* the panels' headings; one panel needs none */
        snprintf(a.head, sizeof a.head, "dosing history: levels and fit");
        double p = tr->t_h[tr->n_grid - 1];
        b.u = gs__time_unit(0.0, p, &unit_label);
        b.xlabel = b.u < 1.0 ? "time in the fourth week (days)" : "time at steady state (h)";
        double padb = 0.03 * p * b.u;
        b.f = (struct gs__frame){0, 0, 0, 0, tr->t_h[0] * b.u - padb, p * b.u + padb, 0.0, ymax};
        snprintf(b.head, sizeof b.head, "%s", head_b);
    }

    struct gs__legend_item it[10];
    size_t n_it = 0;
    char band_label[80], tband_label[80];
    snprintf(band_label, sizeof band_label, "this patient, %d %% interval", pct);
    snprintf(tband_label, sizeof tband_label, "new regimen, %d %% interval", pct);
    it[n_it++] = (struct gs__legend_item){GS__KEY_POINT, GS__COL_RED, "measured level"};
    it[n_it++] = (struct gs__legend_item){GS__KEY_LINE, GS__COL_LINE, "this patient (MAP)"};
    if (have_band)
        it[n_it++] = (struct gs__legend_item){GS__KEY_BAND, GS__COL_BAND90, band_label};
    it[n_it++] =
        (struct gs__legend_item){GS__KEY_DASHED, GS__COL_GREY, "population (typical patient)"};
    it[n_it++] = (struct gs__legend_item){GS__KEY_TICK, GS__COL_RED, "dose"};
    if (missed)
        it[n_it++] = (struct gs__legend_item){GS__KEY_CROSS, GS__COL_GREY, "missed dose"};
    if (sessions)
        it[n_it++] = (struct gs__legend_item){GS__KEY_BAND, GS__COL_GREEN_BG, "dialysis session"};
    if (target) {
        it[n_it++] = (struct gs__legend_item){GS__KEY_LINE, COL_TARGET_LINE, "new regimen (MAP)"};
        if (!all_nan(tr->band_lo, tr->n_grid))
            it[n_it++] = (struct gs__legend_item){GS__KEY_BAND, COL_TARGET_BAND, tband_label};
        it[n_it++] = (struct gs__legend_item){GS__KEY_DASHED, COL_GOAL, goal_label};
    }

    if ((st = gs__plot_begin(out, FIELD, W, H, err)) != GS_OK) {
        gs_event_list_release(&ev);
        return st;
    }
    plscol0a(COL_TARGET_BAND, 255, 127, 14, 0.25);
    char title[256];
    snprintf(title, sizeof title, "%s: measured levels and this patient's Bayesian fit (MAP)",
             gs_drug_name(req->drug));
    double y = 10.0;
    y += gs__title(title, 20.0, W - 20.0, y, F_TITLE, 1) + 4.0;
    y += gs__legend(it, n_it, 20.0, W - 20.0, y, F_LEGEND, 1) + 12.0;
    struct gs__ticks yt;
    layout(&a, target ? &b : NULL, y, &yt);

    /* left: the history */
    const struct gs__frame *f = &a.f;
    gs__frame_use(f);
    for (size_t i = 0; i < ev.n; i++) { /* dialysis sessions: start to end */
        const struct gs_event *e = &ev.ev[i];
        if (e->evid != GS_EVID_HD || e->time_h >= t_end)
            continue;
        double s0 = e->time_h * a.u, s1 = fmin(e->time_h + e->dur_h, t_end) * a.u;
        PLFLT hx[4] = {s0, s1, s1, s0}, hy[4] = {0.0, 0.0, ymax, ymax};
        plcol0(GS__COL_GREEN_BG);
        plfill(4, hx, hy);
    }
    if (have_band && (st = band(r->t_h, r->band_lo, r->band_hi, r->n_grid, a.u, GS__COL_BAND90)))
        goto nomem;
    plcol0(GS__COL_GREY);
    plwidth(2.0);
    pllsty(2);
    st = line(r->t_h, r->pred, r->n_grid, a.u);
    pllsty(1);
    plcol0(GS__COL_LINE);
    plwidth(2.5);
    if (st || (st = line(r->t_h, r->ipred, r->n_grid, a.u)))
        goto nomem;
    if (target) {
        goal_line(f, goal);
    }
    /* dose ticks and missed doses over the lines, so that the first dose's tick shows */
    plcol0(GS__COL_RED);
    plwidth(2.0);
    for (size_t i = 0; i < ev.n; i++) {
        const struct gs_event *e = &ev.ev[i];
        if ((e->evid == GS_EVID_DOSE || e->evid == GS_EVID_RESET_DOSE) && e->time_h >= 0.0 &&
            e->time_h <= t_end)
            pljoin(e->time_h * a.u, 0.0, e->time_h * a.u, 0.04 * ymax);
    }
    plcol0(GS__COL_GREY);
    for (size_t i = 0; i < req->regimen->n_missed; i++) {
        double m = req->regimen->missed_h[i];
        if (m < 0.0 || m > t_end)
            continue;
        gs__missed_dose_mark(m * a.u, ymax);
    }
    for (size_t j = 0; j < r->n_levels; j++)
        if (isfinite(r->fit[j].observed))
            dot(f, r->fit[j].time_h * a.u, r->fit[j].observed);
    plwidth(1.0);
    gs__axes(f, &a.xt, &yt, F_AXIS, a.xlabel, "concentration (mg/L)");

    /* right: the recommended regimen */
    if (target) {
        f = &b.f;
        gs__frame_use(f);
        if ((st = band(tr->t_h, tr->band_lo, tr->band_hi, tr->n_grid, b.u, COL_TARGET_BAND)))
            goto nomem;
        plcol0(COL_TARGET_LINE);
        plwidth(2.5);
        if ((st = line(tr->t_h, tr->ipred, tr->n_grid, b.u)))
            goto nomem;
        goal_line(f, goal);
        /* its doses, evenly over the day (on dialysis the supplements vary: none drawn) */
        plcol0(GS__COL_RED);
        for (int k = 0; tr->period_h <= 24.0 && tr->ii_h > 0.0 && k * tr->ii_h <= tr->period_h; k++)
            pljoin(k * tr->ii_h * b.u, 0.0, k * tr->ii_h * b.u, 0.04 * ymax);
        plwidth(1.0);
        gs__axes(f, &b.xt, &yt, F_AXIS, b.xlabel, NULL);
    }
    gs_event_list_release(&ev);
    return gs__plot_end(out, FIELD, err);

nomem:
    gs_event_list_release(&ev);
    gs__plot_abandon();
    return gs_error_set(err, GS_NOMEM, FIELD, "out of memory drawing the plot");
}
