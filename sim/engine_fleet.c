/* engine_fleet.c -- instances and plans.  An instance reserves its machine's cores, memory and device share
 * when it is launched and keeps them until its stop finishes; it serves after start + cold start.  Plans run
 * round by round: START launches (and fails when the machine is full, which makes the plan partial), STOP
 * takes idle instances first and lets busy ones drain (a running batch is never preempted), RECONFIGURE
 * restarts in place (drain, stop, start, cold start).  An OOM crashes the instance: its batches go back to the
 * queue and it restarts with the same config. */
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

static void reserve(sim_engine *e, sim_inst *in, int sign)
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

static uint32_t launch(sim_engine *e, uint32_t op, uint32_t m, uint32_t config, int warm)
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
    reserve(e, in, +1);
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

static void emit(sim_engine *e, uint32_t kind, uint32_t id)
{
    const sim_inst *in = &e->insts[id];
    const sim_machine *mc = &e->sc->machines[in->machine];
    sim_event ev = {(uint64_t)llround(e->now * 1e9), kind, in->op, mc->node, mc->member, id, in->config, 0, 0, 0, 0};
    sim_observe_event(e, &ev);
}

static void plan_progress(sim_engine *e, uint64_t plan_id);

void sim_fleet_ready(sim_engine *e, uint32_t id, uint64_t ver)
{
    sim_inst *in = &e->insts[id];
    if (!in->alive || in->ver != ver)
        return;
    int reconfigured = in->config != in->next_config;
    in->config = in->next_config;
    in->batch = (uint32_t)sim_op_cfg_batch(e, in->op, in->config);
    in->state = SIM_INSTANCE_READY;
    emit(e, reconfigured ? SIM_EVENT_CONFIG_APPLIED : SIM_EVENT_INSTANCE_UP, id);
    sim_ready_push(e, id);
    if (in->plan_id) {
        uint64_t plan = in->plan_id;
        in->plan_id = 0;
        plan_progress(e, plan);
    }
}

void sim_fleet_gone(sim_engine *e, uint32_t id, uint64_t ver)
{
    sim_inst *in = &e->insts[id];
    if (!in->alive || in->ver != ver)
        return;
    reserve(e, in, -1);
    in->alive = 0;
    e->res->instance_stops++;
    emit(e, SIM_EVENT_INSTANCE_DOWN, id);
    if (in->plan_id)
        plan_progress(e, in->plan_id);
}

void sim_fleet_drained(sim_engine *e, uint32_t id)
{
    sim_inst *in = &e->insts[id];
    const sim_op *o = &e->sc->ops[in->op];
    in->ver++;
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
    const sim_machine *mc = &e->sc->machines[in->machine];
    sim_event ev = {(uint64_t)llround(e->now * 1e9), SIM_EVENT_OOM, in->op, mc->node, mc->member, id, in->config,
                    0, 0, 0, need};
    sim_observe_event(e, &ev);
    if (in->state == SIM_INSTANCE_DRAINING) {
        sim_fleet_drained(e, id); /* it was leaving anyway */
        return;
    }
    in->ver++;
    in->state = SIM_INSTANCE_RESTARTING;
    e->res->instance_restarts++;
    sim_heap_push(&e->heap, e->now + o->start_s + o->cold_s, EV_INSTANCE_READY, id, in->ver);
}

/* ---- plans ---- */

static uint32_t machine_of(const sim_engine *e, uint32_t node, uint32_t member)
{
    const sim_scenario *sc = e->sc;
    if (node >= sc->n_nodes)
        return SIM_NONE;
    uint32_t m = sc->machine_of_node[node] + member;
    if (m >= sc->n_machines || sc->machines[m].node != node)
        return SIM_NONE;
    return m;
}

/* Picks up to `count` instances of (op, machine, config) to leave, idle ones first, then starting ones, then
 * busy ones (which drain).  restart: RECONFIGURE to `to_config`. */
static uint32_t leave(sim_engine *e, const trd_action *a, uint32_t m, uint32_t from, int restart, uint32_t to_config,
                      uint64_t plan_id)
{
    uint32_t done = 0;
    for (int pass = 0; pass < 3 && done < a->count; pass++)
        for (uint32_t id = 0; id < e->n_insts && done < a->count; id++) {
            sim_inst *in = &e->insts[id];
            if (!in->alive || in->op != a->op || in->machine != m || in->config != from ||
                in->next_config != in->config)
                continue;
            int idle = in->state == SIM_INSTANCE_READY && in->jobs == 0;
            int starting = in->state == SIM_INSTANCE_STARTING || in->state == SIM_INSTANCE_RESTARTING;
            int busy = in->state == SIM_INSTANCE_READY && in->jobs > 0;
            if (!((pass == 0 && idle) || (pass == 1 && starting) || (pass == 2 && busy)))
                continue;
            done++;
            in->plan_id = plan_id;
            in->next_config = restart ? to_config : in->config;
            in->restart_pending = restart;
            if (busy) {
                in->state = SIM_INSTANCE_DRAINING;
            } else {
                in->state = SIM_INSTANCE_DRAINING;
                sim_fleet_drained(e, id);
            }
        }
    return done;
}

