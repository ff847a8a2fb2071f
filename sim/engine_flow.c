/* engine_flow.c -- how items move: source items enter as one-item partitions at the source operator; when an
 * operator has finished every item of a partition, the partition's output (fan-out or fan-in by the source
 * item's features, then the filter, then routing by modality or broadcast) becomes new partitions in the
 * queues downstream.  A fork opens a region that ends at the join (an operator with several inputs), which
 * waits for every branch of the source item and emits one partition.  A source item leaves when its last
 * partition is gone: as output if any item reached a sink, else as filtered. */
#include "engine_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PART_BLOCK 4096

static sim_status grow_parts(sim_engine *e)
{
    if (sim_grow((void **)&e->part_blocks, &e->cap_part_blocks, e->n_part_blocks + 1, sizeof *e->part_blocks))
        return SIM_E_NOMEM;
    sim_part *block = calloc(PART_BLOCK, sizeof *block);
    if (!block)
        return SIM_E_NOMEM;
    e->part_blocks[e->n_part_blocks++] = block;
    for (size_t i = 0; i < PART_BLOCK; i++) {
        block[i].next_free = e->free_parts;
        e->free_parts = &block[i];
    }
    return SIM_OK;
}

static sim_part *new_part(sim_engine *e, uint32_t op, uint32_t doc, uint32_t n, uint32_t machine, double bpi)
{
    if (!e->free_parts && grow_parts(e) != SIM_OK) {
        sim_abort(e, SIM_E_NOMEM, "simulation: out of memory (partitions)");
        return NULL;
    }
    sim_part *p = e->free_parts;
    e->free_parts = p->next_free;
    *p = (sim_part){doc, op, n, 0, 0, machine, bpi, NULL};
    e->docs[doc].live++;
    return p;
}

static void free_part(sim_engine *e, sim_part *p)
{
    sim_doc *d = &e->docs[p->doc];
    uint32_t doc = p->doc;
    p->next_free = e->free_parts;
    e->free_parts = p;
    if (--d->live == 0)
        sim_observe_resolved(e, doc);
}

static int queue_reserve(sim_engine *e, sim_queue *q)
{
    if (q->len < q->cap)
        return 0;
    uint32_t cap = q->cap ? 2 * q->cap : 64;
    sim_part **buf = malloc((size_t)cap * sizeof *buf);
    if (!buf) {
        sim_abort(e, SIM_E_NOMEM, "simulation: out of memory (queue)");
        return -1;
    }
    for (uint32_t i = 0; i < q->len; i++)
        buf[i] = q->buf[(q->head + i) % q->cap];
    free(q->buf);
    q->buf = buf;
    q->head = 0;
    q->cap = cap;
    return 0;
}

static void push_back(sim_engine *e, uint32_t op, sim_part *p)
{
    sim_queue *q = &e->queues[op];
    if (queue_reserve(e, q))
        return;
    q->buf[(q->head + q->len++) % q->cap] = p;
    q->items += p->n - p->taken;
    e->res->op_items_queued[op] += p->n;
    sim_mark_dirty(e, op);
}

static void push_front(sim_engine *e, uint32_t op, sim_part *p)
{
    sim_queue *q = &e->queues[op];
    if (queue_reserve(e, q))
        return;
    q->head = (q->head + q->cap - 1) % q->cap;
    q->buf[q->head] = p;
    q->len++;
    q->items += p->n - p->taken;
    sim_mark_dirty(e, op);
}

sim_part *sim_flow_queue_head(sim_engine *e, uint32_t op)
{
    sim_queue *q = &e->queues[op];
    return q->len ? q->buf[q->head] : NULL;
}

void sim_flow_take(sim_engine *e, uint32_t op, sim_part *p, uint32_t n)
{
    sim_queue *q = &e->queues[op];
    p->taken += n;
    q->items -= n;
    if (p->taken == p->n) {
        q->head = (q->head + 1) % q->cap;
        q->len--;
        /* Room downstream of the producers: they may be waiting on it. */
        const sim_op *o = &e->sc->ops[op];
        for (uint32_t i = 0; i < o->n_in; i++)
            sim_mark_dirty(e, e->sc->edges[o->in_edges[i]].from);
        if (op == e->sc->source_op)
            sim_flow_feed_source(e);
    }
}

