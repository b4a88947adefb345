/* outfile.c - outputs that are complete or absent: a temporary file, then a rename (regular
 * files) or a copy in place (standard output, devices, FIFOs). */
#define _XOPEN_SOURCE 700 /* readlink, lstat */
#include <errno.h>
#include <limits.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gabasim/report.h"
#include "report_int.h"

/* mkstemp() replaces the six trailing X's of the template with a unique suffix. */
#define TEMPLATE                                                                                   \
    ".tmp."                                                                                        \
    "XX"                                                                                           \
    "XX"                                                                                           \
    "XX"

int gs__outfile_sibling_template(const char *target, char *buf, size_t cap)
{
    const char *slash = strrchr(target, '/');
    int n =
        slash ? snprintf(buf, cap, "%.*s/.%s%s", (int)(slash - target), target, slash + 1, TEMPLATE)
              : snprintf(buf, cap, ".%s%s", target, TEMPLATE);
    return n >= 0 && (size_t)n < cap ? 0 : -1;
}

/* ---- the registry of temporary files, for removal on a signal ----
 * A fixed static array, so that gs_outfile_remove_all_temporaries() needs no allocation and no
 * lock: a slot is FREE, being FILLED (its path is being written) or LIVE (a temporary file exists
 * under its path). The handler only reads LIVE slots and calls unlink(), which is
 * async-signal-safe. */
#define N_SLOTS 64
enum { SLOT_FREE, SLOT_FILLED, SLOT_LIVE };
static char slot_path[N_SLOTS][sizeof((struct gs_outfile *)0)->tmp];
static atomic_int slot_state[N_SLOTS];

/* Creates the temporary file from the template o->tmp (mkstemp) and registers its path, with
 * every signal blocked in between, so that no signal finds the file made but not registered.
 * With all slots taken the file still works, unregistered (a signal may leave it behind). */
static int make_temporary(struct gs_outfile *o)
{
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    int fd = mkstemp(o->tmp);
    if (fd >= 0)
        for (int i = 0; i < N_SLOTS; i++) {
            int expect = SLOT_FREE;
            if (atomic_compare_exchange_strong(&slot_state[i], &expect, SLOT_FILLED)) {
                memcpy(slot_path[i], o->tmp, strlen(o->tmp) + 1);
                atomic_store(&slot_state[i], SLOT_LIVE);
                break;
            }
        }
    int e = errno;
    sigprocmask(SIG_SETMASK, &old, NULL);
    errno = e;
    return fd;
}

/* Forgets the temporary `tmp` (after it was removed or renamed). */
static void forget_temporary(const char *tmp)
{
    for (int i = 0; i < N_SLOTS; i++)
        if (atomic_load(&slot_state[i]) == SLOT_LIVE && strcmp(slot_path[i], tmp) == 0) {
            atomic_store(&slot_state[i], SLOT_FREE);
            return;
        }
}

void gs_outfile_remove_all_temporaries(void)
{
    for (int i = 0; i < N_SLOTS; i++)
        if (atomic_load(&slot_state[i]) == SLOT_LIVE) {
            unlink(slot_path[i]);
            atomic_store(&slot_state[i], SLOT_FREE);
        }
}

/* Removes the stale temporary files of `target` in its directory: `.NAME.tmp.` and six random
 * characters (exactly the names gs_outfile_open makes for this target), regular files of this user
 * untouched for GS_OUTFILE_STALE_S seconds: what a run killed by SIGKILL (or a power cut) left
 * behind. A run still writing the same target keeps its own, younger, file. */
static void remove_stale(const char *target)
{
    char dir[4096], prefix[4096 + 16], path[2 * 4096 + 32];
    const char *slash = strrchr(target, '/');
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - target + (slash == target)), target);
    else
        snprintf(dir, sizeof dir, ".");
    snprintf(prefix, sizeof prefix, ".%s.tmp.", slash ? slash + 1 : target);
    size_t n = strlen(prefix);
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    time_t now = time(NULL);
    for (struct dirent *de; (de = readdir(d)) != NULL;) {
        struct stat sb;
        if (strncmp(de->d_name, prefix, n) != 0 || strlen(de->d_name + n) != 6)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_uid == geteuid() &&
            now - sb.st_mtime > GS_OUTFILE_STALE_S)
            unlink(path);
    }
    closedir(d);
}

