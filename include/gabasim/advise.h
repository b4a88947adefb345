/* gabasim/advise.h - advice for one patient: a regimen from the label's renal rules, the "start
 * low, go slow" calendar to it, a check of a proposed regimen, the predicted blood levels with a
 * band for patients like this one, the expected pain relief against placebo, the chance of each
 * common side effect by day, the co-medications' effects, and what the trials found (the evidence
 * file, data/evidence.json).
 *
 * gs_advise() does all of the work and returns one result struct that holds everything the text,
 * JSON and HTML reports show (gabasim/report_advise.h turns it into those). Everything here
 * supports, and does not replace, a clinician's judgement.
 */
#ifndef GABASIM_ADVISE_H
#define GABASIM_ADVISE_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "gabasim/adverse.h"
#include "gabasim/dosing.h"
#include "gabasim/drug.h"
#include "gabasim/events.h"
#include "gabasim/interactions.h"
#include "gabasim/model.h"
#include "gabasim/patient.h"
#include "gabasim/regimen.h"
#include "gabasim/simulate.h"
#include "gabasim/error.h"
#include "gabasim/summary.h"
#include "gabasim/tdm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the evidence file (data/evidence.json), parsed once into plain structs ---- */

/* Largest evidence file accepted (bytes). */
#define GS_EVIDENCE_FILE_MAX (1 << 20)

struct gs_evidence_point {
    char *text;
    char *source;
};

/* What the trials found for one kind of pain ("radicular"). */
struct gs_evidence_pain_type {
    char *name;
    char *title;
    struct gs_evidence_point *points;
    size_t n_points;
};

/* Another medicine patients ask about, with its kidney rule. */
struct gs_evidence_alternative {
    char *drug;
    char *drug_class;
    struct gs_evidence_point *points;
    size_t n_points;
    char *kidney_text;        /* NULL: no kidney rule given */
    char *kidney_source;      /* NULL: none given */
    double kidney_crcl_below; /* the rule applies below this CrCl, mL/min; NaN: no threshold */
};

/* The whole file. Every string and array is owned by it (gs_advise_evidence_free). */
struct gs_evidence {
    struct gs_evidence_pain_type *pain_types;
    size_t n_pain_types;
    struct gs_evidence_point *all; /* points for every kind of pain */
    size_t n_all;
    char *alternatives_note; /* NULL when not given */
    struct gs_evidence_alternative *alternatives;
    size_t n_alternatives;
};

/* Reads `path`, or gs_datafile_dir()/evidence.json when `path` is NULL. GS_INPUT names the field of
 * a malformed file ("evidence.json: 'alternatives.drugs[1].class' ..."). */
gs_status gs_advise_evidence_load(struct gs_evidence **out, const char *path, struct gs_error *err);

/* The same from text of `len` bytes; `origin` names it in messages (the fuzzed entry point). */
gs_status gs_advise_evidence_parse(struct gs_evidence **out, const char *text, size_t len,
                                   const char *origin, struct gs_error *err);

void gs_advise_evidence_free(struct gs_evidence *ev); /* NULL is a no-op */

/* ---- the request ---- */

/* Horizon limits (days) and band sizes gs_advise accepts. */
#define GS_ADVISE_MIN_DAYS 1.0
#define GS_ADVISE_MAX_DAYS 365.0
#define GS_ADVISE_MIN_N    10L
#define GS_ADVISE_MAX_N    100000L

/* Pointers are borrowed for the call, except `drug`, which the result keeps pointing to (the
 * drug must outlive the result). */
