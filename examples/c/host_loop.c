/* host_loop.c -- the closed loop of a host engine embedding libtrident: every window it reports what each
 * instance did, every tick it polls for a plan, applies it, and reports the outcome.  The "engine" here is a
 * toy that runs every instance of an operator at a fixed rate; a real engine starts and stops workers.
 * Public domain (CC0): copy it into your engine.
 *
 *   host_loop [PIPELINE.yaml] [MINUTES]     (default: examples/pipelines/video.yaml, 30 minutes)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <trident.h>

#define NS 1000000000ull

/* The toy engine: items per second one instance of each operator manages (whatever its config) -- for an
 * operator with a fraction of a device, what a whole device manages: instances sharing one time-slice it. */
static double toy_rate(uint32_t op) { return 5.0 + 7.0 * (op % 4); }

/* Items per second of one instance of `op` on (node, member), given how many share that machine's devices. */
static double instance_rate(trd_ctx *ctx, uint32_t op, uint32_t node, uint32_t member)
{
    double g, devices;
    trd_ctx_get_operator_attr(ctx, op, TRD_OP_GPUS, &g);
    if (!(g > 0 && g < 1))
        return toy_rate(op);
    trd_ctx_get_node_attr(ctx, node, TRD_NODE_GPUS, &devices);
    double here = 0;
    for (uint32_t q = 0; q < trd_ctx_deployment_count(ctx); q++) {
        uint32_t o, n, mb, c, k;
        trd_ctx_get_deployment(ctx, q, &o, &n, &mb, &c, &k);
        if (o == op && n == node && mb == member)
            here += k;
    }
    double used = here * g < devices ? here * g : devices;
    return toy_rate(op) * (used < 1 ? 1 : used) / here;
}

/* Items each operator receives per source item (D): sources 1, then along the edges with the operators'
 * fan-out and the edges' shares.  Relaxed n times, which settles on any DAG. */
static void amplification(trd_ctx *ctx, double *D, uint32_t n_ops)
{
    for (uint32_t i = 0; i < n_ops; i++)
        D[i] = 1;
    for (uint32_t round = 0; round < n_ops; round++)
        for (uint32_t i = 0; i < n_ops; i++) {
            double in = 0;
            int fed = 0;
            for (uint32_t e = 0; e < trd_ctx_edge_count(ctx); e++) {
                uint32_t from, to;
                double share, r;
                trd_ctx_get_edge(ctx, e, &from, &to, &share);
                if (to != i)
                    continue;
                trd_ctx_get_operator_attr(ctx, from, TRD_OP_ITEMS_OUT_PER_IN, &r);
                in += D[from] * r * share;
                fed = 1;
            }
            if (fed)
                D[i] = in;
        }
}

/* One window of samples, one per deployment entry covering its instances, as a pipeline with backpressure
 * runs: the slowest operator (capacity / D) sets the throughput T, and every operator processes T x D items/s,
 * busy in proportion. */
static size_t window_samples(trd_ctx *ctx, uint64_t start_ns, trd_sample *out, size_t cap)
{
    enum { MAX_OPS = 64 };
    uint32_t n_ops = trd_ctx_operator_count(ctx);
    if (n_ops > MAX_OPS)
        return 0;
    double D[MAX_OPS], capacity[MAX_OPS] = {0}, T = 1e300;
    amplification(ctx, D, n_ops);
    for (uint32_t q = 0; q < trd_ctx_deployment_count(ctx); q++) {
        uint32_t op, node, member, config, instances;
        trd_ctx_get_deployment(ctx, q, &op, &node, &member, &config, &instances);
        capacity[op] += instance_rate(ctx, op, node, member) * instances;
    }
    for (uint32_t op = 0; op < n_ops; op++)
        T = capacity[op] / D[op] < T ? capacity[op] / D[op] : T;
    size_t n = 0;
    for (uint32_t q = 0; q < trd_ctx_deployment_count(ctx) && n < cap; q++) {
        uint32_t op, node, member, config, instances;
        double r;
        if (trd_ctx_get_deployment(ctx, q, &op, &node, &member, &config, &instances) != TRD_OK)
            continue;
        trd_ctx_get_operator_attr(ctx, op, TRD_OP_ITEMS_OUT_PER_IN, &r);
        double load = T * D[op] / capacity[op]; /* this operator's utilisation */
        double rate = instance_rate(ctx, op, node, member);
        trd_sample *s = &out[n++];
        memset(s, 0, sizeof *s);
        s->window_start_ns = start_ns;
        s->window_end_ns = start_ns + 10 * NS;
        s->op = op;
        s->instance = TRD_WHOLE_OPERATOR; /* all instances of this entry at once */
        s->config = config;
        s->active_instances = instances;
        s->items_in = (uint64_t)(load * rate * 10 * instances);
        s->items_out = (uint64_t)(s->items_in * r);
        s->queue_start = s->queue_end = 100;
        s->busy_s = load * 10 * instances;
        s->utilisation = load;
        s->n_features = trd_ctx_feature_count(ctx, op);
        for (uint32_t f = 0; f < s->n_features; f++)
            s->features[f] = 1000.0 * (f + 1); /* the engine's per-item workload measures */
    }
    return n;
}

