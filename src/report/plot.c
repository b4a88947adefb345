/* plot.c - concentration-time plot with PLplot (svg driver for .svg, pngcairo for .png).
 *
 * PLplot keeps global state and is not thread-safe; only front ends call this, once per run.
 */
#include <math.h>
#include <plplot/plplot.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gabasim/alloc.h"
#include "gabasim/population.h"
#include "gabasim/report.h"
#include "gabasim/plot.h"

/* The PLplot driver for a destination: by its extension; SVG for standard output and devices,
 * which have none to go by. */
static const char *device_for(const char *path)
{
    size_t n = strlen(path);
    if (gs_outfile_is_stream(path))
        return "svg";
    if (n > 4 && strcmp(path + n - 4, ".svg") == 0)
        return "svg";
    if (n > 4 && strcmp(path + n - 4, ".png") == 0)
        return "pngcairo";
    return NULL;
}

gs_status gs_plot_check_path(const char *path, const char *field, struct gs_error *err)
{
    if (device_for(path) == NULL || strchr(path, '%') != NULL)
        return gs_error_set(
            err, GS_INPUT, field,
            "'%s' is '%s'; give a file name ending in .svg or .png (no '%%'), or '-' "
            "for SVG on standard output",
            field, path);
    return GS_OK;
}

/* PLplot exits the process when asked for a driver it lacks: look first. */
static int have_device(const char *dev)
{
    const char **menu = NULL, **names = NULL;
    int n = 64;
    menu = malloc((size_t)n * sizeof *menu);
    names = malloc((size_t)n * sizeof *names);
    int found = 0;
    if (menu && names) {
        plgDevs(&menu, &names, &n);
        for (int i = 0; i < n; i++)
            if (strcmp(names[i], dev) == 0)
                found = 1;
    }
    free(menu);
    free(names);
    return found;
}

/* Checks the path and driver and starts PLplot on the outfile's temporary file. */
static gs_status begin_sized(struct gs_outfile *out, int height_px, struct gs_error *err)
{
    gs_status st = gs_plot_check_path(out->path, "--plot", err);
    if (st != GS_OK)
        return st;
    const char *dev = device_for(out->path);
    if (!have_device(dev))
        return gs_error_set(err, GS_UNSUPPORTED, "--plot",
                            "the PLplot '%s' driver is not installed (Debian package "
                            "plplot-driver-cairo)",
                            dev);
    if (out->f) { /* PLplot opens the temporary file by name */
        fclose(out->f);
        out->f = NULL;
    }
    plsdev(dev);
    plsfnam(out->tmp);
    plspage(0.0, 0.0, 960, height_px, 0, 0);
    plscolbg(255, 255, 255);
    plinit();
    plscol0(1, 40, 40, 40);          /* axes and text */
    plscol0(2, 31, 119, 180);        /* concentration */
    plscol0a(3, 255, 127, 14, 0.25); /* steady-state band */
    plscol0(4, 214, 39, 40);         /* dose markers */
    plscol0(5, 255, 127, 14);        /* band edges */
    plscol0a(6, 31, 119, 180, 0.18); /* 90 % band */
    plscol0a(7, 31, 119, 180, 0.35); /* 50 % band */
    plscol0a(8, 44, 160, 44, 0.22);  /* dialysis sessions */
    return GS_OK;
}

/* Ends PLplot's page and checks the file it wrote by name is whole: PLplot does not report a
 * failed write (a full disk left an empty or truncated SVG, and exit 0), so an SVG must end with
 * its closing tag and a PNG with its IEND chunk; then the data are flushed to the device, where
 * a late write error shows. GS_IO naming the output otherwise (the commit then never happens). */
