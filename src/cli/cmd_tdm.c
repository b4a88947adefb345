/* cmd_tdm.c - `gabasim tdm`: one patient's parameters from measured levels (Bayesian MAP), and
 * the label regimen that reaches a target. Parses, calls gabasim/tdm.h, prints. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gabasim/gabasim.h"
#include "gabasim/model_file.h"
#include "gabasim/plot.h"
#include "gabasim/tdm.h"

struct tdm_opts {
    const char *drug, *model, *target, *plot;
    int json;
    long seed, draws, target_draws;
    double interval, probability;
    struct opt_list level;
    struct cli_patient_opts patient;
    struct cli_regimen_opts regimen;
};

#define TDM_OPTIONS(o)                                                                             \
    {                                                                                              \
        OPT_STRING("drug", "NAME|FILE", &(o)->drug,                                                \
                   "drug library name (see 'gabasim drugs') or a .json file"),                     \
            OPT_STRING("model", "NAME|FILE", &(o)->model,                                          \
                       "model file in place of the drug's structure (docs/model-files.md)"),       \
            OPT_LIST("level", "CONC@TIME", &(o)->level,                                            \
                     "a measured level and when, from the first dose: 6.1mg/L@38h"),               \
            OPT_REGIMEN(&(o)->regimen), OPT_PATIENT(&(o)->patient),                                \
            OPT_STRING("target", "METRIC=VALUE", &(o)->target,                                     \
                       "dose to target: trough=4mg/L, cavg=5mg/L or auc24=120 (mg*h/L)"),          \
            OPT_NUMBER("probability", "P", 0.05, 0.95, &(o)->probability,                          \
                       "wanted probability of reaching the target (default 0.5)"),                 \
            OPT_NUMBER("interval", "P", 0.5, 0.99, &(o)->interval,                                 \
                       "probability of the intervals (default 0.9)"),                              \
            OPT_COUNT("draws", "N", 0, GS_TDM_MAX_DRAWS, &(o)->draws,                              \
                      "importance-sampling draws (default 1000; 0: none)"),                        \
            OPT_COUNT("target-draws", "N", 50, 10000, &(o)->target_draws,                          \
                      "posterior draws per candidate regimen (default 200)"),                      \
            OPT_STRING("plot", "FILE", &(o)->plot,                                                 \
                       "plot the levels, the fit and its band (and the regimen to the target): "   \
                       "FILE.svg or FILE.png ('-': SVG on standard output)"),                      \
            OPT_SEED(&(o)->seed), OPT_JSON(&(o)->json), OPT_END()                                  \
    }

void help_tdm(FILE *f)
{
    struct tdm_opts o;
    struct option t[] = TDM_OPTIONS(&o);
    fprintf(f,
            "usage: gabasim tdm --drug NAME --level CONC@TIME [--level ...] (dosing history)\n"
            "                   [patient] [--target METRIC=VALUE [--probability P]]\n"
            "                   [--plot FILE.svg|FILE.png]\n\n"
            "Estimates this patient's clearance, volume and absorption from measured levels\n"
            "(Bayesian MAP: the drug file's population model as prior, its residual error as\n"
            "likelihood), with Laplace intervals checked by importance sampling, and prints them\n"
            "beside the population's. With --target, finds the lowest dispensable label regimen\n"
            "for the kidney function that reaches the target with the stated probability.\n"
            "--plot draws the levels over this patient's fit and its band, the population's\n"
            "prediction and, with --target, the regimen's steady-state profile and the target.\n"
            "Times count from the first dose of the history. It supports, and does not replace,\n"
            "a clinician's judgement.\n\noptions:\n");
    opt_print_help(f, t);
    fprintf(f, "\nexamples:\n"
               "  gabasim tdm --drug gabapentin --dose 300mg --every 8h --days 2 --crcl 35 \\\n"
               "      --age 70 --level 6.1mg/L@38h --target trough=4mg/L --plot levels.svg\n"
               "  gabasim tdm --drug pregabalin --dose 150mg --every 12h --days 3 --crcl 50 \\\n"
               "      --level 2.1mg/L@71.5h --level 5.3mg/L@62h --json\n");
}

int cmd_tdm(int argc, char **argv)
{
    struct gs_error err = GS_ERROR_INIT;
    struct tdm_opts o = {.patient = CLI_PATIENT_OPTS_INIT,
                         .regimen = CLI_REGIMEN_OPTS_INIT,
                         .seed = 1,
                         .draws = 1000,
                         .target_draws = 200,
                         .interval = 0.9,
                         .probability = 0.5};
    struct option t[] = TDM_OPTIONS(&o);
    gs_drug *drug = NULL;
    gs_model_file *mf = NULL;
    struct gs_patient pt;
    struct gs_regimen reg;
    struct gs_tdm_level lv[OPT_LIST_MAX];
    size_t n_lv = 0;
    struct gs_tdm_result res = GS_TDM_RESULT_INIT;
    struct gs_tdm_target_result tr = GS_TDM_TARGET_RESULT_INIT;
    struct gs_tdm_target_request treq = {0};
    struct gs_outfile plotf = {0};
    int have_target = 0, plot_open = 0, to_stdout = 0;
    gs_status st;

    if ((st = opt_parse(t, argc, argv, 0, NULL, NULL, &err)))
        goto fail;
    if (o.drug == NULL) {
        st = gs_error_set(&err, GS_INPUT, "--drug", "missing '--drug' (see 'gabasim drugs')");
        goto fail;
    }
    if (o.level.n == 0) {
        st = gs_error_set(&err, GS_INPUT, "--level", "missing '--level' (like 6.1mg/L@38h)");
        goto fail;
    }
    if (o.draws > 0 && o.draws < 100) {
        st = gs_error_set(&err, GS_INPUT, "--draws", "'--draws' is %ld; allowed 0 or 100 to %ld",
                          o.draws, GS_TDM_MAX_DRAWS);
        goto fail;
    }
    if ((st = cli_parse_levels(&o.level, lv, &n_lv, &err)) ||
        (o.target && (st = cli_parse_tdm_target(o.target, &treq, &err))) ||
        (st = o.model ? gs_drug_load_with_model(&drug, &mf, o.drug, o.model, &err)
                      : gs_drug_load(&drug, o.drug, &err)) ||
        (st = cli_patient(&o.patient, &pt, &err)) ||
        (st = cli_regimen(&o.regimen, drug, &reg, &err)) ||
        (st = gs_dialysis_apply(drug, &pt, &reg, NULL, 0, &err)))
        goto fail;
    if (o.plot) { /* the plot's destination is checked, and opened, before any work */
        const char *paths[1] = {o.plot}, *fields[1] = {"--plot"};
        const char *in[1] = {gs_drug_origin(drug)}, *in_fields[1] = {"--drug"};
        if ((st = cli_check_outputs(paths, fields, 1, o.json, &to_stdout, &err)) ||
            (st = cli_check_not_input(paths, fields, 1, in, in_fields, 1, &err)) ||
            (st = gs_plot_check_path(o.plot, "--plot", &err)) ||
            (st = gs_outfile_open(&plotf, o.plot, "--plot", &err)))
            goto fail;
        plot_open = 1;
    }
    struct gs_tdm_request req = {.drug = drug,
                                 .patient = &pt,
                                 .regimen = &reg,
                                 .levels = lv,
                                 .n_levels = n_lv,
                                 .interval = o.interval,
                                 .seed = (uint64_t)o.seed,
                                 .n_draws = o.draws,
                                 .until_h = NAN,
                                 .step_h = NAN,
                                 .rtol = NAN};
    if ((st = gs_tdm_estimate(&req, &res, &err)))
        goto fail;
    if (o.target) {
        treq.fit_request = &req;
        treq.fit = &res;
        treq.probability = o.probability;
        treq.n_draws = o.target_draws;
        treq.seed = (uint64_t)o.seed;
        if ((st = gs_tdm_dose_to_target(&treq, &tr, &err)))
            goto fail;
        have_target = 1;
    }
    if (plot_open) { /* drawn from the results above: nothing is estimated again */
        if ((st = gs_plot_tdm(&req, &res, have_target ? &treq : NULL, have_target ? &tr : NULL,
                              &plotf, &err)))
            goto fail;
        plot_open = 0; /* a failed commit removes its own temporary file */
        if ((st = gs_outfile_commit(&plotf, &err)))
            goto fail;
    }
    if (to_stdout) {
        /* the plot took standard output: no report beside it */
    } else if (o.json) {
        char *text =
            gs_report_tdm_json(&req, &res, have_target ? &treq : NULL, have_target ? &tr : NULL);
        if (text == NULL) {
            st = gs_error_set(&err, GS_NOMEM, "--json", "out of memory writing JSON");
            goto fail;
        }
        printf("%s\n", text);
        gs_free(text);
    } else {
        gs_report_tdm_text(&req, &res, have_target ? &treq : NULL, have_target ? &tr : NULL,
                           stdout);
    }
    if ((st = cli_flush_stdout(&err)))
        goto fail;
    gs_tdm_result_release(&res);
    gs_tdm_target_result_release(&tr);
    gs_drug_free(drug);
    gs_model_file_free(mf);
    return GS_EXIT_OK;
fail:
    if (plot_open)
        gs_outfile_abort(&plotf);
    gs_tdm_result_release(&res);
    gs_tdm_target_result_release(&tr);
    gs_drug_free(drug);
    gs_model_file_free(mf);
    return cli_fail(&err);
}
