/* pain_effect.c - the drug's effect on pain over time (see gabasim/pain_effect.h). */
#include "gabasim/pain_effect.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/datafile.h"
#include "gabasim/drug.h"
#include "gabasim/pd.h"
#include "gabasim/simulate.h"

#define GRID_H 0.1 /* plasma grid for the effect site: 6 min */

#define REQ GS_DATAFILE_REQUIRED
#define OPT GS_DATAFILE_OPTIONAL

/* A 95 % interval `ci` at path.ci: ascending, and holding its estimate (path.key, NaN: not
 * given). */
static gs_status check_interval(const char *path, const char *key, double estimate,
                                const double ci[2], struct gs_error *err)
{
    char f[128];
    gs_datafile_field(f, sizeof f, path, "ci");
    if (!(ci[0] <= ci[1]))
        return gs_error_set(err, GS_INPUT, f, "'%s' is [%g, %g]; allowed: ascending", f, ci[0],
                            ci[1]);
    if (!isnan(estimate) && !(estimate >= ci[0] && estimate <= ci[1])) {
        char k[128];
        gs_datafile_field(k, sizeof k, path, key);
        return gs_error_set(err, GS_INPUT, k, "'%s' is %g; allowed inside '%s' [%g, %g]", k,
                            estimate, f, ci[0], ci[1]);
    }
    return GS_OK;
}

/* One entry of drug_effect.effects: measured (target, trial, emax) or borrowed (emax_as). */
static gs_status parse_effect(const cJSON *it, const char *path, struct gs_pain_effect *e,
                              struct gs_error *err)
{
    /* the ranges of docs/model.md, "Pain over time": a difference on the 0-10 rating scale lies
     * within -10 to 10; Emax is a fraction of the remaining pain, from -1 (the pain doubled: harm)
     * to 0.99 (below 1, so the pain on drug stays above 0 and a responder probability defined);
     * the calibration trial lasts whole days, at most a year, at a CrCl of a patient */
    static const struct gs_datafile_range md = {-10.0, 10.0, 0, 0, NULL, NULL};
    static const struct gs_datafile_range emax = {-1.0, 0.99, 0, 0, NULL, NULL};
    static const struct gs_datafile_range days = {1.0, 365.0, 0, 1, "d", NULL};
    static const struct gs_datafile_range crcl = {0.0, 250.0, 1, 0, "mL/min", NULL};
    const cJSON *as, *tr, *tg, *em;
    double ci[2];
    size_t n;
    char f[96];
    gs_status st;
    e->target_md = e->target_lo = e->target_hi = NAN;
    e->emax = e->emax_lo = e->emax_hi = NAN;
    e->trial_days = e->trial_crcl = NAN;
    if (!cJSON_IsObject(it))
        return gs_error_set(err, GS_INPUT, path, "'%s' is not an object; allowed an object", path);
    if ((st = gs_datafile_string_copy(it, path, "drug", REQ, e->drug, sizeof e->drug, err)) ||
        (st = gs_datafile_string_copy(it, path, "pain_type", REQ, e->pain_type, sizeof e->pain_type,
                                      err)) ||
        (st = gs_datafile_object(it, path, "emax_as", OPT, &as, err)))
        return st;
    if (as) { /* an effect borrowed from another drug or pain type (a stated assumption) */
        gs_datafile_field(f, sizeof f, path, "emax_as");
        return (st =
                    gs_datafile_string_copy(as, f, "drug", REQ, e->as_drug, sizeof e->as_drug, err))
                   ? st
                   : gs_datafile_string_copy(as, f, "pain_type", REQ, e->as_pain_type,
                                             sizeof e->as_pain_type, err);
    }
    if ((st = gs_datafile_object(it, path, "trial", REQ, &tr, err)) ||
        (st = gs_datafile_object(it, path, "target", REQ, &tg, err)) ||
        (st = gs_datafile_object(it, path, "emax", OPT, &em, err)))
        return st;
    char ftr[96], ftg[96], fem[96];
    gs_datafile_field(ftr, sizeof ftr, path, "trial");
    gs_datafile_field(ftg, sizeof ftg, path, "target");
    gs_datafile_field(fem, sizeof fem, path, "emax");
    if ((st = gs_datafile_string_copy(tr, ftr, "titrate", REQ, e->titrate, sizeof e->titrate,
                                      err)) ||
        (st = gs_datafile_number(tr, ftr, "days", OPT, &days, &e->trial_days, err)) ||
        (st = gs_datafile_number(tr, ftr, "crcl", OPT, &crcl, &e->trial_crcl, err)) ||
        (st = gs_datafile_number(tg, ftg, "md", OPT, &md, &e->target_md, err)) ||
        (st = gs_datafile_numbers(
             tg,
             &(struct gs_datafile_spec){
                 .path = ftg, .key = "ci", .need = REQ, .range = &md, .min_n = 2, .max_n = 2},
             ci, &n, err)))
        return st;
    e->target_lo = ci[0];
    e->target_hi = ci[1];
    if ((st = check_interval(ftg, "md", e->target_md, ci, err)))
        return st;
    if (em == NULL)
        return GS_OK;
    if ((st = gs_datafile_number(em, fem, "value", OPT, &emax, &e->emax, err)) ||
        (st = gs_datafile_numbers(
             em,
             &(struct gs_datafile_spec){
                 .path = fem, .key = "ci", .need = OPT, .range = &emax, .min_n = 2, .max_n = 2},
             ci, &n, err)))
        return st;
    if (n == 2) {
        e->emax_lo = ci[0];
        e->emax_hi = ci[1];
    }
    return n == 2 ? check_interval(fem, "value", e->emax, ci, err) : GS_OK;
}

