/* trd_ctx_plan_with_rates and the plan objects, as a host sees them: argument validation that changes nothing,
 * infeasible models, plan accessors and JSON, action ordering (stops before starts only where needed, rolling
 * restarts capped at B_max and spread over machines, deferred transitions with their reason), the time limit
 * keeping the greedy plan, and plans outliving their context. */
#include <stdlib.h>

#include "test_support.h"

/* One rate per operator, `base` + op items/s, no candidates. */
static void plain_rates(trd_ctx *ctx, trd_rate *r, double base)
{
    for (uint32_t i = 0; i < trd_ctx_operator_count(ctx); i++)
        r[i] = (trd_rate){i, TRD_NO_CONFIG, base + i, 0, 0};
}

static uint32_t op_id(trd_ctx *ctx, const char *name)
{
    uint32_t id;
    assert_ok(ctx, trd_ctx_find_operator(ctx, name, &id));
    return id;
}

/* Instances of `op` in the plan's targets (all machines and configs, or one config). */
static uint32_t planned(const trd_plan *p, uint32_t op, uint32_t config)
{
    trd_target t[256];
    size_t n;
    assert_int_equal(trd_plan_get_targets(p, t, 256, &n), TRD_OK);
    uint32_t total = 0;
    for (size_t k = 0; k < n; k++)
        if (t[k].op == op && (config == TRD_NO_CONFIG || t[k].config == config))
            total += t[k].instances;
    return total;
}

static const char *const two_ops =
    "cluster:\n"
    "  nodes:\n"
    "    - {name: cpu, count: 2, cpus: 8, memory: 64GiB}\n"
    "pipeline:\n"
    "  operators:\n"
    "    - {name: a, cpus: 1, memory: 1GiB}\n"
    "    - {name: b, cpus: 1, memory: 1GiB}\n"
    "  edges:\n"
    "    - {from: a, to: b}\n";

static void test_invalid_rates_change_nothing(void **state)
{
    (void)state;
    test_alloc a;
    trd_ctx *ctx = test_ctx_new(&a);
    trd_rate r[2] = {{0, TRD_NO_CONFIG, 1, 0, 0}, {1, TRD_NO_CONFIG, 1, 0, 0}};
    trd_plan *plan = (trd_plan *)&a; /* a sentinel that must survive every failure */
    assert_status(ctx, TRD_E_STATE, trd_ctx_plan_with_rates(ctx, r, 2, &plan));
    assert_error_contains(ctx, "no committed model");
    trd_ctx_free(ctx);

    ctx = test_ctx_yaml(&a, two_ops);
    assert_int_equal(trd_ctx_plan_with_rates(NULL, r, 2, &plan), TRD_E_INVALID_ARG);
    assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_plan_with_rates(ctx, r, 2, NULL));
    assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_plan_with_rates(ctx, NULL, 2, &plan));
    assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_plan_with_rates(ctx, r, 1, &plan));
    assert_error_contains(ctx, "1 rates given, but the model has 2 operators");

    static const struct {
        trd_rate bad;
        const char *message;
    } cases[] = {
        {{1, TRD_NO_CONFIG, NAN, 0, 0}, "rate[1] ('b'): items_per_s null must be finite and > 0"},
        {{1, TRD_NO_CONFIG, -2, 0, 0}, "rate[1] ('b'): items_per_s -2 must be finite and > 0"},
        {{1, TRD_NO_CONFIG, 0, 0, 0}, "items_per_s 0 must be finite and > 0"},
        {{1, TRD_NO_CONFIG, INFINITY, 0, 0}, "items_per_s null must be finite"},
        {{0, TRD_NO_CONFIG, 1, 0, 0}, "rate[1]: operator 'a' appears twice"},
        {{7, TRD_NO_CONFIG, 1, 0, 0}, "rate[1]: op 7 unknown (the model has 2 operators)"},
        {{1, 3, 1, 2, 0}, "candidate_config 3 unknown (the operator has 1 configs)"},
        {{1, 0, 1, NAN, 0}, "candidate_items_per_s null must be finite and > 0"},
        {{1, TRD_NO_CONFIG, 1, 0, 1}, "reserved must be 0"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        r[1] = cases[k].bad;
        assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_plan_with_rates(ctx, r, 2, &plan));
        assert_error_contains(ctx, cases[k].message);
        assert_ptr_equal(plan, &a);
    }
    /* Failed calls use no plan id. */
    r[1] = (trd_rate){1, TRD_NO_CONFIG, 1, 0, 0};
    assert_ok(ctx, trd_ctx_plan_with_rates(ctx, r, 2, &plan));
    assert_int_equal(trd_plan_id(plan), 1);
    trd_plan_free(plan);
    trd_ctx_free(ctx);
    assert_int_equal(a.live_blocks, 0);
}

