/* init.c - the library's one-time initialisation (see core_int.h). */
#include <cjson/cJSON.h>
#include <gsl/gsl_errno.h>
#include <pthread.h>

#include "core_int.h"
#include "gabasim/alloc.h"

static _Thread_local int cjson_failed;

static void *cjson_malloc(size_t n)
{
    void *p = gs_malloc(n);
    if (p == NULL)
        cjson_failed = 1;
    return p;
}

int gs__cjson_alloc_failed(int reset)
{
    int was = cjson_failed;
    if (reset)
        cjson_failed = 0;
    return was;
}

static void init_once(void)
{
    /* gabasim checks the status of every GSL call; the default handler would abort the host */
    gsl_set_error_handler_off();
    cJSON_Hooks hooks = {cjson_malloc, gs_free};
    cJSON_InitHooks(&hooks);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;

void gs__init(void)
{
    pthread_once(&once, init_once);
}
