/* fuzz_drug_json.c - libFuzzer target for gs_drug_parse() (drug files, JSON via cJSON).
 *
 * The input is the drug-file text, handed over as an exact-size buffer without a terminator (so
 * that ASan sees any read past `len`). Invariants:
 *   failure: *out is NULL; a negative status equal to err.code; a non-empty one-line err.msg;
 *            the same failure with a very long origin (gs_error_prefix cannot fit it);
 *   success: a non-NULL handle whose accessors all return readable strings; the name is a library
 *            name; every parameter value is finite and inside its structure's bounds; omega SDs
 *            are NaN or 0..3; max dose in (0, 1e5] mg; anuric CL NaN or in (0, 100) L/h; at most
 *            8 titrations (each found by name; each schedule parsed) and 32 assumptions; and
 *            gs_drug_individual_model() gives finite, non-negative parameters (or GS_INPUT with
 *            a message) for a resolved default patient, two patients with covariates and a
 *            haemodialysis patient (GS_UNSUPPORTED allowed only without model.anuric.CL);
 *            with any of the first gabasim allocations failing, the parse gives GS_NOMEM and
 *            leaks nothing.
 */
#include <ctype.h>
#include <math.h>

#include "fuzz_common.h"
#include "gabasim/alloc.h"
#include "gabasim/drug.h"
#include "gabasim/regimen.h"

#define ORIGIN "fuzz.json"

static void check_failure(gs_status st, gs_drug *d, const struct gs_error *err)
{
    FUZZ_CHECK("drug-null-on-failure", d == NULL, "failed parse (status %d) left *out non-NULL",
               (int)st);
    fuzz_check_error(st, err);
    FUZZ_CHECK("status", st == GS_INPUT || st == GS_NOMEM, "status %d (%s): %s", (int)st,
               gs_status_str(st), err->msg);
}

static void check_params(const gs_drug *d)
{
    const struct gs_structure *s = gs_drug_structure(d);
    size_t n = gs_drug_param_count(d);
    FUZZ_CHECK("drug-params", n >= 1 && n <= GS_MAX_PARAMS && n == s->n_params,
               "param count %zu (structure '%s' has %zu)", n, s->name, s->n_params);
    for (size_t i = 0; i < n; i++) {
        struct gs_drug_param_info info;
        memset(&info, 0xA5, sizeof info);
        gs_drug_param_info(d, i, &info);
        const struct gs_param_def *def = &s->params[i];
        FUZZ_CHECK_STR("drug-strings", info.name);
        FUZZ_CHECK_STR("drug-strings", info.unit);
        FUZZ_CHECK_STR("drug-strings", info.meaning);
        FUZZ_CHECK_STR("drug-strings", info.source);
        FUZZ_CHECK_STR("drug-strings", info.effects);
        FUZZ_CHECK_STR("drug-strings", info.omega_source);
        FUZZ_CHECK("drug-params", strcmp(info.name, def->name) == 0, "param %zu is '%s', not '%s'",
                   i, info.name, def->name);
        FUZZ_CHECK("drug-params", info.given == 0 || info.given == 1, "param %s given = %d",
                   info.name, info.given);
        FUZZ_CHECK("param-finite", isfinite(info.value), "param %s = %g", info.name, info.value);
        FUZZ_CHECK("param-range",
                   info.value >= def->min && info.value <= def->max &&
                       !(def->min_exclusive && info.value <= def->min),
                   "param %s = %g outside %s%g..%g", info.name, info.value,
                   def->min_exclusive ? "above " : "", def->min, def->max);
        FUZZ_CHECK("param-omega",
                   isnan(info.omega_sd) || (info.omega_sd >= 0.0 && info.omega_sd <= 3.0),
                   "param %s omega_sd = %g", info.name, info.omega_sd);
    }
}

static void check_titrations(const gs_drug *d)
{
    size_t n = gs_drug_titration_count(d);
    FUZZ_CHECK("drug-titrations", n <= 8, "%zu titrations", n);
    for (size_t i = 0; i < n; i++) {
        const char *name = NULL, *schedule = NULL, *source = NULL;
        gs_drug_titration(d, i, &name, &schedule, &source);
        FUZZ_CHECK_STR("drug-strings", name);
        FUZZ_CHECK_STR("drug-strings", schedule);
        FUZZ_CHECK_STR("drug-strings", source);
        FUZZ_CHECK("drug-titrations", gs_drug_titration_find(d, name) != NULL,
                   "titration '%s' not found by name", name);
        struct gs_regimen r;
        gs_regimen_init(&r);
        struct gs_error err;
        fuzz_error_reset(&err);
        gs_status st = gs_regimen_parse_titration(&r, schedule, "titrations", &err);
        if (st != GS_OK)
            fuzz_check_error(st, &err);
        else
            FUZZ_CHECK("drug-titrations", r.n_steps >= 1, "schedule '%s' gave no steps", schedule);
    }
}

