/* gp.c -- Gaussian-process storage, factorisation, incremental updates and prediction (see gp.h). */
#include "gp/gp.h"

#include <math.h>
#include <string.h>

#include "common/linalg.h"

/* Diagonal jitter in normalised units: scikit-learn's default alpha, so fixed-hyper-parameter results match
 * it to rounding.  Raised by factors of 100 (to at most 1e-4) when a factorisation fails. */
#define JITTER_BASE 1e-10
#define JITTER_MAX 1e-4

trd_status trd__gp_init(trd__gp *gp, const trd__alloc *alloc, trd__kernel kernel, size_t dim, size_t cap)
{
    memset(gp, 0, sizeof *gp);
    if (dim > TRD__GP_MAX_DIM || cap == 0)
        return TRD_E_INVALID_ARG;
    gp->alloc = alloc;
    gp->kernel = kernel;
    gp->dim = dim;
    gp->cap = cap;
    gp->X = trd__calloc(alloc, cap * (dim ? dim : 1), sizeof *gp->X);
    gp->y = trd__calloc(alloc, cap, sizeof *gp->y);
    gp->L = trd__calloc(alloc, cap * cap, sizeof *gp->L);
    gp->alpha = trd__calloc(alloc, cap, sizeof *gp->alpha);
    gp->work = trd__calloc(alloc, 2 * cap, sizeof *gp->work);
    if (!gp->X || !gp->y || !gp->L || !gp->alpha || !gp->work) {
        trd__gp_free(gp);
        return TRD_E_NOMEM;
    }
    for (size_t d = 0; d < TRD__GP_MAX_DIM; d++)
        gp->h.log_ls[d] = 0;
    gp->h.log_sf2 = 0;
    gp->h.log_sn2 = log(0.1);
    gp->y_scale = 1;
    gp->jitter = JITTER_BASE;
    return TRD_OK;
}

void trd__gp_free(trd__gp *gp)
{
    if (!gp->alloc)
        return;
    trd__free(gp->alloc, gp->X);
    trd__free(gp->alloc, gp->y);
    trd__free(gp->alloc, gp->L);
    trd__free(gp->alloc, gp->alpha);
    trd__free(gp->alloc, gp->work);
    memset(gp, 0, sizeof *gp);
}

void trd__gp_clear(trd__gp *gp)
{
    gp->n = 0;
    gp->factored = 0;
    gp->y_mean = 0;
    gp->y_scale = 1;
}

/* Output normalisation as scikit-learn's normalize_y: mean and population standard deviation, with a scale
 * of 1 when the outputs are (numerically) constant; with zero_mean the deviation is taken from 0. */
void trd__gp_normalisation(const trd__gp *gp, double *mean_out, double *scale_out)
{
    double mean = 0, var = 0;
    if (!gp->zero_mean) {
        for (size_t i = 0; i < gp->n; i++)
            mean += gp->y[i];
        mean = gp->n ? mean / (double)gp->n : 0;
    }
    for (size_t i = 0; i < gp->n; i++)
        var += (gp->y[i] - mean) * (gp->y[i] - mean);
    double sd = gp->n ? sqrt(var / (double)gp->n) : 0;
    *mean_out = mean;
    *scale_out = sd < 10 * 2.220446049250313e-16 ? 1 : sd;
}

static void normalise(trd__gp *gp)
{
    trd__gp_normalisation(gp, &gp->y_mean, &gp->y_scale);
}

/* Squared scaled distance between two inputs. */
static double dist2(const trd__gp *gp, const double *a, const double *b, const double *inv_ls2)
{
    double r2 = 0;
    for (size_t d = 0; d < gp->dim; d++) {
        double t = a[d] - b[d];
        r2 += t * t * inv_ls2[d];
    }
    return r2;
}

static void inv_ls2_of(const trd__gp *gp, double *inv_ls2)
{
    for (size_t d = 0; d < gp->dim; d++)
        inv_ls2[d] = exp(-2 * gp->h.log_ls[d]);
}

/* alpha = (K + sn2 I)^-1 (y - mean) / scale with the current factor: O(n^2). */
static void solve_alpha(trd__gp *gp)
{
    for (size_t i = 0; i < gp->n; i++)
        gp->alpha[i] = (gp->y[i] - gp->y_mean) / gp->y_scale;
    trd__chol_solve_lower(gp->L, gp->cap, gp->n, gp->alpha);
    trd__chol_solve_upper(gp->L, gp->cap, gp->n, gp->alpha);
}

int trd__gp_refactor(trd__gp *gp)
{
    normalise(gp);
    gp->factored = 0;
    if (gp->n == 0)
        return 0;
    double inv_ls2[TRD__GP_MAX_DIM];
    inv_ls2_of(gp, inv_ls2);
    double sf2 = exp(gp->h.log_sf2), sn2 = exp(gp->h.log_sn2);
    for (double jitter = JITTER_BASE; jitter <= JITTER_MAX * 1.0000001; jitter *= 100) {
        for (size_t i = 0; i < gp->n; i++) {
            double *li = gp->L + i * gp->cap;
            const double *xi = gp->X + i * gp->dim;
            for (size_t j = 0; j < i; j++) {
                double m, g;
                trd__kernel_eval(gp->kernel, dist2(gp, xi, gp->X + j * gp->dim, inv_ls2), &m, &g);
                li[j] = sf2 * m;
            }
            li[i] = sf2 + sn2 + jitter;
        }
        if (trd__chol(gp->L, gp->cap, gp->n) == 0) {
            gp->jitter = jitter;
            gp->factored = 1;
            solve_alpha(gp);
            return 0;
        }
    }
    return -1;
}

