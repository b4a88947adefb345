/* trial_simulate.c - the whole `gabasim trial` computation as one call: load the specification,
 * prepare the trial, then one trial or many replicates with an optional power curve. */
#include <math.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "trial_int.h"

void gs_trial_simulation_free(struct gs_trial_simulation *s)
{
    if (s == NULL)
        return;
    gs_trial_result_release(&s->one);
    gs_trial_reps_release(&s->reps);
    for (size_t k = 0; s->grid && k < s->n_grid; k++)
        gs_trial_reps_release(&s->grid[k]);
    gs_free(s->grid);
    gs_trial_free(s->trial);
    gs_free(s);
}

static gs_status check_request(const struct gs_trial_request *req, struct gs_error *err)
{
    if (req->spec == NULL && req->spec_path == NULL)
        return gs_error_set(err, GS_INPUT, "spec_path",
                            "'spec_path' is not set; give a specification file or a parsed "
                            "specification");
    if (req->replicates < 0 || req->replicates > GS_TRIAL_MAX_REPS)
        return gs_error_set(err, GS_INPUT, "replicates", "'replicates' is %ld; allowed 0 to %ld",
                            req->replicates, GS_TRIAL_MAX_REPS);
    if (req->threads < 0 || req->threads > 256)
        return gs_error_set(err, GS_INPUT, "threads", "'threads' is %d; allowed 0 to 256",
                            req->threads);
    if (req->n_grid_len > GS_TRIAL_MAX_GRID || (req->n_grid_len && req->n_grid == NULL))
        return gs_error_set(err, GS_INPUT, "n_grid", "'n_grid' has %zu values; allowed up to %d",
                            req->n_grid_len, GS_TRIAL_MAX_GRID);
    for (size_t k = 0; k < req->n_grid_len; k++)
        if (req->n_grid[k] < 2 || req->n_grid[k] > GS_TRIAL_MAX_ARM_N)
            return gs_error_set(err, GS_INPUT, "n_grid",
                                "'n_grid' value %ld is not allowed; N per arm must be a whole "
                                "number from 2 to %d",
                                req->n_grid[k], GS_TRIAL_MAX_ARM_N);
    if (!isnan(req->observed) &&
        !(req->observed >= -10.0 && req->observed <= 10.0 && req->observed != 0.0))
        return gs_error_set(err, GS_INPUT, "observed",
                            "'observed' is %g; allowed a non-zero difference in pain from -10 "
                            "to 10",
                            req->observed);
    if (req->replicates == 0 && (req->n_grid_len || !isnan(req->observed)))
        return gs_error_set(err, GS_INPUT, req->n_grid_len ? "n_grid" : "observed",
                            "'%s' needs replicates (it summarises many simulated trials)",
                            req->n_grid_len ? "n_grid" : "observed");
    return GS_OK;
}

gs_status gs_trial_simulate(const struct gs_trial_request *req, struct gs_trial_simulation **out,
                            struct gs_error *err)
{
    *out = NULL;
    gs_status st = check_request(req, err);
    if (st != GS_OK)
        return st;
    struct gs_trial_spec spec;
    if (req->spec != NULL) {
        spec = *req->spec;
    } else if ((st = gs_trial_spec_load(&spec, req->spec_path, err)) != GS_OK) {
        if (st == GS_NOTFOUND) /* the file the request names is not there: bad input */
            err->code = st = GS_INPUT;
        return st;
    }
    if (req->override_seed)
        spec.seed = req->seed;

    struct gs_trial_simulation *s = gs_calloc(1, sizeof *s);
    if (s == NULL)
        return gs_error_set(err, GS_NOMEM, "trial", "out of memory");
    s->replicates = req->replicates;
    s->observed = req->observed;
    s->share_as_extreme = NAN;
    if ((st = gs_trial_create(&s->trial, &spec, err)))
        goto fail;
    if (req->replicates == 0) {
        if ((st = gs_trial_run(s->trial, 0, 0, &s->one, err)))
            goto fail;
        *out = s;
        return GS_OK;
    }
    struct gs__trial_progress progress = {req->on_progress, req->progress_ctx, 0, 0};
    struct gs__trial_progress *pr = req->on_progress ? &progress : NULL;
    progress.total = req->replicates * gs__trial_rep_size(s->trial, 0);
    for (size_t k = 0; k < req->n_grid_len; k++)
        progress.total += req->replicates * gs__trial_rep_size(s->trial, req->n_grid[k]);
    if ((st = gs__trial_replicates(s->trial, req->replicates, 0, req->threads, 0, pr, &s->reps,
                                   err)))
        goto fail;
    if (req->n_grid_len) {
        if ((s->grid = gs_calloc(req->n_grid_len, sizeof *s->grid)) == NULL) {
            st = gs_error_set(err, GS_NOMEM, "n_grid", "out of memory");
            goto fail;
        }
        s->n_grid = req->n_grid_len;
        for (size_t k = 0; k < req->n_grid_len; k++)
            if ((st = gs__trial_replicates(s->trial, req->replicates, req->n_grid[k], req->threads,
                                           0, pr, &s->grid[k], err)))
                goto fail;
    }
    if (pr) /* the end, once (the replicates report only work still in progress) */
        pr->fn(pr->ctx, progress.total, progress.total);
    if (!isnan(req->observed))
        s->share_as_extreme = gs_trial_reps_extreme(&s->reps, req->observed);
    *out = s;
    return GS_OK;
fail:
    gs_trial_simulation_free(s);
    return st;
}
