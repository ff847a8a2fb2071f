/* bench_control_step -- what the closed loop costs a host, on the bundled PDF (17 operators) and video (9)
 * pipelines:
 *   observe_adapt_us  one poll's folding of a 10 s window of samples (every instance of every operator) into
 *                     the observe layer plus the adapt layer's part of a step -- everything but the MILP.
 *                     Median, and the mean (which includes the periodic GP refits);
 *   step_ms           a whole control step: fold, observe, adapt, MILP, plan (median and mean);
 *   ingest_ns         trd_ctx_observe per sample (batches of 64), one thread, and eight threads at once
 *                     (wall time / samples).
 * The paper measured 2 ms (observe) + 4 ms (adapt) per call.  Goals: observe + adapt <= 500 us, ingest <= 200
 * ns per sample.  It is white box (it calls the loop's internal steps) because the library reads no clock and
 * cannot time its own parts.
 *
 *   bench_control_step [--quick] [--json PATH]
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "control/loop.h"
#include "control/tune.h"
#include "ctx_internal.h"

#define NS 1000000000ull

static void check(trd_ctx *ctx, trd_status st, const char *what)
{
    if (st != TRD_OK) {
        fprintf(stderr, "bench_control_step: %s: %s: %s\n", what, trd_status_name(st),
                ctx ? trd_ctx_last_error(ctx) : "");
        exit(1);
    }
}

/* splitmix64: the benchmark's own seeded generator. */
static double uniform(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (double)((z ^ (z >> 31)) >> 11) * 0x1p-53;
}

/* One window of per-instance samples for every deployment entry: busy, steady, with lognormal features around
 * a per-operator level (a workload the GPs can learn) and items that fall with the first feature. */
static size_t window(trd_ctx *ctx, uint64_t start, uint64_t *rng, trd_sample *out, size_t cap)
{
    size_t n = 0;
    for (uint32_t q = 0; q < trd_ctx_deployment_count(ctx); q++) {
        uint32_t op, node, member, config, instances;
        trd_ctx_get_deployment(ctx, q, &op, &node, &member, &config, &instances);
        for (uint32_t i = 0; i < instances && n < cap; i++) {
            trd_sample *s = &out[n++];
            memset(s, 0, sizeof *s);
            s->window_start_ns = start;
            s->window_end_ns = start + 10 * NS;
            s->op = op;
            s->instance = q * 1000 + i;
            s->config = config;
            s->active_instances = 1;
            s->n_features = trd_ctx_feature_count(ctx, op);
            for (uint32_t f = 0; f < s->n_features; f++)
                s->features[f] = (50.0 + 20 * f) * exp(0.3 * (uniform(rng) - 0.5));
            double level = s->n_features ? s->features[0] / 50.0 : 1;
            s->items_in = (uint64_t)(200.0 / level * (0.95 + 0.1 * uniform(rng)));
            s->items_out = s->items_in;
            s->bytes_out = s->items_out * 1000;
            s->queue_start = s->queue_end = 100;
            s->busy_s = 9.3;
            s->utilisation = 0.93;
            s->device_mem_peak_bytes = 0;
        }
    }
    return n;
}

typedef struct figures {
    const char *name;
    uint32_t ops;
    double oa_median_us, oa_mean_us, step_median_ms, step_mean_ms;
    double ingest_ns, ingest_ns_8;
    double fits_per_window; /* GP hyper-parameter fits per window, all operators */
} figures;

static double mean_of(const double *v, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += v[i];
    return n ? s / n : 0;
}

/* ---- the loop ---- */

static void loop_costs(const char *path, int rounds, figures *f)
{
    trd_ctx *ctx;
    check(NULL, trd_ctx_new(&ctx), "ctx_new");
    check(ctx, trd_ctx_load_yaml(ctx, path), "load");
    f->ops = trd_ctx_operator_count(ctx);
    check(ctx, trd_ctx_set_int(ctx, TRD_P_SCHED_INTERVAL_MS, 10000), "interval"); /* a step at every window */
    static trd_sample batch[4096];
    trd__probe_req *reqs = calloc(f->ops, sizeof *reqs);
    double *oa = calloc((size_t)rounds, sizeof *oa), *step = calloc((size_t)rounds, sizeof *step);
    if (!reqs || !oa || !step) {
        fprintf(stderr, "bench_control_step: out of memory\n");
        exit(1);
    }
    uint64_t rng = 20261123, t = 0;
    /* Warm-up: enough windows for every operator's GP. */
    for (int w = 0; w < 24; w++, t += 10 * NS) {
        size_t n = window(ctx, t, &rng, batch, 4096);
        check(ctx, trd_ctx_observe(ctx, batch, n), "observe");
        trd_plan *p = NULL;
        check(ctx, trd_ctx_poll(ctx, t + 10 * NS, &p), "poll");
        if (p)
            check(ctx, trd_ctx_report_outcome(ctx, trd_plan_id(p), TRD_OUTCOME_APPLIED, t + 10 * NS), "outcome");
        trd_plan_free(p);
    }
    uint64_t fits0 = 0, fits1 = 0;
    for (uint32_t op = 0; op < f->ops; op++) {
        trd_observe_stats os;
        check(ctx, trd_ctx_observe_stats(ctx, op, &os), "stats");
        fits0 += os.gp_fits;
    }
    for (int r = 0; r < rounds; r++) {
        /* Observe + adapt: one window folded, then the adapt layer's part of a step. */
        size_t n = window(ctx, t, &rng, batch, 4096);
        check(ctx, trd_ctx_observe(ctx, batch, n), "observe");
        t += 10 * NS;
        size_t n_reqs = 0;
        double t0 = bench_now_s();
        check(ctx, trd__ctx_fold(ctx), "fold");
        trd__tune_step(ctx, t, reqs, &n_reqs);
        oa[r] = (bench_now_s() - t0) * 1e6;
        /* A whole step on the next window. */
        n = window(ctx, t, &rng, batch, 4096);
        check(ctx, trd_ctx_observe(ctx, batch, n), "observe");
        t += 10 * NS;
        trd_plan *p = NULL;
        t0 = bench_now_s();
        check(ctx, trd_ctx_poll(ctx, t, &p), "poll");
        step[r] = (bench_now_s() - t0) * 1e3;
        if (p)
            check(ctx, trd_ctx_report_outcome(ctx, trd_plan_id(p), TRD_OUTCOME_APPLIED, t), "outcome");
        trd_plan_free(p);
    }
    for (uint32_t op = 0; op < f->ops; op++) {
        trd_observe_stats os;
        check(ctx, trd_ctx_observe_stats(ctx, op, &os), "stats");
        fits1 += os.gp_fits;
    }
    f->fits_per_window = (double)(fits1 - fits0) / (2.0 * rounds);
    f->oa_mean_us = mean_of(oa, rounds);
    f->step_mean_ms = mean_of(step, rounds);
    f->oa_median_us = bench_median(oa, rounds);
    f->step_median_ms = bench_median(step, rounds);
    free(reqs);
    free(oa);
    free(step);
    trd_ctx_free(ctx);
}

