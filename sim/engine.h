/* engine.h -- one simulated run: a scenario, a policy and a seed in, a sim_result out.
 *
 * The engine is a deterministic discrete-event simulator of the streaming-batch model (docs/simulator.md):
 * source items (documents, videos) enter at the source operator; every operator's input is a bounded queue of
 * partitions (the items of one source item at that operator); instances pull batches from it when every
 * downstream queue has room (backpressure); batches pay transfer time for partitions produced on another
 * machine (bytes / NIC bandwidth, queued behind earlier transfers on both NICs), then their cost; outputs fan
 * out, are filtered, routed by modality and joined again.  Same scenario, policy and seed: the same result,
 * event for event. */
#ifndef SIM_ENGINE_H
#define SIM_ENGINE_H

#include <stdint.h>

#include "policy.h"
#include "scenario.h"

#define SIM_MAX_SEGMENTS 64

typedef struct sim_result {
    char policy[32];
    uint64_t seed;
    int finished;                 /* every source item left the pipeline before max_time                 */
    uint64_t items;               /* source items that entered                                           */
    uint64_t items_output;        /* ... that left as output (at least one item reached a sink)          */
    uint64_t items_filtered;      /* ... that every filter on their way dropped                          */
    double makespan_s;            /* simulated time when the last one left (max_time if unfinished)      */
    double throughput_per_s;      /* items / makespan                                                    */
    double mean_latency_s;        /* mean time from entering to leaving                                  */
    double wall_s;                /* wall-clock seconds the run took                                     */
    uint64_t events;              /* events processed                                                    */
    uint64_t ooms;                /* batches lost to out-of-memory (their items were retried)            */
    uint64_t plans;               /* non-empty plans the policy issued                                   */
    uint64_t reconfigurations;    /* plans after time 0 that changed the deployment (start/stop/restart) */
    uint64_t instance_starts, instance_stops, instance_restarts;
    double util_cpu, util_gpu;    /* busy share of all CPU cores (CPU operators) / of all devices         */
    double alloc_cpu, alloc_gpu;  /* allocated share of all CPU cores / devices                          */
    uint64_t capacity_violations; /* resource checks that found a machine over capacity (must be 0)      */
    uint64_t items_lost;          /* finished runs: source items neither output nor filtered, plus items
                                     delivered to an operator it never took (must be 0)                  */
    double bin_s;
    uint32_t n_bins;
    double *bins;                 /* source items leaving per second, per bin of bin_s                   */
    uint32_t n_segments;
    double segment_start_s[SIM_MAX_SEGMENTS]; /* when the source took the first item of each workload segment */
    uint32_t n_ops;
    uint64_t *op_items_in, *op_items_out;     /* items each operator took (net of retries) and emitted    */
    uint64_t *op_items_queued;                /* items delivered into each operator's queue              */
} sim_result;

typedef struct sim_run_options {
    uint64_t seed;                /* 0: the scenario's seed                                             */
    /* Called about every `progress_every_s` wall seconds with the simulated time and the share of source
     * items done; NULL for none. */
    void (*progress)(void *user, double sim_time_s, double done_fraction);
    void *user;
    double progress_every_s;
    /* Called with every plan the engine accepts (before it runs); NULL for none. */
    void (*on_plan)(void *user, double sim_time_s, const sim_plan *plan);
} sim_run_options;

/* Runs `policy` on `sc`.  On success *out holds the result (release with sim_result_release).  An unfinished
 * run (max_time reached) is a success with finished = 0. */
sim_status sim_run(const sim_scenario *sc, const sim_policy_vtable *policy, const sim_run_options *opt,
                   sim_result *out, sim_error *err);
void sim_result_release(sim_result *r);

#endif
