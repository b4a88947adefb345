/* covariates.c - covariate distributions from data files; truncated draws by inverse CDF. */
#include "gabasim/covariates.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/drug.h"
#include "../drug/drug_int.h"

/* A truncated normal (or log-normal: on the log scale) with its bounds in natural units. */
struct dist {
    int lognormal;
    double mu, sigma; /* on the sampling scale */
    double lo, hi;    /* natural units */
};

struct sex_block {
    struct dist height_cm, weight_kg, scr_mg_dl;
    double rho_height_weight;
};

struct gs_covdist {
    char *name, *title, *origin;
    double female_fraction;
    struct dist age_y;
    struct sex_block sex[2]; /* 0 male, 1 female */
};

static gs_status num(const cJSON *o, const char *key, const char *path, double *out,
                     struct gs_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
        return gs_error_set(err, GS_INPUT, path, "'%s.%s' must be a finite number", path, key);
    *out = v->valuedouble;
    return GS_OK;
}

static gs_status need_source(const cJSON *o, const char *path, struct gs_error *err)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "source");
    if (!cJSON_IsString(s) || s->valuestring[0] == '\0')
        return gs_error_set(err, GS_INPUT, path,
                            "'%s.source' is missing; every distribution "
                            "needs a source",
                            path);
    return GS_OK;
}

static gs_status parse_dist(const cJSON *parent, const char *key, const char *ppath, struct dist *d,
                            struct gs_error *err)
{
    char path[128];
    snprintf(path, sizeof path, "%s%s%s", ppath, *ppath ? "." : "", key);
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(parent, key);
    if (!cJSON_IsObject(o))
        return gs_error_set(err, GS_INPUT, path, "'%s' is missing; an object is required", path);
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(o, "distribution");
    gs_status st;
    if ((st = need_source(o, path, err)) || (st = num(o, "min", path, &d->lo, err)) ||
        (st = num(o, "max", path, &d->hi, err)))
        return st;
    if (cJSON_IsString(kind) && strcmp(kind->valuestring, "normal") == 0) {
        d->lognormal = 0;
        if ((st = num(o, "mean", path, &d->mu, err)) || (st = num(o, "sd", path, &d->sigma, err)))
            return st;
    } else if (cJSON_IsString(kind) && strcmp(kind->valuestring, "lognormal") == 0) {
        double median, gsd;
        d->lognormal = 1;
        if ((st = num(o, "median", path, &median, err)) ||
            (st = num(o, "geometric_sd", path, &gsd, err)))
            return st;
        if (!(median > 0.0 && gsd > 1.0))
            return gs_error_set(err, GS_INPUT, path,
                                "'%s' needs median above 0 and geometric_sd above 1", path);
        d->mu = log(median);
        d->sigma = log(gsd);
    } else {
        return gs_error_set(err, GS_INPUT, path,
                            "'%s.distribution' must be \"normal\" or \"lognormal\"", path);
    }
    if (!(d->sigma > 0.0 && d->lo < d->hi) || (d->lognormal && !(d->lo > 0.0)))
        return gs_error_set(err, GS_INPUT, path,
                            "'%s' needs a spread above 0 and min below max (min above 0 for a "
                            "log-normal)",
                            path);
    return GS_OK;
}

