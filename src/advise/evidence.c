/* evidence.c - data/evidence.json parsed once into plain structs (gs_evidence_*), and the part of
 * it one advice shows (gs__advise_evidence_select). The file is the project's own data, but a
 * damaged copy gets an error naming the field, never a crash. A section that is absent is empty;
 * one that is present must have the right types. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/datafile.h"
#include "advise_int.h"
#include "gabasim/alloc.h"

/* Where in the file a member is, for messages: "alternatives.drugs[2].kidney". The members are
 * read with the shared typed readers (gabasim/datafile.h), so their messages read like every
 * other data file's; the file's name is put in front when the parse fails. */
struct where {
    char path[160];
};

static gs_status nomem(struct gs_error *err)
{
    return gs_error_set(err, GS_NOMEM, "evidence", "out of memory");
}

/* An array element or a member that is not the object it must be. */
static gs_status not_object(const char *path, const char *allowed, struct gs_error *err)
{
    return gs_error_set(err, GS_INPUT, path, "'%s' is not an object; allowed: %s", path, allowed);
}

/* A string member copied: required (error when absent) or optional (*out NULL when absent). */
static gs_status get_str(const cJSON *o, const char *key, int required, const struct where *w,
                         char **out, struct gs_error *err)
{
    const char *v = NULL;
    *out = NULL;
    gs_status st = gs_datafile_string(
        o, w->path, key, required ? GS_DATAFILE_REQUIRED : GS_DATAFILE_OPTIONAL, &v, err);
    if (st != GS_OK || v == NULL)
        return st;
    return (*out = gs_strdup(v)) == NULL ? nomem(err) : GS_OK;
}

/* The member `key` of w, or its element i when i >= 0: "drugs[2]". */
static struct where sub(const struct where *w, const char *key, long i)
{
    struct where s = *w;
    size_t n = strlen(s.path);
    snprintf(s.path + n, sizeof s.path - n, "%s%s", n ? "." : "", key);
    n = strlen(s.path);
    if (i >= 0)
        snprintf(s.path + n, sizeof s.path - n, "[%ld]", i);
    return s;
}

/* An array member of {text, source} points; absent: none. */
static gs_status get_points(const cJSON *o, const char *key, const struct where *w,
                            struct gs_evidence_point **out, size_t *n, struct gs_error *err)
{
    *out = NULL;
    *n = 0;
    const cJSON *a = NULL;
    gs_status ast = gs_datafile_array(o, w->path, key, GS_DATAFILE_OPTIONAL, &a, err);
    if (ast != GS_OK || a == NULL)
        return ast;
    size_t k = (size_t)cJSON_GetArraySize(a);
    if (k == 0)
        return GS_OK;
    if ((*out = gs_calloc(k, sizeof **out)) == NULL)
        return nomem(err);
    const cJSON *p;
    cJSON_ArrayForEach(p, a)
    {
        struct where pw = sub(w, key, (long)*n);
        struct gs_evidence_point *q = &(*out)[(*n)++];
        gs_status st;
        if (!cJSON_IsObject(p))
            return not_object(pw.path, "{\"text\", \"source\"}", err);
        if ((st = get_str(p, "text", 1, &pw, &q->text, err)) ||
            (st = get_str(p, "source", 1, &pw, &q->source, err)))
            return st;
    }
    return GS_OK;
}

static void free_points(struct gs_evidence_point *p, size_t n)
{
    for (size_t i = 0; p && i < n; i++) {
        gs_free(p[i].text);
        gs_free(p[i].source);
    }
    gs_free(p);
}

void gs_advise_evidence_free(struct gs_evidence *ev)
{
    if (ev == NULL)
        return;
    for (size_t i = 0; ev->pain_types && i < ev->n_pain_types; i++) {
        gs_free(ev->pain_types[i].name);
        gs_free(ev->pain_types[i].title);
        free_points(ev->pain_types[i].points, ev->pain_types[i].n_points);
    }
    gs_free(ev->pain_types);
    free_points(ev->all, ev->n_all);
    gs_free(ev->alternatives_note);
    for (size_t i = 0; ev->alternatives && i < ev->n_alternatives; i++) {
        struct gs_evidence_alternative *a = &ev->alternatives[i];
        gs_free(a->drug);
        gs_free(a->drug_class);
        free_points(a->points, a->n_points);
        gs_free(a->kidney_text);
        gs_free(a->kidney_source);
    }
    gs_free(ev->alternatives);
    gs_free(ev);
}

