/* engine_internal.h -- the engine's state, shared by its files:
 *   engine.c          the run: set-up, the event loop, results
 *   engine_heap.c     the event queue (a binary heap ordered by time, then insertion)
 *   engine_flow.c     source items, partitions, queues, fan-out, filters, routing, joins
 *   engine_work.c     batches: backpressure, dispatch, transfers, costs, devices, OOM
 *   engine_fleet.c    instances and the resources they hold
 *   engine_plans.c    plans and their actions, round by round
 *   engine_probe.c    PROBE actions: an instance on a candidate config for a while, then back
 *   engine_host.c     the host view policies query
 *   engine_observe.c  windows, samples and events for the policy, utilisation, the timeline */
#ifndef SIM_ENGINE_INTERNAL_H
#define SIM_ENGINE_INTERNAL_H

#include <stdint.h>

#include "engine.h"
#include "sim_grow.h"
#include "sim_random.h"

#define SIM_NONE UINT32_MAX
/* Partitions one batch may draw from (a batch of 128 one-document partitions needs 128). */
#define SIM_MAX_BATCH_PARTS 256

typedef enum ev_kind {
    EV_WINDOW = 1,       /* end of an observation window: samples, policy step             */
    EV_ARRIVAL,          /* a source item arrives (open workload)                          */
    EV_INSTANCE_READY,   /* start (+ cold start) or restart finished                      */
    EV_INSTANCE_GONE,    /* stop finished                                                  */
    EV_JOB_FETCHED,      /* a batch's inputs arrived; it starts computing                  */
    EV_JOB_DONE,         /* a batch finished (or ran out of memory)                        */
    EV_WAKE,             /* a step the policy asked for between windows (sim_host_wake)    */
    EV_PROBE_END         /* a probe's time is up: its instance goes back to its config     */
} ev_kind;

typedef struct sim_ev {
    double t;
    uint64_t seq;
    uint32_t kind, id;
    uint64_t ver;
} sim_ev;

typedef struct sim_heap {
    sim_ev *v;
    size_t n, cap;
    uint64_t seq;
} sim_heap;

int sim_heap_push(sim_heap *h, double t, uint32_t kind, uint32_t id, uint64_t ver);
int sim_heap_pop(sim_heap *h, sim_ev *out);
void sim_heap_free(sim_heap *h);

/* The items of one source item waiting for (or being processed by) one operator. */
typedef struct sim_part {
    uint32_t doc, op;
    uint32_t n, taken, done;
    uint32_t machine;          /* where its bytes are; SIM_NONE: object storage (no NIC charge) */
    double bytes_per_item;
    struct sim_part *next_free;
} sim_part;

typedef struct sim_queue {
    sim_part **buf;
    uint32_t head, len, cap;
    uint64_t items;            /* items not yet taken */
} sim_queue;

typedef struct sim_doc {
    uint32_t regime;
    uint32_t live;             /* partitions alive */
    uint32_t fork_expected, fork_arrived;
    uint32_t join_items, join_machine;
    double join_bytes;
    int in_fork;
    uint64_t output;
    double t_enter;
} sim_doc;

typedef struct sim_seg {
    sim_part *p;
    uint32_t n;
} sim_seg;

typedef struct sim_job {
    uint32_t inst, n_items, n_segs;
    sim_seg segs[SIM_MAX_BATCH_PARTS];
    double work, rate, t_last;   /* accelerator jobs: device-seconds left, share of the device, last update */
    double lat_scale, mem_scale, steps; /* sums over the job's items */
    uint64_t ver;
    int oom, computing, used;
    uint32_t next_free;
} sim_job;

typedef struct sim_inst {
    uint32_t op, machine, config, next_config, state;
    uint32_t device, n_devices;
    uint32_t batch;
    uint32_t jobs, computing, inflight;
    double inflight_lat, inflight_mem, inflight_steps;
    uint64_t ver;
    uint64_t plan_id;
    int alive, in_ready, restart_pending;
    double busy_since;
    double changed_at;         /* when its start, restart or stop began (durations in events) */
    /* A probe (engine_probe.c): phase, the config it returns to, the plan that asked, its peak memory. */
    int probe, probe_oom;
    uint32_t probe_config, probe_from;
    uint64_t probe_plan;
    double probe_s, probe_peak;
    /* the current window */
    int w_served;
    uint64_t w_in, w_out;
    double w_bytes_in, w_bytes_out, w_busy, w_peak_mem;
    double w_feat[TRD_MAX_FEATURES], last_feat[TRD_MAX_FEATURES];
} sim_inst;

