/* fuzz_dataset.c - libFuzzer target for gs_dataset_parse() (NONMEM-style CSV datasets).
 *
 * The input is the CSV text, handed over as an exact-size heap buffer without a terminator (so
 * that ASan sees any read past `len`). Invariants:
 *   failure: *out is NULL; GS_INPUT, equal to err.code; a non-empty one-line err.msg that starts
 *            with the origin; the same status with a very long origin;
 *   success: at least one row and one subject; the subjects' row ranges are non-empty, in order
 *            and cover every row exactly once; their IDs are finite and distinct; every event
 *            has a finite TIME >= 0, non-decreasing within its subject, EVID 0-4, AMT > 0 and
 *            CMT 1 or 2 exactly on doses (AMT 0 elsewhere), finite RATE and II >= 0, ADDL in
 *            0..GS_MAX_DOSES and SS in 0..2, both only on doses with II > 0 (SS also with AMT 0,
 *            II 0 and RATE above 0 or -1: a constant infusion); observations are the
 *            EVID 0 rows; covariate names are unique, found by their own name, their values
 *            finite or NaN; out-of-range accessors give NaN/NULL/0;
 *            gs_dataset_write() gives a header and one line per row, each with the same number
 *            of fields, and (for small inputs) that output parses again to the same records with
 *            PRED, IPRED and SIMDV as three more covariates holding the values written; with any
 *            of the first gabasim allocations failing the parse gives GS_NOMEM (or succeeds)
 *            and leaks nothing.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <math.h>
#include <strings.h>

#include "fuzz_common.h"
#include "gabasim/alloc.h"
#include "gabasim/model.h"
#include "gabasim/dataset.h"

#define ORIGIN "fuzz.csv"

static void check_failure(gs_status st, gs_dataset *ds, const struct gs_error *err, gs_status want)
{
    FUZZ_CHECK("ds-null-on-failure", ds == NULL, "failed parse (status %d) left *out non-NULL",
               (int)st);
    fuzz_check_error(st, err);
    FUZZ_CHECK("status", st == want, "status %d (%s), expected %d: %s", (int)st, gs_status_str(st),
               (int)want, err->msg);
}

static int same_event(const struct gs_event *a, const struct gs_event *b)
{
    return a->time_h == b->time_h && a->evid == b->evid && a->amt_mg == b->amt_mg &&
           a->cmt == b->cmt && a->rate_mg_h == b->rate_mg_h && a->ii_h == b->ii_h &&
           a->addl == b->addl && a->ss == b->ss;
}

static void check_event(const gs_dataset *ds, size_t r)
{
    struct gs_event e;
    memset(&e, 0xA5, sizeof e);
    gs_dataset_row_event(ds, r, &e);
    int dose = e.evid == GS_EVID_DOSE || e.evid == GS_EVID_RESET_DOSE;
    FUZZ_CHECK("event-time", isfinite(e.time_h) && e.time_h >= 0.0, "row %zu TIME %g", r, e.time_h);
    FUZZ_CHECK("event-evid", (int)e.evid >= 0 && (int)e.evid <= 4, "row %zu EVID %d", r,
               (int)e.evid);
    FUZZ_CHECK("event-obs", gs_dataset_row_is_observation(ds, r) == (e.evid == GS_EVID_OBS),
               "row %zu EVID %d, is_observation %d", r, (int)e.evid,
               gs_dataset_row_is_observation(ds, r));
    FUZZ_CHECK("event-amt", isfinite(e.amt_mg) && (dose ? e.amt_mg >= 0.0 : e.amt_mg == 0.0),
               "row %zu EVID %d AMT %g", r, (int)e.evid, e.amt_mg);
    FUZZ_CHECK("event-cmt", !dose || (e.cmt >= GS_CMT_DEPOT && e.cmt <= GS_MAX_BODY),
               "row %zu dose CMT %d", r, e.cmt);
    FUZZ_CHECK("event-rate",
               isfinite(e.rate_mg_h) &&
                   (dose ? e.rate_mg_h >= 0.0 || e.rate_mg_h == -1.0 || e.rate_mg_h == -2.0
                         : e.rate_mg_h == 0.0),
               "row %zu EVID %d RATE %g", r, (int)e.evid, e.rate_mg_h);
    FUZZ_CHECK("event-ii", isfinite(e.ii_h) && e.ii_h >= 0.0, "row %zu II %g", r, e.ii_h);
    FUZZ_CHECK("event-addl",
               e.addl >= 0 && e.addl <= GS_MAX_DOSES && (e.addl == 0 || (dose && e.ii_h > 0.0)),
               "row %zu EVID %d ADDL %ld II %g", r, (int)e.evid, e.addl, e.ii_h);
    int constant = e.amt_mg == 0.0 && e.ii_h == 0.0 && (e.rate_mg_h > 0.0 || e.rate_mg_h == -1.0);
    FUZZ_CHECK("event-ss",
               e.ss >= 0 && e.ss <= 2 && (e.ss == 0 || (dose && (e.ii_h > 0.0 || constant))),
               "row %zu EVID %d SS %d II %g", r, (int)e.evid, e.ss, e.ii_h);
}

static void check_structure(const gs_dataset *ds)
{
    size_t nr = gs_dataset_n_rows(ds), ns = gs_dataset_n_subjects(ds);
    FUZZ_CHECK("ds-counts", nr >= 1 && ns >= 1 && ns <= nr, "%zu rows, %zu subjects", nr, ns);
    double *ids = malloc(ns * sizeof *ids);
    if (ids == NULL)
        return;
    size_t next = 0;
    for (size_t s = 0; s < ns; s++) {
        double id = NAN;
        size_t first = (size_t)-1, n = 0;
        gs_dataset_subject(ds, s, &id, &first, &n);
        FUZZ_CHECK("subject-id", isfinite(id), "subject %zu ID %g", s, id);
        FUZZ_CHECK("subject-ranges", first == next && n >= 1 && n <= nr - first,
                   "subject %zu rows [%zu, +%zu) after %zu of %zu", s, first, n, next, nr);
        ids[s] = id;
        double prev = -1.0;
        for (size_t r = first; r < first + n; r++) {
            check_event(ds, r);
            struct gs_event e;
            gs_dataset_row_event(ds, r, &e);
            FUZZ_CHECK("time-order", e.time_h >= prev, "subject %zu row %zu TIME %g after %g", s, r,
                       e.time_h, prev);
            prev = e.time_h;
        }
        next = first + n;
    }
    FUZZ_CHECK("subject-ranges", next == nr, "subjects cover %zu of %zu rows", next, nr);
    for (size_t s = 1; s < ns; s++) /* an ID may come back, as a new individual, not at once */
        FUZZ_CHECK("subject-runs", ids[s] != ids[s - 1], "ID %g in two adjacent subjects", ids[s]);
    free(ids);

    /* out of range */
    double id = 0.0;
    size_t first = 0, n = 1;
    gs_dataset_subject(ds, ns, &id, &first, &n);
    FUZZ_CHECK("out-of-range", isnan(id) && first == nr && n == 0, "subject %zu past the end", ns);
    struct gs_event e;
    gs_dataset_row_event(ds, nr, &e);
    FUZZ_CHECK("out-of-range", isnan(e.time_h), "row %zu past the end has TIME %g", nr, e.time_h);
    FUZZ_CHECK("out-of-range", !gs_dataset_row_is_observation(ds, nr), "row past the end");
}

