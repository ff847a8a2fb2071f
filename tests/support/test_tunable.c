/* test_tunable.c -- see test_tunable.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"
#include "test_tunable.h"

#define NS 1000000000ull
#define CAP_BYTES 40e9

const char *const test_tunable_yaml =
    "cluster:\n"
    "  nodes:\n"
    "    - {name: cpu, count: 1, cpus: 32, memory: 256GiB}\n"
    "    - {name: gpu, count: 1, cpus: 32, memory: 256GiB, gpus: 8, gpu_memory: 80GB}\n"
    "pipeline:\n"
    "  operators:\n"
    "    - {name: src, cpus: 1, memory: 1GiB, start_time: 2s, stop_time: 1s}\n"
    "    - name: ocr\n"
    "      cpus: 2\n"
    "      memory: 8GiB\n"
    "      gpus: 1\n"
    "      gpu_memory: 40GB\n"
    "      async: true\n"
    "      min_instances: 4\n"
    "      max_instances: 4\n"
    "      start_time: 10s\n"
    "      stop_time: 2s\n"
    "      cold_start: 20s\n"
    "      features: [pages]\n"
    "      knobs:\n"
    "        - {name: batch, type: int, min: 1, max: 64, default: 4, memory_monotone: true, log_scale: true}\n"
    "    - {name: sink, cpus: 1, memory: 1GiB, start_time: 2s, stop_time: 1s}\n"
    "  edges:\n"
    "    - {from: src, to: ocr}\n"
    "    - {from: ocr, to: sink}\n"
    "  deployment:\n"
    "    - {operator: src, node: cpu, instances: 2}\n"
    "    - {operator: ocr, node: gpu, instances: 4}\n"
    "    - {operator: sink, node: cpu, instances: 1}\n";

enum { SRC = 0, OCR = 1, SINK = 2 };

double test_tunable_memory(double batch, double pages) { return 4e9 + 0.5e9 * batch * pages / 5; }
double test_tunable_rate(double batch, double pages) { return 100 * batch / (batch + 8) / (1 + pages / 10); }

double test_tunable_batch(trd_ctx *ctx, uint32_t config)
{
    double v = 0;
    size_t n = 0;
    if (trd_ctx_config_values(ctx, OCR, config, &v, 1, &n) != TRD_OK || n != 1)
        fail_msg("ocr has no config %u", config);
    return v;
}

uint32_t test_tunable_instances(trd_ctx *ctx, uint32_t config)
{
    uint32_t total = 0;
    for (uint32_t q = 0; q < trd_ctx_deployment_count(ctx); q++) {
        uint32_t op, node, member, c, n;
        trd_ctx_get_deployment(ctx, q, &op, &node, &member, &c, &n);
        if (op == OCR && (config == TRD_NO_CONFIG || c == config))
            total += n;
    }
    return total;
}

/* ---- calls, through the trace when there is one ---- */

static void h_check(test_tunable *h, trd_status st, const char *what)
{
    if (st != TRD_OK)
        fail_msg("%s at %.0f s: %s: %s", what, h->now_ns / 1e9, trd_status_name(st), trd_ctx_last_error(h->ctx));
}

static void h_event(test_tunable *h, trd_event e)
{
    h_check(h, h->trace ? trd_traced_report_event(h->trace, h->ctx, &e) : trd_ctx_report_event(h->ctx, &e),
            "report_event");
}

void test_tunable_init(test_tunable *h, trd_ctx *ctx, trd_trace *trace, double pages)
{
    memset(h, 0, sizeof *h);
    h->ctx = ctx;
    h->trace = trace;
    h->pages = pages;
    h->rng = 20261123;
    size_t len = strlen(test_tunable_yaml);
    h_check(h, trace ? trd_traced_load_yaml_string(trace, ctx, test_tunable_yaml, len)
                     : trd_ctx_load_yaml_string(ctx, test_tunable_yaml, len), "load");
}

/* ---- one window ---- */

typedef struct entry {
    uint32_t op, node, member, config, n;
} entry;

static double noise(test_tunable *h)
{
    return 0.95 + 0.1 * test_uniform(&h->rng);
}

static int fits(test_tunable *h, uint32_t config)
{
    return test_tunable_memory(test_tunable_batch(h->ctx, config), h->pages) <= CAP_BYTES;
}

static double op_rate(test_tunable *h, uint32_t op, uint32_t config)
{
    if (op != OCR)
        return 500;
    return fits(h, config) ? test_tunable_rate(test_tunable_batch(h->ctx, config), h->pages) : 0;
}

