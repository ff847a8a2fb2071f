/* engine.c -- a run: set-up, the event loop, the result. */
/* clock_gettime for the wall-clock figures (never for simulated time). */
#define _POSIX_C_SOURCE 200809L
#include "engine_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void sim_abort(sim_engine *e, sim_status st, const char *fmt, ...)
{
    if (e->fatal)
        return;
    e->fatal = st;
    va_list ap;
    va_start(ap, fmt);
    if (e->err)
        vsnprintf(e->err->msg, sizeof e->err->msg, fmt, ap);
    va_end(ap);
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Dispatches every operator marked dirty, downstream first: freeing room there lets producers go on. */
static void settle(sim_engine *e)
{
    const sim_scenario *sc = e->sc;
    while (e->n_dirty && !e->fatal)
        for (uint32_t t = sc->n_ops; t-- > 0;) {
            uint32_t op = sc->topo[t];
            if (!e->dirty[op])
                continue;
            e->dirty[op] = 0;
            e->n_dirty--;
            sim_work_dispatch(e, op);
        }
}

/* Steps the policy; `window` closes the observation window first (its samples go with the call). */
static sim_status step_policy(sim_engine *e, sim_plan *plan, int first, int window)
{
    size_t n = window ? sim_observe_close_window(e) : 0;
    sim_observation obs = {(uint64_t)llround(e->now * 1e9), first, e->samples, n, e->events, e->n_events};
    sim_plan_clear(plan);
    plan->id = e->next_plan_id + 1; /* what sim_plans_accept will give it */
    sim_status st = e->pv->step(e->pstate, e, &obs, plan, e->err);
    e->n_events = 0;
    if (st != SIM_OK) {
        e->fatal = st;
        return st;
    }
    if (e->opt && e->opt->on_plan && (plan->n_actions || (plan->instant && plan->n_targets)))
        e->opt->on_plan(e->opt->user, e->now, plan);
    return sim_plans_accept(e, plan);
}

static sim_status init(sim_engine *e, sim_result *r)
{
    const sim_scenario *sc = e->sc;
    r->n_ops = sc->n_ops;
    r->op_items_in = calloc(sc->n_ops, sizeof *r->op_items_in);
    r->op_items_out = calloc(sc->n_ops, sizeof *r->op_items_out);
    r->op_items_queued = calloc(sc->n_ops, sizeof *r->op_items_queued);
    r->bin_s = sc->bin_s;
    r->n_segments = sc->n_segments < SIM_MAX_SEGMENTS ? sc->n_segments : SIM_MAX_SEGMENTS;
    e->cost_rng = calloc(sc->n_ops, sizeof *e->cost_rng);
    if (!r->op_items_in || !r->op_items_out || !r->op_items_queued || !e->cost_rng)
        return SIM_E_NOMEM;
    for (uint32_t i = 0; i < sc->n_ops; i++) {
        sim_rng_seed3(&e->cost_rng[i], e->seed, SIM_STREAM_COST, i);
    }
    sim_rng_seed3(&e->arrival_rng, e->seed, SIM_STREAM_ARRIVALS, 0);
    sim_status st;
    if ((st = sim_flow_init(e)) != SIM_OK || (st = sim_work_init(e)) != SIM_OK ||
        (st = sim_fleet_init(e)) != SIM_OK || (st = sim_observe_init(e)) != SIM_OK)
        return st;
    return SIM_OK;
}

static void teardown(sim_engine *e)
{
    e->pv->destroy(e->pstate);
    sim_flow_free(e);
    sim_work_free(e);
    sim_fleet_free(e);
    sim_observe_free(e);
    sim_heap_free(&e->heap);
    free(e->cost_rng);
    free(e->alive_store.ids);
}

static void dispatch_event(sim_engine *e, const sim_ev *ev, sim_plan *plan)
{
    switch (ev->kind) {
    case EV_WINDOW:
        if (step_policy(e, plan, 0, 1) == SIM_OK && e->docs_resolved < e->sc->items)
            sim_heap_push(&e->heap, e->now + e->sc->window_s, EV_WINDOW, 0, 0);
        break;
    case EV_ARRIVAL: sim_flow_arrival(e); break;
    case EV_INSTANCE_READY: sim_fleet_ready(e, ev->id, ev->ver); break;
    case EV_INSTANCE_GONE: sim_fleet_gone(e, ev->id, ev->ver); break;
    case EV_JOB_FETCHED: sim_work_fetched(e, ev->id, ev->ver); break;
    case EV_JOB_DONE: sim_work_done(e, ev->id, ev->ver); break;
    case EV_WAKE:
        /* A step between windows (no samples: the window stays open); a later request replaced it if stale. */
        if (ev->ver == e->wake_ver) {
            e->wake_t = -1;
            step_policy(e, plan, 0, 0);
        }
        break;
    case EV_PROBE_END: sim_probe_end(e, ev->id, ev->ver); break;
    default: sim_abort(e, SIM_E_INVALID, "simulation: unknown event kind %u", ev->kind);
    }
}

static void progress(sim_engine *e)
{
    if (!e->opt || !e->opt->progress)
        return;
    double w = wall_now();
    if (w - e->last_progress_wall < e->opt->progress_every_s)
        return;
    e->last_progress_wall = w;
    e->opt->progress(e->opt->user, e->now, (double)e->docs_resolved / (double)e->sc->items);
}

static void loop(sim_engine *e, sim_plan *plan)
{
    const sim_scenario *sc = e->sc;
    sim_ev ev;
    double last_resolved = 0;
    while (!e->fatal && e->docs_resolved < sc->items && sim_heap_pop(&e->heap, &ev)) {
        if (ev.t > sc->max_time_s) {
            e->now = sc->max_time_s;
            break;
        }
        e->now = ev.t;
        e->res->events++;
        uint64_t resolved = e->docs_resolved;
        dispatch_event(e, &ev, plan);
        settle(e);
        if (e->segment_changed) {
            /* Truth policies hear of a new regime at once (the oracle switches instantly). */
            e->segment_changed = 0;
            if (e->pv->uses_truth && step_policy(e, plan, 0, 0) == SIM_OK)
                settle(e);
        }
        if (e->docs_resolved != resolved)
            last_resolved = e->now;
        if ((e->res->events & 0xffff) == 0)
            progress(e);
    }
    e->res->finished = e->docs_resolved == sc->items;
    if (e->res->finished)
        e->now = last_resolved;
    /* The last, partial window is reported too (its plan, if any, has nothing left to act on). */
    if (!e->fatal && e->now > e->window_start && step_policy(e, plan, 0, 1) == SIM_OK)
        e->exec.active = 0;
}

sim_status sim_run(const sim_scenario *sc, const sim_policy_vtable *pv, const sim_run_options *opt,
                   sim_result *out, sim_error *err)
{
    double wall0 = wall_now();
    sim_result r;
    memset(&r, 0, sizeof r);
    sim_engine e;
    memset(&e, 0, sizeof e);
    e.sc = sc;
    e.pv = pv;
    e.err = err;
    e.opt = opt;
    e.seed = opt && opt->seed ? opt->seed : sc->seed;
    e.wake_t = -1;
    e.alive = &e.alive_store;
    e.res = &r;
    e.last_progress_wall = wall0;
    snprintf(r.policy, sizeof r.policy, "%s", pv->name);
    r.seed = e.seed;
    sim_plan plan;
    memset(&plan, 0, sizeof plan);

    sim_status st = init(&e, &r);
    if (st != SIM_OK) {
        sim_fail(err, st, "simulation: out of memory setting up the run");
    } else if ((st = pv->create(sc, e.seed, pv->param, &e.pstate, err)) == SIM_OK) {
        if (sc->arrival_rate > 0)
            sim_heap_push(&e.heap, sim_rng_exponential(&e.arrival_rng, 1 / sc->arrival_rate), EV_ARRIVAL, 0, 0);
        else
            sim_flow_feed_source(&e);
        if (step_policy(&e, &plan, 1, 0) == SIM_OK) {
            sim_heap_push(&e.heap, sc->window_s, EV_WINDOW, 0, 0);
            settle(&e);
            loop(&e, &plan);
        }
        st = e.fatal;
    }
    if (st == SIM_OK) {
        sim_observe_finish(&e);
        r.makespan_s = e.now;
        r.throughput_per_s = e.now > 0 ? (double)e.docs_resolved / e.now : 0;
        r.mean_latency_s = e.docs_resolved ? e.latency_sum / (double)e.docs_resolved : 0;
        /* Conservation: in a finished run every item delivered to an operator was taken by it, and every source
         * item left as output or filtered. */
        if (r.finished) {
            r.items_lost = r.items - r.items_output - r.items_filtered;
            for (uint32_t i = 0; i < sc->n_ops; i++)
                r.items_lost += r.op_items_queued[i] - r.op_items_in[i];
        }
    }
    sim_plan_release(&plan);
    teardown(&e);
    r.wall_s = wall_now() - wall0;
    if (st != SIM_OK) {
        sim_result_release(&r);
        return st;
    }
    *out = r;
    return SIM_OK;
}

void sim_result_release(sim_result *r)
{
    free(r->bins);
    free(r->op_items_in);
    free(r->op_items_out);
    free(r->op_items_queued);
    r->bins = NULL;
    r->op_items_in = r->op_items_out = r->op_items_queued = NULL;
}
