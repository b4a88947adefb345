/* spec.c - reading a virtual trial's specification (schema gabasim-trial/1, docs/trial.md).
 *
 * Strict on purpose: a trial designer's typo ("visit_week" for "visit_weeks") must not silently
 * fall back to a default, so unknown keys are errors. Every error names the field by its JSON
 * path, the value found and what is allowed. A number may be written plain or as
 * {"value": x, "source": "..."} so that assumptions carry their source in the file.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/datafile.h"
#include "gabasim/mmrm.h"
#include "gabasim/trial.h"

#define MAX_SPEC_BYTES (1 << 20)

struct ctx {
    const char *origin;
    struct gs_error *err;
};

/* Keys allowed in an object besides `keys`: free-text documentation. */
static int is_doc_key(const char *k)
{
    return strcmp(k, "source") == 0 || strcmp(k, "note") == 0 || strcmp(k, "sources") == 0 ||
           strcmp(k, "description") == 0;
}

static gs_status check_keys(const struct ctx *c, const cJSON *obj, const char *path,
                            const char *const *keys)
{
    if (!cJSON_IsObject(obj))
        return gs_error_set(c->err, GS_INPUT, path, "'%s' must be an object",
                            path[0] ? path : "(top level)");
    const cJSON *it;
    cJSON_ArrayForEach(it, obj)
    {
        int ok = is_doc_key(it->string);
        for (size_t i = 0; !ok && keys[i]; i++)
            ok = strcmp(keys[i], it->string) == 0;
        if (!ok) {
            char allowed[512] = "";
            for (size_t i = 0; keys[i]; i++) {
                size_t l = strlen(allowed);
                snprintf(allowed + l, sizeof allowed - l, "%s%s", i ? ", " : "", keys[i]);
            }
            return gs_error_set(c->err, GS_INPUT, path, "unknown key '%s%s%.64s'; allowed: %s",
                                path, path[0] ? "." : "", it->string, allowed);
        }
    }
    return GS_OK;
}

/* A number written plain or as {"value": x, "source": "..."}; absent: *out untouched. `allowed`
 * describes the range in messages. */
static gs_status number(const struct ctx *c, const cJSON *obj, const char *parent, const char *key,
                        double lo, double hi, const char *allowed, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    char path[128];
    gs_datafile_field(path, sizeof path, parent, key);
    if (v == NULL)
        return GS_OK;
    if (cJSON_IsObject(v)) {
        static const char *const vk[] = {"value", NULL};
        gs_status st = check_keys(c, v, path, vk);
        if (st != GS_OK)
            return st;
        v = cJSON_GetObjectItemCaseSensitive(v, "value");
    }
    const struct gs_datafile_range r = {lo, hi, 0, 0, NULL, allowed};
    return gs_datafile_number_item(v, path, &r, out, c->err);
}

static gs_status whole(const struct ctx *c, const cJSON *obj, const char *parent, const char *key,
                       double lo, double hi, const char *allowed, long *out)
{
    double x = NAN;
    gs_status st = number(c, obj, parent, key, lo, hi, allowed, &x);
    if (st != GS_OK || isnan(x))
        return st;
    if (x != floor(x)) {
        char path[128];
        gs_datafile_field(path, sizeof path, parent, key);
        return gs_error_set(c->err, GS_INPUT, path, "'%s' is %g; allowed %s", path, x, allowed);
    }
    *out = (long)x;
    return GS_OK;
}

static gs_status string(const struct ctx *c, const cJSON *obj, const char *parent, const char *key,
                        char *out, size_t cap)
{
    return gs_datafile_string_copy(obj, parent, key, GS_DATAFILE_OPTIONAL, out, cap, c->err);
}

/* One of `names` (NULL-terminated); absent: *out untouched. */
static gs_status choice(const struct ctx *c, const cJSON *obj, const char *parent, const char *key,
                        const char *const *names, int *out)
{
    return gs_datafile_choice(obj, parent, key, GS_DATAFILE_OPTIONAL, names, out, c->err);
}

