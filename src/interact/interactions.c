/* interactions.c - the co-medication table (data/interactions.json) and its application to one
 * patient's individual model and dose records (gabasim/interactions.h).
 *
 * The numbers (reductions, AUC ratios, study doses, clearance ratio) come only from the table,
 * which cites them; this file holds the mechanics: parsing with named errors, lookup, and the
 * two calibrations that turn a published percentage into a change of the saturable model (a
 * scaled absorption parameter, a scaled dose amount).
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/datafile.h"
#include "gabasim/drug.h"
#include "gabasim/interactions.h"

#define MAX_ENTRIES 64
#define MAX_ALIASES 16

struct entry {
    struct gs_interaction ix;
    const char *alias[MAX_ALIASES];
    size_t n_alias;
};

struct gs_interactions {
    cJSON *root;
    char *origin;
    struct entry e[MAX_ENTRIES];
    size_t n;
};

/* ---- parsing ---------------------------------------------------------------------------- */

#define REQ GS_DATAFILE_REQUIRED
#define OPT GS_DATAFILE_OPTIONAL

static gs_status bad(struct gs_error *err, const char *field, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return gs_error_set(err, GS_INPUT, field, "'%s' %s", field, msg);
}

static const struct {
    const char *name;
    enum gs_ix_kind kind;
} kinds[] = {
    {"none", GS_IX_NONE},
    {"dose_timed_bioavailability", GS_IX_DOSE_TIMED},
    {"absorption_auc_ratio", GS_IX_ABSORPTION_AUC},
    {"clearance_ratio", GS_IX_CLEARANCE},
};

static gs_status parse_model(const cJSON *o, struct gs_interaction *ix, const char *pre,
                             struct gs_error *err)
{
    static const char *const names[] = {"none", "dose_timed_bioavailability",
                                        "absorption_auc_ratio", "clearance_ratio", NULL};
    /* 1000 h: far beyond any antacid's stay in the gut, a bound against typos */
    static const struct gs_datafile_range hours = {-1000.0, 1000.0, 0, 0, "h", NULL};
    static const struct gs_datafile_range reduction = {0.0, 0.99, 0, 0, NULL, NULL};
    /* ratios outside 0.1..10 would not be a co-medication effect but a typo */
    static const struct gs_datafile_range ratio = {0.1, 10.0, 0, 0, NULL, NULL};
    static const struct gs_datafile_range dose = {1e-3, 1e5, 0, 0, "mg", NULL};
    gs_status st;
    const cJSON *m;
    int k = 0;
    char field[96];
    gs_datafile_field(field, sizeof field, pre, "model");
    ix->model_source = ix->approximation = "";
    if ((st = gs_datafile_object(o, pre, "model", REQ, &m, err)) ||
        (st = gs_datafile_choice(m, field, "kind", REQ, names, &k, err)) ||
        (st = gs_datafile_string(m, field, "source", GS_DATAFILE_EMPTY_OK, &ix->model_source,
                                 err)) ||
        (st = gs_datafile_string(m, field, "approximation", GS_DATAFILE_EMPTY_OK,
                                 &ix->approximation, err)))
        return st;
    ix->kind = kinds[k].kind;
    /* The modelled effect belongs to the first affected drug (the gabapentinoid). */
    ix->model_drug = ix->n_affects ? ix->affects[0] : "";
    char kf[112];
    gs_datafile_field(kf, sizeof kf, field, "kind");
    if (ix->kind != GS_IX_NONE && ix->n_affects == 0)
        return bad(err, kf, "is '%s' but 'affects' names no drug", names[k]);
    switch (ix->kind) {
    case GS_IX_NONE:
        break;
    case GS_IX_DOSE_TIMED: {
        const cJSON *bands, *b;
        char bf[112];
        gs_datafile_field(bf, sizeof bf, field, "bands");
        if ((st = gs_datafile_array(m, field, "bands", REQ, &bands, err)))
            return st;
        if (cJSON_GetArraySize(bands) == 0)
            return bad(err, bf, "is empty; allowed a non-empty array of {from_h, to_h, reduction}");
        cJSON_ArrayForEach(b, bands)
        {
            if (ix->n_bands == GS_IX_MAX_BANDS)
                return bad(err, bf, "has more than %d bands; allowed at most %d", GS_IX_MAX_BANDS,
                           GS_IX_MAX_BANDS);
            struct gs_ix_band *x = &ix->band[ix->n_bands];
            char ef[128];
            snprintf(ef, sizeof ef, "%s[%zu]", bf, ix->n_bands);
            x->from_h = x->to_h = x->reduction = NAN;
            if ((st = gs_datafile_number(b, ef, "from_h", REQ, &hours, &x->from_h, err)) ||
                (st = gs_datafile_number(b, ef, "to_h", REQ, &hours, &x->to_h, err)) ||
                (st = gs_datafile_number(b, ef, "reduction", REQ, &reduction, &x->reduction, err)))
                return st;
            if (!(x->to_h > x->from_h)) {
                char tf[144];
                return bad(err, gs_datafile_field(tf, sizeof tf, ef, "to_h"),
                           "is %g; allowed above from_h %g", x->to_h, x->from_h);
            }
            ix->n_bands++;
        }
        break;
    }
    case GS_IX_ABSORPTION_AUC:
        ix->auc_ratio = ix->study_dose_mg = NAN;
        if ((st = gs_datafile_string(m, field, "parameter", REQ, &ix->parameter, err)) ||
            (st = gs_datafile_number(m, field, "auc_ratio", REQ, &ratio, &ix->auc_ratio, err)) ||
            (st = gs_datafile_number(m, field, "study_dose_mg", REQ, &dose, &ix->study_dose_mg,
                                     err)))
            return st;
        break;
    case GS_IX_CLEARANCE:
        ix->cl_ratio = NAN;
        if ((st = gs_datafile_number(m, field, "cl_ratio", REQ, &ratio, &ix->cl_ratio, err)))
            return st;
        break;
    }
    return GS_OK;
}

