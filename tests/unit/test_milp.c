/* The backend-neutral MILP and its GLPK backend: the builder refuses what GLPK would abort on, and the solver
 * reports optimal, infeasible, time-limited and incumbent outcomes with the values it promises. */
#include <math.h>
#include <stdlib.h>

#include "schedule/milp.h"
#include "test_support.h"

typedef struct fixture {
    test_alloc counts;
    trd__alloc alloc;
    trd__milp m;
} fixture;

static void setup(fixture *f, size_t max_cols)
{
    memset(&f->counts, 0, sizeof f->counts);
    f->alloc.fn = test_allocator(&f->counts);
    trd__milp_init(&f->m, &f->alloc, max_cols);
}

static void teardown(fixture *f)
{
    trd__milp_free(&f->m);
    assert_int_equal(f->counts.live_blocks, 0);
}

/* Expects the builder to have failed with `st` and a message containing `needle`. */
static void expect_failure(const trd__milp *m, trd_status st, const char *needle)
{
    trd__diag d;
    assert_int_equal(trd__milp_failed(m, &d), st);
    if (!strstr(d.msg, needle))
        fail_msg("message \"%s\" lacks \"%s\"", d.msg, needle);
    assert_int_equal(trd__milp_check(m, &d), st);
}

static void test_builder_rejects_bad_columns(void **state)
{
    (void)state;
    static const struct {
        trd__col_kind kind;
        double lb, ub, obj;
        const char *why;
    } cases[] = {
        {TRD__COL_CONTINUOUS, NAN, 1, 0, "NaN"},
        {TRD__COL_CONTINUOUS, 0, NAN, 0, "NaN"},
        {TRD__COL_CONTINUOUS, 2, 1, 0, "lower bound above upper bound"},
        {TRD__COL_CONTINUOUS, INFINITY, INFINITY, 0, "infinite on the wrong side"},
        {TRD__COL_CONTINUOUS, 0, 1, INFINITY, "objective coefficient is not finite"},
        {TRD__COL_INTEGER, 0, INFINITY, 0, "integer column needs finite bounds"},
        {TRD__COL_INTEGER, 0, 2.5, 0, "integer column needs whole bounds"},
        {TRD__COL_INTEGER, -0.5, 2, 0, "integer column needs whole bounds"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        fixture f;
        setup(&f, 100);
        assert_int_equal(trd__milp_add_col(&f.m, TRD__COL_CONTINUOUS, 0, 1, 1), 0);
        assert_int_equal(trd__milp_add_col(&f.m, cases[k].kind, cases[k].lb, cases[k].ub, cases[k].obj),
                         TRD__MILP_NONE);
        expect_failure(&f.m, TRD_E_INVALID_ARG, cases[k].why);
        /* Sticky: later calls are no-ops and the first message stays. */
        assert_int_equal(trd__milp_add_col(&f.m, TRD__COL_CONTINUOUS, 0, 1, 1), TRD__MILP_NONE);
        assert_int_equal(f.m.n_cols, 1);
        expect_failure(&f.m, TRD_E_INVALID_ARG, cases[k].why);
        teardown(&f);
    }
}

static void test_builder_rejects_bad_rows_and_coefficients(void **state)
{
    (void)state;
    fixture f;
    setup(&f, 100);
    size_t c = trd__milp_add_col(&f.m, TRD__COL_CONTINUOUS, 0, 1, 1);
    assert_int_equal(trd__milp_add_row(&f.m, -INFINITY, INFINITY), TRD__MILP_NONE);
    expect_failure(&f.m, TRD_E_INVALID_ARG, "row is free");
    teardown(&f);

    setup(&f, 100);
    c = trd__milp_add_col(&f.m, TRD__COL_CONTINUOUS, 0, 1, 1);
    size_t r = trd__milp_add_row(&f.m, 0, 1);
    trd__milp_coef(&f.m, r, c, NAN);
    expect_failure(&f.m, TRD_E_INVALID_ARG, "not finite");
    teardown(&f);

    setup(&f, 100);
    c = trd__milp_add_col(&f.m, TRD__COL_CONTINUOUS, 0, 1, 1);
    r = trd__milp_add_row(&f.m, 0, 1);
    trd__milp_coef(&f.m, r, c + 1, 1);
    expect_failure(&f.m, TRD_E_INVALID_ARG, "outside the 1 x 1 model");
    teardown(&f);

    /* Zero coefficients are dropped, not stored. */
    setup(&f, 100);
    c = trd__milp_add_col(&f.m, TRD__COL_CONTINUOUS, 0, 1, 1);
    r = trd__milp_add_row(&f.m, 0, 1);
    trd__milp_coef(&f.m, r, c, 0);
    assert_int_equal(f.m.nnz, 0);
    teardown(&f);
}

static void test_check_finds_duplicates(void **state)
{
    (void)state;
    fixture f;
    setup(&f, 100);
    size_t a = trd__milp_add_col(&f.m, TRD__COL_CONTINUOUS, 0, 1, 1);
    size_t b = trd__milp_add_col(&f.m, TRD__COL_CONTINUOUS, 0, 1, 1);
    size_t r = trd__milp_add_row(&f.m, 0, 1);
    trd__milp_coef(&f.m, r, a, 1);
    trd__milp_coef(&f.m, r, b, 1);
    trd__diag d;
    assert_int_equal(trd__milp_check(&f.m, &d), TRD_OK);
    trd__milp_coef(&f.m, r, a, 2);
    assert_int_equal(trd__milp_check(&f.m, &d), TRD_E_INVALID_ARG);
    assert_non_null(strstr(d.msg, "duplicate coefficient at (row 0, column 0)"));
    /* The solver refuses it before GLPK sees it (GLPK would abort the process). */
    trd__milp_params p = {1000, 0, NULL};
    trd__milp_result res;
    assert_int_equal(trd__milp_solve(&f.m, &p, &res, &d), TRD_E_INVALID_ARG);
    teardown(&f);
}

static void test_size_cap(void **state)
{
    (void)state;
    fixture f;
    setup(&f, 3);
    for (int k = 0; k < 3; k++)
        assert_int_equal(trd__milp_add_col(&f.m, TRD__COL_CONTINUOUS, 0, 1, 0), (size_t)k);
    assert_int_equal(trd__milp_add_col(&f.m, TRD__COL_CONTINUOUS, 0, 1, 0), TRD__MILP_NONE);
    expect_failure(&f.m, TRD_E_LIMIT, "more than 3 columns");
    teardown(&f);
}

/* max 5x + 4y + 3z  s.t.  2x + 3y + z <= 5,  4x + y + 2z <= 11,  3x + 4y + 2z <= 8,  x, y, z integer in [0, 10]:
 * the optimum is x = 2, y = 0, z = 1 with value 13 (the LP optimum is the same point). */
static void build_small(trd__milp *m)
{
    size_t x = trd__milp_add_col(m, TRD__COL_INTEGER, 0, 10, 5);
    size_t y = trd__milp_add_col(m, TRD__COL_INTEGER, 0, 10, 4);
    size_t z = trd__milp_add_col(m, TRD__COL_INTEGER, 0, 10, 3);
    static const double a[3][4] = {{2, 3, 1, 5}, {4, 1, 2, 11}, {3, 4, 2, 8}};
    for (int i = 0; i < 3; i++) {
        size_t r = trd__milp_add_row(m, -INFINITY, a[i][3]);
        trd__milp_coef(m, r, x, a[i][0]);
        trd__milp_coef(m, r, y, a[i][1]);
        trd__milp_coef(m, r, z, a[i][2]);
    }
}

static void test_solves_a_small_model(void **state)
{
    (void)state;
    fixture f;
    setup(&f, 100);
    build_small(&f.m);
    trd__milp_params p = {5000, 0, NULL};
    trd__milp_result r;
    trd__diag d;
    assert_int_equal(trd__milp_solve(&f.m, &p, &r, &d), TRD_OK);
    assert_int_equal(r.outcome, TRD__MILP_OPTIMAL);
    assert_close(r.objective, 13, 1e-9);
    assert_close(r.x[0], 2, 1e-9);
    assert_close(r.x[1], 0, 1e-9);
    assert_close(r.x[2], 1, 1e-9);
    assert_close(r.gap, 0, 0);
    assert_true(r.solve_ms >= 0);
    trd__milp_result_free(&f.alloc, &r);
    teardown(&f);
}

static void test_reports_infeasible(void **state)
{
    (void)state;
    fixture f;
    setup(&f, 100);
    size_t x = trd__milp_add_col(&f.m, TRD__COL_INTEGER, 0, 3, 1);
    size_t r = trd__milp_add_row(&f.m, 5, INFINITY); /* x >= 5 with x <= 3 */
    trd__milp_coef(&f.m, r, x, 1);
    trd__milp_params p = {1000, 0, NULL};
    trd__milp_result res;
    trd__diag d;
    assert_int_equal(trd__milp_solve(&f.m, &p, &res, &d), TRD_OK);
    assert_int_equal(res.outcome, TRD__MILP_INFEASIBLE);
    assert_null(res.x);
    assert_non_null(strstr(res.reason, "infeasible"));
    teardown(&f);

    /* Integer-infeasible although the LP relaxation is feasible: 2x = 3. */
    setup(&f, 100);
    x = trd__milp_add_col(&f.m, TRD__COL_INTEGER, 0, 3, 1);
    r = trd__milp_add_row(&f.m, 3, 3);
    trd__milp_coef(&f.m, r, x, 2);
    assert_int_equal(trd__milp_solve(&f.m, &p, &res, &d), TRD_OK);
    assert_int_equal(res.outcome, TRD__MILP_INFEASIBLE);
    assert_null(res.x);
    teardown(&f);
}

/* A planted market-split instance (Cornuejols-Dawande): equality knapsacks over binaries that branch and bound
 * cannot crack in a millisecond, with a known solution `planted` to serve as the incumbent. */
static void build_market_split(trd__milp *m, uint64_t seed, double *planted)
{
    enum { ROWS = 4, COLS = 40 };
    double a[ROWS][COLS], rhs[ROWS] = {0};
    for (int j = 0; j < COLS; j++) {
        planted[j] = (double)(test_rand(&seed) & 1);
        trd__milp_add_col(m, TRD__COL_INTEGER, 0, 1, (double)test_range(&seed, 1, 100));
    }
    for (int i = 0; i < ROWS; i++)
        for (int j = 0; j < COLS; j++) {
            a[i][j] = test_range(&seed, 0, 99);
            rhs[i] += a[i][j] * planted[j];
        }
    for (int i = 0; i < ROWS; i++) {
        size_t r = trd__milp_add_row(m, rhs[i], rhs[i]);
        for (int j = 0; j < COLS; j++)
            trd__milp_coef(m, r, (size_t)j, a[i][j]);
    }
}

/* Every bound and row of m holds at x (to 1e-6). */
static void assert_feasible(const trd__milp *m, const double *x)
{
    for (size_t j = 0; j < m->n_cols; j++) {
        assert_true(x[j] >= m->col_lb[j] - 1e-6 && x[j] <= m->col_ub[j] + 1e-6);
        if (m->col_int[j])
            assert_true(x[j] == round(x[j]));
    }
    for (size_t i = 0; i < m->n_rows; i++) {
        double s = 0;
        for (size_t k = 0; k < m->nnz; k++)
            if (m->nz_row[k] == i)
                s += m->nz_val[k] * x[m->nz_col[k]];
        if (!(s >= m->row_lb[i] - 1e-6 && s <= m->row_ub[i] + 1e-6))
            fail_msg("row %zu: %g outside [%g, %g]", i, s, m->row_lb[i], m->row_ub[i]);
    }
}

static void test_time_limit_keeps_the_incumbent(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        fixture f;
        setup(&f, 100);
        double planted[40];
        build_market_split(&f.m, seed, planted);
        double planted_obj = 0;
        for (int j = 0; j < 40; j++)
            planted_obj += f.m.col_obj[j] * planted[j];
        trd__milp_params p = {1, 0, planted};
        trd__milp_result r;
        trd__diag d;
        assert_int_equal(trd__milp_solve(&f.m, &p, &r, &d), TRD_OK);
        /* One millisecond cannot prove anything here: the result is the incumbent or better, never nothing. */
        assert_true(r.incumbent_used);
        assert_true(r.outcome == TRD__MILP_INCUMBENT || r.outcome == TRD__MILP_FEASIBLE);
        assert_non_null(r.x);
        assert_true(r.objective >= planted_obj - 1e-9);
        if (r.outcome == TRD__MILP_INCUMBENT)
            for (int j = 0; j < 40; j++)
                assert_close(r.x[j], planted[j], 0);
        assert_feasible(&f.m, r.x);
        trd__milp_result_free(&f.alloc, &r);

        /* Without an incumbent the same budget yields nothing, or the solver's own solution. */
        p.incumbent = NULL;
        assert_int_equal(trd__milp_solve(&f.m, &p, &r, &d), TRD_OK);
        assert_true(r.outcome == TRD__MILP_NO_SOLUTION || r.outcome == TRD__MILP_FEASIBLE);
        assert_true(r.outcome == TRD__MILP_NO_SOLUTION ? r.x == NULL : r.x != NULL);
        trd__milp_result_free(&f.alloc, &r);
        teardown(&f);
    }
}

