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
#include "gabasim/drug.h"
#include "gabasim/interactions.h"
#include "../drug/drug_int.h"

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

static gs_status bad(struct gs_error *err, const char *field, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return gs_error_set(err, GS_INPUT, field, "'%s' %s", field, msg);
}

static gs_status get_str(const cJSON *obj, const char *key, const char *prefix, int required,
                         const char **out, struct gs_error *err)
{
    char field[96];
    snprintf(field, sizeof field, "%s%s", prefix, key);
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = "";
    if (it == NULL)
        return required ? bad(err, field, "is missing; a string is required") : GS_OK;
    if (!cJSON_IsString(it))
        return bad(err, field, "must be a string");
    *out = it->valuestring;
    return GS_OK;
}

/* A finite number in [lo, hi]; `out` keeps NaN when the key is absent and not required. */
static gs_status get_num(const cJSON *obj, const char *key, const char *prefix, int required,
                         double lo, double hi, double *out, struct gs_error *err)
{
    char field[96];
    snprintf(field, sizeof field, "%s%s", prefix, key);
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = NAN;
    if (it == NULL)
        return required ? bad(err, field, "is missing; a number is required") : GS_OK;
    if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble) || it->valuedouble < lo ||
        it->valuedouble > hi)
        return bad(err, field, "must be a number from %g to %g", lo, hi);
    *out = it->valuedouble;
    return GS_OK;
}

/* An array of at most `max` strings into out[]. */
static gs_status get_strs(const cJSON *obj, const char *key, const char *prefix, const char **out,
                          size_t max, size_t *n, struct gs_error *err)
{
    char field[96];
    snprintf(field, sizeof field, "%s%s", prefix, key);
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, key), *it;
    *n = 0;
    if (arr == NULL)
        return GS_OK;
    if (!cJSON_IsArray(arr))
        return bad(err, field, "must be an array of strings");
    cJSON_ArrayForEach(it, arr)
    {
        if (!cJSON_IsString(it) || *it->valuestring == '\0' || *n == max)
            return bad(err, field, "must be at most %zu non-empty strings", max);
        out[(*n)++] = it->valuestring;
    }
    return GS_OK;
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

static gs_status parse_model(const cJSON *m, struct gs_interaction *ix, const char *pre,
                             struct gs_error *err)
{
    gs_status st;
    const char *kind;
    char field[96];
    snprintf(field, sizeof field, "%smodel", pre);
    if (!cJSON_IsObject(m))
        return bad(err, field, "is missing or not an object");
    snprintf(field, sizeof field, "%smodel.", pre);
    if ((st = get_str(m, "kind", field, 1, &kind, err)) ||
        (st = get_str(m, "source", field, 0, &ix->model_source, err)) ||
        (st = get_str(m, "approximation", field, 0, &ix->approximation, err)))
        return st;
    size_t k = 0;
    while (k < sizeof kinds / sizeof kinds[0] && strcmp(kinds[k].name, kind) != 0)
        k++;
    if (k == sizeof kinds / sizeof kinds[0])
        return bad(err, strcat(field, "kind"),
                   "is '%s'; allowed: none, dose_timed_bioavailability, absorption_auc_ratio, "
                   "clearance_ratio",
                   kind);
    ix->kind = kinds[k].kind;
    /* The modelled effect belongs to the first affected drug (the gabapentinoid). */
    ix->model_drug = ix->n_affects ? ix->affects[0] : "";
    if (ix->kind != GS_IX_NONE && ix->n_affects == 0)
        return bad(err, strcat(field, "kind"), "is '%s' but 'affects' names no drug", kind);
    switch (ix->kind) {
    case GS_IX_NONE:
        break;
    case GS_IX_DOSE_TIMED: {
        const cJSON *bands = cJSON_GetObjectItemCaseSensitive(m, "bands"), *b;
        char bf[160]; /* field (< 96) + "bands[NN].to_h" */
        snprintf(bf, sizeof bf, "%sbands", field);
        if (!cJSON_IsArray(bands) || cJSON_GetArraySize(bands) == 0)
            return bad(err, bf, "must be a non-empty array of {from_h, to_h, reduction}");
        cJSON_ArrayForEach(b, bands)
        {
            if (ix->n_bands == GS_IX_MAX_BANDS)
                return bad(err, bf, "has more than %d bands", GS_IX_MAX_BANDS);
            struct gs_ix_band *x = &ix->band[ix->n_bands];
            snprintf(bf, sizeof bf, "%sbands[%zu].", field, ix->n_bands);
            /* 1000 h: far beyond any antacid's stay in the gut, a bound against typos */
            if ((st = get_num(b, "from_h", bf, 1, -1000, 1000, &x->from_h, err)) ||
                (st = get_num(b, "to_h", bf, 1, -1000, 1000, &x->to_h, err)) ||
                (st = get_num(b, "reduction", bf, 1, 0, 0.99, &x->reduction, err)))
                return st;
            if (!(x->to_h > x->from_h))
                return bad(err, strcat(bf, "to_h"), "is %g; must be above from_h %g", x->to_h,
                           x->from_h);
            ix->n_bands++;
        }
        break;
    }
    case GS_IX_ABSORPTION_AUC:
        /* ratios outside 0.1..10 would not be a co-medication effect but a typo */
        if ((st = get_str(m, "parameter", field, 1, &ix->parameter, err)) ||
            (st = get_num(m, "auc_ratio", field, 1, 0.1, 10.0, &ix->auc_ratio, err)) ||
            (st = get_num(m, "study_dose_mg", field, 1, 1e-3, 1e5, &ix->study_dose_mg, err)))
            return st;
        break;
    case GS_IX_CLEARANCE:
        if ((st = get_num(m, "cl_ratio", field, 1, 0.1, 10.0, &ix->cl_ratio, err)))
            return st;
        break;
    }
    return GS_OK;
}

