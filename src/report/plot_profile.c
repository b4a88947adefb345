/* plot_profile.c - concentration over time: one patient's profile (`simulate --plot`, the
 * advise page) and a population's median with its bands (`population --plot`). Time is in hours,
 * or in days over spans longer than 72 h; the x axis starts a little before the first time so
 * that a dose tick there is not hidden by the frame. */
#include <math.h>
#include <plplot/plplot.h>
#include <stdio.h>

#include "gabasim/alloc.h"
#include "gabasim/plot.h"
#include "gabasim/population.h"
#include "gabasim/report.h"
#include "plot_int.h"

#define W        960
#define H        600
#define F_TITLE  17.0
#define F_LEGEND 13.0
#define F_AXIS   14.0

/* Places title, legend and axes on the page; fills f (its data range must be set on entry) and
 * the ticks. Draws the title and legend. */
static void layout(struct gs__frame *f, const char *title, const struct gs__legend_item *it,
                   size_t n_it, const char *ylabel, struct gs__ticks *xt, struct gs__ticks *yt)
{
    double y = 10.0;
    y += gs__title(title, 20.0, W - 20.0, y, F_TITLE, 1) + 4.0;
    y += gs__legend(it, n_it, 20.0, W - 20.0, y, F_LEGEND, 1) + 12.0;
    f->t = y;
    f->b = H - (8.0 + 1.2 * F_AXIS + 1.6 * F_AXIS + 12.0);
    gs__ticks_linear(f->y0, f->y1, f->b - f->t, F_AXIS, 1, yt);
    double yw = 0.0;
    for (size_t i = 0; i < yt->n; i++)
        yw = fmax(yw, gs__text_w(yt->s[i], F_AXIS, 0));
    f->l = 14.0 + yw + (ylabel ? 1.2 * F_AXIS + 8.0 : 0.0) + 6.0;
    f->r = W - 28.0;
    gs__ticks_linear(f->x0, f->x1, f->r - f->l, F_AXIS, 0, xt);
}

/* x[i] * u into a new array (NULL when out of memory). */
static double *scaled(const double *x, size_t n, double u)
{
    double *s = gs_malloc((n ? n : 1) * sizeof *s);
    for (size_t i = 0; s && i < n; i++)
        s[i] = x[i] * u;
    return s;
}

/* Fills between lo[] and hi[] over x[] as one polygon. */
static gs_status band(const double *x, const double *lo, const double *hi, size_t n, int col)
{
    PLFLT *px = gs_malloc(2 * n * sizeof *px), *py = gs_malloc(2 * n * sizeof *py);
    if (!px || !py) {
        gs_free(px);
        gs_free(py);
        return GS_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        px[i] = x[i];
        py[i] = lo[i];
        px[2 * n - 1 - i] = x[i];
        py[2 * n - 1 - i] = hi[i];
    }
    plcol0(col);
    plfill((PLINT)(2 * n), px, py);
    gs_free(px);
    gs_free(py);
    return GS_OK;
}

