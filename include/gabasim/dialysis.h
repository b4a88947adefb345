/* gabasim/dialysis.h - a patient on intermittent haemodialysis: sessions in the simulation and the
 * label's supplemental dose after each.
 *
 * How a session is modelled: from its start for its length the drug file's dialysis clearance
 * (model.haemodialysis.CL, derived from the label's statements) is added to the patient's
 * clearance (the anuric clearance, model.anuric.CL, with its between-subject variability); the
 * dialysis clearance itself is fixed (no variability is published for it). Between sessions the
 * body clears the drug at the anuric rate (gabapentin: half-life about 132 h, Neurontin label
 * 12.3). The supplement is a dose given as each session ends, while doses are being given.
 * The schedule (sessions a week, length, start, first day) is the patient's (struct
 * gs_hd_schedule in gabasim/patient.h); the sessions and supplements become event records when a
 * regimen with them is expanded (gabasim/regimen.h). The steady state is then periodic over a
 * week, and summaries report it so (gabasim/summary.h).
 */
#ifndef GABASIM_DIALYSIS_H
#define GABASIM_DIALYSIS_H

#include <stddef.h>

#include "gabasim/drug.h"
#include "gabasim/patient.h"
#include "gabasim/regimen.h"
#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* For a patient on haemodialysis whose schedule has sessions, copies the schedule into reg->hd
 * and resolves its supplement: when the schedule leaves it to the label (NaN), the label's
 * supplement for the column of the regimen's maintenance daily dose (gs_dosing_recommend), the
 * lower end when the label gives a range (said in `note`); none when the drug file gives no
 * supplement (said). Then validates the regimen (gs_regimen_validate). Each assumption is one line
 * appended to `note` (may be NULL). Not on dialysis, or sessions=0: reg is left as it is.
 * GS_UNSUPPORTED if the drug gives no dialysis clearance (model.haemodialysis.CL). */
gs_status gs_dialysis_apply(const gs_drug *d, const struct gs_patient *pt, struct gs_regimen *reg,
                            char *note, size_t note_size, struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