/* [lo, hi] as a two-number array. */
static gs_status range(const struct ctx *c, const cJSON *obj, const char *parent, const char *key,
                       double lo, double hi, const char *unit, double *a, double *b)
{
    const struct gs_datafile_range r = {lo, hi, 0, 0, unit, NULL};
    double x[2];
    size_t n = 0;
    gs_status st = gs_datafile_numbers(obj,
                                       &(struct gs_datafile_spec){.path = parent,
                                                                  .key = key,
                                                                  .need = GS_DATAFILE_OPTIONAL,
                                                                  .range = &r,
                                                                  .min_n = 2,
                                                                  .max_n = 2},
                                       x, &n, c->err);
    if (st != GS_OK || n == 0)
        return st;
    if (!(x[0] <= x[1])) {
        char path[128];
        gs_datafile_field(path, sizeof path, parent, key);
        return gs_error_set(c->err, GS_INPUT, path,
                            "'%s' is [%g, %g]; allowed [low, high] with "
                            "low <= high",
                            path, x[0], x[1]);
    }
    *a = x[0];
    *b = x[1];
    return GS_OK;
}

static gs_status parse_arm(const struct ctx *c, const cJSON *a, size_t i, struct gs_trial_arm *arm)
{
    static const char *const keys[] = {"name", "type", "drug", "titrate", "titration", "n", NULL};
    static const char *const types[] = {"placebo", "drug", NULL};
    static const char *const tkinds[] = {"forced", "max-tolerated", NULL};
    char p[64], f[96];
    snprintf(p, sizeof p, "arms[%zu]", i);
    gs_status st = check_keys(c, a, p, keys);
    if (st != GS_OK)
        return st;
    memset(arm, 0, sizeof *arm);
    arm->type = GS_ARM_DRUG;
    arm->n = -1;
    int type = -1, tk = GS_TITRATE_FORCED;
#define F(k) (snprintf(f, sizeof f, "%s.%s", p, k), f)
    if ((st = string(c, a, p, "name", arm->name, sizeof arm->name)) ||
        (st = choice(c, a, p, "type", types, &type)) ||
        (st = string(c, a, p, "drug", arm->drug, sizeof arm->drug)) ||
        (st = string(c, a, p, "titrate", arm->titrate, sizeof arm->titrate)) ||
        (st = choice(c, a, p, "titration", tkinds, &tk)) ||
        (st = whole(c, a, p, "n", 2, GS_TRIAL_MAX_ARM_N, "a whole number from 2 to 100000",
                    &arm->n)))
        return st;
    if (type < 0)
        return gs_error_set(c->err, GS_INPUT, F("type"), "'%s' is missing; allowed: placebo, drug",
                            f);
    if (arm->n < 0)
        return gs_error_set(c->err, GS_INPUT, F("n"),
                            "'%s' is missing; give the participants in this arm (2 to 100000)", f);
    if (arm->name[0] == '\0')
        snprintf(arm->name, sizeof arm->name, "%.31s",
                 type == GS_ARM_PLACEBO ? "placebo"
                 : arm->drug[0]         ? arm->drug
                                        : "drug");
    arm->type = (enum gs_arm_type)type;
    arm->titration = (enum gs_titration_kind)tk;
    if (arm->type == GS_ARM_DRUG && (arm->drug[0] == '\0' || arm->titrate[0] == '\0'))
        return gs_error_set(c->err, GS_INPUT, p,
                            "'%s' is a drug arm: it needs 'drug' (a library name or path) and "
                            "'titrate' (\"DAY:DOSExN,...\")",
                            p);
    if (arm->type == GS_ARM_PLACEBO &&
        (arm->drug[0] || arm->titrate[0] || cJSON_GetObjectItemCaseSensitive(a, "titration")))
        return gs_error_set(c->err, GS_INPUT, p,
                            "'%s' is a placebo arm: remove 'drug', 'titrate' and 'titration'", p);
#undef F
    return GS_OK;
}

