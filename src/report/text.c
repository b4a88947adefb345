/* text.c - the readable summary of one run, every number with its unit. */
#include <math.h>
#include <string.h>

#include "gabasim/gabasim.h"
#include "gabasim/report.h"

static void fmt_or_na(char *buf, size_t n, const char *fmt, double v)
{
    if (isfinite(v))
        snprintf(buf, n, fmt, v);
    else
        snprintf(buf, n, "n/a");
}

static void regimen_line(const struct gs_run *r, FILE *f)
{
    const struct gs_regimen *g = r->regimen;
    size_t n = 0, n_sup = 0;
    double total = 0.0, last = 0.0, sup = g->hd.supplement_mg, session_end = NAN;
    for (size_t i = 0; i < r->events->n; i++) { /* time-sorted: a session before its end */
        const struct gs_event *e = &r->events->ev[i];
        if (e->evid == GS_EVID_HD)
            session_end = e->time_h + e->dur_h;
        if (e->evid == GS_EVID_DOSE || e->evid == GS_EVID_RESET_DOSE) {
            /* the post-dialysis supplement: the schedule's amount as a session ends */
            if (sup > 0.0 && e->amt_mg == sup && fabs(e->time_h - session_end) < 1e-9) {
                n_sup++;
                continue;
            }
            n++;
            total += e->amt_mg;
            last = e->time_h;
        }
    }
    fprintf(f, "Regimen      ");
    if (n == 1 && g->n_steps == 1 && !g->start_steady) {
        fprintf(f, "a single dose of %g mg at %g h\n", total, last);
        return;
    }
    for (size_t i = 0; i < g->n_steps; i++)
        fprintf(f, "%sfrom %g h: %g mg every %g h", i ? "; " : "", g->steps[i].start_h,
                g->steps[i].dose_mg, g->steps[i].ii_h);
    fprintf(f, "\n             %zu dose%s, %g mg in all, last at %g h%s\n", n, n == 1 ? "" : "s",
            total, last, g->start_steady ? "; starts at steady state" : "");
    if (n_sup)
        fprintf(f, "             and %zu post-dialysis supplement%s of %g mg\n", n_sup,
                n_sup == 1 ? "" : "s", g->hd.supplement_mg);
}

/* The steady state of the maintenance dose; a single dose has none. */
static void steady_state(const struct gs_summary *s, FILE *f)
{
    char a[64], b[64], c[64];
    if (!(s->ss_ii_h > 0.0)) {
        fprintf(f, "Steady state  none: a single dose\n");
        return;
    }
    fprintf(f, "Steady state (%g mg every %g h)\n", s->ss_dose_mg, s->ss_ii_h);
    fmt_or_na(a, sizeof a, "%.3g", s->ss_cmin_mg_l);
    fmt_or_na(b, sizeof b, "%.3g", s->ss_cavg_mg_l);
    fmt_or_na(c, sizeof c, "%.3g", s->ss_cmax_mg_l);
    fprintf(f, "  Cmin / Cavg / Cmax        %s / %s / %s mg/L\n", a, b, c);
    fmt_or_na(a, sizeof a, "%.1f %%", 100.0 * s->ss_fraction_absorbed);
    fprintf(f, "  fraction of each dose absorbed  %s\n", a);
    if (isfinite(s->t90_ss_h))
        fprintf(f, "  time to 90 %% of steady state  %.1f h (%.1f days)\n", s->t90_ss_h,
                s->t90_ss_h / 24.0);
    else
        fprintf(f, "  time to 90 %% of steady state  not reached in the simulated span\n");
}

/* Dialysis sessions: the schedule, and the weekly periodic state in place of a per-dose one. */
static void hd_lines(const struct gs_run *r, FILE *f)
{
    const struct gs_summary *s = r->summary;
    const struct gs_hd_schedule *hd = &r->regimen->hd;
    char sched[160], c[64];
    gs_hd_schedule_describe(hd, sched, sizeof sched);
    fprintf(f, "Haemodialysis sessions modelled: %s;\n  ", sched);
    if (hd->supplement_mg > 0.0)
        fprintf(f, "%g mg supplement as each session ends, while doses are given\n",
                hd->supplement_mg);
    else
        fprintf(f, "no supplement after sessions\n");
    if (!(s->ss_ii_h > 0.0)) {
        fprintf(f, "A single dose: no steady state\n");
        return;
    }
    fprintf(f,
            "Weekly steady state (%g mg every %g h with the sessions; periodic over a week,\n"
            "  not per dose: the week from %.1f h, %s after %d simulated week%s)\n",
            s->ss_dose_mg, s->ss_ii_h, s->hd_week_from_h,
            s->hd_converged ? "reached" : "still changing", s->hd_weeks,
            s->hd_weeks == 1 ? "" : "s");
    fprintf(f, "  before / after each session ");
    for (int k = 0; k < s->hd_per_week; k++)
        fprintf(f, "%s%.3g / %.3g", k ? ", " : "", s->hd_pre_mg_l[k], s->hd_post_mg_l[k]);
    fprintf(f, " mg/L\n");
    fprintf(f, "  Cmin / Cavg / Cmax in the week  %.3g / %.3g / %.3g mg/L\n", s->ss_cmin_mg_l,
            s->ss_cavg_mg_l, s->ss_cmax_mg_l);
    fmt_or_na(c, sizeof c, "%.1f %%", 100.0 * s->ss_fraction_absorbed);
    fprintf(f, "  fraction of the week's doses absorbed  %s\n", c);
    fmt_or_na(c, sizeof c, "%.0f h", s->t90_ss_h);
    if (isfinite(s->t90_ss_h))
        fprintf(f, "  time to 90 %% of the weekly average  about %s (%.1f days)\n", c,
                s->t90_ss_h / 24.0);
    else
        fprintf(f, "  time to 90 %% of the weekly average  n/a\n");
}

