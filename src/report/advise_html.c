/* advise_html.c - the advice as one self-contained page for the patient (styles inline, the plot
 * as inline SVG, no scripts, no external resources) in plain language, with the numbers
 * traceable to the model and the sources listed. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "advise_int.h"
#include "gabasim/alloc.h"
#include "gabasim/gabasim.h"
#include "gabasim/report_advise.h"

/* Largest plot inlined (bytes). */
#define PLOT_MAX (16 << 20)

void gs__html_escape(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

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

/* The SVG plot of the calendar's concentrations, drawn by PLplot into a temporary file beside the
 * page and read back to be inlined; its XML prologue is dropped. */
static gs_status inline_plot(FILE *f, const struct gs_advise_result *r, const char *page_path,
                             struct gs_error *err)
{
    char svg_path[4200];
    snprintf(svg_path, sizeof svg_path, "%s.plot.svg", page_path);
    struct gs_outfile o;
    gs_status st = gs_outfile_open(&o, svg_path, "--html", err);
    if (st != GS_OK)
        return st;
    struct gs_run run = {r->drug,    &r->patient, &r->model,   &r->regimen,
                         &r->events, &r->profile, &r->typical, "", NULL};
    if ((st = gs_plot_profile(&run, &o, err)) != GS_OK) {
        gs_outfile_abort(&o);
        return st;
    }
    char *buf = slurp(o.tmp);
    gs_outfile_abort(&o); /* the plot lives inside the page only */
    if (buf == NULL)
        return gs_error_set(err, GS_IO, "--html", "cannot read the plot back");
    const char *svg = strstr(buf, "<svg");
    if (svg == NULL) {
        gs_free(buf);
        return gs_error_set(err, GS_IO, "--html", "the plot is not SVG");
    }
    fputs("<figure>", f);
    fputs(svg, f);
    fputs("<figcaption>Predicted blood level of a typical patient like you on this calendar "
          "(mg/L). Red ticks: doses. Shaded: the steady-state range.</figcaption></figure>\n",
          f);
    gs_free(buf);
    return GS_OK;
}

static void head_html(FILE *f, const struct gs_advise_result *r)
{
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<title>gabasim: ");
    gs__html_escape(f, gs_drug_name(r->drug));
    fputs(" for you</title>\n<style>body{font-family:sans-serif;max-width:52em;margin:2em auto;"
          "line-height:1.45;color:#222}h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px "
          "solid #ccc}table{border-collapse:collapse}td,th{padding:.2em .8em;border-bottom:1px "
          "solid #eee;text-align:right}td:first-child,th:first-child{text-align:left}.warn{color:"
          "#a00}.src{color:#666;font-size:.9em}.notice{background:#fff6d5;padding:.8em;border:1px "
          "solid #e8d48a}svg{max-width:100%;height:auto}</style>\n</head>\n<body>\n",
          f);
    fputs("<p class=\"notice\" id=\"notice\">", f);
    gs__html_escape(f, GS_CLINICAL_NOTICE);
    fputs(" Please go through it with your doctor or pharmacist.</p>\n", f);
    fputs("<h1>", f);
    gs__html_escape(f, gs_drug_title(r->drug));
    fputs(": what to expect</h1>\n", f);
}

static void patient_and_dose_html(FILE *f, const struct gs_advise_result *r)
{
    const struct gs_patient *pt = &r->patient;
    fputs("<section id=\"patient\"><h2>About you</h2><p>", f);
    fprintf(f, "Kidney function (creatinine clearance): %.0f mL/min (%s).", pt->crcl_ml_min,
            gs_patient_crcl_source_name(pt->crcl_source));
    if (!isnan(pt->age_y))
        fprintf(f, " Age %.0f.", pt->age_y);
    fputs(" The kidneys remove this medicine, so kidney function sets the dose.</p></section>\n",
          f);

    fputs("<section id=\"dose\"><h2>Suggested dose and how to start</h2>\n", f);
    fprintf(f,
            "<p>Maintenance: <b>%g mg %s</b> (%g mg a day), from the label's table for this "
            "kidney function.</p>\n<table><tr><th>From day</th><th>Dose</th><th>Times a "
            "day</th><th>Each dose is</th></tr>\n",
            r->plan.dose_mg,
            r->plan.per_day == 1   ? "once a day"
            : r->plan.per_day == 2 ? "twice a day"
                                   : "three times a day",
            r->plan.daily_mg);
    for (size_t i = 0; i < r->n_calendar; i++) {
        fprintf(f, "<tr><td>%d</td><td>%g mg</td><td>%d</td><td>", r->calendar[i].day,
                r->calendar[i].dose_mg, r->calendar[i].per_day);
        gs__html_escape(f, r->calendar[i].form);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n<p>Starting low and going up slowly lowers the chance of drowsiness, "
          "dizziness and falls. Do not stop suddenly: the label advises tapering over at least a "
          "week.</p>\n",
          f);
    if (r->n_findings) {
        fputs("<ul>\n", f);
        for (size_t i = 0; i < r->n_findings; i++) {
            fprintf(f, "<li class=\"%s\">", r->findings[i].level ? "warn" : "info");
            gs__html_escape(f, r->findings[i].text);
            fputs("</li>\n", f);
        }
        fputs("</ul>\n", f);
    }
    fputs("</section>\n", f);
}

static void relief_html(FILE *f, const struct gs_advise_result *r)
{
    const struct gs_advise_pain *p = r->pain;
    fputs("<section id=\"relief\"><h2>Pain relief compared with a dummy pill</h2>\n", f);
    if (p == NULL) {
        fputs("<p>Not estimated: give your kind of pain to see it.</p>\n</section>\n", f);
        return;
    }
    fputs("<p>On a 0-10 pain scale, ", f);
    if (r->days > 14)
        fprintf(f,
                "after 2 weeks: <b>%+.1f</b> points compared with placebo (plausible range "
                "%+.1f to %+.1f); ",
                p->day14[1], p->day14[0], p->day14[2]);
    fprintf(f,
            "at the end of %g days: <b>%+.1f</b> points compared with placebo (plausible "
            "range %+.1f to %+.1f). Negative means less pain than on placebo. Half of the "
            "medicine's effect is there by about day %.0f",
            r->days, p->end[1], p->end[0], p->end[2], p->half_effect_day);
    if (isnan(p->full_effect_day))
        fputs("; it is still growing at the end of this calendar.</p>\n", f);
    else
        fprintf(f, ", and 90 %% of it by about day %.0f.</p>\n", p->full_effect_day);
    if (!isnan(p->responders50_placebo))
        fprintf(f,
                "<p>People differ a lot. Of 100 people like you, about <b>%.0f</b> would have "
                "at least half as much pain by the end of these %g days with the medicine "
                "(plausible range %.0f to %.0f), and about <b>%.0f</b> with a dummy pill "
                "alone: most of the improvement people notice also happens without the "
                "medicine.</p>\n",
                100 * p->responders50[1], r->days,
                100 * fmin(p->responders50[0], p->responders50[2]),
                100 * fmax(p->responders50[0], p->responders50[2]), 100 * p->responders50_placebo);
    if (p->borrowed_from[0])
        fprintf(f,
                "<p><b>Assumption:</b> no pooled trials of this medicine for this kind of "
                "pain were available; its largest possible effect is borrowed from %s.</p>\n",
                p->borrowed_from);
    if (p->end[2] > 0.0)
        fputs("<p>The range includes no benefit at all: the trials could not show that the "
              "medicine helps this kind of pain more than a dummy pill.</p>\n",
              f);
    fputs("</section>\n", f);
}

static void side_effects_html(FILE *f, const struct gs_advise_result *r)
{
    fputs("<section id=\"side-effects\"><h2>Side effects</h2>\n<table><tr><th>Chance of "
          "having had it by</th>",
          f);
    for (int j = 0; j < 4; j++)
        fprintf(f, "<th>day %d</th>", r->checkpoint_day[j]);
    fputs("</tr>\n", f);
    for (size_t k = 0; k < r->n_side_effects; k++) {
        char name[32];
        snprintf(name, sizeof name, "%s", r->side_effects[k].event);
        for (char *c = name; *c; c++)
            if (*c == '_')
                *c = ' ';
        fputs("<tr><td>", f);
        gs__html_escape(f, name);
        fputs("</td>", f);
        for (int j = 0; j < 4; j++)
            fprintf(f, "<td>%.0f %%</td>", 100 * r->side_effects[k].risk[j]);
        fputs("</tr>\n", f);
    }
    fputs("</table>\n<p>These include what people also report on a dummy pill. Drowsiness and "
          "dizziness make falls more likely, especially in older people.</p></section>\n",
          f);

    fputs("<section id=\"interactions\"><h2>Other medicines</h2>\n", f);
    if (r->n_interaction_notes) {
        fputs("<ul>\n", f);
        for (size_t i = 0; i < r->n_interaction_notes; i++) {
            fputs("<li>", f);
            gs__html_escape(f, r->interaction_notes[i]);
            fputs("</li>\n", f);
        }
        fputs("</ul>\n", f);
    } else {
        fputs("<p>None given. Tell your clinician about every other medicine, especially opioids "
              "and other sedating drugs, and antacids (take gabapentin at least 2 hours after "
              "them).</p>\n",
              f);
    }
    fputs("</section>\n", f);
}

static void sources_html(FILE *f, const struct gs_advise_result *r)
{
    fputs("<section id=\"sources\"><h2>Where the numbers come from</h2><p>gabasim ", f);
    gs__html_escape(f, gs_version());
    fputs(". The medicine's model, its parameters and their sources: the drug file ", f);
    const char *slash = strrchr(gs_drug_origin(r->drug), '/');
    gs__html_escape(f, slash ? slash + 1 : gs_drug_origin(r->drug));
    fputs(" (gabasim drugs ", f);
    gs__html_escape(f, gs_drug_name(r->drug));
    fputs(" lists it)", f);
    fputs("; pain and side-effect models: data/pain.json and data/adverse.json (calibrations "
          "and assumptions stated there and in docs/model.md). Dosing rules: the drug's label "
          "tables in its drug file.</p></section>\n</body>\n</html>\n",
          f);
}

gs_status gs_report_advise_html(const struct gs_advise_result *r, struct gs_outfile *out,
                                struct gs_error *err)
{
    FILE *f = out->f;
    head_html(f, r);
    patient_and_dose_html(f, r);
    fputs("<section id=\"levels\"><h2>How much reaches your blood</h2>\n", f);
    gs_status st = inline_plot(f, r, out->path, err);
    if (st != GS_OK)
        return st;
    fprintf(f,
            "<p>On the full dose the level settles within about %.0f hours. In 90 %% of "
            "people like you (%ld simulated) the average level would lie between %.2g and "
            "%.2g mg/L (typical %.2g).</p></section>\n",
            r->typical.t90_ss_h, r->band.n, r->band.cavg_mg_l[0], r->band.cavg_mg_l[2],
            r->band.cavg_mg_l[1]);
    relief_html(f, r);
    side_effects_html(f, r);
    gs__advise_evidence_html(f, &r->evidence);
    sources_html(f, r);
    if (ferror(f))
        return gs_error_set(err, GS_IO, "--html", "writing '%s' failed", out->path);
    return GS_OK;
}
