/* regimen.c - steps, titration, extra and missed doses -> dose records. */
#include "gabasim/regimen.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gabasim/units.h"

/* Two dose times closer than this are the same time (1/100 s, far below any dosing detail). */
#define SAME_TIME_H 1e-6

void gs_regimen_init(struct gs_regimen *r)
{
    memset(r, 0, sizeof *r);
    r->end_h = NAN;
    r->cmt = GS_CMT_DEPOT;
}

const struct gs_regimen_step *gs_regimen_maintenance(const struct gs_regimen *r)
{
    return r->n_steps ? &r->steps[r->n_steps - 1] : NULL;
}

gs_status gs_regimen_parse_titration(struct gs_regimen *r, const char *text, const char *field,
                                     struct gs_error *err)
{
    char buf[1024];
    if (text == NULL || strlen(text) >= sizeof buf || *text == '\0')
        return gs_error_set(err, GS_INPUT, field,
                            "'%s' must be 1 to %zu characters like '1:300mgx1,2:300mgx2'", field,
                            sizeof buf - 1);
    memcpy(buf, text, strlen(text) + 1);
    size_t n = 0;
    long prev_day = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        char *colon = strchr(tok, ':');
        char *x = strrchr(tok, 'x');
        if (colon == NULL || x == NULL || x < colon)
            return gs_error_set(err, GS_INPUT, field,
                                "'%s' step '%s' is not DAY:DOSExN (e.g. 2:300mgx2 = from day 2, "
                                "300 mg twice a day)",
                                field, tok);
        *colon = '\0';
        *x = '\0';
        long day = 0, per_day = 0;
        double dose = 0.0;
        gs_status st;
        if ((st = gs_units_parse_count(tok, field, 366, &day, err)) != GS_OK)
            return st;
        if (day < 1 || day <= prev_day)
            return gs_error_set(err, GS_INPUT, field,
                                "'%s' day %ld is out of order; days start at 1 and increase", field,
                                day);
        if ((st = gs_units_parse_quantity(colon + 1, GS_DIM_DOSE, field, &dose, err)) != GS_OK)
            return st;
        if (!(dose >= GS_MIN_DOSE_MG))
            return gs_error_set(err, GS_INPUT, field,
                                "'%s' day %ld dose is %g mg; allowed %g mg or more", field, day,
                                dose, GS_MIN_DOSE_MG);
        if ((st = gs_units_parse_count(x + 1, field, 24, &per_day, err)) != GS_OK)
            return st;
        if (per_day < 1)
            return gs_error_set(err, GS_INPUT, field,
                                "'%s' day %ld has %ld doses a day; allowed 1 to 24", field, day,
                                per_day);
        if (n == GS_REGIMEN_MAX_STEPS)
            return gs_error_set(err, GS_INPUT, field, "'%s' has more than %d steps", field,
                                GS_REGIMEN_MAX_STEPS);
        r->steps[n].start_h = 24.0 * (double)(day - 1);
        r->steps[n].dose_mg = dose;
        r->steps[n].ii_h = 24.0 / (double)per_day;
        n++;
        prev_day = day;
    }
    if (n == 0)
        return gs_error_set(err, GS_INPUT, field, "'%s' has no steps", field);
    r->n_steps = n;
    return GS_OK;
}

/* Calls fn(time, dose, ctx) for each scheduled dose in time order; stops early if fn returns
 * non-zero. Returns the number of doses visited. */
static long each_scheduled(const struct gs_regimen *r, int (*fn)(double, double, void *), void *ctx)
{
    long count = 0;
    for (size_t s = 0; s < r->n_steps; s++) {
        const struct gs_regimen_step *st = &r->steps[s];
        double stop = s + 1 < r->n_steps ? r->steps[s + 1].start_h : INFINITY;
        if (r->n_doses <= 0)
            stop = fmin(stop, r->end_h);
        for (long k = 0;; k++) {
            double t = st->start_h + (double)k * st->ii_h;
            if (t >= stop - SAME_TIME_H)
                break;
            if (r->n_doses > 0 && count >= r->n_doses)
                return count;
            count++;
            if (fn && fn(t, st->dose_mg, ctx))
                return count;
            if (count >= GS_MAX_DOSES)
                return count;
        }
    }
    return count;
}