void gs_report_summary_text(const struct gs_run *r, FILE *f)
{
    const struct gs_summary *s = r->summary;
    const struct gs_patient *p = r->patient;
    char a[64], b[64];
    fprintf(f, "gabasim %s  %s (%s)\n", gs_version(), gs_drug_name(r->drug),
            gs_drug_title(r->drug));
    fprintf(f, "Patient      CrCl %.1f mL/min (%s)", p->crcl_ml_min,
            gs_patient_crcl_source_name(p->crcl_source));
    if (!isnan(p->egfr_ml_min_173))
        fprintf(f, "; eGFR %.1f mL/min/1.73 m2 (CKD-EPI 2021, reported only)", p->egfr_ml_min_173);
    fprintf(f, "\n");
    if (!isnan(p->age_y) || p->sex != GS_SEX_UNKNOWN || !isnan(p->weight_kg))
        fprintf(f, "             age %s y, %s, weight %s kg\n",
                isnan(p->age_y) ? "?" : (snprintf(a, sizeof a, "%g", p->age_y), a),
                gs_patient_sex_name(p->sex),
                isnan(p->weight_kg) ? "?" : (snprintf(b, sizeof b, "%g", p->weight_kg), b));
    regimen_line(r, f);
    if (r->check) {
        fprintf(f, "Label check\n");
        gs_report_label_findings_text(r->check, f, "  ");
    }
    fprintf(f, "Model        %s: CL %.3g L/h, V %.3g L\n", r->model->structure->name,
            s->clearance_l_h, s->volume_l);
    fprintf(f, "\nAfter the first dose (%g mg at %g h)\n", s->first_dose_mg, s->first_dose_h);
    fprintf(f, "  Cmax                      %.3g mg/L\n", s->cmax_mg_l);
    fprintf(f, "  Tmax                      %.2f h after the dose\n", s->tmax_h);
    if (s->hd_per_week > 0)
        hd_lines(r, f);
    else
        steady_state(s, f);
    if (r->check)
        gs_report_label_levels_text(r->check, f, "  ", 0);
    fprintf(f, "Elimination\n");
    fmt_or_na(a, sizeof a, "%.2f h", s->half_life_h);
    fmt_or_na(b, sizeof b, "%.2f h", s->elimination_half_life_h);
    fprintf(f, "  terminal half-life        %s (elimination half-life %s)%s\n", a, b,
            s->hd_per_week > 0 ? " between sessions" : "");
    if (s->hd_per_week > 0) {
        fmt_or_na(a, sizeof a, "%.2f h", s->hd_half_life_h);
        fprintf(f, "  half-life during a session %s (dialysis clearance +%.3g L/h)\n", a,
                s->hd_cl_l_h);
    }
    fprintf(f, "  AUC %-21s %.4g mg*h/L\n",
            s->auc_to_infinity ? "0 to infinity" : "over the profile", s->auc_mg_h_l);
    fprintf(f, "  peak in simulated span    %.3g mg/L at %.2f h\n", s->span_cmax_mg_l,
            s->span_tmax_h);
    fprintf(f, "  mass balance error        %.1e (relative)\n", s->mass_balance_error);
    if (r->notes && *r->notes) {
        fprintf(f, "\nAssumptions for this patient\n");
        const char *line = r->notes;
        while (*line) {
            const char *nl = strchr(line, '\n');
            size_t len = nl ? (size_t)(nl - line) : strlen(line);
            fprintf(f, "  - %.*s\n", (int)len, line);
            line += len + (nl != NULL);
        }
    }
    fprintf(f, "\n%s\n", GS_CLINICAL_NOTICE);
}