static void run_round(sim_engine *e)
{
    sim_exec *x = &e->exec;
    for (;;) {
        uint32_t round = UINT32_MAX;
        for (size_t i = 0; i < x->plan.n_actions; i++)
            if (x->plan.actions[i].round > x->round && x->plan.actions[i].round < round)
                round = x->plan.actions[i].round;
        if (round == UINT32_MAX) {
            x->active = 0;
            sim_event ev = {(uint64_t)llround(e->now * 1e9), SIM_EVENT_PLAN_DONE, 0, 0, 0, 0, 0, x->plan.id,
                            x->partial ? SIM_OUTCOME_PARTIAL : SIM_OUTCOME_APPLIED, 0, 0};
            sim_observe_event(e, &ev);
            return;
        }
        x->round = round;
        x->pending = 0;
        for (size_t i = 0; i < x->plan.n_actions && !e->fatal; i++) {
            const trd_action *a = &x->plan.actions[i];
            if (a->round != round)
                continue;
            uint32_t m = machine_of(e, a->node, a->member);
            if (m == SIM_NONE || a->op >= e->sc->n_ops || a->config >= e->configs[a->op].n) {
                x->partial = 1;
                continue;
            }
            if (a->kind == TRD_ACTION_START) {
                for (uint32_t k = 0; k < a->count; k++) {
                    uint32_t id = launch(e, a->op, m, a->config, 0);
                    if (id == SIM_NONE) {
                        x->partial = 1;
                        break;
                    }
                    e->insts[id].plan_id = x->plan.id;
                    x->pending++;
                }
            } else if (a->kind == TRD_ACTION_STOP || a->kind == TRD_ACTION_RECONFIGURE) {
                int restart = a->kind == TRD_ACTION_RECONFIGURE;
                uint32_t from = restart ? a->from_config : a->config;
                if (from >= e->configs[a->op].n) {
                    x->partial = 1;
                    continue;
                }
                /* Count first, then act: leave() may finish idle instances synchronously. */
                x->pending += a->count;
                uint32_t got = leave(e, a, m, from, restart, a->config, x->plan.id);
                if (got < a->count) {
                    x->pending -= a->count - got;
                    x->partial = 1;
                }
            } else {
                x->partial = 1;
            }
        }
        if (x->pending > 0)
            return;
    }
}

static void plan_progress(sim_engine *e, uint64_t plan_id)
{
    sim_exec *x = &e->exec;
    if (!x->active || x->plan.id != plan_id || x->pending == 0)
        return;
    if (--x->pending == 0)
        run_round(e);
}

/* The oracle's instant switch: instances not in the targets vanish (their batches go back to the queues),
 * missing ones appear warm. */
static void apply_instant(sim_engine *e, const sim_plan *p)
{
    const sim_scenario *sc = e->sc;
    for (uint32_t id = 0; id < e->n_insts; id++) {
        sim_inst *in = &e->insts[id];
        if (!in->alive)
            continue;
        const sim_machine *mc = &sc->machines[in->machine];
        uint32_t want = 0, have = 0;
        for (size_t t = 0; t < p->n_targets; t++) {
            const trd_target *tg = &p->targets[t];
            if (tg->op == in->op && tg->node == mc->node && tg->member == mc->member && tg->config == in->next_config)
                want = tg->instances;
        }
        for (uint32_t k = 0; k < id; k++)
            have += e->insts[k].alive && e->insts[k].op == in->op && e->insts[k].machine == in->machine &&
                    e->insts[k].next_config == in->next_config;
        if (have < want)
            continue;
        sim_work_abandon(e, id);
        in->ver++;
        reserve(e, in, -1);
        in->alive = 0;
        e->res->instance_stops++;
    }
    for (size_t t = 0; t < p->n_targets && !e->fatal; t++) {
        const trd_target *tg = &p->targets[t];
        uint32_t m = machine_of(e, tg->node, tg->member), have = 0;
        if (m == SIM_NONE || tg->op >= sc->n_ops || tg->config >= e->configs[tg->op].n)
            continue;
        for (uint32_t id = 0; id < e->n_insts; id++)
            have += e->insts[id].alive && e->insts[id].op == tg->op && e->insts[id].machine == m &&
                    e->insts[id].next_config == tg->config;
        for (; have < tg->instances; have++)
            if (launch(e, tg->op, m, tg->config, 1) == SIM_NONE)
                break;
    }
}

