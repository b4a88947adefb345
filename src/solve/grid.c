/* grid.c - evenly spaced output times that end exactly at the end asked for. */
#include <math.h>

#include "gabasim/alloc.h"
#include "gabasim/simulate.h"

gs_status gs_simulate_grid(double until_h, double step_h, double **t, size_t *n,
                           struct gs_error *err)
{
    if (!(until_h > 0.0 && step_h > 0.0 && isfinite(until_h) && isfinite(step_h)))
        return gs_error_set(err, GS_INPUT, "--out-every",
                            "output times every %g h up to %g h; allowed both above 0", step_h,
                            until_h);
    double pts = floor(until_h / step_h + 1e-9) + 1.0;
    if (pts + 1.0 > (double)GS_SIMULATE_MAX_POINTS)
        return gs_error_set(err, GS_INPUT, "--out-every",
                            "'--out-every' %g h over %g h gives %.0f points; allowed up to %ld "
                            "(use a coarser grid)",
                            step_h, until_h, pts, GS_SIMULATE_MAX_POINTS);
    size_t k = (size_t)pts;
    int add_end = fabs((double)(k - 1) * step_h - until_h) > 1e-9 * until_h;
    double *g = gs_malloc((k + 1) * sizeof *g);
    if (g == NULL)
        return gs_error_set(err, GS_NOMEM, "--out-every", "out of memory for the output grid");
    for (size_t i = 0; i < k; i++)
        g[i] = (double)i * step_h;
    if (add_end)
        g[k++] = until_h;
    *t = g;
    *n = k;
    return GS_OK;
}