static gs_status parse_pain_types(const cJSON *root, const struct where *w, struct gs_evidence *ev,
                                  struct gs_error *err)
{
    const cJSON *types = NULL;
    gs_status ost =
        gs_datafile_object(root, w->path, "pain_types", GS_DATAFILE_OPTIONAL, &types, err);
    if (ost != GS_OK || types == NULL)
        return ost;
    size_t k = (size_t)cJSON_GetArraySize(types);
    if (k && (ev->pain_types = gs_calloc(k, sizeof *ev->pain_types)) == NULL)
        return nomem(err);
    const cJSON *t;
    cJSON_ArrayForEach(t, types)
    {
        struct where pw = sub(w, "pain_types", -1), tw = sub(&pw, t->string, -1);
        struct gs_evidence_pain_type *p = &ev->pain_types[ev->n_pain_types++];
        gs_status st;
        if (!cJSON_IsObject(t))
            return not_object(tw.path, "{\"title\", \"points\"}", err);
        if ((p->name = gs_strdup(t->string)) == NULL)
            return nomem(err);
        if ((st = get_str(t, "title", 1, &tw, &p->title, err)) ||
            (st = get_points(t, "points", &tw, &p->points, &p->n_points, err)))
            return st;
    }
    return GS_OK;
}

static gs_status parse_alternative(const cJSON *d, const struct where *w,
                                   struct gs_evidence_alternative *a, struct gs_error *err)
{
    gs_status st;
    a->kidney_crcl_below = NAN;
    if (!cJSON_IsObject(d))
        return not_object(w->path, "{\"drug\", \"class\", \"points\", \"kidney\"}", err);
    if ((st = get_str(d, "drug", 1, w, &a->drug, err)) ||
        (st = get_str(d, "class", 1, w, &a->drug_class, err)) ||
        (st = get_points(d, "points", w, &a->points, &a->n_points, err)))
        return st;
    const cJSON *k = NULL;
    if ((st = gs_datafile_object(d, w->path, "kidney", GS_DATAFILE_OPTIONAL, &k, err)) || !k)
        return st;
    struct where kw = sub(w, "kidney", -1);
    if ((st = get_str(k, "text", 1, &kw, &a->kidney_text, err)) ||
        (st = get_str(k, "source", 0, &kw, &a->kidney_source, err)))
        return st;
    /* a CrCl a patient can have (gabasim/patient.h: above 0, up to 250 mL/min) */
    static const struct gs_datafile_range crcl = {0.0, 250.0, 1, 0, "mL/min", NULL};
    return gs_datafile_number(k, kw.path, "crcl_below", GS_DATAFILE_OPTIONAL, &crcl,
                              &a->kidney_crcl_below, err);
}

static gs_status parse_alternatives(const cJSON *root, const struct where *w,
                                    struct gs_evidence *ev, struct gs_error *err)
{
    const cJSON *alt = NULL;
    gs_status st =
        gs_datafile_object(root, w->path, "alternatives", GS_DATAFILE_OPTIONAL, &alt, err);
    if (st != GS_OK || alt == NULL)
        return st;
    struct where aw = sub(w, "alternatives", -1);
    const cJSON *drugs = NULL;
    if ((st = get_str(alt, "note", 0, &aw, &ev->alternatives_note, err)) ||
        (st = gs_datafile_array(alt, aw.path, "drugs", GS_DATAFILE_OPTIONAL, &drugs, err)) ||
        drugs == NULL)
        return st;
    size_t k = (size_t)cJSON_GetArraySize(drugs);
    if (k && (ev->alternatives = gs_calloc(k, sizeof *ev->alternatives)) == NULL)
        return nomem(err);
    const cJSON *d;
    cJSON_ArrayForEach(d, drugs)
    {
        struct where dw = sub(&aw, "drugs", (long)ev->n_alternatives);
        if ((st = parse_alternative(d, &dw, &ev->alternatives[ev->n_alternatives++], err)))
            return st;
    }
    return GS_OK;
}

