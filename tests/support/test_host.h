/* test_host.h -- a scripted host for closed-loop tests: a three-operator CPU chain and the samples a pipeline
 * with backpressure would report for it. */
#ifndef TRIDENT_TEST_HOST_H
#define TRIDENT_TEST_HOST_H

#include "test_support.h"

#define TEST_S 1000000000ull /* ns per second */

/* a -> b -> c on two 8-core machines; b has a knob `threads` (default 1), so it has configs to move between.
 * Deployment: 1 a, 4 b, 1 c. */
extern const char *const test_chain_yaml;

/* A context (counting allocator) with the chain loaded and config 1 of b (threads = 4) registered. */
trd_ctx *test_chain_ctx(test_alloc *a);

/* Per-instance rates of (operator, config) in the simulated workload. */
typedef struct test_workload {
    double rate[3][2];
} test_workload;

/* a 100, b 10 (20 with config 1), c 100 items/s per instance. */
extern const test_workload test_chain_base;

/* The samples of `windows` 10 s windows from t0 seconds on, one whole-operator sample per (operator, config)
 * that runs: the throughput T is the smallest operator capacity of the live deployment at the workload's
 * rates; every operator processes T items/s at utilisation T / its capacity, with a steady queue.  Writes at
 * most `cap` samples to `out` and returns how many. */
size_t test_chain_samples(trd_ctx *ctx, const test_workload *w, double t0, int windows, trd_sample *out, size_t cap);

/* The same, passed to trd_ctx_observe (the test fails if it refuses them). */
void test_chain_feed(trd_ctx *ctx, const test_workload *w, double t0, int windows);

#endif
