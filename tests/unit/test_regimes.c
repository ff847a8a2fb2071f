/* White-box tests of the online regime clustering: assignment and centroid updates, Ward merges that keep a
 * tuned regime, decay and pruning on the caller's clock, dominance over the window, triggers with cooldown and
 * drift, stable ids, invalid input and allocation failures. */
#include <stdlib.h>

#include "adapt/regimes.h"
#include "test_support.h"

#define S 1000000000ull /* one second in ns */

typedef struct fixture {
    test_alloc stats;
    trd__alloc alloc;
    trd__regimes rs;
    trd__regime_params p;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->alloc.fn = test_allocator(&f->stats);
    f->p = trd__regime_params_default();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    trd__regimes_free(&f->rs);
    int leaked = f->stats.live_blocks != 0;
    free(f);
    return leaked ? -1 : 0;
}

static void start(fixture *f)
{
    assert_int_equal(trd__regimes_init(&f->rs, &f->alloc, 2, &f->p), TRD_OK);
}

/* Observes a one-feature point placed at log1p coordinate `at`, at time t seconds. */
static trd__regime_events obs1(fixture *f, double at, double t)
{
    double x = expm1(at);
    trd__regime_events ev;
    assert_int_equal(trd__regimes_observe(&f->rs, 0, &x, 1, (uint64_t)(t * S), &ev), TRD_OK);
    return ev;
}

static void test_assignment_and_centroid(void **state)
{
    fixture *f = *state;
    start(f);
    trd__regime_events ev = obs1(f, 2.0, 0);
    assert_true(ev.flags & TRD__REGIME_EV_NEW);
    assert_int_equal(ev.created, 0);
    assert_int_equal(ev.assigned, 0);
    ev = obs1(f, 2.6, 1); /* 0.6 < tau_d 1.1 away: joins, mu = 2 + (2.6 - 2) / 2 */
    assert_int_equal(ev.flags & TRD__REGIME_EV_NEW, 0);
    assert_int_equal(ev.assigned, 0);
    const trd__regime *r = trd__regimes_get(&f->rs, 0, 0);
    assert_close(r->mu[0], 2.3, 1e-12);
    assert_close(r->count, 2, 0);
    ev = obs1(f, 2.3 + 1.15, 2); /* beyond tau_d: a new regime */
    assert_true(ev.flags & TRD__REGIME_EV_NEW);
    assert_int_equal(ev.created, 1);
    assert_int_equal(trd__regimes_count(&f->rs, 0), 2);
    double raw;
    assert_int_equal(trd__regimes_centroid_raw(&f->rs, 0, 0, &raw), 1);
    assert_close(raw, expm1(2.3), 1e-12);
    /* Nothing happened to the other operator. */
    assert_int_equal(trd__regimes_count(&f->rs, 1), 0);
    assert_int_equal(trd__regimes_dominant(&f->rs, 1), TRD__REGIME_NONE);
}

/* Three regimes at L_max 3: a big one at 0, a big tuned one at 5, a singleton at 6.5.  A fourth point must
 * merge the singleton into the tuned regime (Ward cost 10/11 x 1.5^2 = 2.05, against 5 x 25 for the big pair),
 * keeping the tuned regime's id, status and config, with the count-weighted centroid. */
