/* population_subjects.c - the per-subject files of `gabasim population` (--summary-csv,
 * --params-csv, --summary-json), streamed while the subjects are simulated.
 *
 * The engine calls format() for a block of subjects in parallel and subject() in subject order,
 * so the costly number formatting scales with threads while rows are written in order. format()
 * leaves three NUL-terminated texts in the subject's buffer: the summary CSV row, the parameter
 * row and the JSON object (each empty when its file is not wanted). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/report.h"
#include "gabasim/report_population.h"
#include "report_int.h"

/* Appends ",number" (sig significant digits, printf's %g text) or "," when not known. */
static size_t cell(char *buf, size_t k, double v, int sig)
{
    buf[k++] = ',';
    return isnan(v) ? k : k + gs_report_fmt_g(buf + k, 64, v, sig);
}

size_t gs_report_population_subject_row(const struct gs_pop_config *cfg,
                                        const struct gs_pop_subject *s, char *buf, size_t cap)
{
    const struct gs_patient *p = &s->patient;
    double window = cfg->window_to_h - cfg->window_from_h;
    (void)cap; /* at most about 700 characters with 8 thresholds */
    size_t n = (size_t)snprintf(buf, 64, "%ld,%s", s->index + 1,
                                p->sex == GS_SEX_UNKNOWN ? "" : gs_patient_sex_name(p->sex));
    n = cell(buf, n, p->age_y, 6);
    n = cell(buf, n, p->weight_kg, 6);
    n = cell(buf, n, p->height_cm, 6);
    n = cell(buf, n, p->crcl_ml_min, 6);
    n = cell(buf, n, s->cmax_mg_l, 10);
    n = cell(buf, n, s->tmax_h, 6);
    n = cell(buf, n, s->cmin_mg_l, 10);
    n = cell(buf, n, s->cavg_mg_l, 10);
    n = cell(buf, n, s->auc_mg_h_l, 10);
    for (size_t t = 0; t < cfg->n_thresholds; t++)
        n = cell(buf, n, s->time_above_h[t], 6);
    for (size_t t = 0; t < cfg->n_thresholds; t++)
        n = cell(buf, n, window - s->time_above_h[t], 6);
    buf[n++] = '\n';
    buf[n] = '\0';
    return n;
}

/* The subject as a JSON object (cJSON, unformatted) into buf; 0 if it does not fit. */
static size_t subject_json(const struct gs_pop_config *cfg, const struct gs_pop_subject *s,
                           char *buf, size_t cap)
{
    const struct gs_patient *p = &s->patient;
    double window = cfg->window_to_h - cfg->window_from_h;
    static const char *key[9] = {"age_y",  "weight_kg", "height_cm", "crcl_mL_min", "cmax_mg_L",
                                 "tmax_h", "cmin_mg_L", "cavg_mg_L", "auc_mg_h_L"};
    const double val[9] = {p->age_y,  p->weight_kg, p->height_cm, p->crcl_ml_min, s->cmax_mg_l,
                           s->tmax_h, s->cmin_mg_l, s->cavg_mg_l, s->auc_mg_h_l};
    cJSON *o = cJSON_CreateObject();
    int ok = o && gs__json_add_num(o, "ID", "%.0f", (double)(s->index + 1)) &&
             gs__json_add_str(o, "sex", gs_patient_sex_name(p->sex));
    for (int i = 0; ok && i < 9; i++)
        ok = gs__json_add_num(o, key[i], i < 4 ? "%.6g" : "%.10g", val[i]) != NULL;
    for (int below = 0; ok && below < 2; below++) {
        cJSON *a = cJSON_AddArrayToObject(o, below ? "time_below_h" : "time_above_h");
        ok = a != NULL;
        for (size_t t = 0; ok && t < cfg->n_thresholds; t++)
            ok = gs__json_push_num(
                     a, "%.6g", below ? window - s->time_above_h[t] : s->time_above_h[t]) != NULL;
    }
    size_t n = 0;
    if (ok && cJSON_PrintPreallocated(o, buf, (int)cap, 0))
        n = strlen(buf);
    cJSON_Delete(o);
    if (n == 0)
        buf[0] = '\0';
    return n;
}

