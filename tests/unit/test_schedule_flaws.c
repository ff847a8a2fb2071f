/* The Trident paper's formulation taken literally (TRD_P_SCHED_FORMULATION = 1) against ours, on the three
 * flaws research/trident.md 4.5 names:
 *  1. its instance-unit flows (Eqs. 18-19) force every operator of a chain to the same parallelism;
 *  2. it has no NIC limit, so it returns plans that need more bandwidth than the machines have;
 *  3. b_i only enters the throughput bound, so a beneficial transition off the bottleneck is left to chance.
 * The third is shown on the models themselves: with b fixed at 0 or at B_max the literal objective is the
 * same, ours is not. */
#include <stdlib.h>

#include "ctx_internal.h"
#include "schedule/form.h"
#include "test_support.h"

static trd_plan *plan(trd_ctx *ctx, int formulation, const trd_rate *r, size_t n)
{
    trd_plan *p = NULL;
    assert_ok(ctx, trd_ctx_set_int(ctx, TRD_P_SCHED_FORMULATION, formulation));
    assert_ok(ctx, trd_ctx_plan_with_rates(ctx, r, n, &p));
    return p;
}

static uint32_t instances(const trd_plan *p, uint32_t op)
{
    trd_target t[64];
    size_t n;
    assert_int_equal(trd_plan_get_targets(p, t, 64, &n), TRD_OK);
    uint32_t total = 0;
    for (size_t k = 0; k < n; k++)
        total += t[k].op == op ? t[k].instances : 0;
    return total;
}

static void test_literal_form_forces_equal_parallelism(void **state)
{
    (void)state;
    /* a serves 10 items/s per instance, b 1: the best split of 8 cpus is 1 a and 7 b. */
    static const char yaml[] = "cluster: {nodes: [{name: n, cpus: 8, memory: 64GiB}]}\n"
                               "pipeline:\n"
                               "  operators: [{name: a, cpus: 1}, {name: b, cpus: 1}]\n"
                               "  edges: [{from: a, to: b}]\n";
    test_alloc al;
    trd_ctx *ctx = test_ctx_yaml(&al, yaml);
    trd_rate r[2] = {{0, TRD_NO_CONFIG, 10, 0, 0}, {1, TRD_NO_CONFIG, 1, 0, 0}};
    trd_plan *ours = plan(ctx, 0, r, 2), *paper = plan(ctx, 1, r, 2);
    assert_int_equal(instances(ours, 0), 1);
    assert_int_equal(instances(ours, 1), 7);
    assert_close(trd_plan_predicted_throughput(ours), 7, 1e-9);
    assert_int_equal(instances(paper, 0), instances(paper, 1)); /* p_a = p_b, as Eqs. 18-19 imply */
    assert_int_equal(instances(paper, 0), 4);
    assert_close(trd_plan_predicted_throughput(paper), 4, 1e-9);
    trd_plan_free(ours);
    trd_plan_free(paper);
    trd_ctx_free(ctx);
}

