/* Cholesky factor, solves, inverse and the O(n^2) append/remove updates, against direct recomputation on
 * seeded random SPD matrices. */
#include <stdlib.h>

#include "common/linalg.h"
#include "common/rng.h"
#include "test_support.h"

#define N 40

/* A = B B^T + n I for a random B: well conditioned and positive definite. */
static void random_spd(trd__rng *r, double *A, size_t n, size_t ld)
{
    double B[N * N];
    for (size_t i = 0; i < n * n; i++)
        B[i] = trd__rng_normal(r);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double s = 0;
            for (size_t k = 0; k < n; k++)
                s += B[i * n + k] * B[j * n + k];
            A[i * ld + j] = s + (i == j ? (double)n : 0);
        }
}

static double lower_diff(const double *a, const double *b, size_t n, size_t lda, size_t ldb)
{
    double worst = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j <= i; j++)
            worst = fmax(worst, fabs(a[i * lda + j] - b[i * ldb + j]));
    return worst;
}

static void test_factor_solve_inverse(void **state)
{
    (void)state;
    trd__rng r;
    trd__rng_seed(&r, 7);
    static double A[N * N], L[N * N], Kinv[N * N], work[N * N];
    random_spd(&r, A, N, N);
    memcpy(L, A, sizeof L);
    assert_int_equal(trd__chol(L, N, N), 0);
    /* L L^T reproduces A. */
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j <= i; j++) {
            double s = 0;
            for (size_t k = 0; k <= j; k++)
                s += L[i * N + k] * L[j * N + k];
            assert_close(s, A[i * N + j], 1e-12);
        }
    /* Solving A x = b. */
    double b[N], x[N];
    for (size_t i = 0; i < N; i++)
        b[i] = x[i] = trd__rng_normal(&r);
    trd__chol_solve_lower(L, N, N, x);
    trd__chol_solve_upper(L, N, N, x);
    for (size_t i = 0; i < N; i++) {
        double s = 0;
        for (size_t j = 0; j < N; j++)
            s += (j <= i ? A[i * N + j] : A[j * N + i]) * x[j];
        assert_close(s, b[i], 1e-11);
    }
    /* A^-1 A = I. */
    trd__chol_inverse(L, N, N, Kinv, N, work);
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++) {
            double s = 0;
            for (size_t k = 0; k < N; k++) {
                double a = k <= j ? A[j * N + k] : A[k * N + j];
                double v = k <= i ? Kinv[i * N + k] : Kinv[k * N + i];
                s += v * a;
            }
            assert_close(s, i == j ? 1.0 : 0.0, 1e-11);
        }
    /* Not positive definite: refused. */
    double bad[4] = {1, 0, 2, 1}; /* [[1, 2], [2, 1]] */
    assert_int_equal(trd__chol(bad, 2, 2), -1);
    double nan_diag[1] = {NAN};
    assert_int_equal(trd__chol(nan_diag, 1, 1), -1);
}

static void test_append_and_remove_match_refactoring(void **state)
{
    (void)state;
    trd__rng r;
    trd__rng_seed(&r, 11);
    static double A[N * N], L[N * N], ref[N * N], work[N];
    random_spd(&r, A, N, N);
    /* Build the factor of the leading (N-1) block, then append the last row. */
    memcpy(L, A, sizeof L);
    assert_int_equal(trd__chol(L, N, N - 1), 0);
    double k[N];
    for (size_t j = 0; j < N - 1; j++)
        k[j] = A[(N - 1) * N + j];
    assert_int_equal(trd__chol_append(L, N, N - 1, k, A[(N - 1) * N + N - 1]), 0);
    memcpy(ref, A, sizeof ref);
    assert_int_equal(trd__chol(ref, N, N), 0);
    assert_true(lower_diff(L, ref, N, N, N) < 1e-12);

    /* Remove rows 0, 17 and the last one in turn; compare with a factor of the reduced matrix. */
    size_t keep[N], n = N;
    for (size_t i = 0; i < N; i++)
        keep[i] = i;
    const size_t victims[] = {0, 17, N - 3};
    for (size_t v = 0; v < 3; v++) {
        size_t i = victims[v] < n ? victims[v] : n - 1;
        trd__chol_remove(L, N, n, i, work);
        memmove(keep + i, keep + i + 1, (n - i - 1) * sizeof *keep);
        n--;
        static double R[N * N];
        for (size_t a = 0; a < n; a++)
            for (size_t b = 0; b <= a; b++)
                R[a * N + b] = A[keep[a] * N + keep[b]];
        assert_int_equal(trd__chol(R, N, n), 0);
        double diff = lower_diff(L, R, n, N, N);
        if (diff > 1e-12)
            fail_msg("after removing index %zu: factor differs by %g", i, diff);
    }
    /* Appending an exact duplicate of an existing row makes the matrix singular: refused, factor unchanged. */
    static double before[N * N];
    memcpy(before, L, sizeof before);
    for (size_t j = 0; j < n; j++) /* column of kept point 0 against every kept point (symmetric lookup) */
        k[j] = keep[j] <= keep[0] ? A[keep[0] * N + keep[j]] : A[keep[j] * N + keep[0]];
    assert_int_equal(trd__chol_append(L, N, n, k, A[keep[0] * N + keep[0]]), -1);
    assert_memory_equal(L, before, n * N * sizeof *L);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_factor_solve_inverse),
        cmocka_unit_test(test_append_and_remove_match_refactoring),
    };
    return cmocka_run_group_tests_name("unit_linalg", tests, NULL, NULL);
}
