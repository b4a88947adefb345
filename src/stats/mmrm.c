/* mmrm.c - mixed model for repeated measures with unstructured covariance, by REML (see
 * gabasim/mmrm.h).
 *
 * Participant i's design is X_i = E_i (x) z_i' with z_i = (1, arm_i, baseline_i) and E_i the rows
 * of the identity for the visits attended; the coefficients of visit v are beta[3v .. 3v + 2].
 * So with W_P = Sigma_P^-1 for a pattern P of attended visits and, over its m_P participants,
 * S_P = sum z z', C_P = sum y z', Y_P = sum y y':
 *
 *   X'V^-1X = sum_P (E_P' W_P E_P) (x) S_P,  X'V^-1y = sum_P E_P' W_P C_P,
 *   y'V^-1y = sum_P tr(W_P Y_P),  log|V| = sum_P m_P log|Sigma_P|,
 *
 * and f = -2 l_R (without the 2 pi term) = log|V| + log|X'V^-1X| + r'V^-1r. Its derivative with
 * respect to Sigma is tr(G dSigma) with
 *
 *   G = sum_P E_P' [m_P W_P - W_P (K_P + R_P) W_P] E_P,
 *
 * K_P = sum_i X_i A^-1 X_i' restricted to P (element (j, k): tr(A^-1 block (v_j, v_k) S_P)) and
 * R_P = sum_i r_i r_i' = Y_P - C_P B_P' - B_P C_P' + B_P S_P B_P' (B_P: the rows of the
 * coefficient matrix for P's visits). With Sigma = L L', df/dL = 2 G L; the diagonal of L is
 * parametrised by its log. Everything is written out (no GSL linear algebra), since replicates
 * fit models on several threads and GSL reports errors through a process-wide handler.
 */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/mmrm.h"
#include "stats_int.h"

#define TMAX GS_MMRM_MAX_VISITS
#define PMAX (3 * TMAX)

/* The pivot tolerance of every factorisation here (covariances and X'V^-1X). */
#define CHOL_TOL 1e-13

/* inv := (L L')^-1, n x n. */
static void chol_inverse(const double *l, int n, double *inv)
{
    double col[PMAX];
    for (int j = 0; j < n; j++) {
        memset(col, 0, (size_t)n * sizeof col[0]);
        col[j] = 1.0;
        gs__chol_solve(l, (size_t)n, col);
        for (int i = 0; i < n; i++)
            inv[i * n + j] = col[i];
    }
    for (int i = 0; i < n; i++) /* exactly symmetric */
        for (int j = 0; j < i; j++)
            inv[i * n + j] = inv[j * n + i] = 0.5 * (inv[i * n + j] + inv[j * n + i]);
}

struct pattern {
    int nv, idx[TMAX]; /* attended visits */
    long m;            /* participants */
    double s[9];       /* sum z z' */
    double *c, *y;     /* nv x 3: sum y z'; nv x nv: sum y y' */
    double *w;         /* work: Sigma_P^-1 at the last evaluation */
};

struct model {
    int t, p, d; /* visits, fixed effects, covariance parameters */
    int cov;     /* enum gs_mmrm_cov */
    long n_obs;
    int np;
    struct pattern *pat;
    /* work, at the last evaluation */
    double sig[TMAX * TMAX], l[TMAX * TMAX];
    double sd[TMAX], rho; /* a structured covariance's SDs and correlation parameter */
    double *a, *ainv, b[PMAX], beta[PMAX];
};

/* Sigma's Cholesky factor from theta (row-major over the lower triangle, log diagonal). */
static void unpack(const struct model *m, const double *th, double *l)
{
    int t = m->t, q = 0;
    memset(l, 0, (size_t)t * t * sizeof *l);
    for (int j = 0; j < t; j++)
        for (int k = 0; k <= j; k++, q++)
            l[j * t + k] = k == j ? exp(th[q]) : th[q];
}

/* The gradient with respect to theta of a function whose derivative in Sigma is tr(G dSigma). */
static void chain(const struct model *m, const double *g, double *out)
{
    int t = m->t, q = 0;
    if (m->cov != GS_MMRM_COV_UNSTRUCTURED) {
        /* Sigma_jk = s_j s_k r_jk, theta = (log s_1 .. log s_t, atanh rho): d/dlog s_j =
         * 2 sum_k G_jk Sigma_jk; d/drho = sum_{j != k} G_jk s_j s_k dr_jk/drho, times 1 - rho^2 */
        const double rho = m->rho;
        double dr = 0.0;
        for (int j = 0; j < t; j++) {
            double x = 0.0;
            for (int k = 0; k < t; k++) {
                x += g[j * t + k] * m->sig[j * t + k];
                if (k == j)
                    continue;
                const int lag = abs(j - k);
                const double drjk =
                    m->cov == GS_MMRM_COV_ARH1 ? (double)lag * pow(rho, lag - 1) : 1.0;
                dr += g[j * t + k] * m->sd[j] * m->sd[k] * drjk;
            }
            out[j] = 2.0 * x;
        }
        out[t] = dr * (1.0 - rho * rho);
        return;
    }
    for (int j = 0; j < t; j++)
        for (int k = 0; k <= j; k++, q++) {
            double s = 0.0; /* (2 G L)_jk */
            for (int i = 0; i < t; i++)
                s += g[j * t + i] * m->l[i * t + k];
            out[q] = k == j ? 2.0 * s * m->l[j * t + j] : 2.0 * s;
        }
}

/* f = -2 l_R (without the 2 pi term) at theta; its gradient into grad when not NULL. INFINITY
 * when Sigma or X'V^-1X is not positive definite there. Leaves W_P, A's factor, A^-1 (with
 * grad) and beta in m. */
