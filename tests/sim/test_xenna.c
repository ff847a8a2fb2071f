/* test_xenna.c -- Cosmos-Xenna's rebalancing rule (xenna.h) on hand-made speeds: growth of the slowest stage
 * until a device limit stops it, and the donor choice when the cluster is full. */
#include "sim_test.h"

#include "xenna.h"

/* The chain (8 + 8 cores, 2 devices): source 1000 items/s, split 5, embed 20 per worker; embed sees 3.6 items
 * per source item.  From one worker each (throughputs 1000, 5, 5.56 source items/s):
 *   split slowest (5)     -> 2 workers (10)
 *   embed slowest (5.56)  -> 2 workers (11.11), both devices
 *   split slowest (10)    -> 3 workers (15)
 *   embed slowest (11.11) -> a third needs a device: no donor holds one (split at 2 would give 10 < 11.11,
 *                            and the source is at its minimum), so it stops at {1, 3, 2} after 3 moves. */
static void test_slowest_grows_until_blocked(void **state)
{
    (void)state;
    sim_scenario *sc = sim_test_load("tests/sim/data/chain.yaml", 0);
    const double speed[3] = {1000, 5, 20}, demand[3] = {1, 1, 3.6};
    uint32_t counts[3] = {1, 1, 1};
    assert_int_equal(sim_xenna_rebalance(sc, speed, demand, counts, 100), 3);
    assert_int_equal(counts[0], 1);
    assert_int_equal(counts[1], 3);
    assert_int_equal(counts[2], 2);
    sim_scenario_free(sc);
}

/* stages.yaml: 15 cores; source 1 core, a, b, c 2 cores each.  Speeds a 1, b 2, c 10 items/s per worker,
 * demand 1.  Start full at {1, 1, 3, 3} (1 + 2 + 6 + 6 = 15 cores): throughputs a 1, b 6, c 30.
 *   a slowest (1): no room; donors b (after: 4) and c (after: 20) -> c, the highest:   {1, 2, 3, 2}  a 2
 *   a slowest (2): donors b (4) and c (10) -> c:                                       {1, 3, 3, 1}  a 3
 *   a slowest (3): b (after 4 > 3) -> b; c has one worker and cannot give:              {1, 4, 2, 1}  a 4, b 4
 *   a slowest (4, tie with b, lowest id): b after 2 <= 4 is not safe, c cannot give: stop after 3 moves. */
static void test_donor_choice(void **state)
{
    (void)state;
    sim_scenario *sc = sim_test_load("tests/sim/data/stages.yaml", 0);
    const double speed[4] = {1000, 1, 2, 10}, demand[4] = {1, 1, 1, 1};
    uint32_t counts[4] = {1, 1, 3, 3};
    assert_true(sim_realise_fits(sc, counts));
    assert_int_equal(sim_xenna_rebalance(sc, speed, demand, counts, 100), 3);
    assert_int_equal(counts[0], 1);
    assert_int_equal(counts[1], 4);
    assert_int_equal(counts[2], 2);
    assert_int_equal(counts[3], 1);
    /* An unmeasured stage is neither grown nor a donor: with c unmeasured, a takes from b only while b stays
     * above a: {1,1,3,3} -> b gives (after 4 > 1) -> {1,2,2,3} a 2, b 4 -> b after 2 is not > 2: stop. */
    const double no_c[4] = {1000, 1, 2, 0};
    uint32_t counts2[4] = {1, 1, 3, 3};
    assert_int_equal(sim_xenna_rebalance(sc, no_c, demand, counts2, 100), 1);
    assert_int_equal(counts2[1], 2);
    assert_int_equal(counts2[2], 2);
    assert_int_equal(counts2[3], 3);
    sim_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slowest_grows_until_blocked),
        cmocka_unit_test(test_donor_choice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
