/* trial_report.c - `gabasim trial` output: the CONSORT-style flow, Table 1, the primary result,
 * responders and side effects for one trial; power and the estimate's distribution for many. */
#include "trial_report.h"

#include <math.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/gabasim.h"

static const char *method_name(const struct gs_trial_spec *s)
{
    static const char *imp[] = {"completers only", "last observation carried forward",
                                "baseline observation carried forward"};
    static char buf[160];
    switch (s->method) {
    case GS_METHOD_MIXED:
        return "random-intercept mixed model over all observed visits (REML), adjusted for "
               "baseline; no imputation";
    case GS_METHOD_TTEST:
        snprintf(buf, sizeof buf, "two-sample t test on the change; %s", imp[s->imputation]);
        return buf;
    case GS_METHOD_ANCOVA:
        break;
    }
    snprintf(buf, sizeof buf, "ANCOVA on baseline; %s", imp[s->imputation]);
    return buf;
}

static const char *reason_key[GS_DROP_N] = {"none", "adverse_event", "lack_of_efficacy",
                                            "lost_to_follow_up"};

/* Mean and SD of one baseline characteristic in arm a. */
enum { CH_AGE, CH_WEIGHT, CH_CRCL, CH_PAIN, CH_N };
static const char *ch_label[CH_N] = {"Age, years", "Weight, kg", "Creatinine clearance, mL/min",
                                     "Baseline pain, 0-10"};
static const char *ch_key[CH_N] = {"age_y", "weight_kg", "crcl_ml_min", "baseline_pain"};

static double ch_value(const struct gs_trial_subject *s, int k)
{
    switch (k) {
    case CH_AGE:
        return s->patient.age_y;
    case CH_WEIGHT:
        return s->patient.weight_kg;
    case CH_CRCL:
        return s->patient.crcl_ml_min;
    default:
        return s->base_obs;
    }
}

static void mean_sd(const struct gs_trial_result *r, int arm, int k, double *m, double *sd)
{
    double mu = 0.0, m2 = 0.0;
    long n = 0;
    for (long i = 0; i < r->randomized; i++) {
        if (r->subject[i].arm != arm)
            continue;
        double x = ch_value(&r->subject[i], k), d = x - mu;
        mu += d / (double)++n;
        m2 += d * (x - mu);
    }
    *m = n ? mu : NAN;
    *sd = n > 1 ? sqrt(m2 / (double)(n - 1)) : NAN;
}

static long count_if(const struct gs_trial_result *r, int arm, int women)
{
    long c = 0;
    for (long i = 0; i < r->randomized; i++)
        if (r->subject[i].arm == arm)
            c += women ? r->subject[i].patient.sex == GS_SEX_FEMALE : r->subject[i].radicular;
    return c;
}

static double mean_final_dose(const struct gs_trial_result *r, int arm)
{
    double s = 0.0;
    long n = 0;
    for (long i = 0; i < r->randomized; i++)
        if (r->subject[i].arm == arm) {
            s += r->subject[i].final_mg_day;
            n++;
        }
    return n ? s / (double)n : NAN;
}

static double pct(long k, long n)
{
    return n ? 100.0 * (double)k / (double)n : NAN;
}

