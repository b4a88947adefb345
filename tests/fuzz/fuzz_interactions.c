/* fuzz_interactions.c - libFuzzer target for gs_interactions_parse() (data/interactions.json).
 *
 * Invariants: on success the table is non-NULL, every entry can be fetched and found again by
 * its name; an unknown name fails with GS_INPUT and a one-line message. On failure *out is NULL
 * and the error record is a one-line message with a negative status.
 */
#include "fuzz_common.h"
#include "gabasim/interactions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gs_interactions *t = NULL;
    struct gs_error err;
    fuzz_error_reset(&err);
    gs_status st = gs_interactions_parse(&t, (const char *)data, size, "fuzz.json", &err);
    if (st != GS_OK) {
        FUZZ_CHECK("failure-null", t == NULL, "a failed parse left a table");
        fuzz_check_error(st, &err);
        return 0;
    }
    FUZZ_CHECK("success-table", t != NULL, "a successful parse gave no table");
    for (size_t i = 0; i < gs_interactions_count(t); i++)
        FUZZ_CHECK("entry", gs_interactions_get(t, i) != NULL, "entry %zu is NULL", i);
    const struct gs_interaction *ix = NULL;
    fuzz_error_reset(&err);
    st = gs_interactions_find(t, "no-such-co-medication-name", &ix, &err);
    FUZZ_CHECK("unknown-name", st == GS_INPUT, "unknown name gave status %d", (int)st);
    fuzz_check_error(st, &err);
    gs_interactions_free(t);
    return 0;
}
