/* meta_es.c - each study's effect and its sampling variance, by measure, as R metafor's escalc
 * computes them with its default options (metafor 3.8: add = 1/2, to = "only0", vtype = "LS"):
 * from arm means the mean difference, Hedges' g and the log ratio of means; from event counts the
 * log risk ratio, the log odds ratio and the risk difference. Which measures a study table's
 * layout can give is gs_meta_measure_for's. */
#include <math.h>

#include "gabasim/meta.h"

static const struct {
    const char *code, *name;
    int ratio;
} measures[] = {
    [GS_META_MD] = {"MD", "mean difference", 0},
    [GS_META_SMD] = {"SMD", "standardised mean difference (Hedges' g)", 0},
    [GS_META_ROM] = {"ROM", "ratio of means", 1},
    [GS_META_RR] = {"RR", "risk ratio", 1},
    [GS_META_OR] = {"OR", "odds ratio", 1},
    [GS_META_RD] = {"RD", "risk difference", 0},
    [GS_META_GIVEN] = {"given", "effect (as given)", 0},
};

static int known(enum gs_meta_measure m)
{
    return m >= GS_META_MD && m <= GS_META_GIVEN;
}

const char *gs_meta_measure_code(enum gs_meta_measure measure)
{
    return known(measure) ? measures[measure].code : "?";
}

const char *gs_meta_measure_name(enum gs_meta_measure measure)
{
    return known(measure) ? measures[measure].name : "?";
}

int gs_meta_measure_is_ratio(enum gs_meta_measure measure)
{
    return known(measure) && measures[measure].ratio;
}

gs_status gs_meta_measure_for(enum gs_studies_kind kind, enum gs_meta_measure measure,
                              enum gs_meta_measure *out, struct gs_error *err)
{
    const char *layout = kind == GS_STUDIES_MD   ? "arm means (study,m1,sd1,n1,m2,sd2,n2)"
                         : kind == GS_STUDIES_RR ? "events (study,a1,n1,a2,n2)"
                                                 : "an effect and its SE (study,yi,sei)";
    const char *allowed = kind == GS_STUDIES_MD   ? "MD, SMD, ROM"
                          : kind == GS_STUDIES_RR ? "RR, OR, RD"
                                                  : "none, the effect is pooled as given";
    enum gs_meta_measure own = kind == GS_STUDIES_MD   ? GS_META_MD
                               : kind == GS_STUDIES_RR ? GS_META_RR
                                                       : GS_META_GIVEN;
    int fits = measure == GS_META_MEASURE_AUTO || measure == own;
    if (kind == GS_STUDIES_MD)
        fits |= measure == GS_META_SMD || measure == GS_META_ROM;
    if (kind == GS_STUDIES_RR)
        fits |= measure == GS_META_OR || measure == GS_META_RD;
    if (!fits) {
        if (!known(measure))
            return gs_error_set(err, GS_INPUT, "measure",
                                "'measure' is %d; allowed for a table of %s: %s", (int)measure,
                                layout, allowed);
        return gs_error_set(err, GS_INPUT, "measure",
                            "'--measure' is '%s'; allowed for a table of %s: %s",
                            gs_meta_measure_code(measure), layout, allowed);
    }
    *out = measure == GS_META_MEASURE_AUTO ? own : measure;
    return GS_OK;
}

static gs_status check_arms(const struct gs_meta_md_request *req, struct gs_error *err)
{
    if (!isfinite(req->m1) || !isfinite(req->m2))
        return gs_error_set(err, GS_INPUT, "mean", "a mean is not finite (%g, %g)", req->m1,
                            req->m2);
    if (!(req->sd1 > 0 && req->sd2 > 0 && isfinite(req->sd1) && isfinite(req->sd2)))
        return gs_error_set(err, GS_INPUT, "sd", "SDs are %g and %g; allowed: above 0", req->sd1,
                            req->sd2);
    if (!(req->n1 >= 1 && req->n2 >= 1 && isfinite(req->n1) && isfinite(req->n2)))
        return gs_error_set(err, GS_INPUT, "n", "arm sizes are %g and %g; allowed: 1 or more",
                            req->n1, req->n2);
    return GS_OK;
}

static gs_status finite(double yi, double vi, struct gs_error *err)
{
    if (!isfinite(yi) || !isfinite(vi) || !(vi > 0))
        return gs_error_set(err, GS_INPUT, "effect",
                            "the effect %g or its variance %g is not a finite number above 0", yi,
                            vi);
    return GS_OK;
}

gs_status gs_meta_md(const struct gs_meta_md_request *req, double *yi, double *vi,
                     struct gs_error *err)
{
    gs_status st = check_arms(req, err);
    if (st != GS_OK)
        return st;
    *yi = req->m1 - req->m2;
    *vi = req->sd1 * req->sd1 / req->n1 + req->sd2 * req->sd2 / req->n2;
    if (!isfinite(*yi) || !isfinite(*vi))
        return gs_error_set(err, GS_INPUT, "mean",
                            "the difference %g - %g or its variance overflows a double", req->m1,
                            req->m2);
    return GS_OK;
}

gs_status gs_meta_smd(const struct gs_meta_md_request *req, double *yi, double *vi,
                      struct gs_error *err)
{
    gs_status st = check_arms(req, err);
    if (st != GS_OK)
        return st;
    const double n1 = req->n1, n2 = req->n2, m = n1 + n2 - 2;
    if (!(m > 1))
        return gs_error_set(err, GS_INPUT, "n",
                            "arm sizes are %g and %g; Hedges' g needs n1 + n2 of 4 or more", n1,
                            n2);
    const double sp = sqrt(((n1 - 1) * req->sd1 * req->sd1 + (n2 - 1) * req->sd2 * req->sd2) / m);
    /* J(m) = Gamma(m/2) / (sqrt(m/2) Gamma((m - 1)/2)), through lgamma: exact for any m */
    const double j = exp(lgamma(m / 2) - 0.5 * log(m / 2) - lgamma((m - 1) / 2));
    *yi = j * (req->m1 - req->m2) / sp;
    *vi = 1 / n1 + 1 / n2 + *yi * *yi / (2 * (n1 + n2));
    return finite(*yi, *vi, err);
}

