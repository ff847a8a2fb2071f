/* sched_input.c -- what the scheduler derives from the committed model, the host's rates and the parameters:
 * amplification, rolling-update state, default timings, per-machine fits and the current deployment. */
#include <math.h>
#include <string.h>

#include "common/numfmt.h"
#include "schedule/sched.h"

void trd__sched_input_free(trd__sched_input *in)
{
    const trd__alloc *a = in->alloc;
    if (!a)
        return;
    trd__free(a, in->ops);
    trd__free(a, in->pools);
    trd__free(a, in->machine_pool);
    trd__free(a, in->topo);
    trd__free(a, in->fit);
    trd__free(a, in->share);
    trd__free(a, in->current);
    trd__free(a, in->edge_share);
    memset(in, 0, sizeof *in);
}

double trd__sched_op_capacity(const trd__sched_op *o, double instances, double b)
{
    return (instances - o->n_new - b) * o->ut_cur + o->n_new * o->ut_cand + b * o->ut_hat;
}

double trd__sched_op_peak_rate(const trd__sched_op *o)
{
    double r = o->ut_cur;
    if (o->n_new > 0 && o->ut_cand > r)
        r = o->ut_cand;
    if (o->b_max > 0 && o->ut_hat > r)
        r = o->ut_hat;
    return r;
}

static trd_status check_rates(const trd__model *m, const trd_rate *rates, size_t count, const trd_rate **by_op,
                              trd__diag *d)
{
    if (count != m->n_ops)
        return trd__fail(d, TRD_E_INVALID_ARG, "schedule: %zu rates given, but the model has %zu operators", count,
                         m->n_ops);
    for (size_t k = 0; k < count; k++) {
        const trd_rate *r = &rates[k];
        if (r->op >= m->n_ops)
            return trd__fail(d, TRD_E_INVALID_ARG, "schedule: rate[%zu]: op %u unknown (the model has %zu operators)",
                             k, r->op, m->n_ops);
        const char *name = m->ops[r->op].name;
        if (by_op[r->op])
            return trd__fail(d, TRD_E_INVALID_ARG, "schedule: rate[%zu]: operator '%s' appears twice", k, name);
        by_op[r->op] = r;
        char v[TRD__NUM_CAP];
        if (!(r->items_per_s > 0) || !isfinite(r->items_per_s)) {
            trd__fmt_double(v, r->items_per_s);
            return trd__fail(d, TRD_E_INVALID_ARG, "schedule: rate[%zu] ('%s'): items_per_s %s must be finite and > 0",
                             k, name, v);
        }
        if (r->reserved != 0)
            return trd__fail(d, TRD_E_INVALID_ARG, "schedule: rate[%zu] ('%s'): reserved must be 0", k, name);
        if (r->candidate_config == TRD_NO_CONFIG)
            continue;
        if (r->candidate_config >= m->ops[r->op].n_configs)
            return trd__fail(d, TRD_E_INVALID_ARG,
                             "schedule: rate[%zu] ('%s'): candidate_config %u unknown (the operator has %zu configs)",
                             k, name, r->candidate_config, m->ops[r->op].n_configs);
        if (!(r->candidate_items_per_s > 0) || !isfinite(r->candidate_items_per_s)) {
            trd__fmt_double(v, r->candidate_items_per_s);
            return trd__fail(d, TRD_E_INVALID_ARG,
                             "schedule: rate[%zu] ('%s'): candidate_items_per_s %s must be finite and > 0", k, name, v);
        }
    }
    return TRD_OK;
}

/* Instances of op alone on one machine of pool p (0 = does not fit), and its device share there. */
static uint32_t machine_fit(const trd__operator *o, const trd__node *n, double *share)
{
    double fit = TRD__FIT_CAP;
    const double have[2] = {trd__node_get(n, TRD_NODE_CPUS), trd__node_get(n, TRD_NODE_MEMORY_BYTES)};
    const double need[2] = {trd__op_get(o, TRD_OP_CPUS), trd__op_get(o, TRD_OP_MEMORY_BYTES)};
    for (int r = 0; r < 2; r++)
        if (need[r] > 0)
            fit = fmin(fit, floor(have[r] * (1 + TRD__FIT_EPS) / need[r]));
    double g = trd__op_get(o, TRD_OP_GPUS), devices = trd__node_get(n, TRD_NODE_GPUS);
    *share = 0;
    if (g > 0) {
        /* The device-memory cap bounds one instance on one device; validation checked it per node kind. */
        if (devices < 1 || trd__op_get(o, TRD_OP_GPU_MEMORY_BYTES) >
                               trd__node_get(n, TRD_NODE_GPU_MEMORY_BYTES) * (1 + TRD__FIT_EPS))
            return 0;
        *share = g >= 1 ? g : trd__op_device_share(o, n);
        fit = fmin(fit, g >= 1 ? floor(devices / g) : devices * floor((1 + TRD__FIT_EPS) / *share));
    }
    return fit > 0 ? (uint32_t)fit : 0;
}