/* drug_effect.between_person (optional; without it omega is 0: everyone has the typical effect).
 * Ranges (docs/model.md, "Between persons"): omega a log-SD from 0 to 3 (beyond 3 nearly all of
 * the mean effect sits in a few people at the cap); responder rates shares from 0 to 1; n whole
 * participants, 1 to 100000. */
static gs_status parse_spread(struct gs_pain_spread *sp, const cJSON *de, struct gs_error *err)
{
    static const struct gs_datafile_range omega = {0.0, 3.0, 0, 0, "log-SD", NULL};
    static const struct gs_datafile_range share = {0.0, 1.0, 0, 0, "share", NULL};
    static const struct gs_datafile_range count = {1.0, 100000.0, 0, 1, "participants", NULL};
    static const char *const P = "drug_effect.between_person";
    const cJSON *bp, *om, *cal;
    double ci[2];
    size_t n;
    gs_status st;
    memset(sp, 0, sizeof *sp);
    sp->omega_lo = sp->omega_hi = 0.0;
    for (int k = 0; k < 2; k++)
        sp->rate30[k] = sp->rate50[k] = sp->n[k] = NAN;
    if ((st = gs_datafile_object(de, "drug_effect", "between_person", OPT, &bp, err)) || !bp)
        return st;
    const char *const PO = "drug_effect.between_person.omega";
    const char *const PC = "drug_effect.between_person.calibration";
    if ((st = gs_datafile_object(bp, P, "omega", REQ, &om, err)) ||
        (st = gs_datafile_number(om, PO, "value", REQ, &omega, &sp->omega, err)) ||
        (st = gs_datafile_numbers(
             om,
             &(struct gs_datafile_spec){
                 .path = PO, .key = "ci", .need = REQ, .range = &omega, .min_n = 2, .max_n = 2},
             ci, &n, err)) ||
        (st = check_interval(PO, "value", sp->omega, ci, err)))
        return st;
    sp->omega_lo = ci[0];
    sp->omega_hi = ci[1];
    if ((st = gs_datafile_object(bp, P, "calibration", REQ, &cal, err)) ||
        (st = gs_datafile_string_copy(cal, PC, "drug", REQ, sp->drug, sizeof sp->drug, err)) ||
        (st = gs_datafile_string_copy(cal, PC, "pain_type", REQ, sp->pain_type,
                                      sizeof sp->pain_type, err)))
        return st;
    static const char *const key[3] = {"responders30", "responders50", "n"};
    double *dst[3] = {sp->rate30, sp->rate50, sp->n};
    for (int k = 0; k < 3; k++)
        if ((st = gs_datafile_numbers(cal,
                                      &(struct gs_datafile_spec){.path = PC,
                                                                 .key = key[k],
                                                                 .need = REQ,
                                                                 .range = k < 2 ? &share : &count,
                                                                 .min_n = 2,
                                                                 .max_n = 2},
                                      dst[k], &n, err)))
            return st;
    return GS_OK;
}