static void test_incumbent_outside_bounds_is_ignored(void **state)
{
    (void)state;
    fixture f;
    setup(&f, 100);
    build_small(&f.m);
    const double bad[3] = {11, 0, 0}; /* x <= 10 */
    trd__milp_params p = {5000, 0, bad};
    trd__milp_result r;
    trd__diag d;
    assert_int_equal(trd__milp_solve(&f.m, &p, &r, &d), TRD_OK);
    assert_false(r.incumbent_used);
    assert_int_equal(r.outcome, TRD__MILP_OPTIMAL);
    assert_close(r.objective, 13, 1e-9);
    trd__milp_result_free(&f.alloc, &r);
    teardown(&f);
}

static void test_writes_mps(void **state)
{
    (void)state;
    fixture f;
    setup(&f, 100);
    build_small(&f.m);
    const char *path = "unit_milp_small.mps"; /* in the test's working directory (the build tree) */
    trd__diag d;
    assert_int_equal(trd__milp_write_mps(&f.m, path, &d), TRD_OK);
    size_t len;
    char *text = test_read_file(path, &len);
    assert_non_null(strstr(text, "ROWS"));
    assert_non_null(strstr(text, "'MARKER'"));
    assert_non_null(strstr(text, "'INTORG'"));
    free(text);
    remove(path);
    assert_int_equal(trd__milp_write_mps(&f.m, "/nonexistent-dir/x.mps", &d), TRD_E_IO);
    teardown(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builder_rejects_bad_columns),
        cmocka_unit_test(test_builder_rejects_bad_rows_and_coefficients),
        cmocka_unit_test(test_check_finds_duplicates),
        cmocka_unit_test(test_size_cap),
        cmocka_unit_test(test_solves_a_small_model),
        cmocka_unit_test(test_reports_infeasible),
        cmocka_unit_test(test_time_limit_keeps_the_incumbent),
        cmocka_unit_test(test_incumbent_outside_bounds_is_ignored),
        cmocka_unit_test(test_writes_mps),
    };
    return cmocka_run_group_tests_name("unit_milp", tests, NULL, NULL);
}