/* Default timings (research/trident.md section 7): launch 2 s + 10 s per device + 0.5 s per GB of memory,
 * stop 0.5 s + 1 s per device.  An unknown cold start is the start time: the instance produces nothing until it
 * runs; afterwards it works at the new rate even while the observe layer re-learns it. */
void trd__sched_timings(const trd__operator *o, const trd__sched_hint *h, double *start_s, double *stop_s,
                        double *cold_s)
{
    double g = trd__op_get(o, TRD_OP_GPUS);
    double gb = (trd__op_get(o, TRD_OP_MEMORY_BYTES) + trd__op_get(o, TRD_OP_GPU_MEMORY_BYTES)) / 1e9;
    double start = trd__op_get(o, TRD_OP_START_S), stop = trd__op_get(o, TRD_OP_STOP_S);
    double cold = trd__op_get(o, TRD_OP_COLD_START_S);
    if (h) {
        start = start >= 0 ? start : h->start_s;
        stop = stop >= 0 ? stop : h->stop_s;
        cold = cold >= 0 ? cold : h->cold_s;
    }
    *start_s = start >= 0 ? start : 2 + 10 * g + 0.5 * gb;
    *stop_s = stop >= 0 ? stop : 0.5 + 1 * g;
    *cold_s = cold >= 0 ? cold : *start_s;
}

static void timings(const trd__operator *o, const trd__sched_hint *h, trd__sched_op *s)
{
    trd__sched_timings(o, h, &s->h_start, &s->h_stop, &s->h_cold);
}

/* Rolling-update state from the deployment (see trd_ctx_plan_with_rates). */
static void rolling_state(const trd__model *m, size_t i, const trd_rate *r, const trd__sched_params *p,
                          trd__sched_op *s)
{
    double fraction = p->hints && p->hints[i].rolling_fraction >= 0 ? p->hints[i].rolling_fraction
                                                                      : p->rolling_fraction;
    const trd__operator *o = &m->ops[i];
    s->ut_cur = r->items_per_s * s->weight;
    s->cand = r->candidate_config;
    s->ut_cand = s->cand == TRD_NO_CONFIG ? 0 : r->candidate_items_per_s * s->weight;
    /* The most common config among instances not on the candidate is the one new instances start with. */
    uint32_t best = 0, best_n = 0;
    for (size_t c = 0; c < o->n_configs; c++) {
        uint32_t n = 0;
        for (size_t q = 0; q < m->n_placements; q++)
            if (m->placements[q].op == i && m->placements[q].config == c)
                n += m->placements[q].instances;
        s->n_now += n;
        if (c == s->cand)
            s->n_new = n;
        else if (n > best_n)
            best = (uint32_t)c, best_n = n;
    }
    s->n_old = s->n_now - s->n_new;
    s->cur_config = best;
    if (s->cand != TRD_NO_CONFIG && s->n_old == 0 && (s->n_new > 0 || s->ut_cand > s->ut_cur)) {
        /* Transition finished (or nothing runs yet and the candidate is faster): the candidate is current. */
        s->cur_config = s->cand;
        s->ut_cur = s->ut_cand;
        s->n_new = 0;
        s->n_old = s->n_now;
        s->cand = TRD_NO_CONFIG;
    }
    if (s->cand == TRD_NO_CONFIG) {
        s->ut_cand = 0;
        s->n_new = 0;
        s->n_old = s->n_now;
    }
    s->horizon_s = p->hints && p->hints[i].horizon_s > p->interval_s ? p->hints[i].horizon_s : p->interval_s;
    double discount = 1 - s->h_cold / s->horizon_s;
    s->ut_hat = s->ut_cand * (discount > 0 ? discount : 0);
    if (s->cand != TRD_NO_CONFIG && s->n_old > 0 && fraction > 0) {
        double bmax = ceil(fraction * s->n_now - 1e-9);
        s->b_max = bmax < 1 ? 1 : (uint32_t)bmax;
        if (s->b_max > s->n_old)
            s->b_max = s->n_old;
    }
}

