/* truth.h -- the true cost model of a scenario, per workload regime: what the oracle knows and no real host
 * does.  Expectations are taken over a fixed sample of source items of the regime (independent of the run's
 * seed), pushed through the operators' flow rules in expectation. */
#ifndef SIM_TRUTH_H
#define SIM_TRUTH_H

#include "scenario.h"

typedef struct sim_truth_op {
    double D;               /* items entering the operator per source item                          */
    double out_per_in;      /* output items per input item                                          */
    double lat_scale;       /* item-weighted mean of the latency scale                               */
    double steps;           /* item-weighted mean of the steps multiplier                            */
    double mem_scale;       /* item-weighted mean of the memory scale                                */
    double mem_scale_p99;   /* its item-weighted 99th percentile (for configs that must never OOM)  */
    double part_items;      /* mean items per partition (one partition per source item)              */
    double out_bytes;       /* mean bytes per output item                                            */
} sim_truth_op;

typedef struct sim_truth {
    uint32_t regime;
    sim_truth_op *ops;
    double *edge_share;     /* share of the producer's output along each edge                       */
} sim_truth;

sim_status sim_truth_compute(const sim_scenario *sc, uint32_t regime, sim_truth *out, sim_error *err);
/* The same for a mixture of regimes: weights[g] >= 0 (n_regimes of them, not all 0) is regime g's share of the
 * sampled source items (stratified, so the result is deterministic).  out->regime is the heaviest. */
sim_status sim_truth_compute_mix(const sim_scenario *sc, const double *weights, sim_truth *out, sim_error *err);
void sim_truth_release(sim_truth *t);

/* True sustained rate of one instance of `op` running batches of `batch` items (0: whole partitions) under
 * full load: items per second per instance, or per device for a fractional-device operator (trd_rate's
 * convention).  The near-cap slowdown applies where the mean batch crosses the threshold. */
double sim_truth_rate(const sim_scenario *sc, const sim_truth *t, uint32_t op, uint32_t batch);
/* Device memory a batch of `batch` items needs at the p99 memory scale (0 for CPU operators). */
double sim_truth_demand_p99(const sim_scenario *sc, const sim_truth *t, uint32_t op, uint32_t batch);

#endif