static double eval(struct model *m, const double *th, double *grad)
{
    const int t = m->t, p = m->p;
    if (m->cov == GS_MMRM_COV_UNSTRUCTURED) {
        unpack(m, th, m->l);
        for (int i = 0; i < t; i++)
            for (int j = 0; j <= i; j++) {
                double s = 0.0;
                for (int k = 0; k <= j; k++)
                    s += m->l[i * t + k] * m->l[j * t + k];
                m->sig[i * t + j] = m->sig[j * t + i] = s;
            }
    } else { /* heterogeneous AR(1): s_j s_k rho^|j-k|; heterogeneous CS: s_j s_k rho */
        m->rho = tanh(th[t]);
        for (int j = 0; j < t; j++)
            m->sd[j] = exp(th[j]);
        for (int i = 0; i < t; i++)
            for (int j = 0; j <= i; j++)
                m->sig[i * t + j] = m->sig[j * t + i] =
                    m->sd[i] * m->sd[j] *
                    (i == j                       ? 1.0
                     : m->cov == GS_MMRM_COV_ARH1 ? pow(m->rho, i - j)
                                                  : m->rho);
    }
    memset(m->a, 0, (size_t)p * p * sizeof *m->a);
    memset(m->b, 0, sizeof m->b);
    double logdet_v = 0.0, ywy = 0.0;
    for (int q = 0; q < m->np; q++) {
        struct pattern *P = &m->pat[q];
        const int nv = P->nv;
        double f[TMAX * TMAX];
        for (int j = 0; j < nv; j++)
            for (int k = 0; k < nv; k++)
                f[j * nv + k] = m->sig[P->idx[j] * t + P->idx[k]];
        if (!gs__chol(f, (size_t)nv, CHOL_TOL))
            return INFINITY;
        for (int j = 0; j < nv; j++)
            logdet_v += 2.0 * (double)P->m * log(f[j * nv + j]);
        chol_inverse(f, nv, P->w);
        for (int j = 0; j < nv; j++) {
            const int v = P->idx[j];
            for (int k = 0; k < nv; k++) {
                const double wjk = P->w[j * nv + k];
                const int u = P->idx[k];
                ywy += wjk * P->y[k * nv + j];
                for (int a = 0; a < 3; a++) {
                    m->b[3 * v + a] += wjk * P->c[k * 3 + a];
                    for (int b = 0; b < 3; b++)
                        m->a[(3 * v + a) * p + 3 * u + b] += wjk * P->s[a * 3 + b];
                }
            }
        }
    }
    if (!gs__chol(m->a, (size_t)p, CHOL_TOL))
        return INFINITY;
    double logdet_a = 0.0;
    for (int j = 0; j < p; j++)
        logdet_a += 2.0 * log(m->a[j * p + j]);
    memcpy(m->beta, m->b, (size_t)p * sizeof *m->beta);
    gs__chol_solve(m->a, (size_t)p, m->beta);
    double rwr = ywy;
    for (int j = 0; j < p; j++)
        rwr -= m->b[j] * m->beta[j];
    const double fval = logdet_v + logdet_a + rwr;
    if (!grad || !isfinite(fval))
        return fval;

    chol_inverse(m->a, p, m->ainv);
    double g[TMAX * TMAX] = {0};
    for (int q = 0; q < m->np; q++) {
        const struct pattern *P = &m->pat[q];
        const int nv = P->nv;
        double kr[TMAX * TMAX], bp[TMAX * 3], bs[TMAX * 3], tmp[TMAX * TMAX];
        for (int j = 0; j < nv; j++)
            for (int a = 0; a < 3; a++)
                bp[j * 3 + a] = m->beta[3 * P->idx[j] + a];
        for (int j = 0; j < nv; j++) /* B_P S_P */
            for (int a = 0; a < 3; a++)
                bs[j * 3 + a] =
                    bp[j * 3] * P->s[a] + bp[j * 3 + 1] * P->s[3 + a] + bp[j * 3 + 2] * P->s[6 + a];
        for (int j = 0; j < nv; j++)
            for (int k = 0; k < nv; k++) {
                const int v = P->idx[j], u = P->idx[k];
                double kk = 0.0, r = P->y[j * nv + k];
                for (int a = 0; a < 3; a++) {
                    for (int b = 0; b < 3; b++)
                        kk += m->ainv[(3 * v + a) * p + 3 * u + b] * P->s[a * 3 + b];
                    r += -P->c[j * 3 + a] * bp[k * 3 + a] - bp[j * 3 + a] * P->c[k * 3 + a] +
                         bs[j * 3 + a] * bp[k * 3 + a];
                }
                kr[j * nv + k] = kk + r;
            }
        for (int j = 0; j < nv; j++) /* tmp = (K + R) W */
            for (int k = 0; k < nv; k++) {
                double s = 0.0;
                for (int i = 0; i < nv; i++)
                    s += kr[j * nv + i] * P->w[i * nv + k];
                tmp[j * nv + k] = s;
            }
        for (int j = 0; j < nv; j++)
            for (int k = 0; k < nv; k++) {
                double s = 0.0;
                for (int i = 0; i < nv; i++)
                    s += P->w[j * nv + i] * tmp[i * nv + k];
                g[P->idx[j] * t + P->idx[k]] += (double)P->m * P->w[j * nv + k] - s;
            }
    }
    chain(m, g, grad);
    return fval;
}

/* The gradient with respect to theta of phi = c' A^-1 c (c: the arm coefficient at the last
 * visit), after eval() with a gradient: dphi = tr(D dSigma), D = sum_P E_P' W_P Q_P W_P E_P,
 * Q_P(j, k) = U_{v_j}' S_P U_{v_k} with U the coefficient-shaped A^-1 c. */
static double contrast_grad(struct model *m, double *out)
{
    const int t = m->t, p = m->p, c = 3 * (t - 1) + 1;
    double u[PMAX], d[TMAX * TMAX] = {0};
    for (int j = 0; j < p; j++)
        u[j] = m->ainv[j * p + c];
    for (int q = 0; q < m->np; q++) {
        const struct pattern *P = &m->pat[q];
        const int nv = P->nv;
        double qq[TMAX * TMAX], tmp[TMAX * TMAX], us[TMAX * 3];
        for (int j = 0; j < nv; j++)
            for (int a = 0; a < 3; a++) {
                const double *uv = u + 3 * P->idx[j];
                us[j * 3 + a] = uv[0] * P->s[a] + uv[1] * P->s[3 + a] + uv[2] * P->s[6 + a];
            }
        for (int j = 0; j < nv; j++)
            for (int k = 0; k < nv; k++) {
                const double *uk = u + 3 * P->idx[k];
                qq[j * nv + k] = us[j * 3] * uk[0] + us[j * 3 + 1] * uk[1] + us[j * 3 + 2] * uk[2];
            }
        for (int j = 0; j < nv; j++)
            for (int k = 0; k < nv; k++) {
                double s = 0.0;
                for (int i = 0; i < nv; i++)
                    s += qq[j * nv + i] * P->w[i * nv + k];
                tmp[j * nv + k] = s;
            }
        for (int j = 0; j < nv; j++)
            for (int k = 0; k < nv; k++) {
                double s = 0.0;
                for (int i = 0; i < nv; i++)
                    s += P->w[j * nv + i] * tmp[i * nv + k];
                d[P->idx[j] * t + P->idx[k]] += s;
            }
    }
    chain(m, d, out);
    return m->ainv[c * p + c];
}

/* Kenward and Roger's small-sample adjustment (Biometrics 1997; 53:983-997) for the contrast
 * c'beta (one df, so their F scale is 1: pbkrtest's .KR_adjust with q = 1 gives A1 = A2, g = -1
 * and F.scaling = 1), after eval() with a gradient at the REML optimum. Sigma is parametrised
 * by its elements sigma_ab (a >= b, theta's order), so dSigma/dsigma_ab is the symmetric
 * indicator D_ab (1 at (a, b) and (b, a)) and the second derivatives R_ij vanish. With
 * Phi = (X'V^-1X)^-1, P_i = -X'V^-1 V_i V^-1 X, Q_ij = X'V^-1 V_i V^-1 V_j V^-1 X and W the
 * inverse of REML's expected information, I_ij = 1/2 tr(P V_i P V_j) (P the REML projection)
 * = 1/2 [tr(V^-1 V_i V^-1 V_j) - 2 tr(Phi Q_ij) + tr(Phi P_i Phi P_j)]:
 *
 *   Phi_A = Phi + 2 Phi {sum_ij W_ij (Q_ij - P_i Phi P_j)} Phi,
 *   df = 2 / A2,  A2 = sum_ij W_ij (c'Phi P_i Phi c)(c'Phi P_j Phi c) / (c'Phi c)^2.
 *
 * By pattern: V_i restricted to P is D_i's rows and columns for P's visits, so with u = Phi c
 * in coefficient shape, Qm_P(j, k) = u_vj' S_P u_vk and K_P(j, k) = tr(Phi_{vj vk} S_P),
 * tr(V^-1 V_i V^-1 V_j) = sum_P m_P tr(D_i W_P D_j W_P), tr(Phi Q_ij) = sum_P tr(D_i W_P D_j
 * W_P K_P W_P), u'Q_ij u = sum_P tr(D_i W_P D_j W_P Qm_P W_P), and P_i = -sum_P (E_P' W_P D_i
 * W_P E_P) (x) S_P is formed to take tr(Phi P_i Phi P_j) and u'P_i Phi P_j u. *phi_a: c'Phi_A c;
 * *df: as above. */