static gs_status end_plot(struct gs_outfile *out, struct gs_error *err)
{
    plend();
    static const unsigned char iend[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
    unsigned char tail[64];
    size_t n = 0;
    int ok = 0;
    FILE *f = fopen(out->tmp, "rb");
    if (f != NULL) {
        if (fseek(f, -(long)sizeof tail, SEEK_END) != 0)
            rewind(f); /* shorter than the tail: read it whole */
        n = fread(tail, 1, sizeof tail, f);
        if (strcmp(device_for(out->path), "pngcairo") == 0)
            ok = n >= sizeof iend && memcmp(tail + n - sizeof iend, iend, sizeof iend) == 0;
        else
            for (size_t i = 0; i + 6 <= n && !ok; i++)
                ok = memcmp(tail + i, "</svg>", 6) == 0;
        ok = ok && fsync(fileno(f)) == 0;
        if (fclose(f) != 0)
            ok = 0;
    }
    if (!ok)
        return gs_error_set(err, GS_IO, "--plot",
                            "writing '%s' failed: the plot came out incomplete (a full disk?)",
                            out->path);
    return GS_OK;
}

static gs_status begin(struct gs_outfile *out, struct gs_error *err)
{
    return begin_sized(out, 600, err);
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
                             struct gs_outfile *out, struct gs_error *err)
{
    if (r->n_out < 2)
        return gs_error_set(err, GS_INPUT, "--plot", "a plot needs at least two output times");
    gs_status st = begin(out, err);
    if (st != GS_OK)
        return st;
    double ymax = 0.0;
    for (size_t j = 0; j < r->n_out; j++)
        ymax = fmax(ymax, r->pct_mg_l[GS_POP_N_PCT - 1][j]);
    ymax = ymax > 0.0 ? 1.1 * ymax : 1.0;
    plcol0(1);
    plenv(r->t_h[0], r->t_h[r->n_out - 1], 0.0, ymax, 0, 0);
    char title[256];
    snprintf(title, sizeof title, "%s: %ld virtual subjects", gs_drug_name(d), r->n);
    pllab("time (h)", "concentration (mg/L)", title);
    if (band(r->t_h, r->pct_mg_l[0], r->pct_mg_l[6], r->n_out, 6) != GS_OK ||
        band(r->t_h, r->pct_mg_l[2], r->pct_mg_l[4], r->n_out, 7) != GS_OK) {
        plend();
        return gs_error_set(err, GS_NOMEM, "--plot", "out of memory drawing the plot");
    }
    plcol0(2);
    plwidth(2.5);
    plline((PLINT)r->n_out, r->t_h, r->pct_mg_l[3]);
    plwidth(1.0);
    plcol0(1);
    plschr(0.0, 0.7);
    plmtex("t", 0.6, 1.0, 1.0, "line: median   dark band: 25-75th percentile   light: 5-95th");
    return end_plot(out, err);
}

gs_status gs_plot_profile(const struct gs_run *r, struct gs_outfile *out, struct gs_error *err)
{
    const struct gs_profile *p = r->profile;
    if (p->n < 2)
        return gs_error_set(err, GS_INPUT, "--plot", "a plot needs at least two output times");
    double x0 = p->t_h[0], x1 = p->t_h[p->n - 1], ymax = 0.0;
    for (size_t i = 0; i < p->n; i++)
        ymax = fmax(ymax, p->conc_mg_l[i]);
    const struct gs_summary *s = r->summary;
    if (isfinite(s->ss_cmax_mg_l))
        ymax = fmax(ymax, s->ss_cmax_mg_l);
    ymax = ymax > 0.0 ? 1.12 * ymax : 1.0;

    gs_status st = begin(out, err);
    if (st != GS_OK)
        return st;
    plcol0(1);
    plenv(x0, x1, 0.0, ymax, 0, 0);
    char title[256];
    snprintf(title, sizeof title, "%s: plasma concentration", gs_drug_name(r->drug));
    pllab("time (h)", "concentration (mg/L)", title);

    if (isfinite(s->ss_cmin_mg_l) && isfinite(s->ss_cmax_mg_l)) {
        PLFLT bx[4] = {x0, x1, x1, x0};
        PLFLT by[4] = {s->ss_cmin_mg_l, s->ss_cmin_mg_l, s->ss_cmax_mg_l, s->ss_cmax_mg_l};
        plcol0(3);
        plfill(4, bx, by);
        plcol0(5);
        pljoin(x0, s->ss_cmin_mg_l, x1, s->ss_cmin_mg_l);
        pljoin(x0, s->ss_cmax_mg_l, x1, s->ss_cmax_mg_l);
    }
    /* dialysis sessions: shaded from start to end */
    int sessions = 0;
    for (size_t i = 0; i < r->events->n; i++) {
        const struct gs_event *e = &r->events->ev[i];
        if (e->evid != GS_EVID_HD || e->time_h >= x1 || e->time_h + e->dur_h <= x0)
            continue;
        double a = fmax(e->time_h, x0), b = fmin(e->time_h + e->dur_h, x1);
        PLFLT hx[4] = {a, b, b, a}, hy[4] = {0.0, 0.0, ymax, ymax};
        plcol0(8);
        plfill(4, hx, hy);
        sessions = 1;
    }
    plcol0(4);
    plwidth(2.0);
    for (size_t i = 0; i < r->events->n; i++) {
        const struct gs_event *e = &r->events->ev[i];
        if ((e->evid == GS_EVID_DOSE || e->evid == GS_EVID_RESET_DOSE) && e->time_h >= x0 &&
            e->time_h <= x1)
            pljoin(e->time_h, 0.0, e->time_h, 0.04 * ymax);
    }
    plcol0(2);
    plwidth(2.5);
    plline((PLINT)p->n, p->t_h, p->conc_mg_l);
    plwidth(1.0);
    plcol0(1);
    plschr(0.0, 0.7);
    plmtex("t", 0.6, 1.0, 1.0,
           sessions ? "line: concentration   band: weekly steady-state Cmin-Cmax   red ticks: "
                      "doses   green: dialysis sessions"
                    : "line: concentration   band: steady-state Cmin-Cmax   red ticks: doses");
    return end_plot(out, err);
}

gs_status gs_plot_forest(const struct gs_forest_row *rows, size_t n, size_t n_pooled, int ratio,
                         const char *xlabel, struct gs_outfile *out, struct gs_error *err)
{
    if (n < 1 || n_pooled > n)
        return gs_error_set(err, GS_INPUT, "--plot", "a forest plot needs at least one study");
    if (n > 200)
        return gs_error_set(err, GS_INPUT, "--plot",
                            "%zu rows; a forest plot is drawn for up to 200", n);
    /* x on the analysis scale: log for ratios, with the axis labelled in ratios */
    double x0 = INFINITY, x1 = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (!(isfinite(rows[i].lo) && isfinite(rows[i].hi) && rows[i].lo <= rows[i].est &&
              rows[i].est <= rows[i].hi))
            return gs_error_set(err, GS_INPUT, "--plot", "row %zu ('%s') has no finite interval",
                                i + 1, rows[i].label);
        x0 = fmin(x0, rows[i].lo), x1 = fmax(x1, rows[i].hi);
    }
    x0 = fmin(x0, 0.0), x1 = fmax(x1, 0.0);
    double pad = 0.05 * (x1 - x0 > 0 ? x1 - x0 : 1.0);
    x0 -= pad, x1 += pad;
    gs_status st = begin_sized(out, 140 + 26 * (int)n, err);
    if (st != GS_OK)
        return st;
    const double ytop = (double)n + 1.0;
    plcol0(1);
    plschr(0.0, 0.8);
    pladv(0);
    plvpor(0.36, 0.97, 90.0 / (140 + 26 * n), 1.0 - 40.0 / (140 + 26 * n));
    /* PLplot's log axis (10 in plbox's option letters) needs log10 values */
    const double k = ratio ? 1.0 / log(10.0) : 1.0;
    plwind(k * x0, k * x1, 0.0, ytop);
    plbox(ratio ? "bcnstl" : "bcnst", 0.0, 0, "bc", 0.0, 0);
    pllab(xlabel, "", "");
    plcol0(5);
    pljoin(0.0, 0.0, 0.0, ytop); /* no effect */
    for (size_t i = 0; i < n; i++) {
        const struct gs_forest_row *r = &rows[i];
        double y = ytop - 1.0 - (double)i - (i >= n - n_pooled ? 0.5 : 0.0);
        plcol0(1);
        plmtex("lv", 1.0, y / ytop, 1.0, r->label);
        if (i >= n - n_pooled) { /* pooled: a diamond */
            PLFLT dx[4] = {k * r->lo, k * r->est, k * r->hi, k * r->est};
            PLFLT dy[4] = {y, y + 0.3, y, y - 0.3};
            plcol0(4);
            plfill(4, dx, dy);
            continue;
        }
        plcol0(2);
        plwidth(1.5);
        pljoin(k * r->lo, y, k * r->hi, y);
        double h = 0.08 + 0.3 * sqrt(fmax(0.0, fmin(r->weight_pct, 100.0)) / 100.0);
        /* half-width in x units for a square: 26 px per row, viewport 0.61 x 960 px wide */
        double w = h * 26.0 / (0.61 * 960.0) * k * (x1 - x0);
        PLFLT bx[4] = {k * r->est - w, k * r->est + w, k * r->est + w, k * r->est - w};
        PLFLT by[4] = {y - h, y - h, y + h, y + h};
        plfill(4, bx, by);
    }
    plwidth(1.0);
    return end_plot(out, err);
}

