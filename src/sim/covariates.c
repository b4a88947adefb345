/* covariates.c - covariate distributions from data files; truncated draws by inverse CDF. */
#include "gabasim/covariates.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/datafile.h"

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

#define REQ GS_DATAFILE_REQUIRED

static const struct gs_datafile_range finite = {-INFINITY, INFINITY, 0, 0, NULL, NULL};

static gs_status parse_dist(const cJSON *parent, const char *key, const char *ppath, struct dist *d,
                            struct gs_error *err)
{
    static const char *const kinds[] = {"normal", "lognormal", NULL};
    static const struct gs_datafile_range positive = {0.0, INFINITY, 1, 0, NULL, NULL};
    static const struct gs_datafile_range gsd_range = {1.0, INFINITY, 1, 0, NULL, NULL};
    char path[128];
    gs_datafile_field(path, sizeof path, ppath, key);
    const cJSON *o;
    int kind = 0;
    gs_status st;
    if ((st = gs_datafile_object(parent, ppath, key, REQ, &o, err)) ||
        (st = gs_datafile_source(o, path, NULL, err)) ||
        (st = gs_datafile_number(o, path, "min", REQ, &finite, &d->lo, err)) ||
        (st = gs_datafile_number(o, path, "max", REQ, &finite, &d->hi, err)) ||
        (st = gs_datafile_choice(o, path, "distribution", REQ, kinds, &kind, err)))
        return st;
    d->lognormal = kind == 1;
    double centre = NAN, gsd = NAN; /* as the file gives them (mean or median; geometric SD) */
    if (!d->lognormal) {
        if ((st = gs_datafile_number(o, path, "mean", REQ, &finite, &d->mu, err)) ||
            (st = gs_datafile_number(o, path, "sd", REQ, &positive, &d->sigma, err)))
            return st;
        centre = d->mu;
    } else {
        if ((st = gs_datafile_number(o, path, "median", REQ, &positive, &centre, err)) ||
            (st = gs_datafile_number(o, path, "geometric_sd", REQ, &gsd_range, &gsd, err)))
            return st;
        d->mu = log(centre);
        d->sigma = log(gsd);
    }
    if (!(d->sigma > 0.0 && d->lo < d->hi) || (d->lognormal && !(d->lo > 0.0)))
        return gs_error_set(err, GS_INPUT, path,
                            "'%s' has min %g and max %g; allowed min below max (min above 0 for "
                            "a log-normal)",
                            path, d->lo, d->hi);
    /* docs/population.md: the centre inside the bounds and a spread no wider than they are (on
     * the sampling scale), so the truncated distribution is a distribution and not a clamp */
    if (!(centre >= d->lo && centre <= d->hi))
        return gs_error_set(err, GS_INPUT, path, "'%s.%s' is %g; allowed from min %g to max %g",
                            path, d->lognormal ? "median" : "mean", centre, d->lo, d->hi);
    if (!d->lognormal && !(d->sigma <= d->hi - d->lo))
        return gs_error_set(err, GS_INPUT, path,
                            "'%s.sd' is %g; allowed above 0, up to max - min = %g", path, d->sigma,
                            d->hi - d->lo);
    if (d->lognormal && !(gsd <= d->hi / d->lo))
        return gs_error_set(err, GS_INPUT, path,
                            "'%s.geometric_sd' is %g; allowed above 1, up to max / min = %g", path,
                            gsd, d->hi / d->lo);
    return GS_OK;
}

