/* outside.c - a program outside the gabasim tree, built against an installed libgabasim with
 * `cc outside.c $(pkg-config --cflags --libs gabasim)` (tests/install/run.sh).
 *
 * Loads gabapentin from the installed data directory (found beside the library: no GABASIM_DATA),
 * simulates 300 mg every 8 h for a day for a typical adult, prints the peak concentration on a
 * 0.25 h grid, and checks the version macros of <gabasim/gabasim.h> against gs_version().
 * Exit 0 on success, 1 with a message on stderr otherwise.
 */
#include <gabasim/gabasim.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#define N_OUT 97 /* 0, 0.25, ..., 24 h */

static int fail(const char *what, const struct gs_error *err)
{
    fprintf(stderr, "outside: %s: %s\n", what, err ? err->msg : "");
    return 1;
}

int main(void)
{
    char expect[32];
    snprintf(expect, sizeof expect, "%d.%d.%d", GS_VERSION_MAJOR, GS_VERSION_MINOR,
             GS_VERSION_PATCH);
    if (strcmp(expect, GS_VERSION_STRING) != 0 || strcmp(gs_version(), GS_VERSION_STRING) != 0 ||
        GS_VERSION_NUMBER !=
            ((GS_VERSION_MAJOR << 16) | (GS_VERSION_MINOR << 8) | GS_VERSION_PATCH)) {
        fprintf(stderr, "outside: version mismatch: macros %s (0x%06x), gs_version() %s\n",
                GS_VERSION_STRING, (unsigned)GS_VERSION_NUMBER, gs_version());
        return 1;
    }

    struct gs_error err = GS_ERROR_INIT;
    const char *dir;
    if (gs_datafile_dir_find(&dir, &err) != GS_OK)
        return fail("data directory", &err);
    gs_drug *drug = NULL;
    if (gs_drug_load(&drug, "gabapentin", &err) != GS_OK)
        return fail("gs_drug_load", &err);

    struct gs_patient pt;
    gs_patient_init(&pt);
    pt.crcl_given_ml_min = 100.0;
    struct gs_model model;
    if (gs_patient_resolve(&pt, &err) != GS_OK ||
        gs_drug_individual_model(drug, &pt, &model, NULL, 0, &err) != GS_OK) {
        gs_drug_free(drug);
        return fail("patient", &err);
    }

    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    for (int k = 0; k < 3; k++) {
        struct gs_event e = gs_event_dose(8.0 * k, 300.0, GS_CMT_DEPOT);
        if (gs_event_list_push(&ev, &e) != GS_OK) {
            gs_drug_free(drug);
            return fail("gs_event_list_push", NULL);
        }
    }
    double t[N_OUT];
    for (int i = 0; i < N_OUT; i++)
        t[i] = 0.25 * i;
    struct gs_sim_options opt = GS_SIM_OPTIONS_DEFAULT;
    struct gs_profile prof = GS_PROFILE_INIT;
    gs_status st = gs_simulate(&model, &ev, t, N_OUT, &opt, &prof, &err);
    gs_event_list_release(&ev);
    gs_drug_free(drug);
    if (st != GS_OK)
        return fail("gs_simulate", &err);

    double cmax = -1.0, tmax = 0.0;
    for (size_t i = 0; i < prof.n; i++)
        if (prof.conc_mg_l[i] > cmax) {
            cmax = prof.conc_mg_l[i];
            tmax = prof.t_h[i];
        }
    int ok = prof.n == N_OUT && isfinite(cmax) && cmax > 0.0;
    gs_simulate_profile_release(&prof);
    if (!ok)
        return fail("no positive finite peak in the profile", NULL);
    printf("gabasim %s (headers %s), data %s\n", gs_version(), GS_VERSION_STRING, dir);
    printf("Cmax %.6g mg/L at %.2f h\n", cmax, tmax);
    return 0;
}
