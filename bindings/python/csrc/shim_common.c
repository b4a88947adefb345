/* shim_common.c - results, JSON capture and errors shared by the Python binding's commands. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gspy.h"

/* atomic: cffi releases the GIL for every C call, gspy_result_free (ffi.gc's destructor) included,
 * so results dropped on two Python threads are freed concurrently */
static atomic_long n_freed;

struct gspy_result *gspy_result_new(int kind, void (*release)(void *owner))
{
    struct gspy_result *r = calloc(1, sizeof *r);
    if (r) {
        r->kind = kind;
        r->release = release;
    }
    return r;
}

FILE *gspy_json_open(struct gspy_result *r, struct gs_error *err)
{
    FILE *f = open_memstream(&r->json, &r->json_len);
    if (f == NULL)
        gs_error_set(err, GS_NOMEM, "--json", "out of memory writing JSON");
    return f;
}

int gspy_json_close(struct gspy_result *r, FILE *f, int st, struct gs_error *err)
{
    if (fclose(f) != 0 && st == GS_OK)
        st = gs_error_set(err, GS_NOMEM, "--json", "out of memory writing JSON");
    /* the command prints the document followed by a newline; keep the document only */
    while (r->json && r->json_len > 0 && r->json[r->json_len - 1] == '\n')
        r->json[--r->json_len] = '\0';
    return st;
}

void gspy_add_col(struct gspy_result *r, const char *name, const double *v, size_t stride)
{
    if (r->n_cols == GSPY_MAX_COLS)
        return;
    snprintf(r->names[r->n_cols], sizeof r->names[0], "%s", name);
    r->col_name[r->n_cols] = r->names[r->n_cols];
    r->col[r->n_cols] = v;
    r->col_stride[r->n_cols] = stride;
    r->n_cols++;
}

void gspy_result_free(struct gspy_result *r)
{
    if (r == NULL)
        return;
    if (r->release && r->owner)
        r->release(r->owner);
    free(r->json);
    free(r);
    atomic_fetch_add(&n_freed, 1);
}

long gspy_results_freed(void)
{
    return atomic_load(&n_freed);
}

/* cli_fail's rule: bad input, or an unsupported request the library names by its option */
int gspy_exit_code(const struct gs_error *err)
{
    int option = strncmp(err->field, "--", 2) == 0;
    return err->code == GS_INPUT || (err->code == GS_UNSUPPORTED && option) ? 2 : 1;
}
