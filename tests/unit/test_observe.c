/* White-box tests of the observe module: coverage-preserving eviction, order-independent windowing, queue
 * trends judged against the whole operator, decayed production time, and asynchronous operators' capacity
 * measured only with a backlog. */
#include <stdlib.h>

#include "model/yaml_load.h"
#include "observe/observe.h"
#include "test_support.h"

static const char yaml[] = "cluster: {nodes: [{name: n, cpus: 8, memory: 8GiB}]}\n"
                           "pipeline:\n"
                           "  operators: [{name: op, features: [pages]}, {name: llm, async: true, features: [pages]}]\n"
                           "  edges: [{from: op, to: llm}]\n";

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
    trd__observe_params p = {10000000000u, 0, 0.6, 0.2, 2.5, 0.3, 0.5, 8, 10, 8, 3, 2, 0, TRD__KERNEL_MATERN52, 1,
                             3600000000000u, 0};
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

/* The queue is the operator's, so its trend is judged against what the whole operator took, not one config's
 * share: a probing instance among several keeps its windows while the queue moves slowly for the operator. */
static void test_queue_trend_against_the_operator(void **state)
{
    fixture *f = *state;
    for (uint64_t i = 0; i < 3; i++) {
        /* Config 0: three instances at 10 items/s; config 1: one probing instance at 10 items/s.  The queue
         * grows by 5 items/s: an eighth of the operator's 40, half of the probe's 10 (slope limit 0.2). */
        trd_sample s[2] = {window_at(i, 3), window_at(i, 3)};
        s[0].active_instances = 3;
        s[0].items_in = 300;
        s[0].busy_s = 27;
        s[1].config = 1;
        s[1].items_in = 100;
        for (int k = 0; k < 2; k++) {
            s[k].queue_start = 100 + 50 * i;
            s[k].queue_end = 150 + 50 * i;
        }
        assert_int_equal(trd__observe_add(&f->obs, &f->p, f->model, s, 2, NULL, 0), TRD_OK);
    }
    assert_int_equal(f->obs.ops[0].stats.rejected_queue, 0);
    assert_int_equal(f->obs.ops[0].stats.accepted, 6);
    double mean, sd, noise;
    uint32_t points;
    assert_int_equal(trd__observe_estimate(&f->obs, 0, 1, NULL, &mean, &sd, &noise, &points), TRD__SRC_EMA);
    assert_close(mean, 10, 1e-9);
    /* A queue that grows faster than a fifth of the operator's rate is still a burst. */
    trd_sample b = window_at(3, 3);
    b.queue_start = 100;
    b.queue_end = 300;
    b.items_in = 400; /* 40 items/s; the queue grows 20 items/s */
    assert_int_equal(trd__observe_add(&f->obs, &f->p, f->model, &b, 1, NULL, 0), TRD_OK);
    assert_int_equal(f->obs.ops[0].stats.rejected_queue, 1);
}

/* Production time: the instance-seconds of windows that made progress, each weighted exp(-age / tau). */
static void test_production_time(void **state)
{
    fixture *f = *state;
    f->p.production_tau_ns = 1000000000000u; /* 1000 s */
    for (uint64_t i = 0; i < 11; i++) {
        trd_sample s = window_at(i, 3);
        s.active_instances = 2;
        s.busy_s = 18;
        if (i == 10)
            s.items_in = 0; /* no progress: not production */
        assert_int_equal(trd__observe_add(&f->obs, &f->p, f->model, &s, 1, NULL, 0), TRD_OK);
    }
    double want = 0;
    for (int k = 0; k < 10; k++)
        want += 20 * exp(-(100.0 - (10.0 * k + 10)) / 1000);
    const uint64_t s100 = 100000000000u, tau = 1000000000000u;
    assert_close(trd__observe_production(&f->obs, 0, 0, s100, tau), want, 1e-12);
    assert_close(trd__observe_production(&f->obs, 0, 0, s100 + tau, tau), want * exp(-1), 1e-12);
    assert_close(trd__observe_production(&f->obs, 0, 1, s100, tau), 0, 0); /* no such estimator */
    trd__observe_invalidate(&f->obs, 0, 0);
    assert_close(trd__observe_production(&f->obs, 0, 0, s100, tau), 0, 0);
}

