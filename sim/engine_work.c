/* engine_work.c -- batches.  An instance that may take work pulls a batch from its operator's queue when every
 * downstream queue has room (backpressure).  The batch first fetches partitions produced on other machines
 * (bytes / the slower NIC, queued behind earlier transfers on both NICs), then runs:
 *   - on its CPU cores: per_batch + per_item x sum(scale), lognormal noise;
 *   - on its device: max(floor, t0 + t1 x sum(scale)) device-seconds, shared equally with the other instances
 *     computing on the same device (time slicing: co-located instances add no throughput), slowed past the
 *     near-cap threshold, or out of memory past the cap.
 * Asynchronous operators admit new items while fewer than `batch` are in flight; a wave's latency grows with
 * everything in flight (steps are shared), so the instance looks busy long before it is saturated. */
#include "engine_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void sim_mark_dirty(sim_engine *e, uint32_t op)
{
    if (!e->dirty[op]) {
        e->dirty[op] = 1;
        e->n_dirty++;
    }
}

static int capable(const sim_engine *e, const sim_inst *in)
{
    if (!in->alive || in->state != SIM_INSTANCE_READY)
        return 0;
    if (e->sc->ops[in->op].async)
        return in->inflight < in->batch;
    return in->jobs == 0;
}

void sim_ready_push(sim_engine *e, uint32_t id)
{
    sim_inst *in = &e->insts[id];
    if (in->in_ready || !capable(e, in))
        return;
    uint32_t op = in->op;
    if (sim_grow((void **)&e->ready[op], &e->cap_ready[op], (size_t)e->n_ready[op] + 1, sizeof *e->ready[op])) {
        sim_abort(e, SIM_E_NOMEM, "simulation: out of memory (ready list)");
        return;
    }
    e->ready[op][e->n_ready[op]++] = id;
    in->in_ready = 1;
    sim_mark_dirty(e, op);
}

static uint32_t pop_capable(sim_engine *e, uint32_t op)
{
    while (e->n_ready[op]) {
        uint32_t id = e->ready[op][--e->n_ready[op]];
        e->insts[id].in_ready = 0;
        if (capable(e, &e->insts[id]))
            return id;
    }
    return SIM_NONE;
}

static uint32_t new_job(sim_engine *e)
{
    if (e->free_job != SIM_NONE) {
        uint32_t j = e->free_job;
        e->free_job = e->jobs[j].next_free;
        return j;
    }
    if (sim_grow((void **)&e->jobs, &e->cap_jobs, (size_t)e->n_jobs + 1, sizeof *e->jobs)) {
        sim_abort(e, SIM_E_NOMEM, "simulation: out of memory (jobs)");
        return SIM_NONE;
    }
    e->jobs[e->n_jobs].ver = 0;
    return e->n_jobs++;
}

static void release_job(sim_engine *e, uint32_t j)
{
    sim_job *jb = &e->jobs[j];
    jb->used = 0;
    jb->ver++;
    jb->next_free = e->free_job;
    e->free_job = j;
}

/* Reserves both NICs for a transfer and returns when it ends. */
static double transfer(sim_engine *e, uint32_t from, uint32_t to, double bytes)
{
    if (from == SIM_NONE || from == to || bytes <= 0)
        return e->now;
    const sim_machine *a = &e->sc->machines[from], *b = &e->sc->machines[to];
    double bw = a->nic_bytes_per_s;
    if (bw <= 0 || (b->nic_bytes_per_s > 0 && b->nic_bytes_per_s < bw))
        bw = b->nic_bytes_per_s;
    if (bw <= 0)
        return e->now;
    sim_mstate *ma = &e->mach[from], *mb = &e->mach[to];
    double start = e->now;
    if (ma->egress_free > start)
        start = ma->egress_free;
    if (mb->ingress_free > start)
        start = mb->ingress_free;
    double end = start + bytes / bw;
    ma->egress_free = mb->ingress_free = end;
    return end;
}

/* Takes up to `want` items (0: the head partition's remaining items) from the queue into job `jb`. */
static void fill(sim_engine *e, uint32_t op, sim_job *jb, uint32_t want, sim_inst *in)
{
    const sim_op *o = &e->sc->ops[op];
    int whole = want == 0;
    sim_part *p;
    while ((whole || jb->n_items < want) && jb->n_segs < SIM_MAX_BATCH_PARTS && (p = sim_flow_queue_head(e, op))) {
        uint32_t k = p->n - p->taken;
        if (!whole && k > want - jb->n_items)
            k = want - jb->n_items;
        const double *f = sim_flow_features(e, p->doc);
        jb->segs[jb->n_segs++] = (sim_seg){p, k};
        jb->n_items += k;
        jb->lat_scale += k * sim_scale_of(&o->cost.scale, f);
        jb->mem_scale += k * sim_scale_of(&o->cost.mem_scale, f);
        jb->steps += k * sim_scale_of(&o->cost.steps, f);
        in->w_in += k;
        in->w_bytes_in += k * p->bytes_per_item;
        for (uint32_t x = 0; x < o->n_features; x++)
            in->w_feat[x] += k * f[o->features[x]];
        e->res->op_items_in[op] += k;
        sim_flow_take(e, op, p, k);
        if (whole)
            break;
    }
}

