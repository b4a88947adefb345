/* progress.c - the progress line of long runs (gabasim/report_progress.h). */
#include "gabasim/report_progress.h"

#include <math.h>
#include <time.h>

#define REDRAW_S 0.2 /* at most five redraws a second: a terminal is not a log */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void gs_report_progress_start(struct gs_report_progress *p, FILE *f, const char *what, int counted,
                              double delay_s)
{
    p->f = f;
    p->what = what;
    p->counted = counted;
    p->delay_s = delay_s;
    p->t0_s = p->last_s = now_s();
    p->shown = 0;
}

void gs_report_progress_left(double seconds, char *buf, size_t cap)
{
    if (seconds < 0.5)
        snprintf(buf, cap, "under a second");
    else if (seconds < 59.5)
        snprintf(buf, cap, "about %.0f s", seconds);
    else if (seconds < 3570.0)
        snprintf(buf, cap, "about %.0f min", seconds / 60.0);
    else {
        long min = lround(seconds / 60.0);
        snprintf(buf, cap, "about %ld h %02ld min", min / 60, min % 60);
    }
}

void gs_report_progress(void *ctx, long done, long total)
{
    struct gs_report_progress *p = ctx;
    if (p->f == NULL || total <= 0)
        return;
    double t = now_s(), elapsed = t - p->t0_s;
    int end = done >= total;
    if (end ? !p->shown : (elapsed < p->delay_s || (p->shown && t - p->last_s < REDRAW_S)))
        return;
    double pct = 100.0 * (double)done / (double)total;
    if (p->counted)
        fprintf(p->f, "\rgabasim: %ld / %ld %s (%.0f %%)", done, total, p->what, pct);
    else
        fprintf(p->f, "\rgabasim: %s %.0f %%", p->what, pct);
    if (end) {
        fputs("\033[K\n", p->f);
    } else if (done > 0) {
        char left[48];
        gs_report_progress_left(elapsed * (double)(total - done) / (double)done, left, sizeof left);
        fprintf(p->f, ", %s left\033[K", left);
    } else {
        fputs("\033[K", p->f);
    }
    fflush(p->f);
    p->last_s = t;
    p->shown = 1;
}