gs_status gs_plot_population(const struct gs_pop_result *r, const gs_drug *d,
                             const double *thresholds_mg_l, size_t n_thresholds,
                             struct gs_outfile *out, struct gs_error *err)
{
    if (r->n_out < 2)
        return gs_error_set(err, GS_INPUT, "--plot", "a plot needs at least two output times");
    double ymax = 0.0;
    for (size_t j = 0; j < r->n_out; j++)
        ymax = fmax(ymax, r->pct_mg_l[GS_POP_N_PCT - 1][j]);
    for (size_t i = 0; i < n_thresholds; i++)
        ymax = fmax(ymax, thresholds_mg_l[i]);
    ymax = ymax > 0.0 ? 1.1 * ymax : 1.0;
    const char *xlabel;
    double u = gs__time_unit(r->t_h[0], r->t_h[r->n_out - 1], &xlabel);
    double *t = scaled(r->t_h, r->n_out, u);
    if (t == NULL)
        return gs_error_set(err, GS_NOMEM, "--plot", "out of memory drawing the plot");
    gs_status st = gs__plot_begin(out, "--plot", W, H, err);
    if (st != GS_OK) {
        gs_free(t);
        return st;
    }
    double x0 = t[0], x1 = t[r->n_out - 1], pad = 0.015 * (x1 - x0);
    struct gs__frame f = {0, 0, 0, 0, x0 - pad, x1 + pad, 0.0, ymax};
    char title[256], thr[160] = "";
    snprintf(title, sizeof title, "%s: %ld virtual subjects", gs_drug_name(d), r->n);
    for (size_t i = 0; i < n_thresholds; i++) {
        size_t len = 0;
        while (thr[len])
            len++;
        snprintf(thr + len, sizeof thr - len, "%s%g", i ? ", " : "threshold ", thresholds_mg_l[i]);
    }
    if (n_thresholds) {
        size_t len = 0;
        while (thr[len])
            len++;
        snprintf(thr + len, sizeof thr - len, " mg/L");
    }
    struct gs__legend_item it[4] = {{GS__KEY_LINE, GS__COL_LINE, "median"},
                                    {GS__KEY_BAND, GS__COL_BAND50, "25-75th percentile"},
                                    {GS__KEY_BAND, GS__COL_BAND90, "5-95th percentile"},
                                    {GS__KEY_DASHED, GS__COL_RED, thr}};
    struct gs__ticks xt, yt;
    layout(&f, title, it, n_thresholds ? 4 : 3, "concentration (mg/L)", &xt, &yt);
    gs__frame_use(&f);
    if (band(t, r->pct_mg_l[0], r->pct_mg_l[6], r->n_out, GS__COL_BAND90) != GS_OK ||
        band(t, r->pct_mg_l[2], r->pct_mg_l[4], r->n_out, GS__COL_BAND50) != GS_OK) {
        gs_free(t);
        gs__plot_abandon();
        return gs_error_set(err, GS_NOMEM, "--plot", "out of memory drawing the plot");
    }
    plcol0(GS__COL_LINE);
    plwidth(2.5);
    plline((PLINT)r->n_out, t, r->pct_mg_l[3]);
    plcol0(GS__COL_RED);
    plwidth(2.0);
    pllsty(2);
    for (size_t i = 0; i < n_thresholds; i++)
        pljoin(f.x0, thresholds_mg_l[i], f.x1, thresholds_mg_l[i]);
    pllsty(1);
    plwidth(1.0);
    gs_free(t);
    gs__axes(&f, &xt, &yt, F_AXIS, xlabel, "concentration (mg/L)");
    return gs__plot_end(out, "--plot", err);
}