/* An asynchronous operator is busy with one request in flight as with a full batch, so only a backlog shows it
 * saturated: windows whose queue ran dry measure its arrivals (rejected; the lower bound stays), windows with a
 * backlog measure its capacity, as its rate over the time it ran (held back by full downstream queues the
 * rest of it).  A synchronous operator's low utilisation still gives rate / utilisation. */
static void test_async_capacity_needs_a_backlog(void **state)
{
    fixture *f = *state;
    double mean, sd, noise;
    uint32_t points;
    for (uint64_t i = 0; i < 3; i++) {
        trd_sample s = window_at(i, 3);
        s.op = 1;
        s.items_in = 50; /* 5 items/s arriving, busy 95% of the time */
        s.busy_s = 9.5;
        s.utilisation = 0.95;
        s.queue_start = s.queue_end = 0;
        assert_int_equal(trd__observe_add(&f->obs, &f->p, f->model, &s, 1, NULL, 0), TRD_OK);
    }
    assert_int_equal(f->obs.ops[1].stats.rejected_queue, 3);
    assert_int_equal(trd__observe_estimate(&f->obs, 1, 0, NULL, &mean, &sd, &noise, &points), TRD__SRC_LOWER_BOUND);
    assert_close(mean, 5, 1e-12);
    assert_false(trd__observe_capacity_now(&f->obs, 1));
    /* A backlog, the operator running 80% of the time at 10 items/s: its capacity is 10 items/s. */
    trd_sample s = window_at(3, 3);
    s.op = 1;
    s.items_in = 80;
    s.busy_s = 8;
    s.utilisation = 0.8;
    s.queue_start = s.queue_end = 40;
    assert_int_equal(trd__observe_add(&f->obs, &f->p, f->model, &s, 1, NULL, 0), TRD_OK);
    assert_int_equal(trd__observe_estimate(&f->obs, 1, 0, NULL, &mean, &sd, &noise, &points), TRD__SRC_EMA);
    assert_close(mean, 10, 1e-12);
    assert_true(trd__observe_capacity_now(&f->obs, 1));
    /* A request in progress all window long, at 90% device utilisation (a saturated accelerator seldom shows
     * more): 9 items/s is its capacity as it is, not 10.  EMA: 0.3 x 9 + 0.7 x 10 = 9.7. */
    s = window_at(4, 3);
    s.op = 1;
    s.items_in = 90;
    s.busy_s = 10;
    s.utilisation = 0.9;
    s.queue_start = s.queue_end = 40;
    assert_int_equal(trd__observe_add(&f->obs, &f->p, f->model, &s, 1, NULL, 0), TRD_OK);
    assert_int_equal(trd__observe_estimate(&f->obs, 1, 0, NULL, &mean, &sd, &noise, &points), TRD__SRC_EMA);
    assert_close(mean, 9.7, 1e-12);
    /* A synchronous operator 30% busy at 3 items/s: 10 items/s by its utilisation, a capacity too. */
    trd_sample u = window_at(5, 3);
    u.items_in = 30;
    u.busy_s = 3;
    u.utilisation = 0.3;
    assert_int_equal(trd__observe_add(&f->obs, &f->p, f->model, &u, 1, NULL, 0), TRD_OK);
    assert_int_equal(trd__observe_estimate(&f->obs, 0, 0, NULL, &mean, &sd, &noise, &points),
                     TRD__SRC_UTILISATION);
    assert_close(mean, 10, 1e-12);
    assert_true(trd__observe_capacity_now(&f->obs, 0));
    /* ... which an asynchronous operator's is not. */
    trd_sample a = u;
    a.op = 1;
    a.window_start_ns += 10000000000u;
    a.window_end_ns += 10000000000u;
    assert_int_equal(trd__observe_add(&f->obs, &f->p, f->model, &a, 1, NULL, 0), TRD_OK);
    assert_false(trd__observe_capacity_now(&f->obs, 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_eviction_keeps_coverage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fifo_without_radius, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arrival_order_does_not_matter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allocation_failure_takes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_trend_against_the_operator, setup, teardown),
        cmocka_unit_test_setup_teardown(test_production_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_async_capacity_needs_a_backlog, setup, teardown),
    };
    return cmocka_run_group_tests_name("unit_observe", tests, NULL, NULL);
}