static int is_missed(const struct gs_regimen *r, double t)
{
    for (size_t i = 0; i < r->n_missed; i++)
        if (fabs(r->missed_h[i] - t) <= SAME_TIME_H)
            return 1;
    return 0;
}

struct find_ctx {
    double t;
    int found;
};

static int find_time(double t, double dose, void *ctx)
{
    (void)dose;
    struct find_ctx *c = ctx;
    if (fabs(t - c->t) <= SAME_TIME_H)
        c->found = 1;
    return c->found;
}

gs_status gs_regimen_validate(const struct gs_regimen *r, double max_dose_mg, struct gs_error *err)
{
    if (r->n_steps == 0)
        return gs_error_set(err, GS_INPUT, "--dose", "no dose given; use '--dose' or '--titrate'");
    for (size_t s = 0; s < r->n_steps; s++) {
        const struct gs_regimen_step *st = &r->steps[s];
        if (!(st->dose_mg >= GS_MIN_DOSE_MG && st->dose_mg <= max_dose_mg))
            return gs_error_set(err, GS_INPUT, "--dose",
                                "'--dose' is %g mg; allowed %g to %g mg (this drug's "
                                "documented simulation ceiling)",
                                st->dose_mg, GS_MIN_DOSE_MG, max_dose_mg);
        if (!(st->ii_h > 0.0 && st->ii_h <= GS_MAX_INTERVAL_H))
            return gs_error_set(err, GS_INPUT, "--every",
                                "'--every' is %g h; allowed above 0 to %g h", st->ii_h,
                                GS_MAX_INTERVAL_H);
        if (s > 0 && !(st->start_h > r->steps[s - 1].start_h))
            return gs_error_set(err, GS_INPUT, "--titrate", "titration steps must start in order");
    }
    if (r->n_doses <= 0 && !(r->end_h > 0.0 && r->end_h <= GS_MAX_DURATION_H))
        return gs_error_set(err, GS_INPUT, "--days",
                            "the dosing duration is %g h; allowed above 0 to %g h (365 days)",
                            r->end_h, GS_MAX_DURATION_H);
    if (r->n_doses > GS_MAX_DOSES)
        return gs_error_set(err, GS_INPUT, "--doses", "'--doses' is %ld; allowed 1 to %d",
                            r->n_doses, GS_MAX_DOSES);
    long n_sched = each_scheduled(r, NULL, NULL);
    if (n_sched == 0 && r->n_extra == 0)
        return gs_error_set(err, GS_INPUT, "--days",
                            "no dose falls within the dosing duration (%g h); give a longer "
                            "'--days'",
                            r->end_h);
    if (n_sched >= GS_MAX_DOSES)
        return gs_error_set(err, GS_INPUT, "--every",
                            "the regimen has %d or more doses; allowed fewer (use a longer "
                            "interval or a shorter duration)",
                            GS_MAX_DOSES);
    for (size_t i = 0; i < r->n_extra; i++) {
        const struct gs_regimen_extra *x = &r->extra[i];
        if (!(x->dose_mg >= GS_MIN_DOSE_MG && x->dose_mg <= max_dose_mg))
            return gs_error_set(err, GS_INPUT, "--extra",
                                "'--extra' dose is %g mg; allowed %g to %g mg", x->dose_mg,
                                GS_MIN_DOSE_MG, max_dose_mg);
        if (!(x->time_h >= 0.0 && x->time_h <= GS_MAX_DURATION_H))
            return gs_error_set(err, GS_INPUT, "--extra",
                                "'--extra' time is %g h; allowed 0 to %g h", x->time_h,
                                GS_MAX_DURATION_H);
    }
    if (r->hd.per_week > 0) {
        gs_status st = gs_hd_schedule_check(&r->hd, "--hd-schedule", err);
        if (st != GS_OK)
            return st;
        double sup = r->hd.supplement_mg;
        if (isnan(sup) || (sup != 0.0 && !(sup >= GS_MIN_DOSE_MG && sup <= max_dose_mg)))
            return gs_error_set(err, GS_INPUT, "--hd-schedule",
                                "'--hd-schedule' field 'supplement' is %g mg; allowed 0 (none) or "
                                "%g to %g mg",
                                sup, GS_MIN_DOSE_MG, max_dose_mg);
        if (r->start_steady)
            return gs_error_set(err, GS_INPUT, "--start-steady",
                                "'--start-steady' cannot be used with dialysis sessions: the "
                                "steady state between sessions is weekly, not per dose");
    }
    for (size_t i = 0; i < r->n_missed; i++) {
        struct find_ctx c = {r->missed_h[i], 0};
        each_scheduled(r, find_time, &c);
        if (!c.found)
            return gs_error_set(err, GS_INPUT, "--miss",
                                "'--miss' is %g h but no dose is scheduled then; give the time of "
                                "a scheduled dose",
                                r->missed_h[i]);
    }
    return GS_OK;
}

