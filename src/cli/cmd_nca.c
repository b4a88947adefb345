/* cmd_nca.c - `gabasim nca FILE`: non-compartmental analysis of measured concentrations, with the
 * bioequivalence of a 2x2 crossover. Options, one gs_nca_run() call (gabasim/nca.h), then the
 * writers of the same header. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gabasim/nca.h"
#include "gabasim/outfile.h"

struct nca_opts {
    int method, format;
    const char *blq, *reference, *out, *summary_csv;
    double lloq, tau_h, factor;
    long min_points, threads;
    struct opt_list auc;
};
static const char *const methods[] = {"linup-logdown", "linear", NULL};
static const char *const formats[] = {"text", "csv", "json", NULL};

#define NCA_OPTIONS(o)                                                                             \
    {                                                                                              \
        OPT_CHOICE("method", "M", methods, &(o)->method,                                           \
                   "trapezoids: linup-logdown (default; log-linear while falling) or linear"),     \
            OPT_LIST("auc", "A-B", &(o)->auc,                                                      \
                     "a partial AUC from A to B h after the dose: 0-24, 12-infinity (up to 8)"),   \
            OPT_QUANTITY_ABOVE("tau", "TIME", GS_DIM_TIME, 0, 1e6, &(o)->tau_h,                    \
                               "steady state: the dosing interval (AUCtau, Cmin, Cavg, CLss/F, "   \
                               "fluctuation, accumulation)"),                                      \
            OPT_NUMBER("lloq", "C", 0, 1e300, &(o)->lloq,                                          \
                       "limit of quantification, in the file's concentration unit (values below "  \
                       "it are BLQ; 0 always is)"),                                                \
            OPT_STRING("blq", "RULES", &(o)->blq,                                                  \
                       "BLQ by position: first=zero,middle=drop,last=zero (PKNCA's default); "     \
                       "each zero or drop"),                                                       \
            OPT_COUNT("min-points", "N", 2, 1000, &(o)->min_points,                                \
                      "least points in the lambda_z regression (default 3)"),                      \
            OPT_NUMBER("adj-r2-factor", "X", 0, 0.5, &(o)->factor,                                 \
                       "tolerance on the adjusted r^2 that prefers more points (default 1e-4)"),   \
            OPT_STRING("reference", "NAME", &(o)->reference,                                       \
                       "crossover: the reference treatment (default R)"),                          \
            OPT_CHOICE("format", "F", formats, &(o)->format,                                       \
                       "text (default), csv (one row per profile) or json"),                       \
            OPT_STRING("out", "FILE", &(o)->out, "write the results there (default stdout)"),      \
            OPT_STRING(                                                                            \
                "summary-csv", "FILE", &(o)->summary_csv,                                          \
                "the summary statistics as CSV (group, parameter, n, gmean, gcv_pct, ...)"),       \
            OPT_THREADS(&(o)->threads), OPT_END()                                                  \
    }

void help_nca(FILE *f)
{
    fprintf(f,
            "usage: gabasim nca FILE.csv [--method linup-logdown|linear] [--auc A-B]... [--tau T]\n"
            "                   [--lloq C] [--blq RULES] [--reference R] [--format text|csv|json]\n"
            "                   [--out FILE] [--summary-csv FILE]\n\n"
            "Non-compartmental analysis of each profile (subject, or subject and period): Cmax,\n"
            "Tmax, Clast, Tlast, AUClast, lambda_z (best adjusted r^2 over >= 3 points after\n"
            "Tmax, PKNCA's rule), half-life, AUCinf observed and predicted, %% extrapolated,\n"
            "CL/F, Vz/F, partial AUCs and, with --tau, steady-state parameters; a summary of each\n"
            "(n, geometric mean and CV, median, range) and, for a 2x2 crossover, the 90 %% CI of\n"
            "the geometric mean ratio test/reference of AUClast, AUCinf and Cmax with the\n"
            "80-125 %% verdict. The CSV is NONMEM-style (ID, TIME, DV, AMT, EVID, MDV: times\n"
            "from each profile's last dose record) or long (ID, TIME, CONC, DOSE); optional BLQ\n"
            "(1: below the limit), and SEQUENCE, PERIOD (1, 2), TREATMENT for a crossover.\n"
            "Rules and sources: docs/nca.md.\n\noptions:\n");
    struct nca_opts o;
    struct option t[] = NCA_OPTIONS(&o);
    opt_print_help(f, t);
    fprintf(f, "\nexamples (R's Theoph data, 12 subjects):\n"
               "  gabasim nca examples/theoph.csv --auc 0-24\n"
               "  gabasim nca examples/theoph.csv --format csv --out theoph-nca.csv\n"
               "  gabasim nca examples/be-2x2.csv --reference R\n");
}

/* --blq first=zero,middle=drop,last=zero (any subset, any order) */
static gs_status parse_blq(const char *s, struct gs_nca_options *no, struct gs_error *err)
{
    const char *keys[3] = {"first=", "middle=", "last="};
    enum gs_nca_blq_action *dst[3] = {&no->blq_first, &no->blq_middle, &no->blq_last};
    while (s && *s) {
        size_t len = strcspn(s, ",");
        int ok = 0;
        for (int k = 0; k < 3 && !ok; k++) {
            size_t kl = strlen(keys[k]);
            if (len > kl && strncmp(s, keys[k], kl) == 0) {
                const char *v = s + kl;
                size_t vl = len - kl;
                if (vl == 4 && strncmp(v, "zero", 4) == 0)
                    *dst[k] = GS_NCA_BLQ_ZERO, ok = 1;
                else if (vl == 4 && strncmp(v, "drop", 4) == 0)
                    *dst[k] = GS_NCA_BLQ_DROP, ok = 1;
            }
        }
        if (!ok)
            return gs_error_set(err, GS_INPUT, "--blq",
                                "'--blq' has '%.*s'; allowed first=, middle= or last= followed by "
                                "zero or drop, comma-separated",
                                (int)(len > 60 ? 60 : len), s);
        s += len + (s[len] == ',');
    }
    return GS_OK;
}

