/* population_text.c - `gabasim population`'s readable summary, its per-time percentile CSV and a
 * dataset's predictions. */
#include <math.h>
#include <stdio.h>

#include "gabasim/gabasim.h"
#include "gabasim/report_population.h"

/* The regimen beside the label, and the subjects' troughs beside the reference range. */
static void label_check_text(const struct gs_population_result *r, FILE *f)
{
    fprintf(f, "\nLabel check\n");
    if (r->covariates == NULL)
        gs_report_label_findings_text(&r->check, f, "  ");
    else if (!r->check.has_rules)
        fprintf(f, "  the drug file has no label dosing rules to check against\n");
    else if (r->n_above_band == 0)
        fprintf(f, "  within the label's band for every subject's kidney function\n");
    else
        fprintf(f,
                "  WARNING: for %ld of %ld subject%s (%.1f %%) the maintenance dose is above the "
                "label's band for their kidney function\n",
                r->n_above_band, r->n, r->n == 1 ? "" : "s",
                100.0 * (double)r->n_above_band / (double)r->n);
    gs_report_label_levels_text(&r->check, f, "  ", 1);
    if (isfinite(r->trough_below_range))
        fprintf(f, "    troughs of the subjects: %.1f %% below it, %.1f %% above it\n",
                100.0 * r->trough_below_range, 100.0 * r->trough_above_range);
}

gs_status gs_report_population_text(const struct gs_population_result *r, FILE *f,
                                    struct gs_error *err)
{
    const struct gs_pop_result *p = &r->pop;
    fprintf(f, "gabasim %s population  %s, %ld subject%s, seed %ld%s%s\n", gs_version(), r->drug,
            r->n, r->n == 1 ? "" : "s", (long)r->seed, r->covariates ? ", covariates " : "",
            r->covariates ? r->covariates : "");
    fprintf(f, "simulated in %.2f s; percentiles %s\n", r->elapsed_s,
            p->exact_percentiles ? "exact" : "from log histograms (256 bins per octave)");
    fprintf(f, "metrics window %g-%g h   (5th / 50th / 95th percentile across subjects)\n",
            r->window_from_h, r->window_to_h);
    fprintf(f, "  Cmax  %8.3g %8.3g %8.3g mg/L (over the whole profile)\n", r->cmax_mg_l.p5,
            r->cmax_mg_l.p50, r->cmax_mg_l.p95);
    fprintf(f, "  Cmin  %8.3g %8.3g %8.3g mg/L\n", r->cmin_mg_l.p5, r->cmin_mg_l.p50,
            r->cmin_mg_l.p95);
    fprintf(f, "  Cavg  %8.3g %8.3g %8.3g mg/L\n", r->cavg_mg_l.p5, r->cavg_mg_l.p50,
            r->cavg_mg_l.p95);
    for (size_t t = 0; t < r->n_thresholds; t++)
        fprintf(f, "target %g mg/L: %.1f %% of subjects keep Cmin at or above it, %.1f %% Cavg\n",
                r->thresholds_mg_l[t], 100 * p->pta_cmin[t], 100 * p->pta_cavg[t]);
    if (p->n_out > 0) {
        size_t j = p->n_out - 1; /* the 50th, 5th and 95th percentiles */
        fprintf(f, "at %g h: median %.3g mg/L, 90 %% of subjects %.3g-%.3g mg/L\n", p->t_h[j],
                p->pct_mg_l[3][j], p->pct_mg_l[0][j], p->pct_mg_l[6][j]);
    }
    label_check_text(r, f);
    fprintf(f, "\n%s\n", GS_CLINICAL_NOTICE);
    if (ferror(f))
        return gs_error_set(err, GS_IO, "population", "writing the summary failed");
    return GS_OK;
}

gs_status gs_report_population_percentiles_csv(const struct gs_population_result *r, FILE *f,
                                               struct gs_error *err)
{
    const struct gs_pop_result *p = &r->pop;
    fprintf(f, "time_h,mean_mg_L");
    for (int q = 0; q < GS_POP_N_PCT; q++)
        fprintf(f, ",p%g_mg_L", gs_pop_percentiles[q]);
    for (size_t q = 0; q < p->n_extra_pct; q++)
        fprintf(f, ",p%g_mg_L", r->extra_pct[q]);
    fputc('\n', f);
    for (size_t j = 0; j < p->n_out; j++) {
        fprintf(f, "%.10g,%.10g", p->t_h[j], p->mean_mg_l[j]);
        for (int q = 0; q < GS_POP_N_PCT; q++)
            fprintf(f, ",%.10g", p->pct_mg_l[q][j]);
        for (size_t q = 0; q < p->n_extra_pct; q++)
            fprintf(f, ",%.10g", p->extra_pct_mg_l[q][j]);
        fputc('\n', f);
    }
    if (ferror(f))
        return gs_error_set(err, GS_IO, "--percentiles-csv", "writing the percentiles failed");
    return GS_OK;
}

gs_status gs_report_population_dataset_csv(const struct gs_population_dataset_result *r, FILE *f,
                                           struct gs_error *err)
{
    static const char *const names[] = {"PRED", "IPRED", "IWRES", "SIMIPRED", "SIMDV"};
    const double *const values[] = {r->pred_mg_l, r->ipred_mg_l, r->iwres, r->simipred_mg_l,
                                    r->simdv_mg_l};
    gs_status st = gs_dataset_write_columns(r->ds, f, 5, names, values);
    if (st != GS_OK)
        return gs_error_set(err, st, "--out", "writing the dataset failed");
    return GS_OK;
}
