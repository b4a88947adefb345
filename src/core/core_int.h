/* core_int.h - shared inside src/core only: the library's one-time initialisation. */
#ifndef GABASIM_CORE_INT_H
#define GABASIM_CORE_INT_H

/* Runs the library's initialisation once per process (thread-safe; also run by a constructor
 * when the library is loaded): GSL's error handler off (gabasim checks every GSL status and must
 * never abort), cJSON allocating through gs_malloc/gs_free. */
void gs__init(void);

/* Whether a cJSON allocation failed (in this thread) since the last call with reset = 1. */
int gs__cjson_alloc_failed(int reset);

#endif