typedef struct sim_device {
    double share_used;
    uint32_t whole;            /* held by a whole-device instance */
    uint32_t active;           /* instances with a computing job on it */
    uint32_t *jobs;            /* computing jobs */
    uint32_t n_jobs;
    size_t cap_jobs;
    double busy_since, busy_total;
} sim_device;

typedef struct sim_mstate {
    double cpus_used, mem_used;
    double egress_free, ingress_free;
} sim_mstate;

typedef struct sim_configs {
    uint32_t n;
    size_t cap;
    double *values;            /* n x n_knobs */
} sim_configs;

typedef struct sim_exec {
    int active;
    sim_plan plan;
    uint32_t round;            /* the round running */
    uint32_t pending;          /* its actions not finished */
    int partial;
} sim_exec;

struct sim_host {
    const sim_scenario *sc;
    const sim_policy_vtable *pv;
    void *pstate;
    sim_error *err;
    sim_status fatal;
    uint64_t seed;
    double now;
    sim_heap heap;

    sim_doc *docs;
    double *doc_features;      /* items x n_features */
    uint64_t next_doc, docs_resolved;
    uint32_t segment;          /* workload segment the source is in */
    int segment_changed;       /* the source just entered a new segment (truth policies are stepped) */
    uint64_t *regime_live;     /* source items of each regime not yet resolved */
    double latency_sum;

    sim_queue *queues;
    sim_part *free_parts;
    sim_part **part_blocks;
    size_t n_part_blocks, cap_part_blocks;

    sim_job *jobs;
    uint32_t n_jobs, free_job;
    size_t cap_jobs;

    sim_inst *insts;
    uint32_t n_insts;
    size_t cap_insts;
    uint32_t **ready;          /* per operator: instances that may take work */
    uint32_t *n_ready;
    size_t *cap_ready;

    sim_mstate *mach;
    sim_device *dev;
    sim_configs *configs;
    sim_rng *cost_rng, arrival_rng;

    uint8_t *dirty;
    uint32_t n_dirty;
    uint64_t *op_inflight;     /* items in jobs, per operator */
    uint8_t *waiting;          /* operators holding back a partial batch until more input comes */
    uint32_t **ancestors;      /* per operator: every operator upstream of it */
    uint32_t *n_ancestors;

    sim_exec exec;
    uint64_t next_plan_id;
    double wake_t;             /* the pending wake-up the policy asked for; < 0: none */
    uint64_t wake_ver;
    /* sim_host_instances' cache (it takes a const host; the cache is reached through a pointer to this). */
    struct sim_alive_cache {
        uint32_t *ids;         /* ids alive at its last call, in order */
        size_t n, cap;
        uint32_t scanned;      /* instances created before that call */
    } alive_store, *alive;

    /* observation */
    double window_start;
    sim_event *events;
    size_t n_events, cap_events;
    trd_sample *samples;
    size_t cap_samples;
    uint64_t *queue_at_window_start;
    double cpu_busy_core_s, alloc_core_s, alloc_device_s, alloc_t, cpus_alloc, devices_alloc;
    double cpu_total, last_progress_wall;

    const sim_run_options *opt;
    sim_result *res;
};

typedef struct sim_host sim_engine;

/* The ids of the instances alive, ascending (sim_host_instances' cache); NULL when out of memory. */
const uint32_t *sim_alive_ids(const sim_engine *e, size_t *n);

/* engine_flow.c */
sim_status sim_flow_init(sim_engine *e);
void sim_flow_free(sim_engine *e);
void sim_flow_feed_source(sim_engine *e);
void sim_flow_arrival(sim_engine *e);
sim_part *sim_flow_queue_head(sim_engine *e, uint32_t op);
void sim_flow_take(sim_engine *e, uint32_t op, sim_part *p, uint32_t n);
void sim_flow_requeue(sim_engine *e, const sim_seg *segs, uint32_t n_segs);
void sim_flow_complete(sim_engine *e, sim_part *p, uint32_t machine, sim_inst *by);
const double *sim_flow_features(const sim_engine *e, uint32_t doc);
int sim_flow_downstream_room(const sim_engine *e, uint32_t op);

