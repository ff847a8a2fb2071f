/* White-box tests of the observe module: coverage-preserving eviction and order-independent windowing. */
#include <stdlib.h>

#include "model/yaml_load.h"
#include "observe/observe.h"
#include "test_support.h"

static const char yaml[] = "cluster: {nodes: [{name: n, cpus: 8, memory: 8GiB}]}\n"
                           "pipeline: {operators: [{name: op, features: [pages]}]}\n";

typedef struct fixture {
    test_alloc stats;
    trd__alloc alloc;
    trd__model *model;
    trd__observe obs;
    trd__observe_params p;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->alloc.fn = test_allocator(&f->stats);
    trd__diag d;
    if (trd__yaml_load_model(&f->alloc, "t", yaml, sizeof yaml - 1, 32, &f->model, &d) != TRD_OK)
        return -1;
    trd__observe_init(&f->obs, &f->alloc, 7);
    trd__observe_params p = {10000000000u, 0, 0.6, 0.2, 2.5, 0.3, 0.5, 8, 10, 8, 3, 2, 0, TRD__KERNEL_MATERN52, 1, 0};
    f->p = p;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    trd__observe_free(&f->obs);
    trd__model_free(f->model);
    int leaked = f->stats.live_blocks != 0;
    free(f);
    return leaked ? -1 : 0;
}

static double capacity(double pages)
{
    return 300.0 / (1.0 + pages / 10.0);
}

static trd_sample window_at(uint64_t index, double pages)
{
    trd_sample s;
    memset(&s, 0, sizeof s);
    s.window_start_ns = index * 10000000000u;
    s.window_end_ns = s.window_start_ns + 10000000000u;
    s.active_instances = 1;
    s.items_in = (uint64_t)llround(capacity(pages) * 10);
    s.utilisation = 0.9;
    s.busy_s = 9;
    s.queue_start = s.queue_end = 20;
    s.n_features = 1;
    s.features[0] = pages;
    return s;
}

static void test_eviction_keeps_coverage(void **state)
{
    fixture *f = *state;
    /* One window at 120 pages, then thirty between 2 and 4 pages: the store holds 8 points. */
    trd_sample s = window_at(0, 120);
    assert_int_equal(trd__observe_add(&f->obs, &f->p, f->model, &s, 1, NULL, 0), TRD_OK);
    for (uint64_t i = 1; i <= 31; i++) {
        s = window_at(i, 2 + (double)(i % 3));
        assert_int_equal(trd__observe_add(&f->obs, &f->p, f->model, &s, 1, NULL, 0), TRD_OK);
    }
    assert_int_equal(f->obs.n_est, 1);
    const trd__estimator *e = f->obs.est[0];
    assert_int_equal(e->np, 8);
    int kept = 0;
    for (size_t i = 0; i < e->np; i++)
        kept += fabs(e->px[i] - log1p(120)) < 1e-12;
    assert_int_equal(kept, 1); /* FIFO eviction would have dropped it 23 windows ago */
    /* The region it covers is still estimated from data, not extrapolated. */
    double mean, sd, noise;
    uint32_t points;
    const double far[1] = {120};
    assert_int_equal(trd__observe_estimate(&f->obs, 0, 0, far, &mean, &sd, &noise, &points), TRD__SRC_GP);
    assert_close(mean, capacity(120), 0.02);
}

static void test_fifo_without_radius(void **state)
{
    fixture *f = *state;
    f->p.coverage_radius = 0; /* only exact duplicates are neighbours: with distinct points, the oldest goes */
    trd_sample s = window_at(0, 120);
    assert_int_equal(trd__observe_add(&f->obs, &f->p, f->model, &s, 1, NULL, 0), TRD_OK);
    for (uint64_t i = 1; i <= 31; i++) {
        s = window_at(i, 2 + 0.05 * (double)i);
        assert_int_equal(trd__observe_add(&f->obs, &f->p, f->model, &s, 1, NULL, 0), TRD_OK);
    }
    const trd__estimator *e = f->obs.est[0];
    for (size_t i = 0; i < e->np; i++)
        assert_true(fabs(e->px[i] - log1p(120)) > 1e-6);
}

static void test_arrival_order_does_not_matter(void **state)
{
    fixture *f = *state;
    /* Two instances per window, delivered in a scrambled order in one batch, then in order in another
     * module: the same estimator state. */
    trd_sample in_order[40], scrambled[40];
    for (int i = 0; i < 40; i++) {
        in_order[i] = window_at((uint64_t)i / 2, 1 + (double)(i * 7 % 23));
        in_order[i].instance = (uint32_t)(i % 2);
    }
    for (int i = 0; i < 40; i++)
        scrambled[i] = in_order[(i * 17) % 40];
    trd__observe other;
    trd__observe_init(&other, &f->alloc, 7);
    f->p.grace_ns = 100000000000u; /* everything arrives before any window closes */
    assert_int_equal(trd__observe_add(&f->obs, &f->p, f->model, in_order, 40, NULL, 0), TRD_OK);
    assert_int_equal(trd__observe_add(&other, &f->p, f->model, scrambled, 17, scrambled + 17, 23), TRD_OK);
    trd_sample closer = window_at(40, 5);
    assert_int_equal(trd__observe_add(&f->obs, &f->p, f->model, &closer, 1, NULL, 0), TRD_OK);
    assert_int_equal(trd__observe_add(&other, &f->p, f->model, &closer, 1, NULL, 0), TRD_OK);
    const trd__estimator *a = f->obs.est[0], *b = other.est[0];
    assert_int_equal(a->np, b->np);
    assert_memory_equal(a->py, b->py, a->np * sizeof *a->py);
    double m1, m2, sd, noise;
    uint32_t points;
    const double x[1] = {9};
    trd__observe_estimate(&f->obs, 0, 0, x, &m1, &sd, &noise, &points);
    trd__observe_estimate(&other, 0, 0, x, &m2, &sd, &noise, &points);
    assert_memory_equal(&m1, &m2, sizeof m1);
    trd__observe_free(&other);
}

static void test_allocation_failure_takes_nothing(void **state)
{
    fixture *f = *state;
    trd_sample s = window_at(0, 3);
    for (size_t n = 1; n < 40; n++) {
        trd__observe fresh;
        trd__observe_init(&fresh, &f->alloc, 1);
        f->stats.fail_at = f->stats.calls + n;
        trd_status st = trd__observe_add(&fresh, &f->p, f->model, &s, 1, NULL, 0);
        f->stats.fail_at = 0;
        if (st == TRD_OK) {
            assert_int_equal(fresh.n_est, 1); /* with no grace the window closed at once */
            assert_int_equal(fresh.ops[0].stats.windows, 1);
            trd__observe_free(&fresh);
            break;
        }
        assert_int_equal(st, TRD_E_NOMEM);
        assert_int_equal(fresh.n_est, 0);
        assert_int_equal(fresh.n_open, 0);
        trd__observe_free(&fresh);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_eviction_keeps_coverage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fifo_without_radius, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arrival_order_does_not_matter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allocation_failure_takes_nothing, setup, teardown),
    };
    return cmocka_run_group_tests_name("unit_observe", tests, NULL, NULL);
}
