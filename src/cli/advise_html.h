/* advise_html.h - the self-contained HTML page of `gabasim advise --html` (front-end only). */
#ifndef GABASIM_ADVISE_HTML_H
#define GABASIM_ADVISE_HTML_H

#include "gabasim/adverse.h"
#include "gabasim/dosing.h"
#include "gabasim/gabasim.h"

/* Everything the page shows, computed by cmd_advise.c; the writer only formats. */
struct advise_page {
    const gs_drug *drug;
    const struct gs_patient *patient;
    const struct gs_dose_plan *plan;
    const struct gs_calendar_step *cal;
    size_t n_cal;
    const struct gs_finding *find;
    size_t n_find;
    const char *warnings;     /* interaction notes, one per line */
    const struct gs_run *run; /* the typical patient's profile on the calendar (for the plot) */
    double days;
    double cavg_band[3]; /* 5th, 50th, 95th percentile over the last interval, mg/L */
    long n_band;
    const char *pain_type;                              /* NULL without --pain */
    double pain_end[3], pain_day14[3], half_effect_day; /* low, central, high */
    double full_effect_day; /* 90 % of the plateau, NAN when the horizon is too short */
    double responders50[3]; /* chance of >= 50 % less pain by the end (low, central, high) */
    double responders50_placebo;
    const char *pain_borrowed; /* "drug, pain" whose Emax is borrowed, or NULL */
    const struct gs_ae_model *ae;
    const size_t *ae_idx;
    size_t n_ae;
    const double (*ae_risk)[4];
    const int *ae_days;
    const struct cJSON *evidence; /* data/evidence.json, or NULL */
};

/* Writes `s` with &, <, > and " escaped, for HTML text and double-quoted attributes. */
void advise_html_escape(FILE *f, const char *s);

/* Writes the page to `path` atomically (temporary file, renamed when complete): one HTML file
 * with the plot inline (SVG), no external resource. */
gs_status advise_write_html(const struct advise_page *pg, const char *path, struct gs_error *err);

#endif
