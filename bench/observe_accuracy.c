/* bench_observe_accuracy -- how well each capacity estimator recovers the true sustainable throughput of an
 * asynchronous batched operator from the windows a real host would report (the rows of the Trident paper's
 * Table 3).
 *
 *   bench_observe_accuracy [--quick] [--seeds N] [--json PATH]
 *
 * Runs seeds 1..N (default 5) and reports the mean MAPE over seeds and the worst seed.
 *
 * The generator.  One accelerator operator (4 instances) serves a workload whose features drift inside a
 * regime and jump between regimes (processed one after the other, as the paper's corpora):
 *   pdf   -- an LLM OCR operator; features: prompt tokens, output tokens, crops per request.  Regimes: academic
 *            papers, annual reports, financial reports.
 *   video -- a VLM captioning operator; features: frames, megapixels per frame, prompt tokens.  Regimes: short
 *            720p clips, long 1080p-4K videos.
 * True per-instance capacity c(x) is a smooth, nonlinear function of the features (prefill and decode costs).
 * Each 10 s window is one of:
 *   steady      (55%) rate = c(x) x (1 + 2% noise), utilisation 0.85-1, queue steady;
 *   starved     (18%) upstream too slow: utilisation u in 0.15-0.55, rate = u c(x), queue near empty;
 *   backlog     (8%)  a backlog drains in bursts: bigger batches inflate the rate by 15-50%, queue falls fast;
 *   draining    (7%)  the operator catches up and its queue empties: rate 60-90% of c, utilisation 0.7-0.95;
 *   growing     (6%)  an upstream burst fills the queue fast while large-batch effects inflate the rate 10-30%;
 *   gc pause    (6%)  a garbage-collection-like stall: rate 30-65% of c at full utilisation, queue steady --
 *                     only a model of c(x) can tell it apart.
 * Concurrency makes busy time misleading: requests overlap, so a DS2-style "useful time" (the sum of per-
 * request processing times) counts each second several times over.
 *
 * The estimators, each asked after every window for the capacity at the NEXT window's workload (what a
 * scheduler needs for the coming period); MAPE over every window after the first ten:
 *   useful_time -- DS2's true processing rate: items / useful time;
 *   ema         -- exponential moving average (alpha 0.3) of every window's rate;
 *   gp_raw      -- libtrident's GP with both filters off;
 *   gp_stage1   -- libtrident with the signal filter only;
 *   trident     -- libtrident with both stages (defaults).
 * The GP rows go through the public API exactly as a host would (trd_ctx_observe, trd_ctx_estimate_detail). */
#define _POSIX_C_SOURCE 200809L /* bench_util.h: clock_gettime */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trident.h"
#include "bench_util.h"

#define WINDOW_S 10.0
#define INSTANCES 4
#define MAX_FEATURES 3

typedef struct rng {
    uint64_t s;
} rng;

static double uniform(rng *r) /* xorshift64*, as portable and seeded as the library's own */
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return (double)((r->s * 2685821657736338717ull) >> 11) * 0x1.0p-53;
}

static double normal(rng *r)
{
    double u1 = uniform(r), u2 = uniform(r);
    return sqrt(-2 * log(u1 + 1e-300)) * cos(6.283185307179586 * u2);
}

typedef struct regime {
    const char *name;
    double mean[MAX_FEATURES], sd[MAX_FEATURES];
} regime;

typedef struct scenario {
    const char *name;
    const char *features[MAX_FEATURES];
    regime regimes[3];
    int n_regimes;
    double (*capacity)(const double *x);
} scenario;

/* LLM OCR: per request, prefill of the prompt (image tokens) and decode of the output, batched across the
 * crops of a request; capacity in requests per second per instance. */
static double pdf_capacity(const double *x)
{
    double prefill = x[0] / 9000.0, decode = x[1] / 650.0, per_crop = 0.02 * x[2];
    return 14.0 / (0.08 + prefill + decode + per_crop);
}