gs_status gs_advise_evidence_parse(struct gs_evidence **out, const char *text, size_t len,
                                   const char *origin, struct gs_error *err)
{
    *out = NULL;
    cJSON *root = NULL;
    gs_status pst = gs_datafile_parse_json(text, len, origin, &root, err);
    if (pst != GS_OK)
        return pst;
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return gs_error_set(err, GS_INPUT, "evidence", "'%s' is not a JSON object", origin);
    }
    struct gs_evidence *ev = gs_calloc(1, sizeof *ev);
    struct where w = {""};
    gs_status st = ev ? GS_OK : nomem(err);
    if (st == GS_OK && (st = parse_pain_types(root, &w, ev, err)) == GS_OK &&
        (st = get_points(root, "all", &w, &ev->all, &ev->n_all, err)) == GS_OK)
        st = parse_alternatives(root, &w, ev, err);
    cJSON_Delete(root);
    if (st != GS_OK) {
        if (st == GS_INPUT)
            gs_error_prefix(err, origin);
        gs_advise_evidence_free(ev);
        return st;
    }
    *out = ev;
    return GS_OK;
}

gs_status gs_advise_evidence_load(struct gs_evidence **out, const char *path, struct gs_error *err)
{
    char where[4096];
    char *text = NULL;
    size_t len = 0;
    *out = NULL;
    path = gs_datafile_locate(where, sizeof where, path, "evidence.json");
    gs_status st = gs_datafile_read(path, GS_EVIDENCE_FILE_MAX, "evidence", &text, &len, err);
    if (st != GS_OK)
        return st;
    st = gs_advise_evidence_parse(out, text, len, gs_datafile_origin(path), err);
    gs_free(text);
    return st;
}

void gs__advise_evidence_release(struct gs_advise_evidence *e)
{
    gs_free(e->points);
    gs_free(e->alternatives);
    memset(e, 0, sizeof *e);
}

gs_status gs__advise_evidence_select(const struct gs_evidence *ev, const char *pain_type,
                                     const char *drug, double crcl_ml_min,
                                     struct gs_advise_evidence *out, struct gs_error *err)
{
    memset(out, 0, sizeof *out);
    const struct gs_evidence_pain_type *t = NULL;
    for (size_t i = 0; pain_type && i < ev->n_pain_types; i++)
        if (strcmp(ev->pain_types[i].name, pain_type) == 0)
            t = &ev->pain_types[i];
    size_t n = ev->n_all + (t ? t->n_points : 0);
    if (n && (out->points = gs_calloc(n, sizeof *out->points)) == NULL)
        return nomem(err);
    if (ev->n_alternatives &&
        (out->alternatives = gs_calloc(ev->n_alternatives, sizeof *out->alternatives)) == NULL) {
        gs__advise_evidence_release(out);
        return nomem(err);
    }
    if (t) {
        out->title = t->title;
        for (size_t i = 0; i < t->n_points; i++)
            out->points[out->n_points++] = &t->points[i];
    }
    for (size_t i = 0; i < ev->n_all; i++)
        out->points[out->n_points++] = &ev->all[i];
    out->alternatives_note = ev->alternatives_note;
    for (size_t i = 0; i < ev->n_alternatives; i++) {
        const struct gs_evidence_alternative *a = &ev->alternatives[i];
        if (drug && strcmp(a->drug, drug) == 0)
            continue;
        struct gs_advise_alternative *s = &out->alternatives[out->n_alternatives++];
        s->alt = a;
        s->kidney_rule_applies =
            isnan(a->kidney_crcl_below) ? -1 : crcl_ml_min < a->kidney_crcl_below;
    }
    return GS_OK;
}