static trd_status amplification(const trd__model *m, trd__sched_input *in, trd__diag *d)
{
    int topo = trd__model_topo_order(m, in->topo);
    if (topo < 0)
        return trd__fail(d, TRD_E_NOMEM, "schedule: out of memory ordering the pipeline");
    if (topo > 0)
        return trd__fail(d, TRD_E_INTERNAL, "schedule: the committed pipeline has a cycle");
    for (size_t e = 0; e < m->n_edges; e++) {
        in->ops[m->edges[e].from].n_out++;
        in->ops[m->edges[e].to].n_in++;
    }
    for (size_t t = 0; t < m->n_ops; t++) {
        uint32_t j = in->topo[t];
        trd__sched_op *s = &in->ops[j];
        if (s->n_in == 0) {
            s->D = 1;
            continue;
        }
        for (size_t e = 0; e < m->n_edges; e++)
            if (m->edges[e].to == j) {
                const trd__sched_op *src = &in->ops[m->edges[e].from];
                s->D += src->D * src->r * in->edge_share[e];
            }
    }
    return TRD_OK;
}

static trd_status alloc_tables(trd__sched_input *in, const trd__model *m, trd__diag *d)
{
    const trd__alloc *a = in->alloc;
    in->n_ops = m->n_ops;
    for (size_t k = 0; k < m->n_nodes; k++)
        if (trd__node_get(&m->nodes[k], TRD_NODE_COUNT) >= 1) {
            in->n_pools++;
            in->n_machines += (size_t)trd__node_get(&m->nodes[k], TRD_NODE_COUNT);
            in->n_devices += (size_t)(trd__node_get(&m->nodes[k], TRD_NODE_COUNT) * trd__node_get(&m->nodes[k], TRD_NODE_GPUS));
        }
    in->ops = trd__calloc(a, in->n_ops, sizeof *in->ops);
    in->pools = trd__calloc(a, in->n_pools, sizeof *in->pools);
    in->machine_pool = trd__calloc(a, in->n_machines, sizeof *in->machine_pool);
    in->topo = trd__calloc(a, in->n_ops, sizeof *in->topo);
    in->fit = trd__calloc(a, in->n_ops * in->n_pools, sizeof *in->fit);
    in->share = trd__calloc(a, in->n_ops * in->n_pools, sizeof *in->share);
    in->current = trd__calloc(a, in->n_ops * in->n_machines, sizeof *in->current);
    in->edge_share = trd__calloc(a, m->n_edges ? m->n_edges : 1, sizeof *in->edge_share);
    if (!in->ops || !in->pools || !in->machine_pool || !in->topo || !in->fit || !in->share || !in->current ||
        !in->edge_share)
        return trd__fail(d, TRD_E_NOMEM, "schedule: out of memory preparing the model");
    return TRD_OK;
}

static void describe_pools(trd__sched_input *in, const trd__model *m)
{
    size_t p = 0, first = 0;
    for (size_t k = 0; k < m->n_nodes; k++) {
        const trd__node *n = &m->nodes[k];
        if (trd__node_get(n, TRD_NODE_COUNT) < 1)
            continue;
        trd__sched_pool *pl = &in->pools[p];
        pl->node = (uint32_t)k;
        pl->count = (uint32_t)trd__node_get(n, TRD_NODE_COUNT);
        pl->first = (uint32_t)first;
        pl->cpus = trd__node_get(n, TRD_NODE_CPUS);
        pl->mem = trd__node_get(n, TRD_NODE_MEMORY_BYTES);
        pl->gpus = trd__node_get(n, TRD_NODE_GPUS);
        pl->gpu_mem = trd__node_get(n, TRD_NODE_GPU_MEMORY_BYTES);
        pl->nic = in->params.network ? trd__node_get(n, TRD_NODE_NIC_BYTES_PER_S) : 0;
        for (uint32_t a = 0; a < pl->count; a++)
            in->machine_pool[first + a] = (uint32_t)p;
        first += pl->count;
        p++;
    }
}

