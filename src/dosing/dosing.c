/* dosing.c - applying the labels' dosing rules (drug file "dosing" section) to one patient. */
#include "gabasim/dosing.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const struct gs_renal_band *gs_dosing_band(const struct gs_dosing *r, double crcl)
{
    for (size_t i = 0; i < r->n_bands; i++)
        if (crcl >= r->band[i].crcl_min && crcl < r->band[i].crcl_max)
            return &r->band[i];
    return r->n_bands ? &r->band[0] : NULL;
}

static void band_name(const struct gs_renal_band *b, char *buf, size_t n)
{
    if (isinf(b->crcl_max))
        snprintf(buf, n, "CrCl >= %g mL/min", b->crcl_min);
    else if (b->crcl_min == 0.0)
        snprintf(buf, n, "CrCl < %g mL/min", b->crcl_max);
    else
        snprintf(buf, n, "CrCl %g to < %g mL/min", b->crcl_min, b->crcl_max);
}

static void add_note(char *note, size_t size, const char *text)
{
    size_t k = strlen(note);
    snprintf(note + k, size - k, "%s\n", text);
}

/* The drug's rules, after checking that they exist and that the patient's kidney function is
 * known: what every rule below needs. */
static gs_status rules_for(const gs_drug *d, const struct gs_patient *pt,
                           const struct gs_dosing **r, struct gs_error *err)
{
    *r = gs_drug_dosing(d);
    if (*r == NULL)
        return gs_error_set(err, GS_UNSUPPORTED, "--drug",
                            "drug '%s' has no dosing rules (a \"dosing\" section)",
                            gs_drug_name(d));
    if (isnan(pt->crcl_ml_min))
        return gs_error_set(err, GS_INPUT, "--crcl",
                            "the renal dosing rule needs kidney function: give '--crcl', or "
                            "'--scr' with '--age', '--sex' and '--weight', or '--dialysis'");
    return GS_OK;
}

/* ---- dispensing: a dose made of the marketed products (dosing.products) ---- */

#define EPS_MG 1e-6

/* A dose as the products make it: n_units solids (unit[] indexes r->solid), or ml of solution. */
struct made {
    double mg;
    int n_units;
    int unit[8];
    double ml; /* > 0: solution */
};

/* Every combination of at most max_units solids (non-increasing strengths), passed to fn. */
struct combo_search {
    const struct gs_dosing *r;
    int depth, unit[8];
    double sum;
    double want, lo;
    struct made exact, floor,
        ceil; /* exact: == want; floor: largest <= want; ceil: smallest >= lo */
};

static void keep(struct made *m, const struct combo_search *c)
{
    m->mg = c->sum;
    m->n_units = c->depth;
    memcpy(m->unit, c->unit, sizeof m->unit);
    m->ml = 0.0;
}

static void combos(struct combo_search *c, size_t from)
{
    if (c->depth > 0) {
        if (fabs(c->sum - c->want) < EPS_MG && (c->exact.mg < 0 || c->depth < c->exact.n_units))
            keep(&c->exact, c);
        if (c->sum <= c->want + EPS_MG &&
            (c->sum > c->floor.mg + EPS_MG ||
             (fabs(c->sum - c->floor.mg) < EPS_MG && c->depth < c->floor.n_units)))
            keep(&c->floor, c);
        if (c->sum >= c->lo - EPS_MG &&
            (c->ceil.mg < 0 || c->sum < c->ceil.mg - EPS_MG ||
             (fabs(c->sum - c->ceil.mg) < EPS_MG && c->depth < c->ceil.n_units)))
            keep(&c->ceil, c);
    }
    if (c->depth == c->r->max_units || c->depth == 8)
        return;
    for (size_t i = from + 1; i-- > 0;) { /* strengths from `from` down: largest first */
        c->unit[c->depth++] = (int)i;
        c->sum += c->r->solid[i].mg;
        combos(c, i);
        c->sum -= c->r->solid[i].mg;
        c->depth--;
    }
}

