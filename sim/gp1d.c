/* gp1d.c -- see gp1d.h. */
#include "gp1d.h"

#include <math.h>

#define NOISE 1e-4

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

static void forward(const double *L, uint32_t n, const double *b, double *z)
{
    for (uint32_t i = 0; i < n; i++) {
        double s = b[i];
        for (uint32_t k = 0; k < i; k++)
            s -= L[i * n + k] * z[k];
        z[i] = s / L[i * n + i];
    }
}

/* Factorises K + noise I for length l into L and solves alpha = K^-1 y; the log marginal likelihood. */
static double solve(const double *x, const double *y, uint32_t n, double l, double *L, double *alpha)
{
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < n; j++) {
            double d = x[i] - x[j];
            L[i * n + j] = exp(-0.5 * d * d / (l * l)) + (i == j ? NOISE : 0);
        }
    if (!cholesky(L, n))
        return -INFINITY;
    forward(L, n, y, alpha);
    double fit = 0, logdet = 0;
    for (uint32_t i = 0; i < n; i++) {
        fit += alpha[i] * alpha[i];
        logdet += log(L[i * n + i]);
    }
    for (uint32_t i = n; i-- > 0;) {
        double s = alpha[i];
        for (uint32_t k = i + 1; k < n; k++)
            s -= L[k * n + i] * alpha[k];
        alpha[i] = s / L[i * n + i];
    }
    return -0.5 * fit - logdet;
}

int sim_gp1d(const double *x, const double *y, uint32_t n, const double *grid, uint32_t n_grid, const double *xq,
             uint32_t nq, double *mu, double *sd)
{
    if (!n || n > GP1D_MAX || !n_grid)
        return 0;
    double ys_[GP1D_MAX], L[GP1D_MAX * GP1D_MAX], alpha[GP1D_MAX], k[GP1D_MAX], v[GP1D_MAX];
    double ym = 0, ys = 0;
    for (uint32_t i = 0; i < n; i++)
        ym += y[i] / n;
    for (uint32_t i = 0; i < n; i++)
        ys += (y[i] - ym) * (y[i] - ym) / n;
    ys = sqrt(ys);
    if (!(ys > 1e-9 * fabs(ym)))
        ys = fabs(ym) > 0 ? fabs(ym) : 1; /* one point, or all equal: a flat mean at ym */
    for (uint32_t i = 0; i < n; i++)
        ys_[i] = (y[i] - ym) / ys;
    double best = -INFINITY, l_best = grid[0];
    for (uint32_t g = 0; g < n_grid; g++) {
        double lml = solve(x, ys_, n, grid[g], L, alpha);
        if (lml > best) {
            best = lml;
            l_best = grid[g];
        }
    }
    if (!isfinite(solve(x, ys_, n, l_best, L, alpha)))
        return 0;
    for (uint32_t q = 0; q < nq; q++) {
        double m = 0;
        for (uint32_t i = 0; i < n; i++) {
            double d = xq[q] - x[i];
            k[i] = exp(-0.5 * d * d / (l_best * l_best));
            m += k[i] * alpha[i];
        }
        mu[q] = ym + ys * m;
        if (sd) {
            forward(L, n, k, v);
            double var = 1 + NOISE;
            for (uint32_t i = 0; i < n; i++)
                var -= v[i] * v[i];
            sd[q] = ys * sqrt(var > 0 ? var : 0);
        }
    }
    return 1;
}
