/* policy_raydata.c -- Ray Data's default behaviour (Ray 2.57+; research/raydata.md 1.3-1.9): the streaming
 * executor's per-tick decisions for every operator, on the simulator's engine.
 *
 *   - Accelerator operators are actor pools (a GPU model is a class UDF with ActorPoolStrategy): min_size and
 *     max_size are the operator's instance bounds, initial_size its declared count; every tick the default
 *     actor autoscaler decides +1 / -1 / nothing (raydata.h: utilisation thresholds 1.75 / 0.5, 10 s debounce
 *     after an upscale, pending then idle actors removed, busy ones never, at most +1 per tick).  Tasks in
 *     flight = busy actors + one queued task per running actor at most (max_tasks_in_flight_per_actor = 2 x
 *     max_concurrency 1), a task being one default-sized batch of the operator's queue.
 *   - CPU operators are task operators: as many run as their queued batches ask for, limited by the concurrency
 *     cap (none by default, so the operator's max_instances) and by their resource budget (the reservation
 *     allocator, raydata.h); the eligible operator holding the least queued memory downstream is served first
 *     (DefaultRanker).
 *   - Batch sizes stay at their defaults.
 * Deviations, each small next to a model load or an actor start:
 *   - the loop ticks every 1 s of simulated time, not every 100 ms: pending actors count in the utilisation, so
 *     the ramp is paced by actor starts (Ray's one-by-one ramp), not by the tick;
 *   - a task operator's instances are Ray's worker processes: kept warm for 10 s after the work for them ran out
 *     (Ray reuses idle workers) instead of paying a process start per task; each new one pays the operator's
 *     start and cold start;
 *   - object-store budgets and the DownstreamCapacity policy are left to the engine's bounded queues (its
 *     backpressure); the final drain's forced downscale is left out (it does not change throughput). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "raydata.h"
#include "realiser.h"

#define RAY_TICK_S 1.0
#define RAY_WORKER_KEEP_S 10.0

typedef struct ray_op {
    double last_upscale_s, surplus_since_s;
    int inputs_received;
    uint32_t running, pending, busy, alive;
} ray_op;

typedef struct raydata {
    const sim_scenario *sc;
    ray_op *op;
    sim_ray_op_res *res;
    double (*budget)[SIM_RAY_RES];
    double limits[SIM_RAY_RES], next_tick_s;
    uint32_t *add, *placed, *order;
    double *held;
    sim_instance_view *iv;
    size_t cap_iv;
    uint8_t *stopped;
} raydata;

static void destroy(void *state)
{
    raydata *r = state;
    if (!r)
        return;
    free(r->op);
    free(r->res);
    free(r->budget);
    free(r->add);
    free(r->placed);
    free(r->order);
    free(r->held);
    free(r->iv);
    free(r->stopped);
    free(r);
}

static int is_actor(const sim_op *o)
{
    return o->gpus > 0;
}

static sim_status create(const sim_scenario *sc, uint64_t seed, const void *param, void **out, sim_error *err)
{
    (void)seed;
    (void)param;
    raydata *r = calloc(1, sizeof *r);
    if (!r)
        return sim_fail(err, SIM_E_NOMEM, "raydata: out of memory");
    r->sc = sc;
    r->op = calloc(sc->n_ops, sizeof *r->op);
    r->res = calloc(sc->n_ops, sizeof *r->res);
    r->budget = calloc(sc->n_ops, sizeof *r->budget);
    r->add = calloc(sc->n_ops, sizeof *r->add);
    r->placed = calloc(sc->n_ops, sizeof *r->placed);
    r->order = calloc(sc->n_ops, sizeof *r->order);
    r->held = calloc(sc->n_ops, sizeof *r->held);
    if (!r->op || !r->res || !r->budget || !r->add || !r->placed || !r->order || !r->held) {
        destroy(r);
        return sim_fail(err, SIM_E_NOMEM, "raydata: out of memory");
    }
    for (uint32_t m = 0; m < sc->n_machines; m++) {
        r->limits[0] += sc->machines[m].cpus;
        r->limits[1] += sc->machines[m].gpus;
        r->limits[2] += sc->machines[m].memory_bytes;
    }
    for (uint32_t i = 0; i < sc->n_ops; i++) {
        const sim_op *o = &sc->ops[i];
        r->op[i].last_upscale_s = -INFINITY;
        r->op[i].surplus_since_s = -1;
        sim_ray_op_res *q = &r->res[i];
        q->per_instance[0] = o->cpus;
        q->per_instance[1] = o->gpus;
        q->per_instance[2] = o->memory_bytes;
        q->uses_gpu = o->gpus > 0;
        uint32_t mn = o->min_instances ? o->min_instances : 1, mx = o->max_instances;
        for (int k = 0; k < SIM_RAY_RES; k++) {
            q->min_usage[k] = (is_actor(o) ? mn : 1) * q->per_instance[k];
            q->max_usage[k] = mx ? mx * q->per_instance[k] : INFINITY;
            if (q->per_instance[k] == 0)
                q->max_usage[k] = 0; /* no budget of a resource it does not use */
        }
    }
    *out = r;
    return SIM_OK;
}