static void test_only_the_hard_nic_limit_prevents_an_over_bandwidth_plan(void **state)
{
    (void)state;
    /* a (100 MB per item out) fits only the cpu machine, b only the gpu one: every item crosses a 1 GB/s
     * NIC, so at most 10 items/s can flow although b could process 80. */
    static const char yaml[] =
        "cluster:\n"
        "  nodes: [{name: cpu, cpus: 8, memory: 512GiB, nic: 1GB/s},\n"
        "          {name: gpu, cpus: 8, memory: 64GiB, gpus: 8, gpu_memory: 80GiB, nic: 1GB/s}]\n"
        "pipeline:\n"
        "  operators: [{name: a, cpus: 1, memory: 100GiB, output_bytes_per_item: 100MB},\n"
        "              {name: b, cpus: 1, gpus: 1}]\n"
        "  edges: [{from: a, to: b}]\n";
    test_alloc al;
    trd_ctx *ctx = test_ctx_yaml(&al, yaml);
    trd_rate r[2] = {{0, TRD_NO_CONFIG, 100, 0, 0}, {1, TRD_NO_CONFIG, 10, 0, 0}};
    const double nic = 1e9, bytes = 100e6;
    trd_plan *ours = plan(ctx, 0, r, 2), *paper = plan(ctx, 1, r, 2);
    assert_close(trd_plan_predicted_throughput(ours), 10, 1e-9);
    assert_true(trd_plan_predicted_throughput(ours) * bytes <= nic * (1 + 1e-9));
    assert_non_null(strstr(trd_plan_reason(ours), "the NIC limit of node 'cpu' is saturated at 10 source items/s"));
    /* The network-agnostic ablation (sched_network 0) plans as if the NICs had no limit. */
    assert_ok(ctx, trd_ctx_set_int(ctx, TRD_P_SCHED_NETWORK, 0));
    trd_plan *agnostic = plan(ctx, 0, r, 2);
    assert_close(trd_plan_predicted_throughput(agnostic), 80, 1e-9);
    trd_plan_free(agnostic);
    assert_ok(ctx, trd_ctx_set_int(ctx, TRD_P_SCHED_NETWORK, 1));
    /* The literal form plans 50 items/s (5 a, as many as the memory holds, and 5 b under equal parallelism):
     * 5 GB/s through a 1 GB/s NIC. */
    double t_paper = trd_plan_predicted_throughput(paper);
    assert_close(t_paper, 50, 1e-9);
    assert_true(t_paper * bytes > 4 * nic);
    trd_plan_free(ours);
    trd_plan_free(paper);
    /* Without the NIC limit ours plans the same traffic and more: the limit alone stopped it. */
    assert_ok(ctx, trd_ctx_set_node_attr(ctx, 0, TRD_NODE_NIC_BYTES_PER_S, 0));
    assert_ok(ctx, trd_ctx_set_node_attr(ctx, 1, TRD_NODE_NIC_BYTES_PER_S, 0));
    assert_ok(ctx, trd_ctx_commit_model(ctx, NULL));
    ours = plan(ctx, 0, r, 2);
    assert_close(trd_plan_predicted_throughput(ours), 80, 1e-9); /* 1 a (100/s) feeds 8 b (8 devices) */
    trd_plan_free(ours);
    trd_ctx_free(ctx);
}

/* a (off the bottleneck) runs 4 instances on config 0 and is offered config 1 at twice the rate with no cold
 * start; b is the bottleneck.  B_max = ceil(0.25 x 4) = 1. */
static const char transition_yaml[] =
    "cluster: {nodes: [{name: n, cpus: 16, memory: 64GiB}]}\n"
    "pipeline:\n"
    "  operators:\n"
    "    - {name: a, cpus: 1, max_instances: 4, cold_start: 0s, knobs: [{name: k, type: int, min: 1, max: 8, default: 1}]}\n"
    "    - {name: b, cpus: 1, max_instances: 4}\n"
    "  edges: [{from: a, to: b}]\n"
    "  deployment: [{operator: a, node: n, instances: 4}, {operator: b, node: n, instances: 4}]\n";

/* Objective of `formulation`'s model (ours: its tie-breaking stage at the optimal throughput) with b_a fixed. */
static double objective_with_b(trd_ctx *ctx, int formulation, const trd_rate *r, double b)
{
    trd__sched_params prm = {10000, 0, 100000, 120, 0.25, formulation, NULL, NULL, 1};
    trd__sched_input in;
    trd__diag d;
    assert_int_equal(trd__sched_input_init(&in, ctx->model, &ctx->alloc, r, 2, &prm, &d), TRD_OK);
    uint32_t *ub = malloc(2 * in.n_machines * sizeof *ub);
    for (size_t k = 0; k < 2 * in.n_machines; k++)
        ub[k] = UINT32_MAX;
    unsigned char refined = 0;
    trd__form_limits lim = {ub, &refined};
    trd__form fm;
    assert_int_equal(trd__form_build(&fm, &in, &lim, &d), TRD_OK);
    assert_true(fm.b[0] != TRD__MILP_NONE);
    if (formulation == 0)
        trd__form_second_stage(&fm, 4); /* b's 4 instances at 1 item/s */
    trd__milp_set_bounds(&fm.milp, fm.b[0], b, b);
    trd__milp_params p = {10000, 0, NULL};
    trd__milp_result res;
    assert_int_equal(trd__milp_solve(&fm.milp, &p, &res, &d), TRD_OK);
    assert_int_equal(res.outcome, TRD__MILP_OPTIMAL);
    double z = res.objective;
    trd__milp_result_free(&ctx->alloc, &res);
    trd__form_free(&fm);
    trd__sched_input_free(&in);
    free(ub);
    return z;
}

