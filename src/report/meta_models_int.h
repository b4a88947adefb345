/* meta_models_int.h - the output layer's writers for the models after pooling
 * (gabasim/meta_models.h), called by one line each from meta_text.c and meta_json.c. */
#ifndef GABASIM_REPORT_META_MODELS_INT_H
#define GABASIM_REPORT_META_MODELS_INT_H

#include <stdio.h>

#include "gabasim/meta.h"
#include "report_int.h"

/* The subgroups, meta-regression, Egger, leave-one-out, cumulative and influence sections as
 * text (nothing when m->models is NULL); the caller checks ferror(f). */
void gs__meta_models_text(const struct gs_meta_analysis *m, FILE *f);

/* The same as the "models" object of root (nothing when m->models is NULL); 0 when out of
 * memory. */
int gs__meta_models_json(cJSON *root, const struct gs_meta_analysis *m);

#endif
