/* engine_fleet.c -- instances.  An instance reserves its machine's cores, memory and device share when it is
 * launched and keeps them until its stop finishes; it serves after start + cold start.  A drained instance stops
 * (stop time) or restarts in place (stop, start, cold start) to change config.  An OOM crashes the instance:
 * its batches go back to the queue and it restarts with the same config (a probing one with the config it
 * left).  Probing instances (engine_probe.c) go through the same drains and restarts. */
#include "engine_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EPS 1e-9

double sim_op_cfg_batch(const sim_engine *e, uint32_t op, uint32_t config)
{
    const sim_op *o = &e->sc->ops[op];
    return sim_op_batch(o, e->configs[op].values + (size_t)config * o->n_knobs);
}

static void check_capacity(sim_engine *e, uint32_t m)
{
    const sim_machine *mc = &e->sc->machines[m];
    const sim_mstate *ms = &e->mach[m];
    int over = ms->cpus_used > mc->cpus + EPS || ms->mem_used > mc->memory_bytes * (1 + EPS);
    for (uint32_t g = 0; g < mc->gpus; g++)
        over |= e->dev[mc->first_device + g].share_used > 1 + EPS;
    if (over)
        e->res->capacity_violations++;
}

/* Finds room for an instance of `op` on machine m: cores, memory and a device (whole or shared). */
static int place(sim_engine *e, uint32_t op, uint32_t m, uint32_t *device, uint32_t *n_devices)
{
    const sim_op *o = &e->sc->ops[op];
    const sim_machine *mc = &e->sc->machines[m];
    const sim_mstate *ms = &e->mach[m];
    *device = SIM_NONE;
    *n_devices = 0;
    if (ms->cpus_used + o->cpus > mc->cpus + EPS || ms->mem_used + o->memory_bytes > mc->memory_bytes * (1 + EPS))
        return 0;
    if (o->gpus <= 0)
        return 1;
    if (o->gpus >= 1) {
        uint32_t need = (uint32_t)ceil(o->gpus - EPS), found = 0;
        for (uint32_t g = 0; g < mc->gpus && found < need; g++)
            if (e->dev[mc->first_device + g].share_used <= EPS) {
                if (!found)
                    *device = mc->first_device + g;
                found++;
            }
        if (found < need || o->device_cap_bytes > mc->gpu_memory_bytes * (1 + EPS))
            return 0;
        *n_devices = need;
        return 1;
    }
    for (uint32_t g = 0; g < mc->gpus; g++) {
        const sim_device *dv = &e->dev[mc->first_device + g];
        if (!dv->whole && dv->share_used + o->device_share <= 1 + EPS) {
            *device = mc->first_device + g;
            return 1;
        }
    }
    return 0;
}

void sim_fleet_reserve(sim_engine *e, sim_inst *in, int sign)
{
    const sim_op *o = &e->sc->ops[in->op];
    sim_mstate *ms = &e->mach[in->machine];
    ms->cpus_used += sign * o->cpus;
    ms->mem_used += sign * o->memory_bytes;
    double devices = 0;
    if (in->n_devices) {
        /* Whole devices: the first free ones from `device` on. */
        const sim_machine *mc = &e->sc->machines[in->machine];
        uint32_t left = in->n_devices;
        for (uint32_t g = in->device - mc->first_device; g < mc->gpus && left; g++) {
            sim_device *dv = &e->dev[mc->first_device + g];
            if (sign > 0 && dv->share_used > EPS)
                continue;
            if (sign < 0 && dv->whole != in - e->insts + 1)
                continue;
            dv->share_used = sign > 0 ? 1 : 0;
            dv->whole = sign > 0 ? (uint32_t)(in - e->insts + 1) : 0;
            left--;
        }
        devices = in->n_devices;
    } else if (in->device != SIM_NONE) {
        e->dev[in->device].share_used += sign * o->device_share;
        if (e->dev[in->device].share_used < EPS)
            e->dev[in->device].share_used = 0;
        devices = o->device_share;
    }
    sim_observe_alloc(e, sign * o->cpus, sign * devices);
    if (sign > 0)
        check_capacity(e, in->machine);
}

uint32_t sim_fleet_launch(sim_engine *e, uint32_t op, uint32_t m, uint32_t config, int warm)
{
    uint32_t device, n_devices;
    if (!place(e, op, m, &device, &n_devices))
        return SIM_NONE;
    if (sim_grow((void **)&e->insts, &e->cap_insts, (size_t)e->n_insts + 1, sizeof *e->insts)) {
        sim_abort(e, SIM_E_NOMEM, "simulation: out of memory (instances)");
        return SIM_NONE;
    }
    uint32_t id = e->n_insts++;
    sim_inst *in = &e->insts[id];
    memset(in, 0, sizeof *in);
    in->op = op;
    in->machine = m;
    in->config = in->next_config = config;
    in->device = device;
    in->n_devices = n_devices;
    in->batch = (uint32_t)sim_op_cfg_batch(e, op, config);
    in->alive = 1;
    in->changed_at = e->now;
    sim_fleet_reserve(e, in, +1);
    e->res->instance_starts++;
    const sim_op *o = &e->sc->ops[op];
    if (warm) {
        in->state = SIM_INSTANCE_READY;
        sim_ready_push(e, id);
    } else {
        in->state = SIM_INSTANCE_STARTING;
        sim_heap_push(&e->heap, e->now + o->start_s + o->cold_s, EV_INSTANCE_READY, id, in->ver);
    }
    return id;
}

