/* simulate.c - walk events and output times, propagating the state between them. */
#include "gabasim/simulate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "solve_int.h"

gs_status gs_simulate_options_check(const struct gs_sim_options *opt, struct gs_error *err)
{
    if (!(opt->rtol > 0.0 && opt->rtol < 1.0))
        return gs_error_set(err, GS_INPUT, "rtol", "'rtol' is %g; allowed above 0 and below 1",
                            opt->rtol);
    if (!(opt->atol_mg > 0.0 && isfinite(opt->atol_mg)))
        return gs_error_set(err, GS_INPUT, "atol", "'atol' is %g mg; allowed above 0",
                            opt->atol_mg);
    if (!(opt->solver == GS_SOLVER_AUTO || opt->solver == GS_SOLVER_EXACT ||
          opt->solver == GS_SOLVER_CVODE))
        return gs_error_set(err, GS_INPUT, "solver", "'solver' is %d; allowed: auto, exact, cvode",
                            (int)opt->solver);
    return GS_OK;
}

void gs_simulate_profile_release(struct gs_profile *p)
{
    gs_free(p->t_h);
    gs_free(p->conc_mg_l);
    gs_free(p->y);
    gs_free(p->input_mg);
    gs_free(p->y_extra);
    struct gs_profile empty = GS_PROFILE_INIT;
    *p = empty;
}

double gs_simulate_mass_balance_error(const struct gs_profile *p, size_t row)
{
    const double *y = &p->y[row * GS_N_STATES];
    double in = p->input_mg[row];
    double out = y[GS_Y_ELIMINATED] + y[GS_Y_UNABSORBED];
    for (int i = 0; i < GS_N_BODY; i++)
        out += y[i];
    for (size_t j = 0; j < p->n_extra; j++)
        out += p->y_extra[row * p->n_extra + j];
    return in > 0.0 ? fabs(in - out) / in : fabs(in - out);
}

/* What happens at one instant, split out of the event records: a reset, a steady-state reset
 * and a dose may come from one record, the dose later by the lag. */
enum action_kind {
    ACT_MODEL,
    ACT_HD_ON,
    ACT_HD_OFF,
    ACT_RESET,
    ACT_SS,
    ACT_DOSE,
    ACT_INF_ON,  /* a zero-order input starts: `rate` mg/h into `cmt` */
    ACT_INF_OFF, /* ... and ends */
    ACT_CMT_OFF, /* compartment `cmt` emptied and held empty (EVID 2, CMT < 0) */
    ACT_CMT_ON,  /* ... turned on again (EVID 2, CMT > 0; a dose into it) */
    ACT_OUT,     /* an output in record order (requests with t_out NULL) */
    ACT_VOID,    /* the end of an infusion cancelled by its compartment's turning off */
};
struct action {
    double t;
    enum action_kind kind;
    double amt;
    int cmt;
    double ii;
    int ss_mode;  /* ACT_SS: 1 replace the body's amounts, 2 add to them */
    size_t model; /* ACT_MODEL: index of the model taking over; else the model in force */
    double rate;  /* ACT_INF_*, ACT_SS: mg/h entering the compartment (0 for a bolus) */
    /* ACT_INF_OFF: its infusion's start (the ii field is not used there) */
};

static int push_action(struct action **a, size_t *n, size_t *cap, struct action x)
{
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 32;
        struct action *p = gs_realloc(*a, nc * sizeof *p);
        if (p == NULL)
            return -1;
        *a = p;
        *cap = nc;
    }
    (*a)[(*n)++] = x;
    return 0;
}

static struct action act(double t, enum action_kind kind, size_t model)
{
    return (struct action){.t = t, .kind = kind, .model = model};
}