gs_status gs_plot_lines(const struct gs_plot_lines_request *req, struct gs_outfile *out,
                        struct gs_error *err)
{
    const struct gs_plot_series *s = req->series;
    const size_t n_series = req->n_series;
    const double ymin = req->ymin, ymax = req->ymax;
    double xmin = INFINITY, xmax = -INFINITY;
    for (size_t k = 0; k < n_series; k++)
        for (size_t i = 0; i < s[k].n; i++) {
            xmin = fmin(xmin, s[k].x[i]);
            xmax = fmax(xmax, s[k].x[i]);
        }
    if (n_series == 0 || !(xmax > xmin) || !(ymax > ymin))
        return gs_error_set(err, GS_INPUT, "--plot", "nothing to plot (need two x values)");
    gs_status st = begin(out, err);
    if (st != GS_OK)
        return st;
    static const int colours[4][3] = {
        {31, 119, 180}, {214, 39, 40}, {44, 160, 44}, {148, 103, 189}};
    for (int k = 0; k < 4; k++)
        plscol0(8 + k, colours[k][0], colours[k][1], colours[k][2]);
    double pad = 0.03 * (xmax - xmin);
    plcol0(1);
    plenv(xmin - pad, xmax + pad, ymin, ymax, 0, 0);
    pllab(req->xlabel, req->ylabel, req->title);
    for (size_t k = 0; k < n_series; k++) {
        plcol0(8 + (int)(k % 4));
        plwidth(2.0);
        /* NaN points (no data) break the line */
        for (size_t i = 0; i + 1 < s[k].n; i++)
            if (!isnan(s[k].y[i]) && !isnan(s[k].y[i + 1]))
                pljoin(s[k].x[i], s[k].y[i], s[k].x[i + 1], s[k].y[i + 1]);
        plwidth(1.0);
        for (size_t i = 0; i < s[k].n; i++) {
            if (isnan(s[k].y[i]))
                continue;
            PLFLT x = s[k].x[i], y = s[k].y[i];
            plpoin(1, &x, &y, 17);
            if (s[k].lo && s[k].hi && !isnan(s[k].lo[i]) && !isnan(s[k].hi[i])) {
                PLFLT lo = s[k].lo[i], hi = s[k].hi[i];
                plerry(1, &x, &lo, &hi);
            }
        }
        plschr(0.0, 0.75);
        plmtex("t", 0.6 + 1.2 * (double)(n_series - 1 - k), 0.02, 0.0, s[k].label);
        plschr(0.0, 1.0);
    }
    return end_plot(out, err);
}