void sim_fleet_emit(sim_engine *e, uint32_t kind, uint32_t id, uint32_t config, uint32_t from_config,
                    uint64_t plan_id, double duration_s, double mem_bytes)
{
    const sim_inst *in = &e->insts[id];
    const sim_machine *mc = &e->sc->machines[in->machine];
    sim_event ev = {(uint64_t)llround(e->now * 1e9), kind, in->op, mc->node, mc->member, id, config, plan_id, 0,
                    from_config, mem_bytes, duration_s};
    sim_observe_event(e, &ev);
}

void sim_fleet_ready(sim_engine *e, uint32_t id, uint64_t ver)
{
    sim_inst *in = &e->insts[id];
    if (!in->alive || in->ver != ver)
        return;
    if (in->probe) {
        sim_probe_ready(e, id);
        return;
    }
    uint32_t from = in->config;
    int reconfigured = in->config != in->next_config;
    in->config = in->next_config;
    in->batch = (uint32_t)sim_op_cfg_batch(e, in->op, in->config);
    in->state = SIM_INSTANCE_READY;
    sim_fleet_emit(e, reconfigured ? SIM_EVENT_CONFIG_APPLIED : SIM_EVENT_INSTANCE_UP, id, in->config,
                   reconfigured ? from : SIM_NONE, in->plan_id, e->now - in->changed_at, 0);
    sim_ready_push(e, id);
    if (in->plan_id) {
        uint64_t plan = in->plan_id;
        in->plan_id = 0;
        sim_plans_progress(e, plan);
    }
}

void sim_fleet_gone(sim_engine *e, uint32_t id, uint64_t ver)
{
    sim_inst *in = &e->insts[id];
    if (!in->alive || in->ver != ver)
        return;
    sim_fleet_reserve(e, in, -1);
    in->alive = 0;
    e->res->instance_stops++;
    sim_fleet_emit(e, SIM_EVENT_INSTANCE_DOWN, id, in->config, SIM_NONE, in->plan_id, e->now - in->changed_at, 0);
    if (in->plan_id)
        sim_plans_progress(e, in->plan_id);
}

void sim_fleet_drained(sim_engine *e, uint32_t id)
{
    sim_inst *in = &e->insts[id];
    const sim_op *o = &e->sc->ops[in->op];
    in->ver++;
    in->changed_at = e->now;
    if (in->restart_pending) {
        in->restart_pending = 0;
        in->state = SIM_INSTANCE_RESTARTING;
        e->res->instance_restarts++;
        sim_heap_push(&e->heap, e->now + o->stop_s + o->start_s + o->cold_s, EV_INSTANCE_READY, id, in->ver);
    } else {
        in->state = SIM_INSTANCE_STOPPING;
        sim_heap_push(&e->heap, e->now + o->stop_s, EV_INSTANCE_GONE, id, in->ver);
    }
}

void sim_fleet_crash(sim_engine *e, uint32_t id)
{
    sim_inst *in = &e->insts[id];
    const sim_op *o = &e->sc->ops[in->op];
    e->res->ooms++;
    double need = o->cost.mem_base_bytes + o->cost.mem_per_item_bytes * in->inflight_mem;
    sim_work_abandon(e, id);
    /* A probe that already runs its config ends here; one still draining towards it goes on. */
    int probing = in->probe == SIM_PROBE_RUNNING || in->probe == SIM_PROBE_RETURNING;
    sim_fleet_emit(e, SIM_EVENT_OOM, id, in->config, SIM_NONE, probing ? in->probe_plan : 0, 0, need);
    if (probing)
        sim_probe_crash(e, id); /* the restart brings back the config it left */
    if (in->state == SIM_INSTANCE_DRAINING) {
        sim_fleet_drained(e, id); /* it was leaving anyway */
        return;
    }
    in->ver++;
    in->changed_at = e->now;
    in->state = SIM_INSTANCE_RESTARTING;
    e->res->instance_restarts++;
    sim_heap_push(&e->heap, e->now + o->start_s + o->cold_s, EV_INSTANCE_READY, id, in->ver);
}

sim_status sim_fleet_init(sim_engine *e)
{
    const sim_scenario *sc = e->sc;
    e->mach = calloc(sc->n_machines, sizeof *e->mach);
    e->configs = calloc(sc->n_ops, sizeof *e->configs);
    if (!e->mach || !e->configs)
        return SIM_E_NOMEM;
    for (uint32_t i = 0; i < sc->n_ops; i++) {
        const sim_op *o = &sc->ops[i];
        sim_configs *c = &e->configs[i];
        c->cap = o->n_model_configs + 8;
        c->values = calloc((size_t)c->cap * (o->n_knobs ? o->n_knobs : 1), sizeof(double));
        if (!c->values)
            return SIM_E_NOMEM;
        c->n = o->n_model_configs;
        if (o->n_knobs)
            memcpy(c->values, o->model_configs, (size_t)c->n * o->n_knobs * sizeof(double));
    }
    return SIM_OK;
}

void sim_fleet_free(sim_engine *e)
{
    for (uint32_t i = 0; e->configs && i < e->sc->n_ops; i++)
        free(e->configs[i].values);
    free(e->configs);
    free(e->mach);
    free(e->insts);
    sim_plan_release(&e->exec.plan);
}