static void check_covariates(const gs_dataset *ds)
{
    size_t nc = gs_dataset_n_covariates(ds), nr = gs_dataset_n_rows(ds);
    FUZZ_CHECK("cov-count", nc <= GS_DATASET_MAX_COLUMNS - 2, "%zu covariates", nc);
    for (size_t k = 0; k < nc; k++) {
        const char *name = gs_dataset_covariate_name(ds, k);
        FUZZ_CHECK_STR("cov-name", name);
        FUZZ_CHECK("cov-name", name[0] != '\0' && strlen(name) <= 32, "covariate %zu '%s'", k,
                   name);
        FUZZ_CHECK("cov-index", gs_dataset_covariate_index(ds, name) == (int)k,
                   "covariate %zu '%s' found at %d", k, name, gs_dataset_covariate_index(ds, name));
        for (size_t r = 0; r < nr; r++) {
            double v = gs_dataset_covariate(ds, r, k);
            FUZZ_CHECK("cov-value", isnan(v) || isfinite(v), "row %zu %s = %g", r, name, v);
        }
        FUZZ_CHECK("out-of-range", isnan(gs_dataset_covariate(ds, nr, k)), "row past the end");
    }
    FUZZ_CHECK("out-of-range", gs_dataset_covariate_name(ds, nc) == NULL, "name past the end");
    FUZZ_CHECK("out-of-range", nr == 0 || isnan(gs_dataset_covariate(ds, 0, nc)),
               "covariate past the end");
}

