/* cmd_drugs.c - `gabasim drugs [NAME]`: the drug library with parameters and sources. */
#include <math.h>
#include <string.h>

#include "cli.h"
#include "gabasim/dosing.h"
#include "gabasim/gabasim.h"

void help_drugs(FILE *f)
{
    fprintf(f,
            "usage: gabasim drugs            list the drug library\n"
            "       gabasim drugs NAME|FILE  show a drug's model, parameters, units and sources\n\n"
            "The library is %s/drugs (set GABASIM_DATA_DIR to use another).\n"
            "Model structures a drug file can name:\n",
            gs_data_dir());
    for (const struct gs_structure *const *s = gs_structure_all(); *s; s++) {
        fprintf(f, "  %s: %s\n", (*s)->name, (*s)->summary);
        for (size_t i = 0; i < (*s)->n_params; i++)
            fprintf(f, "      %-5s %-9s %s%s\n", (*s)->params[i].name, (*s)->params[i].unit,
                    (*s)->params[i].meaning, (*s)->params[i].required ? "" : " (optional)");
    }
}

static int list_all(void)
{
    struct gs_error err = GS_ERROR_INIT;
    char **names = NULL;
    size_t n = 0;
    if (gs_drug_list(&names, &n, &err) != GS_OK)
        return cli_fail(&err);
    int rc = GS_EXIT_OK;
    printf("%-14s %-26s %s\n", "drug", "model structure", "title");
    for (size_t i = 0; i < n; i++) {
        gs_drug *d = NULL;
        if (gs_drug_load(&d, names[i], &err) == GS_OK)
            printf("%-14s %-26s %s\n", names[i], gs_drug_structure(d)->name, gs_drug_title(d));
        else {
            fprintf(stderr, "gabasim: error: %s\n", err.msg);
            rc = GS_EXIT_FAIL;
        }
        gs_drug_free(d);
        gs_free(names[i]);
    }
    gs_free(names);
    printf("\n'gabasim drugs NAME' shows parameters with their sources.\n");
    return rc;
}

static void show(const gs_drug *d)
{
    printf("%s - %s\nfile: %s\n", gs_drug_name(d), gs_drug_title(d), gs_drug_origin(d));
    if (*gs_drug_summary(d))
        printf("%s\n", gs_drug_summary(d));
    const struct gs_structure *s = gs_drug_structure(d);
    printf("\nmodel structure: %s\n  %s\n\nparameters (typical values at the reference "
           "covariates):\n",
           s->name, s->summary);
    for (size_t i = 0; i < gs_drug_param_count(d); i++) {
        struct gs_drug_param_info p;
        gs_drug_param_info(d, i, &p);
        printf("  %-5s = %-10.6g %-8s %s\n", p.name, p.value, p.unit, p.meaning);
        printf("          source: %s\n", p.source);
        if (*p.effects)
            printf("          covariates: %s\n", p.effects);
        if (!isnan(p.omega_sd))
            printf("          between-subject SD (log scale): %g  [%s]\n", p.omega_sd,
                   p.omega_source);
    }
    if (!isnan(gs_drug_anuric_cl(d)))
        printf("\nanuric (haemodialysis) clearance: %g L/h\n  source: %s\n", gs_drug_anuric_cl(d),
               gs_drug_anuric_cl_source(d));
    printf("\nsimulation dose ceiling: %g mg per dose\n  %s\n", gs_drug_max_dose_mg(d),
           gs_drug_max_dose_source(d));
    const struct gs_dosing *r = gs_drug_dosing(d);
    if (r) {
        printf("\nrenal dosing (%s):\n", r->renal_source);
        for (size_t i = r->n_bands; i-- > 0;) {
            const struct gs_renal_band *b = &r->band[i];
            char range[48];
            if (isinf(b->crcl_max))
                snprintf(range, sizeof range, "CrCl >= %g", b->crcl_min);
            else
                snprintf(range, sizeof range, "%g <= CrCl < %g", b->crcl_min, b->crcl_max);
            printf("  %-18s %g-%g mg/day in", range, b->daily_min_mg, b->daily_max_mg);
            for (size_t k = 0; k < b->n_per_day; k++)
                printf("%s %d", k ? " or" : "", b->per_day[k]);
            printf(" dose(s) a day%s\n", b->scale_below_crcl > 0 ? "; scaled by CrCl below" : "");
        }
        printf("  band edges: %s\n", r->edge_rule);
        if (r->n_hd) {
            printf("  after each 4-h haemodialysis:");
            for (size_t k = 0; k < r->n_hd; k++)
                printf(k ? ", %g" : " %g", r->hd_supplement_mg[k][0]);
            printf(" mg by column  [%s]\n", r->hd_source);
        }
        printf("  maximum %g mg/day  [%s]\n", r->max_daily_mg, r->max_daily_source);
        if (r->max_interval_h > 0)
            printf("  at most %g h between doses  [%s]\n", r->max_interval_h,
                   r->max_interval_source);
        if (r->taper_min_days > 0)
            printf("  taper over at least %g days  [%s]\n", r->taper_min_days, r->taper_source);
    }
    if (gs_drug_titration_count(d)) {
        printf("\ntitration schedules (--titrate NAME):\n");
        for (size_t i = 0; i < gs_drug_titration_count(d); i++) {
            const char *name, *sched, *src;
            gs_drug_titration(d, i, &name, &sched, &src);
            printf("  %-8s %s\n           source: %s\n", name, sched, src);
        }
    }
    if (gs_drug_assumption_count(d)) {
        printf("\nassumptions:\n");
        for (size_t i = 0; i < gs_drug_assumption_count(d); i++)
            printf("  - %s\n", gs_drug_assumption(d, i));
    }
    if (gs_drug_calibration_json(d))
        printf("\ncalibration record:\n%s\n", gs_drug_calibration_json(d));
}

int cmd_drugs(int argc, char **argv)
{
    struct gs_error err = GS_ERROR_INIT;
    if (argc == 0)
        return list_all();
    if (argc > 1 || argv[0][0] == '-') {
        gs_error_set(&err, GS_INPUT, "drugs", "'gabasim drugs' takes at most one drug name");
        return cli_fail(&err);
    }
    gs_drug *d = NULL;
    if (gs_drug_load(&d, argv[0], &err) != GS_OK)
        return cli_fail(&err);
    show(d);
    gs_drug_free(d);
    return GS_EXIT_OK;
}
