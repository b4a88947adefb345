/* plot_pages.c - a plot written as several pages (gabasim/plot.h struct gs_plot_pages): the page
 * files' names and the array of their outfiles. */
#include <stdio.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/plot.h"
#include "plot_int.h"

gs_status gs__pages_alloc(struct gs_plot_pages *p, size_t n, struct gs_error *err)
{
    memset(p, 0, sizeof *p);
    p->page = gs_calloc(n ? n : 1, sizeof *p->page);
    if (p->page == NULL)
        return gs_error_set(err, GS_NOMEM, "--plot", "out of memory for %zu pages", n);
    p->cap = n;
    return GS_OK;
}

gs_status gs__page_path(char *buf, size_t cap, const char *path, size_t page, const char *field,
                        struct gs_error *err)
{
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    if (dot == NULL || (slash && dot < slash))
        dot = path + strlen(path); /* no extension (gs_plot_check_path allows none here) */
    int n = page ? snprintf(buf, cap, "%.*s-%zu%s", (int)(dot - path), path, page, dot)
                 : snprintf(buf, cap, "%s", path);
    if (n < 0 || (size_t)n + 16 >= cap)
        return gs_error_set(err, GS_INPUT, field, "'%s' is too long a path for page %zu", field,
                            page);
    return GS_OK;
}

void gs_plot_pages_abort(struct gs_plot_pages *p)
{
    for (size_t i = 0; i < p->n; i++)
        gs_outfile_abort(&p->page[i]);
    gs_plot_pages_release(p);
}

void gs_plot_pages_release(struct gs_plot_pages *p)
{
    gs_free(p->page);
    memset(p, 0, sizeof *p);
}