static void check_individual(const gs_drug *d, const struct gs_patient *pt, const char *who)
{
    int no_anuric = pt->haemodialysis && isnan(gs_drug_anuric_cl(d));
    struct gs_model m;
    memset(&m, 0xA5, sizeof m);
    char notes[1024];
    notes[0] = '\0';
    memset(notes + 1, 'Z', sizeof notes - 1);
    struct gs_error err;
    fuzz_error_reset(&err);
    gs_status st = gs_drug_individual_model(d, pt, &m, notes, sizeof notes, &err);
    FUZZ_CHECK("individual-notes", memchr(notes, '\0', sizeof notes) != NULL,
               "%s patient: notes not NUL-terminated", who);
    if (st != GS_OK) {
        /* GS_UNSUPPORTED: dialysis without model.anuric.CL; GS_INPUT: a parameter implausible for
         * this patient after covariate effects. */
        fuzz_check_error(st, &err);
        FUZZ_CHECK("individual-status", st == GS_INPUT || (st == GS_UNSUPPORTED && no_anuric),
                   "%s patient: status %d: %s", who, (int)st, err.msg);
    } else {
        FUZZ_CHECK("individual-dialysis", !no_anuric,
                   "dialysis patient individualised without model.anuric.CL");
        FUZZ_CHECK("individual-ok", m.structure == gs_drug_structure(d), "%s patient: structure",
                   who);
        const struct gs_structure *s = gs_drug_structure(d);
        for (size_t i = 0; i < GS_MAX_PARAMS; i++) {
            if (i >= s->n_params) {
                FUZZ_CHECK("individual-ok", m.p[i] == 0.0, "unused slot %zu = %g", i, m.p[i]);
                continue;
            }
            struct gs_drug_param_info info;
            gs_drug_param_info(d, i, &info);
            FUZZ_CHECK("individual-finite", isfinite(m.p[i]) && m.p[i] >= 0.0,
                       "%s patient: %s = %g (typical value %g, effects %s)", who, info.name, m.p[i],
                       info.value, info.effects);
        }
    }
    /* A tiny notes buffer and no buffer at all give the same result. */
    char small[8];
    small[0] = '\0';
    fuzz_error_reset(&err);
    gs_status st2 = gs_drug_individual_model(d, pt, &m, small, sizeof small, &err);
    FUZZ_CHECK("individual-notes", st2 == st && memchr(small, '\0', sizeof small) != NULL,
               "%s patient, 8-byte notes: status %d, before %d", who, (int)st2, (int)st);
    fuzz_error_reset(&err);
    st2 = gs_drug_individual_model(d, pt, &m, NULL, 0, &err);
    FUZZ_CHECK("individual-notes", st2 == st, "%s patient, no notes: status %d, before %d", who,
               (int)st2, (int)st);
}

static void check_patients(const gs_drug *d)
{
    struct gs_error err;
    struct gs_patient pt;

    gs_patient_init(&pt);
    fuzz_error_reset(&err);
    FUZZ_CHECK("patient", gs_patient_resolve(&pt, &err) == GS_OK, "default: %s", err.msg);
    check_individual(d, &pt, "default");

    gs_patient_init(&pt);
    pt.age_y = 45.0;
    pt.sex = GS_SEX_MALE;
    pt.weight_kg = 80.0;
    pt.height_cm = 180.0;
    pt.scr_mg_dl = 0.9;
    fuzz_error_reset(&err);
    FUZZ_CHECK("patient", gs_patient_resolve(&pt, &err) == GS_OK, "male: %s", err.msg);
    check_individual(d, &pt, "male");

    gs_patient_init(&pt);
    pt.age_y = 80.0;
    pt.sex = GS_SEX_FEMALE;
    pt.weight_kg = 50.0;
    pt.height_cm = 155.0;
    pt.crcl_given_ml_min = 20.0;
    fuzz_error_reset(&err);
    FUZZ_CHECK("patient", gs_patient_resolve(&pt, &err) == GS_OK, "female: %s", err.msg);
    check_individual(d, &pt, "female");

    gs_patient_init(&pt);
    pt.haemodialysis = 1;
    fuzz_error_reset(&err);
    FUZZ_CHECK("patient", gs_patient_resolve(&pt, &err) == GS_OK, "dialysis: %s", err.msg);
    check_individual(d, &pt, "dialysis");
}

