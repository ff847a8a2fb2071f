/* The adapt layer in the closed loop, black box, on the scripted tunable host (test_tunable.h): a workload
 * regime is detected and tuned by probes; the recommendation becomes a rolling transition that invalidates the
 * old config at its end; a regime shift re-tunes, where probes past the memory cap run out of memory, the
 * configs are marked infeasible and the next poll re-plans early; the final config fits. */
#include "test_support.h"
#include "test_tunable.h"

static void print_state(trd_ctx *ctx, const char *when)
{
    trd_adapt_info ai;
    trd_loop_op_info li;
    trd_step_info si;
    trd_ctx_adapt_info(ctx, 1, &ai);
    trd_ctx_loop_op_info(ctx, 1, &li);
    trd_ctx_step_info(ctx, &si);
    print_message("%s: %llu steps, %llu plans; ocr: %u regimes (dominant %d, tuning %d), %llu probes, %llu OOMs, "
                  "recommended %d; transition %d after %u rounds; %u infeasible configs\n",
                  when, (unsigned long long)si.steps, (unsigned long long)si.plans, trd_ctx_regime_count(ctx, 1),
                  (int)ai.dominant_regime, (int)ai.tuning_regime, (unsigned long long)ai.probes,
                  (unsigned long long)ai.ooms, (int)ai.recommended_config, (int)li.transition_config,
                  li.transition_rounds, li.infeasible_configs);
    print_message("  last step: %s\n", trd_ctx_step_reason(ctx));
}

static void test_tune_then_shift(void **state)
{
    (void)state;
    test_alloc a;
    trd_ctx *ctx = test_ctx_new(&a);
    test_tunable h;
    test_tunable_init(&h, ctx, NULL, 2);

    /* Regime A (2 pages per item): detected, tuned, transitioned to. */
    test_tunable_run(&h, 240); /* 40 minutes */
    print_state(ctx, "after regime A");
    trd_adapt_info ai;
    assert_ok(ctx, trd_ctx_adapt_info(ctx, 1, &ai));
    assert_int_equal(ai.tunable, 1);
    assert_int_equal(trd_ctx_regime_count(ctx, 1), 1);
    assert_true(ai.probes >= 3);
    assert_int_not_equal(ai.recommended_config, TRD_NO_CONFIG);
    double best_a = test_tunable_batch(ctx, ai.recommended_config);
    print_message("regime A: batch %.0f recommended\n", best_a);
    assert_true(best_a >= 32); /* every batch fits at 2 pages; the biggest are fastest */
    assert_int_equal(test_tunable_instances(ctx, ai.recommended_config), 4); /* all moved */
    trd_loop_op_info li;
    assert_ok(ctx, trd_ctx_loop_op_info(ctx, 1, &li));
    assert_int_equal(li.transition_config, TRD_NO_CONFIG); /* done */
    trd_observe_stats os;
    assert_ok(ctx, trd_ctx_observe_stats(ctx, 1, &os));
    assert_true(os.invalidations >= 1); /* the default config's estimates, forgotten at the end */
    assert_true(h.reconfigures >= 2);   /* several rounds: B_max is 1 of 4 instances */
    trd_regime_info ri;
    assert_ok(ctx, trd_ctx_get_regime(ctx, 1, 0, &ri));
    assert_int_equal(ri.status, TRD_REGIME_TUNED);
    assert_int_equal(ri.tuned_config, ai.recommended_config);
    assert_int_equal(ri.n_features, 1);
    assert_true(fabs(ri.centroid[0] - 2) < 0.3);

    /* Regime B (20 pages): a second regime, tuned again; big batches run out of memory in their probes. */
    h.pages = 20;
    test_tunable_run(&h, 300);
    print_state(ctx, "after regime B");
    assert_ok(ctx, trd_ctx_adapt_info(ctx, 1, &ai));
    assert_true(trd_ctx_regime_count(ctx, 1) >= 2);
    assert_int_not_equal(ai.dominant_regime, 0u);
    double best_b = test_tunable_batch(ctx, ai.recommended_config);
    print_message("regime B: batch %.0f recommended\n", best_b);
    assert_true(test_tunable_memory(best_b, 20) <= 40e9); /* fits the cap */
    assert_true(best_b >= 8);                              /* and is better than the default's 4 */
    assert_int_equal(test_tunable_instances(ctx, ai.recommended_config), 4);
    /* Every running config fits. */
    for (uint32_t q = 0; q < trd_ctx_deployment_count(ctx); q++) {
        uint32_t op, node, member, config, n;
        assert_ok(ctx, trd_ctx_get_deployment(ctx, q, &op, &node, &member, &config, &n));
        if (op == 1)
            assert_true(test_tunable_memory(test_tunable_batch(ctx, config), 20) <= 40e9);
    }
    trd_ctx_free(ctx);
}