static gs_status parse(struct gs_covdist *c, const cJSON *root, struct gs_error *err)
{
    static const char *const schemas[] = {"gabasim-population/1", NULL};
    static const struct gs_datafile_range fraction = {0.0, 1.0, 0, 0, NULL, NULL};
    static const struct gs_datafile_range correlation = {
        -1.0, 1.0, 1, 0, NULL, "a number above -1 and below 1"};
    int schema;
    const char *name, *title;
    gs_status st;
    const cJSON *ff;
    if ((st = gs_datafile_choice(root, "", "schema", REQ, schemas, &schema, err)) ||
        (st = gs_datafile_string(root, "", "name", REQ, &name, err)) ||
        (st = gs_datafile_string(root, "", "title", REQ, &title, err)))
        return st;
    c->name = gs_strdup(name);
    c->title = gs_strdup(title);
    if (!c->name || !c->title)
        return gs_error_set(err, GS_NOMEM, "name", "out of memory");
    if ((st = gs_datafile_object(root, "", "female_fraction", REQ, &ff, err)) ||
        (st = gs_datafile_source(ff, "female_fraction", NULL, err)) ||
        (st = gs_datafile_number(ff, "female_fraction", "value", REQ, &fraction,
                                 &c->female_fraction, err)) ||
        (st = parse_dist(root, "age_y", "", &c->age_y, err)))
        return st;
    if (c->age_y.lo < GS_AGE_MIN_Y || c->age_y.hi > GS_AGE_MAX_Y)
        return gs_error_set(err, GS_INPUT, "age_y",
                            "'age_y' has bounds %g to %g; allowed within %g-%g years", c->age_y.lo,
                            c->age_y.hi, GS_AGE_MIN_Y, GS_AGE_MAX_Y);
    const char *keys[2] = {"male", "female"};
    for (int s = 0; s < 2; s++) {
        const cJSON *blk, *rho;
        struct sex_block *b = &c->sex[s];
        char path[64];
        snprintf(path, sizeof path, "%s.height_weight_correlation", keys[s]);
        if ((st = gs_datafile_object(root, "", keys[s], REQ, &blk, err)) ||
            (st = parse_dist(blk, "height_cm", keys[s], &b->height_cm, err)) ||
            (st = parse_dist(blk, "weight_kg", keys[s], &b->weight_kg, err)) ||
            (st = parse_dist(blk, "scr_mg_dL", keys[s], &b->scr_mg_dl, err)) ||
            (st = gs_datafile_object(blk, keys[s], "height_weight_correlation", REQ, &rho, err)) ||
            (st = gs_datafile_source(rho, path, NULL, err)) ||
            (st = gs_datafile_number(rho, path, "value", REQ, &correlation, &b->rho_height_weight,
                                     err)))
            return st;
        if (!(fabs(b->rho_height_weight) < 1.0))
            return gs_error_set(err, GS_INPUT, path,
                                "'%s.value' is %g; allowed above -1 and "
                                "below 1",
                                path, b->rho_height_weight);
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
    cJSON *root = NULL;
    gs_status st = gs_datafile_parse_json(text, len, origin, &root, err);
    if (st != GS_OK)
        return st;
    gs_covdist *c = gs_calloc(1, sizeof *c);
    if (c == NULL)
        st = gs_error_set(err, GS_NOMEM, origin, "out of memory");
    else if (!cJSON_IsObject(root))
        st = gs_error_set(err, GS_INPUT, "(top level)",
                          "'(top level)' is not an object; allowed a JSON object");
    else
        st = parse(c, root, err);
    cJSON_Delete(root);
    if (st == GS_OK && !(c->origin = gs_strdup(origin)))
        st = gs_error_set(err, GS_NOMEM, origin, "out of memory");
    if (st != GS_OK) {
        if (st != GS_NOMEM)
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
    if (strchr(name_or_path, '/') || (n > 5 && strcmp(name_or_path + n - 5, ".json") == 0) ||
        strcmp(name_or_path, GS_DATAFILE_STDIN) == 0)
        snprintf(path, sizeof path, "%s", name_or_path);
    else {
        for (const char *p = name_or_path; *p; p++)
            if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-' ||
                  *p == '_'))
                return gs_error_set(err, GS_INPUT, "--covariates",
                                    "'--covariates' is '%s'; give a population name or a .json "
                                    "file",
                                    name_or_path);
        snprintf(path, sizeof path, "%s/populations/%s.json", gs_datafile_dir(), name_or_path);
    }
    char *text = NULL;
    size_t len = 0;
    gs_status st = gs_datafile_read(path, 1 << 20, "--covariates", &text, &len, err);
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
    if (!(x >= lo)) /* rounding at extreme tails (and NaN, which no draw may give) */
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
