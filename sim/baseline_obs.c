/* baseline_obs.c -- see baseline_obs.h. */
#include "baseline_obs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Useful time below this says nothing about a rate (a batch of a microsecond). */
#define MIN_USEFUL_S 1e-6

sim_status sim_bobs_init(sim_bobs *b, const sim_scenario *sc, sim_error *err)
{
    memset(b, 0, sizeof *b);
    b->sc = sc;
    b->op = calloc(sc->n_ops, sizeof *b->op);
    return b->op ? SIM_OK : sim_fail(err, SIM_E_NOMEM, "baseline: out of memory");
}

void sim_bobs_free(sim_bobs *b)
{
    free(b->op);
    b->op = NULL;
}

void sim_bobs_update(sim_bobs *b, const sim_observation *obs)
{
    for (size_t i = 0; i < obs->n_events; i++) {
        const sim_event *ev = &obs->events[i];
        if (ev->kind == SIM_EVENT_PLAN_DONE) {
            b->plans_done++;
            b->settled_since_s = (double)ev->t_ns * 1e-9;
        } else if (ev->kind == SIM_EVENT_OOM) {
            b->ooms++;
        }
    }
    if (!obs->n_samples)
        return;
    const trd_sample *s0 = &obs->samples[0];
    double len = (double)(s0->window_end_ns - s0->window_start_ns) * 1e-9;
    b->windows++;
    b->window_s += len;
    for (size_t i = 0; i < obs->n_samples; i++) {
        const trd_sample *s = &obs->samples[i];
        sim_bobs_op *o = &b->op[s->op];
        o->items_in += (double)s->items_in;
        o->items_out += (double)s->items_out;
        o->instance_windows += 1;
        o->queue_end = (double)s->queue_end;
        o->cum_in += s->items_in;
        o->cum_out += s->items_out;
        if (s->busy_s > MIN_USEFUL_S) {
            o->useful_in += (double)s->items_in;
            o->useful_out += (double)s->items_out;
            o->busy_s += s->busy_s;
        }
    }
}

void sim_bobs_issued(sim_bobs *b, const sim_plan *plan, double now_s)
{
    (void)now_s;
    if (plan->n_actions > 0 || (plan->instant && plan->n_targets > 0))
        b->plans_issued++;
}

void sim_bobs_reset(sim_bobs *b)
{
    for (uint32_t i = 0; i < b->sc->n_ops; i++) {
        sim_bobs_op *o = &b->op[i];
        o->items_in = o->items_out = o->useful_in = o->useful_out = o->busy_s = o->instance_windows = 0;
    }
    b->windows = b->window_s = 0;
}

int sim_bobs_settled(const sim_bobs *b, double now_s, double warm_up_s)
{
    return b->plans_done >= b->plans_issued && now_s - b->settled_since_s >= warm_up_s;
}

double sim_bobs_rate(const sim_bobs *b, uint32_t op)
{
    const sim_bobs_op *o = &b->op[op];
    return o->busy_s > MIN_USEFUL_S ? o->useful_in / o->busy_s : 0;
}

double sim_bobs_selectivity(const sim_bobs *b, uint32_t op)
{
    const sim_bobs_op *o = &b->op[op];
    if (o->items_in > 0)
        return o->items_out / o->items_in; /* DS2 measures it per interval: o[lambda_o] / o[lambda_p] */
    if (o->cum_in > 0)
        return (double)o->cum_out / (double)o->cum_in;
    double prior = NAN;
    if (trd_ctx_get_operator_attr(b->sc->model, op, TRD_OP_ITEMS_OUT_PER_IN, &prior) == TRD_OK && prior >= 0)
        return prior;
    return 1;
}

double sim_bobs_demand(const sim_bobs *b, uint32_t op)
{
    uint64_t src = b->op[b->sc->source_op].cum_in;
    return src ? (double)b->op[op].cum_in / (double)src : 0;
}

double sim_bobs_interval_demand(const sim_bobs *b, uint32_t op)
{
    double src = b->op[b->sc->source_op].items_in;
    return src > 0 ? b->op[op].items_in / src : sim_bobs_demand(b, op);
}

double sim_bobs_edge_share(const sim_bobs *b, uint32_t from, uint32_t k)
{
    const sim_scenario *sc = b->sc;
    const sim_op *o = &sc->ops[from];
    if (!o->route)
        return 1; /* broadcast: every branch gets all of it */
    /* A route sends each item down one branch: the branches' intake gives the shares (each branch of the
     * bundled pipelines has this router as its only producer). */
    double total = 0;
    for (uint32_t j = 0; j < o->n_out; j++)
        total += b->op[sc->edges[o->out_edges[j]].to].items_in;
    if (total > 0) /* this interval's shares, as DS2 measures every rate per interval */
        return b->op[sc->edges[o->out_edges[k]].to].items_in / total;
    total = 0;
    for (uint32_t j = 0; j < o->n_out; j++)
        total += (double)b->op[sc->edges[o->out_edges[j]].to].cum_in;
    if (total > 0)
        return (double)b->op[sc->edges[o->out_edges[k]].to].cum_in / total;
    return sc->edges[o->out_edges[k]].share;
}

uint32_t sim_bobs_max_instances(const sim_op *o)
{
    return o->max_instances ? o->max_instances : UINT32_MAX;
}