/* VLM captioning: vision encoding grows with frames x megapixels, then a prefill and a decode. */
static double video_capacity(const double *x)
{
    double vision = 0.0045 * x[0] * pow(x[1], 0.8), prefill = x[2] / 7000.0;
    return 6.0 / (0.35 + vision + prefill);
}

static const scenario scenarios[] = {
    {"pdf",
     {"prompt_tokens", "output_tokens", "crops"},
     {{"academic", {900, 320, 3}, {160, 60, 1}},
      {"annual_report", {1500, 520, 6}, {260, 90, 1.5}},
      {"financial_report", {2300, 880, 9}, {380, 140, 2}}},
     3,
     pdf_capacity},
    {"video",
     {"frames", "megapixels", "prompt_tokens"},
     {{"short_720p", {16, 0.92, 1200}, {4, 0.05, 200}}, {"long_1080p_4k", {64, 4.5, 1900}, {14, 2.0, 300}}},
     2,
     video_capacity},
};

typedef enum kind { STEADY, STARVED, BACKLOG, DRAINING, GROWING, GC } kind;

typedef struct window {
    double x[MAX_FEATURES];
    double truth, rate, util, useful_s;
    double q0, q1;
    kind k;
} window;

static window make_window(const scenario *sc, const regime *rg, double drift, rng *r)
{
    window w;
    for (int f = 0; f < MAX_FEATURES; f++) {
        /* Workload drifts slowly inside a regime (drift in [-1, 1]) and varies window to window. */
        double v = rg->mean[f] * (1 + 0.12 * drift) + rg->sd[f] * normal(r);
        w.x[f] = v > 0.05 * rg->mean[f] ? v : 0.05 * rg->mean[f];
    }
    w.truth = sc->capacity(w.x);
    double u = uniform(r), noise = 1 + 0.02 * normal(r);
    double c = w.truth;
    w.q0 = 50 + 150 * uniform(r);
    w.q1 = w.q0 + (uniform(r) - 0.5) * 0.08 * c * INSTANCES * WINDOW_S;
    if (u < 0.55) {
        w.k = STEADY;
        w.util = 0.85 + 0.15 * uniform(r);
        w.rate = c * noise;
    } else if (u < 0.73) {
        w.k = STARVED;
        w.util = 0.15 + 0.40 * uniform(r);
        w.rate = w.util * c * noise;
        w.q0 = 3 * uniform(r);
        w.q1 = 3 * uniform(r);
    } else if (u < 0.81) {
        w.k = BACKLOG;
        w.util = 0.95 + 0.05 * uniform(r);
        w.rate = c * (1.15 + 0.35 * uniform(r)) * noise;
        w.q0 = 2000 + 2000 * uniform(r);
        w.q1 = w.q0 - (0.4 + 0.4 * uniform(r)) * w.rate * INSTANCES * WINDOW_S;
        if (w.q1 < 1)
            w.q1 = 1;
    } else if (u < 0.88) {
        w.k = DRAINING;
        w.util = 0.70 + 0.25 * uniform(r);
        w.rate = c * (0.6 + 0.3 * uniform(r)) * noise;
        w.q0 = 20 + 40 * uniform(r);
        w.q1 = 0;
    } else if (u < 0.94) {
        w.k = GROWING;
        w.util = 0.95 + 0.05 * uniform(r);
        w.rate = c * (1.10 + 0.20 * uniform(r)) * noise;
        w.q1 = w.q0 + (0.4 + 0.6 * uniform(r)) * w.rate * INSTANCES * WINDOW_S;
    } else {
        w.k = GC;
        w.util = 0.9 + 0.1 * uniform(r);
        w.rate = c * (0.30 + 0.35 * uniform(r)) * noise;
    }
    /* Useful time as DS2 counts it: every request's processing time, and requests overlap 1 + 2 u times
     * (more in flight when the operator is loaded). */
    double concurrency = 1 + 2 * w.util;
    w.useful_s = w.rate * INSTANCES * WINDOW_S / (w.truth / concurrency) * (1 + 0.03 * normal(r));
    return w;
}

