/* calibrate_dropout.c - reproduces the adverse-event dropout of
 * examples/clbp-gabapentin-trial.json.
 *
 * Target: withdrawal for adverse events in gabapentin neuropathic-pain trials, 13 % on gabapentin
 * and 9 % on placebo (Straube S et al., Br J Clin Pharmacol 2008;66:266; docs/reference.md
 * section 1.7). Model (docs/trial.md): a participant withdraws at the first modelled side effect
 * with probability q, and for adverse events the side-effect model does not name with probability o
 * over the trial. The two latent events are independent, so
 *   withdrawal = 1 - (1 - o)(1 - q P),
 * with P the share of participants whose first modelled side effect falls inside the trial,
 * simulated here on the example's design (20,000 per arm, other dropout off). With P for each arm
 * the two targets give q and o in closed form:
 *   (1 - q P_drug) / (1 - q P_placebo) = 0.87 / 0.91,  o = 1 - 0.91 / (1 - q P_placebo).
 *
 * Then loss to follow-up: Atkinson 2016's abstract reports that 72 of the 108 randomized completed
 * 12 weeks. Loss is an independent weekly hazard l, so completion = C (1 - l)^12 with C the
 * completion with every other mechanism of the file and no loss (simulated, 20,000 per arm,
 * pooled in the trial's 55:53 ratio): l = 1 - (72/108 / C)^(1/12).
 *
 * usage: gs-calibrate-dropout [SPEC] [--check]  (--check: fail unless SPEC holds q and o within
 * 0.002 and l within 0.0005, the file's rounding)
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gabasim/gabasim.h"
#include "gabasim/trial.h"

int main(int argc, char **argv)
{
    int check = 0;
    char path[4096];
    snprintf(path, sizeof path, "%s/../examples/clbp-gabapentin-trial.json", gs_datafile_dir());
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--check") == 0)
            check = 1;
        else
            snprintf(path, sizeof path, "%s", argv[i]);
    }
    struct gs_trial_spec spec;
    struct gs_error err = GS_ERROR_INIT;
    gs_trial *t = NULL;
    if (gs_trial_spec_load(&spec, path, &err) != GS_OK) {
        fprintf(stderr, "gs-calibrate-dropout: %s\n", err.msg);
        return 1;
    }
    const struct gs_trial_spec file = spec;
    const double q_file = spec.ae_discontinue, o_file = spec.ae_background;
    spec.ae_discontinue = 1.0; /* everyone leaves at the first side effect: P is that share */
    spec.ae_background = 0.0;
    spec.loe_per_visit = 0.0;
    spec.loss_per_week = 0.0;
    spec.method = GS_METHOD_ANCOVA;
    struct gs_trial_result r;
    if (gs_trial_create(&t, &spec, &err) != GS_OK || gs_trial_run(t, 0, 20000, &r, &err) != GS_OK) {
        fprintf(stderr, "gs-calibrate-dropout: %s\n", err.msg);
        gs_trial_free(t);
        return 1;
    }
    int drug = gs_trial_treated_arm(&spec);
    double pd = (double)r.arm[drug].discontinued[GS_DROP_ADVERSE] / r.arm[drug].allocated;
    double pp = (double)r.arm[1 - drug].discontinued[GS_DROP_ADVERSE] / r.arm[1 - drug].allocated;
    const double w_drug = 0.13, w_placebo = 0.09; /* Straube 2008 */
    double ratio = (1.0 - w_drug) / (1.0 - w_placebo);
    double q = (1.0 - ratio) / (pd - ratio * pp);
    double o = 1.0 - (1.0 - w_placebo) / (1.0 - q * pp);
    printf("share with a modelled side effect within %d weeks: %s %.4f, %s %.4f\n",
           spec.duration_weeks, spec.arm[drug].name, pd, spec.arm[1 - drug].name, pp);
    printf("discontinue_at_first_side_effect q = %.4f (file %.4f)\n", q, q_file);
    printf("other_per_12_weeks o = %.4f (file %.4f)\n", o, o_file);
    gs_trial_result_release(&r);
    gs_trial_free(t);

    /* loss to follow-up from the completion Atkinson 2016 reports */
    spec = file;
    spec.loss_per_week = 0.0;
    spec.method = GS_METHOD_ANCOVA;
    t = NULL;
    if (gs_trial_create(&t, &spec, &err) != GS_OK || gs_trial_run(t, 0, 20000, &r, &err) != GS_OK) {
        fprintf(stderr, "gs-calibrate-dropout: %s\n", err.msg);
        gs_trial_free(t);
        return 1;
    }
    double c = 0.0;
    for (int a = 0; a < 2; a++)
        c += (double)file.arm[a].n / (double)(file.arm[0].n + file.arm[1].n) *
             (double)r.arm[a].completed / (double)r.arm[a].allocated;
    double l = 1.0 - pow((72.0 / 108.0) / c, 1.0 / 12.0);
    printf("completion without loss to follow-up: %.4f; Atkinson 2016: 72 of 108 completed\n", c);
    printf("lost_per_week l = %.4f (file %.4f)\n", l, file.loss_per_week);
    gs_trial_result_release(&r);
    gs_trial_free(t);
    int rc = 0;
    if (check) {
        rc = !(fabs(q - q_file) <= 0.002 && fabs(o - o_file) <= 0.002 && q >= 0 && q <= 1 &&
               o >= 0 && o <= 1 && fabs(l - file.loss_per_week) <= 0.0005 && l >= 0);
        printf("%s\n", rc ? "calibration check FAILED" : "calibration check passed");
    }
    return rc;
}
