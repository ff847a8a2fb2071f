/* baseline_obs.h -- what the measurement-driven baselines (DS2, ContTune, Xenna) read from a host, in one place:
 * per operator the items taken and emitted and the useful (busy) time of the window's samples, accumulated over
 * a decision interval; the items each operator took since the start (their ratios to the source's give the
 * items an operator sees per source item, and the shares of a routing operator's branches); and whether the
 * policy's last plan is still running, so that decisions wait for a settled deployment (DS2's warm-up).
 *
 * Rates are pooled over the instances that did useful work: items / useful seconds, DS2's "true processing rate"
 * per instance (Kalavri et al., OSDI 2018, section 3.2).  Instances that reported no useful time say nothing
 * about the rate and are left out of it. */
#ifndef SIM_BASELINE_OBS_H
#define SIM_BASELINE_OBS_H

#include "policy.h"

typedef struct sim_bobs_op {
    /* accumulated since the last sim_bobs_reset */
    double items_in, items_out;   /* over every reporting instance                                       */
    double useful_in, useful_out; /* over the instances with useful time                                  */
    double busy_s;                /* their useful seconds                                                 */
    double instance_windows;      /* instances reporting, summed over windows (/ windows: mean instances) */
    double queue_end;             /* items queued at the end of the last window                           */
    /* since the start */
    uint64_t cum_in, cum_out;
} sim_bobs_op;

typedef struct sim_bobs {
    const sim_scenario *sc;
    sim_bobs_op *op;
    double windows, window_s;     /* windows accumulated and their total length                           */
    uint64_t plans_issued, plans_done;
    double settled_since_s;       /* when the last plan finished (0 before any)                            */
    uint64_t ooms;                /* OOM events seen                                                       */
} sim_bobs;

sim_status sim_bobs_init(sim_bobs *b, const sim_scenario *sc, sim_error *err);
void sim_bobs_free(sim_bobs *b);
/* Folds one observation: samples into the accumulators and the cumulative counts, PLAN_DONE and OOM events. */
void sim_bobs_update(sim_bobs *b, const sim_observation *obs);
/* Call after step() filled `plan`: counts it if the engine will run it (it has actions). */
void sim_bobs_issued(sim_bobs *b, const sim_plan *plan, double now_s);
/* Clears the accumulators (a new decision interval). */
void sim_bobs_reset(sim_bobs *b);
/* 1 when no plan of the policy is running and the last one finished at least `warm_up_s` ago. */
int sim_bobs_settled(const sim_bobs *b, double now_s, double warm_up_s);

/* True processing rate per instance (items per useful second) over the interval; 0 without useful time. */
double sim_bobs_rate(const sim_bobs *b, uint32_t op);
/* Output items per input item: over the interval, else observed since the start, else the model's prior (items_out_per_in), else 1. */
double sim_bobs_selectivity(const sim_bobs *b, uint32_t op);
/* Items operator `op` took per source item since the start; 0 before the source took any. */
double sim_bobs_demand(const sim_bobs *b, uint32_t op);
/* Items operator `op` took per source item over the interval, else since the start (sim_bobs_demand). */
double sim_bobs_interval_demand(const sim_bobs *b, uint32_t op);
/* Share of producer `from`'s output that goes along its out edge `k` (index into ops[from].out_edges): 1 for
 * broadcast; for a routing operator its branches' share of the intake over the interval, else since the start,
 * else the model's edge share. */
double sim_bobs_edge_share(const sim_bobs *b, uint32_t from, uint32_t k);

/* An operator's instance limit, with 0 ("no limit") as UINT32_MAX. */
uint32_t sim_bobs_max_instances(const sim_op *o);

#endif