static void test_ward_merge_keeps_tuned(void **state)
{
    fixture *f = *state;
    f->p.max_regimes = 3;
    f->p.cooldown_ns = 0;
    start(f);
    double t = 0;
    for (int i = 0; i < 10; i++)
        obs1(f, 0, t++);
    for (int i = 0; i < 10; i++)
        obs1(f, 5, t++);
    assert_int_equal(trd__regimes_set_tuned(&f->rs, 0, 1, 7, 123.5), TRD_OK);
    obs1(f, 6.5, t++);
    assert_int_equal(trd__regimes_count(&f->rs, 0), 3);
    trd__regime_events ev = obs1(f, 12, t++);
    assert_true(ev.flags & TRD__REGIME_EV_MERGED);
    assert_int_equal(ev.merged_from, 2);
    assert_int_equal(ev.merged_into, 1);
    assert_int_equal(ev.created, 3);
    assert_int_equal(trd__regimes_count(&f->rs, 0), 3);
    const trd__regime *r = trd__regimes_get(&f->rs, 0, 1);
    assert_non_null(r);
    assert_int_equal(r->status, TRD__REGIME_TUNED);
    assert_int_equal(r->config, 7);
    assert_close(r->predicted, 123.5, 0);
    assert_close(r->count, 11, 1e-12);
    assert_close(r->mu[0], (10 * 5 + 6.5) / 11, 1e-12);
    assert_null(trd__regimes_get(&f->rs, 0, 2));
}

/* Two regimes of 20 at 0 and 3 and an outlier at 9; a second outlier forces a merge.  Ward folds the first
 * outlier into its nearer regime (cost 20/21 x 36 = 34 against 10 x 9 = 90 for the real pair); the authors'
 * closest-pair rule fuses the two real regimes (3 apart, against 6). */
static void test_merge_rules_differ_on_outliers(void **state)
{
    fixture *f = *state;
    for (int closest = 0; closest <= 1; closest++) {
        f->p = trd__regime_params_default();
        f->p.max_regimes = 3;
        f->p.merge_closest = closest;
        start(f);
        double t = 0;
        for (int i = 0; i < 20; i++)
            obs1(f, 0, t++);
        for (int i = 0; i < 20; i++)
            obs1(f, 3, t++);
        obs1(f, 9, t++);                      /* an outlier: regime 2 */
        trd__regime_events ev = obs1(f, 16, t++); /* another: something must merge */
        assert_true(ev.flags & TRD__REGIME_EV_MERGED);
        if (closest) {
            assert_int_equal(ev.merged_from, 1); /* the two real regimes fuse */
            assert_int_equal(ev.merged_into, 0);
        } else {
            assert_int_equal(ev.merged_from, 2); /* the outlier joins its nearer regime */
            assert_int_equal(ev.merged_into, 1);
        }
        trd__regimes_free(&f->rs);
    }
}

static void test_decay_and_prune(void **state)
{
    fixture *f = *state;
    f->p.gamma = 0.5;
    f->p.decay_period_ns = 10 * S;
    f->p.prune_below = 0.3;
    start(f);
    obs1(f, 0, 0);
    obs1(f, 5, 1);
    obs1(f, 5, 2);
    trd__regime_events ev;
    /* 15 s: one period has elapsed. */
    ev = obs1(f, 5, 15);
    assert_int_equal(ev.flags & TRD__REGIME_EV_PRUNED, 0);
    assert_close(trd__regimes_get(&f->rs, 0, 0)->count, 0.5, 1e-15);
    assert_close(trd__regimes_get(&f->rs, 0, 1)->count, 2 * 0.5 + 1, 1e-15);
    /* A clock that goes backwards decays nothing. */
    ev = obs1(f, 5, 3);
    assert_close(trd__regimes_get(&f->rs, 0, 0)->count, 0.5, 1e-15);
    /* 25 s: the second period: regime 0 falls to 0.25 < 0.3 and goes. */
    assert_int_equal(trd__regimes_tick(&f->rs, 0, 25 * S, &ev), TRD_OK);
    assert_true(ev.flags & TRD__REGIME_EV_PRUNED);
    assert_int_equal(ev.n_pruned, 1);
    assert_int_equal(ev.pruned[0], 0);
    assert_null(trd__regimes_get(&f->rs, 0, 0));
    assert_close(trd__regimes_get(&f->rs, 0, 1)->count, (2 * 0.5 + 2) * 0.5, 1e-15);
    /* Three periods at once: 1.5 x 0.5^3 = 0.1875 < 0.3. */
    assert_int_equal(trd__regimes_tick(&f->rs, 0, 55 * S, &ev), TRD_OK);
    assert_true(ev.flags & TRD__REGIME_EV_PRUNED);
    assert_int_equal(ev.n_pruned, 1);
    assert_int_equal(ev.pruned[0], 1);
    assert_int_equal(trd__regimes_count(&f->rs, 0), 0);
    assert_int_equal(f->rs.ops[0].last_decay_ns, 50 * S);
    /* Ids are not reused after pruning. */
    ev = obs1(f, 1, 56);
    assert_int_equal(ev.created, 2);
}

