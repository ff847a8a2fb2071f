/* truth.c -- expectations of the true cost model per regime (see truth.h). */
#include "truth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim_random.h"

#define TRUTH_ITEMS 4000

typedef struct wpoint {
    double x, w;
} wpoint;

static int by_x(const void *a, const void *b)
{
    double d = ((const wpoint *)a)->x - ((const wpoint *)b)->x;
    return d < 0 ? -1 : d > 0;
}

sim_status sim_truth_compute(const sim_scenario *sc, uint32_t regime, sim_truth *t, sim_error *err)
{
    double *w = calloc(sc->n_regimes, sizeof *w);
    if (!w)
        return sim_fail(err, SIM_E_NOMEM, "truth: out of memory");
    w[regime] = 1;
    sim_status st = sim_truth_compute_mix(sc, w, t, err);
    free(w);
    return st;
}

sim_status sim_truth_compute_mix(const sim_scenario *sc, const double *weights, sim_truth *t, sim_error *err)
{
    memset(t, 0, sizeof *t);
    double total = 0;
    for (uint32_t g = 0; g < sc->n_regimes; g++) {
        total += weights[g];
        if (weights[g] > weights[t->regime])
            t->regime = g;
    }
    if (!(total > 0))
        return sim_fail(err, SIM_E_INVALID, "truth: every regime weight is 0");
    uint32_t n = sc->n_ops;
    t->ops = calloc(n, sizeof *t->ops);
    t->edge_share = calloc(sc->n_edges ? sc->n_edges : 1, sizeof *t->edge_share);
    double *in = calloc(n, sizeof *in), *sum_in = calloc(n, sizeof *sum_in), *sum_out = calloc(n, sizeof *sum_out);
    double *edge = calloc(sc->n_edges ? sc->n_edges : 1, sizeof *edge), *f = calloc(sc->n_features + 1, sizeof *f);
    double *parts = calloc(n, sizeof *parts);
    wpoint *mem = calloc((size_t)n * TRUTH_ITEMS, sizeof *mem);
    if (!t->ops || !t->edge_share || !in || !sum_in || !sum_out || !edge || !f || !parts || !mem) {
        free(in), free(sum_in), free(sum_out), free(edge), free(f), free(parts), free(mem);
        sim_truth_release(t);
        return sim_fail(err, SIM_E_NOMEM, "truth: out of memory");
    }
    uint32_t regime = 0;
    double acc = weights[0] / total;
    for (uint32_t k = 0; k < TRUTH_ITEMS; k++) {
        /* Stratified: item k belongs to the regime whose cumulative share covers (k + 0.5) / N. */
        while ((k + 0.5) / TRUTH_ITEMS > acc && regime + 1 < sc->n_regimes)
            acc += weights[++regime] / total;
        const sim_regime *g = &sc->regimes[regime];
        sim_rng r;
        sim_rng_seed3(&r, 0x7275746875ull, SIM_STREAM_TRUTH, (uint64_t)regime << 32 | k);
        for (uint32_t x = 0; x < sc->n_features; x++)
            f[x] = sim_dist_draw(&r, &g->features[x]);
        memset(in, 0, n * sizeof *in);
        in[sc->source_op] = 1;
        for (uint32_t s = 0; s < n; s++) {
            uint32_t i = sc->topo[s];
            const sim_op *o = &sc->ops[i];
            sim_truth_op *to = &t->ops[i];
            double x = in[i];
            sum_in[i] += x;
            parts[i] += x > 0;
            to->lat_scale += x * sim_scale_of(&o->cost.scale, f);
            to->steps += x * sim_scale_of(&o->cost.steps, f);
            mem[(size_t)i * TRUTH_ITEMS + k] = (wpoint){sim_scale_of(&o->cost.mem_scale, f), x};
            to->mem_scale += x * mem[(size_t)i * TRUTH_ITEMS + k].x;
            double q = sim_quantity_of(&o->fanout, f);
            double out = o->fanin ? (x > 0 ? fmax(1, q > 0 ? x / q : x) : 0) : x * q;
            out *= sim_quantity_of(&o->keep, f);
            sum_out[i] += out;
            to->out_bytes += out * sim_quantity_of(&o->out_bytes, f);
            double wsum = 0;
            if (o->route)
                for (uint32_t e = 0; e < o->n_out; e++)
                    wsum += sim_quantity_of(&o->route[e], f);
            for (uint32_t e = 0; e < o->n_out; e++) {
                double share = o->route ? (wsum > 0 ? sim_quantity_of(&o->route[e], f) / wsum : 0) : 1;
                edge[o->out_edges[e]] += out * share;
                in[sc->edges[o->out_edges[e]].to] += out * share;
            }
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        sim_truth_op *to = &t->ops[i];
        to->D = sum_in[i] / TRUTH_ITEMS;
        to->out_per_in = sum_in[i] > 0 ? sum_out[i] / sum_in[i] : 1;
        to->lat_scale = sum_in[i] > 0 ? to->lat_scale / sum_in[i] : 1;
        to->steps = sum_in[i] > 0 ? to->steps / sum_in[i] : 1;
        to->mem_scale = sum_in[i] > 0 ? to->mem_scale / sum_in[i] : 1;
        to->part_items = parts[i] > 0 ? sum_in[i] / parts[i] : 1;
        to->out_bytes = sum_out[i] > 0 ? to->out_bytes / sum_out[i] : 0;
        wpoint *m = mem + (size_t)i * TRUTH_ITEMS;
        qsort(m, TRUTH_ITEMS, sizeof *m, by_x);
        double cum = 0;
        to->mem_scale_p99 = to->mem_scale;
        for (uint32_t k = 0; k < TRUTH_ITEMS && sum_in[i] > 0; k++) {
            cum += m[k].w;
            if (cum >= 0.99 * sum_in[i]) {
                to->mem_scale_p99 = m[k].x;
                break;
            }
        }
        for (uint32_t e = 0; e < sc->ops[i].n_out; e++) {
            uint32_t id = sc->ops[i].out_edges[e];
            t->edge_share[id] = sum_out[i] > 0 ? edge[id] / sum_out[i] : sc->edges[id].share;
        }
    }
    free(in), free(sum_in), free(sum_out), free(edge), free(f), free(parts), free(mem);
    return SIM_OK;
}

void sim_truth_release(sim_truth *t)
{
    free(t->ops);
    free(t->edge_share);
    t->ops = NULL;
    t->edge_share = NULL;
}

double sim_truth_demand_p99(const sim_scenario *sc, const sim_truth *t, uint32_t op, uint32_t batch)
{
    const sim_op *o = &sc->ops[op];
    if (o->cost.kind != SIM_COST_ACCELERATOR)
        return 0;
    double b = batch ? batch : t->ops[op].part_items;
    return o->cost.mem_base_bytes + o->cost.mem_per_item_bytes * b * t->ops[op].mem_scale_p99;
}

double sim_truth_rate(const sim_scenario *sc, const sim_truth *t, uint32_t op, uint32_t batch)
{
    const sim_op *o = &sc->ops[op];
    const sim_cost *c = &o->cost;
    const sim_truth_op *to = &t->ops[op];
    double b = batch ? batch : to->part_items;
    double s = to->lat_scale > 0 ? to->lat_scale : 1;
    if (c->kind == SIM_COST_CPU) {
        double per_item = c->per_item_s * s + c->per_batch_s / b;
        return per_item > 0 ? 1 / per_item : 1e12;
    }
    double lat = c->t0_s + c->t1_s * b * s;
    if (lat < c->floor_s)
        lat = c->floor_s;
    lat *= to->steps > 0 ? to->steps : 1;
    double demand = c->mem_base_bytes + c->mem_per_item_bytes * b * to->mem_scale;
    if (o->device_cap_bytes > 0 && demand > c->near_cap_from * o->device_cap_bytes)
        lat *= c->near_cap_slowdown;
    return b / lat;
}
