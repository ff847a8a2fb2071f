/* policy_oracle.c -- the upper bound: the optimal allocation and configs from the true cost model for the
 * workload actually in the pipeline, switched instantly at no cost (instant plans: no start, stop or
 * cold-start time).  In a steady regime that is the regime's optimum.  Across a regime change the pipeline
 * holds items of both regimes for a while, so the oracle plans for their mixture (weighted by the source items
 * of each regime still in the pipeline) and keeps every config safe for all of them, re-planning as the mix
 * moves; planning for the new regime alone would starve the operators still busy with the old one. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_truth.h"

#define MIX_STEP 0.1 /* re-plan when a regime's share of the pipeline moved by this much */

typedef struct oracle {
    uint32_t n;
    double *planned;  /* regime shares at the last plan (all 0 before the first) */
    uint64_t *items;
    double *share;
} oracle;

static void destroy(void *state)
{
    oracle *o = state;
    if (o) {
        free(o->planned);
        free(o->items);
        free(o->share);
    }
    free(o);
}

static sim_status create(const sim_scenario *sc, uint64_t seed, const void *param, void **out, sim_error *err)
{
    (void)seed;
    (void)param;
    oracle *o = calloc(1, sizeof *o);
    if (o) {
        o->n = sc->n_regimes;
        o->planned = calloc(o->n, sizeof *o->planned);
        o->items = calloc(o->n, sizeof *o->items);
        o->share = calloc(o->n, sizeof *o->share);
    }
    if (!o || !o->planned || !o->items || !o->share) {
        destroy(o);
        return sim_fail(err, SIM_E_NOMEM, "oracle: out of memory");
    }
    *out = o;
    return SIM_OK;
}

static sim_status step(void *state, sim_host *h, const sim_observation *obs, sim_plan *plan, sim_error *err)
{
    (void)obs;
    oracle *o = state;
    if (sim_host_regime_items(h, o->items) != 0)
        return sim_fail(err, SIM_E_INVALID, "oracle: the engine denies it the truth");
    double total = 0;
    for (uint32_t g = 0; g < o->n; g++)
        total += (double)o->items[g];
    if (total == 0) { /* nothing entered yet: the regime at the source */
        o->items[sim_host_regime(h)] = 1;
        total = 1;
    }
    int replan = 0;
    for (uint32_t g = 0; g < o->n; g++) {
        o->share[g] = (double)o->items[g] / total;
        replan |= (o->share[g] > 0) != (o->planned[g] > 0) || fabs(o->share[g] - o->planned[g]) > MIX_STEP;
    }
    if (!replan)
        return SIM_OK;
    memcpy(o->planned, o->share, o->n * sizeof *o->share);
    double predicted = 0;
    sim_status st = sim_truth_plan(h, o->share, SIM_CONFIGS_BEST, plan, &predicted, err);
    plan->instant = 1;
    const sim_scenario *sc = sim_host_scenario(h);
    size_t len = (size_t)snprintf(plan->reason, sizeof plan->reason, "oracle:");
    for (uint32_t g = 0; g < o->n && len < sizeof plan->reason; g++)
        if (o->share[g] > 0)
            len += (size_t)snprintf(plan->reason + len, sizeof plan->reason - len, " %s %.0f%%", sc->regimes[g].name,
                                    100 * o->share[g]);
    if (len < sizeof plan->reason)
        snprintf(plan->reason + len, sizeof plan->reason - len, ", %.4g items/s predicted", predicted);
    return st;
}

const sim_policy_vtable sim_policy_oracle = {
    "oracle", "per regime the optimal allocation and configs from the true cost model, switched instantly", 1, 0,
    NULL, create, step, destroy};