static struct combo_search solids_for(const struct gs_dosing *r, double want, double lo)
{
    struct combo_search c = {.r = r, .want = want, .lo = lo};
    c.exact.mg = c.ceil.mg = -1.0;
    c.floor.mg = 0.0;
    if (r->n_solids)
        combos(&c, r->n_solids - 1);
    return c;
}

/* The solution: a whole number of measuring steps, at least one. */
static int solution(const struct gs_dosing *r, double mg, int up, struct made *m)
{
    double unit = r->solution_mg_ml * r->solution_step_ml;
    if (!(unit > 0.0))
        return 0;
    double k = up ? ceil(mg / unit - 1e-9) : floor(mg / unit + 1e-9);
    if (k < 1.0)
        k = up ? 1.0 : 0.0;
    if (k < 1.0)
        return 0;
    m->mg = k * unit;
    m->n_units = 0;
    m->ml = k * r->solution_step_ml;
    return 1;
}

static void describe(const struct gs_dosing *r, const struct made *m, char *buf, size_t n)
{
    if (buf == NULL || n == 0)
        return;
    buf[0] = '\0';
    if (m->ml > 0.0) {
        snprintf(buf, n, "%.1f mL of %g mg/mL oral solution", m->ml, r->solution_mg_ml);
        return;
    }
    for (int i = 0; i < m->n_units;) {
        int j = i;
        while (j < m->n_units && m->unit[j] == m->unit[i])
            j++;
        const struct gs_dose_product *x = &r->solid[m->unit[i]];
        size_t k = strlen(buf);
        snprintf(buf + k, n - k, "%s%d x %g mg %s%s", i ? " + " : "", j - i, x->mg, x->form,
                 j - i > 1 ? "s" : "");
        i = j;
    }
}

/* The rounding rule (dosing.products.rounding). solids_first: a titration step, whose ceiling
 * is a limit rather than a label dose: the largest solids below it before an exact solution. */
static int dispense(const struct gs_dosing *r, double want, double lo, double hi, int solids_first,
                    struct made *out)
{
    struct combo_search c = solids_for(r, want, lo);
    struct made q;
    if (c.exact.mg > 0) {
        *out = c.exact;
        return 1;
    }
    if (solids_first && c.floor.mg >= lo - EPS_MG && c.floor.mg > 0) {
        *out = c.floor;
        return 1;
    }
    int have_q = solution(r, want, 0, &q);
    if (have_q && fabs(q.mg - want) < EPS_MG && q.mg >= lo - EPS_MG) {
        *out = q;
        return 1;
    }
    /* the largest dispensable dose <= want, solids on a tie */
    struct made best = c.floor;
    if (have_q && q.mg > best.mg + EPS_MG)
        best = q;
    if (best.mg > 0 && best.mg >= lo - EPS_MG && best.mg <= hi + EPS_MG) {
        *out = best;
        return 1;
    }
    /* rounding down leaves the band: the smallest dispensable dose >= lo */
    best = c.ceil;
    if (solution(r, lo, 1, &q) && (best.mg < 0 || q.mg < best.mg - EPS_MG))
        best = q;
    if (best.mg > 0 && best.mg <= hi + EPS_MG) {
        *out = best;
        return 1;
    }
    return 0;
}

gs_status gs_dosing_dispense(const gs_drug *d, double want, double lo, double hi, double *got,
                             char *form, size_t form_size, struct gs_error *err)
{
    const struct gs_dosing *r = gs_drug_dosing(d);
    if (r == NULL)
        return gs_error_set(err, GS_UNSUPPORTED, "dosing", "drug '%s' has no dosing rules",
                            gs_drug_name(d));
    struct made m;
    if (!(want > 0.0) || !dispense(r, want, lo, hi, 0, &m))
        return gs_error_set(err, GS_INPUT, "dose",
                            "no dose of %s's marketed products lies between %g and %g mg",
                            gs_drug_name(d), lo, hi);
    *got = m.mg;
    describe(r, &m, form, form_size);
    return GS_OK;
}

/* The band's doses-a-day options into order[] (room for 4), `prefer` first when the band lists
 * it; returns how many. */
