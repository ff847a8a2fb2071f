/* policy.h -- how a scheduling policy plugs into the simulator.
 *
 * A policy sees what a real host of libtrident would see and acts the way a host applies a libtrident plan:
 *
 *   - At time 0 and at the end of every observation window (simulation.window, default 10 s) the engine calls
 *     `step` with a sim_observation: the window's per-instance samples as trd_sample records (the very records
 *     trd_ctx_observe takes; only when the policy asks for them) and the events since the last call (instance
 *     up/down, OOM, config applied, plan done), plus the host's view of what runs where (sim_host_instances).
 *   - The policy answers with a sim_plan in libtrident's vocabulary: trd_target records (instances per operator,
 *     machine and config: the deployment aimed at) and trd_action records (START / STOP / RECONFIGURE, ordered
 *     by round), exactly what trd_plan_get_targets / trd_plan_get_actions return.  A policy that decides only
 *     per-operator counts (the baselines) lets the shared realiser (realiser.h) place them and derive the
 *     actions; the trident policy copies its trd_plan's records.
 *   - Config ids in samples, targets and actions are the simulator's (sim_host_config_values gives the knob
 *     values); ids below an operator's model config count equal libtrident's ids for the loaded model.
 *
 * Only `static` and `oracle` may read the truth (uses_truth): the true cost model (truth.h) and the regime
 * the workload is in (sim_host_regime); for every other policy sim_host_regime returns UINT32_MAX. */
#ifndef SIM_POLICY_H
#define SIM_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"
#include "trident.h"

/* Instance states as the host reports them. */
typedef enum sim_instance_state {
    SIM_INSTANCE_STARTING = 1,   /* launched; running start and cold start                        */
    SIM_INSTANCE_READY = 2,      /* serving                                                       */
    SIM_INSTANCE_DRAINING = 3,   /* finishing its running batches before a stop or a restart      */
    SIM_INSTANCE_STOPPING = 4,   /* running its stop time; resources still held                    */
    SIM_INSTANCE_RESTARTING = 5  /* restarting after an OOM or to change config                    */
} sim_instance_state;

typedef struct sim_instance_view {
    uint32_t id, op, node, member, config, state;
    uint32_t next_config;        /* config after a pending restart (RECONFIGURE), else config      */
    uint32_t reserved;
} sim_instance_view;

typedef enum sim_event_kind {
    SIM_EVENT_INSTANCE_UP = 1,       /* an instance became ready (after its start, or an OOM restart)    */
    SIM_EVENT_INSTANCE_DOWN = 2,     /* an instance stopped and released its resources                 */
    SIM_EVENT_OOM = 3,               /* an instance ran out of device memory: its batch goes back to the
                                        queue and the instance restarts, paying start and cold start     */
    SIM_EVENT_CONFIG_APPLIED = 4,    /* a reconfigured instance now runs `config` (it left from_config)  */
    SIM_EVENT_PLAN_DONE = 5,         /* every action of plan `plan_id` ran (outcome: SIM_OUTCOME_*)     */
    SIM_EVENT_PROBE_FINISHED = 6,    /* the probe of `config` (a PROBE action of plan `plan_id`) ended and its
                                        instance runs from_config again; device_mem_bytes: the peak device
                                        memory seen while probing (0 for a CPU operator: host memory is
                                        not simulated).  A probe that ran out of memory ends with SIM_EVENT_OOM
                                        instead, and its instance goes back to from_config silently         */
    SIM_EVENT_INSTANCE_LAUNCHED = 7  /* a START launched an instance: it holds its resources from now on and
                                        serves (INSTANCE_UP) after its start and cold start                 */
} sim_event_kind;

typedef enum sim_outcome {
    SIM_OUTCOME_APPLIED = 1,         /* every action took effect                                         */
    SIM_OUTCOME_PARTIAL = 2,         /* some START did not fit, or a later plan superseded this one      */
} sim_outcome;

/* Instance events name the plan whose action caused them in plan_id (0: none -- the restart after an OOM,
 * for instance, which keeps the instance's config and resources). */
typedef struct sim_event {
    uint64_t t_ns;
    uint32_t kind, op, node, member, instance, config;
    uint64_t plan_id;
    uint32_t outcome;
    uint32_t from_config;            /* CONFIG_APPLIED, PROBE_FINISHED: the config left / returned to;
                                        UINT32_MAX otherwise                                             */
    double device_mem_bytes;         /* OOM: the memory the batch needed; PROBE_FINISHED: the probe's peak */
    double duration_s;               /* INSTANCE_UP: start + cold start; CONFIG_APPLIED: the restart;
                                        INSTANCE_DOWN: the stop (what a host measures); 0 otherwise       */
} sim_event;

typedef struct sim_observation {
    uint64_t now_ns;
    int first;                       /* 1 for the call at time 0 (no samples yet)                        */
    const trd_sample *samples;       /* one per instance that served during the window                   */
    size_t n_samples;
    const sim_event *events;
    size_t n_events;
} sim_observation;

