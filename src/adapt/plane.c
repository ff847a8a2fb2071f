/* plane.c -- see plane.h. */
#include "adapt/plane.h"

#include <string.h>

#include "common/linalg.h"

/* lambda = (residual sd / slope prior sd)^2 = 0.01: with inputs in [0, 1] and outputs in log units, a slope
 * of 1 costs as much as a residual of 0.1 at ten points.  The residual sd s is the fit's own, clamped to
 * [S_MIN, S_MAX]: a knob no probe has varied then has a slope sd of s / sqrt(lambda), 0.3-0.5 in log
 * throughput across its range.  Measured in bench/adapt_bo and tests/unit/test_bo.c: a fixed s of 0.05 kept
 * expected improvement near 1% on a flat response for 20 probes (now 8 after the design); an unclamped s
 * (up to 0.3 where a plane fits a saturating surface badly) explored so much that fewer runs reached 0.95 of
 * the best within 15 probes (85% against 88%); a plane without variance left unvaried knobs unexplored. */
#define LAMBDA 0.01
#define S_MIN 0.03
#define S_MAX 0.05

void trd__plane_zero(trd__plane *p, size_t dim)
{
    memset(p, 0, sizeof *p);
    p->dim = dim;
}

void trd__plane_fit(trd__plane *p, size_t dim, size_t n, const double *X, const double *y)
{
    trd__plane_zero(p, dim);
    if (n == 0)
        return;
    double ym = 0, r[TRD__GP_MAX_DIM] = {0};
    p->s2 = S_MIN * S_MIN;
    for (size_t i = 0; i < n; i++) {
        ym += y[i] / (double)n;
        for (size_t d = 0; d < dim; d++)
            p->xm[d] += X[i * dim + d] / (double)n;
    }
    for (size_t a = 0; a < dim; a++) {
        for (size_t c = 0; c <= a; c++) {
            double s = a == c ? LAMBDA : 0;
            for (size_t i = 0; i < n; i++)
                s += (X[i * dim + a] - p->xm[a]) * (X[i * dim + c] - p->xm[c]);
            p->L[a * dim + c] = s;
        }
        for (size_t i = 0; i < n; i++)
            r[a] += (X[i * dim + a] - p->xm[a]) * (y[i] - ym);
    }
    p->b[0] = ym;
    /* Positive definite by the ridge; a failure would need non-finite inputs, and leaves a level plane. */
    if (dim == 0 || trd__chol(p->L, dim, dim) != 0) {
        memset(p->L, 0, sizeof p->L);
        return;
    }
    double s[TRD__GP_MAX_DIM];
    memcpy(s, r, dim * sizeof *s);
    trd__chol_solve_lower(p->L, dim, dim, s);
    trd__chol_solve_upper(p->L, dim, dim, s);
    for (size_t d = 0; d < dim; d++) {
        p->b[1 + d] = s[d];
        p->b[0] -= s[d] * p->xm[d];
    }
    double ss = 0;
    for (size_t i = 0; i < n; i++) {
        double e = y[i] - trd__plane_mean(p, X + i * dim);
        ss += e * e;
    }
    double s2 = ss / (double)n;
    p->s2 = s2 < S_MIN * S_MIN ? S_MIN * S_MIN : s2 > S_MAX * S_MAX ? S_MAX * S_MAX : s2;
}

double trd__plane_mean(const trd__plane *p, const double *x)
{
    double t = p->b[0];
    for (size_t d = 0; d < p->dim; d++)
        t += p->b[1 + d] * x[d];
    return t;
}

double trd__plane_var(const trd__plane *p, const double *x)
{
    if (p->dim == 0 || p->L[0] == 0)
        return 0;
    double v[TRD__GP_MAX_DIM], s = 0;
    for (size_t d = 0; d < p->dim; d++)
        v[d] = x[d] - p->xm[d];
    trd__chol_solve_lower(p->L, p->dim, p->dim, v);
    for (size_t d = 0; d < p->dim; d++)
        s += v[d] * v[d];
    return p->s2 * s;
}
