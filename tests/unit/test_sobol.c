/* White-box tests of the Sobol generator against scipy.stats.qmc.Sobol(d, scramble=False) (scipy 1.17),
 * which uses the same Joe-Kuo direction numbers and Gray-code order. */
#include "common/sobol.h"
#include "test_support.h"

static void test_first_points_match_scipy(void **state)
{
    (void)state;
    /* scipy: Sobol(d=5, scramble=False).random(9) */
    static const double want[9][5] = {
        {0, 0, 0, 0, 0},
        {0.5, 0.5, 0.5, 0.5, 0.5},
        {0.75, 0.25, 0.25, 0.25, 0.75},
        {0.25, 0.75, 0.75, 0.75, 0.25},
        {0.375, 0.375, 0.625, 0.875, 0.375},
        {0.875, 0.875, 0.125, 0.375, 0.875},
        {0.625, 0.125, 0.875, 0.625, 0.625},
        {0.125, 0.625, 0.375, 0.125, 0.125},
        {0.1875, 0.3125, 0.9375, 0.4375, 0.5625},
    };
    trd__sobol s;
    assert_int_equal(trd__sobol_init(&s, 5), 0);
    for (int i = 0; i < 9; i++) {
        double x[5];
        assert_int_equal(trd__sobol_next(&s, x), 0);
        for (int j = 0; j < 5; j++)
            assert_close(x[j], want[i][j], 1e-15);
    }
}

static void test_high_dimensions_match_scipy(void **state)
{
    (void)state;
    /* scipy: Sobol(d=21, scramble=False).random(64)[[5, 17, 40, 63]][:, [0, 6, 13, 15, 20]] */
    static const int rows[4] = {5, 17, 40, 63}, cols[5] = {0, 6, 13, 15, 20};
    static const double want[4][5] = {
        {0.875, 0.875, 0.125, 0.375, 0.625},
        {0.59375, 0.03125, 0.15625, 0.53125, 0.21875},
        {0.234375, 0.734375, 0.046875, 0.921875, 0.390625},
        {0.015625, 0.578125, 0.765625, 0.765625, 0.234375},
    };
    trd__sobol s;
    assert_int_equal(trd__sobol_init(&s, 21), 0);
    double x[21];
    int row = 0;
    for (int i = 0; i < 64; i++) {
        assert_int_equal(trd__sobol_next(&s, x), 0);
        if (row < 4 && i == rows[row]) {
            for (int j = 0; j < 5; j++)
                assert_close(x[cols[j]], want[row][j], 1e-15);
            row++;
        }
    }
    assert_int_equal(row, 4);
}

static void test_skip_equals_drawing(void **state)
{
    (void)state;
    trd__sobol a, b;
    assert_int_equal(trd__sobol_init(&a, 7), 0);
    b = a;
    double xa[7], xb[7];
    for (int i = 0; i < 1000; i++)
        trd__sobol_next(&a, xa);
    trd__sobol_skip(&b, 1000);
    trd__sobol_next(&a, xa);
    trd__sobol_next(&b, xb);
    for (int j = 0; j < 7; j++)
        assert_close(xa[j], xb[j], 0);
}

/* 2^k points of a (t, m, s)-net fill every elementary interval of the right volume: in each dimension every
 * cell [i/2^k, (i+1)/2^k) holds exactly one point. */
static void test_one_point_per_cell(void **state)
{
    (void)state;
    enum { K = 8, N = 1 << K, D = 16 };
    trd__sobol s;
    assert_int_equal(trd__sobol_init(&s, D), 0);
    int hits[D][N];
    memset(hits, 0, sizeof hits);
    for (int i = 0; i < N; i++) {
        double x[D];
        trd__sobol_next(&s, x);
        for (int j = 0; j < D; j++)
            hits[j][(int)(x[j] * N)]++;
    }
    for (int j = 0; j < D; j++)
        for (int c = 0; c < N; c++)
            assert_int_equal(hits[j][c], 1);
}

static void test_rejects_bad_dimensions(void **state)
{
    (void)state;
    trd__sobol s;
    assert_int_equal(trd__sobol_init(&s, 0), -1);
    assert_int_equal(trd__sobol_init(&s, TRD__SOBOL_MAX_DIM + 1), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_points_match_scipy),
        cmocka_unit_test(test_high_dimensions_match_scipy),
        cmocka_unit_test(test_skip_equals_drawing),
        cmocka_unit_test(test_one_point_per_cell),
        cmocka_unit_test(test_rejects_bad_dimensions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
