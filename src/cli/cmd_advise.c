/* cmd_advise.c - `gabasim advise`: a regimen for one patient from the label's rules, its
 * titration calendar, a check of a proposed regimen, and the predicted exposure with a band for
 * patients like this one. (First part of issue 4: pharmacodynamics, interactions and the HTML
 * report are still to come and are said to be missing in the output.) */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "advise_evidence.h"
#include "advise_html.h"
#include "cli.h"
#include "gabasim/dosing.h"
#include "gabasim/gabasim.h"
#include "gabasim/adverse.h"
#include "gabasim/interactions.h"
#include "gabasim/pain_effect.h"
#include "gabasim/pd.h"
#include "gabasim/population.h"

static const struct cli_opt opts[] = {
    {"drug", "NAME|FILE", CLI_VALUE, 0, "gabapentin (default) or pregabalin, or a drug file"},
    {"age", "YEARS", CLI_VALUE, 0, "age in years"},
    {"sex", "SEX", CLI_VALUE, 0, "female or male"},
    {"weight", "WEIGHT", CLI_VALUE, 0, "body weight: 70kg"},
    {"height", "HEIGHT", CLI_VALUE, 0, "height: 170cm"},
    {"scr", "SCR", CLI_VALUE, 0, "serum creatinine: 1.2mg/dL or 106umol/L (with age, sex, weight)"},
    {"crcl", "CRCL", CLI_VALUE, 0, "creatinine clearance, mL/min"},
    {"dialysis", NULL, CLI_FLAG, 0, "anuric, on intermittent haemodialysis"},
    {"target", "DOSE", CLI_VALUE, 0, "wanted daily dose (default: the label's starting column)"},
    {"dose", "DOSE", CLI_VALUE, 0, "a proposed regimen to check: each dose"},
    {"every", "TIME", CLI_VALUE, 0, "a proposed regimen to check: interval"},
    {"titrate", "SCHEDULE", CLI_VALUE, 0, "a proposed titration to check: DAY:DOSExN,..."},
    {"days", "N", CLI_VALUE, 0, "days to project (default 14)"},
    {"n", "N", CLI_VALUE, 0, "virtual patients for the band (default 1000)"},
    {"seed", "S", CLI_VALUE, 0, "random seed for the band (default 1)"},
    {"with", "NAME[@T,...]", CLI_VALUE, 1,
     "a co-medication (morphine, antacid-al-mg, naproxen, opioid, alcohol, ...); for an antacid "
     "its dose times: antacid-al-mg@0h,8h (default: with every dose)"},
    {"pain", "TYPE", CLI_VALUE, 0,
     "kind of pain, for the expected relief: nonradicular-clbp, radicular (sciatica), phn"},
    {"json", NULL, CLI_FLAG, 0, "print JSON instead of text"},
    {"html", "FILE", CLI_VALUE, 0,
     "also write a self-contained page for the patient (plot inline, sources, notice)"},
};
#define N_OPTS (sizeof opts / sizeof opts[0])

void help_advise(FILE *f)
{
    fprintf(f,
            "usage: gabasim advise [--drug NAME] (--crcl C | --scr S --age A --sex X --weight W "
            "| --dialysis)\n"
            "                      [--target DAILY] [--dose D --every T | --titrate S] "
            "[--json]\n\n"
            "Recommends a maintenance regimen from the label's renal dosing table, a\n"
            "'start low, go slow' calendar to reach it, checks a proposed regimen against the\n"
            "label, and predicts the concentrations on that calendar for this patient, with the\n"
            "5th-95th percentile band of 1000 virtual patients like them (the drug file's\n"
            "between-subject variability). It also gives the expected pain relief against\n"
            "placebo (--pain), the chance of each common side effect by day, the\n"
            "co-medications to avoid or space out (--with), and can write an HTML page\n"
            "(--html). It ends with what the trials found for that kind of pain and the other\n"
            "medicines patients ask about (data/evidence.json, sources given). It supports,\n"
            "and does not replace, a clinician's judgement.\n\noptions:\n");
    cli_print_options(f, opts, N_OPTS);
    fprintf(f,
            "\nexamples:\n"
            "  gabasim advise --drug gabapentin --age 72 --sex female --weight 70kg "
            "--scr 1.4mg/dL\n"
            "  gabasim advise --drug pregabalin --crcl 45 --target 300mg --dose 150mg "
            "--every 8h\n\n%s\n",
            GS_CLINICAL_NOTICE);
}

static const char *get(const struct cli_args *a, const char *name)
{
    return cli_get(opts, N_OPTS, a, name);
}

