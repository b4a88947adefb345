/* plot.c - the plots' common layer (plot_int.h): PLplot started on an outfile (svg driver for
 * .svg, pngcairo for .png) and checked whole at the end, text measured and placed in page
 * pixels, round ticks, axes, titles and legends. The plots themselves are in plot_profile.c,
 * plot_lines.c, plot_forest.c and plot_funnel.c.
 *
 * PLplot keeps global state and is not thread-safe; only front ends call this, once per run.
 */
#include <math.h>
#include <plplot/plplot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gabasim/alloc.h"
#include "gabasim/plot.h"
#include "plot_int.h"

static int page_w = 960, page_h = 600; /* the page being drawn (PLplot is global too) */

int gs__page_w(void)
{
    return page_w;
}

int gs__page_h(void)
{
    return page_h;
}

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

gs_status gs__plot_begin(struct gs_outfile *out, const char *field, int w, int h,
                         struct gs_error *err)
{
    gs_status st = gs_plot_check_path(out->path, field, err);
    if (st != GS_OK)
        return st;
    const char *dev = device_for(out->path);
    if (!have_device(dev))
        return gs_error_set(err, GS_UNSUPPORTED, field,
                            "the PLplot '%s' driver is not installed (Debian package "
                            "plplot-driver-cairo)",
                            dev);
    if (out->f) { /* PLplot opens the temporary file by name */
        fclose(out->f);
        out->f = NULL;
    }
    page_w = w;
    page_h = h;
    plsdev(dev);
    plsfnam(out->tmp);
    plspage(0.0, 0.0, w, h, 0, 0);
    plscolbg(255, 255, 255);
    plinit();
    pladv(0);
    plscol0(GS__COL_TEXT, 40, 40, 40);
    plscol0(GS__COL_LINE, 31, 119, 180);
    plscol0a(GS__COL_BAND, 255, 127, 14, 0.25);
    plscol0(GS__COL_RED, 214, 39, 40);
    plscol0(GS__COL_ORANGE, 255, 127, 14);
    plscol0a(GS__COL_BAND90, 31, 119, 180, 0.18);
    plscol0a(GS__COL_BAND50, 31, 119, 180, 0.35);
    plscol0a(GS__COL_GREEN_BG, 44, 160, 44, 0.22);
    plscol0(GS__COL_GREY, 110, 110, 110);
    plscol0(GS__COL_LIGHT, 225, 225, 225);
    plscol0(GS__COL_WHITE, 255, 255, 255);
    static const int series[4][3] = {{31, 119, 180}, {214, 39, 40}, {44, 160, 44}, {148, 103, 189}};
    for (int k = 0; k < 4; k++)
        plscol0(GS__COL_SERIES + k, series[k][0], series[k][1], series[k][2]);
    return GS_OK;
}

void gs__plot_abandon(void)
{
    plend();
}

/* Ends PLplot's page and checks the file it wrote by name is whole: PLplot does not report a
 * failed write (a full disk left an empty or truncated SVG, and exit 0), so an SVG must end with
 * its closing tag and a PNG with its IEND chunk; then the data are flushed to the device, where
 * a late write error shows. GS_IO naming the output otherwise (the commit then never happens). */
gs_status gs__plot_end(struct gs_outfile *out, const char *field, struct gs_error *err)
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
        return gs_error_set(err, GS_IO, field,
                            "writing '%s' failed: the plot came out incomplete (a full disk?)",
                            out->path);
    return GS_OK;
}

/* ---- text ---- */

/* DejaVu Sans advance widths of ' ' to '~' in thousandths of an em (read from DejaVuSans.ttf's
 * hmtx table, 2048 units per em). */
static const short ascii_w[95] = {
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361,  318, 337, 636, 636, 636,
    636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632,
    575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635,  611, 732, 684, 989, 685,
    611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352,  635, 634, 278, 278, 579,
    278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592,  525, 636, 337, 636, 838};

double gs__text_w(const char *s, double px, int bold)
{
    double em = 0.0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        if (c < 0x80) {
            em += c >= 32 && c < 127 ? ascii_w[c - 32] : 600;
            p++;
            continue;
        }
        /* a multi-byte character: its code point decides between wide (CJK) and ordinary */
        unsigned cp = 0;
        int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        cp = len == 4 ? c & 7 : len == 3 ? c & 15 : len == 2 ? c & 31 : 0;
        p++;
        for (int i = 1; i < len && (*p & 0xC0) == 0x80; i++, p++)
            cp = cp << 6 | (*p & 63);
        em += cp >= 0x2E80 ? 1000 : 760;
    }
    return em / 1000.0 * px * (bold ? 1.15 : 1.0);
}

