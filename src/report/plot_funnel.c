/* plot_funnel.c - the funnel plot as metafor's funnel() draws it: each study's effect against its
 * standard error on an inverted axis (the most precise studies at the top), on a light grey
 * background with the pseudo-confidence region (center -/+ z x SE, z for the level) in white
 * and its edges dashed, and a vertical line at the estimate the region is centred on. */
#include <math.h>
#include <plplot/plplot.h>
#include <stdio.h>

#include "gabasim/plot.h"
#include <gsl/gsl_cdf.h>
#include "plot_int.h"

#define W        900
#define H        640
#define F_TITLE  17.0
#define F_LEGEND 13.0
#define F_AXIS   14.0

gs_status gs_plot_funnel(const struct gs_plot_funnel_request *q, struct gs_outfile *out,
                         struct gs_error *err)
{
    if (q->k < 1 || q->yi == NULL || q->sei == NULL)
        return gs_error_set(err, GS_INPUT, "--funnel", "a funnel plot needs at least one study");
    if (!isfinite(q->center))
        return gs_error_set(err, GS_INPUT, "--funnel", "the funnel's centre is not finite");
    if (!(q->level > 0.0 && q->level < 1.0))
        return gs_error_set(err, GS_INPUT, "--funnel", "level is %g; allowed in (0, 1)", q->level);
    double se_max = 0.0, a = q->center, b = q->center;
    for (size_t i = 0; i < q->k; i++) {
        if (!(isfinite(q->yi[i]) && isfinite(q->sei[i]) && q->sei[i] > 0.0))
            return gs_error_set(err, GS_INPUT, "--funnel",
                                "study %zu has no finite effect and standard error above 0", i + 1);
        se_max = fmax(se_max, q->sei[i]);
        a = fmin(a, q->yi[i]), b = fmax(b, q->yi[i]);
    }
    se_max *= 1.05;
    const double z = gsl_cdf_ugaussian_Pinv(0.5 + 0.5 * q->level);
    a = fmin(a, q->center - z * se_max), b = fmax(b, q->center + z * se_max);
    if (isfinite(q->random))
        a = fmin(a, q->random), b = fmax(b, q->random);
    double pad = 0.04 * (b - a);
    gs_status st = gs__plot_begin(out, "--funnel", W, H, err);
    if (st != GS_OK)
        return st;
    char region[96];
    snprintf(region, sizeof region, "outside the pseudo %g%% confidence region", 100.0 * q->level);
    struct gs__legend_item it[3] = {
        {GS__KEY_BAND, GS__COL_LIGHT, region},
        {GS__KEY_LINE, GS__COL_TEXT, q->center_label ? q->center_label : "pooled estimate"},
        {GS__KEY_DASHED, GS__COL_RED, q->random_label ? q->random_label : "random effects"}};
    double y = 10.0;
    if (q->title && q->title[0])
        y += gs__title(q->title, 20.0, W - 20.0, y, F_TITLE, 1) + 4.0;
    y += gs__legend(it, isfinite(q->random) ? 3 : 2, 20.0, W - 20.0, y, F_LEGEND, 1) + 4.0;
    if (q->note && q->note[0])
        y += gs__title(q->note, 20.0, W - 20.0, y, F_LEGEND, 1);
    struct gs__frame f = {0,       0,       y + 10.0, H - (8.0 + 2.8 * F_AXIS + 12.0),
                          a - pad, b + pad, -se_max,  0.0};
    struct gs__ticks xt, yt;
    gs__ticks_linear(0.0, se_max, f.b - f.t, F_AXIS, 1, &yt);
    double yw = 0.0;
    for (size_t i = 0; i < yt.n; i++) { /* y is -SE, labelled as SE */
        yt.v[i] = -yt.v[i];
        yw = fmax(yw, gs__text_w(yt.s[i], F_AXIS, 0));
    }
    f.l = 14.0 + yw + 1.2 * F_AXIS + 8.0 + 6.0;
    f.r = W - 28.0;
    if (q->ratio)
        gs__ticks_log(f.x0, f.x1, f.r - f.l, F_AXIS, &xt);
    else
        gs__ticks_linear(f.x0, f.x1, f.r - f.l, F_AXIS, 0, &xt);
    gs__frame_use(&f);
    PLFLT bx[4] = {f.x0, f.x1, f.x1, f.x0}, by[4] = {f.y0, f.y0, f.y1, f.y1};
    plcol0(GS__COL_LIGHT);
    plfill(4, bx, by);
    PLFLT tx[3] = {q->center, q->center - z * se_max, q->center + z * se_max};
    PLFLT ty[3] = {0.0, -se_max, -se_max};
    plcol0(GS__COL_WHITE);
    plfill(3, tx, ty);
    plcol0(GS__COL_TEXT);
    pllsty(2);
    pljoin(tx[0], 0.0, tx[1], ty[1]);
    pljoin(tx[0], 0.0, tx[2], ty[2]);
    pllsty(1);
    plwidth(1.5);
    pljoin(q->center, 0.0, q->center, -se_max);
    if (isfinite(q->random)) {
        plcol0(GS__COL_RED);
        pllsty(2);
        pljoin(q->random, 0.0, q->random, -se_max);
        pllsty(1);
    }
    plwidth(1.0);
    plcol0(GS__COL_TEXT);
    plschr(0.0, 0.9);
    plssym(0.0, 1.3);
    for (size_t i = 0; i < q->k; i++) {
        PLFLT px = q->yi[i], py = -q->sei[i];
        plpoin(1, &px, &py, 17);
    }
    gs__axes(&f, &xt, &yt, F_AXIS, q->xlabel, "standard error");
    return gs__plot_end(out, "--funnel", err);
}
