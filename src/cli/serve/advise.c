/* advise.c - `gabasim advise` through the server: the command's options (less its output files,
 * and drugs by name only), the same gs_advise() call and the same report writers. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "gabasim/advise.h"
#include "gabasim/gabasim.h"
#include "gabasim/report_advise.h"
#include "serve.h"

struct advise_opts {
    const char *drug, *pain, *titrate;
    double target_mg, dose_mg, every_h, days;
    long n, seed;
    struct cli_patient_opts patient;
    struct opt_list with;
};

/* `gabasim advise`'s table (src/cli/cmd_advise.c) without --json and --html, --n capped. */
#define SERVE_ADVISE_OPTIONS(o)                                                                    \
    {                                                                                              \
        OPT_STRING("drug", "NAME", &(o)->drug, "gabapentin (default) or pregabalin"),              \
            OPT_PATIENT(&(o)->patient),                                                            \
            OPT_QUANTITY_ABOVE("target", "DOSE", GS_DIM_DOSE, 0, 1e5, &(o)->target_mg,             \
                               "wanted daily dose"),                                               \
            OPT_QUANTITY("dose", "DOSE", GS_DIM_DOSE, -INFINITY, INFINITY, &(o)->dose_mg,          \
                         "a proposed regimen to check: each dose"),                                \
            OPT_QUANTITY("every", "TIME", GS_DIM_TIME, -INFINITY, INFINITY, &(o)->every_h,         \
                         "a proposed regimen to check: interval"),                                 \
            OPT_STRING("titrate", "SCHEDULE", &(o)->titrate, "a proposed titration"),              \
            OPT_DAYS(&(o)->days, "days to project"),                                               \
            OPT_COUNT("n", "N", 10, SERVE_MAX_N, &(o)->n, "virtual patients for the band"),        \
            OPT_SEED(&(o)->seed), OPT_LIST("with", "NAME[@T,...]", &(o)->with, "a co-medication"), \
            OPT_STRING("pain", "TYPE", &(o)->pain, "kind of pain"), OPT_END()                      \
    }

#define MAX_TIMES 64

struct advise_work {
    char names[OPT_LIST_MAX][64];
    double times[OPT_LIST_MAX][MAX_TIMES];
    struct gs_comedication co[OPT_LIST_MAX];
    struct gs_patient pt;
    struct gs_regimen proposed;
};

/* The advice for the arguments, as cmd_advise computes it. */
static gs_status run_advise(struct serve_argv *av, gs_drug **drug, struct gs_advise_result **res,
                            struct gs_error *err)
{
    struct gs_advise_request rq = GS_ADVISE_REQUEST_INIT;
    struct advise_opts o = {.drug = "gabapentin",
                            .target_mg = rq.target_daily_mg,
                            .dose_mg = NAN,
                            .every_h = NAN,
                            .days = rq.days,
                            .n = rq.n,
                            .seed = (long)rq.seed,
                            .patient = CLI_PATIENT_OPTS_INIT};
    struct option t[] = SERVE_ADVISE_OPTIONS(&o);
    struct advise_work *w = calloc(1, sizeof *w);
    gs_status st;
    if (w == NULL)
        return gs_error_set(err, GS_NOMEM, "body", "out of memory");
    if ((st = opt_parse(t, av->argc, av->argv, 0, NULL, NULL, err)) ||
        (st = serve_check_drug(o.drug, err)) || (st = gs_drug_load(drug, o.drug, err)) ||
        (st = cli_patient(&o.patient, &w->pt, err)))
        goto done;
    rq.drug = *drug;
    rq.patient = &w->pt;
    rq.pain_type = o.pain;
    rq.comedications = w->co;
    rq.target_daily_mg = o.target_mg;
    rq.days = o.days;
    rq.n = o.n;
    rq.seed = (uint64_t)o.seed;
    if ((st = gs_advise_check(&rq, err)))
        goto done;
    if (isnan(o.dose_mg) && o.titrate == NULL) {
        if (!isnan(o.every_h)) {
            st = gs_error_set(err, GS_INPUT, "--every",
                              "'--every' belongs to a proposed regimen: give '--dose' too");
            goto done;
        }
    } else {
        struct cli_regimen_opts ro = CLI_REGIMEN_OPTS_INIT;
        ro.dose_mg = o.dose_mg;
        ro.every_h = o.every_h;
        ro.titrate = o.titrate;
        ro.days = rq.days;
        if ((st = cli_regimen(&ro, rq.drug, &w->proposed, err)))
            goto done;
        rq.proposed = &w->proposed;
    }
    if ((st = cli_parse_with(&o.with, w->co, w->names, w->times, &rq.n_comedications, err)))
        goto done;
    st = gs_advise(&rq, res, err);
done:
    free(w);
    return st;
}