static int per_day_order(const struct gs_renal_band *b, int prefer, int *order)
{
    int n = 0;
    for (size_t k = 0; k < b->n_per_day && n < 4; k++)
        if (b->per_day[k] == prefer)
            order[n++] = prefer;
    for (size_t k = 0; k < b->n_per_day && n < 4; k++)
        if (b->per_day[k] != prefer)
            order[n++] = b->per_day[k];
    return n;
}

/* A daily dose split into the band's doses a day: the first split (trying `prefer` first, if
 * the band lists it) the solids make exactly, else the first the solution makes exactly, else
 * the band's first split rounded by the rule within [lo, hi] a day. */
static int split(const struct gs_dosing *r, const struct gs_renal_band *b, double daily, double lo,
                 double hi, int prefer, double *dose, int *per_day, char *form, size_t form_size)
{
    int order[4];
    int n = per_day_order(b, prefer, order);
    struct made m;
    for (int pass = 0; pass < 2; pass++)
        for (int k = 0; k < n; k++) {
            double want = daily / order[k];
            struct combo_search c = solids_for(r, want, want);
            int ok = c.exact.mg > 0;
            if (ok)
                m = c.exact;
            else if (pass == 1)
                ok = solution(r, want, 0, &m) && fabs(m.mg - want) < EPS_MG;
            if (ok) {
                *dose = m.mg;
                *per_day = order[k];
                describe(r, &m, form, form_size);
                return 1;
            }
        }
    if (!dispense(r, daily / order[0], lo / order[0], hi / order[0], 0, &m))
        return 0;
    *dose = m.mg;
    *per_day = order[0];
    describe(r, &m, form, form_size);
    return 1;
}

static const char *times_a_day(int n)
{
    return n == 1   ? "once a day"
           : n == 2 ? "twice a day"
           : n == 3 ? "three times a day"
                    : "four times a day";
}

/* The band's scale (label reduction in proportion to CrCl) for this patient. */
static double band_scale(const struct gs_renal_band *b, const struct gs_patient *pt, double crcl)
{
    if (b->scale_below_crcl > 0.0 && crcl < b->scale_below_crcl && !pt->haemodialysis)
        return crcl / b->scale_below_crcl;
    return 1.0;
}

gs_status gs_dosing_band_range(const gs_drug *d, const struct gs_patient *pt, double *lo_mg,
                               double *hi_mg)
{
    const struct gs_dosing *r = gs_drug_dosing(d);
    if (r == NULL || isnan(pt->crcl_ml_min))
        return GS_UNSUPPORTED;
    double crcl = pt->haemodialysis ? 0.0 : pt->crcl_ml_min;
    const struct gs_renal_band *b = gs_dosing_band(r, crcl);
    if (b == NULL)
        return GS_UNSUPPORTED;
    double f = band_scale(b, pt, crcl);
    *lo_mg = b->daily_min_mg * f;
    *hi_mg = b->daily_max_mg * f;
    return GS_OK;
}

/* The band's start (its first column's low end, scaled) as a dose and doses a day. */
static int band_start(const struct gs_dosing *r, const struct gs_renal_band *b, double f,
                      double *dose, int *per_day, char *form, size_t form_size)
{
    return split(r, b, b->column_mg[0][0] * f, b->daily_min_mg * f, b->daily_max_mg * f, 0, dose,
                 per_day, form, form_size);
}