static gs_status parse(struct gs_covdist *c, const cJSON *root, struct gs_error *err)
{
    gs_status st;
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(root, "schema");
    if (!cJSON_IsString(schema) || strcmp(schema->valuestring, "gabasim-population/1") != 0)
        return gs_error_set(err, GS_INPUT, "schema", "'schema' must be \"gabasim-population/1\"");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(root, "name");
    const cJSON *title = cJSON_GetObjectItemCaseSensitive(root, "title");
    if (!cJSON_IsString(name) || !cJSON_IsString(title))
        return gs_error_set(err, GS_INPUT, "name", "'name' and 'title' must be strings");
    c->name = gs_strdup(name->valuestring);
    c->title = gs_strdup(title->valuestring);
    if (!c->name || !c->title)
        return gs_error_set(err, GS_NOMEM, "name", "out of memory");
    const cJSON *ff = cJSON_GetObjectItemCaseSensitive(root, "female_fraction");
    if (!cJSON_IsObject(ff))
        return gs_error_set(err, GS_INPUT, "female_fraction", "'female_fraction' is missing");
    if ((st = need_source(ff, "female_fraction", err)) ||
        (st = num(ff, "value", "female_fraction", &c->female_fraction, err)))
        return st;
    if (!(c->female_fraction >= 0.0 && c->female_fraction <= 1.0))
        return gs_error_set(err, GS_INPUT, "female_fraction",
                            "'female_fraction.value' is %g; allowed 0 to 1", c->female_fraction);
    if ((st = parse_dist(root, "age_y", "", &c->age_y, err)))
        return st;
    if (c->age_y.lo < GS_AGE_MIN_Y || c->age_y.hi > GS_AGE_MAX_Y)
        return gs_error_set(err, GS_INPUT, "age_y", "'age_y' bounds must lie within %g-%g years",
                            GS_AGE_MIN_Y, GS_AGE_MAX_Y);
    const char *keys[2] = {"male", "female"};
    for (int s = 0; s < 2; s++) {
        const cJSON *blk = cJSON_GetObjectItemCaseSensitive(root, keys[s]);
        if (!cJSON_IsObject(blk))
            return gs_error_set(err, GS_INPUT, keys[s], "'%s' is missing", keys[s]);
        struct sex_block *b = &c->sex[s];
        if ((st = parse_dist(blk, "height_cm", keys[s], &b->height_cm, err)) ||
            (st = parse_dist(blk, "weight_kg", keys[s], &b->weight_kg, err)) ||
            (st = parse_dist(blk, "scr_mg_dL", keys[s], &b->scr_mg_dl, err)))
            return st;
        const cJSON *rho = cJSON_GetObjectItemCaseSensitive(blk, "height_weight_correlation");
        char path[64];
        snprintf(path, sizeof path, "%s.height_weight_correlation", keys[s]);
        if (!cJSON_IsObject(rho))
            return gs_error_set(err, GS_INPUT, path, "'%s' is missing", path);
        if ((st = need_source(rho, path, err)) ||
            (st = num(rho, "value", path, &b->rho_height_weight, err)))
            return st;
        if (!(fabs(b->rho_height_weight) < 1.0))
            return gs_error_set(err, GS_INPUT, path, "'%s.value' must lie in (-1, 1)", path);
        /* bounds must be plausible patients, or every draw would be rejected downstream */
        if (b->height_cm.lo < GS_HEIGHT_MIN_CM || b->height_cm.hi > GS_HEIGHT_MAX_CM ||
            b->weight_kg.lo < GS_WEIGHT_MIN_KG || b->weight_kg.hi > GS_WEIGHT_MAX_KG ||
            b->scr_mg_dl.lo < GS_SCR_MIN_MG_DL || b->scr_mg_dl.hi > GS_SCR_MAX_MG_DL)
            return gs_error_set(err, GS_INPUT, keys[s],
                                "'%s' bounds must lie within the patient limits (height %g-%g "
                                "cm, weight %g-%g kg, SCr %g-%g mg/dL)",
                                keys[s], GS_HEIGHT_MIN_CM, GS_HEIGHT_MAX_CM, GS_WEIGHT_MIN_KG,
                                GS_WEIGHT_MAX_KG, GS_SCR_MIN_MG_DL, GS_SCR_MAX_MG_DL);
    }
    return GS_OK;
}

gs_status gs_covdist_parse(gs_covdist **out, const char *text, size_t len, const char *origin,
                           struct gs_error *err)
{
    *out = NULL;
    gs_covdist *c = gs_calloc(1, sizeof *c);
    cJSON *root = NULL;
    if (!c || gs__json_parse(text, len, &root) != GS_OK) {
        gs_free(c);
        return gs_error_set(err, GS_NOMEM, origin, "out of memory");
    }
    gs_status st;
    if (root == NULL)
        st = gs_error_set(err, GS_INPUT, origin, "malformed JSON");
    else if (!cJSON_IsObject(root))
        st = gs_error_set(err, GS_INPUT, origin, "must be a JSON object");
    else
        st = parse(c, root, err);
    cJSON_Delete(root);
    if (st == GS_OK && !(c->origin = gs_strdup(origin)))
        st = gs_error_set(err, GS_NOMEM, origin, "out of memory");
    if (st != GS_OK) {
        gs_error_prefix(err, origin);
        gs_covdist_free(c);
        return st;
    }
    *out = c;
    return GS_OK;
}

