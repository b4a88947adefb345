/* cmd_simulate.c - `gabasim simulate`: one patient, one regimen, one profile. */
#include <math.h>
#include <string.h>

#include "cli.h"
#include "gabasim/gabasim.h"
#include "gabasim/model_file.h"

struct simulate_opts {
    const char *drug, *model, *csv, *plot;
    int json;
    struct cli_patient_opts patient;
    struct cli_regimen_opts regimen;
    struct cli_solver_opts solver;
    struct cli_grid_opts grid;
};

/* The option table, declared once for parsing and for help (git's OPT_* arrays). */
#define SIMULATE_OPTIONS(o)                                                                        \
    {                                                                                              \
        OPT_STRING("drug", "NAME|FILE", &(o)->drug,                                                \
                   "drug library name (see 'gabasim drugs') or a .json file"),                     \
            OPT_STRING("model", "NAME|FILE", &(o)->model,                                          \
                       "model file in place of the drug's structure (docs/model-files.md)"),       \
            OPT_REGIMEN(&(o)->regimen), OPT_PATIENT(&(o)->patient), OPT_GRID(&(o)->grid),          \
            OPT_SOLVER(&(o)->solver),                                                              \
            OPT_STRING("csv", "FILE", &(o)->csv,                                                   \
                       "write the profile as CSV ('-': standard output)"),                         \
            OPT_STRING("plot", "FILE", &(o)->plot,                                                 \
                       "write a plot: FILE.svg or FILE.png ('-': SVG on standard output)"),        \
            OPT_JSON(&(o)->json), OPT_END()                                                        \
    }

void help_simulate(FILE *f)
{
    struct simulate_opts o;
    struct option t[] = SIMULATE_OPTIONS(&o);
    fprintf(
        f,
        "usage: gabasim simulate --drug NAME (--dose DOSE --every TIME | --titrate S)\n"
        "                        (--days N | --doses N) [patient] [outputs]\n"
        "       gabasim simulate --model NAME --dose DOSE [--every TIME] (--days N | --doses N)\n"
        "                        (a model file alone: CSV of its amounts and outputs)\n\n"
        "Simulates one patient's plasma concentrations and prints Cmax, Tmax, AUC, half-life,\n"
        "steady-state Cmin/Cavg/Cmax, the fraction of each dose absorbed and the time to 90 %%\n"
        "of steady state; checks the regimen against the label for the kidney function and\n"
        "shows the trough beside the laboratory reference range (not a target).\n\noptions:\n");
    opt_print_help(f, t);
    fprintf(f,
            "\nKidney function: --crcl, or --scr with --age --sex --weight (Cockcroft-Gault, the\n"
            "labels' method; CKD-EPI 2021 eGFR is reported beside it), or --dialysis (three\n"
            "4-h sessions a week and the label's supplement after each, unless --hd-schedule\n"
            "says otherwise; the steady state is then weekly).\n"
            "Limits: dose above 0 up to the drug file's ceiling; interval up to 168 h; duration\n"
            "up to 365 days; at most %ld output points.\n\nexamples:\n"
            "  gabasim simulate --drug gabapentin --dose 300mg --every 8h --days 7\n"
            "  gabasim simulate --drug pregabalin --dose 150mg --every 12h --days 14 --crcl 45\n"
            "  gabasim simulate --drug gabapentin --titrate label --days 7 --plot g.svg\n"
            "  gabasim simulate --model two_cmt_oral --dose 100mg --every 12h --doses 3\n"
            "  gabasim simulate --drug gabapentin --dose 600mg --doses 1 --scr 1.4mg/dL \\\n"
            "      --age 72 --sex female --weight 70kg --json\n",
            GS_SIMULATE_MAX_POINTS);
}

