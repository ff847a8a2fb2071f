/* The observe layer through the public API: windows, both filter stages, EMA then GP, utilisation-based
 * capacity, invalidation, determinism and bad input. */
#include <stdlib.h>

#include "test_support.h"

/* A one-operator pipeline whose operator has one feature (pages); a second, asynchronous CPU operator. */
static const char model_yaml[] =
    "cluster: {nodes: [{name: n, cpus: 64, memory: 256GiB}]}\n"
    "pipeline:\n"
    "  operators:\n"
    "    - {name: parse, cpus: 1, features: [pages]}\n"
    "    - {name: fetch, cpus: 1, async: true}\n"
    "  edges: [{from: parse, to: fetch}]\n";

static trd_ctx *new_ctx(void)
{
    trd_ctx *ctx;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    assert_ok(ctx, trd_ctx_load_yaml_string(ctx, model_yaml, strlen(model_yaml)));
    return ctx;
}

/* True capacity of `parse`: a saturating function of pages per document. */
static double capacity(double pages)
{
    return 400.0 / (1.0 + pages / 8.0);
}

typedef struct win {
    double rate, util;
    uint64_t q0, q1;
    double pages;
} win;

/* One 10 s window of one instance of `op`, starting at t seconds. */
static trd_status feed(trd_ctx *ctx, uint32_t op, uint32_t config, double t, win w)
{
    trd_sample s;
    memset(&s, 0, sizeof s);
    s.window_start_ns = (uint64_t)(t * 1e9);
    s.window_end_ns = (uint64_t)((t + 10) * 1e9);
    s.op = op;
    s.instance = 1;
    s.config = config;
    s.active_instances = 1;
    s.items_in = (uint64_t)llround(w.rate * 10);
    s.items_out = s.items_in;
    s.busy_s = 10 * w.util;
    s.utilisation = w.util;
    s.queue_start = w.q0;
    s.queue_end = w.q1;
    s.n_features = op == 0 ? 1 : 0;
    s.features[0] = w.pages;
    return trd_ctx_observe(ctx, &s, 1);
}

static win steady(double pages)
{
    win w = {capacity(pages), 0.95, 50, 52, pages};
    return w;
}

static void test_nothing_known_yet(void **state)
{
    (void)state;
    trd_ctx *ctx = new_ctx();
    double mean = -1;
    assert_status(ctx, TRD_E_STATE, trd_ctx_estimate(ctx, 0, &mean, NULL));
    assert_error_contains(ctx, "estimate: operator 'parse' config 0 has no usable window yet (0 closed");
    assert_close(mean, -1, 0);
    trd_estimate e;
    assert_ok(ctx, trd_ctx_estimate_detail(ctx, 0, TRD_CURRENT_CONFIG, NULL, 0, &e));
    assert_int_equal(e.source, TRD_ESTIMATE_NONE);
    /* One window is not closed until a later one arrives (plus the grace period). */
    assert_ok(ctx, feed(ctx, 0, 0, 0, steady(8)));
    assert_status(ctx, TRD_E_STATE, trd_ctx_estimate(ctx, 0, &mean, NULL));
    assert_ok(ctx, feed(ctx, 0, 0, 10, steady(8)));
    assert_ok(ctx, trd_ctx_estimate(ctx, 0, &mean, NULL));
    assert_close(mean, capacity(8), 1e-3);
    trd_ctx_free(ctx);
}

