/* advise_html.c - `gabasim advise --html FILE`: one self-contained page (styles inline, the plot
 * as inline SVG, no scripts, no external resources) in plain language a patient can read, with
 * the numbers traceable to the model and the sources listed. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "advise_evidence.h"
#include "advise_html.h"

void advise_html_escape(FILE *f, const char *s)
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

/* The SVG plot of the calendar's concentrations, drawn by PLplot into a temporary file and read
 * back to be inlined; its XML prologue is dropped. */
static gs_status inline_plot(FILE *f, const struct advise_page *pg, const char *path,
                             struct gs_error *err)
{
    char svg_path[4200];
    snprintf(svg_path, sizeof svg_path, "%s.plot.svg", path);
    struct gs_outfile o;
    gs_status st = gs_outfile_open(&o, svg_path, "--html", err);
    if (st != GS_OK)
        return st;
    if ((st = gs_plot_profile(pg->run, &o, err)) != GS_OK) {
        gs_outfile_abort(&o);
        return st;
    }
    FILE *in = fopen(o.tmp, "rb");
    if (in == NULL) {
        gs_outfile_abort(&o);
        return gs_error_set(err, GS_IO, "--html", "cannot read the plot back");
    }
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, in);
    fclose(in);
    gs_outfile_abort(&o); /* the plot lives inside the page only */
    buf[n] = '\0';
    const char *svg = strstr(buf, "<svg");
    if (svg == NULL)
        return gs_error_set(err, GS_IO, "--html", "the plot is not SVG");
    fputs("<figure>", f);
    fputs(svg, f);
    fputs("<figcaption>Predicted blood level of a typical patient like you on this calendar "
          "(mg/L). Red ticks: doses. Shaded: the steady-state range.</figcaption></figure>\n",
          f);
    return GS_OK;
}