static gs_status parse_drug_effect(struct gs_pain_model *pm, const cJSON *root,
                                   struct gs_error *err)
{
    /* docs/model.md, "Pain over time": k_on up to 100 /d (an onset half-time of 10 min at the
     * fastest); EC50 a plasma concentration, as the side-effect ED50s (above 0, up to 1000 mg/L);
     * ke0 as in the drug files (above 0, up to 100 /h) */
    static const struct gs_datafile_range k_on = {0.0, 100.0, 1, 0, "1/d", NULL};
    static const struct gs_datafile_range ec50 = {0.0, 1000.0, 1, 0, "mg/L", NULL};
    static const struct gs_datafile_range ke0 = {0.0, 100.0, 1, 0, "1/h", NULL};
    const cJSON *de, *drugs, *effects, *it;
    gs_status st;
    if ((st = gs_datafile_object(root, "", "drug_effect", REQ, &de, err)) ||
        (st = gs_datafile_quantity(
             de,
             &(struct gs_datafile_spec){
                 .path = "drug_effect", .key = "k_on", .need = REQ, .range = &k_on},
             &pm->k_on_per_d, NULL, err)) ||
        (st = gs_datafile_object(de, "drug_effect", "drugs", REQ, &drugs, err)) ||
        (st = gs_datafile_array(de, "drug_effect", "effects", REQ, &effects, err)) ||
        (st = parse_spread(&pm->spread, de, err)))
        return st;
    cJSON_ArrayForEach(it, drugs)
    {
        char f[96];
        if (pm->n_drugs == sizeof pm->drug / sizeof pm->drug[0])
            return gs_error_set(err, GS_INPUT, "drug_effect.drugs",
                                "'drug_effect.drugs' has more than %zu drugs; allowed at most %zu",
                                pm->n_drugs, pm->n_drugs);
        snprintf(f, sizeof f, "drug_effect.drugs.%.31s", it->string);
        if (strlen(it->string) >= sizeof pm->drug[0].name)
            return gs_error_set(err, GS_INPUT, f,
                                "'%s...' is a name of %zu characters; allowed "
                                "at most %zu",
                                f, strlen(it->string), sizeof pm->drug[0].name - 1);
        pm->drug[pm->n_drugs].ke0_per_h = NAN;
        if (!cJSON_IsObject(it))
            return gs_error_set(err, GS_INPUT, f,
                                "'%s' is not an object; allowed an object "
                                "with ec50",
                                f);
        if ((st = gs_datafile_quantity(
                 it,
                 &(struct gs_datafile_spec){.path = f, .key = "ec50", .need = REQ, .range = &ec50},
                 &pm->drug[pm->n_drugs].ec50_mg_l, NULL, err)) ||
            (st = gs_datafile_quantity(
                 it,
                 &(struct gs_datafile_spec){.path = f, .key = "ke0", .need = OPT, .range = &ke0},
                 &pm->drug[pm->n_drugs].ke0_per_h, NULL, err)))
            return st;
        snprintf(pm->drug[pm->n_drugs].name, sizeof pm->drug[0].name, "%s", it->string);
        pm->n_drugs++;
    }
    cJSON_ArrayForEach(it, effects)
    {
        if (pm->n_effects == GS_PAIN_MAX_EFFECTS)
            return gs_error_set(
                err, GS_INPUT, "drug_effect.effects",
                "'drug_effect.effects' has more than %d entries; allowed at most %d",
                GS_PAIN_MAX_EFFECTS, GS_PAIN_MAX_EFFECTS);
        char path[64];
        snprintf(path, sizeof path, "drug_effect.effects[%zu]", pm->n_effects);
        if ((st = parse_effect(it, path, &pm->effect[pm->n_effects], err)))
            return st;
        pm->n_effects++;
    }
    for (size_t i = 0; i < pm->n_effects; i++) {
        struct gs_pain_effect *e = &pm->effect[i];
        if (e->as_drug[0] == '\0')
            continue;
        const struct gs_pain_effect *src = gs_pain_find(pm, e->as_drug, e->as_pain_type);
        if (src == NULL || src->as_drug[0] != '\0')
            return gs_error_set(err, GS_INPUT, "emax_as",
                                "effect %s/%s borrows from %s/%s, which is not a calibrated "
                                "effect",
                                e->drug, e->pain_type, e->as_drug, e->as_pain_type);
        e->emax = src->emax;
        e->emax_lo = src->emax_lo;
        e->emax_hi = src->emax_hi;
    }
    if (pm->spread.drug[0] && !gs_pain_find(pm, pm->spread.drug, pm->spread.pain_type))
        return gs_error_set(err, GS_INPUT, "drug_effect.between_person.calibration",
                            "'drug_effect.between_person.calibration' names %s/%s; allowed: a "
                            "calibrated effect of drug_effect.effects",
                            pm->spread.drug, pm->spread.pain_type);
    return GS_OK;
}

