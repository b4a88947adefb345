/* advise_html_plot.c - the patient's page's plot: the calendar's concentrations drawn by PLplot
 * (gs_plot_profile) as SVG into a temporary file, read back and inlined with its fixed size taken
 * off (its viewBox scales it to the page) and a <title> and <desc> that say in words what it
 * shows. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "advise_int.h"
#include "gabasim/alloc.h"
#include "gabasim/gabasim.h"

/* Largest plot inlined (bytes). */
#define PLOT_MAX (16 << 20)

/* Reads the whole of `path` (at most PLOT_MAX bytes) into a NUL-terminated buffer. */
static char *slurp(const char *path)
{
    FILE *in = fopen(path, "rb");
    if (in == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = gs_malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - 1 - n, in);
        if (n < cap - 1 || cap >= PLOT_MAX)
            break;
        char *grown = gs_realloc(buf, 2 * cap);
        if (grown == NULL)
            gs_free(buf);
        buf = grown;
        cap *= 2;
    }
    int bad = ferror(in);
    fclose(in);
    if (buf && bad) {
        gs_free(buf);
        return NULL;
    }
    if (buf)
        buf[n] = '\0';
    return buf;
}

/* The opening tag of PLplot's SVG `tag` (up to its '>') without its fixed width and height, so
 * that the viewBox scales it to the page, with the plot named for screen readers. */
static void svg_open(FILE *f, const char *tag, size_t len)
{
    fputs("<svg", f);
    const char *p = tag + 4, *end = tag + len;
    while (p < end) {
        const char *attr = p;
        while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
            p++;
        const char *name = p;
        while (p < end && *p != '=' && *p != ' ' && *p != '\n')
            p++;
        int drop = (p - name == 5 && strncmp(name, "width", 5) == 0) ||
                   (p - name == 6 && strncmp(name, "height", 6) == 0);
        if (p < end && *p == '=' && p + 1 < end && p[1] == '"') {
            const char *q = memchr(p + 2, '"', (size_t)(end - p - 2));
            p = q ? q + 1 : end;
        }
        if (!drop)
            fwrite(attr, 1, (size_t)(p - attr), f);
        if (p == attr)
            p++;
    }
    fputs(" width=\"100%\" role=\"img\" aria-labelledby=\"plot-title plot-desc\">", f);
}

/* The SVG plot of the calendar's concentrations, drawn by PLplot into a temporary file beside the
 * page and read back to be inlined; its XML prologue is dropped, and a <title> and <desc> that
 * say what it shows in words are added. */
gs_status gs__advise_plot_html(FILE *f, const struct gs_advise_result *r, const char *page_path,
                               struct gs_error *err)
{
    char svg_path[4200];
    snprintf(svg_path, sizeof svg_path, "%s.plot.svg", page_path);
    struct gs_outfile o;
    gs_status st = gs_outfile_open(&o, svg_path, "--html", err);
    if (st != GS_OK)
        return st;
    struct gs_run run = {r->drug,     &r->patient, &r->model, &r->regimen, &r->events,
                         &r->profile, &r->typical, "",        NULL};
    if ((st = gs_plot_profile(&run, &o, err)) != GS_OK) {
        gs_outfile_abort(&o);
        return st;
    }
    char *buf = slurp(o.tmp);
    gs_outfile_abort(&o); /* the plot lives inside the page only */
    if (buf == NULL)
        return gs_error_set(err, GS_IO, "--html", "cannot read the plot back");
    const char *svg = strstr(buf, "<svg");
    const char *gt = svg ? strchr(svg, '>') : NULL;
    if (gt == NULL) {
        gs_free(buf);
        return gs_error_set(err, GS_IO, "--html", "the plot is not SVG");
    }
    const struct gs_summary *s = &r->typical;
    char days[32];
    /* the plot scrolls sideways on a narrow screen: a keyboard must reach it (axe-core's
     * scrollable-region-focusable, found by the browser test of gabasim serve at 390 px) */
    fputs("<figure><div class=\"plot\" tabindex=\"0\" role=\"region\" "
          "aria-labelledby=\"plot-title\">",
          f);
    svg_open(f, svg, (size_t)(gt - svg));
    fputs("<title id=\"plot-title\">Predicted level of ", f);
    gs__html_escape(f, gs_drug_name(r->drug));
    fprintf(f,
            " in the blood over %s</title>\n<desc id=\"plot-desc\">The line shows the "
            "predicted level (mg/L) in the blood of a typical person like you, hour by hour, on "
            "this calendar. It goes up and down with each dose.",
            gs__advise_days(days, sizeof days, r->days));
    if (isfinite(s->ss_cmin_mg_l) && isfinite(s->ss_cmax_mg_l))
        fprintf(f, " On the full dose it swings between %.2g and %.2g mg/L (the shaded band).",
                s->ss_cmin_mg_l, s->ss_cmax_mg_l);
    fputs(" Red ticks at the bottom mark the doses.</desc>", f);
    fputs(gt + 1, f);
    fputs("</div><figcaption>The level of the medicine in the blood of a typical person like you "
          "(mg/L), over time. Red ticks mark the doses. The shaded band is where the level swings "
          "on the full dose. On a small screen, swipe the plot sideways.</figcaption></figure>\n",
          f);
    gs_free(buf);
    return GS_OK;
}
