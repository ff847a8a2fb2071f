/* test_queueing.c -- the engine against queueing theory, on one operator with deterministic service:
 *   - c servers with a backlog: N items finish after ceil(N / c) service times (throughput c / s);
 *   - M/D/1 (Poisson arrivals at rate lambda, service s): mean time in system s + rho s / (2 (1 - rho)),
 *     rho = lambda s (Pollaczek-Khinchine).
 * Both within 2%. */
#include "sim_test.h"

/* One operator, `items` source items arriving at `rate` per second (0: all at once), 1 s of service each. */
#define ONE_OP                                                                                                   \
    "cluster:\n  nodes: [{name: n, cpus: 16, memory: 64GiB}]\n"                                                 \
    "pipeline:\n  operators: [{name: work, cpus: 1, memory: 1GiB}]\n"                                            \
    "simulation:\n"                                                                                              \
    "  window: 60s\n"                                                                                            \
    "  max_time: 400000s\n"                                                                                      \
    "  workload:\n"                                                                                              \
    "    items: %d\n"                                                                                            \
    "    arrival_rate: %g\n"                                                                                     \
    "    regimes: [{name: only, features: {x: 1}}]\n"                                                            \
    "  operators:\n"                                                                                             \
    "    work: {cost: {cpu: {per_item: 1s}}}\n"

static sim_scenario *load(int items, double rate)
{
    char text[1024];
    snprintf(text, sizeof text, ONE_OP, items, rate);
    sim_scenario *sc = NULL;
    sim_error err = {{0}};
    if (sim_scenario_load_string("one_op.yaml", text, strlen(text), 0, &sc, &err) != SIM_OK)
        fail_msg("%s", err.msg);
    return sc;
}

static void test_c_servers_with_backlog(void **state)
{
    (void)state;
    static const uint32_t servers[] = {1, 3, 4, 7};
    for (size_t k = 0; k < sizeof servers / sizeof servers[0]; k++) {
        sim_scenario *sc = load(1000, 0);
        sim_test_deploy d[] = {{"work", 0, 0, servers[k], 0}};
        sim_test_script s = {d, 1, 1, NULL, NULL, 0, 0, {0}, 0, 0};
        sim_result r;
        sim_test_run_script(sc, &s, 1, &r);
        double expected = ceil(1000.0 / servers[k]) * 1.0;
        assert_close(r.makespan_s, expected, 0.02);
        assert_close(r.throughput_per_s, 1000.0 / expected, 0.02);
        sim_test_assert_conservation(sc, &r);
        sim_result_release(&r);
        sim_scenario_free(sc);
    }
}

static void test_md1_mean_time_in_system(void **state)
{
    (void)state;
    static const double rho[] = {0.3, 0.5, 0.7};
    for (size_t k = 0; k < sizeof rho / sizeof rho[0]; k++) {
        sim_scenario *sc = load(60000, rho[k]);
        sim_test_deploy d[] = {{"work", 0, 0, 1, 0}};
        sim_test_script s = {d, 1, 1, NULL, NULL, 0, 0, {0}, 0, 0};
        sim_result r;
        sim_test_run_script(sc, &s, 11, &r);
        double expected = 1 + rho[k] / (2 * (1 - rho[k]));
        assert_close(r.mean_latency_s, expected, 0.02);
        /* Throughput is the arrival rate, utilisation rho (one core of 16). */
        assert_close(r.throughput_per_s, rho[k], 0.02);
        assert_close(r.util_cpu * 16, rho[k], 0.02);
        sim_result_release(&r);
        sim_scenario_free(sc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c_servers_with_backlog),
        cmocka_unit_test(test_md1_mean_time_in_system),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