static void start_compute(sim_engine *e, uint32_t j);

/* Whether more input can still reach `op`: items queued or in flight anywhere upstream, or source items yet to
 * enter. */
static int more_to_come(const sim_engine *e, uint32_t op)
{
    if (e->next_doc < e->sc->items)
        return 1;
    for (uint32_t k = 0; k < e->n_ancestors[op]; k++) {
        uint32_t a = e->ancestors[op][k];
        if (e->queues[a].items || e->op_inflight[a])
            return 1;
    }
    return 0;
}

/* A synchronous batch waits until it can be full, as a batching UDF does, unless the queue is full (the
 * producers are held back by it) or nothing more can come. */
static int batch_ready(const sim_engine *e, uint32_t op, uint32_t batch)
{
    const sim_queue *q = &e->queues[op];
    return batch == 0 || q->items >= batch || q->len >= e->sc->queue_partitions || q->len >= SIM_MAX_BATCH_PARTS ||
           !more_to_come(e, op);
}

void sim_work_dispatch(sim_engine *e, uint32_t op)
{
    const sim_op *o = &e->sc->ops[op];
    while (!e->fatal && e->queues[op].len && sim_flow_downstream_room(e, op)) {
        e->waiting[op] = 0;
        if (!o->async && e->n_ready[op] && !batch_ready(e, op, e->insts[e->ready[op][e->n_ready[op] - 1]].batch)) {
            e->waiting[op] = 1; /* looked at again when any batch finishes */
            return;
        }
        uint32_t id = pop_capable(e, op);
        if (id == SIM_NONE)
            return;
        sim_inst *in = &e->insts[id];
        uint32_t j = new_job(e);
        if (j == SIM_NONE)
            return;
        sim_job *jb = &e->jobs[j];
        uint64_t ver = jb->ver;
        *jb = (sim_job){0};
        jb->ver = ver;
        jb->inst = id;
        jb->used = 1;
        fill(e, op, jb, o->async ? in->batch - in->inflight : in->batch, in);
        e->op_inflight[op] += jb->n_items;
        in->w_served = 1;
        in->jobs++;
        in->inflight += jb->n_items;
        in->inflight_lat += jb->lat_scale;
        in->inflight_mem += jb->mem_scale;
        in->inflight_steps += jb->steps;
        double ready = e->now;
        for (uint32_t s = 0; s < jb->n_segs; s++) {
            double t = transfer(e, jb->segs[s].p->machine, in->machine, jb->segs[s].n * jb->segs[s].p->bytes_per_item);
            if (t > ready)
                ready = t;
        }
        if (ready > e->now)
            sim_heap_push(&e->heap, ready, EV_JOB_FETCHED, j, jb->ver);
        else
            start_compute(e, j);
        sim_ready_push(e, id); /* an asynchronous instance may admit more */
    }
}

void sim_work_fetched(sim_engine *e, uint32_t j, uint64_t ver)
{
    if (j < e->n_jobs && e->jobs[j].used && e->jobs[j].ver == ver)
        start_compute(e, j);
}

/* Brings every computing job on a device up to now and gives each its new share of the device. */
static void retime_device(sim_engine *e, uint32_t d)
{
    sim_device *dv = &e->dev[d];
    double rate = dv->active ? 1.0 / dv->active : 0;
    for (uint32_t i = 0; i < dv->n_jobs; i++) {
        sim_job *jb = &e->jobs[dv->jobs[i]];
        jb->work -= (e->now - jb->t_last) * jb->rate;
        if (jb->work < 0)
            jb->work = 0;
        jb->t_last = e->now;
        if (jb->rate != rate) {
            jb->rate = rate;
            jb->ver++;
            sim_heap_push(&e->heap, e->now + jb->work / rate, EV_JOB_DONE, dv->jobs[i], jb->ver);
        }
    }
}

