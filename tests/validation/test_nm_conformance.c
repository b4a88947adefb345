/* test_nm_conformance.c - NONMEM dataset conventions (docs/datasets.md), case by case.
 *
 * Each case is a small dataset run through gs_dataset_simulate() and compared, row by row, with
 * an independent reference written here: a hand-worked record sequence (the records applied in
 * file order, as NONMEM's PREDPP does) advanced by a classical fixed-step Runge-Kutta 4
 * integrator (step 1e-3 h: local error O(h^5), global about 1e-12 relative over these horizons),
 * or a closed form. Nothing expected comes from gabasim itself. Agreement: 1e-6 relative (the
 * engine's CVODE runs at rtol 1e-8, its closed forms are exact; 1e-6 leaves a margin of 100 for
 * the integrated cases and still fails on any convention error, which moves values by percents).
 *
 * Drugs: a linear one-compartment oral model (ka 1 /h, V 10 L, CL 1 L/h, F 1, no lag) and a
 * saturable-absorption one (Vmax 50 mg/h, Km 20 mg, ktr 0.1 /h, V 10 L, CL 1 L/h).
 */
#include "../test_util.h"
#include "gabasim/dataset_sim.h"

#define DRUG_HEAD                                                                                  \
    "{\"schema\":\"gabasim-drug/1\",\"name\":\"t\",\"title\":\"test\",\"model\":{\"structure\":"
#define P(name, v, unit) "\"" name "\":{\"value\":" #v ",\"unit\":\"" unit "\",\"source\":\"test\"}"
#define DRUG_TAIL                                                                                  \
    "}},\"limits\":{\"max_dose\":{\"value\":1000,\"unit\":\"mg\",\"source\":\"test\"}}}"

static const char *lin_json = DRUG_HEAD "\"oral_1cmt_linear\",\"parameters\":{" P(
    "ka", 1, "1/h") "," P("V", 10, "L") "," P("CL", 1, "L/h") DRUG_TAIL;
static const char *mm_json =
    DRUG_HEAD "\"oral_1cmt_mm_absorption\",\"parameters\":{" P("Vmax", 50, "mg/h") "," P(
        "Km", 20, "mg") "," P("ktr", 0.1, "1/h") "," P("V", 10, "L") "," P("CL", 1, "L/h")
        DRUG_TAIL;

/* ---- the reference: a record sequence advanced by RK4 ---- */

struct pk {
    int mm;                   /* 0 linear, 1 saturable absorption */
    double ka, v, cl, f, lag; /* linear */
    double vmax, km, ktr;     /* saturable */
    double inf[2];            /* running zero-order inputs, mg/h, depot and central */
    int off[2];               /* compartments turned off */
};

static void rhs(const struct pk *m, const double *y, double *dy)
{
    double absorb = m->mm ? m->vmax * y[0] / (m->km + y[0]) : m->ka * y[0];
    double loss = m->mm ? m->ktr * y[0] : 0.0;
    dy[0] = -absorb - loss + m->inf[0];
    dy[1] = absorb - m->cl / m->v * y[1] + m->inf[1];
}

static void advance(const struct pk *m, double *y, double dt)
{
    int n = (int)ceil(dt / 1e-3);
    double h = dt / n;
    for (int i = 0; i < n; i++) {
        double k1[2], k2[2], k3[2], k4[2], t[2];
        rhs(m, y, k1);
        for (int j = 0; j < 2; j++)
            t[j] = y[j] + 0.5 * h * k1[j];
        rhs(m, t, k2);
        for (int j = 0; j < 2; j++)
            t[j] = y[j] + 0.5 * h * k2[j];
        rhs(m, t, k3);
        for (int j = 0; j < 2; j++)
            t[j] = y[j] + h * k3[j];
        rhs(m, t, k4);
        for (int j = 0; j < 2; j++)
            y[j] += h / 6 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
    }
}

/* One step of a hand-worked sequence: at `t`, in this order. */
enum op { OBS, BOLUS, RESET, INF_ON, INF_OFF, OFF };
struct rec {
    double t;
    enum op op;
    int cmt; /* 1 depot, 2 central */
    double amt_or_rate;
};

/* Applies recs (ascending times, same-time ones in the order given) from an empty body (or
 * y0), writing the central concentration at each OBS into out[]; returns how many. */
