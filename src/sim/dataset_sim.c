/* dataset_sim.c - a NONMEM-style dataset through the engine, subject by subject. */
#include "gabasim/dataset_sim.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "gabasim/alloc.h"
#include "gabasim/threads.h"
#include "gabasim/rng.h"
#include "gabasim/tdm.h"

#include "sim_int.h"

enum { COV_AGE, COV_SEX, COV_WT, COV_HT, COV_SCR, COV_CRCL, COV_DIAL, N_COV };
static const char *const cov_col[N_COV] = {"AGE", "SEX", "WT", "HT", "SCR", "CRCL", "DIAL"};

void gs__covariate_columns(const gs_dataset *ds, int *col)
{
    for (int k = 0; k < N_COV; k++)
        col[k] = gs_dataset_covariate_index(ds, cov_col[k]);
}

struct subject_out {
    gs_status st;
    struct gs_error err;
};

/* The value of column k at row r of [first, first + n): the row's own, else the last given
 * before it (a '.' means "unchanged", as a dataset filled downwards), else the first given after
 * it; NaN if the subject never gives one. Which interval a row's value governs (NOCB or LOCF) is
 * the caller's. */
static double fill_at(const gs_dataset *ds, int k, size_t first, size_t n, size_t r)
{
    if (k < 0)
        return NAN;
    for (size_t i = r + 1; i-- > first;) {
        double v = gs_dataset_covariate(ds, i, (size_t)k);
        if (!isnan(v))
            return v;
    }
    for (size_t i = r; i < first + n; i++) {
        double v = gs_dataset_covariate(ds, i, (size_t)k);
        if (!isnan(v))
            return v;
    }
    return NAN;
}

gs_status gs__row_error(const gs_dataset *ds, size_t row, struct gs_error *err)
{
    char where[256];
    snprintf(where, sizeof where, "%s: line %zu", gs_dataset_origin(ds),
             gs_dataset_row_line(ds, row));
    gs_error_prefix(err, where);
    return err->code;
}

static gs_status patient_at(const gs_dataset *ds, const int *col, size_t first, size_t n, size_t r,
                            const struct gs_patient *fallback, struct gs_patient *p,
                            struct gs_error *err);

gs_status gs__patient_at(const gs_dataset *ds, const int *col, size_t first, size_t n, size_t r,
                         const struct gs_patient *fallback, struct gs_patient *p,
                         struct gs_error *err)
{
    return patient_at(ds, col, first, n, r, fallback, p, err);
}

static gs_status patient_at(const gs_dataset *ds, const int *col, size_t first, size_t n, size_t r,
                            const struct gs_patient *fallback, struct gs_patient *p,
                            struct gs_error *err)
{
    int any = 0;
    for (int k = 0; k < N_COV; k++)
        any |= col[k] >= 0;
    if (!any) {
        *p = *fallback;
        return GS_OK;
    }
    gs_patient_init(p);
    double v[N_COV];
    for (int k = 0; k < N_COV; k++)
        v[k] = fill_at(ds, col[k], first, n, r);
    p->age_y = v[COV_AGE];
    p->weight_kg = v[COV_WT];
    p->height_cm = v[COV_HT];
    p->scr_mg_dl = v[COV_SCR];
    p->crcl_given_ml_min = v[COV_CRCL];
    if (!isnan(v[COV_SEX])) {
        if (v[COV_SEX] != 0.0 && v[COV_SEX] != 1.0)
            return gs_error_set(err, GS_INPUT, "SEX",
                                "column SEX: '%g'; allowed 0 (male), 1 (female)", v[COV_SEX]);
        p->sex = v[COV_SEX] == 1.0 ? GS_SEX_FEMALE : GS_SEX_MALE;
    }
    if (!isnan(v[COV_DIAL])) {
        if (v[COV_DIAL] != 0.0 && v[COV_DIAL] != 1.0)
            return gs_error_set(err, GS_INPUT, "DIAL", "column DIAL: '%g'; allowed 0, 1",
                                v[COV_DIAL]);
        p->haemodialysis = v[COV_DIAL] == 1.0;
    }
    return gs_patient_resolve(p, err);
}

