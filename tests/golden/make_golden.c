/* make_golden -- writes the golden traces that `golden_*` tests replay with `trident-replay --check`:
 *   tunable_shift_oom.jsonl   the scripted tunable host (tests/support/test_tunable.h): a workload regime is
 *                             tuned by probes, one of which runs out of memory; then the workload shifts, the
 *                             running config crashes, the loop falls back and re-tunes;
 *   rolling_transition.jsonl  the chain host (tests/support/test_host.h): a requested config transition rolls
 *                             over several plans, with partial outcomes, an OOM and a commit half-way.
 * A trace holds every call and the plan each poll returned; the tests check that a replay returns the same
 * plans byte for byte.  Regenerate after a deliberate change of the library's decisions:
 *
 *   build/dev/tests/make_golden tests/golden
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_host.h"
#include "test_support.h"
#include "test_tunable.h"

static trd_trace *open_trace(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    trd_trace *t = NULL;
    if (trd_trace_open(&t, path) != 0) {
        perror(path);
        exit(1);
    }
    return t;
}

static void tunable_shift_oom(const char *dir)
{
    trd_trace *t = open_trace(dir, "tunable_shift_oom.jsonl");
    test_alloc a;
    trd_ctx *ctx = test_ctx_new(&a);
    test_tunable h;
    test_tunable_init(&h, ctx, t, 2);
    h.oom_probe = 3;
    test_tunable_run(&h, 180);
    h.pages = 20;
    test_tunable_run(&h, 180);
    printf("tunable_shift_oom: %u plans, %u probes, %u OOMs, %u restarts\n", h.plans, h.probes, h.ooms,
           h.reconfigures);
    trd_ctx_free(ctx);
    if (trd_trace_close(t) != 0)
        exit(1);
}

static void rolling_transition(const char *dir)
{
    trd_trace *t = open_trace(dir, "rolling_transition.jsonl");
    test_alloc a;
    trd_ctx *ctx = test_ctx_new(&a);
    if (trd_traced_load_yaml_string(t, ctx, test_chain_yaml, strlen(test_chain_yaml)) != TRD_OK)
        exit(1);
    double threads = 4;
    trd_ctx_add_config(ctx, 1, &threads, 1, NULL);
    trd_traced_commit_model(t, ctx, NULL);
    trd_traced_set_int(t, ctx, TRD_P_ADAPT_ENABLE, 0); /* only the requested transition moves configs */
    trd_sample s[6 * 3];
    unsigned plans = 0;
    for (int step = 0; step < 40; step++) {
        double now = 30.0 * (step + 1);
        size_t n = test_chain_samples(ctx, &test_chain_base, now - 30, 3, s, sizeof s / sizeof s[0]);
        trd_traced_observe(t, ctx, s, n);
        if (step == 6)
            trd_traced_request_transition(t, ctx, 1, 1, 20);
        if (step == 20) {
            uint32_t node;
            trd_ctx_add_node(ctx, "extra", &node);
            trd_ctx_set_node_attr(ctx, node, TRD_NODE_CPUS, 4);
            trd_ctx_set_node_attr(ctx, node, TRD_NODE_MEMORY_BYTES, 16e9);
            trd_traced_commit_model(t, ctx, NULL);
        }
        if (step == 25) {
            trd_event oom = {(uint64_t)(now * 1e9), 0, 0, 9e9, TRD_EVENT_OOM, 2, 0, 1, 0, TRD_NO_CONFIG, 1, 5};
            trd_traced_report_event(t, ctx, &oom);
        }
        trd_plan *plan = NULL;
        trd_traced_poll(t, ctx, (uint64_t)(now * 1e9), &plan);
        if (!plan)
            continue;
        plans++;
        trd_event up = {(uint64_t)(now * 1e9) + 1, trd_plan_id(plan), 2, 0, TRD_EVENT_INSTANCE_UP, 2, 0, 1, 0,
                        TRD_NO_CONFIG, 1, TRD_WHOLE_OPERATOR};
        trd_traced_report_event(t, ctx, &up);
        trd_traced_report_outcome(t, ctx, trd_plan_id(plan), step % 3 == 2 ? TRD_OUTCOME_PARTIAL : TRD_OUTCOME_APPLIED,
                                  (uint64_t)(now * 1e9) + 2);
        trd_plan_free(plan);
    }
    trd_loop_op_info li;
    trd_ctx_loop_op_info(ctx, 1, &li);
    printf("rolling_transition: %u plans; transition %s\n", plans,
           li.transition_config == TRD_NO_CONFIG ? "complete" : "still running");
    trd_ctx_free(ctx);
    if (trd_trace_close(t) != 0)
        exit(1);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_golden DIR\n");
        return 2;
    }
    tunable_shift_oom(argv[1]);
    rolling_transition(argv[1]);
    return 0;
}
