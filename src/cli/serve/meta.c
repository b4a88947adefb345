/* meta.c - `gabasim meta` through the server, for the Evidence page: the study table comes in
 * the request ("table": the CSV text) instead of a file, the options are the command's (less its
 * output files), then the same gs_meta_analyse() call and writers: gs_report_meta_json (the
 * bytes of `meta FILE --json`) and gs_report_meta_forest (the SVG of `meta --plot FILE.svg`). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "gabasim/meta.h"
#include "gabasim/report.h"
#include "gabasim/report_meta.h"
#include "meta_models_opts.h"
#include "serve.h"

struct meta_opts {
    int method, hk, measure;
    double level;
    const char *favours;
    struct meta_models_opts models;
};
static const char *const methods[] = {"reml", "dl", NULL};
static const char *const measures[] = {"MD", "SMD", "ROM", "RR", "OR", "RD", NULL};
static const enum gs_meta_measure measure_ids[] = {GS_META_MD, GS_META_SMD, GS_META_ROM,
                                                   GS_META_RR, GS_META_OR,  GS_META_RD};

#define SERVE_META_OPTIONS(o)                                                                      \
    {                                                                                              \
        OPT_CHOICE("method", "M", methods, &(o)->method, "reml or dl"),                            \
            OPT_CHOICE("measure", "MEASURE", measures, &(o)->measure, "effect measure"),           \
            OPT_FLAG("hk", &(o)->hk, "Hartung-Knapp"),                                             \
            OPT_NUMBER_BETWEEN("level", "L", 0, 1, &(o)->level, "interval level"),                 \
            OPT_STRING("favours", "LEFT,RIGHT", &(o)->favours, "labels under the axis"),           \
            META_MODELS_OPTIONS(&(o)->models), OPT_END()                                           \
    }

/* --favours as `gabasim meta` reads it. */
static gs_status favours(const char *text, char *buf, size_t cap, const char **left,
                         const char **right, struct gs_error *err)
{
    *left = GS_REPORT_META_FAVOURS_LEFT, *right = GS_REPORT_META_FAVOURS_RIGHT;
    if (text == NULL)
        return GS_OK;
    *left = *right = NULL;
    if (strcmp(text, "none") == 0)
        return GS_OK;
    const char *comma = strchr(text, ',');
    if (comma == NULL || comma == text || comma[1] == '\0' || strlen(text) >= cap)
        return gs_error_set(err, GS_INPUT, "--favours",
                            "'--favours' is '%s'; expected LEFT,RIGHT or none", text);
    snprintf(buf, cap, "%s", text);
    buf[comma - text] = '\0';
    *left = buf, *right = buf + (comma - text) + 1;
    return GS_OK;
}

static gs_status forest(const struct gs_meta_analysis *m, const char *left, const char *right,
                        struct sbuf *out, struct gs_error *err)
{
    static unsigned long counter;
    char path[4200];
    struct gs_outfile f;
    serve_plot_lock();
    snprintf(path, sizeof path, "%s/forest-%lu.svg", serve_tmpdir, counter++);
    gs_status st = gs_outfile_open(&f, path, "--plot", err);
    if (st == GS_OK && (st = gs_report_meta_forest(m, left, right, &f, err)) != GS_OK)
        gs_outfile_abort(&f);
    else if (st == GS_OK)
        st = gs_outfile_commit(&f, err);
    serve_plot_unlock();
    return serve_svg_take(path, st, out, 0, err);
}

void api_meta(const struct serve_req *rq, struct serve_resp *rs, int svg)
{
    struct gs_error err = GS_ERROR_INIT;
    struct gs_meta_request req = GS_META_REQUEST_INIT;
    struct meta_opts o = {.method = req.method == GS_META_DL, .level = req.level, .measure = -1};
    struct option t[] = SERVE_META_OPTIONS(&o);
    struct serve_argv av;
    struct gs_studies studies;
    struct gs_meta_analysis *m = NULL;
    int have_studies = 0;
    gs_status st = GS_OK;
    memset(&av, 0, sizeof av);
    cJSON *obj = rq->form ? NULL : cJSON_ParseWithLength(rq->body, rq->body_len);
    cJSON *table = cJSON_DetachItemFromObjectCaseSensitive(obj, "table");
    if (!cJSON_IsObject(obj))
        st = gs_error_set(&err, GS_INPUT, "body", "the request body is not a JSON object");
    else if (!cJSON_IsString(table))
        st = gs_error_set(&err, GS_INPUT, "table",
                          "'table' is the study table's text (CSV, as 'gabasim meta FILE' reads)");
    if (st == GS_OK && (st = serve_args_json(obj, t, &av, &err)) == GS_OK &&
        (st = opt_parse(t, av.argc, av.argv, 0, NULL, NULL, &err)) == GS_OK &&
        (st = gs_studies_parse(&studies, table->valuestring, strlen(table->valuestring), "table",
                               &err)) == GS_OK) {
        have_studies = 1;
        req.method = o.method == 1 ? GS_META_DL : GS_META_REML;
        req.level = o.level;
        req.hk = o.hk;
        req.studies = &studies;
        req.origin = "table";
        req.measure = o.measure < 0 ? GS_META_MEASURE_AUTO : measure_ids[o.measure];
        struct gs_meta_models_request models;
        req.models = meta_models_request(&o.models, &models);
        const char *left, *right;
        char fav[512];
        if ((st = favours(o.favours, fav, sizeof fav, &left, &right, &err)) == GS_OK &&
            (st = gs_meta_analyse(&req, &m, &err)) == GS_OK) {
            if (svg && (st = forest(m, left, right, &rs->body, &err)) == GS_OK) {
                rs->status = 200;
                rs->type = "image/svg+xml";
            } else if (!svg) {
                char *json = NULL;
                size_t len = 0;
                FILE *f = open_memstream(&json, &len);
                if (f == NULL)
                    st = gs_error_set(&err, GS_NOMEM, "body", "out of memory");
                else {
                    st = gs_report_meta_json(m, f, &err);
                    if (fclose(f) != 0 && st == GS_OK)
                        st = gs_error_set(&err, GS_NOMEM, "body", "out of memory");
                }
                if (st == GS_OK)
                    serve_json(rs, 200, json, len);
                else
                    free(json);
            }
        }
    }
    if (st != GS_OK)
        serve_error(rs, &err);
    gs_meta_analysis_free(m);
    if (have_studies)
        gs_studies_release(&studies);
    cJSON_Delete(table);
    cJSON_Delete(obj);
    serve_argv_release(&av);
}
