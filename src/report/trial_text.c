/* trial_text.c - `gabasim trial` as text: for one trial the CONSORT-style flow, Table 1, the
 * primary result, responders, side effects and pain by visit; for replicates the power, the
 * estimate's distribution and the power curve. Everything printed is in the result. */
#include <math.h>
#include <stdio.h>

#include "gabasim/gabasim.h"
#include "gabasim/report_trial.h"
#include "trial_int.h"

/* What an MMRM analysis used (r->mmrm_cov and mmrm_df set): "COVARIANCE covariance, INFERENCE". */
const char *gs__trial_mmrm_used(const struct gs_trial_result *r)
{
    static const char *used[3][4] = {
        {"unstructured covariance, Kenward-Roger", "unstructured covariance, Satterthwaite df",
         "unstructured covariance, CR2 sandwich",
         "unstructured covariance, Mancl-DeRouen sandwich"},
        {"heterogeneous AR(1) covariance, Kenward-Roger",
         "heterogeneous AR(1) covariance, Satterthwaite df",
         "heterogeneous AR(1) covariance, CR2 sandwich",
         "heterogeneous AR(1) covariance, Mancl-DeRouen sandwich"},
        {"heterogeneous compound-symmetry covariance, Kenward-Roger",
         "heterogeneous compound-symmetry covariance, Satterthwaite df",
         "heterogeneous compound-symmetry covariance, CR2 sandwich",
         "heterogeneous compound-symmetry covariance, Mancl-DeRouen sandwich"}};
    if (r->mmrm_cov < 0 || r->mmrm_cov > 2 || r->mmrm_df < 0 || r->mmrm_df > 3)
        return "none";
    return used[r->mmrm_cov][r->mmrm_df];
}

const char *gs__trial_method_name(const struct gs_trial_spec *s, char *buf, size_t cap)
{
    static const char *imp[] = {"completers only", "last observation carried forward",
                                "baseline observation carried forward"};
    switch (s->method) {
    case GS_METHOD_MIXED:
        return "random-intercept mixed model over all observed visits (REML), adjusted for "
               "baseline; no imputation. Warning: it assumes the same correlation between any "
               "two visits (compound symmetry), which the simulated pain courses violate: its "
               "type I error is about twice the nominal level (docs/trial.md); use \"mmrm\"";
    case GS_METHOD_MMRM: {
        static const char *cov[] = {"unstructured", "heterogeneous AR(1)",
                                    "heterogeneous compound-symmetry"};
        static const char *inf[] = {"Kenward-Roger", "Satterthwaite df",
                                    "bias-reduced (CR2) sandwich SE with its Satterthwaite df",
                                    "Mancl-DeRouen sandwich SE with its Satterthwaite df"};
        const char *head = "MMRM over all observed visits: visit, treatment x visit and baseline "
                           "x visit";
        if (s->mmrm_auto)
            snprintf(buf, cap,
                     "%s; unstructured covariance (REML) with Kenward-Roger where the last visit "
                     "has at least %d per arm (and the unstructured fit converges), else "
                     "heterogeneous compound-symmetry with the bias-reduced (CR2) sandwich "
                     "(docs/trial.md, \"Small trials\"); no imputation",
                     head, GS_TRIAL_MMRM_MIN_LAST);
        else
            snprintf(buf, cap, "%s, %s covariance (REML), %s; no imputation", head,
                     s->mmrm_cov >= 0 && s->mmrm_cov <= 2 ? cov[s->mmrm_cov] : "?",
                     s->mmrm_df >= 0 && s->mmrm_df <= 3 ? inf[s->mmrm_df] : "?");
        return buf;
    }
    case GS_METHOD_TTEST:
        snprintf(buf, cap, "two-sample t test on the change; %s", imp[s->imputation]);
        return buf;
    case GS_METHOD_ANCOVA:
        break;
    }
    snprintf(buf, cap, "ANCOVA on baseline; %s", imp[s->imputation]);
    return buf;
}