/* A dialysis session record: EVID 2 with HD 1 and DUR (its length, h) becomes a GS_EVID_HD
 * event; HD 0 or missing leaves the record as it is. */
static gs_status dialysis_record(const gs_dataset *ds, size_t row, int hd_col, int dur_col,
                                 struct gs_event *e, struct gs_error *err)
{
    double hd = hd_col >= 0 ? gs_dataset_covariate(ds, row, (size_t)hd_col) : NAN;
    if (isnan(hd) || hd == 0.0)
        return GS_OK;
    if (hd != 1.0)
        return gs_error_set(err, GS_INPUT, "HD",
                            "column HD: '%g'; allowed 0, 1 (a dialysis session)", hd);
    if (e->evid != GS_EVID_OTHER)
        return gs_error_set(err, GS_INPUT, "HD",
                            "column HD: 1 on an EVID %d record; a dialysis session is an EVID 2 "
                            "record",
                            (int)e->evid);
    double dur = dur_col >= 0 ? gs_dataset_covariate(ds, row, (size_t)dur_col) : NAN;
    if (!(dur > 0.0 && dur <= GS_HD_MAX_DUR_H))
        return gs_error_set(err, GS_INPUT, "DUR",
                            "column DUR: '%g' with HD 1; a session lasts above 0 to %g h", dur,
                            GS_HD_MAX_DUR_H);
    e->evid = GS_EVID_HD;
    e->dur_h = dur;
    return GS_OK;
}

/* Columns that set a record's model or dose directly (docs/datasets.md): a column named as one
 * of the structure's parameters (case-insensitive: CL, V, KA, ...) gives the individual's value;
 * F<n> and ALAG<n> the bioavailable fraction and the lag of doses into compartment n (the
 * structure's F and tlag for the depot when it has them; otherwise F scales AMT and ALAG moves
 * the dose); R<n> and D<n> the modelled rate (RATE -1) and duration (RATE -2). */
struct record_cols {
    int param[GS_MAX_PARAMS];
    int f[3], alag[3], r[3], d[3]; /* by compartment 1, 2 */
};

static void record_columns(const gs_dataset *ds, const struct gs_structure *st,
                           struct record_cols *rc)
{
    for (size_t k = 0; k < GS_MAX_PARAMS; k++)
        rc->param[k] = k < st->n_params ? gs_dataset_covariate_index(ds, st->params[k].name) : -1;
    for (int c = 1; c <= 2; c++) {
        char name[8];
        snprintf(name, sizeof name, "F%d", c);
        rc->f[c] = gs_dataset_covariate_index(ds, name);
        snprintf(name, sizeof name, "ALAG%d", c);
        rc->alag[c] = gs_dataset_covariate_index(ds, name);
        snprintf(name, sizeof name, "R%d", c);
        rc->r[c] = gs_dataset_covariate_index(ds, name);
        snprintf(name, sizeof name, "D%d", c);
        rc->d[c] = gs_dataset_covariate_index(ds, name);
    }
}

/* Sets parameter `name` of m (if the structure has it) to v, within its bounds; 0 if absent. */
static int set_param(struct gs_model *m, const char *name, const char *col, double v, gs_status *st,
                     struct gs_error *err)
{
    int k = gs_model_structure_param_index(m->structure, name);
    if (k < 0)
        return 0;
    const struct gs_param_def *d = &m->structure->params[k];
    if (!(v >= d->min && v <= d->max && !(d->min_exclusive && v == d->min))) {
        *st = gs_error_set(err, GS_INPUT, col, "column %s: '%g'; allowed %s%g to %g %s", col, v,
                           d->min_exclusive ? "above " : "", d->min, d->max, d->unit);
        return 1;
    }
    m->p[k] = v;
    return 1;
}

/* The record's parameter columns applied to m (both PRED's and IPRED's: they are the
 * individual's values, taken as they are). */