/* --auc A-B, hours after the dose; B may be inf */
static gs_status parse_auc(const struct opt_list *l, struct gs_nca_options *no,
                           struct gs_error *err)
{
    if (l->n > GS_NCA_MAX_INTERVALS)
        return gs_error_set(err, GS_INPUT, "--auc", "'--auc' given %d times; allowed at most %d",
                            l->n, GS_NCA_MAX_INTERVALS);
    for (int k = 0; k < l->n; k++) {
        const char *s = l->v[k];
        char *end = NULL;
        double a = strtod(s, &end), b = NAN;
        if (end != s && *end == '-') {
            const char *q = end + 1;
            if (strcmp(q, "infinity") == 0 || strcmp(q, "inf") == 0)
                b = INFINITY, end = (char *)q + strlen(q);
            else
                b = strtod(q, &end);
        }
        if (end == s || *end != '\0' || !(isfinite(a) && a >= 0 && b > a))
            return gs_error_set(err, GS_INPUT, "--auc",
                                "'--auc' is '%s'; allowed A-B in hours with 0 <= A < B (B may be "
                                "infinity): 0-24, 12-infinity",
                                s);
        no->interval_start_h[k] = a, no->interval_end_h[k] = b;
    }
    no->n_intervals = (size_t)l->n;
    return GS_OK;
}

/* The results (--out, else standard output) and --summary-csv, committed together: neither file
 * is left without the other. */
static gs_status write_outputs(const gs_nca_analysis *a, const struct nca_opts *o, int to_stdout,
                               struct gs_error *err)
{
    struct gs_outfile f[2];
    struct gs_outfile *all[2] = {NULL, NULL};
    gs_status st = GS_OK;
    if (o->out && !(st = gs_outfile_open(&f[0], o->out, "--out", err)))
        all[0] = &f[0];
    if (!st && o->summary_csv &&
        !(st = gs_outfile_open(&f[1], o->summary_csv, "--summary-csv", err)))
        all[1] = &f[1];
    FILE *main_f = all[0] ? f[0].f : to_stdout ? NULL : stdout;
    if (!st && main_f)
        st = o->format == 1   ? gs_nca_write_csv(a, main_f, err)
             : o->format == 2 ? gs_nca_write_json(a, main_f, err)
                              : gs_nca_write_text(a, main_f, err);
    if (!st && all[1])
        st = gs_nca_write_summary_csv(a, f[1].f, err);
    if (!st)
        return gs_outfile_commit_all(all, 2, err);
    for (int i = 0; i < 2; i++)
        if (all[i])
            gs_outfile_abort(all[i]);
    return st;
}

int cmd_nca(int argc, char **argv)
{
    struct gs_error err = GS_ERROR_INIT;
    struct gs_nca_request req = GS_NCA_REQUEST_INIT;
    struct nca_opts o = {.lloq = req.options.lloq,
                         .tau_h = NAN,
                         .factor = req.options.adj_r2_factor,
                         .min_points = req.options.min_points};
    struct option t[] = NCA_OPTIONS(&o);
    gs_nca_analysis *a = NULL;
    const char *file = NULL;
    int n_file = 0, to_stdout = 0;
    gs_status st = opt_parse(t, argc, argv, 1, &file, &n_file, &err);
    if (st != GS_OK)
        goto done;
    if (n_file != 1) {
        st = gs_error_set(&err, GS_INPUT, "FILE",
                          "give one concentration file: gabasim nca FILE.csv ('-': standard "
                          "input)");
        goto done;
    }
    req.path = file;
    req.options.method = o.method == 1 ? GS_NCA_LINEAR : GS_NCA_LINUP_LOGDOWN;
    req.options.lloq = o.lloq;
    req.options.tau_h = isnan(o.tau_h) ? 0.0 : o.tau_h;
    req.options.min_points = (int)o.min_points;
    req.options.adj_r2_factor = o.factor;
    req.reference = o.reference;
    req.threads = (int)o.threads;
    const char *outs[2] = {o.out, o.summary_csv}, *fields[2] = {"--out", "--summary-csv"};
    if ((st = parse_blq(o.blq, &req.options, &err)) ||
        (st = parse_auc(&o.auc, &req.options, &err)) ||
        (st = cli_check_outputs(outs, fields, 2, 0, &to_stdout, &err)) ||
        (st = cli_check_not_input(outs, fields, 2, &file, (const char *[]){"FILE"}, 1, &err)) ||
        (st = gs_nca_run(&req, &a, &err)))
        goto done;
    st = write_outputs(a, &o, to_stdout, &err);
    if (st == GS_OK)
        st = cli_flush_stdout(&err);
done:
    gs_nca_analysis_free(a);
    return st == GS_OK ? GS_EXIT_OK : cli_fail(&err);
}
