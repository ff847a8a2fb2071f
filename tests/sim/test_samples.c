/* test_samples.c -- what policies observe is what libtrident accepts: every window's trd_sample records pass
 * trd_ctx_observe on the scenario's own model, busy time never exceeds the window, and the samples account
 * for every item each operator took. */
#include "sim_test.h"

typedef struct feed {
    trd_ctx *ctx;
    uint64_t items_in[8];
    size_t batches, refused;
} feed;

static sim_status observe(sim_test_script *s, sim_host *h, const sim_observation *obs, sim_plan *plan, sim_error *err)
{
    (void)h;
    (void)plan;
    (void)err;
    feed *f = s->user;
    for (size_t k = 0; k < obs->n_samples; k++) {
        const trd_sample *x = &obs->samples[k];
        double len = (double)(x->window_end_ns - x->window_start_ns) / 1e9;
        assert_true(x->busy_s <= len + 1e-9);
        assert_true(x->utilisation >= 0 && x->utilisation <= 1);
        assert_true(x->window_end_ns <= obs->now_ns);
        f->items_in[x->op] += x->items_in;
    }
    if (obs->n_samples) {
        f->batches++;
        if (trd_ctx_observe(f->ctx, obs->samples, obs->n_samples) != TRD_OK) {
            f->refused++;
            print_message("refused: %s\n", trd_ctx_last_error(f->ctx));
        }
    }
    return SIM_OK;
}

static void test_samples_are_accepted(void **state)
{
    (void)state;
    sim_scenario *sc = sim_test_load("tests/sim/data/chain.yaml", 3000);
    feed f = {NULL, {0}, 0, 0};
    assert_int_equal(trd_ctx_new(&f.ctx), TRD_OK);
    assert_ok(f.ctx, trd_ctx_load_yaml_string(f.ctx, sc->yaml_text, sc->yaml_len));
    static const sim_test_deploy d[] = {{"source", 0, 0, 1, 0}, {"split", 0, 0, 3, 0}, {"embed", 1, 0, 2, 0}};
    sim_test_script s = {d, 3, 0, observe, &f, 0, 0, {0}, 0, 0};
    sim_result r;
    sim_test_run_script(sc, &s, 1, &r);
    assert_true(f.batches >= 3);
    assert_int_equal(f.refused, 0);
    for (uint32_t op = 0; op < sc->n_ops; op++)
        assert_int_equal(f.items_in[op], r.op_items_in[op]);
    assert_int_equal(s.events_by_kind[SIM_EVENT_INSTANCE_UP], 6);
    trd_ctx_free(f.ctx);
    sim_result_release(&r);
    sim_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples_are_accepted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