/* PLplot's character height (mm) for an SVG font-size of `px`: its svg driver writes
 * floor(3.75 x height in mm) (measured on PLplot 5.15; cairo draws the same size). */
static void set_font(double px, int bold)
{
    plschr((px + 0.5) / 3.75, 1.0);
    plsfont(PL_FCI_SANS, PL_FCI_UPRIGHT, bold ? PL_FCI_BOLD : PL_FCI_MEDIUM);
}

/* `s` with PLplot's escape character '#' doubled, into buf (cut at cap). */
static const char *escaped(const char *s, char *buf, size_t cap)
{
    size_t j = 0;
    for (; *s && j + 3 < cap; s++) {
        if (*s == '#')
            buf[j++] = '#';
        buf[j++] = *s;
    }
    buf[j] = '\0';
    return buf;
}

void gs__text(double x, double y, double just, double px, int bold, const char *s)
{
    char buf[1024];
    gs__page_use();
    set_font(px, bold);
    plcol0(GS__COL_TEXT);
    plptex(x, page_h - y, 1.0, 0.0, just, escaped(s, buf, sizeof buf));
}

void gs__text_up(double x, double y, double px, const char *s)
{
    char buf[1024];
    gs__page_use();
    set_font(px, 0);
    plcol0(GS__COL_TEXT);
    plptex(x, page_h - y, 0.0, 1.0, 0.5, escaped(s, buf, sizeof buf));
}

size_t gs__wrap(const char *s, double px, int bold, double max_w, char (*lines)[256],
                size_t max_lines)
{
    size_t n = 0;
    char cur[256] = "";
    while (*s) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        const char *e = strchr(s, ' ');
        size_t wl = e ? (size_t)(e - s) : strlen(s);
        char word[256];
        snprintf(word, sizeof word, "%.*s", (int)(wl < 255 ? wl : 255), s);
        s += wl;
        char trial[520];
        snprintf(trial, sizeof trial, "%s%s%s", cur, cur[0] ? " " : "", word);
        if (cur[0] && gs__text_w(trial, px, bold) > max_w) {
            if (n < max_lines)
                snprintf(lines[n], 256, "%s", cur);
            n++;
            snprintf(cur, sizeof cur, "%s", word);
        } else {
            snprintf(cur, sizeof cur, "%.255s", trial);
        }
    }
    if (cur[0]) {
        if (n < max_lines)
            snprintf(lines[n], 256, "%s", cur);
        n++;
    }
    return n;
}

/* ---- frames ---- */

void gs__frame_use(const struct gs__frame *f)
{
    plvpor(f->l / page_w, f->r / page_w, 1.0 - f->b / page_h, 1.0 - f->t / page_h);
    plwind(f->x0, f->x1, f->y0, f->y1);
}

void gs__page_use(void)
{
    plvpor(0.0, 1.0, 0.0, 1.0);
    plwind(0.0, page_w, 0.0, page_h);
}

double gs__px_x(const struct gs__frame *f, double x)
{
    return f->l + (x - f->x0) / (f->x1 - f->x0) * (f->r - f->l);
}

double gs__px_y(const struct gs__frame *f, double y)
{
    return f->b - (y - f->y0) / (f->y1 - f->y0) * (f->b - f->t);
}

/* ---- ticks ---- */

/* Whether the labels of t, at their pixel positions (pos), keep 10 px apart. */
static int labels_fit(const struct gs__ticks *t, const double *pos, double px, int vertical)
{
    for (size_t i = 0; i + 1 < t->n; i++) {
        double need =
            vertical ? 2.6 * px
                     : 0.5 * (gs__text_w(t->s[i], px, 0) + gs__text_w(t->s[i + 1], px, 0)) + 10.0;
        if (fabs(pos[i + 1] - pos[i]) < need)
            return 0;
    }
    return 1;
}

/* Round steps over [lo, hi]: ticks at multiples of `step`, labelled with `dec` decimals. */
static void fill_linear(double lo, double hi, double step, int dec, struct gs__ticks *t)
{
    t->n = 0;
    double first = ceil(lo / step - 1e-9) * step;
    for (double v = first; v <= hi + 1e-9 * step && t->n < GS__MAX_TICKS; v += step) {
        double x = fabs(v) < 1e-9 * step ? 0.0 : v;
        t->v[t->n] = x;
        snprintf(t->s[t->n], sizeof t->s[0], "%.*f", dec, x);
        t->n++;
    }
}

