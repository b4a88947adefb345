/* test_dialysis.c - haemodialysis against the labels' statements, and the low-CrCl floor.
 *
 * Sources: Neurontin (gabapentin) US label 12.3: in anuric patients (n = 11) the apparent
 * elimination half-life is about 132 h on non-dialysis days and about 3.8 h during dialysis.
 * Lyrica (pregabalin) US label 12.3: after a 4-hour haemodialysis treatment plasma pregabalin
 * concentrations are reduced by about 50 %. The drug files derive the anuric and dialysis
 * clearances from these numbers (model.anuric, model.haemodialysis), so the tests check that the
 * engine applies them: the half-lives are read off simulated profiles (log-linear slopes after
 * absorption has ended), not from the parameters. Tolerance 2 %: the derivation is exact, and the
 * slopes are taken where the gut holds less than 1e-6 of the dose, so what is left is the
 * solver's tolerance (rtol 1e-8) and the 4-significant-figure rounding of the stored clearances. */
#include "../test_util.h"

static const struct gs_sim_options opt = GS_SIM_OPTIONS_DEFAULT;

static struct gs_model dialysis_model(const gs_drug *d)
{
    struct gs_patient pt;
    gs_patient_init(&pt);
    pt.haemodialysis = 1;
    struct gs_error err = GS_ERROR_INIT;
    struct gs_model m = {0};
    assert_int_equal(gs_patient_resolve(&pt, &err), GS_OK);
    assert_int_equal(gs_drug_individual_model(d, &pt, &m, NULL, 0, &err), GS_OK);
    return m;
}

/* One dose at 0 h and one session of `hours` from `start`; concentrations at t[0..n). */
static void profile(const struct gs_model *m, double dose, double start, double hours,
                    const double *t, size_t n, double *c)
{
    struct gs_event_list ev = repeated_doses(dose, 24.0, 1);
    struct gs_event hd = {start, GS_EVID_HD, 0, 0, 0, 0, 0, 0, hours};
    assert_int_equal(gs_event_list_push(&ev, &hd), GS_OK);
    gs_event_list_sort(&ev);
    struct gs_profile p = GS_PROFILE_INIT;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_simulate(m, &ev, t, n, &opt, &p, &err), GS_OK);
    for (size_t i = 0; i < n; i++) {
        c[i] = p.conc_mg_l[i];
        /* dialysis removal is counted as elimination: mass balance holds */
        assert_true(gs_simulate_mass_balance_error(&p, i) <= 1e-6);
    }
    gs_simulate_profile_release(&p);
    gs_event_list_release(&ev);
}

static double half_life(double t0, double c0, double t1, double c1)
{
    return log(2.0) * (t1 - t0) / log(c0 / c1);
}

/* Neurontin label 12.3: about 132 h off dialysis and about 3.8 h during it (anuric, n = 11). */
static void gabapentin_half_lives_off_and_during_dialysis(void **state)
{
    (void)state;
    gs_drug *d = load_drug("gabapentin");
    struct gs_model m = dialysis_model(d);
    const double t[4] = {40.0, 46.0, 48.5, 51.5}; /* session 48-52 h */
    double c[4];
    profile(&m, 300.0, 48.0, 4.0, t, 4, c);
    double off = half_life(t[0], c[0], t[1], c[1]), during = half_life(t[2], c[2], t[3], c[3]);
    print_message("gabapentin: half-life %.2f h off dialysis, %.3f h during a session\n", off,
                  during);
    assert_rel(off, 132.0, 0.02);
    assert_rel(during, 3.8, 0.02);
    gs_drug_free(d);
}

/* Lyrica label 12.3: a 4-hour session lowers plasma concentrations by about 50 %. */
static void pregabalin_half_removed_in_a_4h_session(void **state)
{
    (void)state;
    gs_drug *d = load_drug("pregabalin");
    struct gs_model m = dialysis_model(d);
    const double t[2] = {24.0, 28.0}; /* session 24-28 h; ka 8/h: absorbed long before */
    double c[2];
    profile(&m, 75.0, 24.0, 4.0, t, 2, c);
    double removed = 1.0 - c[1] / c[0];
    print_message("pregabalin: %.1f %% removed in a 4-h session\n", 100.0 * removed);
    assert_rel(removed, 0.50, 0.02);
    gs_drug_free(d);
}

/* Issue 10 item 4: CrCl near 0 and --dialysis (between sessions) give the same clearance, and
 * clearance is continuous and non-decreasing in CrCl across the anuric floor. */