static gs_status apply_param_columns(const gs_dataset *ds, const struct record_cols *rc,
                                     size_t first, size_t n, size_t i, struct gs_model *m,
                                     struct gs_error *err)
{
    gs_status st = GS_OK;
    for (size_t k = 0; k < m->structure->n_params; k++) {
        double v = fill_at(ds, rc->param[k], first, n, i);
        if (!isnan(v))
            set_param(m, m->structure->params[k].name,
                      gs_dataset_covariate_name(ds, (size_t)rc->param[k]), v, &st, err);
        if (st)
            return st;
    }
    double f1 = fill_at(ds, rc->f[1], first, n, i);
    double lag1 = fill_at(ds, rc->alag[1], first, n, i);
    if (!isnan(f1))
        set_param(m, "F", "F1", f1, &st, err);
    if (!st && !isnan(lag1))
        set_param(m, "tlag", "ALAG1", lag1, &st, err);
    return st;
}

/* A dose record's own F<n>, ALAG<n>, R<n>, D<n> where the structure has no parameter for them:
 * F scales AMT, ALAG moves the dose, R/D give RATE -1/-2 its value. */
static gs_status dose_columns(const gs_dataset *ds, const struct record_cols *rc, size_t first,
                              size_t n, size_t i, const struct gs_model *m, struct gs_event *e,
                              struct gs_error *err)
{
    int c = e->cmt;
    if (c < 1 || c > 2)
        return GS_OK;
    double f = fill_at(ds, rc->f[c], first, n, i);
    double lag = fill_at(ds, rc->alag[c], first, n, i);
    int has_f = c == 1 && gs_model_structure_param_index(m->structure, "F") >= 0;
    int has_lag = c == 1 && gs_model_structure_param_index(m->structure, "tlag") >= 0;
    if (!isnan(f) && !has_f) {
        if (!(f >= 0.0 && f <= 1.0))
            return gs_error_set(err, GS_INPUT, "F", "column F%d: '%g'; allowed 0 to 1", c, f);
        e->amt_mg *= f;
    }
    if (!isnan(lag) && !has_lag) {
        if (!(lag >= 0.0 && lag <= 24.0))
            return gs_error_set(err, GS_INPUT, "ALAG", "column ALAG%d: '%g'; allowed 0 to 24 h", c,
                                lag);
        e->time_h += lag;
    }
    if (e->rate_mg_h == GS_RATE_MODELLED_RATE || e->rate_mg_h == GS_RATE_MODELLED_DURATION) {
        int modelled_rate = e->rate_mg_h == GS_RATE_MODELLED_RATE;
        int col = modelled_rate ? rc->r[c] : rc->d[c];
        double v = fill_at(ds, col, first, n, i);
        if (!(v > 0.0 && isfinite(v)))
            return gs_error_set(err, GS_INPUT, "RATE",
                                "column RATE: '%g' needs column %s%d above 0 (the modelled %s); "
                                "it is %s",
                                e->rate_mg_h, modelled_rate ? "R" : "D", c,
                                modelled_rate ? "rate, mg/h" : "duration, h",
                                col < 0 ? "not in the file" : "missing or not above 0");
        e->dur_h = v;
    }
    return GS_OK;
}

static gs_status push(struct gs_event_list *ev, const struct gs_event *e, struct gs_error *err)
{
    if (gs_event_list_push(ev, e) != GS_OK)
        return gs_error_set(err, GS_NOMEM, "dataset", "out of memory");
    return GS_OK;
}

/* One subject. map 0: PRED, the simulated individual's prediction (random effects drawn from
 * stream s) into ipred, and SIMDV. map 1: the MAP individual prediction from the subject's DV
 * (gs_tdm_estimate_events) into ipred and IWRES into iwres (pred, simdv unused). */
/* The MAP of one subject's random effects from its DV (none: eta = 0, IPRED = PRED), its
 * individual prediction at every observation record and IWRES where DV is given. */