struct band_sink {
    double *cmin, *cavg;
};

static gs_status band_subject(void *ctx, const struct gs_pop_subject *s, struct gs_error *err)
{
    (void)err;
    struct band_sink *k = ctx;
    k->cmin[s->index] = s->cmin_mg_l;
    k->cavg[s->index] = s->cavg_mg_l;
    return GS_OK;
}

/* --with NAME[@T,...]: the co-medications, applied to the model and the dose records. An antacid
 * without times is taken with every dose (the worst case, and said so). */
static gs_status apply_comedications(const struct cli_args *a, const gs_drug *drug,
                                     struct gs_model *model, const struct gs_event_list *ev,
                                     const struct gs_sim_options *sopt, struct gs_ix_effects *fx,
                                     struct gs_event_list *out, char *warnings, size_t size,
                                     struct gs_error *err)
{
    int k = cli_index(opts, N_OPTS, "with");
    int n = a->count[k];
    for (size_t i = 0; i < GS_MAX_PARAMS; i++)
        fx->param_multiplier[i] = 1.0;
    fx->doses_scaled = 0;
    fx->amount_removed_mg = 0.0;
    fx->cns_depressant = 0;
    if (n == 0) { /* nothing to apply: the dose records as they are */
        for (size_t i = 0; i < ev->n; i++)
            if (gs_event_list_push(out, &ev->ev[i]) != GS_OK)
                return gs_error_set(err, GS_NOMEM, "--with", "out of memory");
        return GS_OK;
    }
    gs_interactions *t = NULL;
    gs_status st = gs_interactions_load(&t, NULL, err);
    if (st != GS_OK)
        return st;
    struct gs_comedication co[CLI_MAX_REPEAT];
    static char names[CLI_MAX_REPEAT][64];
    static double times[CLI_MAX_REPEAT][64];
    static double every_dose[GS_MAX_DOSES > 4096 ? 4096 : GS_MAX_DOSES];
    size_t n_every = 0;
    for (size_t i = 0; i < ev->n && n_every < sizeof every_dose / sizeof every_dose[0]; i++)
        if (ev->ev[i].evid == GS_EVID_DOSE)
            every_dose[n_every++] = ev->ev[i].time_h;
    for (int i = 0; i < n && st == GS_OK; i++) {
        const char *arg = a->value[k][i], *at = strchr(arg, '@');
        size_t len = at ? (size_t)(at - arg) : strlen(arg);
        if (len == 0 || len >= sizeof names[i]) {
            st = gs_error_set(err, GS_INPUT, "--with", "'--with' is '%s'; expected NAME[@TIMES]",
                              arg);
            break;
        }
        memcpy(names[i], arg, len);
        names[i][len] = '\0';
        co[i].name = names[i];
        co[i].dose_times_h = NULL;
        co[i].n_doses = 0;
        if (at) {
            char buf[512];
            snprintf(buf, sizeof buf, "%s", at + 1);
            char *save = NULL;
            for (char *tok = strtok_r(buf, ",", &save); tok && st == GS_OK;
                 tok = strtok_r(NULL, ",", &save)) {
                if (co[i].n_doses == 64) {
                    st = gs_error_set(err, GS_INPUT, "--with", "'--with' has more than 64 times");
                    break;
                }
                st = gs_parse_quantity(tok, GS_DIM_TIME, "--with", &times[i][co[i].n_doses++], err);
            }
            co[i].dose_times_h = times[i];
        } else if (strstr(names[i], "antacid") || strstr(names[i], "maalox")) {
            co[i].dose_times_h = every_dose;
            co[i].n_doses = n_every;
            size_t w = strlen(warnings);
            snprintf(warnings + w, size - w,
                     "assumed: %.63s taken together with every dose (give its times with "
                     "%.63s@TIME,...)\n",
                     names[i], names[i]);
        }
    }
    struct gs_model base = *model;
    size_t w = strlen(warnings);
    if (st == GS_OK)
        st = gs_interactions_apply(t, gs_drug_name(drug), &base, ev, co, (size_t)n, sopt, model,
                                   out, fx, warnings + w, size - w, err);
    gs_interactions_free(t);
    return st;
}