void gs__ticks_linear(double lo, double hi, double avail_px, double px, int vertical,
                      struct gs__ticks *t)
{
    static const double mult[4] = {1.0, 2.0, 2.5, 5.0};
    double span = hi - lo > 0 ? hi - lo : 1.0;
    double e = floor(log10(span / 12.0));
    for (int tries = 0; tries < 40; tries++) {
        double p10 = pow(10.0, e + tries / 4);
        double step = mult[tries % 4] * p10;
        int dec = (int)fmax(0.0, -(e + tries / 4) + (tries % 4 == 2 ? 1 : 0));
        if (span / step > GS__MAX_TICKS - 1)
            continue;
        fill_linear(lo, hi, step, dec, t);
        double pos[GS__MAX_TICKS];
        for (size_t i = 0; i < t->n; i++)
            pos[i] = (t->v[i] - lo) / span * avail_px;
        if (labels_fit(t, pos, px, vertical))
            return;
    }
    t->n = 0;
}

void gs__ticks_log(double lo, double hi, double avail_px, double px, struct gs__ticks *t)
{
    double span = hi - lo > 0 ? hi - lo : 1.0;
    if (hi - lo < log(4.0)) { /* a narrow range: round ratios, evenly spaced */
        struct gs__ticks r;
        double a = exp(lo), b = exp(hi);
        /* as many as fit at their log positions: ask for fewer until they do */
        for (double want = avail_px; want > 20.0; want *= 0.8) {
            gs__ticks_linear(a, b, want, px, 0, &r);
            double pos[GS__MAX_TICKS];
            t->n = 0;
            for (size_t i = 0; i < r.n; i++)
                if (r.v[i] > 0) {
                    t->v[t->n] = log(r.v[i]);
                    pos[t->n] = (t->v[t->n] - lo) / span * avail_px;
                    snprintf(t->s[t->n], sizeof t->s[0], "%s", r.s[i]);
                    t->n++;
                }
            if (t->n >= 2 && labels_fit(t, pos, px, 0))
                return;
        }
        return;
    }
    /* 1-2-5 per decade, then 1 per decade, then every second or third decade */
    static const double sets[2][3] = {{1, 2, 5}, {1, 0, 0}};
    for (int level = 0; level < 6; level++) {
        int every = level < 2 ? 1 : level; /* decades between ticks */
        const double *m = sets[level == 0 ? 0 : 1];
        t->n = 0;
        double pos[GS__MAX_TICKS];
        for (int d = (int)floor(lo / log(10.0)) - 1; d <= (int)ceil(hi / log(10.0)) + 1; d++) {
            if (d % every != 0)
                continue;
            for (int j = 0; j < 3 && m[j] > 0; j++) {
                double v = m[j] * pow(10.0, d), lv = log(v);
                if (lv < lo - 1e-9 || lv > hi + 1e-9 || t->n == GS__MAX_TICKS)
                    continue;
                t->v[t->n] = lv;
                pos[t->n] = (lv - lo) / span * avail_px;
                snprintf(t->s[t->n], sizeof t->s[0], "%g", v);
                t->n++;
            }
        }
        if (t->n >= 2 && labels_fit(t, pos, px, 0))
            return;
    }
}

double gs__axes(const struct gs__frame *f, const struct gs__ticks *xt, const struct gs__ticks *yt,
                double px, const char *xlabel, const char *ylabel)
{
    gs__frame_use(f);
    plcol0(GS__COL_TEXT);
    plwidth(1.0);
    pllsty(1);
    plbox("bc", 0.0, 0, "bc", 0.0, 0);
    double dx = (f->x1 - f->x0) / (f->r - f->l), dy = (f->y1 - f->y0) / (f->b - f->t);
    for (size_t i = 0; xt && i < xt->n; i++)
        pljoin(xt->v[i], f->y0, xt->v[i], f->y0 + 6.0 * dy);
    for (size_t i = 0; yt && i < yt->n; i++)
        pljoin(f->x0, yt->v[i], f->x0 + 6.0 * dx, yt->v[i]);
    double ymax_w = 0.0;
    for (size_t i = 0; xt && i < xt->n; i++)
        gs__text(gs__px_x(f, xt->v[i]), f->b + 8.0 + 0.6 * px, 0.5, px, 0, xt->s[i]);
    for (size_t i = 0; yt && i < yt->n; i++) {
        gs__text(f->l - 7.0, gs__px_y(f, yt->v[i]), 1.0, px, 0, yt->s[i]);
        ymax_w = fmax(ymax_w, gs__text_w(yt->s[i], px, 0));
    }
    double y = f->b + 8.0 + 1.2 * px;
    if (xlabel && xlabel[0]) {
        gs__text(0.5 * (f->l + f->r), y + 0.8 * px, 0.5, px, 0, xlabel);
        y += 1.6 * px;
    }
    if (ylabel && ylabel[0])
        gs__text_up(f->l - 14.0 - ymax_w - 0.6 * px, 0.5 * (f->t + f->b), px, ylabel);
    return y;
}

