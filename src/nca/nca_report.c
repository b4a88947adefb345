/* nca_report.c - the NCA results as text, CSV and JSON (numbers with 10 significant digits;
 * undefined values empty in CSV, null in JSON, '-' in text). */
#include <math.h>
#include <string.h>

#include "gabasim/nca.h"
#include "nca_int.h"

/* The extra per-profile columns beside the enum parameters. */
static void num(FILE *f, double v, const char *none)
{
    if (isfinite(v))
        fprintf(f, "%.10g", v);
    else
        fputs(none, f);
}

static void csv_text(FILE *f, const char *s)
{
    /* the reader refuses quotes; commas cannot occur in a parsed field */
    fputs(s, f);
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

static const char *method_name(enum gs_nca_auc_method m)
{
    return m == GS_NCA_LINEAR ? "linear" : "linup-logdown";
}

static const char *blq_name(enum gs_nca_blq_action b)
{
    return b == GS_NCA_BLQ_DROP ? "drop" : "zero";
}

static void interval_name(char *buf, size_t cap, const struct gs_nca_options *o, size_t k)
{
    if (isinf(o->interval_end_h[k]))
        snprintf(buf, cap, "auc_%g_inf", o->interval_start_h[k]);
    else
        snprintf(buf, cap, "auc_%g_%g", o->interval_start_h[k], o->interval_end_h[k]);
}

static gs_status done(FILE *f, struct gs_error *err)
{
    if (fflush(f) != 0 || ferror(f))
        return gs_error_set(err, GS_IO, "output", "writing the NCA results failed");
    return GS_OK;
}

gs_status gs_nca_write_csv(const gs_nca_analysis *a, FILE *f, struct gs_error *err)
{
    const gs_nca_data *d = a->data;
    const struct gs_nca_options *o = &a->options;
    fputs("id,period,sequence,treatment,dose,n_obs,n_blq,n_used", f);
    for (int k = 0; k < GS_NCA_N_PARAMS; k++)
        fprintf(f, ",%s", gs_nca_param_name((enum gs_nca_param)k));
    fputs(",r2,lz_tfirst_h,lz_tlast_h,clast_pred,span_ratio", f);
    for (size_t k = 0; k < o->n_intervals; k++) {
        char nm[64];
        interval_name(nm, sizeof nm, o, k);
        fprintf(f, ",%s", nm);
    }
    fputc('\n', f);
    for (size_t p = 0; p < d->n_prof; p++) {
        const struct nca_prof *q = &d->prof[p];
        const struct gs_nca_result *r = &a->res[p];
        csv_text(f, q->id);
        fputc(',', f);
        csv_text(f, q->period);
        fputc(',', f);
        csv_text(f, q->sequence);
        fputc(',', f);
        csv_text(f, q->treatment);
        fputc(',', f);
        num(f, r->dose, "");
        fprintf(f, ",%zu,%zu,%zu", r->n_obs, r->n_blq, r->n_used);
        for (int k = 0; k < GS_NCA_N_PARAMS; k++) {
            fputc(',', f);
            num(f, gs_nca_param_value(r, (enum gs_nca_param)k), "");
        }
        const double extra[5] = {r->r2, r->lz_tfirst_h, r->lz_tlast_h, r->clast_pred,
                                 r->span_ratio};
        for (int k = 0; k < 5; k++) {
            fputc(',', f);
            num(f, extra[k], "");
        }
        for (size_t k = 0; k < o->n_intervals; k++) {
            fputc(',', f);
            num(f, r->auc_interval[k], "");
        }
        fputc('\n', f);
    }
    return done(f, err);
}

gs_status gs_nca_write_summary_csv(const gs_nca_analysis *a, FILE *f, struct gs_error *err)
{
    fputs("group,parameter,n,gmean,gcv_pct,mean,sd,median,min,max\n", f);
    for (size_t g = 0; g < a->n_groups; g++)
        for (int k = 0; k < GS_NCA_N_PARAMS; k++) {
            const struct gs_nca_stats *s = &a->stats[g][k];
            if (s->n == 0)
                continue;
            fprintf(f, "%s,%s,%zu", a->group[g], gs_nca_param_name((enum gs_nca_param)k), s->n);
            const double v[7] = {s->gmean, s->gcv_pct, s->mean, s->sd, s->median, s->min, s->max};
            for (int j = 0; j < 7; j++) {
                fputc(',', f);
                num(f, v[j], "");
            }
            fputc('\n', f);
        }
    return done(f, err);
}

static void text_cell(FILE *f, double v, int width)
{
    char b[32];
    if (isfinite(v))
        snprintf(b, sizeof b, "%.4g", v);
    else
        snprintf(b, sizeof b, "-");
    fprintf(f, " %*s", width, b);
}

gs_status gs_nca_write_text(const gs_nca_analysis *a, FILE *f, struct gs_error *err)
{
    const gs_nca_data *d = a->data;
    const struct gs_nca_options *o = &a->options;
    const int ss = o->tau_h > 0;
    fprintf(f, "Non-compartmental analysis of %s: %zu profile%s\n", d->origin, d->n_prof,
            d->n_prof == 1 ? "" : "s");
    fprintf(f,
            "AUC %s; lambda_z: best adjusted r^2 (tolerance %g) over >= %d points after Tmax; "
            "BLQ first %s, middle %s, last %s",
            method_name(o->method), o->adj_r2_factor, o->min_points, blq_name(o->blq_first),
            blq_name(o->blq_middle), blq_name(o->blq_last));
    if (o->lloq > 0)
        fprintf(f, "; LLOQ %g", o->lloq);
    if (ss)
        fprintf(f, "; steady state, tau %g h", o->tau_h);
    fputs("\n\n", f);
    static const enum gs_nca_param sd_cols[] = {
        GS_NCA_P_CMAX,           GS_NCA_P_TMAX,      GS_NCA_P_AUCLAST,
        GS_NCA_P_LAMBDA_Z,       GS_NCA_P_HALF_LIFE, GS_NCA_P_AUCINF_OBS,
        GS_NCA_P_PCT_EXTRAP_OBS, GS_NCA_P_CL_F,      GS_NCA_P_VZ_F};
    static const enum gs_nca_param ss_cols[] = {
        GS_NCA_P_CMAX,        GS_NCA_P_TMAX,        GS_NCA_P_CMIN,   GS_NCA_P_AUCTAU,
        GS_NCA_P_CAVG,        GS_NCA_P_HALF_LIFE,   GS_NCA_P_CLSS_F, GS_NCA_P_VZ_F,
        GS_NCA_P_FLUCTUATION, GS_NCA_P_ACCUMULATION};
    const enum gs_nca_param *cols = ss ? ss_cols : sd_cols;
    size_t nc = ss ? sizeof ss_cols / sizeof *ss_cols : sizeof sd_cols / sizeof *sd_cols;
    fprintf(f, "%-10s", "id");
    if (d->crossover)
        fprintf(f, " %-3s %-5s", "per", "trt");
    for (size_t k = 0; k < nc; k++)
        fprintf(f, " %11s", gs_nca_param_name(cols[k]));
    for (size_t k = 0; k < o->n_intervals; k++) {
        char nm[64];
        interval_name(nm, sizeof nm, o, k);
        fprintf(f, " %11s", nm);
    }
    fputc('\n', f);
    for (size_t p = 0; p < d->n_prof; p++) {
        fprintf(f, "%-10s", d->prof[p].id);
        if (d->crossover)
            fprintf(f, " %-3s %-5s", d->prof[p].period, d->prof[p].treatment);
        for (size_t k = 0; k < nc; k++)
            text_cell(f, gs_nca_param_value(&a->res[p], cols[k]), 11);
        for (size_t k = 0; k < o->n_intervals; k++)
            text_cell(f, a->res[p].auc_interval[k], 11);
        fputc('\n', f);
    }
    for (size_t g = 0; g < a->n_groups; g++) {
        fprintf(f, "\nSummary (%s%s): n, geometric mean, geometric CV %%, median, range\n",
                d->crossover ? "treatment " : "", a->group[g]);
        for (size_t k = 0; k < nc; k++) {
            const struct gs_nca_stats *s = &a->stats[g][cols[k]];
            fprintf(f, "  %-16s %5zu", gs_nca_param_name(cols[k]), s->n);
            text_cell(f, s->gmean, 10);
            text_cell(f, s->gcv_pct, 8);
            text_cell(f, s->median, 10);
            fputs("  [", f);
            text_cell(f, s->min, 0);
            fputs(",", f);
            text_cell(f, s->max, 0);
            fputs(" ]\n", f);
        }
    }
    if (d->crossover) {
        const char *why = NULL;
        fputs("\nBioequivalence (2x2 crossover, ANOVA of log values: sequence, subject(sequence), "
              "period, treatment)\n",
              f);
        if (gs_nca_analysis_be(a, 0, &why) == NULL) {
            fprintf(f, "  not compared: %s\n", why ? why : "no comparison");
        } else {
            fprintf(f, "  %-11s %4s %8s %8s %15s %9s  %s\n", "parameter", "n", "CV% w", "T/R %",
                    "90% CI %", "df", "80-125 %");
            for (int k = 0; k < 3; k++) {
                const struct gs_nca_be_result *b = gs_nca_analysis_be(a, k, NULL);
                fprintf(f, "  %-11s %4zu %8.2f %8.2f %7.2f-%-7.2f %9g  %s\n", gs_nca_be_params[k],
                        b->n_subjects, b->cv_intra_pct, 100 * b->ratio, 100 * b->lower,
                        100 * b->upper, b->df,
                        b->bioequivalent ? "bioequivalent" : "not shown bioequivalent");
            }
        }
    }
    return done(f, err);
}

static void json_num(FILE *f, double v)
{
    num(f, v, "null");
}

gs_status gs_nca_write_json(const gs_nca_analysis *a, FILE *f, struct gs_error *err)
{
    const gs_nca_data *d = a->data;
    const struct gs_nca_options *o = &a->options;
    fputs("{\"file\":", f);
    json_str(f, d->origin);
    fprintf(f,
            ",\"options\":{\"method\":\"%s\",\"blq\":{\"first\":\"%s\",\"middle\":\"%s\","
            "\"last\":\"%s\"},\"lloq\":",
            method_name(o->method), blq_name(o->blq_first), blq_name(o->blq_middle),
            blq_name(o->blq_last));
    json_num(f, o->lloq);
    fputs(",\"tau_h\":", f);
    json_num(f, o->tau_h > 0 ? o->tau_h : NAN);
    fprintf(f, ",\"min_points\":%d,\"adj_r2_factor\":", o->min_points);
    json_num(f, o->adj_r2_factor);
    fputs(",\"intervals\":[", f);
    for (size_t k = 0; k < o->n_intervals; k++) {
        fprintf(f, "%s[", k ? "," : "");
        json_num(f, o->interval_start_h[k]);
        fputc(',', f);
        json_num(f, o->interval_end_h[k]); /* inf: null */
        fputc(']', f);
    }
    fputs("]},\"profiles\":[", f);
    for (size_t p = 0; p < d->n_prof; p++) {
        const struct nca_prof *q = &d->prof[p];
        const struct gs_nca_result *r = &a->res[p];
        fputs(p ? ",\n{\"id\":" : "\n{\"id\":", f);
        json_str(f, q->id);
        if (d->crossover) {
            fputs(",\"period\":", f);
            json_str(f, q->period);
            fputs(",\"sequence\":", f);
            json_str(f, q->sequence);
            fputs(",\"treatment\":", f);
            json_str(f, q->treatment);
        }
        fputs(",\"dose\":", f);
        json_num(f, r->dose);
        fprintf(f, ",\"n_obs\":%zu,\"n_blq\":%zu,\"n_used\":%zu", r->n_obs, r->n_blq, r->n_used);
        for (int k = 0; k < GS_NCA_N_PARAMS; k++) {
            fprintf(f, ",\"%s\":", gs_nca_param_name((enum gs_nca_param)k));
            json_num(f, gs_nca_param_value(r, (enum gs_nca_param)k));
        }
        const char *en[5] = {"r2", "lz_tfirst_h", "lz_tlast_h", "clast_pred", "span_ratio"};
        const double ev[5] = {r->r2, r->lz_tfirst_h, r->lz_tlast_h, r->clast_pred, r->span_ratio};
        for (int k = 0; k < 5; k++) {
            fprintf(f, ",\"%s\":", en[k]);
            json_num(f, ev[k]);
        }
        fputs(",\"auc_intervals\":[", f);
        for (size_t k = 0; k < o->n_intervals; k++) {
            if (k)
                fputc(',', f);
            json_num(f, r->auc_interval[k]);
        }
        fputs("]}", f);
    }
    fputs("],\n\"summary\":[", f);
    for (size_t g = 0; g < a->n_groups; g++) {
        fputs(g ? ",{\"group\":" : "{\"group\":", f);
        json_str(f, a->group[g]);
        fputs(",\"parameters\":{", f);
        int first = 1;
        for (int k = 0; k < GS_NCA_N_PARAMS; k++) {
            const struct gs_nca_stats *s = &a->stats[g][k];
            if (s->n == 0)
                continue;
            fprintf(f, "%s\"%s\":{\"n\":%zu", first ? "" : ",",
                    gs_nca_param_name((enum gs_nca_param)k), s->n);
            first = 0;
            const char *sn[7] = {"gmean", "gcv_pct", "mean", "sd", "median", "min", "max"};
            const double sv[7] = {s->gmean, s->gcv_pct, s->mean, s->sd, s->median, s->min, s->max};
            for (int j = 0; j < 7; j++) {
                fprintf(f, ",\"%s\":", sn[j]);
                json_num(f, sv[j]);
            }
            fputc('}', f);
        }
        fputs("}}", f);
    }
    fputs("],\n\"bioequivalence\":", f);
    const char *why = NULL;
    if (gs_nca_analysis_be(a, 0, &why) == NULL) {
        fputs("{\"compared\":false,\"why\":", f);
        json_str(f, why ? why : "");
        fputc('}', f);
    } else {
        fputs("{\"compared\":true,\"parameters\":[", f);
        for (int k = 0; k < 3; k++) {
            const struct gs_nca_be_result *b = gs_nca_analysis_be(a, k, NULL);
            fprintf(f, "%s{\"parameter\":\"%s\",\"n_subjects\":%zu,\"n_dropped\":%zu,\"df\":",
                    k ? "," : "", gs_nca_be_params[k], b->n_subjects, b->n_dropped);
            json_num(f, b->df);
            const char *bn[7] = {"mse",     "cv_intra_pct", "ratio",    "lower90",
                                 "upper90", "gmean_test",   "gmean_ref"};
            const double bv[7] = {b->mse,   b->cv_intra_pct, b->ratio,    b->lower,
                                  b->upper, b->gmean_test,   b->gmean_ref};
            for (int j = 0; j < 7; j++) {
                fprintf(f, ",\"%s\":", bn[j]);
                json_num(f, bv[j]);
            }
            fprintf(f, ",\"bioequivalent\":%s}", b->bioequivalent ? "true" : "false");
        }
        fputs("]}", f);
    }
    fputs("}\n", f);
    return done(f, err);
}
