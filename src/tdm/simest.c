/* simest.c - simulation-estimation: virtual patients drawn from the priors, sparse levels with
 * residual error, MAP estimates compared with the truth.
 *
 * Subject i uses stream i of the seed (gabasim/rng.h), so results do not depend on the number
 * of threads. Its true eta ~ N(0, Omega); each level is the true concentration with the drug
 * file's residual error (gs_variability_observe); negative simulated values (possible with an
 * additive error) are kept, as the likelihood assumes.
 */
#include <math.h>
#include <string.h>

#include "gabasim/threads.h"
#include "tdm_int.h"

gs_status gs_tdm_simest(const struct gs_tdm_simest_request *req, struct gs_tdm_simest_result *out,
                        struct gs_error *err)
{
    memset(out, 0, sizeof *out);
    if (req->n_subjects < 1 || req->n_subjects > 1000000)
        return gs_error_set(err, GS_INPUT, "subjects", "%ld subjects; allowed 1 to 1000000",
                            req->n_subjects);
    if (req->n_samples < 1 || req->n_samples > GS_TDM_MAX_LEVELS)
        return gs_error_set(err, GS_INPUT, "samples", "%zu samples; allowed 1 to %d",
                            req->n_samples, GS_TDM_MAX_LEVELS);
    struct gs_tdm_level lv[GS_TDM_MAX_LEVELS];
    for (size_t j = 0; j < req->n_samples; j++)
        lv[j] = (struct gs_tdm_level){req->sample_h[j], 0.0};
    struct gs_tdm_request base = {.drug = req->drug,
                                  .patient = req->patient,
                                  .regimen = req->regimen,
                                  .levels = lv,
                                  .n_levels = req->n_samples,
                                  .interval = req->interval,
                                  .until_h = NAN,
                                  .step_h = NAN,
                                  .rtol = NAN};
    struct tdm_post p0;
    gs_status st = gs__tdm_post_init(&p0, &base, err);
    if (st) {
        gs__tdm_post_release(&p0);
        return st;
    }
    int threads;
    if ((st = gs_threads_start(req->threads, &threads, err))) {
        gs__tdm_post_release(&p0);
        return st;
    }
    size_t n = p0.var.n;
    int icl = -1, iv = -1;
    for (size_t i = 0; i < n; i++) {
        const char *nm = p0.typical.structure->params[p0.var.param[i]].name;
        if (strcmp(nm, "CL") == 0)
            icl = (int)i;
        if (strcmp(nm, "V") == 0)
            iv = (int)i;
    }
    double z = gs__tdm_probit(0.5 + req->interval / 2.0);
    long nfail = 0, ncov = 0, nvcov = 0;
    double sb = 0.0, s2 = 0.0, sp2 = 0.0, sshr = 0.0;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 4)                                 \
    reduction(+ : nfail, ncov, nvcov, sb, s2, sp2, sshr)
    for (long s = 0; s < req->n_subjects; s++) {
        gs_rng r;
        gs_rng_seed(&r, req->seed, (uint64_t)s);
        double eta_true[GS_MAX_PARAMS], f[GS_TDM_MAX_LEVELS];
        gs_variability_draw_eta(&p0.var, &r, eta_true);
        if (gs__tdm_predict(&p0, eta_true, &p0.ev, p0.t, p0.n_t, f, NULL) != GS_OK) {
            nfail++;
            continue;
        }
        struct tdm_post p = p0; /* shares the event list, read-only */
        for (size_t j = 0; j < p.n_obs; j++)
            p.obs_y[j] = gs_variability_observe(&p0.var, &r, f[p.idx[j]]);
        double eta[GS_MAX_PARAMS], h[GS_MAX_PARAMS * GS_MAX_PARAMS],
            cov[GS_MAX_PARAMS * GS_MAX_PARAMS], ch[GS_MAX_PARAMS * GS_MAX_PARAMS];
        int it;
        if (gs__tdm_map(&p, eta, h, &it, NULL) != GS_OK ||
            gs__tdm_laplace(n, h, cov, ch, NULL) != GS_OK) {
            nfail++;
            continue;
        }
        double rel = exp(eta[icl] - eta_true[icl]) - 1.0, relp = exp(-eta_true[icl]) - 1.0;
        sb += rel;
        s2 += rel * rel;
        sp2 += relp * relp;
        double sd = sqrt(cov[icl * n + icl]);
        ncov += fabs(eta[icl] - eta_true[icl]) <= z * sd;
        sshr += 1.0 - sd / sqrt(p0.var.omega[icl * n + icl]);
        if (iv >= 0)
            nvcov += fabs(eta[iv] - eta_true[iv]) <= z * sqrt(cov[iv * n + iv]);
    }
    gs__tdm_post_release(&p0);
    long ok = req->n_subjects - nfail;
    out->n_subjects = req->n_subjects;
    out->n_failed = nfail;
    if (icl < 0 || ok == 0)
        return gs_error_set(err, GS_SOLVER, "subjects",
                            "no estimate of clearance (%ld of %ld subjects failed)", nfail,
                            req->n_subjects);
    out->cl_bias = sb / ok;
    out->cl_rmse = sqrt(s2 / ok);
    out->cl_prior_rmse = sqrt(sp2 / ok);
    out->cl_coverage = (double)ncov / ok;
    out->v_coverage = iv >= 0 ? (double)nvcov / ok : NAN;
    out->mean_shrinkage_cl = sshr / ok;
    return GS_OK;
}