static void map_subject(const struct gs_dataset_sim_config *c, struct gs_model *typ,
                        const unsigned char *fixed, size_t n_models, const struct gs_event_list *ev,
                        const double *dv, size_t n_obs, const size_t *obs_row, double *ipred,
                        double *iwres, struct subject_out *o)
{
    struct gs_variability none = {0};
    const struct gs_variability *var = c->var ? c->var : &none;
    struct gs_tdm_events_request q = {c->drug, var, typ, fixed, n_models, ev, dv, n_obs, NAN};
    struct gs_tdm_events_result r;
    if ((o->st = gs_tdm_estimate_events(&q, &r, &o->err)))
        return;
    struct gs_model *ind = gs_malloc(n_models * sizeof *ind);
    if (ind == NULL) {
        o->st = gs_error_set(&o->err, GS_NOMEM, "dataset", "out of memory");
        return;
    }
    for (size_t k = 0; k < n_models; k++) {
        ind[k] = typ[k];
        if (r.n_levels > 0)
            gs_variability_apply_eta(var, r.eta, &ind[k]);
        for (size_t i = 0; i < GS_MAX_PARAMS; i++)
            if (fixed[k * GS_MAX_PARAMS + i])
                ind[k].p[i] = typ[k].p[i];
    }
    struct gs_sim_options so = c->sim; /* no levels: PRED's simulation, so IPRED = PRED */
    if (r.n_levels > 0) {              /* levels: the tolerances of the MAP's predictions */
        so.rtol = fmin(so.rtol, 1e-10);
        so.atol_mg = fmin(so.atol_mg, 1e-12);
    }
    const struct gs_simulate_tv_request tv = {ind, NULL, n_models, ev, NULL, n_obs, &so};
    struct gs_profile pi = GS_PROFILE_INIT;
    if ((o->st = gs_simulate_tv(&tv, &pi, &o->err)) == GS_OK)
        for (size_t k = 0; k < n_obs; k++) {
            double f = pi.conc_mg_l[k];
            double sd = sqrt(var->resid_add_mg_l * var->resid_add_mg_l +
                             var->resid_prop * var->resid_prop * f * f);
            ipred[obs_row[k]] = f;
            iwres[obs_row[k]] = sd > 0.0 && !isnan(dv[k]) ? (dv[k] - f) / sd : NAN;
        }
    gs_simulate_profile_release(&pi);
    gs_free(ind);
}

static void simulate_subject(const struct gs_dataset_sim_config *c, const int *col, size_t s,
                             int map, double *pred, double *ipred, double *simdv, double *iwres,
                             struct subject_out *o)
{
    const gs_dataset *ds = c->ds;
    int locf = gs_dataset_fill(ds) == GS_FILL_LOCF;
    double id;
    size_t first, n;
    gs_dataset_subject(ds, s, &id, &first, &n);
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    struct gs_model *typ = gs_malloc(n * sizeof *typ), *ind = gs_malloc(n * sizeof *ind);
    size_t *obs_row = gs_malloc(n * sizeof *obs_row);
    unsigned char *fixed = map ? gs_calloc(n, GS_MAX_PARAMS) : NULL;
    double *dv = map ? gs_malloc(n * sizeof *dv) : NULL;
    struct gs_profile pp = GS_PROFILE_INIT, pi = GS_PROFILE_INIT;
    o->st = GS_OK;
    if (!typ || !ind || !obs_row || (map && (!fixed || !dv))) {
        o->st = gs_error_set(&o->err, GS_NOMEM, "dataset", "out of memory for subject %g", id);
        goto done;
    }
    /* random effects for this subject: drawn once, applied to every model it goes through */
    gs_rng r;
    gs_rng_seed(&r, c->seed, (uint64_t)s);
    double eta[GS_MAX_PARAMS] = {0};
    int random = !map && c->var && c->var->n;
    if (random)
        gs_variability_draw_eta(c->var, &r, eta);
    struct record_cols rc;
    record_columns(ds, gs_drug_structure(c->drug), &rc);