static gs_status kenward_roger(const struct model *m, double *phi_a, double *df,
                               struct gs_error *err)
{
    const int t = m->t, p = m->p, d = m->d, c = 3 * (t - 1) + 1;
    const size_t pp = (size_t)p * p;
    int pa[TMAX * (TMAX + 1) / 2], pb[TMAX * (TMAX + 1) / 2];
    for (int j = 0, q = 0; j < t; j++)
        for (int k = 0; k <= j; k++, q++)
            pa[q] = j, pb[q] = k;
    double u[PMAX];
    for (int j = 0; j < p; j++)
        u[j] = m->ainv[j * p + c];
    const double phi = m->ainv[c * p + c];
    double *fp = gs_malloc((size_t)d * pp * sizeof *fp), *tmp = gs_malloc(pp * sizeof *tmp),
           *wv = gs_malloc(2 * (size_t)d * p * sizeof *wv),
           *ie = gs_calloc(3 * (size_t)d * d + (size_t)d, sizeof *ie);
    if (!fp || !tmp || !wv || !ie) {
        gs_free(fp), gs_free(tmp), gs_free(wv), gs_free(ie);
        return gs_error_set(err, GS_NOMEM, "mmrm", "out of memory");
    }
    double *yv = wv + (size_t)d * p, *uq = ie + (size_t)d * d, *ieinv = uq + (size_t)d * d,
           *col = ieinv + (size_t)d * d;
    for (int q = 0; q < m->np; q++) {
        const struct pattern *P = &m->pat[q];
        const int nv = P->nv;
        const double *w = P->w;
        int loc[TMAX];
        for (int v = 0; v < t; v++)
            loc[v] = -1;
        for (int j = 0; j < nv; j++)
            loc[P->idx[j]] = j;
        double km[TMAX * TMAX], qm[TMAX * TMAX], us[TMAX * 3], z1[TMAX * TMAX], z2[TMAX * TMAX],
            h[TMAX * TMAX];
        for (int j = 0; j < nv; j++)
            for (int a = 0; a < 3; a++) {
                const double *uv = u + 3 * P->idx[j];
                us[j * 3 + a] = uv[0] * P->s[a] + uv[1] * P->s[3 + a] + uv[2] * P->s[6 + a];
            }
        for (int j = 0; j < nv; j++)
            for (int k = 0; k < nv; k++) {
                const int v = P->idx[j], x = P->idx[k];
                const double *uk = u + 3 * x;
                double kk = 0.0;
                for (int a = 0; a < 3; a++)
                    for (int b = 0; b < 3; b++)
                        kk += m->ainv[(3 * v + a) * p + 3 * x + b] * P->s[a * 3 + b];
                km[j * nv + k] = kk;
                qm[j * nv + k] = us[j * 3] * uk[0] + us[j * 3 + 1] * uk[1] + us[j * 3 + 2] * uk[2];
            }
        /* z1 = W K W, z2 = W Qm W */
        for (int r = 0; r < 2; r++) {
            const double *src = r ? qm : km;
            double *dst = r ? z2 : z1;
            for (int j = 0; j < nv; j++)
                for (int k = 0; k < nv; k++) {
                    double s = 0.0;
                    for (int i = 0; i < nv; i++)
                        s += src[j * nv + i] * w[i * nv + k];
                    h[j * nv + k] = s;
                }
            for (int j = 0; j < nv; j++)
                for (int k = 0; k < nv; k++) {
                    double s = 0.0;
                    for (int i = 0; i < nv; i++)
                        s += w[j * nv + i] * h[i * nv + k];
                    dst[j * nv + k] = s;
                }
        }
        /* tr(D_i W D_j Z) for D_i = s_i (e_a e_b' + e_b e_a'), D_j = s_j (e_c e_e' + e_e e_c'),
         * s = 1/2 on the diagonal: s_i s_j (W_bc Z_ea + W_be Z_ca + W_ac Z_eb + W_ae Z_cb) */
#define TR(Z)                                                                                      \
    (w[b * nv + cc] * Z[ee * nv + a] + w[b * nv + ee] * Z[cc * nv + a] +                           \
     w[a * nv + cc] * Z[ee * nv + b] + w[a * nv + ee] * Z[cc * nv + b])
        for (int i = 0; i < d; i++) {
            const int a = loc[pa[i]], b = loc[pb[i]];
            if (a < 0 || b < 0)
                continue;
            const double si = a == b ? 0.5 : 1.0;
            for (int j = 0; j <= i; j++) {
                const int cc = loc[pa[j]], ee = loc[pb[j]];
                if (cc < 0 || ee < 0)
                    continue;
                const double s = si * (cc == ee ? 0.5 : 1.0);
                ie[i * d + j] += s * ((double)P->m * TR(w) - 2.0 * TR(z1));
                uq[i * d + j] += s * TR(z2);
            }
        }
#undef TR
    }
    /* P_i, w_i = P_i u, Phi P_i and y_i = Phi P_i u */
    for (int i = 0; i < d; i++) {
        memset(tmp, 0, pp * sizeof *tmp);
        for (int q = 0; q < m->np; q++) {
            const struct pattern *P = &m->pat[q];
            const int nv = P->nv;
            int a = -1, b = -1;
            for (int j = 0; j < nv; j++) {
                a = P->idx[j] == pa[i] ? j : a;
                b = P->idx[j] == pb[i] ? j : b;
            }
            if (a < 0 || b < 0)
                continue;
            const double *w = P->w, si = a == b ? 0.5 : 1.0;
            for (int j = 0; j < nv; j++)
                for (int k = 0; k < nv; k++) {
                    const double mjk =
                        si * (w[j * nv + a] * w[b * nv + k] + w[j * nv + b] * w[a * nv + k]);
                    double *blk = tmp + (size_t)(3 * P->idx[j]) * p + 3 * P->idx[k];
                    for (int x = 0; x < 3; x++)
                        for (int y = 0; y < 3; y++)
                            blk[x * p + y] -= mjk * P->s[x * 3 + y];
                }
        }
        /* w_i = P_i u, y_i = Phi w_i; B_i = L^-1 P_i L'^-1 (A = L L'), so that tr(Phi P_i Phi
         * P_j) = sum of B_i .* B_j over contiguous memory */
        double *bi = fp + (size_t)i * pp, *wi = wv + (size_t)i * p, *yi = yv + (size_t)i * p;
        for (int j = 0; j < p; j++) {
            double s = 0.0;
            for (int k = 0; k < p; k++)
                s += tmp[j * p + k] * u[k];
            wi[j] = yi[j] = s;
        }
        gs__chol_solve(m->a, (size_t)p, yi);
        for (int j = 0; j < p; j++) /* row j of tmp := L^-1 P_i e_j (P_i is symmetric) */
            gs__chol_forward(m->a, (size_t)p, tmp + (size_t)j * p);
        for (int j = 0; j < p; j++) { /* B_i e_j = L^-1 (L^-1 P_i)' e_j, B_i symmetric */
            double *row = bi + (size_t)j * p;
            for (int k = 0; k < p; k++)
                row[k] = tmp[k * p + j];
            gs__chol_forward(m->a, (size_t)p, row);
        }
        for (int j = 0; j <= i; j++) { /* + tr(Phi P_i Phi P_j) */
            const double *bj = fp + (size_t)j * pp;
            double s = 0.0;
            for (size_t x = 0; x < pp; x++)
                s += bi[x] * bj[x];
            ie[i * d + j] += s;
        }
    }
    for (int i = 0; i < d; i++)
        for (int j = 0; j < i; j++) {
            ie[j * d + i] = ie[i * d + j];
            uq[j * d + i] = uq[i * d + j];
        }
    gs_status st = GS_OK;
    /* ie = 2 I; W = 2 ie^-1 */
    if (!gs__chol(ie, (size_t)d, CHOL_TOL)) {
        st = gs_error_set(err, GS_SOLVER, "mmrm",
                          "Kenward-Roger: the expected information of the covariance "
                          "parameters is singular");
        goto done;
    }
    for (int j = 0; j < d; j++) {
        memset(col, 0, (size_t)d * sizeof *col);
        col[j] = 1.0;
        gs__chol_solve(ie, (size_t)d, col);
        for (int i = 0; i < d; i++)
            ieinv[i * d + j] = 2.0 * col[i];
    }
    double corr = 0.0, a2 = 0.0; /* col: a_i = u'P_i u */
    for (int i = 0; i < d; i++) {
        const double *wi = wv + (size_t)i * p;
        col[i] = 0.0;
        for (int k = 0; k < p; k++)
            col[i] += u[k] * wi[k];
    }
    for (int i = 0; i < d; i++) {
        const double *wi = wv + (size_t)i * p;
        for (int j = 0; j < d; j++) {
            const double *yj = yv + (size_t)j * p;
            double pphp = 0.0; /* u'P_i Phi P_j u */
            for (int k = 0; k < p; k++)
                pphp += wi[k] * yj[k];
            const double wij = 0.5 * (ieinv[i * d + j] + ieinv[j * d + i]);
            corr += wij * (uq[i * d + j] - pphp);
            a2 += wij * col[i] * col[j];
        }
    }
    a2 /= phi * phi;
    *phi_a = phi + 2.0 * corr;
    *df = a2 > 0.0 ? 2.0 / a2 : INFINITY;
done:
    gs_free(fp), gs_free(tmp), gs_free(wv), gs_free(ie);
    return st;
}

