/* test_dosing_table.c - the start-low-go-slow calendar against both labels, over every
 * kidney-function band, its edges (15, 30, 60) and just below them, very low CrCl (5, 0.5) and
 * anuric patients on haemodialysis; ages 40 and 80; no target, a middle column and the maximum.
 *
 * For each: the calendar's first dose is the label's start for the band; no increase is larger
 * than the drug file's largest step (label columns and mg/day) nor sooner than its shortest
 * interval (times the file's factor for older patients, so longer at 80); no day is above the
 * band's maximum or the absolute maximum; the last step is the plan's maintenance, inside the
 * band; and every dose (calendar, maintenance, taper, post-dialysis supplement) is a sum of the
 * strengths the labels list in section 3, checked here by brute force over the label's own list
 * (not the drug file's, not the dosing module's rounding), and its printed form adds up to it.
 *
 * Label starts (mg/day unless said):
 *   Neurontin 2.1 (PHN): 300 mg once on day 1, twice on day 2, three times on day 3.
 *   Neurontin renal table (>= 12 y): CrCl >= 60: 300 mg TID column first (900/day), the PHN ramp
 *     above; >30-59: 200 mg BID first (400/day); >15-29: 200 mg QD; 15: 100 mg QD, and below 15
 *     "reduce daily dose in proportion to creatinine clearance"; haemodialysis: maintenance by
 *     CrCl (anuric: the 15 column) plus 125-350 mg after each 4 h of dialysis.
 *   Lyrica 2.2/2.3: start 150 mg/day (50 mg TID or 75 mg BID); 2.7 Table 1: CrCl >= 60: 150;
 *     30-60: 75 (BID or TID); 15-30: 25-50 (QD or BID); < 15: 25 (QD); haemodialysis: the < 15
 *     column plus a supplement of 25-150 mg after every 4-h session.
 * Label maxima: Neurontin 3600 / 1400 / 700 / 300 (x CrCl/15 below 15) mg/day by band; Lyrica
 * 600 / 300 / 150 / 75 mg/day. All comparisons are exact to 1e-6 mg: these are lookups. */
#include "../test_util.h"
#include "gabasim/dosing.h"

#define EPS 1e-6

struct label {
    const char *drug;
    double solids[8]; /* label section 3, mg */
    size_t n_solids;
    double solution_mg_ml;
};

/* Neurontin label 3: capsules 100, 300, 400 mg; tablets 600, 800 mg; solution 250 mg/5 mL. */
static const struct label gabapentin = {"gabapentin", {100, 300, 400, 600, 800}, 5, 50.0};
/* Lyrica label 3: capsules 25-300 mg; oral solution 20 mg/mL. */
static const struct label pregabalin = {
    "pregabalin", {25, 50, 75, 100, 150, 200, 225, 300}, 8, 20.0};

/* Is mg a sum of at most `units` of the label's solid strengths? */
static int solid_sum(const struct label *l, double mg, int units)
{
    if (fabs(mg) < EPS)
        return 1;
    if (units == 0 || mg < 0)
        return 0;
    for (size_t i = 0; i < l->n_solids; i++)
        if (solid_sum(l, mg - l->solids[i], units - 1))
            return 1;
    return 0;
}

/* A dose of the label's products: solids (at most 4 units) or whole 0.1 mL of solution. */
static int dispensable(const struct label *l, double mg)
{
    double ml = mg / l->solution_mg_ml;
    return mg > 0 && (solid_sum(l, mg, 4) || fabs(ml * 10 - round(ml * 10)) < 1e-6);
}

/* The printed form adds up to the dose: "2 x 100 mg capsules + 1 x 300 mg capsule" or
 * "1.4 mL of 50 mg/mL oral solution". */
static double form_mg(const char *form)
{
    double ml, conc, sum = 0.0;
    if (sscanf(form, "%lf mL of %lf mg/mL", &ml, &conc) == 2)
        return ml * conc;
    for (const char *p = form; p;) {
        int n;
        double mg;
        if (sscanf(p, "%d x %lf mg", &n, &mg) != 2)
            return NAN;
        sum += n * mg;
        p = strstr(p, " + ");
        if (p)
            p += 3;
    }
    return sum;
}

static void check_dose(const struct label *l, double mg, const char *form, const char *what,
                       double crcl)
{
    if (!dispensable(l, mg) || fabs(form_mg(form) - mg) > 1e-6) {
        print_error("%s CrCl %g: %s %g mg (%s) is not made of the label's strengths\n", l->drug,
                    crcl, what, mg, form);
        fail();
    }
}

