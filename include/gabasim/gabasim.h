/* gabasim/gabasim.h - the whole public API of libgabasim, and its version.
 *
 * gabasim simulates gabapentinoids (gabapentin, pregabalin) in one body: patient -> drug ->
 * regimen -> event records -> solver -> profile -> metrics and reports. Start at README.md and
 * docs/; each header below is the contract of one module.
 */
#ifndef GABASIM_GABASIM_H
#define GABASIM_GABASIM_H

#include "gabasim/adverse.h"
#include "gabasim/advise.h"
#include "gabasim/alloc.h"
#include "gabasim/ancova.h"
#include "gabasim/covariates.h"
#include "gabasim/datafile.h"
#include "gabasim/dataset.h"
#include "gabasim/dataset_sim.h"
#include "gabasim/dialysis.h"
#include "gabasim/dosing.h"
#include "gabasim/drug.h"
#include "gabasim/error.h"
#include "gabasim/events.h"
#include "gabasim/interactions.h"
#include "gabasim/label_check.h"
#include "gabasim/lmm.h"
#include "gabasim/meta.h"
#include "gabasim/meta_models.h"
#include "gabasim/mmrm.h"
#include "gabasim/model.h"
#include "gabasim/model_file.h"
#include "gabasim/outfile.h"
#include "gabasim/pain.h"
#include "gabasim/pain_effect.h"
#include "gabasim/par.h"
#include "gabasim/patient.h"
#include "gabasim/pd.h"
#include "gabasim/nca.h"
#include "gabasim/plot.h"
#include "gabasim/population.h"
#include "gabasim/regimen.h"
#include "gabasim/report.h"
#include "gabasim/report_advise.h"
#include "gabasim/report_drug.h"
#include "gabasim/report_meta.h"
#include "gabasim/report_population.h"
#include "gabasim/report_progress.h"
#include "gabasim/report_trial.h"
#include "gabasim/rng.h"
#include "gabasim/simulate.h"
#include "gabasim/status.h"
#include "gabasim/studies.h"
#include "gabasim/summary.h"
#include "gabasim/tdm.h"
#include "gabasim/threads.h"
#include "gabasim/trial.h"
#include "gabasim/units.h"
#include "gabasim/utf8.h"
#include "gabasim/variability.h"
#include "gabasim/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "0.1.0"; static. */
const char *gs_version(void);

/* Printed with every output that could guide a dose. */
#define GS_CLINICAL_NOTICE                                                                         \
    "gabasim supports, and does not replace, a clinician's judgement: model predictions for a "    \
    "typical person like the one described, not a prescription."

#ifdef __cplusplus
}
#endif
#endif
