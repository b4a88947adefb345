/* replay_main.c - runs a libFuzzer target's LLVMFuzzerTestOneInput() over saved inputs, for
 * builds without libFuzzer (gcc, or clang without -fsanitize=fuzzer) and for CTest.
 *
 *   usage: TARGET_replay PATH...    (each PATH a file or a directory, read recursively)
 *
 * Inputs run in sorted order, each in a forked child so that one crash, sanitizer report or leak
 * (LeakSanitizer checks at the child's exit) fails that input and the rest still run. Set
 * GS_FUZZ_REPLAY_NOFORK=1 to run everything in this process (for a debugger). Prints one line per
 * failed input and ends with "replayed N inputs: P passed, F failed"; exits non-zero if any input
 * failed or none was found.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct path_list {
    char **v;
    size_t n, cap;
};

static int push_path(struct path_list *l, const char *p)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? 2 * l->cap : 64;
        char **nv = realloc(l->v, nc * sizeof *nv);
        if (nv == NULL)
            return -1;
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n] = strdup(p);
    if (l->v[l->n] == NULL)
        return -1;
    l->n++;
    return 0;
}

/* Adds `path` (a file) or every file under it (a directory; names starting with '.' skipped). */
static int collect(struct path_list *l, const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        fprintf(stderr, "replay: cannot stat '%s': %s\n", path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(sb.st_mode))
        return push_path(l, path);
    DIR *dp = opendir(path);
    if (dp == NULL) {
        fprintf(stderr, "replay: cannot open directory '%s': %s\n", path, strerror(errno));
        return -1;
    }
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(dp)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        size_t len = strlen(path) + strlen(de->d_name) + 2;
        char *sub = malloc(len);
        if (sub == NULL) {
            rc = -1;
            break;
        }
        snprintf(sub, len, "%s/%s", path, de->d_name);
        rc = collect(l, sub);
        free(sub);
    }
    closedir(dp);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads a whole file into a malloc'd buffer of exactly its size (at least 1 byte allocated). */
static int read_all(const char *path, uint8_t **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "replay: cannot open '%s': %s\n", path, strerror(errno));
        return -1;
    }
    size_t n = 0, cap = 4096;
    uint8_t *buf = malloc(cap);
    while (buf != NULL) {
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = buf == NULL || ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        fprintf(stderr, "replay: cannot read '%s'\n", path);
        return -1;
    }
    /* Shrink to the exact size, so that ASan flags a read one byte past the input. */
    uint8_t *exact = malloc(n ? n : 1);
    if (exact == NULL) {
        free(buf);
        return -1;
    }
    memcpy(exact, buf, n);
    free(buf);
    *data = exact;
    *size = n;
    return 0;
}

/* Runs one input in this process; returns 0, or 1 if the file cannot be read (a crash, a failed
 * invariant or a sanitizer report does not return). */
static int run_one(const char *path)
{
    uint8_t *data = NULL;
    size_t size = 0;
    if (read_all(path, &data, &size) != 0)
        return 1;
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    return 0;
}

/* Runs one input in a child; returns 0 if it passed. */
static int run_forked(const char *path)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "replay: fork failed: %s\n", strerror(errno));
        return 1;
    }
    if (pid == 0)
        exit(run_one(path)); /* exit(), not _exit(): LeakSanitizer checks at exit */
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "replay: waitpid failed: %s\n", strerror(errno));
            return 1;
        }
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFSIGNALED(status))
        printf("FAILED %s (signal %d)\n", path, WTERMSIG(status));
    else
        printf("FAILED %s (exit status %d)\n", path, WEXITSTATUS(status));
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE_OR_DIRECTORY...\n", argv[0]);
        return 2;
    }
    struct path_list l = {NULL, 0, 0};
    for (int i = 1; i < argc; i++)
        if (collect(&l, argv[i]) != 0)
            return 2;
    if (l.n > 1)
        qsort(l.v, l.n, sizeof *l.v, cmp_str);
    const char *nofork = getenv("GS_FUZZ_REPLAY_NOFORK");
    int in_process = nofork != NULL && *nofork != '\0' && strcmp(nofork, "0") != 0;
    size_t failed = 0;
    for (size_t i = 0; i < l.n; i++) {
        if (in_process)
            printf("replaying %s\n", l.v[i]);
        if (in_process ? run_one(l.v[i]) : run_forked(l.v[i]))
            failed++;
    }
    printf("replayed %zu inputs: %zu passed, %zu failed\n", l.n, l.n - failed, failed);
    for (size_t i = 0; i < l.n; i++)
        free(l.v[i]);
    free(l.v);
    if (l.n == 0) {
        fprintf(stderr, "replay: no inputs found\n");
        return 1;
    }
    return failed ? 1 : 0;
}
