/* cmd_advise.c - `gabasim advise`: the options, one gs_advise() call, and the output calls
 * (gabasim/report_advise.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gabasim/advise.h"
#include "gabasim/gabasim.h"
#include "gabasim/report_advise.h"

struct advise_opts {
    const char *drug, *pain, *html;
    double target_mg, dose_mg, every_h, days;
    const char *titrate;
    long n, seed;
    int json;
    struct cli_patient_opts patient;
    struct opt_list with, level;
};

#define ADVISE_OPTIONS(o)                                                                          \
    {                                                                                              \
        OPT_STRING("drug", "NAME|FILE", &(o)->drug,                                                \
                   "gabapentin (default) or pregabalin, or a drug file"),                          \
            OPT_PATIENT(&(o)->patient),                                                            \
            OPT_QUANTITY_ABOVE("target", "DOSE", GS_DIM_DOSE, 0, 1e5, &(o)->target_mg,             \
                               "wanted daily dose (default: the label's starting column)"),        \
            OPT_QUANTITY("dose", "DOSE", GS_DIM_DOSE, -INFINITY, INFINITY, &(o)->dose_mg,          \
                         "a proposed regimen to check: each dose"),                                \
            OPT_QUANTITY("every", "TIME", GS_DIM_TIME, -INFINITY, INFINITY, &(o)->every_h,         \
                         "a proposed regimen to check: interval"),                                 \
            OPT_STRING("titrate", "SCHEDULE", &(o)->titrate,                                       \
                       "a proposed titration to check: DAY:DOSExN,..."),                           \
            OPT_DAYS(&(o)->days, "days to project (default 14; advise needs 1 or more)"),          \
            OPT_COUNT("n", "N", 10, GS_ADVISE_MAX_N, &(o)->n,                                      \
                      "virtual patients for the band (default 1000)"),                             \
            OPT_SEED(&(o)->seed),                                                                  \
            OPT_LIST("with", "NAME[@T,...]", &(o)->with,                                           \
                     "a co-medication (morphine, antacid-al-mg, naproxen, opioid, alcohol, ...); " \
                     "for an antacid its dose times: antacid-al-mg@0h,8h (default: with every "    \
                     "dose)"),                                                                     \
            OPT_LIST("level", "CONC@TIME", &(o)->level,                                            \
                     "a measured level, hours from the first dose of the proposed regimen (else "  \
                     "of the calendar): 6.1mg/L@38h"),                                             \
            OPT_STRING("pain", "TYPE", &(o)->pain,                                                 \
                       "kind of pain, for the expected relief: nonradicular-clbp, radicular "      \
                       "(sciatica), phn"),                                                         \
            OPT_JSON(&(o)->json),                                                                  \
            OPT_STRING("html", "FILE", &(o)->html,                                                 \
                       "also write a self-contained page for the patient (plot inline, sources, "  \
                       "notice)"),                                                                 \
            OPT_END()                                                                              \
    }

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
            "medicines patients ask about (data/evidence.json, sources given). Warnings that\n"
            "apply (opioids or other sedating medicines; falls from 65) come right after the\n"
            "dose. With --level, this patient's clearance and half-life are estimated from\n"
            "the measured levels (Bayesian MAP, as `gabasim tdm`) and the dose that gives them\n"
            "the typical patient's average level is shown, inside the label band. It supports,\n"
            "and does not replace, a clinician's judgement.\n\noptions:\n");
    struct advise_opts o;
    struct option t[] = ADVISE_OPTIONS(&o);
    opt_print_help(f, t);
    fprintf(
        f,
        "\nexamples:\n"
        "  gabasim advise --drug gabapentin --age 72 --sex female --weight 70kg "
        "--scr 1.4mg/dL\n"
        "  gabasim advise --drug pregabalin --crcl 45 --target 300mg --dose 150mg "
        "--every 8h\n"
        "  gabasim advise --crcl 35 --age 70 --dose 300mg --every 8h --level 6.1mg/L@38h\n\n%s\n",
        GS_CLINICAL_NOTICE);
}

/* The proposed regimen to check, if any: dose and interval or a titration, over the horizon. */
static gs_status proposed_regimen(const struct advise_opts *o, struct gs_advise_request *rq,
                                  struct gs_regimen *proposed, struct gs_error *err)
{
    if (isnan(o->dose_mg) && o->titrate == NULL)
        return isnan(o->every_h) ? GS_OK
                                 : gs_error_set(err, GS_INPUT, "--every",
                                                "'--every' belongs to a proposed regimen: give "
                                                "'--dose' too");
    struct cli_regimen_opts ro = CLI_REGIMEN_OPTS_INIT;
    ro.dose_mg = o->dose_mg;
    ro.every_h = o->every_h;
    ro.titrate = o->titrate;
    ro.days = rq->days; /* advise's horizon doubles as the duration */
    gs_status st = cli_regimen(&ro, rq->drug, proposed, err);
    if (st == GS_OK)
        rq->proposed = proposed;
    return st;
}