/* Queued tasks of an operator: default-sized batches of its queue (whole partitions without a batch knob). */
static double queued_tasks(const sim_op *o, const sim_op_load *l)
{
    uint32_t b = sim_op_batch(o, o->model_configs);
    return b ? ceil((double)l->queued_items / b) : (double)l->queued_parts;
}

static const raydata *g_rank; /* qsort's context: the ranking of this tick */
static int by_held(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    if (g_rank->held[x] != g_rank->held[y])
        return g_rank->held[x] < g_rank->held[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* One STOP for `op`: an actor pool's pending actor first, else an idle running instance (a task operator's idle
 * worker); *found says whether there was one. */
static sim_status stop_one(raydata *r, sim_host *h, size_t n, uint32_t op, sim_plan *plan, int *found)
{
    *found = 0;
    for (int pass = is_actor(&r->sc->ops[op]) ? 0 : 1; pass < 2 && !*found; pass++)
        for (size_t k = 0; k < n && !*found; k++) {
            const sim_instance_view *v = &r->iv[k];
            if (v->op != op || r->stopped[k])
                continue;
            int ok = pass == 0 ? v->state == SIM_INSTANCE_STARTING
                               : v->state == SIM_INSTANCE_READY && sim_host_instance_inflight(h, v->id) == 0;
            if (!ok)
                continue;
            r->stopped[k] = 1;
            *found = 1;
            trd_action a = {TRD_ACTION_STOP, op, v->node, v->member, v->config, TRD_NO_CONFIG, 1, 1};
            return sim_plan_add_action(plan, &a);
        }
    return SIM_OK;
}

static sim_status tick(raydata *r, sim_host *h, double now, sim_plan *plan, sim_error *err)
{
    const sim_scenario *sc = r->sc;
    size_t n = sim_host_instances(h, NULL, 0);
    if (n > r->cap_iv) {
        free(r->iv);
        free(r->stopped);
        r->cap_iv = 2 * n;
        r->iv = calloc(r->cap_iv, sizeof *r->iv);
        r->stopped = calloc(r->cap_iv, 1);
        if (!r->iv || !r->stopped)
            return sim_fail(err, SIM_E_NOMEM, "raydata: out of memory");
    }
    sim_host_instances(h, r->iv, n);
    memset(r->stopped, 0, n);
    for (uint32_t i = 0; i < sc->n_ops; i++)
        r->op[i].running = r->op[i].pending = r->op[i].busy = r->op[i].alive = 0;
    for (size_t k = 0; k < n; k++) {
        const sim_instance_view *v = &r->iv[k];
        ray_op *q = &r->op[v->op];
        if (v->state == SIM_INSTANCE_STARTING)
            q->pending++;
        else if (v->state == SIM_INSTANCE_READY || v->state == SIM_INSTANCE_RESTARTING) {
            q->running++;
            q->busy += sim_host_instance_inflight(h, v->id) > 0;
        }
    }
    sim_op_load *load = calloc(sc->n_ops, sizeof *load);
    if (!load)
        return sim_fail(err, SIM_E_NOMEM, "raydata: out of memory");
    for (uint32_t i = 0; i < sc->n_ops; i++) {
        ray_op *q = &r->op[i];
        q->alive = q->running + q->pending;
        sim_host_op_load(h, i, &load[i]);
        q->inputs_received |= load[i].queued_items > 0 || load[i].inflight_items > 0;
        /* Logical usage: every actor alive; for a task operator the tasks running or starting (an idle worker
         * holds no logical resources in Ray). */
        uint32_t holding = is_actor(&sc->ops[i]) ? q->alive : q->busy + q->pending;
        for (int k = 0; k < SIM_RAY_RES; k++)
            r->res[i].usage[k] = holding * r->res[i].per_instance[k];
        r->add[i] = 0;
        r->order[i] = i;
        r->held[i] = 0;
    }
    /* Object-store memory an operator holds: its outputs queued downstream (charged to the producer). */
    for (uint32_t e = 0; e < sc->n_edges; e++)
        r->held[sc->edges[e].from] += load[sc->edges[e].to].queued_bytes;
    sim_ray_budgets(r->limits, r->res, sc->n_ops, r->budget);
    g_rank = r;
    qsort(r->order, sc->n_ops, sizeof *r->order, by_held);
    sim_status st = SIM_OK;
    uint32_t ups = 0, downs = 0;
    for (uint32_t k = 0; k < sc->n_ops && st == SIM_OK; k++) {
        uint32_t i = r->order[k];
        const sim_op *o = &sc->ops[i];
        ray_op *q = &r->op[i];
        double admit = INFINITY; /* instances the budget admits */
        for (int d = 0; d < SIM_RAY_RES; d++)
            if (r->res[i].per_instance[d] > 0)
                admit = fmin(admit, floor(r->budget[i][d] / r->res[i].per_instance[d] + 1e-9));
        double qt = queued_tasks(o, &load[i]);
        int delta = 0;
        if (is_actor(o)) {
            sim_ray_pool p = {q->running, q->pending, o->min_instances ? o->min_instances : 1,
                              o->max_instances ? o->max_instances : UINT32_MAX,
                              q->busy + fmin(qt, q->running), 1, q->inputs_received, 1,
                              admit > 1e6 ? 1000000u : (uint32_t)admit, q->last_upscale_s};
            delta = sim_ray_scale(&p, now);
        } else {
            /* A task operator runs a task per queued batch while its budget admits one more and its outputs have
             * somewhere to go (backpressure: no new task while a downstream queue is full). */
            int room = 1;
            for (uint32_t e = 0; e < o->n_out; e++)
                room &= load[sc->edges[o->out_edges[e]].to].queued_parts < sc->queue_partitions;
            double want = q->busy + (room ? qt : 0), cap = o->max_instances ? o->max_instances : INFINITY;
            want = fmin(fmin(want, cap), q->busy + q->pending + admit);
            want = fmax(want, o->min_instances ? o->min_instances : 1);
            if (want > q->alive) {
                delta = (int)(want - q->alive);
                q->surplus_since_s = -1;
            } else if (want < q->alive) {
                if (q->surplus_since_s < 0)
                    q->surplus_since_s = now;
                if (now - q->surplus_since_s >= RAY_WORKER_KEEP_S)
                    delta = -(int)(q->alive - want);
            } else {
                q->surplus_since_s = -1;
            }
        }
        if (delta > 0) {
            r->add[i] = (uint32_t)delta;
            q->last_upscale_s = now;
            ups += (uint32_t)delta;
        }
        for (int d = 0; d < -delta && st == SIM_OK; d++) {
            int found = 0;
            st = stop_one(r, h, n, i, plan, &found);
            downs += (uint32_t)found;
            if (!found)
                break;
        }
    }
    free(load);
    if (st == SIM_OK && ups)
        st = sim_realise_grow(h, r->add, plan, r->placed, err);
    if (plan->n_actions)
        snprintf(plan->reason, sizeof plan->reason, "raydata: +%u -%u instances", ups, downs);
    return st;
}

static sim_status step(void *state, sim_host *h, const sim_observation *obs, sim_plan *plan, sim_error *err)
{
    raydata *r = state;
    double now = (double)obs->now_ns * 1e-9;
    sim_status st = SIM_OK;
    if (obs->first) {
        st = sim_realise_declared(h, plan, err); /* initial_size: the declared counts */
        snprintf(plan->reason, sizeof plan->reason, "raydata: the declared deployment (initial sizes)");
        r->next_tick_s = now + RAY_TICK_S;
    } else if (now + 1e-9 >= r->next_tick_s) {
        st = tick(r, h, now, plan, err);
        r->next_tick_s = now + RAY_TICK_S;
    }
    sim_host_wake(h, r->next_tick_s);
    return st;
}

const sim_policy_vtable sim_policy_raydata = {
    "raydata", "Ray Data 2.57 defaults: actor pools +1/-1 at utilisation 1.75/0.5, budgets, task concurrency", 0,
    0, NULL, create, step, destroy};
