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
    /* The references, the baselines (scoot draws its benchmark noise, raydata ticks between windows) and
     * trident (libtrident's GP restarts, Sobol candidates and BO are seeded, and nothing reads a clock). */
    static const char *const policies[] = {"static", "oracle", "raydata", "ds2", "conttune", "scoot", "xenna",
                                           "trident"};
    const size_t n = sizeof policies / sizeof policies[0];
    for (size_t p = 0; p < n; p++) {
        sim_result a, b, other;
        sim_test_run(sc, sim_policy_find(policies[p]), 5, &a);
        /* Another policy and seed in between must not matter. */
        sim_test_run(sc, sim_policy_find(policies[(p + 1) % n]), 9, &other);
        sim_test_run(sc, sim_policy_find(policies[p]), 5, &b);
        assert_same(&a, &b);
        sim_result_release(&a);
        sim_result_release(&b);
        sim_result_release(&other);
    }
    sim_scenario_free(sc);
}

/* Another seed: another run.  The same seed under another policy: the same source items, so the filters drop
 * the same ones (every operator emits as many items) while the schedule differs. */
static void test_seeds_and_policies(void **state)
{
    (void)state;
    static const struct {
        const char *scenario, *policy_b;
        uint64_t seed_b;
        int same_items;
    } cases[] = {{"examples/pipelines/pdf.yaml", "static", 2, 0}, {"examples/pipelines/video.yaml", "oracle", 1, 1}};
    for (size_t c = 0; c < 2; c++) {
        sim_scenario *sc = sim_test_load(cases[c].scenario, 300);
        sim_result a, b;
        sim_test_run(sc, sim_policy_find("static"), 1, &a);
        sim_test_run(sc, sim_policy_find(cases[c].policy_b), cases[c].seed_b, &b);
        assert_true(a.makespan_s != b.makespan_s);
        assert_true(a.events != b.events);
        int same = a.items_output == b.items_output &&
                   memcmp(a.op_items_out, b.op_items_out, a.n_ops * sizeof *a.op_items_out) == 0;
        assert_int_equal(same, cases[c].same_items);
        sim_result_release(&a);
        sim_result_release(&b);
        sim_scenario_free(sc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_run),
        cmocka_unit_test(test_seeds_and_policies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
