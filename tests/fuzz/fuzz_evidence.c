/* fuzz_evidence.c - libFuzzer target for the walkers of data/evidence.json in `gabasim advise`
 * (src/cli/advise_evidence.c): text, HTML and JSON output from any JSON tree.
 *
 * Invariants: no crash or sanitizer report on any tree, whatever the types of its members; the
 * JSON output, wrapped in braces as advise does, parses as JSON.
 */
#include <cjson/cJSON.h>

#include "advise_evidence.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    cJSON *ev = cJSON_Parse(text);
    free(text);
    if (ev == NULL)
        return 0;
    static const char *kinds[] = {NULL, "nonradicular-clbp", "radicular", "phn"};
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (f == NULL)
            break;
        advise_evidence_write(f, ev, kinds[k], "gabapentin", 28.0, ADVISE_TEXT);
        advise_evidence_write(f, ev, kinds[k], "duloxetine", 90.0, ADVISE_HTML);
        fputs("{", f);
        long start = ftell(f);
        advise_evidence_json(f, ev, kinds[k], NULL, 28.0);
        fputs("}", f);
        fclose(f);
        cJSON *back = cJSON_Parse(buf + start - 1);
        FUZZ_CHECK("json-out", back != NULL, "advise JSON does not parse: %.200s", buf + start - 1);
        cJSON_Delete(back);
        free(buf);
    }
    cJSON_Delete(ev);
    return 0;
}
