/* fuzz_evidence.c - libFuzzer target for the parser of data/evidence.json
 * (gs_advise_evidence_parse, src/advise/evidence.c) and the writers of the evidence in `gabasim
 * advise` (src/report/ advise_evidence.c): text, HTML and JSON from whatever the parser accepts.
 *
 * Invariants: no crash or sanitizer report on any input; a refused input gets a message; an
 * accepted one has every kidney threshold in its documented range (a patient's CrCl: above 0, up
 * to 250 mL/min, or none), renders, and its JSON output parses as JSON.
 */
#include <cjson/cJSON.h>
#include <math.h>

/* the evidence selection and its writers are module internals (advise_int.h of src/advise and
 * src/report): this target reaches them as their own tests would */
#include "../../src/advise/advise_int.h"
#include "../../src/report/advise_int.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gs_evidence *ev = NULL;
    struct gs_error err = GS_ERROR_INIT;
    gs_status st = gs_advise_evidence_parse(&ev, (const char *)data, size, "fuzz.json", &err);
    if (st != GS_OK) {
        fuzz_check_error(st, &err);
        FUZZ_CHECK("refused-null", ev == NULL, "a refused file left a result");
        return 0;
    }
    for (size_t i = 0; i < ev->n_alternatives; i++) {
        double c = ev->alternatives[i].kidney_crcl_below;
        FUZZ_CHECK("crcl-range", isnan(c) || (c > 0 && c <= 250), "crcl_below %g", c);
    }
    static const char *kinds[] = {NULL, "nonradicular-clbp", "radicular", "phn"};
    static const char *drugs[] = {"gabapentin", "duloxetine", NULL, "pregabalin"};
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        struct gs_advise_evidence sel;
        if (gs__advise_evidence_select(ev, kinds[k], drugs[k], k ? 28.0 : 90.0, &sel, &err))
            break;
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (f == NULL) {
            gs__advise_evidence_release(&sel);
            break;
        }
        gs__advise_evidence_text(f, &sel);
        gs__advise_evidence_html(f, &sel);
        fclose(f);
        free(buf);
        cJSON *root = cJSON_CreateObject();
        if (root && gs__advise_evidence_json(root, &sel)) {
            char *text = cJSON_Print(root);
            cJSON *back = text ? cJSON_Parse(text) : NULL;
            FUZZ_CHECK("json-out", text == NULL || back != NULL,
                       "evidence JSON does not parse: %.200s", text);
            cJSON_Delete(back);
            cJSON_free(text);
        }
        cJSON_Delete(root);
        gs__advise_evidence_release(&sel);
    }
    gs_advise_evidence_free(ev);
    return 0;
}