static gs_status to_json(const struct gs_advise_result *res, char **out, size_t *len,
                         struct gs_error *err)
{
    FILE *f = open_memstream(out, len);
    if (f == NULL)
        return gs_error_set(err, GS_NOMEM, "body", "out of memory");
    gs_status st = gs_report_advise_json(res, f, err);
    if (fclose(f) != 0 && st == GS_OK)
        st = gs_error_set(err, GS_NOMEM, "body", "out of memory");
    return st;
}

/* Reads a whole file into the buffer. */
static int slurp(const char *path, struct sbuf *b)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    char chunk[16384];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        sbuf_add(b, chunk, k);
    int bad = ferror(f) || b->failed;
    fclose(f);
    return bad ? -1 : 0;
}

/* The page of `advise --html`, written by gs_report_advise_html to a file in the server's
 * private temporary directory (the writer draws its plot through a file beside it). */
static gs_status to_html(const struct gs_advise_result *res, struct sbuf *page,
                         struct gs_error *err)
{
    static unsigned long counter;
    char path[4200];
    struct gs_outfile out;
    serve_plot_lock();
    snprintf(path, sizeof path, "%s/advice-%lu.html", serve_tmpdir, counter++);
    gs_status st = gs_outfile_open(&out, path, "--html", err);
    if (st == GS_OK && (st = gs_report_advise_html(res, &out, err)) != GS_OK)
        gs_outfile_abort(&out);
    else if (st == GS_OK)
        st = gs_outfile_commit(&out, err);
    serve_plot_unlock();
    if (st == GS_OK && slurp(path, page) != 0)
        st = gs_error_set(err, GS_IO, "--html", "reading the page back failed");
    unlink(path);
    return st;
}

/* The links above the advice in the app: back to the form, print (the page is printable). */
static void add_nav(struct sbuf *page, const char *doc)
{
    const char *body = strstr(doc, "<body>");
    size_t head = body ? (size_t)(body - doc) + 6 : 0;
    sbuf_add(page, doc, head);
    sbuf_puts(page, "\n<nav id=\"app-nav\" class=\"notice\" aria-label=\"gabasim\">"
                    "<a href=\"/patient\">&#8592; Change the details</a> &middot; "
                    "<a href=\"/\">All pages</a></nav>");
    sbuf_puts(page, doc + head);
}

void api_advise(const struct serve_req *rq, struct serve_resp *rs, int html, int nav)
{
    struct gs_error err = GS_ERROR_INIT;
    struct serve_argv av;
    struct advise_opts dummy;
    struct option t[] = SERVE_ADVISE_OPTIONS(&dummy);
    gs_drug *drug = NULL;
    struct gs_advise_result *res = NULL;
    gs_status st = serve_args(rq->body, rq->body_len, rq->form, t, &av, &err);
    if (st == GS_OK)
        st = run_advise(&av, &drug, &res, &err);
    if (st == GS_OK && !html) {
        char *json = NULL;
        size_t len = 0;
        if ((st = to_json(res, &json, &len, &err)) == GS_OK)
            serve_json(rs, 200, json, len);
        else
            free(json);
    } else if (st == GS_OK) {
        struct sbuf doc = {0};
        if ((st = to_html(res, &doc, &err)) == GS_OK) {
            free(rs->body.p);
            rs->body = (struct sbuf){0};
            if (nav)
                add_nav(&rs->body, doc.p);
            else
                sbuf_add(&rs->body, doc.p, doc.n);
            rs->status = 200;
            rs->type = "text/html; charset=utf-8";
            rs->document = 1;
        }
        free(doc.p);
    }
    if (st != GS_OK)
        serve_error(rs, &err);
    gs_advise_result_free(res);
    gs_drug_free(drug);
    serve_argv_release(&av);
}

gs_status serve_advise_validate(const cJSON *inputs, struct gs_error *err)
{
    struct serve_argv av;
    struct gs_advise_request rq = GS_ADVISE_REQUEST_INIT;
    struct advise_opts o = {.drug = "gabapentin",
                            .target_mg = rq.target_daily_mg,
                            .dose_mg = NAN,
                            .every_h = NAN,
                            .days = rq.days,
                            .n = rq.n,
                            .patient = CLI_PATIENT_OPTS_INIT};
    struct option t[] = SERVE_ADVISE_OPTIONS(&o);
    gs_drug *drug = NULL;
    struct gs_patient pt;
    memset(&av, 0, sizeof av);
    gs_status st;
    if ((st = serve_args_json(inputs, t, &av, err)) == GS_OK &&
        (st = opt_parse(t, av.argc, av.argv, 0, NULL, NULL, err)) == GS_OK &&
        (st = serve_check_drug(o.drug, err)) == GS_OK &&
        (st = gs_drug_load(&drug, o.drug, err)) == GS_OK &&
        (st = cli_patient(&o.patient, &pt, err)) == GS_OK) {
        rq.drug = drug;
        rq.patient = &pt;
        rq.target_daily_mg = o.target_mg;
        rq.days = o.days;
        rq.n = o.n;
        st = gs_advise_check(&rq, err);
    }
    gs_drug_free(drug);
    serve_argv_release(&av);
    return st;
}