gs_status gs_meta_logrom(const struct gs_meta_md_request *req, double *yi, double *vi,
                         struct gs_error *err)
{
    gs_status st = check_arms(req, err);
    if (st != GS_OK)
        return st;
    if (!(req->m1 > 0) || !(req->m2 > 0))
        return gs_error_set(err, GS_INPUT, req->m1 > 0 ? "m2" : "m1",
                            "'%s' is %g; allowed for the ratio of means (log(m1/m2)): above 0",
                            req->m1 > 0 ? "m2" : "m1", req->m1 > 0 ? req->m2 : req->m1);
    *yi = log(req->m1 / req->m2);
    *vi = req->sd1 * req->sd1 / (req->n1 * req->m1 * req->m1) +
          req->sd2 * req->sd2 / (req->n2 * req->m2 * req->m2);
    return finite(*yi, *vi, err);
}

/* The four cells a1, b1, a2, b2 of a study's 2x2 table after metafor's zero-cell rule (1/2 added
 * to every cell of a table with a zero cell); GS_UNSUPPORTED when neither arm has an event and
 * `drop_no_events` (a ratio then says nothing). */
static gs_status cells(double a1, double n1, double a2, double n2, int drop_no_events, double c[4],
                       struct gs_error *err)
{
    if (!(n1 >= 1 && n2 >= 1 && isfinite(n1) && isfinite(n2)))
        return gs_error_set(err, GS_INPUT, "n", "arm sizes are %g and %g; allowed: 1 or more", n1,
                            n2);
    if (!(a1 >= 0 && a1 <= n1 && a2 >= 0 && a2 <= n2))
        return gs_error_set(err, GS_INPUT, "events",
                            "events are %g of %g and %g of %g; allowed: 0 to the arm size", a1, n1,
                            a2, n2);
    if (drop_no_events && a1 == 0 && a2 == 0)
        return gs_error_set(err, GS_UNSUPPORTED, "events",
                            "no events in either arm: the study says nothing about a ratio");
    c[0] = a1, c[1] = n1 - a1, c[2] = a2, c[3] = n2 - a2;
    if (c[0] == 0 || c[1] == 0 || c[2] == 0 || c[3] == 0)
        for (int i = 0; i < 4; i++)
            c[i] += 0.5;
    return GS_OK;
}

gs_status gs_meta_logrr(double a1, double n1, double a2, double n2, double *yi, double *vi,
                        struct gs_error *err)
{
    double c[4];
    gs_status st = cells(a1, n1, a2, n2, 1, c, err);
    if (st != GS_OK)
        return st;
    n1 = c[0] + c[1], n2 = c[2] + c[3];
    *yi = log((c[0] / n1) / (c[2] / n2));
    *vi = 1 / c[0] - 1 / n1 + 1 / c[2] - 1 / n2;
    return GS_OK;
}

gs_status gs_meta_logor(double a1, double n1, double a2, double n2, double *yi, double *vi,
                        struct gs_error *err)
{
    double c[4];
    gs_status st = cells(a1, n1, a2, n2, 1, c, err);
    if (st != GS_OK)
        return st;
    *yi = log((c[0] * c[3]) / (c[1] * c[2]));
    *vi = 1 / c[0] + 1 / c[1] + 1 / c[2] + 1 / c[3];
    return GS_OK;
}

gs_status gs_meta_rd(double a1, double n1, double a2, double n2, double *yi, double *vi,
                     struct gs_error *err)
{
    double c[4];
    gs_status st = cells(a1, n1, a2, n2, 0, c, err);
    if (st != GS_OK)
        return st;
    n1 = c[0] + c[1], n2 = c[2] + c[3];
    const double p1 = c[0] / n1, p2 = c[2] / n2;
    *yi = p1 - p2;
    *vi = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2;
    return GS_OK;
}

gs_status gs_meta_effect(enum gs_meta_measure measure, const double v[6], double *yi, double *vi,
                         struct gs_error *err)
{
    const struct gs_meta_md_request arms = {v[0], v[1], v[2], v[3], v[4], v[5]};
    switch (measure) {
    case GS_META_MD:
        return gs_meta_md(&arms, yi, vi, err);
    case GS_META_SMD:
        return gs_meta_smd(&arms, yi, vi, err);
    case GS_META_ROM:
        return gs_meta_logrom(&arms, yi, vi, err);
    case GS_META_RR:
        return gs_meta_logrr(v[0], v[1], v[2], v[3], yi, vi, err);
    case GS_META_OR:
        return gs_meta_logor(v[0], v[1], v[2], v[3], yi, vi, err);
    case GS_META_RD:
        return gs_meta_rd(v[0], v[1], v[2], v[3], yi, vi, err);
    case GS_META_GIVEN:
        *yi = v[0];
        *vi = v[1] * v[1];
        return finite(*yi, *vi, err);
    case GS_META_MEASURE_AUTO:
        break;
    }
    return gs_error_set(err, GS_INPUT, "measure",
                        "'measure' is %d; allowed: GS_META_MD to GS_META_GIVEN (a table's "
                        "GS_META_MEASURE_AUTO is resolved by gs_meta_measure_for)",
                        (int)measure);
}