static void test_model_errors_reach_the_host(void **state)
{
    (void)state;
    test_alloc a;
    trd_ctx *ctx = test_ctx_new(&a);
    uint32_t n, op;
    assert_ok(ctx, trd_ctx_add_node(ctx, "n", &n));
    /* Negative capacities never enter a model. */
    assert_status(ctx, TRD_E_OUT_OF_RANGE, trd_ctx_set_node_attr(ctx, n, TRD_NODE_CPUS, -4));
    assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_set_node_attr(ctx, n, TRD_NODE_MEMORY_BYTES, NAN));
    assert_ok(ctx, trd_ctx_set_node_attr(ctx, n, TRD_NODE_CPUS, 4));
    assert_ok(ctx, trd_ctx_set_node_attr(ctx, n, TRD_NODE_MEMORY_BYTES, 8e9));
    assert_ok(ctx, trd_ctx_add_operator(ctx, "big", &op));
    assert_ok(ctx, trd_ctx_set_operator_attr(ctx, op, TRD_OP_GPUS, 1));
    /* An operator that fits nowhere is refused at commit, so the scheduler never sees it. */
    assert_status(ctx, TRD_E_INVALID_MODEL, trd_ctx_commit_model(ctx, NULL));
    assert_error_contains(ctx, "operator 'big' fits on no node kind");
    trd_ctx_free(ctx);
}

static void test_minimums_that_do_not_pack_are_infeasible(void **state)
{
    (void)state;
    /* 3 instances of 3 cpus need 9 of the cluster's 10 cpus, but only one fits each 5-cpu machine. */
    static const char yaml[] = "cluster: {nodes: [{name: n, count: 2, cpus: 5, memory: 64GiB}]}\n"
                               "pipeline: {operators: [{name: a, cpus: 3, min_instances: 3}]}\n";
    test_alloc a;
    trd_ctx *ctx = test_ctx_yaml(&a, yaml);
    trd_rate r = {0, TRD_NO_CONFIG, 1, 0, 0};
    trd_plan *plan = NULL;
    assert_status(ctx, TRD_E_INFEASIBLE, trd_ctx_plan_with_rates(ctx, &r, 1, &plan));
    assert_error_contains(ctx, "operator 'a' needs 3 instances, but at most 2 fit the machines one by one");
    assert_null(plan);
    trd_ctx_free(ctx);

    /* Each operator alone fits, and the pools' totals fit (9 of 10 cpus), but two 3-cpu instances never share
     * a machine: only modelling the machines one by one shows that no deployment exists. */
    static const char yaml2[] = "cluster: {nodes: [{name: n, count: 2, cpus: 5, memory: 64GiB}]}\n"
                                "pipeline:\n"
                                "  operators: [{name: a, cpus: 3, min_instances: 2}, {name: b, cpus: 3}]\n"
                                "  edges: [{from: a, to: b}]\n";
    ctx = test_ctx_yaml(&a, yaml2);
    trd_rate r2[2] = {{0, TRD_NO_CONFIG, 1, 0, 0}, {1, TRD_NO_CONFIG, 1, 0, 0}};
    assert_status(ctx, TRD_E_INFEASIBLE, trd_ctx_plan_with_rates(ctx, r2, 2, &plan));
    assert_error_contains(ctx, "no deployment satisfies the model (");
    assert_null(plan);
    trd_ctx_free(ctx);
    assert_int_equal(a.live_blocks, 0);
}

