/* pk_int.h - private to src/pk: the structure objects the registry lists. */
#ifndef GABASIM_PK_INT_H
#define GABASIM_PK_INT_H

#include "gabasim/model.h"

extern const struct gs_structure gs__oral_1cmt_linear;
extern const struct gs_structure gs__oral_1cmt_mm_absorption;

#endif