/* ---- titles and legends ---- */

double gs__title(const char *s, double x0, double x1, double y, double px, int draw)
{
    char lines[4][256];
    size_t n = gs__wrap(s, px, 0, x1 - x0, lines, 4);
    if (n > 4) { /* a very long title: smaller, up to four lines */
        px *= 0.8;
        n = gs__wrap(s, px, 0, x1 - x0, lines, 4);
        n = n > 4 ? 4 : n;
    }
    for (size_t i = 0; draw && i < n; i++)
        gs__text(0.5 * (x0 + x1), y + (0.65 + 1.3 * (double)i) * px, 0.5, px, 0, lines[i]);
    return 1.3 * px * (double)n;
}

/* The sample of a legend entry, `w` pixels wide from x, centred on y. */
static void key_sample(const struct gs__legend_item *it, double x, double y, double w, double px)
{
    gs__page_use();
    double Y = page_h - y;
    plcol0(it->col);
    switch (it->key) {
    case GS__KEY_LINE:
    case GS__KEY_DASHED:
        plwidth(2.5);
        pllsty(it->key == GS__KEY_DASHED ? 2 : 1);
        pljoin(x, Y, x + w, Y);
        pllsty(1);
        break;
    case GS__KEY_BAND: {
        PLFLT bx[4] = {x, x + w, x + w, x},
              by[4] = {Y - 0.4 * px, Y - 0.4 * px, Y + 0.4 * px, Y + 0.4 * px};
        plfill(4, bx, by);
        break;
    }
    case GS__KEY_TICK:
        plwidth(2.0);
        pljoin(x + 0.5 * w, Y - 0.45 * px, x + 0.5 * w, Y + 0.45 * px);
        break;
    case GS__KEY_POINT:
    case GS__KEY_CROSS: {
        PLFLT px1 = x + 0.5 * w, py1 = Y;
        plschr(0.0, 0.8);
        plssym(0.0, 1.2);
        plwidth(1.5);
        plpoin(1, &px1, &py1, it->key == GS__KEY_POINT ? 17 : 5);
        break;
    }
    }
    plwidth(1.0);
    plcol0(GS__COL_TEXT);
}

double gs__legend(const struct gs__legend_item *it, size_t n, double x0, double x1, double y,
                  double px, int draw)
{
    const double sample = 26.0, gap = 6.0, sep = 22.0, row = 1.5 * px;
    double x = x0, rows = n ? 1 : 0;
    for (size_t i = 0; i < n; i++) {
        double w = sample + gap + gs__text_w(it[i].label, px, 0);
        if (x > x0 && x + w > x1) {
            x = x0;
            rows++;
        }
        if (draw) {
            double yc = y + (rows - 0.5) * row;
            key_sample(&it[i], x, yc, sample, px);
            gs__text(x + sample + gap, yc, 0.0, px, 0, it[i].label);
        }
        x += w + sep;
    }
    return rows * row;
}

double gs__time_unit(double t0_h, double t1_h, const char **label)
{
    if (t1_h - t0_h > 72.0) {
        *label = "time (days)";
        return 1.0 / 24.0;
    }
    *label = "time (h)";
    return 1.0;
}

void gs__missed_dose_mark(double x, double ymax)
{
    PLFLT mx = x, my = 0.075 * ymax;
    pllsty(2);
    pljoin(mx, 0.0, mx, 0.06 * ymax);
    pllsty(1);
    plschr(0.0, 0.8);
    plssym(0.0, 1.4);
    plpoin(1, &mx, &my, 5);
}
