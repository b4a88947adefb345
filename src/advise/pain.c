/* pain.c - the expected pain relief against placebo for one kind of pain on the advice's
 * calendar: the difference from placebo at the end and on day 14, when half and 90 % of the
 * effect is there, and the chance of at least 30 % and 50 % less pain, with the drug effect
 * varying between persons (data/pain.json between_person). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "advise_int.h"
#include "gabasim/alloc.h"
#include "gabasim/pain_effect.h"
#include "gabasim/pd.h"

/* Pregabalin's drug file has no effect-site rate: gabapentin's is used (data/pain.json states
 * the assumption). */
#define KE0_FALLBACK_PER_H 0.1712

static gs_status unknown_type(const struct gs_pain_model *pm, const char *drug, const char *type,
                              struct gs_error *err)
{
    return gs_error_set(err, GS_INPUT, "--pain",
                        "'--pain' is '%s'; for %s the calibrated kinds are:%s%s%s", type, drug,
                        gs_pain_find(pm, drug, "nonradicular-clbp") ? " nonradicular-clbp" : "",
                        gs_pain_find(pm, drug, "radicular") ? " radicular" : "",
                        gs_pain_find(pm, drug, "phn") ? " phn" : "");
}

/* Half of the end's engaged fraction, and 90 % of it when the horizon reaches the plateau (S
 * grew < 0.5 % over the last day); otherwise the end is not the plateau and the day would be
 * too early. */
static void onset_days(const double *s, size_t nd, struct gs_advise_pain *p)
{
    for (size_t d = 0; d < nd; d++)
        if (s[d] >= 0.5 * s[nd - 1]) {
            p->half_effect_day = (double)d;
            break;
        }
    if (nd >= 2 && s[nd - 1] - s[nd - 2] < 0.005 * s[nd - 1])
        for (size_t d = 0; d < nd; d++)
            if (s[d] >= 0.9 * s[nd - 1]) {
                p->full_effect_day = (double)d;
                break;
            }
}

gs_status gs__advise_pain(const struct gs_advise_request *req, struct gs_advise_result *r,
                          struct gs_error *err)
{
    const char *drug = gs_drug_name(req->drug);
    struct gs_pain_model *pm = gs_malloc(sizeof *pm);
    if (pm == NULL)
        return gs_error_set(err, GS_NOMEM, "--pain", "out of memory");
    gs_status st = gs_pain_load(pm, NULL, err);
    const struct gs_pain_effect *pe = NULL;
    if (st == GS_OK && (pe = gs_pain_find(pm, drug, req->pain_type)) == NULL)
        st = unknown_type(pm, drug, req->pain_type, err);
    if (st != GS_OK) {
        gs_free(pm);
        return st;
    }
    struct gs_advise_pain *p = gs_calloc(1, sizeof *p);
    size_t nd = (size_t)r->days + 1;
    double *pd_ = gs_malloc(nd * sizeof *pd_), *pp = gs_malloc(nd * sizeof *pp),
           *ss = gs_malloc(nd * sizeof *ss);
    if (!p || !pd_ || !pp || !ss) {
        st = gs_error_set(err, GS_NOMEM, "--pain", "out of memory");
        goto done;
    }
    snprintf(p->type, sizeof p->type, "%s", req->pain_type);
    if (pe->as_drug[0])
        snprintf(p->borrowed_from, sizeof p->borrowed_from, "%s, %s", pe->as_drug,
                 pe->as_pain_type);
    p->half_effect_day = p->full_effect_day = p->responders50_placebo = NAN;
    p->responders30_placebo = NAN;
    for (int k = 0; k < 3; k++)
        p->end[k] = p->day14[k] = p->responders50[k] = p->responders30[k] = NAN;
    p->omega[0] = pm->spread.omega_lo;
    p->omega[1] = pm->spread.omega;
    p->omega[2] = pm->spread.omega_hi;
    struct gs_pd_params pdp;
    struct gs_pain_course_request cr = {pm,        drug,       NAN, KE0_FALLBACK_PER_H,
                                        &r->model, &r->events, nd,  NAN};
    if (gs_drug_pd(req->drug, &pdp, NULL) == GS_OK)
        cr.ke0_per_h = pdp.ke0_per_h;
    /* the low, central and high Emax: the low one gives the least relief (the highest value) */
    const double em[3] = {pe->emax_lo, pe->emax, pe->emax_hi};
    for (int k = 0; k < 3; k++) {
        cr.emax = em[k];
        if ((st = gs_pain_course(&cr, pd_, pp, ss, err)))
            goto done;
        p->end[2 - k] = pd_[nd - 1] - pp[nd - 1];
        p->day14[2 - k] = nd > 14 ? pd_[14] - pp[14] : NAN;
        if (k == 1)
            onset_days(ss, nd, p);
    }
    /* the engaged fraction S at the end does not depend on Emax (the last course's is it); the
     * chance of relief at each (Emax, omega) pair of the two intervals: central the calibrated
     * pair, the range the lowest and highest of the nine */
    const double frac[2] = {0.3, 0.5};
    double *rs[2] = {p->responders30, p->responders50};
    for (int f = 0; f < 2; f++) {
        double lo = INFINITY, hi = -INFINITY;
        for (int k = 0; k < 3; k++)
            for (int j = 0; j < 3; j++) {
                double q = gs_pain_responder_prob(&pm->placebo, em[k], p->omega[j], ss[nd - 1],
                                                  r->days, frac[f]);
                if (k == 1 && j == 1)
                    rs[f][1] = q;
                lo = fmin(lo, q);
                hi = fmax(hi, q);
            }
        rs[f][0] = isnan(rs[f][1]) ? NAN : lo;
        rs[f][2] = isnan(rs[f][1]) ? NAN : hi;
    }
    p->responders30_placebo = gs_placebo_responder_prob(&pm->placebo, 0.0, r->days, 0.3);
    p->responders50_placebo = gs_placebo_responder_prob(&pm->placebo, 0.0, r->days, 0.5);
    r->pain = p;
    p = NULL;
done:
    gs_free(p);
    gs_free(pd_);
    gs_free(pp);
    gs_free(ss);
    gs_free(pm);
    return st;
}
