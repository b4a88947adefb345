/* adverse.c - side-effect risk model (see gabasim/adverse.h). */
#include "gabasim/adverse.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/datafile.h"
#include "gabasim/drug.h"

#define REQ GS_DATAFILE_REQUIRED
#define OPT GS_DATAFILE_OPTIONAL

static gs_status parse_event(const cJSON *x, const char *path, struct gs_ae_event *e,
                             struct gs_error *err)
{
    /* the ranges of docs/model.md, "Side effects": an ED50 is a plasma concentration (gabapentin
     * and pregabalin reach tens of mg/L at most), Emax the drug's largest excess risk */
    static const struct gs_datafile_range ed50 = {0.0, 1000.0, 1, 0, "mg/L", NULL};
    static const struct gs_datafile_range emax = {0.0, 1.0, 0, 0, NULL, NULL};
    static const struct gs_datafile_range crcl = {0.0, 250.0, 1, 0, "mL/min", NULL};
    static const struct gs_datafile_range per_day = {1.0, 4.0, 0, 1, NULL, NULL};
    static const struct gs_datafile_range dose = {0.0, 1e5, 1, 0, "mg/day", NULL};
    static const struct gs_datafile_range prob = {0.0, 1.0,  0,
                                                  0,   NULL, "a number from 0 to below 1"};
    double pd = 0.0;
    size_t n1, n2, n3;
    gs_status st;
    e->crcl = e->ed50_fixed = e->emax = e->ed50 = NAN;
    if (!cJSON_IsObject(x))
        return gs_error_set(err, GS_INPUT, path, "'%s' is not an object; allowed an object", path);
    if ((st = gs_datafile_string_copy(x, path, "drug", REQ, e->drug, sizeof e->drug, err)) ||
        (st = gs_datafile_string_copy(x, path, "event", REQ, e->event, sizeof e->event, err)) ||
        (st = gs_datafile_number(x, path, "crcl", REQ, &crcl, &e->crcl, err)) ||
        (st = gs_datafile_number(x, path, "per_day", REQ, &per_day, &pd, err)) ||
        (st = gs_datafile_number(x, path, "ed50_fixed", OPT, &ed50, &e->ed50_fixed, err)) ||
        (st = gs_datafile_number(x, path, "emax", OPT, &emax, &e->emax, err)) ||
        (st = gs_datafile_number(x, path, "ed50", OPT, &ed50, &e->ed50, err)) ||
        (st = gs_datafile_numbers(x,
                                  &(struct gs_datafile_spec){.path = path,
                                                             .key = "doses_mg_day",
                                                             .need = REQ,
                                                             .range = &dose,
                                                             .min_n = 1,
                                                             .max_n = GS_AE_MAX_POINTS},
                                  e->dose_mg_day, &n1, err)) ||
        (st = gs_datafile_numbers(x,
                                  &(struct gs_datafile_spec){.path = path,
                                                             .key = "incidence",
                                                             .need = REQ,
                                                             .range = &prob,
                                                             .min_n = n1,
                                                             .max_n = n1},
                                  e->incidence, &n2, err)) ||
        (st = gs_datafile_numbers(x,
                                  &(struct gs_datafile_spec){.path = path,
                                                             .key = "placebo",
                                                             .need = REQ,
                                                             .range = &prob,
                                                             .min_n = n1,
                                                             .max_n = n1},
                                  e->placebo, &n3, err)))
        return st;
    if (isnan(e->emax) != isnan(e->ed50))
        return gs_error_set(
            err, GS_INPUT, path, "'%s' has %s without %s; allowed both (a fitted event) or neither",
            path, isnan(e->emax) ? "'ed50'" : "'emax'", isnan(e->emax) ? "'emax'" : "'ed50'");
    e->per_day = (int)pd;
    e->n = n1;
    e->p0 = 0.0;
    for (size_t i = 0; i < n1; i++) {
        if (!(e->incidence[i] < 1 && e->placebo[i] < 1))
            return gs_error_set(err, GS_INPUT, path,
                                "'%s' has an incidence of 1 at %g mg/day; allowed below 1", path,
                                e->dose_mg_day[i]);
        e->p0 += e->placebo[i] / (double)n1;
    }
    return GS_OK;
}

