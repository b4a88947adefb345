/* advise_evidence.c - what the trials found for the patient's kind of pain and the other
 * medicines patients ask about, as `gabasim advise` shows them: terminal text (wrapped at 92
 * columns), HTML sections and JSON members. */
#include <math.h>
#include <string.h>

#include "advise_int.h"
#include "gabasim/alloc.h"
#include "report_int.h"

/* "text (source)" wrapped after `lead`. */
static void point_text(FILE *f, const struct gs_evidence_point *p, const char *lead, int indent)
{
    size_t n = strlen(p->text) + strlen(p->source) + 4;
    char *line = gs_malloc(n);
    if (line == NULL) /* out of memory: the point unwrapped */
        fprintf(f, "%s%s (%s)\n", lead, p->text, p->source);
    else {
        snprintf(line, n, "%s (%s)", p->text, p->source);
        gs__text_wrap(f, lead, indent, line);
    }
    gs_free(line);
}

static void point_html(FILE *f, const struct gs_evidence_point *p)
{
    fputs("<li>", f);
    gs__html_escape(f, p->text);
    fputs(" <span class=\"src\">(", f);
    gs__html_escape(f, p->source);
    fputs(")</span></li>\n", f);
}

/* "Kidneys: TEXT (SOURCE) - THIS APPLIES ..." */
static void kidney_line(char *buf, size_t size, const struct gs_advise_alternative *a)
{
    const char *src = a->alt->kidney_source;
    snprintf(buf, size, "Kidneys: %s%s%s%s%s", a->alt->kidney_text, src ? " (" : "", src ? src : "",
             src ? ")" : "",
             a->kidney_rule_applies == 1 ? " - THIS APPLIES at this patient's CrCl" : "");
}

void gs__advise_evidence_text(FILE *f, const struct gs_advise_evidence *ev)
{
    fprintf(f, "\nWhat the trials found%s%s\n", ev->title ? ": " : "", ev->title ? ev->title : "");
    for (size_t i = 0; i < ev->n_points; i++)
        point_text(f, ev->points[i], "  - ", 4);
    fputs("\nOther medicines people ask about (not ranked: gabasim has no pooled back-pain\n"
          "numbers for them and does not predict their relief)\n",
          f);
    for (size_t i = 0; i < ev->n_alternatives; i++) {
        const struct gs_advise_alternative *a = &ev->alternatives[i];
        char lead[64];
        snprintf(lead, sizeof lead, "  %s:", a->alt->drug);
        gs__text_wrap(f, lead, 4, a->alt->drug_class);
        for (size_t k = 0; k < a->alt->n_points; k++)
            point_text(f, &a->alt->points[k], "    - ", 6);
        if (a->alt->kidney_text) {
            char line[1024];
            kidney_line(line, sizeof line, a);
            gs__text_wrap(f, "    - ", 6, line);
        }
    }
}

void gs__advise_evidence_html(FILE *f, const struct gs_advise_evidence *ev)
{
    fputs("<section id=\"evidence\"><h2>What the trials found</h2>\n", f);
    if (ev->title) {
        fputs("<p><b>", f);
        gs__html_escape(f, ev->title);
        fputs("</b></p>\n", f);
    } else {
        fputs("<p>Your kind of pain was not given. So only the points for everyone are "
              "shown.</p>\n",
              f);
    }
    fputs("<ul>\n", f);
    for (size_t i = 0; i < ev->n_points; i++)
        point_html(f, ev->points[i]);
    fputs("</ul></section>\n", f);
    fputs("<section id=\"alternatives\"><h2>Other medicines you may ask about</h2>\n<p>", f);
    gs__html_escape(f, ev->alternatives_note ? ev->alternatives_note : "");
    fputs("</p>\n", f);
    for (size_t i = 0; i < ev->n_alternatives; i++) {
        const struct gs_advise_alternative *a = &ev->alternatives[i];
        fputs("<h3>", f);
        gs__html_escape(f, a->alt->drug);
        fputs("</h3>\n<p>It is ", f);
        gs__html_escape(f, a->alt->drug_class);
        fputs(".</p>\n<ul>\n", f);
        for (size_t k = 0; k < a->alt->n_points; k++)
            point_html(f, &a->alt->points[k]);
        if (a->alt->kidney_text) {
            fputs("<li>Kidneys: ", f);
            gs__html_escape(f, a->alt->kidney_text);
            fputs(".", f);
            if (a->kidney_rule_applies == 1)
                fputs(" <b>This applies to your kidney function.</b>", f);
            if (a->alt->kidney_source) {
                fputs(" <span class=\"src\">(", f);
                gs__html_escape(f, a->alt->kidney_source);
                fputs(")</span>", f);
            }
            fputs("</li>\n", f);
        }
        fputs("</ul>\n", f);
    }
    fputs("</section>\n", f);
}

static cJSON *points_json(cJSON *o, const char *key, const struct gs_evidence_point *const *pp,
                          const struct gs_evidence_point *p, size_t n)
{
    cJSON *a = cJSON_AddArrayToObject(o, key);
    for (size_t i = 0; a && i < n; i++) {
        const struct gs_evidence_point *q = pp ? pp[i] : &p[i];
        cJSON *it = cJSON_CreateObject();
        if (it == NULL || !cJSON_AddItemToArray(a, it)) {
            cJSON_Delete(it);
            return NULL;
        }
        if (!gs__json_add_str(it, "text", q->text) || !gs__json_add_str(it, "source", q->source))
            return NULL;
    }
    return a;
}

cJSON *gs__advise_evidence_json(cJSON *root, const struct gs_advise_evidence *ev)
{
    if (points_json(root, "evidence", ev->points, NULL, ev->n_points) == NULL)
        return NULL;
    cJSON *alts = cJSON_AddArrayToObject(root, "alternatives");
    for (size_t i = 0; alts && i < ev->n_alternatives; i++) {
        const struct gs_advise_alternative *a = &ev->alternatives[i];
        cJSON *o = cJSON_CreateObject();
        if (o == NULL || !cJSON_AddItemToArray(alts, o)) {
            cJSON_Delete(o);
            return NULL;
        }
        if (!gs__json_add_str(o, "drug", a->alt->drug) ||
            !gs__json_add_str(o, "class", a->alt->drug_class) ||
            !points_json(o, "points", NULL, a->alt->points, a->alt->n_points))
            return NULL;
        if (a->alt->kidney_text) {
            cJSON *k = cJSON_AddObjectToObject(o, "kidney");
            if (!k || !gs__json_add_str(k, "text", a->alt->kidney_text) ||
                (a->alt->kidney_source && !gs__json_add_str(k, "source", a->alt->kidney_source)) ||
                (!isnan(a->alt->kidney_crcl_below) &&
                 !cJSON_AddNumberToObject(k, "crcl_below", a->alt->kidney_crcl_below)))
                return NULL;
        }
        if (a->kidney_rule_applies >= 0 &&
            !cJSON_AddBoolToObject(o, "kidney_rule_applies", a->kidney_rule_applies))
            return NULL;
    }
    return alts;
}
