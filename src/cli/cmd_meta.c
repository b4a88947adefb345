/* cmd_meta.c - `gabasim meta FILE`: pools a study table (gabasim/studies.h) with the fixed-effect
 * and a random-effects model and prints both, with each study's weight. Options, one
 * gs_meta_analyse() call (gabasim/meta.h), then the output layer (gabasim/report_meta.h). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gabasim/meta.h"
#include "gabasim/report.h"
#include "gabasim/report_meta.h"

static const struct cli_opt opts[] = {
    {"method", "M", CLI_VALUE, 0, "random-effects tau^2: reml (default) or dl (DerSimonian-Laird)"},
    {"hk", NULL, CLI_FLAG, 0, "Hartung-Knapp: t-based CI and prediction interval (k >= 2)"},
    {"level", "L", CLI_VALUE, 0, "level of the pooled intervals, in (0, 1) (default 0.95)"},
    {"json", NULL, CLI_FLAG, 0, "print JSON instead of text"},
    {"plot", "FILE", CLI_VALUE, 0, "forest plot: FILE.svg or FILE.png"},
};
#define N_OPTS (sizeof opts / sizeof opts[0])

void help_meta(FILE *f)
{
    fprintf(f,
            "usage: gabasim meta FILE.csv [--method reml|dl] [--hk] [--level 0.95] [--json]\n"
            "                    [--plot FOREST.svg]\n\n"
            "Pools per-study results like a systematic review: fixed effect (inverse variance,\n"
            "and Mantel-Haenszel for event tables) and random effects (REML or\n"
            "DerSimonian-Laird tau^2, optional Hartung-Knapp), with\n"
            "Q, I^2, H^2, tau^2 and the prediction interval; R metafor's conventions (checked\n"
            "against it in the tests). The CSV header picks the layout (arm 1 = treatment):\n"
            "  study,m1,sd1,n1,m2,sd2,n2   mean difference\n"
            "  study,a1,n1,a2,n2           risk ratio (pooled on the log scale; a zero cell gets\n"
            "                              1/2 in every cell; no events in both arms: dropped, "
            "said)\n"
            "  study,yi,sei                an effect and its standard error, as given\n\n"
            "options:\n");
    cli_print_options(f, opts, N_OPTS);
    fprintf(f, "\nexample (13 BCG vaccine trials, Colditz 1994):\n"
               "  gabasim meta examples/bcg-colditz1994.csv --plot forest.svg\n");
}

int cmd_meta(int argc, char **argv)
{
    struct gs_error err = GS_ERROR_INIT;
    struct cli_args a;
    struct gs_meta_analysis *m = NULL;
    gs_status st = cli_parse(opts, N_OPTS, 1, argc, argv, &a, &err);
    if (st != GS_OK)
        goto done;
    if (a.n_positional != 1) {
        st = gs_error_set(&err, GS_INPUT, "FILE", "give one study table: gabasim meta FILE.csv");
        goto done;
    }
    struct gs_meta_request req = GS_META_REQUEST_INIT;
    const char *mv = cli_get(opts, N_OPTS, &a, "method"), *lv = cli_get(opts, N_OPTS, &a, "level");
    if (mv && strcmp(mv, "dl") == 0)
        req.method = GS_META_DL;
    else if (mv && strcmp(mv, "reml") != 0) {
        st = gs_error_set(&err, GS_INPUT, "--method", "'--method' is '%s'; allowed: reml, dl", mv);
        goto done;
    }
    if (lv) {
        char *end;
        req.level = strtod(lv, &end);
        if (*lv == '\0' || *end != '\0' || !(req.level > 0 && req.level < 1)) {
            st =
                gs_error_set(&err, GS_INPUT, "--level",
                             "'--level' is '%s'; allowed: a number between 0 and 1, e.g. 0.95", lv);
            goto done;
        }
    }
    req.hk = cli_get(opts, N_OPTS, &a, "hk") != NULL;
    const char *plot = cli_get(opts, N_OPTS, &a, "plot");
    if (plot && (st = gs_plot_check_path(plot, "--plot", &err)))
        goto done;
    req.path = a.positional[0];
    if ((st = gs_meta_analyse(&req, &m, &err)))
        goto done;
    if (plot) {
        struct gs_outfile o;
        if ((st = gs_outfile_open(&o, plot, "--plot", &err)))
            goto done;
        if ((st = gs_report_meta_plot(m, &o, &err)) == GS_OK)
            st = gs_outfile_commit(&o, &err);
        else
            gs_outfile_abort(&o);
        if (st)
            goto done;
    }
    st = cli_get(opts, N_OPTS, &a, "json") ? gs_report_meta_json(m, stdout, &err)
                                           : gs_report_meta_text(m, stdout, &err);
    if (st == GS_OK && fflush(stdout) != 0)
        st = gs_error_set(&err, GS_IO, "output", "writing standard output failed");
done:
    gs_meta_analysis_free(m);
    return st == GS_OK ? GS_EXIT_OK : cli_fail(&err);
}
