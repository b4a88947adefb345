/* summary.c - exposure metrics from profiles and auxiliary simulations. */
#include "gabasim/summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/regimen.h"

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
            (double[GS_MAX_BODY]){0}, &s->ss_newton_iterations, err);
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

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The maintenance dose with dialysis sessions and supplements, from empty, as dose records given
 * until `until_h`. */
static gs_status hd_events(double dose, double ii, int cmt, const struct gs_hd_schedule *hd,
                           double until_h, struct gs_event_list *ev, struct gs_error *err)
{
    struct gs_regimen r;
    gs_regimen_init(&r);
    r.n_steps = 1;
    r.steps[0] = (struct gs_regimen_step){0.0, dose, ii};
    r.end_h = until_h;
    r.cmt = cmt;
    r.hd = *hd;
    return gs_regimen_expand(&r, ev, err);
}

/* The weekly periodic state with dialysis sessions (see gabasim/summary.h). */
static gs_status hd_steady(const struct gs_model *m, double dose, double ii, int cmt,
                           const struct gs_hd_schedule *hd, const struct gs_sim_options *opt,
                           struct gs_summary *s, struct gs_error *err)
{
    const double week = 168.0, t0 = gs_hd_session_start_h(hd, 0);
    const int wmax = GS_SUMMARY_HD_MAX_WEEKS;
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    struct gs_profile p = GS_PROFILE_INIT;
    double tw[GS_SUMMARY_HD_MAX_WEEKS + 1], cavg[GS_SUMMARY_HD_MAX_WEEKS + 1];
    double *t = NULL;
    gs_status st = hd_events(dose, ii, cmt, hd, t0 + (wmax + 1) * week, &ev, err);
    for (int k = 0; k <= wmax; k++)
        tw[k] = t0 + k * week;
    if (st == GS_OK)
        st = gs_simulate(m, &ev, tw, (size_t)wmax + 1, opt, &p, err);
    if (st != GS_OK)
        goto done;
    /* the first week whose average differs from the one before by less than 0.01 % */
    int w = wmax;
    s->hd_converged = 0;
    for (int k = 1; k <= wmax; k++) {
        cavg[k] = (p.y[k * GS_N_STATES + GS_Y_AUC] - p.y[(k - 1) * GS_N_STATES + GS_Y_AUC]) / week;
        if (k > 1 && fabs(cavg[k] - cavg[k - 1]) <= 1e-4 * cavg[k]) {
            w = k;
            s->hd_converged = 1;
            break;
        }
    }
    s->hd_weeks = w;
    /* time to 90 %: deficit 1 at 0, then at each week's end, log-linear between */
    double prev_d = 1.0, prev_t = 0.0;
    s->t90_ss_h = NAN;
    for (int k = 1; k <= w; k++) {
        double d = 1.0 - cavg[k] / cavg[w];
        if (d <= 0.1) {
            double frac = d > 0.0 ? (log(prev_d) - log(0.1)) / (log(prev_d) - log(d)) : 1.0;
            s->t90_ss_h = prev_t + fmin(fmax(frac, 0.0), 1.0) * (tw[k] - prev_t);
            break;
        }
        prev_d = d;
        prev_t = tw[k];
    }
    /* that week in detail: a fine grid plus each session's start and end */
    double from = tw[w - 1], to = tw[w];
    size_t n_fine = 3360, n = 0;
    t = gs_malloc((n_fine + 1 + 2 * GS_HD_MAX_PER_WEEK) * sizeof *t);
    if (t == NULL) {
        st = gs_error_set(err, GS_NOMEM, "summary", "out of memory");
        goto done;
    }
    for (size_t i = 0; i <= n_fine; i++)
        t[n++] = from + week * (double)i / (double)n_fine;
    long j0 = (long)(w - 1) * hd->per_week;
    for (int k = 0; k < hd->per_week; k++) {
        double start = gs_hd_session_start_h(hd, j0 + k);
        s->hd_session_h[k] = start - from;
        t[n++] = start;
        t[n++] = start + hd->hours - 1e-6; /* the end, before a supplement into the central */
    }
    qsort(t, n, sizeof *t, by_value);
    if ((st = gs_simulate(m, &ev, t, n, opt, &p, err)) != GS_OK)
        goto done;
    s->ss_cmin_mg_l = INFINITY;
    s->ss_cmax_mg_l = -INFINITY;
    for (size_t i = 0; i < p.n; i++) {
        s->ss_cmin_mg_l = fmin(s->ss_cmin_mg_l, p.conc_mg_l[i]);
        s->ss_cmax_mg_l = fmax(s->ss_cmax_mg_l, p.conc_mg_l[i]);
        for (int k = 0; k < hd->per_week; k++) {
            if (p.t_h[i] == from + s->hd_session_h[k])
                s->hd_pre_mg_l[k] = p.conc_mg_l[i];
            if (p.t_h[i] == from + s->hd_session_h[k] + hd->hours - 1e-6)
                s->hd_post_mg_l[k] = p.conc_mg_l[i];
        }
    }
    const double *a = &p.y[0], *b = &p.y[(p.n - 1) * GS_N_STATES];
    double given = p.input_mg[p.n - 1] - p.input_mg[0];
    /* the week is [from, to): a dose at `from` is in the first row's input, one at `to` in the
     * last row's */
    for (size_t i = 0; i < ev.n; i++)
        if (ev.ev[i].evid == GS_EVID_DOSE)
            given += ev.ev[i].time_h == from ? ev.ev[i].amt_mg
                     : ev.ev[i].time_h == to ? -ev.ev[i].amt_mg
                                             : 0.0;
    s->ss_cavg_mg_l = (b[GS_Y_AUC] - a[GS_Y_AUC]) / week;
    s->ss_fraction_absorbed =
        given > 0.0 ? 1.0 - (b[GS_Y_UNABSORBED] - a[GS_Y_UNABSORBED]) / given : NAN;
    s->ss_tmax_h = NAN;
    s->hd_week_from_h = from;
done:
    gs_free(t);
    gs_simulate_profile_release(&p);
    gs_event_list_release(&ev);
    return st;
}

