/* test_conservation.c -- nothing is created or lost: every source item leaves as output or filtered, every item
 * an operator is given is taken (also when batches are lost to OOM and retried), fan-out, routing and the join
 * add up, and no machine is ever over capacity, not even when a plan asks for more than fits. */
#include "sim_test.h"

static void check_policy(const char *scenario, uint64_t items, const char *policy)
{
    sim_scenario *sc = sim_test_load(scenario, items);
    sim_result r;
    sim_test_run(sc, sim_policy_find(policy), 7, &r);
    sim_test_assert_conservation(sc, &r);
    assert_true(r.items_filtered > 0); /* the filters did drop something */
    assert_true(r.items_output > r.items_filtered);
    sim_result_release(&r);
    sim_scenario_free(sc);
}

/* The chain (fan-out, a filter, a regime shift, transfers), PDF (fan-out into pages and blocks, routing into
 * four branches, the join, two filters) and video (fan-out into clips, two filters), under both policies. */
static void test_bundled_and_chain(void **state)
{
    (void)state;
    static const struct {
        const char *scenario;
        uint64_t items;
    } cases[] = {{"tests/sim/data/chain.yaml", 2000}, {"examples/pipelines/pdf.yaml", 300},
                 {"examples/pipelines/video.yaml", 300}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        check_policy(cases[c].scenario, cases[c].items, "static");
        check_policy(cases[c].scenario, cases[c].items, "oracle");
    }
}

/* The baselines (docs/baselines.md) conserve items and capacity too: they scale every tick (raydata), reconfigure
 * from measurements (ds2, conttune, xenna) or deploy tuned configs that may run out of memory (scoot). */
static void test_baselines(void **state)
{
    (void)state;
    static const char *const baselines[] = {"raydata", "ds2", "conttune", "scoot", "xenna"};
    for (size_t k = 0; k < sizeof baselines / sizeof baselines[0]; k++) {
        check_policy("tests/sim/data/chain.yaml", 2000, baselines[k]);
        check_policy("examples/pipelines/pdf.yaml", 300, baselines[k]);
    }
}

/* Frequent transient spikes near the cap: batches are lost to OOM, their items retried, none lost. */
static void test_items_survive_ooms(void **state)
{
    (void)state;
    sim_scenario *sc = sim_test_load("tests/sim/data/spiky.yaml", 0);
    static const sim_test_deploy d[] = {{"source", 0, 0, 1, 0}, {"split", 0, 0, 4, 0}, {"embed", 1, 0, 2, 32}};
    sim_test_script s = {d, 3, 1, NULL, NULL, 0, 0, {0}, 0, 0};
    sim_result r;
    sim_test_run_script(sc, &s, 1, &r);
    assert_true(r.ooms >= 10);
    assert_int_equal(s.events_by_kind[SIM_EVENT_OOM], r.ooms);
    assert_int_equal(r.instance_restarts, r.ooms);
    sim_test_assert_conservation(sc, &r);
    sim_result_release(&r);
    sim_scenario_free(sc);
}

/* A plan asking for more than fits: the extra STARTs fail (a partial plan), the machines stay within capacity. */
static void test_overfull_plan_is_partial(void **state)
{
    (void)state;
    sim_scenario *sc = sim_test_load("tests/sim/data/chain.yaml", 200);
    /* The gpu machine has 2 devices and 8 cores: 5 embed instances cannot all start. */
    static const sim_test_deploy d[] = {{"source", 0, 0, 1, 0}, {"split", 0, 0, 6, 0}, {"embed", 1, 0, 5, 0}};
    sim_test_script s = {d, 3, 0, NULL, NULL, 0, 0, {0}, 0, 0};
    sim_result r;
    sim_test_run_script(sc, &s, 1, &r);
    assert_int_equal(s.last_outcome, SIM_OUTCOME_PARTIAL);
    assert_int_equal(r.instance_starts, 1 + 6 + 2);
    sim_test_assert_conservation(sc, &r);
    sim_result_release(&r);
    sim_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bundled_and_chain),
        cmocka_unit_test(test_baselines),
        cmocka_unit_test(test_items_survive_ooms),
        cmocka_unit_test(test_overfull_plan_is_partial),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
