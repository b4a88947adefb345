/* batch.c - the public door to the batched solvers: closed form (linear_batch.c) for linear
 * structures, batched Dormand-Prince (rk_batch.c) for the others. */
#include <math.h>

#include "gabasim/simulate.h"
#include "solve_int.h"

gs_status gs_simulate_batch(const struct gs_simulate_batch_request *req, double *out, long *steps,
                            struct gs_error *err)
{
    if (req->n_lanes < 1 || req->n_lanes > GS_LANES)
        return gs_error_set(err, GS_INPUT, "n_lanes", "'n_lanes' is %d; allowed 1 to %d",
                            req->n_lanes, GS_LANES);
    if (steps)
        *steps = 0;
    /* dose records; dialysis sessions (not overlapping) in the Dormand-Prince path only */
    int exact = req->models[0].structure->exact != NULL;
    double hd_end = -INFINITY;
    for (size_t i = 0; i < req->events->n; i++) {
        const struct gs_event *e = &req->events->ev[i];
        if (e->evid == GS_EVID_DOSE)
            continue;
        if (e->evid != GS_EVID_HD || exact)
            return gs_error_set(err, GS_UNSUPPORTED, "events",
                                "the batched solvers take dose records%s only (event %zu is EVID "
                                "%d); use gs_simulate",
                                exact ? "" : " and dialysis sessions", i + 1, (int)e->evid);
        if (!(e->dur_h > 0.0 && e->dur_h <= GS_HD_MAX_DUR_H) || !(e->time_h >= hd_end))
            return gs_error_set(err, GS_INPUT, "DUR",
                                "the haemodialysis session at %g h (%g h long) must last above 0 "
                                "to 24 h and not overlap the one before",
                                e->time_h, e->dur_h);
        hd_end = e->time_h + e->dur_h;
    }
    if (exact && req->models[0].structure->n_extra)
        return gs_error_set(err, GS_UNSUPPORTED, "structure",
                            "structure '%s': closed forms with extra compartments are not "
                            "batched",
                            req->models[0].structure->name);
    if (exact)
        return gs__linear_batch(req->models, req->n_lanes, req->events, req->t_out, req->n_out, out,
                                err);
    return gs__rk_batch(req->models, req->n_lanes, req->events, req->t_out, req->n_out, req->sim,
                        out, steps, err);
}
