/* fuzz_pain.c - libFuzzer target for gs_placebo_parse() and gs_pain_parse() (data/pain.json).
 *
 * Invariants: on success every parameter lies in its documented range (docs/model.md, "Pain over
 * time"), the placebo course stays within [BASE (1 - PE), BASE] and the responder probabilities
 * computed from the file are in [0, 1] (NaN only when the file gives no variance for PE or T1/2,
 * as gs_placebo_responder_prob documents), and so are they with the between-person spread of
 * the drug effect, whose omega lies in 0..3 and whose persons' Emax in [-1, 0.99]; on failure
 * the error record is one line with a negative status.
 */
#include <math.h>

#include "fuzz_common.h"
#include "gabasim/pain.h"
#include "gabasim/pain_effect.h"

/* x in [lo, hi] (lo excluded when lo_open) and finite */
static int in(double x, double lo, double hi, int lo_open)
{
    return isfinite(x) && (lo_open ? x > lo : x >= lo) && x <= hi;
}

static void check_placebo(const struct gs_placebo *m)
{
    FUZZ_CHECK("ranges", in(m->base, 0, 10, 1) && in(m->pe, 0, 1, 1) && in(m->t_half_d, 0, 3650, 1),
               "base %g pe %g t_half %g", m->base, m->pe, m->t_half_d);
    const double w[3] = {m->omega2_logit_base, m->omega2_logit_pe, m->omega2_log_t_half};
    for (int k = 0; k < 3; k++)
        FUZZ_CHECK("iiv-range", isnan(w[k]) || in(w[k], 0, 25, 0), "variance %d is %g", k, w[k]);
    for (int d = 0; d < 400; d += 37) {
        double p = gs_placebo_pain(m, NAN, d);
        FUZZ_CHECK("course", p <= m->base && p >= m->base * (1 - m->pe) - 1e-12, "pain %g at %d d",
                   p, d);
    }
}

