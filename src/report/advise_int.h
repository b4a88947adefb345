/* advise_int.h - shared by the advise writers of src/report only. */
#ifndef GABASIM_REPORT_ADVISE_INT_H
#define GABASIM_REPORT_ADVISE_INT_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "gabasim/advise.h"

/* Writes `s` with &, <, > and " escaped, for HTML text and double-quoted attributes. */
void gs__html_escape(FILE *f, const char *s);

/* The advice from measured levels (r->tdm; nothing without it): text, and the "from_levels"
 * object of the JSON (0 when out of memory). advise_tdm.c */
void gs__advise_tdm_text(FILE *f, const struct gs_advise_result *r);
int gs__advise_tdm_json(cJSON *root, const struct gs_advise_result *r);

/* The evidence and the alternatives as terminal text or as HTML sections. */
void gs__advise_evidence_text(FILE *f, const struct gs_advise_evidence *ev);
void gs__advise_evidence_html(FILE *f, const struct gs_advise_evidence *ev);

/* Adds "evidence": [...] and "alternatives": [...] to `root`; NULL when out of memory. */
cJSON *gs__advise_evidence_json(cJSON *root, const struct gs_advise_evidence *ev);

/* A side effect's plain name ("drowsiness (somnolence)"); an unknown event's name with '_' made
 * spaces, in `buf`. */
const char *gs__advise_event_plain(const char *event, char *buf, size_t size);

/* Widest range of responders (low to high maximum effect, a fraction) put into a sentence; wider,
 * the reports say the evidence is too uncertain to give a number. */
#define GS_ADVISE_RESPONDERS_MAX_WIDTH 0.30

/* 1 when the responder numbers exist and their range is at most GS_ADVISE_RESPONDERS_MAX_WIDTH. */
int gs__advise_responders_known(const struct gs_advise_pain *p);

/* 1 when checkpoint column j shows a day the column before it does not (days 3, 7, 14 and the
 * end repeat on short horizons). */
int gs__advise_checkpoint_shown(const struct gs_advise_result *r, int j);

/* The warnings (r->warnings) as terminal text, under a "WARNINGS" heading; nothing when none. */
void gs__advise_warnings_text(FILE *f, const struct gs_advise_result *r);

/* The brand whose label the advice cites for `drug` ("Neurontin", "Lyrica"), else the drug's
 * title. */
const char *gs__advise_label_name(const gs_drug *drug);

/* The plot of the page, inline SVG with a title and description, inside a <figure>; drawn
 * through a temporary file beside `page_path` that is removed (advise_html_plot.c). */
gs_status gs__advise_plot_html(FILE *f, const struct gs_advise_result *r, const char *page_path,
                               struct gs_error *err);

/* The sections of the patient's page after the blood levels (advise_html_parts.c). */
void gs__advise_relief_html(FILE *f, const struct gs_advise_result *r);
void gs__advise_side_effects_html(FILE *f, const struct gs_advise_result *r);
void gs__advise_others_html(FILE *f, const struct gs_advise_result *r);
void gs__advise_glossary_html(FILE *f);
void gs__advise_sources_html(FILE *f, const struct gs_advise_result *r);

/* "1 day", "14 days", "0.5 days" into `buf`. */
const char *gs__advise_days(char *buf, size_t size, double days);

#endif
