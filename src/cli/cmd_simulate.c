/* cmd_simulate.c - `gabasim simulate`: one patient, one regimen, one profile. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gabasim/gabasim.h"

static const struct cli_opt opts[] = {
    {"drug", "NAME|FILE", CLI_VALUE, 0, "drug library name (see 'gabasim drugs') or a .json file"},
    {"dose", "DOSE", CLI_VALUE, 0, "each dose, with unit: 300mg, 1.2g"},
    {"every", "TIME", CLI_VALUE, 0, "dosing interval: 8h, 12h, 1d"},
    {"days", "N", CLI_VALUE, 0, "dose for N days (whole or fractional)"},
    {"doses", "N", CLI_VALUE, 0, "give exactly N doses (--doses 1: a single dose)"},
    {"titrate", "SCHEDULE", CLI_VALUE, 0,
     "titration DAY:DOSExN,... (1:300mgx1,2:300mgx2,3:300mgx3) or a drug-file name: label"},
    {"miss", "TIME", CLI_VALUE, 1, "a scheduled dose not taken, by its time: 32h"},
    {"extra", "DOSE@TIME", CLI_VALUE, 1, "an extra dose: 300mg@20h"},
    {"start-steady", NULL, CLI_FLAG, 0, "start at steady state of the first dose and interval"},
    {"crcl", "CRCL", CLI_VALUE, 0,
     "creatinine clearance, mL/min (default 100 when no kidney data)"},
    {"scr", "SCR", CLI_VALUE, 0,
     "serum creatinine: 1.2mg/dL or 106umol/L (needs age, sex, weight)"},
    {"age", "YEARS", CLI_VALUE, 0, "age in years (12 to 110)"},
    {"sex", "SEX", CLI_VALUE, 0, "female or male"},
    {"weight", "WEIGHT", CLI_VALUE, 0, "body weight: 70kg or 154lb"},
    {"height", "HEIGHT", CLI_VALUE, 0, "height: 170cm (ideal body weight, BMI)"},
    {"dialysis", NULL, CLI_FLAG, 0, "anuric, on intermittent haemodialysis"},
    {"until", "TIME", CLI_VALUE, 0, "end of the profile (default: end of dosing)"},
    {"out-every", "TIME", CLI_VALUE, 0, "output grid spacing (default 0.25h)"},
    {"solver", "NAME", CLI_VALUE, 0, "auto (default), exact (closed form) or cvode"},
    {"rtol", "X", CLI_VALUE, 0, "ODE relative tolerance (default 1e-8)"},
    {"atol", "X", CLI_VALUE, 0, "ODE absolute tolerance on amounts, mg (default 1e-9)"},
    {"csv", "FILE", CLI_VALUE, 0, "write the profile as CSV"},
    {"plot", "FILE", CLI_VALUE, 0, "write a plot: FILE.svg or FILE.png"},
    {"json", NULL, CLI_FLAG, 0, "print JSON (summary and profile) instead of text"},
};
#define N_OPTS (sizeof opts / sizeof opts[0])

static const char *get(const struct cli_args *a, const char *name)
{
    return cli_get(opts, N_OPTS, a, name);
}

void help_simulate(FILE *f)
{
    fprintf(
        f, "usage: gabasim simulate --drug NAME (--dose DOSE --every TIME | --titrate S)\n"
           "                        (--days N | --doses N) [patient] [outputs]\n\n"
           "Simulates one patient's plasma concentrations and prints Cmax, Tmax, AUC, half-life,\n"
           "steady-state Cmin/Cavg/Cmax, the fraction of each dose absorbed and the time to 90 %%\n"
           "of steady state.\n\noptions:\n");
    cli_print_options(f, opts, N_OPTS);
    fprintf(f,
            "\nKidney function: --crcl, or --scr with --age --sex --weight (Cockcroft-Gault, the\n"
            "labels' method; CKD-EPI 2021 eGFR is reported beside it), or --dialysis.\n"
            "Limits: dose above 0 up to the drug file's ceiling; interval up to 168 h; duration\n"
            "up to 365 days; at most %ld output points.\n\nexamples:\n"
            "  gabasim simulate --drug gabapentin --dose 300mg --every 8h --days 7\n"
            "  gabasim simulate --drug pregabalin --dose 150mg --every 12h --days 14 --crcl 45\n"
            "  gabasim simulate --drug gabapentin --titrate label --days 7 --plot g.svg\n"
            "  gabasim simulate --drug gabapentin --dose 600mg --doses 1 --scr 1.4mg/dL \\\n"
            "      --age 72 --sex female --weight 70kg --json\n",
            CLI_MAX_OUTPUT_POINTS);
}

int cmd_simulate(int argc, char **argv)
{
    struct gs_error err = GS_ERROR_INIT;
    static struct cli_args a; /* large; one per process */
    gs_drug *drug = NULL;
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

    if ((st = cli_parse(opts, N_OPTS, 0, argc, argv, &a, &err)))
        goto fail;
    const char *drug_name = get(&a, "drug");
    if (drug_name == NULL) {
        st = gs_error_set(&err, GS_INPUT, "--drug", "missing '--drug' (see 'gabasim drugs')");
        goto fail;
    }
    if ((st = cli_parse_sim_options(&a, &sopt, &err)) ||
        (st = gs_drug_load(&drug, drug_name, &err)) || (st = cli_parse_patient(&a, &pt, &err)) ||
        (st = cli_parse_regimen(&a, drug, &reg, &err)))
        goto fail;
    if ((st = gs_drug_individual_model(drug, &pt, &model, notes, sizeof notes, &err)))
        goto fail;
    if (pt.crcl_source == GS_CRCL_DEFAULT) {
        size_t k = strlen(notes);
        snprintf(notes + k, sizeof notes - k,
                 "no kidney function given: CrCl 100 mL/min (a typical adult) assumed\n");
    }
    if ((st = gs_regimen_expand(&reg, &ev, &err)))
        goto fail;

    const struct gs_regimen_step *maint = gs_regimen_maintenance(&reg);
    int single = reg.n_doses == 1 && get(&a, "every") == NULL && get(&a, "titrate") == NULL;
    if ((st = cli_output_grid(&a, &reg, single, &grid, &n_grid, &err)))
        goto fail;

    /* outputs are checked before any work, so a bad path costs nothing */
    const char *plot = get(&a, "plot"), *csv_path = get(&a, "csv");
    if (plot && (st = gs_plot_check_path(plot, "--plot", &err)))
        goto fail;
    if (csv_path) {
        if ((st = gs_outfile_open(&csv, csv_path, "--csv", &err)))
            goto fail;
        csv_open = 1;
    }
    if (plot) {
        if ((st = gs_outfile_open(&plotf, plot, "--plot", &err)))
            goto fail;
        plot_open = 1;
    }

    if ((st = gs_simulate(&model, &ev, grid, n_grid, &sopt, &prof, &err)))
        goto fail;
    double ss_ii = single ? NAN : maint->ii_h;
    if ((st = gs_summarize(&model, &ev, &prof, maint->dose_mg, ss_ii, reg.cmt, &sopt, &sum, &err)))
        goto fail;

    struct gs_run run = {drug, &pt, &model, &reg, &ev, &prof, &sum, notes};
    if (csv_open && gs_write_profile_csv(&run, csv.f) != GS_OK) {
        st = gs_error_set(&err, GS_IO, "--csv", "writing '%s' failed", csv.path);
        goto fail;
    }
    if (plot_open && (st = gs_plot_profile(&run, &plotf, &err)))
        goto fail;
    /* every output is complete: only now do they replace their destinations */
    if (csv_open) {
        csv_open = 0;
        if ((st = gs_outfile_commit(&csv, &err)))
            goto fail;
    }
    if (plot_open) {
        plot_open = 0;
        if ((st = gs_outfile_commit(&plotf, &err)))
            goto fail;
    }
    if (get(&a, "json")) {
        char *text = gs_run_json(&run);
        if (text == NULL) {
            st = gs_error_set(&err, GS_NOMEM, "--json", "out of memory writing JSON");
            goto fail;
        }
        printf("%s\n", text);
        gs_json_free(text);
    } else {
        gs_write_summary_text(&run, stdout);
    }
    gs_free(grid);
    gs_profile_release(&prof);
    gs_event_list_release(&ev);
    gs_drug_free(drug);
    return fflush(stdout) == 0 ? GS_EXIT_OK : GS_EXIT_FAIL;

fail:
    if (csv_open)
        gs_outfile_abort(&csv);
    if (plot_open)
        gs_outfile_abort(&plotf);
    gs_free(grid);
    gs_profile_release(&prof);
    gs_event_list_release(&ev);
    gs_drug_free(drug);
    return cli_fail(&err);
}
