/* test_conttune.c -- ContTune's small phase (conttune.h) on hand-made histories: the Top-K mean, the GP pick
 * inside the known region, and the DS2 fallback outside it. */
#include "sim_test.h"

#include "conttune.h"

/* Six observations at p = 2: the ring keeps the last five (10, 10, 10, 10, 40), mean 16. */
static void test_top_k_mean(void **state)
{
    (void)state;
    sim_ct_op h;
    memset(&h, 0, sizeof h);
    for (int k = 0; k < 5; k++)
        sim_ct_observe(&h, 2, 10);
    assert_close(sim_ct_mean(&h, 2), 10, 1e-12);
    sim_ct_observe(&h, 2, 40);
    assert_close(sim_ct_mean(&h, 2), 16, 1e-12);
    assert_close(sim_ct_mean(&h, 3), 0, 0);
    assert_close(h.last_rate, 20, 1e-12); /* 40 items/s at p = 2 */
}

/* A linear operator, 5 items/s per instance, seen at p = 2, 4, 6 (PA 10, 20, 30). */
static void test_pick_in_the_known_region(void **state)
{
    (void)state;
    sim_ct_op h;
    memset(&h, 0, sizeof h);
    sim_ct_observe(&h, 2, 10);
    sim_ct_observe(&h, 4, 20);
    sim_ct_observe(&h, 6, 30);
    double mu[64];
    assert_int_equal(sim_ct_fit(&h, 64, mu), 1);
    /* The GP (noise 1e-4 on standardised PA) interpolates its points within 0.1%. */
    assert_close(mu[1], 10, 0.01);
    assert_close(mu[3], 20, 0.02);
    assert_close(mu[5], 30, 0.03);
    /* Three points favour a short length scale (marginal likelihood): mu(3) = 13.5 and mu(5) = 26.5, not the
     * straight line's 15 and 25, and mu drops back towards the prior mean 20 past p = 6.  lambda = 24:
     * mu(4) = 20 < 24 <= mu(5), and 5 is 1 from the observed 4 and 6: the GP's pick. */
    assert_true(mu[3] < 24 && mu[4] >= 24 && mu[4] < 27);
    assert_int_equal(sim_ct_pick(&h, mu, 64, 24), 5);
    /* lambda = 12: mu(2) = 10 < 12 <= mu(3) = 13.5: 3. */
    assert_true(mu[2] > 13 && mu[2] < 14);
    assert_int_equal(sim_ct_pick(&h, mu, 64, 12), 3);
    /* lambda = 60: far beyond the history the GP mean falls back to the prior mean (20), so no p reaches 60:
     * DS2's estimate from the latest per-instance rate, ceil(60 / 5) = 12. */
    assert_int_equal(sim_ct_pick(&h, mu, 64, 60), 12);
}

/* One observation (p = 10, PA 50): the GP mean is flat at 50, so the smallest p meeting lambda = 24 is 1, which
 * is 9 > alpha = 3 from anything observed: the conservative DS2 estimate ceil(24 / 5) = 5 instead. */
static void test_far_pick_falls_back_to_ds2(void **state)
{
    (void)state;
    sim_ct_op h;
    memset(&h, 0, sizeof h);
    sim_ct_observe(&h, 10, 50);
    double mu[64];
    assert_int_equal(sim_ct_fit(&h, 64, mu), 1);
    assert_close(mu[0], 50, 1e-9);
    assert_close(mu[63], 50, 1e-9);
    assert_int_equal(sim_ct_pick(&h, mu, 64, 24), 5);
    /* lambda = 50 is met from p = 1 on as well: ceil(50 / 5) = 10, the observed parallelism. */
    assert_int_equal(sim_ct_pick(&h, mu, 64, 50), 10);
    /* Within alpha: history at p = 10 and 12 (PA 50 and 60): lambda = 55 picks 11 from the GP. */
    sim_ct_observe(&h, 12, 60);
    assert_int_equal(sim_ct_fit(&h, 64, mu), 1);
    assert_int_equal(sim_ct_pick(&h, mu, 64, 55), 11);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_top_k_mean),
        cmocka_unit_test(test_pick_in_the_known_region),
        cmocka_unit_test(test_far_pick_falls_back_to_ds2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
