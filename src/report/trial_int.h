/* trial_int.h - shared by the output layer's trial_*.c files only. */
#ifndef GABASIM_REPORT_TRIAL_INT_H
#define GABASIM_REPORT_TRIAL_INT_H

#include <stddef.h>

#include "gabasim/trial.h"

/* The analysis in words ("ANCOVA on baseline; completers only"), written into buf. */
const char *gs__trial_method_name(const struct gs_trial_spec *s, char *buf, size_t cap);
const char *gs__trial_mmrm_used(const struct gs_trial_result *r);

/* "none", "adverse_event", "lack_of_efficacy", "lost_to_follow_up": JSON keys and CSV values. */
const char *gs__trial_reason_key(enum gs_dropout_reason r);

#endif