static void test_dominance_window(void **state)
{
    fixture *f = *state;
    f->p.window = 10;
    f->p.min_samples = 1000; /* no triggers here */
    start(f);
    trd__regime_events ev;
    double t = 0;
    for (int i = 0; i < 6; i++) {
        ev = obs1(f, 0, t++);
        assert_int_equal(ev.flags & TRD__REGIME_EV_DOMINANT, 0); /* 6 of a 10-window is below 0.7 */
    }
    ev = obs1(f, 0, t++);
    assert_true(ev.flags & TRD__REGIME_EV_DOMINANT);
    assert_int_equal(ev.dominant, 0);
    /* A second regime takes over only once it holds 7 of the last 10; in between the first stays (sticky). */
    for (int i = 0; i < 6; i++) {
        ev = obs1(f, 3, t++);
        assert_int_equal(ev.flags & TRD__REGIME_EV_DOMINANT, 0);
        assert_int_equal(trd__regimes_dominant(&f->rs, 0), 0);
    }
    assert_close(trd__regimes_share(&f->rs, 0, 1), 0.6, 1e-15);
    ev = obs1(f, 3, t++);
    assert_true(ev.flags & TRD__REGIME_EV_DOMINANT);
    assert_int_equal(ev.dominant, 1);
    assert_int_equal(trd__regimes_dominant(&f->rs, 0), 1);
}

static void test_triggers_cooldown_and_drift(void **state)
{
    fixture *f = *state;
    f->p.window = 10;
    start(f);
    trd__regime_events ev;
    double t = 0;
    /* Regime 0 triggers at its 7th observation: count >= 5 and 7 of the 10-window. */
    for (int i = 0; i < 6; i++) {
        ev = obs1(f, 0, t++);
        assert_int_equal(ev.flags & TRD__REGIME_EV_TRIGGER, 0);
    }
    ev = obs1(f, 0, t++);
    assert_true(ev.flags & TRD__REGIME_EV_TRIGGER);
    assert_int_equal(ev.trigger, 0);
    assert_int_equal(trd__regimes_get(&f->rs, 0, 0)->status, TRD__REGIME_TUNING);
    uint64_t trigger_t = (uint64_t)(t - 1);
    /* While Tuning, no second trigger. */
    ev = obs1(f, 0, t++);
    assert_int_equal(ev.flags & TRD__REGIME_EV_TRIGGER, 0);
    assert_int_equal(trd__regimes_set_tuned(&f->rs, 0, 0, 42, 10), TRD_OK);
    /* A new regime within the 60 s cooldown: dominant but not triggered. */
    for (int i = 0; i < 10; i++) {
        ev = obs1(f, 3, t++);
        assert_int_equal(ev.flags & TRD__REGIME_EV_TRIGGER, 0);
    }
    assert_int_equal(trd__regimes_dominant(&f->rs, 0), 1);
    assert_true((double)trigger_t + 60 > t);
    /* After the cooldown its next observation triggers it. */
    t = (double)trigger_t + 60;
    ev = obs1(f, 3, t++);
    assert_true(ev.flags & TRD__REGIME_EV_TRIGGER);
    assert_int_equal(ev.trigger, 1);
    /* Abandoning returns it to Pending (it never had a config). */
    assert_int_equal(trd__regimes_abandon(&f->rs, 0, 1), TRD_OK);
    assert_int_equal(trd__regimes_get(&f->rs, 0, 1)->status, TRD__REGIME_PENDING);

    /* Back to regime 0 (Tuned at centroid 0): points at 0.9 pull its centroid; while it has moved less than
     * 0.4 nothing triggers, then a re-tune is triggered. */
    t += 61;
    double mu = trd__regimes_get(&f->rs, 0, 0)->mu[0];
    assert_close(mu, 0, 0);
    int retriggered = 0;
    for (int i = 0; i < 40 && !retriggered; i++) {
        ev = obs1(f, 0.9, t++);
        mu = trd__regimes_get(&f->rs, 0, 0)->mu[0];
        retriggered = (ev.flags & TRD__REGIME_EV_TRIGGER) != 0;
        if (!retriggered)
            assert_true(mu < 0.4 || trd__regimes_share(&f->rs, 0, 0) < 0.7);
    }
    assert_true(retriggered);
    assert_true(mu >= 0.4);
    const trd__regime *r = trd__regimes_get(&f->rs, 0, 0);
    assert_int_equal(r->status, TRD__REGIME_TUNING);
    /* Abandoning a re-tune keeps the old config. */
    assert_int_equal(trd__regimes_abandon(&f->rs, 0, 0), TRD_OK);
    assert_int_equal(r->status, TRD__REGIME_TUNED);
    assert_int_equal(r->config, 42);
}