/* A probe that runs out of memory (here a transient spike at the third probe, whatever its config): the
 * config is infeasible from then on, so are bigger batches (memory-monotone), the next poll re-plans early,
 * and the recommendation stays below it. */
static void test_probe_oom(void **state)
{
    (void)state;
    test_alloc a;
    trd_ctx *ctx = test_ctx_new(&a);
    test_tunable h;
    test_tunable_init(&h, ctx, NULL, 2);
    h.oom_probe = 3;
    int windows = 0;
    while (h.ooms == 0 && windows < 240) {
        test_tunable_run(&h, 1);
        windows++;
    }
    assert_int_equal(h.ooms, 1);
    uint64_t t_oom = h.last_oom_ns;
    double oom_batch = test_tunable_batch(ctx, h.last_oom_config);
    trd_loop_op_info li;
    assert_ok(ctx, trd_ctx_loop_op_info(ctx, 1, &li));
    assert_int_equal(li.infeasible_configs, 1);
    trd_step_info before, after;
    assert_ok(ctx, trd_ctx_step_info(ctx, &before));
    test_tunable_run(&h, 2);
    assert_ok(ctx, trd_ctx_step_info(ctx, &after));
    assert_true(after.steps > before.steps);            /* re-planned ...                              */
    assert_true(after.last_step_ns <= t_oom + 20000000000ull); /* ... within two windows, not 120 s */
    test_tunable_run(&h, 240);
    trd_adapt_info ai;
    assert_ok(ctx, trd_ctx_adapt_info(ctx, 1, &ai));
    assert_int_not_equal(ai.recommended_config, TRD_NO_CONFIG);
    assert_true(ai.ooms >= 1);
    double rec = test_tunable_batch(ctx, ai.recommended_config);
    print_message("probe of batch %.0f ran out of memory at %.0f s; recommended batch %.0f\n", oom_batch,
                  t_oom / 1e9, rec);
    assert_true(rec < oom_batch); /* nothing that dominates the OOM on the memory-monotone knob */
    assert_int_equal(h.ooms, 1);  /* and nothing ran out of memory again */
    trd_ctx_free(ctx);
}

/* Tuning switched off (the "without adaptation" ablation): regimes are tracked, nothing is probed or moved. */
static void test_adapt_disabled(void **state)
{
    (void)state;
    test_alloc a;
    trd_ctx *ctx = test_ctx_new(&a);
    test_tunable h;
    test_tunable_init(&h, ctx, NULL, 2);
    assert_ok(ctx, trd_ctx_set_int(ctx, TRD_P_ADAPT_ENABLE, 0));
    test_tunable_run(&h, 120);
    trd_adapt_info ai;
    assert_ok(ctx, trd_ctx_adapt_info(ctx, 1, &ai));
    assert_int_equal(trd_ctx_regime_count(ctx, 1), 1);
    assert_int_equal(ai.probes, 0);
    assert_int_equal(h.probes, 0);
    assert_int_equal(ai.recommended_config, TRD_NO_CONFIG);
    assert_int_equal(test_tunable_instances(ctx, 0), 4); /* all on the default config */
    trd_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_tune_then_shift), cmocka_unit_test(test_probe_oom),
                                       cmocka_unit_test(test_adapt_disabled)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