/* The Hessian of f at theta by central differences of the analytic gradient (symmetrised);
 * 0 when the gradient cannot be evaluated around theta. Leaves m evaluated at theta. */
static int hessian(struct model *m, double *th, double *h, double *g1, double *g2, double *g0)
{
    const int d = m->d;
    for (int k = 0; k < d; k++) {
        const double x = th[k], step = 1e-4 * (1.0 + fabs(x));
        th[k] = x + step;
        double fp = eval(m, th, g1);
        th[k] = x - step;
        double fm = eval(m, th, g2);
        th[k] = x;
        if (!isfinite(fp) || !isfinite(fm))
            return 0;
        for (int j = 0; j < d; j++)
            h[j * d + k] = (g1[j] - g2[j]) / (2.0 * step);
    }
    for (int j = 0; j < d; j++)
        for (int k = 0; k < j; k++)
            h[j * d + k] = h[k * d + j] = 0.5 * (h[j * d + k] + h[k * d + j]);
    return isfinite(eval(m, th, g0));
}

struct obs {
    long id;
    int visit;
    size_t row;
};
static int by_id_visit(const void *a, const void *b)
{
    const struct obs *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return (x->visit > y->visit) - (x->visit < y->visit);
}

struct person {
    uint32_t mask;
    double z[3], y[TMAX];
};
static int by_mask(const void *a, const void *b)
{
    const struct person *x = a, *y = b;
    return (x->mask > y->mask) - (x->mask < y->mask);
}

/* The work of one fit, freed together. */
struct work {
    struct obs *ord;
    struct person *per;
    struct pattern *pat;
    double *pat_mem, *a, *ainv, *th, *g, *hinv, *h, *v1, *v2, *v3, *v4;
};
static void work_free(struct work *w)
{
    gs_free(w->ord);
    gs_free(w->per);
    gs_free(w->pat);
    gs_free(w->pat_mem);
    gs_free(w->a);
    gs_free(w->ainv);
    gs_free(w->th);
    gs_free(w->g);
    gs_free(w->hinv);
    gs_free(w->h);
    gs_free(w->v1);
    gs_free(w->v2);
    gs_free(w->v3);
    gs_free(w->v4);
}

/* Eigen-decomposition of the symmetric n x n matrix a (destroyed) by cyclic Jacobi rotations:
 * eigenvalues into ev, eigenvectors into the columns of vec. */
