/* outfile.c - write to a temporary file, rename when complete: no partial outputs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gabasim/report.h"

/* mkstemp() replaces the six trailing X's of the template with a unique suffix. */
#define TEMPLATE                                                                                   \
    ".tmp."                                                                                        \
    "XX"                                                                                           \
    "XX"                                                                                           \
    "XX"

gs_status gs_outfile_open(struct gs_outfile *o, const char *path, const char *field,
                          struct gs_error *err)
{
    memset(o, 0, sizeof *o);
    if (path == NULL || *path == '\0' || strlen(path) + 16 >= sizeof o->path)
        return gs_error_set(err, GS_INPUT, field, "'%s' needs a file path", field);
    snprintf(o->path, sizeof o->path, "%s", path);
    const char *slash = strrchr(path, '/');
    if (slash && slash[1] == '\0')
        return gs_error_set(err, GS_INPUT, field, "'%s' is '%s', a directory; give a file path",
                            field, path);
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return gs_error_set(err, GS_INPUT, field, "'%s' is '%s', a directory; give a file path",
                            field, path);
    /* temporary name: same directory (so rename is atomic), hidden, unique */
    if (slash)
        snprintf(o->tmp, sizeof o->tmp, "%.*s/.%s%s", (int)(slash - path), path, slash + 1,
                 TEMPLATE);
    else
        snprintf(o->tmp, sizeof o->tmp, ".%s%s", path, TEMPLATE);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        int e = errno;
        o->tmp[0] = '\0';
        return gs_error_set(err, GS_INPUT, field, "'%s' is '%s', which cannot be written: %s",
                            field, path, strerror(e));
    }
    /* mkstemp creates the file 0600; outputs get the usual permissions (0666 less the umask) */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) {
        int e = errno;
        close(fd);
        gs_outfile_abort(o);
        return gs_error_set(err, GS_IO, field, "cannot set the permissions of '%s': %s", path,
                            strerror(e));
    }
    o->f = fdopen(fd, "w");
    if (o->f == NULL) {
        close(fd);
        gs_outfile_abort(o);
        return gs_error_set(err, GS_IO, field, "cannot write '%s'", path);
    }
    return GS_OK;
}

gs_status gs_outfile_commit(struct gs_outfile *o, struct gs_error *err)
{
    int bad = 0;
    if (o->f) { /* NULL when another writer (PLplot) filled the temporary file by name */
        bad = ferror(o->f);
        if (fclose(o->f) != 0)
            bad = 1;
        o->f = NULL;
    }
    if (!bad && rename(o->tmp, o->path) != 0)
        bad = 1;
    if (bad) {
        int e = errno;
        gs_outfile_abort(o);
        return gs_error_set(err, GS_IO, o->path, "writing '%s' failed: %s", o->path, strerror(e));
    }
    o->tmp[0] = '\0';
    return GS_OK;
}

void gs_outfile_abort(struct gs_outfile *o)
{
    if (o->f) {
        fclose(o->f);
        o->f = NULL;
    }
    if (o->tmp[0]) {
        unlink(o->tmp);
        o->tmp[0] = '\0';
    }
}
