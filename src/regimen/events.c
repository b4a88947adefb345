/* events.c - the NONMEM-style event list: growth, ADDL expansion, validation. */
#include "gabasim/events.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gabasim/alloc.h"

gs_status gs_event_list_push(struct gs_event_list *l, const struct gs_event *e)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        struct gs_event *p = gs_realloc(l->ev, cap * sizeof *p);
        if (p == NULL)
            return GS_NOMEM;
        l->ev = p;
        l->cap = cap;
    }
    l->ev[l->n++] = *e;
    return GS_OK;
}

void gs_event_list_release(struct gs_event_list *l)
{
    gs_free(l->ev);
    l->ev = NULL;
    l->n = l->cap = 0;
}

struct gs_event gs_event_dose(double time_h, double amt_mg, int cmt)
{
    struct gs_event e = {time_h, GS_EVID_DOSE, amt_mg, cmt, 0.0, 0.0, 0, 0, 0.0};
    return e;
}

/* Insertion sort: stable, and event lists arrive nearly sorted. */
void gs_event_list_sort(struct gs_event_list *l)
{
    for (size_t i = 1; i < l->n; i++) {
        struct gs_event e = l->ev[i];
        size_t j = i;
        while (j > 0 && l->ev[j - 1].time_h > e.time_h) {
            l->ev[j] = l->ev[j - 1];
            j--;
        }
        l->ev[j] = e;
    }
}

gs_status gs_event_list_expand(struct gs_event_list *l, struct gs_error *err)
{
    size_t total = 0;
    for (size_t i = 0; i < l->n; i++) {
        long addl = l->ev[i].addl > 0 ? l->ev[i].addl : 0;
        if ((size_t)addl + 1 > GS_MAX_DOSES - total)
            return gs_error_set(err, GS_INPUT, "ADDL",
                                "the schedule has more than %d dose records after expanding ADDL; "
                                "allowed up to %d",
                                GS_MAX_DOSES, GS_MAX_DOSES);
        total += (size_t)addl + 1;
    }
    struct gs_event_list out = GS_EVENT_LIST_INIT;
    for (size_t i = 0; i < l->n; i++) {
        struct gs_event e = l->ev[i];
        long addl = e.addl > 0 ? e.addl : 0;
        e.addl = 0;
        /* a later SS=1 dose record cancels the additional doses still pending at it (Guide VI,
         * V.F: with SS=1 "compartment amounts resulting from prior dose event records are
         * 'zeroed out', and infusions in progress or pending additional doses are cancelled") */
        double cancel_at = INFINITY;
        for (size_t j = i + 1; addl > 0 && j < l->n; j++) {
            const struct gs_event *f = &l->ev[j];
            if (f->ss == 1 && (f->evid == GS_EVID_DOSE || f->evid == GS_EVID_RESET_DOSE) &&
                f->time_h >= e.time_h && f->time_h < cancel_at)
                cancel_at = f->time_h;
        }
        for (long k = 0; k <= addl; k++) {
            struct gs_event d = e;
            d.time_h = e.time_h + (double)k * e.ii_h;
            if (k > 0 && d.time_h >= cancel_at)
                break;
            if (k > 0) {
                d.ss = 0;
                if (d.evid == GS_EVID_RESET_DOSE)
                    d.evid = GS_EVID_DOSE;
            }
            if (gs_event_list_push(&out, &d) != GS_OK) {
                gs_event_list_release(&out);
                return gs_error_set(err, GS_NOMEM, "events", "out of memory expanding ADDL");
            }
        }
    }
    gs_event_list_release(l);
    *l = out;
    gs_event_list_sort(l);
    return GS_OK;
}

gs_status gs_event_list_validate(const struct gs_event_list *l, int n_cmt, struct gs_error *err)
{
    for (size_t i = 0; i < l->n; i++) {
        const struct gs_event *e = &l->ev[i];
        if (!(isfinite(e->time_h) && e->time_h >= 0.0))
            return gs_error_set(err, GS_INPUT, "TIME",
                                "event %zu: TIME is %g h; allowed 0 or later", i + 1, e->time_h);
        if (e->evid == GS_EVID_HD && !(e->dur_h > 0.0 && e->dur_h <= GS_HD_MAX_DUR_H))
            return gs_error_set(err, GS_INPUT, "DUR",
                                "event %zu: DUR is %g h; a haemodialysis session lasts above 0 to "
                                "%g h",
                                i + 1, e->dur_h, GS_HD_MAX_DUR_H);
        if (e->evid != GS_EVID_DOSE && e->evid != GS_EVID_RESET_DOSE)
            continue;
        if (!(isfinite(e->amt_mg) && e->amt_mg >= 0.0))
            return gs_error_set(err, GS_INPUT, "AMT",
                                "event %zu: AMT is %g mg; a dose must be 0 or above", i + 1,
                                e->amt_mg);
        if (e->cmt < 1 || e->cmt > n_cmt)
            return gs_error_set(err, GS_INPUT, "CMT", "event %zu: CMT is %d; allowed 1 to %d",
                                i + 1, e->cmt, n_cmt);
        int modelled =
            e->rate_mg_h == GS_RATE_MODELLED_RATE || e->rate_mg_h == GS_RATE_MODELLED_DURATION;
        if (!(isfinite(e->rate_mg_h) && (e->rate_mg_h >= 0.0 || modelled)))
            return gs_error_set(err, GS_INPUT, "RATE",
                                "event %zu: RATE is %g mg/h; allowed 0 (bolus), above 0, -1 "
                                "(modelled rate) or -2 (modelled duration)",
                                i + 1, e->rate_mg_h);
        if (modelled && !(isfinite(e->dur_h) && e->dur_h > 0.0))
            return gs_error_set(err, GS_INPUT, e->rate_mg_h == -1.0 ? "R" : "D",
                                "event %zu: RATE %g needs a modelled %s above 0; it is %g", i + 1,
                                e->rate_mg_h, e->rate_mg_h == -1.0 ? "rate" : "duration", e->dur_h);
        /* SS with AMT 0 and a rate: a constant infusion at steady state, no interval (NONMEM's
         * "steady-state with constant infusion"; a modelled duration has no meaning there) */
        int constant = e->ss && e->amt_mg == 0.0 && e->rate_mg_h != 0.0;
        if (constant && (e->rate_mg_h == GS_RATE_MODELLED_DURATION || e->addl > 0))
            return gs_error_set(err, GS_INPUT, e->addl > 0 ? "ADDL" : "RATE",
                                "event %zu: SS %d with AMT 0 and RATE %g is a constant "
                                "infusion; allowed RATE above 0 or -1 (modelled rate), ADDL 0",
                                i + 1, e->ss, e->rate_mg_h);
        if (!constant && (e->addl > 0 || e->ss) && !(isfinite(e->ii_h) && e->ii_h > 0.0))
            return gs_error_set(err, GS_INPUT, "II",
                                "event %zu: II is %g h with %s set; II must be above 0", i + 1,
                                e->ii_h, e->ss ? "SS" : "ADDL");
        if (e->addl < 0)
            return gs_error_set(err, GS_INPUT, "ADDL", "event %zu: ADDL is %ld; allowed 0 or more",
                                i + 1, e->addl);
        if (e->ss < 0 || e->ss > 2)
            return gs_error_set(err, GS_INPUT, "SS", "event %zu: SS is %d; allowed 0, 1, 2", i + 1,
                                e->ss);
    }
    return GS_OK;
}