static void jacobi_eigen(double *a, int n, double *ev, double *vec)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            vec[i * n + j] = i == j;
    for (int sweep = 0; sweep < 60; sweep++) {
        double off = 0.0, tot = 0.0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                *(i == j ? &tot : &off) += a[i * n + j] * a[i * n + j];
        if (off <= 1e-30 * (tot + off))
            break;
        for (int p = 0; p < n - 1; p++)
            for (int q = p + 1; q < n; q++) {
                const double apq = a[p * n + q];
                if (apq == 0.0)
                    continue;
                const double th = (a[q * n + q] - a[p * n + p]) / (2.0 * apq),
                             tt = (th >= 0.0 ? 1.0 : -1.0) / (fabs(th) + sqrt(th * th + 1.0)),
                             c = 1.0 / sqrt(tt * tt + 1.0), s = tt * c;
                for (int k = 0; k < n; k++) { /* a := a J (columns p, q) */
                    const double akp = a[k * n + p], akq = a[k * n + q];
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for (int k = 0; k < n; k++) { /* a := J' a (rows p, q) */
                    const double apk = a[p * n + k], aqk = a[q * n + k];
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for (int k = 0; k < n; k++) {
                    const double vkp = vec[k * n + p], vkq = vec[k * n + q];
                    vec[k * n + p] = c * vkp - s * vkq;
                    vec[k * n + q] = s * vkp + c * vkq;
                }
            }
    }
    for (int i = 0; i < n; i++)
        ev[i] = a[i * n + i];
}

/* The bias-reduced sandwich ("CR2") variance of the contrast and its Satterthwaite degrees of
 * freedom under the working model (Bell and McCaffrey, Survey Methodology 2002; 28:169-181;
 * McCaffrey, Bell and Botts 2001; Pustejovsky and Tipton, J Bus Econ Stat 2018; 36:672-683),
 * as R's clubSandwich computes them for a gls fit (vcovCR type "CR2", coef_test "Satterthwaite";
 * the target is the fitted covariance). With M = (X'V^-1X)^-1, c the contrast, participant i's
 * Sigma_i = U'U (U upper triangular, U = L'), residuals e_i and K_i = X_i M X_i':
 *
 *   B_i = U (Sigma_i - K_i) U',  A_i = U' B_i^{-1/2} U,  g_i = A_i Sigma_i^-1 X_i M c,
 *   var = sum_i (g_i' e_i)^2,
 *   df = (sum_i G_ii)^2 / sum_ij G_ij^2,  G_ij = [i = j] g_i' Sigma_i g_i - h_j' M h_i,
 *
 * h_i = X_i' g_i (B_i^{-1/2} a pseudo-inverse root: eigenvalues below 1e-12 of the largest give
 * 0, as clubSandwich). The double sum is sum_i s_i^2 - 2 sum_i s_i h_i'M h_i + tr(M Q M Q) with
 * Q = sum_i h_i h_i', so the cost is O(participants (visits^3 + p^2) + p^3). Under the working
 * model A_i makes the sandwich unbiased; it stays consistent when the covariance is wrong. */
static gs_status sandwich_cr2(const struct model *m, const struct person *per, size_t n, int md,
                              double *var, double *df, struct gs_error *err)
{
    const int t = m->t, p = m->p, c = 3 * (t - 1) + 1;
    const double *M = m->ainv;
    double *q = gs_calloc((size_t)p * p, sizeof *q), *mq = gs_malloc((size_t)p * p * sizeof *mq);
    if (!q || !mq) {
        gs_free(q), gs_free(mq);
        return gs_error_set(err, GS_NOMEM, "mmrm", "out of memory");
    }
    double v = 0.0, sum_g = 0.0, s2 = 0.0, shmh = 0.0;
    for (size_t i = 0; i < n; i++) {
        const struct person *s = &per[i];
        int idx[TMAX], nv = 0;
        for (int j = 0; j < t; j++)
            if (s->mask >> j & 1)
                idx[nv++] = j;
        double sg[TMAX * TMAX], l[TMAX * TMAX], r[TMAX * TMAX], tmp[TMAX * TMAX], b[TMAX * TMAX],
            ev[TMAX], vec[TMAX * TMAX], h0[TMAX], u[TMAX], g[TMAX], e[TMAX];
        for (int j = 0; j < nv; j++) {
            const int vj = idx[j];
            h0[j] = e[j] = 0.0;
            for (int a = 0; a < 3; a++) {
                h0[j] += s->z[a] * M[(3 * vj + a) * p + c];
                e[j] -= s->z[a] * m->beta[3 * vj + a];
            }
            e[j] += s->y[vj];
            for (int k = 0; k < nv; k++) {
                const int vk = idx[k];
                double kk = 0.0;
                for (int a = 0; a < 3; a++)
                    for (int bb = 0; bb < 3; bb++)
                        kk += s->z[a] * s->z[bb] * M[(3 * vj + a) * p + 3 * vk + bb];
                sg[j * nv + k] = l[j * nv + k] = m->sig[vj * t + vk];
                r[j * nv + k] = sg[j * nv + k] - kk;
            }
        }
        if (!gs__chol(l, (size_t)nv, CHOL_TOL)) {
            gs_free(q), gs_free(mq);
            return gs_error_set(err, GS_SOLVER, "mmrm",
                                "sandwich: a participant's covariance is singular");
        }
        for (int j = 0; j < nv; j++) /* l: lower triangular only */
            for (int k = j + 1; k < nv; k++)
                l[j * nv + k] = 0.0;
        for (int j = 0; j < nv; j++) /* tmp = R L */
            for (int k = 0; k < nv; k++) {
                double x = 0.0;
                for (int a = k; a < nv; a++)
                    x += r[j * nv + a] * l[a * nv + k];
                tmp[j * nv + k] = x;
            }
        for (int j = 0; j < nv; j++) /* B = L' R L */
            for (int k = 0; k < nv; k++) {
                double x = 0.0;
                for (int a = j; a < nv; a++)
                    x += l[a * nv + j] * tmp[a * nv + k];
                b[j * nv + k] = x;
            }
        for (int j = 0; j < nv; j++)
            for (int k = 0; k < j; k++)
                b[j * nv + k] = b[k * nv + j] = 0.5 * (b[j * nv + k] + b[k * nv + j]);
        jacobi_eigen(b, nv, ev, vec);
        double evmax = 0.0;
        for (int j = 0; j < nv; j++)
            evmax = fmax(evmax, ev[j]);
        /* g = L B^{-1/2} L' Sigma_i^-1 h0 */
        memcpy(u, h0, (size_t)nv * sizeof *u);
        gs__chol_solve(l, (size_t)nv, u);
        for (int j = 0; j < nv; j++) { /* tmp[0..nv) = L' u */
            double x = 0.0;
            for (int a = j; a < nv; a++)
                x += l[a * nv + j] * u[a];
            tmp[j] = x;
        }
        for (int k = 0; k < nv; k++) { /* project on the eigenvectors, scale, back */
            double x = 0.0;
            for (int j = 0; j < nv; j++)
                x += vec[j * nv + k] * tmp[j];
            ev[k] = ev[k] > 1e-12 * evmax ? x / sqrt(ev[k]) : 0.0;
        }
        for (int j = 0; j < nv; j++) {
            double x = 0.0;
            for (int k = 0; k < nv; k++)
                x += vec[j * nv + k] * ev[k];
            u[j] = x;
        }
        double ge = 0.0, si = 0.0;
        for (int j = 0; j < nv; j++) {
            double x = 0.0;
            for (int a = 0; a <= j; a++)
                x += l[j * nv + a] * u[a];
            g[j] = x;
        }
        if (md) { /* Mancl and DeRouen: A_i = (I - H_ii)^-1, so g_i = (Sigma_i - K_i)^-1 X_i M c */
            memcpy(tmp, r, (size_t)nv * nv * sizeof *tmp);
            memcpy(g, h0, (size_t)nv * sizeof *g);
            if (!gs__chol(tmp, (size_t)nv, 1e-12)) {
                gs_free(q), gs_free(mq);
                return gs_error_set(err, GS_SOLVER, "mmrm",
                                    "Mancl-DeRouen sandwich: a participant's leverage is 1");
            }
            gs__chol_solve(tmp, (size_t)nv, g);
        }
        for (int j = 0; j < nv; j++)
            ge += g[j] * e[j];
        for (int j = 0; j < nv; j++)
            for (int k = 0; k < nv; k++)
                si += g[j] * sg[j * nv + k] * g[k];
        v += ge * ge;
        /* h_i = X_i' g_i: nonzero at 3 idx[j] + a; h'M h and Q += h h' */
        double hmh = 0.0;
        for (int j = 0; j < nv; j++)
            for (int a = 0; a < 3; a++) {
                const int x = 3 * idx[j] + a;
                const double hx = g[j] * s->z[a];
                for (int k = 0; k < nv; k++)
                    for (int bb = 0; bb < 3; bb++) {
                        const int y = 3 * idx[k] + bb;
                        const double hxy = hx * g[k] * s->z[bb];
                        hmh += hxy * M[x * p + y];
                        q[x * p + y] += hxy;
                    }
            }
        sum_g += si - hmh;
        s2 += si * si;
        shmh += si * hmh;
    }
    for (int j = 0; j < p; j++) /* mq = M Q */
        for (int k = 0; k < p; k++) {
            double x = 0.0;
            for (int a = 0; a < p; a++)
                x += M[j * p + a] * q[a * p + k];
            mq[j * p + k] = x;
        }
    double trmqmq = 0.0;
    for (int j = 0; j < p; j++)
        for (int k = 0; k < p; k++)
            trmqmq += mq[j * p + k] * mq[k * p + j];
    gs_free(q), gs_free(mq);
    const double g2 = s2 - 2.0 * shmh + trmqmq;
    *var = v;
    *df = g2 > 0.0 ? sum_g * sum_g / g2 : INFINITY;
    return GS_OK;
}

/* Quasi-Newton (BFGS, backtracking Armijo line search) from th; returns the iterations used. */
static int bfgs(struct model *m, double *th, double *f, struct work *w, int max_iter)
{
    const int d = m->d;
    double *g = w->g, *hi = w->hinv, *dir = w->v1, *th2 = w->v2, *g2 = w->v3, *hy = w->v4;
    double fx = eval(m, th, g);
    int it = 0, fresh = 1;
    for (int j = 0; j < d * d; j++)
        hi[j] = 0.0;
    for (int j = 0; j < d; j++)
        hi[j * d + j] = 1.0 / (1.0 + (double)m->n_obs);
    int stall = 0;
    for (; it < max_iter; it++) {
        double gmax = 0.0;
        for (int j = 0; j < d; j++)
            gmax = fmax(gmax, fabs(g[j]));
        /* close enough for the Newton steps that follow, or no longer making progress */
        if (gmax < 1e-7 * (1.0 + fabs(fx)) || stall >= 3)
            break;
        double slope = 0.0;
        for (int j = 0; j < d; j++) {
            double s = 0.0;
            for (int k = 0; k < d; k++)
                s -= hi[j * d + k] * g[k];
            dir[j] = s;
            slope += s * g[j];
        }
        if (!(slope < 0.0)) { /* not a descent direction: restart from the scaled gradient */
            if (fresh)
                break;
            for (int j = 0; j < d * d; j++)
                hi[j] = 0.0;
            for (int j = 0; j < d; j++)
                hi[j * d + j] = 1.0 / (1.0 + (double)m->n_obs);
            fresh = 1;
            continue;
        }
        double step = 1.0, f2 = INFINITY;
        for (int ls = 0; ls < 50; ls++, step *= 0.5) {
            for (int j = 0; j < d; j++)
                th2[j] = th[j] + step * dir[j];
            f2 = eval(m, th2, g2);
            if (isfinite(f2) && f2 <= fx + 1e-4 * step * slope)
                break;
        }
        if (!(isfinite(f2) && f2 <= fx + 1e-4 * step * slope)) {
            if (fresh)
                break;
            for (int j = 0; j < d * d; j++)
                hi[j] = 0.0;
            for (int j = 0; j < d; j++)
                hi[j * d + j] = 1.0 / (1.0 + (double)m->n_obs);
            fresh = 1;
            continue;
        }
        /* BFGS update of the inverse Hessian with s = step dir, y = g2 - g */
        double sy = 0.0, yhy = 0.0;
        for (int j = 0; j < d; j++) {
            dir[j] *= step;
            g2[j] -= g[j];
            sy += dir[j] * g2[j];
        }
        for (int j = 0; j < d; j++) {
            double s = 0.0;
            for (int k = 0; k < d; k++)
                s += hi[j * d + k] * g2[k];
            hy[j] = s;
            yhy += g2[j] * s;
        }
        if (sy > 1e-12 * sqrt(yhy * sy + 1e-300)) {
            const double r = 1.0 / sy, c = (1.0 + yhy * r) * r;
            for (int j = 0; j < d; j++)
                for (int k = 0; k < d; k++)
                    hi[j * d + k] += c * dir[j] * dir[k] - r * (hy[j] * dir[k] + dir[j] * hy[k]);
        }
        fresh = 0;
        for (int j = 0; j < d; j++) {
            th[j] = th2[j];
            g[j] += g2[j];
        }
        stall = fx - f2 < 1e-13 * (1.0 + fabs(fx)) ? stall + 1 : 0;
        fx = f2;
    }
    *f = fx;
    return it;
}

gs_status gs_lmm_mmrm(const struct gs_mmrm_request *req, struct gs_mmrm_result *r,
                      struct gs_error *err)
{
    const size_t n = req->n;
    memset(r, 0, sizeof *r);
    if (req->n_visits < 1 || req->n_visits > TMAX)
        return gs_error_set(err, GS_INPUT, "mmrm", "visits %d; allowed 1 to %d", req->n_visits,
                            TMAX);
    if (!(req->level > 0.0 && req->level < 1.0))
        return gs_error_set(err, GS_INPUT, "mmrm", "level %g; allowed strictly between 0 and 1",
                            req->level);
    if (n == 0)
        return gs_error_set(err, GS_INPUT, "mmrm", "no observations");
    if (req->df_method < GS_MMRM_DF_KENWARD_ROGER || req->df_method > GS_MMRM_DF_MD)
        return gs_error_set(err, GS_INPUT, "mmrm",
                            "df_method %d; allowed GS_MMRM_DF_KENWARD_ROGER, "
                            "GS_MMRM_DF_SATTERTHWAITE, GS_MMRM_DF_CR2 or GS_MMRM_DF_MD",
                            (int)req->df_method);
    if (req->cov < GS_MMRM_COV_UNSTRUCTURED || req->cov > GS_MMRM_COV_CSH)
        return gs_error_set(err, GS_INPUT, "mmrm", "cov %d; allowed 0 to 2", (int)req->cov);
    if (req->cov != GS_MMRM_COV_UNSTRUCTURED && req->df_method == GS_MMRM_DF_KENWARD_ROGER)
        return gs_error_set(err, GS_INPUT, "mmrm",
                            "Kenward-Roger is implemented for the unstructured covariance "
                            "only; with a structured one use a sandwich variance");
    for (size_t k = 0; k < n; k++)
        if (req->visit[k] < 0 || req->visit[k] >= req->n_visits || !isfinite(req->y[k]) ||
            !isfinite(req->baseline[k]) || (req->arm[k] != 0 && req->arm[k] != 1))
            return gs_error_set(err, GS_INPUT, "mmrm",
                                "observation %zu: visit %d (allowed 0 to %d), arm %d (0 or 1) "
                                "or a value not finite",
                                k, req->visit[k], req->n_visits - 1, req->arm[k]);
    struct work w = {0};
    struct model m = {0};
    gs_status st = GS_OK;
    w.ord = gs_malloc(n * sizeof *w.ord);
    if (!w.ord) {
        st = gs_error_set(err, GS_NOMEM, "mmrm", "out of memory");
        goto done;
    }
    for (size_t k = 0; k < n; k++)
        w.ord[k] = (struct obs){req->id[k], req->visit[k], k};
    qsort(w.ord, n, sizeof *w.ord, by_id_visit);
    /* visit levels present, in each arm */
    long cnt[TMAX][2] = {{0}};
    size_t mp = 0;
    for (size_t k = 0; k < n; k++) {
        const size_t row = w.ord[k].row, prev = k ? w.ord[k - 1].row : 0;
        if (k == 0 || w.ord[k].id != w.ord[k - 1].id) {
            mp++;
        } else if (w.ord[k].visit == w.ord[k - 1].visit) {
            st = gs_error_set(err, GS_INPUT, "mmrm",
                              "participant %ld has two observations at "
                              "visit %d",
                              w.ord[k].id, w.ord[k].visit);
            goto done;
        } else if (req->arm[row] != req->arm[prev] || req->baseline[row] != req->baseline[prev]) {
            st = gs_error_set(err, GS_INPUT, "mmrm",
                              "participant %ld changes arm or baseline "
                              "between observations",
                              w.ord[k].id);
            goto done;
        }
        cnt[req->visit[row]][req->arm[row]]++;
    }
    const int last = req->n_visits - 1;
    for (int a = 0; a < 2; a++)
        if (cnt[last][a] == 0) {
            st = gs_error_set(err, GS_INPUT, "mmrm",
                              "no observations at the last visit (%d) in "
                              "the %s arm",
                              last, a ? "treated" : "control");
            goto done;
        }
    int map[TMAX], t = 0;
    for (int v = 0; v < req->n_visits; v++)
        map[v] = cnt[v][0] + cnt[v][1] > 0 ? t++ : -1;
    m.t = t;
    m.p = 3 * t;
    m.cov = req->cov;
    m.d = m.cov == GS_MMRM_COV_UNSTRUCTURED ? t * (t + 1) / 2 : t + 1;
    m.n_obs = (long)n;
    for (int v = 0; v < req->n_visits; v++) {
        if (map[v] < 0)
            continue;
        if (cnt[v][0] == 0 || cnt[v][1] == 0 || cnt[v][0] + cnt[v][1] < 4) {
            st = gs_error_set(err, GS_INPUT, "mmrm",
                              "visit %d has %ld control and %ld treated participants: each visit "
                              "needs both arms and at least 4 participants",
                              v, cnt[v][0], cnt[v][1]);
            goto done;
        }
    }
    if ((long)n <= m.p) {
        st = gs_error_set(err, GS_INPUT, "mmrm", "%zu observations for %d fixed effects: too few",
                          n, m.p);
        goto done;
    }
    /* participants: visits attended (a bit mask) and their outcomes */
    w.per = gs_calloc(mp, sizeof *w.per);
    if (!w.per) {
        st = gs_error_set(err, GS_NOMEM, "mmrm", "out of memory");
        goto done;
    }
    long pair[TMAX][TMAX] = {{0}};
    for (size_t k = 0, i = (size_t)-1; k < n; k++) {
        const size_t row = w.ord[k].row;
        if (k == 0 || w.ord[k].id != w.ord[k - 1].id) {
            i++;
            w.per[i].z[0] = 1.0;
            w.per[i].z[1] = req->arm[row];
            w.per[i].z[2] = req->baseline[row];
        }
        const int v = map[req->visit[row]];
        w.per[i].mask |= (uint32_t)1 << v;
        w.per[i].y[v] = req->y[row];
    }
    double bmin[TMAX], bmax[TMAX];
    for (int v = 0; v < t; v++)
        bmin[v] = INFINITY, bmax[v] = -INFINITY;
    for (size_t i = 0; i < mp; i++)
        for (int v = 0; v < t; v++)
            if (w.per[i].mask >> v & 1) {
                bmin[v] = fmin(bmin[v], w.per[i].z[2]);
                bmax[v] = fmax(bmax[v], w.per[i].z[2]);
                for (int u = 0; u < t; u++)
                    pair[v][u] += w.per[i].mask >> u & 1;
            }
    for (int v = 0; v < req->n_visits; v++)
        if (map[v] >= 0 && !(bmax[map[v]] > bmin[map[v]])) {
            st = gs_error_set(err, GS_INPUT, "mmrm",
                              "visit %d: every participant observed has "
                              "the same baseline, so its effect cannot be estimated",
                              v);
            goto done;
        }
    for (int v = 0; v < req->n_visits; v++)
        for (int u = v + 1; u < req->n_visits; u++)
            if (map[v] >= 0 && map[u] >= 0 && pair[map[v]][map[u]] == 0) {
                st = gs_error_set(err, GS_INPUT, "mmrm",
                                  "nobody attended both visit %d and "
                                  "visit %d: their covariance cannot be estimated",
                                  v, u);
                goto done;
            }
    qsort(w.per, mp, sizeof *w.per, by_mask);
    int np = 0;
    for (size_t i = 0; i < mp; i++)
        np += i == 0 || w.per[i].mask != w.per[i - 1].mask;
    const size_t per_pat = 3 * (size_t)t + 2 * (size_t)t * t;
    w.pat = gs_calloc((size_t)np, sizeof *w.pat);
    w.pat_mem = gs_calloc((size_t)np * per_pat, sizeof *w.pat_mem);
    w.a = gs_malloc((size_t)m.p * m.p * sizeof *w.a);
    w.ainv = gs_malloc((size_t)m.p * m.p * sizeof *w.ainv);
    w.th = gs_calloc((size_t)m.d, sizeof *w.th);
    w.g = gs_calloc((size_t)m.d, sizeof *w.g);
    w.hinv = gs_calloc((size_t)m.d * m.d, sizeof *w.hinv);
    w.h = gs_calloc((size_t)m.d * m.d, sizeof *w.h);
    w.v1 = gs_calloc((size_t)m.d, sizeof *w.v1);
    w.v2 = gs_calloc((size_t)m.d, sizeof *w.v2);
    w.v3 = gs_calloc((size_t)m.d, sizeof *w.v3);
    w.v4 = gs_calloc((size_t)m.d, sizeof *w.v4);
    if (!w.pat || !w.pat_mem || !w.a || !w.ainv || !w.th || !w.g || !w.hinv || !w.h || !w.v1 ||
        !w.v2 || !w.v3 || !w.v4) {
        st = gs_error_set(err, GS_NOMEM, "mmrm", "out of memory");
        goto done;
    }
    m.np = np;
    m.pat = w.pat;
    m.a = w.a;
    m.ainv = w.ainv;
    for (size_t i = 0, q = (size_t)-1; i < mp; i++) {
        const struct person *s = &w.per[i];
        if (i == 0 || s->mask != w.per[i - 1].mask) {
            struct pattern *P = &w.pat[++q];
            P->c = w.pat_mem + q * per_pat;
            P->y = P->c + 3 * t;
            P->w = P->y + (size_t)t * t;
            for (int v = 0; v < t; v++)
                if (s->mask >> v & 1)
                    P->idx[P->nv++] = v;
        }
        struct pattern *P = &w.pat[q];
        const int nv = P->nv;
        P->m++;
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++)
                P->s[a * 3 + b] += s->z[a] * s->z[b];
        for (int j = 0; j < nv; j++) {
            const double yj = s->y[P->idx[j]];
            for (int a = 0; a < 3; a++)
                P->c[j * 3 + a] += yj * s->z[a];
            for (int k = 0; k < nv; k++)
                P->y[j * nv + k] += yj * s->y[P->idx[k]];
        }
    }

    /* start: Sigma = diag of each visit's residual variance after the visit's own regression
     * (the complete-case moment estimate, correlations 0) */
    {
        double *th = w.th;
        for (int q = 0; q < m.d; q++)
            th[q] = 0.0;
        int q = 0;
        /* identity start gives beta by GLS with Sigma = I: per-visit OLS */
        (void)eval(&m, th, NULL);
        for (int j = 0; j < t; j++) {
            double ss = 0.0;
            long nj = 0;
            for (int pq = 0; pq < np; pq++) {
                const struct pattern *P = &w.pat[pq];
                for (int jj = 0; jj < P->nv; jj++) {
                    if (P->idx[jj] != j)
                        continue;
                    /* sum (y - b z)^2 = Y - 2 b C + b S b */
                    const double *bj = m.beta + 3 * j, *c = P->c + jj * 3;
                    double bsb = 0.0;
                    for (int a = 0; a < 3; a++)
                        for (int b = 0; b < 3; b++)
                            bsb += bj[a] * P->s[a * 3 + b] * bj[b];
                    ss += P->y[jj * P->nv + jj] -
                          2.0 * (bj[0] * c[0] + bj[1] * c[1] + bj[2] * c[2]) + bsb;
                    nj += P->m;
                }
            }
            double var = nj > 3 ? ss / (double)(nj - 3) : ss / (double)nj;
            if (!(var > 0.0))
                var = 1.0;
            q = m.cov == GS_MMRM_COV_UNSTRUCTURED ? j * (j + 1) / 2 + j : j;
            th[q] = 0.5 * log(var);
        }
    }
    double fx = eval(&m, w.th, NULL);
    if (!isfinite(fx)) {
        st = gs_error_set(err, GS_INPUT, "mmrm",
                          "the design is singular (X'V^-1X not positive definite)");
        goto done;
    }
    int iters = bfgs(&m, w.th, &fx, &w, 2000);
    /* Newton polish on the finite-difference Hessian of the analytic gradient: the last
     * Hessian is also the one Satterthwaite's degrees of freedom use */
    const int d = m.d;
    double dec = INFINITY;
    for (int nt = 0; nt < 8; nt++) {
        if (!hessian(&m, w.th, w.h, w.v1, w.v2, w.g)) {
            st = gs_error_set(err, GS_SOLVER, "mmrm",
                              "REML: the criterion cannot be evaluated "
                              "next to its optimum (the covariance is nearly singular)");
            goto done;
        }
        memcpy(w.hinv, w.h, (size_t)d * d * sizeof *w.hinv);
        if (!gs__chol(w.hinv, (size_t)d, CHOL_TOL)) {
            dec = INFINITY;
            break;
        }
        memcpy(w.v3, w.g, (size_t)d * sizeof *w.v3);
        gs__chol_solve(w.hinv, (size_t)d, w.v3);
        dec = 0.0;
        for (int j = 0; j < d; j++)
            dec += w.g[j] * w.v3[j];
        if (dec < 1e-11)
            break;
        iters++;
        double step = 1.0, f2 = INFINITY;
        for (int ls = 0; ls < 30; ls++, step *= 0.5) {
            for (int j = 0; j < d; j++)
                w.v4[j] = w.th[j] - step * w.v3[j];
            f2 = eval(&m, w.v4, NULL);
            if (isfinite(f2) && f2 <= fx)
                break;
        }
        if (!(isfinite(f2) && f2 <= fx))
            break;
        memcpy(w.th, w.v4, (size_t)d * sizeof *w.th);
        fx = f2;
    }
    if (!(dec < 1e-6)) {
        st = gs_error_set(err, GS_SOLVER, "mmrm",
                          isinf(dec) ? "REML did not converge: the Hessian of the restricted "
                                       "likelihood is not positive definite at the end (a "
                                       "covariance parameter is not identified)"
                                     : "REML did not converge (Newton decrement %g after %d "
                                       "iterations)",
                          dec, iters);
        goto done;
    }
    /* at the final theta: the contrast, its variance and the gradient of its variance */
    fx = eval(&m, w.th, w.g);
    double phi = contrast_grad(&m, w.v1);
    memcpy(w.v2, w.v1, (size_t)d * sizeof *w.v2);
    gs__chol_solve(w.hinv, (size_t)d, w.v2);
    double var_phi = 0.0;
    for (int j = 0; j < d; j++)
        var_phi += w.v1[j] * w.v2[j];
    const int c = 3 * (t - 1) + 1;
    r->effect = m.beta[c];
    r->se = r->se_model = sqrt(phi);
    r->df = var_phi > 0.0 ? phi * phi / var_phi : INFINITY;
    r->df_method = req->df_method;
    if (!(r->df > 0.0) || !isfinite(r->se)) {
        st = gs_error_set(err, GS_SOLVER, "mmrm",
                          "Satterthwaite's degrees of freedom are not "
                          "defined here (%g)",
                          r->df);
        goto done;
    }
    if (req->df_method == GS_MMRM_DF_CR2 || req->df_method == GS_MMRM_DF_MD) {
        double v_s = NAN, df_s = NAN;
        if ((st = sandwich_cr2(&m, w.per, mp, req->df_method == GS_MMRM_DF_MD, &v_s, &df_s, err)) !=
            GS_OK)
            goto done;
        if (!(v_s > 0.0) || !(df_s > 0.0)) {
            st = gs_error_set(err, GS_SOLVER, "mmrm",
                              "the sandwich variance (%g) or its degrees of freedom (%g) are "
                              "not defined here",
                              v_s, df_s);
            goto done;
        }
        r->se = sqrt(v_s);
        r->df = df_s;
    }
    if (req->df_method == GS_MMRM_DF_KENWARD_ROGER) {
        double phi_a = NAN, df_kr = NAN;
        if ((st = kenward_roger(&m, &phi_a, &df_kr, err)) != GS_OK)
            goto done;
        if (!(phi_a > 0.0) || !(df_kr > 0.0)) {
            st = gs_error_set(err, GS_SOLVER, "mmrm",
                              "Kenward-Roger's adjusted variance (%g) or degrees of freedom "
                              "(%g) are not defined here",
                              phi_a, df_kr);
            goto done;
        }
        r->se = sqrt(phi_a);
        r->df = df_kr;
    }
    r->df = fmin(r->df, 1e9);
    r->t = r->effect / r->se;
    r->p = 2.0 * gsl_cdf_tdist_Q(fabs(r->t), r->df);
    const double qt = gsl_cdf_tdist_Qinv(0.5 * (1.0 - req->level), r->df);
    r->ci_lo = r->effect - qt * r->se;
    r->ci_hi = r->effect + qt * r->se;
    r->reml_loglik = -0.5 * ((double)((long)n - m.p) * log(2.0 * 3.14159265358979323846) + fx);
    r->n_visits = t;
    r->n_participants = (long)mp;
    r->iterations = iters;
    memcpy(r->cov, m.sig, (size_t)t * t * sizeof *r->cov);
    r->sigma_last = sqrt(m.sig[(t - 1) * t + t - 1]);
done:
    work_free(&w);
    if (st != GS_OK)
        memset(r, 0, sizeof *r);
    return st;
}