struct expand_ctx {
    const struct gs_regimen *r;
    struct gs_event_list *out;
    gs_status st;
    int first;
};

static int emit(double t, double dose, void *ctx)
{
    struct expand_ctx *c = ctx;
    int first = c->first;
    c->first = 0;
    int missed = is_missed(c->r, t);
    if (missed && !(first && c->r->start_steady))
        return 0;
    struct gs_event e = gs_event_dose(t, dose, c->r->cmt);
    if (first && c->r->start_steady) {
        /* At steady state on this dose; if this very dose is missed, the record still sets the
         * steady state but gives nothing (EVID 2 with SS 1, an engine-internal combination). */
        e.ss = 1;
        e.ii_h = c->r->steps[0].ii_h;
        if (missed)
            e.evid = GS_EVID_OTHER;
    }
    c->st = gs_event_list_push(c->out, &e);
    return c->st != GS_OK;
}

static int track_last(double t, double dose, void *ctx);

/* The dialysis sessions, and the supplement as each ends while doses are given. */
static gs_status expand_sessions(const struct gs_regimen *r, struct gs_event_list *out)
{
    double dosing_end = r->end_h;
    if (r->n_doses > 0) {
        double last = NAN;
        each_scheduled(r, track_last, &last);
        dosing_end = last + gs_regimen_maintenance(r)->ii_h;
    }
    for (long j = 0;; j++) {
        double t = gs_hd_session_start_h(&r->hd, j);
        if (!(t < GS_HD_HORIZON_H))
            break;
        struct gs_event e = {t, GS_EVID_HD, 0.0, 0, 0.0, 0.0, 0, 0, r->hd.hours};
        gs_status st = gs_event_list_push(out, &e);
        double end = t + r->hd.hours;
        if (st == GS_OK && r->hd.supplement_mg > 0.0 && end < dosing_end - SAME_TIME_H) {
            struct gs_event d = gs_event_dose(end, r->hd.supplement_mg, r->cmt);
            st = gs_event_list_push(out, &d);
        }
        if (st != GS_OK)
            return st;
    }
    return GS_OK;
}

gs_status gs_regimen_expand(const struct gs_regimen *r, struct gs_event_list *out,
                            struct gs_error *err)
{
    struct expand_ctx c = {r, out, GS_OK, 1};
    each_scheduled(r, emit, &c);
    for (size_t i = 0; c.st == GS_OK && i < r->n_extra; i++) {
        struct gs_event e = gs_event_dose(r->extra[i].time_h, r->extra[i].dose_mg, r->cmt);
        c.st = gs_event_list_push(out, &e);
    }
    if (c.st == GS_OK && r->hd.per_week > 0)
        c.st = expand_sessions(r, out);
    if (c.st != GS_OK)
        return gs_error_set(err, c.st, "regimen", "out of memory expanding the regimen");
    gs_event_list_sort(out);
    return GS_OK;
}

static int track_last(double t, double dose, void *ctx)
{
    (void)dose;
    *(double *)ctx = t;
    return 0;
}

double gs_regimen_last_dose_h(const struct gs_regimen *r)
{
    double last = NAN;
    each_scheduled(r, track_last, &last);
    for (size_t i = 0; i < r->n_extra; i++)
        if (isnan(last) || r->extra[i].time_h > last)
            last = r->extra[i].time_h;
    return last;
}