void sim_flow_requeue(sim_engine *e, const sim_seg *segs, uint32_t n_segs)
{
    /* Back to the front in reverse order, so the queue keeps its order. */
    for (uint32_t i = n_segs; i-- > 0;) {
        sim_part *p = segs[i].p;
        sim_queue *q = &e->queues[p->op];
        int queued = p->taken < p->n;
        p->taken -= segs[i].n;
        if (queued) {
            q->items += segs[i].n;
            sim_mark_dirty(e, p->op);
        } else {
            push_front(e, p->op, p);
        }
    }
}

const double *sim_flow_features(const sim_engine *e, uint32_t doc)
{
    return e->doc_features + (size_t)doc * e->sc->n_features;
}

int sim_flow_downstream_room(const sim_engine *e, uint32_t op)
{
    const sim_op *o = &e->sc->ops[op];
    for (uint32_t i = 0; i < o->n_out; i++)
        if (e->queues[e->sc->edges[o->out_edges[i]].to].len >= e->sc->queue_partitions)
            return 0;
    return 1;
}

/* Creates source item `i` (its features depend only on the seed and i) and queues it at the source. */
static void enter(sim_engine *e)
{
    const sim_scenario *sc = e->sc;
    uint64_t i = e->next_doc++;
    while (e->segment + 1 < sc->n_segments && i >= sc->segments[e->segment + 1].first)
        e->segment++;
    if (i == sc->segments[e->segment].first && e->segment < SIM_MAX_SEGMENTS) {
        e->res->segment_start_s[e->segment] = e->now;
        e->segment_changed = i > 0;
    }
    const sim_regime *g = &sc->regimes[sc->segments[e->segment].regime];
    sim_rng r;
    sim_rng_seed3(&r, e->seed, SIM_STREAM_FEATURES, i);
    double *f = e->doc_features + (size_t)i * sc->n_features;
    for (uint32_t k = 0; k < sc->n_features; k++)
        f[k] = sim_dist_draw(&r, &g->features[k]);
    sim_doc *d = &e->docs[i];
    memset(d, 0, sizeof *d);
    d->regime = sc->segments[e->segment].regime;
    e->regime_live[d->regime]++;
    d->t_enter = e->now;
    e->res->items++;
    sim_part *p = new_part(e, sc->source_op, (uint32_t)i, 1, SIM_NONE, 0);
    if (p)
        push_back(e, sc->source_op, p);
}

void sim_flow_feed_source(sim_engine *e)
{
    if (e->sc->arrival_rate > 0)
        return; /* open workload: items enter when they arrive */
    while (e->next_doc < e->sc->items && e->queues[e->sc->source_op].len < e->sc->queue_partitions && !e->fatal)
        enter(e);
}

void sim_flow_arrival(sim_engine *e)
{
    if (e->next_doc >= e->sc->items)
        return;
    enter(e);
    if (e->next_doc < e->sc->items)
        sim_heap_push(&e->heap, e->now + sim_rng_exponential(&e->arrival_rng, 1 / e->sc->arrival_rate), EV_ARRIVAL, 0,
                      0);
}

static uint32_t round_count(double x)
{
    if (x <= 0)
        return 0;
    return x > 4e9 ? 4000000000u : (uint32_t)floor(x + 0.5);
}

static void deliver(sim_engine *e, uint32_t to, uint32_t doc, uint32_t n, uint32_t machine, double bpi);

/* An empty branch inside a fork region still reports to the join, so the join knows it will never come. */
static void deliver_empty(sim_engine *e, uint32_t op, uint32_t doc, uint32_t machine)
{
    const sim_op *o = &e->sc->ops[op];
    for (uint32_t i = 0; i < o->n_out; i++)
        deliver(e, e->sc->edges[o->out_edges[i]].to, doc, 0, machine, 0);
}