static void low_crcl_meets_dialysis(void **state)
{
    (void)state;
    const char *drugs[2] = {"gabapentin", "pregabalin"};
    for (int k = 0; k < 2; k++) {
        gs_drug *d = load_drug(drugs[k]);
        int cl = gs_model_structure_param_index(gs_drug_structure(d), "CL");
        struct gs_model hd = dialysis_model(d);
        for (double crcl = 0.01; crcl <= 0.51; crcl += 0.49) {
            struct gs_model m = model_at_crcl(d, crcl);
            assert_rel(m.p[cl], hd.p[cl], 1e-12);
            /* the off-session half-life from a profile: the same as on dialysis (~132 h) */
            const double t[2] = {40.0, 46.0};
            double c[2], ch[2];
            profile(&m, 300.0, 200.0, 4.0, t, 2, c);
            profile(&hd, 300.0, 200.0, 4.0, t, 2, ch);
            assert_rel(half_life(t[0], c[0], t[1], c[1]), half_life(t[0], ch[0], t[1], ch[1]),
                       1e-6);
        }
        /* continuous, non-decreasing: steps of 0.01 mL/min change CL by at most the published
         * slope (CL at 100 mL/min / 100 per mL/min) x 0.01, never downwards */
        double slope = model_at_crcl(d, 100.0).p[cl] / 100.0, prev = hd.p[cl];
        for (int i = 1; i <= 3000; i++) {
            double v = model_at_crcl(d, 0.01 * i).p[cl];
            assert_true(v >= prev);
            assert_true(v - prev <= slope * 0.01 * (1 + 1e-9) + 1e-12);
            prev = v;
        }
        /* above the floor the published model is unchanged: proportional to CrCl */
        assert_rel(model_at_crcl(d, 60.0).p[cl], 0.6 * model_at_crcl(d, 100.0).p[cl], 1e-12);
        gs_drug_free(d);
    }
}

/* The schedule grammar: defaults, the days of a week, and one-line errors naming the field. */
static void schedule_parse_and_days(void **state)
{
    (void)state;
    struct gs_hd_schedule s = GS_HD_SCHEDULE_DEFAULT;
    struct gs_error err = GS_ERROR_INIT;
    /* default: days 1, 3, 5 from 8 h */
    assert_rel(gs_hd_session_start_h(&s, 0), 8.0, 0);
    assert_rel(gs_hd_session_start_h(&s, 1), 56.0, 0);
    assert_rel(gs_hd_session_start_h(&s, 2), 104.0, 0);
    assert_rel(gs_hd_session_start_h(&s, 3), 176.0, 0);
    assert_int_equal(gs_hd_schedule_parse(&s,
                                          "sessions=2,length=5h,start=18h,day=2,supplement=200mg",
                                          "--hd-schedule", &err),
                     GS_OK);
    assert_int_equal(s.per_week, 2);
    assert_rel(gs_hd_session_start_h(&s, 0), 42.0, 0);  /* day 2, 18 h */
    assert_rel(gs_hd_session_start_h(&s, 1), 114.0, 0); /* day 5 */
    assert_rel(s.hours, 5.0, 0);
    assert_rel(s.supplement_mg, 200.0, 0);
    assert_int_equal(gs_hd_schedule_parse(&s, "none", "--hd-schedule", &err), GS_OK);
    assert_int_equal(s.per_week, 0);
    const char *bad[][2] = {{"sessions=8", "'sessions'"},
                            {"length=13h", "'length'"},
                            {"length=4", "'length'"},
                            {"start=24h", "'start'"},
                            {"day=0", "'day'"},
                            {"supplement=x", "'supplement'"},
                            {"speed=3", "'speed' is unknown"},
                            {"sessions", "KEY=VALUE"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct gs_hd_schedule t = GS_HD_SCHEDULE_DEFAULT;
        err = (struct gs_error)GS_ERROR_INIT;
        assert_int_equal(gs_hd_schedule_parse(&t, bad[i][0], "--hd-schedule", &err), GS_INPUT);
        assert_non_null(strstr(err.msg, bad[i][1]));
        assert_non_null(strstr(err.msg, "'--hd-schedule'"));
        assert_null(strchr(err.msg, '\n'));
    }
}

/* A regimen with sessions: one session record per session, the supplement as each ends while
 * doses are given; and the weekly steady state with sessions (pre above post, no NaN). */
static void regimen_sessions_supplements_and_weekly_state(void **state)
{
    (void)state;
    gs_drug *d = load_drug("gabapentin");
    struct gs_patient pt;
    gs_patient_init(&pt);
    pt.haemodialysis = 1;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_patient_resolve(&pt, &err), GS_OK);
    struct gs_regimen r;
    gs_regimen_init(&r);
    r.n_steps = 1;
    r.steps[0] = (struct gs_regimen_step){0.0, 300.0, 24.0};
    r.end_h = 14 * 24.0;
    char note[512] = "";
    assert_int_equal(gs_dialysis_apply(d, &pt, &r, note, sizeof note, &err), GS_OK);
    /* Neurontin label 2.4: 300 mg/day (the last CrCl < 15 column) -> 350 mg after each session */
    assert_rel(r.hd.supplement_mg, 350.0, 0);
    assert_non_null(strstr(note, "haemodialysis modelled"));
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    assert_int_equal(gs_regimen_expand(&r, &ev, &err), GS_OK);
    int sup = 0, sessions = 0;
    const double ends[6] = {12, 60, 108, 180, 228, 276};
    for (size_t i = 0; i < ev.n; i++) {
        if (ev.ev[i].evid == GS_EVID_HD && ev.ev[i].time_h < 336.0)
            sessions++;
        if (ev.ev[i].evid == GS_EVID_DOSE && ev.ev[i].amt_mg == 350.0) {
            assert_true(sup < 6);
            assert_rel(ev.ev[i].time_h, ends[sup], 0);
            sup++;
        }
    }
    assert_int_equal(sessions, 6);
    assert_int_equal(sup, 6);

    struct gs_model m = dialysis_model(d);
    double t[2] = {0.0, 336.0};
    struct gs_profile p = GS_PROFILE_INIT;
    struct gs_summary s;
    assert_int_equal(gs_simulate(&m, &ev, t, 2, &opt, &p, &err), GS_OK);
    assert_int_equal(
        gs_summarize_hd(&(struct gs_summary_request){&m, &ev, &p, 300.0, 24.0, GS_CMT_DEPOT, &opt},
                        &r.hd, &s, &err),
        GS_OK);
    assert_int_equal(s.hd_per_week, 3);
    assert_true(s.hd_converged);
    for (int k = 0; k < 3; k++) {
        assert_true(isfinite(s.hd_pre_mg_l[k]) && isfinite(s.hd_post_mg_l[k]));
        /* 4 h at a 3.8-h half-life leaves about half (absorption adds a little) */
        assert_between(s.hd_post_mg_l[k] / s.hd_pre_mg_l[k], 0.40, 0.60);
    }
    assert_true(s.ss_cmin_mg_l < s.ss_cavg_mg_l && s.ss_cavg_mg_l < s.ss_cmax_mg_l);
    assert_true(isfinite(s.t90_ss_h) && s.t90_ss_h > 0.0);
    assert_rel(s.hd_half_life_h, 3.8, 0.02);
    gs_simulate_profile_release(&p);
    gs_event_list_release(&ev);
    gs_drug_free(d);
}

