/* test_tunable.h -- a scripted host with a tunable accelerator operator, for closed-loop tests and golden
 * traces.
 *
 * Pipeline src -> ocr -> sink; ocr runs on devices with a memory-monotone knob `batch` (1..64, default 4) and
 * one workload feature, pages per item.  The truth the host simulates:
 *   rate per instance  100 x b / (b + 8) / (1 + pages / 10)       items/s   (bigger batches amortise)
 *   peak memory        4 GB + 0.5 GB x b x pages / 5              (an OOM past the 40 GB cap)
 * so at 2 pages every batch size fits and the biggest is best, while at 20 pages batches above 18 run out of
 * memory: running instances of such a config crash, produce nothing, and each window one OOM is reported.  The host polls at every 10 s window, applies plans at once (START, STOP, RECONFIGURE, PROBE),
 * reports instance events, PROBE_FINISHED with the probe's peak after TRD_P_PROBE_DURATION_MS, OOMs, and the
 * outcome APPLIED; every call goes through the trace recorder when one is given. */
#ifndef TRIDENT_TEST_TUNABLE_H
#define TRIDENT_TEST_TUNABLE_H

#include <stdint.h>

#include "trace.h"
#include "trident.h"

extern const char *const test_tunable_yaml;

typedef struct test_tunable_probe {
    int active;
    uint32_t node, member, config, from;
    uint64_t until_ns;
    double peak;
} test_tunable_probe;

typedef struct test_tunable {
    trd_ctx *ctx;
    trd_trace *trace;      /* may be NULL */
    uint64_t now_ns;
    double pages;          /* the workload now */
    uint64_t rng;
    test_tunable_probe probe;
    unsigned oom_probe;    /* the probe with this number (1, 2, ...) runs out of memory whatever its config
                              (a transient spike); 0: none */
    unsigned plans, probes, ooms, reconfigures;
    uint64_t last_oom_ns;  /* when the host last reported an OOM */
    uint32_t last_oom_config; /* ... and for which config */
} test_tunable;

/* The peak memory (bytes) and per-instance rate (items/s) of ocr at `batch` and `pages`. */
double test_tunable_memory(double batch, double pages);
double test_tunable_rate(double batch, double pages);

/* A host with the model loaded (through the trace if `trace` is set), the workload at `pages`. */
void test_tunable_init(test_tunable *h, trd_ctx *ctx, trd_trace *trace, double pages);

/* Runs `windows` 10 s windows: samples, polls, plans applied, probes run, events and outcomes reported. */
void test_tunable_run(test_tunable *h, int windows);

/* The batch size of ocr's config `config`. */
double test_tunable_batch(trd_ctx *ctx, uint32_t config);

/* Instances of ocr in the live deployment running `config` (TRD_NO_CONFIG: all). */
uint32_t test_tunable_instances(trd_ctx *ctx, uint32_t config);

#endif