static void test_nearest_tuned(void **state)
{
    fixture *f = *state;
    start(f);
    double t = 0;
    obs1(f, 0, t++);
    obs1(f, 2, t++);
    obs1(f, 5, t++);
    obs1(f, 3.6, t++);
    assert_int_equal(trd__regimes_nearest_tuned(&f->rs, 0, 3), TRD__REGIME_NONE);
    trd__regimes_set_tuned(&f->rs, 0, 0, 1, 1);
    trd__regimes_set_tuned(&f->rs, 0, 2, 2, 1);
    assert_int_equal(trd__regimes_nearest_tuned(&f->rs, 0, 3), 2); /* 5 is 1.4 away, 0 is 3.6 */
    assert_int_equal(trd__regimes_nearest_tuned(&f->rs, 0, 1), 0); /* 0 is 2 away, 5 is 3 */
    assert_int_equal(trd__regimes_nearest_tuned(&f->rs, 0, 2), 0); /* never itself */
    assert_int_equal(trd__regimes_nearest_tuned(&f->rs, 0, 99), TRD__REGIME_NONE);
    assert_int_equal(trd__regimes_set_tuned(&f->rs, 0, 99, 1, 1), TRD_E_NOT_FOUND);
    assert_int_equal(trd__regimes_set_tuned(&f->rs, 1, 0, 1, 1), TRD_E_NOT_FOUND);
}

/* The second feature spreads widely (0 and 4 in log1p units): a point 1.5 from the first regime is a new regime
 * in plain log1p units, but within reach once the feature is divided by its running deviation (1.65). */
static void test_standardised_metric(void **state)
{
    fixture *f = *state;
    for (int standardise = 0; standardise <= 1; standardise++) {
        f->p.standardise = standardise;
        f->p.scale_floor = 0.5;
        start(f);
        double a[2] = {0, 0}, b[2] = {0, expm1(4.0)}, c[2] = {0, expm1(1.5)};
        trd__regime_events ev;
        assert_int_equal(trd__regimes_observe(&f->rs, 0, a, 2, 0, &ev), TRD_OK);
        assert_int_equal(trd__regimes_observe(&f->rs, 0, b, 2, S, &ev), TRD_OK);
        assert_true(ev.flags & TRD__REGIME_EV_NEW);
        assert_int_equal(trd__regimes_observe(&f->rs, 0, c, 2, 2 * S, &ev), TRD_OK);
        if (standardise)
            assert_int_equal(ev.assigned, 0);
        else
            assert_int_equal(ev.created, 2);
        trd__regimes_free(&f->rs);
    }
}

