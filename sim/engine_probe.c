/* engine_probe.c -- PROBE actions (libtrident's TRD_ACTION_PROBE): one instance measures a candidate config
 * for a while and comes back.  It is an instance like any other -- it holds its resources, serves with the
 * probed config's batch size and costs, and its samples carry that config -- so what the policy learns from it
 * is what a real host would measure.  Phases (sim_inst.probe):
 *   STARTING   draining, then restarting in place on the probed config (stop, start and cold start, as a
 *              RECONFIGURE pays); the plan's action is done once the probe has begun (a probe is part of no
 *              deployment, and its end is reported on its own), so a plan of probes holds nothing up;
 *   RUNNING    serving with the probed config for probe_s; device memory peaks are recorded;
 *   RETURNING  draining (never preempting a batch), then restarting on the config it left; when it serves
 *              again SIM_EVENT_PROBE_FINISHED reports the probe with its peak.
 * An OOM while RUNNING or RETURNING ends the probe (the OOM event is the report): the instance restarts on
 * the config it left and comes back without a PROBE_FINISHED.  A plan that stops or restarts the instance in
 * the meantime ends the probe early (engine_plans.c picks probing instances last). */
#include "engine_internal.h"

void sim_probe_memory(sim_inst *in, double bytes)
{
    if (in->probe != SIM_PROBE_NONE && bytes > in->probe_peak)
        in->probe_peak = bytes;
}

/* Drains the instance for a restart onto `config`; an idle one restarts at once. */
static void restart_on(sim_engine *e, uint32_t id, uint32_t config)
{
    sim_inst *in = &e->insts[id];
    in->next_config = config;
    in->restart_pending = 1;
    in->state = SIM_INSTANCE_DRAINING;
    if (in->jobs == 0)
        sim_fleet_drained(e, id);
}

void sim_probe_start(sim_engine *e, uint32_t id, uint32_t config, double duration_s, uint64_t plan_id)
{
    sim_inst *in = &e->insts[id];
    in->probe = SIM_PROBE_STARTING;
    in->probe_oom = 0;
    in->probe_from = in->config;
    in->probe_config = config;
    in->probe_plan = plan_id;
    in->probe_s = duration_s > 0 ? duration_s : 0;
    in->probe_peak = 0;
    restart_on(e, id, config);
}

/* The end of a probe for the policy (none after an OOM, which was the report). */
static void report(sim_engine *e, uint32_t id)
{
    sim_inst *in = &e->insts[id];
    if (!in->probe_oom)
        sim_fleet_emit(e, SIM_EVENT_PROBE_FINISHED, id, in->probe_config, in->probe_from, in->probe_plan, 0,
                       in->probe_peak);
}

void sim_probe_ready(sim_engine *e, uint32_t id)
{
    sim_inst *in = &e->insts[id];
    if (in->probe == SIM_PROBE_STARTING) {
        in->config = in->next_config;
        in->probe = SIM_PROBE_RUNNING;
        in->probe_peak = 0; /* device memory as batches run; host memory is not simulated (0: not measured) */
        sim_heap_push(&e->heap, e->now + in->probe_s, EV_PROBE_END, id, in->ver);
    } else {
        report(e, id);
        in->config = in->next_config;
        in->probe = SIM_PROBE_NONE;
    }
    in->batch = (uint32_t)sim_op_cfg_batch(e, in->op, in->config);
    in->state = SIM_INSTANCE_READY;
    sim_ready_push(e, id);
}

void sim_probe_end(sim_engine *e, uint32_t id, uint64_t ver)
{
    if (id >= e->n_insts)
        return;
    sim_inst *in = &e->insts[id];
    if (!in->alive || in->ver != ver || in->probe != SIM_PROBE_RUNNING)
        return; /* ended early (OOM, or a plan took the instance) */
    in->probe = SIM_PROBE_RETURNING;
    restart_on(e, id, in->probe_from);
}

void sim_probe_crash(sim_engine *e, uint32_t id)
{
    sim_inst *in = &e->insts[id];
    in->probe_oom = 1;
    in->probe = SIM_PROBE_RETURNING;
    in->next_config = in->probe_from;
    in->restart_pending = in->state == SIM_INSTANCE_DRAINING; /* a drain ends in the restart */
}

void sim_probe_abort(sim_engine *e, uint32_t id)
{
    sim_inst *in = &e->insts[id];
    report(e, id);
    in->probe = SIM_PROBE_NONE;
    /* The plan treats it as an instance of the config it left: so do its events from now on. */
    in->config = in->next_config = in->probe_from;
    in->restart_pending = 0;
}
