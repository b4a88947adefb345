/* fuzz_nca.c - libFuzzer target for gs_nca_parse() (the `nca` concentration file) and the whole
 * analysis of what it accepts.
 *
 * Invariants: a refused file gives GS_INPUT, *out NULL and a one-line message starting with the
 * origin; an accepted one has profiles whose observations are sorted, distinct, finite times
 * >= 0 with finite concentrations >= 0; gs_nca_analyse() succeeds with both AUC methods and,
 * in each profile, Cmax >= 0 (NaN only at steady state with no sample within tau), AUClast >= 0,
 * lambda_z > 0 when given with 3+ points, AUCinf >= AUClast, 0 <= % extrapolated < 100;
 * out-of-range accessors give empty views; with any of the first gabasim allocations failing the
 * parse gives GS_NOMEM (or succeeds) and leaks nothing; read in chunks on 3 threads (the reader's
 * parallel path, forced on from 0 bytes) the file gives the same status, message and profiles,
 * bit for bit, as the serial reading.
 */
#include <math.h>

#include "fuzz_common.h"
#include "gabasim/alloc.h"
#include "gabasim/nca.h"
/* the reader's thread count and parallel threshold are module internals (nca_int.h) */
#include "../../src/nca/nca_int.h"

#define ORIGIN "fuzz.csv"

static void check_profiles(const gs_nca_data *d)
{
    size_t n = gs_nca_data_n_profiles(d);
    for (size_t p = 0; p < n; p++) {
        struct gs_nca_profile_view v;
        gs_nca_data_profile(d, p, &v);
        FUZZ_CHECK_STR("profile-id", v.id);
        FUZZ_CHECK("profile-id", v.id[0] != '\0', "profile %zu has an empty ID", p);
        FUZZ_CHECK("dose", isnan(v.dose) || (isfinite(v.dose) && v.dose > 0), "dose %g", v.dose);
        for (size_t i = 0; i < v.n; i++) {
            FUZZ_CHECK("time",
                       isfinite(v.t_h[i]) && v.t_h[i] >= 0 && (i == 0 || v.t_h[i] > v.t_h[i - 1]),
                       "profile %zu time %zu = %g", p, i, v.t_h[i]);
            FUZZ_CHECK("conc", isfinite(v.conc[i]) && v.conc[i] >= 0, "conc %g", v.conc[i]);
        }
    }
    struct gs_nca_profile_view v;
    gs_nca_data_profile(d, n, &v);
    FUZZ_CHECK("out-of-range", v.n == 0 && v.id[0] == '\0', "profile past the end");
}

static void check_analysis(const gs_nca_data *d)
{
    for (int m = 0; m < 2; m++) {
        struct gs_nca_options o = GS_NCA_OPTIONS_INIT;
        o.method = m ? GS_NCA_LINEAR : GS_NCA_LINUP_LOGDOWN;
        o.n_intervals = 1;
        o.interval_start_h[0] = 0.5, o.interval_end_h[0] = INFINITY;
        o.tau_h = m ? 12 : 0;
        gs_nca_analysis *a = NULL;
        struct gs_error err;
        fuzz_error_reset(&err);
        gs_status st = gs_nca_analyse(d, &o, "R", 1, &a, &err);
        FUZZ_CHECK("analyse", st == GS_OK, "analysis failed: %s", err.msg);
        if (st != GS_OK)
            continue;
        for (size_t p = 0; p < gs_nca_data_n_profiles(d); p++) {
            const struct gs_nca_result *r = gs_nca_analysis_result(a, p);
            struct gs_nca_profile_view v;
            gs_nca_data_profile(d, p, &v);
            if (v.n == 0)
                continue;
            /* undefined only at steady state without a sample in the first interval */
            FUZZ_CHECK("cmax", isnan(r->cmax) ? o.tau_h > 0 : r->cmax >= 0, "profile %zu Cmax %g",
                       p, r->cmax);
            FUZZ_CHECK("auclast", isnan(r->auclast) || r->auclast >= 0, "AUClast %g", r->auclast);
            if (r->lz_n > 0) {
                FUZZ_CHECK("lambda_z", r->lambda_z > 0 && r->lz_n >= 3, "lambda_z %g with %d",
                           r->lambda_z, r->lz_n);
                FUZZ_CHECK("aucinf", !(r->aucinf_obs < r->auclast), "AUCinf %g < AUClast %g",
                           r->aucinf_obs, r->auclast);
                FUZZ_CHECK("extrap",
                           isnan(r->pct_extrap_obs) ||
                               (r->pct_extrap_obs >= -1e-9 && r->pct_extrap_obs <= 100),
                           "%% extrapolated %g", r->pct_extrap_obs);
            }
        }
        FUZZ_CHECK("accessor", gs_nca_analysis_result(a, gs_nca_data_n_profiles(d)) == NULL,
                   "result past the end");
        gs_nca_analysis_free(a);
    }
}

