/* outfile.c - outputs that are complete or absent: a temporary file, then a rename (regular
 * files) or a copy in place (standard output, devices, FIFOs). */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
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

int gs_outfile_is_stream(const char *path)
{
    struct stat sb;
    if (strcmp(path, "-") == 0)
        return 1;
    /* /dev/stdout and /proc/self/fd/N may resolve to a regular file (a shell redirection): a
     * rename there would replace the system's link, never the file behind it */
    if (strncmp(path, "/dev/", 5) == 0 || strncmp(path, "/proc/", 6) == 0)
        return 1;
    return stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode);
}

/* The temporary file of a stream destination: in $TMPDIR, since the destination's directory
 * (/dev, say) is no place for it. */
static void stream_template(struct gs_outfile *o)
{
    const char *dir = getenv("TMPDIR");
    if (dir == NULL || *dir == '\0' || strlen(dir) > 1024)
        dir = "/tmp";
    snprintf(o->tmp, sizeof o->tmp, "%s/gabasim-out%s", dir, TEMPLATE);
}

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
    o->stream = gs_outfile_is_stream(path);
    /* a symbolic link to a regular file: the file it points at is replaced (in its own
     * directory), never the link */
    struct stat lb;
    char resolved[PATH_MAX];
    if (!o->stream && lstat(path, &lb) == 0 && S_ISLNK(lb.st_mode) &&
        realpath(path, resolved) != NULL && strlen(resolved) + 16 < sizeof o->path) {
        snprintf(o->path, sizeof o->path, "%s", resolved);
        path = o->path;
        slash = strrchr(path, '/');
    }
    if (o->stream && strcmp(path, "-") != 0 && access(path, W_OK) != 0) {
        int e = errno;
        return gs_error_set(err, GS_INPUT, field, "'%s' is '%s', which cannot be written: %s",
                            field, path, strerror(e));
    }
    /* temporary name: same directory (so rename is atomic), hidden, unique */
    if (o->stream)
        stream_template(o);
    else if (slash)
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
    if (!o->stream && fchmod(fd, 0666 & ~mask) != 0) {
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

/* Copies the finished temporary file into the destination without replacing it: standard
 * output, or the device/FIFO opened for writing (never created, never truncated by rename).
 * Returns 0, or an errno value. */
static int copy_in_place(const struct gs_outfile *o)
{
    /* "-", or a name of standard output's own file (/dev/stdout, /proc/self/fd/1): through
     * descriptor 1, so the bytes land where the rest of standard output goes */
    struct stat a, b;
    int to_stdout =
        strcmp(o->path, "-") == 0 || (stat(o->path, &a) == 0 && fstat(STDOUT_FILENO, &b) == 0 &&
                                      a.st_dev == b.st_dev && a.st_ino == b.st_ino);
    if (to_stdout && fflush(stdout) != 0)
        return errno ? errno : EIO;
    int in = open(o->tmp, O_RDONLY);
    if (in < 0)
        return errno;
    int out = to_stdout ? STDOUT_FILENO : open(o->path, O_WRONLY | O_APPEND);
    if (out < 0) {
        int e = errno;
        close(in);
        return e;
    }
    int e = 0;
    char buf[65536];
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n == 0)
            break;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            e = errno;
            break;
        }
        for (ssize_t done = 0; done < n && e == 0;) {
            ssize_t w = write(out, buf + done, (size_t)(n - done));
            if (w < 0 && errno != EINTR)
                e = errno;
            else if (w > 0)
                done += w;
        }
        if (e)
            break;
    }
    close(in);
    if (!to_stdout && close(out) != 0 && e == 0)
        e = errno;
    return e;
}

gs_status gs_outfile_commit(struct gs_outfile *o, struct gs_error *err)
{
    int e = 0;
    if (o->f) { /* NULL when another writer (PLplot) filled the temporary file by name */
        int bad = ferror(o->f);
        if (fclose(o->f) != 0 || bad)
            e = errno ? errno : EIO;
        o->f = NULL;
    }
    if (e == 0) {
        if (o->stream)
            e = copy_in_place(o);
        else if (rename(o->tmp, o->path) != 0)
            e = errno;
        else
            o->tmp[0] = '\0';
    }
    if (e) {
        gs_outfile_abort(o);
        return gs_error_set(err, GS_IO, o->path, "writing '%s' failed: %s",
                            strcmp(o->path, "-") == 0 ? "standard output" : o->path, strerror(e));
    }
    gs_outfile_abort(o); /* a stream's temporary copy */
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