static gs_status parse_entry(const cJSON *o, size_t i, struct entry *e, struct gs_error *err)
{
    char pre[48];
    snprintf(pre, sizeof pre, "interactions[%zu]", i);
    if (!cJSON_IsObject(o))
        return bad(err, pre, "is not an object; allowed an object");
    struct gs_interaction *ix = &e->ix;
    gs_status st;
    ix->name = ix->title = ix->mechanism = ix->warning = ix->sedation_risk = "";
    if ((st = gs_datafile_string(o, pre, "name", REQ, &ix->name, err)) ||
        (st = gs_datafile_string(o, pre, "title", GS_DATAFILE_EMPTY_OK, &ix->title, err)) ||
        (st = gs_datafile_string(o, pre, "mechanism", GS_DATAFILE_EMPTY_OK, &ix->mechanism, err)) ||
        (st = gs_datafile_string(o, pre, "warning", GS_DATAFILE_EMPTY_OK, &ix->warning, err)) ||
        (st = gs_datafile_string(o, pre, "sedation_risk", GS_DATAFILE_EMPTY_OK, &ix->sedation_risk,
                                 err)) ||
        (st = gs_datafile_strings(
             o,
             &(struct gs_datafile_spec){
                 .path = pre, .key = "affects", .need = OPT, .max_n = GS_IX_MAX_AFFECTS},
             ix->affects, &ix->n_affects, err)) ||
        (st = gs_datafile_strings(
             o,
             &(struct gs_datafile_spec){
                 .path = pre, .key = "aliases", .need = OPT, .max_n = MAX_ALIASES},
             e->alias, &e->n_alias, err)) ||
        (st = gs_datafile_bool(o, pre, "cns_depressant", OPT, &ix->cns_depressant, err)))
        return st;
    return parse_model(o, ix, pre, err);
}

static const struct entry *find(const gs_interactions *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->e[i].ix.name, name) == 0)
            return &t->e[i];
        for (size_t k = 0; k < t->e[i].n_alias; k++)
            if (strcmp(t->e[i].alias[k], name) == 0)
                return &t->e[i];
    }
    return NULL;
}

