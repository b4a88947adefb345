/* version.c - the library version, from the generated gabasim/version.h. */
#include "gabasim/gabasim.h"

#include "gabasim/version.h"

const char *gs_version(void)
{
    return GS_VERSION_STRING;
}
