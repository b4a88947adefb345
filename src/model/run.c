/* run.c - a model file's own simulation without a drug (`gabasim simulate --model` alone):
 * a regimen of equal doses into one compartment, the amounts and outputs on a time grid as CSV.
 * Any number of compartments and parameters: the model's typical values, reference covariates
 * and etas at zero. */
#include <math.h>
#include <stdio.h>

#include "gabasim/alloc.h"
#include "model_int.h"

#define MAX_POINTS 100001

gs_status gs_model_file_run_csv(const struct gs_mf_run_request *rq, FILE *out, struct gs_error *err)
{
    const gs_model_file *m = rq->model;
    if (m->n_cmt == 0)
        return gs_error_set(err, GS_INPUT, "--model",
                            "%s has no compartments ($CMT): nothing to dose", m->origin);
    if (!(rq->dose > 0) || !isfinite(rq->dose))
        return gs_error_set(err, GS_INPUT, "--dose", "dose %g; allowed above 0 and finite",
                            rq->dose);
    if (rq->n_doses < 1 || rq->n_doses > 100000)
        return gs_error_set(err, GS_INPUT, "--doses", "%ld doses; allowed 1 to 100000",
                            rq->n_doses);
    if (rq->n_doses > 1 && !(rq->ii_h > 0 && isfinite(rq->ii_h)))
        return gs_error_set(err, GS_INPUT, "--every",
                            "interval %g h; allowed above 0 (needed for more than one dose)",
                            rq->ii_h);
    if (rq->cmt < 1 || (size_t)rq->cmt > m->n_cmt)
        return gs_error_set(err, GS_INPUT, "--cmt", "compartment %d; allowed 1 to %zu", rq->cmt,
                            m->n_cmt);
    if (!(rq->until_h > 0) || !isfinite(rq->until_h))
        return gs_error_set(err, GS_INPUT, "--until", "end time %g h; allowed above 0",
                            rq->until_h);
    if (!(rq->step_h > 0) || rq->until_h / rq->step_h >= MAX_POINTS - 1)
        return gs_error_set(err, GS_INPUT, "--out-every",
                            "grid step %g h for %g h; allowed above 0, at most %d points",
                            rq->step_h, rq->until_h, MAX_POINTS);
    size_t n_t = (size_t)floor(rq->until_h / rq->step_h + 1e-9) + 1;
    size_t stride = m->n_cmt + m->n_out;
    double *t = gs_calloc(n_t + 1, sizeof *t), *res = gs_calloc(n_t * stride + 1, sizeof *res);
    if (!t || !res) {
        gs_free(t);
        gs_free(res);
        return gs_error_set(err, GS_NOMEM, "model", "out of memory");
    }
    for (size_t k = 0; k < n_t; k++)
        t[k] = fmin((double)k * rq->step_h, rq->until_h);
    struct gs_mf_dose d = {
        0.0, rq->dose, rq->cmt, rq->rate, rq->n_doses > 1 ? rq->ii_h : 0.0, (int)(rq->n_doses - 1)};
    struct gs_mf_sim_request sr = {m, 1, NULL, NULL,     NULL,     &d,
                                   1, t, n_t,  rq->rtol, rq->atol, rq->stiff};
    gs_status st = gs_model_file_simulate(&sr, res, err);
    if (st == GS_OK) {
        fprintf(out, "time_h");
        for (size_t i = 0; i < m->n_cmt; i++)
            fprintf(out, ",%s", m->cmt[i]);
        for (size_t j = 0; j < m->n_out; j++)
            fprintf(out, ",%s", m->outname[j]);
        fputc('\n', out);
        for (size_t k = 0; k < n_t; k++) {
            fprintf(out, "%.10g", t[k]);
            for (size_t i = 0; i < stride; i++)
                fprintf(out, ",%.10g", res[k * stride + i]);
            fputc('\n', out);
        }
    }
    gs_free(t);
    gs_free(res);
    return st;
}