static void test_plan_accessors_and_json(void **state)
{
    (void)state;
    test_alloc a;
    trd_ctx *ctx = test_ctx_yaml(&a, two_ops);
    trd_rate r[2] = {{0, TRD_NO_CONFIG, 10, 0, 0}, {1, TRD_NO_CONFIG, 1, 0, 0}};
    trd_plan *p1 = NULL, *p2 = NULL;
    assert_ok(ctx, trd_ctx_plan_with_rates(ctx, r, 2, &p1));
    assert_ok(ctx, trd_ctx_plan_with_rates(ctx, r, 2, &p2));
    assert_int_equal(trd_plan_id(p1), 1);
    assert_int_equal(trd_plan_id(p2), 2);
    assert_int_equal(trd_plan_epoch(p1), trd_ctx_model_epoch(ctx));
    /* 16 cpus: b (1 item/s) takes 14 instances, a (10 items/s) 2 -- 14 items/s; ties on the last cpu. */
    assert_close(trd_plan_predicted_throughput(p1), 14, 1e-9);
    assert_int_equal(trd_plan_bottleneck(p1), 1);
    assert_int_equal(trd_plan_solve_status(p1), TRD_SOLVE_OPTIMAL);
    assert_close(trd_plan_mip_gap(p1), 0, 1e-6);
    assert_true(trd_plan_solve_ms(p1) > 0);
    assert_int_equal(planned(p1, 1, TRD_NO_CONFIG), 14);
    assert_non_null(strstr(trd_plan_reason(p1), "bottleneck 'b'"));
    /* Everything is started from nothing: START actions only, all in round 2. */
    size_t n = trd_plan_action_count(p1);
    trd_action acts[8];
    assert_int_equal(trd_plan_get_actions(p1, NULL, 0, &n), TRD_OK);
    assert_true(n >= 2 && n <= 4);
    assert_int_equal(trd_plan_get_actions(p1, acts, 1, &n), TRD_E_BUFFER_TOO_SMALL);
    assert_int_equal(trd_plan_get_actions(p1, acts, 8, &n), TRD_OK);
    uint32_t started = 0;
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(acts[k].kind, TRD_ACTION_START);
        assert_int_equal(acts[k].round, 2);
        assert_int_equal(acts[k].from_config, TRD_NO_CONFIG);
        started += acts[k].count;
    }
    assert_int_equal(started, 16);
    assert_int_equal(trd_plan_get_targets(p1, NULL, 3, &n), TRD_E_INVALID_ARG);

    size_t len = 0;
    assert_int_equal(trd_plan_to_json(p1, NULL, 0, &len), TRD_OK);
    char *json = malloc(len + 1);
    assert_int_equal(trd_plan_to_json(p1, json, len, &n), TRD_E_BUFFER_TOO_SMALL);
    assert_int_equal(n, len);
    assert_int_equal(trd_plan_to_json(p1, json, len + 1, &n), TRD_OK);
    assert_int_equal(strlen(json), len);
    assert_non_null(strstr(json, "\"id\":1,\"epoch\":1,\"solve_status\":\"optimal\""));
    assert_non_null(strstr(json, "\"predicted_throughput_per_s\":14,\"bottleneck\":\"b\""));
    assert_non_null(strstr(json, "{\"round\":2,\"kind\":\"start\",\"op\":\"a\",\"node\":\"cpu\""));
    free(json);

    /* A plan belongs to the caller and outlives its context. */
    trd_ctx_free(ctx);
    assert_close(trd_plan_predicted_throughput(p2), 14, 1e-9);
    assert_non_null(strstr(trd_plan_reason(p2), "bottleneck"));
    trd_plan_free(p1);
    trd_plan_free(p2);
    assert_int_equal(a.live_blocks, 0);

    /* NULL plans. */
    trd_plan_free(NULL);
    assert_int_equal(trd_plan_id(NULL), 0);
    assert_int_equal(trd_plan_bottleneck(NULL), UINT32_MAX);
    assert_true(isnan(trd_plan_mip_gap(NULL)));
    assert_string_equal(trd_plan_reason(NULL), "");
    assert_int_equal(trd_plan_get_actions(NULL, acts, 8, &n), TRD_E_INVALID_ARG);
    assert_int_equal(trd_plan_to_json(NULL, NULL, 0, &n), TRD_E_INVALID_ARG);
}