/* Pool index of node kind k, or n_pools if it has no machines. */
static size_t pool_of_node(const trd__sched_input *in, uint32_t node)
{
    for (size_t p = 0; p < in->n_pools; p++)
        if (in->pools[p].node == node)
            return p;
    return in->n_pools;
}

trd_status trd__sched_input_init(trd__sched_input *in, const trd__model *m, const trd__alloc *a, const trd_rate *rates,
                                 size_t count, const trd__sched_params *params, trd__diag *d)
{
    memset(in, 0, sizeof *in);
    in->model = m;
    in->alloc = a;
    in->params = *params;
    const trd_rate **by_op = trd__calloc(a, m->n_ops ? m->n_ops : 1, sizeof *by_op);
    if (!by_op)
        return trd__fail(d, TRD_E_NOMEM, "schedule: out of memory checking the rates");
    trd_status st = check_rates(m, rates, count, by_op, d);
    if (st == TRD_OK)
        st = alloc_tables(in, m, d);
    if (st == TRD_OK) {
        describe_pools(in, m);
        for (size_t e = 0; e < m->n_edges; e++)
            in->edge_share[e] = params->edge_shares && params->edge_shares[e] >= 0 ? params->edge_shares[e]
                                                                                   : m->edges[e].share;
        for (size_t i = 0; i < m->n_ops; i++) {
            const trd__operator *o = &m->ops[i];
            trd__sched_op *s = &in->ops[i];
            s->r = trd__op_get(o, TRD_OP_ITEMS_OUT_PER_IN);
            s->cpus = trd__op_get(o, TRD_OP_CPUS);
            s->mem = trd__op_get(o, TRD_OP_MEMORY_BYTES);
            s->gpus = trd__op_get(o, TRD_OP_GPUS);
            s->weight = s->gpus > 0 && s->gpus < 1 ? s->gpus : 1;
            s->out_bytes = trd__op_get(o, TRD_OP_OUTPUT_BYTES_PER_ITEM);
            const trd__sched_hint *h = params->hints ? &params->hints[i] : NULL;
            if (h && h->out_per_in >= 0)
                s->r = h->out_per_in;
            if (h && s->out_bytes <= 0 && h->bytes_per_out >= 0)
                s->out_bytes = h->bytes_per_out;
            if (!params->network)
                s->out_bytes = 0; /* no traffic is charged: placement ignores the network */
            timings(o, h, s);
            rolling_state(m, i, by_op[i], params, s);
            uint64_t total_fit = 0;
            for (size_t p = 0; p < in->n_pools; p++) {
                uint32_t f = machine_fit(o, &m->nodes[in->pools[p].node], &in->share[i * in->n_pools + p]);
                in->fit[i * in->n_pools + p] = f;
                total_fit += (uint64_t)f * in->pools[p].count;
            }
            if (total_fit == 0) {
                st = trd__fail(d, TRD_E_INFEASIBLE, "schedule: operator '%s' fits on no machine", o->name);
                break;
            }
            double lo = trd__op_get(o, TRD_OP_MIN_INSTANCES), hi = trd__op_get(o, TRD_OP_MAX_INSTANCES);
            s->min_inst = (uint32_t)lo;
            s->max_inst = hi > 0 && hi < (double)total_fit ? (uint32_t)hi
                                                           : (uint32_t)(total_fit > UINT32_MAX ? UINT32_MAX : total_fit);
            if (s->min_inst > s->max_inst) {
                st = trd__fail(d, TRD_E_INFEASIBLE,
                               "schedule: no deployment satisfies the model: operator '%s' needs %u instances, but "
                               "at most %u fit the machines one by one",
                               o->name, s->min_inst, s->max_inst);
                break;
            }
        }
    }
    if (st == TRD_OK)
        st = amplification(m, in, d);
    if (st == TRD_OK)
        for (size_t q = 0; q < m->n_placements; q++) {
            const trd__placement *pl = &m->placements[q];
            size_t p = pool_of_node(in, pl->node);
            if (p < in->n_pools)
                in->current[pl->op * in->n_machines + in->pools[p].first + pl->member] += pl->instances;
        }
    trd__free(a, by_op);
    if (st != TRD_OK)
        trd__sched_input_free(in);
    return st;
}
