/* fuzz_titration.c - libFuzzer target for gs_regimen_parse_titration().
 *
 * The input (up to its first NUL byte) is a titration schedule "DAY:DOSExN[,...]". Invariants:
 *   success: 1 to GS_REGIMEN_MAX_STEPS steps; step starts are whole days from 0 to 365 d,
 *            strictly increasing; doses finite and > 0; intervals 24/N h for N = 1..24; the rest
 *            of the regimen untouched. The regimen is then validated and expanded: the dose
 *            records are sorted, finite and carry the steps' doses, and an allocation failure
 *            during expansion gives GS_NOMEM without a leak;
 *   failure: a negative status equal to err.code, err.field is the field passed, a non-empty
 *            one-line err.msg, and the regimen keeps no steps.
 */
#include <math.h>

#include "fuzz_common.h"
#include "gabasim/alloc.h"
#include "gabasim/regimen.h"

#define FIELD "--titrate"

static void check_steps(const struct gs_regimen *r, const char *text)
{
    FUZZ_CHECK("titration-steps", r->n_steps >= 1 && r->n_steps <= GS_REGIMEN_MAX_STEPS,
               "'%s' gave %zu steps", text, r->n_steps);
    for (size_t i = 0; i < r->n_steps; i++) {
        const struct gs_regimen_step *s = &r->steps[i];
        FUZZ_CHECK("titration-start",
                   isfinite(s->start_h) && s->start_h >= 0.0 && s->start_h <= 365.0 * 24.0 &&
                       fmod(s->start_h, 24.0) == 0.0,
                   "'%s' step %zu starts at %g h", text, i, s->start_h);
        FUZZ_CHECK("titration-order", i == 0 || s->start_h > r->steps[i - 1].start_h,
                   "'%s' step %zu starts at %g h, not after step %zu", text, i, s->start_h, i - 1);
        FUZZ_CHECK("titration-dose-finite", isfinite(s->dose_mg), "'%s' step %zu has dose %g mg",
                   text, i, s->dose_mg);
        FUZZ_CHECK("titration-dose-positive", !(s->dose_mg <= 0.0), "'%s' step %zu has dose %g mg",
                   text, i, s->dose_mg);
        double per_day = 24.0 / s->ii_h;
        FUZZ_CHECK("titration-interval",
                   isfinite(s->ii_h) && s->ii_h > 0.0 && per_day >= 1.0 && per_day <= 24.0 &&
                       fabs(per_day - nearbyint(per_day)) < 1e-9,
                   "'%s' step %zu has interval %g h", text, i, s->ii_h);
    }
    FUZZ_CHECK("titration-untouched",
               isnan(r->end_h) && r->n_doses == 0 && r->n_extra == 0 && r->n_missed == 0 &&
                   r->start_steady == 0 && r->cmt == GS_CMT_DEPOT,
               "'%s' changed fields other than the steps", text);
    FUZZ_CHECK("titration-maintenance", gs_regimen_maintenance(r) == &r->steps[r->n_steps - 1],
               "maintenance step is not the last step");
}

/* Validates and expands a parsed schedule, dosing two days past the last step. */
static void check_expand(struct gs_regimen *r, const char *text)
{
    r->end_h = r->steps[r->n_steps - 1].start_h + 48.0;
    struct gs_error err;
    fuzz_error_reset(&err);
    gs_status st = gs_regimen_validate(r, 1e5, &err);
    if (st != GS_OK) {
        fuzz_check_error(st, &err);
        return;
    }
    struct gs_event_list list = GS_EVENT_LIST_INIT;
    fuzz_error_reset(&err);
    st = gs_regimen_expand(r, &list, &err);
    if (st != GS_OK) {
        fuzz_check_error(st, &err);
        FUZZ_CHECK("expand", st == GS_NOMEM, "'%s' expansion failed: %s", text, err.msg);
        gs_event_list_release(&list);
        return;
    }
    FUZZ_CHECK("expand", list.n >= 1 && list.n < GS_MAX_DOSES, "'%s' expanded to %zu records", text,
               list.n);
    for (size_t i = 0; i < list.n; i++) {
        const struct gs_event *e = &list.ev[i];
        FUZZ_CHECK("expand", e->evid == GS_EVID_DOSE && e->cmt == GS_CMT_DEPOT && e->addl == 0,
                   "'%s' record %zu: evid %d cmt %d addl %ld", text, i, (int)e->evid, e->cmt,
                   e->addl);
        FUZZ_CHECK("expand", isfinite(e->time_h) && e->time_h >= 0.0 && e->time_h < r->end_h,
                   "'%s' record %zu at %g h (end %g h)", text, i, e->time_h, r->end_h);
        FUZZ_CHECK("expand", i == 0 || e->time_h >= list.ev[i - 1].time_h,
                   "'%s' records %zu and %zu out of order", text, i - 1, i);
        int known = 0;
        for (size_t s = 0; s < r->n_steps; s++)
            known |= e->amt_mg == r->steps[s].dose_mg;
        FUZZ_CHECK("expand", known, "'%s' record %zu has dose %g mg of no step", text, i,
                   e->amt_mg);
    }
    double last = gs_regimen_last_dose_h(r);
    FUZZ_CHECK("expand", last == list.ev[list.n - 1].time_h,
               "'%s' last dose %g h, last record %g h", text, last, list.ev[list.n - 1].time_h);
    size_t n = list.n;
    gs_event_list_release(&list);

    /* The first or second allocation failing: GS_NOMEM (or success when the list needs no
     * second allocation), a message, nothing leaked (LeakSanitizer). */
    for (long k = 1; k <= 2; k++) {
        fuzz_error_reset(&err);
        gs_alloc_fail_after(k);
        st = gs_regimen_expand(r, &list, &err);
        gs_alloc_fail_after(0);
        if (st == GS_OK)
            FUZZ_CHECK("oom", list.n == n, "'%s' expanded to %zu then %zu records", text, n,
                       list.n);
        else {
            FUZZ_CHECK("oom", st == GS_NOMEM, "'%s' allocation %ld failing gave status %d", text, k,
                       (int)st);
            fuzz_check_error(st, &err);
        }
        gs_event_list_release(&list);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    /* An exact-size heap copy, so that ASan sees any read past the terminator. */
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    if (size)
        memcpy(text, data, size);
    text[size] = '\0';

    struct gs_regimen r;
    gs_regimen_init(&r);
    struct gs_error err;
    fuzz_error_reset(&err);
    gs_status st = gs_regimen_parse_titration(&r, text, FIELD, &err);
    if (st == GS_OK) {
        check_steps(&r, text);
        check_expand(&r, text);
    } else {
        fuzz_check_error(st, &err);
        FUZZ_CHECK("status", st == GS_INPUT, "status %d; parse errors are GS_INPUT", (int)st);
        FUZZ_CHECK("field", strcmp(err.field, FIELD) == 0, "err.field '%s', expected '%s'",
                   err.field, FIELD);
        FUZZ_CHECK("titration-atomic", r.n_steps == 0, "failed parse left %zu steps", r.n_steps);
    }

    free(text);
    return 0;
}
