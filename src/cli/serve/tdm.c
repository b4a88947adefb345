/* tdm.c - `gabasim tdm` through the server, for the Levels page: the command's options (less
 * --json, drugs by library name only, draws capped), the same gs_tdm_estimate() and
 * gs_tdm_dose_to_target() calls as src/cli/cmd_tdm.c, and the same writer: gs_report_tdm_json,
 * the bytes of `tdm --json`. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gabasim/gabasim.h"
#include "gabasim/tdm.h"
#include "serve.h"

/* Importance-sampling draws through the server (the command line allows GS_TDM_MAX_DRAWS). */
#define SERVE_MAX_TDM_DRAWS 20000L

struct tdm_opts {
    const char *drug, *target;
    long seed, draws, target_draws;
    double interval, probability;
    struct opt_list level;
    struct cli_patient_opts patient;
    struct cli_regimen_opts regimen;
};

/* `gabasim tdm`'s table (src/cli/cmd_tdm.c) without --json, --draws capped. */
#define SERVE_TDM_OPTIONS(o)                                                                       \
    {                                                                                              \
        OPT_STRING("drug", "NAME", &(o)->drug, "drug library name"),                               \
            OPT_LIST("level", "CONC@TIME", &(o)->level, "a measured level and when"),              \
            OPT_REGIMEN(&(o)->regimen), OPT_PATIENT(&(o)->patient),                                \
            OPT_STRING("target", "METRIC=VALUE", &(o)->target, "dose to target"),                  \
            OPT_NUMBER("probability", "P", 0.05, 0.95, &(o)->probability, "wanted probability"),   \
            OPT_NUMBER("interval", "P", 0.5, 0.99, &(o)->interval, "probability of intervals"),    \
            OPT_COUNT("draws", "N", 0, SERVE_MAX_TDM_DRAWS, &(o)->draws,                           \
                      "importance-sampling draws"),                                                \
            OPT_COUNT("target-draws", "N", 50, 10000, &(o)->target_draws,                          \
                      "posterior draws per candidate regimen"),                                    \
            OPT_SEED(&(o)->seed), OPT_END()                                                        \
    }

struct tdm_work {
    struct gs_patient pt;
    struct gs_regimen reg;
    struct gs_tdm_level lv[OPT_LIST_MAX];
};

gs_status serve_tdm_json(struct serve_argv *av, char **json, struct gs_error *err)
{
    struct tdm_opts o = {.patient = CLI_PATIENT_OPTS_INIT,
                         .regimen = CLI_REGIMEN_OPTS_INIT,
                         .seed = 1,
                         .draws = 1000,
                         .target_draws = 200,
                         .interval = 0.9,
                         .probability = 0.5};
    struct option t[] = SERVE_TDM_OPTIONS(&o);
    struct tdm_work *w = calloc(1, sizeof *w);
    gs_drug *drug = NULL;
    size_t n_lv = 0;
    struct gs_tdm_result res = GS_TDM_RESULT_INIT;
    struct gs_tdm_target_result tr = GS_TDM_TARGET_RESULT_INIT;
    struct gs_tdm_target_request treq = {0};
    gs_status st = GS_OK;
    *json = NULL;
    if (w == NULL)
        return gs_error_set(err, GS_NOMEM, "body", "out of memory");
    if ((st = opt_parse(t, av->argc, av->argv, 0, NULL, NULL, err)))
        goto done;
    if (o.drug == NULL)
        st = gs_error_set(err, GS_INPUT, "--drug", "missing '--drug' (see 'gabasim drugs')");
    else if (o.level.n == 0)
        st = gs_error_set(err, GS_INPUT, "--level", "missing '--level' (like 6.1mg/L@38h)");
    else if (o.draws > 0 && o.draws < 100)
        st = gs_error_set(err, GS_INPUT, "--draws", "'--draws' is %ld; allowed 0 or 100 to %ld",
                          o.draws, SERVE_MAX_TDM_DRAWS);
    if (st || (st = cli_parse_levels(&o.level, w->lv, &n_lv, err)) ||
        (o.target && (st = cli_parse_tdm_target(o.target, &treq, err))) ||
        (st = serve_check_drug(o.drug, err)) || (st = gs_drug_load(&drug, o.drug, err)) ||
        (st = cli_patient(&o.patient, &w->pt, err)) ||
        (st = cli_regimen(&o.regimen, drug, &w->reg, err)) ||
        (st = gs_dialysis_apply(drug, &w->pt, &w->reg, NULL, 0, err)))
        goto done;
    struct gs_tdm_request req = {.drug = drug,
                                 .patient = &w->pt,
                                 .regimen = &w->reg,
                                 .levels = w->lv,
                                 .n_levels = n_lv,
                                 .interval = o.interval,
                                 .seed = (uint64_t)o.seed,
                                 .n_draws = o.draws,
                                 .until_h = NAN,
                                 .step_h = NAN,
                                 .rtol = NAN};
    if ((st = gs_tdm_estimate(&req, &res, err)))
        goto done;
    if (o.target) {
        treq.fit_request = &req;
        treq.fit = &res;
        treq.probability = o.probability;
        treq.n_draws = o.target_draws;
        treq.seed = (uint64_t)o.seed;
        if ((st = gs_tdm_dose_to_target(&treq, &tr, err)))
            goto done;
    }
    char *text = gs_report_tdm_json(&req, &res, o.target ? &treq : NULL, o.target ? &tr : NULL);
    size_t len = text ? strlen(text) : 0;
    if (text == NULL || (*json = malloc(len + 2)) == NULL)
        st = gs_error_set(err, GS_NOMEM, "body", "out of memory writing JSON");
    else {
        memcpy(*json, text, len); /* as the command prints it: the JSON and a newline */
        memcpy(*json + len, "\n", 2);
    }
    gs_free(text);
done:
    gs_tdm_result_release(&res);
    gs_tdm_target_result_release(&tr);
    gs_drug_free(drug);
    free(w);
    return st;
}

void api_tdm(const struct serve_req *rq, struct serve_resp *rs)
{
    struct gs_error err = GS_ERROR_INIT;
    struct serve_argv av;
    struct tdm_opts o;
    struct option t[] = SERVE_TDM_OPTIONS(&o);
    char *json = NULL;
    gs_status st = serve_args(rq->body, rq->body_len, rq->form, t, &av, &err);
    if (st == GS_OK)
        st = serve_tdm_json(&av, &json, &err);
    if (st == GS_OK)
        serve_json(rs, 200, json, strlen(json));
    else
        serve_error(rs, &err);
    serve_argv_release(&av);
}