static gs_status parse_root(struct gs_ae_model *m, const cJSON *root, struct gs_error *err)
{
    static const struct gs_datafile_range tau = {0.0, 365.0, 1, 0, "d", NULL};
    static const struct gs_datafile_range mult = {1.0, 10.0, 0, 0, NULL, NULL};
    static const struct gs_datafile_range age = {0.0, 150.0, 0, 0, "y", NULL};
    static const struct gs_datafile_range factor = {0.0, 10.0, 0, 0, NULL, NULL};
    const cJSON *cns, *ages, *events, *x;
    gs_status st;
    size_t n;
    if ((st =
             gs_datafile_quantity(root,
                                  &(struct gs_datafile_spec){
                                      .path = "", .key = "onset_tau_d", .need = REQ, .range = &tau},
                                  &m->tau_d, NULL, err)) ||
        (st = gs_datafile_quantity(
             root,
             &(struct gs_datafile_spec){
                 .path = "", .key = "cns_depressant_multiplier", .need = REQ, .range = &mult},
             &m->cns_mult, NULL, err)) ||
        (st = gs_datafile_object(root, "", "cns_depressant_multiplier", REQ, &cns, err)) ||
        (st = gs_datafile_object(root, "", "age_multipliers", REQ, &ages, err)) ||
        (st = gs_datafile_numbers(ages,
                                  &(struct gs_datafile_spec){.path = "age_multipliers",
                                                             .key = "bands_y",
                                                             .need = REQ,
                                                             .range = &age,
                                                             .min_n = 3,
                                                             .max_n = 3},
                                  m->age_band_y, &n, err)) ||
        (st = gs_datafile_array(root, "", "events", REQ, &events, err)))
        return st;
    if (!(m->age_band_y[0] < m->age_band_y[1] && m->age_band_y[1] < m->age_band_y[2]))
        return gs_error_set(err, GS_INPUT, "age_multipliers.bands_y",
                            "'age_multipliers.bands_y' is [%g, %g, %g] y; allowed: ascending, 0 "
                            "to 150 y",
                            m->age_band_y[0], m->age_band_y[1], m->age_band_y[2]);
    if (!(tau.hi > m->tau_d))
        return gs_error_set(err, GS_INPUT, "onset_tau_d",
                            "'onset_tau_d.value' is %g d; allowed above 0, below 365 d", m->tau_d);
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(cns, "applies_to"))
    {
        if (m->n_cns < 4 && cJSON_IsString(x))
            snprintf(m->cns_events[m->n_cns++], 32, "%s", x->valuestring);
    }
    cJSON_ArrayForEach(x, ages)
    {
        if (!cJSON_IsArray(x) || strcmp(x->string, "bands_y") == 0 || m->n_age == 4)
            continue;
        if ((st = gs_datafile_numbers(ages,
                                      &(struct gs_datafile_spec){.path = "age_multipliers",
                                                                 .key = x->string,
                                                                 .need = REQ,
                                                                 .range = &factor,
                                                                 .min_n = 3,
                                                                 .max_n = 3},
                                      m->age[m->n_age].mult, &n, err)))
            return st;
        snprintf(m->age[m->n_age].event, 32, "%.31s", x->string);
        m->n_age++;
    }
    cJSON_ArrayForEach(x, events)
    {
        char path[32];
        snprintf(path, sizeof path, "events[%zu]", m->n);
        if (m->n == GS_AE_MAX_EVENTS)
            return gs_error_set(err, GS_INPUT, "events",
                                "'events' has more than %d events; allowed at most %d",
                                GS_AE_MAX_EVENTS, GS_AE_MAX_EVENTS);
        if ((st = parse_event(x, path, &m->ev[m->n], err)))
            return st;
        m->n++;
    }
    return GS_OK;
}

gs_status gs_ae_parse(struct gs_ae_model *m, const char *text, size_t len, const char *path,
                      struct gs_error *err)
{
    memset(m, 0, sizeof *m);
    cJSON *root;
    gs_status st = gs_datafile_parse_json(text, len, path, &root, err);
    if (st != GS_OK)
        return st;
    st = cJSON_IsObject(root) ? parse_root(m, root, err)
                              : gs_error_set(err, GS_INPUT, "(top level)",
                                             "'(top level)' is not an object; allowed a JSON "
                                             "object");
    cJSON_Delete(root);
    if (st != GS_OK)
        gs_error_prefix(err, path);
    return st;
}

gs_status gs_ae_load(struct gs_ae_model *m, const char *path, struct gs_error *err)
{
    char origin[4096], *text = NULL;
    size_t len = 0;
    gs_datafile_locate(origin, sizeof origin, path, "adverse.json");
    gs_status st = gs_datafile_read(origin, 1 << 20, "side-effect file", &text, &len, err);
    if (st != GS_OK)
        return st;
    st = gs_ae_parse(m, text, len, origin, err);
    gs_free(text);
    return st;
}

double gs_ae_excess(const struct gs_ae_event *e, double c)
{
    if (!(c > 0.0) || isnan(e->emax))
        return 0.0;
    return e->emax * c / (e->ed50 + c);
}

double gs_ae_risk(const struct gs_ae_model *m, const struct gs_ae_event *e, double c, double age,
                  int cns, double day)
{
    if (!(day > 0.0))
        return 0.0;
    double mult = 1.0;
    if (!isnan(age)) {
        int band = age >= m->age_band_y[2] ? 2 : age >= m->age_band_y[1] ? 1 : 0;
        const double *row = NULL;
        for (size_t i = 0; i < m->n_age; i++)
            if (strcmp(m->age[i].event, e->event) == 0)
                row = m->age[i].mult;
        for (size_t i = 0; row == NULL && i < m->n_age; i++) /* events without a table */
            if (strcmp(m->age[i].event, "dizziness") == 0)
                row = m->age[i].mult;
        if (row)
            mult *= row[band];
    }
    if (cns)
        for (size_t i = 0; i < m->n_cns; i++)
            if (strcmp(m->cns_events[i], e->event) == 0)
                mult *= m->cns_mult;
    double onset = isinf(day) ? 1.0 : -expm1(-day / m->tau_d);
    double ex = fmin(1.0, mult * gs_ae_excess(e, c));
    return 1.0 - (1.0 - e->p0 * onset) * (1.0 - ex * onset);
}
