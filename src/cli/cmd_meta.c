/* cmd_meta.c - `gabasim meta FILE`: pools a study table (gabasim/studies.h) with the fixed-effect
 * and a random-effects model and prints both, with each study's weight. Options, one
 * gs_meta_analyse() call (gabasim/meta.h), then the output layer (gabasim/report_meta.h). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gabasim/meta.h"
#include "gabasim/report.h"
#include "gabasim/report_meta.h"
#include "gabasim/plot.h"
#include "meta_models_opts.h"

struct meta_opts {
    int method, hk, json;
    int measure; /* index into measures[], or -1: the table's own */
    double level;
    const char *plot, *funnel, *favours;
    struct meta_models_opts models;
};
static const char *const methods[] = {"reml", "dl", NULL}; /* GS_META_REML, GS_META_DL */
static const char *const measures[] = {"MD", "SMD", "ROM", "RR", "OR", "RD", NULL};
static const enum gs_meta_measure measure_ids[] = {GS_META_MD, GS_META_SMD, GS_META_ROM,
                                                   GS_META_RR, GS_META_OR,  GS_META_RD};

#define META_OPTIONS(o)                                                                            \
    {                                                                                              \
        OPT_CHOICE("method", "M", methods, &(o)->method,                                           \
                   "random-effects tau^2: reml (default) or dl (DerSimonian-Laird)"),              \
            OPT_CHOICE("measure", "MEASURE", measures, &(o)->measure,                              \
                       "MD, SMD, ROM (arm means) or RR, OR, RD (events)"),                         \
            OPT_FLAG("hk", &(o)->hk,                                                               \
                     "Hartung-Knapp: t-based CI and prediction interval (k >= 2)"),                \
            OPT_NUMBER_BETWEEN("level", "L", 0, 1, &(o)->level,                                    \
                               "level of the pooled intervals (default 0.95)"),                    \
            OPT_JSON(&(o)->json),                                                                  \
            OPT_STRING("plot", "FILE", &(o)->plot,                                                 \
                       "forest plot: FILE.svg or FILE.png ('-': SVG on standard output); over "    \
                       "1440 studies, pages FILE-1.svg ..."),                                      \
            OPT_STRING("favours", "LEFT,RIGHT", &(o)->favours,                                     \
                       "forest plot labels left and right of no effect (default 'favours "         \
                       "drug,favours placebo': lower favours arm 1), or none"),                    \
            OPT_STRING("funnel", "FILE", &(o)->funnel,                                             \
                       "funnel plot (effect against standard error): FILE.svg or FILE.png"),       \
            META_MODELS_OPTIONS(&(o)->models), OPT_END()                                           \
    }

void help_meta(FILE *f)
{
    fprintf(f, "usage: gabasim meta FILE.csv [--measure MD|SMD|ROM|RR|OR|RD] [--method reml|dl]\n"
               "                    [--hk] [--level 0.95] [--json] [--plot FOREST.svg]\n"
               "                    [--favours LEFT,RIGHT] [--funnel F.svg]\n"
               "                    [--by COL] [--mods A,B] [--egger] [--leave-one-out]\n"
               "                    [--influence] [--cumulative]\n\n"
               "Pools per-study results like a systematic review: fixed effect (inverse variance,\n"
               "and Mantel-Haenszel and Peto for event tables) and random effects (REML or\n"
               "DerSimonian-Laird tau^2, optional Hartung-Knapp), with\n"
               "Q, I^2, H^2, tau^2 and the prediction interval; R metafor's conventions (checked\n"
               "against it in the tests). The CSV header picks the layout (arm 1 = treatment)\n"
               "and the measures (--measure) it can give:\n"
               "  study,m1,sd1,n1,m2,sd2,n2   MD mean difference (default), SMD Hedges' g, ROM\n"
               "                              ratio of means (both means above 0)\n"
               "  study,a1,n1,a2,n2           RR risk ratio (default), OR odds ratio, RD risk\n"
               "                              difference; Mantel-Haenszel too, Peto for OR. A\n"
               "                              zero cell gets 1/2 in every cell; RR, OR: no events\n"
               "                              in both arms: dropped, said\n"
               "  study,yi,sei                an effect and its standard error, as given\n"
               "Ratios are pooled on the log scale and shown as ratios.\n\n"
               "options:\n");
    struct meta_opts o;
    struct option t[] = META_OPTIONS(&o);
    opt_print_help(f, t);
    meta_models_help(f);
    fprintf(f, "\nexamples (13 BCG vaccine trials, Colditz 1994):\n"
               "  gabasim meta examples/bcg-colditz1994.csv --plot forest.svg --funnel "
               "funnel.svg\n"
               "  gabasim meta examples/bcg-colditz1994.csv --measure OR\n");
}

/* The request's measure from the options (also for bindings that compile this file in). */
static enum gs_meta_measure meta_measure(const struct meta_opts *o)
{
    return o->measure < 0 ? GS_META_MEASURE_AUTO : measure_ids[o->measure];
}

