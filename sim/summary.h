/* summary.h -- results of several runs (policies x seeds) of one or more scenarios, aggregated and written as
 * summary.json and summary.md, plus the throughput-over-time series behind the plot. */
#ifndef SIM_SUMMARY_H
#define SIM_SUMMARY_H

#include <stdio.h>

#include "engine.h"

typedef struct sim_summary_scenario {
    char name[64];
    uint64_t items;
    uint32_t n_segments;
    char segment_regime[SIM_MAX_SEGMENTS][64];
    uint32_t n_policies, n_seeds;
    sim_result *runs;          /* n_policies x n_seeds, policy-major */
} sim_summary_scenario;

/* Means over seeds of one policy's figures. */
typedef struct sim_policy_stats {
    double throughput, makespan_s, latency_s, ooms, reconfigurations, plans;
    double util_cpu, util_gpu, alloc_cpu, alloc_gpu;
    double wall_s, sim_per_wall;
    double throughput_vs_static, fraction_of_oracle; /* NaN without a static / oracle run */
    int finished;              /* every seed finished */
} sim_policy_stats;

void sim_summary_stats(const sim_summary_scenario *s, uint32_t policy, sim_policy_stats *out);

/* Writes the JSON document for all scenarios; timing 0 leaves out the wall-clock figures (sim_seconds,
 * sim_time_per_wall_s), which are the only ones that differ between identical runs. */
int sim_summary_write_json(FILE *f, const sim_summary_scenario *s, uint32_t n, int timing);
int sim_summary_write_markdown(FILE *f, const sim_summary_scenario *s, uint32_t n, const char *command);
/* One run's result as JSON (trident-sim run --json). */
int sim_result_write_json(FILE *f, const char *scenario, const sim_result *r, int timing);

#endif