void trial_print_text(const gs_trial *t, const struct gs_trial_result *r, FILE *f)
{
    const struct gs_trial_spec *s = gs_trial_get_spec(t);
    const struct gs_trial_arm_summary *A = r->arm;
    const char *n0 = s->arm[0].name, *n1 = s->arm[1].name;
    fprintf(f, "Virtual trial: %s\n", s->title[0] ? s->title : s->origin);
    fprintf(f,
            "Specification %s, seed %llu. A simulation of the trial's design with gabasim's\n"
            "models, not a trial result.\n\n",
            s->origin, (unsigned long long)s->seed);

    fprintf(f, "Participant flow (CONSORT)\n");
    fprintf(f, "  %-32s %14ld\n", "Assessed for eligibility", r->assessed);
    fprintf(f,
            "  %-32s %14ld  (age outside %g-%g y: %ld; CrCl outside "
            "%g-%g mL/min: %ld;\n%51sbaseline pain outside %g-%g: %ld)\n",
            "Excluded", r->assessed - r->randomized, s->age_min_y, s->age_max_y, r->excluded_age,
            s->crcl_min, s->crcl_max, r->excluded_crcl, "", s->pain_min, s->pain_max,
            r->excluded_pain);
    fprintf(f, "  %-32s %14ld  (%s%s)\n", "Randomized", r->randomized,
            s->randomization == GS_RAND_FIXED ? "fixed arm sizes, random order" : "permuted blocks",
            s->stratify_pain_type ? ", stratified by radiating pain" : "");
    fprintf(f, "  %-32s %14s %14s\n", "", n0, n1);
    fprintf(f, "  %-32s %14ld %14ld\n", "Allocated", A[0].allocated, A[1].allocated);
    for (int k = 1; k < GS_DROP_N; k++)
        fprintf(f, "  %-32s %14ld %14ld\n",
                k == 1   ? "Discontinued: adverse event"
                : k == 2 ? "              lack of efficacy"
                         : "              lost to follow-up",
                A[0].discontinued[k], A[1].discontinued[k]);
    fprintf(f, "  %-32s %14ld %14ld\n", "Completed", A[0].completed, A[1].completed);
    fprintf(f, "  %-32s %14ld %14ld\n\n", "Analysed (primary)", A[0].analysed, A[1].analysed);

    fprintf(f, "Table 1. Baseline characteristics (mean +/- SD, or n (%%))\n");
    char h0[64], h1[64];
    snprintf(h0, sizeof h0, "%s (n=%ld)", n0, A[0].allocated);
    snprintf(h1, sizeof h1, "%s (n=%ld)", n1, A[1].allocated);
    fprintf(f, "  %-30s %20s %20s\n", "", h0, h1);
    for (int k = 0; k < CH_N; k++) {
        double m[2], sd[2];
        char c[2][48];
        for (int a = 0; a < 2; a++) {
            mean_sd(r, a, k, &m[a], &sd[a]);
            snprintf(c[a], sizeof c[a], "%.1f +/- %.1f", m[a], sd[a]);
        }
        fprintf(f, "  %-30s %20s %20s\n", ch_label[k], c[0], c[1]);
    }
    for (int w = 1; w >= 0; w--) {
        char c[2][48];
        for (int a = 0; a < 2; a++) {
            long k = count_if(r, a, w);
            snprintf(c[a], sizeof c[a], "%ld (%.0f%%)", k, pct(k, A[a].allocated));
        }
        fprintf(f, "  %-30s %20s %20s\n", w ? "Women" : "Radiating (radicular) pain", c[0], c[1]);
    }

    const struct gs_ancova_result *p = &r->primary;
    int tr = gs_trial_treated_arm(s);
    double level = s->sided == 2 ? 1.0 - s->alpha : 1.0 - 2.0 * s->alpha;
    fprintf(f, "\nPrimary endpoint: change in pain (0-10) from baseline to week %d\n",
            s->duration_weeks);
    fprintf(f, "  Analysis: %s\n", method_name(s));
    fprintf(f, "  Mean change%s: %s %.2f (n=%ld), %s %.2f (n=%ld)\n",
            s->method == GS_METHOD_MIXED ? " (observed at the last visit)" : "", n0,
            A[0].change_mean, A[0].change_n, n1, A[1].change_mean, A[1].change_n);
    fprintf(f,
            "  Difference, %s minus %s: %.2f (%.0f%% CI %.2f to %.2f), p = %.3g (%s, "
            "t on %d df)\n",
            s->arm[tr].name, s->arm[1 - tr].name, p->effect, 100.0 * level, p->ci_lo, p->ci_hi,
            r->p_reported, s->sided == 2 ? "two-sided" : "one-sided, benefit", p->df);
    fprintf(f, "  %s at alpha %g: %s\n", "Result", s->alpha,
            r->significant ? "significant benefit" : "no significant benefit");

    size_t lv = s->n_visits - 1;
    fprintf(f,
            "\nResponders at week %d (pain reduced from baseline; missing counts as no "
            "response)\n",
            s->visit_week[lv]);
    fprintf(f, "  %-30s %9ld (%2.0f%%) %9ld (%2.0f%%)\n", ">= 30 % reduction", A[0].responders30,
            pct(A[0].responders30, A[0].allocated), A[1].responders30,
            pct(A[1].responders30, A[1].allocated));
    fprintf(f, "  %-30s %9ld (%2.0f%%) %9ld (%2.0f%%)\n", ">= 50 % reduction", A[0].responders50,
            pct(A[0].responders50, A[0].allocated), A[1].responders50,
            pct(A[1].responders50, A[1].allocated));

    fprintf(f, "\nSide effects (participants with the event while on study, n (%%))\n");
    for (size_t e = 0; e < gs_trial_ae_count(t); e++)
        fprintf(f, "  %-30s %9ld (%2.0f%%) %9ld (%2.0f%%)\n", gs_trial_ae_name(t, e), A[0].ae[e],
                pct(A[0].ae[e], A[0].allocated), A[1].ae[e], pct(A[1].ae[e], A[1].allocated));
    fprintf(f, "  %-30s %9ld (%2.0f%%) %9ld (%2.0f%%)\n", "discontinued for adverse events",
            A[0].discontinued[GS_DROP_ADVERSE],
            pct(A[0].discontinued[GS_DROP_ADVERSE], A[0].allocated),
            A[1].discontinued[GS_DROP_ADVERSE],
            pct(A[1].discontinued[GS_DROP_ADVERSE], A[1].allocated));
    for (int a = 0; a < 2; a++)
        if (s->arm[a].type == GS_ARM_DRUG)
            fprintf(f, "  %s: mean daily dose at the end (or at discontinuation) %.0f mg\n",
                    s->arm[a].name, mean_final_dose(r, a));

    fprintf(f, "\nPain by visit (observed, mean +/- SD (n))\n");
    fprintf(f, "  %-8s %22s %22s\n", "week", n0, n1);
    for (size_t v = 0; v < s->n_visits; v++) {
        char c[2][48];
        for (int a = 0; a < 2; a++)
            snprintf(c[a], sizeof c[a], "%.2f +/- %.2f (%ld)", A[a].visit_mean[v], A[a].visit_sd[v],
                     A[a].visit_n[v]);
        fprintf(f, "  %-8d %22s %22s\n", s->visit_week[v], c[0], c[1]);
    }
    fprintf(f, "\nModel: pain drug effect Emax");
    for (int k = 0; k < 2; k++)
        if (!isnan(gs_trial_emax(t, k)))
            fprintf(f, " %.3f (%s)", gs_trial_emax(t, k), k ? "radicular" : "non-radicular");
    fprintf(f,
            " of the remaining pain, %s end of its calibration interval (data/pain.json; "
            "docs/trial.md).\n",
            s->effect == GS_EFFECT_CENTRAL ? "the calibrated value, not an"
            : s->effect == GS_EFFECT_LOWER ? "the lower"
                                           : "the upper");
    fprintf(f, "\n%s\n", GS_CLINICAL_NOTICE);
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* JSON has no NaN: null */
static void json_num(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.6g", x);
    else
        fputs("null", f);
}

void trial_print_json(const gs_trial *t, const struct gs_trial_result *r, FILE *f)
{
    const struct gs_trial_spec *s = gs_trial_get_spec(t);
    fprintf(f, "{\n  \"schema\": \"gabasim-trial-result/1\",\n  \"title\": ");
    json_str(f, s->title);
    fprintf(f, ",\n  \"spec\": ");
    json_str(f, s->origin);
    fprintf(f,
            ",\n  \"seed\": %llu,\n  \"flow\": {\"assessed\": %ld, \"excluded_age\": %ld, "
            "\"excluded_crcl\": %ld, \"excluded_pain\": %ld, \"randomized\": %ld},\n",
            (unsigned long long)s->seed, r->assessed, r->excluded_age, r->excluded_crcl,
            r->excluded_pain, r->randomized);
    fprintf(f, "  \"arms\": [\n");
    for (int a = 0; a < 2; a++) {
        const struct gs_trial_arm_summary *A = &r->arm[a];
        fprintf(f, "    {\"name\": ");
        json_str(f, s->arm[a].name);
        fprintf(f, ", \"type\": \"%s\", \"allocated\": %ld, \"discontinued\": {",
                s->arm[a].type == GS_ARM_DRUG ? "drug" : "placebo", A->allocated);
        for (int k = 1; k < GS_DROP_N; k++)
            fprintf(f, "%s\"%s\": %ld", k > 1 ? ", " : "", reason_key[k], A->discontinued[k]);
        fprintf(f, "}, \"completed\": %ld, \"analysed\": %ld,\n     \"baseline\": {", A->completed,
                A->analysed);
        for (int k = 0; k < CH_N; k++) {
            double m, sd;
            mean_sd(r, a, k, &m, &sd);
            fprintf(f, "\"%s\": {\"mean\": ", ch_key[k]);
            json_num(f, m);
            fprintf(f, ", \"sd\": ");
            json_num(f, sd);
            fprintf(f, "}, ");
        }
        fprintf(f, "\"women\": %ld, \"radicular\": %ld},\n", count_if(r, a, 1), count_if(r, a, 0));
        fprintf(f, "     \"change_mean\": ");
        json_num(f, A->change_mean);
        fprintf(f, ", \"responders30\": %ld, \"responders50\": %ld, \"final_dose_mg_day\": ",
                A->responders30, A->responders50);
        json_num(f, s->arm[a].type == GS_ARM_DRUG ? mean_final_dose(r, a) : 0.0);
        fprintf(f, ",\n     \"side_effects\": {");
        for (size_t e = 0; e < gs_trial_ae_count(t); e++)
            fprintf(f, "%s\"%s\": %ld", e ? ", " : "", gs_trial_ae_name(t, e), A->ae[e]);
        fprintf(f, "},\n     \"visits\": [");
        for (size_t v = 0; v < s->n_visits; v++) {
            fprintf(f, "%s{\"week\": %d, \"n\": %ld, \"mean\": ", v ? ", " : "", s->visit_week[v],
                    A->visit_n[v]);
            json_num(f, A->visit_mean[v]);
            fprintf(f, ", \"sd\": ");
            json_num(f, A->visit_sd[v]);
            fputc('}', f);
        }
        fprintf(f, "]}%s\n", a == 0 ? "," : "");
    }
    const struct gs_ancova_result *p = &r->primary;
    int tr = gs_trial_treated_arm(s);
    fprintf(f,
            "  ],\n  \"primary\": {\"endpoint\": \"change in pain (0-10) from baseline to week "
            "%d\", \"method\": ",
            s->duration_weeks);
    json_str(f, method_name(s));
    fprintf(f, ", \"contrast\": ");
    char contrast[96];
    snprintf(contrast, sizeof contrast, "%s minus %s", s->arm[tr].name, s->arm[1 - tr].name);
    json_str(f, contrast);
    fprintf(f, ",\n    \"difference\": ");
    json_num(f, p->effect);
    fprintf(f, ", \"se\": ");
    json_num(f, p->se);
    fprintf(f, ", \"ci\": [");
    json_num(f, p->ci_lo);
    fprintf(f, ", ");
    json_num(f, p->ci_hi);
    fprintf(f, "], \"level\": %g, \"p\": ", s->sided == 2 ? 1.0 - s->alpha : 1.0 - 2.0 * s->alpha);
    json_num(f, r->p_reported);
    fprintf(f, ", \"sided\": %d, \"df\": %d, \"alpha\": %g, \"significant\": %s},\n", s->sided,
            p->df, s->alpha, r->significant ? "true" : "false");
    fprintf(f, "  \"emax\": {\"nonradicular\": ");
    json_num(f, gs_trial_emax(t, 0));
    fprintf(f, ", \"radicular\": ");
    json_num(f, gs_trial_emax(t, 1));
    fprintf(f, "},\n  \"notice\": ");
    json_str(f, GS_CLINICAL_NOTICE);
    fprintf(f, "\n}\n");
}

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

void trial_write_participants(const gs_trial *t, const struct gs_trial_result *r, FILE *f)
{
    const struct gs_trial_spec *s = gs_trial_get_spec(t);
    fprintf(f, "id,arm,radicular,stratum,age_y,sex,weight_kg,crcl_ml_min,cl_l_h,baseline_pain");
    for (size_t v = 0; v < s->n_visits; v++)
        fprintf(f, ",pain_week%d", s->visit_week[v]);
    fprintf(f, ",drop_day,drop_reason,final_dose_mg_day");
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
        fprintf(f, ",%.3f", p->base_obs);
        for (size_t v = 0; v < s->n_visits; v++)
            isnan(p->pain[v]) ? fprintf(f, ",NA") : fprintf(f, ",%.3f", p->pain[v]);
        fprintf(f, ",%d,%s,%.0f", p->drop_day, reason_key[p->drop_reason], p->final_mg_day);
        for (size_t e = 0; e < gs_trial_ae_count(t); e++)
            fprintf(f, ",%d", p->ae_day[e]);
        fputc('\n', f);
    }
}

