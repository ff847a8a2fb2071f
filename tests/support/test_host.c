/* test_host.c -- see test_host.h. */
#include "test_host.h"

const char *const test_chain_yaml =
    "cluster:\n"
    "  nodes:\n"
    "    - {name: cpu, count: 2, cpus: 8, memory: 64GiB}\n"
    "pipeline:\n"
    "  operators:\n"
    "    - {name: a, cpus: 1, memory: 1GiB, start_time: 2s, stop_time: 1s}\n"
    "    - name: b\n"
    "      cpus: 1\n"
    "      memory: 1GiB\n"
    "      start_time: 2s\n"
    "      stop_time: 1s\n"
    "      cold_start: 5s\n"
    "      knobs:\n"
    "        - {name: threads, type: int, min: 1, max: 8, default: 1}\n"
    "    - {name: c, cpus: 1, memory: 1GiB, start_time: 2s, stop_time: 1s}\n"
    "  edges:\n"
    "    - {from: a, to: b}\n"
    "    - {from: b, to: c}\n"
    "  deployment:\n"
    "    - {operator: a, node: cpu, member: 0, instances: 1}\n"
    "    - {operator: b, node: cpu, member: 0, instances: 4}\n"
    "    - {operator: c, node: cpu, member: 1, instances: 1}\n";

const test_workload test_chain_base = {{{100, 100}, {10, 20}, {100, 100}}};

trd_ctx *test_chain_ctx(test_alloc *a)
{
    trd_ctx *ctx = test_ctx_yaml(a, test_chain_yaml);
    double threads = 4;
    uint32_t config;
    assert_ok(ctx, trd_ctx_add_config(ctx, 1, &threads, 1, &config));
    assert_int_equal(config, 1);
    assert_ok(ctx, trd_ctx_commit_model(ctx, NULL));
    return ctx;
}

size_t test_chain_samples(trd_ctx *ctx, const test_workload *w, double t0, int windows, trd_sample *out, size_t cap)
{
    uint32_t inst[3][2] = {{0}};
    for (uint32_t e = 0; e < trd_ctx_deployment_count(ctx); e++) {
        uint32_t op, node, member, config, n;
        assert_ok(ctx, trd_ctx_get_deployment(ctx, e, &op, &node, &member, &config, &n));
        if (op < 3 && config < 2)
            inst[op][config] += n;
    }
    double capacity[3], T = INFINITY;
    for (uint32_t op = 0; op < 3; op++) {
        capacity[op] = inst[op][0] * w->rate[op][0] + inst[op][1] * w->rate[op][1];
        T = fmin(T, capacity[op]);
    }
    size_t n = 0;
    for (int k = 0; k < windows; k++)
        for (uint32_t op = 0; op < 3; op++)
            for (uint32_t c = 0; c < 2 && n < cap; c++) {
                if (inst[op][c] == 0)
                    continue;
                double u = T / capacity[op];
                trd_sample *s = &out[n++];
                memset(s, 0, sizeof *s);
                s->window_start_ns = (uint64_t)((t0 + 10.0 * k) * 1e9);
                s->window_end_ns = s->window_start_ns + 10 * TEST_S;
                s->op = op;
                s->instance = TRD_WHOLE_OPERATOR;
                s->config = c;
                s->active_instances = inst[op][c];
                s->items_in = (uint64_t)llround(u * w->rate[op][c] * 10 * inst[op][c]);
                s->items_out = s->items_in;
                s->bytes_out = s->items_out * 1000;
                s->queue_start = s->queue_end = 50;
                s->busy_s = u * 10 * inst[op][c];
                s->utilisation = u;
            }
    return n;
}

void test_chain_feed(trd_ctx *ctx, const test_workload *w, double t0, int windows)
{
    trd_sample s[6 * 64];
    size_t n = test_chain_samples(ctx, w, t0, windows > 64 ? 64 : windows, s, sizeof s / sizeof s[0]);
    assert_ok(ctx, trd_ctx_observe(ctx, s, n));
}
