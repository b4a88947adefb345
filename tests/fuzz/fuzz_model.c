/* fuzz_model.c - libFuzzer target for gs_model_file_parse() (model files, docs/model-files.md).
 *
 * The input is parsed as a model file. Invariants:
 *   failure: a negative status equal to err.code, a non-empty one-line message that starts with
 *            the origin ("fuzz.model:") unless memory ran out;
 *   success: every name accessor returns a non-empty string for every index; the model is then
 *            simulated for 33 subjects (two batches) over 4 h with a bolus, an infusion and a
 *            repeated dose, and its Jacobian taken: either GS_OK or a clean error (a user's model
 *            may diverge, take too many steps or compute NaN; it must never crash or hang);
 *            when it can stand in for a drug's structure, its lane right-hand side (the compiled
 *            lane program) gives bit for bit what the scalar one gives, lane by lane.
 */
#include <math.h>

#include "fuzz_common.h"
#include "gabasim/model_file.h"

static int same(double a, double b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

/* The lane program (fused, hoisted, written in place) gives the scalar interpreter's bits, for
 * every body compartment (lane rows: depot, central, AUC, extras; gabasim/model.h). */
static void lanes_match_scalar(const struct gs_structure *s)
{
    enum { L = GS_LANES, NR = GS_N_CORE + GS_MAX_EXTRA };
    static double p[GS_MAX_PARAMS * L], y[NR * L], dy[NR * L];
    size_t nb = gs_model_n_body(s);
    for (int l = 0; l < L; l++) {
        for (size_t i = 0; i < GS_MAX_PARAMS; i++)
            p[i * L + l] = i < s->n_params ? s->params[i].fallback * (1 + 0.01 * l) : 0.0;
        for (size_t r = 0; r < GS_N_CORE + s->n_extra; r++)
            y[r * L + l] = r == GS_Y_AUC ? 0.0 : 10 + l - 2.5 * (double)r;
    }
    if (s->lanes_prepare)
        s->lanes_prepare(p);
    s->rhs_lanes(y, dy, p);
    for (int l = 0; l < L; l++) {
        double ys[GS_MAX_STATES] = {0}, dys[GS_MAX_STATES], ps[GS_MAX_PARAMS];
        for (size_t k = 0; k < nb; k++) {
            size_t r = k < GS_N_BODY ? k : GS_N_CORE + (k - GS_N_BODY);
            ys[gs_model_body_index(k)] = y[r * L + l];
        }
        for (size_t i = 0; i < s->n_params; i++)
            ps[i] = p[i * L + l];
        s->rhs(0, ys, dys, ps);
        for (size_t k = 0; k < nb; k++) {
            size_t r = k < GS_N_BODY ? k : GS_N_CORE + (k - GS_N_BODY);
            FUZZ_CHECK("lanes", same(dy[r * L + l], dys[gs_model_body_index(k)]),
                       "compartment %zu lane %d: %.17g vs %.17g", k + 1, l, dy[r * L + l],
                       dys[gs_model_body_index(k)]);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192)
        return 0;
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    if (size)
        memcpy(text, data, size);
    text[size] = '\0';
    gs_model_file *m = NULL;
    struct gs_error err;
    fuzz_error_reset(&err);
    gs_status st = gs_model_file_parse(&m, text, size, "fuzz.model", &err);
    if (st != GS_OK) {
        fuzz_check_error(st, &err);
        FUZZ_CHECK("origin", st == GS_NOMEM || strncmp(err.msg, "fuzz.model", 10) == 0,
                   "message '%s' does not name the file", err.msg);
        FUZZ_CHECK("null", m == NULL, "failed parse left a model");
        free(text);
        return 0;
    }
    static const enum gs_mf_kind kinds[] = {GS_MF_PARAM, GS_MF_COV, GS_MF_ETA, GS_MF_CMT,
                                            GS_MF_OUTPUT};
    for (size_t k = 0; k < 5; k++)
        for (size_t i = 0; i < gs_model_file_count(m, kinds[k]); i++) {
            const char *n = gs_model_file_name(m, kinds[k], i);
            FUZZ_CHECK("name", n && *n, "empty name %zu of kind %zu", i, k);
            FUZZ_CHECK("index", gs_model_file_index(m, kinds[k], n) >= 0, "'%s' not found", n);
        }
    size_t nc = gs_model_file_count(m, GS_MF_CMT), w = nc + gs_model_file_count(m, GS_MF_OUTPUT);
    /* only small models are simulated: the fuzzer's time goes to the parser */
    if (nc <= 8 && gs_model_file_ode_size(m) < 200) {
        double t[3] = {0.5, 1, 4};
        double *out = calloc(33 * 3 * w + 1, sizeof(double));
        struct gs_mf_dose d[3] = {
            {0, 10, 1, 0, 0, 0}, {0.25, 5, (int)nc, 10, 0, 0}, {0, 1, 1, 0, 1, 2}};
        struct gs_mf_sim_request rq = {m, 33, NULL, NULL, NULL, d, nc ? 3 : 0, t, 3, 1e-4, 1e-6, 0};
        if (out) {
            fuzz_error_reset(&err);
            st = gs_model_file_simulate(&rq, out, &err);
            if (st != GS_OK)
                fuzz_check_error(st, &err);
            free(out);
        }
        double y[8] = {1, 2, 3, 4, 5, 6, 7, 8}, jac[64];
        fuzz_error_reset(&err);
        st = gs_model_file_jacobian(m, NULL, NULL, NULL, y, 1.0, 0, jac, &err);
        if (st != GS_OK)
            fuzz_check_error(st, &err);
    }
    const struct gs_structure *s;
    fuzz_error_reset(&err);
    st = gs_model_file_structure(m, &s, &err);
    if (st != GS_OK)
        fuzz_check_error(st, &err);
    else
        lanes_match_scalar(s);
    gs_model_file_free(m);
    free(text);
    return 0;
}
