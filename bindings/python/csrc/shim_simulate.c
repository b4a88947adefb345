/* shim_simulate.c - `gabasim simulate` for Python: the command's option table (cmd_simulate.c is
 * compiled in here) and the same calls as cmd_simulate(), the profile kept for the arrays. */
#define _POSIX_C_SOURCE 200809L
#include "cmd_simulate.c"

#include <stdlib.h>

#include "gspy.h"

struct sim_owner {
    struct gs_profile prof;
    double *grid;
};

static void sim_release(void *p)
{
    struct sim_owner *o = p;
    gs_simulate_profile_release(&o->prof);
    gs_free(o->grid);
    free(o);
}

int gspy_simulate(int argc, char **argv, struct gspy_result **out, struct gs_error *err)
{
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
    struct gs_summary sum;
    struct gs_sim_options sopt = GS_SIM_OPTIONS_DEFAULT;
    size_t n_grid = 0;
    char notes[2048] = "";
    struct sim_owner *own = calloc(1, sizeof *own);
    struct gspy_result *r = gspy_result_new(GSPY_SIMULATE, sim_release);
    char *text = NULL;
    gs_status st;

    *out = NULL;
    if (own == NULL || r == NULL) {
        free(own);
        gspy_result_free(r);
        return gs_error_set(err, GS_NOMEM, "simulate", "out of memory");
    }
    own->prof = (struct gs_profile)GS_PROFILE_INIT;
    r->owner = own;
    if ((st = opt_parse(t, argc, argv, 0, NULL, NULL, err)))
        goto done;
    if (o.csv || o.plot) {
        const char *name = o.csv ? "--csv" : "--plot";
        st = gs_error_set(err, GS_INPUT, name,
                          "'%s' writes a file; from Python, use the returned arrays", name);
        goto done;
    }
    if (o.drug == NULL) {
        st = gs_error_set(err, GS_INPUT, "--drug", "missing '--drug' (see 'gabasim drugs')");
        goto done;
    }
    cli_solver(&o.solver, &sopt);
    if ((st = o.model ? gs_drug_load_with_model(&drug, &mf, o.drug, o.model, err)
                      : gs_drug_load(&drug, o.drug, err)) ||
        (st = cli_patient(&o.patient, &pt, err)) ||
        (st = cli_regimen(&o.regimen, drug, &reg, err)) ||
        (st = gs_drug_individual_model(drug, &pt, &model, notes, sizeof notes, err)) ||
        (st = gs_dialysis_apply(drug, &pt, &reg, notes, sizeof notes, err)))
        goto done;
    if (pt.crcl_source == GS_CRCL_DEFAULT) {
        size_t k = strlen(notes);
        snprintf(notes + k, sizeof notes - k,
                 "no kidney function given: CrCl 100 mL/min (a typical adult) assumed\n");
    }
    int single = cli_regimen_single(&o.regimen);
    if ((st = gs_regimen_expand(&reg, &ev, err)) ||
        (st = cli_grid(&o.grid, &reg, single, &own->grid, &n_grid, err)))
        goto done;
    const struct gs_regimen_step *maint = gs_regimen_maintenance(&reg);
    if ((st = gs_simulate(&model, &ev, own->grid, n_grid, &sopt, &own->prof, err)) ||
        (st = gs_summarize_hd(&(struct gs_summary_request){.model = &model,
                                                           .events = &ev,
                                                           .profile = &own->prof,
                                                           .ss_dose_mg = maint->dose_mg,
                                                           .ss_ii_h = single ? NAN : maint->ii_h,
                                                           .cmt = reg.cmt,
                                                           .sim = &sopt},
                              &reg.hd, &sum, err)))
        goto done;
    struct gs_label_check check;
    if ((st = gs_label_check_regimen(drug, &pt, &reg, single, &check, err)))
        goto done;
    gs_label_check_levels(drug, single ? NAN : sum.ss_cmin_mg_l,
                          single ? sum.span_cmax_mg_l : sum.ss_cmax_mg_l, &check);
    struct gs_run run = {drug, &pt, &model, &reg, &ev, &own->prof, &sum, notes, &check};
    if ((text = gs_report_run_json(&run)) == NULL || (r->json = strdup(text)) == NULL) {
        st = gs_error_set(err, GS_NOMEM, "--json", "out of memory writing JSON");
        goto done;
    }
    r->json_len = strlen(r->json);
    /* the columns of --csv, pointing into the profile (states are rows of GS_N_STATES) */
    const struct gs_profile *p = &own->prof;
    r->n_rows = p->n;
    gspy_add_col(r, "time_h", p->t_h, 1);
    gspy_add_col(r, "conc_mg_L", p->conc_mg_l, 1);
    gspy_add_col(r, "amt_depot_mg", p->y + GS_Y_DEPOT, GS_N_STATES);
    gspy_add_col(r, "amt_central_mg", p->y + GS_Y_CENTRAL, GS_N_STATES);
    gspy_add_col(r, "unabsorbed_mg", p->y + GS_Y_UNABSORBED, GS_N_STATES);
    gspy_add_col(r, "eliminated_mg", p->y + GS_Y_ELIMINATED, GS_N_STATES);
    gspy_add_col(r, "auc_mg_h_L", p->y + GS_Y_AUC, GS_N_STATES);
done:
    gs_report_json_free(text);
    gs_event_list_release(&ev);
    gs_drug_free(drug);
    gs_model_file_free(mf);
    if (st) {
        gspy_result_free(r);
        return st;
    }
    *out = r;
    return GS_OK;
}
