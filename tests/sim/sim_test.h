/* sim_test.h -- helpers for the simulator's tests: scenarios from tests/sim/data and examples/pipelines, and a
 * scripted policy that deploys fixed instances and records what the engine tells it. */
#ifndef SIM_TEST_H
#define SIM_TEST_H

#include "test_support.h"

#include "engine.h"
#include "policy.h"
#include "realiser.h"
#include "scenario.h"

/* Loads TRIDENT_SOURCE_DIR/rel (items > 0 overrides the workload's count); fails the test on error. */
sim_scenario *sim_test_load(const char *rel, uint64_t items);

/* One group of instances the scripted policy starts: `count` of operator `op` on (node, member) with batch-knob
 * value `batch` (0: config 0). */
typedef struct sim_test_deploy {
    const char *op;
    uint32_t node, member, count, batch;
} sim_test_deploy;

/* What the scripted policy does and what it saw. */
typedef struct sim_test_script {
    const sim_test_deploy *deploy;
    size_t n_deploy;
    int instant;                   /* 1: warm at time 0 (instant plan); 0: START actions (cold)      */
    /* Optional hook at every later window (e.g. realiser tests); may fill the plan. */
    sim_status (*on_window)(struct sim_test_script *s, sim_host *h, const sim_observation *obs, sim_plan *plan,
                            sim_error *err);
    void *user;
    /* Records */
    size_t windows, samples, events_by_kind[8];
    uint32_t last_outcome;
    double max_device_peak;        /* largest device_mem_peak_bytes in any sample                    */
} sim_test_script;

/* A policy vtable running `script` (wants samples). */
sim_policy_vtable sim_test_policy(sim_test_script *script);

/* Runs and fails the test on error. */
void sim_test_run(const sim_scenario *sc, const sim_policy_vtable *pv, uint64_t seed, sim_result *out);
/* Runs `script` as the policy. */
void sim_test_run_script(const sim_scenario *sc, sim_test_script *script, uint64_t seed, sim_result *out);

/* The operator's id by name; fails the test if absent. */
uint32_t sim_test_op(const sim_scenario *sc, const char *name);

/* Asserts the conservation laws of a finished run (docs/simulator.md): every source item left as output or
 * filtered, every item delivered to an operator was taken, chains pass on what they emit, a join takes what
 * its branches emit, no machine was ever over capacity. */
void sim_test_assert_conservation(const sim_scenario *sc, const sim_result *r);

#endif
