/* init.c - registers the .Call entry points (no dynamic symbol lookup). */
#include <R_ext/Rdynload.h>

#include "gabasim_r.h"

/* through void (*)(void), the generic function pointer type, as R's DL_FUNC is used */
#define CALLDEF(name, n)                                                                           \
    {                                                                                              \
#name, (DL_FUNC)(void (*)(void))(name), n                                                  \
    }

static const R_CallMethodDef calls[] = {
    CALLDEF(gsr_simulate, 1), CALLDEF(gsr_population, 1), CALLDEF(gsr_population_data, 2),
    CALLDEF(gsr_advise, 1),   CALLDEF(gsr_trial, 1),      CALLDEF(gsr_meta, 2),
    CALLDEF(gsr_version, 0),  CALLDEF(gsr_units, 3),      {NULL, NULL, 0}};

void R_init_gabasim(DllInfo *dll)
{
    R_registerRoutines(dll, NULL, calls, NULL, NULL);
    R_useDynamicSymbols(dll, FALSE);
    R_forceSymbols(dll, TRUE);
}
