/* realiser.h -- turning decisions into plans, shared by every policy that does not place instances itself
 * (research/baselines.md section 8: one realiser isolates the policies' decisions from placement).
 *
 *   sim_realise_pack     per-operator instance counts and configs -> targets: instances that already run
 *                        (with that config) stay where they are, the rest are placed first-fit decreasing (by
 *                        device share, then by share of a machine's cores and memory) on the lowest-numbered
 *                        machine with room -- the same rules as libtrident's packing (docs/scheduling.md 4).
 *   sim_realise_actions  targets -> ordered actions against what runs now: round 1 stops what the targets drop
 *                        (freeing room), round 2 starts what they add, rounds 3.. restart instances in place
 *                        with their new config, all at once or rolling (at most B per operator and round).
 * Instances launched by a plan pay start + cold start; stopped ones drain first (engine_fleet.c). */
#ifndef SIM_REALISER_H
#define SIM_REALISER_H

#include "policy.h"

typedef struct sim_realise_options {
    /* Share of an operator's instances restarted per round for a config change: B = max(1, ceil(fraction x
     * instances)).  0: all at once. */
    double rolling_fraction;
} sim_realise_options;

/* Adds targets for counts[op] instances of every operator in config configs[op]; operators whose count does
 * not fit get as many as fit (*placed receives the number placed per operator, may be NULL). */
sim_status sim_realise_pack(sim_host *h, const uint32_t *counts, const uint32_t *configs, sim_plan *plan,
                            uint32_t *placed, sim_error *err);

/* Adds the actions that take the current deployment to plan->targets. */
sim_status sim_realise_actions(sim_host *h, sim_plan *plan, const sim_realise_options *opt, sim_error *err);

#endif
