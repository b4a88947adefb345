/* gabasim/outfile.h - output files that are complete or absent. */
#ifndef GABASIM_OUTFILE_H
#define GABASIM_OUTFILE_H

#include <stdio.h>

#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- output files: complete or absent ----
 *
 * Three kinds of destination, as a Unix tool treats them:
 * - a regular file (or a path that does not exist yet): written to a temporary file in the same
 *   directory and renamed over the destination only when complete (git's lockfile), so a
 *   failure never leaves a partial file and never destroys the previous one;
 * - "-": standard output;
 * - an existing path that is not a regular file (a device such as /dev/null, a FIFO, a
 *   terminal, /dev/stdout): written in place, never replaced, never created.
 * For the last two the output is first written to a temporary file in $TMPDIR (or /tmp) and
 * copied to the destination at commit, so a run that fails writes nothing there either. */
struct gs_outfile {
    char path[4096];     /* as given: messages and the plot format go by it */
    char target[4096];   /* what is written: `path`, or the file a symbolic link points at */
    char tmp[4096 + 32]; /* the temporary file: target, a dot and a unique suffix */
    FILE *f;             /* write here between open and commit */
    int stream;          /* 1: standard output or a non-regular file, copied in place */
};

/* A temporary file of a destination untouched this long (seconds; a day) was left by a run that
 * was killed outright (SIGKILL, a power cut): the next gs_outfile_open of that destination
 * removes it. */
#define GS_OUTFILE_STALE_S (24 * 60 * 60)

/* Creates the temporary file for `path`; fails (GS_INPUT, message naming `field` and the path)
 * if the path is a directory or its directory is not writable. */
gs_status gs_outfile_open(struct gs_outfile *o, const char *path, const char *field,
                          struct gs_error *err);
/* Flushes and closes the temporary file, then renames it over the destination (regular files)
 * or copies it into the destination (standard output, devices, FIFOs). On failure removes the
 * temporary file and returns GS_IO naming the destination. */
gs_status gs_outfile_commit(struct gs_outfile *o, struct gs_error *err);
/* Closes and removes the temporary file (safe to call after a failed commit or twice). */
void gs_outfile_abort(struct gs_outfile *o);
/* 1 when `path` names standard output ("-"), an existing file that is not a regular file, or
 * the file that standard output or standard error already writes to (/dev/stdout when the
 * shell redirected it to a file): such a destination is written in place, never replaced. */
int gs_outfile_is_stream(const char *path);

/* 1 when `path` is "-" or names the file standard output already writes to (/dev/stdout,
 * /proc/self/fd/1). */
int gs_outfile_is_stdout(const char *path);

/* Commits every open outfile of `o` (NULL entries are skipped): the in-place copies (standard
 * output, devices, FIFOs), which can fail for want of space, before any rename, so that a
 * failure leaves no new regular file either; on the first failure the rest are aborted. */
gs_status gs_outfile_commit_all(struct gs_outfile *const *o, size_t n, struct gs_error *err);

/* Commits every open outfile of `o` (NULL entries skipped) all or nothing: streams are copied
 * first (as gs_outfile_commit_all), then the regular files renamed in order, each existing
 * destination first kept under a hard link beside it; should a rename fail, the files renamed
 * before it are put back (the previous file, or none when there was none), the rest aborted, and
 * GS_IO names the file that failed. Two outfiles with the same destination: GS_INPUT, nothing
 * written. A destination whose previous file cannot be linked (a file system without hard
 * links) is replaced without that safety net. */
gs_status gs_outfile_commit_group(struct gs_outfile *const *o, size_t n, struct gs_error *err);

/* Removes every temporary file that an open outfile (of this process) holds: for a signal
 * handler (async-signal-safe: unlink() only, no allocation, no lock) or an exit path. The
 * outfiles stay open but their temporary files are gone: call it only on the way out. */
void gs_outfile_remove_all_temporaries(void);

#ifdef __cplusplus
}
#endif
#endif