gs_status gs_pain_parse(struct gs_pain_model *pm, const char *text, size_t len, const char *path,
                        struct gs_error *err)
{
    memset(pm, 0, sizeof *pm);
    gs_status st = gs_placebo_parse(&pm->placebo, text, len, path, err);
    if (st != GS_OK)
        return st;
    cJSON *root;
    if ((st = gs_datafile_parse_json(text, len, path, &root, err)))
        return st;
    st = parse_drug_effect(pm, root, err);
    cJSON_Delete(root);
    if (st != GS_OK)
        gs_error_prefix(err, path);
    return st;
}

gs_status gs_pain_load(struct gs_pain_model *pm, const char *path, struct gs_error *err)
{
    char origin[4096], *text = NULL;
    size_t len = 0;
    gs_datafile_locate(origin, sizeof origin, path, "pain.json");
    gs_status st = gs_datafile_read(origin, 1 << 20, "pain file", &text, &len, err);
    if (st != GS_OK)
        return st;
    st = gs_pain_parse(pm, text, len, origin, err);
    gs_free(text);
    return st;
}

const struct gs_pain_effect *gs_pain_find(const struct gs_pain_model *pm, const char *drug,
                                          const char *pain_type)
{
    for (size_t i = 0; i < pm->n_effects; i++)
        if (strcmp(pm->effect[i].drug, drug) == 0 &&
            strcmp(pm->effect[i].pain_type, pain_type) == 0)
            return &pm->effect[i];
    return NULL;
}

