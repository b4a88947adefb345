/* shim_advise.c - `gabasim advise` for Python: the command's option table and helpers
 * (cmd_advise.c is compiled in here), one gs_advise() call, its --json document. */
#define _POSIX_C_SOURCE 200809L
#include "cmd_advise.c"

#include "gspy.h"

static void advise_release(void *p)
{
    gs_advise_result_free(p);
}

int gspy_advise(int argc, char **argv, struct gspy_result **out, struct gs_error *err)
{
    struct co_lists {
        char names[OPT_LIST_MAX][64];
        double times[OPT_LIST_MAX][64];
        struct gs_comedication co[OPT_LIST_MAX];
        struct gs_tdm_level lv[OPT_LIST_MAX];
    } *cl = calloc(1, sizeof *cl);
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
    struct gspy_result *r = gspy_result_new(GSPY_ADVISE, advise_release);
    gs_status st;

    *out = NULL;
    if (cl == NULL || r == NULL) {
        st = gs_error_set(err, GS_NOMEM, "advise", "out of memory");
        goto done;
    }
    if ((st = opt_parse(t, argc, argv, 0, NULL, NULL, err)))
        goto done;
    if (o.html) {
        st = gs_error_set(err, GS_INPUT, "--html",
                          "'--html' writes a file; from Python, use the returned document");
        goto done;
    }
    if ((st = gs_drug_load(&drug, o.drug, err)) || (st = cli_patient(&o.patient, &pt, err)))
        goto done;
    rq.drug = drug;
    rq.patient = &pt;
    rq.pain_type = o.pain;
    rq.comedications = cl->co;
    rq.levels = cl->lv;
    rq.target_daily_mg = o.target_mg;
    rq.days = o.days;
    rq.n = o.n;
    rq.seed = (uint64_t)o.seed;
    if ((st = gs_advise_check(&rq, err)) || (st = proposed_regimen(&o, &rq, &proposed, err)) ||
        (st = cli_parse_with(&o.with, cl->co, cl->names, cl->times, &rq.n_comedications, err)) ||
        (st = cli_parse_levels(&o.level, cl->lv, &rq.n_levels, err)) ||
        (st = gs_advise(&rq, &res, err)))
        goto done;
    r->owner = res;
    FILE *f = gspy_json_open(r, err);
    if (f == NULL) {
        st = GS_NOMEM;
        goto done;
    }
    st = gspy_json_close(r, f, gs_report_advise_json(res, f, err), err);
done:
    gs_drug_free(drug);
    free(cl);
    if (st) {
        if (r == NULL || r->owner == NULL)
            gs_advise_result_free(res);
        gspy_result_free(r);
        return st;
    }
    *out = r;
    return GS_OK;
}