/* Machine 0 is full of `a`; `b` is the bottleneck.  Starting b there needs a's cpus first (round 1 stops);
 * machine 1 is free, so its starts need no stop. */
static void test_stops_precede_starts_only_where_they_free_room(void **state)
{
    (void)state;
    static const char yaml[] = "cluster: {nodes: [{name: n, count: 2, cpus: 4, memory: 64GiB}]}\n"
                               "pipeline:\n"
                               "  operators: [{name: a, cpus: 1}, {name: b, cpus: 1}]\n"
                               "  edges: [{from: a, to: b}]\n"
                               "  deployment: [{operator: a, node: n, member: 0, instances: 4}]\n";
    test_alloc al;
    trd_ctx *ctx = test_ctx_yaml(&al, yaml);
    trd_rate r[2] = {{0, TRD_NO_CONFIG, 6, 0, 0}, {1, TRD_NO_CONFIG, 1, 0, 0}};
    trd_plan *p = NULL;
    assert_ok(ctx, trd_ctx_plan_with_rates(ctx, r, 2, &p));
    /* T = min(6 a, b) with a + b <= 8 cpus: 6 items/s (a = 1, b = 7, or a = 2, b = 6).  Either way a shrinks
     * from 4, and b needs machine 0's cpus as well as machine 1's. */
    assert_close(trd_plan_predicted_throughput(p), 6, 1e-9);
    trd_action acts[16];
    size_t n;
    assert_int_equal(trd_plan_get_actions(p, acts, 16, &n), TRD_OK);
    int stops_first = 0, starts_m0 = 0;
    uint32_t last_round = 0;
    for (size_t k = 0; k < n; k++) {
        assert_true(acts[k].round >= last_round); /* ordered by round */
        last_round = acts[k].round;
        if (acts[k].kind == TRD_ACTION_STOP) {
            assert_int_equal(acts[k].op, 0);
            assert_int_equal(acts[k].member, 0);
            assert_int_equal(acts[k].round, 1);
            stops_first = 1;
        }
        if (acts[k].kind == TRD_ACTION_START && acts[k].member == 0) {
            assert_int_equal(acts[k].round, 2);
            starts_m0 = 1;
        }
    }
    assert_true(stops_first && starts_m0);
    trd_plan_free(p);
    trd_ctx_free(ctx);
}

/* `a` shrinks on a machine where nothing starts (b needs a device, which only the gpu machine has): its stops
 * wait for round 3, after b's starts. */
static void test_stops_wait_when_nothing_needs_their_room(void **state)
{
    (void)state;
    static const char yaml[] = "cluster:\n"
                               "  nodes: [{name: cpu, cpus: 4, memory: 64GiB},\n"
                               "          {name: gpu, cpus: 4, memory: 64GiB, gpus: 4, gpu_memory: 80GiB}]\n"
                               "pipeline:\n"
                               "  operators: [{name: a, cpus: 1, stop_time: 0s}, {name: b, cpus: 1, gpus: 1}]\n"
                               "  edges: [{from: a, to: b}]\n"
                               "  deployment: [{operator: a, node: cpu, instances: 4}]\n";
    test_alloc al;
    trd_ctx *ctx = test_ctx_yaml(&al, yaml);
    trd_rate r[2] = {{0, TRD_NO_CONFIG, 100, 0, 0}, {1, TRD_NO_CONFIG, 1, 0, 0}};
    trd_plan *p = NULL;
    assert_ok(ctx, trd_ctx_plan_with_rates(ctx, r, 2, &p));
    assert_close(trd_plan_predicted_throughput(p), 4, 1e-9);
    assert_int_equal(planned(p, 0, TRD_NO_CONFIG), 1); /* one a keeps up with 4 b; idle ones go (they cost 0 s) */
    trd_action acts[8];
    size_t n;
    assert_int_equal(trd_plan_get_actions(p, acts, 8, &n), TRD_OK);
    assert_int_equal(n, 2);
    assert_int_equal(acts[0].kind, TRD_ACTION_START);
    assert_int_equal(acts[0].op, 1);
    assert_int_equal(acts[0].count, 4);
    assert_int_equal(acts[0].round, 2);
    assert_int_equal(acts[1].kind, TRD_ACTION_STOP);
    assert_int_equal(acts[1].op, 0);
    assert_int_equal(acts[1].count, 3);
    assert_int_equal(acts[1].round, 3);
    trd_plan_free(p);
    trd_ctx_free(ctx);
}

