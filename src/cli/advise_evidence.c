/* advise_evidence.c - the evidence summary and the alternatives of `gabasim advise`, as terminal
 * text, HTML or JSON, from data/evidence.json. The file is the project's own data, not user
 * input, but a damaged copy must still give a named error rather than a crash: every member is
 * type-checked and anything malformed is skipped. */
#include <stdlib.h>
#include <string.h>

#include "advise_evidence.h"
#include "advise_html.h"
#include "gabasim/drug.h"

gs_status advise_evidence_load(cJSON **out, struct gs_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/evidence.json", gs_data_dir());
    *out = NULL;
    FILE *in = fopen(path, "rb");
    if (in == NULL)
        return gs_error_set(err, GS_IO, "evidence", "cannot open '%s'", path);
    char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, in);
    int big = !feof(in);
    fclose(in);
    if (big)
        return gs_error_set(err, GS_INPUT, "evidence", "'%s' is larger than %d bytes", path,
                            (int)sizeof buf - 1);
    buf[n] = '\0';
    *out = cJSON_Parse(buf);
    if (*out == NULL || !cJSON_IsObject(*out)) {
        cJSON_Delete(*out);
        *out = NULL;
        return gs_error_set(err, GS_INPUT, "evidence", "'%s' is not a JSON object", path);
    }
    return GS_OK;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The evidence entry for a kind of pain (NULL when none is given or known). */
static const cJSON *pain_entry(const cJSON *ev, const char *pain_type)
{
    const cJSON *types = cJSON_GetObjectItemCaseSensitive(ev, "pain_types");
    return pain_type ? cJSON_GetObjectItemCaseSensitive(types, pain_type) : NULL;
}

/* The points shown: those of the kind of pain, then those for everyone. */
static void point_lists(const cJSON *ev, const cJSON *entry, const cJSON *lists[2])
{
    lists[0] = cJSON_GetObjectItemCaseSensitive(entry, "points");
    lists[1] = cJSON_GetObjectItemCaseSensitive(ev, "all");
}

/* Terminal text: `s` wrapped at 92 columns, the first line after `lead`, the rest after
 * `indent` spaces. */
static void wrap(FILE *f, const char *lead, int indent, const char *s)
{
    int col = fprintf(f, "%s", lead);
    while (*s) {
        size_t w = strcspn(s, " ");
        if (col > indent && col + 1 + (int)w > 92) {
            col = fprintf(f, "\n%*s", indent, "") - 1;
        } else if (col > indent) {
            fputc(' ', f);
            col++;
        }
        col += fprintf(f, "%.*s", (int)w, s);
        s += w;
        while (*s == ' ')
            s++;
    }
    fputc('\n', f);
}

/* One point: text plus its source. */
static void point(FILE *f, const cJSON *p, enum advise_format fmt, int indent)
{
    const char *tx = str(p, "text"), *src = str(p, "source");
    if (tx == NULL || src == NULL)
        return;
    if (fmt == ADVISE_HTML) {
        fputs("<li>", f);
        advise_html_escape(f, tx);
        fputs(" <span class=\"src\">(", f);
        advise_html_escape(f, src);
        fputs(")</span></li>\n", f);
        return;
    }
    size_t n = strlen(tx) + strlen(src) + 4;
    char *line = malloc(n);
    if (line == NULL)
        return;
    snprintf(line, n, "%s (%s)", tx, src);
    wrap(f, indent > 4 ? "    - " : "  - ", indent, line);
    free(line);
}

/* The kidney rule of an alternative, and whether it applies at this CrCl (-1: no threshold). */
static int kidney(const cJSON *k, double crcl, const char **text, const char **source)
{
    *text = str(k, "text");
    *source = str(k, "source");
    const cJSON *below = cJSON_GetObjectItemCaseSensitive(k, "crcl_below");
    if (!cJSON_IsNumber(below))
        return -1;
    return crcl < below->valuedouble;
}

