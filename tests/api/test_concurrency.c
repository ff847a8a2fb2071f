/* trd_ctx_observe from 8 threads (1,000,000 samples in all) while another thread polls every millisecond:
 * every sample is accepted and counted exactly once, and nothing races (this test is the TSan preset's main
 * target; under the other presets it checks the counts). */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "test_host.h"
#include "test_support.h"

#define THREADS 8
#define PER_THREAD 125000
#define BATCH 250

typedef struct shared {
    trd_ctx *ctx;
    atomic_ullong clock_s; /* the host clock, advanced by the poller: samples describe the window ending now */
    atomic_int observers_left;
    atomic_ullong sent;
    atomic_int failures;
} shared;

typedef struct worker {
    shared *sh;
    int index;
} worker;

static void *observer(void *arg)
{
    worker *w = arg;
    trd_sample batch[BATCH];
    for (int done = 0; done < PER_THREAD; done += BATCH) {
        for (int k = 0; k < BATCH; k++) {
            int i = done + k;
            trd_sample *s = &batch[k];
            memset(s, 0, sizeof *s);
            /* Each thread reports one instance of each operator, for the 10 s that just ended. */
            uint64_t now = atomic_load(&w->sh->clock_s);
            s->window_start_ns = now * TEST_S;
            s->window_end_ns = s->window_start_ns + 10 * TEST_S;
            s->op = (uint32_t)(i % 3);
            s->instance = (uint32_t)w->index;
            s->active_instances = 1;
            s->items_in = 500 + (uint64_t)(i % 7);
            s->items_out = s->items_in;
            s->queue_start = s->queue_end = 40;
            s->busy_s = 9;
            s->utilisation = 0.9;
        }
        if (trd_ctx_observe(w->sh->ctx, batch, BATCH) != TRD_OK)
            atomic_fetch_add(&w->sh->failures, 1);
        else
            atomic_fetch_add(&w->sh->sent, BATCH);
    }
    atomic_fetch_sub(&w->sh->observers_left, 1);
    return NULL;
}

static void *poller(void *arg)
{
    shared *sh = arg;
    struct timespec ms = {0, 1000000};
    while (atomic_load(&sh->observers_left) > 0) {
        trd_plan *plan = NULL;
        uint64_t now = (atomic_fetch_add(&sh->clock_s, 10) + 20) * TEST_S;
        trd_status st = trd_ctx_poll(sh->ctx, now, &plan);
        if (st != TRD_OK)
            atomic_fetch_add(&sh->failures, 1);
        if (plan) {
            trd_ctx_report_outcome(sh->ctx, trd_plan_id(plan), TRD_OUTCOME_APPLIED, now);
            trd_plan_free(plan);
        }
        trd_ingest_stats stats;
        trd_ctx_ingest_stats(sh->ctx, &stats);
        nanosleep(&ms, NULL);
    }
    return NULL;
}

static void test_observe_from_many_threads_while_polling(void **state)
{
    (void)state;
    shared sh;
    /* The default allocator: allocator callbacks run on every observing thread, and the counting one of the
     * other tests is not thread-safe. */
    assert_int_equal(trd_ctx_new(&sh.ctx), TRD_OK);
    assert_ok(sh.ctx, trd_ctx_load_yaml_string(sh.ctx, test_chain_yaml, strlen(test_chain_yaml)));
    /* Room for everything, so that every sample must be folded exactly once. */
    assert_ok(sh.ctx, trd_ctx_set_int(sh.ctx, TRD_P_INGEST_CAPACITY, THREADS * PER_THREAD));
    atomic_init(&sh.observers_left, THREADS);
    atomic_init(&sh.clock_s, 0);
    atomic_init(&sh.sent, 0);
    atomic_init(&sh.failures, 0);
    assert_ok(sh.ctx, trd_ctx_set_int(sh.ctx, TRD_P_SCHED_INTERVAL_MS, 60000));
    pthread_t threads[THREADS];
    worker workers[THREADS];
    for (int t = 0; t < THREADS; t++) {
        workers[t] = (worker){&sh, t};
        assert_int_equal(pthread_create(&threads[t], NULL, observer, &workers[t]), 0);
    }
    /* The control thread is this one: GLPK keeps an environment per thread that solved, which a thread that
     * ends would leak (the header's threads note), and a host polls from a long-lived thread anyway. */
    poller(&sh);
    for (int t = 0; t < THREADS; t++)
        pthread_join(threads[t], NULL);
    assert_int_equal(atomic_load(&sh.failures), 0);
    assert_int_equal(atomic_load(&sh.sent), (unsigned long long)THREADS * PER_THREAD);
    trd_ingest_stats stats;
    assert_ok(sh.ctx, trd_ctx_ingest_stats(sh.ctx, &stats));
    assert_int_equal(stats.accepted, (uint64_t)THREADS * PER_THREAD);
    assert_int_equal(stats.rejected, 0);
    /* Whatever was not dropped was either folded or is still buffered: a last poll folds the rest. */
    trd_plan *plan = NULL;
    assert_ok(sh.ctx, trd_ctx_poll(sh.ctx, UINT64_MAX / 2, &plan));
    trd_plan_free(plan);
    assert_ok(sh.ctx, trd_ctx_ingest_stats(sh.ctx, &stats));
    assert_int_equal(stats.buffered, 0);
    assert_int_equal(stats.dropped, 0);
    trd_observe_stats os;
    uint64_t windows = 0;
    for (uint32_t op = 0; op < 3; op++) {
        assert_ok(sh.ctx, trd_ctx_observe_stats(sh.ctx, op, &os));
        windows += os.windows;
    }
    assert_true(windows > 0);
    print_message("1,000,000 samples from %d threads, all folded: %llu windows closed\n", THREADS,
                  (unsigned long long)windows);
    trd_ctx_free(sh.ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_observe_from_many_threads_while_polling)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