static gs_status parse_entry(const cJSON *o, size_t i, struct entry *e, struct gs_error *err)
{
    char pre[48];
    snprintf(pre, sizeof pre, "interactions[%zu].", i);
    if (!cJSON_IsObject(o))
        return bad(err, "interactions", "element %zu is not an object", i);
    struct gs_interaction *ix = &e->ix;
    gs_status st;
    const cJSON *cns;
    if ((st = get_str(o, "name", pre, 1, &ix->name, err)) ||
        (st = get_str(o, "title", pre, 0, &ix->title, err)) ||
        (st = get_str(o, "mechanism", pre, 0, &ix->mechanism, err)) ||
        (st = get_str(o, "warning", pre, 0, &ix->warning, err)) ||
        (st = get_str(o, "sedation_risk", pre, 0, &ix->sedation_risk, err)) ||
        (st = get_strs(o, "affects", pre, ix->affects, GS_IX_MAX_AFFECTS, &ix->n_affects, err)) ||
        (st = get_strs(o, "aliases", pre, e->alias, MAX_ALIASES, &e->n_alias, err)))
        return st;
    if (*ix->name == '\0')
        return bad(err, "interactions", "element %zu has an empty name", i);
    cns = cJSON_GetObjectItemCaseSensitive(o, "cns_depressant");
    if (cns && !cJSON_IsBool(cns)) {
        char f[64];
        snprintf(f, sizeof f, "%scns_depressant", pre);
        return bad(err, f, "must be true or false");
    }
    ix->cns_depressant = cJSON_IsTrue(cns);
    return parse_model(cJSON_GetObjectItemCaseSensitive(o, "model"), ix, pre, err);
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
    const char *schema;
    gs_status st;
    if (!cJSON_IsObject(t->root))
        return bad(err, "schema", "is missing: the file is not a JSON object");
    if ((st = get_str(t->root, "schema", "", 1, &schema, err)))
        return st;
    if (strcmp(schema, "gabasim-interactions/1") != 0)
        return bad(err, "schema", "is '%s'; allowed: gabasim-interactions/1", schema);
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(t->root, "interactions"), *o;
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0)
        return bad(err, "interactions", "must be a non-empty array");
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
    char *buf = gs_malloc(len + 1);
    if (t == NULL || buf == NULL || (t->origin = gs_strdup(origin)) == NULL) {
        gs_free(buf);
        gs_interactions_free(t);
        return gs_error_set(err, GS_NOMEM, origin, "out of memory");
    }
    memcpy(buf, text, len);
    buf[len] = '\0';
    /* cJSON allocates with malloc, not gs_malloc; it is freed with cJSON_Delete as elsewhere. */
    t->root = cJSON_ParseWithLengthOpts(buf, len + 1, NULL, 1);
    gs_free(buf);
    if (t->root == NULL) {
        gs_interactions_free(t);
        return gs_error_set(err, GS_INPUT, origin, "%s: malformed JSON (or trailing text)", origin);
    }
    gs_status st = parse_root(t, err);
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
    gs_status st = gs__read_data_file(path, "interactions.json", GS_INTERACTIONS_FILE_MAX, &text,
                                      &len, origin, err);
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
        gs_profile_release(&p);
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
    int ip = gs_structure_param_index(m->structure, parameter);
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

void gs_ix_result_release(struct gs_ix_result *r)
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
            int ip = gs_structure_param_index(base->structure, ix->parameter);
            fx->param_multiplier[ip] *= mult;
            say(&w,
                "model: %s: %s x %.4f (calibrated: a single %g mg dose gives AUC x %g, %s)%s%s\n",
                ix->name, ix->parameter, mult, ix->study_dose_mg, ix->auc_ratio, ix->model_source,
                *ix->approximation ? "; " : "", ix->approximation);
        } else if (ix->kind == GS_IX_CLEARANCE && modelled) {
            int ip = gs_structure_param_index(base->structure, "CL");
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
