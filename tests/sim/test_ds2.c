/* test_ds2.c -- DS2's scaling rule (ds2.h) on the three-operator chain with hand-set rates: the parallelism for a
 * source rate, propagation of the unrounded optimum, operators without a rate, and the largest source rate the
 * chain's cluster sustains. */
#include "sim_test.h"

#include "ds2.h"

/* source -> split -> embed.  True rates per instance: source 1000, split 5, embed 20 items/s; split emits 3.6
 * items per item (pages, then the filter). */
static const double rate[3] = {1000, 5, 20}, selectivity[3] = {1, 3.6, 1}, share[2] = {1, 1};
static const uint32_t current[3] = {1, 2, 1};

static void test_parallelism_for_a_rate(void **state)
{
    (void)state;
    sim_scenario *sc = sim_test_load("tests/sim/data/chain.yaml", 0);
    sim_ds2_input in = {rate, selectivity, share, current};
    uint32_t pi[3];
    double input[3];
    /* r = 10: split needs 10 / 5 = 2; embed takes 36 and needs 36 / 20 = 1.8 -> 2. */
    assert_int_equal(sim_ds2_parallelism(sc, &in, 10, pi, input), 1);
    assert_int_equal(pi[0], 1);
    assert_int_equal(pi[1], 2);
    assert_int_equal(pi[2], 2);
    assert_close(input[0], 10, 1e-12);
    assert_close(input[1], 10, 1e-12);
    assert_close(input[2], 36, 1e-12);
    /* r = 11: split 2.2 -> 3 instances, but what propagates is the unrounded optimum (as scaling.rs does):
     * embed takes 11 x 3.6 = 39.6, needing 1.98 -> 2 (3 x 5 x 3.6 = 54 would have asked for 3). */
    assert_int_equal(sim_ds2_parallelism(sc, &in, 11, pi, input), 1);
    assert_int_equal(pi[1], 3);
    assert_close(input[2], 39.6, 1e-12);
    assert_int_equal(pi[2], 2);
    /* Far beyond what the source's one instance takes: not sustainable (max_instances 1). */
    assert_int_equal(sim_ds2_parallelism(sc, &in, 1500, pi, NULL), 0);
    assert_int_equal(pi[0], 1);
    sim_scenario_free(sc);
}

static void test_unmeasured_operator_keeps_its_parallelism(void **state)
{
    (void)state;
    sim_scenario *sc = sim_test_load("tests/sim/data/chain.yaml", 0);
    const double no_split_rate[3] = {1000, 0, 20};
    sim_ds2_input in = {no_split_rate, selectivity, share, current};
    uint32_t pi[3];
    double input[3];
    assert_int_equal(sim_ds2_parallelism(sc, &in, 10, pi, input), 1);
    assert_int_equal(pi[1], 2); /* current */
    assert_close(input[2], 36, 1e-12); /* its selectivity still carries the target downstream */
    assert_int_equal(pi[2], 2);
    sim_scenario_free(sc);
}

/* The cluster: 8 cores on `cpu`, 8 cores and 2 devices on `gpu`.  Embed is capped at 2 devices, 40 items/s, so
 * the source rate is 40 / 3.6 = 11.11; split then needs ceil(2.22) = 3 instances, which fit. */
static void test_largest_rate_that_fits(void **state)
{
    (void)state;
    sim_scenario *sc = sim_test_load("tests/sim/data/chain.yaml", 0);
    sim_ds2_input in = {rate, selectivity, share, current};
    uint32_t pi[3];
    double r = sim_ds2_max_rate(sc, &in, pi);
    assert_close(r, 40 / 3.6, 2e-3);
    assert_true(r <= 40 / 3.6 + 1e-9);
    assert_int_equal(pi[0], 1);
    assert_int_equal(pi[1], 3);
    assert_int_equal(pi[2], 2);
    /* A slower split (0.5 items/s per instance) makes the cores the limit: 16 - 1 (source) - 2 (embed) = 13 split
     * instances take 6.5 items/s. */
    const double slow_split[3] = {1000, 0.5, 20};
    in.rate = slow_split;
    r = sim_ds2_max_rate(sc, &in, pi);
    assert_close(r, 6.5, 2e-3);
    assert_int_equal(pi[1], 13);
    assert_int_equal(pi[2], 2);
    sim_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parallelism_for_a_rate),
        cmocka_unit_test(test_unmeasured_operator_keeps_its_parallelism),
        cmocka_unit_test(test_largest_rate_that_fits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
