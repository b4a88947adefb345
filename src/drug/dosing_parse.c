/* dosing_parse.c - the drug file's "dosing" section (label dosing rules) into struct gs_dosing. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "drug_int.h"
#include "gabasim/datafile.h"

#define REQ GS_DATAFILE_REQUIRED
#define OPT GS_DATAFILE_OPTIONAL

static gs_status fail(struct gs_error *err, const char *path, const char *what)
{
    return gs_error_set(err, GS_INPUT, path, "'%s' %s", path, what);
}

/* [[a], [b, c], ...] -> ranges (a, a), (b, c); at most GS_DOSING_MAX_COLUMNS. */
static gs_status ranges(const cJSON *o, const char *path, const char *key, double (*out)[2],
                        size_t *n, struct gs_error *err)
{
    static const struct gs_datafile_range mg = {0.0, 1e5, 1, 0, "mg/day", NULL};
    const cJSON *arr, *c;
    char field[200];
    gs_status st = gs_datafile_array(o, path, key, REQ, &arr, err);
    if (st != GS_OK)
        return st;
    gs_datafile_field(field, sizeof field, path, key);
    int size = cJSON_GetArraySize(arr);
    if (size < 1 || size > GS_DOSING_MAX_COLUMNS)
        return gs_error_set(err, GS_INPUT, field,
                            "'%s' has %d columns; allowed 1 to %d columns like [300] or [25, 50]",
                            field, size, GS_DOSING_MAX_COLUMNS);
    *n = 0;
    cJSON_ArrayForEach(c, arr)
    {
        char cf[220];
        snprintf(cf, sizeof cf, "%s[%zu]", field, *n);
        int k = cJSON_GetArraySize(c);
        if (!cJSON_IsArray(c) || k < 1 || k > 2)
            return fail(err, cf, "is not [dose] or [low, high]; allowed 1 or 2 doses in mg/day");
        char ef[240];
        for (int i = 0; i < k; i++) {
            snprintf(ef, sizeof ef, "%s[%d]", cf, i);
            if ((st = gs_datafile_number_item(cJSON_GetArrayItem(c, i), ef, &mg, &out[*n][i], err)))
                return st;
        }
        if (k == 1)
            out[*n][1] = out[*n][0];
        if (!(out[*n][1] >= out[*n][0]))
            return gs_error_set(err, GS_INPUT, cf, "'%s' is [%g, %g]; allowed low <= high", cf,
                                out[*n][0], out[*n][1]);
        (*n)++;
    }
    return GS_OK;
}

static gs_status band(const cJSON *o, const char *path, struct gs_renal_band *b,
                      struct gs_error *err)
{
    static const struct gs_datafile_range crcl_min = {0.0, 250.0, 0, 0, "mL/min", NULL};
    static const struct gs_datafile_range daily = {0.0, 1e5, 1, 0, "mg/day", NULL};
    static const struct gs_datafile_range per_day = {1.0, 4.0, 0, 1, NULL, NULL};
    static const struct gs_datafile_range scale = {1.0, 250.0, 0, 0, "mL/min", NULL};
    gs_status st;
    if (!cJSON_IsObject(o))
        return fail(err, path, "is not an object; allowed an object");
    if ((st = gs_datafile_number(o, path, "crcl_min", REQ, &crcl_min, &b->crcl_min, err)))
        return st;
    const struct gs_datafile_range crcl_max = {b->crcl_min, 1000.0, 0, 0, "mL/min", NULL};
    double daily_mg[2], pd[3];
    size_t n_daily, n_pd;
    char p[200];
    b->crcl_max = INFINITY;
    b->scale_below_crcl = 0.0;
    if ((st = gs_datafile_number(o, path, "crcl_max", OPT, &crcl_max, &b->crcl_max, err)) ||
        (st = gs_datafile_numbers(o,
                                  &(struct gs_datafile_spec){.path = path,
                                                             .key = "daily_mg",
                                                             .need = REQ,
                                                             .range = &daily,
                                                             .min_n = 2,
                                                             .max_n = 2},
                                  daily_mg, &n_daily, err)) ||
        (st = gs_datafile_numbers(o,
                                  &(struct gs_datafile_spec){.path = path,
                                                             .key = "per_day",
                                                             .need = REQ,
                                                             .range = &per_day,
                                                             .min_n = 1,
                                                             .max_n = 3},
                                  pd, &n_pd, err)) ||
        (st = ranges(o, path, "columns_mg", b->column_mg, &b->n_columns, err)) ||
        (st = gs_datafile_number(o, path, "scale_below_crcl", OPT, &scale, &b->scale_below_crcl,
                                 err)))
        return st;
    b->daily_min_mg = daily_mg[0];
    b->daily_max_mg = daily_mg[1];
    if (!(b->daily_max_mg >= b->daily_min_mg))
        return gs_error_set(err, GS_INPUT, gs_datafile_field(p, sizeof p, path, "daily_mg"),
                            "'%s' is [%g, %g]; allowed low <= high", p, b->daily_min_mg,
                            b->daily_max_mg);
    b->n_per_day = n_pd;
    for (size_t i = 0; i < n_pd; i++)
        b->per_day[i] = (int)pd[i];
    return GS_OK;
}