void trial_write_reps_csv(const gs_trial *t, const struct gs_trial_reps *r, FILE *f)
{
    (void)t;
    fprintf(f, "study,yi,sei\n");
    for (long i = 0; i < r->n; i++)
        fprintf(f, "replicate %ld,%.10g,%.10g\n", i + 1, r->effect[i], r->se[i]);
}

static void grid_line(FILE *f, const struct gs_trial_reps *g)
{
    fprintf(f, "  %10ld %8.3f %10.3f", g->n_per_arm, g->power, g->power_se);
    if (isnan(g->effect_mean))
        fprintf(f, " %13s\n", "-");
    else
        fprintf(f, " %13.2f\n", g->effect_mean);
    if (g->n_failed)
        fprintf(f, "  %10s (%ld of %ld replicates not estimable)\n", "", g->n_failed, g->n);
}

void trial_print_reps_text(const gs_trial *t, const struct gs_trial_reps *r,
                           const struct gs_trial_reps *grid, size_t n_grid, double observed,
                           FILE *f)
{
    const struct gs_trial_spec *s = gs_trial_get_spec(t);
    int tr = gs_trial_treated_arm(s);
    fprintf(f, "Virtual trial: %s\n", s->title[0] ? s->title : s->origin);
    fprintf(f, "%ld replicates (seed %llu), %ld and %ld per arm; analysis: %s\n\n", r->n,
            (unsigned long long)s->seed, s->arm[0].n, s->arm[1].n, method_name(s));
    fprintf(f,
            "Power: %.3f (Monte Carlo SE %.3f): share of replicates with a significant "
            "benefit of %s\n       (p < %g, %s, difference below 0)\n",
            r->power, r->power_se, s->arm[tr].name, s->alpha,
            s->sided == 2 ? "two-sided" : "one-sided");
    if (r->n_failed == r->n) {
        fprintf(f,
                "Not estimable (too few analysed, counted as not significant): all %ld "
                "replicates: no estimate to summarise\n",
                r->n);
    } else {
        fprintf(f, "Estimated difference (%s minus %s, 0-10): mean %.3f, SD %.3f\n",
                s->arm[tr].name, s->arm[1 - tr].name, r->effect_mean, r->effect_sd);
        fprintf(f, "  percentiles 2.5/25/50/75/97.5: %.3f  %.3f  %.3f  %.3f  %.3f\n",
                r->effect_q[0], r->effect_q[1], r->effect_q[2], r->effect_q[3], r->effect_q[4]);
        if (r->n_failed)
            fprintf(f,
                    "Not estimable (too few analysed, counted as not significant): %ld "
                    "replicates; the estimate's summaries are over the others\n",
                    r->n_failed);
        fprintf(f, "Discontinued (mean share): %s %.1f%%, %s %.1f%%\n", s->arm[0].name,
                100.0 * r->mean_dropout[0], s->arm[1].name, 100.0 * r->mean_dropout[1]);
        fprintf(f, "Mean change in pain from baseline (%s): %s %.2f, %s %.2f\n",
                s->method == GS_METHOD_MIXED ? "observed at the last visit" : "as analysed",
                s->arm[0].name, r->mean_change[0], s->arm[1].name, r->mean_change[1]);
    }
    if (!isnan(observed) && r->n_failed < r->n)
        fprintf(f, "Replicates at least as extreme as the observed %.3f (%s): %.4f\n", observed,
                observed < 0 ? "estimate <= observed" : "estimate >= observed",
                gs_trial_reps_extreme(r, observed));
    if (n_grid) {
        fprintf(f,
                "\nPower curve (%ld replicates per point; the same participants' streams at "
                "every N)\n  %10s %8s %10s %13s\n",
                r->n, "N per arm", "power", "MC SE", "mean diff.");
        for (size_t k = 0; k < n_grid; k++)
            grid_line(f, &grid[k]);
    }
    fprintf(f, "\nA virtual trial is a model's prediction, not evidence (docs/trial.md).\n");
}