/* --model without --drug: the model file's own simulation (any compartments), CSV on stdout. */
static int simulate_model_only(const struct simulate_opts *o)
{
    struct gs_error err = GS_ERROR_INIT;
    const struct cli_regimen_opts *r = &o->regimen;
    const struct cli_patient_opts *p = &o->patient;
    gs_model_file *m = NULL;
    gs_status st;
    double ii = isnan(r->every_h) ? 0.0 : r->every_h;
    long n = r->doses > 0                ? r->doses
             : !isnan(r->days) && ii > 0 ? (long)floor(r->days * 24.0 / ii + 1e-9)
                                         : 0;
    if (o->csv || o->plot || o->json || r->titrate || r->miss.n || r->extra.n || r->start_steady ||
        !isnan(p->age_y) || !isnan(p->weight_kg) || !isnan(p->height_cm) || !isnan(p->scr_mg_dl) ||
        !isnan(p->crcl_ml_min) || p->sex || p->dialysis || p->hd_schedule ||
        o->solver.solver == GS_SOLVER_EXACT)
        st = gs_error_set(&err, GS_INPUT, "--drug",
                          "'--model' without '--drug' takes only --dose, --every, --days or "
                          "--doses, --until, --out-every, --solver cvode, --rtol, --atol; the "
                          "patient, the label and the report need '--drug'");
    else if (isnan(r->dose_mg))
        st = gs_error_set(&err, GS_INPUT, "--dose", "missing '--dose'");
    else if (n < 1)
        st = gs_error_set(&err, GS_INPUT, "--doses",
                          "missing '--doses N' (or '--days' with '--every')");
    else if (!(st = gs_model_file_load(&m, o->model, &err))) {
        struct gs_mf_run_request rq = {.model = m, .dose = r->dose_mg, .ii_h = ii, .n_doses = n};
        rq.cmt = 1;
        rq.until_h = isnan(o->grid.until_h) ? (n > 1 ? n * ii : 24.0) : o->grid.until_h;
        rq.step_h = isnan(o->grid.every_h) ? 0.25 : o->grid.every_h;
        rq.rtol = isnan(o->solver.rtol) ? 0.0 : o->solver.rtol;
        rq.atol = isnan(o->solver.atol_mg) ? 0.0 : o->solver.atol_mg;
        rq.stiff = o->solver.solver == GS_SOLVER_CVODE;
        st = gs_model_file_run_csv(&rq, stdout, &err);
    }
    gs_model_file_free(m);
    if (!st)
        st = cli_flush_stdout(&err);
    return st ? cli_fail(&err) : GS_EXIT_OK;
}