    /* between-occasion variability: a new draw whenever the OCC column changes value */
    int occ_col = gs_dataset_covariate_index(ds, "OCC");
    double occ = NAN, occ_eff[GS_MAX_PARAMS];
    for (size_t k = 0; k < GS_MAX_PARAMS; k++)
        occ_eff[k] = 1.0;
    size_t n_models = 0, n_obs = 0;
    int hd_col = gs_dataset_covariate_index(ds, "HD"),
        dur_col = gs_dataset_covariate_index(ds, "DUR");
    for (size_t i = first; i < first + n; i++) {
        struct gs_event e;
        gs_dataset_row_event(ds, i, &e);
        struct gs_patient p;
        struct gs_model m;
        if ((o->st = dialysis_record(ds, i, hd_col, dur_col, &e, &o->err)) ||
            (o->st = patient_at(ds, col, first, n, i, c->patient, &p, &o->err)) ||
            (o->st = gs_drug_individual_model(c->drug, &p, &m, NULL, 0, &o->err)) ||
            (o->st = apply_param_columns(ds, &rc, first, n, i, &m, &o->err)) ||
            ((e.evid == GS_EVID_DOSE || e.evid == GS_EVID_RESET_DOSE) &&
             (o->st = dose_columns(ds, &rc, first, n, i, &m, &e, &o->err)))) {
            gs__row_error(ds, i, &o->err);
            goto done;
        }
        int new_occ = 0;
        double o_now = fill_at(ds, occ_col, first, n, i);
        if (random && occ_col >= 0 && !isnan(o_now) && o_now != occ) {
            struct gs_model unit = m;
            for (size_t k = 0; k < GS_MAX_PARAMS; k++)
                unit.p[k] = 1.0;
            gs_variability_apply_occasion(c->var, &r, &unit);
            memcpy(occ_eff, unit.p, sizeof occ_eff);
            occ = o_now;
            new_occ = 1;
        }
        struct gs_model mi = m;
        if (random) {
            gs_variability_apply_eta(c->var, eta, &mi);
            for (size_t k = 0; k < m.structure->n_params; k++)
                mi.p[k] *= occ_eff[k];
            for (size_t k = 0; k < m.structure->n_params; k++) /* dataset values stand */
                if (!isnan(fill_at(ds, rc.param[k], first, n, i)))
                    mi.p[k] = m.p[k];
        }
        /* a change of parameters: in force from this record (LOCF) or, as NONMEM computes the
         * advance to a record with that record's values, from the record before (NOCB) */
        if (n_models == 0 || new_occ || memcmp(m.p, typ[n_models - 1].p, sizeof m.p) != 0 ||
            memcmp(mi.p, ind[n_models - 1].p, sizeof mi.p) != 0) {
            typ[n_models] = m;
            ind[n_models] = mi;
            for (size_t k = 0; map && k < m.structure->n_params; k++) /* the data's values */
                fixed[n_models * GS_MAX_PARAMS + k] = !isnan(fill_at(ds, rc.param[k], first, n, i));
            if (n_models > 0) {
                struct gs_event mk = {0};
                mk.evid = GS_EVID_MODEL;
                mk.cmt = (int)n_models;
                mk.time_h = e.time_h;
                if (!locf) {
                    struct gs_event prev;
                    gs_dataset_row_event(ds, i - 1, &prev);
                    mk.time_h = prev.time_h;
                }
                if ((o->st = push(&ev, &mk, &o->err)))
                    goto done;
            }
            n_models++;
        }
        if (e.evid == GS_EVID_OBS && e.cmt < 0) {
            /* Guide VIII, CMT, observation event: "the output compartment is turned off after
             * F is obtained": the observation, then an EVID 2 record turning -CMT off */
            struct gs_event off = e;
            e.cmt = -e.cmt;
            off.evid = GS_EVID_OTHER;
            if ((o->st = push(&ev, &e, &o->err)) || (o->st = push(&ev, &off, &o->err)))
                goto done;
        } else if (e.evid != GS_EVID_OTHER || e.cmt != 0) {
            if ((o->st = push(&ev, &e, &o->err)))
                goto done;
        }
        if (gs_dataset_row_is_observation(ds, i)) {
            if (map)
                dv[n_obs] = gs_dataset_row_dv(ds, i);
            obs_row[n_obs++] = i;
        }
    }
    if ((o->st = gs_event_list_validate(&ev, (int)gs_model_n_body(gs_drug_structure(c->drug)),
                                        &o->err)) ||
        (o->st = gs_event_list_expand(&ev, &o->err))) {
        char where[128];
        snprintf(where, sizeof where, "%s: ID %g", gs_dataset_origin(ds), id);
        gs_error_prefix(&o->err, where);
        goto done;
    }
    if (map) {
        map_subject(c, typ, fixed, n_models, &ev, dv, n_obs, obs_row, ipred, iwres, o);
        if (o->st) {
            char where[128];
            snprintf(where, sizeof where, "%s: ID %g", gs_dataset_origin(ds), id);
            gs_error_prefix(&o->err, where);
        }
        goto done;
    }
    /* the typical subject's profile, then the individual's; outputs at the observation
     * records, in file order */
    const struct gs_simulate_tv_request tv_typ = {typ, NULL, n_models, &ev, NULL, n_obs, &c->sim},
                                        tv_ind = {ind, NULL, n_models, &ev, NULL, n_obs, &c->sim};
    if ((o->st = gs_simulate_tv(&tv_typ, &pp, &o->err)) ||
        (o->st = gs_simulate_tv(&tv_ind, &pi, &o->err))) {
        char where[128];
        snprintf(where, sizeof where, "%s: ID %g", gs_dataset_origin(ds), id);
        gs_error_prefix(&o->err, where);
        goto done;
    }
    for (size_t k = 0; k < n_obs; k++) {
        size_t row = obs_row[k];
        pred[row] = pp.conc_mg_l[k];
        ipred[row] = pi.conc_mg_l[k];
        simdv[row] = c->var ? gs_variability_observe(c->var, &r, pi.conc_mg_l[k]) : ipred[row];
    }
done:
    gs_simulate_profile_release(&pp);
    gs_simulate_profile_release(&pi);
    gs_event_list_release(&ev);
    gs_free(typ);
    gs_free(ind);
    gs_free(obs_row);
    gs_free(fixed);
    gs_free(dv);
}

