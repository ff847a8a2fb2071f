/* test_determinism.c -- same scenario, policy and seed: the same run, event for event; another seed: another
 * run; runs do not influence each other (no state outside a run). */
#include "sim_test.h"

static void assert_same(const sim_result *a, const sim_result *b)
{
    assert_int_equal(a->events, b->events);
    assert_int_equal(a->items_output, b->items_output);
    assert_int_equal(a->ooms, b->ooms);
    assert_int_equal(a->instance_starts, b->instance_starts);
    /* Exact equality of doubles is the point: the same events in the same order. */
    assert_true(a->makespan_s == b->makespan_s);
    assert_true(a->mean_latency_s == b->mean_latency_s);
    assert_true(a->util_cpu == b->util_cpu && a->util_gpu == b->util_gpu);
    assert_int_equal(a->n_bins, b->n_bins);
    assert_memory_equal(a->bins, b->bins, a->n_bins * sizeof *a->bins);
    assert_memory_equal(a->op_items_in, b->op_items_in, a->n_ops * sizeof *a->op_items_in);
    assert_memory_equal(a->segment_start_s, b->segment_start_s, sizeof a->segment_start_s);
}

static void test_same_seed_same_run(void **state)
{
    (void)state;
    sim_scenario *sc = sim_test_load("examples/pipelines/pdf.yaml", 400);
    static const char *const policies[] = {"static", "oracle"};
    for (size_t p = 0; p < 2; p++) {
        sim_result a, b, other;
        sim_test_run(sc, sim_policy_find(policies[p]), 5, &a);
        /* Another policy and seed in between must not matter. */
        sim_test_run(sc, sim_policy_find(policies[1 - p]), 9, &other);
        sim_test_run(sc, sim_policy_find(policies[p]), 5, &b);
        assert_same(&a, &b);
        sim_result_release(&a);
        sim_result_release(&b);
        sim_result_release(&other);
    }
    sim_scenario_free(sc);
}

static void test_other_seed_other_run(void **state)
{
    (void)state;
    sim_scenario *sc = sim_test_load("examples/pipelines/pdf.yaml", 400);
    sim_result a, b;
    sim_test_run(sc, sim_policy_find("static"), 1, &a);
    sim_test_run(sc, sim_policy_find("static"), 2, &b);
    assert_true(a.makespan_s != b.makespan_s);
    assert_true(a.events != b.events);
    sim_result_release(&a);
    sim_result_release(&b);
    sim_scenario_free(sc);
}

/* Every policy sees the same source items: the filters drop the same ones whatever the schedule. */
static void test_policies_see_the_same_items(void **state)
{
    (void)state;
    sim_scenario *sc = sim_test_load("examples/pipelines/video.yaml", 300);
    sim_result a, b;
    sim_test_run(sc, sim_policy_find("static"), 3, &a);
    sim_test_run(sc, sim_policy_find("oracle"), 3, &b);
    assert_int_equal(a.items_output, b.items_output);
    assert_memory_equal(a.op_items_out, b.op_items_out, a.n_ops * sizeof *a.op_items_out);
    assert_true(a.makespan_s != b.makespan_s);
    sim_result_release(&a);
    sim_result_release(&b);
    sim_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_run),
        cmocka_unit_test(test_other_seed_other_run),
        cmocka_unit_test(test_policies_see_the_same_items),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
