/* linalg.c -- see linalg.h.  Loops are written for row-major access (contiguous inner loops) and dot
 * products keep four partial sums, which lets the compiler overlap the multiply-adds. */
#include "common/linalg.h"

#include <math.h>
#include <string.h>

static double dot(const double *a, const double *b, size_t n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += a[i] * b[i];
        s1 += a[i + 1] * b[i + 1];
        s2 += a[i + 2] * b[i + 2];
        s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; i++)
        s0 += a[i] * b[i];
    return (s0 + s1) + (s2 + s3);
}

int trd__chol(double *A, size_t ld, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        double *rj = A + j * ld;
        double d = rj[j] - dot(rj, rj, j);
        if (!(d > 0) || !isfinite(d))
            return -1;
        double ljj = sqrt(d), inv = 1.0 / ljj;
        rj[j] = ljj;
        for (size_t i = j + 1; i < n; i++) {
            double *ri = A + i * ld;
            ri[j] = (ri[j] - dot(ri, rj, j)) * inv;
        }
    }
    return 0;
}

void trd__chol_solve_lower(const double *L, size_t ld, size_t n, double *x)
{
    for (size_t i = 0; i < n; i++) {
        const double *ri = L + i * ld;
        x[i] = (x[i] - dot(ri, x, i)) / ri[i];
    }
}

void trd__chol_solve_upper(const double *L, size_t ld, size_t n, double *x)
{
    /* L^T x = b, walking rows of L backwards: after x[i] is known, remove its contribution from x[0..i). */
    for (size_t i = n; i-- > 0;) {
        const double *ri = L + i * ld;
        x[i] /= ri[i];
        double xi = x[i];
        for (size_t j = 0; j < i; j++)
            x[j] -= ri[j] * xi;
    }
}

void trd__chol_invert_lower(const double *L, size_t ld, size_t n, double *M)
{
    /* Row i of M = L^-1 is -1/L_ii times the combination of earlier rows of M weighted by L's row i, so every
     * inner loop runs along a row. */
    for (size_t i = 0; i < n; i++) {
        const double *li = L + i * ld;
        double *mi = M + i * n;
        memset(mi, 0, (i + 1) * sizeof *mi);
        for (size_t k = 0; k < i; k++) {
            const double *mk = M + k * n;
            double c = li[k];
            for (size_t j = 0; j <= k; j++)
                mi[j] += c * mk[j];
        }
        double inv = 1.0 / li[i];
        for (size_t j = 0; j < i; j++)
            mi[j] *= -inv;
        mi[i] = inv;
    }
}

void trd__chol_inverse(const double *L, size_t ld, size_t n, double *Kinv, size_t ldk, double *work)
{
    double *M = work;
    trd__chol_invert_lower(L, ld, n, M);
    /* K^-1 = M^T M: accumulate each row of M's outer product into the lower triangle. */
    for (size_t a = 0; a < n; a++)
        memset(Kinv + a * ldk, 0, (a + 1) * sizeof *Kinv);
    for (size_t i = 0; i < n; i++) {
        const double *mi = M + i * n;
        for (size_t a = 0; a <= i; a++) {
            double c = mi[a];
            double *ka = Kinv + a * ldk;
            for (size_t b = 0; b <= a; b++)
                ka[b] += c * mi[b];
        }
    }
}

int trd__chol_append(double *L, size_t ld, size_t n, double *k, double kappa)
{
    trd__chol_solve_lower(L, ld, n, k);
    double d = kappa - dot(k, k, n);
    /* libgp and others skip this guard and produce NaN on a duplicate point; refuse instead (also when the
     * pivot is lost in rounding: below 1e-10 of the diagonal) and let the caller refactor with more jitter. */
    if (!(d > 1e-10 * kappa) || !isfinite(d))
        return -1;
    double *rn = L + n * ld;
    memcpy(rn, k, n * sizeof *rn);
    rn[n] = sqrt(d);
    return 0;
}

void trd__chol_remove(double *L, size_t ld, size_t n, size_t i, double *work)
{
    /* With A = L L^T, removing row/column i leaves the trailing block B = L33 L33^T + l l^T, where l holds the
     * entries of column i below the diagonal: a rank-one update of L33 (Givens-style, stable). */
    size_t m = n - i - 1;
    double *x = work;
    for (size_t r = 0; r < m; r++)
        x[r] = L[(i + 1 + r) * ld + i];
    for (size_t c = 0; c < m; c++) {
        double *lcc = &L[(i + 1 + c) * ld + (i + 1 + c)];
        double r = hypot(*lcc, x[c]);
        double cs = r / *lcc, sn = x[c] / *lcc;
        *lcc = r;
        for (size_t q = c + 1; q < m; q++) {
            double *lqc = &L[(i + 1 + q) * ld + (i + 1 + c)];
            *lqc = (*lqc + sn * x[q]) / cs;
            x[q] = cs * x[q] - sn * *lqc;
        }
    }
    /* Close the gap: rows below i move up one row, and their columns right of i move left one column. */
    for (size_t r = i; r + 1 < n; r++) {
        double *dst = L + r * ld;
        const double *src = L + (r + 1) * ld;
        memmove(dst, src, i * sizeof *dst);
        memmove(dst + i, src + i + 1, (r + 1 - i) * sizeof *dst);
    }
}

double trd__chol_logdet_half(const double *L, size_t ld, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += log(L[i * ld + i]);
    return s;
}
