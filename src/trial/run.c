/* run.c - one replicate of a virtual trial: screening, randomization, each participant's course
 * (exposure, pain, side effects, dropout) day by day, then the analysis (analyse.c).
 *
 * A participant's numbers all come from one random stream, GS_TRIAL_STREAM(rep, candidate), in a
 * fixed order: covariates, pain type, the placebo-course random effects and the baseline
 * measurement at screening; then PK random effects, side-effect thresholds, and the daily and
 * visit draws. The allocation sequences have streams of their own, and so has the participant's
 * drug-effect deviate (EFFECT_STREAM), so that adding it left every other draw as it was.
 */
#include <math.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "trial_int.h"

static double logit(double p)
{
    return log(p / (1.0 - p));
}
static double expit(double x)
{
    return 1.0 / (1.0 + exp(-x));
}
static double clamp10(double x)
{
    return x < 0.0 ? 0.0 : x > 10.0 ? 10.0 : x;
}

/* The stream of candidate j's between-person drug-effect deviate (gabasim/pain_effect.h): bit 62
 * is free in GS_TRIAL_STREAM (replicates < 2^20) and clear in GS_TRIAL_ALLOC_STREAM. */
#define EFFECT_STREAM(rep, j) ((1ULL << 62) | GS_TRIAL_STREAM(rep, j))

/* What screening drew for one candidate. */
struct candidate {
    gs_rng rng;
    struct gs_trial_subject s;
    double pe, t_half_d; /* the participant's placebo course */
    double z_effect;     /* the drug-effect deviate */
};

/* 0 eligible; else 1 age, 2 CrCl, 3 baseline pain. */
static gs_status screen(const gs_trial *t, long rep, long j, struct candidate *c, int *why,
                        struct gs_error *err)
{
    const struct gs_trial_spec *sp = &t->spec;
    const struct gs_placebo *pl = &t->pain.placebo;
    memset(&c->s, 0, sizeof c->s);
    gs_rng_seed(&c->rng, sp->seed, GS_TRIAL_STREAM(rep, j));
    gs_status st = gs_covdist_draw(t->cov, &c->rng, &c->s.patient, err);
    if (st != GS_OK)
        return st;
    c->s.radicular = gs_rng_uniform(&c->rng) < sp->radicular_fraction;
    double zb = gs_rng_normal(&c->rng), zp = gs_rng_normal(&c->rng);
    double zt = gs_rng_normal(&c->rng), zm = gs_rng_normal(&c->rng);
    c->s.base_true = 10.0 * expit(logit(pl->base / 10.0) + sqrt(pl->omega2_logit_base) * zb);
    c->pe = expit(logit(pl->pe) + sqrt(pl->omega2_logit_pe) * zp);
    c->t_half_d = pl->t_half_d * exp(sqrt(pl->omega2_log_t_half) * zt);
    c->s.base_obs = clamp10(c->s.base_true + sp->measurement_sd * zm);
    gs_rng er;
    gs_rng_seed(&er, sp->seed, EFFECT_STREAM(rep, j));
    c->z_effect = gs_rng_normal(&er);
    const struct gs_patient *p = &c->s.patient;
    *why = !(p->age_y >= sp->age_min_y && p->age_y <= sp->age_max_y)             ? 1
           : !(p->crcl_ml_min >= sp->crcl_min && p->crcl_ml_min <= sp->crcl_max) ? 2
           : !(c->s.base_obs >= sp->pain_min && c->s.base_obs <= sp->pain_max)   ? 3
                                                                                 : 0;
    return GS_OK;
}

/* The steady-state average concentration of the step taken on day d (0 before the first step)
 * at clearance cl: the reference patient's, scaled by clearance (absorption does not depend on
 * clearance). The side-effect model is defined on this exposure; pain uses effect_day below. */
static double day_conc(const gs_trial *t, int a, size_t k, int d, double cl)
{
    return t->step_day[a][k] <= d ? t->step_cavg_ref[a][k] * t->ref_cl[a] / cl : 0.0;
}

