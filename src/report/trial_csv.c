/* trial_csv.c - `gabasim trial --csv`: one trial as a row per participant (covariates, baseline,
 * each visit, dropout, dose, side-effect days; NA when missing), or replicates as study,yi,sei
 * rows that `gabasim meta` reads. The participant rows carry each one's own maximum pain effect
 * (emax_i) and whether they count as a >= 30 % and >= 50 % responder. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/report_trial.h"
#include "trial_int.h"

/* A CSV cell: quoted (with "" for ") when it holds a comma, quote or line break. */
static void csv_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void participants(const gs_trial *t, const struct gs_trial_result *r, FILE *f)
{
    const struct gs_trial_spec *s = gs_trial_get_spec(t);
    fprintf(f, "id,arm,radicular,stratum,age_y,sex,weight_kg,crcl_ml_min,cl_l_h,emax_i,"
               "baseline_pain");
    for (size_t v = 0; v < s->n_visits; v++)
        fprintf(f, ",pain_week%d", s->visit_week[v]);
    fprintf(f, ",responder30,responder50,drop_day,drop_reason,final_dose_mg_day");
    for (size_t e = 0; e < gs_trial_ae_count(t); e++)
        fprintf(f, ",%s_day", gs_trial_ae_name(t, e));
    fputc('\n', f);
    for (long i = 0; i < r->randomized; i++) {
        const struct gs_trial_subject *p = &r->subject[i];
        fprintf(f, "%ld,", i + 1);
        csv_field(f, s->arm[p->arm].name);
        fprintf(f, ",%d,%d,%.1f,%s,%.1f,%.1f,", p->radicular, p->stratum, p->patient.age_y,
                p->patient.sex == GS_SEX_FEMALE ? "F" : "M", p->patient.weight_kg,
                p->patient.crcl_ml_min);
        if (isnan(p->cl_l_h))
            fprintf(f, "NA");
        else
            fprintf(f, "%.3f", p->cl_l_h);
        isnan(p->emax_i) ? fprintf(f, ",NA") : fprintf(f, ",%.4f", p->emax_i);
        fprintf(f, ",%.3f", p->base_obs);
        for (size_t v = 0; v < s->n_visits; v++)
            isnan(p->pain[v]) ? fprintf(f, ",NA") : fprintf(f, ",%.3f", p->pain[v]);
        /* as the analysis counts them: the last visit, missing = no response */
        const double fin = p->pain[s->n_visits - 1];
        const double drop = isnan(fin) ? NAN : (p->base_obs - fin) / p->base_obs;
        fprintf(f, ",%d,%d", drop >= 0.30 - 1e-12, drop >= 0.50 - 1e-12);
        fprintf(f, ",%d,%s,%.0f", p->drop_day, gs__trial_reason_key(p->drop_reason),
                p->final_mg_day);
        for (size_t e = 0; e < gs_trial_ae_count(t); e++)
            fprintf(f, ",%d", p->ae_day[e]);
        fputc('\n', f);
    }
}

static void replicates(const struct gs_trial_reps *r, FILE *f)
{
    fprintf(f, "study,yi,sei\n");
    for (long i = 0; i < r->n; i++)
        fprintf(f, "replicate %ld,%.10g,%.10g\n", i + 1, r->effect[i], r->se[i]);
}

gs_status gs_report_trial_csv(const struct gs_trial_simulation *r, FILE *f, struct gs_error *err)
{
    if (r->replicates)
        replicates(&r->reps, f);
    else
        participants(r->trial, &r->one, f);
    if (ferror(f))
        return gs_error_set(err, GS_IO, "csv", "writing the trial CSV failed");
    return GS_OK;
}