enum { EST_USEFUL, EST_EMA, EST_GP_RAW, EST_GP_STAGE1, EST_TRIDENT, N_EST };
static const char *const est_names[N_EST] = {"useful_time", "ema", "gp_raw", "gp_stage1", "trident"};

/* A context for a GP row: one accelerator operator with the scenario's features. */
static trd_ctx *gp_context(const scenario *sc, int row, uint64_t seed)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "cluster: {nodes: [{name: gpu, cpus: 64, memory: 512GiB, gpus: 8, gpu_memory: 80GiB}]}\n"
             "pipeline: {operators: [{name: op, gpus: 1, async: true, features: [%s, %s, %s]}]}\n",
             sc->features[0], sc->features[1], sc->features[2]);
    trd_ctx *ctx = NULL;
    if (trd_ctx_new(&ctx) != TRD_OK || trd_ctx_load_yaml_string(ctx, yaml, strlen(yaml)) != TRD_OK ||
        trd_ctx_set_int(ctx, TRD_P_RANDOM_SEED, (int64_t)seed) != TRD_OK) {
        fprintf(stderr, "bench_observe_accuracy: cannot set up a context: %s\n", trd_ctx_last_error(ctx));
        exit(1);
    }
    /* The GP grace is 0: the bench hands over each window once, in order. */
    trd_ctx_set_int(ctx, TRD_P_OBSERVE_GRACE_MS, 0);
    if (row == EST_GP_RAW) { /* both filters off */
        trd_ctx_set_double(ctx, TRD_P_OBSERVE_MIN_UTILISATION, 0);
        trd_ctx_set_double(ctx, TRD_P_OBSERVE_QUEUE_SLOPE, 100);
        trd_ctx_set_double(ctx, TRD_P_OBSERVE_OUTLIER_Z, 100);
        trd_ctx_set_int(ctx, TRD_P_OBSERVE_UTIL_CAPACITY, 0);
    } else if (row == EST_GP_STAGE1) { /* stage 2 off */
        trd_ctx_set_double(ctx, TRD_P_OBSERVE_OUTLIER_Z, 100);
    }
    return ctx;
}

static void feed(trd_ctx *ctx, uint64_t index, const window *w)
{
    trd_sample s;
    memset(&s, 0, sizeof s);
    s.window_start_ns = index * (uint64_t)(WINDOW_S * 1e9);
    s.window_end_ns = s.window_start_ns + (uint64_t)(WINDOW_S * 1e9);
    s.instance = TRD_WHOLE_OPERATOR;
    s.active_instances = INSTANCES;
    s.items_in = (uint64_t)llround(w->rate * INSTANCES * WINDOW_S);
    s.items_out = s.items_in;
    /* The sample's busy time is wall time with a request in flight (it never exceeds the window). */
    s.busy_s = INSTANCES * WINDOW_S * fmin(1.0, 0.3 + w->util);
    s.utilisation = w->util;
    s.queue_start = (uint64_t)llround(w->q0);
    s.queue_end = (uint64_t)llround(w->q1);
    s.n_features = MAX_FEATURES;
    for (int f = 0; f < MAX_FEATURES; f++)
        s.features[f] = w->x[f];
    if (trd_ctx_observe(ctx, &s, 1) != TRD_OK) {
        fprintf(stderr, "bench_observe_accuracy: observe: %s\n", trd_ctx_last_error(ctx));
        exit(1);
    }
}