static size_t format(void *ctx, const struct gs_pop_subject *s, char *buf, size_t cap)
{
    const struct gs_report_pop_subjects *w = ctx;
    size_t n = 0;
    if (w->summary_csv)
        n += gs_report_population_subject_row(w->cfg, s, buf, cap);
    buf[n++] = '\0';
    if (w->params_csv) {
        /* %.17g: parameters must read back exactly (the benchmark's comparators use them) */
        n += (size_t)snprintf(buf + n, 64, "%ld", s->index + 1);
        for (size_t i = 0; i < s->model.structure->n_params; i++)
            n += (size_t)snprintf(buf + n, 32, ",%.17g", s->model.p[i]);
        buf[n++] = '\n';
    }
    buf[n++] = '\0';
    if (w->json)
        n += subject_json(w->cfg, s, buf + n, cap - n);
    buf[n] = '\0';
    return n;
}

static gs_status begin(void *ctx, const struct gs_pop_config *cfg, struct gs_error *err)
{
    struct gs_report_pop_subjects *w = ctx;
    w->cfg = cfg;
    w->n_json = 0;
    if (w->summary_csv) {
        fprintf(w->summary_csv, "ID,sex,age_y,weight_kg,height_cm,crcl_mL_min,cmax_mg_L,tmax_h,"
                                "cmin_mg_L,cavg_mg_L,auc_mg_h_L");
        for (size_t t = 0; t < cfg->n_thresholds; t++)
            fprintf(w->summary_csv, ",time_above_%g_mg_L_h", cfg->thresholds_mg_l[t]);
        for (size_t t = 0; t < cfg->n_thresholds; t++)
            fprintf(w->summary_csv, ",time_below_%g_mg_L_h", cfg->thresholds_mg_l[t]);
        fputc('\n', w->summary_csv);
    }
    if (w->params_csv) {
        const struct gs_structure *s = gs_drug_structure(cfg->drug);
        fprintf(w->params_csv, "ID");
        for (size_t i = 0; i < s->n_params; i++)
            fprintf(w->params_csv, ",%s", s->params[i].name);
        fputc('\n', w->params_csv);
    }
    if ((w->summary_csv && ferror(w->summary_csv)) || (w->params_csv && ferror(w->params_csv)))
        return gs_error_set(err, GS_IO, "--summary-csv", "writing a per-subject file failed");
    return GS_OK;
}

static gs_status subject(void *ctx, const struct gs_pop_subject *s, struct gs_error *err)
{
    struct gs_report_pop_subjects *w = ctx;
    if (s->text == NULL)
        return GS_OK;
    size_t first = strlen(s->text), second = strlen(s->text + first + 1);
    const char *json = s->text + first + 1 + second + 1;
    if (w->json && *json == '\0')
        return gs_error_set(err, GS_NOMEM, "--summary-json",
                            "subject %ld: out of memory formatting its JSON", s->index + 1);
    if ((w->summary_csv && fwrite(s->text, 1, first, w->summary_csv) != first) ||
        (w->params_csv && fputs(s->text + first + 1, w->params_csv) == EOF) ||
        (w->json && fprintf(w->json, "%s%s", w->n_json++ ? ",\n" : "[\n", json) < 0))
        return gs_error_set(err, GS_IO, "--summary-csv", "writing a per-subject file failed");
    return GS_OK;
}

static gs_status end(void *ctx, struct gs_error *err)
{
    struct gs_report_pop_subjects *w = ctx;
    /* the array of --summary-json: its elements are cJSON's, only the brackets are written here */
    if (w->json && fprintf(w->json, "%s]\n", w->n_json ? "\n" : "[") < 0)
        return gs_error_set(err, GS_IO, "--summary-json", "writing '--summary-json' failed");
    return GS_OK;
}

const struct gs_population_sink *gs_report_population_subjects(struct gs_report_pop_subjects *w)
{
    w->cfg = NULL;
    w->n_json = 0;
    memset(&w->sink, 0, sizeof w->sink);
    if (!w->summary_csv && !w->params_csv && !w->json)
        return NULL;
    w->sink.begin = begin;
    w->sink.format = format;
    w->sink.subject = subject;
    w->sink.end = end;
    w->sink.ctx = w;
    return &w->sink;
}