/* ---- ingest ---- */

typedef struct pusher {
    trd_ctx *ctx;
    const trd_sample *batch;
    int batches;
} pusher;

static void *push(void *arg)
{
    pusher *p = arg;
    for (int b = 0; b < p->batches; b++)
        if (trd_ctx_observe(p->ctx, p->batch, 64) != TRD_OK)
            exit(1);
    return NULL;
}

static void ingest_costs(const char *path, int batches, figures *f)
{
    trd_ctx *ctx;
    check(NULL, trd_ctx_new(&ctx), "ctx_new");
    check(ctx, trd_ctx_load_yaml(ctx, path), "load");
    static trd_sample batch[4096];
    uint64_t rng = 7;
    size_t n = window(ctx, 0, &rng, batch, 4096);
    while (n < 64) { /* repeat the window until a batch is full */
        batch[n] = batch[n % (n ? n : 1)];
        n++;
    }
    /* The buffer drops its oldest samples once full: the cost measured is that of a long-running host. */
    double t0 = bench_now_s();
    pusher one = {ctx, batch, batches};
    push(&one);
    f->ingest_ns = (bench_now_s() - t0) * 1e9 / ((double)batches * 64);
    pthread_t th[8];
    pusher eight = {ctx, batch, batches / 8};
    t0 = bench_now_s();
    for (int k = 0; k < 8; k++)
        pthread_create(&th[k], NULL, push, &eight);
    for (int k = 0; k < 8; k++)
        pthread_join(th[k], NULL);
    f->ingest_ns_8 = (bench_now_s() - t0) * 1e9 / ((double)(batches / 8) * 8 * 64);
    trd_ctx_free(ctx);
}

int main(int argc, char **argv)
{
    int quick = 0;
    const char *json = NULL;
    if (!bench_args(argc, argv, "bench_control_step", &quick, &json, NULL))
        return 2;
    figures f[2] = {{"pdf", 0, 0, 0, 0, 0, 0, 0, 0}, {"video", 0, 0, 0, 0, 0, 0, 0, 0}};
    for (int k = 0; k < 2; k++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/examples/pipelines/%s.yaml", TRIDENT_SOURCE_DIR, f[k].name);
        loop_costs(path, quick ? 5 : 60, &f[k]);
        ingest_costs(path, quick ? 800 : 40000, &f[k]);
    }
    printf("Control loop cost per step (host polls every 10 s window; medians, means include GP refits)\n\n");
    printf("| pipeline | operators | observe+adapt us (median / mean) | step ms (median / mean) | ingest ns/sample "
           "(1 thread / 8 threads) | GP fits per window |\n|---|---|---|---|---|---|\n");
    for (int k = 0; k < 2; k++)
        printf("| %s | %u | %.0f / %.0f | %.2f / %.2f | %.0f / %.0f | %.2f |\n", f[k].name, f[k].ops,
               f[k].oa_median_us, f[k].oa_mean_us, f[k].step_median_ms, f[k].step_mean_ms, f[k].ingest_ns,
               f[k].ingest_ns_8, f[k].fits_per_window);
    printf("\nThe paper: 2 ms (observe) + 4 ms (adapt) per call.  Goals: observe+adapt <= 500 us, ingest <= 200 ns.\n");
    if (json) {
        FILE *out = fopen(json, "w");
        if (!out) {
            perror(json);
            return 1;
        }
        fprintf(out, "{\"benchmark\": \"control_step\", \"pipelines\": [\n");
        for (int k = 0; k < 2; k++)
            fprintf(out,
                    "  {\"pipeline\": \"%s\", \"operators\": %u, \"observe_adapt_us\": %.3f, \"observe_adapt_us_mean\": "
                    "%.3f, \"step_ms\": %.4f, \"step_ms_mean\": %.4f, \"ingest_ns\": %.2f, \"ingest_ns_8_threads\": "
                    "%.2f}%s\n",
                    f[k].name, f[k].ops, f[k].oa_median_us, f[k].oa_mean_us, f[k].step_median_ms, f[k].step_mean_ms,
                    f[k].ingest_ns, f[k].ingest_ns_8, k ? "" : ",");
        fprintf(out, "]}\n");
        fclose(out);
    }
    return 0;
}
