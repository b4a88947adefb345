/* trial_plot.c - `gabasim trial --plot`: pain by visit and arm (means with their 95 % intervals,
 * baseline at week 0) for one trial, or the power curve over N per arm for replicates. */
#include <stddef.h>
#include <stdio.h>

#include "gabasim/report_trial.h"
#include "gabasim/plot.h"

static gs_status visits(const gs_trial *t, const struct gs_trial_result *r, struct gs_outfile *out,
                        struct gs_error *err)
{
    const struct gs_trial_spec *s = gs_trial_get_spec(t);
    size_t n = s->n_visits + 1;
    double x[GS_TRIAL_MAX_VISITS + 1], y[2][GS_TRIAL_MAX_VISITS + 1];
    double lo[2][GS_TRIAL_MAX_VISITS + 1], hi[2][GS_TRIAL_MAX_VISITS + 1];
    char label[2][96];
    struct gs_plot_series ser[2];
    for (int a = 0; a < 2; a++) {
        const struct gs_trial_arm_summary *A = &r->arm[a];
        x[0] = 0.0;
        y[a][0] = A->baseline_pain.mean;
        lo[a][0] = A->baseline_pain.ci95_lo;
        hi[a][0] = A->baseline_pain.ci95_hi;
        for (size_t v = 0; v < s->n_visits; v++) {
            x[v + 1] = s->visit_week[v];
            y[a][v + 1] = A->visit_mean[v];
            lo[a][v + 1] = A->visit_ci95_lo[v];
            hi[a][v + 1] = A->visit_ci95_hi[v];
        }
        snprintf(label[a], sizeof label[a], "%s (n=%ld): mean and 95%% CI", s->arm[a].name,
                 A->allocated);
        ser[a] = (struct gs_plot_series){label[a], x, y[a], lo[a], hi[a], n};
    }
    const struct gs_plot_lines_request req = {.series = ser,
                                              .n_series = 2,
                                              .xlabel = "week",
                                              .ylabel = "pain (0-10), observed participants",
                                              .title = s->title[0] ? s->title : "virtual trial",
                                              .ymin = 0.0,
                                              .ymax = 10.0};
    return gs_plot_lines(&req, out, err);
}

static gs_status power_curve(const struct gs_trial_reps *grid, size_t n_grid,
                             struct gs_outfile *out, struct gs_error *err)
{
    double x[GS_TRIAL_MAX_GRID], y[GS_TRIAL_MAX_GRID], lo[GS_TRIAL_MAX_GRID], hi[GS_TRIAL_MAX_GRID];
    for (size_t k = 0; k < n_grid; k++) {
        x[k] = (double)grid[k].n_per_arm;
        y[k] = grid[k].power;
        lo[k] = grid[k].power_ci95_lo;
        hi[k] = grid[k].power_ci95_hi;
    }
    struct gs_plot_series s = {"power with its 95% Monte Carlo interval", x, y, lo, hi, n_grid};
    const struct gs_plot_hline power80 = {0.8, "power 0.8"};
    const struct gs_plot_lines_request req = {.series = &s,
                                              .n_series = 1,
                                              .xlabel = "participants per arm",
                                              .ylabel = "power",
                                              .title = "power curve",
                                              .ymin = 0.0,
                                              .ymax = 1.0,
                                              .hlines = &power80,
                                              .n_hlines = 1};
    return gs_plot_lines(&req, out, err);
}

gs_status gs_report_trial_plot(const struct gs_trial_simulation *r, struct gs_outfile *out,
                               struct gs_error *err)
{
    if (r->replicates == 0)
        return visits(r->trial, &r->one, out, err);
    if (r->n_grid == 0 || r->n_grid > GS_TRIAL_MAX_GRID)
        return gs_error_set(err, GS_INPUT, "plot",
                            "with replicates, the plot is the power curve: it needs 1 to %d "
                            "points of N per arm",
                            GS_TRIAL_MAX_GRID);
    return power_curve(r->grid, r->n_grid, out, err);
}