static gs_status html_page(void *ctx, struct gs_outfile *o, struct gs_error *err)
{
    return gs_report_advise_html(ctx, o, err);
}

int cmd_advise(int argc, char **argv)
{
    static char names[OPT_LIST_MAX][64];
    static double times[OPT_LIST_MAX][64];
    struct gs_comedication co[OPT_LIST_MAX];
    struct gs_tdm_level lv[OPT_LIST_MAX];
    struct gs_error err = GS_ERROR_INIT;
    struct gs_advise_request rq = GS_ADVISE_REQUEST_INIT;
    struct advise_opts o = {.drug = "gabapentin",
                            .target_mg = rq.target_daily_mg,
                            .dose_mg = NAN,
                            .every_h = NAN,
                            .days = rq.days,
                            .n = rq.n,
                            .seed = (long)rq.seed,
                            .patient = CLI_PATIENT_OPTS_INIT};
    struct option t[] = ADVISE_OPTIONS(&o);
    struct gs_advise_result *res = NULL;
    gs_drug *drug = NULL;
    struct gs_patient pt;
    struct gs_regimen proposed;
    gs_status st;

    const char *paths[1], *fields[1] = {"--html"};
    int to_stdout = 0;
    if ((st = opt_parse(t, argc, argv, 0, NULL, NULL, &err)) ||
        (paths[0] = o.html, st = cli_check_outputs(paths, fields, 1, o.json, &to_stdout, &err)) ||
        (st = gs_drug_load(&drug, o.drug, &err)) ||
        (st = cli_check_not_input(paths, fields, 1, (const char *[]){gs_drug_origin(drug)},
                                  (const char *[]){"--drug"}, 1, &err)) ||
        (st = cli_patient(&o.patient, &pt, &err)))
        goto done;
    rq.drug = drug;
    rq.patient = &pt;
    rq.pain_type = o.pain;
    rq.comedications = co;
    rq.levels = lv;
    rq.target_daily_mg = o.target_mg;
    rq.days = o.days;
    rq.n = o.n;
    rq.seed = (uint64_t)o.seed;
    if ((st = gs_advise_check(&rq, &err)) || (st = proposed_regimen(&o, &rq, &proposed, &err)) ||
        (st = cli_parse_with(&o.with, co, names, times, &rq.n_comedications, &err)) ||
        (st = cli_parse_levels(&o.level, lv, &rq.n_levels, &err)) ||
        (st = gs_advise(&rq, &res, &err)))
        goto done;
    /* the page first: on failure nothing is printed */
    if (o.html && (st = cli_write_file(o.html, "--html", html_page, res, &err)))
        goto done;
    st = o.json ? gs_report_advise_json(res, stdout, &err)
                : gs_report_advise_text(res, stdout, &err);
    if (st == GS_OK)
        st = cli_flush_stdout(&err);
done:
    gs_advise_result_free(res);
    gs_drug_free(drug);
    return st == GS_OK ? GS_EXIT_OK : cli_fail(&err);
}