/* "Applies" a plan: a real engine carries out the actions round by round (stops, starts, restarts, probes)
 * and reports each instance change as an event naming the plan. */
static trd_outcome apply(trd_ctx *ctx, const trd_plan *plan, uint64_t now_ns)
{
    trd_action a[256];
    size_t n = 0;
    if (trd_plan_get_actions(plan, a, 256, &n) != TRD_OK)
        return TRD_OUTCOME_FAILED;
    for (size_t k = 0; k < n; k++) {
        printf("  round %u: %s %u x '%s' on %s[%u] (config %u)\n", a[k].round,
               a[k].kind == TRD_ACTION_START ? "start" : a[k].kind == TRD_ACTION_STOP ? "stop"
               : a[k].kind == TRD_ACTION_RECONFIGURE ? "restart" : "probe",
               a[k].count, trd_ctx_operator_name(ctx, a[k].op), trd_ctx_node_name(ctx, a[k].node), a[k].member,
               a[k].config);
        if (a[k].kind != TRD_ACTION_START)
            continue;
        trd_event e = {now_ns, trd_plan_id(plan), 0, 0, TRD_EVENT_INSTANCE_UP, a[k].op, a[k].node, a[k].member,
                       a[k].config, TRD_NO_CONFIG, a[k].count, TRD_WHOLE_OPERATOR};
        trd_ctx_report_event(ctx, &e); /* takes effect with the outcome */
    }
    return TRD_OUTCOME_APPLIED;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "examples/pipelines/video.yaml";
    int minutes = argc > 2 ? atoi(argv[2]) : 30;
    trd_ctx *ctx = NULL;
    if (trd_ctx_new(&ctx) != TRD_OK)
        return 1;
    if (trd_ctx_load_yaml(ctx, path) != TRD_OK) {
        fprintf(stderr, "%s\n", trd_ctx_last_error(ctx));
        trd_ctx_free(ctx);
        return 1;
    }
    trd_sample batch[512];
    int plans = 0;
    for (uint64_t now = 10 * NS; now <= (uint64_t)minutes * 60 * NS; now += 10 * NS) {
        /* Every window: feed. */
        size_t n = window_samples(ctx, now - 10 * NS, batch, 512);
        if (trd_ctx_observe(ctx, batch, n) != TRD_OK)
            fprintf(stderr, "observe: %s\n", trd_ctx_last_error(ctx));
        /* Every tick: poll (a step runs only when one is due), apply, report. */
        trd_plan *plan = NULL;
        if (trd_ctx_poll(ctx, now, &plan) != TRD_OK) {
            fprintf(stderr, "poll: %s\n", trd_ctx_last_error(ctx));
            continue;
        }
        if (!plan)
            continue;
        plans++;
        printf("t=%llus plan %llu: %.3g source items/s predicted, bottleneck '%s'\n",
               (unsigned long long)(now / NS), (unsigned long long)trd_plan_id(plan),
               trd_plan_predicted_throughput(plan), trd_ctx_operator_name(ctx, trd_plan_bottleneck(plan)));
        trd_outcome outcome = apply(ctx, plan, now);
        trd_ctx_report_outcome(ctx, trd_plan_id(plan), outcome, now);
        trd_plan_free(plan);
    }
    trd_step_info info;
    trd_ctx_step_info(ctx, &info);
    printf("%d plans in %llu control steps; the last: %s\n", plans, (unsigned long long)info.steps,
           trd_ctx_step_reason(ctx));
    trd_ctx_free(ctx);
    return plans > 0 ? 0 : 1;
}