/* --favours: "LEFT,RIGHT" split at its first comma into buf, or "none" (no labels). */
static gs_status favours(const char *text, char *buf, size_t cap, const char **left,
                         const char **right, struct gs_error *err)
{
    *left = GS_REPORT_META_FAVOURS_LEFT, *right = GS_REPORT_META_FAVOURS_RIGHT;
    if (text == NULL)
        return GS_OK;
    *left = *right = NULL;
    if (strcmp(text, "none") == 0)
        return GS_OK;
    const char *comma = strchr(text, ',');
    if (comma == NULL || comma == text || comma[1] == '\0' || strlen(text) >= cap)
        return gs_error_set(err, GS_INPUT, "--favours",
                            "'--favours' is '%s'; give two labels 'LEFT,RIGHT' (e.g. 'favours "
                            "drug,favours placebo') or none",
                            text);
    snprintf(buf, cap, "%s", text);
    buf[comma - text] = '\0';
    *left = buf, *right = buf + (comma - text) + 1;
    return GS_OK;
}

/* The forest plot (one page, or pages FILE-1.svg ...) and the funnel plot, committed together:
 * all are written or none. The pages of a paged forest plot are listed on stderr. */
static gs_status plots(const struct gs_meta_analysis *m, const struct meta_opts *o,
                       const char *left, const char *right, struct gs_error *err)
{
    struct gs_plot_pages pages = GS_PLOT_PAGES_INIT;
    struct gs_outfile fun, *funp = NULL;
    gs_status st = GS_OK;
    if (o->plot)
        st = gs_report_meta_forest_paged(m, left, right, o->plot, &pages, err);
    if (!st && o->funnel && !(st = gs_outfile_open(&fun, o->funnel, "--funnel", err)))
        funp = &fun;
    if (!st && funp)
        st = gs_report_meta_funnel(m, funp, err);
    struct gs_outfile **all = st ? NULL : malloc((pages.n + 1) * sizeof *all);
    if (!st && all == NULL)
        st = gs_error_set(err, GS_NOMEM, "--plot", "out of memory");
    if (!st) {
        for (size_t i = 0; i < pages.n; i++)
            all[i] = &pages.page[i];
        all[pages.n] = funp;
        st = gs_outfile_commit_group(all, pages.n + 1, err);
    }
    if (!st && pages.n > 1) {
        fprintf(stderr, "gabasim: note: the forest plot of %zu studies is on %zu pages:", m->k,
                pages.n);
        for (size_t i = 0; i < pages.n; i++)
            fprintf(stderr, " %s", pages.page[i].path);
        fputc('\n', stderr);
    }
    free(all);
    if (st && funp)
        gs_outfile_abort(funp);
    if (st)
        gs_plot_pages_abort(&pages);
    else
        gs_plot_pages_release(&pages);
    return st;
}

int cmd_meta(int argc, char **argv)
{
    struct gs_error err = GS_ERROR_INIT;
    struct gs_meta_request req = GS_META_REQUEST_INIT;
    struct meta_opts o = {.method = req.method == GS_META_DL, .level = req.level, .measure = -1};
    struct option t[] = META_OPTIONS(&o);
    struct gs_meta_analysis *m = NULL;
    const char *file = NULL;
    int n_file = 0;
    gs_status st = opt_parse(t, argc, argv, 1, &file, &n_file, &err);
    if (st != GS_OK)
        goto done;
    if (n_file != 1) {
        st = gs_error_set(&err, GS_INPUT, "FILE",
                          "give one study table: gabasim meta FILE.csv ('-': standard input)");
        goto done;
    }
    req.method = o.method == 1 ? GS_META_DL : GS_META_REML;
    req.level = o.level;
    req.hk = o.hk;
    req.path = file;
    req.measure = meta_measure(&o);
    struct gs_meta_models_request models;
    req.models = meta_models_request(&o.models, &models);
    const char *paths[2] = {o.plot, o.funnel}, *fields[2] = {"--plot", "--funnel"};
    const char *left, *right;
    char fav[512];
    int to_stdout = 0;
    if ((st = cli_check_outputs(paths, fields, 2, o.json, &to_stdout, &err)) ||
        (st = cli_check_not_input(paths, fields, 2, &file, (const char *[]){"FILE"}, 1, &err)) ||
        (o.plot && (st = gs_plot_check_path(o.plot, "--plot", &err))) ||
        (o.funnel && (st = gs_plot_check_path(o.funnel, "--funnel", &err))) ||
        (st = favours(o.favours, fav, sizeof fav, &left, &right, &err)) ||
        (st = gs_meta_analyse(&req, &m, &err)) ||
        ((o.plot || o.funnel) && (st = plots(m, &o, left, right, &err))))
        goto done;
    if (!to_stdout)
        st = o.json ? gs_report_meta_json(m, stdout, &err) : gs_report_meta_text(m, stdout, &err);
    if (st == GS_OK)
        st = cli_flush_stdout(&err);
done:
    gs_meta_analysis_free(m);
    return st == GS_OK ? GS_EXIT_OK : cli_fail(&err);
}