sim_status sim_fleet_accept_plan(sim_engine *e, sim_plan *p)
{
    if (p->n_actions == 0 && !(p->instant && p->n_targets))
        return SIM_OK;
    p->id = ++e->next_plan_id;
    e->res->plans++;
    uint64_t before = e->res->instance_starts + e->res->instance_stops + e->res->instance_restarts;
    sim_exec *x = &e->exec;
    if (x->active) {
        /* Superseded: what already started goes on; the rest of its rounds are dropped. */
        sim_event ev = {(uint64_t)llround(e->now * 1e9), SIM_EVENT_PLAN_DONE, 0, 0, 0, 0, 0, x->plan.id,
                        SIM_OUTCOME_PARTIAL, 0, 0};
        sim_observe_event(e, &ev);
        x->active = 0;
    }
    /* The deployment at time 0 is the starting point, not a reconfiguration. */
    int initial = e->now == 0;
    if (p->instant) {
        apply_instant(e, p);
        if (e->res->instance_starts + e->res->instance_stops + e->res->instance_restarts != before && !initial)
            e->res->reconfigurations++;
        return e->fatal;
    }
    sim_plan tmp = x->plan;
    x->plan = *p; /* the engine keeps the plan's arrays; the policy gets fresh ones */
    *p = tmp;
    sim_plan_clear(p);
    x->active = 1;
    x->round = 0;
    x->pending = 0;
    x->partial = 0;
    run_round(e);
    e->res->reconfigurations += !initial;
    return e->fatal;
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

/* ---- the host view ---- */

const sim_scenario *sim_host_scenario(const sim_host *h)
{
    return h->sc;
}

size_t sim_host_instances(const sim_host *h, sim_instance_view *out, size_t cap)
{
    size_t n = 0;
    for (uint32_t id = 0; id < h->n_insts; id++) {
        const sim_inst *in = &h->insts[id];
        if (!in->alive)
            continue;
        if (n < cap) {
            const sim_machine *mc = &h->sc->machines[in->machine];
            out[n] = (sim_instance_view){id, in->op, mc->node, mc->member, in->config, in->state, in->next_config,
                                         0};
        }
        n++;
    }
    return n;
}

sim_status sim_host_config(sim_host *h, uint32_t op, const double *values, uint32_t *out_id)
{
    if (op >= h->sc->n_ops)
        return sim_fail(h->err, SIM_E_INVALID, "config: operator %u unknown", op);
    const sim_op *o = &h->sc->ops[op];
    sim_configs *c = &h->configs[op];
    for (uint32_t k = 0; k < o->n_knobs; k++)
        if (!(values[k] >= o->knobs[k].min && values[k] <= o->knobs[k].max))
            return sim_fail(h->err, SIM_E_INVALID, "config: operator '%s': knob '%s' = %g is outside [%g, %g]",
                            o->name, o->knobs[k].name, values[k], o->knobs[k].min, o->knobs[k].max);
    for (uint32_t i = 0; i < c->n; i++)
        if (!o->n_knobs || memcmp(c->values + (size_t)i * o->n_knobs, values, o->n_knobs * sizeof(double)) == 0) {
            *out_id = i;
            return SIM_OK;
        }
    /* Capacity counts configs; each holds n_knobs values. */
    if (o->n_knobs && sim_grow((void **)&c->values, &c->cap, (size_t)c->n + 1, o->n_knobs * sizeof(double)))
        return sim_fail(h->err, SIM_E_NOMEM, "config: out of memory");
    memcpy(c->values + (size_t)c->n * o->n_knobs, values, o->n_knobs * sizeof(double));
    *out_id = c->n++;
    return SIM_OK;
}

const double *sim_host_config_values(const sim_host *h, uint32_t op, uint32_t config)
{
    if (op >= h->sc->n_ops || config >= h->configs[op].n)
        return NULL;
    return h->configs[op].values + (size_t)config * h->sc->ops[op].n_knobs;
}

uint32_t sim_host_config_count(const sim_host *h, uint32_t op)
{
    return op < h->sc->n_ops ? h->configs[op].n : 0;
}

uint32_t sim_host_regime(const sim_host *h)
{
    if (!h->pv->uses_truth)
        return UINT32_MAX;
    return h->sc->segments[h->segment].regime;
}

int sim_host_regime_items(const sim_host *h, uint64_t *out)
{
    if (!h->pv->uses_truth)
        return -1;
    for (uint32_t g = 0; g < h->sc->n_regimes; g++)
        out[g] = h->regime_live[g];
    return 0;
}