/* One participant's drug effect, advanced a day at a time: the central amount and effect-site
 * concentration driven by the arm's absorbed-amount input (the reference patient's: absorption
 * does not depend on clearance or volume), then the engaged fraction S. Every GS_TRIAL_DT_H
 * interval is solved exactly for a constant absorption rate over it; S for f(Ce) varying linearly
 * over it. */
struct effect_state {
    double amount, ce, s; /* mg in the central compartment, mg/L, fraction */
    double ek, ee, g, inv_v, k, ke0, es, kappa_h;
    const double *input; /* mg absorbed per interval, from the start of the trial */
    double f_prev;
};

static void effect_init(struct effect_state *e, const gs_trial *t, int a, double cl, double v,
                        const double *input)
{
    const double h = GS_TRIAL_DT_H;
    memset(e, 0, sizeof *e);
    e->k = cl / v;
    e->ke0 = t->ke0[a];
    e->inv_v = 1.0 / v;
    e->ek = exp(-e->k * h);
    e->ee = exp(-e->ke0 * h);
    /* the effect site's response to the central amount's decaying part over one interval */
    e->g = fabs(e->ke0 - e->k) > 1e-9 * e->ke0 ? e->ke0 / (e->ke0 - e->k) * (e->ek - e->ee)
                                               : e->ke0 * h * e->ek;
    e->kappa_h = t->pain.k_on_per_d / 24.0 * h;
    e->es = exp(-e->kappa_h);
    e->input = input;
}

/* Advances over day d (intervals of that day); returns S at the day's end. */
static double effect_day(struct effect_state *e, const gs_trial *t, int a, int d)
{
    const int per_day = (int)(24.0 / GS_TRIAL_DT_H + 0.5);
    const double h = GS_TRIAL_DT_H, ec50 = t->ec50[a];
    for (int i = (d - 1) * per_day; i < d * per_day; i++) {
        double a_inf = e->input[i] / h / e->k; /* amount the interval's input rate sustains */
        double a0 = e->amount;
        e->amount = a_inf + (a0 - a_inf) * e->ek;
        e->ce = e->ce * e->ee + a_inf * e->inv_v * (1.0 - e->ee) + (a0 - a_inf) * e->inv_v * e->g;
        double f = e->ce > 0.0 ? e->ce / (ec50 + e->ce) : 0.0;
        e->s = f + (e->s - e->f_prev) * e->es - (f - e->f_prev) * (1.0 - e->es) / e->kappa_h;
        e->f_prev = f;
    }
    return e->s;
}

gs_status gs_trial_engaged_course(const gs_trial *t, int a, double cl_l_h, double v_l, int n_days,
                                  double *s_out, struct gs_error *err)
{
    if (a < 0 || a > 1 || t->spec.arm[a].type != GS_ARM_DRUG || !(cl_l_h > 0.0) || !(v_l > 0.0) ||
        n_days < 1 || n_days > 7 * t->spec.duration_weeks)
        return gs_error_set(err, GS_INPUT, "arm",
                            "arm %d is not a drug arm, or clearance %g, volume %g or days %d "
                            "invalid",
                            a, cl_l_h, v_l, n_days);
    struct effect_state e;
    effect_init(&e, t, a, cl_l_h, v_l, t->input[a][t->n_steps[a] - 1]);
    for (int d = 1; d <= n_days; d++)
        s_out[d - 1] = effect_day(&e, t, a, d);
    return GS_OK;
}