gs_status gs_summarize(const struct gs_summary_request *req, struct gs_summary *s,
                       struct gs_error *err)
{
    return gs_summarize_hd(req, NULL, s, err);
}

gs_status gs_summarize_hd(const struct gs_summary_request *req, const struct gs_hd_schedule *hd_in,
                          struct gs_summary *s, struct gs_error *err)
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
    const struct gs_hd_schedule *hd = hd_in && hd_in->per_week > 0 ? hd_in : NULL;
    if (hd) {
        int cl = gs_model_structure_param_index(st_, "CL");
        s->hd_per_week = hd->per_week;
        s->hd_cl_l_h = m->hd_cl_l_h;
        s->hd_supplement_mg = hd->supplement_mg;
        s->hd_half_life_h = cl >= 0 ? log(2.0) * s->volume_l / (m->p[cl] + m->hd_cl_l_h) : NAN;
        for (int k = 0; k < GS_HD_MAX_PER_WEEK; k++)
            s->hd_session_h[k] = s->hd_pre_mg_l[k] = s->hd_post_mg_l[k] = NAN;
        s->hd_week_from_h = NAN;
    }
    if (!(ss_ii > 0.0)) { /* a single dose: no steady state to speak of */
        s->ss_cmin_mg_l = s->ss_cmax_mg_l = s->ss_cavg_mg_l = s->ss_tmax_h = NAN;
        s->ss_fraction_absorbed = s->t90_ss_h = NAN;
        return GS_OK;
    }
    if (hd)
        return hd_steady(m, ss_dose, ss_ii, cmt, hd, opt, s, err);
    if ((st = steady_metrics(m, ss_dose, ss_ii, cmt, opt, s, err)) != GS_OK)
        return st;
    return time_to_90(m, ss_dose, ss_ii, cmt, opt, s->ss_cavg_mg_l, lz, &s->t90_ss_h, err);
}