void advise_evidence_write(FILE *f, const cJSON *ev, const char *pain_type, const char *drug,
                           double crcl, enum advise_format fmt)
{
    const int html = fmt == ADVISE_HTML;
    const cJSON *t = pain_entry(ev, pain_type), *lists[2];
    point_lists(ev, t, lists);
    const char *title = str(t, "title");
    if (html) {
        fputs("<section id=\"evidence\"><h2>What the trials found</h2>\n", f);
        if (title) {
            fputs("<p><b>", f);
            advise_html_escape(f, title);
            fputs("</b></p>\n", f);
        } else {
            fputs("<p>Give your kind of back pain (--pain) to see the trials for it.</p>\n", f);
        }
        fputs("<ul>\n", f);
    } else {
        fprintf(f, "\nWhat the trials found%s%s\n", title ? ": " : "", title ? title : "");
    }
    for (int l = 0; l < 2; l++) {
        const cJSON *p;
        cJSON_ArrayForEach(p, lists[l]) point(f, p, fmt, 4);
    }
    if (html)
        fputs("</ul></section>\n", f);

    const cJSON *alt = cJSON_GetObjectItemCaseSensitive(ev, "alternatives");
    const cJSON *drugs = cJSON_GetObjectItemCaseSensitive(alt, "drugs");
    if (!cJSON_IsArray(drugs))
        return;
    if (html) {
        fputs("<section id=\"alternatives\"><h2>Other medicines you may ask about</h2>\n<p>", f);
        advise_html_escape(f, str(alt, "note") ? str(alt, "note") : "");
        fputs("</p>\n", f);
    } else {
        fputs("\nOther medicines people ask about (not ranked: gabasim has no pooled back-pain\n"
              "numbers for them and does not predict their relief)\n",
              f);
    }
    const cJSON *d;
    cJSON_ArrayForEach(d, drugs)
    {
        const char *name = str(d, "drug"), *cls = str(d, "class");
        if (name == NULL || cls == NULL || (drug && strcmp(name, drug) == 0))
            continue;
        const char *ktext, *ksrc;
        int applies = kidney(cJSON_GetObjectItemCaseSensitive(d, "kidney"), crcl, &ktext, &ksrc);
        if (html) {
            fputs("<h3>", f);
            advise_html_escape(f, name);
            fputs("</h3>\n<p>", f);
            advise_html_escape(f, cls);
            fputs(".</p>\n<ul>\n", f);
        } else {
            char lead[64];
            snprintf(lead, sizeof lead, "  %s:", name);
            wrap(f, lead, 4, cls);
        }
        const cJSON *p;
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(d, "points")) point(f, p, fmt, 6);
        if (ktext) {
            char line[1024];
            snprintf(line, sizeof line, "Kidneys: %s%s%s%s%s", ktext, ksrc ? " (" : "",
                     ksrc ? ksrc : "", ksrc ? ")" : "",
                     applies == 1 ? " - THIS APPLIES at this patient's CrCl" : "");
            if (html) {
                fputs(applies == 1 ? "<li><b>" : "<li>", f);
                advise_html_escape(f, line);
                fputs(applies == 1 ? "</b></li>\n" : "</li>\n", f);
            } else {
                wrap(f, "    - ", 6, line);
            }
        }
        if (html)
            fputs("</ul>\n", f);
    }
    if (html)
        fputs("</section>\n", f);
}

void advise_evidence_json(FILE *f, const cJSON *ev, const char *pain_type, const char *drug,
                          double crcl)
{
    cJSON *out = cJSON_CreateObject(), *pts = cJSON_AddArrayToObject(out, "evidence"),
          *alts = cJSON_AddArrayToObject(out, "alternatives");
    const cJSON *lists[2];
    point_lists(ev, pain_entry(ev, pain_type), lists);
    for (int l = 0; l < 2; l++) {
        const cJSON *p;
        cJSON_ArrayForEach(p, lists[l]) if (str(p, "text") && str(p, "source"))
            cJSON_AddItemToArray(pts, cJSON_Duplicate(p, 1));
    }
    const cJSON *d;
    cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(
                              cJSON_GetObjectItemCaseSensitive(ev, "alternatives"), "drugs"))
    {
        const char *name = str(d, "drug");
        if (name == NULL || (drug && strcmp(name, drug) == 0))
            continue;
        cJSON *a = cJSON_Duplicate(d, 1);
        const char *ktext, *ksrc;
        int applies = kidney(cJSON_GetObjectItemCaseSensitive(d, "kidney"), crcl, &ktext, &ksrc);
        if (a && applies >= 0)
            cJSON_AddBoolToObject(a, "kidney_rule_applies", applies);
        cJSON_AddItemToArray(alts, a);
    }
    char *s = cJSON_PrintUnformatted(out);
    /* the body without the outer braces, so it joins the hand-written advise JSON */
    if (s && strlen(s) >= 2)
        fprintf(f, "  %.*s", (int)(strlen(s) - 2), s + 1);
    free(s);
    cJSON_Delete(out);
}