/* The participant's course after allocation to arm a. */
static gs_status follow(const gs_trial *t, struct candidate *c, int a, struct gs_error *err)
{
    const struct gs_trial_spec *sp = &t->spec;
    struct gs_trial_subject *s = &c->s;
    gs_rng *rng = &c->rng;
    s->arm = a;
    s->cl_l_h = NAN;
    int drug = sp->arm[a].type == GS_ARM_DRUG;
    struct effect_state eff;
    int had_ae = 0;
    if (drug) {
        struct gs_model m;
        gs_status st = gs_drug_individual_model(t->drug[a], &s->patient, &m, NULL, 0, err);
        if (st != GS_OK)
            return st;
        double eta[GS_MAX_PARAMS];
        gs_variability_draw_eta(&t->var[a], rng, eta);
        gs_variability_apply_eta(&t->var[a], eta, &m);
        s->cl_l_h = m.structure->clearance(m.p);
        effect_init(&eff, t, a, s->cl_l_h, m.structure->volume(m.p),
                    t->input[a][t->n_steps[a] - 1]);
    }
    double u_ae[GS_AE_MAX_EVENTS];
    for (size_t e = 0; e < t->n_ae; e++)
        u_ae[e] = gs_rng_uniform(rng);
    const int n_days = 7 * sp->duration_weeks;
    const double h_other = 1.0 - pow(1.0 - sp->ae_background, 1.0 / 84.0);
    const double h_lost = 1.0 - pow(1.0 - sp->loss_per_week, 1.0 / 7.0);
    /* the participant's own maximum effect, around the arm's (data/pain.json between_person) */
    const double emax =
        drug ? gs_pain_individual_emax(t->emax[a][s->radicular], t->pain.spread.omega, c->z_effect)
             : 0.0;
    s->emax_i = drug ? emax : NAN;
    size_t step = 0, cap = drug ? t->n_steps[a] : 0;
    double engaged = 0.0, c_high = 0.0;
    size_t v = 0;
    for (int d = 1; d <= n_days && s->drop_day == 0; d++) {
        if (drug) {
            while (step + 1 < cap && t->step_day[a][step + 1] <= d)
                step++;
            s->final_mg_day = t->step_day[a][step] <= d ? t->step_mg_day[a][step] : 0.0;
            engaged = effect_day(&eff, t, a, d);
            c_high = fmax(c_high, day_conc(t, a, step, d, s->cl_l_h));
        }
        for (size_t e = 0; e < t->n_ae; e++) {
            if (s->ae_day[e])
                continue;
            double cx = t->ae_exposed[a][e] ? c_high : 0.0;
            if (gs_ae_risk(&t->ae, t->ae_ev[a][e], cx, s->patient.age_y, 0, d) >= u_ae[e]) {
                s->ae_day[e] = d;
                if (had_ae++) /* only the first side effect decides (docs/trial.md) */
                    continue;
                if (sp->ae_discontinue > 0.0 && gs_rng_uniform(rng) < sp->ae_discontinue) {
                    s->drop_day = d;
                    s->drop_reason = GS_DROP_ADVERSE;
                } else if (drug && sp->arm[a].titration == GS_TITRATE_MAX_TOLERATED) {
                    cap = step + 1; /* the dose that caused it is the highest tolerated */
                    eff.input = t->input[a][step]; /* the same doses until the next step */
                }
            }
        }
        if (s->drop_day == 0 && h_other > 0.0 && gs_rng_uniform(rng) < h_other) {
            s->drop_day = d;
            s->drop_reason = GS_DROP_ADVERSE;
        }
        if (s->drop_day == 0 && h_lost > 0.0 && gs_rng_uniform(rng) < h_lost) {
            s->drop_day = d;
            s->drop_reason = GS_DROP_LOST;
        }
        if (v < sp->n_visits && d == 7 * sp->visit_week[v]) {
            if (s->drop_day == 0) {
                double placebo = s->base_true * (1.0 - c->pe * -expm1(-log(2.0) * d / c->t_half_d));
                double truth = placebo * (1.0 - emax * engaged);
                s->pain[v] = clamp10(truth + sp->measurement_sd * gs_rng_normal(rng));
                double improved = 100.0 * (s->base_obs - s->pain[v]) / s->base_obs;
                if (sp->loe_per_visit > 0.0 && sp->visit_week[v] >= sp->loe_after_week &&
                    v + 1 < sp->n_visits && improved < sp->loe_min_pct &&
                    gs_rng_uniform(rng) < sp->loe_per_visit) {
                    s->drop_day = d;
                    s->drop_reason = GS_DROP_EFFICACY;
                }
            }
            v++;
        }
    }
    for (; v < sp->n_visits; v++)
        s->pain[v] = NAN;
    for (size_t w = 0; w < sp->n_visits; w++)
        if (s->drop_day && 7 * sp->visit_week[w] > s->drop_day)
            s->pain[w] = NAN;
    return GS_OK;
}