/* `m` runs 4 + 4 instances on two machines with config 0 and is offered config 1.  Restarts per round are
 * capped at B_max = ceil(0.25 x 8) = 2, spread one per machine, after everything else (round 3). */
static const char rolling_yaml[] =
    "cluster: {nodes: [{name: n, count: 2, cpus: 8, memory: 64GiB}]}\n"
    "pipeline:\n"
    "  operators:\n"
    "    - {name: src, cpus: 1, max_instances: 1}\n"
    "    - name: m\n"
    "      cpus: 1\n"
    "      max_instances: 8\n"
    "      knobs: [{name: batch, type: int, min: 1, max: 64, default: 8}]\n"
    "  edges: [{from: src, to: m}]\n"
    "  deployment: [{operator: src, node: n, member: 0, instances: 1},\n"
    "               {operator: m, node: n, member: 0, instances: 4},\n"
    "               {operator: m, node: n, member: 1, instances: 4}]\n";

static trd_ctx *rolling_ctx(test_alloc *al, double cold_s, uint32_t *cfg)
{
    trd_ctx *ctx = test_ctx_yaml(al, rolling_yaml);
    uint32_t m = op_id(ctx, "m");
    const double v = 32;
    assert_ok(ctx, trd_ctx_add_config(ctx, m, &v, 1, cfg));
    assert_ok(ctx, trd_ctx_set_operator_attr(ctx, m, TRD_OP_COLD_START_S, cold_s));
    assert_ok(ctx, trd_ctx_commit_model(ctx, NULL));
    return ctx;
}

static void test_rolling_restarts_are_capped_and_spread(void **state)
{
    (void)state;
    test_alloc al;
    uint32_t cfg;
    trd_ctx *ctx = rolling_ctx(&al, 30, &cfg);
    /* src offers 100 items/s; m at 1/s per instance is the bottleneck; config 1 doubles it (1.5 after the
     * 30 s of a 120 s interval lost to the cold start). */
    trd_rate r[2] = {{0, TRD_NO_CONFIG, 100, 0, 0}, {1, cfg, 1, 2, 0}};
    trd_plan *p = NULL;
    assert_ok(ctx, trd_ctx_plan_with_rates(ctx, r, 2, &p));
    assert_close(trd_plan_predicted_throughput(p), 6 * 1 + 2 * 1.5, 1e-9);
    trd_action acts[16];
    size_t n;
    assert_int_equal(trd_plan_get_actions(p, acts, 16, &n), TRD_OK);
    int reconf_members = 0;
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(acts[k].kind, TRD_ACTION_RECONFIGURE); /* nothing else changes */
        assert_int_equal(acts[k].count, 1);
        assert_int_equal(acts[k].from_config, 0);
        assert_int_equal(acts[k].config, cfg);
        assert_int_equal(acts[k].round, 3);
        reconf_members |= 1 << acts[k].member;
    }
    assert_int_equal(n, 2);
    assert_int_equal(reconf_members, 3);
    assert_int_equal(planned(p, 1, cfg), 2);
    assert_non_null(strstr(trd_plan_reason(p), "'m': 2 of 8 instances restart with config 1"));
    trd_plan_free(p);

    /* Transitions disabled. */
    assert_ok(ctx, trd_ctx_set_double(ctx, TRD_P_ROLLING_MAX_FRACTION, 0));
    assert_ok(ctx, trd_ctx_plan_with_rates(ctx, r, 2, &p));
    assert_int_equal(trd_plan_action_count(p), 0);
    assert_non_null(strstr(trd_plan_reason(p), "waits: rolling_max_fraction is 0"));
    trd_plan_free(p);
    trd_ctx_free(ctx);
}