static size_t count_char(const char *s, size_t n, char c)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == c;
    return k;
}

/* Writes the dataset; checks the layout and (small inputs) that it reads back the same. */
static void check_write(const gs_dataset *ds, size_t input_size)
{
    size_t nr = gs_dataset_n_rows(ds);
    double *pred = malloc(3 * nr * sizeof *pred);
    if (pred == NULL)
        return;
    double *ipred = pred + nr, *simdv = pred + 2 * nr;
    for (size_t r = 0; r < nr; r++) {
        pred[r] = r % 3 == 0 ? NAN : (double)r / 7.0;
        ipred[r] = r % 5 == 0 ? INFINITY : -1e-300 * (double)r;
        simdv[r] = (double)r * 1e10 + 0.5;
    }
    char *out = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&out, &size);
    if (f == NULL) {
        free(pred);
        return;
    }
    gs_status st = gs_dataset_write(ds, f, pred, ipred, simdv);
    int closed = fclose(f);
    FUZZ_CHECK("write", st == GS_OK && closed == 0, "write gave %d", (int)st);
    FUZZ_CHECK("write", size > 0 && out[size - 1] == '\n', "output does not end with a newline");
    FUZZ_CHECK("write", memchr(out, '\0', size) == NULL, "output contains a NUL");

    /* a header and one line per row, each with as many fields as the header */
    FUZZ_CHECK("write-lines", count_char(out, size, '\n') == nr + 1, "%zu lines for %zu rows",
               count_char(out, size, '\n'), nr);
    const char *line = out;
    size_t fields = 0;
    for (size_t i = 0; i <= nr; i++) {
        const char *nl = memchr(line, '\n', size - (size_t)(line - out));
        size_t k = count_char(line, (size_t)(nl - line), ',') + 1;
        if (i == 0)
            fields = k;
        FUZZ_CHECK("write-fields", k == fields, "line %zu has %zu fields, the header %zu", i + 1, k,
                   fields);
        /* (a dropped text column may hold inner spaces; the values are trimmed) */
        int untrimmed = nl > line && (line[0] == ' ' || nl[-1] == ' ');
        for (const char *c = line; c < nl; c++)
            untrimmed |= *c == ',' && ((c > line && c[-1] == ' ') || (c + 1 < nl && c[1] == ' '));
        FUZZ_CHECK("write-fields", memchr(line, '\r', (size_t)(nl - line)) == NULL && !untrimmed,
                   "line %zu has a CR or an untrimmed value", i + 1);
        line = nl + 1;
    }
    /* ID, TIME, the covariates, any other standard columns, PRED, IPRED, SIMDV; an input's own
     * PRED, IPRED and SIMDV columns (an earlier output read back) are replaced, not repeated */
    size_t n_cov = gs_dataset_n_covariates(ds), n_replaced = 0;
    for (size_t k = 0; k < n_cov; k++) {
        const char *name = gs_dataset_covariate_name(ds, k);
        n_replaced += strcasecmp(name, "PRED") == 0 || strcasecmp(name, "IPRED") == 0 ||
                      strcasecmp(name, "SIMDV") == 0;
    }
    FUZZ_CHECK("write-fields", fields >= n_cov - n_replaced + 5,
               "%zu fields for %zu covariates (%zu replaced)", fields, n_cov, n_replaced);

    /* read back: needs room for three more columns and no clash with their names */
    if (input_size <= 30000 && fields <= GS_DATASET_MAX_COLUMNS &&
        gs_dataset_covariate_index(ds, "PRED") < 0 && gs_dataset_covariate_index(ds, "IPRED") < 0 &&
        gs_dataset_covariate_index(ds, "SIMDV") < 0) {
        gs_dataset *again = NULL;
        struct gs_error err;
        fuzz_error_reset(&err);
        st = gs_dataset_parse(&again, out, size, "written.csv", &err);
        FUZZ_CHECK("round-trip", st == GS_OK, "written dataset does not read back: %s", err.msg);
        if (st == GS_OK) {
            FUZZ_CHECK("round-trip",
                       gs_dataset_n_rows(again) == nr &&
                           gs_dataset_n_subjects(again) == gs_dataset_n_subjects(ds) &&
                           gs_dataset_n_covariates(again) == gs_dataset_n_covariates(ds) + 3,
                       "read back %zu rows, %zu subjects, %zu covariates", gs_dataset_n_rows(again),
                       gs_dataset_n_subjects(again), gs_dataset_n_covariates(again));
            int kp = gs_dataset_covariate_index(again, "PRED");
            int ki = gs_dataset_covariate_index(again, "IPRED");
            int ks = gs_dataset_covariate_index(again, "SIMDV");
            FUZZ_CHECK("round-trip", kp >= 0 && ki >= 0 && ks >= 0, "appended columns missing");
            for (size_t r = 0; r < nr && kp >= 0 && ki >= 0 && ks >= 0; r++) {
                struct gs_event a, b;
                gs_dataset_row_event(ds, r, &a);
                gs_dataset_row_event(again, r, &b);
                FUZZ_CHECK("round-trip", same_event(&a, &b), "row %zu reads back differently", r);
                for (size_t k = 0; k < gs_dataset_n_covariates(ds); k++) {
                    double x = gs_dataset_covariate(ds, r, k),
                           y = gs_dataset_covariate(again, r, k);
                    FUZZ_CHECK("round-trip", (isnan(x) && isnan(y)) || x == y,
                               "row %zu covariate %zu %g then %g", r, k, x, y);
                }
                const double *arr[3] = {pred, ipred, simdv};
                int col[3] = {kp, ki, ks};
                for (int j = 0; j < 3; j++) {
                    double want = arr[j][r], got = gs_dataset_covariate(again, r, (size_t)col[j]);
                    FUZZ_CHECK("round-trip-pred",
                               isfinite(want) ? fabs(got - want) <= 1e-9 * fabs(want)
                                              : (int)isnan(got),
                               "row %zu appended column %d: wrote %g, read %g", r, j, want, got);
                }
            }
            gs_dataset_free(again);
        }
    }
    free(out);
    free(pred);
}

