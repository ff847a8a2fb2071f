/* test_realiser.c -- the shared realiser: first-fit-decreasing packing that keeps what runs, action diffs
 * (stops, then starts, then restarts in place, all at once or rolling), executed by the engine; the capacity
 * test of an empty cluster and incremental growth around what runs. */
#include "sim_test.h"

typedef struct pack_check {
    uint32_t placed[8];
    size_t actions[4]; /* by kind */
    int done;
} pack_check;

static sim_status pack_once(sim_test_script *s, sim_host *h, const sim_observation *obs, sim_plan *plan,
                            sim_error *err)
{
    (void)obs;
    pack_check *c = s->user;
    if (c->done++)
        return SIM_OK;
    const sim_scenario *sc = sim_host_scenario(h);
    uint32_t counts[3] = {1, 20, 2}, configs[3] = {0, 0, 0};
    assert_int_equal(sc->n_ops, 3);
    sim_status st = sim_realise_pack(h, counts, configs, plan, c->placed, err);
    if (st == SIM_OK)
        st = sim_realise_actions(h, plan, NULL, err);
    for (size_t k = 0; k < plan->n_actions; k++) {
        c->actions[plan->actions[k].kind]++;
        assert_int_equal(plan->actions[k].round, plan->actions[k].kind == TRD_ACTION_START ? 2 : 1);
    }
    return st;
}

/* Keeps the running instances, fills the rest first-fit decreasing, never beyond a machine. */
static void test_pack_keeps_and_fills(void **state)
{
    (void)state;
    sim_scenario *sc = sim_test_load("tests/sim/data/chain.yaml", 3000);
    static const sim_test_deploy d[] = {{"source", 0, 0, 1, 0}, {"split", 0, 0, 2, 0}, {"embed", 1, 0, 1, 0}};
    pack_check c = {{0}, {0}, 0};
    sim_test_script s = {d, 3, 1, pack_once, &c, 0, 0, {0}, 0, 0};
    sim_result r;
    sim_test_run_script(sc, &s, 1, &r);
    /* cpu: 8 cores = source + 7 split; gpu: 8 cores = 2 embed + 6 split. */
    assert_int_equal(c.placed[0], 1);
    assert_int_equal(c.placed[1], 13);
    assert_int_equal(c.placed[2], 2);
    assert_int_equal(c.actions[TRD_ACTION_START], 3); /* split on cpu, split on gpu, embed on gpu */
    assert_int_equal(c.actions[TRD_ACTION_STOP], 0);
    assert_int_equal(r.instance_starts, 1 + 2 + 1 + 11 + 1);
    assert_int_equal(s.last_outcome, SIM_OUTCOME_APPLIED);
    sim_test_assert_conservation(sc, &r);
    sim_result_release(&r);
    sim_scenario_free(sc);
}

/* The capacity test of the searches: the same packing, from an empty cluster. */
static void test_fits(void **state)
{
    (void)state;
    sim_scenario *sc = sim_test_load("tests/sim/data/chain.yaml", 0);
    /* cpu: 8 cores; gpu: 8 cores and 2 devices.  1 source + 13 split + 2 embed fill every core. */
    uint32_t ok[3] = {1, 13, 2}, one_core_too_many[3] = {1, 14, 2}, three_devices[3] = {1, 0, 3};
    assert_int_equal(sim_realise_fits(sc, ok), 1);
    assert_int_equal(sim_realise_fits(sc, one_core_too_many), 0);
    assert_int_equal(sim_realise_fits(sc, three_devices), 0);
    sim_scenario_free(sc);
}

typedef struct grow_check {
    uint32_t placed[3];
    size_t starts;
    int done;
} grow_check;

static sim_status grow_once(sim_test_script *s, sim_host *h, const sim_observation *obs, sim_plan *plan,
                            sim_error *err)
{
    (void)obs;
    grow_check *c = s->user;
    if (c->done++)
        return SIM_OK;
    uint32_t add[3] = {0, 20, 2};
    sim_status st = sim_realise_grow(h, add, plan, c->placed, err);
    for (size_t k = 0; k < plan->n_actions; k++) {
        assert_int_equal(plan->actions[k].kind, TRD_ACTION_START);
        assert_int_equal(plan->actions[k].round, 1);
        c->starts += plan->actions[k].count;
    }
    return st;
}

