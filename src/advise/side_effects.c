/* side_effects.c - the chance of each common side effect over the advice's calendar: the highest
 * daily average concentration so far drives each event's cumulative risk (data/adverse.json), at
 * days 3, 7 and 14 and the end, and day by day; and the fall-relevant chance of drowsiness or
 * dizziness. */
#include <math.h>
#include <string.h>

#include "advise_int.h"
#include "gabasim/alloc.h"
#include "gabasim/model.h"

/* The profile's grid step (h): 48 points a day. */
#define PER_DAY 48

gs_status gs__advise_side_effects(struct gs_advise_result *r, struct gs_error *err)
{
    struct gs_ae_model *ae = gs_malloc(sizeof *ae);
    if (ae == NULL)
        return gs_error_set(err, GS_NOMEM, "side effects", "out of memory");
    gs_status st = gs_ae_load(ae, NULL, err);
    if (st != GS_OK) {
        gs_free(ae);
        return st;
    }
    const double days = r->days;
    const struct gs_profile *prof = &r->profile;
    const int cp[4] = {days < 3 ? (int)days : 3, days < 7 ? (int)days : 7,
                       days < 14 ? (int)days : 14, (int)days};
    memcpy(r->checkpoint_day, cp, sizeof cp);
    size_t nd = (size_t)days;
    r->n_days = nd;
    /* cday[d]: the highest daily average concentration up to day d + 1 */
    double *cday = gs_calloc(nd + 1, sizeof *cday), running = 0.0;
    if (cday == NULL) {
        gs_free(ae);
        return gs_error_set(err, GS_NOMEM, "side effects", "out of memory");
    }
    for (size_t d = 0; d < nd; d++) {
        size_t i0 = PER_DAY * d, i1 = PER_DAY * (d + 1);
        if (i1 >= prof->n)
            i1 = prof->n - 1;
        double avg = (prof->y[i1 * GS_N_STATES + GS_Y_AUC] - prof->y[i0 * GS_N_STATES + GS_Y_AUC]) /
                     (prof->t_h[i1] - prof->t_h[i0]);
        running = fmax(running, avg);
        cday[d] = running;
    }
    const char *drug = gs_drug_name(r->drug);
    const double age = r->patient.age_y;
    const int cns = r->cns_depressant;
    int i_som = -1, i_diz = -1;
    for (size_t k = 0; k < ae->n && st == GS_OK; k++) {
        const struct gs_ae_event *e = &ae->ev[k];
        if (strcmp(e->drug, drug) != 0)
            continue;
        struct gs_advise_side_effect *s = &r->side_effects[r->n_side_effects];
        if ((s->by_day = gs_malloc((nd ? nd : 1) * sizeof *s->by_day)) == NULL) {
            st = gs_error_set(err, GS_NOMEM, "side effects", "out of memory");
            break;
        }
        r->n_side_effects++;
        memcpy(s->event, e->event, sizeof s->event);
        for (int j = 0; j < 4; j++) {
            size_t d = (size_t)cp[j] <= nd ? (size_t)cp[j] : nd;
            s->risk[j] = gs_ae_risk(ae, e, d ? cday[d - 1] : 0.0, age, cns, (double)d);
        }
        for (size_t d = 1; d <= nd; d++)
            s->by_day[d - 1] = gs_ae_risk(ae, e, cday[d - 1], age, cns, (double)d);
        i_som = strcmp(e->event, "somnolence") == 0 ? (int)r->n_side_effects - 1 : i_som;
        i_diz = strcmp(e->event, "dizziness") == 0 ? (int)r->n_side_effects - 1 : i_diz;
    }
    if (st == GS_OK && i_som >= 0 && i_diz >= 0) {
        /* taken as independent: an upper bound, since the two go together */
        const double *a = r->side_effects[i_som].by_day, *b = r->side_effects[i_diz].by_day;
        if ((r->fall_risk_by_day = gs_malloc((nd ? nd : 1) * sizeof *r->fall_risk_by_day)))
            for (size_t d = 0; d < nd; d++)
                r->fall_risk_by_day[d] = 1.0 - (1.0 - a[d]) * (1.0 - b[d]);
        else
            st = gs_error_set(err, GS_NOMEM, "side effects", "out of memory");
    }
    gs_free(cday);
    gs_free(ae);
    return st;
}