static void check_threads(const char *text, size_t size, gs_status st1, const gs_nca_data *d1,
                          const struct gs_error *e1)
{
    size_t saved = nca_parallel_min_bytes;
    nca_parallel_min_bytes = 0;
    gs_nca_data *d = NULL;
    struct gs_error err;
    fuzz_error_reset(&err);
    gs_status st = nca_parse_threads(&d, text, size, ORIGIN, 3, &err);
    nca_parallel_min_bytes = saved;
    FUZZ_CHECK("threads-status", st == st1, "3 threads gave %d, 1 gave %d", (int)st, (int)st1);
    if (st != GS_OK || st1 != GS_OK) {
        FUZZ_CHECK("threads-msg", st != st1 || strcmp(err.msg, e1->msg) == 0,
                   "3 threads: '%s', 1: '%s'", err.msg, e1->msg);
        gs_nca_data_free(d);
        return;
    }
    size_t n = gs_nca_data_n_profiles(d1);
    FUZZ_CHECK("threads-profiles", gs_nca_data_n_profiles(d) == n,
               "3 threads: %zu profiles, 1: %zu", gs_nca_data_n_profiles(d), n);
    for (size_t p = 0; p < n && gs_nca_data_n_profiles(d) == n; p++) {
        struct gs_nca_profile_view x, y;
        gs_nca_data_profile(d1, p, &x);
        gs_nca_data_profile(d, p, &y);
        int same = strcmp(x.id, y.id) == 0 && strcmp(x.period, y.period) == 0 &&
                   strcmp(x.sequence, y.sequence) == 0 && strcmp(x.treatment, y.treatment) == 0 &&
                   memcmp(&x.dose, &y.dose, sizeof x.dose) == 0 && x.n == y.n &&
                   memcmp(x.t_h, y.t_h, x.n * sizeof *x.t_h) == 0 &&
                   memcmp(x.conc, y.conc, x.n * sizeof *x.conc) == 0 &&
                   memcmp(x.blq, y.blq, x.n) == 0;
        FUZZ_CHECK("threads-data", same, "profile %zu differs on 3 threads", p);
    }
    gs_nca_data_free(d);
}

static void check_out_of_memory(const char *text, size_t size)
{
    for (long k = 1; k <= 12; k++) {
        gs_nca_data *d = (gs_nca_data *)&d;
        struct gs_error err;
        fuzz_error_reset(&err);
        gs_alloc_fail_after(k);
        gs_status st = gs_nca_parse(&d, text, size, ORIGIN, &err);
        gs_alloc_fail_after(0);
        if (st == GS_OK) {
            gs_nca_data_free(d);
            break;
        }
        FUZZ_CHECK("oom", st == GS_NOMEM && d == NULL, "allocation %ld failing gave %d", k,
                   (int)st);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    char *text = malloc(size ? size : 1); /* exact size: no terminator to lean on */
    if (text == NULL)
        return 0;
    if (size)
        memcpy(text, data, size);
    gs_nca_data *d = (gs_nca_data *)&d;
    struct gs_error err;
    fuzz_error_reset(&err);
    gs_status st = nca_parse_threads(&d, text, size, ORIGIN, 1, &err);
    check_threads(text, size, st, st == GS_OK ? d : NULL, &err);
    if (st == GS_OK) {
        FUZZ_CHECK("non-null", d != NULL, "successful parse returned NULL");
        check_profiles(d);
        if (size <= 65536)
            check_analysis(d);
        gs_nca_data_free(d);
        if (size <= 8192)
            check_out_of_memory(text, size);
    } else {
        FUZZ_CHECK("null-on-failure", d == NULL, "failed parse left *out set");
        fuzz_check_error(st, &err);
        FUZZ_CHECK("status", st == GS_INPUT, "status %d: %s", (int)st, err.msg);
        FUZZ_CHECK("msg-origin", strncmp(err.msg, ORIGIN ": ", strlen(ORIGIN) + 2) == 0,
                   "message does not start with the origin: %s", err.msg);
    }
    free(text);
    return 0;
}