int trd__gp_set_hyper(trd__gp *gp, const trd__gp_hyper *h)
{
    gp->h = *h;
    return trd__gp_refactor(gp);
}

int trd__gp_add(trd__gp *gp, const double *x, double y)
{
    if (gp->n >= gp->cap)
        return -1;
    size_t n = gp->n;
    memcpy(gp->X + n * gp->dim, x, gp->dim * sizeof *x);
    gp->y[n] = y;
    if (!gp->factored) {
        gp->n = n + 1;
        return trd__gp_refactor(gp);
    }
    double inv_ls2[TRD__GP_MAX_DIM];
    inv_ls2_of(gp, inv_ls2);
    double sf2 = exp(gp->h.log_sf2), sn2 = exp(gp->h.log_sn2);
    double *k = gp->work;
    for (size_t j = 0; j < n; j++) {
        double m, g;
        trd__kernel_eval(gp->kernel, dist2(gp, x, gp->X + j * gp->dim, inv_ls2), &m, &g);
        k[j] = sf2 * m;
    }
    gp->n = n + 1;
    if (trd__chol_append(gp->L, gp->cap, n, k, sf2 + sn2 + gp->jitter) != 0)
        return trd__gp_refactor(gp); /* a near-duplicate point: start again with more jitter */
    normalise(gp);
    solve_alpha(gp);
    return 0;
}

int trd__gp_remove(trd__gp *gp, size_t i)
{
    if (i >= gp->n)
        return -1;
    size_t n = gp->n;
    memmove(gp->X + i * gp->dim, gp->X + (i + 1) * gp->dim, (n - i - 1) * gp->dim * sizeof *gp->X);
    memmove(gp->y + i, gp->y + i + 1, (n - i - 1) * sizeof *gp->y);
    if (!gp->factored) {
        gp->n = n - 1;
        return trd__gp_refactor(gp);
    }
    trd__chol_remove(gp->L, gp->cap, n, i, gp->work);
    gp->n = n - 1;
    normalise(gp);
    solve_alpha(gp);
    return 0;
}

void trd__gp_predict(trd__gp *gp, const double *x, double *mean, double *var)
{
    double sf2 = exp(gp->h.log_sf2);
    if (gp->n == 0 || !gp->factored) {
        *mean = gp->y_mean;
        *var = sf2 * gp->y_scale * gp->y_scale;
        return;
    }
    double inv_ls2[TRD__GP_MAX_DIM];
    inv_ls2_of(gp, inv_ls2);
    double *k = gp->work, mu = 0;
    for (size_t j = 0; j < gp->n; j++) {
        double m, g;
        trd__kernel_eval(gp->kernel, dist2(gp, x, gp->X + j * gp->dim, inv_ls2), &m, &g);
        k[j] = sf2 * m;
        mu += k[j] * gp->alpha[j];
    }
    trd__chol_solve_lower(gp->L, gp->cap, gp->n, k);
    double vv = 0;
    for (size_t j = 0; j < gp->n; j++)
        vv += k[j] * k[j];
    double v = sf2 - vv;
    *mean = gp->y_mean + gp->y_scale * mu;
    *var = (v > 0 ? v : 0) * gp->y_scale * gp->y_scale;
}

double trd__gp_noise_var(const trd__gp *gp)
{
    return exp(gp->h.log_sn2) * gp->y_scale * gp->y_scale;
}

double trd__gp_lml(const trd__gp *gp)
{
    if (!gp->factored)
        return -INFINITY;
    double fit = 0;
    for (size_t i = 0; i < gp->n; i++)
        fit += (gp->y[i] - gp->y_mean) / gp->y_scale * gp->alpha[i];
    return -0.5 * fit - trd__chol_logdet_half(gp->L, gp->cap, gp->n) - 0.5 * (double)gp->n * 1.8378770664093453; /* log(2 pi) */
}

int trd__gp_loo_z(const trd__gp *gp, double *z, double *work)
{
    if (!gp->factored)
        return -1;
    size_t n = gp->n;
    /* diag(K^-1)_i = sum_k (L^-1)_ki^2. */
    double *M = work;
    trd__chol_invert_lower(gp->L, gp->cap, n, M);
    for (size_t i = 0; i < n; i++)
        z[i] = 0;
    for (size_t i = 0; i < n; i++) {
        const double *mi = M + i * n;
        for (size_t j = 0; j <= i; j++)
            z[j] += mi[j] * mi[j];
    }
    for (size_t i = 0; i < n; i++)
        z[i] = gp->alpha[i] / sqrt(z[i]);
    return 0;
}