/* dosing.products: the marketed solid strengths and the oral solution. */
static gs_status products(const cJSON *d, struct gs_dosing *r, struct gs_error *err)
{
    static const struct gs_datafile_range strength = {0.0, 1e4, 1, 0, "mg", NULL};
    static const struct gs_datafile_range units = {1.0, 6.0, 0, 1, NULL, NULL};
    static const struct gs_datafile_range conc = {0.0, 1e3, 1, 0, "mg/mL", NULL};
    static const struct gs_datafile_range step = {0.0, 5.0, 1, 0, "mL", NULL};
    static const char *const path = "dosing.products";
    const cJSON *o, *solids, *s, *sol;
    double u;
    gs_status st;
    if ((st = gs_datafile_object(d, "dosing", "products", REQ, &o, err)) ||
        (st = gs_datafile_source(o, path, &r->products_source, err)) ||
        (st = gs_datafile_string(o, path, "rounding", REQ, &r->rounding_rule, err)) ||
        (st = gs_datafile_number(o, path, "max_units", REQ, &units, &u, err)) ||
        (st = gs_datafile_array(o, path, "solids", REQ, &solids, err)))
        return st;
    r->max_units = (int)u;
    int n = cJSON_GetArraySize(solids);
    if (n < 1 || n > GS_DOSING_MAX_SOLIDS)
        return gs_error_set(err, GS_INPUT, "dosing.products.solids",
                            "'dosing.products.solids' has %d strengths; allowed 1 to %d", n,
                            GS_DOSING_MAX_SOLIDS);
    cJSON_ArrayForEach(s, solids)
    {
        char p[64];
        snprintf(p, sizeof p, "%s.solids[%zu]", path, r->n_solids);
        struct gs_dose_product *x = &r->solid[r->n_solids];
        if (!cJSON_IsObject(s))
            return fail(err, p, "is not an object; allowed {\"mg\": 300, \"form\": \"capsule\"}");
        if ((st = gs_datafile_number(s, p, "mg", REQ, &strength, &x->mg, err)) ||
            (st = gs_datafile_string(s, p, "form", REQ, &x->form, err)))
            return st;
        if (r->n_solids && !(x->mg > r->solid[r->n_solids - 1].mg))
            return fail(err, p, "is not above the strength before it; allowed ascending mg");
        r->n_solids++;
    }
    if ((st = gs_datafile_object(o, path, "solution", OPT, &sol, err)))
        return st;
    if (sol && ((st = gs_datafile_number(sol, "dosing.products.solution", "mg_per_ml", REQ, &conc,
                                         &r->solution_mg_ml, err)) ||
                (st = gs_datafile_number(sol, "dosing.products.solution", "step_ml", REQ, &step,
                                         &r->solution_step_ml, err))))
        return st;
    return GS_OK;
}

/* dosing.titration: the start and the slowest schedule of increases. */
static gs_status titration(const cJSON *d, struct gs_dosing *r, struct gs_error *err)
{
    static const struct gs_datafile_range days = {1.0, 90.0, 0, 0, "days", NULL};
    static const struct gs_datafile_range cols = {1.0, GS_DOSING_MAX_COLUMNS, 0, 1, NULL, NULL};
    static const struct gs_datafile_range mg = {0.0, 1e5, 1, 0, "mg/day", NULL};
    static const struct gs_datafile_range age = {18.0, 120.0, 0, 0, "years", NULL};
    static const struct gs_datafile_range factor = {1.0, 10.0, 0, 0, NULL, NULL};
    static const char *const path = "dosing.titration";
    const cJSON *o, *old;
    double c;
    gs_status st;
    if ((st = gs_datafile_object(d, "dosing", "titration", REQ, &o, err)) ||
        (st = gs_datafile_source(o, path, &r->titration_source, err)) ||
        (st = gs_datafile_number(o, path, "start_ramp_days", OPT, &days, &r->start_ramp_days,
                                 err)) ||
        (st = gs_datafile_numbers(o,
                                  &(struct gs_datafile_spec){.path = path,
                                                             .key = "min_interval_days",
                                                             .need = REQ,
                                                             .range = &days,
                                                             .min_n = 1,
                                                             .max_n = GS_DOSING_MAX_INTERVALS},
                                  r->min_interval_days, &r->n_intervals, err)) ||
        (st = gs_datafile_number(o, path, "max_step_columns", REQ, &cols, &c, err)) ||
        (st = gs_datafile_number(o, path, "max_step_mg_day", OPT, &mg, &r->max_step_mg_day, err)) ||
        (st = gs_datafile_object(o, path, "older", OPT, &old, err)))
        return st;
    r->max_step_columns = (int)c;
    r->older_interval_factor = 1.0;
    if (old && ((st = gs_datafile_number(old, "dosing.titration.older", "age_min", REQ, &age,
                                         &r->older_age_min, err)) ||
                (st = gs_datafile_number(old, "dosing.titration.older", "interval_factor", REQ,
                                         &factor, &r->older_interval_factor, err)) ||
                (st = gs_datafile_source(old, "dosing.titration.older", &r->older_source, err))))
        return st;
    return GS_OK;
}