static void deliver(sim_engine *e, uint32_t to, uint32_t doc, uint32_t n, uint32_t machine, double bpi)
{
    sim_doc *d = &e->docs[doc];
    if (e->sc->ops[to].n_in > 1 && d->in_fork) {
        d->fork_arrived++;
        d->join_items += n;
        d->join_bytes += n * bpi;
        if (n)
            d->join_machine = machine;
        if (d->fork_arrived < d->fork_expected)
            return;
        d->in_fork = 0;
        n = d->join_items;
        bpi = n ? d->join_bytes / n : 0;
        machine = d->join_machine;
    }
    if (n == 0) {
        if (d->in_fork)
            deliver_empty(e, to, doc, machine);
        return;
    }
    sim_part *p = new_part(e, to, doc, n, machine, bpi);
    if (p)
        push_back(e, to, p);
}

void sim_flow_complete(sim_engine *e, sim_part *p, uint32_t machine, sim_inst *by)
{
    const sim_scenario *sc = e->sc;
    const sim_op *o = &sc->ops[p->op];
    const double *f = sim_flow_features(e, p->doc);
    /* Filter and routing draws depend on (source item, operator) only: every policy sees the same outcomes. */
    sim_rng rng, *r = &rng;
    sim_rng_seed3(r, e->seed, SIM_STREAM_FLOW, (uint64_t)p->doc * sc->n_ops + p->op);
    double factor = sim_quantity_of(&o->fanout, f);
    uint32_t out;
    if (o->fanin)
        out = factor > 0 ? round_count(p->n / factor) : p->n;
    else
        out = round_count(p->n * factor);
    if (o->fanin && out == 0)
        out = 1; /* a join of anything emits at least one item */
    double keep = sim_quantity_of(&o->keep, f);
    if (keep < 1)
        out = (uint32_t)sim_rng_binomial(r, out, keep);
    e->res->op_items_out[p->op] += out;
    if (by)
        by->w_out += out;
    double bpi = sim_quantity_of(&o->out_bytes, f);
    if (by)
        by->w_bytes_out += out * bpi;
    sim_doc *d = &e->docs[p->doc];
    if (o->n_out == 0) {
        d->output += out;
    } else if (o->n_out == 1) {
        deliver(e, sc->edges[o->out_edges[0]].to, p->doc, out, machine, bpi);
    } else {
        if (d->in_fork) {
            sim_abort(e, SIM_E_INVALID, "simulation: operator '%s' forks inside another fork's region (nested "
                      "forks are not supported)", o->name);
            return;
        }
        d->in_fork = 1;
        d->fork_expected = o->n_out;
        d->fork_arrived = 0;
        d->join_items = 0;
        d->join_bytes = 0;
        d->join_machine = machine;
        uint32_t left = out;
        double wsum = 0;
        if (o->route)
            for (uint32_t i = 0; i < o->n_out; i++)
                wsum += sim_quantity_of(&o->route[i], f);
        for (uint32_t i = 0; i < o->n_out && !e->fatal; i++) {
            uint32_t k = out; /* broadcast */
            if (o->route) {
                /* Multinomial split, one conditional binomial per route. */
                double w = sim_quantity_of(&o->route[i], f);
                k = i + 1 == o->n_out ? left : (uint32_t)sim_rng_binomial(r, left, wsum > 0 ? w / wsum : 0);
                left -= k;
                wsum -= w;
            }
            deliver(e, sc->edges[o->out_edges[i]].to, p->doc, k, machine, bpi);
        }
    }
    free_part(e, p);
}

sim_status sim_flow_init(sim_engine *e)
{
    const sim_scenario *sc = e->sc;
    e->docs = calloc(sc->items, sizeof *e->docs);
    e->doc_features = calloc(sc->items * (sc->n_features ? sc->n_features : 1), sizeof(double));
    e->queues = calloc(sc->n_ops, sizeof *e->queues);
    e->regime_live = calloc(sc->n_regimes, sizeof *e->regime_live);
    if (!e->docs || !e->doc_features || !e->queues || !e->regime_live)
        return SIM_E_NOMEM;
    return SIM_OK;
}

void sim_flow_free(sim_engine *e)
{
    for (uint32_t i = 0; e->queues && i < e->sc->n_ops; i++)
        free(e->queues[i].buf);
    for (size_t b = 0; b < e->n_part_blocks; b++)
        free(e->part_blocks[b]);
    free(e->part_blocks);
    free(e->queues);
    free(e->regime_live);
    free(e->docs);
    free(e->doc_features);
}