static gs_status parse_root(gs_interactions *t, struct gs_error *err)
{
    static const char *const schemas[] = {"gabasim-interactions/1", NULL};
    int schema;
    gs_status st;
    const cJSON *arr, *o;
    if (!cJSON_IsObject(t->root))
        return bad(err, "schema", "is missing: the file is not a JSON object");
    if ((st = gs_datafile_choice(t->root, "", "schema", REQ, schemas, &schema, err)) ||
        (st = gs_datafile_array(t->root, "", "interactions", REQ, &arr, err)))
        return st;
    if (cJSON_GetArraySize(arr) == 0)
        return bad(err, "interactions", "is empty; allowed a non-empty array");
    cJSON_ArrayForEach(o, arr)
    {
        if (t->n == MAX_ENTRIES)
            return bad(err, "interactions", "has more than %d entries", MAX_ENTRIES);
        struct entry *e = &t->e[t->n];
        if ((st = parse_entry(o, t->n, e, err)))
            return st;
        /* names and aliases must be unique, or a lookup would silently pick one */
        const struct entry *dup = find(t, e->ix.name);
        for (size_t k = 0; dup == NULL && k < e->n_alias; k++)
            dup = find(t, e->alias[k]);
        if (dup)
            return bad(err, "interactions", "entry '%s' repeats a name or alias of '%s'",
                       e->ix.name, dup->ix.name);
        t->n++;
    }
    return GS_OK;
}

gs_status gs_interactions_parse(gs_interactions **out, const char *text, size_t len,
                                const char *origin, struct gs_error *err)
{
    *out = NULL;
    if (len > GS_INTERACTIONS_FILE_MAX)
        return gs_error_set(err, GS_INPUT, origin, "%s: file is %zu bytes; allowed up to %d",
                            origin, len, GS_INTERACTIONS_FILE_MAX);
    gs_interactions *t = gs_calloc(1, sizeof *t);
    if (t == NULL || (t->origin = gs_strdup(origin)) == NULL) {
        gs_interactions_free(t);
        return gs_error_set(err, GS_NOMEM, origin, "out of memory");
    }
    gs_status st = gs_datafile_parse_json(text, len, origin, &t->root, err);
    if (st != GS_OK) {
        gs_interactions_free(t);
        return st;
    }
    st = parse_root(t, err);
    if (st != GS_OK) {
        gs_error_prefix(err, origin);
        gs_interactions_free(t);
        return st;
    }
    *out = t;
    return GS_OK;
}

gs_status gs_interactions_load(gs_interactions **out, const char *path, struct gs_error *err)
{
    *out = NULL;
    char origin[4096], *text = NULL;
    size_t len = 0;
    gs_datafile_locate(origin, sizeof origin, path, "interactions.json");
    gs_status st =
        gs_datafile_read(origin, GS_INTERACTIONS_FILE_MAX, "interactions file", &text, &len, err);
    if (st != GS_OK)
        return st;
    st = gs_interactions_parse(out, text, len, origin, err);
    gs_free(text);
    return st;
}

void gs_interactions_free(gs_interactions *t)
{
    if (t == NULL)
        return;
    cJSON_Delete(t->root);
    gs_free(t->origin);
    gs_free(t);
}

size_t gs_interactions_count(const gs_interactions *t)
{
    return t->n;
}

const struct gs_interaction *gs_interactions_get(const gs_interactions *t, size_t i)
{
    return i < t->n ? &t->e[i].ix : NULL;
}

gs_status gs_interactions_find(const gs_interactions *t, const char *name,
                               const struct gs_interaction **out, struct gs_error *err)
{
    const struct entry *e = find(t, name);
    *out = e ? &e->ix : NULL;
    if (e)
        return GS_OK;
    char known[256] = "";
    for (size_t i = 0; i < t->n; i++) {
        size_t k = strlen(known);
        snprintf(known + k, sizeof known - k, "%s%s", k ? ", " : "", t->e[i].ix.name);
    }
    return gs_error_set(err, GS_INPUT, "--with",
                        "'--with' is '%s', an unknown co-medication; known: %s (and their "
                        "aliases, e.g. oxycodone, lorazepam)",
                        name, known);
}