static void observe_window(test_tunable *h)
{
    entry e[64];
    size_t ne = 0;
    for (uint32_t q = 0; q < trd_ctx_deployment_count(h->ctx) && ne < 64; q++) {
        entry *x = &e[ne++];
        trd_ctx_get_deployment(h->ctx, q, &x->op, &x->node, &x->member, &x->config, &x->n);
    }
    /* Capacities, the probe's instance counted with its config. */
    double cap[3] = {0, 0, 0};
    for (size_t k = 0; k < ne; k++)
        cap[e[k].op] += e[k].n * op_rate(h, e[k].op, e[k].config);
    if (h->probe.active)
        cap[OCR] += op_rate(h, OCR, h->probe.config) - op_rate(h, OCR, h->probe.from);
    double T = fmin(cap[SRC], fmin(cap[OCR], cap[SINK]));
    /* Instances whose config does not fit crash over and over: one OOM per such entry and window. */
    for (size_t k = 0; k < ne; k++)
        if (e[k].op == OCR && !fits(h, e[k].config)) {
            trd_event oom = {h->now_ns, 0, 0, test_tunable_memory(test_tunable_batch(h->ctx, e[k].config), h->pages),
                             TRD_EVENT_OOM, OCR, e[k].node, e[k].member, e[k].config, TRD_NO_CONFIG, 1,
                             TRD_WHOLE_OPERATOR};
            h->ooms++;
            h->last_oom_ns = h->now_ns;
            h->last_oom_config = e[k].config;
            h_event(h, oom);
        }
    trd_sample s[256];
    size_t n = 0;
    uint64_t start = h->now_ns - 10 * NS;
    for (size_t k = 0; k < ne; k++) {
        int probe_here = h->probe.active && e[k].op == OCR && e[k].node == h->probe.node &&
                         e[k].member == h->probe.member && e[k].config == h->probe.from;
        for (uint32_t i = 0; i < e[k].n && n < 256; i++) {
            uint32_t config = probe_here && i == 0 ? h->probe.config : e[k].config;
            double load = cap[e[k].op] > 0 ? T / cap[e[k].op] : 0;
            double rate = op_rate(h, e[k].op, config) * load * noise(h);
            trd_sample *x = &s[n++];
            memset(x, 0, sizeof *x);
            x->window_start_ns = start;
            x->window_end_ns = h->now_ns;
            x->op = e[k].op;
            x->instance = (uint32_t)(k * 100 + i);
            x->config = config;
            x->active_instances = 1;
            x->items_in = (uint64_t)llround(rate * 10);
            x->items_out = x->items_in;
            x->bytes_out = x->items_out * 2000;
            x->queue_start = x->queue_end = 64;
            x->busy_s = 10 * fmin(1, load);
            x->utilisation = fmin(1, load);
            if (e[k].op == OCR) {
                x->n_features = 1;
                x->features[0] = h->pages * noise(h);
                x->device_mem_peak_bytes = (uint64_t)test_tunable_memory(test_tunable_batch(h->ctx, config), h->pages);
            }
        }
    }
    h_check(h, h->trace ? trd_traced_observe(h->trace, h->ctx, s, n) : trd_ctx_observe(h->ctx, s, n), "observe");
}

static void finish_probe(test_tunable *h)
{
    if (!h->probe.active || h->now_ns < h->probe.until_ns)
        return;
    trd_event e = {h->now_ns, 0, 0, h->probe.peak, TRD_EVENT_PROBE_FINISHED, OCR, h->probe.node, h->probe.member,
                   h->probe.config, h->probe.from, 1, TRD_WHOLE_OPERATOR};
    h->probe.active = 0;
    h_event(h, e);
}

static void apply(test_tunable *h, trd_plan *plan)
{
    trd_action a[128];
    size_t n = 0;
    h_check(h, trd_plan_get_actions(plan, a, 128, &n), "get_actions");
    uint64_t id = trd_plan_id(plan);
    for (size_t k = 0; k < n; k++) {
        if (a[k].kind == TRD_ACTION_RECONFIGURE) {
            h->reconfigures++;
            trd_event e = {h->now_ns, id, 20, 0, TRD_EVENT_CONFIG_APPLIED, a[k].op, a[k].node, a[k].member,
                           a[k].config, a[k].from_config, a[k].count, TRD_WHOLE_OPERATOR};
            h_event(h, e);
        } else if (a[k].kind == TRD_ACTION_PROBE) {
            h->probes++;
            double peak = test_tunable_memory(test_tunable_batch(h->ctx, a[k].config), h->pages);
            if (peak > CAP_BYTES || h->probes == h->oom_probe) {
                h->last_oom_ns = h->now_ns;
                h->last_oom_config = a[k].config;
                h->ooms++;
                trd_event e = {h->now_ns, id, 0, peak, TRD_EVENT_OOM, a[k].op, a[k].node, a[k].member, a[k].config,
                               TRD_NO_CONFIG, 1, TRD_WHOLE_OPERATOR};
                h_event(h, e);
                continue;
            }
            h->probe = (test_tunable_probe){1, a[k].node, a[k].member, a[k].config, a[k].from_config, 0, peak};
            int64_t dur;
            trd_ctx_get_int(h->ctx, TRD_P_PROBE_DURATION_MS, &dur);
            h->probe.until_ns = h->now_ns + (uint64_t)dur * 1000000u;
        }
    }
    h_check(h, h->trace ? trd_traced_report_outcome(h->trace, h->ctx, id, TRD_OUTCOME_APPLIED, h->now_ns)
                        : trd_ctx_report_outcome(h->ctx, id, TRD_OUTCOME_APPLIED, h->now_ns),
            "report_outcome");
}

void test_tunable_run(test_tunable *h, int windows)
{
    for (int w = 0; w < windows; w++) {
        h->now_ns += 10 * NS;
        observe_window(h);
        finish_probe(h);
        trd_plan *plan = NULL;
        h_check(h, h->trace ? trd_traced_poll(h->trace, h->ctx, h->now_ns, &plan)
                            : trd_ctx_poll(h->ctx, h->now_ns, &plan), "poll");
        if (plan) {
            h->plans++;
            apply(h, plan);
            trd_plan_free(plan);
        }
    }
}