gs_status gs_dosing_recommend(const gs_drug *d, const struct gs_patient *pt, double target,
                              struct gs_dose_plan *out, struct gs_error *err)
{
    memset(out, 0, sizeof *out);
    const struct gs_dosing *r;
    gs_status st = rules_for(d, pt, &r, err);
    if (st != GS_OK)
        return st;
    double crcl = pt->haemodialysis ? 0.0 : pt->crcl_ml_min;
    const struct gs_renal_band *b = gs_dosing_band(r, crcl);
    out->band = b;
    char name[96], line[320];
    band_name(b, name, sizeof name);
    /* the column nearest the target (by daily dose), else the first (the label's start) */
    size_t col = 0;
    if (!isnan(target)) {
        double best = INFINITY;
        for (size_t k = 0; k < b->n_columns; k++) {
            double mid = 0.5 * (b->column_mg[k][0] + b->column_mg[k][1]);
            if (fabs(mid - target) < best) {
                best = fabs(mid - target);
                col = k;
            }
        }
    }
    out->column = col;
    double daily = b->column_mg[col][0];
    snprintf(line, sizeof line,
             "%s (%s): the label's daily range is %g-%g mg; column %zu gives %g mg/day", name,
             gs_patient_crcl_source_name(pt->crcl_source), b->daily_min_mg, b->daily_max_mg,
             col + 1, daily);
    add_note(out->note, sizeof out->note, line);
    double f = band_scale(b, pt, crcl);
    out->scale = f;
    if (f < 1.0) {
        snprintf(line, sizeof line,
                 "below %g mL/min the label reduces the daily dose in proportion to CrCl: x %.3g",
                 b->scale_below_crcl, f);
        add_note(out->note, sizeof out->note, line);
    }
    double start_dose;
    int start_per_day;
    char start_form[GS_DOSE_FORM_MAX];
    if (!band_start(r, b, f, &start_dose, &start_per_day, start_form, sizeof start_form) ||
        !split(r, b, daily * f, b->daily_min_mg * f, b->daily_max_mg * f, start_per_day,
               &out->dose_mg, &out->per_day, out->form, sizeof out->form)) {
        double least = r->solution_mg_ml * r->solution_step_ml;
        if (!(least > 0.0) && r->n_solids)
            least = r->solid[0].mg;
        double lowest =
            b->scale_below_crcl > 0.0 ? least / b->daily_max_mg * b->scale_below_crcl : b->crcl_min;
        return gs_error_set(err, GS_INPUT, "--crcl",
                            "'--crcl' is %g mL/min: the label's dose for it, %.3g-%.3g mg/day "
                            "(in proportion to CrCl), is below the smallest dose %s's products "
                            "make (%g mg); allowed %.3g mL/min or more, or '--dialysis' for a "
                            "patient on haemodialysis",
                            crcl, b->daily_min_mg * f, b->daily_max_mg * f, gs_drug_name(d), least,
                            lowest);
    }
    out->daily_mg = out->dose_mg * out->per_day;
    if (fabs(out->daily_mg - daily * f) > EPS_MG) {
        snprintf(line, sizeof line,
                 "%.4g mg/day cannot be made of the marketed strengths; %g mg %s (%g mg/day) "
                 "is the nearest dose that can, inside the label's band",
                 daily * f, out->dose_mg, times_a_day(out->per_day), out->daily_mg);
        add_note(out->note, sizeof out->note, line);
    }
    snprintf(line, sizeof line, "each dose: %s", out->form);
    add_note(out->note, sizeof out->note, line);
    out->interval_factor = 1.0;
    if (!isnan(pt->age_y) && r->older_interval_factor > 1.0 && pt->age_y >= r->older_age_min) {
        out->interval_factor = r->older_interval_factor;
        snprintf(line, sizeof line,
                 "age %g (%g or older): the days between dose increases x %g (an assumption; "
                 "the label asks for cautious dose selection in older patients)",
                 pt->age_y, r->older_age_min, r->older_interval_factor);
        add_note(out->note, sizeof out->note, line);
    } else if (isnan(pt->age_y) && r->older_interval_factor > 1.0)
        add_note(out->note, sizeof out->note,
                 "age not given: the increases are spaced as for adults under 65; give '--age' "
                 "for an older patient's slower schedule");
    if (pt->haemodialysis && r->n_hd > col) {
        for (int k = 0; k < 2; k++) {
            struct made m;
            double v = r->hd_supplement_mg[col][k];
            if (!dispense(r, v, r->hd_supplement_mg[col][0], r->hd_supplement_mg[col][1], 0, &m))
                return gs_error_set(err, GS_INPUT, "dosing",
                                    "the label's %g mg supplement is not made of %s's products", v,
                                    gs_drug_name(d));
            out->hd_supplement_mg[k] = m.mg;
            describe(r, &m, out->hd_form[k], sizeof out->hd_form[k]);
        }
        char amount[48];
        if (out->hd_supplement_mg[1] > out->hd_supplement_mg[0])
            snprintf(amount, sizeof amount, "%g-%g mg", out->hd_supplement_mg[0],
                     out->hd_supplement_mg[1]);
        else
            snprintf(amount, sizeof amount, "%g mg", out->hd_supplement_mg[0]);
        char forms[2 * GS_DOSE_FORM_MAX + 8];
        if (out->hd_supplement_mg[1] > out->hd_supplement_mg[0])
            snprintf(forms, sizeof forms, "%s, or %s", out->hd_form[0], out->hd_form[1]);
        else
            snprintf(forms, sizeof forms, "%s", out->hd_form[0]);
        snprintf(line, sizeof line,
                 "on haemodialysis: maintenance as for the lowest band, plus %s after each 4-h "
                 "session (%s)",
                 amount, forms);
        add_note(out->note, sizeof out->note, line);
    }
    return GS_OK;
}