const char *gs__trial_reason_key(enum gs_dropout_reason r)
{
    static const char *key[GS_DROP_N] = {"none", "adverse_event", "lack_of_efficacy",
                                         "lost_to_follow_up"};
    return r >= 0 && r < GS_DROP_N ? key[r] : "unknown";
}

/* "MEAN +/- SD" to prec decimals (and " (N)" when n >= 0), or words where a value is not defined:
 * "none observed", or "SD n/a" for one value (an SD needs two). */
static void mean_sd(char *buf, size_t size, int prec, double mean, double sd, long n)
{
    char ns[32] = "";
    if (n >= 0)
        snprintf(ns, sizeof ns, " (%ld)", n);
    if (!isfinite(mean))
        snprintf(buf, size, "none observed%s", ns);
    else if (!isfinite(sd))
        snprintf(buf, size, "%.*f, SD n/a%s", prec, mean, ns);
    else
        snprintf(buf, size, "%.*f +/- %.*f%s", prec, mean, prec, sd, ns);
}

static gs_status done(FILE *f, struct gs_error *err)
{
    if (ferror(f))
        return gs_error_set(err, GS_IO, "output", "writing the trial report failed");
    return GS_OK;
}

static void one_text(const gs_trial *t, const struct gs_trial_result *r, FILE *f)
{
    const struct gs_trial_spec *s = gs_trial_get_spec(t);
    const struct gs_trial_arm_summary *A = r->arm;
    const char *n0 = s->arm[0].name, *n1 = s->arm[1].name;
    char mbuf[512];
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
    static const char *ch_label[4] = {"Age, years", "Weight, kg", "Creatinine clearance, mL/min",
                                      "Baseline pain, 0-10"};
    const struct gs_trial_mean_sd *ch[2][4] = {
        {&A[0].age_y, &A[0].weight_kg, &A[0].crcl_ml_min, &A[0].baseline_pain},
        {&A[1].age_y, &A[1].weight_kg, &A[1].crcl_ml_min, &A[1].baseline_pain}};
    for (int k = 0; k < 4; k++) {
        char c[2][48];
        for (int a = 0; a < 2; a++)
            mean_sd(c[a], sizeof c[a], 1, ch[a][k]->mean, ch[a][k]->sd, -1);
        fprintf(f, "  %-30s %20s %20s\n", ch_label[k], c[0], c[1]);
    }
    for (int w = 1; w >= 0; w--) {
        char c[2][48];
        for (int a = 0; a < 2; a++)
            snprintf(c[a], sizeof c[a], "%ld (%.0f%%)", w ? A[a].women : A[a].radicular,
                     w ? A[a].women_pct : A[a].radicular_pct);
        fprintf(f, "  %-30s %20s %20s\n", w ? "Women" : "Radiating (radicular) pain", c[0], c[1]);
    }

    const struct gs_ancova_result *p = &r->primary;
    int tr = gs_trial_treated_arm(s);
    fprintf(f, "\nPrimary endpoint: change in pain (0-10) from baseline to week %d\n",
            s->duration_weeks);
    fprintf(f, "  Analysis: %s\n", gs__trial_method_name(s, mbuf, sizeof mbuf));
    if (s->mmrm_auto && r->mmrm_cov >= 0)
        fprintf(f, "  Used here: %s\n", gs__trial_mmrm_used(r));
    fprintf(f, "  Mean change%s: %s %.2f (n=%ld), %s %.2f (n=%ld)\n",
            s->method == GS_METHOD_MIXED || s->method == GS_METHOD_MMRM
                ? " (observed at the last visit)"
                : "",
            n0, A[0].change_mean, A[0].change_n, n1, A[1].change_mean, A[1].change_n);
    fprintf(f,
            "  Difference, %s minus %s: %.2f (%.0f%% CI %.2f to %.2f), p = %.3g (%s, "
            "t on %.*f df)\n",
            s->arm[tr].name, s->arm[1 - tr].name, p->effect, 100.0 * r->level, p->ci_lo, p->ci_hi,
            r->p_reported, s->sided == 2 ? "two-sided" : "one-sided, benefit",
            s->method == GS_METHOD_MMRM ? 1 : 0, r->df);
    fprintf(f, "  %s at alpha %g: %s\n", "Result", s->alpha,
            r->significant ? "significant benefit" : "no significant benefit");

    size_t lv = s->n_visits - 1;
    fprintf(f,
            "\nResponders at week %d (pain reduced from baseline; missing counts as no "
            "response)\n",
            s->visit_week[lv]);
    const struct gs_trial_responders *rs[2] = {&r->resp30, &r->resp50};
    for (int k = 0; k < 2; k++) {
        const struct gs_trial_responders *q = rs[k];
        fprintf(f, "  >= %2.0f %% reduction %-12s %9ld (%2.0f%%) %9ld (%2.0f%%)\n",
                100 * q->fraction, "", k ? A[0].responders50 : A[0].responders30,
                k ? A[0].responders50_pct : A[0].responders30_pct,
                k ? A[1].responders50 : A[1].responders30,
                k ? A[1].responders50_pct : A[1].responders30_pct);
        if (isnan(q->diff))
            continue;
        fprintf(f, "    difference %s minus %s: %+.1f points (%.0f%% CI %+.1f to %+.1f, Newcombe)",
                s->arm[tr].name, s->arm[1 - tr].name, 100 * q->diff, 100.0 * r->level,
                100 * q->diff_lo, 100 * q->diff_hi);
        if (isnan(q->odds_ratio))
            fprintf(f, "; odds ratio not defined (no responder or all in both arms)\n");
        else
            fprintf(f, "; odds ratio %.2f (%.2f to %.2f)\n", q->odds_ratio, q->or_lo, q->or_hi);
        fprintf(f, "    p = %.3g (%s, two-proportion z test): %s\n", q->p,
                s->sided == 2 ? "two-sided" : "one-sided, more responders on the drug",
                q->significant ? "significantly more responders" : "no significant difference");
    }
    fprintf(f, "\nSide effects (participants with the event while on study, n (%%))\n");
    for (size_t e = 0; e < gs_trial_ae_count(t); e++)
        fprintf(f, "  %-30s %9ld (%2.0f%%) %9ld (%2.0f%%)\n", gs_trial_ae_name(t, e), A[0].ae[e],
                A[0].ae_pct[e], A[1].ae[e], A[1].ae_pct[e]);
    fprintf(f, "  %-30s %9ld (%2.0f%%) %9ld (%2.0f%%)\n", "discontinued for adverse events",
            A[0].discontinued[GS_DROP_ADVERSE], A[0].discontinued_pct[GS_DROP_ADVERSE],
            A[1].discontinued[GS_DROP_ADVERSE], A[1].discontinued_pct[GS_DROP_ADVERSE]);
    for (int a = 0; a < 2; a++)
        if (s->arm[a].type == GS_ARM_DRUG)
            fprintf(f, "  %s: mean daily dose at the end (or at discontinuation) %.0f mg\n",
                    s->arm[a].name, A[a].final_mg_day_mean);

    fprintf(f, "\nPain by visit (observed, mean +/- SD (n); SD n/a: one participant observed)\n");
    fprintf(f, "  %-8s %22s %22s\n", "week", n0, n1);
    for (size_t v = 0; v < s->n_visits; v++) {
        char c[2][48];
        for (int a = 0; a < 2; a++)
            mean_sd(c[a], sizeof c[a], 2, A[a].visit_mean[v], A[a].visit_sd[v], A[a].visit_n[v]);
        fprintf(f, "  %-8d %22s %22s\n", s->visit_week[v], c[0], c[1]);
    }
    fprintf(f, "\nModel: pain drug effect Emax");
    for (int k = 0; k < 2; k++)
        if (!isnan(gs_trial_emax(t, k)))
            fprintf(f, " %.3f (%s)", gs_trial_emax(t, k), k ? "radicular" : "non-radicular");
    fprintf(f,
            " of the remaining pain, %s end of its calibration interval (data/pain.json; "
            "docs/trial.md);\n  each participant's own effect varies around it (log-SD %.2f, "
            "calibrated to Dworkin 2003's responder rates).\n",
            s->effect == GS_EFFECT_CENTRAL ? "the calibrated value, not an"
            : s->effect == GS_EFFECT_LOWER ? "the lower"
                                           : "the upper",
            gs_trial_pain_omega(t));
    fprintf(f, "\n%s\n", GS_CLINICAL_NOTICE);
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

static void reps_text(const struct gs_trial_simulation *sim, FILE *f)
{
    const struct gs_trial_spec *s = gs_trial_get_spec(sim->trial);
    const struct gs_trial_reps *r = &sim->reps;
    int tr = gs_trial_treated_arm(s);
    char mbuf[512];
    fprintf(f, "Virtual trial: %s\n", s->title[0] ? s->title : s->origin);
    fprintf(f, "%ld replicates (seed %llu), %ld and %ld per arm; analysis: %s\n\n", r->n,
            (unsigned long long)s->seed, s->arm[0].n, s->arm[1].n,
            gs__trial_method_name(s, mbuf, sizeof mbuf));
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
        fprintf(f, "Estimated difference (%s minus %s, 0-10): mean %.3f, ", s->arm[tr].name,
                s->arm[1 - tr].name, r->effect_mean);
        if (isfinite(r->effect_sd))
            fprintf(f, "SD %.3f\n", r->effect_sd);
        else
            fprintf(f, "SD not defined for one replicate\n");
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
                s->method == GS_METHOD_MIXED || s->method == GS_METHOD_MMRM
                    ? "observed at the last visit"
                    : "as analysed",
                s->arm[0].name, r->mean_change[0], s->arm[1].name, r->mean_change[1]);
    }
    if (!isnan(r->resp30_diff_mean)) {
        fprintf(f,
                "\nResponder endpoint (>= 30 %% less pain at the last visit, missing = no "
                "response;\ntwo-proportion z test, p < %g %s):\n",
                s->alpha, s->sided == 2 ? "two-sided" : "one-sided");
        fprintf(f, "  Power: %.3f (Monte Carlo SE %.3f, 95%% %.3f to %.3f)\n", r->resp_power,
                r->resp_power_se, r->resp_power_ci95_lo, r->resp_power_ci95_hi);
        fprintf(f,
                "  Mean share of responders: >= 30 %%: %s %.1f%%, %s %.1f%%; >= 50 %%: %s "
                "%.1f%%, %s %.1f%%\n",
                s->arm[0].name, 100 * r->resp30_rate[0], s->arm[1].name, 100 * r->resp30_rate[1],
                s->arm[0].name, 100 * r->resp50_rate[0], s->arm[1].name, 100 * r->resp50_rate[1]);
        fprintf(f, "  Mean difference in the >= 30 %% share (%s minus %s): %+.1f points\n",
                s->arm[tr].name, s->arm[1 - tr].name, 100 * r->resp30_diff_mean);
    }
    if (!isnan(sim->observed) && r->n_failed < r->n)
        fprintf(f, "Replicates at least as extreme as the observed %.3f (%s): %.4f\n",
                sim->observed, sim->observed < 0 ? "estimate <= observed" : "estimate >= observed",
                sim->share_as_extreme);
    if (sim->n_grid) {
        fprintf(f,
                "\nPower curve (%ld replicates per point; the same participants' streams at "
                "every N)\n  %10s %8s %10s %13s\n",
                r->n, "N per arm", "power", "MC SE", "mean diff.");
        for (size_t k = 0; k < sim->n_grid; k++)
            grid_line(f, &sim->grid[k]);
    }
    fprintf(f, "\nA virtual trial is a model's prediction, not evidence (docs/trial.md).\n");
}

gs_status gs_report_trial_text(const struct gs_trial_simulation *r, FILE *f, struct gs_error *err)
{
    if (r->replicates)
        reps_text(r, f);
    else
        one_text(r->trial, &r->one, f);
    return done(f, err);
}
