/* cmd_drugs.c - `gabasim drugs [NAME]`: the drug library with parameters and sources. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gabasim/gabasim.h"
#include "gabasim/report_drug.h"

void help_drugs(FILE *f)
{
    fprintf(f,
            "usage: gabasim drugs            list the drug library\n"
            "       gabasim drugs NAME|FILE  show a drug's model, parameters, units and sources\n\n"
            "The library is %s/drugs (set GABASIM_DATA to use another).\n"
            "Model structures a drug file can name:\n",
            gs_datafile_dir());
    for (const struct gs_structure *const *s = gs_model_structure_all(); *s; s++) {
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
    gs_drug **drugs = gs_calloc(n ? n : 1, sizeof *drugs);
    if (drugs == NULL)
        gs_error_set(&err, GS_NOMEM, "drugs", "out of memory for %zu drugs", n);
    for (size_t i = 0; drugs && i < n; i++)
        if (gs_drug_load(&drugs[i], names[i], &err) != GS_OK) {
            fprintf(stderr, "gabasim: error: %s\n", err.msg); /* the others are still listed */
            rc = GS_EXIT_FAIL;
        }
    if (drugs == NULL ||
        gs_report_drug_list_text((const char *const *)names, (const gs_drug *const *)drugs, n,
                                 stdout, &err) != GS_OK)
        rc = cli_fail(&err);
    for (size_t i = 0; i < n; i++) {
        gs_drug_free(drugs ? drugs[i] : NULL);
        gs_free(names[i]);
    }
    gs_free(drugs);
    gs_free(names);
    return rc;
}

int cmd_drugs(int argc, char **argv)
{
    struct gs_error err = GS_ERROR_INIT;
    struct option t[] = {OPT_END()};
    const char *name = NULL;
    int n = 0;
    if (opt_parse(t, argc, argv, 1, &name, &n, &err) != GS_OK) {
        if (strncmp(err.msg, "unexpected argument", 19) == 0)
            gs_error_set(&err, GS_INPUT, "drugs", "'gabasim drugs' takes at most one drug name");
        return cli_fail(&err);
    }
    if (n == 0)
        return list_all();
    gs_drug *d = NULL;
    if (gs_drug_load(&d, name, &err) != GS_OK)
        return cli_fail(&err);
    gs_status st = gs_report_drug_text(d, stdout, &err);
    gs_drug_free(d);
    return st ? cli_fail(&err) : GS_EXIT_OK;
}
