/* nca_be.c - average bioequivalence of a 2x2 crossover from the ANOVA of log-transformed values.
 *
 * Model: log y = mu + sequence + subject(sequence) + period + treatment + e, all effects fixed
 * (SAS PROC GLM; R lm(); EMA Guideline on the investigation of bioequivalence, 2010, section
 * 4.1.8: "the statistical analysis should take into account sources of variation ... sequence,
 * subject within sequence, period and formulation"; all effects fixed). For a 2x2 design with
 * complete subjects the treatment contrast has the closed form of Chow SC, Liu JP, Design and
 * Analysis of Bioavailability and Bioequivalence Studies, 3rd ed. 2009, section 3.3: with the
 * half period differences d_ik = (y_i2k - y_i1k) / 2 of sequence k,
 *   log(T/R) = mean(d | R first) - mean(d | T first),
 *   MSE = 2 * pooled variance of d (df n1 + n2 - 2), se = sqrt(MSE / 2 (1/n1 + 1/n2)),
 * and the 90 % CI exp(log(T/R) -/+ t(0.95, df) se) must lie within 80.00-125.00 %. Subjects
 * without both periods carry no information on the contrast in this model and are dropped, as
 * PROC GLM does. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "gabasim/alloc.h"
#include "gabasim/nca.h"

static int cmp_subject(const void *a, const void *b)
{
    const struct gs_nca_be_obs *x = *(const struct gs_nca_be_obs *const *)a,
                               *y = *(const struct gs_nca_be_obs *const *)b;
    int c = strcmp(x->subject, y->subject);
    if (c)
        return c;
    return (x->period > y->period) - (x->period < y->period);
}

gs_status gs_nca_be(const struct gs_nca_be_obs *obs, size_t n, const char *reference,
                    struct gs_nca_be_result *r, struct gs_error *err)
{
    if (r == NULL || (obs == NULL && n > 0))
        return gs_error_set(err, GS_INPUT, "crossover", "no crossover data given");
    memset(r, 0, sizeof *r);
    r->ratio = r->lower = r->upper = r->mse = r->df = r->cv_intra_pct = NAN;
    r->log_diff = r->se = r->gmean_test = r->gmean_ref = NAN;
    if (reference == NULL)
        reference = "R";
    /* sequences, and the treatment of each (sequence, period) */
    const char *seq[2] = {NULL, NULL};
    const char *trt_at[2][2] = {{NULL, NULL}, {NULL, NULL}};
    for (size_t i = 0; i < n; i++) {
        const struct gs_nca_be_obs *o = &obs[i];
        if (o->subject == NULL || o->sequence == NULL || o->treatment == NULL)
            return gs_error_set(err, GS_INPUT, "crossover",
                                "observation %zu lacks a subject, "
                                "sequence or treatment",
                                i + 1);
        if (o->period != 1 && o->period != 2)
            return gs_error_set(err, GS_INPUT, "PERIOD",
                                "subject '%s': period %d; allowed 1 or 2 (a 2x2 crossover)",
                                o->subject, o->period);
        int k = seq[0] && strcmp(seq[0], o->sequence) == 0   ? 0
                : seq[1] && strcmp(seq[1], o->sequence) == 0 ? 1
                : seq[0] == NULL                             ? 0
                : seq[1] == NULL                             ? 1
                                                             : -1;
        if (k < 0)
            return gs_error_set(err, GS_INPUT, "SEQUENCE",
                                "subject '%s': a third sequence '%s' after '%s' and '%s'; "
                                "allowed two (a 2x2 crossover)",
                                o->subject, o->sequence, seq[0], seq[1]);
        seq[k] = o->sequence;
        const char **t = &trt_at[k][o->period - 1];
        if (*t == NULL)
            *t = o->treatment;
        else if (strcmp(*t, o->treatment) != 0)
            return gs_error_set(err, GS_INPUT, "TREATMENT",
                                "sequence '%s' period %d has treatments '%s' and '%s'; allowed "
                                "one per sequence and period",
                                o->sequence, o->period, *t, o->treatment);
    }
    int ref_first[2];
    for (int k = 0; k < 2; k++) {
        if (seq[k] == NULL || trt_at[k][0] == NULL || trt_at[k][1] == NULL)
            return gs_error_set(err, GS_INPUT, "SEQUENCE",
                                "a 2x2 crossover needs two sequences, each with both periods; "
                                "found %s",
                                seq[1] == NULL ? "one sequence" : "a sequence with one period");
        int r0 = strcmp(trt_at[k][0], reference) == 0, r1 = strcmp(trt_at[k][1], reference) == 0;
        if (r0 == r1)
            return gs_error_set(err, GS_INPUT, "TREATMENT",
                                "sequence '%s' gives '%s' then '%s'; allowed the reference '%s' "
                                "in exactly one period",
                                seq[k], trt_at[k][0], trt_at[k][1], reference);
        ref_first[k] = r0;
    }
    if (ref_first[0] == ref_first[1])
        return gs_error_set(err, GS_INPUT, "SEQUENCE",
                            "sequences '%s' and '%s' give the reference in the same period; "
                            "allowed one reference-first and one test-first sequence",
                            seq[0], seq[1]);
    snprintf(r->seq1, sizeof r->seq1, "%s", seq[0]);
    snprintf(r->seq2, sizeof r->seq2, "%s", seq[1]);

    const struct gs_nca_be_obs **idx = gs_malloc((n ? n : 1) * sizeof *idx);
    if (idx == NULL)
        return gs_error_set(err, GS_NOMEM, "crossover", "out of memory");
    for (size_t i = 0; i < n; i++)
        idx[i] = &obs[i];
    qsort(idx, n, sizeof *idx, cmp_subject);
    /* per sequence: count, mean of d and its sum of squares (Welford), period means */
    double cnt[2] = {0, 0}, md[2] = {0, 0}, ssd[2] = {0, 0}, py[2][2] = {{0, 0}, {0, 0}};
    gs_status st = GS_OK;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && strcmp(idx[j]->subject, idx[i]->subject) == 0)
            j++;
        const struct gs_nca_be_obs *a = idx[i];
        for (size_t q = i + 1; q < j; q++)
            if (strcmp(idx[q]->sequence, a->sequence) != 0) {
                st = gs_error_set(err, GS_INPUT, "SEQUENCE",
                                  "subject '%s' is in sequences '%s' and '%s'; allowed one",
                                  a->subject, a->sequence, idx[q]->sequence);
                break;
            }
        if (st == GS_OK && j - i > 2)
            st = gs_error_set(err, GS_INPUT, "PERIOD",
                              "subject '%s' has %zu values; allowed one per period", a->subject,
                              j - i);
        if (st == GS_OK && j - i == 2 && idx[i]->period == idx[i + 1]->period)
            st = gs_error_set(err, GS_INPUT, "PERIOD",
                              "subject '%s' has two values in period %d; allowed one per period",
                              a->subject, a->period);
        if (st != GS_OK)
            break;
        double v1 = j - i == 2 ? idx[i]->value : NAN, v2 = j - i == 2 ? idx[i + 1]->value : NAN;
        if (!(v1 > 0 && v2 > 0 && isfinite(v1) && isfinite(v2))) {
            r->n_dropped++;
            i = j;
            continue;
        }
        int k = strcmp(a->sequence, seq[0]) == 0 ? 0 : 1;
        double y1 = log(v1), y2 = log(v2), d = 0.5 * (y2 - y1);
        cnt[k] += 1;
        double dd = d - md[k];
        md[k] += dd / cnt[k];
        ssd[k] += dd * (d - md[k]);
        py[k][0] += (y1 - py[k][0]) / cnt[k];
        py[k][1] += (y2 - py[k][1]) / cnt[k];
        i = j;
    }
    gs_free(idx);
    if (st != GS_OK)
        return st;
    r->n_seq1 = (size_t)cnt[0], r->n_seq2 = (size_t)cnt[1];
    r->n_subjects = r->n_seq1 + r->n_seq2;
    if (cnt[0] < 1 || cnt[1] < 1 || r->n_subjects < 3)
        return gs_error_set(err, GS_INPUT, "crossover",
                            "%zu and %zu complete subjects in sequences '%s' and '%s'; allowed at "
                            "least one in each and three in all",
                            r->n_seq1, r->n_seq2, seq[0], seq[1]);
    int kr = ref_first[0] ? 0 : 1, kt = 1 - kr; /* reference-first and test-first sequences */
    r->df = cnt[0] + cnt[1] - 2;
    double s2 = (ssd[0] + ssd[1]) / r->df;
    r->mse = 2.0 * s2;
    r->cv_intra_pct = 100.0 * sqrt(expm1(r->mse));
    r->log_diff = md[kr] - md[kt];
    r->se = sqrt(s2 * (1.0 / cnt[0] + 1.0 / cnt[1]));
    double tq = gsl_cdf_tdist_Pinv(0.95, r->df);
    r->ratio = exp(r->log_diff);
    r->lower = exp(r->log_diff - tq * r->se);
    r->upper = exp(r->log_diff + tq * r->se);
    r->gmean_ref = exp(0.5 * (py[kr][0] + py[kt][1]));
    r->gmean_test = exp(0.5 * (py[kr][1] + py[kt][0]));
    r->bioequivalent = r->lower >= 0.80 && r->upper <= 1.25;
    return GS_OK;
}
