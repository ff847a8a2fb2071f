/* policy_xenna.c -- the Cosmos-Xenna baseline: NVIDIA Cosmos-Xenna's default FRAGMENTATION_BASED autoscaler
 * (nvidia-cosmos/cosmos-xenna, src/pipelines/private/scheduling/autoscaling_algorithms.rs and
 * cosmos_xenna/pipelines/private/specs.py; research/baselines.md 6.3).
 *
 *   - It starts from the pipeline's declared deployment (the workers a Xenna pipeline spec asks for).
 *   - Every autoscale_interval_s = 180 s it estimates each stage's per-worker speed over the trailing 180 s
 *     (items per second of task time; a stage needs 5 items to be measured) and the items each stage sees per
 *     source item, then rebalances (xenna.h): the slowest stage gets a worker, from a donor if the cluster is
 *     full.  The rebalanced counts are applied at once through the shared realiser.
 *   - No warm-up and no config changes (batch sizes stay at their defaults): Xenna tunes workers only.
 * Deviation: the realiser's first-fit decreasing packing stands in for fragmentation gradient descent (xenna.h),
 * and the optional over-allocation phase (target 1.0 in the code paths seen) is a no-op and left out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline_obs.h"
#include "realiser.h"
#include "xenna.h"

#define XENNA_INTERVAL_S 180.0
#define XENNA_MIN_SAMPLES 5.0
#define XENNA_MAX_MOVES 4096

typedef struct xenna {
    sim_bobs obs;
    double *speed, *demand, last_s;
    uint32_t *counts, *current;
} xenna;

static void destroy(void *state)
{
    xenna *x = state;
    if (!x)
        return;
    sim_bobs_free(&x->obs);
    free(x->speed);
    free(x->demand);
    free(x->counts);
    free(x->current);
    free(x);
}

static sim_status create(const sim_scenario *sc, uint64_t seed, const void *param, void **out, sim_error *err)
{
    (void)seed;
    (void)param;
    xenna *x = calloc(1, sizeof *x);
    if (!x)
        return sim_fail(err, SIM_E_NOMEM, "xenna: out of memory");
    x->speed = calloc(sc->n_ops, sizeof *x->speed);
    x->demand = calloc(sc->n_ops, sizeof *x->demand);
    x->counts = calloc(sc->n_ops, sizeof *x->counts);
    x->current = calloc(sc->n_ops, sizeof *x->current);
    if (!x->speed || !x->demand || !x->counts || !x->current || sim_bobs_init(&x->obs, sc, err) != SIM_OK) {
        destroy(x);
        return sim_fail(err, SIM_E_NOMEM, "xenna: out of memory");
    }
    *out = x;
    return SIM_OK;
}

static sim_status step(void *state, sim_host *h, const sim_observation *obs, sim_plan *plan, sim_error *err)
{
    xenna *x = state;
    const sim_scenario *sc = sim_host_scenario(h);
    double now = (double)obs->now_ns * 1e-9;
    sim_bobs_update(&x->obs, obs);
    if (obs->first) {
        sim_status st = sim_realise_declared(h, plan, err);
        snprintf(plan->reason, sizeof plan->reason, "xenna: the declared deployment");
        return st;
    }
    if (now - x->last_s + 1e-9 < XENNA_INTERVAL_S)
        return SIM_OK;
    x->last_s = now;
    if (x->obs.op[sc->source_op].items_in <= 0) { /* draining: nothing to balance for */
        sim_bobs_reset(&x->obs);
        return SIM_OK;
    }
    for (uint32_t i = 0; i < sc->n_ops; i++) {
        int enough = x->obs.op[i].useful_in >= XENNA_MIN_SAMPLES;
        x->speed[i] = enough ? sim_bobs_rate(&x->obs, i) : 0;
        x->demand[i] = sim_bobs_interval_demand(&x->obs, i);
    }
    sim_bobs_reset(&x->obs);
    sim_realise_current(h, x->current);
    memcpy(x->counts, x->current, sc->n_ops * sizeof *x->counts);
    if (!sim_xenna_rebalance(sc, x->speed, x->demand, x->counts, XENNA_MAX_MOVES) ||
        !memcmp(x->counts, x->current, sc->n_ops * sizeof *x->counts))
        return SIM_OK;
    sim_status st = sim_realise_counts(h, x->counts, plan, NULL, err);
    snprintf(plan->reason, sizeof plan->reason, "xenna: the slowest stages got workers");
    return st;
}

const sim_policy_vtable sim_policy_xenna = {
    "xenna", "Cosmos-Xenna: every 180 s the slowest stage gets a worker, from a donor when full", 0, 1, NULL,
    create, step, destroy};