/* engine_work.c */
sim_status sim_work_init(sim_engine *e);
void sim_work_free(sim_engine *e);
void sim_work_dispatch(sim_engine *e, uint32_t op);
void sim_work_fetched(sim_engine *e, uint32_t job, uint64_t ver);
void sim_work_done(sim_engine *e, uint32_t job, uint64_t ver);
/* Abandons every job of an instance (OOM crash, instant plans): items back to the queue. */
void sim_work_abandon(sim_engine *e, uint32_t inst);
void sim_mark_dirty(sim_engine *e, uint32_t op);
void sim_ready_push(sim_engine *e, uint32_t inst);

/* engine_fleet.c */
sim_status sim_fleet_init(sim_engine *e);
void sim_fleet_free(sim_engine *e);
/* Launches an instance on machine m if it fits (warm: ready at once); returns its id or SIM_NONE. */
uint32_t sim_fleet_launch(sim_engine *e, uint32_t op, uint32_t m, uint32_t config, int warm);
/* Takes (sign +1) or gives back (-1) an instance's cores, memory and device share. */
void sim_fleet_reserve(sim_engine *e, sim_inst *in, int sign);
void sim_fleet_ready(sim_engine *e, uint32_t inst, uint64_t ver);
void sim_fleet_gone(sim_engine *e, uint32_t inst, uint64_t ver);
/* An instance has no jobs left: finish a drain (stop or restart). */
void sim_fleet_drained(sim_engine *e, uint32_t inst);
void sim_fleet_crash(sim_engine *e, uint32_t inst);
/* An instance event for the policy (from_config SIM_NONE where the kind has none). */
void sim_fleet_emit(sim_engine *e, uint32_t kind, uint32_t inst, uint32_t config, uint32_t from_config,
                    uint64_t plan_id, double duration_s, double mem_bytes);

/* engine_probe.c.  Probe phases of sim_inst.probe: */
enum { SIM_PROBE_NONE = 0, SIM_PROBE_STARTING, SIM_PROBE_RUNNING, SIM_PROBE_RETURNING };
/* Starts a probe of `config` for duration_s on instance `inst` (picked by the plan), for plan `plan_id`. */
void sim_probe_start(sim_engine *e, uint32_t inst, uint32_t config, double duration_s, uint64_t plan_id);
/* The instance became ready in a probe phase (STARTING or RETURNING): handled here. */
void sim_probe_ready(sim_engine *e, uint32_t inst);
/* EV_PROBE_END. */
void sim_probe_end(sim_engine *e, uint32_t inst, uint64_t ver);
/* The probing instance ran out of memory (the OOM event is out): the probe ends, the instance returns. */
void sim_probe_crash(sim_engine *e, uint32_t inst);
/* A plan stops or restarts the probing instance (it counts as one on probe_from): the probe ends now. */
void sim_probe_abort(sim_engine *e, uint32_t inst);
/* The memory a probing instance's batch reached. */
void sim_probe_memory(sim_inst *in, double bytes);

/* engine_plans.c */
sim_status sim_plans_accept(sim_engine *e, sim_plan *plan);
/* An instance launched, stopped or restarted by plan `plan_id` finished its part. */
void sim_plans_progress(sim_engine *e, uint64_t plan_id);
double sim_op_cfg_batch(const sim_engine *e, uint32_t op, uint32_t config);

/* engine_observe.c */
sim_status sim_observe_init(sim_engine *e);
void sim_observe_free(sim_engine *e);
sim_status sim_observe_event(sim_engine *e, const sim_event *ev);
/* Builds the window's samples into e->samples; returns how many. */
size_t sim_observe_close_window(sim_engine *e);
void sim_observe_busy(sim_engine *e, sim_inst *in, int delta);
void sim_observe_device(sim_engine *e, uint32_t device, int was_active);
void sim_observe_alloc(sim_engine *e, double d_cpus, double d_devices);
void sim_observe_resolved(sim_engine *e, uint32_t doc);
void sim_observe_finish(sim_engine *e);

/* Stops the run with a status (the first one wins). */
void sim_abort(sim_engine *e, sim_status st, const char *fmt, ...) SIM_PRINTF(3, 4);

#endif