int cmd_simulate(int argc, char **argv)
{
    struct gs_error err = GS_ERROR_INIT;
    struct simulate_opts o = {.patient = CLI_PATIENT_OPTS_INIT,
                              .regimen = CLI_REGIMEN_OPTS_INIT,
                              .solver = CLI_SOLVER_OPTS_INIT,
                              .grid = CLI_GRID_OPTS_INIT};
    struct option t[] = SIMULATE_OPTIONS(&o);
    gs_drug *drug = NULL;
    gs_model_file *mf = NULL;
    struct gs_regimen reg;
    struct gs_patient pt;
    struct gs_model model;
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    struct gs_profile prof = GS_PROFILE_INIT;
    struct gs_summary sum;
    struct gs_sim_options sopt = GS_SIM_OPTIONS_DEFAULT;
    struct gs_outfile csv = {0}, plotf = {0};
    double *grid = NULL;
    size_t n_grid = 0;
    char notes[2048] = "";
    int csv_open = 0, plot_open = 0;
    gs_status st;

    if ((st = opt_parse(t, argc, argv, 0, NULL, NULL, &err)))
        goto fail;
    if (o.drug == NULL && o.model)
        return simulate_model_only(&o);
    if (o.drug == NULL) {
        st = gs_error_set(&err, GS_INPUT, "--drug", "missing '--drug' (see 'gabasim drugs')");
        goto fail;
    }
    cli_solver(&o.solver, &sopt);
    if ((st = o.model ? gs_drug_load_with_model(&drug, &mf, o.drug, o.model, &err)
                      : gs_drug_load(&drug, o.drug, &err)) ||
        (st = cli_patient(&o.patient, &pt, &err)) ||
        (st = cli_regimen(&o.regimen, drug, &reg, &err)) ||
        (st = gs_drug_individual_model(drug, &pt, &model, notes, sizeof notes, &err)) ||
        (st = gs_dialysis_apply(drug, &pt, &reg, notes, sizeof notes, &err)))
        goto fail;
    if (pt.crcl_source == GS_CRCL_DEFAULT) {
        size_t k = strlen(notes);
        snprintf(notes + k, sizeof notes - k,
                 "no kidney function given: CrCl 100 mL/min (a typical adult) assumed\n");
    }
    int single = cli_regimen_single(&o.regimen);
    if ((st = gs_regimen_expand(&reg, &ev, &err)) ||
        (st = cli_grid(&o.grid, &reg, single, &grid, &n_grid, &err)))
        goto fail;

    /* outputs are checked before any work, so a bad path costs nothing */
    const char *paths[2] = {o.csv, o.plot}, *fields[2] = {"--csv", "--plot"};
    int to_stdout = 0;
    const char *in[1] = {gs_drug_origin(drug)}, *in_fields[1] = {"--drug"};
    if ((st = cli_check_outputs(paths, fields, 2, o.json, &to_stdout, &err)) ||
        (st = cli_check_not_input(paths, fields, 2, in, in_fields, 1, &err)) ||
        (o.plot && (st = gs_plot_check_path(o.plot, "--plot", &err))))
        goto fail;
    if (o.csv) {
        if ((st = gs_outfile_open(&csv, o.csv, "--csv", &err)))
            goto fail;
        csv_open = 1;
    }
    if (o.plot) {
        if ((st = gs_outfile_open(&plotf, o.plot, "--plot", &err)))
            goto fail;
        plot_open = 1;
    }

    const struct gs_regimen_step *maint = gs_regimen_maintenance(&reg);
    if ((st = gs_simulate(&model, &ev, grid, n_grid, &sopt, &prof, &err)) ||
        (st = gs_summarize_hd(&(struct gs_summary_request){.model = &model,
                                                           .events = &ev,
                                                           .profile = &prof,
                                                           .ss_dose_mg = maint->dose_mg,
                                                           .ss_ii_h = single ? NAN : maint->ii_h,
                                                           .cmt = reg.cmt,
                                                           .sim = &sopt},
                              &reg.hd, &sum, &err)))
        goto fail;

    struct gs_label_check check;
    if ((st = gs_label_check_regimen(drug, &pt, &reg, single, &check, &err)))
        goto fail;
    gs_label_check_levels(drug, single ? NAN : sum.ss_cmin_mg_l,
                          single ? sum.span_cmax_mg_l : sum.ss_cmax_mg_l, &check);
    struct gs_run run = {drug, &pt, &model, &reg, &ev, &prof, &sum, notes, &check};
    if (csv_open && gs_report_profile_csv(&run, csv.f) != GS_OK) {
        st = gs_error_set(&err, GS_IO, "--csv", "writing '%s' failed", csv.path);
        goto fail;
    }
    if (plot_open && (st = gs_plot_profile(&run, &plotf, &err)))
        goto fail;
    /* every output is complete: only now do they replace their destinations */
    struct gs_outfile *all[2] = {csv_open ? &csv : NULL, plot_open ? &plotf : NULL};
    csv_open = plot_open = 0;
    if ((st = gs_outfile_commit_all(all, 2, &err)))
        goto fail;
    if (to_stdout) {
        /* an output took standard output: no report beside it */
    } else if (o.json) {
        char *text = gs_report_run_json(&run);
        if (text == NULL) {
            st = gs_error_set(&err, GS_NOMEM, "--json", "out of memory writing JSON");
            goto fail;
        }
        printf("%s\n", text);
        gs_report_json_free(text);
    } else {
        gs_report_summary_text(&run, stdout);
    }
    if ((st = cli_flush_stdout(&err)))
        goto fail;
    gs_free(grid);
    gs_simulate_profile_release(&prof);
    gs_event_list_release(&ev);
    gs_drug_free(drug);
    gs_model_file_free(mf);
    return GS_EXIT_OK;

fail:
    if (csv_open)
        gs_outfile_abort(&csv);
    if (plot_open)
        gs_outfile_abort(&plotf);
    gs_free(grid);
    gs_simulate_profile_release(&prof);
    gs_event_list_release(&ev);
    gs_drug_free(drug);
    gs_model_file_free(mf);
    return cli_fail(&err);
}