/* The label's start (mg/day, low and high) and maximum (mg/day) for a CrCl (< 0: dialysis). */
static void label_band(const struct label *l, double crcl, double *start_lo, double *start_hi,
                       double *max)
{
    int g = l == &gabapentin;
    double f = crcl >= 0 && crcl < 15 ? crcl / 15.0 : 1.0; /* Neurontin: in proportion below 15 */
    if (crcl >= 60) { /* Neurontin 2.1: 300 mg on day 1; Lyrica 2.2/2.3 and 2.7: 150 mg/day */
        *start_lo = *start_hi = g ? 300 : 150;
        *max = g ? 3600 : 600;
    } else if (crcl >= 30) { /* Neurontin >30-59: 200 mg (of 200 BID); Lyrica 30-60: 75 */
        *start_lo = *start_hi = g ? 200 : 75;
        *max = g ? 1400 : 300;
    } else if (crcl >= 15) { /* Neurontin >15-29: 200 mg QD; Lyrica 15-30: 25-50 */
        *start_lo = g ? 200 : 25;
        *start_hi = g ? 200 : 50;
        *max = g ? 700 : 150;
    } else { /* Neurontin 15 (and dialysis): 100 mg QD, x CrCl/15 below 15; Lyrica < 15: 25 */
        *start_lo = *start_hi = g ? 100 * f : 25;
        *max = g ? 300 * f : 75;
    }
}

static void one(const struct label *l, const gs_drug *d, double crcl, double age, double target)
{
    const struct gs_dosing *r = gs_drug_dosing(d);
    struct gs_patient p;
    gs_patient_init(&p);
    p.age_y = age;
    if (crcl < 0)
        p.haemodialysis = 1;
    else
        p.crcl_given_ml_min = crcl;
    assert_int_equal(gs_patient_resolve(&p, NULL), GS_OK);
    struct gs_dose_plan plan;
    struct gs_error err = GS_ERROR_INIT;
    if (gs_dosing_recommend(d, &p, target, &plan, &err) != GS_OK) {
        print_error("%s CrCl %g age %g target %g: %s\n", l->drug, crcl, age, target, err.msg);
        fail();
    }
    struct gs_calendar_step c[GS_MAX_CALENDAR];
    size_t n = gs_dosing_calendar(d, &plan, c, GS_MAX_CALENDAR);
    assert_true(n >= 1 && n < GS_MAX_CALENDAR);
    double start_lo, start_hi, max;
    label_band(l, crcl, &start_lo, &start_hi, &max);
    int g = l == &gabapentin;
    double f = plan.scale;

    /* the first dose is the label's start: Neurontin's is one dose (300 mg on day 1 at >= 60),
     * Lyrica's a daily dose; below CrCl 15 the proportional dose, to the nearest 0.1 mL of
     * solution (5 mg) inside the band */
    double first = g ? c[0].dose_mg : c[0].dose_mg * c[0].per_day;
    double tol = g && crcl >= 0 && crcl < 15 ? 5.0 : EPS;
    if (c[0].day != 1 || first < start_lo - tol || first > start_hi + tol ||
        first * (g ? c[0].per_day : 1) > max + EPS) {
        print_error("%s CrCl %g age %g target %g: day %d first dose %g mg x %d, label start "
                    "%g-%g\n",
                    l->drug, crcl, age, target, c[0].day, c[0].dose_mg, c[0].per_day, start_lo,
                    start_hi);
        fail();
    }
    if (g && crcl >= 60)
        assert_int_equal(c[0].per_day, 1); /* Neurontin 2.1: a single dose on day 1 */

    /* the file's schedule, slower from the file's age */
    double k =
        age >= r->older_age_min && r->older_interval_factor > 1 ? r->older_interval_factor : 1.0;
    if (age >= 80)
        assert_true(k > 1.0); /* the data slows titration at 80 */
    size_t inc = 0;
    for (size_t i = 0; i < n; i++) {
        double daily = c[i].dose_mg * c[i].per_day;
        check_dose(l, c[i].dose_mg, c[i].form, "calendar dose", crcl);
        if (daily > max + EPS || daily > r->max_daily_mg + EPS) {
            print_error("%s CrCl %g: day %d %g mg/day above the band's %g\n", l->drug, crcl,
                        c[i].day, daily, max);
            fail();
        }
        if (i == 0)
            continue;
        double prev = c[i - 1].dose_mg * c[i - 1].per_day;
        int ramp = r->start_ramp_days > 0 && c[i].dose_mg == c[i - 1].dose_mg &&
                   c[i].per_day == c[i - 1].per_day + 1 && inc == 0;
        double gap =
            ramp ? r->start_ramp_days * k
                 : r->min_interval_days[inc < r->n_intervals ? inc : r->n_intervals - 1] * k;
        /* the largest step: the next label column above the previous daily dose (one less
         * than a 0.1 mL step of solution above it counts as reached: the dose was rounded down
         * to it) */
        double next_col = INFINITY;
        for (size_t j = 0; j < plan.band->n_columns; j++)
            if (plan.band->column_mg[j][0] * f > prev + 0.1 * l->solution_mg_ml + EPS) {
                size_t top = j + (size_t)r->max_step_columns - 1;
                next_col =
                    plan.band->column_mg[top < plan.band->n_columns ? top
                                                                    : plan.band->n_columns - 1][0] *
                    f;
                break;
            }
        int too_big = daily > next_col + EPS ||
                      (r->max_step_mg_day > 0 && daily - prev > r->max_step_mg_day + EPS);
        if (!(daily > prev) || too_big || c[i].day - c[i - 1].day < lround(gap)) {
            print_error("%s CrCl %g age %g target %g: step %zu day %d %g mg/day after day %d %g "
                        "mg/day (shortest gap %g days, next column %g)\n",
                        l->drug, crcl, age, target, i, c[i].day, daily, c[i - 1].day, prev, gap,
                        next_col);
            fail();
        }
        if (!ramp)
            inc++;
    }
    /* the calendar ends on the plan, which lies inside the band */
    assert_true(c[n - 1].dose_mg == plan.dose_mg && c[n - 1].per_day == plan.per_day);
    assert_true(plan.daily_mg <= max + EPS);
    check_dose(l, plan.dose_mg, plan.form, "maintenance", crcl);
    if (crcl < 0)
        for (int j = 0; j < 2; j++)
            check_dose(l, plan.hd_supplement_mg[j], plan.hd_form[j], "dialysis supplement", crcl);
    else
        assert_true(plan.hd_supplement_mg[0] == 0);
    struct gs_calendar_step t[8];
    size_t nt = gs_dosing_taper(d, plan.daily_mg, plan.per_day, t, 8);
    for (size_t i = 0; i + 1 < nt; i++)
        if (t[i].dose_mg > 0)
            check_dose(l, t[i].dose_mg, t[i].form, "taper dose", crcl);
}