static void test_beneficial_transition_off_the_bottleneck(void **state)
{
    (void)state;
    test_alloc al;
    trd_ctx *ctx = test_ctx_yaml(&al, transition_yaml);
    const double v = 4;
    uint32_t cfg;
    assert_ok(ctx, trd_ctx_add_config(ctx, 0, &v, 1, &cfg));
    assert_ok(ctx, trd_ctx_commit_model(ctx, NULL));
    trd_rate r[2] = {{0, cfg, 10, 20, 0}, {1, TRD_NO_CONFIG, 1, 0, 0}};

    trd_plan *ours = plan(ctx, 0, r, 2);
    assert_close(trd_plan_predicted_throughput(ours), 4, 1e-9);
    assert_int_equal(trd_plan_bottleneck(ours), 1);
    trd_action act;
    size_t n;
    assert_int_equal(trd_plan_get_actions(ours, &act, 1, &n), TRD_OK);
    assert_int_equal(n, 1);
    assert_int_equal(act.kind, TRD_ACTION_RECONFIGURE);
    assert_int_equal(act.op, 0);
    assert_int_equal(act.count, 1);
    assert_non_null(strstr(trd_plan_reason(ours), "'a': 1 of 4 instances restart with config 1"));
    trd_plan_free(ours);

    /* The literal objective does not care whether the transition starts; ours prefers starting it. */
    double paper0 = objective_with_b(ctx, 1, r, 0), paper1 = objective_with_b(ctx, 1, r, 1);
    assert_close(paper0, paper1, 1e-12);
    double ours0 = objective_with_b(ctx, 0, r, 0), ours1 = objective_with_b(ctx, 0, r, 1);
    assert_true(ours1 > ours0 + 1e-6);
    /* A transition that does not pay back is penalised instead: with a 150 s cold start, b = 0 is preferred. */
    assert_ok(ctx, trd_ctx_set_operator_attr(ctx, 0, TRD_OP_COLD_START_S, 150));
    assert_ok(ctx, trd_ctx_commit_model(ctx, NULL));
    assert_true(objective_with_b(ctx, 0, r, 0) > objective_with_b(ctx, 0, r, 1) + 1e-6);
    trd_ctx_free(ctx);
    assert_int_equal(al.live_blocks, 0);
}

static void test_literal_form_refuses_non_chains(void **state)
{
    (void)state;
    test_alloc al;
    trd_ctx *ctx = test_ctx_new(&al);
    assert_ok(ctx, trd_ctx_load_yaml(ctx, test_source_path("examples/pipelines/pdf.yaml")));
    assert_ok(ctx, trd_ctx_set_int(ctx, TRD_P_SCHED_FORMULATION, 1));
    trd_rate r[32];
    uint32_t n = trd_ctx_operator_count(ctx);
    for (uint32_t i = 0; i < n; i++)
        r[i] = (trd_rate){i, TRD_NO_CONFIG, 1, 0, 0};
    trd_plan *p = NULL;
    assert_status(ctx, TRD_E_STATE, trd_ctx_plan_with_rates(ctx, r, n, &p));
    assert_error_contains(ctx, "formulation paper_literal needs a linear chain, but operator 'crop_blocks' has 1 "
                               "predecessors and 4 successors");
    assert_null(p);
    trd_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literal_form_forces_equal_parallelism),
        cmocka_unit_test(test_only_the_hard_nic_limit_prevents_an_over_bandwidth_plan),
        cmocka_unit_test(test_beneficial_transition_off_the_bottleneck),
        cmocka_unit_test(test_literal_form_refuses_non_chains),
    };
    return cmocka_run_group_tests_name("unit_schedule_flaws", tests, NULL, NULL);
}