static void finding(struct gs_finding *out, size_t max, size_t *n, enum gs_finding_level level,
                    const char *text)
{
    if (*n < max) {
        out[*n].level = level;
        snprintf(out[*n].text, sizeof out[*n].text, "%s", text);
    }
    (*n)++;
}

gs_status gs_dosing_check(const gs_drug *d, const struct gs_patient *pt,
                          const struct gs_regimen *reg, struct gs_finding *out, size_t max,
                          size_t *n, struct gs_error *err)
{
    *n = 0;
    const struct gs_dosing *r;
    gs_status st = rules_for(d, pt, &r, err);
    if (st != GS_OK)
        return st;
    if (reg->n_steps == 0)
        return gs_error_set(err, GS_INPUT, "--dose", "no regimen to check");
    double crcl = pt->haemodialysis ? 0.0 : pt->crcl_ml_min;
    const struct gs_renal_band *b = gs_dosing_band(r, crcl);
    char name[96], text[256];
    band_name(b, name, sizeof name);
    for (size_t s = 0; s < reg->n_steps; s++) {
        double daily = reg->steps[s].dose_mg * 24.0 / reg->steps[s].ii_h;
        if (daily > r->max_daily_mg * (1 + 1e-9)) {
            snprintf(text, sizeof text,
                     "%g mg/day from hour %g is above the label's maximum of %g mg/day", daily,
                     reg->steps[s].start_h, r->max_daily_mg);
            finding(out, max, n, GS_FINDING_WARNING, text);
        }
    }
    const struct gs_regimen_step *m = gs_regimen_maintenance(reg);
    double daily = m->dose_mg * 24.0 / m->ii_h;
    double per_day = 24.0 / m->ii_h;
    double f = band_scale(b, pt, crcl);
    double hi = b->daily_max_mg * f, lo = b->daily_min_mg * f;
    if (daily > hi * (1 + 1e-9)) {
        snprintf(text, sizeof text,
                 "maintenance %g mg/day is above the label's %g mg/day for %s: reduce the dose "
                 "(renal elimination; %s)",
                 daily, hi, name, r->renal_source);
        finding(out, max, n, GS_FINDING_WARNING, text);
    } else if (daily < lo * (1 - 1e-9)) {
        snprintf(text, sizeof text,
                 "maintenance %g mg/day is below the label's %g-%g mg/day for %s (effective doses "
                 "were studied within it)",
                 daily, lo, hi, name);
        finding(out, max, n, GS_FINDING_INFO, text);
    }
    int listed = 0;
    for (size_t k = 0; k < b->n_per_day; k++)
        listed |= fabs(per_day - b->per_day[k]) < 1e-9;
    if (!listed) {
        char opts[32] = "";
        for (size_t k = 0; k < b->n_per_day; k++) {
            size_t len = strlen(opts);
            snprintf(opts + len, sizeof opts - len, "%s%d", k ? " or " : "", b->per_day[k]);
        }
        snprintf(text, sizeof text, "%g dose%s a day; the label gives %s a day for %s", per_day,
                 fabs(per_day - 1.0) < 1e-9 ? "" : "s", opts, name);
        finding(out, max, n, GS_FINDING_WARNING, text);
    }
    if (r->max_interval_h > 0.0 && m->ii_h > r->max_interval_h && per_day >= 3.0 - 1e-9) {
        snprintf(text, sizeof text, "%g h between doses; the label allows at most %g h (%s)",
                 m->ii_h, r->max_interval_h, r->max_interval_source);
        finding(out, max, n, GS_FINDING_WARNING, text);
    }
    if (pt->haemodialysis) {
        snprintf(text, sizeof text,
                 "on haemodialysis: give the label's supplemental dose after each 4-h session "
                 "(%s)",
                 r->hd_source ? r->hd_source : "see the label");
        finding(out, max, n, GS_FINDING_INFO, text);
    }
    return GS_OK;
}