static size_t reference(struct pk m, const struct rec *r, size_t n, const double *y0, double *out)
{
    double y[2] = {y0 ? y0[0] : 0, y0 ? y0[1] : 0}, t = r[0].t;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (r[i].t > t)
            advance(&m, y, r[i].t - t);
        t = r[i].t;
        int c = r[i].cmt - 1;
        switch (r[i].op) {
        case OBS:
            out[k++] = y[1] / m.v;
            break;
        case BOLUS:
            y[c] += r[i].amt_or_rate * (c == 0 && !m.mm ? m.f : 1.0);
            break;
        case RESET:
            y[0] = y[1] = 0;
            break;
        case INF_ON:
            m.inf[c] += r[i].amt_or_rate;
            break;
        case INF_OFF:
            m.inf[c] -= r[i].amt_or_rate;
            break;
        case OFF:
            y[c] = 0;
            break;
        }
    }
    return k;
}

static const struct pk LIN = {0, 1.0, 10.0, 1.0, 1.0, 0.0, 0, 0, 0, {0, 0}, {0, 0}};
static const struct pk MM = {1, 0, 10.0, 1.0, 1.0, 0.0, 50.0, 20.0, 0.1, {0, 0}, {0, 0}};

/* ---- the dataset side ---- */

struct run {
    gs_dataset *ds;
    double pred[64], ipred[64], dv[64];
};

static gs_status simulate(const char *json, const char *csv, enum gs_dataset_fill fill,
                          struct run *r, struct gs_error *err)
{
    gs_drug *d = NULL;
    assert_int_equal(gs_drug_parse(&d, json, strlen(json), "t.json", NULL), GS_OK);
    struct gs_patient pt;
    gs_patient_init(&pt);
    assert_int_equal(gs_patient_resolve(&pt, NULL), GS_OK);
    struct gs_variability var;
    assert_int_equal(gs_variability_from_drug(d, 0.0, &var, NULL), GS_OK);
    struct gs_dataset_options opt = {NULL, fill};
    gs_status st = gs_dataset_parse_with(&r->ds, csv, strlen(csv), "d.csv", &opt, err);
    if (st == GS_OK) {
        assert_true(gs_dataset_n_rows(r->ds) <= 64);
        struct gs_dataset_sim_config c = {r->ds, d, &var, &pt, GS_SIM_OPTIONS_DEFAULT, 1, 1};
        st = gs_dataset_simulate(&c, r->pred, r->ipred, r->dv, err);
    }
    gs_drug_free(d);
    return st;
}

/* The dataset's observation predictions, in file order, against want[0..n). */
static void check_fill(const char *json, const char *csv, enum gs_dataset_fill fill,
                       const double *want, size_t n)
{
    struct run r = {0};
    struct gs_error err = GS_ERROR_INIT;
    if (simulate(json, csv, fill, &r, &err) != GS_OK) {
        print_error("%s\n", err.msg);
        fail();
    }
    size_t k = 0;
    for (size_t i = 0; i < gs_dataset_n_rows(r.ds); i++) {
        if (!gs_dataset_row_is_observation(r.ds, i))
            continue;
        assert_true(k < n);
        if (!(fabs(r.pred[i] - want[k]) <= 1e-6 * fmax(fabs(want[k]), 1e-6))) {
            print_error("observation %zu (row %zu): PRED %.12g, reference %.12g\n", k, i, r.pred[i],
                        want[k]);
            fail();
        }
        k++;
    }
    assert_int_equal(k, n);
    gs_dataset_free(r.ds);
}

static void check(const char *json, const char *csv, const double *want, size_t n)
{
    check_fill(json, csv, GS_FILL_NOCB, want, n);
}

#define H "ID,TIME,AMT,EVID,CMT,RATE,II,ADDL,SS\n"

/* ---- records at one TIME: file order ---- */