static void reps_obj(FILE *f, const struct gs_trial_reps *r, long n0, long n1)
{
    fprintf(f,
            "{\"n_per_arm\": [%ld, %ld], \"replicates\": %ld, \"not_estimable\": %ld, "
            "\"power\": ",
            r->n_per_arm ? r->n_per_arm : n0, r->n_per_arm ? r->n_per_arm : n1, r->n, r->n_failed);
    json_num(f, r->power);
    fprintf(f, ", \"power_se\": ");
    json_num(f, r->power_se);
    fprintf(f, ", \"effect_mean\": ");
    json_num(f, r->effect_mean);
    fprintf(f, ", \"effect_sd\": ");
    json_num(f, r->effect_sd);
    fprintf(f, ", \"effect_percentiles\": {\"2.5\": ");
    json_num(f, r->effect_q[0]);
    fprintf(f, ", \"25\": ");
    json_num(f, r->effect_q[1]);
    fprintf(f, ", \"50\": ");
    json_num(f, r->effect_q[2]);
    fprintf(f, ", \"75\": ");
    json_num(f, r->effect_q[3]);
    fprintf(f, ", \"97.5\": ");
    json_num(f, r->effect_q[4]);
    fprintf(f, "}, \"dropout\": [");
    json_num(f, r->mean_dropout[0]);
    fprintf(f, ", ");
    json_num(f, r->mean_dropout[1]);
    fprintf(f, "], \"mean_change\": [");
    json_num(f, r->mean_change[0]);
    fprintf(f, ", ");
    json_num(f, r->mean_change[1]);
    fprintf(f, "]}");
}

