/* init.c - registers the .Call entry points (no dynamic symbol lookup). */
#include <R_ext/Rdynload.h>

#include "gabasim_r.h"

static const R_CallMethodDef calls[] = {
    {"gsr_simulate", (DL_FUNC)&gsr_simulate, 1},
    {"gsr_population", (DL_FUNC)&gsr_population, 1},
    {"gsr_population_data", (DL_FUNC)&gsr_population_data, 2},
    {"gsr_advise", (DL_FUNC)&gsr_advise, 1},
    {"gsr_trial", (DL_FUNC)&gsr_trial, 1},
    {"gsr_meta", (DL_FUNC)&gsr_meta, 2},
    {"gsr_version", (DL_FUNC)&gsr_version, 0},
    {"gsr_units", (DL_FUNC)&gsr_units, 3},
    {NULL, NULL, 0}};

void R_init_gabasim(DllInfo *dll)
{
    R_registerRoutines(dll, NULL, calls, NULL, NULL);
    R_useDynamicSymbols(dll, FALSE);
    R_forceSymbols(dll, TRUE);
}