static void push(struct gs_calendar_step *out, size_t *n, int day, double dose, int per_day,
                 const char *form)
{
    out[*n].day = day;
    out[*n].dose_mg = dose;
    out[*n].per_day = per_day;
    snprintf(out[*n].form, sizeof out[*n].form, "%s", form);
    (*n)++;
}

/* The next increase from `cur` mg/day toward `target`: at most max_step_columns columns above
 * cur and max_step_mg_day more, made of solids at or below that ceiling where they can (a
 * titration step need not be a label column), in `prefer` doses a day if the band allows. */
static int next_step(const struct gs_dosing *r, const struct gs_renal_band *b, double f, double cur,
                     double target, int prefer, double *dose, int *per_day, char *form,
                     size_t form_size)
{
    /* a column less than one measuring step of solution above cur counts as reached: cur was
     * rounded down to it */
    double grain = r->solution_mg_ml * r->solution_step_ml;
    double ceiling = target;
    size_t j = 0;
    while (j < b->n_columns && b->column_mg[j][0] * f <= cur + grain + EPS_MG)
        j++;
    if (j < b->n_columns) {
        size_t top = j + (size_t)r->max_step_columns - 1;
        if (top >= b->n_columns)
            top = b->n_columns - 1;
        ceiling = fmin(ceiling, b->column_mg[top][0] * f);
    }
    if (r->max_step_mg_day > 0.0)
        ceiling = fmin(ceiling, cur + r->max_step_mg_day);
    int order[4];
    int n = per_day_order(b, prefer, order);
    /* the ceiling made exactly by solids, in the preferred doses a day first */
    for (int k = 0; k < n; k++) {
        struct combo_search c = solids_for(r, ceiling / order[k], ceiling / order[k]);
        if (c.exact.mg > 0) {
            *dose = c.exact.mg;
            *per_day = order[k];
            describe(r, &c.exact, form, form_size);
            return 1;
        }
    }
    /* else the most below it that is still an increase, solids first */
    for (int k = 0; k < n; k++) {
        struct made m;
        if (dispense(r, ceiling / order[k], cur / order[k] + EPS_MG * 10, ceiling / order[k], 1,
                     &m)) {
            *dose = m.mg;
            *per_day = order[k];
            describe(r, &m, form, form_size);
            return 1;
        }
    }
    return 0;
}