void trial_print_reps_json(const gs_trial *t, const struct gs_trial_reps *r,
                           const struct gs_trial_reps *grid, size_t n_grid, double observed,
                           FILE *f)
{
    const struct gs_trial_spec *s = gs_trial_get_spec(t);
    fprintf(f, "{\n  \"schema\": \"gabasim-trial-replicates/1\",\n  \"spec\": ");
    json_str(f, s->origin);
    fprintf(f, ",\n  \"seed\": %llu,\n  \"alpha\": %g,\n  \"sided\": %d,\n  \"summary\": ",
            (unsigned long long)s->seed, s->alpha, s->sided);
    reps_obj(f, r, s->arm[0].n, s->arm[1].n);
    if (!isnan(observed)) {
        fprintf(f, ",\n  \"observed\": ");
        json_num(f, observed);
        fprintf(f, ",\n  \"share_as_extreme\": ");
        json_num(f, gs_trial_reps_extreme(r, observed));
    }
    fprintf(f, ",\n  \"n_grid\": [");
    for (size_t k = 0; k < n_grid; k++) {
        fprintf(f, "%s\n    ", k ? "," : "");
        reps_obj(f, &grid[k], s->arm[0].n, s->arm[1].n);
    }
    fprintf(f, "%s]\n}\n", n_grid ? "\n  " : "");
}