static gs_status parse_root(const struct ctx *c, const cJSON *root, struct gs_trial_spec *s)
{
    static const char *const top[] = {
        "schema",         "title",       "seed", "population", "inclusion", "arms", "randomization",
        "duration_weeks", "visit_weeks", "pain", "dropout",    "analysis",  NULL};
    gs_status st = check_keys(c, root, "", top);
    if (st != GS_OK)
        return st;
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(root, "schema");
    if (!cJSON_IsString(schema) || strcmp(schema->valuestring, "gabasim-trial/1") != 0)
        return gs_error_set(c->err, GS_INPUT, "schema", "'schema' must be \"gabasim-trial/1\"");
    double seed = NAN;
    if ((st = string(c, root, "", "title", s->title, sizeof s->title)) ||
        (st = number(c, root, "", "seed", 0, 9007199254740992.0, "a whole number from 0 to 2^53",
                     &seed)) ||
        (st = string(c, root, "", "population", s->population, sizeof s->population)))
        return st;
    if (!isnan(seed)) {
        if (seed != floor(seed))
            return gs_error_set(c->err, GS_INPUT, "seed",
                                "'seed' is %g; allowed a whole number from 0 to 2^53", seed);
        s->seed = (uint64_t)seed;
    }

    const cJSON *inc = cJSON_GetObjectItemCaseSensitive(root, "inclusion");
    if (inc) {
        static const char *const k[] = {"age_y", "crcl_ml_min", "baseline_pain",
                                        "radicular_fraction", NULL};
        if ((st = check_keys(c, inc, "inclusion", k)) ||
            (st = range(c, inc, "inclusion", "age_y", 18, 100, "years", &s->age_min_y,
                        &s->age_max_y)) ||
            (st = range(c, inc, "inclusion", "crcl_ml_min", 0, 1000, "mL/min", &s->crcl_min,
                        &s->crcl_max)) ||
            (st = range(c, inc, "inclusion", "baseline_pain", 0, 10, "0-10 scale", &s->pain_min,
                        &s->pain_max)) ||
            (st = number(c, inc, "inclusion", "radicular_fraction", 0, 1, "a fraction from 0 to 1",
                         &s->radicular_fraction)))
            return st;
    }

    const cJSON *arms = cJSON_GetObjectItemCaseSensitive(root, "arms");
    if (!cJSON_IsArray(arms) || cJSON_GetArraySize(arms) != 2)
        return gs_error_set(c->err, GS_INPUT, "arms",
                            "'arms' must be an array of exactly 2 arms (a drug and placebo, "
                            "or two drugs); found %d",
                            cJSON_IsArray(arms) ? cJSON_GetArraySize(arms) : 0);
    for (size_t i = 0; i < 2; i++)
        if ((st = parse_arm(c, cJSON_GetArrayItem(arms, (int)i), i, &s->arm[i])))
            return st;
    s->n_arms = 2;
    if (strcmp(s->arm[0].name, s->arm[1].name) == 0)
        return gs_error_set(c->err, GS_INPUT, "arms",
                            "both arms are named '%s'; give each arm its own 'name'",
                            s->arm[0].name);
    if (s->arm[0].type == GS_ARM_PLACEBO && s->arm[1].type == GS_ARM_PLACEBO)
        return gs_error_set(c->err, GS_INPUT, "arms",
                            "both arms are placebo; at least one must be a drug arm");

    const cJSON *rnd = cJSON_GetObjectItemCaseSensitive(root, "randomization");
    if (rnd) {
        static const char *const k[] = {"method", "block_size", "stratify", NULL};
        static const char *const m[] = {"fixed", "blocks", NULL};
        int method = (int)s->randomization;
        long bs = s->block_size;
        if ((st = check_keys(c, rnd, "randomization", k)) ||
            (st = choice(c, rnd, "randomization", "method", m, &method)) ||
            (st = whole(c, rnd, "randomization", "block_size", 2, 100,
                        "an even whole number from 2 to 100", &bs)))
            return st;
        if (bs % 2 != 0)
            return gs_error_set(c->err, GS_INPUT, "randomization.block_size",
                                "'randomization.block_size' is %ld; allowed an even whole "
                                "number from 2 to 100",
                                bs);
        s->randomization = (enum gs_rand_method)method;
        s->block_size = (int)bs;
        const cJSON *strat = cJSON_GetObjectItemCaseSensitive(rnd, "stratify");
        if (strat) {
            const cJSON *x = cJSON_GetArrayItem(strat, 0);
            if (!cJSON_IsArray(strat) || cJSON_GetArraySize(strat) > 1 ||
                (x && (!cJSON_IsString(x) || strcmp(x->valuestring, "pain_type") != 0)))
                return gs_error_set(c->err, GS_INPUT, "randomization.stratify",
                                    "'randomization.stratify' must be [] or [\"pain_type\"]");
            s->stratify_pain_type = x != NULL;
        }
        if (s->randomization == GS_RAND_FIXED &&
            cJSON_GetObjectItemCaseSensitive(rnd, "block_size"))
            return gs_error_set(c->err, GS_INPUT, "randomization.block_size",
                                "'randomization.block_size' applies to \"method\": "
                                "\"blocks\" only");
        if (s->randomization == GS_RAND_BLOCKS && s->arm[0].n != s->arm[1].n)
            return gs_error_set(c->err, GS_INPUT, "randomization.method",
                                "blocks allocate 1:1, but the arms' n are %ld and %ld; give "
                                "both arms the same n, or use \"method\": \"fixed\"",
                                s->arm[0].n, s->arm[1].n);
        if (s->stratify_pain_type && s->randomization != GS_RAND_BLOCKS)
            return gs_error_set(c->err, GS_INPUT, "randomization.stratify",
                                "stratification needs \"method\": \"blocks\" (fixed "
                                "randomization gives the exact arm sizes and no strata)");
    }

    long dw = s->duration_weeks;
    if ((st = whole(c, root, "", "duration_weeks", 1, GS_TRIAL_MAX_WEEKS,
                    "a whole number of weeks from 1 to 52", &dw)))
        return st;
    s->duration_weeks = (int)dw;
    if (!cJSON_GetObjectItemCaseSensitive(root, "visit_weeks")) { /* default: weekly */
        s->n_visits = 0;
        for (int w = 1; w <= s->duration_weeks; w++)
            s->visit_week[s->n_visits++] = w;
    }
    const cJSON *vw = cJSON_GetObjectItemCaseSensitive(root, "visit_weeks");
    if (vw) {
        int n = cJSON_GetArraySize(vw);
        if (!cJSON_IsArray(vw) || n < 1 || n > GS_TRIAL_MAX_VISITS)
            return gs_error_set(c->err, GS_INPUT, "visit_weeks",
                                "'visit_weeks' must be an array of 1 to %d weeks",
                                GS_TRIAL_MAX_VISITS);
        s->n_visits = 0;
        const cJSON *w;
        cJSON_ArrayForEach(w, vw)
        {
            double x = cJSON_IsNumber(w) ? w->valuedouble : NAN;
            int prev = s->n_visits ? s->visit_week[s->n_visits - 1] : 0;
            if (!(x >= 1 && x == floor(x) && x <= s->duration_weeks) || x <= prev)
                return gs_error_set(
                    c->err, GS_INPUT, "visit_weeks",
                    "'visit_weeks[%zu]' is %g; visit weeks must be whole numbers, strictly "
                    "increasing, from 1 to duration_weeks (%d)",
                    s->n_visits, x, s->duration_weeks);
            s->visit_week[s->n_visits++] = (int)x;
        }
    }
    if (s->visit_week[s->n_visits - 1] != s->duration_weeks)
        return gs_error_set(c->err, GS_INPUT, "visit_weeks",
                            "the last visit (week %d) must be at the end of the trial "
                            "(duration_weeks %d): the primary endpoint is the last week",
                            s->visit_week[s->n_visits - 1], s->duration_weeks);

    const cJSON *pain = cJSON_GetObjectItemCaseSensitive(root, "pain");
    if (pain) {
        static const char *const k[] = {"measurement_sd", "effect", NULL};
        static const char *const lv[] = {"central", "lower", "upper", NULL};
        int e = (int)s->effect;
        if ((st = check_keys(c, pain, "pain", k)) ||
            (st = number(c, pain, "pain", "measurement_sd", 0, 5, "0 to 5 points on the 0-10 scale",
                         &s->measurement_sd)) ||
            (st = choice(c, pain, "pain", "effect", lv, &e)))
            return st;
        s->effect = (enum gs_effect_level)e;
    }

    const cJSON *dr = cJSON_GetObjectItemCaseSensitive(root, "dropout");
    if (dr) {
        static const char *const k[] = {"adverse_event", "lack_of_efficacy", "lost_per_week", NULL};
        static const char *const ka[] = {"discontinue_at_first_side_effect", "other_per_12_weeks",
                                         NULL};
        static const char *const kl[] = {"per_visit", "from_week", "min_improvement_pct", NULL};
        const cJSON *ae = cJSON_GetObjectItemCaseSensitive(dr, "adverse_event");
        const cJSON *le = cJSON_GetObjectItemCaseSensitive(dr, "lack_of_efficacy");
        long fw = s->loe_after_week;
        if ((st = check_keys(c, dr, "dropout", k)) ||
            (ae && (st = check_keys(c, ae, "dropout.adverse_event", ka))) ||
            (le && (st = check_keys(c, le, "dropout.lack_of_efficacy", kl))) ||
            (st = number(c, ae, "dropout.adverse_event", "discontinue_at_first_side_effect", 0, 1,
                         "a probability from 0 to 1", &s->ae_discontinue)) ||
            (st = number(c, ae, "dropout.adverse_event", "other_per_12_weeks", 0, 1,
                         "a probability from 0 to 1", &s->ae_background)) ||
            (st = number(c, le, "dropout.lack_of_efficacy", "per_visit", 0, 1,
                         "a probability from 0 to 1", &s->loe_per_visit)) ||
            (st = whole(c, le, "dropout.lack_of_efficacy", "from_week", 1, GS_TRIAL_MAX_WEEKS,
                        "a whole number of weeks from 1 to 52", &fw)) ||
            (st = number(c, le, "dropout.lack_of_efficacy", "min_improvement_pct", 0, 100,
                         "a percentage from 0 to 100", &s->loe_min_pct)) ||
            (st = number(c, dr, "dropout", "lost_per_week", 0, 1, "a probability from 0 to 1",
                         &s->loss_per_week)))
            return st;
        s->loe_after_week = (int)fw;
    }

    const cJSON *an = cJSON_GetObjectItemCaseSensitive(root, "analysis");
    int method_given = 0, imputation_given = 0;
    if (an) {
        static const char *const k[] = {"method", "imputation", "alpha", "sided",
                                        "df",     "covariance", NULL};
        static const char *const dfm[] = {"kenward-roger", "satterthwaite", "sandwich-cr2",
                                          "sandwich-md", NULL}; /* gs_mmrm_df */
        static const char *const cvm[] = {"unstructured", "heterogeneous-ar1", "heterogeneous-cs",
                                          NULL}; /* gs_mmrm_cov */
        static const char *const m[] = {"ancova", "ttest", "mixed", "mmrm", NULL};
        static const char *const im[] = {"completers", "locf", "bocf", NULL};
        int method = (int)s->method, imp = (int)s->imputation;
        long sided = s->sided;
        if ((st = check_keys(c, an, "analysis", k)) ||
            (st = choice(c, an, "analysis", "method", m, &method)) ||
            (st = choice(c, an, "analysis", "imputation", im, &imp)) ||
            (st = choice(c, an, "analysis", "df", dfm, &s->mmrm_df)) ||
            (st = choice(c, an, "analysis", "covariance", cvm, &s->mmrm_cov)) ||
            (st = whole(c, an, "analysis", "sided", 1, 2, "1 or 2", &sided)))
            return st;
        /* below 1e-10 the interval's level rounds towards 1; one-sided alpha >= 0.5 leaves no
         * interval at all */
        static const char *const al_allowed =
            "strictly between 0 and 1 (at least 1e-10, and below 0.5 when sided is 1)";
        double alpha = s->alpha;
        if ((st = number(c, an, "analysis", "alpha", 0.0, 1.0, al_allowed, &alpha)))
            return st;
        if (!(alpha >= 1e-10 && alpha < (sided == 1 ? 0.5 : 1.0)))
            return gs_error_set(c->err, GS_INPUT, "analysis.alpha",
                                "'analysis.alpha' is %g; allowed %s", alpha, al_allowed);
        s->alpha = alpha;
        s->method = (enum gs_trial_method)method;
        s->imputation = (enum gs_imputation)imp;
        s->sided = (int)sided;
        method_given = cJSON_GetObjectItemCaseSensitive(an, "method") != NULL;
        imputation_given = cJSON_GetObjectItemCaseSensitive(an, "imputation") != NULL;
        if ((s->method == GS_METHOD_MIXED || s->method == GS_METHOD_MMRM) && imputation_given)
            return gs_error_set(c->err, GS_INPUT, "analysis.imputation",
                                "the %s uses every observed visit without imputation; remove "
                                "'analysis.imputation'",
                                s->method == GS_METHOD_MMRM ? "MMRM" : "mixed model");
    }
    /* the default: MMRM where there are repeated visits (unless an imputation rule asks for
     * an analysis of the last value), else ANCOVA */
    if (!method_given)
        s->method = s->n_visits >= 2 && s->n_visits <= GS_MMRM_MAX_VISITS && !imputation_given
                        ? GS_METHOD_MMRM
                        : GS_METHOD_ANCOVA;
    if (s->method != GS_METHOD_MMRM && an && cJSON_GetObjectItemCaseSensitive(an, "df"))
        return gs_error_set(c->err, GS_INPUT, "analysis.df",
                            "'analysis.df' chooses MMRM's degrees of freedom; the analysis is "
                            "not \"mmrm\": remove 'analysis.df'");
    if (s->method != GS_METHOD_MMRM && an && cJSON_GetObjectItemCaseSensitive(an, "covariance"))
        return gs_error_set(c->err, GS_INPUT, "analysis.covariance",
                            "'analysis.covariance' chooses MMRM's covariance; the analysis is "
                            "not \"mmrm\": remove 'analysis.covariance'");
    if (an) {
        const int df_given = cJSON_GetObjectItemCaseSensitive(an, "df") != NULL,
                  cov_given = cJSON_GetObjectItemCaseSensitive(an, "covariance") != NULL;
        /* either one fixes the inference; a structured covariance alone takes the CR2 sandwich
         * (docs/trial.md, "Small trials") */
        s->mmrm_auto = !df_given && !cov_given;
        if (cov_given && !df_given && s->mmrm_cov != GS_MMRM_COV_UNSTRUCTURED)
            s->mmrm_df = GS_MMRM_DF_CR2;
        if (s->mmrm_cov != GS_MMRM_COV_UNSTRUCTURED && s->mmrm_df == GS_MMRM_DF_KENWARD_ROGER)
            return gs_error_set(c->err, GS_INPUT, "analysis.df",
                                "'analysis.df' is \"kenward-roger\" with 'analysis.covariance' "
                                "\"%s\"; Kenward-Roger is implemented for \"unstructured\" "
                                "only: choose \"satterthwaite\", \"sandwich-cr2\" or "
                                "\"sandwich-md\"",
                                s->mmrm_cov == GS_MMRM_COV_ARH1 ? "heterogeneous-ar1"
                                                                : "heterogeneous-cs");
    }
    if (s->method == GS_METHOD_MMRM && s->n_visits > GS_MMRM_MAX_VISITS)
        return gs_error_set(c->err, GS_INPUT, "analysis.method",
                            "'analysis.method' is \"mmrm\" with %zu visits; allowed with at most "
                            "%d (an unstructured covariance over more visits has too many terms): "
                            "use fewer visits or \"ancova\"",
                            s->n_visits, GS_MMRM_MAX_VISITS);
    return GS_OK;
}

