/* conttune.c -- ContTune's per-operator GP and pick (see conttune.h). */
#include "conttune.h"

#include <math.h>
#include <string.h>

#define NOISE 1e-4   /* observation noise on standardised PA (the Top-K mean already smooths it) */

void sim_ct_observe(sim_ct_op *h, uint32_t p, double pa)
{
    if (p < 1 || !(pa > 0))
        return;
    uint32_t k = 0;
    while (k < h->n && h->p[k] != p)
        k++;
    if (k == h->n) {
        if (h->n == SIM_CT_MAX_P)
            return;
        h->n++;
        h->p[k] = p;
        h->count[k] = 0;
    }
    h->pa[k][h->count[k] % SIM_CT_TOP_K] = pa; /* the (K+1)th oldest is dropped */
    h->count[k]++;
    h->last_rate = pa / p;
}

double sim_ct_mean(const sim_ct_op *h, uint32_t p)
{
    for (uint32_t k = 0; k < h->n; k++)
        if (h->p[k] == p) {
            uint32_t m = h->count[k] < SIM_CT_TOP_K ? h->count[k] : SIM_CT_TOP_K;
            double s = 0;
            for (uint32_t j = 0; j < m; j++)
                s += h->pa[k][j];
            return s / m;
        }
    return 0;
}

/* Cholesky of the n x n matrix a (lower, in place); 0 if not positive definite. */
static int cholesky(double *a, uint32_t n)
{
    for (uint32_t j = 0; j < n; j++) {
        double d = a[j * n + j];
        for (uint32_t k = 0; k < j; k++)
            d -= a[j * n + k] * a[j * n + k];
        if (d <= 0)
            return 0;
        a[j * n + j] = sqrt(d);
        for (uint32_t i = j + 1; i < n; i++) {
            double s = a[i * n + j];
            for (uint32_t k = 0; k < j; k++)
                s -= a[i * n + k] * a[j * n + k];
            a[i * n + j] = s / a[j * n + j];
        }
    }
    return 1;
}

/* alpha = K^-1 y for the length scale l; returns the log marginal likelihood (-inf on failure). */
static double solve(const double *x, const double *y, uint32_t n, double l, double *L, double *alpha)
{
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < n; j++) {
            double d = x[i] - x[j];
            L[i * n + j] = exp(-0.5 * d * d / (l * l)) + (i == j ? NOISE : 0);
        }
    if (!cholesky(L, n))
        return -INFINITY;
    for (uint32_t i = 0; i < n; i++) { /* L z = y */
        double s = y[i];
        for (uint32_t k = 0; k < i; k++)
            s -= L[i * n + k] * alpha[k];
        alpha[i] = s / L[i * n + i];
    }
    double fit = 0, logdet = 0;
    for (uint32_t i = 0; i < n; i++) {
        fit += alpha[i] * alpha[i];
        logdet += log(L[i * n + i]);
    }
    for (uint32_t i = n; i-- > 0;) { /* L^T alpha = z */
        double s = alpha[i];
        for (uint32_t k = i + 1; k < n; k++)
            s -= L[k * n + i] * alpha[k];
        alpha[i] = s / L[i * n + i];
    }
    return -0.5 * fit - logdet;
}

int sim_ct_fit(const sim_ct_op *h, uint32_t p_max, double *mu)
{
    static const double grid[] = {1, 2, 4.37, 8, 16, 32}; /* 4.37: GPofContTune.py's initial length scale */
    uint32_t n = h->n;
    if (!n)
        return 0;
    double x[SIM_CT_MAX_P], y[SIM_CT_MAX_P], L[SIM_CT_MAX_P * SIM_CT_MAX_P], alpha[SIM_CT_MAX_P];
    double ym = 0, ys = 0;
    for (uint32_t k = 0; k < n; k++) {
        x[k] = h->p[k];
        y[k] = sim_ct_mean(h, h->p[k]);
        ym += y[k] / n;
    }
    for (uint32_t k = 0; k < n; k++)
        ys += (y[k] - ym) * (y[k] - ym) / n;
    ys = sqrt(ys);
    if (!(ys > 1e-9 * fabs(ym)))
        ys = fabs(ym) > 0 ? fabs(ym) : 1; /* one point, or all equal: the mean is flat at ym */
    for (uint32_t k = 0; k < n; k++)
        y[k] = (y[k] - ym) / ys;
    double best = -INFINITY, l_best = grid[2];
    for (size_t g = 0; g < sizeof grid / sizeof *grid; g++) {
        double lml = solve(x, y, n, grid[g], L, alpha);
        if (lml > best) {
            best = lml;
            l_best = grid[g];
        }
    }
    if (!isfinite(solve(x, y, n, l_best, L, alpha)))
        return 0;
    for (uint32_t p = 1; p <= p_max; p++) {
        double m = 0;
        for (uint32_t k = 0; k < n; k++) {
            double d = (double)p - x[k];
            m += exp(-0.5 * d * d / (l_best * l_best)) * alpha[k];
        }
        mu[p - 1] = ym + ys * m;
    }
    return 1;
}

uint32_t sim_ct_pick(const sim_ct_op *h, const double *mu, uint32_t p_max, double lambda)
{
    uint32_t acq = 0;
    for (uint32_t p = 1; p <= p_max && !acq; p++)
        if (mu[p - 1] >= lambda)
            acq = p;
    double nearest = INFINITY;
    for (uint32_t k = 0; k < h->n && acq; k++)
        nearest = fmin(nearest, fabs((double)acq - (double)h->p[k]));
    if (acq && nearest <= SIM_CT_ALPHA)
        return acq; /* fast exploitation within the known region */
    /* conservative exploration: DS2's linear estimate from the latest per-instance rate */
    if (!(h->last_rate > 0))
        return acq ? acq : 1;
    double lin = ceil(lambda / h->last_rate - 1e-9);
    return lin < 1 ? 1 : lin > (double)UINT32_MAX ? UINT32_MAX : (uint32_t)lin;
}
