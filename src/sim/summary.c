/* summary.c - exposure metrics from profiles and auxiliary simulations. */
#include "gabasim/summary.h"

#include <math.h>
#include <string.h>

#include "gabasim/alloc.h"

#define GRID 4000

/* Simulates `ev` on an even grid over [a, b] and returns the refined maximum and its time. */
static gs_status peak(const struct gs_model *m, const struct gs_event_list *ev, double a, double b,
                      const struct gs_sim_options *opt, double *cmax, double *tmax,
                      struct gs_error *err)
{
    double *t = gs_malloc((GRID + 1) * sizeof *t);
    if (t == NULL)
        return gs_error_set(err, GS_NOMEM, "summary", "out of memory");
    for (int i = 0; i <= GRID; i++)
        t[i] = a + (b - a) * i / GRID;
    struct gs_profile p = GS_PROFILE_INIT;
    gs_status st = gs_simulate(m, ev, t, GRID + 1, opt, &p, err);
    gs_free(t);
    if (st != GS_OK)
        return st;
    size_t k = 0;
    for (size_t i = 1; i < p.n; i++)
        if (p.conc_mg_l[i] > p.conc_mg_l[k])
            k = i;
    *cmax = p.conc_mg_l[k];
    *tmax = p.t_h[k];
    if (k > 0 && k + 1 < p.n) {
        /* vertex of the parabola through the three highest-neighbourhood points */
        double y0 = p.conc_mg_l[k - 1], y1 = p.conc_mg_l[k], y2 = p.conc_mg_l[k + 1];
        double den = y0 - 2.0 * y1 + y2, h = p.t_h[k + 1] - p.t_h[k];
        if (den < 0.0) {
            double off = 0.5 * (y0 - y2) / den;
            if (fabs(off) <= 1.0) {
                *tmax = p.t_h[k] + off * h;
                *cmax = y1 - 0.25 * (y0 - y2) * off;
            }
        }
    }
    gs_simulate_profile_release(&p);
    return GS_OK;
}

static gs_status steady_metrics(const struct gs_model *m, double dose, double ii, int cmt,
                                const struct gs_sim_options *opt, struct gs_summary *s,
                                struct gs_error *err)
{
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    struct gs_event e = gs_event_dose(0.0, dose, cmt);
    e.ss = 1;
    e.ii_h = ii;
    double *t = gs_malloc((GRID + 1) * sizeof *t);
    if (t == NULL || gs_event_list_push(&ev, &e) != GS_OK) {
        gs_free(t);
        gs_event_list_release(&ev);
        return gs_error_set(err, GS_NOMEM, "summary", "out of memory");
    }
    for (int i = 0; i <= GRID; i++)
        t[i] = ii * i / GRID;
    struct gs_profile p = GS_PROFILE_INIT;
    gs_status st = gs_simulate(m, &ev, t, GRID + 1, opt, &p, err);
    gs_free(t);
    if (st == GS_OK) {
        double lo = p.conc_mg_l[0];
        for (size_t i = 1; i < p.n; i++)
            lo = fmin(lo, p.conc_mg_l[i]);
        s->ss_cmin_mg_l = lo;
        const double *last = &p.y[(p.n - 1) * GS_N_STATES];
        s->ss_cavg_mg_l = last[GS_Y_AUC] / ii;
        s->ss_fraction_absorbed = 1.0 - last[GS_Y_UNABSORBED] / dose;
        st = peak(m, &ev, 0.0, ii, opt, &s->ss_cmax_mg_l, &s->ss_tmax_h, err);
    }
    if (st == GS_OK)
        st = gs_simulate_steady_state(
            &(struct gs_simulate_steady_state_request){m, dose, cmt, ii, opt},
            (double[GS_N_BODY]){0}, &s->ss_newton_iterations, err);
    gs_simulate_profile_release(&p);
    gs_event_list_release(&ev);
    return st;
}

/* Time to 90 % of steady state on interval averages of the maintenance regimen from empty. */
static gs_status time_to_90(const struct gs_model *m, double dose, double ii, int cmt,
                            const struct gs_sim_options *opt, double cavg_ss, double lambda_z,
                            double *t90, struct gs_error *err)
{
    double horizon = 4.0 * log(10.0) / lambda_z + 3.0 * ii;
    long k_max = (long)ceil(horizon / ii);
    if (k_max > 20000)
        k_max = 20000;
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    double *t = gs_malloc((size_t)(k_max + 1) * sizeof *t);
    gs_status st = t ? GS_OK : GS_NOMEM;
    for (long k = 0; st == GS_OK && k <= k_max; k++) {
        t[k] = (double)k * ii;
        struct gs_event e = gs_event_dose(t[k], dose, cmt);
        if (k < k_max)
            st = gs_event_list_push(&ev, &e);
    }
    if (st != GS_OK) {
        gs_free(t);
        gs_event_list_release(&ev);
        return gs_error_set(err, GS_NOMEM, "summary", "out of memory");
    }
    struct gs_profile p = GS_PROFILE_INIT;
    st = gs_simulate(m, &ev, t, (size_t)k_max + 1, opt, &p, err);
    *t90 = NAN;
    double prev_d = 1.0;
    for (long k = 1; st == GS_OK && k <= k_max; k++) {
        double cavg =
            (p.y[k * GS_N_STATES + GS_Y_AUC] - p.y[(k - 1) * GS_N_STATES + GS_Y_AUC]) / ii;
        double d = 1.0 - cavg / cavg_ss;
        if (d <= 0.1) {
            /* deficit 1 at t = 0; log-linear between the bracketing interval ends */
            double t_prev = (double)(k - 1) * ii;
            double frac = d > 0.0 ? (log(prev_d) - log(0.1)) / (log(prev_d) - log(d)) : 1.0;
            *t90 = t_prev + fmin(fmax(frac, 0.0), 1.0) * ii;
            break;
        }
        prev_d = d;
    }
    gs_simulate_profile_release(&p);
    gs_free(t);
    gs_event_list_release(&ev);
    return st;
}