static void same_time_file_order(void **state)
{
    (void)state;
    double w[8];
    /* IV bolus: the observation before the dose sees the amount before it, the one after it
     * the amount after it */
    const struct rec iv[] = {
        {0, BOLUS, 2, 100}, {5, OBS, 2, 0}, {5, BOLUS, 2, 100}, {5, OBS, 2, 0}, {8, OBS, 2, 0}};
    size_t n = reference(LIN, iv, 5, NULL, w);
    assert_true(fabs(w[1] - w[0] - 10.0) < 1e-9); /* 100 mg / 10 L */
    check(lin_json,
          H "1,0,100,1,2,0,0,0,0\n1,5,.,0,2,.,.,.,.\n1,5,100,1,2,0,0,0,0\n"
            "1,5,.,0,2,.,.,.,.\n1,8,.,0,2,.,.,.,.\n",
          w, n);
    /* EVID 3 reset: the observation before it sees the drug, the one after it nothing */
    const struct rec rs[] = {{0, BOLUS, 1, 100}, {6, OBS, 2, 0},    {6, RESET, 0, 0},
                             {6, OBS, 2, 0},     {6, BOLUS, 1, 50}, {9, OBS, 2, 0}};
    n = reference(LIN, rs, 6, NULL, w);
    assert_true(w[0] > 1.0 && w[1] == 0.0);
    check(lin_json,
          H "1,0,100,1,1,0,0,0,0\n1,6,.,0,2,.,.,.,.\n1,6,.,3,.,.,.,.,.\n"
            "1,6,.,0,2,.,.,.,.\n1,6,50,1,1,0,0,0,0\n1,9,.,0,2,.,.,.,.\n",
          w, n);
    /* oral SS=1 at 24 h after a single dose at 0: before it, the single dose's tail; after it,
     * the steady-state trough of 100 mg every 12 h (reference: 40 intervals of history, the
     * rest below 1e-17) */
    struct rec ss[44];
    size_t m = 0;
    ss[m++] = (struct rec){0, BOLUS, 1, 100};
    ss[m++] = (struct rec){24, OBS, 2, 0};
    double before[1];
    reference(LIN, ss, m, NULL, before);
    m = 0;
    for (int k = 40; k >= 1; k--)
        ss[m++] = (struct rec){24 - 12.0 * k, BOLUS, 1, 100};
    ss[m++] = (struct rec){24, OBS, 2, 0};
    ss[m++] = (struct rec){24, BOLUS, 1, 100};
    ss[m++] = (struct rec){30, OBS, 2, 0};
    double after[2];
    reference(LIN, ss, m, NULL, after);
    const double want[] = {before[0], after[0], after[1]};
    check(lin_json,
          H "1,0,100,1,1,0,0,0,0\n1,24,.,0,2,.,.,.,.\n1,24,100,1,1,0,12,0,1\n"
            "1,24,.,0,2,.,.,.,.\n1,30,.,0,2,.,.,.,.\n",
          want, 3);
}

/* ---- compartments on and off (EVID 2, sign of CMT) ---- */

static void compartment_off_and_on(void **state)
{
    (void)state;
    double w[8];
    /* the depot turned off at 2 h: what was left unabsorbed is gone */
    const struct rec d[] = {{0, BOLUS, 1, 100}, {2, OFF, 1, 0}, {3, OBS, 2, 0}, {10, OBS, 2, 0}};
    size_t n = reference(LIN, d, 4, NULL, w);
    check(lin_json,
          H "1,0,100,1,1,0,0,0,0\n1,2,.,2,-1,.,.,.,.\n1,3,.,0,2,.,.,.,.\n"
            "1,10,.,0,2,.,.,.,.\n",
          w, n);
    /* the central compartment off after an IV dose, held empty, on again by a dose */
    const struct rec c[] = {{0, BOLUS, 2, 100}, {1, OBS, 2, 0},    {3, OFF, 2, 0},
                            {4, OBS, 2, 0},     {5, BOLUS, 2, 50}, {6, OBS, 2, 0}};
    n = reference(LIN, c, 6, NULL, w);
    assert_true(w[1] == 0.0);
    check(lin_json,
          H "1,0,100,1,2,0,0,0,0\n1,1,.,0,2,.,.,.,.\n1,3,.,2,-2,.,.,.,.\n"
            "1,4,.,0,2,.,.,.,.\n1,5,50,1,2,0,0,0,0\n1,6,.,0,2,.,.,.,.\n",
          w, n);
}

/* ---- infusions ---- */

