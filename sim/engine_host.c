/* engine_host.c -- what a policy may ask the host: the scenario, the instances, configs, and (policies with
 * uses_truth only) the workload's regimes. */
#include "engine_internal.h"

#include <string.h>

const sim_scenario *sim_host_scenario(const sim_host *h)
{
    return h->sc;
}

/* The ids of the instances alive, in order, kept across calls: policies that look every tick would otherwise
 * scan every instance ever created.  Instances never come back to life and new ones get higher ids, so the
 * cache drops the dead and appends the new. */
static int refresh_alive(const sim_host *h)
{
    struct sim_alive_cache *c = h->alive;
    size_t n = 0;
    for (size_t k = 0; k < c->n; k++)
        if (h->insts[c->ids[k]].alive)
            c->ids[n++] = c->ids[k];
    c->n = n;
    for (uint32_t id = c->scanned; id < h->n_insts; id++) {
        if (!h->insts[id].alive)
            continue;
        if (sim_grow((void **)&c->ids, &c->cap, c->n + 1, sizeof *c->ids)) {
            c->n = c->scanned = 0; /* the next call starts over */
            return -1;
        }
        c->ids[c->n++] = id;
    }
    c->scanned = h->n_insts;
    return 0;
}

const uint32_t *sim_alive_ids(const sim_engine *e, size_t *n)
{
    if (refresh_alive(e) != 0)
        return NULL;
    *n = e->alive->n;
    return e->alive->ids;
}

static sim_instance_view view_of(const sim_host *h, uint32_t id)
{
    const sim_inst *in = &h->insts[id];
    const sim_machine *mc = &h->sc->machines[in->machine];
    return (sim_instance_view){id, in->op, mc->node, mc->member, in->config, in->state, in->next_config, 0};
}

size_t sim_host_instances(const sim_host *h, sim_instance_view *out, size_t cap)
{
    size_t n = 0;
    if (refresh_alive(h) == 0) {
        for (size_t k = 0; k < h->alive->n; k++, n++)
            if (n < cap)
                out[n] = view_of(h, h->alive->ids[k]);
        return n;
    }
    for (uint32_t id = 0; id < h->n_insts; id++) /* no room for the cache: the full scan */
        if (h->insts[id].alive) {
            if (n < cap)
                out[n] = view_of(h, id);
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

void sim_host_wake(sim_host *h, double at_s)
{
    /* One pending wake-up: the earliest asked for (a later one would only delay it). */
    if (at_s < h->now)
        at_s = h->now;
    if (h->wake_t >= 0 && h->wake_t <= at_s)
        return;
    h->wake_t = at_s;
    if (sim_heap_push(&h->heap, at_s, EV_WAKE, 0, ++h->wake_ver))
        sim_abort(h, SIM_E_NOMEM, "simulation: out of memory (events)");
}

double sim_host_now(const sim_host *h)
{
    return h->now;
}

void sim_host_op_load(const sim_host *h, uint32_t op, sim_op_load *out)
{
    memset(out, 0, sizeof *out);
    if (op >= h->sc->n_ops)
        return;
    const sim_queue *q = &h->queues[op];
    out->queued_items = q->items;
    out->queued_parts = q->len;
    for (uint32_t i = 0; i < q->len; i++) {
        const sim_part *p = q->buf[(q->head + i) % q->cap];
        out->queued_bytes += (double)(p->n - p->taken) * p->bytes_per_item;
    }
    out->inflight_items = h->op_inflight[op];
}

uint32_t sim_host_instance_inflight(const sim_host *h, uint32_t id)
{
    return id < h->n_insts && h->insts[id].alive ? h->insts[id].inflight : 0;
}