static int device_add(sim_engine *e, uint32_t d, uint32_t j)
{
    sim_device *dv = &e->dev[d];
    if (sim_grow((void **)&dv->jobs, &dv->cap_jobs, (size_t)dv->n_jobs + 1, sizeof *dv->jobs)) {
        sim_abort(e, SIM_E_NOMEM, "simulation: out of memory (device)");
        return -1;
    }
    dv->jobs[dv->n_jobs++] = j;
    return 0;
}

static void device_remove(sim_engine *e, uint32_t d, uint32_t j)
{
    sim_device *dv = &e->dev[d];
    for (uint32_t i = 0; i < dv->n_jobs; i++)
        if (dv->jobs[i] == j) {
            dv->jobs[i] = dv->jobs[--dv->n_jobs];
            return;
        }
}

/* computing-job count of an instance changes by delta: busy time, device shares. */
static void computing(sim_engine *e, sim_inst *in, int delta)
{
    uint32_t before = in->computing;
    in->computing = (uint32_t)((int)in->computing + delta);
    sim_observe_busy(e, in, delta);
    if (in->device == SIM_NONE || (before > 0) == (in->computing > 0))
        return;
    sim_device *dv = &e->dev[in->device];
    uint32_t was = dv->active;
    if (in->computing > 0)
        dv->active++;
    else
        dv->active--;
    sim_observe_device(e, in->device, was > 0);
}

static void start_compute(sim_engine *e, uint32_t j)
{
    sim_job *jb = &e->jobs[j];
    sim_inst *in = &e->insts[jb->inst];
    const sim_op *o = &e->sc->ops[in->op];
    const sim_cost *c = &o->cost;
    sim_rng *r = &e->cost_rng[in->op];
    jb->computing = 1;
    jb->t_last = e->now;
    if (c->kind == SIM_COST_CPU) {
        double mean = c->per_batch_s + c->per_item_s * jb->lat_scale;
        double cv = jb->n_items ? c->noise_cv / sqrt((double)jb->n_items) : 0;
        jb->work = sim_rng_lognormal(r, mean, cv);
        jb->rate = 1;
        computing(e, in, +1);
        sim_heap_push(&e->heap, e->now + jb->work, EV_JOB_DONE, j, jb->ver);
        return;
    }
    /* Accelerator: memory first.  An asynchronous instance holds everything in flight. */
    double items_mem = o->async ? in->inflight_mem : jb->mem_scale;
    double lat = o->async ? in->inflight_lat : jb->lat_scale;
    double n_items = o->async ? in->inflight : jb->n_items;
    double steps = n_items > 0 ? (o->async ? in->inflight_steps : jb->steps) / n_items : 1;
    double demand = c->mem_base_bytes + c->mem_per_item_bytes * items_mem;
    if (c->spike_probability > 0 && sim_rng_uniform(r) < c->spike_probability)
        demand *= 1 + c->spike_size;
    double cap = o->device_cap_bytes, u = cap > 0 ? demand / cap : 0;
    double t = c->t0_s + c->t1_s * lat;
    if (t < c->floor_s)
        t = c->floor_s;
    t *= steps;
    jb->oom = u > c->oom_fraction;
    if (jb->oom) {
        t = c->floor_s > 0 ? c->floor_s : t; /* the allocation fails early in the step */
        in->w_peak_mem = cap > in->w_peak_mem ? cap : in->w_peak_mem;
        sim_probe_memory(in, cap);
    } else {
        if (u > c->near_cap_from)
            t *= c->near_cap_slowdown;
        /* Near the cap the allocator frees and retries: the peak it reports stays at the threshold. */
        double peak = u > c->near_cap_from ? c->near_cap_from * cap : demand;
        if (peak > in->w_peak_mem)
            in->w_peak_mem = peak;
        sim_probe_memory(in, peak);
    }
    jb->work = sim_rng_lognormal(r, t, c->noise_cv);
    jb->rate = 0;
    if (device_add(e, in->device, j))
        return;
    computing(e, in, +1);
    retime_device(e, in->device);
}

static void finish_job(sim_engine *e, uint32_t j)
{
    sim_job *jb = &e->jobs[j];
    sim_inst *in = &e->insts[jb->inst];
    if (jb->computing) {
        if (in->device != SIM_NONE)
            device_remove(e, in->device, j);
        computing(e, in, -1);
        if (in->device != SIM_NONE)
            retime_device(e, in->device);
    }
    in->jobs--;
    in->inflight -= jb->n_items;
    e->op_inflight[in->op] -= jb->n_items;
    in->inflight_lat -= jb->lat_scale;
    in->inflight_mem -= jb->mem_scale;
    in->inflight_steps -= jb->steps;
    if (in->jobs == 0)
        in->inflight_lat = in->inflight_mem = in->inflight_steps = 0; /* no rounding drift across jobs */
    release_job(e, j);
}

