/* version.c - the library version, set by the build from CMakeLists.txt. */
#include "gabasim/gabasim.h"

#ifndef GS_VERSION
#define GS_VERSION "0.0.0"
#endif

const char *gs_version(void)
{
    return GS_VERSION;
}
