/* xenna.h -- Cosmos-Xenna's default autoscaler decision (NVIDIA cosmos-xenna, FRAGMENTATION_BASED:
 * src/pipelines/private/scheduling/autoscaling_algorithms.rs; research/baselines.md 6.3), as the `xenna` policy
 * uses it and its tests check it.
 *
 * A stage's throughput, in source items per second, is workers x per-worker speed / items the stage sees per
 * source item.  Starting from the current workers, repeatedly give the slowest measured stage one more worker;
 * when it does not fit the cluster, take one worker from a donor stage whose throughput after the removal stays
 * strictly above the current minimum (the donor with the highest post-removal throughput), provided that makes
 * it fit; stop when the slowest stage is at its maximum or no safe donor remains.  Stages without a speed
 * estimate (fewer than Xenna's 5 samples) are neither grown nor donors.
 * Deviation: placement is the shared realiser's first-fit decreasing over devices, cores and memory
 * (sim_realise_fits), not Xenna's fragmentation-gradient-descent packing; on whole-device accelerator
 * operators, as in the bundled pipelines, the two place the same number of workers. */
#ifndef SIM_XENNA_H
#define SIM_XENNA_H

#include "scenario.h"

/* speed[i]: items per worker-second (0: not measured); demand[i]: items stage i sees per source item.
 * counts (in/out): workers per stage.  Returns the number of moves made (additions, with or without a donor). */
uint32_t sim_xenna_rebalance(const sim_scenario *sc, const double *speed, const double *demand, uint32_t *counts,
                             uint32_t max_moves);

#endif