static void shuffle(int *x, long n, gs_rng *r)
{
    for (long i = n - 1; i > 0; i--) {
        long j = (long)(gs_rng_uniform(r) * (double)(i + 1));
        if (j > i)
            j = i;
        int tmp = x[i];
        x[i] = x[j];
        x[j] = tmp;
    }
}

/* Block randomization state of one stratum. */
struct blocks {
    gs_rng rng;
    int seq[100];
    int pos, size;
};

static int next_in_block(struct blocks *b)
{
    if (b->pos == b->size) {
        for (int i = 0; i < b->size; i++)
            b->seq[i] = i % 2;
        shuffle(b->seq, b->size, &b->rng);
        b->pos = 0;
    }
    return b->seq[b->pos++];
}

gs_status gs_trial_run(const gs_trial *t, long rep, long n_per_arm, struct gs_trial_result *r,
                       struct gs_error *err)
{
    const struct gs_trial_spec *sp = &t->spec;
    memset(r, 0, sizeof *r);
    if (rep < 0 || rep >= GS_TRIAL_MAX_REPS || n_per_arm < 0 || n_per_arm > GS_TRIAL_MAX_ARM_N)
        return gs_error_set(err, GS_INPUT, "replicate",
                            "replicate %ld with %ld per arm is outside the supported range", rep,
                            n_per_arm);
    long n_arm[2] = {n_per_arm ? n_per_arm : sp->arm[0].n, n_per_arm ? n_per_arm : sp->arm[1].n};
    long n = n_arm[0] + n_arm[1];
    r->subject = gs_calloc((size_t)n, sizeof *r->subject);
    int *alloc = gs_malloc((size_t)n * sizeof *alloc);
    gs_status st = GS_OK;
    if (r->subject == NULL || alloc == NULL) {
        st = gs_error_set(err, GS_NOMEM, "trial", "out of memory for %ld participants", n);
        goto done;
    }
    struct blocks blk[2];
    if (sp->randomization == GS_RAND_FIXED) {
        /* random allocation rule: exactly n_arm[a] in each arm, in random order */
        gs_rng ar;
        gs_rng_seed(&ar, sp->seed, GS_TRIAL_ALLOC_STREAM(rep, 0));
        for (long i = 0; i < n; i++)
            alloc[i] = i < n_arm[0] ? 0 : 1;
        shuffle(alloc, n, &ar);
    } else {
        for (int s = 0; s < 2; s++) {
            gs_rng_seed(&blk[s].rng, sp->seed, GS_TRIAL_ALLOC_STREAM(rep, s));
            blk[s].size = blk[s].pos = sp->block_size;
        }
    }
    const long max_candidates = GS_TRIAL_SCREEN_MAX * n;
    struct candidate c;
    for (long j = 0; r->randomized < n; j++) {
        if (j >= max_candidates) {
            st = gs_error_set(err, GS_INPUT, "inclusion",
                              "%s: fewer than 1 in %d screened candidates meets the inclusion "
                              "criteria (age %g-%g y, CrCl %g-%g mL/min, baseline pain %g-%g); "
                              "widen them or choose another population",
                              sp->origin, GS_TRIAL_SCREEN_MAX, sp->age_min_y, sp->age_max_y,
                              sp->crcl_min, sp->crcl_max, sp->pain_min, sp->pain_max);
            goto done;
        }
        int why = 0;
        if ((st = screen(t, rep, j, &c, &why, err)))
            goto done;
        r->assessed++;
        r->excluded_age += why == 1;
        r->excluded_crcl += why == 2;
        r->excluded_pain += why == 3;
        if (why)
            continue;
        c.s.stratum = sp->stratify_pain_type ? c.s.radicular : 0;
        int a = sp->randomization == GS_RAND_FIXED ? alloc[r->randomized]
                                                   : next_in_block(&blk[c.s.stratum]);
        if ((st = follow(t, &c, a, err)))
            goto done;
        r->subject[r->randomized++] = c.s;
    }
    st = gs__trial_analyse(t, r, err);
done:
    gs_free(alloc);
    if (st != GS_OK)
        gs_trial_result_release(r);
    return st;
}

void gs_trial_result_release(struct gs_trial_result *r)
{
    gs_free(r->subject);
    r->subject = NULL;
}