static void defaults(struct gs_trial_spec *s)
{
    memset(s, 0, sizeof *s);
    s->seed = 1;
    snprintf(s->population, sizeof s->population, "clbp-atkinson2016");
    s->age_min_y = 18;
    s->age_max_y = 100;
    s->crcl_min = 60; /* the label's top band: no renal dose reduction inside the trial */
    s->crcl_max = 1000;
    s->pain_min = 4; /* at least moderate pain, the usual entry criterion */
    s->pain_max = 10;
    s->radicular_fraction = 0.0;
    s->randomization = GS_RAND_FIXED;
    s->block_size = 4;
    s->duration_weeks = 12;
    for (int w = 1; w <= 12; w++)
        s->visit_week[s->n_visits++] = w;
    s->measurement_sd = 1.0;
    s->effect = GS_EFFECT_CENTRAL;
    s->ae_discontinue = 0.0;
    s->ae_background = 0.0;
    s->loe_per_visit = 0.0;
    s->loe_min_pct = 10.0;
    s->loe_after_week = 4;
    s->loss_per_week = 0.0;
    s->method = GS_METHOD_ANCOVA;
    s->imputation = GS_IMPUTE_LOCF;
    s->alpha = 0.05;
    s->sided = 2;
    s->mmrm_auto = 1;
}

gs_status gs_trial_spec_parse(struct gs_trial_spec *out, const char *text, size_t len,
                              const char *origin, struct gs_error *err)
{
    defaults(out);
    snprintf(out->origin, sizeof out->origin, "%s", origin);
    cJSON *root;
    gs_status st = gs_datafile_parse_json(text, len, out->origin, &root, err);
    if (st != GS_OK)
        return st;
    struct ctx c = {out->origin, err};
    st = parse_root(&c, root, out);
    cJSON_Delete(root);
    if (st != GS_OK)
        gs_error_prefix(err, out->origin);
    return st;
}

gs_status gs_trial_spec_load(struct gs_trial_spec *out, const char *path, struct gs_error *err)
{
    char *text = NULL;
    size_t len = 0;
    gs_status st = gs_datafile_read(path, MAX_SPEC_BYTES, "trial specification", &text, &len, err);
    if (st != GS_OK)
        return st;
    st = gs_trial_spec_parse(out, text, len, gs_datafile_origin(path), err);
    gs_free(text);
    return st;
}