gs_status gs_summarize(const struct gs_summary_request *req, struct gs_summary *s,
                       struct gs_error *err)
{
    const struct gs_model *m = req->model;
    const struct gs_event_list *events = req->events;
    const struct gs_profile *prof = req->profile;
    const double ss_dose = req->ss_dose_mg, ss_ii = req->ss_ii_h;
    const int cmt = req->cmt;
    const struct gs_sim_options *opt = req->sim;
    memset(s, 0, sizeof *s);
    const struct gs_structure *st_ = m->structure;
    double lz = st_->lambda_z(m->p);
    s->clearance_l_h = st_->clearance(m->p);
    s->volume_l = st_->volume(m->p);
    s->half_life_h = log(2.0) / lz;
    s->elimination_half_life_h = log(2.0) * s->volume_l / s->clearance_l_h;

    /* first dose and the window to the next one */
    size_t first = events->n, n_doses = 0;
    for (size_t i = 0; i < events->n; i++) {
        enum gs_evid ev = events->ev[i].evid;
        if (ev == GS_EVID_DOSE || ev == GS_EVID_RESET_DOSE) {
            if (first == events->n)
                first = i;
            n_doses++;
        }
    }
    if (first == events->n)
        return gs_error_set(err, GS_INPUT, "events", "no dose to summarise");
    s->first_dose_h = events->ev[first].time_h;
    s->first_dose_mg = events->ev[first].amt_mg;
    double window_end = s->first_dose_h + 48.0;
    for (size_t i = first + 1; i < events->n; i++) {
        if (events->ev[i].time_h > s->first_dose_h &&
            (events->ev[i].evid == GS_EVID_DOSE || events->ev[i].evid == GS_EVID_RESET_DOSE)) {
            window_end = events->ev[i].time_h;
            break;
        }
    }
    gs_status st =
        peak(m, events, s->first_dose_h, window_end, opt, &s->cmax_mg_l, &s->tmax_h, err);
    if (st != GS_OK)
        return st;
    s->tmax_h -= s->first_dose_h;

    /* over the profile */
    s->span_cmax_mg_l = -INFINITY;
    for (size_t i = 0; i < prof->n; i++) {
        if (prof->conc_mg_l[i] > s->span_cmax_mg_l) {
            s->span_cmax_mg_l = prof->conc_mg_l[i];
            s->span_tmax_h = prof->t_h[i];
        }
        s->mass_balance_error =
            fmax(s->mass_balance_error, gs_simulate_mass_balance_error(prof, i));
        for (int k = 0; k < GS_N_STATES; k++)
            s->min_amount_mg = fmin(s->min_amount_mg, prof->y[i * GS_N_STATES + k]);
    }

    if (n_doses == 1 && !events->ev[first].ss) {
        /* AUC to infinity: simulate 12 terminal half-lives, then what is left in the body will
         * all pass through the central compartment and leave by CL (at most: gut loss ignored,
         * negligible after 12 half-lives). */
        double t_end = s->first_dose_h + 12.0 * s->half_life_h + st_->lag(m->p, 1);
        struct gs_profile tail = GS_PROFILE_INIT;
        st = gs_simulate(m, events, &t_end, 1, opt, &tail, err);
        if (st != GS_OK)
            return st;
        const double *y = tail.y;
        s->auc_mg_h_l = y[GS_Y_AUC] + (y[GS_Y_CENTRAL] + y[GS_Y_DEPOT]) / s->clearance_l_h;
        s->auc_to_infinity = 1;
        gs_simulate_profile_release(&tail);
    } else if (prof->n > 0) {
        s->auc_mg_h_l = prof->y[(prof->n - 1) * GS_N_STATES + GS_Y_AUC] - prof->y[GS_Y_AUC];
    }

    s->ss_dose_mg = ss_dose;
    s->ss_ii_h = ss_ii;
    if (!(ss_ii > 0.0)) { /* a single dose: no steady state to speak of */
        s->ss_cmin_mg_l = s->ss_cmax_mg_l = s->ss_cavg_mg_l = s->ss_tmax_h = NAN;
        s->ss_fraction_absorbed = s->t90_ss_h = NAN;
        return GS_OK;
    }
    if ((st = steady_metrics(m, ss_dose, ss_ii, cmt, opt, s, err)) != GS_OK)
        return st;
    return time_to_90(m, ss_dose, ss_ii, cmt, opt, s->ss_cavg_mg_l, lz, &s->t90_ss_h, err);
}