static void test_invalid_input_changes_nothing(void **state)
{
    fixture *f = *state;
    start(f);
    obs1(f, 1, 0);
    double bad[3][2] = {{NAN, 1}, {-1, 1}, {INFINITY, 1}};
    trd__regime_events ev;
    for (int i = 0; i < 3; i++)
        assert_int_equal(trd__regimes_observe(&f->rs, 0, bad[i], 1, S, &ev), TRD_E_INVALID_ARG);
    double two[2] = {1, 1};
    assert_int_equal(trd__regimes_observe(&f->rs, 0, two, 2, S, &ev), TRD_E_INVALID_ARG); /* dimension changed */
    assert_int_equal(trd__regimes_observe(&f->rs, 0, two, 0, S, &ev), TRD_E_INVALID_ARG);
    assert_int_equal(trd__regimes_observe(&f->rs, 0, NULL, 1, S, &ev), TRD_E_INVALID_ARG);
    assert_int_equal(trd__regimes_observe(&f->rs, 2, two, 1, S, &ev), TRD_E_NOT_FOUND);
    assert_int_equal(trd__regimes_observe(&f->rs, 1, two, TRD_MAX_FEATURES + 1, S, &ev), TRD_E_INVALID_ARG);
    assert_int_equal(trd__regimes_count(&f->rs, 0), 1);
    assert_close(trd__regimes_get(&f->rs, 0, 0)->count, 1, 0);
    assert_close(f->rs.ops[0].stat_n, 1, 0);
    assert_int_equal(f->rs.ops[0].ring_len, 1);

    trd__regime_params p = trd__regime_params_default();
    const char *why = NULL;
    p.dominance = 0.5;
    assert_int_equal(trd__regime_params_check(&p, &why), TRD_E_INVALID_ARG);
    assert_non_null(why);
    p = trd__regime_params_default();
    p.max_regimes = TRD__REGIMES_MAX + 1;
    assert_int_equal(trd__regime_params_check(&p, NULL), TRD_E_INVALID_ARG);
    trd__regimes other;
    assert_int_equal(trd__regimes_init(&other, &f->alloc, 1, &p), TRD_E_INVALID_ARG);
}

static void test_allocation_failures(void **state)
{
    fixture *f = *state;
    /* init: one allocation. */
    f->stats.fail_at = f->stats.calls + 1;
    assert_int_equal(trd__regimes_init(&f->rs, &f->alloc, 2, &f->p), TRD_E_NOMEM);
    assert_int_equal(f->stats.live_blocks, 0);
    f->stats.fail_at = 0;
    start(f);
    /* The first observation of an operator allocates its storage (two blocks): fail each in turn. */
    double x = 3;
    for (size_t k = 1; k <= 2; k++) {
        size_t live = f->stats.live_blocks;
        f->stats.fail_at = f->stats.calls + k;
        trd__regime_events ev;
        assert_int_equal(trd__regimes_observe(&f->rs, 0, &x, 1, 0, &ev), TRD_E_NOMEM);
        assert_int_equal(f->stats.live_blocks, live);
        assert_int_equal(trd__regimes_count(&f->rs, 0), 0);
        assert_null(f->rs.ops[0].r);
    }
    f->stats.fail_at = 0;
    size_t calls = f->stats.calls;
    obs1(f, 1, 0);
    for (int i = 0; i < 100; i++)
        obs1(f, (i % 7) * 0.9, i);
    assert_int_equal(f->stats.calls, calls + 2); /* nothing after the first observation */
    trd__regimes_reset_op(&f->rs, 0);
    assert_int_equal(trd__regimes_count(&f->rs, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_assignment_and_centroid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ward_merge_keeps_tuned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_rules_differ_on_outliers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decay_and_prune, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dominance_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_triggers_cooldown_and_drift, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nearest_tuned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_standardised_metric, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_input_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allocation_failures, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
