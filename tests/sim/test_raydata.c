/* test_raydata.c -- Ray Data's default decisions (raydata.h) on hand-made situations: the actor autoscaler's
 * thresholds, debounce, bounds and one-by-one ramp, and the reservation allocator's budgets. */
#include "sim_test.h"

#include <math.h>

#include "raydata.h"

static sim_ray_pool pool(uint32_t running, uint32_t pending, double tasks)
{
    sim_ray_pool p = {running, pending, 1, 16, tasks, 1, 1, 1, 8, -INFINITY};
    return p;
}

static void test_upscale_threshold(void **state)
{
    (void)state;
    sim_ray_pool p = pool(4, 0, 7);           /* 7 / 4 = 1.75: up */
    assert_close(sim_ray_utilisation(&p), 1.75, 1e-12);
    assert_int_equal(sim_ray_scale(&p, 100), 1);
    p.tasks_in_flight = 6.9;                  /* 1.725: nothing */
    assert_int_equal(sim_ray_scale(&p, 100), 0);
    p = pool(4, 0, 8);                        /* 2.0, the most 2 tasks per actor give: still +1, never more */
    assert_int_equal(sim_ray_scale(&p, 100), 1);
    p.under_limits = 0;                       /* held back by a backpressure policy this tick */
    assert_int_equal(sim_ray_scale(&p, 100), 0);
    p = pool(4, 0, 8);
    p.budget_actors = 0;                      /* the budget admits no more actor */
    assert_int_equal(sim_ray_scale(&p, 100), 0);
    p = pool(16, 0, 32);                      /* at max_size */
    assert_int_equal(sim_ray_scale(&p, 100), 0);
    /* One-by-one ramp: a pending actor counts in the size, so 4 running + 1 pending with every slot full
     * (8 tasks) is 8 / 5 = 1.6 < 1.75: no second actor until the first is up. */
    p = pool(4, 1, 8);
    assert_close(sim_ray_utilisation(&p), 1.6, 1e-12);
    assert_int_equal(sim_ray_scale(&p, 100), 0);
}

static void test_downscale_and_debounce(void **state)
{
    (void)state;
    sim_ray_pool p = pool(4, 0, 2);           /* 2 / 4 = 0.5: down */
    assert_int_equal(sim_ray_scale(&p, 100), -1);
    p.tasks_in_flight = 2.1;                  /* 0.525: nothing */
    assert_int_equal(sim_ray_scale(&p, 100), 0);
    p.tasks_in_flight = 0;
    p.last_upscale_s = 90.1;                  /* 9.9 s after an upscale: the debounce refuses */
    assert_int_equal(sim_ray_scale(&p, 100), 0);
    p.last_upscale_s = 90;                    /* 10 s after: allowed */
    assert_int_equal(sim_ray_scale(&p, 100), -1);
    p = pool(1, 0, 0);                        /* at min_size: never below */
    assert_int_equal(sim_ray_scale(&p, 100), 0);
}

static void test_bounds_and_first_input(void **state)
{
    (void)state;
    sim_ray_pool p = pool(0, 0, 0);
    p.min_size = 3;                           /* below min: straight to it */
    assert_int_equal(sim_ray_scale(&p, 0), 3);
    p = pool(20, 0, 40);                      /* above max (16): down to it */
    assert_int_equal(sim_ray_scale(&p, 0), -4);
    p = pool(4, 0, 0);
    p.inputs_received = 0;                    /* no input yet: an idle pool is left alone */
    assert_int_equal(sim_ray_scale(&p, 100), 0);
}

/* Limits 16 cores, 2 devices, 64 GB; three operators: a source task (1 core, 1 GB), a CPU task (1 core, 2 GB)
 * running 5 tasks, a GPU actor pool (1 core, 1 device, 4 GB per actor, min 1, max 2) with 1 actor.
 * Reservation: half the cluster over 3 = (2.667, 0.333, 10.667) each, clamped:
 *   source (2.667, 0, 10.667); cpu task (2.667, 0, 10.667); pool [1..2 actors] -> (2, 1, 8).
 *   Shared: 16 - 7.333 = 8.667 cores, 2 - 1 = 1 device, 64 - 29.333 = 34.667 GB.
 * Usage (1, 0, 1), (5, 0, 10), (1, 1, 4): budgets (1.667, 0, 9.667), (0, 0, 0.667), (1, 0, 4); the CPU task's
 *   2.333 cores over its reservation leave 6.333 shared cores.
 * Downstream first, an even share of what is left (devices only to the device pool):
 *   pool += (2.111, -, 11.556) -> (3.111, 1 (every device no one else holds, less its own), 15.556);
 *   cpu task += (2.111, -, 11.556) -> (2.111, 0, 12.222);   source += the rest (2.111, -, 11.556) ->
 *   (3.778, 0, 21.222). */
static void test_budgets(void **state)
{
    (void)state;
    const double limits[3] = {16, 2, 64};
    sim_ray_op_res ops[3] = {
        {{1, 0, 1}, {1, 0, 1}, {1, 0, 1}, {INFINITY, 0, INFINITY}, 0},
        {{1, 0, 2}, {5, 0, 10}, {1, 0, 2}, {INFINITY, 0, INFINITY}, 0},
        {{1, 1, 4}, {1, 1, 4}, {1, 1, 4}, {2, 2, 8}, 1},
    };
    double b[3][SIM_RAY_RES];
    sim_ray_budgets(limits, ops, 3, b);
    const double want[3][3] = {{3.7778, 0, 21.2222}, {2.1111, 0, 12.2222}, {3.1111, 1, 15.5556}};
    for (int i = 0; i < 3; i++)
        for (int r = 0; r < 3; r++)
            assert_close(b[i][r], want[i][r], 1e-3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upscale_threshold),
        cmocka_unit_test(test_downscale_and_debounce),
        cmocka_unit_test(test_bounds_and_first_input),
        cmocka_unit_test(test_budgets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