/* Whether the existing file `sb` is the one descriptor `fd` writes to. */
static int is_fd_file(int fd, const struct stat *sb)
{
    struct stat fb;
    return fstat(fd, &fb) == 0 && fb.st_dev == sb->st_dev && fb.st_ino == sb->st_ino;
}

int gs_outfile_is_stdout(const char *path)
{
    struct stat sb;
    return strcmp(path, "-") == 0 || (stat(path, &sb) == 0 && is_fd_file(STDOUT_FILENO, &sb));
}

int gs_outfile_is_stream(const char *path)
{
    struct stat sb;
    if (strcmp(path, "-") == 0)
        return 1;
    if (stat(path, &sb) != 0)
        return 0;
    if (!S_ISREG(sb.st_mode))
        return !S_ISDIR(sb.st_mode);
    /* /dev/stdout or /proc/self/fd/1 resolving to the regular file a shell redirected standard
     * output to: a rename would replace the system's link, or leave the shell's file behind */
    return is_fd_file(STDOUT_FILENO, &sb) || is_fd_file(STDERR_FILENO, &sb);
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

/* A symbolic link (even one whose file does not exist yet): the file it points at becomes the
 * target, so the file is replaced in its own directory and the link is kept. */
static gs_status follow_link(struct gs_outfile *o, const char *field, struct gs_error *err)
{
    struct stat lb;
    char link[PATH_MAX], dir[2 * PATH_MAX + 2];
    for (int hops = 0; lstat(o->target, &lb) == 0 && S_ISLNK(lb.st_mode); hops++) {
        ssize_t n = readlink(o->target, link, sizeof link - 1);
        if (n < 0 || hops == 16)
            return gs_error_set(err, GS_INPUT, field,
                                "'%s' is '%s', a symbolic link that cannot be followed", field,
                                o->path);
        link[n] = '\0';
        const char *slash = strrchr(o->target, '/');
        if (link[0] == '/' || slash == NULL)
            snprintf(dir, sizeof dir, "%s", link);
        else
            snprintf(dir, sizeof dir, "%.*s/%s", (int)(slash - o->target), o->target, link);
        if (strlen(dir) + 16 >= sizeof o->target)
            return gs_error_set(err, GS_INPUT, field, "'%s' is '%s', a link to too long a path",
                                field, o->path);
        memcpy(o->target, dir, strlen(dir) + 1);
    }
    return GS_OK;
}

gs_status gs_outfile_open(struct gs_outfile *o, const char *path, const char *field,
                          struct gs_error *err)
{
    gs_status st;
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
    snprintf(o->target, sizeof o->target, "%s", path);
    if (!o->stream && (st = follow_link(o, field, err)) != GS_OK)
        return st;
    const char *target = o->target;
    slash = strrchr(target, '/');
    if (o->stream && strcmp(path, "-") != 0 && access(path, W_OK) != 0) {
        int e = errno;
        return gs_error_set(err, GS_INPUT, field, "'%s' is '%s', which cannot be written: %s",
                            field, path, strerror(e));
    }
    /* temporary name: same directory as the target (so rename is atomic), hidden, unique; a
     * stream's in $TMPDIR */
    if (o->stream)
        stream_template(o);
    else
        gs__outfile_sibling_template(target, o->tmp, sizeof o->tmp);
    if (!o->stream)
        remove_stale(o->target);
    int fd = make_temporary(o);
    if (fd < 0) {
        int e = errno;
        o->tmp[0] = '\0';
        if (o->stream)
            return gs_error_set(err, GS_IO, field,
                                "cannot make a temporary file for '%s' in the temporary directory "
                                "(TMPDIR): %s",
                                path, strerror(e));
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
    int to_stdout = gs_outfile_is_stdout(o->path);
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
        else if (rename(o->tmp, o->target) != 0)
            e = errno;
        else {
            forget_temporary(o->tmp);
            o->tmp[0] = '\0';
        }
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
        forget_temporary(o->tmp);
        o->tmp[0] = '\0';
    }
}

gs_status gs_outfile_commit_all(struct gs_outfile *const *o, size_t n, struct gs_error *err)
{
    gs_status st = GS_OK;
    for (int pass = 0; pass < 2; pass++) /* streams first, then renames */
        for (size_t i = 0; i < n; i++)
            if (o[i] && o[i]->tmp[0] && o[i]->stream == (pass == 0)) {
                if (st == GS_OK)
                    st = gs_outfile_commit(o[i], err);
                else
                    gs_outfile_abort(o[i]);
            }
    return st;
}