/* The same (valid) text with the k-th gabasim allocation failing: GS_NOMEM or success, *out NULL
 * on failure, nothing leaked (LeakSanitizer). */
static void check_out_of_memory(const char *text, size_t size)
{
    for (long k = 1; k <= 12; k++) {
        gs_dataset *ds = (gs_dataset *)&ds;
        struct gs_error err;
        fuzz_error_reset(&err);
        gs_alloc_fail_after(k);
        gs_status st = gs_dataset_parse(&ds, text, size, ORIGIN, &err);
        gs_alloc_fail_after(0);
        if (st == GS_OK) {
            FUZZ_CHECK("ds-non-null", ds != NULL, "successful parse returned a NULL handle");
            gs_dataset_free(ds);
            break;
        }
        check_failure(st, ds, &err, GS_NOMEM);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    /* Exact size, no terminator: the parser must not read text[size]. */
    char *text = malloc(size ? size : 1);
    if (text == NULL)
        return 0;
    if (size)
        memcpy(text, data, size);

    gs_dataset *ds = (gs_dataset *)&ds; /* any non-NULL value: the parser must overwrite it */
    struct gs_error err;
    fuzz_error_reset(&err);
    gs_status st = gs_dataset_parse(&ds, text, size, ORIGIN, &err);
    if (st == GS_OK) {
        FUZZ_CHECK("ds-non-null", ds != NULL, "successful parse returned a NULL handle");
        check_structure(ds);
        check_covariates(ds);
        check_write(ds, size);
        gs_dataset_free(ds);
        if (size <= 8192)
            check_out_of_memory(text, size);
    } else {
        check_failure(st, ds, &err, GS_INPUT);
        FUZZ_CHECK("msg-origin", strncmp(err.msg, ORIGIN ": ", strlen(ORIGIN) + 2) == 0,
                   "message does not start with the origin: %s", err.msg);
        if (size <= 8192) {
            char origin[400];
            memset(origin, 'o', sizeof origin - 1);
            origin[sizeof origin - 1] = '\0';
            gs_dataset *d2 = (gs_dataset *)&d2;
            struct gs_error err2;
            fuzz_error_reset(&err2);
            gs_status st2 = gs_dataset_parse(&d2, text, size, origin, &err2);
            FUZZ_CHECK("ds-deterministic", st2 == st, "status %d then %d with a long origin",
                       (int)st, (int)st2);
            check_failure(st2, d2, &err2, GS_INPUT);
        }
    }
    free(text);
    return 0;
}