/* The engine refuses what it cannot model: overlapping sessions, a session with a model that has
 * no dialysis clearance, a steady-state record with sessions. */
static void engine_refusals(void **state)
{
    (void)state;
    gs_drug *d = load_drug("gabapentin");
    struct gs_model m = dialysis_model(d);
    double t[1] = {30.0};
    struct gs_profile p = GS_PROFILE_INIT;
    struct gs_error err = GS_ERROR_INIT;
    struct gs_event_list ev = repeated_doses(300.0, 24.0, 1);
    struct gs_event a = {8.0, GS_EVID_HD, 0, 0, 0, 0, 0, 0, 4.0};
    struct gs_event b = {10.0, GS_EVID_HD, 0, 0, 0, 0, 0, 0, 4.0};
    gs_event_list_push(&ev, &a);
    gs_event_list_push(&ev, &b);
    assert_int_equal(gs_simulate(&m, &ev, t, 1, &opt, &p, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "overlaps"));
    ev.n = 2;
    struct gs_model none = m;
    none.hd_cl_l_h = NAN;
    assert_int_equal(gs_simulate(&none, &ev, t, 1, &opt, &p, &err), GS_UNSUPPORTED);
    assert_non_null(strstr(err.msg, "model.haemodialysis.CL"));
    ev.ev[0].ss = 1;
    ev.ev[0].ii_h = 24.0;
    assert_int_equal(gs_simulate(&m, &ev, t, 1, &opt, &p, &err), GS_UNSUPPORTED);
    gs_event_list_release(&ev);
    gs_drug_free(d);
}

