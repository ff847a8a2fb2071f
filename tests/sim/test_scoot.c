/* test_scoot.c -- SCOOT's tuner (scoot.h): the hidden-constraint threshold's updates, the forest's feasibility on
 * separable history, and a tuning run on a hand-made objective with a crash boundary. */
#include "sim_test.h"

#include "scoot.h"

/* bo_scoot.py: crash -> delta = min(0.75, max(delta + 0.05, 0.5)); 5 successes in a row -> max(0.25, delta -
 * 0.05) and the streak restarts. */
static void test_delta(void **state)
{
    (void)state;
    sim_scoot_delta d;
    sim_scoot_delta_init(&d);
    assert_close(d.delta, 0.5, 1e-12);
    const double after_crash[6] = {0.55, 0.6, 0.65, 0.7, 0.75, 0.75};
    for (int k = 0; k < 6; k++) {
        sim_scoot_delta_update(&d, 1);
        assert_close(d.delta, after_crash[k], 1e-12);
    }
    for (int k = 0; k < 4; k++)
        sim_scoot_delta_update(&d, 0);
    assert_close(d.delta, 0.75, 1e-12); /* 4 successes: no change yet */
    sim_scoot_delta_update(&d, 0);
    assert_close(d.delta, 0.7, 1e-12);  /* the 5th */
    for (int k = 0; k < 4; k++)
        sim_scoot_delta_update(&d, 0);
    sim_scoot_delta_update(&d, 1);      /* a crash resets the streak: 0.7 + 0.05 */
    assert_close(d.delta, 0.75, 1e-12);
    for (int k = 0; k < 50; k++)        /* ten streaks of 5: 0.75 - 10 x 0.05 = 0.25, the floor */
        sim_scoot_delta_update(&d, 0);
    assert_close(d.delta, 0.25, 1e-12);
    sim_scoot_delta_update(&d, 1);      /* max(0.30, 0.5) */
    assert_close(d.delta, 0.5, 1e-12);
}

/* Runs at x = 1 .. 5, crashes at 6 .. 10: the stumps split between 5 and 6 (or see one class only). */
static void test_feasibility(void **state)
{
    (void)state;
    double x[10];
    int ok[10];
    for (int k = 0; k < 10; k++) {
        x[k] = k + 1;
        ok[k] = k + 1 <= 5;
    }
    assert_true(sim_scoot_feasibility(x, ok, 10, 7, 2) > 0.9);
    assert_true(sim_scoot_feasibility(x, ok, 10, 7, 9) < 0.1);
    assert_close(sim_scoot_feasibility(x, ok, 0, 7, 9), 1, 0); /* no history: everything admissible */
}

/* Throughput b / (4 + b) grows with the batch b; b > 100 crashes.  The best that runs is 100. */
static int objective(void *user, uint32_t b, double *thr)
{
    (*(uint32_t *)user)++;
    if (b > 100)
        return 0;
    *thr = (double)b / (4.0 + b);
    return 1;
}

static void test_tune(void **state)
{
    (void)state;
    uint32_t calls = 0;
    sim_scoot_result r = sim_scoot_tune(1, 256, 8, 30, 11, objective, &calls);
    assert_int_equal(r.evals, 30);
    assert_int_equal(calls, 30);
    assert_true(r.best <= 100);       /* a crash is never the answer */
    assert_true(r.best >= 64);        /* and the climb reaches the boundary's neighbourhood */
    assert_true(r.crashes >= 1 && r.crashes < 15);
    assert_close(r.best_thr, (double)r.best / (4.0 + r.best), 1e-12);
    /* Deterministic: the same seed, the same run. */
    uint32_t calls2 = 0;
    sim_scoot_result r2 = sim_scoot_tune(1, 256, 8, 30, 11, objective, &calls2);
    assert_int_equal(r2.best, r.best);
    assert_int_equal(r2.crashes, r.crashes);
    /* A budget above the candidates evaluates each once: 1 .. 8 -> the best is 8. */
    r = sim_scoot_tune(1, 8, 4, 30, 11, objective, &calls);
    assert_int_equal(r.evals, 8);
    assert_int_equal(r.best, 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delta),
        cmocka_unit_test(test_feasibility),
        cmocka_unit_test(test_tune),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
