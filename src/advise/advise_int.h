/* advise_int.h - shared by the files of src/advise only: the steps gs_advise() runs. */
#ifndef GABASIM_ADVISE_INT_H
#define GABASIM_ADVISE_INT_H

#include "gabasim/advise.h"
#include "gabasim/simulate.h"

/* The evidence of `ev` for `pain_type` (NULL: only the general points) and the alternatives to
 * `drug` (itself left out), with each kidney rule checked against `crcl_ml_min`. The selection
 * points into `ev`; gs__advise_evidence_release frees its arrays. */
gs_status gs__advise_evidence_select(const struct gs_evidence *ev, const char *pain_type,
                                     const char *drug, double crcl_ml_min,
                                     struct gs_advise_evidence *out, struct gs_error *err);
void gs__advise_evidence_release(struct gs_advise_evidence *e);

/* The expected pain relief for req->pain_type on the result's calendar (r->model, r->events,
 * r->days): allocates r->pain. GS_INPUT naming '--pain' for a kind not calibrated for the drug. */
gs_status gs__advise_pain(const struct gs_advise_request *req, struct gs_advise_result *r,
                          struct gs_error *err);

/* The side effects by checkpoint and by day from r->profile (a 0.5 h grid from 0), r->patient's
 * age and r->cns_depressant (data/adverse.json); the fall-relevant series. */
gs_status gs__advise_side_effects(struct gs_advise_result *r, struct gs_error *err);

/* The band of req->n patients like this one over the last dosing interval of the grid
 * t[0..n_t), each subject's parameters scaled by `param_scale` (the co-medications). */
gs_status gs__advise_band(const struct gs_advise_request *req, struct gs_advise_result *r,
                          const double *param_scale, const double *t, size_t n_t,
                          const struct gs_sim_options *sopt, struct gs_error *err);

/* The warnings that apply to this patient into r->warnings: respiratory depression when a
 * co-medication of req is a CNS depressant (r->cns_depressant), falls when the patient is 65 or
 * older; after the side effects (the falls warning quotes r->fall_risk_by_day). */
gs_status gs__advise_warnings(const struct gs_advise_request *req, struct gs_advise_result *r,
                              struct gs_error *err);

/* With req->levels: the MAP estimate from the dosing history (req->proposed, else r->regimen)
 * and the individualised regimen for the typical patient's Cavg on the plan, into r->tdm. */
gs_status gs__advise_tdm(const struct gs_advise_request *req, struct gs_advise_result *r,
                         struct gs_error *err);

#endif
