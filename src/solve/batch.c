/* batch.c - the public door to the batched solvers: closed form (linear_batch.c) for linear
 * structures, batched Dormand-Prince (rk_batch.c) for the others. */
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
    for (size_t i = 0; i < req->events->n; i++)
        if (req->events->ev[i].evid != GS_EVID_DOSE)
            return gs_error_set(err, GS_UNSUPPORTED, "events",
                                "the batched solvers take dose records only (event %zu is EVID "
                                "%d); use gs_simulate",
                                i + 1, (int)req->events->ev[i].evid);
    if (req->models[0].structure->exact)
        return gs__linear_batch(req->models, req->n_lanes, req->events, req->t_out, req->n_out, out,
                                err);
    return gs__rk_batch(req->models, req->n_lanes, req->events, req->t_out, req->n_out, req->sim,
                        out, steps, err);
}
