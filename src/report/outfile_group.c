/* outfile_group.c - several outputs committed all or nothing (gabasim/outfile.h
 * gs_outfile_commit_group): the pages of a paged plot with the other outputs of the same run.
 * gs_outfile_commit_all renames one file after another, so a rename that fails half-way leaves
 * the earlier ones written; here each destination's previous file is first kept under a hard
 * link (a name of the temporary files' form, gs__outfile_sibling_template, so a run killed in
 * between leaves only what gs_outfile_open removes as stale a day later) and a failed rename puts
 * every earlier destination back as it was. */
#define _XOPEN_SOURCE 700 /* mkstemp, link */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gabasim/alloc.h"
#include "gabasim/report.h"
#include "report_int.h"

/* Keeps the regular file `target` under a new hidden name beside it, in `keep` (a hard link, so
 * the destination itself is untouched); `keep` empty when there is none to keep or no link could
 * be made. */
static void keep_previous(const char *target, char *keep, size_t cap)
{
    struct stat sb;
    keep[0] = '\0';
    if (lstat(target, &sb) != 0 || !S_ISREG(sb.st_mode))
        return;
    if (gs__outfile_sibling_template(target, keep, cap) != 0) {
        keep[0] = '\0';
        return;
    }
    int fd = mkstemp(keep); /* a unique name, then the link in its place */
    if (fd < 0) {
        keep[0] = '\0';
        return;
    }
    close(fd);
    if (unlink(keep) != 0 || link(target, keep) != 0)
        keep[0] = '\0';
}

gs_status gs_outfile_commit_group(struct gs_outfile *const *o, size_t n, struct gs_error *err)
{
    gs_status st = GS_OK;
    for (size_t i = 0; i < n && st == GS_OK; i++) /* the same destination twice */
        for (size_t j = i + 1; j < n && st == GS_OK; j++)
            if (o[i] && o[j] && o[i]->tmp[0] && o[j]->tmp[0] && !o[i]->stream && !o[j]->stream &&
                strcmp(o[i]->target, o[j]->target) == 0)
                st = gs_error_set(err, GS_INPUT, o[j]->path, "'%s' would be written twice",
                                  o[j]->path);
    const size_t cap = sizeof o[0]->tmp;
    char *keep = st == GS_OK ? gs_calloc(n ? n : 1, cap) : NULL;
    unsigned char *renamed = st == GS_OK ? gs_calloc(n ? n : 1, 1) : NULL;
    if (st == GS_OK && (keep == NULL || renamed == NULL))
        st = gs_error_set(err, GS_NOMEM, "output", "out of memory");
    for (size_t i = 0; i < n && st == GS_OK; i++) /* streams first: they cannot be put back */
        if (o[i] && o[i]->tmp[0] && o[i]->stream)
            st = gs_outfile_commit(o[i], err);
    size_t done = 0; /* o[0 .. done) are committed (the regular ones renamed) */
    for (; done < n && st == GS_OK; done++) {
        if (o[done] == NULL || o[done]->tmp[0] == '\0' || o[done]->stream)
            continue;
        keep_previous(o[done]->target, keep + done * cap, cap);
        if ((st = gs_outfile_commit(o[done], err)) == GS_OK)
            renamed[done] = 1;
        else if (keep[done * cap])
            unlink(keep + done * cap); /* the destination was never replaced */
    }
    if (st != GS_OK) {
        for (size_t i = 0; renamed && i < n; i++) /* put back what was renamed */
            if (renamed[i]) {
                if (keep[i * cap])
                    rename(keep + i * cap, o[i]->target);
                else
                    unlink(o[i]->target);
            }
        for (size_t i = 0; i < n; i++)
            if (o[i])
                gs_outfile_abort(o[i]);
    } else {
        for (size_t i = 0; i < n; i++)
            if (keep[i * cap])
                unlink(keep + i * cap);
    }
    gs_free(keep);
    gs_free(renamed);
    return st;
}