static void test_ema_then_gp(void **state)
{
    (void)state;
    trd_ctx *ctx = new_ctx();
    trd_estimate e;
    double t = 0;
    /* Seven accepted windows: still the EMA (n_min is 8). */
    for (int i = 0; i < 8; i++, t += 10)
        assert_ok(ctx, feed(ctx, 0, 0, t, steady(2 + 3 * (i % 4))));
    assert_ok(ctx, trd_ctx_estimate_detail(ctx, 0, TRD_CURRENT_CONFIG, NULL, 0, &e));
    assert_int_equal(e.source, TRD_ESTIMATE_EMA);
    assert_int_equal(e.points, 7);
    assert_true(e.items_per_s > capacity(11) && e.items_per_s < capacity(2));
    /* The eighth accepted window turns the GP on; it then follows the workload, which the EMA cannot. */
    for (int i = 0; i < 24; i++, t += 10)
        assert_ok(ctx, feed(ctx, 0, 0, t, steady(1 + (i * 7 % 30))));
    assert_ok(ctx, trd_ctx_estimate_detail(ctx, 0, TRD_CURRENT_CONFIG, NULL, 0, &e));
    assert_int_equal(e.source, TRD_ESTIMATE_GP);
    assert_int_equal(e.points, 31);
    for (double pages = 2; pages <= 26; pages += 6) {
        const double f[1] = {pages};
        assert_ok(ctx, trd_ctx_estimate_detail(ctx, 0, 0, f, 1, &e));
        if (fabs(e.items_per_s - capacity(pages)) > 0.02 * capacity(pages))
            fail_msg("at %g pages: estimate %g, true capacity %g", pages, e.items_per_s, capacity(pages));
        assert_true(e.stddev < 0.05 * capacity(pages));
    }
    trd_observe_stats s;
    assert_ok(ctx, trd_ctx_observe_stats(ctx, 0, &s));
    assert_int_equal(s.windows, 31);
    assert_int_equal(s.accepted, 31);
    /* The first fit at 8; the periodic ones (every 10 accepted) run only where the likelihood has moved away
     * from the current hyper-parameters, which on this noise-free workload it may not have. */
    assert_true(s.gp_fits >= 1 && s.gp_fits <= 3);
    trd_ctx_free(ctx);
}

static void test_stage_one_rules(void **state)
{
    (void)state;
    trd_ctx *ctx = new_ctx();
    double t = 0;
    win starved = steady(8), draining = steady(8), bursting = steady(8), stuck = steady(8);
    starved.util = 0.4;
    starved.rate *= 0.4;
    draining.q0 = 80;
    draining.q1 = 0;
    bursting.q0 = 10;
    bursting.q1 = 10 + (uint64_t)(0.3 * capacity(8) * 10); /* grows by 0.3 x rate per second */
    stuck.rate = 0;
    const win sequence[] = {starved, draining, bursting, stuck, steady(8), steady(8)};
    for (size_t i = 0; i < 6; i++, t += 10)
        assert_ok(ctx, feed(ctx, 0, 0, t, sequence[i]));
    trd_observe_stats s;
    assert_ok(ctx, trd_ctx_observe_stats(ctx, 0, &s));
    assert_int_equal(s.windows, 5);
    assert_int_equal(s.rejected_utilisation, 1);
    assert_int_equal(s.rejected_queue, 2);
    assert_int_equal(s.rejected_progress, 1);
    assert_int_equal(s.accepted, 1);
    double mean;
    assert_ok(ctx, trd_ctx_estimate(ctx, 0, &mean, NULL));
    assert_close(mean, capacity(8), 1e-3); /* only the steady window counts */
    /* A queue trend under the slope threshold is steady. */
    win mild = steady(8);
    mild.q1 = mild.q0 + (uint64_t)(0.1 * capacity(8) * 10);
    assert_ok(ctx, feed(ctx, 0, 0, t, mild));
    assert_ok(ctx, feed(ctx, 0, 0, t + 10, steady(8)));
    assert_ok(ctx, trd_ctx_observe_stats(ctx, 0, &s));
    assert_int_equal(s.accepted, 3);
    trd_ctx_free(ctx);
}

static void test_stage_two_rejects_outliers(void **state)
{
    (void)state;
    trd_ctx *ctx = new_ctx();
    double t = 0;
    for (int i = 0; i < 20; i++, t += 10)
        assert_ok(ctx, feed(ctx, 0, 0, t, steady(4 + (i % 5) * 4)));
    /* A GC-like pause: half the rate with full utilisation and a steady queue. */
    win slow = steady(12);
    slow.rate *= 0.5;
    assert_ok(ctx, feed(ctx, 0, 0, t, slow));
    assert_ok(ctx, feed(ctx, 0, 0, t + 10, steady(12)));
    trd_observe_stats s;
    assert_ok(ctx, trd_ctx_observe_stats(ctx, 0, &s));
    assert_int_equal(s.rejected_outlier, 1);
    assert_int_equal(s.accepted, 20);
    trd_ctx_free(ctx);
}

