/* shim_meta.c - `gabasim meta FILE` for Python: the command's option table (cmd_meta.c is
 * compiled in here), one gs_meta_analyse() call, its --json document. */
#define _POSIX_C_SOURCE 200809L
#include "cmd_meta.c"

#include "gspy.h"

static void meta_release(void *p)
{
    gs_meta_analysis_free(p);
}

int gspy_meta(int argc, char **argv, struct gspy_result **out, struct gs_error *err)
{
    struct gs_meta_request req = GS_META_REQUEST_INIT;
    struct meta_opts o = {.method = req.method == GS_META_DL, .level = req.level, .measure = -1};
    struct option t[] = META_OPTIONS(&o);
    struct gs_meta_analysis *m = NULL;
    const char *file = NULL;
    int n_file = 0;
    struct gspy_result *r = gspy_result_new(GSPY_META, meta_release);
    gs_status st;

    *out = NULL;
    if (r == NULL)
        return gs_error_set(err, GS_NOMEM, "meta", "out of memory");
    if ((st = opt_parse(t, argc, argv, 1, &file, &n_file, err)))
        goto done;
    if (n_file != 1) {
        st = gs_error_set(err, GS_INPUT, "FILE",
                          "give one study table: gabasim meta FILE.csv ('-': standard input)");
        goto done;
    }
    if (o.plot || o.funnel) {
        const char *opt = o.plot ? "--plot" : "--funnel";
        st = gs_error_set(err, GS_INPUT, opt,
                          "'%s' writes a file; from Python, use the returned document", opt);
        goto done;
    }
    req.method = o.method == 1 ? GS_META_DL : GS_META_REML;
    req.level = o.level;
    req.hk = o.hk;
    req.path = file;
    req.measure = meta_measure(&o);
    struct gs_meta_models_request models; /* --by, --mods, --egger, ... as on the command line */
    req.models = meta_models_request(&o.models, &models);
    if ((st = gs_meta_analyse(&req, &m, err)))
        goto done;
    r->owner = m;
    FILE *f = gspy_json_open(r, err);
    if (f == NULL) {
        st = GS_NOMEM;
        goto done;
    }
    st = gspy_json_close(r, f, gs_report_meta_json(m, f, err), err);
done:
    if (st) {
        if (r->owner == NULL)
            gs_meta_analysis_free(m);
        gspy_result_free(r);
        return st;
    }
    *out = r;
    return GS_OK;
}
