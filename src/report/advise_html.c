/* advise_html.c - the advice as one self-contained page for the patient (styles inline, the plot
 * as inline SVG, no scripts, no external resources) in plain words: the dose, then the warnings
 * that apply in a highlighted box, the calendar, the blood levels (the plot: advise_html_plot.c);
 * the later sections, the glossary and the details for the clinician are in
 * advise_html_parts.c. The page is laid out
 * for widths from a phone's 390 px up (tests/browser/page.mjs checks it in Chromium). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "advise_int.h"
#include "gabasim/gabasim.h"
#include "gabasim/report_advise.h"

/* Also repairs bytes that are not UTF-8 (a file name from the command line): the page declares
 * UTF-8, and a browser would show the same U+FFFD in their place. */
void gs__html_escape(FILE *f, const char *text)
{
    char *fixed = NULL;
    const char *s = text;
    size_t n = strlen(text);
    if (gs_utf8_invalid_at(text, n, NULL) < n && (fixed = gs_utf8_repair(text)) != NULL)
        s = fixed;
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
    gs_free(fixed);
}

static const char *times_a_day(int per_day)
{
    return per_day == 1   ? "once a day"
           : per_day == 2 ? "twice a day"
           : per_day == 3 ? "three times a day"
                          : "four times a day";
}

/* Responsive: one column of text at most 46em wide; tables and the plot scroll inside their own
 * box when the screen is narrower than they are; long words (citations) wrap. */
static const char css[] =
    "*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}"
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:1.05rem;"
    "line-height:1.5;color:#1d1d1d;max-width:46em;margin:0 auto;padding:.8em 1em 2em;"
    "overflow-wrap:break-word}"
    "h1{font-size:1.45em;line-height:1.2;margin:.4em 0}"
    "h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:1.6em}h3{font-size:1.05em}"
    ".scroll,.plot{overflow-x:auto;max-width:100%}"
    "table{border-collapse:collapse;margin:.5em 0}"
    "td,th{padding:.25em .7em;border-bottom:1px solid #e4e4e4;text-align:right;"
    "vertical-align:top}td:first-child,th:first-child{text-align:left}"
    ".dose{font-size:1.1em}.src{color:#555;font-size:.88em}"
    ".notice{background:#fff6d5;padding:.5em .8em;border:1px solid #e8d48a;font-size:.95em;"
    "margin:0}"
    ".warnings{background:#fdecea;border:2px solid #b3261e;border-radius:6px;padding:.4em "
    "1em;margin:1em 0}.warnings h2{border:0;margin:.3em 0;color:#8c1d18}"
    ".warnings h3{margin:.6em 0 .2em}.warnings p{margin:.2em 0 .4em}"
    ".warn{color:#a00}figure{margin:1em 0}.plot svg{display:block;width:100%;height:auto}"
    "@media (max-width:640px){body{padding:.6em .8em 2em}.plot svg{min-width:640px}}"
    "dt{font-weight:bold;margin-top:.5em}dd{margin-left:1em}"
    "details{margin:1em 0}summary{cursor:pointer;font-weight:bold}";

static void head_html(FILE *f, const struct gs_advise_result *r)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          f);
    gs__html_escape(f, gs_drug_title(r->drug));
    fputs(": what to expect</title>\n<style>", f);
    fputs(css, f);
    fputs("</style>\n</head>\n<body>\n<p class=\"notice\" id=\"notice\">This page supports, and "
          "does not replace, your doctor's advice. It shows what a computer model predicts for a "
          "typical person like you. It is not a prescription. Please go through it with your "
          "doctor or pharmacist.</p>\n<h1>",
          f);
    gs__html_escape(f, gs_drug_title(r->drug));
    fputs(": what to expect</h1>\n", f);
}

/* The dose in one line, then the warnings box when any apply: the first things on the page. */
static void dose_and_warnings_html(FILE *f, const struct gs_advise_result *r)
{
    fprintf(f,
            "<p class=\"dose\" id=\"dose-line\">Your dose: <b>%g mg %s</b> (%g mg a day). "
            "Each dose is %s. You build up to it slowly, as the table below shows.</p>\n",
            r->plan.dose_mg, times_a_day(r->plan.per_day), r->plan.daily_mg, r->plan.form);
    if (r->n_warnings == 0)
        return;
    fputs("<section id=\"warnings\" class=\"warnings\" role=\"alert\"><h2>Warning</h2>\n", f);
    for (size_t i = 0; i < r->n_warnings; i++) {
        const struct gs_advise_warning *w = &r->warnings[i];
        fprintf(f, "<h3 id=\"warning-%s\">", w->id);
        gs__html_escape(f, w->title);
        fputs("</h3>\n<p>", f);
        gs__html_escape(f, w->text);
        fputs(" <span class=\"src\">(", f);
        gs__html_escape(f, w->source);
        fputs(")</span></p>\n", f);
    }
    fputs("</section>\n", f);
}

