/* engine_observe.c -- what the run reports: per-window trd_sample records and events for the policy (what a
 * real host would measure: items taken and emitted, bytes, busy time, queue lengths, peak memory, the mean
 * workload features of the items taken), and for the result: busy and allocated shares of cores and devices,
 * and source items leaving per bin of time. */
#include "engine_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

sim_status sim_observe_event(sim_engine *e, const sim_event *ev)
{
    if (sim_grow((void **)&e->events, &e->cap_events, e->n_events + 1, sizeof *e->events)) {
        sim_abort(e, SIM_E_NOMEM, "simulation: out of memory (events)");
        return SIM_E_NOMEM;
    }
    e->events[e->n_events++] = *ev;
    return SIM_OK;
}

void sim_observe_busy(sim_engine *e, sim_inst *in, int delta)
{
    /* Busy means at least one batch computing: for an asynchronous instance one request in flight is enough. */
    if (delta > 0 && in->computing == 1) {
        in->busy_since = e->now;
    } else if (delta < 0 && in->computing == 0) {
        double from = in->busy_since > e->window_start ? in->busy_since : e->window_start;
        in->w_busy += e->now - from;
        if (e->sc->ops[in->op].cost.kind == SIM_COST_CPU)
            e->cpu_busy_core_s += (e->now - in->busy_since) * e->sc->ops[in->op].cpus;
    }
}

void sim_observe_device(sim_engine *e, uint32_t d, int was_active)
{
    sim_device *dv = &e->dev[d];
    if (!was_active && dv->active)
        dv->busy_since = e->now;
    else if (was_active && !dv->active)
        dv->busy_total += e->now - dv->busy_since;
}

void sim_observe_alloc(sim_engine *e, double d_cpus, double d_devices)
{
    e->alloc_core_s += e->cpus_alloc * (e->now - e->alloc_t);
    e->alloc_device_s += e->devices_alloc * (e->now - e->alloc_t);
    e->alloc_t = e->now;
    e->cpus_alloc += d_cpus;
    e->devices_alloc += d_devices;
}

void sim_observe_resolved(sim_engine *e, uint32_t doc)
{
    sim_doc *d = &e->docs[doc];
    sim_result *r = e->res;
    e->docs_resolved++;
    e->regime_live[d->regime]--;
    if (d->output)
        r->items_output++;
    else
        r->items_filtered++;
    e->latency_sum += e->now - d->t_enter;
    uint32_t bin = (uint32_t)(e->now / r->bin_s);
    if (bin >= r->n_bins) {
        size_t cap = r->n_bins;
        if (sim_grow((void **)&r->bins, &cap, (size_t)bin + 1, sizeof *r->bins)) {
            sim_abort(e, SIM_E_NOMEM, "simulation: out of memory (timeline)");
            return;
        }
        memset(r->bins + r->n_bins, 0, (cap - r->n_bins) * sizeof *r->bins);
        r->n_bins = (uint32_t)cap; /* the timeline keeps its capacity as its length; finish trims it */
    }
    r->bins[bin] += 1 / r->bin_s;
}

static int reserve_samples(sim_engine *e, size_t n)
{
    if (sim_grow((void **)&e->samples, &e->cap_samples, n, sizeof *e->samples)) {
        sim_abort(e, SIM_E_NOMEM, "simulation: out of memory (samples)");
        return -1;
    }
    return 0;
}

