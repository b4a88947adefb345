/* gabasim/interactions.h - co-medications that change gabapentinoid exposure or risk.
 *
 * The facts live in data/interactions.json (schema "gabasim-interactions/1"): per co-medication
 * the affected drugs, the mechanism, the published magnitudes with sources and confidence, how
 * gabasim models it, the warning text and whether it is a CNS depressant. The code here loads
 * that table, looks names up and applies the modelled effects to one patient's simulation
 * inputs (individual model + dose records), so the engine itself never knows about
 * interactions.
 *
 * Modelled kinds (the table's model.kind):
 * - GS_IX_DOSE_TIMED (Al/Mg antacid): each depot dose taken in a time band around a
 *   co-medication dose loses a fraction of its absorbed amount. t = dose time - co-medication
 *   time; band k holds for from_h <= t < to_h; with several co-medication doses the largest
 *   reduction applies once. For a saturable model the dose amount is scaled by a factor
 *   calibrated (bisection) so that the absorbed amount of that dose, given alone, falls by
 *   exactly the reduction; the removed amount never enters the model.
 * - GS_IX_ABSORPTION_AUC (morphine, hydrocodone, naproxen): the named absorption parameter (ktr)
 *   is multiplied by a factor found by a 1-D root find so that a single study dose gives the
 *   published AUC ratio (with clearance unchanged, the ratio of the fractions absorbed).
 * - GS_IX_CLEARANCE (cimetidine): CL times cl_ratio.
 * - GS_IX_NONE: warnings and information only.
 * The table's notes give the assumptions (co-medication present throughout, effects of several
 * co-medications multiply).
 */
#ifndef GABASIM_INTERACTIONS_H
#define GABASIM_INTERACTIONS_H

#include <stddef.h>

#include "gabasim/events.h"
#include "gabasim/model.h"
#include "gabasim/simulate.h"
#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest interaction file accepted (bytes); a ceiling against runaway input. */
#define GS_INTERACTIONS_FILE_MAX (1 << 20)
#define GS_IX_MAX_BANDS          8
#define GS_IX_MAX_AFFECTS        8
/* A warnings buffer of this size holds every warning of any realistic co-medication list. */
#define GS_IX_WARNINGS_SIZE 8192

enum gs_ix_kind {
    GS_IX_NONE = 0,
    GS_IX_DOSE_TIMED,     /* "dose_timed_bioavailability" */
    GS_IX_ABSORPTION_AUC, /* "absorption_auc_ratio" */
    GS_IX_CLEARANCE,      /* "clearance_ratio" */
};

struct gs_ix_band {
    double from_h, to_h; /* from_h <= dose time - co-medication time < to_h */
    double reduction;    /* fraction of the absorbed amount lost, 0..1 */
};

/* One entry of the table. Strings live as long as the table; "" when absent. */
struct gs_interaction {
    const char *name;
    const char *title;
    const char *mechanism;
    const char *affects[GS_IX_MAX_AFFECTS]; /* drugs whose exposure or risk changes */
    size_t n_affects;
    enum gs_ix_kind kind;
    const char *model_drug; /* the drug the modelled effect applies to ("gabapentin") */
    struct gs_ix_band band[GS_IX_MAX_BANDS];
    size_t n_bands;
    const char *parameter; /* GS_IX_ABSORPTION_AUC: structure parameter to scale */
    double auc_ratio;      /* GS_IX_ABSORPTION_AUC: published AUC ratio (1.44 = +44 %) */
    double study_dose_mg;  /* GS_IX_ABSORPTION_AUC: single dose the ratio was measured at */
    double cl_ratio;       /* GS_IX_CLEARANCE */
    const char *model_source;
    const char *approximation; /* how the model departs from the study ("" if not given) */
    const char *warning;
    int cns_depressant;
    const char *sedation_risk; /* CNS depressants: the unquantified risk statement */
};

typedef struct gs_interactions gs_interactions;

/* Loads the table from `path`, or from gs_datafile_dir()/interactions.json when `path` is NULL. */
gs_status gs_interactions_load(gs_interactions **out, const char *path, struct gs_error *err);