static void check_success(const gs_drug *d)
{
    FUZZ_CHECK("drug-non-null", d != NULL, "successful parse returned a NULL handle");
    const char *name = gs_drug_name(d);
    FUZZ_CHECK_STR("drug-strings", name);
    FUZZ_CHECK_STR("drug-strings", gs_drug_title(d));
    FUZZ_CHECK_STR("drug-strings", gs_drug_summary(d));
    FUZZ_CHECK_STR("drug-strings", gs_drug_origin(d));
    FUZZ_CHECK_STR("drug-strings", gs_drug_max_dose_source(d));
    FUZZ_CHECK_STR("drug-strings", gs_drug_anuric_cl_source(d));
    FUZZ_CHECK("drug-origin", strcmp(gs_drug_origin(d), ORIGIN) == 0, "origin '%s'",
               gs_drug_origin(d));
    FUZZ_CHECK("drug-name", name[0] != '\0', "empty drug name");
    for (const char *c = name; *c; c++)
        FUZZ_CHECK("drug-name",
                   islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '-' ||
                       *c == '_',
                   "drug name '%s'", name);
    FUZZ_CHECK("drug-structure",
               gs_drug_structure(d) != NULL &&
                   gs_model_structure_find(gs_drug_structure(d)->name) == gs_drug_structure(d),
               "structure not from the registry");
    double maxd = gs_drug_max_dose_mg(d);
    FUZZ_CHECK("drug-max-dose", maxd > 0.0 && maxd <= 1e5, "max dose %g mg", maxd);
    double an = gs_drug_anuric_cl(d);
    FUZZ_CHECK("drug-anuric", isnan(an) || (an > 0.0 && an < 100.0), "anuric CL %g L/h", an);

    check_params(d);
    check_titrations(d);

    size_t na = gs_drug_assumption_count(d);
    FUZZ_CHECK("drug-assumptions", na <= 32, "%zu assumptions", na);
    for (size_t i = 0; i < na; i++)
        FUZZ_CHECK_STR("drug-strings", gs_drug_assumption(d, i));
    const char *cal = gs_drug_calibration_json(d);
    FUZZ_CHECK("drug-strings", cal == NULL || strlen(cal) > 0, "empty calibration JSON");

    check_patients(d);
}

/* The same (valid) text with the k-th gabasim allocation failing: GS_NOMEM or success, *out NULL
 * on failure, nothing leaked (LeakSanitizer). cJSON allocates through gs_malloc too, so its own
 * allocations fail as well. */
static void check_out_of_memory(const char *text, size_t size)
{
    for (long k = 1; k <= 4; k++) {
        gs_drug *d = (gs_drug *)&d;
        struct gs_error err;
        fuzz_error_reset(&err);
        gs_alloc_fail_after(k);
        gs_status st = gs_drug_parse(&d, text, size, ORIGIN, &err);
        gs_alloc_fail_after(0);
        if (st == GS_OK) {
            FUZZ_CHECK("drug-non-null", d != NULL, "successful parse returned a NULL handle");
            gs_drug_free(d);
            continue;
        }
        FUZZ_CHECK("oom", st == GS_NOMEM, "allocation %ld failing gave status %d: %s", k, (int)st,
                   err.msg);
        check_failure(st, d, &err);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > GS_DRUG_FILE_MAX + 1)
        return 0;
    /* Exact size, no terminator: the parser must not read text[size]. */
    char *text = malloc(size ? size : 1);
    if (text == NULL)
        return 0;
    if (size)
        memcpy(text, data, size);
    else
        text[0] = '\0'; /* not part of the input (len 0) */

    gs_drug *d = (gs_drug *)&d; /* any non-NULL value: the parser must overwrite it */
    struct gs_error err;
    fuzz_error_reset(&err);
    gs_status st = gs_drug_parse(&d, text, size, ORIGIN, &err);
    if (st == GS_OK) {
        check_success(d);
        gs_drug_free(d);
        check_out_of_memory(text, size);
    } else {
        check_failure(st, d, &err);
        /* The same failure with an origin too long for the "origin: " prefix. */
        if (size <= 8192) {
            char origin[400];
            memset(origin, 'o', sizeof origin - 1);
            origin[sizeof origin - 1] = '\0';
            gs_drug *d2 = (gs_drug *)&d2;
            struct gs_error err2;
            fuzz_error_reset(&err2);
            gs_status st2 = gs_drug_parse(&d2, text, size, origin, &err2);
            FUZZ_CHECK("drug-deterministic", st2 == st, "status %d then %d with a long origin",
                       (int)st, (int)st2);
            check_failure(st2, d2, &err2);
        }
    }
    free(text);
    return 0;
}