/* Datasets: EVID 2 with HD 1 and DUR is a session; it lowers the level as the engine does. */
static void dataset_session_record(void **state)
{
    (void)state;
    gs_drug *d = load_drug("pregabalin");
    const char *csv = "ID,TIME,AMT,EVID,DIAL,HD,DUR\n"
                      "1,0,75,1,1,.,.\n1,24,0,0,1,.,.\n1,24,0,2,1,1,4\n1,28,0,0,1,.,.\n"
                      "2,0,75,1,1,.,.\n2,24,0,0,1,.,.\n2,28,0,0,1,.,.\n";
    gs_dataset *ds = NULL;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_dataset_parse(&ds, csv, strlen(csv), "hd.csv", &err), GS_OK);
    struct gs_patient pt;
    gs_patient_init(&pt);
    assert_int_equal(gs_patient_resolve(&pt, &err), GS_OK);
    double pred[7], ipred[7], sim[7];
    struct gs_dataset_sim_config c = {ds, d, NULL, &pt, GS_SIM_OPTIONS_DEFAULT, 1, 1};
    assert_int_equal(gs_dataset_simulate(&c, pred, ipred, sim, &err), GS_OK);
    /* Lyrica label 12.3: about 50 % lower after the 4-h session; none without it */
    assert_rel(pred[3] / pred[1], 0.5, 0.02);
    assert_true(pred[6] / pred[5] > 0.9);
    gs_dataset_free(ds);
    /* HD on a dose record, or without DUR: one-line errors naming the column */
    const char *bad[][2] = {{"ID,TIME,AMT,EVID,HD,DUR\n1,0,75,1,1,4\n", "HD"},
                            {"ID,TIME,AMT,EVID,HD\n1,0,75,1,.\n1,2,0,2,1\n", "DUR"}};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(gs_dataset_parse(&ds, bad[i][0], strlen(bad[i][0]), "b.csv", &err), GS_OK);
        err = (struct gs_error)GS_ERROR_INIT;
        c.ds = ds;
        assert_int_equal(gs_dataset_simulate(&c, pred, ipred, sim, &err), GS_INPUT);
        assert_non_null(strstr(err.msg, bad[i][1]));
        assert_non_null(strstr(err.msg, "b.csv: line"));
        gs_dataset_free(ds);
    }
    gs_drug_free(d);
}

/* The batched Dormand-Prince path (populations) applies sessions as the general engine does:
 * 8 subjects with different clearances, 300 mg a day with sessions, against gs_simulate (CVODE)
 * within 1e-5 relative (both solve to rtol 1e-8). */
static void batch_matches_engine_with_sessions(void **state)
{
    (void)state;
    gs_drug *d = load_drug("gabapentin");
    struct gs_model base = dialysis_model(d), m[8];
    int cl = gs_model_structure_param_index(base.structure, "CL");
    struct gs_regimen r;
    gs_regimen_init(&r);
    r.n_steps = 1;
    r.steps[0] = (struct gs_regimen_step){0.0, 300.0, 24.0};
    r.end_h = 10 * 24.0;
    r.hd = (struct gs_hd_schedule)GS_HD_SCHEDULE_DEFAULT;
    r.hd.supplement_mg = 300.0;
    struct gs_event_list ev = GS_EVENT_LIST_INIT;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_regimen_expand(&r, &ev, &err), GS_OK);
    size_t n = 241;
    double *t = grid(0.0, 240.0, n);
    double *out = gs_malloc(n * GS_N_CORE * GS_LANES * sizeof *out);
    for (int l = 0; l < 8; l++) {
        m[l] = base;
        m[l].p[cl] *= 0.6 + 0.1 * l;
    }
    struct gs_simulate_batch_request rq = {m, 8, &ev, t, n, &opt};
    assert_int_equal(gs_simulate_batch(&rq, out, NULL, &err), GS_OK);
    double v = base.structure->volume(base.p);
    for (int l = 0; l < 8; l++) {
        struct gs_profile p = GS_PROFILE_INIT;
        assert_int_equal(gs_simulate(&m[l], &ev, t, n, &opt, &p, &err), GS_OK);
        for (size_t k = 1; k < n; k++)
            assert_rel(out[(k * GS_N_CORE + GS_Y_CENTRAL) * GS_LANES + (size_t)l] / v,
                       p.conc_mg_l[k], 1e-5);
        gs_simulate_profile_release(&p);
    }
    gs_free(out);
    gs_free(t);
    gs_event_list_release(&ev);
    gs_drug_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gabapentin_half_lives_off_and_during_dialysis),
        cmocka_unit_test(pregabalin_half_removed_in_a_4h_session),
        cmocka_unit_test(low_crcl_meets_dialysis),
        cmocka_unit_test(schedule_parse_and_days),
        cmocka_unit_test(regimen_sessions_supplements_and_weekly_state),
        cmocka_unit_test(engine_refusals),
        cmocka_unit_test(dataset_session_record),
        cmocka_unit_test(batch_matches_engine_with_sessions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