/* ---- calibration ------------------------------------------------------------------------ */

/* Tighter than the profile default: calibrated multipliers feed validation at 2 % and should
 * carry no visible solver error. */
static const struct gs_sim_options calib_default = {GS_SOLVER_AUTO, 1e-10, 1e-10};

gs_status gs_interactions_absorbed_mg(const struct gs_model *m, double dose_mg,
                                      const struct gs_sim_options *opt, double *absorbed_mg,
                                      struct gs_error *err)
{
    if (opt == NULL)
        opt = &calib_default;
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    struct gs_event d = gs_event_dose(0.0, dose_mg, GS_CMT_DEPOT);
    if (gs_event_list_push(&ev, &d) != GS_OK)
        return gs_error_set(err, GS_NOMEM, "interactions", "out of memory");
    /* Simulate until the gut holds a negligible part of the dose (1e-12): 48 h is ample for
     * gabapentin (the gut empties at >= Vmax/Km + ktr, about 2.8 /h, once below Km), and
     * doubling covers slower absorption. */
    double t_end = 48.0;
    gs_status st = GS_OK;
    for (int k = 0; k < 8; k++, t_end *= 2.0) {
        struct gs_profile p = GS_PROFILE_INIT;
        st = gs_simulate(m, &ev, &t_end, 1, opt, &p, err);
        if (st != GS_OK)
            break;
        double gut = p.y[GS_Y_DEPOT];
        *absorbed_mg = p.y[GS_Y_CENTRAL] + p.y[GS_Y_ELIMINATED];
        gs_simulate_profile_release(&p);
        if (gut <= 1e-12 * dose_mg)
            break;
        if (k == 7)
            st = gs_error_set(err, GS_UNSUPPORTED, "interactions",
                              "absorption of a %g mg dose not complete after %g h", dose_mg, t_end);
    }
    gs_event_list_release(&ev);
    return st;
}

gs_status gs_interactions_calibrate_absorption(const struct gs_model *m, const char *parameter,
                                               double dose_mg, double ratio,
                                               const struct gs_sim_options *opt, double *multiplier,
                                               struct gs_error *err)
{
    int ip = gs_model_structure_param_index(m->structure, parameter);
    if (ip < 0)
        return gs_error_set(err, GS_UNSUPPORTED, "model.parameter",
                            "'model.parameter' is '%s', which structure %s does not have",
                            parameter, m->structure->name);
    if (m->structure->exact != NULL)
        return gs_error_set(err, GS_UNSUPPORTED, "model.kind",
                            "an absorption change calibrated on '%s' needs a saturable "
                            "structure; %s is linear",
                            parameter, m->structure->name);
    double f0;
    gs_status st = gs_interactions_absorbed_mg(m, dose_mg, opt, &f0, err);
    if (st != GS_OK)
        return st;
    double target = ratio * f0;
    if (!(target < dose_mg))
        return gs_error_set(err, GS_UNSUPPORTED, "model.auc_ratio",
                            "'model.auc_ratio' %g at %g mg needs more than the whole dose "
                            "absorbed (now %.1f %%)",
                            ratio, dose_mg, 100.0 * f0 / dose_mg);
    /* Bisection on u = ln(multiplier): robust for any monotone response, and 60 halvings of a
     * bracket of width 14 reach 1e-17 in u, below the simulation's own accuracy. The bracket
     * spans a million-fold change either way (gut transit cannot plausibly change more). */
    double lo = ratio > 1.0 ? log(1e-6) : 0.0, hi = ratio > 1.0 ? 0.0 : log(1e6);
    struct gs_model w = *m;
    double base = m->p[ip];
    int rising; /* does the absorbed amount rise with the parameter? decided at the ends */
    double a_lo, a_hi;
    w.p[ip] = base * exp(lo);
    if ((st = gs_interactions_absorbed_mg(&w, dose_mg, opt, &a_lo, err)))
        return st;
    w.p[ip] = base * exp(hi);
    if ((st = gs_interactions_absorbed_mg(&w, dose_mg, opt, &a_hi, err)))
        return st;
    rising = a_hi > a_lo;
    if ((target - a_lo) * (target - a_hi) > 0.0)
        return gs_error_set(err, GS_UNSUPPORTED, "model.auc_ratio",
                            "'model.auc_ratio' %g at %g mg is out of reach by changing %s a "
                            "million-fold",
                            ratio, dose_mg, parameter);
    for (int it = 0; it < 60 && hi - lo > 1e-13; it++) {
        double mid = 0.5 * (lo + hi), a;
        w.p[ip] = base * exp(mid);
        if ((st = gs_interactions_absorbed_mg(&w, dose_mg, opt, &a, err)))
            return st;
        if ((a < target) == rising)
            lo = mid;
        else
            hi = mid;
    }
    *multiplier = exp(0.5 * (lo + hi));
    return GS_OK;
}