static void infusions(void **state)
{
    (void)state;
    /* RATE > 0 into the central compartment: closed form R/(k V) (1 - e^-kt) while it runs
     * (100 mg at 50 mg/h: 2 h), then first-order decay */
    double k = 0.1, R = 50, T = 2;
    const double wc[] = {R / (k * 10) * (1 - exp(-k * 1)),
                         R / (k * 10) * (1 - exp(-k * T)) * exp(-k * 4)};
    check(lin_json, H "1,0,100,1,2,50,0,0,0\n1,1,.,0,2,.,.,.,.\n1,6,.,0,2,.,.,.,.\n", wc, 2);
    /* RATE -2 with D2 (duration 2 h) and RATE -1 with R2 (50 mg/h): the same infusion */
    check(lin_json,
          "ID,TIME,AMT,EVID,CMT,RATE,D2\n1,0,100,1,2,-2,2\n1,1,.,0,2,.,.\n"
          "1,6,.,0,2,.,.\n",
          wc, 2);
    check(lin_json,
          "ID,TIME,AMT,EVID,CMT,RATE,R2\n1,0,100,1,2,-1,50\n1,1,.,0,2,.,.\n"
          "1,6,.,0,2,.,.\n",
          wc, 2);
    /* an infusion into the depot, then an IV bolus while it runs (the RK4 reference) */
    double w2[4];
    const struct rec r[] = {{0, INF_ON, 1, 25},  {1, BOLUS, 2, 20}, {2, OBS, 2, 0},
                            {4, INF_OFF, 1, 25}, {4, OBS, 2, 0},    {9, OBS, 2, 0}};
    size_t n = reference(LIN, r, 6, NULL, w2);
    check(lin_json,
          H "1,0,100,1,1,25,0,0,0\n1,1,20,1,2,0,0,0,0\n1,2,.,0,2,.,.,.,.\n"
            "1,4,.,0,2,.,.,.,.\n1,9,.,0,2,.,.,.,.\n",
          w2, n);
    /* a steady-state infusion (SS=1, 100 mg over 2 h every 12 h) against 40 intervals of
     * history */
    struct rec h[90];
    size_t m = 0;
    for (int j = 40; j >= 0; j--) {
        h[m++] = (struct rec){-12.0 * j, INF_ON, 2, 50};
        h[m++] = (struct rec){-12.0 * j + 2, INF_OFF, 2, 50};
    }
    h[m++] = (struct rec){3, OBS, 2, 0};
    h[m++] = (struct rec){11, OBS, 2, 0};
    double w3[2];
    n = reference(LIN, h, m, NULL, w3);
    check(lin_json, H "1,0,100,1,2,50,12,0,1\n1,3,.,0,2,.,.,.,.\n1,11,.,0,2,.,.,.,.\n", w3, n);
    /* the nonlinear structure takes infusions too */
    double w4[2];
    const struct rec q[] = {
        {0, INF_ON, 1, 100}, {1, INF_OFF, 1, 100}, {2, OBS, 2, 0}, {8, OBS, 2, 0}};
    n = reference(MM, q, 4, NULL, w4);
    check(mm_json, H "1,0,100,1,1,100,0,0,0\n1,2,.,0,2,.,.,.,.\n1,8,.,0,2,.,.,.,.\n", w4, n);
}

/* ---- steady state: SS=2 on the nonlinear structure, SS with a lag of II or more ---- */

static void steady_state_cases(void **state)
{
    (void)state;
    /* SS=2 adds the steady state of 200 mg every 12 h to what the body holds (an IV dose of
     * 50 mg 3 h earlier): reference = periodic state by simulating 40 intervals from empty,
     * added to the 3-h-old bolus's amounts */
    struct rec p[44];
    size_t m = 0;
    for (int j = 40; j >= 1; j--)
        p[m++] = (struct rec){-12.0 * j, BOLUS, 1, 200};
    p[m++] = (struct rec){0, OBS, 2, 0};
    double c_ss[1];
    reference(MM, p, m, NULL, c_ss);
    /* the periodic state's depot amount is needed too: rerun to get both */
    double y_ss[2] = {0, 0};
    {
        struct pk mm = MM;
        for (int j = 0; j < 40; j++) {
            y_ss[0] += 200;
            advance(&mm, y_ss, 12);
        }
    }
    assert_true(fabs(y_ss[1] / 10 - c_ss[0]) < 1e-9 * c_ss[0]);
    double y0[2] = {0, 50};
    {
        struct pk mm = MM;
        advance(&mm, y0, 3);
    }
    double start[2] = {y0[0] + y_ss[0], y0[1] + y_ss[1]};
    const struct rec after[] = {{3, OBS, 2, 0}, {3, BOLUS, 1, 200}, {7, OBS, 2, 0}};
    double w[2];
    size_t n = reference(MM, after, 3, start, w);
    check(mm_json,
          H "1,0,50,1,2,0,0,0,0\n1,3,200,1,1,0,12,0,2\n1,3,.,0,2,.,.,.,.\n"
            "1,7,.,0,2,.,.,.,.\n",
          w, n);
    /* a lag of 14 h with II 12 h (ALAG1 column): doses of the regimen still on their way at the
     * SS=1 record arrive after it */
    struct pk lag = LIN;
    struct rec q[50];
    m = 0;
    for (int j = 40; j >= 0; j--) /* doses at 24 - 12 j, each arriving 14 h later */
        if (24 - 12.0 * j + 14 <= 30)
            q[m++] = (struct rec){24 - 12.0 * j + 14, BOLUS, 1, 100};
    /* arrival times ascending; observations at 25 (before the 26 h arrival) and 30 */
    struct rec seq[60];
    size_t s = 0, a = 0;
    double obs_t[] = {25, 30};
    for (int o = 0; o < 2; o++) {
        while (a < m && q[a].t <= obs_t[o])
            seq[s++] = q[a++];
        seq[s++] = (struct rec){obs_t[o], OBS, 2, 0};
    }
    double w2[2];
    n = reference(lag, seq, s, NULL, w2);
    check(lin_json,
          "ID,TIME,AMT,EVID,CMT,II,SS,ALAG1\n1,24,100,1,1,12,1,14\n1,25,.,0,2,.,.,.\n"
          "1,30,.,0,2,.,.,.\n",
          w2, n);
}