gs_status gs__dosing_parse(const cJSON *root, struct gs_dosing *r, int *present,
                           struct gs_error *err)
{
    static const struct gs_datafile_range max_daily = {1.0, 1e5, 0, 0, "mg", NULL};
    static const struct gs_datafile_range max_interval = {1.0, 168.0, 0, 0, "h", NULL};
    static const struct gs_datafile_range taper = {0.0, 365.0, 0, 0, "days", NULL};
    const cJSON *d, *renal, *bands, *b, *hd, *o;
    memset(r, 0, sizeof *r);
    *present = 0;
    gs_status st;
    if ((st = gs_datafile_object(root, "", "dosing", OPT, &d, err)) || d == NULL)
        return st;
    if ((st = gs_datafile_object(d, "dosing", "renal", REQ, &renal, err)) ||
        (st = gs_datafile_source(renal, "dosing.renal", &r->renal_source, err)) ||
        (st = gs_datafile_string(renal, "dosing.renal", "edges", REQ, &r->edge_rule, err)) ||
        (st = gs_datafile_array(renal, "dosing.renal", "bands", REQ, &bands, err)))
        return st;
    int nb = cJSON_GetArraySize(bands);
    if (nb < 1 || nb > GS_DOSING_MAX_BANDS)
        return gs_error_set(err, GS_INPUT, "dosing.renal.bands",
                            "'dosing.renal.bands' has %d bands; allowed 1 to %d", nb,
                            GS_DOSING_MAX_BANDS);
    cJSON_ArrayForEach(b, bands)
    {
        char p[64];
        snprintf(p, sizeof p, "dosing.renal.bands[%zu]", r->n_bands);
        if ((st = band(b, p, &r->band[r->n_bands], err)))
            return st;
        r->n_bands++;
    }
    /* bands sorted ascending, contiguous, starting at 0 and open at the top */
    for (size_t i = 0; i + 1 < r->n_bands; i++)
        for (size_t j = i + 1; j < r->n_bands; j++)
            if (r->band[j].crcl_min < r->band[i].crcl_min) {
                struct gs_renal_band t = r->band[i];
                r->band[i] = r->band[j];
                r->band[j] = t;
            }
    if (r->band[0].crcl_min != 0.0 || !isinf(r->band[r->n_bands - 1].crcl_max))
        return fail(err, "dosing.renal.bands",
                    "must start at crcl_min 0 and leave the top band without crcl_max");
    for (size_t i = 0; i + 1 < r->n_bands; i++)
        if (r->band[i].crcl_max != r->band[i + 1].crcl_min)
            return fail(err, "dosing.renal.bands",
                        "must be contiguous: each band's crcl_max is the next band's crcl_min");
    const char *hd_path = "dosing.renal.haemodialysis_supplement";
    if ((st = gs_datafile_object(renal, "dosing.renal", "haemodialysis_supplement", OPT, &hd, err)))
        return st;
    if (hd) {
        if ((st = gs_datafile_source(hd, hd_path, &r->hd_source, err)) ||
            (st = ranges(hd, hd_path, "columns_mg", r->hd_supplement_mg, &r->n_hd, err)))
            return st;
        if (r->n_hd != r->band[0].n_columns)
            return gs_error_set(err, GS_INPUT, "dosing.renal.haemodialysis_supplement.columns_mg",
                                "'%s.columns_mg' has %zu columns; allowed %zu, one per column "
                                "of the lowest band",
                                hd_path, r->n_hd, r->band[0].n_columns);
    }
    if ((st = gs_datafile_object(d, "dosing", "max_daily", REQ, &o, err)) ||
        (st = gs_datafile_number(o, "dosing.max_daily", "value", REQ, &max_daily, &r->max_daily_mg,
                                 err)) ||
        (st = gs_datafile_source(o, "dosing.max_daily", &r->max_daily_source, err)) ||
        (st = gs_datafile_object(d, "dosing", "max_interval", OPT, &o, err)))
        return st;
    if (o && ((st = gs_datafile_number(o, "dosing.max_interval", "value", REQ, &max_interval,
                                       &r->max_interval_h, err)) ||
              (st = gs_datafile_source(o, "dosing.max_interval", &r->max_interval_source, err))))
        return st;
    if ((st = gs_datafile_object(d, "dosing", "taper", OPT, &o, err)))
        return st;
    if (o && ((st = gs_datafile_number(o, "dosing.taper", "min_days", REQ, &taper,
                                       &r->taper_min_days, err)) ||
              (st = gs_datafile_source(o, "dosing.taper", &r->taper_source, err))))
        return st;
    if ((st = products(d, r, err)) || (st = titration(d, r, err)))
        return st;
    *present = 1;
    return GS_OK;
}