static void test_transition_deferred_when_the_cold_start_does_not_pay_back(void **state)
{
    (void)state;
    test_alloc al;
    uint32_t cfg;
    trd_ctx *ctx = rolling_ctx(&al, 150, &cfg); /* longer than the 120 s interval: nothing within it */
    trd_rate r[2] = {{0, TRD_NO_CONFIG, 100, 0, 0}, {1, cfg, 1, 2, 0}};
    trd_plan *p = NULL;
    assert_ok(ctx, trd_ctx_plan_with_rates(ctx, r, 2, &p));
    assert_close(trd_plan_predicted_throughput(p), 8, 1e-9);
    assert_int_equal(trd_plan_action_count(p), 0);
    assert_non_null(strstr(trd_plan_reason(p), "transition of 'm' to config 1 deferred: its 150 s cold start leaves "
                                                "0 items/s per instance over a 120 s horizon, not above the "
                                                "current 1"));
    trd_plan_free(p);
    /* A longer interval makes the same transition worth it. */
    assert_ok(ctx, trd_ctx_set_int(ctx, TRD_P_SCHED_INTERVAL_MS, 600000));
    assert_ok(ctx, trd_ctx_plan_with_rates(ctx, r, 2, &p));
    assert_close(trd_plan_predicted_throughput(p), 6 + 2 * 2 * (1 - 150.0 / 600), 1e-9);
    trd_plan_free(p);
    trd_ctx_free(ctx);
}

/* With a 1 ms budget the solver cannot finish the paper's per-machine model of the video pipeline; the plan is
 * the incumbent (or better), never nothing, and never better than the full solve. */
static void test_time_limit_keeps_the_incumbent(void **state)
{
    (void)state;
    test_alloc al;
    trd_ctx *ctx = test_ctx_new(&al);
    assert_ok(ctx, trd_ctx_load_yaml(ctx, test_source_path("examples/pipelines/video.yaml")));
    assert_ok(ctx, trd_ctx_set_int(ctx, TRD_P_SCHED_FORMULATION, 1));
    trd_rate r[16];
    plain_rates(ctx, r, 1);
    uint32_t n = trd_ctx_operator_count(ctx);
    trd_plan *full = NULL, *quick = NULL;
    assert_ok(ctx, trd_ctx_plan_with_rates(ctx, r, n, &full));
    assert_ok(ctx, trd_ctx_set_int(ctx, TRD_P_SOLVER_TIME_LIMIT_MS, 1));
    assert_ok(ctx, trd_ctx_plan_with_rates(ctx, r, n, &quick));
    uint32_t st = trd_plan_solve_status(quick);
    assert_true(st == TRD_SOLVE_FEASIBLE || st == TRD_SOLVE_FALLBACK);
    if (st == TRD_SOLVE_FALLBACK)
        assert_non_null(strstr(trd_plan_reason(quick), "greedy plan"));
    assert_true(trd_plan_predicted_throughput(quick) > 0);
    assert_true(trd_plan_predicted_throughput(quick) <= trd_plan_predicted_throughput(full) * (1 + 1e-9));
    assert_true(trd_plan_target_count(quick) > 0);
    trd_plan_free(full);
    trd_plan_free(quick);
    trd_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invalid_rates_change_nothing),
        cmocka_unit_test(test_model_errors_reach_the_host),
        cmocka_unit_test(test_minimums_that_do_not_pack_are_infeasible),
        cmocka_unit_test(test_plan_accessors_and_json),
        cmocka_unit_test(test_stops_precede_starts_only_where_they_free_room),
        cmocka_unit_test(test_stops_wait_when_nothing_needs_their_room),
        cmocka_unit_test(test_rolling_restarts_are_capped_and_spread),
        cmocka_unit_test(test_transition_deferred_when_the_cold_start_does_not_pay_back),
        cmocka_unit_test(test_time_limit_keeps_the_incumbent),
    };
    return cmocka_run_group_tests_name("api_schedule", tests, NULL, NULL);
}
