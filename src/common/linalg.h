/* linalg.h -- the dense linear algebra of the Gaussian processes: Cholesky factors of small symmetric
 * positive-definite matrices (n <= a few hundred), their solves, inverse, and O(n^2) updates when a point is
 * appended or removed.
 *
 * Matrices are row-major with a leading dimension `ld` (>= n); only the lower triangle is read or written.
 * Written here rather than called from GSL because GSL's Cholesky reports a non-positive-definite matrix
 * through its process-global error handler, whose default aborts, and GSL has no update/downdate at all.
 * Every routine reports failure by its return value and never touches global state. */
#ifndef TRD_COMMON_LINALG_H
#define TRD_COMMON_LINALG_H

#include <stddef.h>

/* In place: the lower triangle of A becomes L with A = L L^T.  Returns 0, or -1 if A is not numerically
 * positive definite (a pivot <= 0 or not finite); A is then partly overwritten. */
int trd__chol(double *A, size_t ld, size_t n);

/* x <- L^-1 x and x <- L^-T x (forward and backward substitution). */
void trd__chol_solve_lower(const double *L, size_t ld, size_t n, double *x);
void trd__chol_solve_upper(const double *L, size_t ld, size_t n, double *x);

/* M = L^-1 for a lower-triangular L (row-major, leading dimension ld), into M (n x n, row-major, lower part
 * written, leading dimension n). */
void trd__chol_invert_lower(const double *L, size_t ld, size_t n, double *M);

/* Kinv (lower triangle, ld) <- (L L^T)^-1, using `work` (n * n doubles) for L^-1. */
void trd__chol_inverse(const double *L, size_t ld, size_t n, double *Kinv, size_t ldk, double *work);

/* Extends the factor of an n x n matrix by one row: `k` holds the new off-diagonal column (n values, it is
 * overwritten with L^-1 k) and `kappa` the new diagonal entry.  Returns 0, or -1 if the extended matrix is
 * not numerically positive definite, its new pivot below 1e-10 kappa (the factor is then unchanged). */
int trd__chol_append(double *L, size_t ld, size_t n, double *k, double kappa);

/* Removes row and column i from the factored n x n matrix, leaving the factor of the (n-1) x (n-1) matrix in
 * the top-left corner (a rank-one update of the trailing block; `work` holds n doubles). */
void trd__chol_remove(double *L, size_t ld, size_t n, size_t i, double *work);

/* Sum of log(L_ii): half the log-determinant of L L^T. */
double trd__chol_logdet_half(const double *L, size_t ld, size_t n);

#endif