gs_status advise_write_html(const struct advise_page *pg, const char *path, struct gs_error *err)
{
    struct gs_outfile o;
    gs_status st = gs_outfile_open(&o, path, "--html", err);
    if (st != GS_OK)
        return st;
    FILE *f = o.f;
    const struct gs_patient *pt = pg->patient;
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<title>gabasim: ");
    advise_html_escape(f, gs_drug_name(pg->drug));
    fputs(" for you</title>\n<style>body{font-family:sans-serif;max-width:52em;margin:2em auto;"
          "line-height:1.45;color:#222}h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px "
          "solid #ccc}table{border-collapse:collapse}td,th{padding:.2em .8em;border-bottom:1px "
          "solid #eee;text-align:right}td:first-child,th:first-child{text-align:left}.warn{color:"
          "#a00}.src{color:#666;font-size:.9em}.notice{background:#fff6d5;padding:.8em;border:1px "
          "solid #e8d48a}svg{max-width:100%;height:auto}</style>\n</head>\n<body>\n",
          f);
    fputs("<p class=\"notice\" id=\"notice\">", f);
    advise_html_escape(f, GS_CLINICAL_NOTICE);
    fputs(" Please go through it with your doctor or pharmacist.</p>\n", f);
    fputs("<h1>", f);
    advise_html_escape(f, gs_drug_title(pg->drug));
    fputs(": what to expect</h1>\n", f);

    fputs("<section id=\"patient\"><h2>About you</h2><p>", f);
    fprintf(f, "Kidney function (creatinine clearance): %.0f mL/min (%s).", pt->crcl_ml_min,
            gs_crcl_source_name(pt->crcl_source));
    if (!isnan(pt->age_y))
        fprintf(f, " Age %.0f.", pt->age_y);
    fputs(" The kidneys remove this medicine, so kidney function sets the dose.</p></section>\n",
          f);

    fputs("<section id=\"dose\"><h2>Suggested dose and how to start</h2>\n", f);
    fprintf(f,
            "<p>Maintenance: <b>%g mg %s</b> (%g mg a day), from the label's table for this "
            "kidney function.</p>\n<table><tr><th>From day</th><th>Dose</th><th>Times a "
            "day</th></tr>\n",
            pg->plan->dose_mg,
            pg->plan->per_day == 1   ? "once a day"
            : pg->plan->per_day == 2 ? "twice a day"
                                     : "three times a day",
            pg->plan->daily_mg);
    for (size_t i = 0; i < pg->n_cal; i++)
        fprintf(f, "<tr><td>%d</td><td>%g mg</td><td>%d</td></tr>\n", pg->cal[i].day,
                pg->cal[i].dose_mg, pg->cal[i].per_day);
    fputs("</table>\n<p>Starting low and going up slowly lowers the chance of drowsiness, "
          "dizziness and falls. Do not stop suddenly: the label advises tapering over at least a "
          "week.</p>\n",
          f);
    if (pg->n_find) {
        fputs("<ul>\n", f);
        for (size_t i = 0; i < pg->n_find; i++) {
            fprintf(f, "<li class=\"%s\">", pg->find[i].level ? "warn" : "info");
            advise_html_escape(f, pg->find[i].text);
            fputs("</li>\n", f);
        }
        fputs("</ul>\n", f);
    }
    fputs("</section>\n", f);

    fputs("<section id=\"levels\"><h2>How much reaches your blood</h2>\n", f);
    if ((st = inline_plot(f, pg, path, err)) != GS_OK) {
        gs_outfile_abort(&o);
        return st;
    }
    fprintf(f,
            "<p>On the full dose the level settles within about %.0f hours. In 90 %% of "
            "people like you (%ld simulated) the average level would lie between %.2g and "
            "%.2g mg/L (typical %.2g).</p></section>\n",
            pg->run->summary->t90_ss_h, pg->n_band, pg->cavg_band[0], pg->cavg_band[2],
            pg->cavg_band[1]);

    fputs("<section id=\"relief\"><h2>Pain relief compared with a dummy pill</h2>\n", f);
    if (pg->pain_type) {
        fputs("<p>On a 0-10 pain scale, ", f);
        if (pg->days > 14)
            fprintf(f,
                    "after 2 weeks: <b>%+.1f</b> points compared with placebo (plausible range "
                    "%+.1f to %+.1f); ",
                    pg->pain_day14[1], pg->pain_day14[0], pg->pain_day14[2]);
        fprintf(f,
                "at the end of %g days: <b>%+.1f</b> points compared with placebo (plausible "
                "range %+.1f to %+.1f). Negative means less pain than on placebo. Half of the "
                "medicine's effect is there by about day %.0f",
                pg->days, pg->pain_end[1], pg->pain_end[0], pg->pain_end[2], pg->half_effect_day);
        if (isnan(pg->full_effect_day))
            fputs("; it is still growing at the end of this calendar.</p>\n", f);
        else
            fprintf(f, ", and 90 %% of it by about day %.0f.</p>\n", pg->full_effect_day);
        if (!isnan(pg->responders50_placebo))
            fprintf(f,
                    "<p>People differ a lot. Of 100 people like you, about <b>%.0f</b> would have "
                    "at least half as much pain by the end of these %g days with the medicine "
                    "(plausible range %.0f to %.0f), and about <b>%.0f</b> with a dummy pill "
                    "alone: most of the improvement people notice also happens without the "
                    "medicine.</p>\n",
                    100 * pg->responders50[1], pg->days,
                    100 * fmin(pg->responders50[0], pg->responders50[2]),
                    100 * fmax(pg->responders50[0], pg->responders50[2]),
                    100 * pg->responders50_placebo);
        if (pg->pain_borrowed)
            fprintf(f,
                    "<p><b>Assumption:</b> no pooled trials of this medicine for this kind of "
                    "pain were available; its largest possible effect is borrowed from %s.</p>\n",
                    pg->pain_borrowed);
        if (pg->pain_end[2] > 0.0)
            fputs("<p>The range includes no benefit at all: the trials could not show that the "
                  "medicine helps this kind of pain more than a dummy pill.</p>\n",
                  f);
    } else {
        fputs("<p>Not estimated: give your kind of pain to see it.</p>\n", f);
    }
    fputs("</section>\n", f);

    fputs("<section id=\"side-effects\"><h2>Side effects</h2>\n<table><tr><th>Chance of "
          "having had it by</th>",
          f);
    for (int j = 0; j < 4; j++)
        fprintf(f, "<th>day %d</th>", pg->ae_days[j]);
    fputs("</tr>\n", f);
    for (size_t k = 0; k < pg->n_ae; k++) {
        char name[32];
        snprintf(name, sizeof name, "%s", pg->ae->ev[pg->ae_idx[k]].event);
        for (char *c = name; *c; c++)
            if (*c == '_')
                *c = ' ';
        fputs("<tr><td>", f);
        advise_html_escape(f, name);
        fputs("</td>", f);
        for (int j = 0; j < 4; j++)
            fprintf(f, "<td>%.0f %%</td>", 100 * pg->ae_risk[k][j]);
        fputs("</tr>\n", f);
    }
    fputs("</table>\n<p>These include what people also report on a dummy pill. Drowsiness and "
          "dizziness make falls more likely, especially in older people.</p></section>\n",
          f);

    fputs("<section id=\"interactions\"><h2>Other medicines</h2>\n", f);
    if (*pg->warnings) {
        fputs("<ul>\n", f);
        for (const char *l = pg->warnings; *l;) {
            const char *nl = strchr(l, '\n');
            size_t len = nl ? (size_t)(nl - l) : strlen(l);
            char line[1024];
            snprintf(line, sizeof line, "%.*s", (int)(len < 1000 ? len : 1000), l);
            fputs("<li>", f);
            advise_html_escape(f, line);
            fputs("</li>\n", f);
            l += len + (nl != NULL);
        }
        fputs("</ul>\n", f);
    } else {
        fputs("<p>None given. Tell your clinician about every other medicine, especially opioids "
              "and other sedating drugs, and antacids (take gabapentin at least 2 hours after "
              "them).</p>\n",
              f);
    }
    fputs("</section>\n", f);
    if (pg->evidence)
        advise_evidence_write(f, pg->evidence, pg->pain_type, gs_drug_name(pg->drug),
                              pg->patient->crcl_ml_min, ADVISE_HTML);
    fputs("<section id=\"sources\"><h2>Where the numbers come from</h2><p>gabasim ", f);
    advise_html_escape(f, gs_version());
    fputs(". The medicine's model, its parameters and their sources: the drug file ", f);
    const char *slash = strrchr(gs_drug_origin(pg->drug), '/');
    advise_html_escape(f, slash ? slash + 1 : gs_drug_origin(pg->drug));
    fputs(" (gabasim drugs ", f);
    advise_html_escape(f, gs_drug_name(pg->drug));
    fputs(" lists it)", f);
    fputs("; pain and side-effect models: data/pain.json and data/adverse.json (calibrations "
          "and assumptions stated there and in docs/model.md). Dosing rules: the drug's label "
          "tables in its drug file.</p></section>\n</body>\n</html>\n",
          f);
    return gs_outfile_commit(&o, err);
}