static void calendar_html(FILE *f, const struct gs_advise_result *r)
{
    fputs("<section id=\"dose\"><h2>How to start</h2>\n<div class=\"scroll\"><table>"
          "<tr><th>From day</th><th>Each dose</th><th>Doses a day</th><th>Each dose is</th></tr>\n",
          f);
    for (size_t i = 0; i < r->n_calendar; i++) {
        fprintf(f, "<tr><td>%d</td><td>%g mg</td><td>%d</td><td>", r->calendar[i].day,
                r->calendar[i].dose_mg, r->calendar[i].per_day);
        gs__html_escape(f, r->calendar[i].form);
        fputs("</td></tr>\n", f);
    }
    fputs("</table></div>\n", f);
    if (r->dialysis_schedule[0] && r->dialysis_supplement_mg > 0.0) {
        fprintf(f, "<p>On dialysis days, take an extra %g mg (", r->dialysis_supplement_mg);
        gs__html_escape(f, r->dialysis_supplement_form);
        fputs(") as soon as each session ends. Dialysis takes much of the medicine out of the "
              "blood. <span class=\"src\">(We assumed ",
              f);
        gs__html_escape(f, r->dialysis_schedule);
        fputs(".)</span></p>\n", f);
    }
    fputs("<p>Starting low and going up slowly makes drowsiness, dizziness and "
          "falls less likely. Do not stop suddenly. Cut down slowly over at least a week, as the "
          "label advises. <span class=\"src\">(",
          f);
    gs__html_escape(f, gs__advise_label_name(r->drug));
    fputs(" label, Dosage and Administration)</span></p>\n", f);
    if (r->n_findings == 0)
        fputs("<p>This plan stays within the label's doses for your kidney function.</p>\n", f);
    else {
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

static void patient_html(FILE *f, const struct gs_advise_result *r)
{
    const struct gs_patient *pt = &r->patient;
    fputs("<section id=\"patient\"><h2>About you</h2><p>", f);
    if (pt->crcl_source == GS_CRCL_DIALYSIS)
        fputs("You are on dialysis: your kidneys no longer clean the blood.", f);
    else
        fprintf(f, "Your kidney function (creatinine clearance) is %.0f mL/min%s.", pt->crcl_ml_min,
                pt->crcl_source == GS_CRCL_COCKCROFT
                    ? ", worked out from your blood test, age, weight and sex"
                    : "");
    if (!isnan(pt->age_y))
        fprintf(f, " You are %.0f.", pt->age_y);
    fputs(" The kidneys clear this medicine from the body. So your kidney function sets the "
          "dose.</p></section>\n",
          f);
}

static gs_status levels_html(FILE *f, const struct gs_advise_result *r, const char *path,
                             struct gs_error *err)
{
    fputs("<section id=\"levels\"><h2>How much reaches your blood</h2>\n", f);
    gs_status st = gs__advise_plot_html(f, r, path, err);
    if (st != GS_OK)
        return st;
    fputs("<p>", f);
    if (!isfinite(r->typical.t90_ss_h)) {
        /* the horizon did not reach it: no sentence */
    } else if (r->typical.hd_per_week > 0)
        fprintf(f,
                "Each dialysis session takes the level down; from week to week it settles "
                "within about %.0f days. ",
                r->typical.t90_ss_h / 24.0);
    else
        fprintf(f,
                "Once you reach the full dose, the level in your blood settles within about "
                "%.0f hours. ",
                r->typical.t90_ss_h);
    fprintf(f,
            "We worked it out for %ld people like you. For 9 in 10 of them, the average level "
            "would be between %.2g and %.2g mg/L. The typical value is %.2g mg/L.</p>\n",
            r->band.n, r->band.cavg_mg_l[0], r->band.cavg_mg_l[2], r->band.cavg_mg_l[1]);
    const struct gs_reference_range *rr = gs_drug_reference_range(r->drug);
    if (rr) {
        fprintf(f,
                "<p>Just before a dose, the typical level would be %.2g mg/L. Laboratories print a "
                "range of %g to %g mg/L for a level taken then. This range is not a target: no "
                "level is known to give more pain relief.%s <span class=\"src\">(",
                r->band.cmin_mg_l[1], rr->low_mg_l, rr->high_mg_l,
                gs_label_level_of(rr, r->band.cmin_mg_l[1]) == GS_LABEL_LEVEL_ABOVE
                    ? " Your level would be above this range: ask your doctor about a lower dose."
                    : "");
        gs__html_escape(f, rr->source);
        fputs(")</span></p>\n", f);
    }
    fputs("</section>\n", f);
    return GS_OK;
}

gs_status gs_report_advise_html(const struct gs_advise_result *r, struct gs_outfile *out,
                                struct gs_error *err)
{
    FILE *f = out->f;
    head_html(f, r);
    dose_and_warnings_html(f, r);
    calendar_html(f, r);
    patient_html(f, r);
    gs_status st = levels_html(f, r, out->path, err);
    if (st != GS_OK)
        return st;
    gs__advise_relief_html(f, r);
    gs__advise_side_effects_html(f, r);
    gs__advise_others_html(f, r);
    gs__advise_evidence_html(f, &r->evidence);
    gs__advise_glossary_html(f);
    gs__advise_sources_html(f, r);
    fputs("</body>\n</html>\n", f);
    if (ferror(f))
        return gs_error_set(err, GS_IO, "--html", "writing '%s' failed", out->path);
    return GS_OK;
}