int cmd_advise(int argc, char **argv)
{
    static struct cli_args a;
    struct gs_error err = GS_ERROR_INIT;
    gs_drug *drug = NULL;
    struct gs_patient pt;
    struct gs_dose_plan plan;
    struct gs_calendar_step cal[GS_MAX_CALENDAR];
    struct gs_finding find[GS_MAX_FINDINGS];
    struct gs_event_list ev = GS_EVENT_LIST_INIT, ix_events = GS_EVENT_LIST_INIT;
    struct gs_ix_effects ix;
    char warnings[4096] = "";
    struct gs_profile prof = GS_PROFILE_INIT;
    struct gs_summary sum;
    struct gs_pop_result pop = GS_POP_RESULT_INIT;
    struct band_sink sink = {NULL, NULL};
    double *grid = NULL;
    cJSON *evid = NULL; /* data/evidence.json */
    size_t n_find = 0, n_grid = 0;
    long n_band = 1000, seed = 1;
    double days = 14, target = NAN;
    gs_status st;
    int rc;
    const char *v;

    if ((st = cli_parse(opts, N_OPTS, 0, argc, argv, &a, &err)))
        goto fail;
    if ((st = gs_drug_load(&drug, get(&a, "drug") ? get(&a, "drug") : "gabapentin", &err)) ||
        (st = cli_parse_patient(&a, &pt, &err)))
        goto fail;
    if (pt.crcl_source == GS_CRCL_DEFAULT) {
        st = gs_error_set(&err, GS_INPUT, "--crcl",
                          "the renal dosing rule needs kidney function: give '--crcl', or "
                          "'--scr' with '--age', '--sex' and '--weight', or '--dialysis'");
        goto fail;
    }
    if ((v = get(&a, "target")) &&
        (st = gs_parse_quantity(v, GS_DIM_DOSE, "--target", &target, &err)))
        goto fail;
    if (!isnan(target) && !(target > 0.0 && target <= 1e5)) {
        st = gs_error_set(&err, GS_INPUT, "--target", "'--target' is %g mg/day; allowed above 0",
                          target);
        goto fail;
    }
    if ((v = get(&a, "days"))) {
        char *end = NULL;
        days = strtod(v, &end);
        if (end == v || *end || !(days >= 1 && days <= 365)) {
            st = gs_error_set(&err, GS_INPUT, "--days", "'--days' is '%s'; allowed 1 to 365", v);
            goto fail;
        }
    }
    if ((v = get(&a, "n")) && (st = gs_parse_count(v, "--n", 100000, &n_band, &err)))
        goto fail;
    if (n_band < 10) {
        st = gs_error_set(&err, GS_INPUT, "--n", "'--n' is %ld; allowed 10 to 100000", n_band);
        goto fail;
    }
    if ((v = get(&a, "seed")) && (st = gs_parse_count(v, "--seed", 2147483647L, &seed, &err)))
        goto fail;
    if ((st = gs_dosing_recommend(drug, &pt, target, &plan, &err)))
        goto fail;
    size_t n_cal = gs_dosing_calendar(drug, &plan, cal, GS_MAX_CALENDAR);
    struct gs_regimen reg;
    if ((st = gs_calendar_regimen(cal, n_cal, days, &reg, &err)))
        goto fail;
    /* a proposed regimen is checked; without one, the recommended calendar is */
    struct gs_regimen proposed;
    int have_proposed = get(&a, "dose") || get(&a, "titrate");
    if (have_proposed) {
        const struct cli_args *b = &a;
        /* the shared regimen parser reads --days; advise's horizon doubles as the duration */
        static const struct cli_opt ropts[] = {
            {"dose", "D", CLI_VALUE, 0, ""},
            {"every", "T", CLI_VALUE, 0, ""},
            {"titrate", "S", CLI_VALUE, 0, ""},
            {"days", "N", CLI_VALUE, 0, ""},
        };
        struct cli_args r;
        memset(&r, 0, sizeof r);
        r.opts = ropts;
        r.n_opts = 4;
        const char *names[3] = {"dose", "every", "titrate"};
        for (int i = 0; i < 3; i++)
            if (get(b, names[i])) {
                r.value[i][0] = get(b, names[i]);
                r.count[i] = 1;
            }
        char dbuf[32];
        snprintf(dbuf, sizeof dbuf, "%g", days);
        r.value[3][0] = dbuf;
        r.count[3] = 1;
        if ((st = cli_parse_regimen(&r, drug, &proposed, &err)))
            goto fail;
    }
    if ((st = gs_dosing_check(drug, &pt, have_proposed ? &proposed : &reg, find, GS_MAX_FINDINGS,
                              &n_find, &err)))
        goto fail;
    if (n_find > GS_MAX_FINDINGS)
        n_find = GS_MAX_FINDINGS;

    /* predicted exposure on the recommended calendar: the typical patient, then a band */
    struct gs_model model;
    struct gs_sim_options sopt = GS_SIM_OPTIONS_DEFAULT;
    if ((st = gs_drug_individual_model(drug, &pt, &model, NULL, 0, &err)) ||
        (st = gs_regimen_validate(&reg, gs_drug_max_dose_mg(drug), &err)) ||
        (st = gs_regimen_expand(&reg, &ev, &err)) ||
        (st = cli_make_grid(24.0 * days, 0.5, &grid, &n_grid, &err)))
        goto fail;
    if ((st = apply_comedications(&a, drug, &model, &ev, &sopt, &ix, &ix_events, warnings,
                                  sizeof warnings, &err)) ||
        (st = gs_simulate(&model, &ix_events, grid, n_grid, &sopt, &prof, &err)))
        goto fail;
    const struct gs_regimen_step *maint = gs_regimen_maintenance(&reg);
    if ((st = gs_summarize(&model, &ix_events, &prof, maint->dose_mg, maint->ii_h, reg.cmt, &sopt,
                           &sum, &err)))
        goto fail;
    struct gs_variability var;
    if ((st = gs_variability_from_drug(drug, 1.0, &var, &err)))
        goto fail;
    sink.cmin = gs_malloc((size_t)n_band * sizeof *sink.cmin);
    sink.cavg = gs_malloc((size_t)n_band * sizeof *sink.cavg);
    if (!sink.cmin || !sink.cavg) {
        st = gs_error_set(&err, GS_NOMEM, "--n", "out of memory");
        goto fail;
    }
    struct gs_pop_config cfg = {0};
    cfg.drug = drug;
    cfg.var = &var;
    cfg.patient = &pt;
    cfg.param_scale = ix.param_multiplier;
    cfg.events = &ix_events;
    cfg.t_out = grid;
    cfg.n_out = n_grid;
    cfg.window_from_h = grid[n_grid - 1] - maint->ii_h;
    cfg.window_to_h = grid[n_grid - 1];
    cfg.sim = sopt;
    cfg.seed = (uint64_t)seed;
    cfg.n = n_band;
    cfg.on_subject = band_subject;
    cfg.ctx = &sink;
    if ((st = gs_population_run(&cfg, &pop, &err)))
        goto fail;
    static const double p3[3] = {0.05, 0.5, 0.95};
    double qmin[3], qavg[3];
    if ((st = gs_quantiles(sink.cmin, (size_t)n_band, p3, 3, qmin)) ||
        (st = gs_quantiles(sink.cavg, (size_t)n_band, p3, 3, qavg)))
        goto fail;

    /* expected pain relief against placebo for the kind of pain, on this calendar */
    int have_pain = 0;
    double pain_md[3] = {NAN, NAN, NAN}, pain_wk2[3] = {NAN, NAN, NAN}, onset_d = NAN, full_d = NAN;
    /* chance of >= 50 % less pain by the end, [low, central, high Emax], and on placebo alone.
     * (Not >= 30 %: the drug effect has no between-person variability of its own, so where
     * Emax x S alone exceeds 30 % the model would call everyone a responder.) */
    double resp[3] = {NAN, NAN, NAN}, resp_pl = NAN;
    const char *ptype = get(&a, "pain");
    char pain_borrowed[72] = ""; /* "drug, pain" when the Emax is borrowed (data/pain.json) */
    if (ptype) {
        struct gs_pain_model pm;
        if ((st = gs_pain_load(&pm, NULL, &err)))
            goto fail;
        const struct gs_pain_effect *pe = gs_pain_find(&pm, gs_drug_name(drug), ptype);
        if (pe == NULL) {
            st = gs_error_set(
                &err, GS_INPUT, "--pain",
                "'--pain' is '%s'; for %s the calibrated kinds are:%s%s%s", ptype,
                gs_drug_name(drug),
                gs_pain_find(&pm, gs_drug_name(drug), "nonradicular-clbp") ? " nonradicular-clbp"
                                                                           : "",
                gs_pain_find(&pm, gs_drug_name(drug), "radicular") ? " radicular" : "",
                gs_pain_find(&pm, gs_drug_name(drug), "phn") ? " phn" : "");
            goto fail;
        }
        if (pe->as_drug[0])
            snprintf(pain_borrowed, sizeof pain_borrowed, "%s, %s", pe->as_drug, pe->as_pain_type);
        struct gs_pd_params pdp;
        double ke0 = 0.1712; /* pregabalin: gabapentin's value (data/pain.json, assumption) */
        if (gs_drug_pd(drug, &pdp, NULL) == GS_OK)
            ke0 = pdp.ke0_per_h;
        size_t nd = (size_t)days + 1;
        double *pd_ = gs_malloc(nd * sizeof *pd_), *pp = gs_malloc(nd * sizeof *pp),
               *ss = gs_malloc(nd * sizeof *ss);
        const double em[3] = {pe->emax_lo, pe->emax, pe->emax_hi};
        for (int k = 0; k < 3 && pd_ && pp && ss && st == GS_OK; k++) {
            st = gs_pain_course(&pm, gs_drug_name(drug), em[k], ke0, &model, &ix_events, nd, NAN,
                                pd_, pp, ss, &err);
            if (st == GS_OK) {
                resp[k] = gs_pain_responder_prob(&pm.placebo, em[k] * ss[nd - 1], days, 0.5);
                resp_pl = gs_pain_responder_prob(&pm.placebo, 0.0, days, 0.5);
                pain_md[k] = pd_[nd - 1] - pp[nd - 1];
                pain_wk2[k] = nd > 14 ? pd_[14] - pp[14] : NAN;
                if (k == 1) {
                    for (size_t dd = 0; dd < nd; dd++)
                        if (ss[dd] >= 0.5 * ss[nd - 1]) {
                            onset_d = (double)dd;
                            break;
                        }
                    /* "Full" effect: 90 % of the plateau, reported only when the horizon reaches
                     * the plateau (S grew < 0.5 % over the last day); otherwise the end of the
                     * horizon is not the plateau and the day would be too early. */
                    if (nd >= 2 && ss[nd - 1] - ss[nd - 2] < 0.005 * ss[nd - 1])
                        for (size_t dd = 0; dd < nd; dd++)
                            if (ss[dd] >= 0.9 * ss[nd - 1]) {
                                full_d = (double)dd;
                                break;
                            }
                }
            }
        }
        if (!pd_ || !pp || !ss)
            st = gs_error_set(&err, GS_NOMEM, "--pain", "out of memory");
        gs_free(pd_);
        gs_free(pp);
        gs_free(ss);
        if (st != GS_OK)
            goto fail;
        have_pain = 1;
    }

    /* side effects over the calendar: the highest daily average concentration so far drives
     * each event's cumulative risk (data/adverse.json) */
    struct gs_ae_model ae;
    /* days 3, 7 and 14 and the end, none past the horizon */
    const int ae_days[4] = {days < 3 ? (int)days : 3, days < 7 ? (int)days : 7,
                            days < 14 ? (int)days : 14, (int)days};
    double ae_risk[GS_AE_MAX_EVENTS][4];
    static double ae_daily[GS_AE_MAX_EVENTS][400]; /* cumulative risk at the end of day d + 1 */
    size_t ae_idx[GS_AE_MAX_EVENTS], n_ae = 0, n_ae_days = 0;
    if ((st = gs_ae_load(&ae, NULL, &err)))
        goto fail;
    {
        double running = 0.0, cday[400] = {0};
        size_t nd = (size_t)days < 399 ? (size_t)days : 399;
        for (size_t d = 0; d < nd; d++) {
            size_t i0 = (size_t)(48 * d), i1 = (size_t)(48 * (d + 1)); /* 0.5 h grid */
            if (i1 >= prof.n)
                i1 = prof.n - 1;
            double avg =
                (prof.y[i1 * GS_N_STATES + GS_Y_AUC] - prof.y[i0 * GS_N_STATES + GS_Y_AUC]) /
                (prof.t_h[i1] - prof.t_h[i0]);
            running = fmax(running, avg);
            cday[d] = running;
        }
        for (size_t k = 0; k < ae.n; k++) {
            if (strcmp(ae.ev[k].drug, gs_drug_name(drug)) != 0)
                continue;
            for (int j = 0; j < 4; j++) {
                size_t d = (size_t)ae_days[j] <= nd ? (size_t)ae_days[j] : nd;
                ae_risk[n_ae][j] = gs_ae_risk(&ae, &ae.ev[k], d ? cday[d - 1] : 0.0, pt.age_y,
                                              ix.cns_depressant, (double)d);
            }
            for (size_t d = 1; d <= nd; d++)
                ae_daily[n_ae][d - 1] =
                    gs_ae_risk(&ae, &ae.ev[k], cday[d - 1], pt.age_y, ix.cns_depressant, (double)d);
            ae_idx[n_ae++] = k;
        }
        n_ae_days = nd;
    }

    if ((st = advise_evidence_load(&evid, &err)))
        goto fail;

    if ((v = get(&a, "html"))) {
        struct gs_run run = {drug, &pt, &model, &reg, &ix_events, &prof, &sum, ""};
        struct advise_page pg = {0};
        pg.drug = drug;
        pg.patient = &pt;
        pg.plan = &plan;
        pg.cal = cal;
        pg.n_cal = n_cal;
        pg.find = find;
        pg.n_find = n_find;
        pg.warnings = warnings;
        pg.run = &run;
        pg.days = days;
        memcpy(pg.cavg_band, qavg, sizeof qavg);
        pg.n_band = n_band;
        pg.pain_type = have_pain ? ptype : NULL;
        pg.pain_borrowed = pain_borrowed[0] ? pain_borrowed : NULL;
        for (int k = 0; k < 3; k++) { /* low, central, high: most relief first */
            pg.pain_end[k] = pain_md[2 - k];
            pg.pain_day14[k] = pain_wk2[2 - k];
            pg.responders50[k] = resp[k];
        }
        pg.responders50_placebo = resp_pl;
        pg.half_effect_day = onset_d;
        pg.full_effect_day = full_d;
        pg.ae = &ae;
        pg.ae_idx = ae_idx;
        pg.n_ae = n_ae;
        pg.ae_risk = (const double(*)[4])ae_risk;
        pg.ae_days = ae_days;
        pg.evidence = evid;
        if ((st = advise_write_html(&pg, v, &err)))
            goto fail;
    }

    if (get(&a, "json")) {
        printf("{\n  \"gabasim_version\": \"%s\",\n  \"notice\": \"%s\",\n", gs_version(),
               GS_CLINICAL_NOTICE);
        printf("  \"drug\": \"%s\",\n  \"crcl_mL_min\": %.6g,\n  \"crcl_source\": \"%s\",\n",
               gs_drug_name(drug), pt.crcl_ml_min, gs_crcl_source_name(pt.crcl_source));
        printf("  \"recommended\": {\"daily_mg\": %.6g, \"dose_mg\": %.6g, \"per_day\": %d, "
               "\"haemodialysis_supplement_mg\": [%.6g, %.6g]},\n",
               plan.daily_mg, plan.dose_mg, plan.per_day, plan.hd_supplement_mg[0],
               plan.hd_supplement_mg[1]);
        printf("  \"calendar\": [");
        for (size_t i = 0; i < n_cal; i++)
            printf("%s{\"from_day\": %d, \"dose_mg\": %.6g, \"per_day\": %d}", i ? ", " : "",
                   cal[i].day, cal[i].dose_mg, cal[i].per_day);
        printf("],\n  \"findings\": [");
        for (size_t i = 0; i < n_find; i++) {
            printf("%s{\"level\": \"%s\", \"text\": \"", i ? ", " : "",
                   find[i].level ? "warning" : "info");
            for (const char *c = find[i].text; *c; c++)
                printf(*c == '"' || *c == '\\' ? "\\%c" : "%c", *c);
            printf("\"}");
        }
        printf("],\n  \"typical\": {\"cmax_first_dose_mg_L\": %.6g, \"ss_cmin_mg_L\": %.6g, "
               "\"ss_cavg_mg_L\": %.6g, \"ss_cmax_mg_L\": %.6g, \"time_to_90pct_ss_h\": %.6g},\n",
               sum.cmax_mg_l, sum.ss_cmin_mg_l, sum.ss_cavg_mg_l, sum.ss_cmax_mg_l, sum.t90_ss_h);
        printf("  \"band_last_interval\": {\"n\": %ld, \"cmin_p5_p50_p95_mg_L\": [%.6g, %.6g, "
               "%.6g], \"cavg_p5_p50_p95_mg_L\": [%.6g, %.6g, %.6g]},\n",
               n_band, qmin[0], qmin[1], qmin[2], qavg[0], qavg[1], qavg[2]);
        printf("  \"interaction_notes\": [");
        const char *wl = warnings;
        for (int first = 1; *wl; first = 0) {
            const char *nl = strchr(wl, '\n');
            size_t len = nl ? (size_t)(nl - wl) : strlen(wl);
            printf("%s\"", first ? "" : ", ");
            for (size_t c = 0; c < len; c++)
                printf(wl[c] == '"' || wl[c] == '\\' ? "\\%c" : "%c", wl[c]);
            printf("\"");
            wl += len + (nl != NULL);
        }
        printf("],\n");
        if (have_pain) {
            printf("  \"pain\": {\"type\": \"%s\", \"difference_from_placebo_end\": [%.4g, %.4g, "
                   "%.4g], ",
                   ptype, pain_md[2], pain_md[1], pain_md[0]);
            if (days >= 14)
                printf("\"difference_from_placebo_day14\": [%.4g, %.4g, %.4g], ", pain_wk2[2],
                       pain_wk2[1], pain_wk2[0]);
            if (pain_borrowed[0])
                printf("\"emax_borrowed_from\": \"%s\", ", pain_borrowed);
            if (!isnan(full_d))
                printf("\"ninety_percent_effect_day\": %.4g, ", full_d);
            if (!isnan(resp_pl))
                printf("\"responders_50pct\": {\"drug\": [%.4g, %.4g, %.4g], \"placebo\": %.4g}, ",
                       resp[0], resp[1], resp[2], resp_pl);
            printf("\"half_effect_day\": %.4g, \"note\": \"0-10 scale, negative favours the "
                   "drug; [low, central, high] from the pooled 95 %% interval\"},\n",
                   onset_d);
        }
        printf("  \"side_effects_cumulative\": {\"days\": [%d, %d, %d, %d], \"events\": {",
               ae_days[0], ae_days[1], ae_days[2], ae_days[3]);
        for (size_t k = 0; k < n_ae; k++)
            printf("%s\"%s\": [%.3f, %.3f, %.3f, %.3f]", k ? ", " : "", ae.ev[ae_idx[k]].event,
                   ae_risk[k][0], ae_risk[k][1], ae_risk[k][2], ae_risk[k][3]);
        printf("}},\n");
        /* Day by day, for the titration; the fall-relevant series is the chance of drowsiness or
         * dizziness taken as independent, an upper bound since the two go together. */
        printf("  \"side_effects_by_day\": {\"day\": [");
        for (size_t d = 0; d < n_ae_days; d++)
            printf("%s%zu", d ? ", " : "", d + 1);
        printf("], \"events\": {");
        int i_som = -1, i_diz = -1;
        for (size_t k = 0; k < n_ae; k++) {
            const char *name = ae.ev[ae_idx[k]].event;
            i_som = strcmp(name, "somnolence") == 0 ? (int)k : i_som;
            i_diz = strcmp(name, "dizziness") == 0 ? (int)k : i_diz;
            printf("%s\"%s\": [", k ? ", " : "", name);
            for (size_t d = 0; d < n_ae_days; d++)
                printf("%s%.4f", d ? ", " : "", ae_daily[k][d]);
            printf("]");
        }
        printf("}");
        if (i_som >= 0 && i_diz >= 0) {
            printf(", \"fall_relevant_drowsiness_or_dizziness_upper_bound\": [");
            for (size_t d = 0; d < n_ae_days; d++)
                printf("%s%.4f", d ? ", " : "",
                       1.0 - (1.0 - ae_daily[i_som][d]) * (1.0 - ae_daily[i_diz][d]));
            printf("]");
        }
        printf("},\n");
        advise_evidence_json(stdout, evid, have_pain ? ptype : NULL, gs_drug_name(drug),
                             pt.crcl_ml_min);
        printf("\n}\n");
    } else {
        printf("gabasim %s advise  %s\n\n", gs_version(), gs_drug_title(drug));
        printf("Kidney function  CrCl %.0f mL/min (%s)", pt.crcl_ml_min,
               gs_crcl_source_name(pt.crcl_source));
        if (!isnan(pt.egfr_ml_min_173))
            printf("; eGFR %.0f mL/min/1.73 m2 (CKD-EPI 2021)", pt.egfr_ml_min_173);
        printf("\n\nRecommended maintenance  %g mg %s (%g mg/day)\n", plan.dose_mg,
               plan.per_day == 1   ? "once a day"
               : plan.per_day == 2 ? "twice a day"
               : plan.per_day == 3 ? "three times a day"
                                   : "four times a day",
               plan.daily_mg);
        const char *line = plan.note;
        while (*line) {
            const char *nl = strchr(line, '\n');
            size_t len = nl ? (size_t)(nl - line) : strlen(line);
            printf("  - %.*s\n", (int)len, line);
            line += len + (nl != NULL);
        }
        printf("\nStart low, go slow\n");
        for (size_t i = 0; i < n_cal; i++)
            printf("  from day %-3d %g mg x %d a day\n", cal[i].day, cal[i].dose_mg,
                   cal[i].per_day);
        printf("\n%s\n", have_proposed ? "Your proposed regimen" : "Check against the label");
        if (n_find == 0)
            printf("  within the label for this kidney function\n");
        for (size_t i = 0; i < n_find; i++)
            printf("  %s %s\n", find[i].level ? "WARNING" : "note   ", find[i].text);
        if (*warnings) {
            printf("\nOther medicines\n");
            const char *wl = warnings;
            while (*wl) {
                const char *nl = strchr(wl, '\n');
                size_t len = nl ? (size_t)(nl - wl) : strlen(wl);
                printf("  %.*s\n", (int)len, wl);
                wl += len + (nl != NULL);
            }
        }
        printf("\nPredicted blood levels on this calendar (%g days)%s\n", days,
               get(&a, "with") ? ", with the co-medications" : "");
        printf("  first dose: peak %.2g mg/L\n", sum.cmax_mg_l);
        printf("  steady state: %.2g-%.2g mg/L (average %.2g), reached to 90 %% about %.0f h "
               "after the maintenance dose starts\n",
               sum.ss_cmin_mg_l, sum.ss_cmax_mg_l, sum.ss_cavg_mg_l, sum.t90_ss_h);
        printf("  %ld patients like this one, last dosing interval: average %.2g mg/L (90 %% "
               "between %.2g and %.2g), trough %.2g (%.2g-%.2g)\n",
               n_band, qavg[1], qavg[0], qavg[2], qmin[1], qmin[0], qmin[2]);
        if (have_pain) {
            printf("\nExpected pain relief (%s), 0-10 scale, difference from placebo\n", ptype);
            if (days > 14)
                printf("  after 2 weeks: %+.2f (plausible range %+.2f to %+.2f)\n", pain_wk2[1],
                       pain_wk2[2], pain_wk2[0]);
            printf("  after %g days: %+.2f (plausible range %+.2f to %+.2f)\n", days, pain_md[1],
                   pain_md[2], pain_md[0]);
            if (!isnan(resp_pl))
                printf("  chance of at least 50 %% less pain by day %g: %.0f %% with the drug "
                       "(range %.0f-%.0f %%),\n    %.0f %% with a dummy pill alone\n",
                       days, 100 * resp[1], 100 * fmin(resp[0], resp[2]),
                       100 * fmax(resp[0], resp[2]), 100 * resp_pl);
            printf("  half of the drug's effect by day %.0f", onset_d);
            if (isnan(full_d))
                printf("; not yet at its full effect by day %g (a longer --days shows when)\n",
                       days);
            else
                printf("; 90 %% of its full effect by day %.0f\n", full_d);
            if (pain_borrowed[0])
                printf("  (ASSUMPTION: no pooled trials of this drug for this pain; the maximum "
                       "effect is\n   borrowed from %s; negative favours the drug)\n",
                       pain_borrowed);
            else
                printf("  (calibrated to the pooled trials for this kind of pain; negative "
                       "favours the drug;\n   a range that crosses 0 means the trials could not "
                       "show a benefit)\n");
        }
        printf("\nSide effects: chance of having had each by day (placebo included)\n");
        printf("  %-20s", "");
        for (int j = 0; j < 3; j++)
            printf("  day %-2d", ae_days[j]);
        printf("  %6s\n", "end");
        for (size_t k = 0; k < n_ae; k++)
            printf("  %-20s %6.0f%% %6.0f%% %6.0f%% %6.0f%%\n", ae.ev[ae_idx[k]].event,
                   100 * ae_risk[k][0], 100 * ae_risk[k][1], 100 * ae_risk[k][2],
                   100 * ae_risk[k][3]);
        printf("  (drowsiness and dizziness raise the risk of falls; calibrated to the labels'\n"
               "   and pooled trials' tables%s)\n",
               ix.cns_depressant ? "; raised for the sedating co-medication by an assumed factor"
                                 : "");
        advise_evidence_write(stdout, evid, have_pain ? ptype : NULL, gs_drug_name(drug),
                              pt.crcl_ml_min, ADVISE_TEXT);
        printf("\nTell your clinician about every other medicine, especially opioids and other\n"
               "sedating drugs.\n\n%s\n",
               GS_CLINICAL_NOTICE);
    }
    rc = fflush(stdout) == 0 ? GS_EXIT_OK : GS_EXIT_FAIL;
    goto done;
fail:
    rc = cli_fail(&err);
done:
    gs_free(sink.cmin);
    gs_free(sink.cavg);
    gs_pop_result_release(&pop);
    gs_profile_release(&prof);
    gs_event_list_release(&ev);
    gs_event_list_release(&ix_events);
    gs_free(grid);
    cJSON_Delete(evid);
    gs_drug_free(drug);
    return rc;
}
