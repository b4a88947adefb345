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
    return in > 0.0 ? fabs(in - out) / in : fabs(in - out);
}

/* What happens at one instant, split out of the event records: a reset, a steady-state reset
 * and a dose may come from one record, the dose later by the lag. */
enum action_kind { ACT_MODEL, ACT_HD_ON, ACT_HD_OFF, ACT_RESET, ACT_SS, ACT_DOSE };
struct action {
    double t;
    enum action_kind kind;
    double amt;
    int cmt;
    double ii;
    int ss_mode;  /* ACT_SS: 1 replace the body's amounts, 2 add to them */
    size_t model; /* ACT_MODEL: index of the model taking over; else the model in force */
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
 * start). */
static size_t model_at(const double *change_h, size_t n_models, double t)
{
    size_t k = 0;
    while (k + 1 < n_models && change_h[k + 1] <= t)
        k++;
    return k;
}

static gs_status build_actions(const struct gs_model *models, const double *change_h,
                               size_t n_models, const struct gs_event_list *ev, struct action **out,
                               size_t *n_out, struct gs_error *err)
{
    struct action *a = NULL;
    size_t n = 0, cap = 0;
    int oom = 0;
    /* model changes first, so that at equal times they precede the doses (stable sort) */
    for (size_t k = 1; k < n_models && !oom; k++)
        oom |= push_action(&a, &n, &cap, (struct action){change_h[k], ACT_MODEL, 0, 0, 0, 0, k});
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
        oom |= push_action(&a, &n, &cap, (struct action){e->time_h, ACT_HD_ON, 0, 0, 0, 0, 0});
        oom |= push_action(&a, &n, &cap, (struct action){hd_end, ACT_HD_OFF, 0, 0, 0, 0, 0});
    }
    for (size_t i = 0; i < ev->n && !oom; i++) {
        const struct gs_event *e = &ev->ev[i];
        size_t k = model_at(change_h, n_models, e->time_h);
        if (e->ss && hd_end > -INFINITY) {
            gs_free(a);
            return gs_error_set(err, GS_UNSUPPORTED, "SS",
                                "a steady-state record (SS %d at %g h) with haemodialysis "
                                "sessions: the steady state between sessions is not per dose; "
                                "simulate from the first dose instead",
                                e->ss, e->time_h);
        }
        if (e->evid == GS_EVID_RESET || e->evid == GS_EVID_RESET_DOSE)
            oom |= push_action(&a, &n, &cap, (struct action){e->time_h, ACT_RESET, 0, 0, 0, 0, k});
        if (e->ss)
            oom |= push_action(
                &a, &n, &cap,
                (struct action){e->time_h, ACT_SS, e->amt_mg, e->cmt, e->ii_h, e->ss, k});
        if (e->evid == GS_EVID_DOSE || e->evid == GS_EVID_RESET_DOSE) {
            double lag = models[k].structure->lag(models[k].p, e->cmt);
            oom |=
                push_action(&a, &n, &cap,
                            (struct action){e->time_h + lag, ACT_DOSE, e->amt_mg, e->cmt, 0, 0, k});
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
        if (models[k].structure != models[0].structure || !(change_h[k] >= change_h[k - 1]))
            return gs_error_set(err, GS_INPUT, "models",
                                "model changes must keep the structure and come in time order");
    const struct gs_model *m = &models[0];
    for (size_t i = 0; i < n_out; i++)
        if (!isfinite(t_out[i]) || (i > 0 && t_out[i] < t_out[i - 1]))
            return gs_error_set(err, GS_INPUT, "times",
                                "output times must be finite and ascending");
    struct action *act = NULL;
    size_t n_act = 0;
    if ((st = build_actions(models, change_h, n_models, events, &act, &n_act, err)) != GS_OK)
        return st;

    gs_simulate_profile_release(out);
    out->t_h = gs_malloc((n_out ? n_out : 1) * sizeof *out->t_h);
    out->conc_mg_l = gs_malloc((n_out ? n_out : 1) * sizeof *out->conc_mg_l);
    out->y = gs_malloc((n_out ? n_out : 1) * GS_N_STATES * sizeof *out->y);
    out->input_mg = gs_malloc((n_out ? n_out : 1) * sizeof *out->input_mg);
    if (!out->t_h || !out->conc_mg_l || !out->y || !out->input_mg) {
        gs_free(act);
        gs_simulate_profile_release(out);
        return gs_error_set(err, GS_NOMEM, "profile", "out of memory for %zu output times", n_out);
    }
    out->n = n_out;

    /* the model in force: models[base], with the dialysis clearance added during a session */
    struct gs_model eff = *m;
    size_t base = 0;
    int hd_on = 0, cl_idx = gs_model_structure_param_index(m->structure, "CL");
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
    if (n_out && t_out[0] < t)
        t = t_out[0];
    double y[GS_N_STATES] = {0};
    gs__prop_reset(&prop, t, y);

    size_t ia = 0, io = 0;
    while (io < n_out) {
        double t_act = ia < n_act ? act[ia].t : INFINITY;
        if (t_act <= t_out[io]) {
            if ((st = gs__prop_advance(&prop, t_act, t_act, y, err)) != GS_OK)
                break;
            int changed = 0;
            for (; ia < n_act && act[ia].t == t_act; ia++) {
                const struct action *a = &act[ia];
                double body = 0.0;
                for (int k = 0; k < GS_N_BODY; k++)
                    body += y[k];
                const struct gs_model *am = &models[a->model];
                if (a->kind == ACT_MODEL) {
                    base = a->model;
                    changed = 1;
                } else if (a->kind == ACT_HD_ON || a->kind == ACT_HD_OFF) {
                    hd_on = a->kind == ACT_HD_ON;
                    changed = 1;
                } else if (a->kind == ACT_RESET) {
                    out->reset_removed_mg += body;
                    for (int k = 0; k < GS_N_BODY; k++)
                        y[k] = 0.0;
                } else if (a->kind == ACT_SS) {
                    double yss[GS_N_BODY];
                    if (a->ss_mode == 2 && am->structure->exact == NULL) {
                        st = gs_error_set(err, GS_UNSUPPORTED, "SS",
                                          "SS=2 (add a steady state to the current amounts) "
                                          "needs superposition; structure '%s' is nonlinear",
                                          am->structure->name);
                        break;
                    }
                    const struct gs_simulate_steady_state_request ss = {am, a->amt, a->cmt, a->ii,
                                                                        opt};
                    if ((st = gs_simulate_steady_state(&ss, yss, NULL, err)))
                        break;
                    double after = 0.0;
                    for (int k = 0; k < GS_N_BODY; k++) {
                        y[k] = a->ss_mode == 2 ? y[k] + yss[k] : yss[k];
                        after += y[k];
                    }
                    out->ss_added_mg += after - body;
                } else {
                    am->structure->dose(am->p, a->cmt, a->amt, y);
                    out->dosed_mg += a->amt;
                }
            }
            if (st != GS_OK)
                break;
            if (changed) {
                eff = models[base];
                if (hd_on)
                    eff.p[cl_idx] += eff.hd_cl_l_h;
                gs__prop_set_model(&prop, &eff);
            }
            gs__prop_reset(&prop, t_act, y);
        } else {
            double stop = ia < n_act ? t_act : t_out[n_out - 1];
            if ((st = gs__prop_advance(&prop, t_out[io], stop, y, err)) != GS_OK)
                break;
            out->t_h[io] = t_out[io];
            memcpy(&out->y[io * GS_N_STATES], y, sizeof y);
            out->conc_mg_l[io] = gs_model_conc(m, y); /* the model in force now */
            out->input_mg[io] = out->dosed_mg + out->ss_added_mg - out->reset_removed_mg;
            io++;
        }
    }
    gs__prop_free(&prop);
    gs_free(act);
    if (st != GS_OK)
        gs_simulate_profile_release(out);
    return st;
}
