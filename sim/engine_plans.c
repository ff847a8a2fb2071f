/* engine_plans.c -- plans run round by round: START launches (and fails when the machine is full, which makes
 * the plan partial), STOP takes idle instances first and lets busy ones drain (a running batch is never
 * preempted), RECONFIGURE restarts in place, PROBE puts one instance on a config for a while
 * (engine_probe.c).  Round r + 1 begins when every action of round r has finished.  An
 * instant plan (the oracle's) makes its targets hold at once. */
#include "engine_internal.h"

#include <math.h>
#include <string.h>

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

/* The instance of `op` on machine m running `config` that a STOP, RECONFIGURE or PROBE takes next: an idle one
 * first, then one starting, then a busy one (which drains: a running batch is never preempted).  A probing
 * instance counts as one on the config it returns to and comes last (for a STOP or RECONFIGURE only, which
 * end its probe); one draining is not taken. */
static uint32_t pick(const sim_engine *e, uint32_t op, uint32_t m, uint32_t config, int probing_ok)
{
    uint32_t best = SIM_NONE;
    int best_rank = 4;
    /* Only the alive are candidates: their ids, ascending (a policy that churns creates many instances). */
    size_t n_alive = 0;
    const uint32_t *alive = sim_alive_ids(e, &n_alive);
    size_t n_scan = alive ? n_alive : e->n_insts;
    for (size_t k = 0; k < n_scan && best_rank > 0; k++) {
        uint32_t id = alive ? alive[k] : (uint32_t)k;
        const sim_inst *in = &e->insts[id];
        if (!in->alive || in->op != op || in->machine != m)
            continue;
        int starting = in->state == SIM_INSTANCE_STARTING || in->state == SIM_INSTANCE_RESTARTING, rank;
        if (in->probe != SIM_PROBE_NONE) {
            int settled = starting || in->state == SIM_INSTANCE_READY;
            if (!probing_ok || in->probe_from != config || !settled)
                continue;
            rank = 3;
        } else {
            if (in->config != config || in->next_config != in->config)
                continue;
            if (in->state == SIM_INSTANCE_READY)
                rank = in->jobs ? 2 : 0;
            else if (starting)
                rank = 1;
            else
                continue;
        }
        if (rank < best_rank)
            best = id, best_rank = rank;
    }
    return best;
}

/* Takes up to a->count instances of (op, machine, from) out: stopped, or (restart) restarted on `to_config`. */
static uint32_t leave(sim_engine *e, const trd_action *a, uint32_t m, uint32_t from, int restart, uint32_t to_config,
                      uint64_t plan_id)
{
    uint32_t done = 0, id;
    while (done < a->count && (id = pick(e, a->op, m, from, 1)) != SIM_NONE) {
        sim_inst *in = &e->insts[id];
        if (in->probe != SIM_PROBE_NONE)
            sim_probe_abort(e, id);
        done++;
        in->plan_id = plan_id;
        in->next_config = restart ? to_config : in->config;
        in->restart_pending = restart;
        in->state = SIM_INSTANCE_DRAINING; /* a busy one finishes its batches first */
        if (in->jobs == 0)
            sim_fleet_drained(e, id);
    }
    return done;
}

static void plan_done(sim_engine *e, uint64_t plan_id, uint32_t outcome)
{
    sim_event ev = {(uint64_t)llround(e->now * 1e9), SIM_EVENT_PLAN_DONE, 0, 0, 0, 0, 0, plan_id, outcome, SIM_NONE,
                    0, 0};
    sim_observe_event(e, &ev);
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
            plan_done(e, x->plan.id, x->partial ? SIM_OUTCOME_PARTIAL : SIM_OUTCOME_APPLIED);
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
                    uint32_t id = sim_fleet_launch(e, a->op, m, a->config, 0);
                    if (id == SIM_NONE) {
                        x->partial = 1;
                        break;
                    }
                    e->insts[id].plan_id = x->plan.id;
                    sim_fleet_emit(e, SIM_EVENT_INSTANCE_LAUNCHED, id, a->config, SIM_NONE, x->plan.id, 0, 0);
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
            } else if (a->kind == TRD_ACTION_PROBE) {
                uint32_t id = a->from_config < e->configs[a->op].n && a->from_config != a->config
                                  ? pick(e, a->op, m, a->from_config, 0)
                                  : SIM_NONE;
                if (id == SIM_NONE) {
                    x->partial = 1;
                    continue;
                }
                sim_probe_start(e, id, a->config, x->plan.probe_duration_s, x->plan.id); /* done once begun */
            } else {
                x->partial = 1;
            }
        }
        if (x->pending > 0)
            return;
    }
}

void sim_plans_progress(sim_engine *e, uint64_t plan_id)
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
        sim_fleet_reserve(e, in, -1);
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
            if (sim_fleet_launch(e, tg->op, m, tg->config, 1) == SIM_NONE)
                break;
    }
}

sim_status sim_plans_accept(sim_engine *e, sim_plan *p)
{
    if (p->n_actions == 0 && !(p->instant && p->n_targets))
        return SIM_OK;
    p->id = ++e->next_plan_id;
    e->res->plans++;
    uint64_t before = e->res->instance_starts + e->res->instance_stops + e->res->instance_restarts;
    sim_exec *x = &e->exec;
    if (x->active) {
        /* Superseded: what already started goes on; the rest of its rounds are dropped. */
        plan_done(e, x->plan.id, SIM_OUTCOME_PARTIAL);
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