/* ---- doses, individuals, covariates, parameter columns ---- */

static void records_and_columns(void **state)
{
    (void)state;
    double k = 0.1, ka = 1, V = 10;
#define BATEMAN(d, t, kk) ((d)*ka / (V * (ka - (kk))) * (exp(-(kk) * (t)) - exp(-ka * (t))))
    /* AMT 0 on a dose record gives nothing */
    const double w0[] = {BATEMAN(100, 5, k)};
    check(lin_json, H "1,0,100,1,1,0,0,0,0\n1,2,0,1,1,0,0,0,0\n1,5,.,0,2,.,.,.,.\n", w0, 1);
    /* an ID that comes back is a new individual: its own doses only */
    const double w1[] = {BATEMAN(100, 5, k), BATEMAN(50, 1, k), BATEMAN(30, 2, k)};
    check(lin_json,
          H "1,0,100,1,1,0,0,0,0\n1,5,.,0,2,.,.,.,.\n2,0,50,1,1,0,0,0,0\n"
            "2,1,.,0,2,.,.,.,.\n1,0,30,1,1,0,0,0,0\n1,2,.,0,2,.,.,.,.\n",
          w1, 3);
    /* F1 and ALAG1 columns: 60 % of the dose, 1.5 h late */
    const double w2[] = {0.0, 0.6 * BATEMAN(100, 2.5, k)};
    check(lin_json,
          "ID,TIME,AMT,EVID,CMT,F1,ALAG1\n1,0,100,1,1,0.6,1.5\n1,1,.,0,2,.,.\n"
          "1,4,.,0,2,.,.\n",
          w2, 2);
    /* a CL column is the individual's clearance (k = CL/V) */
    const double w3[] = {BATEMAN(100, 5, 0.2)};
    check(lin_json, "ID,TIME,AMT,EVID,CMT,CL\n1,0,100,1,1,2\n1,5,.,0,2,2\n", w3, 1);
    /* time-varying CL: NOCB uses each record's value over the interval that ends at it, LOCF
     * from the record on (hand-worked: the 4-h record's CL 2 holds over (0, 4] or [4, 8]) */
    const char *tv = "ID,TIME,AMT,EVID,CMT,CL\n1,0,100,1,1,1\n1,4,.,0,2,2\n1,8,.,0,2,2\n";
    double y4n[2] = {100 * exp(-ka * 4), 0}, y4l[2];
    y4n[1] = 100 * ka / (ka - 0.2) * (exp(-0.2 * 4) - exp(-ka * 4));
    y4l[0] = 100 * exp(-ka * 4);
    y4l[1] = 100 * ka / (ka - 0.1) * (exp(-0.1 * 4) - exp(-ka * 4));
    struct pk two = LIN;
    two.cl = 2;
    double a8n[2] = {y4n[0], y4n[1]}, a8l[2] = {y4l[0], y4l[1]};
    advance(&two, a8n, 4);
    advance(&two, a8l, 4);
    const double nocb[] = {y4n[1] / V, a8n[1] / V}, locf[] = {y4l[1] / V, a8l[1] / V};
    check_fill(lin_json, tv, GS_FILL_NOCB, nocb, 2);
    check_fill(lin_json, tv, GS_FILL_LOCF, locf, 2);
#undef BATEMAN
}

/* ---- text columns ---- */

static void dropped_columns(void **state)
{
    (void)state;
    double k = 0.1;
    const double w[] = {100 * 1.0 / (10 * (1 - k)) * (exp(-k * 5) - exp(-5.0))};
    /* a first column C: lines starting with C are skipped (NONMEM's IGNORE=C); DATE=DROP */
    check(lin_json,
          "C,ID,TIME,AMT,EVID,CMT,DATE=DROP\n.,1,0,100,1,1,2024-01-01\n"
          "C,1,1,100,1,1,2024-01-01\nC 1 2 is a comment\n.,1,5,.,0,2,2024-01-01\n",
          w, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_time_file_order),
        cmocka_unit_test(compartment_off_and_on),
        cmocka_unit_test(infusions),
        cmocka_unit_test(steady_state_cases),
        cmocka_unit_test(records_and_columns),
        cmocka_unit_test(dropped_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
