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
 *   sim_realise_counts   both, for counts at default configs (what the parallelism-only baselines decide).
 *   sim_realise_grow     a few more instances where there is room now (the tick-by-tick autoscalers).
 *   sim_realise_fits     whether counts fit the empty cluster under the same packing (the capacity test of
 *                        DS2's and ContTune's searches for the largest sustainable rate).
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

/* sim_realise_pack at config 0 for every operator, then sim_realise_actions (all at once). */
sim_status sim_realise_counts(sim_host *h, const uint32_t *counts, sim_plan *plan, uint32_t *placed,
                              sim_error *err);

/* The deployment the pipeline declares (its per-operator counts, at least min_instances, at default configs),
 * packed and launched: where the adaptive baselines start, as an operator's first guess. */
sim_status sim_realise_declared(sim_host *h, sim_plan *plan, sim_error *err);

/* Incremental growth (autoscalers that add a few instances per tick): START actions, all in round 1, for add[op]
 * more instances of every operator at config 0, placed first-fit decreasing in the room left by every instance
 * alive (leaving ones still hold theirs); *placed receives how many fit per operator (may be NULL). */
sim_status sim_realise_grow(sim_host *h, const uint32_t *add, sim_plan *plan, uint32_t *placed, sim_error *err);

/* 1 if counts[op] instances of every operator fit the empty cluster (first-fit decreasing), else 0. */
int sim_realise_fits(const sim_scenario *sc, const uint32_t *counts);

/* Instances per operator that run or start (not leaving), into counts[0 .. n_ops). */
void sim_realise_current(const sim_host *h, uint32_t *counts);

#endif
