/* policy_truth.h -- what the two reference policies share: an optimal deployment computed from the true cost
 * model of one regime, either at every operator's default config (static) or at the best config the truth
 * allows (oracle). */
#ifndef SIM_POLICY_TRUTH_H
#define SIM_POLICY_TRUTH_H

#include "policy.h"

typedef enum sim_config_choice {
    SIM_CONFIGS_DEFAULT = 1, /* config 0 of every operator                                                 */
    SIM_CONFIGS_BEST = 2     /* per operator the batch-knob value with the highest true rate whose p99
                                batch stays below the near-cap threshold and below the cap even with a spike */
} sim_config_choice;

/* Fills plan->targets with the optimal deployment for the workload mixing the regimes by `weights` (one per
 * regime; configs as chosen); *predicted receives the MILP's throughput.  With SIM_CONFIGS_BEST a config must be
 * safe in every regime of positive weight, so that no item in the pipeline can run it out of memory. */
sim_status sim_truth_plan(sim_host *h, const double *weights, sim_config_choice choice, sim_plan *plan,
                          double *predicted, sim_error *err);

#endif