static void test_utilisation_capacity(void **state)
{
    (void)state;
    trd_ctx *ctx = new_ctx();
    /* Only under-loaded windows: the synchronous operator's capacity is rate / utilisation. */
    win half = steady(8);
    half.util = 0.5;
    half.rate = 0.5 * capacity(8);
    assert_ok(ctx, feed(ctx, 0, 0, 0, half));
    assert_ok(ctx, feed(ctx, 0, 0, 10, half));
    trd_estimate e;
    assert_ok(ctx, trd_ctx_estimate_detail(ctx, 0, TRD_CURRENT_CONFIG, NULL, 0, &e));
    assert_int_equal(e.source, TRD_ESTIMATE_UTILISATION);
    assert_close(e.items_per_s, capacity(8), 1e-3);
    /* ... but not for an asynchronous CPU operator, whose busy time says nothing about its capacity: what it
     * did is all there is, a lower bound. */
    win w = {100, 0.5, 10, 10, 0};
    assert_ok(ctx, feed(ctx, 1, 0, 20, w)); /* after op 0's windows: earlier ones would be late */
    assert_ok(ctx, feed(ctx, 1, 0, 30, w));
    trd_observe_stats st;
    assert_ok(ctx, trd_ctx_observe_stats(ctx, 1, &st));
    assert_ok(ctx, trd_ctx_estimate_detail(ctx, 1, TRD_CURRENT_CONFIG, NULL, 0, &e));
    assert_int_equal(st.late_samples, 0);
    assert_int_equal(st.rejected_utilisation, 1);
    assert_int_equal(e.source, TRD_ESTIMATE_LOWER_BOUND);
    assert_close(e.items_per_s, 100, 1e-9);
    /* Disabled by its parameter: the lower bound again. */
    assert_ok(ctx, trd_ctx_set_int(ctx, TRD_P_OBSERVE_UTIL_CAPACITY, 0));
    assert_ok(ctx, trd_ctx_invalidate(ctx, 0, TRD_ALL_CONFIGS));
    assert_ok(ctx, feed(ctx, 0, 0, 40, half));
    assert_ok(ctx, feed(ctx, 0, 0, 50, half));
    assert_ok(ctx, trd_ctx_estimate_detail(ctx, 0, TRD_CURRENT_CONFIG, NULL, 0, &e));
    assert_int_equal(e.source, TRD_ESTIMATE_LOWER_BOUND);
    assert_close(e.items_per_s, 0.5 * capacity(8), 1e-3);
    trd_ctx_free(ctx);
}

/* The useful-time estimator of the ablations (TRD_P_OBSERVE_ESTIMATOR = 1): items / busy seconds, whatever the
 * utilisation -- which is exactly what makes it wrong for an asynchronous operator (busy 10 s, 1000 items:
 * 100 items per busy second, although it could do far more). */
static void test_useful_time_estimator(void **state)
{
    (void)state;
    trd_ctx *ctx = new_ctx();
    assert_ok(ctx, trd_ctx_set_int(ctx, TRD_P_OBSERVE_ESTIMATOR, 1));
    win w = {100, 0.5, 10, 10, 0};
    assert_ok(ctx, feed(ctx, 1, 0, 0, w));
    assert_ok(ctx, feed(ctx, 1, 0, 10, w));
    trd_estimate e;
    assert_ok(ctx, trd_ctx_estimate_detail(ctx, 1, TRD_CURRENT_CONFIG, NULL, 0, &e));
    assert_int_equal(e.source, TRD_ESTIMATE_USEFUL_TIME);
    assert_close(e.items_per_s, 200, 1e-9); /* 1000 items in 5 busy seconds */
    trd_ctx_free(ctx);
}