void sim_work_abandon(sim_engine *e, uint32_t id)
{
    for (uint32_t j = 0; j < e->n_jobs && e->insts[id].jobs; j++) {
        sim_job *jb = &e->jobs[j];
        if (!jb->used || jb->inst != id)
            continue;
        sim_seg segs[SIM_MAX_BATCH_PARTS];
        uint32_t n = jb->n_segs;
        for (uint32_t s = 0; s < n; s++)
            segs[s] = jb->segs[s];
        e->res->op_items_in[e->insts[id].op] -= jb->n_items;
        finish_job(e, j);
        sim_flow_requeue(e, segs, n);
    }
}

void sim_work_done(sim_engine *e, uint32_t j, uint64_t ver)
{
    if (j >= e->n_jobs || !e->jobs[j].used || e->jobs[j].ver != ver)
        return; /* superseded by a retime, or abandoned */
    sim_job *jb = &e->jobs[j];
    uint32_t id = jb->inst;
    sim_inst *in = &e->insts[id];
    if (jb->oom) {
        sim_fleet_crash(e, id);
        return;
    }
    sim_seg segs[SIM_MAX_BATCH_PARTS];
    uint32_t n = jb->n_segs, machine = in->machine;
    for (uint32_t s = 0; s < n; s++)
        segs[s] = jb->segs[s];
    finish_job(e, j);
    for (uint32_t op = 0; op < e->sc->n_ops; op++)
        if (e->waiting[op])
            sim_mark_dirty(e, op);
    for (uint32_t s = 0; s < n && !e->fatal; s++) {
        segs[s].p->done += segs[s].n;
        if (segs[s].p->done == segs[s].p->n)
            sim_flow_complete(e, segs[s].p, machine, in);
    }
    if (in->jobs == 0 && in->state == SIM_INSTANCE_DRAINING)
        sim_fleet_drained(e, id);
    else
        sim_ready_push(e, id);
}

sim_status sim_work_init(sim_engine *e)
{
    uint32_t n = e->sc->n_ops;
    e->free_job = SIM_NONE;
    e->ready = calloc(n, sizeof *e->ready);
    e->n_ready = calloc(n, sizeof *e->n_ready);
    e->cap_ready = calloc(n, sizeof *e->cap_ready);
    e->dirty = calloc(n, 1);
    e->dev = calloc(e->sc->n_devices ? e->sc->n_devices : 1, sizeof *e->dev);
    e->op_inflight = calloc(n, sizeof *e->op_inflight);
    e->waiting = calloc(n, 1);
    e->ancestors = calloc(n, sizeof *e->ancestors);
    e->n_ancestors = calloc(n, sizeof *e->n_ancestors);
    if (!e->ready || !e->n_ready || !e->cap_ready || !e->dirty || !e->dev || !e->op_inflight || !e->waiting || !e->ancestors ||
        !e->n_ancestors)
        return SIM_E_NOMEM;
    /* Ancestors in topological order: an operator's are its producers' plus the producers themselves. */
    uint8_t *mark = calloc(n, 1);
    if (!mark)
        return SIM_E_NOMEM;
    for (uint32_t t = 0; t < n; t++) {
        uint32_t op = e->sc->topo[t];
        const sim_op *o = &e->sc->ops[op];
        memset(mark, 0, n);
        for (uint32_t k = 0; k < o->n_in; k++) {
            uint32_t p = e->sc->edges[o->in_edges[k]].from;
            mark[p] = 1;
            for (uint32_t a = 0; a < e->n_ancestors[p]; a++)
                mark[e->ancestors[p][a]] = 1;
        }
        e->ancestors[op] = calloc(n, sizeof **e->ancestors);
        if (!e->ancestors[op]) {
            free(mark);
            return SIM_E_NOMEM;
        }
        for (uint32_t a = 0; a < n; a++)
            if (mark[a])
                e->ancestors[op][e->n_ancestors[op]++] = a;
    }
    free(mark);
    return SIM_OK;
}

void sim_work_free(sim_engine *e)
{
    for (uint32_t i = 0; e->ready && i < e->sc->n_ops; i++)
        free(e->ready[i]);
    for (uint32_t d = 0; e->dev && d < e->sc->n_devices; d++)
        free(e->dev[d].jobs);
    free(e->ready);
    free(e->n_ready);
    free(e->cap_ready);
    for (uint32_t i = 0; e->ancestors && i < e->sc->n_ops; i++)
        free(e->ancestors[i]);
    free(e->ancestors);
    free(e->n_ancestors);
    free(e->op_inflight);
    free(e->waiting);
    free(e->dirty);
    free(e->dev);
    free(e->jobs);
}