gs_status gs_plot_profile(const struct gs_run *r, struct gs_outfile *out, struct gs_error *err)
{
    const struct gs_profile *p = r->profile;
    if (p->n < 2)
        return gs_error_set(err, GS_INPUT, "--plot", "a plot needs at least two output times");
    const char *xlabel;
    double u = gs__time_unit(p->t_h[0], p->t_h[p->n - 1], &xlabel);
    double t0 = p->t_h[0], t1 = p->t_h[p->n - 1], ymax = 0.0;
    for (size_t i = 0; i < p->n; i++)
        ymax = fmax(ymax, p->conc_mg_l[i]);
    const struct gs_summary *s = r->summary;
    int ss_band = isfinite(s->ss_cmin_mg_l) && isfinite(s->ss_cmax_mg_l);
    if (ss_band)
        ymax = fmax(ymax, s->ss_cmax_mg_l);
    ymax = ymax > 0.0 ? 1.12 * ymax : 1.0;
    int sessions = 0, missed = 0;
    for (size_t i = 0; i < r->events->n; i++) {
        const struct gs_event *e = &r->events->ev[i];
        sessions |= e->evid == GS_EVID_HD && e->time_h < t1 && e->time_h + e->dur_h > t0;
    }
    for (size_t i = 0; r->regimen && i < r->regimen->n_missed; i++)
        missed |= r->regimen->missed_h[i] >= t0 && r->regimen->missed_h[i] <= t1;
    double *t = scaled(p->t_h, p->n, u);
    if (t == NULL)
        return gs_error_set(err, GS_NOMEM, "--plot", "out of memory drawing the plot");
    gs_status st = gs__plot_begin(out, "--plot", W, H, err);
    if (st != GS_OK) {
        gs_free(t);
        return st;
    }
    double pad = 0.015 * (t1 - t0) * u;
    struct gs__frame f = {0, 0, 0, 0, t0 * u - pad, t1 * u + pad, 0.0, ymax};
    char title[256];
    snprintf(title, sizeof title, "%s: plasma concentration", gs_drug_name(r->drug));
    struct gs__legend_item it[5];
    size_t n_it = 0;
    it[n_it++] = (struct gs__legend_item){GS__KEY_LINE, GS__COL_LINE, "concentration"};
    if (ss_band)
        it[n_it++] = (struct gs__legend_item){GS__KEY_BAND, GS__COL_BAND,
                                              sessions ? "weekly steady-state Cmin-Cmax"
                                                       : "steady-state Cmin-Cmax"};
    it[n_it++] = (struct gs__legend_item){GS__KEY_TICK, GS__COL_RED, "dose"};
    if (missed)
        it[n_it++] = (struct gs__legend_item){GS__KEY_CROSS, GS__COL_GREY, "missed dose"};
    if (sessions)
        it[n_it++] = (struct gs__legend_item){GS__KEY_BAND, GS__COL_GREEN_BG, "dialysis session"};
    struct gs__ticks xt, yt;
    layout(&f, title, it, n_it, "concentration (mg/L)", &xt, &yt);
    gs__frame_use(&f);
    if (ss_band) {
        PLFLT bx[4] = {f.x0, f.x1, f.x1, f.x0};
        PLFLT by[4] = {s->ss_cmin_mg_l, s->ss_cmin_mg_l, s->ss_cmax_mg_l, s->ss_cmax_mg_l};
        plcol0(GS__COL_BAND);
        plfill(4, bx, by);
        plcol0(GS__COL_ORANGE);
        pljoin(f.x0, s->ss_cmin_mg_l, f.x1, s->ss_cmin_mg_l);
        pljoin(f.x0, s->ss_cmax_mg_l, f.x1, s->ss_cmax_mg_l);
    }
    for (size_t i = 0; i < r->events->n; i++) { /* dialysis sessions: start to end */
        const struct gs_event *e = &r->events->ev[i];
        if (e->evid != GS_EVID_HD || e->time_h >= t1 || e->time_h + e->dur_h <= t0)
            continue;
        double a = fmax(e->time_h, t0) * u, b = fmin(e->time_h + e->dur_h, t1) * u;
        PLFLT hx[4] = {a, b, b, a}, hy[4] = {0.0, 0.0, ymax, ymax};
        plcol0(GS__COL_GREEN_BG);
        plfill(4, hx, hy);
    }
    plcol0(GS__COL_LINE);
    plwidth(2.5);
    plline((PLINT)p->n, t, p->conc_mg_l);
    /* dose ticks and missed doses over the line, so that the first dose's tick shows */
    plcol0(GS__COL_RED);
    plwidth(2.0);
    for (size_t i = 0; i < r->events->n; i++) {
        const struct gs_event *e = &r->events->ev[i];
        if ((e->evid == GS_EVID_DOSE || e->evid == GS_EVID_RESET_DOSE) && e->time_h >= t0 &&
            e->time_h <= t1)
            pljoin(e->time_h * u, 0.0, e->time_h * u, 0.04 * ymax);
    }
    /* a missed dose: a grey dashed tick where it was due, a cross on top */
    plcol0(GS__COL_GREY);
    for (size_t i = 0; r->regimen && i < r->regimen->n_missed; i++) {
        double m = r->regimen->missed_h[i];
        if (m < t0 || m > t1)
            continue;
        gs__missed_dose_mark(m * u, ymax);
    }
    plwidth(1.0);
    gs_free(t);
    gs__axes(&f, &xt, &yt, F_AXIS, xlabel, "concentration (mg/L)");
    return gs__plot_end(out, "--plot", err);
}
