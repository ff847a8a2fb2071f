/* optimal.h -- the optimal allocation for known rates, from libtrident's own MILP (trd_ctx_plan_with_rates):
 * one optimiser for the library and the reference policies.  The model is rebuilt through the public API with
 * the regime's true item ratios and routing shares (the YAML's are priors), no knobs and no deployment. */
#ifndef SIM_OPTIMAL_H
#define SIM_OPTIMAL_H

#include "policy.h"
#include "truth.h"

/* Adds to `plan` the targets (config 0; the caller sets configs) of the throughput-optimal deployment for the
 * per-operator `rates` (trd_rate.items_per_s semantics) under the regime `t`; *predicted receives the MILP's
 * predicted throughput in source items/s. */
sim_status sim_optimal_targets(const sim_scenario *sc, const sim_truth *t, const double *rates, sim_plan *plan,
                               double *predicted, sim_error *err);

#endif