/* Parses table text of `len` bytes; `origin` names it in messages. */
gs_status gs_interactions_parse(gs_interactions **out, const char *text, size_t len,
                                const char *origin, struct gs_error *err);

void gs_interactions_free(gs_interactions *t); /* NULL is a no-op */

size_t gs_interactions_count(const gs_interactions *t);
const struct gs_interaction *gs_interactions_get(const gs_interactions *t, size_t i);

/* Finds a co-medication by name or alias (exact, lowercase). GS_INPUT naming `name` and listing
 * the known names if there is none. */
gs_status gs_interactions_find(const gs_interactions *t, const char *name,
                               const struct gs_interaction **out, struct gs_error *err);

/* One co-medication of a patient. Dose times are needed (and used) only by GS_IX_DOSE_TIMED
 * entries; the others are taken as present for the whole simulation. */
struct gs_comedication {
    const char *name;
    const double *dose_times_h;
    size_t n_doses;
};

/* What gs_interactions_apply changed. */
struct gs_ix_effects {
    double param_multiplier[GS_MAX_PARAMS]; /* new p[i] = old p[i] * multiplier (1 = unchanged) */
    size_t doses_scaled;                    /* dose records whose amount was reduced */
    double amount_removed_mg;               /* sum of the amounts removed from those records */
    int cns_depressant;                     /* any co-medication is a CNS depressant */
};

/* What to apply: the modelled interactions of `co[0..n_co)` for drug `drug_name` ("gabapentin")
 * to one patient's individual model `base` and dose records `events`. Pointers are borrowed for
 * the call. */
struct gs_ix_request {
    const gs_interactions *table;
    const char *drug_name;
    const struct gs_model *base;
    const struct gs_event_list *events;
    const struct gs_comedication *co;
    size_t n_co;
    const struct gs_sim_options *opt; /* the simulations used to calibrate (NULL: defaults) */
};

/* What gs_interactions_apply produced. Caller-allocated: start from GS_IX_RESULT_INIT, end with
 * gs_interactions_result_release() (also after a failure). */
struct gs_ix_result {
    struct gs_model model;       /* `base` with the parameter changes */
    struct gs_event_list events; /* the records ADDL-expanded and sorted, dose-timed changes made */
    struct gs_ix_effects fx;
    char warnings[GS_IX_WARNINGS_SIZE]; /* warnings and the assumptions used, one per line */
};
#define GS_IX_RESULT_INIT                                                                          \
    {                                                                                              \
        .events = GS_EVENT_LIST_INIT                                                               \
    }
void gs_interactions_result_release(struct gs_ix_result *r); /* frees the events; NULL is a no-op */

/* Applies `req` into `out` (whose event list is emptied first). Warnings longer than
 * GS_IX_WARNINGS_SIZE are truncated. GS_INPUT: unknown name, dose times missing or not finite, a
 * dose-timed change to a steady-state (SS) record; GS_UNSUPPORTED: the structure lacks the
 * parameter to change, or the published ratio cannot be reached. */
gs_status gs_interactions_apply(const struct gs_ix_request *req, struct gs_ix_result *out,
                                struct gs_error *err);

/* The multiplier of `parameter` that makes a single `dose_mg` into the depot absorb `ratio`
 * times as much as with `m` (root find on the log of the multiplier). Exposed for tests and
 * reports. */
gs_status gs_interactions_calibrate_absorption(const struct gs_model *m, const char *parameter,
                                               double dose_mg, double ratio,
                                               const struct gs_sim_options *opt, double *multiplier,
                                               struct gs_error *err);

/* The factor on a dose amount that makes a single `dose_mg` into the depot absorb (1 - reduction)
 * times as much as unchanged (bisection; exactly 1 - reduction for a linear structure). */
gs_status gs_interactions_calibrate_amount(const struct gs_model *m, double dose_mg,
                                           double reduction, const struct gs_sim_options *opt,
                                           double *factor, struct gs_error *err);

/* Amount of a single `dose_mg` into the depot that ever reaches the central compartment, mg. */
gs_status gs_interactions_absorbed_mg(const struct gs_model *m, double dose_mg,
                                      const struct gs_sim_options *opt, double *absorbed_mg,
                                      struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
