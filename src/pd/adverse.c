/* adverse.c - side-effect risk model (see gabasim/adverse.h). */
#include "gabasim/adverse.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../drug/drug_int.h"
#include "gabasim/alloc.h"
#include "gabasim/drug.h"

static double num(const cJSON *o, const char *a, const char *b)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, a);
    if (b)
        x = cJSON_GetObjectItemCaseSensitive(x, b);
    return cJSON_IsNumber(x) ? x->valuedouble : NAN;
}

static size_t numbers(const cJSON *arr, double *out, size_t max)
{
    size_t n = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, arr)
    {
        if (n == max || !cJSON_IsNumber(x))
            return 0;
        out[n++] = x->valuedouble;
    }
    return n;
}

static gs_status parse_root(struct gs_ae_model *m, const cJSON *root, const char *path,
                            struct gs_error *err)
{
    m->tau_d = num(root, "onset_tau_d", "value");
    m->cns_mult = num(root, "cns_depressant_multiplier", "value");
    if (!(m->tau_d > 0 && m->tau_d < 365) || !(m->cns_mult >= 1 && m->cns_mult <= 10))
        return gs_error_set(err, GS_INPUT, path,
                            "%s: needs onset_tau_d (0-365 d) and cns_depressant_multiplier (1-10)",
                            path);
    const cJSON *x;
    cJSON_ArrayForEach(
        x, cJSON_GetObjectItemCaseSensitive(
               cJSON_GetObjectItemCaseSensitive(root, "cns_depressant_multiplier"), "applies_to"))
    {
        if (m->n_cns < 4 && cJSON_IsString(x))
            snprintf(m->cns_events[m->n_cns++], 32, "%s", x->valuestring);
    }
    const cJSON *age = cJSON_GetObjectItemCaseSensitive(root, "age_multipliers");
    if (numbers(cJSON_GetObjectItemCaseSensitive(age, "bands_y"), m->age_band_y, 3) != 3)
        return gs_error_set(err, GS_INPUT, path, "%s: age_multipliers.bands_y needs 3 ages", path);
    cJSON_ArrayForEach(x, age)
    {
        if (!cJSON_IsArray(x) || strcmp(x->string, "bands_y") == 0 || m->n_age == 4)
            continue;
        if (numbers(x, m->age[m->n_age].mult, 3) != 3)
            return gs_error_set(err, GS_INPUT, path, "%s: age multipliers need 3 numbers", path);
        snprintf(m->age[m->n_age].event, 32, "%.31s", x->string);
        m->n_age++;
    }
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(root, "events"))
    {
        if (m->n == GS_AE_MAX_EVENTS)
            return gs_error_set(err, GS_INPUT, path, "%s: more than %d events", path,
                                GS_AE_MAX_EVENTS);
        struct gs_ae_event *e = &m->ev[m->n];
        const cJSON *dn = cJSON_GetObjectItemCaseSensitive(x, "drug");
        const cJSON *en = cJSON_GetObjectItemCaseSensitive(x, "event");
        if (!cJSON_IsString(dn) || !cJSON_IsString(en))
            return gs_error_set(err, GS_INPUT, path, "%s: event %zu needs drug and event", path,
                                m->n + 1);
        snprintf(e->drug, sizeof e->drug, "%.31s", dn->valuestring);
        snprintf(e->event, sizeof e->event, "%.31s", en->valuestring);
        e->crcl = num(x, "crcl", NULL);
        double pd = num(x, "per_day", NULL);
        e->per_day = pd >= 1 && pd <= 4 ? (int)pd : 0;
        e->ed50_fixed = num(x, "ed50_fixed", NULL);
        e->emax = num(x, "emax", NULL);
        e->ed50 = num(x, "ed50", NULL);
        size_t n1 = numbers(cJSON_GetObjectItemCaseSensitive(x, "doses_mg_day"), e->dose_mg_day,
                            GS_AE_MAX_POINTS);
        size_t n2 = numbers(cJSON_GetObjectItemCaseSensitive(x, "incidence"), e->incidence,
                            GS_AE_MAX_POINTS);
        size_t n3 =
            numbers(cJSON_GetObjectItemCaseSensitive(x, "placebo"), e->placebo, GS_AE_MAX_POINTS);
        if (n1 == 0 || n1 != n2 || n1 != n3 || e->per_day == 0 || !(e->crcl > 0 && e->crcl <= 250))
            return gs_error_set(err, GS_INPUT, path,
                                "%s: event %zu (%s %s) needs crcl, per_day and equally long "
                                "doses, incidence and placebo arrays",
                                path, m->n + 1, e->drug, e->event);
        e->n = n1;
        e->p0 = 0.0;
        for (size_t i = 0; i < n1; i++) {
            if (!(e->incidence[i] >= 0 && e->incidence[i] < 1 && e->placebo[i] >= 0 &&
                  e->placebo[i] < 1 && e->dose_mg_day[i] > 0))
                return gs_error_set(err, GS_INPUT, path,
                                    "%s: event %zu has a dose or incidence out of range", path,
                                    m->n + 1);
            e->p0 += e->placebo[i] / (double)n1;
        }
        m->n++;
    }
    return GS_OK;
}

gs_status gs_ae_parse(struct gs_ae_model *m, const char *text, size_t len, const char *path,
                      struct gs_error *err)
{
    memset(m, 0, sizeof *m);
    cJSON *root;
    if (gs__json_parse(text, len, &root) != GS_OK)
        return gs_error_set(err, GS_NOMEM, path, "out of memory");
    gs_status st = cJSON_IsObject(root)
                       ? parse_root(m, root, path, err)
                       : gs_error_set(err, GS_INPUT, path, "%s: malformed JSON", path);
    cJSON_Delete(root);
    return st;
}

gs_status gs_ae_load(struct gs_ae_model *m, const char *path, struct gs_error *err)
{
    char origin[4096], *text = NULL;
    size_t len = 0;
    gs_status st = gs__read_data_file(path, "adverse.json", 1 << 20, &text, &len, origin, err);
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