/* The chance of >= `fraction` relief by day t for a drug effect `effect` (Emax x S). */
static void check_responders(const struct gs_placebo *m, double effect)
{
    const int defined = !isnan(m->omega2_logit_pe) && !isnan(m->omega2_log_t_half);
    /* three calls (each a 1601-point quadrature): early, at a trial's end, after a year */
    static const double days[] = {1, 56, 365}, fractions[] = {0.5, 0.3, 0.5};
    for (int i = 0; i < 3; i++) {
        double p = gs_placebo_responder_prob(m, effect, days[i], fractions[i]);
        FUZZ_CHECK("responder-prob", defined ? in(p, 0, 1, 0) : isnan(p),
                   "P(responder) %g, effect %g, day %g, fraction %g", p, effect, days[i],
                   fractions[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gs_placebo m;
    struct gs_error err;
    fuzz_error_reset(&err);
    gs_status st = gs_placebo_parse(&m, (const char *)data, size, "fuzz.json", &err);
    if (st != GS_OK) {
        fuzz_check_error(st, &err);
        return 0;
    }
    check_placebo(&m);
    check_responders(&m, 0.0);
    struct gs_pain_model pm;
    fuzz_error_reset(&err);
    st = gs_pain_parse(&pm, (const char *)data, size, "fuzz.json", &err);
    if (st != GS_OK) {
        fuzz_check_error(st, &err);
        return 0;
    }
    FUZZ_CHECK("pain-model", in(pm.k_on_per_d, 0, 100, 1) && pm.n_effects <= GS_PAIN_MAX_EFFECTS,
               "k_on %g, %zu effects", pm.k_on_per_d, pm.n_effects);
    for (size_t i = 0; i < pm.n_drugs; i++) {
        FUZZ_CHECK("ec50", in(pm.drug[i].ec50_mg_l, 0, 1000, 1), "ec50 %g", pm.drug[i].ec50_mg_l);
        FUZZ_CHECK("ke0", isnan(pm.drug[i].ke0_per_h) || in(pm.drug[i].ke0_per_h, 0, 100, 1),
                   "ke0 %g", pm.drug[i].ke0_per_h);
    }
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < pm.n_effects; i++) {
        const struct gs_pain_effect *e = &pm.effect[i];
        const double em[3] = {e->emax_lo, e->emax, e->emax_hi};
        for (int k = 0; k < 3; k++)
            FUZZ_CHECK("emax", isnan(em[k]) || in(em[k], -1, 0.99, 0), "emax[%d] %g", k, em[k]);
        FUZZ_CHECK("emax-ci",
                   isnan(e->emax_lo) || isnan(e->emax) ||
                       (e->emax_lo <= e->emax && e->emax <= e->emax_hi),
                   "emax %g outside [%g, %g]", e->emax, e->emax_lo, e->emax_hi);
        if (e->as_drug[0] == '\0') {
            FUZZ_CHECK("target",
                       in(e->target_lo, -10, 10, 0) && in(e->target_hi, -10, 10, 0) &&
                           e->target_lo <= e->target_hi &&
                           (isnan(e->target_md) ||
                            (e->target_md >= e->target_lo && e->target_md <= e->target_hi)),
                       "md %g [%g, %g]", e->target_md, e->target_lo, e->target_hi);
            FUZZ_CHECK("trial",
                       (isnan(e->trial_days) ||
                        (in(e->trial_days, 1, 365, 0) && e->trial_days == floor(e->trial_days))) &&
                           (isnan(e->trial_crcl) || in(e->trial_crcl, 0, 250, 1)),
                       "days %g crcl %g", e->trial_days, e->trial_crcl);
        }
        for (int k = 0; k < 3; k++)
            if (!isnan(em[k])) {
                lo = fmin(lo, em[k]);
                hi = fmax(hi, em[k]);
            }
    }
    /* the responder probabilities at the extreme Emax of the file, the drug's share S of its
     * maximum effect just below 1 (probabilities are monotone in the effect) */
    if (lo <= hi) {
        check_responders(&pm.placebo, lo * 0.999);
        check_responders(&pm.placebo, hi * 0.999);
    }
    /* the between-person spread: omega and its interval in 0..3, ascending; each person's Emax
     * inside [-1, 0.99] with the typical Emax's sign; the responder share with the spread in
     * [0, 1] (NaN where the placebo model has no variances) */
    const struct gs_pain_spread *sp = &pm.spread;
    FUZZ_CHECK("spread",
               in(sp->omega, 0, 3, 0) && in(sp->omega_lo, 0, 3, 0) && in(sp->omega_hi, 0, 3, 0) &&
                   sp->omega_lo <= sp->omega && sp->omega <= sp->omega_hi,
               "omega %g [%g, %g]", sp->omega, sp->omega_lo, sp->omega_hi);
    if (lo <= hi && sp->omega > 0.0) {
        const double ex[2] = {lo, hi}, z[3] = {-6.0, 0.0, 6.0};
        for (int k = 0; k < 2; k++) {
            for (int j = 0; j < 3; j++) {
                double e = gs_pain_individual_emax(ex[k], sp->omega, z[j]);
                FUZZ_CHECK("individual-emax", in(e, -1, 0.99, 0) && e * ex[k] >= 0.0,
                           "Emax_i %g for Emax %g, z %g", e, ex[k], z[j]);
            }
        }
        /* one quadrature (201 x 1601 points), at the largest Emax: fuzzing stays fast */
        double p = gs_pain_responder_prob(&pm.placebo, hi, sp->omega, 0.999, 56, 0.3);
        const int defined =
            !isnan(pm.placebo.omega2_logit_pe) && !isnan(pm.placebo.omega2_log_t_half);
        FUZZ_CHECK("responder-spread", defined ? in(p, 0, 1, 0) : isnan(p),
                   "P(responder) %g, Emax %g, omega %g", p, hi, sp->omega);
    }
    return 0;
}