static void table(const struct label *l)
{
    gs_drug *d = load_drug(l->drug);
    const struct gs_dosing *r = gs_drug_dosing(d);
    assert_non_null(r);
    /* the bands' edges, just below them, inside each band, very low, and anuric on dialysis */
    const double crcl[] = {120, 60, 59.9, 45, 30, 29.9, 20, 15, 14.9, 10, 5, 0.5, -1};
    const double age[] = {40, 80};
    const double target[] = {NAN, 0.5 * r->max_daily_mg, r->max_daily_mg};
    for (size_t i = 0; i < sizeof crcl / sizeof *crcl; i++)
        for (size_t a = 0; a < 2; a++)
            for (size_t t = 0; t < 3; t++)
                one(l, d, crcl[i], age[a], target[t]);
    gs_drug_free(d);
}

static void gabapentin_table(void **state)
{
    (void)state;
    table(&gabapentin);
}

static void pregabalin_table(void **state)
{
    (void)state;
    table(&pregabalin);
}

/* The two calendars the issue quotes, spelled out. */
static void issue_examples(void **state)
{
    (void)state;
    struct gs_patient p;
    gs_patient_init(&p);
    p.crcl_given_ml_min = 45;
    assert_int_equal(gs_patient_resolve(&p, NULL), GS_OK);
    struct gs_dose_plan plan;
    struct gs_calendar_step c[GS_MAX_CALENDAR];
    gs_drug *d = load_drug("pregabalin");
    assert_int_equal(gs_dosing_recommend(d, &p, 300, &plan, NULL), GS_OK);
    size_t n = gs_dosing_calendar(d, &plan, c, GS_MAX_CALENDAR);
    /* Lyrica 2.7, CrCl 30-60: 75 mg/day (25 mg TID, 37.5 mg being no capsule), a column a
     * step: 150 after a week (2.2/2.3: "within 1 week"), then 225 and 300 two weeks apart */
    const double pre[4][2] = {{1, 25}, {8, 50}, {22, 75}, {36, 100}};
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++)
        assert_true(c[i].day == pre[i][0] && c[i].dose_mg == pre[i][1] && c[i].per_day == 3);
    gs_drug_free(d);
    d = load_drug("gabapentin");
    p.crcl_given_ml_min = 90;
    assert_int_equal(gs_patient_resolve(&p, NULL), GS_OK);
    assert_int_equal(gs_dosing_recommend(d, &p, 1800, &plan, NULL), GS_OK);
    n = gs_dosing_calendar(d, &plan, c, GS_MAX_CALENDAR);
    /* Neurontin 2.1 days 1-3, then +300 mg/day every 3 days (BNF step; spacing assumed) */
    const double gab[6][3] = {{1, 300, 1}, {2, 300, 2}, {3, 300, 3},
                              {6, 400, 3}, {9, 500, 3}, {12, 600, 3}};
    assert_int_equal(n, 6);
    for (size_t i = 0; i < n; i++)
        assert_true(c[i].day == gab[i][0] && c[i].dose_mg == gab[i][1] &&
                    c[i].per_day == gab[i][2]);
    gs_drug_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gabapentin_table),
        cmocka_unit_test(pregabalin_table),
        cmocka_unit_test(issue_examples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