gs_status gs_dataset_check_patient_option(const gs_dataset *ds, const char *option,
                                          struct gs_error *err)
{
    int col[GS__N_COVARIATE_COLUMNS];
    gs__covariate_columns(ds, col);
    for (int k = 0; option && k < N_COV; k++)
        if (col[k] >= 0)
            return gs_error_set(err, GS_INPUT, option,
                                "'--%s' and column %s of %s: the dataset's covariate columns "
                                "describe every subject, so '--%s' would be ignored; give one "
                                "of them",
                                option, gs_dataset_covariate_name(ds, (size_t)col[k]),
                                gs_dataset_origin(ds), option);
    return GS_OK;
}

/* 1 if column `name` is read for a drug of structure st. */
static int column_used(const char *name, const struct gs_structure *st)
{
    static const char *const other[] = {"OCC",   "HD", "DUR", "F1", "F2", "ALAG1",
                                        "ALAG2", "R1", "R2",  "D1", "D2"};
    for (int k = 0; k < N_COV; k++)
        if (strcasecmp(name, cov_col[k]) == 0)
            return 1;
    for (size_t k = 0; k < sizeof other / sizeof other[0]; k++)
        if (strcasecmp(name, other[k]) == 0)
            return 1;
    for (size_t k = 0; k < st->n_params; k++)
        if (strcasecmp(name, st->params[k].name) == 0)
            return 1;
    return 0;
}

size_t gs_dataset_unused_columns(const gs_dataset *ds, const gs_drug *drug, char *buf, size_t size)
{
    const struct gs_structure *st = gs_drug_structure(drug);
    size_t n = 0, len = 0;
    if (size > 0)
        buf[0] = '\0';
    for (size_t k = 0; k < gs_dataset_n_covariates(ds); k++) {
        const char *name = gs_dataset_covariate_name(ds, k);
        if (column_used(name, st) || strcasecmp(name, "PRED") == 0 ||
            strcasecmp(name, "IPRED") == 0 || strcasecmp(name, "SIMDV") == 0)
            continue;
        /* names a NONMEM user may expect read, with the reason they are not */
        const char *why = strcasecmp(name, "PCMT") == 0
                              ? " (gabasim predicts the central concentration on "
                                "observation rows only; other rows get '.')"
                          : strcasecmp(name, "MTIME") == 0
                              ? " (a $PK variable, not a data item: no model event times)"
                              : "";
        if (len < size)
            len += (size_t)snprintf(buf + len, size - len, "%s%s%s",
                                    n ? ", " : "columns not read: ", name, why);
        n++;
    }
    if (n > 0 && len < size)
        snprintf(buf + len, size - len,
                 " (read: covariates AGE SEX WT HT SCR CRCL DIAL, OCC, HD/DUR, F1 ALAG1 R1 D1 "
                 "(and 2), and the parameters of structure '%s' by name)",
                 st->name);
    return n;
}