struct gs_advise_request {
    const gs_drug *drug;
    const struct gs_patient *patient;  /* resolved (gs_patient_resolve), kidney function given */
    double target_daily_mg;            /* wanted daily dose; NaN: the label's starting column */
    const struct gs_regimen *proposed; /* a regimen to check; NULL: the calendar is checked */
    double days;                       /* horizon of the predictions, 1 to 365 */
    long n;                            /* virtual patients for the band, 10 to 100000 */
    uint64_t seed;                     /* of the band */
    /* co-medications; a dose-timed one (an antacid) without times is taken with every dose, an
     * assumption the interaction notes state */
    const struct gs_comedication *comedications;
    size_t n_comedications;
    const char *pain_type; /* "radicular", "nonradicular-clbp", "phn"; NULL: no pain estimate */
    /* measured levels (0 to GS_TDM_MAX_LEVELS), times in hours from the first dose of the dosing
     * history: the proposed regimen if given, else the advised calendar. With levels the
     * patient's own parameters are estimated (gs_tdm_estimate) and the result's `tdm` holds
     * them and the individualised dose (gs_tdm_dose_to_target) */
    const struct gs_tdm_level *levels;
    size_t n_levels;
};

#define GS_ADVISE_REQUEST_INIT                                                                     \
    {                                                                                              \
        NULL, NULL, NAN, NULL, 14.0, 1000, 1, NULL, 0, NULL, NULL, 0                               \
    }

/* ---- the result ---- */

/* Concentrations of `n` patients like this one over the last dosing interval of the horizon:
 * 5th, 50th and 95th percentiles. */
struct gs_advise_band {
    long n;
    double cmin_mg_l[3];
    double cavg_mg_l[3];
};

/* Expected pain relief against placebo on the calendar (0-10 scale, negative favours the drug).
 * The three values come from the low, central and high maximum effect of the pooled trials'
 * 95 % interval. */
struct gs_advise_pain {
    char type[32];
    double end[3]; /* difference at the end of the horizon, ascending: [lowest, central, highest] */
    double day14[3];        /* the same on day 14; NaN when the horizon is shorter than 14 days */
    double half_effect_day; /* first day with half of the end's effect */
    double full_effect_day; /* first day with 90 % of the plateau; NaN when the horizon does not
                               reach the plateau (the effect grew >= 0.5 % over the last day) */
    /* chance of >= 50 % (and >= 30 %) less pain by the end: [lowest, central, highest] over the
     * maximum effect's 95 % interval and the between-person spread's (data/pain.json
     * between_person; central: both calibrated values), and on placebo alone; NaN when the
     * placebo model has no variances */
    double responders50[3];
    double responders50_placebo;
    double responders30[3];
    double responders30_placebo;
    double omega[3]; /* the spread's log-SD: [low, calibrated, high] (0 0 0: none in the file) */
    char borrowed_from[72]; /* "drug, pain" whose maximum effect is borrowed; "" when calibrated */
};

/* One side effect's cumulative chance (placebo included) over the calendar. */
struct gs_advise_side_effect {
    char event[32]; /* "somnolence", "peripheral_oedema" */
    double risk[4]; /* by the days of gs_advise_result.checkpoint_day */
    double *by_day; /* n_days values: by the end of day 1, 2, ... */
};

/* An alternative medicine as shown for this patient. */
struct gs_advise_alternative {
    const struct gs_evidence_alternative *alt;
    int kidney_rule_applies; /* 1 this patient's CrCl is below the threshold, 0 not, -1 none */
};

/* The evidence selected for this drug, kind of pain and kidney function (pointers into the
 * result's own copy of the evidence file). */
struct gs_advise_evidence {
    const char *title;                       /* the kind of pain's; NULL without one */
    const struct gs_evidence_point **points; /* the kind of pain's, then those for everyone */
    size_t n_points;
    const char *alternatives_note;              /* NULL when the file gives none */
    struct gs_advise_alternative *alternatives; /* every alternative but the drug itself */
    size_t n_alternatives;
};

/* A warning that applies to this patient, shown first, right after the dose (the library
 * decides which apply; the reports only print them). */
#define GS_ADVISE_MAX_WARNINGS 4

enum gs_advise_warning_kind {
    GS_WARN_RESPIRATORY_DEPRESSION, /* with an opioid or another CNS depressant */
    GS_WARN_FALLS,                  /* drowsiness and dizziness in a patient aged 65 or more */
};

