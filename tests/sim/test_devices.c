/* test_devices.c -- accelerators as measured: co-located instances time-slice a device (the colocation profile:
 * one to eight resnet50 processes gave the same aggregate items/s), so packing more instances onto a device adds
 * no throughput while a second device doubles it; and an asynchronous operator looks busy long before it is
 * saturated, which is what misleads useful-time estimators (DS2). */
#include "sim_test.h"

#define DEVICES                                                                                                  \
    "cluster:\n  nodes: [{name: g, cpus: 32, memory: 128GiB, gpus: 2, gpu_memory: 80GB}]\n"                      \
    "pipeline:\n"                                                                                                \
    "  operators:\n"                                                                                             \
    "    - {name: source, cpus: 1, memory: 1GiB, max_instances: 1}\n"                                            \
    "    - {name: model, cpus: 1, memory: 1GiB, gpus: %s, async: %s,\n"                                          \
    "       knobs: [{name: batch_size, type: int, min: 1, max: 256, default: 32}]}\n"                            \
    "  edges: [{from: source, to: model}]\n"                                                                     \
    "simulation:\n"                                                                                              \
    "  window: 10s\n"                                                                                            \
    "  max_time: 100000s\n"                                                                                      \
    "  workload: {items: %d, arrival_rate: %g, regimes: [{name: r, features: {n: %d}}]}\n"                       \
    "  operators:\n"                                                                                             \
    "    source: {fanout: n, cost: {cpu: {per_item: 0s}}}\n"                                                     \
    "    model:\n"                                                                                               \
    "      cost: {accelerator: {batch_knob: batch_size, latency: {floor: 2s, t0: 2s, t1: 10ms},\n"           \
    "                           memory: {base: 1GB, per_item: 10MB}}}\n"

static sim_scenario *load(const char *gpus, const char *async, int items, double rate, int fanout)
{
    char text[2048];
    snprintf(text, sizeof text, DEVICES, gpus, async, items, rate, fanout);
    sim_scenario *sc = NULL;
    sim_error err = {{0}};
    if (sim_scenario_load_string("devices.yaml", text, strlen(text), 0, &sc, &err) != SIM_OK)
        fail_msg("%s", err.msg);
    return sc;
}

/* Items/s of `k` quarter-device instances packed first fit (four per device) under a backlog. */
static double quarter_device_rate(uint32_t k)
{
    sim_scenario *sc = load("0.25", "false", 40, 0, 256);
    sim_test_deploy d[] = {{"source", 0, 0, 1, 0}, {"model", 0, 0, k, 0}};
    sim_test_script s = {d, 2, 1, NULL, NULL, 0, 0, {0}, 0, 0};
    sim_result r;
    sim_test_run_script(sc, &s, 1, &r);
    sim_test_assert_conservation(sc, &r);
    double rate = (double)r.op_items_in[1] / r.makespan_s;
    sim_result_release(&r);
    sim_scenario_free(sc);
    return rate;
}

static void test_colocated_instances_share_the_device(void **state)
{
    (void)state;
    double one = quarter_device_rate(1);
    /* A batch of 32 takes 2 + 0.32 s of the device (generation-like): 13.8 items/s whoever runs it. */
    assert_close(one, 32 / 2.32, 0.02);
    assert_close(quarter_device_rate(2), one, 0.02);
    assert_close(quarter_device_rate(4), one, 0.02);
    assert_close(quarter_device_rate(8), 2 * one, 0.02); /* the next four go to the second device */
}

typedef struct busy {
    double busy_s, window_s, items;
} busy;

static sim_status sum_busy(sim_test_script *s, sim_host *h, const sim_observation *obs, sim_plan *plan, sim_error *err)
{
    (void)h;
    (void)plan;
    (void)err;
    busy *b = s->user;
    for (size_t k = 0; k < obs->n_samples; k++)
        if (obs->samples[k].op == 1) {
            b->busy_s += obs->samples[k].busy_s;
            b->window_s += (double)(obs->samples[k].window_end_ns - obs->samples[k].window_start_ns) / 1e9;
            b->items += (double)obs->samples[k].items_in;
        }
    return SIM_OK;
}

/* At a fifth of its capacity an asynchronous instance is busy almost all the time (each request is in flight for
 * two seconds, and requests arrive three times a second): items / busy time, the useful-time rate, then says the
 * instance is near saturation, about five times below its real capacity. */
static void test_async_busy_time_misleads(void **state)
{
    (void)state;
    /* Capacity at 32 in flight: 32 / 2.32 s = 13.8 items/s; offered: 3 items/s. */
    sim_scenario *sc = load("1", "true", 6000, 3, 1);
    sim_test_deploy d[] = {{"source", 0, 0, 1, 0}, {"model", 0, 0, 1, 0}};
    busy b = {0, 0, 0};
    sim_test_script s = {d, 2, 1, sum_busy, &b, 0, 0, {0}, 0, 0};
    sim_result r;
    sim_test_run_script(sc, &s, 3, &r);
    double utilisation = b.busy_s / b.window_s, useful_rate = b.items / b.busy_s;
    assert_true(utilisation > 0.95);
    assert_close(b.items / b.window_s, 3, 0.05);
    assert_true(useful_rate < 3.3);             /* what a useful-time estimator believes the instance can do */
    assert_true(useful_rate * 4 < 32 / 2.32);   /* the truth */
    sim_result_release(&r);
    sim_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_colocated_instances_share_the_device),
        cmocka_unit_test(test_async_busy_time_misleads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