size_t gs_dosing_calendar(const gs_drug *d, const struct gs_dose_plan *plan,
                          struct gs_calendar_step *out, size_t max)
{
    const struct gs_dosing *r = gs_drug_dosing(d);
    const struct gs_renal_band *b = plan->band;
    size_t n = 0;
    if (max == 0)
        return 0;
    if (r == NULL || b == NULL) { /* no rules: the plan from day 1 */
        push(out, &n, 1, plan->dose_mg, plan->per_day, plan->form);
        return n;
    }
    double f = plan->scale > 0.0 ? plan->scale : 1.0;
    double k = plan->interval_factor >= 1.0 ? plan->interval_factor : 1.0;
    double dose;
    int per_day;
    char form[GS_DOSE_FORM_MAX];
    if (!band_start(r, b, f, &dose, &per_day, form, sizeof form)) {
        push(out, &n, 1, plan->dose_mg, plan->per_day, plan->form);
        return n;
    }
    if (dose * per_day >= plan->daily_mg - EPS_MG) { /* the start is the maintenance */
        dose = plan->dose_mg;
        per_day = plan->per_day;
        snprintf(form, sizeof form, "%s", plan->form);
    }
    /* the start: at once, or one dose a day more every start_ramp_days */
    int ramp = r->start_ramp_days > 0.0 ? per_day : 1;
    for (int j = 1; j <= ramp && n < max; j++)
        push(out, &n, 1 + (int)lround((j - 1) * r->start_ramp_days * k), dose,
             ramp > 1 ? j : per_day, form);
    double cur = dose * per_day;
    for (size_t inc = 0; cur < plan->daily_mg - EPS_MG && n < max; inc++) {
        size_t i = inc < r->n_intervals ? inc : r->n_intervals - 1;
        int day = out[n - 1].day + (int)lround(r->min_interval_days[i] * k);
        if (!next_step(r, b, f, cur, plan->daily_mg, per_day, &dose, &per_day, form, sizeof form) ||
            dose * per_day >= plan->daily_mg - EPS_MG) {
            dose = plan->dose_mg;
            per_day = plan->per_day;
            snprintf(form, sizeof form, "%s", plan->form);
        }
        push(out, &n, day, dose, per_day, form);
        cur = dose * per_day;
    }
    return n;
}

size_t gs_dosing_taper(const gs_drug *d, double daily_mg, int per_day, struct gs_calendar_step *out,
                       size_t max)
{
    const struct gs_dosing *r = gs_drug_dosing(d);
    double days = r && r->taper_min_days > 7.0 ? r->taper_min_days : 7.0;
    int span = (int)ceil(days / 3.0);
    size_t n = 0;
    for (int k = 0; k < 3 && n < max; k++) {
        double want = daily_mg * (3 - k) / 3.0 / per_day;
        struct made m = {.mg = want};
        out[n].form[0] = '\0';
        if (r && r->n_solids) {
            /* a step no product makes (below 0.1 mL of solution), or the same as the one
             * before, is left out */
            if (!dispense(r, want, 0.0, want, 1, &m) || (n && m.mg >= out[n - 1].dose_mg))
                continue;
            describe(r, &m, out[n].form, sizeof out[n].form);
        }
        out[n].day = 1 + k * span;
        out[n].per_day = per_day;
        out[n].dose_mg = m.mg;
        n++;
    }
    if (n < max) { /* the first day without the drug */
        out[n].day = 1 + 3 * span;
        out[n].per_day = per_day;
        out[n].dose_mg = 0.0;
        snprintf(out[n].form, sizeof out[n].form, "none");
        n++;
    }
    return n;
}

gs_status gs_dosing_calendar_regimen(const struct gs_calendar_step *steps, size_t n, double days,
                                     struct gs_regimen *out, struct gs_error *err)
{
    gs_regimen_init(out);
    if (n == 0 || n > GS_REGIMEN_MAX_STEPS)
        return gs_error_set(err, GS_INPUT, "calendar", "a calendar needs 1 to %d steps",
                            GS_REGIMEN_MAX_STEPS);
    for (size_t i = 0; i < n; i++) {
        if (steps[i].dose_mg <= 0.0) { /* a stop ends the schedule */
            days = fmin(days, steps[i].day - 1);
            break;
        }
        out->steps[out->n_steps].start_h = 24.0 * (steps[i].day - 1);
        out->steps[out->n_steps].dose_mg = steps[i].dose_mg;
        out->steps[out->n_steps].ii_h = 24.0 / steps[i].per_day;
        out->n_steps++;
    }
    out->end_h = 24.0 * days;
    return out->n_steps ? GS_OK : gs_error_set(err, GS_INPUT, "calendar", "no dosing step");
}
