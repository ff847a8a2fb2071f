/* policy_static.c -- the paper's "manually tuned" baseline: the optimal allocation for the first regime at
 * default configs, computed once from the true cost model, launched at time 0 and never changed. */
#include <stdio.h>
#include <stdlib.h>

#include "policy_truth.h"
#include "realiser.h"

static sim_status create(const sim_scenario *sc, uint64_t seed, const void *param, void **out, sim_error *err)
{
    (void)sc;
    (void)seed;
    (void)param;
    (void)err;
    *out = NULL; /* static keeps no state */
    return SIM_OK;
}

static sim_status step(void *state, sim_host *h, const sim_observation *obs, sim_plan *plan, sim_error *err)
{
    (void)state;
    if (!obs->first)
        return SIM_OK;
    const sim_scenario *sc = sim_host_scenario(h);
    double predicted = 0, *weights = calloc(sc->n_regimes, sizeof *weights);
    if (!weights)
        return sim_fail(err, SIM_E_NOMEM, "static: out of memory");
    weights[sim_host_regime(h)] = 1; /* the first regime */
    sim_status st = sim_truth_plan(h, weights, SIM_CONFIGS_DEFAULT, plan, &predicted, err);
    free(weights);
    if (st == SIM_OK)
        st = sim_realise_actions(h, plan, NULL, err);
    snprintf(plan->reason, sizeof plan->reason, "static: optimal for the first regime at default configs, "
             "%.4g items/s predicted", predicted);
    return st;
}

static void destroy(void *state)
{
    (void)state;
}

const sim_policy_vtable sim_policy_static = {
    "static", "optimal allocation for the first regime at default configs, then frozen", 1, 0, NULL, create, step,
    destroy};