/* A plan, owned by the engine and handed to the policy empty.  Fill it with sim_plan_add_* (or leave it
 * empty for "no change").  Actions run round by round (trd_action.round); round r + 1 starts when every action
 * of round r finished (starts ready, stops done, restarts ready, probes running).  A new non-empty plan
 * supersedes the rest of the running one.
 *
 * TRD_ACTION_PROBE (libtrident's): one instance of `op` on (node, member) running from_config restarts in
 * place on `config` (paying stop, start and cold start, as a RECONFIGURE does), serves with it for
 * probe_duration_s -- its samples carry `config` -- then drains, restarts on from_config and reports
 * SIM_EVENT_PROBE_FINISHED.  The action is done (for its round) once the probe has begun: a probe is part of
 * no deployment and reports its end on its own, so a plan of probes holds nothing up. */
typedef struct sim_plan {
    uint64_t id;                     /* the id the plan gets if the policy fills it (set by the engine
                                        before step(); the events of its actions carry it)              */
    trd_target *targets;
    size_t n_targets, cap_targets;
    trd_action *actions;
    size_t n_actions, cap_actions;
    int instant;                     /* the oracle's privilege: the targets hold at once, with no start,
                                        stop or cold-start time (actions are ignored)                    */
    double probe_duration_s;         /* how long a PROBE action keeps its instance on the probed config  */
    char reason[256];
} sim_plan;

sim_status sim_plan_add_target(sim_plan *p, const trd_target *t);
sim_status sim_plan_add_action(sim_plan *p, const trd_action *a);
void sim_plan_clear(sim_plan *p);
void sim_plan_release(sim_plan *p);

typedef struct sim_host sim_host;

/* The scenario (cluster, pipeline, workload definition: what the host's operator knows). */
const sim_scenario *sim_host_scenario(const sim_host *h);
/* The current instances, in id order; returns how many there are (copies at most `cap`). */
size_t sim_host_instances(const sim_host *h, sim_instance_view *out, size_t cap);
/* The id of a config (knob values in knob order) of `op`, registering it if new. */
sim_status sim_host_config(sim_host *h, uint32_t op, const double *values, uint32_t *out_id);
/* The knob values of a config, or NULL. */
const double *sim_host_config_values(const sim_host *h, uint32_t op, uint32_t config);
uint32_t sim_host_config_count(const sim_host *h, uint32_t op);
/* Truth (uses_truth policies only): the regime of the items the source is emitting now; UINT32_MAX else. */
uint32_t sim_host_regime(const sim_host *h);
/* Truth: the number of source items of each regime in the pipeline (entered, not yet left), into
 * out[0 .. n_regimes); returns 0, or -1 for a policy without truth.  Such policies are also stepped the moment
 * the source reaches a new workload segment. */
int sim_host_regime_items(const sim_host *h, uint64_t *out);

/* What a host's executor knows at any moment, between windows too (Ray Data's OpState: queued blocks, tasks in
 * flight).  Policies that decide on every tick of an executor loop read it and ask for the ticks. */
typedef struct sim_op_load {
    uint64_t queued_items;     /* items waiting in the operator's input queue                         */
    uint32_t queued_parts;     /* ... in that many partitions                                          */
    uint64_t inflight_items;   /* items in running batches                                             */
    double queued_bytes;       /* bytes of the queued items                                            */
} sim_op_load;

void sim_host_op_load(const sim_host *h, uint32_t op, sim_op_load *out);
/* Items instance `id` is processing now (0: idle, or not alive). */
uint32_t sim_host_instance_inflight(const sim_host *h, uint32_t id);
/* Simulated time now, in seconds. */
double sim_host_now(const sim_host *h);
/* Asks for one more step at `at_s` (>= now) without closing the window: obs then carries events but no samples.
 * At most one wake-up is pending; an earlier request replaces a later one. */
void sim_host_wake(sim_host *h, double at_s);

/* A policy.  create() makes its state (NULL is a valid state); step() runs at time 0 (obs->first) and at the
 * end of every window; destroy() releases the state and accepts NULL.  A failing step() stops the run with
 * its status and message. */
typedef struct sim_policy_vtable {
    const char *name;
    const char *description;
    int uses_truth;
    int wants_samples;
    const void *param;  /* handed to create(): lets one implementation serve several settings (tests, baselines) */
    sim_status (*create)(const sim_scenario *sc, uint64_t seed, const void *param, void **out_state, sim_error *err);
    sim_status (*step)(void *state, sim_host *host, const sim_observation *obs, sim_plan *plan, sim_error *err);
    void (*destroy)(void *state);
} sim_policy_vtable;

/* The built-in policies by name ("static", "oracle"), or NULL. */
const sim_policy_vtable *sim_policy_find(const char *name);
/* The index-th built-in policy (0, 1, ...), or NULL past the last. */
const sim_policy_vtable *sim_policy_at(size_t index);

#endif