static void test_windows_aggregate_instances(void **state)
{
    (void)state;
    trd_ctx *ctx = new_ctx();
    /* Three instances report 2 s samples over one 10 s window (plus a whole-operator sample for another
     * window): the per-instance rate is items over instance-seconds. */
    for (uint32_t inst = 0; inst < 3; inst++)
        for (int k = 0; k < 5; k++) {
            trd_sample s;
            memset(&s, 0, sizeof s);
            s.window_start_ns = (uint64_t)k * 2000000000u;
            s.window_end_ns = s.window_start_ns + 2000000000u;
            s.instance = inst;
            s.active_instances = 1;
            s.items_in = 200 + 100 * inst; /* 100, 150 and 200 items/s: 150 on average */
            s.busy_s = 1.9;
            s.utilisation = 0.95;
            s.queue_start = s.queue_end = 30;
            s.n_features = 1;
            s.features[0] = 3;
            assert_ok(ctx, trd_ctx_observe(ctx, &s, 1));
        }
    trd_sample whole;
    memset(&whole, 0, sizeof whole);
    whole.window_start_ns = 10000000000u;
    whole.window_end_ns = 20000000000u;
    whole.instance = TRD_WHOLE_OPERATOR;
    whole.active_instances = 4;
    whole.items_in = 4000; /* 100 items/s per instance */
    whole.busy_s = 38;
    whole.utilisation = 0.95;
    whole.queue_start = whole.queue_end = 30;
    whole.n_features = 1;
    whole.features[0] = 3;
    assert_ok(ctx, trd_ctx_observe(ctx, &whole, 1));
    double mean;
    assert_ok(ctx, trd_ctx_estimate(ctx, 0, &mean, NULL));
    assert_close(mean, 150, 1e-12);
    /* A late sample for the closed first window is counted and dropped. */
    trd_sample closer = whole, late = whole;
    closer.window_start_ns = 30000000000u;
    closer.window_end_ns = 40000000000u;
    late.window_start_ns = 0;
    late.window_end_ns = 1000000000u;
    late.items_in = 400;
    late.busy_s = 3.8;
    assert_ok(ctx, trd_ctx_observe(ctx, &closer, 1));
    assert_ok(ctx, trd_ctx_observe(ctx, &late, 1));
    trd_observe_stats s;
    assert_ok(ctx, trd_ctx_observe_stats(ctx, 0, &s));
    assert_int_equal(s.late_samples, 1);
    assert_int_equal(s.windows, 2);
    trd_ctx_free(ctx);
}

static void test_invalidation(void **state)
{
    (void)state;
    static const char yaml[] =
        "cluster: {nodes: [{name: n, cpus: 64, memory: 256GiB, gpus: 1, gpu_memory: 80GiB}]}\n"
        "pipeline:\n"
        "  operators:\n"
        "    - name: parse\n"
        "      gpus: 1\n"
        "      features: [pages]\n"
        "      knobs: [{name: batch, type: int, min: 1, max: 64, default: 8}]\n"
        "  deployment: [{operator: parse, node: n, instances: 1, config: {batch: 16}}]\n";
    trd_ctx *ctx;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    assert_ok(ctx, trd_ctx_load_yaml_string(ctx, yaml, strlen(yaml)));
    double t = 0;
    for (int i = 0; i < 12; i++, t += 10) {
        assert_ok(ctx, feed(ctx, 0, 0, t, steady(8)));
        win faster = steady(8);
        faster.rate *= 1.5;
        assert_ok(ctx, feed(ctx, 0, 1, t, faster));
    }
    trd_estimate e0, e1;
    assert_ok(ctx, trd_ctx_estimate_detail(ctx, 0, 0, NULL, 0, &e0));
    assert_ok(ctx, trd_ctx_estimate_detail(ctx, 0, 1, NULL, 0, &e1));
    assert_int_equal(e0.source, TRD_ESTIMATE_GP);
    assert_int_equal(e1.source, TRD_ESTIMATE_GP);
    assert_close(e1.items_per_s / e0.items_per_s, 1.5, 1e-2);
    /* Invalidating config 0 leaves config 1 alone. */
    assert_ok(ctx, trd_ctx_invalidate(ctx, 0, 0));
    assert_ok(ctx, trd_ctx_estimate_detail(ctx, 0, 0, NULL, 0, &e0));
    assert_ok(ctx, trd_ctx_estimate_detail(ctx, 0, 1, NULL, 0, &e1));
    assert_int_equal(e0.source, TRD_ESTIMATE_NONE);
    assert_int_equal(e1.source, TRD_ESTIMATE_GP);
    trd_observe_stats s;
    assert_ok(ctx, trd_ctx_observe_stats(ctx, 0, &s));
    assert_int_equal(s.invalidations, 1);
    assert_int_equal(s.accepted, 22); /* counters survive */
    /* New samples start config 0 again from the EMA. */
    assert_ok(ctx, feed(ctx, 0, 0, t, steady(8)));
    assert_ok(ctx, feed(ctx, 0, 0, t + 10, steady(8)));
    assert_ok(ctx, trd_ctx_estimate_detail(ctx, 0, 0, NULL, 0, &e0));
    assert_int_equal(e0.source, TRD_ESTIMATE_EMA);
    assert_ok(ctx, trd_ctx_invalidate(ctx, 0, TRD_ALL_CONFIGS));
    assert_ok(ctx, trd_ctx_estimate_detail(ctx, 0, 1, NULL, 0, &e1));
    assert_int_equal(e1.source, TRD_ESTIMATE_NONE);
    assert_status(ctx, TRD_E_NOT_FOUND, trd_ctx_invalidate(ctx, 0, 2));
    assert_error_contains(ctx, "invalidate: operator 'parse' has no config 2 (it has 2)");
    trd_ctx_free(ctx);
}