struct gs_advise_warning {
    enum gs_advise_warning_kind kind;
    char id[32];      /* "respiratory-depression", "falls" */
    char title[96];   /* a short heading in plain words */
    char text[640];   /* what it means and what to do, in plain words, with the model's numbers */
    char source[320]; /* label sections and guidelines: "Neurontin label 5.7; ..." */
};

/* The advice from measured levels (gs_advise_request.levels): the MAP estimate of this patient's
 * parameters from the dosing history and the levels, and the regimen inside the label band that
 * gives this patient the average steady-state level the recommended plan gives the typical
 * patient with the same kidney function (probability 0.5 under the posterior). */
struct gs_advise_tdm {
    struct gs_tdm_result fit; /* estimate (no importance sampling); cov and fit points */
    double cl_pop_l_h, cl_l_h, cl_lo, cl_hi; /* clearance: population, MAP, 90 % interval */
    double half_life_pop_h, half_life_h, hl_lo, hl_hi; /* elimination half-life, likewise */
    double target_cavg_mg_l;            /* the typical patient's steady-state Cavg on the plan */
    struct gs_tdm_target_result target; /* the individualised regimen (inside the band) */
};

struct gs_advise_result {
    const gs_drug *drug; /* the request's (borrowed) */
    struct gs_patient patient;
    double days;

    struct gs_dose_plan plan; /* recommended maintenance */
    struct gs_calendar_step calendar[GS_MAX_CALENDAR];
    size_t n_calendar;
    int checked_proposed; /* the findings are about the proposed regimen (else the calendar) */
    struct gs_finding findings[GS_MAX_FINDINGS];
    size_t n_findings;

    size_t n_comedications;
    char **interaction_notes; /* warnings, modelled changes and assumptions, one line each */
    size_t n_interaction_notes;
    int cns_depressant; /* a co-medication is a CNS depressant */

    /* on haemodialysis with sessions modelled (patient.hd.per_week > 0): the schedule in words,
     * the supplement after each session (mg; 0: none) and what makes it; "" and 0 otherwise */
    char dialysis_schedule[160];
    double dialysis_supplement_mg;
    char dialysis_supplement_form[GS_DOSE_FORM_MAX];

    /* the typical patient on the calendar (with the co-medications): what the plot shows */
    struct gs_model model;
    struct gs_regimen regimen;   /* the calendar as a regimen */
    struct gs_event_list events; /* its dose records, after the co-medications */
    struct gs_profile profile;   /* every 0.5 h over the horizon */
    struct gs_summary typical;

    struct gs_advise_band band;

    struct gs_advise_pain *pain; /* NULL without a pain type */

    int checkpoint_day[4]; /* days 3, 7, 14 and the end, none past the horizon */
    struct gs_advise_side_effect side_effects[GS_AE_MAX_EVENTS];
    size_t n_side_effects;
    size_t n_days; /* length of the day-by-day series */
    /* chance of drowsiness or dizziness by each day, taken as independent: an upper bound since
     * the two go together (falls); NULL unless the drug has both */
    double *fall_risk_by_day;

    struct gs_advise_evidence evidence;
    struct gs_evidence *evidence_file; /* owned; what `evidence` points into */

    /* the warnings that apply, most serious first (respiratory depression, then falls) */
    struct gs_advise_warning warnings[GS_ADVISE_MAX_WARNINGS];
    size_t n_warnings;

    struct gs_advise_tdm *tdm; /* NULL without levels */
};

/* Works out the advice. On success *out owns a new result the caller frees with
 * gs_advise_result_free(); on failure *out is NULL and `err` names the field ("--days",
 * "--pain", "--with", ...). */
gs_status gs_advise(const struct gs_advise_request *req, struct gs_advise_result **out,
                    struct gs_error *err);

void gs_advise_result_free(struct gs_advise_result *r); /* NULL is a no-op */

/* The checks gs_advise() starts with (kidney function given, target, days, n), without the
 * work: a front end can reject a request before it builds the proposed regimen. */
gs_status gs_advise_check(const struct gs_advise_request *req, struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