size_t sim_observe_close_window(sim_engine *e)
{
    const sim_scenario *sc = e->sc;
    size_t n = 0;
    uint64_t start_ns = (uint64_t)llround(e->window_start * 1e9), end_ns = (uint64_t)llround(e->now * 1e9);
    double len = e->now - e->window_start;
    for (uint32_t id = 0; id < e->n_insts; id++) {
        sim_inst *in = &e->insts[id];
        if (in->computing) {
            double from = in->busy_since > e->window_start ? in->busy_since : e->window_start;
            in->w_busy += e->now - from;
        }
        int report = e->pv->wants_samples && len > 0 && end_ns > start_ns &&
                     (in->w_served || (in->alive && in->state == SIM_INSTANCE_READY));
        if (report && reserve_samples(e, n + 1) == 0) {
            const sim_op *o = &sc->ops[in->op];
            trd_sample *s = &e->samples[n++];
            memset(s, 0, sizeof *s);
            s->window_start_ns = start_ns;
            s->window_end_ns = end_ns;
            s->op = in->op;
            s->instance = id;
            s->config = in->config;
            s->active_instances = 1;
            s->items_in = in->w_in;
            s->items_out = in->w_out;
            s->bytes_in = (uint64_t)llround(in->w_bytes_in);
            s->bytes_out = (uint64_t)llround(in->w_bytes_out);
            s->queue_start = e->queue_at_window_start[in->op];
            s->queue_end = e->queues[in->op].items;
            /* Host memory is not simulated: not measured.  (The reservation would claim that every instance
             * sits at its limit, which a memory-constrained tuner must read as "nothing is safe".) */
            s->host_mem_peak_bytes = 0;
            s->device_mem_peak_bytes = (uint64_t)llround(in->w_peak_mem);
            s->busy_s = in->w_busy > len ? len : in->w_busy;
            s->utilisation = s->busy_s / len;
            s->n_features = o->n_features;
            for (uint32_t f = 0; f < o->n_features; f++) {
                if (in->w_in)
                    in->last_feat[f] = in->w_feat[f] / (double)in->w_in;
                s->features[f] = in->last_feat[f];
            }
        }
        in->w_served = 0;
        in->w_in = in->w_out = 0;
        in->w_bytes_in = in->w_bytes_out = in->w_busy = in->w_peak_mem = 0;
        memset(in->w_feat, 0, sizeof in->w_feat);
    }
    for (uint32_t i = 0; i < sc->n_ops; i++)
        e->queue_at_window_start[i] = e->queues[i].items;
    e->window_start = e->now;
    return n;
}

void sim_observe_finish(sim_engine *e)
{
    sim_result *r = e->res;
    double t = e->now;
    for (uint32_t id = 0; id < e->n_insts; id++) {
        sim_inst *in = &e->insts[id];
        if (in->computing && e->sc->ops[in->op].cost.kind == SIM_COST_CPU)
            e->cpu_busy_core_s += (t - in->busy_since) * e->sc->ops[in->op].cpus;
    }
    double device_busy = 0;
    for (uint32_t d = 0; d < e->sc->n_devices; d++)
        device_busy += e->dev[d].busy_total + (e->dev[d].active ? t - e->dev[d].busy_since : 0);
    sim_observe_alloc(e, 0, 0);
    double cores = 0;
    for (uint32_t m = 0; m < e->sc->n_machines; m++)
        cores += e->sc->machines[m].cpus;
    if (t > 0) {
        r->util_cpu = cores > 0 ? e->cpu_busy_core_s / (cores * t) : 0;
        r->util_gpu = e->sc->n_devices ? device_busy / (e->sc->n_devices * t) : 0;
        r->alloc_cpu = cores > 0 ? e->alloc_core_s / (cores * t) : 0;
        r->alloc_gpu = e->sc->n_devices ? e->alloc_device_s / (e->sc->n_devices * t) : 0;
    }
    r->n_bins = (uint32_t)ceil(t / r->bin_s) < r->n_bins ? (uint32_t)ceil(t / r->bin_s) : r->n_bins;
    /* The last bin is partial: scale it to a rate over the time it covered. */
    if (r->n_bins && t > (r->n_bins - 1) * r->bin_s)
        r->bins[r->n_bins - 1] *= r->bin_s / (t - (r->n_bins - 1) * r->bin_s);
}

sim_status sim_observe_init(sim_engine *e)
{
    e->queue_at_window_start = calloc(e->sc->n_ops, sizeof *e->queue_at_window_start);
    return e->queue_at_window_start ? SIM_OK : SIM_E_NOMEM;
}

void sim_observe_free(sim_engine *e)
{
    free(e->queue_at_window_start);
    free(e->events);
    free(e->samples);
}
