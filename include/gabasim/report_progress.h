/* gabasim/report_progress.h - the progress line of long runs (population subjects, trial
 * replicates and power curves), for a terminal:
 *
 *     gabasim: 41000 / 100000 subjects (41 %), about 6 s left
 *     gabasim: trial replicates 38 %, about 1 min left
 *
 * shown once the run has taken `delay_s` (2 s by default on the command line, like git's
 * GIT_PROGRESS_DELAY), redrawn at most 5 times a second, ended with a newline. The time left is
 * the time so far scaled by the work left (work is counted in subjects, or in participants
 * simulated for trials, so a power curve's larger arms weigh more). */
#ifndef GABASIM_REPORT_PROGRESS_H
#define GABASIM_REPORT_PROGRESS_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

struct gs_report_progress {
    FILE *f;          /* NULL: nothing is printed */
    const char *what; /* "subjects" */
    int counted;      /* 1: "D / N what (P %)"; 0: "what P %" */
    double delay_s, t0_s, last_s;
    int shown;
};

/* Starts the clock. `f` NULL (not a terminal, --quiet) shows nothing. */
void gs_report_progress_start(struct gs_report_progress *p, FILE *f, const char *what, int counted,
                              double delay_s);

/* The callback for a request's on_progress, with &p as its context. */
void gs_report_progress(void *ctx, long done, long total);

/* "under a second", "about 12 s", "about 3 min", "about 2 h 05 min" for `seconds` (>= 0) into buf.
 */
void gs_report_progress_left(double seconds, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