gs_status gs_pain_course(const struct gs_pain_course_request *req, double *pain_drug,
                         double *pain_placebo, double *s_out, struct gs_error *err)
{
    const struct gs_pain_model *pm = req->pm;
    const char *drug = req->drug;
    const double emax = req->emax, ke0 = req->ke0_per_h, base = req->base;
    const struct gs_model *m = req->model;
    const struct gs_event_list *ev = req->events;
    const size_t n_days = req->n_days;
    double ec50 = NAN;
    for (size_t i = 0; i < pm->n_drugs; i++)
        if (strcmp(pm->drug[i].name, drug) == 0)
            ec50 = pm->drug[i].ec50_mg_l;
    if (isnan(ec50))
        return gs_error_set(err, GS_UNSUPPORTED, "pain", "no pain model for drug '%s'", drug);
    size_t n = (size_t)(24.0 * (double)n_days / GRID_H) + 1;
    double *t = gs_malloc(n * sizeof *t), *ce = gs_malloc(n * sizeof *ce);
    double *f = gs_malloc(n * sizeof *f), *s = gs_malloc(n * sizeof *s);
    struct gs_profile p = GS_PROFILE_INIT;
    gs_status st = GS_OK;
    if (!t || !ce || !f || !s) {
        st = gs_error_set(err, GS_NOMEM, "pain", "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        t[i] = GRID_H * (double)i;
    struct gs_sim_options o = GS_SIM_OPTIONS_DEFAULT;
    if ((st = gs_simulate(m, ev, t, n, &o, &p, err)))
        goto done;
    gs_pd_effect_site(t, p.conc_mg_l, n, ke0, 0.0, ce);
    for (size_t i = 0; i < n; i++)
        f[i] = ce[i] > 0.0 ? ce[i] / (ec50 + ce[i]) : 0.0;
    /* S follows f with rate k_on: the same first-order lag as the effect site (rate per hour) */
    gs_pd_effect_site(t, f, n, pm->k_on_per_d / 24.0, 0.0, s);
    for (size_t d = 0; d < n_days; d++) {
        size_t i = (size_t)(24.0 * (double)d / GRID_H);
        double pl = gs_placebo_pain(&pm->placebo, base, (double)d);
        pain_placebo[d] = pl;
        pain_drug[d] = pl * (1.0 - emax * s[i]);
        if (s_out)
            s_out[d] = s[i];
    }
done:
    gs_simulate_profile_release(&p);
    gs_free(t);
    gs_free(ce);
    gs_free(f);
    gs_free(s);
    return st;
}

/* The mean of min(c B, cap) for B = exp(omega z - omega^2 / 2): c P(B < k) under the tilted
 * normal plus cap P(B >= k), k = cap / c (the lognormal partial expectation). */
static double capped_mean(double c, double omega, double cap)
{
    const double k = (log(cap / c) + 0.5 * omega * omega) / omega; /* z where c B = cap */
    return c * 0.5 * erfc(-(k - omega) / sqrt(2.0)) + cap * 0.5 * erfc(k / sqrt(2.0));
}

/* c of the header's formula for |emax| = m below cap: capped_mean rises with c from below m (at
 * c = m) towards cap, so bisection on [m, hi] */
static double scale_for(double m, double omega, double cap)
{
    double lo = m, hi = 2.0 * m;
    while (capped_mean(hi, omega, cap) < m && hi < 1e12)
        hi *= 2.0;
    for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (capped_mean(mid, omega, cap) < m)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* Person i's Emax for deviate z, with c already known. */
static double individual(double sign, double c, double omega, double cap, double z)
{
    return sign * fmin(c * exp(omega * z - 0.5 * omega * omega), cap);
}

/* scale_for with a small per-thread memory: a virtual trial asks for the same (Emax, omega) for
 * every participant of an arm and pain type, and the bisection costs about 50 evaluations. The
 * value returned is the one scale_for computes, so results do not depend on the cache. */
static double scale_cached(double m, double omega, double cap)
{
    enum { SLOTS = 4 };
    static _Thread_local double key[SLOTS][3], val[SLOTS];
    static _Thread_local int used, next;
    for (int i = 0; i < used; i++)
        if (key[i][0] == m && key[i][1] == omega && key[i][2] == cap)
            return val[i];
    const double c = scale_for(m, omega, cap);
    const int i = used < SLOTS ? used++ : (next++ % SLOTS);
    key[i][0] = m;
    key[i][1] = omega;
    key[i][2] = cap;
    val[i] = c;
    return c;
}

double gs_pain_individual_emax(double emax, double omega, double z)
{
    if (!(omega > 0.0) || emax == 0.0 || !isfinite(emax))
        return emax;
    const double sign = emax < 0.0 ? -1.0 : 1.0, cap = emax < 0.0 ? 1.0 : 0.99;
    if (fabs(emax) >= cap)
        return sign * cap;
    return individual(sign, scale_cached(fabs(emax), omega, cap), omega, cap, z);
}

double gs_pain_responder_prob(const struct gs_placebo *m, double emax, double omega, double s,
                              double t_d, double fraction)
{
    const double sign = emax < 0.0 ? -1.0 : 1.0, cap = emax < 0.0 ? 1.0 : 0.99;
    if (!(omega > 0.0) || emax == 0.0 || fabs(emax) >= cap)
        return gs_placebo_responder_prob(m, gs_pain_individual_emax(emax, omega, 0.0) * s, t_d,
                                         fraction);
    const double c = scale_for(fabs(emax), omega, cap);
    /* the trapezoid rule on [-8, 8], h = 0.08: the integrand is smooth but for one kink where
     * Emax_i reaches the cap; tests/validation/test_responders.c checks it against 2000 points */
    const int n = 201;
    const double lo = -8.0, h = 16.0 / (n - 1);
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
        double z = lo + h * i;
        double p =
            gs_placebo_responder_prob(m, individual(sign, c, omega, cap, z) * s, t_d, fraction);
        if (isnan(p))
            return NAN;
        sum += ((i == 0 || i == n - 1) ? 0.5 : 1.0) * p * exp(-0.5 * z * z);
    }
    return sum * h / sqrt(2.0 * 3.14159265358979323846);
}
