/* datadir.c - where the data files are (drugs/, populations/, pain.json, ...): found at run time,
 * never the build machine's source path.
 *
 * In order:
 *   1. $GABASIM_DATA if set and not empty, as given (the older name $GABASIM_DATA_DIR too);
 *   2. the first of these that holds a drugs/ directory, made absolute:
 *        <directory of the loaded libgabasim>/../share/gabasim
 *        <directory of the loaded libgabasim>/../../share/gabasim   (a lib/<triplet> libdir)
 *        <directory of the running program>/../share/gabasim
 * An installed tree has share/gabasim beside lib/ and bin/. The build tree has the same layout:
 * CMake puts the libraries in <build>/lib and makes <build>/share/gabasim a link to the source's
 * data/, and the tests run from <build>/tests. A program linked with libgabasim.a is "the loaded
 * libgabasim" itself (dladdr names the program), hence the /proc/self/exe fallback.
 *
 * Computed once (pthread_once): every thread sees the same directory, and changing the
 * environment after the first call has no effect.
 */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gabasim/datafile.h"
#include "gabasim/error.h"

/* What gs_datafile_dir() returns when nothing was found: every message about a data file then names
 * the variable to set. */
#define NOT_FOUND "<no gabasim data directory found: set GABASIM_DATA>"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *data_dir = NOT_FOUND;
static int found;
static char found_buf[PATH_MAX];

/* Whether `dir` (the first dir_len bytes) + "/" + rel holds drugs/; if so, its absolute path goes
 * to found_buf. */
static int try_dir(const char *dir, size_t dir_len, const char *rel)
{
    char cand[PATH_MAX], real[PATH_MAX];
    struct stat st;
    int n = snprintf(cand, sizeof cand, "%.*s/%s/drugs", (int)dir_len, dir, rel);
    if (n < 0 || (size_t)n >= sizeof cand || stat(cand, &st) != 0 || !S_ISDIR(st.st_mode))
        return 0;
    cand[(size_t)n - strlen("/drugs")] = '\0';
    if (realpath(cand, real) == NULL)
        return 0;
    memcpy(found_buf, real, strlen(real) + 1);
    return 1;
}

/* Tries the candidates relative to the directory holding `file`. */
static int try_beside(const char *file)
{
    static const char *const rel[] = {"../share/gabasim", "../../share/gabasim"};
    const char *slash = file ? strrchr(file, '/') : NULL;
    if (slash == NULL)
        return 0;
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++)
        if (try_dir(file, (size_t)(slash - file), rel[i]))
            return 1;
    return 0;
}

static void find(void)
{
    const char *env = getenv("GABASIM_DATA");
    if (env == NULL || *env == '\0')
        env = getenv("GABASIM_DATA_DIR");
    if (env != NULL && *env != '\0') {
        data_dir = env;
        found = 1;
        return;
    }
    Dl_info info;
    int ok = dladdr((const void *)&gs_datafile_dir, &info) != 0 && try_beside(info.dli_fname);
    if (!ok) {
        char exe[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n > 0) {
            exe[n] = '\0';
            ok = try_beside(exe);
        }
    }
    if (ok) {
        data_dir = found_buf;
        found = 1;
    }
}

const char *gs_datafile_dir(void)
{
    pthread_once(&once, find);
    return data_dir;
}

gs_status gs_datafile_dir_find(const char **dir, struct gs_error *err)
{
    *dir = gs_datafile_dir();
    struct stat sb;
    if (found && (stat(*dir, &sb) != 0 || !S_ISDIR(sb.st_mode)))
        return gs_error_set(err, GS_NOTFOUND, "GABASIM_DATA",
                            "the gabasim data directory '%s' (GABASIM_DATA) is not a directory",
                            *dir);
    if (!found)
        return gs_error_set(err, GS_NOTFOUND, "GABASIM_DATA",
                            "no gabasim data directory: none beside the library or the program "
                            "(../share/gabasim holding drugs/); set GABASIM_DATA to the directory");
    return GS_OK;
}