gs_status gs_covdist_load(gs_covdist **out, const char *name_or_path, struct gs_error *err)
{
    char path[4096];
    size_t n = strlen(name_or_path);
    if (strchr(name_or_path, '/') || (n > 5 && strcmp(name_or_path + n - 5, ".json") == 0))
        snprintf(path, sizeof path, "%s", name_or_path);
    else {
        for (const char *p = name_or_path; *p; p++)
            if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-' ||
                  *p == '_'))
                return gs_error_set(err, GS_INPUT, "--covariates",
                                    "'--covariates' is '%s'; give a population name or a .json "
                                    "file",
                                    name_or_path);
        snprintf(path, sizeof path, "%s/populations/%s.json", gs_data_dir(), name_or_path);
    }
    char *text = NULL;
    size_t len = 0;
    gs_status st = gs__read_file(path, 1 << 20, &text, &len, err);
    if (st == GS_NOTFOUND)
        return gs_error_set(err, GS_INPUT, "--covariates",
                            "'--covariates' is '%s': no such population file (%s)", name_or_path,
                            path);
    if (st != GS_OK)
        return st;
    st = gs_covdist_parse(out, text, len, path, err);
    gs_free(text);
    return st;
}

void gs_covdist_free(gs_covdist *c)
{
    if (c == NULL)
        return;
    gs_free(c->name);
    gs_free(c->title);
    gs_free(c->origin);
    gs_free(c);
}

const char *gs_covdist_name(const gs_covdist *c)
{
    return c->name;
}

const char *gs_covdist_title(const gs_covdist *c)
{
    return c->title;
}

/* Truncated normal by inverse CDF: u uniform on (F(lo), F(hi)). Conditional mean shift `shift`
 * and scale factor `scale` let a correlated partner reuse it. Works on the log scale for
 * log-normals. */
static double draw(const struct dist *d, gs_rng *r, double shift_z, double scale)
{
    double mu = d->mu + shift_z * d->sigma, sigma = d->sigma * scale;
    double lo = d->lognormal ? log(d->lo) : d->lo, hi = d->lognormal ? log(d->hi) : d->hi;
    double plo = gsl_cdf_ugaussian_P((lo - mu) / sigma),
           phi = gsl_cdf_ugaussian_P((hi - mu) / sigma);
    double u = plo + (phi - plo) * gs_rng_uniform(r);
    double x = mu + sigma * gsl_cdf_ugaussian_Pinv(u);
    if (x < lo) /* rounding at extreme tails */
        x = lo;
    if (x > hi)
        x = hi;
    return d->lognormal ? exp(x) : x;
}

/* One draw of the joint distribution; GS_INPUT if its Cockcroft-Gault CrCl is out of range. */
static gs_status draw_once(const gs_covdist *c, gs_rng *r, struct gs_patient *p,
                           struct gs_error *err)
{
    gs_patient_init(p);
    int female = gs_rng_uniform(r) < c->female_fraction;
    const struct sex_block *b = &c->sex[female];
    p->sex = female ? GS_SEX_FEMALE : GS_SEX_MALE;
    p->age_y = draw(&c->age_y, r, 0.0, 1.0);
    p->height_cm = draw(&b->height_cm, r, 0.0, 1.0);
    /* weight given height: conditional normal on the weight's own scale */
    double zh = (p->height_cm - b->height_cm.mu) / b->height_cm.sigma;
    double rho = b->rho_height_weight;
    p->weight_kg = draw(&b->weight_kg, r, rho * zh, sqrt(1.0 - rho * rho));
    p->scr_mg_dl = draw(&b->scr_mg_dl, r, 0.0, 1.0);
    return gs_patient_resolve(p, err);
}

gs_status gs_covdist_draw(const gs_covdist *c, gs_rng *r, struct gs_patient *p,
                          struct gs_error *err)
{
    /* The joint distribution is truncated to CrCl <= 250 mL/min (the patient limit): a draw
     * beyond it (a young, heavy patient with low creatinine) is redrawn from the same stream. */
    gs_status st = GS_INPUT;
    for (int tries = 0; tries < 100 && st != GS_OK; tries++)
        st = draw_once(c, r, p, err);
    if (st != GS_OK)
        gs_error_prefix(err, c->origin);
    return st;
}
