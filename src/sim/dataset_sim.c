/* dataset_sim.c - a NONMEM-style dataset through the engine, subject by subject. */
#include "gabasim/dataset_sim.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "gabasim/alloc.h"
#include "gabasim/threads.h"
#include "gabasim/rng.h"

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

/* The covariate value holding at row r of [first, first + n): LOCF, else NOCB; NaN if never. */
static double cov_at(const gs_dataset *ds, int k, size_t first, size_t n, size_t r)
{
    if (k < 0)
        return NAN;
    for (size_t i = r + 1; i-- > first;) {
        double v = gs_dataset_covariate(ds, i, (size_t)k);
        if (!isnan(v))
            return v;
    }
    for (size_t i = r + 1; i < first + n; i++) {
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

gs_status gs__patient_at(const gs_dataset *ds, const int *col, size_t first, size_t n, size_t r,
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
        v[k] = cov_at(ds, col[k], first, n, r);
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

static void simulate_subject(const struct gs_dataset_sim_config *c, const int *col, size_t s,
                             double *pred, double *ipred, double *simdv, struct subject_out *o)
{
    const gs_dataset *ds = c->ds;
    double id;
    size_t first, n;
    gs_dataset_subject(ds, s, &id, &first, &n);
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    struct gs_model *typ = gs_malloc(n * sizeof *typ), *ind = gs_malloc(n * sizeof *ind);
    double *change = gs_malloc(n * sizeof *change), *t_obs = gs_malloc(n * sizeof *t_obs);
    size_t *obs_row = gs_malloc(n * sizeof *obs_row);
    struct gs_profile pp = GS_PROFILE_INIT, pi = GS_PROFILE_INIT;
    o->st = GS_OK;
    if (!typ || !ind || !change || !t_obs || !obs_row) {
        o->st = gs_error_set(&o->err, GS_NOMEM, "dataset", "out of memory for subject %g", id);
        goto done;
    }
    /* random effects for this subject: drawn once, applied to every model it goes through */
    gs_rng r;
    gs_rng_seed(&r, c->seed, (uint64_t)s);
    double eta[GS_MAX_PARAMS] = {0};
    int random = c->var && c->var->n;
    if (random)
        gs_variability_draw_eta(c->var, &r, eta);

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
        if ((o->st = dialysis_record(ds, i, hd_col, dur_col, &e, &o->err))) {
            gs__row_error(ds, i, &o->err);
            goto done;
        }
        if (e.evid != GS_EVID_OBS && e.evid != GS_EVID_OTHER) {
            if ((o->st = gs_event_list_push(&ev, &e)) != GS_OK) {
                gs_error_set(&o->err, o->st, "dataset", "out of memory");
                goto done;
            }
        }
        if (gs_dataset_row_is_observation(ds, i)) {
            t_obs[n_obs] = e.time_h;
            obs_row[n_obs++] = i;
        }
        struct gs_patient p;
        struct gs_model m;
        if ((o->st = gs__patient_at(ds, col, first, n, i, c->patient, &p, &o->err)) ||
            (o->st = gs_drug_individual_model(c->drug, &p, &m, NULL, 0, &o->err))) {
            gs__row_error(ds, i, &o->err);
            goto done;
        }
        int new_occ = 0;
        double o_now = cov_at(ds, occ_col, first, n, i);
        if (random && occ_col >= 0 && !isnan(o_now) && o_now != occ) {
            struct gs_model unit = m;
            for (size_t k = 0; k < GS_MAX_PARAMS; k++)
                unit.p[k] = 1.0;
            gs_variability_apply_occasion(c->var, &r, &unit);
            memcpy(occ_eff, unit.p, sizeof occ_eff);
            occ = o_now;
            new_occ = 1;
        }
        if (n_models == 0 || new_occ || memcmp(m.p, typ[n_models - 1].p, sizeof m.p) != 0) {
            typ[n_models] = m;
            ind[n_models] = m;
            if (random) {
                gs_variability_apply_eta(c->var, eta, &ind[n_models]);
                for (size_t k = 0; k < m.structure->n_params; k++)
                    ind[n_models].p[k] *= occ_eff[k];
            }
            change[n_models++] = e.time_h;
        }
    }
    if ((o->st = gs_event_list_validate(&ev, 2, &o->err)) ||
        (o->st = gs_event_list_expand(&ev, &o->err))) {
        char where[128];
        snprintf(where, sizeof where, "%s: ID %g", gs_dataset_origin(ds), id);
        gs_error_prefix(&o->err, where);
        goto done;
    }
    /* the typical subject's profile, then the individual's */
    const struct gs_simulate_tv_request tv_typ = {typ,   change, n_models, &ev,
                                                  t_obs, n_obs,  &c->sim},
                                        tv_ind = {ind,   change, n_models, &ev,
                                                  t_obs, n_obs,  &c->sim};
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
    gs_free(change);
    gs_free(t_obs);
    gs_free(obs_row);
}

gs_status gs_dataset_simulate(const struct gs_dataset_sim_config *c, double *pred, double *ipred,
                              double *simdv, struct gs_error *err)
{
    const gs_dataset *ds = c->ds;
    size_t n_rows = gs_dataset_n_rows(ds), n_subj = gs_dataset_n_subjects(ds);
    for (size_t i = 0; i < n_rows; i++)
        pred[i] = ipred[i] = simdv[i] = NAN;
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
        simulate_subject(c, col, s, pred, ipred, simdv, &o[s]);
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