static void test_same_seed_same_estimates(void **state)
{
    (void)state;
    double result[2];
    for (int run = 0; run < 2; run++) {
        trd_ctx *ctx = new_ctx();
        assert_ok(ctx, trd_ctx_set_int(ctx, TRD_P_RANDOM_SEED, 1234));
        double t = 0;
        for (int i = 0; i < 40; i++, t += 10) {
            win w = steady(1 + (i * 13 % 29));
            w.rate *= 1 + 0.03 * sin(i * 1.7); /* measurement noise */
            assert_ok(ctx, feed(ctx, 0, 0, t, w));
        }
        const double f[1] = {17};
        trd_estimate e;
        assert_ok(ctx, trd_ctx_estimate_detail(ctx, 0, 0, f, 1, &e));
        result[run] = e.items_per_s;
        trd_ctx_free(ctx);
    }
    assert_memory_equal(&result[0], &result[1], sizeof result[0]);
}

static void test_bad_input_changes_nothing(void **state)
{
    (void)state;
    trd_ctx *ctx;
    trd_estimate e;
    double mean;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    assert_status(ctx, TRD_E_STATE, trd_ctx_estimate(ctx, 0, &mean, NULL));
    assert_error_contains(ctx, "no model has been committed");
    trd_ctx_free(ctx);
    ctx = new_ctx();
    for (int i = 0; i < 3; i++)
        assert_ok(ctx, feed(ctx, 0, 0, 10.0 * i, steady(8)));
    assert_ok(ctx, trd_ctx_estimate_detail(ctx, 0, 0, NULL, 0, &e));
    trd_estimate before = e;
    const double nan_feature[1] = {NAN}, negative[1] = {-1}, two[2] = {1, 2};
    assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_estimate_detail(ctx, 0, 0, nan_feature, 1, &e));
    assert_error_contains(ctx, "feature 0 ('pages') must be finite and >= 0");
    assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_estimate_detail(ctx, 0, 0, negative, 1, &e));
    assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_estimate_detail(ctx, 0, 0, two, 2, &e));
    assert_error_contains(ctx, "operator 'parse' declares 1 features, got 2");
    assert_status(ctx, TRD_E_NOT_FOUND, trd_ctx_estimate_detail(ctx, 0, 5, NULL, 0, &e));
    assert_status(ctx, TRD_E_NOT_FOUND, trd_ctx_estimate(ctx, 7, &mean, NULL));
    assert_error_contains(ctx, "operator 7 unknown (the model has 2 operators)");
    assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_estimate(ctx, 0, NULL, NULL));
    assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_estimate_detail(ctx, 0, 0, NULL, 0, NULL));
    assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_observe_stats(ctx, 0, NULL));
    /* A zero-length window never gets in. */
    trd_sample s;
    memset(&s, 0, sizeof s);
    s.window_start_ns = s.window_end_ns = 5;
    s.active_instances = 1;
    s.n_features = 1;
    assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_observe(ctx, &s, 1));
    assert_ok(ctx, trd_ctx_estimate_detail(ctx, 0, 0, NULL, 0, &e));
    assert_memory_equal(&e, &before, sizeof e);
    trd_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nothing_known_yet),
        cmocka_unit_test(test_ema_then_gp),
        cmocka_unit_test(test_stage_one_rules),
        cmocka_unit_test(test_stage_two_rejects_outliers),
        cmocka_unit_test(test_utilisation_capacity),
        cmocka_unit_test(test_windows_aggregate_instances),
        cmocka_unit_test(test_useful_time_estimator),
        cmocka_unit_test(test_invalidation),
        cmocka_unit_test(test_same_seed_same_estimates),
        cmocka_unit_test(test_bad_input_changes_nothing),
    };
    return cmocka_run_group_tests_name("api_estimate", tests, NULL, NULL);
}