size_t gs_dataset_observation_cmt_note(const gs_dataset *ds, char *buf, size_t size)
{
    size_t n = 0;
    double id = NAN, time = NAN;
    if (size > 0)
        buf[0] = '\0';
    for (size_t s = 0; s < gs_dataset_n_subjects(ds); s++) {
        double sid;
        size_t first, rows;
        gs_dataset_subject(ds, s, &sid, &first, &rows);
        for (size_t i = first; i < first + rows; i++) {
            struct gs_event e;
            gs_dataset_row_event(ds, i, &e);
            if (!gs_dataset_row_is_observation(ds, i) || e.cmt <= 0 || e.cmt == GS_CMT_CENTRAL)
                continue;
            if (n++ == 0)
                id = sid, time = e.time_h;
        }
    }
    if (n > 0 && size > 0)
        snprintf(buf, size,
                 "%zu observation record%s name%s a compartment other than the central one in "
                 "CMT (the first: ID %g, TIME %g); CMT on observations is not read: every "
                 "prediction is the central concentration",
                 n, n == 1 ? "" : "s", n == 1 ? "s" : "", id, time);
    return n;
}

/* Every subject of the dataset, in parallel (mode 0: simulate into pred, ipred, simdv; 1: the
 * MAP individual fit into ipred, iwres); the first failure in file order is the result. */
static gs_status each_subject(const struct gs_dataset_sim_config *c, int mode, double *pred,
                              double *ipred, double *simdv, double *iwres, struct gs_error *err)
{
    const gs_dataset *ds = c->ds;
    size_t n_subj = gs_dataset_n_subjects(ds);
    int col[GS__N_COVARIATE_COLUMNS];
    gs__covariate_columns(ds, col);
#ifdef _OPENMP
    int threads;
    gs_status tst = gs_threads_start(c->threads, &threads, err);
    if (tst != GS_OK)
        return tst;
#endif
    struct subject_out *o = gs_calloc(n_subj ? n_subj : 1, sizeof *o);
    if (o == NULL)
        return gs_error_set(err, GS_NOMEM, "dataset", "out of memory");
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
#endif
    for (size_t s = 0; s < n_subj; s++)
        simulate_subject(c, col, s, mode, pred, ipred, simdv, iwres, &o[s]);
    gs_status st = GS_OK;
    for (size_t s = 0; s < n_subj && st == GS_OK; s++) /* the first failure in file order */
        if (o[s].st != GS_OK) {
            st = o[s].st;
            if (err)
                *err = o[s].err;
        }
    gs_free(o);
    return st;
}

gs_status gs_dataset_simulate(const struct gs_dataset_sim_config *c, double *pred, double *ipred,
                              double *simdv, struct gs_error *err)
{
    size_t n_rows = gs_dataset_n_rows(c->ds);
    for (size_t i = 0; i < n_rows; i++)
        pred[i] = ipred[i] = simdv[i] = NAN;
    return each_subject(c, 0, pred, ipred, simdv, NULL, err);
}

gs_status gs_dataset_individual(const struct gs_dataset_sim_config *c, double *ipred, double *iwres,
                                struct gs_error *err)
{
    size_t n_rows = gs_dataset_n_rows(c->ds);
    for (size_t i = 0; i < n_rows; i++)
        ipred[i] = iwres[i] = NAN;
    return each_subject(c, 1, NULL, ipred, NULL, iwres, err);
}