gs_status gs_interactions_calibrate_amount(const struct gs_model *m, double dose_mg,
                                           double reduction, const struct gs_sim_options *opt,
                                           double *factor, struct gs_error *err)
{
    /* Linear absorption: the absorbed amount is proportional to the dose. */
    if (m->structure->exact != NULL || reduction == 0.0) {
        *factor = 1.0 - reduction;
        return GS_OK;
    }
    double full;
    gs_status st = gs_interactions_absorbed_mg(m, dose_mg, opt, &full, err);
    if (st != GS_OK)
        return st;
    double target = (1.0 - reduction) * full, lo = 0.0, hi = 1.0;
    /* The absorbed amount rises with the dose, so bisection on the factor in (0, 1]; 50
     * halvings give 1e-15. */
    for (int it = 0; it < 50; it++) {
        double mid = 0.5 * (lo + hi), a;
        if ((st = gs_interactions_absorbed_mg(m, mid * dose_mg, opt, &a, err)))
            return st;
        if (a < target)
            lo = mid;
        else
            hi = mid;
    }
    *factor = 0.5 * (lo + hi);
    return GS_OK;
}

/* ---- application ------------------------------------------------------------------------ */

struct text {
    char *buf;
    size_t size, len;
};

static void say(struct text *w, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void say(struct text *w, const char *fmt, ...)
{
    if (w->buf == NULL || w->len + 1 >= w->size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(w->buf + w->len, w->size - w->len, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    w->len += (size_t)n;
    if (w->len >= w->size) /* truncated: keep the buffer terminated and full */
        w->len = w->size - 1;
}

static int affects(const struct gs_interaction *ix, const char *drug)
{
    for (size_t i = 0; i < ix->n_affects; i++)
        if (strcmp(ix->affects[i], drug) == 0)
            return 1;
    return 0;
}

/* Largest band reduction of one dose-timed co-medication for a dose at `t_dose`. */
static double band_reduction(const struct gs_interaction *ix, const struct gs_comedication *c,
                             double t_dose)
{
    double r = 0.0;
    for (size_t k = 0; k < c->n_doses; k++) {
        double dt = t_dose - c->dose_times_h[k];
        for (size_t b = 0; b < ix->n_bands; b++)
            if (dt >= ix->band[b].from_h && dt < ix->band[b].to_h && ix->band[b].reduction > r)
                r = ix->band[b].reduction;
    }
    return r;
}

/* Calibrated amount factors for the distinct (amount, reduction) pairs of one call. */
#define MAX_CACHE 64
struct amount_cache {
    double amt[MAX_CACHE], red[MAX_CACHE], factor[MAX_CACHE];
    size_t n;
};

static gs_status amount_factor(struct amount_cache *c, const struct gs_model *m, double amt,
                               double red, const struct gs_sim_options *opt, double *factor,
                               struct gs_error *err)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->amt[i] == amt && c->red[i] == red) {
            *factor = c->factor[i];
            return GS_OK;
        }
    gs_status st = gs_interactions_calibrate_amount(m, amt, red, opt, factor, err);
    if (st == GS_OK && c->n < MAX_CACHE) {
        c->amt[c->n] = amt;
        c->red[c->n] = red;
        c->factor[c->n++] = *factor;
    }
    return st;
}

static gs_status apply_dose_timed(const struct gs_interaction *const *ixs,
                                  const struct gs_comedication *const *cos, size_t n,
                                  const struct gs_model *m, const struct gs_sim_options *opt,
                                  struct gs_event_list *ev, struct gs_ix_effects *fx,
                                  struct gs_error *err)
{
    struct amount_cache *cache = gs_calloc(1, sizeof *cache);
    if (cache == NULL)
        return gs_error_set(err, GS_NOMEM, "interactions", "out of memory");
    gs_status st = GS_OK;
    for (size_t i = 0; i < ev->n && st == GS_OK; i++) {
        struct gs_event *e = &ev->ev[i];
        if ((e->evid != GS_EVID_DOSE && e->evid != GS_EVID_RESET_DOSE) || e->cmt != GS_CMT_DEPOT)
            continue;
        /* Several dose-timed co-medications act independently on what is left: 1 - prod(1-r). */
        double keep = 1.0;
        for (size_t k = 0; k < n; k++)
            keep *= 1.0 - band_reduction(ixs[k], cos[k], e->time_h);
        if (keep == 1.0)
            continue;
        if (e->ss)
            st = gs_error_set(err, GS_INPUT, "--with",
                              "a co-medication dose falls next to the steady-state dose at %g h; "
                              "its earlier doses are unknown, so start without steady state",
                              e->time_h);
        double factor = 1.0;
        if (st == GS_OK)
            st = amount_factor(cache, m, e->amt_mg, 1.0 - keep, opt, &factor, err);
        if (st == GS_OK) {
            fx->amount_removed_mg += e->amt_mg * (1.0 - factor);
            fx->doses_scaled++;
            e->amt_mg *= factor;
        }
    }
    gs_free(cache);
    return st;
}

void gs_interactions_result_release(struct gs_ix_result *r)
{
    if (r)
        gs_event_list_release(&r->events);
}

gs_status gs_interactions_apply(const struct gs_ix_request *req, struct gs_ix_result *out,
                                struct gs_error *err)
{
    const gs_interactions *t = req->table;
    const char *drug_name = req->drug_name;
    const struct gs_model *base = req->base;
    const struct gs_event_list *events = req->events;
    const struct gs_comedication *co = req->co;
    const size_t n_co = req->n_co;
    const struct gs_sim_options *opt = req->opt;
    struct gs_model *model_out = &out->model;
    struct gs_event_list *events_out = &out->events;
    struct gs_ix_effects *fx = &out->fx;
    struct text w = {out->warnings, sizeof out->warnings, 0};
    memset(fx, 0, sizeof *fx);
    for (size_t i = 0; i < GS_MAX_PARAMS; i++)
        fx->param_multiplier[i] = 1.0;
    out->warnings[0] = '\0';
    events_out->n = 0;
    *model_out = *base;
    if (opt == NULL)
        opt = &calib_default;

    /* Resolve every name first so that a typo fails before any work is done. */
    const struct gs_interaction *ixs[MAX_ENTRIES];
    const struct gs_comedication *timed_co[MAX_ENTRIES];
    const struct gs_interaction *timed_ix[MAX_ENTRIES];
    size_t n_timed = 0;
    if (n_co > MAX_ENTRIES)
        return gs_error_set(err, GS_INPUT, "--with", "%zu co-medications given; allowed up to %d",
                            n_co, MAX_ENTRIES);
    for (size_t i = 0; i < n_co; i++) {
        gs_status st = gs_interactions_find(t, co[i].name, &ixs[i], err);
        if (st != GS_OK)
            return st;
        for (size_t k = 0; k < co[i].n_doses; k++)
            if (!isfinite(co[i].dose_times_h[k]))
                return gs_error_set(err, GS_INPUT, "--with",
                                    "'%s' dose time %zu is not a finite number of hours",
                                    co[i].name, k + 1);
        if (ixs[i]->kind == GS_IX_DOSE_TIMED && strcmp(ixs[i]->model_drug, drug_name) == 0) {
            if (co[i].n_doses == 0)
                return gs_error_set(err, GS_INPUT, "--with",
                                    "'%s' changes %s by dose timing; give its dose times",
                                    co[i].name, drug_name);
            timed_ix[n_timed] = ixs[i];
            timed_co[n_timed++] = &co[i];
        }
    }

    /* Parameter changes: each calibrated against the unchanged model, then multiplied
     * (independent mechanisms, an assumption the table's notes state). */
    for (size_t i = 0; i < n_co; i++) {
        const struct gs_interaction *ix = ixs[i];
        int modelled = ix->kind != GS_IX_NONE && strcmp(ix->model_drug, drug_name) == 0;
        if (ix->kind == GS_IX_ABSORPTION_AUC && modelled) {
            double mult;
            gs_status st = gs_interactions_calibrate_absorption(
                base, ix->parameter, ix->study_dose_mg, ix->auc_ratio, opt, &mult, err);
            if (st != GS_OK) {
                gs_error_prefix(err, ix->name);
                return st;
            }
            int ip = gs_model_structure_param_index(base->structure, ix->parameter);
            fx->param_multiplier[ip] *= mult;
            say(&w,
                "model: %s: %s x %.4f (calibrated: a single %g mg dose gives AUC x %g, %s)%s%s\n",
                ix->name, ix->parameter, mult, ix->study_dose_mg, ix->auc_ratio, ix->model_source,
                *ix->approximation ? "; " : "", ix->approximation);
        } else if (ix->kind == GS_IX_CLEARANCE && modelled) {
            int ip = gs_model_structure_param_index(base->structure, "CL");
            if (ip < 0)
                return gs_error_set(err, GS_UNSUPPORTED, "--with",
                                    "'%s' changes CL, which structure %s does not have", ix->name,
                                    base->structure->name);
            fx->param_multiplier[ip] *= ix->cl_ratio;
            say(&w, "model: %s: CL x %g (%s)%s%s\n", ix->name, ix->cl_ratio, ix->model_source,
                *ix->approximation ? "; " : "", ix->approximation);
        } else if (ix->kind == GS_IX_DOSE_TIMED && modelled) {
            say(&w, "model: %s: doses taken near it lose part of their absorbed amount (%s)%s%s\n",
                ix->name, ix->model_source, *ix->approximation ? "; " : "", ix->approximation);
        } else if (ix->kind != GS_IX_NONE) {
            say(&w, "note: %s: its effect on %s is published; none for %s, so none is modelled\n",
                ix->name, ix->model_drug, drug_name);
        }
        if (ix->n_affects == 0 && !ix->cns_depressant)
            say(&w, "note: %s: no interaction with %s (%s)\n", ix->name, drug_name,
                ix->model_source);
        /* An entry that affects no drug may still carry advice (e.g. about the alternatives). */
        if (*ix->warning && (affects(ix, drug_name) || ix->cns_depressant || ix->n_affects == 0))
            say(&w, "warning: %s%s\n", ix->warning,
                affects(ix, drug_name) || !ix->cns_depressant
                    ? ""
                    : " (shown as a class caution for this gabapentinoid; the "
                      "reference holds no study with it: assumption)");
        if (ix->cns_depressant) {
            fx->cns_depressant = 1;
            say(&w, "note: %s: %s\n", ix->name, ix->sedation_risk);
        }
    }
    for (size_t i = 0; i < GS_MAX_PARAMS; i++)
        model_out->p[i] *= fx->param_multiplier[i];

    /* Dose records: copied, expanded (the antacid acts per actual dose) and sorted. */
    gs_status st = GS_OK;
    for (size_t i = 0; i < events->n && st == GS_OK; i++)
        if (gs_event_list_push(events_out, &events->ev[i]) != GS_OK)
            st = gs_error_set(err, GS_NOMEM, "interactions", "out of memory");
    if (st == GS_OK)
        st = gs_event_list_expand(events_out, err);
    if (st == GS_OK && n_timed)
        st = apply_dose_timed(timed_ix, timed_co, n_timed, model_out, opt, events_out, fx, err);
    if (st == GS_OK && fx->doses_scaled)
        say(&w,
            "model: %zu dose(s) reduced by %.1f mg in all: the amount that would not be "
            "absorbed because of the co-medication\n",
            fx->doses_scaled, fx->amount_removed_mg);
    return st;
}