/* Growth goes where there is room now, around everything alive. */
static void test_grow_around_running(void **state)
{
    (void)state;
    sim_scenario *sc = sim_test_load("tests/sim/data/chain.yaml", 3000);
    static const sim_test_deploy d[] = {{"source", 0, 0, 1, 0}, {"split", 0, 0, 2, 0}, {"embed", 1, 0, 1, 0}};
    grow_check c = {{0}, 0, 0};
    sim_test_script s = {d, 3, 1, grow_once, &c, 0, 0, {0}, 0, 0};
    sim_result r;
    sim_test_run_script(sc, &s, 1, &r);
    /* cpu: 8 - 1 - 2 = 5 split; gpu: one device left for embed, then 8 - 2 = 6 cores for split. */
    assert_int_equal(c.placed[0], 0);
    assert_int_equal(c.placed[1], 11);
    assert_int_equal(c.placed[2], 1);
    assert_int_equal(c.starts, 12);
    assert_int_equal(r.instance_starts, 4 + 12);
    sim_test_assert_conservation(sc, &r);
    sim_result_release(&r);
    sim_scenario_free(sc);
}

typedef struct rolling_check {
    double fraction;
    int planned;
    uint32_t max_restarting, rounds[8];
} rolling_check;

static sim_status reconfigure_all(sim_test_script *s, sim_host *h, const sim_observation *obs, sim_plan *plan,
                                  sim_error *err)
{
    (void)obs;
    rolling_check *c = s->user;
    sim_instance_view v[32];
    size_t n = sim_host_instances(h, v, 32);
    uint32_t restarting = 0;
    for (size_t k = 0; k < n; k++)
        restarting += v[k].state == SIM_INSTANCE_RESTARTING || v[k].state == SIM_INSTANCE_DRAINING;
    c->max_restarting = restarting > c->max_restarting ? restarting : c->max_restarting;
    if (c->planned++)
        return SIM_OK;
    double big[1] = {16};
    uint32_t cfg;
    sim_status st = sim_host_config(h, 1, big, &cfg);
    trd_target t[2] = {{0, 0, 0, 0, 1, 0}, {1, 0, 0, cfg, 8, 0}};
    for (int k = 0; k < 2 && st == SIM_OK; k++)
        st = sim_plan_add_target(plan, &t[k]);
    sim_realise_options opt = {c->fraction};
    if (st == SIM_OK)
        st = sim_realise_actions(h, plan, &opt, err);
    for (size_t k = 0; k < plan->n_actions; k++) {
        assert_int_equal(plan->actions[k].kind, TRD_ACTION_RECONFIGURE);
        assert_int_equal(plan->actions[k].from_config, 0);
        assert_int_equal(plan->actions[k].config, cfg);
        c->rounds[plan->actions[k].round < 8 ? plan->actions[k].round : 7] += plan->actions[k].count;
    }
    return st;
}

static void check_rolling(double fraction, uint32_t per_round, uint32_t n_rounds)
{
    sim_scenario *sc = sim_test_load("tests/sim/data/rolling.yaml", 0);
    static const sim_test_deploy d[] = {{"source", 0, 0, 1, 0}, {"work", 0, 0, 8, 0}};
    rolling_check c = {fraction, 0, 0, {0}};
    sim_test_script s = {d, 2, 1, reconfigure_all, &c, 0, 0, {0}, 0, 0};
    sim_result r;
    sim_test_run_script(sc, &s, 1, &r);
    for (uint32_t k = 0; k < n_rounds; k++)
        assert_int_equal(c.rounds[3 + k], per_round);
    assert_int_equal(c.rounds[3 + n_rounds], 0);
    assert_true(c.max_restarting <= per_round);
    assert_int_equal(s.events_by_kind[SIM_EVENT_CONFIG_APPLIED], 8);
    assert_int_equal(r.instance_restarts, 8);
    assert_int_equal(s.last_outcome, SIM_OUTCOME_APPLIED);
    sim_test_assert_conservation(sc, &r);
    sim_result_release(&r);
    sim_scenario_free(sc);
}

static void test_rolling_restarts(void **state)
{
    (void)state;
    check_rolling(0.25, 2, 4); /* B = 2 of 8 per round */
    check_rolling(0, 8, 1);    /* all at once */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pack_keeps_and_fills),
        cmocka_unit_test(test_rolling_restarts),
        cmocka_unit_test(test_fits),
        cmocka_unit_test(test_grow_around_running),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
