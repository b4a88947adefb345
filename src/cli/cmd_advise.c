/* cmd_advise.c - `gabasim advise`: the options, one gs_advise() call, and the output calls
 * (gabasim/report_advise.h). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gabasim/advise.h"
#include "gabasim/gabasim.h"
#include "gabasim/report_advise.h"

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

/* --with NAME[@T,...]: the co-medications; each entry's times go to times[i] (up to 64). */
static gs_status parse_with(const struct cli_args *a, struct gs_comedication *co, char (*names)[64],
                            double (*times)[64], size_t *n, struct gs_error *err)
{
    int k = cli_index(opts, N_OPTS, "with");
    gs_status st = GS_OK;
    *n = (size_t)a->count[k];
    for (size_t i = 0; i < *n && st == GS_OK; i++) {
        const char *arg = a->value[k][i], *at = strchr(arg, '@');
        size_t len = at ? (size_t)(at - arg) : strlen(arg);
        if (len == 0 || len >= sizeof names[i] || (at && at[1] == '\0'))
            return gs_error_set(err, GS_INPUT, "--with", "'--with' is '%s'; expected NAME[@TIMES]",
                                arg);
        memcpy(names[i], arg, len);
        names[i][len] = '\0';
        co[i] = (struct gs_comedication){names[i], at ? times[i] : NULL, 0};
        char buf[512], *save = NULL;
        snprintf(buf, sizeof buf, "%s", at ? at + 1 : "");
        for (char *tok = strtok_r(buf, ",", &save); tok && st == GS_OK;
             tok = strtok_r(NULL, ",", &save)) {
            if (co[i].n_doses == 64)
                return gs_error_set(err, GS_INPUT, "--with", "'--with' has more than 64 times");
            st = gs_parse_quantity(tok, GS_DIM_TIME, "--with", &times[i][co[i].n_doses++], err);
        }
    }
    return st;
}

/* Everything but the patient and the co-medications: target, horizon, band, proposed regimen. */
static gs_status parse_request(const struct cli_args *a, struct gs_advise_request *rq,
                               struct gs_regimen *proposed, struct gs_error *err)
{
    const char *v;
    long n = rq->n, seed = (long)rq->seed;
    gs_status st;
    if ((v = get(a, "target")) &&
        (st = gs_parse_quantity(v, GS_DIM_DOSE, "--target", &rq->target_daily_mg, err)))
        return st;
    if ((v = get(a, "days"))) {
        char *end = NULL;
        rq->days = strtod(v, &end);
        if (end == v || *end)
            return gs_error_set(err, GS_INPUT, "--days", "'--days' is '%s'; allowed 1 to 365", v);
    }
    if (((v = get(a, "n")) && (st = gs_parse_count(v, "--n", GS_ADVISE_MAX_N, &n, err))) ||
        ((v = get(a, "seed")) && (st = gs_parse_count(v, "--seed", 2147483647L, &seed, err))))
        return st;
    rq->n = n;
    rq->seed = (uint64_t)seed;
    if ((st = gs_advise_check(rq, err)))
        return st;
    if (get(a, "dose") || get(a, "titrate")) {
        /* the regimen parser reads --days; advise's horizon doubles as the duration */
        char days[32];
        snprintf(days, sizeof days, "%g", rq->days);
        struct cli_regimen_opts ro = {0};
        ro.dose = get(a, "dose");
        ro.every = get(a, "every");
        ro.titrate = get(a, "titrate");
        ro.days = days;
        if ((st = cli_regimen_from_opts(&ro, rq->drug, proposed, err)))
            return st;
        rq->proposed = proposed;
    }
    return GS_OK;
}

int cmd_advise(int argc, char **argv)
{
    static struct cli_args a;
    static char names[CLI_MAX_REPEAT][64];
    static double times[CLI_MAX_REPEAT][64];
    struct gs_comedication co[CLI_MAX_REPEAT];
    struct gs_error err = GS_ERROR_INIT;
    struct gs_advise_request rq = GS_ADVISE_REQUEST_INIT;
    struct gs_advise_result *res = NULL;
    gs_drug *drug = NULL;
    struct gs_patient pt;
    struct gs_regimen proposed;
    struct gs_outfile html;
    const char *v;
    gs_status st;
    int rc;

    if ((st = cli_parse(opts, N_OPTS, 0, argc, argv, &a, &err)) ||
        (st = gs_drug_load(&drug, get(&a, "drug") ? get(&a, "drug") : "gabapentin", &err)) ||
        (st = cli_parse_patient(&a, &pt, &err)))
        goto fail;
    rq.drug = drug;
    rq.patient = &pt;
    rq.pain_type = get(&a, "pain");
    rq.comedications = co;
    if ((st = parse_request(&a, &rq, &proposed, &err)) ||
        (st = parse_with(&a, co, names, times, &rq.n_comedications, &err)) ||
        (st = gs_advise(&rq, &res, &err)))
        goto fail;
    if ((v = get(&a, "html"))) { /* the page first: on failure nothing is printed */
        if ((st = gs_outfile_open(&html, v, "--html", &err)))
            goto fail;
        if ((st = gs_report_advise_html(res, &html, &err)) ||
            (st = gs_outfile_commit(&html, &err))) {
            gs_outfile_abort(&html);
            goto fail;
        }
    }
    st = get(&a, "json") ? gs_report_advise_json(res, stdout, &err)
                         : gs_report_advise_text(res, stdout, &err);
    if (st != GS_OK)
        goto fail;
    rc = fflush(stdout) == 0 ? GS_EXIT_OK : GS_EXIT_FAIL;
    goto done;
fail:
    rc = cli_fail(&err);
done:
    gs_advise_result_free(res);
    gs_drug_free(drug);
    return rc;
}