/* Stable merge sort by time (insertion sort is quadratic on lagged doses interleaving). */
static void sort_actions(struct action *a, struct action *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    sort_actions(a, tmp, h);
    sort_actions(a + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = a[j].t < a[i].t ? a[j++] : a[i++];
    while (i < h)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

/* Index of the model in force at time t: the last k with change_h[k] <= t (models[0] from the
 * start); `cur` when the models change by GS_EVID_MODEL records (change_h NULL). */
static size_t model_at(const double *change_h, size_t n_models, double t, size_t cur)
{
    if (change_h == NULL)
        return cur;
    size_t k = 0;
    while (k + 1 < n_models && change_h[k + 1] <= t)
        k++;
    return k;
}

/* The share of a dose into `cmt` that enters the body (the structure's F), from its dose(). */
static double bioavailable(const struct gs_model *m, int cmt)
{
    double y[GS_MAX_STATES] = {0};
    m->structure->dose(m->p, cmt, 1.0, y);
    return y[gs_model_cmt_index(cmt)];
}

/* A dose record with RATE != 0 as an infusion: the rate (mg/h) of what enters and its length. */
static void infusion(const struct gs_model *m, const struct gs_event *e, double *rate, double *dur)
{
    double in = e->amt_mg * bioavailable(m, e->cmt);
    if (e->rate_mg_h == GS_RATE_MODELLED_DURATION) {
        *dur = e->dur_h;
        *rate = in / e->dur_h;
    } else {
        *rate = e->rate_mg_h == GS_RATE_MODELLED_RATE ? e->dur_h : e->rate_mg_h;
        *dur = in / *rate;
    }
}

/* Row `io` of the profile from the full state y (gabasim/model.h): the standard states, then
 * the extra compartments. */
static void put_row(struct gs_profile *out, size_t io, const double *y)
{
    memcpy(&out->y[io * GS_N_STATES], y, GS_N_STATES * sizeof *y);
    if (out->n_extra)
        memcpy(&out->y_extra[io * out->n_extra], y + GS_N_STATES, out->n_extra * sizeof *y);
}

static gs_status build_actions(const struct gs_model *models, const double *change_h,
                               size_t n_models, const struct gs_event_list *ev, int out_records,
                               struct action **out, size_t *n_out, struct gs_error *err)
{
    struct action *a = NULL;
    size_t n = 0, cap = 0, cur = 0;
    const int n_body = (int)gs_model_n_body(models[0].structure);
    int oom = 0;
    /* model changes first, so that at equal times they precede the doses (stable sort) */
    for (size_t k = 1; change_h && k < n_models && !oom; k++)
        oom |= push_action(&a, &n, &cap, act(change_h[k], ACT_MODEL, k));
    /* haemodialysis sessions: on at the start, off at the end; they must not overlap, and the
     * model must say what a session removes */
    double hd_end = -INFINITY;
    int cl_idx = gs_model_structure_param_index(models[0].structure, "CL");
    for (size_t i = 0; i < ev->n && !oom; i++) {
        const struct gs_event *e = &ev->ev[i];
        if (e->evid != GS_EVID_HD)
            continue;
        if (!(e->dur_h > 0.0 && e->dur_h <= GS_HD_MAX_DUR_H) || !(e->time_h >= hd_end)) {
            gs_free(a);
            return gs_error_set(
                err, GS_INPUT, "DUR", "the haemodialysis session at %g h (%g h long) %s", e->time_h,
                e->dur_h,
                e->time_h >= hd_end ? "must last above 0 to 24 h" : "overlaps the one before");
        }
        for (size_t k = 0; k < n_models; k++)
            if (cl_idx < 0 || !(models[k].hd_cl_l_h >= 0.0 && isfinite(models[k].hd_cl_l_h))) {
                gs_free(a);
                return gs_error_set(err, GS_UNSUPPORTED, "HD",
                                    "a haemodialysis session at %g h, but the model gives no "
                                    "dialysis clearance (drug file: model.haemodialysis.CL)",
                                    e->time_h);
            }
        hd_end = e->time_h + e->dur_h;
        oom |= push_action(&a, &n, &cap, act(e->time_h, ACT_HD_ON, 0));
        oom |= push_action(&a, &n, &cap, act(hd_end, ACT_HD_OFF, 0));
    }
    for (size_t i = 0; i < ev->n && !oom; i++) {
        const struct gs_event *e = &ev->ev[i];
        size_t k = model_at(change_h, n_models, e->time_h, cur);
        if (e->ss && hd_end > -INFINITY) {
            gs_free(a);
            return gs_error_set(err, GS_UNSUPPORTED, "SS",
                                "a steady-state record (SS %d at %g h) with haemodialysis "
                                "sessions: the steady state between sessions is not per dose; "
                                "simulate from the first dose instead",
                                e->ss, e->time_h);
        }
        if (e->evid == GS_EVID_MODEL) {
            if (change_h != NULL || e->cmt < 0 || (size_t)e->cmt >= n_models) {
                gs_free(a);
                return gs_error_set(err, GS_INPUT, "models",
                                    "a parameter change to model %d of %zu (change times given: "
                                    "%s)",
                                    e->cmt, n_models, change_h ? "yes" : "no");
            }
            cur = (size_t)e->cmt;
            oom |= push_action(&a, &n, &cap, act(e->time_h, ACT_MODEL, cur));
            continue;
        }
        if (e->evid == GS_EVID_OBS) {
            if (out_records)
                oom |= push_action(&a, &n, &cap, act(e->time_h, ACT_OUT, k));
            continue;
        }
        if ((e->evid == GS_EVID_DOSE || e->evid == GS_EVID_RESET_DOSE) &&
            !(e->cmt >= 1 && e->cmt <= n_body)) {
            gs_free(a);
            return gs_error_set(err, GS_INPUT, "CMT",
                                "a dose at %g h into compartment %d; structure '%s' has "
                                "compartments 1 to %d",
                                e->time_h, e->cmt, models[0].structure->name, n_body);
        }
        if (e->evid == GS_EVID_OTHER && e->cmt != 0 && abs(e->cmt) <= n_body) {
            struct action x = act(e->time_h, e->cmt < 0 ? ACT_CMT_OFF : ACT_CMT_ON, k);
            x.cmt = abs(e->cmt);
            oom |= push_action(&a, &n, &cap, x);
        }
        if (e->evid == GS_EVID_RESET || e->evid == GS_EVID_RESET_DOSE)
            oom |= push_action(&a, &n, &cap, act(e->time_h, ACT_RESET, k));
        double rate = 0.0, dur = 0.0;
        int dose = e->evid == GS_EVID_DOSE || e->evid == GS_EVID_RESET_DOSE;
        if (dose && e->rate_mg_h != 0.0 && e->amt_mg > 0.0)
            infusion(&models[k], e, &rate, &dur);
        else if (dose && e->ss && e->rate_mg_h != 0.0) /* AMT 0: a constant infusion at SS */
            rate = e->rate_mg_h == GS_RATE_MODELLED_RATE ? e->dur_h : e->rate_mg_h;
        if (e->ss) {
            struct action x = act(e->time_h, ACT_SS, k);
            x.amt = e->amt_mg, x.cmt = e->cmt, x.ii = e->ii_h, x.ss_mode = e->ss, x.rate = rate;
            oom |= push_action(&a, &n, &cap, x);
        }
        if (dose) {
            double lag = models[k].structure->lag(models[k].p, e->cmt);
            struct action x = act(e->time_h + lag, ACT_DOSE, k);
            x.amt = e->amt_mg, x.cmt = e->cmt;
            if (e->amt_mg == 0.0) { /* NONMEM: nothing given; the compartment is turned on */
                x.kind = ACT_CMT_ON;
            } else if (rate > 0.0) {
                x.kind = ACT_INF_ON, x.rate = rate;
                oom |= push_action(&a, &n, &cap, x);
                x.kind = ACT_INF_OFF, x.ii = x.t, x.t += dur;
            }
            oom |= push_action(&a, &n, &cap, x);
            /* steady state: the earlier doses of the periodic regimen still on their way at
             * the record (a lag of an interval or more) arrive after it; an infusion of the
             * regimen still running at the record runs on */
            for (double ts = e->time_h + lag - e->ii_h;
                 e->ss && e->amt_mg > 0.0 && !oom && (ts >= e->time_h || ts + dur > e->time_h);
                 ts -= e->ii_h) {
                struct action y = x;
                if (rate == 0.0) {
                    y.t = ts;
                    oom |= push_action(&a, &n, &cap, y);
                    continue;
                }
                y.kind = ACT_INF_ON, y.t = fmax(ts, e->time_h);
                y.amt = ts >= e->time_h ? e->amt_mg : 0.0; /* already counted by the SS */
                oom |= push_action(&a, &n, &cap, y);
                y.kind = ACT_INF_OFF, y.ii = y.t, y.t = ts + dur;
                oom |= push_action(&a, &n, &cap, y);
            }
        }
    }
    struct action *tmp = oom ? NULL : gs_malloc((n ? n : 1) * sizeof *tmp);
    if (oom || tmp == NULL) {
        gs_free(a);
        return gs_error_set(err, GS_NOMEM, "events", "out of memory preparing events");
    }
    sort_actions(a, tmp, n);
    gs_free(tmp);
    *out = a;
    *n_out = n;
    return GS_OK;
}

/* 1 if the infusion ending at act[j] (ACT_INF_OFF) runs at act[i]: started earlier, or at the
 * same time by an action before act[i]. */
static int infusion_running(const struct action *act, size_t i, size_t j)
{
    const struct action *f = &act[j];
    if (f->ii < act[i].t)
        return 1;
    for (size_t k = i; f->ii == act[i].t && k-- > 0 && act[k].t == act[i].t;)
        if (act[k].kind == ACT_INF_ON && act[k].cmt == f->cmt && act[k].rate == f->rate)
            return 1;
    return 0;
}

/* 1 if, in the structure's equations, anything but the central amount, its AUC and its
 * elimination depends on the central amount (a peripheral compartment, a feedback): holding the
 * central compartment off (hold_central_off) then needs more than a correction afterwards. */
static int central_feeds_back(const struct gs_model *m)
{
    double y0[GS_MAX_STATES] = {0}, y1[GS_MAX_STATES] = {0}, d0[GS_MAX_STATES], d1[GS_MAX_STATES];
    y0[GS_Y_DEPOT] = y1[GS_Y_DEPOT] = 1.0;
    y1[GS_Y_CENTRAL] = 1.0;
    m->structure->rhs(0.0, y0, d0, m->p);
    m->structure->rhs(0.0, y1, d1, m->p);
    for (size_t k = 0; k < gs_model_n_states(m->structure); k++)
        if (k != GS_Y_CENTRAL && k != GS_Y_AUC && k != GS_Y_ELIMINATED && d0[k] != d1[k])
            return 1;
    return 0;
}

/* The central compartment off (EVID 2, CMT -2) as mrgsolve computes it: an off compartment's
 * amount is 0 and its derivative is zeroed, so what the depot absorbs meanwhile leaves the
 * system. The depot's equations do not read the central amount (central_feeds_back), so y,
 * propagated from the reset point p->y0 (central 0) as if the compartment were on, has the
 * exact depot and unabsorbed amounts; the central amount, its AUC and its elimination are put
 * back to the reset point's. Returns the drug lost since the reset point (mg): what left the
 * depot other than unabsorbed, plus what the infusions running meanwhile put in. */
static double hold_central_off(const struct gs__prop *p, double t, double *y)
{
    double lost = p->y0[GS_Y_UNABSORBED] - y[GS_Y_UNABSORBED];
    for (size_t k = 0; k < p->n_body; k++) { /* every body compartment, extras included */
        size_t i = gs_model_body_index(k);
        lost += p->inf_mg_h[k] * (t - p->t0) + p->y0[i] - (i == GS_Y_CENTRAL ? 0.0 : y[i]);
    }
    y[GS_Y_CENTRAL] = 0.0;
    y[GS_Y_AUC] = p->y0[GS_Y_AUC];
    y[GS_Y_ELIMINATED] = p->y0[GS_Y_ELIMINATED];
    return lost;
}

/* Compartment `cmt` turned off (v 1) or on (v 0). An off compartment is held empty either by
 * the propagator (`mask`: its derivative zeroed, what flows into it leaves the system and is
 * counted as eliminated, propagate.c; for extra compartments, and for the central one of a
 * structure whose other compartments read it) or, for the central compartment otherwise, by
 * hold_central_off (off[GS_CMT_CENTRAL]). */
static void set_off(int *off, struct gs__prop *p, int cmt, int v, int mask)
{
    off[cmt] = v && !mask;
    if (p->off[cmt - 1] != (v && mask)) {
        p->off[cmt - 1] = (unsigned char)(v && mask);
        p->need_reinit = 1;
    }
}

/* Cancels the infusions running into compartment `cmt` at act[ia] (their end records voided):
 * what they had still to give is never given, nor counted as dosed. */
static void cancel_infusions(struct action *act, size_t n_act, size_t ia, int cmt,
                             struct gs__prop *prop, struct gs_profile *out)
{
    size_t b = (size_t)cmt - 1; /* the body compartment */
    for (size_t j = ia + 1; prop->n_inf[b] > 0 && j < n_act; j++) {
        if (act[j].kind != ACT_INF_OFF || act[j].cmt != cmt || !infusion_running(act, ia, j))
            continue;
        if (act[j].amt > 0.0) /* (0: one running at an SS record, not counted) */
            out->dosed_mg -= act[j].rate * (act[j].t - act[ia].t);
        act[j].kind = ACT_VOID;
        prop->n_inf[b]--;
    }
    prop->inf_mg_h[b] = 0.0;
    prop->n_inf[b] = 0;
    prop->need_reinit = 1;
}

gs_status gs_simulate(const struct gs_model *m, const struct gs_event_list *events,
                      const double *t_out, size_t n_out, const struct gs_sim_options *opt,
                      struct gs_profile *out, struct gs_error *err)
{
    double start = -INFINITY;
    const struct gs_simulate_tv_request req = {m, &start, 1, events, t_out, n_out, opt};
    return gs_simulate_tv(&req, out, err);
}

gs_status gs_simulate_tv(const struct gs_simulate_tv_request *req, struct gs_profile *out,
                         struct gs_error *err)
{
    const struct gs_model *models = req->models;
    const double *change_h = req->change_h, *t_out = req->t_out;
    const size_t n_models = req->n_models, n_out = req->n_out;
    const struct gs_event_list *events = req->events;
    const struct gs_sim_options *opt = req->sim;
    gs_status st = gs_simulate_options_check(opt, err);
    if (st != GS_OK)
        return st;
    if (n_models == 0)
        return gs_error_set(err, GS_INPUT, "models", "no model to simulate");
    for (size_t k = 1; k < n_models; k++)
        if (models[k].structure != models[0].structure ||
            (change_h && !(change_h[k] >= change_h[k - 1])))
            return gs_error_set(err, GS_INPUT, "models",
                                "model changes must keep the structure and come in time order");
    const struct gs_model *m = &models[0];
    for (size_t i = 0; t_out && i < n_out; i++)
        if (!isfinite(t_out[i]) || (i > 0 && t_out[i] < t_out[i - 1]))
            return gs_error_set(err, GS_INPUT, "times",
                                "output times must be finite and ascending");
    struct action *act = NULL;
    size_t n_act = 0, n_rec = 0;
    if ((st = build_actions(models, change_h, n_models, events, t_out == NULL, &act, &n_act,
                            err)) != GS_OK)
        return st;
    /* zero-order inputs are integrated (CVODE): the closed forms are for bolus doses */
    struct gs_sim_options o = *opt;
    for (size_t i = 0; i < n_act; i++) {
        n_rec += act[i].kind == ACT_OUT;
        if ((act[i].kind == ACT_INF_ON ||
             (act[i].kind == ACT_SS && act[i].rate > 0.0 && act[i].amt > 0.0)) &&
            o.solver != GS_SOLVER_CVODE) {
            if (o.solver == GS_SOLVER_EXACT) {
                gs_free(act);
                return gs_error_set(err, GS_UNSUPPORTED, "--solver",
                                    "'--solver exact' has no closed form for infusions (RATE "
                                    "not 0); use --solver auto or cvode");
            }
            o.solver = GS_SOLVER_CVODE;
        }
    }
    opt = &o;
    if (t_out == NULL && n_rec != n_out) {
        gs_free(act);
        return gs_error_set(err, GS_INPUT, "times",
                            "%zu outputs asked, %zu observation records in the events", n_out,
                            n_rec);
    }

    gs_simulate_profile_release(out);
    out->t_h = gs_malloc((n_out ? n_out : 1) * sizeof *out->t_h);
    out->conc_mg_l = gs_malloc((n_out ? n_out : 1) * sizeof *out->conc_mg_l);
    out->y = gs_malloc((n_out ? n_out : 1) * GS_N_STATES * sizeof *out->y);
    out->input_mg = gs_malloc((n_out ? n_out : 1) * sizeof *out->input_mg);
    const size_t n_extra = m->structure->n_extra, n_body = gs_model_n_body(m->structure);
    out->n_extra = n_extra;
    if (n_extra)
        out->y_extra = gs_malloc((n_out ? n_out : 1) * n_extra * sizeof *out->y_extra);
    if (!out->t_h || !out->conc_mg_l || !out->y || !out->input_mg || (n_extra && !out->y_extra)) {
        gs_free(act);
        gs_simulate_profile_release(out);
        return gs_error_set(err, GS_NOMEM, "profile", "out of memory for %zu output times", n_out);
    }
    out->n = n_out;

    /* the model in force: models[base], with the dialysis clearance added during a session */
    struct gs_model eff = *m;
    size_t base = 0;
    int hd_on = 0, cl_idx = gs_model_structure_param_index(m->structure, "CL");
    int off[GS_MAX_BODY + 1] = {0}; /* compartments turned off (EVID 2, CMT < 0), by CMT */
    double off_lost = 0.0; /* lost into the off central compartment since the reset point, mg */
    m = &eff;
    struct gs__prop prop;
    if ((st = gs__prop_init(&prop, m, opt, err)) != GS_OK) {
        gs_free(act);
        gs_simulate_profile_release(out);
        return st;
    }
    double t = 0.0;
    if (n_act && act[0].t < t)
        t = act[0].t;
    if (t_out && n_out && t_out[0] < t)
        t = t_out[0];
    double y[GS_MAX_STATES] = {0};
    gs__prop_reset(&prop, t, y);

    size_t ia = 0, io = 0;
    while (io < n_out) {
        double t_act = ia < n_act ? act[ia].t : INFINITY;
        if (t_out == NULL || t_act <= t_out[io]) {
            if ((st = gs__prop_advance(&prop, t_act, t_act, y, err)) != GS_OK)
                break;
            if (off[GS_CMT_CENTRAL]) /* booked once: the actions end in a reset point */
                out->reset_removed_mg += hold_central_off(&prop, t_act, y);
            int changed = 0;
            for (; ia < n_act && act[ia].t == t_act; ia++) {
                const struct action *a = &act[ia];
                double body = 0.0;
                for (size_t k = 0; k < n_body; k++)
                    body += y[gs_model_body_index(k)];
                const struct gs_model *am = &models[a->model];
                size_t state = a->cmt >= 1 ? gs_model_cmt_index(a->cmt) : 0;
                if (a->kind == ACT_MODEL || a->kind == ACT_HD_ON || a->kind == ACT_HD_OFF) {
                    if (a->kind == ACT_MODEL)
                        base = a->model;
                    else
                        hd_on = a->kind == ACT_HD_ON;
                    eff = models[base]; /* in force at once: an output that follows uses it */
                    if (hd_on)
                        eff.p[cl_idx] += eff.hd_cl_l_h;
                    changed = 1;
                } else if (a->kind == ACT_OUT) {
                    out->t_h[io] = t_act;
                    put_row(out, io, y);
                    out->conc_mg_l[io] = gs_model_conc(m, y);
                    out->input_mg[io] = out->dosed_mg + out->ss_added_mg - out->reset_removed_mg;
                    io++;
                } else if (a->kind == ACT_RESET) {
                    /* Guide VIII, EVID: "The kinetic system is re-initialized ... the amounts
                     * in each compartment are reset to zero, the on/off status of each
                     * compartment is reset to its initial status": running infusions end
                     * there (mrgsolve zeroes their rates at EVID 3 and 4) */
                    out->reset_removed_mg += body;
                    for (size_t k = 0; k < n_body; k++) {
                        y[gs_model_body_index(k)] = 0.0;
                        cancel_infusions(act, n_act, ia, (int)k + 1, &prop, out);
                        set_off(off, &prop, (int)k + 1, 0, 0);
                    }
                } else if (a->kind == ACT_CMT_OFF) {
                    /* an off compartment is emptied and held empty; what the depot absorbs
                     * into an off central compartment is lost (hold_central_off) */
                    int mask =
                        a->cmt > GS_N_BODY || (state == GS_Y_CENTRAL && central_feeds_back(am));
                    if (mask && prop.exact) { /* closed forms have no extra compartments */
                        st = gs_error_set(err, GS_UNSUPPORTED, "CMT",
                                          "CMT %d off at %g h: structure '%s' computes in "
                                          "closed form; use --solver cvode",
                                          a->cmt, t_act, am->structure->name);
                        break;
                    }
                    /* infusions running into it are cancelled, as mrgsolve drops their ends
                     * (devtran.cpp) */
                    cancel_infusions(act, n_act, ia, a->cmt, &prop, out);
                    out->reset_removed_mg += y[state];
                    y[state] = 0.0;
                    set_off(off, &prop, a->cmt, 1, mask);
                } else if (a->kind == ACT_CMT_ON) {
                    set_off(off, &prop, a->cmt, 0, 0);
                } else if (a->kind == ACT_VOID) {
                    continue;
                } else if (a->kind == ACT_SS) {
                    double yss[GS_MAX_BODY];
                    const struct gs_simulate_steady_state_request ss = {am, a->amt, a->cmt, a->ii,
                                                                        opt};
                    if ((st = gs__steady_state(&ss, a->rate, yss, NULL, err)))
                        break;
                    /* SS 1 resets the system first (Guide VI V.F): infusions running from
                     * earlier records end here; those of this record's regimen follow it */
                    for (size_t k = 0; a->ss_mode == 1 && k < n_body; k++)
                        cancel_infusions(act, n_act, ia, (int)k + 1, &prop, out);
                    double after = 0.0;
                    for (size_t k = 0; k < n_body; k++) {
                        size_t i = gs_model_body_index(k);
                        y[i] = a->ss_mode == 2 ? y[i] + yss[k] : yss[k];
                        after += y[i];
                    }
                    out->ss_added_mg += after - body;
                } else if (a->kind == ACT_INF_ON || a->kind == ACT_INF_OFF) {
                    int on = a->kind == ACT_INF_ON;
                    size_t b = (size_t)a->cmt - 1; /* the body compartment */
                    prop.inf_mg_h[b] += on ? a->rate : -a->rate;
                    prop.n_inf[b] += on ? 1 : -1;
                    if (prop.n_inf[b] == 0)
                        prop.inf_mg_h[b] = 0.0; /* no rounding residue */
                    if (on) {
                        y[GS_Y_UNABSORBED] += a->amt * (1.0 - bioavailable(am, a->cmt));
                        out->dosed_mg += a->amt;
                        set_off(off, &prop, a->cmt, 0, 0);
                    }
                    prop.need_reinit = 1;
                } else {
                    am->structure->dose(am->p, a->cmt, a->amt, y);
                    out->dosed_mg += a->amt;
                    set_off(off, &prop, a->cmt, 0, 0);
                }
            }
            if (st != GS_OK)
                break;
            if (changed)
                gs__prop_set_model(&prop, &eff);
            gs__prop_reset(&prop, t_act, y);
        } else {
            double stop = ia < n_act ? t_act : t_out[n_out - 1];
            if ((st = gs__prop_advance(&prop, t_out[io], stop, y, err)) != GS_OK)
                break;
            off_lost = off[GS_CMT_CENTRAL] ? hold_central_off(&prop, t_out[io], y) : 0.0;
            out->t_h[io] = t_out[io];
            put_row(out, io, y);
            out->conc_mg_l[io] = gs_model_conc(m, y); /* the model in force now */
            out->input_mg[io] = out->dosed_mg + out->ss_added_mg - out->reset_removed_mg - off_lost;
            io++;
        }
    }
    gs__prop_free(&prop);
    gs_free(act);
    if (st != GS_OK)
        gs_simulate_profile_release(out);
    return st;
}