gs_status trial_plot_visits(const gs_trial *t, const struct gs_trial_result *r,
                            struct gs_outfile *out, struct gs_error *err)
{
    const struct gs_trial_spec *s = gs_trial_get_spec(t);
    size_t n = s->n_visits + 1;
    double x[GS_TRIAL_MAX_VISITS + 1], y[2][GS_TRIAL_MAX_VISITS + 1];
    double lo[2][GS_TRIAL_MAX_VISITS + 1], hi[2][GS_TRIAL_MAX_VISITS + 1];
    char label[2][96];
    struct gs_plot_series ser[2];
    for (int a = 0; a < 2; a++) {
        const struct gs_trial_arm_summary *A = &r->arm[a];
        double b = 0.0, b2 = 0.0;
        long nb = 0;
        for (long i = 0; i < r->randomized; i++)
            if (r->subject[i].arm == a) {
                b += r->subject[i].base_obs;
                b2 += r->subject[i].base_obs * r->subject[i].base_obs;
                nb++;
            }
        x[0] = 0.0;
        y[a][0] = nb ? b / (double)nb : NAN;
        double sd0 = nb > 1 ? sqrt((b2 - b * b / (double)nb) / (double)(nb - 1)) : NAN;
        lo[a][0] = y[a][0] - 1.96 * sd0 / sqrt((double)nb);
        hi[a][0] = y[a][0] + 1.96 * sd0 / sqrt((double)nb);
        for (size_t v = 0; v < s->n_visits; v++) {
            x[v + 1] = s->visit_week[v];
            y[a][v + 1] = A->visit_n[v] ? A->visit_mean[v] : NAN;
            double se = A->visit_n[v] > 1 ? A->visit_sd[v] / sqrt((double)A->visit_n[v]) : NAN;
            lo[a][v + 1] = y[a][v + 1] - 1.96 * se;
            hi[a][v + 1] = y[a][v + 1] + 1.96 * se;
        }
        snprintf(label[a], sizeof label[a], "%s (n=%ld): mean and 95%% CI", s->arm[a].name,
                 A->allocated);
        ser[a] = (struct gs_plot_series){label[a], x, y[a], lo[a], hi[a], n};
    }
    return gs_plot_lines(ser, 2, "week", "pain (0-10), observed participants",
                         s->title[0] ? s->title : "virtual trial", 0.0, 10.0, out, err);
}

gs_status trial_plot_power(const gs_trial *t, const struct gs_trial_reps *grid, size_t n_grid,
                           struct gs_outfile *out, struct gs_error *err)
{
    (void)t;
    double x[GS_TRIAL_MAX_GRID], y[GS_TRIAL_MAX_GRID], lo[GS_TRIAL_MAX_GRID], hi[GS_TRIAL_MAX_GRID];
    for (size_t k = 0; k < n_grid; k++) {
        x[k] = (double)grid[k].n_per_arm;
        y[k] = grid[k].power;
        lo[k] = fmax(0.0, y[k] - 1.96 * grid[k].power_se);
        hi[k] = fmin(1.0, y[k] + 1.96 * grid[k].power_se);
    }
    struct gs_plot_series s = {"power with its 95% Monte Carlo interval", x, y, lo, hi, n_grid};
    return gs_plot_lines(&s, 1, "participants per arm", "power", "power curve", 0.0, 1.0, out, err);
}