/* Runs one scenario; writes MAPE (%) per estimator. */
static void run(const scenario *sc, int windows_per_regime, uint64_t seed, double *mape)
{
    rng r = {seed * 0x9e3779b97f4a7c15ull + 1};
    int total = windows_per_regime * sc->n_regimes;
    window *w = calloc((size_t)total, sizeof *w);
    for (int i = 0; i < total; i++) {
        int g = i / windows_per_regime, k = i % windows_per_regime;
        double drift = 2.0 * k / windows_per_regime - 1;
        w[i] = make_window(sc, &sc->regimes[g], drift, &r);
    }
    trd_ctx *ctx[N_EST] = {0};
    for (int e = EST_GP_RAW; e < N_EST; e++)
        ctx[e] = gp_context(sc, e, seed);
    double err[N_EST] = {0}, ema = 0;
    int counted = 0;
    for (int i = 0; i + 1 < total; i++) {
        const window *now = &w[i], *next = &w[i + 1];
        ema = i == 0 ? now->rate : 0.7 * ema + 0.3 * now->rate;
        double useful = now->rate * INSTANCES * WINDOW_S / now->useful_s;
        for (int e = EST_GP_RAW; e < N_EST; e++)
            feed(ctx[e], (uint64_t)i, now);
        if (i < 10)
            continue;
        double est[N_EST] = {useful, ema};
        for (int e = EST_GP_RAW; e < N_EST; e++) {
            trd_estimate out;
            if (trd_ctx_estimate_detail(ctx[e], 0, 0, next->x, MAX_FEATURES, &out) != TRD_OK) {
                fprintf(stderr, "bench_observe_accuracy: estimate: %s\n", trd_ctx_last_error(ctx[e]));
                exit(1);
            }
            est[e] = out.items_per_s;
        }
        for (int e = 0; e < N_EST; e++)
            err[e] += fabs(est[e] - next->truth) / next->truth;
        counted++;
    }
    for (int e = 0; e < N_EST; e++) {
        mape[e] = 100 * err[e] / counted;
        trd_ctx_free(ctx[e]);
    }
    free(w);
}

int main(int argc, char **argv)
{
    int quick = 0, seeds = 5;
    const char *json = NULL;
    if (!bench_args(argc, argv, "bench_observe_accuracy", &quick, &json, &seeds))
        return 2;
    if (quick)
        seeds = 1;
    if (seeds < 1)
        seeds = 1;
    int per_regime = quick ? 60 : 400;
    double mean[2][N_EST] = {{0}}, worst[2][N_EST] = {{0}};
    for (int seed = 1; seed <= seeds; seed++)
        for (int s = 0; s < 2; s++) {
            double mape[N_EST];
            run(&scenarios[s], per_regime, (uint64_t)seed, mape);
            for (int e = 0; e < N_EST; e++) {
                mean[s][e] += mape[e] / seeds;
                worst[s][e] = fmax(worst[s][e], mape[e]);
            }
        }

    printf("MAPE (%%) of the capacity estimate at the next window's workload: mean over seeds 1-%d (worst seed), "
           "%d windows per regime\n\n", seeds, per_regime);
    printf("| estimator | pdf | video | paper (PDF / video) |\n|---|---|---|---|\n");
    static const char *const paper[N_EST] = {"62.7 / 54.3", "28.3 / 25.7", "24.3 / 21.8", "8.4 / 7.1", "5.6 / 4.8"};
    for (int e = 0; e < N_EST; e++)
        printf("| %s | %.2f (%.2f) | %.2f (%.2f) | %s |\n", est_names[e], mean[0][e], worst[0][e], mean[1][e],
               worst[1][e], paper[e]);
    if (json) {
        FILE *f = fopen(json, "w");
        if (!f) {
            fprintf(stderr, "bench_observe_accuracy: cannot write %s\n", json);
            return 1;
        }
        fprintf(f, "{\"windows_per_regime\": %d, \"seeds\": %d, \"mape_pct\": {", per_regime, seeds);
        for (int e = 0; e < N_EST; e++)
            fprintf(f, "%s\"%s\": {\"pdf\": %.4f, \"video\": %.4f}", e ? ", " : "", est_names[e], mean[0][e], mean[1][e]);
        fprintf(f, "}, \"mape_pct_worst_seed\": {");
        for (int e = 0; e < N_EST; e++)
            fprintf(f, "%s\"%s\": {\"pdf\": %.4f, \"video\": %.4f}", e ? ", " : "", est_names[e], worst[0][e],
                    worst[1][e]);
        fprintf(f, "}}\n");
        fclose(f);
    }
    return 0;
}
